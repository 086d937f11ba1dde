//! Activities, sign-ups, participations, teams and honours: capacity under concurrency,
//! participations counted apart from participants, township scoping of every page, the
//! member's own sign-ups, the imports' row errors.

use super::{Seed, assert_audit_intact, import, rid, seed, xinanjiang, xlsx, yangxi};
use crate::support::{MEMBER_ID, TestApp, committed};
use ::imports::ImportOptions;
use chrono::NaiveDate;
use domain::platform::{ResidentId, Role};
use domain::union::activity::{ActivityDates, ActivityKind, ActivityLevel};
use domain::union::organising::Organisation;
use domain::union::township::Township;
use store::union::Scope;
use store::union::activities::{self, ActivityInput, year_figures};
use store::union::members::{self};
use store::union::participations::{self, NewParticipation};
use store::union::signups;
use store::{Db, StoreError};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// An activity of `kind` in township `t` (city level when `None`) on `start`..`end`.
fn plan(
    name: &str,
    kind: ActivityKind,
    t: Option<Township>,
    (start, end): (NaiveDate, NaiveDate),
    capacity: Option<u32>,
) -> ActivityInput {
    let level = if t.is_some() {
        ActivityLevel::Township
    } else {
        ActivityLevel::City
    };
    ActivityInput {
        name: name.into(),
        kind,
        organisation: Organisation::new(level, t).expect("organisation"),
        organiser: "测试工会".into(),
        co_organisers: vec![],
        joint_mode: None,
        dates: ActivityDates::new(start, end).expect("dates"),
        place: "职工之家".into(),
        capacity,
        open_for_signup: true,
        team_id: None,
    }
}

async fn add_activity(db: &Db, a: &ActivityInput) -> i64 {
    committed(db, async |tx| {
        activities::create(tx, "test", Scope::City, a).await
    })
    .await
    .expect("activity")
}

/// Import options that set invalid rows aside and write the rest.
fn skipping() -> ImportOptions {
    ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    }
}

/// The Excel row and column of every rejected cell of a report.
fn cells_of(report: &::imports::ImportReport) -> Vec<(usize, &str)> {
    report
        .invalid
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect()
}

/// A city online project running from 2019-03-01 to the end of 2019; its id.
async fn online_project(db: &Db, name: &str) -> i64 {
    let dates = (day(2019, 3, 1), day(2019, 12, 31));
    add_activity(
        db,
        &plan(name, ActivityKind::OnlineProject, None, dates, None),
    )
    .await
}

/// A member of `union_id` with resident ID `id`; their member id.
async fn add_member(db: &Db, id: &str, name: &str, union_id: i64) -> i64 {
    let m = super::member(id, name, "", union_id, (2019, 3, 5));
    committed(db, async |tx| {
        members::add(tx, "test", Scope::City, &m).await
    })
    .await
    .expect("member")
}

/// A sign-up in a committed transaction of its own.
async fn sign_up(db: &Db, activity: i64, member: i64) -> Result<i64, StoreError> {
    committed(db, async |tx| {
        signups::sign_up(tx, "test", activity, member, day(2026, 1, 1)).await
    })
    .await
}

