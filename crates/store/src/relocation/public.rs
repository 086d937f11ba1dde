//! What the headquarters posts publicly (公示): every household's compensation items and
//! amounts, and the order in which households choose resettlement flats. Heads' names are
//! masked (enterprises keep theirs: it is public); nothing else personal is shown.

use super::choosing::{self, Session};
use super::compensation::FrozenInputs;
use super::households::{HouseholdFilter, HouseholdRow, list};
use super::projects::Project;
use super::{Scope, agreements, appraisals, buildings, standards};
use crate::db::Conn;
use crate::db::Db;
use crate::error::StoreResult;
use crate::on_pool;
use domain::platform::Fen;
use domain::relocation::household::public_head_name;
use domain::relocation::{ChoosingPosition, CompensationSheet, HouseholdKind};
use std::collections::HashMap;

/// One household on the compensation posting.
#[derive(Debug, Clone)]
pub struct PostedHousehold {
    /// Household code.
    pub code: String,
    /// Residential or enterprise.
    pub kind: HouseholdKind,
    /// Masked head name (enterprise names shown).
    pub head_name: String,
    /// The standard version the amounts are computed on.
    pub standard_version: Option<i64>,
    /// Fixed in a signed agreement (otherwise a computation on the standard in force).
    pub signed: bool,
    /// The items and total, or why they cannot be computed yet.
    pub sheet: Result<CompensationSheet, String>,
    /// Buildings not yet verified and so not yet on the sheet.
    pub pending_buildings: usize,
}

/// The compensation posting of a project.
#[derive(Debug, Clone)]
pub struct CompensationPosting {
    /// The standard in force, if published.
    pub standard_version: Option<i64>,
    /// Every household, by code.
    pub households: Vec<PostedHousehold>,
    /// Sum of the computable totals.
    pub total: Fen,
}

/// Every household of the project, whatever any scope: postings are public.
async fn every_household(db: &Db, project: &Project) -> StoreResult<Vec<HouseholdRow>> {
    let (rows, _) = list(
        db,
        &Scope::All,
        project.id,
        &HouseholdFilter::default(),
        i64::MAX,
        0,
    )
    .await?;
    Ok(rows)
}

/// Every household's items and amounts: signed ones from their agreements, the others
/// computed now on the standard in force from verified records.
pub async fn compensation_posting(db: &Db, project: &Project) -> StoreResult<CompensationPosting> {
    let rows = every_household(db, project).await?;
    let mut conn = Conn::Pool(db);
    let standard = standards::published(&mut conn, project.id).await?;
    let mut signed: HashMap<i64, agreements::Agreement> =
        agreements::of_project(&mut conn, project.id)
            .await?
            .into_iter()
            .map(|a| (a.household_id, a))
            .collect();
    let mut bs: HashMap<i64, Vec<buildings::BuildingRecord>> = HashMap::new();
    for b in buildings::of_project(&mut conn, project.id).await? {
        bs.entry(b.household_id).or_default().push(b);
    }
    let mut items: HashMap<i64, Vec<appraisals::Appraisal>> = HashMap::new();
    for a in appraisals::of_project(&mut conn, project.id).await? {
        items.entry(a.household_id).or_default().push(a);
    }
    let counts: Vec<(i64, i64)> = on_pool!(db, |p| sqlx::query_as(
        "SELECT m.household_id, COUNT(*) FROM relocation_members m
         JOIN relocation_households h ON h.id = m.household_id WHERE h.project_id = $1
         GROUP BY m.household_id"
    )
    .bind(project.id)
    .fetch_all(p)
    .await?);
    let members: HashMap<i64, i64> = counts.into_iter().collect();

    let mut households = Vec::with_capacity(rows.len());
    let mut total = Fen::ZERO;
    for row in rows {
        let h = row.household;
        let head_name = public_head_name(h.kind, &h.head_name);
        let posted = if let Some(a) = signed.remove(&h.id) {
            PostedHousehold {
                code: h.code,
                kind: h.kind,
                head_name,
                standard_version: Some(a.standard_version),
                signed: true,
                sheet: Ok(a.sheet),
                pending_buildings: 0,
            }
        } else {
            let all = bs.remove(&h.id).unwrap_or_default();
            let pending = all.iter().filter(|b| !b.is_verified()).count();
            let frozen = FrozenInputs {
                buildings: all
                    .into_iter()
                    .filter(|b| b.is_verified())
                    .map(|b| domain::relocation::BuildingForCompensation {
                        label: b.certificate_no,
                        building: b.building,
                    })
                    .collect(),
                appraisals: items
                    .remove(&h.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| a.item)
                    .collect(),
                resettled_persons: match h.kind {
                    HouseholdKind::Residential => {
                        u32::try_from(members.get(&h.id).copied().unwrap_or(0)).unwrap_or(u32::MAX)
                    }
                    HouseholdKind::Enterprise => 0,
                },
            };
            let sheet = match &standard {
                Some(s) => frozen
                    .compute(&s.standard, None, None)
                    .map_err(|e| e.to_string()),
                None => Err("补偿标准尚未公布".to_string()),
            };
            PostedHousehold {
                code: h.code,
                kind: h.kind,
                head_name,
                standard_version: standard.as_ref().map(|s| s.version),
                signed: false,
                sheet,
                pending_buildings: pending,
            }
        };
        if let Ok(s) = &posted.sheet {
            total = total.checked_add(s.total).unwrap_or(total);
        }
        households.push(posted);
    }
    Ok(CompensationPosting {
        standard_version: standard.map(|s| s.version),
        households,
        total,
    })
}

