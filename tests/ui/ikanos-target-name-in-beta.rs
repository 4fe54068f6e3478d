naftiko_runtime::naftiko_capability!("tests/ui/ikanos-target-name-in-beta.yaml");

fn main() {}
