//! [`HttpClient`], the shared state of a generated client, and [`Request`], one call being
//! built and sent: URL, headers, JSON body, retries.

use super::body::{Encoding, MultipartPart, TextBody, multipart};
use super::error::{Error, hyper_error, transport_error};
use super::params::{ParamValue, SEGMENT, form_encode};
use super::reply::Reply;
use super::retry;
use super::template::JsonTemplate;
use crate::convert::Format;
use axum::http::uri::{Authority, PathAndQuery, Scheme};
use axum::http::{self, HeaderMap, HeaderName, HeaderValue, Method, Uri, header};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Body as HttpBody;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use percent_encoding::utf8_percent_encode;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The shared state of a generated client: cheap to clone, one pool for all calls.
#[derive(Clone)]
pub struct HttpClient {
    pub(super) inner: Arc<Inner>,
}

impl HttpClient {
    /// The value of a bound variable that requests read (`Api::BODY_ENV`: body templates and
    /// the exposures' `with` values), read when the client was built.
    pub fn bound(&self, name: &str) -> Option<&str> {
        self.inner
            .body_env
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
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

/// How requests reach the upstream.
#[allow(
    clippy::large_enum_variant,
    reason = "one per client, behind its Arc: no copies to save"
)]
pub(super) enum Transport {
    /// hyper's own client (HTTP/1.1, keep-alive pool): plain-HTTP upstreams, the gateway's hot
    /// path. No per-request URL re-parsing or header re-copying, no middleware stack.
    Hyper(HyperClient<HttpConnector, Full<Bytes>>),
    /// reqwest: HTTPS upstreams (its TLS: rustls with the platform's verifier, ALPN h2) and
    /// clients given with `Builder::http_client`.
    Reqwest(reqwest::Client),
}

