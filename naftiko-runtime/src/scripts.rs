//! `script` steps of orchestrated operations and tools: JavaScript run by an embedded engine
//! (QuickJS through [rquickjs](https://crates.io/crates/rquickjs)), under the limits of the
//! spec's control adapter (`management.scripting`).
//!
//! ## What a script sees and gives
//! As in the reference engine, a script reads one global object, `context`: the operation's
//! inputs by name, then the answers of the steps written before it (by step name), then the
//! step's own `with` entries. Its dependencies are evaluated first, in order, in the same global
//! scope, then its file. Its answer is what it assigns to the global `result` (converted through
//! JSON: functions and `undefined` members are dropped); a script that assigns nothing records
//! no answer for its step, so mappings reading it select nothing.
//!
//! Each run gets a fresh engine (a QuickJS runtime and context, about 0.1 ms): no state leaks
//! between calls. The engine has no host access at all: no file system, network, process,
//! environment or timers.
//!
//! ## Limits
//! - `timeout` (ms, default [`DEFAULT_TIMEOUT_MS`]) and `statementLimit` (default
//!   [`DEFAULT_STATEMENT_LIMIT`]) come from the control adapter's `management.scripting`. Both
//!   are enforced by QuickJS's interrupt handler, which the engine polls once per
//!   [`STATEMENTS_PER_POLL`] backward jumps, function calls and iterations of built-in loops:
//!   the statement limit counts those (not source statements as GraalVM does) in units of
//!   [`STATEMENTS_PER_POLL`], rounded up, and the timeout is checked at the same points.
//! - `enabled: false`, or without it the environment variable `NAFTIKO_SCRIPTING=false`, fails
//!   every script step (read at start-up).
//! - Operator options (environment variables, read when the `Upstreams` are built):
//!   `NAFTIKO_SCRIPT_MAX_CONCURRENT` (default: the number of CPUs) scripts run at once, each on
//!   tokio's blocking pool, never on the async workers; further ones wait.
//!   `NAFTIKO_SCRIPT_MEMORY_BYTES` (default [`DEFAULT_MEMORY_BYTES`]) bounds each script's heap;
//!   its stack is bounded to [`STACK_BYTES`].
//!
//! A script over a limit, or one that throws, fails its step: a `500` problem response on REST,
//! an error result on MCP, naming the step and the limit. Neither a script nor its input can
//! panic the server.
//!
//! ## Files
//! Scripts under a relative `location` (`file:///./scripts`) are read, and their syntax
//! checked, when the spec is compiled, and embedded in the binary. Under an absolute location
//! (`file:///app/scripts`) they are read (and checked) when the `Upstreams` are built, so a
//! missing file stops the start-up with an error naming it.
//!
//! ## Why QuickJS
//! Measured 2026-12-03 on the shared 2-core machine (a scratch crate, cold builds of the engine
//! and its dependencies): `rquickjs` 0.14 builds in 9.7 s (debug) / 28.9 s (release) and adds
//! 1.2 MB to a stripped release binary; a call (new runtime and context, a filter over a small
//! array) takes 0.10 ms; its interrupt handler stops an infinite loop on time. `boa_engine`
//! 0.22 builds in 54.6 s / 120.5 s, adds 12.7 MB, takes 0.31 ms a call, and has no interrupt:
//! only loop-iteration and recursion limits, so no wall-clock timeout. The engine is behind this
//! crate's `scripts` feature, so that capabilities without script steps do not build it.

use crate::client::{ConfigError, Error};
use serde_json::{Map, Value};
use std::sync::Arc;

/// The timeout of a script step when the control adapter sets none (ms), as the reference
/// engine's.
pub const DEFAULT_TIMEOUT_MS: u64 = 60_000;
/// The statement limit of a script step when the control adapter sets none.
pub const DEFAULT_STATEMENT_LIMIT: u64 = 100_000;
/// How many statements (backward jumps, calls, built-in loop iterations) run between two polls
/// of the engine's interrupt handler: the unit of the statement limit.
pub const STATEMENTS_PER_POLL: u64 = 10_000;
/// The heap of one script run when `NAFTIKO_SCRIPT_MEMORY_BYTES` is not set.
pub const DEFAULT_MEMORY_BYTES: usize = 64 << 20;
/// The stack of one script run.
pub const STACK_BYTES: usize = 512 << 10;

