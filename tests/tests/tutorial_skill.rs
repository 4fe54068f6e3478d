//! Tutorial steps 7 to 11 (`tests/tutorial/alpha3/`), which add a `skill` adapter next to the
//! MCP server (and, in 7, 10 and 11, a REST adapter; in 9 and 10, an aggregate function run through
//! `ref`): served as the reference engine's
//! `tutorial/Step{7,...,11}Shipyard*IntegrationTest`s pin them, in front of a local upstream that
//! answers like the tutorial's maritime registry and legacy dockyard.

// The tutorial's specs have no descriptions on their consumes: the linter's warnings are
// expected here (they are compiler warnings at the spec's line).
#[allow(deprecated)]
mod step7 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-7-shipyard-orchestrated-lookup.yml");
}
#[allow(deprecated)]
mod step8 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-8-shipyard-skill-groups.yml");
}
#[allow(deprecated)]
mod step9 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-9-shipyard-aggregates.yml");
}
#[allow(deprecated)]
mod step10 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-10-shipyard-rest-adapter.yml");
}
#[allow(deprecated)]
mod step11 {
    naftiko_runtime::naftiko_capability!("tutorial/alpha3/step-11-shipyard-fleet-manifest.yml");
}

include!("tutorial/steps_7_to_11.rs");
