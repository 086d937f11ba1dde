//! Facilities, collective contracts, assessments and leader talks: the imports with a bad
//! row, export → re-import, and the pages by role with township scoping.

use super::{assert_audit_intact, code, enterprise, import, seed, xinanjiang, xlsx, yangxi};
use ::imports::ImportOptions;
use store::union::Scope;
use store::union::contracts::{self, ContractFilter};
use store::union::facilities::{self, FacilityFilter};

const CONTRACT_HEADERS: [&str; 6] = [
    "统一社会信用代码",
    "单位名称",
    "合同类型",
    "签订日期",
    "到期日期",
    "示范单位年度",
];

const FACILITY_HEADERS: [&str; 10] = [
    "阵地名称",
    "阵地类型",
    "所属乡镇",
    "所属工会",
    "面积（平方米）",
    "投资额（元）",
    "建设状态",
    "状态日期",
    "获评年度",
    "获评级别",
];

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

async fn fresh() -> (tempfile::TempDir, store::Db) {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    (dir, db)
}

#[tokio::test]
async fn a_contract_file_with_a_bad_row_writes_nothing_and_names_the_row() {
    let (dir, db) = fresh().await;
    enterprise(&db, 1, xinanjiang(), 150, true).await;
    enterprise(&db, 2, xinanjiang(), 80, false).await;
    let path = dir.path().join("c.xlsx");
    let (c1, c2) = (code(1), code(2));
    xlsx(
        &path,
        &CONTRACT_HEADERS,
        &[
            row(&[
                &c1,
                "",
                "工资专项集体合同",
                "2019-03-01",
                "2022-02-28",
                "2019",
            ]),
            row(&[&c2, "", "工资专项合同", "2019-05-01", "2019-04-01", ""]),
            row(&[
                &code(3),
                "",
                "综合性集体合同",
                "2019-05-01",
                "2020-04-01",
                "",
            ]),
        ],
    );
    let report = import(&db, "contracts", &path, ImportOptions::default()).await;
    assert!(!report.written);
    assert_eq!(report.rejected_rows, 2);
    let rows: Vec<_> = report
        .invalid
        .iter()
        .map(|e| (e.row, e.column.clone()))
        .collect();
    assert_eq!(
        rows,
        [
            (3, "到期日期".to_string()),
            (4, "统一社会信用代码".to_string())
        ]
    );
    let none = contracts::list(&db, Scope::City, &ContractFilter::default(), 10, 0)
        .await
        .expect("list");
    assert_eq!(none.1, 0);

    // The good rows alone import; the same file again updates; export re-imports as is.
    xlsx(
        &path,
        &CONTRACT_HEADERS,
        &[row(&[
            &c1,
            "",
            "工资专项集体合同",
            "2019-03-01",
            "2022-02-28",
            "2019",
        ])],
    );
    let report = import(&db, "contracts", &path, ImportOptions::default()).await;
    assert_eq!((report.imported, report.updated), (1, 0));
    let report = import(&db, "contracts", &path, ImportOptions::default()).await;
    assert_eq!((report.imported, report.updated), (0, 1));
    let f = contracts::year_figures(&db, 2019, Scope::City)
        .await
        .expect("figures");
    assert_eq!((f.must_with_valid_contract, f.demonstration_units), (1, 1));
    let out = dir.path().join("export.xlsx");
    assert_eq!(crate::support::export_file(&db, "contracts", &out).await, 1);
    let again = import(&db, "contracts", &out, ImportOptions::default()).await;
    assert_eq!((again.imported, again.updated), (0, 1));
    assert_audit_intact(&db).await;
}

/// A workers' home of 新安江街道 awarded at Hangzhou level in 2019.
const HOME: [&str; 10] = [
    "新安江职工之家",
    "职工之家",
    "新安江街道",
    "新安江街道总工会",
    "120.5",
    "150000",
    "已开放",
    "2018-06-01",
    "2019",
    "杭州市级",
];

/// A care station of 洋溪街道 in `status` since `since`, with an award (`year`, `level`)
/// if given.
fn station(status: &str, since: &str, year: &str, level: &str) -> Vec<String> {
    row(&[
        "洋溪爱心驿站",
        "爱心驿站",
        "洋溪街道",
        "",
        "30",
        "20000",
        status,
        since,
        year,
        level,
    ])
}