pub(super) struct Inner {
    pub(super) transport: Transport,
    pub(super) base: String,
    /// `base` as the WHATWG parser normalises it (lower-case scheme and host, no default port,
    /// IDNA), without a trailing `/`: what request URLs start with.
    pub(super) prefix: String,
    /// `prefix`'s scheme and authority, parsed once, and the length of `scheme://authority` in
    /// it: a request's URI is made of them and its own path and query, without parsing the
    /// whole URL again.
    pub(super) origin: Option<(Scheme, Authority, usize)>,
    /// Auth, fixed headers, `User-Agent`, `Accept`: built once.
    pub(super) headers: HeaderMap,
    /// Query-placed API keys and fixed query parameters, already encoded.
    pub(super) fixed_query: String,
    /// One deadline for a whole call: every attempt, backoff and `Retry-After` included.
    pub(super) timeout: Duration,
    pub(super) max_retries: u32,
    pub(super) budget: retry::Budget,
    /// Upstream answers larger than this are refused.
    pub(super) max_response_bytes: usize,
    /// Requests in flight to this upstream at most (so connections at most, on HTTP/1.1).
    pub(super) connections: tokio::sync::Semaphore,
    pub(super) max_url_bytes: usize,
    pub(super) namespace: &'static str,
    /// The environment variables request bodies read (`Api::BODY_ENV`), with their values.
    pub(super) body_env: Vec<(&'static str, String)>,
    /// A body-placed API key: field name and value.
    pub(super) body_key: Option<(&'static str, String)>,
    /// Credentials made per attempt (OAuth 2 tokens).
    pub(super) scheme: Option<super::auth::Scheme>,
}

impl HttpClient {
    /// The base URI requests go to.
    pub fn base_uri(&self) -> &str {
        &self.inner.base
    }

    /// Starts a request; `idempotent` requests may be retried.
    pub fn request(
        &self,
        method: Method,
        operation: &'static str,
        idempotent: bool,
    ) -> Request<'_> {
        let mut url = String::with_capacity(self.inner.prefix.len() + 96);
        url.push_str(&self.inner.prefix);
        Request {
            client: &self.inner,
            method,
            operation,
            idempotent,
            url,
            has_query: false,
            headers: HeaderMap::new(),
            body: None,
            content_type: HeaderValue::from_static("application/json"),
            format: Format::Json,
            media_type: None,
            max_binary: None,
        }
    }
}

/// One request being built by generated code: path, query, headers, body; then [`Request::send`].
pub struct Request<'a> {
    client: &'a Inner,
    method: Method,
    operation: &'static str,
    idempotent: bool,
    url: String,
    has_query: bool,
    headers: HeaderMap,
    body: Option<Bytes>,
    /// The body's `Content-Type`, unless a header parameter of the call sets one.
    content_type: HeaderValue,
    /// The format of the answer's body (`outputRawFormat`), converted to JSON when it arrives.
    format: Format,
    /// `outputMediaType`: the media type of a binary answer, instead of its `Content-Type`.
    media_type: Option<&'static str>,
    /// `maxBinarySize`: the largest binary answer read (within the client's own bound).
    max_binary: Option<u64>,
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a query-placed API key and headers credentials: neither is printed.
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("operation", &self.operation)
            .field("idempotent", &self.idempotent)
            .finish_non_exhaustive()
    }
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

    /// Declares the format of the answer's body (`outputRawFormat`; JSON unless said): a
    /// successful answer is converted to JSON, or is a [`Error::Decode`] naming the format.
    pub fn format(&mut self, format: Format) -> &mut Self {
        self.format = format;
        self
    }

    /// Binary answers (`outputRawFormat: binary`): the media type they are given
    /// (`outputMediaType`, else the upstream's `Content-Type`) and the largest read
    /// (`maxBinarySize`, within the client's bound on any answer).
    pub fn binary(
        &mut self,
        media_type: Option<&'static str>,
        max_bytes: Option<u64>,
    ) -> &mut Self {
        self.media_type = media_type;
        self.max_binary = max_bytes;
        self
    }

    /// Sets the JSON body.
    pub fn json(&mut self, body: &Value) -> &mut Self {
        // Serialising a `Value` to a Vec cannot fail.
        self.body = Some(Bytes::from(serde_json::to_vec(body).unwrap_or_default()));
        self.content_type = HeaderValue::from_static("application/json");
        self
    }

    /// Sets the JSON body from the spec's template and these parameter values (indexed like the
    /// operation's parameters).
    pub fn json_template(&mut self, body: &JsonTemplate, vars: &[Option<Value>]) -> &mut Self {
        let value = body.fill_env(vars, &self.client.body_env);
        self.json(&value)
    }

    /// Sets a body of structured data in another encoding (YAML, CBOR, a form) from the spec's
    /// template and these parameter values.
    pub fn encoded(
        &mut self,
        encoding: Encoding,
        body: &JsonTemplate,
        vars: &[Option<Value>],
    ) -> &mut Self {
        let value = body.fill_env(vars, &self.client.body_env);
        self.body = Some(Bytes::from(encoding.encode(&value)));
        self.content_type = HeaderValue::from_static(encoding.media_type());
        self
    }

    /// Sets a text body from the spec's template and these parameter values (indexed like the
    /// operation's parameters). Without a media type, a header parameter says what it is.
    pub fn text(&mut self, body: &TextBody, vars: &[Option<Value>]) -> &mut Self {
        self.body = Some(Bytes::from(body.fill_env(vars, &self.client.body_env)));
        if let Some(m) = body.media_type {
            self.content_type = HeaderValue::from_static(m);
        }
        self
    }

    /// Sets a `multipart/form-data` body; a part whose variable is absent is left out.
    pub fn multipart(&mut self, parts: &[MultipartPart], vars: &[Option<Value>]) -> &mut Self {
        // A fresh random boundary: no value can contain it by chance or design.
        let boundary = format!("naftiko-{}", uuid::Uuid::new_v4().simple());
        self.body = Some(Bytes::from(multipart(
            parts,
            vars,
            &self.client.body_env,
            &boundary,
        )));
        if let Ok(ct) = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        {
            self.content_type = ct;
        }
        self
    }

    /// Sends the request, retrying idempotent ones on 408, 429, 5xx, timeouts and refused
    /// connections (with backoff honouring `Retry-After`) while the call's deadline and the
    /// client's retry budget allow, and returns the upstream JSON.
    pub async fn send(mut self) -> Result<Reply, Error> {
        if !self.client.fixed_query.is_empty() {
            self.url.push(if self.has_query { '&' } else { '?' });
            self.url.push_str(&self.client.fixed_query);
        }
        if let Some((name, value)) = &self.client.body_key {
            self.add_body_key(name, value)?;
        }
        if self.url.len() > self.client.max_url_bytes {
            return Err(Error::InvalidArgument {
                name: "url",
                reason: format!(
                    "the request URL would be {} bytes long; the limit is {} (an argument is too long)",
                    self.url.len(),
                    self.client.max_url_bytes
                ),
            });
        }
        let deadline = tokio::time::Instant::now() + self.client.timeout;
        self.client.budget.deposit();
        let uri = self.uri()?;
        let retries = if self.idempotent {
            self.client.max_retries
        } else {
            0
        };
        let mut attempt = 0;
        loop {
            let outcome = self.attempt(&uri, deadline).await;
            match retry::retryable(&outcome) {
                Some(after) if attempt < retries => {
                    let wait = retry::backoff(attempt, after);
                    // A retry that cannot finish before the deadline is not started: the caller
                    // gets the last answer (with its `Retry-After`) now rather than a timeout.
                    if tokio::time::Instant::now() + wait >= deadline
                        || !self.client.budget.withdraw()
                    {
                        return outcome;
                    }
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                _ => return outcome,
            }
        }
    }

    /// Puts a body-placed API key into the body: a field of a JSON object or of a form, or a
    /// form of its own when there is no body. Any other body is refused (the spec check keeps
    /// templates from producing one; a whole-body argument can still be a JSON array).
    fn add_body_key(&mut self, name: &str, value: &str) -> Result<(), Error> {
        let form = HeaderValue::from_static("application/x-www-form-urlencoded");
        let pair = format!("{}={}", form_encode(name), form_encode(value));
        match self.body.take() {
            None => {
                self.body = Some(Bytes::from(pair));
                self.content_type = form;
            }
            Some(body) if self.content_type == form => {
                let mut out = body.to_vec();
                if !out.is_empty() {
                    out.push(b'&');
                }
                out.extend_from_slice(pair.as_bytes());
                self.body = Some(Bytes::from(out));
            }
            Some(body) if self.content_type == "application/json" => {
                match serde_json::from_slice::<Value>(&body) {
                    Ok(Value::Object(mut fields)) => {
                        fields.insert(name.to_string(), Value::String(value.to_string()));
                        self.json(&Value::Object(fields));
                    }
                    _ => {
                        return Err(Error::InvalidArgument {
                            name: "body",
                            reason:
                                "the API key goes into the body, which must then be a JSON object"
                                    .into(),
                        });
                    }
                }
            }
            Some(_) => {
                return Err(Error::InvalidArgument {
                    name: "body",
                    reason: "the API key goes into the body, which must then be JSON or a form"
                        .into(),
                });
            }
        }
        Ok(())
    }

    /// The request of one attempt: the client's headers (credentials, `User-Agent`, `Accept`),
    /// the call's own, and the body. One header map per attempt, built here.
    fn http_request(&self, uri: &Uri) -> http::Request<Bytes> {
        let c = self.client;
        let mut headers = c.headers.clone();
        if self.format != Format::Json {
            headers.insert(
                header::ACCEPT,
                HeaderValue::from_static(self.format.accept()),
            );
        }
        for (k, v) in &self.headers {
            headers.append(k, v.clone());
        }
        let body = match &self.body {
            Some(body) => {
                // A `Content-Type` header parameter (a raw body's type) wins.
                if !self.headers.contains_key(header::CONTENT_TYPE) {
                    headers.insert(header::CONTENT_TYPE, self.content_type.clone());
                }
                body.clone()
            }
            None => {
                if matches!(self.method, Method::POST | Method::PUT | Method::PATCH) {
                    // RFC 9110 §8.6: a POST without content still says `Content-Length: 0`.
                    headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
                }
                Bytes::new()
            }
        };
        let mut request = http::Request::new(body);
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = uri.clone();
        *request.headers_mut() = headers;
        request
    }

    /// One attempt, in the current trace ([`crate::trace`]) and reported to the installed
    /// metrics ([`crate::control::Metrics::install`]).
    async fn attempt(&self, uri: &Uri, deadline: tokio::time::Instant) -> Result<Reply, Error> {
        let trace = crate::trace::Upstream::start(self.client.namespace, self.operation);
        let metrics = crate::control::Metrics::installed();
        let started = metrics.map(|_| std::time::Instant::now());
        let outcome = self.exchange(uri, deadline, &trace).await;
        let status = match &outcome {
            Ok(reply) => reply.status,
            Err(Error::Status { status, .. }) => *status,
            Err(_) => 0,
        };
        if let (Some(metrics), Some(started)) = (metrics, started) {
            metrics.upstream(
                self.client.namespace,
                self.operation,
                status,
                started.elapsed(),
            );
        }
        trace.end(match status {
            0 => crate::trace::Outcome::Failed,
            s => crate::trace::Outcome::Status(s),
        });
        outcome
    }

    async fn exchange(
        &self,
        uri: &Uri,
        deadline: tokio::time::Instant,
        trace: &crate::trace::Upstream,
    ) -> Result<Reply, Error> {
        let c = self.client;
        let op = self.operation;
        let timed_out = || Error::Timeout {
            operation: op,
            after: c.timeout,
        };
        let _permit = match c.connections.try_acquire() {
            Ok(permit) => permit,
            Err(_) => tokio::time::timeout_at(deadline, c.connections.acquire())
                .await
                .map_err(|_| timed_out())?
                .map_err(|_| timed_out())?,
        };
        if tokio::time::Instant::now() >= deadline {
            return Err(timed_out());
        }
        // The deadline covers obtaining credentials and the answer's body too.
        let exchange = async {
            let mut challenged = false;
            loop {
                let mut request = self.http_request(uri);
                trace.inject(request.headers_mut());
                let used = match &c.scheme {
                    Some(scheme) => Some(scheme.authorize(&mut request, op).await?),
                    None => None,
                };
                // After a 401 (or, where the upstream says so, a 403) to credentials that can be
                // renewed, one more attempt with new ones.
                let retry_401 = |headers: &HeaderMap, status: http::StatusCode| {
                    !challenged
                        && matches!(status.as_u16(), 401 | 403)
                        && match (&c.scheme, used) {
                            (Some(scheme), Some(used)) => {
                                scheme.challenged(used, status.as_u16(), headers)
                            }
                            _ => false,
                        }
                };
                match &c.transport {
                    Transport::Hyper(http) => {
                        let response = http
                            .request(request.map(Full::new))
                            .await
                            .map_err(|e| hyper_error(op, e.is_connect(), &e))?;
                        if retry_401(response.headers(), response.status()) {
                            challenged = true;
                            continue;
                        }
                        return self.read(response, |e| hyper_error(op, false, &e)).await;
                    }
                    Transport::Reqwest(http) => {
                        let request = reqwest::Request::try_from(request)
                            .map_err(|e| transport_error(op, c.timeout, e))?;
                        let response = http
                            .execute(request)
                            .await
                            .map_err(|e| transport_error(op, c.timeout, e))?;
                        if retry_401(response.headers(), response.status()) {
                            challenged = true;
                            continue;
                        }
                        return self
                            .read(http::Response::from(response), |e| {
                                transport_error(op, c.timeout, e)
                            })
                            .await;
                    }
                }
            }
        };
        tokio::time::timeout_at(deadline, exchange)
            .await
            .unwrap_or_else(|_| Err(timed_out()))
    }

    /// Checks an answer's status, reads its body within the size cap, validates 2xx JSON.
    async fn read<B>(
        &self,
        response: http::Response<B>,
        body_error: impl Fn(B::Error) -> Error,
    ) -> Result<Reply, Error>
    where
        B: HttpBody<Data = Bytes>,
    {
        let op = self.operation;
        let (parts, body) = response.into_parts();
        let status = parts.status;
        let code = status.as_u16();
        if !(200..=599).contains(&code) {
            return Err(Error::InvalidStatus {
                operation: op,
                status: code,
            });
        }
        if status.is_redirection() {
            return Err(Error::Redirect {
                operation: op,
                status: code,
                location: parts
                    .headers
                    .get(header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .map(|l| l.chars().take(512).collect()),
            });
        }
        let retry_after = parts
            .headers
            .get(header::RETRY_AFTER)
            .and_then(retry::parse_retry_after);
        let limit = match self.max_binary {
            Some(max) if self.format == Format::Binary => self
                .client
                .max_response_bytes
                .min(usize::try_from(max).unwrap_or(usize::MAX)),
            _ => self.client.max_response_bytes,
        };
        let bytes = read_body(body, limit).await.map_err(|e| match e {
            ReadError::TooLarge => Error::TooLarge {
                operation: op,
                limit,
            },
            ReadError::Body(e) => body_error(e),
        })?;
        if status.is_success() && self.format != Format::Json {
            let content_type = self.media_type.or_else(|| {
                parts
                    .headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
            });
            let value = self
                .format
                .convert(&bytes, content_type)
                .map_err(|e| Error::Decode {
                    operation: op,
                    status: code,
                    format: e.format,
                    detail: e.detail,
                })?;
            let reply = Reply::converted(op, code, value);
            if self.format == Format::Binary {
                let media = content_type
                    .unwrap_or("application/octet-stream")
                    .to_string();
                return Ok(reply.with_bytes(bytes, media));
            }
            return Ok(reply);
        }
        if status.is_success() {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(Reply::new(op, code, Bytes::from_static(b"null")));
            }
            // Validate without building a value: most replies are passed on unchanged.
            serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).map_err(|e| Error::Decode {
                operation: op,
                status: code,
                format: "json",
                detail: e.to_string(),
            })?;
            return Ok(Reply::new(op, code, bytes));
        }
        // An error body in the declared format is converted too (the reference engine maps error
        // bodies as well); one that is not is kept as text.
        let converted = match self.format {
            Format::Json | Format::Binary => None,
            format => format.convert(&bytes, None).ok(),
        };
        let body = converted
            .or_else(|| serde_json::from_slice(&bytes).ok())
            .unwrap_or_else(|| {
                Value::String(String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).into_owned())
            });
        Err(Error::Status {
            operation: op,
            status: code,
            retry_after,
            body,
        })
    }
}

