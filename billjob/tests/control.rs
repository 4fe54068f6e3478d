//! The management plane (`--control-addr`, `--no-control`): liveness, readiness once the
//! upstream and every adapter are in place, and the adapters' own `/healthz` unchanged.

mod common;
use common::{Running, billjob, url_in};

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

#[tokio::test]
async fn the_control_port_answers_liveness_and_readiness_once_every_adapter_is_bound() {
    let mut running = Running::start(
        billjob()
            .env("BILLJOB_SANDBOX", "true")
            .env("BILLJOB_REST_ADDR", "127.0.0.1:0")
            .env("BILLJOB_MCP_ADDR", "127.0.0.1:0"),
    );
    let control = url_in(&running.wait_for("control: http://"));
    let rest = url_in(&running.wait_for("REST: http://"));
    running.wait_for("MCP: http://");
    let http = http();
    let live = http
        .get(format!("{control}/health/live"))
        .send()
        .await
        .expect("live");
    assert_eq!(live.status(), 200);
    let body: serde_json::Value = live.json().await.expect("JSON");
    assert_eq!(body["status"], "UP", "{body}");
    let ready = http
        .get(format!("{control}/health/ready"))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.expect("JSON");
    assert_eq!(body["status"], "UP", "{body}");
    // The management routes are not on the adapters, and the adapters' /healthz still is.
    let healthz = http
        .get(format!("{rest}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(healthz.status(), 200);
    let not_here = http
        .get(format!("{rest}/health/ready"))
        .send()
        .await
        .expect("answer");
    assert_eq!(not_here.status(), 404);
    // The requests just made are counted per adapter, operation and status.
    let (text, scrape) = scrape(&http, &control).await;
    let count = |operation: &str, status: &str| {
        sample(
            &scrape,
            "naftiko_requests_total",
            &[
                ("adapter", "REST"),
                ("operation", operation),
                ("status", status),
            ],
        )
    };
    assert_eq!(count("/healthz", "200"), Some(1.0), "{text}");
    assert_eq!(count("(unmatched)", "404"), Some(1.0), "{text}");
    assert!(
        scrape
            .samples
            .iter()
            .any(|s| s.metric == "naftiko_request_duration_seconds_count"
                && s.labels.get("operation") == Some("/healthz")),
        "{text}"
    );
    assert!(
        scrape
            .samples
            .iter()
            .any(|s| s.metric == "naftiko_requests_in_flight"
                && s.labels.get("adapter") == Some("MCP")),
        "{text}"
    );
}

#[tokio::test]
async fn no_control_serves_no_management_address() {
    let mut running = Running::start(
        billjob()
            .env("BILLJOB_SANDBOX", "true")
            .env("BILLJOB_REST_ADDR", "127.0.0.1:0")
            .env("BILLJOB_MCP_ADDR", "127.0.0.1:0")
            .env_remove("BILLJOB_CONTROL_ADDR")
            .arg("--no-control"),
    );
    running.wait_for("MCP: http://");
    assert!(
        !running.seen.iter().any(|l| l.contains("control: http://")),
        "{:?}",
        running.seen
    );
}

#[test]
fn help_names_the_control_options_and_their_variables() {
    let out = billjob().arg("--help").output().expect("run billjob");
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--control-addr"), "{help}");
    assert!(help.contains("BILLJOB_CONTROL_ADDR"), "{help}");
    assert!(help.contains("--no-control"), "{help}");
}

#[test]
fn a_taken_default_control_port_is_a_warning_and_a_taken_explicit_one_an_error() {
    // Hold the default port (if something else already holds it, it is taken all the same).
    let held = std::net::TcpListener::bind("127.0.0.1:9091").ok();
    let mut running = Running::start(
        billjob()
            .env("BILLJOB_SANDBOX", "true")
            .env("BILLJOB_REST_ADDR", "127.0.0.1:0")
            .env("BILLJOB_MCP_ADDR", "127.0.0.1:0")
            .env_remove("BILLJOB_CONTROL_ADDR"),
    );
    let warning = running.wait_for("no management plane");
    assert!(warning.contains("127.0.0.1:9091"), "{warning}");
    // The adapters are served all the same.
    running.wait_for("REST: http://");
    running.wait_for("MCP: http://");
    drop(running);

    // An address given explicitly must be served: billjob stops with the reason.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = taken.local_addr().expect("its address").to_string();
    let out = billjob()
        .env("BILLJOB_SANDBOX", "true")
        .env("BILLJOB_REST_ADDR", "127.0.0.1:0")
        .env("BILLJOB_MCP_ADDR", "127.0.0.1:0")
        .env("BILLJOB_CONTROL_ADDR", &addr)
        .output()
        .expect("run billjob");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen for control on {addr}")),
        "{stderr}"
    );
    drop(held);
}

#[tokio::test]
async fn upstream_exchanges_and_tool_calls_are_measured() {
    let mut running = Running::start(
        billjob()
            .env("BILLJOB_SANDBOX", "true")
            .env("BILLJOB_STATELESS", "true")
            .env("BILLJOB_REST_ADDR", "127.0.0.1:0")
            .env("BILLJOB_MCP_ADDR", "127.0.0.1:0"),
    );
    let control = url_in(&running.wait_for("control: http://"));
    let rest = url_in(&running.wait_for("REST: http://"));
    let mcp = url_in(&running.wait_for("MCP: http://"));
    let http = http();
    let listed = http
        .get(format!("{rest}/v1/organizations/org-1/billjobs"))
        .send()
        .await
        .expect("list");
    assert_eq!(listed.status(), 200);
    let missing = http
        .get(format!(
            "{rest}/v1/organizations/org-1/billjobs/no-such-job"
        ))
        .send()
        .await
        .expect("get");
    assert_eq!(missing.status(), 404);
    for (id, arguments) in [
        (1, serde_json::json!({"orgId": "org-1"})),
        (2, serde_json::json!({})),
    ] {
        let answer = http
            .post(format!("{mcp}/mcp"))
            .header("Accept", "application/json, text/event-stream")
            .header("MCP-Protocol-Version", "2025-11-25")
            .json(
                &serde_json::json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                "params": {"name": "list-billjobs", "arguments": arguments}}),
            )
            .send()
            .await
            .expect("tools/call");
        assert_eq!(answer.status(), 200);
    }
    let (text, scrape) = scrape(&http, &control).await;
    let value = |metric: &str, labels: &[(&str, &str)]| sample(&scrape, metric, labels);
    let upstream = |operation: &str, status: &str| {
        value(
            "naftiko_upstream_requests_total",
            &[
                ("api", "m3ter-billjob"),
                ("operation", operation),
                ("status", status),
            ],
        )
    };
    // REST and MCP each listed once through the same client.
    assert_eq!(upstream("listbilljobs", "200"), Some(2.0), "{text}");
    assert_eq!(upstream("getbilljob", "404"), Some(1.0), "{text}");
    assert!(
        scrape.samples.iter().any(|s| s.metric
            == "naftiko_upstream_request_duration_seconds_count"
            || (s.metric == "naftiko_upstream_request_duration_seconds"
                && s.labels.get("operation") == Some("listbilljobs"))),
        "{text}"
    );
    let tool = |outcome: &str| {
        value(
            "naftiko_tool_calls_total",
            &[("tool", "list-billjobs"), ("outcome", outcome)],
        )
    };
    assert_eq!(tool("ok"), Some(1.0), "{text}");
    assert_eq!(tool("invalid"), Some(1.0), "{text}");
}

