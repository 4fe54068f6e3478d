naftiko_runtime::naftiko_capability!("tests/ui/import-cycle.yaml");

fn main() {}
