//! The platform: the route-by-role matrix, login, throttling, CSRF, API tokens, audit.

use crate::support::{PASSWORD, TestApp};
use chrono::NaiveDate;
use domain::platform::{ResidentId, Role};
use reqwest::Method;
use store::Db;
use store::audit::{self, Problem};
use store::union::members::{self, NewMember};
use web::access::Access;
use web::routes::RouteTable;

/// A concrete path for a route pattern: every `{param}` becomes `1`.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') && seg.ends_with('}') {
                "1"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn the_navigation_offers_each_role_exactly_its_pages() {
    let table = RouteTable::build();
    let union = ["工会概况", "排名通报", "企业名录", "工会组织", "会员名册"];
    let services = [
        "工会活动",
        "队伍协会",
        "先进典型",
        "困难帮扶",
        "互助保障",
        "福利项目",
    ];
    let rights = ["职工阵地", "集体合同", "考核激励"];
    let expected: Vec<(Role, Vec<&str>)> = vec![
        (
            Role::Admin,
            [
                &["首页"][..],
                &union,
                &["批量导入"],
                &services,
                &rights,
                &[
                    "征收安置",
                    "年度报告",
                    "用户管理",
                    "审计日志",
                    "通知发送",
                    "后台任务",
                ],
            ]
            .concat(),
        ),
        (
            Role::UnionAdmin,
            [
                &["首页"][..],
                &union,
                &["批量导入"],
                &services,
                &rights,
                &["年度报告", "通知发送", "后台任务"],
            ]
            .concat(),
        ),
        (
            Role::UnionStaff,
            [
                &["首页"][..],
                &union,
                &["批量导入"],
                &services,
                &rights,
                &["年度报告", "后台任务"],
            ]
            .concat(),
        ),
        (
            Role::RelocationCommander,
            vec!["首页", "征收安置", "年度报告", "通知发送", "后台任务"],
        ),
        (
            Role::RelocationStaff,
            vec!["首页", "征收安置", "年度报告", "后台任务"],
        ),
        (
            Role::Inspector,
            [
                &["首页"][..],
                &union,
                &services,
                &rights,
                &["征收安置", "年度报告", "审计日志", "通知发送", "后台任务"],
            ]
            .concat(),
        ),
        (
            Role::Member,
            vec![
                "首页",
                "我的会员信息",
                "我的活动",
                "福利项目报名",
                "申请帮扶",
            ],
        ),
    ];
    for (role, mut labels) in expected {
        labels.push("公开信息");
        let nav: Vec<&str> = table.nav_for(role).into_iter().map(|(l, _)| l).collect();
        assert_eq!(nav, labels, "navigation of {role:?}");
    }
}

/// Whether an account named `username` exists.
async fn user_exists(db: &store::Db, username: &str) -> bool {
    store::platform::users::by_username_with_hash(db, username)
        .await
        .unwrap()
        .is_some()
}

