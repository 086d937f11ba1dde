//! Sunshine verification of a household's resettlement population (安置人口阳光核定):
//! initial review, re-review by the policy group, public posting during which anyone may
//! object, confirmation only after the period with every objection resolved.
//!
//! The rules are the domain's [`PopulationReview`]; this module stores its event log and
//! replays it through the same checks on every read, so the database can only hold a
//! review the rules would have produced. What the rules cannot know is checked here: the
//! re-reviewer is a member of the project's policy group (综合政策组) linked to the acting
//! account. Each posting freezes the members as they were ([`PostedMember`]); a later
//! change of members starts a change round (成果变更, [`members_changed`]), and the public
//! posting shows the frozen list, never the live one.

use super::households::{self, HouseholdFilter};
use super::{POPULATION, POSTED_LISTS, Scope, day_text, members, objections};
use crate::audit;
use crate::db::Conn;
use crate::db::{Db, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::on_conn;
use crate::on_tx;
use chrono::NaiveDate;
use domain::platform::masking::{mask_id, mask_name};
use domain::relocation::household::public_head_name;
use domain::relocation::posting::Resolution;
use domain::relocation::{
    ObjectionReference, PopulationReview, PostingRecord, ReviewEvent, ReviewStage,
};
use serde::{Deserialize, Serialize};
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
    let events: Option<String> = on_conn!(&mut conn, |c| sqlx::query_scalar(
        "SELECT events FROM relocation_population WHERE household_id = $1"
    )
    .bind(household_id)
    .fetch_optional(&mut *c)
    .await?);
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
    let (stage, _) = take(tx, actor, scope, household_id, step, today, None).await?;
    Ok(stage)
}

/// [`apply`], with the public page's client digest for an objection; an objection gets
/// its reference number, returned.
pub(crate) async fn take(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    step: Step,
    today: NaiveDate,
    client_key: Option<&str>,
) -> StoreResult<(ReviewStage, Option<ObjectionReference>)> {
    let h = households::get(&mut *tx, scope, household_id).await?;
    let review = of_household(&mut *tx, household_id).await?;
    let (postings, objected) = (review.postings().len(), review.objections().len());
    let next = match step {
        Step::InitialReview => review.initial_review(actor, today),
        Step::ReReview => {
            // Two people, the second of the policy group: the domain refuses the same
            // name, the store the account that is not in the group.
            if review.initial_reviewer() == Some(actor) {
                return Err(domain::relocation::ReviewError::SameReviewer.into());
            }
            if !in_policy_group(tx, h.project_id, actor).await? {
                return Err(Refusal::NotInPolicyGroup.into());
            }
            review.re_review(actor, today)
        }
        Step::Post { from, days } => review.post(from, days),
        Step::Object { by, content } => review.object(today, &by, &content),
        Step::Resolve { index, resolution } => review.resolve(index, today, actor, resolution),
        Step::Confirm => review.confirm(today),
    }?;
    save(tx, actor, household_id, &next).await?;
    if next.postings().len() > postings {
        freeze(tx, actor, household_id, &next).await?;
    }
    let reference = if next.objections().len() > objected {
        let index = next.objections().len() - 1;
        Some(objections::register(tx, actor, household_id, index, client_key, today).await?)
    } else {
        None
    };
    Ok((next.stage().clone(), reference))
}

/// Whether `username` is linked to a person of the project's policy group.
async fn in_policy_group(tx: &mut Tx, project_id: i64, username: &str) -> StoreResult<bool> {
    let found: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT pr.id FROM relocation_persons pr
         JOIN relocation_teams t ON t.id = pr.team_id
         JOIN users u ON u.id = pr.user_id
         WHERE t.project_id = $1 AND t.kind = $2 AND u.username = $3 AND u.disabled = FALSE"
    )
    .bind(project_id)
    .bind(domain::relocation::TeamKind::Policy.code())
    .bind(username)
    .fetch_optional(&mut *c)
    .await?);
    Ok(found.is_some())
}

