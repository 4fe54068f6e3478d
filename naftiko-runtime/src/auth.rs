//! Inbound authentication of REST and MCP adapters (`exposes[].authentication`).
//!
//! The spec's [`AuthSpec`] names its secrets by template (`{{MCP_SERVER_TOKEN}}`); they are read
//! once at start-up ([`AuthSpec::from_env`]), and a missing or empty one is an error naming the
//! variable, never an empty secret that an empty header would match. [`Inbound::protect`] wraps
//! a router in an axum middleware that runs before any handler, so a refused request reaches
//! neither a handler nor an upstream, and before JSON-RPC on MCP.
//!
//! - `bearer`: `Authorization: Bearer <token>`.
//! - `apikey`: a header or query parameter.
//! - `basic`: `Authorization: Basic`, user name and password.
//! - `digest`: RFC 7616 with `qop=auth`, SHA-256 (preferred) or MD5; nonces are issued by this
//!   server, expire after five minutes (`stale=true` then) and each nonce count is accepted once.
//! - `oauth2`: an OAuth 2.1 resource server. The access token is a JWT verified against the
//!   authorization server's JWKS (found through its RFC 8414 / OpenID metadata, cached five
//!   minutes, fetched again for an unknown `kid`, so keys rotate without a restart); `exp`,
//!   `nbf`, `iss`, `aud` and the declared scopes are checked. The protected resource metadata
//!   (RFC 9728) is served at `/.well-known/oauth-protected-resource` and named by the
//!   `resource_metadata` of every challenge, as the MCP authorization spec asks. With
//!   `tokenValidation: introspection` the token is instead asked about at the issuer's RFC 7662
//!   introspection endpoint with the resource server's client credentials; an active answer
//!   must name this resource in `aud`, and is trusted a minute at most.
//!
//! Secrets are compared in constant time (SHA-256 digests of both sides compared with `subtle`,
//! so neither content nor length leaks through timing), kept as digests where the scheme
//! allows, and never logged, echoed or put in an error: a refusal says which check failed, not
//! what was presented. Refusals are `401` with the scheme's `WWW-Authenticate` challenge and an
//! RFC 9457 problem body (`403` for a valid token without the scopes). `/healthz` stays open.

use crate::client::Part;
use crate::rest::Problem;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD as BASE64, URL_SAFE_NO_PAD as B64URL};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use subtle::ConstantTimeEq;

/// The inbound authentication a spec declares: templates naming the secrets, never the secrets.
#[derive(Debug, Clone, Copy)]
pub enum AuthSpec {
    Bearer {
        token: &'static [Part],
    },
    ApiKey {
        /// Header or query parameter name.
        name: &'static str,
        value: &'static [Part],
        in_query: bool,
    },
    Basic {
        username: &'static [Part],
        password: &'static [Part],
    },
    Digest {
        username: &'static [Part],
        password: &'static [Part],
    },
    OAuth2(OAuth2Spec),
}

/// `type: oauth2`: an OAuth 2.1 resource server validating JWTs against the issuer's JWKS.
#[derive(Debug, Clone, Copy)]
pub struct OAuth2Spec {
    /// `authorizationServerUri`: the issuer (`iss`) whose metadata names the JWKS.
    pub authorization_server: &'static str,
    /// `resource`: this server's canonical URI (RFC 8707), in the protected resource metadata.
    pub resource: &'static str,
    /// `audience`: the expected `aud` (the resource when absent).
    pub audience: Option<&'static str>,
    /// `scopes`: every one must be granted (`scope` or `scp` claim).
    pub scopes: &'static [&'static str],
    /// `tokenValidation: introspection`: tokens are asked about at the authorization server's
    /// RFC 7662 introspection endpoint (from its metadata) instead of verified as JWTs.
    pub introspection: Option<IntrospectionSpec>,
}

/// The resource server's own client credentials at the authorization server, with which it
/// calls the introspection endpoint (RFC 7662 §2.1, `client_secret_basic`).
#[derive(Debug, Clone, Copy)]
pub struct IntrospectionSpec {
    pub client_id: &'static [Part],
    pub client_secret: &'static [Part],
}