#[tokio::test]
async fn every_route_allows_exactly_the_roles_it_declares() {
    let app = TestApp::spawn().await;
    let table = RouteTable::build();
    let mut sessions = vec![(None, app.anonymous())];
    for role in Role::ALL {
        sessions.push((Some(role), app.login(role).await));
    }
    let mut checked = 0;
    for spec in table.all() {
        if spec.path == "/logout" {
            continue; // ends the session; tested on its own below
        }
        let path = concrete(spec.path);
        for (role, session) in &sessions {
            let req = session
                .client
                .request(spec.method.clone(), format!("{}{}", app.base, path));
            let req = if spec.method == Method::POST {
                req.form(&[("_csrf", session.csrf.as_str())])
            } else if spec.method == Method::PUT {
                req.header("x-csrf-token", session.csrf.as_str())
            } else {
                req
            };
            let resp = req.send().await.expect("request");
            let status = resp.status().as_u16();
            let to_login = resp
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
                .is_some_and(|l| l.starts_with("/login"));
            let allowed = spec.access.allows(*role);
            let who = role.map(|r| r.code()).unwrap_or("anonymous");
            if allowed {
                assert!(
                    status != 401 && status != 403 && !(to_login && spec.path != "/logout"),
                    "{who} should be allowed {} {} but got {status}",
                    spec.method,
                    spec.path
                );
            } else if role.is_none() {
                assert!(
                    status == 401 || (status == 303 && to_login),
                    "anonymous should be sent to login for {} {} but got {status}",
                    spec.method,
                    spec.path
                );
            } else {
                assert_eq!(
                    status, 403,
                    "{who} should be denied {} {}",
                    spec.method, spec.path
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked >= table.all().len() * 7,
        "matrix walked only {checked} cases"
    );
}

#[test]
fn inspectors_and_members_have_no_route_that_changes_records() {
    for spec in RouteTable::build().all() {
        // `/account/…` manages the viewer's own credentials (an inspector may need an API
        // token to read), not the offices' records; `/jobs/…`, the verification and the
        // member export start or stop the viewer's own background reading (what an
        // inspector may read page by page), not a change of records.
        if spec.method != Method::POST
            || matches!(spec.access, Access::Public | Access::AnyUser)
            || spec.path.starts_with("/account/")
            || spec.path.starts_with("/jobs/")
            || ["/audit/verify/job", "/union/members/export"].contains(&spec.path)
        {
            continue;
        }
        assert!(
            !spec.access.allows(Some(Role::Inspector)),
            "inspector may POST {}",
            spec.path
        );
        // `/union/me/…` changes only the member's own sign-ups, enrolments and aid
        // applications (the member is the one the account is linked to, never an id from
        // the request).
        assert!(
            !spec.access.allows(Some(Role::Member)) || spec.path.starts_with("/union/me/"),
            "member may POST {}",
            spec.path
        );
    }
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let s = app.login(Role::Admin).await;
    assert_eq!(s.get("/admin/users").await.status(), 200);
    s.submit("/logout", &[]).await;
    let r = s.get("/admin/users").await;
    assert_eq!(
        r.status(),
        303,
        "a logged-out session must be sent to the login page"
    );
}

#[tokio::test]
async fn five_failed_logins_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::spawn().await;
    let s = app.anonymous();
    for _ in 0..5 {
        let r = s.try_login("admin", "wrong-password").await;
        assert_eq!(r.status(), 401);
    }
    let r = s.try_login("admin", PASSWORD).await;
    assert_eq!(
        r.status(),
        401,
        "the right password must not open a locked account"
    );
    let body = r.text().await.unwrap_or_default();
    assert!(
        body.contains("锁定"),
        "the page must say the account is locked: {body}"
    );
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    let s = app.login(Role::Admin).await;
    let fields = [
        ("username", "newclerk"),
        ("display_name", "新办事员"),
        ("password", "long-enough-1"),
        ("role", "inspector"),
    ];
    let r = s.post_without_csrf("/admin/users", &fields).await;
    assert_eq!(r.status(), 403);
    assert!(!user_exists(&app.db, "newclerk").await);
    s.submit("/admin/users", &fields).await;
    assert!(user_exists(&app.db, "newclerk").await);
}

#[tokio::test]
async fn a_login_without_the_login_forms_token_is_refused() {
    let app = TestApp::spawn().await;
    let r = app
        .anonymous()
        .client
        .post(format!("{}/login", app.base))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 400);
    assert!(
        r.headers()
            .get("set-cookie")
            .and_then(|c| c.to_str().ok())
            .is_none_or(|c| !c.starts_with("gw_session="))
    );
}

/// The id of the test account `username`: tokens are issued to and listed by it.
async fn user_id(db: &Db, username: &str) -> i64 {
    store::platform::users::by_username_with_hash(db, username)
        .await
        .expect("user")
        .expect("test account")
        .0
        .id
}

#[tokio::test]
async fn session_cookie_is_httponly_and_samesite() {
    let app = TestApp::spawn().await;
    let r = app.anonymous().try_login("admin", PASSWORD).await;
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|c| c.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[tokio::test]
async fn api_tokens_authenticate_api_calls() {
    let app = TestApp::spawn().await;
    let user = user_id(&app.db, "inspector").await;
    let token = store::platform::tokens::create(&app.db, "test", user, "对接")
        .await
        .unwrap();
    let me: serde_json::Value = app
        .api(Method::GET, "/api/v1/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "inspector");
    let r = app.api(Method::GET, "/api/v1/me", "not-a-token").await;
    assert_eq!(r.status(), 401);
    let audit = app.api(Method::GET, "/api/v1/audit", &token).await;
    assert_eq!(audit.status(), 200);
}

#[tokio::test]
async fn health_metrics_and_openapi_answer() {
    let app = TestApp::spawn().await;
    let s = app.anonymous();
    assert_eq!(s.page("/healthz").await, (200, "ok".to_string()));
    let (status, metrics) = s.page("/metrics").await;
    assert_eq!(status, 200);
    assert!(metrics.contains("groundwork_http_responses_total"));
    let spec: serde_json::Value = s.get("/api/openapi.json").await.json().await.unwrap();
    assert!(spec["paths"]["/api/v1/me"]["get"].is_object());
}

async fn verify(db: &Db) -> Option<Problem> {
    audit::verify(db, &store::audited())
        .await
        .expect("verify runs")
        .problem
}

/// Turns the append-only triggers off, as someone with raw database access could.
async fn disable_audit_triggers(db: &Db) {
    let sql = match db.backend() {
        store::Backend::Sqlite => {
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
        }
        store::Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;",
    };
    db.execute_raw(sql).await.expect("drop triggers");
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    let app = TestApp::spawn().await;
    assert!(
        app.db
            .execute_raw("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
            .await
            .is_err()
    );
    assert!(
        app.db
            .execute_raw("DELETE FROM audit_log WHERE seq = 1")
            .await
            .is_err()
    );
    assert_eq!(verify(&app.db).await, None);
}

/// What `audit verify` finds once `statements` have edited the log behind its back, its
/// append-only triggers switched off as a database superuser could.
async fn verify_after_editing_the_log(statements: &[&str]) -> Option<Problem> {
    let app = TestApp::spawn().await;
    assert_eq!(verify(&app.db).await, None);
    disable_audit_triggers(&app.db).await;
    for sql in statements {
        app.db.execute_raw(sql).await.unwrap();
    }
    verify(&app.db).await
}

#[tokio::test]
async fn audit_verify_catches_an_edited_entry() {
    let found = verify_after_editing_the_log(&[
        "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3",
    ])
    .await;
    assert_eq!(found, Some(Problem::BadHash { seq: 3 }));
}

#[tokio::test]
async fn audit_verify_catches_a_deleted_entry() {
    let found = verify_after_editing_the_log(&["DELETE FROM audit_log WHERE seq = 2"]).await;
    let gap = Problem::Gap {
        expected: 2,
        found: 3,
    };
    assert_eq!(found, Some(gap));
}

#[tokio::test]
async fn audit_verify_catches_reordered_entries() {
    let found = verify_after_editing_the_log(&[
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
    ])
    .await;
    assert_eq!(found, Some(Problem::BadHash { seq: 2 }));
}

#[tokio::test]
async fn audit_verify_catches_a_record_changed_behind_its_back() {
    let app = TestApp::spawn().await;
    app.db
        .execute_raw("UPDATE users SET role = 'admin' WHERE username = 'inspector'")
        .await
        .unwrap();
    match verify(&app.db).await {
        Some(Problem::RecordMismatch { entity, .. }) => assert_eq!(entity, "user"),
        other => panic!("expected a record mismatch, got {other:?}"),
    }
}

#[tokio::test]
async fn audit_verify_catches_records_created_or_deleted_without_the_log() {
    let app = TestApp::spawn().await;
    app.db
        .execute_raw("INSERT INTO users (username, display_name, password_hash, role, disabled, created_at) VALUES ('ghost', 'ghost', 'x', 'admin', FALSE, '2019-01-01T00:00:00Z')")
        .await
        .unwrap();
    assert!(matches!(
        verify(&app.db).await,
        Some(Problem::RecordUnlogged { .. })
    ));

    let app = TestApp::spawn().await;
    app.db.execute_raw("DELETE FROM sessions").await.unwrap();
    app.db
        .execute_raw("DELETE FROM users WHERE username = 'member'")
        .await
        .unwrap();
    assert!(matches!(
        verify(&app.db).await,
        Some(Problem::RecordMissing { .. })
    ));
}

#[tokio::test]
async fn changes_through_the_app_keep_the_chain_intact() {
    let app = TestApp::spawn().await;
    let s = app.login(Role::Admin).await;
    s.post("/admin/users/inspector/disable", &[]).await;
    s.post("/admin/users/inspector/enable", &[]).await;
    let v = audit::verify(&app.db, &store::audited()).await.unwrap();
    assert_eq!(v.problem, None);
    assert!(
        v.entries >= 9,
        "creation, logins and two changes are logged: {}",
        v.entries
    );
    let (status, page) = app
        .login(Role::Inspector)
        .await
        .page("/audit?entity=user")
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("disable") && page.contains("enable"));
}

/// Registers three members with one bulk write, as an import does, so the log holds one
/// batch entry for them; that entry.
async fn member_batch(db: &Db) -> audit::Entry {
    let s = crate::union::seed(db).await;
    let u = s.joint(db, "批量工会", crate::union::xinanjiang()).await;
    let rows: Vec<NewMember> = (1..=3)
        .map(|n| NewMember {
            resident_id: ResidentId::parse(&crate::union::rid(n)).expect("id"),
            name: format!("批量会员{n}"),
            mobile: None,
            union_id: u.id,
            joined_on: NaiveDate::from_ymd_opt(2020, 1, 2).expect("date"),
            migrant_worker: n == 2,
        })
        .collect();
    let mut tx = db.begin().await.expect("tx");
    members::insert_many(&mut tx, "admin", &rows)
        .await
        .expect("members");
    tx.commit().await.expect("commit");
    let filter = audit::EntryFilter {
        entity: Some("member".into()),
        ..Default::default()
    };
    let (entries, _) = audit::list(db, &filter, 10, 0).await.expect("list");
    entries
        .into_iter()
        .find(audit::Entry::is_batch)
        .expect("one batch entry")
}

#[tokio::test]
async fn audit_pages_show_a_batch_entry_record_by_record() {
    let app = TestApp::spawn().await;
    let batch = member_batch(&app.db).await;
    let (first, last) = (batch.first_id.expect("first"), batch.last_id.expect("last"));
    let ids: Vec<i64> = audit::batch_records(batch.after_json.as_deref().expect("after"))
        .expect("records")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(ids.len(), 3);
    let s = app.login(Role::Inspector).await;
    let summary = format!("批量新增 3 条记录（编号 {first}–{last}）");

    let (status, list) = s.page("/audit?entity=member").await;
    assert_eq!(status, 200);
    assert!(
        list.contains(&summary) && list.contains("查看明细"),
        "{list}"
    );
    assert!(
        !list.contains("columns") && !list.contains("批量会员"),
        "no raw JSON in the list: {list}"
    );

    let (status, page) = s.page(&format!("/audit/entries/{}", batch.seq)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&summary) && page.contains(&batch.hash),
        "{page}"
    );
    for n in 1..=3 {
        assert!(page.contains(&format!("批量会员{n}")), "{page}");
    }

    let (status, one) = s
        .page(&format!("/audit/entries/{}?record={}", batch.seq, ids[1]))
        .await;
    assert_eq!(status, 200);
    assert!(
        one.contains("批量会员2") && !one.contains("批量会员1") && !one.contains("批量会员3"),
        "{one}"
    );

    // A record's history finds the batch that created it and links to its line.
    let (_, history) = s
        .page(&format!("/audit?entity=member&entity_id={}", ids[1]))
        .await;
    assert!(history.contains(&summary), "{history}");
    assert!(
        history.contains(&format!("/audit/entries/{}?record={}", batch.seq, ids[1])),
        "{history}"
    );

    // An ordinary entry's page lists its field changes.
    let (status, ordinary) = s.page("/audit/entries/1").await;
    assert_eq!(status, 200);
    assert!(ordinary.contains("username"), "{ordinary}");

    let (status, _) = s.page("/audit/entries/999999").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn audit_export_gives_a_batch_entry_one_line_per_record() {
    let app = TestApp::spawn().await;
    let batch = member_batch(&app.db).await;
    let s = app.login(Role::Admin).await;
    let r = s.get("/audit/export?entity=member").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("audit.xlsx");
    std::fs::write(&path, r.bytes().await.expect("bytes")).expect("write");
    let columns = [
        sheets::Column::required("序号"),
        sheets::Column::required("对象编号"),
        sheets::Column::required("修改前"),
        sheets::Column::required("修改后"),
    ];
    let reader = sheets::SheetReader::open(&path, &columns).expect("export");
    let lines: Vec<_> = reader.map(|row| row.expect("row")).collect();
    assert_eq!(lines.len(), 3, "one line per member");
    for (n, line) in lines.iter().enumerate() {
        assert_eq!(line.text(0), batch.seq.to_string());
        let id: i64 = line.text(1).parse().expect("record id");
        assert!((batch.first_id.unwrap()..=batch.last_id.unwrap()).contains(&id));
        assert_eq!(line.text(2), "");
        let after: serde_json::Value = serde_json::from_str(&line.text(3)).expect("JSON");
        assert_eq!(after["id"], id);
        assert!(
            after["name"].as_str().unwrap_or("").starts_with("批量会员"),
            "{n}: {after}"
        );
    }
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_pages_are_not_cached() {
    let app = TestApp::spawn().await;
    let admin = app.login(Role::Admin).await;
    for (session, path) in [
        (&admin, "/"),
        (&admin, "/relocation/"),
        (&admin, "/api/v1/me"),
        (&admin, "/no-such-page"),
        (&app.anonymous(), "/login"),
        (&app.anonymous(), "/public/relocation/"),
    ] {
        let r = session.get(path).await;
        let h = r.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{path}");
        assert_eq!(
            h.get("x-frame-options").map(|v| v.as_bytes()),
            Some(&b"DENY"[..]),
            "{path}"
        );
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..])
        );
        assert!(h.get("referrer-policy").is_some(), "{path}");
        assert_eq!(
            h.get("cache-control").map(|v| v.as_bytes()),
            Some(&b"no-store"[..]),
            "{path}"
        );
    }
    // Assets stay cacheable.
    let r = app.anonymous().get("/assets/app.css").await;
    let cache = r
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(cache.contains("max-age"), "{cache}");
}

#[tokio::test]
async fn login_never_redirects_to_another_host() {
    let app = TestApp::spawn().await;
    for next in [
        "/%5Cevil.example/",
        "/%09/evil.example",
        "//evil.example",
        "https://evil.example",
    ] {
        let s = app.anonymous();
        let (_, form) = s.page(&format!("/login?next={next}")).await;
        let token = crate::support::csrf_in(&form).expect("csrf");
        assert!(
            !form.contains("evil.example"),
            "{next}: the form keeps only a local path"
        );
        let r = s
            .client
            .post(format!("{}/login", s.base))
            .form(&[
                ("username", "admin"),
                ("password", crate::support::PASSWORD),
                ("next", &urldecode(next)),
                ("_csrf", &token),
            ])
            .send()
            .await
            .expect("login");
        assert_eq!(r.status(), 303);
        let to = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert_eq!(to, "/", "{next} -> {to}");
    }
}

fn urldecode(s: &str) -> String {
    s.replace("%5C", "\\").replace("%09", "\t")
}

#[test]
fn no_template_carries_inline_script() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut stack = vec![dir];
    let mut seen = 0;
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("templates") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("template");
            seen += 1;
            assert!(
                !text.contains("<script>"),
                "{}: inline <script>",
                p.display()
            );
            for attr in [
                " onclick=",
                " onsubmit=",
                " onchange=",
                " onload=",
                " oninput=",
            ] {
                assert!(!text.contains(attr), "{}: {attr}", p.display());
            }
        }
    }
    assert!(seen > 20, "read the templates ({seen})");
}

