naftiko_runtime::naftiko_capability!("tests/ui/hmac-unknown-algorithm.yaml");

fn main() {}
