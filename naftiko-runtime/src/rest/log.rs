//! One log line per REST request, with a request id.
//!
//! `x-request-id` is taken from the request when it is a short token, generated (in the form of
//! a UUID v4: a random per-process base and a counter) otherwise, and echoed on the response.
//! The line gives method, matched route (never the raw URI: its query may be huge or hold
//! secrets), request id, status, latency and the upstream's status. Never headers (they carry credentials) and never bodies:
//!
//! ```text
//! INFO request{method=GET route="/v1/organizations/{orgId}/billjobs" request_id="0d4c…"}: naftiko::rest: done status=200 latency_ms=3.2 upstream_status=200
//! ```

use super::UpstreamStatus;
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Instant;
use tracing::Span;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id taken from a client; longer ones are replaced.
const MAX_REQUEST_ID: usize = 128;

/// Wraps every route (and the fallbacks) of `router` in the request log.
///
/// One layer does what four did (drop an unusable client id, set a generated one, the span and
/// its log line, the id echoed on the response): one service clone and one future per request
/// instead of four, and no clock read when the log line is filtered out.
pub(crate) fn layer<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(RequestLogLayer)
}

/// The [`tower::Layer`] of [`RequestLog`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestLogLayer;

impl<S> tower::Layer<S> for RequestLogLayer {
    type Service = RequestLog<S>;

    fn layer(&self, inner: S) -> RequestLog<S> {
        RequestLog { inner }
    }
}

/// The request log around a service: the request's id (the client's when it is a short token,
/// else a generated one) set on the request and echoed on the response, a `request` span around
/// the call and one `done` line when the response head is ready.
#[derive(Debug, Clone)]
pub(crate) struct RequestLog<S> {
    inner: S,
}

impl<S> tower::Service<Request> for RequestLog<S>
where
    S: tower::Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = LogFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request) -> Self::Future {
        let id = request_id(&mut req);
        let span = request_span(&req, &id);
        // The latency is only read for a line that is written.
        let started =
            tracing::enabled!(target: "naftiko::rest", tracing::Level::INFO).then(Instant::now);
        let inner = {
            let _entered = span.enter();
            self.inner.call(req)
        };
        LogFuture {
            inner,
            span,
            id: Some(id),
            started,
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`RequestLog`].
    pub(crate) struct LogFuture<F> {
        #[pin]
        inner: F,
        span: Span,
        id: Option<HeaderValue>,
        started: Option<Instant>,
    }
}

impl<F, E> Future for LogFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let mut response = match this.inner.poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Ready(Ok(r)) => r,
        };
        if let Some(id) = this.id.take()
            && !response.headers().contains_key(REQUEST_ID)
        {
            response.headers_mut().insert(REQUEST_ID, id);
        }
        if let Some(started) = *this.started {
            log_response(&response, started);
        }
        Poll::Ready(Ok(response))
    }
}

/// The request's id: the client's if it is a short token (kept on the request), else a fresh
/// one, set on the request for the handlers.
fn request_id(req: &mut Request) -> HeaderValue {
    if let Some(v) = req.headers().get(REQUEST_ID)
        && usable(v)
    {
        return v.clone();
    }
    let id = random_id();
    req.headers_mut().insert(REQUEST_ID, id.clone());
    id
}

/// A client's request id is kept only if it is a short token: it is logged and echoed.
fn usable(v: &HeaderValue) -> bool {
    v.len() <= MAX_REQUEST_ID
        && v.as_bytes()
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:~+/=".contains(b))
}

/// A fresh request id, in the form of a version 4 UUID: a random base drawn once per process
/// (from the OS-seeded per-thread generator of uuid's `fast-rng`) combined with a counter, so
/// that ids are unique within the process and unrelated between processes, without drawing
/// random bytes for every request. Request ids are not secrets.
fn random_id() -> HeaderValue {
    static BASE: OnceLock<u128> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let base = *BASE.get_or_init(|| uuid::Uuid::new_v4().as_u128());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    // The counter goes into the low 62 bits (above them: the variant), the version bits stay 4.
    let bytes = (base ^ u128::from(n & ((1 << 62) - 1))).to_be_bytes();
    let id = uuid::Builder::from_random_bytes(bytes).into_uuid();
    let mut buf = uuid::Uuid::encode_buffer();
    let text = id.hyphenated().encode_lower(&mut buf);
    // A hyphenated UUID is always a valid header value.
    HeaderValue::from_str(text).unwrap_or(HeaderValue::from_static("-"))
}

fn request_span(req: &Request, id: &HeaderValue) -> Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str);
    let request_id = id.to_str().unwrap_or("");
    tracing::info_span!(
        target: "naftiko::rest",
        "request",
        method = %req.method(),
        route,
        request_id,
    )
}

fn log_response(response: &Response, started: Instant) {
    let upstream = response.extensions().get::<UpstreamStatus>().map(|u| u.0);
    tracing::info!(
        target: "naftiko::rest",
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        upstream_status = upstream,
        "done"
    );
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{HeaderValue, Request};
    use std::sync::{Arc, Mutex};
    use tower::ServiceExt;

    /// Log output captured in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Sends one request through `finish`'s layers; returns the response's `x-request-id`
    /// and what was logged.
    async fn send(request_id: Option<&str>) -> (String, String) {
        let log = Captured::default();
        let sink = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || sink.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let router = super::super::finish(
            axum::Router::new().route("/v1/things/{id}", axum::routing::get(|| async { "{}" })),
            "{}",
        );
        let mut req = Request::get("/v1/things/42?apiKey=query-secret")
            .header("authorization", "Bearer header-secret");
        if let Some(id) = request_id {
            req = req.header("x-request-id", HeaderValue::from_str(id).unwrap());
        }
        let resp = router
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let id = resp.headers()["x-request-id"].to_str().unwrap().to_string();
        let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
        (id, text)
    }

    #[tokio::test]
    async fn one_line_with_route_status_and_a_generated_request_id() {
        let (id, log) = send(None).await;
        assert_eq!(id.len(), 36, "a UUID: {id}");
        assert_eq!(log.lines().count(), 1, "{log}");
        for part in [
            "method=GET",
            "route=\"/v1/things/{id}\"",
            &format!("request_id=\"{id}\""),
            "status=200",
            "latency_ms=",
        ] {
            assert!(log.contains(part), "{part} in {log}");
        }
        for secret in ["secret", "authorization", "apiKey", "/v1/things/42"] {
            assert!(!log.contains(secret), "{secret} in {log}");
        }
    }

    #[test]
    fn generated_ids_are_distinct_version_4_uuids() {
        let a = super::random_id();
        let b = super::random_id();
        assert_ne!(a, b);
        let many: std::collections::HashSet<_> = (0..1000).map(|_| super::random_id()).collect();
        assert_eq!(many.len(), 1000);
        let text = a.to_str().unwrap();
        let parsed = uuid::Uuid::parse_str(text).unwrap();
        assert_eq!(parsed.get_version_num(), 4, "{text}");
    }

    #[tokio::test]
    async fn a_client_request_id_is_kept_only_if_it_is_a_short_token() {
        let (id, log) = send(Some("req-7f3a.2")).await;
        assert_eq!(id, "req-7f3a.2");
        assert!(log.contains("request_id=\"req-7f3a.2\""), "{log}");
        for unusable in ["a b status=500", &"x".repeat(129)] {
            let (id, log) = send(Some(unusable)).await;
            assert_eq!(id.len(), 36, "replaced by a UUID: {id}");
            assert!(!log.contains(unusable), "{log}");
        }
    }
}
