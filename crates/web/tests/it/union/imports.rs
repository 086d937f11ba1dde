//! The union imports' rules: duplicates within a file, unknown unions and townships named,
//! atomicity, skipping with a rejects file, re-import as update (a new union is a
//! transfer), export → re-import to the same records, and the audit chain throughout.

use super::{
    MEMBER_HEADERS, assert_audit_intact, code, enterprise, enterprises_count, import,
    members_count, rid, seed, union, xinanjiang, xlsx,
};
use crate::support::committed;
use ::imports::ImportOptions;
use domain::platform::{Mobile, ResidentId};
use domain::union::organisation::UnionKind;
use store::union::Scope;
use store::union::members;

/// The unions import's headers.
const UNION_HEADERS: [&str; 6] = [
    "工会名称",
    "上级工会",
    "类型",
    "所属乡镇",
    "覆盖单位信用代码",
    "成立日期",
];

fn member_row(name: &str, id: &str, mobile: &str, union: &str) -> Vec<String> {
    [name, id, mobile, union, "2019-03-05", "否"]
        .map(String::from)
        .to_vec()
}

/// A fresh database, and the folder of its file and of the test's spreadsheets.
async fn fresh() -> (tempfile::TempDir, store::Db) {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    (dir, db)
}

/// `rows` written under the members import's headers to `m.xlsx` in `dir`.
fn members_file(dir: &tempfile::TempDir, rows: &[Vec<String>]) -> std::path::PathBuf {
    let path = dir.path().join("m.xlsx");
    xlsx(&path, &MEMBER_HEADERS, rows);
    path
}

/// A fresh database with two joint unions (甲公司工会, 乙公司工会) to import members into.
async fn with_unions() -> (tempfile::TempDir, store::Db) {
    let (dir, db) = fresh().await;
    add_unions(&db).await;
    (dir, db)
}

async fn add_unions(db: &store::Db) {
    let s = seed(db).await;
    s.joint(db, "甲公司工会", xinanjiang()).await;
    s.joint(db, "乙公司工会", xinanjiang()).await;
}

#[tokio::test]
async fn a_second_row_with_the_same_id_is_an_error_on_that_row() {
    let (dir, db) = with_unions().await;
    let path = members_file(
        &dir,
        &[
            member_row("张三", &rid(1), "13812345678", "甲公司工会"),
            member_row("李四", &rid(2), "", "甲公司工会"),
            member_row("张三三", &rid(1), "", "乙公司工会"),
        ],
    );
    let report = import(&db, "members", &path, ImportOptions::default()).await;
    assert_eq!(report.invalid.len(), 1, "{:?}", report.invalid);
    let e = &report.invalid[0];
    assert_eq!((e.row, e.column.as_str()), (4, "身份证号"));
    assert!(e.reason.contains("第 2 行"), "{}", e.reason);
    assert!(!report.written);
    assert_eq!(
        members_count(&db).await,
        0,
        "an atomic import with an error writes nothing"
    );
}

