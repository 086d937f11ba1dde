//! Pages and API of the union federation: township dashboards with the coverage checklist,
//! the ranking (on screen, as a printable circular, as Excel), the enterprise registry,
//! the union tree with officers, the member registry, imports, and the member portal.
//!
//! Scope: township staff see and change only their own township; a record outside it
//! answers 404, exactly like one that does not exist. Inspectors read everything and change
//! nothing (no POST route lists them). Lists show masked IDs and mobiles; full ones only on
//! a member's own page.

mod activation;
pub(crate) mod api;
mod dashboard;
mod duplicates;
mod enterprises;
mod imports;
mod members;
mod notify;
mod organisations;
mod portal;
pub(crate) mod rights;
pub(crate) mod services;
pub(crate) mod welfare;

pub(crate) use super::kept_filters;
use crate::access::Access::{Public, Roles};
use crate::error::AppError;
use crate::pages::Keyed;
use crate::routes::roles::{MEMBERS, UNION_CITY, UNION_READ, UNION_WRITE};
use crate::routes::{Route, get, post};
use crate::session::Viewer;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::response::Response;
use chrono::NaiveDate;
use store::Tx;
use store::union::Scope;

/// This module's routes.
pub fn routes() -> Vec<Route> {
    let (read, write, city) = (Roles(UNION_READ), Roles(UNION_WRITE), Roles(UNION_CITY));
    vec![
        get("/union/", read, "工会工作概况", dashboard::overview).nav("工会概况"),
        get(
            "/union/townships/{code}",
            read,
            "乡镇（街道）工会工作台",
            dashboard::township,
        ),
        get(
            "/union/ranking",
            read,
            "乡镇（街道）建会排名",
            dashboard::ranking,
        )
        .nav("排名通报"),
        get(
            "/union/ranking/circular",
            read,
            "排名通报（打印）",
            dashboard::circular,
        ),
        get(
            "/union/ranking.xlsx",
            read,
            "导出排名",
            dashboard::ranking_xlsx,
        ),
        post(
            "/union/settings/rule",
            city,
            "修改建会覆盖规则",
            dashboard::set_rule,
        ),
        get("/union/enterprises", read, "企业名录", enterprises::list).nav("企业名录"),
        get(
            "/union/enterprises.xlsx",
            read,
            "导出企业名录",
            enterprises::export,
        ),
        post("/union/enterprises", write, "登记企业", enterprises::create),
        get(
            "/union/enterprises/{id}",
            read,
            "企业详情",
            enterprises::show,
        ),
        post(
            "/union/enterprises/{id}",
            write,
            "修改企业",
            enterprises::update,
        ),
        post(
            "/union/enterprises/{id}/found",
            write,
            "组建企业工会（消号）",
            enterprises::found,
        ),
        post(
            "/union/enterprises/{id}/cover",
            write,
            "纳入联合工会",
            enterprises::cover,
        ),
        get("/union/unions", read, "工会组织", organisations::tree).nav("工会组织"),
        get(
            "/union/unions.xlsx",
            read,
            "导出工会组织",
            organisations::export,
        ),
        post("/union/unions", write, "新建工会", organisations::create),
        get("/union/unions/{id}", read, "工会详情", organisations::show),
        get(
            "/union/unions/{id}/notify",
            write,
            "短信通知会员",
            notify::page,
        ),
        post(
            "/union/unions/{id}/notify",
            write,
            "预览或发送会员短信",
            notify::send,
        ),
        post(
            "/union/unions/{id}/notify/group",
            write,
            "设置工会工作群机器人",
            notify::set_group,
        ),
        post(
            "/union/unions/{id}/notify/post",
            write,
            "发送到工会工作群",
            notify::post_to_group,
        ),
        get(
            "/union/teams/{id}/notify",
            write,
            "短信通知队伍成员",
            notify::team_page,
        ),
        post(
            "/union/teams/{id}/notify",
            write,
            "预览或发送队伍成员短信",
            notify::team_send,
        ),
        get(
            "/union/townships/{code}/notify",
            write,
            "短信通知乡镇会员",
            notify::township_page,
        ),
        post(
            "/union/townships/{code}/notify",
            write,
            "预览或发送乡镇会员短信",
            notify::township_send,
        ),
        post(
            "/union/unions/{id}/officers",
            write,
            "新增工会干部",
            organisations::add_officer,
        ),
        post(
            "/union/unions/{id}/reform",
            write,
            "登记改革生效日期",
            organisations::reform,
        ),
        post(
            "/union/officers/{id}/end",
            write,
            "工会干部离任",
            organisations::end_term,
        ),
        get("/union/members", read, "会员名册", members::list).nav("会员名册"),
        get("/union/members.xlsx", read, "导出会员名册", members::export),
        post(
            "/union/members/export",
            read,
            "后台导出会员名册",
            members::export_job,
        ),
        post("/union/members", write, "登记会员", members::create),
        get("/union/members/{id}", read, "会员详情", members::show),
        post(
            "/union/members/{id}/transfer",
            write,
            "会员转会",
            members::transfer,
        ),
        post(
            "/union/members/{id}/leave",
            write,
            "会员离会",
            members::leave,
        ),
        get("/union/import", write, "批量导入", imports::form).nav("批量导入"),
        post(
            "/union/import",
            write,
            "上传导入文件",
            imports::upload.layer(DefaultBodyLimit::max(crate::pages::imports::MAX_UPLOAD)),
        ),
        get(
            "/union/templates/{kind}",
            write,
            "下载导入模板",
            imports::template,
        ),
        get("/union/me", Roles(MEMBERS), "我的会员信息", portal::me).nav("我的会员信息"),
        get(
            "/member/activate",
            Public,
            "会员之家激活账号",
            activation::start,
        ),
        post(
            "/member/activate",
            Public,
            "获取激活验证码",
            activation::request,
        ),
        post(
            "/member/activate/confirm",
            Public,
            "验证码激活并设置密码",
            activation::confirm,
        ),
        get(
            "/union/members/duplicates",
            read,
            "疑似重复会员",
            duplicates::list,
        ),
        post(
            "/union/members/duplicates/merge",
            write,
            "合并重复会员",
            duplicates::merge,
        ),
    ]
    .into_iter()
    .chain(api::routes())
    .chain(services::routes())
    .chain(welfare::routes())
    .chain(rights::routes())
    .collect()
}

