naftiko_runtime::naftiko_capability!("tests/ui/bad-jsonpath.yaml");

fn main() {}
