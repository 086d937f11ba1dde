//! The audit log as inspectors read it: filter, page, verify the chain.

use super::{Chrome, page_count, paging, render};
use crate::error::AppError;
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use store::audit::{self, EntryFilter};

/// Filters of the audit page.
#[derive(Deserialize, Default)]
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
    use serde_json::{Map, Value};
    let parse = |s: Option<&str>| -> Map<String, Value> {
        s.and_then(|t| serde_json::from_str::<Map<String, Value>>(t).ok())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
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
    entries: Vec<ShownEntry>,
    total: i64,
    page: i64,
    pages: i64,
    query: String,
    filter_actor: String,
    filter_entity: String,
    filter_entity_id: String,
    filter_from: String,
    filter_to: String,
}

/// Newest entries first, filtered.
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, AppError> {
    let filter = q.filter();
    let (page, per, offset) = paging(q.page, 50);
    let (rows, total) = audit::list(&state.db, &filter, per, offset).await?;
    let entries = rows
        .into_iter()
        .map(|e| ShownEntry {
            at: store::parse_timestamp(&e.at)
                .map(domain::platform::time::show_local)
                .unwrap_or(e.at),
            seq: e.seq,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            changes: changes(e.before_json.as_deref(), e.after_json.as_deref()),
        })
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
        chrome: Chrome::new("审计日志", &viewer),
        entries,
        total,
        page,
        pages: page_count(total, per),
        query,
        filter_actor: s(&filter.actor),
        filter_entity: s(&filter.entity),
        filter_entity_id: s(&filter.entity_id),
        filter_from: s(&filter.from),
        filter_to: s(&filter.to),
    })
}

/// The filtered log as Excel (at most 100,000 entries, newest first).
pub async fn export(
    State(state): State<AppState>,
    _viewer: Viewer,
    Query(q): Query<AuditQuery>,
) -> Result<axum::response::Response, AppError> {
    let (rows, _) = audit::list(&state.db, &q.filter(), 100_000, 0).await?;
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
    let rows = rows.into_iter().map(|e| {
        vec![
            e.seq.to_string(),
            store::parse_timestamp(&e.at)
                .map(domain::platform::time::show_local)
                .unwrap_or(e.at),
            e.actor,
            e.action,
            e.entity,
            e.entity_id,
            e.before_json.unwrap_or_default(),
            e.after_json.unwrap_or_default(),
            e.hash,
        ]
    });
    crate::download::xlsx("审计日志.xlsx", Some("审计日志"), &headers, rows)
}

#[derive(Template)]
#[template(path = "audit_verify.html")]
struct VerifyPage {
    chrome: Chrome,
    entries: i64,
    records: i64,
    problem: Option<String>,
}

/// Runs the same check as `groundwork audit verify`.
pub async fn verify(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Html<String>, AppError> {
    let v = audit::verify(&state.db).await?;
    render(&VerifyPage {
        chrome: Chrome::new("审计链校验", &viewer),
        entries: v.entries,
        records: v.records,
        problem: v.problem.map(|p| p.to_string()),
    })
}
