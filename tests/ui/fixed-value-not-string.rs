naftiko_runtime::naftiko_capability!("tests/ui/fixed-value-not-string.yaml");

fn main() {}
