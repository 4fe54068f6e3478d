//! The HTTP plumbing behind every generated client: one connection pool, credentials read once,
//! URLs built without re-parsing templates, retries only where repeating is safe.

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

/// One piece of a value fixed by the spec: literal text or an environment variable.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Lit(&'static str),
    Env(&'static str),
}

/// How a consumed API authenticates, as the spec says.
#[derive(Debug, Clone, Copy)]
pub enum AuthSpec {
    None,
    Bearer(&'static [Part]),
    Basic {
        username: &'static [Part],
        password: &'static [Part],
    },
    ApiKey {
        name: &'static str,
        value: &'static [Part],
        in_query: bool,
    },
}

/// A header or query parameter sent with every request.
#[derive(Debug, Clone, Copy)]
pub struct FixedSpec {
    pub name: &'static str,
    pub in_query: bool,
    pub value: &'static [Part],
}

/// What the generated code knows about one consumed API.
#[derive(Debug)]
pub struct ApiSpec {
    pub namespace: &'static str,
    /// The spec's `baseUri`, which may read environment variables.
    pub base_uri: &'static [Part],
    pub auth: AuthSpec,
    pub fixed: &'static [FixedSpec],
}

impl ApiSpec {
    /// The spec's base URI for display, with `$VAR` where it reads the environment.
    pub fn base_uri_text(&self) -> String {
        self.base_uri
            .iter()
            .map(|p| match p {
                Part::Lit(s) => (*s).to_string(),
                Part::Env(v) => format!("${v}"),
            })
            .collect()
    }
}

/// A JSON body template from the spec (`body: {type: json, data: ...}`).
#[derive(Debug)]
pub enum JsonTemplate {
    /// A constant, as JSON text.
    Json(&'static str),
    /// The value of parameter `i`, with its JSON type; left out of its object when absent.
    Var(usize),
    /// Text with parameters inside; left out of its object when one is absent.
    Text(&'static [TextPart]),
    Array(&'static [JsonTemplate]),
    Object(&'static [(&'static str, JsonTemplate)]),
}

#[derive(Debug)]
pub enum TextPart {
    Lit(&'static str),
    Var(usize),
}

impl JsonTemplate {
    /// The body for these parameter values (indexed like the operation's parameters).
    pub fn fill(&self, vars: &[Option<Value>]) -> Value {
        self.fill_opt(vars).unwrap_or(Value::Null)
    }

    fn fill_opt(&self, vars: &[Option<Value>]) -> Option<Value> {
        match self {
            JsonTemplate::Json(text) => serde_json::from_str(text).ok(),
            JsonTemplate::Var(i) => vars.get(*i).cloned().flatten(),
            JsonTemplate::Text(parts) => {
                let mut out = String::new();
                for p in *parts {
                    match p {
                        TextPart::Lit(s) => out.push_str(s),
                        TextPart::Var(i) => match vars.get(*i)?.as_ref()? {
                            Value::String(s) => out.push_str(s),
                            other => out.push_str(&other.to_string()),
                        },
                    }
                }
                Some(Value::String(out))
            }
            JsonTemplate::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .map(|t| t.fill_opt(vars).unwrap_or(Value::Null))
                    .collect(),
            )),
            JsonTemplate::Object(entries) => Some(Value::Object(
                entries
                    .iter()
                    .filter_map(|(k, t)| t.fill_opt(vars).map(|v| ((*k).to_string(), v)))
                    .collect(),
            )),
        }
    }
}

/// Implemented by each generated client type.
pub trait Api: Sized {
    const SPEC: &'static ApiSpec;
    fn from_http(http: HttpClient) -> Self;
}

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

type EnvSource = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Builds a generated client: base URI, timeouts, a shared `reqwest::Client`, credentials.
pub struct Builder<T> {
    base_uri: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    http: Option<reqwest::Client>,
    vars: HashMap<String, String>,
    env: EnvSource,
    _client: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Builder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("base_uri", &self.base_uri)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl<T: Api> Default for Builder<T> {
    fn default() -> Self {
        Builder {
            base_uri: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            max_retries: 2,
            http: None,
            vars: HashMap::new(),
            env: Arc::new(|name| std::env::var(name).ok()),
            _client: PhantomData,
        }
    }
}

impl<T: Api> Builder<T> {
    /// Sends requests here instead of the spec's `baseUri` (e.g. a sandbox or a proxy).
    pub fn base_uri(mut self, uri: impl Into<String>) -> Self {
        self.base_uri = Some(uri.into());
        self
    }

