naftiko_runtime::naftiko_capability!("tests/ui/body-template-prefix.yaml");

fn main() {}