/// The household's members changed (added, updated or removed) on `today`: a reviewed
/// list goes back to draft, a posted or confirmed one into a change round (成果变更).
/// Called by every write of members, in its transaction.
pub(crate) async fn members_changed(
    tx: &mut Tx,
    actor: &str,
    household_id: i64,
    today: NaiveDate,
) -> StoreResult<()> {
    let review = of_household(&mut *tx, household_id).await?;
    let logged = review.events().len();
    let next = review.members_changed(today)?;
    if next.events().len() > logged {
        save(tx, actor, household_id, &next).await?;
    }
    Ok(())
}

/// Writes the review's log and stage, audited.
async fn save(
    tx: &mut Tx,
    actor: &str,
    household_id: i64,
    next: &PopulationReview,
) -> StoreResult<()> {
    let events = serde_json::to_string(next.events())
        .map_err(|e| StoreError::Config(format!("核定记录无法保存：{e}")))?;
    let (from, until) = match next.stage() {
        ReviewStage::Posted { from, until } => (Some(day_text(*from)), Some(day_text(*until))),
        _ => (None, None),
    };
    let stage = stage_code(next.stage());
    let existing: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM relocation_population WHERE household_id = $1"
    )
    .bind(household_id)
    .fetch_optional(&mut *c)
    .await?);
    match existing {
        Some(id) => {
            let change = audit::Change::begin(tx, &POPULATION, id).await?;
            on_tx!(tx, |c| sqlx::query(
                "UPDATE relocation_population SET stage = $1, posted_from = $2, posted_until = $3,
                     events = $4, updated_at = $5 WHERE id = $6"
            )
            .bind(stage)
            .bind(&from)
            .bind(&until)
            .bind(&events)
            .bind(crate::now_text())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ())?);
            change.finish(tx, actor, stage).await?;
        }
        None => {
            let id: i64 = on_tx!(tx, |c| {
                sqlx::query_scalar(
                "INSERT INTO relocation_population (household_id, stage, posted_from, posted_until, events, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
            )
            .bind(household_id)
            .bind(stage)
            .bind(&from)
            .bind(&until)
            .bind(&events)
            .bind(crate::now_text())
            .fetch_one(&mut *c)
            .await?
            });
            audit::record_insert(tx, actor, &POPULATION, id).await?;
        }
    }
    Ok(())
}

/// A member as posted: frozen at posting time, in clear (public pages mask it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedMember {
    /// Name.
    pub name: String,
    /// Resident ID.
    pub resident_id: String,
    /// Relation to the head.
    pub relation: String,
}

impl PostedMember {
    /// Masked name, masked ID and relation, for public pages.
    pub fn masked(&self) -> (String, String, String) {
        (
            mask_name(&self.name),
            mask_id(&self.resident_id),
            self.relation.clone(),
        )
    }
}

