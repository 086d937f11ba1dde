//! The real-name member registry (会员实名制): one record per resident ID across the whole
//! system, transfers between unions with their history, leaving without deleting.

use super::Scope;
use super::codes;
use super::sql::{Bind, Where, prefix_upper};
use crate::audit::AuditedTable;
use crate::db::{Conn, Db};
use crate::error::{StoreError, StoreResult};
use crate::keyset::{self, Cursor, KeyValue};
use crate::{bind_where, on_conn, on_pool, query};
use chrono::NaiveDate;
use domain::platform::masking::{mask_id, mask_mobile, mask_name};
use domain::platform::{Mobile, ResidentId};
use domain::union::township::Township;

/// The members table as audited.
pub const MEMBERS: AuditedTable = AuditedTable {
    entity: "member",
    table: "members",
    secret_columns: &[],
};

/// The transfers table as audited.
pub const TRANSFERS: AuditedTable = AuditedTable {
    entity: "member_transfer",
    table: "member_transfers",
    secret_columns: &[],
};

/// A member with the union they belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Database id.
    pub id: i64,
    /// Resident ID (the natural key).
    pub resident_id: ResidentId,
    /// Name.
    pub name: String,
    /// Mobile.
    pub mobile: Option<Mobile>,
    /// Current union.
    pub union_id: i64,
    /// Its name.
    pub union_name: String,
    /// Its township (none for the city federation).
    pub township: Option<Township>,
    /// Join date.
    pub joined_on: NaiveDate,
    /// Migrant worker (农民工).
    pub migrant_worker: bool,
    /// When the member left; the record stays.
    pub left_on: Option<NaiveDate>,
}

impl Member {
    /// Sex as the ID encodes it (`男`/`女`).
    pub fn sex_label(&self) -> &'static str {
        self.resident_id.sex().label()
    }

    /// Birth date as the ID encodes it.
    pub fn birth_date(&self) -> NaiveDate {
        self.resident_id.birth_date()
    }

    /// Age in full years on `date`.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        self.resident_id.age_on(date)
    }

    /// The ID as lists show it: `330182********123X`.
    pub fn masked_id(&self) -> String {
        mask_id(self.resident_id.as_str())
    }

    /// The mobile as lists show it: `138****5678`.
    pub fn masked_mobile(&self) -> String {
        self.mobile
            .as_ref()
            .map(|m| mask_mobile(m.as_str()))
            .unwrap_or_default()
    }

    /// The name as public pages show it: `张*三`.
    pub fn masked_name(&self) -> String {
        mask_name(&self.name)
    }

    /// Still a member (has not left).
    pub fn active(&self) -> bool {
        self.left_on.is_none()
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    resident_id: String,
    name: String,
    mobile: Option<String>,
    union_id: i64,
    union_name: String,
    township: Option<String>,
    joined_on: String,
    migrant_worker: bool,
    left_on: Option<String>,
}

impl MemberRow {
    fn into_member(self) -> StoreResult<Member> {
        Ok(Member {
            id: self.id,
            resident_id: ResidentId::parse(&self.resident_id).map_err(|e| {
                StoreError::corrupt(format!(
                    "数据库中的身份证号无法识别：{}（{e}）",
                    self.resident_id
                ))
            })?,
            name: self.name,
            mobile: self
                .mobile
                .as_deref()
                .map(|m| {
                    Mobile::parse(m).map_err(|e| {
                        StoreError::corrupt(format!("数据库中的手机号无法识别：{m}（{e}）"))
                    })
                })
                .transpose()?,
            union_id: self.union_id,
            union_name: self.union_name,
            township: self.township.as_deref().map(codes::township).transpose()?,
            joined_on: codes::stored_date(&self.joined_on)?,
            migrant_worker: self.migrant_worker,
            left_on: self
                .left_on
                .as_deref()
                .map(codes::stored_date)
                .transpose()?,
        })
    }
}

