//! The year's figures of a town's headquarters, as the yearbook reports them, computed
//! from the records: projects by kind, land acquired, households expropriated (and how
//! many are enterprises), floor area demolished, households resettled, and how fast each
//! campaign signed.
//!
//! Definitions, so anyone can recompute them:
//! - **land acquired**: the sum of the projects' land to acquire;
//! - **households expropriated**: households of expropriation projects;
//! - **area demolished**: the *measured* area (测绘面积) of every building of a household of
//!   an expropriation project that has reached the demolished milestone;
//! - **households resettled**: households of resettlement projects that have signed their
//!   resettlement agreement, and the number of projects they belong to;
//! - **campaign days**: from the project's start (or its first signature) to its last
//!   signature, both days counted.

use super::Scope;
use crate::db::Db;
use crate::error::StoreResult;
use crate::on_pool;
use chrono::NaiveDate;
use domain::platform::{Mu, SquareMetres};
use serde::Serialize;

/// One project's signing campaign.
#[derive(Debug, Clone, Serialize)]
pub struct Campaign {
    /// Project code.
    pub code: String,
    /// Project name.
    pub name: String,
    /// Households.
    pub households: i64,
    /// Households signed.
    pub signed: i64,
    /// Start of the campaign.
    pub started_on: Option<NaiveDate>,
    /// Last signature.
    pub last_signed_on: Option<NaiveDate>,
    /// Days from start to last signature, inclusive; `None` while not all have signed.
    pub days_to_clear: Option<i64>,
}

/// The year's figures.
#[derive(Debug, Clone, Serialize)]
pub struct YearSummary {
    /// The year.
    pub year: i32,
    /// Expropriation projects.
    pub expropriation_projects: i64,
    /// Resettlement projects.
    pub resettlement_projects: i64,
    /// Land acquired.
    pub land: Mu,
    /// Households expropriated.
    pub expropriated_households: i64,
    /// Of which enterprises.
    pub enterprises: i64,
    /// Floor area demolished.
    pub demolished_area: SquareMetres,
    /// Households resettled: those of the year's resettlement projects holding a chosen
    /// flat.
    pub resettled_households: i64,
    /// Resettlement projects with resettled households.
    pub resettlement_projects_used: i64,
    /// Expropriation campaigns, by code.
    pub campaigns: Vec<Campaign>,
}

/// The figures of `year` for the projects the scope sees.
pub async fn year_summary(db: &Db, scope: &Scope, year: i32) -> StoreResult<YearSummary> {
    let projects = "SELECT id FROM relocation_projects WHERE year = $1
        AND ($2 IS NULL OR town = $2) AND ($3 IS NULL OR id = $3)";
    let kinds_sql = "SELECT kind, COUNT(*), CAST(COALESCE(SUM(land_mu), 0) AS BIGINT)
        FROM relocation_projects WHERE year = $1 AND ($2 IS NULL OR town = $2) AND ($3 IS NULL OR id = $3)
        GROUP BY kind";
    let households_sql = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN h.kind = 'enterprise' THEN 1 ELSE 0 END), 0) AS BIGINT)
         FROM relocation_households h JOIN relocation_projects p ON p.id = h.project_id
         WHERE p.kind = 'expropriation' AND p.id IN ({projects})"
    );
    let area_sql = format!(
        "SELECT CAST(COALESCE(SUM(b.measured_area), 0) AS BIGINT) FROM relocation_buildings b
         JOIN relocation_households h ON h.id = b.household_id
         JOIN relocation_projects p ON p.id = h.project_id
         WHERE p.kind = 'expropriation' AND h.demolished_on IS NOT NULL AND p.id IN ({projects})"
    );
    // Resettled: households of the year's resettlement projects holding a flat.
    let resettled_sql = format!(
        "SELECT COUNT(*), COUNT(DISTINCT h.project_id) FROM relocation_choices c
         JOIN relocation_households h ON h.id = c.household_id
         JOIN relocation_projects p ON p.id = h.project_id
         WHERE c.voided_at IS NULL AND p.kind = 'resettlement' AND p.id IN ({projects})"
    );
    let campaigns_sql = format!(
        "SELECT p.code, p.name, p.started_on, COUNT(h.id), COUNT(h.signed_on), MIN(h.signed_on), MAX(h.signed_on)
         FROM relocation_projects p JOIN relocation_households h ON h.project_id = p.id
         WHERE p.kind = 'expropriation' AND p.id IN ({projects})
         GROUP BY p.code, p.name, p.started_on ORDER BY p.code"
    );
    type CampaignRow = (
        String,
        String,
        Option<String>,
        i64,
        i64,
        Option<String>,
        Option<String>,
    );
    let (town, project) = (scope.town(), scope.project());
    let (kinds, (households, enterprises), area, (resettled, used), campaigns) =
        on_pool!(db, |p| {
            macro_rules! scoped {
                ($sql:expr) => {
                    sqlx::query_as(crate::dynamic($sql))
                        .bind(i64::from(year))
                        .bind(&town)
                        .bind(project)
                };
            }
            let kinds: Vec<(String, i64, i64)> = scoped!(kinds_sql).fetch_all(p).await?;
            let households: (i64, i64) = scoped!(&households_sql).fetch_one(p).await?;
            let area: (i64,) = scoped!(&area_sql).fetch_one(p).await?;
            let resettled: (i64, i64) = scoped!(&resettled_sql).fetch_one(p).await?;
            let campaigns: Vec<CampaignRow> = scoped!(&campaigns_sql).fetch_all(p).await?;
            (kinds, households, area.0, resettled, campaigns)
        });
    let kind = |k: &str| {
        kinds
            .iter()
            .find(|r| r.0 == k)
            .map_or((0, 0), |r| (r.1, r.2))
    };
    let (exp, exp_land) = kind("expropriation");
    let (res, res_land) = kind("resettlement");
    let day = |t: Option<String>| t.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok());
    let campaigns = campaigns
        .into_iter()
        .map(|(code, name, started, households, signed, first, last)| {
            let started_on = day(started).or(day(first));
            let last_signed_on = day(last);
            let days_to_clear = match (started_on, last_signed_on) {
                (Some(s), Some(l)) if signed == households => Some((l - s).num_days() + 1),
                _ => None,
            };
            Campaign {
                code,
                name,
                households,
                signed,
                started_on,
                last_signed_on,
                days_to_clear,
            }
        })
        .collect();
    Ok(YearSummary {
        year,
        expropriation_projects: exp,
        resettlement_projects: res,
        land: Mu(exp_land + res_land),
        expropriated_households: households,
        enterprises,
        demolished_area: SquareMetres(area),
        resettled_households: resettled,
        resettlement_projects_used: used,
        campaigns,
    })
}
