naftiko_runtime::naftiko_capability!("tests/ui/yaml-syntax.yaml");

fn main() {}
