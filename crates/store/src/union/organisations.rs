//! The union tree: city federation → township federations → enterprise and joint unions.
//! Officers of each union are in [`super::officers`].

use super::codes::{self, DbCode};
use super::services::visible_row;
use super::{Scope, enterprises};
use crate::audit::{self, AuditedTable};
use crate::db::{Conn, Db, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use crate::{on_pool, on_tx};
use chrono::NaiveDate;
use domain::union::organisation::{UnionKind, validate_parent};
use domain::union::township::Township;
use std::collections::HashMap;

/// The unions table as audited.
pub const UNIONS: AuditedTable = AuditedTable {
    entity: "union",
    table: "unions",
    secret_columns: &[],
};

/// A union organisation with the counts its pages show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionOrg {
    /// Database id.
    pub id: i64,
    /// Name, unique (imports refer to unions by name).
    pub name: String,
    /// Kind.
    pub kind: UnionKind,
    /// Parent union.
    pub parent_id: Option<i64>,
    /// Township (none for the city federation).
    pub township: Option<Township>,
    /// Founding date, `YYYY-MM-DD`.
    pub founded_on: Option<String>,
    /// For township federations: when the "专+兼" reform took effect.
    pub reform_effective_on: Option<String>,
    /// Enterprises it covers.
    pub enterprises: i64,
    /// Members currently registered with it.
    pub members: i64,
}

#[derive(sqlx::FromRow)]
struct UnionRow {
    id: i64,
    name: String,
    kind: String,
    parent_id: Option<i64>,
    township: Option<String>,
    founded_on: Option<String>,
    reform_effective_on: Option<String>,
    enterprises: i64,
    members: i64,
}

impl UnionRow {
    fn into_org(self) -> StoreResult<UnionOrg> {
        Ok(UnionOrg {
            id: self.id,
            name: self.name,
            kind: UnionKind::from_code(&self.kind)?,
            parent_id: self.parent_id,
            township: self.township.as_deref().map(codes::township).transpose()?,
            founded_on: self.founded_on,
            reform_effective_on: self.reform_effective_on,
            enterprises: self.enterprises,
            members: self.members,
        })
    }
}

const SELECT: &str =
    "SELECT u.id, u.name, u.kind, u.parent_id, u.township, u.founded_on, u.reform_effective_on,
    (SELECT COUNT(*) FROM enterprises e WHERE e.union_id = u.id) AS enterprises,
    COALESCE((SELECT t.active FROM union_member_totals t WHERE t.union_id = u.id), 0) AS members
    FROM unions u";

/// Every union the scope may see, parents before children (a township's staff see their
/// township's unions; the city federation is shown to everyone as the root).
pub async fn list(db: &Db, scope: Scope) -> StoreResult<Vec<UnionOrg>> {
    let sql = format!(
        "{SELECT} LEFT JOIN townships t ON t.code = u.township
         WHERE ($1 IS NULL OR u.township = $1 OR u.township IS NULL)
         ORDER BY COALESCE(t.position, -1), u.kind <> 'city_federation', u.kind <> 'township_federation', u.name"
    );
    let rows: Vec<UnionRow> = on_pool!(db, |p| sqlx::query_as(crate::dynamic(&sql))
        .bind(scope.township_code())
        .fetch_all(p)
        .await?);
    rows.into_iter().map(UnionRow::into_org).collect()
}

/// One node of the tree as pages draw it.
#[derive(Debug, Clone)]
pub struct TreeNode {
    /// The union.
    pub union: UnionOrg,
    /// Depth from the root (0 for the city federation).
    pub depth: usize,
}

