//! One log line per REST request, with a request id.
//!
//! `x-request-id` is taken from the request when it is a short token, generated (a UUID v4)
//! otherwise, and echoed on the response. The line gives method, matched route (never the raw
//! URI: its query may be huge or hold secrets), request id, status, latency and the upstream's
//! status. Never headers (they carry credentials) and never bodies:
//!
//! ```text
//! INFO request{method=GET route="/v1/organizations/{orgId}/billjobs" request_id="0d4c…"}: naftiko::rest: done status=200 latency_ms=3.2 upstream_status=200
//! ```

use super::UpstreamStatus;
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::response::Response;
use std::time::Duration;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tracing::Span;

const REQUEST_ID: &str = "x-request-id";

/// Longest request id taken from a client; longer ones are replaced.
const MAX_REQUEST_ID: usize = 128;

/// Wraps every route (and the fallbacks) of `router` in the request log.
pub(crate) fn layer<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let trace = TraceLayer::new_for_http()
        .make_span_with(request_span)
        .on_request(())
        .on_response(log_response)
        .on_body_chunk(())
        .on_eos(())
        .on_failure(());
    // The last layer added runs first.
    router
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(trace)
        .layer(SetRequestIdLayer::x_request_id(MakeRandomId))
        // A plain function of the request: no boxed future, no clone of the inner service.
        .layer(tower::util::MapRequestLayer::new(
            drop_unusable_request_id as fn(Request) -> Request,
        ))
}

/// Generates request ids: random UUIDs (version 4). With uuid's `fast-rng` feature they come
/// from a per-thread generator seeded by the OS, not a system call per request; request ids
/// are not secrets.
#[derive(Debug, Clone, Copy)]
struct MakeRandomId;

impl MakeRequestId for MakeRandomId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let mut buf = uuid::Uuid::encode_buffer();
        let text = uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buf);
        HeaderValue::from_str(text).ok().map(RequestId::new)
    }
}

/// A client's request id is kept only if it is a short token: it is logged and echoed.
fn drop_unusable_request_id(mut req: Request) -> Request {
    let usable = req.headers().get(REQUEST_ID).is_none_or(|v| {
        v.len() <= MAX_REQUEST_ID
            && v.as_bytes()
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:~+/=".contains(b))
    });
    if !usable {
        req.headers_mut().remove(REQUEST_ID);
    }
    req
}

fn request_span(req: &Request) -> Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str);
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("");
    tracing::info_span!(
        target: "naftiko::rest",
        "request",
        method = %req.method(),
        route,
        request_id,
    )
}

fn log_response(response: &Response, latency: Duration, _span: &Span) {
    let upstream = response.extensions().get::<UpstreamStatus>().map(|u| u.0);
    tracing::info!(
        target: "naftiko::rest",
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
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
        use tower_http::request_id::MakeRequestId as _;
        let request = Request::new(Body::empty());
        let a = super::MakeRandomId.make_request_id(&request).unwrap();
        let b = super::MakeRandomId.make_request_id(&request).unwrap();
        assert_ne!(a.header_value(), b.header_value());
        let text = a.header_value().to_str().unwrap();
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