impl Request<'_> {
    /// The request's URI: the client's parsed scheme and authority and the URL's own path and
    /// query (no copy, no second parse of the authority), else [`request_uri`].
    fn uri(&mut self) -> Result<Uri, Error> {
        if let Some((scheme, authority, len)) = &self.client.origin
            && self.url.as_bytes().get(*len) == Some(&b'/')
        {
            let url = Bytes::from(std::mem::take(&mut self.url));
            let path = PathAndQuery::from_maybe_shared(url.slice(*len..));
            let mut parts = http::uri::Parts::default();
            parts.scheme = Some(scheme.clone());
            parts.authority = Some(authority.clone());
            if let Ok(path) = path {
                parts.path_and_query = Some(path);
                if let Ok(uri) = Uri::from_parts(parts) {
                    return Ok(uri);
                }
            }
            // Back to the text, for the general parser.
            self.url = String::from_utf8_lossy(&url).into_owned();
        }
        request_uri(&self.url)
    }
}

/// `prefix`'s scheme and authority and the length of `scheme://authority` in it, when `http`'s
/// parser takes it as it is.
pub(super) fn origin(prefix: &str) -> Option<(Scheme, Authority, usize)> {
    let uri = Uri::try_from(prefix).ok()?;
    let scheme = uri.scheme()?.clone();
    let authority = uri.authority()?.clone();
    let len = scheme.as_str().len() + 3 + authority.as_str().len();
    (prefix.get(..len)? == format!("{scheme}://{authority}")).then_some((scheme, authority, len))
}

