//! The member app's first activation (one-time code through the outbox, nothing revealed
//! to strangers) and the registry's duplicate finder with its merge.

use super::{member, seed, xinanjiang, yangxi};
use crate::support::{Session, TestApp, assert_answers, committed, csrf_in};
use chrono::NaiveDate;
use domain::platform::ResidentId;
use store::union::Scope;
use store::union::members::{self};

async fn outbox_bodies(app: &TestApp, to: &str) -> Vec<String> {
    store::platform::notify::list(&app.db, None, None, 100)
        .await
        .expect("outbox")
        .into_iter()
        .filter(|m| m.recipient == to)
        .map(|m| m.body)
        .collect()
}

/// The six digits of an activation message.
fn code_in(body: &str) -> String {
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code")
        .to_string()
}

async fn form_post(s: &Session, path: &str, page: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let token = csrf_in(page).unwrap_or_else(|| panic!("form token in {page}"));
    let mut form = fields.to_vec();
    form.push(("_csrf", &token));
    let r = s
        .client
        .post(format!("{}{path}", s.base))
        .form(&form)
        .send()
        .await
        .expect("POST");
    (r.status().as_u16(), r.text().await.unwrap_or_default())
}

/// Posts the duplicates page's merge form: `second` merged into `first`, which is kept.
async fn merge(s: &Session, first: i64, second: i64, reason: &str) -> reqwest::Response {
    let (first, second) = (first.to_string(), second.to_string());
    s.post(
        "/union/members/duplicates/merge",
        &[
            ("first", &first),
            ("second", &second),
            ("kept", &first),
            ("reason", reason),
        ],
    )
    .await
}

