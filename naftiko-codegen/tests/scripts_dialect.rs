//! `script` steps (`OperationStepScript`) and the control adapter's `management.scripting`
//! (`ScriptingManagementSpec`): defaults, limits, files, `with`, and each located mistake.

use naftiko_codegen::ir::ScriptWith;
use naftiko_codegen::spec::ScriptFile;
use naftiko_codegen::{LoadError, load};

mod common;
use common::{errors, has, line_of, ok};

/// A spec with an MCP tool whose steps are `steps` (indented 6) and, when given, a control
/// adapter's `management.scripting` body (indented 8).
fn spec(scripting: Option<&str>, steps: &str) -> String {
    let control = scripting.map_or(String::new(), |s| {
        format!("  - type: control\n    port: 9191\n    management:\n      scripting:\n{s}\n")
    });
    format!(
        "naftiko: 1.0.0-alpha3
info:
  label: Scripts
  description: Scripts.
  tags: [test]
capability:
  consumes:
  - type: http
    namespace: api
    description: The API.
    baseUri: https://api.invalid
    resources:
    - path: /items/{{{{org}}}}
      name: items
      description: Items.
      operations:
      - name: list
        method: GET
        description: Lists.
        inputParameters:
        - name: org
          in: path
  exposes:
{control}  - type: mcp
    namespace: tools
    port: 9090
    tools:
    - name: t
      description: A tool.
      inputParameters:
      - name: org
        type: string
        required: true
        description: Organisation.
      steps:
{steps}
      mappings:
      - targetName: out
        value: $.s.x
"
    )
}

const CALL: &str = "      - name: items
        type: call
        call: api.list
        with:
          org: tools.org";

#[test]
fn the_control_adapter_gives_defaults_and_limits() {
    let c = ok(&spec(
        Some(
            "        enabled: false
        defaultLanguage: javascript
        defaultLocation: file:///opt/scripts
        timeout: 3000
        statementLimit: 50000
        allowedLanguages: [javascript]",
        ),
        &format!(
            "{CALL}
      - name: s
        type: script
        file: main.js
        dependencies: [lib/util.js]
        with:
          first: $.items.0
          label: '{{{{org}}}}-x'
          n: 3"
        ),
    ));
    assert_eq!(c.scripts.len(), 1);
    let s = &c.scripts[0];
    assert_eq!(s.step, "s");
    assert_eq!(
        s.files,
        vec![
            ScriptFile::Deployed {
                path: "/opt/scripts/lib/util.js".into()
            },
            ScriptFile::Deployed {
                path: "/opt/scripts/main.js".into()
            },
        ]
    );
    assert_eq!(
        (s.timeout_ms, s.statement_limit, s.enabled),
        (3000, 50000, Some(false))
    );
    let step = &c.mcp[0].tools[0].call.steps[1];
    let naftiko_codegen::ir::StepKind::Script { earlier, with, .. } = &step.kind else {
        panic!("a script step: {step:?}");
    };
    assert_eq!(earlier, &["items".to_string()]);
    assert_eq!(
        with,
        &[
            ("first".to_string(), ScriptWith::Context("/items/0".into())),
            (
                "label".to_string(),
                ScriptWith::Template("{{org}}-x".into())
            ),
            ("n".to_string(), ScriptWith::Const(serde_json::json!(3))),
        ]
    );
}

#[test]
fn without_a_control_adapter_the_engine_defaults_apply() {
    let c = ok(&spec(
        None,
        "      - name: s
        type: script
        language: javascript
        location: file:///opt/scripts/
        file: main.js",
    ));
    let s = &c.scripts[0];
    assert_eq!(
        (s.timeout_ms, s.statement_limit, s.enabled),
        (60_000, 100_000, None)
    );
    assert_eq!(
        s.files,
        vec![ScriptFile::Deployed {
            path: "/opt/scripts/main.js".into()
        }]
    );
}

#[test]
fn a_step_without_language_or_location_is_located() {
    let src = spec(
        None,
        "      - name: s
        type: script
        file: main.js",
    );
    let d = errors(&src);
    let e = d
        .iter()
        .find(|d| d.message.contains("has no `language`"))
        .expect("no language");
    assert_eq!(e.span.start.line, line_of(&src, "- name: s"));
    assert!(e.help.as_deref().unwrap_or("").contains("defaultLanguage"));
    let src = spec(
        Some("        defaultLanguage: javascript"),
        "      - name: s
        type: script
        file: main.js",
    );
    assert!(has(&errors(&src), "has no `location`"));
}

