naftiko_runtime::naftiko_capability!("tests/ui/with-key-typo.yaml");

fn main() {}
