//! The management plane: liveness and readiness on an address of their own.
//!
//! `GET /health/live` answers `200 {"status":"UP"}` while the process serves. `GET
//! /health/ready` answers `200 {"status":"UP"}` once every component named when the
//! [`Readiness`] was made has reported itself (upstream credentials resolved, each adapter
//! bound) and the drain has not begun; otherwise `503 {"status":"DOWN","pending":[...]}`
//! naming what is missing, so an orchestrator stops routing to a process that cannot answer.
//! Nothing secret is ever part of a component's name.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

mod layer;
mod logs;

pub use logs::{LogControl, MAX_LOGGERS};

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use serde_json::json;

/// What must be in place before the process is ready. Cheap to clone; clones share state.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    pending: Vec<String>,
    draining: bool,
}

impl Readiness {
    /// Ready once each of `components` has been [`mark`](Self::mark)ed.
    pub fn new<I, S>(components: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let pending = components.into_iter().map(Into::into).collect();
        Self {
            state: Arc::new(Mutex::new(State {
                pending,
                draining: false,
            })),
        }
    }

    /// Adds a component that must report before the process is ready.
    pub fn expect(&self, component: &str) {
        let mut state = self.lock();
        if !state.pending.iter().any(|p| p == component) {
            state.pending.push(component.to_string());
        }
    }

    /// Reports `component` in place (an adapter bound, credentials resolved).
    pub fn mark(&self, component: &str) {
        self.lock().pending.retain(|p| p != component);
    }

    /// The drain has begun: no longer ready, whatever else holds.
    pub fn drain(&self) {
        self.lock().draining = true;
    }

    /// `Ok` when ready; otherwise what is still missing (`"draining"` once the drain began).
    pub fn check(&self) -> Result<(), Vec<String>> {
        let state = self.lock();
        let mut missing = state.pending.clone();
        if state.draining {
            missing.push("draining".to_string());
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing)
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a list and a flag: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The management routes: `/health/live` and `/health/ready`.
pub fn router(readiness: Readiness) -> Router {
    Router::new()
        .route(
            "/health/live",
            get(|| async { Json(json!({"status": "UP"})) }),
        )
        .route(
            "/health/ready",
            get(move || {
                let readiness = readiness.clone();
                async move {
                    match readiness.check() {
                        Ok(()) => (StatusCode::OK, Json(json!({"status": "UP"}))).into_response(),
                        Err(pending) => (
                            StatusCode::SERVICE_UNAVAILABLE,
                            Json(json!({"status": "DOWN", "pending": pending})),
                        )
                            .into_response(),
                    }
                }
            }),
        )
}

/// The labels of one inbound request: the adapter ("REST", "MCP"), the operation (the matched
/// route template, never the raw path, so the label set stays bounded) and the status code.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    adapter: &'static str,
    operation: String,
    status: u16,
}

/// The labels of a per-adapter series.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AdapterLabels {
    adapter: &'static str,
}

/// The labels of one upstream exchange: the consumed API's namespace, the operation, and the
/// status of the answer (`0` when there was none: unreachable, timed out, refused).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UpstreamLabels {
    api: &'static str,
    operation: &'static str,
    status: u16,
}

/// The labels of one MCP tool call: the adapter's namespace, the tool, and how it ended
/// (`ok`, `error`: an `isError` result, `invalid`: refused arguments).
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ToolLabels {
    adapter: &'static str,
    tool: &'static str,
    outcome: &'static str,
}

/// The metrics the upstream clients and MCP servers of this process report to, once
/// [`Metrics::install`]ed.
static INSTALLED: OnceLock<Metrics> = OnceLock::new();

/// Request latency buckets in seconds: 1 ms to about 16 s.
const LATENCY_BUCKETS: (f64, f64, u16) = (0.001, 2.0, 15);

/// Prometheus metrics of the inbound adapters, served at `/metrics` in the text format:
/// `naftiko_requests_total{adapter,operation,status}`,
/// `naftiko_request_duration_seconds{adapter,operation,status}` (histogram) and
/// `naftiko_requests_in_flight{adapter}`; once [`install`](Self::install)ed, also each upstream
/// exchange (`naftiko_upstream_requests_total` and `naftiko_upstream_request_duration_seconds`
/// by `api`, `operation`, `status`; every attempt, retries included) and each MCP tool call
/// (`naftiko_tool_calls_total` and `naftiko_tool_call_duration_seconds` by `adapter`, `tool`,
/// `outcome`). Every label comes from the spec or is a status code: the series are bounded.
/// Cheap to clone; clones share the registry.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram, fn() -> Histogram>,
    in_flight: Family<AdapterLabels, Gauge>,
    upstream: Family<UpstreamLabels, Counter>,
    upstream_latency: Family<UpstreamLabels, Histogram, fn() -> Histogram>,
    tools: Family<ToolLabels, Counter>,
    tool_latency: Family<ToolLabels, Histogram, fn() -> Histogram>,
    upstream_series: Arc<SeriesCache<UpstreamLabels>>,
    tool_series: Arc<SeriesCache<ToolLabels>>,
}

