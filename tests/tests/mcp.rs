//! Issue 5: the generated MCP adapter over streamable HTTP, driven by rmcp's own client, in
//! front of a recording upstream.

use naftiko_runtime::mcp::HttpOptions;
use naftiko_runtime::serve::CancellationToken;
use naftiko_tests::{
    RawResponse, Scripted, Served, TOKEN, Upstream, Upstreams, client, client_builder,
    m3ter_billjob_mcp, raw_http, serve_with, unused_port,
};
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientConfig, ErrorCode, ProtocolVersion, Tool, object,
};
use rmcp::service::{RoleClient, RunningService, ServiceError};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{ClientLifecycleMode, ClientServiceExt, ServiceExt};
use serde_json::{Value, json};
use std::time::Duration;

type McpClient = RunningService<RoleClient, ClientConfig>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Sessions,
    Stateless,
}

/// The MCP adapter in front of `client`, with the given transport options.
async fn mcp_server(client: naftiko_tests::m3ter_billjob::Client, options: HttpOptions) -> Served {
    let server = m3ter_billjob_mcp::server(Upstreams {
        m3ter_billjob: client,
    });
    let stop = CancellationToken::new();
    let router = naftiko_runtime::mcp::router(server, &options, stop.child_token());
    serve_with(stop, router).await
}

async fn setup(mode: Mode) -> (Upstream, Served) {
    let upstream = Upstream::start().await;
    let options = HttpOptions {
        stateless: mode == Mode::Stateless,
        ..Default::default()
    };
    let served = mcp_server(client(&upstream.url()), options).await;
    (upstream, served)
}

fn endpoint(served: &Served) -> String {
    format!("{}/mcp", served.url())
}

/// A client that uses the `initialize` handshake with `version` (2025-11-25, 2025-06-18, ...).
async fn legacy_client(served: &Served, version: ProtocolVersion) -> McpClient {
    let mut info = ClientConfig::default();
    info.protocol_version = version.clone();
    info.serve(StreamableHttpClientTransport::from_uri(endpoint(served)))
        .await
        .unwrap_or_else(|e| panic!("initialize with {version}: {e}"))
}

