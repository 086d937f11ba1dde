//! The worker's daily jobs: the inspectors' audit digest and a project's report at its
//! set time, each queued once a day however often the schedule runs or the server restarts.

use crate::fakes::Fakes;
use crate::{audit_holds, drain, fresh, worker};
use chrono::Utc;
use domain::platform::Mu;
use domain::platform::notify::{Channel, State};
use domain::relocation::{ProjectKind, ProjectStatus};
use notify::schedule::Schedule;
use store::platform::notify::{self as ob, Route};
use store::relocation::projects::{self, ProjectFields};

#[tokio::test]
async fn the_audit_digest_goes_out_once_a_day_with_the_chains_head() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    let targets = "email:jiwei@jiande.test,dingtalk";
    Schedule::new("00:00", targets)
        .unwrap()
        .run_due(&db, Utc::now())
        .await
        .unwrap();
    // A restart later the same day: the schedule forgot, the keys did not.
    Schedule::new("00:00", targets)
        .unwrap()
        .run_due(&db, Utc::now())
        .await
        .unwrap();
    let queued = ob::list(&db, None, None, 10).await.unwrap();
    assert_eq!(queued.len(), 2);
    assert!(queued.iter().all(|m| m.body.contains("链头为第 ")));
    let mut w = worker(&db, &fakes);
    drain(&mut w).await;
    assert!(
        ob::list(&db, None, None, 10)
            .await
            .unwrap()
            .iter()
            .all(|m| m.state == State::Sent)
    );
    let seen = fakes.seen();
    assert!(
        seen.dingtalk[0]["text"]["content"]
            .as_str()
            .unwrap()
            .contains("哈希")
    );
    assert_eq!(seen.mail.len(), 1);
}

#[tokio::test]
async fn a_projects_report_goes_to_its_group_at_the_set_time_once_a_day() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    let today = domain::platform::time::today_local();
    let mut tx = db.begin().await.unwrap();
    let id = projects::create(
        &mut tx,
        "test",
        &ProjectFields {
            code: "YCQ-2019-09".into(),
            name: "清溪搬迁".into(),
            kind: ProjectKind::Expropriation,
            town: "杨村桥镇".into(),
            year: 2019,
            land: Mu::from_whole(3),
            started_on: Some(today),
            sign_deadline: None,
            vacate_deadline: None,
            clear_deadline: None,
            status: ProjectStatus::Active,
        },
    )
    .await
    .unwrap();
    let s = fakes.settings();
    let route = Route {
        webhook: s.dingtalk_webhook.clone(),
        secret: s.dingtalk_secret.clone(),
        report_at: chrono::NaiveTime::from_hms_opt(0, 0, 0),
    };
    ob::set_route(
        &mut tx,
        "admin",
        &format!("project:{id}"),
        Channel::DingTalk,
        &route,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let mut schedule = Schedule::default();
    schedule.run_due(&db, Utc::now()).await.unwrap();
    schedule.run_due(&db, Utc::now()).await.unwrap();
    Schedule::default().run_due(&db, Utc::now()).await.unwrap();
    let queued = ob::list(&db, None, None, 10).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].recipient, format!("project:{id}"));
    let mut w = worker(&db, &fakes);
    drain(&mut w).await;
    assert_eq!(ob::get(&db, queued[0].id).await.unwrap().state, State::Sent);
    assert!(
        fakes.seen().dingtalk[0]["text"]["content"]
            .as_str()
            .unwrap()
            .contains("清溪搬迁")
    );
    audit_holds(&db).await;
}
