//! Sunshine verification closed (阳光核定) and care, through the store and HTTP on
//! whichever backend the suite runs on: the re-review by the policy group and never by the
//! initial reviewer, public objections with a reference number under the public forms'
//! shared rate limit, an open objection blocking confirmation, the posted list frozen while
//! members change and each change round posted again with its history, and temporary
//! housing and care actions stored, shown, exported, overdue stays flagged.

use super::fixture::{self, PROJECT};
use super::{assert_audit_intact, household, status_of};
use crate::support::{TestApp, assert_answers};
use chrono::Days;
use domain::platform::Role;
use domain::platform::masking::{mask_id, mask_name};
use domain::platform::time::today_local;
use domain::relocation::TeamKind;
use store::Db;
use store::relocation::population::{self, Step};
use store::relocation::{Scope, teams};

/// Links the test account `username` to a new person of the project's policy group.
async fn join_policy_group(db: &Db, project_id: i64, name: &str, username: &str) {
    let mut tx = db.begin().await.expect("tx");
    let policy = teams::group_of_kind(&mut tx, project_id, TeamKind::Policy)
        .await
        .expect("policy group");
    teams::add_person(&mut tx, "test", policy, name, None, Some(username))
        .await
        .expect("person");
    tx.commit().await.expect("commit");
}

/// Takes review steps through the store, each by `actor` on its day.
async fn steps(db: &Db, household_id: i64, list: Vec<(&str, Step, chrono::NaiveDate)>) {
    let mut tx = db.begin().await.expect("tx");
    for (actor, step, on) in list {
        population::apply(&mut tx, actor, &Scope::All, household_id, step, on)
            .await
            .expect("review step");
    }
    tx.commit().await.expect("commit");
}

/// Reviewed by staff and the policy group, posted for seven days from today.
async fn post_today(app: &TestApp, household_id: i64) {
    let today = today_local();
    steps(
        &app.db,
        household_id,
        vec![
            ("relocation_staff", Step::InitialReview, today),
            ("relocation_commander", Step::ReReview, today),
            (
                "relocation_commander",
                Step::Post {
                    from: today,
                    days: 7,
                },
                today,
            ),
        ],
    )
    .await;
}

fn text_between<'a>(body: &'a str, start: &str, end: char) -> &'a str {
    let at = body.find(start).expect("marker present") + start.len();
    let len = body[at..].find(end).expect("end marker");
    &body[at..at + len]
}