/// The URI of a request URL. The base was checked when the client was built and every
/// parameter is percent-encoded, so `http`'s own parser takes it (no IDNA, no re-serialising);
/// literal text it refuses is normalised by the WHATWG parser as before.
fn request_uri(url: &str) -> Result<Uri, Error> {
    if let Ok(uri) = Uri::try_from(url) {
        return Ok(uri);
    }
    let invalid = |reason: String| Error::InvalidArgument {
        name: "url",
        reason,
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    Uri::try_from(parsed.as_str()).map_err(|e| invalid(e.to_string()))
}

enum ReadError<E> {
    TooLarge,
    Body(E),
}

/// A body, at most `limit` bytes; a body in one piece is kept as it is, without a copy.
async fn read_body<B>(body: B, limit: usize) -> Result<Bytes, ReadError<B::Error>>
where
    B: HttpBody<Data = Bytes>,
{
    if body.size_hint().lower() > limit as u64 {
        return Err(ReadError::TooLarge);
    }
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut more: Option<bytes::BytesMut> = None;
    let mut len = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(ReadError::Body)?.into_data() else {
            continue;
        };
        len += data.len();
        if len > limit {
            return Err(ReadError::TooLarge);
        }
        match (&mut first, &mut more) {
            (None, _) => first = Some(data),
            (Some(head), None) => {
                let mut buf = bytes::BytesMut::with_capacity(len.max(head.len() * 2));
                buf.extend_from_slice(head);
                buf.extend_from_slice(&data);
                more = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&data),
        }
    }
    Ok(match (first, more) {
        (_, Some(buf)) => buf.freeze(),
        (Some(head), None) => head,
        (None, None) => Bytes::new(),
    })
}
