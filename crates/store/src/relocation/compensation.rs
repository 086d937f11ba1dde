//! A household's compensation computed from its records: the standard in force, the
//! verified buildings, the appraisal items, the members and the milestone dates go into
//! [`domain::relocation::compute`]. Once the household has signed, the sheet comes from
//! the agreement fixed at signing instead, whatever has changed since.

use super::agreements::{self, Agreement};
use super::households::Household;
use super::standards::{self, StandardVersion};
use super::{appraisals, buildings, members};
use crate::db::Conn;
use crate::error::StoreResult;
use chrono::NaiveDate;
use domain::relocation::{
    AppraisalItem, BuildingForCompensation, CompensationError, CompensationInput,
    CompensationSheet, CompensationStandard, HouseholdKind, Milestone, compute,
};
use serde::{Deserialize, Serialize};

/// The records a sheet is computed from, as they stood; an agreement keeps a copy so its
/// sheet can be recomputed, identically, at any later date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenInputs {
    /// Verified buildings, labelled by certificate number.
    pub buildings: Vec<BuildingForCompensation>,
    /// Appraisal items.
    pub appraisals: Vec<AppraisalItem>,
    /// Resettlement population: the registered members of a residential household;
    /// enterprises have none.
    pub resettled_persons: u32,
}

impl FrozenInputs {
    /// The sheet under `standard` with the given milestone dates.
    pub fn compute(
        &self,
        standard: &CompensationStandard,
        signed_on: Option<NaiveDate>,
        vacated_on: Option<NaiveDate>,
    ) -> Result<CompensationSheet, CompensationError> {
        compute(&CompensationInput {
            standard,
            buildings: &self.buildings,
            appraisals: &self.appraisals,
            resettled_persons: self.resettled_persons,
            signed_on,
            vacated_on,
        })
    }
}

/// The inputs as the records stand now, and the buildings still awaiting verification
/// (left out of the sheet until title verification confirms them).
#[derive(Debug, Clone)]
pub struct CurrentInputs {
    /// What goes into the sheet.
    pub frozen: FrozenInputs,
    /// Certificate numbers of unverified buildings.
    pub unverified: Vec<String>,
}

/// Gathers a household's inputs from its records.
pub async fn current_inputs(
    conn: impl Into<Conn<'_>>,
    h: &Household,
) -> StoreResult<CurrentInputs> {
    let mut conn = conn.into();
    let bs = buildings::of_household(&mut conn, h.id).await?;
    let items = appraisals::of_household(&mut conn, h.id).await?;
    let persons = match h.kind {
        HouseholdKind::Residential => members::of_household(&mut conn, h.id).await?.len(),
        HouseholdKind::Enterprise => 0,
    };
    let (verified, unverified): (Vec<_>, Vec<_>) = bs.into_iter().partition(|b| b.is_verified());
    Ok(CurrentInputs {
        frozen: FrozenInputs {
            buildings: verified
                .into_iter()
                .map(|b| BuildingForCompensation {
                    label: b.certificate_no,
                    building: b.building,
                })
                .collect(),
            appraisals: items.into_iter().map(|a| a.item).collect(),
            resettled_persons: u32::try_from(persons).unwrap_or(u32::MAX),
        },
        unverified: unverified.into_iter().map(|b| b.certificate_no).collect(),
    })
}

/// Where a shown sheet comes from.
#[derive(Debug, Clone)]
pub enum SheetSource {
    /// Fixed in the agreement signed on this standard version.
    Agreement(Agreement),
    /// Computed now with the standard in force (the household has not signed).
    Preview(StandardVersion),
    /// No standard has been published: nothing can be computed yet.
    NoStandard,
}

/// A household's sheet as pages and postings show it.
#[derive(Debug, Clone)]
pub struct SheetView {
    /// Where it comes from.
    pub source: SheetSource,
    /// The sheet, or why it cannot be computed (in Chinese).
    pub sheet: Result<CompensationSheet, String>,
    /// Buildings left out because they are not verified yet (previews only).
    pub unverified: Vec<String>,
    /// The resettlement population used.
    pub resettled_persons: u32,
}

/// The household's sheet: from its agreement once signed, else computed now.
pub async fn sheet(conn: impl Into<Conn<'_>>, h: &Household) -> StoreResult<SheetView> {
    let mut conn = conn.into();
    if let Some(a) = agreements::of_household(&mut conn, h.id).await? {
        return Ok(SheetView {
            sheet: Ok(a.sheet.clone()),
            unverified: Vec::new(),
            resettled_persons: a.inputs.resettled_persons,
            source: SheetSource::Agreement(a),
        });
    }
    let inputs = current_inputs(&mut conn, h).await?;
    let Some(standard) = standards::published(&mut conn, h.project_id).await? else {
        return Ok(SheetView {
            source: SheetSource::NoStandard,
            sheet: Err("本项目尚未公布补偿标准".into()),
            unverified: inputs.unverified,
            resettled_persons: inputs.frozen.resettled_persons,
        });
    };
    let sheet = inputs
        .frozen
        .compute(
            &standard.standard,
            h.milestones.get(Milestone::Signed),
            h.milestones.get(Milestone::Vacated),
        )
        .map_err(|e| e.to_string());
    Ok(SheetView {
        source: SheetSource::Preview(standard),
        sheet,
        unverified: inputs.unverified,
        resettled_persons: inputs.frozen.resettled_persons,
    })
}
