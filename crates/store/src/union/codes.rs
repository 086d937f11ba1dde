//! How the union module's closed lists are spelled in the database.
//!
//! The domain enums carry Chinese labels for people; the database keeps short English
//! codes instead, so that rewording a label on screen never orphans stored rows. The
//! codes equal the enums' serde names, so the JSON API and the database agree.

use crate::error::{StoreError, StoreResult};
use domain::union::organisation::{Engagement, OfficerPost, UnionKind};
use domain::union::township::Township;

/// A domain enum stored as a fixed code.
pub trait DbCode: Sized + Copy + 'static {
    /// Every value with its code.
    const CODES: &'static [(Self, &'static str)];

    /// The stored code.
    fn code(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::CODES
            .iter()
            .find(|(v, _)| *v == self)
            .map(|(_, c)| *c)
            .unwrap_or("")
    }

    /// Reads a stored code back; a code no value has means the row was written around the
    /// system, which is reported rather than guessed at.
    fn from_code(code: &str) -> StoreResult<Self> {
        Self::CODES
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(v, _)| *v)
            .ok_or_else(|| StoreError::corrupt(format!("数据库中有无法识别的代码：{code}")))
    }
}

impl DbCode for UnionKind {
    const CODES: &'static [(UnionKind, &'static str)] = &[
        (UnionKind::CityFederation, "city_federation"),
        (UnionKind::TownshipFederation, "township_federation"),
        (UnionKind::EnterpriseUnion, "enterprise_union"),
        (UnionKind::JointUnion, "joint_union"),
    ];
}

impl DbCode for OfficerPost {
    const CODES: &'static [(OfficerPost, &'static str)] = &[
        (OfficerPost::Chair, "chair"),
        (OfficerPost::ViceChair, "vice_chair"),
        (OfficerPost::Member, "member"),
    ];
}

impl DbCode for Engagement {
    const CODES: &'static [(Engagement, &'static str)] = &[
        (Engagement::FullTime, "full_time"),
        (Engagement::PartTime, "part_time"),
    ];
}

/// Reads a stored code of one of the domain's labelled closed lists back (`all`, each
/// with its `code`); an unknown code is a damaged record. For the lists the domain
/// spells itself (`ALL` and `code()`), where [`DbCode`] would repeat the table.
pub(crate) fn from_code<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    text: &str,
) -> StoreResult<T> {
    all.iter()
        .copied()
        .find(|v| code(*v) == text)
        .ok_or_else(|| StoreError::corrupt(format!("数据库中有无法识别的代码：{text}")))
}

/// Reads a stored township code back into a [`Township`].
pub fn township(code: &str) -> StoreResult<Township> {
    Township::from_code(code)
        .ok_or_else(|| StoreError::corrupt(format!("数据库中有无法识别的乡镇代码：{code}")))
}

/// Reads a stored date (`YYYY-MM-DD`) that must be there; other text is a damaged record.
pub fn stored_date(text: &str) -> StoreResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| StoreError::corrupt(format!("数据库中有无法识别的日期：{text}")))
}

/// Reads an optional stored date (`YYYY-MM-DD`).
pub fn date(text: Option<&str>) -> Option<chrono::NaiveDate> {
    text.and_then(|t| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
}

/// The stored form of a date.
pub fn date_text(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    // By hand: chrono's format string is parsed on every call, a measurable share of a
    // million-row import.
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips() {
        for (v, c) in UnionKind::CODES {
            assert_eq!(UnionKind::from_code(c).ok(), Some(*v));
            assert_eq!(v.code(), *c);
        }
        for (v, c) in OfficerPost::CODES {
            assert_eq!(OfficerPost::from_code(c).ok(), Some(*v));
        }
        for (v, c) in Engagement::CODES {
            assert_eq!(Engagement::from_code(c).ok(), Some(*v));
        }
        assert!(UnionKind::from_code("guild").is_err());
    }
}