#[test]
fn languages_are_checked() {
    let src = spec(
        None,
        "      - name: s
        type: script
        language: ruby
        location: file:///opt/scripts
        file: main.rb",
    );
    let d = errors(&src);
    assert!(has(&d, "unknown script language `ruby`"), "{d:?}");
    let src = spec(
        Some("        allowedLanguages: [python]"),
        "      - name: s
        type: script
        language: javascript
        location: file:///opt/scripts
        file: main.js",
    );
    let d = errors(&src);
    let e = d
        .iter()
        .find(|d| d.message.contains("does not allow"))
        .expect("not allowed");
    assert_eq!(e.span.start.line, line_of(&src, "language: javascript"));
    let src = spec(
        None,
        "      - name: s
        type: script
        language: python
        location: file:///opt/scripts
        file: main.py",
    );
    let d = errors(&src);
    let e = d
        .iter()
        .find(|d| d.message.contains("`language: python`"))
        .expect("python");
    assert!(e.message.ends_with("not supported yet"), "{}", e.message);
    assert!(e.message.contains("RustPython"), "{}", e.message);
}

#[test]
fn with_references_are_checked() {
    let src = spec(
        Some("        defaultLanguage: javascript\n        defaultLocation: file:///opt/s"),
        &format!(
            "      - name: s
        type: script
        file: main.js
        with:
          a: '{{{{nobody}}}}'
          b: $.items.x
{CALL}"
        ),
    );
    let d = errors(&src);
    let e = d
        .iter()
        .find(|d| d.message.contains("`{{nobody}}`"))
        .expect("unknown template name");
    assert_eq!(e.span.start.line, line_of(&src, "{{nobody}}"));
    let e = d
        .iter()
        .find(|d| d.message.contains("which runs after it"))
        .expect("a later step");
    assert_eq!(e.span.start.line, line_of(&src, "b: $.items.x"));
}

#[test]
fn paths_stay_inside_the_location() {
    let src = spec(
        Some("        defaultLanguage: javascript\n        defaultLocation: file:///opt/s"),
        "      - name: s
        type: script
        file: ../etc/passwd",
    );
    let d = errors(&src);
    let e = d
        .iter()
        .find(|d| d.message.contains("must be a relative path inside"))
        .expect("escape");
    assert_eq!(e.span.start.line, line_of(&src, "file: ../etc/passwd"));
}

/// A spec and its scripts in a fresh directory: relative locations are read at compile time.
fn on_disk(name: &str, script: &str) -> Result<naftiko_codegen::ir::Capability, LoadError> {
    let dir = std::env::temp_dir().join(format!(
        "naftiko-scripts-dialect-{name}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(dir.join("scripts")).expect("dir");
    std::fs::write(dir.join("scripts/main.js"), script).expect("script");
    let src = spec(
        Some("        defaultLanguage: javascript\n        defaultLocation: file:///./scripts"),
        "      - name: s
        type: script
        file: main.js
      - name: t
        type: script
        file: missing.js",
    )
    .replace(
        "file: missing.js",
        if name == "missing" {
            "file: missing.js"
        } else {
            "file: main.js"
        },
    );
    let path = dir.join("spec.yaml");
    std::fs::write(&path, src).expect("spec");
    load(&path, "spec.yaml")
}

#[test]
fn relative_scripts_are_read_and_parsed_at_compile_time() {
    let c = on_disk("ok", "result = { x: context.org };\n").expect("accepted");
    let ScriptFile::Embedded { path, name } = &c.scripts[0].files[0] else {
        panic!("embedded: {:?}", c.scripts[0].files);
    };
    assert!(path.ends_with("/scripts/main.js"), "{path}");
    assert_eq!(name, "scripts/main.js");

    let Err(LoadError::Invalid {
        diagnostics,
        sources,
        imported,
        ..
    }) = on_disk("bad", "var a = 1;\nresult = (a +;\n")
    else {
        panic!("a syntax error");
    };
    let e = diagnostics
        .iter()
        .find(|d| {
            d.message
                .contains("syntax error in script `scripts/main.js`")
        })
        .expect("the syntax error");
    // Located in the script file itself, which the build tracks.
    assert_eq!(sources[usize::from(e.span.file)].name, "scripts/main.js");
    assert_eq!((e.span.start.line, e.span.start.col), (2, 14));
    assert!(imported.iter().any(|p| p.ends_with("scripts/main.js")));

    let Err(LoadError::Invalid { diagnostics, .. }) = on_disk("missing", "result = 1;") else {
        panic!("a missing file");
    };
    assert!(
        diagnostics.iter().any(|d| d
            .message
            .contains("script file `scripts/missing.js` not found")),
        "{diagnostics:?}"
    );
}
