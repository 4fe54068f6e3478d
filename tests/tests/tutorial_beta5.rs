//! The same tutorial in its Ikanos 1.0.0-beta5 form (`tests/tutorial/beta5/`, the successor
//! format): every wire test of the alpha3 steps (tutorial.rs, tutorial_step3.rs,
//! tutorial_skill.rs) runs again on the beta5 twin of each step, so both generations are shown to
//! behave the same in front of the same local registry.

mod steps_1_to_6 {
    // The tutorial's specs have no descriptions on their consumes: the linter's warnings are
    // expected here (they are compiler warnings at the spec's line).
    #[allow(deprecated)]
    mod step1 {
        naftiko_runtime::naftiko_capability!("tutorial/beta5/step-1-shipyard-mock.yml");
    }
    #[allow(deprecated)]
    mod step2 {
        naftiko_runtime::naftiko_capability!("tutorial/beta5/step-2-shipyard-wiring.yml");
    }
    // Step 4 reads the registry's credentials and the MCP server's token from
    // `shared/secrets.yaml` (binds with `location`); step 3, which does too, is served by
    // `tutorial_step3.rs`.
    #[allow(deprecated)]
    mod step4 {
        naftiko_runtime::naftiko_capability!("tutorial/beta5/step-4-shipyard-output-shaping.yml");
    }
    // Both consumed APIs are imported from `shared/`; every credential, the MCP server's token
    // included, is read from `shared/secrets.yaml` (binds with `location`).
    #[allow(deprecated)]
    mod step5 {
        naftiko_runtime::naftiko_capability!("tutorial/beta5/step-5-shipyard-multi-source.yml");
    }

    // Step 6 adds a write operation whose raw JSON body puts arrays unquoted (`"crewIds":
    // {{crewIds}}`): each such placeholder is a JSON value, not text.
    #[allow(deprecated)]
    mod step6 {
        naftiko_runtime::naftiko_capability!("tutorial/beta5/step-6-shipyard-write-operations.yml");
    }

    include!("tutorial/steps_1_to_6.rs");
}

mod step_3 {
    // The tutorial's spec has no description on its consumes: the linter's warning is expected.
    #[allow(deprecated)]
    mod step3 {
        naftiko_runtime::naftiko_capability!("tutorial/beta5/step-3-shipyard-auth.yml");
    }

    include!("tutorial/step_3.rs");
}

mod steps_7_to_11 {
    // The tutorial's specs have no descriptions on their consumes: the linter's warnings are
    // expected here (they are compiler warnings at the spec's line).
    #[allow(deprecated)]
    mod step7 {
        naftiko_runtime::naftiko_capability!(
            "tutorial/beta5/step-7-shipyard-orchestrated-lookup.yml"
        );
    }
    #[allow(deprecated)]
    mod step8 {
        naftiko_runtime::naftiko_capability!("tutorial/beta5/step-8-shipyard-skill-groups.yml");
    }
    #[allow(deprecated)]
    mod step9 {
        naftiko_runtime::naftiko_capability!("tutorial/beta5/step-9-shipyard-aggregates.yml");
    }
    #[allow(deprecated)]
    mod step10 {
        naftiko_runtime::naftiko_capability!("tutorial/beta5/step-10-shipyard-rest-adapter.yml");
    }
    #[allow(deprecated)]
    mod step11 {
        naftiko_runtime::naftiko_capability!("tutorial/beta5/step-11-shipyard-fleet-manifest.yml");
    }

    include!("tutorial/steps_7_to_11.rs");
}