#[tokio::test]
async fn an_unknown_union_or_township_is_an_error_naming_it() {
    let (dir, db) = with_unions().await;
    // (kind, headers, the one row, the column blamed, the name the reason must give)
    type Case<'a> = (&'a str, &'a [&'a str], Vec<String>, &'a str, &'a str);
    let cases: [Case; 3] = [
        (
            "members",
            &MEMBER_HEADERS,
            member_row("张三", &rid(1), "", "丙公司工会"),
            "所属工会",
            "丙公司工会",
        ),
        (
            "enterprises",
            &[
                "单位名称",
                "统一社会信用代码",
                "所属乡镇",
                "职工人数",
                "省总备案",
            ],
            ["某公司", code(1).as_str(), "瓶窑镇", "30", "否"]
                .map(String::from)
                .to_vec(),
            "所属乡镇",
            "瓶窑镇",
        ),
        (
            "unions",
            &UNION_HEADERS,
            [
                "丁工会",
                "不存在的总工会",
                "联合工会",
                "新安江街道",
                "",
                "2019-01-01",
            ]
            .map(String::from)
            .to_vec(),
            "上级工会",
            "不存在的总工会",
        ),
    ];
    for (kind, headers, row, column, named) in cases {
        let path = dir.path().join(format!("{kind}.xlsx"));
        xlsx(&path, headers, &[row]);
        let report = import(&db, kind, &path, ImportOptions::default()).await;
        assert_eq!(report.invalid.len(), 1, "{kind}: {:?}", report.invalid);
        assert_eq!(report.invalid[0].column, column, "{kind}");
        assert!(
            report.invalid[0].reason.contains(named),
            "{kind}: {}",
            report.invalid[0].reason
        );
    }
}
#[tokio::test]
async fn identifiers_are_checked_with_the_domain_parsers_messages() {
    let (dir, db) = with_unions().await;
    let good = rid(5);
    let wrong_check = if good.ends_with('0') { '1' } else { '0' };
    let bad_id = format!("{}{wrong_check}", &good[..17]);
    let bad_id = bad_id.as_str();
    let path = members_file(&dir, &[member_row("张三", bad_id, "12345", "甲公司工会")]);
    let report = import(&db, "members", &path, ImportOptions::default()).await;
    let reason = |col: &str| {
        report
            .invalid
            .iter()
            .find(|e| e.column == col)
            .map(|e| e.reason.clone())
    };
    assert_eq!(
        reason("身份证号"),
        ResidentId::parse(bad_id).err().map(|e| e.to_string())
    );
    assert_eq!(
        reason("手机号"),
        Mobile::parse("12345").err().map(|e| e.to_string())
    );
}

#[tokio::test]
async fn one_bad_row_among_many_writes_nothing_and_is_named() {
    let (dir, db) = with_unions().await;
    let mut rows: Vec<Vec<String>> = (0..2500)
        .map(|i| member_row("王五", &rid(i), "13900000000", "甲公司工会"))
        .collect();
    rows[2200][2] = "1390000".into();
    let path = members_file(&dir, &rows);
    let report = import(&db, "members", &path, ImportOptions::default()).await;
    assert_eq!(report.total, 2500);
    assert_eq!(report.invalid.len(), 1);
    assert_eq!(
        (report.invalid[0].row, report.invalid[0].column.as_str()),
        (2202, "手机号")
    );
    assert_eq!(report.invalid[0].value, "1390000");
    assert!(!report.written);
    assert_eq!(members_count(&db).await, 0);
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn skip_invalid_writes_the_valid_rows_and_the_rejects_file() {
    let (dir, db) = with_unions().await;
    let rows: Vec<Vec<String>> = (0..1500)
        .map(|i| {
            member_row(
                "赵六",
                &rid(i),
                "",
                if i == 700 {
                    "无名工会"
                } else {
                    "乙公司工会"
                },
            )
        })
        .collect();
    let path = members_file(&dir, &rows);
    let rejects = dir.path().join("rejects.xlsx");
    let opts = ImportOptions {
        skip_invalid: true,
        rejects: Some(rejects.clone()),
        ..ImportOptions::default()
    };
    let report = import(&db, "members", &path, opts).await;
    assert!(report.written);
    assert_eq!((report.imported, report.invalid.len()), (1499, 1));
    assert_eq!(members_count(&db).await, 1499);
    let columns = [
        sheets::Column::required("身份证号"),
        sheets::Column::required("错误原因"),
    ];
    let mut reader = sheets::SheetReader::open(&rejects, &columns).expect("rejects file");
    let row = reader.next_row().expect("read").expect("one rejected row");
    assert_eq!(row.text(0), rid(700));
    assert!(row.text(1).contains("无名工会"));
    assert!(reader.next_row().expect("read").is_none());
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn reimport_updates_members_and_a_new_union_is_a_transfer() {
    let (dir, db) = with_unions().await;
    let mut rows = vec![
        member_row("张三", &rid(1), "13812345678", "甲公司工会"),
        member_row("李四", &rid(2), "13812345679", "甲公司工会"),
        member_row("王五", &rid(3), "", "甲公司工会"),
    ];
    let path = members_file(&dir, &rows);
    let first = import(&db, "members", &path, ImportOptions::default()).await;
    assert_eq!((first.imported, first.updated), (3, 0));
    rows[0][3] = "乙公司工会".into();
    rows[1][2] = "13900000001".into();
    members_file(&dir, &rows);
    let second = import(&db, "members", &path, ImportOptions::default()).await;
    assert_eq!(
        (second.imported, second.updated, second.invalid.len()),
        (0, 3, 0)
    );
    assert_eq!(members_count(&db).await, 3);
    let zhang = members::by_resident_id(&db, Scope::City, &ResidentId::parse(&rid(1)).expect("id"))
        .await
        .expect("member");
    assert_eq!(zhang.union_name, "乙公司工会");
    let history = members::transfers(&db, zhang.id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].from_union.as_str(), history[0].to_union.as_str()),
        ("甲公司工会", "乙公司工会")
    );
    let li = members::by_resident_id(&db, Scope::City, &ResidentId::parse(&rid(2)).expect("id"))
        .await
        .expect("member");
    assert_eq!(li.mobile.as_ref().map(|m| m.as_str()), Some("13900000001"));
    assert!(
        members::transfers(&db, li.id)
            .await
            .expect("history")
            .is_empty()
    );
    assert_audit_intact(&db).await;
}

