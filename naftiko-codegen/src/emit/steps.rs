//! The body of an orchestrated handler: run the steps into a
//! `::naftiko_runtime::steps::Context`. The independent `call` steps (whose `with` reads
//! inputs and constants only) are awaited together with `tokio::join!` and their answers
//! recorded in the order written; then the other steps (lookups, and calls reading an earlier
//! step's answer) run one after the other, in the order written.

use super::{call_client, ident};
use crate::ir::{self, ScriptWith, Type};
use proc_macro2::TokenStream;
use quote::quote;

/// An `async` block evaluating to
/// `Result<::naftiko_runtime::steps::Context, ::naftiko_runtime::steps::StepFailure>`.
pub(crate) fn run(cap: &ir::Capability, call: &ir::Call) -> TokenStream {
    let mut futures = Vec::new();
    let mut results = Vec::new();
    let mut records = Vec::new();
    let mut later = Vec::new();
    for (n, step) in call.steps.iter().enumerate() {
        let name = &step.name;
        match &step.kind {
            ir::StepKind::Call(target)
                if target.args.iter().any(|a| matches!(a, ir::Arg::Context(_))) =>
            {
                let invoke = call_client(cap, call, target, quote! { upstreams });
                later.push(quote! {
                    let answer = async { #invoke }.await;
                    context.record(#name, answer)?;
                });
            }
            ir::StepKind::Call(target) => {
                // Each step owns copies of the inputs it reads, so that several steps may read
                // the same input while running together.
                let copies = call.inputs.iter().enumerate().filter_map(|(i, input)| {
                    let owned = !matches!(input.ty, Type::Integer | Type::Number | Type::Boolean)
                        || !input.required;
                    (owned && target.args.iter().any(|a| a.uses(i))).then(|| {
                        let v = ident(&input.ident);
                        quote! { let #v = ::core::clone::Clone::clone(&#v); }
                    })
                });
                let invoke = call_client(cap, call, target, quote! { upstreams });
                let r = ident(&format!("naftiko_step_{n}"));
                futures.push(quote! { async { #(#copies)* #invoke } });
                records.push(quote! { context.record(#name, #r)?; });
                results.push(r);
            }
            ir::StepKind::Lookup {
                index,
                field,
                value,
                keep,
            } => later.push(quote! {
                context.lookup(#name, #index, #field, #value, &[#(#keep),*]);
            }),
            ir::StepKind::Script {
                index,
                earlier,
                with,
                ..
            } => later.push(script(call, name, *index, earlier, with)),
        }
    }
    let join = match results.len() {
        0 => quote! {},
        1 => {
            let (r, f) = (&results[0], &futures[0]);
            quote! { let #r = #f.await; }
        }
        _ => quote! { let (#(#results),*) = ::naftiko_runtime::tokio::join!(#(#futures),*); },
    };
    quote! {
        async {
            #join
            let mut context = ::naftiko_runtime::steps::Context::new();
            #(#records)*
            #(#later)*
            ::core::result::Result::<_, ::naftiko_runtime::steps::StepFailure>::Ok(context)
        }
    }
}

/// A script step: its `context` (inputs, earlier answers, `with`) built, the script run off the
/// async workers (`naftiko_runtime::scripts`), its `result` recorded.
fn script(
    call: &ir::Call,
    name: &str,
    index: usize,
    earlier: &[String],
    with: &[(String, ScriptWith)],
) -> TokenStream {
    let inputs = call.inputs.iter().map(|i| {
        let n = &i.name;
        let v = ident(&i.ident);
        quote! { (#n, ::naftiko_runtime::serde_json::to_value(&#v).unwrap_or_default()) }
    });
    let binds = with.iter().map(|(k, v)| {
        let value = match v {
            ScriptWith::Const(j) => {
                let json = j.to_string();
                quote! { ::naftiko_runtime::serde_json::from_str::<::naftiko_runtime::serde_json::Value>(#json).unwrap_or_default() }
            }
            ScriptWith::Template(t) => {
                quote! { ::naftiko_runtime::scripts::render(#t, &naftiko_script_context) }
            }
            ScriptWith::Context(ptr) => quote! { context.at(#ptr) },
        };
        quote! {
            let value = #value;
            ::naftiko_runtime::scripts::bind(&mut naftiko_script_context, #k, value);
        }
    });
    quote! {
        {
            #[allow(unused_mut)]
            let mut naftiko_script_context = ::naftiko_runtime::scripts::bindings(
                ::std::vec::Vec::from([#(#inputs),*]),
                &context,
                &[#(#earlier),*],
            );
            #(#binds)*
            let answer = upstreams.scripts.run(#index, naftiko_script_context).await;
            context.record_script(#name, answer)?;
        }
    }
}
