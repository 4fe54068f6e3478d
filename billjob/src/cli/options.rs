//! [`Options`]: the command line. clap derives it and its `--help`; every option can also
//! come from the environment variable named with it.

use crate::sandbox;
use clap::{Parser, ValueEnum};
use std::fmt;
use std::time::Duration;

/// The command line. Programs embedding billjob build it with struct update syntax from
/// [`Options::default`], which equals what an empty command line gives.
#[derive(Debug, Clone, PartialEq, Parser)]
#[command(
    name = "billjob",
    version,
    about = "The m3ter BillJob API as REST and MCP, generated from specs/billjob.yaml",
    after_help = "Every option can also be set from the environment variable shown with it; \
                  the command line wins.\n\
                  RUST_LOG sets the log filter, e.g. info or naftiko=debug [default: info].\n\
                  Logs go to stderr and never contain the API key."
)]
pub struct Options {
    /// REST adapter address [default: 127.0.0.1:8080; with --stdio, no REST unless given]
    #[arg(long, value_name = "HOST:PORT", env = "BILLJOB_REST_ADDR")]
    pub rest_addr: Option<String>,

    /// MCP streamable HTTP address, endpoint /mcp [default: 127.0.0.1:9090]
    #[arg(long, value_name = "HOST:PORT", env = "BILLJOB_MCP_ADDR")]
    pub mcp_addr: Option<String>,

    /// Management address: /health/live, /health/ready, /metrics [default: 127.0.0.1:9091;
    /// if the default is taken, a warning and no management plane]
    #[arg(long, value_name = "HOST:PORT", env = "BILLJOB_CONTROL_ADDR")]
    pub control_addr: Option<String>,

    /// Serve no management address
    #[arg(long, env = "BILLJOB_NO_CONTROL", conflicts_with = "control_addr")]
    pub no_control: bool,

