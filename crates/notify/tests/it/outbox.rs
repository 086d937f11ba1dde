use crate::fakes::Fakes;
use crate::{audit_holds, drain, fresh, queue, worker};
use domain::platform::notify::{Channel, IdempotencyKey, State};
use std::time::Duration;
use store::platform::notify::{self as ob, NewMessage, delivery};

#[tokio::test]
async fn every_channel_delivers_with_the_documented_signatures() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    let ding = {
        let mut tx = db.begin().await.unwrap();
        let mut m = NewMessage::text(
            Channel::DingTalk,
            "",
            "## 杭黄高铁 今日签约 3 户",
            IdempotencyKey::derived(&["d"]),
        );
        m.markdown = true;
        m.subject = "征收日报".into();
        let q = ob::enqueue(&mut tx, "tester", &m).await.unwrap();
        tx.commit().await.unwrap();
        q.id
    };
    let wecom = queue(&db, Channel::WeCom, "", "工会活动明日开始", "w").await;
    let sms = queue(
        &db,
        Channel::Sms,
        "13812345678",
        "张三户您好：选房定于6月1日",
        "s",
    )
    .await;
    let mail = queue(
        &db,
        Channel::Email,
        "inspector@jiande.test",
        "审计链头：第 12 条",
        "e",
    )
    .await;
    let mut w = worker(&db, &fakes);
    drain(&mut w).await;
    for id in [ding, wecom, sms, mail] {
        let m = ob::get(&db, id).await.unwrap();
        assert_eq!(m.state, State::Sent, "{m:?}");
    }
    let sms_biz = ob::get(&db, sms).await.unwrap().provider_id;
    {
        let seen = fakes.seen();
        assert!(seen.refused.is_empty(), "{:?}", seen.refused);
        assert_eq!(seen.dingtalk[0]["markdown"]["title"], "征收日报");
        assert_eq!(seen.wecom[0]["text"]["content"], "工会活动明日开始");
        let (phone, out_id, biz, params) = &seen.sms[0];
        assert_eq!(phone, "13812345678");
        assert_eq!(out_id, IdempotencyKey::derived(&["s"]).as_str());
        assert_eq!(params, "{\"content\":\"张三户您好：选房定于6月1日\"}");
        assert_eq!(sms_biz, *biz);
        assert!(seen.mail[0].contains("inspector@jiande.test"));
        assert!(
            seen.mail[0].contains(IdempotencyKey::derived(&["e"]).as_str()),
            "Message-ID carries the key"
        );
    }
    let counts = ob::counts(&db, None).await.unwrap();
    assert_eq!(counts.len(), 4);
    assert!(counts.iter().all(|(_, s, n)| *s == State::Sent && *n == 1));
    audit_holds(&db).await;
}

#[tokio::test]
async fn a_server_error_is_retried_and_then_sent() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    fakes.seen().fail_next.push_back(500);
    let id = queue(&db, Channel::DingTalk, "", "日报", "retry").await;
    let mut w = worker(&db, &fakes);
    assert!(w.step().await.unwrap());
    let m = ob::get(&db, id).await.unwrap();
    assert_eq!((m.state, m.attempts), (State::Queued, 1));
    assert!(m.last_error.contains("500"), "{}", m.last_error);
    drain(&mut w).await;
    let m = ob::get(&db, id).await.unwrap();
    assert_eq!((m.state, m.attempts), (State::Sent, 2));
    let tries = delivery::attempts(&db, id).await.unwrap();
    let outcomes: Vec<_> = tries.iter().map(|a| a.outcome.as_str()).collect();
    assert_eq!(outcomes, ["error", "ok"]);
    assert!(tries[0].status.starts_with("500"));
    assert_eq!(fakes.seen().dingtalk.len(), 1);
    audit_holds(&db).await;
}

#[tokio::test]
async fn a_round_of_failures_fails_the_message_until_a_person_retries_it() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    fakes.seen().fail_next.extend([503, 503, 503]);
    let id = queue(&db, Channel::WeCom, "", "通知", "fail").await;
    let mut w = worker(&db, &fakes);
    drain(&mut w).await;
    assert_eq!(ob::get(&db, id).await.unwrap().state, State::Failed);
    let mut tx = db.begin().await.unwrap();
    ob::retry(&mut tx, "admin", id, None).await.unwrap();
    tx.commit().await.unwrap();
    drain(&mut w).await;
    assert_eq!(ob::get(&db, id).await.unwrap().state, State::Sent);
    let mut tx = db.begin().await.unwrap();
    let refused = ob::cancel(&mut tx, "admin", id, None).await.unwrap_err();
    assert!(refused.is_refusal() && refused.to_string().contains("已发送"));
    audit_holds(&db).await;
}

