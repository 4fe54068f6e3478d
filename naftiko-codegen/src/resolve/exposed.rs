//! An exposed REST operation or MCP tool: the consumed operation it calls and what feeds
//! each of its parameters.

use super::binds::{Binds, bind_ref};
use super::is_duplicate;
use super::output::resolve_output;
use super::suggest::edit_distance;
use super::templates::{env_template, unresolved_template};
use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir::{self, Arg, Input, Source};
use crate::names::{Names, snake_case};
use crate::spec::{self, In, S, Type};
use crate::yaml::{Kind, Node};
use std::collections::HashMap;

/// Finds the consumed operation named by `call: namespace.operation`.
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
        let known: Vec<&str> = apis.iter().map(|a| a.namespace.as_str()).collect();
        d.push(
            Diagnostic::new(
                call.span,
                format!("unknown namespace `{ns}` in `call: {}`", call.v),
            )
            .with_help(format!(
                "consumed namespaces: {}",
                if known.is_empty() {
                    "(none)".to_string()
                } else {
                    known.join(", ")
                }
            )),
        );
        return None;
    };
    let Some(o) = apis[a].operations.iter().position(|o| o.name == op) else {
        let mut help = format!(
            "operations of `{ns}`: {}",
            apis[a]
                .operations
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Some(close) = apis[a]
            .operations
            .iter()
            .min_by_key(|o| edit_distance(&o.name, op))
            .filter(|o| edit_distance(&o.name, op) <= 3)
        {
            help = format!("did you mean `{ns}.{}`? {help}", close.name);
        }
        d.push(
            Diagnostic::new(
                call.span,
                format!("`call` to an operation that does not exist: `{op}` in `{ns}`"),
            )
            .with_help(help),
        );
        return None;
    };
    Some((a, o))
}

/// How an exposed operation or tool sees the world.
pub(super) struct Exposure<'a> {
    /// `rest` or `tools`, plus the adapter's namespace: the prefixes of input references.
    pub(super) prefixes: [&'a str; 2],
    /// REST: the variables of the exposed path.
    pub(super) path_vars: Vec<String>,
    pub(super) is_tool: bool,
}

/// Reads a `with` value: a reference to an input, a bind, or a literal constant.
pub(super) fn with_value(
    v: &Node,
    ex: &Exposure,
    binds: &Binds,
    d: &mut Ctxt,
) -> Option<WithValue> {
    let Some(s) = v.as_str().filter(|_| matches!(v.kind, Kind::Scalar { .. })) else {
        return Some(WithValue::Const(v.to_json()));
    };
    let s = s.trim();
    if let Some(inner) = s
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .filter(|i| !i.contains("{{"))
    {
        let inner = inner.trim();
        if let Some((prefix, name)) = inner.split_once('.')
            && ex.prefixes.contains(&prefix)
        {
            return Some(WithValue::Input(name.to_string()));
        }
        if bind_ref(binds, inner).is_some() {
            return Some(WithValue::Env);
        }
        if inner.contains('.') {
            d.push(unresolved_template(v.span, inner, binds, "`with`"));
            return None;
        }
        return Some(WithValue::Input(inner.to_string()));
    }
    if s.contains("{{") {
        env_template(&S::new(s.to_string(), v.span), binds, "`with`", d)?;
        return Some(WithValue::Env);
    }
    if let Some((prefix, name)) = s.split_once('.')
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        if ex.prefixes.contains(&prefix) {
            return Some(WithValue::Input(name.to_string()));
        }
        if binds.contains_key(prefix) {
            return match bind_ref(binds, s) {
                Some(_) => Some(WithValue::Env),
                None => {
                    d.push(unresolved_template(v.span, s, binds, "`with`"));
                    None
                }
            };
        }
    }
    Some(WithValue::Const(v.to_json()))
}

pub(super) enum WithValue {
    Input(String),
    /// Read from a bind (environment variable).
    Env,
    Const(serde_json::Value),
}

