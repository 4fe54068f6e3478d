// The tests of one generation of the tutorial, included by each generation's test file
// (tests/tests/tutorial_step3.rs for alpha3, tests/tests/tutorial_beta5.rs for beta5) after it declares
// the step modules they serve.

use naftiko_runtime::reqwest;
use naftiko_tests::mcp_client::{McpClient, call_tool, connect, result_json, serve_mcp};
use naftiko_tests::{Scripted, Served, Upstream};
use serde_json::{Value, json};
use std::time::Duration;

/// What `shared/secrets.yaml` holds.
const MCP_TOKEN: &str = "sk-mcp-YYYYYYYYYYYY";
const REGISTRY_TOKEN: &str = "dummy-token";
const REGISTRY_VERSION: &str = "1.0.0-alpha2";

async fn served() -> (Upstream, Served) {
    let upstream = Upstream::start().await;
    let registry = step3::registry::Client::builder()
        .base_uri(upstream.url())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("registry client: its token and version are in shared/secrets.yaml");
    let auth = step3::shipyard_tools::authentication()
        .expect("the MCP token is read from shared/secrets.yaml");
    let server = step3::shipyard_tools::server(step3::Upstreams { registry }, auth);
    (upstream, serve_mcp(server).await)
}

async fn client(served: &Served, token: &str) -> Result<McpClient, String> {
    connect(served, Some(token)).await
}

async fn call(client: &McpClient, tool: &str, args: Value) -> Value {
    result_json(&call_tool(client, tool, args).await)
}

fn ship(imo: &str, name: &str) -> Value {
    json!({
        "imo_number": imo, "vessel_name": name, "vessel_type": "cargo", "flag_code": "NO",
        "operational_status": "active"
    })
}

#[tokio::test]
async fn initialize_needs_the_token_of_the_secrets_file() {
    let (upstream, served) = served().await;
    assert!(client(&served, "sk-mcp-wrong").await.is_err());
    let resp = reqwest::Client::new()
        .post(format!("{}/mcp", served.url()))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(
        resp.headers()["www-authenticate"],
        "Bearer realm=\"shipyard-tools\""
    );
    let client = client(&served, MCP_TOKEN).await.expect("initialize");
    let tools = client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["list-ships", "get-ship"]);
    let schema = |i: usize| Value::Object((*tools[i].input_schema).clone());
    assert_eq!(schema(0)["properties"]["status"]["type"], "string");
    assert!(
        !schema(0)["required"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("status")))
    );
    assert_eq!(schema(1)["required"], json!(["imo"]));
    assert_eq!(upstream.count(), 0);
}

#[tokio::test]
async fn tools_call_the_registry_with_its_bearer_token_and_version() {
    let (upstream, served) = served().await;
    let client = client(&served, MCP_TOKEN).await.expect("initialize");
    upstream.push(Scripted::json(
        200,
        &json!([
            ship("IMO-9321483", "Northern Star"),
            ship("IMO-9456712", "Aurora")
        ]),
    ));
    let ships = call(&client, "list-ships", json!({})).await;
    assert_eq!(
        ships[0],
        json!({"imo": "IMO-9321483", "name": "Northern Star", "type": "cargo", "flag": "NO", "status": "active"})
    );
    assert_eq!(ships.as_array().map(Vec::len), Some(2));
    let r = upstream.only_request();
    assert_eq!(r.path(), "/ships");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {REGISTRY_TOKEN}").as_str())
    );
    assert_eq!(r.header("registry-version"), Some(REGISTRY_VERSION));
    upstream.clear();
    upstream.push(Scripted::json(200, &ship("IMO-9321483", "Northern Star")));
    let one = call(&client, "get-ship", json!({"imo": "IMO-9321483"})).await;
    assert_eq!(one["imo"], "IMO-9321483");
    assert_eq!(upstream.only_request().path(), "/ships/IMO-9321483");
}
