naftiko_runtime::naftiko_capability!("tests/ui/unsupported-version.yaml");

fn main() {}
