//! The benchmark's Rust reference peer: what billjob's stack costs without the generated layers.
//!
//!     bench-rust-peer --rest-addr 127.0.0.1:P --mcp-addr 127.0.0.1:Q --upstream http://127.0.0.1:U
//!
//! REST: `GET /v1/organizations/{orgId}/billjobs/{id}` forwards to
//! `GET {upstream}/organizations/{orgId}/billjobs/{id}` with `Authorization: Bearer $M3TER_API_KEY`
//! and passes status and body through untouched (no JSON parsing). MCP: `retrieve-billjob` over
//! streamable HTTP at `/mcp`, stateless with JSON responses like `billjob --stateless`; the tool
//! makes the same upstream call, parses the body and returns it as `structuredContent` (rmcp's
//! `CallToolResult::structured`, which also puts it in a text block). Same reqwest client settings
//! as billjob (TCP_NODELAY, no redirects), TCP_NODELAY on accepted sockets, one tokio runtime.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone)]
struct Upstream {
    http: reqwest::Client,
    base: Arc<str>,
    auth: HeaderValue,
}

impl Upstream {
    async fn get(&self, org: &str, id: &str) -> Result<(StatusCode, bytes::Bytes), reqwest::Error> {
        let url = format!(
            "{}/organizations/{}/billjobs/{}",
            self.base,
            utf8_percent_encode(org, NON_ALPHANUMERIC),
            utf8_percent_encode(id, NON_ALPHANUMERIC)
        );
        let r = self
            .http
            .get(url)
            .header(header::AUTHORIZATION, self.auth.clone())
            .header(header::ACCEPT, "application/json")
            .send()
            .await?;
        let status = r.status();
        Ok((status, r.bytes().await?))
    }
}

async fn rest_get(State(up): State<Upstream>, Path((org, id)): Path<(String, String)>) -> Response {
    match up.get(&org, &id).await {
        Ok((status, body)) => {
            (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
        }
        Err(e) => (StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

#[derive(Clone)]
struct Mcp {
    up: Upstream,
    tool: Tool,
}

impl ServerHandler for Mcp {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(vec![self.tool.clone()]))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        (name == self.tool.name).then(|| self.tool.clone())
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        if request.name != self.tool.name {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}`", request.name),
                None,
            ));
        }
        let args = request.arguments.unwrap_or_default();
        let arg = |name: &str| {
            args.get(name).and_then(Value::as_str).ok_or_else(|| {
                ErrorData::invalid_params(format!("`{name}` must be a string"), None)
            })
        };
        let (org, id) = (arg("orgId")?, arg("id")?);
        let result = match self.up.get(org, id).await {
            Ok((status, body)) if status.is_success() => {
                match serde_json::from_slice::<Value>(&body) {
                    Ok(v) => CallToolResult::structured(v),
                    Err(e) => CallToolResult::error(vec![ContentBlock::text(format!(
                        "upstream body: {e}"
                    ))]),
                }
            }
            Ok((status, _)) => CallToolResult::error(vec![ContentBlock::text(format!(
                "upstream answered {status}"
            ))]),
            Err(e) => CallToolResult::error(vec![ContentBlock::text(e.to_string())]),
        };
        Ok(result.into())
    }
}

fn tool() -> Tool {
    let schema = json!({
        "type": "object",
        "properties": {"orgId": {"type": "string"}, "id": {"type": "string"}},
        "required": ["orgId", "id"],
        "additionalProperties": false
    });
    let Value::Object(schema) = schema else {
        unreachable!()
    };
    Tool::new("retrieve-billjob", "Retrieve BillJob", schema)
}

fn mcp_router(server: Mcp) -> axum::Router {
    use rmcp::transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
    };
    let hosts = ["localhost", "127.0.0.1"].map(String::from).to_vec();
    let origins = ["http://localhost:*", "http://127.0.0.1:*"]
        .map(String::from)
        .to_vec();
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_allowed_hosts(hosts)
        .with_allowed_origins(origins);
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    axum::Router::new().route_service("/mcp", service)
}

async fn serve(addr: &str, router: axum::Router) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router).await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mut rest, mut mcp, mut upstream) = (None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let slot = match a.as_str() {
            "--rest-addr" => &mut rest,
            "--mcp-addr" => &mut mcp,
            "--upstream" => &mut upstream,
            other => return Err(format!("unknown argument {other}").into()),
        };
        *slot = Some(args.next().ok_or("missing value")?);
    }
    let (rest, mcp, upstream) = (
        rest.ok_or("--rest-addr")?,
        mcp.ok_or("--mcp-addr")?,
        upstream.ok_or("--upstream")?,
    );
    let token = std::env::var("M3TER_API_KEY").unwrap_or_else(|_| "bench-token".into());
    let up = Upstream {
        http: reqwest::Client::builder()
            .tcp_nodelay(true)
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(60))
            .timeout(Duration::from_secs(30))
            .build()?,
        base: upstream.trim_end_matches('/').into(),
        auth: HeaderValue::from_str(&format!("Bearer {token}"))?,
    };
    let rest_router = axum::Router::new()
        .route(
            "/v1/organizations/{org}/billjobs/{id}",
            axum::routing::get(rest_get),
        )
        .with_state(up.clone());
    let mcp_router = mcp_router(Mcp { up, tool: tool() });
    eprintln!(
        "bench-rust-peer: REST http://{rest}/v1/..., MCP http://{mcp}/mcp, upstream {upstream}"
    );
    tokio::try_join!(serve(&rest, rest_router), serve(&mcp, mcp_router))?;
    Ok(())
}
