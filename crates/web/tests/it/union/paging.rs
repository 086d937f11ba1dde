//! The member list read by keyset (issue 14): every member once, in each order, forwards
//! and back; rows added between pages neither repeat nor push others out; the page's
//! links carry the cursor.

use super::{member, rid, seed, xinanjiang, yangxi};
use crate::support::{TestApp, committed};
use domain::platform::Role;
use store::keyset::Cursor;
use store::union::Scope;
use store::union::members::{self, MemberFilter, MemberSort};

/// Registers `n` members from number `from`, across two unions, with names that repeat
/// (so the id decides between equals) and join dates over two years.
async fn register(db: &store::Db, unions: [i64; 2], from: u32, n: u32) {
    let names = ["王芳", "李强", "张伟", "王芳", "陈静", "刘洋", "赵磊"];
    committed(db, async |tx| {
        for i in from..from + n {
            let name = names[(i % 7) as usize];
            let joined = (2018 + (i % 2) as i32, 1 + i % 12, 1 + i % 28);
            let m = member(&rid(i), name, "", unions[(i % 2) as usize], joined);
            members::add(tx, "test", Scope::City, &m).await?;
        }
        Ok(())
    })
    .await
    .expect("members");
}

/// A fresh app whose registry holds `n` members (see [`register`]) across 甲工会 of
/// 新安江街道 and 乙工会 of 洋溪街道: where every test of the keyset list starts. The app
/// and the two unions' ids.
async fn registry_of(n: u32) -> (TestApp, [i64; 2]) {
    let app = TestApp::spawn().await;
    let s = seed(&app.db).await;
    let a = s.joint(&app.db, "甲工会", xinanjiang()).await.id;
    let b = s.joint(&app.db, "乙工会", yangxi()).await.id;
    register(&app.db, [a, b], 1, n).await;
    (app, [a, b])
}

/// Every id of the list in order, read ten at a time by keyset from the first page.
async fn walk_forward(db: &store::Db, f: &MemberFilter) -> Vec<i64> {
    let (mut ids, mut at) = (Vec::new(), None::<Cursor>);
    loop {
        let page = members::list_from(db, Scope::City, f, at.as_ref(), 10)
            .await
            .expect("page");
        assert!(page.rows.len() <= 10);
        ids.extend(page.rows.iter().map(|m| m.id));
        match page.next {
            Some(next) => at = Some(next),
            None => return ids,
        }
    }
}

#[tokio::test]
async fn keyset_pages_give_every_member_once_in_each_order_forwards_and_back() {
    let (app, _) = registry_of(137).await;
    for sort in MemberSort::ALL {
        let f = MemberFilter {
            sort,
            ..MemberFilter::default()
        };
        let (all, total) = members::list(&app.db, Scope::City, &f, i64::MAX, 0)
            .await
            .expect("list");
        assert_eq!(total, 137);
        let expected: Vec<i64> = all.iter().map(|m| m.id).collect();
        let forward = walk_forward(&app.db, &f).await;
        assert_eq!(forward, expected, "{sort:?} forwards");

        // From the last page back to the first by the previous-page cursors.
        let mut at = None::<Cursor>;
        let mut page = loop {
            let page = members::list_from(&app.db, Scope::City, &f, at.as_ref(), 10)
                .await
                .unwrap();
            match page.next {
                Some(n) => at = Some(n),
                None => break page,
            }
        };
        let mut backward: Vec<i64> = Vec::new();
        loop {
            assert_eq!(page.total, 137);
            backward.splice(0..0, page.rows.iter().map(|m| m.id));
            let Some(prev) = page.previous.clone() else {
                break;
            };
            page = members::list_from(&app.db, Scope::City, &f, Some(&prev), 10)
                .await
                .unwrap();
        }
        assert_eq!(backward, expected, "{sort:?} backwards");
    }
}

