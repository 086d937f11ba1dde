//! Pages and API of the expropriation and resettlement headquarters: projects and their
//! standards, households and their records, the task breakdown, the work log and nightly
//! meetings, the compensation sheet, the live wall, imports, grievances and the discipline
//! register, care (temporary housing, help given), and the public postings with the
//! hotline, the public report form and objections to the population posting.
//!
//! Scope: commanders see their town's projects, staff the households of their group,
//! inspectors everything (and change nothing: no POST route lists them). A record outside
//! the viewer's scope answers 404, exactly like one that does not exist.

pub(crate) mod api;
mod care;
mod chart;
pub(crate) mod choosing;
pub(crate) mod flats;
pub(crate) mod grievances;
mod households;
mod imports;
mod incidents;
mod meetings;
mod notify;
mod population;
mod projects;
mod public;
mod public_report;
mod records;
mod sheet;
mod tasks;
pub(crate) mod wall;

use super::Done;
use crate::access::Access::{Public, Roles};
use crate::error::AppError;
use crate::routes::roles::{RELOCATION_COMMAND, RELOCATION_READ, RELOCATION_WRITE};
use crate::routes::{Route, get, post};
use crate::session::Viewer;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::response::Response;
use store::Tx;
use store::relocation::Scope;
use store::relocation::projects::Project;

