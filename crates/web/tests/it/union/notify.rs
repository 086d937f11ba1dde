//! A text to a union's members: previewed, then queued once per member with a mobile;
//! the messages are the union's own on the outbox page.

use super::{rid, seed, union, xinanjiang};
use crate::support::{TestApp, committed};
use chrono::NaiveDate;
use domain::platform::notify::Channel;
use domain::platform::{Mobile, ResidentId, Role};
use domain::union::organisation::UnionKind;
use store::platform::notify as outbox;
use store::union::Scope;
use store::union::members::{self, NewMember};

#[tokio::test]
async fn union_staff_text_the_members_after_a_preview() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let u = union(
        &app.db,
        "甲工会",
        UnionKind::JointUnion,
        Some(s.xin),
        Some(xinanjiang()),
        "2018-01-01",
    )
    .await;
    for (i, name, mobile) in [(1, "欧阳小明", "13812345678"), (2, "欧阳娜", "")] {
        let m = NewMember {
            resident_id: ResidentId::parse(&rid(i)).unwrap(),
            name: name.into(),
            mobile: Mobile::parse(mobile).ok(),
            union_id: u.id,
            joined_on: NaiveDate::from_ymd_opt(2019, 3, 5).unwrap(),
            migrant_worker: true,
        };
        committed(&app.db, async |tx| {
            members::add(tx, "test", Scope::City, &m).await
        })
        .await
        .unwrap();
    }
    let staff = app.login(Role::UnionStaff).await;
    let path = format!("/union/unions/{}/notify", u.id);
    assert_eq!(staff.page(&path).await.0, 200);
    let template = "{{姓名}}您好：{{工会}}明日举办技能竞赛。";
    let html = staff
        .post(&path, &[("template", template), ("send", "no")])
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("欧阳小明您好：甲工会明日举办技能竞赛。") && html.contains("发送给 1 名会员"),
        "{html}"
    );
    staff
        .post(&path, &[("template", template), ("send", "yes")])
        .await;
    staff
        .post(&path, &[("template", template), ("send", "yes")])
        .await;
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
