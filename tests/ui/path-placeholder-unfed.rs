naftiko_runtime::naftiko_capability!("tests/ui/path-placeholder-unfed.yaml");

fn main() {}
