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
use store::relocation::households::Household;
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

/// The building form, also the body of the API's building.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct BuildingForm {
    /// 权证号（无证房屋写测绘编号，如“无证1”）.
    certificate_no: String,
    /// 规划审批等文件.
    #[serde(default)]
    approvals: String,
    /// 结构（代码或名称：frame 框架、brick_concrete 砖混、brick_wood 砖木、simple 简易）.
    structure: String,
    /// 测绘面积（平方米，文字，如 "120.50"）.
    measured: String,
    /// 合法面积（平方米，文字）.
    legal: String,
}

impl BuildingForm {
    /// The building's figures, checked: the one rule for the page and the API.
    pub(crate) fn fields(&self) -> Result<BuildingFields, AppError> {
        let bad = |m: String| AppError::BadRequest(m);
        Ok(BuildingFields {
            certificate_no: self.certificate_no.clone(),
            approvals: self.approvals.clone(),
            // The page's select sends the word; an integration may send the code.
            structure: match BuildingStructure::from_code(self.structure.trim()) {
                Some(s) => s,
                None => {
                    BuildingStructure::parse(&self.structure).map_err(|e| bad(e.to_string()))?
                }
            },
            measured: SquareMetres::parse(&self.measured)
                .map_err(|e| bad(format!("测绘面积：{e}")))?,
            legal: SquareMetres::parse(&self.legal).map_err(|e| bad(format!("合法面积：{e}")))?,
        })
    }
}

/// Registers (or corrects) a building.
pub async fn add_building(post: Keyed, Form(f): Form<BuildingForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        buildings::upsert(tx, actor, scope, post.key, &f.fields()?).await?;
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
/// day entered later counts at its end; see `domain::relocation::choosing_order`). Also
/// the body of the API's milestones.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct MilestoneForm {
    /// 节点（signed 签约 / vacated 腾空 / demolished 拆除 …，代码）.
    milestone: String,
    /// 日期（2019-06-01）.
    #[serde(default)]
    on: String,
    /// 签约时的补偿方式（代码；空为货币补偿）.
    #[serde(default)]
    option: String,
}

impl MilestoneForm {
    fn milestone(&self) -> Result<Milestone, AppError> {
        let code = &self.milestone;
        Milestone::parse(code).ok_or_else(|| AppError::BadRequest(format!("未知节点：{code}")))
    }

    /// Records the milestone for `household`; the order is enforced by the store (no
    /// vacating before signing). The one rule for the page and the API.
    pub(crate) async fn record(
        &self,
        tx: &mut Tx,
        actor: &str,
        scope: &Scope,
        household: i64,
    ) -> Result<Household, AppError> {
        let m = self.milestone()?;
        let on = required_date(&self.on, &format!("{}日期", m.label()))?;
        let option = match self.option.trim() {
            "" => CompensationOption::Cash,
            o => CompensationOption::parse(o)
                .ok_or_else(|| AppError::BadRequest(format!("未知补偿方式：{o}")))?,
        };
        Ok(milestones::record(tx, actor, scope, household, m, on, Utc::now(), option).await?)
    }

    /// Undoes the milestone if it is the latest.
    pub(crate) async fn undo(
        &self,
        tx: &mut Tx,
        actor: &str,
        scope: &Scope,
        household: i64,
    ) -> Result<Household, AppError> {
        Ok(milestones::undo(tx, actor, scope, household, self.milestone()?).await?)
    }
}

/// Records a milestone.
pub async fn record_milestone(post: Keyed, Form(f): Form<MilestoneForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let h = f.record(tx, actor, scope, post.key).await?;
        Ok(Some(h.project_id))
    })
    .await
}

/// Undoes the latest milestone.
pub async fn undo_milestone(post: Keyed, Form(f): Form<MilestoneForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let h = f.undo(tx, actor, scope, post.key).await?;
        Ok(Some(h.project_id))
    })
    .await
}

/// The visit form, also the body of the API's visits.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct VisitForm {
    /// 走访日期.
    visited_on: String,
    /// 方式（代码或名称，如 on_site 上门走访 / phone 电话联系）.
    mode: String,
    /// 地点.
    #[serde(default)]
    place: String,
    /// 走访人.
    visitors: String,
    /// 态度（代码或名称）.
    attitude: String,
    /// 谈话内容.
    #[serde(default)]
    notes: String,
    /// 下一步.
    #[serde(default)]
    next_step: String,
}

impl VisitForm {
    /// Logs the visit to `household`: the one rule for the page and the API. The visit's
    /// id and the household's project (whose wall it changes).
    pub(crate) async fn add(
        &self,
        tx: &mut Tx,
        actor: &str,
        scope: &Scope,
        household: i64,
    ) -> Result<(i64, i64), AppError> {
        let bad = |m: &str| AppError::BadRequest(m.to_string());
        let fields = VisitFields {
            visited_on: required_date(&self.visited_on, "走访日期")?,
            mode: VisitMode::parse(&self.mode).ok_or_else(|| bad("走访方式不正确"))?,
            place: self.place.clone(),
            visitors: self.visitors.clone(),
            attitude: Attitude::parse(&self.attitude).ok_or_else(|| bad("态度不正确"))?,
            notes: self.notes.clone(),
            next_step: self.next_step.clone(),
        };
        let id = worklog::add(tx, actor, scope, household, &fields).await?;
        let project = store::relocation::households::get(&mut *tx, scope, household)
            .await?
            .project_id;
        Ok((id, project))
    }
}

/// Logs a visit or call.
pub async fn add_visit(post: Keyed, Form(f): Form<VisitForm>) -> Response {
    on_household(&post, async |tx, actor, scope| {
        let (_, project) = f.add(tx, actor, scope, post.key).await?;
        Ok(Some(project))
    })
    .await
}
