//! The record of a population review's postings and rounds (成果变更), and why a step of
//! the review was refused; kept beside [`super::posting`], which produces both.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How a posting ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PostingEnd {
    /// An objection was upheld: the list went back for correction within the round.
    Upheld,
    /// The members were changed: a new round (成果变更) started.
    Changed,
}

/// One posting of a household's list, in the round it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostingRecord {
    /// The round (1 for the first list, +1 for each change round).
    pub round: u32,
    /// First day of the posting.
    pub from: NaiveDate,
    /// Last day of the posting.
    pub until: NaiveDate,
    /// The day the list was confirmed from this posting.
    pub confirmed_on: Option<NaiveDate>,
    /// How and when the posting stopped being the current one; `None` while it is.
    pub ended: Option<(PostingEnd, NaiveDate)>,
}

impl PostingRecord {
    /// The outcome in Chinese, for the history of rounds.
    pub fn outcome(&self) -> String {
        let confirmed = self.confirmed_on.map(|d| format!("{d} 认定"));
        let ended = self.ended.map(|(end, d)| match end {
            PostingEnd::Upheld => format!("{d} 异议成立，退回修改"),
            PostingEnd::Changed => format!("{d} 成员变更，进入下一轮"),
        });
        match (confirmed, ended) {
            (Some(c), Some(e)) => format!("{c}；{e}"),
            (Some(c), None) => c,
            (None, Some(e)) => e,
            (None, None) => "公示中".to_string(),
        }
    }
}

/// Why a step of the workflow was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// The step does not follow from the current stage.
    #[error("当前为「{stage}」阶段，不能{action}")]
    WrongStage {
        /// The current stage's name.
        stage: &'static str,
        /// The refused step's name.
        action: &'static str,
    },
    /// A field the step needs (a name, a reason) is empty.
    #[error("须填写{0}")]
    Missing(&'static str),
    /// The second review was by the initial reviewer: two people must look at the list.
    #[error("复审须由初审人以外的人员进行")]
    SameReviewer,
    /// A step dated before the step it follows.
    #[error("日期{on}早于上一步的日期{previous}")]
    DateGoesBack {
        /// The step's date.
        on: NaiveDate,
        /// The previous step's date.
        previous: NaiveDate,
    },
    /// A posting of zero days.
    #[error("公示期至少为一天")]
    EmptyPeriod,
    /// The posting's end falls outside the calendar.
    #[error("公示期超出日期范围")]
    DateOutOfRange,
    /// An objection lodged outside the posting period.
    #[error("异议须在公示期内（{from}至{until}）提出")]
    OutsidePeriod {
        /// First day of the posting.
        from: NaiveDate,
        /// Last day of the posting.
        until: NaiveDate,
    },
    /// No objection with that number.
    #[error("没有第{0}条异议")]
    NoSuchObjection(usize),
    /// The objection was resolved already.
    #[error("第{0}条异议已处理")]
    AlreadyResolved(usize),
    /// Confirming before the posting period has ended.
    #[error("公示期未满，不能认定（公示期至{until}）")]
    PeriodNotOver {
        /// Last day of the posting.
        until: NaiveDate,
    },
    /// Confirming while objections are open.
    #[error("尚有{0}条异议未处理，不能认定")]
    UnresolvedObjections(usize),
}

/// The number an objection is followed up by (`YY2019-0001`, 异议), given to whoever
/// lodged it, on the public page or through staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ObjectionReference {
    year: i32,
    seq: u32,
}

impl ObjectionReference {
    /// The prefix every objection reference carries (异议).
    pub const PREFIX: &'static str = "YY";

    /// The `seq`-th objection of `year`.
    pub fn new(year: i32, seq: u32) -> ObjectionReference {
        ObjectionReference { year, seq }
    }

    /// Reads a reference as typed (`yy2019-1`, full-width forms, surrounding spaces).
    pub fn parse(text: &str) -> Option<ObjectionReference> {
        let (year, seq) = super::grievance::parse_numbered(text, Self::PREFIX)?;
        Some(ObjectionReference { year, seq })
    }

    /// The counter key of the series of `year` (`YY2019`).
    pub fn series(year: i32) -> String {
        format!("{}{year}", Self::PREFIX)
    }
}

impl std::fmt::Display for ObjectionReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}-{:04}", Self::PREFIX, self.year, self.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objection_references_read_as_typed() {
        let r = ObjectionReference::new(2019, 7);
        assert_eq!(r.to_string(), "YY2019-0007");
        assert_eq!(ObjectionReference::parse(" yy2019-7 "), Some(r));
        assert_eq!(ObjectionReference::parse("XF2019-0007"), None);
        assert_eq!(ObjectionReference::parse("YY2019-0000"), None);
    }
}
