// The tests of one generation of the tutorial, included by each generation's test file
// (tests/tests/tutorial_skill.rs for alpha3, tests/tests/tutorial_beta5.rs for beta5) after it declares
// the step modules they serve.

use axum::Json;
use axum::extract::Path;
use axum::routing::get;
use naftiko_tests::mcp_client::{McpClient, call_tool, result_json, serve_and_connect_with};
use naftiko_tests::{Served, serve};
use serde_json::{Value, json};
use std::time::Duration;

/// The token `shared/secrets.yaml` gives the MCP server (`mcp-server-token`).
const SECRETS_MCP_TOKEN: &str = "sk-mcp-YYYYYYYYYYYY";

fn ship(imo: &str, name: &str) -> Value {
    json!({
        "imo_number": imo, "vessel_name": name, "vessel_type": "cargo", "flag_code": "NO",
        "operational_status": "active", "year_built": 2009, "gross_tonnage": 52000,
        "dimensions": {"length_overall": 300.5}, "assignedCrew": ["CREW-001", "CREW-003"]
    })
}

/// The registry and the dockyard as the tutorial's mocks answer them, on one local server.
async fn upstream() -> Served {
    let router = axum::Router::new()
        .route(
            "/ships",
            get(|| async {
                Json(json!([
                    ship("IMO-9321483", "Northern Star"),
                    ship("IMO-9456712", "Aurora")
                ]))
            }),
        )
        .route(
            "/ships/{imo}",
            get(|Path(imo): Path<String>| async move { Json(ship(&imo, "Northern Star")) }),
        )
        .route(
            "/crew",
            get(|| async {
                Json(json!([
                    {"crewId": "CREW-001", "fullName": "Erik Hansen", "role": "Captain"},
                    {"crewId": "CREW-002", "fullName": "Mei Lin", "role": "First Officer"},
                    {"crewId": "CREW-003", "fullName": "Ana Souza", "role": "Chief Engineer"}
                ]))
            }),
        )
        .route(
            "/voyages",
            axum::routing::post(|Json(mut body): Json<Value>| async move {
                body["voyageId"] = json!("VOY-2026-042");
                body["status"] = json!("planned");
                Json(body)
            }),
        );
    serve(router).await
}

/// Connects an MCP client presenting the token of `shared/secrets.yaml`.
async fn connect_with_token(server: naftiko_runtime::mcp::Server) -> (Served, McpClient) {
    serve_and_connect_with(server, Some(SECRETS_MCP_TOKEN)).await
}

/// A step's upstreams (registry and dockyard) against `url`, its MCP server and a client, and
/// its skill adapter.
macro_rules! step {
    ($step:ident, $url:expr) => {{
        let url = $url;
        let registry = $step::registry::Client::builder()
            .base_uri(&url)
            .timeout(Duration::from_secs(10))
            .build()
            .expect("registry client: its credentials are in shared/secrets.yaml");
        let legacy = $step::legacy::Client::builder()
            .base_uri(&url)
            .timeout(Duration::from_secs(10))
            .build()
            .expect("legacy client: its key is in shared/secrets.yaml");
        let auth = $step::shipyard_tools::authentication()
            .expect("the MCP token is read from shared/secrets.yaml");
        let (mcp, client) = connect_with_token($step::shipyard_tools::server(
            $step::Upstreams { registry, legacy },
            auth,
        ))
        .await;
        let skills = serve($step::shipyard_skills::router()).await;
        (mcp, client, skills)
    }};
}

async fn tool_names(client: &McpClient) -> Vec<String> {
    let tools = client.list_all_tools().await.expect("tools/list");
    tools.iter().map(|t| t.name.to_string()).collect()
}

async fn input_schema(client: &McpClient, tool: &str) -> Value {
    let tools = client.list_all_tools().await.expect("tools/list");
    let t = tools.iter().find(|t| t.name == tool).expect(tool);
    Value::Object((*t.input_schema).clone())
}

async fn get_json(served: &Served, path: &str) -> Value {
    let r = naftiko_runtime::reqwest::get(format!("{}{path}", served.url()))
        .await
        .expect("answer");
    assert_eq!(r.status().as_u16(), 200, "GET {path}");
    r.json().await.expect("JSON")
}

