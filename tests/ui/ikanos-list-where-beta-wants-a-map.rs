naftiko_runtime::naftiko_capability!("tests/ui/ikanos-list-where-beta-wants-a-map.yaml");

fn main() {}
