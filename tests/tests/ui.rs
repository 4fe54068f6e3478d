//! Compile-fail cases: each `ui/*.rs` expands `naftiko_capability!` on one bad spec
//! `ui/*.yaml`; the expected compiler output is the `.stderr` next to it.
//!
//! The cases name their spec `tests/ui/x.yaml`, relative to the workspace root: trybuild builds
//! them in a generated crate under `target/tests/trybuild/`, which is the `CARGO_MANIFEST_DIR`
//! the macro sees, so `ui/x.yaml` would not be found. The macro then tries the ancestors of that
//! directory up to the workspace root, where `tests/ui/x.yaml` is.
//!
//! Regenerate with `TRYBUILD=overwrite cargo test -p naftiko-tests --test ui`, then read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}