/// The limits of `management.scripting` (defaults when the spec has no control adapter or
/// sets none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub timeout_ms: u64,
    pub statement_limit: u64,
    /// `enabled`; `None`: the environment variable `NAFTIKO_SCRIPTING` decides (`false`
    /// disables, anything else or nothing enables).
    pub enabled: Option<bool>,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        timeout_ms: DEFAULT_TIMEOUT_MS,
        statement_limit: DEFAULT_STATEMENT_LIMIT,
        enabled: None,
    };
}

/// One file of a script step.
#[derive(Debug)]
pub enum File {
    /// Read when the spec was compiled: its name (as the spec writes it) and text.
    Embedded {
        name: &'static str,
        text: &'static str,
    },
    /// Read when the `Upstreams` are built, from this absolute path.
    Deployed { path: &'static str },
}

/// A script step as the spec declares it: its dependencies then its main file, in the order
/// they are evaluated.
#[derive(Debug)]
pub struct ScriptDef {
    pub step: &'static str,
    pub files: &'static [File],
    pub limits: Limits,
}

/// The script steps of a capability, their files read: built once at start-up, cheap to clone.
#[derive(Clone)]
pub struct Scripts {
    inner: Arc<Inner>,
}

struct Inner {
    scripts: Vec<Loaded>,
    permits: Arc<tokio::sync::Semaphore>,
    memory_bytes: usize,
}

struct Loaded {
    step: &'static str,
    /// `(name, text)` in evaluation order.
    files: Arc<Vec<(String, String)>>,
    limits: Limits,
    /// Why every run of this step fails (scripting disabled), if it does.
    disabled: Option<&'static str>,
}

impl std::fmt::Debug for Scripts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scripts")
            .field(
                "steps",
                &self
                    .inner
                    .scripts
                    .iter()
                    .map(|s| s.step)
                    .collect::<Vec<_>>(),
            )
            .field("memory_bytes", &self.inner.memory_bytes)
            .finish()
    }
}

/// The value of operator option `name` (a positive integer), or `default`.
fn option(
    env: &dyn Fn(&str) -> Option<String>,
    name: &str,
    default: usize,
) -> Result<usize, ConfigError> {
    match env(name) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(ConfigError::InvalidVar {
                name: name.to_string(),
                reason: "expected a positive integer",
            }),
        },
    }
}

impl Scripts {
    /// Reads the files of `defs` (those deployed at an absolute location) and the operator's
    /// options from `env`. A missing or unreadable file, or one that does not parse, is an
    /// error naming it.
    pub fn load(
        defs: &'static [ScriptDef],
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        let max_concurrent = option(env, "NAFTIKO_SCRIPT_MAX_CONCURRENT", cpus)?;
        let memory_bytes = option(env, "NAFTIKO_SCRIPT_MEMORY_BYTES", DEFAULT_MEMORY_BYTES)?;
        let env_disabled =
            env("NAFTIKO_SCRIPTING").is_some_and(|v| v.trim().eq_ignore_ascii_case("false"));
        let mut scripts = Vec::with_capacity(defs.len());
        for def in defs {
            let mut files = Vec::with_capacity(def.files.len());
            for f in def.files {
                match f {
                    File::Embedded { name, text } => {
                        files.push(((*name).to_string(), (*text).to_string()));
                    }
                    File::Deployed { path } => {
                        let text =
                            std::fs::read_to_string(path).map_err(|e| ConfigError::ScriptFile {
                                step: def.step.to_string(),
                                path: (*path).to_string(),
                                reason: e.to_string(),
                            })?;
                        if let Some(why) = syntax_error(path, &text) {
                            return Err(ConfigError::ScriptFile {
                                step: def.step.to_string(),
                                path: (*path).to_string(),
                                reason: why,
                            });
                        }
                        files.push(((*path).to_string(), text));
                    }
                }
            }
            let disabled = match def.limits.enabled {
                Some(false) => {
                    Some("scripting is disabled by `management.scripting.enabled: false`")
                }
                None if env_disabled => Some("scripting is disabled by NAFTIKO_SCRIPTING=false"),
                _ => None,
            };
            scripts.push(Loaded {
                step: def.step,
                files: Arc::new(files),
                limits: def.limits,
                disabled,
            });
        }
        Ok(Scripts {
            inner: Arc::new(Inner {
                scripts,
                permits: Arc::new(tokio::sync::Semaphore::new(max_concurrent)),
                memory_bytes,
            }),
        })
    }