#[tokio::test]
async fn a_facility_file_is_checked_row_by_row_and_reimports() {
    let (dir, db) = fresh().await;
    seed(&db).await;
    let path = dir.path().join("f.xlsx");
    let mut bad = row(&HOME);
    bad[..3].clone_from_slice(&row(&["某小屋", "小屋", "新安江街道"]));
    bad[4] = "10.123".into();
    // A care station cannot be an advanced workers' home; the third row is unreadable.
    let rows = [
        row(&HOME),
        station("在建", "2019-02-01", "2019", "建德市级"),
        bad,
    ];
    xlsx(&path, &FACILITY_HEADERS, &rows);
    let report = import(&db, "facilities", &path, ImportOptions::default()).await;
    assert!(!report.written);
    let cols: Vec<_> = report
        .invalid
        .iter()
        .map(|e| (e.row, e.column.clone()))
        .collect();
    assert!(cols.contains(&(3, "获评级别".to_string())), "{cols:?}");
    assert!(cols.contains(&(4, "阵地类型".to_string())), "{cols:?}");
    assert!(
        cols.contains(&(4, "面积（平方米）".to_string())),
        "{cols:?}"
    );
    let none = facilities::list(&db, Scope::City, &FacilityFilter::default(), 10, 0).await;
    assert_eq!(none.expect("list").1, 0);

    let rows = [row(&HOME), station("在建", "2019-02-01", "", "")];
    xlsx(&path, &FACILITY_HEADERS, &rows);
    let report = import(&db, "facilities", &path, ImportOptions::default()).await;
    assert_eq!(report.imported, 2, "{:?}", report.invalid);
    let f = facilities::year_figures(&db, 2019, Scope::City)
        .await
        .expect("figures");
    assert_eq!(f.hangzhou_advanced_homes, 1);
    // A status step the rules refuse is a row error: 在建 → 规划中.
    xlsx(
        &path,
        &FACILITY_HEADERS,
        &[station("规划中", "2019-05-01", "", "")],
    );
    let report = import(&db, "facilities", &path, ImportOptions::default()).await;
    assert_eq!(
        report.invalid.first().map(|e| e.column.as_str()),
        Some("建设状态")
    );
    let out = dir.path().join("export.xlsx");
    assert_eq!(
        crate::support::export_file(&db, "facilities", &out).await,
        2
    );
    let again = import(&db, "facilities", &out, ImportOptions::default()).await;
    assert_eq!(
        (again.imported, again.updated),
        (0, 2),
        "{:?}",
        again.invalid
    );
    let yang = Scope::Township(yangxi());
    let (mine, _) = facilities::list(&db, yang, &FacilityFilter::default(), 10, 0)
        .await
        .expect("list");
    assert_eq!(mine.len(), 1);
    assert_audit_intact(&db).await;
}

/// A form post: path, fields, the status expected.
type Post<'a> = (String, Vec<(&'a str, &'a str)>, u16);

/// Two facilities, two talks and contracts/assessments of an enterprise in each of
/// 新安江街道 (the staff account's) and 洋溪街道.
struct Arranged {
    own_f: i64,
    other_f: i64,
    own_talk: i64,
    other_talk: i64,
    other_e: i64,
    other_contract: i64,
}

