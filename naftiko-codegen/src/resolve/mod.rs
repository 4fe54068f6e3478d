//! Semantic checks: resolves every reference of a [`Spec`] into the [`ir`] model, or reports why
//! it cannot. Each `check_*`/`resolve_*` function owns one rule of the dialect (see the
//! [crate docs](crate#how-specs-are-read-the-dialect)); all of them run, so one build reports
//! every mistake.
//!
//! One module per concern: `binds` and `templates` (variables read from the environment),
//! `auth`, `api` and `operation` (consumed APIs), `body` (JSON body templates), `output`
//! (mappings), `rest` and `mcp` (adapters), `exposed` (what feeds each parameter of a call, in
//! named steps) and `suggest` ("did you mean").

mod api;
mod auth;
mod binary;
mod binds;
mod body;
mod control;
mod exposed;
mod forward;
mod inbound;
mod mcp;
mod operation;
mod output;
mod resources;
mod rest;
mod skill;
pub(crate) mod suggest;
mod templates;

use crate::diag::{Ctxt, Span};
use crate::ir;
use crate::names::Names;
use crate::spec::{self, S, Spec};
use api::resolve_api;
use binds::resolve_binds;
use mcp::resolve_mcp;
use rest::resolve_rest;
use std::collections::HashMap;

pub fn resolve(spec: &Spec, d: &mut Ctxt) -> ir::Capability {
    let binds = resolve_binds(spec, d);
    // `<namespace>.x` names an input, whichever adapter's namespace it is.
    let exposes_namespaces = exposes_namespaces(spec);
    let mut modules = Names::default();
    let mut apis: Vec<ir::Api> = Vec::new();
    let mut api_spans: HashMap<String, Span> = HashMap::new();
    for c in &spec.consumes {
        let what = || format!("consumed namespace `{}`", c.namespace.v);
        if is_duplicate(
            &mut api_spans,
            c.namespace.v.clone(),
            c.namespace.span,
            what,
            d,
        ) {
            continue;
        }
        apis.push(resolve_api(c, &binds, &exposes_namespaces, &mut modules, d));
    }
    exposed::open_bodies(spec, &mut apis);
    let mut rest = Vec::new();
    let mut mcp = Vec::new();
    let mut control = None;
    let mut ports: HashMap<(String, u16), (Span, String)> = HashMap::new();
    let mut namespaces: HashMap<String, Span> = api_spans.clone();
    let mut check_adapter = |ns: &S<String>, address: &str, port: Option<&S<u16>>, d: &mut Ctxt| {
        is_duplicate(
            &mut namespaces,
            ns.v.clone(),
            ns.span,
            || format!("namespace `{}`", ns.v),
            d,
        );
        if let Some(port) = port {
            let key = (address.to_string(), port.v);
            if let Some((first, other)) = ports.get(&key) {
                d.error(
                    port.span,
                    format!("two adapters on one port: `{}` and `{other}` (line {}) both listen on {address}:{}", ns.v, first.start.line, port.v),
                );
            } else {
                ports.insert(key, (port.span, ns.v.clone()));
            }
        }
    };
    // Retries are allowed where an exposure says the call is idempotent.
    let mut idempotent_hint: HashMap<(usize, usize), bool> = HashMap::new();
    for e in &spec.exposes {
        match e {
            spec::Exposes::Rest(r) => {
                let address = r.address.as_ref().map_or("127.0.0.1", |a| a.v.as_str());
                check_adapter(&r.namespace, address, Some(&r.port), d);
                rest.push(resolve_rest(
                    r,
                    &apis,
                    &binds,
                    &exposes_namespaces,
                    &mut modules,
                    d,
                ));
            }
            spec::Exposes::Mcp(m) => {
                let address = m.address.as_ref().map_or("127.0.0.1", |a| a.v.as_str());
                let port = if m.transport == spec::Transport::Http {
                    m.port.as_ref()
                } else {
                    None
                };
                check_adapter(&m.namespace, address, port, d);
                let adapter = resolve_mcp(m, &apis, &binds, &exposes_namespaces, &mut modules, d);
                for t in &adapter.tools {
                    if let (Some(i), Some(target)) = (t.idempotent, &t.call.target) {
                        let e = idempotent_hint
                            .entry((target.api, target.operation))
                            .or_insert(i);
                        *e &= i;
                    }
                }
                mcp.push(adapter);
            }
            spec::Exposes::Skill(_) => {}
            spec::Exposes::Control(c) => control::resolve_control(c, &binds, &mut control, d),
        }
    }
    // Skills derive from the other adapters: resolved once those are.
    let mut skills = Vec::new();
    for e in &spec.exposes {
        if let spec::Exposes::Skill(s) = e {
            let address = s.address.as_ref().map_or("127.0.0.1", |a| a.v.as_str());
            check_adapter(&s.namespace, address, Some(&s.port), d);
            let auth = s
                .auth
                .as_ref()
                .and_then(|a| inbound::resolve_inbound(a, &binds, false, d));
            skills.push(skill::resolve_skill(
                s,
                spec,
                &rest,
                &mcp,
                auth,
                &mut modules,
                d,
            ));
        }
    }
    // Bound variables that `with` values read: the clients read them when they are built.
    let calls = rest
        .iter()
        .flat_map(|r: &ir::RestAdapter| r.routes.iter().map(|r| &r.call))
        .chain(
            mcp.iter()
                .flat_map(|m: &ir::McpAdapter| m.tools.iter().map(|t| &t.call)),
        )
        .chain(mcp.iter().flat_map(|m: &ir::McpAdapter| {
            m.resources.iter().filter_map(|r| match &r.kind {
                ir::ResourceKind::Call(c) => Some(&**c),
                ir::ResourceKind::File(_) => None,
            })
        }));
    for call in calls {
        let steps = call.steps.iter().filter_map(|s| match &s.kind {
            ir::StepKind::Call(t) => Some(t),
            ir::StepKind::Lookup { .. } | ir::StepKind::Script { .. } => None,
        });
        for t in call.target.iter().chain(steps) {
            for arg in &t.args {
                if let ir::Arg::Env(template) = arg {
                    for v in template.env_vars() {
                        let env = &mut apis[t.api].request_env;
                        if !env.iter().any(|e| e == v) {
                            env.push(v.to_string());
                        }
                    }
                }
            }
        }
    }
    for ((a, o), idempotent) in idempotent_hint {
        let op = &mut apis[a].operations[o];
        op.idempotent = op.idempotent || idempotent;
    }
    let scripts = number_scripts(&mut rest, &mut mcp);
    ir::Capability {
        title: spec
            .title
            .clone()
            .unwrap_or_else(|| "Naftiko capability".to_string()),
        description: spec.description.clone(),
        apis,
        rest,
        mcp,
        skills,
        control,
        file_vars: binds::file_vars(spec),
        scripts,
    }
}

