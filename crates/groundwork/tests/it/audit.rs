//! `groundwork audit verify`: incremental from the last verified prefix, `--full` for
//! everything.

use crate::support::{Fixture, stdout};

/// Turns the append-only triggers off, as someone with raw database access could.
async fn allow_editing_the_log(db: &store::Db) {
    let sql = match db.backend() {
        store::Backend::Sqlite => {
            "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
        }
        store::Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;",
    };
    db.execute_raw(sql).await.expect("drop triggers");
}

/// Runs `audit verify ARGS…`, asserts its exit code, returns its output.
fn verify(f: &Fixture, args: &[&str], code: i32) -> String {
    let mut all = vec!["audit", "verify"];
    all.extend_from_slice(args);
    let o = f.run(&all);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(code), "audit verify {args:?}: {out}");
    out
}

/// The newest entry's sequence number.
async fn head(db: &store::Db) -> i64 {
    store::audit::anchor(db)
        .await
        .expect("head")
        .expect("entries")
        .sequence
}

#[tokio::test]
async fn a_plain_verify_starts_after_the_last_one_and_full_rereads_everything() {
    let f = Fixture::new().await;
    for name in ["p1", "p2"] {
        assert!(f.add_user(name, "inspector", "secret-123").status.success());
    }
    let first = verify(&f, &[], 0);
    assert!(first.contains("完整校验"), "no prefix yet: {first}");
    let db = f.db().await;
    let verified = store::audit::last_verified(&db)
        .await
        .unwrap()
        .expect("recorded");
    assert_eq!(verified.seq, head(&db).await);

    let again = verify(&f, &[], 0);
    assert!(
        again.contains(&format!("增量校验：自第 {} 条", verified.seq)),
        "{again}"
    );

    // p1's last logged change is older than the prefix: only --full reads it again.
    db.execute_raw("UPDATE users SET role = 'admin' WHERE username = 'p1'")
        .await
        .unwrap();
    verify(&f, &[], 0);
    let full = verify(&f, &["--full"], 1);
    assert!(
        full.contains("完整校验") && full.contains("user#"),
        "{full}"
    );
}

#[tokio::test]
async fn a_plain_verify_catches_records_and_entries_changed_after_the_prefix() {
    let f = Fixture::new().await;
    assert!(f.add_user("q1", "inspector", "secret-123").status.success());
    verify(&f, &[], 0);
    assert!(f.add_user("q2", "inspector", "secret-123").status.success());
    let db = f.db().await;
    db.execute_raw("UPDATE users SET role = 'admin' WHERE username = 'q2'")
        .await
        .unwrap();
    let out = verify(&f, &[], 1);
    assert!(out.contains("增量校验") && out.contains("user#"), "{out}");

    let f = Fixture::new().await;
    assert!(f.add_user("r1", "inspector", "secret-123").status.success());
    verify(&f, &[], 0);
    assert!(f.add_user("r2", "inspector", "secret-123").status.success());
    let db = f.db().await;
    let newest = head(&db).await;
    allow_editing_the_log(&db).await;
    db.execute_raw(&format!(
        "UPDATE audit_log SET actor = 'someone-else' WHERE seq = {newest}"
    ))
    .await
    .unwrap();
    let out = verify(&f, &[], 1);
    assert!(out.contains(&format!("第 {newest} 条")), "{out}");
}

#[tokio::test]
async fn a_plain_verify_catches_the_verified_entry_edited_or_deleted() {
    let f = Fixture::new().await;
    for name in ["s1", "s2"] {
        assert!(f.add_user(name, "inspector", "secret-123").status.success());
    }
    verify(&f, &[], 0);
    let db = f.db().await;
    let verified = head(&db).await;
    allow_editing_the_log(&db).await;
    db.execute_raw(&format!(
        "UPDATE audit_log SET actor = 'someone-else' WHERE seq = {verified}"
    ))
    .await
    .unwrap();
    let out = verify(&f, &[], 1);
    assert!(out.contains(&format!("第 {verified} 条被篡改")), "{out}");

    let f = Fixture::new().await;
    for name in ["t1", "t2"] {
        assert!(f.add_user(name, "inspector", "secret-123").status.success());
    }
    verify(&f, &[], 0);
    let db = f.db().await;
    let verified = head(&db).await;
    allow_editing_the_log(&db).await;
    db.execute_raw("DELETE FROM users WHERE username = 't2'")
        .await
        .unwrap();
    db.execute_raw(&format!("DELETE FROM audit_log WHERE seq = {verified}"))
        .await
        .unwrap();
    let out = verify(&f, &[], 1);
    assert!(
        out.contains(&format!("第 {verified} 条")) && out.contains("已不在链中"),
        "{out}"
    );
    let out = verify(&f, &["--full"], 1);
    assert!(
        out.contains("已不在链中"),
        "a full run checks it too: {out}"
    );
}

#[tokio::test]
async fn verification_pages_through_batches_and_single_entries_in_record_order() {
    // More records than a page, some created in batches, some changed one by one after:
    // each record's latest entry is found whichever kind it is.
    let f = Fixture::new().await;
    let db = f.db().await;
    let mut tx = db.begin().await.unwrap();
    let table = store::platform::AUDITED_TABLES
        .iter()
        .find(|t| t.entity == "user")
        .expect("users are audited");
    for i in 0..1203 {
        store::audit::insert(
            &mut tx,
            "test",
            table,
            "INSERT INTO users (username, display_name, password_hash, role, disabled, created_at) VALUES ($1, $1, 'x', 'inspector', FALSE, '2019-01-01T00:00:00Z') RETURNING id",
            &[store::sql::Bind::Text(format!("u{i}"))],
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let v = store::audit::verify(&db, &store::audited()).await.unwrap();
    assert_eq!(v.problem, None);
    assert_eq!(v.records, 1203);
    db.execute_raw("UPDATE users SET role = 'admin' WHERE username = 'u1100'")
        .await
        .unwrap();
    match store::audit::verify(&db, &store::audited())
        .await
        .unwrap()
        .problem
    {
        Some(store::audit::Problem::RecordMismatch { entity, .. }) => assert_eq!(entity, "user"),
        other => panic!("expected a mismatch, got {other:?}"),
    }
}