/// A counter and a latency histogram of one label set, as the families hold them (clones share
/// their values).
#[derive(Debug)]
struct Series {
    count: Counter,
    latency: Histogram,
}

/// The series recorded so far, by label set, so that recording one skips the family's hashing
/// of the label strings and its lock. Labels are the `&'static str`s of generated code and are
/// compared by address (equal texts at two addresses only make two entries for the same
/// series). At most [`SERIES_CACHED`] label sets are kept; past that the family is asked.
#[derive(Debug)]
struct SeriesCache<L>(Mutex<Vec<(L, Series)>>);

/// The label sets a [`SeriesCache`] keeps.
const SERIES_CACHED: usize = 64;

impl<L> Default for SeriesCache<L> {
    fn default() -> Self {
        Self(Mutex::new(Vec::new()))
    }
}

impl<L: Clone + std::hash::Hash + Eq + EncodeLabelSet + std::fmt::Debug> SeriesCache<L> {
    fn record(
        &self,
        labels: L,
        same: fn(&L, &L) -> bool,
        count: &Family<L, Counter>,
        latency: &Family<L, Histogram, fn() -> Histogram>,
        elapsed: Duration,
    ) {
        let seconds = elapsed.as_secs_f64();
        let mut cached = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, series)) = cached.iter().find(|(l, _)| same(l, &labels)) {
            series.count.inc();
            series.latency.observe(seconds);
            return;
        }
        let series = Series {
            count: count.get_or_create(&labels).clone(),
            latency: latency.get_or_create(&labels).clone(),
        };
        series.count.inc();
        series.latency.observe(seconds);
        if cached.len() < SERIES_CACHED {
            cached.push((labels, series));
        }
    }
}