/// Numbers the script steps of every call in order, and lists what each runs.
fn number_scripts(rest: &mut [ir::RestAdapter], mcp: &mut [ir::McpAdapter]) -> Vec<ir::Script> {
    let mut scripts = Vec::new();
    let calls = rest
        .iter_mut()
        .flat_map(|r| r.routes.iter_mut().map(|r| &mut r.call))
        .chain(mcp.iter_mut().flat_map(|m| {
            m.tools
                .iter_mut()
                .map(|t| &mut t.call)
                .chain(m.resources.iter_mut().filter_map(|r| match &mut r.kind {
                    ir::ResourceKind::Call(c) => Some(&mut **c),
                    ir::ResourceKind::File(_) => None,
                }))
        }));
    for call in calls {
        for step in &mut call.steps {
            if let ir::StepKind::Script { index, def, .. } = &mut step.kind {
                *index = scripts.len();
                scripts.push(def.clone());
            }
        }
    }
    scripts
}

/// Whether `prefix.x` names the exposed input `x`: `rest`, `tools` or an exposed adapter's
/// namespace (`namespaces`). Such a reference is never a literal.
pub(super) fn is_input_prefix(prefix: &str, namespaces: &[String]) -> bool {
    matches!(prefix, "rest" | "tools") || namespaces.iter().any(|n| n == prefix)
}

/// The namespaces of the exposed adapters.
fn exposes_namespaces(spec: &Spec) -> Vec<String> {
    spec.exposes
        .iter()
        .filter_map(|e| match e {
            spec::Exposes::Rest(r) => Some(r.namespace.v.clone()),
            spec::Exposes::Mcp(m) => Some(m.namespace.v.clone()),
            spec::Exposes::Skill(s) => Some(s.namespace.v.clone()),
            spec::Exposes::Control(_) => None,
        })
        .collect()
}

/// Records where `key` is first defined. A repeat is reported at `span` as `duplicate <what>`,
/// naming the line of the first; the result says whether `key` was already there.
pub(super) fn is_duplicate<K: Eq + std::hash::Hash>(
    seen: &mut HashMap<K, Span>,
    key: K,
    span: Span,
    what: impl FnOnce() -> String,
    d: &mut Ctxt,
) -> bool {
    match seen.entry(key) {
        std::collections::hash_map::Entry::Occupied(first) => {
            let line = first.get().start.line;
            d.error(
                span,
                format!("duplicate {} (first defined at line {line})", what()),
            );
            true
        }
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(span);
            false
        }
    }
}
