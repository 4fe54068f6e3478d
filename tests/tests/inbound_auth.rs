//! Issue 12, inbound: every authentication scheme on a REST and an MCP adapter
//! (`tests/specs/inbound-auth.yaml`), each case table-driven: missing, wrong (and for oauth2
//! expired, wrong-audience, wrong-issuer, unknown-key, missing-scope) and correct credentials,
//! the status and challenge of each refusal, and the recording upstream asked nothing when
//! refused. OAuth2 tokens are signed here with EC keys generated here, served as a JWKS by a
//! local route.

use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE_NO_PAD as B64URL};
use naftiko_runtime::auth::{AuthSpec, Inbound};
use naftiko_runtime::mcp::HttpOptions;
use naftiko_runtime::reqwest;
use naftiko_runtime::serve::CancellationToken;
use naftiko_tests::{Scripted, Served, Upstream, serve, serve_with};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod generated {
    naftiko_runtime::naftiko_capability!("specs/inbound-auth.yaml");
}
use generated::*;

const TOKEN: &str = "s3cret-token";
const KEY: &str = "k3y-abc/+=";
const USER: &str = "alice";
const PASSWORD: &str = "pa:ss w0rd";
const ISSUER: &str = "https://issuer.test";

fn env(name: &str) -> Option<String> {
    match name {
        "INBOUND_TOKEN" => Some(TOKEN.into()),
        "INBOUND_KEY" => Some(KEY.into()),
        "INBOUND_USER" => Some(USER.into()),
        "INBOUND_PASSWORD" => Some(PASSWORD.into()),
        _ => None,
    }
}

fn upstreams(upstream: &Upstream) -> Upstreams {
    Upstreams {
        ledger: ledger::Client::builder()
            .base_uri(upstream.url())
            .build()
            .expect("client"),
    }
}

fn inbound(spec: &AuthSpec, realm: &str) -> Inbound {
    spec.build(realm, env).expect("secrets are set")
}

/// What a case sends: headers, and a query string.
#[derive(Debug, Clone, Default)]
struct Creds {
    headers: Vec<(String, String)>,
    query: Option<String>,
}

fn header(name: &str, value: &str) -> Creds {
    Creds {
        headers: vec![(name.into(), value.into())],
        query: None,
    }
}

fn bearer(t: &str) -> Creds {
    header("authorization", &format!("Bearer {t}"))
}

fn basic(user: &str, password: &str) -> Creds {
    header(
        "authorization",
        &format!("Basic {}", BASE64.encode(format!("{user}:{password}"))),
    )
}

/// One row: what is sent, the status expected, a text the `WWW-Authenticate` challenge must
/// contain (refusals), and whether the upstream is reached.
struct Case {
    name: &'static str,
    creds: Creds,
    status: u16,
    challenge: &'static str,
}

fn case(name: &'static str, creds: Creds, status: u16, challenge: &'static str) -> Case {
    Case {
        name,
        creds,
        status,
        challenge,
    }
}

/// Which adapter kind a table runs against.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Front {
    Rest,
    Mcp,
}

const TOOLS_CALL: &str = r#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"list-entries","arguments":{}}}"#;