/// Freezes the members as they are for the review's latest posting.
async fn freeze(
    tx: &mut Tx,
    actor: &str,
    household_id: i64,
    review: &PopulationReview,
) -> StoreResult<()> {
    let posting = i64::try_from(review.postings().len().saturating_sub(1)).unwrap_or(i64::MAX);
    let list: Vec<PostedMember> = members::of_household(&mut *tx, household_id)
        .await?
        .into_iter()
        .map(|m| PostedMember {
            name: m.name,
            resident_id: m.resident_id,
            relation: m.relation,
        })
        .collect();
    let json = serde_json::to_string(&list)
        .map_err(|e| StoreError::Config(format!("公示名单无法保存：{e}")))?;
    audit::insert(
        tx,
        actor,
        &POSTED_LISTS,
        "INSERT INTO relocation_population_postings
             (household_id, posting, round, members, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[
            household_id.into(),
            posting.into(),
            i64::from(review.round()).into(),
            json.into(),
            actor.into(),
            crate::now_text().into(),
        ],
    )
    .await?;
    Ok(())
}

/// A posting of a household's list with the members frozen for it (`None` for a posting
/// made before lists were frozen).
#[derive(Debug, Clone)]
pub struct Round {
    /// Round, dates and outcome.
    pub posting: PostingRecord,
    /// The members as posted.
    pub members: Option<Vec<PostedMember>>,
}

/// Every posting of a household's list, oldest first, with its frozen members.
pub async fn rounds(conn: impl Into<Conn<'_>>, household_id: i64) -> StoreResult<Vec<Round>> {
    let mut conn = conn.into();
    let review = of_household(&mut conn, household_id).await?;
    let frozen: Vec<(i64, String)> = on_conn!(&mut conn, |c| sqlx::query_as(
        "SELECT posting, members FROM relocation_population_postings
         WHERE household_id = $1 ORDER BY posting"
    )
    .bind(household_id)
    .fetch_all(&mut *c)
    .await?);
    let mut by_posting = HashMap::new();
    for (posting, json) in frozen {
        let list: Vec<PostedMember> = serde_json::from_str(&json).map_err(|e| {
            StoreError::corrupt(format!("户#{household_id}的公示名单无法读取（{e}）"))
        })?;
        by_posting.insert(posting, list);
    }
    Ok(review
        .postings()
        .iter()
        .enumerate()
        .map(|(i, p)| Round {
            posting: p.clone(),
            members: i64::try_from(i).ok().and_then(|i| by_posting.remove(&i)),
        })
        .collect())
}

/// A household's list on the public posting: the members frozen at its latest posting,
/// masked.
#[derive(Debug, Clone)]
pub struct PostedList {
    /// Household code.
    pub code: String,
    /// Masked head name.
    pub head_name: String,
    /// Members as posted: masked name, masked ID, relation.
    pub members: Vec<(String, String, String)>,
    /// Where the review stands now.
    pub stage: ReviewStage,
    /// The round of the posting shown.
    pub round: u32,
    /// Said beside the list when it is not the current round's posting, or when the
    /// posting predates frozen lists and the registered members are shown instead.
    pub note: Option<String>,
    /// Objections lodged and still open.
    pub objections: (usize, usize),
}

/// The lists of a project that have been posted, by household code: each shows the
/// members as frozen at its latest posting.
pub async fn posting(db: &Db, project_id: i64) -> StoreResult<Vec<PostedList>> {
    let reviews: Vec<(i64, String)> = crate::on_pool!(db, |p| sqlx::query_as(
        "SELECT r.household_id, r.events FROM relocation_population r
         JOIN relocation_households h ON h.id = r.household_id
         WHERE h.project_id = $1"
    )
    .bind(project_id)
    .fetch_all(p)
    .await?);
    let mut by_household: HashMap<i64, PopulationReview> = HashMap::new();
    for (id, events) in reviews {
        let review = replay(id, &events)?;
        if !review.postings().is_empty() {
            by_household.insert(id, review);
        }
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
        let mut rounds = rounds(db, h.id).await?;
        let Some(last) = rounds.pop() else {
            continue;
        };
        let mut note = (last.posting.round < review.round()).then(|| {
            format!(
                "第{}轮成果变更中，待复核后重新公示；以下为第{}轮公示名单",
                review.round(),
                last.posting.round
            )
        });
        let members = match last.members {
            Some(list) => list.iter().map(PostedMember::masked).collect(),
            None => {
                note = Some("本次公示早于名单留存，以下为当前登记的家庭成员".to_string());
                members::of_household(&mut Conn::Pool(db), h.id)
                    .await?
                    .into_iter()
                    .map(|m| (mask_name(&m.name), mask_id(&m.resident_id), m.relation))
                    .collect()
            }
        };
        out.push(PostedList {
            head_name: public_head_name(h.kind, &h.head_name),
            members,
            stage: review.stage().clone(),
            round: last.posting.round,
            note,
            objections: (review.objections().len(), review.open_objections()),
            code: h.code,
        });
    }
    Ok(out)
}
