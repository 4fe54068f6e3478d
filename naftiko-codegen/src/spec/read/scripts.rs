//! `script` steps, once the whole spec is read: each takes its language, location and limits
//! from the control adapter's `management.scripting` where it sets none; files under a relative
//! location (`file:///./scripts`) are read and parsed now (a syntax error is located in the
//! script file, which the build then tracks), files under an absolute location are left to
//! start-up.

use super::imports::{Loader, compile_time_file};
use crate::diag::{Ctxt, Diagnostic, Pos, Span};
use crate::spec::types::*;
use std::path::Path;

/// The languages a script step may name (the schema's), and whether this build runs each.
const LANGUAGES: [&str; 3] = ["javascript", "python", "groovy"];

pub(super) fn resolve_scripts(exposes: &mut [Exposes], loader: &mut Loader, d: &mut Ctxt) {
    let scripting = exposes
        .iter()
        .find_map(|e| match e {
            Exposes::Control(c) => c.scripting.clone(),
            _ => None,
        })
        .unwrap_or_default();
    if let Some(l) = &scripting.default_language {
        check_language(l, d);
    }
    for l in scripting.allowed_languages.iter().flatten() {
        check_language(l, d);
    }
    for e in exposes.iter_mut() {
        let ops: Vec<&mut ExposedOperation> = match e {
            Exposes::Rest(r) => r
                .resources
                .iter_mut()
                .flat_map(|r| r.operations.iter_mut())
                .collect(),
            Exposes::Mcp(m) => {
                let mut ops: Vec<&mut ExposedOperation> = m.tools.iter_mut().collect();
                ops.extend(m.resources.iter_mut().filter_map(|r| match &mut r.source {
                    ResourceSource::Call(op) => Some(&mut **op),
                    ResourceSource::File { .. } => None,
                }));
                ops
            }
            Exposes::Skill(_) | Exposes::Control(_) => Vec::new(),
        };
        for op in ops {
            for step in &mut op.steps {
                let name = step.name.v.clone();
                if let StepKind::Script(s) = &mut step.kind {
                    resolve_script(&name, step.span, s, &scripting, loader, d);
                }
            }
        }
    }
}

fn check_language(l: &S<String>, d: &mut Ctxt) -> bool {
    if LANGUAGES.contains(&l.v.as_str()) {
        return true;
    }
    d.push(
        Diagnostic::new(l.span, format!("unknown script language `{}`", l.v))
            .with_help("`javascript` (`python` and `groovy` are not supported yet)"),
    );
    false
}

fn resolve_script(
    name: &str,
    span: Span,
    s: &mut ScriptStep,
    scripting: &ScriptingLimits,
    loader: &mut Loader,
    d: &mut Ctxt,
) {
    s.timeout_ms = scripting.timeout_ms.unwrap_or(DEFAULT_SCRIPT_TIMEOUT_MS);
    s.statement_limit = scripting
        .statement_limit
        .unwrap_or(DEFAULT_SCRIPT_STATEMENT_LIMIT);
    s.enabled = scripting.enabled;
    let language = match s.language.as_ref().or(scripting.default_language.as_ref()) {
        Some(l) => l.clone(),
        None => {
            d.push(
                Diagnostic::new(span, format!("script step `{name}` has no `language`"))
                    .with_help("add `language: javascript`, or `management.scripting.defaultLanguage` on the `control` adapter"),
            );
            return;
        }
    };
    if s.language.is_some() && !check_language(&language, d) {
        return;
    }
    if let Some(allowed) = &scripting.allowed_languages
        && !allowed.iter().any(|a| a.v == language.v)
    {
        let list: Vec<&str> = allowed.iter().map(|a| a.v.as_str()).collect();
        d.push(
            Diagnostic::new(
                language.span,
                format!(
                    "script step `{name}` is in `{}`, which the control adapter's `allowedLanguages` does not allow ({})",
                    language.v,
                    list.join(", ")
                ),
            )
            .with_help("add the language to `management.scripting.allowedLanguages`, or write the script in an allowed one"),
        );
        return;
    }
    match language.v.as_str() {
        "javascript" => {}
        "python" | "groovy" => {
            let why = if language.v == "python" {
                "only JavaScript is embedded: RustPython measured 81 s of build, 12 MB of binary and 1.9 ms a call, with no interrupt for the timeout and statement limit"
            } else {
                "only JavaScript is embedded: Groovy needs a JVM"
            };
            d.unsupported(
                language.span,
                format!("`language: {}` in a script step ({why})", language.v),
            );
            return;
        }
        _ => return,
    }
    let location = match s.location.as_ref().or(scripting.default_location.as_ref()) {
        Some(l) => l.clone(),
        None => {
            d.push(
                Diagnostic::new(span, format!("script step `{name}` has no `location`"))
                    .with_help("add `location: file:///./scripts` (a directory relative to the spec, read when it compiles) or an absolute `file:///...` directory read at start-up, or `management.scripting.defaultLocation` on the `control` adapter"),
            );
            return;
        }
    };
    // A directory: `file:///./scripts/` and `file:///./scripts` are the same.
    let trimmed = S::new(location.v.trim_end_matches('/').to_string(), location.span);
    let dir = match compile_time_file(loader, &trimmed) {
        Ok((path, display)) => (path, display),
        Err(why) => {
            d.push(
                Diagnostic::new(
                    location.span,
                    format!("script `location: {}` is not a directory: {why}", location.v),
                )
                .with_help("`file:///./scripts` (relative to the spec) or `file:///app/scripts` (absolute, read at start-up)"),
            );
            return;
        }
    };
    let relative = super::imports::location_path(&trimmed.v, false)
        .map(|p| !p.is_absolute())
        .unwrap_or(false);
    let mut files = Vec::new();
    let mut ok = true;
    for f in s.dependencies.iter().chain(std::iter::once(&s.file)) {
        if !safe_relative(&f.v) {
            d.push(
                Diagnostic::new(
                    f.span,
                    format!("script file `{}` must be a relative path inside the step's `location`", f.v),
                )
                .with_help("path segments of letters, digits, `.`, `_` and `-` (e.g. `lib/array-utils.js`), no `..`"),
            );
            ok = false;
            continue;
        }
        let path = dir.0.join(&f.v);
        if !relative {
            files.push(ScriptFile::Deployed {
                path: path.to_string_lossy().into_owned(),
            });
            continue;
        }
        let display = Path::new(&dir.1).join(&f.v).display().to_string();
        let Some((id, text)) = loader.read_text(&path, display.clone(), f.span, d) else {
            ok = false;
            continue;
        };
        if let Some((line, col, message)) = syntax_error(&display, &text) {
            d.push(
                Diagnostic::new(
                    Span {
                        file: id,
                        start: Pos::new(line, col),
                        end: Pos::new(line, col + 1),
                    },
                    format!("syntax error in script `{display}` (step `{name}`): {message}"),
                )
                .with_help(
                    "script files are JavaScript (ES2023) run as global code: fix the script",
                ),
            );
            ok = false;
        }
        files.push(ScriptFile::Embedded {
            path: path.to_string_lossy().into_owned(),
            name: display,
        });
    }
    if !cfg!(feature = "scripts") {
        d.push(
            Diagnostic::new(span, format!("script step `{name}` needs the `scripts` feature of naftiko-runtime"))
                .with_help("`naftiko-runtime = { ..., features = [\"scripts\"] }` in Cargo.toml: it builds the JavaScript engine"),
        );
        ok = false;
    }
    if ok {
        s.files = files;
    }
}

