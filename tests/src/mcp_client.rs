//! Driving a generated MCP server with rmcp's own client over streamable HTTP, the way the
//! end-to-end tests do it.

use crate::{Served, serve_with};
use naftiko_runtime::mcp::{HttpOptions, Server};
use naftiko_runtime::serve::CancellationToken;
use rmcp::model::{CallToolRequestParams, CallToolResult, ClientConfig, ProtocolVersion, object};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientLifecycleMode, ClientServiceExt, ServiceExt};
use serde_json::Value;

/// An initialized rmcp client session.
pub type McpClient = RunningService<RoleClient, ClientConfig>;

/// Serves `server` on `127.0.0.1:0` at `/mcp` with the default options.
pub async fn serve_mcp(server: Server) -> Served {
    let stop = CancellationToken::new();
    let router = naftiko_runtime::mcp::router(server, &HttpOptions::default(), stop.child_token());
    serve_with(stop, router).await
}

/// A client session with the server at `served`, sending `Authorization: Bearer <token>`
/// when given one; the error text when `initialize` is refused.
pub async fn connect(served: &Served, token: Option<&str>) -> Result<McpClient, String> {
    let mut config = StreamableHttpClientTransportConfig::with_uri(format!("{}/mcp", served.url()));
    if let Some(t) = token {
        config = config.auth_header(t);
    }
    ClientConfig::default()
        .serve(StreamableHttpClientTransport::from_config(config))
        .await
        .map_err(|e| e.to_string())
}

/// A client session speaking protocol `version`: the 2026-07-28 discovery (no handshake), or
/// `initialize` with an earlier version.
pub async fn connect_as(served: &Served, version: &ProtocolVersion) -> McpClient {
    let transport = StreamableHttpClientTransport::from_uri(format!("{}/mcp", served.url()));
    if *version == ProtocolVersion::V_2026_07_28 {
        ClientConfig::default()
            .serve_with_lifecycle(
                transport,
                ClientLifecycleMode::Discover {
                    preferred_versions: vec![ProtocolVersion::V_2026_07_28],
                },
            )
            .await
            .unwrap_or_else(|e| panic!("discover: {e}"))
    } else {
        let mut info = ClientConfig::default();
        info.protocol_version = version.clone();
        info.serve(transport)
            .await
            .unwrap_or_else(|e| panic!("initialize with {version}: {e}"))
    }
}

/// [`serve_mcp`] and an unauthenticated [`connect`].
pub async fn serve_and_connect(server: Server) -> (Served, McpClient) {
    serve_and_connect_with(server, None).await
}

/// [`serve_mcp`] and a [`connect`] presenting `token`, if any.
pub async fn serve_and_connect_with(server: Server, token: Option<&str>) -> (Served, McpClient) {
    let served = serve_mcp(server).await;
    let client = connect(&served, token).await.expect("initialize");
    (served, client)
}

/// Calls `tool` with `args` (a JSON object); panics on a protocol error, not on `isError`.
pub async fn call_tool(client: &McpClient, tool: &str, args: Value) -> CallToolResult {
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(object(args)))
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"))
}

/// The JSON of a successful result's text block (what the reference engine's tests read).
pub fn result_json(r: &CallToolResult) -> Value {
    assert_ne!(r.is_error, Some(true), "{r:#?}");
    let text = &r.content[0].as_text().expect("a text block").text;
    serde_json::from_str(text).expect("the text block is JSON")
}
