//! Storage of the expropriation and resettlement headquarters (征收安置指挥部): projects
//! and their versioned compensation standards, the four working groups, households with
//! members, buildings and appraisals, milestones and the agreements fixed at signing, the
//! flat inventory and the choosing session, the work log, nightly meetings, grievances and
//! the discipline register, and the counters behind the live wall. Spreadsheet imports and
//! exports are the `imports` crate's; the lookups and upserts they call are here.

pub mod agreements;
pub mod appraisals;
pub mod buildings;
pub mod care;
pub mod choosing;
pub mod compensation;
pub mod flats;
pub mod for_imports;
pub mod grievances;
pub mod hotlines;
pub mod households;
pub mod incidents;
pub mod meetings;
pub mod members;
pub mod milestones;
pub mod objections;
pub mod population;
pub mod projects;
pub mod public;
pub mod standards;
pub mod summary;
pub mod teams;
pub mod wall;
pub mod worklog;

use crate::audit::AuditedTable;
use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use chrono::NaiveDate;
use domain::platform::{Account, RelocationReach};

const fn audited(entity: &'static str, table: &'static str) -> AuditedTable {
    AuditedTable {
        entity,
        table,
        secret_columns: &[],
    }
}

/// Projects.
pub const PROJECTS: AuditedTable = audited("relocation_project", "relocation_projects");
/// Compensation standard versions.
pub const STANDARDS: AuditedTable = audited("relocation_standard", "relocation_standards");
/// Working groups.
pub const TEAMS: AuditedTable = audited("relocation_team", "relocation_teams");
/// Persons in the groups.
pub const PERSONS: AuditedTable = audited("relocation_person", "relocation_persons");
/// Households, with their milestones.
pub const HOUSEHOLDS: AuditedTable = audited("relocation_household", "relocation_households");
/// Household members.
pub const MEMBERS: AuditedTable = audited("relocation_member", "relocation_members");
/// Buildings (title verification).
pub const BUILDINGS: AuditedTable = audited("relocation_building", "relocation_buildings");
/// Appraisal items.
pub const APPRAISALS: AuditedTable = audited("relocation_appraisal", "relocation_appraisals");
/// Agreements fixed at signing.
pub const AGREEMENTS: AuditedTable = audited("relocation_agreement", "relocation_agreements");
/// Visits and calls.
pub const VISITS: AuditedTable = audited("relocation_visit", "relocation_visits");
/// Nightly meetings.
pub const MEETINGS: AuditedTable = audited("relocation_meeting", "relocation_meetings");
/// Difficult cases discussed at a meeting.
pub const MEETING_CASES: AuditedTable =
    audited("relocation_meeting_case", "relocation_meeting_cases");
/// Action items decided at a meeting.
pub const ACTIONS: AuditedTable = audited("relocation_action", "relocation_actions");
/// Resettlement population reviews (their event logs).
pub const POPULATION: AuditedTable = audited("relocation_population", "relocation_population");

/// Resettlement flats, storerooms and parking spaces.
pub const FLATS: AuditedTable = audited("relocation_flat", "relocation_flats");
/// Choosing sessions (seed commitments and reveals).
pub const SESSIONS: AuditedTable = audited(
    "relocation_choosing_session",
    "relocation_choosing_sessions",
);
/// Households marked absent when called.
pub const ABSENCES: AuditedTable = audited(
    "relocation_choosing_absence",
    "relocation_choosing_absences",
);
/// Flat choices.
pub const CHOICES: AuditedTable = audited("relocation_choice", "relocation_choices");
/// Grievances (信访、举报); the reporter's identity and the public form's client digest
/// are kept in the log as digests only, so the log does not widen who can read them.
pub const GRIEVANCES: AuditedTable = AuditedTable {
    entity: "relocation_grievance",
    table: "relocation_grievances",
    secret_columns: &["reporter_name", "reporter_phone", "client_key"],
};
/// Projects' supervision hotlines.
pub const HOTLINES: AuditedTable = audited("relocation_hotline", "relocation_hotlines");
/// The discipline register (上访, 违规违纪).
pub const INCIDENTS: AuditedTable = audited("relocation_incident", "relocation_incidents");
/// The members as posted, frozen per posting of a population review.
pub const POSTED_LISTS: AuditedTable = audited(
    "relocation_population_posting",
    "relocation_population_postings",
);
/// Objections' reference numbers; the public page's client digest is kept in the log as
/// a digest only.
pub const OBJECTIONS: AuditedTable = AuditedTable {
    entity: "relocation_objection",
    table: "relocation_objections",
    secret_columns: &["client_key"],
};
/// Temporary housing (过渡安置).
pub const TEMPORARY_HOUSING: AuditedTable = audited(
    "relocation_temporary_housing",
    "relocation_temporary_housing",
);
/// Care actions (帮扶).
pub const CARE_ACTIONS: AuditedTable = audited("relocation_care_action", "relocation_care_actions");

