//! The audit log as inspectors read it: filter, page, open one entry, verify the chain.
//!
//! A batch entry (an import's records logged together, see `store::audit::record_batch`)
//! is summarised in the list and shown record by record on its own page, because its
//! JSON is a table of thousands of records rather than one record.

use super::{Chrome, Paged, paging, render};
use crate::error::AppError;
use crate::jobs::End;
use crate::pages::Asked;
use crate::pages::Keyed;
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use serde::Deserialize;
use serde_json::Value;
use store::audit::{self, Entry, EntryFilter};

/// Filters of the audit page.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    actor: Option<String>,
    entity: Option<String>,
    entity_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<i64>,
}

impl AuditQuery {
    /// The store filter, empty fields ignored.
    pub fn filter(&self) -> EntryFilter {
        let f = |s: &Option<String>| {
            s.as_ref()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        EntryFilter {
            actor: f(&self.actor),
            entity: f(&self.entity),
            entity_id: f(&self.entity_id),
            from: f(&self.from),
            to: f(&self.to),
        }
    }

    /// Page requested.
    pub fn page(&self) -> Option<i64> {
        self.page
    }
}

/// An entry as shown: local time, JSON as text.
pub struct ShownEntry {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    changes: Vec<Change>,
    batch: Option<BatchSummary>,
}

/// What a batch entry stands for, in place of its field changes.
pub struct BatchSummary {
    count: usize,
    first: i64,
    last: i64,
    /// The entry's page, at the line of the record the list was filtered for, if any.
    link: String,
}

impl ShownEntry {
    /// `e` as the list and the entry page show it; `record` is the record id the reader
    /// is following, so a batch's link can point at that record's line.
    fn new(e: Entry, record: Option<i64>) -> ShownEntry {
        let batch = match (e.first_id, e.last_id) {
            (Some(first), Some(last)) => Some(BatchSummary {
                count: e.after_json.as_deref().map_or(0, batch_count),
                first,
                last,
                link: match record.filter(|r| (first..=last).contains(r)) {
                    Some(r) => format!("/audit/entries/{}?record={r}", e.seq),
                    None => format!("/audit/entries/{}", e.seq),
                },
            }),
            _ => None,
        };
        let changes = if batch.is_some() {
            Vec::new()
        } else {
            changes(e.before_json.as_deref(), e.after_json.as_deref())
        };
        ShownEntry {
            at: local_time(e.at),
            seq: e.seq,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            changes,
            batch,
        }
    }
}

/// The stored UTC time in Beijing time, or as stored if it cannot be read.
fn local_time(at: String) -> String {
    store::parse_timestamp(&at)
        .map(domain::platform::time::show_local)
        .unwrap_or(at)
}

/// How many records a batch entry's `after` lists, counted without building them (a
/// list page may hold fifty entries of ten thousand records each).
fn batch_count(after: &str) -> usize {
    #[derive(Deserialize)]
    struct Rows {
        rows: Vec<serde::de::IgnoredAny>,
    }
    serde_json::from_str::<Rows>(after).map_or(0, |r| r.rows.len())
}

/// A JSON value as a cell shows it: text without quotes, nothing for null.
fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// One field of a record as changed by an entry.
pub struct Change {
    field: String,
    before: String,
    after: String,
}

/// The fields that differ between two snapshots, so an inspector sees "role: inspector →
/// admin" rather than two blobs of JSON. A creation lists every field as new, a deletion
/// every field as removed.
fn changes(before: Option<&str>, after: Option<&str>) -> Vec<Change> {
    use serde_json::Map;
    let parse = |s: Option<&str>| -> Map<String, Value> {
        s.and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| Change {
            field: k.clone(),
            before: show(b.get(k)),
            after: show(a.get(k)),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    list: Paged<ShownEntry>,
    query: String,
    filter_actor: String,
    filter_entity: String,
    filter_entity_id: String,
    filter_from: String,
    filter_to: String,
}

/// Newest entries first, filtered.
pub async fn list(at: Asked, Query(q): Query<AuditQuery>) -> Result<Html<String>, AppError> {
    let filter = q.filter();
    let (page, per, offset) = paging(q.page, 50);
    let (rows, total) = audit::list(&at.state.db, &filter, per, offset).await?;
    let record = filter.entity_id.as_deref().and_then(|id| id.parse().ok());
    let entries = rows
        .into_iter()
        .map(|e| ShownEntry::new(e, record))
        .collect();
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let query = serde_urlencoded::to_string([
        ("actor", s(&filter.actor)),
        ("entity", s(&filter.entity)),
        ("entity_id", s(&filter.entity_id)),
        ("from", s(&filter.from)),
        ("to", s(&filter.to)),
    ])
    .unwrap_or_default();
    render(&AuditPage {
        chrome: Chrome::new("审计日志", &at.viewer),
        list: Paged::new(entries, total, page, per),
        query,
        filter_actor: s(&filter.actor),
        filter_entity: s(&filter.entity),
        filter_entity_id: s(&filter.entity_id),
        filter_from: s(&filter.from),
        filter_to: s(&filter.to),
    })
}

/// Filters of an entry's page.
#[derive(Deserialize, Default)]
pub struct EntryQuery {
    /// Show only this record's line of a batch entry.
    record: Option<i64>,
    page: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit_entry.html")]
struct EntryPage {
    chrome: Chrome,
    e: ShownEntry,
    hash: String,
    columns: Vec<String>,
    list: Paged<Vec<String>>,
    record: Option<i64>,
}

/// Records of a batch entry shown per page.
const RECORDS_PER_PAGE: i64 = 200;

/// One entry: its metadata and either its field changes or, for a batch entry, one line
/// per record (`?record=ID` keeps that record's line only, for following one record).
pub async fn entry(at: Keyed, Query(q): Query<EntryQuery>) -> Result<Html<String>, AppError> {
    let mut e = audit::get(&at.state.db, at.key)
        .await?
        .ok_or(AppError::NotFound)?;
    let (page, per, offset) = paging(q.page, RECORDS_PER_PAGE);
    let (mut columns, mut records, mut total) = (Vec::new(), Vec::new(), 0);
    if e.is_batch() {
        let mut all = e
            .after_json
            .as_deref()
            .and_then(audit::batch_records)
            .unwrap_or_default();
        if let Some(r) = q.record {
            all.retain(|(id, _)| *id == r);
        }
        // `id` first, then the other columns in name order.
        if let Some((_, first)) = all.first() {
            columns.push("id".to_string());
            columns.extend(first.keys().filter(|k| *k != "id").cloned());
        }
        total = all.len() as i64;
        records = all
            .into_iter()
            .skip(offset as usize)
            .take(per as usize)
            .map(|(_, map)| columns.iter().map(|c| show(map.get(c))).collect())
            .collect();
    }
    let hash = std::mem::take(&mut e.hash);
    render(&EntryPage {
        chrome: Chrome::new(format!("审计日志第 {} 条", at.key), &at.viewer),
        e: ShownEntry::new(e, q.record),
        hash,
        columns,
        list: Paged::new(records, total, page, per),
        record: q.record,
    })
}

/// Lines of an export at most (a batch entry gives one line per record).
const EXPORT_LINES: usize = 100_000;

/// Entries read at a time by the export.
const EXPORT_PAGE: i64 = 50;

/// Characters of a cell kept at most: under Excel's limit of 32,767, with room for
/// [`TRUNCATED`].
const CELL_CHARS: usize = 32_000;

/// Ends a cell cut at [`CELL_CHARS`].
const TRUNCATED: &str = "…（已截断，完整内容见系统）";

/// The filtered log as Excel (at most 100,000 lines, newest entry first). A batch entry
/// gives one line per record, as its JSON (about a megabyte) would not fit in a cell.
pub async fn export(
    State(state): State<AppState>,
    _viewer: Viewer,
    Query(q): Query<AuditQuery>,
) -> Result<axum::response::Response, AppError> {
    // Read page by page: a batch entry holds ten thousand records (about 1 MB).
    let filter = q.filter();
    let mut lines = Vec::new();
    let mut before = None;
    while lines.len() < EXPORT_LINES {
        let page = audit::older(&state.db, &filter, before, EXPORT_PAGE).await?;
        let Some(last) = page.last() else { break };
        before = Some(last.seq);
        for entry in page {
            if lines.len() >= EXPORT_LINES {
                break;
            }
            lines.extend(export_lines(entry));
        }
    }
    lines.truncate(EXPORT_LINES);
    let headers = [
        "序号",
        "时间（北京时间）",
        "操作人",
        "操作",
        "对象类型",
        "对象编号",
        "修改前",
        "修改后",
        "哈希",
    ];
    let lines = lines
        .into_iter()
        .map(|line| line.into_iter().map(cell).collect::<Vec<_>>());
    crate::download::xlsx("审计日志.xlsx", Some("审计日志"), &headers, lines)
}

/// The export's lines for one entry: one, or one per record of a batch entry (an
/// unreadable batch stays one line, cut like any long cell).
fn export_lines(e: Entry) -> Vec<Vec<String>> {
    let at = local_time(e.at);
    let line = |entity_id: String, before: String, after: String| {
        vec![
            e.seq.to_string(),
            at.clone(),
            e.actor.clone(),
            e.action.clone(),
            e.entity.clone(),
            entity_id,
            before,
            after,
            e.hash.clone(),
        ]
    };
    let records = (e.first_id.is_some())
        .then(|| e.after_json.as_deref().and_then(audit::batch_records))
        .flatten();
    match records {
        Some(records) => records
            .into_iter()
            .map(|(id, map)| {
                let after = serde_json::to_string(&map).unwrap_or_default();
                line(id.to_string(), String::new(), after)
            })
            .collect(),
        None => vec![line(
            e.entity_id.clone(),
            e.before_json.clone().unwrap_or_default(),
            e.after_json.clone().unwrap_or_default(),
        )],
    }
}

/// `text` cut to [`CELL_CHARS`] characters with [`TRUNCATED`], so no cell exceeds what
/// Excel holds.
fn cell(text: String) -> String {
    match text.char_indices().nth(CELL_CHARS) {
        Some((cut, _)) => format!("{}{TRUNCATED}", &text[..cut]),
        None => text,
    }
}

#[derive(Template)]
#[template(path = "audit_verify.html")]
struct VerifyPage {
    chrome: Chrome,
    scope: String,
    problem: Option<String>,
}

/// Runs the same check as a plain `groundwork audit verify`: incremental, so a page
/// answers in the time the changes since the last check take, not the whole log's
/// (`groundwork audit verify --full` re-reads everything).
pub async fn verify(at: Asked) -> Result<Html<String>, AppError> {
    let v = audit::verify_and_record(
        &at.state.db,
        &store::audited(),
        audit::Mode::Incremental,
        &Default::default(),
    )
    .await?;
    render(&VerifyPage {
        chrome: Chrome::new("审计链校验", &at.viewer),
        scope: v.scope(),
        problem: v.problem.map(|p| p.to_string()),
    })
}

/// `POST /audit/verify/job`: the same check as [`verify`], run as a background job whose
/// page shows what it found; it may be cancelled (it only reads, and records the verified
/// prefix only when it ends).
pub async fn verify_job(at: Asked) -> Result<Response, AppError> {
    let db = at.state.db.clone();
    let owner = at.viewer.user.username.clone();
    let id = crate::jobs::start(
        &at.state,
        "audit_verify",
        "审计链校验",
        &owner,
        None,
        async move |work| {
            let registry = store::audited();
            let check = audit::verify_and_record(
                &db,
                &registry,
                audit::Mode::Incremental,
                &work.live.progress,
            );
            tokio::select! {
                v = check => match v {
                    Ok(v) => {
                        let found = match &v.problem {
                            Some(p) => format!("发现问题：{p}"),
                            None => "审计链完整，所有记录与日志一致。".to_string(),
                        };
                        End::Done {
                            summary: serde_json::json!({
                                "lines": [format!("{}。", v.scope()), found],
                                "problem": v.problem.is_some(),
                            }),
                            file: None,
                            written: 0,
                        }
                    }
                    Err(e) => End::Failed(AppError::from(e).user_message()),
                },
                () = work.live.cancelled() => End::Cancelled,
            }
        },
    )
    .await?;
    Ok(crate::pages::jobs::go_to(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_longer_than_excel_holds_is_cut_with_a_marker() {
        assert_eq!(cell("短".to_string()), "短");
        let long = "审".repeat(40_000);
        let cut = cell(long);
        assert_eq!(cut.chars().count(), CELL_CHARS + TRUNCATED.chars().count());
        assert!(cut.ends_with(TRUNCATED) && cut.chars().count() <= 32_767);
    }
}
