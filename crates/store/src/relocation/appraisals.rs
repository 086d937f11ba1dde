//! Appraisal items (评估): decoration, attachments and crops valued by the appraisers,
//! with the amount and who appraised it.

use super::{APPRAISALS, Scope, corrupt, households};
use crate::audit;
use crate::db::Conn;
use crate::db::Tx;
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use domain::platform::Fen;
use domain::relocation::{AppraisalItem, AppraisalKind};
use serde::Serialize;

/// An appraisal item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appraisal {
    /// Database id.
    pub id: i64,
    /// The household.
    pub household_id: i64,
    /// Kind, description and amount, as compensation reads them.
    pub item: AppraisalItem,
    /// Who appraised it (appraiser or firm).
    pub appraiser: String,
}

type Row = (i64, i64, String, String, i64, String);

fn from_row((id, household_id, item, kind, amount, appraiser): Row) -> StoreResult<Appraisal> {
    Ok(Appraisal {
        item: AppraisalItem {
            kind: AppraisalKind::parse(&kind).ok_or_else(|| corrupt("评估类别", &kind))?,
            description: item,
            amount: Fen(amount),
        },
        id,
        household_id,
        appraiser,
    })
}

const SELECT: &str =
    "SELECT id, household_id, item, kind, amount, appraiser FROM relocation_appraisals";

/// The appraisal items of a household.
pub async fn of_household(
    conn: impl Into<Conn<'_>>,
    household_id: i64,
) -> StoreResult<Vec<Appraisal>> {
    households::records_of(conn, SELECT, household_id, from_row).await
}

/// The appraisal items of every household of a project.
pub async fn of_project(conn: impl Into<Conn<'_>>, project_id: i64) -> StoreResult<Vec<Appraisal>> {
    households::records_of_project(conn, SELECT, project_id, from_row).await
}

/// Adds an item or updates the household's item with the same description (the natural
/// key). Returns the id and whether it was created.
pub async fn upsert(
    tx: &mut Tx,
    actor: &str,
    scope: &Scope,
    household_id: i64,
    item: &AppraisalItem,
    appraiser: &str,
) -> StoreResult<(i64, bool)> {
    households::get(&mut *tx, scope, household_id).await?;
    let description = item.description.trim();
    if description.is_empty() {
        return Err(StoreError::from(Refusal::AppraisalNameMissing));
    }
    if item.amount.0 < 0 {
        return Err(StoreError::from(Refusal::AppraisalNegative));
    }
    let existing =
        households::record_id(tx, &APPRAISALS, "item", household_id, description).await?;
    // kind, amount, appraiser: written alike by both statements.
    let fields: [Bind; 3] = [
        item.kind.code().into(),
        item.amount.0.into(),
        appraiser.trim().into(),
    ];
    audit::upsert(
        tx,
        actor,
        &APPRAISALS,
        existing,
        audit::UpdateLog::IfChanged,
        async |tx, id| {
            query::execute(
                tx,
                "UPDATE relocation_appraisals SET kind = $1, amount = $2, appraiser = $3 WHERE id = $4",
                &[&fields[..], &[id.into()]].concat(),
            )
            .await
        },
        async |tx| {
            query::one(
                tx,
                "INSERT INTO relocation_appraisals (household_id, item, kind, amount, appraiser, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                &[
                    &[household_id.into(), description.into()][..],
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
