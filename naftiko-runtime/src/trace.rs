//! Distributed tracing: the W3C trace context (`traceparent`, `tracestate`) read from every
//! inbound request and written on every upstream request, and spans when a tracer provider is
//! [`install`]ed (exported by OTLP with the `otlp` feature: [`otlp_provider`]).
//!
//! Without a provider nothing is recorded and nothing is exported: a caller's `traceparent`
//! reaches the upstream as it came (the gateway adds no span of its own to the trace). With
//! one, each inbound request is a server span (the caller's span its parent), each upstream
//! attempt a client span under it, and the `traceparent` sent upstream names that client
//! span. Span attributes are the adapter, the route template or tool, the consumed API and
//! operation, and statuses: never a query, a header value or a body.

use axum::extract::MatchedPath;
use axum::http::{self, HeaderMap, HeaderName, HeaderValue, Request, Response};
use opentelemetry::context::{FutureExt as _, WithContext};
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::{
    SpanKind, Status, TraceContextExt as _, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{SdkTracerProvider, Tracer};
use std::future::Future;
use std::pin::Pin;
use std::sync::{LazyLock, OnceLock};
use std::task::{Context as TaskContext, Poll};

static TRACER: OnceLock<Tracer> = OnceLock::new();
static PROPAGATOR: LazyLock<TraceContextPropagator> = LazyLock::new(TraceContextPropagator::new);

/// Records spans with `provider` from now on (once per process: `false`, and no change, when
/// one was installed already). Keep the provider to flush it at exit.
pub fn install(provider: &SdkTracerProvider) -> bool {
    TRACER.set(provider.tracer("naftiko")).is_ok()
}

fn tracer() -> Option<&'static Tracer> {
    TRACER.get()
}

struct Headers<'a>(&'a HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(HeaderName::as_str).collect()
    }
}

struct HeadersMut<'a>(&'a mut HeaderMap);

impl Injector for HeadersMut<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(key.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            self.0.insert(name, value);
        }
    }
}

/// The caller's trace context, if its headers carry a valid one.
pub fn extract(headers: &HeaderMap) -> Option<Context> {
    headers.get("traceparent")?;
    let cx = PROPAGATOR.extract(&Headers(headers));
    cx.span().span_context().is_valid().then_some(cx)
}

/// Runs `fut` as the server side of an inbound request named `name`, in the caller's trace
/// (`headers`): a server span when a provider is installed, else the caller's context alone.
pub fn inbound<F>(
    headers: &HeaderMap,
    name: impl FnOnce() -> String,
    attributes: impl FnOnce() -> Vec<KeyValue>,
    fut: F,
) -> WithContext<F>
where
    F: Future,
{
    let parent = extract(headers);
    let cx = match tracer() {
        Some(t) => {
            let parent = parent.unwrap_or_default();
            let span = t
                .span_builder(name())
                .with_kind(SpanKind::Server)
                .with_attributes(attributes())
                .start_with_context(t, &parent);
            Some(parent.with_span(span))
        }
        None => parent,
    };
    fut.with_context(cx.unwrap_or_else(Context::current))
}

/// What an upstream exchange ends with, for its span.
#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    /// An answer with this status.
    Status(u16),
    /// No answer (unreachable, timed out, refused before sending).
    Failed,
}

/// One upstream exchange in the current trace: its client span, if any, and the headers that
/// carry the trace to the upstream.
#[derive(Debug)]
pub struct Upstream {
    cx: Option<Context>,
}

impl Upstream {
    /// Starts the exchange `api`.`operation` (`method` for the span name).
    pub fn start(api: &'static str, operation: &'static str) -> Self {
        let current = Context::current();
        let cx = match tracer() {
            Some(t) => {
                let span = t
                    .span_builder(format!("{api}.{operation}"))
                    .with_kind(SpanKind::Client)
                    .with_attributes([
                        KeyValue::new("naftiko.api", api),
                        KeyValue::new("naftiko.operation", operation),
                    ])
                    .start_with_context(t, &current);
                Some(current.with_span(span))
            }
            None => current
                .span()
                .span_context()
                .is_valid()
                .then_some(current.clone()),
        };
        Upstream { cx }
    }

