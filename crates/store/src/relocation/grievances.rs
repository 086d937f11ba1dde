//! Grievances (信访、举报); the hotline they come in by is in [`super::hotlines`].
//!
//! A report is received with a deadline fixed by its kind (`domain::relocation::grievance`),
//! handled by one user, answered, then closed. Whether it is on track, at risk or overdue is
//! computed from the stored deadline and the day the caller passes, never stored, so the
//! commander's count of overdue reports cannot go stale.
//!
//! Who reads what ([`Reader`]): commanders every report of their town's projects, staff
//! only the reports they handle, inspectors and administrators all; the reporter's name
//! and phone leave this module in clear for inspectors only, masked for everyone else.

use super::{GRIEVANCES, Scope, corrupt, day_text, like_pattern, parse_day};
use crate::audit;
use crate::db::{Conn, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use chrono::{DateTime, NaiveDate, Utc};
use domain::platform::Role;
use domain::relocation::grievance::{GrievanceError, Phone, check_text};
use domain::relocation::{Channel, GrievanceKind, GrievanceState, Reference, Reporter, Standing};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Who is reading or changing reports: the scope decides which reports exist for them,
/// the role whether they see the reporter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    /// The viewer's relocation scope.
    pub scope: Scope,
    /// The viewer's user id (staff see the reports they handle).
    pub user_id: i64,
    /// The viewer's role.
    pub role: Role,
}

impl Reader {
    /// Town filter (`$n IS NULL OR town = $n`).
    fn town(&self) -> Option<String> {
        self.scope.town()
    }

    /// Handler filter: staff see the reports they handle; `-1` matches nothing.
    fn handler(&self) -> Option<i64> {
        match self.scope {
            Scope::Team { .. } => Some(self.user_id),
            Scope::Nothing => Some(-1),
            _ => None,
        }
    }
}

/// A report as its reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grievance {
    /// Database id.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The project's code.
    pub project_code: String,
    /// The reference number the reporter follows it with.
    #[serde(serialize_with = "as_text")]
    pub reference: Reference,
    /// How it arrived.
    pub channel: Channel,
    /// What it is.
    pub kind: GrievanceKind,
    /// A short subject.
    pub subject: String,
    /// What was said.
    pub content: String,
    /// Who reported: in clear for inspectors, masked for everyone else.
    pub reporter: Reporter,
    /// The day received.
    pub received_on: NaiveDate,
    /// The last day to answer.
    pub deadline: NaiveDate,
    /// The handler: user id and display name.
    pub handler: Option<(i64, String)>,
    /// Where it stands.
    pub state: GrievanceState,
    /// The answer given.
    pub answer: String,
    /// When it was answered, by whom.
    pub answered: Option<(NaiveDate, String)>,
    /// When it was closed.
    pub closed_on: Option<NaiveDate>,
    /// Who recorded it (`公众` for the public form).
    pub recorded_by: String,
}

fn as_text<S: serde::Serializer>(r: &Reference, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(r)
}

impl Grievance {
    /// How it stands against its deadline on `today`.
    pub fn standing(&self, today: NaiveDate) -> Standing {
        Standing::of(self.deadline, self.answered.as_ref().map(|a| a.0), today)
    }
}

/// A report received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrievance {
    /// How it arrived.
    pub channel: Channel,
    /// What it is.
    pub kind: GrievanceKind,
    /// A short subject (may be empty).
    pub subject: String,
    /// What was said.
    pub content: String,
    /// Who reported (both may be empty); a phone given must be a phone number.
    pub reporter: Reporter,
    /// The day received.
    pub received_on: NaiveDate,
    /// The handler, if already chosen.
    pub handler_id: Option<i64>,
    /// For the public form: the digest of the client's address ([`client_key`]).
    pub client_key: Option<String>,
}

/// Filters of the list.
#[derive(Debug, Clone, Default)]
pub struct GrievanceFilter {
    /// Reference, subject or content containing this.
    pub search: Option<String>,
    /// Only this state.
    pub state: Option<GrievanceState>,
    /// Only this kind.
    pub kind: Option<GrievanceKind>,
    /// Only reports still open after their deadline on this day (已超期).
    pub overdue_on: Option<NaiveDate>,
}

/// What the public lookup shows: the handling, never who reported or who handles it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicStatus {
    /// The reference number.
    pub reference: String,
    /// What it is.
    pub kind: GrievanceKind,
    /// The day received.
    pub received_on: NaiveDate,
    /// The last day to answer.
    pub deadline: NaiveDate,
    /// Where it stands.
    pub state: GrievanceState,
    /// The answer, once given.
    pub answer: String,
    /// When it was answered.
    pub answered_on: Option<NaiveDate>,
}

