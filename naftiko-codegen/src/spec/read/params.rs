//! Input and output parameters, and the enumerated scalars they hold (method, type).

use crate::diag::{Ctxt, Diagnostic};
use crate::spec::obj::{Obj, one_of, seq};
use crate::spec::types::*;
use crate::yaml::{Kind, Node};

pub(super) fn read_method(node: &Node, d: &mut Ctxt) -> Option<S<Method>> {
    let m = match node.as_str().map(str::to_ascii_uppercase).as_deref() {
        Some("GET") => Method::Get,
        Some("POST") => Method::Post,
        Some("PUT") => Method::Put,
        Some("PATCH") => Method::Patch,
        Some("DELETE") => Method::Delete,
        Some("HEAD") => Method::Head,
        Some("OPTIONS") => Method::Options,
        _ => {
            d.error(
                node.span,
                format!("unknown HTTP method `{}`", node.as_str().unwrap_or("?")),
            );
            return None;
        }
    };
    Some(S::new(m, node.span))
}

pub(super) fn read_type(node: &Node, d: &mut Ctxt) -> Option<S<Type>> {
    use Type::*;
    let types = [
        ("string", String),
        ("integer", Integer),
        ("number", Number),
        ("boolean", Boolean),
        ("array", Array),
        ("object", Object),
    ];
    one_of(node, "type", &types, d)
}

/// The `inputParameters` of a consumed API, resource or operation: `mapping` belongs to
/// exposed inputs only.
pub(super) fn read_consumed_params(node: &Node, d: &mut Ctxt) -> Vec<Param> {
    let params = read_params(node, false, d);
    for p in &params {
        if let Some(pat) = &p.pattern {
            d.push(
                Diagnostic::new(
                    pat.span,
                    "`pattern` on a consumed parameter has no meaning: it checks what a caller sends to an exposed input",
                )
                .with_help("move it to the exposed operation's or tool's input parameter"),
            );
        }
        if let Some(m) = &p.mapping {
            d.push(
                Diagnostic::new(
                    m.span,
                    "`mapping` on a consumed parameter has no meaning: it says where an exposed \
                     input goes in the consumed request",
                )
                .with_help(
                    "give the parameter a `value`, or feed it from the exposed operation's `with`",
                ),
            );
        }
    }
    params
}

/// `inputParameters` of an operation, tool or function. `required_by_default`: an MCP tool's
/// and an aggregate function's inputs (`McpToolInputParameter`) are required unless they say
/// `required: false`, as the schema and the reference engine have it; other inputs are optional
/// unless they say `required: true`.
pub(super) fn read_params(node: &Node, required_by_default: bool, d: &mut Ctxt) -> Vec<Param> {
    let mut out = Vec::new();
    for p in seq(node, "`inputParameters`", d) {
        let Some(mut o) = Obj::new(p, "an input parameter", d) else {
            continue;
        };
        let name = o.req_str("name", d);
        let locations = [
            ("path", In::Path),
            ("query", In::Query),
            ("header", In::Header),
            ("cookie", In::Cookie),
            ("body", In::Body),
        ];
        let location = o
            .take("in")
            .and_then(|n| one_of(n, "parameter location", &locations, d));
        let ty = o.take("type").and_then(|t| read_type(t, d));
        let description = o.opt_str("description", d).map(|s| s.v);
        let required = o.opt_bool("required", d).unwrap_or(required_by_default);
        let value = o.take("value").cloned();
        // `properties`/`items` describe an object or array's shape: documentation only.
        o.ignore(&["label", "properties", "items"]);
        let pattern = o.opt_str("pattern", d);
        let mapping = o.opt_str("mapping", d);
        o.finish(d);
        if let Some(name) = name {
            out.push(Param {
                span: p.span,
                name,
                location,
                ty,
                description,
                required,
                value,
                mapping,
                pattern,
            });
        }
    }
    out
}

/// The `outputParameters` of an exposed operation (`consumed: false`, where `value:` is static
/// text) or of a consumed one (`consumed: true`, where `value:` is the JSONPath).
pub(super) fn read_outputs(node: &Node, consumed: bool, d: &mut Ctxt) -> Vec<Output> {
    seq(node, "`outputParameters`", d)
        .iter()
        .filter_map(|p| read_output(p, consumed, d))
        .collect()
}

fn read_output(node: &Node, consumed: bool, d: &mut Ctxt) -> Option<Output> {
    let mut o = Obj::new(node, "an output parameter", d)?;
    let name = o.opt_str("name", d);
    let ty = o.take("type").and_then(|t| read_type(t, d));
    let description = o.opt_str("description", d).map(|s| s.v);
    o.ignore(&["label"]);
    let (mapping, value) = if consumed {
        (
            o.opt_str("value", d).or_else(|| o.opt_str("mapping", d)),
            None,
        )
    } else {
        (o.opt_str("mapping", d), o.opt_str("value", d))
    };
    let konst = o.take("const").map(|n| S::new(n.to_json(), n.span));
    let mut properties = Vec::new();
    if let Some(p) = o.take("properties") {
        match &p.kind {
            Kind::Map(entries) => {
                for (k, v) in entries {
                    let Some(k_text) = k.as_str() else { continue };
                    if let Some(out) = read_output(v, consumed, d) {
                        properties.push((S::new(k_text.to_string(), k.span), out));
                    }
                }
            }
            _ if p.is_null() => {}
            _ => d.error(
                p.span,
                format!(
                    "`properties` must map property names to output parameters, found {}",
                    p.describe()
                ),
            ),
        }
    }
    let items = o
        .take("items")
        .filter(|n| !n.is_null())
        .and_then(|n| match &n.kind {
            // An orchestrated array's items are a list of named outputs: the properties of
            // each element (`OrchestratedOutputParameterArray`).
            Kind::Seq(list) => {
                let properties = list
                    .iter()
                    .filter_map(|p| {
                        let out = read_output(p, consumed, d)?;
                        match &out.name {
                            Some(name) => Some((name.clone(), out)),
                            None => {
                                d.error(
                                    p.span,
                                    "an item of a list of `items` needs a `name` (the field of each element)",
                                );
                                None
                            }
                        }
                    })
                    .collect();
                Some(Output {
                    span: n.span,
                    name: None,
                    ty: Some(S::new(Type::Object, n.span)),
                    description: None,
                    mapping: None,
                    value: None,
                    konst: None,
                    properties,
                    items: None,
                })
            }
            _ => read_output(n, consumed, d),
        })
        .map(Box::new);
    o.finish(d);
    Some(Output {
        span: node.span,
        name,
        ty,
        description,
        mapping,
        value,
        konst,
        properties,
        items,
    })
}

/// A `with` mapping (consumed parameter name → value) as written, keys with their positions;
/// anything but a mapping is an error.
pub(super) fn read_with(w: Option<&Node>, d: &mut Ctxt) -> Vec<(S<String>, Node)> {
    let Some(w) = w else {
        return Vec::new();
    };
    match &w.kind {
        Kind::Map(entries) => entries
            .iter()
            .map(|(k, v)| {
                (
                    S::new(k.as_str().unwrap_or_default().to_string(), k.span),
                    v.clone(),
                )
            })
            .collect(),
        _ if w.is_null() => Vec::new(),
        _ => {
            d.error(
                w.span,
                format!(
                    "`with` must be a mapping of consumed parameter names to values, found {}",
                    w.describe()
                ),
            );
            Vec::new()
        }
    }
}
