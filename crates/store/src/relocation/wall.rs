//! The live wall (进度上墙) and the counters behind it.
//!
//! Every change that moves a figure on the wall — a household created or reassigned, a
//! milestone recorded or undone, a visit logged — updates two small counter tables in the
//! same transaction: `relocation_progress` (households and milestones per project, group
//! and person) and `relocation_daily` (events per project, kind and day). Reading the wall
//! then costs a few primary-key range reads whose size depends on the number of groups,
//! persons and days, never on the number of households or log entries. [`rebuild`]
//! recomputes both tables from the records, for repairs and to check them in tests.

use super::projects::Project;
use super::{day_text, parse_day};
use crate::db::{Db, Tx};
use crate::error::StoreResult;
use crate::query;
use crate::sql::Bind;
use crate::{on_pool, on_tx};
use chrono::NaiveDate;
use domain::relocation::progress::{MAX_CURVE_DAYS, curve_from_daily_counts, days_to_deadline};
use domain::relocation::{Milestone, MilestoneDates, Progress, ProjectStatus, TeamKind};
use std::collections::BTreeMap;

/// The event kind counted per day for visits and calls.
pub const VISIT_EVENT: &str = "visit";

/// A household's share of the progress counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contribution {
    total: i64,
    counts: [i64; 4],
}

impl Contribution {
    /// A new household: counted in the total, no milestone yet.
    pub fn household() -> Contribution {
        Contribution {
            total: 1,
            counts: [0; 4],
        }
    }

    /// A household with the milestones it has reached.
    pub fn of(dates: &MilestoneDates) -> Contribution {
        let mut c = Contribution::household();
        for (i, m) in Milestone::ALL.into_iter().enumerate() {
            c.counts[i] = i64::from(dates.has(m));
        }
        c
    }

    /// One more household at milestone `m`.
    pub fn milestone(m: Milestone) -> Contribution {
        let mut c = Contribution::default();
        c.counts[super::households::index(m)] = 1;
        c
    }

    /// The same share taken away.
    pub fn negated(self) -> Contribution {
        Contribution {
            total: -self.total,
            counts: self.counts.map(|v| -v),
        }
    }
}

/// Adds `c` to the counters of (project, group, person); no group or person counts as 0.
pub(crate) async fn add_progress(
    tx: &mut Tx,
    project_id: i64,
    team_id: Option<i64>,
    person_id: Option<i64>,
    c: Contribution,
) -> StoreResult<()> {
    let [signed, vacated, demolished, cleared] = c.counts;
    on_tx!(tx, |conn| sqlx::query(
        "INSERT INTO relocation_progress
             (project_id, team_id, person_id, total, signed, vacated, demolished, cleared)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (project_id, team_id, person_id) DO UPDATE SET
             total = relocation_progress.total + excluded.total,
             signed = relocation_progress.signed + excluded.signed,
             vacated = relocation_progress.vacated + excluded.vacated,
             demolished = relocation_progress.demolished + excluded.demolished,
             cleared = relocation_progress.cleared + excluded.cleared"
    )
    .bind(project_id)
    .bind(team_id.unwrap_or(0))
    .bind(person_id.unwrap_or(0))
    .bind(c.total)
    .bind(signed)
    .bind(vacated)
    .bind(demolished)
    .bind(cleared)
    .execute(&mut *conn)
    .await
    .map(|_| ())?);
    Ok(())
}

/// Adds `delta` events of kind `event` (a milestone code or [`VISIT_EVENT`]) on `day`.
pub(crate) async fn add_daily(
    tx: &mut Tx,
    project_id: i64,
    event: &str,
    day: NaiveDate,
    delta: i64,
) -> StoreResult<()> {
    query::execute(
        &mut *tx,
        "INSERT INTO relocation_daily (project_id, event, day, count) VALUES ($1, $2, $3, $4)
         ON CONFLICT (project_id, event, day) DO UPDATE SET
             count = relocation_daily.count + excluded.count",
        &[
            project_id.into(),
            event.into(),
            Bind::from(day_text(day)),
            delta.into(),
        ],
    )
    .await?;
    Ok(())
}

