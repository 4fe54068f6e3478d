//! `forward` on an exposed REST resource: what is accepted (the paths served, the remainder,
//! the trusted headers) and which mistakes are located errors.

mod common;
use common::{errors, line_of, ok};

/// A spec whose REST adapter has the resources in `resources` (indented 4 spaces), in front of
/// the consumed API `notion`.
fn spec(resources: &str) -> String {
    format!(
        "naftiko: 1.0.0-alpha2
info:
  label: Forward
  description: Forward.
  tags: [test]
capability:
  consumes:
  - type: http
    namespace: notion
    description: Notion.
    baseUri: http://upstream.test/v1
    resources:
    - name: users
      path: /users
      description: Users.
      operations:
      - name: list-users
        method: GET
        description: Lists.
  exposes:
  - type: rest
    namespace: gw
    port: 8080
    resources:
{resources}
"
    )
}

#[test]
fn a_trailing_path_variable_takes_the_remainder() {
    let cap = ok(&spec(
        "    - path: /notion/{{path}}
      description: Proxy.
      forward:
        targetNamespace: notion
        trustedHeaders: [Notion-Version, X-Correlation-Id]",
    ));
    let f = &cap.rest[0].forwards[0];
    assert_eq!(f.paths, ["/notion", "/notion/", "/notion/{*path}"]);
    assert_eq!(f.skip, 1);
    assert_eq!(f.trusted, ["notion-version", "x-correlation-id"]);
    assert_eq!(cap.apis[f.api].namespace, "notion");
    assert!(cap.rest[0].routes.is_empty());
}

#[test]
fn a_path_without_the_variable_is_forwarded_to_the_base_uri() {
    let cap = ok(&spec(
        "    - path: /status
      forward:
        targetNamespace: notion
    - path: /{{path}}
      forward:
        targetNamespace: notion",
    ));
    let f = &cap.rest[0].forwards;
    assert_eq!(f[0].paths, ["/status"]);
    assert_eq!(f[0].skip, 1);
    assert!(f[0].trusted.is_empty());
    assert_eq!(f[1].paths, ["/", "/{*path}"]);
    assert_eq!(f[1].skip, 0);
}

#[test]
fn an_unknown_target_is_located_with_a_suggestion() {
    let src = spec(
        "    - path: /p/{{path}}
      forward:
        targetNamespace: notoin",
    );
    let e = errors(&src);
    let e = e
        .iter()
        .find(|d| d.message.contains("no `consumes` entry declares"))
        .expect("unknown target");
    assert_eq!(e.span.start.line, line_of(&src, "notoin"));
    assert!(
        e.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `notion`")
    );
}

#[test]
fn a_missing_target_is_an_error() {
    let src = spec(
        "    - path: /p/{{path}}
      forward:
        trustedHeaders: [X-A]",
    );
    assert!(
        errors(&src)
            .iter()
            .any(|d| d.message.contains("targetNamespace"))
    );
}

#[test]
fn forward_next_to_operations_is_refused_naming_why() {
    let src = spec(
        "    - path: /p/{{path}}
      forward:
        targetNamespace: notion
      operations:
      - method: GET
        name: get
        description: Gets.
        call: notion.list-users",
    );
    let e = errors(&src);
    let e = e
        .iter()
        .find(|d| d.message.contains("next to `forward`"))
        .expect("forward with operations");
    assert_eq!(e.span.start.line, line_of(&src, "- method: GET"));
    assert!(e.help.is_some());
}

#[test]
fn bad_trusted_headers_are_located() {
    for (header, needle) in [
        ("\"X Bad\"", "not a valid HTTP header name"),
        ("\"\"", "not a valid HTTP header name"),
        ("Connection", "never forwarded"),
        ("Transfer-Encoding", "never forwarded"),
        ("Proxy-Authorization", "never forwarded"),
        ("Host", "never forwarded"),
    ] {
        let src = spec(&format!(
            "    - path: /p/{{{{path}}}}
      forward:
        targetNamespace: notion
        trustedHeaders:
        - X-Good
        - {header}"
        ));
        let e = errors(&src);
        let e = e
            .iter()
            .find(|d| d.message.contains(needle))
            .unwrap_or_else(|| panic!("{header}: {e:?}"));
        assert_eq!(
            e.span.start.line,
            line_of(&src, &format!("- {header}")),
            "{header}"
        );
        assert!(e.help.is_some());
    }
    let src = spec(
        "    - path: /p/{{path}}
      forward:
        targetNamespace: notion
        trustedHeaders: [X-A, x-a]",
    );
    assert!(
        errors(&src)
            .iter()
            .any(|d| d.message.contains("appears twice"))
    );
}

#[test]
fn the_remainder_variable_must_end_the_path() {
    let src = spec(
        "    - path: /p/{{path}}/tail
      forward:
        targetNamespace: notion",
    );
    let e = errors(&src);
    assert!(
        e.iter()
            .any(|d| d.message.contains("before the end of a forwarded path"))
    );
}

#[test]
fn a_forwarded_path_shared_with_another_resource_is_refused() {
    let src = spec(
        "    - path: /p/{{path}}
      forward:
        targetNamespace: notion
    - path: /p
      description: Local.
      operations:
      - method: GET
        name: get
        description: Gets.
        call: notion.list-users",
    );
    let e = errors(&src);
    let e = e
        .iter()
        .find(|d| d.message.contains("also served by another resource"))
        .expect("overlap");
    assert_eq!(e.span.start.line, line_of(&src, "- path: /p/{{path}}"));
}

#[test]
fn a_target_whose_key_goes_into_the_body_is_refused() {
    let src = spec(
        "    - path: /p/{{path}}
      forward:
        targetNamespace: notion",
    )
    .replace(
        "    baseUri: http://upstream.test/v1\n",
        "    baseUri: http://upstream.test/v1\n    authentication: {type: apikey, key: k, value: '{{KEY}}', placement: body}\n",
    )
    .replace("capability:\n", "binds:\n- namespace: env\n  keys:\n    KEY: KEY\ncapability:\n");
    let e = errors(&src);
    let e = e
        .iter()
        .find(|d| d.message.contains("goes into the body"))
        .unwrap_or_else(|| panic!("{e:?}"));
    assert_eq!(e.span.start.line, line_of(&src, "targetNamespace: notion"));
}