/// A client of the 2026-07-28 generation (`server/discover`, no handshake).
async fn modern_client(served: &Served) -> McpClient {
    ClientConfig::default()
        .serve_with_lifecycle(
            StreamableHttpClientTransport::from_uri(endpoint(served)),
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .unwrap_or_else(|e| panic!("discover: {e}"))
}

async fn call(client: &McpClient, tool: &str, args: Value) -> Result<CallToolResult, ServiceError> {
    client
        .call_tool(CallToolRequestParams::new(tool.to_string()).with_arguments(object(args)))
        .await
}

async fn call_ok(client: &McpClient, tool: &str, args: Value) -> CallToolResult {
    call(client, tool, args)
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"))
}

/// The structured content of a successful result, checked against its text block.
fn success(result: &CallToolResult) -> Value {
    assert_ne!(result.is_error, Some(true), "{result:#?}");
    let structured = result
        .structured_content
        .clone()
        .expect("structuredContent");
    let text = result
        .content
        .iter()
        .find_map(|c| c.as_text())
        .map(|t| t.text.clone())
        .expect("a text block");
    let from_text: Value = serde_json::from_str(&text).expect("the text block is the JSON");
    // Results that are not objects are under `result` in structuredContent only.
    if from_text.is_object() {
        assert_eq!(from_text, structured);
    } else {
        assert_eq!(json!({ "result": from_text }), structured);
    }
    structured
}

fn error_text(result: &CallToolResult) -> String {
    assert_eq!(result.is_error, Some(true), "{result:#?}");
    result
        .content
        .iter()
        .filter_map(|c| c.as_text())
        .map(|t| t.text.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

fn job(id: &str) -> Value {
    json!({"id": id, "version": 1, "status": "PENDING", "type": "CREATE"})
}

// ---------------------------------------------------------------------------------------------
// Tool definitions
// ---------------------------------------------------------------------------------------------

struct ExpectedTool {
    name: &'static str,
    description: &'static str,
    read_only: bool,
    idempotent: bool,
    args: &'static [(&'static str, &'static str)],
    required: &'static [&'static str],
}

const TOOLS: &[ExpectedTool] = &[
    ExpectedTool {
        name: "list-billjobs",
        description: "List BillJobs",
        read_only: true,
        idempotent: true,
        args: &[
            ("orgId", "string"),
            ("pageSize", "integer"),
            ("nextToken", "string"),
            ("active", "string"),
            ("status", "string"),
        ],
        required: &["orgId"],
    },
    ExpectedTool {
        name: "create-billjob",
        description: "Create BillJob",
        read_only: false,
        idempotent: false,
        args: &[("orgId", "string"), ("body", "object")],
        required: &["orgId", "body"],
    },
    ExpectedTool {
        name: "create-recalculation-billjob",
        description: "Create Recalculation BillJob",
        read_only: false,
        idempotent: false,
        args: &[("orgId", "string"), ("body", "object")],
        required: &["orgId", "body"],
    },
    ExpectedTool {
        name: "retrieve-billjob",
        description: "Retrieve BillJob",
        read_only: true,
        idempotent: true,
        args: &[("orgId", "string"), ("id", "string")],
        required: &["orgId", "id"],
    },
    ExpectedTool {
        name: "cancel-billjob",
        description: "Cancel BillJob",
        read_only: false,
        idempotent: false,
        args: &[("orgId", "string"), ("id", "string")],
        required: &["orgId", "id"],
    },
];

fn assert_tools_match_the_spec(tools: &[Tool]) {
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort();
    let mut expected: Vec<&str> = TOOLS.iter().map(|t| t.name).collect();
    expected.sort();
    assert_eq!(names, expected);

    for e in TOOLS {
        let tool = tools
            .iter()
            .find(|t| t.name == e.name)
            .unwrap_or_else(|| panic!("{} missing", e.name));
        assert_eq!(
            tool.description.as_deref(),
            Some(e.description),
            "{}",
            e.name
        );
        let a = tool
            .annotations
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no annotations", e.name));
        assert_eq!(
            a.read_only_hint,
            Some(e.read_only),
            "{} readOnlyHint",
            e.name
        );
        assert_eq!(
            a.destructive_hint,
            Some(false),
            "{} destructiveHint",
            e.name
        );
        assert_eq!(
            a.idempotent_hint,
            Some(e.idempotent),
            "{} idempotentHint",
            e.name
        );
        assert_eq!(a.open_world_hint, Some(true), "{} openWorldHint", e.name);

        let schema = Value::Object((*tool.input_schema).clone());
        assert_eq!(schema["type"], "object", "{}", e.name);
        assert_eq!(schema["additionalProperties"], false, "{}", e.name);
        let props = schema["properties"].as_object().expect("properties");
        let mut got: Vec<(&str, &str)> = props
            .iter()
            .map(|(k, v)| (k.as_str(), v["type"].as_str().unwrap_or("(untyped)")))
            .collect();
        got.sort();
        let mut want = e.args.to_vec();
        want.sort();
        assert_eq!(got, want, "{} properties", e.name);
        for (name, p) in props {
            assert!(
                p["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{}: `{name}` has no description",
                e.name
            );
        }
        let mut required: Vec<&str> = schema["required"]
            .as_array()
            .expect("required")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        required.sort();
        let mut want_required = e.required.to_vec();
        want_required.sort();
        assert_eq!(required, want_required, "{} required", e.name);
    }
}

#[tokio::test]
async fn lists_five_tools_with_spec_annotations_and_closed_schemas() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = legacy_client(&served, ProtocolVersion::V_2025_11_25).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert_tools_match_the_spec(&tools);
    assert_eq!(upstream.count(), 0);
    let _ = client.cancel().await;
}

// ---------------------------------------------------------------------------------------------
// Both protocol generations, both transport modes
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn every_protocol_generation_lists_and_calls_tools_in_both_modes() {
    for mode in [Mode::Sessions, Mode::Stateless] {
        for version in [
            ProtocolVersion::V_2026_07_28,
            ProtocolVersion::V_2025_11_25,
            ProtocolVersion::V_2025_06_18,
        ] {
            let (upstream, served) = setup(mode).await;
            let client = if version == ProtocolVersion::V_2026_07_28 {
                modern_client(&served).await
            } else {
                legacy_client(&served, version.clone()).await
            };
            let ctx = format!("{mode:?} {version}");
            let info = client
                .peer_info()
                .unwrap_or_else(|| panic!("{ctx}: no peer info"));
            assert_eq!(info.protocol_version, version, "{ctx}");
            assert_eq!(
                info.server_info.as_ref().map(|s| s.name.as_str()),
                Some("m3ter-billjob-mcp"),
                "{ctx}"
            );
            // Only what is served is advertised: tools, and logging (`logging/setLevel`).
            let caps = &info.capabilities;
            assert!(caps.tools.is_some(), "{ctx}: {caps:?}");
            assert!(caps.logging.is_some(), "{ctx}: {caps:?}");
            assert!(
                caps.resources.is_none() && caps.prompts.is_none() && caps.completions.is_none(),
                "{ctx}: {caps:?}"
            );

            let tools = client
                .list_all_tools()
                .await
                .unwrap_or_else(|e| panic!("{ctx}: {e}"));
            assert_tools_match_the_spec(&tools);

            upstream.push(Scripted::json(200, &job("bj-123")));
            let result = call_ok(
                &client,
                "retrieve-billjob",
                json!({"orgId": "org-123", "id": "bj-123"}),
            )
            .await;
            assert_eq!(success(&result), job("bj-123"), "{ctx}");
            assert_eq!(
                upstream.only_request().target,
                "/organizations/org-123/billjobs/bj-123",
                "{ctx}"
            );

            let err = call(&client, "no-such-tool", json!({}))
                .await
                .expect_err("unknown tool");
            assert!(
                matches!(&err, ServiceError::McpError(e) if e.code == ErrorCode::INVALID_PARAMS),
                "{ctx}: {err:?}"
            );
            let _ = client.cancel().await;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Each tool against the upstream
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_tool_sends_typed_query_and_returns_the_page() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    let page = json!({"data": [job("bj-1")], "nextToken": "page-2"});
    upstream.push(Scripted::json(200, &page));

    let result = call_ok(
        &client,
        "list-billjobs",
        json!({"orgId": "org-123", "pageSize": 2, "status": "RUNNING", "active": "TRUE", "nextToken": "abc/def+ghi="}),
    )
    .await;

    assert_eq!(success(&result), page);
    let r = upstream.only_request();
    assert_eq!(r.method, "GET");
    assert_eq!(r.path(), "/organizations/org-123/billjobs");
    assert_eq!(
        r.query_pairs(),
        [
            "active=TRUE",
            "nextToken=abc%2Fdef%2Bghi%3D",
            "pageSize=2",
            "status=RUNNING"
        ]
    );
    assert_eq!(r.header_all("authorization"), [format!("Bearer {TOKEN}")]);
    assert!(!r.has_body());
}

#[tokio::test]
async fn list_tool_with_only_org_id_sends_no_query_and_accepts_integral_floats() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    call_ok(&client, "list-billjobs", json!({"orgId": "org-123"})).await;
    call_ok(
        &client,
        "list-billjobs",
        json!({"orgId": "org-123", "pageSize": 3.0}),
    )
    .await;
    let targets: Vec<String> = upstream.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [
            "/organizations/org-123/billjobs",
            "/organizations/org-123/billjobs?pageSize=3"
        ]
    );
}

#[tokio::test]
async fn create_tool_posts_the_body_and_returns_the_job() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    upstream.push(Scripted::json(200, &job("bj-new")));
    let body = json!({"accountIds": ["acc-1"], "billingFrequency": "MONTHLY", "currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": 1.12}]});

    let result = call_ok(
        &client,
        "create-billjob",
        json!({"orgId": "org-123", "body": body}),
    )
    .await;

    assert_eq!(success(&result), job("bj-new"));
    let r = upstream.only_request();
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/organizations/org-123/billjobs")
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), body);
}

