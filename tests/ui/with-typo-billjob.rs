// specs/billjob.yaml with one typo in a `with` reference (`rest.orgIdd`). The error points at
// that reference, underlines it and suggests `rest.orgId`; it is the only error: the code below
// uses the generated items the way billjob/src/cli.rs does, and compiles against the skeleton
// the macro emits next to the error.

mod capability {
    naftiko_runtime::naftiko_capability!("tests/ui/with-typo-billjob.yaml");
}

use capability::{Upstreams, m3ter_billjob, m3ter_billjob_mcp, m3ter_billjob_rest};

fn main() {
    let upstream: String = m3ter_billjob::SPEC.base_uri_text();
    let builder = m3ter_billjob::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .base_uri(upstream)
        .var("M3TER_API_KEY", "token");
    let client: m3ter_billjob::Client = match builder.build() {
        Ok(client) => client,
        Err(naftiko_runtime::client::ConfigError::MissingVar(v)) => panic!("{v}"),
        Err(other) => panic!("{other}"),
    };
    let upstreams = Upstreams {
        m3ter_billjob: client,
    };
    let _: String = m3ter_billjob_rest::ADDRESS.to_string();
    let _: naftiko_runtime::axum::Router = m3ter_billjob_rest::router(upstreams.clone());
    let _: Option<String> = m3ter_billjob_mcp::ADDRESS.map(String::from);
    let _ = m3ter_billjob_mcp::server(upstreams);
    let _ = Upstreams::from_env();
}
