//! Issue 4: the generated REST adapter, served on 127.0.0.1 in front of a recording upstream
//! (and once in front of the BillJob sandbox).

use billjob::sandbox::{SandboxConfig, spawn};
use naftiko_runtime::reqwest;
use naftiko_tests::m3ter_billjob::Client;
use naftiko_tests::{
    RawResponse, Scripted, Served, TOKEN, Upstream, Upstreams, client, client_builder,
    m3ter_billjob_rest, raw_http, serve, unused_port,
};
use serde_json::{Value, json};
use std::time::Duration;

/// The REST adapter in front of `client`.
async fn gateway_for(client: Client) -> Served {
    serve(m3ter_billjob_rest::router(Upstreams {
        m3ter_billjob: client,
    }))
    .await
}

/// A recording upstream and the REST adapter in front of it.
async fn gateway() -> (Upstream, Served) {
    let upstream = Upstream::start().await;
    let served = gateway_for(client(&upstream.url())).await;
    (upstream, served)
}

fn http() -> reqwest::Client {
    reqwest::Client::new()
}

fn job(id: &str) -> Value {
    json!({"id": id, "version": 1, "status": "PENDING", "type": "CREATE", "accountIds": ["acc-1"]})
}

/// The caller's own credentials, as the m3ter SDK sends them to us; never forwarded.
const CALLER_AUTH: &str = "Bearer caller-token";

async fn read_json(resp: reqwest::Response) -> (u16, String, Value) {
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = resp.text().await.expect("response body");
    let json = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("response is not JSON ({e}): {text:?}"));
    (status, ct, json)
}

/// An RFC 9457 problem with `status` whose detail mentions every word of `mentions`.
fn check_problem(
    status: u16,
    ct: &str,
    body: &Value,
    expected: u16,
    mentions: &[&str],
) -> Result<(), String> {
    let fail = |what: &str| Err(format!("{what}: got {status} {ct} {body}"));
    if status != expected {
        return fail(&format!("expected status {expected}"));
    }
    if ct != "application/problem+json" {
        return fail("expected application/problem+json");
    }
    if body["status"] != json!(expected)
        || !body["type"].is_string()
        || body["title"].as_str().is_none_or(str::is_empty)
    {
        return fail("expected an RFC 9457 body (type, title, status)");
    }
    let Some(detail) = body["detail"].as_str() else {
        return fail("expected a detail");
    };
    for m in mentions {
        if !detail.to_lowercase().contains(&m.to_lowercase()) {
            return fail(&format!("the detail should mention {m:?}"));
        }
    }
    Ok(())
}

fn assert_problem(status: u16, ct: &str, body: &Value, expected: u16, mentions: &[&str]) {
    if let Err(e) = check_problem(status, ct, body, expected, mentions) {
        panic!("{e}");
    }
}

/// The upstream saw our token (not the caller's), our user agent, and nothing else of the
/// caller's request headers.
fn assert_upstream_auth(r: &naftiko_tests::Recorded) {
    assert_eq!(r.header_all("authorization"), [format!("Bearer {TOKEN}")]);
    assert!(
        r.header("user-agent")
            .is_some_and(|ua| ua.starts_with("naftiko/"))
    );
}

// ---------------------------------------------------------------------------------------------
// The five operations end to end
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_passes_typed_query_parameters_upstream_and_returns_the_page() {
    let (upstream, gw) = gateway().await;
    let page = json!({"data": [job("bj-1")], "nextToken": "abc/def+ghi="});
    upstream.push(Scripted::json(200, &page));

    let resp = http()
        .get(format!(
            "{}/v1/organizations/org-123/billjobs?pageSize=2&status=RUNNING&active=TRUE&nextToken=abc%2Fdef%2Bghi%3D",
            gw.url()
        ))
        .header("authorization", CALLER_AUTH)
        .send()
        .await
        .expect("list");
    let (status, ct, body) = read_json(resp).await;

    assert_eq!(status, 200);
    assert_eq!(ct, "application/json");
    assert_eq!(body, page);
    let r = upstream.only_request();
    assert_eq!(r.method, "GET");
    assert_eq!(r.path(), "/organizations/org-123/billjobs");
    assert_eq!(
        r.query_pairs(),
        [
            "active=TRUE",
            "nextToken=abc%2Fdef%2Bghi%3D",
            "pageSize=2",
            "status=RUNNING"
        ]
    );
    assert_upstream_auth(&r);
    assert!(!r.has_body());
}

