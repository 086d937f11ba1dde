//! Form posts that add to a household's record: members, buildings and their
//! verification, appraisal items, milestones and visits. Each runs in one transaction with
//! its audit entry; milestones and visits also tell the live wall.

use super::required_date;
use crate::error::AppError;
use crate::form::Form;
use crate::pages::Keyed;
use axum::response::Response;
use chrono::Utc;
use domain::platform::{Fen, ResidentId, SquareMetres};
use domain::relocation::{
    AppraisalItem, AppraisalKind, Attitude, BuildingStructure, CompensationOption, Milestone,
    VisitMode,
};
use serde::Deserialize;
use store::Tx;
use store::relocation::Scope;
use store::relocation::buildings::BuildingFields;
use store::relocation::worklog::VisitFields;
use store::relocation::{appraisals, buildings, members, milestones, worklog};

/// A household's page: where its forms return.
pub(crate) fn household_page(id: i64) -> String {
    format!("/relocation/households/{id}")
}

/// Runs `work` as one change of the household the post names, returning to its page.
pub(crate) async fn on_household<F>(post: &Keyed, work: F) -> Response
where
    F: AsyncFnOnce(&mut Tx, &str, &Scope) -> Result<Option<i64>, AppError>,
{
    post.relocation_change(&household_page(post.key), work)
        .await
}

/// The member form.
#[derive(Deserialize)]
pub struct MemberForm {
    name: String,
    resident_id: String,
    relation: String,
}

/// Registers a member.
pub async fn add_member(post: Keyed, Form(f): Form<MemberForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let rid =
            ResidentId::parse(&f.resident_id).map_err(|e| AppError::BadRequest(e.to_string()))?;
        members::upsert(tx, actor, scope, post.key, &f.name, &rid, &f.relation).await?;
        Ok(None)
    })
    .await
}

/// Which household a member, building or action belongs to, for the way back.
#[derive(Deserialize)]
pub struct BackForm {
    #[serde(default)]
    household: String,
}

/// Removes a member registered by mistake.
pub async fn remove_member(at: Keyed, Form(f): Form<BackForm>) -> Response {
    let back = super::form_id(&f.household)
        .ok()
        .flatten()
        .map_or_else(|| "/relocation/".to_string(), household_page);
    at.relocation_change(&back, async |tx, actor, scope| {
        members::remove(tx, actor, scope, at.key).await?;
        Ok(None)
    })
    .await
}

/// The building form.
#[derive(Deserialize)]
pub struct BuildingForm {
    certificate_no: String,
    #[serde(default)]
    approvals: String,
    structure: String,
    measured: String,
    legal: String,
}

/// Registers (or corrects) a building.
pub async fn add_building(post: Keyed, Form(f): Form<BuildingForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let bad = |m: String| AppError::BadRequest(m);
        let fields = BuildingFields {
            certificate_no: f.certificate_no.clone(),
            approvals: f.approvals.clone(),
            structure: BuildingStructure::parse(&f.structure).map_err(|e| bad(e.to_string()))?,
            measured: SquareMetres::parse(&f.measured)
                .map_err(|e| bad(format!("测绘面积：{e}")))?,
            legal: SquareMetres::parse(&f.legal).map_err(|e| bad(format!("合法面积：{e}")))?,
        };
        buildings::upsert(tx, actor, scope, post.key, &fields).await?;
        Ok(None)
    })
    .await
}

/// Title verification confirms a building's figures.
pub async fn verify_building(at: Keyed) -> Response {
    let owner = store::relocation::buildings::household_of(&at.state.db, at.key)
        .await
        .ok()
        .flatten();
    let back = owner.map_or_else(|| "/relocation/".to_string(), household_page);
    at.relocation_change(&back, async |tx, actor, scope| {
        buildings::verify(tx, actor, scope, at.key).await?;
        Ok(None)
    })
    .await
}

/// The appraisal form.
#[derive(Deserialize)]
pub struct AppraisalForm {
    kind: String,
    item: String,
    amount: String,
    #[serde(default)]
    appraiser: String,
}

/// Registers (or corrects) an appraisal item.
pub async fn add_appraisal(post: Keyed, Form(f): Form<AppraisalForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let item = AppraisalItem {
            kind: AppraisalKind::parse(&f.kind)
                .ok_or_else(|| AppError::BadRequest("评估类别不正确".into()))?,
            description: f.item.clone(),
            amount: Fen::parse_yuan(&f.amount).map_err(|e| AppError::BadRequest(e.to_string()))?,
        };
        appraisals::upsert(tx, actor, scope, post.key, &item, &f.appraiser).await?;
        Ok(None)
    })
    .await
}

/// The milestone form: which, on which day, and for a signing the option taken. No time
/// is typed: the moment that decides the choosing order is the server's record time (a
/// day entered later counts at its end; see `domain::relocation::choosing_order`).
#[derive(Deserialize)]
pub struct MilestoneForm {
    milestone: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    option: String,
}

fn milestone_of(code: &str) -> Result<Milestone, AppError> {
    Milestone::parse(code).ok_or_else(|| AppError::BadRequest(format!("未知节点：{code}")))
}

/// Records a milestone; the order is enforced by the store (no vacating before signing).
pub async fn record_milestone(post: Keyed, Form(f): Form<MilestoneForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let m = milestone_of(&f.milestone)?;
        let on = required_date(&f.on, &format!("{}日期", m.label()))?;
        let option = match f.option.trim() {
            "" => CompensationOption::Cash,
            o => CompensationOption::parse(o)
                .ok_or_else(|| AppError::BadRequest(format!("未知补偿方式：{o}")))?,
        };
        let h = milestones::record(tx, actor, scope, post.key, m, on, Utc::now(), option).await?;
        Ok(Some(h.project_id))
    })
    .await
}

/// Undoes the latest milestone.
pub async fn undo_milestone(post: Keyed, Form(f): Form<MilestoneForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let h = milestones::undo(tx, actor, scope, post.key, milestone_of(&f.milestone)?).await?;
        Ok(Some(h.project_id))
    })
    .await
}

/// The visit form.
#[derive(Deserialize)]
pub struct VisitForm {
    visited_on: String,
    mode: String,
    #[serde(default)]
    place: String,
    visitors: String,
    attitude: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    next_step: String,
}

/// Logs a visit or call.
pub async fn add_visit(post: Keyed, Form(f): Form<VisitForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let bad = |m: &str| AppError::BadRequest(m.to_string());
        let fields = VisitFields {
            visited_on: required_date(&f.visited_on, "走访日期")?,
            mode: VisitMode::parse(&f.mode).ok_or_else(|| bad("走访方式不正确"))?,
            place: f.place.clone(),
            visitors: f.visitors.clone(),
            attitude: Attitude::parse(&f.attitude).ok_or_else(|| bad("态度不正确"))?,
            notes: f.notes.clone(),
            next_step: f.next_step.clone(),
        };
        worklog::add(tx, actor, scope, post.key, &fields).await?;
        let project = store::relocation::households::get(&mut *tx, scope, post.key)
            .await?
            .project_id;
        Ok(Some(project))
    })
    .await
}
