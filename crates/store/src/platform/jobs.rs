//! Background jobs started from the web (imports, exports, `audit verify`): who started
//! what, its state, its counters once it ended, the summary and result file its page
//! shows for a week.
//!
//! A job row is the server's bookkeeping, not a record of the offices, so it is not
//! audited (the work itself is). It is written when the job starts and when it ends,
//! never while it runs: an atomic import holds SQLite's write lock to its end, and the
//! live counters are the server's, in memory. A job is never seen half-done: it ends
//! once, from `running` only, so a job the server found unfinished at startup stays
//! `interrupted` whatever its lost task would have said.

use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::query;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// How long a job's page and result file stay after it ended.
pub const KEPT_DAYS: i64 = 7;

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Accepted, not yet started.
    Queued,
    /// Working.
    Running,
    /// Ended with its result.
    Done,
    /// Ended with an error (shown on its page); nothing of an atomic import written.
    Failed,
    /// Stopped on request; nothing of an atomic import written.
    Cancelled,
    /// The server stopped while it ran; its transaction was never committed.
    Interrupted,
}

impl JobState {
    /// Every state, in the order of a job's life.
    pub const ALL: [JobState; 6] = [
        JobState::Queued,
        JobState::Running,
        JobState::Done,
        JobState::Failed,
        JobState::Cancelled,
        JobState::Interrupted,
    ];

    /// The code stored and sent by the API.
    pub fn code(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::Interrupted => "interrupted",
        }
    }

    /// The state of a stored code.
    pub fn parse(code: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// How pages name it.
    pub fn label(self) -> &'static str {
        match self {
            JobState::Queued => "排队中",
            JobState::Running => "进行中",
            JobState::Done => "已完成",
            JobState::Failed => "失败",
            JobState::Cancelled => "已取消",
            JobState::Interrupted => "已中断（服务重启）",
        }
    }

    /// Whether the job has ended (it will not change again).
    pub fn is_over(self) -> bool {
        !matches!(self, JobState::Queued | JobState::Running)
    }
}

/// A job as its pages show it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Job {
    /// Database id.
    pub id: i64,
    /// What it does (`import:members`, `export:members`, `audit_verify`).
    pub kind: String,
    /// What it does, in Chinese.
    pub label: String,
    /// The user name of who started it.
    pub owner: String,
    /// Its state.
    pub state: JobState,
    /// Rows read once it ended (while it runs, the server's memory has them).
    pub rows_read: i64,
    /// Rows written once it ended.
    pub rows_written: i64,
    /// Rows it will read in all, when known at its start.
    pub rows_total: Option<i64>,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it ended.
    pub finished_at: Option<DateTime<Utc>>,
    /// Its outcome as JSON (an import's report, an error message).
    pub summary: Option<serde_json::Value>,
    /// The file it produced (in the server's data directory), if any.
    pub result_file: Option<String>,
    /// When it and its file are deleted.
    pub expires_at: Option<DateTime<Utc>>,
}

/// How a job ended, written once.
#[derive(Debug, Clone, PartialEq)]
pub struct Ending {
    /// `Done`, `Failed` or `Cancelled`.
    pub state: JobState,
    /// Rows read.
    pub rows_read: i64,
    /// Rows written (0 when an atomic import was rolled back).
    pub rows_written: i64,
    /// Its outcome as JSON.
    pub summary: Option<serde_json::Value>,
    /// The file it produced.
    pub result_file: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    kind: String,
    label: String,
    owner: String,
    state: String,
    rows_read: i64,
    rows_written: i64,
    rows_total: Option<i64>,
    started_at: String,
    finished_at: Option<String>,
    summary_json: Option<String>,
    result_file: Option<String>,
    expires_at: Option<String>,
}

impl Row {
    fn job(self) -> StoreResult<Job> {
        let id = self.id;
        let corrupt = |what: &str| StoreError::corrupt(format!("任务#{id}的{what}无法读取"));
        let at = |t: &str| crate::parse_timestamp(t).ok_or_else(|| corrupt("时间"));
        Ok(Job {
            id,
            state: JobState::parse(&self.state).ok_or_else(|| corrupt("状态"))?,
            kind: self.kind,
            label: self.label,
            owner: self.owner,
            rows_read: self.rows_read,
            rows_written: self.rows_written,
            rows_total: self.rows_total,
            started_at: at(&self.started_at)?,
            finished_at: self.finished_at.as_deref().map(at).transpose()?,
            summary: self
                .summary_json
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|_| corrupt("结果"))?,
            result_file: self.result_file,
            expires_at: self.expires_at.as_deref().map(at).transpose()?,
        })
    }
}

