//! A project's supervision hotline (监督电话): set by the commander, printed on every
//! public page of the project, so that anyone with a question or a report knows whom to
//! call. Kept in its own table beside the project.

use super::HOTLINES;
use crate::audit;
use crate::db::{Conn, Tx};
use crate::error::StoreResult;
use crate::{on_conn, on_tx};
use domain::relocation::grievance::Phone;
use std::collections::HashMap;

/// The project's hotline number, if one is set.
pub async fn hotline(conn: impl Into<Conn<'_>>, project_id: i64) -> StoreResult<Option<String>> {
    let mut conn = conn.into();
    Ok(on_conn!(&mut conn, |c| sqlx::query_scalar(
        "SELECT number FROM relocation_hotlines WHERE project_id = $1"
    )
    .bind(project_id)
    .fetch_optional(&mut *c)
    .await?))
}

/// Every project's hotline, by project id (for the public index).
pub async fn hotlines(conn: impl Into<Conn<'_>>) -> StoreResult<HashMap<i64, String>> {
    let mut conn = conn.into();
    let rows: Vec<(i64, String)> = on_conn!(&mut conn, |c| sqlx::query_as(
        "SELECT project_id, number FROM relocation_hotlines"
    )
    .fetch_all(&mut *c)
    .await?);
    Ok(rows.into_iter().collect())
}

/// Sets the project's hotline number, or removes it (`None`).
pub async fn set_hotline(
    tx: &mut Tx,
    actor: &str,
    project_id: i64,
    number: Option<&Phone>,
) -> StoreResult<()> {
    let existing: Option<i64> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM relocation_hotlines WHERE project_id = $1"
    )
    .bind(project_id)
    .fetch_optional(&mut *c)
    .await?);
    match (existing, number) {
        (None, None) => Ok(()),
        (None, Some(n)) => {
            let id: i64 = on_tx!(tx, |c| sqlx::query_scalar(
                "INSERT INTO relocation_hotlines (project_id, number, updated_at)
                 VALUES ($1, $2, $3) RETURNING id"
            )
            .bind(project_id)
            .bind(n.as_str())
            .bind(crate::now_text())
            .fetch_one(&mut *c)
            .await?);
            audit::record_insert(tx, actor, &HOTLINES, id).await
        }
        (Some(id), Some(n)) => {
            let change = audit::Change::begin(tx, &HOTLINES, id).await?;
            on_tx!(tx, |c| sqlx::query(
                "UPDATE relocation_hotlines SET number = $1, updated_at = $2 WHERE id = $3"
            )
            .bind(n.as_str())
            .bind(crate::now_text())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ())?);
            change.finish(tx, actor, "update").await
        }
        (Some(id), None) => {
            let change = audit::Change::begin(tx, &HOTLINES, id).await?;
            on_tx!(tx, |c| sqlx::query(
                "DELETE FROM relocation_hotlines WHERE id = $1"
            )
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|_| ())?);
            change.finish_delete(tx, actor).await
        }
    }
}
