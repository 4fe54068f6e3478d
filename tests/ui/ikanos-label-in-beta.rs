naftiko_runtime::naftiko_capability!("tests/ui/ikanos-label-in-beta.yaml");

fn main() {}
