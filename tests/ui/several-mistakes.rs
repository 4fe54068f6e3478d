naftiko_runtime::naftiko_capability!("tests/ui/several-mistakes.yaml");

fn main() {}
