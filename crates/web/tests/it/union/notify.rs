//! A text to a union's, a team's or a township's members: previewed, then queued once per
//! member with a mobile; the messages are the union's own on the outbox page.

use super::{rid, seed, xinanjiang, yangxi};
use crate::support::{Session, TestApp, committed};
use chrono::NaiveDate;
use domain::platform::Role;
use domain::platform::notify::Channel;
use store::platform::notify as outbox;
use store::union::Scope;
use store::union::members;

#[tokio::test]
async fn union_staff_text_the_members_after_a_preview() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let u = s.joint(&app.db, "甲工会", xinanjiang()).await;
    member(&app.db, 1, "欧阳小明", "13812345678", u.id).await;
    member(&app.db, 2, "欧阳娜", "", u.id).await;
    let staff = app.login(Role::UnionStaff).await;
    let path = format!("/union/unions/{}/notify", u.id);
    let template = "{{姓名}}您好：{{工会}}明日举办技能竞赛。";
    let html = preview(&staff, &path, template).await;
    assert!(
        html.contains("欧阳小明您好：甲工会明日举办技能竞赛。") && html.contains("发送给 1 名会员"),
        "{html}"
    );
    send_twice(&staff, &path, template).await;
    let queued = outbox::list(&app.db, None, None, 10).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(
        (queued[0].channel, queued[0].recipient.as_str()),
        (Channel::Sms, "13812345678")
    );
    assert_eq!(queued[0].audience, "union");
    let inspector = app.login(Role::Inspector).await;
    assert_eq!(
        inspector
            .post(&path, &[("template", template), ("send", "yes")])
            .await
            .status()
            .as_u16(),
        403
    );
}

/// Opens the form at `path` and previews `template` on it; the preview page.
async fn preview(staff: &Session, path: &str, template: &str) -> String {
    assert_eq!(staff.page(path).await.0, 200);
    let r = staff
        .post(path, &[("template", template), ("send", "no")])
        .await;
    r.text().await.unwrap()
}

/// Sends `template` at `path` twice, as a double click would: the outbox must keep one
/// message per member.
async fn send_twice(staff: &Session, path: &str, template: &str) {
    for _ in 0..2 {
        staff
            .submit(path, &[("template", template), ("send", "yes")])
            .await;
    }
}

