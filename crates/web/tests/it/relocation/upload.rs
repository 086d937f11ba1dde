//! The import upload page: a commander imports into their town's projects only (another
//! town's project does not exist for them), a dry run writes nothing, and staff and
//! inspectors may not upload at all.

use super::fixture::{self, OTHER_TOWN_PROJECT, PROJECT};
use super::{assert_audit_intact, status_of};
use crate::support::{TestApp, xlsx};
use domain::platform::Role;
use std::path::PathBuf;
use store::relocation::Scope;
use store::relocation::households::{self, HouseholdFilter};
use store::relocation::projects;

const HEADERS: [&str; 4] = [
    "户编号",
    "类型",
    "户主姓名",
    "户主身份证号/统一社会信用代码",
];

fn row(code: &str, name: &str, first17: &str) -> Vec<String> {
    vec![
        code.into(),
        "住户".into(),
        name.into(),
        fixture::resident_id(first17),
    ]
}

/// Households of the project with this code, in the whole city.
/// `rows` under the households import's headers, written as `name` in `dir`.
fn households_file(dir: &tempfile::TempDir, name: &str, rows: &[Vec<String>]) -> PathBuf {
    let file = dir.path().join(name);
    xlsx(&file, &HEADERS, rows);
    file
}

async fn count(app: &TestApp, code: &str) -> i64 {
    let p = projects::by_code(&app.db, &Scope::All, code)
        .await
        .expect("project");
    households::list(
        &app.db,
        &Scope::All,
        p.id,
        &HouseholdFilter::default(),
        1,
        0,
    )
    .await
    .expect("list")
    .1
}

#[tokio::test]
async fn a_commander_uploads_households_into_their_project() {
    let (app, _, commander) = fixture::spawn_as(Role::RelocationCommander).await;
    let link = format!("/relocation/import?project={PROJECT}");
    let (_, project_page) = commander
        .page(&format!("/relocation/projects/{PROJECT}"))
        .await;
    assert!(project_page.contains(&link), "{project_page}");
    let (status, form) = commander.page(&link).await;
    assert_eq!(status, 200);
    assert!(
        form.contains(&format!("value=\"{PROJECT}\" selected"))
            && !form.contains(OTHER_TOWN_PROJECT),
        "only the town's projects are offered, the linked one chosen: {form}"
    );

    let dir = tempfile::tempdir().expect("dir");
    let file = households_file(
        &dir,
        "households.xlsx",
        &[
            row("T-201", "王大明", "33018219650303001"),
            row("T-202", "王小明", "33018219900101001"),
        ],
    );
    let r = commander
        .upload(
            "/relocation/import",
            &[
                ("kind", "households"),
                ("project", PROJECT),
                ("mode", "atomic"),
            ],
            &file,
        )
        .await;
    assert_eq!(status_of(&r), 200);
    let page = r.text().await.expect("page");
    assert!(page.contains("新增 2") && page.contains("已写入"), "{page}");
    assert_eq!(count(&app, PROJECT).await, 4);
    assert_audit_intact(&app).await;

    let template = commander.get("/relocation/templates/households").await;
    assert_eq!(status_of(&template), 200);
    assert!(template.bytes().await.expect("body").starts_with(b"PK"));
}

#[tokio::test]
async fn another_towns_project_is_rejected_with_its_row_and_nothing_is_written() {
    let (app, _, commander) = fixture::spawn_as(Role::RelocationCommander).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("households.xlsx");
    let with_project =
        |project: &str, r: Vec<String>| std::iter::once(project.to_string()).chain(r).collect();
    let headers: Vec<&str> = std::iter::once("项目编号").chain(HEADERS).collect();
    xlsx(
        &file,
        &headers,
        &[
            with_project(PROJECT, row("T-201", "王大明", "33018219650303001")),
            with_project(
                OTHER_TOWN_PROJECT,
                row("D-201", "赵六", "33018219700505001"),
            ),
        ],
    );
    let r = commander
        .upload("/relocation/import", &[("kind", "households")], &file)
        .await;
    assert_eq!(status_of(&r), 200);
    let page = r.text().await.expect("page");
    assert!(
        page.contains("<td>3</td><td>项目编号</td>")
            && page.contains("项目不存在或不属于本镇")
            && page.contains("未写入任何数据"),
        "{page}"
    );
    assert_eq!(count(&app, PROJECT).await, 2, "nothing written");
    assert_eq!(count(&app, OTHER_TOWN_PROJECT).await, 1, "nothing written");

    // Choosing another town's project for a file without the column is refused outright.
    let bare = households_file(
        &dir,
        "bare.xlsx",
        &[row("D-202", "赵七", "33018219700505002")],
    );
    let r = commander
        .upload(
            "/relocation/import",
            &[("kind", "households"), ("project", OTHER_TOWN_PROJECT)],
            &bare,
        )
        .await;
    let page = r.text().await.expect("page");
    assert!(
        page.contains(&format!("项目不存在或不属于本镇：{OTHER_TOWN_PROJECT}")),
        "{page}"
    );
    assert_eq!(count(&app, OTHER_TOWN_PROJECT).await, 1);
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing() {
    let (app, _, commander) = fixture::spawn_as(Role::RelocationCommander).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = households_file(
        &dir,
        "households.xlsx",
        &[row("T-201", "王大明", "33018219650303001")],
    );
    let r = commander
        .upload(
            "/relocation/import",
            &[
                ("kind", "households"),
                ("project", PROJECT),
                ("mode", "dry_run"),
            ],
            &file,
        )
        .await;
    let page = r.text().await.expect("page");
    assert!(
        page.contains("新增 1") && page.contains("未写入任何数据"),
        "{page}"
    );
    assert_eq!(count(&app, PROJECT).await, 2);
}

#[tokio::test]
async fn staff_and_inspectors_may_not_upload() {
    let (app, _) = fixture::spawn().await;
    let dir = tempfile::tempdir().expect("dir");
    let file = households_file(
        &dir,
        "households.xlsx",
        &[row("T-201", "王大明", "33018219650303001")],
    );
    for role in [Role::RelocationStaff, Role::Inspector] {
        let s = app.login(role).await;
        assert_eq!(s.page("/relocation/import").await.0, 403, "{role:?}");
        let r = s
            .upload(
                "/relocation/import",
                &[("kind", "households"), ("project", PROJECT)],
                &file,
            )
            .await;
        assert_eq!(status_of(&r), 403, "{role:?}");
    }
    assert_eq!(count(&app, PROJECT).await, 2, "nothing written");
}
