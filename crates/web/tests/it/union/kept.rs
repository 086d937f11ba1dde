//! The figures the dashboard, the ranking and a township's page keep between requests
//! (`web::figures`): a change shows on the next request, whether it was made through the
//! pages or behind them (another process, here the store called directly), and a request
//! for another year or township is not answered with the first one's figures.

use super::{member, rid, seed, xinanjiang, yangxi};
use crate::support::{Session, TestApp, committed};
use domain::platform::Role;
use serde_json::Value;
use store::union::members;

/// The overview's "new members" figure for `year`.
async fn new_members_shown(admin: &Session, year: i32) -> u32 {
    let (status, page) = admin.page(&format!("/union/?year={year}")).await;
    assert_eq!(status, 200, "{page}");
    let before = page
        .split("新增会员（人）")
        .next()
        .and_then(|head| head.rsplit("<b>").next())
        .and_then(|tail| tail.split("</b>").next())
        .expect("the new members figure");
    before.trim().parse().expect("a number")
}

/// The ranking's new members of `township` in `year`, as the API answers it.
async fn ranked_new_members(admin: &Session, year: i32, township: &str) -> u64 {
    let j: Value = admin
        .get(&format!("/api/v1/union/ranking?year={year}"))
        .await
        .json()
        .await
        .expect("ranking JSON");
    j["ranking"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["coverage"]["township"] == township)
        .and_then(|l| l["coverage"]["members_joined_in_year"].as_u64())
        .unwrap_or_else(|| panic!("{township} in {j}"))
}

#[tokio::test]
async fn kept_figures_follow_changes_made_anywhere_and_keep_years_apart() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let s = seed(db).await;
    let a = s.joint(db, "甲联合工会", xinanjiang()).await.id;
    let admin = app.login(Role::Admin).await;
    let join = |from: u32, n: u32, year: i32| {
        (from..from + n)
            .map(|i| member(&rid(i), &format!("会员{i}"), "", a, (year, 3, 1)))
            .collect::<Vec<_>>()
    };

    let shown_2019 = new_members_shown(&admin, 2019).await;
    let shown_2018 = new_members_shown(&admin, 2018).await;
    let ranked = ranked_new_members(&admin, 2019, xinanjiang().name()).await;
    let other = ranked_new_members(&admin, 2019, yangxi().name()).await;

    // Written behind the pages' back, as an import from the command line would.
    let rows = join(300, 3, 2019);
    committed(db, async |tx| members::insert_many(tx, "test", &rows).await)
        .await
        .expect("joined");
    assert_eq!(new_members_shown(&admin, 2019).await, shown_2019 + 3);
    assert_eq!(new_members_shown(&admin, 2018).await, shown_2018);
    assert_eq!(
        ranked_new_members(&admin, 2019, xinanjiang().name()).await,
        ranked + 3
    );
    assert_eq!(
        ranked_new_members(&admin, 2019, yangxi().name()).await,
        other
    );

    // And again for the other year: nothing kept from the first reading is served.
    let rows = join(400, 2, 2018);
    committed(db, async |tx| members::insert_many(tx, "test", &rows).await)
        .await
        .expect("joined");
    assert_eq!(new_members_shown(&admin, 2018).await, shown_2018 + 2);
    assert_eq!(new_members_shown(&admin, 2019).await, shown_2019 + 3);
}
