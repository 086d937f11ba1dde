//! Slow and idle clients cannot hold the server: headers must arrive within the header
//! timeout, idle keep-alive connections are closed after it, and past the connection
//! limit new connections are closed at once. `GROUNDWORK_FULL_CHECKS=1` (as
//! `scripts/hostile` sets it) holds five thousand slow clients instead of a hundred.

use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn spawn(limits: web::state::ServeLimits) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let db = store::testing::fresh_db(dir.path()).await.expect("db");
    let mut state = web::AppState::new(db);
    state.limits = limits;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr").to_string();
    tokio::spawn(web::serve_on(state, listener));
    (addr, dir)
}

async fn healthz(addr: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return false;
    };
    let _ = s
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .await;
    let mut answer = String::new();
    let read = tokio::time::timeout(Duration::from_secs(5), s.read_to_string(&mut answer)).await;
    read.is_ok() && answer.starts_with("HTTP/1.1 200")
}

/// Whether the server closed `s` within `within` (a read returns end of file or fails).
async fn closed_within(s: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

#[tokio::test]
async fn slow_headers_and_idle_connections_are_closed_and_health_still_answers() {
    let limits = web::state::ServeLimits {
        header_timeout: Duration::from_secs(1),
        max_connections: 200,
    };
    let clients = if std::env::var_os("GROUNDWORK_FULL_CHECKS").is_some() {
        5_000
    } else {
        100
    };
    let limits = web::state::ServeLimits {
        max_connections: clients * 2,
        ..limits
    };
    let (addr, _dir) = spawn(limits).await;
    // Clients that send half a request head and then nothing.
    let mut slow = Vec::new();
    for _ in 0..clients {
        let mut s = TcpStream::connect(&addr).await.expect("connect");
        s.write_all(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")
            .await
            .expect("send");
        slow.push(s);
    }
    assert!(healthz(&addr).await, "the server answers while they hang");
    for s in &mut slow {
        assert!(
            closed_within(s, Duration::from_secs(5)).await,
            "a slow client is closed"
        );
    }
    // A keep-alive connection that went quiet after its answer is closed too.
    let mut idle = TcpStream::connect(&addr).await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .expect("send");
    let mut buf = [0u8; 512];
    let n = idle.read(&mut buf).await.expect("answer");
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    assert!(
        closed_within(&mut idle, Duration::from_secs(5)).await,
        "idle keep-alive closed"
    );
}

#[tokio::test]
async fn past_the_connection_limit_new_connections_are_closed_at_once() {
    let limits = web::state::ServeLimits {
        header_timeout: Duration::from_secs(30),
        max_connections: 20,
    };
    let (addr, _dir) = spawn(limits).await;
    let mut held = Vec::new();
    for _ in 0..20 {
        held.push(TcpStream::connect(&addr).await.expect("connect"));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut extra = TcpStream::connect(&addr).await.expect("connect");
    assert!(
        closed_within(&mut extra, Duration::from_secs(2)).await,
        "over the limit"
    );
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(healthz(&addr).await, "served again once they leave");
}
