//! `tests/specs/shapes.yaml` served on REST and MCP, for the interop checks of shaped results
//! (tests/interop/shapes_check.py): `shapes-gateway UPSTREAM_URL REST_PORT MCP_PORT`.

use naftiko_runtime::mcp::HttpOptions;
use naftiko_runtime::serve::{CancellationToken, Limits, http_with};
use std::time::Duration;
use tokio::net::TcpListener;

mod shapes {
    naftiko_runtime::naftiko_capability!("specs/shapes.yaml");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [upstream, rest_port, mcp_port] = args.as_slice() else {
        return Err("usage: shapes-gateway UPSTREAM_URL REST_PORT MCP_PORT".into());
    };
    let upstreams = shapes::Upstreams {
        registry: shapes::registry::Client::builder()
            .base_uri(upstream.as_str())
            .timeout(Duration::from_secs(10))
            .build()?,
    };
    let rest = TcpListener::bind(format!("127.0.0.1:{rest_port}")).await?;
    let mcp = TcpListener::bind(format!("127.0.0.1:{mcp_port}")).await?;
    let stop = CancellationToken::new();
    let limits = Limits::default();
    let mcp_router = naftiko_runtime::mcp::router(
        shapes::shapes_mcp::server(upstreams.clone()),
        &HttpOptions::default(),
        stop.child_token(),
    );
    let rest_router = shapes::shapes_rest::router(upstreams);
    eprintln!("shapes-gateway: REST 127.0.0.1:{rest_port}, MCP 127.0.0.1:{mcp_port}");
    let (a, b) = tokio::join!(
        http_with(rest, rest_router, &limits, "rest", std::future::pending()),
        http_with(mcp, mcp_router, &limits, "mcp", std::future::pending()),
    );
    a?;
    b?;
    Ok(())
}
