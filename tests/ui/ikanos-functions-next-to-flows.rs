naftiko_runtime::naftiko_capability!("tests/ui/ikanos-functions-next-to-flows.yaml");

fn main() {}
