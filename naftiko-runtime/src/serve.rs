//! Running generated adapters: HTTP/1.1 listeners that bound what a client can hold.
//!
//! [`http_with`] serves an axum router on hyper's HTTP/1.1 connection (no h2c: only what is
//! configured is spoken) with, per listener:
//! - at most [`Limits::max_connections`] open connections; when the cap is reached a warning is
//!   logged once and new connections wait in the kernel's backlog until one closes;
//! - a request head must arrive within [`Limits::header_read_timeout`] of its first byte;
//! - a connection with no request in flight and no byte in either direction for
//!   [`Limits::idle_timeout`] is closed (idle keep-alive, half-open and stalled clients);
//! - a request (its head, body and handler, up to the response head) must complete within
//!   [`Limits::request_timeout`], else `408 Request Timeout` (a body that drips forever);
//! - on shutdown the listener closes at once, idle connections are closed and in-flight requests
//!   are completed: the future returns when every connection has ended. Callers bound that wait
//!   with their drain deadline.
//!
//! One watchdog per connection enforces the three timeouts: a request costs no timer of its own.

use axum::body::Body;
use axum::response::IntoResponse;
use futures_util::task::AtomicWaker;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
pub use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// Binds a listener, with an error that says which address is busy.
pub async fn bind(addr: &str, what: &str) -> io::Result<TcpListener> {
    TcpListener::bind(addr).await.map_err(|e| {
        let hint = if e.kind() == io::ErrorKind::AddrInUse {
            " (the port is already in use; choose another address)"
        } else {
            ""
        };
        io::Error::new(
            e.kind(),
            format!("cannot listen for {what} on {addr}: {e}{hint}"),
        )
    })
}

/// The bounds a listener puts on its clients. Every field is an operator's option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Open connections at most; further ones wait until one closes.
    pub max_connections: usize,
    /// Time from the first byte of a request head to its end.
    pub header_read_timeout: Duration,
    /// A connection with no request in flight and no traffic for this long is closed.
    pub idle_timeout: Duration,
    /// Time from a request's head to its response head (body read and handler included).
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 256,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(90),
        }
    }
}

/// Serves a router with [`Limits::default`] until `shutdown` completes, then drains.
pub async fn http(
    listener: TcpListener,
    router: axum::Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    http_with(listener, router, &Limits::default(), "HTTP", shutdown).await
}

