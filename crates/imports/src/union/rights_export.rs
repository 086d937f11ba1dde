//! Exports of facilities and collective contracts in their imports' columns, so an
//! exported file re-imports to the same records; the web lists' "导出Excel" use the same
//! cells.

use super::export::headers;
use crate::engine::ImportError;
use sheets::SheetWriter;
use std::path::Path;
use store::Db;
use store::union::Scope;
use store::union::contracts::{self, Contract, ContractFilter};
use store::union::facilities::{self, Facility, FacilityFilter};

/// A facility as an export row (its latest award, if any, in the award columns).
pub fn facility_cells(f: &Facility, award: Option<&facilities::Award>) -> Vec<String> {
    vec![
        f.name.clone(),
        f.kind.label().to_string(),
        f.township.name().to_string(),
        f.union_name.clone().unwrap_or_default(),
        f.area.to_string(),
        f.investment.to_yuan_string(),
        f.status.label().to_string(),
        f.status_since.to_string(),
        award.map(|a| a.year.to_string()).unwrap_or_default(),
        award
            .map(|a| a.level.label().to_string())
            .unwrap_or_default(),
    ]
}

/// A contract as an export row (demonstration year left empty: those are listed apart).
pub fn contract_cells(c: &Contract) -> Vec<String> {
    vec![
        c.credit_code.clone(),
        c.enterprise_name.clone(),
        c.contract.kind().label().to_string(),
        c.contract.signed().to_string(),
        c.contract.expiry().to_string(),
        String::new(),
    ]
}

/// Every facility in scope, with its latest award, to `out`; the number of rows.
pub async fn facilities(db: &Db, out: &Path, scope: Scope) -> Result<u64, ImportError> {
    let mut w = SheetWriter::new(&headers(super::facilities::COLUMNS))?;
    let (all, _) = facilities::list(db, scope, &FacilityFilter::default(), i64::MAX, 0).await?;
    for f in &all {
        let awards = facilities::awards(db, scope, f.id).await?;
        w.write_row(&facility_cells(f, awards.first()))?;
    }
    w.finish(out)?;
    Ok(all.len() as u64)
}

/// Every contract in scope to `out`; the number of rows.
pub async fn contracts(db: &Db, out: &Path, scope: Scope) -> Result<u64, ImportError> {
    let mut w = SheetWriter::new(&headers(super::contracts::COLUMNS))?;
    let (all, _) = contracts::list(db, scope, &ContractFilter::default(), i64::MAX, 0).await?;
    for c in &all {
        w.write_row(&contract_cells(c))?;
    }
    w.finish(out)?;
    Ok(all.len() as u64)
}
