//! Buildings as title verification (确权) records them: certificate number, approvals,
//! structure, measured and legal area, and who verified the figures when. The recognised
//! area is not stored: it is computed from these figures by the project's published rule
//! wherever it is shown, so it can never disagree with the rule.

use super::{BUILDINGS, Scope, corrupt, households};
use crate::audit;
use crate::db::Conn;
use crate::db::Tx;
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use domain::platform::SquareMetres;
use domain::relocation::{Building, BuildingStructure, RecognitionRule};
use serde::Serialize;

/// A building.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildingRecord {
    /// Database id.
    pub id: i64,
    /// The household.
    pub household_id: i64,
    /// Certificate number (权证号), or the survey's number for an unlicensed building
    /// (`无证1`); unique within the household.
    pub certificate_no: String,
    /// Planning approvals and other documents seen.
    pub approvals: String,
    /// What title verification needs: structure, measured, legal, certificate.
    pub building: Building,
    /// Who verified the figures (`None` while unverified; changing a figure clears it).
    pub verified_by: Option<String>,
    /// When (stored text).
    pub verified_at: Option<String>,
}

impl BuildingRecord {
    /// The recognised area (认定面积) under `rule`.
    pub fn recognised(&self, rule: &RecognitionRule) -> SquareMetres {
        rule.recognised_area(&self.building)
    }

    /// Whether title verification has confirmed the figures.
    pub fn is_verified(&self) -> bool {
        self.verified_by.is_some()
    }
}

/// Whether a certificate number denotes a real certificate: surveyors number unlicensed
/// buildings `无证1`, `无证2` …, so a number starting with 无 means there is none.
pub fn has_certificate(certificate_no: &str) -> bool {
    let t = certificate_no.trim();
    !t.is_empty() && !t.starts_with('无')
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    i64,
    i64,
    bool,
    Option<String>,
    Option<String>,
);

fn from_row(r: Row) -> StoreResult<BuildingRecord> {
    let (id, household_id, certificate_no, approvals, structure, measured, legal, cert, by, at) = r;
    Ok(BuildingRecord {
        building: Building {
            structure: BuildingStructure::from_code(&structure)
                .ok_or_else(|| corrupt("房屋结构", &structure))?,
            measured: SquareMetres(measured),
            legal: SquareMetres(legal),
            has_certificate: cert,
        },
        id,
        household_id,
        certificate_no,
        approvals,
        verified_by: by,
        verified_at: at,
    })
}

const SELECT: &str = "SELECT id, household_id, certificate_no, approvals, structure, measured_area, \
    legal_area, has_certificate, verified_by, verified_at FROM relocation_buildings";

/// The buildings of a household.
pub async fn of_household(
    conn: impl Into<Conn<'_>>,
    household_id: i64,
) -> StoreResult<Vec<BuildingRecord>> {
    households::records_of(conn, SELECT, household_id, from_row).await
}

/// The buildings of every household of a project, for postings and reports.
pub async fn of_project(
    conn: impl Into<Conn<'_>>,
    project_id: i64,
) -> StoreResult<Vec<BuildingRecord>> {
    households::records_of_project(conn, SELECT, project_id, from_row).await
}

/// What a form or import says about a building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildingFields {
    /// Certificate number (or `无证N`).
    pub certificate_no: String,
    /// Approvals seen.
    pub approvals: String,
    /// Structure.
    pub structure: BuildingStructure,
    /// Measured area.
    pub measured: SquareMetres,
    /// Legal area.
    pub legal: SquareMetres,
}

/// Adds a building or updates the one with the same certificate number. A change of any
/// figure clears the verification: the new figures have not been verified. Returns the
/// id and whether it was created.
pub async fn upsert(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    f: &BuildingFields,
) -> StoreResult<(i64, bool)> {
    households::get(&mut *tx, scope, household_id).await?;
    let no = f.certificate_no.trim();
    if no.is_empty() {
        return Err(StoreError::from(Refusal::CertificateMissing));
    }
    if f.measured.0 < 0 || f.legal.0 < 0 {
        return Err(StoreError::from(Refusal::AreaNegative));
    }
    // approvals, structure, measured_area, legal_area, has_certificate: written alike by
    // both statements.
    let fields: [Bind; 5] = [
        f.approvals.trim().into(),
        f.structure.code().into(),
        f.measured.0.into(),
        f.legal.0.into(),
        has_certificate(no).into(),
    ];
    let existing =
        households::record_id(tx, &BUILDINGS, "certificate_no", household_id, no).await?;
    audit::upsert(
        tx,
        actor,
        &BUILDINGS,
        existing,
        audit::UpdateLog::IfChanged,
        async |tx, id| {
            query::execute(
                tx,
                "UPDATE relocation_buildings SET approvals = $1, structure = $2, measured_area = $3,
                     legal_area = $4, has_certificate = $5,
                     verified_by = CASE WHEN structure = $2 AND measured_area = $3 AND legal_area = $4
                                        THEN verified_by END,
                     verified_at = CASE WHEN structure = $2 AND measured_area = $3 AND legal_area = $4
                                        THEN verified_at END
                 WHERE id = $6",
                &[&fields[..], &[id.into()]].concat(),
            )
            .await
        },
        async |tx| {
            query::one(
                tx,
                "INSERT INTO relocation_buildings (household_id, certificate_no, approvals, structure,
                 measured_area, legal_area, has_certificate, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    &[household_id.into(), no.into()][..],
                    &fields,
                    &[crate::now_text().into()],
                ]
                .concat(),
            )
            .await
        },
    )
    .await
}

/// The household a building belongs to (to return to its page after a change).
pub async fn household_of(db: &crate::Db, building_id: i64) -> StoreResult<Option<i64>> {
    query::value(
        db,
        "SELECT household_id FROM relocation_buildings WHERE id = $1",
        &[building_id.into()],
    )
    .await
}

/// Records that title verification confirmed a building's figures.
pub async fn verify(tx: &mut Tx, actor: &str, scope: &Scope, building_id: i64) -> StoreResult<()> {
    let change = households::change_record(tx, scope, &BUILDINGS, building_id).await?;
    query::execute(
        &mut *tx,
        "UPDATE relocation_buildings SET verified_by = $1, verified_at = $2 WHERE id = $3",
        &[
            actor.into(),
            Bind::from(crate::now_text()),
            building_id.into(),
        ],
    )
    .await?;
    change.finish(tx, actor, "verify").await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlicensed_numbers_mean_no_certificate() {
        assert!(has_certificate("建房权字第2003-118号"));
        assert!(!has_certificate("无证1"));
        assert!(!has_certificate(" 无证-2 "));
        assert!(!has_certificate(""));
    }
}
