//! The services for members in the store, on whichever database the tests run on: the
//! quota under simultaneous enrolments, the waiting list's order and move-up,
//! eligibility, the aid chain and its limits (documents, budget, one festival visit,
//! the rejection's reason), claims, and the year's figures.

use super::{rid, seed, xinanjiang, yangxi};
use crate::support::{MEMBER_ID, committed};
use chrono::NaiveDate;
use domain::platform::{Fen, ResidentId};
use domain::union::aid::{AidDocument, AidError, AidKind, AidStatus, Festival};
use domain::union::protection::{ClaimKind, ClaimStatus};
use domain::union::welfare::{
    CollegeLevel, Eligibility, EnrolmentState, ProgrammeKind, WelfareError,
};
use store::union::Scope;
use store::union::aid::{self, NewApplication};
use store::union::claims::{self, ClaimStep};
use store::union::members::{self, NewMember};
use store::union::programmes::{self, NewProgramme, Outcome};
use store::union::welfare;
use store::{Db, StoreError};

/// The member in 洋溪街道 (outside the test township staff's scope).
pub const OTHER_ID: &str = "440524188001010014";

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// Unions in 新安江街道 and 洋溪街道; the test member account's member (新安江, not a
/// migrant worker), one member in 洋溪, and `n` migrant workers in 新安江 (`rid(1..=n)`).
pub async fn arrange(db: &Db, n: u32) {
    let s = seed(db).await;
    let own = s.joint(db, "新安江甲工会", xinanjiang()).await;
    let other = s.joint(db, "洋溪乙工会", yangxi()).await;
    let person = |id: &str, name: &str, union_id: i64, migrant: bool| NewMember {
        migrant_worker: migrant,
        ..super::member(id, name, "13900000009", union_id, (2018, 3, 5))
    };
    let mut all = vec![
        person(MEMBER_ID, "本乡会员", own.id, false),
        person(OTHER_ID, "外乡会员", other.id, false),
    ];
    all.extend((1..=n).map(|i| person(&rid(i), &format!("农民工{i}"), own.id, true)));
    committed(db, async |tx| members::insert_many(tx, "test", &all).await)
        .await
        .expect("members");
}

pub async fn programme(db: &Db, kind: ProgrammeKind, quota: i64) -> i64 {
    let p = NewProgramme {
        name: format!("2019年{}", kind.label()),
        kind,
        level: (kind == ProgrammeKind::CollegeSubsidy).then_some(CollegeLevel::JuniorCollege),
        year: 2019,
        quota,
    };
    committed(db, async |tx| programmes::create(tx, "test", &p).await)
        .await
        .expect("programme")
}

async fn enrol(db: &Db, p: i64, id: &str) -> Result<Outcome, StoreError> {
    let id = ResidentId::parse(id).expect("id");
    committed(db, async |tx| {
        programmes::enrol(tx, "test", Scope::City, p, &id).await
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_enrolling_at_once_on_a_quota_of_ten_take_exactly_ten_places() {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    arrange(&db, 30).await;
    let p = programme(&db, ProgrammeKind::Recuperation, 10).await;
    let tasks: Vec<_> = (1..=30)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move { enrol(&db, p, &rid(i)).await })
        })
        .collect();
    let mut enrolled = 0;
    let mut positions = Vec::new();
    for t in tasks {
        match t.await.expect("task").expect("enrolment") {
            Outcome::Enrolled(_) => enrolled += 1,
            Outcome::Waiting { position, .. } => positions.push(position),
        }
    }
    assert_eq!(enrolled, 10);
    positions.sort();
    assert_eq!(positions, (1..=20).collect::<Vec<i64>>());
    let after = programmes::get(&db, p).await.expect("programme");
    assert_eq!((after.places.enrolled, after.places.waiting), (10, 20));
    let listed = programmes::enrolments(&db, Scope::City, p, EnrolmentState::Enrolled)
        .await
        .expect("list");
    assert_eq!(listed.len(), 10);
    super::assert_audit_intact(&db).await;
}

