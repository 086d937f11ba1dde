//! The member counters (issue 14): kept in the same transaction as every change — bulk
//! registration, transfers across townships, leaving, an import's update, a merge, a union
//! moved to another township — they always agree with the records, and the totals read
//! from them are the totals counted from the members.

use super::{assert_audit_intact, member, rid, seed, xinanjiang, yangxi};
use crate::support::{TestApp, committed};
use chrono::NaiveDate;
use domain::union::organisation::UnionKind;
use store::union::Scope;
use store::union::coverage;
use store::union::members::{self, MemberFilter, counts};
use store::union::organisations::{self, UnionInput};

/// The list's totals from the counters equal those counted by the OFFSET list, for every
/// filter the counters answer, in the city's scope and a township's.
async fn assert_totals_agree(db: &store::Db) {
    let townships = [None, Some(xinanjiang()), Some(yangxi())];
    for scope in [Scope::City, Scope::Township(xinanjiang())] {
        for township in townships {
            for active in [None, Some(true), Some(false)] {
                for migrant_worker in [None, Some(true), Some(false)] {
                    for joined_year in [None, Some(2018), Some(2019)] {
                        let f = MemberFilter {
                            township,
                            active,
                            migrant_worker,
                            joined_year,
                            ..MemberFilter::default()
                        };
                        let (_, counted) = members::list(db, scope, &f, 1, 0).await.unwrap();
                        let page = members::list_from(db, scope, &f, None, 1).await.unwrap();
                        assert_eq!(page.total, counted, "{scope:?} {f:?}");
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn member_counters_follow_every_change_and_agree_with_the_records() {
    let app = TestApp::spawn().await;
    let db = &app.db;
    let s = seed(db).await;
    let a = s.joint(db, "甲联合工会", xinanjiang()).await.id;
    let b = s.joint(db, "乙联合工会", yangxi()).await.id;

    // Bulk registration (the imports' path) across two townships, two years, some migrant.
    let rows: Vec<_> = (1..=40u32)
        .map(|i| {
            let mut m = member(
                &rid(100 + i),
                &format!("会员{i}"),
                "",
                if i % 3 == 0 { b } else { a },
                (2018 + (i % 2) as i32, 1 + i % 12, 1 + i % 28),
            );
            m.migrant_worker = i % 4 == 0;
            m
        })
        .collect();
    committed(db, async |tx| members::insert_many(tx, "test", &rows).await)
        .await
        .expect("registered");
    assert_audit_intact(db).await;
    assert_totals_agree(db).await;
    let before = coverage::year_figures(db, 2019, Scope::Township(yangxi()))
        .await
        .unwrap()
        .new_members;
    assert_eq!(
        before,
        rows.iter()
            .filter(|m| m.union_id == b && m.joined_on.format("%Y").to_string() == "2019")
            .count() as u32
    );

    // A transfer to the other township, a leave, a union moved with its members.
    let first = members::find(&mut db.begin().await.unwrap(), rid(101).as_str())
        .await
        .unwrap()
        .expect("registered")
        .0;
    let second = members::find(&mut db.begin().await.unwrap(), rid(104).as_str())
        .await
        .unwrap()
        .expect("registered")
        .0;
    let on = NaiveDate::from_ymd_opt(2020, 6, 1).unwrap();
    committed(db, async |tx| {
        members::transfer(tx, "test", Scope::City, first, b, on).await?;
        members::leave(tx, "test", Scope::City, second, on).await
    })
    .await
    .expect("transfer and leave");
    assert_audit_intact(db).await;
    assert_totals_agree(db).await;

    let moved = UnionInput {
        name: "甲联合工会".into(),
        kind: UnionKind::JointUnion,
        parent: Some(s.yang),
        township: Some(yangxi()),
        founded_on: NaiveDate::from_ymd_opt(2018, 1, 1),
    };
    committed(db, async |tx| {
        organisations::update(tx, "test", a, &moved).await
    })
    .await
    .expect("moved");
    assert_audit_intact(db).await;
    assert_totals_agree(db).await;
    let after = coverage::year_figures(db, 2019, Scope::Township(yangxi()))
        .await
        .unwrap()
        .new_members;
    let joined_2019 = rows
        .iter()
        .filter(|m| m.joined_on.format("%Y").to_string() == "2019")
        .count() as u32;
    assert_eq!(
        after, joined_2019,
        "every union of 2019 now sits in 洋溪街道"
    );
    assert!(after > before);

    // An import's update that changes the join date; a merge of two suspects.
    let mut changed = member(&rid(102), "会员2", "", a, (2017, 3, 3));
    changed.migrant_worker = true;
    let id = members::find(&mut db.begin().await.unwrap(), rid(102).as_str())
        .await
        .unwrap()
        .expect("registered")
        .0;
    let today = NaiveDate::from_ymd_opt(2020, 7, 1).unwrap();
    committed(db, async |tx| {
        members::update_from_row(tx, "test", id, a, &changed, today).await
    })
    .await
    .expect("updated");
    let twins = [
        member(&rid(1), "孪生", "13800000001", b, (2019, 5, 1)),
        member(&rid(2), "孪生", "13800000001", a, (2018, 5, 1)),
    ];
    let ids = committed(db, async |tx| {
        let kept = members::add(tx, "test", Scope::City, &twins[0]).await?;
        let merged = members::add(tx, "test", Scope::City, &twins[1]).await?;
        Ok((kept, merged))
    })
    .await
    .expect("twins");
    committed(db, async |tx| {
        members::duplicates::merge(tx, "test", Scope::City, ids.0, ids.1, "重复登记").await
    })
    .await
    .expect("merged");
    assert_audit_intact(db).await;
    assert_totals_agree(db).await;
    assert_eq!(
        coverage::monthly(db, Scope::City, 2017)
            .await
            .unwrap()
            .members[2],
        1,
        "the member whose join date moved to March 2017"
    );

    // The union tree's figure (members still in) comes from the per-union counters.
    for u in organisations::list(db, Scope::City).await.unwrap() {
        let f = MemberFilter {
            union_id: Some(u.id),
            active: Some(true),
            ..MemberFilter::default()
        };
        let (_, counted) = members::list(db, Scope::City, &f, 1, 0).await.unwrap();
        assert_eq!(u.members, counted, "{}", u.name);
    }

    // Counters spoiled behind the system's back are seen, and rebuilt from the records.
    for tamper in [
        "UPDATE union_member_counts SET joined = joined + 5",
        "UPDATE union_member_totals SET active = active + 1",
    ] {
        db.execute_raw(tamper).await.expect("tamper");
        assert!(!counts::drift(db).await.unwrap().is_empty(), "{tamper}");
    }
    committed(db, async |tx| counts::rebuild(tx).await)
        .await
        .expect("rebuilt");
    assert!(counts::drift(db).await.unwrap().is_empty());
    assert_totals_agree(db).await;
}

/// The ranking's lines, aggregated in the database, are the domain's `summarise` over
/// every enterprise: the rule's bands written as SQL say what the domain says, under the
/// default rule and a changed one.
#[tokio::test]
async fn township_lines_in_sql_equal_the_domains_summary_of_every_enterprise() {
    use domain::union::coverage::{CoverageRule, EnterpriseCoverage, summarise};
    use store::union::enterprises;
    let app = TestApp::spawn().await;
    let db = &app.db;
    seed(db).await;
    // Headcounts around both thresholds, provincial or not, with and without unions,
    // founded in 2019 or before, in two townships.
    let headcounts = [3u32, 49, 50, 51, 99, 100, 150, 400];
    let mut n = 0;
    for (i, t) in [xinanjiang(), yangxi()].into_iter().enumerate() {
        for (j, &h) in headcounts.iter().enumerate() {
            for provincial in [false, true] {
                n += 1;
                let id = super::enterprise(db, n, t, h, provincial).await;
                if (i + j + usize::from(provincial)) % 3 != 0 {
                    let year = if j % 2 == 0 { 2019 } else { 2018 };
                    let on = NaiveDate::from_ymd_opt(year, 1 + (j as u32), 1).unwrap();
                    committed(db, async |tx| {
                        organisations::found_for_enterprise(
                            tx,
                            "test",
                            Scope::City,
                            id,
                            &format!("测试企业{n}工会"),
                            on,
                        )
                        .await
                    })
                    .await
                    .expect("founded");
                }
            }
        }
    }
    let changed = CoverageRule {
        must_min_headcount: 51,
        must_require_provincial: false,
        tracked_min_headcount: 10,
    };
    for rule in [None, Some(changed)] {
        if let Some(r) = rule {
            committed(db, async |tx| coverage::set_rule(tx, "test", &r).await)
                .await
                .expect("rule");
        }
        let rule = coverage::rule(db).await.unwrap();
        let all: Vec<EnterpriseCoverage> = enterprises::all(db, Scope::City)
            .await
            .unwrap()
            .into_iter()
            .map(|e| EnterpriseCoverage {
                name: e.name,
                township: e.township.name().to_string(),
                headcount: u32::try_from(e.headcount).unwrap(),
                provincial: e.provincial,
                has_union: e.union_id.is_some(),
                union_founded: e
                    .union_founded_on
                    .as_deref()
                    .and_then(domain::platform::time::parse_date),
            })
            .collect();
        let lines = coverage::township_lines(db, 2019).await.unwrap();
        for line in &lines {
            let expected = summarise(&rule, &line.township, &all, 2019, 0);
            let fields = |l: &domain::union::coverage::TownshipCoverage| {
                [
                    l.must_total,
                    l.must_covered,
                    l.tracked_total,
                    l.tracked_covered,
                    l.all_total,
                    l.all_covered,
                    l.unions_founded_in_year,
                    l.sizeable_founded_in_year,
                ]
            };
            assert_eq!(
                fields(line),
                fields(&expected),
                "{rule:?} {}",
                line.township
            );
        }
        assert!(
            lines
                .iter()
                .any(|l| l.must_total > 0 && l.tracked_total > 0)
        );
    }
}
