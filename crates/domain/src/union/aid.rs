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
    /// The application lacks documents its kind requires; it cannot be reviewed yet.
    #[error("申请材料不齐，缺少：{}", labels(.0))]
    MissingDocuments(Vec<AidDocument>),
    /// The approval would spend more than is left of the year's budget.
    #[error("超出{year}年度帮扶预算：剩余{left}，拟批准{asked}")]
    OverBudget {
        /// The budget year.
        year: i32,
        /// What is left of it.
        left: Fen,
        /// The amount to approve.
        asked: Fen,
    },
    /// The review is the township's: staff of the member's township review, not others.
    #[error("应由会员所在乡镇（街道）工会审核")]
    ReviewByTownship,
    /// The amount asked for is zero or less.
    #[error("申请金额必须大于零")]
    NonPositiveRequest,
    /// A festival visit without its festival, or a festival given for other aid.
    #[error("两节慰问须注明节日（元旦或春节），其他帮扶不填节日")]
    FestivalMismatch,
}

fn labels(docs: &[AidDocument]) -> String {
    docs.iter()
        .map(|d| d.label())
        .collect::<Vec<_>>()
        .join("、")
}

labelled! {
    /// The festival of a two-festival visit (两节: 元旦 and 春节); a member is visited at
    /// most once per festival per year.
    Festival as "节日" {
        /// 元旦: New Year's Day.
        NewYear => ("new_year", "元旦", []),
        /// 春节: the Spring Festival.
        SpringFestival => ("spring_festival", "春节", ["新春"]),
    }
}

labelled! {
    /// A document an aid application comes with.
    AidDocument as "申请材料" {
        /// 申请表: the signed application form.
        ApplicationForm => ("application_form", "申请表", ["帮扶申请表"]),
        /// 身份证复印件: the member's identity card.
        IdentityCard => ("identity_card", "身份证复印件", ["身份证"]),
        /// 困难证明: the hardship certificate of the village or community.
        HardshipCertificate => ("hardship_certificate", "困难证明", ["家庭困难证明"]),
        /// 医疗费用票据: medical bills.
        MedicalBills => ("medical_bills", "医疗费用票据", ["医疗票据", "医药费发票"]),
        /// 诊断证明: the hospital's diagnosis.
        Diagnosis => ("diagnosis", "诊断证明", ["病历"]),
        /// 录取通知书或学籍证明: proof of enrolment at a school.
        SchoolEnrolment => ("school_enrolment", "录取通知书或学籍证明", ["录取通知书", "学籍证明"]),
        /// 学费凭证: the school's fee receipt.
        TuitionReceipt => ("tuition_receipt", "学费凭证", ["学费发票"]),
    }
}

impl AidKind {
    /// What an application of this kind must come with before it can be reviewed.
    pub fn required_documents(self) -> &'static [AidDocument] {
        use AidDocument::*;
        match self {
            AidKind::Medical => &[
                ApplicationForm,
                IdentityCard,
                HardshipCertificate,
                MedicalBills,
                Diagnosis,
            ],
            AidKind::Study => &[
                ApplicationForm,
                IdentityCard,
                HardshipCertificate,
                SchoolEnrolment,
                TuitionReceipt,
            ],
            AidKind::FestivalVisit => &[ApplicationForm, IdentityCard, HardshipCertificate],
        }
    }

    /// The required documents not among `given`, in checklist order.
    pub fn missing_documents(self, given: &[AidDocument]) -> Vec<AidDocument> {
        self.required_documents()
            .iter()
            .copied()
            .filter(|d| !given.contains(d))
            .collect()
    }

    /// Checks a new application of this kind: a positive amount, and a festival named
    /// exactly when it is a festival visit. Documents may still follow: they are checked
    /// when the application is reviewed ([`AidKind::check_documents`]).
    pub fn check_application(self, asked: Fen, festival: Option<Festival>) -> Result<(), AidError> {
        if asked <= Fen::ZERO {
            return Err(AidError::NonPositiveRequest);
        }
        if (self == AidKind::FestivalVisit) != festival.is_some() {
            return Err(AidError::FestivalMismatch);
        }
        Ok(())
    }

    /// Checks that every required document was given: the checklist an application must
    /// satisfy before it is reviewed.
    pub fn check_documents(self, given: &[AidDocument]) -> Result<(), AidError> {
        let missing = self.missing_documents(given);
        if missing.is_empty() {
            Ok(())
        } else {
            Err(AidError::MissingDocuments(missing))
        }
    }
}

/// The year's aid budget and what it is committed to: approved and disbursed amounts of
/// applications of that year count against it, so an approval never spends money that is
/// already promised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AidBudget {
    /// The budget year.
    pub year: i32,
    /// The amount the city set.
    pub total: Fen,
    /// Approved or disbursed so far.
    pub committed: Fen,
}

impl AidBudget {
    /// What is left to approve (negative only if the budget was lowered after approvals).
    pub fn left(&self) -> Fen {
        Fen(self.total.0.saturating_sub(self.committed.0))
    }

    /// Whether `amount` may still be approved.
    pub fn check(&self, amount: Fen) -> Result<(), AidError> {
        if amount > self.left() {
            return Err(AidError::OverBudget {
                year: self.year,
                left: self.left(),
                asked: amount,
            });
        }
        Ok(())
    }
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

    #[test]
    fn an_application_needs_its_kinds_documents() {
        use AidDocument::*;
        let given = [ApplicationForm, IdentityCard, HardshipCertificate];
        assert_eq!(
            AidKind::Medical.check_documents(&given),
            Err(AidError::MissingDocuments(vec![MedicalBills, Diagnosis]))
        );
        assert_eq!(AidKind::FestivalVisit.check_documents(&given), Ok(()));
        let message = AidKind::Study
            .check_documents(&given)
            .map_err(|e| e.to_string());
        assert_eq!(
            message,
            Err("申请材料不齐，缺少：录取通知书或学籍证明、学费凭证".to_string())
        );
    }

    #[test]
    fn a_festival_is_named_only_for_festival_visits() {
        assert_eq!(
            AidKind::FestivalVisit.check_application(Fen(100), None),
            Err(AidError::FestivalMismatch)
        );
        assert_eq!(
            AidKind::Medical.check_application(Fen(100), Some(Festival::NewYear)),
            Err(AidError::FestivalMismatch)
        );
        assert_eq!(
            AidKind::Medical.check_application(Fen::ZERO, None),
            Err(AidError::NonPositiveRequest)
        );
    }

    #[test]
    fn approval_beyond_what_is_left_is_refused() {
        let b = AidBudget {
            year: 2019,
            total: Fen(10_000),
            committed: Fen(7_000),
        };
        assert_eq!(b.left(), Fen(3_000));
        assert_eq!(b.check(Fen(3_000)), Ok(()));
        assert_eq!(
            b.check(Fen(3_001)),
            Err(AidError::OverBudget {
                year: 2019,
                left: Fen(3_000),
                asked: Fen(3_001)
            })
        );
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