#[tokio::test]
async fn members_added_between_pages_neither_repeat_nor_push_others_out() {
    let (app, [a, b]) = registry_of(60).await;
    let f = MemberFilter {
        sort: MemberSort::Name,
        ..MemberFilter::default()
    };
    let before: Vec<i64> = members::list(&app.db, Scope::City, &f, i64::MAX, 0)
        .await
        .unwrap()
        .0
        .iter()
        .map(|m| m.id)
        .collect();
    let mut seen = Vec::new();
    let mut at = None::<Cursor>;
    let mut round = 0;
    loop {
        let page = members::list_from(&app.db, Scope::City, &f, at.as_ref(), 10)
            .await
            .unwrap();
        seen.extend(page.rows.iter().map(|m| m.id));
        // Someone registers seven more (names on both sides of the cursor) meanwhile.
        round += 1;
        register(&app.db, [a, b], 1000 * round, 7).await;
        match page.next {
            Some(n) => at = Some(n),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no member shown twice");
    let missing: Vec<&i64> = before.iter().filter(|id| !seen.contains(id)).collect();
    assert!(
        missing.is_empty(),
        "every earlier member shown: {missing:?}"
    );
}

#[tokio::test]
async fn the_member_list_page_links_its_neighbours_by_cursor() {
    let (app, _) = registry_of(120).await;
    let admin = app.login(Role::UnionAdmin).await;
    let (status, first) = admin.page("/union/members?sort=name").await;
    assert_eq!(status, 200);
    assert!(first.contains("共 120 人"), "{first}");
    assert!(!first.contains("上一页"));
    let next = href_of(&first, "next").expect("a next link");
    assert!(next.contains("after="), "{next}");
    let (status, second) = admin.page(&format!("/union/members{next}")).await;
    assert_eq!(status, 200);
    assert!(
        second.contains("上一页") && second.contains("首页"),
        "{second}"
    );
    let prev = href_of(&second, "prev").expect("a previous link");
    let (_, back) = admin.page(&format!("/union/members{prev}")).await;
    assert_eq!(
        rows_of(&back),
        rows_of(&first),
        "back to the same first page"
    );
    assert_ne!(rows_of(&second), rows_of(&first));
    // A mangled cursor shows the first page, not an error.
    let (status, mangled) = admin.page("/union/members?sort=name&after=%5Bnope").await;
    assert_eq!(status, 200);
    assert_eq!(rows_of(&mangled), rows_of(&first));
}

/// The `href` of the pager link with `rel`, unescaped as a browser would.
fn href_of(html: &str, rel: &str) -> Option<String> {
    let at = html.find(&format!("rel=\"{rel}\""))?;
    let start = html[..at].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

/// The ids of the members a list page links, in order.
fn rows_of(html: &str) -> Vec<&str> {
    let marker = "<tr><td><a href=\"/union/members/";
    html.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[tokio::test]
async fn the_api_walks_the_registry_by_cursor_in_the_callers_scope() {
    let (app, [a, _]) = registry_of(95).await;
    let token = app.token(Role::UnionStaff).await; // 新安江街道: the members of 甲工会
    let mut seen = Vec::new();
    let mut path = "/api/v1/union/members?sort=joined&limit=20".to_string();
    loop {
        let r = app.api(reqwest::Method::GET, &path, &token).await;
        assert_eq!(r.status(), 200);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["total"], 47, "{body}");
        for m in body["members"].as_array().unwrap() {
            assert_eq!(m["union_id"], a, "only the caller's township");
            assert!(m["resident_id"].as_str().unwrap().contains('*'), "masked");
            seen.push(m["id"].as_i64().unwrap());
        }
        match body["next"].as_str() {
            Some(next) => {
                path = format!(
                    "/api/v1/union/members?sort=joined&limit=20&after={}",
                    web::access::urlencode(next)
                )
            }
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (47, 47));
}

#[tokio::test]
async fn the_member_export_streams_every_match_in_chunks_masked_for_township_staff() {
    // More than two chunks of the export (500 each) in each scope.
    let (app, _) = registry_of(1_201).await;
    let read = |bytes: Vec<u8>| {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("members.xlsx");
        std::fs::write(&file, bytes).expect("write");
        let columns = [sheets::Column::required("身份证号")];
        sheets::SheetReader::open(&file, &columns)
            .expect("sheet")
            .map(|r| r.expect("row").text_trimmed(0))
            .collect::<Vec<String>>()
    };
    let staff = app.login(Role::UnionStaff).await;
    let r = staff.get("/union/members.xlsx?sort=name").await;
    assert_eq!(r.status(), 200);
    let ids = read(r.bytes().await.unwrap().to_vec());
    assert_eq!(ids.len(), 600, "every member of the township, once");
    assert!(ids.iter().all(|id| id.contains('*')), "masked for staff");
    let admin = app.login(Role::UnionAdmin).await;
    let r = admin.get("/union/members.xlsx?status=active").await;
    let ids = read(r.bytes().await.unwrap().to_vec());
    assert_eq!(ids.len(), 1_201);
    assert!(ids.iter().all(|id| !id.contains('*')), "full for the city");
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 1_201, "no member twice across chunks");
}
