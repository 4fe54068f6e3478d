//! The `billjob` command: start-up, serving and shutdown. The command line is [`Options`].
//!
//! Shutdown has three stages, each a token: `drain` (the first signal, or a server failing)
//! closes the listeners and lets requests and MCP tool calls in flight answer; `mcp_stop` then
//! ends MCP sessions and their event streams; `stop` ends the sandbox last, since it is the
//! adapters' upstream. The drain is bounded by `--drain-timeout-ms`; a second signal ends it.

mod options;

pub use options::{ApiKey, LogFormat, Options};

use crate::capability::{Upstreams, m3ter_billjob, m3ter_billjob_mcp, m3ter_billjob_rest};
use crate::sandbox;
use anyhow::Context as _;
use naftiko_runtime::client::ClientCredentials;
use naftiko_runtime::control::{Metrics, Readiness};
use naftiko_runtime::guard::HostGuard;
use naftiko_runtime::mcp::{HttpOptions, Server};
use naftiko_runtime::serve::{self, CancellationToken, Limits};
use std::time::Duration;
use tokio::task::JoinSet;

/// MCP address when neither `--mcp-addr` nor the spec gives one.
const FALLBACK_MCP_ADDR: &str = "127.0.0.1:9090";

/// After the last MCP tool call has answered, the time given to write its answer out.
const MCP_FLUSH: Duration = Duration::from_millis(100);

type Servers = JoinSet<std::io::Result<()>>;

/// Starts everything the options ask for and serves until Ctrl-C or SIGTERM, then drains;
/// a second signal ends the drain at once.
pub async fn run(options: Options) -> Result<(), String> {
    let signals = serve::Signals::listen();
    let first = signals.clone();
    tokio::select! {
        r = run_until(options, async move { first.drain().await }) => r,
        () = signals.force() => {
            tracing::warn!("second signal: exiting without waiting for the drain");
            Ok(())
        }
    }
}

/// Like [`run`], stopping when `shutdown` completes. The error is [`serve()`]'s with its
/// causes, as one line.
pub async fn run_until(
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    serve(options, shutdown).await.map_err(|e| format!("{e:#}"))
}

/// The stages of shutdown (see the module docs), and the request metrics every adapter
/// records into and the management plane serves.
#[derive(Debug, Clone, Default)]
struct Lifecycle {
    drain: CancellationToken,
    mcp_stop: CancellationToken,
    stop: CancellationToken,
    metrics: Metrics,
}

/// Starts everything the options ask for, logs where it listens, and serves until
/// `shutdown` completes or a server fails; then drains.
pub async fn serve(
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let life = Lifecycle::default();
    // The upstream client and the MCP tools report to the same registry as the adapters.
    life.metrics.install();
    let traces = start_tracing(&options)?;
    let limits = listener_limits(&options);
    let inbound = inbound_auth(&options)?;
    let readiness = Readiness::new([UPSTREAM]);
    start_control(&options, &readiness, &limits, &life).await?;
    let (upstreams, upstream_line) = upstream(&options, &life).await?;
    readiness.mark(UPSTREAM);
    let mut servers = Servers::new();
    if let Some(addr) = rest_addr(&options) {
        readiness.expect("REST");
        start_rest(
            &addr,
            upstreams.clone(),
            inbound.clone(),
            &options,
            &limits,
            &life,
            &mut servers,
        )
        .await?;
        readiness.mark("REST");
    }
    let server = m3ter_billjob_mcp::server(upstreams);
    // The stdio transport has no HTTP request to authenticate.
    let server = match inbound {
        Some(auth) if !options.stdio => server.with_auth(auth),
        _ => server,
    };
    if options.stdio {
        start_stdio(server, &life, &mut servers);
    } else {
        readiness.expect("MCP");
        start_mcp_http(&options, server, &limits, &life, &mut servers).await?;
        readiness.mark("MCP");
    }
    tracing::info!("{upstream_line}");
    let drain = life.drain.clone();
    tokio::spawn(async move {
        shutdown.await;
        drain.cancel();
    });
    let result = wait_then_drain(servers, &life, options.drain_timeout).await;
    if let Some(provider) = traces {
        // The spans still queued are sent (bounded by the exporter's timeout).
        let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
    }
    result
}