const SELECT: &str = "SELECT id, kind, label, owner, state, rows_read, rows_written, rows_total,
        started_at, finished_at, summary_json, result_file, expires_at
    FROM jobs";

/// Writes down a job `owner` starts now (`running`); returns its id.
pub async fn start(
    db: &Db,
    kind: &str,
    label: &str,
    owner: &str,
    rows_total: Option<i64>,
) -> StoreResult<i64> {
    query::one(
        db,
        "INSERT INTO jobs (kind, label, owner, state, rows_total, started_at)
         VALUES ($1, $2, $3, 'running', $4, $5) RETURNING id",
        &[
            kind.into(),
            label.into(),
            owner.into(),
            rows_total.into(),
            crate::now_text().into(),
        ],
    )
    .await
}

/// Writes how job `id` ended, if it is still running; `false` when it had already ended
/// (found interrupted at a restart), which it then stays.
pub async fn finish(db: &Db, id: i64, ending: &Ending) -> StoreResult<bool> {
    let now = Utc::now();
    let summary = ending.summary.as_ref().map(|s| s.to_string());
    let n = query::affected(
        db,
        "UPDATE jobs SET state = $1, rows_read = $2, rows_written = $3, summary_json = $4,
             result_file = $5, finished_at = $6, expires_at = $7
         WHERE id = $8 AND state IN ('queued', 'running')",
        &[
            ending.state.code().into(),
            ending.rows_read.into(),
            ending.rows_written.into(),
            summary.into(),
            ending.result_file.clone().into(),
            crate::timestamp_text(now).into(),
            crate::timestamp_text(now + Duration::days(KEPT_DAYS)).into(),
            id.into(),
        ],
    )
    .await?;
    Ok(n == 1)
}

/// Job `id`, if it exists.
pub async fn find(db: &Db, id: i64) -> StoreResult<Option<Job>> {
    query::row(
        db,
        &format!("{SELECT} WHERE id = $1"),
        &[id.into()],
        Row::job,
    )
    .await
}

/// The newest `limit` jobs, of `owner` only or (`None`) everyone's.
pub async fn list(db: &Db, owner: Option<&str>, limit: i64) -> StoreResult<Vec<Job>> {
    match owner {
        Some(owner) => {
            let sql = format!("{SELECT} WHERE owner = $1 ORDER BY id DESC LIMIT $2");
            query::rows(db, &sql, &[owner.into(), limit.into()], Row::job).await
        }
        None => {
            let sql = format!("{SELECT} ORDER BY id DESC LIMIT $1");
            query::rows(db, &sql, &[limit.into()], Row::job).await
        }
    }
}

/// Marks every job still queued or running as interrupted: called when the server starts,
/// when no job of this database can be running (an atomic import's transaction ended with
/// the process that held it, uncommitted). Returns how many there were.
pub async fn interrupt_unfinished(db: &Db) -> StoreResult<u64> {
    let now = Utc::now();
    query::affected(
        db,
        "UPDATE jobs SET state = 'interrupted', finished_at = $1, expires_at = $2
         WHERE state IN ('queued', 'running')",
        &[
            crate::timestamp_text(now).into(),
            crate::timestamp_text(now + Duration::days(KEPT_DAYS)).into(),
        ],
    )
    .await
}

/// The jobs whose week has passed at `now`, for their files to be deleted with them.
pub async fn expired(db: &Db, now: DateTime<Utc>) -> StoreResult<Vec<Job>> {
    let sql = format!("{SELECT} WHERE expires_at IS NOT NULL AND expires_at < $1 ORDER BY id");
    query::rows(db, &sql, &[crate::timestamp_text(now).into()], Row::job).await
}

/// Deletes job `id`'s row (its file is the caller's to delete first).
pub async fn delete(db: &Db, id: i64) -> StoreResult<()> {
    query::execute(db, "DELETE FROM jobs WHERE id = $1", &[id.into()]).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_reads_back_from_its_code() {
        for s in JobState::ALL {
            assert_eq!(JobState::parse(s.code()), Some(s));
        }
        assert!(!JobState::Running.is_over() && JobState::Interrupted.is_over());
    }
}
