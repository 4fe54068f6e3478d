naftiko_runtime::naftiko_capability!("tests/ui/exposed-input-value.yaml");

fn main() {}
