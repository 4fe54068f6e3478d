//! `forward` on an exposed REST resource: the target API, the trusted headers, the paths served.

use super::suggest::{did_you_mean, listing, nearest};
use crate::diag::{Ctxt, Diagnostic};
use crate::ir;
use crate::spec;

/// Headers that describe one connection (RFC 9110 §7.6.1) and `Host`: never forwarded, so
/// never trusted.
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-connection",
    "host",
];

/// A header name as RFC 9110 §5.1 allows it: a non-empty token.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// The forward route of `res`, whose path is `axum_path` with variables `path_vars`.
pub(super) fn resolve_forward(
    res: &spec::ExposedResource,
    f: &spec::Forward,
    axum_path: &str,
    apis: &[ir::Api],
    ident: String,
    d: &mut Ctxt,
) -> Option<ir::ForwardRoute> {
    let mut ok = true;
    if let Some(op) = res.operations.first() {
        d.push(
            Diagnostic::unsupported(
                op.span,
                "`operations` next to `forward` on one resource (the engine answers with an operation when the method matches and forwards otherwise)",
            )
            .with_help("put the forwarded path and the operations on two resources with different paths"),
        );
        ok = false;
    }
    let target = &f.target_namespace;
    let api = apis.iter().position(|a| a.namespace == target.v);
    if api.is_none() {
        let known = || apis.iter().map(|a| a.namespace.as_str());
        let close = nearest(&target.v, known()).map(str::to_string);
        d.push(
            Diagnostic::new(
                target.span,
                format!(
                    "`forward` targets `{}`, which no `consumes` entry declares",
                    target.v
                ),
            )
            .with_help(format!(
                "{}`targetNamespace` names a consumed `http` namespace: {}",
                did_you_mean(close),
                listing(known())
            )),
        );
    }
    if let Some(a) = api.map(|i| &apis[i])
        && matches!(
            a.auth,
            ir::Auth::ApiKey {
                placement: ir::KeyPlacement::Body,
                ..
            }
        )
    {
        d.push(
            Diagnostic::unsupported(
                target.span,
                format!("`forward` to `{}`, whose API key goes into the body (a forwarded body is streamed as the caller sent it)", a.namespace),
            )
            .with_help("place the key in a header or the query, or expose operations instead of `forward`"),
        );
        ok = false;
    }
    let mut trusted: Vec<String> = Vec::new();
    for h in &f.trusted_headers {
        let lower = h.v.to_ascii_lowercase();
        if !is_token(&h.v) {
            d.push(
                Diagnostic::new(h.span, format!("`{}` is not a valid HTTP header name", h.v))
                    .with_help("a header name is letters, digits and `!#$%&'*+-.^_`|~`, e.g. `X-Correlation-Id`"),
            );
            ok = false;
        } else if HOP_BY_HOP.contains(&lower.as_str()) || lower.starts_with("proxy-") {
            d.push(
                Diagnostic::new(
                    h.span,
                    format!("`{}` describes one connection and is never forwarded", h.v),
                )
                .with_help(
                    "remove it from `trustedHeaders`; hop-by-hop headers are dropped both ways",
                ),
            );
            ok = false;
        } else if trusted.contains(&lower) {
            d.push(
                Diagnostic::new(h.span, format!("trusted header `{}` appears twice", h.v))
                    .with_help("header names are compared without case; list each once"),
            );
            ok = false;
        } else {
            trusted.push(lower);
        }
    }
    // `{{path}}` is the remainder: any number of segments, as in the engine.
    let (paths, skip) = match axum_path.strip_suffix("/{path}") {
        Some(prefix) => {
            // The catch-all needs one character: `/p` and `/p/` are routes of their own.
            let mut paths = vec![format!("{prefix}/"), format!("{prefix}/{{*path}}")];
            if !prefix.is_empty() {
                paths.insert(0, prefix.to_string());
            }
            (paths, prefix.split('/').filter(|s| !s.is_empty()).count())
        }
        None => {
            if axum_path.contains("{path}") {
                d.push(
                    Diagnostic::unsupported(
                        res.path.span,
                        "`{{path}}` before the end of a forwarded path (it takes the rest of the request path)",
                    )
                    .with_help("make `{{path}}` the last segment, e.g. `/proxy/{{path}}`"),
                );
                ok = false;
            }
            (
                vec![axum_path.to_string()],
                axum_path.split('/').filter(|s| !s.is_empty()).count(),
            )
        }
    };
    Some(ir::ForwardRoute {
        name: res.path.v.clone(),
        paths,
        skip,
        api: api?,
        trusted,
        ident,
    })
    .filter(|_| ok)
}
