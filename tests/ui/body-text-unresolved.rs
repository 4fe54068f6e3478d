naftiko_runtime::naftiko_capability!("tests/ui/body-text-unresolved.yaml");

fn main() {}
