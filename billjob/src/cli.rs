//! The `billjob` command: options, start-up, serving, shutdown.

use crate::capability::{Upstreams, m3ter_billjob, m3ter_billjob_mcp, m3ter_billjob_rest};
use crate::sandbox;
use naftiko_runtime::mcp::HttpOptions;
use naftiko_runtime::serve::{self, CancellationToken};
use std::time::Duration;

pub const HELP: &str = "\
billjob: the m3ter BillJob API as REST and MCP, generated from specs/billjob.yaml

USAGE:
    billjob [OPTIONS]

OPTIONS:
    --rest-addr HOST:PORT    REST adapter address [default: 127.0.0.1:8080]
    --mcp-addr HOST:PORT     MCP streamable HTTP address, endpoint /mcp [default: 127.0.0.1:9090]
    --upstream URL           m3ter base URL [default: https://api.m3ter.com]
    --sandbox                use an in-process BillJob sandbox as the upstream (no m3ter account
                             needed). Its state lives in memory and is lost when billjob exits.
                             Without M3TER_API_KEY a random token is generated for it.
    --sandbox-step-ms N      time a sandbox job spends in each of PENDING, INITIALIZING and
                             RUNNING [default: 2000]
    --stdio                  serve MCP on stdin/stdout (for desktop MCP clients) instead of
                             HTTP; REST is then served only if --rest-addr is given
    --stateless              MCP without sessions, so replicas can sit behind a load balancer
    --allowed-hosts H[,H..]  extra Host names MCP accepts besides localhost (behind a proxy);
                             requests with any other Host or Origin are refused (DNS rebinding)
    --timeout-ms N           upstream request timeout [default: 30000]
    -h, --help               print this help

ENVIRONMENT:
    M3TER_API_KEY            bearer token sent to m3ter (required unless --sandbox)
    RUST_LOG                 log filter, e.g. info or naftiko=debug [default: info]

Logs go to stderr and never contain the token.";

/// Parsed command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub rest_addr: Option<String>,
    pub mcp_addr: Option<String>,
    pub upstream: Option<String>,
    pub sandbox: bool,
    pub sandbox_step: Duration,
    pub stdio: bool,
    pub stateless: bool,
    pub allowed_hosts: Vec<String>,
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rest_addr: None,
            mcp_addr: None,
            upstream: None,
            sandbox: false,
            sandbox_step: Duration::from_secs(2),
            stdio: false,
            stateless: false,
            allowed_hosts: Vec::new(),
            timeout: Duration::from_secs(30),
        }
    }
}

/// What the command line asked for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Run(Options),
    Help,
}

/// Parses arguments (without the program name).
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut o = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--rest-addr" => o.rest_addr = Some(value("--rest-addr")?),
            "--mcp-addr" => o.mcp_addr = Some(value("--mcp-addr")?),
            "--upstream" => o.upstream = Some(value("--upstream")?),
            "--sandbox" => o.sandbox = true,
            "--sandbox-step-ms" => {
                o.sandbox_step = Duration::from_millis(number(
                    &value("--sandbox-step-ms")?,
                    "--sandbox-step-ms",
                )?)
            }
            "--timeout-ms" => {
                o.timeout =
                    Duration::from_millis(number(&value("--timeout-ms")?, "--timeout-ms")?.max(1))
            }
            "--stdio" => o.stdio = true,
            "--stateless" => o.stateless = true,
            "--allowed-hosts" => o.allowed_hosts.extend(
                value("--allowed-hosts")?
                    .split(',')
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .map(String::from),
            ),
            other => return Err(format!("unknown option `{other}` (see --help)")),
        }
    }
    if o.sandbox && o.upstream.is_some() {
        return Err("--sandbox and --upstream exclude each other".into());
    }
    Ok(Command::Run(o))
}

fn number(s: &str, flag: &str) -> Result<u64, String> {
    s.parse()
        .map_err(|_| format!("{flag} must be a whole number of milliseconds, found `{s}`"))
}

fn random_token() -> String {
    use std::hash::{BuildHasher, RandomState};
    (0..4)
        .map(|i| format!("{:016x}", RandomState::new().hash_one(i)))
        .collect()
}

/// Starts everything the options ask for and serves until Ctrl-C or SIGTERM.
pub async fn run(options: Options) -> Result<(), String> {
    run_until(options, serve::shutdown_signal()).await
}

