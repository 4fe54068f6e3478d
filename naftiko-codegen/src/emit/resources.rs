//! The resources and prompts of one `mcp` adapter: `RESOURCES` and `PROMPTS` statics (files
//! embedded with `include_bytes!`, so editing one rebuilds), and `read_resource`, which calls
//! the consumed operation of a dynamic resource with its URI template's variables.

use super::{Answer, answer, bind_inputs, call_client};
use crate::ir;
use proc_macro2::TokenStream;
use quote::quote;

fn opt_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote! { ::core::option::Option::Some(#s) },
        None => quote! { ::core::option::Option::None },
    }
}

/// What the adapter's module gains: statements run before the server is built (`pre`, which
/// may clone `upstreams`), calls chained on the new server, and items of the module.
pub(super) struct Parts {
    pub(super) pre: TokenStream,
    pub(super) chain: TokenStream,
    pub(super) items: TokenStream,
}

pub(super) fn parts(cap: &ir::Capability, m: &ir::McpAdapter) -> Parts {
    let mut pre = TokenStream::new();
    let mut chain = TokenStream::new();
    let mut items = TokenStream::new();
    if !m.resources.is_empty() {
        let defs = m.resources.iter().map(resource_def);
        let count = m.resources.len();
        let any_call = m
            .resources
            .iter()
            .any(|r| matches!(r.kind, ir::ResourceKind::Call(_)));
        items.extend(quote! {
            /// The resources, as the spec declares them.
            pub static RESOURCES: [::naftiko_runtime::mcp::ResourceDef; #count] = [#(#defs),*];
        });
        if any_call {
            pre.extend(quote! { let resource_upstreams = upstreams.clone(); });
            chain.extend(quote! {
                .with_resources(&RESOURCES, move |resource, args| {
                    let upstreams = resource_upstreams.clone();
                    ::std::boxed::Box::pin(async move { read_resource(&upstreams, resource, args).await })
                })
            });
            items.extend(read_fn(cap, m));
        } else {
            chain.extend(quote! {
                .with_resources(&RESOURCES, |_, args| {
                    ::std::boxed::Box::pin(async move { ::core::result::Result::Err(args.unknown_tool()) })
                })
            });
        }
    }
    if !m.prompts.is_empty() {
        let defs = m.prompts.iter().map(prompt_def);
        let count = m.prompts.len();
        let files = m.prompts.iter().filter_map(|p| p.file.as_deref());
        items.extend(quote! {
            /// The prompts, as the spec declares them.
            pub static PROMPTS: [::naftiko_runtime::mcp::PromptDef; #count] = [#(#defs),*];
            #(const _: &str = ::core::include_str!(#files);)*
        });
        chain.extend(quote! { .with_prompts(&PROMPTS) });
    }
    Parts { pre, chain, items }
}

fn resource_def(r: &ir::McpResource) -> TokenStream {
    let (name, uri, templated) = (&r.name, &r.uri, r.templated);
    let title = opt_str(r.title.as_deref());
    let description = opt_str(r.description.as_deref());
    let mime = opt_str(r.mime_type.as_deref());
    let binary = match r.binary {
        Some(max) => quote! { ::core::option::Option::Some(#max) },
        None => quote! { ::core::option::Option::None },
    };
    let source = match &r.kind {
        ir::ResourceKind::File(path) => quote! {
            ::naftiko_runtime::mcp::ResourceSource::Embedded(::core::include_bytes!(#path))
        },
        ir::ResourceKind::Call(_) => quote! { ::naftiko_runtime::mcp::ResourceSource::Call },
    };
    quote! {
        ::naftiko_runtime::mcp::ResourceDef {
            name: #name,
            title: #title,
            description: #description,
            uri: #uri,
            templated: #templated,
            mime_type: #mime,
            source: #source,
            binary: #binary,
        }
    }
}

fn prompt_def(p: &ir::McpPrompt) -> TokenStream {
    let name = &p.name;
    let title = opt_str(p.title.as_deref());
    let description = opt_str(p.description.as_deref());
    let args = p.arguments.iter().map(|a| {
        let (n, req) = (&a.name, a.required);
        let t = opt_str(a.title.as_deref());
        let d = opt_str(a.description.as_deref());
        quote! {
            ::naftiko_runtime::mcp::PromptArgDef { name: #n, title: #t, description: #d, required: #req }
        }
    });
    let messages = p.messages.iter().map(|m| {
        let assistant = m.assistant;
        let parts = m.parts.iter().map(|part| match part {
            ir::PromptPart::Lit(s) => quote! { ::naftiko_runtime::mcp::PromptPart::Lit(#s) },
            ir::PromptPart::Arg(i) => quote! { ::naftiko_runtime::mcp::PromptPart::Arg(#i) },
        });
        quote! {
            ::naftiko_runtime::mcp::MessageDef { assistant: #assistant, parts: &[#(#parts),*] }
        }
    });
    quote! {
        ::naftiko_runtime::mcp::PromptDef {
            name: #name,
            title: #title,
            description: #description,
            arguments: &[#(#args),*],
            messages: &[#(#messages),*],
        }
    }
}

/// `read_resource(upstreams, index, args)`: one arm per dynamic resource, like a tool's.
fn read_fn(cap: &ir::Capability, m: &ir::McpAdapter) -> TokenStream {
    let arms = m.resources.iter().enumerate().filter_map(|(n, r)| {
        let ir::ResourceKind::Call(call) = &r.kind else {
            return None;
        };
        let binds = bind_inputs(call, |i| {
            let name = &i.name;
            quote! { args.required(#name)? }
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
        Some(quote! {
            #n => {
                #binds
                #unused
                static OUTPUT: ::naftiko_runtime::shape::Output = #output;
                #texts
                ::core::result::Result::Ok(#outcome)
            }
        })
    });
    let args_mut = if m
        .resources
        .iter()
        .any(|r| matches!(&r.kind, ir::ResourceKind::Call(c) if !c.inputs.is_empty()))
    {
        quote! { mut args }
    } else {
        quote! { args }
    };
    quote! {
        async fn read_resource(
            upstreams: &super::Upstreams,
            resource: usize,
            #args_mut: ::naftiko_runtime::mcp::Args,
        ) -> ::core::result::Result<::naftiko_runtime::mcp::Outcome, ::naftiko_runtime::mcp::ArgError> {
            match resource {
                #(#arms)*
                _ => ::core::result::Result::Err(args.unknown_tool()),
            }
        }
    }
}
