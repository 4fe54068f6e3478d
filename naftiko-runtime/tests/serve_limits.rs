//! The listener's bounds, driven with raw sockets: head and idle timeouts, the connection cap,
//! the request deadline, HTTP/1.1 only, and the drain at shutdown.

use axum::Router;
use axum::extract::Path;
use axum::routing::{get, post};
use naftiko_runtime::serve::{self, CancellationToken, Limits};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

fn limits() -> Limits {
    Limits {
        max_connections: 4,
        header_read_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_millis(600),
        request_timeout: Duration::from_millis(800),
    }
}

fn app() -> Router {
    Router::new()
        .route("/", get(|| async { "ok" }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(400)).await;
                "slow"
            }),
        )
        .route("/echo", post(|body: String| async move { body }))
        .route(
            "/sleep/{ms}",
            get(|Path(ms): Path<u64>| async move {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                "slept"
            }),
        )
}

async fn start(limits: Limits) -> (SocketAddr, CancellationToken, JoinHandle<()>) {
    let listener = serve::bind("127.0.0.1:0", "test").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let stop = CancellationToken::new();
    let s = stop.clone();
    let task = tokio::spawn(async move {
        serve::http_with(listener, app(), &limits, "test", async move {
            s.cancelled().await;
        })
        .await
        .unwrap();
    });
    (addr, stop, task)
}

/// Reads until the peer closes or `within` passes; returns what was read and whether it closed.
async fn read_until_close(s: &mut TcpStream, within: Duration) -> (String, bool) {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return (String::from_utf8_lossy(&out).into(), true),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
            Err(_) => return (String::from_utf8_lossy(&out).into(), false),
        }
    }
}

#[tokio::test]
async fn a_dripping_head_is_closed_after_the_header_read_timeout() {
    // Idle and request limits far away: only the head timer can cut it.
    let (addr, _stop, _t) = start(Limits {
        idle_timeout: Duration::from_secs(30),
        request_timeout: Duration::from_secs(30),
        ..limits()
    })
    .await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    s.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    let mut closed = false;
    for i in 0..20 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if s.write_all(format!("x-drip-{i}: {i}\r\n").as_bytes())
            .await
            .is_err()
        {
            closed = true;
            break;
        }
        let mut buf = [0u8; 256];
        if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_millis(1), s.read(&mut buf)).await {
            closed = true;
            break;
        }
    }
    assert!(closed, "a dripping head must be closed");
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(250) && took < Duration::from_millis(600),
        "{took:?}"
    );
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout_not_the_head_timeout() {
    let (addr, _stop, _t) = start(limits()).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    // Still open after the head timeout (300 ms): idle keep-alive has its own bound.
    tokio::time::sleep(Duration::from_millis(450)).await;
    s.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let n = s.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    let started = Instant::now();
    let (_, closed) = read_until_close(&mut s, Duration::from_secs(2)).await;
    assert!(closed);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(450) && waited < Duration::from_millis(1500),
        "{waited:?}"
    );
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let (addr, _stop, _t) = start(limits()).await;
    let mut held = Vec::new();
    for _ in 0..4 {
        let s = TcpStream::connect(addr).await.unwrap();
        held.push(s);
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    // The fifth connects (kernel backlog) but is not served while four are held.
    let mut fifth = TcpStream::connect(addr).await.unwrap();
    fifth
        .write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    assert!(
        tokio::time::timeout(Duration::from_millis(150), fifth.read(&mut buf))
            .await
            .is_err(),
        "served beyond the cap"
    );
    drop(held.pop());
    let (reply, _) = read_until_close(&mut fifth, Duration::from_secs(2)).await;
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
}

#[tokio::test]
async fn a_body_that_never_ends_gets_408_at_the_request_deadline() {
    let (addr, _stop, _t) = start(limits()).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /echo HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n")
        .await
        .unwrap();
    let (reply, _) = read_until_close(&mut s, Duration::from_secs(3)).await;
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
}

#[tokio::test]
async fn a_handler_past_the_request_deadline_gets_408_and_the_connection_closes() {
    let (addr, _stop, _t) = start(limits()).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    s.write_all(b"GET /sleep/5000 HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let (reply, closed) = read_until_close(&mut s, Duration::from_secs(4)).await;
    let took = started.elapsed();
    assert!(reply.starts_with("HTTP/1.1 408"), "{reply}");
    assert!(reply.contains("within 800 ms"), "{reply}");
    assert!(closed, "the connection stays open after a 408");
    // The deadline is the request's own (800 ms), not a multiple of the watchdog's period.
    assert!(took >= Duration::from_millis(790), "408 after {took:?}");
    assert!(took < Duration::from_millis(2500), "408 after {took:?}");
}

#[tokio::test]
async fn each_request_on_a_keep_alive_connection_has_its_own_deadline() {
    // Three requests of 500 ms each on one connection: 1.5 s in all, each within its 800 ms.
    let (addr, _stop, _t) = start(limits()).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    for _ in 0..3 {
        s.write_all(b"GET /sleep/500 HTTP/1.1\r\nhost: x\r\n\r\n")
            .await
            .unwrap();
        let mut reply = Vec::new();
        let mut buf = [0u8; 1024];
        while !reply.ends_with(b"slept") {
            let n = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf))
                .await
                .expect("an answer within 3 s")
                .unwrap();
            assert!(n > 0, "closed: {}", String::from_utf8_lossy(&reply));
            reply.extend_from_slice(&buf[..n]);
        }
        let reply = String::from_utf8_lossy(&reply);
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    }
}

#[tokio::test]
async fn h2c_prior_knowledge_is_not_served() {
    let (addr, _stop, _t) = start(limits()).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .unwrap();
    let (reply, closed) = read_until_close(&mut s, Duration::from_secs(2)).await;
    assert!(closed);
    assert!(!reply.contains("HTTP/2"), "{reply}");
}

#[tokio::test]
async fn shutdown_completes_requests_in_flight_and_closes_idle_connections() {
    let (addr, stop, task) = start(limits()).await;
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let _ = idle.read(&mut buf).await.unwrap();
    let mut busy = TcpStream::connect(addr).await.unwrap();
    busy.write_all(b"GET /slow HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    stop.cancel();
    let (reply, closed) = read_until_close(&mut busy, Duration::from_secs(2)).await;
    assert!(
        reply.starts_with("HTTP/1.1 200") && reply.ends_with("slow"),
        "{reply}"
    );
    assert!(closed, "the connection is closed after the drained request");
    let (_, idle_closed) = read_until_close(&mut idle, Duration::from_millis(500)).await;
    assert!(idle_closed);
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("server returns after the drain")
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(1));
    // The listener is closed.
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn a_partial_head_does_not_hold_the_drain_beyond_the_head_timeout() {
    let (addr, stop, task) = start(limits()).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"G").await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("drain bounded by the head timeout")
        .unwrap();
    assert!(TcpStream::connect(addr).await.is_err());
}
