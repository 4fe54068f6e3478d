naftiko_runtime::naftiko_capability!("tests/ui/bind-file-missing-key.yaml");

fn main() {}
