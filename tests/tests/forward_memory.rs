//! `forward` (tests/specs/forward.yaml) streams both ways: a 100 MB body uploaded through the
//! gateway and a 100 MB answer downloaded through it pass while this process's resident memory
//! stays within 64 MiB of where it started; a proxy that buffered either body would hold at least
//! 100 MiB. The only test of its binary, so that no other test's memory is counted. Caller and
//! upstream are raw sockets that never hold a body either.

use naftiko_tests::{Served, serve};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

mod generated {
    naftiko_runtime::naftiko_capability!("specs/forward.yaml");
}
use generated::*;

async fn gateway(base: &str) -> Served {
    let notion = notion::Client::builder()
        .base_uri(base)
        .timeout(Duration::from_secs(120))
        .env_source(|n| (n == "NOTION_TOKEN").then(|| "t".to_string()))
        .build()
        .expect("client");
    let search = search::Client::builder()
        .base_uri(base)
        .env_source(|n| (n == "SEARCH_KEY").then(|| "k".to_string()))
        .build()
        .expect("client");
    let vault = vault::Client::builder()
        .base_uri(base)
        .env_source(|n| match n {
            "DIGEST_USER" => Some("Mufasa".to_string()),
            "DIGEST_PASSWORD" => Some("Circle of Life".to_string()),
            _ => None,
        })
        .build()
        .expect("client");
    serve(proxy::router(Upstreams {
        notion,
        search,
        vault,
    }))
    .await
}

const BIG: u64 = 100 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

/// An upstream that never holds a body: `GET /v1/source` answers `BIG` zero bytes written chunk
/// by chunk; anything else reads its `Content-Length` body, counting, and answers the count.
async fn streaming_upstream() -> std::net::SocketAddr {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut stream = BufReader::new(stream);
                let (line, headers) = read_head(&mut stream).await;
                let chunk = vec![0u8; CHUNK];
                if line.starts_with("GET /v1/source") {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {BIG}\r\nConnection: close\r\n\r\n"
                    );
                    let s = stream.get_mut();
                    s.write_all(head.as_bytes()).await.expect("head");
                    let mut left = BIG;
                    while left > 0 {
                        let n = left.min(CHUNK as u64) as usize;
                        if s.write_all(&chunk[..n]).await.is_err() {
                            return;
                        }
                        left -= n as u64;
                    }
                } else {
                    let length: u64 = header(&headers, "content-length")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    let mut buf = vec![0u8; CHUNK];
                    let mut read = 0u64;
                    while read < length {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => read += n as u64,
                        }
                    }
                    let body = json!({"bytes": read, "length": header(&headers, "content-length")})
                        .to_string();
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let s = stream.get_mut();
                    let _ = s.write_all(head.as_bytes()).await;
                    let _ = s.write_all(body.as_bytes()).await;
                }
            });
        }
    });
    addr
}

/// The request or status line and the header lines of a message head.
async fn read_head<R: AsyncBufReadExt + Unpin>(r: &mut R) -> (String, Vec<String>) {
    let mut first = String::new();
    r.read_line(&mut first).await.expect("first line");
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        r.read_line(&mut line).await.expect("header line");
        let line = line.trim_end().to_string();
        if line.is_empty() {
            return (first, headers);
        }
        headers.push(line);
    }
}

fn header<'a>(headers: &'a [String], name: &str) -> Option<&'a str> {
    headers.iter().find_map(|h| {
        let (k, v) = h.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// This process's resident set, in bytes.
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmRSS")
        * 1024
}

/// Uploads `size` zero bytes through the gateway, chunk by chunk; returns the upstream's count.
async fn upload(gw: std::net::SocketAddr, size: u64) -> Value {
    let mut s = TcpStream::connect(gw).await.expect("connect");
    let head = format!(
        "POST /notion/sink HTTP/1.1\r\nHost: gw\r\nContent-Type: application/octet-stream\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.expect("head");
    let chunk = vec![0u8; CHUNK];
    let mut left = size;
    while left > 0 {
        let n = left.min(CHUNK as u64) as usize;
        s.write_all(&chunk[..n]).await.expect("body");
        left -= n as u64;
    }
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.expect("answer");
    let at = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head end");
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    serde_json::from_slice(&answer[at + 4..]).expect("json count")
}

/// Downloads through the gateway, counting the body's bytes without keeping them.
async fn download(gw: std::net::SocketAddr) -> (Vec<String>, u64) {
    let mut s = BufReader::new(TcpStream::connect(gw).await.expect("connect"));
    s.get_mut()
        .write_all(b"GET /notion/source HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n")
        .await
        .expect("request");
    let (status, headers) = read_head(&mut s).await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    let mut buf = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        match s.read(&mut buf).await.expect("read") {
            0 => return (headers, total),
            n => total += n as u64,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_body_each_way_streams_with_memory_flat() {
    let up = streaming_upstream().await;
    let gw = gateway(&format!("http://{up}/v1")).await;
    // Warm up pools and allocator with a small exchange each way.
    assert_eq!(upload(gw.addr, 1024 * 1024).await["bytes"], 1024 * 1024);
    let base = rss();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(base));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss(), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let counted = upload(gw.addr, BIG).await;
    assert_eq!(counted["bytes"], BIG, "{counted}");
    // The caller's Content-Length passes: the upstream sees a sized body.
    assert_eq!(counted["length"], BIG.to_string());
    let (headers, got) = download(gw.addr).await;
    assert_eq!(got, BIG);
    assert_eq!(
        header(&headers, "content-length"),
        Some(BIG.to_string().as_str())
    );
    sampler.abort();
    let growth = peak
        .load(std::sync::atomic::Ordering::Relaxed)
        .saturating_sub(base);
    // A buffering proxy would hold at least one 100 MiB body.
    assert!(
        growth < 64 * 1024 * 1024,
        "resident memory grew by {} MiB while forwarding",
        growth / (1024 * 1024)
    );
}