/// Sends one request to the adapter: `GET /entries` on REST, a `tools/call` on MCP.
async fn send(
    front: Front,
    base: &str,
    creds: &Creds,
    path_override: Option<&str>,
) -> reqwest::Response {
    let http = reqwest::Client::new();
    let path = match (path_override, front) {
        (Some(p), _) => p.to_string(),
        (None, Front::Rest) => "/entries".into(),
        (None, Front::Mcp) => "/mcp".into(),
    };
    let mut url = format!("{base}{path}");
    if let Some(q) = &creds.query {
        url.push('?');
        url.push_str(q);
    }
    let mut r = match front {
        Front::Rest => http.get(&url),
        Front::Mcp => http
            .post(&url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-06-18")
            .body(TOOLS_CALL),
    };
    for (k, v) in &creds.headers {
        r = r.header(k.as_str(), v.as_str());
    }
    r.send().await.expect("the adapter answers")
}

/// Runs a table against one served adapter.
async fn run(front: Front, served: &Served, upstream: &Upstream, cases: &[Case]) {
    for c in cases {
        upstream.clear();
        upstream.push(Scripted::json(200, &json!([{"id": 1}])));
        let before = upstream.count();
        let resp = send(front, &served.url(), &c.creds, None).await;
        let status = resp.status().as_u16();
        let challenges: Vec<String> = resp
            .headers()
            .get_all("www-authenticate")
            .iter()
            .map(|v| v.to_str().unwrap_or_default().to_string())
            .collect();
        let content_type = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = resp.text().await.unwrap_or_default();
        let what = format!("{front:?} {}", c.name);
        assert_eq!(status, c.status, "{what}: {body}");
        if c.status == 200 {
            assert_eq!(
                upstream.count(),
                before + 1,
                "{what}: the upstream is called"
            );
            if front == Front::Mcp {
                assert!(body.contains("\"isError\":false"), "{what}: {body}");
            }
            continue;
        }
        assert_eq!(
            upstream.count(),
            before,
            "{what}: nothing reaches the upstream"
        );
        assert_eq!(content_type, "application/problem+json", "{what}");
        let problem: Value = serde_json::from_str(&body).expect("a problem body");
        assert_eq!(problem["status"], c.status, "{what}: {body}");
        assert!(
            challenges.iter().any(|h| h.contains(c.challenge)),
            "{what}: challenge {:?} should contain {:?}",
            challenges,
            c.challenge
        );
        for secret in [TOKEN, KEY, PASSWORD] {
            assert!(!body.contains(secret), "{what}: {body}");
            assert!(!challenges.iter().any(|h| h.contains(secret)), "{what}");
        }
    }
}

async fn serve_mcp(server: naftiko_runtime::mcp::Server) -> Served {
    let stop = CancellationToken::new();
    let options = HttpOptions {
        stateless: true,
        ..Default::default()
    };
    let router = naftiko_runtime::mcp::router(server, &options, stop.child_token());
    serve_with(stop, router).await
}

fn bearer_cases(realm: &'static str) -> Vec<Case> {
    let _ = realm;
    vec![
        case("missing", Creds::default(), 401, "Bearer realm="),
        case(
            "wrong",
            bearer("s3cret-tokeN"),
            401,
            "error=\"invalid_token\"",
        ),
        case("empty", bearer(""), 401, "Bearer realm="),
        case("basic instead", basic(USER, TOKEN), 401, "Bearer realm="),
        case("correct", bearer(TOKEN), 200, ""),
    ]
}

fn apikey_cases() -> Vec<Case> {
    vec![
        case("missing", Creds::default(), 401, "name=\"X-Api-Key\""),
        case(
            "wrong",
            header("x-api-key", "k3y-abc"),
            401,
            "in=\"header\"",
        ),
        case(
            "in the query",
            Creds {
                headers: vec![],
                query: Some("X-Api-Key=k3y-abc%2F%2B%3D".into()),
            },
            401,
            "ApiKey",
        ),
        case("correct", header("x-api-key", KEY), 200, ""),
    ]
}

fn basic_cases() -> Vec<Case> {
    vec![
        case("missing", Creds::default(), 401, "Basic realm="),
        case(
            "wrong password",
            basic(USER, "pa:ss w0rD"),
            401,
            "Basic realm=",
        ),
        case("wrong user", basic("bob", PASSWORD), 401, "Basic realm="),
        case(
            "not base64",
            header("authorization", "Basic !!!"),
            401,
            "Basic realm=",
        ),
        case("correct", basic(USER, PASSWORD), 200, ""),
    ]
}

#[tokio::test]
async fn bearer_on_rest_and_mcp() {
    let upstream = Upstream::start().await;
    let rest = serve(rest_bearer::router(
        upstreams(&upstream),
        inbound(&rest_bearer::AUTH, "rest-bearer"),
    ))
    .await;
    run(Front::Rest, &rest, &upstream, &bearer_cases("rest-bearer")).await;
    let mcp = serve_mcp(mcp_bearer::server(
        upstreams(&upstream),
        inbound(&mcp_bearer::AUTH, "mcp-bearer"),
    ))
    .await;
    run(Front::Mcp, &mcp, &upstream, &bearer_cases("mcp-bearer")).await;
    // GET (the event stream) and DELETE (end of session) are protected too, as the reference
    // engine's McpAuthenticationIntegrationTest pins.
    let http = reqwest::Client::new();
    for method in [reqwest::Method::GET, reqwest::Method::DELETE] {
        let resp = http
            .request(method.clone(), format!("{}/mcp", mcp.url()))
            .header("accept", "text/event-stream")
            .header("mcp-session-id", "any")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401, "{method}");
        assert!(resp.headers().contains_key("www-authenticate"), "{method}");
    }
}

