//! The services for members through HTTP: the programmes API's contract, the pages by
//! role with township scoping, and members who reach only their own records.

use super::rid;
use super::welfare::{OTHER_ID, arrange, programme};
use crate::support::{MEMBER_ID, Session, TestApp, assert_answers, committed};
use domain::platform::{Fen, ResidentId, Role};
use domain::union::aid::{AidDocument, AidKind, Festival};
use domain::union::welfare::ProgrammeKind;
use serde_json::{Value, json};
use store::union::Scope;
use store::union::aid::{self, NewApplication};

async fn post_json(s: &Session, path: &str, body: Value) -> (u16, Value) {
    let r = s
        .client
        .post(format!("{}{path}", s.base))
        .header("x-csrf-token", &s.csrf)
        .json(&body)
        .send()
        .await
        .expect("POST");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_programmes_api_answers_as_its_contract_says() {
    let app = TestApp::spawn().await;
    arrange(&app.db, 3).await;
    let city = app.login(Role::UnionAdmin).await;
    let body = json!({"name": "2019年资助农民工上大学", "kind": "college_subsidy", "year": 2019, "quota": 2});
    let (status, created) = post_json(&city, "/api/v1/union/programmes", body.clone()).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().expect("id");
    // Township staff may not create programmes; a kind outside the list is refused.
    let staff = app.login(Role::UnionStaff).await;
    assert_eq!(
        post_json(&staff, "/api/v1/union/programmes", body).await.0,
        403
    );
    let bad = json!({"name": "x", "kind": "holiday", "year": 2019, "quota": 1});
    assert_eq!(
        post_json(&city, "/api/v1/union/programmes", bad).await.0,
        422
    );

    let path = format!("/api/v1/union/programmes/{id}/enrolments");
    let enrol =
        async |s: &Session, who: &str| post_json(s, &path, json!({"resident_id": who})).await;
    assert_eq!(enrol(&staff, &rid(1)).await.0, 201);
    assert_eq!(enrol(&staff, &rid(1)).await.0, 409);
    assert_eq!(enrol(&city, &rid(2)).await.0, 201);
    let (status, waiting) = enrol(&city, &rid(3)).await;
    assert_eq!((status, &waiting["position"]), (202, &json!(1)));
    // Not a migrant worker, not a member, another township's member for township staff.
    assert_eq!(enrol(&city, MEMBER_ID).await.0, 422);
    assert_eq!(enrol(&city, "11010519491231002").await.0, 422);
    assert_eq!(enrol(&staff, OTHER_ID).await.0, 422);
    assert_eq!(
        post_json(
            &city,
            "/api/v1/union/programmes/999999/enrolments",
            json!({"resident_id": rid(1)})
        )
        .await
        .0,
        404
    );
    // The list of the year.
    let r = staff.get("/api/v1/union/programmes?year=2019").await;
    assert_eq!(r.status(), 200);
    let list: Value = r.json().await.expect("json");
    assert_eq!(
        list,
        json!([{"id": id, "name": "2019年资助农民工上大学", "kind": "college_subsidy", "level": null,
                "year": 2019, "quota": 2, "enrolled": 2, "waiting": 1}])
    );
    let empty: Value = staff
        .get("/api/v1/union/programmes?year=2018")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(empty, json!([]));
    // Inspectors read, never enrol; members do not use the staff API.
    let inspector = app.login(Role::Inspector).await;
    assert_eq!(
        inspector
            .get("/api/v1/union/programmes?year=2019")
            .await
            .status(),
        200
    );
    assert_eq!(enrol(&inspector, &rid(3)).await.0, 403);
    let member = app.login(Role::Member).await;
    assert_eq!(
        member
            .get("/api/v1/union/programmes?year=2019")
            .await
            .status(),
        403
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_api_enrolments_at_once_fill_a_quota_of_ten_and_queue_the_rest() {
    let app = TestApp::spawn().await;
    arrange(&app.db, 30).await;
    let p = programme(&app.db, ProgrammeKind::Recuperation, 10).await;
    let staff = app.login(Role::UnionStaff).await;
    let path = format!("/api/v1/union/programmes/{p}/enrolments");
    let answers = futures::future::join_all(
        (1..=30).map(|i| post_json(&staff, &path, json!({"resident_id": rid(i)}))),
    )
    .await;
    let created = answers.iter().filter(|(s, _)| *s == 201).count();
    let mut positions: Vec<i64> = answers
        .iter()
        .filter(|(s, _)| *s == 202)
        .map(|(_, b)| b["position"].as_i64().expect("position"))
        .collect();
    positions.sort();
    assert_eq!(created, 10, "{answers:?}");
    assert_eq!(positions, (1..=20).collect::<Vec<i64>>());
}

async fn application_of(app: &TestApp, id: &str, festival: Festival) -> i64 {
    let a = NewApplication {
        resident_id: ResidentId::parse(id).expect("id"),
        kind: AidKind::FestivalVisit,
        festival: Some(festival),
        asked: Fen(50_000),
        reason: "因病致困".into(),
        documents: AidDocument::ALL.to_vec(),
        applied_on: super::welfare::day(2019, 1, 10),
    };
    committed(&app.db, async |tx| {
        aid::apply(tx, "test", Scope::City, &a).await
    })
    .await
    .expect("application")
}

#[tokio::test]
async fn township_staff_see_and_handle_only_their_townships_applications() {
    let app = TestApp::spawn().await;
    arrange(&app.db, 0).await;
    let own = application_of(&app, MEMBER_ID, Festival::SpringFestival).await;
    let other = application_of(&app, OTHER_ID, Festival::SpringFestival).await;
    let staff = app.login(Role::UnionStaff).await;
    let (status, list) = staff.page("/union/aid?year=2019").await;
    assert_eq!(status, 200);
    assert!(
        list.contains("本乡会员") && !list.contains("外乡会员"),
        "{list}"
    );
    assert_eq!(staff.page(&format!("/union/aid/{own}")).await.0, 200);
    assert_eq!(staff.page(&format!("/union/aid/{other}")).await.0, 404);
    assert_eq!(
        staff
            .post(&format!("/union/aid/{other}/review"), &[])
            .await
            .status(),
        404
    );
    // The review is the member's township's, not the city's.
    let city = app.login(Role::UnionAdmin).await;
    let r = city.post(&format!("/union/aid/{own}/review"), &[]).await;
    assert_eq!(r.status(), 422);
    staff.submit(&format!("/union/aid/{own}/review"), &[]).await;
    // Approval is the city's: township staff are refused the route.
    let amount = [("amount", "500")];
    assert_eq!(
        staff
            .post(&format!("/union/aid/{own}/approve"), &amount)
            .await
            .status(),
        403
    );
    // No budget yet: refused with the reason; then set and approved.
    let r = city
        .post(&format!("/union/aid/{own}/approve"), &amount)
        .await;
    assert_answers(r, 422, "超出2019年度帮扶预算").await;
    let budget = [("year", "2019"), ("amount", "1200000")];
    city.submit("/union/aid/budget", &budget).await;
    city.submit(&format!("/union/aid/{own}/approve"), &amount)
        .await;
    // The member is told by SMS through the outbox, once per decision.
    let told = store::platform::notify::list(&app.db, None, None, 10)
        .await
        .expect("outbox");
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0].recipient, "13900000009");
    assert!(told[0].body.contains("已获批准") && told[0].body.contains("500.00"));
    let (_, all) = city.page("/union/aid?year=2019").await;
    assert!(all.contains("本乡会员") && all.contains("外乡会员"));
    let inspector = app.login(Role::Inspector).await;
    assert_eq!(inspector.page(&format!("/union/aid/{other}")).await.0, 200);
    assert_eq!(
        inspector
            .post(&format!("/union/aid/{other}/reject"), &[("reason", "x")])
            .await
            .status(),
        403
    );
    // Applying on a page (dated today): a second spring-festival visit of the same year
    // is a conflict, the other festival is not.
    let form = [
        ("resident_id", MEMBER_ID),
        ("kind", "两节慰问"),
        ("festival", "春节"),
        ("asked", "500"),
        ("reason", "慰问"),
        ("doc_application_form", "on"),
    ];
    staff.submit("/union/aid", &form).await;
    assert_eq!(staff.post("/union/aid", &form).await.status(), 409);
    let new_year: Vec<(&str, &str)> = form
        .iter()
        .map(|&(k, v)| {
            if k == "festival" {
                (k, "元旦")
            } else {
                (k, v)
            }
        })
        .collect();
    staff.submit("/union/aid", &new_year).await;
    // Claims: the same scoping.
    let claim_of = async |id: &str| {
        let rid = ResidentId::parse(id).expect("id");
        committed(&app.db, async |tx| {
            let on = super::welfare::day(2019, 3, 1);
            let kind = domain::union::protection::ClaimKind::PropertyLoss;
            store::union::claims::submit(tx, "t", Scope::City, (&rid, kind), on, Fen(9_000), on)
                .await
        })
        .await
        .expect("claim")
    };
    let (own_claim, other_claim) = (claim_of(MEMBER_ID).await, claim_of(OTHER_ID).await);
    let (_, claims) = staff.page("/union/claims").await;
    assert!(
        claims.contains("本乡会员") && !claims.contains("外乡会员"),
        "{claims}"
    );
    assert_eq!(
        staff.page(&format!("/union/claims/{other_claim}")).await.0,
        404
    );
    let accept = [("action", "accept")];
    let other_step = format!("/union/claims/{other_claim}/step");
    assert_eq!(staff.post(&other_step, &accept).await.status(), 404);
    let own_step = format!("/union/claims/{own_claim}/step");
    staff.submit(&own_step, &accept).await;
    // The city finds claims by name or ID, kind, year and stage; the export follows.
    for (query, own, other) in [
        ("q=本乡", true, false),
        (&*format!("q={OTHER_ID}"), false, true),
        ("stage=accepted", true, false),
        ("kind=家财损失&year=2019", true, true),
        ("kind=意外伤害", false, false),
        ("year=2018", false, false),
    ] {
        let (_, found) = city.page(&format!("/union/claims?{query}")).await;
        assert_eq!(
            (found.contains("本乡会员"), found.contains("外乡会员")),
            (own, other),
            "{query}: {found}"
        );
    }
    let xlsx = city.get("/union/claims.xlsx?q=%E6%9C%AC%E4%B9%A1").await;
    let exported = crate::support::downloaded_rows(xlsx, &["姓名"]).await;
    assert_eq!(exported, [["本乡会员"]]);
    // Programmes are created by the city only.
    let new = [
        ("name", "2019年疗休养"),
        ("kind", "recuperation"),
        ("year", "2019"),
        ("quota", "5"),
    ];
    assert_eq!(staff.post("/union/programmes", &new).await.status(), 403);
    city.submit("/union/programmes", &new).await;
    // Claims and programme pages, and their exports, by role.
    for path in [
        "/union/claims",
        "/union/programmes",
        "/union/aid.xlsx?year=2019",
        "/union/claims.xlsx",
        "/union/programmes.xlsx?year=2019",
    ] {
        assert_eq!(staff.get(path).await.status(), 200, "{path}");
        assert_eq!(inspector.get(path).await.status(), 200, "{path}");
    }
    let p = programme(&app.db, ProgrammeKind::Recuperation, 1).await;
    staff
        .submit(
            &format!("/union/programmes/{p}/enrol"),
            &[("resident_id", MEMBER_ID)],
        )
        .await;
    assert_eq!(
        staff
            .post(
                &format!("/union/programmes/{p}/enrol"),
                &[("resident_id", OTHER_ID)]
            )
            .await
            .status(),
        422
    );
    city.submit(
        &format!("/union/programmes/{p}/enrol"),
        &[("resident_id", OTHER_ID)],
    )
    .await;
    let (_, own_view) = staff.page(&format!("/union/programmes/{p}")).await;
    assert!(
        own_view.contains("本乡会员") && !own_view.contains("外乡会员"),
        "{own_view}"
    );
    let (_, city_view) = city.page(&format!("/union/programmes/{p}")).await;
    assert!(city_view.contains("外乡会员"));
    assert_eq!(
        staff
            .get(&format!("/union/programmes/{p}/enrolments.xlsx"))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_member_reaches_only_their_own_applications_and_enrolments() {
    let app = TestApp::spawn().await;
    arrange(&app.db, 0).await;
    let others = application_of(&app, OTHER_ID, Festival::NewYear).await;
    let member = app.login(Role::Member).await;
    // Applies on the phone page, follows it, and cannot open the other member's.
    let form = [
        ("kind", "助医"),
        ("asked", "3000"),
        ("reason", "住院治疗"),
        ("doc_application_form", "on"),
        ("doc_identity_card", "on"),
    ];
    let r = member.post("/union/me/aid", &form).await;
    assert_eq!(r.status(), 303);
    let own_path = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_string();
    let (status, own) = member.page(&own_path).await;
    assert_eq!(status, 200);
    assert!(
        own.contains("已申请") && own.contains("医疗费用票据"),
        "{own}"
    );
    assert_eq!(member.page(&format!("/union/me/aid/{others}")).await.0, 404);
    let (_, list) = member.page("/union/me/aid").await;
    assert!(list.contains(&own_path), "{list}");
    assert!(
        !list.contains(&format!("/union/me/aid/{others}\"")),
        "{list}"
    );
    // Programmes: enrols; the other member's enrolment cannot be withdrawn by id.
    let p = programme(&app.db, ProgrammeKind::HealthCheck, 1).await;
    let other_rid = ResidentId::parse(OTHER_ID).expect("id");
    let theirs = committed(&app.db, async |tx| {
        store::union::programmes::enrol(tx, "test", Scope::City, p, &other_rid).await
    })
    .await
    .expect("enrol");
    let store::union::programmes::Outcome::Enrolled(theirs) = theirs else {
        panic!("enrolled")
    };
    member
        .submit(&format!("/union/me/programmes/{p}/enrol"), &[])
        .await;
    let (_, page) = member.page("/union/me/programmes").await;
    assert!(page.contains("候补第 1 位"), "{page}");
    assert_eq!(
        member
            .post(&format!("/union/me/enrolments/{theirs}/withdraw"), &[])
            .await
            .status(),
        404
    );
    // Staff pages are not the member's.
    assert_eq!(
        member.get(&format!("/union/aid/{others}")).await.status(),
        403
    );
    assert_eq!(member.get("/union/programmes").await.status(), 403);
}