/// Trace export by OTLP when `--otlp-endpoint` or the standard variables name a collector.
fn start_tracing(
    options: &Options,
) -> anyhow::Result<Option<naftiko_runtime::opentelemetry_sdk::trace::SdkTracerProvider>> {
    let from_env = [
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ]
    .iter()
    .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()));
    if options.otlp_endpoint.is_none() && !from_env {
        return Ok(None);
    }
    let service = std::env::var("OTEL_SERVICE_NAME").unwrap_or_else(|_| "billjob".to_string());
    let provider = naftiko_runtime::trace::otlp_provider(
        options.otlp_endpoint.as_deref(),
        &service,
        options.trace_sampling,
        options.otlp_queue,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    naftiko_runtime::trace::install(&provider);
    // The collector's address without any credentials its URL may hold.
    let collector = options.otlp_endpoint.as_deref().map_or_else(
        || "the collector OTEL_EXPORTER_OTLP_*ENDPOINT names".to_string(),
        |url| {
            url.parse::<axum::http::Uri>()
                .ok()
                .and_then(|u| {
                    let port = u.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
                    Some(format!("{}://{}{port}", u.scheme_str()?, u.host()?))
                })
                .unwrap_or_else(|| "the collector --otlp-endpoint names".to_string())
        },
    );
    tracing::info!(
        "traces: exported by OTLP/HTTP to {collector} (sampling {})",
        options.trace_sampling
    );
    Ok(Some(provider))
}

/// The operator's inbound bearer token (`--inbound-token-env NAME`, else
/// `BILLJOB_INBOUND_TOKEN`), required on REST and MCP over HTTP. Its value is never logged.
fn inbound_auth(options: &Options) -> anyhow::Result<Option<naftiko_runtime::auth::Inbound>> {
    let (name, required) = match &options.inbound_token_env {
        Some(name) => (name.as_str(), true),
        None => ("BILLJOB_INBOUND_TOKEN", false),
    };
    let token = match std::env::var(name) {
        Ok(t) if !t.is_empty() => t,
        Ok(_) => anyhow::bail!("environment variable `{name}` (the inbound bearer token) is empty"),
        Err(_) if required => anyhow::bail!(
            "environment variable `{name}` (the inbound bearer token, --inbound-token-env) is not set"
        ),
        Err(_) => return Ok(None),
    };
    let auth = naftiko_runtime::auth::Inbound::bearer("billjob", &token)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(
        "inbound authentication: a bearer token from `{name}` is required on REST and MCP over HTTP"
    );
    Ok(Some(auth))
}

fn listener_limits(options: &Options) -> Limits {
    if options.request_timeout <= options.timeout {
        tracing::warn!(
            "--request-timeout-ms ({} ms) is not above --timeout-ms ({} ms): callers get 408 before the upstream's answer or timeout",
            options.request_timeout.as_millis(),
            options.timeout.as_millis()
        );
    }
    Limits {
        max_connections: options.max_connections,
        header_read_timeout: options.header_read_timeout,
        idle_timeout: options.idle_timeout,
        request_timeout: options.request_timeout,
    }
}

/// The API key from the options, else from `M3TER_API_KEY` (for callers that build
/// [`Options`] in code rather than parsing a command line); empty counts as absent.
fn api_key(options: &Options) -> Option<String> {
    options
        .api_key
        .as_ref()
        .map(|key| key.expose().to_string())
        .or_else(|| std::env::var("M3TER_API_KEY").ok())
        .filter(|key| !key.is_empty())
}

