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

/// A valid resident ID made from a number (born 1985).
fn rid(n: u32) -> String {
    let first17 = format!("33018219850101{n:03}");
    format!(
        "{first17}{}",
        domain::platform::resident_id::check_char(&first17).unwrap()
    )
}

#[tokio::test]
async fn members_signed_up_hear_the_day_before_once_each() {
    use domain::platform::{Mobile, ResidentId};
    use domain::union::activity::{ActivityDates, ActivityKind, ActivityLevel};
    use domain::union::organisation::UnionKind;
    use domain::union::organising::Organisation;
    use store::union::Scope;
    use store::union::activities::{self, ActivityInput};
    use store::union::members::{self, NewMember};
    use store::union::organisations::{self, UnionInput};
    use store::union::signups;

    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    let today = domain::platform::time::today_local();
    let tomorrow = today + chrono::Days::new(1);
    let mut tx = db.begin().await.unwrap();
    let union_id = organisations::create(
        &mut tx,
        "test",
        Scope::City,
        &UnionInput {
            name: "建德市总工会".into(),
            kind: UnionKind::CityFederation,
            parent: None,
            township: None,
            founded_on: None,
        },
    )
    .await
    .unwrap();
    let plan = |name: &str, on| ActivityInput {
        name: name.into(),
        kind: ActivityKind::CulturalEvent,
        organisation: Organisation::new(ActivityLevel::City, None).unwrap(),
        organiser: "建德市总工会".into(),
        co_organisers: vec![],
        joint_mode: None,
        dates: ActivityDates::new(on, on).unwrap(),
        place: "职工之家".into(),
        capacity: None,
        open_for_signup: true,
        team_id: None,
    };
    let soon = activities::create(&mut tx, "test", Scope::City, &plan("健康讲座", tomorrow))
        .await
        .unwrap();
    let later = activities::create(
        &mut tx,
        "test",
        Scope::City,
        &plan("技能竞赛", tomorrow + chrono::Days::new(1)),
    )
    .await
    .unwrap();
    // 1: reminded; 2: no mobile; 3: opted out of texts; 4: cancelled the sign-up.
    let mut ids = Vec::new();
    for (n, name, mobile) in [
        (1, "欧阳小明", "13812345678"),
        (2, "欧阳娜", ""),
        (3, "司马光", "13912345678"),
        (4, "诸葛亮", "13712345678"),
    ] {
        let m = NewMember {
            resident_id: ResidentId::parse(&rid(n)).unwrap(),
            name: name.into(),
            mobile: Mobile::parse(mobile).ok(),
            union_id,
            joined_on: chrono::NaiveDate::from_ymd_opt(2019, 3, 5).unwrap(),
            migrant_worker: false,
        };
        let member = members::add(&mut tx, "test", Scope::City, &m)
            .await
            .unwrap();
        let signup = signups::sign_up(&mut tx, "test", soon, member, today)
            .await
            .unwrap();
        signups::sign_up(&mut tx, "test", later, member, today)
            .await
            .unwrap();
        ids.push((member, signup));
    }
    signups::cancel(&mut tx, "test", ids[3].1, ids[3].0)
        .await
        .unwrap();
    ob::opt_out(&mut tx, "test", Channel::Sms, "13912345678")
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut schedule = Schedule::default().with_reminders_at("00:00").unwrap();
    schedule.run_due(&db, Utc::now()).await.unwrap();
    schedule.run_due(&db, Utc::now()).await.unwrap();
    // A restart the same day forgets what it did; the keys do not.
    let new = notify::schedule::queue_activity_reminders(&db, Utc::now())
        .await
        .unwrap();
    assert_eq!(new, 0);
    let queued = ob::list(&db, None, None, 10).await.unwrap();
    assert_eq!(queued.len(), 1, "{queued:?}");
    let m = &queued[0];
    assert_eq!(
        (m.channel, m.recipient.as_str()),
        (Channel::Sms, "13812345678")
    );
    assert!(
        m.body.contains("欧阳小明您好") && m.body.contains("健康讲座") && m.body.contains("明天"),
        "{}",
        m.body
    );
    assert_eq!(m.audience, "union");
    // A schedule without reminders queues none.
    let (db2, _dir2) = fresh().await;
    Schedule::default().run_due(&db2, Utc::now()).await.unwrap();
    assert!(ob::list(&db2, None, None, 10).await.unwrap().is_empty());

    let mut w = worker(&db, &fakes);
    drain(&mut w).await;
    assert_eq!(ob::get(&db, m.id).await.unwrap().state, State::Sent);
    let texts = fakes.seen().sms.clone();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].0, "13812345678");
    audit_holds(&db).await;
}
