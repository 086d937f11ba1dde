//! What the relocation module's spreadsheet exports read: every household, member,
//! building and appraisal item with the codes of its project and household, the natural
//! keys an export must carry so that it re-imports to the same records.

use crate::db::Db;
use crate::error::StoreResult;
use crate::on_pool;

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
    Ok(on_pool!(db, |p| {
        sqlx::query_as(
            "SELECT p.code AS project, h.code, h.kind, h.head_name, h.head_id, h.mobile,
                    h.village, h.village_group, h.residence
             FROM relocation_households h JOIN relocation_projects p ON p.id = h.project_id
             ORDER BY p.code, h.code",
        )
        .fetch_all(p)
        .await?
    }))
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
    Ok(on_pool!(db, |p| {
        sqlx::query_as(
            "SELECT p.code AS project, h.code AS household, m.name, m.resident_id, m.relation
             FROM relocation_members m
             JOIN relocation_households h ON h.id = m.household_id
             JOIN relocation_projects p ON p.id = h.project_id
             ORDER BY p.code, h.code, m.id",
        )
        .fetch_all(p)
        .await?
    }))
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
    Ok(on_pool!(db, |p| {
        sqlx::query_as(
            "SELECT p.code AS project, h.code AS household, b.certificate_no, b.structure,
                    b.measured_area, b.legal_area, b.approvals
             FROM relocation_buildings b
             JOIN relocation_households h ON h.id = b.household_id
             JOIN relocation_projects p ON p.id = h.project_id
             ORDER BY p.code, h.code, b.id",
        )
        .fetch_all(p)
        .await?
    }))
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
    Ok(on_pool!(db, |p| {
        sqlx::query_as(
            "SELECT p.code AS project, h.code AS household, a.item, a.amount, a.kind,
                    a.appraiser
             FROM relocation_appraisals a
             JOIN relocation_households h ON h.id = a.household_id
             JOIN relocation_projects p ON p.id = h.project_id
             ORDER BY p.code, h.code, a.id",
        )
        .fetch_all(p)
        .await?
    }))
}