#[tokio::test]
async fn simultaneous_sign_ups_never_exceed_the_capacity() {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    let s: Seed = seed(&db).await;
    let mut people = Vec::new();
    for n in 0..8 {
        people.push(add_member(&db, &rid(n), &format!("会员{n}"), s.xin.id).await);
    }
    let a = plan(
        "职工运动会",
        ActivityKind::SportsMatch,
        Some(xinanjiang()),
        (day(2030, 5, 1), day(2030, 5, 2)),
        Some(3),
    );
    let id = add_activity(&db, &a).await;
    let attempts = people.iter().map(|&m| {
        let db = db.clone();
        tokio::spawn(async move { sign_up(&db, id, m).await })
    });
    let results = futures::future::join_all(attempts).await;
    let won = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
    let full = results
        .iter()
        .filter(|r| matches!(r, Ok(Err(StoreError::Conflict(m))) if m.contains("名额已满")))
        .count();
    assert_eq!((won, full), (3, 5), "{results:?}");
    let after = activities::get(&db, Scope::City, id).await.expect("get");
    assert_eq!(after.taken, 3);
    assert_eq!(signups::of_activity(&db, id).await.expect("list").len(), 3);

    // A cancelled place goes to the next member; nobody signs up twice.
    let standing = signups::of_activity(&db, id).await.expect("list");
    let first = &standing[0];
    committed(&db, async |tx| {
        signups::cancel(tx, "test", first.id, first.member_id).await
    })
    .await
    .expect("cancel");
    let again = sign_up(&db, id, standing[1].member_id).await;
    assert!(matches!(again, Err(StoreError::Conflict(m)) if m.contains("已报名")));
    let loser = people
        .iter()
        .find(|p| !standing.iter().any(|s| s.member_id == **p))
        .copied()
        .expect("someone who lost");
    sign_up(&db, id, loser).await.expect("a freed place");
    assert_eq!(
        activities::get(&db, Scope::City, id)
            .await
            .expect("get")
            .taken,
        3
    );
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn participations_and_distinct_participants_are_counted_apart() {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    let s = seed(&db).await;
    let member = add_member(&db, &rid(1), "甲", s.xin.id).await;
    let online = online_project(&db, "网上答题").await;
    let training = add_activity(
        &db,
        &plan(
            "岗位练兵",
            ActivityKind::OnTheJobTraining,
            Some(yangxi()),
            (day(2019, 6, 1), day(2019, 6, 30)),
            None,
        ),
    )
    .await;
    let take = |activity, member_id, id: &str, on| NewParticipation {
        activity_id: activity,
        member_id,
        resident_id: ResidentId::parse(id).expect("id"),
        name: "某人".into(),
        took_part_on: on,
    };
    let rows = vec![
        take(online, Some(member), &rid(1), day(2019, 3, 2)),
        take(online, Some(member), &rid(1), day(2019, 4, 2)),
        take(online, None, &rid(99), day(2019, 5, 2)),
        take(training, Some(member), &rid(1), day(2019, 6, 3)),
    ];
    committed(&db, async |tx| {
        participations::insert_many(tx, "test", &rows).await
    })
    .await
    .expect("bulk");
    let a = activities::get(&db, Scope::City, online)
        .await
        .expect("get");
    assert_eq!((a.participations, a.participants), (3, 2));
    let f = year_figures(&db, 2019, Scope::City).await.expect("figures");
    assert_eq!(
        (
            f.online_projects,
            f.online_participations,
            f.online_participants
        ),
        (1, 3, 2)
    );
    assert_eq!((f.training_participations, f.training_participants), (1, 1));
    assert_eq!(
        year_figures(&db, 2020, Scope::City)
            .await
            .expect("2020")
            .online_participations,
        0
    );
    // A township counts its own activities only.
    let yang = year_figures(&db, 2019, Scope::Township(yangxi()))
        .await
        .expect("yang");
    assert_eq!((yang.online_projects, yang.training_participations), (0, 1));
    let xin = year_figures(&db, 2019, Scope::Township(xinanjiang()))
        .await
        .expect("xin");
    assert_eq!(xin.training_participations, 0);
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn township_staff_see_and_change_only_their_townships_activities() {
    let app = TestApp::spawn().await;
    seed(&app.db).await;
    let when = (day(2030, 5, 1), day(2030, 5, 1));
    let ours = add_activity(
        &app.db,
        &plan(
            "本镇竞赛",
            ActivityKind::SkillCompetition,
            Some(xinanjiang()),
            when,
            None,
        ),
    )
    .await;
    let theirs = add_activity(
        &app.db,
        &plan(
            "他镇竞赛",
            ActivityKind::SkillCompetition,
            Some(yangxi()),
            when,
            None,
        ),
    )
    .await;
    let city = add_activity(
        &app.db,
        &plan("市级竞赛", ActivityKind::SkillCompetition, None, when, None),
    )
    .await;
    let staff = app.login(Role::UnionStaff).await;
    let (status, list) = staff.page("/union/activities").await;
    assert_eq!(status, 200);
    assert!(list.contains("本镇竞赛") && list.contains("市级竞赛"));
    assert!(!list.contains("他镇竞赛"));
    assert_eq!(
        staff.page(&format!("/union/activities/{ours}")).await.0,
        200
    );
    assert_eq!(
        staff.page(&format!("/union/activities/{city}")).await.0,
        200
    );
    assert_eq!(
        staff.page(&format!("/union/activities/{theirs}")).await.0,
        404
    );
    assert_eq!(
        staff
            .get(&format!("/union/activities/{theirs}/participations.xlsx"))
            .await
            .status(),
        404
    );
    let edit = [
        ("name", "改名"),
        ("kind", "技能竞赛"),
        ("level", "乡镇级"),
        ("township", "330182001"),
        ("organiser", "x"),
        ("start_on", "2030-05-01"),
    ];
    for id in [theirs, city] {
        let r = staff.post(&format!("/union/activities/{id}"), &edit).await;
        assert_eq!(r.status(), 404, "activity {id}");
    }
    staff
        .submit(&format!("/union/activities/{ours}"), &edit)
        .await;
    // Creating one for another township is refused.
    let mut other = edit.to_vec();
    other[3] = ("township", "330182002");
    assert_eq!(staff.post("/union/activities", &other).await.status(), 409);
    // Teams and honours are scoped the same way.
    let yang_team = committed(&app.db, async |tx| {
        store::union::teams::create(
            tx,
            "test",
            Scope::City,
            &store::union::teams::TeamInput {
                name: "洋溪志愿服务队".into(),
                kind: domain::union::organising::TeamKind::VolunteerTeam,
                township: Some(yangxi()),
            },
        )
        .await
    })
    .await
    .expect("team");
    assert_eq!(
        staff.page(&format!("/union/teams/{yang_team}")).await.0,
        404
    );
    let honour = committed(&app.db, async |tx| {
        store::union::honours::record(
            tx,
            "test",
            Scope::City,
            &store::union::honours::HonourInput {
                kind: domain::union::honour::HonourKind::PioneerTeam,
                level: domain::union::honour::HonourLevel::Jiande,
                year: 2019,
                holder: "洋溪某车间".into(),
                resident_id: None,
                workplace: "洋溪某公司".into(),
                township: Some(yangxi()),
            },
        )
        .await
    })
    .await
    .expect("honour")
    .0;
    assert!(!staff.page("/union/honours").await.1.contains("洋溪某车间"));
    assert_eq!(
        staff
            .post(&format!("/union/honours/{honour}/delete"), &[])
            .await
            .status(),
        404
    );
    // The API lists the same activities.
    let json: serde_json::Value = staff
        .get("/api/v1/union/activities")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(json["total"], 2, "{json}");
    // Inspectors read everything and change nothing.
    let inspector = app.login(Role::Inspector).await;
    assert_eq!(
        inspector
            .page(&format!("/union/activities/{theirs}"))
            .await
            .0,
        200
    );
    assert_eq!(
        inspector
            .post(&format!("/union/activities/{theirs}"), &edit)
            .await
            .status(),
        403
    );
    assert_audit_intact(&app.db).await;
}

#[tokio::test]
async fn a_member_signs_up_and_cancels_only_their_own() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let me = add_member(&app.db, MEMBER_ID, "测试会员", s.xin.id).await;
    let other = add_member(&app.db, &rid(7), "别人", s.xin.id).await;
    let id = add_activity(
        &app.db,
        &plan(
            "职工健步走",
            ActivityKind::CulturalEvent,
            Some(xinanjiang()),
            (day(2030, 5, 1), day(2030, 5, 1)),
            Some(5),
        ),
    )
    .await;
    let theirs = sign_up(&app.db, id, other).await.expect("other signs up");
    let member = app.login(Role::Member).await;
    let (status, page) = member.page("/union/me/activities").await;
    assert_eq!(status, 200);
    assert!(page.contains("职工健步走") && page.contains("剩余名额 4"));
    // Two taps at once sign the member up once.
    let path = format!("/union/me/activities/{id}/signup");
    let (a, b) = tokio::join!(member.post(&path, &[]), member.post(&path, &[]));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 409]);
    let (_, page) = member.page("/union/me/activities").await;
    assert!(page.contains("取消报名"));
    // Another member's sign-up cannot be cancelled by naming its id.
    let r = member
        .post(&format!("/union/me/signups/{theirs}/cancel"), &[])
        .await;
    assert_eq!(r.status(), 404);
    let standing = signups::of_activity(&app.db, id).await.expect("list");
    assert!(standing.iter().any(|s| s.id == theirs));
    assert!(!page.contains("别人"), "nobody else's sign-ups are shown");
    let mine = standing
        .iter()
        .find(|s| s.member_id == me)
        .expect("mine")
        .id;
    member
        .submit(&format!("/union/me/signups/{mine}/cancel"), &[])
        .await;
    assert_eq!(
        signups::of_activity(&app.db, id).await.expect("list").len(),
        1
    );
    // The staff pages are not the member's.
    assert_eq!(member.get("/union/activities").await.status(), 403);
    assert_audit_intact(&app.db).await;
}

