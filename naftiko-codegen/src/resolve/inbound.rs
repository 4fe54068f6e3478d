//! Inbound authentication of an exposed adapter: its secrets are binds (`{{MCP_SERVER_TOKEN}}`),
//! resolved like a consumed API's credentials, and the ruleset's checks on `oauth2`.

use super::auth::is_token;
use super::binds::Binds;
use super::templates::env_template;
use crate::diag::{Ctxt, Diagnostic};
use crate::ir;
use crate::spec::{ExposedAuth, ExposedAuthKind, ExposedOAuth2, S};

/// `None` when the authentication cannot be given a meaning (each reason reported), or on the
/// stdio transport (`naftiko-mcp-auth-stdio-conflict`: no HTTP to authenticate).
pub(super) fn resolve_inbound(
    a: &ExposedAuth,
    binds: &Binds,
    stdio: bool,
    d: &mut Ctxt,
) -> Option<ir::InboundAuth> {
    if stdio {
        d.push(
            Diagnostic::warning(
                a.span,
                "MCP `authentication` should not be set when `transport` is `stdio`: the stdio transport has no HTTP request to authenticate, and this authentication is not applied (naftiko-mcp-auth-stdio-conflict)",
            )
            .with_help("remove it, or serve the adapter over `transport: http`"),
        );
        return None;
    }
    let what = "inbound authentication";
    let secret = |s: &S<String>, d: &mut Ctxt| {
        let t = env_template(s, binds, what, d)?;
        if t.env_vars().next().is_none() {
            d.push(
                Diagnostic::warning(
                    s.span,
                    "this inbound secret is written in the spec: anyone who reads the spec can authenticate",
                )
                .with_help("bind it: declare the variable under `binds` and write `{{VAR}}`"),
            );
        }
        Some(t)
    };
    match &a.kind {
        ExposedAuthKind::Bearer { token } => secret(token, d).map(ir::InboundAuth::Bearer),
        ExposedAuthKind::ApiKey {
            name,
            value,
            in_query,
        } => {
            let ok_name = is_token(&name.v);
            if !ok_name {
                d.error(
                    name.span,
                    format!("`{}` is not a valid header or query parameter name", name.v),
                );
            }
            let value = secret(value, d)?;
            ok_name.then(|| ir::InboundAuth::ApiKey {
                name: name.v.clone(),
                value,
                in_query: *in_query,
            })
        }
        ExposedAuthKind::Basic { username, password }
        | ExposedAuthKind::Digest { username, password } => {
            let username = env_template(username, binds, what, d);
            let password = secret(password, d);
            let (username, password) = (username?, password?);
            Some(if matches!(a.kind, ExposedAuthKind::Basic { .. }) {
                ir::InboundAuth::Basic { username, password }
            } else {
                ir::InboundAuth::Digest { username, password }
            })
        }
        ExposedAuthKind::OAuth2(o) => {
            let ExposedOAuth2 {
                authorization_server,
                resource,
                audience,
                scopes,
                token_endpoint,
                introspection,
            } = &**o;
            let mut ok = true;
            for (uri, key) in [
                (authorization_server, "authorizationServerUri"),
                (resource, "resource"),
            ] {
                let absolute = ["https://", "http://"]
                    .iter()
                    .any(|p| uri.v.starts_with(p) && uri.v.len() > p.len());
                if !absolute || uri.v.contains("{{") {
                    d.error(
                        uri.span,
                        format!("`{key}` must be an absolute http(s) URI, found `{}`", uri.v),
                    );
                    ok = false;
                }
            }
            if ok && !authorization_server.v.starts_with("https://") {
                d.error(
                    authorization_server.span,
                    "OAuth2 `authorizationServerUri` must use the `https://` scheme (naftiko-oauth2-https-authserver)",
                );
                ok = false;
            }
            if ok && !resource.v.starts_with("https://") {
                d.warn(
                    resource.span,
                    "OAuth2 `resource` should use the `https://` scheme for production (naftiko-oauth2-resource-https)",
                );
            }
            if scopes.is_empty() {
                d.warn(
                    a.span,
                    "OAuth2 authentication should define `scopes` for scope challenge support (naftiko-oauth2-scopes-defined)",
                );
            }
            let introspection = match introspection {
                Some((id, client_secret)) => {
                    let id = env_template(id, binds, what, d);
                    match (id, secret(client_secret, d)) {
                        (Some(id), Some(secret)) => Some((id, secret)),
                        _ => {
                            ok = false;
                            None
                        }
                    }
                }
                None => None,
            };
            ok.then(|| ir::InboundAuth::OAuth2 {
                authorization_server: authorization_server.v.clone(),
                resource: resource.v.clone(),
                audience: audience.as_ref().map(|a| a.v.clone()),
                scopes: scopes.iter().map(|s| s.v.clone()).collect(),
                token_url: token_endpoint
                    .as_ref()
                    .map_or_else(|| authorization_server.v.clone(), |t| t.v.clone()),
                introspection,
            })
        }
    }
}
