//! Changes to the registry: registering (one by one or a thousand to a statement),
//! updating from an import row, transfers with their history, leaving.

use super::counts::{self, Recount};
use super::{MEMBERS, Scope, TRANSFERS, by_resident_id, get};
use crate::audit::{self, Field};
use crate::db::{Backend, Tx, TxConn};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::on_tx;
use crate::query;
use crate::sql::Bind;
use crate::union::{codes, organisations};
use chrono::NaiveDate;
use domain::platform::{Mobile, ResidentId};
use std::collections::HashMap;

/// A member as a form or an import row gives it.
#[derive(Debug, Clone)]
pub struct NewMember {
    /// Resident ID.
    pub resident_id: ResidentId,
    /// Name.
    pub name: String,
    /// Mobile.
    pub mobile: Option<Mobile>,
    /// Union.
    pub union_id: i64,
    /// Join date.
    pub joined_on: NaiveDate,
    /// Migrant worker.
    pub migrant_worker: bool,
}

/// Every column of `members` as `SELECT *` gives it, for the batch entries of
/// [`insert_many`] (and of generators that write the same batch entries).
pub const MEMBER_COLUMNS: &[&str] = &[
    "id",
    "resident_id",
    "name",
    "mobile",
    "union_id",
    "joined_on",
    "migrant_worker",
    "left_on",
    "updated_at",
];

/// Inserts members, the bulk path of imports and the demo: on SQLite a thousand to a
/// multi-row `INSERT OR FAIL` (the caller has checked every union and that no resident
/// ID is registered twice), on PostgreSQL with COPY, its bulk path. The whole call is
/// logged as one batch entry listing every new member (one member: an ordinary entry).
///
/// While the database writes one chunk, the chunk before it is added to the batch entry:
/// the database works on its own thread, so the two overlap (`join!` polls the write
/// first, which hands the statement over, then does the logging).
pub async fn insert_many(tx: &mut Tx, actor: &str, rows: &[NewMember]) -> StoreResult<()> {
    let mut joined = counts::Joined::default();
    insert_counting(tx, actor, rows, &mut joined).await?;
    joined.apply(tx).await
}

/// [`insert_many`], with the new members added to `joined` instead of the counters: the
/// caller applies it before its transaction commits (a bulk import, once for the file).
pub async fn insert_counting(
    tx: &mut Tx,
    actor: &str,
    rows: &[NewMember],
    joined: &mut counts::Joined,
) -> StoreResult<()> {
    /// Seven values a row: far below both backends' limits on bound parameters.
    const CHUNK: usize = 1000;
    let now = crate::now_text();
    let mut batch = audit::Batch::new(tx.backend(), &MEMBERS, MEMBER_COLUMNS);
    let mut written: Option<(&[NewMember], Vec<i64>)> = None;
    for chunk in rows.chunks(CHUNK) {
        let write = async {
            match &mut tx.conn {
                TxConn::Postgres(c) => copy_chunk(c, chunk, &now).await,
                TxConn::Sqlite(c) => insert_chunk(c, chunk, &now).await,
            }
        };
        let log = async {
            if let Some((before, ids)) = written.take() {
                log_chunk(&mut batch, before, ids, &now);
            }
        };
        let (ids, ()) = futures::join!(write, log);
        let ids = ids?;
        if ids.len() != chunk.len() {
            return Err(StoreError::Conflict(format!(
                "写入会员时数量不符（应为 {}，实为 {}）",
                chunk.len(),
                ids.len()
            )));
        }
        written = Some((chunk, ids));
    }
    if let Some((before, ids)) = written {
        log_chunk(&mut batch, before, ids, &now);
    }
    if let (TxConn::Sqlite(_), Some((first, last))) = (&tx.conn, batch.range()) {
        check_ids(tx, first, last, batch.len()).await?;
    }
    joined.add(
        rows.iter()
            .map(|m| (m.union_id, m.joined_on, m.migrant_worker)),
    );
    audit::record_batch(tx, actor, batch).await
}

