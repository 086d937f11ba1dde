//! Grievances, the hotline and the discipline register: deadlines by kind and escalation
//! of overdue reports, the reporter seen by inspectors only, the public form's rate limit
//! and reference lookup, the hotline on every public page — through the store and HTTP,
//! on whichever backend the suite runs on.

use super::fixture::{self, OTHER_TOWN_PROJECT, PROJECT};
use super::{assert_audit_intact, status_of};
use crate::support::{TestApp, assert_answers};
use chrono::{Days, NaiveDate};
use domain::platform::Role;
use domain::platform::time::today_local;
use domain::relocation::{Channel, GrievanceKind, IncidentKind, Reporter, Standing};
use store::Db;
use store::relocation::Scope;
use store::relocation::grievances::{self, GrievanceFilter, NewGrievance, Reader};
use store::relocation::incidents::{self, NewIncident};

const NAME: &str = "张小三";
const PHONE: &str = "13812345678";

/// The test account's user id for `role`.
async fn user_id(db: &Db, role: Role) -> i64 {
    store::platform::users::list(db)
        .await
        .expect("users")
        .into_iter()
        .find(|u| u.username == role.code())
        .expect("test account")
        .id
}

async fn reader(db: &Db, role: Role, scope: Scope) -> Reader {
    Reader {
        scope,
        user_id: user_id(db, role).await,
        role,
    }
}

/// The first fifty reports of project `project_id` that `r` reads, with the total.
async fn listed(db: &Db, r: &Reader, project_id: i64) -> (Vec<grievances::Grievance>, i64) {
    let all = GrievanceFilter::default();
    grievances::list(db, r, project_id, &all, 50, 0)
        .await
        .expect("list")
}

/// The reader of a commander of `town`.
async fn commander_of(db: &Db, town: &str) -> Reader {
    reader(db, Role::RelocationCommander, Scope::Town(town.into())).await
}

fn report(kind: GrievanceKind, received_on: NaiveDate, content: &str) -> NewGrievance {
    NewGrievance {
        channel: Channel::Hotline,
        kind,
        subject: String::new(),
        content: content.into(),
        reporter: Reporter {
            name: NAME.into(),
            phone: PHONE.into(),
        },
        received_on,
        handler_id: None,
        client_key: None,
    }
}

/// Receives a report `days_ago` days back, handled by `handler`; returns its id and reference.
async fn receive(
    db: &Db,
    kind: GrievanceKind,
    days_ago: u64,
    handler: Option<i64>,
    content: &str,
) -> (i64, String) {
    let today = today_local();
    let mut g = report(kind, today - Days::new(days_ago), content);
    g.handler_id = handler;
    let mut tx = db.begin().await.expect("tx");
    let (id, r) = grievances::create(&mut tx, "test", 1, &g, today)
        .await
        .expect("report received");
    tx.commit().await.expect("commit");
    (id, r.to_string())
}

/// Receives a report `days_ago` days back handled by the test staff account.
async fn receive_for_staff(
    db: &Db,
    kind: GrievanceKind,
    days_ago: u64,
    content: &str,
) -> (i64, String) {
    let staff = user_id(db, Role::RelocationStaff).await;
    receive(db, kind, days_ago, Some(staff), content).await
}

