//! Code generation: one emitter per output (client, REST adapter, OpenAPI, MCP adapter).
//!
//! Generated code names everything through `::naftiko_runtime`, so users depend on that crate
//! alone, and carries doc comments taken from the spec's descriptions.

mod auth;
mod client;
mod mcp;
mod openapi;
mod resources;
mod rest;
mod shape;
mod skeleton;
mod skill;
mod steps;
mod types;

use crate::ir::{self, Type};
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use std::path::Path;

pub use openapi::document as openapi_document;
pub use skeleton::skeleton;

/// All generated items of a capability. With `spec_path`, an `include_bytes!` of the spec makes
/// cargo rebuild when only the YAML changes.
pub fn capability(cap: &ir::Capability, spec_path: Option<&Path>) -> TokenStream {
    let include = spec_path.map(|p| {
        let p = p.to_string_lossy().into_owned();
        quote! { const _: &[u8] = ::core::include_bytes!(#p); }
    });
    let apis = cap.apis.iter().map(|a| client::api(a, &cap.file_vars));
    let rest = cap.rest.iter().map(|r| rest::adapter(cap, r));
    let mcp = cap.mcp.iter().map(|m| mcp::adapter(cap, m));
    let skills = cap.skills.iter().map(|s| skill::adapter(cap, s));
    let control = cap.control.as_ref().map(|c| {
        let address = format!("{}:{}", c.address, c.port);
        let serve_metrics = c
            .observability
            .as_ref()
            .is_none_or(|o| o.enabled && o.metrics);
        let body = match (c.health, serve_metrics) {
            (true, true) => {
                quote! { ::naftiko_runtime::control::router(readiness).merge(metrics.routes()) }
            }
            (true, false) => quote! {
                let _ = metrics;
                ::naftiko_runtime::control::router(readiness)
            },
            (false, true) => quote! {
                let _ = readiness;
                metrics.routes()
            },
            (false, false) => quote! {
                let _ = (readiness, metrics);
                ::naftiko_runtime::axum::Router::new()
            },
        };
        let body = if c.logs {
            quote! {
                let router = { #body };
                router.merge(::naftiko_runtime::control::LogControl::installed_routes())
            }
        } else {
            body
        };
        let observability = c.observability.as_ref().map(|o| {
            let (enabled, sampling) = (o.enabled, o.sampling);
            let endpoint = match &o.endpoint {
                Some(t) => {
                    let parts = t.0.iter().map(|p| match p {
                        ir::Part::Lit(s) => quote! { ::naftiko_runtime::client::Part::Lit(#s) },
                        ir::Part::Env(v) => quote! { ::naftiko_runtime::client::Part::Env(#v) },
                    });
                    quote! { ::core::option::Option::Some(&[#(#parts),*]) }
                }
                None => quote! { ::core::option::Option::None },
            };
            quote! {
                /// The spec's `observability`: pass it to
                /// `::naftiko_runtime::trace::Observability::provider` (feature `otlp`) and
                /// [`::naftiko_runtime::trace::install`] the provider to export traces.
                pub const OBSERVABILITY: ::naftiko_runtime::trace::Observability =
                    ::naftiko_runtime::trace::Observability {
                        enabled: #enabled,
                        sampling: #sampling,
                        endpoint: #endpoint,
                    };
            }
        });
        quote! {
            /// The `control` adapter: the management plane (see [`::naftiko_runtime::control`]).
            pub mod control_plane {
                /// The address the spec gives the control adapter.
                pub const ADDRESS: &str = #address;

                #observability

                /// `GET /metrics` (what `metrics` recorded for the routers wrapped with
                /// [`::naftiko_runtime::control::Metrics::layer`]) and, unless
                /// `management.health: false`, `/health/live` and `/health/ready` (ready once
                /// every component of `readiness` reported).
                pub fn router(
                    readiness: ::naftiko_runtime::control::Readiness,
                    metrics: &::naftiko_runtime::control::Metrics,
                ) -> ::naftiko_runtime::axum::Router {
                    #body
                }
            }
        }
    });
    let upstreams = upstreams(cap);
    quote! {
        #include
        #(#apis)*
        #upstreams
        #(#rest)*
        #(#mcp)*
        #(#skills)*
        #control
    }
}

/// An `include_bytes!` of each file (the files a spec imports), so that editing any of them
/// rebuilds the crate that expands the spec.
pub fn includes(paths: &[std::path::PathBuf]) -> TokenStream {
    let paths = paths.iter().map(|p| p.to_string_lossy().into_owned());
    quote! { #(const _: &[u8] = ::core::include_bytes!(#paths);)* }
}

pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = ...]` lines for a description; nothing when there is none.
pub(crate) fn docs(lines: &[Option<&str>]) -> TokenStream {
    let mut out = TokenStream::new();
    let mut first = true;
    for text in lines.iter().flatten() {
        if !first {
            out.extend(quote! { #[doc = ""] });
        }
        first = false;
        for line in text.lines() {
            let line = format!(" {}", line.trim_end());
            out.extend(quote! { #[doc = #line] });
        }
    }
    out
}

/// The owned Rust type of a value of this spec type.
pub(crate) fn owned_ty(ty: Type) -> TokenStream {
    match ty {
        Type::String => quote! { ::std::string::String },
        Type::Integer => quote! { i64 },
        Type::Number => quote! { f64 },
        Type::Boolean => quote! { bool },
        Type::Array => quote! { ::std::vec::Vec<::naftiko_runtime::serde_json::Value> },
        Type::Object => quote! { ::naftiko_runtime::serde_json::Value },
    }
}

/// The argument type of a positional parameter (borrowed where that saves a copy).
pub(crate) fn arg_ty(ty: Type) -> TokenStream {
    match ty {
        Type::String => quote! { &str },
        Type::Array => quote! { &[::naftiko_runtime::serde_json::Value] },
        Type::Object => quote! { &::naftiko_runtime::serde_json::Value },
        other => owned_ty(other),
    }
}

/// A constant of the given type as a Rust expression usable as a positional argument.
pub(crate) fn const_arg(ty: Type, v: &serde_json::Value) -> TokenStream {
    match (ty, v) {
        (Type::String, serde_json::Value::String(s)) => quote! { #s },
        (Type::Integer, v) => {
            let n = v.as_i64().unwrap_or_default();
            quote! { #n }
        }
        (Type::Number, v) => {
            let n = v.as_f64().unwrap_or_default();
            quote! { #n }
        }
        (Type::Boolean, v) => {
            let b = v.as_bool().unwrap_or_default();
            quote! { #b }
        }
        (Type::Array, _) => {
            let json = v.to_string();
            quote! { ::naftiko_runtime::serde_json::from_str::<::std::vec::Vec<::naftiko_runtime::serde_json::Value>>(#json).unwrap_or_default().as_slice() }
        }
        _ => {
            let json = v.to_string();
            quote! { &::naftiko_runtime::serde_json::from_str::<::naftiko_runtime::serde_json::Value>(#json).unwrap_or_default() }
        }
    }
}

pub(crate) fn method_tokens(m: ir::Method) -> TokenStream {
    let m = ident(m.as_str());
    quote! { ::naftiko_runtime::reqwest::Method::#m }
}

/// Statements binding each input of a call to a local variable, given how one input is read.
pub(crate) fn bind_inputs(
    call: &ir::Call,
    read: impl Fn(&ir::Input) -> TokenStream,
) -> TokenStream {
    let binds = call.inputs.iter().map(|i| {
        let v = ident(&i.ident);
        let ty = owned_ty(i.ty);
        let ty = if i.required {
            ty
        } else {
            quote! { ::core::option::Option<#ty> }
        };
        let read = read(i);
        let check = i.pattern.as_ref().map(|pat| {
            let name = &i.name;
            let value = if i.required {
                quote! { ::core::option::Option::Some(#v.as_str()) }
            } else {
                quote! { #v.as_deref() }
            };
            quote! {
                static PATTERN: ::naftiko_runtime::pattern::Pattern = ::naftiko_runtime::pattern::Pattern::new(
                    #pat,
                    || ::naftiko_runtime::regex::Regex::new(#pat).ok(),
                );
                PATTERN.check(#name, #value)?;
            }
        });
        match check {
            Some(check) => quote! { let #v: #ty = #read; { #check } },
            None => quote! { let #v: #ty = #read; },
        }
    });
    quote! { #(#binds)* }
}

/// `upstreams.<api>.<operation>(args..).await`, with inputs bound to locals by [`bind_inputs`].
pub(crate) fn call_client(
    cap: &ir::Capability,
    call: &ir::Call,
    target: &ir::Target,
    upstreams: TokenStream,
) -> TokenStream {
    let api = &cap.apis[target.api];
    let op = &api.operations[target.operation];
    let api_field = ident(&api.module);
    let method = ident(&op.ident);
    let mut args = Vec::new();
    let mut fields = Vec::new();
    // Structured arguments with inputs inside, built before the call (each borrows its inputs).
    let mut built = Vec::new();
    for (n, (p, arg)) in op.params.iter().zip(&target.args).enumerate() {
        if p.fixed.is_some() {
            continue;
        }
        let json = match arg {
            ir::Arg::Json(j) => {
                let local = ident(&format!("naftiko_json_arg_{n}"));
                built.push(match (p.ty, j) {
                    (Type::Array, ir::JsonArg::Array(items)) => {
                        let items = items.iter().map(|j| json_arg(call, j));
                        quote! {
                            let #local: ::std::vec::Vec<::naftiko_runtime::serde_json::Value> =
                                ::std::vec::Vec::from([#(#items),*]);
                        }
                    }
                    (Type::Array, j) => {
                        let item = json_arg(call, j);
                        quote! {
                            let #local: ::std::vec::Vec<::naftiko_runtime::serde_json::Value> =
                                ::std::vec::Vec::from([#item]);
                        }
                    }
                    (_, j) => {
                        let value = json_arg(call, j);
                        quote! { let #local: ::naftiko_runtime::serde_json::Value = #value; }
                    }
                });
                Some(local)
            }
            ir::Arg::Env(t) => {
                let local = ident(&format!("naftiko_bound_arg_{n}"));
                let parts = t.0.iter().map(|part| match part {
                    ir::Part::Lit(l) => quote! { text.push_str(#l); },
                    ir::Part::Env(v) => quote! {
                        text.push_str(#upstreams.#api_field.http().bound(#v).unwrap_or_default());
                    },
                });
                built.push(quote! {
                    let #local: ::std::string::String = {
                        let mut text = ::std::string::String::new();
                        #(#parts)*
                        text
                    };
                });
                Some(local)
            }
            ir::Arg::Context(pointer) => {
                // An earlier step's answer, read from the steps' `context`.
                let local = ident(&format!("naftiko_step_arg_{n}"));
                let ty = owned_ty(p.ty);
                let name = &p.name;
                built.push(if p.positional() {
                    quote! { let #local: #ty = context.required_arg(#name, #pointer)?; }
                } else {
                    quote! { let #local: ::core::option::Option<#ty> = context.arg(#pointer); }
                });
                Some(local)
            }
            _ => None,
        };
        if p.positional() {
            args.push(match arg {
                ir::Arg::Json(_) if p.ty == Type::Array => quote! { #json.as_slice() },
                ir::Arg::Json(_) | ir::Arg::Env(_) => quote! { &#json },
                ir::Arg::Context(_) => match p.ty {
                    Type::String | Type::Array | Type::Object => quote! { &#json },
                    _ => quote! { #json },
                },
                ir::Arg::Input(i) if p.any_json && call.inputs[*i].ty != p.ty => {
                    let v = ident(&call.inputs[*i].ident);
                    quote! { &::naftiko_runtime::serde_json::to_value(&#v).unwrap_or_default() }
                }
                ir::Arg::Input(i) => {
                    let v = ident(&call.inputs[*i].ident);
                    match p.ty {
                        Type::String | Type::Array | Type::Object => quote! { &#v },
                        _ => quote! { #v },
                    }
                }
                ir::Arg::Const(c) => const_arg(p.ty, c),
                ir::Arg::Absent => quote! { ::core::default::Default::default() },
            });
        } else {
            let f = ident(&p.ident);
            let value = match arg {
                ir::Arg::Input(i) if p.any_json && call.inputs[*i].ty != p.ty => {
                    let input = &call.inputs[*i];
                    let v = ident(&input.ident);
                    if input.required {
                        quote! { ::naftiko_runtime::serde_json::to_value(&#v).ok() }
                    } else {
                        quote! { #v.as_ref().and_then(|v| ::naftiko_runtime::serde_json::to_value(v).ok()) }
                    }
                }
                ir::Arg::Input(i) => {
                    let input = &call.inputs[*i];
                    let v = ident(&input.ident);
                    if input.required {
                        quote! { ::core::option::Option::Some(#v) }
                    } else if input.ident == p.ident {
                        // Field init shorthand.
                        fields.push(quote! { #f });
                        continue;
                    } else {
                        quote! { #v }
                    }
                }
                ir::Arg::Const(c) => {
                    let json = c.to_string();
                    let ty = owned_ty(p.ty);
                    quote! { ::naftiko_runtime::serde_json::from_str::<#ty>(#json).ok() }
                }
                ir::Arg::Json(_) | ir::Arg::Env(_) => {
                    quote! { ::core::option::Option::Some(#json) }
                }
                ir::Arg::Context(_) => quote! { #json },
                ir::Arg::Absent => quote! { ::core::option::Option::None },
            };
            fields.push(quote! { #f: #value });
        }
    }
    if op
        .params
        .iter()
        .any(|p| p.fixed.is_none() && !p.positional())
    {
        let module = ident(&api.module);
        let s = ident(&op.params_struct);
        args.push(quote! { &super::#module::#s { #(#fields),* } });
    }
    let call = quote! { #upstreams.#api_field.#method(#(#args),*).await };
    if built.is_empty() {
        call
    } else {
        quote! {{ #(#built)* #call }}
    }
}

/// A structured argument as a `serde_json::Value` expression; inputs are read by reference
/// (an absent optional input is `null`).
fn json_arg(call: &ir::Call, j: &ir::JsonArg) -> TokenStream {
    let value = quote! { ::naftiko_runtime::serde_json::Value };
    match j {
        ir::JsonArg::Value(v) => {
            let text = v.to_string();
            quote! { ::naftiko_runtime::serde_json::from_str::<#value>(#text).unwrap_or_default() }
        }
        ir::JsonArg::Input(i) => {
            let v = ident(&call.inputs[*i].ident);
            quote! { ::naftiko_runtime::serde_json::to_value(&#v).unwrap_or_default() }
        }
        ir::JsonArg::Array(items) => {
            let items = items.iter().map(|j| json_arg(call, j));
            quote! { #value::Array(::std::vec::Vec::from([#(#items),*])) }
        }
        ir::JsonArg::Object(entries) => {
            let inserts = entries.iter().map(|(k, j)| match j {
                // An absent optional input leaves its field out (no `null` is invented).
                ir::JsonArg::Input(i) if !call.inputs[*i].required => {
                    let v = ident(&call.inputs[*i].ident);
                    quote! {
                        if let ::core::option::Option::Some(v) = &#v {
                            map.insert(::std::string::String::from(#k), ::naftiko_runtime::serde_json::to_value(v).unwrap_or_default());
                        }
                    }
                }
                _ => {
                    let v = json_arg(call, j);
                    quote! { map.insert(::std::string::String::from(#k), #v); }
                }
            });
            quote! {{
                let mut map = ::naftiko_runtime::serde_json::Map::new();
                #(#inserts)*
                #value::Object(map)
            }}
        }
    }
}

/// What a handler needs to build its result: the `static OUTPUT` shape, the statement binding
/// `texts` (the inputs' texts its `value`s read; taken before the inputs move into the call),
/// and statements that mark inputs used by nothing (declared inputs that feed nothing).
pub(crate) struct Answer {
    pub(crate) output: TokenStream,
    pub(crate) texts: TokenStream,
    /// `&texts`, or `&[]` when no `value` reads an input.
    pub(crate) texts_arg: TokenStream,
    pub(crate) unused: TokenStream,
}

pub(crate) fn answer(call: &ir::Call) -> Answer {
    let output = shape::output(&call.output);
    let mut used = Vec::new();
    call.output.inputs_used(&mut used);
    let (texts, texts_arg) = if used.is_empty() {
        (quote! {}, quote! { &[] })
    } else {
        let n = call.inputs.len();
        let each = (0..n).map(|i| {
            if used.contains(&i) {
                let v = ident(&call.inputs[i].ident);
                quote! { ::naftiko_runtime::shape::Text::text(&#v) }
            } else {
                quote! { ::core::option::Option::None }
            }
        });
        (
            quote! { let texts: [::core::option::Option<::std::string::String>; #n] = [#(#each),*]; },
            quote! { &texts },
        )
    };
    let fed = |i: usize| {
        used.contains(&i)
            || call
                .target
                .as_ref()
                .is_some_and(|t| t.args.iter().any(|a| a.uses(i)))
            || call.steps.iter().any(|s| match &s.kind {
                ir::StepKind::Call(t) => t.args.iter().any(|a| a.uses(i)),
                ir::StepKind::Lookup { .. } => false,
                // A script reads every input (its `context`).
                ir::StepKind::Script { .. } => true,
            })
    };
    let unused = (0..call.inputs.len()).filter(|i| !fed(*i)).map(|i| {
        let v = ident(&call.inputs[i].ident);
        quote! { let _ = #v; }
    });
    Answer {
        output,
        texts,
        texts_arg,
        unused: quote! { #(#unused)* },
    }
}

pub(crate) use shape::{output_schema, schema as shape_schema};
pub(crate) use steps::run as run_steps;

/// With script steps: `SCRIPTS` (what each runs, under which limits), the check that the
/// runtime has its `scripts` feature, and the `scripts` field of `Upstreams` (its files read
/// when the clients are built), with its two initialisers.
fn scripts(cap: &ir::Capability) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
    if cap.scripts.is_empty() {
        return Default::default();
    }
    let n = cap.scripts.len();
    let defs = cap.scripts.iter().map(|s| {
        let step = &s.step;
        let files = s.files.iter().map(|f| match f {
            crate::spec::ScriptFile::Embedded { path, name } => quote! {
                ::naftiko_runtime::scripts::File::Embedded { name: #name, text: ::core::include_str!(#path) }
            },
            crate::spec::ScriptFile::Deployed { path } => quote! {
                ::naftiko_runtime::scripts::File::Deployed { path: #path }
            },
        });
        let (t, l) = (s.timeout_ms, s.statement_limit);
        let enabled = match s.enabled {
            Some(b) => quote! { ::core::option::Option::Some(#b) },
            None => quote! { ::core::option::Option::None },
        };
        quote! {
            ::naftiko_runtime::scripts::ScriptDef {
                step: #step,
                files: &[#(#files),*],
                limits: ::naftiko_runtime::scripts::Limits { timeout_ms: #t, statement_limit: #l, enabled: #enabled },
            }
        }
    });
    (
        quote! {
            ::naftiko_runtime::require_scripts_feature!();

            /// The script steps: their files (dependencies first) and limits.
            pub static SCRIPTS: [::naftiko_runtime::scripts::ScriptDef; #n] = [#(#defs),*];
        },
        quote! {
            /// The script steps, their files read.
            pub scripts: ::naftiko_runtime::scripts::Scripts,
        },
        quote! {
            scripts: ::naftiko_runtime::scripts::Scripts::load(&SCRIPTS, &|name: &str| ::std::env::var(name).ok())?,
        },
        quote! {
            scripts: ::naftiko_runtime::scripts::Scripts::load(&SCRIPTS, &env)?,
        },
    )
}
pub(crate) use types::Types;

/// The struct holding one client per consumed API, shared by every adapter.
pub(crate) fn upstreams(cap: &ir::Capability) -> TokenStream {
    let fields = cap.apis.iter().map(|a| {
        let f = ident(&a.module);
        let doc = format!(" Client of `{}`.", a.namespace);
        quote! { #[doc = #doc] pub #f: #f::Client, }
    });
    let inits = cap.apis.iter().map(|a| {
        let f = ident(&a.module);
        quote! { #f: #f::Client::from_env()?, }
    });
    let sourced = cap.apis.iter().map(|a| {
        let f = ident(&a.module);
        quote! { #f: #f::Client::builder().env_source(env.clone()).build()?, }
    });
    let (scripts, script_field, script_init, script_sourced) = scripts(cap);
    quote! {
        #scripts

        /// One client per consumed API: what the adapters call.
        #[derive(Clone, Debug)]
        pub struct Upstreams {
            #(#fields)*
            #script_field
        }

        impl Upstreams {
            /// Every client with the spec's defaults and credentials from the environment.
            pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::client::ConfigError> {
                ::core::result::Result::Ok(Upstreams { #script_init #(#inits)* })
            }

            /// Every client with the spec's defaults, reading bound variables from `env`
            /// instead of the process environment (a secrets store, a test).
            pub fn from_env_source(
                env: impl Fn(&str) -> ::core::option::Option<::std::string::String> + ::core::clone::Clone + ::core::marker::Send + ::core::marker::Sync + 'static,
            ) -> ::core::result::Result<Self, ::naftiko_runtime::client::ConfigError> {
                ::core::result::Result::Ok(Upstreams { #script_sourced #(#sourced)* })
            }
        }
    }
}
