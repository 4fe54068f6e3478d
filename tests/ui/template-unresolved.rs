naftiko_runtime::naftiko_capability!("tests/ui/template-unresolved.yaml");

fn main() {}
