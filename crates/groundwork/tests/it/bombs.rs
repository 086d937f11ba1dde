//! Spreadsheet bombs: small files that expand to gigabytes, and files of millions of bad
//! rows. Each is refused (exit 2, a Chinese message) or reported in bounded memory; the
//! peak memory of every `groundwork` process these tests ran stays under 512 MB.
//!
//! The suite runs them at a quick size; `GROUNDWORK_FULL_CHECKS=1` (as `scripts/hostile`
//! sets it) runs them at the sizes of the report that found them: a cell of 1.2 GB, 4.6
//! million bad rows.

use crate::support::{Fixture, stderr, stdout};
use std::io::Write;
use zip::write::SimpleFileOptions;

/// The members import's header, as a row of inline strings.
const HEADER: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c><c r="C1" t="inlineStr"><is><t>所属工会</t></is></c><c r="D1" t="inlineStr"><is><t>入会日期</t></is></c></row>"#;

/// `quick` in the test suite, `full` under `GROUNDWORK_FULL_CHECKS` (`scripts/hostile`).
fn sized(quick: usize, full: usize) -> usize {
    if std::env::var_os("GROUNDWORK_FULL_CHECKS").is_some() {
        full
    } else {
        quick
    }
}

/// Writes a part's text into the zip.
type PartWriter<'a> = &'a dyn Fn(&mut dyn Write);

/// Writes a minimal workbook whose sheet (and shared strings, if given) are written by
/// the closures, streamed into the zip so the test never holds the expanded text.
fn workbook(
    path: &std::path::Path,
    sheet: impl FnOnce(&mut dyn Write),
    shared: Option<PartWriter<'_>>,
) {
    let file = std::fs::File::create(path).expect("create");
    let mut z = zip::ZipWriter::new(file);
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut put = |name: &str, text: &str| {
        z.start_file(name, opts).expect("entry");
        z.write_all(text.as_bytes()).expect("write");
    };
    let shared_rel = if shared.is_some() {
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#
    } else {
        ""
    };
    put(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    );
    put(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    put(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    put(
        "xl/_rels/workbook.xml.rels",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{shared_rel}</Relationships>"#
        ),
    );
    if let Some(shared) = shared {
        z.start_file("xl/sharedStrings.xml", opts).expect("entry");
        shared(&mut z);
    }
    z.start_file("xl/worksheets/sheet1.xml", opts)
        .expect("entry");
    z.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#)
        .expect("write");
    sheet(&mut z);
    z.write_all(b"</sheetData></worksheet>").expect("write");
    z.finish().expect("finish");
}

/// Writes `count` copies of `unit`, a megabyte at a time.
fn repeat(w: &mut dyn Write, unit: &str, count: usize) {
    let per = (1 << 20) / unit.len().max(1);
    let chunk = unit.repeat(per);
    let mut left = count;
    while left >= per {
        w.write_all(chunk.as_bytes()).expect("write");
        left -= per;
    }
    w.write_all(unit.repeat(left).as_bytes()).expect("write");
}

/// The largest resident set of any child process waited for so far, in MB.
fn children_peak_mb() -> i64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_CHILDREN is always valid.
    let ok = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    assert_eq!(ok, 0, "getrusage");
    // SAFETY: initialised by the successful call above.
    let usage = unsafe { usage.assume_init() };
    usage.ru_maxrss / 1024
}

fn assert_refused(f: &Fixture, file: &str, words: &str) {
    let o = f.run(&["import", "members", &f.path(file)]);
    assert_eq!(o.status.code(), Some(2), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stderr(&o).contains(words), "{}", stderr(&o));
    let peak = children_peak_mb();
    assert!(peak < 512, "peak memory {peak} MB");
}

#[tokio::test]
async fn a_cell_that_expands_past_excels_limit_is_refused() {
    let f = Fixture::new().await;
    workbook(
        &f.dir.path().join("cell.xlsx"),
        |w| {
            w.write_all(HEADER.as_bytes()).expect("write");
            w.write_all(br#"<row r="2"><c r="A2" t="inlineStr"><is><t>"#)
                .expect("write");
            repeat(w, "A", sized(256 << 20, 1_200 << 20));
            w.write_all(b"</t></is></c></row>").expect("write");
        },
        None,
    );
    assert!(
        std::fs::metadata(f.path("cell.xlsx"))
            .map(|m| m.len())
            .unwrap_or(0)
            < 2 << 20
    );
    assert_refused(&f, "cell.xlsx", "32767");
}

#[tokio::test]
async fn a_shared_string_table_past_the_cap_is_refused() {
    let f = Fixture::new().await;
    let shared = |w: &mut dyn Write| {
        w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#)
            .expect("write");
        repeat(w, "<si><t>x</t></si>", 10_000_000);
        w.write_all(b"</sst>").expect("write");
    };
    workbook(
        &f.dir.path().join("sst.xlsx"),
        |w| w.write_all(HEADER.as_bytes()).expect("write"),
        Some(&shared),
    );
    assert_refused(&f, "sst.xlsx", "共享字符串表");
}

#[tokio::test]
async fn a_sheet_that_expands_a_thousandfold_is_refused() {
    let f = Fixture::new().await;
    workbook(
        &f.dir.path().join("ratio.xlsx"),
        |w| {
            w.write_all(HEADER.as_bytes()).expect("write");
            // Cells within Excel's limit, but a hundred megabytes from a few hundred
            // kilobytes.
            let cell = format!(
                r#"<row><c t="inlineStr"><is><t>{}</t></is></c></row>"#,
                "B".repeat(20_000)
            );
            repeat(w, &cell, 5_000);
        },
        None,
    );
    assert_refused(&f, "ratio.xlsx", "压缩比");
}

#[tokio::test]
async fn millions_of_bad_rows_are_counted_listed_in_part_and_all_rejected_to_file() {
    let f = Fixture::new().await;
    let rows = sized(200_000, 4_600_000) as u64;
    let mut csv = String::from("姓名,身份证号,所属工会,入会日期\n");
    for i in 0..rows {
        csv.push_str(&format!("某人{i},not-an-id,无此工会,2019-01-01\n"));
    }
    std::fs::write(f.path("bad.csv"), csv).expect("csv");
    let rejects = f.path("rejects.xlsx");
    let o = f.run(&[
        "import",
        "members",
        &f.path("bad.csv"),
        "--format",
        "json",
        "--skip-invalid",
        "--rejects",
        &rejects,
    ]);
    let report: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("json report");
    assert_eq!(report["invalid"].as_array().map(Vec::len), Some(1_000));
    assert!(report["invalid_count"].as_u64().is_some_and(|n| n >= rows));
    assert_eq!(report["rejected_rows"].as_u64(), Some(rows));
    // Data rows on every sheet (past 1,048,576 rows the file goes on to a second sheet).
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&rejects).expect("rejects file"))
        .expect("an xlsx");
    let mut written = 0u64;
    for i in 1..=zip.len() {
        let Ok(mut part) = zip.by_name(&format!("xl/worksheets/sheet{i}.xml")) else {
            break;
        };
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut part, &mut xml).expect("sheet");
        assert!(xml.contains("错误原因"), "each sheet has the headers");
        written += xml.matches("<row ").count() as u64 - 1;
    }
    assert_eq!(written, rows, "every rejected row is in the rejects file");
    let peak = children_peak_mb();
    assert!(peak < 512, "peak memory {peak} MB");
}
