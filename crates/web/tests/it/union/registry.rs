//! The member registry: one record per resident ID, search by name, ID or mobile,
//! transfers with history, leaving without deleting, the member portal.

use super::{assert_audit_intact, member, rid, seed, xinanjiang, yangxi};
use crate::support::{MEMBER_ID, Session, TestApp, assert_answers, committed};
use chrono::{Datelike, NaiveDate};
use domain::platform::{ResidentId, Role};
use store::StoreError;
use store::union::Scope;
use store::union::members::{self, NewMember};

/// Registers member `m` as staff of `scope` would, in a committed transaction of its own.
async fn try_add_member(db: &store::Db, scope: Scope, m: &NewMember) -> Result<i64, StoreError> {
    committed(db, async |tx| members::add(tx, "test", scope, m).await).await
}

/// Registers member `m` at the city federation; returns its id.
async fn add_member(db: &store::Db, m: &NewMember) -> i64 {
    try_add_member(db, Scope::City, m).await.expect("add")
}

/// Posts `form` to `path` twice, both requests in flight together; their statuses, sorted.
async fn post_twice_at_once(staff: &Session, path: &str, form: &[(&str, &str)]) -> [u16; 2] {
    let (first, second) = tokio::join!(staff.post(path, form), staff.post(path, form));
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    statuses
}

fn new_member(id: &str, name: &str, mobile: &str, union_id: i64) -> NewMember {
    NewMember {
        migrant_worker: true,
        ..member(id, name, mobile, union_id, (2019, 3, 5))
    }
}

#[tokio::test]
async fn one_record_per_id_and_search_by_name_id_or_mobile() {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    let s = seed(&db).await;
    let a = s.joint(&db, "甲工会", xinanjiang()).await;
    let b = s.joint(&db, "乙工会", yangxi()).await;
    add_member(&db, &new_member(&rid(1), "欧阳小明", "13812345678", a.id)).await;
    add_member(&db, &new_member(&rid(2), "欧阳娜", "13912345678", a.id)).await;
    let again = try_add_member(&db, Scope::City, &new_member(&rid(1), "冒名", "", b.id)).await;
    assert!(matches!(again, Err(StoreError::Conflict(m)) if m.contains("欧阳小明")));
    // From another township the conflict does not say who it is.
    let hidden = try_add_member(
        &db,
        Scope::Township(yangxi()),
        &new_member(&rid(1), "冒名", "", b.id),
    )
    .await;
    assert!(matches!(hidden, Err(StoreError::Conflict(m)) if !m.contains("欧阳小明")));

    let by_id = members::search(&db, Scope::City, &rid(1), 10)
        .await
        .expect("search");
    assert_eq!(
        by_id.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        ["欧阳小明"]
    );
    let by_mobile = members::search(&db, Scope::City, "+86 139-1234-5678", 10)
        .await
        .expect("search");
    assert_eq!(
        by_mobile
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>(),
        ["欧阳娜"]
    );
    let by_name = members::search(&db, Scope::City, "欧阳", 10)
        .await
        .expect("search");
    assert_eq!(by_name.len(), 2);
    let elsewhere = members::search(&db, Scope::Township(yangxi()), "欧阳", 10)
        .await
        .expect("search");
    assert!(
        elsewhere.is_empty(),
        "another township's staff find nothing"
    );
    let m = &by_id[0];
    assert_eq!(
        m.sex_label(),
        if rid(1).as_bytes()[16] % 2 == 1 {
            "男"
        } else {
            "女"
        }
    );
    assert_eq!(m.birth_date().year(), 1985, "birth date read from the ID");
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn transfers_keep_the_history_and_leaving_keeps_the_record() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let a = s.joint(&app.db, "甲工会", xinanjiang()).await;
    let b = s.joint(&app.db, "乙工会", xinanjiang()).await;
    let staff = app.login(Role::UnionStaff).await;
    let union_id = a.id.to_string();
    staff
        .submit(
            "/union/members",
            &[
                ("name", "钱八"),
                ("resident_id", &rid(9)),
                ("mobile", "13700001111"),
                ("union_id", &union_id),
                ("joined_on", "2019-03-05"),
            ],
        )
        .await;
    let m = members::by_resident_id(
        &app.db,
        Scope::City,
        &ResidentId::parse(&rid(9)).expect("id"),
    )
    .await
    .expect("member");
    let to = b.id.to_string();
    staff
        .submit(
            &format!("/union/members/{}/transfer", m.id),
            &[("union_id", &to), ("on", "2019-08-01")],
        )
        .await;
    staff
        .submit(
            &format!("/union/members/{}/leave", m.id),
            &[("on", "2019-12-01")],
        )
        .await;
    let after = members::get(&app.db, Scope::City, m.id)
        .await
        .expect("still there");
    assert_eq!(after.union_name, "乙工会");
    assert_eq!(
        after.left_on.map(|d| d.to_string()).as_deref(),
        Some("2019-12-01")
    );
    let (_, page) = staff.page(&format!("/union/members/{}", m.id)).await;
    assert!(
        page.contains("2019-08-01")
            && page.contains("甲工会")
            && page.contains("已于 2019-12-01 离会")
    );
    // Leaving twice is refused with a reason.
    let r = staff
        .post(
            &format!("/union/members/{}/leave", m.id),
            &[("on", "2019-12-02")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_audit_intact(&app.db).await;
}

#[tokio::test]
async fn a_double_submitted_leave_is_recorded_once() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let a = s.joint(&app.db, "甲工会", xinanjiang()).await;
    let m = add_member(&app.db, &new_member(&rid(3), "孙七", "", a.id)).await;
    let staff = app.login(Role::UnionStaff).await;
    let path = format!("/union/members/{m}/leave");
    let form = [("on", "2019-12-01")];
    // Both requests are in flight together: the check and the write share one transaction,
    // so only one of them can find the member still in.
    assert_eq!(post_twice_at_once(&staff, &path, &form).await, [303, 422]);
    let after = members::get(&app.db, Scope::City, m).await.expect("member");
    assert_eq!(
        after.left_on.map(|d| d.to_string()).as_deref(),
        Some("2019-12-01")
    );
    assert_audit_intact(&app.db).await;
}

#[tokio::test]
async fn a_double_submitted_transfer_is_recorded_once() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let a = s.joint(&app.db, "甲工会", xinanjiang()).await;
    let b = s.joint(&app.db, "乙工会", xinanjiang()).await;
    let m = add_member(&app.db, &new_member(&rid(4), "周八", "", a.id)).await;
    let staff = app.login(Role::UnionStaff).await;
    let path = format!("/union/members/{m}/transfer");
    let to = b.id.to_string();
    let form = [("union_id", to.as_str()), ("on", "2019-12-01")];
    // Both in flight together: whichever writes second finds the member moved already.
    assert_eq!(post_twice_at_once(&staff, &path, &form).await, [303, 422]);
    let after = members::get(&app.db, Scope::City, m).await.expect("member");
    assert_eq!(after.union_id, b.id);
    let history = members::transfers(&app.db, m).await.expect("history");
    assert_eq!(history.len(), 1, "one transfer recorded: {history:?}");
    assert_audit_intact(&app.db).await;
}

