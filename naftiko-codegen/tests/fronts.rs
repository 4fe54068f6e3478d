//! The three fronts give the same code: the macro (`emit::capability`), the `build.rs` front
//! (`generate_to_file`) and the CLI (`expand`, which is `expand_pretty`).

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A fresh directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("naftiko-fronts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_build_script_front_writes_what_the_macro_expands() {
    let spec = workspace().join("specs/billjob.yaml");
    let out = temp_dir("ok").join("billjob.rs");
    naftiko_codegen::generate_to_file(&spec, &out).expect("specs/billjob.yaml generates");
    let written = std::fs::read_to_string(&out).unwrap();
    let file: syn::File = syn::parse_file(&written).expect("the generated file parses");

    // What the macro expands to, less the `include_bytes!` that makes cargo watch the spec
    // (a build script says `rerun-if-changed` instead).
    let capability = naftiko_codegen::load(&spec, "specs/billjob.yaml").unwrap();
    let mut expanded: syn::File =
        syn::parse2(naftiko_codegen::emit::capability(&capability, Some(&spec))).unwrap();
    let include = expanded.items.remove(0);
    assert!(
        quote::quote!(#include)
            .to_string()
            .contains("include_bytes"),
        "the macro's first item watches the spec"
    );
    assert_eq!(
        prettyplease::unparse(&file),
        prettyplease::unparse(&expanded)
    );
    // The CLI's `expand` prints the same text, and so does the expansion snapshot.
    assert_eq!(written, naftiko_codegen::expand_pretty(&capability, None));
    let snapshot =
        std::fs::read_to_string(workspace().join("tests/snapshots/billjob.expanded.rs")).unwrap();
    assert_eq!(written, snapshot.replace("\r\n", "\n"));
}

#[test]
fn the_build_script_front_writes_nothing_for_a_spec_with_errors() {
    let dir = temp_dir("err");
    let spec = dir.join("bad.yaml");
    std::fs::write(&spec, "naftiko: 1.0.0-alpha1\ncapability: {}\n").unwrap();
    let out = dir.join("bad.rs");
    let err = naftiko_codegen::generate_to_file(&spec, &out).unwrap_err();
    assert!(!out.exists());
    let naftiko_codegen::GenerateError::Load(load) = &err else {
        panic!("{err:?}")
    };
    assert!(load.rendered()[0].contains("unsupported naftiko version"));
    assert!(err.to_string().ends_with("bad.yaml: 1 error"), "{err}");
}

#[test]
fn io_errors_keep_their_source() {
    use std::error::Error as _;
    let err = naftiko_codegen::generate("/no/such/spec.yaml").unwrap_err();
    assert!(err.source().is_some());
    assert!(
        err.to_string()
            .starts_with("cannot read spec `/no/such/spec.yaml`")
    );
}

#[test]
fn the_cli_prints_warnings_and_fails_on_them_only_when_asked() {
    let dir = temp_dir("warn");
    let spec = dir.join("warn.yaml");
    // Accepted, with one warning: `info.tags` is missing (naftiko-info-tags).
    let billjob = std::fs::read_to_string(workspace().join("specs/billjob.yaml")).unwrap();
    let tags = "  tags:\n  - M3ter\n  - BillJob\n";
    assert!(billjob.contains(tags));
    std::fs::write(&spec, billjob.replace(tags, "")).unwrap();
    let check = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_naftiko-codegen"))
            .arg("check")
            .args(extra)
            .arg(&spec)
            .output()
            .unwrap()
    };
    let out = check(&[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: `info.tags` should list"),
        "{stderr}"
    );
    assert!(stderr.contains("(naftiko-info-tags)"), "{stderr}");
    assert!(stderr.contains("warn.yaml: 1 warning"), "{stderr}");
    assert!(!check(&["--deny-warnings"]).status.success());
    // The build-script front writes the code all the same.
    naftiko_codegen::generate_to_file(&spec, dir.join("warn.rs")).unwrap();
    assert!(dir.join("warn.rs").exists());
    // The spec as published has no warning.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_naftiko-codegen"))
        .args(["check", "--deny-warnings"])
        .arg(workspace().join("specs/billjob.yaml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_cli_checks_imports_and_names_the_imported_file_in_its_errors() {
    let step5 = workspace().join("tests/tutorial/alpha3/step-5-shipyard-multi-source.yml");
    let check = |spec: &Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_naftiko-codegen"))
            .arg("check")
            .arg(spec)
            .output()
            .unwrap()
    };
    let out = check(&step5);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("(3 consumed operations, 0 REST routes, 3 MCP tools)"),
        "{stdout}"
    );
    // An error inside an imported file is shown at that file's line.
    let dir = temp_dir("imports");
    std::fs::create_dir_all(dir.join("shared")).unwrap();
    let shared = workspace().join("tests/tutorial/alpha3/shared");
    for f in [
        "secrets.yaml",
        "step5-registry-consumes.yaml",
        "legacy-consumes.yaml",
    ] {
        let text = std::fs::read_to_string(shared.join(f)).unwrap();
        let text = text.replace(
            "method: GET\n            outputRawFormat: xml",
            "method: GOT\n            outputRawFormat: xml",
        );
        std::fs::write(dir.join("shared").join(f), text).unwrap();
    }
    let spec = dir.join("step5.yml");
    std::fs::copy(&step5, &spec).unwrap();
    let out = check(&spec);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("unknown HTTP method `GOT`"), "{stderr}");
    let shown = format!(
        "--> {}:16:21",
        dir.join("shared/legacy-consumes.yaml").display()
    );
    assert!(stderr.contains(&shown), "no `{shown}` in:\n{stderr}");
}
