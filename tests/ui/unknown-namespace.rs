naftiko_runtime::naftiko_capability!("tests/ui/unknown-namespace.yaml");

fn main() {}
