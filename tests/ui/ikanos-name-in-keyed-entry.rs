naftiko_runtime::naftiko_capability!("tests/ui/ikanos-name-in-keyed-entry.yaml");

fn main() {}
