naftiko_runtime::naftiko_capability!("tests/ui/duplicate-tool.yaml");

fn main() {}
