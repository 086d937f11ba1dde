//! Exact areas. Floor areas are kept in hundredths of a square metre and land in
//! hundredths of a mu (亩), both as integers, so sums and comparisons are exact and a
//! figure typed as `120.35` is stored as exactly that.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an area could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AreaError {
    /// Not a non-negative number with at most two decimals.
    #[error("面积格式不正确：{0}（最多两位小数，且不能为负）")]
    Format(String),
}

/// A floor area in hundredths of a square metre.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct SquareMetres(pub i64);

/// A land area in hundredths of a mu; 1 mu = 10000/15 m².
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Mu(pub i64);

/// Reads a non-negative decimal with at most two decimals into hundredths.
fn parse_hundredths(text: &str) -> Result<i64, AreaError> {
    let cleaned: String = text
        .trim()
        .trim_end_matches("平方米")
        .trim_end_matches("㎡")
        .trim_end_matches("m²")
        .trim_end_matches('亩')
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .map(super::time::half_width)
        .collect();
    let err = || AreaError::Format(text.trim().to_string());
    let (whole, frac) = cleaned.split_once('.').unwrap_or((cleaned.as_str(), ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
    {
        return Err(err());
    }
    let whole: i64 = whole.parse().map_err(|_| err())?;
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| err())? * 10,
        _ => frac.parse::<i64>().map_err(|_| err())?,
    };
    whole
        .checked_mul(100)
        .and_then(|v| v.checked_add(frac))
        .ok_or_else(err)
}

fn fmt_hundredths(v: i64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let sign = if v < 0 { "-" } else { "" };
    let abs = v.unsigned_abs();
    write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
}

impl SquareMetres {
    /// Reads `120.35`, `120.35㎡`, `１２０` …
    pub fn parse(text: &str) -> Result<SquareMetres, AreaError> {
        parse_hundredths(text).map(SquareMetres)
    }

    /// Whole square metres.
    pub fn from_whole(m2: i64) -> SquareMetres {
        SquareMetres(m2.saturating_mul(100))
    }

    /// The nearest land area in mu, rounding half up at the hundredth of a mu.
    pub fn to_mu(self) -> Mu {
        // mu = m² * 15 / 10000; both in hundredths, so the scale cancels.
        let num = self.0 as i128 * 15;
        Mu(((num + 5_000) / 10_000) as i64)
    }
}

impl Mu {
    /// Reads `941`, `12.5亩` …
    pub fn parse(text: &str) -> Result<Mu, AreaError> {
        parse_hundredths(text).map(Mu)
    }

    /// Whole mu.
    pub fn from_whole(mu: i64) -> Mu {
        Mu(mu.saturating_mul(100))
    }
}

impl fmt::Display for SquareMetres {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_hundredths(self.0, f)
    }
}

impl fmt::Display for Mu {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_hundredths(self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_areas_exactly() {
        assert_eq!(SquareMetres::parse("120.35"), Ok(SquareMetres(12_035)));
        assert_eq!(SquareMetres::parse("120.3㎡"), Ok(SquareMetres(12_030)));
        assert_eq!(Mu::parse("941亩"), Ok(Mu(94_100)));
        assert!(SquareMetres::parse("-1").is_err());
        assert!(SquareMetres::parse("1.234").is_err());
    }

    #[test]
    fn converts_square_metres_to_mu() {
        // 1 mu is 666.67 m²; 10000 m² is 15 mu.
        assert_eq!(SquareMetres::from_whole(10_000).to_mu(), Mu::from_whole(15));
    }

    proptest! {
        #[test]
        fn display_round_trips(v in 0i64..1_000_000_000_000) {
            prop_assert_eq!(SquareMetres::parse(&SquareMetres(v).to_string()), Ok(SquareMetres(v)));
        }
    }
}
