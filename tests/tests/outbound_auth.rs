//! Issue 12, outbound: each consumed authentication scheme on the wire, against a recording
//! upstream that checks what it received (`tests/specs/outbound-auth.yaml`).

use naftiko_runtime::client::{ConfigError, Error};
use naftiko_tests::{Scripted, Upstream};
use serde_json::json;
use std::time::Duration;

mod generated {
    naftiko_runtime::naftiko_capability!("specs/outbound-auth.yaml");
}
use generated::{body_api, cookie_api, oauth2_api, path_api};

/// A key with characters that must be encoded in a path segment and in a form.
const KEY: &str = "k3y/+=secret";

fn ok() -> Scripted {
    Scripted::json(200, &json!({"ok": true}))
}

#[tokio::test]
async fn an_api_key_in_a_cookie_is_sent_in_the_cookie_header() {
    let upstream = Upstream::start().await;
    let client = cookie_api::Client::builder()
        .base_uri(format!("{}/api", upstream.url()))
        .var("KEY", "abc.DEF-123")
        .build()
        .expect("client");
    upstream.push(ok());
    client
        .list_items(&cookie_api::ListItemsParams { top: Some(5) })
        .await
        .expect("answer");
    let r = upstream.only_request();
    assert_eq!(r.target, "/api/items?top=5");
    assert_eq!(r.header_all("cookie"), vec![".ASPXAUTH=abc.DEF-123"]);
    assert!(!format!("{client:?}").contains("abc.DEF"));
}

#[test]
fn a_cookie_value_that_cannot_be_a_cookie_is_refused_without_showing_it() {
    let err = cookie_api::Client::builder()
        .var("KEY", "a b;c")
        .build()
        .expect_err("not a cookie value");
    assert!(
        matches!(&err, ConfigError::InvalidVar { name, .. } if name == "KEY"),
        "{err}"
    );
    assert!(!err.to_string().contains("a b;c"));
}

#[tokio::test]
async fn an_api_key_in_the_path_fills_the_base_uri_placeholder_and_is_never_shown() {
    let upstream = Upstream::start().await;
    let client = path_api::Client::builder()
        .base_uri(format!("{}/bot{{token}}", upstream.url()))
        .var("KEY", KEY)
        .build()
        .expect("client");
    upstream.push(ok());
    client.get_me().await.expect("answer");
    let r = upstream.only_request();
    assert_eq!(r.target, "/botk3y%2F%2B%3Dsecret/getMe");
    // The base URI shown in logs and Debug keeps the placeholder.
    let shown = format!("{client:?}");
    assert!(shown.contains("/bot{token}"), "{shown}");
    assert!(!shown.contains("secret"), "{shown}");
    // An error names the operation, never the URL with the key.
    drop(upstream);
    let err = client.get_me().await.expect_err("nobody listens");
    assert!(
        matches!(err, Error::Connect { .. } | Error::Transport { .. }),
        "{err}"
    );
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[test]
fn the_spec_base_uri_takes_the_path_key_and_a_base_uri_without_placeholder_is_refused() {
    let client = path_api::Client::builder()
        .var("KEY", KEY)
        .build()
        .expect("client");
    let shown = format!("{client:?}");
    assert!(shown.contains("https://bot.invalid/bot{token}"), "{shown}");
    assert!(!shown.contains("secret"), "{shown}");
    let err = path_api::Client::builder()
        .base_uri("http://127.0.0.1:1/bot")
        .var("KEY", KEY)
        .build()
        .expect_err("no placeholder");
    assert!(
        err.to_string().contains("no `{token}` placeholder"),
        "{err}"
    );
    assert!(!err.to_string().contains("secret"), "{err}");
}

async fn body_client() -> (Upstream, body_api::Client) {
    let upstream = Upstream::start().await;
    let client = body_api::Client::builder()
        .base_uri(upstream.url())
        .var("KEY", KEY)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    (upstream, client)
}

#[tokio::test]
async fn an_api_key_in_the_body_is_a_field_of_the_json_object() {
    let (upstream, client) = body_client().await;
    upstream.push(ok());
    client
        .request_verification("+447700900000", "Acme")
        .await
        .expect("answer");
    let r = upstream.only_request();
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json(),
        json!({"number": "+447700900000", "brand": "Acme", "api_key": KEY})
    );
    upstream.clear();

    upstream.push(ok());
    client.whole(&json!({"a": 1})).await.expect("answer");
    assert_eq!(
        upstream.only_request().json(),
        json!({"a": 1, "api_key": KEY})
    );
    upstream.clear();

    // A whole body that is not an object has no field for the key: nothing is sent.
    let err = client.whole(&json!([1, 2])).await.expect_err("an array");
    assert!(
        matches!(err, Error::InvalidArgument { name: "body", .. }),
        "{err}"
    );
    assert!(!err.to_string().contains("secret"));
    assert_eq!(upstream.count(), 0);
}

#[tokio::test]
async fn an_api_key_in_the_body_is_a_form_field_or_a_form_of_its_own() {
    let (upstream, client) = body_client().await;
    upstream.push(ok());
    client
        .form(&body_api::FormParams {
            search: Some("a b".into()),
        })
        .await
        .expect("answer");
    let r = upstream.only_request();
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        "action=GetClients&search=a+b&api_key=k3y%2F%2B%3Dsecret"
    );
    upstream.clear();

    upstream.push(ok());
    client.bare().await.expect("answer");
    let r = upstream.only_request();
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        "api_key=k3y%2F%2B%3Dsecret"
    );
    assert_eq!(r.header("content-length"), Some("26"));
}

