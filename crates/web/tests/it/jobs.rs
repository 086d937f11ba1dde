//! Background jobs: an upload runs as a job whose page shows the report and keeps the
//! rejects file; a cancelled import writes nothing; a restart marks a running job
//! interrupted; a job is its owner's (and the administrator's) only; expired jobs go with
//! their files.

use crate::support::{TestApp, job_of};
use crate::union::{MEMBER_HEADERS, rid, seed, xinanjiang};
use domain::platform::Role;
use serde_json::Value;
use std::time::{Duration, Instant};
use store::platform::jobs::{self, Ending, JobState};
use store::union::Scope;
use store::union::members::{self, MemberFilter};

/// The union the imported members join.
const UNION: &str = "新安江甲工会";

async fn member_count(app: &TestApp) -> i64 {
    members::list(&app.db, Scope::City, &MemberFilter::default(), 0, 0)
        .await
        .expect("count")
        .1
}

/// A member row of the import for union `union`.
fn member_row(n: u32, union: &str) -> Vec<String> {
    vec![
        format!("会员{n}"),
        rid(n),
        String::new(),
        union.to_string(),
        "2019-05-01".into(),
        "否".into(),
    ]
}

/// The job's JSON as its owner's session reads it.
async fn state_of(s: &crate::support::Session, job: &str) -> Value {
    let id = job.trim_start_matches("/jobs/");
    s.get(&format!("/api/v1/jobs/{id}"))
        .await
        .json()
        .await
        .expect("job JSON")
}

#[tokio::test]
async fn an_import_job_runs_to_done_and_its_page_shows_the_report_and_rejects() {
    let app = TestApp::spawn().await;
    seed(&app.db)
        .await
        .joint(&app.db, UNION, xinanjiang())
        .await;
    let admin = app.login(Role::UnionAdmin).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("m.xlsx");
    let mut bad = member_row(3, UNION);
    bad[1] = "123".into();
    crate::support::xlsx(
        &file,
        &MEMBER_HEADERS,
        &[member_row(1, UNION), member_row(2, UNION), bad],
    );
    let r = admin
        .upload(
            "/union/import",
            &[("kind", "members"), ("mode", "skip_invalid")],
            &file,
        )
        .await;
    assert_eq!(r.status(), 200);
    let url = r.url().path().to_string();
    let page = r.text().await.expect("page");
    assert!(
        page.contains("新增 2") && page.contains("已写入") && page.contains("<td>4</td>"),
        "{page}"
    );
    assert!(
        page.contains(&format!("{url}/file")),
        "rejects linked: {page}"
    );
    assert_eq!(member_count(&app).await, 2);
    let rejects = admin.get(&format!("{url}/file")).await;
    assert_eq!(rejects.status(), 200);
    assert!(rejects.bytes().await.expect("file").starts_with(b"PK"));
    let j = state_of(&admin, &url).await;
    assert_eq!(j["state"], "done", "{j}");
    assert_eq!(j["rows_read"], 3, "{j}");
    assert_eq!(j["rows_written"], 2, "{j}");
    let (_, list) = admin.page("/jobs").await;
    assert!(list.contains(&format!("href=\"{url}\"")), "{list}");
}

