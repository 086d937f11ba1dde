//! Exports in the imports' own columns, so that an exported file re-imports to the same
//! records; the web lists' "导出Excel" uses the same cells.

use super::Scope;
use super::enterprises::{self, Enterprise};
use super::import::{self, yes_no_text};
use super::members::Member;
use super::organisations::{self, TreeNode};
use crate::db::Db;
use crate::error::StoreError;
use crate::on_pool;
use crate::platform::import::ImportError;
use futures::TryStreamExt;
use sheets::{Column, SheetWriter};
use std::collections::HashMap;
use std::path::Path;

/// The header texts of an import's columns.
pub fn headers(columns: &[Column]) -> Vec<&'static str> {
    columns.iter().map(|c| c.name).collect()
}

/// An enterprise as an export row.
pub fn enterprise_cells(e: &Enterprise) -> Vec<String> {
    vec![
        e.name.clone(),
        e.credit_code.clone(),
        e.township.name().to_string(),
        e.headcount.to_string(),
        yes_no_text(e.provincial).to_string(),
    ]
}

/// A member as an export row; `masked` hides the ID and mobile (exports by readers who
/// may see only masked data).
pub fn member_cells(m: &Member, masked: bool) -> Vec<String> {
    let mobile = m.mobile.clone().unwrap_or_default();
    vec![
        m.name.clone(),
        if masked {
            m.masked_id()
        } else {
            m.resident_id.clone()
        },
        if masked { m.masked_mobile() } else { mobile },
        m.union_name.clone(),
        m.joined_on.clone(),
        yes_no_text(m.migrant_worker).to_string(),
    ]
}

/// The scope's unions as export rows, parents before children so the file re-imports.
/// A township's export leaves out the city federation, which its staff may not change.
pub async fn union_rows(db: &Db, scope: Scope) -> Result<Vec<Vec<String>>, StoreError> {
    let tree: Vec<TreeNode> = organisations::tree(db, scope).await?;
    let names: HashMap<i64, String> = tree
        .iter()
        .map(|n| (n.union.id, n.union.name.clone()))
        .collect();
    let mut covers: HashMap<i64, Vec<String>> = HashMap::new();
    for e in enterprises::all(db, scope).await? {
        if let Some(u) = e.union_id {
            covers.entry(u).or_default().push(e.credit_code);
        }
    }
    // Township staff get only what they may re-import: not the city federation above them.
    Ok(tree
        .into_iter()
        .filter(|n| scope.allows_code(n.union.township.map(|t| t.code())))
        .map(|n| {
            let u = n.union;
            let mut codes = covers.remove(&u.id).unwrap_or_default();
            codes.sort();
            vec![
                u.name,
                u.parent_id
                    .and_then(|p| names.get(&p).cloned())
                    .unwrap_or_default(),
                u.kind.label().to_string(),
                u.township.map(|t| t.name().to_string()).unwrap_or_default(),
                codes.join(";"),
                u.founded_on.unwrap_or_default(),
            ]
        })
        .collect())
}

/// Exports every record of `kind` in scope to `out`; the number of rows.
pub async fn run(
    db: &Db,
    kind: &str,
    out: &Path,
    scope: Scope,
) -> Option<Result<u64, ImportError>> {
    Some(match kind {
        "enterprises" => export_enterprises(db, out, scope).await,
        "unions" => export_unions(db, out, scope).await,
        "members" => export_members(db, out, scope).await,
        _ => return None,
    })
}

async fn export_enterprises(db: &Db, out: &Path, scope: Scope) -> Result<u64, ImportError> {
    let mut w = SheetWriter::new(&headers(import::enterprises::COLUMNS))?;
    let mut n = 0;
    for e in enterprises::all(db, scope).await? {
        w.write_row(&enterprise_cells(&e))?;
        n += 1;
    }
    w.finish(out)?;
    Ok(n)
}

async fn export_unions(db: &Db, out: &Path, scope: Scope) -> Result<u64, ImportError> {
    let mut w = SheetWriter::new(&headers(import::unions::COLUMNS))?;
    let mut n = 0;
    for row in union_rows(db, scope).await? {
        w.write_row(&row)?;
        n += 1;
    }
    w.finish(out)?;
    Ok(n)
}

/// Streams members to the sheet: a million rows never sit in memory at once.
async fn export_members(db: &Db, out: &Path, scope: Scope) -> Result<u64, ImportError> {
    let mut w = SheetWriter::new(&headers(import::members::COLUMNS))?;
    let mut n = 0u64;
    type Line = (String, String, Option<String>, String, String, bool);
    on_pool!(db, |p| {
        let mut rows = sqlx::query_as::<_, Line>(
            "SELECT m.name, m.resident_id, m.mobile, u.name, m.joined_on, m.migrant_worker
             FROM members m JOIN unions u ON u.id = m.union_id
             WHERE $1 IS NULL OR u.township = $1 ORDER BY m.id",
        )
        .bind(scope.township_code())
        .fetch(p);
        while let Some((name, id, mobile, union, joined, migrant)) =
            rows.try_next().await.map_err(StoreError::from)?
        {
            w.write_row(&[
                name,
                id,
                mobile.unwrap_or_default(),
                union,
                joined,
                yes_no_text(migrant).to_string(),
            ])?;
            n += 1;
        }
    });
    w.finish(out)?;
    Ok(n)
}
