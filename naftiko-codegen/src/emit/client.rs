//! The typed client of one consumed API.

use super::{Types, arg_ty, docs, ident, method_tokens, owned_ty};
use crate::ir::{self, Body, In, Part, Segment};
use proc_macro2::TokenStream;
use quote::quote;

fn parts(t: &ir::Template) -> TokenStream {
    let parts = t.0.iter().map(|p| match p {
        Part::Lit(s) => quote! { ::naftiko_runtime::client::Part::Lit(#s) },
        Part::Env(v) => quote! { ::naftiko_runtime::client::Part::Env(#v) },
    });
    quote! { &[#(#parts),*] }
}

fn auth(a: &ir::Auth) -> TokenStream {
    match a {
        ir::Auth::None => quote! { ::naftiko_runtime::client::AuthSpec::None },
        ir::Auth::Bearer(t) => {
            let t = parts(t);
            quote! { ::naftiko_runtime::client::AuthSpec::Bearer(#t) }
        }
        ir::Auth::Basic { username, password } => {
            let (u, p) = (parts(username), parts(password));
            quote! { ::naftiko_runtime::client::AuthSpec::Basic { username: #u, password: #p } }
        }
        ir::Auth::ApiKey {
            name,
            value,
            placement,
        } => {
            let v = parts(value);
            let placement = match placement {
                ir::KeyPlacement::Header => quote! { Header },
                ir::KeyPlacement::Query => quote! { Query },
                ir::KeyPlacement::Cookie => quote! { Cookie },
                ir::KeyPlacement::Path => quote! { Path },
                ir::KeyPlacement::Body => quote! { Body },
            };
            quote! { ::naftiko_runtime::client::AuthSpec::ApiKey { name: #name, value: #v, placement: ::naftiko_runtime::client::KeyPlacement::#placement } }
        }
        ir::Auth::OAuth2 {
            token_url,
            client_id,
            client_secret,
            scopes,
            resource,
        } => {
            let (u, i, s) = (parts(token_url), parts(client_id), parts(client_secret));
            let r = match resource {
                Some(r) => {
                    let r = parts(r);
                    quote! { ::core::option::Option::Some(#r) }
                }
                None => quote! { ::core::option::Option::None },
            };
            quote! {
                ::naftiko_runtime::client::AuthSpec::OAuth2 {
                    token_url: #u,
                    client_id: #i,
                    client_secret: #s,
                    scopes: &[#(#scopes),*],
                    resource: #r,
                }
            }
        }
        ir::Auth::Digest { username, password } => {
            let (u, p) = (parts(username), parts(password));
            quote! { ::naftiko_runtime::client::AuthSpec::Digest { username: #u, password: #p } }
        }
        ir::Auth::Hmac { api_id, api_key } => {
            let (i, k) = (parts(api_id), parts(api_key));
            quote! { ::naftiko_runtime::client::AuthSpec::Hmac { api_id: #i, api_key: #k } }
        }
        ir::Auth::OAuth1 {
            consumer_key,
            consumer_secret,
            token,
            token_secret,
        } => {
            let (k, s) = (parts(consumer_key), parts(consumer_secret));
            let (t, ts) = (opt_parts(token.as_ref()), opt_parts(token_secret.as_ref()));
            quote! {
                ::naftiko_runtime::client::AuthSpec::OAuth1 {
                    consumer_key: #k,
                    consumer_secret: #s,
                    token: #t,
                    token_secret: #ts,
                }
            }
        }
        ir::Auth::AwsSigV4 {
            access_key_id,
            secret_key,
            region,
            service,
            session_token,
        } => {
            let (a, s) = (parts(access_key_id), parts(secret_key));
            let (r, n) = (parts(region), parts(service));
            let t = opt_parts(session_token.as_ref());
            quote! {
                ::naftiko_runtime::client::AuthSpec::AwsSigV4 {
                    access_key_id: #a,
                    secret_key: #s,
                    region: #r,
                    service: #n,
                    session_token: #t,
                }
            }
        }
        ir::Auth::Certificate {
            cert_path,
            key_path,
            cert_password,
        } => {
            let c = parts(cert_path);
            let k = opt_parts(key_path.as_ref());
            let p = opt_parts(cert_password.as_ref());
            quote! { ::naftiko_runtime::client::AuthSpec::Certificate { cert_path: #c, key_path: #k, cert_password: #p } }
        }
    }
}

fn opt_parts(t: Option<&ir::Template>) -> TokenStream {
    match t {
        Some(t) => {
            let t = parts(t);
            quote! { ::core::option::Option::Some(#t) }
        }
        None => quote! { ::core::option::Option::None },
    }
}

fn env_vars(api: &ir::Api) -> Vec<String> {
    let mut vars: Vec<String> = Vec::new();
    let mut templates: Vec<&ir::Template> = api.auth.templates();
    templates.push(&api.base_uri);
    for t in templates
        .into_iter()
        .chain(api.fixed.iter().map(|f| &f.value))
    {
        for v in t.env_vars() {
            if !vars.iter().any(|x| x == v) {
                vars.push(v.to_string());
            }
        }
    }
    vars
}

/// The environment variables requests read: body templates' `{{VAR}}`s, then the exposures'
/// `with` values' ([`ir::Api::request_env`]), in order.
fn body_env_vars(api: &ir::Api) -> Vec<String> {
    fn collect(parts: &[ir::TextPart], out: &mut Vec<String>) {
        for p in parts {
            if let ir::TextPart::Env(v) = p
                && !out.contains(v)
            {
                out.push(v.clone());
            }
        }
    }
    fn collect_json(t: &ir::JsonTemplate, out: &mut Vec<String>) {
        match t {
            ir::JsonTemplate::Value(_) | ir::JsonTemplate::Var(_) => {}
            ir::JsonTemplate::Text(parts) => collect(parts, out),
            ir::JsonTemplate::Array(items) => items.iter().for_each(|t| collect_json(t, out)),
            ir::JsonTemplate::Object(entries) => {
                entries.iter().for_each(|(_, t)| collect_json(t, out));
            }
        }
    }
    let mut out = Vec::new();
    for op in &api.operations {
        match &op.body {
            Body::None | Body::Whole(_) | Body::Fields(_) => {}
            Body::Template(t) | Body::Encoded(_, t) => collect_json(t, &mut out),
            Body::Text(t) => collect(&t.parts, &mut out),
            Body::Multipart(parts) => parts.iter().for_each(|p| collect(&p.value, &mut out)),
        }
    }
    // And those the exposures' `with` values read.
    for v in &api.request_env {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    out
}

/// The client of `api`; `file_vars` are the capability's variables read from bind files.
pub fn api(api: &ir::Api, file_vars: &[ir::FileVar]) -> TokenStream {
    let module = ident(&api.module);
    let ns = &api.namespace;
    let base = parts(&api.base_uri);
    let base_text: String = api
        .base_uri
        .0
        .iter()
        .map(|p| match p {
            Part::Lit(s) => s.clone(),
            Part::Env(v) => format!("${v}"),
        })
        .collect();
    let auth = auth(&api.auth);
    let fixed = api.fixed.iter().map(|f| {
        let name = &f.name;
        let in_query = f.location == In::Query;
        let value = parts(&f.value);
        quote! { ::naftiko_runtime::client::FixedSpec { name: #name, in_query: #in_query, value: #value } }
    });
    let selectors: Vec<TokenStream> = api
        .operations
        .iter()
        .filter_map(|op| match &op.raw_format {
            ir::RawFormat::Html(Some(css)) => {
                let name = &op.name;
                Some(quote! { (#name, #css) })
            }
            _ => None,
        })
        .collect();
    let html_selectors = (!selectors.is_empty()).then(|| {
        quote! { const HTML_SELECTORS: &'static [(&'static str, &'static str)] = &[#(#selectors),*]; }
    });
    let body_vars = body_env_vars(api);
    let body_env = (!body_vars.is_empty()).then(|| {
        quote! { const BODY_ENV: &'static [&'static str] = &[#(#body_vars),*]; }
    });
    let mut vars = env_vars(api);
    for v in body_vars {
        if !vars.contains(&v) {
            vars.push(v);
        }
    }
    // Variables of bind files: only their paths and keys are generated, never a value.
    let from_files: Vec<&ir::FileVar> =
        file_vars.iter().filter(|f| vars.contains(&f.var)).collect();
    let bind_files = (!from_files.is_empty()).then(|| {
        let entries = from_files.iter().map(|f| {
            let (var, path, key) = (&f.var, &f.path, &f.key);
            quote! { ::naftiko_runtime::client::BindFile { var: #var, path: #path, key: #key } }
        });
        quote! { const BIND_FILES: &'static [::naftiko_runtime::client::BindFile] = &[#(#entries),*]; }
    });
    let vars: Vec<String> = vars
        .into_iter()
        .map(|v| match from_files.iter().find(|f| f.var == v) {
            Some(f) => format!("{v}` from key `{}` of `{}", f.key, f.path),
            None => v,
        })
        .collect();
    let from_env_doc = if vars.is_empty() {
        " A client with the spec's defaults.".to_string()
    } else {
        format!(
            " A client with the spec's defaults, credentials from the environment ({}).",
            vars.iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let client_doc =
        format!(" Client of `{ns}`. Cheap to clone: clones share one connection pool.");
    let module_doc = docs(&[
        Some(&format!("Typed client of `{ns}` ({base_text}).")),
        api.description.as_deref(),
    ]);
    let ops = api.operations.iter().map(operation);
    let structs = api.operations.iter().filter_map(params_struct);
    let mut types = Types::default();
    let typed: Vec<TokenStream> = api
        .operations
        .iter()
        .filter_map(|op| typed_output(api, op, &mut types))
        .collect();
    let types = types.into_items();
    quote! {
        #module_doc
        pub mod #module {
            /// The consumed API as the spec declares it.
            pub static SPEC: ::naftiko_runtime::client::ApiSpec = ::naftiko_runtime::client::ApiSpec {
                namespace: #ns,
                base_uri: #base,
                auth: #auth,
                fixed: &[#(#fixed),*],
            };

            /// Builder of [`Client`]: base URI, timeouts, retries, a shared `reqwest::Client`.
            pub type Builder = ::naftiko_runtime::client::Builder<Client>;
            /// Why a call failed: upstream status, transport, timeout, undecodable body, bad argument.
            pub type Error = ::naftiko_runtime::client::Error;
            /// A successful answer: status and JSON body.
            pub type Reply = ::naftiko_runtime::client::Reply;

            #[doc = #client_doc]
            #[derive(Clone, Debug)]
            pub struct Client(::naftiko_runtime::client::HttpClient);

            impl ::naftiko_runtime::client::Api for Client {
                const SPEC: &'static ::naftiko_runtime::client::ApiSpec = &SPEC;
                #body_env
                #html_selectors
                #bind_files
                fn from_http(http: ::naftiko_runtime::client::HttpClient) -> Self {
                    Client(http)
                }
            }

            impl Client {
                /// Starts building a client; credentials are read when it is built.
                pub fn builder() -> Builder {
                    Builder::default()
                }

                #[doc = #from_env_doc]
                pub fn from_env() -> ::core::result::Result<Self, ::naftiko_runtime::client::ConfigError> {
                    Self::builder().build()
                }

                /// The shared HTTP state (base URI, pool).
                pub fn http(&self) -> &::naftiko_runtime::client::HttpClient {
                    &self.0
                }

                #(#ops)*
                #(#typed)*
            }

            #(#structs)*
            #(#types)*
        }
    }
}

/// `<op>_output`: the operation's answer as the typed result of its own `outputParameters`,
/// where they declare a shape.
fn typed_output(api: &ir::Api, op: &ir::Operation, types: &mut Types) -> Option<TokenStream> {
    let name = format!("{}_output", op.ident);
    if api.operations.iter().any(|o| o.ident == name) {
        return None;
    }
    let doc = format!(
        "The answer of [`Client::{}`] as declared by the operation's `outputParameters`.",
        op.ident
    );
    let ty = types.result(&name, &doc, &op.output)?;
    let positional: Vec<&ir::Param> = op.params.iter().filter(|p| p.positional()).collect();
    let args = positional.iter().map(|p| {
        let a = ident(&p.ident);
        let t = arg_ty(p.ty);
        quote! { #a: #t }
    });
    let mut forward: Vec<TokenStream> = positional
        .iter()
        .map(|p| {
            let a = ident(&p.ident);
            quote! { #a }
        })
        .collect();
    let params_arg = has_optional(op).then(|| {
        let s = ident(&op.params_struct);
        forward.push(quote! { params });
        quote! { params: &#s }
    });
    let all_args = args.chain(params_arg);
    let method = ident(&name);
    let call = ident(&op.ident);
    let output = super::shape::output(&op.output);
    let doc = docs(&[Some(&format!(
        "[`Client::{}`], its answer shaped and typed as the spec's `outputParameters` declare \
         (an answer that does not fit is [`Error::Decode`], naming where).",
        op.ident
    ))]);
    Some(quote! {
        #doc
        pub async fn #method(&self, #(#all_args),*) -> ::core::result::Result<#ty, Error> {
            static OUTPUT: ::naftiko_runtime::shape::Output = #output;
            self.#call(#(#forward),*).await?.output(&OUTPUT)
        }
    })
}

fn has_optional(op: &ir::Operation) -> bool {
    op.params
        .iter()
        .any(|p| p.fixed.is_none() && !p.positional())
}

fn params_struct(op: &ir::Operation) -> Option<TokenStream> {
    if !has_optional(op) {
        return None;
    }
    let name = ident(&op.params_struct);
    let doc = format!(" Optional parameters of [`Client::{}`].", op.ident);
    let fields = op
        .params
        .iter()
        .filter(|p| p.fixed.is_none() && !p.positional())
        .map(|p| {
            let f = ident(&p.ident);
            let ty = owned_ty(p.ty);
            let d = docs(&[
                p.description.as_deref(),
                Some(&format!("`{}` ({}).", p.name, p.location.as_str())),
            ]);
            quote! { #d pub #f: ::core::option::Option<#ty>, }
        });
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }
    })
}

/// The statement that sends parameter `p` held in expression `v`.
fn send_param(p: &ir::Param, v: TokenStream) -> TokenStream {
    let name = &p.name;
    match p.location {
        In::Query => quote! { req.query(#name, #v); },
        In::Header => quote! { req.header(#name, #v)?; },
        In::Path => quote! { req.segment(#name, #v)?; },
        In::Body | In::Cookie => quote! {},
    }
}

fn operation(op: &ir::Operation) -> TokenStream {
    let name = &op.name;
    let fn_name = ident(&op.ident);
    let method = method_tokens(op.method);
    let idempotent = op.idempotent;
    let positional: Vec<&ir::Param> = op.params.iter().filter(|p| p.positional()).collect();
    let args = positional.iter().map(|p| {
        let a = ident(&p.ident);
        let t = arg_ty(p.ty);
        quote! { #a: #t }
    });
    let optional = has_optional(op);
    let params_arg = optional.then(|| {
        let s = ident(&op.params_struct);
        quote! { params: &#s }
    });
    let all_args = args.chain(params_arg);
    // Path: literal pieces and encoded segments.
    let path = op.segments.iter().map(|s| match s {
        Segment::Lit(l) => quote! { req.path(#l); },
        Segment::Param(i) => {
            let p = &op.params[*i];
            let pname = &p.name;
            let v = value_of(p);
            if p.ty == ir::Type::String && p.fixed.is_none() {
                quote! { req.segment(#pname, #v)?; }
            } else if let Some(t) = &p.fixed {
                let lit = t.literal();
                quote! { req.segment(#pname, #lit)?; }
            } else {
                quote! { req.segment(#pname, &#v.to_string())?; }
            }
        }
    });
    let path: Vec<TokenStream> = path.collect();
    // Query and headers.
    let others = op
        .params
        .iter()
        .filter(|p| matches!(p.location, In::Query | In::Header))
        .map(|p| {
            if let Some(t) = &p.fixed {
                let lit = t.literal();
                return send_param(p, quote! { #lit });
            }
            if p.positional() {
                let a = ident(&p.ident);
                send_param(p, quote! { &#a })
            } else {
                let f = ident(&p.ident);
                let send = send_param(p, quote! { v });
                quote! { if let ::core::option::Option::Some(v) = &params.#f { #send } }
            }
        });
    let others: Vec<TokenStream> = others.collect();
    let body = match &op.body {
        Body::None => quote! {},
        Body::Whole(i) => {
            let p = &op.params[*i];
            let a = ident(&p.ident);
            if p.positional() && p.ty == ir::Type::Object {
                quote! { req.json(#a); }
            } else if p.positional() {
                quote! { req.json(&::naftiko_runtime::serde_json::Value::from(#a.to_owned())); }
            } else {
                quote! { if let ::core::option::Option::Some(v) = &params.#a { req.json(&::naftiko_runtime::serde_json::Value::from(v.clone())); } }
            }
        }
        Body::Template(t) => {
            let tree = template_tokens(t);
            let vars = body_vars(op);
            quote! {
                static BODY: ::naftiko_runtime::client::JsonTemplate = #tree;
                req.json_template(&BODY, &[#(#vars),*]);
            }
        }
        Body::Encoded(encoding, t) => {
            let tree = template_tokens(t);
            let vars = body_vars(op);
            let encoding = match encoding {
                ir::Encoding::Yaml => quote! { Yaml },
                ir::Encoding::Cbor => quote! { Cbor },
                ir::Encoding::Form => quote! { Form },
            };
            quote! {
                static BODY: ::naftiko_runtime::client::JsonTemplate = #tree;
                req.encoded(::naftiko_runtime::client::Encoding::#encoding, &BODY, &[#(#vars),*]);
            }
        }
        Body::Text(t) => {
            let vars = body_vars(op);
            let media_type = match &t.media_type {
                Some(m) => quote! { ::core::option::Option::Some(#m) },
                None => quote! { ::core::option::Option::None },
            };
            let escape = match t.escape {
                ir::Escape::None => quote! { None },
                ir::Escape::Json => quote! { Json },
                ir::Escape::Xml => quote! { Xml },
                ir::Escape::Sparql => quote! { Sparql },
                ir::Escape::Form => quote! { Form },
            };
            let parts = text_parts(&t.parts);
            quote! {
                static BODY: ::naftiko_runtime::client::TextBody = ::naftiko_runtime::client::TextBody {
                    media_type: #media_type,
                    escape: ::naftiko_runtime::client::Escape::#escape,
                    parts: #parts,
                };
                req.text(&BODY, &[#(#vars),*]);
            }
        }
        Body::Multipart(parts) => {
            let vars = body_vars(op);
            let opt = |s: &Option<String>| match s {
                Some(s) => quote! { ::core::option::Option::Some(#s) },
                None => quote! { ::core::option::Option::None },
            };
            let parts = parts.iter().map(|p| {
                let name = &p.name;
                let filename = opt(&p.filename);
                let content_type = opt(&p.content_type);
                let value = text_parts(&p.value);
                quote! {
                    ::naftiko_runtime::client::MultipartPart {
                        name: #name,
                        filename: #filename,
                        content_type: #content_type,
                        value: #value,
                    }
                }
            });
            quote! {
                static BODY: &[::naftiko_runtime::client::MultipartPart] = &[#(#parts),*];
                req.multipart(BODY, &[#(#vars),*]);
            }
        }
        Body::Fields(fields) => {
            let inserts = fields.iter().map(|i| {
                let p = &op.params[*i];
                let name = &p.name;
                let a = ident(&p.ident);
                if p.positional() {
                    quote! { body.insert(#name.to_owned(), ::naftiko_runtime::serde_json::Value::from(#a.to_owned())); }
                } else {
                    quote! { if let ::core::option::Option::Some(v) = &params.#a { body.insert(#name.to_owned(), ::naftiko_runtime::serde_json::Value::from(v.clone())); } }
                }
            });
            quote! {
                let mut body = ::naftiko_runtime::serde_json::Map::new();
                #(#inserts)*
                req.json(&::naftiko_runtime::serde_json::Value::Object(body));
            }
        }
    };
    let summary = op
        .description
        .clone()
        .unwrap_or_else(|| format!("Calls `{}`.", op.name));
    let route = format!(
        "`{} {}`{}",
        op.method.as_str(),
        op.path,
        if op.idempotent {
            " (retried on transient failures)"
        } else {
            " (never retried)"
        }
    );
    let mut arg_docs: Vec<String> = positional
        .iter()
        .map(|p| {
            format!(
                "- `{}`: {}",
                p.ident,
                p.description.clone().unwrap_or_else(|| format!(
                    "`{}` ({})",
                    p.name,
                    p.location.as_str()
                ))
            )
        })
        .collect();
    if optional {
        arg_docs.push(format!(
            "- `params`: optional parameters, see [`{}`]",
            op.params_struct
        ));
    }
    let arg_docs = arg_docs.join("\n");
    let doc = docs(&[
        Some(&summary),
        Some(&route),
        (!arg_docs.is_empty()).then_some(arg_docs.as_str()),
    ]);
    let too_many = (positional.len() + usize::from(optional) > 6)
        .then(|| quote! { #[allow(clippy::too_many_arguments)] });
    let mut format = raw_format(&op.raw_format);
    if op.media_type.is_some() || op.max_binary.is_some() {
        let media = match &op.media_type {
            Some(m) => quote! { ::core::option::Option::Some(#m) },
            None => quote! { ::core::option::Option::None },
        };
        let max = match op.max_binary {
            Some(m) => quote! { ::core::option::Option::Some(#m) },
            None => quote! { ::core::option::Option::None },
        };
        format.extend(quote! { req.binary(#media, #max); });
    }
    let mut_req = if path.iter().chain(others.iter()).all(TokenStream::is_empty)
        && format.is_empty()
        && matches!(op.body, Body::None)
    {
        quote! { let req = }
    } else {
        quote! { let mut req = }
    };
    quote! {
        #doc
        #too_many
        pub async fn #fn_name(&self, #(#all_args),*) -> ::core::result::Result<Reply, Error> {
            #mut_req self.0.request(#method, #name, #idempotent);
            #format
            #(#path)*
            #(#others)*
            #body
            req.send().await
        }
    }
}

/// The values of the body template's variables, indexed like the operation's parameters.
fn body_vars(op: &ir::Operation) -> Vec<TokenStream> {
    op.params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if !op.body.uses(i) {
                return quote! { ::core::option::Option::None };
            }
            let a = ident(&p.ident);
            if p.positional() {
                quote! { ::core::option::Option::Some(::naftiko_runtime::serde_json::Value::from(#a.to_owned())) }
            } else {
                quote! { params.#a.clone().map(::naftiko_runtime::serde_json::Value::from) }
            }
        })
        .collect()
}

/// Text with variables as a `&[naftiko_runtime::client::TextPart]` constant.
fn text_parts(parts: &[ir::TextPart]) -> TokenStream {
    let parts = parts.iter().map(|p| match p {
        ir::TextPart::Lit(s) => quote! { ::naftiko_runtime::client::TextPart::Lit(#s) },
        ir::TextPart::Var(i) => quote! { ::naftiko_runtime::client::TextPart::Var(#i) },
        ir::TextPart::JsonVar(i) => quote! { ::naftiko_runtime::client::TextPart::JsonVar(#i) },
        ir::TextPart::Env(v) => quote! { ::naftiko_runtime::client::TextPart::Env(#v) },
    });
    quote! { &[#(#parts),*] }
}

/// The statement declaring the answers' format; none for JSON, the default.
fn raw_format(f: &ir::RawFormat) -> TokenStream {
    let path = quote! { ::naftiko_runtime::convert::Format };
    let opt = |s: &Option<String>| match s {
        Some(s) => quote! { ::core::option::Option::Some(#s) },
        None => quote! { ::core::option::Option::None },
    };
    let format = match f {
        ir::RawFormat::Json => return quote! {},
        ir::RawFormat::Xml => quote! { #path::Xml },
        ir::RawFormat::Yaml => quote! { #path::Yaml },
        ir::RawFormat::Csv => quote! { #path::Csv },
        ir::RawFormat::Tsv => quote! { #path::Tsv },
        ir::RawFormat::Psv => quote! { #path::Psv },
        ir::RawFormat::Text => quote! { #path::Text },
        ir::RawFormat::Binary => quote! { #path::Binary },
        ir::RawFormat::Html(selector) => {
            let selector = opt(selector);
            quote! { #path::Html { selector: #selector } }
        }
        ir::RawFormat::Markdown(heading) => {
            let heading = opt(heading);
            quote! { #path::Markdown { heading: #heading } }
        }
    };
    quote! { req.format(#format); }
}

/// A body template as a `naftiko_runtime::client::JsonTemplate` constant.
fn template_tokens(t: &ir::JsonTemplate) -> TokenStream {
    let path = quote! { ::naftiko_runtime::client::JsonTemplate };
    match t {
        ir::JsonTemplate::Value(v) => {
            let json = v.to_string();
            quote! { #path::Json(#json) }
        }
        ir::JsonTemplate::Var(i) => quote! { #path::Var(#i) },
        ir::JsonTemplate::Text(parts) => {
            let parts = text_parts(parts);
            quote! { #path::Text(#parts) }
        }
        ir::JsonTemplate::Array(items) => {
            let items = items.iter().map(template_tokens);
            quote! { #path::Array(&[#(#items),*]) }
        }
        ir::JsonTemplate::Object(entries) => {
            let entries = entries.iter().map(|(k, v)| {
                let v = template_tokens(v);
                quote! { (#k, #v) }
            });
            quote! { #path::Object(&[#(#entries),*]) }
        }
    }
}

/// The expression holding a positional parameter's value.
fn value_of(p: &ir::Param) -> TokenStream {
    let a = ident(&p.ident);
    quote! { #a }
}
