// The tests of one generation of the tutorial, included by each generation's test file
// (tests/tests/tutorial.rs for alpha3, tests/tests/tutorial_beta5.rs for beta5) after it declares
// the step modules they serve.

use naftiko_tests::mcp_client::{
    McpClient, call_tool, result_json, serve_and_connect, serve_and_connect_with,
};
use naftiko_tests::{Scripted, Served, Upstream};
use serde_json::{Value, json};
use std::time::Duration;

/// Calls a tool and parses its text block, as the reference tests do.
async fn call(client: &McpClient, tool: &str, args: Value) -> Value {
    result_json(&call_tool(client, tool, args).await)
}

#[tokio::test]
async fn step1_mock_get_ship_answers_the_values_with_the_input_in_them() {
    let (_served, client) =
        serve_and_connect(step1::shipyard_tools::server(step1::Upstreams {})).await;
    let info = client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("shipyard-tools")
    );
    let tools = client.list_all_tools().await.expect("tools/list");
    assert_eq!(tools.len(), 1, "step 1 exposes exactly one tool");
    assert_eq!(tools[0].name, "get-ship");
    assert_eq!(
        tools[0].description.as_deref(),
        Some("Retrieve a ship's details by IMO number")
    );
    let ship = call(&client, "get-ship", json!({"imo_number": "IMO-9321483"})).await;
    assert_eq!(
        ship,
        json!({"imo": "IMO-9321483", "name": "Northern Star", "type": "cargo", "flag": "NO", "status": "active"})
    );
}

fn registry_ship(imo: &str, name: &str, status: &str) -> Value {
    json!({
        "imo_number": imo, "vessel_name": name, "vessel_type": "cargo", "flag_code": "NO",
        "operational_status": status, "year_built": 2009, "gross_tonnage": 52000,
        "dimensions": {"length_overall": 300.5}
    })
}

async fn step2() -> (Upstream, Served, McpClient) {
    let upstream = Upstream::start().await;
    let registry = step2::registry::Client::builder()
        .base_uri(upstream.url())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let (served, client) =
        serve_and_connect(step2::shipyard_tools::server(step2::Upstreams { registry })).await;
    (upstream, served, client)
}

#[tokio::test]
async fn step2_input_schemas_declare_optional_status_and_required_imo() {
    let (_upstream, _served, client) = step2().await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["list-ships", "get-ship"]);
    let schema = |i: usize| Value::Object((*tools[i].input_schema).clone());
    let list = schema(0);
    assert_eq!(list["properties"]["status"]["type"], "string");
    assert!(
        !list["required"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("status")))
    );
    let get = schema(1);
    assert_eq!(get["properties"]["imo"]["type"], "string");
    assert_eq!(get["required"], json!(["imo"]));
}

#[tokio::test]
async fn step2_list_ships_maps_each_ship_and_passes_the_filter() {
    let (upstream, _served, client) = step2().await;
    upstream.push(Scripted::json(
        200,
        &json!([
            registry_ship("IMO-9321483", "Northern Star", "active"),
            registry_ship("IMO-9456712", "Aurora", "maintenance")
        ]),
    ));
    let ships = call(&client, "list-ships", json!({})).await;
    assert_eq!(
        ships,
        json!([
            {"imo": "IMO-9321483", "name": "Northern Star", "type": "cargo", "flag": "NO", "status": "active"},
            {"imo": "IMO-9456712", "name": "Aurora", "type": "cargo", "flag": "NO", "status": "maintenance"}
        ])
    );
    assert!(upstream.only_request().query_pairs().is_empty());
    upstream.clear();

    upstream.push(Scripted::json(
        200,
        &json!([registry_ship("IMO-9321483", "Northern Star", "active")]),
    ));
    let ships = call(&client, "list-ships", json!({"status": "active"})).await;
    assert!(ships.as_array().is_some_and(|s| !s.is_empty()));
    for s in ships.as_array().into_iter().flatten() {
        assert_eq!(s["status"], "active");
    }
    assert_eq!(
        upstream.only_request().query_pairs(),
        vec!["status=active".to_string()]
    );
}

