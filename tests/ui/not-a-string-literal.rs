const SPEC: &str = "tests/ui/unsupported-version.yaml";

naftiko_runtime::naftiko_capability!(SPEC);

fn main() {}
