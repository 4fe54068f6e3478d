//! The resolved model of `specs/billjob.yaml`: explicit assertions of what the dialect (the
//! rules in the `naftiko_codegen` crate docs, `naftiko-codegen/src/lib.rs`) says it must be,
//! plus two readable snapshots (the model's `Debug` and the generated code), and a no-panic
//! sweep over the corpus of published specs (checks and skeletons).
//!
//! Snapshots live in `tests/snapshots/`; after an intended change, regenerate them with
//! `UPDATE_SNAPSHOTS=1 cargo test -p naftiko-tests --test model` and review the diff.

use naftiko_codegen::ir::{Arg, Call, Capability, Source, Type};
use std::path::{Path, PathBuf};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn billjob() -> Capability {
    let path = crate_dir().join("../specs/billjob.yaml");
    naftiko_codegen::load(&path, "specs/billjob.yaml").unwrap_or_else(|e| {
        panic!(
            "specs/billjob.yaml is rejected:\n{}",
            e.rendered().join("\n\n")
        )
    })
}

/// Compares `actual` with `tests/snapshots/<name>`; with `UPDATE_SNAPSHOTS=1`, rewrites it.
fn assert_snapshot(name: &str, actual: &str) {
    let path = crate_dir().join("snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        eprintln!("updated snapshot {}", path.display());
        return;
    }
    let expected = match std::fs::read_to_string(&path) {
        Ok(s) => s.replace("\r\n", "\n"),
        Err(e) => panic!(
            "cannot read snapshot {}: {e}\nrun with UPDATE_SNAPSHOTS=1 to create it",
            path.display()
        ),
    };
    if expected == actual {
        return;
    }
    let (exp, act): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let line = exp
        .iter()
        .zip(&act)
        .position(|(e, a)| e != a)
        .unwrap_or(exp.len().min(act.len()));
    panic!(
        "snapshot {name} differs, first at line {}:\n  expected: {:?}\n  actual:   {:?}\n({} lines expected, {} actual)\n\
         if the change is intended, rerun with UPDATE_SNAPSHOTS=1 and review the diff",
        line + 1,
        exp.get(line).copied().unwrap_or("<end of file>"),
        act.get(line).copied().unwrap_or("<end of file>"),
        exp.len(),
        act.len(),
    );
}

/// One exposed input as (name, source, type, required).
type InputShape<'a> = (&'a str, Source, Type, bool);

fn input_shapes(call: &Call) -> Vec<InputShape<'_>> {
    call.inputs
        .iter()
        .map(|i| (i.name.as_str(), i.source, i.ty, i.required))
        .collect()
}

/// The name of the exposed input feeding the consumed parameter `param` of `call`.
fn feeder<'a>(cap: &Capability, call: &'a Call, param: &str) -> Option<&'a str> {
    let op = target_op(cap, call);
    let pi = op
        .params
        .iter()
        .position(|p| p.name == param)
        .unwrap_or_else(|| panic!("`{}` has no parameter `{param}`", op.name));
    match &call.args()[pi] {
        Arg::Input(i) => Some(call.inputs[*i].name.as_str()),
        _ => None,
    }
}

fn operation_of<'a>(cap: &'a Capability, call: &Call) -> &'a str {
    &target_op(cap, call).name
}

/// The consumed operation `call` calls.
fn target_op<'a>(cap: &'a Capability, call: &Call) -> &'a naftiko_codegen::ir::Operation {
    let t = call.target.as_ref().expect("a call, not mock mode");
    &cap.apis[t.api].operations[t.operation]
}