#[tokio::test]
async fn list_without_query_sends_none_and_drops_unknown_parameters() {
    let (upstream, gw) = gateway().await;
    upstream.push(Scripted::json(200, &json!({"data": []})));
    let resp = http()
        .get(format!(
            "{}/v1/organizations/org-123/billjobs?foo=bar",
            gw.url()
        ))
        .send()
        .await
        .expect("list");
    assert_eq!(resp.status(), 200);
    assert_eq!(
        upstream.only_request().target,
        "/organizations/org-123/billjobs"
    );
}

#[tokio::test]
async fn create_forwards_the_json_body_and_returns_the_created_job() {
    let (upstream, gw) = gateway().await;
    upstream.push(Scripted::json(200, &job("bj-new")));
    let sent =
        json!({"accountIds": ["acc-1"], "billDate": "2024-02-01", "billingFrequency": "MONTHLY"});

    let resp = http()
        .post(format!("{}/v1/organizations/org-123/billjobs", gw.url()))
        .header("authorization", CALLER_AUTH)
        .header("content-type", "application/json; charset=utf-8")
        .body(sent.to_string())
        .send()
        .await
        .expect("create");
    let (status, ct, body) = read_json(resp).await;

    assert_eq!((status, ct.as_str()), (200, "application/json"));
    assert_eq!(body, job("bj-new"));
    let r = upstream.only_request();
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/organizations/org-123/billjobs");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), sent);
    assert_upstream_auth(&r);
}

#[tokio::test]
async fn create_with_an_empty_object_is_valid() {
    let (upstream, gw) = gateway().await;
    let resp = http()
        .post(format!("{}/v1/organizations/org-123/billjobs", gw.url()))
        .json(&json!({}))
        .send()
        .await
        .expect("create");
    assert_eq!(resp.status(), 200);
    assert_eq!(upstream.only_request().body, b"{}");
}

#[tokio::test]
async fn recalculate_forwards_the_body_to_the_recalculate_path() {
    let (upstream, gw) = gateway().await;
    let answer = json!({"id": "bj-r", "type": "RECALCULATE", "billIds": ["bill-1", "bill-2"]});
    upstream.push(Scripted::json(200, &answer));
    let sent = json!({"billIds": ["bill-1", "bill-2"], "version": 1});

    let resp = http()
        .post(format!(
            "{}/v1/organizations/org-123/billjobs/recalculate",
            gw.url()
        ))
        .json(&sent)
        .send()
        .await
        .expect("recalculate");
    let (status, _, body) = read_json(resp).await;

    assert_eq!(status, 200);
    assert_eq!(body, answer);
    let r = upstream.only_request();
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/organizations/org-123/billjobs/recalculate")
    );
    assert_eq!(r.json(), sent);
    assert_upstream_auth(&r);
}

#[tokio::test]
async fn retrieve_fetches_the_job_by_id() {
    let (upstream, gw) = gateway().await;
    upstream.push(Scripted::json(200, &job("bj-123")));

    let resp = http()
        .get(format!(
            "{}/v1/organizations/org-123/billjobs/bj-123",
            gw.url()
        ))
        .send()
        .await
        .expect("retrieve");
    let (status, _, body) = read_json(resp).await;

    assert_eq!(status, 200);
    assert_eq!(body, job("bj-123"));
    let r = upstream.only_request();
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("GET", "/organizations/org-123/billjobs/bj-123")
    );
    assert!(!r.has_body());
    assert_upstream_auth(&r);
}

#[tokio::test]
async fn cancel_accepts_the_sdk_empty_json_post_and_sends_no_body() {
    let (upstream, gw) = gateway().await;
    let cancelled = json!({"id": "bj-123", "status": "CANCELLED", "version": 2});
    upstream.push(Scripted::json(200, &cancelled));

    // What the SDK sends: `Content-Type: application/json`, `Content-Length: 0`.
    let resp = http()
        .post(format!(
            "{}/v1/organizations/org-123/billjobs/bj-123/cancel",
            gw.url()
        ))
        .header("content-type", "application/json")
        .header("authorization", CALLER_AUTH)
        .body("")
        .send()
        .await
        .expect("cancel");
    let (status, _, body) = read_json(resp).await;

    assert_eq!(status, 200);
    assert_eq!(body, cancelled);
    let r = upstream.only_request();
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/organizations/org-123/billjobs/bj-123/cancel")
    );
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
    assert_upstream_auth(&r);
}

