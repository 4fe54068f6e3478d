//! Ikanos 1.0.0-beta5, the successor format: each step of the language's tutorial in its beta5
//! form (tests/tutorial/beta5, from github:naftiko/ikanos) resolves to the same model, and
//! generates the same code, as its naftiko alpha3 twin (tests/tutorial/alpha3); and the mistakes
//! of a half-migrated file are located errors that say what to write instead.

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
