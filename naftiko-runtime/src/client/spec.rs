//! What the spec says about a consumed API, as generated code declares it: base URI,
//! credentials, fixed headers and query parameters.

/// One piece of a value fixed by the spec: literal text or an environment variable.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    Lit(&'static str),
    Env(&'static str),
}

/// How a consumed API authenticates, as the spec says.
#[derive(Debug, Clone, Copy)]
pub enum AuthSpec {
    None,
    Bearer(&'static [Part]),
    Basic {
        username: &'static [Part],
        password: &'static [Part],
    },
    ApiKey {
        name: &'static str,
        value: &'static [Part],
        placement: KeyPlacement,
    },
    /// OAuth 2 client credentials: tokens from `token_url` for this client id and secret.
    OAuth2 {
        token_url: &'static [Part],
        client_id: &'static [Part],
        client_secret: &'static [Part],
        scopes: &'static [&'static str],
        resource: Option<&'static [Part]>,
    },
    /// RFC 7616 digest: the first request of a nonce is challenged, later ones count `nc`.
    Digest {
        username: &'static [Part],
        password: &'static [Part],
    },
    /// Veracode's `VERACODE-HMAC-SHA-256` signature; the key is hex.
    Hmac {
        api_id: &'static [Part],
        api_key: &'static [Part],
    },
    /// RFC 5849 OAuth 1.0a, HMAC-SHA1 signature in the `Authorization` header.
    OAuth1 {
        consumer_key: &'static [Part],
        consumer_secret: &'static [Part],
        token: Option<&'static [Part]>,
        token_secret: Option<&'static [Part]>,
    },
    /// AWS Signature Version 4 in the `Authorization` header.
    AwsSigV4 {
        access_key_id: &'static [Part],
        secret_key: &'static [Part],
        region: &'static [Part],
        service: &'static [Part],
        session_token: Option<&'static [Part]>,
    },
    /// Mutual TLS: the client certificate chain (PEM) and its private key (PEM, in the same
    /// file unless `key_path` names another). With `cert_password`, `cert_path` names a
    /// PKCS#12 file (`.p12`/`.pfx`), or PEM whose private key is encrypted (PKCS#8,
    /// `BEGIN ENCRYPTED PRIVATE KEY`), decrypted with that password when the client is built.
    Certificate {
        cert_path: &'static [Part],
        key_path: Option<&'static [Part]>,
        cert_password: Option<&'static [Part]>,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlacement {
    /// A header named `name`.
    Header,
    /// A query parameter named `name`, on every request.
    Query,
    /// A cookie named `name` in the `Cookie` header.
    Cookie,
    /// The base URI's `{name}` placeholder (`https://api.telegram.org/bot{token}`), as one
    /// percent-encoded path segment. The base URI shown in logs keeps the placeholder.
    Path,
    /// A field named `name` of the JSON object or form body; a form body of its own when the
    /// request has none.
    Body,
}

/// A header or query parameter sent with every request.
#[derive(Debug, Clone, Copy)]
pub struct FixedSpec {
    pub name: &'static str,
    pub in_query: bool,
    pub value: &'static [Part],
}

/// What the generated code knows about one consumed API.
#[derive(Debug)]
pub struct ApiSpec {
    pub namespace: &'static str,
    /// The spec's `baseUri`, which may read environment variables.
    pub base_uri: &'static [Part],
    pub auth: AuthSpec,
    pub fixed: &'static [FixedSpec],
}

impl ApiSpec {
    /// The spec's base URI for display, with `$VAR` where it reads the environment.
    pub fn base_uri_text(&self) -> String {
        self.base_uri
            .iter()
            .map(|p| match p {
                Part::Lit(s) => (*s).to_string(),
                Part::Env(v) => format!("${v}"),
            })
            .collect()
    }
}

/// Implemented by each generated client type.
pub trait Api: Sized {
    const SPEC: &'static ApiSpec;
    /// Environment variables that request bodies read (`{{VAR}}` in a `body:` template): read
    /// once when the client is built, like credentials.
    const BODY_ENV: &'static [&'static str] = &[];
    /// The CSS selectors (`outputSchema`) of `html` operations, by operation: checked when the
    /// client is built, so that a bad one is a start-up error rather than a failure per answer.
    const HTML_SELECTORS: &'static [(&'static str, &'static str)] = &[];
    /// The variables read from bind files (`binds[].location`): their paths and keys, read
    /// when the client is built (see [`BindFile`](super::BindFile)).
    const BIND_FILES: &'static [super::BindFile] = &[];
    fn from_http(http: super::HttpClient) -> Self;
}
