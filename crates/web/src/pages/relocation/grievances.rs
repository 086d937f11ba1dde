//! Grievances of a project (信访、举报): the list with its standing against each deadline
//! (search, filters, paging, Excel, JSON), a report's page, receiving one by hotline,
//! visit or letter, assigning, answering and closing; and the project's hotline setting.
//!
//! The store decides what each viewer reads: staff only the reports they handle, the
//! reporter in clear for inspectors only.

use super::projects::ScopedProject;
use super::{project_page, scope, xlsx};
use crate::access::Access::{Public, Roles};
use crate::error::{ApiError, AppError};
use crate::form::{self, Form};
use crate::pages::{Asked, Chrome, Keyed, Paged, given, paging, render};
use crate::routes::roles::{
    RELOCATION_COMMAND, RELOCATION_OVERSIGHT, RELOCATION_READ, RELOCATION_WRITE,
};
use crate::routes::{Route, get, post};
use crate::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Json;
use axum::extract::Query;
use axum::response::{Html, Response};
use chrono::NaiveDate;
use domain::platform::time::today_local;
use domain::relocation::grievance::Phone;
use domain::relocation::{
    Channel, GrievanceError, GrievanceKind, GrievanceState, Reporter, Standing,
};
use serde::Deserialize;
use serde_json::{Value, json};
use store::Tx;
use store::relocation::Scope;
use store::relocation::grievances::{self, Grievance, GrievanceFilter, NewGrievance, Reader};
use store::relocation::projects::{self, Project};

const PER_PAGE: i64 = 50;

/// Grievances, the hotline and the discipline register (信访、举报、纪律监督).
pub(super) fn routes() -> Vec<Route> {
    let (read, write, command, oversight) = (
        Roles(RELOCATION_READ),
        Roles(RELOCATION_WRITE),
        Roles(RELOCATION_COMMAND),
        Roles(RELOCATION_OVERSIGHT),
    );
    vec![
        get(
            "/relocation/projects/{code}/grievances",
            read,
            "信访举报",
            list,
        ),
        get(
            "/relocation/projects/{code}/grievances.xlsx",
            read,
            "导出信访举报",
            export,
        ),
        post(
            "/relocation/projects/{code}/grievances",
            write,
            "登记信访举报",
            create,
        ),
        get(
            "/relocation/projects/{code}/grievances/{id}",
            read,
            "信访举报详情",
            show,
        ),
        post(
            "/relocation/projects/{code}/grievances/{id}/assign",
            command,
            "分派承办人",
            assign,
        ),
        post(
            "/relocation/projects/{code}/grievances/{id}/answer",
            write,
            "答复信访举报",
            answer,
        ),
        post(
            "/relocation/projects/{code}/grievances/{id}/close",
            write,
            "办结信访举报",
            close,
        ),
        post(
            "/relocation/projects/{code}/hotline",
            command,
            "设置监督电话",
            set_hotline,
        ),
        get(
            "/api/v1/relocation/projects/{code}/grievances",
            read,
            "信访举报列表（JSON）",
            api,
        ),
        get(
            "/relocation/incidents",
            oversight,
            "纪律监督台账",
            super::incidents::list,
        ),
        get(
            "/relocation/incidents.xlsx",
            oversight,
            "导出纪律监督台账",
            super::incidents::export,
        ),
        post(
            "/relocation/incidents",
            command,
            "登记上访、违规违纪",
            super::incidents::create,
        ),
        get(
            "/public/relocation/{code}/report",
            Public,
            "我要反映",
            super::public_report::form,
        ),
        post(
            "/public/relocation/{code}/report",
            Public,
            "提交反映",
            super::public_report::submit,
        ),
        get(
            "/public/relocation/{code}/report/lookup",
            Public,
            "查询反映办理情况",
            super::public_report::lookup,
        ),
    ]
}

/// The viewer as the grievance store reads them.
pub(crate) async fn reader(state: &AppState, viewer: &Viewer) -> Result<Reader, AppError> {
    Ok(reader_in(viewer, scope(state, viewer).await?))
}

/// The viewer as the grievance store reads them, in the scope already looked up.
fn reader_in(viewer: &Viewer, scope: Scope) -> Reader {
    Reader {
        scope,
        user_id: viewer.user.id,
        role: viewer.user.role(),
    }
}