#[test]
fn billjob_rest_routes_have_the_inputs_the_dialect_promises() {
    let cap = billjob();
    assert_eq!(cap.rest.len(), 1);
    let rest = &cap.rest[0];
    assert_eq!(
        (rest.address.as_str(), rest.port),
        ("127.0.0.1", 8080),
        "a gateway is not opened to the network by default"
    );
    let routes: Vec<(&str, &str, &str)> = rest
        .routes
        .iter()
        .map(|r| {
            (
                r.method.as_str(),
                r.path.as_str(),
                operation_of(&cap, &r.call),
            )
        })
        .collect();
    assert_eq!(
        routes,
        [
            ("GET", "/v1/organizations/{orgid}/billjobs", "listbilljobs"),
            (
                "POST",
                "/v1/organizations/{orgid}/billjobs",
                "createbilljob"
            ),
            (
                "POST",
                "/v1/organizations/{orgid}/billjobs/recalculate",
                "recalculatebilljob"
            ),
            (
                "GET",
                "/v1/organizations/{orgid}/billjobs/{id}",
                "getbilljob"
            ),
            (
                "POST",
                "/v1/organizations/{orgid}/billjobs/{id}/cancel",
                "cancelbilljob"
            ),
        ]
    );
    // `{orgid}` in the path, `rest.orgId` in `with`: one path input, matched case-insensitively.
    for r in &rest.routes {
        let orgid = r
            .call
            .inputs
            .iter()
            .find(|i| i.name == "orgid")
            .unwrap_or_else(|| panic!("{}: no `orgid` input", r.call.name));
        assert_eq!(
            (orgid.source, orgid.ty, orgid.required),
            (Source::Path, Type::String, true),
            "{}",
            r.call.name
        );
        assert_eq!(
            feeder(&cap, &r.call, "orgId"),
            Some("orgid"),
            "{}: `orgid` must feed `orgId`",
            r.call.name
        );
        assert!(
            !r.call.inputs.iter().any(|i| i.name == "orgId"),
            "{}: `rest.orgId` must not become a second input",
            r.call.name
        );
    }
    let by_name = |n: &str| {
        &rest
            .routes
            .iter()
            .find(|r| r.call.name == n)
            .unwrap_or_else(|| panic!("no route `{n}`"))
            .call
    };

    let list = by_name("listbilljobs");
    assert_eq!(
        input_shapes(list),
        [
            ("orgid", Source::Path, Type::String, true),
            ("pageSize", Source::Query, Type::Integer, false),
            ("nextToken", Source::Query, Type::String, false),
            ("active", Source::Query, Type::String, false),
            ("status", Source::Query, Type::String, false),
        ]
    );
    for p in ["pageSize", "nextToken", "active", "status"] {
        assert_eq!(feeder(&cap, list, p), Some(p));
    }
    // The JSON request body of the two creating POSTs.
    for n in ["createbilljob", "recalculatebilljob"] {
        let call = by_name(n);
        assert_eq!(
            input_shapes(call),
            [
                ("orgid", Source::Path, Type::String, true),
                ("body", Source::Body, Type::Object, true)
            ],
            "{n}"
        );
        assert_eq!(feeder(&cap, call, "body"), Some("body"), "{n}");
    }
    for n in ["getbilljob", "cancelbilljob"] {
        let call = by_name(n);
        assert_eq!(
            input_shapes(call),
            [
                ("orgid", Source::Path, Type::String, true),
                ("id", Source::Path, Type::String, true)
            ],
            "{n}"
        );
        assert_eq!(feeder(&cap, call, "id"), Some("id"), "{n}");
    }
}

