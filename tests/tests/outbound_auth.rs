//! Issue 12, outbound: each consumed authentication scheme on the wire, against a recording
//! upstream that checks what it received (`tests/specs/outbound-auth.yaml`).

use naftiko_runtime::client::{ConfigError, Error};
use naftiko_tests::{Scripted, Upstream};
use serde_json::json;
use std::time::Duration;

mod generated {
    naftiko_runtime::naftiko_capability!("specs/outbound-auth.yaml");
}
use generated::{
    body_api, cert_api, cookie_api, digest_api, hmac_api, oauth1_api, oauth2_api, path_api,
    sigv4_api,
};

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
    // A 1 s token is refreshed half its lifetime early, 0.5 s after it was asked for.
    upstream.push(token("tok-1", 1)).push(ok());
    client.list_things().await.expect("first call");
    tokio::time::sleep(Duration::from_millis(600)).await;
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

// ---------------------------------------------------------------------------------------------
// Digest, OAuth 1.0a, Veracode HMAC, AWS SigV4, certificates: each signature recomputed here,
// with aws-lc-rs, from what the upstream received.

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(data: &[u8]) -> String {
    hex(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data).as_ref())
}

fn hmac(alg: aws_lc_rs::hmac::Algorithm, key: &[u8], data: &[u8]) -> Vec<u8> {
    aws_lc_rs::hmac::sign(&aws_lc_rs::hmac::Key::new(alg, key), data)
        .as_ref()
        .to_vec()
}

/// `k="v", k2=v2` parameters of an `Authorization` value, after its scheme.
fn auth_params(value: &str) -> std::collections::HashMap<String, String> {
    let (_, rest) = value.split_once(' ').expect("a scheme");
    rest.split(',')
        .filter_map(|p| {
            let (k, v) = p.trim().split_once('=')?;
            Some((k.to_string(), v.trim_matches('"').to_string()))
        })
        .collect()
}

fn builder<T: naftiko_runtime::client::Api>(
    b: naftiko_runtime::client::Builder<T>,
    upstream: &Upstream,
) -> naftiko_runtime::client::Builder<T> {
    b.base_uri(upstream.url())
        .var("CLIENT_ID", "Mufasa")
        .var("CLIENT_SECRET", "Circle of Life")
        .var("KEY", "0a1b2c3d4e5f")
        .timeout(Duration::from_secs(10))
}

#[tokio::test]
async fn digest_answers_the_challenge_then_counts_nc_on_the_same_nonce() {
    let upstream = Upstream::start().await;
    let client = builder(digest_api::Client::builder(), &upstream)
        .build()
        .expect("client");
    let challenge = "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    upstream
        .push(Scripted::message(401, "auth").header("WWW-Authenticate", challenge))
        .push(ok())
        .push(ok());
    client.get_index().await.expect("answered the challenge");
    client.get_index().await.expect("the same nonce again");
    let requests = upstream.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].header("authorization"), None);
    for (r, nc) in [(&requests[1], "00000001"), (&requests[2], "00000002")] {
        let auth = r.header("authorization").expect("an answer");
        assert!(auth.starts_with("Digest "), "{auth}");
        let p = auth_params(auth);
        assert_eq!(p["nc"], nc);
        assert_eq!(p["qop"], "auth");
        assert_eq!(p["algorithm"], "SHA-256");
        assert_eq!(p["uri"], "/dir/index.html");
        assert_eq!(p["opaque"], "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
        let ha1 = sha256_hex(b"Mufasa:http-auth@example.org:Circle of Life");
        let ha2 = sha256_hex(b"GET:/dir/index.html");
        let expected = sha256_hex(
            format!(
                "{ha1}:7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:{nc}:{}:auth:{ha2}",
                p["cnonce"]
            )
            .as_bytes(),
        );
        assert_eq!(p["response"], expected);
    }
    assert_ne!(
        auth_params(requests[1].header("authorization").unwrap_or(""))["cnonce"],
        auth_params(requests[2].header("authorization").unwrap_or(""))["cnonce"]
    );
    assert!(!format!("{client:?}").contains("Circle of Life"));
}

#[tokio::test]
async fn a_401_without_a_digest_challenge_is_the_answer() {
    let upstream = Upstream::start().await;
    let client = builder(digest_api::Client::builder(), &upstream)
        .build()
        .expect("client");
    upstream.push(Scripted::message(401, "no").header("WWW-Authenticate", "Basic realm=\"x\""));
    let err = client.get_index().await.expect_err("refused");
    assert_eq!(err.status(), Some(401));
    assert_eq!(upstream.count(), 1);
}

