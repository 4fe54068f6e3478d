//! Turns a Naftiko capability spec (`naftiko: 1.0.0-alpha2`) into Rust: a typed client per
//! consumed API, axum routes per `rest` adapter and MCP tools per `mcp` adapter.
//!
//! The pipeline, one module per stage:
//! [`yaml`] (a YAML tree with positions) → [`spec`] (the spec as written, shape-checked) →
//! [`resolve`] (semantic checks) → [`ir`] (the resolved model) → [`emit`] (Rust code).
//! Every stage collects [`diag::Diagnostic`]s instead of stopping at the first, so one build
//! shows every mistake, each at its file, line and column.
//!
//! # How specs are read (the dialect)
//! Published specs break the official alpha2 schema in consistent ways; we accept the published
//! dialect and give each construct one meaning:
//! - `naftiko` must be `1.0.0-alpha2` or `1.0.0-alpha3`; `info.label` or `info.title` names it.
//! - `binds[].keys` maps a variable to the environment variable it is read from at start-up.
//!   `{{VAR}}`, `{{ns.VAR}}` and, in `with`, a bare `ns.VAR` (where `ns` is a bind namespace)
//!   name a bind; anything unresolvable is an error.
//! - Consumed paths take `{x}` or `{{x}}` placeholders; a placeholder without an `in: path`
//!   parameter is an implicit required string parameter. Values are percent-encoded as exactly
//!   one segment at run time (empty, `.` and `..` are refused).
//! - `inputParameters` carry `name`, `in`, `type`, `description`, `required`, and optionally a
//!   `value` (a constant, a bind template, or `{{tools.x}}` naming the input that feeds it).
//!   One `in: body` parameter is the whole JSON body; several are the fields of one object.
//! - In `with`, `rest.X`, `tools.X`, `<adapter-namespace>.X` and `{{X}}` reference the exposed
//!   input `X`; other values are constants. A reference to nothing is an error. Inputs are
//!   declared (`inputParameters`) or inferred from the references, typed from the consumed
//!   parameter each feeds; a REST reference that matches a path variable ASCII
//!   case-insensitively is a path input (`{orgid}` ← `rest.orgId`). A required consumed
//!   parameter nothing feeds passes through from a same-named input, or is an error.
//! - `mapping: $.` returns the upstream JSON unchanged; other mappings are RFC 9535 JSONPath,
//!   parsed at compile time.
//! - Auth: `bearer`, `basic`, `apikey` (header or query). Other types, and the constructs listed
//!   in [`diag::Severity::Unsupported`] diagnostics (`steps`, `forward`, `aggregates`, skill /
//!   http / control adapters, imported consumes, `location` binds, ...), are rejected with a
//!   message saying "not supported yet".

pub mod diag;
pub mod emit;
pub mod ir;
pub mod names;
pub mod resolve;
pub mod spec;
pub mod yaml;

use diag::{Ctxt, Diagnostic};
use std::path::{Path, PathBuf};

/// Reads and checks a spec held in memory.
pub fn check_str(source: &str) -> Result<ir::Capability, Vec<Diagnostic>> {
    let root = yaml::parse(source)?;
    let mut cx = Ctxt::new();
    let Some(spec) = spec::read(&root, &mut cx) else {
        return Err(cx.check().err().unwrap_or_default());
    };
    let capability = resolve::resolve(&spec, &mut cx);
    cx.check().map(|()| capability)
}

/// A spec that failed to load: the file could not be read, or it has mistakes.
#[derive(Debug)]
pub enum LoadError {
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    Invalid {
        display_path: String,
        source: String,
        diagnostics: Vec<Diagnostic>,
    },
}

impl LoadError {
    /// Every error rendered like rustc: message, `--> file:line:col`, the source line, a caret.
    pub fn rendered(&self) -> Vec<String> {
        match self {
            LoadError::Io { path, error } => {
                vec![format!("cannot read spec `{}`: {error}", path.display())]
            }
            LoadError::Invalid {
                display_path,
                source,
                diagnostics,
            } => diagnostics
                .iter()
                .map(|d| d.render(display_path, source))
                .collect(),
        }
    }
}

/// Reads and checks a spec file. `display_path` is how errors name the file.
pub fn load(path: &Path, display_path: &str) -> Result<ir::Capability, LoadError> {
    let source = std::fs::read_to_string(path).map_err(|error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    check_str(&source).map_err(|diagnostics| LoadError::Invalid {
        display_path: display_path.to_string(),
        source,
        diagnostics,
    })
}

/// Generated code for a checked capability, pretty-printed (what `naftiko-codegen expand` prints).
pub fn expand_pretty(capability: &ir::Capability, spec_path: Option<&Path>) -> String {
    let tokens = emit::capability(capability, spec_path);
    match syn::parse2::<syn::File>(tokens.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => tokens.to_string(),
    }
}
