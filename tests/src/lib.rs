//! Shared support for the end-to-end tests.
//!
//! - [`Upstream`]: a real HTTP/1.1 server on `127.0.0.1` that records every request exactly as it
//!   arrived (method, raw request-target, headers in order, body bytes) and answers from a script
//!   of [`Scripted`] responses (status, headers, body, optional delay, or a dropped connection).
//!   It is written on plain `TcpStream`s so that nothing between the wire and the record
//!   normalises the request.
//! - [`serve`]: serves an axum router on `127.0.0.1:0` until the returned [`Served`] is dropped.
//! - [`raw_http`]: sends bytes as they are and reads the answer, for requests a normal client
//!   would refuse or rewrite (odd `Host`, dot segments).
//! - [`unused_port`]: a port nothing listens on, for connection-refused cases.

pub mod mcp_client;

use naftiko_runtime::serve::CancellationToken;
use serde_json::Value;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

pub use billjob::capability::{Upstreams, m3ter_billjob, m3ter_billjob_mcp, m3ter_billjob_rest};

/// The token the tests configure for the upstream; it must never show up in messages.
pub const TOKEN: &str = "tok-5ecret-9f3a";

/// One request as the upstream received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub method: String,
    /// The request-target exactly as sent, e.g. `/v1/organizations/o/billjobs?pageSize=2`.
    pub target: String,
    /// Header lines in the order sent, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body after removing any chunked framing.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The target without its query.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The raw (still encoded) query pairs, sorted, so order does not matter in comparisons.
    pub fn query_pairs(&self) -> Vec<String> {
        let mut pairs: Vec<String> = self
            .target
            .split_once('?')
            .map(|(_, q)| q.split('&').map(String::from).collect())
            .unwrap_or_default();
        pairs.sort();
        pairs
    }

    /// The body parsed as JSON; panics with the body text if it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "upstream body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Whether the request framed a body at all (a `Content-Length` above zero or chunked).
    pub fn has_body(&self) -> bool {
        self.header("transfer-encoding").is_some()
            || self
                .header("content-length")
                .is_some_and(|v| v.trim() != "0")
            || !self.body.is_empty()
    }
}

/// One scripted answer of the [`Upstream`].
#[derive(Debug, Clone)]
pub struct Scripted {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long after reading the request before answering.
    pub delay: Option<Duration>,
    /// Close the connection instead of answering.
    pub close: bool,
}

impl Scripted {
    /// `status` with a JSON body and `Content-Type: application/json`.
    pub fn json(status: u16, body: &Value) -> Self {
        Scripted::raw(status, "application/json", body.to_string())
    }

