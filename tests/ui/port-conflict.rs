naftiko_runtime::naftiko_capability!("tests/ui/port-conflict.yaml");

fn main() {}
