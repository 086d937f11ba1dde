//! How many rows a file holds, told cheaply before it is read, so a long import can say
//! how long it has left. A hint, not a count: a CSV's lines (a quoted cell may hold a line
//! break), an `.xlsx`'s first worksheet as its `<dimension>` records it (Excel and
//! groundwork's own exports write it; other writers may not). `.xls` files are small by
//! their format's limit and get no hint.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::{Format, detect};

/// How much of a worksheet part is inflated to find its `<dimension>` (it comes before
/// the first row).
const DIMENSION_WITHIN: usize = 8 * 1024;

/// The data rows of the file at `path` below a header in its first row, if they can be
/// told without reading the file through; `None` otherwise.
pub fn rows_hint(path: &Path) -> Option<u64> {
    let rows = match detect(path).ok()? {
        Format::Csv { .. } => csv_lines(path)?,
        Format::Xlsx => xlsx_last_row(path)?,
        Format::Xls => return None,
    };
    Some(rows.saturating_sub(1))
}

/// The lines of a text file (a last line without a line break counts).
fn csv_lines(path: &Path) -> Option<u64> {
    let mut file = File::open(path).ok()?;
    let mut buffer = vec![0u8; 64 * 1024];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        match file.read(&mut buffer).ok()? {
            0 => break,
            n => {
                lines += buffer[..n].iter().filter(|&&b| b == b'\n').count() as u64;
                last = buffer[n - 1];
            }
        }
    }
    Some(lines + u64::from(last != b'\n'))
}

/// The last row the first worksheet's `<dimension ref="A1:J1000001"/>` names.
fn xlsx_last_row(path: &Path) -> Option<u64> {
    let file = File::open(path).ok()?;
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).ok()?;
    let part = zip.by_name("xl/worksheets/sheet1.xml").ok()?;
    let mut head = Vec::with_capacity(DIMENSION_WITHIN);
    part.take(DIMENSION_WITHIN as u64)
        .read_to_end(&mut head)
        .ok()?;
    let text = String::from_utf8_lossy(&head);
    let at = text.find("<dimension ")?;
    let rest = &text[at..];
    let value = rest.split("ref=\"").nth(1)?.split('"').next()?;
    let last_cell = value.rsplit(':').next()?;
    last_cell
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SheetWriter;

    #[test]
    fn an_xlsx_tells_its_rows_from_its_dimension() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("rows.xlsx");
        let mut w = SheetWriter::new(&["姓名", "身份证号"]).expect("writer");
        for i in 0..1234 {
            w.write_row(&[format!("张{i}"), format!("{i}")])
                .expect("row");
        }
        w.finish(&path).expect("finish");
        assert_eq!(rows_hint(&path), Some(1234));
    }

    #[test]
    fn a_csv_tells_its_lines_less_the_header() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("rows.csv");
        std::fs::write(&path, "姓名,身份证号\n张三,1\n李四,2").expect("write");
        assert_eq!(rows_hint(&path), Some(2));
        std::fs::write(&path, "姓名,身份证号\n张三,1\n李四,2\n").expect("write");
        assert_eq!(rows_hint(&path), Some(2));
    }

    #[test]
    fn a_file_that_is_no_sheet_has_no_hint() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("x.xlsx");
        std::fs::write(&path, b"PK\x03\x04 not really a zip").expect("write");
        assert_eq!(rows_hint(&path), None);
        assert_eq!(rows_hint(&dir.path().join("missing.csv")), None);
    }
}
