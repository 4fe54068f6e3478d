//! The `build.rs` front (the macro and the CLI are the other two): the generated code, pretty
//! printed, written to a file that the crate `include!`s. The file can be read, diffed and
//! stepped through like any source file.
//!
//! ```no_run
//! // The `main` of build.rs, with naftiko-codegen in `[build-dependencies]`:
//! let out_dir = std::env::var_os("OUT_DIR").expect("set by cargo");
//! let out = std::path::Path::new(&out_dir).join("billjob.rs");
//! if naftiko_codegen::generate_to_file("specs/billjob.yaml", &out).is_err() {
//!     std::process::exit(1); // the errors were printed as `cargo:warning` lines
//! }
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/billjob.rs"));`

use crate::{LoadError, expand_pretty, load, load_tracked};
use std::path::{Path, PathBuf};

/// Why [`generate_to_file`] wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// The spec could not be read, or has mistakes.
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("cannot write `{}`: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The pretty-printed code generated for the spec at `spec` (relative paths are relative to
/// the current directory: in a build script, the package's directory).
pub fn generate(spec: impl AsRef<Path>) -> Result<String, LoadError> {
    let spec = spec.as_ref();
    let capability = load(spec, &spec.display().to_string())?;
    Ok(expand_pretty(&capability, None))
}

/// Generates the code of `spec` into `out`, for a build script. Tells cargo to rerun when the
/// spec changes; prints each warning of the spec as `cargo:warning` lines, and on mistakes
/// each error likewise (cargo shows them even though the build script fails) and returns it. The file is only rewritten
/// when its contents change, so an unchanged spec rebuilds nothing.
pub fn generate_to_file(
    spec: impl AsRef<Path>,
    out: impl AsRef<Path>,
) -> Result<(), GenerateError> {
    let (spec, out) = (spec.as_ref(), out.as_ref());
    println!("cargo:rerun-if-changed={}", spec.display());
    let print = |kind: &str, diagnostic: &str| {
        for line in format!("{kind}: {diagnostic}").lines() {
            println!("cargo:warning={line}");
        }
    };
    let loaded = load_tracked(spec, &spec.display().to_string()).inspect_err(|e| {
        e.imported()
            .iter()
            .for_each(|p| println!("cargo:rerun-if-changed={}", p.display()));
        e.rendered().iter().for_each(|d| print("error", d));
    })?;
    for p in &loaded.imported {
        println!("cargo:rerun-if-changed={}", p.display());
    }
    // MCP resource and prompt files are embedded in the generated code.
    for p in embedded_files(&loaded.capability) {
        println!("cargo:rerun-if-changed={p}");
    }
    let (capability, warnings) = (loaded.capability, loaded.warnings);
    warnings.iter().for_each(|w| print("warning", w));
    let code = expand_pretty(&capability, None);
    if std::fs::read_to_string(out).is_ok_and(|old| old == code) {
        return Ok(());
    }
    std::fs::write(out, code).map_err(|source| GenerateError::Write {
        path: out.to_path_buf(),
        source,
    })
}

/// The files MCP resources and prompts embed (absolute paths).
fn embedded_files(capability: &crate::ir::Capability) -> impl Iterator<Item = &str> {
    capability.mcp.iter().flat_map(|m| {
        let resources = m.resources.iter().filter_map(|r| match &r.kind {
            crate::ir::ResourceKind::File(p) => Some(p.as_str()),
            crate::ir::ResourceKind::Call(_) => None,
        });
        resources.chain(m.prompts.iter().filter_map(|p| p.file.as_deref()))
    })
}