/// Recomputes a project's counters from its households and work log.
pub async fn rebuild(tx: &mut Tx, project_id: i64) -> StoreResult<()> {
    let mut statements = vec![
        "DELETE FROM relocation_progress WHERE project_id = $1".to_string(),
        "INSERT INTO relocation_progress
             (project_id, team_id, person_id, total, signed, vacated, demolished, cleared)
         SELECT project_id, COALESCE(team_id, 0), COALESCE(person_id, 0), COUNT(*),
                COUNT(signed_on), COUNT(vacated_on), COUNT(demolished_on), COUNT(cleared_on)
         FROM relocation_households WHERE project_id = $1
         GROUP BY project_id, COALESCE(team_id, 0), COALESCE(person_id, 0)"
            .to_string(),
        "DELETE FROM relocation_daily WHERE project_id = $1".to_string(),
        format!(
            "INSERT INTO relocation_daily (project_id, event, day, count)
             SELECT project_id, '{VISIT_EVENT}', visited_on, COUNT(*) FROM relocation_visits
             WHERE project_id = $1 GROUP BY project_id, visited_on"
        ),
    ];
    for m in Milestone::ALL {
        let code = m.code();
        statements.push(format!(
            "INSERT INTO relocation_daily (project_id, event, day, count)
             SELECT project_id, '{code}', {code}_on, COUNT(*) FROM relocation_households
             WHERE project_id = $1 AND {code}_on IS NOT NULL GROUP BY project_id, {code}_on"
        ));
    }
    for sql in statements {
        on_tx!(tx, |c| sqlx::query(crate::dynamic(&sql))
            .bind(project_id)
            .execute(&mut *c)
            .await
            .map(|_| ())?);
    }
    Ok(())
}

/// A group's line on the wall.
#[derive(Debug, Clone)]
pub struct GroupLine {
    /// The group (0 for households not yet assigned).
    pub team_id: i64,
    /// Its name.
    pub name: String,
    /// Its kind, when it is a group.
    pub kind: Option<TeamKind>,
    /// Its households' progress.
    pub progress: Progress,
}

/// A person's line on the leaderboard.
#[derive(Debug, Clone)]
pub struct PersonLine {
    /// The person.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// Their group's name.
    pub team_name: String,
    /// Their households' progress.
    pub progress: Progress,
    /// Signed today.
    pub signed_today: u32,
}

/// One day of the cumulative curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurveDay {
    /// The day.
    pub date: NaiveDate,
    /// Cumulative households per milestone, in the order of [`Milestone::ALL`].
    pub cumulative: [u32; 4],
}

/// Everything the wall shows for one project.
#[derive(Debug, Clone)]
pub struct Wall {
    /// The project.
    pub project: Project,
    /// The day the wall is for.
    pub today: NaiveDate,
    /// The whole project.
    pub progress: Progress,
    /// Per group, in the order of [`TeamKind::ALL`], then the unassigned households.
    pub groups: Vec<GroupLine>,
    /// Per person, best first (signed, then vacated, then fewest households).
    pub leaderboard: Vec<PersonLine>,
    /// Cumulative milestones per day.
    pub curve: Vec<CurveDay>,
    /// Events today per milestone, in the order of [`Milestone::ALL`].
    pub today_counts: [u32; 4],
    /// Visits and calls logged today.
    pub visits_today: u32,
    /// Days left to the signing deadline (negative once passed).
    pub days_to_deadline: Option<i64>,
}

