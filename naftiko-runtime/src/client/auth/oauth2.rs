//! OAuth 2 client credentials (RFC 6749 §4.4): a token fetched from the token endpoint, cached,
//! refreshed before it expires and once after a `401`; concurrent callers share one refresh.

use super::super::error::Error;
use axum::http::HeaderValue;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::fmt;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// What a client needs to obtain tokens: the token endpoint and the client's id and secret.
/// Its `Debug` never shows the secret.
#[derive(Clone)]
pub struct ClientCredentials {
    /// The token endpoint (`https://api.m3ter.com/oauth/token`).
    pub token_url: String,
    pub client_id: String,
    pub client_secret: String,
    /// Scopes asked for (`scope`, space-separated); none leaves the parameter out.
    pub scopes: Vec<String>,
    /// RFC 8707 `resource` indicator, sent when given.
    pub resource: Option<String>,
    /// Whether a `403` may mean an expired or revoked token (m3ter answers those 403, not
    /// 401): the token is then renewed and the request sent once more, at most once per
    /// token, so that a 403 the new token gets too (a permission) costs nothing more.
    pub renew_on_forbidden: bool,
}

impl ClientCredentials {
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
            resource: None,
            renew_on_forbidden: false,
        }
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &without_userinfo(&self.token_url))
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// A URL as it may be shown: without `user:password@` (also in text that does not parse).
pub fn without_userinfo(url: &str) -> String {
    let Some(start) = url.find("://").map(|i| i + 3) else {
        return url.to_string();
    };
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..end].rfind('@') {
        Some(at) => format!("{}{}", &url[..start], &url[start + at + 1..]),
        None => url.to_string(),
    }
}

struct Cached {
    /// `Bearer <token>`, marked sensitive.
    value: HeaderValue,
    /// When to fetch a new one: ahead of the expiry the endpoint announced.
    refresh_at: Option<Instant>,
    generation: u64,
}