#[tokio::test]
async fn apikey_in_a_header_on_rest_and_mcp_and_in_the_query_on_rest() {
    let upstream = Upstream::start().await;
    let rest = serve(rest_apikey::router(
        upstreams(&upstream),
        inbound(&rest_apikey::AUTH, "rest-apikey"),
    ))
    .await;
    run(Front::Rest, &rest, &upstream, &apikey_cases()).await;
    let mcp = serve_mcp(mcp_apikey::server(
        upstreams(&upstream),
        inbound(&mcp_apikey::AUTH, "mcp-apikey"),
    ))
    .await;
    run(Front::Mcp, &mcp, &upstream, &apikey_cases()).await;
    let query = serve(rest_apikey_query::router(
        upstreams(&upstream),
        inbound(&rest_apikey_query::AUTH, "rest-apikey-query"),
    ))
    .await;
    let q = |v: &str| Creds {
        headers: vec![],
        query: Some(format!("api_key={v}")),
    };
    run(
        Front::Rest,
        &query,
        &upstream,
        &[
            case(
                "missing",
                Creds::default(),
                401,
                "in=\"query\", name=\"api_key\"",
            ),
            case("wrong", q("k3y-abc"), 401, "in=\"query\""),
            case("in a header", header("api_key", KEY), 401, "ApiKey"),
            case("correct, percent-encoded", q("k3y-abc%2F%2B%3D"), 200, ""),
        ],
    )
    .await;
}

#[tokio::test]
async fn basic_on_rest_and_mcp() {
    let upstream = Upstream::start().await;
    let rest = serve(rest_basic::router(
        upstreams(&upstream),
        inbound(&rest_basic::AUTH, "rest-basic"),
    ))
    .await;
    run(Front::Rest, &rest, &upstream, &basic_cases()).await;
    let mcp = serve_mcp(mcp_basic::server(
        upstreams(&upstream),
        inbound(&mcp_basic::AUTH, "mcp-basic"),
    ))
    .await;
    run(Front::Mcp, &mcp, &upstream, &basic_cases()).await;
}

// ---------------------------------------------------------------------------------------------
// Digest

fn params(challenge: &str) -> Vec<(String, String)> {
    let rest = challenge.trim_start_matches("Digest ").to_string();
    rest.split(", ")
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
        .collect()
}

