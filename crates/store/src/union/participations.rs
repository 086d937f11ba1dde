//! Participations: one row per time a person took part in an activity. An online project
//! has thousands, and one person may take part many times, so participations and distinct
//! participants (by resident ID) are always counted apart. Lists of participants come in
//! bulk (imports, the demo): they are written a thousand rows to a statement and logged
//! as one batch entry per call.

use super::codes;
use crate::audit::{self, AuditedTable, Field};
use crate::db::{Backend, Db, Tx, TxConn};
use crate::error::{StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use chrono::NaiveDate;
use domain::platform::ResidentId;
use domain::platform::masking::{mask_id, mask_name};

/// The participations table as audited.
pub const PARTICIPATIONS: AuditedTable = AuditedTable {
    entity: "union_participation",
    table: "union_participations",
    secret_columns: &[],
};

/// Every column as `SELECT *` gives it, for the batch entries.
const COLUMNS: &[&str] = &[
    "id",
    "activity_id",
    "member_id",
    "resident_id",
    "name",
    "took_part_on",
    "created_at",
];

/// A participation as an import row or the demo gives it.
#[derive(Debug, Clone)]
pub struct NewParticipation {
    /// The activity.
    pub activity_id: i64,
    /// The member, `None` for a participant who is not a member.
    pub member_id: Option<i64>,
    /// Resident ID (identifies the person, member or not).
    pub resident_id: ResidentId,
    /// Name.
    pub name: String,
    /// Day of taking part.
    pub took_part_on: NaiveDate,
}

/// Inserts participations in chunks of a thousand, logged as one batch entry.
pub async fn insert_many(tx: &mut Tx, actor: &str, rows: &[NewParticipation]) -> StoreResult<()> {
    /// Six values a row: far below both backends' limits on bound parameters.
    const CHUNK: usize = 1000;
    let now = crate::now_text();
    let backend = tx.backend();
    let mut batch = audit::Batch::new(backend, &PARTICIPATIONS, COLUMNS);
    for chunk in rows.chunks(CHUNK) {
        let sql = format!(
            "INSERT INTO union_participations (activity_id, member_id, resident_id, name, took_part_on, created_at) VALUES {}",
            backend.values_list(chunk.len(), 6)
        );
        let binds: Vec<Bind> = chunk
            .iter()
            .flat_map(|p| {
                [
                    Bind::Int(p.activity_id),
                    Bind::OptInt(p.member_id),
                    p.resident_id.as_str().into(),
                    Bind::from(&p.name),
                    codes::date_text(p.took_part_on).into(),
                    Bind::from(&now),
                ]
            })
            .collect();
        let ids: Vec<i64> = match &mut tx.conn {
            TxConn::Sqlite(c) => {
                // One writer holds the lock and ids are AUTOINCREMENT: consecutive, in
                // VALUES order, ending at the last rowid (checked below).
                let done = crate::bind_where!(sqlx::query(crate::dynamic(&sql)), &binds)
                    .execute(&mut **c)
                    .await?;
                let n = i64::try_from(done.rows_affected()).unwrap_or(0);
                let last = done.last_insert_rowid();
                (last - n + 1..=last).collect()
            }
            TxConn::Postgres(c) => {
                let sql = format!("{sql} RETURNING id");
                let q = crate::bind_where!(sqlx::query_scalar(crate::dynamic(&sql)), &binds);
                let mut ids: Vec<i64> = q.fetch_all(&mut **c).await?;
                ids.sort_unstable();
                ids
            }
        };
        if ids.len() != chunk.len() {
            return Err(StoreError::Conflict("写入参与记录时数量不符".into()));
        }
        for (id, p) in ids.into_iter().zip(chunk) {
            let day = codes::date_text(p.took_part_on);
            batch.push(
                id,
                &[
                    Field::Int(p.activity_id),
                    p.member_id.map_or(Field::Text(None), Field::Int),
                    Field::Text(Some(p.resident_id.as_str())),
                    Field::Text(Some(&p.name)),
                    Field::Text(Some(&day)),
                    Field::Text(Some(&now)),
                ],
            );
        }
    }
    if let (Backend::Sqlite, Some((first, last))) = (backend, batch.range()) {
        let (n, lo, hi): (i64, Option<i64>, Option<i64>) = query::row(
            &mut *tx,
            "SELECT COUNT(*), MIN(id), MAX(id) FROM union_participations WHERE id >= $1",
            &[first.into()],
            Ok,
        )
        .await?
        .unwrap_or((0, None, None));
        if usize::try_from(n).ok() != Some(batch.len()) || lo != Some(first) || hi != Some(last) {
            return Err(StoreError::Conflict(
                "写入参与记录时编号不连续，已撤销本次写入".into(),
            ));
        }
    }
    audit::record_batch(tx, actor, batch).await
}

/// One participation as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Participation {
    /// Database id.
    pub id: i64,
    /// The activity.
    pub activity_id: i64,
    /// Its name.
    pub activity_name: String,
    /// Its first day (`YYYY-MM-DD`), which with the name identifies it in files.
    pub activity_start_on: String,
    /// The member, if a member.
    pub member_id: Option<i64>,
    /// Resident ID.
    pub resident_id: String,
    /// Name.
    pub name: String,
    /// Day (`YYYY-MM-DD`).
    pub took_part_on: String,
}