/// Adds written members, with their new ids, to the batch entry.
fn log_chunk(batch: &mut audit::Batch, chunk: &[NewMember], ids: Vec<i64>, now: &str) {
    for (id, m) in ids.into_iter().zip(chunk) {
        let joined = codes::date_text(m.joined_on);
        batch.push(
            id,
            &[
                Field::Text(Some(m.resident_id.as_str())),
                Field::Text(Some(&m.name)),
                Field::Text(m.mobile.as_ref().map(Mobile::as_str)),
                Field::Int(m.union_id),
                Field::Text(Some(&joined)),
                Field::Bool(m.migrant_worker),
                Field::Text(None),
                Field::Text(Some(now)),
            ],
        );
    }
}

/// One multi-row INSERT (SQLite); the new ids in row order. The transaction holds the
/// write lock and the table is AUTOINCREMENT, so the rows get consecutive ids ending at
/// `last_insert_rowid`, in the order of the VALUES: no `RETURNING`, whose rows would come
/// back one message each from SQLite's thread. [`check_ids`] confirms it per batch.
async fn insert_chunk(
    c: &mut sqlx::SqliteConnection,
    chunk: &[NewMember],
    now: &str,
) -> StoreResult<Vec<i64>> {
    let sql = format!(
        "INSERT OR FAIL INTO members (resident_id, name, mobile, union_id, joined_on, migrant_worker, updated_at) VALUES {}",
        Backend::Sqlite.values_list(chunk.len(), 7)
    );
    let mut q = sqlx::query(crate::dynamic(&sql));
    for m in chunk {
        q = q
            .bind(m.resident_id.as_str())
            .bind(&m.name)
            .bind(m.mobile.as_ref().map(Mobile::as_str))
            .bind(m.union_id)
            .bind(codes::date_text(m.joined_on))
            .bind(m.migrant_worker)
            .bind(now);
    }
    let done = q.execute(&mut *c).await?;
    let n = i64::try_from(done.rows_affected()).unwrap_or(0);
    let last = done.last_insert_rowid();
    Ok((last - n + 1..=last).collect())
}

/// Confirms that the members with ids from `first` on are exactly the `count` just
/// written, ending at `last` (SQLite, see [`insert_chunk`]).
async fn check_ids(tx: &mut Tx, first: i64, last: i64, count: usize) -> StoreResult<()> {
    let (n, lo, hi): (i64, Option<i64>, Option<i64>) = on_tx!(tx, |c| sqlx::query_as(
        "SELECT COUNT(*), MIN(id), MAX(id) FROM members WHERE id >= $1"
    )
    .bind(first)
    .fetch_one(&mut *c)
    .await?);
    if usize::try_from(n).ok() != Some(count) || lo != Some(first) || hi != Some(last) {
        return Err(StoreError::Conflict(
            "写入会员时编号不连续，已撤销本次写入".to_string(),
        ));
    }
    Ok(())
}

/// One COPY (PostgreSQL) with the ids taken beforehand from the identity's sequence, in
/// one statement for the whole chunk: reading them back by resident ID afterwards (a
/// thousand unique-index probes and a sort per chunk) cost more than the COPY itself
/// (bench/RESULTS.md, issue 14). `GENERATED BY DEFAULT` accepts the given ids, and the
/// sequence never hands them out again.
async fn copy_chunk(
    c: &mut sqlx::PgConnection,
    chunk: &[NewMember],
    now: &str,
) -> StoreResult<Vec<i64>> {
    let count = i64::try_from(chunk.len()).unwrap_or(i64::MAX);
    let mut ids: Vec<i64> = sqlx::query_scalar(
        "SELECT nextval(pg_get_serial_sequence('members', 'id')) FROM generate_series(1, $1)",
    )
    .bind(count)
    .fetch_all(&mut *c)
    .await?;
    ids.sort_unstable();
    let mut data = String::with_capacity(chunk.len() * 112);
    for (m, id) in chunk.iter().zip(&ids) {
        let id = id.to_string();
        let union_id = m.union_id.to_string();
        let joined = codes::date_text(m.joined_on);
        crate::pgcopy::row(
            &mut data,
            &[
                Some(&id),
                Some(m.resident_id.as_str()),
                Some(&m.name),
                m.mobile.as_ref().map(Mobile::as_str),
                Some(&union_id),
                Some(&joined),
                Some(if m.migrant_worker { "t" } else { "f" }),
                Some(now),
            ],
        );
    }
    crate::pgcopy::copy_in(
        &mut *c,
        "COPY members (id, resident_id, name, mobile, union_id, joined_on, migrant_worker, updated_at) FROM STDIN",
        data,
    )
    .await?;
    Ok(ids)
}