const SELECT: &str =
    "SELECT m.id, m.resident_id, m.name, m.mobile, m.union_id, u.name AS union_name,
    u.township, m.joined_on, m.migrant_worker, m.left_on
    FROM members m JOIN unions u ON u.id = m.union_id";

/// How the member list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MemberSort {
    /// Latest registered first: the table's own order, instant at any size.
    #[default]
    Newest,
    /// Latest join date first (sorts the matching members).
    Joined,
    /// By name.
    Name,
    /// Grouped by union (in the order unions were registered), then by name.
    Union,
}

impl MemberSort {
    /// Every order the list offers.
    pub const ALL: [MemberSort; 4] = [
        MemberSort::Newest,
        MemberSort::Joined,
        MemberSort::Name,
        MemberSort::Union,
    ];

    /// Reads the `sort` query parameter; anything unknown is the default.
    pub fn parse(s: &str) -> MemberSort {
        match s {
            "name" => MemberSort::Name,
            "union" => MemberSort::Union,
            "joined" => MemberSort::Joined,
            _ => MemberSort::Newest,
        }
    }

    fn order_by(self) -> &'static str {
        match self {
            MemberSort::Newest => "m.id DESC",
            MemberSort::Joined => "m.joined_on DESC, m.id DESC",
            MemberSort::Name => "m.name, m.id",
            MemberSort::Union => "m.union_id, m.name, m.id",
        }
    }

    /// The same order as a keyset: each has an index of its own columns, so a page is an
    /// index range at any depth (`members_joined_id`, `members_name_id`,
    /// `members_union_name_id`; the newest first is the primary key).
    fn keyset(self) -> keyset::Order {
        let (columns, descending): (&'static [&'static str], bool) = match self {
            MemberSort::Newest => (&["m.id"], true),
            MemberSort::Joined => (&["m.joined_on", "m.id"], true),
            MemberSort::Name => (&["m.name", "m.id"], false),
            MemberSort::Union => (&["m.union_id", "m.name", "m.id"], false),
        };
        keyset::Order {
            columns,
            descending,
        }
    }

    /// The cursor of the page that starts after `m` in this order (for links, and for
    /// the benchmark to start deep in the list).
    pub fn after(self, m: &Member) -> Cursor {
        Cursor {
            side: keyset::Side::After,
            key: self.key(m),
        }
    }

    /// A member's key in this order.
    fn key(self, m: &Member) -> Vec<KeyValue> {
        let (id, name) = (KeyValue::Int(m.id), KeyValue::Text(m.name.clone()));
        match self {
            MemberSort::Newest => vec![id],
            MemberSort::Joined => vec![KeyValue::Text(m.joined_on.to_string()), id],
            MemberSort::Name => vec![name, id],
            MemberSort::Union => vec![KeyValue::Int(m.union_id), name, id],
        }
    }
}

/// Filters of the member list; unset filters do not restrict.
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    /// A name (or its beginning), a resident ID or a mobile number.
    pub q: Option<String>,
    /// One township.
    pub township: Option<Township>,
    /// One union.
    pub union_id: Option<i64>,
    /// `Some(true)`: current members; `Some(false)`: those who left.
    pub active: Option<bool>,
    /// Migrant workers or not.
    pub migrant_worker: Option<bool>,
    /// Joined in this year.
    pub joined_year: Option<i32>,
    /// Order.
    pub sort: MemberSort,
}