    // The text is also --help, where a bare URL reads best.
    #[allow(rustdoc::bare_urls)]
    /// m3ter base URL [default: https://api.m3ter.com]
    #[arg(
        long,
        value_name = "URL",
        env = "BILLJOB_UPSTREAM",
        conflicts_with = "sandbox"
    )]
    pub upstream: Option<String>,

    /// Bearer token sent to m3ter (required unless --sandbox or --client-id)
    ///
    /// Prefer the environment variable: command lines are visible to other local users.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "M3TER_API_KEY",
        hide_env_values = true
    )]
    pub api_key: Option<ApiKey>,

    /// m3ter API key's access key id, exchanged with its secret for expiring bearer tokens
    ///
    /// With --client-secret, billjob authenticates to m3ter as its SDKs do: an OAuth 2
    /// client-credentials token from --token-url, refreshed before it expires (m3ter's last
    /// five hours) and once if m3ter refuses it. Takes the place of --api-key.
    #[arg(
        long,
        value_name = "ID",
        env = "M3TER_CLIENT_ID",
        requires = "client_secret",
        conflicts_with = "api_key"
    )]
    pub client_id: Option<String>,

    /// The API key's secret (with --client-id); prefer the environment variable
    #[arg(
        long,
        value_name = "SECRET",
        env = "M3TER_CLIENT_SECRET",
        hide_env_values = true,
        requires = "client_id"
    )]
    pub client_secret: Option<ApiKey>,

    /// m3ter's OAuth token endpoint [default: the upstream's /oauth/token]
    #[arg(
        long,
        value_name = "URL",
        env = "BILLJOB_TOKEN_URL",
        requires = "client_id"
    )]
    pub token_url: Option<String>,

    /// Use an in-process BillJob sandbox as the upstream (no m3ter account needed)
    ///
    /// Its state lives in memory and is lost when billjob exits. It accepts the API key as
    /// its token; without one, a random token is generated for it (never shown).
    #[arg(long, env = "BILLJOB_SANDBOX")]
    pub sandbox: bool,

    /// Lifetime of the tokens the sandbox's /oauth/token issues (to --client-id and
    /// --client-secret); an expired one gets 403, as from m3ter
    #[arg(
        long = "sandbox-token-lifetime-secs",
        value_name = "SECS",
        env = "BILLJOB_SANDBOX_TOKEN_LIFETIME_SECS",
        default_value = "18000",
        value_parser = seconds
    )]
    pub sandbox_token_lifetime: Duration,

    /// Time a sandbox job spends in each of PENDING, INITIALIZING and RUNNING
    #[arg(
        long = "sandbox-step-ms",
        value_name = "MS",
        env = "BILLJOB_SANDBOX_STEP_MS",
        default_value = "2000",
        value_parser = millis
    )]
    pub sandbox_step: Duration,

    /// How long the sandbox keeps a finished job (COMPLETE or CANCELLED)
    ///
    /// Counted from the moment it finished; then it is gone (404, no longer listed). 0
    /// forgets finished jobs at once.
    #[arg(
        long = "sandbox-job-ttl-secs",
        value_name = "SECS",
        env = "BILLJOB_SANDBOX_JOB_TTL_SECS",
        default_value = "3600",
        value_parser = seconds
    )]
    pub sandbox_job_ttl: Duration,

    /// Most jobs one organization may hold in the sandbox
    ///
    /// When an organization is full, a create or recalculate evicts its oldest finished
    /// job, or gets 429 if none has finished.
    #[arg(
        long,
        value_name = "N",
        env = "BILLJOB_SANDBOX_MAX_JOBS_PER_ORG",
        default_value = "10000",
        value_parser = at_least_one
    )]
    pub sandbox_max_jobs_per_org: usize,

    /// Serve MCP on stdin/stdout (for desktop MCP clients) instead of HTTP
    ///
    /// REST is then served only if --rest-addr is given.
    #[arg(long, env = "BILLJOB_STDIO")]
    pub stdio: bool,

    /// MCP without sessions, so replicas can sit behind a load balancer
    #[arg(long, env = "BILLJOB_STATELESS")]
    pub stateless: bool,

    /// Extra Host names REST and MCP accept besides localhost (behind a proxy), comma-separated
    ///
    /// Requests with any other Host, or with an Origin of any other host, are refused with 403
    /// (DNS rebinding and cross-site protection). The option may be repeated.
    #[arg(
        long,
        value_name = "H[,H..]",
        env = "BILLJOB_ALLOWED_HOSTS",
        value_delimiter = ',',
        value_parser = host
    )]
    pub allowed_hosts: Vec<String>,

    /// Require a bearer token on REST and MCP over HTTP, read from this environment variable
    ///
    /// Every request but /healthz must then carry `Authorization: Bearer <token>`; others get
    /// 401 and reach nothing. Without this option, the token is read from
    /// BILLJOB_INBOUND_TOKEN when that is set; with neither, no token is required. A variable
    /// named here that is unset or empty stops start-up. The token is never taken from the
    /// command line, where other local users could read it.
    #[arg(long, value_name = "NAME", env = "BILLJOB_INBOUND_TOKEN_ENV", value_parser = env_name)]
    pub inbound_token_env: Option<String>,

    /// What a caller waits for the upstream at most: one deadline per request covering every
    /// attempt, backoff and Retry-After
    #[arg(
        long = "timeout-ms",
        value_name = "MS",
        env = "BILLJOB_TIMEOUT_MS",
        default_value = "30000",
        value_parser = timeout_millis
    )]
    pub timeout: Duration,

    /// Retries of failed idempotent upstream calls, as a percentage of calls (0 disables them)
    ///
    /// A failing upstream then receives about this much more than its normal load, never
    /// several times it.
    #[arg(
        long,
        value_name = "PERCENT",
        env = "BILLJOB_RETRY_BUDGET_PERCENT",
        default_value = "10",
        value_parser = clap::value_parser!(u32).range(0..=100)
    )]
    pub retry_budget_percent: u32,

    /// Largest upstream answer read, in bytes; larger ones are refused with 502
    #[arg(
        long,
        value_name = "BYTES",
        env = "BILLJOB_UPSTREAM_MAX_BODY_BYTES",
        default_value = "16777216",
        value_parser = at_least_one
    )]
    pub upstream_max_body_bytes: usize,

    /// Requests in flight to the upstream at most (so connections, on HTTP/1.1); further
    /// calls wait within their deadline
    #[arg(
        long,
        value_name = "N",
        env = "BILLJOB_UPSTREAM_MAX_CONNECTIONS",
        default_value = "64",
        value_parser = at_least_one
    )]
    pub upstream_max_connections: usize,

    /// Open client connections per listener (REST, MCP) at most
    ///
    /// When reached, a warning is logged and new connections wait in the kernel's backlog
    /// until one closes. Keep 2 x this + --upstream-max-connections under the process's file
    /// descriptor limit (ulimit -n).
    #[arg(
        long,
        value_name = "N",
        env = "BILLJOB_MAX_CONNECTIONS",
        default_value = "256",
        value_parser = at_least_one
    )]
    pub max_connections: usize,

    /// Time a client has to send a request head, from its first byte
    #[arg(
        long = "header-read-timeout-ms",
        value_name = "MS",
        env = "BILLJOB_HEADER_READ_TIMEOUT_MS",
        default_value = "10000",
        value_parser = timeout_millis
    )]
    pub header_read_timeout: Duration,

    /// A client connection with no request in flight and no traffic for this long is closed
    #[arg(
        long = "idle-timeout-ms",
        value_name = "MS",
        env = "BILLJOB_IDLE_TIMEOUT_MS",
        default_value = "60000",
        value_parser = timeout_millis
    )]
    pub idle_timeout: Duration,

    /// Time from a request's head to its response head (its body and the upstream call
    /// included); beyond it the client gets 408. Keep it above --timeout-ms
    #[arg(
        long = "request-timeout-ms",
        value_name = "MS",
        env = "BILLJOB_REQUEST_TIMEOUT_MS",
        default_value = "60000",
        value_parser = timeout_millis
    )]
    pub request_timeout: Duration,

    /// After SIGTERM or Ctrl-C, time given to requests and MCP tool calls in flight
    ///
    /// New connections are refused at once; a second signal exits without waiting.
    #[arg(
        long = "drain-timeout-ms",
        value_name = "MS",
        env = "BILLJOB_DRAIN_TIMEOUT_MS",
        default_value = "30000",
        value_parser = millis
    )]
    pub drain_timeout: Duration,

    /// MCP sessions open at most; when full, the session idle the longest is closed, or a new
    /// one gets 503 with Retry-After if all are busy
    #[arg(
        long,
        value_name = "N",
        env = "BILLJOB_MCP_MAX_SESSIONS",
        default_value = "1000",
        value_parser = at_least_one
    )]
    pub mcp_max_sessions: usize,

    /// An MCP session without requests for this long is closed
    #[arg(
        long = "mcp-session-idle-ms",
        value_name = "MS",
        env = "BILLJOB_MCP_SESSION_IDLE_MS",
        default_value = "120000",
        value_parser = timeout_millis
    )]
    pub mcp_session_idle: Duration,

    // The text is also --help, where a bare URL reads best.
    #[allow(rustdoc::bare_urls)]
    /// Export traces by OTLP over HTTP/protobuf to this collector (base URL; /v1/traces is
    /// appended). Without it, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT
    /// when set; else no export (a caller's traceparent still reaches m3ter)
    #[arg(long, value_name = "URL", env = "BILLJOB_OTLP_ENDPOINT")]
    pub otlp_endpoint: Option<String>,

    /// Share of new traces recorded and exported, from 0 to 1 (a caller's sampled flag is followed)
    #[arg(
        long,
        value_name = "RATIO",
        env = "BILLJOB_TRACE_SAMPLING",
        default_value_t = 1.0,
        value_parser = ratio
    )]
    pub trace_sampling: f64,

    /// Spans waiting for export at most; beyond, new spans are dropped (requests never wait)
    #[arg(
        long,
        value_name = "N",
        env = "BILLJOB_OTLP_QUEUE",
        default_value_t = 2048
    )]
    pub otlp_queue: usize,

    /// Log line format on stderr
    #[arg(
        long,
        value_enum,
        value_name = "FORMAT",
        env = "BILLJOB_LOG_FORMAT",
        default_value_t = LogFormat::Text
    )]
    pub log_format: LogFormat,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rest_addr: None,
            mcp_addr: None,
            control_addr: None,
            no_control: false,
            upstream: None,
            api_key: None,
            client_id: None,
            client_secret: None,
            token_url: None,
            sandbox: false,
            sandbox_token_lifetime: sandbox::DEFAULT_TOKEN_LIFETIME,
            sandbox_step: sandbox::DEFAULT_STEP,
            sandbox_job_ttl: sandbox::DEFAULT_JOB_TTL,
            sandbox_max_jobs_per_org: sandbox::DEFAULT_MAX_JOBS_PER_ORG,
            stdio: false,
            stateless: false,
            allowed_hosts: Vec::new(),
            inbound_token_env: None,
            timeout: Duration::from_secs(30),
            retry_budget_percent: 10,
            upstream_max_body_bytes: 16 * 1024 * 1024,
            upstream_max_connections: 64,
            max_connections: 256,
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(60),
            drain_timeout: Duration::from_secs(30),
            mcp_max_sessions: 1000,
            mcp_session_idle: Duration::from_secs(120),
            log_format: LogFormat::Text,
            otlp_endpoint: None,
            trace_sampling: 1.0,
            otlp_queue: 2048,
        }
    }
}