/// One place in the published choosing order, with the masked head name.
#[derive(Debug, Clone)]
pub struct OrderLine {
    /// Position, code and moments.
    pub position: ChoosingPosition,
    /// Masked head name.
    pub head_name: String,
    /// The flat chosen, once chosen.
    pub flat_code: Option<String>,
}

/// The published choosing order (先签约且腾空者先选房) of a project's property-exchange
/// households, with the session's commitment (and seed once revealed).
pub async fn choosing_order_of(
    conn: impl Into<Conn<'_>>,
    project: &Project,
) -> StoreResult<(Option<Session>, Vec<OrderLine>)> {
    let series = choosing::series(conn, project.id).await?;
    let lines = series
        .lines
        .into_iter()
        .map(|l| OrderLine {
            head_name: public_head_name(l.kind, &l.head_name),
            flat_code: l.flat_code,
            position: l.position,
        })
        .collect();
    Ok((series.session, lines))
}

/// What a project's public page says about its scope: how many households and enterprises
/// it takes, and in which villages.
#[derive(Debug, Clone, Default)]
pub struct ProjectScope {
    /// Households (enterprises included).
    pub households: i64,
    /// Of which enterprises.
    pub enterprises: i64,
    /// The villages its households belong to.
    pub villages: Vec<String>,
}

/// The scope of a project, counted from its households.
pub async fn project_scope(
    conn: impl Into<Conn<'_>>,
    project_id: i64,
) -> StoreResult<ProjectScope> {
    let mut conn = conn.into();
    let counts: (i64, i64) = crate::on_conn!(&mut conn, |c| {
        sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN kind = 'enterprise' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM relocation_households WHERE project_id = $1"
    )
    .bind(project_id)
    .fetch_one(&mut *c)
    .await?
    });
    let villages: Vec<String> = crate::on_conn!(&mut conn, |c| {
        sqlx::query_scalar(
        "SELECT DISTINCT village FROM relocation_households WHERE project_id = $1 AND village <> ''
         ORDER BY village"
    )
    .bind(project_id)
    .fetch_all(&mut *c)
    .await?
    });
    Ok(ProjectScope {
        households: counts.0,
        enterprises: counts.1,
        villages,
    })
}
