//! Pages of the union's facilities, collective contracts, social-responsibility
//! assessments, the township assessment (考核激励) and leader talks. Every page reads
//! through the viewer's [`Scope`](store::union::Scope): township staff see and change only
//! their own township, and anything else answers 404.

mod contracts;
mod facilities;
mod oversight;
mod responsibility;

use crate::access::Access::Roles;
use crate::pages::YearQuery;
use crate::routes::Route;
use crate::routes::roles::{UNION_CITY, UNION_READ, UNION_WRITE};

/// This area's routes, appended to the union module's.
pub fn routes() -> Vec<Route> {
    let (read, write, city) = (Roles(UNION_READ), Roles(UNION_WRITE), Roles(UNION_CITY));
    let mut all = facilities::routes(read, write);
    all.extend(contracts::routes(read, write));
    all.extend(oversight::routes(read, write, city));
    all.extend(responsibility::routes(read, write));
    all.push(crate::routes::get(
        "/api/v1/union/rights/figures",
        read,
        "阵地与集体合同年度数据（JSON）",
        figures_api,
    ));
    all
}

/// The ranking's lines as cells with two columns appended: the township's wage-contract
/// signing rate on 31 December of `year` and its assessment score under the city's weights.
pub(crate) async fn ranking_rows(
    db: &store::Db,
    year: i32,
    ranked: &[domain::union::coverage::RankedTownship],
) -> Result<Vec<Vec<String>>, crate::error::AppError> {
    use domain::union::coverage::format_rate;
    let weights = store::union::oversight::weights(db).await?;
    let on = store::union::contracts::year_end(year)?;
    let signing = store::union::contracts::signing_lines(db, store::union::Scope::City, on).await?;
    Ok(ranked
        .iter()
        .map(|r| {
            let mut cells = store::union::coverage::ranking_cells(r);
            let rate = signing
                .iter()
                .find(|l| l.township.name() == r.coverage.township)
                .map(|l| format_rate(l.rate_bp()))
                .unwrap_or_default();
            cells.push(rate);
            cells.push(domain::union::assessment::format_score(
                weights.score(&r.coverage),
            ));
            cells
        })
        .collect())
}

/// `GET /api/v1/union/rights/figures?year=Y`: the year's facility and contract figures in
/// the caller's scope (what the yearly report prints).
#[utoipa::path(get, path = "/api/v1/union/rights/figures", params(YearQuery),
    responses((status = 200, body = serde_json::Value)), tag = "union")]
pub async fn figures_api(
    at: crate::pages::Asked,
    axum::extract::Query(q): axum::extract::Query<YearQuery>,
) -> Result<axum::Json<serde_json::Value>, crate::error::ApiError> {
    let sc = crate::pages::union::scope(&at.viewer)?;
    let year = crate::pages::union::year(&at.state, q.year.as_deref()).await?;
    let db = &at.state.db;
    Ok(axum::Json(serde_json::json!({
        "year": year,
        "facilities": store::union::facilities::year_figures(db, year, sc).await?,
        "contracts": store::union::contracts::year_figures(db, year, sc).await?,
    })))
}