/// One page of the project's reports the viewer reads, with today's filter and the total.
async fn listed(
    at: &ScopedProject,
    q: &ListQuery,
    today: NaiveDate,
    per: i64,
    offset: i64,
) -> Result<(Vec<Grievance>, i64), AppError> {
    let ScopedProject(asked, scope, p) = at;
    let r = reader_in(&asked.viewer, scope.clone());
    let filter = q.filter(today);
    Ok(grievances::list(&asked.state.db, &r, p.id, &filter, per, offset).await?)
}

/// What the project page shows of grievances: the hotline and what has escalated.
pub struct Summary {
    /// The hotline, if set.
    pub hotline: Option<String>,
    /// Open reports past their deadline today, that the viewer sees.
    pub overdue: i64,
    /// Whether the viewer reads the discipline register (for its link).
    pub may_oversee: bool,
}

/// The project page's grievance box.
pub(crate) async fn summary(
    state: &AppState,
    viewer: &Viewer,
    p: &Project,
) -> Result<Summary, AppError> {
    let r = reader(state, viewer).await?;
    Ok(Summary {
        hotline: store::relocation::hotlines::hotline(&state.db, p.id).await?,
        overdue: grievances::overdue_count(&state.db, &r, p.id, today_local()).await?,
        may_oversee: viewer.may(RELOCATION_OVERSIGHT),
    })
}

/// Search, filters and page of the list.
#[derive(Deserialize, Default, Clone, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    q: String,
    state: String,
    kind: String,
    /// `overdue`: only the open reports past their deadline (已超期).
    show: String,
    page: Option<i64>,
}

impl ListQuery {
    fn filter(&self, today: NaiveDate) -> GrievanceFilter {
        GrievanceFilter {
            search: Some(self.q.clone()).filter(|s| !s.trim().is_empty()),
            state: GrievanceState::parse(&self.state),
            kind: GrievanceKind::parse(&self.kind),
            overdue_on: (self.show == "overdue").then_some(today),
        }
    }

    /// The query without the page, ending in `&` when not empty (for the pager).
    fn base(&self) -> String {
        let q = serde_urlencoded::to_string([
            ("q", &self.q),
            ("state", &self.state),
            ("kind", &self.kind),
            ("show", &self.show),
        ])
        .unwrap_or_default();
        format!("{q}&")
    }
}

/// A report as a list row: the report and how it stands today.
pub struct ListRow {
    g: Grievance,
    standing: Standing,
}

#[derive(Template)]
#[template(path = "relocation/grievances.html")]
struct ListPage {
    chrome: Chrome,
    p: Project,
    list: Paged<ListRow>,
    q: ListQuery,
    overdue: i64,
    pager_query: String,
    export_query: String,
    kinds: &'static [GrievanceKind],
    states: &'static [GrievanceState],
    channels: &'static [Channel],
    today: String,
    may_write: bool,
}

/// The project's reports the viewer sees.
pub async fn list(at: ScopedProject, Query(q): Query<ListQuery>) -> Result<Html<String>, AppError> {
    let today = today_local();
    let (page, per, offset) = paging(q.page, PER_PAGE);
    let (list, total) = listed(&at, &q, today, per, offset).await?;
    let ScopedProject(Asked { state, viewer }, scope, p) = at;
    let r = reader_in(&viewer, scope);
    let overdue = grievances::overdue_count(&state.db, &r, p.id, today).await?;
    let rows = list
        .into_iter()
        .map(|g| ListRow {
            standing: g.standing(today),
            g,
        })
        .collect();
    let pager_query = q.base();
    render(&ListPage {
        chrome: Chrome::new(format!("{} 信访举报", p.name), &viewer),
        export_query: pager_query.trim_end_matches('&').to_string(),
        pager_query,
        list: Paged::new(rows, total, page, per),
        overdue,
        kinds: GrievanceKind::ALL,
        states: GrievanceState::ALL,
        channels: Channel::ALL,
        today: today.to_string(),
        may_write: super::may_write(&viewer),
        q,
        p,
    })
}

/// Columns of the export, in order.
const EXPORT_HEADERS: [&str; 15] = [
    "编号",
    "来源",
    "类别",
    "标题",
    "内容",
    "反映人",
    "联系电话",
    "受理日期",
    "办理期限",
    "办理情况",
    "状态",
    "承办人",
    "答复内容",
    "答复日期",
    "办结日期",
];