#[tokio::test]
async fn a_participation_list_row_with_an_unknown_member_is_reported_by_row_and_column() {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    let s = seed(&db).await;
    add_member(&db, &rid(1), "甲", s.xin.id).await;
    let online = online_project(&db, "网上答题").await;
    let headers = [
        "活动名称",
        "活动开始日期",
        "姓名",
        "身份证号",
        "参与日期",
        "是否会员",
    ];
    let row = |id: String, member: &str, on: &str| {
        vec![
            "网上答题".to_string(),
            "2019-03-01".into(),
            "某人".into(),
            id,
            on.into(),
            member.into(),
        ]
    };
    let path = dir.path().join("p.xlsx");
    xlsx(
        &path,
        &headers,
        &[
            row(rid(1), "", "2019-03-02"),
            row(rid(2), "", "2019-03-02"),
            row(rid(3), "否", ""),
            row(rid(1), "是", "2020-01-05"),
        ],
    );
    let report = import(&db, "participations", &path, ImportOptions::default()).await;
    assert!(!report.written);
    let errors: Vec<(usize, &str)> = report
        .invalid
        .iter()
        .map(|e| (e.row, e.column.as_str()))
        .collect();
    assert_eq!(
        errors,
        [(3, "身份证号"), (5, "参与日期")],
        "{:?}",
        report.invalid
    );
    assert_eq!(
        activities::get(&db, Scope::City, online)
            .await
            .expect("get")
            .participations,
        0
    );
    let report = import(&db, "participations", &path, skipping()).await;
    assert!(report.written);
    let a = activities::get(&db, Scope::City, online)
        .await
        .expect("get");
    assert_eq!((a.participations, a.participants), (2, 2));
    let all = participations::all(&db, Scope::City, Some(online))
        .await
        .expect("all");
    assert_eq!(
        all.iter()
            .map(|p| p.member_id.is_some())
            .collect::<Vec<_>>(),
        [true, false],
        "the non-member is kept without a member"
    );
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn activities_and_honours_import_and_count_in_the_year_figures() {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    seed(&db).await;
    let path = dir.path().join("a.xlsx");
    let headers: Vec<&str> = ::imports::union::activities::COLUMNS
        .iter()
        .map(|c| c.name)
        .collect();
    let line = |name: &str, level: &str, township: &str| {
        vec![
            name.to_string(),
            "技能竞赛".into(),
            level.into(),
            township.into(),
            "主办".into(),
            "团市委、市妇联".into(),
            "党群联建".into(),
            "2019-05-01".into(),
            "2019-05-02".into(),
            "某地".into(),
            "".into(),
            "否".into(),
            "".into(),
        ]
    };
    xlsx(
        &path,
        &headers,
        &[
            line("市级竞赛", "市级", ""),
            line("镇级竞赛", "乡镇级", "新安江街道"),
            line("无镇竞赛", "乡镇级", ""),
        ],
    );
    let report = import(&db, "activities", &path, ImportOptions::default()).await;
    assert_eq!(cells_of(&report), [(4, "所属乡镇")]);
    let report = import(&db, "activities", &path, skipping()).await;
    assert_eq!(report.imported, 2);
    let f = year_figures(&db, 2019, Scope::City).await.expect("figures");
    assert_eq!((f.city_competitions, f.competitions), (1, 2));
    // Re-importing the same file updates, it does not add.
    let again = import(&db, "activities", &path, skipping()).await;
    assert_eq!((again.imported, again.updated), (0, 2));

    let path = dir.path().join("h.xlsx");
    let headers: Vec<&str> = ::imports::union::honours::COLUMNS
        .iter()
        .map(|c| c.name)
        .collect();
    let honour = |kind: &str, level: &str, holder: &str| {
        vec![
            "2019".to_string(),
            kind.into(),
            level.into(),
            holder.into(),
            "".into(),
            "某公司".into(),
            "新安江街道".into(),
        ]
    };
    xlsx(
        &path,
        &headers,
        &[
            honour("劳模", "建德市级", "张三"),
            honour("劳模", "省级", "李四"),
            honour("浙江工匠", "杭州市级", "王五"),
            honour("工人先锋号", "杭州市级", "一号车间"),
            honour("创新工作室", "建德市级", "某工作室"),
        ],
    );
    let report = import(&db, "honours", &path, skipping()).await;
    assert_eq!(cells_of(&report), [(4, "荣誉级别")]);
    let h = store::union::honours::year_figures(&db, 2019, Scope::City)
        .await
        .expect("honours");
    assert_eq!(
        (
            h.model_workers,
            h.zhejiang_craftsmen,
            h.pioneer_teams,
            h.innovation_studios
        ),
        (2, 0, 1, 1)
    );
    // Township staff import only their township's activities.
    let path = dir.path().join("t.xlsx");
    let headers: Vec<&str> = ::imports::union::activities::COLUMNS
        .iter()
        .map(|c| c.name)
        .collect();
    xlsx(&path, &headers, &[line("洋溪竞赛", "乡镇级", "洋溪街道")]);
    let report = ::imports::import(
        &db,
        ::imports::ImportKind::Activities,
        &path,
        &ImportOptions {
            actor: "test".into(),
            ..ImportOptions::default()
        },
        &::imports::ImportScope::union(Scope::Township(xinanjiang())),
    )
    .await
    .expect("runs");
    assert_eq!(cells_of(&report), [(2, "所属乡镇")]);
    let out = dir.path().join("out.xlsx");
    assert_eq!(crate::support::export_file(&db, "honours", &out).await, 4);
    assert_eq!(
        crate::support::export_file(&db, "activities", &out).await,
        2
    );
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn the_services_templates_import_their_example_rows() {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    let s = seed(&db).await;
    add_member(&db, "330182199001010014", "张三", s.xin.id).await;
    online_project(&db, "2019年建德市总工会网上项目第1期").await;
    for kind in ["activities", "participations", "honours"] {
        let out = dir.path().join(format!("{kind}.xlsx"));
        ::imports::template(::imports::ImportKind::parse(kind).expect("kind"), &out)
            .expect("template");
        let report = import(&db, kind, &out, ImportOptions::default()).await;
        assert!(report.written, "{kind}: {:?}", report.invalid);
        assert_eq!(report.total, 1, "{kind}: one example row");
    }
    assert_audit_intact(&db).await;
}
