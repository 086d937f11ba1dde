//! Reading dates the many ways people write them.
//!
//! A date column in the wild holds real Excel dates, bare serial numbers (a date cell whose
//! format was cleared), and text typed as `2019-3-5`, `2019.03.05`, `2019/3/5`,
//! `2019年3月5日` or `20190305`. All of them mean the same day, so all of them are read;
//! anything else gets a reason in Chinese that the person can act on.

use chrono::{Days, NaiveDate, NaiveDateTime, Timelike};

use crate::cell::{Cell, normalise_text, render_float};

/// Excel's largest date, 9999-12-31, is serial 2,958,465.
const LAST_SERIAL: f64 = 2_958_466.0;

pub(crate) fn cell_date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(date) => Ok(Some(*date)),
        Cell::DateTime(moment) => Ok(Some(moment.date())),
        Cell::Int(number) => number_date(*number as f64).map(Some),
        Cell::Float(number) => number_date(*number).map(Some),
        Cell::Text(text) => {
            let text = normalise_text(text);
            if text.is_empty() {
                Ok(None)
            } else {
                text_date(&text).map(Some)
            }
        }
        Cell::Bool(_) | Cell::Error(_) => Err(unrecognised(&cell.to_string())),
    }
}

/// A number is either `20190305` typed into a number cell or an Excel serial. The two
/// ranges cannot overlap: serials end at 2,958,465.
fn number_date(number: f64) -> Result<NaiveDate, String> {
    if number.fract() == 0.0 && (19_000_101.0..=99_991_231.0).contains(&number) {
        let digits = format!("{}", number as i64);
        return compact_date(&digits).ok_or_else(|| nonexistent(&digits));
    }
    serial_date(number)
}

/// Converts an Excel serial in the 1900 date system, time of day ignored.
///
/// Excel pretends 1900 was a leap year (copied from Lotus 1-2-3), so serial 60 is the
/// non-existent 1900-02-29 and every later serial counts from 1899-12-30 instead of
/// 1899-12-31.
pub(crate) fn serial_date(serial: f64) -> Result<NaiveDate, String> {
    if !serial.is_finite() || !(1.0..LAST_SERIAL).contains(&serial) {
        return Err(format!(
            "日期数值超出范围：{}（Excel 日期应在 1900-01-01 到 9999-12-31 之间）",
            render_float(serial)
        ));
    }
    let day = serial.floor() as u64;
    let (epoch_day, offset) = match day {
        60 => return Err("日期不存在：1900-02-29（Excel 把 1900 年误当作闰年）".to_owned()),
        ..60 => (31, day),
        _ => (30, day),
    };
    NaiveDate::from_ymd_opt(1899, 12, epoch_day)
        .and_then(|epoch| epoch.checked_add_days(Days::new(offset)))
        .ok_or_else(|| format!("日期数值超出范围：{}", render_float(serial)))
}

/// The Excel serial for a moment, for writing dates as real Excel dates. `None` before
/// 1900-01-01 or after 9999-12-31, which Excel cannot show as dates.
pub(crate) fn excel_serial(moment: NaiveDateTime) -> Option<f64> {
    let date = moment.date();
    let leap_bug_end = NaiveDate::from_ymd_opt(1900, 3, 1)?;
    let epoch = if date < leap_bug_end {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    let days = (date - epoch).num_days();
    if !(1..LAST_SERIAL as i64).contains(&days) {
        return None;
    }
    let seconds = moment.time().num_seconds_from_midnight();
    Some(days as f64 + f64::from(seconds) / 86_400.0)
}

/// Parses text already passed through `normalise_text`, so full-width digits and
/// separators have become ASCII.
fn text_date(text: &str) -> Result<NaiveDate, String> {
    let date_part = strip_time(text);
    let date_part = date_part
        .strip_suffix('日')
        .or_else(|| date_part.strip_suffix('号'))
        .unwrap_or(date_part);
    if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
        return compact_date(date_part).ok_or_else(|| nonexistent(text));
    }
    let Some((year, month, day)) = separated_parts(date_part) else {
        return Err(unrecognised(text));
    };
    ymd(year, month, day).ok_or_else(|| nonexistent(text))
}

/// Systems that export CSV often append `00:00:00`; the time is not ours to keep.
fn strip_time(text: &str) -> &str {
    match text.split_once([' ', 'T']) {
        Some((date, time))
            if !time.is_empty()
                && time
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b':' || b == b'.') =>
        {
            date
        }
        _ => text,
    }
}

