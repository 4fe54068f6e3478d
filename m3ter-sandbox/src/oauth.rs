//! m3ter's OAuth client-credentials endpoint, `POST /oauth/token`: an access key id and secret
//! (HTTP Basic) exchanged for a bearer token that expires after
//! [`SandboxConfig::token_lifetime`](crate::SandboxConfig::token_lifetime).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::json;

use crate::auth::{constant_time_eq, random_token};
use crate::store::Sandbox;

/// Most tokens held at once; issuing one more first forgets the expired ones, then refuses
/// (503) if all are still live, so a client looping on the endpoint cannot exhaust memory.
const MAX_TOKENS: usize = 100_000;

/// The tokens the endpoint issued, with their expiry.
#[derive(Default)]
pub(crate) struct Tokens {
    issued: Mutex<HashMap<String, Instant>>,
}

/// Whether a presented token is one the endpoint issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Issued {
    Valid,
    Expired,
    Unknown,
}

impl Tokens {
    pub(crate) fn check(&self, token: &str) -> Issued {
        let issued = self
            .issued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match issued.get(token) {
            Some(expiry) if Instant::now() < *expiry => Issued::Valid,
            Some(_) => Issued::Expired,
            None => Issued::Unknown,
        }
    }

    fn issue(&self, lifetime: Duration) -> Option<String> {
        let token = random_token().ok()?;
        let now = Instant::now();
        let mut issued = self
            .issued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if issued.len() >= MAX_TOKENS {
            issued.retain(|_, expiry| *expiry > now);
            if issued.len() >= MAX_TOKENS {
                return None;
            }
        }
        issued.insert(token.clone(), now.checked_add(lifetime).unwrap_or(now));
        Some(token)
    }
}

/// The id and secret in `Authorization: Basic base64(id:secret)`, as m3ter's SDKs send them.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(BASE64.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    // RFC 6749 §2.3.1: form-encoded before Base64; unreserved characters are unchanged.
    Some((form_decode(id), form_decode(secret)))
}

fn form_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |at: usize| b.get(at).and_then(|c| char::from(*c).to_digit(16));
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'+', _, _) => out.push(b' '),
            (b'%', Some(h), Some(l)) => {
                out.extend(u8::try_from(h * 16 + l).ok());
                i += 2;
            }
            (c, _, _) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `grant_type=client_credentials` as a form (m3ter's documented curl) or as JSON (what
/// m3ter's Python SDK sends).
fn is_client_credentials_grant(headers: &HeaderMap, body: &[u8]) -> bool {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if json {
        return serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                v.get("grant_type")?
                    .as_str()
                    .map(|g| g == "client_credentials")
            })
            .unwrap_or(false);
    }
    std::str::from_utf8(body).is_ok_and(|form| {
        form.split('&')
            .any(|pair| pair == "grant_type=client_credentials")
    })
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut response = (
        status,
        Json(json!({"error": error, "error_description": description})),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Basic realm=\"m3ter-sandbox\""),
        );
    }
    response
}

/// `POST /oauth/token`: `200 {"access_token", "token_type": "Bearer", "expires_in"}` for the
/// configured client, RFC 6749 §5.2 errors otherwise (`invalid_client` is 401).
pub(crate) async fn token(
    State(sandbox): State<Arc<Sandbox>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(client) = &sandbox.client else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "this sandbox has no OAuth client configured",
        );
    };
    let valid = basic_credentials(&headers).is_some_and(|(id, secret)| {
        // Both compared in full, so the time taken does not tell which one was wrong.
        let id_ok = constant_time_eq(id.as_bytes(), client.id.as_bytes());
        let secret_ok = constant_time_eq(secret.as_bytes(), client.secret.as_bytes());
        id_ok & secret_ok
    });
    if !valid {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client id or wrong secret",
        );
    }
    if !is_client_credentials_grant(&headers, &body) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "expected grant_type=client_credentials",
        );
    }
    let Some(token) = sandbox.tokens.issue(sandbox.token_lifetime) else {
        return oauth_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "too many live tokens",
        );
    };
    let mut response = Json(json!({
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": sandbox.token_lifetime.as_secs_f64(),
    }))
    .into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        let mut headers = HeaderMap::new();
        let value = format!("Basic {}", BASE64.encode("my%20id:s%3Acret+x"));
        headers.insert(header::AUTHORIZATION, value.parse().expect("header"));
        assert_eq!(
            basic_credentials(&headers),
            Some(("my id".to_string(), "s:cret x".to_string()))
        );
    }

    #[test]
    fn issued_tokens_expire() {
        let tokens = Tokens::default();
        let live = tokens.issue(Duration::from_secs(60)).expect("a token");
        let dead = tokens.issue(Duration::ZERO).expect("a token");
        assert_eq!(tokens.check(&live), Issued::Valid);
        assert_eq!(tokens.check(&dead), Issued::Expired);
        assert_eq!(tokens.check("other"), Issued::Unknown);
    }

    #[test]
    fn the_grant_is_read_from_a_form_or_json() {
        let mut json = HeaderMap::new();
        json.insert(
            header::CONTENT_TYPE,
            "application/json".parse().expect("header"),
        );
        assert!(is_client_credentials_grant(
            &json,
            br#"{"grant_type":"client_credentials"}"#
        ));
        assert!(!is_client_credentials_grant(
            &json,
            br#"{"grant_type":"password"}"#
        ));
        let form = HeaderMap::new();
        assert!(is_client_credentials_grant(
            &form,
            b"scope=a&grant_type=client_credentials"
        ));
        assert!(!is_client_credentials_grant(&form, b"grant_type=password"));
    }
}
