//! What the relocation module's spreadsheet exports read: every household, member,
//! building and appraisal item with the codes of its project and household, the natural
//! keys an export must carry so that it re-imports to the same records.

use crate::db::Db;
use crate::error::StoreResult;
use crate::query::{self, AnyRow};

/// A household with its project's code.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HouseholdLine {
    /// Project code.
    pub project: String,
    /// Household code.
    pub code: String,
    /// Kind code as stored.
    pub kind: String,
    /// Head of household (or enterprise name).
    pub head_name: String,
    /// Head's resident ID or credit code.
    pub head_id: String,
    /// Mobile, if known.
    pub mobile: Option<String>,
    /// Village.
    pub village: String,
    /// Village group.
    pub village_group: String,
    /// Current residence as stored.
    pub residence: String,
}

/// Every household, by project and household code.
pub async fn households(db: &Db) -> StoreResult<Vec<HouseholdLine>> {
    query::rows(
        db,
        "SELECT p.code AS project, h.code, h.kind, h.head_name, h.head_id, h.mobile,
                h.village, h.village_group, h.residence
         FROM relocation_households h JOIN relocation_projects p ON p.id = h.project_id
         ORDER BY p.code, h.code",
        &[],
        Ok,
    )
    .await
}

/// A household member with the codes of project and household.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberLine {
    /// Project code.
    pub project: String,
    /// Household code.
    pub household: String,
    /// Name.
    pub name: String,
    /// Resident ID.
    pub resident_id: String,
    /// Relation to the head of household.
    pub relation: String,
}

/// Every household member, by project, household and entry order.
pub async fn members(db: &Db) -> StoreResult<Vec<MemberLine>> {
    of_every_household(
        db,
        "r.name, r.resident_id, r.relation",
        "relocation_members",
    )
    .await
}

/// A building with the codes of project and household.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BuildingLine {
    /// Project code.
    pub project: String,
    /// Household code.
    pub household: String,
    /// Certificate number.
    pub certificate_no: String,
    /// Structure code as stored.
    pub structure: String,
    /// Measured area in hundredths of a square metre.
    pub measured_area: i64,
    /// Legal area in hundredths of a square metre.
    pub legal_area: i64,
    /// Approval documents.
    pub approvals: String,
}

/// Every building, by project, household and entry order.
pub async fn buildings(db: &Db) -> StoreResult<Vec<BuildingLine>> {
    of_every_household(
        db,
        "r.certificate_no, r.structure, r.measured_area, r.legal_area, r.approvals",
        "relocation_buildings",
    )
    .await
}

/// An appraisal item with the codes of project and household.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AppraisalLine {
    /// Project code.
    pub project: String,
    /// Household code.
    pub household: String,
    /// The appraised item.
    pub item: String,
    /// Amount in fen.
    pub amount: i64,
    /// Kind code as stored.
    pub kind: String,
    /// Who appraised it.
    pub appraiser: String,
}

/// Every appraisal item, by project, household and entry order.
pub async fn appraisals(db: &Db) -> StoreResult<Vec<AppraisalLine>> {
    of_every_household(
        db,
        "r.item, r.amount, r.kind, r.appraiser",
        "relocation_appraisals",
    )
    .await
}

/// Every row of `table` (one of a household's records, as `r`), its `columns` after the
/// codes of its project and household (`project`, `household`), by project, household
/// and entry order: the one shape of the exports' record lists.
async fn of_every_household<R: AnyRow>(db: &Db, columns: &str, table: &str) -> StoreResult<Vec<R>> {
    let sql = format!(
        "SELECT p.code AS project, h.code AS household, {columns}
         FROM {table} r
         JOIN relocation_households h ON h.id = r.household_id
         JOIN relocation_projects p ON p.id = h.project_id
         ORDER BY p.code, h.code, r.id"
    );
    query::rows(db, &sql, &[], Ok).await
}