#[tokio::test]
async fn recalculation_tool_posts_bill_ids() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    let answer = json!({"id": "bj-r", "type": "RECALCULATE"});
    upstream.push(Scripted::json(200, &answer));
    let body = json!({"billIds": ["bill-1", "bill-2"], "version": 1});

    let result = call_ok(
        &client,
        "create-recalculation-billjob",
        json!({"orgId": "org-123", "body": body}),
    )
    .await;

    assert_eq!(success(&result), answer);
    let r = upstream.only_request();
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/organizations/org-123/billjobs/recalculate")
    );
    assert_eq!(r.json(), body);
}

#[tokio::test]
async fn retrieve_tool_gets_the_job() {
    let (upstream, served) = setup(Mode::Stateless).await;
    let client = modern_client(&served).await;
    upstream.push(Scripted::json(200, &job("bj-123")));

    let result = call_ok(
        &client,
        "retrieve-billjob",
        json!({"orgId": "org-123", "id": "bj-123"}),
    )
    .await;

    assert_eq!(success(&result), job("bj-123"));
    let r = upstream.only_request();
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/organizations/org-123/billjobs/bj-123")
    );
    assert!(!r.has_body());
}

#[tokio::test]
async fn cancel_tool_posts_without_body() {
    let (upstream, served) = setup(Mode::Stateless).await;
    let client = modern_client(&served).await;
    let cancelled = json!({"id": "bj-123", "status": "CANCELLED", "version": 2});
    upstream.push(Scripted::json(200, &cancelled));

    let result = call_ok(
        &client,
        "cancel-billjob",
        json!({"orgId": "org-123", "id": "bj-123"}),
    )
    .await;

    assert_eq!(success(&result), cancelled);
    let r = upstream.only_request();
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/organizations/org-123/billjobs/bj-123/cancel")
    );
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
}

