//! Hardship aid (困难职工帮扶): medical aid, study aid and the two-festival visits, each an
//! application that is reviewed, approved with an amount and then paid out.
//!
//! The stages are an enum whose transitions consume the old stage, so money cannot be paid on
//! an application nobody approved, and an approved amount cannot be zero or negative.

use crate::platform::labelled::labelled;
use crate::platform::money::Fen;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

labelled! {
    /// What the aid is for.
    AidKind as "帮扶类型" {
        /// 助医: help with medical costs.
        Medical => ("medical", "助医", ["医疗救助"]),
        /// 助学: help with a member's child's (or the member's own) schooling costs.
        Study => ("study", "助学", ["金秋助学"]),
        /// 两节慰问: visits with a gift or cash at New Year and the Spring Festival.
        FestivalVisit => ("festival_visit", "两节慰问", ["元旦春节慰问", "节日慰问"]),
    }
}

/// Why an aid application cannot move as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AidError {
    /// The step does not follow from the current state.
    #[error("当前状态为“{from}”，不能{action}")]
    NotAllowed {
        /// The current state's name.
        from: &'static str,
        /// The refused step's name.
        action: &'static str,
    },
    /// An approval of nothing (or less).
    #[error("批准金额必须大于零，现为{0}")]
    NonPositiveAmount(Fen),
    /// A refusal must say why: it is answered to the applicant.
    #[error("不予批准时必须填写理由")]
    EmptyReason,
}

/// Where an aid application stands. Stored as is (serde-tagged by `stage`); every change goes
/// through one of the transition methods below.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum AidStatus {
    /// 已申请: submitted, waiting for review.
    Applied,
    /// 已审核: the member's circumstances were checked; waiting for a decision.
    Reviewed,
    /// 已批准: approved for this amount, not yet paid.
    Approved {
        /// The approved amount; always positive.
        amount: Fen,
    },
    /// 已发放: paid out. Final.
    Disbursed {
        /// The amount paid, which is the approved amount.
        amount: Fen,
        /// The day it was paid.
        on: NaiveDate,
    },
    /// 未通过: turned down. Final.
    Rejected {
        /// The reason, as the applicant is told it; never blank.
        reason: String,
    },
}

impl AidStatus {
    /// A new application.
    pub fn apply() -> AidStatus {
        AidStatus::Applied
    }

    /// The stage's Chinese name, as shown in lists.
    pub fn label(&self) -> &'static str {
        match self {
            AidStatus::Applied => "已申请",
            AidStatus::Reviewed => "已审核",
            AidStatus::Approved { .. } => "已批准",
            AidStatus::Disbursed { .. } => "已发放",
            AidStatus::Rejected { .. } => "未通过",
        }
    }

    /// Whether nothing more can happen to the application.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            AidStatus::Disbursed { .. } | AidStatus::Rejected { .. }
        )
    }

    fn not_allowed(&self, action: &'static str) -> AidError {
        AidError::NotAllowed {
            from: self.label(),
            action,
        }
    }

    /// Records that the applicant's circumstances were checked. Only from `Applied`.
    pub fn review(self) -> Result<AidStatus, AidError> {
        match self {
            AidStatus::Applied => Ok(AidStatus::Reviewed),
            other => Err(other.not_allowed("审核")),
        }
    }

    /// Approves `amount`. Only after review, so no application is decided unchecked, and only
    /// for a positive amount: a zero approval is a rejection and must say why.
    pub fn approve(self, amount: Fen) -> Result<AidStatus, AidError> {
        match self {
            AidStatus::Reviewed if amount > Fen::ZERO => Ok(AidStatus::Approved { amount }),
            AidStatus::Reviewed => Err(AidError::NonPositiveAmount(amount)),
            other => Err(other.not_allowed("批准")),
        }
    }

    /// Records the payment of the approved amount on `on`. Only after approval; the paid
    /// amount is the approved one, so the two can never differ.
    pub fn disburse(self, on: NaiveDate) -> Result<AidStatus, AidError> {
        match self {
            AidStatus::Approved { amount } => Ok(AidStatus::Disbursed { amount, on }),
            other => Err(other.not_allowed("发放")),
        }
    }

    /// Turns the application down, before or after review but before approval (after that,
    /// the money is committed). The reason must not be blank: the applicant is told it.
    pub fn reject(self, reason: &str) -> Result<AidStatus, AidError> {
        let reason = reason.trim();
        match self {
            AidStatus::Applied | AidStatus::Reviewed if reason.is_empty() => {
                Err(AidError::EmptyReason)
            }
            AidStatus::Applied | AidStatus::Reviewed => Ok(AidStatus::Rejected {
                reason: reason.to_string(),
            }),
            other => Err(other.not_allowed("驳回")),
        }
    }

    /// The amount actually paid, if it has been.
    pub fn disbursed_amount(&self) -> Option<Fen> {
        match self {
            AidStatus::Disbursed { amount, .. } => Some(*amount),
            _ => None,
        }
    }
}

