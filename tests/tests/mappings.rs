//! Issue 9: `mapping` on exposed inputs (`tests/specs/mappings.yaml`): where each input goes in
//! the consumed request, checked on the wire with the official rmcp client and a recording
//! upstream.

use naftiko_tests::mcp_client::{McpClient, call_tool, serve_and_connect};
use naftiko_tests::{Scripted, Served, Upstream};
use rmcp::model::CallToolResult;
use serde_json::{Value, json};
use std::time::Duration;

mod mappings {
    naftiko_runtime::naftiko_capability!("specs/mappings.yaml");
}

async fn setup() -> (Upstream, Served, McpClient) {
    let upstream = Upstream::start().await;
    let catalog = mappings::catalog::Client::builder()
        .base_uri(upstream.url())
        .var("CATALOG_REGION", "eu-west")
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let (served, client) = serve_and_connect(mappings::mappings_mcp::server(mappings::Upstreams {
        catalog,
    }))
    .await;
    (upstream, served, client)
}

async fn call(client: &McpClient, tool: &str, args: Value) -> CallToolResult {
    call_tool(client, tool, args).await
}

#[tokio::test]
async fn body_mappings_build_the_json_body_leaving_absent_optional_fields_out() {
    let (upstream, _served, client) = setup().await;
    upstream.push(Scripted::json(201, &json!({"ok": true})));
    let r = call(
        &client,
        "create-integration",
        json!({"name": "s3", "provider": "aws", "enabled": true}),
    )
    .await;
    assert_ne!(r.is_error, Some(true), "{r:#?}");
    let sent = upstream.only_request();
    assert_eq!(sent.path(), "/integrations");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({"name": "s3", "settings": {"provider": "aws"}, "enabled": true})
    );
    upstream.clear();

    upstream.push(Scripted::json(201, &json!({"ok": true})));
    call(
        &client,
        "create-integration",
        json!({"name": "gcs", "provider": "gcp"}),
    )
    .await;
    assert_eq!(
        upstream.only_request().json(),
        json!({"name": "gcs", "settings": {"provider": "gcp"}})
    );
}

#[tokio::test]
async fn path_and_query_mappings_feed_parameters_of_other_names() {
    let (upstream, _served, client) = setup().await;
    upstream.push(Scripted::json(200, &json!({"name": "a/b"})));
    call(
        &client,
        "get-integration",
        json!({"integration": "a/b", "detail": "full"}),
    )
    .await;
    let sent = upstream.only_request();
    assert_eq!(sent.path(), "/integrations/a%2Fb");
    assert_eq!(sent.query_pairs(), vec!["verbose=full".to_string()]);
    // `with` values read from a bind, alone and with text around it.
    assert_eq!(sent.header("x-region"), Some("eu-west"));
    assert_eq!(sent.header("x-tenant"), Some("tenant-eu-west-1"));
}

#[test]
fn a_missing_bind_read_by_a_with_value_is_a_start_up_error_naming_it() {
    let e = mappings::catalog::Client::builder()
        .env_source(|_| None)
        .build()
        .expect_err("CATALOG_REGION is missing");
    assert!(e.to_string().contains("CATALOG_REGION"), "{e}");
}

#[tokio::test]
async fn the_tools_take_the_declared_inputs() {
    let (_upstream, _served, client) = setup().await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let create = tools
        .iter()
        .find(|t| t.name == "create-integration")
        .expect("create-integration");
    let schema = Value::Object((*create.input_schema).clone());
    assert_eq!(schema["required"], json!(["name", "provider"]));
    assert_eq!(schema["properties"]["enabled"]["type"], "boolean");
}