#[tokio::test]
async fn hostile_ids_stay_inside_one_upstream_segment() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    call_ok(
        &client,
        "retrieve-billjob",
        json!({"orgId": "a/b", "id": "../x?y#z"}),
    )
    .await;
    assert_eq!(
        upstream.only_request().target,
        "/organizations/a%2Fb/billjobs/..%2Fx%3Fy%23z"
    );
}

#[tokio::test]
async fn non_object_upstream_json_is_wrapped_as_structured_content() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    upstream.push(Scripted::json(200, &json!([1, 2])));
    let result = call_ok(&client, "list-billjobs", json!({"orgId": "o"})).await;
    assert_eq!(success(&result), json!({"result": [1, 2]}));
}

// ---------------------------------------------------------------------------------------------
// Upstream failures: results with isError, not protocol errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn upstream_not_found_is_an_error_result_with_m3ters_message() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    upstream.push(Scripted::message(404, "BillJob missing not found"));

    let result = call_ok(
        &client,
        "retrieve-billjob",
        json!({"orgId": "org-123", "id": "missing"}),
    )
    .await;

    let text = error_text(&result);
    assert!(
        text.contains("404") && text.contains("BillJob missing not found"),
        "{text}"
    );
    let structured = result.structured_content.clone().expect("structured error");
    assert_eq!(structured["error"]["status"], 404);
    assert_eq!(
        structured["error"]["upstream"]["message"],
        "BillJob missing not found"
    );
    assert_eq!(upstream.count(), 1);
}

#[tokio::test]
async fn upstream_rate_limit_on_create_is_an_error_result_that_says_when_to_retry() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    upstream.push(
        Scripted::message(429, "10 BillJobs are already running").header("Retry-After", "30"),
    );

    let result = call_ok(
        &client,
        "create-billjob",
        json!({"orgId": "org-123", "body": {}}),
    )
    .await;

    let text = error_text(&result);
    assert!(
        text.contains("429") && text.contains("10 BillJobs are already running"),
        "{text}"
    );
    assert!(text.contains("30"), "should say when to retry: {text}");
    assert_eq!(upstream.count(), 1, "a create is never resent");
}

