//! A consumed API: base URI, auth, API-wide parameters and its operations.

use super::auth::resolve_auth;
use super::binds::Binds;
use super::is_duplicate;
use super::operation::resolve_operation;
use super::templates::env_template;
use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir::{self, Part, Template};
use crate::names::{Names, snake_case};
use crate::spec::{self, In, S};
use std::collections::HashMap;

pub(super) fn resolve_api(
    c: &spec::Consumes,
    binds: &Binds,
    namespaces: &[String],
    modules: &mut Names,
    d: &mut Ctxt,
) -> ir::Api {
    let base_uri = env_template(&c.base_uri, binds, "`baseUri`", d)
        .unwrap_or_else(|| Template(vec![Part::Lit(c.base_uri.v.clone())]));
    // A path-placed API key fills its own `{name}` placeholder of the base URI.
    let key_in_path = match c.auth.as_ref().map(|a| &a.kind) {
        Some(spec::AuthKind::ApiKey {
            name, placement, ..
        }) if placement.v == spec::ApiKeyIn::Path => Some(name.v.as_str()),
        _ => None,
    };
    check_base_uri(&base_uri, &c.base_uri, key_in_path, binds, d);
    if let (Some(key), Some(auth)) = (key_in_path, &c.auth)
        && !base_uri
            .0
            .iter()
            .any(|p| matches!(p, Part::Lit(l) if l.contains(&format!("{{{key}}}"))))
    {
        d.push(
            Diagnostic::new(
                auth.span,
                format!("the API key is placed in `path`, but `baseUri` has no `{{{key}}}` placeholder for it"),
            )
            .with_help(format!("write `{{{key}}}` where the key goes, e.g. `https://api.example.com/bot{{{key}}}`")),
        );
    }
    // A trailing slash would double the one every path starts with.
    let mut base_uri = base_uri;
    if let Some(Part::Lit(last)) = base_uri.0.last_mut() {
        *last = last.trim_end_matches('/').to_string();
    }
    let auth = c
        .auth
        .as_ref()
        .map_or(ir::Auth::None, |a| resolve_auth(a, binds, d));
    let mut fixed = Vec::new();
    for p in &c.params {
        match (&p.location, &p.value) {
            (Some(l), Some(v)) if matches!(l.v, In::Header | In::Query) => {
                let Some(s) = v.as_str() else {
                    d.error(
                        v.span,
                        format!(
                            "a fixed parameter `value` must be a string, found {}",
                            v.describe()
                        ),
                    );
                    continue;
                };
                if let Some(t) = env_template(
                    &S::new(s.to_string(), v.span),
                    binds,
                    "a fixed parameter",
                    d,
                ) {
                    fixed.push(ir::Fixed {
                        name: p.name.v.clone(),
                        location: l.v,
                        value: t,
                    });
                }
            }
            (Some(l), Some(_)) => d.unsupported(
                l.span,
                format!("an API-wide parameter `in: {}`", l.v.as_str()),
            ),
            _ => d.error(
                p.span,
                "an API-wide input parameter needs `in` (header or query) and a `value`",
            ),
        }
    }
    let mut operations: Vec<ir::Operation> = Vec::new();
    let mut seen: HashMap<String, Span> = HashMap::new();
    let mut idents = Names::default();
    for r in &c.resources {
        if !r.params.is_empty() {
            d.unsupported(
                r.span,
                "resource-level `inputParameters` on a consumed resource",
            );
        }
        for op in &r.operations {
            let what = || format!("operation `{}` in `{}`", op.name.v, c.namespace.v);
            let duplicate = is_duplicate(&mut seen, op.name.v.clone(), op.name.span, what, d);
            let joined = op.path.as_ref().map(|p| operation_path(&r.path, p, d));
            let path = joined.as_ref().unwrap_or(&r.path);
            // A duplicate is still checked, so that one build shows every mistake in it.
            let resolved =
                resolve_operation(&c.namespace.v, op, path, binds, namespaces, &mut idents, d);
            if !duplicate {
                operations.push(resolved);
            }
        }
    }
    if let Some(spec::AuthKind::ApiKey { placement, .. }) = c.auth.as_ref().map(|a| &a.kind)
        && placement.v == spec::ApiKeyIn::Body
    {
        check_body_key(&operations, placement.span, d);
    }
    ir::Api {
        namespace: c.namespace.v.clone(),
        module: modules.claim(&snake_case(&c.namespace.v)),
        base_uri,
        description: c.description.clone(),
        auth,
        fixed,
        request_env: Vec::new(),
        operations,
    }
}

