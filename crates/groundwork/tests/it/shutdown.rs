//! `groundwork serve` stops gracefully on SIGTERM: a request in flight gets its normal
//! answer, then the process exits 0 with the SQLite write-ahead log checkpointed.

use crate::support::{Fixture, stderr};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free local port (bound, then released for the server to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Sends raw HTTP/1.1 text and reads the whole answer (the server closes after it).
fn exchange(port: u16, request: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).expect("read answer");
    String::from_utf8_lossy(&answer).to_string()
}

/// Waits until the server answers `/healthz`.
fn wait_until_up(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        assert!(
            child.try_wait().expect("poll server").is_none(),
            "server exited early"
        );
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            let mut a = String::new();
            if s.read_to_string(&mut a).is_ok() && a.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("server did not come up");
}

/// The value of cookie `name` set by an answer.
fn set_cookie(answer: &str, name: &str) -> Option<String> {
    answer
        .lines()
        .filter_map(|l| l.split_once(':'))
        .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| v.trim().split(';').next()?.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_then_exits_0() {
    let f = Fixture::new().await;
    let o = f.add_user("clerk", "inspector", "long-enough-1");
    assert!(o.status.success(), "{}", stderr(&o));
    let port = free_port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_groundwork"))
        .args([
            "--db",
            &f.url,
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env("GROUNDWORK_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start server");
    wait_until_up(port, &mut server);

    // The login form's token, as a browser would get it.
    let page = exchange(
        port,
        "GET /login HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    );
    let csrf = set_cookie(&page, "gw_login_csrf").expect("login form token");

    // A login whose body arrives in two parts, announced with `Expect: 100-continue`: the
    // server answers "100 Continue" only once the handler reads the body, so after it the
    // request is in flight for certain, however slowly the machine schedules the server.
    let body = format!("username=clerk&password=long-enough-1&next=%2F&_csrf={csrf}");
    let (first, rest) = body.split_at(10);
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("read timeout");
    write!(
        s,
        "POST /login HTTP/1.1\r\nHost: t\r\nCookie: gw_login_csrf={csrf}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\
         Expect: 100-continue\r\n\r\n",
        body.len()
    )
    .expect("send the headers");
    s.flush().expect("flush");
    let mut interim = Vec::new();
    let mut byte = [0u8; 1];
    while !interim.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).expect("the interim answer");
        interim.push(byte[0]);
    }
    assert!(
        interim.starts_with(b"HTTP/1.1 100"),
        "the handler reads the body: {}",
        String::from_utf8_lossy(&interim)
    );
    s.write_all(first.as_bytes()).expect("send the first part");
    s.flush().expect("flush");

    let pid = server.id().to_string();
    let kill = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("send SIGTERM");
    assert!(kill.success());
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        server.try_wait().expect("poll server").is_none(),
        "the server must wait for the request in flight"
    );

    s.write_all(rest.as_bytes()).expect("send the rest");
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).expect("read answer");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 303"),
        "the login must be answered as usual: {answer}"
    );
    assert!(
        set_cookie(&answer, "gw_session").is_some(),
        "the login must start a session: {answer}"
    );

    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.try_wait().expect("poll server") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = server.kill();
            panic!("the server did not exit after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");

    if let Some(file) = f.url.strip_prefix("sqlite://") {
        let wal = std::fs::metadata(format!("{file}-wal")).map_or(0, |m| m.len());
        assert_eq!(wal, 0, "the write-ahead log must be checkpointed on exit");
    }
}