#[tokio::test]
async fn deadlines_follow_the_kind_and_overdue_reports_are_counted_for_the_commander() {
    let app = TestApp::spawn().await;
    let f = fixture::fill(&app.db).await;
    let today = today_local();
    let year = chrono::Datelike::year(&today);
    // A complaint 20 days old (15 days allowed): overdue. A question 3 days old (5
    // allowed): at risk. A question received today: on track.
    let (late, r1) = receive(&app.db, GrievanceKind::Complaint, 20, None, "补偿款未到账").await;
    let (_, r2) = receive(&app.db, GrievanceKind::Consultation, 3, None, "何时选房").await;
    let (_, r3) = receive_for_staff(&app.db, GrievanceKind::Consultation, 0, "过渡费标准").await;
    assert_eq!(
        [r1.as_str(), r2.as_str(), r3.as_str()],
        [
            format!("XF{}-0001", today.format("%Y")).as_str(),
            &format!("XF{year}-0002"),
            &format!("XF{year}-0003"),
        ]
    );

    let commander = commander_of(&app.db, "杨村桥镇").await;
    let (all, total) = listed(&app.db, &commander, f.project_id).await;
    assert_eq!(total, 3);
    let standing = |content: &str| {
        let g = all.iter().find(|g| g.content == content).expect("listed");
        g.standing(today)
    };
    assert_eq!(standing("补偿款未到账"), Standing::Overdue);
    assert_eq!(standing("何时选房"), Standing::AtRisk);
    assert_eq!(standing("过渡费标准"), Standing::OnTrack);
    let late_one = all.iter().find(|g| g.id == late).expect("listed");
    assert_eq!(late_one.deadline, today - Days::new(5));
    assert_eq!(
        grievances::overdue_count(&app.db, &commander, f.project_id, today)
            .await
            .expect("count"),
        1
    );

    // Staff see only what they handle; another town's commander sees nothing.
    let staff = reader(
        &app.db,
        Role::RelocationStaff,
        Scope::Team {
            team_id: 1,
            project_id: f.project_id,
        },
    )
    .await;
    let (mine, _) = listed(&app.db, &staff, f.project_id).await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].content, "过渡费标准");
    let other = commander_of(&app.db, "大同镇").await;
    assert!(matches!(
        grievances::get(&app.db, &other, late).await,
        Err(store::StoreError::NotFound)
    ));

    // Answered late: no longer escalated, but it shows it was late.
    let mut tx = app.db.begin().await.expect("tx");
    grievances::answer(
        &mut tx,
        "commander",
        &commander,
        late,
        "已于今日发放",
        today,
    )
    .await
    .expect("answer");
    let twice = grievances::answer(&mut tx, "commander", &commander, late, "再答", today).await;
    assert!(
        twice
            .as_ref()
            .is_err_and(|e| e.is_refusal() && e.to_string().contains("已答复")),
        "{twice:?}"
    );
    tx.commit().await.expect("commit");
    let g = grievances::get(&app.db, &commander, late)
        .await
        .expect("get");
    assert_eq!(g.standing(today), Standing::AnsweredLate);
    assert_eq!(
        grievances::overdue_count(&app.db, &commander, f.project_id, today)
            .await
            .expect("count"),
        0
    );
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn references_stay_unique_when_reports_arrive_at_once() {
    let app = TestApp::spawn().await;
    fixture::fill(&app.db).await;
    let mut tasks = Vec::new();
    for n in 0..8 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            receive(&db, GrievanceKind::Complaint, 0, None, &format!("第{n}件")).await
        }));
    }
    let mut refs = Vec::new();
    for t in tasks {
        refs.push(t.await.expect("task").1);
    }
    refs.sort();
    refs.dedup();
    assert_eq!(refs.len(), 8, "{refs:?}");
}