/// Total paid out in `year` over the given applications (the yearbook's "aid disbursed");
/// `None` if the sum overflows, which would mean corrupt data rather than a real total.
pub fn disbursed_in_year<'a, I>(statuses: I, year: i32) -> Option<Fen>
where
    I: IntoIterator<Item = &'a AidStatus>,
{
    Fen::checked_sum(statuses.into_iter().filter_map(|s| match s {
        AidStatus::Disbursed { amount, on } if on.year() == year => Some(*amount),
        _ => None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::time::day;
    use proptest::prelude::*;

    #[test]
    fn application_goes_through_review_approval_and_disbursal() {
        let paid = AidStatus::apply()
            .review()
            .and_then(|s| s.approve(Fen(200_000)))
            .and_then(|s| s.disburse(day(2019, 1, 20)));
        assert_eq!(
            paid,
            Ok(AidStatus::Disbursed {
                amount: Fen(200_000),
                on: day(2019, 1, 20)
            })
        );
        assert!(paid.is_ok_and(|s| s.is_final()));
    }

    #[test]
    fn approval_needs_review_first() {
        assert_eq!(
            AidStatus::Applied.approve(Fen(100)),
            Err(AidError::NotAllowed {
                from: "已申请",
                action: "批准"
            })
        );
    }

    #[test]
    fn approved_amount_must_be_positive() {
        assert_eq!(
            AidStatus::Reviewed.approve(Fen::ZERO),
            Err(AidError::NonPositiveAmount(Fen::ZERO))
        );
        assert!(AidStatus::Reviewed.approve(Fen(-1)).is_err());
    }

    #[test]
    fn disbursal_only_after_approval() {
        for s in [AidStatus::Applied, AidStatus::Reviewed] {
            assert!(s.disburse(day(2019, 1, 1)).is_err());
        }
        let twice = AidStatus::Approved { amount: Fen(1) }
            .disburse(day(2019, 1, 1))
            .and_then(|s| s.disburse(day(2019, 1, 2)));
        assert!(twice.is_err());
    }

    #[test]
    fn rejection_needs_a_reason_and_comes_before_approval() {
        assert_eq!(AidStatus::Applied.reject("  "), Err(AidError::EmptyReason));
        assert_eq!(
            AidStatus::Reviewed.reject(" 不符合条件 "),
            Ok(AidStatus::Rejected {
                reason: "不符合条件".to_string()
            })
        );
        let err = AidStatus::Approved { amount: Fen(1) }.reject("晚了");
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("当前状态为“已批准”，不能驳回".to_string())
        );
        let rejected = AidStatus::Rejected {
            reason: "x".to_string(),
        };
        assert!(rejected.is_final());
        assert!(rejected.review().is_err());
    }

    #[test]
    fn sums_disbursals_of_one_year() {
        let list = [
            AidStatus::Disbursed {
                amount: Fen(10_000),
                on: day(2019, 2, 1),
            },
            AidStatus::Disbursed {
                amount: Fen(5_000),
                on: day(2019, 9, 1),
            },
            AidStatus::Disbursed {
                amount: Fen(7_000),
                on: day(2020, 1, 1),
            },
            AidStatus::Approved { amount: Fen(999) },
        ];
        assert_eq!(disbursed_in_year(&list, 2019), Some(Fen(15_000)));
        assert_eq!(disbursed_in_year(&list, 2018), Some(Fen::ZERO));
    }

    #[test]
    fn aid_kinds_read_their_usual_names() {
        assert_eq!(AidKind::parse("金秋助学"), Ok(AidKind::Study));
    }

    proptest! {
        #[test]
        fn disbursed_amount_is_the_approved_amount(amount in 1i64..i64::MAX) {
            let paid = AidStatus::Reviewed
                .approve(Fen(amount))
                .and_then(|s| s.disburse(day(2019, 6, 1)));
            prop_assert_eq!(paid.map(|s| s.disbursed_amount()), Ok(Some(Fen(amount))));
        }

        #[test]
        fn nothing_non_positive_is_approved(amount in i64::MIN..=0) {
            prop_assert!(AidStatus::Reviewed.approve(Fen(amount)).is_err());
        }
    }
}