fn hash(alg: &str, data: &str) -> String {
    let bytes: Vec<u8> = if alg == "MD5" {
        use md5::Digest as _;
        md5::Md5::digest(data.as_bytes()).to_vec()
    } else {
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data.as_bytes())
            .as_ref()
            .to_vec()
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `Authorization: Digest` answering `challenge` for `method uri` with `nc`.
fn digest_answer(
    challenge: &str,
    method: &str,
    uri: &str,
    user: &str,
    password: &str,
    nc: u32,
) -> String {
    let p = params(challenge);
    let get = |k: &str| {
        p.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (realm, nonce, opaque, alg) = (get("realm"), get("nonce"), get("opaque"), get("algorithm"));
    let cnonce = "0a4f113b";
    let nc = format!("{nc:08x}");
    let ha1 = hash(&alg, &format!("{user}:{realm}:{password}"));
    let ha2 = hash(&alg, &format!("{method}:{uri}"));
    let response = hash(&alg, &format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", algorithm={alg}, qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{response}\", opaque=\"{opaque}\""
    )
}

/// The server's challenges, from a request without credentials (which must not reach the
/// upstream).
async fn digest_challenges(front: Front, served: &Served, upstream: &Upstream) -> Vec<String> {
    let before = upstream.count();
    let resp = send(front, &served.url(), &Creds::default(), None).await;
    assert_eq!(resp.status(), 401);
    assert_eq!(upstream.count(), before);
    resp.headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

async fn digest_table(front: Front, served: &Served, upstream: &Upstream) {
    let (method, uri) = match front {
        Front::Rest => ("GET", "/entries"),
        Front::Mcp => ("POST", "/mcp"),
    };
    let challenges = digest_challenges(front, served, upstream).await;
    assert_eq!(challenges.len(), 2, "{challenges:?}");
    assert!(
        challenges[0].contains("algorithm=SHA-256") && challenges[0].contains("qop=\"auth\""),
        "{challenges:?}"
    );
    assert!(challenges[1].contains("algorithm=MD5"), "{challenges:?}");
    let sha = &challenges[0];
    let md5 = &challenges[1];
    let a = |c: &str, u: &str, p: &str, nc| {
        header("authorization", &digest_answer(c, method, uri, u, p, nc))
    };
    let foreign = sha.replace("nonce=\"", "nonce=\"AAAA");
    run(
        front,
        served,
        upstream,
        &[
            case("missing", Creds::default(), 401, "Digest realm="),
            case(
                "wrong password",
                a(sha, USER, "nope", 1),
                401,
                "algorithm=SHA-256",
            ),
            case(
                "wrong user",
                a(sha, "bob", PASSWORD, 1),
                401,
                "Digest realm=",
            ),
            case(
                "a nonce not issued here",
                a(&foreign, USER, PASSWORD, 1),
                401,
                "Digest realm=",
            ),
            case(
                "other uri",
                header(
                    "authorization",
                    &digest_answer(sha, method, "/other", USER, PASSWORD, 1),
                ),
                401,
                "Digest",
            ),
            case("correct, SHA-256", a(sha, USER, PASSWORD, 1), 200, ""),
            case(
                "replayed nonce count",
                a(sha, USER, PASSWORD, 1),
                401,
                "stale=true",
            ),
            case("next nonce count", a(sha, USER, PASSWORD, 2), 200, ""),
            case(
                "correct, MD5 (the same nonce, its next count)",
                a(md5, USER, PASSWORD, 3),
                200,
                "",
            ),
        ],
    )
    .await;
}

#[tokio::test]
async fn digest_on_rest_and_mcp() {
    let upstream = Upstream::start().await;
    let rest = serve(rest_digest::router(
        upstreams(&upstream),
        inbound(&rest_digest::AUTH, "rest-digest"),
    ))
    .await;
    digest_table(Front::Rest, &rest, &upstream).await;
    let mcp = serve_mcp(mcp_digest::server(
        upstreams(&upstream),
        inbound(&mcp_digest::AUTH, "mcp-digest"),
    ))
    .await;
    digest_table(Front::Mcp, &mcp, &upstream).await;
}

// ---------------------------------------------------------------------------------------------
// OAuth 2.1

/// An EC P-256 signing key and its public JWK.
struct Key {
    kid: &'static str,
    encoding: jsonwebtoken::EncodingKey,
    jwk: Value,
}

fn key(kid: &'static str) -> Key {
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).expect("key");
    let pair =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).expect("pkcs8");
    let point = pair.public_key().as_ref();
    assert_eq!(point.len(), 65);
    Key {
        kid,
        encoding: jsonwebtoken::EncodingKey::from_ec_der(pkcs8.as_ref()),
        jwk: json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": B64URL.encode(&point[1..33]), "y": B64URL.encode(&point[33..]),
        }),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn sign(key: &Key, claims: Value) -> String {
    let mut h = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    h.kid = Some(key.kid.to_string());
    jsonwebtoken::encode(&h, &claims, &key.encoding).expect("sign")
}

fn claims(aud: &str) -> Value {
    json!({"iss": ISSUER, "aud": aud, "sub": "agent", "exp": now() + 600, "iat": now(), "scope": "ledger.read other"})
}

/// A local key server: its JWKS can be replaced (rotation); counts its fetches.
struct Jwks {
    served: Served,
    keys: Arc<Mutex<Value>>,
    fetches: Arc<Mutex<usize>>,
}

async fn jwks(keys: &[&Key]) -> Jwks {
    let set = Arc::new(Mutex::new(
        json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()}),
    ));
    let fetches = Arc::new(Mutex::new(0));
    let (s, f) = (set.clone(), fetches.clone());
    let router = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let (s, f) = (s.clone(), f.clone());
            async move {
                *f.lock().unwrap() += 1;
                axum::Json(s.lock().unwrap().clone())
            }
        }),
    );
    Jwks {
        served: serve(router).await,
        keys: set,
        fetches,
    }
}

impl Jwks {
    fn uri(&self) -> String {
        format!("{}/jwks", self.served.url())
    }

    fn rotate(&self, keys: &[&Key]) {
        *self.keys.lock().unwrap() =
            json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()});
    }
}

fn oauth2_inbound(spec: &AuthSpec, realm: &str, jwks: &Jwks) -> Inbound {
    inbound(spec, realm)
        .with_jwks_uri(&jwks.uri())
        .expect("jwks uri")
        .with_jwks_min_refresh(Duration::ZERO)
}

