//! Issue 10: orchestrated operations on the wire. `tests/specs/steps.yaml` (tutorial step 7's
//! get-ship-with-crew) is served on REST and MCP in front of two recording upstreams, the
//! registry (`get-ship`) and the crewing agency (`list-crew`): what each upstream receives,
//! the mapped result with the lookup's crew, a failing step, and the two independent call
//! steps running at the same time; an MCP resource orchestrated by the same steps.

use naftiko_runtime::reqwest;
use naftiko_tests::mcp_client::{call_tool, result_json, serve_and_connect};
use naftiko_tests::{Scripted, Served, Upstream, serve};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

mod steps {
    naftiko_runtime::naftiko_capability!("specs/steps.yaml");
}
use steps::{Upstreams, crewing, registry, steps_mcp, steps_rest};

struct World {
    registry: Upstream,
    crewing: Upstream,
}

async fn world() -> (World, Upstreams) {
    let registry = Upstream::start().await;
    let crewing = Upstream::start().await;
    let ups = Upstreams {
        registry: registry::Client::builder()
            .base_uri(registry.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
        crewing: crewing::Client::builder()
            .base_uri(crewing.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    };
    (World { registry, crewing }, ups)
}

async fn rest() -> (World, Served) {
    let (w, ups) = world().await;
    let served = serve(steps_rest::router(ups)).await;
    (w, served)
}

async fn get(served: &Served, path: &str) -> (u16, Value) {
    let resp = reqwest::get(format!("{}{path}", served.url()))
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let body = resp.json().await.expect("a JSON body");
    (status, body)
}

fn ship(imo: &str) -> Value {
    json!({
        "imo_number": imo, "vessel_name": "Northern Star", "gross_tonnage": 52000,
        "dimensions": {"length_overall": 300.5}, "assignedCrew": ["C3", "C1"],
        "secret_field": "not mapped"
    })
}

fn crew() -> Value {
    json!([
        {"crewId": "C1", "fullName": "Ann Lee", "role": "captain", "salary": 1},
        {"crewId": "C2", "fullName": "Bo Chen", "role": "cook", "salary": 2},
        {"crewId": "C3", "fullName": "Cy Diaz", "role": "engineer", "salary": 3},
    ])
}

#[tokio::test]
async fn rest_steps_call_each_upstream_and_map_the_lookup() {
    let (w, served) = rest().await;
    w.registry.push(Scripted::json(200, &ship("IMO-9321483")));
    w.crewing.push(Scripted::json(200, &crew()));
    let (status, body) = get(&served, "/ships/IMO-9321483/crew").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({
            "imo": "IMO-9321483",
            "name": "Northern Star",
            "specs": {"length": 300.5, "tonnage": 52000},
            // In the order of the ship's assignedCrew, projected on the lookup's fields.
            "crew": [
                {"fullName": "Cy Diaz", "role": "engineer"},
                {"fullName": "Ann Lee", "role": "captain"},
            ],
        })
    );
    let r = w.registry.only_request();
    assert_eq!((r.method.as_str(), r.path()), ("GET", "/ships/IMO-9321483"));
    let c = w.crewing.only_request();
    assert_eq!((c.method.as_str(), c.path()), ("GET", "/crew"));
    assert_eq!(c.query_pairs(), vec!["rank=officer".to_string()]);
}

#[tokio::test]
async fn a_lookup_value_matching_nothing_gives_an_empty_crew() {
    let (w, served) = rest().await;
    let mut s = ship("IMO-1");
    s["assignedCrew"] = json!(["C9"]);
    w.registry.push(Scripted::json(200, &s));
    w.crewing.push(Scripted::json(200, &crew()));
    let (status, body) = get(&served, "/ships/IMO-1/crew").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["crew"], json!([]));
    assert_eq!(body["imo"], "IMO-1");
}

#[tokio::test]
async fn a_failing_step_answers_with_its_upstream_status_and_body() {
    let (w, served) = rest().await;
    w.registry
        .push(Scripted::json(404, &json!({"message": "no ship IMO-0"})));
    w.crewing.push(Scripted::json(200, &crew()));
    let (status, body) = get(&served, "/ships/IMO-0/crew").await;
    assert_eq!(status, 404);
    assert_eq!(body, json!({"message": "no ship IMO-0"}));
}

#[tokio::test]
async fn independent_steps_run_at_the_same_time() {
    let (w, served) = rest().await;
    let delay = Duration::from_millis(700);
    w.registry
        .push(Scripted::json(200, &ship("IMO-2")).delay(delay));
    w.crewing.push(Scripted::json(200, &crew()).delay(delay));
    let started = Instant::now();
    let (status, body) = get(&served, "/ships/IMO-2/crew").await;
    let took = started.elapsed();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["crew"].as_array().map(Vec::len), Some(2));
    // One after the other would take at least 1.4 s.
    assert!(
        took < delay * 2 - Duration::from_millis(200),
        "took {took:?}"
    );
    assert!(took >= delay, "took {took:?}");
}

#[tokio::test]
async fn a_step_reads_an_earlier_steps_answer_after_it() {
    let (w, served) = rest().await;
    let mut s = ship("IMO-3");
    s["flag_code"] = json!("NO");
    w.registry.push(Scripted::json(200, &s));
    w.registry.push(Scripted::json(
        200,
        &json!({"code": "NO", "name": "Norway"}),
    ));
    let (status, body) = get(&served, "/ships/IMO-3/flag").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"imo": "IMO-3", "flag": "Norway"}));
    let paths: Vec<String> = w
        .registry
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(paths, vec!["/ships/IMO-3", "/flags/NO"]);
}

