//! Care for the households (群众关怀) through the web: temporary housing (过渡安置) and
//! care actions (help with moving, harvesting crops 青苗, other help) recorded and corrected
//! on the household page by whoever may change relocation records, and the project's list
//! of households in temporary housing as a spreadsheet, those past their until-date
//! flagged.

use super::projects::ScopedProject;
use super::records::{household_page, on_household};
use crate::error::AppError;
use crate::form::{self, Form};
use crate::pages::Keyed;
use crate::state::AppState;
use axum::response::Response;
use chrono::NaiveDate;
use domain::platform::time::today_local;
use domain::relocation::{CareKind, TemporaryHousing};
use serde::Deserialize;
use store::relocation::care::{self, CareAction, Stay};

/// What the household page shows of care.
pub struct CareView {
    /// Stays in temporary housing, latest first.
    pub stays: Vec<Stay>,
    /// Care actions, latest first.
    pub actions: Vec<CareAction>,
    /// The kinds offered in the form.
    pub kinds: &'static [CareKind],
    /// Today, to flag stays past their until-date.
    pub today: NaiveDate,
}

/// A household's care records for its page.
pub async fn of_household(state: &AppState, household_id: i64) -> Result<CareView, AppError> {
    Ok(CareView {
        stays: care::stays(&state.db, household_id).await?,
        actions: care::actions(&state.db, household_id).await?,
        kinds: CareKind::ALL,
        today: today_local(),
    })
}

/// The temporary housing form (new stay, or correcting one).
#[derive(Deserialize)]
pub struct StayForm {
    #[serde(default, deserialize_with = "form::text")]
    place: Option<String>,
    #[serde(default, deserialize_with = "form::date")]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "form::date")]
    until: Option<NaiveDate>,
    #[serde(default, deserialize_with = "form::text")]
    months: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    note: Option<String>,
    /// The household (for correcting a stay: the way back).
    #[serde(default, deserialize_with = "form::id")]
    household: Option<i64>,
}

impl StayForm {
    fn housing(&self) -> Result<TemporaryHousing, AppError> {
        let missing = |what: &str| AppError::BadRequest(format!("请填写{what}"));
        let months = match self.months.as_deref() {
            None => 0,
            Some(m) => m
                .parse()
                .map_err(|_| AppError::BadRequest(format!("过渡补助月数不正确：{m}")))?,
        };
        Ok(TemporaryHousing::new(
            self.place.as_deref().unwrap_or_default(),
            self.from.ok_or_else(|| missing("过渡开始日期"))?,
            self.until.ok_or_else(|| missing("过渡截止日期"))?,
            months,
        )
        .map_err(store::StoreError::from)?)
    }
}

/// Records a stay in temporary housing.
pub async fn add_stay(post: Keyed, Form(f): Form<StayForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let housing = f.housing()?;
        let note = f.note.as_deref().unwrap_or_default();
        care::save_stay(tx, actor, scope, post.key, None, &housing, note).await?;
        Ok(None)
    })
    .await
}

/// Corrects a stay.
pub async fn update_stay(post: Keyed, Form(f): Form<StayForm>) -> Response {
    let household = f.household.unwrap_or_default();
    post.relocation_change(&household_page(household), async |tx, actor, scope| {
        let housing = f.housing()?;
        let note = f.note.as_deref().unwrap_or_default();
        care::save_stay(tx, actor, scope, household, Some(post.key), &housing, note).await?;
        Ok(None)
    })
    .await
}

/// Which household a record belongs to, for the way back.
#[derive(Deserialize)]
pub struct BackForm {
    #[serde(default, deserialize_with = "form::id")]
    household: Option<i64>,
}

fn back(f: &BackForm) -> String {
    f.household
        .map_or_else(|| "/relocation/".to_string(), household_page)
}

/// Removes a stay recorded by mistake.
pub async fn remove_stay(post: Keyed, Form(f): Form<BackForm>) -> Response {
    post.relocation_change(&back(&f), async |tx, actor, scope| {
        care::remove_stay(tx, actor, scope, post.key).await?;
        Ok(None)
    })
    .await
}

/// The care action form.
#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default, deserialize_with = "form::parsed")]
    kind: Option<CareKind>,
    #[serde(default, deserialize_with = "form::date")]
    on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "form::text")]
    helpers: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    note: Option<String>,
}

/// Records a care action (today when no day is given).
pub async fn add_action(post: Keyed, Form(f): Form<ActionForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let today = today_local();
        care::add_action(
            tx,
            actor,
            scope,
            post.key,
            f.kind.unwrap_or(CareKind::Other),
            f.on.unwrap_or(today),
            f.helpers.as_deref().unwrap_or_default(),
            f.note.as_deref().unwrap_or_default(),
            today,
        )
        .await?;
        Ok(None)
    })
    .await
}

/// Removes a care action recorded by mistake.
pub async fn remove_action(post: Keyed, Form(f): Form<BackForm>) -> Response {
    post.relocation_change(&back(&f), async |tx, actor, scope| {
        care::remove_action(tx, actor, scope, post.key).await?;
        Ok(None)
    })
    .await
}

/// `/relocation/projects/{code}/temporary-housing.xlsx`: the households of the project in
/// temporary housing with their until-dates, those past it flagged (已超期).
pub async fn export(ScopedProject(at, scope, p): ScopedProject) -> Result<Response, AppError> {
    let today = today_local();
    let rows: Vec<Vec<String>> = care::project_stays(&at.state.db, &scope, p.id)
        .await?
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let h = &s.stay.housing;
            vec![
                (i + 1).to_string(),
                s.code,
                s.head_name,
                h.place.clone(),
                h.from.to_string(),
                h.until.to_string(),
                h.subsidy_months.to_string(),
                if s.stay.overdue(today) {
                    "已超期".to_string()
                } else {
                    String::new()
                },
                s.stay.note.clone(),
            ]
        })
        .collect();
    super::xlsx(
        &format!("{}-过渡安置.xlsx", p.code),
        &format!("{} 过渡安置户名单（{today}）", p.name),
        &[
            "序号",
            "户编号",
            "户主",
            "过渡地点",
            "开始日期",
            "截止日期",
            "补助月数",
            "超期",
            "备注",
        ],
        &rows,
    )
}