/// Like [`run`], stopping when `shutdown` completes.
pub async fn run_until(
    options: Options,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), String> {
    let stop = CancellationToken::new();
    let mut builder = m3ter_billjob::Client::builder().timeout(options.timeout);
    let mut tasks = tokio::task::JoinSet::new();

    let upstream_line;
    if options.sandbox {
        let (token, generated) = match std::env::var("M3TER_API_KEY") {
            Ok(t) if !t.is_empty() => (t, false),
            _ => (random_token(), true),
        };
        let config = sandbox::SandboxConfig {
            step: options.sandbox_step,
            ..sandbox::SandboxConfig::new(token.clone())
        };
        let (addr, handle) = sandbox::spawn(config, ([127, 0, 0, 1], 0).into())
            .await
            .map_err(|e| format!("cannot start the sandbox: {e}"))?;
        let stop_sandbox = stop.clone();
        tasks.spawn(async move {
            stop_sandbox.cancelled().await;
            handle.abort();
            Ok(())
        });
        builder = builder
            .base_uri(format!("http://{addr}"))
            .var("M3TER_API_KEY", token);
        upstream_line = format!(
            "upstream: BillJob sandbox at http://{addr} (in-process; state is lost on exit; {})",
            if generated {
                "M3TER_API_KEY not set, so a random token was generated for it"
            } else {
                "token from M3TER_API_KEY"
            }
        );
    } else {
        if let Some(u) = &options.upstream {
            builder = builder.base_uri(u.clone());
        }
        upstream_line = format!(
            "upstream: {}",
            options
                .upstream
                .clone()
                .unwrap_or_else(|| m3ter_billjob::SPEC.base_uri_text())
        );
    }
    let client = builder.build().map_err(|e| match e {
        naftiko_runtime::client::ConfigError::MissingVar(v) => format!("environment variable `{v}` is not set: export the m3ter bearer token, or run with --sandbox"),
        other => other.to_string(),
    })?;
    let upstreams = Upstreams {
        m3ter_billjob: client,
    };

    let rest_addr = match (&options.rest_addr, options.stdio) {
        (Some(a), _) => Some(a.clone()),
        (None, false) => Some(m3ter_billjob_rest::ADDRESS.to_string()),
        (None, true) => None,
    };
    let mut lines = Vec::new();
    if let Some(addr) = rest_addr {
        let listener = serve::bind(&addr, "REST")
            .await
            .map_err(|e| e.to_string())?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        lines.push(format!("REST: http://{local}/v1/organizations/{{orgId}}/billjobs (OpenAPI at http://{local}/openapi.json)"));
        let router = m3ter_billjob_rest::router(upstreams.clone());
        let s = stop.clone();
        tasks.spawn(async move {
            serve::http(listener, router, async move { s.cancelled().await }).await
        });
    }
    let server = m3ter_billjob_mcp::server(upstreams);
    if options.stdio {
        lines.push("MCP: stdio".to_string());
        let s = stop.clone();
        tasks.spawn(async move {
            let r = naftiko_runtime::mcp::serve_stdio(server).await;
            // The client closed stdin: stop everything.
            s.cancel();
            r
        });
    } else {
        let addr = options
            .mcp_addr
            .clone()
            .or_else(|| m3ter_billjob_mcp::ADDRESS.map(String::from))
            .unwrap_or_else(|| "127.0.0.1:9090".into());
        let listener = serve::bind(&addr, "MCP").await.map_err(|e| e.to_string())?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        lines.push(format!(
            "MCP: http://{local}/mcp (streamable HTTP, {}; 5 tools)",
            if options.stateless {
                "stateless"
            } else {
                "sessions"
            }
        ));
        let http = HttpOptions {
            stateless: options.stateless,
            allowed_hosts: options.allowed_hosts.clone(),
        };
        let router = naftiko_runtime::mcp::router(server, &http, stop.child_token());
        let s = stop.clone();
        tasks.spawn(async move {
            serve::http(listener, router, async move { s.cancelled().await }).await
        });
    }
    lines.push(upstream_line);
    for l in &lines {
        eprintln!("billjob: {l}");
    }

    let s = stop.clone();
    tokio::spawn(async move {
        shutdown.await;
        s.cancel();
    });
    let mut result = Ok(());
    while let Some(done) = tasks.join_next().await {
        stop.cancel();
        if let Ok(Err(e)) = done {
            result = Err(e.to_string());
        }
    }
    eprintln!("billjob: stopped");
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_every_option() {
        let Command::Run(o) = parse(args(
            "--rest-addr 0.0.0.0:1 --mcp-addr=127.0.0.1:2 --sandbox --sandbox-step-ms 50 --stateless --allowed-hosts a.example,b.example --timeout-ms 10",
        ))
        .unwrap() else {
            panic!()
        };
        assert_eq!(o.rest_addr.as_deref(), Some("0.0.0.0:1"));
        assert_eq!(o.mcp_addr.as_deref(), Some("127.0.0.1:2"));
        assert!(o.sandbox && o.stateless && !o.stdio);
        assert_eq!(o.sandbox_step, Duration::from_millis(50));
        assert_eq!(o.allowed_hosts, vec!["a.example", "b.example"]);
        assert_eq!(o.timeout, Duration::from_millis(10));
        assert_eq!(parse(args("-h")).unwrap(), Command::Help);
    }

    #[test]
    fn rejects_bad_options() {
        assert!(
            parse(args("--bogus"))
                .unwrap_err()
                .contains("unknown option `--bogus`")
        );
        assert!(
            parse(args("--rest-addr"))
                .unwrap_err()
                .contains("needs a value")
        );
        assert!(
            parse(args("--sandbox-step-ms x"))
                .unwrap_err()
                .contains("whole number")
        );
        assert!(parse(args("--sandbox --upstream http://x")).is_err());
    }
}
