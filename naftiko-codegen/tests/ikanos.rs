//! Ikanos 1.0.0-beta5, the successor format: each step of the language's tutorial in its beta5
//! form (tests/tutorial/beta5, from github:naftiko/ikanos) resolves to the same model, and
//! generates the same code, as its naftiko alpha3 twin (tests/tutorial/alpha3); and the mistakes
//! of a half-migrated file are located errors that say what to write instead.

use naftiko_codegen::convert::{Format, convert};
use std::path::{Path, PathBuf};

fn tutorial(generation: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/tutorial")
        .join(generation)
}

fn steps() -> Vec<String> {
    let mut steps: Vec<String> = std::fs::read_dir(tutorial("beta5"))
        .expect("tests/tutorial/beta5")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("step-") && n.ends_with(".yml"))
        .collect();
    steps.sort();
    steps
}

/// The model of a spec, and the code generated from it: what must not depend on the format.
fn model(generation: &str, step: &str) -> (String, String) {
    let path = tutorial(generation).join(step);
    let capability = naftiko_codegen::load(&path, step).unwrap_or_else(|e| {
        panic!(
            "{generation}/{step} is rejected:\n{}",
            e.rendered().join("\n\n")
        )
    });
    let code = naftiko_codegen::expand_pretty(&capability, None);
    // Files the spec reads (binds, imports) are where each generation's copy of them is.
    let here = |s: String| s.replace(&format!("/tutorial/{generation}/"), "/tutorial/<gen>/");
    (here(format!("{capability:#?}")), here(code))
}

#[test]
fn every_beta5_step_has_the_model_and_code_of_its_alpha3_twin() {
    let steps = steps();
    assert_eq!(steps.len(), 11, "the tutorial has eleven steps: {steps:?}");
    for step in &steps {
        let (alpha_model, alpha_code) = model("alpha3", step);
        let (beta_model, beta_code) = model("beta5", step);
        if alpha_model != beta_model {
            let first = alpha_model
                .lines()
                .zip(beta_model.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b);
            panic!("{step}: the models differ, first at {first:?}");
        }
        assert!(
            alpha_code == beta_code,
            "{step}: the generated code differs"
        );
    }
}

mod common;
use common::{errors, find, line_of};

/// A beta5 spec with a consumed API and an MCP tool; `$TOOL` is replaced by the tool's body and
/// `$AGG` by extra keys under `capability` (indented 2).
fn beta(tool: &str, extra: &str) -> String {
    format!(
        "ikanos: \"1.0.0-beta5\"
info:
  display: Ships
  description: Ships.
  tags: [test]
capability:
  consumes:
  - namespace: registry
    type: http
    description: The registry.
    baseUri: https://registry.invalid
    resources:
      ships:
        path: /ships/{{{{imo}}}}
        operations:
          get-ship:
            method: GET
            inputParameters:
              imo:
                in: path
  exposes:
  - type: mcp
    namespace: tools
    port: 3001
    tools:
      get-ship:
        description: Gets a ship.
{tool}
{extra}"
    )
}

const CALL: &str = "        inputParameters:
          imo:
            type: string
            description: The IMO number.
        call: registry.get-ship
        with:
          imo: tools.imo";

#[test]
fn a_well_formed_beta_spec_is_accepted() {
    common::ok(&beta(CALL, ""));
}

