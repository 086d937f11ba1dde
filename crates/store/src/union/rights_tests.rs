//! Store tests of facilities, contracts, assessments and leader talks, on whichever
//! backend `GROUNDWORK_TEST_DB` names.

use super::Scope;
use super::contracts::{self, ContractFilter};
use super::enterprises::{self, EnterpriseInput};
use super::facilities::{self, Award, FacilityFilter, FacilityInput};
use super::{oversight, responsibility};
use crate::db::Db;
use crate::error::StoreError;
use chrono::NaiveDate;
use domain::platform::{CreditCode, Fen, SquareMetres, credit_code::check_char};
use domain::union::assessment::{AssessmentWeights, ResponsibilityGrade, ResponsibilityScores};
use domain::union::facility::{AwardLevel, FacilityKind, FacilityStatus};
use domain::union::rights::RightsError;
use domain::union::township::Township;
use domain::union::wage::ContractKind;

const XIN: Township = Township::JIANDE[0];
const YANG: Township = Township::JIANDE[1];

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("day")
}

async fn db(dir: &std::path::Path) -> Db {
    crate::testing::fresh_db(dir).await.expect("db")
}

fn code(n: u32) -> CreditCode {
    let first = format!("91330182MA{n:07}");
    let check = check_char(&first).expect("check");
    CreditCode::parse(&format!("{first}{check}")).expect("code")
}

async fn enterprise(db: &Db, n: u32, t: Township, headcount: u32, provincial: bool) -> i64 {
    let mut tx = db.begin().await.expect("tx");
    let input = EnterpriseInput {
        name: format!("测试企业{n}"),
        credit_code: code(n),
        township: t,
        headcount,
        provincial,
    };
    let id = enterprises::insert(&mut tx, "t", &input)
        .await
        .expect("insert");
    tx.commit().await.expect("commit");
    id
}

fn home(t: Township) -> FacilityInput {
    FacilityInput {
        name: "某某职工之家".into(),
        kind: FacilityKind::WorkersHome,
        township: t,
        union_id: None,
        area: SquareMetres::parse("120.50").expect("area"),
        investment: Fen(1_234_500),
    }
}

#[tokio::test]
async fn facility_status_history_awards_and_scope() {
    let dir = tempfile::tempdir().expect("dir");
    let db = db(dir.path()).await;
    let mut tx = db.begin().await.expect("tx");
    let id = facilities::create(
        &mut tx,
        "t",
        Scope::City,
        &home(XIN),
        FacilityStatus::Planned,
        day(2018, 3, 1),
    )
    .await
    .expect("create");
    let outside = facilities::create(
        &mut tx,
        "t",
        Scope::Township(YANG),
        &home(XIN),
        FacilityStatus::Open,
        day(2018, 3, 1),
    )
    .await;
    assert!(matches!(
        outside,
        Err(StoreError::Rights(RightsError::OutsideTownship))
    ));
    facilities::change_status(
        &mut tx,
        "t",
        Scope::City,
        id,
        FacilityStatus::Building,
        day(2019, 2, 1),
    )
    .await
    .expect("building");
    let back = facilities::change_status(
        &mut tx,
        "t",
        Scope::City,
        id,
        FacilityStatus::Planned,
        day(2019, 3, 1),
    )
    .await;
    assert!(matches!(back, Err(StoreError::Rights(_))));
    facilities::change_status(
        &mut tx,
        "t",
        Scope::City,
        id,
        FacilityStatus::Open,
        day(2019, 9, 1),
    )
    .await
    .expect("open");
    // The same award twice is one.
    for _ in 0..2 {
        let hangzhou = Award {
            year: 2019,
            level: AwardLevel::Hangzhou,
        };
        facilities::award(&mut tx, "t", Scope::City, id, hangzhou)
            .await
            .expect("award");
    }
    let station = FacilityInput {
        kind: FacilityKind::CareStation,
        name: "爱心驿站".into(),
        ..home(XIN)
    };
    let sid = facilities::create(
        &mut tx,
        "t",
        Scope::City,
        &station,
        FacilityStatus::Open,
        day(2019, 5, 1),
    )
    .await
    .expect("station");
    let refused = facilities::award(
        &mut tx,
        "t",
        Scope::City,
        sid,
        Award {
            year: 2019,
            level: AwardLevel::Jiande,
        },
    )
    .await;
    assert!(matches!(refused, Err(StoreError::Rights(_))));
    tx.commit().await.expect("commit");

    let history = facilities::history(&db, Scope::City, id)
        .await
        .expect("history");
    let statuses: Vec<_> = history.iter().map(|h| h.status).collect();
    assert_eq!(
        statuses,
        [
            FacilityStatus::Planned,
            FacilityStatus::Building,
            FacilityStatus::Open
        ]
    );
    assert!(matches!(
        facilities::get(&db, Scope::Township(YANG), id).await,
        Err(StoreError::NotFound)
    ));
    let (mine, n) = facilities::list(
        &db,
        Scope::Township(YANG),
        &FacilityFilter::default(),
        50,
        0,
    )
    .await
    .expect("list");
    assert!(mine.is_empty() && n == 0);
    let (all, n) = facilities::list(&db, Scope::City, &FacilityFilter::default(), 50, 0)
        .await
        .expect("list");
    assert_eq!((all.len(), n), (2, 2));
    assert_eq!(all[0].area, SquareMetres(12_050));

    let f = facilities::year_figures(&db, 2019, Scope::City)
        .await
        .expect("figures");
    assert_eq!(
        (f.hangzhou_advanced_homes, f.jiande_advanced_homes, f.opened),
        (1, 0, 2)
    );
    let f2018 = facilities::year_figures(&db, 2018, Scope::City)
        .await
        .expect("figures");
    assert_eq!((f2018.hangzhou_advanced_homes, f2018.opened), (0, 0));
    let yang = facilities::year_figures(&db, 2019, Scope::Township(YANG))
        .await
        .expect("figures");
    assert_eq!(yang.opened, 0);
}

