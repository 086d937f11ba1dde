//! The row reader on arbitrary bytes, as an upload arrives: `.xlsx`, `.xls`, CSV in any
//! encoding, or none of them. Opening either refuses the file with a reason or finds a
//! header; rows then come in Excel's order, after the header, never wider than Excel, and
//! every accessor an import uses works on them. Nothing panics, whatever the bytes.

#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use sheets::{Column, SheetReader};

const COLUMNS: &[Column] = &[
    Column::required("姓名"),
    Column::required("身份证号").aliases(&["公民身份号码"]),
    Column::optional("入会日期"),
    Column::optional("备注"),
];

/// Names an upload may come under; the format is decided by content, the name only
/// decides whether text is acceptable at all.
const NAMES: [&str; 5] = ["csv", "xlsx", "xls", "txt", "bin"];

/// Beyond this the test says nothing new and slows the fuzzer down.
const MAX_ROWS: usize = 5_000;

/// libFuzzer's panic hook aborts on every panic, caught or not. `sheets` runs calamine
/// inside `catch_unwind` on purpose (a malformed `.xls` must give an error, not a crash),
/// so here a panic counts only when it escapes `sheets`: libfuzzer-sys still aborts on a
/// panic that leaves the target. calamine's caught panics are not even printed.
fn only_escaping_panics_count() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _aborting = std::panic::take_hook();
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info
                .location()
                .is_some_and(|at| at.file().contains("calamine"))
            {
                return;
            }
            default(info);
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    only_escaping_panics_count();
    let Some((&name, bytes)) = data.split_first() else {
        return;
    };
    let extension = NAMES[name as usize % NAMES.len()];
    let path =
        std::env::temp_dir().join(format!("gw-fuzz-rows-{}.{extension}", std::process::id()));
    std::fs::write(&path, bytes).expect("writing the upload");

    let mut reader = match SheetReader::open(&path, COLUMNS) {
        Ok(reader) => reader,
        Err(refused) => {
            assert!(!refused.to_string().is_empty());
            return;
        }
    };
    let header_row = reader.header_row();
    assert!(header_row >= 1);
    assert!(reader.has_column(0) && reader.has_column(1));
    assert!(reader.source_headers().len() <= 16_384);
    let mut last = header_row;
    for _ in 0..MAX_ROWS {
        let row = match reader.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(damaged) => {
                assert!(!damaged.to_string().is_empty());
                assert!(matches!(reader.next_row(), Ok(None)), "rows after an error");
                break;
            }
        };
        assert!(
            row.excel_row > last,
            "row {} after row {last}",
            row.excel_row
        );
        last = row.excel_row;
        assert!(row.source_cells().len() <= 16_384);
        for column in 0..COLUMNS.len() + 1 {
            let _ = (row.cell(column), row.text(column), row.text_trimmed(column));
            let _ = row.date(column);
        }
        let _ = row.is_blank();
    }
});
