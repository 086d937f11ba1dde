//! Sign-ups to activities. The capacity is never exceeded, even when many members sign up
//! at the same moment: a place is taken with `UPDATE … SET taken = taken + 1 WHERE taken <
//! capacity` in the sign-up's transaction (on PostgreSQL the second writer waits for the
//! first and re-checks the condition on the new count; SQLite runs one writer at a time),
//! and a partial unique index keeps one standing sign-up per member and activity.

use super::Scope;
use super::activities::{self, Activity};
use crate::audit::{self, AuditedTable};
use crate::db::{Db, Tx};
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use chrono::NaiveDate;

/// The sign-ups table as audited.
pub const SIGNUPS: AuditedTable = AuditedTable {
    entity: "union_signup",
    table: "union_signups",
    secret_columns: &[],
};

/// One sign-up, with what lists show of the member and the activity.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Signup {
    /// Database id.
    pub id: i64,
    /// The activity.
    pub activity_id: i64,
    /// Its name.
    pub activity_name: String,
    /// Its first day (`YYYY-MM-DD`).
    pub start_on: String,
    /// The member.
    pub member_id: i64,
    /// Their name.
    pub member_name: String,
    /// When they signed up (UTC, RFC 3339).
    pub signed_up_at: String,
    /// When they cancelled, if they did.
    pub cancelled_at: Option<String>,
}

const SELECT: &str = "SELECT s.id, s.activity_id, a.name AS activity_name, a.start_on,
    s.member_id, m.name AS member_name, s.signed_up_at, s.cancelled_at
    FROM union_signups s JOIN union_activities a ON a.id = s.activity_id
    JOIN members m ON m.id = s.member_id";

/// Signs member `member_id` up to activity `activity_id` on `today`; the sign-up's id.
/// Refused (409) when the activity is closed or over, when every place is taken, or
/// when the member has already signed up.
pub async fn sign_up(
    tx: &mut Tx,
    actor: &str,
    activity_id: i64,
    member_id: i64,
    today: NaiveDate,
) -> StoreResult<i64> {
    let a: Activity = activities::get(&mut *tx, Scope::City, activity_id).await?;
    if !a.open_for_signup || a.dates.end() < today {
        return Err(StoreError::Conflict("该活动未开放报名或已结束".into()));
    }
    let standing: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM union_signups WHERE activity_id = $1 AND member_id = $2 AND cancelled_at IS NULL",
        &[activity_id.into(), member_id.into()],
    )
    .await?;
    if standing.is_some() {
        return Err(StoreError::Conflict("您已报名该活动".into()));
    }
    let taken = match a.capacity {
        Some(c) => {
            query::affected(
                &mut *tx,
                "UPDATE union_activity_places SET taken = taken + 1 WHERE activity_id = $1 AND taken < $2",
                &[activity_id.into(), c.into()],
            )
            .await?
        }
        None => {
            query::affected(
                &mut *tx,
                "UPDATE union_activity_places SET taken = taken + 1 WHERE activity_id = $1",
                &[activity_id.into()],
            )
            .await?
        }
    };
    if taken == 0 {
        return Err(StoreError::Conflict(format!(
            "名额已满（共{}个名额）",
            a.capacity.unwrap_or(0)
        )));
    }
    audit::insert(
        tx,
        actor,
        &SIGNUPS,
        "INSERT INTO union_signups (activity_id, member_id, signed_up_at) VALUES ($1, $2, $3) RETURNING id",
        &[activity_id.into(), member_id.into(), crate::now_text().into()],
    )
    .await
    .map_err(|e| match e {
        // The same member's two requests at once on PostgreSQL: the index keeps one.
        StoreError::Database(d)
            if d.as_database_error()
                .is_some_and(|d| d.is_unique_violation()) =>
        {
            StoreError::Conflict("您已报名该活动".into())
        }
        other => other,
    })
}

/// Cancels sign-up `id` of member `member_id` and frees its place. A sign-up of another
/// member, or one already cancelled, is not found: the id in a URL lets nobody cancel
/// someone else's.
pub async fn cancel(tx: &mut Tx, actor: &str, id: i64, member_id: i64) -> StoreResult<()> {
    let activity_id: i64 = query::value(
        &mut *tx,
        "SELECT activity_id FROM union_signups WHERE id = $1 AND member_id = $2 AND cancelled_at IS NULL",
        &[id.into(), member_id.into()],
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    audit::update(
        tx,
        actor,
        (&SIGNUPS, id),
        "cancel",
        "UPDATE union_signups SET cancelled_at = $1 WHERE id = $2",
        &[crate::now_text().into(), id.into()],
    )
    .await?;
    query::execute(
        &mut *tx,
        "UPDATE union_activity_places SET taken = taken - 1 WHERE activity_id = $1 AND taken > 0",
        &[activity_id.into()],
    )
    .await
}

/// A member's sign-ups, latest first (their own page; nobody else's).
pub async fn of_member(db: &Db, member_id: i64) -> StoreResult<Vec<Signup>> {
    let sql = format!("{SELECT} WHERE s.member_id = $1 ORDER BY s.id DESC");
    query::rows(db, &sql, &[Bind::Int(member_id)], Ok).await
}

/// The standing sign-ups of an activity, in order of signing up.
pub async fn of_activity(db: &Db, activity_id: i64) -> StoreResult<Vec<Signup>> {
    let sql = format!("{SELECT} WHERE s.activity_id = $1 AND s.cancelled_at IS NULL ORDER BY s.id");
    query::rows(db, &sql, &[Bind::Int(activity_id)], Ok).await
}

/// A standing sign-up whose member can be reminded by text: what the day-before reminder
/// says and to whom.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Reminder {
    /// The activity.
    pub activity_id: i64,
    /// Its name.
    pub activity_name: String,
    /// Its first day (`YYYY-MM-DD`).
    pub start_on: String,
    /// Where it takes place.
    pub place: String,
    /// The member.
    pub member_id: i64,
    /// Their name.
    pub member_name: String,
    /// Their mobile as registered.
    pub mobile: String,
}

/// Every standing sign-up to an activity starting on `start_on` whose member has a
/// mobile, in order of activity and signing up: the scheduler's reminders the day before.
pub async fn to_remind(db: &Db, start_on: NaiveDate) -> StoreResult<Vec<Reminder>> {
    let sql = "SELECT a.id AS activity_id, a.name AS activity_name, a.start_on, a.place,
        m.id AS member_id, m.name AS member_name, m.mobile
        FROM union_signups s JOIN union_activities a ON a.id = s.activity_id
        JOIN members m ON m.id = s.member_id
        WHERE a.start_on = $1 AND s.cancelled_at IS NULL
          AND m.mobile IS NOT NULL AND m.mobile <> ''
        ORDER BY a.id, s.id";
    query::rows(
        db,
        sql,
        &[Bind::Text(super::codes::date_text(start_on))],
        Ok,
    )
    .await
}
