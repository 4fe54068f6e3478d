//! One log line per REST request, with a request id.
//!
//! `x-request-id` is taken from the request when it is a short token, generated (a UUID v4)
//! otherwise, and echoed on the response. The line gives method, matched route (never the raw
//! URI: its query may be huge or hold secrets), request id, status, latency and the upstream's
//! status. Never headers (they carry credentials) and never bodies:
//!
//! ```text
//! INFO request{method=GET route=/v1/organizations/{orgId}/billjobs request_id=0d4c…}: naftiko::rest: done status=200 latency_ms=3.2 upstream_status=200
//! ```

use super::UpstreamStatus;
use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use std::time::Duration;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tracing::Span;

const REQUEST_ID: &str = "x-request-id";

/// Longest request id taken from a client; longer ones are replaced.
const MAX_REQUEST_ID: usize = 128;

/// Wraps every route (and the fallbacks) of `router` in the request log.
pub(super) fn layer<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
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
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(axum::middleware::map_request(drop_unusable_request_id))
}

/// A client's request id is kept only if it is a short token: it is logged and echoed.
async fn drop_unusable_request_id(mut req: Request) -> Request {
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
