//! The resident identity card number of GB 11643-1999, parsed once where it enters the
//! system (a form, a spreadsheet cell) so that storage and pages never re-check it.
//!
//! What real rosters contain decides what is accepted: numbers typed with a Chinese IME
//! (full-width digits, ideographic spaces), a lowercase `x`, old 15-digit numbers, the
//! residence permits of Hong Kong, Macao and Taiwan residents (810000, 820000, 830000)
//! and the foreigner's permanent residence card issued since December 2023 (starts with
//! 9) — all in the same 18-character form with the same checksum. Region codes are not
//! looked up: abolished districts live on in people's numbers for a lifetime.

use super::identifier::{check_last, parsed_text};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::time::{normalise_text, today_local};

/// Weights of the first 17 digits in the ISO 7064 MOD 11-2 checksum.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character for each remainder of the weighted sum modulo 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Nobody alive was born earlier; an earlier date is a typing error, not a centenarian.
const EARLIEST_BIRTH: (i32, u32, u32) = (1880, 1, 1);

/// A valid 18-character resident ID: digits, the check character an uppercase `X` or a
/// digit. Holding one means every check below has passed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId(String);

/// Sex as encoded in the ID (odd sequence number = male). Reports count members by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Sex {
    /// 男.
    Male,
    /// 女.
    Female,
}

impl Sex {
    /// The word shown in tables and exports.
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// Why a resident ID was refused; each message tells the person typing what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResidentIdError {
    /// Nothing was entered.
    #[error("身份证号为空")]
    Empty,
    /// Neither 18 nor 15 characters.
    #[error("身份证号应为18位（或旧式15位），实际为{0}位")]
    Length(usize),
    /// Characters other than digits (and a final X).
    #[error("身份证号只能包含数字，最后一位可以是X")]
    Characters,
    /// Also used for dates before 1880, which are typing errors.
    #[error("身份证号中的出生日期（{0}）不是有效日期")]
    BirthDate(String),
    /// A birth date in the future.
    #[error("身份证号中的出生日期（{0}）晚于今天")]
    FutureBirthDate(String),
    #[error("身份证号校验位错误：应为{expected}，实为{found}")]
    /// The check digit does not match: a typing error somewhere in the ID.
    Checksum {
        /// The check digit the other 17 give.
        expected: char,
        /// The one written.
        found: char,
    },
    /// The most common damage in spreadsheets: a numeric cell keeps 15 significant
    /// digits, so the number cannot be recovered and must be typed again.
    #[error("身份证号被 Excel 存成了科学计数法（{0}），位数已丢失，请把该列设为文本后重新填写")]
    ScientificNotation(String),
}

/// The check character for the first 17 digits, or `None` if `first17` is not exactly 17
/// ASCII digits. Public so that tests and the demo data generator can build valid IDs.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS.get((sum % 11) as usize).copied()
}

impl ResidentId {
    /// Reads a resident ID as people type it (see the module documentation for what is
    /// tolerated) and checks characters, length, birth date and checksum.
    pub fn parse(input: &str) -> Result<ResidentId, ResidentIdError> {
        Self::parse_as_of(input, today_local())
    }

    /// `parse` with "today" fixed, so tests do not depend on the clock.
    fn parse_as_of(input: &str, today: NaiveDate) -> Result<ResidentId, ResidentIdError> {
        let text = normalise_text(input).to_ascii_uppercase();
        if text.is_empty() {
            return Err(ResidentIdError::Empty);
        }
        if looks_like_scientific_notation(&text) {
            return Err(ResidentIdError::ScientificNotation(text));
        }
        let body = text.strip_suffix('X').unwrap_or(&text);
        if !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ResidentIdError::Characters);
        }
        // From here on the text is ASCII, so byte offsets are character offsets.
        let full = match text.len() {
            18 => text,
            15 if body.len() == 15 => upgrade_fifteen(&text)?,
            15 => return Err(ResidentIdError::Characters),
            n => return Err(ResidentIdError::Length(n)),
        };
        check_birth_date(&full[6..14], today)?;
        let expected = check_char(&full[..17]).ok_or(ResidentIdError::Characters)?;
        let checksum = |expected, found| ResidentIdError::Checksum { expected, found };
        check_last(&full, expected, ResidentIdError::Length(17), checksum)?;
        Ok(ResidentId(full))
    }

    /// The 18-character form, with an uppercase `X` if any.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date encoded in positions 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        date_from_digits(&self.0[6..14]).expect("a parsed ResidentId holds a valid birth date")
    }

    /// Odd 17th digit = male, even = female.
    pub fn sex(&self) -> Sex {
        match self.0.as_bytes().get(16).map(|b| b.wrapping_sub(b'0') % 2) {
            Some(1) => Sex::Male,
            _ => Sex::Female,
        }
    }

    /// Age in full years on `date` (a birthday counts from that day; 29 February
    /// birthdays count from 1 March in common years). Zero if `date` precedes the birth.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        let birth = self.birth_date();
        if date < birth {
            return 0;
        }
        let mut years = date.year() - birth.year();
        if (date.month(), date.day()) < (birth.month(), birth.day()) {
            years -= 1;
        }
        u32::try_from(years).unwrap_or(0)
    }

    /// The six-digit administrative region where the number was first issued (or 810000,
    /// 820000, 830000 for residence permits, 9xxxxx for foreigners' cards).
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }
}

