//! Ikanos beta5 (issue 16): an MCP adapter's `ttlMs` and `cacheScope` are the freshness hints
//! (SEP-2549) of every cacheable result it gives: `tools/list`, `resources/list`,
//! `resources/templates/list`, `prompts/list` and `resources/read`, on each protocol revision.
//! `tests/specs/cache-hints.yaml` is a beta5 spec; an adapter without hints leaves them to rmcp.

use naftiko_runtime::mcp::HttpOptions;
use naftiko_runtime::serve::CancellationToken;
use naftiko_tests::{Scripted, Served, Upstream, serve_with};
use rmcp::model::{CacheScope, ClientConfig, ProtocolVersion, ReadResourceRequestParams};
use rmcp::service::{RoleClient, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{ClientLifecycleMode, ClientServiceExt, ServiceExt};
use serde_json::json;
use std::time::Duration;

mod fleet {
    naftiko_runtime::naftiko_capability!("specs/cache-hints.yaml");
}
use fleet::{Upstreams, fleet_mcp, registry};

type McpClient = RunningService<RoleClient, ClientConfig>;

async fn setup() -> (Upstream, Served) {
    let upstream = Upstream::start().await;
    let upstreams = Upstreams {
        registry: registry::Client::builder()
            .base_uri(upstream.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    };
    let stop = CancellationToken::new();
    let router = naftiko_runtime::mcp::router(
        fleet_mcp::server(upstreams),
        &HttpOptions::default(),
        stop.child_token(),
    );
    (upstream, serve_with(stop, router).await)
}

async fn connect(served: &Served, version: &ProtocolVersion) -> McpClient {
    let transport = StreamableHttpClientTransport::from_uri(format!("{}/mcp", served.url()));
    if *version == ProtocolVersion::V_2026_07_28 {
        ClientConfig::default()
            .serve_with_lifecycle(
                transport,
                ClientLifecycleMode::Discover {
                    preferred_versions: vec![ProtocolVersion::V_2026_07_28],
                },
            )
            .await
            .unwrap_or_else(|e| panic!("discover: {e}"))
    } else {
        let mut info = ClientConfig::default();
        info.protocol_version = version.clone();
        info.serve(transport)
            .await
            .unwrap_or_else(|e| panic!("initialize with {version}: {e}"))
    }
}

#[tokio::test]
async fn every_cacheable_result_carries_the_adapters_hints() {
    let expected = (Some(60_000), Some(CacheScope::Public));
    for version in [
        ProtocolVersion::V_2026_07_28,
        ProtocolVersion::V_2025_11_25,
        ProtocolVersion::V_2025_06_18,
    ] {
        let (upstream, served) = setup().await;
        let client = connect(&served, &version).await;
        let tools = client.list_tools(None).await.expect("tools/list");
        assert_eq!(tools.tools.len(), 1, "{version}");
        assert_eq!(
            (tools.ttl_ms, tools.cache_scope),
            expected,
            "tools/list {version}"
        );
        let r = client.list_resources(None).await.expect("resources/list");
        assert_eq!(r.resources.len(), 1, "{version}");
        assert_eq!(
            (r.ttl_ms, r.cache_scope),
            expected,
            "resources/list {version}"
        );
        let r = client
            .list_resource_templates(None)
            .await
            .expect("resources/templates/list");
        assert_eq!(r.resource_templates.len(), 1, "{version}");
        assert_eq!((r.ttl_ms, r.cache_scope), expected, "templates {version}");
        let r = client.list_prompts(None).await.expect("prompts/list");
        assert_eq!(r.prompts.len(), 1, "{version}");
        assert_eq!(
            (r.ttl_ms, r.cache_scope),
            expected,
            "prompts/list {version}"
        );

        let r = client
            .read_resource(ReadResourceRequestParams::new("docs://fleet/guide"))
            .await
            .expect("static read");
        assert_eq!((r.ttl_ms, r.cache_scope), expected, "static read {version}");
        upstream.push(Scripted::json(200, &json!({"imo": "1", "name": "Aurora"})));
        let r = client
            .read_resource(ReadResourceRequestParams::new("data://ships/1"))
            .await
            .expect("dynamic read");
        assert_eq!(
            (r.ttl_ms, r.cache_scope),
            expected,
            "dynamic read {version}"
        );
        assert_eq!(upstream.only_request().path(), "/ships/1");
    }
}