#[tokio::test]
async fn encoded_path_values_reach_upstream_as_one_segment() {
    let (upstream, gw) = gateway().await;
    for (sent, forwarded) in [
        ("a%2Fb", "a%2Fb"),
        ("a%3Fb", "a%3Fb"),
        ("a%23b", "a%23b"),
        ("%C3%A9", "%C3%A9"),
        ("%252F", "%252F"),
        ("a%20b", "a%20b"),
    ] {
        upstream.clear();
        let resp = raw_http(
            gw.addr,
            format!(
                "GET /v1/organizations/org%2F1/billjobs/{sent} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            .as_bytes(),
        )
        .await;
        assert_eq!(resp.status, 200, "{sent}: {}", resp.text());
        assert_eq!(
            upstream.only_request().target,
            format!("/organizations/org%2F1/billjobs/{forwarded}"),
            "for {sent}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Upstream errors and failures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn upstream_client_errors_pass_through_with_status_and_json_body() {
    let (upstream, gw) = gateway().await;
    for (status, message) in [
        (400, "accountIds: must have at least 1 item"),
        (403, "Forbidden: unknown organization"),
        (404, "BillJob missing not found"),
        (409, "conflict"),
    ] {
        upstream.clear();
        upstream.push(Scripted::message(status, message));
        let resp = http()
            .get(format!(
                "{}/v1/organizations/org-123/billjobs/missing",
                gw.url()
            ))
            .send()
            .await
            .expect("request");
        let (got, ct, body) = read_json(resp).await;
        assert_eq!(got, status);
        assert_eq!(ct, "application/json");
        assert_eq!(body, json!({ "message": message }));
        assert_eq!(upstream.count(), 1, "{status} is not retried");
    }
}

#[tokio::test]
async fn upstream_server_error_on_create_passes_through_once() {
    let (upstream, gw) = gateway().await;
    upstream.set_fallback(Scripted::message(500, "Internal Error"));
    let resp = http()
        .post(format!("{}/v1/organizations/org-123/billjobs", gw.url()))
        .json(&json!({}))
        .send()
        .await
        .expect("create");
    let (status, ct, body) = read_json(resp).await;
    assert_eq!((status, ct.as_str()), (500, "application/json"));
    assert_eq!(body, json!({"message": "Internal Error"}));
    assert_eq!(upstream.count(), 1, "a create is never resent");
}

#[tokio::test]
async fn upstream_rate_limit_passes_through_with_retry_after() {
    let (upstream, gw) = gateway().await;
    upstream.push(Scripted::message(429, "Too many running BillJobs").header("Retry-After", "7"));
    let resp = http()
        .post(format!("{}/v1/organizations/org-123/billjobs", gw.url()))
        .json(&json!({}))
        .send()
        .await
        .expect("create");
    assert_eq!(
        resp.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("7")
    );
    let (status, _, body) = read_json(resp).await;
    assert_eq!(status, 429);
    assert_eq!(body, json!({"message": "Too many running BillJobs"}));
}

#[tokio::test]
async fn upstream_server_error_on_get_passes_through_after_bounded_retries() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::message(503, "Service Unavailable").header("Retry-After", "0"));
    let gw = gateway_for(
        client_builder(&upstream.url())
            .max_retries(2)
            .build()
            .expect("client"),
    )
    .await;
    let resp = http()
        .get(format!("{}/v1/organizations/org-123/billjobs", gw.url()))
        .send()
        .await
        .expect("list");
    let (status, _, body) = read_json(resp).await;
    assert_eq!(status, 503);
    assert_eq!(body, json!({"message": "Service Unavailable"}));
    assert_eq!(upstream.count(), 3);
}

#[tokio::test]
async fn upstream_error_that_is_not_json_becomes_a_problem_with_its_status() {
    let (upstream, gw) = gateway().await;
    upstream.push(Scripted::raw(503, "text/html", "<html>maintenance</html>"));
    let resp = http()
        .post(format!(
            "{}/v1/organizations/org-123/billjobs/bj-1/cancel",
            gw.url()
        ))
        .send()
        .await
        .expect("cancel");
    let (status, ct, body) = read_json(resp).await;
    assert_problem(status, &ct, &body, 503, &["503"]);
}

/// RFC 9110 §8.6: no `Content-Length` (and no content) in a 204 response.
#[tokio::test]
async fn upstream_no_content_passes_through_without_body_or_length() {
    let (upstream, gw) = gateway().await;
    upstream.push(Scripted::raw(204, "application/json", ""));
    let resp = raw_http(
        gw.addr,
        b"POST /v1/organizations/org-123/billjobs/bj-1/cancel HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    )
    .await;
    assert_eq!(resp.status, 204);
    assert!(resp.body.is_empty());
    assert_eq!(resp.header("content-length"), None, "{:?}", resp.headers);
}

#[tokio::test]
async fn upstream_success_status_other_than_200_is_kept() {
    let (upstream, gw) = gateway().await;
    upstream.push(Scripted::json(201, &job("bj-1")));
    let resp = http()
        .post(format!("{}/v1/organizations/org-123/billjobs", gw.url()))
        .json(&json!({}))
        .send()
        .await
        .expect("create");
    let (status, _, body) = read_json(resp).await;
    assert_eq!((status, body), (201, job("bj-1")));
}

#[tokio::test]
async fn unreachable_upstream_is_502_problem() {
    let port = unused_port();
    let gw = gateway_for(
        client_builder(&format!("http://127.0.0.1:{port}"))
            .max_retries(0)
            .build()
            .expect("client"),
    )
    .await;
    for (method, path) in [
        (reqwest::Method::GET, "/v1/organizations/org-123/billjobs"),
        (
            reqwest::Method::POST,
            "/v1/organizations/org-123/billjobs/bj-1/cancel",
        ),
    ] {
        let resp = http()
            .request(method, format!("{}{path}", gw.url()))
            .send()
            .await
            .expect("request");
        let (status, ct, body) = read_json(resp).await;
        assert_problem(status, &ct, &body, 502, &["reach"]);
    }
}

#[tokio::test]
async fn upstream_timeout_is_504_problem() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::json(200, &json!({})).delay(Duration::from_secs(30)));
    let gw = gateway_for(
        client_builder(&upstream.url())
            .timeout(Duration::from_millis(300))
            .max_retries(0)
            .build()
            .expect("client"),
    )
    .await;
    let resp = http()
        .get(format!(
            "{}/v1/organizations/org-123/billjobs/bj-1",
            gw.url()
        ))
        .send()
        .await
        .expect("retrieve");
    let (status, ct, body) = read_json(resp).await;
    assert_problem(status, &ct, &body, 504, &["300 ms"]);
}

