//! `tests/specs/conformance.yaml` served for the MCP conformance suite's resource and prompt
//! scenarios (tests/interop/run.sh): `conformance-gateway REST_PORT MCP_PORT`. The templated
//! resource's data comes from the spec's own REST adapter, so no other upstream is needed.

use std::time::Duration;

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
    let mcp = fixtures::conformance_mcp::server(upstreams.clone());
    naftiko_tests::serve_gateway(
        "conformance-gateway",
        rest_port,
        fixtures::fixtures_rest::router(upstreams),
        mcp_port,
        mcp,
    )
    .await?;
    Ok(())
}
