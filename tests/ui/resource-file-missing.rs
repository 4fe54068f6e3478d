naftiko_runtime::naftiko_capability!("tests/ui/resource-file-missing.yaml");

fn main() {}
