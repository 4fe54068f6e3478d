//! What a spec with errors still generates, in the manner of askama's `build_skeleton`: every
//! public item the capability would define, with the same names and signatures, and
//! `unimplemented!()` bodies. Code that uses the generated items then type-checks, so the build
//! reports the spec's errors and nothing else. (The bodies never run: a spec error is a
//! `compile_error!`, so the crate never builds.)

use crate::ir;
use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{Block, FnArg, ImplItem, Item, Signature, Visibility, parse_quote};

/// The skeleton of the code generated for `cap`, the best-effort model of a spec with errors.
pub fn skeleton(cap: &ir::Capability) -> TokenStream {
    match syn::parse2::<syn::File>(super::capability(cap, None)) {
        Ok(mut file) => {
            hollow(&mut file.items);
            file.into_token_stream()
        }
        Err(_) => TokenStream::new(),
    }
}

/// Drops private functions and empties the bodies of the others, in modules and impls too.
fn hollow(items: &mut Vec<Item>) {
    items.retain(|item| !matches!(item, Item::Fn(f) if !is_pub(&f.vis)));
    for item in items {
        match item {
            Item::Fn(f) => hollow_fn(&mut f.sig, &mut f.block),
            Item::Mod(m) => {
                if let Some((_, items)) = &mut m.content {
                    hollow(items);
                }
            }
            Item::Impl(i) => {
                let in_trait = i.trait_.is_some();
                i.items
                    .retain(|it| !matches!(it, ImplItem::Fn(f) if !in_trait && !is_pub(&f.vis)));
                for it in &mut i.items {
                    if let ImplItem::Fn(f) = it {
                        hollow_fn(&mut f.sig, &mut f.block);
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_pub(vis: &Visibility) -> bool {
    !matches!(vis, Visibility::Inherited)
}

fn hollow_fn(sig: &mut Signature, block: &mut Block) {
    for arg in &mut sig.inputs {
        if let FnArg::Typed(arg) = arg {
            *arg.pat = parse_quote!(_);
        }
    }
    *block = parse_quote!({ ::core::unimplemented!() });
}
