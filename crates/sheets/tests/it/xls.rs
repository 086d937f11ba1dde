//! `.xls` through calamine, using the fixture made by `tests/fixtures/make_members_xls.py`.

use std::path::Path;

use sheets::{Cell, SheetReader};

use crate::support::*;

#[test]
fn xls_reads_like_xlsx() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/members.xls");
    let mut reader = SheetReader::open(&path, MEMBER_COLUMNS).expect("opens");
    assert_eq!(reader.header_row(), 3);

    let first = reader.next_row().expect("reads").expect("a row");
    assert_eq!(first.excel_row, 4);
    assert_eq!(first.text(NAME), "张三");
    assert_eq!(first.text(ID), "3.30182199001011E+17");
    assert_eq!(first.cell(JOINED), &Cell::Date(march_5_2019()));

    let second = reader.next_row().expect("reads").expect("a row");
    assert_eq!(second.excel_row, 5);
    assert_eq!(second.text(NAME), "李四");
    assert_eq!(second.text(ID), "330182199001011234");
    assert_eq!(second.date(JOINED), Ok(Some(march_5_2019())));

    assert!(reader.next_row().expect("reads").is_none());
}

#[test]
fn an_xls_renamed_to_xlsx_is_read_by_its_content() {
    let scratch = Scratch::new();
    let original = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/members.xls");
    let renamed = scratch.path("members.xlsx");
    std::fs::copy(original, &renamed).expect("copy");
    let reader = SheetReader::open(&renamed, MEMBER_COLUMNS).expect("opens");
    assert_eq!(reader.count(), 2);
}