/// The digest under which the public form counts a client's reports: the address itself
/// is not kept.
pub fn client_key(address: &str) -> String {
    hex::encode(Sha256::digest(
        format!("grievance-form:{address}").as_bytes(),
    ))
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    project_id: i64,
    project_code: String,
    reference: String,
    channel: String,
    kind: String,
    subject: String,
    content: String,
    reporter_name: String,
    reporter_phone: String,
    received_on: String,
    deadline: String,
    handler_id: Option<i64>,
    handler_name: Option<String>,
    state: String,
    answer: String,
    answered_on: Option<String>,
    answered_by: Option<String>,
    closed_on: Option<String>,
    recorded_by: String,
}

const SELECT: &str = "SELECT g.id, g.project_id, p.code AS project_code, g.reference, g.channel, \
    g.kind, g.subject, g.content, g.reporter_name, g.reporter_phone, g.received_on, g.deadline, \
    g.handler_id, u.display_name AS handler_name, g.state, g.answer, g.answered_on, \
    g.answered_by, g.closed_on, g.recorded_by \
    FROM relocation_grievances g JOIN relocation_projects p ON p.id = g.project_id \
    LEFT JOIN users u ON u.id = g.handler_id";

/// The reader's visibility, as the first two conditions of a query (`$1` town, `$2` handler).
const VISIBLE: &str = "($1 IS NULL OR p.town = $1) AND ($2 IS NULL OR g.handler_id = $2)";

impl Row {
    fn into_grievance(self, role: Role) -> StoreResult<Grievance> {
        let day = |t: &str, what: &str| parse_day(Some(t), what)?.ok_or(StoreError::NotFound);
        let reporter = Reporter {
            name: self.reporter_name,
            phone: self.reporter_phone,
        };
        Ok(Grievance {
            reference: Reference::parse(&self.reference)
                .ok_or_else(|| corrupt("信访编号", &self.reference))?,
            channel: Channel::parse(&self.channel)
                .ok_or_else(|| corrupt("来源渠道", &self.channel))?,
            kind: GrievanceKind::parse(&self.kind)
                .ok_or_else(|| corrupt("信访类别", &self.kind))?,
            state: GrievanceState::parse(&self.state)
                .ok_or_else(|| corrupt("办理状态", &self.state))?,
            received_on: day(&self.received_on, "受理日期")?,
            deadline: day(&self.deadline, "办理期限")?,
            answered: parse_day(self.answered_on.as_deref(), "答复日期")?
                .map(|d| (d, self.answered_by.unwrap_or_default())),
            closed_on: parse_day(self.closed_on.as_deref(), "办结日期")?,
            handler: self.handler_id.zip(self.handler_name),
            reporter: reporter.for_role(role),
            id: self.id,
            project_id: self.project_id,
            project_code: self.project_code,
            subject: self.subject,
            content: self.content,
            answer: self.answer,
            recorded_by: self.recorded_by,
        })
    }
}

/// The next reference number of `year`'s series, raised in the caller's transaction.
async fn next_reference(tx: &mut Tx, year: i32) -> StoreResult<Reference> {
    let seq = next_in_series(tx, &Reference::series(year)).await?;
    Ok(Reference::new(year, seq))
}

/// The next number of a series of reference numbers (`XF2019`, `YY2019` …), raised with
/// one upsert in the caller's transaction, so two taken at once never share a number.
pub(crate) async fn next_in_series(tx: &mut Tx, series: &str) -> StoreResult<u32> {
    let last: i64 = query::one(
        &mut *tx,
        "INSERT INTO relocation_reference_counters (series, last) VALUES ($1, 1)
         ON CONFLICT (series) DO UPDATE SET last = relocation_reference_counters.last + 1
         RETURNING last",
        &[series.into()],
    )
    .await?;
    u32::try_from(last).map_err(|_| corrupt("编号序号", &last.to_string()))
}

/// Refuses a handler who is not relocation staff of the project's groups or a commander
/// of its town (or a disabled account).
async fn check_handler(tx: &mut Tx, project_id: i64, user_id: i64) -> StoreResult<()> {
    let ok: Option<i64> =
        query::value(&mut *tx, ELIGIBLE_ONE, &[project_id.into(), user_id.into()]).await?;
    match ok {
        Some(_) => Ok(()),
        None => Err(GrievanceError::HandlerNotEligible.into()),
    }
}

const ELIGIBLE: &str = "SELECT u.id, u.display_name FROM users u, relocation_projects p \
    WHERE p.id = $1 AND u.disabled = FALSE AND ( \
      (u.role = 'relocation_commander' AND u.town = p.town) OR \
      (u.role = 'relocation_staff' AND u.team_id IN \
         (SELECT t.id FROM relocation_teams t WHERE t.project_id = p.id)))";

