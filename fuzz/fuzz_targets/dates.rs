//! The date readers: `sheets`' cell dates (Excel dates, serial numbers, compact numbers,
//! text such as `2019-3-5`, `2019.03.05`, `2019年3月5日`) and `domain`'s `parse_date` for
//! typed text. Whatever the input, a date read is a real day in a sane range that reads
//! back the same from its ISO form; a serial gives the day Excel shows for it.

#![no_main]

use chrono::{Datelike, Days, NaiveDate};
use domain::platform::time::parse_date;
use libfuzzer_sys::fuzz_target;
use sheets::Cell;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        0 => text(&String::from_utf8_lossy(rest)),
        1 => float(f64::from_le_bytes(eight(rest))),
        2 => int(i64::from_le_bytes(eight(rest))),
        _ => {
            // A small whole or fractional serial, where most real dates are.
            let whole = u32::from_le_bytes([eight(rest)[0], eight(rest)[1], eight(rest)[2], 0]);
            float(f64::from(whole) + f64::from(eight(rest)[3]) / 256.0);
        }
    }
});

fn eight(bytes: &[u8]) -> [u8; 8] {
    let mut out = [0; 8];
    for (slot, byte) in out.iter_mut().zip(bytes) {
        *slot = *byte;
    }
    out
}

fn iso(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn text(text: &str) {
    if let Ok(Some(date)) = Cell::Text(text.to_owned()).date() {
        assert!((0..=9999).contains(&date.year()), "{text:?} read as {date}");
        let again = Cell::Text(iso(date)).date();
        assert_eq!(again, Ok(Some(date)), "{text:?} read as {date}");
    }
    if let Some(date) = parse_date(text) {
        assert!((0..=9999).contains(&date.year()), "{text:?} read as {date}");
        assert_eq!(
            parse_date(&iso(date)),
            Some(date),
            "{text:?} read as {date}"
        );
    }
}

fn float(number: f64) {
    let read = Cell::Float(number).date();
    let Ok(Some(date)) = read else {
        return;
    };
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a real day");
    let last = NaiveDate::from_ymd_opt(9999, 12, 31).expect("a real day");
    assert!((first..=last).contains(&date), "{number} read as {date}");
    if (61.0..2_958_466.0).contains(&number) {
        // After Excel's phantom 1900-02-29 a serial counts days from 1899-12-30.
        let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).expect("a real day");
        let expected = epoch.checked_add_days(Days::new(number.floor() as u64));
        assert_eq!(Some(date), expected, "serial {number}");
    }
    assert_eq!(
        Cell::Float(number).date(),
        Ok(Some(date)),
        "not deterministic"
    );
}

fn int(number: i64) {
    let as_int = Cell::Int(number).date();
    if let Ok(Some(date)) = &as_int {
        assert!(
            (1900..=9999).contains(&date.year()),
            "{number} read as {date}"
        );
    }
    // A whole number means the same day whichever numeric cell type holds it.
    if number.unsigned_abs() < (1 << 52) {
        assert_eq!(as_int, Cell::Float(number as f64).date(), "{number}");
    }
}
