//! Exports of the relocation module in the imports' own columns, always with `项目编号`,
//! so that an exported file re-imports to the same records: codes shown as their Chinese
//! labels, areas as `120.35` and amounts in yuan, each read back exactly.

use super::layout;
use crate::engine::ImportError;
use crate::kind::ImportKind;
use domain::platform::{Fen, SquareMetres};
use domain::relocation::{AppraisalKind, BuildingStructure, HouseholdKind};
use sheets::SheetWriter;
use std::path::Path;
use store::Db;
use store::relocation::flats::{self, Flat, FlatFilter, FlatPlace};
use store::relocation::{for_imports, projects};

/// Exports every record of a relocation `kind` to `out`; the number of rows.
pub async fn export(db: &Db, kind: ImportKind, out: &Path) -> Result<u64, ImportError> {
    let rows = rows(db, kind).await?;
    let mut w = SheetWriter::new(&headers(kind)?)?;
    for r in &rows {
        w.write_row(r)?;
    }
    w.finish(out)?;
    Ok(rows.len() as u64)
}

/// Every record of `kind` as the cells of its file.
async fn rows(db: &Db, kind: ImportKind) -> Result<Vec<Vec<String>>, ImportError> {
    Ok(match kind {
        ImportKind::Households => for_imports::households(db)
            .await?
            .into_iter()
            .map(|h| {
                let kind = HouseholdKind::parse(&h.kind).map_or(h.kind, |k| k.label().to_string());
                let mobile = h.mobile.unwrap_or_default();
                let (project, code, name, id) = (h.project, h.code, h.head_name, h.head_id);
                let (village, group, residence) = (h.village, h.village_group, h.residence);
                vec![
                    project, code, kind, name, id, mobile, village, group, residence,
                ]
            })
            .collect(),
        ImportKind::HouseholdMembers => for_imports::members(db)
            .await?
            .into_iter()
            .map(|m| vec![m.project, m.household, m.name, m.resident_id, m.relation])
            .collect(),
        ImportKind::Buildings => for_imports::buildings(db)
            .await?
            .into_iter()
            .map(|b| {
                let structure = BuildingStructure::from_code(&b.structure)
                    .map_or(b.structure, |s| s.label().to_string());
                let measured = SquareMetres(b.measured_area).to_string();
                let legal = SquareMetres(b.legal_area).to_string();
                let (project, household, no) = (b.project, b.household, b.certificate_no);
                vec![
                    project,
                    household,
                    no,
                    structure,
                    measured,
                    legal,
                    b.approvals,
                ]
            })
            .collect(),
        ImportKind::Appraisals => for_imports::appraisals(db)
            .await?
            .into_iter()
            .map(|a| {
                let kind = AppraisalKind::parse(&a.kind).map_or(a.kind, |k| k.label().to_string());
                let amount = Fen(a.amount).to_yuan_string();
                vec![a.project, a.household, a.item, amount, kind, a.appraiser]
            })
            .collect(),
        ImportKind::Flats => {
            let mut rows = Vec::new();
            for p in projects::all(db).await? {
                for f in flats::list(db, p.id, &FlatFilter::default()).await? {
                    rows.push(flat_row(&p.code, f));
                }
            }
            rows
        }
        other => return Err(crate::union::not_here(other)),
    })
}

/// A unit of project `project_code` as the cells of a `flats` file, in its columns.
pub fn flat_row(project_code: &str, f: Flat) -> Vec<String> {
    let FlatPlace {
        building,
        unit,
        floor,
        room,
        layout,
        area,
        orientation,
    } = f.place;
    vec![
        project_code.to_string(),
        f.code,
        f.kind.label().to_string(),
        building,
        unit,
        floor.to_string(),
        room,
        layout,
        area.to_string(),
        orientation,
    ]
}

/// The headers of a relocation `kind`'s file, in the template's order.
fn headers(kind: ImportKind) -> Result<Vec<&'static str>, ImportError> {
    Ok(layout(kind)?.columns().iter().map(|c| c.name).collect())
}

/// The headers of a `flats` file, in the template's order (those of [`flat_row`]).
pub fn flat_headers() -> Vec<&'static str> {
    super::flats::COLUMNS.iter().map(|c| c.name).collect()
}
