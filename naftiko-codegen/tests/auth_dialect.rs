//! How a consumed API's `authentication` is read (issue 12, outbound): every scheme of the
//! corpus, and the located errors for a spec that cannot be given a meaning.

use naftiko_codegen::ir::{Auth, KeyPlacement};

mod common;
use common::{errors, line_of, ok};

/// A spec with one consumed API `api` (the given base URI and authentication block, indented
/// under `authentication:`) and the given resources.
fn spec(base: &str, auth: &str, resources: &str) -> String {
    format!(
        "naftiko: 1.0.0-alpha2
info:
  label: Test
  description: A test capability.
binds:
- namespace: env
  keys:
    KEY: API_KEY
    SECRET: API_SECRET
capability:
  consumes:
  - type: http
    namespace: api
    description: The API.
    baseUri: {base}
    authentication:
{auth}
    resources:
{resources}
"
    )
}

const POST: &str = "    - name: items
      path: /items
      operations:
      - name: create
        method: POST
        inputParameters:
        - name: name
          in: body
          type: string
          required: true";

const GET: &str = "    - name: items
      path: /items
      operations:
      - name: list
        method: GET";

const TEXT: &str = "    - name: items
      path: /items
      operations:
      - name: send
        method: POST
        body:
          type: text
          data: hello";

fn apikey(placement: &str) -> String {
    format!(
        "      type: apikey\n      key: api_key\n      value: '{{{{env.KEY}}}}'\n      placement: {placement}"
    )
}

#[test]
fn api_keys_are_placed_in_a_cookie_the_path_or_the_body() {
    for (placement, expected) in [
        ("header", KeyPlacement::Header),
        ("query", KeyPlacement::Query),
        ("cookie", KeyPlacement::Cookie),
        ("body", KeyPlacement::Body),
    ] {
        let c = ok(&spec("https://api.example.com", &apikey(placement), POST));
        assert!(
            matches!(&c.apis[0].auth, Auth::ApiKey { name, placement, value }
                if name == "api_key" && *placement == expected && value.env_vars().eq(["API_KEY"])),
            "{placement}: {:?}",
            c.apis[0].auth
        );
    }
    let c = ok(&spec(
        "https://api.telegram.org/bot{api_key}",
        &apikey("path"),
        POST,
    ));
    assert!(matches!(
        &c.apis[0].auth,
        Auth::ApiKey {
            placement: KeyPlacement::Path,
            ..
        }
    ));
}

#[test]
fn a_path_key_needs_its_placeholder_in_the_base_uri() {
    let src = spec("https://api.telegram.org/bot", &apikey("path"), POST);
    let d = errors(&src);
    assert!(
        d[0].message
            .contains("`baseUri` has no `{api_key}` placeholder"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].span.start.line, line_of(&src, "authentication:") + 1);
}

#[test]
fn a_body_key_needs_a_body_with_fields() {
    let src = spec("https://api.example.com", &apikey("body"), GET);
    let d = errors(&src);
    assert!(
        d[0].message
            .contains("operation `list` is a GET request, which has no body"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].span.start.line, line_of(&src, "placement: body"));
    let d = errors(&spec("https://api.example.com", &apikey("body"), TEXT));
    assert!(
        d[0].message.contains("operation `send` sends a text body"),
        "{}",
        d[0].message
    );
}

#[test]
fn an_unknown_placement_or_a_bad_cookie_name_is_a_located_error() {
    let src = spec("https://api.example.com", &apikey("fragment"), POST);
    let d = errors(&src);
    assert!(
        d[0].message
            .contains("unknown API key placement `fragment`")
    );
    assert_eq!(
        (d[0].span.start.line, d[0].span.start.col),
        (line_of(&src, "placement: fragment"), 18)
    );
    let src = spec(
        "https://api.example.com",
        &apikey("cookie").replace("key: api_key", "key: 'a b'"),
        POST,
    );
    let d = errors(&src);
    assert!(d[0].message.contains("`a b` is not a valid cookie name"));
}

const OAUTH2: &str = "      type: oauth2
      tokenEndpoint: https://auth.example.com/oauth/token
      clientId: '{{env.KEY}}'
      clientSecret: '{{env.SECRET}}'
      scopes: [read, write]";

