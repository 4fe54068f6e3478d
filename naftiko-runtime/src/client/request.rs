//! [`HttpClient`], the shared state of a generated client, and [`Request`], one call being
//! built and sent: URL, headers, JSON body, retries.

use super::error::{Error, transport_error};
use super::params::{ParamValue, SEGMENT, form_encode};
use super::reply::Reply;
use super::retry;
use bytes::Bytes;
use percent_encoding::utf8_percent_encode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde_json::Value;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The shared state of a generated client: cheap to clone, one pool for all calls.
#[derive(Clone)]
pub struct HttpClient {
    pub(super) inner: Arc<Inner>,
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

pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) base: String,
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

    /// Sets the JSON body.
    pub fn json(&mut self, body: &Value) -> &mut Self {
        // Serialising a `Value` to a Vec cannot fail.
        self.body = Some(Bytes::from(serde_json::to_vec(body).unwrap_or_default()));
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
            let outcome = self.attempt(&url, deadline).await;
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

    async fn attempt(
        &self,
        url: &reqwest::Url,
        deadline: tokio::time::Instant,
    ) -> Result<Reply, Error> {
        let c = self.client;
        let op = self.operation;
        let timed_out = || Error::Timeout {
            operation: op,
            after: c.timeout,
        };
        let _permit = tokio::time::timeout_at(deadline, c.connections.acquire())
            .await
            .map_err(|_| timed_out())?
            .map_err(|_| timed_out())?;
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return Err(timed_out());
        }
        let mut rb = c
            .http
            .request(self.method.clone(), url.clone())
            .timeout(left)
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
        let mut resp = rb
            .send()
            .await
            .map_err(|e| transport_error(op, c.timeout, e))?;
        let status = resp.status();
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
                location: resp
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .map(|l| l.chars().take(512).collect()),
            });
        }
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(retry::parse_retry_after);
        let limit = c.max_response_bytes;
        let too_large = || Error::TooLarge {
            operation: op,
            limit,
        };
        let bytes = match resp.content_length() {
            Some(n) if n > limit as u64 => return Err(too_large()),
            Some(_) => resp
                .bytes()
                .await
                .map_err(|e| transport_error(op, c.timeout, e))?,
            None => {
                let mut buf = bytes::BytesMut::new();
                while let Some(chunk) = resp
                    .chunk()
                    .await
                    .map_err(|e| transport_error(op, c.timeout, e))?
                {
                    if buf.len() + chunk.len() > limit {
                        return Err(too_large());
                    }
                    buf.extend_from_slice(&chunk);
                }
                buf.freeze()
            }
        };
        if status.is_success() {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(Reply::new(op, status.as_u16(), Bytes::from_static(b"null")));
            }
            // Validate without building a value: most replies are passed on unchanged.
            serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).map_err(|e| Error::Decode {
                operation: op,
                status: status.as_u16(),
                detail: e.to_string(),
            })?;
            return Ok(Reply::new(op, status.as_u16(), bytes));
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
