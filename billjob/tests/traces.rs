//! Traces (issue 11): the W3C `traceparent` a caller sends reaches m3ter on REST and MCP, and
//! with an OTLP collector configured billjob exports the span tree of each request to it (a
//! server span under the caller's, a client span per upstream exchange under that). The test
//! is both the upstream (recording the headers m3ter would get) and the collector (decoding
//! the OTLP/HTTP protobuf billjob posts to `/v1/traces`).

mod common;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use common::{Running, billjob, url_in};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN: &str = "00f067aa0ba902b7";

#[derive(Default)]
struct Seen {
    traceparents: Vec<String>,
    spans: Vec<Span>,
}

type Shared = Arc<Mutex<Seen>>;

/// The upstream (a BillJob for any id) and the collector, on one address.
async fn world() -> (String, Shared) {
    let seen = Shared::default();
    let app = Router::new()
        .route(
            "/organizations/{org}/billjobs/{id}",
            get(
                |State(seen): State<Shared>, headers: HeaderMap| async move {
                    let tp = headers
                        .get("traceparent")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    seen.lock().unwrap().traceparents.push(tp);
                    axum::Json(serde_json::json!({"id": "j1", "status": "COMPLETE"}))
                },
            ),
        )
        .route(
            "/v1/traces",
            post(|State(seen): State<Shared>, body: Bytes| async move {
                let request = ExportTraceServiceRequest::decode(body).expect("OTLP protobuf");
                let mut seen = seen.lock().unwrap();
                for r in request.resource_spans {
                    for s in r.scope_spans {
                        seen.spans.extend(s.spans);
                    }
                }
                ""
            }),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn start(upstream: &str, otlp: Option<&str>) -> (Running, String, String) {
    let mut command = billjob();
    command
        .env("BILLJOB_UPSTREAM", upstream)
        .env("M3TER_API_KEY", "test-key")
        .env("BILLJOB_STATELESS", "true")
        .env("BILLJOB_REST_ADDR", "127.0.0.1:0")
        .env("BILLJOB_MCP_ADDR", "127.0.0.1:0")
        .env("OTEL_BSP_SCHEDULE_DELAY", "100");
    if let Some(otlp) = otlp {
        command.env("BILLJOB_OTLP_ENDPOINT", otlp);
    }
    let mut running = Running::start(&mut command);
    let rest = url_in(&running.wait_for("REST: http://"));
    let mcp = url_in(&running.wait_for("MCP: http://"));
    (running, rest, mcp)
}

async fn call_both(rest: &str, mcp: &str, caller: &str) {
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{rest}/v1/organizations/org-1/billjobs/j1"))
        .header("traceparent", caller)
        .send()
        .await
        .expect("REST");
    assert_eq!(r.status(), 200);
    let r = http
        .post(format!("{mcp}/mcp"))
        .header("traceparent", caller)
        .header("Accept", "application/json, text/event-stream")
        .header("MCP-Protocol-Version", "2025-11-25")
        .json(
            &serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "retrieve-billjob", "arguments": {"orgId": "org-1", "id": "j1"}}}),
        )
        .send()
        .await
        .expect("MCP");
    assert_eq!(r.status(), 200);
    let body = r.text().await.expect("body");
    assert!(body.contains("COMPLETE"), "{body}");
}

#[tokio::test]
async fn without_a_collector_the_callers_traceparent_reaches_the_upstream_as_it_came() {
    let (url, seen) = world().await;
    let (_running, rest, mcp) = start(&url, None);
    let caller = format!("00-{TRACE_ID}-{CALLER_SPAN}-01");
    call_both(&rest, &mcp, &caller).await;
    let seen = seen.lock().unwrap();
    assert_eq!(seen.traceparents, vec![caller.clone(), caller]);
    assert!(seen.spans.is_empty());
}