/// The scope's unions in tree order (depth-first, children by name).
pub async fn tree(db: &Db, scope: Scope) -> StoreResult<Vec<TreeNode>> {
    let all = list(db, scope).await?;
    let ids: std::collections::HashSet<i64> = all.iter().map(|u| u.id).collect();
    let mut children: HashMap<Option<i64>, Vec<UnionOrg>> = HashMap::new();
    for u in all {
        // A parent outside the list (another township's) makes the union a root here.
        let parent = u.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(u);
    }
    let mut out = Vec::new();
    let mut stack: Vec<(UnionOrg, usize)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|u| (u, 0))
        .collect();
    while let Some((u, depth)) = stack.pop() {
        if let Some(kids) = children.remove(&Some(u.id)) {
            stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
        }
        out.push(TreeNode { union: u, depth });
    }
    Ok(out)
}

/// One union; not found outside the scope (the city federation is visible to all).
pub async fn get(conn: impl Into<Conn<'_>>, scope: Scope, id: i64) -> StoreResult<UnionOrg> {
    let sql = format!("{SELECT} WHERE u.id = $1");
    visible_row(conn, scope, &sql, id, UnionRow::into_org, |u: &UnionOrg| {
        u.township
    })
    .await
}

/// One union that the scope may change (the city federation only by the city).
pub async fn get_for_change(
    conn: impl Into<Conn<'_>>,
    scope: Scope,
    id: i64,
) -> StoreResult<UnionOrg> {
    let u = get(conn, scope, id).await?;
    if !scope.allows_code(u.township.map(Township::code)) {
        return Err(StoreError::NotFound);
    }
    Ok(u)
}

/// What the lookups of imports and forms need to know about a union.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnionRef {
    /// Database id.
    pub id: i64,
    /// Kind.
    pub kind: UnionKind,
    /// Township code's township, if any.
    pub township: Option<Township>,
}

/// Every union by name, read once per import.
pub async fn lookup(tx: &mut Tx) -> StoreResult<HashMap<String, UnionRef>> {
    let rows: Vec<(i64, String, String, Option<String>)> = on_tx!(tx, |c| sqlx::query_as(
        "SELECT id, name, kind, township FROM unions"
    )
    .fetch_all(&mut *c)
    .await?);
    rows.into_iter()
        .map(|(id, name, kind, township)| {
            let township = township.as_deref().map(codes::township).transpose()?;
            Ok((
                name,
                UnionRef {
                    id,
                    kind: UnionKind::from_code(&kind)?,
                    township,
                },
            ))
        })
        .collect()
}

/// What creating a union needs.
#[derive(Debug, Clone)]
pub struct UnionInput {
    /// Name (unique).
    pub name: String,
    /// Kind.
    pub kind: UnionKind,
    /// Parent union (none only for the city federation).
    pub parent: Option<UnionRef>,
    /// Township (none only for the city federation).
    pub township: Option<Township>,
    /// Founding date.
    pub founded_on: Option<NaiveDate>,
}

/// Checks where a union may sit: the domain's parent rule, then the township rules the
/// coverage counts rely on (a union's township is its parent federation's township).
pub fn check_placement(u: &UnionInput) -> StoreResult<()> {
    validate_parent(u.kind, u.parent.map(|p| p.kind))?;
    match (u.kind, u.township) {
        (UnionKind::CityFederation, Some(_)) => {
            return Err(Refusal::CityFederationInTownship.into());
        }
        (UnionKind::CityFederation, None) => {}
        (kind, None) => return Err(Refusal::TownshipMissing(kind).into()),
        (_, Some(t)) => {
            if let Some(p) = u.parent.filter(|p| p.kind == UnionKind::TownshipFederation)
                && p.township != Some(t)
            {
                return Err(Refusal::TownshipDiffersFromParent {
                    township: t,
                    parent: p.township,
                }
                .into());
            }
        }
    }
    Ok(())
}