/// The list as an .xlsx file (with the same filters; reporters masked as on screen).
pub async fn export(at: ScopedProject, Query(q): Query<ListQuery>) -> Result<Response, AppError> {
    let today = today_local();
    let (list, _) = listed(&at, &q, today, i64::MAX, 0).await?;
    let p = at.2;
    let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = list
        .into_iter()
        .map(|g| {
            vec![
                g.reference.to_string(),
                g.channel.label().to_string(),
                g.kind.label().to_string(),
                g.subject.clone(),
                g.content.clone(),
                g.reporter.name.clone(),
                g.reporter.phone.clone(),
                g.received_on.to_string(),
                g.deadline.to_string(),
                g.standing(today).label().to_string(),
                g.state.label().to_string(),
                g.handler.as_ref().map(|h| h.1.clone()).unwrap_or_default(),
                g.answer.clone(),
                day(g.answered.as_ref().map(|a| a.0)),
                day(g.closed_on),
            ]
        })
        .collect();
    xlsx(
        &format!("{}信访举报.xlsx", p.code),
        &format!("{} 信访举报登记表（导出日期 {today}）", p.name),
        &EXPORT_HEADERS,
        &rows,
    )
}

/// `GET /api/v1/relocation/projects/{code}/grievances`: the list as JSON, with the same
/// filters and paging as the page.
#[utoipa::path(get, path = "/api/v1/relocation/projects/{code}/grievances",
    params(("code" = String, Path, description = "项目编号", example = "YCQ2019-01"), ListQuery),
    responses((status = 200, body = Value), (status = 404, body = crate::error::ErrorBody)), tag = "relocation")]
pub async fn api(at: Keyed<String>, Query(q): Query<ListQuery>) -> Result<Json<Value>, ApiError> {
    let at = ScopedProject::of(at).await?;
    let today = today_local();
    let (page, per, offset) = paging(q.page, PER_PAGE);
    let (list, total) = listed(&at, &q, today, per, offset).await?;
    let p = at.2;
    let items: Vec<Value> = list
        .iter()
        .map(|g| {
            let standing = g.standing(today);
            json!({
                "reference": g.reference.to_string(),
                "channel": g.channel,
                "kind": g.kind,
                "subject": g.subject,
                "content": g.content,
                "reporter": g.reporter,
                "received_on": g.received_on,
                "deadline": g.deadline,
                "state": g.state,
                "standing": standing.code(),
                "escalated": standing.escalated(),
                "handler": g.handler.as_ref().map(|h| &h.1),
                "answer": g.answer,
                "answered_on": g.answered.as_ref().map(|a| a.0),
                "closed_on": g.closed_on,
            })
        })
        .collect();
    Ok(Json(json!({
        "project": p.code,
        "today": today,
        "total": total,
        "page": page,
        "grievances": items,
    })))
}

#[derive(Template)]
#[template(path = "relocation/grievance.html")]
struct ShowPage {
    chrome: Chrome,
    p: Project,
    g: Grievance,
    standing: Standing,
    handlers: Vec<(i64, String)>,
    today: String,
    may_write: bool,
    may_command: bool,
}

/// One report.
pub async fn show(at: Keyed<(String, i64)>) -> Result<Html<String>, AppError> {
    let Keyed {
        state,
        viewer,
        key: (code, id),
    } = at;
    let r = reader(&state, &viewer).await?;
    let p = projects::by_code(&state.db, &r.scope, &code).await?;
    let g = grievances::get(&state.db, &r, id).await?;
    if g.project_id != p.id {
        return Err(AppError::NotFound);
    }
    let may_command = super::may_command(&viewer);
    let handlers = if may_command {
        grievances::eligible_handlers(&state.db, p.id).await?
    } else {
        Vec::new()
    };
    render(&ShowPage {
        chrome: Chrome::new(format!("信访举报 {}", g.reference), &viewer),
        standing: g.standing(today_local()),
        today: today_local().to_string(),
        may_write: super::may_write(&viewer),
        may_command,
        handlers,
        p,
        g,
    })
}

/// A report received by staff (hotline, visit, letter).
#[derive(Deserialize)]
pub struct NewForm {
    #[serde(default, deserialize_with = "form::parsed")]
    channel: Option<Channel>,
    #[serde(default, deserialize_with = "form::parsed")]
    kind: Option<GrievanceKind>,
    #[serde(default, deserialize_with = "form::text")]
    subject: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    content: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    reporter_name: Option<String>,
    #[serde(default, deserialize_with = "form::text")]
    reporter_phone: Option<String>,
    #[serde(default, deserialize_with = "form::date")]
    received_on: Option<NaiveDate>,
}

