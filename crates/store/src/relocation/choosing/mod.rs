//! The choosing session (选房) of a project: the seed committed before it and revealed at
//! its start, the series of property-exchange households in the published order
//! ([`domain::relocation::choosing_order`]), whose turn it is, households marked absent,
//! and the choices themselves ([`choices`]).
//!
//! The order is never stored: it is recomputed from the milestones' record times and the
//! revealed seed whenever it is read, exactly as anyone can recompute it from the
//! published JSON.

pub mod choices;

use super::{ABSENCES, SESSIONS, Scope, parse_day, projects};
use crate::audit;
use crate::db::{Conn, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use chrono::{DateTime, Utc};
use domain::relocation::choosing_order::{seed_matches, sha256_hex};
use domain::relocation::{
    ChoosingPosition, HouseholdKind, HouseholdMoments, RecordedMoment, calling_order,
    choosing_order,
};
use serde::Serialize;

/// A project's session: the commitment, and the seed once revealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// Database id.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// SHA-256 of the seed (hex), published before the session.
    pub seed_sha256: String,
    /// The seed, once revealed at the session's start.
    pub seed: Option<String>,
    /// When the commitment was published.
    pub committed_at: DateTime<Utc>,
    /// When the seed was revealed (the session's start).
    pub revealed_at: Option<DateTime<Utc>>,
    /// When the session was closed.
    pub closed_at: Option<DateTime<Utc>>,
}

impl Session {
    /// Whether choices may be recorded now.
    pub fn is_open(&self) -> bool {
        self.seed.is_some() && self.closed_at.is_none()
    }
}

fn instant(text: Option<String>, what: &str) -> StoreResult<Option<DateTime<Utc>>> {
    text.map(|t| crate::parse_timestamp(&t).ok_or_else(|| super::corrupt(what, &t)))
        .transpose()
}

/// The project's session, if a seed has been committed.
pub async fn session(conn: impl Into<Conn<'_>>, project_id: i64) -> StoreResult<Option<Session>> {
    type Row = (
        i64,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
    );
    query::row(
        conn,
        "SELECT id, seed_sha256, seed, committed_at, revealed_at, closed_at
         FROM relocation_choosing_sessions WHERE project_id = $1",
        &[project_id.into()],
        |(id, seed_sha256, seed, committed, revealed, closed): Row| {
            Ok(Session {
                id,
                project_id,
                seed_sha256,
                seed,
                committed_at: instant(Some(committed), "承诺时间")?.ok_or(StoreError::NotFound)?,
                revealed_at: instant(revealed, "揭晓时间")?,
                closed_at: instant(closed, "结束时间")?,
            })
        },
    )
    .await
}

async fn visible_project(tx: &mut Tx, scope: &Scope, project_id: i64) -> StoreResult<()> {
    let p = projects::by_id(&mut *tx, project_id).await?;
    if scope.sees_project(p.id, &p.town) {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// A fresh random seed for a commander who has no notary's: 32 random bytes in hex,
/// shown once to be sealed; only its SHA-256 is stored.
pub fn fresh_seed() -> StoreResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Config(format!("无法生成随机种子：{e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// SHA-256 of a seed, as [`commit`] expects it.
pub fn commitment_of(seed: &str) -> String {
    sha256_hex(seed)
}

/// Publishes the commitment (the seed's SHA-256) of the project's session. Once
/// published it cannot be replaced.
pub async fn commit(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    project_id: i64,
    seed_sha256: &str,
) -> StoreResult<()> {
    visible_project(tx, scope, project_id).await?;
    let hash = seed_sha256.trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::CommitmentInvalid.into());
    }
    if session(&mut *tx, project_id).await?.is_some() {
        return Err(Refusal::SeedAlreadyCommitted.into());
    }
    audit::insert(
        tx,
        actor,
        &SESSIONS,
        "INSERT INTO relocation_choosing_sessions (project_id, seed_sha256, committed_at, committed_by)
         VALUES ($1, $2, $3, $4) RETURNING id",
        &[project_id.into(), hash.into(), crate::now_text().into(), actor.into()],
    )
    .await
    .map(|_| ())
}

/// Reveals the seed at the session's start: it must hash to the commitment. From now on
/// the order is final and choices may be recorded.
pub async fn reveal(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    project_id: i64,
    seed: &str,
) -> StoreResult<()> {
    visible_project(tx, scope, project_id).await?;
    let Some(s) = session(&mut *tx, project_id).await? else {
        return Err(Refusal::NoCommitment.into());
    };
    if s.seed.is_some() {
        return Err(Refusal::SeedAlreadyRevealed.into());
    }
    if !seed_matches(seed, &s.seed_sha256) {
        return Err(Refusal::SeedMismatch.into());
    }
    let sql = "UPDATE relocation_choosing_sessions SET revealed_at = $2, revealed_by = $3,
        seed = $4 WHERE id = $1 AND seed IS NULL";
    stamp(tx, actor, &s, "reveal", sql, &[seed.into()]).await
}

/// Closes the session: no more choices are recorded.
pub async fn close(tx: &mut Tx, actor: &str, scope: &Scope, project_id: i64) -> StoreResult<()> {
    visible_project(tx, scope, project_id).await?;
    let Some(s) = session(&mut *tx, project_id)
        .await?
        .filter(Session::is_open)
    else {
        return Err(Refusal::SessionNotOpen.into());
    };
    let sql =
        "UPDATE relocation_choosing_sessions SET closed_at = $2, closed_by = $3 WHERE id = $1";
    stamp(tx, actor, &s, "close", sql, &[]).await
}

/// Writes a step of session `s` with `sql`, which binds the session's id, the time now
/// and the actor (`$1` … `$3`), then `more`; logged as `action`.
async fn stamp(
    tx: &mut Tx,
    actor: &str,
    s: &Session,
    action: &str,
    sql: &str,
    more: &[Bind],
) -> StoreResult<()> {
    let stamp = [s.id.into(), crate::now_text().into(), actor.into()];
    let binds = [&stamp[..], more].concat();
    audit::update(tx, actor, (&SESSIONS, s.id), action, sql, &binds).await
}

/// One household of the series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeriesLine {
    /// Its place in the published order.
    pub position: ChoosingPosition,
    /// Database id.
    pub household_id: i64,
    /// Head's name (unmasked: pages for the public mask it).
    pub head_name: String,
    /// Residential or enterprise (masking differs).
    pub kind: HouseholdKind,
    /// The flat chosen, once chosen.
    pub flat_code: Option<String>,
    /// Why it was absent when called, if it was.
    pub absent: Option<String>,
}

/// The project's exchange series in the published order, with the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Series {
    /// The session, once committed.
    pub session: Option<Session>,
    /// In the published order.
    pub lines: Vec<SeriesLine>,
}