impl Participation {
    /// The ID as lists show it.
    pub fn masked_id(&self) -> String {
        mask_id(&self.resident_id)
    }

    /// The name as member-facing pages show it.
    pub fn masked_name(&self) -> String {
        mask_name(&self.name)
    }
}

const SELECT: &str = "SELECT p.id, p.activity_id, a.name AS activity_name,
    a.start_on AS activity_start_on, p.member_id,
    p.resident_id, p.name, p.took_part_on
    FROM union_participations p JOIN union_activities a ON a.id = p.activity_id";

/// A page of an activity's participations, in the order written.
pub async fn of_activity(
    db: &Db,
    activity_id: i64,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<Participation>> {
    let sql = format!("{SELECT} WHERE p.activity_id = $1 ORDER BY p.id LIMIT $2 OFFSET $3");
    query::rows(
        db,
        &sql,
        &[activity_id.into(), limit.into(), offset.into()],
        Ok,
    )
    .await
}

/// Every participation of the activities of `scope`'s own township (the whole city's for
/// the city), or of one activity, in the order written (exports).
pub async fn all(
    db: &Db,
    scope: super::Scope,
    activity_id: Option<i64>,
) -> StoreResult<Vec<Participation>> {
    let mut w = crate::sql::Where::default();
    w.push_some("a.township = ?", scope.township_code());
    w.push_some("p.activity_id = ?", activity_id);
    let sql = format!("{SELECT}{} ORDER BY p.id", w.sql());
    query::rows(db, &sql, &w.binds, Ok).await
}

/// A member's participations, latest first.
pub async fn of_member(db: &Db, member_id: i64) -> StoreResult<Vec<Participation>> {
    let sql = format!("{SELECT} WHERE p.member_id = $1 ORDER BY p.took_part_on DESC, p.id DESC");
    query::rows(db, &sql, &[Bind::Int(member_id)], Ok).await
}

/// A registered member as participation lists are matched against them.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegisteredPerson {
    /// Member id.
    pub id: i64,
    /// Resident ID as stored.
    pub resident_id: String,
    /// Name.
    pub name: String,
    /// Township code of their union (none for the city federation).
    pub township: Option<String>,
}

/// Every current member, for matching a participation list by resident ID (read once per
/// import, like the members import's lookups).
pub async fn registry(conn: impl Into<crate::db::Conn<'_>>) -> StoreResult<Vec<RegisteredPerson>> {
    query::rows(
        conn,
        "SELECT m.id, m.resident_id, m.name, u.township FROM members m
         JOIN unions u ON u.id = m.union_id WHERE m.left_on IS NULL ORDER BY m.id",
        &[],
        Ok,
    )
    .await
}