#[tokio::test]
async fn step2_get_ship_resolves_the_imo_into_the_path_and_nests_specs() {
    let (upstream, _served, client) = step2().await;
    upstream.push(Scripted::json(
        200,
        &registry_ship("IMO-9321483", "Northern Star", "active"),
    ));
    let ship = call(&client, "get-ship", json!({"imo": "IMO-9321483"})).await;
    assert_eq!(ship["imo"], "IMO-9321483");
    for k in ["name", "type", "flag", "status"] {
        assert!(ship.get(k).is_some(), "{k} in {ship}");
    }
    assert_eq!(upstream.only_request().path(), "/ships/IMO-9321483");
}

/// The token `shared/secrets.yaml` gives the MCP server (`mcp-server-token`).
const SECRETS_MCP_TOKEN: &str = "sk-mcp-YYYYYYYYYYYY";

/// Serves an MCP server that requires the token of `shared/secrets.yaml`, and connects a
/// client presenting it.
async fn connect_with_token(server: naftiko_runtime::mcp::Server) -> (Served, McpClient) {
    serve_and_connect_with(server, Some(SECRETS_MCP_TOKEN)).await
}

/// A client of the registry of a step that reads its credentials from `shared/secrets.yaml`.
macro_rules! registry_client {
    ($step:ident, $upstream:expr) => {
        $step::registry::Client::builder()
            .base_uri($upstream.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("registry client: its credentials are in shared/secrets.yaml")
    };
}

/// Step 4 (one consumed API, the MCP token from the secrets file).
macro_rules! step_with_auth {
    ($step:ident) => {{
        let upstream = Upstream::start().await;
        let registry = registry_client!($step, upstream);
        let auth = $step::shipyard_tools::authentication()
            .expect("the MCP token is read from shared/secrets.yaml");
        let (served, client) = connect_with_token($step::shipyard_tools::server(
            $step::Upstreams { registry },
            auth,
        ))
        .await;
        (upstream, served, client)
    }};
}

/// Step 5 in front of one local upstream answering for both the registry and the dockyard.
async fn step5() -> (Upstream, Served, McpClient) {
    let upstream = Upstream::start().await;
    let registry = registry_client!(step5, upstream);
    let legacy = step5::legacy::Client::builder()
        .base_uri(upstream.url())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("legacy client: its key is in shared/secrets.yaml");
    let auth = step5::shipyard_tools::authentication()
        .expect("the MCP token is read from shared/secrets.yaml");
    let (served, client) = connect_with_token(step5::shipyard_tools::server(
        step5::Upstreams { registry, legacy },
        auth,
    ))
    .await;
    (upstream, served, client)
}

/// Asserts that the registry received the credentials of `shared/secrets.yaml`.
fn assert_registry_credentials(r: &naftiko_tests::Recorded) {
    assert_eq!(r.header("authorization"), Some("Bearer dummy-token"));
    assert_eq!(r.header("registry-version"), Some("1.0.0-alpha2"));
}

#[tokio::test]
async fn step4_get_ship_nests_the_specs_as_numbers() {
    let (upstream, _served, client) = step_with_auth!(step4);
    upstream.push(Scripted::json(
        200,
        &registry_ship("IMO-9321483", "Northern Star", "active"),
    ));
    let ship = call(&client, "get-ship", json!({"imo": "IMO-9321483"})).await;
    assert_eq!(
        ship,
        json!({"imo": "IMO-9321483", "name": "Northern Star", "type": "cargo", "flag": "NO",
               "status": "active", "specs": {"yearBuilt": 2009, "tonnage": 52000, "length": 300.5}})
    );
    assert_registry_credentials(&upstream.only_request());
}

/// `initialize` without the token, with a wrong one (401 both), and with the file's (200).
async fn assert_refuses_without_the_token(served: &Served) {
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    let post = |token: Option<&str>| {
        let mut req = naftiko_runtime::reqwest::Client::new()
            .post(format!("{}/mcp", served.url()))
            .header("accept", "application/json, text/event-stream")
            .json(&initialize);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    assert_eq!(post(None).await.expect("answer").status().as_u16(), 401);
    assert_eq!(
        post(Some("sk-mcp-wrong"))
            .await
            .expect("answer")
            .status()
            .as_u16(),
        401
    );
    assert_eq!(
        post(Some(SECRETS_MCP_TOKEN))
            .await
            .expect("answer")
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn step5_tools_list_advertises_three_tools_and_their_inputs() {
    let (_upstream, _served, client) = step5().await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["list-ships", "get-ship", "list-legacy-vessels"]);
    let schema = |i: usize| Value::Object((*tools[i].input_schema).clone());
    for i in [0, 2] {
        let s = schema(i);
        assert_eq!(s["properties"]["status"]["type"], "string");
        assert!(
            !s["required"]
                .as_array()
                .is_some_and(|r| r.contains(&json!("status"))),
            "{s}"
        );
    }
    assert_eq!(schema(1)["properties"]["imo"]["type"], "string");
    assert_eq!(schema(1)["required"], json!(["imo"]));
}

#[tokio::test]
async fn step5_registry_tools_send_the_credentials_of_the_secrets_file() {
    let (upstream, _served, client) = step5().await;
    upstream.push(Scripted::json(
        200,
        &json!([registry_ship("IMO-9321483", "Northern Star", "active")]),
    ));
    let ships = call(&client, "list-ships", json!({})).await;
    assert_eq!(
        ships,
        json!([{"imo": "IMO-9321483", "name": "Northern Star", "type": "cargo", "flag": "NO", "status": "active"}])
    );
    let r = upstream.only_request();
    assert_eq!(r.path(), "/ships");
    assert_registry_credentials(&r);
    upstream.clear();

    upstream.push(Scripted::json(
        200,
        &registry_ship("IMO-9321483", "Northern Star", "active"),
    ));
    let ship = call(&client, "get-ship", json!({"imo": "IMO-9321483"})).await;
    assert_eq!(ship["imo"], "IMO-9321483");
    assert_eq!(
        ship["specs"],
        json!({"yearBuilt": 2009, "tonnage": 52000, "length": 300.5})
    );
    assert_eq!(upstream.only_request().path(), "/ships/IMO-9321483");
}

#[tokio::test]
async fn step5_list_legacy_vessels_maps_the_dockyard_xml() {
    let (upstream, _served, client) = step5().await;
    upstream.push(Scripted::raw(
        200,
        "application/xml",
        "<vessels>\
           <vessel><vesselCode>LEGACY-4012</vesselCode><vesselName>Old Faithful</vesselName>\
             <category>cargo</category><flagState>GB</flagState>\
             <operationalStatus>active</operationalStatus></vessel>\
           <vessel><vesselCode>LEGACY-2087</vesselCode><vesselName>Iron Maiden</vesselName>\
             <category>bulk_carrier</category><flagState>PA</flagState>\
             <operationalStatus>laid_up</operationalStatus></vessel>\
         </vessels>",
    ));
    let vessels = call(&client, "list-legacy-vessels", json!({"status": "active"})).await;
    assert_eq!(
        vessels,
        json!([
            {"vesselCode": "LEGACY-4012", "name": "Old Faithful", "type": "cargo", "flag": "GB", "status": "active"},
            {"vesselCode": "LEGACY-2087", "name": "Iron Maiden", "type": "bulk_carrier", "flag": "PA", "status": "laid_up"}
        ])
    );
    let r = upstream.only_request();
    assert_eq!(r.path(), "/vessels");
    assert_eq!(r.query_pairs(), vec!["status=active".to_string()]);
    assert_eq!(r.header("x-dock-key"), Some("dummy-dockyard-key"));
}

#[tokio::test]
async fn step5_the_mcp_server_refuses_a_caller_without_the_token_of_the_secrets_file() {
    let (_upstream, served, _client) = step5().await;
    assert_refuses_without_the_token(&served).await;
}

/// Step 6 in front of one local upstream answering for both the registry and the dockyard.
async fn step6() -> (Upstream, Served, McpClient) {
    let upstream = Upstream::start().await;
    let registry = registry_client!(step6, upstream);
    let legacy = step6::legacy::Client::builder()
        .base_uri(upstream.url())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("legacy client: its key is in shared/secrets.yaml");
    let auth = step6::shipyard_tools::authentication()
        .expect("the MCP token is read from shared/secrets.yaml");
    let (served, client) = connect_with_token(step6::shipyard_tools::server(
        step6::Upstreams { registry, legacy },
        auth,
    ))
    .await;
    (upstream, served, client)
}

#[tokio::test]
async fn step6_create_voyage_declares_its_inputs() {
    let (_upstream, _served, client) = step6().await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "list-ships",
            "get-ship",
            "list-legacy-vessels",
            "create-voyage"
        ]
    );
    let schema = Value::Object((*tools[3].input_schema).clone());
    for k in [
        "shipImo",
        "departurePort",
        "arrivalPort",
        "departureDate",
        "arrivalDate",
    ] {
        assert_eq!(schema["properties"][k]["type"], "string", "{k}");
    }
    assert_eq!(schema["properties"]["crewIds"]["type"], "array");
    assert_eq!(schema["properties"]["cargoIds"]["type"], "array");
    let required = schema["required"].as_array().cloned().unwrap_or_default();
    assert!(required.contains(&json!("crewIds")));
    assert!(!required.contains(&json!("cargoIds")));
}

#[tokio::test]
async fn step6_create_voyage_posts_arrays_as_json_and_maps_the_voyage() {
    let (upstream, _served, client) = step6().await;
    let voyage = json!({
        "voyageId": "VOY-2026-042", "shipImo": "IMO-9321483", "departurePort": "Oslo",
        "arrivalPort": "Singapore", "departureDate": "2026-04-10", "arrivalDate": "2026-05-02",
        "crewIds": ["CREW-001", "CREW-002"], "cargoIds": ["CARGO-7"], "status": "planned"
    });
    upstream.push(Scripted::json(201, &voyage));
    let out = call(
        &client,
        "create-voyage",
        json!({"shipImo": "IMO-9321483", "departurePort": "Oslo", "arrivalPort": "Singapore",
               "departureDate": "2026-04-10", "arrivalDate": "2026-05-02",
               "crewIds": ["CREW-001", "CREW-002"], "cargoIds": ["CARGO-7"]}),
    )
    .await;
    let sent = upstream.only_request();
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_registry_credentials(&sent);
    assert_eq!(
        sent.json(),
        json!({"shipImo": "IMO-9321483", "departurePort": "Oslo", "arrivalPort": "Singapore",
               "departureDate": "2026-04-10", "arrivalDate": "2026-05-02",
               "crewIds": ["CREW-001", "CREW-002"], "cargoIds": ["CARGO-7"]})
    );
    assert_eq!(
        out,
        json!({"voyageId": "VOY-2026-042", "shipImo": "IMO-9321483",
               "route": {"from": "Oslo", "to": "Singapore"},
               "dates": {"departure": "2026-04-10", "arrival": "2026-05-02"},
               "crewIds": ["CREW-001", "CREW-002"], "cargoIds": ["CARGO-7"], "status": "planned"})
    );
    upstream.clear();

    // Without the optional cargoIds the body stays JSON: `null` where the array would be.
    upstream.push(Scripted::json(201, &voyage));
    call(
        &client,
        "create-voyage",
        json!({"shipImo": "IMO-1", "departurePort": "A", "arrivalPort": "B",
               "departureDate": "2026-01-01", "arrivalDate": "2026-01-02", "crewIds": []}),
    )
    .await;
    assert_eq!(upstream.only_request().json()["cargoIds"], Value::Null);
    assert_eq!(upstream.only_request().json()["crewIds"], json!([]));
}
