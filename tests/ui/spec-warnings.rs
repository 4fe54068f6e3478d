// Spec warnings are compiler warnings (deprecation notes at the macro call); denying them
// here makes them errors, so that this case shows their text.
#![deny(deprecated)]

naftiko_runtime::naftiko_capability!("tests/ui/spec-warnings.yaml");

fn main() {}
