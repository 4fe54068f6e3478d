//! `body: {type: json, data: ...}` templates.

use super::binds::{Binds, bind_ref};
use super::is_input_prefix;
use super::operation::implicit_param;
use super::templates::{split_template, unresolved_template};
use crate::diag::Ctxt;
use crate::ir;
use crate::names::Names;
use crate::spec::{self, In, Method, S};
use crate::yaml::{Kind, Node};

/// Step 3 of a consumed operation: its JSON body. One `in: body` parameter is the whole body,
/// several are the fields of one object; a `body: {type: json, data: ...}` template builds it
/// from its variables instead.
pub(super) fn operation_body(
    namespace: &str,
    op: &spec::Operation,
    params: &mut Vec<ir::Param>,
    fields: &mut Names,
    binds: &Binds,
    namespaces: &[String],
    d: &mut Ctxt,
) -> ir::Body {
    let body_params: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.location == In::Body)
        .map(|(i, _)| i)
        .collect();
    let by_params = match body_params.as_slice() {
        [] => ir::Body::None,
        [one] => ir::Body::Whole(*one),
        many => ir::Body::Fields(many.to_vec()),
    };
    let Some(b) = &op.body else {
        return by_params;
    };
    let empty = b
        .data
        .as_ref()
        .is_none_or(|data| matches!(&data.kind, Kind::Map(e) if e.is_empty()) || data.is_null());
    if !b.json {
        // Already reported; `with` may name the variables of its data.
        if !empty {
            d.excuse_with_keys(namespace, &op.name.v);
        }
        return by_params;
    }
    if let Some(data) = b.data.as_ref().filter(|_| !empty) {
        let template = json_template(data, params, fields, binds, namespaces, d);
        for &i in &body_params {
            if !template.uses(i) {
                d.error(
                    op.params
                        .iter()
                        .find(|q| q.name.v == params[i].name)
                        .map_or(b.span, |q| q.span),
                    format!(
                        "body parameter `{}` is not used by the operation's `body` template",
                        params[i].name
                    ),
                );
            }
        }
        return ir::Body::Template(template);
    }
    if body_params.is_empty() && matches!(op.method.v, Method::Post | Method::Put | Method::Patch) {
        // An explicit empty JSON object body.
        return ir::Body::Fields(Vec::new());
    }
    by_params
}

/// Reads a `body.data` template. Each `{{x}}` (`{{tools.x}}`, `{{rest.x}}`, ...) is a body
/// parameter `x` of the operation: a declared `in: body` parameter of that name, or an implicit
/// optional string one, fed by default from the exposed input `x`.
fn json_template(
    node: &Node,
    params: &mut Vec<ir::Param>,
    names: &mut Names,
    binds: &Binds,
    namespaces: &[String],
    d: &mut Ctxt,
) -> ir::JsonTemplate {
    match &node.kind {
        Kind::Map(entries) => ir::JsonTemplate::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().unwrap_or_default().to_string(),
                        json_template(v, params, names, binds, namespaces, d),
                    )
                })
                .collect(),
        ),
        Kind::Seq(items) => ir::JsonTemplate::Array(
            items
                .iter()
                .map(|v| json_template(v, params, names, binds, namespaces, d))
                .collect(),
        ),
        Kind::Scalar { value, .. } if value.contains("{{") => {
            let parts = match split_template(&S::new(value.clone(), node.span)) {
                Ok(p) => p,
                Err(e) => {
                    d.push(e);
                    return ir::JsonTemplate::Value(serde_json::Value::Null);
                }
            };
            let mut out = Vec::new();
            for (is_ref, text, span) in parts {
                if !is_ref {
                    out.push(ir::TextPart::Lit(text));
                    continue;
                }
                if bind_ref(binds, &text).is_some() {
                    d.unsupported(span, "a bind inside a `body` template");
                    continue;
                }
                // `{{tools.x}}` names the input `x`; any other `{{ns.x}}` must be a bind.
                let name = match text.split_once('.') {
                    Some((prefix, name)) if is_input_prefix(prefix, namespaces) => name,
                    Some(_) => {
                        d.push(unresolved_template(span, &text, binds, "a `body` template"));
                        continue;
                    }
                    None => text.as_str(),
                };
                let i = params
                    .iter()
                    .position(|p| p.location == In::Body && p.name == name)
                    .unwrap_or_else(|| {
                        params.push(implicit_param(name, In::Body, names));
                        params.len() - 1
                    });
                params[i]
                    .default_input
                    .get_or_insert_with(|| name.to_string());
                out.push(ir::TextPart::Var(i));
            }
            match out.as_slice() {
                [ir::TextPart::Var(i)] => ir::JsonTemplate::Var(*i),
                _ => ir::JsonTemplate::Text(out),
            }
        }
        _ => ir::JsonTemplate::Value(node.to_json()),
    }
}