/// An operation-level `path:` (off-schema): used as it is when it begins with its resource's
/// path segment by segment (`/repos/{o}/issues/{n}` under `/repos/{o}/issues`), appended to
/// it otherwise (`/{id}` under `/contact` is `/contact/{id}`). A warning states the reading.
pub(super) fn operation_path(resource: &S<String>, op: &S<String>, d: &mut Ctxt) -> S<String> {
    let segments = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (res, own) = (segments(&resource.v), segments(&op.v));
    let resolved = if own.starts_with(&res) {
        let how = format!("begins with its resource's path `{}`", resource.v);
        (op.v.clone(), how)
    } else {
        let joined = format!(
            "{}/{}",
            resource.v.trim_end_matches('/'),
            op.v.trim_start_matches('/')
        );
        let how = format!("is appended to its resource's path `{}`", resource.v);
        (joined, how)
    };
    let (path, how) = resolved;
    d.warn(
        op.span,
        format!(
            "the operation-level `path: {}` {how}: the operation calls `{path}`",
            op.v
        ),
    );
    S::new(path, op.span)
}

/// A body-placed API key is a field of a JSON object or form body (a form body of its own when
/// the operation sends none); other bodies have no field to put it in.
fn check_body_key(operations: &[ir::Operation], at: Span, d: &mut Ctxt) {
    for op in operations {
        let kind = match &op.body {
            ir::Body::None if matches!(op.method, spec::Method::Get | spec::Method::Head) => {
                d.push(
                    Diagnostic::new(
                        at,
                        format!(
                            "the API key is placed in `body`, but operation `{}` is a {} request, which has no body",
                            op.name,
                            op.method.as_str()
                        ),
                    )
                    .with_help("place the key in a header, the query or a cookie"),
                );
                continue;
            }
            ir::Body::None
            | ir::Body::Whole(_)
            | ir::Body::Fields(_)
            | ir::Body::Template(_)
            | ir::Body::Encoded(ir::Encoding::Form, _) => continue,
            ir::Body::Encoded(ir::Encoding::Yaml, _) => "a YAML",
            ir::Body::Encoded(ir::Encoding::Cbor, _) => "a CBOR",
            ir::Body::Text(_) => "a text",
            ir::Body::Multipart(_) => "a multipart",
        };
        d.push(
            Diagnostic::new(
                at,
                format!(
                    "the API key is placed in `body`, but operation `{}` sends {kind} body, which has no field for it",
                    op.name
                ),
            )
            .with_help("place the key in a header, the query or a cookie, or send a JSON or form body"),
        );
    }
}

/// A base URI must be an absolute http(s) URL without query or fragment. Where it reads an
/// environment variable, only the literal parts can be checked now; the rest is checked when
/// the client is built.
pub(super) fn check_base_uri(
    t: &Template,
    s: &S<String>,
    key_in_path: Option<&str>,
    binds: &Binds,
    d: &mut Ctxt,
) {
    let starts_with_var = matches!(t.0.first(), Some(Part::Env(_)));
    let text: String =
        t.0.iter()
            .map(|p| match p {
                Part::Lit(l) => l.as_str(),
                Part::Env(_) => "x",
            })
            .collect();
    let scheme_ok = starts_with_var || text.starts_with("http://") || text.starts_with("https://");
    let rest = text.split_once("://").map_or("", |(_, r)| r);
    let host = rest.split('/').next().unwrap_or("");
    let host_ok = starts_with_var
        || (!host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c)));
    if let Some(start) = text.find('{') {
        let end = text[start..]
            .find('}')
            .map_or(text.len(), |e| start + e + 1);
        let placeholder = &text[start..end];
        if key_in_path.is_some_and(|k| placeholder.trim_matches(['{', '}']) == k) {
            return;
        }
        let name = placeholder.trim_matches(['{', '}']).trim();
        let is_bind = binds.values().any(|keys| keys.contains_key(name));
        let plausible = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if (text[..start].ends_with('$') && plausible) || is_bind {
            // Reported with the template (`foreign_placeholders`).
            return;
        }
        d.push(
            Diagnostic::new(s.span, format!("`baseUri` has a placeholder `{placeholder}` that nothing gives a value"))
                .with_help("read it from the environment with a bind: write `{{env.VAR}}` and declare `VAR` under `binds`"),
        );
        return;
    }
    if !scheme_ok || !host_ok || text.contains(['?', '#', ' ']) {
        d.error(
            s.span,
            format!(
                "`baseUri` must be an absolute http(s) URL without query or fragment, found `{}`",
                s.v
            ),
        );
    }
}
