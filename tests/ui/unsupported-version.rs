naftiko_runtime::naftiko_capability!("ui/unsupported-version.yaml");

fn main() {}