// ---------------------------------------------------------------------------------------------
// OAuth 2 client credentials

const CLIENT_SECRET: &str = "cl1ent-s3cret";

fn token(access: &str, expires_in: u64) -> Scripted {
    Scripted::json(
        200,
        &json!({"access_token": access, "token_type": "Bearer", "expires_in": expires_in}),
    )
}

async fn oauth2_client() -> (Upstream, oauth2_api::Client) {
    let upstream = Upstream::start().await;
    let client = oauth2_api::Client::builder()
        .base_uri(format!("{}/api", upstream.url()))
        .var("TOKEN_URL", format!("{}/oauth/token", upstream.url()))
        .var("CLIENT_ID", "client 1")
        .var("CLIENT_SECRET", CLIENT_SECRET)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    (upstream, client)
}

/// The token request RFC 6749 §4.4 describes: client_secret_basic (id and secret form-encoded,
/// then Base64), a form body with the grant type and the spec's scopes.
fn assert_token_request(r: &naftiko_tests::Recorded) {
    assert_eq!(
        (r.method.as_str(), r.target.as_str()),
        ("POST", "/oauth/token")
    );
    // base64("client+1:cl1ent-s3cret")
    assert_eq!(
        r.header("authorization"),
        Some("Basic Y2xpZW50KzE6Y2wxZW50LXMzY3JldA==")
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8_lossy(&r.body),
        "grant_type=client_credentials&scope=read+write"
    );
}

#[tokio::test]
async fn a_token_is_fetched_once_cached_and_sent_as_bearer() {
    let (upstream, client) = oauth2_client().await;
    upstream.push(token("tok-1", 3600)).push(ok()).push(ok());
    client.list_things().await.expect("first call");
    client.add_thing().await.expect("second call");
    let requests = upstream.requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert_token_request(&requests[0]);
    for r in &requests[1..] {
        assert_eq!(r.header_all("authorization"), vec!["Bearer tok-1"]);
    }
    assert!(!format!("{client:?}").contains(CLIENT_SECRET));
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    let (upstream, client) = oauth2_client().await;
    // A 1 s token is refreshed a tenth of its lifetime early, 0.9 s after it was asked for.
    upstream.push(token("tok-1", 1)).push(ok());
    client.list_things().await.expect("first call");
    tokio::time::sleep(Duration::from_millis(950)).await;
    upstream.push(token("tok-2", 1)).push(ok());
    client.list_things().await.expect("after the refresh");
    let requests = upstream.requests();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    assert_token_request(&requests[2]);
    assert_eq!(requests[3].header("authorization"), Some("Bearer tok-2"));
}

#[tokio::test]
async fn a_401_renews_the_token_once_even_for_a_post() {
    let (upstream, client) = oauth2_client().await;
    upstream
        .push(token("tok-1", 3600))
        .push(Scripted::message(401, "token revoked"))
        .push(token("tok-2", 3600))
        .push(ok());
    client.add_thing().await.expect("renewed and sent again");
    let requests = upstream.requests();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    assert_eq!(requests[1].header("authorization"), Some("Bearer tok-1"));
    assert_token_request(&requests[2]);
    assert_eq!(requests[3].header("authorization"), Some("Bearer tok-2"));
    assert_eq!(requests[1].body, requests[3].body);
    upstream.clear();

    // A second 401 in a row is the answer: no loop.
    upstream
        .push(Scripted::message(401, "no"))
        .push(token("tok-3", 3600))
        .push(Scripted::message(401, "still no"));
    let err = client.list_things().await.expect_err("refused twice");
    assert_eq!(err.status(), Some(401), "{err}");
    assert_eq!(upstream.count(), 3);
}

#[tokio::test]
async fn concurrent_calls_share_one_token_request() {
    let (upstream, client) = oauth2_client().await;
    upstream.push(token("tok-1", 3600).delay(Duration::from_millis(300)));
    upstream.set_fallback(ok());
    let calls: Vec<_> = (0..16)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_things().await })
        })
        .collect();
    for call in calls {
        call.await.expect("task").expect("call");
    }
    let requests = upstream.requests();
    let token_requests = requests
        .iter()
        .filter(|r| r.target == "/oauth/token")
        .count();
    assert_eq!(token_requests, 1, "{requests:#?}");
    assert_eq!(requests.len(), 17);
    assert!(
        requests[1..]
            .iter()
            .all(|r| r.header("authorization") == Some("Bearer tok-1"))
    );
}

#[tokio::test]
async fn a_refused_client_is_a_credentials_error_that_shows_no_secret() {
    let (upstream, client) = oauth2_client().await;
    upstream.push(Scripted::json(
        401,
        &json!({"error": "invalid_client", "error_description": "bad secret"}),
    ));
    let err = client.list_things().await.expect_err("refused");
    assert!(
        matches!(
            err,
            Error::Credentials {
                operation: "list-things",
                ..
            }
        ),
        "{err}"
    );
    let message = err.to_string();
    assert!(message.contains("answered 401: bad secret"), "{message}");
    assert!(!message.contains(CLIENT_SECRET), "{message}");
    // Nothing reached the API itself.
    assert_eq!(upstream.count(), 1);
}