#[tokio::test]
async fn the_re_review_is_the_policy_groups_and_never_the_initial_reviewers() {
    let app = TestApp::spawn().await;
    let f = fixture::fill(&app.db).await;
    let review = format!("{}/population/review", household(f.ours));
    let decide = format!("{}/population/decide", household(f.ours));
    let staff = app.login(Role::RelocationStaff).await;
    let commander = app.login(Role::RelocationCommander).await;
    let admin = app.login(Role::Admin).await;

    assert_eq!(
        status_of(&staff.post(&review, &[("step", "initial_review")]).await),
        303
    );
    // The initial reviewer may not review twice.
    let r = staff.post(&review, &[("step", "re_review")]).await;
    assert_answers(r, 422, "复审须由初审人以外的人员进行").await;
    // The commander and the administrator are not in the policy group: refused,
    // whichever route they use.
    for (who, path) in [
        (&commander, &decide),
        (&commander, &review),
        (&admin, &decide),
    ] {
        let r = who.post(path, &[("step", "re_review")]).await;
        assert_answers(r, 422, "复审须由本项目综合政策组成员进行").await;
    }

    // A member of the group may; the commander joins it.
    join_policy_group(&app.db, f.project_id, "指挥长", "relocation_commander").await;
    // But never on a list they reviewed first (the policy group's own household).
    let theirs = format!("{}/population/review", household(f.theirs));
    assert_eq!(
        status_of(&commander.post(&theirs, &[("step", "initial_review")]).await),
        303
    );
    let r = commander.post(&theirs, &[("step", "re_review")]).await;
    assert_answers(r, 422, "复审须由初审人以外的人员进行").await;

    assert_eq!(
        status_of(&commander.post(&review, &[("step", "re_review")]).await),
        303
    );
    let (_, page) = commander.page(&household(f.ours)).await;
    assert!(
        page.contains("复审") && page.contains("relocation_commander"),
        "{page}"
    );
    // Inspectors read, never change.
    let inspector = app.login(Role::Inspector).await;
    assert_eq!(
        status_of(&inspector.post(&review, &[("step", "initial_review")]).await),
        403
    );
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn public_objections_get_a_reference_share_the_rate_limit_and_block_confirmation() {
    let app = TestApp::spawn().await;
    let f = fixture::fill(&app.db).await;
    join_policy_group(&app.db, f.project_id, "指挥长", "relocation_commander").await;
    post_today(&app, f.ours).await;
    let public = app.anonymous();
    let posting = format!("/public/relocation/{PROJECT}/population");
    let objections = format!("{posting}/objections");

    // A household whose list is not posted cannot be objected to.
    let r = public
        .post_without_csrf(&objections, &[("household", "T-002"), ("content", "不实")])
        .await;
    assert_answers(r, 422, "不在公示期").await;

    let r = public
        .post_without_csrf(
            &objections,
            &[
                ("household", "T-001"),
                ("content", "张明已在城区落户"),
                ("name", "李四邻"),
            ],
        )
        .await;
    assert_eq!(status_of(&r), 201);
    let body = r.text().await.expect("body");
    let reference = text_between(&body, "编号 <b>", '<').to_string();
    assert!(reference.starts_with("YY"), "{reference}");

    // The lookup shows the state, nothing of who objected or what they said.
    let lookup = format!("{objections}?reference={}", reference.to_lowercase());
    let (status, body) = public.page(&lookup).await;
    assert_eq!(status, 200);
    assert!(body.contains("处理中") && body.contains("T-001"), "{body}");
    assert!(
        !body.contains("李四邻") && !body.contains("城区落户"),
        "{body}"
    );
    let (_, body) = public
        .page(&format!("{objections}?reference=YY1999-0001"))
        .await;
    assert!(body.contains("未找到该编号"), "{body}");

    // Staff see it on the household page with its number.
    let commander = app.login(Role::RelocationCommander).await;
    let (_, page) = commander.page(&household(f.ours)).await;
    assert!(page.contains(&reference) && page.contains("张明已在城区落户"));

    // The open objection blocks confirmation, even after the period.
    let after = today_local() + Days::new(30);
    let mut tx = app.db.begin().await.expect("tx");
    let refused = population::apply(
        &mut tx,
        "relocation_commander",
        &Scope::All,
        f.ours,
        Step::Confirm,
        after,
    )
    .await
    .expect_err("open objection");
    assert!(
        refused.to_string().contains("尚有1条异议未处理"),
        "{refused}"
    );
    drop(tx);

    // The same client's grievance reports count against the same hourly limit.
    let report = format!("/public/relocation/{PROJECT}/report");
    for n in 0..4 {
        let content = format!("第{n}次反映");
        let r = public
            .post_without_csrf(&report, &[("kind", "complaint"), ("content", &content)])
            .await;
        assert_eq!(status_of(&r), 201);
    }
    let r = public
        .post_without_csrf(
            &objections,
            &[("household", "T-001"), ("content", "第六次")],
        )
        .await;
    assert_answers(r, 429, "提交过于频繁").await;

    // Dismissed with a reason: the lookup shows the resolution; confirmation goes through.
    let decide = format!("{}/population/decide", household(f.ours));
    commander
        .submit(
            &decide,
            &[
                ("step", "dismiss"),
                ("index", "1"),
                ("note", "经核实户籍仍在本村"),
            ],
        )
        .await;
    let (_, body) = public.page(&lookup).await;
    assert!(
        body.contains("异议不成立") && body.contains("经核实户籍仍在本村"),
        "{body}"
    );
    steps(
        &app.db,
        f.ours,
        vec![("relocation_commander", Step::Confirm, after)],
    )
    .await;
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn the_posted_list_is_frozen_and_a_change_of_members_is_posted_again_as_a_new_round() {
    let app = TestApp::spawn().await;
    let f = fixture::fill(&app.db).await;
    join_policy_group(&app.db, f.project_id, "指挥长", "relocation_commander").await;
    post_today(&app, f.ours).await;
    let public = app.anonymous();
    let posting = format!("/public/relocation/{PROJECT}/population");
    let staff = app.login(Role::RelocationStaff).await;
    let commander = app.login(Role::RelocationCommander).await;

    // A new member after posting: the public page keeps showing what was posted.
    let newcomer_id = fixture::resident_id("33018220150101003");
    staff
        .submit(
            &format!("{}/members", household(f.ours)),
            &[
                ("name", "欧阳小明"),
                ("resident_id", &newcomer_id),
                ("relation", "孙子"),
            ],
        )
        .await;
    let (status, body) = public.page(&posting).await;
    assert_eq!(status, 200);
    assert!(body.contains("王*") && body.contains("张*三"), "{body}");
    assert!(!body.contains(&mask_name("欧阳小明")), "{body}");
    assert!(!body.contains(&mask_id(&newcomer_id)), "{body}");
    assert!(body.contains("第2轮成果变更中"), "{body}");
    assert!(
        !body.contains("欧阳小明") && !body.contains("张小三"),
        "{body}"
    );

    // The household page: round 2, back in draft, round 1 in the history.
    let (_, page) = staff.page(&household(f.ours)).await;
    assert!(page.contains("第 2 轮，当前阶段：<b>草稿</b>"), "{page}");
    assert!(page.contains("成员变更，进入下一轮"), "{page}");

    // Reviewed and posted again: the public page shows the second round's list.
    let review = format!("{}/population/review", household(f.ours));
    let decide = format!("{}/population/decide", household(f.ours));
    assert_eq!(
        status_of(&staff.post(&review, &[("step", "initial_review")]).await),
        303
    );
    assert_eq!(
        status_of(&commander.post(&review, &[("step", "re_review")]).await),
        303
    );
    assert_eq!(
        status_of(
            &commander
                .post(&decide, &[("step", "post"), ("days", "7")])
                .await
        ),
        303
    );
    let (_, body) = public.page(&posting).await;
    assert!(
        body.contains(&mask_name("欧阳小明")) && body.contains("第 2 轮"),
        "{body}"
    );
    assert!(
        !body.contains("成果变更中") && !body.contains("欧阳小明"),
        "{body}"
    );

    // Confirmed, then a member removed: a third round starts; the history keeps both.
    steps(
        &app.db,
        f.ours,
        vec![(
            "relocation_commander",
            Step::Confirm,
            today_local() + Days::new(10),
        )],
    )
    .await;
    let members = store::relocation::members::of_household(&app.db, f.ours)
        .await
        .expect("members");
    let newcomer = members
        .iter()
        .find(|m| m.name == "欧阳小明")
        .expect("newcomer");
    staff
        .submit(
            &format!("/relocation/members/{}/remove", newcomer.id),
            &[("household", &f.ours.to_string())],
        )
        .await;
    let review = population::of_household(&app.db, f.ours)
        .await
        .expect("review");
    assert_eq!(review.round(), 3);
    let rounds = population::rounds(&app.db, f.ours).await.expect("rounds");
    assert_eq!(rounds.len(), 2);
    assert_eq!(rounds[0].members.as_ref().map(Vec::len), Some(3));
    assert_eq!(rounds[1].members.as_ref().map(Vec::len), Some(4));
    assert!(rounds[1].posting.confirmed_on.is_some());
    let (_, page) = staff.page(&household(f.ours)).await;
    assert!(
        page.contains("第 1 轮") && page.contains("第 2 轮"),
        "{page}"
    );
    assert!(
        page.contains("认定；") && page.contains("欧阳小明（孙子）"),
        "{page}"
    );
    // The public page still shows the confirmed second round, saying a third is under way.
    let (_, body) = public.page(&posting).await;
    assert!(
        body.contains("第3轮成果变更中") && body.contains(&mask_name("欧阳小明")),
        "{body}"
    );
    assert_audit_intact(&app).await;
}

#[tokio::test]
async fn temporary_housing_and_care_actions_are_recorded_shown_exported_and_overdue_flagged() {
    let app = TestApp::spawn().await;
    let f = fixture::fill(&app.db).await;
    let staff = app.login(Role::RelocationStaff).await;
    let commander = app.login(Role::RelocationCommander).await;
    let today = today_local();
    let day = |d: chrono::NaiveDate| d.to_string();

    let stays = format!("{}/temporary-housing", household(f.ours));
    staff
        .submit(
            &stays,
            &[
                ("place", "杨村桥村周转房3号"),
                ("from", &day(today - Days::new(200))),
                ("until", &day(today - Days::new(10))),
                ("months", "6"),
            ],
        )
        .await;
    let r = staff
        .post(
            &stays,
            &[
                ("place", "周转房"),
                ("from", &day(today)),
                ("until", &day(today - Days::new(1))),
            ],
        )
        .await;
    assert_answers(r, 422, "过渡截止日期不能早于开始日期").await;
    commander
        .submit(
            &format!("{}/temporary-housing", household(f.theirs)),
            &[
                ("place", "自行租房（新安江街道）"),
                ("from", &day(today - Days::new(30))),
                ("until", &day(today + Days::new(300))),
                ("months", "12"),
            ],
        )
        .await;

    let care = format!("{}/care", household(f.ours));
    staff
        .submit(
            &care,
            &[
                ("kind", "harvest"),
                ("helpers", "镇干部5人"),
                ("note", "抢收十里埠青苗"),
            ],
        )
        .await;
    let r = staff
        .post(&care, &[("kind", "moving"), ("helpers", " ")])
        .await;
    assert_eq!(status_of(&r), 422);
    let inspector = app.login(Role::Inspector).await;
    assert_eq!(
        status_of(
            &inspector
                .post(&care, &[("kind", "moving"), ("helpers", "x")])
                .await
        ),
        403
    );
    // Staff of group 1 do not reach the policy group's household.
    assert_eq!(
        status_of(
            &staff
                .post(
                    &format!("{}/care", household(f.theirs)),
                    &[("kind", "moving"), ("helpers", "x")]
                )
                .await
        ),
        404
    );

    let (_, page) = inspector.page(&household(f.ours)).await;
    assert!(
        page.contains("杨村桥村周转房3号") && page.contains("已超期"),
        "{page}"
    );
    assert!(
        page.contains("抢收青苗") && page.contains("镇干部5人"),
        "{page}"
    );

    // The export lists both households, earliest until-date first, the late one flagged.
    let r = commander
        .get(&format!(
            "/relocation/projects/{PROJECT}/temporary-housing.xlsx"
        ))
        .await;
    assert_eq!(status_of(&r), 200);
    let bytes = r.bytes().await.expect("body");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("stays.xlsx");
    std::fs::write(&file, &bytes).expect("write");
    let columns = [
        sheets::Column::required("户编号"),
        sheets::Column::required("截止日期"),
        sheets::Column::required("超期"),
    ];
    let rows: Vec<(String, String, String)> = sheets::SheetReader::open(&file, &columns)
        .expect("sheet")
        .map(|r| {
            let r = r.expect("row");
            (r.text_trimmed(0), r.text_trimmed(1), r.text_trimmed(2))
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("T-001".into(), day(today - Days::new(10)), "已超期".into()),
            ("T-002".into(), day(today + Days::new(300)), String::new()),
        ]
    );
    // Staff export only what they reach.
    let r = staff
        .get(&format!(
            "/relocation/projects/{PROJECT}/temporary-housing.xlsx"
        ))
        .await;
    assert_eq!(status_of(&r), 200);

    // Corrected: extended, no longer overdue; the care action removed.
    let stay = store::relocation::care::stays(&app.db, f.ours)
        .await
        .expect("stays")[0]
        .id;
    staff
        .submit(
            &format!("/relocation/temporary-housing/{stay}"),
            &[
                ("household", &f.ours.to_string()),
                ("place", "杨村桥村周转房3号"),
                ("from", &day(today - Days::new(200))),
                ("until", &day(today + Days::new(60))),
                ("months", "9"),
            ],
        )
        .await;
    let action = store::relocation::care::actions(&app.db, f.ours)
        .await
        .expect("actions")[0]
        .id;
    staff
        .submit(
            &format!("/relocation/care/{action}/remove"),
            &[("household", &f.ours.to_string())],
        )
        .await;
    let (_, page) = staff.page(&household(f.ours)).await;
    assert!(
        !page.contains("已超期") && !page.contains("镇干部5人"),
        "{page}"
    );
    assert_audit_intact(&app).await;
}