/// Inbound authentication could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A variable the authentication reads is not set, or is empty.
    #[error(
        "environment variable `{0}` is not set or empty (the spec binds it for inbound authentication)"
    )]
    MissingVar(String),
    /// A variable is set but cannot be used. Its value is not shown.
    #[error("environment variable `{name}` cannot be used for inbound authentication: {reason}")]
    InvalidVar { name: String, reason: &'static str },
    /// A URI of the `oauth2` configuration is not an absolute http(s) URI.
    #[error("`{what}` is not an absolute http(s) URI: `{uri}`")]
    InvalidUri { what: &'static str, uri: String },
    /// No JWT crypto backend, or no secure random numbers, or no HTTP client.
    #[error("inbound authentication cannot start: {0}")]
    Setup(String),
}

impl AuthSpec {
    /// Reads the secrets from the process environment. `realm` names the protection space in
    /// challenges (the adapter's namespace).
    pub fn from_env(&self, realm: &str) -> Result<Inbound, AuthError> {
        self.build(realm, |name| std::env::var(name).ok())
    }

    /// Reads the secrets from `env` instead of the process environment (a secrets store, a test).
    pub fn build(
        &self,
        realm: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Inbound, AuthError> {
        let value = |parts: &[Part]| -> Result<String, AuthError> {
            let mut out = String::new();
            for p in parts {
                match p {
                    Part::Lit(s) => out.push_str(s),
                    Part::Env(name) => match env(name) {
                        Some(v) if !v.is_empty() => out.push_str(&v),
                        _ => return Err(AuthError::MissingVar((*name).to_string())),
                    },
                }
            }
            if out.is_empty() {
                return Err(AuthError::InvalidVar {
                    name: first_env(parts),
                    reason: "the secret is empty",
                });
            }
            Ok(out)
        };
        let scheme = match *self {
            AuthSpec::Bearer { token } => Scheme::Bearer(Secret::new(&value(token)?)),
            AuthSpec::ApiKey {
                name,
                value: v,
                in_query,
            } => Scheme::ApiKey {
                name: name.to_string(),
                in_query,
                value: Secret::new(&value(v)?),
            },
            AuthSpec::Basic { username, password } => Scheme::Basic {
                username: Secret::new(&value(username)?),
                password: Secret::new(&value(password)?),
            },
            AuthSpec::Digest { username, password } => Scheme::Digest(Box::new(Digest::new(
                realm,
                &value(username)?,
                &value(password)?,
            )?)),
            AuthSpec::OAuth2(o) => {
                let client = match o.introspection {
                    Some(i) => Some((value(i.client_id)?, value(i.client_secret)?)),
                    None => None,
                };
                Scheme::OAuth2(Box::new(OAuth2::new(&o, client)?))
            }
        };
        Ok(Inbound::from_scheme(realm, scheme))
    }
}

fn first_env(parts: &[Part]) -> String {
    parts
        .iter()
        .find_map(|p| match p {
            Part::Env(n) => Some((*n).to_string()),
            Part::Lit(_) => None,
        })
        .unwrap_or_else(|| "(literal)".to_string())
}

/// SHA-256 of a secret: what is kept and compared, in constant time.
#[derive(Clone)]
struct Secret([u8; 32]);

impl Secret {
    fn new(value: &str) -> Self {
        Secret(sha256(value.as_bytes()))
    }

    fn matches(&self, presented: &[u8]) -> bool {
        bool::from(self.0.ct_eq(&sha256(presented)))
    }
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

enum Scheme {
    Bearer(Secret),
    ApiKey {
        name: String,
        in_query: bool,
        value: Secret,
    },
    Basic {
        username: Secret,
        password: Secret,
    },
    Digest(Box<Digest>),
    OAuth2(Box<OAuth2>),
}

impl Scheme {
    fn name(&self) -> &'static str {
        match self {
            Scheme::Bearer(_) => "bearer",
            Scheme::ApiKey { .. } => "apikey",
            Scheme::Basic { .. } => "basic",
            Scheme::Digest(_) => "digest",
            Scheme::OAuth2(_) => "oauth2",
        }
    }
}

/// Inbound authentication with its secrets read: a middleware for an adapter's router.
/// Cheap to clone. Its `Debug` shows the scheme, never a secret.
#[derive(Clone)]
pub struct Inbound {
    scheme: Arc<Scheme>,
    realm: Arc<str>,
}

impl fmt::Debug for Inbound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Inbound")
            .field("scheme", &self.scheme.name())
            .field("realm", &self.realm)
            .finish_non_exhaustive()
    }
}

/// Why a request was refused.
struct Refusal {
    status: StatusCode,
    /// What failed, for the problem body and the log; never the credential.
    detail: &'static str,
    challenges: Vec<String>,
}

impl Inbound {
    fn from_scheme(realm: &str, scheme: Scheme) -> Self {
        Inbound {
            scheme: Arc::new(scheme),
            realm: quote_free(realm).into(),
        }
    }

    /// Requires `Authorization: Bearer <token>` (an operator's switch, e.g. billjob's
    /// `--inbound-token-env`). An empty token is refused.
    pub fn bearer(realm: &str, token: &str) -> Result<Self, AuthError> {
        if token.is_empty() {
            return Err(AuthError::InvalidVar {
                name: "(bearer token)".into(),
                reason: "the secret is empty",
            });
        }
        Ok(Self::from_scheme(realm, Scheme::Bearer(Secret::new(token))))
    }