#[tokio::test]
async fn a_worker_stopped_between_send_and_record_never_sends_twice() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    let sms = queue(
        &db,
        Channel::Sms,
        "13900001111",
        "答复：补偿标准已公示",
        "crash-sms",
    )
    .await;
    let ding = queue(&db, Channel::DingTalk, "", "日报", "crash-ding").await;
    let mut dying = worker(&db, &fakes);
    // Both handed over, neither recorded: the worker dies here.
    assert!(dying.claim_and_send().await.unwrap().is_some());
    assert!(dying.claim_and_send().await.unwrap().is_some());
    drop(dying);
    assert_eq!(ob::get(&db, sms).await.unwrap().state, State::Sending);
    let mut restarted = worker(&db, &fakes);
    assert_eq!(restarted.recover().await.unwrap(), 2);
    drain(&mut restarted).await;
    let m = ob::get(&db, sms).await.unwrap();
    assert_eq!(m.state, State::Sent, "the provider had it, found by OutId");
    assert_eq!(m.provider_id, "biz-1");
    let d = ob::get(&db, ding).await.unwrap();
    assert_eq!(
        d.state,
        State::Failed,
        "a robot cannot be asked: left for a person"
    );
    assert!(d.last_error.contains("无法确认"));
    let tries = delivery::attempts(&db, ding).await.unwrap();
    assert_eq!(tries[0].outcome, "interrupted");
    let counts = {
        let seen = fakes.seen();
        (seen.sms.len(), seen.dingtalk.len())
    };
    assert_eq!(counts, (1, 1));
    audit_holds(&db).await;
}

#[tokio::test]
async fn an_sms_claimed_but_never_handed_over_is_queued_again() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    let id = queue(&db, Channel::Sms, "13900002222", "通知", "lost").await;
    // Claimed, then the worker died before the request left.
    delivery::claim_next(&db, chrono::Utc::now(), &[Channel::Sms])
        .await
        .unwrap()
        .unwrap();
    let mut w = worker(&db, &fakes);
    w.recover().await.unwrap();
    assert_eq!(ob::get(&db, id).await.unwrap().state, State::Queued);
    drain(&mut w).await;
    assert_eq!(ob::get(&db, id).await.unwrap().state, State::Sent);
    assert_eq!(fakes.seen().sms.len(), 1);
}

#[tokio::test]
async fn queued_messages_survive_a_restart_and_the_worker_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let url = store::testing::fresh_url(dir.path()).await.unwrap();
    let db = store::Db::connect(&url).await.unwrap();
    let fakes = Fakes::start().await;
    for i in 0..3 {
        queue(
            &db,
            Channel::Sms,
            "13812340000",
            &format!("第{i}条"),
            &format!("r{i}"),
        )
        .await;
    }
    db.close().await;
    let db = store::Db::connect(&url).await.unwrap();
    let w = worker(&db, &fakes);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(w.run_until(async {
        let _ = stopped.await;
    }));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while fakes.seen().sms.len() < 3 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), running)
        .await
        .unwrap()
        .unwrap();
    let sent = ob::list(&db, Some(State::Sent), None, 10).await.unwrap();
    assert_eq!(sent.len(), 3);
    assert_eq!(fakes.seen().sms.len(), 3);
    db.close().await;
}

#[tokio::test]
async fn one_key_is_one_message_and_opted_out_recipients_are_skipped() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    let first = queue(&db, Channel::Sms, "13811112222", "选房通知", "same").await;
    let again = queue(&db, Channel::Sms, "13811112222", "选房通知", "same").await;
    assert_eq!(first, again);
    let mut tx = db.begin().await.unwrap();
    ob::opt_out(&mut tx, "admin", Channel::Sms, "+86 138-1111-2222")
        .await
        .unwrap();
    let bad = NewMessage::text(
        Channel::Sms,
        "12345",
        "x",
        IdempotencyKey::derived(&["bad"]),
    );
    assert!(
        ob::enqueue(&mut tx, "admin", &bad)
            .await
            .unwrap_err()
            .is_refusal()
    );
    tx.commit().await.unwrap();
    let mut w = worker(&db, &fakes);
    drain(&mut w).await;
    let m = ob::get(&db, first).await.unwrap();
    assert_eq!(m.state, State::Cancelled);
    assert!(m.last_error.contains("退订"));
    assert!(fakes.seen().sms.is_empty());
    audit_holds(&db).await;
}

#[tokio::test]
async fn a_projects_own_robot_overrides_the_default_and_its_secret_stays_out_of_the_audit_log() {
    let (db, _dir) = fresh().await;
    let fakes = Fakes::start().await;
    let mut settings = fakes.settings();
    let project_robot = ob::Route {
        webhook: settings.dingtalk_webhook.clone(),
        secret: settings.dingtalk_secret.clone(),
        report_at: None,
    };
    settings.dingtalk_webhook.clear();
    let mut tx = db.begin().await.unwrap();
    ob::set_route(
        &mut tx,
        "admin",
        "project:7",
        Channel::DingTalk,
        &project_robot,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let to_project = queue(&db, Channel::DingTalk, "project:7", "项目群日报", "p7").await;
    let to_default = queue(&db, Channel::DingTalk, "", "默认群", "p0").await;
    let mut w = notify::Worker::new(db.clone(), notify::Channels::new(settings))
        .rate(Channel::DingTalk, Duration::ZERO);
    drain(&mut w).await;
    assert_eq!(ob::get(&db, to_project).await.unwrap().state, State::Sent);
    let d = ob::get(&db, to_default).await.unwrap();
    assert_eq!(d.state, State::Failed);
    assert!(d.last_error.contains("未配置"));
    let entries = store::audit::list(&db, &Default::default(), 100, 0)
        .await
        .unwrap();
    let text = format!("{entries:?}");
    assert!(!text.contains(crate::fakes::DING_SECRET) && !text.contains(crate::fakes::DING_TOKEN));
    audit_holds(&db).await;
}
