//! `capability.aggregates` and `ref`: a function of an aggregate is a reusable operation (a
//! `call`, `steps` or mock outputs, with inputs and outputs); an exposed operation or MCP tool
//! with `ref: <aggregate-namespace>.<function>` runs it. A `ref` is merged here, when the spec
//! is read, into the fields a hand-written operation has, so the resolver and the emitter see
//! an ordinary operation.
//!
//! What the operation inherits (as the reference engine does, plus the execution it resolves
//! at run time): `name` and `description` when it has none; the function's `call`, `with`,
//! `steps` and `mappings`; its `inputParameters` unless the operation declares its own (a REST
//! operation usually does, to place them in the path or query); its `outputParameters` unless
//! the operation declares its own. Hints are derived from `semantics` (`safe: true` →
//! `readOnly: true, destructive: false`; `safe: false` → `readOnly: false`; `idempotent` copied)
//! and each explicit hint overrides its derived value. An operation with `ref` cannot also have
//! `call`, `steps` or `mappings` (it would replace what it refers to); it may add `with` entries,
//! which override the function's entries of the same name.
//!
//! Inside a function, `<aggregate-namespace>.X` in a `with` value is a reference to the input
//! `X`, as `<exposes-namespace>.X` is in an exposed operation.

use super::exposes::{OpKind, read_exposed_operation};
use crate::diag::{Ctxt, Diagnostic};
use crate::resolve::suggest::{did_you_mean, listing, nearest};
use crate::spec::obj::Obj;
use crate::spec::types::*;
use crate::yaml::{Kind, Node};

/// Reads `capability.aggregates`: every function, with its aggregate's namespace.
pub(super) fn read_aggregates(node: &Node, d: &mut Ctxt) -> Vec<AggregateFunction> {
    let mut out = Vec::new();
    for agg in super::seq(node, "`capability.aggregates`", d) {
        let Some(mut o) = Obj::new(agg, "an aggregate", d) else {
            continue;
        };
        let namespace = o.req_str("namespace", d);
        o.req_str("label", d);
        let functions = o
            .list("functions", d, |f, d| {
                read_exposed_operation(f, OpKind::Function, d)
            })
            .unwrap_or_else(|| {
                d.error(agg.span, "missing required key `functions` in an aggregate");
                Vec::new()
            });
        o.finish(d);
        let Some(namespace) = namespace else {
            continue;
        };
        if functions.is_empty() && super::node_has_key(agg, "functions") {
            d.push(
                Diagnostic::new(agg.span, "an aggregate needs at least one function")
                    .with_help("add a function under `functions`, or remove the aggregate"),
            );
        }
        for mut op in functions {
            // `<aggregate-namespace>.X` references the function's input X.
            let prefix = format!("{}.", namespace.v);
            rewrite_refs(&mut op.with, &prefix);
            for s in &mut op.steps {
                if let StepKind::Call { with, .. } = &mut s.kind {
                    rewrite_refs(with, &prefix);
                }
            }
            let key = op.name.as_ref().map(|n| format!("{}.{}", namespace.v, n.v));
            if let Some(key) = key
                && let Some(first) = out
                    .iter()
                    .find(|f: &&AggregateFunction| full_name(f) == key)
            {
                d.push(
                    Diagnostic::new(op.span, format!("duplicate aggregate function `{key}`"))
                        .with_help(format!(
                            "the first is at line {}; give this one another name",
                            first.op.span.start.line
                        )),
                );
                continue;
            }
            out.push(AggregateFunction {
                namespace: namespace.v.clone(),
                op,
            });
        }
    }
    out
}

fn full_name(f: &AggregateFunction) -> String {
    format!(
        "{}.{}",
        f.namespace,
        f.op.name.as_ref().map_or("", |n| n.v.as_str())
    )
}