    /// Runs script `index` (of the `defs` given to [`Scripts::load`]) with `context` as its
    /// `context` global, off the async workers; its `result`, `None` when it assigns none.
    pub async fn run(&self, index: usize, context: Value) -> Result<Option<Value>, Error> {
        let Some(script) = self.inner.scripts.get(index) else {
            return Err(Error::Script {
                step: "<unknown>",
                reason: format!("no script number {index}"),
            });
        };
        let step = script.step;
        let fail = |reason: String| Error::Script { step, reason };
        if let Some(why) = script.disabled {
            return Err(fail(why.to_string()));
        }
        let permit = Arc::clone(&self.inner.permits)
            .acquire_owned()
            .await
            .map_err(|_| fail("the script workers are shut down".into()))?;
        let files = Arc::clone(&script.files);
        let limits = script.limits;
        let memory = self.inner.memory_bytes;
        let context = context.to_string();
        let joined = tokio::task::spawn_blocking(move || {
            let r = engine::run(&files, &context, limits, memory);
            drop(permit);
            r
        })
        .await;
        match joined {
            Ok(r) => r.map_err(fail),
            Err(e) => Err(fail(format!("the script engine failed: {e}"))),
        }
    }
}

/// Why `text` (a script file named `name`) does not parse as JavaScript, with its line and
/// column; `None` when it parses.
#[cfg(feature = "scripts")]
pub fn syntax_error(name: &str, text: &str) -> Option<String> {
    engine::syntax_error(name, text).map(|(line, col, msg)| format!("{name}:{line}:{col}: {msg}"))
}

#[cfg(not(feature = "scripts"))]
fn syntax_error(_name: &str, _text: &str) -> Option<String> {
    None
}

/// The `context` a script step reads: `inputs` (name and value), then the answers of the steps
/// in `earlier` that have one; its `with` entries are added with [`bind`].
pub fn bindings(
    inputs: Vec<(&'static str, Value)>,
    steps: &crate::steps::Context,
    earlier: &[&str],
) -> Value {
    let mut map = Map::new();
    for (k, v) in inputs {
        map.insert(k.to_string(), v);
    }
    for s in earlier {
        if let Some(v) = steps.answer(s) {
            map.insert((*s).to_string(), v.clone());
        }
    }
    Value::Object(map)
}

/// Sets `key` of a script's `context` (a `with` entry, which wins over an input or step of
/// the same name).
pub fn bind(context: &mut Value, key: &str, value: Value) {
    if let Value::Object(map) = context {
        map.insert(key.to_string(), value);
    }
}

/// A `with` value of a script step written as a Mustache template (`"{{org}}-x"`): each
/// `{{name}}` replaced by the value `name` has in `context` so far (text as it is, other
/// values as JSON; nothing when it has none, as the reference engine's Mustache renders).
pub fn render(template: &str, context: &Value) -> Value {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = after[..end].trim();
        match context.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) => out.push_str(s),
            Some(v) => out.push_str(&v.to_string()),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Value::String(out)
}

