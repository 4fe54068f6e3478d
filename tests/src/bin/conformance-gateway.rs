//! `tests/specs/conformance.yaml` served for the MCP conformance suite's resource and prompt
//! scenarios (tests/interop/run.sh): `conformance-gateway REST_PORT MCP_PORT`. The templated
//! resource's data comes from the spec's own REST adapter, so no other upstream is needed.

use naftiko_runtime::mcp::HttpOptions;
use naftiko_runtime::serve::{CancellationToken, Limits, http_with};
use std::time::Duration;
use tokio::net::TcpListener;

mod fixtures {
    naftiko_runtime::naftiko_capability!("specs/conformance.yaml");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rest_port, mcp_port] = args.as_slice() else {
        return Err("usage: conformance-gateway REST_PORT MCP_PORT".into());
    };
    let upstreams = fixtures::Upstreams {
        fixtures: fixtures::fixtures::Client::builder()
            .base_uri(format!("http://127.0.0.1:{rest_port}"))
            .timeout(Duration::from_secs(10))
            .build()?,
    };
    let rest = TcpListener::bind(format!("127.0.0.1:{rest_port}")).await?;
    let mcp = TcpListener::bind(format!("127.0.0.1:{mcp_port}")).await?;
    let stop = CancellationToken::new();
    let limits = Limits::default();
    let mcp_router = naftiko_runtime::mcp::router(
        fixtures::conformance_mcp::server(upstreams.clone()),
        &HttpOptions::default(),
        stop.child_token(),
    );
    let rest_router = fixtures::fixtures_rest::router(upstreams);
    eprintln!("conformance-gateway: REST 127.0.0.1:{rest_port}, MCP 127.0.0.1:{mcp_port}");
    let (a, b) = tokio::join!(
        http_with(rest, rest_router, &limits, "rest", std::future::pending()),
        http_with(mcp, mcp_router, &limits, "mcp", std::future::pending()),
    );
    a?;
    b?;
    Ok(())
}