#[tokio::test]
async fn signing_rate_counts_valid_wage_contracts_of_the_must_set() {
    let dir = tempfile::tempdir().expect("dir");
    let db = db(dir.path()).await;
    let must_a = enterprise(&db, 1, XIN, 150, true).await;
    let _must_b = enterprise(&db, 2, XIN, 300, true).await;
    let small = enterprise(&db, 3, XIN, 20, false).await;
    let other = enterprise(&db, 4, YANG, 120, true).await;
    let mut tx = db.begin().await.expect("tx");
    let wage = |s, e| contracts::contract(ContractKind::WageSpecific, s, e).expect("contract");
    // The third expired before the end of 2019: it does not count.
    for (id, signed, expiry) in [
        (must_a, day(2019, 1, 1), day(2021, 12, 31)),
        (small, day(2019, 6, 1), day(2022, 5, 31)),
        (other, day(2017, 1, 1), day(2019, 6, 30)),
    ] {
        contracts::record(&mut tx, "t", Scope::City, id, &wage(signed, expiry))
            .await
            .expect("contract");
    }
    let general = contracts::contract(
        ContractKind::Comprehensive,
        day(2019, 1, 1),
        day(2021, 1, 1),
    )
    .expect("c");
    contracts::record(&mut tx, "t", Scope::City, other, &general)
        .await
        .expect("general");
    let outside = contracts::record(
        &mut tx,
        "t",
        Scope::Township(YANG),
        must_a,
        &wage(day(2019, 2, 1), day(2020, 1, 1)),
    )
    .await;
    assert!(matches!(outside, Err(StoreError::NotFound)));
    contracts::set_demonstration(&mut tx, "t", Scope::City, must_a, 2019)
        .await
        .expect("demo");
    contracts::set_demonstration(&mut tx, "t", Scope::City, must_a, 2019)
        .await
        .expect("twice is once");
    tx.commit().await.expect("commit");
    assert!(
        contracts::contract(ContractKind::WageSpecific, day(2019, 2, 1), day(2019, 1, 1)).is_err()
    );

    let f = contracts::year_figures(&db, 2019, Scope::City)
        .await
        .expect("figures");
    assert_eq!(f.must_enterprises, 3);
    assert_eq!(f.must_with_valid_contract, 1);
    assert_eq!(f.with_valid_contract, 2);
    assert_eq!(f.signing_rate_bp, 3_333);
    assert_eq!(f.demonstration_units, 1);
    assert_eq!(f.signed_in_year, 2);
    // The must set is the coverage figures' own.
    let cov = super::coverage::year_figures(&db, 2019, super::Scope::City)
        .await
        .expect("coverage");
    assert_eq!(cov.must_enterprises, f.must_enterprises);
    let lines = contracts::signing_lines(&db, Scope::Township(XIN), day(2019, 12, 31))
        .await
        .expect("lines");
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (
            lines[0].must_total,
            lines[0].must_signed,
            lines[0].rate_bp()
        ),
        (2, 1, 5_000)
    );
    let yang = contracts::year_figures(&db, 2019, Scope::Township(YANG))
        .await
        .expect("figures");
    assert_eq!(
        (yang.must_enterprises, yang.must_with_valid_contract),
        (1, 0)
    );
    let (rows, n) = contracts::list(
        &db,
        Scope::Township(YANG),
        &ContractFilter::default(),
        50,
        0,
    )
    .await
    .expect("list");
    assert_eq!((rows.len(), n), (2, 2));
    let valid = ContractFilter {
        valid_on: Some(day(2019, 12, 31)),
        ..ContractFilter::default()
    };
    assert_eq!(
        contracts::list(&db, Scope::City, &valid, 50, 0)
            .await
            .expect("list")
            .1,
        3
    );
}

