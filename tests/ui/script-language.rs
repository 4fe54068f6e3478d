naftiko_runtime::naftiko_capability!("tests/ui/script-language.yaml");

fn main() {}
