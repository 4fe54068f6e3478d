//! `forward` (tests/specs/forward.yaml): a REST resource proxied to a consumed API. Method, path
//! remainder (as sent), query and body pass; only trusted caller headers pass, hop-by-hop ones
//! never; the API's own credentials and fixed headers are added; the upstream status, headers
//! and body come back; unreachable → 502, no answer in time → 504. The streaming of both bodies
//! is tested in forward_memory.rs, a process of its own so that its memory is its own.

use naftiko_runtime::reqwest;
use naftiko_tests::{Scripted, Served, Upstream, raw_http, serve, unused_port};
use serde_json::{Value, json};
use std::time::Duration;

mod generated {
    naftiko_runtime::naftiko_capability!("specs/forward.yaml");
}
use generated::*;

const TOKEN: &str = "notion-5ecret";

fn client(base: &str, timeout: Duration) -> notion::Client {
    notion::Client::builder()
        .base_uri(base)
        .timeout(timeout)
        .env_source(|n| (n == "NOTION_TOKEN").then(|| TOKEN.to_string()))
        .build()
        .expect("client")
}

async fn gateway(base: &str, timeout: Duration) -> Served {
    let search = search::Client::builder()
        .base_uri(base)
        .env_source(|n| (n == "SEARCH_KEY").then(|| "k&y=1".to_string()))
        .build()
        .expect("client");
    let vault = vault::Client::builder()
        .base_uri(base)
        .env_source(|n| match n {
            "DIGEST_USER" => Some("Mufasa".to_string()),
            "DIGEST_PASSWORD" => Some("Circle of Life".to_string()),
            _ => None,
        })
        .build()
        .expect("client");
    serve(proxy::router(Upstreams {
        notion: client(base, timeout),
        search,
        vault,
    }))
    .await
}