#[tokio::test]
async fn a_cancelled_import_writes_nothing() {
    let app = TestApp::spawn().await;
    seed(&app.db)
        .await
        .joint(&app.db, UNION, xinanjiang())
        .await;
    let admin = app.login(Role::UnionAdmin).await;
    // Large enough that it is still running when the cancel arrives.
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("m.csv");
    let mut csv = MEMBER_HEADERS.join(",") + "\n";
    for n in 1..=200_000 {
        csv += &member_row(n, UNION).join(",");
        csv.push('\n');
    }
    std::fs::write(&file, csv).expect("csv");
    let before = member_count(&app).await;

    let r = admin
        .start_upload(
            "/union/import",
            &[("kind", "members"), ("mode", "atomic")],
            &file,
        )
        .await;
    let job = job_of(&r).expect("the upload starts a job");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let j = state_of(&admin, &job).await;
        assert_eq!(j["state"], "running", "still running: {j}");
        assert_eq!(j["rows_total"], 200_000, "{j}");
        if j["rows_read"].as_u64().unwrap_or(0) > 0 {
            break;
        }
        assert!(Instant::now() < deadline, "the import never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_, page) = admin.page(&job).await;
    assert!(
        page.contains("<progress") && page.contains("取消任务"),
        "{page}"
    );
    let forged = admin.post_without_csrf(&format!("{job}/cancel"), &[]).await;
    assert_eq!(forged.status(), 403, "a cancel needs the form's CSRF token");
    let r = admin.post(&format!("{job}/cancel"), &[]).await;
    assert_eq!(r.status(), 303);
    let page = admin.ended(&job).await.text().await.expect("page");
    assert!(
        page.contains("已取消") && page.contains("未写入任何数据"),
        "{page}"
    );
    let j = state_of(&admin, &job).await;
    assert_eq!(j["state"], "cancelled", "{j}");
    assert_eq!(j["rows_written"], 0, "{j}");
    assert_eq!(member_count(&app).await, before, "nothing written");
}

#[tokio::test]
async fn a_restart_marks_a_running_job_interrupted_and_it_stays_so() {
    let app = TestApp::spawn().await;
    let id = jobs::start(&app.db, "import:members", "导入会员", "union_admin", None)
        .await
        .expect("job");
    let again = app.restart().await;
    let admin = again.login(Role::UnionAdmin).await;
    let (status, page) = admin.page(&format!("/jobs/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("已中断") && !page.contains("id=\"job-live\""),
        "{page}"
    );
    let late = Ending {
        state: JobState::Done,
        rows_read: 10,
        rows_written: 10,
        summary: None,
        result_file: None,
    };
    assert!(
        !jobs::finish(&app.db, id, &late).await.expect("finish"),
        "the lost task cannot say it finished"
    );
    let job = jobs::find(&app.db, id).await.expect("find").expect("job");
    assert_eq!(job.state, JobState::Interrupted);
    assert_eq!(job.rows_written, 0);
}

#[tokio::test]
async fn other_users_cannot_see_someone_elses_job() {
    let app = TestApp::spawn().await;
    let id = jobs::start(&app.db, "audit_verify", "审计链校验", "inspector", None)
        .await
        .expect("job");
    let path = format!("/jobs/{id}");
    let owner = app.login(Role::Inspector).await;
    assert_eq!(owner.page(&path).await.0, 200);
    let other = app.login(Role::UnionAdmin).await;
    assert_eq!(other.page(&path).await.0, 404);
    assert_eq!(other.page(&format!("/api/v1/jobs/{id}")).await.0, 404);
    assert_eq!(
        other.post(&format!("{path}/cancel"), &[]).await.status(),
        404
    );
    assert!(!other.page("/jobs").await.1.contains(&path));
    let token = app.token(Role::UnionStaff).await;
    let r = app
        .api(reqwest::Method::GET, &format!("/api/v1/jobs/{id}"), &token)
        .await;
    assert_eq!(r.status(), 404);
    let admin = app.login(Role::Admin).await;
    assert_eq!(admin.page(&path).await.0, 200);
    assert!(admin.page("/jobs").await.1.contains(&path));
}

#[tokio::test]
async fn an_audit_verification_runs_as_a_job() {
    let app = TestApp::spawn().await;
    let inspector = app.login(Role::Inspector).await;
    // The login's own entry reaches the log from a task of its own; moved now, so that the
    // job and the check below walk the same log.
    store::platform::sessions::flush_events(&app.db)
        .await
        .expect("flush");
    let r = inspector.post("/audit/verify/job", &[]).await;
    let job = job_of(&r).expect("a job");
    let page = inspector.ended(&job).await.text().await.expect("page");
    assert!(page.contains("审计链完整"), "{page}");
    // The job counted as it went every entry walked and every record compared: as many
    // as the same (first, so full) check reports.
    let v = store::audit::verify(&app.db, &store::audited())
        .await
        .expect("verify");
    assert!(v.entries > 0 && v.records > 0, "{v:?}");
    let j = state_of(&inspector, &job).await;
    assert_eq!(j["rows_read"], v.entries + v.records, "{j}");
}

#[tokio::test]
async fn expired_jobs_are_removed_with_their_files() {
    let app = TestApp::spawn().await;
    let old = jobs::start(&app.db, "export:members", "导出会员名册", "admin", None)
        .await
        .expect("job");
    let recent = jobs::start(&app.db, "export:members", "导出会员名册", "admin", None)
        .await
        .expect("job");
    for id in [old, recent] {
        let dir = app.jobs_dir().join(id.to_string());
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("members.xlsx");
        std::fs::write(&file, b"PK").expect("file");
        let done = Ending {
            state: JobState::Done,
            rows_read: 1,
            rows_written: 1,
            summary: None,
            result_file: Some(file.to_string_lossy().into_owned()),
        };
        assert!(jobs::finish(&app.db, id, &done).await.expect("finish"));
    }
    app.db
        .execute_raw(&format!(
            "UPDATE jobs SET expires_at = '2020-01-01T00:00:00.000000Z' WHERE id = {old}"
        ))
        .await
        .expect("age it");
    let again = app.restart().await;
    let admin = again.login(Role::Admin).await;
    assert_eq!(admin.page(&format!("/jobs/{old}")).await.0, 404);
    assert!(!app.jobs_dir().join(old.to_string()).exists());
    assert_eq!(admin.page(&format!("/jobs/{recent}/file")).await.0, 200);
    assert!(app.jobs_dir().join(recent.to_string()).exists());
}

#[tokio::test]
async fn the_member_export_runs_as_a_job_and_its_file_is_kept() {
    let app = TestApp::spawn().await;
    seed(&app.db)
        .await
        .joint(&app.db, UNION, xinanjiang())
        .await;
    let admin = app.login(Role::UnionAdmin).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("m.xlsx");
    let rows: Vec<_> = (1..=1_200).map(|n| member_row(n, UNION)).collect();
    crate::support::xlsx(&file, &MEMBER_HEADERS, &rows);
    admin
        .upload("/union/import", &[("kind", "members")], &file)
        .await;
    let r = admin.post("/union/members/export", &[]).await;
    let job = job_of(&r).expect("a job");
    let page = admin.ended(&job).await.text().await.expect("page");
    assert!(page.contains("共导出 1200 名会员"), "{page}");
    let j = state_of(&admin, &job).await;
    assert_eq!(
        (j["state"].as_str(), j["rows_written"].as_u64()),
        (Some("done"), Some(1_200))
    );
    let xlsx = admin.get(&format!("{job}/file")).await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.expect("file");
    let out = dir.path().join("export.xlsx");
    std::fs::write(&out, &bytes).expect("saved");
    let mut read = sheets::SheetReader::open(&out, ::imports::union::members::COLUMNS)
        .expect("the export reads back");
    let mut n = 0;
    while read.next_row().expect("row").is_some() {
        n += 1;
    }
    assert_eq!(n, 1_200, "every member once");
}