impl Series {
    /// The households still to choose, in the order they are called: the published
    /// order, with those marked absent after the rest.
    pub fn waiting(&self) -> Vec<&SeriesLine> {
        calling_order(self.lines.iter().filter(|l| l.flat_code.is_none()), |l| {
            l.absent.is_some()
        })
    }

    /// Whose turn it is, while the session is open.
    pub fn current(&self) -> Option<&SeriesLine> {
        if !self.session.as_ref().is_some_and(Session::is_open) {
            return None;
        }
        self.waiting().into_iter().next()
    }

    /// The line of a household by code.
    pub fn line(&self, code: &str) -> Option<&SeriesLine> {
        self.lines.iter().find(|l| l.position.code == code)
    }
}

#[derive(sqlx::FromRow)]
struct MomentRow {
    id: i64,
    code: String,
    kind: String,
    head_name: String,
    signed_on: Option<String>,
    signed_at: Option<String>,
    vacated_on: Option<String>,
    vacated_at: Option<String>,
    flat_code: Option<String>,
    absent: Option<String>,
}

fn moment(
    on: Option<String>,
    at: Option<String>,
    what: &str,
) -> StoreResult<Option<RecordedMoment>> {
    let (Some(on), Some(at)) = (parse_day(on.as_deref(), what)?, instant(at, what)?) else {
        return Ok(None);
    };
    Ok(Some(RecordedMoment {
        on,
        recorded_at: at,
    }))
}

/// The project's series: households that took property exchange, in the order of the
/// module's rule, with the seed if revealed.
pub async fn series(conn: impl Into<Conn<'_>>, project_id: i64) -> StoreResult<Series> {
    let mut conn = conn.into();
    let session = session(&mut conn, project_id).await?;
    let rows: Vec<MomentRow> = query::rows(
        &mut conn,
        "SELECT h.id, h.code, h.kind, h.head_name, h.signed_on, h.signed_at, h.vacated_on,
                h.vacated_at, f.code AS flat_code, a.reason AS absent
         FROM relocation_households h
         JOIN relocation_agreements g ON g.household_id = h.id AND g.compensation_option = 'exchange'
         LEFT JOIN relocation_choices ch ON ch.household_id = h.id AND ch.voided_at IS NULL
         LEFT JOIN relocation_flats f ON f.id = ch.flat_id
         LEFT JOIN relocation_choosing_absences a
                ON a.household_id = h.id AND a.project_id = h.project_id
         WHERE h.project_id = $1",
        &[project_id.into()],
        Ok,
    )
    .await?;
    let mut moments = Vec::with_capacity(rows.len());
    for r in &rows {
        moments.push(HouseholdMoments {
            code: r.code.clone(),
            signed: moment(r.signed_on.clone(), r.signed_at.clone(), "签约时间")?,
            vacated: moment(r.vacated_on.clone(), r.vacated_at.clone(), "腾空时间")?,
        });
    }
    let seed = session.as_ref().and_then(|s| s.seed.as_deref());
    let mut lines = Vec::new();
    for position in choosing_order(&moments, seed) {
        let Some(r) = rows.iter().find(|r| r.code == position.code) else {
            continue;
        };
        lines.push(SeriesLine {
            household_id: r.id,
            head_name: r.head_name.clone(),
            kind: HouseholdKind::parse(&r.kind).ok_or_else(|| super::corrupt("户类别", &r.kind))?,
            flat_code: r.flat_code.clone(),
            absent: r.absent.clone(),
            position,
        });
    }
    Ok(Series { session, lines })
}

/// Marks the household whose turn it is as absent when called: it chooses after the
/// rest of the series. The reason is kept.
pub async fn mark_absent(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    project_id: i64,
    household_code: &str,
    reason: &str,
) -> StoreResult<()> {
    visible_project(tx, scope, project_id).await?;
    if reason.trim().is_empty() {
        return Err(Refusal::ReasonMissing.into());
    }
    let series = series(&mut *tx, project_id).await?;
    let Some(current) = series.current() else {
        return Err(Refusal::SessionNotOpen.into());
    };
    if current.position.code != household_code.trim() {
        return Err(Refusal::OutOfTurn {
            household: household_code.trim().to_string(),
            current: current.position.code.clone(),
        }
        .into());
    }
    if current.absent.is_some() {
        // Called again after the rest and still absent: it stays last, in order.
        return Ok(());
    }
    audit::insert(
        tx,
        actor,
        &ABSENCES,
        "INSERT INTO relocation_choosing_absences (project_id, household_id, reason, marked_at, marked_by)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            project_id.into(),
            current.household_id.into(),
            reason.trim().into(),
            crate::now_text().into(),
            actor.into(),
        ],
    )
    .await
    .map(|_| ())
}
