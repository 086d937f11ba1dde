//! Tests of the relocation module through HTTP, on whichever backend the suite runs on.

mod choosing;
pub mod fixture;
mod grievances;
mod imports;
mod live;
mod notify;
mod sunshine;
mod upload;

use crate::support::{Session, TestApp, assert_answers};
use domain::platform::Role;
use fixture::{OTHER_TOWN_PROJECT, PROJECT};

fn household(id: i64) -> String {
    format!("/relocation/households/{id}")
}

/// Posts household `id`'s milestone form: `milestone` recorded on `on`, at `time` if given.
async fn post_milestone(
    client: &Session,
    id: i64,
    milestone: &str,
    on: &str,
    time: Option<&str>,
) -> reqwest::Response {
    let mut fields = vec![("milestone", milestone), ("on", on)];
    fields.extend(time.map(|t| ("time", t)));
    client
        .post(&format!("{}/milestones", household(id)), &fields)
        .await
}

fn status_of(r: &reqwest::Response) -> u16 {
    r.status().as_u16()
}

/// Asserts the audit chain and every audited record are intact.
async fn assert_audit_intact(app: &TestApp) {
    let v = store::audit::verify(&app.db, &store::audited())
        .await
        .expect("verify");
    assert_eq!(v.problem, None, "audit verify after the changes");
}

