//! Issue 9: output shaping on the wire. `tests/specs/shapes.yaml` is served on REST and MCP in
//! front of a recording upstream: arrays of shaped objects, nested objects without `mapping`,
//! several named outputs, `const`, typed values, and mock mode (no upstream at all).

use naftiko_runtime::reqwest;
use naftiko_tests::mcp_client::{McpClient, call_tool, serve_and_connect};
use naftiko_tests::{Scripted, Served, Upstream, serve};
use rmcp::model::CallToolResult;
use serde_json::{Value, json};
use std::time::Duration;

mod shapes {
    naftiko_runtime::naftiko_capability!("specs/shapes.yaml");
}
use shapes::{Upstreams, registry, shapes_mcp, shapes_rest};

fn upstreams(url: &str) -> Upstreams {
    Upstreams {
        registry: registry::Client::builder()
            .base_uri(url)
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    }
}

async fn rest() -> (Upstream, Served) {
    let upstream = Upstream::start().await;
    let served = serve(shapes_rest::router(upstreams(&upstream.url()))).await;
    (upstream, served)
}

async fn get(served: &Served, path: &str) -> (u16, Value) {
    let resp = reqwest::get(format!("{}{path}", served.url()))
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let body = resp.json().await.expect("a JSON body");
    (status, body)
}

fn ship(imo: &str, name: &str) -> Value {
    json!({
        "imo_number": imo, "vessel_name": name, "vessel_type": "cargo",
        "gross_tonnage": 52000, "dimensions": {"length_overall": 300.5},
        "year_built": "2009", "port_calls": [{"port": "Oslo"}, {"port": "Kiel"}],
        "secret_field": "not mapped"
    })
}

#[tokio::test]
async fn an_array_of_shaped_objects_keeps_only_the_mapped_fields() {
    let (upstream, served) = rest().await;
    upstream.push(Scripted::json(
        200,
        &json!({"data": [ship("IMO-1", "Northern Star"), ship("IMO-2", "Aurora")], "nextToken": "t"}),
    ));
    let (status, body) = get(&served, "/ships?status=active").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!([{"imo": "IMO-1", "name": "Northern Star"}, {"imo": "IMO-2", "name": "Aurora"}])
    );
    let r = upstream.only_request();
    assert_eq!(r.path(), "/ships");
    assert_eq!(r.query_pairs(), vec!["status=active".to_string()]);
}

#[tokio::test]
async fn a_nested_object_without_mapping_reads_from_the_same_answer() {
    let (upstream, served) = rest().await;
    upstream.push(Scripted::json(200, &ship("IMO-9321483", "Northern Star")));
    let (status, body) = get(&served, "/ships/IMO-9321483").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"imo": "IMO-9321483", "kind": "ship", "specs": {"tonnage": 52000, "length": 300.5}})
    );
    assert_eq!(upstream.only_request().path(), "/ships/IMO-9321483");
}

#[tokio::test]
async fn several_outputs_are_the_fields_of_one_object_typed_as_declared() {
    let (upstream, served) = rest().await;
    upstream.push(Scripted::json(200, &ship("IMO-1", "Aurora")));
    let (status, body) = get(&served, "/ships/IMO-1/summary").await;
    assert_eq!(status, 200);
    // `year_built` is the text "2009" upstream and an integer by the spec; `[*]` is an array.
    assert_eq!(
        body,
        json!({"name": "Aurora", "builtIn": 2009, "ports": ["Oslo", "Kiel"]})
    );
}

