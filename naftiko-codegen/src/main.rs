//! `naftiko-codegen check SPEC...` and `naftiko-codegen expand SPEC`: the library's diagnostics
//! and generated code, for developers regenerating bindings without a build.

use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage:
  naftiko-codegen check SPEC...    check specs; prints every error, exit 1 if any
  naftiko-codegen expand SPEC      print the generated Rust code, pretty-printed
  naftiko-codegen openapi SPEC     print the OpenAPI document of each REST adapter";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.split_first() {
        Some((cmd, specs)) if cmd == "check" && !specs.is_empty() => check(specs),
        Some((cmd, [spec])) if cmd == "expand" => with_spec(spec, |c| {
            print!("{}", naftiko_codegen::expand_pretty(c, None))
        }),
        Some((cmd, [spec])) if cmd == "openapi" => with_spec(spec, |c| {
            for r in &c.rest {
                let doc = naftiko_codegen::emit::openapi_document(c, r);
                println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            }
        }),
        Some((cmd, _)) if cmd == "-h" || cmd == "--help" || cmd == "help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn with_spec(spec: &str, f: impl FnOnce(&naftiko_codegen::ir::Capability)) -> ExitCode {
    match naftiko_codegen::load(Path::new(spec), spec) {
        Ok(c) => {
            f(&c);
            ExitCode::SUCCESS
        }
        Err(e) => {
            for m in e.rendered() {
                eprintln!("error: {m}\n");
            }
            ExitCode::FAILURE
        }
    }
}

fn check(specs: &[String]) -> ExitCode {
    let mut failed = 0;
    for spec in specs {
        match naftiko_codegen::load(Path::new(spec), spec) {
            Ok(c) => {
                let tools: usize = c.mcp.iter().map(|m| m.tools.len()).sum();
                let routes: usize = c.rest.iter().map(|r| r.routes.len()).sum();
                let ops: usize = c.apis.iter().map(|a| a.operations.len()).sum();
                println!(
                    "ok: {spec} ({ops} consumed operations, {routes} REST routes, {tools} MCP tools)"
                );
            }
            Err(e) => {
                failed += 1;
                let n = e.rendered().len();
                for m in e.rendered() {
                    eprintln!("error: {m}\n");
                }
                eprintln!("{spec}: {n} error{}", if n == 1 { "" } else { "s" });
            }
        }
    }
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
