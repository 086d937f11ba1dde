//! The printable compensation sheet (补偿明细表) of one household: from its agreement
//! once signed, otherwise computed on the standard in force and marked as such.

use super::scope;
use crate::error::AppError;
use crate::pages::{Chrome, Keyed, render};
use askama::Template;
use axum::response::Html;
use domain::platform::Fen;
use domain::relocation::{CompensationOption, HouseholdKind, ReviewStage};
use store::Conn;
use store::relocation::choosing::choices::{self, Choice};
use store::relocation::compensation::{self, SheetSource, SheetView};
use store::relocation::households::{self, Household};
use store::relocation::population;
use store::relocation::projects::{self, Project};

#[derive(Template)]
#[template(path = "relocation/sheet.html")]
struct SheetPage {
    chrome: Chrome,
    p: Project,
    h: Household,
    view: SheetView,
    basis: String,
    /// Set while the resettlement population is not yet confirmed (阳光核定).
    population_note: Option<String>,
    printed_on: String,
    /// Cash or property exchange, once signed.
    option: Option<CompensationOption>,
    /// The flat chosen, whose price difference is a line of the sheet.
    choice: Option<Choice>,
    /// The total less the price difference.
    net: Fen,
}

/// The sheet page, laid out for printing on A4.
pub async fn show(at: Keyed) -> Result<Html<String>, AppError> {
    let scope = scope(&at.state, &at.viewer).await?;
    let h = households::get(&at.state.db, &scope, at.key).await?;
    let p = projects::by_id(&mut Conn::Pool(&at.state.db), h.project_id).await?;
    let view = compensation::sheet(&at.state.db, &h).await?;
    let basis = match &view.source {
        SheetSource::Agreement(a) => format!(
            "已签约（{}），按补偿标准第 {} 版固定于协议",
            a.signed_on, a.standard_version
        ),
        SheetSource::Preview(s) => format!(
            "未签约，按现行补偿标准第 {} 版试算（签约时固定）",
            s.version
        ),
        SheetSource::NoStandard => "补偿标准尚未公布".to_string(),
    };
    // The transition subsidy is paid per confirmed person; until the posting workflow
    // confirms the household's population, the sheet says the count is provisional.
    let population_note = match h.kind {
        HouseholdKind::Enterprise => None,
        HouseholdKind::Residential => {
            let review = population::of_household(&at.state.db, h.id).await?;
            match review.stage() {
                ReviewStage::Confirmed { .. } => None,
                stage => Some(format!(
                    "安置人口尚未核定（{}），过渡补助暂按登记人口 {} 人计算",
                    stage.label(),
                    view.resettled_persons
                )),
            }
        }
    };
    let option = match &view.source {
        SheetSource::Agreement(a) => Some(a.option),
        _ => None,
    };
    let choice = choices::of_household(&at.state.db, h.id).await?;
    let total = view.sheet.as_ref().map_or(Fen(0), |s| s.total);
    let net = Fen(total.0 - choice.as_ref().map_or(0, |c| c.excess_price.0));
    render(&SheetPage {
        chrome: Chrome::new(format!("补偿明细表 {}", h.code), &at.viewer),
        option,
        choice,
        net,
        printed_on: domain::platform::time::today_local().to_string(),
        p,
        h,
        view,
        basis,
        population_note,
    })
}