    /// The scheme's name (`bearer`, `apikey`, `basic`, `digest`, `oauth2`).
    pub fn scheme(&self) -> &'static str {
        self.scheme.name()
    }

    /// `oauth2`: reads the keys from this JWKS URI instead of discovering it from the
    /// authorization server's metadata (a local key server, a test). No effect on other schemes.
    pub fn with_jwks_uri(self, uri: &str) -> Result<Self, AuthError> {
        if let Scheme::OAuth2(o) = &*self.scheme {
            let url = absolute("jwks_uri", uri)?;
            *lock(&o.jwks_uri) = Some(url.to_string());
        }
        Ok(self)
    }

    /// `oauth2` with introspection: asks this endpoint instead of the one the authorization
    /// server's metadata names (a local server, a test). No effect on other schemes.
    pub fn with_introspection_endpoint(self, uri: &str) -> Result<Self, AuthError> {
        if let Scheme::OAuth2(o) = &*self.scheme
            && let Some(i) = &o.introspection
        {
            let url = absolute("introspection_endpoint", uri)?;
            *lock(&i.endpoint) = Some(url.to_string());
        }
        Ok(self)
    }

    /// `oauth2`: the shortest time between two JWKS fetches for a token whose `kid` is unknown
    /// (default 30 s; bounds what unknown keys can make this server fetch).
    pub fn with_jwks_min_refresh(self, interval: Duration) -> Self {
        if let Scheme::OAuth2(o) = &*self.scheme {
            *lock(&o.min_refresh) = interval;
        }
        self
    }

    /// Wraps every route of `router` (except `/healthz`) in the check, and serves the protected
    /// resource metadata for `oauth2`.
    pub fn protect(&self, router: Router) -> Router {
        let me = self.clone();
        let router = router.layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let me = me.clone();
                async move { me.check(request, next).await }
            },
        ));
        match &*self.scheme {
            Scheme::OAuth2(o) => {
                let json = o.metadata_json.clone();
                let serve = move || {
                    let json = json.clone();
                    async move {
                        (
                            [(header::CONTENT_TYPE, "application/json")],
                            json.to_string(),
                        )
                    }
                };
                let mut router = router.route(WELL_KNOWN, axum::routing::get(serve.clone()));
                if o.metadata_path != WELL_KNOWN {
                    router = router.route(&o.metadata_path, axum::routing::get(serve));
                }
                router
            }
            _ => router,
        }
    }

    async fn check(self, request: Request, next: Next) -> Response {
        if request.uri().path() == "/healthz" {
            return next.run(request).await;
        }
        let (parts, body) = request.into_parts();
        match self.verify(&parts).await {
            Ok(()) => next.run(Request::from_parts(parts, body)).await,
            Err(r) => {
                tracing::info!(target: "naftiko::auth", realm = %self.realm, scheme = self.scheme.name(), status = r.status.as_u16(), reason = r.detail, "request refused");
                let title = if r.status == StatusCode::FORBIDDEN {
                    "Forbidden"
                } else if r.status == StatusCode::SERVICE_UNAVAILABLE {
                    "Service unavailable"
                } else {
                    "Unauthorized"
                };
                let mut response = Problem::new(r.status, title, r.detail).into_response();
                for c in r.challenges {
                    if let Ok(v) = HeaderValue::from_str(&c) {
                        response.headers_mut().append(header::WWW_AUTHENTICATE, v);
                    }
                }
                response
            }
        }
    }

    async fn verify(&self, request: &axum::http::request::Parts) -> Result<(), Refusal> {
        let realm = &*self.realm;
        let headers = &request.headers;
        let refuse = |detail: &'static str, challenge: String| Refusal {
            status: StatusCode::UNAUTHORIZED,
            detail,
            challenges: vec![challenge],
        };
        match &*self.scheme {
            Scheme::Bearer(secret) => {
                let challenge = format!("Bearer realm=\"{realm}\"");
                match authorization(headers, "Bearer") {
                    None => Err(refuse("a bearer token is required", challenge)),
                    Some(t) if secret.matches(t.as_bytes()) => Ok(()),
                    Some(_) => Err(refuse(
                        "the bearer token is not valid",
                        format!("{challenge}, error=\"invalid_token\""),
                    )),
                }
            }
            Scheme::ApiKey {
                name,
                in_query,
                value,
            } => {
                let challenge = format!(
                    "ApiKey realm=\"{realm}\", in=\"{}\", name=\"{}\"",
                    if *in_query { "query" } else { "header" },
                    quote_free(name)
                );
                let presented: Option<Vec<u8>> = if *in_query {
                    request.uri.query().and_then(|q| {
                        form_urlencoded::parse(q.as_bytes())
                            .find(|(k, _)| k == name.as_str())
                            .map(|(_, v)| v.into_owned().into_bytes())
                    })
                } else {
                    headers.get(name.as_str()).map(|v| v.as_bytes().to_vec())
                };
                match presented {
                    None => Err(refuse("an API key is required", challenge)),
                    Some(v) if value.matches(&v) => Ok(()),
                    Some(_) => Err(refuse("the API key is not valid", challenge)),
                }
            }
            Scheme::Basic { username, password } => {
                let challenge = format!("Basic realm=\"{realm}\", charset=\"UTF-8\"");
                let Some(b64) = authorization(headers, "Basic") else {
                    return Err(refuse("basic credentials are required", challenge));
                };
                let decoded = BASE64.decode(b64.trim()).unwrap_or_default();
                let (user, pass) = match decoded.iter().position(|b| *b == b':') {
                    Some(i) => (&decoded[..i], &decoded[i + 1..]),
                    None => (&decoded[..], &[][..]),
                };
                // Both compared, whichever fails: no timing difference between the two.
                let ok = username.matches(user) & password.matches(pass);
                if ok {
                    Ok(())
                } else {
                    Err(refuse("the user name or password is not valid", challenge))
                }
            }
            Scheme::Digest(d) => d.verify(&request.method, &request.uri, headers, realm),
            Scheme::OAuth2(o) => o.verify(headers, realm).await,
        }
    }
}

/// The credentials of `Authorization: <scheme> <credentials>` (scheme case-insensitive).
fn authorization<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (s, rest) = v.split_once(' ')?;
    s.eq_ignore_ascii_case(scheme)
        .then(|| rest.trim())
        .filter(|c| !c.is_empty())
}

/// A value that can sit inside a quoted-string of a challenge as it is.
fn quote_free(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '"' && *c != '\\' && !c.is_control())
        .collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

// ---------------------------------------------------------------------------------------------
// Digest (RFC 7616)

/// How long an issued nonce is accepted.
const NONCE_LIFETIME: u64 = 300;
/// Nonces whose counts are remembered at most (older ones are forgotten first; a forgotten
/// nonce is answered with a fresh one).
const MAX_NONCES: usize = 65_536;

#[derive(Clone, Copy, PartialEq, Eq)]
enum DigestAlg {
    Sha256,
    Md5,
}

