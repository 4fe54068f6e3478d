naftiko_runtime::naftiko_capability!("tests/ui/with-reference-in-text.yaml");

fn main() {}
