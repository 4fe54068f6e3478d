naftiko_runtime::naftiko_capability!("tests/ui/import-inner-error.yaml");

fn main() {}