#[tokio::test]
async fn undecodable_upstream_answer_is_502_problem() {
    let (upstream, gw) = gateway().await;
    upstream.push(Scripted::raw(200, "application/json", "{\"id\": "));
    let resp = http()
        .get(format!(
            "{}/v1/organizations/org-123/billjobs/bj-1",
            gw.url()
        ))
        .send()
        .await
        .expect("retrieve");
    let (status, ct, body) = read_json(resp).await;
    assert_problem(status, &ct, &body, 502, &["not JSON"]);
}

#[tokio::test]
async fn problems_never_contain_the_token() {
    let upstream = Upstream::start().await;
    let gw = gateway_for(
        client_builder(&upstream.url())
            .timeout(Duration::from_millis(300))
            .max_retries(0)
            .build()
            .expect("client"),
    )
    .await;
    upstream.push(Scripted::json(200, &json!({})).delay(Duration::from_secs(30)));
    upstream.push(Scripted::raw(200, "application/json", "nope"));
    upstream.push(Scripted::close_connection());
    for _ in 0..3 {
        let text = http()
            .get(format!(
                "{}/v1/organizations/org-123/billjobs/bj-1",
                gw.url()
            ))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body");
        assert!(!text.contains(TOKEN), "{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Bad input: never upstream, never a 500
// ---------------------------------------------------------------------------------------------

struct BadInput {
    case: &'static str,
    method: &'static str,
    target: &'static str,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    status: u16,
    mentions: &'static [&'static str],
}

fn bad(
    case: &'static str,
    method: &'static str,
    target: &'static str,
    content_type: Option<&'static str>,
    body: impl Into<Vec<u8>>,
    status: u16,
    mentions: &'static [&'static str],
) -> BadInput {
    BadInput {
        case,
        method,
        target,
        content_type,
        body: body.into(),
        status,
        mentions,
    }
}

fn bad_inputs() -> Vec<BadInput> {
    const JOBS: &str = "/v1/organizations/org-123/billjobs";
    const JSON: Option<&str> = Some("application/json");
    let mut oversize = br#"{"accountIds":[""#.to_vec();
    oversize.resize((1 << 20) + 16, b'a');
    oversize.extend_from_slice(br#""]}"#);
    vec![
        bad(
            "create without a body",
            "POST",
            JOBS,
            JSON,
            "",
            400,
            &["body", "required"],
        ),
        bad(
            "create with a whitespace body",
            "POST",
            JOBS,
            JSON,
            "  \n",
            400,
            &["body", "required"],
        ),
        bad(
            "recalculate without a body",
            "POST",
            "/v1/organizations/org-123/billjobs/recalculate",
            None,
            "",
            400,
            &["body", "required"],
        ),
        bad(
            "pageSize=abc",
            "GET",
            "/v1/organizations/org-123/billjobs?pageSize=abc",
            None,
            "",
            400,
            &["pageSize", "integer", "abc"],
        ),
        bad(
            "pageSize=1.5",
            "GET",
            "/v1/organizations/org-123/billjobs?pageSize=1.5",
            None,
            "",
            400,
            &["pageSize", "integer"],
        ),
        bad(
            "pageSize beyond i64",
            "GET",
            "/v1/organizations/org-123/billjobs?pageSize=99999999999999999999",
            None,
            "",
            400,
            &["pageSize"],
        ),
        bad(
            "malformed JSON",
            "POST",
            JOBS,
            JSON,
            r#"{"accountIds": ["#,
            400,
            &["not valid JSON"],
        ),
        bad(
            "create with an array body",
            "POST",
            JOBS,
            JSON,
            "[1]",
            400,
            &["object"],
        ),
        bad(
            "recalculate with a string body",
            "POST",
            "/v1/organizations/org-123/billjobs/recalculate",
            JSON,
            r#""bill-1""#,
            400,
            &["object"],
        ),
        bad(
            "oversize body",
            "POST",
            JOBS,
            JSON,
            oversize,
            413,
            &["1048576"],
        ),
        bad(
            "text/plain body",
            "POST",
            JOBS,
            Some("text/plain"),
            "{}",
            415,
            &["application/json", "text/plain"],
        ),
        bad(
            "form body",
            "POST",
            JOBS,
            Some("application/x-www-form-urlencoded"),
            "a=1",
            415,
            &["application/json"],
        ),
        bad(
            "body without a content type",
            "POST",
            JOBS,
            None,
            "{}",
            415,
            &["application/json"],
        ),
        bad(
            "retrieve with id `..` (encoded)",
            "GET",
            "/v1/organizations/org-123/billjobs/%2E%2E",
            None,
            "",
            400,
            &["`id`"],
        ),
        bad(
            "cancel with id `.`",
            "POST",
            "/v1/organizations/org-123/billjobs/%2E/cancel",
            None,
            "",
            400,
            &["`id`"],
        ),
        bad(
            "list with orgId `..` (encoded)",
            "GET",
            "/v1/organizations/%2e%2e/billjobs",
            None,
            "",
            400,
            &["orgId"],
        ),
        bad(
            "id that is not UTF-8",
            "GET",
            "/v1/organizations/org-123/billjobs/%FF",
            None,
            "",
            400,
            &["path"],
        ),
        bad(
            "DELETE on the collection",
            "DELETE",
            JOBS,
            None,
            "",
            405,
            &["DELETE"],
        ),
        bad(
            "GET on recalculate (not a job id)",
            "GET",
            "/v1/organizations/org-123/billjobs/recalculate",
            None,
            "",
            405,
            &["GET"],
        ),
        bad(
            "GET on cancel",
            "GET",
            "/v1/organizations/org-123/billjobs/bj-1/cancel",
            None,
            "",
            405,
            &["GET"],
        ),
        bad(
            "PUT on a job",
            "PUT",
            "/v1/organizations/org-123/billjobs/bj-1",
            JSON,
            "{}",
            405,
            &["PUT"],
        ),
        bad(
            "unknown path",
            "GET",
            "/v1/organizations/org-123/bills",
            None,
            "",
            404,
            &["/v1/organizations/org-123/bills"],
        ),
        bad(
            "path without /v1",
            "GET",
            "/organizations/org-123/billjobs",
            None,
            "",
            404,
            &["/organizations/org-123/billjobs"],
        ),
        bad("root", "GET", "/", None, "", 404, &["/"]),
        bad(
            "empty orgId segment",
            "GET",
            "/v1/organizations//billjobs",
            None,
            "",
            400,
            &["orgid", "empty"],
        ),
    ]
}

fn raw_request(c: &BadInput) -> Vec<u8> {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        c.method,
        c.target,
        c.body.len()
    );
    if let Some(ct) = c.content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(&c.body);
    out
}

fn parse_problem(c: &BadInput, resp: &RawResponse) -> Value {
    serde_json::from_slice(&resp.body)
        .unwrap_or_else(|e| panic!("{}: answer is not JSON ({e}): {:?}", c.case, resp.text()))
}

#[tokio::test]
async fn bad_input_is_a_precise_problem_and_never_reaches_upstream() {
    let (upstream, gw) = gateway().await;
    let mut failures = Vec::new();
    for c in bad_inputs() {
        let resp = raw_http(gw.addr, &raw_request(&c)).await;
        let ct = resp.header("content-type").unwrap_or("").to_string();
        let body = parse_problem(&c, &resp);
        if let Err(e) = check_problem(resp.status, &ct, &body, c.status, c.mentions) {
            failures.push(format!("{}: {e}", c.case));
        }
        if resp.status == 405 {
            let allow = resp
                .header("allow")
                .unwrap_or_else(|| panic!("{}: 405 without Allow", c.case));
            if !allow.contains(match c.target {
                t if t.ends_with("/cancel") || t.ends_with("/recalculate") => "POST",
                t if t.ends_with("/billjobs") => "POST",
                _ => "GET",
            }) {
                failures.push(format!(
                    "{}: Allow {allow:?} misses the route's method",
                    c.case
                ));
            }
        }
    }
    assert_eq!(
        upstream.count(),
        0,
        "bad input reached upstream: {:#?}",
        upstream.requests()
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[tokio::test]
async fn oversize_chunked_body_is_413_and_never_reaches_upstream() {
    let (upstream, gw) = gateway().await;
    let chunk = vec![b' '; 64 * 1024];
    let mut request = b"POST /v1/organizations/org-123/billjobs HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..17 {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(&chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"2\r\n{}\r\n0\r\n\r\n");
    let resp = raw_http(gw.addr, &request).await;
    let body: Value = serde_json::from_slice(&resp.body).expect("problem JSON");
    assert_problem(
        resp.status,
        resp.header("content-type").unwrap_or(""),
        &body,
        413,
        &["1048576"],
    );
    assert_eq!(upstream.count(), 0);
}

#[tokio::test]
async fn method_not_allowed_lists_exactly_the_route_methods() {
    let (_upstream, gw) = gateway().await;
    for (target, allowed) in [
        ("/v1/organizations/o/billjobs", &["GET", "POST"][..]),
        ("/v1/organizations/o/billjobs/recalculate", &["POST"][..]),
        ("/v1/organizations/o/billjobs/bj-1", &["GET"][..]),
        ("/v1/organizations/o/billjobs/bj-1/cancel", &["POST"][..]),
    ] {
        let resp = raw_http(
            gw.addr,
            format!("PATCH {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").as_bytes(),
        )
        .await;
        assert_eq!(resp.status, 405, "{target}");
        let allow = resp
            .header("allow")
            .unwrap_or_else(|| panic!("{target}: no Allow"));
        let mut methods: Vec<&str> = allow
            .split(',')
            .map(str::trim)
            .filter(|m| *m != "HEAD")
            .collect();
        methods.sort();
        assert_eq!(methods, allowed, "{target}: Allow {allow:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// OpenAPI and health
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn openapi_document_is_3_1_and_lists_the_five_operations() {
    let (upstream, gw) = gateway().await;
    let resp = http()
        .get(format!("{}/openapi.json", gw.url()))
        .send()
        .await
        .expect("openapi");
    let (status, ct, doc) = read_json(resp).await;

    assert_eq!((status, ct.as_str()), (200, "application/json"));
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = Vec::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            operations.push((
                op["operationId"].as_str().expect("operationId").to_string(),
                method.clone(),
                path.clone(),
            ));
        }
    }
    operations.sort();
    assert_eq!(
        operations,
        [
            (
                "cancelbilljob",
                "post",
                "/v1/organizations/{orgid}/billjobs/{id}/cancel"
            ),
            (
                "createbilljob",
                "post",
                "/v1/organizations/{orgid}/billjobs"
            ),
            (
                "getbilljob",
                "get",
                "/v1/organizations/{orgid}/billjobs/{id}"
            ),
            ("listbilljobs", "get", "/v1/organizations/{orgid}/billjobs"),
            (
                "recalculatebilljob",
                "post",
                "/v1/organizations/{orgid}/billjobs/recalculate"
            ),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    );
    // Every path parameter in a template is declared, and pageSize is typed.
    let list = &doc["paths"]["/v1/organizations/{orgid}/billjobs"]["get"]["parameters"];
    let page_size = list
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "pageSize")
        .expect("pageSize documented");
    assert_eq!(page_size["in"], "query");
    assert_eq!(page_size["schema"]["type"], "integer");
    for (path, item) in paths {
        for op in item.as_object().expect("path item").values() {
            let declared: Vec<&str> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .filter_map(|p| p["name"].as_str())
                        .collect()
                })
                .unwrap_or_default();
            for segment in path.split('/').filter(|s| s.starts_with('{')) {
                let name = segment.trim_matches(['{', '}']);
                assert!(declared.contains(&name), "{path}: `{name}` undeclared");
            }
        }
    }
    let create = &doc["paths"]["/v1/organizations/{orgid}/billjobs"]["post"];
    assert_eq!(create["requestBody"]["required"], true);
    assert!(create["responses"]["413"].is_object() && create["responses"]["415"].is_object());
    assert_eq!(upstream.count(), 0);
}

#[tokio::test]
async fn every_documented_operation_is_served() {
    let (upstream, gw) = gateway().await;
    let doc: Value = serde_json::from_str(m3ter_billjob_rest::OPENAPI).expect("OPENAPI is JSON");
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            let url = format!(
                "{}{}",
                gw.url(),
                path.replace("{orgid}", "org-1").replace("{id}", "bj-1")
            );
            let req = http().request(method.to_uppercase().parse().expect("method"), url);
            let req = if method == "post" {
                req.json(&json!({}))
            } else {
                req
            };
            let status = req.send().await.expect("request").status();
            assert_eq!(status, 200, "{method} {path}");
        }
    }
    assert_eq!(upstream.count(), 5);
}

