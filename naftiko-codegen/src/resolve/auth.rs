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
        spec::AuthKind::Digest { username, password } => {
            match (
                env_template(username, binds, what, d),
                secret(password, "password", binds, d),
            ) {
                (Some(username), Some(password)) => ir::Auth::Digest { username, password },
                _ => ir::Auth::None,
            }
        }
        spec::AuthKind::Hmac { api_id, api_key } => {
            match (
                env_template(api_id, binds, what, d),
                secret(api_key, "apiKey", binds, d),
            ) {
                (Some(api_id), Some(api_key)) => ir::Auth::Hmac { api_id, api_key },
                _ => ir::Auth::None,
            }
        }
        spec::AuthKind::OAuth1 {
            consumer_key,
            consumer_secret,
            token,
            token_secret,
        } => {
            let key = env_template(consumer_key, binds, what, d);
            let sec = secret(consumer_secret, "consumerSecret", binds, d);
            let tok = token.as_ref().map(|t| env_template(t, binds, what, d));
            let tsec = token_secret
                .as_ref()
                .map(|t| secret(t, "tokenSecret", binds, d));
            match (key, sec, tok, tsec) {
                (Some(consumer_key), Some(consumer_secret), tok, tsec)
                    if !matches!(tok, Some(None)) && !matches!(tsec, Some(None)) =>
                {
                    ir::Auth::OAuth1 {
                        consumer_key,
                        consumer_secret,
                        token: tok.flatten(),
                        token_secret: tsec.flatten(),
                    }
                }
                _ => ir::Auth::None,
            }
        }
        spec::AuthKind::AwsSigV4 {
            access_key_id,
            secret_key,
            region,
            service,
            session_token,
        } => {
            let id = env_template(access_key_id, binds, what, d);
            let sec = secret(secret_key, "secretKey", binds, d);
            let reg = env_template(region, binds, what, d);
            let svc = env_template(service, binds, what, d);
            let tok = session_token
                .as_ref()
                .map(|t| secret(t, "sessionToken", binds, d));
            match (id, sec, reg, svc, tok) {
                (Some(access_key_id), Some(secret_key), Some(region), Some(service), tok)
                    if !matches!(tok, Some(None)) =>
                {
                    ir::Auth::AwsSigV4 {
                        access_key_id,
                        secret_key,
                        region,
                        service,
                        session_token: tok.flatten(),
                    }
                }
                _ => ir::Auth::None,
            }
        }
        spec::AuthKind::Certificate {
            cert_path,
            key_path,
            cert_password,
        } => {
            let cert = env_template(cert_path, binds, what, d);
            let key = key_path.as_ref().map(|k| env_template(k, binds, what, d));
            let password = cert_password
                .as_ref()
                .map(|p| secret(p, "certPassword", binds, d));
            match (cert, key, password) {
                (Some(cert_path), key, password)
                    if !matches!(key, Some(None)) && !matches!(password, Some(None)) =>
                {
                    ir::Auth::Certificate {
                        cert_path,
                        key_path: key.flatten(),
                        cert_password: password.flatten(),
                    }
                }
                _ => ir::Auth::None,
            }
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

/// A secret (password, key, token secret): a template of binds, never text in the spec, which
/// would be compiled into the program.
fn secret(s: &spec::S<String>, key: &str, binds: &Binds, d: &mut Ctxt) -> Option<ir::Template> {
    let t = env_template(s, binds, "authentication", d)?;
    if t.env_vars().next().is_none() {
        d.push(
            crate::diag::Diagnostic::new(
                s.span,
                format!("`{key}` is written in the spec: it would be compiled into the program"),
            )
            .with_help(format!(
                "read it from the environment: `{key}: '{{{{env.VAR}}}}'` with `VAR` under `binds`"
            )),
        );
        return None;
    }
    Some(t)
}

/// RFC 9110 token characters: what a header name may contain.
pub(super) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