    /// Writes `traceparent` (and `tracestate`) for the upstream into `headers`.
    pub fn inject(&self, headers: &mut HeaderMap) {
        if let Some(cx) = &self.cx {
            PROPAGATOR.inject_context(cx, &mut HeadersMut(headers));
        }
    }

    /// Ends the client span with how the exchange ended.
    pub fn end(self, outcome: Outcome) {
        let Some(cx) = self.cx else { return };
        if tracer().is_none() {
            return;
        }
        let span = cx.span();
        match outcome {
            Outcome::Status(status) => {
                span.set_attribute(KeyValue::new(
                    "http.response.status_code",
                    i64::from(status),
                ));
                if status >= 500 {
                    span.set_status(Status::error(format!("upstream answered {status}")));
                }
            }
            Outcome::Failed => span.set_status(Status::error("no answer from the upstream")),
        }
        span.end();
    }
}

/// A tower layer that puts every request of an adapter in its caller's trace (and in a server
/// span when a provider is installed). Apply it with `Router::layer` so the matched route is
/// known.
#[derive(Debug, Clone, Copy)]
pub struct TraceLayer {
    pub adapter: &'static str,
}

impl<S> tower::Layer<S> for TraceLayer {
    type Service = TraceService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        TraceService {
            inner,
            adapter: self.adapter,
        }
    }
}

#[derive(Debug, Clone)]
pub struct TraceService<S> {
    inner: S,
    adapter: &'static str,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

pin_project_lite::pin_project! {
    /// The inner service's future as it is, or wrapped in a trace.
    #[project = TraceFutureProj]
    pub enum TraceFuture<F, T> {
        Plain { #[pin] fut: F },
        Traced { fut: BoxFuture<T> },
    }
}

impl<F: Future<Output = T>, T> Future for TraceFuture<F, T> {
    type Output = T;
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<T> {
        match self.project() {
            TraceFutureProj::Plain { fut } => fut.poll(cx),
            TraceFutureProj::Traced { fut } => fut.as_mut().poll(cx),
        }
    }
}

impl<S, B, R> tower::Service<Request<B>> for TraceService<S>
where
    S: tower::Service<Request<B>, Response = Response<R>>,
    S::Future: Send + 'static,
    S::Error: 'static,
    R: 'static,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = TraceFuture<S::Future, Result<Response<R>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut TaskContext<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        // Neither a caller's trace nor spans to record: nothing to do.
        if tracer().is_none() && !req.headers().contains_key("traceparent") {
            return TraceFuture::Plain {
                fut: self.inner.call(req),
            };
        }
        let adapter = self.adapter;
        let method = req.method().clone();
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| req.uri().path().to_string(), |m| m.as_str().to_string());
        let headers = req.headers().clone();
        let fut = self.inner.call(req);
        let traced = inbound(
            &headers,
            || format!("{method} {route}"),
            || {
                vec![
                    KeyValue::new("naftiko.adapter", adapter),
                    KeyValue::new("http.request.method", method.to_string()),
                    KeyValue::new("http.route", route.clone()),
                ]
            },
            async move {
                let result = fut.await;
                if tracer().is_some() {
                    let cx = Context::current();
                    let span = cx.span();
                    if let Ok(r) = &result {
                        let status = r.status().as_u16();
                        span.set_attribute(KeyValue::new(
                            "http.response.status_code",
                            i64::from(status),
                        ));
                        if status >= 500 {
                            span.set_status(Status::error(format!("answered {status}")));
                        }
                    }
                    span.end();
                }
                result
            },
        );
        TraceFuture::Traced {
            fut: Box::pin(traced),
        }
    }
}

