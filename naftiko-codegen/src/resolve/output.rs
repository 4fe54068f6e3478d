//! Output parameters: the shape of a result, checked at compile time.
//!
//! One output is the result itself; several are the fields of one object, each under its
//! `name`. Mock mode (no `call`) always answers an object keyed by the outputs' names, as the
//! reference engine does. A `mapping` is an RFC 9535 JSONPath from the context: the upstream's
//! raw answer at the top, each element of the array for `items`, and for an object with a
//! `mapping` of its own, the node that mapping selects. An object without `mapping` reads its
//! properties from the same context as its parent. `value` is static text with `{{input}}`
//! templates, typed by the output's `type`.

use super::suggest::{did_you_mean, listing, nearest};
use super::templates::split_template;
use crate::diag::{Ctxt, Diagnostic};
use crate::ir::{Input, Path, Shape, ShapeKind, Type, ValuePart};
use crate::resolve::is_duplicate;
use crate::spec::{self, S};
use std::collections::HashMap;

/// What `value` templates may name: the call's inputs, and the prefixes that qualify them.
pub(super) struct Scope<'a> {
    pub(super) inputs: &'a [Input],
    pub(super) prefixes: &'a [&'a str],
}

/// Checks a JSONPath; `None` for the whole context (`$`, `$.`) or a bad path (reported).
pub(super) fn check_jsonpath(m: &S<String>, d: &mut Ctxt) -> Option<Path> {
    let text = m.v.trim();
    if text == "$." || text == "$" {
        return None;
    }
    match serde_json_path::JsonPath::parse(text) {
        Ok(_) => Some(Path {
            text: text.to_string(),
            singular: is_singular(text),
        }),
        Err(e) => {
            d.push(
                Diagnostic::new(m.span, format!("bad JSONPath `{text}`: {e}")).with_help(
                    "mappings are RFC 9535 JSONPath, e.g. `$.` (everything) or `$.data[*].id`",
                ),
            );
            None
        }
    }
}

/// Whether a (valid) JSONPath is a singular query: names and indices only, no wildcard,
/// slice, filter, union or descendant segment. Quoted names are skipped.
fn is_singular(path: &str) -> bool {
    let mut quote = None;
    let mut escaped = false;
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => quote = Some(c),
            '*' | '?' | ':' | ',' => return false,
            '.' if chars.peek() == Some(&'.') => return false,
            _ => {}
        }
    }
    true
}

/// The shape of a result from its `outputParameters`. `mock`: there is no upstream call, so
/// the outputs are the fields of one object, built from their `value`s.
pub(super) fn resolve_output(
    outputs: &[spec::Output],
    scope: &Scope<'_>,
    mock: bool,
    d: &mut Ctxt,
) -> Shape {
    match outputs {
        [] => Shape::whole(),
        [one] if !mock || one.name.is_none() => shape(one, scope, d),
        several => {
            let mut seen = HashMap::new();
            let mut properties = Vec::new();
            for o in several {
                let Some(name) = &o.name else {
                    d.push(
                        Diagnostic::new(
                            o.span,
                            "this output has no `name`: when there are several outputs (or no \
                             `call`), each is a field of the result, under its name",
                        )
                        .with_help("add `name: <field>`"),
                    );
                    continue;
                };
                if is_duplicate(
                    &mut seen,
                    name.v.clone(),
                    name.span,
                    || format!("output `{}`", name.v),
                    d,
                ) {
                    continue;
                }
                properties.push((name.v.clone(), shape(o, scope, d)));
            }
            Shape {
                ty: Some(Type::Object),
                description: None,
                konst: None,
                kind: ShapeKind::Object {
                    from: None,
                    properties,
                },
            }
        }
    }
}

