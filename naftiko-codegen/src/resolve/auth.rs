//! Authentication of a consumed API.

use super::binds::Binds;
use super::templates::env_template;
use crate::diag::Ctxt;
use crate::ir;
use crate::spec;

pub(super) fn resolve_auth(a: &spec::Auth, binds: &Binds, d: &mut Ctxt) -> ir::Auth {
    let what = "authentication";
    match &a.kind {
        spec::AuthKind::Bearer { token } => {
            env_template(token, binds, what, d).map_or(ir::Auth::None, ir::Auth::Bearer)
        }
        spec::AuthKind::Basic { username, password } => {
            match (
                env_template(username, binds, what, d),
                env_template(password, binds, what, d),
            ) {
                (Some(username), Some(password)) => ir::Auth::Basic { username, password },
                _ => ir::Auth::None,
            }
        }
        spec::AuthKind::ApiKey {
            name,
            value,
            placement,
        } => {
            let placement = match placement.v {
                spec::ApiKeyIn::Header => ir::KeyPlacement::Header,
                spec::ApiKeyIn::Query => ir::KeyPlacement::Query,
                spec::ApiKeyIn::Cookie => ir::KeyPlacement::Cookie,
                spec::ApiKeyIn::Path => ir::KeyPlacement::Path,
                spec::ApiKeyIn::Body => ir::KeyPlacement::Body,
            };
            let valid = match placement {
                // A query parameter or body field name is encoded; a placeholder is matched.
                ir::KeyPlacement::Query | ir::KeyPlacement::Body | ir::KeyPlacement::Path => {
                    !name.v.is_empty() && !name.v.contains(['{', '}'])
                }
                ir::KeyPlacement::Header | ir::KeyPlacement::Cookie => is_token(&name.v),
            };
            if !valid {
                let what = match placement {
                    ir::KeyPlacement::Header => "header",
                    ir::KeyPlacement::Query => "query parameter",
                    ir::KeyPlacement::Cookie => "cookie",
                    ir::KeyPlacement::Path => "placeholder",
                    ir::KeyPlacement::Body => "body field",
                };
                d.error(
                    name.span,
                    format!("`{}` is not a valid {what} name", name.v),
                );
            }
            env_template(value, binds, what, d).map_or(ir::Auth::None, |value| ir::Auth::ApiKey {
                name: name.v.clone(),
                value,
                placement,
            })
        }
        spec::AuthKind::OAuth2 {
            token_url,
            client_id,
            client_secret,
            scopes,
            resource,
        } => oauth2(
            token_url,
            client_id,
            client_secret,
            scopes,
            resource.as_ref(),
            binds,
            d,
        ),
        spec::AuthKind::Digest { .. }
        | spec::AuthKind::Hmac { .. }
        | spec::AuthKind::OAuth1 { .. }
        | spec::AuthKind::AwsSigV4 { .. }
        | spec::AuthKind::Certificate { .. } => {
            d.unsupported(a.span, "this authentication type on a consumed API");
            ir::Auth::None
        }
    }
}

/// An OAuth 2 client-credentials block: every value a template of binds; the token URL must
/// be an http(s) URL (checked here where it is literal, when the client is built otherwise).
#[allow(clippy::too_many_arguments)]
fn oauth2(
    token_url: &spec::S<String>,
    client_id: &spec::S<String>,
    client_secret: &spec::S<String>,
    scopes: &[String],
    resource: Option<&spec::S<String>>,
    binds: &Binds,
    d: &mut Ctxt,
) -> ir::Auth {
    let what = "authentication";
    let url = env_template(token_url, binds, what, d);
    if let Some(t) = &url
        && let Some(ir::Part::Lit(first)) = t.0.first()
        && !(first.starts_with("https://") || first.starts_with("http://"))
    {
        d.error(
            token_url.span,
            format!(
                "`tokenEndpoint` must be an absolute http(s) URL, found `{}`",
                token_url.v
            ),
        );
    }
    let id = env_template(client_id, binds, what, d);
    let secret = env_template(client_secret, binds, what, d);
    if secret
        .as_ref()
        .is_some_and(|t| t.env_vars().next().is_none())
    {
        d.push(
            crate::diag::Diagnostic::new(
                client_secret.span,
                "`clientSecret` is written in the spec: it would be compiled into the program",
            )
            .with_help("read it from the environment: `clientSecret: '{{env.CLIENT_SECRET}}'` with `CLIENT_SECRET` under `binds`"),
        );
        return ir::Auth::None;
    }
    let resource = resource.map(|r| env_template(r, binds, what, d));
    match (url, id, secret, resource) {
        (Some(token_url), Some(client_id), Some(client_secret), None) => ir::Auth::OAuth2 {
            token_url,
            client_id,
            client_secret,
            scopes: scopes.to_vec(),
            resource: None,
        },
        (Some(token_url), Some(client_id), Some(client_secret), Some(Some(r))) => {
            ir::Auth::OAuth2 {
                token_url,
                client_id,
                client_secret,
                scopes: scopes.to_vec(),
                resource: Some(r),
            }
        }
        _ => ir::Auth::None,
    }
}

/// RFC 9110 token characters: what a header name may contain.
pub(super) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
