naftiko_runtime::naftiko_capability!("tests/ui/apikey-path-no-placeholder.yaml");

fn main() {}
