//! The household list of a project: search, filters, sorting and paging, as the list
//! page, the task table and the exports use it.

use super::{COLUMNS, Household, HouseholdDbRow};
use crate::db::Db;
use crate::error::StoreResult;
use crate::on_pool;
use crate::relocation::{Scope, like_pattern};
use domain::relocation::{HouseholdKind, Milestone};
use sqlx::{FromRow, Row};

/// How far a household has got: not yet signed, or the latest milestone reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// 未签约.
    Pending,
    /// The latest milestone reached is this one.
    At(Milestone),
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 5] = [
        Stage::Pending,
        Stage::At(Milestone::Signed),
        Stage::At(Milestone::Vacated),
        Stage::At(Milestone::Demolished),
        Stage::At(Milestone::Cleared),
    ];

    /// The code used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Pending => "pending",
            Stage::At(m) => m.code(),
        }
    }

    /// The Chinese word in filters and lists.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Pending => "未签约",
            Stage::At(Milestone::Signed) => "已签约",
            Stage::At(Milestone::Vacated) => "已腾空",
            Stage::At(Milestone::Demolished) => "已拆除",
            Stage::At(Milestone::Cleared) => "已清表",
        }
    }

    /// Reads a code.
    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code.trim())
    }

    /// The stage of a household.
    pub fn of(h: &Household) -> Stage {
        h.milestones
            .latest()
            .map_or(Stage::Pending, |(m, _)| Stage::At(m))
    }

    fn condition(self) -> &'static str {
        match self {
            Stage::Pending => "h.signed_on IS NULL",
            Stage::At(Milestone::Signed) => "h.signed_on IS NOT NULL AND h.vacated_on IS NULL",
            Stage::At(Milestone::Vacated) => "h.vacated_on IS NOT NULL AND h.demolished_on IS NULL",
            Stage::At(Milestone::Demolished) => {
                "h.demolished_on IS NOT NULL AND h.cleared_on IS NULL"
            }
            Stage::At(Milestone::Cleared) => "h.cleared_on IS NOT NULL",
        }
    }
}

/// Orders of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HouseholdSort {
    /// By household code.
    #[default]
    Code,
    /// By head's name.
    Name,
    /// By village and group.
    Village,
    /// By progress.
    Stage,
    /// By group and responsible person.
    Person,
}

impl HouseholdSort {
    /// Every order, for the column headers.
    pub const ALL: [HouseholdSort; 5] = [
        HouseholdSort::Code,
        HouseholdSort::Name,
        HouseholdSort::Village,
        HouseholdSort::Stage,
        HouseholdSort::Person,
    ];

    /// The code used in URLs.
    pub fn code(self) -> &'static str {
        match self {
            HouseholdSort::Code => "code",
            HouseholdSort::Name => "name",
            HouseholdSort::Village => "village",
            HouseholdSort::Stage => "stage",
            HouseholdSort::Person => "person",
        }
    }

    /// Reads a code; unknown codes give the default order.
    pub fn parse(code: &str) -> HouseholdSort {
        HouseholdSort::ALL
            .into_iter()
            .find(|s| s.code() == code.trim())
            .unwrap_or_default()
    }

    fn keys(self) -> &'static [&'static str] {
        match self {
            HouseholdSort::Code => &["h.code"],
            HouseholdSort::Name => &["h.head_name", "h.code"],
            HouseholdSort::Village => &["h.village", "h.village_group", "h.code"],
            HouseholdSort::Stage => &[
                "(CASE WHEN h.cleared_on IS NOT NULL THEN 4 WHEN h.demolished_on IS NOT NULL THEN 3 \
                  WHEN h.vacated_on IS NOT NULL THEN 2 WHEN h.signed_on IS NOT NULL THEN 1 ELSE 0 END)",
                "h.code",
            ],
            HouseholdSort::Person => &["COALESCE(h.team_id, 0)", "ps.name", "h.code"],
        }
    }
}