/// Adds the search condition for `q`: an exact resident ID or mobile goes straight to its
/// unique index, a partial number scans, and anything else is a name prefix (indexed).
fn push_query(w: &mut Where, q: &str) {
    if let Ok(id) = ResidentId::parse(q) {
        w.push_with("m.resident_id = ?", vec![Bind::Text(id.as_str().into())]);
    } else if let Ok(m) = Mobile::parse(q) {
        w.push_with("m.mobile = ?", vec![Bind::Text(m.as_str().into())]);
    } else if q
        .chars()
        .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x')
    {
        let pattern = format!("%{}%", q.to_ascii_uppercase());
        w.push_with(
            "(m.resident_id LIKE ? OR m.mobile LIKE ?)",
            vec![Bind::Text(pattern.clone()), Bind::Text(pattern)],
        );
    } else {
        w.push_with(
            "(m.name >= ? AND m.name < ?)",
            vec![Bind::Text(q.into()), Bind::Text(prefix_upper(q))],
        );
    }
}

fn filter_sql(scope: Scope, f: &MemberFilter) -> Where {
    let mut w = Where::default();
    if let Some(code) = scope.township_code() {
        w.push_with("u.township = ?", vec![Bind::Text(code.into())]);
    }
    if let Some(t) = f.township {
        w.push_with("u.township = ?", vec![Bind::Text(t.code().into())]);
    }
    if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        push_query(&mut w, q);
    }
    if let Some(u) = f.union_id {
        w.push_with("m.union_id = ?", vec![Bind::Int(u)]);
    }
    match f.active {
        Some(true) => w.push("m.left_on IS NULL"),
        Some(false) => w.push("m.left_on IS NOT NULL"),
        None => {}
    }
    if let Some(mw) = f.migrant_worker {
        w.push_with("m.migrant_worker = ?", vec![Bind::Bool(mw)]);
    }
    if let Some((first, last)) = f.joined_year.map(crate::year_bounds) {
        w.push_with(
            "m.joined_on >= ? AND m.joined_on <= ?",
            vec![first.into(), last.into()],
        );
    }
    w
}

