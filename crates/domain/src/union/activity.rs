//! Activities: competitions, training, services to workers and the quota programmes
//! (recuperation, health checks). Most of the federation's yearly figures are counts of
//! activities of one kind at one level, or of their participants, so both are closed lists.

use crate::platform::labelled::labelled;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

labelled! {
    /// What kind of activity it is; one kind per line of the yearly figures.
    ActivityKind as "活动类型" {
        /// 技能竞赛: skill competition.
        SkillCompetition => ("skill_competition", "技能竞赛", ["职工技能竞赛", "劳动竞赛"]),
        /// 岗位练兵: on-the-job training and drills; counted by participations.
        OnTheJobTraining => ("on_the_job_training", "岗位练兵", ["岗位练兵活动"]),
        /// 网上项目: a project run through the members' app (杭工e家); counted by participations.
        OnlineProject => ("online_project", "网上项目", ["杭工e家"]),
        /// 志愿服务: volunteer service.
        VolunteerService => ("volunteer_service", "志愿服务", []),
        /// 宣讲: lecture tour (policy, model workers' stories).
        LectureTour => ("lecture_tour", "宣讲", ["宣讲活动"]),
        /// 招聘会: job fair.
        JobFair => ("job_fair", "招聘会", ["专场招聘会"]),
        /// 送技能培训: free skills training taken to private firms.
        FreeTraining => ("free_training", "送技能培训", ["送技能"]),
        /// 乐活工会活动: cultural and sports events — performances, talks, sports meets.
        CulturalEvent => ("cultural_event", "乐活工会活动", ["乐活工会", "送文艺", "讲座", "运动会"]),
        /// 体育比赛: a sports match (ball games, races) between teams of workers.
        SportsMatch => ("sports_match", "体育比赛", ["职工体育比赛", "球赛"]),
        /// 疗休养: free recuperation stay, with a yearly quota of places.
        Recuperation => ("recuperation", "疗休养", ["职工疗休养"]),
        /// 健康体检: free health check, with a yearly quota.
        HealthCheck => ("health_check", "健康体检", ["体检"]),
    }
}

impl ActivityKind {
    /// Whether the activity has a yearly quota of places (recuperation, health checks), so
    /// enrolment must stop when the quota is used up.
    pub fn has_quota(self) -> bool {
        matches!(self, ActivityKind::Recuperation | ActivityKind::HealthCheck)
    }
}

labelled! {
    /// The level of the organiser. "10 city-level and 198 all-level skill competitions" is a
    /// count by level, so the level is recorded, not guessed from the organiser's name.
    ActivityLevel as "活动级别" {
        /// 市级: organised by the city federation.
        City => ("city", "市级", ["建德市级"]),
        /// 乡镇级: organised by a township federation.
        Township => ("township", "乡镇级", ["乡镇（街道）级", "街道级"]),
        /// 企业级: organised by an enterprise or joint union.
        Enterprise => ("enterprise", "企业级", []),
    }
}

/// Why an activity or an enrolment cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActivityError {
    /// An activity that ends before it starts.
    #[error("结束日期（{end}）不能早于开始日期（{start}）")]
    EndsBeforeStart {
        /// First day.
        start: NaiveDate,
        /// Last day.
        end: NaiveDate,
    },
    /// Every place is taken.
    #[error("名额已满（共{quota}个名额）")]
    QuotaFull {
        /// Number of places.
        quota: u32,
    },
}

/// The dates an activity runs, checked once: it never ends before it starts, so counting
/// activities within a period is a plain overlap test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityDates {
    start: NaiveDate,
    end: NaiveDate,
}

impl ActivityDates {
    /// Checks that `end` is not before `start` (a one-day activity has `end == start`).
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<ActivityDates, ActivityError> {
        if end < start {
            return Err(ActivityError::EndsBeforeStart { start, end });
        }
        Ok(ActivityDates { start, end })
    }

    /// First day.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// Last day.
    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// Whether the activity runs on at least one day of `from..=to`; a competition spanning
    /// New Year counts in both years.
    pub fn overlaps(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.start <= to && from <= self.end
    }
}

/// Places still free in a programme with `quota` places and `enrolled` members.
pub fn quota_remaining(quota: u32, enrolled: u32) -> u32 {
    quota.saturating_sub(enrolled)
}

/// Checks that one more member may enrol; the quota is the federation's budget, so going over
/// it is refused rather than warned about.
pub fn check_quota(quota: u32, enrolled: u32) -> Result<(), ActivityError> {
    if quota_remaining(quota, enrolled) == 0 {
        return Err(ActivityError::QuotaFull { quota });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::time::day;
    use proptest::prelude::*;

    #[test]
    fn cultural_events_are_read_from_their_everyday_names() {
        for text in ["乐活工会活动", "送文艺", "讲座", "运动会"] {
            assert_eq!(
                ActivityKind::parse(text),
                Ok(ActivityKind::CulturalEvent),
                "{text}"
            );
        }
        assert_eq!(
            ActivityKind::parse("送技能"),
            Ok(ActivityKind::FreeTraining)
        );
        assert!(ActivityKind::parse("聚餐").is_err());
    }

    #[test]
    fn there_are_eleven_activity_kinds() {
        assert_eq!(ActivityKind::ALL.len(), 11);
    }

    #[test]
    fn only_recuperation_and_health_checks_have_quotas() {
        let with_quota: Vec<_> = ActivityKind::ALL.iter().filter(|k| k.has_quota()).collect();
        assert_eq!(
            with_quota,
            [&ActivityKind::Recuperation, &ActivityKind::HealthCheck]
        );
    }

    #[test]
    fn activity_cannot_end_before_it_starts() {
        assert!(ActivityDates::new(day(2019, 5, 2), day(2019, 5, 1)).is_err());
        assert!(ActivityDates::new(day(2019, 5, 1), day(2019, 5, 1)).is_ok());
    }

    #[test]
    fn activity_spanning_new_year_counts_in_both_years() {
        let dates = ActivityDates::new(day(2018, 12, 28), day(2019, 1, 3));
        assert!(
            dates.is_ok_and(|d| d.overlaps(day(2019, 1, 1), day(2019, 12, 31))
                && d.overlaps(day(2018, 1, 1), day(2018, 12, 31))
                && !d.overlaps(day(2020, 1, 1), day(2020, 12, 31)))
        );
    }

    #[test]
    fn enrolment_stops_at_the_quota() {
        assert_eq!(check_quota(220, 219), Ok(()));
        assert_eq!(
            check_quota(220, 220),
            Err(ActivityError::QuotaFull { quota: 220 })
        );
        assert_eq!(quota_remaining(400, 450), 0);
    }

    proptest! {
        #[test]
        fn quota_check_agrees_with_remaining(quota in any::<u32>(), enrolled in any::<u32>()) {
            prop_assert_eq!(check_quota(quota, enrolled).is_ok(), enrolled < quota);
            prop_assert!(quota_remaining(quota, enrolled) <= quota);
        }
    }
}
