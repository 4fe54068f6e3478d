//! The tutorial's step 3 (`tests/tutorial/alpha3/step-3-shipyard-auth.yml`) as the reference
//! engine's `tutorial/Step3ShipyardMcpClientIntegrationTest` pins it: every credential comes
//! from `shared/secrets.yaml` (binds with `location`), the MCP server requires the bearer token
//! of that file, and the registry is called with its own bearer token and version header.

// The tutorial's spec has no description on its consumes: the linter's warning is expected.
#[allow(deprecated)]
mod step3 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-3-shipyard-auth.yml");
}

include!("tutorial/step_3.rs");
