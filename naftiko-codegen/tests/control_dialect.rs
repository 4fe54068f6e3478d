//! `control` adapters: how they are read and which constructs are refused (the schema's
//! `ExposesControl`, `ControlManagementSpec`, `ScriptingManagementSpec`).

mod common;
use common::{errors, find as error, line_of, ok};

/// A spec with one REST adapter and a control adapter whose body is `control` (indented 4).
fn spec(control: &str) -> String {
    format!(
        "naftiko: 1.0.0-alpha2
info:
  label: Control
  description: Control.
  tags: [test]
capability:
  consumes:
  - type: http
    namespace: api
    description: The API.
    baseUri: https://api.invalid
    resources:
    - name: items
      path: /items
      description: Items.
      operations:
      - name: list
        method: GET
        description: Lists.
  exposes:
  - type: rest
    namespace: items-rest
    port: 8080
    resources:
    - path: /items
      description: Items.
      operations:
      - method: GET
        name: list-items
        description: Lists the items.
        call: api.list
  - type: control
{control}
"
    )
}

#[test]
fn address_port_health_and_scripting_are_read() {
    let c = ok(&spec(
        "    address: localhost
    port: 9091
    management:
      health: false
      info: false
      scripting:
        enabled: true
        defaultLanguage: javascript
        timeout: 3000
        statementLimit: 50000
        allowedLanguages: [javascript]",
    ));
    let control = c.control.expect("a control adapter");
    assert_eq!(
        (control.address.as_str(), control.port, control.health),
        ("127.0.0.1", 9091, false)
    );
    let c = ok(&spec("    port: 9091"));
    assert!(c.control.expect("control").health);
}

#[test]
fn a_missing_port_and_bad_scripting_values_are_located() {
    let src = spec(
        "    management:
      scripting:
        timeout: soon
        bogus: 1",
    );
    let d = errors(&src);
    error(&d, "missing required key `port`");
    let e = error(&d, "`timeout` must be a positive integer");
    assert_eq!(e.span.start.line, line_of(&src, "timeout: soon"));
    let e = error(&d, "bogus");
    assert_eq!(e.span.start.line, line_of(&src, "bogus: 1"));
}

#[test]
fn what_is_not_served_is_refused_as_not_supported_yet() {
    let src = spec(
        "    port: 9091
    authentication: {type: bearer, token: x}
    management:
      info: true
      logs:
        stream: true",
    );
    let d = errors(&src);
    for (needle, line) in [
        ("`authentication` on a `control` adapter", "authentication:"),
        ("`management.info`", "info: true"),
        ("`logs.stream`", "stream: true"),
    ] {
        let e = error(&d, needle);
        assert!(e.message.contains("not supported yet"), "{}", e.message);
        assert_eq!(e.span.start.line, line_of(&src, line), "{needle}");
    }
}

#[test]
fn two_control_adapters_are_an_error() {
    let src = spec("    port: 9091\n  - type: control\n    port: 9092");
    let d = errors(&src);
    error(&d, "at most one `control` adapter");
}

#[test]
fn observability_is_read_and_what_has_no_meaning_here_is_located() {
    let binds = "binds:\n- namespace: env\n  keys:\n    OTEL_HOST: OTEL_HOST\n";
    let src = spec(
        "    port: 9091
    observability:
      enabled: true
      metrics:
        local:
          enabled: false
      traces:
        sampling: 0.25
        propagation: w3c
      exporters:
        otlp:
          endpoint: 'http://{{OTEL_HOST}}:4318'",
    )
    .replacen("capability:\n", &format!("{binds}capability:\n"), 1);
    let c = ok(&src);
    let o = c
        .control
        .as_ref()
        .and_then(|c| c.observability.as_ref())
        .expect("observability");
    assert!(o.enabled && !o.metrics);
    assert_eq!(o.sampling, 0.25);
    assert_eq!(
        o.endpoint.as_ref().map(|t| t.0.len()),
        Some(3),
        "{:?}",
        o.endpoint
    );

    let src = spec(
        "    port: 9091
    observability:
      traces:
        sampling: 2
        propagation: b3
        local:
          buffer-size: 50
      exporters:
        otlp:
          endpoint: 'http://{{NOPE}}:4318'",
    );
    let d = errors(&src);
    for (needle, line) in [
        (
            "`sampling` must be a number from 0 to 1, found `2`",
            "sampling: 2",
        ),
        ("`propagation: b3`", "propagation: b3"),
        ("`traces.local`", "local:"),
        ("NOPE", "endpoint:"),
    ] {
        let e = error(&d, needle);
        assert_eq!(e.span.start.line, line_of(&src, line), "{needle}");
    }
}
