naftiko_runtime::naftiko_capability!("tests/ui/step-type-mismatch.yaml");

fn main() {}
