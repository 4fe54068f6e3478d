naftiko_runtime::naftiko_capability!("tests/ui/param-without-in.yaml");

fn main() {}