/// The id and union of the member with this resident ID, if registered.
pub async fn find(tx: &mut Tx, resident_id: &str) -> StoreResult<Option<(i64, i64)>> {
    Ok(on_tx!(tx, |c| sqlx::query_as(
        "SELECT id, union_id FROM members WHERE resident_id = $1"
    )
    .bind(resident_id)
    .fetch_optional(&mut *c)
    .await?))
}

/// Of registered members with what an import row says of each (member id, current
/// union, the row), those whose record says something else: the ones
/// [`update_from_row`] would write. An export re-imported whole is mostly identical rows;
/// they are read back 500 to a statement instead of costing three queries each.
pub async fn differing(
    tx: &mut Tx,
    rows: Vec<(i64, i64, NewMember)>,
) -> StoreResult<Vec<(i64, i64, NewMember)>> {
    /// The columns an import row sets, as stored.
    type Stored = (String, Option<String>, i64, String, bool);
    let mut stored: HashMap<i64, Stored> = HashMap::with_capacity(rows.len());
    for chunk in rows.chunks(500) {
        let sql = format!(
            "SELECT id, name, mobile, union_id, joined_on, migrant_worker FROM members WHERE id IN {}",
            tx.backend().values_list(1, chunk.len())
        );
        let binds: Vec<Bind> = chunk.iter().map(|(id, _, _)| (*id).into()).collect();
        let found = query::rows(
            &mut *tx,
            &sql,
            &binds,
            |(id, name, mobile, union_id, joined_on, migrant): (
                i64,
                String,
                Option<String>,
                i64,
                String,
                bool,
            )| { Ok((id, (name, mobile, union_id, joined_on, migrant))) },
        )
        .await?;
        stored.extend(found);
    }
    Ok(rows
        .into_iter()
        .filter(|(id, _, m)| {
            stored
                .get(id)
                .is_none_or(|(name, mobile, union_id, joined_on, migrant)| {
                    *name != m.name
                        || mobile.as_deref() != m.mobile.as_ref().map(Mobile::as_str)
                        || *union_id != m.union_id
                        || *joined_on != codes::date_text(m.joined_on)
                        || *migrant != m.migrant_worker
                })
        })
        .collect())
}

/// Updates a member from an import row (audited). A different union is a transfer, kept in
/// the history; an identical row writes nothing. Returns whether anything changed.
pub async fn update_from_row(
    tx: &mut Tx,
    actor: &str,
    id: i64,
    old_union: i64,
    m: &NewMember,
    today: NaiveDate,
) -> StoreResult<bool> {
    let recount = Recount::begin(tx, id).await?;
    let change = audit::Change::begin(tx, &MEMBERS, id).await?;
    let changed = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE members SET name = $1, mobile = $2, union_id = $3, joined_on = $4, migrant_worker = $5, updated_at = $6
         WHERE id = $7 AND NOT (name = $1 AND mobile IS NOT DISTINCT FROM $2 AND union_id = $3 AND joined_on = $4
                                AND migrant_worker = $5)"
    )
    .bind(&m.name)
    .bind(m.mobile.as_ref().map(Mobile::as_str))
    .bind(m.union_id)
    .bind(codes::date_text(m.joined_on))
    .bind(m.migrant_worker)
    .bind(crate::now_text())
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    if changed == 0 {
        return Ok(false);
    }
    let action = if old_union != m.union_id {
        "transfer"
    } else {
        "update"
    };
    change.finish(tx, actor, action).await?;
    recount.finish(tx).await?;
    if old_union != m.union_id {
        insert_transfer(tx, actor, id, old_union, m.union_id, today).await?;
    }
    Ok(true)
}

async fn insert_transfer(
    tx: &mut Tx,
    actor: &str,
    member_id: i64,
    from: i64,
    to: i64,
    on: NaiveDate,
) -> StoreResult<()> {
    audit::insert(
        tx,
        actor,
        &TRANSFERS,
        "INSERT INTO member_transfers (member_id, from_union_id, to_union_id, transferred_on, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        &[
            member_id.into(),
            from.into(),
            to.into(),
            Bind::from(codes::date_text(on)),
            Bind::from(crate::now_text()),
        ],
    )
    .await
    .map(|_| ())
}