#[tokio::test]
async fn typed_results_deserialize_what_the_adapters_answer() {
    let (upstream, served) = rest().await;
    upstream.push(Scripted::json(200, &ship("IMO-7", "Vega")));
    let (_, body) = get(&served, "/ships/IMO-7").await;
    let typed: shapes_rest::GetShipOutput = serde_json::from_value(body).expect("typed");
    assert_eq!(typed.imo.as_deref(), Some("IMO-7"));
    assert_eq!(typed.kind, "ship");
    assert_eq!(typed.specs.tonnage, Some(52000.0));
    upstream.push(Scripted::json(200, &ship("IMO-8", "Lyra")));
    let (_, body) = get(&served, "/ships/IMO-8/summary").await;
    let typed: shapes_rest::ShipSummaryOutput = serde_json::from_value(body).expect("typed");
    assert_eq!(typed.built_in, Some(2009));
    assert_eq!(typed.ports, vec![json!("Oslo"), json!("Kiel")]);
}

#[tokio::test]
async fn the_typed_client_returns_the_consumed_operations_declared_outputs() {
    let upstream = Upstream::start().await;
    let client = upstreams(&upstream.url()).registry;
    upstream.push(Scripted::json(200, &ship("IMO-5", "Orion")));
    let out: registry::GetShipOutput = client.get_ship_output("IMO-5").await.expect("typed");
    assert_eq!(out.imo.as_deref(), Some("IMO-5"));
    assert_eq!(out.tonnage, Some(52000.0));
    // An answer that does not fit is a decode error naming the field, not a panic.
    upstream.push(Scripted::json(
        200,
        &json!({"imo_number": true, "gross_tonnage": "x"}),
    ));
    let e = client.get_ship_output("IMO-6").await.expect_err("misfit");
    assert!(e.to_string().contains("`tonnage` must be a number"), "{e}");
}

#[tokio::test]
async fn missing_fields_are_null_and_a_misfit_is_a_502_naming_the_field() {
    let (upstream, served) = rest().await;
    upstream.push(Scripted::json(200, &json!({"imo_number": "IMO-1"})));
    let (status, body) = get(&served, "/ships/IMO-1").await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"imo": "IMO-1", "kind": "ship", "specs": {"tonnage": null, "length": null}})
    );
    upstream.push(Scripted::json(
        200,
        &json!({"imo_number": "IMO-1", "gross_tonnage": {"value": 1}}),
    ));
    let (status, body) = get(&served, "/ships/IMO-1").await;
    assert_eq!(status, 502);
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("`specs.tonnage` must be a number, found an object"),
        "{body}"
    );
}

#[tokio::test]
async fn upstream_errors_pass_through_unshaped() {
    let (upstream, served) = rest().await;
    upstream.push(Scripted::json(404, &json!({"message": "no such ship"})));
    let (status, body) = get(&served, "/ships/IMO-404").await;
    assert_eq!(status, 404);
    assert_eq!(body, json!({"message": "no such ship"}));
}

#[tokio::test]
async fn mock_mode_answers_from_values_without_any_upstream() {
    // The client points at a port nothing listens on: mock mode must not call it.
    let served = serve(shapes_rest::router(upstreams(&format!(
        "http://127.0.0.1:{}",
        naftiko_tests::unused_port()
    ))))
    .await;
    let (status, body) = get(&served, "/hello/Alice?times=3").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"greeting": "Hello, Alice!", "times": 3}));
    // An absent optional input renders as nothing: null for a typed value.
    let (status, body) = get(&served, "/hello/Bob").await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"greeting": "Hello, Bob!", "times": null}));
    // A value that cannot be the declared type is the caller's mistake.
    let (status, body) = get(&served, "/hello/Eve?times=many").await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("`times` must be an integer")),
        "{body}"
    );
}

