//! Issue 3: the generated BillJob client on the wire, against a real recording upstream.
//!
//! The client's base URI is `http://127.0.0.1:PORT/v1`, where the official Python SDK is pointed
//! with `base_url=http://127.0.0.1:PORT/v1` in the interop checks (tests/interop), so the raw
//! targets below are the ones that SDK sends, byte for byte.

use naftiko_runtime::client::{ConfigError, Error};
use naftiko_tests::m3ter_billjob::{Client, ListbilljobsParams};
use naftiko_tests::{Recorded, Scripted, TOKEN, Upstream, client, client_builder, unused_port};
use serde_json::{Value, json};
use std::time::Duration;

const ORG: &str = "org-123";

fn job(id: &str) -> Value {
    json!({"id": id, "version": 1, "status": "PENDING", "type": "CREATE"})
}

async fn upstream_and_client() -> (Upstream, Client) {
    let upstream = Upstream::start().await;
    let client = client(&format!("{}/v1", upstream.url()));
    (upstream, client)
}

/// What every request carries: our bearer token once, our user agent, `Accept: application/json`.
fn assert_common_headers(r: &Recorded) {
    assert_eq!(
        r.header_all("authorization"),
        vec![format!("Bearer {TOKEN}")],
        "{r:#?}"
    );
    let ua = r.header("user-agent").expect("a User-Agent");
    assert!(ua.starts_with("naftiko/"), "User-Agent {ua:?}");
    assert_eq!(r.header("accept"), Some("application/json"));
}

/// GET: no body, no body headers.
fn assert_no_body(r: &Recorded) {
    assert!(!r.has_body(), "unexpected body framing: {r:#?}");
    assert_eq!(r.header("content-type"), None, "{r:#?}");
}

