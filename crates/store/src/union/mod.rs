//! Storage of the union module: enterprises, the union tree and its officers, the
//! real-name member registry, coverage and ranking. Spreadsheet imports and exports are
//! the `imports` crate's; the lookups, upserts and bulk inserts they call are here.
//!
//! Every function that reads or changes records takes a [`Scope`]: township staff see and
//! change only their own township, and a record outside the scope is reported as not
//! found, so that nobody learns from an error what exists in another township.

/// Writes the townships served (`Township::all`) into the `townships` table the records
/// refer to, when they are a configured list rather than Jiande's 16 (which migration 0002
/// seeded): run after the migrations, so the first record of a new township has its row.
/// Reference data, not audited.
pub async fn register_townships(db: &crate::Db) -> crate::error::StoreResult<()> {
    use domain::union::township::Township;
    let all = Township::all();
    if all == Township::JIANDE.as_slice() {
        return Ok(());
    }
    let mut binds: Vec<crate::sql::Bind> = Vec::with_capacity(all.len() * 3);
    for (i, t) in all.iter().enumerate() {
        binds.push(t.code().to_string().into());
        binds.push(t.name().to_string().into());
        binds.push(i64::try_from(i).unwrap_or(i64::MAX).into());
    }
    crate::query::execute(
        db,
        &format!(
            "INSERT INTO townships (code, name, position) VALUES {}
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, position = excluded.position",
            db.backend().values_list(all.len(), 3)
        ),
        &binds,
    )
    .await
}

pub mod activation;
pub mod activities;
pub mod aid;
pub mod audiences;
pub mod claims;
pub mod codes;
pub mod contracts;
pub mod coverage;
pub mod enterprises;
pub mod facilities;
pub mod for_imports;
pub mod honours;
pub mod members;
pub mod officers;
pub mod organisations;
pub mod oversight;
pub mod participations;
pub mod programmes;
pub mod responsibility;
mod services;
pub mod settings;
pub mod signups;
pub mod teams;
pub mod welfare;
pub use crate::sql;

use crate::audit::AuditedTable;
use domain::platform::Account;
use domain::union::township::Township;

/// This area's audited tables.
pub const AUDITED_TABLES: &[AuditedTable] = &[
    settings::SETTINGS,
    organisations::UNIONS,
    officers::OFFICERS,
    enterprises::ENTERPRISES,
    members::MEMBERS,
    members::TRANSFERS,
    members::duplicates::MERGES,
    activation::ACTIVATIONS,
    teams::TEAMS,
    teams::TEAM_MEMBERS,
    activities::ACTIVITIES,
    signups::SIGNUPS,
    participations::PARTICIPATIONS,
    honours::HONOURS,
    aid::APPLICATIONS,
    aid::BUDGETS,
    claims::CLAIMS,
    programmes::PROGRAMMES,
    programmes::ENROLMENTS,
    facilities::FACILITIES,
    facilities::STATUSES,
    facilities::AWARDS,
    contracts::CONTRACTS,
    contracts::DEMONSTRATION_UNITS,
    responsibility::RESPONSIBILITY,
    oversight::TALKS,
];

/// Whose union records a caller may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole city (union administrators, inspectors, the CLI).
    City,
    /// One township (township staff).
    Township(Township),
}

impl Scope {
    /// The scope of an account: township staff their township, everyone else the city.
    pub fn of(account: &Account) -> Scope {
        account
            .union_township()
            .map_or(Scope::City, Scope::Township)
    }

    /// The township the scope is fixed to, if it is one township (forms then offer only
    /// that township).
    pub fn township(self) -> Option<Township> {
        match self {
            Scope::City => None,
            Scope::Township(t) => Some(t),
        }
    }

    /// The township code to filter on, if the scope is one township.
    pub fn township_code(self) -> Option<&'static str> {
        self.township().map(Township::code)
    }

    /// Whether a record of township `code` is inside the scope; records without a
    /// township (the city federation) are visible to everyone who reads unions.
    pub fn allows_code(self, code: Option<&str>) -> bool {
        match (self, code) {
            (Scope::City, _) => true,
            (Scope::Township(_), None) => false,
            (Scope::Township(t), Some(c)) => t.code() == c,
        }
    }

    /// Whether a record of this scope may be seen (the city federation is visible to all
    /// readers, though only the city may change it).
    pub fn may_see(self, code: Option<&str>) -> bool {
        code.is_none() || self.allows_code(code)
    }
}
#[cfg(test)]
mod rights_tests;
