//! Issue 12, inbound: how `authentication` on an exposed adapter is read (the schema's
//! `Authentication`: bearer, apikey, basic, digest, oauth2), and which mistakes are errors.

use naftiko_codegen::check_str_warnings;
use naftiko_codegen::diag::{Diagnostic, Severity};
use naftiko_codegen::ir::{Capability, InboundAuth, Part, Template};

mod common;
use common::{errors, line_of};

/// A spec with one consumed API, binds `TOKEN`, `USER`, `PASSWORD`, and one adapter of `kind`
/// (`rest`, `mcp` or `stdio`) with the given `authentication` block (indented 4 spaces).
fn spec(kind: &str, auth: &str) -> String {
    let adapter = match kind {
        "rest" => "  - type: rest
    namespace: gw-rest
    port: 8080
    resources:
    - path: /items
      description: Items.
      operations:
      - method: GET
        name: list
        description: Lists.
        call: api.list"
            .to_string(),
        _ => format!(
            "  - type: mcp
    namespace: gw-mcp
{}    tools:
    - name: list
      description: Lists.
      call: api.list",
            if kind == "stdio" {
                "    transport: stdio\n"
            } else {
                "    port: 9090\n"
            }
        ),
    };
    format!(
        "naftiko: 1.0.0-alpha2
info:
  label: Test
  description: A test capability.
  tags: [test]
binds:
- namespace: env
  keys:
    TOKEN: GW_TOKEN
    USER: GW_USER
    PASSWORD: GW_PASSWORD
capability:
  consumes:
  - type: http
    namespace: api
    description: The upstream.
    baseUri: https://api.test
    resources:
    - name: items
      path: /items
      description: Items.
      operations:
      - name: list
        method: GET
        description: Lists.
  exposes:
{adapter}
    authentication:
{auth}
"
    )
}

fn ok(src: &str) -> (Capability, Vec<Diagnostic>) {
    match check_str_warnings(src) {
        Ok(c) => c,
        Err(d) => panic!(
            "expected the spec to be accepted, got:\n{}",
            d.iter()
                .map(|d| d.render("t.yaml", src))
                .collect::<Vec<_>>()
                .join("\n\n")
        ),
    }
}

fn env(v: &str) -> Template {
    Template(vec![Part::Env(v.into())])
}

#[test]
fn each_scheme_is_read_on_rest_and_mcp_with_its_secrets_from_binds() {
    let cases = [
        (
            "      type: bearer\n      token: '{{TOKEN}}'",
            InboundAuth::Bearer(env("GW_TOKEN")),
        ),
        (
            "      type: apikey\n      key: X-Api-Key\n      value: '{{env.TOKEN}}'",
            InboundAuth::ApiKey {
                name: "X-Api-Key".into(),
                value: env("GW_TOKEN"),
                in_query: false,
            },
        ),
        (
            "      type: apikey\n      key: api_key\n      value: '{{TOKEN}}'\n      placement: query",
            InboundAuth::ApiKey {
                name: "api_key".into(),
                value: env("GW_TOKEN"),
                in_query: true,
            },
        ),
        (
            "      type: basic\n      username: '{{USER}}'\n      password: '{{PASSWORD}}'",
            InboundAuth::Basic {
                username: env("GW_USER"),
                password: env("GW_PASSWORD"),
            },
        ),
        (
            "      type: digest\n      username: admin\n      password: '{{PASSWORD}}'",
            InboundAuth::Digest {
                username: Template(vec![Part::Lit("admin".into())]),
                password: env("GW_PASSWORD"),
            },
        ),
        (
            "      type: oauth2\n      authorizationServerUri: https://as.test\n      resource: https://gw.test/mcp\n      audience: gw\n      scopes: [read, write]\n      tokenValidation: jwks\n      tokenEndpoint: https://as.test/token",
            InboundAuth::OAuth2 {
                authorization_server: "https://as.test".into(),
                resource: "https://gw.test/mcp".into(),
                audience: Some("gw".into()),
                scopes: vec!["read".into(), "write".into()],
                token_url: "https://as.test/token".into(),
                introspection: None,
            },
        ),
        (
            "      type: oauth2\n      authorizationServerUri: https://as.test\n      resource: https://gw.test\n      scopes: [read]\n      tokenValidation: introspection\n      clientId: gw\n      clientSecret: '{{PASSWORD}}'",
            InboundAuth::OAuth2 {
                authorization_server: "https://as.test".into(),
                resource: "https://gw.test".into(),
                audience: None,
                scopes: vec!["read".into()],
                token_url: "https://as.test".into(),
                introspection: Some((Template(vec![Part::Lit("gw".into())]), env("GW_PASSWORD"))),
            },
        ),
    ];
    for (auth, expected) in cases {
        let (cap, warnings) = ok(&spec("rest", auth));
        assert_eq!(cap.rest[0].auth.as_ref(), Some(&expected), "{auth}");
        assert!(warnings.is_empty(), "{auth}: {warnings:?}");
        let (cap, _) = ok(&spec("mcp", auth));
        assert_eq!(cap.mcp[0].auth.as_ref(), Some(&expected), "{auth}");
    }
    // Without `authentication`, nothing is required.
    let plain = spec("rest", "      type: bearer\n      token: '{{TOKEN}}'").replace(
        "    authentication:\n      type: bearer\n      token: '{{TOKEN}}'\n",
        "",
    );
    assert_eq!(ok(&plain).0.rest[0].auth, None);
}