#[tokio::test]
async fn method_remainder_query_and_body_pass_and_the_answer_comes_back() {
    let up = Upstream::start().await;
    up.push(
        Scripted::raw(201, "application/vnd.test+json", r#"{"made":true}"#)
            .header("X-Upstream", "yes")
            .header("Location", "/v1/pages/9"),
    );
    let gw = gateway(&format!("{}/v1", up.url()), Duration::from_secs(10)).await;
    let r = reqwest::Client::new()
        .patch(format!(
            "{}/notion/pages/a%2Fb/blocks?x=1&y=%C3%A9",
            gw.url()
        ))
        .header("Content-Type", "text/plain")
        .body("raw body, not JSON")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201);
    assert_eq!(r.headers()["x-upstream"], "yes");
    assert_eq!(r.headers()["location"], "/v1/pages/9");
    assert_eq!(r.headers()["content-type"], "application/vnd.test+json");
    assert_eq!(r.text().await.expect("body"), r#"{"made":true}"#);
    let got = &up.requests()[0];
    assert_eq!(got.method, "PATCH");
    // The remainder as the caller encoded it; the query untouched.
    assert_eq!(got.target, "/v1/pages/a%2Fb/blocks?x=1&y=%C3%A9");
    assert_eq!(got.body, b"raw body, not JSON");
    assert_eq!(got.header("content-type"), Some("text/plain"));
    // The API's own credentials and fixed header.
    assert_eq!(
        got.header("authorization").map(str::to_string),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(got.header("x-api-version"), Some("2026-03-03"));
}

#[tokio::test]
async fn the_resource_path_itself_and_a_fixed_path_go_to_the_base_uri() {
    let up = Upstream::start().await;
    let gw = gateway(&format!("{}/v1", up.url()), Duration::from_secs(10)).await;
    let http = reqwest::Client::new();
    for (path, target) in [
        ("/notion", "/v1"),
        ("/notion/", "/v1"),
        ("/status?deep=1", "/v1?deep=1"),
    ] {
        let r = http
            .delete(format!("{}{path}", gw.url()))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 200, "{path}");
        let got = up.requests().pop().expect("forwarded");
        assert_eq!(got.method, "DELETE", "{path}");
        assert_eq!(got.target, target, "{path}");
    }
    // Not under a forwarded resource: the adapter's own 404.
    let r = http
        .get(format!("{}/other", gw.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 404);
    assert_eq!(up.count(), 3);
}

#[tokio::test]
async fn only_trusted_headers_pass_and_hop_by_hop_ones_never() {
    let up = Upstream::start().await;
    up.push(
        Scripted::json(200, &json!({"ok": true}))
            .header("X-Upstream", "yes")
            .header("X-Drop", "conn-only")
            .header("Keep-Alive", "timeout=5")
            .header("Connection", "X-Drop"),
    );
    let gw = gateway(&format!("{}/v1", up.url()), Duration::from_secs(10)).await;
    let request = format!(
        "GET /notion/users/me HTTP/1.1\r\nHost: {}\r\n\
         Connection: close, X-Hop\r\nX-Hop: per-connection\r\nKeep-Alive: timeout=9\r\n\
         notion-version: 2022-06-28\r\nX-CORRELATION-ID: c-1\r\nX-Untrusted: internal\r\n\
         Cookie: session=1\r\nAuthorization: Bearer caller-token\r\nTE: trailers\r\n\
         Proxy-Authorization: Basic eA==\r\n\r\n",
        gw.addr
    );
    let r = raw_http(gw.addr, request.as_bytes()).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-upstream"), Some("yes"));
    assert_eq!(
        r.header("x-drop"),
        None,
        "named in the upstream's Connection"
    );
    assert_eq!(r.header("keep-alive"), None);
    let got = &up.requests()[0];
    // Trusted, matched without case.
    assert_eq!(got.header("notion-version"), Some("2022-06-28"));
    assert_eq!(got.header("x-correlation-id"), Some("c-1"));
    // Untrusted, or trusted but named in `Connection`, or hop-by-hop.
    for h in [
        "x-untrusted",
        "cookie",
        "x-hop",
        "keep-alive",
        "te",
        "proxy-authorization",
    ] {
        assert_eq!(got.header(h), None, "{h} must not pass");
    }
    // A trusted `Authorization` does not replace the API's own credentials.
    assert_eq!(got.header_all("authorization"), [format!("Bearer {TOKEN}")]);
    assert_ne!(got.header("host"), Some(gw.addr.to_string().as_str()));
}

#[tokio::test]
async fn upstream_errors_pass_verbatim() {
    let up = Upstream::start().await;
    up.push(Scripted::raw(418, "text/plain", "short and stout").header("Retry-After", "3"));
    up.push(Scripted::json(503, &json!({"busy": true})));
    let gw = gateway(&format!("{}/v1", up.url()), Duration::from_secs(10)).await;
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/notion/x", gw.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 418);
    assert_eq!(r.headers()["retry-after"], "3");
    assert_eq!(r.text().await.expect("body"), "short and stout");
    let r = http
        .get(format!("{}/notion/x", gw.url()))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 503);
    assert_eq!(
        r.json::<Value>().await.expect("json"),
        json!({"busy": true})
    );
    // A forward is never retried: the caller decides.
    assert_eq!(up.count(), 2);
}

#[tokio::test]
async fn unreachable_is_502_and_slow_is_504_as_problem_json() {
    let gw = gateway(
        &format!("http://127.0.0.1:{}/v1", unused_port()),
        Duration::from_secs(10),
    )
    .await;
    let r = reqwest::get(format!("{}/notion/x", gw.url()))
        .await
        .expect("send");
    assert_eq!(r.status(), 502);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["status"], 502);
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("cannot reach")
    );
    assert!(!body.to_string().contains(TOKEN));

    let up = Upstream::start().await;
    up.push(Scripted::json(200, &json!({})).delay(Duration::from_secs(3)));
    let gw = gateway(&format!("{}/v1", up.url()), Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let r = reqwest::get(format!("{}/notion/x", gw.url()))
        .await
        .expect("send");
    assert_eq!(r.status(), 504);
    assert!(started.elapsed() < Duration::from_secs(2));
    let body: Value = r.json().await.expect("json");
    assert_eq!(body["status"], 504);
}

