//! Issue 10: `capability.aggregates` and `ref`. The accepted model of `tests/specs/aggregates.yaml`
//! (what a ref'd tool or operation inherits, derived and overridden hints) and the located
//! errors and warnings of the mistakes around `ref`.

use naftiko_codegen::check_str_warnings;
use naftiko_codegen::diag::Severity;

mod common;
use common::{errors, has, line_of, ok};

const SPEC: &str = include_str!("../../tests/specs/aggregates.yaml");

/// `SPEC` with `from` replaced by `to` (which must occur).
fn edit(from: &str, to: &str) -> String {
    assert!(SPEC.contains(from), "{from}");
    SPEC.replacen(from, to, 1)
}

#[test]
fn a_ref_inherits_the_functions_call_inputs_outputs_and_description() {
    let c = ok(SPEC);
    let mcp = &c.mcp[0];
    let t = mcp
        .tools
        .iter()
        .find(|t| t.call.name == "get-forecast")
        .expect("get-forecast");
    assert_eq!(
        t.call.description.as_deref(),
        Some("Fetch the current weather forecast for a location.")
    );
    assert!(t.call.target.is_some());
    let names: Vec<&str> = t.call.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["location"]);
    // The steps form: an orchestrated call, its own description kept.
    let b = mcp
        .tools
        .iter()
        .find(|t| t.call.name == "morning-briefing")
        .expect("morning-briefing");
    assert_eq!(
        b.call.description.as_deref(),
        Some("Today's briefing for a city.")
    );
    assert_eq!(b.call.steps.len(), 2);
    // REST: the name comes from the function, the path input from the operation.
    let ops: Vec<&str> = c.rest[0]
        .routes
        .iter()
        .map(|r| r.call.name.as_str())
        .collect();
    assert!(
        ops.contains(&"get-forecast") && ops.contains(&"briefing"),
        "{ops:?}"
    );
}

#[test]
fn hints_are_derived_from_semantics_and_explicit_hints_override() {
    let c = ok(SPEC);
    let hints = |name: &str| {
        let t = c.mcp[0]
            .tools
            .iter()
            .find(|t| t.call.name == name)
            .expect("tool");
        (t.read_only, t.destructive, t.idempotent, t.open_world)
    };
    // safe + idempotent → readOnly, not destructive, idempotent; openWorld is not derived
    // (MCP's default, true).
    assert_eq!(
        hints("get-forecast"),
        (Some(true), Some(false), Some(true), true)
    );
    // idempotent only; openWorld is the tool's own.
    assert_eq!(hints("morning-briefing"), (None, None, Some(true), false));
    // safe: false → not read-only; destructive given explicitly.
    assert_eq!(
        hints("reset-station"),
        (Some(false), Some(true), Some(false), true)
    );
}

#[test]
fn an_unknown_ref_is_located_with_the_nearest_function() {
    let src = edit("ref: forecast.reset-station", "ref: forecast.reset-statoin");
    let d = errors(&src);
    let e = d
        .iter()
        .find(|d| {
            d.message
                .contains("unknown aggregate function `forecast.reset-statoin`")
        })
        .expect("the error");
    assert_eq!(e.span.start.line, line_of(&src, "reset-statoin"));
    assert!(
        e.help
            .as_deref()
            .is_some_and(|h| h.contains("did you mean `forecast.reset-station`?")),
        "{e:?}"
    );
}

#[test]
fn ref_with_call_or_steps_is_an_error() {
    let src = edit(
        "    - name: get-forecast\n      ref: forecast.get-forecast\n",
        "    - name: get-forecast\n      ref: forecast.get-forecast\n      call: weather.get-forecast\n",
    );
    let d = errors(&src);
    assert!(
        has(
            &d,
            "`call` cannot be used together with `ref: forecast.get-forecast`"
        ),
        "{d:?}"
    );
    let src = edit(
        "    - name: reset-station\n      ref: forecast.reset-station\n",
        "    - name: reset-station\n      ref: forecast.reset-station\n      steps:\n      - name: s\n        type: call\n        call: weather.reset-station\n",
    );
    let d = errors(&src);
    assert!(
        has(
            &d,
            "`steps` cannot be used together with `ref: forecast.reset-station`"
        ),
        "{d:?}"
    );
}

#[test]
fn function_mistakes_are_located() {
    // A function cannot itself ref (no chains, so no cycles), and has no hints.
    let src = edit(
        "      call: weather.reset-station\n",
        "      call: weather.reset-station\n      ref: forecast.get-forecast\n      hints:\n        readOnly: true\n",
    );
    let d = errors(&src);
    assert!(
        d.iter().any(|d| d.message.contains("`ref`")
            && d.span.start.line == line_of(&src, "      ref: forecast.get-forecast")),
        "{d:?}"
    );
    assert!(has(&d, "`hints`"), "{d:?}");
    // Two functions of the same name.
    let src = edit("    - name: briefing\n", "    - name: get-forecast\n");
    let d = errors(&src);
    assert!(
        has(&d, "duplicate aggregate function `forecast.get-forecast`"),
        "{d:?}"
    );
    // Bad semantics values.
    let src = edit("        safe: false\n", "        safe: maybe\n");
    errors(&src);
}

#[test]
fn hints_and_methods_contradicting_semantics_are_warnings() {
    let src = edit(
        "        openWorld: false\n",
        "        openWorld: false\n        idempotent: false # c1\n",
    );
    let src = src.replacen(
        "      - ref: forecast.briefing\n        method: GET",
        "      - ref: forecast.briefing\n        method: POST # c3",
        1,
    );
    let src = src.replacen(
        "        destructive: true\n",
        "        destructive: true\n        readOnly: true # c2\n",
        1,
    );
    let src = src.replacen(
        "      - ref: forecast.get-forecast\n        method: GET",
        "      - ref: forecast.get-forecast\n        method: DELETE # c4",
        1,
    );
    let (_, w) = check_str_warnings(&src).expect("warnings only");
    let rule: Vec<_> = w
        .iter()
        .filter(|d| {
            d.message
                .contains("naftiko-aggregate-semantics-consistency")
        })
        .collect();
    assert!(rule.iter().all(|d| d.severity == Severity::Warning));
    let lines: Vec<usize> = rule.iter().map(|d| d.span.start.line).collect();
    for needle in ["# c1", "# c2", "# c3", "# c4"] {
        assert!(lines.contains(&line_of(&src, needle)), "{needle}: {rule:?}");
    }
    assert_eq!(rule.len(), 4, "{rule:?}");
    // The unmodified spec is consistent.
    let (_, w) = check_str_warnings(SPEC).expect("accepted");
    assert!(w.is_empty(), "{w:?}");
}
