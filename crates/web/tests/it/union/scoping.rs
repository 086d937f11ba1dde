//! Township scoping: union_staff see and change only their own township; anything else
//! answers 404 (403 is reserved for "this role may not use this route"). Lists mask IDs.

use super::{enterprise, member, seed, xinanjiang, yangxi};
use crate::support::{TestApp, committed};
use domain::platform::Role;
use store::union::Scope;
use store::union::members::{self};

const OWN_ID: &str = "11010519491231002X";
const OTHER_ID: &str = "440524188001010014";

async fn arrange(app: &TestApp) -> (i64, i64, i64, i64, i64) {
    let s = seed(&app.db).await;
    let own_union = s.joint(&app.db, "新安江甲工会", xinanjiang()).await;
    let other_union = s.joint(&app.db, "洋溪乙工会", yangxi()).await;
    let own_e = enterprise(&app.db, 1, xinanjiang(), 80, false).await;
    let other_e = enterprise(&app.db, 2, yangxi(), 80, false).await;
    let add = |id: &str, name: &str, union_id: i64| {
        member(id, name, "13812345678", union_id, (2019, 3, 5))
    };
    let (own, other) = (
        add(OWN_ID, "本乡会员", own_union.id),
        add(OTHER_ID, "外乡会员", other_union.id),
    );
    let (own_m, other_m) = committed(&app.db, async |tx| {
        let own_m = members::add(tx, "test", Scope::City, &own).await?;
        Ok((own_m, members::add(tx, "test", Scope::City, &other).await?))
    })
    .await
    .expect("members");
    (own_e, other_e, own_m, other_m, other_union.id)
}

#[tokio::test]
async fn township_staff_cannot_see_or_change_another_townships_records() {
    let app = TestApp::spawn().await;
    let (own_e, other_e, own_m, other_m, other_union) = arrange(&app).await;
    let staff = app.login(Role::UnionStaff).await;
    for path in [
        format!("/union/enterprises/{other_e}"),
        format!("/union/members/{other_m}"),
        format!("/union/unions/{other_union}"),
        "/union/townships/330182002".to_string(),
        format!("/api/v1/union/members/{OTHER_ID}"),
        "/api/v1/union/townships/330182002/checklist".to_string(),
    ] {
        assert_eq!(staff.page(&path).await.0, 404, "GET {path}");
    }
    let edit = [
        ("name", "改名"),
        ("credit_code", ""),
        ("township", "洋溪街道"),
        ("headcount", "1"),
    ];
    for (path, form) in [
        (format!("/union/enterprises/{other_e}"), &edit[..]),
        (
            format!("/union/enterprises/{other_e}/found"),
            &[("name", "x工会"), ("founded_on", "2019-01-01")][..],
        ),
        (
            format!("/union/members/{other_m}/leave"),
            &[("on", "2019-12-01")][..],
        ),
        (
            format!("/union/members/{other_m}/transfer"),
            &[("union_id", "1"), ("on", "2019-12-01")][..],
        ),
        (
            format!("/union/unions/{other_union}/officers"),
            &[
                ("name", "某"),
                ("post", "主席"),
                ("engagement", "专职"),
                ("term_start", "2019-01-01"),
            ][..],
        ),
    ] {
        assert_eq!(staff.post(&path, form).await.status(), 404, "POST {path}");
    }
    // Nothing changed.
    let e = store::union::enterprises::get(&app.db, Scope::City, other_e)
        .await
        .expect("enterprise");
    assert_eq!(e.union_id, None);
    let m = members::get(&app.db, Scope::City, other_m)
        .await
        .expect("member");
    assert_eq!(m.left_on, None);
    // Their own records they see.
    assert_eq!(
        staff.page(&format!("/union/enterprises/{own_e}")).await.0,
        200
    );
    assert_eq!(staff.page(&format!("/union/members/{own_m}")).await.0, 200);
    // A city administrator sees both.
    let admin = app.login(Role::UnionAdmin).await;
    assert_eq!(
        admin.page(&format!("/union/members/{other_m}")).await.0,
        200
    );
}

#[tokio::test]
async fn lists_show_only_the_own_township_with_masked_ids() {
    let app = TestApp::spawn().await;
    let (_, _, own_m, _, _) = arrange(&app).await;
    let staff = app.login(Role::UnionStaff).await;
    let (status, list) = staff.page("/union/members").await;
    assert_eq!(status, 200);
    assert!(list.contains("本乡会员") && !list.contains("外乡会员"));
    assert!(list.contains("110105********002X"), "masked ID in the list");
    assert!(!list.contains(OWN_ID), "no full ID in the list");
    assert!(!list.contains("13812345678") && list.contains("138****5678"));
    let (_, enterprises) = staff.page("/union/enterprises").await;
    assert!(
        enterprises.contains("测试企业1有限公司") && !enterprises.contains("测试企业2有限公司")
    );
    // The search API masks too; the member's own page shows the full ID.
    let (_, found) = staff
        .page("/api/v1/union/members?q=%E6%9C%AC%E4%B9%A1")
        .await;
    assert!(
        found.contains("110105********002X") && !found.contains(OWN_ID),
        "{found}"
    );
    let (_, detail) = staff.page(&format!("/union/members/{own_m}")).await;
    assert!(detail.contains(OWN_ID));
    // A township filter for another township does not widen the scope.
    let (_, widened) = staff.page("/union/members?township=330182002").await;
    assert!(!widened.contains("外乡会员"));
    // Township staff's Excel is masked; the city's re-imports, so it is full.
    let xlsx = staff.get("/union/members.xlsx").await;
    assert_eq!(xlsx.status(), 200);
}

#[tokio::test]
async fn an_upload_by_township_staff_is_limited_to_their_township() {
    let app = TestApp::spawn().await;
    arrange(&app).await;
    let staff = app.login(Role::UnionStaff).await;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("m.xlsx");
    let row = |name: &str, id: &str, union: &str| {
        [name, id, "", union, "2019-05-01", "否"]
            .map(String::from)
            .to_vec()
    };
    super::xlsx(
        &path,
        &super::MEMBER_HEADERS,
        &[
            row("新人", &super::rid(3), "新安江甲工会"),
            row("越界", &super::rid(4), "洋溪乙工会"),
        ],
    );
    let r = staff
        .upload(
            "/union/import",
            &[("kind", "members"), ("mode", "atomic")],
            &path,
        )
        .await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.expect("page");
    assert!(
        page.contains("不属于本乡镇"),
        "the other township's union is refused"
    );
    assert!(page.contains("未写入任何数据"));
    assert!(
        members::search(&app.db, Scope::City, &super::rid(3), 1)
            .await
            .expect("search")
            .is_empty()
    );
}
