//! `.xls` through calamine, using the fixture made by `tests/fixtures/make_members_xls.py`.

use std::path::{Path, PathBuf};

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

/// Found by `fuzz/fuzz_targets/rows.rs`: the fixture with its one FAT sector (bytes
/// 4,608 to 5,119) zeroed makes every sector's successor sector 0, which is its own
/// successor. calamine followed that chain forever and the process died out of memory;
/// now the file is refused with a reason before calamine reads it.
#[test]
fn an_xls_whose_sector_chain_loops_is_refused_not_followed() {
    let scratch = Scratch::new();
    let original = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/members.xls");
    let mut bytes = std::fs::read(original).expect("fixture");
    bytes[4_608..5_120].fill(0);
    let looping = scratch.path("looping.xls");
    std::fs::write(&looping, &bytes).expect("write");
    assert_looping_refused(&looping);

    // Found next: the same, cut off at 4,948 bytes, inside the FAT sector. calamine
    // still links the part of the sector that is there, so the guard must too.
    bytes.truncate(4_948);
    std::fs::write(&looping, &bytes).expect("write");
    assert_looping_refused(&looping);
}

fn assert_looping_refused(path: &Path) {
    match SheetReader::open(path, MEMBER_COLUMNS) {
        Err(sheets::SheetError::Unusable(reason)) => {
            assert!(reason.contains("首尾相接"), "{reason}");
        }
        other => panic!("expected the file refused, got {other:?}"),
    }
}

/// The fixture with one change at the first record starting with `pattern`: `bytes` put
/// at `offset` from the record's start.
fn altered_fixture(scratch: &Scratch, pattern: &[u8], changes: &[(usize, &[u8])]) -> PathBuf {
    let original = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/members.xls");
    let mut bytes = std::fs::read(original).expect("fixture");
    let record = bytes
        .windows(pattern.len())
        .position(|window| window == pattern)
        .expect("the record is in the fixture");
    for (offset, new) in changes {
        bytes[record + offset..record + offset + new.len()].copy_from_slice(new);
    }
    let path = scratch.path("altered.xls");
    std::fs::write(&path, &bytes).expect("write");
    path
}

fn assert_too_large(path: &Path) {
    match SheetReader::open(path, MEMBER_COLUMNS) {
        Err(sheets::SheetError::Unusable(reason)) => {
            assert!(reason.contains("超出 .xls 格式的限制"), "{reason}");
        }
        other => panic!("expected the file refused, got {other:?}"),
    }
}

/// Found by the `rows` fuzz target once the loop above was refused: a DIMENSIONS record
/// (`00 02 0E 00`) claiming 268,435,456 rows made calamine reserve 43 GB, and the
/// failed allocation aborted the process.
#[test]
fn an_xls_claiming_a_billion_rows_is_refused_before_calamine_reserves_them() {
    let scratch = Scratch::new();
    let rows = 0x1000_0000u32.to_le_bytes();
    let path = altered_fixture(&scratch, &[0x00, 0x02, 0x0E, 0x00], &[(8, &rows)]);
    assert_too_large(&path);
}

/// A NUMBER record (`03 02 0E 00`) moved to row 65,536, column 60,001: calamine lays a
/// sheet out densely from its first cell to its last, 126 GB here, and aborted.
#[test]
fn an_xls_cell_far_outside_the_format_is_refused() {
    let scratch = Scratch::new();
    let row = 65_535u16.to_le_bytes();
    let col = 60_000u16.to_le_bytes();
    let path = altered_fixture(&scratch, &[0x03, 0x02, 0x0E, 0x00], &[(4, &row), (6, &col)]);
    assert_too_large(&path);
}