/// RFC 5849 percent-encoding (unreserved characters kept).
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn oauth1_signs_with_hmac_sha1_over_the_rfc_5849_base_string() {
    let upstream = Upstream::start().await;
    let client = builder(oauth1_api::Client::builder(), &upstream)
        .build()
        .expect("client");
    upstream.push(ok());
    client.get_photo("vacation jpg").await.expect("answer");
    let r = upstream.only_request();
    assert_eq!(r.target, "/photos?file=vacation+jpg");
    let auth = r.header("authorization").expect("signed");
    assert!(auth.starts_with("OAuth "), "{auth}");
    let p = auth_params(auth);
    assert_eq!(p["oauth_consumer_key"], "Mufasa");
    assert_eq!(p["oauth_signature_method"], "HMAC-SHA1");
    assert_eq!(p["oauth_version"], "1.0");
    let params = format!(
        "file=vacation%20jpg&oauth_consumer_key=Mufasa&oauth_nonce={}&oauth_signature_method=HMAC-SHA1&oauth_timestamp={}&oauth_version=1.0",
        p["oauth_nonce"], p["oauth_timestamp"]
    );
    let base = format!(
        "GET&{}&{}",
        pct(&format!("{}/photos", upstream.url())),
        pct(&params)
    );
    let key = format!("{}&", pct("Circle of Life"));
    let expected = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        hmac(
            aws_lc_rs::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            key.as_bytes(),
            base.as_bytes(),
        ),
    );
    assert_eq!(p["oauth_signature"], pct(&expected));
}

#[tokio::test]
async fn veracode_hmac_signs_id_host_url_and_method() {
    let upstream = Upstream::start().await;
    let client = builder(hmac_api::Client::builder(), &upstream)
        .build()
        .expect("client");
    upstream.push(ok());
    client
        .list_users(&hmac_api::ListUsersParams { page: Some(2) })
        .await
        .expect("answer");
    let r = upstream.only_request();
    let auth = r.header("authorization").expect("signed");
    let rest = auth
        .strip_prefix("VERACODE-HMAC-SHA-256 ")
        .expect("the scheme");
    let p: std::collections::HashMap<&str, &str> = rest
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .collect();
    assert_eq!(p["id"], "Mufasa");
    let nonce: Vec<u8> = (0..p["nonce"].len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&p["nonce"][i..i + 2], 16).expect("hex"))
        .collect();
    assert_eq!(nonce.len(), 16);
    let h = aws_lc_rs::hmac::HMAC_SHA256;
    let key_nonce = hmac(h, &[0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f], &nonce);
    let key_date = hmac(h, &key_nonce, p["ts"].as_bytes());
    let signing = hmac(h, &key_date, b"vcode_request_version_1");
    let data = "id=Mufasa&host=127.0.0.1&url=/api/authn/v2/users?page=2&method=GET";
    assert_eq!(p["sig"], hex(&hmac(h, &signing, data.as_bytes())));
    // A key that is not hexadecimal is a start-up error that does not show it.
    let err = builder(hmac_api::Client::builder(), &upstream)
        .var("KEY", "not-hex-secret")
        .build()
        .expect_err("not hex");
    assert!(!err.to_string().contains("not-hex-secret"), "{err}");
}

#[tokio::test]
async fn aws_sigv4_signs_the_headers_it_lists() {
    let upstream = Upstream::start().await;
    let client = builder(sigv4_api::Client::builder(), &upstream)
        .build()
        .expect("client");
    upstream.push(ok());
    client.list_rest_apis().await.expect("answer");
    let r = upstream.only_request();
    let auth = r.header("authorization").expect("signed");
    let date = r.header("x-amz-date").expect("a date");
    let day = &date[..8];
    let rest = auth.strip_prefix("AWS4-HMAC-SHA256 ").expect("the scheme");
    let p: std::collections::HashMap<&str, &str> = rest
        .split(", ")
        .filter_map(|kv| kv.split_once('='))
        .collect();
    assert_eq!(
        p["Credential"],
        format!("Mufasa/{day}/us-east-1/apigateway/aws4_request")
    );
    let signed: Vec<&str> = p["SignedHeaders"].split(';').collect();
    assert!(
        signed.contains(&"host") && signed.contains(&"x-amz-date"),
        "{signed:?}"
    );
    assert_eq!(r.header("host"), Some(upstream.addr().to_string().as_str()));
    // The canonical request (AWS SigV4 documentation), from what arrived.
    let headers: String = signed
        .iter()
        .map(|h| format!("{h}:{}\n", r.header(h).expect("a signed header").trim()))
        .collect();
    let canonical = format!(
        "GET\n/restapis\n\n{headers}\n{}\n{}",
        p["SignedHeaders"],
        sha256_hex(b"")
    );
    let scope = format!("{day}/us-east-1/apigateway/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{date}\n{scope}\n{}",
        sha256_hex(canonical.as_bytes())
    );
    let h = aws_lc_rs::hmac::HMAC_SHA256;
    let k = hmac(h, b"AWS4Circle of Life", day.as_bytes());
    let k = hmac(h, &k, b"us-east-1");
    let k = hmac(h, &k, b"apigateway");
    let k = hmac(h, &k, b"aws4_request");
    assert_eq!(p["Signature"], hex(&hmac(h, &k, to_sign.as_bytes())));
}