#[tokio::test]
async fn failures_from_one_address_do_not_lock_the_owner_out_elsewhere() {
    use store::platform::auth::{LoginOutcome, MAX_FAILURES, login};
    let app = TestApp::spawn().await;
    for _ in 0..MAX_FAILURES {
        let out = login(&app.db, "admin", "wrong-password", "10.0.0.66")
            .await
            .expect("login");
        assert!(matches!(out, LoginOutcome::Wrong));
    }
    let out = login(&app.db, "admin", crate::support::PASSWORD, "10.0.0.66")
        .await
        .expect("login");
    assert!(
        matches!(out, LoginOutcome::Locked { .. }),
        "the attacker's address is locked"
    );
    let out = login(&app.db, "admin", crate::support::PASSWORD, "10.0.0.7")
        .await
        .expect("login");
    assert!(
        matches!(out, LoginOutcome::Ok { .. }),
        "the owner elsewhere logs in"
    );
    // A success clears its address's count: four failures, a success, four more: no lock.
    for round in 0..2 {
        for _ in 0..MAX_FAILURES - 1 {
            login(&app.db, "inspector", "wrong-password", "10.0.0.8")
                .await
                .expect("login");
        }
        let out = login(&app.db, "inspector", crate::support::PASSWORD, "10.0.0.8")
            .await
            .expect("login");
        assert!(matches!(out, LoginOutcome::Ok { .. }), "round {round}");
    }
}

