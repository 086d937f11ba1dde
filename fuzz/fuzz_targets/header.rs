//! The header finder: a sheet whose header row holds the caller's columns — after title
//! rows, notes and blank rows, in any order, retyped with spaces, full-width letters or a
//! `*` — is read from that header on. The rows around it are arbitrary text written as a
//! proper CSV, so whatever they hold, the planted header is found (or an earlier row that
//! also holds every required column), and data rows come after it in Excel's numbering.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use sheets::{Column, SheetError, SheetReader};

const COLUMNS: &[Column] = &[
    Column::required("姓名"),
    Column::required("身份证号").aliases(&["公民身份号码", "身份证号码"]),
    Column::optional("入会日期"),
];

#[derive(Debug, Arbitrary)]
struct Sheet {
    /// Rows above the header: titles, notes, blank rows, near-misses.
    before: Vec<Vec<String>>,
    /// Whether the header is there at all.
    planted: bool,
    /// How each column name is retyped, and where it goes in the header row.
    styles: [u8; 3],
    order: u8,
    /// Other cells of the header row.
    extra: Vec<String>,
    /// Rows after the header.
    after: Vec<Vec<String>>,
}

/// The same header as a person might retype it.
fn retype(name: &str, style: u8) -> String {
    match style % 6 {
        0 => name.to_owned(),
        1 => format!("*{name}"),
        2 => format!(" {name}\u{3000}"),
        3 => name.chars().map(String::from).collect::<Vec<_>>().join(" "),
        4 => format!("{name}*"),
        _ => format!("\u{200B}{name}"),
    }
}

/// Tabs and NULs would change how the file is sniffed (tab-separated, binary); a leading
/// `<` makes it look like HTML. Those paths have their own tests; here the file must be a
/// comma-separated text file.
fn clean(cell: &str) -> String {
    cell.chars()
        .filter(|c| !matches!(c, '\t' | '\0' | '<' | '\u{FEFF}'))
        .collect()
}

fn record(cells: &[String]) -> Vec<String> {
    let mut cells: Vec<String> = cells.iter().take(40).map(|c| clean(c)).collect();
    if cells.is_empty() {
        cells.push(String::new());
    }
    cells
}

fuzz_target!(|sheet: Sheet| {
    let mut rows: Vec<Vec<String>> = sheet.before.iter().take(60).map(|r| record(r)).collect();
    let header_index = rows.len();
    if sheet.planted {
        let names = [
            retype(COLUMNS[0].name, sheet.styles[0]),
            retype(
                COLUMNS[1].aliases[sheet.styles[1] as usize % 2],
                sheet.styles[1] / 2,
            ),
            retype(COLUMNS[2].name, sheet.styles[2]),
        ];
        let mut header = record(&sheet.extra);
        for (i, name) in names.into_iter().enumerate() {
            let at = (sheet.order as usize / (i + 1)) % (header.len() + 1);
            header.insert(at, name);
        }
        rows.push(header);
    }
    rows.extend(sheet.after.iter().take(60).map(|r| record(r)));

    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for row in &rows {
        writer.write_record(row).expect("writing to memory");
    }
    let bytes = writer.into_inner().expect("writing to memory");
    let path = std::env::temp_dir().join(format!("gw-fuzz-header-{}.csv", std::process::id()));
    std::fs::write(&path, &bytes).expect("writing the sheet");

    match SheetReader::open(&path, COLUMNS) {
        Ok(mut reader) => {
            let header_row = reader.header_row();
            assert!(
                header_row >= 1 && header_row <= rows.len(),
                "header at {header_row}"
            );
            if sheet.planted && header_index < 19 {
                assert!(
                    header_row <= header_index + 1,
                    "header at {header_row}, planted at {}",
                    header_index + 1
                );
            }
            assert!(reader.has_column(0) && reader.has_column(1));
            let mut last = header_row;
            while let Some(row) = reader.next_row().expect("a CSV written by csv reads back") {
                assert!(
                    row.excel_row > last,
                    "row {} after row {last}",
                    row.excel_row
                );
                assert!(
                    row.excel_row <= rows.len(),
                    "row {} of {}",
                    row.excel_row,
                    rows.len()
                );
                last = row.excel_row;
                let _ = (row.text(0), row.text(1), row.date(2), row.is_blank());
            }
        }
        Err(SheetError::NoHeader { missing }) => {
            assert!(
                !(sheet.planted && header_index < 19),
                "header planted at row {} not found",
                header_index + 1
            );
            assert!(!missing.is_empty());
            assert!(
                missing.iter().all(|m| m == "姓名" || m == "身份证号"),
                "{missing:?}"
            );
        }
        Err(SheetError::Unusable(_)) if bytes.iter().all(u8::is_ascii_whitespace) => {}
        Err(other) => panic!("{other:?} for a comma-separated text file"),
    }
});
