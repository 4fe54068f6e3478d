naftiko_runtime::naftiko_capability!("tests/ui/steps-unsupported.yaml");

fn main() {}