const ELIGIBLE_ONE: &str = "SELECT u.id FROM users u, relocation_projects p \
    WHERE p.id = $1 AND u.id = $2 AND u.disabled = FALSE AND ( \
      (u.role = 'relocation_commander' AND u.town = p.town) OR \
      (u.role = 'relocation_staff' AND u.team_id IN \
         (SELECT t.id FROM relocation_teams t WHERE t.project_id = p.id)))";

/// The users who may handle the project's reports: its town's commanders and the staff of
/// its groups, by name.
pub async fn eligible_handlers(
    conn: impl Into<Conn<'_>>,
    project_id: i64,
) -> StoreResult<Vec<(i64, String)>> {
    let sql = format!("{ELIGIBLE} ORDER BY u.display_name, u.id");
    query::rows(conn, &sql, &[project_id.into()], Ok).await
}

/// Receives a report for `project_id` on `today`'s terms (received no later than today);
/// returns its id and reference number.
pub async fn create(
    tx: &mut Tx,
    actor: &str,
    project_id: i64,
    g: &NewGrievance,
    today: NaiveDate,
) -> StoreResult<(i64, Reference)> {
    check_text(&g.subject, &g.content, g.reporter.name.trim())?;
    let phone = g.reporter.phone.trim();
    let phone = if phone.is_empty() {
        String::new()
    } else {
        Phone::parse(phone)?.as_str().to_string()
    };
    if g.received_on > today {
        return Err(GrievanceError::DateInFuture.into());
    }
    if let Some(h) = g.handler_id {
        check_handler(tx, project_id, h).await?;
    }
    let reference = next_reference(tx, chrono::Datelike::year(&g.received_on)).await?;
    let id = audit::insert(
        tx,
        actor,
        &GRIEVANCES,
        "INSERT INTO relocation_grievances (project_id, reference, channel, kind, subject,
             content, reporter_name, reporter_phone, received_on, deadline, handler_id, state,
             client_key, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        &[
            project_id.into(),
            reference.to_string().into(),
            g.channel.code().into(),
            g.kind.code().into(),
            g.subject.trim().into(),
            g.content.trim().into(),
            g.reporter.name.trim().into(),
            phone.into(),
            day_text(g.received_on).into(),
            day_text(g.kind.deadline(g.received_on)).into(),
            g.handler_id.into(),
            GrievanceState::Open.code().into(),
            g.client_key.as_deref().into(),
            actor.into(),
            crate::now_text().into(),
        ],
    )
    .await?;
    Ok((id, reference))
}

/// How many submissions the public forms took from `client_key` since `since`: reports
/// and objections to posted population lists count together, one limit per client.
pub async fn submissions_since(
    conn: impl Into<Conn<'_>>,
    client_key: &str,
    since: DateTime<Utc>,
) -> StoreResult<i64> {
    query::one(
        conn,
        "SELECT (SELECT COUNT(*) FROM relocation_grievances
                 WHERE client_key = $1 AND created_at > $2)
              + (SELECT COUNT(*) FROM relocation_objections
                 WHERE client_key = $1 AND created_at > $2)",
        &[client_key.into(), crate::timestamp_text(since).into()],
    )
    .await
}

/// One report, if the reader sees it.
pub async fn get(conn: impl Into<Conn<'_>>, reader: &Reader, id: i64) -> StoreResult<Grievance> {
    let sql = format!("{SELECT} WHERE {VISIBLE} AND g.id = $3");
    let binds = [reader.town().into(), reader.handler().into(), id.into()];
    query::row(conn, &sql, &binds, |r: Row| r.into_grievance(reader.role))
        .await?
        .ok_or(StoreError::NotFound)
}

/// A page of a project's reports the reader sees, newest first, with the total.
pub async fn list(
    conn: impl Into<Conn<'_>>,
    reader: &Reader,
    project_id: i64,
    f: &GrievanceFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Grievance>, i64)> {
    let mut conn = conn.into();
    let filter = "AND g.project_id = $3 AND ($4 IS NULL OR g.state = $4) \
        AND ($5 IS NULL OR g.kind = $5) \
        AND ($6 IS NULL OR (g.state = 'open' AND g.deadline < $6)) \
        AND ($7 IS NULL OR g.reference LIKE $7 ESCAPE '\\' OR g.subject LIKE $7 ESCAPE '\\' \
             OR g.content LIKE $7 ESCAPE '\\')";
    let sql = format!(
        "{SELECT} WHERE {VISIBLE} {filter} ORDER BY g.received_on DESC, g.id DESC LIMIT $8 OFFSET $9"
    );
    let count_sql = format!(
        "SELECT COUNT(*) FROM relocation_grievances g JOIN relocation_projects p ON p.id = g.project_id \
         WHERE {VISIBLE} {filter}"
    );
    let search = like_pattern(f.search.as_deref());
    let overdue = f.overdue_on.map(day_text);
    let mut binds = vec![
        reader.town().into(),
        reader.handler().into(),
        project_id.into(),
        f.state.map(|s| s.code()).into(),
        f.kind.map(|k| k.code()).into(),
        overdue.into(),
        search.into(),
    ];
    let total = query::one(&mut conn, &count_sql, &binds).await?;
    binds.extend([limit.into(), offset.into()]);
    let list = query::rows(&mut conn, &sql, &binds, |r: Row| {
        r.into_grievance(reader.role)
    })
    .await?;
    Ok((list, total))
}