#[tokio::test]
async fn an_unknown_name_answers_no_faster_than_a_wrong_password() {
    use store::platform::auth::login;
    let app = TestApp::spawn().await;
    // Warm the dummy hash, then time both kinds of failure from fresh addresses.
    login(&app.db, "nobody-at-all", "x", "10.1.0.1")
        .await
        .expect("login");
    let time = async |name: &str, addr: &str| {
        let t = std::time::Instant::now();
        login(&app.db, name, "wrong-password", addr)
            .await
            .expect("login");
        t.elapsed()
    };
    // The fastest of five of each: what the work costs, without the pauses a busy
    // machine adds to some of them.
    let mut unknown = std::time::Duration::MAX;
    let mut known = std::time::Duration::MAX;
    for i in 0..5 {
        unknown = unknown.min(time("nobody-at-all", &format!("10.1.1.{i}")).await);
        known = known.min(time("admin", &format!("10.1.2.{i}")).await);
    }
    assert!(
        unknown * 2 > known,
        "unknown {unknown:?} vs known {known:?}: a wrong name must cost a password check"
    );
}

#[tokio::test]
async fn api_tokens_expire_are_listed_with_their_last_use_and_can_be_revoked() {
    use store::platform::tokens;
    let app = TestApp::spawn().await;
    let user = user_id(&app.db, "inspector").await;
    let me = async |token: &str| {
        app.api(Method::GET, "/api/v1/me", token)
            .await
            .status()
            .as_u16()
    };
    let first = tokens::create(&app.db, "test", user, "对接一")
        .await
        .unwrap();
    let second = tokens::create(&app.db, "test", user, "对接二")
        .await
        .unwrap();
    assert_eq!(me(&first).await, 200);
    let listed = tokens::of_user(&app.db, user).await.unwrap();
    assert_eq!(listed.len(), 2);
    let one = listed.iter().find(|t| t.label == "对接一").unwrap();
    assert!(one.last_used_at.is_some(), "its use is noted");
    let days = (one.expires_at - one.created_at).num_days();
    assert_eq!(days, tokens::TOKEN_DAYS);

    // Revoked through the API by its owner: it stops working at once.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tokens/{}/revoke", one.id),
            &second,
        )
        .await;
    assert_eq!(r.status(), 204);
    assert_eq!(me(&first).await, 401);
    let listed: serde_json::Value = app
        .api(Method::GET, "/api/v1/tokens", &second)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    // Another user's token is not theirs to revoke.
    let admin = user_id(&app.db, "admin").await;
    let admins = tokens::create(&app.db, "test", admin, "管理")
        .await
        .unwrap();
    let admin_token = tokens::of_user(&app.db, admin).await.unwrap()[0].id;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/tokens/{admin_token}/revoke"),
            &second,
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(me(&admins).await, 200);

    // A password change revokes every token; re-enabling a disabled account brings none back.
    store::platform::users::set_password(&app.db, "test", "inspector", "a-new-pass-9")
        .await
        .unwrap();
    assert_eq!(me(&second).await, 401);
    let third = tokens::create(&app.db, "test", admin, "再发")
        .await
        .unwrap();
    store::platform::users::set_disabled(&app.db, "test", "admin", true)
        .await
        .unwrap();
    store::platform::users::set_disabled(&app.db, "test", "admin", false)
        .await
        .unwrap();
    assert_eq!(me(&third).await, 401);
    assert_eq!(me(&admins).await, 401);

    // The account page lists them; the audit chain holds.
    let inspector = app.login_as("inspector", "a-new-pass-9").await;
    let (_, page) = inspector.page("/account").await;
    assert!(page.contains("对接一") && page.contains("已吊销"), "{page}");
    let v = store::audit::verify(&app.db, &store::audited())
        .await
        .unwrap();
    assert_eq!(v.problem, None);
}

