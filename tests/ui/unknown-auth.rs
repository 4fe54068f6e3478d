naftiko_runtime::naftiko_capability!("tests/ui/unknown-auth.yaml");

fn main() {}
