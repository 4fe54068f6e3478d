naftiko_runtime::naftiko_capability!("tests/ui/with-unresolved.yaml");

fn main() {}
