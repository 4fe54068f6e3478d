naftiko_runtime::naftiko_capability!("tests/ui/script-syntax-error.yaml");

fn main() {}
