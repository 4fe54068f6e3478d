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
    }
}

/// RFC 9110 token characters: what a header name may contain.
pub(super) fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
