//! Issue 11: MCP resources and prompts. `tests/specs/resources.yaml` serves a static resource
//! (a file embedded at compile time), a dynamic one (a consumed operation's shaped answer), a
//! templated one (`data://ships/{imo}` feeding the call) and two prompts (inline, and from a
//! file), driven by rmcp's client over both protocol generations and both transport modes, in
//! front of a recording upstream.

use naftiko_runtime::mcp::HttpOptions;
use naftiko_runtime::serve::CancellationToken;
use naftiko_tests::mcp_client::{McpClient, connect_as as connect};
use naftiko_tests::{Scripted, Served, Upstream, serve_with};
use rmcp::ServiceExt;
use rmcp::model::{
    ClientConfig, ErrorCode, GetPromptRequestParams, GetPromptResult, ProtocolVersion,
    ReadResourceRequestParams, ReadResourceResult, ResourceContents, Role, object,
};
use rmcp::service::ServiceError;
use serde_json::{Value, json};
use std::time::Duration;

mod fleet {
    naftiko_runtime::naftiko_capability!("specs/resources.yaml");
}
use fleet::{Upstreams, fleet_mcp, registry};

const GUIDE: &str = include_str!("../specs/resources/guide.md");

async fn setup(stateless: bool) -> (Upstream, Served) {
    let upstream = Upstream::start().await;
    let upstreams = Upstreams {
        registry: registry::Client::builder()
            .base_uri(upstream.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    };
    let stop = CancellationToken::new();
    let options = HttpOptions {
        stateless,
        ..Default::default()
    };
    let router =
        naftiko_runtime::mcp::router(fleet_mcp::server(upstreams), &options, stop.child_token());
    (upstream, serve_with(stop, router).await)
}

async fn read(client: &McpClient, uri: &str) -> Result<ReadResourceResult, ServiceError> {
    client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
}

/// The one text content of a result: its URI, media type and text.
fn text(result: &ReadResourceResult) -> (String, Option<String>, String) {
    match result.contents.as_slice() {
        [
            ResourceContents::TextResourceContents {
                uri,
                mime_type,
                text,
                ..
            },
        ] => (uri.clone(), mime_type.clone(), text.clone()),
        other => panic!("one text content expected: {other:?}"),
    }
}

fn error_code(e: &ServiceError) -> ErrorCode {
    match e {
        ServiceError::McpError(e) => e.code,
        other => panic!("a JSON-RPC error expected: {other}"),
    }
}

async fn prompt(
    client: &McpClient,
    name: &str,
    args: Value,
) -> Result<GetPromptResult, ServiceError> {
    client
        .get_prompt(GetPromptRequestParams::new(name).with_arguments(object(args)))
        .await
}

/// Each message as (role, text).
fn messages(result: &GetPromptResult) -> Vec<(Role, String)> {
    result
        .messages
        .iter()
        .map(|m| {
            let text = m
                .content
                .as_text()
                .map(|t| t.text.clone())
                .expect("text content");
            (m.role.clone(), text)
        })
        .collect()
}

const VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V_2026_07_28,
    ProtocolVersion::V_2025_11_25,
    ProtocolVersion::V_2025_06_18,
];

#[tokio::test]
async fn resources_and_prompts_are_advertised_and_listed_in_every_generation_and_mode() {
    for stateless in [false, true] {
        for version in &VERSIONS {
            let ctx = format!("stateless={stateless} {version}");
            let (_upstream, served) = setup(stateless).await;
            let client = connect(&served, version).await;
            let caps = &client.peer_info().expect("peer info").capabilities;
            assert!(caps.resources.is_some(), "{ctx}: {caps:?}");
            assert!(caps.prompts.is_some(), "{ctx}: {caps:?}");

            let resources = client
                .list_all_resources()
                .await
                .unwrap_or_else(|e| panic!("{ctx}: {e}"));
            let listed: Vec<(&str, &str, Option<&str>, Option<&str>)> = resources
                .iter()
                .map(|r| {
                    (
                        r.name.as_str(),
                        r.uri.as_str(),
                        r.title.as_deref(),
                        r.mime_type.as_deref(),
                    )
                })
                .collect();
            assert_eq!(
                listed,
                vec![
                    (
                        "guide",
                        "docs://fleet/guide",
                        Some("Fleet guide"),
                        Some("text/markdown")
                    ),
                    (
                        "fleet",
                        "data://fleet/north",
                        Some("Fleet"),
                        Some("application/json")
                    ),
                ],
                "{ctx}"
            );
            assert_eq!(resources[0].size, Some(GUIDE.len() as u64), "{ctx}");
            assert_eq!(
                resources[1].description.as_deref(),
                Some("The ships of the northern region, by name")
            );

            let templates = client
                .list_all_resource_templates()
                .await
                .unwrap_or_else(|e| panic!("{ctx}: {e}"));
            assert_eq!(templates.len(), 1, "{ctx}: {templates:?}");
            assert_eq!(templates[0].uri_template, "data://ships/{imo}");
            assert_eq!(templates[0].name, "ship");
            assert_eq!(templates[0].mime_type.as_deref(), Some("application/json"));

            let prompts = client
                .list_all_prompts()
                .await
                .unwrap_or_else(|e| panic!("{ctx}: {e}"));
            let names: Vec<&str> = prompts.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(names, ["outreach", "review"], "{ctx}");
            assert_eq!(prompts[0].title.as_deref(), Some("Outreach"));
            let args: Vec<(&str, Option<bool>)> = prompts[0]
                .arguments
                .iter()
                .flatten()
                .map(|a| (a.name.as_str(), a.required))
                .collect();
            assert_eq!(args, [("captain", Some(true)), ("tone", Some(false))]);
        }
    }
}

