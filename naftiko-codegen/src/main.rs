//! `naftiko-codegen`: the library's diagnostics, generated code and OpenAPI documents from the
//! command line, for developers working on specs without a build (the CLI front; the macro and
//! `build.rs` are the other two).

use clap::{Parser, Subcommand};
use naftiko_codegen::{LoadError, emit, ir, load_with_warnings};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "naftiko-codegen",
    version,
    about = "Checks Naftiko capability specs and shows what they generate"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check specs: print every error and warning of every spec, exit 1 if any error
    Check {
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<PathBuf>,
        /// Exit 1 when a spec has warnings, too
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Print the Rust code generated for a spec, pretty-printed
    Expand {
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
    },
    /// Print the OpenAPI documents of the specs' REST adapters as one JSON document
    ///
    /// The document itself when there is one adapter, else an object keyed by
    /// `SPEC#NAMESPACE`. Errors go to stderr (exit 1); the JSON then holds the adapters of the
    /// valid specs.
    Openapi {
        #[arg(required = true, value_name = "SPEC")]
        specs: Vec<PathBuf>,
    },
    /// Rewrite a spec in the other generation of the format (naftiko alpha3 <-> Ikanos beta5)
    ///
    /// The source text is edited in place: comments, blank lines, quoting and key order are
    /// kept. What the target format cannot express is an error at its line, and nothing is
    /// written. Files the spec imports are not converted: convert each one.
    Convert {
        #[arg(value_name = "SPEC")]
        spec: PathBuf,
        /// The format to write
        #[arg(long, value_enum)]
        to: Target,
        /// Write here instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Target {
    /// `ikanos: 1.0.0-beta5`
    Beta5,
    /// `naftiko: 1.0.0-alpha3`
    Alpha3,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check {
            specs,
            deny_warnings,
        } => check(&specs, deny_warnings),
        Command::Expand { spec } => match load_reporting(&spec) {
            Some(c) => {
                print!("{}", naftiko_codegen::expand_pretty(&c, None));
                ExitCode::SUCCESS
            }
            None => ExitCode::FAILURE,
        },
        Command::Openapi { specs } => openapi(&specs),
        Command::Convert { spec, to, output } => convert(&spec, to, output.as_deref()),
    }
}

fn convert(spec: &Path, to: Target, output: Option<&Path>) -> ExitCode {
    let name = spec.display().to_string();
    let source = match std::fs::read_to_string(spec) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot read {name}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let to = match to {
        Target::Beta5 => naftiko_codegen::convert::Format::Beta5,
        Target::Alpha3 => naftiko_codegen::convert::Format::Alpha3,
    };
    match naftiko_codegen::convert::convert(&source, to) {
        Ok(text) => match output {
            None => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Some(out) => match std::fs::write(out, text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot write {}: {e}", out.display());
                    ExitCode::FAILURE
                }
            },
        },
        Err(errors) => {
            for e in errors {
                eprintln!("error: {}\n", e.render(&name, &source));
            }
            ExitCode::FAILURE
        }
    }
}

/// Loads a spec; prints its warnings, or on failure its errors, to stderr.
fn load_reporting(spec: &Path) -> Option<ir::Capability> {
    load_with_warnings(spec, &spec.display().to_string())
        .inspect_err(report)
        .ok()
        .map(|(c, warnings)| {
            report_warnings(&warnings);
            c
        })
}

fn report_warnings(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}\n");
    }
}

fn report(e: &LoadError) {
    for m in e.rendered() {
        eprintln!("error: {m}\n");
    }
}

fn check(specs: &[PathBuf], deny_warnings: bool) -> ExitCode {
    let mut failed = false;
    for spec in specs {
        match load_with_warnings(spec, &spec.display().to_string()) {
            Ok((c, warnings)) => {
                report_warnings(&warnings);
                let n = warnings.len();
                if n > 0 {
                    eprintln!(
                        "{}: {n} warning{}",
                        spec.display(),
                        if n == 1 { "" } else { "s" }
                    );
                }
                failed |= deny_warnings && n > 0;
                let tools: usize = c.mcp.iter().map(|m| m.tools.len()).sum();
                let routes: usize = c.rest.iter().map(|r| r.routes.len()).sum();
                let ops: usize = c.apis.iter().map(|a| a.operations.len()).sum();
                println!(
                    "ok: {} ({ops} consumed operations, {routes} REST routes, {tools} MCP tools)",
                    spec.display()
                );
            }
            Err(e) => {
                failed = true;
                report(&e);
                if matches!(e, LoadError::Invalid { .. }) {
                    eprintln!("{e}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn openapi(specs: &[PathBuf]) -> ExitCode {
    let mut failed = false;
    let mut documents = Vec::new();
    for spec in specs {
        let Some(c) = load_reporting(spec) else {
            failed = true;
            continue;
        };
        for r in &c.rest {
            let key = format!("{}#{}", spec.display(), r.namespace);
            documents.push((key, emit::openapi_document(&c, r)));
        }
    }
    let json = if documents.len() == 1 {
        documents.remove(0).1
    } else {
        serde_json::Value::Object(documents.into_iter().collect())
    };
    match serde_json::to_string_pretty(&json) {
        Ok(text) => println!("{text}"),
        Err(e) => {
            eprintln!("error: cannot print the OpenAPI document: {e}");
            failed = true;
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
