//! `forward`: a REST resource proxied to a consumed API. Method, path remainder, query and the
//! trusted caller headers go upstream with the API's own credentials; the upstream status,
//! headers and body come back. Both bodies are streamed, never buffered: a forwarded body has no
//! size limit of its own (the gateway's connection limits and the client's timeout bound it).

use super::error::{Error, transport_error};
use super::request::{HttpClient, Transport};
use crate::rest::error_response;
use axum::body::Body;
use axum::http::{self, HeaderMap, HeaderName, header};
use axum::response::Response;
use bytes::Bytes;
use std::pin::Pin;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::task::{Context, Poll};

/// Headers that describe one connection, never forwarded either way (RFC 9110 §7.6.1), besides
/// those a `Connection` header names.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-connection",
    // Not hop-by-hop, but the upstream's own: reqwest writes it from the URL.
    "host",
];

fn is_hop_by_hop(name: &HeaderName, connection: &[String]) -> bool {
    let n = name.as_str();
    HOP_BY_HOP.contains(&n)
        || n.starts_with("proxy-")
        || connection.iter().any(|c| c.eq_ignore_ascii_case(n))
}

/// The header names a `Connection` header lists (lower-case).
fn connection_names(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A request body reqwest can stream: reqwest wants `Sync`, axum's body is only `Send`. The
/// mutex is never locked: `poll_frame` has the body exclusively.
struct SyncBody(Mutex<Body>);

impl hyper::body::Body for SyncBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, axum::Error>>> {
        let body = self
            .get_mut()
            .0
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        Pin::new(body).poll_frame(cx)
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.0
            .lock()
            .map_or_else(|_| hyper::body::SizeHint::default(), |b| b.size_hint())
    }
}