/// The viewer's scope: township staff their township, everyone else the city (worked
/// out from the account, which cannot be township staff without a township).
pub(crate) fn scope(viewer: &Viewer) -> Result<Scope, AppError> {
    Ok(Scope::of(&viewer.user.account))
}

/// A union record whose page takes form posts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Record {
    /// An enterprise of the registry.
    Enterprise,
    /// A member.
    Member,
    /// A union organisation.
    Union,
}

impl Record {
    /// Where the record's pages are (`{page}/{id}`).
    fn page(self) -> &'static str {
        match self {
            Record::Enterprise => "/union/enterprises",
            Record::Member => "/union/members",
            Record::Union => "/union/unions",
        }
    }

    /// Finds record `id` in `scope`: out of scope is "not found", whatever a form holds.
    async fn find(self, tx: &mut Tx, scope: Scope, id: i64) -> Result<(), AppError> {
        match self {
            Record::Enterprise => store::union::enterprises::get(&mut *tx, scope, id)
                .await
                .map(|_| ()),
            Record::Member => store::union::members::get(&mut *tx, scope, id)
                .await
                .map(|_| ()),
            Record::Union => store::union::organisations::get_for_change(&mut *tx, scope, id)
                .await
                .map(|_| ()),
        }
        .map_err(AppError::from)
    }
}

/// Runs `work` as one change of the `record` a post names, once it is found in the
/// viewer's scope, with the transaction, who acts, their scope and the record's id;
/// answers by returning to the record's page, or to where `work` says.
pub(crate) async fn on_record<F>(post: &Keyed, record: Record, work: F) -> Response
where
    F: AsyncFnOnce(&mut Tx, &str, Scope, i64) -> Result<Option<String>, AppError>,
{
    let back = format!("{}/{}", record.page(), post.key);
    post.change(&back, async |tx| {
        let scope = scope(&post.viewer)?;
        record.find(tx, scope, post.key).await?;
        let to = work(tx, &post.viewer.user.username, scope, post.key).await?;
        Ok(to.unwrap_or_else(|| back.clone()))
    })
    .await
}

