naftiko_runtime::naftiko_capability!("tests/ui/baseuri-dollar-brace.yaml");

fn main() {}