/// This area's audited tables. The wall's counters (`relocation_progress`,
/// `relocation_daily`) are derived from these and rebuilt from them, so they are not.
pub const AUDITED_TABLES: &[AuditedTable] = &[
    PROJECTS,
    STANDARDS,
    TEAMS,
    PERSONS,
    HOUSEHOLDS,
    MEMBERS,
    BUILDINGS,
    APPRAISALS,
    AGREEMENTS,
    VISITS,
    MEETINGS,
    MEETING_CASES,
    ACTIONS,
    POPULATION,
    FLATS,
    SESSIONS,
    ABSENCES,
    CHOICES,
    GRIEVANCES,
    HOTLINES,
    INCIDENTS,
    POSTED_LISTS,
    OBJECTIONS,
    TEMPORARY_HOUSING,
    CARE_ACTIONS,
];

/// Whose records a viewer may see. Commanders see every project of their town; staff see
/// the households assigned to their working group (and that group's project); inspectors
/// and administrators see everything. Whether the viewer may *change* anything is the
/// route table's business; the scope only decides what exists for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every project.
    All,
    /// The projects of one town.
    Town(String),
    /// One working group: its households, in its project.
    Team {
        /// The group.
        team_id: i64,
        /// The group's project.
        project_id: i64,
    },
    /// Nothing (a role outside the module, or a group that no longer exists).
    Nothing,
}

impl Scope {
    /// The scope of an account: what it reaches ([`Account::relocation_reach`]), with a
    /// working group's project looked up (a group that no longer exists reaches nothing).
    pub async fn of(db: &Db, account: &Account) -> StoreResult<Scope> {
        Ok(match account.relocation_reach() {
            RelocationReach::All => Scope::All,
            RelocationReach::Town(t) => Scope::Town(t.to_string()),
            RelocationReach::Team(team_id) => {
                let project: Option<i64> = query::value(
                    db,
                    "SELECT project_id FROM relocation_teams WHERE id = $1",
                    &[Bind::Int(team_id)],
                )
                .await?;
                match project {
                    Some(project_id) => Scope::Team {
                        team_id,
                        project_id,
                    },
                    None => Scope::Nothing,
                }
            }
            RelocationReach::Nothing => Scope::Nothing,
        })
    }

    /// Town filter for project queries (`$n IS NULL OR town = $n`).
    pub(crate) fn town(&self) -> Option<String> {
        match self {
            Scope::Town(t) => Some(t.clone()),
            _ => None,
        }
    }

    /// Project filter for project queries; `-1` matches nothing.
    pub(crate) fn project(&self) -> Option<i64> {
        match self {
            Scope::Team { project_id, .. } => Some(*project_id),
            Scope::Nothing => Some(-1),
            _ => None,
        }
    }

    /// Team filter for household queries.
    pub(crate) fn team(&self) -> Option<i64> {
        match self {
            Scope::Team { team_id, .. } => Some(*team_id),
            Scope::Nothing => Some(-1),
            _ => None,
        }
    }

    /// Whether a household of `project_town`, assigned to `team_id`, is visible.
    pub fn sees_household(&self, project_town: &str, team_id: Option<i64>) -> bool {
        match self {
            Scope::All => true,
            Scope::Town(t) => t == project_town,
            Scope::Team { team_id: mine, .. } => team_id == Some(*mine),
            Scope::Nothing => false,
        }
    }

    /// Whether the project is visible at all.
    pub fn sees_project(&self, project_id: i64, project_town: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Town(t) => t == project_town,
            Scope::Team {
                project_id: mine, ..
            } => *mine == project_id,
            Scope::Nothing => false,
        }
    }
}

/// A date as stored: `YYYY-MM-DD`.
pub(crate) fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A stored date back; `None` for NULL. Malformed text is a corrupt record, reported as
/// such rather than silently dropped.
pub(crate) fn parse_day(text: Option<&str>, what: &str) -> StoreResult<Option<NaiveDate>> {
    match text {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| corrupt(what, t)),
    }
}

/// A stored value that this version cannot read: a bug or a change made around the
/// system, reported with what and where.
pub(crate) fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::corrupt(format!("{what}「{value}」无法识别"))
}

/// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` taken literally
/// (queries use `ESCAPE '\'`); `None` for an empty search.
pub(crate) fn like_pattern(text: Option<&str>) -> Option<String> {
    let t = text.map(str::trim).filter(|t| !t.is_empty())?;
    Some(crate::sql::contains_pattern(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(Some(" 张 ")), Some("%张%".into()));
        assert_eq!(like_pattern(Some("50%_a")), Some("%50\\%\\_a%".into()));
        assert_eq!(like_pattern(Some("  ")), None);
    }

    #[test]
    fn scopes_decide_visibility() {
        let town = Scope::Town("杨村桥镇".into());
        assert!(town.sees_household("杨村桥镇", None));
        assert!(!town.sees_household("大同镇", Some(1)));
        let team = Scope::Team {
            team_id: 1,
            project_id: 7,
        };
        assert!(team.sees_household("杨村桥镇", Some(1)));
        assert!(!team.sees_household("杨村桥镇", Some(2)));
        assert!(!team.sees_household("杨村桥镇", None));
        assert!(team.sees_project(7, "x") && !team.sees_project(8, "x"));
        assert!(!Scope::Nothing.sees_project(1, "杨村桥镇"));
        assert_eq!(Scope::Nothing.project(), Some(-1));
    }
}