/// `3.30182E+17`, `3.30182199001011E+17`, `3E17`: what Excel shows for a long number.
fn looks_like_scientific_notation(upper: &str) -> bool {
    let Some((mantissa, exponent)) = upper.split_once('E') else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !whole.is_empty()
        && digits(whole)
        && digits(fraction)
        && !exponent.is_empty()
        && digits(exponent)
}

/// Old 15-digit numbers (issued before 1999) carry a two-digit year of the 1900s and no
/// check character: insert `19` and compute the check character.
fn upgrade_fifteen(old: &str) -> Result<String, ResidentIdError> {
    let first17 = format!("{}19{}", &old[..6], &old[6..]);
    let check = check_char(&first17).ok_or(ResidentIdError::Characters)?;
    Ok(format!("{first17}{check}"))
}

fn date_from_digits(yyyymmdd: &str) -> Option<NaiveDate> {
    let year = yyyymmdd.get(0..4)?.parse().ok()?;
    let month = yyyymmdd.get(4..6)?.parse().ok()?;
    let day = yyyymmdd.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

fn check_birth_date(yyyymmdd: &str, today: NaiveDate) -> Result<(), ResidentIdError> {
    let (y, m, d) = EARLIEST_BIRTH;
    let date = date_from_digits(yyyymmdd)
        .filter(|date| NaiveDate::from_ymd_opt(y, m, d).is_some_and(|earliest| *date >= earliest))
        .ok_or_else(|| ResidentIdError::BirthDate(yyyymmdd.to_string()))?;
    if date > today {
        return Err(ResidentIdError::FutureBirthDate(yyyymmdd.to_string()));
    }
    Ok(())
}

parsed_text!(ResidentId, ResidentIdError);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::time::day;
    use proptest::prelude::*;

    /// Builds a valid ID from its parts; the check character is computed.
    fn build(region: &str, birth: &str, sequence: &str) -> String {
        let first17 = format!("{region}{birth}{sequence}");
        format!("{first17}{}", check_char(&first17).unwrap())
    }

    #[test]
    fn accepts_the_standards_examples() {
        for s in ["11010519491231002X", "440524188001010014"] {
            assert_eq!(
                ResidentId::parse(s).map(|id| id.to_string()),
                Ok(s.to_string())
            );
        }
    }

    #[test]
    fn reads_birth_date_sex_region_and_age() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date(), day(1949, 12, 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.sex().label(), "女");
        assert_eq!(id.region_code(), "110105");
        assert_eq!(id.age_on(day(2019, 12, 30)), 69);
        assert_eq!(id.age_on(day(2019, 12, 31)), 70);
        assert_eq!(id.age_on(day(1900, 1, 1)), 0);
        let man = ResidentId::parse("440524188001010014").unwrap();
        assert_eq!(man.sex(), Sex::Male);
        assert_eq!(man.sex().label(), "男");
    }

    #[test]
    fn leap_day_birthday_counts_from_first_of_march() {
        let id = ResidentId::parse(&build("330182", "20000229", "123")).unwrap();
        assert_eq!(id.age_on(day(2001, 2, 28)), 0);
        assert_eq!(id.age_on(day(2001, 3, 1)), 1);
        assert_eq!(id.age_on(day(2004, 2, 29)), 4);
    }

    #[test]
    fn tolerates_spaces_lowercase_x_and_full_width_characters() {
        let want = ResidentId::parse("11010519491231002X").unwrap();
        for s in [
            "  11010519491231002X ",
            "\u{3000}11010519491231002x\u{3000}",
            "１１０１０５１９４９１２３１００２Ｘ",
            "１１０１０５１９４９１２３１００２ｘ",
        ] {
            assert_eq!(ResidentId::parse(s).as_ref(), Ok(&want), "{s:?}");
        }
    }

    #[test]
    fn upgrades_old_fifteen_digit_numbers() {
        let id = ResidentId::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), day(1949, 12, 31));
        assert_eq!(
            ResidentId::parse("110105491331002"),
            Err(ResidentIdError::BirthDate("19491331".into()))
        );
        assert_eq!(
            ResidentId::parse("11010549123100X"),
            Err(ResidentIdError::Characters)
        );
    }

    #[test]
    fn accepts_permits_foreigners_cards_and_unknown_regions() {
        for region in ["810000", "820000", "830000", "911156", "999999", "000000"] {
            let s = build(region, "19900101", "123");
            assert!(ResidentId::parse(&s).is_ok(), "{s}");
        }
    }

    #[test]
    fn refuses_wrong_shapes_with_reasons() {
        crate::testing::assert_reads(
            |s| ResidentId::parse(s).err(),
            &[
                ("", Some(ResidentIdError::Empty)),
                (" \u{3000} ", Some(ResidentIdError::Empty)),
                ("1101051949123100", Some(ResidentIdError::Length(16))),
                ("1101051949123100201", Some(ResidentIdError::Length(19))),
                ("1101051949X231002X", Some(ResidentIdError::Characters)),
                ("身份证11010519491231", Some(ResidentIdError::Characters)),
                ("110105 19491231002X", Some(ResidentIdError::Characters)),
            ],
        );
    }

    #[test]
    fn refuses_impossible_early_and_future_birth_dates() {
        let today = day(2024, 6, 1);
        let parse = |birth: &str| ResidentId::parse_as_of(&build("330182", birth, "123"), today);
        assert_eq!(
            parse("19900230"),
            Err(ResidentIdError::BirthDate("19900230".into()))
        );
        assert_eq!(
            parse("18791231"),
            Err(ResidentIdError::BirthDate("18791231".into()))
        );
        assert!(parse("18800101").is_ok());
        assert!(parse("20240601").is_ok());
        assert_eq!(
            parse("20240602"),
            Err(ResidentIdError::FutureBirthDate("20240602".into()))
        );
    }

    #[test]
    fn reports_expected_and_found_check_character() {
        let err = ResidentId::parse("110105194912310021").unwrap_err();
        assert_eq!(
            err,
            ResidentIdError::Checksum {
                expected: 'X',
                found: '1'
            }
        );
        assert_eq!(err.to_string(), "身份证号校验位错误：应为X，实为1");
    }

    #[test]
    fn recognises_excel_scientific_notation() {
        for s in [
            "3.30182E+17",
            "3.30182199001011E+17",
            "3.30182e+17",
            "3E17",
            " ３.３０１８２Ｅ＋１７ ",
        ] {
            match ResidentId::parse(s) {
                Err(ResidentIdError::ScientificNotation(_)) => {}
                other => panic!("{s:?} gave {other:?}"),
            }
        }
        let message = ResidentId::parse("3.30182E+17").unwrap_err().to_string();
        assert_eq!(
            message,
            "身份证号被 Excel 存成了科学计数法（3.30182E+17），位数已丢失，请把该列设为文本后重新填写"
        );
    }

    #[test]
    fn deserialising_goes_through_parse() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        let good: StrDeserializer<Error> = "11010519491231002x".into_deserializer();
        assert_eq!(
            ResidentId::deserialize(good).map(|id| id.to_string()),
            Ok("11010519491231002X".into())
        );
        let bad: StrDeserializer<Error> = "110105194912310021".into_deserializer();
        assert!(ResidentId::deserialize(bad).is_err());
        assert!("110105194912310021".parse::<ResidentId>().is_err());
    }

    fn valid_first17() -> impl Strategy<Value = String> {
        let earliest = day(1880, 1, 1);
        let span = (today_local() - earliest).num_days();
        (0u32..1_000_000, 0..=span, 0u32..1000).prop_map(move |(region, offset, sequence)| {
            let birth = earliest + chrono::Duration::days(offset);
            format!("{region:06}{}{sequence:03}", birth.format("%Y%m%d"))
        })
    }

    proptest! {
        #[test]
        fn any_valid_prefix_with_its_check_char_parses(first17 in valid_first17()) {
            let id = format!("{first17}{}", check_char(&first17).unwrap());
            prop_assert_eq!(ResidentId::parse(&id).map(|id| id.to_string()), Ok(id));
        }

        #[test]
        fn checksum_catches_any_single_digit_change(
            first17 in valid_first17(), position in 0usize..18, replacement in 0u8..10,
        ) {
            let mut id: Vec<u8> = format!("{first17}{}", check_char(&first17).unwrap()).into_bytes();
            prop_assume!(id[position] != b'0' + replacement);
            id[position] = b'0' + replacement;
            let changed = String::from_utf8(id).unwrap();
            prop_assert!(ResidentId::parse(&changed).is_err(), "{} was accepted", changed);
        }

        #[test]
        fn checksum_catches_adjacent_transpositions(first17 in valid_first17(), position in 0usize..17) {
            let mut id: Vec<u8> = format!("{first17}{}", check_char(&first17).unwrap()).into_bytes();
            prop_assume!(id[position] != id[position + 1]);
            id.swap(position, position + 1);
            let changed = String::from_utf8(id).unwrap();
            prop_assert!(ResidentId::parse(&changed).is_err(), "{} was accepted", changed);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = ResidentId::parse(&s);
        }
    }
}
