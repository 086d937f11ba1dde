//! Drive and oversight: the city's assessment weights (考核激励) and the township scores
//! computed with them from the ranking's coverage figures, and leader talks (领导约谈)
//! with lagging townships and their follow-up.

use super::coverage;
use super::services::{check_scope, scoped_row};
use super::settings;
use super::{Scope, codes};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Db, Tx};
use crate::error::StoreResult;
use crate::query;
use chrono::NaiveDate;
use domain::union::assessment::AssessmentWeights;
use domain::union::coverage::RankedTownship;
use domain::union::rights::RightsError;
use domain::union::township::Township;
use serde::Serialize;

/// The leader talks table as audited.
pub const TALKS: AuditedTable = AuditedTable {
    entity: "union_leader_talk",
    table: "union_leader_talks",
    secret_columns: &[],
};

const WEIGHTS_SETTING: &str = "assessment_weights";

/// The weights in force: the stored setting, or the default when none is set.
pub async fn weights(conn: impl Into<Conn<'_>>) -> StoreResult<AssessmentWeights> {
    Ok(settings::json(conn, WEIGHTS_SETTING, "考核权重")
        .await?
        .unwrap_or_default())
}

/// Sets the weights (audited as a setting); only the city federation may.
pub async fn set_weights(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    w: &AssessmentWeights,
) -> StoreResult<()> {
    if scope != Scope::City {
        return Err(RightsError::CityOnly.into());
    }
    let w = AssessmentWeights::new(w.must_rate, w.tracked_rate, w.all_rate)
        .map_err(RightsError::from)?;
    settings::set_json(tx, actor, WEIGHTS_SETTING, &w, audit::UpdateLog::IfChanged).await
}

/// A ranking line with its assessment score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessed {
    /// The ranking line (rank and coverage figures).
    pub ranked: RankedTownship,
    /// The score in hundredths of a point (10000 = 100.00).
    pub score: u32,
}

/// The year's ranking with each township's score under the weights in force.
pub async fn assessment(db: &Db, year: i32) -> StoreResult<(AssessmentWeights, Vec<Assessed>)> {
    let w = weights(db).await?;
    let lines = coverage::ranking(db, year)
        .await?
        .into_iter()
        .map(|ranked| Assessed {
            score: w.score(&ranked.coverage),
            ranked,
        })
        .collect();
    Ok((w, lines))
}

/// A leader talk with a township.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Talk {
    /// Database id.
    pub id: i64,
    /// The township talked to.
    pub township: Township,
    /// When.
    pub held_on: NaiveDate,
    /// The city's leaders present.
    pub leaders: String,
    /// The township's people present.
    pub township_people: String,
    /// What was agreed.
    pub agreed: String,
    /// The follow-up.
    pub follow_up: String,
    /// When the follow-up was done, if it was.
    pub follow_up_done_on: Option<NaiveDate>,
}

/// What a form gives for a talk.
#[derive(Debug, Clone)]
pub struct TalkInput {
    /// The township.
    pub township: Township,
    /// When.
    pub held_on: NaiveDate,
    /// Leaders.
    pub leaders: String,
    /// Township people.
    pub township_people: String,
    /// Agreed.
    pub agreed: String,
    /// Follow-up.
    pub follow_up: String,
    /// Follow-up done on.
    pub follow_up_done_on: Option<NaiveDate>,
}

impl TalkInput {
    fn check(&self) -> Result<(), RightsError> {
        if self.leaders.trim().is_empty() {
            return Err(RightsError::Missing("约谈领导"));
        }
        if self.agreed.trim().is_empty() {
            return Err(RightsError::Missing("约谈议定事项"));
        }
        if self.follow_up_done_on.is_some_and(|d| d < self.held_on) {
            return Err(RightsError::FollowUpBeforeTalk);
        }
        Ok(())
    }

    fn binds(&self) -> Vec<crate::sql::Bind> {
        vec![
            self.township.code().into(),
            codes::date_text(self.held_on).into(),
            self.leaders.trim().into(),
            self.township_people.trim().into(),
            self.agreed.trim().into(),
            self.follow_up.trim().into(),
            self.follow_up_done_on.map(codes::date_text).into(),
            crate::now_text().into(),
        ]
    }
}

type TalkRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn decode((id, t, held, leaders, people, agreed, follow, done): TalkRow) -> StoreResult<Talk> {
    Ok(Talk {
        id,
        township: codes::township(&t)?,
        held_on: codes::stored_date(&held)?,
        leaders,
        township_people: people,
        agreed,
        follow_up: follow,
        follow_up_done_on: done.as_deref().map(codes::stored_date).transpose()?,
    })
}

const SELECT: &str =
    "SELECT id, township, held_on, leaders, township_people, agreed, follow_up, follow_up_done_on
    FROM union_leader_talks";

/// The talks in scope, latest first, optionally of one year.
pub async fn talks(db: &Db, scope: Scope, year: Option<i32>) -> StoreResult<Vec<Talk>> {
    let (from, to) = year.map(crate::year_bounds).unzip();
    query::rows(
        db,
        &format!(
            "{SELECT} WHERE ($1 IS NULL OR township = $1) AND ($2 IS NULL OR held_on >= $2)
             AND ($3 IS NULL OR held_on <= $3) ORDER BY held_on DESC, id DESC"
        ),
        &[scope.township_code().into(), from.into(), to.into()],
        decode,
    )
    .await
}

/// One talk; not found outside the scope.
pub async fn talk(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Talk> {
    let sql = format!("{SELECT} WHERE id = $1");
    scoped_row(conn, scope, &sql, id, decode, |t: &Talk| t.township).await
}

/// Records a talk (audited).
pub async fn create_talk(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    t: &TalkInput,
) -> StoreResult<i64> {
    check_scope(scope, t.township)?;
    t.check()?;
    audit::insert(
        tx,
        actor,
        &TALKS,
        "INSERT INTO union_leader_talks (township, held_on, leaders, township_people, agreed, follow_up,
         follow_up_done_on, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        &t.binds(),
    )
    .await
}

/// Changes a talk, typically its follow-up (audited).
pub async fn update_talk(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    t: &TalkInput,
) -> StoreResult<()> {
    talk(&mut *tx, scope, id).await?;
    check_scope(scope, t.township)?;
    t.check()?;
    let mut binds = t.binds();
    binds.push(id.into());
    let change = audit::Change::begin(tx, &TALKS, id).await?;
    query::execute(
        &mut *tx,
        "UPDATE union_leader_talks SET township = $1, held_on = $2, leaders = $3, township_people = $4,
         agreed = $5, follow_up = $6, follow_up_done_on = $7, updated_at = $8 WHERE id = $9",
        &binds,
    )
    .await?;
    change.finish_if_changed(tx, actor, "update").await
}
