naftiko_runtime::naftiko_capability!("tests/ui/duplicate-route.yaml");

fn main() {}
