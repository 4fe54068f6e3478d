naftiko_runtime::naftiko_capability!("tests/ui/prompt-unknown-placeholder.yaml");

fn main() {}