    /// Limit for a whole request, connection to last byte (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for opening a connection (default 5 s). Ignored with [`Builder::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries of a failed idempotent request (default 2). Non-idempotent calls are never retried.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Shares a connection pool with other clients.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Gives a bound variable's value directly instead of reading the environment.
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Reads bound variables from this function instead of the process environment.
    pub fn env_source(
        mut self,
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Arc::new(env);
        self
    }

    fn value(&self, parts: &[Part]) -> Result<String, ConfigError> {
        let mut out = String::new();
        for p in parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Env(name) => match self.vars.get(*name).cloned().or_else(|| (self.env)(name))
                {
                    Some(v) if !v.is_empty() => out.push_str(&v),
                    _ => return Err(ConfigError::MissingVar((*name).to_string())),
                },
            }
        }
        Ok(out)
    }

    fn header_value(&self, parts: &[Part], prefix: &str) -> Result<HeaderValue, ConfigError> {
        let v = self.value(parts)?;
        let mut h = HeaderValue::from_str(&format!("{prefix}{v}")).map_err(|_| {
            ConfigError::InvalidVar {
                name: first_env(parts),
                reason: "it contains characters not allowed in an HTTP header",
            }
        })?;
        h.set_sensitive(true);
        Ok(h)
    }

    /// Reads credentials and builds the client. Fails if a bound variable is missing.
    pub fn build(self) -> Result<T, ConfigError> {
        let spec = T::SPEC;
        let base = match self.base_uri.clone() {
            Some(b) => b,
            None => self.value(spec.base_uri)?,
        };
        let base = base.trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&base).map_err(|e| ConfigError::InvalidBaseUri {
            uri: base.clone(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.query().is_some()
            || parsed.fragment().is_some()
        {
            return Err(ConfigError::InvalidBaseUri {
                uri: base,
                reason: "expected an http(s) URL without query or fragment".into(),
            });
        }
        let mut headers = HeaderMap::new();
        let mut query = Vec::new();
        match spec.auth {
            AuthSpec::None => {}
            AuthSpec::Bearer(token) => {
                headers.insert(
                    reqwest::header::AUTHORIZATION,
                    self.header_value(token, "Bearer ")?,
                );
            }
            AuthSpec::Basic { username, password } => {
                let pair = format!("{}:{}", self.value(username)?, self.value(password)?);
                let encoded = base64(pair.as_bytes());
                let mut h = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
                    ConfigError::InvalidVar {
                        name: first_env(username),
                        reason: "not a valid credential",
                    }
                })?;
                h.set_sensitive(true);
                headers.insert(reqwest::header::AUTHORIZATION, h);
            }
            AuthSpec::ApiKey {
                name,
                value,
                in_query,
            } => {
                if in_query {
                    query.push((name.to_string(), self.value(value)?));
                } else {
                    headers.insert(header_name(name)?, self.header_value(value, "")?);
                }
            }
        }
        for f in spec.fixed {
            if f.in_query {
                query.push((f.name.to_string(), self.value(f.value)?));
            } else {
                let mut h = self.header_value(f.value, "")?;
                h.set_sensitive(f.value.iter().any(|p| matches!(p, Part::Env(_))));
                headers.insert(header_name(f.name)?, h);
            }
        }
        headers.insert(
            reqwest::header::USER_AGENT,
            HeaderValue::from_static(USER_AGENT),
        );
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let http = match self.http {
            Some(h) => h,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .tcp_nodelay(true)
                // A gateway answers with what the upstream said; it does not chase redirects.
                .redirect(reqwest::redirect::Policy::none())
                .pool_idle_timeout(Duration::from_secs(60))
                .build()
                .map_err(ConfigError::Http)?,
        };
        let fixed_query = query
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        Ok(T::from_http(HttpClient {
            inner: Arc::new(Inner {
                http,
                base,
                headers,
                fixed_query,
                timeout: self.timeout,
                max_retries: self.max_retries,
                namespace: spec.namespace,
            }),
        }))
    }
}