/// The shape of one output parameter, recursively.
fn shape(o: &spec::Output, scope: &Scope<'_>, d: &mut Ctxt) -> Shape {
    let ty = o.ty.as_ref().map(|t| t.v);
    let scalar = matches!(
        ty,
        Some(Type::String | Type::Integer | Type::Number | Type::Boolean)
    );
    if !o.properties.is_empty() && !matches!(ty, None | Some(Type::Object)) {
        d.error(
            o.properties[0].0.span,
            "`properties` belong to an output of `type: object`",
        );
    }
    if o.items.is_some() && ty != Some(Type::Array) {
        d.error(
            o.items.as_ref().map_or(o.span, |i| i.span),
            "`items` belong to an output of `type: array`",
        );
    }
    let kind = if let Some(value) = &o.value {
        if let Some(m) = &o.mapping {
            d.push(
                Diagnostic::new(
                    m.span,
                    "an output has both `value` and `mapping`: say which one it is",
                )
                .with_help("`value` is static text; `mapping` a JSONPath into the upstream answer"),
            );
        }
        if !scalar && ty.is_some() {
            d.error(
                value.span,
                format!(
                    "`value` is text, but this output is of `type: {}`",
                    ty.map_or("?", Type::as_str)
                ),
            );
        }
        let parts = value_parts(value, scope, d);
        if let (Some(t), [ValuePart::Lit(text)]) = (ty, parts.as_slice())
            && typed_literal(t, text).is_none()
        {
            d.error(
                value.span,
                format!("`{text}` is not a valid {}", t.as_str()),
            );
        }
        ShapeKind::Value(parts)
    } else {
        let from = o.mapping.as_ref().and_then(|m| check_jsonpath(m, d));
        match ty {
            Some(Type::Array) => ShapeKind::Array {
                from,
                items: o.items.as_ref().map(|i| Box::new(shape(i, scope, d))),
            },
            Some(Type::Object) | None if !o.properties.is_empty() => {
                let mut seen = HashMap::new();
                let mut properties = Vec::new();
                for (name, p) in &o.properties {
                    if is_duplicate(
                        &mut seen,
                        name.v.clone(),
                        name.span,
                        || format!("property `{}`", name.v),
                        d,
                    ) {
                        continue;
                    }
                    properties.push((name.v.clone(), shape(p, scope, d)));
                }
                ShapeKind::Object { from, properties }
            }
            _ => {
                if o.mapping.is_none() && scalar {
                    d.push(
                        Diagnostic::new(
                            o.span,
                            format!(
                                "an output of `type: {}` needs a `mapping` (a JSONPath into the \
                                 upstream answer) or a `value`",
                                ty.map_or("?", Type::as_str)
                            ),
                        )
                        .with_help("e.g. `mapping: $.id`, or `value: \"{{input}}\"`"),
                    );
                }
                if let (Some(p), Some(m), true) = (&from, &o.mapping, scalar)
                    && !p.singular
                {
                    d.warn(
                        m.span,
                        format!(
                            "`{}` may select several nodes, but this output is of `type: {}`: \
                             one node is the value, none is null, several are an error at run time",
                            p.text,
                            ty.map_or("?", Type::as_str)
                        ),
                    );
                }
                from.map_or(ShapeKind::Whole, ShapeKind::Select)
            }
        }
    };
    let konst = o.konst.as_ref().map(|k| {
        if let Some(t) = ty
            && !json_is(t, &k.v)
        {
            d.error(k.span, format!("`const` {} is not a {}", k.v, t.as_str()));
        }
        k.v.clone()
    });
    Shape {
        ty,
        description: o.description.clone(),
        konst,
        kind,
    }
}

/// The parts of a `value`: text, and `{{input}}` / `{{<prefix>.input}}` references.
fn value_parts(value: &S<String>, scope: &Scope<'_>, d: &mut Ctxt) -> Vec<ValuePart> {
    let parts = match split_template(value) {
        Ok(p) => p,
        Err(e) => {
            d.push(e);
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (is_ref, text, span) in parts {
        if !is_ref {
            out.push(ValuePart::Lit(text));
            continue;
        }
        let name = text
            .split_once('.')
            .filter(|(p, _)| scope.prefixes.contains(p))
            .map_or(text.as_str(), |(_, n)| n);
        match scope.inputs.iter().position(|i| i.name == name) {
            Some(i) => out.push(ValuePart::Input(i)),
            None => {
                let known = || scope.inputs.iter().map(|i| i.name.as_str());
                let close = nearest(name, known()).map(|c| format!("{{{{{c}}}}}"));
                d.push(
                    Diagnostic::new(
                        span,
                        format!("`{{{{{text}}}}}` in an output `value` names no input"),
                    )
                    .with_help(format!(
                        "{}a `value` may use the inputs of its operation or tool: {}",
                        did_you_mean(close),
                        listing(known())
                    )),
                );
            }
        }
    }
    out
}

/// A literal `value` as JSON of the declared type, if it is one.
pub fn typed_literal(ty: Type, text: &str) -> Option<serde_json::Value> {
    use serde_json::Value;
    match ty {
        Type::String => Some(Value::String(text.to_string())),
        Type::Integer => text.trim().parse::<i64>().ok().map(Value::from),
        Type::Number => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        Type::Boolean => text.trim().parse::<bool>().ok().map(Value::Bool),
        Type::Array | Type::Object => None,
    }
}

fn json_is(ty: Type, v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match ty {
        Type::String => v.is_string(),
        Type::Integer => v.is_i64() || v.is_u64(),
        Type::Number => v.is_number(),
        Type::Boolean => v.is_boolean(),
        Type::Array => v.is_array(),
        Type::Object => matches!(v, Value::Object(_)),
    }
}

#[cfg(test)]
mod tests {
    use super::is_singular;

    #[test]
    fn singular_queries() {
        for p in ["$.a", "$.a.b[0]", "$['a*b']", "$[\"x,y\"].z", "$.a[-1]"] {
            assert!(is_singular(p), "{p}");
        }
        for p in ["$.a[*]", "$..a", "$.a[0:2]", "$.a[?@.b]", "$.a[0,1]", "$.*"] {
            assert!(!is_singular(p), "{p}");
        }
    }
}