/// The SDK's body: the same JSON, as compact (same length); key order is not significant.
fn assert_json_body(r: &Recorded, expected: &str) {
    assert_eq!(r.header("content-type"), Some("application/json"));
    let expected_json: Value = serde_json::from_str(expected).expect("expected JSON");
    assert_eq!(r.json(), expected_json);
    assert_eq!(
        r.body.len(),
        expected.len(),
        "{:?}",
        String::from_utf8_lossy(&r.body)
    );
    assert_eq!(
        r.header("content-length"),
        Some(expected.len().to_string().as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// The five operations, as the SDK sends them (§6)
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn list_sends_page_size_and_status_like_the_sdk() {
    let (upstream, client) = upstream_and_client().await;
    let page = json!({"data": [job("bj-page-1")], "nextToken": "page-2-token"});
    upstream.push(Scripted::json(200, &page));

    let params = ListbilljobsParams {
        page_size: Some(2),
        status: Some("RUNNING".into()),
        ..Default::default()
    };
    let reply = client.listbilljobs(ORG, &params).await.expect("list");

    assert_eq!(reply.status, 200);
    assert_eq!(*reply.json(), page);
    let r = upstream.only_request();
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.target,
        "/v1/organizations/org-123/billjobs?pageSize=2&status=RUNNING"
    );
    assert_common_headers(&r);
    assert_no_body(&r);
}

#[tokio::test]
async fn list_second_page_repeats_the_query_and_adds_next_token() {
    let (upstream, client) = upstream_and_client().await;
    let params = ListbilljobsParams {
        page_size: Some(2),
        status: Some("RUNNING".into()),
        next_token: Some("page-2-token".into()),
        ..Default::default()
    };
    client.listbilljobs(ORG, &params).await.expect("list");

    let r = upstream.only_request();
    // SDK: `?pageSize=2&status=RUNNING&nextToken=page-2-token`; the order is not significant.
    assert_eq!(r.path(), "/v1/organizations/org-123/billjobs");
    assert_eq!(
        r.query_pairs(),
        ["nextToken=page-2-token", "pageSize=2", "status=RUNNING"]
    );
}

#[tokio::test]
async fn list_form_encodes_next_token_like_the_sdk() {
    let (upstream, client) = upstream_and_client().await;
    let params = ListbilljobsParams {
        active: Some("TRUE".into()),
        next_token: Some("abc/def+ghi=".into()),
        ..Default::default()
    };
    client.listbilljobs(ORG, &params).await.expect("list");

    let r = upstream.only_request();
    // SDK: `GET /v1/organizations/org-123/billjobs?active=TRUE&nextToken=abc%2Fdef%2Bghi%3D`
    assert_eq!(r.path(), "/v1/organizations/org-123/billjobs");
    assert_eq!(
        r.query_pairs(),
        ["active=TRUE", "nextToken=abc%2Fdef%2Bghi%3D"]
    );
    assert_common_headers(&r);
    assert_no_body(&r);
}

#[tokio::test]
async fn query_values_cannot_inject_parameters() {
    let (upstream, client) = upstream_and_client().await;
    let params = ListbilljobsParams {
        status: Some("RUNNING&active=FALSE".into()),
        next_token: Some("a b#c?d".into()),
        ..Default::default()
    };
    client.listbilljobs(ORG, &params).await.expect("list");
    let r = upstream.only_request();
    assert_eq!(r.path(), "/v1/organizations/org-123/billjobs");
    assert_eq!(
        r.query_pairs(),
        ["nextToken=a+b%23c%3Fd", "status=RUNNING%26active%3DFALSE"]
    );
}

#[tokio::test]
async fn list_without_parameters_sends_no_query_at_all() {
    let (upstream, client) = upstream_and_client().await;
    client
        .listbilljobs(ORG, &ListbilljobsParams::default())
        .await
        .expect("list");
    assert_eq!(
        upstream.only_request().target,
        "/v1/organizations/org-123/billjobs"
    );
}

#[tokio::test]
async fn create_sends_the_sdk_body() {
    let (upstream, client) = upstream_and_client().await;
    let created = job("bj-new");
    upstream.push(Scripted::json(200, &created));
    let body = json!({
        "accountIds": ["8c3f1b4e-0d2a-4b7e-9f61-2a5d3c4b5e6f", "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"],
        "billDate": "2024-02-01",
        "billFrequencyInterval": 1,
        "billingFrequency": "MONTHLY",
        "currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": 1.12}],
        "dueDate": "2024-03-01",
        "externalInvoiceDate": "2024-02-01",
        "lastDateInBillingPeriod": "2024-01-31",
        "targetCurrency": "USD",
        "timezone": "UTC"
    });

    let reply = client.createbilljob(ORG, &body).await.expect("create");

    assert_eq!(*reply.json(), created);
    let r = upstream.only_request();
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/v1/organizations/org-123/billjobs");
    assert_common_headers(&r);
    // PROBE request 5, Content-Length 378.
    assert_json_body(
        &r,
        r#"{"accountIds":["8c3f1b4e-0d2a-4b7e-9f61-2a5d3c4b5e6f","0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"],"billDate":"2024-02-01","billFrequencyInterval":1,"billingFrequency":"MONTHLY","currencyConversions":[{"from":"EUR","to":"USD","multiplier":1.12}],"dueDate":"2024-03-01","externalInvoiceDate":"2024-02-01","lastDateInBillingPeriod":"2024-01-31","targetCurrency":"USD","timezone":"UTC"}"#,
    );
    assert_eq!(r.header("content-length"), Some("378"));
}

#[tokio::test]
async fn create_with_no_fields_sends_an_empty_object() {
    let (upstream, client) = upstream_and_client().await;
    client.createbilljob(ORG, &json!({})).await.expect("create");
    let r = upstream.only_request();
    assert_eq!(r.target, "/v1/organizations/org-123/billjobs");
    assert_json_body(&r, "{}");
}

