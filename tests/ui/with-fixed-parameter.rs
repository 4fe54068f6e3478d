naftiko_runtime::naftiko_capability!("tests/ui/with-fixed-parameter.yaml");

fn main() {}
