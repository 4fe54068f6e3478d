naftiko_runtime::naftiko_capability!("tests/ui/missing-key.yaml");

fn main() {}
