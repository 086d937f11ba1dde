//! Exports in the imports' own columns, so that an exported file re-imports to the same
//! records; the web lists' "导出Excel" uses the same cells.

use super::yes_no_text;
use crate::engine::{ImportError, Progress};
use crate::kind::ImportKind;
use sheets::{Column, SheetWriter};
use std::collections::HashMap;
use std::path::Path;
use store::union::Scope;
use store::union::enterprises::{self, Enterprise};
use store::union::for_imports::{self, MemberLine};
use store::union::members::Member;
use store::union::organisations::{self, TreeNode};
use store::{Db, StoreError};

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
    let (id, mobile) = if masked {
        (m.masked_id(), m.masked_mobile())
    } else {
        (
            m.resident_id.to_string(),
            m.mobile
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        )
    };
    vec![
        m.name.clone(),
        id,
        mobile,
        m.union_name.clone(),
        m.joined_on.to_string(),
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

/// Exports every record of a union `kind` in scope to `out`; the number of rows. Members
/// (the one kind that runs to millions) are counted in `progress` as each row is
/// written, the smaller kinds when their sheet is done.
pub async fn run(
    db: &Db,
    kind: ImportKind,
    out: &Path,
    scope: Scope,
    progress: &Progress,
) -> Result<u64, ImportError> {
    let small = match kind {
        ImportKind::Members => return export_members(db, out, scope, progress).await,
        ImportKind::Enterprises => export_enterprises(db, out, scope).await,
        ImportKind::Unions => export_unions(db, out, scope).await,
        ImportKind::Activities | ImportKind::Participations | ImportKind::Honours => {
            super::service_export::run(db, kind, out, scope).await
        }
        ImportKind::Facilities => super::rights_export::facilities(db, out, scope).await,
        ImportKind::Contracts => super::rights_export::contracts(db, out, scope).await,
        other => Err(super::not_here(other)),
    };
    small.inspect(|&n| progress.wrote(n))
}

async fn export_enterprises(db: &Db, out: &Path, scope: Scope) -> Result<u64, ImportError> {
    let mut w = SheetWriter::new(&headers(super::enterprises::COLUMNS))?;
    let mut n = 0;
    for e in enterprises::all(db, scope).await? {
        w.write_row(&enterprise_cells(&e))?;
        n += 1;
    }
    w.finish(out)?;
    Ok(n)
}

async fn export_unions(db: &Db, out: &Path, scope: Scope) -> Result<u64, ImportError> {
    let mut w = SheetWriter::new(&headers(super::unions::COLUMNS))?;
    let mut n = 0;
    for row in union_rows(db, scope).await? {
        w.write_row(&row)?;
        n += 1;
    }
    w.finish(out)?;
    Ok(n)
}

/// Streams members to the sheet: a million rows never sit in memory at once.
async fn export_members(
    db: &Db,
    out: &Path,
    scope: Scope,
    progress: &Progress,
) -> Result<u64, ImportError> {
    let mut w = SheetWriter::new(&headers(super::members::COLUMNS))?;
    let mut n = 0u64;
    for_imports::each_member_line(db, scope, |m: MemberLine| -> Result<(), ImportError> {
        w.write_row(&[
            m.name,
            m.resident_id,
            m.mobile.unwrap_or_default(),
            m.union_name,
            m.joined_on,
            yes_no_text(m.migrant_worker).to_string(),
        ])?;
        n += 1;
        progress.wrote(1);
        Ok(())
    })
    .await?;
    w.finish(out)?;
    Ok(n)
}