/// `fut` in the trace of an MCP request whose HTTP parts rmcp passed on (`parts`), as an
/// inbound span named `name` (a tool call, a resource read).
pub fn mcp<F, A>(
    parts: Option<&http::request::Parts>,
    name: &'static str,
    attributes: A,
    fut: F,
) -> impl Future<Output = F::Output> + use<F, A>
where
    F: Future,
    A: FnOnce() -> Vec<KeyValue>,
{
    static EMPTY: LazyLock<HeaderMap> = LazyLock::new(HeaderMap::new);
    let headers = parts.map_or(&*EMPTY, |p| &p.headers);
    inbound(headers, || name.to_string(), attributes, async move {
        let out = fut.await;
        if tracer().is_some() {
            Context::current().span().end();
        }
        out
    })
}

/// A spec's `observability` (the control adapter's), as the generated code declares it.
#[derive(Debug, Clone, Copy)]
pub struct Observability {
    /// Traces recorded and exported.
    pub enabled: bool,
    /// The share of new traces recorded.
    pub sampling: f64,
    /// `exporters.otlp.endpoint`: the collector's base URL, binds read at start-up.
    pub endpoint: Option<&'static [crate::client::Part]>,
}

impl Observability {
    /// The collector's base URL with its binds read from `env`; an error names a missing one.
    pub fn endpoint(&self, env: impl Fn(&str) -> Option<String>) -> Result<Option<String>, String> {
        let Some(parts) = self.endpoint else {
            return Ok(None);
        };
        let mut url = String::new();
        for p in parts {
            match p {
                crate::client::Part::Lit(s) => url.push_str(s),
                crate::client::Part::Env(v) => url.push_str(&env(v).ok_or_else(|| {
                    format!("environment variable `{v}` (in the OTLP endpoint) is not set")
                })?),
            }
        }
        Ok(Some(url))
    }

    /// The provider that exports as the spec says, `None` when it disables observability or
    /// names no collector (nor do the standard `OTEL_EXPORTER_OTLP_*ENDPOINT` variables).
    #[cfg(feature = "otlp")]
    pub fn provider(
        &self,
        service: &str,
        queue: usize,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<SdkTracerProvider>, String> {
        if !self.enabled {
            return Ok(None);
        }
        let endpoint = self.endpoint(&env)?;
        let from_env = [
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
        ]
        .iter()
        .any(|v| env(v).is_some_and(|s| !s.is_empty()));
        if endpoint.is_none() && !from_env {
            return Ok(None);
        }
        otlp_provider(endpoint.as_deref(), service, self.sampling, queue).map(Some)
    }
}

/// A tracer provider exporting spans by OTLP over HTTP/protobuf in batches: to `endpoint`
/// (`.../v1/traces` appended), or where the standard `OTEL_EXPORTER_OTLP_*ENDPOINT` variables
/// say when `endpoint` is `None`. `sampling` is the share of new traces recorded (a caller's
/// sampling decision is followed); `queue` bounds the spans waiting for export (the newest
/// are dropped beyond it, never blocking a request).
#[cfg(feature = "otlp")]
pub fn otlp_provider(
    endpoint: Option<&str>,
    service: &str,
    sampling: f64,
    queue: usize,
) -> Result<SdkTracerProvider, String> {
    use opentelemetry_otlp::{WithExportConfig as _, WithHttpConfig as _};
    use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, Sampler};
    let mut builder = opentelemetry_otlp::SpanExporter::builder().with_http();
    if let Some(base) = endpoint {
        builder = builder.with_endpoint(format!("{}/v1/traces", base.trim_end_matches('/')));
    }
    let exporter = builder
        .with_timeout(std::time::Duration::from_secs(10))
        .with_headers(Default::default())
        .build()
        .map_err(|e| format!("OTLP exporter: {e}"))?;
    let processor = BatchSpanProcessor::builder(exporter)
        .with_batch_config(
            BatchConfigBuilder::default()
                .with_max_queue_size(queue.max(1))
                .build(),
        )
        .build();
    Ok(SdkTracerProvider::builder()
        .with_span_processor(processor)
        .with_sampler(Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(
            sampling.clamp(0.0, 1.0),
        ))))
        .with_resource(
            opentelemetry_sdk::Resource::builder()
                .with_service_name(service.to_string())
                .build(),
        )
        .build())
}
