naftiko_runtime::naftiko_capability!("tests/ui/description-script.yaml");

fn main() {}
