//! Member protection (职工互助保障): claims for accidental injury and home property loss.
//! A claim is submitted, accepted for assessment, then paid or refused with a reason.

use crate::platform::labelled::labelled;
use crate::platform::money::Fen;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

labelled! {
    /// What the claim is for.
    ClaimKind as "保障类型" {
        /// 意外伤害: accidental injury.
        AccidentInjury => ("accident_injury", "意外伤害", ["意外伤害保障"]),
        /// 家财损失: loss of household property (fire, flood, theft).
        PropertyLoss => ("property_loss", "家财损失", ["家庭财产损失", "家财损失保障"]),
    }
}

/// Why a claim cannot move as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    /// The step does not follow from the current status.
    #[error("当前状态为“{from}”，不能{action}")]
    NotAllowed {
        /// The current status's name.
        from: &'static str,
        /// The refused step.
        action: &'static str,
    },
    /// A claim of nothing, or a payment of nothing.
    #[error("金额必须大于零")]
    NonPositiveAmount,
    /// A payment above what was claimed.
    #[error("赔付金额{paid}不能超过申请金额{claimed}")]
    AboveClaim {
        /// The amount paid.
        paid: Fen,
        /// The amount claimed.
        claimed: Fen,
    },
    /// A refusal without its reason.
    #[error("拒赔时必须填写理由")]
    EmptyReason,
    /// An event dated after the claim.
    #[error("出险日期不能晚于今天")]
    EventInFuture,
}

/// Where a claim stands. Stored as its stage code with the paid amount, the payment date
/// and the refusal reason in their own columns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum ClaimStatus {
    /// 已受理申请: submitted, not yet looked at.
    Submitted,
    /// 审核中: accepted for assessment.
    Accepted,
    /// 已赔付: paid. Final.
    Paid {
        /// The amount paid, positive and at most the claim.
        amount: Fen,
        /// The day it was paid.
        on: NaiveDate,
    },
    /// 不予赔付: refused. Final.
    Refused {
        /// The reason the member is told.
        reason: String,
    },
}

impl ClaimStatus {
    /// The stage's stored code.
    pub fn code(&self) -> &'static str {
        match self {
            ClaimStatus::Submitted => "submitted",
            ClaimStatus::Accepted => "accepted",
            ClaimStatus::Paid { .. } => "paid",
            ClaimStatus::Refused { .. } => "refused",
        }
    }

    /// The stage's Chinese name.
    pub fn label(&self) -> &'static str {
        match self {
            ClaimStatus::Submitted => "已提交",
            ClaimStatus::Accepted => "已受理",
            ClaimStatus::Paid { .. } => "已赔付",
            ClaimStatus::Refused { .. } => "不予赔付",
        }
    }

    fn not_allowed(&self, action: &'static str) -> ClaimError {
        ClaimError::NotAllowed {
            from: self.label(),
            action,
        }
    }

    /// Accepts the claim for assessment. Only from `Submitted`.
    pub fn accept(self) -> Result<ClaimStatus, ClaimError> {
        match self {
            ClaimStatus::Submitted => Ok(ClaimStatus::Accepted),
            other => Err(other.not_allowed("受理")),
        }
    }

    /// Pays `amount` (positive, at most `claimed`) on `on`. Only once accepted.
    pub fn pay(self, amount: Fen, claimed: Fen, on: NaiveDate) -> Result<ClaimStatus, ClaimError> {
        match self {
            ClaimStatus::Accepted if amount <= Fen::ZERO => Err(ClaimError::NonPositiveAmount),
            ClaimStatus::Accepted if amount > claimed => Err(ClaimError::AboveClaim {
                paid: amount,
                claimed,
            }),
            ClaimStatus::Accepted => Ok(ClaimStatus::Paid { amount, on }),
            other => Err(other.not_allowed("赔付")),
        }
    }

    /// Refuses the claim with its reason, before payment.
    pub fn refuse(self, reason: &str) -> Result<ClaimStatus, ClaimError> {
        let reason = reason.trim();
        match self {
            ClaimStatus::Submitted | ClaimStatus::Accepted if reason.is_empty() => {
                Err(ClaimError::EmptyReason)
            }
            ClaimStatus::Submitted | ClaimStatus::Accepted => Ok(ClaimStatus::Refused {
                reason: reason.to_string(),
            }),
            other => Err(other.not_allowed("拒赔")),
        }
    }
}

/// Checks a new claim: a positive amount, an event not after `today`.
pub fn check_claim(claimed: Fen, event_on: NaiveDate, today: NaiveDate) -> Result<(), ClaimError> {
    if claimed <= Fen::ZERO {
        return Err(ClaimError::NonPositiveAmount);
    }
    if event_on > today {
        return Err(ClaimError::EventInFuture);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::time::day;

    #[test]
    fn a_claim_is_accepted_then_paid_at_most_what_was_claimed() {
        let on = day(2019, 5, 1);
        assert!(ClaimStatus::Submitted.pay(Fen(1), Fen(10), on).is_err());
        let accepted = ClaimStatus::Submitted.accept();
        assert_eq!(accepted, Ok(ClaimStatus::Accepted));
        assert_eq!(
            ClaimStatus::Accepted.pay(Fen(11), Fen(10), on),
            Err(ClaimError::AboveClaim {
                paid: Fen(11),
                claimed: Fen(10)
            })
        );
        assert_eq!(
            ClaimStatus::Accepted.pay(Fen(10), Fen(10), on),
            Ok(ClaimStatus::Paid {
                amount: Fen(10),
                on
            })
        );
    }

    #[test]
    fn a_refusal_says_why_and_comes_before_payment() {
        assert_eq!(
            ClaimStatus::Submitted.refuse(" "),
            Err(ClaimError::EmptyReason)
        );
        let paid = ClaimStatus::Paid {
            amount: Fen(1),
            on: day(2019, 1, 1),
        };
        assert!(paid.refuse("晚了").is_err());
        assert_eq!(
            check_claim(Fen(1), day(2019, 1, 2), day(2019, 1, 1)),
            Err(ClaimError::EventInFuture)
        );
    }
}
