//! `tests/specs/shapes.yaml` served on REST and MCP, for the interop checks of shaped results
//! (tests/interop/shapes_check.py): `shapes-gateway UPSTREAM_URL REST_PORT MCP_PORT`.

use std::time::Duration;

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
    let mcp = shapes::shapes_mcp::server(upstreams.clone());
    naftiko_tests::serve_gateway(
        "shapes-gateway",
        rest_port,
        shapes::shapes_rest::router(upstreams),
        mcp_port,
        mcp,
    )
    .await?;
    Ok(())
}
