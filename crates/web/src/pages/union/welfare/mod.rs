//! Services for members: hardship aid (助医、助学、两节慰问) with its budget, member
//! protection claims, welfare programmes with a yearly quota and their waiting lists,
//! the JSON API of the programmes, and the member's own phone pages (会员之家) to enrol
//! and to apply for aid.
//!
//! Township staff see and act on their township's applications, claims and enrolments
//! only; approving aid, setting the budget and creating programmes are the city's. A
//! member reaches only their own records: the record is looked up together with the
//! member of the account, so another member's id answers 404.

mod aid;
pub(crate) mod api;
mod claims;
mod me;
mod programmes;

use crate::access::Access::Roles;
use crate::error::AppError;
use crate::routes::roles::{MEMBERS, UNION_CITY, UNION_READ, UNION_WRITE};
use crate::routes::{Route, get, post};
use domain::platform::Fen;

/// This part's routes, appended to the union module's.
pub fn routes() -> Vec<Route> {
    let (read, write, city, member) = (
        Roles(UNION_READ),
        Roles(UNION_WRITE),
        Roles(UNION_CITY),
        Roles(MEMBERS),
    );
    vec![
        get("/union/aid", read, "困难帮扶", aid::list).nav("困难帮扶"),
        get("/union/aid.xlsx", read, "导出帮扶申请", aid::export),
        post("/union/aid", write, "登记帮扶申请", aid::create),
        post(
            "/union/aid/budget",
            city,
            "设定年度帮扶预算",
            aid::set_budget,
        ),
        get("/union/aid/{id}", read, "帮扶申请详情", aid::show),
        post(
            "/union/aid/{id}/documents",
            write,
            "补充申请材料",
            aid::set_documents,
        ),
        post(
            "/union/aid/{id}/review",
            write,
            "乡镇审核帮扶申请",
            aid::review,
        ),
        post(
            "/union/aid/{id}/approve",
            city,
            "批准帮扶金额",
            aid::approve,
        ),
        post(
            "/union/aid/{id}/disburse",
            city,
            "登记帮扶发放",
            aid::disburse,
        ),
        post("/union/aid/{id}/reject", write, "驳回帮扶申请", aid::reject),
        get("/union/claims", read, "互助保障", claims::list).nav("互助保障"),
        get("/union/claims.xlsx", read, "导出保障申请", claims::export),
        post("/union/claims", write, "登记保障申请", claims::create),
        get("/union/claims/{id}", read, "保障申请详情", claims::show),
        post(
            "/union/claims/{id}/step",
            write,
            "受理、赔付或拒赔",
            claims::step,
        ),
        get("/union/programmes", read, "福利项目", programmes::list).nav("福利项目"),
        get(
            "/union/programmes.xlsx",
            read,
            "导出福利项目",
            programmes::export_list,
        ),
        post(
            "/union/programmes",
            city,
            "新建福利项目",
            programmes::create,
        ),
        post(
            "/union/programmes/eligibility",
            city,
            "设定报名条件",
            programmes::set_eligibility,
        ),
        get(
            "/union/programmes/{id}",
            read,
            "福利项目详情",
            programmes::show,
        ),
        get(
            "/union/programmes/{id}/enrolments.xlsx",
            read,
            "导出报名名单",
            programmes::export,
        ),
        post(
            "/union/programmes/{id}/quota",
            city,
            "调整名额",
            programmes::set_quota,
        ),
        post(
            "/union/programmes/{id}/enrol",
            write,
            "为会员报名",
            programmes::enrol,
        ),
        post(
            "/union/enrolments/{id}/withdraw",
            write,
            "退出福利项目",
            programmes::withdraw,
        ),
        get(
            "/union/me/programmes",
            member,
            "我的福利项目",
            me::programmes,
        )
        .nav("福利项目报名"),
        post(
            "/union/me/programmes/{id}/enrol",
            member,
            "会员报名",
            me::enrol,
        ),
        post(
            "/union/me/enrolments/{id}/withdraw",
            member,
            "会员退出项目",
            me::withdraw,
        ),
        get("/union/me/aid", member, "我的帮扶申请", me::aid).nav("申请帮扶"),
        post("/union/me/aid", member, "会员申请帮扶", me::apply),
        get("/union/me/aid/{id}", member, "帮扶申请进度", me::aid_one),
        get(
            "/api/v1/union/programmes",
            read,
            "福利项目（JSON）",
            api::programmes,
        ),
        post(
            "/api/v1/union/programmes",
            city,
            "新建福利项目（JSON）",
            api::create,
        ),
        post(
            "/api/v1/union/programmes/{id}/enrolments",
            write,
            "福利项目报名（JSON）",
            api::enrol,
        ),
    ]
}

/// Whose record a line of an export is: name, masked resident ID, township.
pub(crate) fn holder_cells(h: &store::union::welfare::Holder) -> Vec<String> {
    vec![
        h.name.clone(),
        h.masked_id(),
        h.township.map(|t| t.name().to_string()).unwrap_or_default(),
    ]
}

/// A yuan amount typed in a form, in fen; must be given.
pub(crate) fn yuan(v: &Option<String>, what: &str) -> Result<Fen, AppError> {
    let text = super::required(v, what)?;
    Fen::parse_yuan(&text).map_err(|e| AppError::BadRequest(format!("{what}：{e}")))
}

/// The year asked for, or the latest year with union records (the union module's rule).
pub(crate) async fn year(
    state: &crate::state::AppState,
    asked: &Option<String>,
) -> Result<i32, AppError> {
    super::year(state, asked.as_deref()).await
}
