naftiko_runtime::naftiko_capability!("tests/ui/with-text-in-structure.yaml");

fn main() {}
