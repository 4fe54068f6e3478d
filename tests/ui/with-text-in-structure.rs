naftiko_runtime::naftiko_capability!("tests/ui/with-reference-in-structure.yaml");

fn main() {}
