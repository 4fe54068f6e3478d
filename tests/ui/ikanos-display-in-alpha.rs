naftiko_runtime::naftiko_capability!("tests/ui/ikanos-display-in-alpha.yaml");

fn main() {}
