//! One `skill` adapter: its catalog as a `static` ([`::naftiko_runtime::skill::Catalog`]), its
//! instruction files embedded, the `SKILL.md` of each skill generated from its frontmatter, and
//! `router()` serving them (behind the adapter's authentication).

use super::{docs, ident};
use crate::ir;
use proc_macro2::TokenStream;
use quote::quote;

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote! { ::core::option::Option::Some(#s) },
        None => quote! { ::core::option::Option::None },
    }
}

fn opt_bool(b: Option<bool>) -> TokenStream {
    match b {
        Some(b) => quote! { ::core::option::Option::Some(#b) },
        None => quote! { ::core::option::Option::None },
    }
}

/// A YAML scalar for the frontmatter: a JSON string is a YAML double-quoted scalar.
fn yaml_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The `SKILL.md` of a skill: Agent Skills frontmatter, then what its tools are and how to
/// invoke them.
pub(crate) fn skill_md(s: &ir::Skill) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("name: {}\n", s.name));
    out.push_str(&format!("description: {}\n", yaml_str(&s.description)));
    let opt = [
        ("license", &s.license),
        ("compatibility", &s.compatibility),
        ("allowed-tools", &s.allowed_tools),
        ("argument-hint", &s.argument_hint),
    ];
    for (k, v) in opt {
        if let Some(v) = v {
            out.push_str(&format!("{k}: {}\n", yaml_str(v)));
        }
    }
    if let Some(b) = s.user_invocable {
        out.push_str(&format!("user-invocable: {b}\n"));
    }
    if let Some(b) = s.disable_model_invocation {
        out.push_str(&format!("disable-model-invocation: {b}\n"));
    }
    if !s.metadata.is_empty() {
        out.push_str("metadata:\n");
        for (k, v) in &s.metadata {
            out.push_str(&format!("  {}: {}\n", yaml_str(k), yaml_str(v)));
        }
    }
    out.push_str("---\n\n");
    out.push_str(&format!("# {}\n\n{}\n", s.name, s.description));
    if !s.tools.is_empty() {
        out.push_str("\n## Tools\n");
    }
    for t in &s.tools {
        out.push_str(&format!("\n### {}\n\n{}\n\n", t.name, t.description));
        match &t.kind {
            ir::SkillToolKind::Derived {
                namespace,
                action,
                mode,
                input_schema,
                ..
            } => {
                let how = if *mode == "mcp" {
                    format!("the MCP tool `{action}` of the `{namespace}` server")
                } else {
                    format!("the REST operation `{action}` of the `{namespace}` API")
                };
                let schema = serde_json::to_string_pretty(input_schema).unwrap_or_default();
                out.push_str(&format!(
                    "Invoke {how}. Its arguments:\n\n```json\n{schema}\n```\n"
                ));
            }
            ir::SkillToolKind::Instruction { path, .. } => {
                out.push_str(&format!("Follow the instructions in [{path}]({path}).\n"));
            }
        }
    }
    out
}

pub fn adapter(cap: &ir::Capability, s: &ir::SkillAdapter) -> TokenStream {
    let module = ident(&s.module);
    let address = format!("{}:{}", s.address, s.port);
    let doc = docs(&[
        Some(&format!(
            "Skill adapter `{}` (default address {address}): {} skills.",
            s.namespace,
            s.skills.len()
        )),
        s.description.as_deref(),
    ]);
    let ns = &s.namespace;
    let description = opt_str(s.description.as_deref());
    let skills = s.skills.iter().map(|k| {
        let tools = k.tools.iter().map(|t| {
            let (name, description) = (&t.name, &t.description);
            let source = match &t.kind {
                ir::SkillToolKind::Derived {
                    namespace,
                    action,
                    mode,
                    input_schema,
                    output_schema,
                } => {
                    let input = input_schema.to_string();
                    let output =
                        opt_str(output_schema.as_ref().map(ToString::to_string).as_deref());
                    quote! {
                        ::naftiko_runtime::skill::ToolSource::Derived {
                            namespace: #namespace,
                            action: #action,
                            mode: #mode,
                            input_schema: #input,
                            output_schema: #output,
                        }
                    }
                }
                ir::SkillToolKind::Instruction { path, file } => quote! {
                    ::naftiko_runtime::skill::ToolSource::Instruction {
                        path: #path,
                        content: ::core::include_bytes!(#file),
                    }
                },
            };
            quote! {
                ::naftiko_runtime::skill::SkillToolDef {
                    name: #name,
                    description: #description,
                    source: #source,
                }
            }
        });
        let (name, description) = (&k.name, &k.description);
        let license = opt_str(k.license.as_deref());
        let compatibility = opt_str(k.compatibility.as_deref());
        let allowed = opt_str(k.allowed_tools.as_deref());
        let hint = opt_str(k.argument_hint.as_deref());
        let invocable = opt_bool(k.user_invocable);
        let disable = opt_bool(k.disable_model_invocation);
        let location = opt_str(k.location.as_deref());
        let metadata = k.metadata.iter().map(|(a, b)| quote! { (#a, #b) });
        let md = skill_md(k);
        quote! {
            ::naftiko_runtime::skill::SkillDef {
                name: #name,
                description: #description,
                license: #license,
                compatibility: #compatibility,
                metadata: &[#(#metadata),*],
                allowed_tools: #allowed,
                argument_hint: #hint,
                user_invocable: #invocable,
                disable_model_invocation: #disable,
                location: #location,
                skill_md: #md,
                tools: &[#(#tools),*],
            }
        }
    });
    let auth_items = super::auth::items(&s.namespace, s.auth.as_ref(), &cap.file_vars);
    let router = if s.auth.is_some() {
        quote! {
            /// The catalog's routes (see [`::naftiko_runtime::skill`]) and `GET /healthz`.
            /// Every request but `/healthz` must pass `auth` (see [`authentication`]).
            pub fn router(auth: ::naftiko_runtime::auth::Inbound) -> ::naftiko_runtime::axum::Router {
                auth.protect(::naftiko_runtime::skill::router(&CATALOG))
            }
        }
    } else {
        quote! {
            /// The catalog's routes (see [`::naftiko_runtime::skill`]) and `GET /healthz`.
            pub fn router() -> ::naftiko_runtime::axum::Router {
                ::naftiko_runtime::skill::router(&CATALOG)
            }
        }
    };
    quote! {
        #doc
        pub mod #module {
            /// The address the spec gives this adapter.
            pub const ADDRESS: &str = #address;

            /// The skills, their frontmatter and tools, as the spec declares them.
            pub static CATALOG: ::naftiko_runtime::skill::Catalog = ::naftiko_runtime::skill::Catalog {
                namespace: #ns,
                description: #description,
                skills: &[#(#skills),*],
            };

            #router

            #auth_items
        }
    }
}
