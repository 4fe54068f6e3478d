//! An exposed REST operation or MCP tool: the consumed operation it calls and what feeds each
//! of its parameters, resolved in named steps (see [`resolve_exposed_call`]).

mod call;
mod checks;
mod feed;
mod inputs;
mod with;

use super::binds::Binds;
use super::output::resolve_output;
use crate::diag::Ctxt;
use crate::ir;
use crate::spec;
use inputs::Feeding;

/// How an exposed operation or tool sees the world.
pub(in crate::resolve) struct Exposure<'a> {
    /// `rest` or `tools`, plus the adapter's namespace: the prefixes of input references.
    pub(in crate::resolve) prefixes: [&'a str; 2],
    /// REST: the variables of the exposed path.
    pub(in crate::resolve) path_vars: Vec<String>,
    pub(in crate::resolve) is_tool: bool,
}

/// Resolves the inputs of one exposed operation or tool and how each consumed parameter is fed.
pub(in crate::resolve) fn resolve_exposed_call(
    e: &spec::ExposedOperation,
    name: &str,
    ident: String,
    ex: &Exposure<'_>,
    apis: &[ir::Api],
    binds: &Binds,
    d: &mut Ctxt,
) -> Option<ir::Call> {
    let call = e.call.as_ref()?;
    let (a, o) = call::resolve_call(call, apis, d)?;
    let mut f = Feeding::new(ex, &apis[a], o, e.inputs.as_deref());
    f.declare_inputs(d);
    f.feed_from_with(&e.with, binds, d);
    f.feed_from_own_values(e.span, d);
    f.pass_through_required(call.span, d);
    f.type_inputs(e.span, d);
    f.check_declared_inputs_feed(name, d);
    f.check_path_variables_feed(name, e.span, d);
    let (inputs, args) = f.finish();
    Some(ir::Call {
        name: name.to_string(),
        ident,
        description: e
            .description
            .clone()
            .or_else(|| apis[a].operations[o].description.clone()),
        api: a,
        operation: o,
        inputs,
        args,
        output: resolve_output(&e.outputs, d),
    })
}
