naftiko_runtime::naftiko_capability!("tests/ui/namespace-bind-collision.yaml");

fn main() {}
