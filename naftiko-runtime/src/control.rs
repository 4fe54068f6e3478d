//! The `control` adapter: the management plane on its own address.
//!
//! - `GET /health/live`: 200 while the process serves.
//! - `GET /health/ready`: 200 once [`set_ready`] says every adapter is bound and upstream
//!   credentials are resolved, 503 before.
//! - `GET /metrics`: Prometheus text format (OpenMetrics 1.0): per adapter, operation and status
//!   request counts and latency histograms, and the in-flight gauge, recorded by [`track`].
//!
//! Metrics live in one process-wide registry, so every adapter a capability serves (and billjob's
//! control port) reports into the same `/metrics`.

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

static READY: AtomicBool = AtomicBool::new(false);

/// Marks the process ready (every adapter bound, credentials resolved) or not.
pub fn set_ready(ready: bool) {
    READY.store(ready, Ordering::Release);
}

/// Whether [`set_ready`] last said ready.
pub fn is_ready() -> bool {
    READY.load(Ordering::Acquire)
}

/// The labels of one inbound request.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    adapter: &'static str,
    operation: String,
    status: u16,
}

/// The labels of the in-flight gauge.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AdapterLabels {
    adapter: &'static str,
}

struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
    in_flight: Family<AdapterLabels, Gauge>,
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let mut registry = Registry::with_prefix("naftiko");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
        });
        let in_flight = Family::<AdapterLabels, Gauge>::default();
        registry.register(
            "requests",
            "Inbound requests by adapter, operation and status",
            requests.clone(),
        );
        registry.register(
            "request_duration_seconds",
            "Inbound request latency by adapter, operation and status",
            latency.clone(),
        );
        registry.register(
            "in_flight_requests",
            "Inbound requests being served, by adapter",
            in_flight.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            in_flight,
        }
    })
}

/// Wraps `router` so each request is counted under `adapter`, its matched route
/// (`METHOD /path/{param}`) and its response status.
pub fn track(router: Router, adapter: &'static str) -> Router {
    router.layer(axum::middleware::from_fn(
        move |req: Request, next: Next| record(adapter, req, next),
    ))
}

async fn record(adapter: &'static str, req: Request, next: Next) -> Response {
    let m = metrics();
    let operation = match req.extensions().get::<MatchedPath>() {
        Some(p) => format!("{} {}", req.method(), p.as_str()),
        None => "unmatched".to_owned(),
    };
    let gauge = m
        .in_flight
        .get_or_create(&AdapterLabels { adapter })
        .clone();
    gauge.inc();
    let start = Instant::now();
    let res = next.run(req).await;
    gauge.dec();
    let labels = RequestLabels {
        adapter,
        operation,
        status: res.status().as_u16(),
    };
    m.requests.get_or_create(&labels).inc();
    m.latency
        .get_or_create(&labels)
        .observe(start.elapsed().as_secs_f64());
    res
}

/// The Prometheus text of every metric recorded so far.
pub fn encode_metrics() -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut out, &metrics().registry);
    out
}

/// The control plane's routes: `/metrics` and, with `health`, `/health/live` and
/// `/health/ready`.
pub fn router(health: bool) -> Router {
    let r = Router::new().route(
        "/metrics",
        get(|| async {
            (
                [(
                    header::CONTENT_TYPE,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                )],
                encode_metrics(),
            )
        }),
    );
    if !health {
        return r;
    }
    r.route("/health/live", get(|| async { "ok" })).route(
        "/health/ready",
        get(|| async {
            if is_ready() {
                (StatusCode::OK, "ready").into_response()
            } else {
                (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
            }
        }),
    )
}
