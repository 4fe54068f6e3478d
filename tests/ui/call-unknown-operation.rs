naftiko_runtime::naftiko_capability!("tests/ui/call-unknown-operation.yaml");

fn main() {}
