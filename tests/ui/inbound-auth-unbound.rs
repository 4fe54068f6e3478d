naftiko_runtime::naftiko_capability!("tests/ui/inbound-auth-unbound.yaml");

fn main() {}
