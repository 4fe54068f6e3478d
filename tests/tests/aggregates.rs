//! Issue 10: aggregate functions on the wire. `tests/specs/aggregates.yaml` defines three
//! functions of the `forecast` aggregate (a call, steps, and an unsafe call) once; its REST
//! operations and MCP tools run them through `ref`. What the recording upstream receives, the
//! shaped answers, and the hints derived from `semantics` in `tools/list`.

use naftiko_runtime::reqwest;
use naftiko_tests::mcp_client::{call_tool, result_json, serve_and_connect};
use naftiko_tests::{Scripted, Served, Upstream, serve};
use serde_json::{Value, json};
use std::time::Duration;

mod aggregates {
    naftiko_runtime::naftiko_capability!("specs/aggregates.yaml");
}
use aggregates::{Upstreams, forecast_mcp, forecast_rest, weather};

async fn world() -> (Upstream, Upstreams) {
    let up = Upstream::start().await;
    let ups = Upstreams {
        weather: weather::Client::builder()
            .base_uri(up.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    };
    (up, ups)
}

async fn get(served: &Served, path: &str) -> (u16, Value) {
    let resp = reqwest::get(format!("{}{path}", served.url()))
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let body = resp.json().await.expect("a JSON body");
    (status, body)
}

fn forecast() -> Value {
    json!({"forecast": {"temperature": 21.5, "condition": "sunny", "humidity": 40}, "station": "X"})
}

fn with_alerts(active: Value) -> Value {
    let mut v = forecast();
    v["active"] = active;
    v
}

#[tokio::test]
async fn rest_ref_runs_the_functions_call_with_the_operations_path_input() {
    let (up, ups) = world().await;
    let served = serve(forecast_rest::router(ups)).await;
    up.push(Scripted::json(200, &forecast()));
    let (status, body) = get(&served, "/forecast/Paris").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"temperature": 21.5, "condition": "sunny"}));
    let r = up.only_request();
    assert_eq!((r.method.as_str(), r.path()), ("GET", "/forecast"));
    assert_eq!(r.query_pairs(), vec!["location=Paris".to_string()]);
}

#[tokio::test]
async fn rest_ref_runs_the_functions_steps() {
    let (up, ups) = world().await;
    let served = serve(forecast_rest::router(ups)).await;
    // The two call steps are independent and may arrive in either order: one answer fits both.
    up.set_fallback(Scripted::json(200, &with_alerts(json!(["wind"]))));
    let (status, body) = get(&served, "/briefing?location=Oslo").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"condition": "sunny", "alerts": ["wind"]}));
    let mut paths: Vec<String> = up.requests().iter().map(|r| r.target.clone()).collect();
    paths.sort();
    assert_eq!(paths, vec!["/alerts/Oslo", "/forecast?location=Oslo"]);
}

#[tokio::test]
async fn tools_list_shows_inherited_descriptions_and_derived_hints() {
    let (_up, ups) = world().await;
    let (_served, client) = serve_and_connect(forecast_mcp::server(ups)).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let tool = |name: &str| {
        serde_json::to_value(tools.iter().find(|t| t.name == name).expect("a tool")).expect("json")
    };
    let f = tool("get-forecast");
    assert_eq!(
        f["description"],
        "Fetch the current weather forecast for a location."
    );
    assert_eq!(
        f["inputSchema"]["properties"]["location"]["description"], "City name or coordinates",
        "{f}"
    );
    let a = &f["annotations"];
    assert_eq!(
        (
            &a["readOnlyHint"],
            &a["destructiveHint"],
            &a["idempotentHint"]
        ),
        (&json!(true), &json!(false), &json!(true)),
        "{a}"
    );
    let b = tool("morning-briefing");
    assert_eq!(b["description"], "Today's briefing for a city.");
    assert_eq!(b["annotations"]["idempotentHint"], true, "{b}");
    assert_eq!(b["annotations"]["openWorldHint"], false, "{b}");
    let r = tool("reset-station");
    let a = &r["annotations"];
    assert_eq!(
        (
            &a["readOnlyHint"],
            &a["destructiveHint"],
            &a["idempotentHint"]
        ),
        (&json!(false), &json!(true), &json!(false)),
        "{a}"
    );
}

#[tokio::test]
async fn mcp_ref_runs_the_call_and_the_steps() {
    let (up, ups) = world().await;
    let (_served, client) = serve_and_connect(forecast_mcp::server(ups)).await;
    up.push(Scripted::json(200, &forecast()));
    let r = call_tool(&client, "get-forecast", json!({"location": "Rome"})).await;
    assert_eq!(
        result_json(&r),
        json!({"temperature": 21.5, "condition": "sunny"})
    );
    assert_eq!(up.only_request().target, "/forecast?location=Rome");

    let (up, ups) = world().await;
    let (_served, client) = serve_and_connect(forecast_mcp::server(ups)).await;
    up.set_fallback(Scripted::json(200, &with_alerts(json!([]))));
    let r = call_tool(&client, "morning-briefing", json!({"location": "Rome"})).await;
    assert_eq!(result_json(&r), json!({"condition": "sunny", "alerts": []}));
    let mut paths: Vec<String> = up.requests().iter().map(|r| r.target.clone()).collect();
    paths.sort();
    assert_eq!(paths, vec!["/alerts/Rome", "/forecast?location=Rome"]);
}

#[tokio::test]
async fn mcp_ref_to_an_unsafe_function_posts() {
    let (up, ups) = world().await;
    let (_served, client) = serve_and_connect(forecast_mcp::server(ups)).await;
    up.push(Scripted::json(200, &json!({"ok": true})));
    let r = call_tool(&client, "reset-station", json!({"station": "S-1"})).await;
    assert_ne!(r.is_error, Some(true), "{r:#?}");
    let req = up.only_request();
    assert_eq!(
        (req.method.as_str(), req.path()),
        ("POST", "/stations/S-1/reset")
    );
}