impl DigestAlg {
    fn hash_hex(self, data: &[u8]) -> String {
        match self {
            DigestAlg::Sha256 => hex(&sha256(data)),
            DigestAlg::Md5 => {
                use md5::Digest as _;
                hex(&md5::Md5::digest(data))
            }
        }
    }

    fn name(self) -> &'static str {
        match self {
            DigestAlg::Sha256 => "SHA-256",
            DigestAlg::Md5 => "MD5",
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

struct Digest {
    username: Secret,
    /// H(username:realm:password) for each algorithm: the password itself is not kept.
    ha1_sha256: String,
    ha1_md5: String,
    key: aws_lc_rs::hmac::Key,
    opaque: String,
    /// nonce → highest nonce count accepted, and when the nonce was issued.
    counts: Mutex<HashMap<String, (u64, u32)>>,
}

impl Digest {
    fn new(realm: &str, username: &str, password: &str) -> Result<Self, AuthError> {
        let realm = quote_free(realm);
        let a1 = format!("{username}:{realm}:{password}");
        let mut key = [0u8; 32];
        let mut opaque = [0u8; 16];
        aws_lc_rs::rand::fill(&mut key)
            .and_then(|()| aws_lc_rs::rand::fill(&mut opaque))
            .map_err(|_| AuthError::Setup("no secure random numbers".into()))?;
        Ok(Digest {
            username: Secret::new(username),
            ha1_sha256: DigestAlg::Sha256.hash_hex(a1.as_bytes()),
            ha1_md5: DigestAlg::Md5.hash_hex(a1.as_bytes()),
            key: aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &key),
            opaque: hex(&opaque),
            counts: Mutex::new(HashMap::new()),
        })
    }

    /// A nonce: issue time, random bytes, and an HMAC of both (so that only ours verify).
    fn nonce(&self) -> String {
        let mut raw = [0u8; 36];
        raw[..8].copy_from_slice(&now_secs().to_be_bytes());
        if aws_lc_rs::rand::fill(&mut raw[8..20]).is_err() {
            // Without randomness the HMAC over the time alone still makes the nonce ours.
            raw[8..20].fill(0);
        }
        let tag = aws_lc_rs::hmac::sign(&self.key, &raw[..20]);
        raw[20..].copy_from_slice(&tag.as_ref()[..16]);
        B64URL.encode(raw)
    }

    /// The issue time of a nonce of ours.
    fn nonce_time(&self, nonce: &str) -> Option<u64> {
        let raw = B64URL.decode(nonce).ok()?;
        if raw.len() != 36 {
            return None;
        }
        let tag = aws_lc_rs::hmac::sign(&self.key, &raw[..20]);
        if !bool::from(tag.as_ref()[..16].ct_eq(&raw[20..])) {
            return None;
        }
        let mut t = [0u8; 8];
        t.copy_from_slice(&raw[..8]);
        Some(u64::from_be_bytes(t))
    }

    fn challenges(&self, realm: &str, stale: bool) -> Vec<String> {
        let nonce = self.nonce();
        let stale = if stale { ", stale=true" } else { "" };
        [DigestAlg::Sha256, DigestAlg::Md5]
            .iter()
            .map(|a| {
                format!(
                    "Digest realm=\"{realm}\", qop=\"auth\", algorithm={}, nonce=\"{nonce}\", opaque=\"{}\"{stale}",
                    a.name(),
                    self.opaque
                )
            })
            .collect()
    }

    fn verify(
        &self,
        method: &Method,
        uri: &axum::http::Uri,
        headers: &HeaderMap,
        realm: &str,
    ) -> Result<(), Refusal> {
        let refuse = |detail: &'static str, stale: bool| Refusal {
            status: StatusCode::UNAUTHORIZED,
            detail,
            challenges: self.challenges(realm, stale),
        };
        let Some(creds) = authorization(headers, "Digest") else {
            return Err(refuse("digest credentials are required", false));
        };
        let Some(p) = parse_params(creds) else {
            return Err(refuse("the digest credentials do not parse", false));
        };
        let get = |k: &str| {
            p.iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_str())
        };
        let alg = match get("algorithm") {
            None => DigestAlg::Md5,
            Some(a) if a.eq_ignore_ascii_case("MD5") => DigestAlg::Md5,
            Some(a) if a.eq_ignore_ascii_case("SHA-256") => DigestAlg::Sha256,
            Some(_) => {
                return Err(refuse(
                    "unsupported digest algorithm (SHA-256 or MD5)",
                    false,
                ));
            }
        };
        if get("userhash").is_some_and(|u| u.eq_ignore_ascii_case("true")) {
            return Err(refuse("userhash is not supported", false));
        }
        let (
            Some(user),
            Some(nonce),
            Some(duri),
            Some(response),
            Some(qop),
            Some(nc),
            Some(cnonce),
        ) = (
            get("username"),
            get("nonce"),
            get("uri"),
            get("response"),
            get("qop"),
            get("nc"),
            get("cnonce"),
        )
        else {
            return Err(refuse(
                "the digest credentials are incomplete (qop=auth is required)",
                false,
            ));
        };
        if get("realm") != Some(realm) || !qop.eq_ignore_ascii_case("auth") {
            return Err(refuse(
                "the digest realm or qop is not this server's",
                false,
            ));
        }
        if get("opaque").is_some_and(|o| o != self.opaque) {
            return Err(refuse("the digest opaque is not this server's", true));
        }
        let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
        if duri != target {
            return Err(refuse("the digest uri is not the request's", false));
        }
        let Some(issued) = self.nonce_time(nonce) else {
            return Err(refuse("the nonce is not this server's", false));
        };
        let now = now_secs();
        if now.saturating_sub(issued) > NONCE_LIFETIME {
            return Err(refuse("the nonce has expired", true));
        }
        let Ok(count) = u32::from_str_radix(nc, 16) else {
            return Err(refuse("the nonce count is not 8 hex digits", false));
        };
        if nc.len() != 8 {
            return Err(refuse("the nonce count is not 8 hex digits", false));
        }
        let ha1 = match alg {
            DigestAlg::Sha256 => &self.ha1_sha256,
            DigestAlg::Md5 => &self.ha1_md5,
        };
        let ha2 = alg.hash_hex(format!("{}:{duri}", method.as_str()).as_bytes());
        let expected = alg.hash_hex(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}").as_bytes());
        let ok = self.username.matches(user.as_bytes())
            & bool::from(
                expected
                    .as_bytes()
                    .ct_eq(response.to_ascii_lowercase().as_bytes()),
            );
        if !ok {
            return Err(refuse("the user name or password is not valid", false));
        }
        // Each nonce count once (replays are refused).
        let mut counts = lock(&self.counts);
        if counts.len() >= MAX_NONCES {
            counts.retain(|_, (t, _)| now.saturating_sub(*t) <= NONCE_LIFETIME);
            if counts.len() >= MAX_NONCES {
                return Err(refuse("too many nonces in use: use a fresh one", true));
            }
        }
        let last = counts.entry(nonce.to_string()).or_insert((issued, 0));
        if count <= last.1 {
            return Err(refuse("the nonce count was already used (replay)", true));
        }
        last.1 = count;
        Ok(())
    }
}

