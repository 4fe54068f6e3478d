//! `naftiko_capability!("specs/x.yaml")`: compiles a Naftiko capability spec into a typed client
//! per consumed API, axum routes per `rest` adapter and MCP tools per `mcp` adapter.
//!
//! A shell around `naftiko-codegen`: find the file, run the library, turn its diagnostics into
//! `compile_error!`s next to a skeleton of the generated items (so the caller's code that uses
//! them reports nothing else). Use it through `naftiko_runtime::naftiko_capability!`.

use proc_macro::TokenStream;
use quote::quote_spanned;
use std::path::{Path, PathBuf};

/// Generates the code of a capability spec. The path is resolved against the calling crate's
/// directory (`CARGO_MANIFEST_DIR`), then its ancestors up to the workspace root.
#[proc_macro]
pub fn naftiko_capability(input: TokenStream) -> TokenStream {
    let lit = match syn::parse::<syn::LitStr>(input) {
        Ok(l) => l,
        Err(e) => {
            let msg = format!(
                "{e}; expected the path of a spec, e.g. naftiko_capability!(\"specs/billjob.yaml\")"
            );
            return syn::Error::new(e.span(), msg).to_compile_error().into();
        }
    };
    let started = std::time::Instant::now();
    let out = expand(&lit).unwrap_or_else(|e| e);
    record_timing(&lit, started.elapsed());
    out.into()
}

/// With `NAFTIKO_MACRO_TIMINGS` naming a file, each expansion appends a line to it: the spec's
/// path as written, a tab, and the expansion's wall time in microseconds. `bench/run.sh` reads
/// it to say how much of a rebuild the macro takes. Off (and free) without the variable.
fn record_timing(spec: &syn::LitStr, elapsed: std::time::Duration) {
    use std::io::Write;
    let Some(path) = std::env::var_os("NAFTIKO_MACRO_TIMINGS") else {
        return;
    };
    let line = format!("{}\t{}\n", spec.value(), elapsed.as_micros());
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = f.write_all(line.as_bytes());
    }
}

fn expand(lit: &syn::LitStr) -> Result<proc_macro2::TokenStream, proc_macro2::TokenStream> {
    let span = lit.span();
    let error = |messages: Vec<String>| {
        let errors = messages
            .into_iter()
            .map(|m| quote_spanned! {span=> ::core::compile_error!(#m);});
        quote_spanned! {span=> #(#errors)* }
    };
    let requested = lit.value();
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_default();
    let tried = candidates(&manifest, Path::new(&requested));
    let Some(found) = tried.iter().find(|p| p.is_file()) else {
        let list: Vec<String> = tried
            .iter()
            .map(|p| format!("  - {}", p.display()))
            .collect();
        return Err(error(vec![format!(
            "spec `{requested}` not found; looked in:\n{}",
            list.join("\n")
        )]));
    };
    let found = found.canonicalize().unwrap_or_else(|_| found.clone());
    // Errors name the file as the user wrote it, relative to where it was found.
    // Imported files are tracked like the spec: editing any of them rebuilds.
    match naftiko_codegen::load_tracked(&found, &requested) {
        Ok(loaded) => {
            let mut out = naftiko_codegen::expand_tracked(&loaded, &found);
            out.extend(loaded.warnings.iter().map(|w| warning(span, w)));
            Ok(out)
        }
        Err(e) => {
            // Keep the files dependencies of the build even when they are invalid.
            let path = found.to_string_lossy().into_owned();
            let mut out = error(e.rendered());
            out.extend(quote_spanned! {span=> const _: &[u8] = ::core::include_bytes!(#path);});
            out.extend(naftiko_codegen::emit::includes(e.imported()));
            out.extend(e.skeleton());
            Err(out)
        }
    }
}

/// A compiler warning at `span` on stable Rust, which has no API for it: the use of a
/// deprecated constant whose note is the message. It never fails the build (unless the crate
/// denies warnings).
fn warning(span: proc_macro2::Span, message: &str) -> proc_macro2::TokenStream {
    let note = format!("naftiko spec warning: {message}");
    quote_spanned! {span=>
        const _: () = {
            #[deprecated(note = #note)]
            #[allow(non_upper_case_globals)]
            const naftiko_spec_warning: () = ();
            naftiko_spec_warning
        };
    }
}

/// `CARGO_MANIFEST_DIR/<path>`, then the same under each ancestor up to the workspace root
/// (the first ancestor whose `Cargo.toml` declares `[workspace]`), or the filesystem root.
fn candidates(manifest: &Path, requested: &Path) -> Vec<PathBuf> {
    if requested.is_absolute() {
        return vec![requested.to_path_buf()];
    }
    let mut out = Vec::new();
    for dir in manifest.ancestors() {
        out.push(dir.join(requested));
        let is_workspace_root = std::fs::read_to_string(dir.join("Cargo.toml"))
            .is_ok_and(|t| t.lines().any(|l| l.trim_start().starts_with("[workspace]")));
        if is_workspace_root {
            break;
        }
    }
    out
}