#[tokio::test]
async fn the_member_portal_shows_the_own_record_masked() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let a = s.joint(&app.db, "甲工会", xinanjiang()).await;
    let member = app.login(Role::Member).await;
    let (status, page) = member.page("/union/me").await;
    assert_eq!(status, 200);
    assert!(page.contains("未找到"), "no record yet");
    add_member(
        &app.db,
        &new_member(MEMBER_ID, "张小三", "13812345678", a.id),
    )
    .await;
    let (_, page) = member.page("/union/me").await;
    assert!(page.contains("110105********002X"), "masked ID");
    assert!(page.contains("138****5678"), "masked mobile");
    assert!(page.contains("张*三"), "masked name");
    assert!(!page.contains(MEMBER_ID) && !page.contains("13812345678"));
    assert!(page.contains("甲工会"));
}

#[tokio::test]
async fn township_staff_move_members_only_within_their_township_and_learn_nothing_of_others() {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let a = s.joint(&app.db, "甲工会", xinanjiang()).await;
    let elsewhere = s.joint(&app.db, "洋溪某企业工会", yangxi()).await;
    let m = add_member(&app.db, &new_member(&rid(5), "吴九", "", a.id)).await;
    let staff = app.login(Role::UnionStaff).await;
    // The form refuses what the import refuses: a union of another township.
    let r = staff
        .post(
            &format!("/union/members/{m}/transfer"),
            &[
                ("union_id", &elsewhere.id.to_string()),
                ("on", "2019-12-01"),
            ],
        )
        .await;
    assert_answers(r, 422, "市总工会办理").await;
    assert_eq!(
        members::get(&app.db, Scope::City, m)
            .await
            .expect("member")
            .union_id,
        a.id
    );
    // The city federation may move them.
    committed(&app.db, async |tx| {
        members::transfer(
            tx,
            "test",
            Scope::City,
            m,
            elsewhere.id,
            NaiveDate::from_ymd_opt(2019, 12, 1).unwrap_or_default(),
        )
        .await
    })
    .await
    .expect("city transfer");
    // Registering the same ID again in 新安江 says only that it cannot be registered here.
    let e = try_add_member(
        &app.db,
        Scope::Township(xinanjiang()),
        &new_member(&rid(5), "吴九", "", a.id),
    )
    .await
    .expect_err("refused");
    let text = e.to_string();
    assert!(
        text.contains("不能在此登记") && !text.contains("洋溪") && !text.contains("其他乡镇"),
        "{text}"
    );
}