/// A share from 0 to 1.
fn ratio(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("`{s}` is not a number from 0 to 1")),
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event
    Text,
    /// One JSON object per line
    Json,
}

/// The m3ter API key. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self(key)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

fn whole_number(text: &str, unit: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("must be a whole number of {unit}, found `{text}`"))
}

fn millis(text: &str) -> Result<Duration, String> {
    whole_number(text, "milliseconds").map(Duration::from_millis)
}

fn timeout_millis(text: &str) -> Result<Duration, String> {
    whole_number(text, "milliseconds").map(|ms| Duration::from_millis(ms.max(1)))
}

fn seconds(text: &str) -> Result<Duration, String> {
    whole_number(text, "seconds").map(Duration::from_secs)
}

fn at_least_one(text: &str) -> Result<usize, String> {
    text.parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("must be a whole number of at least 1, found `{text}`"))
}

/// An environment variable name: letters, digits and `_`, not starting with a digit.
fn env_name(text: &str) -> Result<String, String> {
    let ok = !text.is_empty()
        && !text.starts_with(|c: char| c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(text.to_string())
    } else {
        Err("expected the name of an environment variable (letters, digits, _)".into())
    }
}

fn host(text: &str) -> Result<String, String> {
    Ok(text.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::super::FALLBACK_MCP_ADDR;
    use super::*;
    use crate::capability::{m3ter_billjob, m3ter_billjob_mcp, m3ter_billjob_rest};
    use clap::CommandFactory;

    fn parse(line: &str) -> Result<Options, clap::Error> {
        Options::try_parse_from(std::iter::once("billjob").chain(line.split_whitespace()))
    }

    /// Whether a variable that would change what an empty command line means is set.
    fn environment_sets_options() -> bool {
        Options::command()
            .get_arguments()
            .filter_map(|arg| arg.get_env())
            .any(|name| std::env::var_os(name).is_some())
    }

    #[test]
    fn the_command_definition_is_consistent() {
        Options::command().debug_assert();
    }

    #[test]
    fn parses_every_option() {
        let o = parse(
            "--rest-addr 0.0.0.0:1 --mcp-addr=127.0.0.1:2 --sandbox --sandbox-step-ms 50 --stateless --allowed-hosts a.example,b.example --timeout-ms 10 \
             --sandbox-job-ttl-secs 7 --sandbox-max-jobs-per-org 9 --log-format json --api-key k",
        )
        .unwrap();
        assert_eq!(o.rest_addr.as_deref(), Some("0.0.0.0:1"));
        assert_eq!(o.mcp_addr.as_deref(), Some("127.0.0.1:2"));
        assert!(o.sandbox && o.stateless && !o.stdio);
        assert_eq!(o.sandbox_step, Duration::from_millis(50));
        assert_eq!(o.allowed_hosts, vec!["a.example", "b.example"]);
        assert_eq!(o.timeout, Duration::from_millis(10));
        assert_eq!(o.sandbox_job_ttl, Duration::from_secs(7));
        assert_eq!(o.sandbox_max_jobs_per_org, 9);
        assert_eq!(o.log_format, LogFormat::Json);
        assert_eq!(o.api_key, Some(ApiKey::new("k")));
        // Repeated and spaced host lists add up; a zero timeout is one millisecond.
        let o = parse("--allowed-hosts a, --allowed-hosts=b --timeout-ms 0").unwrap();
        assert_eq!(o.allowed_hosts, vec!["a", "", "b"]);
        assert_eq!(o.timeout, Duration::from_millis(1));
        assert_eq!(
            parse("-h").unwrap_err().kind(),
            clap::error::ErrorKind::DisplayHelp
        );
        assert_eq!(
            parse("--version").unwrap_err().kind(),
            clap::error::ErrorKind::DisplayVersion
        );
    }

    #[test]
    fn rejects_bad_options() {
        let message = |line: &str| parse(line).unwrap_err().to_string();
        assert!(message("--bogus").contains("unexpected argument '--bogus'"));
        assert!(message("--rest-addr").contains("a value is required"));
        assert!(message("--sandbox-step-ms x").contains("whole number"));
        assert!(message("--sandbox-job-ttl-secs 1.5").contains("whole number"));
        assert!(message("--sandbox-max-jobs-per-org 0").contains("at least 1"));
        assert!(message("--log-format xml").contains("possible values: text, json"));
        assert!(message("--sandbox --upstream http://x").contains("cannot be used with"));
    }

    #[test]
    fn an_empty_command_line_means_the_defaults() {
        if environment_sets_options() {
            eprintln!("a BILLJOB_* or M3TER_API_KEY variable is set; nothing to check");
            return;
        }
        assert_eq!(parse("").unwrap(), Options::default());
    }

    #[test]
    fn help_names_every_variable_and_the_spec_defaults() {
        let help = Options::command().render_long_help().to_string();
        for name in [
            "BILLJOB_REST_ADDR",
            "BILLJOB_MCP_ADDR",
            "BILLJOB_UPSTREAM",
            "M3TER_API_KEY",
            "M3TER_CLIENT_ID",
            "M3TER_CLIENT_SECRET",
            "BILLJOB_TOKEN_URL",
            "BILLJOB_SANDBOX_TOKEN_LIFETIME_SECS",
            "BILLJOB_SANDBOX",
            "BILLJOB_SANDBOX_STEP_MS",
            "BILLJOB_SANDBOX_JOB_TTL_SECS",
            "BILLJOB_SANDBOX_MAX_JOBS_PER_ORG",
            "BILLJOB_STDIO",
            "BILLJOB_STATELESS",
            "BILLJOB_ALLOWED_HOSTS",
            "BILLJOB_TIMEOUT_MS",
            "BILLJOB_LOG_FORMAT",
            "RUST_LOG",
        ] {
            assert!(help.contains(name), "{name} missing from --help");
        }
        // The defaults written in the option descriptions are the spec's.
        assert!(help.contains(&format!("[default: {}", m3ter_billjob_rest::ADDRESS)));
        let mcp = m3ter_billjob_mcp::ADDRESS.unwrap_or(FALLBACK_MCP_ADDR);
        assert!(help.contains(&format!("[default: {mcp}]")));
        let upstream = m3ter_billjob::SPEC.base_uri_text();
        assert!(help.contains(&format!("[default: {upstream}]")));
    }

    #[test]
    fn client_credentials_come_in_pairs_and_the_secret_is_never_shown() {
        let o = parse(
            "--client-id id-1 --client-secret very-secret-pw --sandbox-token-lifetime-secs 2",
        )
        .unwrap();
        assert_eq!(o.client_id.as_deref(), Some("id-1"));
        assert_eq!(o.sandbox_token_lifetime, Duration::from_secs(2));
        assert!(!format!("{o:?}").contains("very-secret-pw"));
        assert!(parse("--client-id id-1").is_err());
        assert!(parse("--client-id i --client-secret s --api-key k").is_err());
    }

    #[test]
    fn the_api_key_is_never_shown() {
        let o = parse("--api-key very-secret-key").unwrap();
        assert!(!format!("{o:?}").contains("very-secret-key"));
    }
}
