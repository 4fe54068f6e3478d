//! Inbound authentication of an adapter: the `AUTH` static (templates naming the secrets, never
//! the secrets) and the function reading them at start-up.

use crate::ir::{self, Part};
use proc_macro2::TokenStream;
use quote::quote;

fn parts(t: &ir::Template) -> TokenStream {
    let parts = t.0.iter().map(|p| match p {
        Part::Lit(s) => quote! { ::naftiko_runtime::client::Part::Lit(#s) },
        Part::Env(v) => quote! { ::naftiko_runtime::client::Part::Env(#v) },
    });
    quote! { &[#(#parts),*] }
}

fn spec(a: &ir::InboundAuth) -> TokenStream {
    let rt = quote! { ::naftiko_runtime::auth::AuthSpec };
    match a {
        ir::InboundAuth::Bearer(t) => {
            let t = parts(t);
            quote! { #rt::Bearer { token: #t } }
        }
        ir::InboundAuth::ApiKey {
            name,
            value,
            in_query,
        } => {
            let v = parts(value);
            quote! { #rt::ApiKey { name: #name, value: #v, in_query: #in_query } }
        }
        ir::InboundAuth::Basic { username, password } => {
            let (u, p) = (parts(username), parts(password));
            quote! { #rt::Basic { username: #u, password: #p } }
        }
        ir::InboundAuth::Digest { username, password } => {
            let (u, p) = (parts(username), parts(password));
            quote! { #rt::Digest { username: #u, password: #p } }
        }
        ir::InboundAuth::OAuth2 {
            authorization_server,
            resource,
            audience,
            scopes,
            introspection,
            ..
        } => {
            let introspection = match introspection {
                Some((id, secret)) => {
                    let (id, secret) = (parts(id), parts(secret));
                    quote! {
                        ::core::option::Option::Some(::naftiko_runtime::auth::IntrospectionSpec {
                            client_id: #id,
                            client_secret: #secret,
                        })
                    }
                }
                None => quote! { ::core::option::Option::None },
            };
            let audience = match audience {
                Some(a) => quote! { ::core::option::Option::Some(#a) },
                None => quote! { ::core::option::Option::None },
            };
            quote! {
                #rt::OAuth2(::naftiko_runtime::auth::OAuth2Spec {
                    authorization_server: #authorization_server,
                    resource: #resource,
                    audience: #audience,
                    scopes: &[#(#scopes),*],
                    introspection: #introspection,
                })
            }
        }
    }
}

/// `AUTH` and `authentication()` in an adapter's module, for an adapter that declares
/// authentication; nothing otherwise. Its variables that are in `file_vars` (binds with
/// `location`) are read from their files, the others from the environment.
pub(crate) fn items(
    namespace: &str,
    auth: Option<&ir::InboundAuth>,
    file_vars: &[ir::FileVar],
) -> TokenStream {
    let Some(a) = auth else {
        return TokenStream::new();
    };
    let spec = spec(a);
    let vars: Vec<String> = match a {
        ir::InboundAuth::Bearer(t) | ir::InboundAuth::ApiKey { value: t, .. } => {
            t.env_vars().map(str::to_string).collect()
        }
        ir::InboundAuth::Basic { username, password }
        | ir::InboundAuth::Digest { username, password } => username
            .env_vars()
            .chain(password.env_vars())
            .map(str::to_string)
            .collect(),
        ir::InboundAuth::OAuth2 { introspection, .. } => introspection
            .iter()
            .flat_map(|(id, secret)| id.env_vars().chain(secret.env_vars()))
            .map(str::to_string)
            .collect(),
    };
    let from_files: Vec<&ir::FileVar> =
        file_vars.iter().filter(|f| vars.contains(&f.var)).collect();
    let doc = if vars.is_empty() {
        " Sets up the inbound authentication the spec declares ([`AUTH`]).".to_string()
    } else {
        format!(
            " Reads the secrets of the inbound authentication ([`AUTH`]) from the environment or their bind files ({}): a missing or empty one is an error naming it.",
            vars.iter()
                .map(|v| match from_files.iter().find(|f| f.var == *v) {
                    Some(f) => format!("`{v}` from key `{}` of `{}`", f.key, f.path),
                    None => format!("`{v}`"),
                })
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    // Variables of binds with `location`: read from their files (only paths and keys are
    // generated), the others from the environment.
    let build = if from_files.is_empty() {
        quote! { AUTH.from_env(#namespace) }
    } else {
        let entries = from_files.iter().map(|f| {
            let (var, path, key) = (&f.var, &f.path, &f.key);
            quote! { ::naftiko_runtime::client::BindFile { var: #var, path: #path, key: #key } }
        });
        quote! {
            let files = ::naftiko_runtime::client::BindFile::read_all(&[#(#entries),*])
                .map_err(|e| ::naftiko_runtime::auth::AuthError::Setup(e.to_string()))?;
            AUTH.build(#namespace, |name| {
                files.get(name).cloned().or_else(|| ::std::env::var(name).ok())
            })
        }
    };
    quote! {
        /// The inbound authentication the spec declares: what a caller must present. It names
        /// its secrets (environment variables), never holds them.
        pub static AUTH: ::naftiko_runtime::auth::AuthSpec = #spec;

        #[doc = #doc]
        pub fn authentication() -> ::core::result::Result<::naftiko_runtime::auth::Inbound, ::naftiko_runtime::auth::AuthError> {
            #build
        }
    }
}

/// Declares the adapter's authentication in its OpenAPI document: a security scheme required by
/// every operation, and the `401` (and `403` for scopes) each may answer.
pub(crate) fn openapi(doc: &mut serde_json::Value, auth: Option<&ir::InboundAuth>) {
    use serde_json::json;
    let Some(a) = auth else {
        return;
    };
    let (scheme, scopes) = match a {
        ir::InboundAuth::Bearer(_) => (json!({"type": "http", "scheme": "bearer"}), Vec::new()),
        ir::InboundAuth::Basic { .. } => (json!({"type": "http", "scheme": "basic"}), Vec::new()),
        ir::InboundAuth::Digest { .. } => (json!({"type": "http", "scheme": "digest"}), Vec::new()),
        ir::InboundAuth::ApiKey { name, in_query, .. } => (
            json!({"type": "apiKey", "name": name, "in": if *in_query { "query" } else { "header" }}),
            Vec::new(),
        ),
        ir::InboundAuth::OAuth2 {
            scopes, token_url, ..
        } => {
            let listed: serde_json::Map<String, serde_json::Value> =
                scopes.iter().map(|s| (s.clone(), json!(""))).collect();
            (
                json!({"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": token_url, "scopes": listed}}}),
                scopes.clone(),
            )
        }
    };
    doc["components"]["securitySchemes"] = json!({ "inbound": scheme });
    doc["security"] = json!([{ "inbound": scopes }]);
    let problem =
        json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}});
    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut() {
            if let Some(ops) = item.as_object_mut() {
                for op in ops.values_mut() {
                    op["responses"]["401"] = json!({"description": "Missing or invalid credentials (with a `WWW-Authenticate` challenge)", "content": problem});
                    if matches!(a, ir::InboundAuth::OAuth2 { scopes, .. } if !scopes.is_empty()) {
                        op["responses"]["403"] = json!({"description": "The access token lacks a required scope", "content": problem});
                    }
                }
            }
        }
    }
}