fn count(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

fn add(p: &mut Progress, total: i64, counts: [i64; 4]) {
    p.total = p.total.saturating_add(count(total));
    p.signed = p.signed.saturating_add(count(counts[0]));
    p.vacated = p.vacated.saturating_add(count(counts[1]));
    p.demolished = p.demolished.saturating_add(count(counts[2]));
    p.cleared = p.cleared.saturating_add(count(counts[3]));
}

type ProgressRow = (
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The wall of `project` as of `today`, from the counters only.
pub async fn wall(db: &Db, project: &Project, today: NaiveDate) -> StoreResult<Wall> {
    type DailyRow = (String, String, i64);
    type TeamRow = (i64, String, String);
    type Fetched = (
        Vec<ProgressRow>,
        Vec<DailyRow>,
        Vec<TeamRow>,
        Vec<(Option<i64>, i64)>,
    );
    let (rows, daily, teams, signed_today): Fetched = on_pool!(db, |p| {
        let rows = sqlx::query_as(
            "SELECT pr.team_id, pr.person_id, pr.total, pr.signed, pr.vacated, pr.demolished,
                    pr.cleared, t.name, t.kind, ps.name
             FROM relocation_progress pr
             LEFT JOIN relocation_teams t ON t.id = pr.team_id
             LEFT JOIN relocation_persons ps ON ps.id = pr.person_id
             WHERE pr.project_id = $1",
        )
        .bind(project.id)
        .fetch_all(p)
        .await?;
        // Milestone days only (a few per campaign day); today's visits by primary key,
        // so the work log's length never enters the cost.
        let mut daily: Vec<DailyRow> = sqlx::query_as(
            "SELECT event, day, count FROM relocation_daily
             WHERE project_id = $1 AND event IN ('signed', 'vacated', 'demolished', 'cleared')
               AND count <> 0",
        )
        .bind(project.id)
        .fetch_all(p)
        .await?;
        let visits: Option<i64> = sqlx::query_scalar(
            "SELECT count FROM relocation_daily WHERE project_id = $1 AND event = $2 AND day = $3",
        )
        .bind(project.id)
        .bind(VISIT_EVENT)
        .bind(day_text(today))
        .fetch_optional(p)
        .await?;
        daily.push((
            VISIT_EVENT.to_string(),
            day_text(today),
            visits.unwrap_or(0),
        ));
        let teams =
            sqlx::query_as("SELECT id, name, kind FROM relocation_teams WHERE project_id = $1")
                .bind(project.id)
                .fetch_all(p)
                .await?;
        let signed_today = sqlx::query_as(
            "SELECT person_id, COUNT(*) FROM relocation_households
             WHERE project_id = $1 AND signed_on = $2 GROUP BY person_id",
        )
        .bind(project.id)
        .bind(day_text(today))
        .fetch_all(p)
        .await?;
        (rows, daily, teams, signed_today)
    });

    let mut progress = Progress::default();
    let mut by_team: BTreeMap<i64, Progress> = BTreeMap::new();
    let mut persons: Vec<PersonLine> = Vec::new();
    for (team_id, person_id, total, s, v, d, c, team_name, _kind, person_name) in rows {
        let counts = [s, v, d, c];
        add(&mut progress, total, counts);
        add(by_team.entry(team_id).or_default(), total, counts);
        if let (true, Some(name)) = (person_id != 0, person_name) {
            let mut p = Progress::default();
            add(&mut p, total, counts);
            persons.push(PersonLine {
                person_id,
                name,
                team_name: team_name.unwrap_or_default(),
                progress: p,
                signed_today: 0,
            });
        }
    }
    for (person_id, n) in signed_today {
        if let Some(line) = persons.iter_mut().find(|l| Some(l.person_id) == person_id) {
            line.signed_today = count(n);
        }
    }
    persons.retain(|l| l.progress.total > 0);
    persons.sort_by(|a, b| {
        (
            b.progress.signed,
            b.progress.vacated,
            a.progress.total,
            &a.name,
        )
            .cmp(&(
                a.progress.signed,
                a.progress.vacated,
                b.progress.total,
                &b.name,
            ))
    });

    let mut groups: Vec<GroupLine> = teams
        .into_iter()
        .map(|(id, name, kind)| GroupLine {
            team_id: id,
            name,
            kind: TeamKind::parse(&kind),
            progress: by_team.get(&id).copied().unwrap_or_default(),
        })
        .collect();
    groups.sort_by_key(|g| (g.kind, g.team_id));
    if let Some(p) = by_team.get(&0).filter(|p| p.total > 0) {
        groups.push(GroupLine {
            team_id: 0,
            name: "未分配".into(),
            kind: None,
            progress: *p,
        });
    }

    let mut per_event: [Vec<(NaiveDate, u32)>; 4] = Default::default();
    let mut today_counts = [0u32; 4];
    let mut visits_today = 0u32;
    let mut last_day: Option<NaiveDate> = None;
    for (event, day, n) in daily {
        let Some(day) = parse_day(Some(&day), "统计日期")? else {
            continue;
        };
        if event == VISIT_EVENT {
            if day == today {
                visits_today = count(n);
            }
            continue;
        }
        let Some(m) = Milestone::parse(&event) else {
            continue;
        };
        let i = super::households::index(m);
        if day == today {
            today_counts[i] = count(n);
        }
        per_event[i].push((day, count(n)));
        last_day = last_day.max(Some(day));
    }
    let curve = curve_days(project, today, last_day, &per_event);
    let days_to_deadline = project.sign_deadline.map(|d| days_to_deadline(today, d));
    Ok(Wall {
        project: project.clone(),
        today,
        progress,
        groups,
        leaderboard: persons,
        curve,
        today_counts,
        visits_today,
        days_to_deadline,
    })
}

/// The curve from the campaign's start (or first event) to its last event, or on to
/// today (at most to its planned end) while the project is active; at most
/// [`MAX_CURVE_DAYS`], keeping the latest days.
fn curve_days(
    project: &Project,
    today: NaiveDate,
    last_day: Option<NaiveDate>,
    per_event: &[Vec<(NaiveDate, u32)>; 4],
) -> Vec<CurveDay> {
    let first_event = per_event.iter().flatten().map(|(d, _)| *d).min();
    let start = match (project.started_on, first_event) {
        (Some(s), Some(f)) => s.min(f),
        (s, f) => match s.or(f) {
            Some(d) => d,
            None => return Vec::new(),
        },
    };
    let mut end = last_day.unwrap_or(start).max(start);
    // While the campaign runs, the curve goes on to today (flat days show too), but not
    // past the planned end: an old project left "active" would squash its curve.
    let planned_end = project
        .clear_deadline
        .or(project.vacate_deadline)
        .or(project.sign_deadline);
    if project.status == ProjectStatus::Active {
        let horizon = planned_end.map_or(today, |p| today.min(p));
        end = end.max(horizon);
    }
    let start = start.max(end - chrono::Days::new(u64::try_from(MAX_CURVE_DAYS - 1).unwrap_or(0)));
    let curves: Vec<Vec<u32>> = per_event
        .iter()
        .map(|counts| {
            curve_from_daily_counts(counts, start, end)
                .map(|c| c.into_iter().map(|p| p.cumulative).collect())
                .unwrap_or_default()
        })
        .collect();
    start
        .iter_days()
        .take_while(|d| *d <= end)
        .enumerate()
        .map(|(i, date)| CurveDay {
            date,
            cumulative: [0, 1, 2, 3].map(|m| curves[m].get(i).copied().unwrap_or(0)),
        })
        .collect()
}

/// The evening report for the chat groups (see [`domain::relocation::progress::daily_report`]).
pub fn daily_report(w: &Wall) -> String {
    let groups: Vec<(String, Progress)> = w
        .groups
        .iter()
        .filter(|g| g.progress.total > 0)
        .map(|g| (g.name.clone(), g.progress))
        .collect();
    let persons: Vec<(String, u32, u32)> = w
        .leaderboard
        .iter()
        .map(|l| (l.name.clone(), l.signed_today, l.progress.signed))
        .collect();
    domain::relocation::progress::daily_report(
        &w.project.town,
        &w.project.name,
        w.today,
        &w.progress,
        &groups,
        &persons,
    )
}

/// Every project's progress from the counters, by project id (for the overview).
pub async fn totals(db: &Db) -> StoreResult<std::collections::HashMap<i64, Progress>> {
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = on_pool!(db, |p| {
        sqlx::query_as(
        "SELECT project_id, CAST(SUM(total) AS BIGINT), CAST(SUM(signed) AS BIGINT),
                CAST(SUM(vacated) AS BIGINT), CAST(SUM(demolished) AS BIGINT), CAST(SUM(cleared) AS BIGINT)
         FROM relocation_progress GROUP BY project_id"
    )
    .fetch_all(p)
    .await?
    });
    Ok(rows
        .into_iter()
        .map(|(id, total, s, v, d, c)| {
            let mut p = Progress::default();
            add(&mut p, total, [s, v, d, c]);
            (id, p)
        })
        .collect())
}