/// Whether the viewer may change union records (for showing forms; the route table
/// decides what is allowed).
pub(crate) fn may_write(viewer: &Viewer) -> bool {
    viewer.may(UNION_WRITE)
}

/// Whether the viewer administers the whole city's union work.
pub(crate) fn is_city(viewer: &Viewer) -> bool {
    viewer.may(UNION_CITY)
}

/// The unions a viewer in `sc` may see and pick from (the member list's filter and its
/// join form, a township page's new unions), with their members, kept per state of the
/// records ([`crate::figures`]): a province has tens of thousands.
pub(crate) async fn union_choices(
    r: &crate::figures::Reading<'_>,
    db: &store::Db,
    sc: Scope,
) -> Result<std::sync::Arc<Vec<store::union::organisations::UnionOrg>>, AppError> {
    Ok(r.get(format!("unions {sc:?}"), || async {
        let all = store::union::organisations::list(db, sc).await?;
        store::error::StoreResult::Ok(
            all.into_iter()
                .filter(|u| sc.allows_code(u.township.map(|t| t.code())))
                .collect::<Vec<_>>(),
        )
    })
    .await?)
}

/// The report year asked for, or the latest year with records.
pub(crate) async fn year(
    state: &crate::state::AppState,
    asked: Option<&str>,
) -> Result<i32, AppError> {
    match asked_year(asked) {
        Some(y) => y,
        None => year_in(&state.figures.read(&state.db).await?, state, None).await,
    }
}

/// [`year`] for a page that already reads kept figures: the latest year is one of them.
pub(crate) async fn year_in(
    reading: &crate::figures::Reading<'_>,
    state: &crate::state::AppState,
    asked: Option<&str>,
) -> Result<i32, AppError> {
    match asked_year(asked) {
        Some(y) => y,
        None => Ok(*reading
            .get("latest year", || {
                store::union::coverage::latest_year(&state.db)
            })
            .await?),
    }
}

/// The year a query asks for, checked; `None` when it asks for none.
fn asked_year(asked: Option<&str>) -> Option<Result<i32, AppError>> {
    let y = asked.map(str::trim).filter(|y| !y.is_empty())?;
    Some(
        y.parse::<i32>()
            .ok()
            .filter(|y| (1950..=2100).contains(y))
            .ok_or_else(|| AppError::BadRequest(format!("年份不正确：{y}"))),
    )
}

/// A trimmed form field; `None` when absent or empty.
pub(crate) fn field(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// A required form field.
pub(crate) fn required(v: &Option<String>, what: &str) -> Result<String, AppError> {
    field(v).ok_or_else(|| AppError::BadRequest(format!("请填写{what}")))
}

/// A form date as people type it; `None` when empty.
pub(crate) fn date(v: &Option<String>, what: &str) -> Result<Option<NaiveDate>, AppError> {
    super::form_date(v.as_deref().unwrap_or(""), what)
}

/// A required form date.
pub(crate) fn required_date(v: &Option<String>, what: &str) -> Result<NaiveDate, AppError> {
    super::required_date(v.as_deref().unwrap_or(""), what)
}

/// A form id (from a select).
pub(crate) fn form_id(v: &Option<String>, what: &str) -> Result<i64, AppError> {
    let t = required(v, what)?;
    t.parse()
        .map_err(|_| AppError::BadRequest(format!("{what}不正确：{t}")))
}

/// A yes/no select or checkbox (`yes`, `on`, `true`, `是`).
pub(crate) fn flag(v: &Option<String>) -> bool {
    matches!(
        field(v).as_deref(),
        Some("yes" | "on" | "true" | "1" | "是")
    )
}

/// A filter select: `yes` → true, `no` → false, anything else → no filter.
pub(crate) fn tri(v: &Option<String>) -> Option<bool> {
    match field(v).as_deref() {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}