/// The reader's open reports of a project past their deadline on `today`: what has
/// escalated to the commander.
pub async fn overdue_count(
    conn: impl Into<Conn<'_>>,
    reader: &Reader,
    project_id: i64,
    today: NaiveDate,
) -> StoreResult<i64> {
    let f = GrievanceFilter {
        overdue_on: Some(today),
        ..GrievanceFilter::default()
    };
    Ok(list(conn, reader, project_id, &f, 0, 0).await?.1)
}

/// Gives a report to a handler (again, if it had one).
pub async fn assign(
    tx: &mut Tx,
    actor: &str,
    reader: &Reader,
    id: i64,
    handler_id: i64,
) -> StoreResult<i64> {
    let g = get(&mut *tx, reader, id).await?;
    if g.state == GrievanceState::Closed {
        return Err(GrievanceError::AlreadyClosed.into());
    }
    check_handler(tx, g.project_id, handler_id).await?;
    audit::update(
        tx,
        actor,
        (&GRIEVANCES, id),
        "assign",
        "UPDATE relocation_grievances SET handler_id = $1 WHERE id = $2",
        &[handler_id.into(), id.into()],
    )
    .await?;
    Ok(g.project_id)
}

/// Answers an open report on `on`.
pub async fn answer(
    tx: &mut Tx,
    actor: &str,
    reader: &Reader,
    id: i64,
    text: &str,
    on: NaiveDate,
) -> StoreResult<i64> {
    let g = get(&mut *tx, reader, id).await?;
    let next = g.state.answer()?;
    let text = text.trim();
    if text.is_empty() {
        return Err(GrievanceError::AnswerMissing.into());
    }
    if text.chars().count() > 2000 {
        return Err(GrievanceError::ContentTooLong.into());
    }
    if on < g.received_on {
        return Err(GrievanceError::AnswerBeforeReceived.into());
    }
    audit::update(
        tx,
        actor,
        (&GRIEVANCES, id),
        "answer",
        "UPDATE relocation_grievances SET state = $1, answer = $2, answered_on = $3,
             answered_by = $4 WHERE id = $5 AND state = $6",
        &[
            next.code().into(),
            text.into(),
            day_text(on).into(),
            actor.into(),
            id.into(),
            g.state.code().into(),
        ],
    )
    .await?;
    Ok(g.project_id)
}

/// Closes an answered report on `on`.
pub async fn close(
    tx: &mut Tx,
    actor: &str,
    reader: &Reader,
    id: i64,
    on: NaiveDate,
) -> StoreResult<i64> {
    let g = get(&mut *tx, reader, id).await?;
    let next = g.state.close()?;
    audit::update(
        tx,
        actor,
        (&GRIEVANCES, id),
        "close",
        "UPDATE relocation_grievances SET state = $1, closed_on = $2 WHERE id = $3 AND state = $4",
        &[
            next.code().into(),
            day_text(on).into(),
            id.into(),
            g.state.code().into(),
        ],
    )
    .await?;
    Ok(g.project_id)
}

/// What the public sees of the report with `reference` in `project_id`, if there is one.
pub async fn public_status(
    conn: impl Into<Conn<'_>>,
    project_id: i64,
    reference: Reference,
) -> StoreResult<Option<PublicStatus>> {
    type StatusRow = (String, String, String, String, String, Option<String>);
    let day = |t: &str, what: &str| parse_day(Some(t), what)?.ok_or(StoreError::NotFound);
    query::row(
        conn,
        "SELECT kind, received_on, deadline, state, answer, answered_on
         FROM relocation_grievances WHERE project_id = $1 AND reference = $2",
        &[project_id.into(), reference.to_string().into()],
        |(kind, received, deadline, state, answer, answered_on): StatusRow| {
            Ok(PublicStatus {
                reference: reference.to_string(),
                kind: GrievanceKind::parse(&kind).ok_or_else(|| corrupt("信访类别", &kind))?,
                received_on: day(&received, "受理日期")?,
                deadline: day(&deadline, "办理期限")?,
                state: GrievanceState::parse(&state).ok_or_else(|| corrupt("办理状态", &state))?,
                answer,
                answered_on: parse_day(answered_on.as_deref(), "答复日期")?,
            })
        },
    )
    .await
}
