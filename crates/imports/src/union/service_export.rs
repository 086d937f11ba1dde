//! Exports of the services' lists (activities, participations, honours) in their imports'
//! columns, so an exported file re-imports.

use super::{
    activities as activity_sheet, honours as honour_sheet, participations as participation_sheet,
};
use crate::engine::ImportError;
use crate::kind::ImportKind;
use sheets::SheetWriter;
use std::path::Path;
use store::Db;
use store::union::Scope;
use store::union::activities::{self, ActivityFilter};
use store::union::honours::{self, HonourFilter};
use store::union::participations;

/// Writes every record of a services `kind` in `scope` to `out`; the number of rows.
pub async fn run(db: &Db, kind: ImportKind, out: &Path, scope: Scope) -> Result<u64, ImportError> {
    let rows: Vec<Vec<String>> = match kind {
        ImportKind::Activities => {
            activities::list(db, scope, &ActivityFilter::default(), i64::MAX, 0)
                .await?
                .0
                .iter()
                .filter(|a| scope.allows_code(a.township().map(|t| t.code())))
                .map(activity_sheet::cells)
                .collect()
        }
        ImportKind::Participations => participations::all(db, scope, None)
            .await?
            .iter()
            .map(|p| participation_sheet::cells(p, false))
            .collect(),
        ImportKind::Honours => honours::list(db, scope, &HonourFilter::default(), i64::MAX, 0)
            .await?
            .0
            .iter()
            .map(|h| honour_sheet::cells(h, false))
            .collect(),
        other => return Err(super::not_here(other)),
    };
    let columns = match kind {
        ImportKind::Activities => activity_sheet::COLUMNS,
        ImportKind::Participations => participation_sheet::COLUMNS,
        _ => honour_sheet::COLUMNS,
    };
    let mut w = SheetWriter::new(&super::export::headers(columns))?;
    for row in &rows {
        w.write_row(row)?;
    }
    w.finish(out)?;
    Ok(rows.len() as u64)
}
