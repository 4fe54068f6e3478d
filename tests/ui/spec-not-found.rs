naftiko_runtime::naftiko_capability!("tests/ui/no-such-spec.yaml");

fn main() {}