/// Serves a router under `limits` until `shutdown` completes; then stops accepting, closes idle
/// connections, and returns once the connections in flight have ended.
pub async fn http_with(
    listener: TcpListener,
    router: axum::Router,
    limits: &Limits,
    what: &'static str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let mut shutdown = pin!(shutdown);
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    // Our own head timer (below) starts at a head's first byte, so that idle keep-alive has a
    // bound of its own; hyper's would start as soon as a connection waits.
    builder.timer(TokioTimer::new()).header_read_timeout(None);
    let limits = Arc::new(limits.clone());
    // The cap warning is logged at most once per `CAP_WARNING_EVERY`, not once per connection
    // that waits while the listener stays saturated.
    let mut last_cap_warning: Option<Instant> = None;
    loop {
        let permit = match permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                if last_cap_warning.is_none_or(|t| t.elapsed() >= CAP_WARNING_EVERY) {
                    last_cap_warning = Some(Instant::now());
                    tracing::warn!(
                        target: "naftiko::serve",
                        adapter = what,
                        max_connections = limits.max_connections,
                        "connection limit reached; new connections wait until one closes"
                    );
                }
                tokio::select! {
                    p = permits.clone().acquire_owned() => match p {
                        Ok(p) => p,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let (tcp, _peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(c) => c,
                Err(e) => {
                    accept_error(what, &e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Without TCP_NODELAY small replies wait for delayed ACKs (~40 ms each).
        let _ = tcp.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Tracked {
            inner: tcp,
            activity: activity.clone(),
        });
        let service = {
            let activity = activity.clone();
            let limits = limits.clone();
            let router = router.clone();
            hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let guard = activity.begin_request();
                let call = router.clone().oneshot(req.map(Body::new));
                let deadline = limits.request_timeout;
                async move {
                    let mut call = pin!(call);
                    // The watchdog marks the request expired at its deadline and wakes it.
                    let response = std::future::poll_fn(|cx| {
                        if guard.expired() {
                            return Poll::Ready(None);
                        }
                        guard.0.waker.register(cx.waker());
                        if guard.expired() {
                            return Poll::Ready(None);
                        }
                        call.as_mut().poll(cx).map(Some)
                    })
                    .await;
                    let response = match response {
                        Some(Ok(r)) => r,
                        Some(Err(never)) => match never {},
                        None => request_timeout(deadline),
                    };
                    drop(guard);
                    Ok::<_, std::convert::Infallible>(response)
                }
            })
        };
        let conn = graceful.watch(builder.serve_connection(io, service));
        let limits = limits.clone();
        tokio::spawn(async move {
            tokio::select! {
                r = conn => if let Err(e) = r {
                    tracing::debug!(target: "naftiko::serve", adapter = what, error = %e, "connection ended");
                },
                reason = activity.watchdog(&limits) => {
                    tracing::debug!(target: "naftiko::serve", adapter = what, reason, "connection closed");
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

const CAP_WARNING_EVERY: Duration = Duration::from_secs(10);

/// Errors of `accept` that concern one connection are skipped; others (out of descriptors) are
/// logged and retried after a pause, so that a full table does not spin the loop.
async fn accept_error(what: &str, e: &io::Error) {
    use io::ErrorKind::*;
    if matches!(e.kind(), ConnectionAborted | ConnectionReset | Interrupted) {
        return;
    }
    tracing::warn!(target: "naftiko::serve", adapter = what, error = %e, "accept failed; retrying in 100 ms");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

fn request_timeout(deadline: Duration) -> axum::response::Response {
    let mut r = crate::rest::Problem::new(
        axum::http::StatusCode::REQUEST_TIMEOUT,
        "Request Timeout",
        format!(
            "the request did not complete within {} ms",
            deadline.as_millis()
        ),
    )
    .into_response();
    r.headers_mut().insert(
        axum::http::header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    r
}

/// What a connection has been doing, read by its watchdog. Times are milliseconds since `epoch`.
#[derive(Debug)]
struct Activity {
    epoch: Instant,
    last: AtomicU64,
    /// 0 when no head is being read, else the time of its first byte + 1.
    head_started: AtomicU64,
    in_flight: AtomicUsize,
    /// The time the request in flight began + 1 (HTTP/1.1 serves one at a time).
    request_started: AtomicU64,
    /// The `request_started` of the request the watchdog found past its deadline. A request
    /// that begins in the same millisecond as an expired one has the same deadline, so the
    /// mark cannot be taken for a later request that is still in time.
    expired: AtomicU64,
    /// The request in flight, woken when it expires.
    waker: AtomicWaker,
}

impl Activity {
    fn new() -> Self {
        Activity {
            epoch: Instant::now(),
            last: AtomicU64::new(0),
            head_started: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            request_started: AtomicU64::new(0),
            expired: AtomicU64::new(0),
            waker: AtomicWaker::new(),
        }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn read(&self) {
        let now = self.now();
        self.last.store(now, Ordering::Relaxed);
        if self.in_flight.load(Ordering::Relaxed) == 0 {
            let _ = self.head_started.compare_exchange(
                0,
                now + 1,
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
    }

    fn wrote(&self) {
        self.last.store(self.now(), Ordering::Relaxed);
    }

    fn begin_request(self: &Arc<Self>) -> RequestGuard {
        let started = self.now().saturating_add(1);
        self.request_started.store(started, Ordering::Relaxed);
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.head_started.store(0, Ordering::Relaxed);
        RequestGuard(self.clone(), started)
    }

    /// Completes when the connection should be closed, with the reason; marks a request in
    /// flight past its deadline expired and wakes it (it then answers 408).
    ///
    /// It is not woken by each request: it sleeps at most the shortest of the three timeouts at
    /// a time and recomputes its deadline when it wakes. A deadline only moves later (traffic,
    /// a request ending) except when a head or a request starts, and such a deadline, its start
    /// plus its timeout, is never earlier than the watchdog's next wake-up: none is missed.
    async fn watchdog(&self, limits: &Limits) -> &'static str {
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let header = millis(limits.header_read_timeout);
        let idle = millis(limits.idle_timeout);
        let request = millis(limits.request_timeout);
        let check = header.min(idle).min(request);
        let sleep = tokio::time::sleep(Duration::ZERO);
        let mut sleep = pin!(sleep);
        loop {
            let now = self.now();
            let (deadline, reason) = if self.in_flight.load(Ordering::Relaxed) > 0 {
                let started = self.request_started.load(Ordering::Relaxed);
                let due = started.saturating_sub(1).saturating_add(request);
                if started == 0 || self.expired.load(Ordering::Relaxed) == started {
                    (now.saturating_add(idle), "")
                } else if now >= due {
                    self.expired.store(started, Ordering::Relaxed);
                    self.waker.wake();
                    continue;
                } else {
                    (due, "")
                }
            } else {
                match self.head_started.load(Ordering::Relaxed) {
                    0 => (
                        self.last.load(Ordering::Relaxed).saturating_add(idle),
                        "idle timeout",
                    ),
                    started => (
                        (started - 1).saturating_add(header),
                        "request head not received in time",
                    ),
                }
            };
            if !reason.is_empty() && now >= deadline {
                return reason;
            }
            let wait = deadline.saturating_sub(now).min(check).max(10);
            let now = tokio::time::Instant::now();
            // A year stands for "never" where the timeouts are too large to add.
            let at = now
                .checked_add(Duration::from_millis(wait))
                .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600));
            sleep.as_mut().reset(at);
            sleep.as_mut().await;
        }
    }
}

/// A request in flight: its connection's activity and its `request_started`.
struct RequestGuard(Arc<Activity>, u64);

impl RequestGuard {
    fn expired(&self) -> bool {
        self.0.expired.load(Ordering::Relaxed) == self.1
    }
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.wrote();
    }
}

/// A TCP stream that reports its traffic to the connection's [`Activity`].
struct Tracked {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.read();
        }
        r
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.wrote();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Signals that stop a server: the first asks for a drain, the second ends the process.
#[derive(Debug, Clone)]
pub struct Signals {
    first: CancellationToken,
    second: CancellationToken,
}

impl Signals {
    /// Listens for Ctrl-C and SIGTERM in the background.
    pub fn listen() -> Self {
        let s = Signals {
            first: CancellationToken::new(),
            second: CancellationToken::new(),
        };
        let t = s.clone();
        tokio::spawn(async move {
            shutdown_signal().await;
            t.first.cancel();
            shutdown_signal().await;
            t.second.cancel();
        });
        s
    }

    /// Signals driven by the caller (tests, embedders): `first` starts the drain.
    pub fn from_token(first: CancellationToken) -> Self {
        Signals {
            first,
            second: CancellationToken::new(),
        }
    }

    /// Completes at the first signal.
    pub async fn drain(&self) {
        self.first.cancelled().await;
    }

    /// Completes at the second signal.
    pub async fn force(&self) {
        self.second.cancelled().await;
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