/// The client plain-HTTP upstreams are forwarded with (their own client is hyper's, typed for
/// buffered bodies): no redirects followed, no timeout of its own (the call's deadline applies).
fn streaming_client() -> Result<&'static reqwest::Client, String> {
    static CLIENT: OnceLock<Result<reqwest::Client, String>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(std::time::Duration::from_secs(5))
                .tcp_nodelay(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

impl HttpClient {
    /// Forwards `request` to this API: `skip` leading segments of the request path are the
    /// resource's own (the rest is the remainder appended to the base URI), the query is kept,
    /// of the caller's headers only those named in `trusted` (case-insensitive) pass. The API's
    /// credentials and fixed headers are added. Upstream unreachable → 502, no answer within the
    /// client's timeout → 504 (problem JSON); otherwise the upstream status, headers (minus
    /// hop-by-hop ones) and streamed body.
    pub async fn forward(
        &self,
        operation: &'static str,
        trusted: &[&str],
        skip: usize,
        request: axum::extract::Request,
    ) -> Response {
        match self.try_forward(operation, trusted, skip, request).await {
            Ok(r) => r,
            Err(e) => error_response(&e),
        }
    }

    async fn try_forward(
        &self,
        operation: &'static str,
        trusted: &[&str],
        skip: usize,
        request: axum::extract::Request,
    ) -> Result<Response, Error> {
        let c = &self.inner;
        let (parts, body) = request.into_parts();
        // The remainder, still percent-encoded as the caller sent it.
        let path = parts.uri.path();
        let mut rest = path.trim_start_matches('/');
        for _ in 0..skip {
            rest = rest.split_once('/').map_or("", |(_, r)| r);
        }
        let mut url = c.prefix.clone();
        if !rest.is_empty() {
            url.push('/');
            url.push_str(rest);
        }
        let mut query = parts.uri.query().unwrap_or("").to_string();
        if !c.fixed_query.is_empty() {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str(&c.fixed_query);
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query);
        }
        if url.len() > c.max_url_bytes {
            return Err(Error::InvalidArgument {
                name: "url",
                reason: format!(
                    "the forwarded URL would be {} bytes long; the limit is {}",
                    url.len(),
                    c.max_url_bytes
                ),
            });
        }
        let uri: http::Uri = url.parse().map_err(|_| Error::InvalidArgument {
            name: "path",
            reason: "the forwarded path is not a valid URI".into(),
        })?;
        if c.body_key.is_some() {
            return Err(Error::InvalidArgument {
                name: "body",
                reason: "this API places its key in the body, which a forwarded (streamed) body cannot carry".into(),
            });
        }

        let connection = connection_names(&parts.headers);
        let mut headers = HeaderMap::new();
        for name in trusted {
            let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
                continue;
            };
            if is_hop_by_hop(&name, &connection) {
                continue;
            }
            for v in parts.headers.get_all(&name) {
                headers.append(name.clone(), v.clone());
            }
        }
        // The API's own credentials and fixed headers win over the caller's; the caller's
        // trusted `Accept` wins over the client's default.
        for (k, v) in &c.headers {
            if *k == header::ACCEPT && headers.contains_key(header::ACCEPT) {
                continue;
            }
            headers.insert(k.clone(), v.clone());
        }
        // Per-request credentials (OAuth 2 tokens, digest, signatures) are made on an empty
        // request of the same method and URL, then copied: the body is never held.
        let mut used = None;
        if let Some(scheme) = &c.scheme {
            let mut probe = http::Request::new(Bytes::new());
            *probe.method_mut() = parts.method.clone();
            *probe.uri_mut() = uri.clone();
            *probe.headers_mut() = headers.clone();
            used = Some(scheme.authorize(&mut probe, operation).await?);
            headers = probe.headers().clone();
        }
        for k in [header::CONTENT_LENGTH, header::CONTENT_TYPE] {
            if let Some(v) = parts.headers.get(&k) {
                headers.insert(k, v.clone());
            }
        }

        let client = match &c.transport {
            Transport::Reqwest(client) => client,
            Transport::Hyper(_) => {
                streaming_client().map_err(|detail| Error::Transport { operation, detail })?
            }
        };
        // The caller's trace goes on, whether or not its `traceparent` is a trusted header.
        let trace = crate::trace::Upstream::start(c.namespace, operation);
        trace.inject(&mut headers);
        let mut upstream = http::Request::new(reqwest::Body::wrap(SyncBody(Mutex::new(body))));
        *upstream.method_mut() = parts.method;
        *upstream.uri_mut() = uri;
        *upstream.headers_mut() = headers;
        let upstream = reqwest::Request::try_from(upstream)
            .map_err(|e| transport_error(operation, c.timeout, e))?;
        // The client's timeout covers waiting for a connection slot and for the answer head;
        // the slot is held until then (the bodies stream afterwards).
        let exchange = async {
            let _permit = c.connections.acquire().await;
            client.execute(upstream).await
        };
        let answer = match tokio::time::timeout(c.timeout, exchange).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) => {
                trace.end(crate::trace::Outcome::Failed);
                return Err(transport_error(operation, c.timeout, e));
            }
            Err(_) => {
                trace.end(crate::trace::Outcome::Failed);
                return Err(Error::Timeout {
                    operation,
                    after: c.timeout,
                });
            }
        };
        let answer = http::Response::from(answer);
        trace.end(crate::trace::Outcome::Status(answer.status().as_u16()));
        // A refusal renews the credentials (a new OAuth 2 token, the digest challenge) for the
        // next forward; this one, its body already streamed, is answered with the refusal.
        if let (Some(scheme), Some(used)) = (&c.scheme, used)
            && matches!(answer.status().as_u16(), 401 | 403)
        {
            scheme.challenged(used, answer.status().as_u16(), answer.headers());
        }
        let (mut parts, body) = answer.into_parts();
        let connection = connection_names(&parts.headers);
        let names: Vec<HeaderName> = parts.headers.keys().cloned().collect();
        for name in names {
            if is_hop_by_hop(&name, &connection) {
                parts.headers.remove(&name);
            }
        }
        Ok(Response::from_parts(parts, Body::new(body)))
    }
}
