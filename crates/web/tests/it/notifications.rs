//! The outbox page by role: inspectors read, commanders and administrators retry and
//! cancel; `/metrics` counts messages by channel and state.

use crate::support::TestApp;
use domain::platform::Role;
use domain::platform::notify::{Audience, Channel, IdempotencyKey, State};
use store::platform::notify::{self as outbox, NewMessage};

async fn queue(app: &TestApp, channel: Channel, to: &str, text: &str) -> i64 {
    queue_for(app, channel, to, text, Audience::Town("杨村桥镇".into())).await
}

async fn queue_for(app: &TestApp, channel: Channel, to: &str, text: &str, a: Audience) -> i64 {
    let mut tx = app.db.begin().await.unwrap();
    let mut m = NewMessage::text(channel, to, text, IdempotencyKey::derived(&[text]));
    m.audience = a;
    let id = outbox::enqueue(&mut tx, "test", &m).await.unwrap().id;
    tx.commit().await.unwrap();
    id
}

/// A text of the union's, which relocation staff must not see.
async fn union_reminder(app: &TestApp) -> i64 {
    let (to, text) = ("13900009999", "工会活动提醒");
    queue_for(app, Channel::Sms, to, text, Audience::Union).await
}

#[tokio::test]
async fn inspectors_read_the_outbox_and_commanders_retry_and_cancel() {
    let app = TestApp::spawn().await;
    let sms = queue(&app, Channel::Sms, "13812345678", "选房通知：6月1日上午").await;
    let ding = queue(&app, Channel::DingTalk, "", "征收日报").await;
    let union = union_reminder(&app).await;
    let other_town = queue_for(
        &app,
        Channel::Sms,
        "13900008888",
        "大同镇通知",
        Audience::Town("大同镇".into()),
    )
    .await;

    let inspector = app.login(Role::Inspector).await;
    let (status, html) = inspector.page("/notifications").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("选房通知") && html.contains("待发送"),
        "{html}"
    );
    assert!(!html.contains("/cancel\""), "inspectors get no buttons");
    let (status, html) = inspector.page(&format!("/notifications/{sms}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("幂等键") && html.contains("尚未发送"));
    let r = inspector
        .post(&format!("/notifications/{sms}/cancel"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 403);

    let commander = app.login(Role::RelocationCommander).await;
    let r = commander
        .post(&format!("/notifications/{sms}/cancel"), &[])
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    assert_eq!(
        outbox::get(&app.db, sms).await.unwrap().state,
        State::Cancelled
    );
    let r = commander
        .post(&format!("/notifications/{sms}/cancel"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("不能取消"));
    commander
        .post(&format!("/notifications/{sms}/retry"), &[])
        .await;
    assert_eq!(
        outbox::get(&app.db, sms).await.unwrap().state,
        State::Queued
    );
    let (_, html) = commander.page("/notifications?state=queued").await;
    assert!(html.contains("征收日报") && html.contains("默认群"));
    assert!(
        !html.contains("工会活动提醒") && !html.contains("大同镇通知"),
        "only the commander's town"
    );
    assert_eq!(
        commander
            .page(&format!("/notifications/{other_town}"))
            .await
            .0,
        404
    );
    let r = commander
        .post(&format!("/notifications/{union}/cancel"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let union_admin = app.login(Role::UnionAdmin).await;
    let (_, html) = union_admin.page("/notifications").await;
    assert!(html.contains("工会活动提醒") && !html.contains("征收日报"));
    let (_, html) = inspector.page("/notifications").await;
    assert!(
        html.contains("工会活动提醒") && html.contains("大同镇通知"),
        "inspectors see all"
    );

    let r = commander
        .post(
            "/notifications",
            &[
                ("channel", "email"),
                ("to", "JW@Jiande.test"),
                ("text", "明日碰头会"),
            ],
        )
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    let r = commander
        .post(
            "/notifications",
            &[("channel", "sms"), ("to", "123"), ("text", "x")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("收件人不正确"));
    let r = inspector
        .post(
            "/notifications",
            &[("channel", "email"), ("to", "a@b.cn"), ("text", "x")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let emails = outbox::list(&app.db, None, None, 10).await.unwrap();
    assert!(emails.iter().any(|m| m.recipient == "jw@jiande.test"));

    let (_, metrics) = app.anonymous().page("/metrics").await;
    assert!(
        metrics.contains("groundwork_notifications{channel=\"sms\",state=\"queued\"} 3"),
        "{metrics}"
    );
    assert!(metrics.contains("groundwork_notifications{channel=\"dingtalk\",state=\"queued\"} 1"));
    assert!(metrics.contains("groundwork_notifications{channel=\"email\",state=\"sent\"} 0"));
    assert!(metrics.contains("groundwork_notifications{channel=\"email\",state=\"queued\"} 1"));
    let _ = ding;
    let v = store::audit::verify(&app.db, &store::audited())
        .await
        .unwrap();
    assert!(v.problem.is_none());
}

#[tokio::test]
async fn opt_outs_are_listed_masked_added_and_withdrawn_with_an_audit_trail() {
    let app = TestApp::spawn().await;
    let admin = app.login(Role::UnionAdmin).await;
    let r = admin
        .post(
            "/notifications/optouts",
            &[("channel", "sms"), ("recipient", "138 1234 5678")],
        )
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    admin
        .post(
            "/notifications/optouts",
            &[("channel", "email"), ("recipient", "Wang@Jiande.test")],
        )
        .await;
    let r = admin
        .post(
            "/notifications/optouts",
            &[("channel", "dingtalk"), ("recipient", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "robots cannot be opted out of");
    let r = admin
        .post_without_csrf(
            "/notifications/optouts",
            &[("channel", "sms"), ("recipient", "13900001111")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert!(
        outbox::opted_out(&app.db, Channel::Sms, "13812345678")
            .await
            .unwrap()
    );
    let (status, html) = admin.page("/notifications/optouts").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("138****5678") && !html.contains("13812345678"),
        "{html}"
    );
    assert!(html.contains("wang@jiande.test"), "{html}");
    // "Has this number opted out?": a search by the whole mobile, or part of an address.
    let (_, found) = admin.page("/notifications/optouts?q=13812345678").await;
    assert!(
        found.contains("共 1 条") && found.contains("138****5678"),
        "{found}"
    );
    assert!(!found.contains("wang@jiande.test"), "{found}");
    let (_, found) = admin.page("/notifications/optouts?q=jiande").await;
    assert!(
        found.contains("共 1 条") && found.contains("wang@jiande.test"),
        "{found}"
    );
    let (_, part) = admin.page("/notifications/optouts?q=45678").await;
    assert!(
        part.contains("共 0 条"),
        "part of a masked mobile finds nothing: {part}"
    );
    let (_, upper) = admin.page("/notifications/optouts?q=WANG%40").await;
    assert!(
        upper.contains("共 1 条"),
        "addresses are kept lower-case: {upper}"
    );
    let (_, none) = admin.page("/notifications/optouts?q=13900001111").await;
    assert!(
        none.contains("共 0 条") && none.contains("没有退订"),
        "{none}"
    );

    // Inspectors read the list and change nothing.
    let inspector = app.login(Role::Inspector).await;
    let (status, html) = inspector.page("/notifications/optouts").await;
    assert_eq!(status, 200);
    assert!(!html.contains("/remove\""), "{html}");
    let (all, _) = outbox::opt_outs(&app.db, None, (100, 0)).await.unwrap();
    let sms = all.iter().find(|o| o.channel == Channel::Sms).unwrap().id;
    let r = inspector
        .post(&format!("/notifications/optouts/{sms}/remove"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let staff = app.login(Role::RelocationStaff).await;
    assert_eq!(staff.page("/notifications/optouts").await.0, 403);

    admin
        .post(&format!("/notifications/optouts/{sms}/remove"), &[])
        .await;
    assert!(
        !outbox::opted_out(&app.db, Channel::Sms, "13812345678")
            .await
            .unwrap()
    );
    let r = admin
        .post(&format!("/notifications/optouts/{sms}/remove"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let (entries, _) = store::audit::list(&app.db, &Default::default(), 500, 0)
        .await
        .unwrap();
    let optout_entries: Vec<_> = entries
        .iter()
        .filter(|e| format!("{e:?}").contains("notification_optout"))
        .collect();
    assert_eq!(optout_entries.len(), 3, "two added, one withdrawn");
    let v = store::audit::verify(&app.db, &store::audited())
        .await
        .unwrap();
    assert!(v.problem.is_none());
}

#[tokio::test]
async fn the_outbox_pages_searches_and_exports_what_the_reader_sees() {
    let app = TestApp::spawn().await;
    for i in 0..130 {
        let to = format!("1381234{i:04}");
        queue(&app, Channel::Sms, &to, &format!("选房通知 第{i}号")).await;
    }
    union_reminder(&app).await;
    let commander = app.login(Role::RelocationCommander).await;

    // A hundred to a page, newest first; the second page holds the rest.
    let (_, first) = commander.page("/notifications").await;
    assert!(first.contains("共 130 条，第 1 / 2 页"), "{first}");
    assert!(
        first.contains("第129号") && !first.contains("第29号<"),
        "{first}"
    );
    assert!(first.contains("page=2\">下一页"), "{first}");
    let (_, second) = commander.page("/notifications?page=2").await;
    assert!(
        second.contains("第29号") && second.contains("第0号"),
        "{second}"
    );
    assert!(
        !second.contains("工会活动提醒"),
        "another audience's message"
    );

    // A search by mobile or words, kept by the pager and the export link.
    let (_, found) = commander.page("/notifications?q=13812340007").await;
    assert!(
        found.contains("共 1 条") && found.contains("第7号"),
        "{found}"
    );
    assert!(found.contains("value=\"13812340007\""), "{found}");
    let (_, words) = commander.page("/notifications?q=第12").await;
    assert!(words.contains("共 11 条"), "第12 and 第120–129: {words}");
    assert!(
        words.contains("/notifications.xlsx?q=%E7%AC%AC12"),
        "{words}"
    );
    let (_, none) = commander.page("/notifications?q=工会活动").await;
    assert!(none.contains("共 0 条"), "{none}");

    let r = commander.get("/notifications.xlsx?q=%E7%AC%AC12").await;
    let texts: Vec<String> = crate::support::downloaded_rows(r, &["收件人", "内容"])
        .await
        .into_iter()
        .map(|r| r[1].clone())
        .collect();
    assert_eq!(texts.len(), 11, "the eleven matches: {texts:?}");
    assert!(texts.iter().all(|t| t.contains("第12")), "{texts:?}");

    let r = commander.get("/notifications.xlsx?q=工会活动").await;
    let theirs = crate::support::downloaded_rows(r, &["收件人"]).await;
    assert!(
        theirs.is_empty(),
        "another audience's message is not exported: {theirs:?}"
    );

    // Inspectors see every audience.
    let inspector = app.login(Role::Inspector).await;
    let (_, all) = inspector.page("/notifications?q=工会活动").await;
    assert!(all.contains("共 1 条"), "{all}");
}