/// Turns `<prefix>X` values into `{{X}}`, the namespace-free spelling of an input reference.
fn rewrite_refs(with: &mut [(S<String>, Node)], prefix: &str) {
    for (_, v) in with {
        if let Kind::Scalar { value, plain } = &mut v.kind
            && let Some(rest) = value.strip_prefix(prefix)
            && !rest.is_empty()
            && !rest.contains("{{")
        {
            *value = format!("{{{{{rest}}}}}");
            *plain = false;
        }
    }
}

/// Merges every `ref` of `exposes` with the function it names.
pub(super) fn resolve_refs(exposes: &mut [Exposes], fns: &[AggregateFunction], d: &mut Ctxt) {
    for e in exposes {
        match e {
            Exposes::Rest(r) => {
                for res in &mut r.resources {
                    for op in &mut res.operations {
                        resolve_ref(op, fns, d);
                    }
                }
            }
            Exposes::Mcp(m) => {
                for t in &mut m.tools {
                    resolve_ref(t, fns, d);
                }
            }
            // A skill's tools name tools of the other adapters (already resolved), not functions;
            // a control adapter has no operations.
            Exposes::Skill(_) | Exposes::Control(_) => {}
        }
    }
}

fn resolve_ref(op: &mut ExposedOperation, fns: &[AggregateFunction], d: &mut Ctxt) {
    let Some(r) = op.reference.clone() else {
        return;
    };
    let Some(f) = fns.iter().find(|f| full_name(f) == r.v) else {
        let names: Vec<String> = fns.iter().map(full_name).collect();
        let suggestion = nearest(&r.v, names.iter().map(String::as_str)).map(str::to_string);
        d.push(
            Diagnostic::new(r.span, format!("unknown aggregate function `{}`", r.v)).with_help(
                format!(
                    "{}`ref` names `<aggregate-namespace>.<function-name>` of `capability.aggregates`; known: {}",
                    did_you_mean(suggestion),
                    listing(names.iter().map(String::as_str))
                ),
            ),
        );
        // The operation is unusable; keep its own (possibly empty) fields without further errors.
        return;
    };
    let f = &f.op;
    let conflict = op
        .call
        .as_ref()
        .map(|c| (c.span, "call"))
        .or_else(|| op.steps.first().map(|s| (s.span, "steps")))
        .or_else(|| op.mappings.first().map(|m| (m.span, "mappings")));
    if let Some((span, key)) = conflict {
        d.push(
            Diagnostic::new(
                span,
                format!("`{key}` cannot be used together with `ref: {}`", r.v),
            )
            .with_help(format!(
                "the function `{}` supplies what this operation runs: remove `{key}`, or remove `ref` and define the operation here",
                r.v
            )),
        );
        return;
    }
    if op.name.is_none() {
        op.name.clone_from(&f.name);
    }
    if op.description.is_none() {
        op.description.clone_from(&f.description);
    }
    op.call.clone_from(&f.call);
    let own_with = std::mem::take(&mut op.with);
    op.with = f
        .with
        .iter()
        .filter(|(k, _)| !own_with.iter().any(|(o, _)| o.v == k.v))
        .cloned()
        .collect();
    op.with.extend(own_with);
    op.steps.clone_from(&f.steps);
    op.mappings.clone_from(&f.mappings);
    op.orchestrated = f.orchestrated;
    if op.inputs.is_none() {
        op.inputs.clone_from(&f.inputs);
    }
    if op.outputs.is_empty() {
        op.outputs.clone_from(&f.outputs);
    }
    op.semantics = f.semantics;
    let s = f.semantics;
    let derived = Hints {
        read_only: s.safe,
        destructive: if s.safe == Some(true) {
            Some(false)
        } else {
            None
        },
        idempotent: s.idempotent,
        open_world: None,
    };
    let h = &mut op.hints;
    h.read_only = h.read_only.or(derived.read_only);
    h.destructive = h.destructive.or(derived.destructive);
    h.idempotent = h.idempotent.or(derived.idempotent);
    h.open_world = h.open_world.or(derived.open_world);
}
