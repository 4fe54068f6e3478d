naftiko_runtime::naftiko_capability!("tests/ui/duplicate-operation.yaml");

fn main() {}