#[tokio::test]
async fn a_static_resource_is_the_embedded_file_and_calls_nothing() {
    for version in &VERSIONS {
        let (upstream, served) = setup(false).await;
        let client = connect(&served, version).await;
        let result = read(&client, "docs://fleet/guide").await.expect("read");
        let (uri, mime, body) = text(&result);
        assert_eq!(uri, "docs://fleet/guide");
        assert_eq!(mime.as_deref(), Some("text/markdown"));
        assert_eq!(body, GUIDE);
        assert!(upstream.requests().is_empty());
    }
}

#[tokio::test]
async fn a_dynamic_resource_is_the_calls_shaped_answer() {
    for version in &VERSIONS {
        let (upstream, served) = setup(true).await;
        let client = connect(&served, version).await;
        upstream.push(Scripted::json(
            200,
            &json!({"ships": [{"name": "Northern Star", "imo": "1"}, {"name": "Aurora"}]}),
        ));
        let result = read(&client, "data://fleet/north").await.expect("read");
        let (uri, mime, body) = text(&result);
        assert_eq!(uri, "data://fleet/north");
        assert_eq!(mime.as_deref(), Some("application/json"));
        let body: Value = serde_json::from_str(&body).expect("JSON text");
        assert_eq!(body, json!(["Northern Star", "Aurora"]), "{version}");
        let r = upstream.only_request();
        assert_eq!((r.method.as_str(), r.path()), ("GET", "/fleet"));
        assert_eq!(r.query_pairs(), ["region=north"]);
    }
}

#[tokio::test]
async fn a_templated_resource_feeds_its_variables_to_the_call() {
    let (upstream, served) = setup(false).await;
    let client = connect(&served, &ProtocolVersion::V_2025_11_25).await;
    upstream.push(Scripted::json(
        200,
        &json!({"imo_number": "IMO 9321483", "vessel_name": "Aurora", "secret": "x"}),
    ));
    let result = read(&client, "data://ships/IMO%209321483")
        .await
        .expect("read");
    let (uri, _, body) = text(&result);
    assert_eq!(uri, "data://ships/IMO%209321483");
    let body: Value = serde_json::from_str(&body).expect("JSON text");
    assert_eq!(body, json!({"imo": "IMO 9321483", "name": "Aurora"}));
    // Decoded from the URI, encoded again as one path segment.
    assert_eq!(upstream.only_request().path(), "/ships/IMO%209321483");
}

#[tokio::test]
async fn unknown_resources_are_not_found_and_upstream_failures_are_errors() {
    for version in &VERSIONS {
        let (upstream, served) = setup(false).await;
        let client = connect(&served, version).await;
        // -32002 for the generations before 2026-07-28, which says -32602.
        let not_found = if *version == ProtocolVersion::V_2026_07_28 {
            ErrorCode::INVALID_PARAMS
        } else {
            ErrorCode::RESOURCE_NOT_FOUND
        };
        for uri in [
            "docs://fleet/nothing",
            "data://ships/",
            "data://ships/a/b",
            "docs://fleet/guide/",
        ] {
            let e = read(&client, uri).await.expect_err(uri);
            assert_eq!(error_code(&e), not_found, "{version} {uri}: {e}");
        }
        assert!(upstream.requests().is_empty());

        upstream.push(Scripted::message(404, "no such ship"));
        let e = read(&client, "data://ships/IMO-0")
            .await
            .expect_err("upstream 404");
        assert_eq!(error_code(&e), ErrorCode::INTERNAL_ERROR, "{version}: {e}");
        assert!(e.to_string().contains("404"), "{e}");
    }
}

#[tokio::test]
async fn prompts_are_rendered_from_their_arguments() {
    for version in &VERSIONS {
        let (_upstream, served) = setup(false).await;
        let client = connect(&served, version).await;
        let r = prompt(
            &client,
            "outreach",
            json!({"captain": "Nemo", "tone": "warm"}),
        )
        .await
        .expect("rendered");
        assert_eq!(
            r.description.as_deref(),
            Some("Draft a message to a captain")
        );
        assert_eq!(
            messages(&r),
            [
                (
                    Role::User,
                    "Write to captain Nemo in a warm tone.".to_string()
                ),
                (Role::Assistant, "I will draft it.".to_string()),
            ],
            "{version}"
        );
        // An optional argument left out is empty text.
        let r = prompt(&client, "outreach", json!({"captain": "Ahab"}))
            .await
            .expect("rendered");
        assert_eq!(messages(&r)[0].1, "Write to captain Ahab in a  tone.");
        // From a file: one user message.
        let r = prompt(&client, "review", json!({"ship": "Aurora"}))
            .await
            .expect("rendered");
        assert_eq!(
            messages(&r),
            [(
                Role::User,
                "Review the voyage of Aurora and list what went wrong.\n".to_string()
            )]
        );
    }
}