#[test]
fn oauth2_client_credentials_read_the_token_endpoint_client_and_scopes() {
    let c = ok(&spec("https://api.example.com", OAUTH2, POST));
    let Auth::OAuth2 {
        token_url,
        client_id,
        client_secret,
        scopes,
        resource,
    } = &c.apis[0].auth
    else {
        panic!("{:?}", c.apis[0].auth)
    };
    assert_eq!(token_url.env_vars().count(), 0);
    assert!(client_id.env_vars().eq(["API_KEY"]));
    assert!(client_secret.env_vars().eq(["API_SECRET"]));
    assert_eq!(scopes, &["read", "write"]);
    assert!(resource.is_none());
    // `tokenUrl` is the other spelling; a space-separated `scope` string is a list.
    let other = OAUTH2
        .replace("tokenEndpoint", "tokenUrl")
        .replace("scopes: [read, write]", "scope: 'read write'");
    let c = ok(&spec("https://api.example.com", &other, POST));
    assert!(matches!(&c.apis[0].auth, Auth::OAuth2 { scopes, .. } if scopes == &["read", "write"]));
}

#[test]
fn oauth2_mistakes_are_located_errors() {
    // No token endpoint.
    let src = spec(
        "https://api.example.com",
        &OAUTH2.replace(
            "      tokenEndpoint: https://auth.example.com/oauth/token\n",
            "",
        ),
        POST,
    );
    let d = errors(&src);
    assert!(
        d[0].message
            .contains("missing required key `tokenEndpoint`"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].span.start.line, line_of(&src, "type: oauth2"));
    // A secret written in the spec would be compiled into the program.
    let src = spec(
        "https://api.example.com",
        &OAUTH2.replace("'{{env.SECRET}}'", "hunter2"),
        POST,
    );
    let d = errors(&src);
    assert!(
        d[0].message
            .contains("`clientSecret` is written in the spec"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].span.start.line, line_of(&src, "hunter2"));
    // Resource-server keys belong to an adapter.
    let src = spec(
        "https://api.example.com",
        &format!("{OAUTH2}\n      audience: me"),
        POST,
    );
    let d = errors(&src);
    assert!(
        d[0].message
            .contains("`audience` applies to an adapter's inbound `oauth2`")
    );
    assert_eq!(d[0].span.start.line, line_of(&src, "audience: me"));
    // Another grant type is not supported.
    let src = spec(
        "https://api.example.com",
        &format!("{OAUTH2}\n      grantType: password"),
        POST,
    );
    assert!(errors(&src)[0].message.contains("grant type `password`"));
}

#[test]
fn signing_schemes_read_as_the_corpus_declares_them() {
    let digest =
        "      type: digest\n      username: '{{env.KEY}}'\n      password: '{{env.SECRET}}'";
    assert!(matches!(
        ok(&spec("https://api.example.com", digest, POST)).apis[0].auth,
        Auth::Digest { .. }
    ));
    // veracode-security-administration.yaml
    let hmac = "      type: hmac\n      apiId: '{{KEY}}'\n      apiKey: '{{SECRET}}'";
    assert!(matches!(
        &ok(&spec("https://api.example.com", hmac, POST)).apis[0].auth,
        Auth::Hmac { api_id, api_key } if api_id.env_vars().eq(["API_KEY"]) && api_key.env_vars().eq(["API_SECRET"])
    ));
    // mastercard-community-pass-and-inclusion.yaml: `signingKey` is the consumer secret.
    let oauth1 = "      type: oauth1\n      consumerKey: '{{KEY}}'\n      signingKey: '{{SECRET}}'";
    assert!(matches!(
        &ok(&spec("https://api.example.com", oauth1, POST)).apis[0].auth,
        Auth::OAuth1 { consumer_secret, token: None, .. } if consumer_secret.env_vars().eq(["API_SECRET"])
    ));
    // naftiko-aws-api-gateway-openapi-crawl-capability.yaml
    let sigv4 = "      {type: aws-sig-v4, accessKeyId: '{{KEY}}', secretKey: '{{SECRET}}', region: us-east-1, service: apigateway}";
    let src = spec("https://api.example.com", "", POST).replace(
        "    authentication:\n\n",
        &format!("    authentication: {}\n", sigv4.trim()),
    );
    assert!(matches!(
        &ok(&src).apis[0].auth,
        Auth::AwsSigV4 { service, session_token: None, .. } if service.env_vars().count() == 0
    ));
    let cert = "      type: certificate\n      certPath: '{{KEY}}'\n      keyPath: '{{SECRET}}'";
    assert!(matches!(
        &ok(&spec("https://api.example.com", cert, POST)).apis[0].auth,
        Auth::Certificate {
            key_path: Some(_),
            ..
        }
    ));
}

