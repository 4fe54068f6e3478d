//! Why a client could not be built ([`ConfigError`]) or a call failed ([`Error`]).

use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// A client could not be built: its configuration or environment is incomplete.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// An environment variable the spec binds is not set. Never an empty header instead.
    #[error("environment variable `{0}` is not set (the spec binds it for credentials)")]
    MissingVar(String),
    /// A variable is set but cannot be used (e.g. it contains a newline). Its value is not shown.
    #[error("environment variable `{name}` cannot be used: {reason}")]
    InvalidVar { name: String, reason: &'static str },
    /// A bind file (`binds[].location`) cannot be read, does not parse, or is not a mapping.
    /// Nothing of its text is shown.
    #[error("cannot read bind file `{path}`: {reason}")]
    BindFile { path: String, reason: String },
    /// A key a bind reads is missing from its file, or its value cannot be used. Its value
    /// is not shown.
    #[error("bind file `{path}`: key `{key}` (bound to `{var}`) {reason}")]
    BindKey {
        path: String,
        key: String,
        var: String,
        reason: &'static str,
    },
    /// The client certificate file of mutual TLS cannot be used (wrong password, not a
    /// PKCS#12 file, ...). Only the file is named: neither the password nor its contents.
    #[error("client certificate file `{path}` (from `{var}`) cannot be used: {reason}")]
    CertificateFile {
        path: String,
        var: String,
        reason: &'static str,
    },
    /// The base URI is not an http(s) URL without query or fragment.
    #[error("invalid base URI `{uri}`: {reason}")]
    InvalidBaseUri { uri: String, reason: String },
    /// The OAuth 2 token endpoint is not an http(s) URL (shown without userinfo).
    #[error("invalid OAuth 2 token URL `{uri}`: {reason}")]
    InvalidTokenUrl { uri: String, reason: String },
    /// An `outputSchema` CSS selector of an `html` operation does not parse.
    #[error("operation `{operation}`: `outputSchema` is not a CSS selector: {reason}")]
    InvalidSelector {
        operation: &'static str,
        reason: String,
    },
    /// reqwest could not build its client (e.g. no TLS backend).
    #[error("cannot build the HTTP client: {0}")]
    Http(#[source] reqwest::Error),
    /// A file of a script step deployed at an absolute `location` is missing, unreadable or
    /// does not parse.
    #[error("script step `{step}`: cannot use `{path}`: {reason}")]
    ScriptFile {
        step: String,
        path: String,
        reason: String,
    },
}

/// Why a call to a consumed API failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// The upstream answered with a non-2xx status; `body` is its JSON (e.g. m3ter's
    /// `{"message": ...}`) or its text.
    #[error(fmt = fmt_status)]
    Status {
        operation: &'static str,
        status: u16,
        retry_after: Option<Duration>,
        body: Value,
    },
    /// The upstream could not be reached (refused, DNS, TLS).
    #[error("{operation}: cannot reach the upstream: {detail}")]
    Connect {
        operation: &'static str,
        detail: String,
    },
    /// The connection failed mid-request.
    #[error("{operation}: the upstream connection failed: {detail}")]
    Transport {
        operation: &'static str,
        detail: String,
    },
    /// No complete answer within the timeout.
    #[error("{operation}: the upstream did not answer within {} ms", after.as_millis())]
    Timeout {
        operation: &'static str,
        after: Duration,
    },
    /// A 2xx answer whose body is not valid in the operation's format (`json` unless its
    /// `outputRawFormat` says otherwise).
    #[error(
        "{operation}: the upstream answered {status} with a body that is not {}: {detail}",
        format_label(format)
    )]
    Decode {
        operation: &'static str,
        status: u16,
        /// The declared format (`json`, `xml`, `csv`, ...).
        format: &'static str,
        detail: String,
    },
    /// An argument was refused before anything was sent.
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument { name: &'static str, reason: String },
    /// The upstream's answer is larger than the configured cap; it was not read further.
    #[error(
        "{operation}: the upstream's answer is larger than {limit} bytes (the configured limit)"
    )]
    TooLarge {
        operation: &'static str,
        limit: usize,
    },
    /// A status that is not a final HTTP status (1xx, or outside 200–599): never passed on.
    #[error(
        "{operation}: the upstream answered with status {status}, which is not a final HTTP status"
    )]
    InvalidStatus {
        operation: &'static str,
        status: u16,
    },
    /// Credentials for the upstream could not be obtained (an OAuth 2 token endpoint refused
    /// the client or could not be reached). No secret is in `detail`.
    #[error("{operation}: cannot obtain credentials for the upstream: {detail}")]
    Credentials {
        operation: &'static str,
        detail: String,
    },
    /// A redirect: a gateway neither follows it nor passes it on.
    #[error("{operation}: the upstream redirected ({status}) {}; redirects are not followed", location.as_deref().map_or("without a Location".to_string(), |l| format!("to `{l}`")))]
    Redirect {
        operation: &'static str,
        status: u16,
        location: Option<String>,
    },
    /// A `script` step failed: it threw, went over a limit of `management.scripting`, or
    /// scripting is disabled (see [`crate::scripts`]).
    #[error("script step `{step}` failed: {reason}")]
    Script { step: &'static str, reason: String },
}

impl Error {
    /// The upstream's own message, if its error body has one (`message`, `error`, `detail`).
    pub fn upstream_message(&self) -> Option<&str> {
        match self {
            Error::Status { body, .. } => message_of(body),
            _ => None,
        }
    }

    /// The upstream's status, for [`Error::Status`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// `JSON`, or `valid xml` for another declared `outputRawFormat`.
fn format_label(format: &str) -> String {
    if format == "json" {
        "JSON".into()
    } else {
        format!("valid {format}")
    }
}

fn message_of(body: &Value) -> Option<&str> {
    match body {
        Value::String(s) if !s.is_empty() => Some(s),
        Value::Object(o) => ["message", "error_description", "detail", "error", "title"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str)),
        _ => None,
    }
}

/// `list-billjobs: upstream answered 429 Too Many Requests: <the upstream's message>`.
fn fmt_status(
    operation: &&'static str,
    status: &u16,
    _retry_after: &Option<Duration>,
    body: &Value,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    write!(f, "{operation}: upstream answered {status}")?;
    let reason = reqwest::StatusCode::from_u16(*status).ok();
    if let Some(reason) = reason.and_then(|s| s.canonical_reason()) {
        write!(f, " {reason}")?;
    }
    match message_of(body) {
        Some(m) => write!(f, ": {m}"),
        None => Ok(()),
    }
}

/// A reqwest failure as an [`Error`], with the innermost cause as detail.
pub(super) fn transport_error(
    operation: &'static str,
    timeout: Duration,
    e: reqwest::Error,
) -> Error {
    // `without_url`: a query-placed API key must not reach logs through an error message.
    let e = e.without_url();
    if e.is_timeout() {
        return Error::Timeout {
            operation,
            after: timeout,
        };
    }
    let mut detail = String::new();
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        detail = e.to_string();
    }
    if e.is_connect() {
        Error::Connect { operation, detail }
    } else {
        Error::Transport { operation, detail }
    }
}

/// A failure of hyper's client (`connect`: the connection could not be opened), with the
/// innermost cause as detail. hyper's errors never carry the URL, hence no query-placed key.
pub(super) fn hyper_error(
    operation: &'static str,
    connect: bool,
    e: &(dyn std::error::Error + 'static),
) -> Error {
    let mut detail = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if connect {
        Error::Connect { operation, detail }
    } else {
        Error::Transport { operation, detail }
    }
}