#[tokio::test]
async fn health_endpoint_answers_ok_without_calling_upstream() {
    let (upstream, gw) = gateway().await;
    let resp = http()
        .get(format!("{}/healthz", gw.url()))
        .send()
        .await
        .expect("healthz");
    let (status, ct, body) = read_json(resp).await;
    assert_eq!((status, ct.as_str()), (200, "application/json"));
    assert_eq!(body, json!({"status": "ok"}));
    assert_eq!(upstream.count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Through the sandbox
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn sandbox_lifecycle_create_list_retrieve_recalculate_cancel() {
    let config = SandboxConfig {
        // Long enough that the job is still active when we cancel it.
        step: Duration::from_secs(600),
        ..SandboxConfig::new(TOKEN)
    };
    let (addr, sandbox) = spawn(config, ([127, 0, 0, 1], 0).into())
        .await
        .expect("sandbox");
    let gw = gateway_for(client(&format!("http://{addr}"))).await;
    let jobs = format!("{}/v1/organizations/org-1/billjobs", gw.url());

    // Create.
    let resp = http()
        .post(&jobs)
        .json(&json!({"accountIds": ["acc-1", "acc-2"], "billingFrequency": "MONTHLY", "billDate": "2024-02-01"}))
        .send()
        .await
        .expect("create");
    let (status, _, created) = read_json(resp).await;
    assert_eq!(status, 200, "{created}");
    let id = created["id"].as_str().expect("id").to_string();
    assert_eq!(created["type"], "CREATE");
    assert_eq!(created["status"], "PENDING");
    assert_eq!(created["version"], 1);
    assert_eq!(created["accountIds"], json!(["acc-1", "acc-2"]));

    // List.
    let resp = http()
        .get(format!("{jobs}?pageSize=10"))
        .send()
        .await
        .expect("list");
    let (status, _, page) = read_json(resp).await;
    assert_eq!(status, 200, "{page}");
    let ids: Vec<&str> = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|j| j["id"].as_str())
        .collect();
    assert_eq!(ids, [id.as_str()]);

    // Retrieve.
    let resp = http()
        .get(format!("{jobs}/{id}"))
        .send()
        .await
        .expect("retrieve");
    let (status, _, got) = read_json(resp).await;
    assert_eq!(status, 200, "{got}");
    assert_eq!(got["id"], id.as_str());
    assert_eq!(got["billingFrequency"], "MONTHLY");

    // Recalculate.
    let resp = http()
        .post(format!("{jobs}/recalculate"))
        .json(&json!({"billIds": ["bill-1"]}))
        .send()
        .await
        .expect("recalculate");
    let (status, _, recalculated) = read_json(resp).await;
    assert_eq!(status, 200, "{recalculated}");
    assert_eq!(recalculated["type"], "RECALCULATE");
    assert_eq!(recalculated["billIds"], json!(["bill-1"]));

    // Cancel, as the SDK sends it.
    let resp = http()
        .post(format!("{jobs}/{id}/cancel"))
        .header("content-type", "application/json")
        .body("")
        .send()
        .await
        .expect("cancel");
    let (status, _, cancelled) = read_json(resp).await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["id"], id.as_str());
    assert_eq!(cancelled["status"], "CANCELLED");
    assert_eq!(cancelled["version"], 2);

    // The cancellation is visible, and an unknown id is the sandbox's 404 passed through.
    let resp = http()
        .get(format!("{jobs}/{id}"))
        .send()
        .await
        .expect("retrieve");
    assert_eq!(read_json(resp).await.2["status"], "CANCELLED");
    let resp = http()
        .get(format!("{jobs}/no-such-job"))
        .send()
        .await
        .expect("retrieve");
    let (status, ct, body) = read_json(resp).await;
    assert_eq!((status, ct.as_str()), (404, "application/json"));
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("no-such-job")),
        "{body}"
    );
    sandbox.abort();
}