#[tokio::test]
async fn the_register_counts_petitions_and_misconduct_per_year() {
    let app = TestApp::spawn().await;
    let f = fixture::fill(&app.db).await;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    let empty = incidents::counts_for_year(&app.db, &store::relocation::Scope::All, 2019)
        .await
        .expect("counts");
    assert_eq!(
        serde_json::to_value(empty).expect("json"),
        serde_json::json!({"petitions": 0, "misconduct_cases": 0})
    );
    let mut tx = app.db.begin().await.expect("tx");
    for (kind, on) in [
        (IncidentKind::Petition, day(2019, 5, 1)),
        (IncidentKind::Petition, day(2019, 12, 31)),
        (IncidentKind::Misconduct, day(2019, 1, 1)),
        (IncidentKind::Misconduct, day(2020, 1, 1)),
    ] {
        let n = NewIncident {
            kind,
            occurred_on: on,
            description: "到市信访局反映补偿标准".into(),
            outcome: "已劝返并答复".into(),
        };
        incidents::record(&mut tx, "test", f.project_id, &n, today_local())
            .await
            .expect("recorded");
    }
    let future = NewIncident {
        kind: IncidentKind::Petition,
        occurred_on: today_local() + Days::new(1),
        description: "x".into(),
        outcome: String::new(),
    };
    assert!(
        incidents::record(&mut tx, "test", f.project_id, &future, today_local())
            .await
            .is_err_and(|e| e.is_refusal())
    );
    tx.commit().await.expect("commit");
    let counts = incidents::counts_for_year(&app.db, &store::relocation::Scope::All, 2019)
        .await
        .expect("counts");
    assert_eq!((counts.petitions, counts.misconduct_cases), (2, 1));
    let counts = incidents::counts_for_year(&app.db, &store::relocation::Scope::All, 2020)
        .await
        .expect("counts");
    assert_eq!((counts.petitions, counts.misconduct_cases), (0, 1));

    // The register page: commanders and inspectors, not staff.
    let inspector = app.login(Role::Inspector).await;
    let (status, body) = inspector.page("/relocation/incidents?year=2019").await;
    assert_eq!(status, 200);
    assert!(body.contains("到市信访局反映补偿标准"), "{body}");
    // One kind shown, the year's counts kept; the export takes the same entries.
    let (_, body) = inspector
        .page("/relocation/incidents?year=2019&kind=misconduct")
        .await;
    assert!(
        body.contains("<b>2</b>上访事件") && body.contains("<b>1</b>违规违纪"),
        "{body}"
    );
    assert_eq!(body.matches("<td>违规违纪</td>").count(), 1, "{body}");
    assert_eq!(body.matches("<td>上访</td>").count(), 0, "{body}");
    assert!(
        body.contains("incidents.xlsx?year=2019&#38;kind=misconduct"),
        "{body}"
    );
    let r = inspector
        .get("/relocation/incidents.xlsx?year=2019&kind=misconduct")
        .await;
    let rows = crate::support::downloaded_rows(r, &["日期", "类别"]).await;
    assert_eq!(rows, [["2019-01-01", "违规违纪"]]);
    let (_, none) = inspector
        .page("/relocation/incidents?year=2020&kind=petition")
        .await;
    assert!(
        none.contains("没有符合条件的记录") && !none.contains("未发生上访事件"),
        "{none}"
    );
    let staff = app.login(Role::RelocationStaff).await;
    assert_eq!(staff.page("/relocation/incidents").await.0, 403);
    assert_eq!(staff.get("/relocation/incidents.xlsx").await.status(), 403);
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn overdue_reports_stand_out_and_escalate_to_the_commander_over_http() {
    let app = TestApp::spawn().await;
    fixture::fill(&app.db).await;
    let staff_id = user_id(&app.db, Role::RelocationStaff).await;
    let (late, _) = receive(&app.db, GrievanceKind::Report, 40, None, "征收组收受好处").await;
    receive(&app.db, GrievanceKind::Consultation, 0, None, "安置房面积").await;
    let commander = app.login(Role::RelocationCommander).await;
    let list = format!("/relocation/projects/{PROJECT}/grievances");

    let (status, page) = commander
        .page(&format!("/relocation/projects/{PROJECT}"))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("已超期未答复 1 件"), "{page}");
    let (_, body) = commander.page(&format!("{list}?show=overdue")).await;
    assert!(
        body.contains("standing overdue") && body.contains("征收组收受好处"),
        "{body}"
    );
    assert!(
        !body.contains("安置房面积"),
        "the filter keeps only overdue"
    );
    let (_, body) = commander
        .page(&format!("{list}?q=%E5%AE%89%E7%BD%AE"))
        .await;
    assert!(body.contains("安置房面积") && body.contains("standing on_track"));

    // The commander gives it to the staff member, who answers it.
    let detail = format!("{list}/{late}");
    let staff = app.login(Role::RelocationStaff).await;
    assert_eq!(staff.page(&detail).await.0, 404, "not theirs yet");
    let r = staff
        .post(
            &format!("{detail}/assign"),
            &[("handler", &staff_id.to_string())],
        )
        .await;
    assert_eq!(status_of(&r), 403, "staff do not assign");
    let r = commander
        .post(&format!("{detail}/assign"), &[("handler", "1")])
        .await;
    assert_eq!(
        status_of(&r),
        422,
        "the administrator cannot handle reports"
    );
    commander
        .submit(
            &format!("{detail}/assign"),
            &[("handler", &staff_id.to_string())],
        )
        .await;
    assert_eq!(staff.page(&detail).await.0, 200);
    let r = staff.post(&format!("{detail}/close"), &[]).await;
    assert_eq!(status_of(&r), 422, "not answered yet");
    staff
        .submit(&format!("{detail}/answer"), &[("answer", "经查不属实")])
        .await;
    staff.submit(&format!("{detail}/close"), &[]).await;
    let (_, page) = commander
        .page(&format!("/relocation/projects/{PROJECT}"))
        .await;
    assert!(page.contains("没有超期未答复的信访举报"), "{page}");
    let (_, body) = commander.page(&detail).await;
    assert!(
        body.contains("超期答复") && body.contains("经查不属实"),
        "{body}"
    );

    // Staff register a letter; inspectors register nothing.
    let letter = [
        ("channel", "letter"),
        ("kind", "complaint"),
        ("content", "来信反映测量有误"),
    ];
    assert_eq!(status_of(&staff.post(&list, &letter).await), 303);
    let inspector = app.login(Role::Inspector).await;
    assert_eq!(status_of(&inspector.post(&list, &letter).await), 403);
    let (_, body) = commander.page(&list).await;
    assert!(body.contains("来信反映测量有误"), "{body}");

    // Excel and JSON of the list.
    let r = commander.get(&format!("{list}.xlsx?show=overdue")).await;
    assert_eq!(status_of(&r), 200);
    assert!(r.bytes().await.expect("body").starts_with(b"PK"));
    let api = commander
        .get(&format!("/api/v1/relocation/projects/{PROJECT}/grievances"))
        .await;
    assert_eq!(status_of(&api), 200);
    let json: serde_json::Value = api.json().await.expect("json");
    assert_eq!(json["total"], 3);
    let first = &json["grievances"][0];
    assert!(
        first["reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("XF"))
    );
    assert!(first["standing"].is_string() && first["escalated"].is_boolean());
    assert_eq!(
        commander
            .page(&format!(
                "/api/v1/relocation/projects/{OTHER_TOWN_PROJECT}/grievances"
            ))
            .await
            .0,
        404
    );
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn only_inspectors_see_who_reported() {
    let app = TestApp::spawn().await;
    fixture::fill(&app.db).await;
    let (id, _) = receive_for_staff(&app.db, GrievanceKind::Report, 1, "组长吃拿卡要").await;
    let detail = format!("/relocation/projects/{PROJECT}/grievances/{id}");
    let list = format!("/relocation/projects/{PROJECT}/grievances");
    let api = format!("/api/v1/relocation/projects/{PROJECT}/grievances");

    let inspector = app.login(Role::Inspector).await;
    for path in [&detail, &list, &api] {
        let (status, body) = inspector.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            body.contains(NAME) && body.contains(PHONE),
            "{path}: {body}"
        );
    }
    for role in [
        Role::RelocationCommander,
        Role::RelocationStaff,
        Role::Admin,
    ] {
        let s = app.login(role).await;
        for path in [&detail, &list, &api] {
            let (status, body) = s.page(path).await;
            assert_eq!(status, 200, "{role:?} {path}");
            assert!(body.contains("组长吃拿卡要"), "{role:?} reads the content");
            assert!(
                !body.contains(NAME) && !body.contains(PHONE),
                "{role:?} {path} shows the reporter: {body}"
            );
            assert!(
                body.contains("张*三") && body.contains("138****5678"),
                "{role:?} {path}"
            );
        }
    }
    // The audit log keeps digests, not the reporter.
    let entries = store::audit::list(
        &app.db,
        &store::audit::EntryFilter {
            entity: Some("relocation_grievance".into()),
            ..Default::default()
        },
        10,
        0,
    )
    .await
    .expect("audit")
    .0;
    assert!(!entries.is_empty());
    for e in entries {
        let after = e.after_json.unwrap_or_default();
        assert!(!after.contains(NAME) && !after.contains(PHONE), "{after}");
    }
}

#[tokio::test]
async fn the_public_form_gives_a_reference_to_follow_and_is_rate_limited() {
    let app = TestApp::spawn().await;
    fixture::fill(&app.db).await;
    let public = app.anonymous();
    let form = format!("/public/relocation/{PROJECT}/report");
    let page = fixture::public_page(&app, "/report").await;
    assert!(page.contains("在线留言"), "{page}");

    let mut references = Vec::new();
    for n in 1..=5 {
        let content = format!("第{n}次反映：评估价偏低");
        let r = public
            .post_without_csrf(
                &form,
                &[
                    ("kind", "complaint"),
                    ("content", content.as_str()),
                    ("name", NAME),
                    ("phone", PHONE),
                ],
            )
            .await;
        assert_eq!(status_of(&r), 201);
        let body = r.text().await.expect("body");
        let at = body.find("编号 <b>").expect("reference shown") + "编号 <b>".len();
        let end = body[at..].find('<').expect("end");
        references.push(body[at..at + end].to_string());
        assert!(!body.contains(NAME) && !body.contains(PHONE));
    }
    let r = public
        .post_without_csrf(&form, &[("kind", "complaint"), ("content", "第六次")])
        .await;
    assert_answers(r, 429, "提交过于频繁").await;
    references.dedup();
    assert_eq!(references.len(), 5);

    // Bad input is refused with the reason, and counted for nobody.
    let lookup = |reference: &str| {
        format!("/public/relocation/{PROJECT}/report/lookup?reference={reference}")
    };
    let (status, body) = public.page(&lookup(&references[0].to_lowercase())).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("办理中") && body.contains("尚未答复"),
        "{body}"
    );
    assert!(!body.contains(NAME) && !body.contains(PHONE) && !body.contains("评估价偏低"));

    // Answered: the lookup shows the answer, still nothing about the reporter.
    let g = grievances::list(
        &app.db,
        &reader(&app.db, Role::Admin, Scope::All).await,
        1,
        &GrievanceFilter {
            search: Some(references[0].clone()),
            ..GrievanceFilter::default()
        },
        1,
        0,
    )
    .await
    .expect("list")
    .0
    .remove(0);
    assert_eq!(g.channel, Channel::PublicForm);
    let commander = app.login(Role::RelocationCommander).await;
    commander
        .submit(
            &format!("/relocation/projects/{PROJECT}/grievances/{}/answer", g.id),
            &[("answer", "已复核，按标准重新评估")],
        )
        .await;
    let (_, body) = public.page(&lookup(&references[0])).await;
    assert!(
        body.contains("已答复") && body.contains("按标准重新评估"),
        "{body}"
    );
    assert!(!body.contains(NAME) && !body.contains(PHONE) && !body.contains("commander"));
    let (_, body) = public.page(&lookup("XF1999-0001")).await;
    assert!(body.contains("未找到该编号"), "{body}");
    // A reference of this project is not found under another one.
    let (_, body) = public
        .page(&format!(
            "/public/relocation/{OTHER_TOWN_PROJECT}/report/lookup?reference={}",
            references[0]
        ))
        .await;
    assert!(body.contains("未找到该编号"), "{body}");
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn every_public_page_of_a_project_prints_its_hotline_and_stays_masked() {
    let app = TestApp::spawn().await;
    fixture::fill(&app.db).await;
    let hotline = format!("/relocation/projects/{PROJECT}/hotline");
    let staff = app.login(Role::RelocationStaff).await;
    assert_eq!(
        status_of(&staff.post(&hotline, &[("hotline", "0571-64712345")]).await),
        403
    );
    let commander = app.login(Role::RelocationCommander).await;
    let r = commander
        .post(&hotline, &[("hotline", "not a number")])
        .await;
    assert_eq!(status_of(&r), 400);
    commander
        .submit(&hotline, &[("hotline", "0571-64712345")])
        .await;
    let (_, page) = commander
        .page(&format!("/relocation/projects/{PROJECT}"))
        .await;
    assert!(page.contains("0571-64712345"), "{page}");
    // A logged-in visitor's form carries their token, so the guard lets it through.
    let (_, page) = commander
        .page(&format!("/public/relocation/{PROJECT}/report"))
        .await;
    assert_eq!(crate::support::csrf_in(&page), Some(commander.csrf.clone()));

    let public = app.anonymous();
    for page in ["compensation", "choosing-order", "population", "report"] {
        let body = fixture::public_page(&app, &format!("/{page}")).await;
        assert!(
            body.contains("监督电话：<b>0571-64712345</b>"),
            "{page}: {body}"
        );
        assert!(
            !body.contains("张小三") && !body.contains("11010519491231002X"),
            "{page} is masked"
        );
    }
    let (_, index) = public.page("/public/relocation/").await;
    assert!(index.contains("0571-64712345"));
    // Another project without a hotline prints none.
    let (_, body) = public
        .page(&format!(
            "/public/relocation/{OTHER_TOWN_PROJECT}/compensation"
        ))
        .await;
    assert!(!body.contains("监督电话："), "{body}");

    // Changed, then removed.
    commander.submit(&hotline, &[("hotline", "12345")]).await;
    let (_, body) = public
        .page(&format!("/public/relocation/{PROJECT}/report"))
        .await;
    assert!(body.contains("监督电话：<b>12345</b>"));
    commander.submit(&hotline, &[("hotline", "")]).await;
    let (_, body) = public
        .page(&format!("/public/relocation/{PROJECT}/report"))
        .await;
    assert!(!body.contains("监督电话："));
    assert_audit_intact(&app).await;
}
