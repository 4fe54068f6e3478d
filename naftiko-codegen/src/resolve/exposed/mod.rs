//! An exposed REST operation or MCP tool: the consumed operation it calls and what feeds each
//! of its parameters, resolved in named steps (see [`resolve_exposed_call`]).

mod call;
mod checks;
mod feed;
mod inputs;
mod mapped;
mod step_types;
mod steps;
mod with;

use super::binds::Binds;
use super::output::{Scope, resolve_output};
use crate::diag::{Ctxt, Diagnostic};
use crate::ir;
use crate::spec;
use inputs::Feeding;
pub(in crate::resolve) use mapped::open_bodies;

/// How an exposed operation or tool sees the world.
pub(in crate::resolve) struct Exposure<'a> {
    /// `rest` or `tools`, plus the adapter's namespace: the prefixes of input references.
    pub(in crate::resolve) prefixes: [&'a str; 2],
    /// REST: the variables of the exposed path.
    pub(in crate::resolve) path_vars: Vec<String>,
    pub(in crate::resolve) is_tool: bool,
    /// The namespaces of every exposed adapter: `<namespace>.x` also names the input `x`.
    pub(in crate::resolve) namespaces: &'a [String],
}

impl Exposure<'_> {
    /// Whether `prefix.x` names the input `x`: `rest`, `tools` or an exposed adapter's
    /// namespace. Such a value is never a literal.
    pub(in crate::resolve) fn is_input_prefix(&self, prefix: &str) -> bool {
        self.prefixes.contains(&prefix) || super::is_input_prefix(prefix, self.namespaces)
    }
}

/// Resolves the inputs of one exposed operation or tool, how each consumed parameter is fed,
/// and the shape of its result. Without `call`, the result is built from the outputs' `value`s
/// alone (mock mode) and the inputs are the declared ones.
pub(in crate::resolve) fn resolve_exposed_call(
    e: &spec::ExposedOperation,
    name: &str,
    ident: String,
    ex: &Exposure<'_>,
    apis: &[ir::Api],
    binds: &Binds,
    d: &mut Ctxt,
) -> Option<ir::Call> {
    if !e.steps.is_empty() || !e.mappings.is_empty() {
        return steps::resolve_orchestrated(e, name, ident, ex, apis, binds, d);
    }
    let Some(call) = e.call.as_ref() else {
        return mock_call(e, name, ident, ex, d);
    };
    let (a, o) = call::resolve_call(call, apis, d)?;
    let mut f = Feeding::new(ex, &apis[a], o, e.inputs.as_deref());
    f.declare_inputs(d);
    f.feed_from_with(&e.with, binds, d);
    f.feed_from_mappings(d);
    f.feed_from_own_values(e.span, d);
    f.pass_through(call.span, d);
    f.type_inputs(e.span, d);
    f.check_path_variables_feed(name, e.span, d);
    let scope = Scope {
        inputs: &f.inputs,
        prefixes: &ex.prefixes,
    };
    let output = resolve_output(&e.outputs, &scope, false, d);
    // Inputs that output `value`s read are used even when they feed no parameter.
    let mut read_by_output = Vec::new();
    output.inputs_used(&mut read_by_output);
    f.check_declared_inputs_feed(name, &read_by_output, d);
    let (inputs, args) = f.finish();
    Some(ir::Call {
        name: name.to_string(),
        ident,
        description: e
            .description
            .clone()
            .or_else(|| apis[a].operations[o].description.clone()),
        target: Some(ir::Target {
            api: a,
            operation: o,
            args,
        }),
        inputs,
        output,
        steps: Vec::new(),
    })
}

/// Mock mode: no `call`, the result built from `value`s and the declared inputs.
fn mock_call(
    e: &spec::ExposedOperation,
    name: &str,
    ident: String,
    ex: &Exposure<'_>,
    d: &mut Ctxt,
) -> Option<ir::Call> {
    if e.outputs.is_empty() || e.orchestrated {
        // Reported by the reader: neither `call` nor outputs to answer from, or steps.
        return None;
    }
    if let Some((k, _)) = e.with.first() {
        d.error(
            k.span,
            "`with` feeds the parameters of a `call`, and there is none",
        );
    }
    let nothing = ir::Api::none();
    let mut f = Feeding::new(ex, &nothing, 0, e.inputs.as_deref());
    f.declare_inputs(d);
    let (inputs, _) = f.finish();
    let scope = Scope {
        inputs: &inputs,
        prefixes: &ex.prefixes,
    };
    let output = resolve_output(&e.outputs, &scope, true, d);
    if !output.is_static() {
        d.push(
            Diagnostic::new(
                e.span,
                format!(
                    "`{name}` has no `call`, but its outputs read an upstream answer (`mapping`)"
                ),
            )
            .with_help("add a `call`, or give each output a `value` (mock mode)"),
        );
    }
    Some(ir::Call {
        name: name.to_string(),
        ident,
        description: e.description.clone(),
        target: None,
        inputs,
        output,
        steps: Vec::new(),
    })
}