#[tokio::test]
async fn openapi_publishes_the_response_schemas() {
    let served = serve(shapes_rest::router(upstreams("http://127.0.0.1:9"))).await;
    let (_, doc) = get(&served, "/openapi.json").await;
    let ok = |path: &str| {
        doc["paths"][path]["get"]["responses"]["2XX"]["content"]["application/json"]["schema"]
            .clone()
    };
    let list = ok("/ships");
    assert_eq!(list["type"], json!(["array", "null"]));
    assert_eq!(
        list["items"]["properties"]["imo"],
        json!({"type": ["string", "null"], "description": "IMO number"})
    );
    assert_eq!(list["items"]["required"], json!(["imo", "name"]));
    let one = ok("/ships/{imo}");
    assert_eq!(
        one["properties"]["kind"],
        json!({"type": "string", "enum": ["ship"]})
    );
    assert_eq!(
        one["properties"]["specs"]["properties"]["tonnage"]["type"],
        json!(["number", "null"])
    );
    let hello = ok("/hello/{name}");
    // Typed from an input that may render as nothing: null is allowed.
    assert_eq!(
        hello["properties"]["times"],
        json!({"type": ["integer", "null"]})
    );
    assert_eq!(hello["properties"]["greeting"], json!({"type": "string"}));
}

// ---------------------------------------------------------------------------------------------
// MCP: outputSchema, and structuredContent that fits it
// ---------------------------------------------------------------------------------------------

async fn mcp() -> (Upstream, Served, McpClient) {
    let upstream = Upstream::start().await;
    let (served, client) = serve_and_connect(shapes_mcp::server(upstreams(&upstream.url()))).await;
    (upstream, served, client)
}

async fn call(client: &McpClient, tool: &str, args: Value) -> CallToolResult {
    call_tool(client, tool, args).await
}

#[tokio::test]
async fn tools_publish_output_schemas_and_results_fit_them() {
    let (upstream, _served, client) = mcp().await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let schema = |name: &str| {
        let t = tools.iter().find(|t| t.name == name).expect(name);
        Value::Object(
            t.output_schema
                .as_deref()
                .cloned()
                .expect("an outputSchema"),
        )
    };
    // An array result is under `result` in structuredContent, and its schema says so.
    let list = schema("list-ships");
    assert_eq!(list["type"], "object");
    assert_eq!(list["required"], json!(["result"]));
    assert_eq!(
        list["properties"]["result"]["type"],
        json!(["array", "null"])
    );
    let get = schema("get-ship");
    assert_eq!(get["type"], "object");
    assert_eq!(get["required"], json!(["imo", "specs"]));

    upstream.push(Scripted::json(200, &json!({"data": [ship("IMO-1", "A")]})));
    let r = call(&client, "list-ships", json!({})).await;
    assert_ne!(r.is_error, Some(true), "{r:#?}");
    assert_eq!(
        r.structured_content,
        Some(json!({"result": [{"imo": "IMO-1", "name": "A"}]}))
    );
    // The text block is the result itself, as the reference engine's tutorial tests read it.
    let text = r.content[0].as_text().expect("text").text.clone();
    assert_eq!(
        serde_json::from_str::<Value>(&text).expect("JSON"),
        json!([{"imo": "IMO-1", "name": "A"}])
    );

    upstream.push(Scripted::json(200, &ship("IMO-2", "B")));
    let r = call(&client, "get-ship", json!({"imo": "IMO-2"})).await;
    assert_eq!(
        r.structured_content,
        Some(json!({"imo": "IMO-2", "specs": {"tonnage": 52000}}))
    );
}

#[tokio::test]
async fn a_misfit_answer_is_an_error_result_naming_the_field() {
    let (upstream, _served, client) = mcp().await;
    upstream.push(Scripted::json(200, &json!({"imo_number": ["x"]})));
    let r = call(&client, "get-ship", json!({"imo": "IMO-2"})).await;
    assert_eq!(r.is_error, Some(true), "{r:#?}");
    let text = r.content[0].as_text().expect("text").text.clone();
    assert!(
        text.contains("`imo` must be a string, found an array"),
        "{text}"
    );
}

#[tokio::test]
async fn a_mock_tool_answers_without_upstream() {
    let (upstream, _served, client) = mcp().await;
    let r = call(&client, "hello", json!({"name": "Alice"})).await;
    assert_eq!(
        r.structured_content,
        Some(json!({"greeting": "Hello, Alice!"}))
    );
    assert_eq!(upstream.count(), 0);
}