#[tokio::test]
async fn sandbox_pagination_round_trips_next_token_through_the_gateway() {
    let config = SandboxConfig {
        step: Duration::from_secs(600),
        ..SandboxConfig::new(TOKEN)
    };
    let (addr, sandbox) = spawn(config, ([127, 0, 0, 1], 0).into())
        .await
        .expect("sandbox");
    let gw = gateway_for(client(&format!("http://{addr}"))).await;
    let jobs = format!("{}/v1/organizations/org-1/billjobs", gw.url());
    let mut created = Vec::new();
    for i in 0..3 {
        let resp = http()
            .post(&jobs)
            .json(&json!({"accountIds": [format!("acc-{i}")]}))
            .send()
            .await
            .expect("create");
        created.push(
            read_json(resp).await.2["id"]
                .as_str()
                .expect("id")
                .to_string(),
        );
    }

    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..10 {
        let mut url = reqwest::Url::parse(&jobs).expect("url");
        url.query_pairs_mut().append_pair("pageSize", "1");
        if let Some(t) = &next {
            url.query_pairs_mut().append_pair("nextToken", t);
        }
        let (status, _, page) = read_json(http().get(url).send().await.expect("list")).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["data"]
                .as_array()
                .expect("data")
                .iter()
                .filter_map(|j| j["id"].as_str().map(String::from)),
        );
        next = page["nextToken"].as_str().map(String::from);
        if next.is_none() {
            break;
        }
    }
    created.reverse(); // newest first
    assert_eq!(seen, created);
    sandbox.abort();
}