/// Registers a member from the form. One record per resident ID in the whole system: an ID
/// already registered is refused, naming the union only if the caller may see it.
pub async fn add(tx: &mut Tx, actor: &str, scope: Scope, m: &NewMember) -> StoreResult<i64> {
    organisations::get_for_change(&mut *tx, scope, m.union_id).await?;
    if m.name.trim().is_empty() {
        return Err(StoreError::from(Refusal::NameMissing));
    }
    if find(tx, m.resident_id.as_str()).await?.is_some() {
        let message = match by_resident_id(&mut *tx, scope, &m.resident_id).await {
            Ok(existing) => format!(
                "该身份证号已登记为会员（{}，{}）",
                existing.name, existing.union_name
            ),
            // Outside the caller's township: say only that it cannot be registered here,
            // not where it is (that would tell staff about another township's members).
            Err(_) => "该身份证号不能在此登记，如需转入请联系市总工会".to_string(),
        };
        return Err(StoreError::Conflict(message));
    }
    insert_many(tx, actor, std::slice::from_ref(m)).await?;
    let (id, _) = find(tx, m.resident_id.as_str())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(id)
}

/// Moves a member to another union on `on` (audited), keeping the history: the member's
/// union changes and the move is added to the history. The checks read inside the same
/// transaction, so two requests cannot both pass them.
pub async fn transfer(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    to_union: i64,
    on: NaiveDate,
) -> StoreResult<()> {
    let m = get(&mut *tx, scope, id).await?;
    if !m.active() {
        return Err(StoreError::from(Refusal::TransferAfterLeaving));
    }
    if m.union_id == to_union {
        return Err(StoreError::from(Refusal::TransferToSameUnion));
    }
    if on < m.joined_on {
        return Err(StoreError::from(Refusal::TransferBeforeJoining));
    }
    // One rule with the import: township staff move members between their township's
    // unions; a move to another township is the city federation's.
    let target = organisations::get(&mut *tx, Scope::City, to_union).await?;
    if !scope.allows_code(target.township.map(|t| t.code())) {
        return Err(StoreError::from(Refusal::TransferOutsideTownship));
    }
    let (from, to) = (m.union_id, to_union);
    let recount = Recount::begin(tx, id).await?;
    let change = audit::Change::begin(tx, &MEMBERS, id).await?;
    // The state checked above is required again by the UPDATE: on PostgreSQL a concurrent
    // transfer or leave that read the member first waits for the row, then matches nothing.
    let changed = on_tx!(tx, |c| sqlx::query(
        "UPDATE members SET union_id = $1, updated_at = $2
         WHERE id = $3 AND union_id = $4 AND left_on IS NULL"
    )
    .bind(to)
    .bind(crate::now_text())
    .bind(id)
    .bind(from)
    .execute(&mut *c)
    .await?
    .rows_affected());
    if changed == 0 {
        return Err(Refusal::MemberChangedMeanwhile.into());
    }
    change.finish(tx, actor, "transfer").await?;
    recount.finish(tx).await?;
    insert_transfer(tx, actor, id, from, to, on).await
}

/// Records that a member left on `on` (audited); the record stays, marked. The checks read
/// inside the same transaction, and the write matches only a member still in, so a double
/// submission cannot leave twice.
pub async fn leave(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    on: NaiveDate,
) -> StoreResult<()> {
    let m = get(&mut *tx, scope, id).await?;
    if !m.active() {
        return Err(StoreError::from(Refusal::MemberAlreadyLeft));
    }
    if on < m.joined_on {
        return Err(StoreError::from(Refusal::LeaveBeforeJoining));
    }
    let recount = Recount::begin(tx, id).await?;
    let change = audit::Change::begin(tx, &MEMBERS, id).await?;
    // `left_on IS NULL` again in the UPDATE: on PostgreSQL a concurrent leave that read the
    // member before this one committed waits for the row and then matches nothing.
    let changed = on_tx!(tx, |c| sqlx::query(
        "UPDATE members SET left_on = $1, updated_at = $2 WHERE id = $3 AND left_on IS NULL"
    )
    .bind(codes::date_text(on))
    .bind(crate::now_text())
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected());
    if changed == 0 {
        return Err(Refusal::MemberAlreadyLeft.into());
    }
    change.finish(tx, actor, "leave").await?;
    recount.finish(tx).await
}
