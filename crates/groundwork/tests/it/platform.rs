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
    // Entry 2 is older than the prefix the first run verified: a plain run starts after
    // that prefix, a full run reads the chain from the start.
    let o = f.run(&["audit", "verify", "--full"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("第 2 条"), "{}", stdout(&o));
}

#[tokio::test]
async fn an_anchor_shows_the_newest_changes_deleted_with_their_entries() {
    let f = Fixture::new().await;
    for name in ["b1", "b2"] {
        let o = f.run(&[
            "user",
            "add",
            name,
            "--role",
            "inspector",
            "--password",
            "secret-123",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let dir = tempfile::tempdir().expect("dir");
    let anchor = dir.path().join("anchor.json");
    let o = f.run(&[
        "audit",
        "anchor",
        "--out",
        anchor.to_str().unwrap_or_default(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&anchor).expect("anchor")).expect("json");
    assert!(kept["sequence"].as_i64().is_some_and(|s| s > 0) && kept["hash"].is_string());
    let with_anchor = [
        "audit",
        "verify",
        "--anchor",
        anchor.to_str().unwrap_or_default(),
    ];
    assert_eq!(f.run(&with_anchor).status.code(), Some(0));

    // Delete the newest change together with its entry: the shorter chain is intact, but
    // it no longer holds the anchored entry.
    let db = f.db().await;
    let drop = match db.backend() {
        store::Backend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        store::Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change",
    };
    db.execute_raw(drop).await.unwrap();
    db.execute_raw("DELETE FROM users WHERE username = 'b2'")
        .await
        .unwrap();
    db.execute_raw("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
        .await
        .unwrap();
    // The run with the anchor wrote down the head it verified, so a plain run notices
    // that entry gone; someone who can delete entries can delete that note too, and then
    // only the anchor kept outside shows it.
    let o = f.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("已不在链中"), "{}", stdout(&o));
    db.execute_raw("DELETE FROM audit_verifications")
        .await
        .unwrap();
    let o = f.run(&["audit", "verify"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "without the anchor it goes unnoticed"
    );
    let o = f.run(&with_anchor);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("锚点"), "{}", stdout(&o));
}

#[tokio::test]
async fn user_tokens_lists_and_revokes_from_the_command_line() {
    let f = Fixture::new().await;
    let o = f.run(&[
        "user",
        "add",
        "zhou",
        "--role",
        "inspector",
        "--password",
        "secret-123",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let db = f.db().await;
    let user = store::platform::users::by_username_with_hash(&db, "zhou")
        .await
        .unwrap()
        .unwrap()
        .0;
    store::platform::tokens::create(&db, "test", user.id, "报表对接")
        .await
        .unwrap();
    let id = store::platform::tokens::of_user(&db, user.id)
        .await
        .unwrap()[0]
        .id;
    let list = stdout(&f.run(&["user", "tokens", "zhou"]));
    assert!(list.contains("报表对接") && list.contains("有效"), "{list}");
    let o = f.run(&["user", "tokens", "zhou", "--revoke", &id.to_string()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = stdout(&f.run(&["user", "tokens", "zhou"]));
    assert!(list.contains("已吊销"), "{list}");
    // A token created on the command line is printed once and opens the API as its user.
    let o = f.run(&["user", "tokens", "zhou", "--create", "数据平台"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let token = stdout(&o).trim().to_string();
    let owner = store::platform::tokens::user_of(&db, &token)
        .await
        .unwrap()
        .expect("the printed token is live");
    assert_eq!(owner.username, "zhou");
    let list = stdout(&f.run(&["user", "tokens", "zhou"]));
    assert!(list.contains("数据平台") && list.contains("有效"), "{list}");
    assert!(
        !list.contains(&token),
        "the list never shows a token: {list}"
    );
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