/// This module's routes.
pub fn routes() -> Vec<Route> {
    let (read, write, command) = (
        Roles(RELOCATION_READ),
        Roles(RELOCATION_WRITE),
        Roles(RELOCATION_COMMAND),
    );
    vec![
        get("/relocation/", read, "征收安置项目总览", projects::overview).nav("征收安置"),
        get(
            "/relocation/projects/new",
            command,
            "新建项目",
            projects::new_form,
        ),
        post(
            "/relocation/projects",
            command,
            "新建项目",
            projects::create,
        ),
        get(
            "/relocation/projects/{code}",
            read,
            "项目详情",
            projects::show,
        ),
        post(
            "/relocation/projects/{code}",
            command,
            "修改项目",
            projects::update,
        ),
        get(
            "/relocation/projects/{code}/standard",
            read,
            "补偿标准",
            projects::standard_form,
        ),
        post(
            "/relocation/projects/{code}/standard",
            command,
            "保存补偿标准草稿",
            projects::save_standard,
        ),
        post(
            "/relocation/projects/{code}/standard/publish",
            command,
            "公布补偿标准",
            projects::publish_standard,
        ),
        get(
            "/relocation/projects/{code}/households",
            read,
            "被征收户列表",
            households::list,
        ),
        get(
            "/relocation/projects/{code}/households.xlsx",
            read,
            "导出被征收户",
            households::export,
        ),
        post(
            "/relocation/projects/{code}/households",
            command,
            "新增被征收户",
            households::create,
        ),
        get(
            "/relocation/households/{id}",
            read,
            "户详情",
            households::show,
        ),
        post(
            "/relocation/households/{id}",
            write,
            "修改户信息",
            households::update,
        ),
        post(
            "/relocation/households/{id}/concerns",
            write,
            "记录诉求与难点",
            households::concerns,
        ),
        post(
            "/relocation/households/{id}/assign",
            command,
            "分配工作组与责任人",
            tasks::assign_one,
        ),
        post(
            "/relocation/households/{id}/members",
            write,
            "登记家庭成员",
            records::add_member,
        ),
        post(
            "/relocation/members/{id}/remove",
            write,
            "删除家庭成员",
            records::remove_member,
        ),
        post(
            "/relocation/households/{id}/buildings",
            write,
            "登记房屋",
            records::add_building,
        ),
        post(
            "/relocation/buildings/{id}/verify",
            write,
            "确权",
            records::verify_building,
        ),
        post(
            "/relocation/households/{id}/appraisals",
            write,
            "登记评估项目",
            records::add_appraisal,
        ),
        post(
            "/relocation/households/{id}/milestones",
            write,
            "登记节点",
            records::record_milestone,
        ),
        post(
            "/relocation/households/{id}/milestones/undo",
            write,
            "撤销节点",
            records::undo_milestone,
        ),
        post(
            "/relocation/households/{id}/visits",
            write,
            "登记走访",
            records::add_visit,
        ),
        post(
            "/relocation/households/{id}/population/review",
            write,
            "安置人口初审、登记异议",
            population::review,
        ),
        post(
            "/relocation/households/{id}/population/decide",
            command,
            "安置人口复审、公示、异议处理、认定",
            population::decide,
        ),
        get(
            "/public/relocation/{code}/population",
            Public,
            "安置人口公示",
            population::posting,
        ),
        post(
            "/public/relocation/{code}/population/objections",
            Public,
            "对安置人口公示提出异议",
            population::object,
        ),
        get(
            "/public/relocation/{code}/population/objections",
            Public,
            "查询异议处理情况",
            population::lookup,
        ),
        post(
            "/relocation/households/{id}/temporary-housing",
            write,
            "登记过渡安置",
            care::add_stay,
        ),
        post(
            "/relocation/temporary-housing/{id}",
            write,
            "修改过渡安置",
            care::update_stay,
        ),
        post(
            "/relocation/temporary-housing/{id}/remove",
            write,
            "删除过渡安置",
            care::remove_stay,
        ),
        post(
            "/relocation/households/{id}/care",
            write,
            "登记帮扶",
            care::add_action,
        ),
        post(
            "/relocation/care/{id}/remove",
            write,
            "删除帮扶记录",
            care::remove_action,
        ),
        get(
            "/relocation/projects/{code}/temporary-housing.xlsx",
            read,
            "导出过渡安置户",
            care::export,
        ),
        get(
            "/relocation/households/{id}/sheet",
            read,
            "补偿明细表",
            sheet::show,
        ),
        get(
            "/relocation/projects/{code}/tasks",
            read,
            "任务分解表",
            tasks::table,
        ),
        get(
            "/relocation/projects/{code}/tasks.xlsx",
            read,
            "导出任务分解表",
            tasks::export,
        ),
        post(
            "/relocation/projects/{code}/tasks",
            command,
            "批量分配",
            tasks::assign_bulk,
        ),
        get(
            "/relocation/projects/{code}/teams",
            read,
            "工作组与人员",
            tasks::teams,
        ),
        post(
            "/relocation/projects/{code}/teams/{team}/persons",
            command,
            "添加组员",
            tasks::add_person,
        ),
        post(
            "/relocation/projects/{code}/teams/{team}/leader",
            command,
            "设置组长",
            tasks::set_leader,
        ),
        get(
            "/relocation/projects/{code}/visits",
            read,
            "工作日志",
            meetings::visits,
        ),
        get(
            "/relocation/projects/{code}/visits.xlsx",
            read,
            "导出工作日志",
            meetings::export_visits,
        ),
        get(
            "/relocation/projects/{code}/meetings",
            read,
            "碰头会",
            meetings::list,
        ),
        post(
            "/relocation/projects/{code}/meetings",
            command,
            "记录碰头会",
            meetings::create,
        ),
        get(
            "/relocation/projects/{code}/meetings/{id}",
            read,
            "碰头会详情",
            meetings::show,
        ),
        post(
            "/relocation/actions/{id}/done",
            write,
            "待办事项办结",
            meetings::complete,
        ),
        get(
            "/relocation/projects/{code}/wall",
            read,
            "进度上墙",
            wall::page,
        ),
        get(
            "/relocation/projects/{code}/screen",
            read,
            "进度大屏",
            wall::screen,
        ),
        get(
            "/relocation/projects/{code}/wall/events",
            read,
            "进度实时推送（SSE）",
            wall::events,
        ),
        get(
            "/relocation/projects/{code}/report",
            read,
            "进度日报（文本）",
            wall::report,
        ),
        get(
            "/relocation/projects/{code}/notify",
            command,
            "项目通知（工作群、住户短信）",
            notify::page,
        ),
        post(
            "/relocation/projects/{code}/notify/report",
            command,
            "发送进度日报到工作群",
            notify::send_report,
        ),
        post(
            "/relocation/projects/{code}/notify/households",
            command,
            "预览或发送住户短信",
            notify::households_message,
        ),
        post(
            "/relocation/projects/{code}/notify/group",
            command,
            "设置项目工作群机器人",
            notify::set_group,
        ),
        get(
            "/api/v1/relocation/projects/{code}/wall",
            read,
            "项目进度（JSON）",
            wall::api,
        ),
        get("/relocation/import", command, "批量导入", imports::form),
        post(
            "/relocation/import",
            command,
            "上传导入文件",
            imports::upload.layer(DefaultBodyLimit::max(crate::pages::imports::MAX_UPLOAD)),
        ),
        get(
            "/relocation/templates/{kind}",
            command,
            "下载导入模板",
            imports::template,
        ),
        get("/public/relocation/", Public, "征收安置公示", public::index),
        get(
            "/public/relocation/{code}",
            Public,
            "项目信息公开",
            public::project_page,
        ),
        get(
            "/public/relocation/{code}/compensation",
            Public,
            "补偿公示",
            public::compensation,
        ),
        get(
            "/public/relocation/{code}/choosing-order",
            Public,
            "选房顺序公示",
            public::choosing_order,
        ),
        get(
            "/public/relocation/{code}/choosing-order.json",
            Public,
            "选房顺序（JSON）",
            public::choosing_order_json,
        ),
    ]
    .into_iter()
    .chain(api::routes(read, write, command))
    .chain(choosing::routes(read, write, command))
    .chain(flats::routes(read, write, command))
    .chain(grievances::routes())
    .collect()
}

