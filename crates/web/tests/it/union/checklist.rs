//! The coverage checklist (清单消号) and the township ranking (排名通报).

use super::{assert_audit_intact, enterprise, seed, union, xinanjiang, yangxi};
use crate::support::{TestApp, assert_answers, committed};
use domain::platform::Role;
use domain::union::organisation::UnionKind;
use domain::union::township::Township;
use serde_json::Value;
use store::union::coverage;

#[tokio::test]
async fn the_checklist_ticks_off_when_a_union_is_founded() {
    let app = TestApp::spawn().await;
    seed(&app.db).await;
    let must = enterprise(&app.db, 1, xinanjiang(), 150, true).await;
    // Not on the checklist: too small, or not provincially registered.
    enterprise(&app.db, 2, xinanjiang(), 60, true).await;
    enterprise(&app.db, 3, xinanjiang(), 300, false).await;

    let staff = app.login(Role::UnionStaff).await;
    let (status, body) = staff
        .page("/api/v1/union/townships/330182001/checklist")
        .await;
    assert_eq!(status, 200);
    let json: Value = serde_json::from_str(&body).expect("json");
    let open = json["outstanding"].as_array().expect("list");
    assert_eq!(open.len(), 1, "{json}");
    assert_eq!(open[0]["id"], must);
    let (_, page) = staff.page("/union/townships/330182001").await;
    assert!(
        page.contains("测试企业1有限公司"),
        "the page lists the open line"
    );

    staff
        .submit(
            &format!("/union/enterprises/{must}/found"),
            &[
                ("name", "测试企业1有限公司工会委员会"),
                ("founded_on", "2019-06-01"),
            ],
        )
        .await;

    let (_, body) = staff
        .page("/api/v1/union/townships/330182001/checklist")
        .await;
    let json: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(
        json["outstanding"].as_array().map(Vec::len),
        Some(0),
        "{json}"
    );
    let (_, page) = staff.page("/union/townships/330182001?year=2019").await;
    assert!(page.contains("清单已全部消号"));
    let line = coverage::township_line(&app.db, xinanjiang(), 2019)
        .await
        .expect("line");
    assert_eq!((line.must_total, line.must_covered), (1, 1));
    assert_eq!(line.unions_founded_in_year, 1);
    assert_eq!(line.sizeable_founded_in_year, 1);
    assert_audit_intact(&app.db).await;
}

#[tokio::test]
async fn founding_a_second_union_for_a_covered_enterprise_is_refused() {
    let app = TestApp::spawn().await;
    seed(&app.db).await;
    let e = enterprise(&app.db, 1, xinanjiang(), 150, true).await;
    let staff = app.login(Role::UnionStaff).await;
    let found = [("name", "甲工会"), ("founded_on", "2019-06-01")];
    staff
        .submit(&format!("/union/enterprises/{e}/found"), &found)
        .await;
    let again = [("name", "乙工会"), ("founded_on", "2019-07-01")];
    let r = staff
        .post(&format!("/union/enterprises/{e}/found"), &again)
        .await;
    assert_answers(r, 422, "已有工会").await;
}

