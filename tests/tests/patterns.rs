//! Issue 10: an exposed input's `pattern` (a regular expression, matched anywhere in the value
//! as JSON Schema's `pattern`) is checked before anything is sent: `400` on REST, invalid
//! params on MCP, naming the input and its pattern; the OpenAPI document and the tool's
//! `inputSchema` advertise it. A declared `in: cookie` input is read from the `Cookie` header.

use naftiko_runtime::reqwest;
use naftiko_tests::mcp_client::{call_tool, result_json, serve_and_connect};
use naftiko_tests::{Scripted, Upstream, serve};
use rmcp::model::{CallToolRequestParams, object};
use serde_json::{Value, json};
use std::time::Duration;

mod patterns {
    naftiko_runtime::naftiko_capability!("specs/patterns.yaml");
}
use patterns::{Upstreams, registry, registry_mcp, registry_rest};

async fn world() -> (Upstream, Upstreams) {
    let up = Upstream::start().await;
    let ups = Upstreams {
        registry: registry::Client::builder()
            .base_uri(up.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    };
    (up, ups)
}

#[tokio::test]
async fn rest_inputs_that_do_not_match_are_refused_before_the_call() {
    let (up, ups) = world().await;
    let served = serve(registry_rest::router(ups)).await;
    for (path, input) in [("/ships/12345", "imo"), ("/ships/1234567?flag=usa", "flag")] {
        let resp = reqwest::get(format!("{}{path}", served.url()))
            .await
            .expect("request");
        assert_eq!(resp.status(), 400, "{path}");
        let problem: Value = resp.json().await.expect("a problem");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(&format!("input `{input}` does not match its pattern")),
            "{problem}"
        );
    }
    assert!(up.requests().is_empty());
    up.push(Scripted::json(200, &json!({"name": "Aurora"})));
    let resp = reqwest::get(format!("{}/ships/9321483?flag=NO", served.url()))
        .await
        .expect("request");
    assert_eq!(resp.status(), 200);
    assert_eq!(up.only_request().target, "/ships/9321483?flag=NO");

    let doc: Value = reqwest::get(format!("{}/openapi.json", served.url()))
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    let params = &doc["paths"]["/ships/{imo}"]["get"]["parameters"];
    assert_eq!(params[0]["schema"]["pattern"], "^[0-9]{7}$", "{params}");
    assert_eq!(params[1]["schema"]["pattern"], "^[A-Z]{2}$", "{params}");
}

#[tokio::test]
async fn mcp_arguments_that_do_not_match_are_invalid_params() {
    let (up, ups) = world().await;
    let (_served, client) = serve_and_connect(registry_mcp::server(ups)).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let schema = Value::Object((*tools[0].input_schema).clone());
    assert_eq!(
        schema["properties"]["imo"]["pattern"], "^[0-9]{7}$",
        "{schema}"
    );
    assert_eq!(schema["required"], json!(["imo"]), "{schema}");

    let e = client
        .call_tool(
            CallToolRequestParams::new("get-ship")
                .with_arguments(object(json!({"imo": "9321483", "flag": "no"}))),
        )
        .await
        .expect_err("invalid params");
    assert!(
        e.to_string()
            .contains("input `flag` does not match its pattern `^[A-Z]{2}$`"),
        "{e}"
    );
    assert!(up.requests().is_empty());
    up.push(Scripted::json(200, &json!({"name": "Aurora"})));
    let r = call_tool(&client, "get-ship", json!({"imo": "9321483"})).await;
    assert_eq!(result_json(&r), json!({"name": "Aurora"}));
}

#[tokio::test]
async fn a_cookie_input_is_read_from_the_cookie_header() {
    let (up, ups) = world().await;
    let served = serve(registry_rest::router(ups)).await;
    let http = reqwest::Client::new();
    let url = format!("{}/ships/9321483", served.url());
    up.push(Scripted::json(200, &json!({})));
    let resp = http
        .get(&url)
        .header("cookie", "theme=dark; X-Session=\"s3cr3t\"")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 200);
    assert_eq!(up.only_request().header("x-session"), Some("s3cr3t"));
    up.clear();
    // Optional: absent, nothing is sent; present, it is checked like any input.
    up.push(Scripted::json(200, &json!({})));
    let resp = http.get(&url).send().await.expect("request");
    assert_eq!(resp.status(), 200);
    assert_eq!(up.only_request().header("x-session"), None);
    up.clear();
    let resp = http
        .get(&url)
        .header("cookie", "X-Session=NOT-OK")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 400);
    assert!(up.requests().is_empty());

    let doc: Value = http
        .get(format!("{}/openapi.json", served.url()))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    let params = &doc["paths"]["/ships/{imo}"]["get"]["parameters"];
    assert_eq!(params[2]["in"], "cookie", "{params}");
    assert_eq!(params[2]["name"], "X-Session", "{params}");
}