/// Checks the one-per-place rules: one city federation, one federation per township. The
/// outer result is the database's; the inner one the rule's, so that an import can report
/// it on the row.
pub async fn check_unique_federation(
    tx: &mut Tx,
    u: &UnionInput,
    except: Option<i64>,
) -> StoreResult<Result<(), Refusal>> {
    if !u.kind.is_federation() {
        return Ok(Ok(()));
    }
    let existing: Option<String> = query::value(
        &mut *tx,
        "SELECT name FROM unions WHERE kind = $1 AND township IS NOT DISTINCT FROM $2 AND id IS DISTINCT FROM $3 LIMIT 1",
        &[u.kind.code().into(), Bind::from(u.township.map(Township::code)), except.into()],
    )
    .await?;
    Ok(match existing {
        Some(name) => Err(Refusal::FederationExists { kind: u.kind, name }),
        None => Ok(()),
    })
}

/// Inserts a union (audited); the caller has checked placement and uniqueness.
pub async fn insert(tx: &mut Tx, actor: &str, u: &UnionInput) -> StoreResult<i64> {
    let now = crate::now_text();
    let id = audit::insert(
        tx,
        actor,
        &UNIONS,
        "INSERT INTO unions (name, kind, parent_id, township, founded_on, reform_effective_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $6) RETURNING id",
        &[
            Bind::from(&u.name),
            u.kind.code().into(),
            Bind::from(u.parent.map(|p| p.id)),
            Bind::from(u.township.map(Township::code)),
            Bind::from(u.founded_on.map(codes::date_text)),
            Bind::from(&now),
        ],
    )
    .await?;
    Ok(id)
}

/// Updates a union's place and founding date (audited); nothing is written when nothing
/// changes.
pub async fn update(tx: &mut Tx, actor: &str, id: i64, u: &UnionInput) -> StoreResult<bool> {
    let was: Option<Option<String>> = query::value(
        &mut *tx,
        "SELECT township FROM unions WHERE id = $1",
        &[id.into()],
    )
    .await?;
    if let Some(was) = was {
        // The members' counters follow the union to its new township.
        crate::union::members::counts::union_moved(
            tx,
            id,
            was.as_deref(),
            u.township.map(Township::code),
        )
        .await?;
    }
    let change = audit::Change::begin(tx, &UNIONS, id).await?;
    let changed = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE unions SET kind = $1, parent_id = $2, township = $3, founded_on = $4, updated_at = $5
         WHERE id = $6 AND (kind <> $1 OR parent_id IS DISTINCT FROM $2 OR township IS DISTINCT FROM $3
                            OR founded_on IS DISTINCT FROM $4)"
    )
    .bind(u.kind.code())
    .bind(u.parent.map(|p| p.id))
    .bind(u.township.map(Township::code))
    .bind(u.founded_on.map(codes::date_text))
    .bind(crate::now_text())
    .bind(id)
    .execute(&mut *c)
    .await?
    .rows_affected()
    });
    if changed > 0 {
        change.finish(tx, actor, "update").await?;
    }
    Ok(changed > 0)
}

/// The federation an enterprise union of `township` hangs under: the township's
/// federation, or the city federation if the township has none yet.
pub async fn federation_for(tx: &mut Tx, township: Township) -> StoreResult<Option<UnionRef>> {
    let row: Option<(i64, String)> = on_tx!(tx, |c| {
        sqlx::query_as(
        "SELECT id, kind FROM unions WHERE (kind = 'township_federation' AND township = $1) OR kind = 'city_federation'
         ORDER BY kind = 'city_federation' LIMIT 1"
    )
    .bind(township.code())
    .fetch_optional(&mut *c)
    .await?
    });
    row.map(|(id, kind)| {
        let kind = UnionKind::from_code(&kind)?;
        let township = (kind == UnionKind::TownshipFederation).then_some(township);
        Ok(UnionRef { id, kind, township })
    })
    .transpose()
}

