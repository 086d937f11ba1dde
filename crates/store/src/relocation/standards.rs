//! Versions of a project's compensation standard (补偿标准).
//!
//! A standard is drafted, then published; a published version never changes. Saving
//! changes to a project whose latest version is published starts the next version as a
//! draft, so agreements signed on version 1 keep pointing at exactly what version 1 said.
//! Households are computed with the latest *published* version.

use super::STANDARDS;
use crate::audit;
use crate::db::Conn;
use crate::db::{Db, Tx};
use crate::error::{Refusal, StoreError, StoreResult};
use crate::query;
use crate::sql::Bind;
use domain::relocation::CompensationStandard;
use serde::Serialize;

/// One version of a standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandardVersion {
    /// Database id; agreements refer to it.
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// 1, 2, … within the project.
    pub version: i64,
    /// What it says.
    pub standard: CompensationStandard,
    /// When it was published (stored text); `None` while a draft.
    pub published_at: Option<String>,
    /// Who published it.
    pub published_by: Option<String>,
}

impl StandardVersion {
    /// Whether it is in force (published).
    pub fn is_published(&self) -> bool {
        self.published_at.is_some()
    }
}

type Row = (i64, i64, i64, String, Option<String>, Option<String>);

const SELECT: &str =
    "SELECT id, project_id, version, body, published_at, published_by FROM relocation_standards";

fn from_row(
    (id, project_id, version, body, published_at, published_by): Row,
) -> StoreResult<StandardVersion> {
    let standard = serde_json::from_str(&body)
        .map_err(|e| StoreError::corrupt(format!("补偿标准第{version}版无法读取（{e}）")))?;
    Ok(StandardVersion {
        id,
        project_id,
        version,
        standard,
        published_at,
        published_by,
    })
}

/// Every version of a project's standard, newest first.
pub async fn versions(db: &Db, project_id: i64) -> StoreResult<Vec<StandardVersion>> {
    let sql = format!("{SELECT} WHERE project_id = $1 ORDER BY version DESC");
    query::rows(db, &sql, &[Bind::Int(project_id)], from_row).await
}

/// The version in force: the latest published one.
pub async fn published(
    conn: impl Into<Conn<'_>>,
    project_id: i64,
) -> StoreResult<Option<StandardVersion>> {
    let sql = format!(
        "{SELECT} WHERE project_id = $1 AND published_at IS NOT NULL ORDER BY version DESC LIMIT 1"
    );
    query::row(conn, &sql, &[Bind::Int(project_id)], from_row).await
}

/// One version by id (an agreement's).
pub async fn by_id(conn: impl Into<Conn<'_>>, id: i64) -> StoreResult<StandardVersion> {
    let sql = format!("{SELECT} WHERE id = $1");
    query::row(conn, &sql, &[Bind::Int(id)], from_row)
        .await?
        .ok_or(StoreError::NotFound)
}

async fn latest(tx: &mut Tx, project_id: i64) -> StoreResult<Option<StandardVersion>> {
    let sql = format!("{SELECT} WHERE project_id = $1 ORDER BY version DESC LIMIT 1");
    query::row(tx, &sql, &[Bind::Int(project_id)], from_row).await
}

/// Saves a standard as the project's draft: the current draft is changed, or, when the
/// latest version is published, the next version is started. Returns the draft's version.
pub async fn save_draft(
    tx: &mut Tx,
    actor: &str,
    project_id: i64,
    standard: &CompensationStandard,
) -> StoreResult<i64> {
    standard.validate()?;
    let body = serde_json::to_string(standard)
        .map_err(|e| StoreError::Config(format!("补偿标准无法保存：{e}")))?;
    match latest(tx, project_id).await? {
        Some(draft) if !draft.is_published() => {
            let change = audit::Change::begin(tx, &STANDARDS, draft.id).await?;
            query::execute(
                &mut *tx,
                "UPDATE relocation_standards SET body = $1 WHERE id = $2",
                &[Bind::from(&body), draft.id.into()],
            )
            .await?;
            change.finish(tx, actor, "update").await?;
            Ok(draft.version)
        }
        other => {
            let version = other.map_or(1, |v| v.version + 1);
            let _id = audit::insert(
                tx,
                actor,
                &STANDARDS,
                "INSERT INTO relocation_standards (project_id, version, body, created_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &[
                    project_id.into(),
                    version.into(),
                    Bind::from(&body),
                    Bind::from(crate::now_text()),
                ],
            )
            .await?;
            Ok(version)
        }
    }
}

/// Publishes the project's draft; from now on households are computed with it.
pub async fn publish(tx: &mut Tx, actor: &str, project_id: i64) -> StoreResult<i64> {
    let draft = match latest(tx, project_id).await? {
        Some(d) if !d.is_published() => d,
        _ => return Err(StoreError::from(Refusal::NoDraftStandard)),
    };
    let change = audit::Change::begin(tx, &STANDARDS, draft.id).await?;
    query::execute(
        &mut *tx,
        "UPDATE relocation_standards SET published_at = $1, published_by = $2 WHERE id = $3",
        &[Bind::from(crate::now_text()), actor.into(), draft.id.into()],
    )
    .await?;
    change.finish(tx, actor, "publish").await?;
    Ok(draft.version)
}