#[tokio::test]
async fn with_a_collector_each_request_is_a_span_tree_under_the_callers() {
    let (url, seen) = world().await;
    let (mut running, rest, mcp) = start(&url, Some(&url));
    assert!(
        running
            .drain()
            .iter()
            .any(|l| l.contains("traces: exported by OTLP/HTTP")),
        "{:#?}",
        running.seen
    );
    let caller = format!("00-{TRACE_ID}-{CALLER_SPAN}-01");
    call_both(&rest, &mcp, &caller).await;
    // The batch is sent within 100 ms (OTEL_BSP_SCHEDULE_DELAY); wait for the four spans.
    let deadline = Instant::now() + Duration::from_secs(20);
    while seen.lock().unwrap().spans.len() < 4 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let seen = seen.lock().unwrap();
    let spans = &seen.spans;
    assert_eq!(spans.len(), 4, "{spans:#?}");
    assert!(
        spans.iter().all(|s| hex(&s.trace_id) == TRACE_ID),
        "{spans:#?}"
    );
    let server_rest = spans
        .iter()
        .find(|s| s.name.contains("/v1/organizations/{orgid}/billjobs/{id}"))
        .expect("the REST server span");
    let server_mcp = spans
        .iter()
        .find(|s| s.name == "tools/call")
        .expect("the tool call span");
    for server in [server_rest, server_mcp] {
        assert_eq!(hex(&server.parent_span_id), CALLER_SPAN, "{server:#?}");
        let client = spans
            .iter()
            .find(|s| s.parent_span_id == server.span_id)
            .unwrap_or_else(|| panic!("no client span under {server:#?}"));
        assert_eq!(client.name, "m3ter-billjob.getbilljob");
        // What the upstream got names the client span.
        let sent = format!("00-{TRACE_ID}-{}-01", hex(&client.span_id));
        assert!(
            seen.traceparents.contains(&sent),
            "{:?} vs {sent}",
            seen.traceparents
        );
    }
    // Nothing secret in any attribute.
    let text = format!("{spans:?}");
    assert!(!text.contains("test-key"));
}

#[tokio::test]
async fn a_session_tool_call_carries_the_traceparent_of_its_own_http_request() {
    let (url, seen) = world().await;
    let mut command = billjob();
    command
        .env("BILLJOB_UPSTREAM", &url)
        .env("M3TER_API_KEY", "test-key")
        .env("BILLJOB_REST_ADDR", "127.0.0.1:0")
        .env("BILLJOB_MCP_ADDR", "127.0.0.1:0");
    let mut running = Running::start(&mut command);
    let mcp = url_in(&running.wait_for("MCP: http://"));
    let http = reqwest::Client::new();
    let post = |body: serde_json::Value, session: Option<&str>| {
        let mut r = http
            .post(format!("{mcp}/mcp"))
            .header("Accept", "application/json, text/event-stream")
            .json(&body);
        if let Some(s) = session {
            r = r
                .header("Mcp-Session-Id", s)
                .header("MCP-Protocol-Version", "2025-11-25");
        }
        r
    };
    let init = post(
        serde_json::json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "traces-test", "version": "1"}}}),
        None,
    )
    .send()
    .await
    .expect("initialize");
    let session = init.headers()["mcp-session-id"]
        .to_str()
        .expect("session id")
        .to_string();
    init.text().await.expect("initialize answer");
    post(
        serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        Some(&session),
    )
    .send()
    .await
    .expect("initialized");
    let caller = format!("00-{TRACE_ID}-{CALLER_SPAN}-01");
    let answer = post(
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "retrieve-billjob", "arguments": {"orgId": "org-1", "id": "j1"}}}),
        Some(&session),
    )
    .header("traceparent", &caller)
    .send()
    .await
    .expect("tools/call")
    .text()
    .await
    .expect("answer");
    assert!(answer.contains("COMPLETE"), "{answer}");
    assert_eq!(seen.lock().unwrap().traceparents, vec![caller]);
}
