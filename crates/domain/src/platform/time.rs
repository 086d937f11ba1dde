//! Time as the offices read it: stored in UTC, shown in Asia/Shanghai (UTC+8, no
//! daylight saving since 1991), and dates written the many ways people write them.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// Asia/Shanghai as a fixed offset: China has kept UTC+8 all year since 1991.
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// A UTC instant shown the way staff read it: `2019-03-05 14:30`.
pub fn show_local(t: DateTime<Utc>) -> String {
    t.with_timezone(&shanghai())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Today's date in Shanghai.
pub fn today_local() -> NaiveDate {
    Utc::now().with_timezone(&shanghai()).date_naive()
}

/// Full-width ASCII (`１２３ＡＢＣ`, ideographic space) to its half-width form; other
/// characters unchanged. Spreadsheets typed with a Chinese IME are full of these.
pub fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Normalises a text cell: half-width, trimmed.
pub fn normalise_text(s: &str) -> String {
    s.chars()
        .map(half_width)
        .collect::<String>()
        .trim()
        .to_string()
}

/// Reads a date as people write it: `2019-3-5`, `2019.03.05`, `2019/3/5`, `2019年3月5日`,
/// `20190305`. Excel serial numbers are handled where cells are read, not here.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let s = normalise_text(text);
    let s = s.trim_end_matches('日');
    if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let parts: Vec<&str> = s.split(['-', '.', '/', '年', '月']).collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
        return None;
    }
    let y: i32 = parts[0].parse().ok()?;
    let m: u32 = parts[1].parse().ok()?;
    let d: u32 = parts[2].parse().ok()?;
    if parts[0].len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A date written as three numbers, for tests: every test date is a real one, so a typo
/// fails loudly instead of turning into some default date.
#[cfg(test)]
pub(crate) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real calendar date")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_ways_dates_are_written() {
        let d = NaiveDate::from_ymd_opt(2019, 3, 5);
        for s in [
            "2019-3-5",
            "2019.03.05",
            "2019/3/5",
            "2019年3月5日",
            "20190305",
            " ２０１９-03-05 ",
        ] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        assert_eq!(parse_date("2019-2-30"), None);
        assert_eq!(parse_date("19-3-5"), None);
        assert_eq!(parse_date("hello"), None);
    }

    #[test]
    fn shows_times_in_shanghai() {
        let t = DateTime::parse_from_rfc3339("2019-03-05T16:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(show_local(t), "2019-03-06 00:30");
    }
}