fn oauth2_cases(aud: &str, k1: &Key, stranger: &Key, metadata: &'static str) -> Vec<Case> {
    let with = |f: &dyn Fn(&mut Value)| {
        let mut c = claims(aud);
        f(&mut c);
        bearer(&sign(k1, c))
    };
    vec![
        case("missing", Creds::default(), 401, metadata),
        case(
            "not a JWT",
            bearer("s3cret-token"),
            401,
            "error=\"invalid_token\"",
        ),
        case(
            "expired",
            with(&|c| c["exp"] = json!(now() - 3600)),
            401,
            "has expired",
        ),
        case(
            "wrong audience",
            with(&|c| c["aud"] = json!("https://elsewhere.test")),
            401,
            "(aud)",
        ),
        case(
            "wrong issuer",
            with(&|c| c["iss"] = json!("https://evil.test")),
            401,
            "(iss)",
        ),
        case(
            "no exp",
            with(&|c| {
                c.as_object_mut().unwrap().remove("exp");
            }),
            401,
            "invalid_token",
        ),
        case(
            "signed by another key",
            bearer(&sign(stranger, claims(aud))),
            401,
            "invalid_token",
        ),
        case(
            "missing scope",
            with(&|c| c["scope"] = json!("other")),
            403,
            "error=\"insufficient_scope\"",
        ),
        case("correct", with(&|_| {}), 200, ""),
        case(
            "correct, scp array",
            with(&|c| {
                c.as_object_mut().unwrap().remove("scope");
                c["scp"] = json!(["ledger.read"]);
            }),
            200,
            "",
        ),
    ]
}

#[tokio::test]
async fn oauth2_on_rest_and_mcp() {
    let (k1, stranger) = (key("k1"), key("k1"));
    let keys = jwks(&[&k1]).await;
    let upstream = Upstream::start().await;
    let rest = serve(rest_oauth2::router(
        upstreams(&upstream),
        oauth2_inbound(&rest_oauth2::AUTH, "rest-oauth2", &keys),
    ))
    .await;
    run(
        Front::Rest,
        &rest,
        &upstream,
        &oauth2_cases(
            "https://ledger.test/api",
            &k1,
            &stranger,
            "Bearer realm=\"rest-oauth2\", resource_metadata=\"https://ledger.test/.well-known/oauth-protected-resource/api\", scope=\"ledger.read\"",
        ),
    )
    .await;
    let mcp = serve_mcp(mcp_oauth2::server(
        upstreams(&upstream),
        oauth2_inbound(&mcp_oauth2::AUTH, "mcp-oauth2", &keys),
    ))
    .await;
    run(
        Front::Mcp,
        &mcp,
        &upstream,
        &oauth2_cases(
            "ledger-mcp",
            &k1,
            &stranger,
            "resource_metadata=\"https://ledger.test/.well-known/oauth-protected-resource/mcp\"",
        ),
    )
    .await;
    // The resource URI is not the audience when `audience` is given.
    let resp = send(
        Front::Mcp,
        &mcp.url(),
        &bearer(&sign(&k1, claims("https://ledger.test/mcp"))),
        None,
    )
    .await;
    assert_eq!(resp.status(), 401);
    // The protected resource metadata (RFC 9728), without credentials.
    for (served, path, resource) in [
        (
            &rest,
            "/.well-known/oauth-protected-resource/api",
            "https://ledger.test/api",
        ),
        (
            &mcp,
            "/.well-known/oauth-protected-resource/mcp",
            "https://ledger.test/mcp",
        ),
        (
            &mcp,
            "/.well-known/oauth-protected-resource",
            "https://ledger.test/mcp",
        ),
    ] {
        let resp = reqwest::get(format!("{}{path}", served.url()))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        let meta: Value = resp.json().await.unwrap();
        assert_eq!(meta["resource"], resource);
        assert_eq!(meta["authorization_servers"], json!([ISSUER]));
        assert_eq!(meta["scopes_supported"], json!(["ledger.read"]));
        assert_eq!(meta["bearer_methods_supported"], json!(["header"]));
    }
}

#[tokio::test]
async fn oauth2_keys_are_cached_and_rotate_without_a_restart() {
    let (k1, k2) = (key("k1"), key("k2"));
    let keys = jwks(&[&k1]).await;
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::json(200, &json!([])));
    let rest = serve(rest_oauth2::router(
        upstreams(&upstream),
        oauth2_inbound(&rest_oauth2::AUTH, "rest-oauth2", &keys),
    ))
    .await;
    let aud = "https://ledger.test/api";
    let status = |k: &Key| {
        let token = sign(k, claims(aud));
        let url = rest.url();
        async move {
            send(Front::Rest, &url, &bearer(&token), None)
                .await
                .status()
                .as_u16()
        }
    };
    assert_eq!(status(&k1).await, 200);
    assert_eq!(status(&k1).await, 200);
    assert_eq!(*keys.fetches.lock().unwrap(), 1, "the JWKS is cached");
    // The issuer rotates: k2 replaces k1.
    keys.rotate(&[&k2]);
    assert_eq!(
        status(&k2).await,
        200,
        "an unknown kid fetches the keys again"
    );
    assert_eq!(*keys.fetches.lock().unwrap(), 2);
    assert_eq!(status(&k1).await, 401, "the retired key is refused");
    assert_eq!(upstream.count(), 3);
}