async fn arrange(app: &crate::support::TestApp) -> Arranged {
    use chrono::{Datelike, NaiveDate};
    use domain::platform::{Fen, SquareMetres};
    use domain::union::assessment::ResponsibilityScores;
    use domain::union::facility::{FacilityKind, FacilityStatus};
    use domain::union::wage::ContractKind;
    use store::union::{oversight, responsibility};
    let own_e = enterprise(&app.db, 1, xinanjiang(), 150, true).await;
    let other_e = enterprise(&app.db, 2, yangxi(), 150, true).await;
    let d = |m| NaiveDate::from_ymd_opt(2019, m, 1).expect("day");
    let home = |t, name: &str| facilities::FacilityInput {
        name: name.into(),
        kind: FacilityKind::WorkersHome,
        township: t,
        union_id: None,
        area: SquareMetres(10_000),
        investment: Fen(100_000),
    };
    let talk = |t| oversight::TalkInput {
        township: t,
        held_on: d(5),
        leaders: "市总工会主席".into(),
        township_people: "分管领导".into(),
        agreed: "限期消号".into(),
        follow_up: String::new(),
        follow_up_done_on: None,
    };
    crate::support::committed(&app.db, async |tx| {
        let own_f = facilities::create(
            tx,
            "t",
            Scope::City,
            &home(xinanjiang(), "本乡职工之家"),
            FacilityStatus::Open,
            d(1),
        )
        .await?;
        let other_f = facilities::create(
            tx,
            "t",
            Scope::City,
            &home(yangxi(), "外乡职工之家"),
            FacilityStatus::Open,
            d(1),
        )
        .await?;
        let own_talk = oversight::create_talk(tx, "t", Scope::City, &talk(xinanjiang())).await?;
        let other_talk = oversight::create_talk(tx, "t", Scope::City, &talk(yangxi())).await?;
        let c = contracts::contract(
            ContractKind::WageSpecific,
            d(1),
            d(12).with_year(2020).expect("2020"),
        )
        .expect("contract");
        contracts::record(tx, "t", Scope::City, own_e, &c).await?;
        let other_contract = contracts::record(tx, "t", Scope::City, other_e, &c).await?;
        let s = ResponsibilityScores::new(90, 90, 90, 90).expect("scores");
        responsibility::record(tx, "t", Scope::City, own_e, 2019, &s, "本乡").await?;
        responsibility::record(tx, "t", Scope::City, other_e, 2019, &s, "外乡").await?;
        Ok(Arranged {
            own_f,
            other_f,
            own_talk,
            other_talk,
            other_e,
            other_contract,
        })
    })
    .await
    .expect("arranged")
}

