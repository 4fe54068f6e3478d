naftiko_runtime::naftiko_capability!("tests/ui/oauth2-no-token-endpoint.yaml");

fn main() {}
