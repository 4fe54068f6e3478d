//! Issue 10: `script` steps on the wire. `tests/specs/scripts.yaml` filters an upstream's
//! answer with JavaScript (a dependency file, inputs, `with` values, earlier steps' answers,
//! a script reading another script's answer) on REST and MCP; its control adapter's timeout
//! stops an endless script. `scripts-statements.yaml` has a statement limit instead;
//! `scripts-deployed.yaml` and `scripts-missing.yaml` read their files at start-up from an
//! absolute location. The syntax error located at compile time is `ui/script-syntax-error`.

use naftiko_runtime::reqwest;
use naftiko_runtime::scripts::Scripts;
use naftiko_tests::mcp_client::{call_tool, result_json, serve_and_connect};
use naftiko_tests::{Scripted, Served, Upstream, serve};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

mod scripts {
    naftiko_runtime::naftiko_capability!("specs/scripts.yaml");
}
mod statements {
    naftiko_runtime::naftiko_capability!("specs/scripts-statements.yaml");
}
mod deployed {
    naftiko_runtime::naftiko_capability!("specs/scripts-deployed.yaml");
}
mod missing {
    naftiko_runtime::naftiko_capability!("specs/scripts-missing.yaml");
}

fn no_env(_: &str) -> Option<String> {
    None
}

async fn world_with(env: fn(&str) -> Option<String>) -> (Upstream, scripts::Upstreams) {
    let github = Upstream::start().await;
    let ups = scripts::Upstreams {
        github: scripts::github::Client::builder()
            .base_uri(github.url())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
        scripts: Scripts::load(&scripts::SCRIPTS, &env).expect("scripts"),
    };
    (github, ups)
}

async fn rest() -> (Upstream, Served) {
    let (github, ups) = world_with(no_env).await;
    (github, serve(scripts::scripts_rest::router(ups)).await)
}

async fn get(served: &Served, path: &str) -> (u16, Value) {
    let resp = reqwest::get(format!("{}{path}", served.url()))
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let body = resp.json().await.expect("a JSON body");
    (status, body)
}

fn members() -> Value {
    json!([
        {"login": "ann", "id": 1, "type": "User", "site_admin": false},
        {"login": "ci-bot", "id": 2, "type": "Bot", "site_admin": false},
        {"login": "bo", "id": 3, "type": "User", "site_admin": true},
    ])
}

#[tokio::test]
async fn rest_a_script_filters_an_earlier_answer_with_its_inputs_and_with() {
    let (github, served) = rest().await;
    github.push(Scripted::json(200, &members()));
    let (status, body) = get(&served, "/orgs/acme/active?limit=7").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({
            "members": [{"login": "ann", "id": 1}, {"login": "bo", "id": 3}],
            "count": 2,
            // `with: {label: "{{org}}-active"}`, rendered against the inputs.
            "label": "acme-active",
            // The optional input, typed, as the script saw it in `context`.
            "limit": 7,
            // A later script reads the first one's answer, and a `with` value selected from
            // it by `$.filter-active.members.0`; the script that assigns no `result` has no
            // answer in the context.
            "summary": {"total": 2, "first": "ann", "noResult": true},
        })
    );
    assert_eq!(github.only_request().path(), "/orgs/acme/members");
}

#[tokio::test]
async fn rest_an_absent_optional_input_is_null_for_the_script() {
    let (github, served) = rest().await;
    github.push(Scripted::json(200, &members()));
    let (status, body) = get(&served, "/orgs/acme/active").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["limit"], Value::Null);
    assert_eq!(body["count"], 2);
}