#[tokio::test]
async fn recalculate_sends_bill_ids_and_version() {
    let (upstream, client) = upstream_and_client().await;
    let recalculated =
        json!({"id": "bj-r", "type": "RECALCULATE", "billIds": ["bill-1", "bill-2"]});
    upstream.push(Scripted::json(200, &recalculated));

    let reply = client
        .recalculatebilljob(ORG, &json!({"billIds": ["bill-1", "bill-2"], "version": 1}))
        .await
        .expect("recalculate");

    assert_eq!(*reply.json(), recalculated);
    let r = upstream.only_request();
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/v1/organizations/org-123/billjobs/recalculate");
    assert_common_headers(&r);
    assert_json_body(&r, r#"{"billIds":["bill-1","bill-2"],"version":1}"#);
}

#[tokio::test]
async fn retrieve_sends_a_get_without_body() {
    let (upstream, client) = upstream_and_client().await;
    upstream.push(Scripted::json(200, &job("bj-123")));

    let reply = client.getbilljob(ORG, "bj-123").await.expect("retrieve");

    assert_eq!(*reply.json(), job("bj-123"));
    let r = upstream.only_request();
    assert_eq!(r.method, "GET");
    assert_eq!(r.target, "/v1/organizations/org-123/billjobs/bj-123");
    assert_common_headers(&r);
    assert_no_body(&r);
}

#[tokio::test]
async fn cancel_sends_a_post_without_body_or_content_type() {
    let (upstream, client) = upstream_and_client().await;
    let cancelled = json!({"id": "bj-123", "status": "CANCELLED", "version": 2});
    upstream.push(Scripted::json(200, &cancelled));

    let reply = client.cancelbilljob(ORG, "bj-123").await.expect("cancel");

    assert_eq!(*reply.json(), cancelled);
    let r = upstream.only_request();
    assert_eq!(r.method, "POST");
    assert_eq!(r.target, "/v1/organizations/org-123/billjobs/bj-123/cancel");
    assert_common_headers(&r);
    // The SDK sends `Content-Type: application/json` with an empty body; we send no body and
    // therefore no content type.
    assert!(r.body.is_empty());
    assert_eq!(r.header("content-type"), None);
    assert_ne!(r.header("transfer-encoding"), Some("chunked"));
}

/// RFC 9110 §8.6: a user agent SHOULD send `Content-Length` when the method defines a meaning
/// for content (POST) and it sends no `Transfer-Encoding`. The SDK sends `Content-Length: 0`
/// on cancel; some front ends answer a bare POST with 411 Length Required.
#[tokio::test]
async fn bodyless_cancel_post_declares_content_length_zero() {
    let (upstream, client) = upstream_and_client().await;
    client.cancelbilljob(ORG, "bj-123").await.expect("cancel");
    let r = upstream.only_request();
    assert_eq!(r.header("content-length"), Some("0"), "{r:#?}");
}

#[tokio::test]
async fn concurrent_calls_each_reach_their_own_target() {
    let (upstream, client) = upstream_and_client().await;
    let calls = (0..32).map(|i| {
        let client = client.clone();
        async move { client.getbilljob(ORG, &format!("bj-{i}")).await }
    });
    let mut handles = Vec::new();
    for call in calls {
        handles.push(tokio::spawn(call));
    }
    for h in handles {
        h.await.expect("task").expect("retrieve");
    }
    let mut targets: Vec<String> = upstream.requests().into_iter().map(|r| r.target).collect();
    targets.sort();
    let mut expected: Vec<String> = (0..32)
        .map(|i| format!("/v1/organizations/org-123/billjobs/bj-{i}"))
        .collect();
    expected.sort();
    assert_eq!(targets, expected);
}

#[test]
fn invalid_base_uri_is_a_config_error() {
    for uri in [
        "not a url",
        "ftp://example.com",
        "http://example.com/v1?x=1",
        "http://example.com/#f",
    ] {
        let result = Client::builder()
            .base_uri(uri)
            .var("M3TER_API_KEY", TOKEN)
            .build();
        match result {
            Err(e @ ConfigError::InvalidBaseUri { .. }) => {
                assert!(!e.to_string().contains(TOKEN));
            }
            other => panic!("{uri}: expected InvalidBaseUri, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn base_uri_with_a_trailing_slash_does_not_double_the_slash() {
    let upstream = Upstream::start().await;
    let client = client(&format!("{}/v1/", upstream.url()));
    client.getbilljob(ORG, "bj-1").await.expect("retrieve");
    assert_eq!(
        upstream.only_request().target,
        "/v1/organizations/org-123/billjobs/bj-1"
    );
}

#[tokio::test]
async fn calls_and_clones_share_one_connection() {
    let (upstream, client) = upstream_and_client().await;
    let clone = client.clone();
    for i in 0..3 {
        client
            .getbilljob(ORG, &format!("bj-{i}"))
            .await
            .expect("retrieve");
        clone.createbilljob(ORG, &json!({})).await.expect("create");
    }
    assert_eq!(upstream.count(), 6);
    assert_eq!(
        upstream.connections(),
        1,
        "the pool should keep one connection alive"
    );
}

#[tokio::test]
async fn empty_success_body_is_json_null() {
    let (upstream, client) = upstream_and_client().await;
    upstream.push(Scripted::raw(200, "application/json", ""));
    let reply = client.cancelbilljob(ORG, "bj-1").await.expect("cancel");
    assert_eq!(*reply.json(), Value::Null);
}

// ---------------------------------------------------------------------------------------------
// Hostile path values
// ---------------------------------------------------------------------------------------------

/// Values that must be sent, each as exactly one percent-encoded segment.
const ENCODED: &[(&str, &str)] = &[
    ("../x", "..%2Fx"),
    ("a/b", "a%2Fb"),
    ("a?b", "a%3Fb"),
    ("a#b", "a%23b"),
    ("%2F", "%252F"),
    ("%2e%2e", "%252e%252e"),
    ("é", "%C3%A9"),
    ("a b", "a%20b"),
    ("a\\b", "a%5Cb"),
    ("a;b", "a%3Bb"),
    ("line\nbreak", "line%0Abreak"),
    ("nul\0byte", "nul%00byte"),
    ("...", "..."),
    ("bj-123_~.x", "bj-123_~.x"),
];

#[tokio::test]
async fn hostile_ids_stay_inside_one_segment() {
    let (upstream, client) = upstream_and_client().await;
    for (value, encoded) in ENCODED {
        upstream.clear();
        client
            .getbilljob(ORG, value)
            .await
            .unwrap_or_else(|e| panic!("retrieve {value:?}: {e}"));
        client
            .cancelbilljob(ORG, value)
            .await
            .unwrap_or_else(|e| panic!("cancel {value:?}: {e}"));
        let targets: Vec<String> = upstream.requests().into_iter().map(|r| r.target).collect();
        assert_eq!(
            targets,
            [
                format!("/v1/organizations/org-123/billjobs/{encoded}"),
                format!("/v1/organizations/org-123/billjobs/{encoded}/cancel"),
            ],
            "for id {value:?}"
        );
    }
}

#[tokio::test]
async fn hostile_org_ids_stay_inside_one_segment() {
    let (upstream, client) = upstream_and_client().await;
    for (value, encoded) in ENCODED {
        upstream.clear();
        let params = ListbilljobsParams::default();
        client.listbilljobs(value, &params).await.expect("list");
        client
            .createbilljob(value, &json!({}))
            .await
            .expect("create");
        client
            .recalculatebilljob(value, &json!({"billIds": ["b"]}))
            .await
            .expect("recalculate");
        client.getbilljob(value, "bj-1").await.expect("retrieve");
        client.cancelbilljob(value, "bj-1").await.expect("cancel");
        let targets: Vec<String> = upstream.requests().into_iter().map(|r| r.target).collect();
        let base = format!("/v1/organizations/{encoded}/billjobs");
        assert_eq!(
            targets,
            [
                base.clone(),
                base.clone(),
                format!("{base}/recalculate"),
                format!("{base}/bj-1"),
                format!("{base}/bj-1/cancel"),
            ],
            "for orgId {value:?}"
        );
    }
}

/// Values that cannot be one segment: refused before anything is sent.
const REFUSED: &[&str] = &["", ".", ".."];

#[tokio::test]
async fn empty_and_dot_path_values_are_refused_before_sending() {
    let (upstream, client) = upstream_and_client().await;
    for value in REFUSED {
        let results = [
            (
                "orgId",
                client
                    .listbilljobs(value, &ListbilljobsParams::default())
                    .await,
            ),
            ("orgId", client.createbilljob(value, &json!({})).await),
            ("orgId", client.recalculatebilljob(value, &json!({})).await),
            ("orgId", client.getbilljob(value, "bj-1").await),
            ("orgId", client.cancelbilljob(value, "bj-1").await),
            ("id", client.getbilljob(ORG, value).await),
            ("id", client.cancelbilljob(ORG, value).await),
        ];
        for (expected, result) in results {
            match result {
                Err(Error::InvalidArgument { name, reason }) => {
                    assert_eq!(name, expected, "for {value:?}");
                    assert!(!reason.is_empty());
                }
                other => panic!("{expected} = {value:?}: expected InvalidArgument, got {other:?}"),
            }
        }
    }
    assert_eq!(upstream.count(), 0, "{:#?}", upstream.requests());
    assert_eq!(upstream.connections(), 0);
}

// ---------------------------------------------------------------------------------------------
// Upstream errors and retries
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn not_found_is_a_status_error_carrying_the_upstream_message() {
    let (upstream, client) = upstream_and_client().await;
    upstream.set_fallback(Scripted::message(404, "BillJob missing not found"));

    let err = client.getbilljob(ORG, "missing").await.expect_err("404");

    match &err {
        Error::Status {
            operation,
            status,
            body,
            ..
        } => {
            assert_eq!(*operation, "getbilljob");
            assert_eq!(*status, 404);
            assert_eq!(*body, json!({"message": "BillJob missing not found"}));
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.upstream_message(), Some("BillJob missing not found"));
    let shown = err.to_string();
    assert!(
        shown.contains("404") && shown.contains("BillJob missing not found"),
        "{shown}"
    );
    assert_eq!(upstream.count(), 1, "a 404 is not retried");
}

#[tokio::test]
async fn status_error_for_an_unregistered_status_reads_cleanly() {
    let (upstream, client) = upstream_and_client().await;
    upstream.push(Scripted::message(599, "network read timeout"));
    let err = client
        .createbilljob(ORG, &json!({}))
        .await
        .expect_err("599");
    assert_eq!(
        err.to_string(),
        "createbilljob: upstream answered 599: network read timeout"
    );
}

#[tokio::test]
async fn rate_limited_get_is_retried_after_retry_after_then_succeeds() {
    let (upstream, client) = upstream_and_client().await;
    upstream.push(Scripted::message(429, "Too Many Requests").header("Retry-After", "0"));
    upstream.push(Scripted::json(200, &job("bj-123")));

    let reply = client
        .getbilljob(ORG, "bj-123")
        .await
        .expect("retried to success");

    assert_eq!(*reply.json(), job("bj-123"));
    let requests = upstream.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].target, requests[1].target);
    assert_eq!(requests[0].body, requests[1].body);
}

#[tokio::test]
async fn rate_limited_list_is_retried_with_the_same_query() {
    let (upstream, client) = upstream_and_client().await;
    upstream.push(Scripted::message(429, "slow down").header("Retry-After", "0"));
    upstream.push(Scripted::json(200, &json!({"data": []})));
    let params = ListbilljobsParams {
        page_size: Some(5),
        ..Default::default()
    };
    client.listbilljobs(ORG, &params).await.expect("list");
    let targets: Vec<String> = upstream.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        ["/v1/organizations/org-123/billjobs?pageSize=5"; 2]
    );
}

#[tokio::test]
async fn server_error_on_create_is_not_retried() {
    let (upstream, client) = upstream_and_client().await;
    upstream.set_fallback(Scripted::message(500, "boom"));

    let err = client
        .createbilljob(ORG, &json!({}))
        .await
        .expect_err("500");

    assert_eq!(err.status(), Some(500));
    assert_eq!(err.upstream_message(), Some("boom"));
    assert_eq!(upstream.count(), 1, "a create must never be sent twice");
}

#[tokio::test]
async fn no_post_is_retried_on_any_status() {
    let (upstream, client) = upstream_and_client().await;
    for status in [408, 429, 500, 502, 503, 504] {
        upstream.clear();
        upstream.set_fallback(Scripted::message(status, "nope").header("Retry-After", "0"));
        let results = [
            client.createbilljob(ORG, &json!({})).await,
            client
                .recalculatebilljob(ORG, &json!({"billIds": ["b"]}))
                .await,
            client.cancelbilljob(ORG, "bj-1").await,
        ];
        for r in results {
            assert_eq!(r.expect_err("error status").status(), Some(status));
        }
        assert_eq!(upstream.count(), 3, "status {status}: each POST sent once");
    }
}

#[tokio::test]
async fn rate_limit_on_create_reports_retry_after() {
    let (upstream, client) = upstream_and_client().await;
    upstream
        .push(Scripted::message(429, "10 BillJobs are already running").header("Retry-After", "7"));
    let err = client
        .createbilljob(ORG, &json!({}))
        .await
        .expect_err("429");
    match err {
        Error::Status {
            status: 429,
            retry_after,
            ..
        } => assert_eq!(retry_after, Some(Duration::from_secs(7))),
        other => panic!("expected a 429 status error, got {other:?}"),
    }
    assert_eq!(upstream.count(), 1);
}

#[tokio::test]
async fn unavailable_get_is_retried_at_most_max_retries_times() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::message(503, "unavailable").header("Retry-After", "0"));
    for retries in [0, 1, 3] {
        upstream.clear();
        let client = client_builder(&upstream.url())
            .max_retries(retries)
            .retry_budget_percent(100)
            .build()
            .expect("client");
        let err = client.getbilljob(ORG, "bj-1").await.expect_err("503");
        assert_eq!(err.status(), Some(503));
        assert_eq!(err.upstream_message(), Some("unavailable"));
        assert_eq!(
            upstream.count(),
            retries as usize + 1,
            "max_retries({retries})"
        );
    }
}