#[test]
fn signing_scheme_mistakes_are_located_errors() {
    // A missing key names the key, at the block.
    let src = spec(
        "https://api.example.com",
        "      type: hmac\n      apiId: '{{KEY}}'",
        POST,
    );
    let d = errors(&src);
    assert!(
        d[0].message.contains("missing required key `apiKey`"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].span.start.line, line_of(&src, "type: hmac"));
    // An unknown algorithm or signature method, at its value.
    let src = spec(
        "https://api.example.com",
        "      type: hmac\n      apiId: '{{KEY}}'\n      apiKey: '{{SECRET}}'\n      algorithm: HMAC-MD5",
        POST,
    );
    let d = errors(&src);
    assert!(d[0].message.contains("unknown HMAC algorithm `HMAC-MD5`"));
    assert_eq!(d[0].span.start.line, line_of(&src, "algorithm: HMAC-MD5"));
    let src = spec(
        "https://api.example.com",
        "      type: oauth1\n      consumerKey: '{{KEY}}'\n      consumerSecret: '{{SECRET}}'\n      signatureMethod: RSA-SHA256",
        POST,
    );
    assert!(
        errors(&src)[0]
            .message
            .contains("unknown OAuth 1.0a signature method `RSA-SHA256`")
    );
    // A secret written in the spec.
    let src = spec(
        "https://api.example.com",
        "      type: digest\n      username: u\n      password: hunter2",
        POST,
    );
    let d = errors(&src);
    assert!(
        d[0].message.contains("`password` is written in the spec"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].span.start.line, line_of(&src, "hunter2"));
    // A certificate's password written in the spec.
    let src = spec(
        "https://api.example.com",
        "      type: certificate\n      certPath: '{{KEY}}'\n      certPassword: hunter2",
        POST,
    );
    let d = errors(&src);
    assert!(
        d[0].message
            .contains("`certPassword` is written in the spec"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].span.start.line, line_of(&src, "hunter2"));
}

/// `certificate` with `certPassword` (a PKCS#12 file or an encrypted PKCS#8 PEM key): the
/// password is a bind, read when the client is built like every secret.
#[test]
fn a_password_protected_certificate_is_accepted() {
    let src = spec(
        "https://api.example.com",
        "      type: certificate\n      certPath: '{{KEY}}'\n      certPassword: '{{SECRET}}'",
        POST,
    );
    assert!(matches!(
        &ok(&src).apis[0].auth,
        Auth::Certificate { cert_path, key_path: None, cert_password: Some(p) }
            if cert_path.env_vars().eq(["API_KEY"]) && p.env_vars().eq(["API_SECRET"])
    ));
    // With a separate PEM key file too.
    let src = spec(
        "https://api.example.com",
        "      type: certificate\n      certPath: '{{KEY}}'\n      keyPath: '{{KEY}}'\n      certPassword: '{{SECRET}}'",
        POST,
    );
    assert!(matches!(
        &ok(&src).apis[0].auth,
        Auth::Certificate {
            key_path: Some(_),
            cert_password: Some(_),
            ..
        }
    ));
    // A password from no bind is located.
    let src = spec(
        "https://api.example.com",
        "      type: certificate\n      certPath: '{{KEY}}'\n      certPassword: '{{NOPE}}'",
        POST,
    );
    let d = errors(&src);
    assert_eq!(
        d[0].span.start.line,
        line_of(&src, "NOPE"),
        "{}",
        d[0].message
    );
}