/// Resolves the inputs of one exposed operation or tool and how each consumed parameter is fed.
pub(super) fn resolve_exposed_call(
    e: &spec::ExposedOperation,
    name: &str,
    ident: String,
    ex: &Exposure,
    apis: &[ir::Api],
    binds: &Binds,
    d: &mut Ctxt,
) -> Option<ir::Call> {
    let call = e.call.as_ref()?;
    let (a, o) = resolve_call(call, apis, d)?;
    let op = &apis[a].operations[o];
    let mut args = vec![Arg::Absent; op.params.len()];
    let mut inputs: Vec<Input> = Vec::new();
    let mut input_idents = Names::default();
    let declared = e.inputs.as_ref();
    let mut fed = vec![false; op.params.len()];

    // Declared inputs come first, in the order written.
    if let Some(declared) = declared {
        let mut seen: HashMap<String, Span> = HashMap::new();
        for p in declared {
            let what = || format!("input `{}`", p.name.v);
            if is_duplicate(&mut seen, p.name.v.clone(), p.name.span, what, d) {
                continue;
            }
            let source = if ex.is_tool {
                Source::Field
            } else {
                match p.location.as_ref().map(|l| l.v) {
                    Some(In::Path) => Source::Path,
                    Some(In::Header) => Source::Header,
                    Some(In::Body) => Source::Field,
                    Some(In::Cookie) => {
                        d.unsupported(p.span, "`in: cookie` inputs");
                        continue;
                    }
                    Some(In::Query) => Source::Query,
                    None if ex.path_vars.iter().any(|v| v == &p.name.v) => Source::Path,
                    None => Source::Query,
                }
            };
            if source == Source::Path && !ex.path_vars.iter().any(|v| v == &p.name.v) {
                d.error(
                    p.name.span,
                    format!(
                        "path input `{}` has no `{{{}}}` variable in the exposed path",
                        p.name.v, p.name.v
                    ),
                );
            }
            inputs.push(Input {
                name: p.name.v.clone(),
                ident: input_idents.claim(&snake_case(&p.name.v)),
                source,
                ty: p.ty.as_ref().map_or(Type::String, |t| t.v),
                required: p.required || source == Source::Path,
                description: p.description.clone(),
            });
        }
    }

    // Finds or infers the input named `name` that feeds consumed parameter `pi`.
    let mut input_for = |name: &str,
                         pi: usize,
                         span: Span,
                         inputs: &mut Vec<Input>,
                         d: &mut Ctxt|
     -> Option<usize> {
        // Exact names; path variables also match ASCII case-insensitively (`{orgid}` ← `orgId`).
        let found = inputs.iter().position(|i| i.name == name).or_else(|| {
            inputs
                .iter()
                .position(|i| i.source == Source::Path && i.name.eq_ignore_ascii_case(name))
        });
        if let Some(i) = found {
            return Some(i);
        }
        if declared.is_some() {
            let known: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
            d.push(
                Diagnostic::new(
                    span,
                    format!("`with` refers to an input `{name}` that does not exist"),
                )
                .with_help(format!(
                    "declared inputs: {}",
                    if known.is_empty() {
                        "(none)".to_string()
                    } else {
                        known.join(", ")
                    }
                )),
            );
            return None;
        }
        let p = &op.params[pi];
        let path_var = ex.path_vars.iter().find(|v| v.eq_ignore_ascii_case(name));
        let (input_name, source) = if ex.is_tool {
            (name.to_string(), Source::Field)
        } else if let Some(v) = path_var {
            (v.clone(), Source::Path)
        } else {
            let source = match p.location {
                In::Query | In::Path | In::Cookie => Source::Query,
                In::Header => Source::Header,
                In::Body if matches!(op.body, ir::Body::Whole(_)) => Source::Body,
                In::Body => Source::Field,
            };
            (name.to_string(), source)
        };
        inputs.push(Input {
            ident: input_idents.claim(&snake_case(&input_name)),
            name: input_name,
            source,
            ty: p.ty,
            required: p.required || source == Source::Path,
            description: p.description.clone(),
        });
        Some(inputs.len() - 1)
    };

    // `with` entries.
    for (key, value) in &e.with {
        let pi = op.params.iter().position(|p| p.name == key.v).or_else(|| {
            op.params
                .iter()
                .position(|p| p.name.eq_ignore_ascii_case(&key.v))
        });
        let Some(pi) = pi else {
            if d.with_keys_excused(&apis[a].namespace, &op.name) {
                continue;
            }
            let known: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
            d.push(
                Diagnostic::new(
                    key.span,
                    format!(
                        "`with` names `{}`, which is not a parameter of `{}.{}`",
                        key.v, apis[a].namespace, op.name
                    ),
                )
                .with_help(format!(
                    "parameters: {}",
                    if known.is_empty() {
                        "(none)".to_string()
                    } else {
                        known.join(", ")
                    }
                )),
            );
            continue;
        };
        if fed[pi] {
            d.error(
                key.span,
                format!("parameter `{}` is fed twice", op.params[pi].name),
            );
            continue;
        }
        fed[pi] = true;
        match with_value(value, ex, binds, d) {
            Some(WithValue::Input(name)) => {
                if let Some(i) = input_for(&name, pi, value.span, &mut inputs, d) {
                    args[pi] = Arg::Input(i);
                }
            }
            Some(WithValue::Env) => d.unsupported(value.span, "a `with` value read from a bind"),
            Some(WithValue::Const(v)) => args[pi] = Arg::Const(v),
            None => {}
        }
    }

    // Parameters with their own `value:` in the consumed operation.
    for (pi, p) in op.params.iter().enumerate() {
        if fed[pi] {
            continue;
        }
        if p.fixed.is_some() {
            // The client sends it itself.
            fed[pi] = true;
        } else if let Some(name) = &p.default_input {
            fed[pi] = true;
            if let Some(i) = input_for(name, pi, e.span, &mut inputs, d) {
                args[pi] = Arg::Input(i);
            }
        }
    }
    // Required parameters nothing feeds pass through from a same-named input.
    for (pi, p) in op.params.iter().enumerate() {
        if fed[pi] || !p.required {
            continue;
        }
        let can_exist = declared.is_none()
            && (ex.is_tool
                || p.location != In::Path
                || ex.path_vars.iter().any(|v| v.eq_ignore_ascii_case(&p.name)));
        let existing = inputs.iter().position(|i| {
            i.name == p.name || (i.source == Source::Path && i.name.eq_ignore_ascii_case(&p.name))
        });
        match existing {
            Some(i) => args[pi] = Arg::Input(i),
            None if can_exist => {
                if let Some(i) = input_for(&p.name.clone(), pi, e.span, &mut inputs, d) {
                    args[pi] = Arg::Input(i);
                }
            }
            None => {
                let why = if declared.is_some() {
                    "no `with` entry feeds it and no declared input has its name".to_string()
                } else {
                    format!(
                        "no `with` entry feeds it and the exposed path has no `{{{}}}` variable",
                        p.name
                    )
                };
                d.push(
                    Diagnostic::new(
                        call.span,
                        format!(
                            "required parameter `{}` ({}) of `{}.{}` is fed by nothing: {why}",
                            p.name,
                            p.location.as_str(),
                            apis[a].namespace,
                            op.name
                        ),
                    )
                    .with_help(format!(
                        "add `with: {{{}: {}.{}}}`",
                        p.name, ex.prefixes[0], p.name
                    )),
                );
            }
        }
    }
    // Inputs take the type of what they feed; one that feeds a required parameter is required.
    for (pi, arg) in args.iter_mut().enumerate() {
        let p = &op.params[pi];
        match arg {
            Arg::Input(i) => {
                let input = &mut inputs[*i];
                if input.ty != p.ty {
                    d.error(
                        e.span,
                        format!(
                            "input `{}` is {} but feeds `{}`, which is {}",
                            input.name,
                            article(input.ty),
                            p.name,
                            article(p.ty)
                        ),
                    );
                }
                input.required |= p.required;
            }
            Arg::Const(v) => match coerce(v, p.ty) {
                Some(c) => *v = c,
                None => d.error(
                    e.span,
                    format!(
                        "the constant `{v}` given to `{}` is not {}",
                        p.name,
                        article(p.ty)
                    ),
                ),
            },
            Arg::Absent => {}
        }
    }
    // A declared input that feeds nothing would be dropped silently. (After an unresolved
    // reference the input may well be what it meant: that error is enough.)
    let unresolved_refs = args.iter().zip(&fed).any(|(a, f)| *f && *a == Arg::Absent);
    if let Some(declared) = declared.filter(|_| !unresolved_refs) {
        for (n, i) in inputs.iter().enumerate() {
            if i.source != Source::Path && !args.contains(&Arg::Input(n)) {
                let span = declared
                    .iter()
                    .find(|p| p.name.v == i.name)
                    .map_or(e.span, |p| p.name.span);
                d.error(
                    span,
                    format!(
                        "input `{}` of `{name}` feeds no parameter of `{}.{}`",
                        i.name, apis[a].namespace, op.name
                    ),
                );
            }
        }
    }
    // REST: every variable of the exposed path must feed something.
    for v in &ex.path_vars {
        let feeds = inputs.iter().enumerate().any(|(n, i)| {
            i.source == Source::Path && &i.name == v && args.contains(&Arg::Input(n))
        });
        if !feeds {
            d.error(
                e.span,
                format!(
                    "path variable `{{{v}}}` of `{name}` feeds no parameter of `{}.{}`",
                    apis[a].namespace, op.name
                ),
            );
        }
    }
    Some(ir::Call {
        name: name.to_string(),
        ident,
        description: e.description.clone().or_else(|| op.description.clone()),
        api: a,
        operation: o,
        inputs,
        args,
        output: resolve_output(&e.outputs, d),
    })
}

pub(super) fn article(t: Type) -> String {
    match t {
        Type::Integer | Type::Object | Type::Array => format!("an {}", t.as_str()),
        _ => format!("a {}", t.as_str()),
    }
}

/// A `with` constant converted to the type of the parameter it feeds, if it can be.
pub(super) fn coerce(v: &serde_json::Value, ty: Type) -> Option<serde_json::Value> {
    use serde_json::Value;
    match (ty, v) {
        (Type::String, Value::String(_)) => Some(v.clone()),
        (Type::String, Value::Number(_) | Value::Bool(_)) => Some(Value::String(v.to_string())),
        (Type::Integer, Value::Number(n)) if n.is_i64() => Some(v.clone()),
        (Type::Integer, Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        (Type::Number, Value::Number(_)) => Some(v.clone()),
        (Type::Number, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::from),
        (Type::Boolean, Value::Bool(_)) => Some(v.clone()),
        (Type::Boolean, Value::String(s)) if s == "true" || s == "false" => {
            Some(Value::Bool(s == "true"))
        }
        (Type::Array, Value::Array(_)) | (Type::Object, Value::Object(_)) => Some(v.clone()),
        _ => None,
    }
}