#[tokio::test]
async fn unreachable_and_slow_upstreams_are_error_results() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::json(200, &json!({})).delay(Duration::from_secs(30)));
    let slow = mcp_server(
        client_builder(&upstream.url())
            .timeout(Duration::from_millis(300))
            .max_retries(0)
            .build()
            .expect("client"),
        HttpOptions::default(),
    )
    .await;
    let down = mcp_server(
        client_builder(&format!("http://127.0.0.1:{}", unused_port()))
            .max_retries(0)
            .build()
            .expect("client"),
        HttpOptions::default(),
    )
    .await;

    let args = json!({"orgId": "org-123", "id": "bj-1"});
    let client = modern_client(&down).await;
    let text = error_text(&call_ok(&client, "retrieve-billjob", args.clone()).await);
    assert!(text.contains("cannot reach"), "{text}");
    assert!(!text.contains(TOKEN));

    let client = modern_client(&slow).await;
    let text = error_text(&call_ok(&client, "cancel-billjob", args).await);
    assert!(text.contains("300 ms"), "{text}");
    assert!(!text.contains(TOKEN));
}

// ---------------------------------------------------------------------------------------------
// Invalid calls: JSON-RPC invalid params, nothing sent
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn invalid_arguments_are_invalid_params_naming_the_argument() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    let cases = [
        ("retrieve-billjob", json!({"orgId": "org-123"}), "id"),
        ("retrieve-billjob", json!({}), "orgId"),
        ("cancel-billjob", json!({"id": "bj-1"}), "orgId"),
        ("create-billjob", json!({"orgId": "org-123"}), "body"),
        (
            "list-billjobs",
            json!({"orgId": "org-123", "pageSize": "2"}),
            "pageSize",
        ),
        (
            "list-billjobs",
            json!({"orgId": "org-123", "pageSize": 1.5}),
            "pageSize",
        ),
        (
            "list-billjobs",
            json!({"orgId": "org-123", "pageSize": null}),
            "pageSize",
        ),
        ("list-billjobs", json!({"orgId": 123}), "orgId"),
        (
            "list-billjobs",
            json!({"orgId": "org-123", "active": true}),
            "active",
        ),
        (
            "create-billjob",
            json!({"orgId": "org-123", "body": [1]}),
            "body",
        ),
        (
            "create-billjob",
            json!({"orgId": "org-123", "body": "{}"}),
            "body",
        ),
        (
            "create-recalculation-billjob",
            json!({"orgId": "org-123", "body": null}),
            "body",
        ),
        (
            "retrieve-billjob",
            json!({"orgId": "org-123", "id": "bj-1", "extra": 1}),
            "extra",
        ),
        (
            "list-billjobs",
            json!({"orgId": "org-123", "page_size": 2}),
            "page_size",
        ),
    ];
    for (tool, args, argument) in cases {
        let err = call(&client, tool, args.clone())
            .await
            .expect_err(&format!("{tool} {args} should be refused"));
        let ServiceError::McpError(e) = &err else {
            panic!("{tool} {args}: expected a JSON-RPC error, got {err:?}");
        };
        assert_eq!(e.code, ErrorCode::INVALID_PARAMS, "{tool} {args}: {e:?}");
        assert!(
            e.message.contains(&format!("`{argument}`")),
            "{tool} {args}: message {:?} should name `{argument}`",
            e.message
        );
        assert_eq!(
            e.data.as_ref().and_then(|d| d["argument"].as_str()),
            Some(argument),
            "{tool} {args}"
        );
    }
    assert_eq!(upstream.count(), 0, "{:#?}", upstream.requests());
}