#[tokio::test]
async fn rest_an_endless_script_is_stopped_by_the_timeout() {
    let (_github, served) = rest().await;
    let started = Instant::now();
    let (status, body) = get(&served, "/spin").await;
    let took = started.elapsed();
    assert_eq!(status, 500, "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("script step `spin`"), "{body}");
    assert!(detail.contains("timeout limit (300 ms)"), "{body}");
    assert!(took >= Duration::from_millis(300), "took {took:?}");
    assert!(took < Duration::from_secs(3), "took {took:?}");
    // The server is not stuck: the next request is answered.
    let (status, _) = get(&served, "/spin").await;
    assert_eq!(status, 500);
}

#[tokio::test]
async fn endless_scripts_run_off_the_async_workers_and_in_parallel() {
    fn two_workers(name: &str) -> Option<String> {
        (name == "NAFTIKO_SCRIPT_MAX_CONCURRENT").then(|| "2".into())
    }
    let (_github, ups) = world_with(two_workers).await;
    // One thread runs this test, the server and its handlers: a script run on it would stop
    // everything else for its 300 ms.
    let served = serve(scripts::scripts_rest::router(ups)).await;
    let started = Instant::now();
    let spins: Vec<_> = (0..2)
        .map(|_| {
            let url = format!("{}/spin", served.url());
            tokio::spawn(async move { reqwest::get(url).await.map(|r| r.status().as_u16()) })
        })
        .collect();
    let mut worst = Duration::ZERO;
    while !spins.iter().all(tokio::task::JoinHandle::is_finished)
        && started.elapsed() < Duration::from_secs(5)
    {
        let t = Instant::now();
        tokio::time::sleep(Duration::from_millis(10)).await;
        worst = worst.max(t.elapsed());
    }
    let took = started.elapsed();
    for s in spins {
        assert_eq!(s.await.expect("join").expect("request"), 500);
    }
    // This task kept running while both scripts did...
    assert!(
        worst < Duration::from_millis(150),
        "a 10 ms sleep took {worst:?}"
    );
    // ... and the two 300-ms scripts ran at the same time, not one after the other.
    assert!(took >= Duration::from_millis(300), "took {took:?}");
    assert!(took < Duration::from_millis(580), "took {took:?}");
}

#[tokio::test]
async fn rest_a_script_that_throws_is_a_problem_naming_the_step_and_error() {
    let (_github, served) = rest().await;
    let (status, body) = get(&served, "/orgs/acme/throws").await;
    assert_eq!(status, 500, "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("script step `fail`"), "{body}");
    assert!(detail.contains("no members for acme"), "{body}");
    assert!(detail.contains("throws.js"), "{body}");
}

#[tokio::test]
async fn scripting_disabled_by_the_environment_fails_script_steps() {
    fn disabled(name: &str) -> Option<String> {
        (name == "NAFTIKO_SCRIPTING").then(|| "false".into())
    }
    let (github, ups) = world_with(disabled).await;
    let served = serve(scripts::scripts_rest::router(ups)).await;
    github.push(Scripted::json(200, &members()));
    let (status, body) = get(&served, "/orgs/acme/active").await;
    assert_eq!(status, 500, "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("NAFTIKO_SCRIPTING=false"), "{body}");
    assert!(detail.contains("script step `filter-active`"), "{body}");
}

#[tokio::test]
async fn operator_options_are_checked_when_the_scripts_load() {
    fn bad(name: &str) -> Option<String> {
        (name == "NAFTIKO_SCRIPT_MAX_CONCURRENT").then(|| "0".into())
    }
    let e = Scripts::load(&scripts::SCRIPTS, &bad).expect_err("0 workers");
    assert!(
        e.to_string().contains("NAFTIKO_SCRIPT_MAX_CONCURRENT"),
        "{e}"
    );
}

#[tokio::test]
async fn mcp_a_script_step_feeds_the_tool_result() {
    let (github, ups) = world_with(no_env).await;
    let (_served, client) = serve_and_connect(scripts::scripts_mcp::server(ups)).await;
    github.push(Scripted::json(200, &members()));
    let r = call_tool(
        &client,
        "active-members",
        json!({"org": "acme", "want": "Bot"}),
    )
    .await;
    assert_eq!(r.is_error, Some(false), "{r:#?}");
    // Every tool argument is in the script's `context` by name (`want` here).
    assert_eq!(
        result_json(&r),
        json!({"members": [{"login": "ci-bot"}], "org": "acme"})
    );
    assert_eq!(github.only_request().path(), "/orgs/acme/members");
}

#[tokio::test]
async fn mcp_a_tool_running_an_aggregate_function_runs_its_script() {
    let (_github, ups) = world_with(no_env).await;
    let (_served, client) = serve_and_connect(scripts::scripts_mcp::server(ups)).await;
    let r = call_tool(&client, "double", json!({"x": 21})).await;
    assert_eq!(r.is_error, Some(false), "{r:#?}");
    assert_eq!(result_json(&r), json!({"n": 42}));
}

#[tokio::test]
async fn mcp_an_endless_script_is_an_error_result_naming_the_step_and_limit() {
    let (_github, ups) = world_with(no_env).await;
    let (_served, client) = serve_and_connect(scripts::scripts_mcp::server(ups)).await;
    let r = call_tool(&client, "spin", json!({})).await;
    assert_eq!(r.is_error, Some(true), "{r:#?}");
    let message = r.structured_content.as_ref().expect("structured")["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(message.contains("script step `spin`"), "{message}");
    assert!(message.contains("timeout limit (300 ms)"), "{message}");
}

#[tokio::test]
async fn the_statement_limit_stops_an_endless_script_long_before_the_timeout() {
    let ups = statements::Upstreams::from_env_source(no_env).expect("upstreams");
    let served = serve(statements::statements_rest::router(ups)).await;
    let started = Instant::now();
    let (status, body) = get(&served, "/spin").await;
    assert_eq!(status, 500, "{body}");
    let detail = body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("statement limit (20000)"), "{body}");
    // The timeout is 60 s: the statement limit stopped it.
    assert!(started.elapsed() < Duration::from_secs(10));
    let (status, body) = get(&served, "/count").await;
    assert_eq!((status, body), (200, json!({"n": 500})));
}

/// Writes `double.js` where `scripts-deployed.yaml` says it is deployed (once per run).
fn deploy() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let dir = std::path::Path::new("/tmp/naftiko-tests-deployed-scripts");
        std::fs::create_dir_all(dir).expect("dir");
        let tmp = dir.join(format!("double.js.{}", std::process::id()));
        std::fs::write(&tmp, "result = { twice: context.n * 2 };\n").expect("write");
        std::fs::rename(&tmp, dir.join("double.js")).expect("rename");
    });
}

#[tokio::test]
async fn a_deployed_script_is_read_at_start_up() {
    deploy();
    let ups = deployed::Upstreams::from_env_source(no_env).expect("upstreams");
    let served = serve(deployed::deployed_rest::router(ups)).await;
    let (status, body) = get(&served, "/double/21").await;
    assert_eq!((status, body), (200, json!({"twice": 42})));
}

#[tokio::test]
async fn a_missing_deployed_script_stops_the_start_up_naming_the_file() {
    deploy();
    let e = missing::Upstreams::from_env_source(no_env).expect_err("a missing file");
    let text = e.to_string();
    assert!(
        text.contains("/tmp/naftiko-tests-deployed-scripts/never-written.js"),
        "{text}"
    );
    assert!(text.contains("script step `double`"), "{text}");
}
