//! `.xlsx` as people make it: a title above the header, blank rows, retyped headers,
//! numbers where text belongs and dates in every style.

use rust_xlsxwriter::{Format, Workbook};
use sheets::{Cell, SheetError, SheetReader};

use crate::support::*;

/// Title merged over A1:G1, blank row 2, header in row 3 with full-width letters, inner
/// and trailing spaces and an unrelated column; data from row 4 with a blank row 5.
fn messy_members(scratch: &Scratch) -> std::path::PathBuf {
    let path = scratch.path("members.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .merge_range(0, 0, 0, 6, "2024年度会员名册", &Format::new().set_bold())
        .expect("title");
    let headers = [
        "序号",
        "姓　名 ",
        "身份证号  ",
        "入会日期",
        "人 数",
        "ＱＱ号",
        "手机号码",
    ];
    for (column, header) in headers.iter().enumerate() {
        sheet
            .write_string(2, column as u16, *header)
            .expect("header");
    }
    // Row 4: everything stored as numbers, as Excel does when people type digits.
    sheet.write_number(3, 0, 1).expect("cell");
    sheet.write_string(3, 1, "张三").expect("cell");
    sheet
        .write_number(3, 2, 330182199001011234.0)
        .expect("cell");
    sheet
        .write_number_with_format(3, 3, 43529, &date_format)
        .expect("cell");
    sheet.write_number(3, 4, 120.0).expect("cell");
    sheet.write_number(3, 5, 12345.0).expect("cell");
    sheet.write_number(3, 6, 13812345678.0).expect("cell");
    // Row 5 blank; rows 6 to 10: text dates in each written style and a bare serial.
    let text_dates = [
        "2019-3-5",
        "2019.03.05",
        "2019/3/5",
        "2019年3月5日",
        "20190305",
    ];
    for (offset, written) in text_dates.iter().enumerate() {
        let row = 5 + offset as u32;
        sheet
            .write_string(row, 1, format!(" 成员{offset}　"))
            .expect("cell");
        sheet
            .write_string(row, 2, "330182199001011234")
            .expect("cell");
        sheet.write_string(row, 3, *written).expect("cell");
    }
    sheet.write_string(10, 1, "王五").expect("cell");
    sheet.write_string(10, 2, "3.30182E+17").expect("cell");
    sheet.write_number(10, 3, 43529).expect("cell");
    // Row 12: a date that cannot be read.
    sheet.write_string(11, 1, "赵六").expect("cell");
    sheet.write_string(11, 3, "2019-13-01").expect("cell");
    workbook.save(&path).expect("save fixture");
    path
}

#[test]
fn header_is_found_below_a_merged_title_and_a_blank_row() {
    let scratch = Scratch::new();
    let reader = SheetReader::open(&messy_members(&scratch), MEMBER_COLUMNS).expect("opens");
    assert_eq!(reader.header_row(), 3);
    assert!((0..MEMBER_COLUMNS.len()).all(|column| reader.has_column(column)));
    assert_eq!(reader.source_headers()[1], "姓　名 ");
}

#[test]
fn numbers_render_as_excel_shows_them_and_damaged_ids_stay_scientific() {
    let scratch = Scratch::new();
    let mut reader = SheetReader::open(&messy_members(&scratch), MEMBER_COLUMNS).expect("opens");
    let row = reader.next_row().expect("reads").expect("a row");
    assert_eq!(row.excel_row, 4);
    assert_eq!(row.text(NAME), "张三");
    assert_eq!(row.text(ID), "3.30182199001011E+17");
    assert!(matches!(row.cell(ID), Cell::Float(_)));
    assert_eq!(row.text(HEADCOUNT), "120");
    assert_eq!(row.text(QQ), "12345");
    assert_eq!(row.text(PHONE), "13812345678");
    assert_eq!(row.cell(JOINED), &Cell::Date(march_5_2019()));
    assert_eq!(row.date(JOINED), Ok(Some(march_5_2019())));
}

#[test]
fn blank_rows_are_skipped_and_every_date_style_reads_the_same_day() {
    let scratch = Scratch::new();
    let reader = SheetReader::open(&messy_members(&scratch), MEMBER_COLUMNS).expect("opens");
    let rows: Vec<_> = reader.collect::<Result<_, _>>().expect("reads all");
    let numbers: Vec<usize> = rows.iter().map(|row| row.excel_row).collect();
    assert_eq!(numbers, vec![4, 6, 7, 8, 9, 10, 11, 12]);
    for row in &rows[1..7] {
        assert_eq!(
            row.date(JOINED),
            Ok(Some(march_5_2019())),
            "row {}",
            row.excel_row
        );
    }
    assert_eq!(rows[1].text(NAME), "成员0");
    assert_eq!(rows[1].text(ID), "330182199001011234");
    assert_eq!(rows[6].text(ID), "3.30182E+17");
    let reason = rows[7].date(JOINED).expect_err("month 13");
    assert!(reason.contains("2019-13-01"), "{reason}");
    assert_eq!(rows[7].text(ID), "");
    assert!(!rows[7].is_blank());
}

#[test]
fn a_missing_required_column_is_named_in_chinese() {
    let scratch = Scratch::new();
    let path = scratch.path("no-id.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "姓名").expect("cell");
    sheet.write_string(0, 1, "电话").expect("cell");
    sheet.write_string(1, 0, "张三").expect("cell");
    workbook.save(&path).expect("save");

    let error = SheetReader::open(&path, MEMBER_COLUMNS).expect_err("no header");
    match &error {
        SheetError::NoHeader { missing } => assert_eq!(missing, &vec!["身份证号".to_owned()]),
        other => panic!("expected NoHeader, got {other:?}"),
    }
    assert!(
        error.to_string().starts_with("找不到表头：缺少列 身份证号"),
        "{error}"
    );
}

#[test]
fn the_header_may_be_on_a_later_sheet_after_instructions() {
    let scratch = Scratch::new();
    let path = scratch.path("with-instructions.xlsx");
    let mut workbook = Workbook::new();
    let notes = workbook.add_worksheet();
    notes
        .write_string(0, 0, "填表说明：身份证号请设置为文本格式")
        .expect("cell");
    let data = workbook.add_worksheet();
    data.write_string(0, 0, "公民身份号码").expect("cell");
    data.write_string(0, 1, "姓名").expect("cell");
    data.write_string(1, 0, "330182199001011234").expect("cell");
    data.write_string(1, 1, "张三").expect("cell");
    workbook.save(&path).expect("save");

    let mut reader = SheetReader::open(&path, MEMBER_COLUMNS).expect("opens");
    assert!(!reader.has_column(JOINED));
    let row = reader.next_row().expect("reads").expect("a row");
    assert_eq!(
        (row.text(ID), row.text(NAME)),
        ("330182199001011234".into(), "张三".into())
    );
    assert_eq!(row.cell(JOINED), &Cell::Empty);
    assert_eq!(row.date(JOINED), Ok(None));
    assert!(reader.next_row().expect("reads").is_none());
}
