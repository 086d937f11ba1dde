//! A project's messages: the project's own chat-group robot (masked), the daily report
//! queued for that group, and a text to the households previewed, then queued once.

use super::fixture::{self, PROJECT};
use crate::support::TestApp;
use domain::platform::notify::{Channel, State};
use domain::platform::{Mobile, Role};
use domain::relocation::{HeadId, HouseholdKind, Residence};
use store::platform::notify as outbox;
use store::relocation::households::{self, HouseholdFields};
use store::relocation::projects;

#[tokio::test]
async fn commanders_message_the_households_and_the_projects_chat_group() {
    let app = TestApp::spawn().await;
    let f = fixture::fill(&app.db).await;
    let mut tx = app.db.begin().await.unwrap();
    let p = projects::by_id(&mut store::Conn::Tx(&mut tx), f.project_id)
        .await
        .unwrap();
    let fields = HouseholdFields {
        code: "T-101".into(),
        kind: HouseholdKind::Residential,
        head_name: "李四".into(),
        head_id: HeadId::parse(HouseholdKind::Residential, "440524188001010014").unwrap(),
        mobile: Some(Mobile::parse("13800001111").unwrap()),
        village: "绪塘村".into(),
        village_group: "3组".into(),
        residence: Residence::parse("本镇", "杨村桥镇"),
    };
    households::upsert(&mut tx, "test", &p, &fields)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let base = format!("/relocation/projects/{PROJECT}/notify");

    let staff = app.login(Role::RelocationStaff).await;
    assert_eq!(staff.page(&base).await.0, 403);

    let s = app.login(Role::RelocationCommander).await;
    let (status, html) = s.page(&base).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("进度日报") && html.contains("发往默认群"));

    let template = "{{户主}}户您好：{{项目}}定于{{日期}}选房。";
    let r = s
        .post(
            &format!("{base}/households"),
            &[("template", template), ("send", "no")],
        )
        .await;
    let html = r.text().await.unwrap();
    assert!(
        html.contains("李四户您好：测试项目T-2019-01定于") && html.contains("发送给 1 户"),
        "{html}"
    );
    assert!(
        outbox::list(&app.db, None, None, 10)
            .await
            .unwrap()
            .is_empty(),
        "a preview queues nothing"
    );
    for _ in 0..2 {
        let r = s
            .post(
                &format!("{base}/households"),
                &[("template", template), ("send", "yes")],
            )
            .await;
        assert!(r.status().is_success() || r.status().is_redirection());
    }
    let queued = outbox::list(&app.db, None, None, 10).await.unwrap();
    assert_eq!(queued.len(), 1, "sent twice, queued once");
    assert_eq!(
        (queued[0].channel, queued[0].state),
        (Channel::Sms, State::Queued)
    );
    assert_eq!(queued[0].recipient, "13800001111");
    let r = s
        .post(
            &format!("{base}/households"),
            &[("template", "{{姓名}}您好"), ("send", "no")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("模板变量"));

    let r = s
        .post(
            &format!("{base}/group"),
            &[
                ("channel", "dingtalk"),
                (
                    "webhook",
                    "https://oapi.example/robot/send?access_token=tok-777",
                ),
                ("secret", "SECsecret-999"),
            ],
        )
        .await;
    assert!(r.status().is_success() || r.status().is_redirection());
    let (_, html) = s.page(&base).await;
    assert!(
        html.contains("https://oapi.example/robot/send?****"),
        "{html}"
    );
    assert!(!html.contains("tok-777") && !html.contains("SECsecret-999"));
    for _ in 0..2 {
        s.post(&format!("{base}/report"), &[("channel", "dingtalk")])
            .await;
    }
    let reports: Vec<_> = outbox::list(&app.db, None, None, 10)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.channel == Channel::DingTalk)
        .collect();
    assert_eq!(reports.len(), 1, "one report a day per group");
    assert_eq!(reports[0].recipient, format!("project:{}", f.project_id));
    let v = store::audit::verify(&app.db, &store::audited())
        .await
        .unwrap();
    assert!(v.problem.is_none());
    let (entries, _) = store::audit::list(&app.db, &Default::default(), 500, 0)
        .await
        .unwrap();
    assert!(!format!("{entries:?}").contains("tok-777"));
}