#[tokio::test]
async fn compensation_is_computed_from_the_records_and_fixed_at_signing() {
    let (app, f, staff) = fixture::spawn_as(Role::RelocationStaff).await;
    let sheet = format!("{}/sheet", household(f.ours));

    // The building is not verified yet: it is left out and signing is refused.
    let (status, body) = staff.page(&sheet).await;
    assert_eq!(status, 200);
    assert!(body.contains("尚未确权"), "{body}");
    let today = domain::platform::time::today_local().to_string();
    let r = post_milestone(&staff, f.ours, "signed", &today, Some("09:30")).await;
    assert_answers(r, 422, "尚有房屋未确权").await;

    // Verified: 150.00 m² measured, 120.35 legal, brick-concrete: 120.35 + 29.65 × 50 %
    // (14.825 → 14.83) = 135.18 m² × ¥1,900 = ¥256,842.00; decoration ¥12,800; moving
    // ¥2,000; transition 3 persons × 18 months × ¥600 = ¥32,400. Before signing: ¥304,042.
    staff
        .submit(&format!("/relocation/buildings/{}/verify", f.building), &[])
        .await;
    let (_, body) = staff.page(&sheet).await;
    assert!(body.contains("135.18㎡ × ¥1,900.00/㎡"), "{body}");
    assert!(
        body.contains("¥256,842.00") && body.contains("¥32,400.00"),
        "{body}"
    );
    assert!(body.contains("¥304,042.00"), "{body}");
    assert!(body.contains("试算"), "{body}");

    // Signing (for property exchange) earns the ¥20,000 reward and fixes the sheet in
    // the agreement.
    staff
        .submit(
            &format!("{}/milestones", household(f.ours)),
            &[
                ("milestone", "signed"),
                ("on", &today),
                ("option", "exchange"),
            ],
        )
        .await;
    let (_, body) = staff.page(&sheet).await;
    assert!(
        body.contains("¥324,042.00") && body.contains("固定于协议"),
        "{body}"
    );

    // A new standard with a higher rate does not move a signed amount.
    let mut higher = fixture::standard();
    higher.rates_per_m2.insert(
        domain::relocation::BuildingStructure::BrickConcrete,
        domain::platform::Fen(250_000),
    );
    let mut tx = app.db.begin().await.expect("tx");
    store::relocation::standards::save_draft(&mut tx, "test", f.project_id, &higher)
        .await
        .expect("draft");
    store::relocation::standards::publish(&mut tx, "test", f.project_id)
        .await
        .expect("publish");
    tx.commit().await.expect("commit");
    let (_, body) = staff.page(&sheet).await;
    assert!(
        body.contains("¥324,042.00") && body.contains("第 1 版"),
        "{body}"
    );

    // Vacating by the deadline adds the vacating reward, on the agreement's version.
    let r = post_milestone(&staff, f.ours, "vacated", &today, Some("15:00")).await;
    assert_eq!(status_of(&r), 303);
    let (_, body) = staff.page(&sheet).await;
    assert!(
        body.contains("¥334,042.00") && body.contains("按期腾空奖励"),
        "{body}"
    );

    // The public posting shows the fixed lines with the head's name masked.
    let (status, body) = app
        .anonymous()
        .page(&format!("/public/relocation/{PROJECT}/compensation"))
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("张*三") && !body.contains("张小三"), "{body}");
    assert!(body.contains("¥334,042.00"), "{body}");
    assert!(!body.contains("11010519491231002X"));
    // And the choosing order lists the exchange household that signed and vacated.
    let (_, body) = app
        .anonymous()
        .page(&format!("/public/relocation/{PROJECT}/choosing-order"))
        .await;
    assert!(
        body.contains("T-001") && body.contains("张*三") && !body.contains("T-002"),
        "{body}"
    );

    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn milestones_keep_their_order_over_http() {
    let (app, f, staff) = fixture::spawn_as(Role::RelocationStaff).await;
    let path = format!("{}/milestones", household(f.ours));
    let today = domain::platform::time::today_local().to_string();

    let r = staff
        .post(&path, &[("milestone", "vacated"), ("on", &today)])
        .await;
    assert_answers(r, 422, "尚未签约，不能登记腾空").await;

    staff
        .post(&format!("/relocation/buildings/{}/verify", f.building), &[])
        .await;
    staff
        .submit(&path, &[("milestone", "signed"), ("on", &today)])
        .await;
    let r = staff
        .post(&path, &[("milestone", "demolished"), ("on", &today)])
        .await;
    assert_eq!(status_of(&r), 422, "no demolition before vacating");
    let r = staff
        .post(&path, &[("milestone", "signed"), ("on", &today)])
        .await;
    assert!(r.text().await.unwrap_or_default().contains("不能重复登记"));

    // Undo only the latest; undoing the signature cancels the agreement.
    staff
        .submit(&format!("{path}/undo"), &[("milestone", "signed")])
        .await;
    let h = store::relocation::households::get(&app.db, &store::relocation::Scope::All, f.ours)
        .await
        .expect("household");
    assert!(h.milestones.latest().is_none());
    let mut conn = store::Conn::Pool(&app.db);
    assert!(
        store::relocation::agreements::of_household(&mut conn, f.ours)
            .await
            .expect("read")
            .is_none()
    );
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn staff_change_only_their_groups_households_and_the_inspector_changes_nothing() {
    let (app, f) = fixture::spawn().await;
    let today = domain::platform::time::today_local().to_string();
    let visit = [
        ("visited_on", today.as_str()),
        ("mode", "phone"),
        ("visitors", "陈立新"),
        ("attitude", "hesitant"),
    ];

    let staff = app.login(Role::RelocationStaff).await;
    assert_eq!(staff.page(&household(f.ours)).await.0, 200);
    assert_eq!(
        staff.page(&household(f.theirs)).await.0,
        404,
        "another group's household does not exist for staff"
    );
    let r = staff
        .post(&format!("{}/visits", household(f.theirs)), &visit)
        .await;
    assert_eq!(status_of(&r), 404);
    staff
        .submit(&format!("{}/visits", household(f.ours)), &visit)
        .await;
    let (_, list) = staff
        .page(&format!("/relocation/projects/{PROJECT}/households"))
        .await;
    assert!(list.contains("T-001") && !list.contains("T-002"), "{list}");
    assert_eq!(
        staff
            .page(&format!("/relocation/projects/{OTHER_TOWN_PROJECT}"))
            .await
            .0,
        404
    );
    let r = staff
        .post(
            &format!("/relocation/projects/{PROJECT}/tasks"),
            &[("ids", "2"), ("team", "1")],
        )
        .await;
    assert_eq!(status_of(&r), 403, "staff do not assign");

    let commander = app.login(Role::RelocationCommander).await;
    assert_eq!(commander.page(&household(f.ours)).await.0, 200);
    assert_eq!(commander.page(&household(f.theirs)).await.0, 200);
    assert_eq!(
        commander.page(&household(f.elsewhere)).await.0,
        404,
        "another town's household"
    );
    let (_, list) = commander
        .page(&format!("/relocation/projects/{PROJECT}/households"))
        .await;
    assert!(list.contains("T-001") && list.contains("T-002"));
    // Bulk assignment moves the other household into group 1: now staff see it.
    let theirs = f.theirs.to_string();
    commander
        .submit(
            &format!("/relocation/projects/{PROJECT}/tasks"),
            &[("ids", theirs.as_str()), ("team", "1")],
        )
        .await;
    assert_eq!(staff.page(&household(f.theirs)).await.0, 200);

    let inspector = app.login(Role::Inspector).await;
    assert_eq!(
        inspector.page(&household(f.elsewhere)).await.0,
        200,
        "inspectors read everything"
    );
    let r = inspector
        .post(&format!("{}/visits", household(f.ours)), &visit)
        .await;
    assert_eq!(status_of(&r), 403);
    let r = post_milestone(&inspector, f.ours, "signed", &today, None).await;
    assert_eq!(status_of(&r), 403);
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn task_table_and_household_list_export_to_excel() {
    let (_app, _, commander) = fixture::spawn_as(Role::RelocationCommander).await;
    for path in ["tasks.xlsx", "households.xlsx?q=张"] {
        let r = commander
            .get(&format!("/relocation/projects/{PROJECT}/{path}"))
            .await;
        assert_eq!(status_of(&r), 200, "{path}");
        let bytes = r.bytes().await.expect("body");
        assert!(bytes.starts_with(b"PK"), "{path} is an .xlsx (zip) file");
    }
    let (status, body) = commander
        .page(&format!(
            "/relocation/projects/{PROJECT}/households?q=%E5%BC%A0&sort=name&desc=1"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("T-001") && !body.contains("T-002"),
        "search by name"
    );
}

#[tokio::test]
async fn the_work_log_is_searched_filtered_and_exported_within_the_scope() {
    let (app, f) = fixture::spawn().await;
    let commander = app.login(Role::RelocationCommander).await;
    let today = domain::platform::time::today_local().to_string();
    for (id, on, mode, visitors, attitude, notes) in [
        (
            f.ours,
            today.as_str(),
            "phone",
            "陈立新",
            "hesitant",
            "谈补偿标准",
        ),
        (f.theirs, "2019-06-01", "on_site", "李明", "cooperative", ""),
        (f.ours, "2019-05-01", "trip", "王强", "resistant", "赴外省"),
    ] {
        let visit = [
            ("visited_on", on),
            ("mode", mode),
            ("visitors", visitors),
            ("attitude", attitude),
            ("notes", notes),
        ];
        commander
            .submit(&format!("{}/visits", household(id)), &visit)
            .await;
    }
    let log = format!("/relocation/projects/{PROJECT}/visits");
    let shown = async |s: &Session, query: &str| -> Vec<&'static str> {
        let (status, body) = s.page(&format!("{log}?{query}")).await;
        assert_eq!(status, 200, "{query}: {body}");
        ["陈立新", "李明", "王强"]
            .into_iter()
            .filter(|v| body.contains(&format!("<td>{v}</td>")))
            .collect()
    };
    assert_eq!(shown(&commander, "").await, ["陈立新", "李明", "王强"]);
    assert_eq!(shown(&commander, "mode=phone").await, ["陈立新"]);
    assert_eq!(shown(&commander, "attitude=cooperative").await, ["李明"]);
    assert_eq!(
        shown(&commander, "from=2019-05-15&to=2019-12-31").await,
        ["李明"]
    );
    assert_eq!(shown(&commander, "q=王强").await, ["王强"]);
    assert_eq!(shown(&commander, "q=T-002").await, ["李明"]);
    assert_eq!(shown(&commander, "q=补偿").await, ["陈立新"]);
    let (status, body) = commander.page(&format!("{log}?from=前天")).await;
    assert_eq!(status, 422);
    assert!(body.contains("起始日期格式不正确"), "{body}");
    // Staff see their group's households' visits only, on the page and in the export.
    let staff = app.login(Role::RelocationStaff).await;
    assert_eq!(shown(&staff, "").await, ["陈立新", "王强"]);
    let r = staff.get(&format!("{log}.xlsx")).await;
    let theirs = crate::support::downloaded_rows(r, &["人员"]).await;
    assert_eq!(theirs, [["陈立新"], ["王强"]]);

    // The export takes what the filters show.
    let (_, page) = commander.page(&format!("{log}?attitude=hesitant")).await;
    assert!(page.contains("visits.xlsx?attitude=hesitant"), "{page}");
    let r = commander
        .get(&format!("{log}.xlsx?attitude=hesitant"))
        .await;
    let rows = crate::support::downloaded_rows(r, &["户", "人员"]).await;
    assert_eq!(rows, [["T-001", "陈立新"]]);
}

#[tokio::test]
async fn population_is_posted_masked_and_not_confirmed_before_the_period_ends() {
    let (app, f) = fixture::spawn().await;
    let review = format!("{}/population/review", household(f.ours));
    let decide = format!("{}/population/decide", household(f.ours));
    let staff = app.login(Role::RelocationStaff).await;
    let commander = app.login(Role::RelocationCommander).await;

    assert_eq!(
        status_of(&staff.post(&review, &[("step", "initial_review")]).await),
        303
    );
    assert_eq!(
        status_of(&staff.post(&decide, &[("step", "re_review")]).await),
        403,
        "the policy group re-reviews"
    );
    let r = commander.post(&decide, &[("step", "post")]).await;
    assert_eq!(status_of(&r), 422, "posting needs the re-review first");
    // The commander re-reviews as a member of the policy group.
    let mut tx = app.db.begin().await.expect("tx");
    let policy = store::relocation::teams::group_of_kind(
        &mut tx,
        f.project_id,
        domain::relocation::TeamKind::Policy,
    )
    .await
    .expect("policy group");
    store::relocation::teams::add_person(
        &mut tx,
        "test",
        policy,
        "指挥长",
        None,
        Some("relocation_commander"),
    )
    .await
    .expect("person");
    tx.commit().await.expect("commit");
    assert_eq!(
        status_of(&commander.post(&decide, &[("step", "re_review")]).await),
        303
    );
    assert_eq!(
        status_of(
            &commander
                .post(&decide, &[("step", "post"), ("days", "7")])
                .await
        ),
        303
    );

    let (status, body) = app
        .anonymous()
        .page(&format!("/public/relocation/{PROJECT}/population"))
        .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("张*三") && body.contains("110105********002X"),
        "{body}"
    );
    assert!(
        !body.contains("张小三") && !body.contains("11010519491231002X"),
        "{body}"
    );

    staff
        .submit(
            &review,
            &[
                ("step", "object"),
                ("by", "邻居"),
                ("content", "张明已在城区落户"),
            ],
        )
        .await;
    let r = commander.post(&decide, &[("step", "confirm")]).await;
    assert_answers(r, 422, "公示期未满").await;
    commander
        .submit(
            &decide,
            &[
                ("step", "dismiss"),
                ("index", "1"),
                ("note", "经核实户籍仍在本村"),
            ],
        )
        .await;
    let (_, page) = commander.page(&household(f.ours)).await;
    assert!(page.contains("异议不成立（经核实户籍仍在本村）"), "{page}");
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn the_sheet_says_the_population_is_provisional_until_confirmed() {
    use store::relocation::population::{self, Step};
    let (app, f, staff) = fixture::spawn_as(Role::RelocationStaff).await;
    let sheet = format!("{}/sheet", household(f.ours));
    let (status, body) = staff.page(&sheet).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("安置人口尚未核定（草稿），过渡补助暂按登记人口 3 人计算"),
        "{body}"
    );

    // Reviewed twice, posted for seven days that are over, confirmed today.
    let today = domain::platform::time::today_local();
    let day = |back: u64| today - chrono::Days::new(back);
    let mut tx = app.db.begin().await.expect("tx");
    // The re-review is by someone other than the initial reviewer, of the policy group.
    let policy = store::relocation::teams::group_of_kind(
        &mut tx,
        f.project_id,
        domain::relocation::TeamKind::Policy,
    )
    .await
    .expect("policy group");
    store::relocation::teams::add_person(&mut tx, "test", policy, "指挥长", None, Some("admin"))
        .await
        .expect("person");
    for (actor, step, on) in [
        ("staff-a", Step::InitialReview, day(30)),
        ("admin", Step::ReReview, day(29)),
        (
            "admin",
            Step::Post {
                from: day(28),
                days: 7,
            },
            day(28),
        ),
        ("admin", Step::Confirm, today),
    ] {
        population::apply(
            &mut tx,
            actor,
            &store::relocation::Scope::All,
            f.ours,
            step,
            on,
        )
        .await
        .expect("review step");
    }
    tx.commit().await.expect("commit");
    let (_, body) = staff.page(&sheet).await;
    assert!(!body.contains("安置人口尚未核定"), "{body}");
    assert!(body.contains("安置人口：3 人"), "{body}");
}

#[tokio::test]
async fn a_form_that_does_not_decode_gets_a_chinese_400_page_and_changes_nothing() {
    let (app, f, staff) = fixture::spawn_as(Role::RelocationStaff).await;
    let today = domain::platform::time::today_local().to_string();
    // The page always sends which milestone; a body without it is not ours.
    let r = staff
        .post(
            &format!("{}/milestones", household(f.ours)),
            &[("on", &today)],
        )
        .await;
    assert_eq!(status_of(&r), 400);
    let body = r.text().await.unwrap_or_default();
    assert!(
        body.contains("表单内容有误") && body.contains("milestone"),
        "{body}"
    );
    assert!(!body.contains("Failed to deserialize"), "{body}");
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn input_edges_are_refused_or_clamped() {
    let app = TestApp::spawn().await;
    fixture::fill(&app.db).await;
    let commander = app.login(Role::RelocationCommander).await;
    // Codes go into public links: only letters, digits and '-'.
    for bad in ["A\r\nB", "A\"B", "<b>", "../x", "A B"] {
        let r = commander
            .post(
                "/relocation/projects",
                &[
                    ("code", bad),
                    ("name", "测试"),
                    ("kind", "expropriation"),
                    ("town", "杨村桥镇"),
                    ("year", "2019"),
                    ("land_mu", "1"),
                    ("status", "active"),
                ],
            )
            .await;
        assert_eq!(status_of(&r), 422, "{bad:?}");
        assert!(
            r.text()
                .await
                .unwrap_or_default()
                .contains("字母、数字和短横线")
        );
    }
    // A page number past any list is clamped, not overflowed.
    let (status, _) = commander
        .page(&format!(
            "/relocation/projects/{PROJECT}/households?page=9223372036854775807"
        ))
        .await;
    assert_eq!(status, 200);
    // A body over the limit is a 413 page, not a token error.
    let big = "x".repeat(5 * 1024 * 1024);
    let r = commander
        .post("/relocation/households/1/concerns", &[("concerns", &big)])
        .await;
    assert_eq!(status_of(&r), 413);
}

#[tokio::test]
async fn a_save_while_an_import_holds_the_database_waits_and_completes() {
    let app = TestApp::spawn().await;
    let f = fixture::fill(&app.db).await;
    let staff = app.login(Role::RelocationStaff).await;
    // An import's transaction holds the write lock for two seconds.
    let mut tx = app.db.begin().await.expect("tx");
    store::relocation::households::set_concerns(
        &mut tx,
        "import",
        &store::relocation::Scope::All,
        f.theirs,
        "导入中",
        false,
    )
    .await
    .expect("write");
    let save = tokio::spawn({
        let path = format!("{}/concerns", household(f.ours));
        async move {
            staff
                .post(&path, &[("concerns", "要求提高装修评估价")])
                .await
                .status()
                .as_u16()
        }
    });
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    tx.commit().await.expect("commit");
    assert_eq!(
        save.await.expect("save"),
        303,
        "the save completes once the lock is free"
    );
    let h = store::relocation::households::get(&app.db, &store::relocation::Scope::All, f.ours)
        .await
        .expect("household");
    assert_eq!(h.concerns, "要求提高装修评估价");
}
