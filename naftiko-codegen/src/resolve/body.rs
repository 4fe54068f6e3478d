//! `body: {type: json, data: ...}` templates.

use super::binds::{Binds, bind_ref};
use super::templates::{split_template, unresolved_template};
use crate::diag::Ctxt;
use crate::ir;
use crate::names::{Names, snake_case};
use crate::spec::{In, S, Type};
use crate::yaml::{Kind, Node};

pub(super) fn json_template(
    node: &Node,
    params: &mut Vec<ir::Param>,
    names: &mut Names,
    binds: &Binds,
    d: &mut Ctxt,
) -> ir::JsonTemplate {
    match &node.kind {
        Kind::Map(entries) => ir::JsonTemplate::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().unwrap_or_default().to_string(),
                        json_template(v, params, names, binds, d),
                    )
                })
                .collect(),
        ),
        Kind::Seq(items) => ir::JsonTemplate::Array(
            items
                .iter()
                .map(|v| json_template(v, params, names, binds, d))
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
                let name = match text.split_once('.') {
                    Some((prefix, name)) if !binds.contains_key(prefix) => name,
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
                        params.push(ir::Param {
                            name: name.to_string(),
                            ident: names.claim(&snake_case(name)),
                            location: In::Body,
                            ty: Type::String,
                            required: false,
                            description: None,
                            fixed: None,
                            default_input: None,
                        });
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
