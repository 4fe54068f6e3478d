//! The `billjob` binary as a person or a script runs it: help, version, start-up logs in
//! both formats, options from the environment, and the secret kept out of all of them.

use std::process::Command;

mod common;
use common::{Running, billjob, url_in};

const SECRET: &str = "billjob-test-secret-4b1d";

fn output(command: &mut Command) -> (bool, String, String) {
    let out = command.output().expect("run billjob");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_and_version_come_from_the_definition_and_hide_the_key() {
    let (ok, help, _) = output(billjob().env("M3TER_API_KEY", SECRET).arg("--help"));
    assert!(ok);
    for expected in [
        "--rest-addr",
        "--sandbox-step-ms",
        "--sandbox-job-ttl-secs",
        "--sandbox-max-jobs-per-org",
        "--log-format",
        "[env: BILLJOB_REST_ADDR=]",
        "[env: M3TER_API_KEY]",
        "[default: 2000]",
        "[default: 3600]",
        "[default: 10000]",
    ] {
        assert!(
            help.contains(expected),
            "{expected:?} missing from:\n{help}"
        );
    }
    assert!(!help.contains(SECRET), "{help}");
    let (ok, version, _) = output(billjob().arg("--version"));
    assert!(ok);
    assert_eq!(
        version.trim(),
        format!("billjob {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn bad_options_exit_2_with_a_usage_message() {
    let out = billjob()
        .args(["--sandbox-step-ms", "soon"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--sandbox-step-ms"), "{stderr}");
    assert!(stderr.contains("whole number of milliseconds"), "{stderr}");
}

#[test]
fn a_start_up_failure_is_logged_without_the_key_and_exits_1() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = busy.local_addr().expect("addr").to_string();
    let out = billjob()
        .env("M3TER_API_KEY", SECRET)
        .args([
            "--sandbox",
            "--rest-addr",
            &addr,
            "--mcp-addr",
            "127.0.0.1:0",
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("ERROR"), "{stderr}");
    assert!(
        stderr.contains(&addr) && stderr.contains("in use"),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET), "{stderr}");
}

#[tokio::test]
async fn the_sandbox_serves_rest_with_options_from_the_environment_and_json_logs() {
    let mut running = Running::start(
        billjob()
            .env("M3TER_API_KEY", SECRET)
            .env("BILLJOB_SANDBOX", "true")
            .env("BILLJOB_REST_ADDR", "127.0.0.1:0")
            .env("BILLJOB_MCP_ADDR", "127.0.0.1:0")
            .env("BILLJOB_LOG_FORMAT", "json")
            .env("BILLJOB_SANDBOX_STEP_MS", "60000"),
    );
    let rest = running.wait_for("REST: http://");
    running.wait_for("BillJob sandbox at http://");
    let base = url_in(&rest);
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let jobs = format!("{base}/v1/organizations/org1/billjobs");
    let created: serde_json::Value = http
        .post(&jobs)
        .header("Authorization", "Bearer anything")
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("JSON");
    assert_eq!(created["status"], "PENDING", "{created}");
    let listed = http
        .get(&jobs)
        .header("Authorization", "Bearer anything")
        .send()
        .await
        .expect("list");
    assert_eq!(listed.status(), 200);
    let page: serde_json::Value = listed.json().await.expect("JSON");
    assert_eq!(page["data"][0]["id"], created["id"]);
    // Every line so far is a JSON object with a message, and none holds the key.
    running.wait_for("billjob sandbox request");
    for line in &running.seen {
        let event: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(event["message"].is_string(), "{line}");
        assert!(!line.contains(SECRET), "{line}");
    }
}

#[test]
fn text_logs_name_the_sandbox_address_and_a_generated_token_is_never_shown() {
    let mut running = Running::start(billjob().args([
        "--sandbox",
        "--rest-addr",
        "127.0.0.1:0",
        "--mcp-addr",
        "127.0.0.1:0",
    ]));
    let line = running.wait_for("BillJob sandbox at http://");
    assert!(line.contains(" INFO "), "{line}");
    assert!(line.contains("a random token was generated"), "{line}");
    let rest = running
        .seen
        .iter()
        .find(|line| line.contains("REST: http://"))
        .expect("REST line");
    assert!(rest.contains("/openapi.json"), "{rest}");
    assert!(
        running
            .seen
            .iter()
            .all(|line| !line.contains("Bearer") && line.len() < 400)
    );
}

#[tokio::test]
async fn rest_refuses_foreign_hosts_and_cross_site_origins_like_mcp() {
    let mut running = Running::start(billjob().args([
        "--sandbox",
        "--rest-addr",
        "127.0.0.1:0",
        "--mcp-addr",
        "127.0.0.1:0",
        "--allowed-hosts",
        "gw.example.com",
    ]));
    let base = url_in(&running.wait_for("REST: http://"));
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client");
    let cancel = format!("{base}/v1/organizations/org1/billjobs/some-job/cancel");
    // A page on another site posting without preflight (form-like content type).
    let from_page = http
        .post(&cancel)
        .header("Origin", "https://evil.example")
        .header("Content-Type", "text/plain")
        .body("{}")
        .send()
        .await
        .expect("answer");
    assert_eq!(from_page.status(), 403);
    let problem: serde_json::Value = from_page.json().await.expect("problem JSON");
    assert!(
        problem["detail"].as_str().unwrap_or("").contains("Origin"),
        "{problem}"
    );
    // A rebound DNS name.
    let rebound = http
        .get(format!("{base}/healthz"))
        .header("Host", "evil.example:8080")
        .send()
        .await
        .expect("answer");
    assert_eq!(rebound.status(), 403);
    // Loopback, an allowed name, and a same-host origin pass.
    for host in ["127.0.0.1", "gw.example.com:443"] {
        let ok = http
            .get(format!("{base}/healthz"))
            .header("Host", host)
            .send()
            .await
            .expect("answer");
        assert_eq!(ok.status(), 200, "{host}");
    }
    let local_page = http
        .get(format!("{base}/healthz"))
        .header("Origin", "http://localhost:3000")
        .send()
        .await
        .expect("answer");
    assert_eq!(local_page.status(), 200);
}
