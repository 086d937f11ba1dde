//! `groundwork notify …` queues, lists, retries and cancels; `groundwork serve` delivers
//! what is queued (here to a local WeCom robot stand-in) and stops on SIGTERM.

use crate::support::{Fixture, stderr, stdout};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn messages_are_queued_listed_cancelled_and_retried_from_the_command_line() {
    let f = Fixture::new().await;
    let o = f.run(&[
        "notify",
        "send",
        "--channel",
        "sms",
        "--to",
        "13812345678",
        "--text",
        "选房通知",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("已排队：第 1 号消息"), "{}", stdout(&o));
    let o = f.run(&["notify", "send", "--channel", "sms", "--text", "无收件人"]);
    assert!(
        !o.status.success() && stderr(&o).contains("--to"),
        "{}",
        stderr(&o)
    );
    let o = f.run(&["notify", "send", "--channel", "fax", "--text", "x"]);
    assert!(stderr(&o).contains("未知渠道"));
    let o = f.run(&[
        "notify",
        "send",
        "--channel",
        "dingtalk",
        "--text",
        "日报",
        "--markdown",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = stdout(&f.run(&["notify", "list", "--state", "queued"]));
    assert!(list.contains("sms") && list.contains("dingtalk"), "{list}");
    assert!(f.run(&["notify", "cancel", "1"]).status.success());
    let list = stdout(&f.run(&["notify", "list", "--state", "cancelled"]));
    assert!(list.contains("13812345678"), "{list}");
    assert!(f.run(&["notify", "retry", "1"]).status.success());
    let o = f.run(&["notify", "retry", "2"]);
    assert!(
        !o.status.success() && stderr(&o).contains("不能重试"),
        "{}",
        stderr(&o)
    );
    let o = f.run(&[
        "notify",
        "opt-out",
        "--channel",
        "sms",
        "--to",
        "+86 138 1234 5678",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = f.run(&["notify", "opt-out", "--channel", "dingtalk", "--to", "x"]);
    assert!(!o.status.success());
    let o = f.run(&["audit", "verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
}

/// A WeCom robot stand-in: answers every POST with `{"errcode":0}` and counts them.
async fn fake_robot() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let mut got = Vec::new();
                // Read the head and the body its Content-Length announces.
                loop {
                    let Ok(n) = s.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .filter_map(|l| l.split_once(':'))
                            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                            .and_then(|(_, v)| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if got.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                if String::from_utf8_lossy(&got).contains("\"msgtype\":\"text\"") {
                    seen.fetch_add(1, Ordering::SeqCst);
                }
                let body = r#"{"errcode":0,"errmsg":"ok"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = s.write_all(answer.as_bytes()).await;
            });
        }
    });
    (format!("http://{addr}/cgi-bin/webhook/send?key=k"), count)
}

#[tokio::test]
async fn the_server_delivers_queued_messages_and_stops_on_sigterm() {
    let f = Fixture::new().await;
    let (webhook, count) = fake_robot().await;
    for text in ["第一条", "第二条"] {
        let o = f.run(&["notify", "send", "--channel", "wecom", "--text", text]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_groundwork"))
        .args([
            "--db",
            &f.url,
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env("GROUNDWORK_LOG", "warn")
        .env("GROUNDWORK_WECOM_WEBHOOK", &webhook)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start server");
    let deadline = Instant::now() + Duration::from_secs(60);
    while count.load(Ordering::SeqCst) < 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let kill = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(kill.success());
    let status = server.wait().expect("server exits");
    let mut err = String::new();
    if let Some(mut e) = server.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut err);
    }
    assert!(status.success(), "{err}");
    assert_eq!(count.load(Ordering::SeqCst), 2, "{err}");
    let sent = stdout(&f.run(&["notify", "list", "--state", "sent"]));
    assert_eq!(sent.lines().count(), 2, "{sent}");
    assert!(
        !err.contains("key=k"),
        "the webhook's key is never logged: {err}"
    );
}