/// A member with `mobile` (empty: none) in union `union_id`; their id.
async fn member(db: &store::Db, n: u32, name: &str, mobile: &str, union_id: i64) -> i64 {
    let m = super::member(&rid(n), name, mobile, union_id, (2019, 3, 5));
    committed(db, async |tx| {
        members::add(tx, "test", Scope::City, &m).await
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn a_team_and_a_township_are_texted_after_a_preview_within_the_staffs_township() {
    use domain::union::organising::TeamKind;
    use store::union::teams::{self, TeamInput};
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let jia = s.joint(&app.db, "甲工会", xinanjiang()).await;
    let yi = s.joint(&app.db, "乙工会", yangxi()).await;
    let ming = member(&app.db, 11, "欧阳小明", "13812345678", jia.id).await;
    member(&app.db, 12, "欧阳娜", "", jia.id).await;
    member(&app.db, 13, "诸葛亮", "13712345678", jia.id).await;
    let zhang = member(&app.db, 14, "司马光", "13912345678", yi.id).await;
    let team = |name: &str, township| TeamInput {
        name: name.into(),
        kind: TeamKind::VolunteerTeam,
        township,
    };
    let (ours, citys) = committed(&app.db, async |tx| {
        let ours = teams::create(
            tx,
            "test",
            Scope::City,
            &team("新安江志愿服务队", Some(xinanjiang())),
        )
        .await?;
        let citys = teams::create(tx, "test", Scope::City, &team("建德宣讲团", None)).await?;
        let day = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        teams::add_member(tx, "test", ours, ming, day).await?;
        teams::add_member(tx, "test", ours, zhang, day).await?;
        Ok::<_, store::StoreError>((ours, citys))
    })
    .await
    .unwrap();
    let staff = app.login(Role::UnionStaff).await;
    let template = "{{姓名}}您好：{{工会}}明日组织志愿服务。";

    // The team: its members whichever their union, each with their own union's name.
    let path = format!("/union/teams/{ours}/notify");
    let html = preview(&staff, &path, template).await;
    assert!(
        html.contains("司马光您好：乙工会明日组织志愿服务。") && html.contains("发送给 2 名会员"),
        "{html}"
    );
    send_twice(&staff, &path, template).await;
    assert_eq!(
        outbox::list(&app.db, None, None, 10).await.unwrap().len(),
        2
    );

    // The township: every union of it, members with a mobile only.
    let path = format!("/union/townships/{}/notify", xinanjiang().code());
    let html = preview(&staff, &path, template).await;
    assert!(
        html.contains("诸葛亮您好：甲工会")
            && html.contains("发送给 2 名会员")
            && !html.contains("司马光"),
        "{html}"
    );
    staff
        .submit(&path, &[("template", template), ("send", "yes")])
        .await;
    let queued = outbox::list(&app.db, None, None, 10).await.unwrap();
    assert_eq!(queued.len(), 4);
    assert!(
        queued
            .iter()
            .all(|m| m.channel == Channel::Sms && m.audience == "union")
    );
    let mut to: Vec<&str> = queued.iter().map(|m| m.recipient.as_str()).collect();
    to.sort_unstable();
    assert_eq!(
        to,
        ["13712345678", "13812345678", "13812345678", "13912345678"]
    );

    // Outside the staff's township: another township, a city-wide team.
    for path in [
        format!("/union/townships/{}/notify", yangxi().code()),
        format!("/union/teams/{citys}/notify"),
    ] {
        assert_eq!(staff.page(&path).await.0, 404, "{path}");
        let r = staff
            .post(&path, &[("template", template), ("send", "yes")])
            .await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    let admin = app.login(Role::UnionAdmin).await;
    assert_eq!(
        admin.page(&format!("/union/teams/{citys}/notify")).await.0,
        200
    );
    assert_eq!(
        admin
            .page(&format!("/union/townships/{}/notify", yangxi().code()))
            .await
            .0,
        200
    );
    assert_eq!(
        outbox::list(&app.db, None, None, 10).await.unwrap().len(),
        4
    );
}

#[tokio::test]
async fn a_union_keeps_its_own_chat_group_robot_masked_and_posts_to_it() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let u = s.joint(&app.db, "甲工会", xinanjiang()).await;
    let other = s.joint(&app.db, "乙工会", yangxi()).await;
    let staff = app.login(Role::UnionStaff).await;
    let base = format!("/union/unions/{}/notify", u.id);
    let (_, html) = staff.page(&base).await;
    assert!(html.contains("未设置：发往默认群"), "{html}");
    let robot = [
        ("channel", "dingtalk"),
        (
            "webhook",
            "https://oapi.example/robot/send?access_token=tok-union-1",
        ),
        ("secret", "SECunion-secret"),
    ];
    // Without the form's CSRF token nothing is changed.
    let r = staff
        .post_without_csrf(&format!("{base}/group"), &robot)
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = staff.post(&format!("{base}/group"), &robot).await;
    assert!(r.status().is_success() || r.status().is_redirection());
    let (_, html) = staff.page(&base).await;
    assert!(
        html.contains("https://oapi.example/robot/send?****"),
        "{html}"
    );
    assert!(!html.contains("tok-union-1") && !html.contains("SECunion-secret"));
    let route = outbox::route(&app.db, &format!("union:{}", u.id), Channel::DingTalk)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(route.secret, "SECunion-secret");
    for _ in 0..2 {
        staff
            .post(
                &format!("{base}/post"),
                &[("channel", "dingtalk"), ("text", "明日上午九点开会")],
            )
            .await;
    }
    let queued = outbox::list(&app.db, None, None, 10).await.unwrap();
    assert_eq!(queued.len(), 1, "the same text the same day is one message");
    assert_eq!(
        (
            queued[0].channel,
            queued[0].recipient.as_str(),
            queued[0].audience.as_str()
        ),
        (
            Channel::DingTalk,
            format!("union:{}", u.id).as_str(),
            "union"
        )
    );
    // Another township's union answers 404; an inspector may not change anything.
    let r = staff
        .post(&format!("/union/unions/{}/notify/group", other.id), &robot)
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let inspector = app.login(Role::Inspector).await;
    let r = inspector.post(&format!("{base}/group"), &robot).await;
    assert_eq!(r.status().as_u16(), 403);
    let (entries, _) = store::audit::list(&app.db, &Default::default(), 500, 0)
        .await
        .unwrap();
    let logged = format!("{entries:?}");
    assert!(!logged.contains("tok-union-1") && !logged.contains("SECunion-secret"));
    super::assert_audit_intact(&app.db).await;
}