/// m3ter's client credentials: m3ter answers an expired or revoked token 403 (not 401), so a
/// 403 renews the token once.
fn m3ter_credentials(token_url: String, id: String, secret: String) -> ClientCredentials {
    ClientCredentials {
        renew_on_forbidden: true,
        ..ClientCredentials::new(token_url, id, secret)
    }
}

/// The OAuth client id and secret from the options, else from `M3TER_CLIENT_ID` and
/// `M3TER_CLIENT_SECRET`; both or nothing (clap enforces the pair on a command line).
fn client_credentials(options: &Options) -> Option<(String, String)> {
    let id = options
        .client_id
        .clone()
        .or_else(|| std::env::var("M3TER_CLIENT_ID").ok())
        .filter(|id| !id.is_empty())?;
    let secret = options
        .client_secret
        .as_ref()
        .map(|s| s.expose().to_string())
        .or_else(|| std::env::var("M3TER_CLIENT_SECRET").ok())
        .filter(|s| !s.is_empty())?;
    Some((id, secret))
}

/// The client of m3ter (or of the sandbox, started here), and the line that says which.
async fn upstream(options: &Options, life: &Lifecycle) -> anyhow::Result<(Upstreams, String)> {
    let mut builder = m3ter_billjob::Client::builder()
        .timeout(options.timeout)
        .retry_budget_percent(options.retry_budget_percent)
        .max_response_bytes(options.upstream_max_body_bytes)
        .max_connections(options.upstream_max_connections);
    let key = api_key(options);
    let client = client_credentials(options);
    let line = if options.sandbox {
        let (token, generated) = match key {
            Some(key) => (key, false),
            None => (
                sandbox::random_token().context("cannot generate a token for the sandbox")?,
                true,
            ),
        };
        let config = sandbox::SandboxConfig {
            client: client
                .clone()
                .map(|(id, secret)| sandbox::OAuthClient { id, secret }),
            token_lifetime: options.sandbox_token_lifetime,
            step: options.sandbox_step,
            job_ttl: options.sandbox_job_ttl,
            max_jobs_per_org: options.sandbox_max_jobs_per_org,
            ..sandbox::SandboxConfig::new(token.clone())
        };
        let (addr, handle) = sandbox::spawn(config, ([127, 0, 0, 1], 0).into())
            .await
            .context("cannot start the sandbox")?;
        let stop = life.stop.clone();
        tokio::spawn(async move {
            stop.cancelled().await;
            handle.abort();
        });
        builder = builder.base_uri(format!("http://{addr}"));
        let how = if let Some((id, secret)) = client {
            builder = builder.client_credentials(m3ter_credentials(
                format!("http://{addr}/oauth/token"),
                id,
                secret,
            ));
            format!(
                "tokens from its /oauth/token for M3TER_CLIENT_ID, valid {} s",
                options.sandbox_token_lifetime.as_secs()
            )
        } else {
            builder = builder.var("M3TER_API_KEY", token);
            if generated {
                "M3TER_API_KEY not set, so a random token was generated for it".to_string()
            } else {
                "token from M3TER_API_KEY".to_string()
            }
        };
        format!(
            "upstream: BillJob sandbox at http://{addr} (in-process; state is lost on exit; {how})"
        )
    } else {
        if let Some(u) = &options.upstream {
            builder = builder.base_uri(u.clone());
        }
        let base = options
            .upstream
            .clone()
            .unwrap_or_else(|| m3ter_billjob::SPEC.base_uri_text());
        let how = if let Some((id, secret)) = client {
            let token_url = options
                .token_url
                .clone()
                .unwrap_or_else(|| format!("{}/oauth/token", base.trim_end_matches('/')));
            let shown = naftiko_runtime::client::without_userinfo(&token_url);
            builder = builder.client_credentials(m3ter_credentials(token_url, id, secret));
            format!(" (OAuth client credentials, tokens from {shown})")
        } else {
            if let Some(key) = key {
                builder = builder.var("M3TER_API_KEY", key);
            }
            String::new()
        };
        format!(
            "upstream: {}{how}",
            naftiko_runtime::client::without_userinfo(&base)
        )
    };
    let client = builder.build().map_err(|e| match e {
        naftiko_runtime::client::ConfigError::MissingVar(v) => anyhow::anyhow!(
            "environment variable `{v}` is not set: export the m3ter bearer token (or M3TER_CLIENT_ID and M3TER_CLIENT_SECRET), or run with --sandbox"
        ),
        other => anyhow::anyhow!("{other}"),
    })?;
    let upstreams = Upstreams {
        m3ter_billjob: client,
    };
    Ok((upstreams, line))
}

