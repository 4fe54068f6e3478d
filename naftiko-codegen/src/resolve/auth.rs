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
        spec::AuthKind::ApiKey { placement, .. } if placement.v == spec::ApiKeyIn::Path => {
            d.unsupported(
                placement.span,
                "an API key placed in `path` (only `header` or `query`)",
            );
            ir::Auth::None
        }
        spec::AuthKind::ApiKey {
            name,
            value,
            placement,
        } => {
            if !is_token(&name.v) {
                d.error(
                    name.span,
                    format!("`{}` is not a valid header or query parameter name", name.v),
                );
            }
            env_template(value, binds, what, d).map_or(ir::Auth::None, |value| ir::Auth::ApiKey {
                name: name.v.clone(),
                value,
                in_query: placement.v == spec::ApiKeyIn::Query,
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