/// `2019-3-5`, `2019.03.05`, `2019/3/5`, `2019年3月5` (the `日` already removed). The two
/// separators must match so that things like `2019-3/5` are not guessed at.
fn separated_parts(text: &str) -> Option<(&str, &str, &str)> {
    let mut parts = text.split(['-', '.', '/', '年', '月']);
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let separators: Vec<char> = text.chars().filter(|c| !c.is_ascii_digit()).collect();
    let consistent = match separators.as_slice() {
        ['年', '月'] => true,
        [first, second] => first == second && matches!(first, '-' | '.' | '/'),
        _ => false,
    };
    let digits = |part: &str, lengths: std::ops::RangeInclusive<usize>| {
        lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit())
    };
    (consistent && digits(year, 4..=4) && digits(month, 1..=2) && digits(day, 1..=2))
        .then_some((year, month, day))
}

fn compact_date(digits: &str) -> Option<NaiveDate> {
    ymd(digits.get(0..4)?, digits.get(4..6)?, digits.get(6..8)?)
}

fn ymd(year: &str, month: &str, day: &str) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

fn unrecognised(text: &str) -> String {
    format!("日期格式无法识别：{text}（请写成 2019-03-05 这样的格式）")
}

fn nonexistent(text: &str) -> String {
    format!("日期不存在：{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn text(value: &str) -> Result<Option<NaiveDate>, String> {
        cell_date(&Cell::Text(value.to_owned()))
    }

    #[test]
    fn serials_follow_excel_including_its_1900_leap_year_bug() {
        assert_eq!(serial_date(1.0), Ok(day(1900, 1, 1)));
        assert_eq!(serial_date(59.0), Ok(day(1900, 2, 28)));
        assert!(serial_date(60.0).is_err());
        assert_eq!(serial_date(61.0), Ok(day(1900, 3, 1)));
        assert_eq!(serial_date(43529.0), Ok(day(2019, 3, 5)));
        assert_eq!(serial_date(43529.75), Ok(day(2019, 3, 5)));
        assert_eq!(serial_date(2_958_465.0), Ok(day(9999, 12, 31)));
        assert!(serial_date(0.0).is_err());
        assert!(serial_date(-3.0).is_err());
        assert!(serial_date(f64::NAN).is_err());
    }

    #[test]
    fn writing_serials_mirrors_reading_them() {
        for (y, m, d) in [
            (1900, 1, 1),
            (1900, 2, 28),
            (1900, 3, 1),
            (2019, 3, 5),
            (9999, 12, 31),
        ] {
            let date = day(y, m, d);
            let serial = excel_serial(date.and_time(chrono::NaiveTime::MIN)).expect("in range");
            assert_eq!(serial_date(serial), Ok(date));
        }
        assert_eq!(
            excel_serial(day(2019, 3, 5).and_hms_opt(12, 0, 0).expect("time")),
            Some(43529.5)
        );
        assert_eq!(
            excel_serial(day(1899, 12, 31).and_time(chrono::NaiveTime::MIN)),
            None
        );
    }

    #[test]
    fn the_usual_written_forms_all_parse() {
        for written in [
            "2019-3-5",
            "2019-03-05",
            "2019.03.05",
            "2019/3/5",
            "2019年3月5日",
            "2019年03月05号",
            "20190305",
            "２０１９－０３－０５",
            " 2019-03-05 00:00:00 ",
            "2019-03-05T08:30:00",
        ] {
            assert_eq!(text(written), Ok(Some(day(2019, 3, 5))), "{written}");
        }
    }

    #[test]
    fn numbers_are_serials_or_compact_dates() {
        assert_eq!(cell_date(&Cell::Float(43529.0)), Ok(Some(day(2019, 3, 5))));
        assert_eq!(
            cell_date(&Cell::Float(20190305.0)),
            Ok(Some(day(2019, 3, 5)))
        );
        assert_eq!(cell_date(&Cell::Int(20190305)), Ok(Some(day(2019, 3, 5))));
    }

    #[test]
    fn empty_cells_are_no_date_rather_than_an_error() {
        assert_eq!(cell_date(&Cell::Empty), Ok(None));
        assert_eq!(text("  "), Ok(None));
    }

    #[test]
    fn unreadable_dates_say_why_in_chinese() {
        for written in [
            "2019-3/5",
            "19-3-5",
            "三月五日",
            "2019-03",
            "2019-03-05-01",
            "abc",
        ] {
            let reason = text(written).expect_err(written);
            assert!(reason.starts_with("日期格式无法识别："), "{reason}");
        }
        assert_eq!(text("2019-02-30"), Err("日期不存在：2019-02-30".to_owned()));
        assert!(text("20190230").is_err());
        assert!(cell_date(&Cell::Bool(true)).is_err());
    }
}
