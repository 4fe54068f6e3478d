naftiko_runtime::naftiko_capability!("tests/ui/required-unfed.yaml");

fn main() {}