#[tokio::test]
async fn township_staff_see_and_change_only_their_townships_facilities_contracts_and_talks() {
    use domain::platform::Role;
    let app = crate::support::TestApp::spawn().await;
    let a = arrange(&app).await;
    let staff = app.login(Role::UnionStaff).await;
    for path in [
        format!("/union/facilities/{}", a.other_f),
        format!("/union/talks/{}", a.other_talk),
        format!("/union/enterprises/{}/responsibility", a.other_e),
    ] {
        assert_eq!(staff.page(&path).await.0, 404, "{path}");
    }
    for (path, own, other) in [
        ("/union/facilities", "本乡职工之家", "外乡职工之家"),
        ("/union/talks?year=2019", "新安江街道", "洋溪街道"),
        ("/union/responsibility?year=2019", "本乡", "外乡"),
        ("/union/contracts?year=2019", "测试企业1", "测试企业2"),
    ] {
        let (status, body) = staff.page(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(own) && !body.contains(other), "{path}");
    }
    // The talks' export holds the staff's township only, for the year asked.
    let r = staff.get("/union/talks.xlsx?year=2019").await;
    let talks = crate::support::downloaded_rows(r, &["约谈日期", "乡镇（街道）"]).await;
    assert!(!talks.is_empty(), "the own township's talks");
    assert!(talks.iter().all(|t| t[1] == "新安江街道"), "{talks:?}");
    let r = staff.get("/union/talks.xlsx?year=2018").await;
    assert!(
        crate::support::downloaded_rows(r, &["约谈日期"])
            .await
            .is_empty()
    );
    let (_, own) = staff.page(&format!("/union/facilities/{}", a.own_f)).await;
    assert!(own.contains("状态变更记录"));
    // Changes outside the township are "not found" and change nothing; their own work.
    let other_code = code(2);
    let posts: [Post; 6] = [
        (
            format!("/union/facilities/{}/status", a.other_f),
            vec![("status", "改造中"), ("since", "2019-06-01")],
            404,
        ),
        (
            format!("/union/contracts/{}/delete", a.other_contract),
            vec![],
            404,
        ),
        (
            format!("/union/talks/{}", a.other_talk),
            vec![
                ("township", "330182002"),
                ("held_on", "2019-05-01"),
                ("leaders", "x"),
                ("agreed", "y"),
            ],
            404,
        ),
        (
            "/union/contracts".to_string(),
            vec![
                ("credit_code", &other_code),
                ("kind", "工资专项集体合同"),
                ("signed_on", "2019-02-01"),
                ("expires_on", "2020-01-31"),
            ],
            404,
        ),
        (
            format!("/union/talks/{}", a.own_talk),
            vec![
                ("township", "330182001"),
                ("held_on", "2019-05-01"),
                ("leaders", "市总工会主席"),
                ("agreed", "限期消号"),
                ("follow_up", "已完成"),
                ("follow_up_done_on", "2019-08-01"),
            ],
            303,
        ),
        (
            format!("/union/facilities/{}/status", a.own_f),
            vec![("status", "改造中"), ("since", "2019-06-01")],
            303,
        ),
    ];
    for (path, fields, status) in &posts {
        let r = staff.post(path, fields).await;
        assert_eq!(r.status().as_u16(), *status, "{path}");
    }
    let f = facilities::get(&app.db, Scope::City, a.own_f)
        .await
        .expect("own");
    assert_eq!(f.status.code(), "renovating");
    assert_eq!(
        facilities::get(&app.db, Scope::City, a.other_f)
            .await
            .expect("other")
            .status
            .code(),
        "open"
    );
    // A status step the rules refuse is a 422 with the reason.
    let r = staff
        .post(
            &format!("/union/facilities/{}/status", a.own_f),
            &[("status", "规划中"), ("since", "2019-07-01")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_audit_intact(&app.db).await;
}

#[tokio::test]
async fn only_the_city_sets_the_weights_and_inspectors_only_read() {
    use domain::platform::Role;
    let app = crate::support::TestApp::spawn().await;
    arrange(&app).await;
    let weights = [
        ("must_rate", "50"),
        ("tracked_rate", "30"),
        ("all_rate", "20"),
    ];
    let staff = app.login(Role::UnionStaff).await;
    let inspector = app.login(Role::Inspector).await;
    let refused = [
        (&staff, "/union/assessment/weights", &weights[..]),
        (&staff, "/union/talks", &[("township", "330182001")][..]),
        (&inspector, "/union/assessment/weights", &weights[..]),
        (&inspector, "/union/facilities", &[("name", "x")][..]),
    ];
    for (who, path, fields) in refused {
        assert_eq!(who.post(path, fields).await.status(), 403, "{path}");
    }
    for path in [
        "/union/assessment?year=2019",
        "/union/facilities",
        "/union/contracts",
        "/union/talks",
        "/union/responsibility",
        "/union/ranking?year=2019",
    ] {
        assert_eq!(inspector.page(path).await.0, 200, "{path}");
    }
    let before = store::union::oversight::weights(&app.db)
        .await
        .expect("weights");
    let city = app.login(Role::UnionAdmin).await;
    let bad = [
        ("must_rate", "50"),
        ("tracked_rate", "30"),
        ("all_rate", "10"),
    ];
    assert_eq!(
        city.post("/union/assessment/weights", &bad).await.status(),
        422
    );
    assert_eq!(
        store::union::oversight::weights(&app.db)
            .await
            .expect("weights"),
        before
    );
    city.submit("/union/assessment/weights", &weights).await;
    let after = store::union::oversight::weights(&app.db)
        .await
        .expect("weights");
    assert_eq!(
        (after.must_rate, after.tracked_rate, after.all_rate),
        (5_000, 3_000, 2_000)
    );
    let (_, ranking) = city.page("/union/ranking?year=2019").await;
    assert!(ranking.contains("考核得分") && ranking.contains("工资集体合同签订率"));
    // 新安江街道's one "must" enterprise has a valid contract: 100%; 洋溪街道's too.
    assert!(ranking.contains("100.0%"), "{ranking}");
    let (_, page) = city.page("/union/assessment?year=2019").await;
    // 新安江街道: must 0/1, tracked none, all 0/1 → 30.00 under 50/30/20.
    assert!(page.contains("30.00"), "{page}");
    let (status, _) = city.page("/union/facilities.xlsx").await;
    assert_eq!(status, 200);
    assert_eq!(city.page("/union/contracts.xlsx?year=2019").await.0, 200);
    assert_eq!(
        city.page("/union/responsibility.xlsx?year=2019").await.0,
        200
    );
    // The figures API, in each caller's scope.
    let figures = async |s: &crate::support::Session| {
        let (status, body) = s.page("/api/v1/union/rights/figures?year=2019").await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<serde_json::Value>(&body).expect("json")
    };
    let all = figures(&city).await;
    assert_eq!(all["contracts"]["must_with_valid_contract"], 2);
    assert_eq!(all["contracts"]["signing_rate_bp"], 10_000);
    assert_eq!(figures(&staff).await["contracts"]["must_enterprises"], 1);
    assert_audit_intact(&app.db).await;
}