#[tokio::test]
async fn a_member_activates_with_the_code_sent_to_the_mobile_on_record() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let u = s.joint(&app.db, "新安江甲工会", xinanjiang()).await;
    let id = "330182199001010014";
    committed(&app.db, async |tx| {
        members::add(
            tx,
            "test",
            Scope::City,
            &member(id, "王小明", "13900000001", u.id, (2019, 3, 1)),
        )
        .await
    })
    .await
    .expect("member");
    let anon = app.anonymous();

    // A stranger's guess (wrong mobile, unknown ID) reads exactly like a match, and sends nothing.
    let (status, start) = anon.page("/member/activate").await;
    assert_eq!(status, 200);
    let (status, wrong) = form_post(
        &anon,
        "/member/activate",
        &start,
        &[("resident_id", id), ("mobile", "13900000002")],
    )
    .await;
    assert_eq!(status, 200);
    let (_, unknown) = form_post(
        &anon,
        "/member/activate",
        &wrong,
        &[
            ("resident_id", "11010519491231002X"),
            ("mobile", "13900000001"),
        ],
    )
    .await;
    let strip = |p: &str| {
        p.replace(&csrf_in(p).unwrap_or_default(), "")
            .replace(id, "")
            .replace("11010519491231002X", "")
    };
    assert_eq!(
        strip(&wrong),
        strip(&unknown),
        "the page must not tell which IDs are registered"
    );
    assert!(outbox_bodies(&app, "13900000002").await.is_empty());
    assert!(outbox_bodies(&app, "13900000001").await.is_empty());

    // The member's own ID and mobile: one SMS in the outbox, with the code.
    let (status, code_page) = form_post(
        &anon,
        "/member/activate",
        &unknown,
        &[("resident_id", id), ("mobile", "13900000001")],
    )
    .await;
    assert_eq!(status, 200);
    let bodies = outbox_bodies(&app, "13900000001").await;
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let code = code_in(&bodies[0]);
    let wrong_code = if code == "000000" { "111111" } else { "000000" };

    let (status, again) = form_post(
        &anon,
        "/member/activate/confirm",
        &code_page,
        &[
            ("resident_id", id),
            ("code", wrong_code),
            ("password", "member-pass-1"),
            ("password_again", "member-pass-1"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{again}");
    assert!(again.contains("验证码不正确"));
    let (status, mismatch) = form_post(
        &anon,
        "/member/activate/confirm",
        &again,
        &[
            ("resident_id", id),
            ("code", &code),
            ("password", "member-pass-1"),
            ("password_again", "member-pass-2"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(mismatch.contains("不一致"));
    let (status, done) = form_post(
        &anon,
        "/member/activate/confirm",
        &mismatch,
        &[
            ("resident_id", id),
            ("code", &code),
            ("password", "member-pass-1"),
            ("password_again", "member-pass-1"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("账号已激活"));

    // The code is spent; the member logs in with the ID and sees their own record only.
    let (_, fresh) = anon.page("/member/activate").await;
    let (status, _) = form_post(
        &anon,
        "/member/activate/confirm",
        &fresh,
        &[
            ("resident_id", id),
            ("code", &code),
            ("password", "member-pass-9"),
            ("password_again", "member-pass-9"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    let me = app.login_as(id, "member-pass-1").await;
    let (status, page) = me.page("/union/me").await;
    assert_eq!(status, 200);
    assert!(page.contains("王*明"), "{page}");
    assert_eq!(me.get("/union/members").await.status(), 403);

    // An active member asking again gets no second code.
    let (_, start) = anon.page("/member/activate").await;
    form_post(
        &anon,
        "/member/activate",
        &start,
        &[("resident_id", id), ("mobile", "13900000001")],
    )
    .await;
    assert_eq!(outbox_bodies(&app, "13900000001").await.len(), 1);
    super::assert_audit_intact(&app.db).await;
}

#[tokio::test]
async fn wrong_codes_lock_the_address_like_failed_logins() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    let (_, mut page) = anon.page("/member/activate").await;
    let mut last = 0;
    for _ in 0..7 {
        let (status, next) = form_post(
            &anon,
            "/member/activate/confirm",
            &page,
            &[
                ("resident_id", "330182199001010014"),
                ("code", "123456"),
                ("password", "member-pass-1"),
                ("password_again", "member-pass-1"),
            ],
        )
        .await;
        last = status;
        page = next;
    }
    assert_eq!(last, 429, "{page}");
    assert!(page.contains("已锁定"));
}

#[tokio::test]
async fn duplicate_registrations_are_found_and_merged_keeping_both_histories() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let xin = s.joint(&app.db, "新安江甲工会", xinanjiang()).await;
    let xin2 = s.joint(&app.db, "新安江乙工会", xinanjiang()).await;
    let yang = s.joint(&app.db, "洋溪乙工会", yangxi()).await;
    // The same person twice (one digit of the sequence typed wrong), and a namesake with another mobile.
    let (a, b, c) = (
        "330182199001010014",
        "330182199001010030",
        "330182199001010022",
    );
    let (kept, merged) = committed(&app.db, async |tx| {
        let kept = members::add(
            tx,
            "test",
            Scope::City,
            &member(a, "李四", "13900000003", yang.id, (2019, 5, 1)),
        )
        .await?;
        let merged = members::add(
            tx,
            "test",
            Scope::City,
            &member(b, "李四", "13900000003", xin.id, (2017, 2, 1)),
        )
        .await?;
        members::add(
            tx,
            "test",
            Scope::City,
            &member(c, "李四", "13900000004", xin.id, (2019, 5, 1)),
        )
        .await?;
        members::transfer(
            tx,
            "test",
            Scope::City,
            merged,
            xin2.id,
            NaiveDate::from_ymd_opt(2018, 6, 1).expect("date"),
        )
        .await?;
        Ok((kept, merged))
    })
    .await
    .expect("members");

    let city = app.login(domain::platform::Role::UnionAdmin).await;
    let (status, list) = city.page("/union/members/duplicates").await;
    assert_eq!(status, 200);
    assert_eq!(list.matches("name=\"first\"").count(), 1, "{list}");
    // Township staff see only pairs wholly inside their township (this one spans two).
    let township = app.login(domain::platform::Role::UnionStaff).await;
    let (status, theirs) = township.page("/union/members/duplicates").await;
    assert_eq!(status, 200);
    assert!(theirs.contains("未发现疑似重复"), "{theirs}");
    let r = merge(&township, kept, merged, "重复").await;
    assert_eq!(r.status(), 404);

    // Not suspects: refused. Suspects without a reason: refused.
    let namesake =
        members::by_resident_id(&app.db, Scope::City, &ResidentId::parse(c).expect("id"))
            .await
            .expect("namesake")
            .id;
    let r = merge(&city, kept, namesake, "重复").await;
    assert_eq!(r.status(), 422);
    let r = merge(&city, kept, merged, " ").await;
    assert_eq!(r.status(), 422);

    // Both records enrolled in one programme: refused until one withdraws.
    use store::union::programmes::{self, NewProgramme};
    let enrolments = committed(&app.db, async |tx| {
        let p = programmes::create(
            tx,
            "test",
            &NewProgramme {
                name: "疗休养".into(),
                kind: domain::union::welfare::ProgrammeKind::Recuperation,
                level: None,
                year: 2019,
                quota: 5,
            },
        )
        .await?;
        programmes::enrol(
            tx,
            "test",
            Scope::City,
            p,
            &ResidentId::parse(a).expect("id"),
        )
        .await?;
        programmes::enrol(
            tx,
            "test",
            Scope::City,
            p,
            &ResidentId::parse(b).expect("id"),
        )
        .await?;
        programmes::enrolments(
            &mut *tx,
            Scope::City,
            p,
            domain::union::welfare::EnrolmentState::Enrolled,
        )
        .await
    })
    .await
    .expect("enrolments");
    let r = merge(&city, kept, merged, "身份证号录入错误").await;
    assert_answers(r, 422, "同一福利项目的报名").await;
    let second = enrolments
        .iter()
        .find(|e| e.holder.member_id == merged)
        .expect("merged's enrolment")
        .id;
    committed(&app.db, async |tx| {
        programmes::withdraw(tx, "test", Scope::City, second).await
    })
    .await
    .expect("withdraw");

    let r = merge(&city, kept, merged, "身份证号录入错误").await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        city.get(&format!("/union/members/{merged}")).await.status(),
        404
    );
    let (_, page) = city.page(&format!("/union/members/{kept}")).await;
    assert!(page.contains(b), "the merged ID is kept on record: {page}");
    assert!(page.contains("身份证号录入错误"));
    assert!(
        page.contains("新安江乙工会"),
        "the merged record's transfer moved over: {page}"
    );
    let m = members::get(&app.db, Scope::City, kept)
        .await
        .expect("kept");
    assert_eq!(
        m.joined_on,
        NaiveDate::from_ymd_opt(2017, 2, 1).expect("date"),
        "the earlier join date is kept"
    );
    let (_, list) = city.page("/union/members/duplicates").await;
    assert!(list.contains("未发现疑似重复"));
    super::assert_audit_intact(&app.db).await;
}
