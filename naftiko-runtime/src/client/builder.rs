//! [`Builder`]: base URI, timeouts, a shared connection pool and credentials, read once.

use super::USER_AGENT;
use super::error::ConfigError;
use super::params::form_encode;
use super::request::{HttpClient, Inner, Transport};
use super::spec::{Api, AuthSpec, KeyPlacement, Part};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

type EnvSource = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Builds a generated client: base URI, timeouts, a shared `reqwest::Client`, credentials.
pub struct Builder<T> {
    base_uri: Option<String>,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    retry_budget_percent: u32,
    max_response_bytes: usize,
    max_connections: usize,
    max_url_bytes: usize,
    http: Option<reqwest::Client>,
    vars: HashMap<String, String>,
    env: EnvSource,
    /// Whether `env` was given by the user: then it is asked for file-bound variables too.
    custom_env: bool,
    /// OAuth 2 client credentials given in code, instead of the spec's authentication.
    credentials: Option<super::auth::ClientCredentials>,
    /// Extra trusted roots for HTTPS upstreams and token endpoints.
    roots: Vec<reqwest::Certificate>,
    _client: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Builder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("base_uri", &self.base_uri)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl<T: Api> Default for Builder<T> {
    fn default() -> Self {
        Builder {
            base_uri: None,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            max_retries: 2,
            retry_budget_percent: 10,
            max_response_bytes: 16 * 1024 * 1024,
            max_connections: 64,
            max_url_bytes: 16 * 1024,
            http: None,
            vars: HashMap::new(),
            env: Arc::new(|name| std::env::var(name).ok()),
            custom_env: false,
            credentials: None,
            roots: Vec::new(),
            _client: PhantomData,
        }
    }
}

impl<T: Api> Builder<T> {
    /// Sends requests here instead of the spec's `baseUri` (e.g. a sandbox or a proxy).
    pub fn base_uri(mut self, uri: impl Into<String>) -> Self {
        self.base_uri = Some(uri.into());
        self
    }

    /// One deadline for a whole call, connection to last byte, every retry, backoff and
    /// `Retry-After` included (default 30 s): what a caller waits at most.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limit for opening a connection (default 5 s). Ignored with [`Builder::http_client`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Retries of a failed idempotent request (default 2). Non-idempotent calls are never retried.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// Retries at most this percentage of calls, on top of two in hand (default 10; 0 disables
    /// retries). Keeps a failing upstream from receiving several times its normal load.
    pub fn retry_budget_percent(mut self, percent: u32) -> Self {
        self.retry_budget_percent = percent;
        self
    }

    /// Upstream answers larger than this many bytes are refused with [`super::Error::TooLarge`]
    /// (default 16 MiB); nothing larger is held in memory.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Requests in flight to the upstream at most, hence connections on HTTP/1.1 (default 64);
    /// further calls wait for one within their deadline.
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// Request URLs longer than this many bytes are refused before anything is sent
    /// (default 16 KiB; upstream servers commonly refuse beyond 8 to 16 KiB).
    pub fn max_url_bytes(mut self, bytes: usize) -> Self {
        self.max_url_bytes = bytes;
        self
    }

    /// Sends through this reqwest client (sharing its connection pool and TLS settings with
    /// other clients) instead of the built-in transport: hyper's own HTTP/1.1 client for
    /// `http://` upstreams, a reqwest client for `https://` ones.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Gives a bound variable's value directly instead of reading the environment (or, for a
    /// bind with `location`, its file: name the variable, e.g. `REGISTRY_TOKEN`).
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Reads bound variables from this function instead of the process environment. It is
    /// also asked for variables of binds with `location` (by variable name), before their file.
    pub fn env_source(
        mut self,
        env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Arc::new(env);
        self.custom_env = true;
        self
    }

    /// Also trusts this certificate authority for HTTPS upstreams and token endpoints (a
    /// private CA), besides the platform's. Ignored with [`Builder::http_client`].
    pub fn root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.roots.push(certificate);
        self
    }

