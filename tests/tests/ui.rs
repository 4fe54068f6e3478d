//! Compile-fail cases: each `ui/*.rs` expands `naftiko_capability!` on one bad spec
//! `ui/*.yaml`; the expected compiler output is the `.stderr` next to it.
//!
//! Regenerate with `TRYBUILD=overwrite cargo test -p naftiko-tests --test ui`, then read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
