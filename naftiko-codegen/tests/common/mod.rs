//! What the dialect test files share: checking a spec held in memory and finding lines in it.
// Each test file uses its own subset of these.
#![allow(dead_code)]

use naftiko_codegen::check_str;
use naftiko_codegen::diag::Diagnostic;
use naftiko_codegen::ir::Capability;

/// The model of a spec that must be accepted; otherwise panics with its rendered errors.
pub fn ok(src: &str) -> Capability {
    match check_str(src) {
        Ok(c) => c,
        Err(d) => panic!(
            "expected the spec to be accepted, got:\n{}",
            d.iter()
                .map(|d| d.render("t.yaml", src))
                .collect::<Vec<_>>()
                .join("\n\n")
        ),
    }
}

/// The errors of a spec that must be rejected.
pub fn errors(src: &str) -> Vec<Diagnostic> {
    match check_str(src) {
        Ok(_) => panic!("expected the spec to be rejected:\n{src}"),
        Err(d) => d,
    }
}

/// The 1-based line of the first line containing `needle`.
pub fn line_of(src: &str, needle: &str) -> usize {
    src.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

/// Whether a diagnostic's message contains `needle`.
pub fn has(d: &[Diagnostic], needle: &str) -> bool {
    d.iter().any(|d| d.message.contains(needle))
}

/// The first diagnostic whose message contains `needle`; panics listing them all if none does.
pub fn find<'a>(d: &'a [Diagnostic], needle: &str) -> &'a Diagnostic {
    d.iter()
        .find(|d| d.message.contains(needle))
        .unwrap_or_else(|| panic!("no diagnostic containing {needle:?} in {d:#?}"))
}