    /// Authenticates with OAuth 2 client credentials instead of what the spec says: a token
    /// is fetched from `credentials.token_url` when first needed, refreshed before it expires
    /// and once after a `401`; concurrent calls share one refresh.
    pub fn client_credentials(mut self, credentials: super::auth::ClientCredentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    fn value(&self, parts: &[Part]) -> Result<String, ConfigError> {
        let mut out = String::new();
        for p in parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Env(name) => match self.vars.get(*name).cloned().or_else(|| (self.env)(name))
                {
                    Some(v) if !v.is_empty() => out.push_str(&v),
                    _ => return Err(ConfigError::MissingVar((*name).to_string())),
                },
            }
        }
        Ok(out)
    }

    fn header_value(&self, parts: &[Part], prefix: &str) -> Result<HeaderValue, ConfigError> {
        let v = self.value(parts)?;
        let mut h = HeaderValue::from_str(&format!("{prefix}{v}")).map_err(|_| {
            ConfigError::InvalidVar {
                name: first_env(parts),
                reason: "it contains characters not allowed in an HTTP header",
            }
        })?;
        h.set_sensitive(true);
        Ok(h)
    }

    /// The client certificate and key of mutual TLS, from the PEM files the binds name. Their
    /// contents are never shown; a file that cannot be read or parsed is named.
    fn identity(
        &self,
        cert_path: &[Part],
        key_path: Option<&[Part]>,
    ) -> Result<reqwest::Identity, ConfigError> {
        let mut pem = self.read_certificate_file(cert_path)?;
        if let Some(key) = key_path {
            pem.push(b'\n');
            pem.extend(self.read_certificate_file(key)?);
        }
        reqwest::Identity::from_pem(&pem).map_err(|_| ConfigError::InvalidVar {
            name: first_env(key_path.unwrap_or(cert_path)),
            reason: "its file is not a PEM certificate chain with an unencrypted private key",
        })
    }

    /// The file a `certPath` or `keyPath` bind names.
    fn read_certificate_file(&self, parts: &[Part]) -> Result<Vec<u8>, ConfigError> {
        let path = self.value(parts)?;
        std::fs::read(&path).map_err(|e| ConfigError::InvalidVar {
            name: first_env(parts),
            reason: match e.kind() {
                std::io::ErrorKind::NotFound => "it names a certificate file that does not exist",
                std::io::ErrorKind::PermissionDenied => {
                    "it names a certificate file that cannot be read (permission denied)"
                }
                _ => "it names a certificate file that cannot be read",
            },
        })
    }

    /// The client certificate and key of mutual TLS from a password-protected file: PKCS#12,
    /// or PEM with an encrypted PKCS#8 key (and its certificates there or in `key_path`'s
    /// file). Decrypted here, once; the password and the decrypted key are in no error.
    fn protected_identity(
        &self,
        cert_path: &[Part],
        key_path: Option<&[Part]>,
        password: &[Part],
    ) -> Result<reqwest::Identity, ConfigError> {
        let cert = self.read_certificate_file(cert_path)?;
        let key = key_path
            .map(|k| self.read_certificate_file(k))
            .transpose()?
            .map(zeroize::Zeroizing::new);
        let password = zeroize::Zeroizing::new(self.value(password)?);
        let refused = |reason: &'static str| ConfigError::CertificateFile {
            path: self.value(cert_path).unwrap_or_default(),
            var: first_env(cert_path),
            reason,
        };
        let pem =
            super::auth::decrypt_certificate(&cert, key.as_deref().map(|k| &k[..]), &password)
                .map_err(|r| refused(r.reason()))?;
        reqwest::Identity::from_pem(&pem).map_err(|_| {
            refused("its decrypted key or certificates are not usable by rustls (RSA, ECDSA or Ed25519 keys in PKCS#8)")
        })
    }

    /// Reads credentials and builds the client. Fails if a bound variable is missing, or a
    /// bind file or one of its keys (see [`BindFile`](super::BindFile) for the precedence).
    pub fn build(mut self) -> Result<T, ConfigError> {
        super::bind_file::read_bind_files(
            T::BIND_FILES,
            &mut self.vars,
            self.custom_env.then_some(&*self.env),
        )?;
        let spec = T::SPEC;
        let base = match self.base_uri.clone() {
            Some(b) => b,
            None => self.value(spec.base_uri)?,
        };
        let base = base.trim_end_matches('/').to_string();
        // A path-placed API key fills its placeholder in the URL requests go to; `base` (what
        // logs and errors show) keeps the placeholder.
        let target = match spec.auth {
            AuthSpec::ApiKey {
                name,
                value,
                placement: KeyPlacement::Path,
            } => {
                let key = self.value(value)?;
                let key: String =
                    percent_encoding::utf8_percent_encode(&key, super::params::SEGMENT).collect();
                let placeholder = format!("{{{name}}}");
                if !base.contains(&placeholder) {
                    return Err(ConfigError::InvalidBaseUri {
                        uri: super::auth::without_userinfo(&base),
                        reason: format!("no `{placeholder}` placeholder for the API key"),
                    });
                }
                base.replace(&placeholder, &key)
            }
            _ => base.clone(),
        };
        let parsed = reqwest::Url::parse(&target).map_err(|e| ConfigError::InvalidBaseUri {
            uri: super::auth::without_userinfo(&base),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https")
            || parsed.query().is_some()
            || parsed.fragment().is_some()
        {
            return Err(ConfigError::InvalidBaseUri {
                uri: super::auth::without_userinfo(&base),
                reason: "expected an http(s) URL without query or fragment".into(),
            });
        }
        for (operation, css) in T::HTML_SELECTORS {
            crate::convert::check_selector(css)
                .map_err(|reason| ConfigError::InvalidSelector { operation, reason })?;
        }
        let body_env = T::BODY_ENV
            .iter()
            .map(|name| Ok((*name, self.value(&[Part::Env(name)])?)))
            .collect::<Result<Vec<_>, ConfigError>>()?;
        let mut headers = HeaderMap::new();
        let mut query = Vec::new();
        let mut body_key = None;
        let mut credentials = self.credentials.clone();
        let auth = if credentials.is_some() {
            AuthSpec::None
        } else {
            spec.auth
        };
        match auth {
            AuthSpec::None => {}
            AuthSpec::Bearer(token) => {
                headers.insert(
                    reqwest::header::AUTHORIZATION,
                    self.header_value(token, "Bearer ")?,
                );
            }
            AuthSpec::Basic { username, password } => {
                let pair = format!("{}:{}", self.value(username)?, self.value(password)?);
                let encoded = BASE64.encode(pair);
                let mut h = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
                    ConfigError::InvalidVar {
                        name: first_env(username),
                        reason: "not a valid credential",
                    }
                })?;
                h.set_sensitive(true);
                headers.insert(reqwest::header::AUTHORIZATION, h);
            }
            AuthSpec::ApiKey {
                name,
                value,
                placement,
            } => match placement {
                KeyPlacement::Header => {
                    headers.insert(header_name(name)?, self.header_value(value, "")?);
                }
                KeyPlacement::Query => query.push((name.to_string(), self.value(value)?)),
                KeyPlacement::Cookie => {
                    // RFC 6265 §4.1.1 cookie-octets: no quoting is defined, so other bytes
                    // cannot be sent faithfully.
                    let v = self.value(value)?;
                    if !v.bytes().all(|b| {
                        b == 0x21
                            || (0x23..=0x2b).contains(&b)
                            || (0x2d..=0x3a).contains(&b)
                            || (0x3c..=0x5b).contains(&b)
                            || (0x5d..=0x7e).contains(&b)
                    }) {
                        return Err(ConfigError::InvalidVar {
                            name: first_env(value),
                            reason: "a cookie value cannot contain spaces, quotes, commas, semicolons, backslashes or control characters",
                        });
                    }
                    let mut h = HeaderValue::from_str(&format!("{name}={v}")).map_err(|_| {
                        ConfigError::InvalidVar {
                            name: first_env(value),
                            reason: "not a valid cookie",
                        }
                    })?;
                    h.set_sensitive(true);
                    headers.insert(reqwest::header::COOKIE, h);
                }
                // Filled into the base URI above.
                KeyPlacement::Path => {}
                KeyPlacement::Body => body_key = Some((name, self.value(value)?)),
            },
            AuthSpec::OAuth2 {
                token_url,
                client_id,
                client_secret,
                scopes,
                resource,
            } => {
                credentials = Some(super::auth::ClientCredentials {
                    token_url: self.value(token_url)?,
                    client_id: self.value(client_id)?,
                    client_secret: self.value(client_secret)?,
                    scopes: scopes.iter().map(|s| (*s).to_string()).collect(),
                    resource: resource.map(|r| self.value(r)).transpose()?,
                    renew_on_forbidden: false,
                });
            }
            // Made per attempt, or a TLS identity: below.
            AuthSpec::Digest { .. }
            | AuthSpec::Hmac { .. }
            | AuthSpec::OAuth1 { .. }
            | AuthSpec::AwsSigV4 { .. }
            | AuthSpec::Certificate { .. } => {}
        }
        for f in spec.fixed {
            if f.in_query {
                query.push((f.name.to_string(), self.value(f.value)?));
            } else {
                let mut h = self.header_value(f.value, "")?;
                h.set_sensitive(f.value.iter().any(|p| matches!(p, Part::Env(_))));
                headers.insert(header_name(f.name)?, h);
            }
        }
        headers.insert(
            reqwest::header::USER_AGENT,
            HeaderValue::from_static(USER_AGENT),
        );
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        let mut identity = None;
        let signed = match auth {
            AuthSpec::Digest { username, password } => Some(super::auth::Scheme::Digest(
                super::auth::Digest::new(self.value(username)?, self.value(password)?),
            )),
            AuthSpec::OAuth1 {
                consumer_key,
                consumer_secret,
                token,
                token_secret,
            } => Some(super::auth::Scheme::OAuth1(super::auth::OAuth1 {
                consumer_key: self.value(consumer_key)?,
                consumer_secret: self.value(consumer_secret)?,
                token: token.map(|t| self.value(t)).transpose()?,
                token_secret: token_secret.map(|t| self.value(t)).transpose()?,
            })),
            AuthSpec::Hmac { api_id, api_key } => {
                let key = super::auth::unhex(&self.value(api_key)?).ok_or_else(|| {
                    ConfigError::InvalidVar {
                        name: first_env(api_key),
                        reason: "a Veracode API key is hexadecimal",
                    }
                })?;
                Some(super::auth::Scheme::Hmac(super::auth::VeracodeHmac {
                    api_id: self.value(api_id)?,
                    api_key: key,
                }))
            }
            AuthSpec::AwsSigV4 {
                access_key_id,
                secret_key,
                region,
                service,
                session_token,
            } => Some(super::auth::Scheme::SigV4(super::auth::SigV4 {
                access_key_id: self.value(access_key_id)?,
                secret_key: self.value(secret_key)?,
                region: self.value(region)?,
                service: self.value(service)?,
                session_token: session_token.map(|t| self.value(t)).transpose()?,
            })),
            AuthSpec::Certificate {
                cert_path,
                key_path,
                cert_password,
            } => {
                identity = Some(match cert_password {
                    None => self.identity(cert_path, key_path)?,
                    Some(password) => self.protected_identity(cert_path, key_path, password)?,
                });
                None
            }
            _ => None,
        };
        let scheme = match credentials {
            None => signed,
            Some(c) => {
                let url = reqwest::Url::parse(&c.token_url).map_err(|e| {
                    ConfigError::InvalidTokenUrl {
                        uri: super::auth::without_userinfo(&c.token_url),
                        reason: e.to_string(),
                    }
                })?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(ConfigError::InvalidTokenUrl {
                        uri: super::auth::without_userinfo(&c.token_url),
                        reason: "expected an http(s) URL".into(),
                    });
                }
                let http = match &self.http {
                    Some(h) => h.clone(),
                    None => reqwest::Client::builder()
                        .connect_timeout(self.connect_timeout)
                        .redirect(reqwest::redirect::Policy::none())
                        .tls_certs_merge(self.roots.iter().cloned())
                        .build()
                        .map_err(ConfigError::Http)?,
                };
                Some(super::auth::Scheme::OAuth2(super::auth::TokenSource::new(
                    c, http,
                )))
            }
        };
        let transport = match self.http {
            Some(h) => Transport::Reqwest(h),
            // A client certificate is presented by reqwest's TLS (rustls).
            None if identity.is_some() => {
                let mut b = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .tcp_nodelay(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .pool_idle_timeout(Duration::from_secs(30))
                    .pool_max_idle_per_host(self.max_connections)
                    .tls_certs_merge(self.roots.iter().cloned());
                if let Some(identity) = identity {
                    b = b.identity(identity);
                }
                Transport::Reqwest(b.build().map_err(ConfigError::Http)?)
            }
            // Credentials in the URL are reqwest's to turn into `Authorization`.
            None if parsed.scheme() == "http"
                && parsed.username().is_empty()
                && parsed.password().is_none() =>
            {
                Transport::Hyper(hyper_client(self.connect_timeout, self.max_connections))
            }
            None => Transport::Reqwest(
                reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout)
                    .tcp_nodelay(true)
                    // A gateway answers with what the upstream said; it does not chase redirects.
                    .redirect(reqwest::redirect::Policy::none())
                    .pool_idle_timeout(Duration::from_secs(30))
                    .pool_max_idle_per_host(self.max_connections)
                    .tls_certs_merge(self.roots.iter().cloned())
                    .build()
                    .map_err(ConfigError::Http)?,
            ),
        };
        let prefix = parsed.as_str().trim_end_matches('/').to_string();
        let fixed_query = query
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        Ok(T::from_http(HttpClient {
            inner: Arc::new(Inner {
                transport,
                // Shown in Debug and logs: never the credentials of `user:password@`.
                base: super::auth::without_userinfo(&base),
                origin: super::request::origin(&prefix),
                prefix,
                headers,
                fixed_query,
                timeout: self.timeout,
                max_retries: self.max_retries,
                budget: super::retry::Budget::new(self.retry_budget_percent),
                max_response_bytes: self.max_response_bytes,
                connections: tokio::sync::Semaphore::new(self.max_connections),
                max_url_bytes: self.max_url_bytes,
                namespace: spec.namespace,
                body_env,
                body_key,
                scheme,
            }),
        }))
    }
}

/// hyper's client for plain-HTTP upstreams, configured as the reqwest client was: TCP_NODELAY,
/// connect timeout, idle connections kept 30 s, as many idle per host as calls in flight.
fn hyper_client(
    connect_timeout: Duration,
    max_idle: usize,
) -> hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    http_body_util::Full<bytes::Bytes>,
> {
    let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(connect_timeout));
    hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(max_idle)
        .timer(hyper_util::rt::TokioTimer::new())
        .pool_timer(hyper_util::rt::TokioTimer::new())
        .build(connector)
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

fn header_name(name: &str) -> Result<HeaderName, ConfigError> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| ConfigError::InvalidVar {
        name: name.to_string(),
        reason: "not a valid header name",
    })
}
