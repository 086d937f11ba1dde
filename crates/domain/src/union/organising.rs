//! Who runs an activity: the organising level and township, the co-organisers and how they
//! work together (区域联动, 党群联建), and the teams and associations that run activities
//! (劳模工匠协会, 宣讲团, 志愿服务队).

use super::activity::{ActivityDates, ActivityError, ActivityKind, ActivityLevel};
use super::township::Township;
use crate::platform::labelled::labelled;

labelled! {
    /// How an activity is organised together with other bodies.
    JointMode as "联办方式" {
        /// 区域联动: with other unions or bodies of the area.
        Regional => ("regional", "区域联动", []),
        /// 党群联建: with party organisations.
        PartyMass => ("party_mass", "党群联建", ["党建带工建"]),
    }
}

labelled! {
    /// The kinds of teams and associations the federation keeps.
    TeamKind as "队伍类型" {
        /// 劳模工匠协会: model workers' and craftsmen's association.
        ModelWorkersAssociation => ("model_workers_association", "劳模工匠协会", ["劳模协会"]),
        /// 宣讲团: lecture team.
        LectureTeam => ("lecture_team", "宣讲团", []),
        /// 志愿服务队: volunteer team.
        VolunteerTeam => ("volunteer_team", "志愿服务队", ["志愿者服务队"]),
    }
}

/// Why an activity's organiser is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrganiserError {
    /// A city-level activity belongs to no township.
    #[error("市级活动不属于任何乡镇（街道），请不要填写乡镇")]
    CityWithTownship,
    /// A township or enterprise activity names its township.
    #[error("{level}活动须填写所属乡镇（街道）")]
    MissingTownship {
        /// The level given.
        level: ActivityLevel,
    },
    /// The dates are not in order.
    #[error(transparent)]
    Dates(#[from] ActivityError),
    /// A capacity of zero places.
    #[error("名额应大于0，不限名额请留空")]
    ZeroCapacity,
}

/// An activity's organisation, checked once: the level decides whether it has a township
/// (city-level activities are the city federation's; township and enterprise ones belong
/// to a township, whose staff run them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Organisation {
    level: ActivityLevel,
    township: Option<Township>,
}

impl Organisation {
    /// Checks that a city activity has no township and the others have one.
    pub fn new(
        level: ActivityLevel,
        township: Option<Township>,
    ) -> Result<Organisation, OrganiserError> {
        match (level, township) {
            (ActivityLevel::City, Some(_)) => Err(OrganiserError::CityWithTownship),
            (ActivityLevel::Township | ActivityLevel::Enterprise, None) => {
                Err(OrganiserError::MissingTownship { level })
            }
            _ => Ok(Organisation { level, township }),
        }
    }

    /// The level.
    pub fn level(self) -> ActivityLevel {
        self.level
    }

    /// The township, none for the city.
    pub fn township(self) -> Option<Township> {
        self.township
    }
}

/// Whether an activity of `kind` is counted by its participations rather than as one
/// activity in the yearly figures (online projects and on-the-job training).
pub fn counted_by_participations(kind: ActivityKind) -> bool {
    matches!(
        kind,
        ActivityKind::OnlineProject | ActivityKind::OnTheJobTraining
    )
}

/// Checks the dates and capacity of an activity (`None`: no limit).
pub fn check_plan(
    dates: (chrono::NaiveDate, chrono::NaiveDate),
    capacity: Option<u32>,
) -> Result<ActivityDates, OrganiserError> {
    if capacity == Some(0) {
        return Err(OrganiserError::ZeroCapacity);
    }
    Ok(ActivityDates::new(dates.0, dates.1)?)
}

/// Splits a co-organisers cell or field (`、`, `，`, `;` or new lines between names).
pub fn split_co_organisers(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', ';', '；', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::time::day;

    #[test]
    fn city_activities_have_no_township_and_the_others_have_one() {
        let t = Township::JIANDE[0];
        assert!(Organisation::new(ActivityLevel::City, None).is_ok());
        assert_eq!(
            Organisation::new(ActivityLevel::City, Some(t)),
            Err(OrganiserError::CityWithTownship)
        );
        assert!(Organisation::new(ActivityLevel::Township, None).is_err());
        assert_eq!(
            Organisation::new(ActivityLevel::Enterprise, Some(t)).map(Organisation::township),
            Ok(Some(t))
        );
    }

    #[test]
    fn a_plan_needs_ordered_dates_and_a_real_capacity() {
        assert!(check_plan((day(2019, 5, 1), day(2019, 5, 1)), None).is_ok());
        assert_eq!(
            check_plan((day(2019, 5, 1), day(2019, 5, 1)), Some(0)),
            Err(OrganiserError::ZeroCapacity)
        );
        assert!(check_plan((day(2019, 5, 2), day(2019, 5, 1)), Some(3)).is_err());
    }

    #[test]
    fn co_organisers_split_on_the_usual_separators() {
        assert_eq!(
            split_co_organisers("团市委、 市妇联；市人社局\n"),
            ["团市委", "市妇联", "市人社局"]
        );
        assert!(split_co_organisers(" ").is_empty());
    }

    #[test]
    fn joint_modes_and_team_kinds_read_their_names() {
        assert_eq!(JointMode::parse("党群联建"), Ok(JointMode::PartyMass));
        assert_eq!(TeamKind::parse("宣讲团"), Ok(TeamKind::LectureTeam));
        assert!(TeamKind::parse("合唱团").is_err());
        assert!(counted_by_participations(ActivityKind::OnlineProject));
        assert!(!counted_by_participations(ActivityKind::JobFair));
    }
}
