//! DNS-rebinding and cross-site protection, one code for REST adapters and MCP's streamable
//! HTTP transport ([`crate::mcp::router`] applies it instead of rmcp's own lists): a `Host` and
//! `Origin` allow-list, loopback by default, extended by the operator (`--allowed-hosts`).
//!
//! A web page the operator visits can send a POST without preflight to a loopback gateway
//! (`<form>` or `fetch` with a simple content type); it carries the page's `Origin`. A page
//! served from a rebound DNS name reaches it with that name as `Host`. [`HostGuard`] answers both
//! with `403 Forbidden` unless the name is loopback (`localhost`, `127.0.0.1`, `::1`) or one the
//! operator allowed. Requests without `Origin` (SDKs, curl, servers) are judged by `Host` only.

use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Host names accepted in `Host` and `Origin`, any port.
#[derive(Debug, Clone)]
pub struct HostGuard {
    hosts: Arc<[String]>,
}

const LOOPBACK: [&str; 4] = ["localhost", "127.0.0.1", "::1", "[::1]"];

impl HostGuard {
    /// Loopback names plus `extra` (e.g. `gw.example.com`, the names a proxy forwards).
    pub fn new<I: IntoIterator<Item = S>, S: AsRef<str>>(extra: I) -> Self {
        let hosts: Vec<String> = LOOPBACK
            .iter()
            .map(|h| (*h).to_string())
            .chain(
                extra
                    .into_iter()
                    .map(|h| h.as_ref().trim().to_ascii_lowercase())
                    .filter(|h| !h.is_empty()),
            )
            .collect();
        HostGuard {
            hosts: hosts.into(),
        }
    }

    fn allows(&self, host: &str) -> bool {
        self.hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Why the request is refused, if it is.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), String> {
        match headers.get(header::HOST).map(|h| h.to_str()) {
            Some(Ok(h)) if self.allows(host_of(h)) => {}
            Some(Ok(h)) => {
                return Err(format!(
                    "Host `{}` is not allowed (DNS rebinding protection); allow it with --allowed-hosts",
                    shown(h)
                ));
            }
            Some(Err(_)) => return Err("the Host header is not readable text".into()),
            // HTTP/1.1 requires Host; hyper refuses requests without it before we see them.
            None => {}
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let ok = origin.to_str().ok().and_then(origin_host);
            match ok {
                Some(h) if self.allows(h) => {}
                _ => {
                    return Err(format!(
                        "Origin `{}` is not allowed (cross-site request); allow its host with --allowed-hosts",
                        shown(origin.to_str().unwrap_or("(not text)"))
                    ));
                }
            }
        }
        Ok(())
    }

    /// The axum middleware (`axum::middleware::from_fn`). As a [`tower::Layer`]
    /// (`router.layer(guard)`) the guard costs no boxed future per request.
    pub async fn layer(self, request: Request, next: Next) -> Response {
        match self.check(request.headers()) {
            Ok(()) => next.run(request).await,
            Err(detail) => forbidden(&detail),
        }
    }
}

impl<S> tower::Layer<S> for HostGuard {
    type Service = Guarded<S>;

    fn layer(&self, inner: S) -> Guarded<S> {
        Guarded {
            guard: self.clone(),
            inner,
        }
    }
}

/// A service behind a [`HostGuard`]: refused requests are answered `403` and never reach it.
#[derive(Debug, Clone)]
pub struct Guarded<S> {
    guard: HostGuard,
    inner: S,
}

impl<S> tower::Service<Request> for Guarded<S>
where
    S: tower::Service<Request, Response = Response>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = GuardFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self.guard.check(request.headers()) {
            Ok(()) => GuardFuture::Inner {
                inner: self.inner.call(request),
            },
            Err(detail) => GuardFuture::Refused {
                response: Some(forbidden(&detail)),
            },
        }
    }
}

pin_project_lite::pin_project! {
    /// The response future of [`Guarded`].
    #[project = GuardProj]
    pub enum GuardFuture<F> {
        Inner { #[pin] inner: F },
        Refused { response: Option<Response> },
    }
}

impl<F, E> Future for GuardFuture<F>
where
    F: Future<Output = Result<Response, E>>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            GuardProj::Inner { inner } => inner.poll(cx),
            // Polled once: a future is not polled again after it is ready.
            GuardProj::Refused { response } => Poll::Ready(Ok(response
                .take()
                .unwrap_or_else(|| StatusCode::FORBIDDEN.into_response()))),
        }
    }
}

/// `host[:port]` or `[v6]:port` → the host.
fn host_of(authority: &str) -> &str {
    let a = authority.trim();
    if let Some(rest) = a.strip_prefix('[') {
        // `[::1]:8080` compares as `::1`.
        return rest.split(']').next().unwrap_or(a);
    }
    a.rsplit_once(':')
        .filter(|(_, port)| port.bytes().all(|b| b.is_ascii_digit()))
        .map_or(a, |(h, _)| h)
}

/// `scheme://host[:port]` → the host; `null` and other forms → `None`.
fn origin_host(origin: &str) -> Option<&str> {
    let (_, rest) = origin.trim().split_once("://")?;
    let authority = rest.split('/').next()?;
    Some(host_of(authority))
}

fn shown(s: &str) -> String {
    s.chars().take(100).collect()
}

fn forbidden(detail: &str) -> Response {
    crate::rest::Problem::new(StatusCode::FORBIDDEN, "Forbidden", detail).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(host: &str, origin: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(o) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
        }
        h
    }

    #[test]
    fn loopback_and_allowed_hosts_pass_others_are_refused() {
        let g = HostGuard::new(["gw.example.com"]);
        for ok in [
            "127.0.0.1:8080",
            "localhost",
            "[::1]:8080",
            "GW.example.com:443",
        ] {
            assert!(g.check(&headers(ok, None)).is_ok(), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "127.0.0.2:8080",
            "localhost.evil.example",
        ] {
            assert!(g.check(&headers(bad, None)).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_cross_site_origin_is_refused_even_on_a_loopback_host() {
        let g = HostGuard::new::<[&str; 0], &str>([]);
        assert!(
            g.check(&headers("127.0.0.1:8080", Some("http://127.0.0.1:3000")))
                .is_ok()
        );
        assert!(
            g.check(&headers("127.0.0.1:8080", Some("https://evil.example")))
                .is_err()
        );
        assert!(g.check(&headers("127.0.0.1:8080", Some("null"))).is_err());
    }
}
