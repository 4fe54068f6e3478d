naftiko_runtime::naftiko_capability!("tests/ui/step-reads-later-step.yaml");

fn main() {}
