//! Users, audit verification, backup and the import command's exit codes.

use crate::support::{Fixture, stderr, stdout};

/// Asserts that `groundwork audit verify` fails (exit code 1) and names `what`.
fn assert_verify_fails(f: &Fixture, what: &str) {
    let o = f.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains(what), "{}", stdout(&o));
}

#[tokio::test]
async fn users_are_added_listed_changed_and_disabled() {
    let f = Fixture::new().await;
    let o = f.run(&[
        "user",
        "add",
        "wang",
        "--role",
        "union_staff",
        "--township",
        "寿昌镇",
        "--password",
        "secret-123",
        "--name",
        "王干事",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = f.add_user("li", "union_staff", "secret-123");
    assert!(
        !o.status.success(),
        "union_staff without a township must be refused"
    );
    assert!(stderr(&o).contains("乡镇"), "{}", stderr(&o));
    let o = f.add_user("x", "root", "secret-123");
    assert!(stderr(&o).contains("未知角色"));
    let list = stdout(&f.run(&["user", "list"]));
    assert!(
        list.contains("wang") && list.contains("寿昌镇") && list.contains("正常"),
        "{list}"
    );
    assert!(
        f.run(&["user", "passwd", "wang", "--password", "another-456"])
            .status
            .success()
    );
    let db = f.db().await;
    let out = store::platform::auth::login(&db, "wang", "another-456", "127.0.0.9")
        .await
        .unwrap();
    assert!(matches!(
        out,
        store::platform::auth::LoginOutcome::Ok { .. }
    ));
    assert!(f.run(&["user", "disable", "wang"]).status.success());
    let out = store::platform::auth::login(&db, "wang", "another-456", "127.0.0.9")
        .await
        .unwrap();
    assert!(matches!(out, store::platform::auth::LoginOutcome::Disabled));
    assert!(stdout(&f.run(&["user", "list"])).contains("已停用"));
}

#[tokio::test]
async fn audit_verify_exits_zero_on_an_intact_chain_and_names_the_first_bad_entry() {
    let f = Fixture::new().await;
    for name in ["a1", "a2", "a3"] {
        assert!(f.add_user(name, "inspector", "secret-123").status.success());
    }
    let o = f.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("审计链完整"));

    let db = f.db().await;
    let drop = match db.backend() {
        store::Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        store::Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
    };
    db.execute_raw(drop).await.unwrap();
    db.execute_raw(
        "UPDATE audit_log SET after_json = REPLACE(after_json, 'inspector', 'admin') WHERE seq = 2",
    )
    .await
    .unwrap();
    assert_verify_fails(&f, "第 2 条");
}

#[tokio::test]
async fn audit_verify_fails_when_a_record_is_changed_by_raw_sql() {
    let f = Fixture::new().await;
    assert!(
        f.add_user("zhao", "inspector", "secret-123")
            .status
            .success()
    );
    f.db()
        .await
        .execute_raw("UPDATE users SET role = 'admin' WHERE username = 'zhao'")
        .await
        .unwrap();
    assert_verify_fails(&f, "user#");
}

#[tokio::test]
async fn backup_writes_a_copy() {
    let f = Fixture::new().await;
    assert!(f.add_user("qian", "admin", "secret-123").status.success());
    let out = f.path("backup.bin");
    let o = f.run(&["backup", "--out", &out]);
    assert!(o.status.success(), "{}", stderr(&o));
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    assert!(size > 0, "backup is empty");
    if f.url.starts_with("sqlite") {
        let copy = store::Db::connect(&format!("sqlite://{out}"))
            .await
            .unwrap();
        let users = store::platform::users::list(&copy).await.unwrap();
        assert!(users.iter().any(|u| u.username == "qian"));
    }
    let o = f.run(&["backup", "--out", &out]);
    assert!(
        !o.status.success(),
        "an existing backup must not be overwritten"
    );
}

#[tokio::test]
async fn an_unknown_kind_or_an_unusable_file_is_refused_clearly() {
    let f = Fixture::new().await;
    let o = f.run(&["import", "no-such-kind", "x.csv"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("未知的数据类型"), "{}", stderr(&o));
    let o = f.run(&["template", "no-such-kind", "--out", &f.path("t.xlsx")]);
    assert!(!o.status.success());
}

#[tokio::test]
async fn output_into_a_closed_pipe_ends_quietly() {
    let f = Fixture::new().await;
    f.add_user("clerk", "inspector", "pass-word-1");
    // The reader has gone away before groundwork (slower to start) writes the list.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_groundwork"))
        .args(["--db", &f.url, "user", "list"])
        .env("GROUNDWORK_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run groundwork");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "stderr: {err}");
    assert!(
        out.status.success(),
        "status {:?}, stderr: {err}",
        out.status
    );
}
