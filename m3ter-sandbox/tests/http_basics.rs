//! Auth, routing, fallbacks and request bodies.

mod common;

use common::*;
use m3ter_sandbox::{MAX_BODY_BYTES, SandboxConfig};

#[tokio::test]
async fn auth_is_required_and_the_token_is_never_echoed() {
    let client = start(LONG, 10).await;
    let target = "/organizations/org-1/billjobs";
    let wrong = "Bearer not-the-token";
    let cases: [&[(&str, &str)]; 6] = [
        &[],
        &[("Authorization", wrong)],
        &[("Authorization", "Basic c2FuZGJveDp0ZXN0")],
        &[("Authorization", "Bearer")],
        &[("Authorization", "Bearer sandbox-test-token-3f9")],
        &[("Authorization", "Bearer sandbox-test-token-3f9ab")],
    ];
    for headers in cases {
        for (method, path) in [("GET", target), ("POST", target), ("GET", "/nowhere")] {
            let reply = client.raw(method, path, headers, None).await;
            assert_eq!(reply.status, 403, "{method} {path} with {headers:?}");
            let body = reply.json();
            assert!(!message(&body).is_empty());
            let text = String::from_utf8_lossy(&reply.body);
            assert!(!text.contains("not-the-token") && !text.contains(TOKEN));
        }
    }
    // The scheme is case-insensitive, as in RFC 9110.
    let lower = format!("bearer {TOKEN}");
    let reply = client
        .raw("GET", target, &[("Authorization", &lower)], None)
        .await;
    assert_eq!(reply.status, 200);
    // An empty configured token lets nobody in.
    let closed = start_with(SandboxConfig::new("")).await;
    let reply = closed
        .raw("GET", target, &[("Authorization", "Bearer ")], None)
        .await;
    assert_eq!(reply.status, 403);
    // Debug output redacts the token.
    assert!(!format!("{:?}", SandboxConfig::new(TOKEN)).contains(TOKEN));
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_json() {
    let client = start(LONG, 10).await;
    for (method, target, status) in [
        ("GET", "/", 404),
        ("GET", "/organizations/o/billjob", 404),
        ("GET", "/organizations/o/billjobs/x/y", 404),
        ("GET", "/organizations/o/billjobs/x/cancel", 405),
        ("DELETE", "/organizations/o/billjobs", 405),
        ("PUT", "/organizations/o/billjobs/x", 405),
        ("POST", "/organizations/o/billjobs/x", 405),
        ("GET", "/organizations/o/billjobs/recalculate", 405),
    ] {
        let reply = client.send(method, target, None).await;
        assert_eq!(reply.status, status, "{method} {target}");
        assert_eq!(
            reply.header("content-type"),
            Some("application/json"),
            "{method} {target}"
        );
        assert!(!message(&reply.json()).is_empty());
    }
}

#[tokio::test]
async fn malformed_empty_and_oversized_bodies() {
    let client = start(LONG, 100).await;
    let create = "/organizations/o/billjobs";
    let recalculate = "/organizations/o/billjobs/recalculate";
    for body in [
        &b"{"[..],
        b"{\"accountIds\": [\"a\",]}",
        b"not json",
        b"\xff\xfe",
    ] {
        let (status, reply) = client.post_raw(create, body).await;
        assert_eq!(status, 400, "{:?}", String::from_utf8_lossy(body));
        assert!(message(&reply).contains("not valid JSON"));
    }
    for body in [&b"[]"[..], b"\"text\"", b"42", b"null"] {
        let (status, reply) = client.post_raw(create, body).await;
        assert_eq!(status, 400);
        assert_eq!(message(&reply), "request body must be a JSON object");
    }
    // An empty body (Content-Length: 0) and a blank one mean `{}`.
    for body in [&b""[..], b"  \r\n"] {
        let (status, job) = client.post_raw(create, body).await;
        assert_eq!(status, 200, "{job}");
        assert_eq!(job["type"], "CREATE");
    }
    let (status, reply) = client.post_raw(recalculate, b"").await;
    assert_eq!(status, 400);
    assert_eq!(message(&reply), "billIds is required");
    // A body of exactly 1 MiB is read; one byte more is refused with 413.
    let mut padded = br#"{"accountIds":["a"],"padding":""#.to_vec();
    padded.resize(MAX_BODY_BYTES - 2, b'x');
    padded.extend_from_slice(b"\"}");
    assert_eq!(padded.len(), MAX_BODY_BYTES);
    let (status, _) = client.post_raw(create, &padded).await;
    assert_eq!(status, 200);
    padded.insert(padded.len() - 2, b'x');
    let (status, reply) = client.post_raw(create, &padded).await;
    assert_eq!(status, 413);
    assert!(message(&reply).contains("larger than"));
}
