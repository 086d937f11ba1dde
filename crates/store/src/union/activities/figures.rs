//! The year's activity figures, counted by SQL aggregates (never by loading rows): what
//! the yearly report (issue 11) and the figures page read.

use super::super::Scope;
use crate::db::Conn;
use crate::error::StoreResult;
use crate::query;
use crate::sql::Bind;
use domain::union::activity::{ActivityKind, ActivityLevel};
use serde::Serialize;

/// One year's activity figures in a scope. Activities count in every year they run on
/// at least one day; participations count in the year of their date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ActivityFigures {
    /// Online projects (网上项目).
    pub online_projects: i64,
    /// Participations in online projects (one person may take part many times).
    pub online_participations: i64,
    /// Distinct people who took part in online projects.
    pub online_participants: i64,
    /// Skill competitions at city level.
    pub city_competitions: i64,
    /// Skill competitions at all levels.
    pub competitions: i64,
    /// Participations in on-the-job training (岗位练兵).
    pub training_participations: i64,
    /// Distinct people who took part in on-the-job training.
    pub training_participants: i64,
    /// Volunteer services.
    pub volunteer_services: i64,
    /// Lecture tours.
    pub lecture_tours: i64,
    /// Job fairs.
    pub job_fairs: i64,
    /// Free training courses (送技能).
    pub free_courses: i64,
    /// 乐活 events.
    pub cultural_events: i64,
    /// Sports matches.
    pub sports_matches: i64,
}

/// The figures of `year` in `scope`: a township's own activities, or the whole city's.
pub async fn year_figures(
    conn: impl Into<Conn<'_>>,
    year: i32,
    scope: Scope,
) -> StoreResult<ActivityFigures> {
    let mut conn = conn.into();
    let (from, to) = crate::year_bounds(year);
    let mut binds: Vec<Bind> = vec![to.clone().into(), from.clone().into()];
    let township = match scope.township_code() {
        Some(code) => {
            binds.push(code.into());
            " AND a.township = $3"
        }
        None => "",
    };
    let by_kind: Vec<(String, String, i64)> = query::rows(
        &mut conn,
        &format!(
            "SELECT a.kind, a.level, COUNT(*) FROM union_activities a
             WHERE a.start_on <= $1 AND a.end_on >= $2{township} GROUP BY a.kind, a.level"
        ),
        &binds,
        Ok,
    )
    .await?;
    let mut binds: Vec<Bind> = vec![from.into(), to.into()];
    if let Some(code) = scope.township_code() {
        binds.push(code.into());
    }
    // Only the two kinds counted by participations are read: activity by activity
    // (union_activities_year), each one's participations of the year from the
    // union_participations_activity_day index alone (migration 0022).
    let taking_part: Vec<(String, i64, i64)> = query::rows(
        &mut conn,
        &format!(
            "SELECT a.kind, COUNT(*), COUNT(DISTINCT p.resident_id)
             FROM union_activities a JOIN union_participations p ON p.activity_id = a.id
             WHERE a.kind IN ('{}', '{}')
             AND p.took_part_on >= $1 AND p.took_part_on <= $2{township} GROUP BY a.kind",
            ActivityKind::OnlineProject.code(),
            ActivityKind::OnTheJobTraining.code()
        ),
        &binds,
        Ok,
    )
    .await?;
    let mut f = ActivityFigures::default();
    for (kind, level, n) in by_kind {
        let Some(kind) = ActivityKind::ALL.iter().find(|k| k.code() == kind) else {
            continue;
        };
        match kind {
            ActivityKind::OnlineProject => f.online_projects += n,
            ActivityKind::SkillCompetition => {
                f.competitions += n;
                if level == ActivityLevel::City.code() {
                    f.city_competitions += n;
                }
            }
            ActivityKind::VolunteerService => f.volunteer_services += n,
            ActivityKind::LectureTour => f.lecture_tours += n,
            ActivityKind::JobFair => f.job_fairs += n,
            ActivityKind::FreeTraining => f.free_courses += n,
            ActivityKind::CulturalEvent => f.cultural_events += n,
            ActivityKind::SportsMatch => f.sports_matches += n,
            _ => {}
        }
    }
    for (kind, n, people) in taking_part {
        if kind == ActivityKind::OnlineProject.code() {
            (f.online_participations, f.online_participants) = (n, people);
        } else if kind == ActivityKind::OnTheJobTraining.code() {
            (f.training_participations, f.training_participants) = (n, people);
        }
    }
    Ok(f)
}