#[tokio::test]
async fn call_without_arguments_is_invalid_params_naming_the_first_required_argument() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    let err = client
        .call_tool(CallToolRequestParams::new("cancel-billjob"))
        .await
        .expect_err("no arguments");
    match err {
        ServiceError::McpError(e) => {
            assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
            assert!(e.message.contains("orgId"), "{}", e.message);
        }
        other => panic!("expected invalid params, got {other:?}"),
    }
    assert_eq!(upstream.count(), 0);
}

#[tokio::test]
async fn empty_or_dot_path_arguments_are_refused_before_sending() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = modern_client(&served).await;
    for (tool, args, argument) in [
        (
            "retrieve-billjob",
            json!({"orgId": "org-123", "id": ""}),
            "id",
        ),
        (
            "cancel-billjob",
            json!({"orgId": "org-123", "id": ".."}),
            "id",
        ),
        ("list-billjobs", json!({"orgId": "."}), "orgId"),
    ] {
        // Schema-valid (strings), so either invalid params or an error result naming it.
        match call(&client, tool, args.clone()).await {
            Ok(result) => {
                let text = error_text(&result);
                assert!(
                    text.contains(&format!("`{argument}`")),
                    "{tool} {args}: {text}"
                );
            }
            Err(ServiceError::McpError(e)) => {
                assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
                assert!(e.message.contains(argument), "{}", e.message);
            }
            Err(other) => panic!("{tool} {args}: {other:?}"),
        }
    }
    assert_eq!(upstream.count(), 0, "{:#?}", upstream.requests());
}

#[tokio::test]
async fn unknown_tool_is_invalid_params_naming_it() {
    let (upstream, served) = setup(Mode::Sessions).await;
    let client = legacy_client(&served, ProtocolVersion::V_2025_11_25).await;
    let err = call(&client, "delete-billjob", json!({"orgId": "o", "id": "x"}))
        .await
        .expect_err("unknown tool");
    match err {
        ServiceError::McpError(e) => {
            assert_eq!(e.code, ErrorCode::INVALID_PARAMS);
            assert!(e.message.contains("delete-billjob"), "{}", e.message);
        }
        other => panic!("expected invalid params, got {other:?}"),
    }
    assert_eq!(upstream.count(), 0);
}

// ---------------------------------------------------------------------------------------------
// DNS-rebinding protection
// ---------------------------------------------------------------------------------------------

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw-test","version":"0"}}}"#;

