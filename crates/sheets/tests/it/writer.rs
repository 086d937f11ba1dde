//! What SheetWriter produces reads back as written: templates, exports, rejects files.

use sheets::{Cell, Column, SheetReader, SheetWriter};

use crate::support::*;

#[test]
fn a_template_with_a_title_reads_back_with_ids_as_text() {
    let scratch = Scratch::new();
    let path = scratch.path("template.xlsx");
    let mut writer =
        SheetWriter::with_title("会员导入模板", &["姓名", "身份证号", "入会日期"]).expect("writer");
    writer
        .write_row(&["张三", "330182199001011234", "2019-03-05"])
        .expect("row");
    writer.finish(&path).expect("saved");

    let mut reader = SheetReader::open(&path, MEMBER_COLUMNS).expect("opens");
    assert_eq!(reader.header_row(), 2);
    let row = reader.next_row().expect("reads").expect("a row");
    assert_eq!(row.excel_row, 3);
    assert_eq!(row.cell(ID), &Cell::Text("330182199001011234".into()));
    assert_eq!(row.date(JOINED), Ok(Some(march_5_2019())));
    assert!(reader.next_row().expect("reads").is_none());
}

#[test]
fn typed_cells_keep_their_types_and_formulas_stay_text() {
    let scratch = Scratch::new();
    let path = scratch.path("export.xlsx");
    const COLUMNS: &[Column] = &[
        Column::required("金额"),
        Column::required("日期"),
        Column::required("时间"),
        Column::required("备注"),
    ];
    let moment = march_5_2019().and_hms_opt(8, 30, 0).expect("time");
    let mut writer = SheetWriter::new(&["金额", "日期", "时间", "备注"]).expect("writer");
    writer
        .write_cells(&[
            Cell::Float(1234.5),
            Cell::Date(march_5_2019()),
            Cell::DateTime(moment),
            Cell::Text("=1+1".into()),
        ])
        .expect("row");
    writer.finish(&path).expect("saved");

    let mut reader = SheetReader::open(&path, COLUMNS).expect("opens");
    let row = reader.next_row().expect("reads").expect("a row");
    assert_eq!(row.cell(0), &Cell::Float(1234.5));
    assert_eq!(row.cell(1), &Cell::Date(march_5_2019()));
    assert_eq!(row.cell(2), &Cell::DateTime(moment));
    assert_eq!(row.text(3), "=1+1");
}

#[test]
fn a_rejects_file_repeats_the_original_columns_with_a_reason() {
    let scratch = Scratch::new();
    let upload = scratch.file(
        "upload.csv",
        "备注,姓名,身份证号\n外来,张三,123\n".as_bytes(),
    );
    let mut reader = SheetReader::open(&upload, MEMBER_COLUMNS).expect("opens");
    let mut headers = reader.source_headers().to_vec();
    headers.push("错误原因".to_owned());
    let rejects = scratch.path("rejects.xlsx");
    let mut writer = SheetWriter::new(&headers).expect("writer");
    while let Some(row) = reader.next_row().expect("reads") {
        let mut values: Vec<String> = row.source_cells().iter().map(Cell::to_string).collect();
        values.push("身份证号位数不对".to_owned());
        writer.write_row(&values).expect("row");
    }
    writer.finish(&rejects).expect("saved");

    const REJECT_COLUMNS: &[Column] = &[Column::required("身份证号"), Column::required("错误原因")];
    let mut reread = SheetReader::open(&rejects, REJECT_COLUMNS).expect("opens");
    assert_eq!(
        reread.source_headers(),
        ["备注", "姓名", "身份证号", "错误原因"]
    );
    let row = reread.next_row().expect("reads").expect("a row");
    assert_eq!(
        (row.text(0), row.text(1)),
        ("123".into(), "身份证号位数不对".into())
    );
}

#[test]
fn rows_past_excels_limit_continue_on_the_next_sheet_under_the_same_headers() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("many.xlsx");
    let mut w = SheetWriter::new(&["行号", "错误原因"]).expect("writer");
    // The first sheet holds the header and 1,048,575 rows; five more go to the second.
    let rows = 1_048_575 + 5;
    for i in 0..rows {
        w.write_row(&[i.to_string().as_str(), "x"])
            .unwrap_or_else(|e| panic!("row {i}: {e}"));
    }
    w.finish(&path).expect("finish");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).expect("file")).expect("zip");
    let mut second = String::new();
    std::io::Read::read_to_string(
        &mut zip
            .by_name("xl/worksheets/sheet2.xml")
            .expect("a second sheet"),
        &mut second,
    )
    .expect("read");
    assert_eq!(second.matches("<row ").count(), 6, "headers and five rows");
    assert!(second.contains("错误原因") && second.contains(&(rows - 1).to_string()));
    // The first sheet reads back whole, as before.
    let first = SheetReader::open(&path, &[Column::required("行号")])
        .expect("reader")
        .count();
    assert_eq!(first, 1_048_575);
}
