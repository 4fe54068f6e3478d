naftiko_runtime::naftiko_capability!("tests/ui/unknown-key.yaml");

fn main() {}