#[tokio::test]
async fn prompt_mistakes_are_invalid_params() {
    for version in &VERSIONS {
        let (_upstream, served) = setup(false).await;
        let client = connect(&served, version).await;
        for (name, args, says) in [
            (
                "no-such-prompt",
                json!({}),
                "unknown prompt `no-such-prompt`",
            ),
            (
                "outreach",
                json!({"tone": "warm"}),
                "missing required argument `captain`",
            ),
            (
                "outreach",
                json!({"captain": 7}),
                "argument `captain` must be a string",
            ),
            (
                "outreach",
                json!({"captain": "Nemo", "ship": "x"}),
                "unknown argument `ship`",
            ),
        ] {
            let e = prompt(&client, name, args).await.expect_err(says);
            assert_eq!(error_code(&e), ErrorCode::INVALID_PARAMS, "{version}: {e}");
            assert!(e.to_string().contains(says), "{version}: {e}");
        }
    }
}

/// The framework's own example (`naftiko-framework-mcp-resources-prompts-capability.yaml` of
/// the corpus) compiles and serves: its templated resource feeds `{{userId}}` to the consumed
/// path, and its prompts render.
#[allow(deprecated)] // The spec's lint warnings (a `consumes` without `description`).
mod framework {
    naftiko_runtime::naftiko_capability!(
        "corpus/naftiko-framework-mcp-resources-prompts-capability.yaml"
    );
}

#[tokio::test]
async fn the_frameworks_resources_and_prompts_example_serves() {
    let upstream = Upstream::start().await;
    let upstreams = framework::Upstreams {
        mock_api: framework::mock_api::Client::builder()
            .base_uri(upstream.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    };
    let stop = CancellationToken::new();
    let router = naftiko_runtime::mcp::router(
        framework::test_mcp_resources_prompts::server(upstreams),
        &HttpOptions::default(),
        stop.child_token(),
    );
    let served = serve_with(stop, router).await;
    let client = connect(&served, &ProtocolVersion::V_2025_11_25).await;
    let listed = client.list_all_resources().await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].uri, "data://databases/pre-release/schema");
    let templates = client
        .list_all_resource_templates()
        .await
        .expect("templates");
    assert_eq!(templates[0].uri_template, "data://users/{userId}/profile");

    upstream.push(Scripted::json(200, &json!({"results": [{"id": "p1"}]})));
    let result = read(&client, "data://users/u-42/profile")
        .await
        .expect("read");
    let (_, mime, body) = text(&result);
    assert_eq!(mime.as_deref(), Some("application/json"));
    assert_eq!(
        serde_json::from_str::<Value>(&body).expect("JSON"),
        json!({"results": [{"id": "p1"}]})
    );
    let r = upstream.only_request();
    assert_eq!(
        (r.method.as_str(), r.path()),
        ("POST", "/databases/u-42/query")
    );
    assert_eq!(
        r.json(),
        json!({"filter": {"property": "Status", "select": {"equals": "Committed"}}})
    );

    let r = prompt(
        &client,
        "summary-prompt",
        json!({"data": "a, b", "format": "table"}),
    )
    .await
    .expect("rendered");
    assert_eq!(
        messages(&r),
        [
            (
                Role::User,
                "Summarize the following data in table format:\n\na, b".to_string()
            ),
            (
                Role::Assistant,
                "I'll summarize the data for you.".to_string()
            ),
            (Role::User, "Please focus on the key insights.".to_string()),
        ]
    );
}

/// Over stdio (here a pipe in memory, as `serve_stdio` uses stdin/stdout), resources and
/// prompts are served by the same handler.
#[tokio::test]
async fn resources_and_prompts_are_served_over_a_byte_stream_as_over_stdio() {
    let upstream = Upstream::start().await;
    let upstreams = Upstreams {
        registry: registry::Client::builder()
            .base_uri(upstream.url())
            .build()
            .expect("client"),
    };
    let (server_io, client_io) = tokio::io::duplex(64 * 1024);
    let server = fleet_mcp::server(upstreams);
    tokio::spawn(async move {
        let (r, w) = tokio::io::split(server_io);
        if let Ok(running) = server.serve((r, w)).await {
            let _ = running.waiting().await;
        }
    });
    let (r, w) = tokio::io::split(client_io);
    let client = ClientConfig::default().serve((r, w)).await.expect("client");
    let result = read(&client, "docs://fleet/guide").await.expect("read");
    assert_eq!(text(&result).2, GUIDE);
    let r = prompt(&client, "review", json!({"ship": "Vega"}))
        .await
        .expect("rendered");
    assert_eq!(
        messages(&r)[0].1,
        "Review the voyage of Vega and list what went wrong.\n"
    );
}
