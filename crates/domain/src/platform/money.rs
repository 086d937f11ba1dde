//! Money as integer fen (分). Floats never touch an amount: a yuan string is parsed
//! digit by digit and arithmetic is checked, so an overflow is an error, not a wrap.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in fen (1 yuan = 100 fen). May be negative only where a caller
/// explicitly builds one (e.g. a correction); compensation lines are never negative.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

/// Why a yuan amount could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not an amount in yuan with at most two decimals.
    #[error("金额格式不正确：{0}")]
    Format(String),
    /// Too large to hold in fen.
    #[error("金额超出范围")]
    Overflow,
}

impl Fen {
    /// Zero fen.
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan to fen.
    pub fn from_yuan(yuan: i64) -> Option<Fen> {
        yuan.checked_mul(100).map(Fen)
    }

    /// Reads a yuan amount such as `1,234.5`, `１２３`, `12.34元` or `-3`; at most two decimals.
    pub fn parse_yuan(text: &str) -> Result<Fen, MoneyError> {
        let cleaned: String = text
            .trim()
            .trim_end_matches('元')
            .chars()
            .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
            .map(super::time::half_width)
            .collect();
        let err = || MoneyError::Format(text.trim().to_string());
        let (negative, digits) = match cleaned.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, cleaned.as_str()),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty() && frac.is_empty()
            || !whole.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || frac.len() > 2
        {
            return Err(err());
        }
        let whole: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| MoneyError::Overflow)?
        };
        let frac_fen: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| err())? * 10,
            _ => frac.parse::<i64>().map_err(|_| err())?,
        };
        let fen = whole
            .checked_mul(100)
            .and_then(|v| v.checked_add(frac_fen))
            .ok_or(MoneyError::Overflow)?;
        Ok(Fen(if negative { -fen } else { fen }))
    }

    /// Checked addition: `None` on overflow.
    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    /// Sum of many amounts, `None` on overflow.
    pub fn checked_sum<I: IntoIterator<Item = Fen>>(items: I) -> Option<Fen> {
        items.into_iter().try_fold(Fen::ZERO, Fen::checked_add)
    }

    /// The amount in yuan with two decimals and no grouping, e.g. `1234.50`; used in
    /// exports so that a re-import reads the same amount.
    pub fn to_yuan_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Shown as `¥1,234.50`, the way staff read amounts on screen and on printed sheets.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", group_digits(abs / 100), abs % 100)
    }
}

/// Whole numbers grouped by thousands (`8,629`, `-1,234,567`), the way staff read figures
/// in reports, as amounts are shown.
pub fn grouped(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group_digits(n.unsigned_abs()))
}

/// The digits of `n` with a comma before every group of three.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_common_yuan_spellings() {
        assert_eq!(Fen::parse_yuan("1,234.5"), Ok(Fen(123_450)));
        assert_eq!(Fen::parse_yuan(" 12.34元 "), Ok(Fen(1234)));
        assert_eq!(Fen::parse_yuan("１２３"), Ok(Fen(12_300)));
        assert_eq!(Fen::parse_yuan("-3"), Ok(Fen(-300)));
        assert!(Fen::parse_yuan("1.234").is_err());
        assert!(Fen::parse_yuan("abc").is_err());
        assert!(Fen::parse_yuan("").is_err());
        assert_eq!(
            Fen::parse_yuan("99999999999999999999"),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn displays_with_grouping() {
        assert_eq!(Fen(123_456_789).to_string(), "¥1,234,567.89");
        assert_eq!(Fen(-5).to_string(), "-¥0.05");
    }

    proptest! {
        #[test]
        fn yuan_string_round_trips(v in -1_000_000_000_000i64..1_000_000_000_000) {
            prop_assert_eq!(Fen::parse_yuan(&Fen(v).to_yuan_string()), Ok(Fen(v)));
        }

        #[test]
        fn checked_sum_never_wraps(a in any::<i64>(), b in any::<i64>()) {
            match Fen::checked_sum([Fen(a), Fen(b)]) {
                Some(s) => prop_assert_eq!(s.0 as i128, a as i128 + b as i128),
                None => prop_assert!((a as i128 + b as i128) > i64::MAX as i128 || (a as i128 + b as i128) < i64::MIN as i128),
            }
        }
    }
}
