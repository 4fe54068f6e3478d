naftiko_runtime::naftiko_capability!("tests/ui/with-prefix-without-name.yaml");

fn main() {}
