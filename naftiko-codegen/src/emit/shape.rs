//! A call's result shape: as a `static` [`naftiko_runtime::shape::Output`] tree for the
//! adapters, and as a JSON Schema for `outputSchema` and `/openapi.json`.

use super::ident;
use crate::ir::{self, Shape, ShapeKind, Type, ValuePart};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{Map, Value, json};

/// The `Output` of a call as a constant expression.
pub(crate) fn output(shape: &Shape) -> TokenStream {
    // The universal `type: object, mapping: $.`: the answer byte for byte, whatever its type.
    if shape.is_whole() {
        return quote! { ::naftiko_runtime::shape::Output::whole() };
    }
    let mut paths = Vec::new();
    let root = node(shape, &mut paths);
    quote! { ::naftiko_runtime::shape::Output::new(#root, &[#(#paths),*]) }
}

fn json_type(ty: Type) -> TokenStream {
    let v = ident(match ty {
        Type::String => "String",
        Type::Integer => "Integer",
        Type::Number => "Number",
        Type::Boolean => "Boolean",
        Type::Array => "Array",
        Type::Object => "Object",
    });
    quote! { ::naftiko_runtime::mcp::JsonType::#v }
}

fn query(p: &ir::Path, paths: &mut Vec<String>) -> TokenStream {
    let index = paths.iter().position(|q| q == &p.text).unwrap_or_else(|| {
        paths.push(p.text.clone());
        paths.len() - 1
    });
    let singular = p.singular;
    quote! { ::naftiko_runtime::shape::Query { path: #index, singular: #singular } }
}

fn opt_query(p: Option<&ir::Path>, paths: &mut Vec<String>) -> TokenStream {
    match p {
        Some(p) => {
            let q = query(p, paths);
            quote! { ::core::option::Option::Some(#q) }
        }
        None => quote! { ::core::option::Option::None },
    }
}

fn node(s: &Shape, paths: &mut Vec<String>) -> TokenStream {
    let ty = match s.ty {
        Some(t) => {
            let t = json_type(t);
            quote! { ::core::option::Option::Some(#t) }
        }
        None => quote! { ::core::option::Option::None },
    };
    let konst = match &s.konst {
        Some(k) => {
            let k = k.to_string();
            quote! { ::core::option::Option::Some(#k) }
        }
        None => quote! { ::core::option::Option::None },
    };
    let kind = match &s.kind {
        ShapeKind::Whole => quote! { ::naftiko_runtime::shape::Kind::Whole },
        ShapeKind::Select(p) => {
            let q = query(p, paths);
            quote! { ::naftiko_runtime::shape::Kind::Select(#q) }
        }
        ShapeKind::Value(parts) => {
            let parts = parts.iter().map(|p| match p {
                ValuePart::Lit(s) => quote! { ::naftiko_runtime::shape::Part::Lit(#s) },
                ValuePart::Input(i) => quote! { ::naftiko_runtime::shape::Part::Input(#i) },
            });
            quote! { ::naftiko_runtime::shape::Kind::Value(&[#(#parts),*]) }
        }
        ShapeKind::Object { from, properties } => {
            let from = opt_query(from.as_ref(), paths);
            let props: Vec<TokenStream> = properties
                .iter()
                .map(|(name, p)| {
                    let n = node(p, paths);
                    quote! { (#name, #n) }
                })
                .collect();
            quote! { ::naftiko_runtime::shape::Kind::Object { from: #from, properties: &[#(#props),*] } }
        }
        ShapeKind::Array { from, items } => {
            let from = opt_query(from.as_ref(), paths);
            let items = match items {
                Some(i) => {
                    let n = node(i, paths);
                    quote! { ::core::option::Option::Some(&#n) }
                }
                None => quote! { ::core::option::Option::None },
            };
            quote! { ::naftiko_runtime::shape::Kind::Array { from: #from, items: #items } }
        }
    };
    quote! { ::naftiko_runtime::shape::Node { ty: #ty, konst: #konst, kind: #kind } }
}

/// The JSON Schema of what a shape yields (`null` allowed where [`Shape::may_be_null`]).
pub(crate) fn schema(s: &Shape) -> Value {
    let nullable = s.may_be_null();
    let mut out = match &s.kind {
        ShapeKind::Object { properties, .. } => {
            let mut props = Map::new();
            for (name, p) in properties {
                props.insert(name.clone(), schema(p));
            }
            let required: Vec<Value> = properties
                .iter()
                .map(|(n, _)| Value::String(n.clone()))
                .collect();
            json!({"type": "object", "properties": props, "required": required})
        }
        ShapeKind::Array { items, .. } => {
            let items = items.as_ref().map_or(json!({}), |i| schema(i));
            json!({"type": "array", "items": items})
        }
        ShapeKind::Select(p) if !p.singular && s.ty.is_none() => json!({"type": "array"}),
        _ => match s.ty {
            Some(t) => json!({"type": t.as_str()}),
            None => json!({}),
        },
    };
    if nullable && let Some(t) = out.get("type").cloned() {
        out["type"] = json!([t, "null"]);
    }
    if let Some(k) = &s.konst {
        out["enum"] = if nullable {
            json!([k, null])
        } else {
            json!([k])
        };
    }
    if let Some(d) = &s.description {
        out["description"] = Value::String(d.clone());
    }
    out
}

/// Whether a tool's `structuredContent` is the result itself (an object) rather than
/// `{"result": ...}`.
pub(crate) fn structured_is_result(s: &Shape) -> bool {
    matches!(s.kind, ShapeKind::Object { .. })
}

/// The MCP `outputSchema` of a declared shape (an object schema, as MCP requires), or `None`
/// for the upstream's answer as it is.
pub(crate) fn output_schema(s: &Shape) -> Option<Value> {
    if s.is_whole() {
        return None;
    }
    let mut inner = schema(s);
    if structured_is_result(s) {
        inner["type"] = json!("object");
        Some(inner)
    } else {
        Some(json!({
            "type": "object",
            "properties": {"result": inner},
            "required": ["result"],
        }))
    }
}
