//! The m3ter BillJob capability: REST and MCP surfaces generated at compile time from
//! `specs/billjob.yaml`, in front of m3ter or of the embedded [`sandbox`].

pub mod cli;

/// The in-process BillJob emulator served by `--sandbox` (the `m3ter-sandbox` crate).
pub use m3ter_sandbox as sandbox;

/// Everything generated from the spec: the `m3ter_billjob` client, the `m3ter_billjob_rest`
/// routes, the `m3ter_billjob_mcp` tools and the `Upstreams` they share.
pub mod capability {
    naftiko_runtime::naftiko_capability!("specs/billjob.yaml");
}

pub use cli::{Options, run};
