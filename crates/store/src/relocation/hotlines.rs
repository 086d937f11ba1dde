//! A project's supervision hotline (监督电话): set by the commander, printed on every
//! public page of the project, so that anyone with a question or a report knows whom to
//! call. Kept in its own table beside the project.

use super::HOTLINES;
use crate::audit;
use crate::db::{Conn, Tx};
use crate::error::StoreResult;
use crate::query;
use domain::relocation::grievance::Phone;
use std::collections::HashMap;

/// The project's hotline number, if one is set.
pub async fn hotline(conn: impl Into<Conn<'_>>, project_id: i64) -> StoreResult<Option<String>> {
    query::value(
        conn,
        "SELECT number FROM relocation_hotlines WHERE project_id = $1",
        &[project_id.into()],
    )
    .await
}

/// Every project's hotline, by project id (for the public index).
pub async fn hotlines(conn: impl Into<Conn<'_>>) -> StoreResult<HashMap<i64, String>> {
    let rows = query::rows(
        conn,
        "SELECT project_id, number FROM relocation_hotlines",
        &[],
        |row: (i64, String)| Ok(row),
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// Sets the project's hotline number, or removes it (`None`).
pub async fn set_hotline(
    tx: &mut Tx,
    actor: &str,
    project_id: i64,
    number: Option<&Phone>,
) -> StoreResult<()> {
    let existing: Option<i64> = query::value(
        &mut *tx,
        "SELECT id FROM relocation_hotlines WHERE project_id = $1",
        &[project_id.into()],
    )
    .await?;
    match (existing, number) {
        (None, None) => Ok(()),
        (None, Some(n)) => audit::insert(
            tx,
            actor,
            &HOTLINES,
            "INSERT INTO relocation_hotlines (project_id, number, updated_at)
             VALUES ($1, $2, $3) RETURNING id",
            &[
                project_id.into(),
                n.as_str().into(),
                crate::now_text().into(),
            ],
        )
        .await
        .map(|_| ()),
        (Some(id), Some(n)) => {
            audit::update(
                tx,
                actor,
                (&HOTLINES, id),
                "update",
                "UPDATE relocation_hotlines SET number = $1, updated_at = $2 WHERE id = $3",
                &[n.as_str().into(), crate::now_text().into(), id.into()],
            )
            .await
        }
        (Some(id), None) => audit::delete(tx, actor, &HOTLINES, id).await,
    }
}
