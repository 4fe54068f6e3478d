//! Why a client could not be built ([`ConfigError`]) or a call failed ([`Error`]).

use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// A client could not be built: its configuration or environment is incomplete.
#[derive(Debug)]
pub enum ConfigError {
    /// An environment variable the spec binds is not set. Never an empty header instead.
    MissingVar(String),
    /// A variable is set but cannot be used (e.g. it contains a newline). Its value is not shown.
    InvalidVar {
        name: String,
        reason: &'static str,
    },
    InvalidBaseUri {
        uri: String,
        reason: String,
    },
    Http(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingVar(v) => write!(
                f,
                "environment variable `{v}` is not set (the spec binds it for credentials)"
            ),
            ConfigError::InvalidVar { name, reason } => {
                write!(f, "environment variable `{name}` cannot be used: {reason}")
            }
            ConfigError::InvalidBaseUri { uri, reason } => {
                write!(f, "invalid base URI `{uri}`: {reason}")
            }
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Why a call to a consumed API failed.
#[derive(Debug, Clone)]
pub enum Error {
    /// The upstream answered with a non-2xx status; `body` is its JSON (e.g. m3ter's
    /// `{"message": ...}`) or its text.
    Status {
        operation: &'static str,
        status: u16,
        retry_after: Option<Duration>,
        body: Value,
    },
    /// The upstream could not be reached (refused, DNS, TLS).
    Connect {
        operation: &'static str,
        detail: String,
    },
    /// The connection failed mid-request.
    Transport {
        operation: &'static str,
        detail: String,
    },
    /// No complete answer within the timeout.
    Timeout {
        operation: &'static str,
        after: Duration,
    },
    /// A 2xx answer whose body is not JSON.
    Decode {
        operation: &'static str,
        status: u16,
        detail: String,
    },
    /// An argument was refused before anything was sent.
    InvalidArgument { name: &'static str, reason: String },
}

impl Error {
    /// The upstream's own message, if its error body has one (`message`, `error`, `detail`).
    pub fn upstream_message(&self) -> Option<&str> {
        let Error::Status { body, .. } = self else {
            return None;
        };
        match body {
            Value::String(s) if !s.is_empty() => Some(s),
            Value::Object(o) => ["message", "error_description", "detail", "error", "title"]
                .iter()
                .find_map(|k| o.get(*k).and_then(Value::as_str)),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Status {
                operation, status, ..
            } => {
                write!(f, "{operation}: upstream answered {status}")?;
                let reason = reqwest::StatusCode::from_u16(*status).ok();
                if let Some(reason) = reason.and_then(|s| s.canonical_reason()) {
                    write!(f, " {reason}")?;
                }
                match self.upstream_message() {
                    Some(m) => write!(f, ": {m}"),
                    None => Ok(()),
                }
            }
            Error::Connect { operation, detail } => {
                write!(f, "{operation}: cannot reach the upstream: {detail}")
            }
            Error::Transport { operation, detail } => {
                write!(f, "{operation}: the upstream connection failed: {detail}")
            }
            Error::Timeout { operation, after } => write!(
                f,
                "{operation}: the upstream did not answer within {} ms",
                after.as_millis()
            ),
            Error::Decode {
                operation,
                status,
                detail,
            } => write!(
                f,
                "{operation}: the upstream answered {status} with a body that is not JSON: {detail}"
            ),
            Error::InvalidArgument { name, reason } => {
                write!(f, "invalid argument `{name}`: {reason}")
            }
        }
    }
}

impl std::error::Error for Error {}

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