#[tokio::test]
async fn a_query_placed_key_is_appended_to_the_callers_query() {
    let up = Upstream::start().await;
    let gw = gateway(&format!("{}/v1", up.url()), Duration::from_secs(10)).await;
    let http = reqwest::Client::new();
    for (path, target) in [
        ("/search/find?q=a+b", "/v1/find?q=a+b&api_key=k%26y%3D1"),
        ("/search/find", "/v1/find?api_key=k%26y%3D1"),
    ] {
        let r = http
            .get(format!("{}{path}", gw.url()))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 200, "{path}");
        let got = up.requests().pop().expect("forwarded");
        assert_eq!(got.target, target, "{path}");
        // The other API's credentials are not this one's.
        assert_eq!(got.header("authorization"), None, "{path}");
    }
}

#[tokio::test]
async fn a_digest_challenge_is_answered_on_the_next_forward() {
    let up = Upstream::start().await;
    let challenge =
        "Digest realm=\"vault\", qop=\"auth\", algorithm=SHA-256, nonce=\"n0nce\", opaque=\"op\"";
    up.push(Scripted::message(401, "auth").header("WWW-Authenticate", challenge));
    let gw = gateway(&format!("{}/v1", up.url()), Duration::from_secs(10)).await;
    let http = reqwest::Client::new();
    // The first forward meets the challenge: its body already went, so the caller gets the 401.
    let r = http
        .post(format!("{}/vault/secrets", gw.url()))
        .body("streamed once")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    assert_eq!(up.requests()[0].header("authorization"), None);
    // The next one carries the digest answer.
    let r = http
        .post(format!("{}/vault/secrets", gw.url()))
        .body("streamed again")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let got = &up.requests()[1];
    let auth = got.header("authorization").expect("digest credentials");
    assert!(auth.starts_with("Digest "), "{auth}");
    assert!(auth.contains("username=\"Mufasa\""), "{auth}");
    assert!(auth.contains("uri=\"/v1/secrets\""), "{auth}");
    assert!(!auth.contains("Circle of Life"));
    assert_eq!(got.body, b"streamed again");
}

#[tokio::test]
async fn forwarded_paths_are_in_the_openapi_document() {
    let up = Upstream::start().await;
    let gw = gateway(&up.url(), Duration::from_secs(10)).await;
    let doc: Value = reqwest::get(format!("{}/openapi.json", gw.url()))
        .await
        .expect("send")
        .json()
        .await
        .expect("JSON");
    let notion = &doc["paths"]["/notion/{path}"];
    for method in ["get", "put", "post", "delete", "patch"] {
        assert!(
            notion[method]["summary"]
                .as_str()
                .is_some_and(|s| s.contains("`notion`")),
            "{method}: {notion}"
        );
    }
    let params = notion["get"]["parameters"].as_array().expect("parameters");
    assert_eq!(params[0]["name"], "path");
    assert_eq!(params[0]["in"], "path");
    assert!(
        params
            .iter()
            .any(|p| p["in"] == "header" && p["name"] == "notion-version"),
        "{params:?}"
    );
    assert!(doc["paths"]["/status"]["get"].is_object(), "{doc}");
    assert!(up.requests().is_empty());
}

#[tokio::test]
async fn the_callers_traceparent_goes_on_even_when_it_is_not_a_trusted_header() {
    let up = Upstream::start().await;
    up.push(Scripted::json(200, &json!({})));
    let gw = gateway(&format!("{}/v1", up.url()), Duration::from_secs(10)).await;
    let caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let r = reqwest::Client::new()
        .get(format!("{}/search/q", gw.url()))
        .header("traceparent", caller)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    assert_eq!(up.only_request().header("traceparent"), Some(caller));
}
