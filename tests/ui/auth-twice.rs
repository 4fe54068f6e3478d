naftiko_runtime::naftiko_capability!("tests/ui/auth-twice.yaml");

fn main() {}