#[test]
fn a_client_certificate_is_read_from_pem_and_a_bad_one_is_a_start_up_error() {
    let dir = std::env::temp_dir().join(format!("naftiko-cert-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let pem = dir.join("client.pem");
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=naftiko-test",
        ])
        .arg("-keyout")
        .arg(&pem)
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output();
    let Ok(out) = made else {
        eprintln!("openssl is not installed: the PEM identity is not checked");
        return;
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One file with the key and the certificate.
    let mut both = std::fs::read(&pem).expect("key");
    both.extend(std::fs::read(dir.join("cert.pem")).expect("cert"));
    std::fs::write(&pem, both).expect("write");
    cert_api::Client::builder()
        .var("KEY", pem.to_string_lossy())
        .build()
        .expect("a client with the identity");
    // A file that is not PEM, and one that does not exist: named by variable, never shown.
    std::fs::write(dir.join("bad.pem"), "secret-garbage").expect("write");
    for path in [dir.join("bad.pem"), dir.join("missing.pem")] {
        let err = cert_api::Client::builder()
            .var("KEY", path.to_string_lossy())
            .build()
            .expect_err("refused");
        assert!(
            matches!(&err, ConfigError::InvalidVar { name, .. } if name == "KEY"),
            "{err}"
        );
        assert!(!err.to_string().contains("secret-garbage"), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn credentials_in_a_base_uri_are_never_shown() {
    let client = cookie_api::Client::builder()
        .base_uri(format!(
            "http://user:userinfo-s3cret@127.0.0.1:{}/api",
            naftiko_tests::unused_port()
        ))
        .var("KEY", "abc")
        .build()
        .expect("client");
    assert!(!format!("{client:?}").contains("userinfo-s3cret"));
    let err = client
        .list_items(&cookie_api::ListItemsParams::default())
        .await
        .expect_err("nobody listens");
    assert!(!err.to_string().contains("userinfo-s3cret"), "{err}");
    for bad in [
        "http://user:userinfo-s3cret@127.0.0.1/api?x=1",
        "ftp://user:userinfo-s3cret@127.0.0.1/api",
        "http://user:userinfo-s3cret@[::1/api",
    ] {
        let err = cookie_api::Client::builder()
            .base_uri(bad)
            .var("KEY", "abc")
            .build()
            .expect_err("not a base URI");
        assert!(matches!(err, ConfigError::InvalidBaseUri { .. }), "{err}");
        assert!(!err.to_string().contains("userinfo-s3cret"), "{err}");
    }
}

#[tokio::test]
async fn a_403_renews_the_token_once_only_where_the_upstream_means_expiry() {
    let upstream = Upstream::start().await;
    let credentials = naftiko_runtime::client::ClientCredentials {
        renew_on_forbidden: true,
        ..naftiko_runtime::client::ClientCredentials::new(
            format!("{}/oauth/token", upstream.url()),
            "client 1",
            CLIENT_SECRET,
        )
    };
    let client = oauth2_api::Client::builder()
        .base_uri(format!("{}/api", upstream.url()))
        .client_credentials(credentials)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    // m3ter's answer to an expired token: renewed, sent again.
    upstream
        .push(token("tok-1", 3600))
        .push(Scripted::message(403, "Forbidden"))
        .push(token("tok-2", 3600))
        .push(ok());
    client.list_things().await.expect("renewed after a 403");
    assert_eq!(
        upstream.requests()[3].header("authorization"),
        Some("Bearer tok-2")
    );
    upstream.clear();
    // The new token refused too: a permission, not an expiry; no renewal, no loop.
    upstream.push(Scripted::message(403, "Forbidden"));
    let err = client.list_things().await.expect_err("forbidden");
    assert_eq!(err.status(), Some(403));
    assert_eq!(upstream.count(), 1);

    // Without the setting (the spec's oauth2), a 403 is the answer.
    let (upstream, client) = oauth2_client().await;
    upstream
        .push(token("tok-1", 3600))
        .push(Scripted::message(403, "Forbidden"));
    let err = client.list_things().await.expect_err("forbidden");
    assert_eq!(err.status(), Some(403));
    assert_eq!(upstream.count(), 2);
}
