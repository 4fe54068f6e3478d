//! The MCP tools of one `mcp` adapter, served by the runtime's rmcp server.

use super::{Answer, Types, answer, bind_inputs, call_client, docs, ident, output_schema};
use crate::ir::{self, Type};
use proc_macro2::TokenStream;
use quote::quote;

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

fn opt_bool(b: Option<bool>) -> TokenStream {
    match b {
        Some(b) => quote! { ::core::option::Option::Some(#b) },
        None => quote! { ::core::option::Option::None },
    }
}

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote! { ::core::option::Option::Some(#s) },
        None => quote! { ::core::option::Option::None },
    }
}

pub fn adapter(cap: &ir::Capability, m: &ir::McpAdapter) -> TokenStream {
    let module = ident(&m.module);
    let address = match m.port {
        Some(p) if m.transport == ir::Transport::Http => {
            let a = format!("{}:{p}", m.address);
            quote! { ::core::option::Option::Some(#a) }
        }
        _ => quote! { ::core::option::Option::None },
    };
    let stdio = m.transport == ir::Transport::Stdio;
    let doc = docs(&[
        Some(&format!(
            "MCP adapter `{}`: {} tools.",
            m.namespace,
            m.tools.len()
        )),
        m.description.as_deref(),
    ]);
    let ns = &m.namespace;
    let title = &cap.title;
    let instructions = opt_str(m.description.as_deref().or(cap.description.as_deref()));
    let ttl_ms = match m.ttl_ms {
        Some(ms) => quote! { ::core::option::Option::Some(#ms) },
        None => quote! { ::core::option::Option::None },
    };
    let cache_public = match m.cache_public {
        Some(p) => quote! { ::core::option::Option::Some(#p) },
        None => quote! { ::core::option::Option::None },
    };
    let defs = m.tools.iter().map(|t| {
        let name = &t.call.name;
        let description = t.call.description.clone().unwrap_or_else(|| t.call.name.clone());
        let title = opt_str(t.title.as_deref());
        let (ro, de, id) = (opt_bool(t.read_only), opt_bool(t.destructive), opt_bool(t.idempotent));
        let ow = t.open_world;
        let schema = opt_str(output_schema(&t.call.output).map(|s| s.to_string()).as_deref());
        let args = t.call.inputs.iter().map(|i| {
            let n = &i.name;
            let ty = json_type(i.ty);
            let req = i.required;
            let d = opt_str(i.description.as_deref());
            let pattern = opt_str(i.pattern.as_deref());
            quote! { ::naftiko_runtime::mcp::ArgDef { name: #n, ty: #ty, required: #req, description: #d, pattern: #pattern } }
        });
        quote! {
            ::naftiko_runtime::mcp::ToolDef {
                name: #name,
                title: #title,
                description: #description,
                read_only: #ro,
                destructive: #de,
                idempotent: #id,
                open_world: #ow,
                args: &[#(#args),*],
                output_schema: #schema,
            }
        }
    });
    let arms = m.tools.iter().enumerate().map(|(n, t)| {
        let call = &t.call;
        let binds = bind_inputs(call, |i| {
            let name = &i.name;
            if i.required {
                quote! { args.required(#name)? }
            } else {
                quote! { args.get(#name)? }
            }
        });
        let Answer {
            output,
            texts,
            texts_arg,
            unused,
        } = answer(call);
        let outcome = match &call.target {
            None if !call.steps.is_empty() => {
                let run = super::run_steps(cap, call);
                quote! { ::naftiko_runtime::mcp::Outcome::steps(#run.await, &OUTPUT, #texts_arg) }
            }
            Some(target) => {
                let invoke = call_client(cap, call, target, quote! { upstreams });
                quote! { ::naftiko_runtime::mcp::Outcome::new(#invoke, &OUTPUT, #texts_arg) }
            }
            None => quote! { ::naftiko_runtime::mcp::Outcome::mock(&OUTPUT, #texts_arg) },
        };
        quote! {
            #n => {
                #binds
                #unused
                static OUTPUT: ::naftiko_runtime::shape::Output = #output;
                #texts
                ::core::result::Result::Ok(#outcome)
            }
        }
    });
    let upstreams_pat = if m
        .tools
        .iter()
        .any(|t| t.call.target.is_some() || !t.call.steps.is_empty())
    {
        quote! { upstreams }
    } else {
        quote! { _upstreams }
    };
    let mut types = Types::default();
    for t in &m.tools {
        let doc = format!(
            "The result of tool `{}`, as its `outputParameters` declare (its `structuredContent`, \
             under `result` when it is not an object).",
            t.call.name
        );
        types.result(&format!("{}_output", t.call.ident), &doc, &t.call.output);
    }
    let types = types.into_items();
    let args_mut = if m.tools.iter().any(|t| !t.call.inputs.is_empty()) {
        quote! { mut args }
    } else {
        quote! { args }
    };
    let auth_items = super::auth::items(&m.namespace, m.auth.as_ref(), &cap.file_vars);
    let super::resources::Parts {
        pre,
        chain,
        items: resource_items,
    } = super::resources::parts(cap, m);
    let new_server = quote! {
        ::naftiko_runtime::mcp::Server::new(&INFO, move |tool, args| {
            let upstreams = upstreams.clone();
            ::std::boxed::Box::pin(async move { call(&upstreams, tool, args).await })
        })#chain
    };
    let server = if m.auth.is_some() {
        quote! {
            /// The MCP server of this adapter, calling `upstreams`. Over streamable HTTP
            /// ([`::naftiko_runtime::mcp::router`]) every request must pass `auth` (see
            /// [`authentication`]) before any JSON-RPC is read.
            pub fn server(upstreams: super::Upstreams, auth: ::naftiko_runtime::auth::Inbound) -> ::naftiko_runtime::mcp::Server {
                #pre
                #new_server.with_auth(auth)
            }
        }
    } else {
        quote! {
            /// The MCP server of this adapter, calling `upstreams`.
            pub fn server(upstreams: super::Upstreams) -> ::naftiko_runtime::mcp::Server {
                #pre
                #new_server
            }
        }
    };
    quote! {
        #doc
        pub mod #module {
            /// The address the spec gives this adapter (`None` for the stdio transport).
            pub const ADDRESS: ::core::option::Option<&str> = #address;
            /// Whether the spec asks for the stdio transport.
            pub const STDIO: bool = #stdio;

            /// The tools, their annotations and arguments, as the spec declares them.
            pub static INFO: ::naftiko_runtime::mcp::ServerDef = ::naftiko_runtime::mcp::ServerDef {
                name: #ns,
                title: #title,
                version: ::core::env!("CARGO_PKG_VERSION"),
                instructions: #instructions,
                tools: &[#(#defs),*],
                ttl_ms: #ttl_ms,
                cache_public: #cache_public,
            };

            #server

            #auth_items

            async fn call(
                #upstreams_pat: &super::Upstreams,
                tool: usize,
                #args_mut: ::naftiko_runtime::mcp::Args,
            ) -> ::core::result::Result<::naftiko_runtime::mcp::Outcome, ::naftiko_runtime::mcp::ArgError> {
                match tool {
                    #(#arms)*
                    _ => ::core::result::Result::Err(args.unknown_tool()),
                }
            }

            #(#types)*

            #resource_items
        }
    }
}
