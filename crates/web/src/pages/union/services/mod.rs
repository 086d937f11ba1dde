//! The union's services: activities with sign-ups and participations, teams and
//! associations, honours, and the member's own activities page (phone-first).
//!
//! Township staff see their township's records and the city's, change only their
//! township's; another township's record answers 404. Inspectors read, never post.
//! A member sees and changes only their own sign-ups: the member is always the one the
//! account is linked to, never an id from the URL or the form.

pub(crate) mod activities;
mod honours;
mod member;
mod teams;

use crate::access::Access::Roles;
use crate::routes::roles::{MEMBERS, UNION_READ, UNION_WRITE};
use crate::routes::{Route, get, post};

/// The services' routes, appended to the union module's.
pub fn routes() -> Vec<Route> {
    let (read, write, members) = (Roles(UNION_READ), Roles(UNION_WRITE), Roles(MEMBERS));
    vec![
        get("/union/activities", read, "工会活动", activities::list).nav("工会活动"),
        get(
            "/union/activities.xlsx",
            read,
            "导出工会活动",
            activities::export,
        ),
        post("/union/activities", write, "登记活动", activities::create),
        get("/union/activities/{id}", read, "活动详情", activities::show),
        post(
            "/union/activities/{id}",
            write,
            "修改活动",
            activities::update,
        ),
        get(
            "/union/activities/{id}/participations.xlsx",
            read,
            "导出活动参与名单",
            activities::export_participations,
        ),
        get("/union/teams", read, "队伍和协会", teams::list).nav("队伍协会"),
        post("/union/teams", write, "登记队伍", teams::create),
        get("/union/teams/{id}", read, "队伍详情", teams::show),
        post(
            "/union/teams/{id}/members",
            write,
            "队伍添加成员",
            teams::add_member,
        ),
        get("/union/honours", read, "先进典型", honours::list).nav("先进典型"),
        get("/union/honours.xlsx", read, "导出先进典型", honours::export),
        post("/union/honours", write, "登记荣誉", honours::create),
        post(
            "/union/honours/{id}/delete",
            write,
            "删除荣誉",
            honours::remove,
        ),
        get("/union/me/activities", members, "我的活动", member::page).nav("我的活动"),
        post(
            "/union/me/activities/{id}/signup",
            members,
            "活动报名",
            member::sign_up,
        ),
        post(
            "/union/me/signups/{id}/cancel",
            members,
            "取消报名",
            member::cancel,
        ),
        get(
            "/api/v1/union/activities",
            read,
            "工会活动列表（JSON）",
            activities::list_json,
        ),
        get(
            "/api/v1/union/figures/activities",
            read,
            "活动与荣誉年度数字（JSON）",
            activities::figures_json,
        ),
    ]
}