#[test]
fn billjob_tools_have_typed_arguments_and_hints() {
    let cap = billjob();
    assert_eq!(cap.mcp.len(), 1);
    let mcp = &cap.mcp[0];
    assert_eq!((mcp.address.as_str(), mcp.port), ("127.0.0.1", Some(9090)));
    assert_eq!(mcp.transport, naftiko_codegen::ir::Transport::Http);
    let f = Source::Field;
    let org = ("orgId", f, Type::String, true);
    let expected: [(&str, &str, Vec<InputShape<'_>>); 5] = [
        (
            "list-billjobs",
            "listbilljobs",
            vec![
                org,
                ("pageSize", f, Type::Integer, false),
                ("nextToken", f, Type::String, false),
                ("active", f, Type::String, false),
                ("status", f, Type::String, false),
            ],
        ),
        (
            "create-billjob",
            "createbilljob",
            vec![org, ("body", f, Type::Object, true)],
        ),
        (
            "create-recalculation-billjob",
            "recalculatebilljob",
            vec![org, ("body", f, Type::Object, true)],
        ),
        (
            "retrieve-billjob",
            "getbilljob",
            vec![org, ("id", f, Type::String, true)],
        ),
        (
            "cancel-billjob",
            "cancelbilljob",
            vec![org, ("id", f, Type::String, true)],
        ),
    ];
    assert_eq!(mcp.tools.len(), expected.len());
    for (tool, (name, op, inputs)) in mcp.tools.iter().zip(expected) {
        assert_eq!(tool.call.name, name);
        assert_eq!(operation_of(&cap, &tool.call), op, "{name}");
        assert_eq!(input_shapes(&tool.call), inputs, "{name}");
        for (input, ..) in &inputs {
            assert_eq!(
                feeder(&cap, &tool.call, input),
                Some(*input),
                "{name}: `{input}`"
            );
        }
        // Every argument is described (from the consumed parameter it feeds).
        for i in &tool.call.inputs {
            assert!(
                i.description.as_deref().is_some_and(|d| !d.is_empty()),
                "{name}: `{}` has no description",
                i.name
            );
        }
        let read_only = matches!(name, "list-billjobs" | "retrieve-billjob");
        assert_eq!(tool.read_only, Some(read_only), "{name}: readOnly");
        assert_eq!(tool.destructive, Some(false), "{name}: destructive");
        assert_eq!(tool.idempotent, Some(read_only), "{name}: idempotent");
        assert!(tool.open_world, "{name}: openWorld defaults to true");
        assert_eq!(
            tool.call.description.as_deref(),
            cap.apis[0].operations[tool.call.target.as_ref().expect("a call").operation]
                .description
                .as_deref(),
            "{name}"
        );
    }
}

#[test]
fn billjob_retries_only_idempotent_operations() {
    let cap = billjob();
    assert_eq!(cap.apis.len(), 1);
    let api = &cap.apis[0];
    assert_eq!(
        (api.namespace.as_str(), api.module.as_str()),
        ("m3ter-billjob", "m3ter_billjob")
    );
    assert_eq!(
        api.auth,
        naftiko_codegen::ir::Auth::Bearer(naftiko_codegen::ir::Template(vec![
            naftiko_codegen::ir::Part::Env("M3TER_API_KEY".into())
        ]))
    );
    let retried: Vec<(&str, bool)> = api
        .operations
        .iter()
        .map(|o| (o.name.as_str(), o.idempotent))
        .collect();
    assert_eq!(
        retried,
        [
            ("listbilljobs", true),
            ("createbilljob", false),
            ("recalculatebilljob", false),
            ("getbilljob", true),
            ("cancelbilljob", false)
        ]
    );
    for o in &api.operations {
        let body = o.params.iter().position(|p| p.name == "body");
        match o.name.as_str() {
            "createbilljob" | "recalculatebilljob" => {
                let b = body.expect("a body parameter");
                assert_eq!(
                    o.body,
                    naftiko_codegen::ir::Body::Whole(b),
                    "{}: the one `in: body` parameter is the whole body",
                    o.name
                );
                assert!(
                    o.params[b].required && o.params[b].ty == Type::Object,
                    "{}",
                    o.name
                );
            }
            _ => assert_eq!(o.body, naftiko_codegen::ir::Body::None, "{}", o.name),
        }
    }
}

#[test]
fn billjob_model_snapshot() {
    assert_snapshot("billjob.model.txt", &format!("{:#?}\n", billjob()));
}

#[test]
fn billjob_expanded_snapshot() {
    let expanded = naftiko_codegen::expand_pretty(&billjob(), None);
    // `expand_pretty` falls back to one unformatted line when the tokens do not parse as a file.
    assert!(
        expanded.lines().count() > 100,
        "the generated code did not parse as a Rust file:\n{expanded}"
    );
    assert_snapshot("billjob.expanded.rs", &expanded);
}

/// A shaped spec's generated code, as a reader sees it: typed results named after the
/// operation and the property path, the shape trees, the schemas (`tests/specs/shapes.yaml`).
#[test]
fn shapes_expanded_snapshot() {
    let path = crate_dir().join("specs/shapes.yaml");
    let cap = naftiko_codegen::load(&path, "specs/shapes.yaml")
        .unwrap_or_else(|e| panic!("specs/shapes.yaml is rejected:\n{e:?}"));
    let expanded = naftiko_codegen::expand_pretty(&cap, None);
    assert!(
        expanded.lines().count() > 100,
        "the generated code did not parse as a Rust file:\n{expanded}"
    );
    assert_snapshot("shapes.expanded.rs", &expanded);
}

/// The published specs, copied from `shared/corpus` so that a clean checkout has them.
fn corpus_dir() -> PathBuf {
    crate_dir().join("corpus")
}

/// Whether the macro emits a skeleton of the generated items next to a rejected spec's errors
/// (it cannot when the file is not even a YAML mapping).
fn has_skeleton(path: &Path, name: &str) -> bool {
    use naftiko_codegen::LoadError;
    match naftiko_codegen::load(path, name) {
        Err(
            e @ LoadError::Invalid {
                partial: Some(_), ..
            },
        ) => !e.skeleton().is_empty(),
        _ => true,
    }
}

#[test]
fn every_spec_of_the_corpus_is_checked_without_panic() {
    let dir = corpus_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("note: skipped, no corpus at {}", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.yaml in {}", dir.display());
    let (mut accepted, mut rejected, mut panicked) = (Vec::new(), Vec::new(), Vec::new());
    let (mut no_position, mut no_skeleton) = (Vec::new(), Vec::new());
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let source = std::fs::read_to_string(path).unwrap();
        match std::panic::catch_unwind(|| naftiko_codegen::check_str(&source)) {
            Err(_) => panicked.push(name),
            Ok(Ok(_)) => accepted.push(name),
            Ok(Err(diagnostics)) => {
                if !diagnostics.iter().any(|d| d.span.start.line >= 1) {
                    no_position.push(format!(
                        "{name}: {} diagnostics, none with a line",
                        diagnostics.len()
                    ));
                }
                // The macro emits a skeleton of the generated items next to the errors.
                match std::panic::catch_unwind(|| has_skeleton(path, &name)) {
                    Err(_) => panicked.push(format!("{name} (skeleton)")),
                    Ok(false) => no_skeleton.push(name.clone()),
                    Ok(true) => {}
                }
                rejected.push((name, diagnostics.len()));
            }
        }
    }
    println!(
        "corpus: {} specs, {} accepted, {} rejected, {} panicked",
        files.len(),
        accepted.len(),
        rejected.len(),
        panicked.len()
    );
    for (name, n) in &rejected {
        println!(
            "  rejected {name} ({n} diagnostic{})",
            if *n == 1 { "" } else { "s" }
        );
    }
    assert!(panicked.is_empty(), "check_str panicked on: {panicked:?}");
    assert!(no_skeleton.is_empty(), "no skeleton for: {no_skeleton:?}");
    assert!(
        no_position.is_empty(),
        "rejected without a position: {no_position:?}"
    );
    assert_eq!(accepted.len() + rejected.len(), files.len());
}
