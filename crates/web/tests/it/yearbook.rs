//! The yearbook over HTTP: each role gets the offices it works in, scoped to its township
//! or town; the page draws its charts and prints; Excel and JSON carry the same figures.

use crate::relocation::fixture;
use crate::support::committed;
use crate::union::{seed, union, xinanjiang, yangxi};
use chrono::NaiveDate;
use domain::platform::{ResidentId, Role};
use domain::union::organisation::UnionKind;
use serde_json::Value;
use store::union::Scope;
use store::union::members::{self, NewMember};

/// Two relocation projects of 2019 (three households, two in 杨村桥镇) from the relocation
/// fixture, and one member who joined in 2019 in each of 新安江街道 and 洋溪街道.
async fn arrange() -> crate::support::TestApp {
    let (app, _) = fixture::spawn().await;
    let s = seed(&app.db).await;
    let own = union(
        &app.db,
        "新安江甲工会",
        UnionKind::JointUnion,
        Some(s.xin),
        Some(xinanjiang()),
        "2019-02-01",
    )
    .await;
    let other = union(
        &app.db,
        "洋溪乙工会",
        UnionKind::JointUnion,
        Some(s.yang),
        Some(yangxi()),
        "2018-01-01",
    )
    .await;
    let joined = NaiveDate::from_ymd_opt(2019, 3, 5).expect("date");
    let add = |id: &str, union_id: i64| NewMember {
        resident_id: ResidentId::parse(id).expect("id"),
        name: "会员".into(),
        mobile: None,
        union_id,
        joined_on: joined,
        migrant_worker: false,
    };
    let (a, b) = (
        add("11010519491231002X", own.id),
        add("440524188001010014", other.id),
    );
    committed(&app.db, async |tx| {
        members::add(tx, "test", Scope::City, &a).await?;
        members::add(tx, "test", Scope::City, &b).await
    })
    .await
    .expect("members");
    app
}

async fn json(s: &crate::support::Session, path: &str) -> Value {
    let r = s.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.expect("json")
}

#[tokio::test]
async fn each_role_reads_the_yearbook_of_the_offices_it_works_in() {
    let app = arrange().await;
    const API: &str = "/api/v1/reports/annual?year=2019";

    let inspector = app.login(Role::Inspector).await;
    let all = json(&inspector, API).await;
    assert_eq!(all["year"], 2019);
    assert_eq!(all["union"]["new_members"], 2);
    assert_eq!(all["union"]["new_unions"], 1);
    assert_eq!(all["relocation"]["expropriation_projects"], 2);
    assert_eq!(all["relocation"]["households_expropriated"], 3);
    assert_eq!(all["relocation"]["land_acquired_mu"], 24);
    assert_eq!(all["union"]["wage_contracts"]["rate"], 1.0);
    // 2020 has none of it.
    let later = json(&inspector, "/api/v1/reports/annual?year=2020").await;
    assert_eq!(later["union"]["new_members"], 0);
    assert_eq!(later["relocation"]["households_expropriated"], 0);
    // A city-wide reader narrows by township and town.
    let narrowed = json(
        &inspector,
        &format!("{API}&township={}&town=杨村桥镇", yangxi().code()),
    )
    .await;
    assert_eq!(narrowed["union"]["new_members"], 1);
    assert_eq!(narrowed["union"]["new_unions"], 0);
    assert_eq!(narrowed["relocation"]["households_expropriated"], 2);

    // Township staff: their township's union figures, no relocation, whatever they ask.
    let staff = app.login(Role::UnionStaff).await;
    let own = json(&staff, &format!("{API}&township={}", yangxi().code())).await;
    assert_eq!(own["union"]["new_members"], 1);
    assert_eq!(own["union"]["new_unions"], 1);
    assert!(own["relocation"].is_null());

    // The commander and a working group: their town's projects, no union figures.
    for role in [Role::RelocationCommander, Role::RelocationStaff] {
        let s = app.login(role).await;
        let town = json(&s, &format!("{API}&town=某某镇")).await;
        assert!(town["union"].is_null(), "{role:?}");
        assert_eq!(town["relocation"]["expropriation_projects"], 1, "{role:?}");
        assert_eq!(town["relocation"]["households_expropriated"], 2, "{role:?}");
    }

    // Members have no yearbook; a year that is not one is refused in Chinese.
    let member = app.login(Role::Member).await;
    assert_eq!(member.get(API).await.status(), 403);
    assert_eq!(member.get("/reports/annual").await.status(), 403);
    let r = inspector.get("/api/v1/reports/annual?year=abc").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap_or_default().contains("年份不正确"));
}

#[tokio::test]
async fn the_page_draws_each_office_with_charts_and_exports_to_excel() {
    let app = arrange().await;
    let inspector = app.login(Role::Inspector).await;
    let (status, page) = inspector.page("/reports/annual?year=2019").await;
    assert_eq!(status, 200);
    assert!(page.contains("2019年度工作年鉴数据"), "{page}");
    assert!(page.contains("工会工作") && page.contains("征收安置工作"));
    assert!(page.matches("<svg").count() >= 4, "charts");
    assert!(page.contains("data-key=\"new_members\""));
    assert!(page.contains("新增会员2人"), "the paragraph");
    assert!(page.contains("data-print"), "a print button");
    assert!(!page.contains("<script>"), "no inline script");

    let staff = app.login(Role::UnionStaff).await;
    let (_, own) = staff.page("/reports/annual?year=2019").await;
    assert!(own.contains("新安江街道新建工会1家"), "{own}");
    assert!(!own.contains("征收安置工作"));
    assert!(
        !own.contains("name=\"township\""),
        "no township filter for township staff"
    );

    let r = inspector.get("/reports/annual.xlsx?year=2019").await;
    assert_eq!(r.status(), 200);
    let ty = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(ty.contains("spreadsheetml"), "{ty}");
    let bytes = r.bytes().await.expect("body");
    assert!(bytes.starts_with(b"PK"));
}
