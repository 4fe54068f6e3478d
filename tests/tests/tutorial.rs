//! The language's own tutorial (`tests/tutorial/alpha3/`, from Naftiko's framework), served as
//! the reference engine's `tutorial/Step*ShipyardMcpClientIntegrationTest`s pin it, in front of
//! a local upstream that answers like the tutorial's maritime registry.
//!
//! Steps 1 to 6 are served here (step 3 in `tutorial_step3.rs`); steps 7 to 11, which add skill
//! adapters, aggregates and `ref`, in `tutorial_skill.rs`.

// The tutorial's specs have no descriptions on their consumes: the linter's warnings are
// expected here (they are compiler warnings at the spec's line).
#[allow(deprecated)]
mod step1 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-1-shipyard-mock.yml");
}
#[allow(deprecated)]
mod step2 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-2-shipyard-wiring.yml");
}
// Step 4 reads the registry's credentials and the MCP server's token from
// `shared/secrets.yaml` (binds with `location`); step 3, which does too, is served by
// `tutorial_step3.rs`.
#[allow(deprecated)]
mod step4 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-4-shipyard-output-shaping.yml");
}
// Both consumed APIs are imported from `shared/`; every credential, the MCP server's token
// included, is read from `shared/secrets.yaml` (binds with `location`).
#[allow(deprecated)]
mod step5 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-5-shipyard-multi-source.yml");
}

// Step 6 adds a write operation whose raw JSON body puts arrays unquoted (`"crewIds":
// {{crewIds}}`): each such placeholder is a JSON value, not text.
#[allow(deprecated)]
mod step6 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-6-shipyard-write-operations.yml");
}

include!("tutorial/steps_1_to_6.rs");