/// Tokens of one client: the cached one, and the lock that makes refreshes single-flight.
pub(crate) struct TokenSource {
    credentials: ClientCredentials,
    http: reqwest::Client,
    cached: RwLock<Option<Cached>>,
    /// Held while a token is fetched: callers that find the cache stale wait here, then
    /// take the token the first of them fetched.
    refresh: tokio::sync::Mutex<()>,
    generations: AtomicU64,
    fetched: AtomicU64,
    /// The generation of the token fetched after the last `403`: a `403` to it is an answer.
    renewed_after_forbidden: AtomicU64,
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSource")
            .field("credentials", &self.credentials)
            .field("fetched", &self.fetched.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// A token is refreshed this long before it expires: a tenth of its lifetime, at most five
/// minutes (what m3ter's SDKs allow for its 5-hour tokens) and at least a second (a request
/// delayed on a busy host still arrives in time), but never more than half its lifetime.
fn margin(lifetime: Duration) -> Duration {
    (lifetime / 10)
        .clamp(Duration::from_secs(1), Duration::from_secs(300))
        .min(lifetime / 2)
}

impl TokenSource {
    pub(crate) fn new(credentials: ClientCredentials, http: reqwest::Client) -> Self {
        TokenSource {
            credentials,
            http,
            cached: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            generations: AtomicU64::new(0),
            fetched: AtomicU64::new(0),
            renewed_after_forbidden: AtomicU64::new(0),
        }
    }

    fn fresh(&self) -> Option<(HeaderValue, u64)> {
        let cached = self
            .cached
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let c = cached.as_ref()?;
        match c.refresh_at {
            Some(at) if Instant::now() >= at => None,
            _ => Some((c.value.clone(), c.generation)),
        }
    }

    /// `Authorization: Bearer <token>` for one attempt, and the token's generation.
    pub(crate) async fn bearer(
        &self,
        operation: &'static str,
    ) -> Result<(HeaderValue, u64), Error> {
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let _refreshing = self.refresh.lock().await;
        // Another caller may have refreshed while this one waited.
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let (value, refresh_at) = self.fetch(operation).await?;
        let generation = self.generations.fetch_add(1, Ordering::Relaxed) + 1;
        *self
            .cached
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Cached {
            value: value.clone(),
            refresh_at,
            generation,
        });
        Ok((value, generation))
    }

    /// The upstream refused the token of `generation` (`401`, or `403` when `forbidden`):
    /// whether to renew it and send the request once more. A `401` always does; a `403` only
    /// where the upstream uses it for expired tokens, and not for a token that was itself
    /// fetched after a `403`.
    pub(crate) fn refused(&self, generation: u64, forbidden: bool) -> bool {
        if forbidden {
            if !self.credentials.renew_on_forbidden
                || self.renewed_after_forbidden.load(Ordering::Relaxed) == generation
            {
                return false;
            }
            // The next token's generation: a 403 to it is an answer.
            self.renewed_after_forbidden.store(
                self.generations.load(Ordering::Relaxed) + 1,
                Ordering::Relaxed,
            );
        }
        let mut cached = self
            .cached
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if cached.as_ref().is_some_and(|c| c.generation == generation) {
            *cached = None;
        }
        true
    }

    /// One token request: `client_secret_basic` (RFC 6749 §2.3.1, id and secret form-encoded
    /// before Base64), `grant_type=client_credentials` in a form body.
    async fn fetch(
        &self,
        operation: &'static str,
    ) -> Result<(HeaderValue, Option<Instant>), Error> {
        let c = &self.credentials;
        let failed = |detail: String| Error::Credentials { operation, detail };
        let pair = format!(
            "{}:{}",
            super::super::params::form_encode(&c.client_id),
            super::super::params::form_encode(&c.client_secret)
        );
        let mut basic = HeaderValue::from_str(&format!("Basic {}", BASE64.encode(pair)))
            .map_err(|_| failed("the client id cannot be sent in a header".into()))?;
        basic.set_sensitive(true);
        // Built before the first await: the serializer is not `Send`.
        let form = {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "client_credentials");
            if !c.scopes.is_empty() {
                form.append_pair("scope", &c.scopes.join(" "));
            }
            if let Some(resource) = &c.resource {
                form.append_pair("resource", resource);
            }
            form.finish()
        };
        let sent = Instant::now();
        self.fetched.fetch_add(1, Ordering::Relaxed);
        let endpoint = without_userinfo(&c.token_url);
        let response = self
            .http
            .post(&c.token_url)
            .header(reqwest::header::AUTHORIZATION, basic)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(form)
            .send()
            .await
            .map_err(|e| {
                failed(format!(
                    "the token endpoint {endpoint} cannot be reached: {}",
                    innermost(&e.without_url())
                ))
            })?;
        let status = response.status();
        // A token answer is small; a larger one is not a token answer.
        let body = response.bytes().await.map_err(|e| {
            failed(format!(
                "the token endpoint {endpoint} failed: {}",
                innermost(&e.without_url())
            ))
        })?;
        let json: serde_json::Value = serde_json::from_slice(&body[..body.len().min(64 * 1024)])
            .unwrap_or(serde_json::Value::Null);
        if !status.is_success() {
            let reason = ["error_description", "error", "message"]
                .iter()
                .find_map(|k| json.get(*k).and_then(|v| v.as_str()))
                .map(|m| format!(": {}", m.chars().take(200).collect::<String>()))
                .unwrap_or_default();
            return Err(failed(format!(
                "the token endpoint {endpoint} answered {}{reason}",
                status.as_u16()
            )));
        }
        let Some(token) = json.get("access_token").and_then(|t| t.as_str()) else {
            return Err(failed(format!(
                "the token endpoint {endpoint} answered without an `access_token`"
            )));
        };
        if let Some(kind) = json.get("token_type").and_then(|t| t.as_str())
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(failed(format!(
                "the token endpoint {endpoint} issued a `{}` token; only bearer tokens are supported",
                kind.chars().take(40).collect::<String>()
            )));
        }
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            failed(format!(
                "the token endpoint {endpoint} issued a token that cannot be sent in a header"
            ))
        })?;
        value.set_sensitive(true);
        // `expires_in` is a number of seconds; some servers send it as a string.
        let lifetime = match json.get("expires_in") {
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(1e9)));
        let refresh_at = lifetime.map(|l| sent + l.saturating_sub(margin(l)));
        Ok((value, refresh_at))
    }
}

fn innermost(e: &dyn std::error::Error) -> String {
    let mut detail = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    detail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_refreshed_a_tenth_of_their_lifetime_early_within_bounds() {
        assert_eq!(
            margin(Duration::from_secs(18_000)),
            Duration::from_secs(300)
        );
        assert_eq!(margin(Duration::from_secs(60)), Duration::from_secs(6));
        assert_eq!(margin(Duration::from_secs(5)), Duration::from_secs(1));
        assert_eq!(margin(Duration::from_secs(1)), Duration::from_millis(500));
    }

    #[test]
    fn the_secret_and_userinfo_are_never_shown() {
        let c = ClientCredentials::new("https://u:pw@auth.example/token", "id", "s3cret");
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("pw"),
            "{shown}"
        );
        assert!(shown.contains("https://auth.example/token"), "{shown}");
        assert_eq!(without_userinfo("http://u:p@h:1/a@b"), "http://h:1/a@b");
        assert_eq!(without_userinfo("not a url u:p@x"), "not a url u:p@x");
        assert_eq!(without_userinfo("ht tp://u:p@x/"), "ht tp://x/");
    }
}
