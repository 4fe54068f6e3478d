//! Issue 9: on the wire, through the generated REST adapter in front of a recording upstream
//! (`tests/specs/references.yaml`): inputs named `$filter`, `filter[status]` and `X-Request-Id`
//! reach the upstream under those names; an operation-level `path` is appended to its
//! resource's path (or used as is when it begins with it); a parameter without `in` named like
//! a placeholder fills it; an optional declared input passes through by name; references inside
//! a structured `with` value fill it.

use naftiko_runtime::reqwest;
use naftiko_tests::{Scripted, Served, Upstream, serve};
use serde_json::{Value, json};
use std::time::Duration;

mod generated {
    // The spec's warnings (operation paths, a missing `in`) are compiler warnings on purpose.
    #![allow(deprecated)]
    naftiko_runtime::naftiko_capability!("specs/references.yaml");
}
use generated::{Upstreams, crm, crm_rest};

async fn gateway() -> (Upstream, Served) {
    let upstream = Upstream::start().await;
    let client = crm::Client::builder()
        .base_uri(format!("{}/api", upstream.url()))
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let served = serve(crm_rest::router(Upstreams { crm: client })).await;
    (upstream, served)
}

async fn get(served: &Served, path: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut req = reqwest::Client::new().get(format!("{}{path}", served.url()));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.send().await.expect("gateway answers");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    (status, body)
}

#[tokio::test]
async fn inputs_with_odd_names_reach_the_upstream_under_those_names() {
    let (upstream, served) = gateway().await;
    upstream.push(Scripted::json(200, &json!({"ok": true})));
    let (status, body) = get(
        &served,
        "/contacts?%24filter=name%20eq%20%27a%27&filter%5Bstatus%5D=open",
        &[("X-Request-Id", "r-1")],
    )
    .await;
    assert_eq!((status, body), (200, json!({"ok": true})));
    let r = upstream.only_request();
    assert_eq!(r.path(), "/api/now/contact");
    let pairs: Vec<String> = r
        .query_pairs()
        .iter()
        .map(|p| {
            p.replace("%24", "$")
                .replace("%5B", "[")
                .replace("%5D", "]")
        })
        .collect();
    assert_eq!(pairs, ["$filter=name+eq+%27a%27", "filter[status]=open"]);
    assert_eq!(r.header("x-request-id"), Some("r-1"));
}

#[tokio::test]
async fn operation_paths_are_appended_or_used_as_written() {
    let (upstream, served) = gateway().await;
    upstream.set_fallback(Scripted::json(200, &json!({})));
    // `/{id}` under `/now/contact`, its `id` declared without `in`; `fields` is optional and
    // passes through from the declared input of the same name.
    assert_eq!(get(&served, "/contacts/42?fields=name", &[]).await.0, 200);
    assert_eq!(get(&served, "/contacts/43", &[]).await.0, 200);
    assert_eq!(get(&served, "/contacts/44/card", &[]).await.0, 200);
    let r = upstream.requests();
    assert_eq!(r[0].path(), "/api/now/contact/42");
    assert_eq!(r[0].query_pairs(), ["fields=name"]);
    assert_eq!(r[1].path(), "/api/now/contact/43");
    assert!(r[1].query_pairs().is_empty());
    assert_eq!(r[2].path(), "/api/now/contact/44/card");
}

#[tokio::test]
async fn the_openapi_document_lists_inputs_under_their_names() {
    let (_upstream, served) = gateway().await;
    let (status, doc) = get(&served, "/openapi.json", &[]).await;
    assert_eq!(status, 200);
    let params = &doc["paths"]["/contacts"]["get"]["parameters"];
    let names: Vec<(&str, &str)> = params
        .as_array()
        .expect("parameters")
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            ("$filter", "query"),
            ("filter[status]", "query"),
            ("X-Request-Id", "header")
        ]
    );
}

#[tokio::test]
async fn references_inside_a_structured_with_value_fill_it() {
    let (upstream, served) = gateway().await;
    upstream.push(Scripted::json(200, &json!({"results": []})));
    let (status, _) = get(&served, "/extensions/themes?target=vscode", &[]).await;
    assert_eq!(status, 200);
    let r = upstream.only_request();
    assert_eq!(
        (r.method.as_str(), r.path()),
        ("POST", "/api/gallery/extensionquery")
    );
    assert_eq!(
        r.json(),
        json!({
            "filters": [{
                "criteria": [
                    {"filterType": 1, "value": "themes"},
                    {"filterType": 8, "value": "vscode"}
                ],
                "pageSize": 20
            }],
            "flags": 7
        })
    );
    // The reference is a required input: without it, a problem, and no upstream call.
    let (status, _) = get(&served, "/extensions/themes", &[]).await;
    assert_eq!(status, 400);
    assert_eq!(upstream.count(), 1);
}
