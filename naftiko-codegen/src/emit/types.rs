//! Typed results: a documented serde struct for each object of a declared shape, named after
//! the operation and the property path (`GetShipOutput`, `GetShipOutputSpecs`), in the manner
//! of progenitor's generated types.
//!
//! Field types follow the shape's JSON Schema (see [`super::shape::schema`]): what is read
//! from an upstream may be missing, so it is an `Option`; objects built property by property
//! and text `value`s are always there.

use super::{docs, ident};
use crate::ir::{Shape, ShapeKind, Type};
use crate::names::{Names, pascal_case, snake_case};
use proc_macro2::TokenStream;
use quote::quote;

/// The structs of one module, with names unique within it.
#[derive(Default)]
pub(crate) struct Types {
    names: Names,
    items: Vec<TokenStream>,
}

impl Types {
    /// The Rust type of `shape`'s result, defining the structs it needs under `name`. `None`
    /// when the shape is the upstream's answer as it is (no declared type to give).
    pub(crate) fn result(&mut self, name: &str, doc: &str, shape: &Shape) -> Option<TokenStream> {
        if shape.is_whole() {
            return None;
        }
        let ty = self.of(name, Some(doc), shape);
        if matches!(shape.kind, ShapeKind::Object { .. }) {
            return Some(ty);
        }
        // Not a struct of its own: a documented alias names it.
        let alias = ident(&self.names.claim(&pascal_case(name)));
        let doc = docs(&[Some(doc)]);
        self.items.push(quote! { #doc pub type #alias = #ty; });
        Some(quote! { #alias })
    }

    pub(crate) fn into_items(self) -> Vec<TokenStream> {
        self.items
    }

    fn of(&mut self, name: &str, doc: Option<&str>, s: &Shape) -> TokenStream {
        let inner = match &s.kind {
            ShapeKind::Object { properties, .. } => {
                let struct_name = self.names.claim(&pascal_case(name));
                let s_ident = ident(&struct_name);
                let mut fields = Names::default();
                let defs: Vec<TokenStream> = properties
                    .iter()
                    .map(|(prop, p)| {
                        let f = fields.claim(&snake_case(prop));
                        let f_ident = ident(&f);
                        let ty = self.of(&format!("{struct_name}_{prop}"), None, p);
                        let renamed = f != *prop;
                        let json_name = format!("`{prop}` in the JSON.");
                        let doc = docs(&[
                            p.description.as_deref(),
                            renamed.then_some(json_name.as_str()),
                        ]);
                        let rename = renamed.then(|| quote! { #[serde(rename = #prop)] });
                        quote! { #doc #rename pub #f_ident: #ty, }
                    })
                    .collect();
                let doc = docs(&[doc.or(s.description.as_deref())]);
                self.items.push(quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, ::naftiko_runtime::serde::Serialize, ::naftiko_runtime::serde::Deserialize)]
                    #[serde(crate = "::naftiko_runtime::serde")]
                    pub struct #s_ident {
                        #(#defs)*
                    }
                });
                quote! { #s_ident }
            }
            ShapeKind::Array { items, .. } => {
                let item = match items {
                    Some(i) => self.of(&format!("{name}_item"), None, i),
                    None => quote! { ::naftiko_runtime::serde_json::Value },
                };
                quote! { ::std::vec::Vec<#item> }
            }
            ShapeKind::Select(p) if !p.singular && s.ty.is_none() => {
                quote! { ::std::vec::Vec<::naftiko_runtime::serde_json::Value> }
            }
            _ => scalar(s.ty),
        };
        // `Value` holds `null` itself.
        let open = matches!(s.ty, None | Some(Type::Object))
            && matches!(s.kind, ShapeKind::Whole | ShapeKind::Select(_));
        if s.may_be_null() && !open {
            quote! { ::core::option::Option<#inner> }
        } else {
            inner
        }
    }
}

fn scalar(ty: Option<Type>) -> TokenStream {
    match ty {
        Some(Type::String) => quote! { ::std::string::String },
        Some(Type::Integer) => quote! { i64 },
        Some(Type::Number) => quote! { f64 },
        Some(Type::Boolean) => quote! { bool },
        Some(Type::Array) => quote! { ::std::vec::Vec<::naftiko_runtime::serde_json::Value> },
        Some(Type::Object) | None => quote! { ::naftiko_runtime::serde_json::Value },
    }
}