#[tokio::test]
async fn an_earlier_answer_without_the_value_refuses_the_later_call() {
    let (w, served) = rest().await;
    // No `flag_code` in the ship: the flag is not asked for.
    w.registry.push(Scripted::json(200, &ship("IMO-4")));
    let resp = reqwest::get(format!("{}/ships/IMO-4/flag", served.url()))
        .await
        .expect("request");
    assert_eq!(resp.status().as_u16(), 400);
    let body: Value = resp.json().await.expect("a problem");
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("/get-ship/flag_code")),
        "{body}"
    );
    assert_eq!(w.registry.count(), 1);
}

#[tokio::test]
async fn both_independent_requests_arrive_before_either_is_answered() {
    let (w, served) = rest().await;
    // Long delays: the answers come well after both requests must have arrived.
    let delay = Duration::from_secs(3);
    w.registry
        .push(Scripted::json(200, &ship("IMO-5")).delay(delay));
    w.crewing.push(Scripted::json(200, &crew()).delay(delay));
    let url = format!("{}/ships/IMO-5/crew", served.url());
    let pending = tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status().as_u16()) });
    let deadline = Instant::now() + Duration::from_millis(2500);
    while (w.registry.count(), w.crewing.count()) != (1, 1) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Both upstreams hold a request while neither has answered yet.
    assert_eq!((w.registry.count(), w.crewing.count()), (1, 1));
    assert!(!pending.is_finished());
    assert_eq!(pending.await.expect("join").expect("request"), 200);
}

#[tokio::test]
async fn openapi_publishes_the_orchestrated_result_schema() {
    let (_w, served) = rest().await;
    let (_, doc) = get(&served, "/openapi.json").await;
    let schema = &doc["paths"]["/ships/{imo}/crew"]["get"]["responses"]["2XX"]["content"]["application/json"]
        ["schema"];
    assert_eq!(
        schema["properties"]["crew"]["items"]["properties"]["role"]["type"],
        json!(["string", "null"]),
        "{schema}"
    );
    assert_eq!(
        schema["properties"]["specs"]["properties"]["length"]["type"],
        json!(["number", "null"]),
        "{schema}"
    );
}

#[tokio::test]
async fn mcp_steps_feed_the_tool_argument_and_map_the_lookup() {
    let (w, ups) = world().await;
    let (_served, client) = serve_and_connect(steps_mcp::server(ups)).await;
    w.registry.push(Scripted::json(200, &ship("IMO-7")));
    w.crewing.push(Scripted::json(200, &crew()));
    let tools = client.list_all_tools().await.expect("tools/list");
    let schema = Value::Object(
        tools[0]
            .output_schema
            .as_deref()
            .cloned()
            .expect("an outputSchema"),
    );
    assert_eq!(
        schema["properties"]["crew"]["items"]["properties"]["fullName"]["type"],
        json!(["string", "null"]),
        "{schema}"
    );
    let r = call_tool(&client, "get-ship-with-crew", json!({"imo": "IMO-7"})).await;
    assert_eq!(
        r.structured_content
            .as_ref()
            .map(|s| s["crew"][0]["fullName"].clone()),
        Some(json!("Cy Diaz"))
    );
    assert_eq!(
        result_json(&r),
        json!({"name": "Northern Star", "crew": [{"fullName": "Cy Diaz"}, {"fullName": "Ann Lee"}]})
    );
    assert_eq!(w.registry.only_request().path(), "/ships/IMO-7");
    let c = w.crewing.only_request();
    assert_eq!(c.path(), "/crew");
    assert!(c.query_pairs().is_empty(), "{:?}", c.target);
}

#[tokio::test]
async fn mcp_a_failing_step_is_an_error_result_naming_the_step() {
    let (w, ups) = world().await;
    let (_served, client) = serve_and_connect(steps_mcp::server(ups)).await;
    w.registry.push(Scripted::json(200, &ship("IMO-7")));
    w.crewing
        .push(Scripted::json(403, &json!({"message": "agency closed"})));
    let r = call_tool(&client, "get-ship-with-crew", json!({"imo": "IMO-7"})).await;
    assert_eq!(r.is_error, Some(true), "{r:#?}");
    let error = &r.structured_content.as_ref().expect("structured")["error"];
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("step `list-crew`")),
        "{error}"
    );
    assert_eq!(error["status"], 403);
    assert_eq!(error["upstream"], json!({"message": "agency closed"}));
}

#[tokio::test]
async fn mcp_a_resource_with_steps_reads_what_they_orchestrate() {
    let (w, ups) = world().await;
    let (_served, client) = serve_and_connect(steps_mcp::server(ups)).await;
    w.registry.push(Scripted::json(200, &ship("IMO 7")));
    w.crewing.push(Scripted::json(200, &crew()));
    let templates = client
        .list_all_resource_templates()
        .await
        .expect("templates");
    assert_eq!(templates[0].uri_template, "ships://{imo}/crew");
    let r = client
        .read_resource(rmcp::model::ReadResourceRequestParams::new(
            "ships://IMO%207/crew",
        ))
        .await
        .expect("read");
    let [rmcp::model::ResourceContents::TextResourceContents { text, .. }] = r.contents.as_slice()
    else {
        panic!("{r:?}");
    };
    let body: Value = serde_json::from_str(text).expect("JSON");
    assert_eq!(
        body,
        json!({"name": "Northern Star", "crew": [{"fullName": "Cy Diaz"}, {"fullName": "Ann Lee"}]})
    );
    // The URI variable, decoded, feeds the first step (encoded again as one segment).
    assert_eq!(w.registry.only_request().path(), "/ships/IMO%207");
    assert_eq!(w.crewing.only_request().path(), "/crew");
}
