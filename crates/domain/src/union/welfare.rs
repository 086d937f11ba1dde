//! Welfare programmes with a yearly quota (疗休养, 健康体检, 资助农民工上大学): who may enrol,
//! and where an enrolment stands. The quota itself is enforced by the store, with a
//! conditional write inside the enrolling transaction, because only the database sees
//! every enrolment that happens at the same moment.

use crate::platform::labelled::labelled;
use serde::{Deserialize, Serialize};

labelled! {
    /// The kinds of programme. The codes are the API's `kind` values.
    ProgrammeKind {
        /// 疗休养: free recuperation stays.
        Recuperation => ("recuperation", "疗休养", ["职工疗休养"]),
        /// 健康体检: free health checks.
        HealthCheck => ("health_check", "健康体检", ["体检"]),
        /// 资助农民工上大学: the college subsidy for migrant workers.
        CollegeSubsidy => ("college_subsidy", "资助农民工上大学", ["农民工上大学"]),
    }
}

labelled! {
    /// The degree a college subsidy is for.
    CollegeLevel {
        /// 大专: junior college.
        JuniorCollege => ("junior_college", "大专", ["专科"]),
        /// 本科: undergraduate.
        Undergraduate => ("undergraduate", "本科", []),
    }
}

labelled! {
    /// Who may enrol in programmes of a kind: a setting of the city.
    Eligibility {
        /// Any current member (has not left).
        AnyMember => ("any_member", "在册会员", []),
        /// Current members who are migrant workers (农民工).
        MigrantWorkers => ("migrant_workers", "在册农民工会员", []),
    }
}

impl ProgrammeKind {
    /// Who may enrol when the city has set nothing: any current member, except for the
    /// college subsidy, which is for migrant workers.
    pub fn default_eligibility(self) -> Eligibility {
        match self {
            ProgrammeKind::CollegeSubsidy => Eligibility::MigrantWorkers,
            _ => Eligibility::AnyMember,
        }
    }
}

/// Why a member may not enrol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WelfareError {
    /// No current member with that resident ID (or one outside the caller's township).
    #[error("未找到该身份证号的在册会员")]
    NotMember,
    /// The member is not of the group the programme is for.
    #[error("不符合报名条件：该项目仅限{}", .0.label())]
    NotEligible(Eligibility),
    /// A quota below zero.
    #[error("名额不能为负数")]
    NegativeQuota,
    /// A quota below the places already taken: nobody loses a place.
    #[error("名额不能少于已录取的{enrolled}人")]
    QuotaBelowEnrolled {
        /// The places taken.
        enrolled: i64,
    },
    /// A programme without a name.
    #[error("请填写项目名称")]
    NameMissing,
    /// A year outside the calendar the system keeps.
    #[error("年度不正确：{0}")]
    YearInvalid(i32),
    /// A level given for a programme that is not the college subsidy.
    #[error("只有资助农民工上大学项目区分大专、本科")]
    LevelNotApplicable,
    /// The step does not follow from where the enrolment stands.
    #[error("当前为“{}”，不能{action}", .from.label())]
    NotAllowed {
        /// Where the enrolment stands.
        from: EnrolmentState,
        /// The refused step.
        action: &'static str,
    },
}

impl Eligibility {
    /// Whether a member (current or not, migrant worker or not) may enrol.
    pub fn admits(self, current: bool, migrant_worker: bool) -> Result<(), WelfareError> {
        if !current {
            return Err(WelfareError::NotMember);
        }
        match self {
            Eligibility::MigrantWorkers if !migrant_worker => Err(WelfareError::NotEligible(self)),
            _ => Ok(()),
        }
    }
}

labelled! {
    /// Where an enrolment stands.
    EnrolmentState {
        /// 已报名: holds one of the quota's places.
        Enrolled => ("enrolled", "已录取", []),
        /// 候补: on the waiting list, in order of asking.
        Waiting => ("waiting", "候补", []),
        /// 已退出: gave the place (or the waiting turn) up. Final.
        Withdrawn => ("withdrawn", "已退出", []),
    }
}

impl EnrolmentState {
    /// Withdraws: from a place (which frees it for the first waiting) or from the list.
    pub fn withdraw(self) -> Result<EnrolmentState, WelfareError> {
        match self {
            EnrolmentState::Enrolled | EnrolmentState::Waiting => Ok(EnrolmentState::Withdrawn),
            from => Err(WelfareError::NotAllowed {
                from,
                action: "退出",
            }),
        }
    }
}

/// A programme's figures as lists show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Places {
    /// The quota.
    pub quota: i64,
    /// Places taken.
    pub enrolled: i64,
    /// On the waiting list.
    pub waiting: i64,
}

impl Places {
    /// Places still free.
    pub fn free(&self) -> i64 {
        (self.quota - self.enrolled).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_college_subsidy_is_for_migrant_workers_by_default() {
        let rule = ProgrammeKind::CollegeSubsidy.default_eligibility();
        assert_eq!(rule.admits(true, true), Ok(()));
        assert_eq!(
            rule.admits(true, false),
            Err(WelfareError::NotEligible(Eligibility::MigrantWorkers))
        );
        let any = ProgrammeKind::HealthCheck.default_eligibility();
        assert_eq!(any.admits(true, false), Ok(()));
        assert_eq!(any.admits(false, false), Err(WelfareError::NotMember));
    }

    #[test]
    fn a_withdrawn_enrolment_stays_withdrawn() {
        assert_eq!(
            EnrolmentState::Waiting.withdraw(),
            Ok(EnrolmentState::Withdrawn)
        );
        assert!(EnrolmentState::Withdrawn.withdraw().is_err());
    }

    #[test]
    fn kinds_read_their_api_codes() {
        crate::testing::assert_reads(
            ProgrammeKind::parse,
            &[
                ("college_subsidy", Some(ProgrammeKind::CollegeSubsidy)),
                ("疗休养", Some(ProgrammeKind::Recuperation)),
            ],
        );
        assert_eq!(
            CollegeLevel::parse("大专"),
            Some(CollegeLevel::JuniorCollege)
        );
        let p = Places {
            quota: 10,
            enrolled: 10,
            waiting: 3,
        };
        assert_eq!(p.free(), 0);
    }
}
