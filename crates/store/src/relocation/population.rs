//! Sunshine verification of a household's resettlement population (安置人口阳光核定):
//! initial review, re-review by the policy group, public posting during which anyone may
//! object, confirmation only after the period with every objection resolved.
//!
//! The rules are the domain's [`PopulationReview`]; this module stores its event log and
//! replays it through the same checks on every read, so the database can only hold a
//! review the rules would have produced.

use super::households::{self, HouseholdFilter};
use super::{POPULATION, Scope, day_text, members};
use crate::audit;
use crate::db::Conn;
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use chrono::NaiveDate;
use domain::platform::masking::{mask_id, mask_name};
use domain::relocation::household::public_head_name;
use domain::relocation::posting::Resolution;
use domain::relocation::{PopulationReview, ReviewEvent, ReviewStage};
use std::collections::HashMap;

/// One step a user takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// 初审.
    InitialReview,
    /// 复审 (policy group).
    ReReview,
    /// 公示 from a day for a number of days.
    Post {
        /// First day.
        from: NaiveDate,
        /// Days, both ends included.
        days: u32,
    },
    /// 异议 received (through the hotline, at the posting site …).
    Object {
        /// Who objected (may be empty: anonymous).
        by: String,
        /// What they said.
        content: String,
    },
    /// An objection (0-based index) decided.
    Resolve {
        /// Which.
        index: usize,
        /// Upheld (back to draft) or dismissed with a reason.
        resolution: Resolution,
    },
    /// 认定.
    Confirm,
}

fn stage_code(s: &ReviewStage) -> &'static str {
    match s {
        ReviewStage::Draft => "draft",
        ReviewStage::InitiallyReviewed { .. } => "initially_reviewed",
        ReviewStage::ReReviewed { .. } => "re_reviewed",
        ReviewStage::Posted { .. } => "posted",
        ReviewStage::Confirmed { .. } => "confirmed",
    }
}

fn replay(household_id: i64, events: &str) -> StoreResult<PopulationReview> {
    let events: Vec<ReviewEvent> = serde_json::from_str(events).map_err(|e| {
        StoreError::corrupt(format!(
            "户#{household_id}的安置人口核定记录无法读取（{e}）"
        ))
    })?;
    PopulationReview::replay(&events).map_err(|e| {
        StoreError::corrupt(format!(
            "户#{household_id}的安置人口核定记录不合规则（{e}）"
        ))
    })
}

/// The review of a household (a new draft if none was started).
pub async fn of_household(
    conn: impl Into<Conn<'_>>,
    household_id: i64,
) -> StoreResult<PopulationReview> {
    let mut conn = conn.into();
    let events: Option<String> = query::value(
        &mut conn,
        "SELECT events FROM relocation_population WHERE household_id = $1",
        &[Bind::Int(household_id)],
    )
    .await?;
    match events {
        Some(e) => replay(household_id, &e),
        None => Ok(PopulationReview::new()),
    }
}

/// Takes `step` for a household in the scope, done by `actor` on `today`.
pub async fn apply(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    step: Step,
    today: NaiveDate,
) -> StoreResult<ReviewStage> {
    households::get(&mut *tx, scope, household_id).await?;
    let review = of_household(&mut *tx, household_id).await?;
    let next = match step {
        Step::InitialReview => review.initial_review(actor, today),
        Step::ReReview => review.re_review(actor, today),
        Step::Post { from, days } => review.post(from, days),
        Step::Object { by, content } => review.object(today, &by, &content),
        Step::Resolve { index, resolution } => review.resolve(index, today, actor, resolution),
        Step::Confirm => review.confirm(today),
    }?;
    let events = serde_json::to_string(next.events())
        .map_err(|e| StoreError::Config(format!("核定记录无法保存：{e}")))?;
    let (from, until) = match next.stage() {
        ReviewStage::Posted { from, until } => (Some(day_text(*from)), Some(day_text(*until))),
        _ => (None, None),
    };
    let stage = stage_code(next.stage());
    let existing: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM relocation_population WHERE household_id = $1",
        &[Bind::Int(household_id)],
    )
    .await?;
    audit::upsert(
        tx,
        actor,
        &POPULATION,
        existing,
        audit::UpdateLog::Always(stage),
        async |tx, id| {
            query::execute(
                tx,
                "UPDATE relocation_population SET stage = $1, posted_from = $2, posted_until = $3,
                     events = $4, updated_at = $5 WHERE id = $6",
                &[
                    stage.into(),
                    Bind::from(&from),
                    Bind::from(&until),
                    Bind::from(&events),
                    Bind::from(crate::now_text()),
                    id.into(),
                ],
            )
            .await
        },
        async |tx| {
            query::one(
                tx,
                "INSERT INTO relocation_population (household_id, stage, posted_from, posted_until,
                     events, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    household_id.into(),
                    stage.into(),
                    Bind::from(&from),
                    Bind::from(&until),
                    Bind::from(&events),
                    Bind::from(crate::now_text()),
                ],
            )
            .await
        },
    )
    .await?;
    Ok(next.stage().clone())
}

/// A household's list on the public posting: masked.
#[derive(Debug, Clone)]
pub struct PostedList {
    /// Household code.
    pub code: String,
    /// Masked head name.
    pub head_name: String,
    /// Members: masked name, masked ID, relation.
    pub members: Vec<(String, String, String)>,
    /// Where the review stands (posted or confirmed).
    pub stage: ReviewStage,
    /// Objections lodged and still open.
    pub objections: (usize, usize),
}

/// The lists of a project now posted or confirmed, by household code.
pub async fn posting(db: &Db, project_id: i64) -> StoreResult<Vec<PostedList>> {
    let reviews: Vec<(i64, String)> = crate::on_pool!(db, |p| sqlx::query_as(
        "SELECT r.household_id, r.events FROM relocation_population r
         JOIN relocation_households h ON h.id = r.household_id
         WHERE h.project_id = $1 AND r.stage IN ('posted', 'confirmed')"
    )
    .bind(project_id)
    .fetch_all(p)
    .await?);
    let mut by_household: HashMap<i64, PopulationReview> = HashMap::new();
    for (id, events) in reviews {
        by_household.insert(id, replay(id, &events)?);
    }
    let (rows, _) = households::list(
        db,
        &Scope::All,
        project_id,
        &HouseholdFilter::default(),
        i64::MAX,
        0,
    )
    .await?;
    let mut out = Vec::new();
    for row in rows {
        let h = row.household;
        let Some(review) = by_household.remove(&h.id) else {
            continue;
        };
        let people = members::of_household(&mut Conn::Pool(db), h.id).await?;
        out.push(PostedList {
            head_name: public_head_name(h.kind, &h.head_name),
            members: people
                .into_iter()
                .map(|m| (mask_name(&m.name), mask_id(&m.resident_id), m.relation))
                .collect(),
            stage: review.stage().clone(),
            objections: (review.objections().len(), review.open_objections()),
            code: h.code,
        });
    }
    Ok(out)
}
