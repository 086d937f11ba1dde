//! Big files go through without holding them in memory. Memory is not measured here (that
//! belongs to the benchmarks); this checks that every row of a 200,000-row workbook,
//! written in constant-memory mode and read by the streaming reader, arrives in order.

use sheets::{SheetReader, SheetWriter};

use crate::support::*;

const ROWS: usize = 200_000;

#[test]
fn a_200_000_row_workbook_streams_through_both_ways() {
    let scratch = Scratch::new();
    let path = scratch.path("big.xlsx");
    let mut writer =
        SheetWriter::with_title("大表", &["姓名", "身份证号", "手机号码"]).expect("writer");
    for index in 0..ROWS {
        let id = format!("{:018}", 330_182_199_001_010_000_u64 + index as u64);
        writer
            .write_row(&[format!("成员{index}"), id, format!("138{index:08}")])
            .expect("row");
    }
    writer.finish(&path).expect("saved");

    let mut reader = SheetReader::open(&path, MEMBER_COLUMNS).expect("opens");
    let mut count = 0;
    while let Some(row) = reader.next_row().expect("reads") {
        assert_eq!(row.excel_row, count + 3);
        if count % 50_000 == 0 {
            assert_eq!(row.text(NAME), format!("成员{count}"));
            assert_eq!(row.text(PHONE), format!("138{count:08}"));
        }
        count += 1;
    }
    assert_eq!(count, ROWS);
}

#[test]
fn dropping_a_reader_part_way_through_stops_quietly() {
    let scratch = Scratch::new();
    let path = scratch.path("medium.xlsx");
    let mut writer = SheetWriter::new(&["姓名", "身份证号"]).expect("writer");
    for index in 0..5_000 {
        writer
            .write_row(&[format!("成员{index}"), index.to_string()])
            .expect("row");
    }
    writer.finish(&path).expect("saved");
    let mut reader = SheetReader::open(&path, MEMBER_COLUMNS).expect("opens");
    assert!(reader.next_row().expect("reads").is_some());
    drop(reader);
}

/// Imports run on a blocking thread pool, so readers and rows must move between threads.
#[test]
fn readers_rows_and_writers_can_move_between_threads() {
    fn sendable<T: Send>() {}
    sendable::<SheetReader>();
    sendable::<sheets::Row>();
    sendable::<SheetWriter>();
    sendable::<sheets::SheetError>();
}
