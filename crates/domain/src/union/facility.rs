//! Union facilities (阵地建设): workers' cultural palaces, workers' homes, care stations and
//! nursing rooms, their building status with its history, and the advanced-workers'-home
//! awards the federation counts per year.
//!
//! A facility moves forward through its building status (planned → agreement signed →
//! building → open) and may be renovated and reopened; a status never goes back to an
//! earlier stage, so the history reads as the project happened.

use crate::platform::labelled::labelled;
use chrono::NaiveDate;

labelled! {
    /// What a facility is.
    FacilityKind as "阵地类型" {
        /// 工人文化宫: the city's workers' cultural palace.
        CulturalPalace => ("cultural_palace", "工人文化宫", ["文化宫"]),
        /// 职工之家: a union's home for its members.
        WorkersHome => ("workers_home", "职工之家", []),
        /// 爱心驿站: a roadside care station for outdoor workers.
        CareStation => ("care_station", "爱心驿站", ["户外劳动者爱心驿站"]),
        /// 妈咪暖心小屋: a nursing room for working mothers.
        NursingRoom => ("nursing_room", "妈咪暖心小屋", ["母婴室", "爱心妈咪小屋"]),
    }
}

labelled! {
    /// Where a facility stands in being built.
    FacilityStatus as "建设状态" {
        /// 规划中.
        Planned => ("planned", "规划中", ["规划"]),
        /// 已签协议: the building agreement is signed.
        AgreementSigned => ("agreement_signed", "已签协议", ["签订协议", "已签约"]),
        /// 在建.
        Building => ("building", "在建", ["建设中"]),
        /// 改造中: an open facility being renovated.
        Renovating => ("renovating", "改造中", ["提升改造"]),
        /// 已开放.
        Open => ("open", "已开放", ["开放", "已建成"]),
    }
}

labelled! {
    /// The level at which a workers' home was named an advanced workers' home (先进职工之家).
    AwardLevel as "先进职工之家级别" {
        /// 杭州市级.
        Hangzhou => ("hangzhou", "杭州市级", ["杭州市", "杭州市级先进职工之家"]),
        /// 建德市级.
        Jiande => ("jiande", "建德市级", ["建德市", "建德市级先进职工之家"]),
    }
}

/// Why a facility's status or award cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FacilityError {
    /// A status that does not follow the current one.
    #[error("建设状态不能从“{from}”改为“{to}”")]
    Transition {
        /// Current status label.
        from: &'static str,
        /// Requested status label.
        to: &'static str,
    },
    /// A status change dated before the previous one.
    #[error("状态变更日期（{on}）不能早于上一次变更（{last}）")]
    DateBeforeLast {
        /// Requested date.
        on: NaiveDate,
        /// Date of the current status.
        last: NaiveDate,
    },
    /// An advanced-workers'-home award on anything but a workers' home.
    #[error("只有职工之家可以评为先进职工之家")]
    AwardNotWorkersHome,
}

impl FacilityStatus {
    /// Whether a facility in this status may move to `to`: forward through the building
    /// stages, and between open and renovating.
    pub fn may_become(self, to: FacilityStatus) -> bool {
        use FacilityStatus::*;
        matches!(
            (self, to),
            (Planned, AgreementSigned | Building)
                | (AgreementSigned, Building)
                | (Building, Open)
                | (Open, Renovating)
                | (Renovating, Open)
        )
    }

    /// Checks a change from this status (current since `last`) to `to` on `on`.
    pub fn change(
        self,
        last: NaiveDate,
        to: FacilityStatus,
        on: NaiveDate,
    ) -> Result<FacilityStatus, FacilityError> {
        if !self.may_become(to) {
            return Err(FacilityError::Transition {
                from: self.label(),
                to: to.label(),
            });
        }
        if on < last {
            return Err(FacilityError::DateBeforeLast { on, last });
        }
        Ok(to)
    }
}

/// Checks that a facility of `kind` may receive an advanced-workers'-home award.
pub fn check_award(kind: FacilityKind) -> Result<(), FacilityError> {
    if kind == FacilityKind::WorkersHome {
        Ok(())
    } else {
        Err(FacilityError::AwardNotWorkersHome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::time::day;

    #[test]
    fn status_moves_forward_and_between_open_and_renovating() {
        use FacilityStatus::*;
        let d = day(2019, 1, 1);
        assert_eq!(Planned.change(d, Building, d), Ok(Building));
        assert_eq!(Open.change(d, Renovating, day(2019, 5, 1)), Ok(Renovating));
        assert_eq!(Renovating.change(d, Open, d), Ok(Open));
        assert!(Open.change(d, Planned, d).is_err());
        assert!(Building.change(d, Building, d).is_err());
        assert!(Building.change(d, AgreementSigned, d).is_err());
    }

    #[test]
    fn a_status_change_cannot_predate_the_last_one() {
        let err =
            FacilityStatus::Building.change(day(2019, 6, 1), FacilityStatus::Open, day(2019, 5, 1));
        assert!(matches!(err, Err(FacilityError::DateBeforeLast { .. })));
    }

    #[test]
    fn only_workers_homes_are_awarded() {
        assert!(check_award(FacilityKind::WorkersHome).is_ok());
        assert!(check_award(FacilityKind::CareStation).is_err());
        assert_eq!(
            FacilityKind::parse("文化宫"),
            Ok(FacilityKind::CulturalPalace)
        );
        assert_eq!(
            AwardLevel::parse("杭州市级先进职工之家"),
            Ok(AwardLevel::Hangzhou)
        );
    }
}
