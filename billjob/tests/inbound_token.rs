//! The operator's inbound bearer token (`--inbound-token-env`, `BILLJOB_INBOUND_TOKEN`): REST
//! and MCP over HTTP refuse requests without it, accept them with it, and never show it.

use std::process::Command;

mod common;
use common::{Running, billjob, url_in};

const INBOUND: &str = "inbound-token-7c2e";

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"#;

async fn check(rest: &str, mcp: &str) {
    let http = reqwest::Client::new();
    let list = format!("{rest}/v1/organizations/org-1/billjobs");
    let mcp = format!("{mcp}/mcp");
    let post_mcp = |auth: Option<&str>| {
        let mut r = http
            .post(&mcp)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(INITIALIZE);
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.send()
    };
    for auth in [
        None,
        Some("Bearer wrong"),
        Some(&*format!("Basic {INBOUND}")),
    ] {
        let mut r = http.get(&list);
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        let resp = r.send().await.expect("REST answers");
        assert_eq!(resp.status(), 401, "REST with {auth:?}");
        let challenge = resp.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            challenge.starts_with("Bearer realm=\"billjob\""),
            "{challenge}"
        );
        let body = resp.text().await.unwrap();
        assert!(!body.contains(INBOUND), "{body}");
        let resp = post_mcp(auth).await.expect("MCP answers");
        assert_eq!(resp.status(), 401, "MCP with {auth:?}");
        assert!(resp.headers().contains_key("www-authenticate"));
    }
    let bearer = format!("Bearer {INBOUND}");
    let resp = http
        .get(&list)
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        200,
        "{}",
        resp.text().await.unwrap_or_default()
    );
    let resp = post_mcp(Some(&bearer)).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.text().await.unwrap().contains("protocolVersion"));
    // Health stays open for probes.
    let resp = http.get(format!("{rest}/healthz")).send().await.unwrap();
    assert_eq!(resp.status(), 200);
}

fn start(command: &mut Command) -> (Running, String, String) {
    let mut running = Running::start(command.args([
        "--sandbox",
        "--rest-addr",
        "127.0.0.1:0",
        "--mcp-addr",
        "127.0.0.1:0",
    ]));
    let rest = url_in(&running.wait_for("REST: http://"));
    let mcp = url_in(&running.wait_for("MCP: http://"));
    running.wait_for("upstream:");
    (running, rest, mcp)
}

#[tokio::test]
async fn billjob_inbound_token_protects_rest_and_mcp() {
    let (running, rest, mcp) = start(billjob().env("BILLJOB_INBOUND_TOKEN", INBOUND));
    assert!(
        running
            .seen
            .iter()
            .any(|l| l.contains("inbound authentication")),
        "{:#?}",
        running.seen
    );
    check(&rest, &mcp).await;
    assert!(!running.seen.iter().any(|l| l.contains(INBOUND)));
}

#[tokio::test]
async fn inbound_token_env_names_the_variable() {
    let (_running, rest, mcp) = start(
        billjob()
            .args(["--inbound-token-env", "GW_TOKEN"])
            .env("GW_TOKEN", INBOUND),
    );
    check(&rest, &mcp).await;
}

#[test]
fn a_named_variable_that_is_unset_stops_start_up_and_help_documents_the_option() {
    let out = billjob()
        .args(["--sandbox", "--inbound-token-env", "GW_TOKEN_UNSET"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("GW_TOKEN_UNSET"), "{stderr}");
    let help = billjob().arg("--help").output().expect("help");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--inbound-token-env <NAME>"), "{help}");
    assert!(help.contains("BILLJOB_INBOUND_TOKEN"), "{help}");
}

#[tokio::test]
async fn without_a_token_nothing_is_required() {
    let (_running, rest, _mcp) = start(&mut billjob());
    let resp = reqwest::get(format!("{rest}/v1/organizations/org-1/billjobs"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}