/// Receives a report.
pub async fn create(at: Keyed<String>, Form(f): Form<NewForm>) -> Response {
    let today = today_local();
    on_project(&at, "/grievances", async |tx, actor, p| {
        let new = NewGrievance {
            channel: given(&f.channel, "请选择来源渠道")?,
            kind: given(&f.kind, "请选择类别")?,
            subject: f.subject.clone().unwrap_or_default(),
            content: f.content.clone().unwrap_or_default(),
            reporter: Reporter {
                name: f.reporter_name.clone().unwrap_or_default(),
                phone: f.reporter_phone.clone().unwrap_or_default(),
            },
            received_on: f.received_on.unwrap_or(today),
            handler_id: None,
            client_key: None,
        };
        grievances::create(tx, actor, p.id, &new, today).await?;
        Ok(())
    })
    .await
}

/// A change about project `code` that does not move the wall (so not `on_project`),
/// returning to the project's page `rest`.
async fn on_project<F>(at: &Keyed<String>, rest: &str, f: F) -> Response
where
    F: AsyncFnOnce(&mut Tx, &str, &Project) -> Result<(), AppError>,
{
    let back = project_page(&at.key, rest);
    at.relocation_change(&back, async |tx, actor, scope| {
        let p = projects::by_code(&mut *tx, scope, &at.key).await?;
        f(tx, actor, &p).await?;
        Ok(None)
    })
    .await
}

/// A change of the report the path names (`{code}/grievances/{id}`) by the viewer as
/// the store reads them, returning to the report's page.
async fn on_grievance<F>(at: &Keyed<(String, i64)>, f: F) -> Response
where
    F: AsyncFnOnce(&mut Tx, &str, &Reader, i64) -> Result<(), AppError>,
{
    let (code, id) = &at.key;
    let back = project_page(code, &format!("/grievances/{id}"));
    let r = reader(&at.state, &at.viewer).await;
    at.relocation_change(&back, async |tx, actor, _| {
        f(tx, actor, &r?, *id).await?;
        Ok(None)
    })
    .await
}

/// The handler chosen.
#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default, deserialize_with = "form::id")]
    handler: Option<i64>,
}

/// Gives a report to a handler.
pub async fn assign(at: Keyed<(String, i64)>, Form(f): Form<AssignForm>) -> Response {
    on_grievance(&at, async |tx, actor, r, id| {
        let handler = given(&f.handler, "请选择承办人")?;
        grievances::assign(tx, actor, r, id, handler).await?;
        Ok(())
    })
    .await
}

/// An answer.
#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default, deserialize_with = "form::text")]
    answer: Option<String>,
    #[serde(default, deserialize_with = "form::date")]
    answered_on: Option<NaiveDate>,
}

/// Answers a report.
pub async fn answer(at: Keyed<(String, i64)>, Form(f): Form<AnswerForm>) -> Response {
    let today = today_local();
    on_grievance(&at, async |tx, actor, r, id| {
        let on = f.answered_on.unwrap_or(today);
        if on > today {
            return Err(store::StoreError::from(GrievanceError::DateInFuture).into());
        }
        let text = f.answer.as_deref().unwrap_or_default();
        grievances::answer(tx, actor, r, id, text, on).await?;
        Ok(())
    })
    .await
}

/// Closes an answered report.
pub async fn close(at: Keyed<(String, i64)>) -> Response {
    on_grievance(&at, async |tx, actor, r, id| {
        grievances::close(tx, actor, r, id, today_local()).await?;
        Ok(())
    })
    .await
}

/// The hotline number (empty removes it).
#[derive(Deserialize)]
pub struct HotlineForm {
    #[serde(default, deserialize_with = "form::parsed")]
    hotline: Option<Phone>,
}

/// Sets the project's hotline.
pub async fn set_hotline(at: Keyed<String>, Form(f): Form<HotlineForm>) -> Response {
    on_project(&at, "", async |tx, actor, p| {
        store::relocation::hotlines::set_hotline(tx, actor, p.id, f.hotline.as_ref()).await?;
        Ok(())
    })
    .await
}