/// Search and filters of the list; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct HouseholdFilter {
    /// Part of the code, head's name, village or mobile.
    pub search: Option<String>,
    /// Residential or enterprise.
    pub kind: Option<HouseholdKind>,
    /// Exact village.
    pub village: Option<String>,
    /// Assigned group; `Some(0)` for unassigned households.
    pub team_id: Option<i64>,
    /// Assigned person.
    pub person_id: Option<i64>,
    /// Progress.
    pub stage: Option<Stage>,
    /// Only difficult cases (or only the others).
    pub difficult: Option<bool>,
    /// Living in town (or elsewhere).
    pub in_town: Option<bool>,
    /// Order.
    pub sort: HouseholdSort,
    /// Reverse order.
    pub descending: bool,
}

/// A household in a list, with the names of its group and responsible person.
#[derive(Debug, Clone)]
pub struct HouseholdRow {
    /// The household.
    pub household: Household,
    /// Its group's name.
    pub team_name: Option<String>,
    /// Its responsible person's name.
    pub person_name: Option<String>,
}

/// A page of a project's households visible in `scope`, with the number matching.
pub async fn list(
    db: &Db,
    scope: &Scope,
    project_id: i64,
    f: &HouseholdFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<HouseholdRow>, i64)> {
    let stage = f.stage.map_or("1 = 1", Stage::condition);
    let filter = format!(
        "h.project_id = $1 AND ($2 IS NULL OR h.team_id = $2)
         AND ($3 IS NULL OR h.code LIKE $3 ESCAPE '\\' OR h.head_name LIKE $3 ESCAPE '\\'
              OR h.village LIKE $3 ESCAPE '\\' OR h.mobile LIKE $3 ESCAPE '\\')
         AND ($4 IS NULL OR h.kind = $4) AND ($5 IS NULL OR h.village = $5)
         AND ($6 IS NULL OR COALESCE(h.team_id, 0) = $6) AND ($7 IS NULL OR h.person_id = $7)
         AND ($8 IS NULL OR h.difficult = $8) AND ($9 IS NULL OR h.in_town = $9)
         AND {stage}"
    );
    let order: Vec<String> = f
        .sort
        .keys()
        .iter()
        .map(|k| {
            if f.descending {
                format!("{k} DESC")
            } else {
                (*k).to_string()
            }
        })
        .collect();
    let sql = format!(
        "SELECT {COLUMNS}, t.name AS team_name, ps.name AS person_name
         FROM relocation_households h
         LEFT JOIN relocation_teams t ON t.id = h.team_id
         LEFT JOIN relocation_persons ps ON ps.id = h.person_id
         WHERE {filter} ORDER BY {} LIMIT $10 OFFSET $11",
        order.join(", ")
    );
    let count_sql = format!("SELECT COUNT(*) FROM relocation_households h WHERE {filter}");
    let search = like_pattern(f.search.as_deref());
    let village = f
        .village
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let (rows, total) = on_pool!(db, |p| {
        macro_rules! bind_filter {
            ($q:expr) => {
                $q.bind(project_id)
                    .bind(scope.team())
                    .bind(&search)
                    .bind(f.kind.map(|k| k.code()))
                    .bind(village)
                    .bind(f.team_id)
                    .bind(f.person_id)
                    .bind(f.difficult)
                    .bind(f.in_town)
            };
        }
        let raw = bind_filter!(sqlx::query(crate::dynamic(&sql)))
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?;
        let mut rows = Vec::with_capacity(raw.len());
        for r in &raw {
            let team_name: Option<String> = r.try_get("team_name")?;
            let person_name: Option<String> = r.try_get("person_name")?;
            rows.push((HouseholdDbRow::from_row(r)?, team_name, person_name));
        }
        let total: i64 = bind_filter!(sqlx::query_scalar(crate::dynamic(&count_sql)))
            .fetch_one(p)
            .await?;
        (rows, total)
    });
    let rows = rows
        .into_iter()
        .map(|(h, team_name, person_name)| {
            Ok(HouseholdRow {
                household: h.into_household()?,
                team_name,
                person_name,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok((rows, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_and_sort_codes_round_trip() {
        domain::testing::assert_reads_back(&Stage::ALL, |s| Stage::parse(s.code()));
        domain::testing::assert_reads_back(&HouseholdSort::ALL, |s| {
            Some(HouseholdSort::parse(s.code()))
        });
        assert_eq!(HouseholdSort::parse("nonsense"), HouseholdSort::Code);
    }
}
