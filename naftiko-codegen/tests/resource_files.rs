//! Files of MCP resources and prompts are part of the build: the generated code embeds them
//! (`include_bytes!` / `include_str!`, so editing one rebuilds), and a prompt file's
//! placeholders are checked when the spec is compiled.

use std::path::{Path, PathBuf};

/// `tests/specs/resources.yaml` and its files, copied to a fresh directory.
fn copy_fixture(name: &str) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/specs");
    let dir = std::env::temp_dir().join(format!("naftiko-resources-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("resources")).unwrap();
    std::fs::copy(from.join("resources.yaml"), dir.join("resources.yaml")).unwrap();
    for f in ["guide.md", "review.txt"] {
        std::fs::copy(
            from.join("resources").join(f),
            dir.join("resources").join(f),
        )
        .unwrap();
    }
    dir.canonicalize().unwrap()
}

#[test]
fn the_generated_code_embeds_resource_and_prompt_files() {
    let dir = copy_fixture("embed");
    let spec = dir.join("resources.yaml");
    let loaded = naftiko_codegen::load_tracked(&spec, "resources.yaml").expect("loads");
    let code = naftiko_codegen::expand_tracked(&loaded, &spec).to_string();
    let guide = dir.join("resources/guide.md").display().to_string();
    let review = dir.join("resources/review.txt").display().to_string();
    assert!(
        code.contains(&format!("include_bytes ! ({guide:?})")),
        "{code}"
    );
    assert!(
        code.contains(&format!("include_str ! ({review:?})")),
        "{code}"
    );
    // The build-script front writes the same includes.
    let out = dir.join("out.rs");
    naftiko_codegen::generate_to_file(&spec, &out).expect("generates");
    let written = std::fs::read_to_string(&out).unwrap();
    let at = written.find("include_bytes!(").expect("an include_bytes!");
    assert!(
        written[at..]
            .trim_start_matches("include_bytes!(")
            .trim_start()
            .starts_with(&format!("{guide:?}")),
        "{written}"
    );
}

#[test]
fn a_prompt_file_is_checked_when_the_spec_is_compiled() {
    let dir = copy_fixture("check");
    std::fs::write(
        dir.join("resources/review.txt"),
        "Review {{ship}}.\nThen ask {{captian}}.\n",
    )
    .unwrap();
    let e = naftiko_codegen::load_tracked(&dir.join("resources.yaml"), "resources.yaml")
        .expect_err("an unknown placeholder");
    let rendered = e.rendered().join("\n");
    assert!(
        rendered.contains(
            "placeholder `{{captian}}` names no argument of prompt `review` (line 2 of `review.txt`)"
        ),
        "{rendered}"
    );
    // A missing resource file is an error at its `location`.
    std::fs::remove_file(dir.join("resources/guide.md")).unwrap();
    let e = naftiko_codegen::load_tracked(&dir.join("resources.yaml"), "resources.yaml")
        .expect_err("a missing file");
    assert!(
        e.rendered()
            .iter()
            .any(|d| d.contains("resource file `resources/guide.md` does not exist")),
        "{:?}",
        e.rendered()
    );
}