/// Links for the public start page.
pub fn public_links() -> Vec<(&'static str, &'static str)> {
    vec![(
        "征收安置公示（补偿明细、安置人口、选房顺序）",
        "/public/relocation/",
    )]
}

/// The viewer's scope in this module.
pub(crate) async fn scope(state: &AppState, viewer: &Viewer) -> Result<Scope, AppError> {
    Ok(Scope::of(&state.db, &viewer.user.account).await?)
}

/// Whether the viewer runs projects (for showing forms; the route table decides what is
/// allowed).
pub(crate) fn may_command(viewer: &Viewer) -> bool {
    viewer.may(RELOCATION_COMMAND)
}

/// Whether the viewer may change relocation records (for showing forms).
pub(crate) fn may_write(viewer: &Viewer) -> bool {
    viewer.may(RELOCATION_WRITE)
}

/// Runs a form's change in one transaction with the viewer's scope, through
/// [`super::change`]; back to `back` when it worked. `Some(project)` from the change tells
/// that project's wall.
pub(crate) async fn change<F>(state: &AppState, viewer: &Viewer, back: &str, change: F) -> Response
where
    F: AsyncFnOnce(&mut Tx, &str, &Scope) -> Result<Option<i64>, AppError>,
{
    super::change(state, viewer, back, async |tx| {
        let scope = scope(state, viewer).await?;
        let project = change(tx, &viewer.user.username, &scope).await?;
        Ok(Done::to(back).telling(project))
    })
    .await
}

/// Like [`change`] for a change to a project: the project (by code, in the viewer's
/// scope) is looked up first and its wall is told afterwards.
pub(crate) async fn project_change<F>(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    back: &str,
    f: F,
) -> Response
where
    F: AsyncFnOnce(&mut Tx, &str, &Scope, &Project) -> Result<(), AppError>,
{
    change(state, viewer, back, async |tx, actor, scope| {
        let p = store::relocation::projects::by_code(&mut *tx, scope, code).await?;
        f(tx, actor, scope, &p).await?;
        Ok(Some(p.id))
    })
    .await
}

/// A page of a project, to return to after a form: `/relocation/projects/{code}{rest}`.
pub(crate) fn project_page(code: &str, rest: &str) -> String {
    format!(
        "/relocation/projects/{}{rest}",
        crate::access::urlencode(code)
    )
}

pub(crate) use super::{form_date, required_date};

/// An optional id from a form select (`""` is none).
pub(crate) fn form_id(text: &str) -> Result<Option<i64>, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse()
        .map(Some)
        .map_err(|_| AppError::BadRequest(format!("编号不正确：{t}")))
}

/// An `.xlsx` download of `rows` under `headers` with a title row.
pub(crate) fn xlsx(
    filename: &str,
    title: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Response, AppError> {
    crate::download::xlsx(filename, Some(title), headers, rows.iter().cloned())
}

/// The `.xlsx` download of a list of project `p` called `what`: the file
/// `{code}-{what}.xlsx`, titled `{name} {what}`.
pub(crate) fn project_xlsx(
    p: &Project,
    what: &str,
    headers: &[&str],
    rows: &[Vec<String>],
) -> Result<Response, AppError> {
    let filename = format!("{}-{what}.xlsx", p.code);
    xlsx(&filename, &format!("{} {what}", p.name), headers, rows)
}