#[tokio::test]
async fn client_errors_on_get_are_not_retried() {
    let (upstream, client) = upstream_and_client().await;
    for status in [400, 403, 404, 409, 422] {
        upstream.clear();
        upstream.set_fallback(Scripted::message(status, "client error").header("Retry-After", "0"));
        let err = client.getbilljob(ORG, "bj-1").await.expect_err("4xx");
        assert_eq!(err.status(), Some(status));
        assert_eq!(upstream.count(), 1, "status {status}");
    }
}

#[tokio::test]
async fn non_json_error_body_is_kept_as_text() {
    let (upstream, client) = upstream_and_client().await;
    upstream.push(Scripted::raw(502, "text/html", "<html>bad gateway</html>"));
    let err = client
        .createbilljob(ORG, &json!({}))
        .await
        .expect_err("502");
    match &err {
        Error::Status {
            status: 502, body, ..
        } => {
            assert_eq!(*body, json!("<html>bad gateway</html>"));
        }
        other => panic!("expected a 502 status error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Transport failures
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let port = unused_port();
    let client = client_builder(&format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .expect("client");
    let err = client.getbilljob(ORG, "bj-1").await.expect_err("refused");
    assert!(
        matches!(
            err,
            Error::Connect {
                operation: "getbilljob",
                ..
            }
        ),
        "{err:?}"
    );
    let err = client
        .createbilljob(ORG, &json!({}))
        .await
        .expect_err("refused");
    assert!(
        matches!(
            err,
            Error::Connect {
                operation: "createbilljob",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn upstream_slower_than_the_timeout_is_a_timeout_error() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::json(200, &job("late")).delay(Duration::from_secs(30)));
    let client = client_builder(&upstream.url())
        .timeout(Duration::from_millis(300))
        .max_retries(0)
        .build()
        .expect("client");

    let err = client.getbilljob(ORG, "bj-1").await.expect_err("timeout");
    assert!(
        matches!(err, Error::Timeout { operation: "getbilljob", after } if after == Duration::from_millis(300)),
        "{err:?}"
    );
    let err = client
        .createbilljob(ORG, &json!({}))
        .await
        .expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    upstream.wait_for(2, Duration::from_secs(10)).await;
    assert_eq!(
        upstream.count(),
        2,
        "a timed-out call is not resent with max_retries(0)"
    );
}

#[tokio::test]
async fn timed_out_get_is_reported_at_the_deadline_without_a_retry() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::json(200, &job("late")).delay(Duration::from_secs(30)));
    let client = client_builder(&upstream.url())
        .timeout(Duration::from_millis(200))
        .max_retries(1)
        .build()
        .expect("client");
    let err = client.getbilljob(ORG, "bj-1").await.expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    // The timeout is the call's deadline: no time is left for a retry.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(upstream.count(), 1);
}

#[tokio::test]
async fn invalid_json_on_success_is_a_decode_error() {
    let (upstream, client) = upstream_and_client().await;
    upstream.push(Scripted::raw(200, "application/json", "{not json"));
    let err = client.getbilljob(ORG, "bj-1").await.expect_err("decode");
    assert!(
        matches!(
            err,
            Error::Decode {
                operation: "getbilljob",
                status: 200,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(upstream.count(), 1, "an undecodable answer is not retried");
}

#[tokio::test]
async fn dropped_connection_is_a_transport_failure_not_a_panic() {
    let (upstream, client) = upstream_and_client().await;
    upstream.set_fallback(Scripted::close_connection());
    let err = client
        .createbilljob(ORG, &json!({}))
        .await
        .expect_err("closed");
    assert!(
        matches!(
            err,
            Error::Transport {
                operation: "createbilljob",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(upstream.count(), 1, "a create is never resent");
}

#[tokio::test]
async fn failures_are_distinct_errors() {
    let upstream = Upstream::start().await;
    let no_retry = |base: &str| {
        client_builder(base)
            .timeout(Duration::from_millis(300))
            .max_retries(0)
            .build()
            .expect("client")
    };
    let refused = no_retry(&format!("http://127.0.0.1:{}", unused_port()))
        .getbilljob(ORG, "a")
        .await
        .expect_err("refused");
    let client = no_retry(&upstream.url());
    upstream.push(Scripted::json(200, &json!({})).delay(Duration::from_secs(30)));
    let timeout = client.getbilljob(ORG, "a").await.expect_err("timeout");
    upstream.push(Scripted::raw(200, "application/json", "[1,"));
    let decode = client.getbilljob(ORG, "a").await.expect_err("decode");
    upstream.push(Scripted::message(404, "gone"));
    let status = client.getbilljob(ORG, "a").await.expect_err("status");
    let invalid = client.getbilljob(ORG, "").await.expect_err("invalid");

    let kinds: Vec<&str> = [&refused, &timeout, &decode, &status, &invalid]
        .iter()
        .map(|e| match e {
            Error::Connect { .. } => "connect",
            Error::Timeout { .. } => "timeout",
            Error::Decode { .. } => "decode",
            Error::Status { .. } => "status",
            Error::InvalidArgument { .. } => "invalid",
            Error::Transport { .. } => "transport",
            Error::TooLarge { .. } => "too large",
            Error::InvalidStatus { .. } => "invalid status",
            Error::Redirect { .. } => "redirect",
            Error::Credentials { .. } => "credentials",
            Error::Script { .. } => "script",
        })
        .collect();
    assert_eq!(kinds, ["connect", "timeout", "decode", "status", "invalid"]);
    let mut messages: Vec<String> = [&refused, &timeout, &decode, &status, &invalid]
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(messages.iter().all(|m| !m.is_empty()));
    messages.sort();
    messages.dedup();
    assert_eq!(messages.len(), 5, "messages should differ: {messages:?}");
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

#[test]
fn missing_api_key_is_a_config_error_naming_the_variable() {
    let result = Client::builder()
        .base_uri("http://127.0.0.1:1")
        .env_source(|_| None)
        .build();
    match result {
        Err(ConfigError::MissingVar(name)) => assert_eq!(name, "M3TER_API_KEY"),
        other => panic!("expected MissingVar, got {other:?}"),
    }
    let err = Client::builder()
        .env_source(|_| None)
        .build()
        .expect_err("missing");
    assert!(err.to_string().contains("M3TER_API_KEY"), "{err}");
}

#[test]
fn empty_api_key_counts_as_missing() {
    let result = Client::builder()
        .env_source(|name| (name == "M3TER_API_KEY").then(String::new))
        .build();
    assert!(
        matches!(&result, Err(ConfigError::MissingVar(n)) if n == "M3TER_API_KEY"),
        "{result:?}"
    );
}

#[tokio::test]
async fn api_key_is_read_from_the_env_source() {
    let upstream = Upstream::start().await;
    let client = Client::builder()
        .base_uri(upstream.url())
        .env_source(|name| (name == "M3TER_API_KEY").then(|| "from-env".to_string()))
        .build()
        .expect("client");
    client.getbilljob(ORG, "bj-1").await.expect("retrieve");
    assert_eq!(
        upstream.only_request().header_all("authorization"),
        ["Bearer from-env"]
    );
}

#[test]
fn api_key_that_is_not_header_text_is_refused_without_echoing_it() {
    let result = Client::builder()
        .var("M3TER_API_KEY", "tok-5ecret\r\nX-Evil: 1")
        .env_source(|_| None)
        .build();
    let err = result.expect_err("invalid header value");
    assert!(
        matches!(&err, ConfigError::InvalidVar { name, .. } if name == "M3TER_API_KEY"),
        "{err:?}"
    );
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("5ecret"), "{shown}");
    }
}

#[tokio::test]
async fn the_token_never_appears_in_errors_or_debug_output() {
    let upstream = Upstream::start().await;
    let builder = client_builder(&upstream.url())
        .timeout(Duration::from_millis(300))
        .max_retries(0);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().expect("client");
    let refused = client_builder(&format!("http://127.0.0.1:{}", unused_port()))
        .max_retries(0)
        .build()
        .expect("client");

    let mut errors = vec![refused.getbilljob(ORG, "a").await.expect_err("connect")];
    upstream.push(Scripted::json(200, &json!({})).delay(Duration::from_secs(30)));
    errors.push(client.getbilljob(ORG, "a").await.expect_err("timeout"));
    upstream.push(Scripted::raw(200, "application/json", "nope"));
    errors.push(client.getbilljob(ORG, "a").await.expect_err("decode"));
    upstream.push(Scripted::message(403, "Forbidden: expired token"));
    errors.push(client.getbilljob(ORG, "a").await.expect_err("status"));
    upstream.push(Scripted::close_connection());
    errors.push(
        client
            .createbilljob(ORG, &json!({}))
            .await
            .expect_err("closed"),
    );
    errors.push(client.getbilljob(ORG, "..").await.expect_err("invalid"));

    let mut shown = vec![
        builder_debug,
        format!("{client:?}"),
        format!("{:?}", client.http()),
    ];
    for e in &errors {
        shown.push(e.to_string());
        shown.push(format!("{e:?}"));
        shown.push(format!("{e:#?}"));
    }
    for s in &shown {
        assert!(!s.contains(TOKEN), "the token leaked into {s:?}");
        assert!(!s.contains("5ecret"), "part of the token leaked into {s:?}");
    }
    // Yet it was sent.
    assert_eq!(
        upstream.requests()[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

// ---------------------------------------------------------------------------------------------
// Bounds: one deadline per call, a retry budget, response size, statuses a gateway never passes on
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_deadline_covers_retries_and_retry_after() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::message(503, "busy").header("Retry-After", "10"));
    let client = client_builder(&upstream.url())
        .timeout(Duration::from_millis(800))
        .max_retries(3)
        .build()
        .expect("client");
    let started = std::time::Instant::now();
    let err = client.getbilljob(ORG, "bj-1").await.expect_err("503");
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "{:?}",
        started.elapsed()
    );
    // The caller gets the upstream's answer with its Retry-After, not a timeout.
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        upstream.count(),
        1,
        "a retry that cannot finish in time is not started"
    );
}

#[tokio::test]
async fn a_hung_upstream_costs_one_deadline_not_one_per_attempt() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::json(200, &json!({})).delay(Duration::from_secs(30)));
    let client = client_builder(&upstream.url())
        .timeout(Duration::from_millis(500))
        .max_retries(3)
        .build()
        .expect("client");
    let started = std::time::Instant::now();
    let err = client.getbilljob(ORG, "bj-1").await.expect_err("timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn the_retry_budget_keeps_a_failing_upstream_from_tripled_load() {
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::message(503, "down").header("Retry-After", "0"));
    let client = client_builder(&upstream.url())
        .max_retries(2)
        .retry_budget_percent(10)
        .build()
        .expect("client");
    for _ in 0..20 {
        let _ = client.getbilljob(ORG, "bj-1").await.expect_err("503");
    }
    // 20 calls, two retries in hand and one per ten calls: at most 24 hits, not 60.
    assert!(upstream.count() <= 24, "{} upstream hits", upstream.count());
    assert!(upstream.count() > 20, "retries still happen");
}

#[tokio::test]
async fn answers_larger_than_the_cap_are_refused() {
    let upstream = Upstream::start().await;
    let big = format!("[{}1]", "1,".repeat(5000));
    upstream.push(Scripted::raw(200, "application/json", big.clone()));
    upstream.push(Scripted::raw(500, "application/json", big));
    let client = client_builder(&upstream.url())
        .max_response_bytes(4096)
        .max_retries(0)
        .build()
        .expect("client");
    for _ in 0..2 {
        let err = client.getbilljob(ORG, "bj-1").await.expect_err("too large");
        assert!(matches!(err, Error::TooLarge { limit: 4096, .. }), "{err}");
    }
}

#[tokio::test]
async fn statuses_that_are_not_final_and_redirects_are_errors() {
    let upstream = Upstream::start().await;
    let client = client_builder(&upstream.url())
        .max_retries(0)
        .build()
        .expect("client");
    for status in [600, 999] {
        upstream.push(Scripted::json(status, &json!({})));
        let err = client.getbilljob(ORG, "bj-1").await.expect_err("invalid");
        assert!(
            matches!(err, Error::InvalidStatus { status: s, .. } if s == status),
            "{err}"
        );
    }
    upstream.push(Scripted::json(302, &json!({})));
    let err = client.getbilljob(ORG, "bj-1").await.expect_err("redirect");
    assert!(
        matches!(
            err,
            Error::Redirect {
                status: 302,
                location: None,
                ..
            }
        ),
        "{err}"
    );
    upstream.push(Scripted::json(307, &json!({})).header("Location", "http://elsewhere/x"));
    let err = client.getbilljob(ORG, "bj-1").await.expect_err("redirect");
    assert!(err.to_string().contains("http://elsewhere/x"), "{err}");
}

#[tokio::test]
async fn json_too_deep_for_a_value_is_an_error_not_null() {
    let upstream = Upstream::start().await;
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    upstream.push(Scripted::raw(200, "application/json", deep));
    let reply = client(&upstream.url())
        .getbilljob(ORG, "bj-1")
        .await
        .expect("valid JSON passes");
    let err = reply.try_into_json().expect_err("too deep");
    assert!(matches!(err, Error::Decode { .. }), "{err}");
}

#[tokio::test]
async fn urls_beyond_the_limit_are_refused_before_sending() {
    let upstream = Upstream::start().await;
    let client = client_builder(&upstream.url())
        .max_url_bytes(1024)
        .build()
        .expect("client");
    let err = client
        .getbilljob(ORG, &"x".repeat(2000))
        .await
        .expect_err("too long");
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
    assert!(err.to_string().contains("too long"), "{err}");
    assert_eq!(upstream.count(), 0);
}