#[tokio::test]
async fn a_released_place_goes_to_the_first_waiting_and_the_queue_closes_up() {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    arrange(&db, 5).await;
    let p = programme(&db, ProgrammeKind::HealthCheck, 2).await;
    let mut ids = Vec::new();
    for i in 1..=5 {
        ids.push(enrol(&db, p, &rid(i)).await.expect("enrol"));
    }
    assert!(matches!(ids[0], Outcome::Enrolled(_)));
    assert!(matches!(ids[2], Outcome::Waiting { position: 1, .. }));
    assert!(matches!(ids[4], Outcome::Waiting { position: 3, .. }));
    // Twice: already enrolled or waiting is a conflict.
    assert!(matches!(
        enrol(&db, p, &rid(1)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        enrol(&db, p, &rid(4)).await,
        Err(StoreError::Conflict(_))
    ));
    // The second waiting withdraws: the fifth moves to position 2.
    let Outcome::Waiting { id: fourth, .. } = ids[3] else {
        panic!("waiting")
    };
    let promoted = committed(&db, async |tx| {
        programmes::withdraw(tx, "test", Scope::City, fourth).await
    })
    .await
    .expect("withdraw");
    assert_eq!(promoted, None);
    let waiting = programmes::enrolments(&db, Scope::City, p, EnrolmentState::Waiting)
        .await
        .expect("waiting");
    let order: Vec<(String, Option<i64>)> = waiting
        .iter()
        .map(|e| (e.holder.resident_id.to_string(), e.position))
        .collect();
    assert_eq!(order, vec![(rid(3), Some(1)), (rid(5), Some(2))]);
    // The first enrolled withdraws: the first waiting (the third) takes the place.
    let Outcome::Enrolled(first) = ids[0] else {
        panic!("enrolled")
    };
    let Outcome::Waiting { id: third, .. } = ids[2] else {
        panic!("waiting")
    };
    let promoted = committed(&db, async |tx| {
        programmes::withdraw(tx, "test", Scope::City, first).await
    })
    .await
    .expect("withdraw");
    assert_eq!(promoted, Some(third));
    let e = programmes::enrolment(&db, Scope::City, third)
        .await
        .expect("third");
    assert_eq!(e.state, EnrolmentState::Enrolled);
    let after = programmes::get(&db, p).await.expect("programme");
    assert_eq!((after.places.enrolled, after.places.waiting), (2, 1));
    // Withdrawing twice is refused; a withdrawn member may enrol again (at the end).
    let twice = committed(&db, async |tx| {
        programmes::withdraw(tx, "test", Scope::City, first).await
    })
    .await;
    assert!(matches!(twice, Err(StoreError::Welfare(_))), "{twice:?}");
    assert!(matches!(
        enrol(&db, p, &rid(1)).await,
        Ok(Outcome::Waiting { position: 2, .. })
    ));
    // A larger quota moves the first waiting up; one below the places taken is refused.
    let raised = committed(&db, async |tx| {
        programmes::set_quota(tx, "city", p, 3).await
    })
    .await
    .expect("quota");
    assert_eq!(raised.len(), 1);
    let after = programmes::get(&db, p).await.expect("programme");
    assert_eq!((after.places.enrolled, after.places.waiting), (3, 1));
    let lower = committed(&db, async |tx| {
        programmes::set_quota(tx, "city", p, 2).await
    })
    .await;
    assert!(
        matches!(
            lower,
            Err(StoreError::Welfare(WelfareError::QuotaBelowEnrolled {
                enrolled: 3
            }))
        ),
        "{lower:?}"
    );
    // A released place with nobody waiting frees the quota.
    let p2 = programme(&db, ProgrammeKind::Recuperation, 3).await;
    let Ok(Outcome::Enrolled(only)) = enrol(&db, p2, &rid(1)).await else {
        panic!("enrolled")
    };
    committed(&db, async |tx| {
        programmes::withdraw(tx, "test", Scope::City, only).await
    })
    .await
    .expect("withdraw");
    assert_eq!(
        programmes::get(&db, p2).await.expect("p2").places.enrolled,
        0
    );
    super::assert_audit_intact(&db).await;
}

#[tokio::test]
async fn eligibility_follows_the_kind_and_the_citys_setting() {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    arrange(&db, 1).await;
    let college = programme(&db, ProgrammeKind::CollegeSubsidy, 5).await;
    // Not a migrant worker: refused; a migrant worker: enrolled; nobody: not a member.
    assert!(matches!(
        enrol(&db, college, MEMBER_ID).await,
        Err(StoreError::Welfare(WelfareError::NotEligible(
            Eligibility::MigrantWorkers
        )))
    ));
    assert!(matches!(
        enrol(&db, college, &rid(1)).await,
        Ok(Outcome::Enrolled(_))
    ));
    assert!(matches!(
        enrol(&db, college, &rid(999)).await,
        Err(StoreError::Welfare(WelfareError::NotMember))
    ));
    // Township staff cannot enrol another township's member: not a member to them.
    let other = ResidentId::parse(OTHER_ID).expect("id");
    let outside = committed(&db, async |tx| {
        programmes::enrol(tx, "t", Scope::Township(xinanjiang()), college, &other).await
    })
    .await;
    assert!(matches!(
        outside,
        Err(StoreError::Welfare(WelfareError::NotMember))
    ));
    // The city opens the college subsidy to every member.
    committed(&db, async |tx| {
        welfare::set_eligibility(
            tx,
            "test",
            ProgrammeKind::CollegeSubsidy,
            Eligibility::AnyMember,
        )
        .await
    })
    .await
    .expect("setting");
    assert!(matches!(
        enrol(&db, college, MEMBER_ID).await,
        Ok(Outcome::Enrolled(_))
    ));
    // A member who left may not enrol.
    let (id, _) = committed(&db, async |tx| members::find(tx, OTHER_ID).await)
        .await
        .expect("find")
        .expect("member");
    committed(&db, async |tx| {
        members::leave(tx, "test", Scope::City, id, day(2019, 6, 1)).await
    })
    .await
    .expect("leave");
    assert!(matches!(
        enrol(&db, college, OTHER_ID).await,
        Err(StoreError::Welfare(WelfareError::NotMember))
    ));
}

fn application(
    id: &str,
    kind: AidKind,
    festival: Option<Festival>,
    docs: &[AidDocument],
) -> NewApplication {
    NewApplication {
        resident_id: ResidentId::parse(id).expect("id"),
        kind,
        festival,
        asked: Fen(300_000),
        reason: "家庭困难".into(),
        documents: docs.to_vec(),
        applied_on: day(2019, 1, 10),
    }
}

async fn apply(db: &Db, scope: Scope, a: &NewApplication) -> Result<i64, StoreError> {
    committed(db, async |tx| aid::apply(tx, "test", scope, a).await).await
}

#[tokio::test]
async fn the_aid_chain_checks_documents_budget_festival_visits_and_reasons() {
    use AidDocument::*;
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    arrange(&db, 2).await;
    let town = Scope::Township(xinanjiang());
    // Documents: a medical application without bills cannot be reviewed.
    let basic = [ApplicationForm, IdentityCard, HardshipCertificate];
    let medical = apply(
        &db,
        town,
        &application(MEMBER_ID, AidKind::Medical, None, &basic),
    )
    .await
    .expect("apply");
    let review = committed(&db, async |tx| aid::review(tx, "t", town, medical).await).await;
    assert!(
        matches!(review, Err(StoreError::Aid(AidError::MissingDocuments(ref m))) if m == &[MedicalBills, Diagnosis]),
        "{review:?}"
    );
    committed(&db, async |tx| {
        aid::set_documents(tx, "t", town, medical, AidDocument::ALL).await
    })
    .await
    .expect("documents");
    committed(&db, async |tx| aid::review(tx, "t", town, medical).await)
        .await
        .expect("review");
    // Budget: none set → nothing to approve; 5,000 yuan set → 3,000 fits, then 2,001 not.
    let approve = |id: i64, fen: i64| {
        let db = db.clone();
        async move {
            committed(&db, async |tx| {
                aid::approve(tx, "city", Scope::City, id, Fen(fen)).await
            })
            .await
        }
    };
    assert!(matches!(
        approve(medical, 300_000).await,
        Err(StoreError::Aid(AidError::OverBudget { .. }))
    ));
    committed(&db, async |tx| {
        aid::set_budget(tx, "city", 2019, Fen(500_000)).await
    })
    .await
    .expect("budget");
    approve(medical, 300_000).await.expect("approve");
    let study = apply(
        &db,
        town,
        &application(
            &rid(1),
            AidKind::Study,
            None,
            AidKind::Study.required_documents(),
        ),
    )
    .await
    .expect("apply");
    committed(&db, async |tx| aid::review(tx, "t", town, study).await)
        .await
        .expect("review");
    let over = approve(study, 200_001).await;
    assert!(
        matches!(over, Err(StoreError::Aid(AidError::OverBudget { left, .. })) if left == Fen(200_000)),
        "{over:?}"
    );
    approve(study, 200_000)
        .await
        .expect("the rest of the budget");
    assert_eq!(
        aid::budget(&db, 2019).await.expect("budget").left(),
        Fen::ZERO
    );
    // Disbursement only after approval, with its date; figures count it in its year.
    committed(&db, async |tx| {
        aid::disburse(tx, "city", Scope::City, medical, day(2019, 2, 1)).await
    })
    .await
    .expect("disburse");
    let a = aid::get(&db, town, medical).await.expect("get");
    assert_eq!(
        a.status,
        AidStatus::Disbursed {
            amount: Fen(300_000),
            on: day(2019, 2, 1)
        }
    );
    // One festival visit per member per festival per year; a rejected one does not count.
    let visit = application(
        &rid(2),
        AidKind::FestivalVisit,
        Some(Festival::SpringFestival),
        &basic,
    );
    let first = apply(&db, town, &visit).await.expect("first visit");
    assert!(matches!(
        apply(&db, town, &visit).await,
        Err(StoreError::Conflict(_))
    ));
    let new_year = NewApplication {
        festival: Some(Festival::NewYear),
        ..visit.clone()
    };
    apply(&db, town, &new_year)
        .await
        .expect("the other festival");
    let next_year = NewApplication {
        applied_on: day(2020, 1, 10),
        ..visit.clone()
    };
    apply(&db, town, &next_year).await.expect("next year");
    // A rejection needs its reason, which the applicant is told.
    let blank = committed(&db, async |tx| {
        aid::reject(tx, "t", town, first, "  ").await
    })
    .await;
    assert!(matches!(blank, Err(StoreError::Aid(AidError::EmptyReason))));
    committed(&db, async |tx| {
        aid::reject(tx, "t", town, first, "家庭收入超过标准").await
    })
    .await
    .expect("reject");
    assert_eq!(
        aid::get(&db, Scope::City, first).await.expect("get").status,
        AidStatus::Rejected {
            reason: "家庭收入超过标准".into()
        }
    );
    apply(&db, town, &visit).await.expect("after the rejection");
    // Township staff of another township do not see it; not a member there either.
    assert!(matches!(
        aid::get(&db, Scope::Township(yangxi()), medical).await,
        Err(StoreError::NotFound)
    ));
    let outside = application(
        OTHER_ID,
        AidKind::FestivalVisit,
        Some(Festival::NewYear),
        &basic,
    );
    assert!(matches!(
        apply(&db, town, &outside).await,
        Err(StoreError::Welfare(WelfareError::NotMember))
    ));
    // Claims: accept, pay at most the claim; a refusal says why.
    let claim = committed(&db, async |tx| {
        let rid = ResidentId::parse(MEMBER_ID).expect("id");
        claims::submit(
            tx,
            "t",
            town,
            (&rid, ClaimKind::AccidentInjury),
            day(2019, 3, 1),
            Fen(80_000),
            day(2019, 3, 5),
        )
        .await
    })
    .await
    .expect("claim");
    let step = |s: ClaimStep| {
        let db = db.clone();
        async move { committed(&db, async |tx| claims::step(tx, "t", town, claim, &s).await).await }
    };
    assert!(step(ClaimStep::Pay(Fen(1), day(2019, 3, 9))).await.is_err());
    step(ClaimStep::Accept).await.expect("accept");
    assert!(matches!(
        step(ClaimStep::Pay(Fen(80_001), day(2019, 3, 9))).await,
        Err(StoreError::Claim(_))
    ));
    step(ClaimStep::Pay(Fen(60_000), day(2019, 3, 9)))
        .await
        .expect("pay");
    assert_eq!(
        claims::get(&db, town, claim).await.expect("claim").status,
        ClaimStatus::Paid {
            amount: Fen(60_000),
            on: day(2019, 3, 9)
        }
    );
    // The year's figures, for the city and per township.
    let f = welfare::year_figures(&db, 2019, Scope::City)
        .await
        .expect("figures");
    assert_eq!((f.aid_disbursed, f.aid_disbursed_count), (Fen(300_000), 1));
    assert_eq!((f.claims_paid, f.claims_paid_count), (Fen(60_000), 1));
    let elsewhere = welfare::year_figures(&db, 2019, Scope::Township(yangxi()))
        .await
        .expect("figures");
    assert_eq!(elsewhere.aid_disbursed, Fen::ZERO);
    assert_eq!(
        welfare::year_figures(&db, 2020, Scope::City)
            .await
            .expect("figures")
            .aid_disbursed,
        Fen::ZERO
    );
    super::assert_audit_intact(&db).await;
}