#[test]
fn a_name_inside_a_keyed_entry_says_the_key_is_the_name() {
    let src = beta(&format!("        name: get-vessel\n{CALL}"), "");
    let d = errors(&src);
    let e = find(&d, "`name:` inside a keyed entry");
    assert!(
        e.message.contains("the key `get-ship` is the name"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("`name: get-vessel` differs"),
        "{}",
        e.message
    );
    assert_eq!(e.span.start.line, line_of(&src, "name: get-vessel"));
}

#[test]
fn label_in_a_beta_file_says_display() {
    let src = beta(CALL, "").replace("  display: Ships", "  label: Ships");
    let d = errors(&src);
    let e = find(&d, "`label` is the naftiko alpha spelling");
    assert_eq!(e.help.as_deref(), Some("rename `label:` to `display:`"));
    assert_eq!(e.span.start.line, line_of(&src, "label: Ships"));
}

#[test]
fn display_in_an_alpha_file_says_label() {
    let src = "naftiko: 1.0.0-alpha3
info:
  display: Ships
  description: Ships.
capability:
  exposes:
  - type: mcp
    namespace: tools
    port: 3001
    tools:
    - name: hello
      description: Says hello.
      outputParameters:
      - type: string
        value: hello
";
    let d = errors(src);
    let e = find(&d, "`display` is the Ikanos beta5 spelling");
    assert!(e.message.contains("writes `label`"), "{}", e.message);
    assert_eq!(e.span.start.line, line_of(src, "display: Ships"));
}

#[test]
fn a_keyed_map_in_an_alpha_file_says_it_is_the_beta_shape() {
    let src = "naftiko: 1.0.0-alpha3
info:
  label: Ships
  description: Ships.
capability:
  exposes:
  - type: mcp
    namespace: tools
    port: 3001
    tools:
      hello:
        description: Says hello.
";
    let d = errors(src);
    let e = find(&d, "found a map keyed by name (the Ikanos beta5 shape)");
    assert!(
        e.help.as_deref().unwrap_or("").contains("`- name: hello`"),
        "{e:?}"
    );
}

#[test]
fn a_list_where_beta_wants_a_map_says_so() {
    let src = beta(CALL, "").replace(
        "    tools:\n      get-ship:\n",
        "    tools:\n      - name: get-ship\n",
    );
    let d = errors(&src);
    let e = find(&d, "is a list, the naftiko alpha shape");
    assert!(
        e.help.as_deref().unwrap_or("").contains("`get-ship:`"),
        "{e:?}"
    );
}

#[test]
fn functions_and_target_name_in_a_beta_file_say_flows_and_target() {
    let aggregate = "  aggregates:
  - display: Crew
    namespace: crew
    functions:
      find:
        description: Finds.
    flows:
      find-ship:
        description: Finds a ship.
        inputParameters:
          imo:
            type: string
            description: The IMO number.
        steps:
          ship:
            type: call
            call: registry.get-ship
            with:
              imo: crew.imo
        mappings:
        - targetName: name
          value: $.ship.name
        outputParameters:
          name:
            type: string";
    let src = beta(CALL, aggregate);
    let d = errors(&src);
    let e = find(&d, "`functions` next to `flows`");
    assert_eq!(e.span.start.line, line_of(&src, "functions:"));
    let e = find(&d, "`targetName` is the naftiko alpha spelling");
    assert_eq!(e.help.as_deref(), Some("write `target:`"));
}

#[test]
fn location_in_a_beta_import_says_from() {
    let src = beta(CALL, "").replace(
        "  consumes:\n",
        "  consumes:\n  - import: legacy\n    location: ./shared/legacy.yaml\n",
    );
    let d = errors(&src);
    let e = find(&d, "`location` in an import is the naftiko alpha spelling");
    assert_eq!(e.span.start.line, line_of(&src, "location: ./shared"));
}

#[test]
fn beta_only_constructs_without_a_meaning_here_are_not_supported_yet() {
    let src = beta(CALL, "").replace(
        "    type: http\n",
        "    type: http\n    tunnel:\n      type: ziti\n      service: registry\n",
    );
    let d = errors(&src);
    let e = find(&d, "tunnel`");
    assert!(e.message.contains("not supported yet"), "{}", e.message);
    assert_eq!(e.span.start.line, line_of(&src, "tunnel:"));
    let src = beta(&format!("{CALL}\n        outputMediaType: image/png"), "");
    let d = errors(&src);
    let e = find(&d, "`outputMediaType` on a flow, tool or exposed operation");
    assert!(e.message.contains("not supported yet"), "{}", e.message);
}

/// A beta spec whose consumed operation is read as binary: `$OP` extra keys on it, `$RES` extra
/// keys on the MCP resource reading it.
fn binary_spec(op: &str, res: &str) -> String {
    beta(CALL, "").replace(
        "          get-ship:\n            method: GET\n",
        &format!("          get-ship:\n            method: GET\n{op}"),
    ) .replace(
        "    tools:\n",
        &format!(
            "    resources:\n      photo:\n        display: Photo\n        uri: ships://{{imo}}\n        description: A photo\n        call: registry.get-ship\n        with:\n          imo: \"{{{{imo}}}}\"\n{res}    tools:\n"
        ),
    )
}

#[test]
fn binary_content_is_read_and_checked() {
    let ok = binary_spec(
        "            outputRawFormat: binary\n            outputMediaType: image/png\n            maxBinarySize: 1.5KiB\n",
        "        binary: true\n",
    );
    let cap = naftiko_codegen::check_str(&ok).expect("accepted");
    let op = &cap.apis[0].operations[0];
    assert_eq!(op.media_type.as_deref(), Some("image/png"));
    assert_eq!(op.max_binary, Some(1536));
    assert_eq!(cap.mcp[0].resources[0].binary, Some(1536));
    assert_eq!(
        cap.mcp[0].resources[0].mime_type.as_deref(),
        Some("image/png")
    );

    // `outputMediaType` on an operation that is not read as binary.
    let src = binary_spec("            outputMediaType: image/png\n", "");
    let d = errors(&src);
    let e = find(&d, "`outputMediaType` concerns raw bytes");
    assert_eq!(e.span.start.line, line_of(&src, "outputMediaType:"));
    // A binary resource reading a JSON operation.
    let src = binary_spec("", "        binary: true\n");
    let d = errors(&src);
    let e = find(
        &d,
        "a binary resource answers raw bytes, but `registry.get-ship` is not read as binary",
    );
    assert_eq!(
        e.help.as_deref(),
        Some("declare `outputRawFormat: binary` on `get-ship` in `registry`")
    );
    // Sizes carry their unit.
    for bad in ["10", "10MB", "-1KiB", "0B", "1.KiB"] {
        let src = binary_spec(
            &format!("            outputRawFormat: binary\n            maxBinarySize: {bad}\n"),
            "",
        );
        let d = errors(&src);
        let e = find(&d, "`maxBinarySize` must be a size with its unit");
        assert_eq!(e.span.start.line, line_of(&src, "maxBinarySize:"), "{bad}");
    }
    // In an alpha file, a beta key.
    let alpha = convert(&beta(CALL, ""), Format::Alpha3)
        .expect("converts")
        .replace(
            "    port: 3001\n",
            "    port: 3001\n    maxBinarySize: 1MiB\n",
        );
    let d = errors(&alpha);
    let e = find(&d, "`maxBinarySize` is an Ikanos beta5 key");
    assert_eq!(e.span.start.line, line_of(&alpha, "maxBinarySize:"));
}

#[test]
fn mcp_caching_hints_are_read_in_beta_and_refused_in_alpha() {
    let src = beta(CALL, "").replace(
        "    port: 3001\n",
        "    port: 3001\n    ttlMs: 5000\n    cacheScope: public\n",
    );
    let cap = naftiko_codegen::check_str(&src).expect("accepted");
    let mcp = &cap.mcp[0];
    assert_eq!(mcp.ttl_ms, Some(5000));
    assert_eq!(mcp.cache_public, Some(true));

    let bad = src
        .replace("ttlMs: 5000", "ttlMs: -1")
        .replace("cacheScope: public", "cacheScope: shared");
    let d = errors(&bad);
    let e = find(&d, "`ttlMs` must be a whole number of milliseconds");
    assert_eq!(e.span.start.line, line_of(&bad, "ttlMs:"));
    let e = find(&d, "unknown `cacheScope` `shared`");
    assert_eq!(e.help.as_deref(), Some("expected one of: public, private"));

    // The alpha twin of the same adapter: no such keys in naftiko alpha.
    let alpha = convert(&beta(CALL, ""), Format::Alpha3)
        .expect("converts")
        .replace("    port: 3001\n", "    port: 3001\n    ttlMs: 5000\n");
    let d = errors(&alpha);
    let e = find(
        &d,
        "`ttlMs` is an Ikanos beta5 key: a naftiko alpha file has no caching hints",
    );
    assert_eq!(e.span.start.line, line_of(&alpha, "ttlMs:"));
}

#[test]
fn an_unknown_ikanos_version_is_an_error() {
    let src = beta(CALL, "").replace("1.0.0-beta5", "1.0.0-beta9");
    let d = errors(&src);
    let e = find(&d, "unsupported ikanos version `1.0.0-beta9`");
    assert_eq!(
        e.help.as_deref(),
        Some("supported Ikanos version: 1.0.0-beta5")
    );
}

#[test]
fn rules_speak_with_their_ikanos_names_in_a_beta_file() {
    let src = beta(CALL, "").replace("    description: The registry.\n", "");
    let (_, warnings) = naftiko_codegen::check_str_warnings(&src).expect("accepted");
    assert!(
        warnings
            .iter()
            .any(|w| w.message.contains("(ikanos-consumes-description)")),
        "{warnings:#?}"
    );
    assert!(!warnings.iter().any(|w| w.message.contains("(naftiko-")));
}

#[test]
fn the_import_rules_of_the_ikanos_ruleset_apply_to_beta_files() {
    let src = beta(CALL, "").replace(
        "  consumes:\n",
        "  consumes:\n  - from: ./shared/a.yaml\n  - import: legacy\n  - import: registry\n    from: ./shared/b.yaml\n",
    );
    let d = errors(&src);
    let e = find(&d, "(ikanos-import-from-required)");
    assert_eq!(e.span.start.line, line_of(&src, "- from: ./shared/a.yaml"));
    let e = find(&d, "(ikanos-import-import-required)");
    assert_eq!(e.span.start.line, line_of(&src, "- import: legacy"));
}

#[test]
fn a_standalone_beta_file_imports_nothing() {
    let src = "ikanos: \"1.0.0-beta5\"
consumes:
- import: registry
  from: ./other.yaml
";
    let d = errors(src);
    let e = find(&d, "(ikanos-standalone-no-imports)");
    assert_eq!(e.span.start.line, 3);
}

#[test]
fn the_reader_names_keys_with_their_beta_spelling_in_a_beta_file() {
    let aggregate = "  aggregates:
  - namespace: crew
    flows:
      find-ship:
        description: Finds a ship.
        call: registry.get-ship
        with:
          imo: crew.imo";
    let d = errors(&beta(CALL, aggregate));
    let e = find(&d, "missing required key");
    assert!(e.message.contains("`display`"), "{}", e.message);
}