/// `k=v, k="quoted", ...` (RFC 9110 auth-params).
fn parse_params(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let eq = rest.find('=')?;
        let name = rest[..eq].trim().to_string();
        rest = rest[eq + 1..].trim_start();
        let value;
        if let Some(r) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = r.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => v.push(chars.next()?.1),
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    c => v.push(c),
                }
            }
            rest = r[end? + 1..].trim_start();
            value = v;
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_string();
            rest = &rest[end..];
        }
        out.push((name, value));
        rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        if out.len() > 32 {
            return None;
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// OAuth 2.1 resource server

const WELL_KNOWN: &str = "/.well-known/oauth-protected-resource";
const JWKS_TTL: Duration = Duration::from_secs(300);
const MAX_METADATA_BYTES: usize = 1024 * 1024;

struct Keys {
    set: jsonwebtoken::jwk::JwkSet,
    fetched: Instant,
}

struct OAuth2 {
    issuer: String,
    audience: String,
    scopes: Vec<String>,
    metadata_path: String,
    metadata_url: String,
    metadata_json: Arc<str>,
    http: reqwest::Client,
    /// The JWKS URI: given, or discovered from the issuer's metadata on first use.
    jwks_uri: Mutex<Option<String>>,
    min_refresh: Mutex<Duration>,
    keys: Mutex<Option<Arc<Keys>>>,
    /// Held while fetching: concurrent requests share one fetch.
    fetching: tokio::sync::Mutex<()>,
    introspection: Option<Introspection>,
}

/// How long an introspected token is trusted without asking again (at most until its `exp`).
const INTROSPECTION_TTL: Duration = Duration::from_secs(60);
/// Introspected tokens remembered at most.
const MAX_INTROSPECTED: usize = 10_000;

struct Introspection {
    /// `Authorization: Basic` with the resource server's client credentials.
    client_auth: HeaderValue,
    /// Given, or discovered from the issuer's metadata on first use.
    endpoint: Mutex<Option<String>>,
    /// SHA-256 of an accepted token → until when it is trusted.
    accepted: Mutex<HashMap<[u8; 32], Instant>>,
}

fn absolute(what: &'static str, uri: &str) -> Result<reqwest::Url, AuthError> {
    reqwest::Url::parse(uri)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
        .ok_or_else(|| AuthError::InvalidUri {
            what,
            uri: uri.to_string(),
        })
}

impl OAuth2 {
    fn new(spec: &OAuth2Spec, client: Option<(String, String)>) -> Result<Self, AuthError> {
        if jsonwebtoken::crypto::CryptoProvider::try_get_default().is_none() {
            return Err(AuthError::Setup(
                "no JWT crypto provider (jsonwebtoken built with more than one backend)".into(),
            ));
        }
        absolute("authorizationServerUri", spec.authorization_server)?;
        let resource = absolute("resource", spec.resource)?;
        let path = resource.path().trim_end_matches('/');
        let metadata_path = format!("{WELL_KNOWN}{path}");
        let metadata_url = format!("{}{metadata_path}", resource.origin().ascii_serialization());
        let mut metadata = serde_json::json!({
            "resource": spec.resource,
            "authorization_servers": [spec.authorization_server],
            "bearer_methods_supported": ["header"],
        });
        if !spec.scopes.is_empty() {
            metadata["scopes_supported"] = serde_json::json!(spec.scopes);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| AuthError::Setup(format!("cannot build the HTTP client: {e}")))?;
        Ok(OAuth2 {
            issuer: spec.authorization_server.trim_end_matches('/').to_string(),
            audience: spec.audience.unwrap_or(spec.resource).to_string(),
            scopes: spec.scopes.iter().map(|s| (*s).to_string()).collect(),
            metadata_path,
            metadata_url,
            metadata_json: metadata.to_string().into(),
            http,
            jwks_uri: Mutex::new(None),
            min_refresh: Mutex::new(Duration::from_secs(30)),
            keys: Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
            introspection: match client {
                Some((id, secret)) => {
                    // RFC 6749 §2.3.1: each form-encoded, then joined and base64-encoded.
                    let enc =
                        |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
                    let pair = BASE64.encode(format!("{}:{}", enc(&id), enc(&secret)));
                    let mut client_auth = HeaderValue::from_str(&format!("Basic {pair}"))
                        .map_err(|_| AuthError::Setup("unusable client credentials".into()))?;
                    client_auth.set_sensitive(true);
                    Some(Introspection {
                        client_auth,
                        endpoint: Mutex::new(None),
                        accepted: Mutex::new(HashMap::new()),
                    })
                }
                None => None,
            },
        })
    }

    fn challenge(&self, realm: &str, error: Option<(&str, &str)>) -> String {
        let mut c = format!(
            "Bearer realm=\"{realm}\", resource_metadata=\"{}\"",
            self.metadata_url
        );
        if !self.scopes.is_empty() {
            c.push_str(&format!(
                ", scope=\"{}\"",
                quote_free(&self.scopes.join(" "))
            ));
        }
        if let Some((e, d)) = error {
            c.push_str(&format!(", error=\"{e}\", error_description=\"{d}\""));
        }
        c
    }

    async fn verify(&self, headers: &HeaderMap, realm: &str) -> Result<(), Refusal> {
        let invalid = |detail: &'static str| Refusal {
            status: StatusCode::UNAUTHORIZED,
            detail,
            challenges: vec![self.challenge(realm, Some(("invalid_token", detail)))],
        };
        let Some(token) = authorization(headers, "Bearer") else {
            return Err(Refusal {
                status: StatusCode::UNAUTHORIZED,
                detail: "a bearer access token is required",
                challenges: vec![self.challenge(realm, None)],
            });
        };
        if let Some(i) = &self.introspection {
            return self.introspect(i, token, realm).await;
        }
        let Ok(head) = jsonwebtoken::decode_header(token) else {
            return Err(invalid("the access token is not a JWT"));
        };
        use jsonwebtoken::Algorithm as A;
        if matches!(head.alg, A::HS256 | A::HS384 | A::HS512) {
            return Err(invalid(
                "the access token is not signed with the issuer's keys",
            ));
        }
        let key = match self.key(head.kid.as_deref(), head.alg).await {
            Ok(Some(k)) => k,
            Ok(None) => {
                return Err(invalid(
                    "the access token's signing key is not the issuer's",
                ));
            }
            Err(detail) => {
                return Err(Refusal {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    detail,
                    challenges: Vec::new(),
                });
            }
        };
        let mut v = jsonwebtoken::Validation::new(head.alg);
        v.leeway = 30;
        v.validate_nbf = true;
        v.set_required_spec_claims(&["exp", "iss", "aud"]);
        v.set_audience(&[self.audience.as_str()]);
        v.set_issuer(&[self.issuer.clone(), format!("{}/", self.issuer)]);
        let claims = match jsonwebtoken::decode::<serde_json::Value>(token, &key, &v) {
            Ok(t) => t.claims,
            Err(e) => {
                use jsonwebtoken::errors::ErrorKind as K;
                return Err(invalid(match e.kind() {
                    K::ExpiredSignature => "the access token has expired",
                    K::ImmatureSignature => "the access token is not valid yet",
                    K::InvalidAudience => "the access token is not for this resource (aud)",
                    K::InvalidIssuer => {
                        "the access token is not from the authorization server (iss)"
                    }
                    K::MissingRequiredClaim(_) => "the access token lacks exp, iss or aud",
                    K::InvalidSignature => "the access token's signature is not valid",
                    _ => "the access token is not valid",
                }));
            }
        };
        let granted: Vec<&str> = match (claims.get("scope"), claims.get("scp")) {
            (Some(serde_json::Value::String(s)), _) => s.split_whitespace().collect(),
            (_, Some(serde_json::Value::Array(a))) => a.iter().filter_map(|s| s.as_str()).collect(),
            (_, Some(serde_json::Value::String(s))) => s.split_whitespace().collect(),
            _ => Vec::new(),
        };
        if self.scopes.iter().any(|s| !granted.contains(&s.as_str())) {
            return Err(Refusal {
                status: StatusCode::FORBIDDEN,
                detail: "the access token lacks a required scope",
                challenges: vec![self.challenge(
                    realm,
                    Some((
                        "insufficient_scope",
                        "the access token lacks a required scope",
                    )),
                )],
            });
        }
        Ok(())
    }

    /// The key for `kid` (or the one key of `alg`'s family when the token names none): from the
    /// cache, else from a fresh fetch. `Err` when the keys cannot be fetched at all.
    async fn key(
        &self,
        kid: Option<&str>,
        alg: jsonwebtoken::Algorithm,
    ) -> Result<Option<jsonwebtoken::DecodingKey>, &'static str> {
        let cached = lock(&self.keys).clone();
        let fresh = cached.as_ref().filter(|k| k.fetched.elapsed() < JWKS_TTL);
        if let Some(k) = fresh.and_then(|k| find_key(&k.set, kid, alg)) {
            return Ok(Some(k));
        }
        let min_refresh = *lock(&self.min_refresh);
        let _fetching = self.fetching.lock().await;
        // Another request may have fetched while this one waited.
        let current = lock(&self.keys).clone();
        let recent = current
            .as_ref()
            .filter(|k| k.fetched.elapsed() < min_refresh || !same(k, &cached));
        let keys = match recent {
            Some(k) => k.clone(),
            None => match self.fetch().await {
                Ok(set) => {
                    let k = Arc::new(Keys {
                        set,
                        fetched: Instant::now(),
                    });
                    *lock(&self.keys) = Some(k.clone());
                    k
                }
                Err(reason) => {
                    tracing::warn!(target: "naftiko::auth", issuer = %self.issuer, reason, "cannot fetch the authorization server's keys");
                    match current {
                        // Stale keys are better than none while the server is away.
                        Some(k) => k,
                        None => return Err("the authorization server's keys cannot be fetched"),
                    }
                }
            },
        };
        Ok(find_key(&keys.set, kid, alg))
    }

    async fn fetch(&self) -> Result<jsonwebtoken::jwk::JwkSet, String> {
        let given = lock(&self.jwks_uri).clone();
        let uri = match given {
            Some(u) => u,
            None => {
                let u = self.discover("jwks_uri").await?;
                *lock(&self.jwks_uri) = Some(u.clone());
                u
            }
        };
        let body = self.get(&uri).await?;
        serde_json::from_slice(&body).map_err(|e| format!("the JWKS at {uri} does not parse: {e}"))
    }

    /// A URI of the issuer's metadata (`jwks_uri`, `introspection_endpoint`): RFC 8414, then
    /// OpenID Connect discovery.
    async fn discover(&self, field: &str) -> Result<String, String> {
        let issuer = reqwest::Url::parse(&self.issuer).map_err(|e| e.to_string())?;
        let origin = issuer.origin().ascii_serialization();
        let path = issuer.path().trim_end_matches('/');
        let mut candidates = vec![format!(
            "{origin}/.well-known/oauth-authorization-server{path}"
        )];
        for c in [
            format!("{}/.well-known/openid-configuration", self.issuer),
            format!("{}/.well-known/oauth-authorization-server", self.issuer),
        ] {
            if !candidates.contains(&c) {
                candidates.push(c);
            }
        }
        let mut last = String::new();
        for c in candidates {
            match self.get(&c).await {
                Ok(body) => {
                    let meta: serde_json::Value = serde_json::from_slice(&body)
                        .map_err(|e| format!("the metadata at {c} does not parse: {e}"))?;
                    return meta
                        .get(field)
                        .and_then(|u| u.as_str())
                        .map(str::to_string)
                        .ok_or_else(|| format!("the metadata at {c} has no {field}"));
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// RFC 7662: asks the authorization server whether `token` is active, then checks what it
    /// says (`exp`, `iss`, `aud` required to name this resource, scopes). Accepted tokens are
    /// remembered a minute at most (never past their `exp`); refusals are not.
    async fn introspect(&self, i: &Introspection, token: &str, realm: &str) -> Result<(), Refusal> {
        let invalid = |detail: &'static str| Refusal {
            status: StatusCode::UNAUTHORIZED,
            detail,
            challenges: vec![self.challenge(realm, Some(("invalid_token", detail)))],
        };
        let unavailable = |reason: String| {
            tracing::warn!(target: "naftiko::auth", issuer = %self.issuer, reason, "token introspection failed");
            Refusal {
                status: StatusCode::SERVICE_UNAVAILABLE,
                detail: "the authorization server cannot introspect the access token",
                challenges: Vec::new(),
            }
        };
        let hash = sha256(token.as_bytes());
        if lock(&i.accepted)
            .get(&hash)
            .is_some_and(|until| Instant::now() < *until)
        {
            return Ok(());
        }
        let given = lock(&i.endpoint).clone();
        let endpoint = match given {
            Some(e) => e,
            None => {
                let e = self
                    .discover("introspection_endpoint")
                    .await
                    .map_err(unavailable)?;
                *lock(&i.endpoint) = Some(e.clone());
                e
            }
        };
        let form: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("token", token)
            .append_pair("token_type_hint", "access_token")
            .finish();
        let mut r = self
            .http
            .post(&endpoint)
            .header(header::AUTHORIZATION, i.client_auth.clone())
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(|e| unavailable(format!("POST {endpoint}: {}", e.without_url())))?;
        if !r.status().is_success() {
            return Err(unavailable(format!(
                "POST {endpoint}: HTTP {}",
                r.status().as_u16()
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = r
            .chunk()
            .await
            .map_err(|e| unavailable(format!("POST {endpoint}: {}", e.without_url())))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_METADATA_BYTES {
                return Err(unavailable(format!("POST {endpoint}: answer too large")));
            }
        }
        let answer: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|e| unavailable(format!("POST {endpoint}: not JSON: {e}")))?;
        if answer.get("active").and_then(serde_json::Value::as_bool) != Some(true) {
            return Err(invalid("the access token is not active"));
        }
        let now = now_secs();
        let exp = answer.get("exp").and_then(serde_json::Value::as_u64);
        if exp.is_some_and(|e| e <= now) {
            return Err(invalid("the access token has expired"));
        }
        if let Some(iss) = answer.get("iss")
            && iss.as_str().map(|s| s.trim_end_matches('/')) != Some(self.issuer.as_str())
        {
            return Err(invalid(
                "the access token is not from the authorization server (iss)",
            ));
        }
        let audience_ok = match answer.get("aud") {
            Some(serde_json::Value::String(a)) => *a == self.audience,
            Some(serde_json::Value::Array(a)) => {
                a.iter().any(|x| x.as_str() == Some(&self.audience))
            }
            _ => false,
        };
        if !audience_ok {
            return Err(invalid("the access token is not for this resource (aud)"));
        }
        let granted: Vec<&str> = answer
            .get("scope")
            .and_then(serde_json::Value::as_str)
            .map(|s| s.split_whitespace().collect())
            .unwrap_or_default();
        if self.scopes.iter().any(|s| !granted.contains(&s.as_str())) {
            return Err(Refusal {
                status: StatusCode::FORBIDDEN,
                detail: "the access token lacks a required scope",
                challenges: vec![self.challenge(
                    realm,
                    Some((
                        "insufficient_scope",
                        "the access token lacks a required scope",
                    )),
                )],
            });
        }
        let mut trust = INTROSPECTION_TTL;
        if let Some(e) = exp {
            trust = trust.min(Duration::from_secs(e - now));
        }
        let mut accepted = lock(&i.accepted);
        if accepted.len() >= MAX_INTROSPECTED {
            let now = Instant::now();
            accepted.retain(|_, until| now < *until);
            if accepted.len() >= MAX_INTROSPECTED {
                accepted.clear();
            }
        }
        accepted.insert(hash, Instant::now() + trust);
        Ok(())
    }

    async fn get(&self, uri: &str) -> Result<Vec<u8>, String> {
        let mut r = self
            .http
            .get(uri)
            .header(header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| format!("GET {uri}: {}", e.without_url()))?;
        if !r.status().is_success() {
            return Err(format!("GET {uri}: HTTP {}", r.status().as_u16()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = r
            .chunk()
            .await
            .map_err(|e| format!("GET {uri}: {}", e.without_url()))?
        {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_METADATA_BYTES {
                return Err(format!("GET {uri}: larger than {MAX_METADATA_BYTES} bytes"));
            }
        }
        Ok(body)
    }
}

fn same(a: &Arc<Keys>, b: &Option<Arc<Keys>>) -> bool {
    b.as_ref().is_some_and(|b| Arc::ptr_eq(a, b))
}

fn find_key(
    set: &jsonwebtoken::jwk::JwkSet,
    kid: Option<&str>,
    alg: jsonwebtoken::Algorithm,
) -> Option<jsonwebtoken::DecodingKey> {
    let fits = |jwk: &&jsonwebtoken::jwk::Jwk| {
        let signing = !matches!(
            jwk.common.public_key_use,
            Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
        );
        let declared = jwk
            .common
            .key_algorithm
            .is_none_or(|a| a == jsonwebtoken::jwk::KeyAlgorithm::from(alg));
        signing && declared
    };
    let jwk = match kid {
        Some(kid) => set
            .keys
            .iter()
            .filter(fits)
            .find(|k| k.common.key_id.as_deref() == Some(kid)),
        None => {
            let mut matching = set.keys.iter().filter(fits).filter(|k| {
                jsonwebtoken::DecodingKey::from_jwk(k).is_ok_and(|d| d.family() == alg.family())
            });
            let one = matching.next();
            // Without a `kid`, only an unambiguous key is used.
            if matching.next().is_some() { None } else { one }
        }
    }?;
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).ok()?;
    (key.family() == alg.family()).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_params_parse_quoted_and_bare_values() {
        let p =
            parse_params(r#"username="Mufasa", realm="a \"b\"", nc=00000001, qop=auth"#).unwrap();
        assert_eq!(p[0], ("username".into(), "Mufasa".into()));
        assert_eq!(p[1], ("realm".into(), "a \"b\"".into()));
        assert_eq!(p[2], ("nc".into(), "00000001".into()));
        assert_eq!(p[3], ("qop".into(), "auth".into()));
        assert!(parse_params(r#"username="open"#).is_none());
    }

    /// RFC 7616 §3.9.1's example (SHA-256 and MD5), computed as the server does.
    #[test]
    fn digest_response_matches_rfc_7616_example() {
        let a1 = "Mufasa:http-auth@example.org:Circle of Life";
        let nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
        let cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
        let ha2 = "GET:/dir/index.html";
        let sha = DigestAlg::Sha256;
        let r = sha.hash_hex(
            format!(
                "{}:{nonce}:00000001:{cnonce}:auth:{}",
                sha.hash_hex(a1.as_bytes()),
                sha.hash_hex(ha2.as_bytes())
            )
            .as_bytes(),
        );
        assert_eq!(
            r,
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        let md5 = DigestAlg::Md5;
        let r = md5.hash_hex(
            format!(
                "{}:{nonce}:00000001:{cnonce}:auth:{}",
                md5.hash_hex(a1.as_bytes()),
                md5.hash_hex(ha2.as_bytes())
            )
            .as_bytes(),
        );
        assert_eq!(r, "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn a_missing_or_empty_secret_is_a_start_up_error_naming_it() {
        let spec = AuthSpec::Bearer {
            token: &[Part::Env("NAFTIKO_TEST_TOKEN")],
        };
        let e = spec.build("r", |_| None).unwrap_err().to_string();
        assert!(e.contains("NAFTIKO_TEST_TOKEN"), "{e}");
        let e = spec.build("r", |_| Some(String::new())).unwrap_err();
        assert!(e.to_string().contains("NAFTIKO_TEST_TOKEN"), "{e}");
        let ok = spec.build("r", |_| Some("s3cret".into())).unwrap();
        assert!(!format!("{ok:?}").contains("s3cret"));
    }

    #[test]
    fn nonces_are_ours_and_carry_their_time() {
        let d = Digest::new("r", "u", "p").unwrap();
        let n = d.nonce();
        let t = d.nonce_time(&n).unwrap();
        assert!(now_secs() - t < 5);
        let other = Digest::new("r", "u", "p").unwrap();
        assert!(other.nonce_time(&n).is_none());
        assert!(d.nonce_time("not-a-nonce").is_none());
    }
}
