//! CSV in the encodings Chinese offices produce.

use sheets::{Cell, SheetReader};

use crate::support::*;

const MEMBERS: &str = "会员名册\n\n姓名,身份证号,入会日期\n张三,3.30182E+17,2019-3-5\n,,\n\"李,四\",\"330182199001011234\",\"2019年3月5日\"\n";

fn read_all(path: &std::path::Path) -> Vec<sheets::Row> {
    let reader = SheetReader::open(path, MEMBER_COLUMNS).expect("opens");
    assert_eq!(reader.header_row(), 3);
    reader.collect::<Result<_, _>>().expect("reads all")
}

fn assert_members(rows: &[sheets::Row]) {
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].excel_row, 4);
    assert_eq!(rows[0].text(NAME), "张三");
    assert_eq!(rows[0].text(ID), "3.30182E+17");
    assert_eq!(rows[0].cell(ID), &Cell::Text("3.30182E+17".into()));
    assert_eq!(rows[0].date(JOINED), Ok(Some(march_5_2019())));
    assert_eq!(rows[1].excel_row, 6);
    assert_eq!(rows[1].text(NAME), "李,四");
    assert_eq!(rows[1].text(ID), "330182199001011234");
    assert_eq!(rows[1].date(JOINED), Ok(Some(march_5_2019())));
}

#[test]
fn utf8_with_a_byte_order_mark_reads() {
    let scratch = Scratch::new();
    let bytes = [b"\xEF\xBB\xBF".as_slice(), MEMBERS.as_bytes()].concat();
    assert_members(&read_all(&scratch.file("members.csv", &bytes)));
}

#[test]
fn utf8_without_a_byte_order_mark_reads() {
    let scratch = Scratch::new();
    assert_members(&read_all(&scratch.file("members.csv", MEMBERS.as_bytes())));
}

#[test]
fn gbk_is_detected_and_decoded() {
    let scratch = Scratch::new();
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(MEMBERS);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be valid UTF-8"
    );
    assert_members(&read_all(&scratch.file("members.csv", &bytes)));
}

#[test]
fn a_quoted_line_break_stays_in_one_excel_row() {
    let scratch = Scratch::new();
    let text = "姓名,身份证号\n\"张\n三\",1\n李四,2\n";
    let rows = read_all_from(&scratch.file("members.csv", text.as_bytes()));
    assert_eq!(
        rows.iter().map(|row| row.excel_row).collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert_eq!(rows[0].text(NAME), "张\n三");
}

#[test]
fn csv_saved_under_an_xls_name_or_tab_separated_still_reads() {
    let scratch = Scratch::new();
    let rows = read_all_from(&scratch.file("export.xls", "姓名\t身份证号\n张三\t1\n".as_bytes()));
    assert_eq!(
        (rows[0].text(NAME), rows[0].text(ID)),
        ("张三".into(), "1".into())
    );
}

fn read_all_from(path: &std::path::Path) -> Vec<sheets::Row> {
    let reader = SheetReader::open(path, MEMBER_COLUMNS).expect("opens");
    reader.collect::<Result<_, _>>().expect("reads all")
}