#[test]
fn a_template_naming_no_bind_is_a_located_error() {
    let src = spec(
        "rest",
        "      type: bearer\n      token: '{{MCP_SERVER_TOKEN}}'",
    );
    let d = errors(&src);
    let e = d
        .iter()
        .find(|d| d.message.contains("names no bind"))
        .expect("unresolved template");
    assert_eq!(e.span.start.line, line_of(&src, "MCP_SERVER_TOKEN"));
}

#[test]
fn a_secret_written_in_the_spec_works_with_a_warning() {
    let src = spec("mcp", "      type: bearer\n      token: hunter2");
    let (cap, warnings) = ok(&src);
    assert_eq!(
        cap.mcp[0].auth,
        Some(InboundAuth::Bearer(Template(vec![Part::Lit(
            "hunter2".into()
        )])))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.message.contains("written in the spec")),
        "{warnings:?}"
    );
}

#[test]
fn stdio_authentication_is_a_warning_and_not_applied() {
    let src = spec("stdio", "      type: bearer\n      token: '{{TOKEN}}'");
    let (cap, warnings) = ok(&src);
    assert_eq!(cap.mcp[0].auth, None);
    let w = warnings
        .iter()
        .find(|w| w.message.contains("naftiko-mcp-auth-stdio-conflict"))
        .expect("the rule's warning");
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.span.start.line, line_of(&src, "authentication:") + 1);
}

#[test]
fn oauth2_rules_and_shapes() {
    // naftiko-oauth2-https-authserver is an error.
    let src = spec(
        "rest",
        "      type: oauth2\n      authorizationServerUri: http://as.test\n      resource: https://gw.test\n      scopes: [read]",
    );
    let d = errors(&src);
    let e = d
        .iter()
        .find(|d| d.message.contains("naftiko-oauth2-https-authserver"))
        .expect("https rule");
    assert_eq!(e.span.start.line, line_of(&src, "http://as.test"));
    // naftiko-oauth2-resource-https and naftiko-oauth2-scopes-defined are warnings.
    let (_, warnings) = ok(&spec(
        "rest",
        "      type: oauth2\n      authorizationServerUri: https://as.test\n      resource: http://localhost:8080",
    ));
    for rule in [
        "naftiko-oauth2-resource-https",
        "naftiko-oauth2-scopes-defined",
    ] {
        assert!(
            warnings.iter().any(|w| w.message.contains(rule)),
            "{rule}: {warnings:?}"
        );
    }
    // Required keys, introspection, unknown validation, a relative resource.
    let d = errors(&spec(
        "rest",
        "      type: oauth2\n      authorizationServerUri: https://as.test",
    ));
    assert!(
        d.iter()
            .any(|d| d.message.contains("missing required key `resource`")),
        "{d:?}"
    );
    // Introspection needs the resource server's credentials; they are for introspection only.
    let src = spec(
        "mcp",
        "      type: oauth2\n      authorizationServerUri: https://as.test\n      resource: https://gw.test\n      scopes: [read]\n      tokenValidation: introspection",
    );
    let d = errors(&src);
    let e = d
        .iter()
        .find(|d| d.message.contains("needs the resource server's `clientId`"))
        .expect("introspection credentials");
    assert_eq!(e.span.start.line, line_of(&src, "tokenValidation"));
    let src = spec(
        "mcp",
        "      type: oauth2\n      authorizationServerUri: https://as.test\n      resource: https://gw.test\n      scopes: [read]\n      clientId: gw",
    );
    let d = errors(&src);
    assert!(
        d.iter().any(|d| d
            .message
            .contains("only used with `tokenValidation: introspection`")),
        "{d:?}"
    );
    let d = errors(&spec(
        "mcp",
        "      type: oauth2\n      authorizationServerUri: https://as.test\n      resource: /mcp\n      scopes: [read]",
    ));
    assert!(
        d.iter()
            .any(|d| d.message.contains("`resource` must be an absolute")),
        "{d:?}"
    );
}

#[test]
fn unknown_types_keys_and_placements_are_errors() {
    for (auth, needle) in [
        ("      type: oauth1", "unknown authentication type `oauth1`"),
        (
            "      type: bearer\n      token: '{{TOKEN}}'\n      realm: x",
            "realm",
        ),
        (
            "      type: apikey\n      key: X-Key\n      value: '{{TOKEN}}'\n      placement: cookie",
            "unknown API key placement `cookie`",
        ),
        (
            "      type: apikey\n      key: 'X Key'\n      value: '{{TOKEN}}'",
            "not a valid header or query parameter name",
        ),
        (
            "      type: basic\n      username: u",
            "missing required key `password`",
        ),
    ] {
        let d = errors(&spec("rest", auth));
        assert!(
            d.iter().any(|d| d.message.contains(needle)),
            "{auth}: {d:?}"
        );
    }
}