#[tokio::test]
async fn the_ranking_orders_by_must_rate_then_all_rate_then_new_unions() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let meicheng = Township::parse("梅城镇").expect("township");
    let meicheng_fed = union(
        &app.db,
        "梅城镇总工会",
        UnionKind::TownshipFederation,
        Some(s.city),
        Some(meicheng),
        "1996-01-01",
    )
    .await;
    let cover = |fed, t, name: &'static str, e: i64, founded: &'static str| {
        let db = app.db.clone();
        async move {
            let u = union(
                &db,
                name,
                UnionKind::EnterpriseUnion,
                Some(fed),
                Some(t),
                founded,
            )
            .await;
            committed(&db, async |tx| {
                store::union::organisations::cover_enterprise(
                    tx,
                    "test",
                    store::union::Scope::City,
                    e,
                    u.id,
                )
                .await
            })
            .await
            .expect("cover");
        }
    };
    // 新安江街道: one of two "must" enterprises covered → 50%: last.
    let a1 = enterprise(&app.db, 1, xinanjiang(), 200, true).await;
    enterprise(&app.db, 2, xinanjiang(), 120, true).await;
    cover(s.xin, xinanjiang(), "甲工会", a1, "2018-03-01").await;
    // 洋溪街道: its "must" enterprise covered (100%), but only one of two enterprises → 50%.
    let b1 = enterprise(&app.db, 3, yangxi(), 150, true).await;
    enterprise(&app.db, 4, yangxi(), 20, false).await;
    cover(s.yang, yangxi(), "乙工会", b1, "2018-03-01").await;
    // 梅城镇: nothing it must cover, everything covered, two new unions in 2019: first.
    let c1 = enterprise(&app.db, 5, meicheng, 30, false).await;
    let c2 = enterprise(&app.db, 6, meicheng, 40, false).await;
    cover(meicheng_fed, meicheng, "丙工会", c1, "2019-04-01").await;
    cover(meicheng_fed, meicheng, "丁工会", c2, "2019-05-01").await;

    let inspector = app.login(Role::Inspector).await;
    let (status, body) = inspector.page("/api/v1/union/ranking?year=2019").await;
    assert_eq!(status, 200);
    let json: Value = serde_json::from_str(&body).expect("json");
    let ranking = json["ranking"].as_array().expect("ranking");
    assert_eq!(ranking.len(), 16);
    let rank_of = |name: &str| {
        ranking
            .iter()
            .find(|r| r["coverage"]["township"] == name)
            .and_then(|r| r["rank"].as_u64())
            .expect("listed")
    };
    assert_eq!(rank_of("梅城镇"), 1);
    // The 13 townships with no enterprises tie (nothing is missing there).
    assert_eq!(rank_of("三都镇"), 2);
    assert_eq!(rank_of("钦堂乡"), 2);
    assert_eq!(rank_of("洋溪街道"), 15);
    assert_eq!(rank_of("新安江街道"), 16);
    assert_eq!(ranking[0]["coverage"]["township"], "梅城镇");
    assert_eq!(ranking[15]["coverage"]["township"], "新安江街道");

    // The same order on the page, the circular and in Excel.
    let (_, page) = inspector.page("/union/ranking?year=2019").await;
    let pos = |s: &str| page.find(s).expect("on the page");
    assert!(pos("梅城镇") < pos("洋溪街道") && pos("洋溪街道") < pos("新安江街道"));
    let (status, circular) = inspector.page("/union/ranking/circular?year=2019").await;
    assert_eq!(status, 200);
    assert!(
        circular.contains("梅城镇排名第一"),
        "the circular names the first"
    );
    let xlsx = inspector.get("/union/ranking.xlsx?year=2019").await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
}

#[tokio::test]
async fn changing_the_rule_changes_the_checklist() {
    let app = TestApp::spawn().await;
    seed(&app.db).await;
    enterprise(&app.db, 1, xinanjiang(), 300, false).await;
    assert!(
        coverage::checklist(&app.db, xinanjiang())
            .await
            .expect("list")
            .is_empty()
    );
    let admin = app.login(Role::UnionAdmin).await;
    let rule = [
        ("must_min_headcount", "100"),
        ("must_require_provincial", "no"),
        ("tracked_min_headcount", "50"),
    ];
    admin.submit("/union/settings/rule", &rule).await;
    assert_eq!(
        coverage::checklist(&app.db, xinanjiang())
            .await
            .expect("list")
            .len(),
        1
    );
    // Township staff may not change the rule (403: the role is not allowed).
    let staff = app.login(Role::UnionStaff).await;
    assert_eq!(
        staff.post("/union/settings/rule", &rule).await.status(),
        403
    );
    assert_audit_intact(&app.db).await;
}