#[tokio::test]
async fn sandbox_refusing_our_token_is_passed_through_as_403() {
    let (addr, sandbox) = spawn(
        SandboxConfig::new("another-token"),
        ([127, 0, 0, 1], 0).into(),
    )
    .await
    .expect("sandbox");
    let gw = gateway_for(client(&format!("http://{addr}"))).await;
    let resp = http()
        .get(format!("{}/v1/organizations/org-1/billjobs", gw.url()))
        .send()
        .await
        .expect("list");
    let (status, ct, body) = read_json(resp).await;
    assert_eq!((status, ct.as_str()), (403, "application/json"));
    assert!(body["message"].is_string(), "{body}");
    sandbox.abort();
}

// ---------------------------------------------------------------------------------------------
// The billjob server's start-up errors
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn billjob_refuses_to_start_on_a_busy_port_naming_it() {
    let busy = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let addr = busy.local_addr().expect("addr").to_string();
    let options = billjob::Options {
        rest_addr: Some(addr.clone()),
        mcp_addr: Some(format!("127.0.0.1:{}", unused_port())),
        sandbox: true,
        control_addr: Some("127.0.0.1:0".into()),
        ..Default::default()
    };
    let result = tokio::time::timeout(
        Duration::from_secs(20),
        billjob::cli::run_until(options, std::future::pending()),
    )
    .await
    .expect("start-up fails promptly");
    let err = result.expect_err("the port is busy");
    assert!(err.contains(&addr), "{err}");
    assert!(err.contains("in use"), "{err}");
}