fn first_env(parts: &[Part]) -> String {
    parts
        .iter()
        .find_map(|p| match p {
            Part::Env(n) => Some((*n).to_string()),
            Part::Lit(_) => None,
        })
        .unwrap_or_else(|| "(literal)".to_string())
}

fn header_name(name: &str) -> Result<HeaderName, ConfigError> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConfigError::InvalidVar {
        name: name.to_string(),
        reason: "not a valid header name",
    })
}

/// `User-Agent` of every upstream request.
pub const USER_AGENT: &str = concat!("naftiko/", env!("CARGO_PKG_VERSION"));

/// The shared state of a generated client: cheap to clone, one pool for all calls.
#[derive(Clone)]
pub struct HttpClient {
    inner: Arc<Inner>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Headers hold credentials: never printed.
        f.debug_struct("HttpClient")
            .field("namespace", &self.inner.namespace)
            .field("base", &self.inner.base)
            .finish_non_exhaustive()
    }
}

struct Inner {
    http: reqwest::Client,
    base: String,
    /// Auth, fixed headers, `User-Agent`, `Accept`: built once.
    headers: HeaderMap,
    /// Query-placed API keys and fixed query parameters, already encoded.
    fixed_query: String,
    timeout: Duration,
    max_retries: u32,
    namespace: &'static str,
}

impl HttpClient {
    /// The base URI requests go to.
    pub fn base_uri(&self) -> &str {
        &self.inner.base
    }

    /// Starts a request; `idempotent` requests may be retried.
    pub fn request(
        &self,
        method: reqwest::Method,
        operation: &'static str,
        idempotent: bool,
    ) -> Request<'_> {
        let mut url = String::with_capacity(self.inner.base.len() + 96);
        url.push_str(&self.inner.base);
        Request {
            client: &self.inner,
            method,
            operation,
            idempotent,
            url,
            has_query: false,
            headers: HeaderMap::new(),
            body: None,
        }
    }
}

/// Characters left as they are in a path segment: RFC 3986 unreserved.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn form_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Values that can be sent as a query parameter or header.
pub trait ParamValue {
    fn write(&self, out: &mut Vec<String>);
}

impl ParamValue for str {
    fn write(&self, out: &mut Vec<String>) {
        out.push(self.to_string());
    }
}
impl ParamValue for String {
    fn write(&self, out: &mut Vec<String>) {
        out.push(self.clone());
    }
}
impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn write(&self, out: &mut Vec<String>) {
        (**self).write(out);
    }
}
macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn write(&self, out: &mut Vec<String>) {
                out.push(self.to_string());
            }
        }
    )*};
}
display_param!(i64, f64, bool);

impl ParamValue for Value {
    /// Arrays repeat the parameter (`a=1&a=2`, OpenAPI's form/explode default); objects are sent as JSON.
    fn write(&self, out: &mut Vec<String>) {
        match self {
            Value::Null => {}
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| match v {
                Value::Array(_) | Value::Object(_) => out.push(v.to_string()),
                v => v.write(out),
            }),
            other => out.push(other.to_string()),
        }
    }
}
impl ParamValue for Vec<Value> {
    fn write(&self, out: &mut Vec<String>) {
        self.iter().for_each(|v| v.write(out));
    }
}

/// One request being built by generated code: path, query, headers, body; then [`Request::send`].
pub struct Request<'a> {
    client: &'a Inner,
    method: reqwest::Method,
    operation: &'static str,
    idempotent: bool,
    url: String,
    has_query: bool,
    headers: HeaderMap,
    body: Option<Bytes>,
}