/// The audit log's newest sequence number.
async fn audit_head(db: &store::Db) -> i64 {
    store::audit::anchor(db)
        .await
        .expect("head")
        .map_or(0, |a| a.sequence)
}

#[tokio::test]
async fn a_reimport_writes_each_member_whose_row_says_something_new_and_no_other() {
    let (dir, db) = with_unions().await;
    let mut rows: Vec<Vec<String>> = (1..=5)
        .map(|i| member_row(&format!("会员{i}"), &rid(i), "13812345678", "甲公司工会"))
        .collect();
    let path = members_file(&dir, &rows);
    assert!(
        import(&db, "members", &path, ImportOptions::default())
            .await
            .written
    );
    rows[0][0] = "改名".into();
    rows[1][2] = String::new();
    rows[2][4] = "2018-01-02".into();
    rows[3][5] = "是".into();
    members_file(&dir, &rows);
    let head = audit_head(&db).await;
    let again = import(&db, "members", &path, ImportOptions::default()).await;
    assert_eq!((again.imported, again.updated), (0, 5));
    assert_eq!(
        audit_head(&db).await - head,
        4,
        "one entry per changed member: name, mobile, join date, migrant worker"
    );
    let third = members::by_resident_id(&db, Scope::City, &ResidentId::parse(&rid(3)).expect("id"))
        .await
        .expect("member");
    assert_eq!(third.joined_on.to_string(), "2018-01-02");
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn exports_reimport_to_the_same_records() {
    let (dir, db) = fresh().await;
    let s = seed(&db).await;
    let e1 = enterprise(&db, 1, xinanjiang(), 150, true).await;
    enterprise(&db, 2, xinanjiang(), 20, false).await;
    let u = union(
        &db,
        "测试企业1工会",
        UnionKind::EnterpriseUnion,
        Some(s.xin),
        Some(xinanjiang()),
        "2019-02-01",
    )
    .await;
    committed(&db, async |tx| {
        store::union::organisations::cover_enterprise(tx, "test", Scope::City, e1, u.id).await
    })
    .await
    .expect("cover");
    let rows: Vec<Vec<String>> = (0..40)
        .map(|i| member_row("孙七", &rid(i), "13700000000", "测试企业1工会"))
        .collect();
    let path = members_file(&dir, &rows);
    assert!(
        import(&db, "members", &path, ImportOptions::default())
            .await
            .written
    );

    for (kind, n) in [("enterprises", 2u64), ("unions", 4), ("members", 40)] {
        let out = dir.path().join(format!("{kind}.xlsx"));
        let exported = crate::support::export_file(&db, kind, &out).await;
        assert_eq!(exported, n, "{kind}");
        let report = import(&db, kind, &out, ImportOptions::default()).await;
        assert!(report.invalid.is_empty(), "{kind}: {:?}", report.invalid);
        assert_eq!((report.imported, report.updated), (0, n), "{kind}");
    }
    assert_eq!(enterprises_count(&db).await, 2);
    assert_eq!(members_count(&db).await, 40);
    let e = store::union::enterprises::get(&db, Scope::City, e1)
        .await
        .expect("enterprise");
    assert_eq!(e.union_id, Some(u.id), "coverage survives the round trip");
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn a_unions_file_builds_the_tree_and_its_coverage() {
    let (dir, db) = fresh().await;
    let e1 = enterprise(&db, 1, xinanjiang(), 10, false).await;
    let e2 = enterprise(&db, 2, xinanjiang(), 12, false).await;
    let path = dir.path().join("u.xlsx");
    let row = |cells: [&str; 6]| cells.map(String::from).to_vec();
    let covers = format!("{}；{}", code(1), code(2));
    xlsx(
        &path,
        &UNION_HEADERS,
        &[
            row(["建德市总工会", "", "市总工会", "", "", "1952-05-01"]),
            row([
                "新安江街道总工会",
                "建德市总工会",
                "乡镇总工会",
                "新安江街道",
                "",
                "1995年5月1日",
            ]),
            row([
                "新安江小微企业联合工会",
                "新安江街道总工会",
                "联合工会",
                "新安江",
                &covers,
                "2019/4/1",
            ]),
        ],
    );
    let report = import(&db, "unions", &path, ImportOptions::default()).await;
    assert!(report.invalid.is_empty(), "{:?}", report.invalid);
    assert_eq!(report.imported, 3);
    for e in [e1, e2] {
        let e = store::union::enterprises::get(&db, Scope::City, e)
            .await
            .expect("enterprise");
        assert_eq!(e.union_name.as_deref(), Some("新安江小微企业联合工会"));
    }
    let line = store::union::coverage::township_line(&db, xinanjiang(), 2019)
        .await
        .expect("line");
    assert_eq!(line.unions_founded_in_year, 1, "a joint union counts once");
    assert_audit_intact(&db).await;
}

#[tokio::test]
async fn a_members_import_is_logged_in_batches_that_verify_checks_record_by_record() {
    let (dir, db) = with_unions().await;
    let rows: Vec<Vec<String>> = (0..12_500)
        .map(|i| member_row("钱七", &rid(i), "", "甲公司工会"))
        .collect();
    let path = members_file(&dir, &rows);
    let report = import(&db, "members", &path, ImportOptions::default()).await;
    assert_eq!((report.imported, report.invalid.len()), (12_500, 0));
    assert_audit_intact(&db).await;

    // Ten thousand members to an entry: two entries, not 12,500.
    let filter = store::audit::EntryFilter {
        entity: Some("member".into()),
        ..Default::default()
    };
    let (entries, total) = store::audit::list(&db, &filter, 100, 0).await.expect("log");
    assert_eq!(total, 2);
    assert!(
        entries
            .iter()
            .all(|e| e.is_batch() && e.action == "bulk-create")
    );
    let covered: usize = entries
        .iter()
        .map(|e| {
            store::audit::batch_records(e.after_json.as_deref().unwrap_or(""))
                .expect("batch")
                .len()
        })
        .sum();
    assert_eq!(covered, 12_500);

    // A record's history finds the batch that created it.
    let member = members::by_resident_id(
        &db,
        Scope::City,
        &ResidentId::parse(&rid(11_000)).expect("id"),
    )
    .await
    .expect("member");
    let history = store::audit::EntryFilter {
        entity: Some("member".into()),
        entity_id: Some(member.id.to_string()),
        ..Default::default()
    };
    let (found, _) = store::audit::list(&db, &history, 10, 0)
        .await
        .expect("history");
    assert_eq!(found.len(), 1);
    let line = store::audit::batch_records(found[0].after_json.as_deref().unwrap_or(""))
        .expect("batch")
        .into_iter()
        .find(|(id, _)| *id == member.id)
        .expect("the member's line");
    assert_eq!(line.1["resident_id"], rid(11_000));

    // A member changed behind the system's back is named, as with one-record entries.
    db.execute_raw(&format!(
        "UPDATE members SET name = '孙八' WHERE id = {}",
        member.id
    ))
    .await
    .expect("tamper");
    let v = store::audit::verify(&db, &store::audited())
        .await
        .expect("verify");
    assert_eq!(
        v.problem,
        Some(store::audit::Problem::RecordMismatch {
            entity: "member".into(),
            id: member.id.to_string()
        })
    );
}

#[tokio::test]
async fn a_bulk_import_leaves_foreign_keys_checked_for_everything_else() {
    let (dir, db) = with_unions().await;
    let path = members_file(&dir, &[member_row("张三", &rid(1), "", "甲公司工会")]);
    // Twice, so both a fresh and a reused pool connection are tried afterwards.
    for _ in 0..2 {
        import(&db, "members", &path, ImportOptions::default()).await;
        let refused = db
            .execute_raw(
                "INSERT INTO members (resident_id, name, union_id, joined_on, migrant_worker, updated_at)
                 VALUES ('110105194912310021', '无工会', 999999, '2019-01-01', FALSE, '2019-01-01T00:00:00Z')",
            )
            .await;
        assert!(refused.is_err(), "a member of no union must be refused");
    }
    assert_eq!(members_count(&db).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_reports_its_progress_and_a_cancelled_one_writes_nothing() {
    let (dir, db) = with_unions().await;
    let rows: Vec<Vec<String>> = (1..=20_000)
        .map(|n| member_row("会员", &rid(n), "", "甲公司工会"))
        .collect();
    let path = members_file(&dir, &rows);

    // Cancelled once a thousand rows are checked: the import ends, nothing is written.
    let progress = ::imports::Progress::default();
    let watcher = progress.clone();
    let canceller = tokio::spawn(async move {
        while watcher.rows_read() < 1000 {
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        watcher.cancel();
    });
    let opts = ImportOptions {
        actor: "test".into(),
        progress: progress.clone(),
        ..ImportOptions::default()
    };
    let result = crate::support::import_file(&db, "members", &path, &opts).await;
    canceller.await.expect("canceller");
    assert!(
        matches!(result, Err(::imports::ImportError::Cancelled)),
        "{:?}",
        result.map(|r| r.total)
    );
    assert!(progress.rows_read() >= 1000);
    assert_eq!(
        members_count(&db).await,
        0,
        "a cancelled import writes nothing"
    );
    assert_audit_intact(&db).await;

    // Watched to its end: every row counted as read and as written.
    let progress = ::imports::Progress::default();
    let report = import(
        &db,
        "members",
        &path,
        ImportOptions {
            progress: progress.clone(),
            ..ImportOptions::default()
        },
    )
    .await;
    assert_eq!(report.imported, 20_000);
    assert_eq!(
        (progress.rows_read(), progress.rows_written()),
        (20_000, 20_000)
    );
    assert_eq!(members_count(&db).await, 20_000);
}

/// Whether every index of `members` the migrations create is there: creating one again
/// under its name fails while it exists.
async fn member_indexes_intact(db: &store::Db) -> bool {
    let mut intact = true;
    for name in [
        "members_resident_id",
        "members_union",
        "members_mobile_name",
        "members_joined_id",
        "members_name_id",
        "members_union_name_id",
    ] {
        intact &= db
            .execute_raw(&format!("CREATE INDEX {name} ON members(id)"))
            .await
            .is_err();
    }
    intact
}

#[tokio::test]
async fn a_file_larger_than_the_registry_is_written_beside_its_indexes_and_they_come_back() {
    let (dir, db) = with_unions().await;
    let n = u32::try_from(::imports::union::members::SET_ASIDE_FROM).expect("size") + 1;
    let mut rows: Vec<Vec<String>> = (0..n)
        .map(|i| member_row(&format!("会员{i}"), &rid(10_000 + i), "", "甲公司工会"))
        .collect();
    // Atomic and one bad row at the very end: nothing written, the indexes as they were.
    let good_last = rows.pop().expect("rows");
    rows.push(member_row("坏行", "330182", "", "甲公司工会"));
    let path = members_file(&dir, &rows);
    let report = import(&db, "members", &path, ImportOptions::default()).await;
    assert!(!report.written && report.invalid_count == 1, "{report:?}");
    assert_eq!(members_count(&db).await, 0);
    assert!(
        member_indexes_intact(&db).await,
        "a rolled-back import keeps the indexes"
    );

    rows.pop();
    rows.push(good_last);
    let path = members_file(&dir, &rows);
    let report = import(&db, "members", &path, ImportOptions::default()).await;
    assert!(report.written, "{report:?}");
    assert_eq!(members_count(&db).await, i64::from(n));
    assert!(
        member_indexes_intact(&db).await,
        "the indexes are built again"
    );
    let last = ResidentId::parse(&rid(10_000 + n - 1)).expect("id");
    let found = members::by_resident_id(&db, Scope::City, &last)
        .await
        .expect("found by the rebuilt index");
    assert_eq!(found.name, format!("会员{}", n - 1));
    assert_audit_intact(&db).await;
}