#[tokio::test]
async fn billjob_without_a_key_refuses_to_start_naming_the_variable() {
    if std::env::var_os("M3TER_API_KEY").is_some() {
        eprintln!("M3TER_API_KEY is set in this environment; nothing to check");
        return;
    }
    let upstream = Upstream::start().await;
    let options = billjob::Options {
        rest_addr: Some(format!("127.0.0.1:{}", unused_port())),
        mcp_addr: Some(format!("127.0.0.1:{}", unused_port())),
        upstream: Some(upstream.url()),
        ..Default::default()
    };
    let result = tokio::time::timeout(
        Duration::from_secs(20),
        billjob::cli::run_until(options, std::future::pending()),
    )
    .await
    .expect("start-up fails promptly");
    let err = result.expect_err("no key");
    assert!(err.contains("M3TER_API_KEY"), "{err}");
    assert_eq!(upstream.count(), 0);
}

/// `mapping: $.` is the identity: the upstream's JSON goes out byte for byte (key order,
/// number spelling and all), not parsed and re-encoded.
#[tokio::test]
async fn identity_mapping_passes_the_upstream_json_through_byte_for_byte() {
    let (upstream, gw) = gateway().await;
    let raw = "{\"version\":1.50,\"id\":\"bj-1\",\"accountIds\":[\"z\",\"a\"]}";
    upstream.push(Scripted::raw(200, "application/json", raw));
    let resp = http()
        .get(format!(
            "{}/v1/organizations/org-123/billjobs/bj-1",
            gw.url()
        ))
        .send()
        .await
        .expect("retrieve");
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().await.expect("body"), raw);
}