#[tokio::test]
async fn oauth2_without_reachable_keys_refuses_and_says_why() {
    let k1 = key("k1");
    let upstream = Upstream::start().await;
    let spec = &rest_oauth2::AUTH;
    let auth = inbound(spec, "rest-oauth2")
        .with_jwks_uri(&format!(
            "http://127.0.0.1:{}/jwks",
            naftiko_tests::unused_port()
        ))
        .unwrap();
    let rest = serve(rest_oauth2::router(upstreams(&upstream), auth)).await;
    let resp = send(
        Front::Rest,
        &rest.url(),
        &bearer(&sign(&k1, claims("https://ledger.test/api"))),
        None,
    )
    .await;
    assert_eq!(resp.status(), 503);
    assert_eq!(upstream.count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Start-up and what stays open

#[test]
fn a_missing_or_empty_secret_is_a_start_up_error_naming_the_variable() {
    let e = rest_bearer::AUTH
        .build("rest-bearer", |_| None)
        .unwrap_err();
    assert!(e.to_string().contains("INBOUND_TOKEN"), "{e}");
    let e = rest_bearer::AUTH
        .build("rest-bearer", |_| Some(String::new()))
        .unwrap_err();
    assert!(e.to_string().contains("INBOUND_TOKEN"), "{e}");
    let e = rest_basic::AUTH
        .build("rest-basic", |n| {
            (n == "INBOUND_USER").then(|| USER.to_string())
        })
        .unwrap_err();
    assert!(e.to_string().contains("INBOUND_PASSWORD"), "{e}");
    // The generated reader reads the process environment.
    assert!(rest_digest::authentication().is_err());
    let shown = format!("{:?}", inbound(&rest_basic::AUTH, "rest-basic"));
    assert!(
        !shown.contains(PASSWORD) && !shown.contains(USER),
        "{shown}"
    );
}

#[tokio::test]
async fn healthz_stays_open_and_openapi_is_protected() {
    let upstream = Upstream::start().await;
    let rest = serve(rest_bearer::router(
        upstreams(&upstream),
        inbound(&rest_bearer::AUTH, "rest-bearer"),
    ))
    .await;
    let none = Creds::default();
    assert_eq!(
        send(Front::Rest, &rest.url(), &none, Some("/healthz"))
            .await
            .status(),
        200
    );
    assert_eq!(
        send(Front::Rest, &rest.url(), &none, Some("/openapi.json"))
            .await
            .status(),
        401
    );
    assert_eq!(
        send(Front::Rest, &rest.url(), &none, Some("/nowhere"))
            .await
            .status(),
        401
    );
    assert_eq!(
        send(Front::Rest, &rest.url(), &bearer(TOKEN), Some("/nowhere"))
            .await
            .status(),
        404
    );
}

// ---------------------------------------------------------------------------------------------
// The Host/Origin guard: one code for REST and MCP

#[tokio::test]
async fn mcp_uses_the_same_host_and_origin_guard_as_rest_before_authentication() {
    let upstream = Upstream::start().await;
    let mcp = serve_mcp(mcp_bearer::server(
        upstreams(&upstream),
        inbound(&mcp_bearer::AUTH, "mcp-bearer"),
    ))
    .await;
    let port = mcp.addr.port();
    for (host, origin) in [
        ("evil.example".to_string(), None),
        (
            format!("127.0.0.1:{port}"),
            Some("https://evil.example".to_string()),
        ),
    ] {
        let mut request = format!(
            "POST /mcp HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nAuthorization: Bearer {TOKEN}\r\nContent-Length: {}\r\n",
            TOOLS_CALL.len()
        );
        if let Some(o) = &origin {
            request.push_str(&format!("Origin: {o}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(TOOLS_CALL);
        let resp = naftiko_tests::raw_http(mcp.addr, request.as_bytes()).await;
        assert_eq!(resp.status, 403, "{host} {origin:?}: {}", resp.text());
        assert_eq!(
            resp.header("content-type"),
            Some("application/problem+json")
        );
        // The shared guard's words (rmcp's own lists would say "Forbidden: Host header ...").
        assert!(resp.text().contains("--allowed-hosts"), "{}", resp.text());
    }
    assert_eq!(upstream.count(), 0);
}

#[tokio::test]
async fn the_openapi_document_declares_the_scheme_and_its_401() {
    let upstream = Upstream::start().await;
    for (router, openapi, creds, scheme) in [
        (
            rest_bearer::router(upstreams(&upstream), inbound(&rest_bearer::AUTH, "r")),
            rest_bearer::OPENAPI,
            bearer(TOKEN),
            json!({"type": "http", "scheme": "bearer"}),
        ),
        (
            rest_apikey_query::router(upstreams(&upstream), inbound(&rest_apikey_query::AUTH, "r")),
            rest_apikey_query::OPENAPI,
            Creds {
                headers: vec![],
                query: Some("api_key=k3y-abc%2F%2B%3D".into()),
            },
            json!({"type": "apiKey", "name": "api_key", "in": "query"}),
        ),
        (
            rest_digest::router(upstreams(&upstream), inbound(&rest_digest::AUTH, "r")),
            rest_digest::OPENAPI,
            Creds::default(),
            json!({"type": "http", "scheme": "digest"}),
        ),
    ] {
        let doc: Value = serde_json::from_str(openapi).unwrap();
        assert_eq!(doc["components"]["securitySchemes"]["inbound"], scheme);
        assert_eq!(doc["security"], json!([{"inbound": []}]));
        assert!(doc["paths"]["/entries"]["get"]["responses"]["401"].is_object());
        let served = serve(router).await;
        let status = send(Front::Rest, &served.url(), &creds, Some("/openapi.json"))
            .await
            .status();
        // Digest needs its handshake; the others pass with their credentials.
        assert_eq!(
            status == 200,
            creds.headers.len() + creds.query.iter().count() > 0
        );
    }
    let doc: Value = serde_json::from_str(rest_oauth2::OPENAPI).unwrap();
    assert_eq!(
        doc["components"]["securitySchemes"]["inbound"]["flows"]["clientCredentials"],
        json!({"tokenUrl": ISSUER, "scopes": {"ledger.read": ""}})
    );
    assert_eq!(doc["security"], json!([{"inbound": ["ledger.read"]}]));
    assert!(doc["paths"]["/entries"]["get"]["responses"]["403"].is_object());
}

#[tokio::test]
async fn oauth2_discovers_the_jwks_from_the_issuer_metadata() {
    // An issuer with a path: RFC 8414 puts the well-known segment before it.
    let k1 = key("k1");
    let set = json!({"keys": [k1.jwk.clone()]});
    let jwks_at = Arc::new(Mutex::new(String::new()));
    let at = jwks_at.clone();
    let router = axum::Router::new()
        .route(
            "/.well-known/oauth-authorization-server/tenant",
            axum::routing::get(move || {
                let at = at.clone();
                async move { axum::Json(json!({"issuer": "x", "jwks_uri": *at.lock().unwrap()})) }
            }),
        )
        .route(
            "/keys",
            axum::routing::get(move || {
                let set = set.clone();
                async move { axum::Json(set) }
            }),
        );
    let issuer_server = serve(router).await;
    *jwks_at.lock().unwrap() = format!("{}/keys", issuer_server.url());
    let issuer: &'static str =
        Box::leak(format!("{}/tenant", issuer_server.url()).into_boxed_str());
    let spec = AuthSpec::OAuth2(naftiko_runtime::auth::OAuth2Spec {
        authorization_server: issuer,
        resource: "https://ledger.test/api",
        audience: None,
        scopes: &[],
        introspection: None,
    });
    let upstream = Upstream::start().await;
    upstream.set_fallback(Scripted::json(200, &json!([])));
    let rest = serve(rest_bearer::router(
        upstreams(&upstream),
        inbound(&spec, "r"),
    ))
    .await;
    let mut c = claims("https://ledger.test/api");
    c["iss"] = json!(issuer);
    let ok = send(Front::Rest, &rest.url(), &bearer(&sign(&k1, c)), None).await;
    assert_eq!(ok.status(), 200);
    // The configured issuer's tokens only.
    let wrong = send(
        Front::Rest,
        &rest.url(),
        &bearer(&sign(&k1, claims("https://ledger.test/api"))),
        None,
    )
    .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(upstream.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// OAuth 2.1 with RFC 7662 introspection

/// A local introspection endpoint: checks the resource server's client credentials and
/// answers for the tokens it knows; counts its calls.
async fn introspection_server(aud: &'static str) -> (Served, Arc<Mutex<usize>>) {
    let calls = Arc::new(Mutex::new(0));
    let c = calls.clone();
    let router = axum::Router::new().route(
        "/introspect",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: String| {
                let c = c.clone();
                async move {
                    *c.lock().unwrap() += 1;
                    // RFC 6749 §2.3.1: form-encoded, then base64 (`:` and ` ` encoded).
                    let expected = format!("Basic {}", BASE64.encode("alice:pa%3Ass+w0rd"));
                    if headers.get("authorization").and_then(|v| v.to_str().ok())
                        != Some(expected.as_str())
                    {
                        return (axum::http::StatusCode::UNAUTHORIZED, axum::Json(json!({"error": "invalid_client"})));
                    }
                    let token = body
                        .split('&')
                        .find_map(|kv| kv.strip_prefix("token="))
                        .unwrap_or_default()
                        .to_string();
                    let active = |over: Value| {
                        let mut v = json!({"active": true, "iss": ISSUER, "aud": aud, "exp": now() + 600, "scope": "ledger.read"});
                        for (k, x) in over.as_object().unwrap() {
                            v[k] = x.clone();
                        }
                        v
                    };
                    let answer = match token.as_str() {
                        "good" => active(json!({})),
                        "good-aud-list" => active(json!({"aud": ["other", aud]})),
                        "expired" => active(json!({"exp": now() - 10})),
                        "other-aud" => active(json!({"aud": "https://elsewhere.test"})),
                        "no-aud" => {
                            let mut v = active(json!({}));
                            v.as_object_mut().unwrap().remove("aud");
                            v
                        }
                        "other-iss" => active(json!({"iss": "https://evil.test"})),
                        "no-scope" => active(json!({"scope": "other"})),
                        _ => json!({"active": false}),
                    };
                    (axum::http::StatusCode::OK, axum::Json(answer))
                }
            },
        ),
    );
    (serve(router).await, calls)
}

fn introspection_cases() -> Vec<Case> {
    vec![
        case("missing", Creds::default(), 401, "resource_metadata="),
        case("unknown (inactive)", bearer("nope"), 401, "is not active"),
        case("expired", bearer("expired"), 401, "has expired"),
        case("wrong audience", bearer("other-aud"), 401, "(aud)"),
        case("no audience", bearer("no-aud"), 401, "(aud)"),
        case("wrong issuer", bearer("other-iss"), 401, "(iss)"),
        case(
            "missing scope",
            bearer("no-scope"),
            403,
            "insufficient_scope",
        ),
        case("correct", bearer("good"), 200, ""),
        case(
            "correct, audience in a list",
            bearer("good-aud-list"),
            200,
            "",
        ),
    ]
}

#[tokio::test]
async fn oauth2_introspection_on_rest_and_mcp() {
    let upstream = Upstream::start().await;
    let (is, calls) = introspection_server("https://ledger.test/api").await;
    let endpoint = format!("{}/introspect", is.url());
    let rest = serve(rest_introspect::router(
        upstreams(&upstream),
        inbound(&rest_introspect::AUTH, "rest-introspect")
            .with_introspection_endpoint(&endpoint)
            .unwrap(),
    ))
    .await;
    run(Front::Rest, &rest, &upstream, &introspection_cases()).await;
    // An accepted token is remembered: asking again does not call the endpoint.
    let before = *calls.lock().unwrap();
    upstream.push(Scripted::json(200, &json!([])));
    let again = send(Front::Rest, &rest.url(), &bearer("good"), None).await;
    assert_eq!(again.status(), 200);
    assert_eq!(*calls.lock().unwrap(), before);

    let (is, _) = introspection_server("https://ledger.test/mcp").await;
    let mcp = serve_mcp(mcp_introspect::server(
        upstreams(&upstream),
        inbound(&mcp_introspect::AUTH, "mcp-introspect")
            .with_introspection_endpoint(&format!("{}/introspect", is.url()))
            .unwrap(),
    ))
    .await;
    run(Front::Mcp, &mcp, &upstream, &introspection_cases()).await;
}

#[tokio::test]
async fn oauth2_introspection_with_wrong_client_credentials_is_unavailable_not_accepted() {
    let upstream = Upstream::start().await;
    let (is, _) = introspection_server("https://ledger.test/api").await;
    let auth = rest_introspect::AUTH
        .build("r", |n| match n {
            "INBOUND_USER" => Some(USER.into()),
            "INBOUND_PASSWORD" => Some("wrong".into()),
            _ => None,
        })
        .unwrap()
        .with_introspection_endpoint(&format!("{}/introspect", is.url()))
        .unwrap();
    let rest = serve(rest_introspect::router(upstreams(&upstream), auth)).await;
    let resp = send(Front::Rest, &rest.url(), &bearer("good"), None).await;
    assert_eq!(resp.status(), 503);
    assert!(!resp.text().await.unwrap().contains("wrong"));
    assert_eq!(upstream.count(), 0);
}
