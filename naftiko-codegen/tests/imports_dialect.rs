//! Files a spec reads at compile time (issue 10): imported consumes (`import` / `location`,
//! `capability.imports`) and binds with `location`. Each test writes its files into its own
//! temporary directory and loads the spec from there, as the fronts do.

use naftiko_codegen::diag::Severity;
use naftiko_codegen::ir::Part;
use naftiko_codegen::{LoadError, Loaded, load_tracked};
use std::path::{Path, PathBuf};

/// A fresh directory holding `files` (`(relative path, text)`).
fn dir(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("naftiko-imports-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn load(dir: &Path) -> Result<Loaded, LoadError> {
    load_tracked(&dir.join("spec.yaml"), "specs/spec.yaml")
}

fn ok(dir: &Path) -> Loaded {
    load(dir).unwrap_or_else(|e| {
        panic!(
            "expected the spec to be accepted:\n{}",
            e.rendered().join("\n\n")
        )
    })
}

/// The rendered errors (each with its `--> file:line:col`).
fn errors(dir: &Path) -> Vec<String> {
    match load(dir) {
        Ok(_) => panic!("expected the spec to be rejected"),
        Err(e) => e.rendered(),
    }
}

fn any(errors: &[String], needles: &[&str]) -> bool {
    errors.iter().any(|e| needles.iter().all(|n| e.contains(n)))
}

/// A spec whose MCP tool calls `{ns}.list-ships`, with the given binds and consumes entries.
fn spec(binds: &str, consumes: &str, ns: &str) -> String {
    format!(
        "naftiko: 1.0.0-alpha3
info:
  label: Test
  description: A test capability.
binds:
{binds}
capability:
  consumes:
{consumes}
  exposes:
  - type: mcp
    port: 3001
    namespace: tools
    description: Tools.
    tools:
    - name: list-ships
      description: List ships.
      call: {ns}.list-ships
"
    )
}

const ENV_BINDS: &str = "- namespace: env
  keys:
    REGISTRY_TOKEN: REGISTRY_TOKEN";

/// A file declaring the API `registry` (bearer `{{REGISTRY_TOKEN}}`, one operation).
const REGISTRY: &str = "naftiko: 1.0.0-alpha3
consumes:
  - namespace: registry
    type: http
    description: The registry.
    baseUri: https://registry.example.com
    authentication:
      type: bearer
      token: '{{REGISTRY_TOKEN}}'
    resources:
      - name: ships
        path: /ships
        operations:
          - name: list-ships
            method: GET
";

#[test]
fn an_imported_api_is_read_from_its_file_relative_to_the_spec() {
    let d = dir(
        "basic",
        &[
            (
                "spec.yaml",
                &spec(
                    ENV_BINDS,
                    "  - import: registry\n    location: ./shared/registry.yaml",
                    "registry",
                ),
            ),
            ("shared/registry.yaml", REGISTRY),
        ],
    );
    let loaded = ok(&d);
    let api = &loaded.capability.apis[0];
    assert_eq!(api.namespace, "registry");
    assert_eq!(api.base_uri.literal(), "https://registry.example.com");
    // Its templates read the importing spec's binds.
    assert!(
        matches!(&api.auth, naftiko_codegen::ir::Auth::Bearer(t) if t.env_vars().eq(["REGISTRY_TOKEN"]))
    );
    let shared = d.join("shared/registry.yaml").canonicalize().unwrap();
    assert_eq!(loaded.imported, std::slice::from_ref(&shared));
    // The expansion depends on the imported file, so editing it rebuilds.
    let code = naftiko_codegen::expand_tracked(&loaded, &d.join("spec.yaml")).to_string();
    let include = format!("include_bytes ! ({:?})", shared.to_string_lossy());
    assert!(code.contains(&include), "no `{include}` in the expansion");
}

#[test]
fn as_renames_an_import_and_imports_chain_through_files() {
    let d = dir(
        "alias",
        &[
            (
                "spec.yaml",
                &spec(
                    ENV_BINDS,
                    "  - import: registry\n    as: ships\n    description: Ships.\n    location: shared/relay.yaml",
                    "ships",
                ),
            ),
            (
                "shared/relay.yaml",
                "naftiko: 1.0.0-alpha3\nconsumes:\n  - import: registry\n    location: ../apis/registry.yaml\n",
            ),
            ("apis/registry.yaml", REGISTRY),
        ],
    );
    let loaded = ok(&d);
    assert_eq!(loaded.capability.apis[0].namespace, "ships");
    assert_eq!(
        loaded.capability.apis[0].description.as_deref(),
        Some("Ships.")
    );
    assert_eq!(loaded.imported.len(), 2);
}

#[test]
fn an_error_inside_an_imported_file_points_at_that_file() {
    let broken = REGISTRY.replace("method: GET", "method: FETCH");
    let d = dir(
        "inner-error",
        &[
            (
                "spec.yaml",
                &spec(
                    ENV_BINDS,
                    "  - import: registry\n    location: ./shared/registry.yaml",
                    "registry",
                ),
            ),
            ("shared/registry.yaml", &broken),
        ],
    );
    let line = broken.lines().position(|l| l.contains("FETCH")).unwrap() + 1;
    let e = errors(&d);
    assert!(
        any(
            &e,
            &[
                "FETCH",
                &format!("--> specs/shared/registry.yaml:{line}:21")
            ]
        ),
        "{e:#?}"
    );
    // A failed spec still lists the imported file, so that fixing it rebuilds.
    let Err(failed) = load(&d) else { panic!() };
    assert_eq!(failed.imported().len(), 1);
}

#[test]
fn a_missing_file_and_a_missing_namespace_are_located_errors() {
    let src = spec(
        ENV_BINDS,
        "  - import: registry\n    location: ./shared/nowhere.yaml\n  - import: cargo\n    location: ./shared/registry.yaml",
        "registry",
    );
    let d = dir(
        "missing",
        &[("spec.yaml", &src), ("shared/registry.yaml", REGISTRY)],
    );
    let e = errors(&d);
    let at = src.lines().position(|l| l.contains("nowhere")).unwrap() + 1;
    assert!(
        any(
            &e,
            &[
                "imported file `specs/shared/nowhere.yaml` not found",
                &format!("spec.yaml:{at}:")
            ]
        ),
        "{e:#?}"
    );
    assert!(
        any(
            &e,
            &[
                "declares no consumed API `cargo`",
                "it declares: `registry`"
            ]
        ),
        "{e:#?}"
    );
    // The call into the missing import is not reported again.
    assert!(!any(&e, &["unknown namespace"]), "{e:#?}");
    assert_eq!(e.len(), 2, "{e:#?}");
}

#[test]
fn an_import_cycle_is_a_located_error() {
    let d = dir(
        "cycle",
        &[
            (
                "spec.yaml",
                &spec(
                    ENV_BINDS,
                    "  - import: registry\n    location: a.yaml",
                    "registry",
                ),
            ),
            (
                "a.yaml",
                "naftiko: 1.0.0-alpha3\nconsumes:\n  - import: registry\n    location: b.yaml\n",
            ),
            (
                "b.yaml",
                "naftiko: 1.0.0-alpha3\nconsumes:\n  - import: registry\n    location: ./a.yaml\n",
            ),
        ],
    );
    let e = errors(&d);
    assert!(
        any(
            &e,
            &[
                "import cycle",
                "`specs/a.yaml` → `specs/b.yaml` → `specs/a.yaml`",
                "--> specs/b.yaml:4:15"
            ]
        ),
        "{e:#?}"
    );
}

#[test]
fn a_namespace_imported_twice_or_also_declared_locally_is_an_error() {
    let local = "  - namespace: registry\n    type: http\n    description: Local.\n    baseUri: https://local.example.com\n    resources:\n      - name: ships\n        path: /ships\n        operations:\n          - name: list-ships\n            method: GET";
    let src = spec(
        ENV_BINDS,
        &format!(
            "{local}\n  - import: registry\n    location: ./r.yaml\n  - import: registry\n    as: other\n    location: ./r.yaml\n  - import: registry\n    as: other\n    location: ./r.yaml"
        ),
        "registry",
    );
    let d = dir("twice", &[("spec.yaml", &src), ("r.yaml", REGISTRY)]);
    let e = errors(&d);
    assert!(
        any(&e, &["duplicate consumed namespace `registry`"]),
        "{e:#?}"
    );
    assert!(any(&e, &["duplicate consumed namespace `other`"]), "{e:#?}");
}

#[test]
fn an_imported_file_has_a_version_and_consumes_at_its_root() {
    let d = dir(
        "format",
        &[
            (
                "spec.yaml",
                &spec(
                    ENV_BINDS,
                    "  - import: registry\n    location: ./r.yaml",
                    "registry",
                ),
            ),
            ("r.yaml", "apis:\n  - namespace: registry\n"),
        ],
    );
    let e = errors(&d);
    assert!(
        any(
            &e,
            &["missing required key `naftiko`", "--> specs/r.yaml:1:1"]
        ),
        "{e:#?}"
    );
    assert!(any(&e, &["under `consumes` at its root"]), "{e:#?}");
}

#[test]
fn capability_imports_take_every_api_of_each_file() {
    let src = spec(ENV_BINDS, "  - namespace: unused\n    type: http\n    description: U.\n    baseUri: https://u.example.com\n    resources:\n      - name: a\n        path: /a\n        operations:\n          - name: a\n            method: GET", "registry")
        .replace("  exposes:", "  imports:\n    - shared/registry.yaml\n  exposes:");
    let d = dir(
        "list",
        &[("spec.yaml", &src), ("shared/registry.yaml", REGISTRY)],
    );
    let loaded = ok(&d);
    let names: Vec<&str> = loaded
        .capability
        .apis
        .iter()
        .map(|a| a.namespace.as_str())
        .collect();
    assert_eq!(names, ["unused", "registry"]);
}

#[test]
fn capability_imports_take_locations_as_mappings_too_and_report_a_missing_file() {
    let src = spec(ENV_BINDS, "  - namespace: unused\n    type: http\n    description: U.\n    baseUri: https://u.example.com\n    resources:\n      - name: a\n        path: /a\n        operations:\n          - name: a\n            method: GET", "registry")
        .replace("  exposes:", "  imports:\n    - location: ./shared/registry.yaml\n  exposes:");
    let d = dir(
        "list-map",
        &[("spec.yaml", &src), ("shared/registry.yaml", REGISTRY)],
    );
    assert_eq!(ok(&d).capability.apis.len(), 2);
    let d = dir("list-missing", &[("spec.yaml", &src)]);
    let e = errors(&d);
    let at = src
        .lines()
        .position(|l| l.contains("- location: ./shared"))
        .unwrap()
        + 1;
    assert!(
        any(
            &e,
            &[
                "imported file `specs/shared/registry.yaml` not found",
                &format!("spec.yaml:{at}:17")
            ]
        ),
        "{e:#?}"
    );
    // The call into what the file would have declared is not reported again.
    assert_eq!(e.len(), 1, "{e:#?}");
}

const FILE_BINDS: &str = "- namespace: registry-env
  location: file:///./shared/secrets.yaml
  keys:
    REGISTRY_TOKEN: registry-bearer-token";

#[test]
fn a_located_bind_is_read_from_its_file_at_start_up_by_absolute_path() {
    let src = spec(
        FILE_BINDS,
        "  - import: registry\n    location: ./shared/registry.yaml",
        "registry",
    );
    let d = dir(
        "bind-file",
        &[
            ("spec.yaml", &src),
            ("shared/registry.yaml", REGISTRY),
            (
                "shared/secrets.yaml",
                "registry-bearer-token: very-secret-value\n",
            ),
        ],
    );
    let loaded = ok(&d);
    let vars = &loaded.capability.file_vars;
    assert_eq!(vars.len(), 1);
    assert_eq!(vars[0].var, "REGISTRY_TOKEN");
    assert_eq!(vars[0].key, "registry-bearer-token");
    let secrets = d.join("shared/secrets.yaml").canonicalize().unwrap();
    assert_eq!(Path::new(&vars[0].path), secrets);
    assert!(
        matches!(&loaded.capability.apis[0].auth, naftiko_codegen::ir::Auth::Bearer(t) if t.0 == [Part::Env("REGISTRY_TOKEN".into())])
    );
    // The generated code names the file and the key, never the value; the file is not included.
    let code = naftiko_codegen::expand_tracked(&loaded, &d.join("spec.yaml")).to_string();
    assert!(
        code.contains("BIND_FILES") && code.contains("registry-bearer-token"),
        "{code}"
    );
    assert!(!code.contains("very-secret-value"));
    assert!(!code.contains(&format!(
        "include_bytes ! ({:?})",
        secrets.to_string_lossy()
    )));
}

#[test]
fn a_key_missing_from_an_existing_bind_file_is_an_error_at_the_key() {
    let src = spec(
        FILE_BINDS,
        "  - import: registry\n    location: ./shared/registry.yaml",
        "registry",
    );
    let d = dir(
        "bind-key",
        &[
            ("spec.yaml", &src),
            ("shared/registry.yaml", REGISTRY),
            ("shared/secrets.yaml", "other-key: hunter2\n"),
        ],
    );
    let e = errors(&d);
    let at = src
        .lines()
        .position(|l| l.contains("registry-bearer-token"))
        .unwrap()
        + 1;
    assert!(
        any(
            &e,
            &[
                "bind file `specs/shared/secrets.yaml` has no key `registry-bearer-token`",
                &format!("spec.yaml:{at}:21")
            ]
        ),
        "{e:#?}"
    );
    assert!(!e.iter().any(|e| e.contains("hunter2")), "{e:#?}");
}

#[test]
fn an_absent_bind_file_is_a_warning_and_an_absolute_one_is_not_read() {
    let src = spec(
        FILE_BINDS,
        "  - import: registry\n    location: ./shared/registry.yaml",
        "registry",
    );
    let d = dir(
        "bind-absent",
        &[("spec.yaml", &src), ("shared/registry.yaml", REGISTRY)],
    );
    let loaded = ok(&d);
    assert!(
        loaded
            .warnings
            .iter()
            .any(|w| w.contains("bind file `specs/shared/secrets.yaml` does not exist now")),
        "{:#?}",
        loaded.warnings
    );
    let abs = src.replace(
        "file:///./shared/secrets.yaml",
        "file:///etc/naftiko-absent/secrets.json",
    );
    let d = dir(
        "bind-abs",
        &[("spec.yaml", &abs), ("shared/registry.yaml", REGISTRY)],
    );
    let loaded = ok(&d);
    assert!(loaded.warnings.iter().all(|w| !w.contains("bind file")));
    assert_eq!(
        loaded.capability.file_vars[0].path,
        "/etc/naftiko-absent/secrets.json"
    );
}

#[test]
fn bind_locations_are_file_uris() {
    let vault = spec(
        &FILE_BINDS.replace("file:///./shared/secrets.yaml", "vault://kv/registry"),
        "  - import: registry\n    location: ./shared/registry.yaml",
        "registry",
    );
    let d = dir(
        "bind-vault",
        &[("spec.yaml", &vault), ("shared/registry.yaml", REGISTRY)],
    );
    let Err(LoadError::Invalid { diagnostics, .. }) = load(&d) else {
        panic!()
    };
    assert!(
        diagnostics
            .iter()
            .any(|d| d.severity == Severity::Unsupported
                && d.message.contains("vault://kv/registry")),
        "{diagnostics:#?}"
    );
    let host = vault.replace("vault://kv/registry", "file://server/secrets.yaml");
    let d = dir(
        "bind-host",
        &[("spec.yaml", &host), ("shared/registry.yaml", REGISTRY)],
    );
    assert!(any(&errors(&d), &["names a host"]));
}

#[test]
fn a_file_variable_cannot_share_its_name_with_an_environment_variable() {
    let binds = format!("{FILE_BINDS}\n- namespace: env\n  keys:\n    OTHER: REGISTRY_TOKEN");
    let src = spec(
        &binds,
        "  - import: registry\n    location: ./shared/registry.yaml",
        "registry",
    );
    let d = dir(
        "bind-clash",
        &[
            ("spec.yaml", &src),
            ("shared/registry.yaml", REGISTRY),
            ("shared/secrets.yaml", "registry-bearer-token: x\n"),
        ],
    );
    assert!(any(
        &errors(&d),
        &["`REGISTRY_TOKEN` is read from the environment here"]
    ));
}
