//! The fairness of flat choosing through HTTP: the published order recomputed from its
//! JSON alone, the commit-reveal seed, the hall's API with its refusals, absences,
//! voiding, and many staff taking one flat at once (exactly one wins).

use super::fixture::{self, OTHER_TOWN_PROJECT, PROJECT};
use super::status_of;
use crate::support::{Session, TestApp, committed};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use domain::platform::time::{shanghai, today_local};
use domain::platform::{ResidentId, Role, SquareMetres};
use domain::relocation::{
    CompensationOption, FlatKind, HeadId, HouseholdKind, Milestone, Residence,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use store::relocation::flats::{self, FlatPlace};
use store::relocation::households::{self, HouseholdFields};
use store::relocation::{Scope, members, milestones, projects};

const SEED: &str = "公证处现场抽取-2019-06-20";

fn hex_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `days` ago at `hour`:00 in Shanghai.
fn at(days: u64, hour: u32) -> (NaiveDate, DateTime<Utc>) {
    let on = today_local() - Days::new(days);
    let local = on.and_hms_opt(hour, 0, 0).expect("time");
    let t = shanghai()
        .from_local_datetime(&local)
        .single()
        .expect("instant")
        .with_timezone(&Utc);
    (on, t)
}

/// Households of the fixture's project (group 1), two members each (80 m² entitled):
/// (code, option, signed (days ago, hour), vacated (days ago, hour, recorded days later)).
/// (code, option, signed, vacated) of a test household.
type Plan = (
    &'static str,
    CompensationOption,
    Option<(u64, u32)>,
    Option<(u64, u32, u64)>,
);

const HOUSEHOLDS: [Plan; 6] = [
    (
        "H-01",
        CompensationOption::Exchange,
        Some((10, 9)),
        Some((9, 10, 0)),
    ),
    (
        "H-02",
        CompensationOption::Exchange,
        Some((10, 8)),
        Some((9, 10, 0)),
    ),
    (
        "H-03",
        CompensationOption::Exchange,
        Some((10, 8)),
        Some((9, 10, 0)),
    ),
    // Vacated on day 9 but entered two days later: counts at the end of day 9.
    (
        "H-04",
        CompensationOption::Exchange,
        Some((10, 7)),
        Some((9, 12, 2)),
    ),
    (
        "H-05",
        CompensationOption::Cash,
        Some((10, 6)),
        Some((9, 9, 0)),
    ),
    ("H-06", CompensationOption::Exchange, Some((10, 6)), None),
];

/// Flats: two within 80 m², two beyond; a storeroom and a parking space.
const FLATS: [(&str, FlatKind, i64); 6] = [
    ("1-1-101", FlatKind::Flat, 7_536),
    ("1-1-102", FlatKind::Flat, 9_648),
    ("1-1-201", FlatKind::Flat, 11_846),
    ("1-1-202", FlatKind::Flat, 7_500),
    ("储-001", FlatKind::Storeroom, 1_250),
    ("车-001", FlatKind::Parking, 1_380),
];

/// The fixture plus the households and flats above.
async fn arrange(app: &TestApp) -> i64 {
    let f = fixture::fill(&app.db).await;
    committed(&app.db, async |tx| {
        let p = projects::by_id(&mut *tx, f.project_id).await?;
        for (i, (code, option, signed, vacated)) in HOUSEHOLDS.iter().enumerate() {
            let id17 = format!("3301821980{:02}1010{}", i + 1, i + 1);
            let rid = fixture::resident_id(&id17[..17]);
            let fields = HouseholdFields {
                code: (*code).into(),
                kind: HouseholdKind::Residential,
                head_name: format!("王{}宝", ["一", "二", "三", "四", "五", "六"][i]),
                head_id: HeadId::parse(HouseholdKind::Residential, &rid).expect("id"),
                mobile: None,
                village: "绪塘村".into(),
                village_group: "1组".into(),
                residence: Residence::parse("本镇", "杨村桥镇"),
            };
            let (id, _) = households::upsert(tx, "test", &p, &fields).await?;
            households::assign(tx, "test", &Scope::All, id, Some(1), None).await?;
            let spouse = fixture::resident_id(&format!("33018219850501{:02}0", i + 10));
            for (name, r, rel) in [
                (&fields.head_name, rid.clone(), "户主"),
                (&"李某".to_string(), spouse, "配偶"),
            ] {
                let r = ResidentId::parse(&r).expect("member id");
                members::upsert(tx, "test", &Scope::All, id, name, &r, rel).await?;
            }
            if let Some((days, hour)) = signed {
                let (on, t) = at(*days, *hour);
                milestones::record(
                    tx,
                    "test",
                    &Scope::All,
                    id,
                    Milestone::Signed,
                    on,
                    t,
                    *option,
                )
                .await?;
            }
            if let Some((days, hour, later)) = vacated {
                let (on, t) = at(*days, *hour);
                let recorded = t + chrono::Duration::days(i64::try_from(*later).unwrap_or(0));
                milestones::record(
                    tx,
                    "test",
                    &Scope::All,
                    id,
                    Milestone::Vacated,
                    on,
                    recorded,
                    *option,
                )
                .await?;
            }
        }
        for (code, kind, area) in FLATS {
            let place = FlatPlace {
                building: if kind == FlatKind::Flat {
                    "1幢"
                } else {
                    "地下室"
                }
                .into(),
                unit: "1单元".into(),
                floor: if kind == FlatKind::Flat { 1 } else { -1 },
                room: code.rsplit('-').next().unwrap_or(code).into(),
                layout: "测试户型".into(),
                area: SquareMetres(area),
                orientation: "南".into(),
            };
            flats::upsert(tx, "test", &Scope::All, f.project_id, code, kind, &place).await?;
        }
        Ok(())
    })
    .await
    .expect("arranged");
    f.project_id
}

async fn order_json(app: &TestApp) -> Value {
    let r = app
        .anonymous()
        .get(&format!("/public/relocation/{PROJECT}/choosing-order.json"))
        .await;
    assert_eq!(r.status(), 200);
    r.json().await.expect("json")
}

async fn commit_and_reveal(commander: &Session) {
    let hash = hex_sha256(SEED);
    assert_eq!(
        session_post(commander, "commit", &[("seed_sha256", &hash)]).await,
        303
    );
    // The wrong seed is refused; the committed one starts the session.
    assert_eq!(
        session_post(commander, "reveal", &[("seed", "another")]).await,
        422
    );
    assert_eq!(
        session_post(commander, "reveal", &[("seed", SEED)]).await,
        303
    );
}

/// The app over the fixture and the test households and flats, with the session
/// started by the commander: the project's id, the commander and the published order.
async fn started(app: &TestApp) -> (i64, Session, Vec<String>) {
    let project_id = arrange(app).await;
    let commander = app.login(Role::RelocationCommander).await;
    commit_and_reveal(&commander).await;
    (project_id, commander, codes(&order_json(app).await))
}

/// POSTs a choice through the JSON API with the session's cookie and CSRF header.
async fn api_choose(s: &Session, project: &str, body: Value) -> reqwest::Response {
    s.client
        .post(format!(
            "{}/api/v1/relocation/projects/{project}/choices",
            s.base
        ))
        .header("x-csrf-token", &s.csrf)
        .json(&body)
        .send()
        .await
        .expect("POST")
}

/// Chooses `flat` for `household` in the fixture's project through the API.
async fn choose(s: &Session, household: &str, flat: &str) -> reqwest::Response {
    let body = json!({"household_code": household, "flat_code": flat});
    api_choose(s, PROJECT, body).await
}

/// The status of a form post of the session page (`commit`, `reveal`, `absent`, `void`).
async fn session_post(s: &Session, action: &str, fields: &[(&str, &str)]) -> u16 {
    let path = format!("/relocation/projects/{PROJECT}/choosing/{action}");
    status_of(&s.post(&path, fields).await)
}

/// How many of `attempts`, sent at once, were accepted (201); every one answered 201,
/// 409 or 422.
async fn accepted_at_once(
    attempts: impl IntoIterator<Item = impl Future<Output = reqwest::Response>>,
) -> usize {
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(
        statuses.iter().all(|s| [201, 409, 422].contains(s)),
        "{statuses:?}"
    );
    statuses.iter().filter(|s| **s == 201).count()
}

fn codes(order: &Value) -> Vec<String> {
    order["order"]
        .as_array()
        .expect("order")
        .iter()
        .map(|o| o["household_code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn the_published_order_is_recomputed_from_its_json_alone() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    let commander = app.login(Role::RelocationCommander).await;

    // Before the commitment nothing is promised; cash and unvacated households have no place.
    let before = order_json(&app).await;
    assert_eq!(before["seed_sha256"], Value::Null);
    let mut listed = codes(&before);
    listed.sort();
    assert_eq!(listed, ["H-01", "H-02", "H-03", "H-04"]);

    let hash = hex_sha256(SEED);
    assert_eq!(
        session_post(&commander, "commit", &[("seed_sha256", &hash)]).await,
        303
    );
    let committed = order_json(&app).await;
    assert_eq!(committed["seed_sha256"], hex_sha256(SEED));
    assert_eq!(
        committed["seed"],
        Value::Null,
        "the seed stays secret until the start"
    );
    // A second commitment cannot replace the first.
    let other = hex_sha256("other");
    assert_eq!(
        session_post(&commander, "commit", &[("seed_sha256", &other)]).await,
        422
    );
    assert_eq!(
        session_post(&commander, "reveal", &[("seed", SEED)]).await,
        303
    );

    // Anyone can check: the seed matches its commitment, and sorting by the published
    // moments, then the lottery, gives the published positions.
    let published = order_json(&app).await;
    let seed = published["seed"].as_str().expect("seed revealed");
    assert_eq!(
        hex_sha256(seed),
        published["seed_sha256"].as_str().unwrap_or_default()
    );
    assert!(
        published["rule"]
            .as_str()
            .unwrap_or_default()
            .contains("先签约且腾空者先选房")
    );
    type Entry = (DateTime<Utc>, DateTime<Utc>, String, String, u64);
    let mut entries: Vec<Entry> = published["order"]
        .as_array()
        .expect("order")
        .iter()
        .map(|o| {
            let t = |k: &str| {
                DateTime::parse_from_rfc3339(o[k].as_str().unwrap_or_default())
                    .expect("RFC 3339")
                    .with_timezone(&Utc)
            };
            let code = o["household_code"].as_str().unwrap_or_default().to_string();
            (
                t("qualified_at"),
                t("signed_at"),
                hex_sha256(&format!("{seed}:{code}")),
                code,
                o["position"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    entries.sort();
    let recomputed: Vec<(String, u64)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.3.clone(), i as u64 + 1))
        .collect();
    let stated: Vec<(String, u64)> = entries.iter().map(|e| (e.3.clone(), e.4)).collect();
    assert_eq!(recomputed, stated);
    // H-02 and H-03 tie on both moments: the lottery decides; H-01 signed later; H-04's
    // vacating typed in two days later counts at the end of its day, so it comes last.
    let order = codes(&published);
    let (first, second) =
        if hex_sha256(&format!("{SEED}:H-02")) < hex_sha256(&format!("{SEED}:H-03")) {
            ("H-02", "H-03")
        } else {
            ("H-03", "H-02")
        };
    assert_eq!(order, [first, second, "H-01", "H-04"]);
    let last = &published["order"][3];
    let end_of_day = at(9, 0).0.and_hms_opt(15, 59, 59).expect("time").and_utc();
    assert_eq!(
        last["qualified_at"],
        end_of_day.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    );

    // The public page shows masked names only, the commitment and the seed.
    let body = fixture::public_page(&app, "/choosing-order").await;
    assert!(body.contains("王*宝") && !body.contains("王一宝"), "{body}");
    assert!(body.contains(&hex_sha256(SEED)) && body.contains(SEED));
    super::assert_audit_intact(&app).await;
}

#[tokio::test]
async fn the_hall_records_choices_in_turn_within_entitlement_and_scope() {
    let app = TestApp::spawn().await;
    let project_id = arrange(&app).await;
    let commander = app.login(Role::RelocationCommander).await;
    let staff = app.login(Role::RelocationStaff).await;

    // Before the session starts nothing can be chosen.
    assert_eq!(choose(&staff, "H-01", "1-1-101").await.status(), 422);
    commit_and_reveal(&commander).await;
    let order = codes(&order_json(&app).await);

    // Out of turn: 422 naming whose turn it is.
    let r = choose(&staff, &order[1], "1-1-101").await;
    fixture::assert_refused(r, &order[0]).await;
    // Beyond the entitlement (96.48 m² against 80) without accepting the difference: 422.
    let r = choose(&staff, &order[0], "1-1-102").await;
    fixture::assert_refused(r, "超出应安置面积").await;
    // A storeroom is not a flat.
    assert_eq!(choose(&staff, &order[0], "储-001").await.status(), 422);
    // Outside the caller's scope: 403; an inspector may not record at all.
    let r = api_choose(
        &staff,
        OTHER_TOWN_PROJECT,
        json!({"household_code": "D-001", "flat_code": "x"}),
    )
    .await;
    assert_eq!(r.status(), 403);
    let inspector = app.login(Role::Inspector).await;
    assert_eq!(choose(&inspector, &order[0], "1-1-101").await.status(), 403);

    // Accepted: 16.48 m² beyond at ¥3,500 = ¥57,680.00, with a storeroom.
    let r = api_choose(
        &staff,
        PROJECT,
        json!({"household_code": order[0], "flat_code": "1-1-102", "storeroom_code": "储-001",
               "accept_price_difference": true}),
    )
    .await;
    assert_eq!(r.status(), 201);
    let c: Value = r.json().await.expect("choice");
    assert_eq!(c["flat_code"], "1-1-102");
    assert_eq!(c["storeroom_code"], "储-001");
    assert_eq!(c["price_difference_fen"], 5_768_000);
    assert_eq!(c["entitlement_area"], json!(80.0));

    // The flat is taken: 409 for the next household.
    assert_eq!(choose(&staff, &order[1], "1-1-102").await.status(), 409);
    let listed: Value = staff
        .get(&format!(
            "/api/v1/relocation/projects/{PROJECT}/flats?state=vacant&kind=flat"
        ))
        .await
        .json()
        .await
        .expect("flats");
    let vacant: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .map(|f| f["flat_code"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(vacant.len(), 3);
    assert!(!vacant.contains(&"1-1-102"));
    assert!(listed[0]["area"].is_number() && listed[0]["state"] == "vacant");

    // The next household is absent: it is called after the rest.
    let base = format!("/relocation/projects/{PROJECT}/choosing");
    let absent = [
        ("household_code", order[1].as_str()),
        ("reason", "在外地未赶回"),
    ];
    assert_eq!(session_post(&staff, "absent", &absent).await, 303);
    let (_, page) = staff.page(&base).await;
    assert!(
        page.contains(&format!("<b>{}</b>", order[2])),
        "now {}'s turn",
        order[2]
    );
    assert_eq!(choose(&staff, &order[2], "1-1-101").await.status(), 201);
    assert_eq!(choose(&staff, &order[3], "1-1-202").await.status(), 201);
    let r = api_choose(&staff, PROJECT, json!({"household_code": order[1], "flat_code": "1-1-201", "accept_price_difference": true})).await;
    assert_eq!(r.status(), 201, "the absent household chooses last");

    // The confirmation prints the choice and the difference; the household page shows
    // the entitlement.
    let first_id = households_id(&app, project_id, &order[0]).await;
    let (status, body) = staff
        .page(&format!("/relocation/households/{first_id}/choice"))
        .await;
    assert_eq!(status, 200);
    assert!(
        body.contains("选房确认单") && body.contains("1-1-102") && body.contains("¥57,680.00"),
        "{body}"
    );
    let (_, body) = staff
        .page(&format!("/relocation/households/{first_id}/sheet"))
        .await;
    assert!(
        body.contains("产权调换")
            && body.contains("应扣超面积差价")
            && body.contains("−¥57,680.00"),
        "{body}"
    );
    let (_, body) = staff
        .page(&format!("/relocation/households/{first_id}"))
        .await;
    assert!(
        body.contains("应安置面积") && body.contains("80.00㎡"),
        "{body}"
    );

    // Voiding is the commander's: staff are refused, the commander frees the flat.
    let choice_id = c["id"].as_i64().expect("id").to_string();
    let void = [("choice", choice_id.as_str()), ("reason", "登记错误")];
    assert_eq!(session_post(&staff, "void", &void).await, 403);
    assert_eq!(session_post(&commander, "void", &void).await, 303);
    let flat = flats::by_code(&app.db, project_id, "1-1-102")
        .await
        .expect("flat")
        .expect("exists");
    assert_eq!(flat.state, domain::relocation::FlatState::Vacant);
    let published = order_json(&app).await;
    assert_eq!(published["order"][0]["flat_code"], Value::Null);
    assert_eq!(published["order"][1]["flat_code"], "1-1-201");

    // The project's public disclosure: scope, standard, and who chose which flat, masked.
    let body = fixture::public_page(&app, "").await;
    assert!(
        body.contains("征收信息公开") && body.contains("按期签约奖励"),
        "{body}"
    );
    assert!(body.contains("选房结果") && body.contains("1-1-101") && body.contains("王*宝"));
    assert!(!body.contains("王一宝") && !body.contains("王二宝"));

    // The session page, the big screen and the inventory render for staff.
    for path in [
        base.clone(),
        format!("{base}/screen"),
        format!("/relocation/projects/{PROJECT}/flats"),
    ] {
        let (status, body) = staff.page(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    super::assert_audit_intact(&app).await;
}

async fn households_id(app: &TestApp, project_id: i64, code: &str) -> i64 {
    committed(&app.db, async |tx| {
        households::id_by_code(tx, project_id, code).await
    })
    .await
    .expect("lookup")
    .expect("household")
}

#[tokio::test]
async fn one_flat_goes_to_one_household_however_many_staff_submit_at_once() {
    let app = TestApp::spawn().await;
    let (project_id, _, order) = started(&app).await;
    let staff = app.login(Role::RelocationStaff).await;

    // Twelve submissions at once for the household called, on two flats: one wins.
    let attempts = (0..12).map(|i| {
        let flat = if i % 2 == 0 { "1-1-101" } else { "1-1-202" };
        choose(&staff, &order[0], flat)
    });
    assert_eq!(accepted_at_once(attempts).await, 1);

    // Twelve at once for the next household, all on the same flat: one wins.
    let attempts = (0..12).map(|_| {
        api_choose(&staff, PROJECT, json!({"household_code": order[1], "flat_code": "1-1-201", "accept_price_difference": true}))
    });
    assert_eq!(accepted_at_once(attempts).await, 1);

    let chosen = store::relocation::choosing::choices::of_project(&app.db, project_id)
        .await
        .expect("choices");
    assert_eq!(chosen.len(), 2);
    let taken = flats::list(
        &app.db,
        project_id,
        &flats::FlatFilter {
            state: Some(domain::relocation::FlatState::Chosen),
            ..Default::default()
        },
    )
    .await
    .expect("flats");
    assert_eq!(taken.len(), 2);
    super::assert_audit_intact(&app).await;
}

#[tokio::test]
async fn flats_import_from_their_template_and_export_back() {
    let app = TestApp::spawn().await;
    let f = fixture::fill(&app.db).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("flats.xlsx");
    let headers = imports::relocation::export::flat_headers();
    let row = |code: &str, kind: &str, floor: &str, area: &str| -> Vec<String> {
        [
            PROJECT,
            code,
            kind,
            "2幢",
            "1单元",
            floor,
            "501",
            "三室两厅",
            area,
            "南",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    crate::support::xlsx(
        &file,
        &headers,
        &[
            row("2-1-501", "住宅", "5", "118.46"),
            row("2-1-502", "", "5", "96.48"),
            row("车-009", "车位", "-1", "13.80"),
            row("2-1-503", "别墅", "5", "0"),
            row("2-1-501", "住宅", "x", "118.46"),
        ],
    );
    let opts = imports::ImportOptions::default();
    let report = crate::support::import_file(&app.db, "flats", &file, &opts)
        .await
        .expect("runs");
    assert!(!report.written, "an invalid file is refused as a whole");
    let reasons: Vec<String> = report
        .invalid
        .iter()
        .map(|e| format!("{} {} {}", e.row, e.column, e.reason))
        .collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("5 类别")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("5 面积")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("6 楼层")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("6 房源编号") && r.contains("重复")),
        "{reasons:?}"
    );
    assert!(
        flats::list(&app.db, f.project_id, &Default::default())
            .await
            .expect("list")
            .is_empty()
    );

    crate::support::xlsx(
        &file,
        &headers,
        &[
            row("2-1-501", "住宅", "5", "118.46"),
            row("车-009", "车位", "-1", "13.80"),
        ],
    );
    let done = crate::support::import_file(&app.db, "flats", &file, &opts)
        .await
        .expect("imported");
    assert_eq!(done.imported, 2);
    let out = dir.path().join("out.xlsx");
    assert_eq!(crate::support::export_file(&app.db, "flats", &out).await, 2);
    let again = crate::support::import_file(&app.db, "flats", &out, &opts)
        .await
        .expect("re-import");
    assert_eq!((again.imported, again.updated), (0, 2));
    let list = flats::list(&app.db, f.project_id, &Default::default())
        .await
        .expect("list");
    let parking = list.iter().find(|u| u.code == "车-009").expect("parking");
    assert_eq!(
        (parking.kind, parking.place.floor, parking.place.area),
        (FlatKind::Parking, -1, SquareMetres(1_380))
    );

    // The page keeps its filter, and its export link asks for what it shows.
    let commander = app.login(Role::RelocationCommander).await;
    let (status, page) = commander
        .page(&format!(
            "/relocation/projects/{PROJECT}/flats?kind=parking&building=2%E5%B9%A2"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("value=\"parking\" selected>"), "{page}");
    assert!(page.contains("name=\"building\" value=\"2幢\""), "{page}");
    let link =
        format!("/relocation/projects/{PROJECT}/flats.xlsx?kind=parking&#38;building=2%E5%B9%A2");
    assert!(page.contains(&link), "{page}");
    let xlsx = commander.get(&link.replace("&#38;", "&")).await;
    assert_eq!(xlsx.status(), 200);
    let shown = dir.path().join("shown.xlsx");
    std::fs::write(&shown, xlsx.bytes().await.expect("file")).expect("saved");
    let shown_again = crate::support::import_file(&app.db, "flats", &shown, &opts)
        .await
        .expect("the export reads back");
    assert_eq!(
        (shown_again.imported, shown_again.updated),
        (0, 1),
        "only the parking space shown"
    );
}

#[tokio::test]
async fn the_standard_sets_the_entitlement_rule_and_can_require_a_confirmed_population() {
    let app = TestApp::spawn().await;
    let f = fixture::fill(&app.db).await;
    let commander = app.login(Role::RelocationCommander).await;
    let staff = app.login(Role::RelocationStaff).await;
    let path = format!("/relocation/projects/{PROJECT}/standard");
    let mut fields: Vec<(String, String)> = Vec::new();
    for s in domain::relocation::BuildingStructure::ALL {
        fields.push((format!("rate_{}", s.code()), "1900".into()));
        fields.push((format!("percent_{}", s.code()), "50".into()));
    }
    for (k, v) in [
        ("allowance", "2000"),
        ("transition", "600"),
        ("months", "18"),
        ("entitlement", "per_person"),
        ("area_per_person", "45"),
        ("excess_rate", "3800"),
        ("require_confirmed_population", "on"),
    ] {
        fields.push((k.into(), v.into()));
    }
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(status_of(&commander.post(&path, &form).await), 303);
    commander.submit(&format!("{path}/publish"), &[]).await;
    let (_, body) = commander.page(&path).await;
    assert!(
        body.contains("按安置人口，每人45.00㎡") && body.contains("须人口认定后签约"),
        "{body}"
    );

    // Signing now waits for the population review's confirmation.
    committed(&app.db, async |tx| {
        store::relocation::buildings::verify(tx, "test", &Scope::All, f.building).await
    })
    .await
    .expect("verified");
    let today = today_local().to_string();
    let r = staff
        .post(
            &format!("/relocation/households/{}/milestones", f.ours),
            &[
                ("milestone", "signed"),
                ("on", &today),
                ("option", "exchange"),
            ],
        )
        .await;
    fixture::assert_refused(r, "认定后方可签约").await;
}
