//! `call: namespace.operation`: the consumed operation an exposure calls.

use crate::diag::{Ctxt, Diagnostic};
use crate::ir;
use crate::resolve::suggest::{did_you_mean, listing, nearest};
use crate::spec::S;

/// Finds the consumed operation named by `call`, as (API, operation) indices.
pub(super) fn resolve_call(
    call: &S<String>,
    apis: &[ir::Api],
    d: &mut Ctxt,
) -> Option<(usize, usize)> {
    let Some((ns, op)) = call.v.split_once('.') else {
        d.error(
            call.span,
            format!("`call` must name `namespace.operation`, found `{}`", call.v),
        );
        return None;
    };
    let Some(a) = apis.iter().position(|a| a.namespace == ns) else {
        if d.namespace_excused(ns) {
            return None;
        }
        let known = || apis.iter().map(|a| a.namespace.as_str());
        let close = nearest(ns, known()).map(|n| format!("{n}.{op}"));
        d.push(
            Diagnostic::new(
                call.span,
                format!("unknown namespace `{ns}` in `call: {}`", call.v),
            )
            .with_help(format!(
                "{}consumed namespaces: {}",
                did_you_mean(close),
                listing(known())
            )),
        );
        return None;
    };
    let operations = || apis[a].operations.iter().map(|o| o.name.as_str());
    let Some(o) = operations().position(|o| o == op) else {
        let close = nearest(op, operations()).map(|o| format!("{ns}.{o}"));
        d.push(
            Diagnostic::new(
                call.span,
                format!("`call` to an operation that does not exist: `{op}` in `{ns}`"),
            )
            .with_help(format!(
                "{}operations of `{ns}`: {}",
                did_you_mean(close),
                listing(operations())
            )),
        );
        return None;
    };
    Some((a, o))
}
