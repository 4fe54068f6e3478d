//! `skill` adapters: how they are read and which mistakes are located errors (the schema's
//! `ExposesSkill`, `ExposedSkill`, `SkillTool`).

use naftiko_codegen::check_str_warnings;
use naftiko_codegen::ir::SkillToolKind;
use std::path::PathBuf;

mod common;
use common::{errors, find as error, has, line_of, ok};

/// A spec with a REST adapter (`list-items`), an MCP adapter (`find-item`) and a skill adapter
/// whose `skills` block is `skills` (indented 4 spaces).
fn spec(skills: &str) -> String {
    format!(
        "naftiko: 1.0.0-alpha2
info:
  label: Skills
  description: Skills.
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
        inputParameters:
        - name: q
          in: query
          description: A filter
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
  - type: mcp
    namespace: items-mcp
    port: 9090
    tools:
    - name: find-item
      description: Finds items.
      inputParameters:
      - name: q
        type: string
        required: true
        description: What to find
      call: api.list
      with:
        q: tools.q
  - type: skill
    namespace: items-skills
    port: 9091
    skills:
{skills}"
    )
}

/// The error whose message contains `needle`; panics listing them otherwise.
#[test]
fn derived_tools_take_their_source_and_its_schema() {
    let c = ok(&spec(
        "    - name: items
      description: Item tools.
      license: MIT
      metadata: {owner: team-a, version: 2}
      tools:
      - name: list-items
        description: Lists.
        from: {sourceNamespace: items-rest, action: list-items}
      - name: find-item
        from: {sourceNamespace: items-mcp, action: find-item}",
    ));
    let s = &c.skills[0];
    assert_eq!(s.namespace, "items-skills");
    assert_eq!(s.address, "127.0.0.1");
    let skill = &s.skills[0];
    assert_eq!(skill.license.as_deref(), Some("MIT"));
    assert_eq!(
        skill.metadata,
        [
            ("owner".to_string(), "team-a".to_string()),
            ("version".to_string(), "2".to_string())
        ]
    );
    match &skill.tools[0].kind {
        SkillToolKind::Derived {
            mode, input_schema, ..
        } => {
            assert_eq!(*mode, "rest");
            // A REST operation with no declared inputs takes none.
            assert_eq!(input_schema["properties"], serde_json::json!({}));
        }
        k => panic!("{k:?}"),
    }
    // No description: the MCP tool's.
    assert_eq!(skill.tools[1].description, "Finds items.");
    match &skill.tools[1].kind {
        SkillToolKind::Derived {
            mode, input_schema, ..
        } => {
            assert_eq!(*mode, "mcp");
            assert_eq!(input_schema["required"], serde_json::json!(["q"]));
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn an_unknown_source_namespace_or_action_is_located_with_the_known_names() {
    let src = spec(
        "    - name: items
      description: Item tools.
      tools:
      - name: a
        description: A.
        from: {sourceNamespace: items-mpc, action: find-item}
      - name: b
        description: B.
        from: {sourceNamespace: items-mcp, action: find-items}
      - name: c
        description: C.
        from: {sourceNamespace: items-rest, action: list}",
    );
    let d = errors(&src);
    let e = error(
        &d,
        "`sourceNamespace: items-mpc` names no `rest` or `mcp` adapter",
    );
    assert_eq!(e.span.start.line, line_of(&src, "items-mpc"));
    let help = e.help.as_deref().unwrap_or_default();
    assert!(help.contains("did you mean `items-mcp`?"), "{help}");
    assert!(help.contains("items-rest, items-mcp"), "{help}");
    let e = error(&d, "`items-mcp` has no tool `find-items`");
    assert_eq!(e.span.start.line, line_of(&src, "find-items"));
    assert!(
        e.help
            .as_deref()
            .unwrap_or_default()
            .contains("did you mean `find-item`?")
    );
    let e = error(&d, "`items-rest` has no named operation `list`");
    assert!(e.help.as_deref().unwrap_or_default().contains("list-items"));
    // A skill adapter is no source.
    let d = errors(&spec(
        "    - name: items
      description: Item tools.
      tools:
      - name: a
        description: A.
        from: {sourceNamespace: items-skills, action: items}",
    ));
    assert!(has(
        &d,
        "`sourceNamespace: items-skills` names no `rest` or `mcp` adapter"
    ));
}

#[test]
fn duplicate_skills_and_tools_are_errors() {
    let src = spec(
        "    - name: items
      description: Item tools.
      tools:
      - name: twice
        description: A.
        from: {sourceNamespace: items-mcp, action: find-item}
      - name: twice
        description: B.
        from: {sourceNamespace: items-rest, action: list-items}
    - name: items
      description: Again.",
    );
    let d = errors(&src);
    assert!(has(&d, "duplicate tool `twice` in skill `items`"), "{d:#?}");
    assert!(
        has(&d, "duplicate skill `items` in `items-skills`"),
        "{d:#?}"
    );
}

#[test]
fn frontmatter_fields_are_checked() {
    let long = "x".repeat(1025);
    let src = spec(&format!(
        "    - name: Items_Tools
      description: {long}
      compatibility: {}
      user-invocable: maybe
      metadata: {{tags: [a, b]}}
    - name: -items
      description: ''",
        "y".repeat(501)
    ));
    let d = errors(&src);
    let e = error(&d, "skill name `Items_Tools` is not an Agent Skills name");
    assert!(
        e.help
            .as_deref()
            .unwrap_or_default()
            .contains("`items-tools`")
    );
    assert!(has(
        &d,
        "`description` is 1025 characters long; the Agent Skills frontmatter allows 1024"
    ));
    assert!(has(&d, "`compatibility` is 501 characters long"));
    assert!(has(&d, "`user-invocable` must be `true` or `false`"));
    assert!(has(&d, "`metadata.tags` must be a string"));
    assert!(has(&d, "skill name `-items` is not an Agent Skills name"));
    assert!(has(&d, "a skill's `description` must not be empty"));
    // Unknown keys are errors too.
    let d = errors(&spec(
        "    - name: items
      description: Items.
      version: 2",
    ));
    assert!(has(&d, "version"), "{d:#?}");
    // A skill without description.
    let d = errors(&spec("    - name: items"));
    assert!(has(&d, "missing required key `description` in a skill"));
}

#[test]
fn a_tool_has_exactly_one_of_from_and_instruction() {
    let src = spec(
        "    - name: items
      description: Items.
      location: file:///./skills/items
      tools:
      - name: both
        description: Both.
        from: {sourceNamespace: items-mcp, action: find-item}
        instruction: guide.md
      - name: neither
        description: Neither.",
    );
    let d = errors(&src);
    assert!(has(
        &d,
        "a skill tool has either `from` or `instruction`, not both"
    ));
    let e = error(&d, "a skill tool needs `from` or `instruction`");
    assert_eq!(e.span.start.line, line_of(&src, "name: neither"));
    // A tool written as an MCP tool.
    let src = spec(
        "    - name: items
      description: Items.
      tools:
      - name: list
        description: Lists.
        hints: {readOnly: true}
        call: api.list-all",
    );
    let d = errors(&src);
    let e = error(&d, "a skill tool does not `call`");
    assert_eq!(e.span.start.line, line_of(&src, "call: api.list-all"));
    assert!(
        e.help
            .as_deref()
            .unwrap_or_default()
            .contains("from: {sourceNamespace")
    );
    assert_eq!(d.len(), 1, "{d:#?}");
}

#[test]
fn an_instruction_needs_the_location_and_a_path_inside_it() {
    let src = spec(
        "    - name: items
      description: Items.
      tools:
      - name: guide
        description: Guide.
        instruction: guide.md
    - name: other
      description: Other.
      location: file:///./skills/other
      tools:
      - name: up
        description: Up.
        instruction: ../secrets.yaml
      - name: abs
        description: Abs.
        instruction: /etc/passwd",
    );
    let d = errors(&src);
    let e = error(&d, "`instruction: guide.md` needs the skill's `location`");
    assert!(
        e.help
            .as_deref()
            .unwrap_or_default()
            .contains("location: file:///")
    );
    assert!(has(
        &d,
        "`instruction: ../secrets.yaml` must be a relative path inside the skill's `location`"
    ));
    assert!(has(
        &d,
        "`instruction: /etc/passwd` must be a relative path"
    ));
    let d = errors(&spec(
        "    - name: items
      description: Items.
      location: https://example.com/skills/items",
    ));
    assert!(has(&d, "a skill `location` other than `file://`"), "{d:#?}");
}

/// A directory holding the spec, with `skills/items/guide.md` unless `without_guide`.
fn fixture(name: &str, without_guide: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("naftiko-skill-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("skills/items")).unwrap();
    if !without_guide {
        std::fs::write(dir.join("skills/items/guide.md"), "# Guide\n").unwrap();
    }
    let src = spec(
        "    - name: items
      description: Items.
      location: file:///./skills/items/
      tools:
      - name: guide
        description: The guide.
        instruction: guide.md",
    );
    std::fs::write(dir.join("spec.yaml"), src).unwrap();
    dir.canonicalize().unwrap()
}

#[test]
fn an_instruction_file_is_read_when_the_spec_is_compiled() {
    let dir = fixture("ok", false);
    let spec_path = dir.join("spec.yaml");
    let loaded = naftiko_codegen::load_tracked(&spec_path, "spec.yaml").expect("loads");
    let code = naftiko_codegen::expand_tracked(&loaded, &spec_path).to_string();
    let guide = dir.join("skills/items/guide.md").display().to_string();
    assert!(
        code.contains(&format!("include_bytes ! ({guide:?})")),
        "{code}"
    );

    let dir = fixture("missing", true);
    let e = naftiko_codegen::load_tracked(&dir.join("spec.yaml"), "spec.yaml")
        .expect_err("a missing instruction");
    let rendered = e.rendered().join("\n");
    assert!(
        rendered.contains("instruction file `guide.md` does not exist"),
        "{rendered}"
    );
    assert!(rendered.contains("spec.yaml:"), "{rendered}");
}

#[test]
fn the_location_need_not_exist_without_instructions() {
    let (c, warnings) = check_str_warnings(&spec(
        "    - name: items
      description: Items.
      location: file:///opt/naftiko/skills/items
      tools:
      - name: find-item
        from: {sourceNamespace: items-mcp, action: find-item}",
    ))
    .expect("accepted");
    assert_eq!(
        c.skills[0].skills[0].location.as_deref(),
        Some("/opt/naftiko/skills/items")
    );
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn a_skill_adapter_needs_skills_and_a_free_port() {
    let src =
        spec("    - name: items\n      description: Items.").replace("port: 9091", "port: 9090");
    let d = errors(&src);
    assert!(has(&d, "two adapters on one port"), "{d:#?}");
    let src = spec("      []");
    let d = errors(&src);
    assert!(
        has(&d, "a `skill` adapter needs at least one skill"),
        "{d:#?}"
    );
}
