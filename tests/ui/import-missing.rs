naftiko_runtime::naftiko_capability!("tests/ui/import-missing.yaml");

fn main() {}