/// A raw `initialize` POST with the given `Host` and optional `Origin`.
async fn raw_initialize(served: &Served, host: &str, origin: Option<&str>) -> RawResponse {
    let mut request = format!(
        "POST /mcp HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\n",
        INITIALIZE.len()
    );
    if let Some(o) = origin {
        request.push_str(&format!("Origin: {o}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(INITIALIZE);
    tokio::time::timeout(
        Duration::from_secs(20),
        raw_http(served.addr, request.as_bytes()),
    )
    .await
    .unwrap_or_else(|_| panic!("no complete answer for Host {host}"))
}

fn assert_accepted(resp: &RawResponse, what: &str) {
    assert_eq!(resp.status, 200, "{what}: {}", resp.text());
    assert!(
        resp.text().contains("\"protocolVersion\""),
        "{what}: {}",
        resp.text()
    );
}

fn assert_refused(resp: &RawResponse, what: &str) {
    assert!(
        (400..500).contains(&resp.status),
        "{what} should be refused, got {} {}",
        resp.status,
        resp.text()
    );
    assert!(
        !resp.text().contains("\"protocolVersion\""),
        "{what}: {}",
        resp.text()
    );
}

#[tokio::test]
async fn foreign_host_or_origin_is_refused_and_local_ones_accepted() {
    for mode in [Mode::Sessions, Mode::Stateless] {
        let (upstream, served) = setup(mode).await;
        let port = served.addr.port();
        let local = format!("127.0.0.1:{port}");
        assert_accepted(&raw_initialize(&served, &local, None).await, "local Host");
        assert_accepted(
            &raw_initialize(
                &served,
                &format!("localhost:{port}"),
                Some(&format!("http://localhost:{port}")),
            )
            .await,
            "localhost with a local Origin",
        );
        assert_refused(
            &raw_initialize(&served, "evil.example.com", None).await,
            "Host evil.example.com",
        );
        assert_refused(
            &raw_initialize(&served, &format!("evil.example.com:{port}"), None).await,
            "Host evil.example.com with port",
        );
        assert_refused(
            &raw_initialize(&served, &local, Some("http://evil.example.com")).await,
            "Origin evil.example.com",
        );
        assert_refused(
            &raw_initialize(&served, "gw.example.com", None).await,
            "Host gw.example.com without the option",
        );
        assert_eq!(upstream.count(), 0);
    }
}

#[tokio::test]
async fn allowed_hosts_option_accepts_the_proxy_host_only() {
    for stateless in [false, true] {
        let upstream = Upstream::start().await;
        let served = mcp_server(
            client(&upstream.url()),
            HttpOptions {
                stateless,
                allowed_hosts: vec!["gw.example.com".into()],
                ..Default::default()
            },
        )
        .await;
        assert_accepted(
            &raw_initialize(&served, "gw.example.com", None).await,
            "Host gw.example.com",
        );
        assert_accepted(
            &raw_initialize(
                &served,
                "gw.example.com:8443",
                Some("https://gw.example.com"),
            )
            .await,
            "Host gw.example.com:8443 with its Origin",
        );
        assert_accepted(
            &raw_initialize(&served, &format!("127.0.0.1:{}", served.addr.port()), None).await,
            "local Host still",
        );
        assert_refused(
            &raw_initialize(&served, "evil.example.com", None).await,
            "Host evil.example.com",
        );
        assert_refused(
            &raw_initialize(&served, "gw.example.com", Some("https://evil.example.com")).await,
            "foreign Origin",
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The billjob server: REST and MCP from one process
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn billjob_serves_rest_and_mcp_from_one_process_and_stops_on_shutdown() {
    let rest_port = unused_port();
    let mcp_port = loop {
        let p = unused_port();
        if p != rest_port {
            break p;
        }
    };
    let options = billjob::Options {
        rest_addr: Some(format!("127.0.0.1:{rest_port}")),
        mcp_addr: Some(format!("127.0.0.1:{mcp_port}")),
        sandbox: true,
        control_addr: Some("127.0.0.1:0".into()),
        sandbox_step: Duration::from_secs(600),
        ..Default::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(billjob::cli::run_until(options, async move {
        let _ = stopped.await;
    }));

    // Wait until REST answers, with a deadline.
    let http = naftiko_runtime::reqwest::Client::new();
    let rest = format!("http://127.0.0.1:{rest_port}");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(r) = http.get(format!("{rest}/healthz")).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(
            !server.is_finished(),
            "billjob exited early: {:?}",
            server.await
        );
        assert!(
            tokio::time::Instant::now() < deadline,
            "billjob did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // Create through REST...
    let created: Value = http
        .post(format!("{rest}/v1/organizations/org-1/billjobs"))
        .json(&json!({"accountIds": ["acc-1"]}))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("JSON");
    let id = created["id"].as_str().expect("id").to_string();

    // ...and see it through MCP: both adapters share the one upstream.
    let transport =
        StreamableHttpClientTransport::from_uri(format!("http://127.0.0.1:{mcp_port}/mcp"));
    let client = ClientConfig::default()
        .serve_with_lifecycle(
            transport,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .expect("discover");
    let result = call_ok(
        &client,
        "retrieve-billjob",
        json!({"orgId": "org-1", "id": id}),
    )
    .await;
    assert_eq!(success(&result)["id"], id.as_str());
    let result = call_ok(
        &client,
        "cancel-billjob",
        json!({"orgId": "org-1", "id": id}),
    )
    .await;
    assert_eq!(success(&result)["status"], "CANCELLED");
    let _ = client.cancel().await;

    let _ = stop.send(());
    let outcome = tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("billjob stops after shutdown")
        .expect("billjob task");
    assert_eq!(outcome, Ok(()));
}