#[cfg(feature = "scripts")]
mod engine {
    use super::{Limits, STACK_BYTES, STATEMENTS_PER_POLL};
    use rquickjs::context::EvalOptions;
    use rquickjs::{Context, Ctx, Runtime};
    use serde_json::Value;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU8, Ordering};
    use std::time::{Duration, Instant};

    const RUNNING: u8 = 0;
    const TIMED_OUT: u8 = 1;
    const OVER_STATEMENTS: u8 = 2;

    fn options(name: &str, text: &str) -> EvalOptions {
        let mut o = EvalOptions::default();
        // Scripts are sloppy-mode global code (`result = ...` assigns a global), unless they
        // ask for strict mode themselves.
        let t = text.trim_start();
        o.strict = t.starts_with("\"use strict\"") || t.starts_with("'use strict'");
        o.global = true;
        o.filename = Some(name.to_string());
        o
    }

    /// The exception pending in `ctx` as one line: its message and where it was thrown.
    fn describe(ctx: &Ctx<'_>) -> String {
        let e = ctx.catch();
        if let Some(ex) = e.as_exception() {
            let name: Option<String> = ex.get("name").ok().flatten();
            let msg = ex.message().unwrap_or_default();
            let at = ex
                .stack()
                .and_then(|s| s.lines().next().map(|l| l.trim().to_string()))
                .filter(|l| !l.is_empty());
            let mut text = match name {
                Some(n) if !n.is_empty() => format!("{n}: {msg}"),
                _ => msg,
            };
            if let Some(at) = at {
                text.push_str(&format!(" ({at})"));
            }
            return text;
        }
        match ctx.json_stringify(e) {
            Ok(Some(s)) => format!("uncaught exception: {}", s.to_string().unwrap_or_default()),
            _ => "uncaught exception".into(),
        }
    }

    /// `(line, column, message)` of the syntax error in `text`, if any. The script is not run:
    /// a `throw` put before it on its first line stops it once it has parsed (QuickJS parses a
    /// whole script before running any of it).
    pub(super) fn syntax_error(name: &str, text: &str) -> Option<(usize, usize, String)> {
        const GUARD: &str = "throw null;";
        let rt = Runtime::new().ok()?;
        rt.set_memory_limit(super::DEFAULT_MEMORY_BYTES);
        rt.set_max_stack_size(STACK_BYTES);
        let ctx = Context::full(&rt).ok()?;
        ctx.with(|ctx| {
            let src = format!("{GUARD}{text}");
            if ctx
                .eval_with_options::<(), _>(src, options(name, text))
                .is_ok()
            {
                return None;
            }
            let e = ctx.catch();
            let ex = e.as_exception()?;
            let msg = ex.message().unwrap_or_default();
            let stack = ex.stack().unwrap_or_default();
            let (line, col) = stack
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
            Some((line, col, msg))
        })
    }

    /// Runs `files` in order in a fresh engine with `context` (JSON) as a global; the JSON of
    /// the `result` global. `Err` says why not, in a sentence.
    pub(super) fn run(
        files: &[(String, String)],
        context: &str,
        limits: Limits,
        memory: usize,
    ) -> Result<Option<Value>, String> {
        let rt = Runtime::new().map_err(|e| format!("cannot start the script engine: {e}"))?;
        rt.set_memory_limit(memory);
        rt.set_max_stack_size(STACK_BYTES);
        let stop = Arc::new(AtomicU8::new(RUNNING));
        let polls_allowed = limits.statement_limit.div_ceil(STATEMENTS_PER_POLL).max(1);
        let deadline = Instant::now() + Duration::from_millis(limits.timeout_ms);
        {
            let stop = Arc::clone(&stop);
            let mut polls: u64 = 0;
            rt.set_interrupt_handler(Some(Box::new(move || {
                polls += 1;
                if polls > polls_allowed {
                    stop.store(OVER_STATEMENTS, Ordering::Relaxed);
                    true
                } else if Instant::now() >= deadline {
                    stop.store(TIMED_OUT, Ordering::Relaxed);
                    true
                } else {
                    false
                }
            })));
        }
        let ctx = Context::full(&rt).map_err(|e| format!("cannot start the script engine: {e}"))?;
        let over = |stop: &AtomicU8| match stop.load(Ordering::Relaxed) {
            TIMED_OUT => Some(format!(
                "exceeded the timeout limit ({} ms)",
                limits.timeout_ms
            )),
            OVER_STATEMENTS => Some(format!(
                "exceeded the statement limit ({})",
                limits.statement_limit
            )),
            _ => None,
        };
        let result = ctx.with(|ctx| {
            let value = ctx
                .json_parse(context)
                .map_err(|_| format!("cannot pass the context: {}", describe(&ctx)))?;
            ctx.globals()
                .set("context", value)
                .map_err(|_| describe(&ctx))?;
            for (name, text) in files {
                if ctx
                    .eval_with_options::<(), _>(text.as_str(), options(name, text))
                    .is_err()
                {
                    return Err(describe(&ctx));
                }
            }
            let result: rquickjs::Value<'_> =
                ctx.globals().get("result").map_err(|_| describe(&ctx))?;
            if result.is_undefined() {
                return Ok(None);
            }
            let json = ctx
                .json_stringify(result)
                .map_err(|_| format!("its `result` is not JSON: {}", describe(&ctx)))?;
            match json {
                None => Ok(None),
                Some(s) => {
                    let s = s.to_string().map_err(|e| e.to_string())?;
                    serde_json::from_str(&s)
                        .map(Some)
                        .map_err(|e| format!("its `result` is not JSON: {e}"))
                }
            }
        });
        // An interrupted script surfaces as an exception; say which limit stopped it.
        match (result, over(&stop)) {
            (_, Some(limit)) => Err(limit),
            (r, None) => r,
        }
    }
}

#[cfg(not(feature = "scripts"))]
mod engine {
    use super::Limits;
    use serde_json::Value;

    pub(super) fn run(
        _files: &[(String, String)],
        _context: &str,
        _limits: Limits,
        _memory: usize,
    ) -> Result<Option<Value>, String> {
        Err(
            "this build has no script engine: enable the `scripts` feature of naftiko-runtime"
                .into(),
        )
    }
}