/// The readiness component for the upstream: its credentials resolved (and the sandbox up).
const UPSTREAM: &str = "upstream";

/// Default management address (`--control-addr`).
const CONTROL_ADDR: &str = "127.0.0.1:9091";

/// The management plane (`/health/live`, `/health/ready`, `/metrics`) unless `--no-control`. It is bound
/// first, so it answers "not ready" while the upstream and the adapters start, and it keeps
/// answering through the drain (not ready) until everything has stopped.
async fn start_control(
    options: &Options,
    readiness: &Readiness,
    limits: &Limits,
    life: &Lifecycle,
) -> anyhow::Result<()> {
    if options.no_control {
        return Ok(());
    }
    let addr = options.control_addr.as_deref().unwrap_or(CONTROL_ADDR);
    let listener = match serve::bind(addr, "control").await {
        Ok(listener) => listener,
        // An address the operator gave must be served; the default may be taken by another
        // billjob on the same host, which must not keep this one from serving its adapters.
        Err(e) if options.control_addr.is_none() => {
            tracing::warn!(
                "no management plane: {e}; give --control-addr HOST:PORT (or --no-control)"
            );
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let local = listener.local_addr()?;
    tracing::info!(
        addr = %local,
        "control: http://{local}/health/live, /health/ready, /metrics, /logs"
    );
    let mut router =
        naftiko_runtime::control::router(readiness.clone()).merge(life.metrics.routes());
    if let Some(logs) = naftiko_runtime::control::LogControl::installed() {
        router = router.merge(logs.routes());
    }
    let (stop, limits) = (life.stop.clone(), limits.clone());
    tokio::spawn(async move {
        if let Err(e) =
            serve::http_with(listener, router, &limits, "control", stop.cancelled_owned()).await
        {
            tracing::error!("control server stopped: {e}");
        }
    });
    let (drain, readiness) = (life.drain.clone(), readiness.clone());
    tokio::spawn(async move {
        drain.cancelled().await;
        readiness.drain();
    });
    Ok(())
}

/// REST is served unless `--stdio` is given without `--rest-addr`.
fn rest_addr(options: &Options) -> Option<String> {
    match (&options.rest_addr, options.stdio) {
        (Some(a), _) => Some(a.clone()),
        (None, false) => Some(m3ter_billjob_rest::ADDRESS.to_string()),
        (None, true) => None,
    }
}

async fn start_rest(
    addr: &str,
    upstreams: Upstreams,
    inbound: Option<naftiko_runtime::auth::Inbound>,
    options: &Options,
    limits: &Limits,
    life: &Lifecycle,
    servers: &mut Servers,
) -> anyhow::Result<()> {
    let listener = serve::bind(addr, "REST").await?;
    let local = listener.local_addr()?;
    tracing::info!(
        addr = %local,
        "REST: http://{local}/v1/organizations/{{orgId}}/billjobs (OpenAPI at http://{local}/openapi.json)"
    );
    let guard = HostGuard::new(&options.allowed_hosts);
    let mut router = m3ter_billjob_rest::router(upstreams);
    if let Some(auth) = inbound {
        router = auth.protect(router);
    }
    let router = life.metrics.layer_with("REST", router, guard);
    let (drain, limits) = (life.drain.clone(), limits.clone());
    servers.spawn(async move {
        serve::http_with(listener, router, &limits, "REST", drain.cancelled_owned()).await
    });
    Ok(())
}

/// MCP on stdin/stdout. At the drain it keeps serving until the calls in flight have answered.
fn start_stdio(server: Server, life: &Lifecycle, servers: &mut Servers) {
    tracing::info!("MCP: stdio");
    let drain = life.drain.clone();
    servers.spawn(async move {
        let stdio = naftiko_runtime::mcp::serve_stdio(server.clone());
        tokio::pin!(stdio);
        tokio::select! {
            r = &mut stdio => {
                // The client closed stdin: stop everything.
                drain.cancel();
                return r;
            }
            () = drain.cancelled() => {}
        }
        tokio::select! {
            r = &mut stdio => r,
            () = async {
                server.drained().await;
                tokio::time::sleep(MCP_FLUSH).await;
            } => Ok(()),
        }
    });
}

async fn start_mcp_http(
    options: &Options,
    server: Server,
    limits: &Limits,
    life: &Lifecycle,
    servers: &mut Servers,
) -> anyhow::Result<()> {
    let addr = options
        .mcp_addr
        .clone()
        .or_else(|| m3ter_billjob_mcp::ADDRESS.map(String::from))
        .unwrap_or_else(|| FALLBACK_MCP_ADDR.into());
    let listener = serve::bind(&addr, "MCP").await?;
    let local = listener.local_addr()?;
    tracing::info!(
        addr = %local,
        "MCP: http://{local}/mcp (streamable HTTP, {}; {} tools)",
        if options.stateless {
            "stateless"
        } else {
            "sessions"
        },
        server.def().tools.len()
    );
    let http = HttpOptions {
        stateless: options.stateless,
        allowed_hosts: options
            .allowed_hosts
            .iter()
            .filter(|h| !h.is_empty())
            .cloned()
            .collect(),
        sessions: naftiko_runtime::sessions::SessionLimits {
            max_sessions: options.mcp_max_sessions,
            idle_timeout: options.mcp_session_idle,
            ..Default::default()
        },
    };
    let router = naftiko_runtime::mcp::router(server.clone(), &http, life.mcp_stop.clone());
    let router = life.metrics.layer("MCP", router);
    let (drain, limits) = (life.drain.clone(), limits.clone());
    servers.spawn(async move {
        serve::http_with(listener, router, &limits, "MCP", drain.cancelled_owned()).await
    });
    // Sessions (and their event streams) end once the tool calls in flight have answered.
    let (drain, mcp_stop) = (life.drain.clone(), life.mcp_stop.clone());
    tokio::spawn(async move {
        drain.cancelled().await;
        server.drained().await;
        tokio::time::sleep(MCP_FLUSH).await;
        mcp_stop.cancel();
    });
    Ok(())
}

/// Serves until the drain starts (or a server stops), then gives what is in flight
/// `drain_timeout` before closing everything.
async fn wait_then_drain(
    mut servers: Servers,
    life: &Lifecycle,
    drain_timeout: Duration,
) -> anyhow::Result<()> {
    let mut result = Ok(());
    let mut record = |done: Result<std::io::Result<()>, tokio::task::JoinError>| {
        if let Ok(Err(e)) = done {
            result = Err(anyhow::Error::new(e).context("a server stopped"));
        }
    };
    tokio::select! {
        () = life.drain.cancelled() => {}
        Some(done) = servers.join_next() => record(done),
    }
    life.drain.cancel();
    tracing::info!(
        drain_timeout_ms = u64::try_from(drain_timeout.as_millis()).unwrap_or(u64::MAX),
        "stopping: no new connections; finishing requests and tool calls in flight"
    );
    let drained = tokio::time::timeout(drain_timeout, async {
        while let Some(done) = servers.join_next().await {
            record(done);
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            "drain deadline of {} ms reached: closing what is still open",
            drain_timeout.as_millis()
        );
        servers.abort_all();
    }
    life.mcp_stop.cancel();
    life.stop.cancel();
    tracing::info!("stopped");
    result
}