const FIVE_TOOLS: [&str; 5] = [
    "list-ships",
    "get-ship",
    "list-legacy-vessels",
    "create-voyage",
    "get-ship-with-crew",
];

/// The skill groups steps 7, 8 and 11 declare, and the tools `fleet-ops` derives.
async fn assert_fleet_and_voyage_groups(skills: &Served, voyage_tools: &[&str]) {
    let catalog = get_json(skills, "/skills").await;
    assert_eq!(catalog["count"], 2);
    let names: Vec<&str> = catalog["skills"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, ["fleet-ops", "voyage-ops"]);

    let fleet = get_json(skills, "/skills/fleet-ops").await;
    assert_eq!(fleet["name"], "fleet-ops");
    let tools = fleet["tools"].as_array().expect("tools");
    assert_eq!(tools.len(), 4, "fleet-ops derives four tools");
    for t in tools {
        assert_eq!(t["type"], "derived");
        assert_eq!(t["invocationRef"]["targetNamespace"], "shipyard-tools");
        assert_eq!(t["invocationRef"]["mode"], "mcp");
        assert_eq!(t["invocationRef"]["action"], t["name"]);
    }
    // The derived tool's schema is the MCP tool's.
    let crew = &tools[3];
    assert_eq!(crew["name"], "get-ship-with-crew");
    assert_eq!(crew["inputSchema"]["properties"]["imo"]["type"], "string");
    assert_eq!(crew["inputSchema"]["required"], json!(["imo"]));

    let voyage = get_json(skills, "/skills/voyage-ops").await;
    let names: Vec<&str> = voyage["tools"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(names, voyage_tools);
}

#[tokio::test]
async fn step7_get_ship_with_crew_resolves_the_crew_and_the_skills_group_the_tools() {
    let up = upstream().await;
    let (_mcp, client, skills) = step!(step7, up.url());
    assert_eq!(tool_names(&client).await, FIVE_TOOLS);
    let schema = input_schema(&client, "get-ship-with-crew").await;
    assert_eq!(schema["properties"]["imo"]["type"], "string");
    assert_eq!(schema["required"], json!(["imo"]));

    let r =
        result_json(&call_tool(&client, "get-ship-with-crew", json!({"imo": "IMO-9321483"})).await);
    assert_eq!(r["imo"], "IMO-9321483");
    assert_eq!(r["name"], "Northern Star");
    assert_eq!(r["status"], "active");
    assert_eq!(
        r["crew"],
        json!([
            {"fullName": "Erik Hansen", "role": "Captain"},
            {"fullName": "Ana Souza", "role": "Chief Engineer"}
        ])
    );
    assert_fleet_and_voyage_groups(&skills, &["create-voyage"]).await;
}

#[tokio::test]
async fn step8_create_voyage_and_the_skill_groups() {
    let up = upstream().await;
    let (_mcp, client, skills) = step!(step8, up.url());
    assert_eq!(tool_names(&client).await, FIVE_TOOLS);
    let schema = input_schema(&client, "create-voyage").await;
    for k in [
        "shipImo",
        "departurePort",
        "arrivalPort",
        "departureDate",
        "arrivalDate",
        "crewIds",
        "cargoIds",
    ] {
        assert!(schema["properties"].get(k).is_some(), "{k} in {schema}");
    }
    assert_eq!(schema["properties"]["crewIds"]["type"], "array");
    assert_eq!(schema["properties"]["cargoIds"]["type"], "array");
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert!(!required.contains(&"cargoIds"));
    assert_eq!(required.len(), 6, "{required:?}");

    let voyage = result_json(
        &call_tool(
            &client,
            "create-voyage",
            json!({"shipImo": "IMO-9321483", "departurePort": "Oslo", "arrivalPort": "Singapore",
                   "departureDate": "2026-04-10", "arrivalDate": "2026-05-02",
                   "crewIds": ["CREW-001", "CREW-003"], "cargoIds": ["CARGO-2024-0451"]}),
        )
        .await,
    );
    assert_eq!(voyage["voyageId"], "VOY-2026-042");
    assert_eq!(voyage["shipImo"], "IMO-9321483");
    assert_eq!(voyage["route"], json!({"from": "Oslo", "to": "Singapore"}));
    assert_eq!(
        voyage["dates"],
        json!({"departure": "2026-04-10", "arrival": "2026-05-02"})
    );
    assert_eq!(voyage["crewIds"], json!(["CREW-001", "CREW-003"]));
    assert_eq!(voyage["cargoIds"], json!(["CARGO-2024-0451"]));
    assert_eq!(voyage["status"], "planned");

    assert_fleet_and_voyage_groups(&skills, &["create-voyage"]).await;
}

#[tokio::test]
async fn step11_advertises_the_manifest_tool_and_its_skill() {
    let up = upstream().await;
    let (_mcp, client, skills) = step!(step11, up.url());
    let mut six = FIVE_TOOLS.to_vec();
    six.push("get-voyage-manifest");
    assert_eq!(tool_names(&client).await, six);
    let schema = input_schema(&client, "get-ship-with-crew").await;
    assert_eq!(schema["required"], json!(["imo"]));
    let schema = input_schema(&client, "get-voyage-manifest").await;
    assert_eq!(schema["properties"]["voyageId"]["type"], "string");
    assert_eq!(schema["required"], json!(["voyageId"]));

    assert_fleet_and_voyage_groups(&skills, &["create-voyage", "get-voyage-manifest"]).await;
    let voyage = get_json(&skills, "/skills/voyage-ops").await;
    let manifest = &voyage["tools"][1];
    assert_eq!(manifest["invocationRef"]["action"], "get-voyage-manifest");
    assert_eq!(
        manifest["inputSchema"]["properties"]["voyageId"]["type"],
        "string"
    );
}

/// Steps 9 and 10: `get-ship-with-crew` is `ref: crew-resolver.resolve-crew-for-ship`, an
/// aggregate function (steps and a lookup) whose `semantics` give the tool its hints.
async fn assert_ref_tool(client: &McpClient) {
    let tools = client.list_all_tools().await.expect("tools/list");
    let t = tools
        .iter()
        .find(|t| t.name == "get-ship-with-crew")
        .expect("the ref'd tool");
    let t = serde_json::to_value(t).expect("json");
    let a = &t["annotations"];
    // safe: true, idempotent: true → readOnly, not destructive, idempotent.
    assert_eq!(
        (
            &a["readOnlyHint"],
            &a["destructiveHint"],
            &a["idempotentHint"]
        ),
        (&json!(true), &json!(false), &json!(true)),
        "{t}"
    );
    assert_eq!(t["inputSchema"]["required"], json!(["imo"]), "{t}");
    let r =
        result_json(&call_tool(client, "get-ship-with-crew", json!({"imo": "IMO-9321483"})).await);
    assert_eq!(r["imo"], "IMO-9321483");
    assert_eq!(r["length"], 300.5);
    assert_eq!(
        r["crew"],
        json!([
            {"fullName": "Erik Hansen", "role": "Captain"},
            {"fullName": "Ana Souza", "role": "Chief Engineer"}
        ])
    );
}

#[tokio::test]
async fn step9_the_ref_tool_runs_the_aggregate_function_with_derived_hints() {
    let up = upstream().await;
    let (_mcp, client, skills) = step!(step9, up.url());
    assert_eq!(tool_names(&client).await, FIVE_TOOLS);
    assert_ref_tool(&client).await;
    assert_eq!(get_json(&skills, "/skills").await["count"], 2);
}

#[tokio::test]
async fn step10_the_rest_adapter_runs_the_same_function_through_ref() {
    let up = upstream().await;
    let (_mcp, client, _skills) = step!(step10, up.url());
    assert_ref_tool(&client).await;
    let ups = step10::Upstreams {
        registry: step10::registry::Client::builder()
            .base_uri(up.url())
            .build()
            .expect("registry client"),
        legacy: step10::legacy::Client::builder()
            .base_uri(up.url())
            .build()
            .expect("legacy client"),
    };
    let rest = serve(step10::shipyard_api::router(ups)).await;
    let r = get_json(&rest, "/ships/IMO-9321483/crew").await;
    assert_eq!(r["name"], "Northern Star");
    assert_eq!(
        r["crew"][1],
        json!({"fullName": "Ana Souza", "role": "Chief Engineer"})
    );
}