impl Request<'_> {
    /// Appends literal path text from the spec.
    pub fn path(&mut self, literal: &str) -> &mut Self {
        self.url.push_str(literal);
        self
    }

    /// Appends a path parameter as exactly one percent-encoded segment. Values that cannot be
    /// one segment (empty, `.`, `..`) are refused before anything is sent.
    pub fn segment(&mut self, name: &'static str, value: &str) -> Result<&mut Self, Error> {
        if value.is_empty() || value == "." || value == ".." {
            return Err(Error::InvalidArgument {
                name,
                reason: format!(
                    "a path parameter cannot be {}",
                    if value.is_empty() {
                        "empty".to_string()
                    } else {
                        format!("`{value}`")
                    }
                ),
            });
        }
        self.url.extend(utf8_percent_encode(value, SEGMENT));
        Ok(self)
    }

    /// Adds a query parameter (form-encoded, as the official SDKs send it).
    pub fn query<V: ParamValue + ?Sized>(&mut self, name: &str, value: &V) -> &mut Self {
        let mut values = Vec::new();
        value.write(&mut values);
        for v in values {
            self.url.push(if self.has_query { '&' } else { '?' });
            self.has_query = true;
            self.url.push_str(&form_encode(name));
            self.url.push('=');
            self.url.push_str(&form_encode(&v));
        }
        self
    }

    /// Adds a header parameter; values that are not valid header text are refused.
    pub fn header<V: ParamValue + ?Sized>(
        &mut self,
        name: &'static str,
        value: &V,
    ) -> Result<&mut Self, Error> {
        let mut values = Vec::new();
        value.write(&mut values);
        let hn = HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::InvalidArgument {
            name,
            reason: "not a header name".into(),
        })?;
        for v in values {
            let hv = HeaderValue::from_str(&v).map_err(|_| Error::InvalidArgument {
                name,
                reason: "a header value cannot contain control characters".into(),
            })?;
            self.headers.append(hn.clone(), hv);
        }
        Ok(self)
    }

    /// Sets the JSON body.
    pub fn json(&mut self, body: &Value) -> &mut Self {
        // Serialising a `Value` to a Vec cannot fail.
        self.body = Some(Bytes::from(serde_json::to_vec(body).unwrap_or_default()));
        self
    }

    /// Sends the request, retrying idempotent ones on 408, 429, 5xx, timeouts and refused
    /// connections (with backoff honouring `Retry-After`), and returns the upstream JSON.
    pub async fn send(mut self) -> Result<Reply, Error> {
        if !self.client.fixed_query.is_empty() {
            self.url.push(if self.has_query { '&' } else { '?' });
            self.url.push_str(&self.client.fixed_query);
        }
        let url = reqwest::Url::parse(&self.url).map_err(|e| Error::InvalidArgument {
            name: "url",
            reason: e.to_string(),
        })?;
        let retries = if self.idempotent {
            self.client.max_retries
        } else {
            0
        };
        let mut attempt = 0;
        loop {
            let outcome = self.attempt(&url).await;
            let retry_after = match &outcome {
                Err(Error::Status {
                    status: 408 | 429 | 500 | 502 | 503 | 504,
                    retry_after,
                    ..
                }) => Some(*retry_after),
                Err(Error::Timeout { .. } | Error::Connect { .. }) => Some(None),
                _ => None,
            };
            match retry_after {
                Some(after) if attempt < retries => {
                    tokio::time::sleep(backoff(attempt, after)).await;
                    attempt += 1;
                }
                _ => return outcome,
            }
        }
    }

    async fn attempt(&self, url: &reqwest::Url) -> Result<Reply, Error> {
        let c = self.client;
        let mut rb = c
            .http
            .request(self.method.clone(), url.clone())
            .timeout(c.timeout)
            .headers(c.headers.clone());
        for (k, v) in &self.headers {
            rb = rb.header(k, v);
        }
        if let Some(body) = &self.body {
            rb = rb
                .header(
                    reqwest::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )
                .body(body.clone());
        } else if matches!(
            self.method,
            reqwest::Method::POST | reqwest::Method::PUT | reqwest::Method::PATCH
        ) {
            // RFC 9110 §8.6: a POST without content still says `Content-Length: 0`.
            rb = rb
                .header(
                    reqwest::header::CONTENT_LENGTH,
                    HeaderValue::from_static("0"),
                )
                .body(Bytes::new());
        }
        let op = self.operation;
        let resp = rb
            .send()
            .await
            .map_err(|e| transport_error(op, c.timeout, e))?;
        let status = resp.status();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(parse_retry_after);
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| transport_error(op, c.timeout, e))?;
        if status.is_success() {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(Reply::new(status.as_u16(), Bytes::from_static(b"null")));
            }
            // Validate without building a value: most replies are passed on unchanged.
            serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).map_err(|e| Error::Decode {
                operation: op,
                status: status.as_u16(),
                detail: e.to_string(),
            })?;
            return Ok(Reply::new(status.as_u16(), bytes));
        }
        let body = serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            Value::String(String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).into_owned())
        });
        Err(Error::Status {
            operation: op,
            status: status.as_u16(),
            retry_after,
            body,
        })
    }
}

