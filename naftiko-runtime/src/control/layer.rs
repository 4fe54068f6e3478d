//! The request metrics of an adapter as one tower layer: no boxed future per request, and the
//! series of a route and status looked up once, not hashed into the families per request.

use super::{Metrics, RequestLabels};
use axum::extract::{MatchedPath, Request};
use axum::response::Response;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

/// The operation label of a request that matched no route.
const UNMATCHED: &str = "(unmatched)";

/// Counts the requests of every route it wraps under one adapter label.
#[derive(Clone)]
pub(super) struct RequestMetricsLayer {
    pub(super) metrics: Metrics,
    pub(super) adapter: &'static str,
    pub(super) in_flight: Gauge,
}

impl<S> tower::Layer<S> for RequestMetricsLayer {
    type Service = RequestMetrics<S>;

    fn layer(&self, inner: S) -> RequestMetrics<S> {
        RequestMetrics {
            inner,
            route: Arc::new(Route {
                layer: self.clone(),
                series: Mutex::new(Vec::new()),
            }),
        }
    }
}

/// What one wrapped route shares between its clones: the series it has used so far, one per
/// operation and status (a route has one operation, statuses are few: the list stays short).
struct Route {
    layer: RequestMetricsLayer,
    series: Mutex<Vec<Series>>,
}

struct Series {
    operation: Arc<str>,
    status: u16,
    requests: Counter,
    latency: Histogram,
}

impl Route {
    fn record(&self, operation: &str, status: u16, seconds: f64) {
        let mut series = self.series.lock().unwrap_or_else(PoisonError::into_inner);
        let i = match series
            .iter()
            .position(|s| s.status == status && &*s.operation == operation)
        {
            Some(i) => i,
            None => {
                let labels = RequestLabels {
                    adapter: self.layer.adapter,
                    operation: operation.to_string(),
                    status,
                };
                let m = &self.layer.metrics;
                series.push(Series {
                    operation: operation.into(),
                    status,
                    requests: m.requests.get_or_create(&labels).clone(),
                    latency: m.latency.get_or_create(&labels).clone(),
                });
                series.len() - 1
            }
        };
        let s = &series[i];
        s.requests.inc();
        s.latency.observe(seconds);
    }
}

/// A route with its requests counted.
#[derive(Clone)]
pub(super) struct RequestMetrics<S> {
    inner: S,
    route: Arc<Route>,
}

impl<S> tower::Service<Request> for RequestMetrics<S>
where
    S: tower::Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = MetricsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let operation = request.extensions().get::<MatchedPath>().cloned();
        self.route.layer.in_flight.inc();
        MetricsFuture {
            inner: self.inner.call(request),
            state: Some(InFlight {
                route: self.route.clone(),
                operation,
                started: Instant::now(),
            }),
        }
    }
}

/// A request being answered: counted in flight until it is answered or abandoned.
struct InFlight {
    route: Arc<Route>,
    operation: Option<MatchedPath>,
    started: Instant,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.route.layer.in_flight.dec();
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`RequestMetrics`].
    pub(super) struct MetricsFuture<F> {
        #[pin]
        inner: F,
        state: Option<InFlight>,
    }
}

impl<F, E> Future for MetricsFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = match this.inner.poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        if let (Ok(response), Some(state)) = (&result, this.state.take()) {
            let operation = state
                .operation
                .as_ref()
                .map_or(UNMATCHED, MatchedPath::as_str);
            let seconds = state.started.elapsed().as_secs_f64();
            state
                .route
                .record(operation, response.status().as_u16(), seconds);
        }
        Poll::Ready(result)
    }
}