/// The login entries of `username` in the audit log.
async fn logins_logged(db: &Db, username: &str) -> i64 {
    let f = audit::EntryFilter {
        actor: Some(username.into()),
        ..audit::EntryFilter::default()
    };
    let (entries, _) = audit::list(db, &f, 100, 0).await.expect("log");
    entries.iter().filter(|e| e.action == "login").count() as i64
}

#[tokio::test]
async fn a_login_while_an_import_holds_the_records_completes_at_once_and_is_logged_after() {
    let app = TestApp::spawn().await;
    let before = logins_logged(&app.db, "inspector").await;
    // An import's transaction: it has written records and audit entries, and holds the
    // records' write lock (SQLite) and the log's head (both backends) until it commits.
    let mut tx = app.db.begin().await.expect("tx");
    audit::record_event(&mut tx, "import", "import", "member", "1-1000")
        .await
        .expect("write");
    let started = std::time::Instant::now();
    let s = app.anonymous();
    let r = s.try_login("inspector", PASSWORD).await;
    assert_eq!(r.status(), 303, "the login completes");
    assert!(
        // Waiting for the import's lock would take the 30 s busy timeout and fail.
        started.elapsed() < std::time::Duration::from_secs(20),
        "without waiting for the import: {:?}",
        started.elapsed()
    );
    let (status, _) = s.page("/audit").await;
    assert_eq!(status, 200, "and the session works during the import");
    tx.commit().await.expect("commit");
    // Once the import has committed, the login is in the log (moved there by the task
    // the login started, or now).
    store::platform::sessions::flush_events(&app.db)
        .await
        .expect("flush");
    assert_eq!(logins_logged(&app.db, "inspector").await, before + 1);
    assert_eq!(verify(&app.db).await, None, "the chain holds");
}