/// Founds an enterprise union for one enterprise (the checklist's 消号): the union is
/// created under the township's federation and covers the enterprise from now on.
pub async fn found_for_enterprise(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    enterprise_id: i64,
    name: &str,
    founded_on: NaiveDate,
) -> StoreResult<i64> {
    let e = enterprises::get(&mut *tx, scope, enterprise_id).await?;
    if e.union_id.is_some() {
        return Err(Refusal::EnterpriseHasUnion(e.name).into());
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::from(Refusal::UnionNameMissing));
    }
    let parent = federation_for(tx, e.township)
        .await?
        .ok_or_else(|| StoreError::from(Refusal::NoFederation))?;
    let input = UnionInput {
        name: name.to_string(),
        kind: UnionKind::EnterpriseUnion,
        parent: Some(parent),
        township: Some(e.township),
        founded_on: Some(founded_on),
    };
    check_placement(&input)?;
    if name_taken(tx, name).await? {
        return Err(StoreError::Conflict(format!("工会名称已存在：{name}")));
    }
    let id = insert(tx, actor, &input).await?;
    enterprises::set_union(tx, actor, enterprise_id, Some(id)).await?;
    Ok(id)
}

/// Puts an enterprise under an existing joint (or enterprise) union of its township.
pub async fn cover_enterprise(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    enterprise_id: i64,
    union_id: i64,
) -> StoreResult<()> {
    let e = enterprises::get(&mut *tx, scope, enterprise_id).await?;
    let u = get_for_change(&mut *tx, scope, union_id).await?;
    if u.kind.is_federation() {
        return Err(StoreError::from(Refusal::CoveredByFederation));
    }
    if u.township != Some(e.township) {
        return Err(StoreError::from(Refusal::CoveredFromOtherTownship));
    }
    enterprises::set_union(tx, actor, enterprise_id, Some(union_id)).await
}

/// Whether a union of this name exists.
pub async fn name_taken(tx: &mut Tx, name: &str) -> StoreResult<bool> {
    let found: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM unions WHERE name = $1",
        &[Bind::Text(name.to_string())],
    )
    .await?;
    Ok(found.is_some())
}

/// Records when a township federation's reform took effect, or clears it (audited).
pub async fn set_reform(
    tx: &mut Tx,
    actor: &str,
    scope: Scope,
    id: i64,
    on: Option<NaiveDate>,
) -> StoreResult<()> {
    let u = get_for_change(&mut *tx, scope, id).await?;
    if u.kind != UnionKind::TownshipFederation {
        return Err(StoreError::from(Refusal::ReformNotTownshipFederation));
    }
    let change = audit::Change::begin(tx, &UNIONS, id).await?;
    query::execute(
        &mut *tx,
        "UPDATE unions SET reform_effective_on = $1, updated_at = $2 WHERE id = $3",
        &[
            Bind::from(on.map(codes::date_text)),
            Bind::from(crate::now_text()),
            id.into(),
        ],
    )
    .await?;
    change.finish(tx, actor, "reform").await
}

/// Creates a union from the form (a joint union, a federation …), checked like an import
/// row: placement, one federation per place, unique name, and the caller's scope.
pub async fn create(tx: &mut Tx, actor: &str, scope: Scope, u: &UnionInput) -> StoreResult<i64> {
    if u.name.trim().is_empty() {
        return Err(StoreError::from(Refusal::UnionNameMissing));
    }
    if !scope.allows_code(u.township.map(Township::code)) {
        return Err(StoreError::from(Refusal::UnionOutsideTownship));
    }
    check_placement(u)?;
    check_unique_federation(tx, u, None).await??;
    if name_taken(tx, &u.name).await? {
        return Err(StoreError::Conflict(format!("工会名称已存在：{}", u.name)));
    }
    insert(tx, actor, u).await
}

/// The unions directly under `parent`, by name.
pub async fn children(db: &Db, parent: i64) -> StoreResult<Vec<UnionOrg>> {
    let sql = format!("{SELECT} WHERE u.parent_id = $1 ORDER BY u.name");
    let rows: Vec<UnionRow> = on_pool!(db, |p| sqlx::query_as(crate::dynamic(&sql))
        .bind(parent)
        .fetch_all(p)
        .await?);
    rows.into_iter().map(UnionRow::into_org).collect()
}
