//! Ikanos beta5 (issue 16): an MCP adapter's `ttlMs` and `cacheScope` are the freshness hints
//! (SEP-2549) of every cacheable result it gives: `tools/list`, `resources/list`,
//! `resources/templates/list`, `prompts/list` and `resources/read`, on each protocol revision.
//! `tests/specs/cache-hints.yaml` is a beta5 spec; an adapter without hints leaves them to rmcp.

use naftiko_tests::mcp_client::{connect_as as connect, serve_mcp};
use naftiko_tests::{Scripted, Served, Upstream};
use rmcp::model::{CacheScope, ProtocolVersion, ReadResourceRequestParams};
use serde_json::json;
use std::time::Duration;

mod fleet {
    naftiko_runtime::naftiko_capability!("specs/cache-hints.yaml");
}
use fleet::{Upstreams, fleet_mcp, registry};

async fn setup() -> (Upstream, Served) {
    let upstream = Upstream::start().await;
    let upstreams = Upstreams {
        registry: registry::Client::builder()
            .base_uri(upstream.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
    };
    (upstream, serve_mcp(fleet_mcp::server(upstreams)).await)
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
