//! Issue 12: billjob authenticating to its upstream with an m3ter API key (client id and
//! secret exchanged at `/oauth/token`, as m3ter's SDKs do) instead of a bearer token. The
//! binary runs with `--sandbox`, whose tokens here live 2 s, and answers REST calls back to
//! back across several token lifetimes without one failure (the sandbox answers an expired
//! token 403, which is not retried: only renewal ahead of expiry keeps every call at 200).

use std::time::{Duration, Instant};

mod common;
use common::{Running, billjob, url_in};

const SECRET: &str = "api-s3cret-41b7";

#[tokio::test]
async fn billjob_renews_expiring_m3ter_tokens_without_a_failed_request() {
    let mut running = Running::start(
        billjob()
            .args([
                "--sandbox",
                "--client-id",
                "access-key-id",
                "--sandbox-token-lifetime-secs",
                "2",
                "--rest-addr",
                "127.0.0.1:0",
                "--mcp-addr",
                "127.0.0.1:0",
            ])
            .env("M3TER_CLIENT_SECRET", SECRET),
    );
    let rest = url_in(&running.wait_for("REST: http://"));
    let upstream = running.wait_for("upstream:");
    assert!(upstream.contains("/oauth/token"), "{upstream}");
    let http = reqwest::Client::new();
    let list = format!("{rest}/v1/organizations/org-1/billjobs");
    let started = Instant::now();
    let mut calls = 0;
    while started.elapsed() < Duration::from_millis(6500) {
        let resp = http.get(&list).send().await.expect("REST answers");
        let status = resp.status();
        let body = resp.text().await.unwrap_or_default();
        assert_eq!(
            status,
            200,
            "call {calls} after {:?}: {body}",
            started.elapsed()
        );
        calls += 1;
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(calls > 50, "{calls} calls");
    // The secret never reaches the log.
    let seen = running.drain();
    assert!(!seen.iter().any(|l| l.contains(SECRET)), "{seen:#?}");
    // Token requests are sandbox requests like any other: 2 s tokens renewed a second early.
    let token_requests = seen
        .iter()
        .filter(|l| l.contains("billjob sandbox request") && l.contains("/oauth/token"))
        .count();
    assert!(
        (5..=9).contains(&token_requests),
        "{token_requests} token requests: {seen:#?}"
    );
}

#[test]
fn a_client_id_needs_its_secret_and_help_documents_the_options() {
    let out = billjob()
        .args(["--sandbox", "--client-id", "id-only"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let help = billjob().arg("--help").output().expect("help");
    let help = String::from_utf8_lossy(&help.stdout);
    for needle in [
        "--client-id <ID>",
        "--client-secret <SECRET>",
        "--token-url <URL>",
        "--sandbox-token-lifetime-secs <SECS>",
        "M3TER_CLIENT_ID",
        "M3TER_CLIENT_SECRET",
    ] {
        assert!(help.contains(needle), "{needle} missing from --help");
    }
}