fn latency_histogram() -> Histogram {
    let (start, factor, n) = LATENCY_BUCKETS;
    Histogram::new(exponential_buckets(start, factor, n))
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// An empty registry with the request metrics registered.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("naftiko");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let upstream = Family::<UpstreamLabels, Counter>::default();
        let upstream_latency = Family::<UpstreamLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let tools = Family::<ToolLabels, Counter>::default();
        let tool_latency = Family::<ToolLabels, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        let in_flight = Family::<AdapterLabels, Gauge>::default();
        registry.register("requests", "Inbound requests answered", requests.clone());
        registry.register(
            "request_duration_seconds",
            "Time to answer an inbound request",
            latency.clone(),
        );
        registry.register(
            "requests_in_flight",
            "Inbound requests being answered",
            in_flight.clone(),
        );
        registry.register(
            "upstream_requests",
            "Requests sent to consumed APIs (each attempt)",
            upstream.clone(),
        );
        registry.register(
            "upstream_request_duration_seconds",
            "Time from sending a request to a consumed API to its whole answer",
            upstream_latency.clone(),
        );
        registry.register("tool_calls", "MCP tool calls answered", tools.clone());
        registry.register(
            "tool_call_duration_seconds",
            "Time to answer an MCP tool call",
            tool_latency.clone(),
        );
        Self {
            registry: Arc::new(registry),
            requests,
            latency,
            in_flight,
            upstream,
            upstream_latency,
            tools,
            tool_latency,
            upstream_series: Arc::default(),
            tool_series: Arc::default(),
        }
    }

    /// Makes these the metrics that the upstream clients and MCP servers of this process
    /// report to; `false` (and no change) when others were installed already.
    pub fn install(&self) -> bool {
        INSTALLED.set(self.clone()).is_ok()
    }

    /// The installed metrics, if any.
    pub(crate) fn installed() -> Option<&'static Metrics> {
        INSTALLED.get()
    }

    /// One exchange with a consumed API (`status` 0: no answer).
    pub(crate) fn upstream(
        &self,
        api: &'static str,
        operation: &'static str,
        status: u16,
        elapsed: Duration,
    ) {
        let labels = UpstreamLabels {
            api,
            operation,
            status,
        };
        self.upstream_series.record(
            labels,
            |a, b| {
                std::ptr::eq(a.api, b.api)
                    && std::ptr::eq(a.operation, b.operation)
                    && a.status == b.status
            },
            &self.upstream,
            &self.upstream_latency,
            elapsed,
        );
    }

    /// One MCP tool call and how it ended (`ok`, `error`, `invalid`).
    pub(crate) fn tool(
        &self,
        adapter: &'static str,
        tool: &'static str,
        outcome: &'static str,
        elapsed: Duration,
    ) {
        let labels = ToolLabels {
            adapter,
            tool,
            outcome,
        };
        self.tool_series.record(
            labels,
            |a, b| {
                std::ptr::eq(a.adapter, b.adapter)
                    && std::ptr::eq(a.tool, b.tool)
                    && std::ptr::eq(a.outcome, b.outcome)
            },
            &self.tools,
            &self.tool_latency,
            elapsed,
        );
    }

    /// Wraps every route of `router` so its requests are counted under `adapter`.
    pub fn layer<S>(&self, adapter: &'static str, router: Router<S>) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        self.layer_with(adapter, router, tower::layer::util::Identity::new())
    }

    /// [`Metrics::layer`] with `inner` between the metrics and each route, in one layer: axum
    /// boxes each route once per layer and clones those boxes for every request.
    pub fn layer_with<S, L>(&self, adapter: &'static str, router: Router<S>, inner: L) -> Router<S>
    where
        S: Clone + Send + Sync + 'static,
        L: tower::Layer<axum::routing::Route> + Clone + Send + Sync + 'static,
        L::Service: tower::Service<
                axum::extract::Request,
                Response = axum::response::Response,
                Error = std::convert::Infallible,
            > + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as tower::Service<axum::extract::Request>>::Future: Send + 'static,
    {
        let in_flight = self
            .in_flight
            .get_or_create(&AdapterLabels { adapter })
            .clone();
        router.layer(
            tower::ServiceBuilder::new()
                .layer(layer::RequestMetricsLayer {
                    metrics: self.clone(),
                    adapter,
                    in_flight,
                })
                .layer(inner),
        )
    }

    /// The registry in the Prometheus text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }

    /// `GET /metrics`.
    pub fn routes(&self) -> Router {
        let metrics = self.clone();
        Router::new().route(
            "/metrics",
            get(move || {
                let metrics = metrics.clone();
                async move {
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        )],
                        metrics.encode(),
                    )
                }
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_only_when_every_component_reported_and_not_draining() {
        let r = Readiness::new(["upstream", "REST"]);
        assert_eq!(r.check(), Err(vec!["upstream".into(), "REST".into()]));
        r.mark("upstream");
        assert_eq!(r.check(), Err(vec!["REST".into()]));
        r.expect("MCP");
        r.mark("REST");
        assert_eq!(r.check(), Err(vec!["MCP".into()]));
        r.mark("MCP");
        assert_eq!(r.check(), Ok(()));
        r.drain();
        assert_eq!(r.check(), Err(vec!["draining".into()]));
    }

    /// The values of the sample lines that start with `prefix`.
    fn sample(text: &str, prefix: &str) -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with(prefix))
            .map(|l| l.rsplit(' ').next().unwrap_or_default().to_string())
            .collect()
    }

    #[test]
    fn cached_series_count_each_label_set_once_whatever_the_address_of_its_texts() {
        let m = Metrics::new();
        let ms = Duration::from_millis(3);
        for _ in 0..3 {
            m.upstream("api", "get", 200, ms);
        }
        // The same texts at other addresses: the same series, not a second one.
        let api: &'static str = String::from("api").leak();
        let get: &'static str = String::from("get").leak();
        m.upstream(api, get, 200, ms);
        m.upstream("api", "get", 503, ms);
        // More label sets than the cache keeps: all counted still.
        let ops: Vec<&'static str> = (0..SERIES_CACHED + 10)
            .map(|i| &*format!("op{i}").leak())
            .collect();
        for op in &ops {
            m.upstream("api", op, 200, ms);
            m.upstream("api", op, 200, ms);
        }
        m.tool("mcp", "t", "ok", ms);
        m.tool("mcp", String::from("t").leak(), "ok", ms);
        let text = m.encode();
        let get200 = r#"naftiko_upstream_requests_total{api="api",operation="get",status="200"}"#;
        assert_eq!(sample(&text, get200), ["4"], "{text}");
        let get503 = r#"naftiko_upstream_requests_total{api="api",operation="get",status="503"}"#;
        assert_eq!(sample(&text, get503), ["1"]);
        for op in &ops {
            let line = format!(
                r#"naftiko_upstream_requests_total{{api="api",operation="{op}",status="200"}}"#
            );
            assert_eq!(sample(&text, &line), ["2"], "{op}");
        }
        let histogram = r#"naftiko_upstream_request_duration_seconds_count{api="api",operation="get",status="200"}"#;
        assert_eq!(sample(&text, histogram), ["4"]);
        let tool = r#"naftiko_tool_calls_total{adapter="mcp",tool="t",outcome="ok"}"#;
        assert_eq!(sample(&text, tool), ["2"], "{text}");
    }
}
