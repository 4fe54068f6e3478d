//! The axum routes of one `rest` adapter.

use super::{Answer, Types, answer, bind_inputs, call_client, docs, ident};
use crate::ir::{self, Source};
use proc_macro2::TokenStream;
use quote::quote;

pub fn adapter(cap: &ir::Capability, r: &ir::RestAdapter) -> TokenStream {
    let module = ident(&r.module);
    let address = format!("{}:{}", r.address, r.port);
    let openapi = super::openapi::document(cap, r).to_string();
    let doc = docs(&[
        Some(&format!(
            "REST adapter `{}` (default address {address}).",
            r.namespace
        )),
        r.description.as_deref(),
    ]);
    // One `.route` per path, with every method of that path.
    let mut paths: Vec<(&str, Vec<TokenStream>)> = Vec::new();
    for route in &r.routes {
        let handler = ident(&route.call.ident);
        let m = ident(&route.method.as_str().to_ascii_lowercase());
        let entry = quote! { #m(#handler) };
        match paths.iter_mut().find(|(p, _)| *p == route.path) {
            Some((_, methods)) => methods.push(entry),
            None => paths.push((&route.path, vec![entry])),
        }
    }
    let routes = paths.iter().map(|(path, methods)| {
        let mut iter = methods.iter();
        let first = iter
            .next()
            .map(|m| quote! { ::naftiko_runtime::axum::routing::#m })
            .unwrap_or_default();
        let rest = iter.map(|m| quote! { .#m });
        quote! { .route(#path, #first #(#rest)*) }
    });
    let forward_routes = r.forwards.iter().flat_map(|f| {
        let handler = ident(&f.ident);
        f.paths.iter().map(move |p| {
            quote! { .route(#p, ::naftiko_runtime::axum::routing::any(#handler)) }
        })
    });
    let routes = routes.chain(forward_routes).collect::<Vec<_>>();
    let handlers = r
        .routes
        .iter()
        .map(|route| handler(cap, route))
        .chain(r.forwards.iter().map(|f| forward_handler(cap, f)));
    let mut types = Types::default();
    for route in &r.routes {
        let doc = format!(
            "What `{} {}` answers on success, as its `outputParameters` declare.",
            route.method.as_str(),
            route.path
        );
        types.result(
            &format!("{}_output", route.call.ident),
            &doc,
            &route.call.output,
        );
    }
    let types = types.into_items();
    let auth_items = super::auth::items(&r.namespace, r.auth.as_ref(), &cap.file_vars);
    let router = if r.auth.is_some() {
        quote! {
            /// The adapter's routes, plus `GET /openapi.json` and `GET /healthz`. Every request
            /// but `/healthz` must pass `auth` (see [`authentication`]); a refused one reaches
            /// no handler and no upstream.
            pub fn router(upstreams: super::Upstreams, auth: ::naftiko_runtime::auth::Inbound) -> ::naftiko_runtime::axum::Router {
                let routes = ::naftiko_runtime::axum::Router::new()
                    #(#routes)*;
                auth.protect(::naftiko_runtime::rest::finish(routes, OPENAPI).with_state(upstreams))
            }
        }
    } else {
        quote! {
            /// The adapter's routes, plus `GET /openapi.json` and `GET /healthz`.
            pub fn router(upstreams: super::Upstreams) -> ::naftiko_runtime::axum::Router {
                let routes = ::naftiko_runtime::axum::Router::new()
                    #(#routes)*;
                ::naftiko_runtime::rest::finish(routes, OPENAPI).with_state(upstreams)
            }
        }
    };
    quote! {
        #doc
        pub mod #module {
            /// The address the spec gives this adapter.
            pub const ADDRESS: &str = #address;
            /// The OpenAPI 3.1 document of this adapter, generated from the spec.
            pub const OPENAPI: &str = #openapi;

            #router

            #auth_items

            #(#handlers)*

            #(#types)*
        }
    }
}

fn handler(cap: &ir::Capability, route: &ir::Route) -> TokenStream {
    let call = &route.call;
    let name = ident(&call.ident);
    let doc = docs(&[Some(&format!(
        "`{} {}`: {}",
        route.method.as_str(),
        route.path,
        call.description.as_deref().unwrap_or(&call.name)
    ))]);
    let has_fields = call.inputs.iter().any(|i| i.source == Source::Field);
    let fields = has_fields.then(|| quote! { let mut fields = input.body_fields()?; });
    let binds = bind_inputs(call, |i| {
        let n = &i.name;
        match (i.source, i.required) {
            (Source::Path, _) => quote! { input.path(#n)? },
            (Source::Query, true) => quote! { input.required_query(#n)? },
            (Source::Query, false) => quote! { input.query(#n)? },
            (Source::Header, true) => quote! { input.required_header(#n)? },
            (Source::Header, false) => quote! { input.header(#n)? },
            (Source::Cookie, true) => quote! { input.required_cookie(#n)? },
            (Source::Cookie, false) => quote! { input.cookie(#n)? },
            (Source::Body, true) => quote! { input.required_body()? },
            (Source::Body, false) => quote! { input.body()? },
            (Source::Field, true) => quote! { fields.required(#n)? },
            (Source::Field, false) => quote! { fields.get(#n)? },
        }
    });
    let Answer {
        output,
        texts,
        texts_arg,
        unused,
    } = answer(call);
    let respond = match &call.target {
        None if !call.steps.is_empty() => {
            let run = super::run_steps(cap, call);
            quote! { ::naftiko_runtime::steps::respond(#run.await, &OUTPUT, #texts_arg) }
        }
        Some(target) => {
            let invoke = call_client(cap, call, target, quote! { upstreams });
            match &route.binary {
                Some(b) => {
                    let (status, media, max) = (b.status, &b.media_type, b.max_bytes);
                    quote! { ::naftiko_runtime::rest::respond_binary(#invoke, #status, #media, #max) }
                }
                None => quote! { ::naftiko_runtime::rest::respond(#invoke, &OUTPUT, #texts_arg) },
            }
        }
        None => quote! { ::naftiko_runtime::rest::respond_mock(&OUTPUT, #texts_arg) },
    };
    let state = if call.target.is_some() || !call.steps.is_empty() {
        quote! { upstreams }
    } else {
        quote! { _ }
    };
    let input_pat = if call.inputs.is_empty() {
        quote! { _input }
    } else {
        quote! { input }
    };
    quote! {
        #doc
        async fn #name(
            ::naftiko_runtime::axum::extract::State(#state): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
            #input_pat: ::naftiko_runtime::rest::Inputs,
        ) -> ::core::result::Result<::naftiko_runtime::axum::response::Response, ::naftiko_runtime::rest::Problem> {
            #fields
            #binds
            #unused
            static OUTPUT: ::naftiko_runtime::shape::Output = #output;
            #texts
            ::core::result::Result::Ok(#respond)
        }
    }
}

/// The handler of a forwarded resource: every method, streamed both ways.
fn forward_handler(cap: &ir::Capability, f: &ir::ForwardRoute) -> TokenStream {
    let name = ident(&f.ident);
    let api = &cap.apis[f.api];
    let field = ident(&api.module);
    let operation = format!("forward {}", f.name);
    let doc = docs(&[Some(&format!(
        "Every method on `{}`: forwarded to `{}`.",
        f.name, api.namespace
    ))]);
    let trusted = &f.trusted;
    let skip = f.skip;
    quote! {
        #doc
        async fn #name(
            ::naftiko_runtime::axum::extract::State(upstreams): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
            request: ::naftiko_runtime::axum::extract::Request,
        ) -> ::naftiko_runtime::axum::response::Response {
            upstreams.#field.http().forward(#operation, &[#(#trusted),*], #skip, request).await
        }
    }
}