/// The timeout (ms) and statement limit of a script step when the control adapter sets none
/// (the reference engine's defaults).
pub(crate) const DEFAULT_SCRIPT_TIMEOUT_MS: u64 = 60_000;
pub(crate) const DEFAULT_SCRIPT_STATEMENT_LIMIT: u64 = 100_000;

/// `a/b-c.js`: segments of `[a-zA-Z0-9._-]+`, none `.` or `..` (the reference engine's rule).
fn safe_relative(p: &str) -> bool {
    !p.is_empty()
        && p.split('/').all(|seg| {
            !seg.is_empty()
                && seg != "."
                && seg != ".."
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        })
}

/// `(line, column, message)` of the syntax error in `text` (JavaScript), if any. Nothing of the
/// script runs: a `throw` put before it on its first line stops it once it has parsed (QuickJS
/// parses a whole script before running any of it).
#[cfg(feature = "scripts")]
fn syntax_error(name: &str, text: &str) -> Option<(usize, usize, String)> {
    use rquickjs::context::EvalOptions;
    const GUARD: &str = "throw null;";
    let rt = rquickjs::Runtime::new().ok()?;
    rt.set_memory_limit(256 << 20);
    rt.set_max_stack_size(1 << 20);
    let ctx = rquickjs::Context::full(&rt).ok()?;
    ctx.with(|ctx| {
        let mut o = EvalOptions::default();
        let t = text.trim_start();
        o.strict = t.starts_with("\"use strict\"") || t.starts_with("'use strict'");
        o.global = true;
        o.filename = Some(name.to_string());
        if ctx
            .eval_with_options::<(), _>(format!("{GUARD}{text}"), o)
            .is_ok()
        {
            return None;
        }
        let e = ctx.catch();
        let ex = e.as_exception()?;
        let message = ex.message().unwrap_or_default();
        let (line, col) = ex
            .stack()
            .unwrap_or_default()
            .lines()
            .find_map(|l| {
                let l = l.trim().strip_prefix("at ")?;
                let mut parts = l.rsplitn(3, ':');
                let col = parts.next()?.trim_end_matches(')').parse::<usize>().ok()?;
                let line = parts.next()?.parse::<usize>().ok()?;
                Some((line, col))
            })
            .unwrap_or((1, 1));
        let col = if line == 1 {
            col.saturating_sub(GUARD.len()).max(1)
        } else {
            col
        };
        Some((line, col, message))
    })
}

#[cfg(not(feature = "scripts"))]
fn syntax_error(_name: &str, _text: &str) -> Option<(usize, usize, String)> {
    None
}

#[cfg(all(test, feature = "scripts"))]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_located() {
        let e = syntax_error("x.js", "var a = 1;\nvar b = (;\n").unwrap();
        assert_eq!((e.0, e.1), (2, 10));
        assert!(e.2.contains("unexpected token"), "{}", e.2);
        assert_eq!(
            syntax_error("x.js", "x = )").map(|e| (e.0, e.1)),
            Some((1, 5))
        );
        assert_eq!(syntax_error("x.js", "while (true) {}"), None);
    }

    #[test]
    fn script_paths_stay_inside_their_location() {
        assert!(safe_relative("lib/array-utils.js"));
        assert!(!safe_relative("../x.js"));
        assert!(!safe_relative("/etc/passwd"));
        assert!(!safe_relative("a//b.js"));
        assert!(!safe_relative("a b.js"));
    }
}