    /// `status` with the given content type and body bytes.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Scripted {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            delay: None,
            close: false,
        }
    }

    /// m3ter's error shape: `{"message": ...}`.
    pub fn message(status: u16, message: &str) -> Self {
        Scripted::json(status, &serde_json::json!({ "message": message }))
    }

    /// Reads the request, then closes the connection without a byte of answer.
    pub fn close_connection() -> Self {
        Scripted {
            close: true,
            ..Scripted::raw(0, "", "")
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

#[derive(Debug)]
struct Shared {
    script: VecDeque<Scripted>,
    fallback: Scripted,
    recorded: Vec<Recorded>,
    connections: usize,
}

/// A recording HTTP/1.1 upstream on `127.0.0.1`. Stops serving when dropped.
#[derive(Debug)]
pub struct Upstream {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    task: JoinHandle<()>,
}

impl Upstream {
    /// Starts on a free port. Unscripted requests are answered `200 {}`.
    pub async fn start() -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind upstream");
        let addr = listener.local_addr().expect("upstream address");
        let shared = Arc::new(Mutex::new(Shared {
            script: VecDeque::new(),
            fallback: Scripted::json(200, &serde_json::json!({})),
            recorded: Vec::new(),
            connections: 0,
        }));
        let state = shared.clone();
        let task = tokio::spawn(async move {
            // Connections live in this set: aborting the accept task ends them too.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).connections += 1;
                        connections.spawn(connection(stream, state.clone()));
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        Upstream { addr, shared, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues an answer; answers are used in order, one per request.
    pub fn push(&self, answer: Scripted) -> &Self {
        self.lock().script.push_back(answer);
        self
    }

    /// The answer used once the script is exhausted.
    pub fn set_fallback(&self, answer: Scripted) {
        self.lock().fallback = answer;
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().recorded.clone()
    }

    pub fn count(&self) -> usize {
        self.lock().recorded.len()
    }

    /// Waits until at least `n` requests were received (a request is recorded once read, which
    /// can lag behind a client that gave up waiting). Panics after `deadline`.
    pub async fn wait_for(&self, n: usize, deadline: Duration) -> Vec<Recorded> {
        let end = tokio::time::Instant::now() + deadline;
        loop {
            let all = self.requests();
            if all.len() >= n {
                return all;
            }
            assert!(
                tokio::time::Instant::now() < end,
                "expected {n} upstream requests within {deadline:?}, got {all:#?}"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.lock().connections
    }

    /// The one request received; panics if there were none or several.
    pub fn only_request(&self) -> Recorded {
        let all = self.requests();
        assert_eq!(
            all.len(),
            1,
            "expected exactly one upstream request, got {all:#?}"
        );
        all.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    /// Forgets the requests received so far.
    pub fn clear(&self) {
        self.lock().recorded.clear();
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn connection(stream: TcpStream, shared: Arc<Mutex<Shared>>) {
    let _ = stream.set_nodelay(true);
    let mut stream = BufReader::new(stream);
    loop {
        let Ok(Some(request)) = read_request(&mut stream).await else {
            return;
        };
        let keep_alive = !request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let answer = {
            let mut s = shared
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            s.recorded.push(request);
            match s.script.pop_front() {
                Some(a) => a,
                None => s.fallback.clone(),
            }
        };
        if let Some(d) = answer.delay {
            tokio::time::sleep(d).await;
        }
        if answer.close {
            let _ = stream.get_mut().shutdown().await;
            return;
        }
        let mut head = format!("HTTP/1.1 {} {}\r\n", answer.status, reason(answer.status));
        for (k, v) in &answer.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if !answer
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        {
            head.push_str(&format!("Content-Length: {}\r\n", answer.body.len()));
        }
        if !keep_alive {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        let out = stream.get_mut();
        if out.write_all(head.as_bytes()).await.is_err()
            || out.write_all(&answer.body).await.is_err()
            || out.flush().await.is_err()
            || !keep_alive
        {
            return;
        }
    }
}

/// Reads one request; `None` at a clean end of stream.
async fn read_request(stream: &mut BufReader<TcpStream>) -> std::io::Result<Option<Recorded>> {
    let mut line = Vec::new();
    if stream.read_until(b'\n', &mut line).await? == 0 {
        return Ok(None);
    }
    let request_line = String::from_utf8_lossy(&line).trim_end().to_string();
    let mut parts = request_line.splitn(3, ' ');
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    loop {
        line.clear();
        if stream.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.to_string(), v.trim().to_string()));
        }
    }
    let mut request = Recorded {
        method,
        target,
        headers,
        body: Vec::new(),
    };
    if request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        loop {
            line.clear();
            stream.read_until(b'\n', &mut line).await?;
            let size = String::from_utf8_lossy(&line);
            let size = size.trim().split(';').next().unwrap_or("0");
            let size = usize::from_str_radix(size, 16).unwrap_or(0);
            if size == 0 {
                // Trailers, then the final empty line.
                loop {
                    line.clear();
                    if stream.read_until(b'\n', &mut line).await? == 0
                        || line == b"\r\n"
                        || line == b"\n"
                    {
                        break;
                    }
                }
                break;
            }
            let mut chunk = vec![0; size];
            stream.read_exact(&mut chunk).await?;
            request.body.extend_from_slice(&chunk);
            line.clear();
            stream.read_until(b'\n', &mut line).await?;
        }
    } else if let Some(len) = request
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        let mut body = vec![0; len];
        stream.read_exact(&mut body).await?;
        request.body = body;
    }
    Ok(Some(request))
}

fn reason(status: u16) -> &'static str {
    axum::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Status")
}

/// A port on `127.0.0.1` that nothing listens on (bound, then released).
pub fn unused_port() -> u16 {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

/// An axum router served on `127.0.0.1:0`; it stops when this is dropped.
#[derive(Debug)]
pub struct Served {
    pub addr: SocketAddr,
    stop: CancellationToken,
}

impl Served {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The token given to the served router (e.g. the MCP transport's shutdown).
    pub fn token(&self) -> CancellationToken {
        self.stop.clone()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Serves `router` with the runtime's own serving function.
pub async fn serve(router: axum::Router) -> Served {
    serve_with(CancellationToken::new(), router).await
}

/// Serves `router`, stopping when `stop` is cancelled or the [`Served`] is dropped.
pub async fn serve_with(stop: CancellationToken, router: axum::Router) -> Served {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .expect("bind server");
    let addr = listener.local_addr().expect("server address");
    let s = stop.clone();
    tokio::spawn(async move {
        let _ = naftiko_runtime::serve::http(listener, router, async move { s.cancelled().await })
            .await;
    });
    Served { addr, stop }
}

/// A client of the BillJob API at `base_uri` with [`TOKEN`] and short limits suitable for tests.
pub fn client_builder(base_uri: &str) -> m3ter_billjob::Builder {
    m3ter_billjob::Client::builder()
        .base_uri(base_uri)
        .var("M3TER_API_KEY", TOKEN)
        .env_source(|_| None)
        .timeout(Duration::from_secs(10))
}

/// [`client_builder`], built.
pub fn client(base_uri: &str) -> m3ter_billjob::Client {
    client_builder(base_uri)
        .build()
        .expect("client builds with a token")
}

/// An answer read by [`raw_http`].
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` byte for byte (it should say `Connection: close`) and reads the answer to the
/// end of the stream. Handles a `Content-Length` or chunked body.
pub async fn raw_http(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("send request");
    let mut all = Vec::new();
    stream.read_to_end(&mut all).await.expect("read answer");
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&all)));
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    let mut body = all[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {head:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    if chunked {
        let mut decoded = Vec::new();
        let mut rest = body.as_slice();
        while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = String::from_utf8_lossy(&rest[..eol]);
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            rest = &rest[eol + 2..];
            if size == 0 || rest.len() < size {
                break;
            }
            decoded.extend_from_slice(&rest[..size]);
            rest = &rest[(size + 2).min(rest.len())..];
        }
        body = decoded;
    }
    RawResponse {
        status,
        headers,
        body,
    }
}

/// Serves a REST router on `127.0.0.1:rest_port` and an MCP server on `127.0.0.1:mcp_port` with
/// the runtime's default limits until the process ends: the interop gateway binaries' main.
pub async fn serve_gateway(
    name: &str,
    rest_port: &str,
    rest_router: axum::Router,
    mcp_port: &str,
    mcp_server: naftiko_runtime::mcp::Server,
) -> std::io::Result<()> {
    use naftiko_runtime::serve::{Limits, http_with};
    let rest = TcpListener::bind(format!("127.0.0.1:{rest_port}")).await?;
    let mcp = TcpListener::bind(format!("127.0.0.1:{mcp_port}")).await?;
    let stop = CancellationToken::new();
    let limits = Limits::default();
    let mcp_router = naftiko_runtime::mcp::router(
        mcp_server,
        &naftiko_runtime::mcp::HttpOptions::default(),
        stop.child_token(),
    );
    eprintln!("{name}: REST 127.0.0.1:{rest_port}, MCP 127.0.0.1:{mcp_port}");
    let (a, b) = tokio::join!(
        http_with(rest, rest_router, &limits, "rest", std::future::pending()),
        http_with(mcp, mcp_router, &limits, "mcp", std::future::pending()),
    );
    a?;
    b
}