/// `/metrics` of the control address: its text, parsed by a Prometheus text-format parser.
async fn scrape(http: &reqwest::Client, control: &str) -> (String, prometheus_parse::Scrape) {
    let text = http
        .get(format!("{control}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_string())))
        .unwrap_or_else(|e| panic!("{e}: {text}"));
    (text, scrape)
}

/// The value of the sample of `metric` with `labels` (a histogram: its count).
fn sample(scrape: &prometheus_parse::Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match s.value {
            prometheus_parse::Value::Counter(v)
            | prometheus_parse::Value::Gauge(v)
            | prometheus_parse::Value::Untyped(v) => v,
            prometheus_parse::Value::Histogram(ref h) => h.last().map_or(0.0, |b| b.count),
            ref other => panic!("{other:?}"),
        })
}

#[tokio::test]
async fn the_log_level_changes_while_billjob_runs() {
    let mut running = Running::start(
        billjob()
            .env("BILLJOB_SANDBOX", "true")
            .env("BILLJOB_REST_ADDR", "127.0.0.1:0")
            .env("BILLJOB_MCP_ADDR", "127.0.0.1:0"),
    );
    let control = url_in(&running.wait_for("control: http://"));
    let rest = url_in(&running.wait_for("REST: http://"));
    running.wait_for("MCP: http://");
    let http = http();
    let levels: serde_json::Value = http
        .get(format!("{control}/logs"))
        .send()
        .await
        .expect("logs")
        .json()
        .await
        .expect("JSON");
    assert_eq!(levels["level"], "info", "{levels}");
    let request = |id: &'static str| {
        http.get(format!("{rest}/healthz"))
            .header("x-request-id", id)
            .send()
    };
    let put = |path: &str, level: &str| {
        http.put(format!("{control}{path}"))
            .json(&serde_json::json!({ "level": level }))
            .send()
    };
    request("req-logged-1").await.expect("healthz");
    running.wait_for("req-logged-1");
    // Off for the request log's target: its next request leaves no line.
    let r = put("/logs/naftiko::rest", "off").await.expect("put");
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.expect("JSON");
    assert_eq!(body["loggers"]["naftiko::rest"], "off", "{body}");
    request("req-silent-2").await.expect("healthz");
    // Back on: the next one is logged, and the silent one never was.
    assert_eq!(
        put("/logs/naftiko::rest", "info")
            .await
            .expect("put")
            .status(),
        200
    );
    request("req-logged-3").await.expect("healthz");
    running.wait_for("req-logged-3");
    assert!(
        !running.seen.iter().any(|l| l.contains("req-silent-2")),
        "{:#?}",
        running.seen
    );
    // Not a level, not a logger: 400, nothing changed.
    assert_eq!(put("/logs", "loud").await.expect("put").status(), 400);
    assert_eq!(put("/logs/a=b", "debug").await.expect("put").status(), 400);
    let levels: serde_json::Value = http
        .get(format!("{control}/logs"))
        .send()
        .await
        .expect("logs")
        .json()
        .await
        .expect("JSON");
    assert_eq!(levels["level"], "info", "{levels}");
}
