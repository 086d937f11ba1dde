//! Files that are not spreadsheets get a clear Chinese message, never a panic.

use sheets::{SheetError, SheetReader};

use crate::support::*;

fn unusable_message(name: &str, bytes: &[u8]) -> String {
    let scratch = Scratch::new();
    match SheetReader::open(&scratch.file(name, bytes), MEMBER_COLUMNS) {
        Err(SheetError::Unusable(message)) => message,
        Err(other) => panic!("{name}: expected Unusable, got {other:?}"),
        Ok(_) => panic!("{name}: expected Unusable, got a reader"),
    }
}

#[test]
fn binary_files_and_other_formats_are_not_spreadsheets() {
    let picture = [0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xFF, 0x00];
    for (name, bytes) in [
        ("photo.xlsx", picture.as_slice()),
        ("photo.csv", picture.as_slice()),
        ("report.pdf", b"%PDF-1.4 text".as_slice()),
        ("broken.xlsx", b"PK\x03\x04 not really a zip".as_slice()),
        (
            "broken.xls",
            [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 1, 2, 3].as_slice(),
        ),
    ] {
        let message = unusable_message(name, bytes);
        assert_eq!(
            message, "文件不是可识别的表格（支持 .xlsx、.xls、.csv）",
            "{name}"
        );
    }
}

#[test]
fn empty_files_and_web_pages_say_what_they_are() {
    assert!(unusable_message("members.xlsx", b"").contains("空"));
    let page =
        b"\xEF\xBB\xBF  <html><table><tr><td>\xE5\xA7\x93\xE5\x90\x8D</td></tr></table></html>";
    assert!(unusable_message("members.xls", page).contains("网页"));
}

#[test]
fn a_missing_file_is_an_io_error() {
    let scratch = Scratch::new();
    let result = SheetReader::open(&scratch.path("absent.xlsx"), MEMBER_COLUMNS);
    assert!(matches!(result, Err(SheetError::Io(_))));
}