#[tokio::test]
async fn weights_are_set_by_the_city_only_and_score_the_ranking() {
    let dir = tempfile::tempdir().expect("dir");
    let db = db(dir.path()).await;
    enterprise(&db, 1, XIN, 150, true).await;
    let mut tx = db.begin().await.expect("tx");
    let w = AssessmentWeights::new(5_000, 3_000, 2_000).expect("weights");
    let refused = oversight::set_weights(&mut tx, "t", Scope::Township(XIN), &w).await;
    assert!(matches!(
        refused,
        Err(StoreError::Rights(RightsError::CityOnly))
    ));
    let bad = AssessmentWeights {
        all_rate: 1_000,
        ..w
    };
    assert!(
        oversight::set_weights(&mut tx, "t", Scope::City, &bad)
            .await
            .is_err()
    );
    oversight::set_weights(&mut tx, "t", Scope::City, &w)
        .await
        .expect("set");
    tx.commit().await.expect("commit");
    assert_eq!(oversight::weights(&db).await.expect("weights"), w);
    let (_, lines) = oversight::assessment(&db, 2019).await.expect("assessment");
    assert_eq!(lines.len(), 16);
    let xin = lines
        .iter()
        .find(|l| l.ranked.coverage.township == XIN.name())
        .expect("xin");
    // Must 0/1 covered, tracked none (100%), all 0/1: 0 + 3000 + 0 hundredths.
    assert_eq!(xin.score, 3_000);
}

#[tokio::test]
async fn talks_and_responsibility_are_scoped() {
    let dir = tempfile::tempdir().expect("dir");
    let db = db(dir.path()).await;
    let e = enterprise(&db, 1, XIN, 150, true).await;
    let mut tx = db.begin().await.expect("tx");
    let talk = oversight::TalkInput {
        township: YANG,
        held_on: day(2019, 7, 1),
        leaders: "市总工会主席".into(),
        township_people: "洋溪街道分管领导".into(),
        agreed: "三个月内完成清单消号".into(),
        follow_up: "".into(),
        follow_up_done_on: Some(day(2019, 6, 1)),
    };
    assert!(
        oversight::create_talk(&mut tx, "t", Scope::City, &talk)
            .await
            .is_err()
    );
    let ok = oversight::TalkInput {
        follow_up_done_on: None,
        ..talk.clone()
    };
    let id = oversight::create_talk(&mut tx, "t", Scope::City, &ok)
        .await
        .expect("talk");
    assert!(
        oversight::create_talk(&mut tx, "t", Scope::Township(XIN), &ok)
            .await
            .is_err()
    );
    let done = oversight::TalkInput {
        follow_up: "已完成".into(),
        follow_up_done_on: Some(day(2019, 10, 1)),
        ..ok
    };
    oversight::update_talk(&mut tx, "t", Scope::Township(YANG), id, &done)
        .await
        .expect("follow-up");
    let scores = ResponsibilityScores::new(95, 92, 90, 88).expect("scores");
    responsibility::record(&mut tx, "t", Scope::City, e, 2019, &scores, "")
        .await
        .expect("record");
    let lower = ResponsibilityScores::new(70, 70, 70, 70).expect("scores");
    responsibility::record(&mut tx, "t", Scope::City, e, 2019, &lower, "复评")
        .await
        .expect("again");
    assert!(matches!(
        responsibility::record(&mut tx, "t", Scope::Township(YANG), e, 2019, &scores, "").await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.expect("commit");
    assert_eq!(
        oversight::talks(&db, Scope::Township(XIN), Some(2019))
            .await
            .expect("talks")
            .len(),
        0
    );
    let mine = oversight::talks(&db, Scope::Township(YANG), Some(2019))
        .await
        .expect("talks");
    assert_eq!(mine[0].follow_up_done_on, Some(day(2019, 10, 1)));
    assert!(
        oversight::talks(&db, Scope::City, Some(2018))
            .await
            .expect("talks")
            .is_empty()
    );
    let year = responsibility::of_year(&db, Scope::City, 2019)
        .await
        .expect("year");
    assert_eq!(year.len(), 1);
    assert_eq!(year[0].grade, ResponsibilityGrade::Pass);
    assert!(
        responsibility::of_year(&db, Scope::Township(YANG), 2019)
            .await
            .expect("year")
            .is_empty()
    );
}