/// A page of members in scope, and how many match in all.
pub async fn list(
    db: &Db,
    scope: Scope,
    f: &MemberFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<(Vec<Member>, i64)> {
    query::page(
        db,
        (
            SELECT,
            "SELECT COUNT(*) FROM members m JOIN unions u ON u.id = m.union_id",
        ),
        &filter_sql(scope, f),
        f.sort.order_by(),
        (limit, offset),
        MemberRow::into_member,
    )
    .await
}

/// A page of members in scope read by keyset from `at` (the first page when `None`):
/// the list page and the API page this way, so any page costs what the first does. The
/// total comes from the counters when the filter is one they keep (township, status,
/// migrant workers, year of joining), else from counting the matches.
pub async fn list_from(
    db: &Db,
    scope: Scope,
    f: &MemberFilter,
    at: Option<&Cursor>,
    limit: i64,
) -> StoreResult<keyset::Page<Member>> {
    let total = match counted_total(db, scope, f).await? {
        Some(n) => keyset::Total::Known(n),
        None => keyset::Total::Count(
            "SELECT COUNT(*) FROM members m JOIN unions u ON u.id = m.union_id",
        ),
    };
    keyset::page(
        db,
        (SELECT, total),
        &filter_sql(scope, f),
        f.sort.keyset(),
        (at, limit),
        MemberRow::into_member,
        |m| f.sort.key(m),
    )
    .await
}

/// The number of members matching `f` in `scope` as the counters keep it, when the filter
/// asks only what they know (not a search or one union).
async fn counted_total(db: &Db, scope: Scope, f: &MemberFilter) -> StoreResult<Option<i64>> {
    let searching = f.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    if searching || f.union_id.is_some() {
        return Ok(None);
    }
    let township = match (scope.township_code(), f.township.map(Township::code)) {
        (Some(a), Some(b)) if a != b => return Ok(Some(0)),
        (a, b) => a.or(b),
    };
    let months = f.joined_year.map(counts::months_of);
    let n = counts::total(
        db,
        counts::Counted {
            township,
            months: months.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
            active: f.active,
            migrant_worker: f.migrant_worker,
        },
    )
    .await?;
    Ok(Some(n))
}

/// The next `size` members of the filtered list after `at` (the start when `None`), and
/// the cursor of the chunk after them: how an export walks a million members a chunk at a
/// time, in the list's order, without counting them each time.
pub async fn chunk_from(
    db: &Db,
    scope: Scope,
    f: &MemberFilter,
    at: Option<&Cursor>,
    size: i64,
) -> StoreResult<(Vec<Member>, Option<Cursor>)> {
    let (rows, next, _) = keyset::rows_from(
        db,
        SELECT,
        &filter_sql(scope, f),
        f.sort.keyset(),
        (at, size),
        MemberRow::into_member,
        |m| f.sort.key(m),
    )
    .await?;
    Ok((rows, next))
}

/// Members matching a name, ID or mobile, by name, at most `limit`: the first chunk of
/// the list searched, as the API's search reads it.
pub async fn search(db: &Db, scope: Scope, q: &str, limit: i64) -> StoreResult<Vec<Member>> {
    let f = MemberFilter {
        q: Some(q.to_string()),
        sort: MemberSort::Name,
        ..MemberFilter::default()
    };
    Ok(chunk_from(db, scope, &f, None, limit).await?.0)
}

async fn one(
    conn: impl Into<Conn<'_>>,
    scope: Scope,
    clause: &str,
    value: Bind,
) -> StoreResult<Member> {
    let mut conn = conn.into();
    let sql = format!("{SELECT} WHERE {clause}");
    let row: Option<MemberRow> = on_conn!(&mut conn, |c| {
        let q = bind_where!(
            sqlx::query_as(crate::dynamic(&sql)),
            std::iter::once(&value)
        );
        q.fetch_optional(&mut *c).await?
    });
    let m = row.ok_or(StoreError::NotFound)?.into_member()?;
    if !scope.allows_code(m.township.map(Township::code)) {
        return Err(StoreError::NotFound);
    }
    Ok(m)
}

/// One member; not found outside the scope.
pub async fn get(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<Member> {
    one(conn, scope, "m.id = $1", Bind::Int(id)).await
}

/// The member with this resident ID; not found outside the scope.
pub async fn by_resident_id(
    conn: impl Into<Conn<'_>>,
    scope: Scope,
    resident_id: &ResidentId,
) -> StoreResult<Member> {
    one(
        conn,
        scope,
        "m.resident_id = $1",
        Bind::Text(resident_id.as_str().into()),
    )
    .await
}

/// One transfer as the member's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Transfer {
    /// Date, `YYYY-MM-DD`.
    pub transferred_on: String,
    /// The union left.
    pub from_union: String,
    /// The union joined.
    pub to_union: String,
}

/// A member's transfers, oldest first.
pub async fn transfers(db: &Db, member_id: i64) -> StoreResult<Vec<Transfer>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as(
        "SELECT t.transferred_on, f.name AS from_union, n.name AS to_union
         FROM member_transfers t JOIN unions f ON f.id = t.from_union_id JOIN unions n ON n.id = t.to_union_id
         WHERE t.member_id = $1 ORDER BY t.transferred_on, t.id"
    )
    .bind(member_id)
    .fetch_all(p)
    .await?
    }))
}

mod aside;
mod change;
pub mod counts;
pub mod duplicates;
pub use aside::IndexesAside;
pub use change::{
    MEMBER_COLUMNS, NewMember, add, differing, find, insert_counting, insert_many, leave, transfer,
    update_from_row,
};

#[cfg(test)]
mod tests {
    use super::MemberSort;

    #[test]
    fn the_list_opens_newest_registered_first_and_sorts_by_join_date_on_request() {
        assert_eq!(MemberSort::parse(""), MemberSort::Newest);
        assert_eq!(MemberSort::parse("anything"), MemberSort::default());
        assert_eq!(MemberSort::parse("joined"), MemberSort::Joined);
        assert_eq!(MemberSort::Newest.order_by(), "m.id DESC");
    }
}