/// Expands to nothing when this crate has its `scripts` feature; otherwise to a compile error
/// saying so. Generated code for a spec with script steps invokes it.
#[cfg(feature = "scripts")]
#[macro_export]
macro_rules! require_scripts_feature {
    () => {};
}

/// Expands to nothing when this crate has its `scripts` feature; otherwise to a compile error
/// saying so. Generated code for a spec with script steps invokes it.
#[cfg(not(feature = "scripts"))]
#[macro_export]
macro_rules! require_scripts_feature {
    () => {
        ::core::compile_error!(
            "this spec has `script` steps: enable the `scripts` feature of naftiko-runtime (`naftiko-runtime = { ..., features = [\"scripts\"] }`), which builds their JavaScript engine"
        );
    };
}

#[cfg(all(test, feature = "scripts"))]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(src: &str, context: Value, limits: Limits) -> Result<Option<Value>, String> {
        engine::run(
            &[("t.js".into(), src.into())],
            &context.to_string(),
            limits,
            DEFAULT_MEMORY_BYTES,
        )
    }

    #[test]
    fn a_script_reads_context_and_assigns_result() {
        let r = run(
            "var xs = context['list'];\nresult = xs.filter(function (x) { return x.on; }).map(function (x) { return x.id; });",
            json!({"list": [{"id": 1, "on": true}, {"id": 2, "on": false}]}),
            Limits::DEFAULT,
        );
        assert_eq!(r, Ok(Some(json!([1]))));
        assert_eq!(run("var x = 1;", json!({}), Limits::DEFAULT), Ok(None));
        assert_eq!(
            run("result = null;", json!({}), Limits::DEFAULT),
            Ok(Some(Value::Null))
        );
    }

    #[test]
    fn limits_stop_endless_scripts() {
        let limits = Limits {
            timeout_ms: 100,
            statement_limit: u64::MAX,
            enabled: None,
        };
        let start = std::time::Instant::now();
        let e = run("while (true) {}", json!({}), limits).unwrap_err();
        assert!(e.contains("timeout limit (100 ms)"), "{e}");
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        let limits = Limits {
            timeout_ms: 60_000,
            statement_limit: 20_000,
            enabled: None,
        };
        let e = run("for (;;) { var x = 1; }", json!({}), limits).unwrap_err();
        assert!(e.contains("statement limit (20000)"), "{e}");
        // Within the budget: a short loop runs.
        let r = run(
            "var n = 0; for (var i = 0; i < 1000; i++) n++; result = n;",
            json!({}),
            limits,
        );
        assert_eq!(r, Ok(Some(json!(1000))));
    }

    #[test]
    fn errors_name_what_failed_without_panicking() {
        let e = run("result = context.x.y;", json!({}), Limits::DEFAULT).unwrap_err();
        assert!(e.contains("TypeError"), "{e}");
        let e = run("throw 42;", json!({}), Limits::DEFAULT).unwrap_err();
        assert!(e.contains("42"), "{e}");
        let e = run(
            "var a = []; for (;;) a.push(new Array(1e6).join('x'));",
            json!({}),
            Limits {
                timeout_ms: 10_000,
                statement_limit: u64::MAX,
                enabled: None,
            },
        )
        .unwrap_err();
        assert!(e.contains("memory") || e.contains("limit"), "{e}");
        let e = run(
            "function f(n) { return f(n + 1) + 1; }\nresult = f(0);",
            json!({}),
            Limits::DEFAULT,
        )
        .unwrap_err();
        assert!(e.contains("Maximum call stack size exceeded"), "{e}");
    }

    #[test]
    fn syntax_errors_are_located_and_nothing_runs() {
        assert_eq!(
            engine::syntax_error("x.js", "var a = 1;\nvar b = (;\n").map(|e| (e.0, e.1)),
            Some((2, 10))
        );
        assert_eq!(
            engine::syntax_error("x.js", "x = )").map(|e| (e.0, e.1)),
            Some((1, 5))
        );
        assert_eq!(engine::syntax_error("x.js", "while (true) {}"), None);
        assert!(engine::syntax_error("x.js", "'use strict';\nwith (a) {}").is_some());
    }

    #[test]
    fn templates_render_against_the_context() {
        let c = json!({"org": "acme", "n": 3});
        assert_eq!(render("{{org}}-{{ n }}-{{none}}", &c), json!("acme-3-"));
        assert_eq!(render("{{open", &c), json!("{{open"));
    }
}