fn transport_error(operation: &'static str, timeout: Duration, e: reqwest::Error) -> Error {
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

/// Exponential backoff (0.5 s · 2ⁿ, at most 8 s, with jitter), or the server's `Retry-After`
/// when it asks for at most 60 s.
fn backoff(attempt: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(after) = retry_after.filter(|d| *d <= Duration::from_secs(60)) {
        return after;
    }
    let base = Duration::from_millis(500)
        .saturating_mul(1 << attempt.min(4))
        .min(Duration::from_secs(8));
    base.mul_f64(0.75 + 0.25 * jitter())
}

fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() % 10_000) as f64 / 10_000.0
}

/// `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
fn parse_retry_after(v: &HeaderValue) -> Option<Duration> {
    let s = v.to_str().ok()?.trim();
    if let Ok(secs) = s.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = crate::httpdate::parse(s)?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A successful (2xx) answer: its status and JSON body (`null` when the body is empty).
///
/// The body is checked to be JSON when it arrives but parsed only when asked for, so that a
/// gateway can pass it on unchanged, byte for byte.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    raw: Bytes,
    parsed: std::sync::OnceLock<Value>,
}

impl Reply {
    /// A reply with this status and JSON text (already checked to be JSON).
    fn new(status: u16, raw: Bytes) -> Self {
        Reply {
            status,
            raw,
            parsed: std::sync::OnceLock::new(),
        }
    }

    /// The body as JSON.
    pub fn json(&self) -> &Value {
        self.parsed
            .get_or_init(|| serde_json::from_slice(&self.raw).unwrap_or(Value::Null))
    }

    pub fn into_json(self) -> Value {
        match self.parsed.into_inner() {
            Some(v) => v,
            None => serde_json::from_slice(&self.raw).unwrap_or(Value::Null),
        }
    }

    /// The body exactly as the upstream sent it (`null` for an empty body).
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }
}

impl std::ops::Deref for Reply {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.json()
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("body", self.json())
            .finish()
    }
}

impl PartialEq for Reply {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status && self.json() == other.json()
    }
}

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

/// Standard base64 with padding (for Basic auth).
fn base64(input: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(
            base64(b"probe-key:probe-secret"),
            "cHJvYmUta2V5OnByb2JlLXNlY3JldA=="
        );
    }

    #[test]
    fn backoff_honours_short_retry_after_only() {
        assert_eq!(
            backoff(0, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
        let d = backoff(0, Some(Duration::from_secs(3600)));
        assert!(d <= Duration::from_millis(500) && d >= Duration::from_millis(375));
        assert!(backoff(10, None) <= Duration::from_secs(8));
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("7")),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after(&HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after(&HeaderValue::from_static("soon")), None);
    }
}

#[cfg(test)]
mod template_tests {
    use super::*;
    use serde_json::json;

    static BODY: JsonTemplate = JsonTemplate::Object(&[
        ("name", JsonTemplate::Var(0)),
        (
            "selector",
            JsonTemplate::Text(&[
                TextPart::Lit("type(\""),
                TextPart::Var(1),
                TextPart::Lit("\")"),
            ]),
        ),
        ("limit", JsonTemplate::Json("10")),
        (
            "tags",
            JsonTemplate::Array(&[JsonTemplate::Var(0), JsonTemplate::Json("\"x\"")]),
        ),
    ]);

    #[test]
    fn fills_variables_with_their_json_type_and_leaves_out_absent_ones() {
        assert_eq!(
            BODY.fill(&[Some(json!(7)), Some(json!("HOST"))]),
            json!({"name": 7, "selector": "type(\"HOST\")", "limit": 10, "tags": [7, "x"]})
        );
        assert_eq!(
            BODY.fill(&[None, None]),
            json!({"limit": 10, "tags": [null, "x"]})
        );
    }
}
