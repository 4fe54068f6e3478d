//! `naftiko-codegen convert`: each step of the tutorial converted alpha3 -> beta5 -> alpha3
//! keeps its model and its comments; each official beta5 step converted to alpha3 has the model
//! of its alpha3 twin; what the target format cannot express is refused at its line. (That the
//! beta5 output validates against the official schema is checked by
//! tests/tutorial/validate_beta5.py, run by .ci/run.)

use naftiko_codegen::convert::{Format, convert};
use std::path::{Path, PathBuf};

mod common;
use common::{find, line_of};

fn tutorial(generation: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/tutorial")
        .join(generation)
}

fn steps() -> Vec<String> {
    let mut steps: Vec<String> = std::fs::read_dir(tutorial("alpha3"))
        .expect("tests/tutorial/alpha3")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("step-") && n.ends_with(".yml"))
        .collect();
    steps.sort();
    assert_eq!(steps.len(), 11, "{steps:?}");
    steps
}

/// The model and generated code of `text`, checked as if it were `dir/step` (where its
/// imports and bind files are), with that directory's path masked.
fn model(dir: &Path, step: &str, text: &str) -> (String, String) {
    // A name of its own per call: the tests run at once, in the same directory.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("converted-{}-{n}-{step}", std::process::id()));
    std::fs::write(&path, text).expect("write the converted step");
    let loaded = naftiko_codegen::load(&path, step);
    std::fs::remove_file(&path).ok();
    let capability = loaded.unwrap_or_else(|e| {
        panic!(
            "{step} converted is rejected:\n{}\n---\n{text}",
            e.rendered().join("\n\n")
        )
    });
    let mask = |s: String| s.replace(&dir.display().to_string(), "<dir>");
    (
        mask(format!("{capability:#?}")),
        mask(naftiko_codegen::expand_pretty(&capability, None)),
    )
}

fn convert_ok(text: &str, to: Format, what: &str) -> String {
    convert(text, to).unwrap_or_else(|e| panic!("{what} does not convert: {e:#?}"))
}

/// The comment texts of a YAML file (`# ...` at a line's end or alone).
fn comments(text: &str) -> Vec<&str> {
    text.lines()
        .filter_map(|l| {
            l.find(" #")
                .map(|i| l[i + 1..].trim())
                .or_else(|| l.trim().strip_prefix('#'))
        })
        .collect()
}

#[test]
fn alpha3_to_beta5_and_back_keeps_each_steps_model_and_comments() {
    let dir = tutorial("alpha3");
    for step in steps() {
        let original = std::fs::read_to_string(dir.join(&step)).expect("step");
        let beta = convert_ok(&original, Format::Beta5, &step);
        assert!(beta.contains("ikanos: \"1.0.0-beta5\""), "{step}:\n{beta}");
        assert!(!beta.contains("naftiko:"), "{step}:\n{beta}");
        let back = convert_ok(&beta, Format::Alpha3, &format!("{step} in beta5"));
        let want = model(&dir, &step, &original);
        assert!(
            model(&dir, &step, &beta) == want,
            "{step}: beta5 model differs"
        );
        assert!(
            model(&dir, &step, &back) == want,
            "{step}: round-trip model differs"
        );
        for c in comments(&original) {
            assert!(beta.contains(c), "{step}: comment {c:?} lost in beta5");
            assert!(
                back.contains(c),
                "{step}: comment {c:?} lost in the round trip"
            );
        }
    }
}

#[test]
fn each_official_beta5_step_converts_to_its_alpha3_twins_model() {
    let (alpha, beta) = (tutorial("alpha3"), tutorial("beta5"));
    for step in steps() {
        let official = std::fs::read_to_string(beta.join(&step)).expect("beta step");
        let converted = convert_ok(&official, Format::Alpha3, &step);
        assert!(
            converted.contains("naftiko: \"1.0.0-alpha3\""),
            "{converted}"
        );
        let twin = std::fs::read_to_string(alpha.join(&step)).expect("alpha step");
        assert!(
            model(&alpha, &step, &converted) == model(&alpha, &step, &twin),
            "{step}: the alpha3 conversion's model differs from the alpha3 twin's"
        );
    }
}

#[test]
fn converting_to_the_format_a_file_is_in_changes_nothing() {
    let text = std::fs::read_to_string(tutorial("beta5").join("step-2-shipyard-wiring.yml"))
        .expect("step");
    assert_eq!(convert_ok(&text, Format::Beta5, "step 2"), text);
}

#[test]
fn what_alpha3_cannot_express_is_refused_at_its_line() {
    let text = std::fs::read_to_string(tutorial("beta5").join("step-2-shipyard-wiring.yml"))
        .expect("step")
        .replace(
            "    type: http\n",
            "    type: http\n    tunnel:\n      type: ziti\n      service: registry\n",
        )
        .replace("    port: 3001\n", "    port: 3001\n    ttlMs: 5000\n");
    let errors = convert(&text, Format::Alpha3).expect_err("refused");
    for (needle, line) in [("tunnel", "tunnel:"), ("ttlMs", "ttlMs:")] {
        let e = find(&errors, needle);
        assert!(
            e.message.starts_with("naftiko alpha3 cannot express"),
            "{e:?}"
        );
        assert_eq!(e.span.start.line, line_of(&text, line), "{needle}");
    }
}

#[test]
fn what_beta5_cannot_express_is_refused_at_its_line() {
    let text = "naftiko: 1.0.0-alpha3
capability:
  imports:
  - shared/apis.yaml
  exposes:
  - type: rest
    namespace: api
    port: 8080
    resources:
    - path: /items
      operations:
      - method: GET
        call: api.list
";
    let errors = convert(text, Format::Beta5).expect_err("refused");
    let e = find(&errors, "whole-file `capability.imports`");
    assert_eq!(e.span.start.line, line_of(text, "imports:"));
    let e = find(&errors, "without a `name`");
    assert_eq!(e.span.start.line, line_of(text, "path: /items"));
}
