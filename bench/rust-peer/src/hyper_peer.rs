//! The benchmark's floor: a REST proxy on hyper alone, no framework, no generated layers.
//!
//!     bench-hyper-peer --rest-addr 127.0.0.1:P --upstream http://127.0.0.1:U
//!
//! `GET /v1/...` goes to `GET {upstream}/...` with `Authorization: Bearer $M3TER_API_KEY`; the
//! upstream's status, headers and body come back as they are (nothing parsed, nothing buffered).
//! A single-threaded tokio runtime (the server is pinned to one core), TCP_NODELAY both ways,
//! hyper's HTTP/1.1 server and hyper-util's pooled legacy client. It shows what the stack costs
//! per request when nothing else runs: the distance between it and billjob is ours to close.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full, combinators::UnsyncBoxBody};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, HeaderValue};
use hyper::{Request, Response, StatusCode, Uri};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::Arc;

type Body = UnsyncBoxBody<Bytes, hyper::Error>;

struct Proxy {
    client: Client<HttpConnector, Empty<Bytes>>,
    upstream: String,
    auth: HeaderValue,
}

impl Proxy {
    async fn handle(&self, req: Request<Incoming>) -> Response<Body> {
        let Some(rest) = req.uri().path().strip_prefix("/v1") else {
            return status(StatusCode::NOT_FOUND);
        };
        let mut target = String::with_capacity(self.upstream.len() + req.uri().path().len() + 16);
        target.push_str(&self.upstream);
        target.push_str(rest);
        if let Some(q) = req.uri().query() {
            target.push('?');
            target.push_str(q);
        }
        let Ok(uri) = Uri::try_from(target) else {
            return status(StatusCode::BAD_REQUEST);
        };
        let mut up = Request::new(Empty::new());
        *up.method_mut() = req.method().clone();
        *up.uri_mut() = uri;
        up.headers_mut().insert(AUTHORIZATION, self.auth.clone());
        match self.client.request(up).await {
            Ok(resp) => resp.map(|b| b.boxed_unsync()),
            Err(_) => status(StatusCode::BAD_GATEWAY),
        }
    }
}

fn status(code: StatusCode) -> Response<Body> {
    let mut r = Response::new(
        Full::new(Bytes::new())
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *r.status_mut() = code;
    r
}

fn arg(name: &str) -> Option<String> {
    let mut args = std::env::args();
    while let Some(a) = args.next() {
        if a == name {
            return args.next();
        }
    }
    None
}

fn main() -> std::io::Result<()> {
    let addr = arg("--rest-addr").unwrap_or_else(|| "127.0.0.1:8080".into());
    let upstream = arg("--upstream").unwrap_or_else(|| "http://127.0.0.1:4010".into());
    let token = std::env::var("M3TER_API_KEY").unwrap_or_default();
    let auth = HeaderValue::try_from(format!("Bearer {token}"))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let mut connector = HttpConnector::new();
            connector.set_nodelay(true);
            let client = Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(256)
                .build(connector);
            let proxy = Arc::new(Proxy {
                client,
                upstream: upstream.trim_end_matches('/').to_owned(),
                auth,
            });
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            loop {
                let (stream, _) = listener.accept().await?;
                let _ = stream.set_nodelay(true);
                let proxy = proxy.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        let proxy = proxy.clone();
                        async move { Ok::<_, std::convert::Infallible>(proxy.handle(req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        })
}
