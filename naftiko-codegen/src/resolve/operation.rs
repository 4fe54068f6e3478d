//! A consumed operation: parameters, path placeholders, body and own parameter values.

use super::auth::is_token;
use super::binds::{Binds, bind_ref};
use super::body::operation_body;
use super::output::{Scope, resolve_output};
use super::suggest::{did_you_mean, nearest};
use super::templates::{env_template, unresolved_template};
use super::{is_duplicate, is_input_prefix};
use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir::{self, Segment, Template};
use crate::names::{Names, pascal_case, snake_case};
use crate::spec::{self, In, Method, S, Type};
use crate::yaml::{Kind, Node};
use std::collections::HashMap;

/// Splits a resource path into literal text and `{x}` / `{{x}}` placeholders.
pub(super) fn path_placeholders(
    path: &S<String>,
    d: &mut Ctxt,
) -> Vec<Result<String, (String, Span)>> {
    let mut out = Vec::new();
    let mut rest = path.v.as_str();
    let mut at = 0;
    while let Some(start) = rest.find('{') {
        let double = rest[start..].starts_with("{{");
        let open = if double { 2 } else { 1 };
        let close = if double { "}}" } else { "}" };
        let Some(len) = rest[start + open..].find(close) else {
            d.error(
                path.span_of(at + start..path.v.len()),
                format!("unclosed `{{` in path `{}`", path.v),
            );
            return out;
        };
        if start > 0 {
            out.push(Ok(rest[..start].to_string()));
        }
        let name = rest[start + open..start + open + len].trim().to_string();
        let consumed = start + open + len + close.len();
        out.push(Err((name, path.span_of(at + start..at + consumed))));
        at += consumed;
        rest = &rest[consumed..];
    }
    if !rest.is_empty() {
        out.push(Ok(rest.to_string()));
    }
    out
}

/// A consumed operation, in steps: its declared parameters, the placeholders of its path, its
/// body, its own output mapping.
pub(super) fn resolve_operation(
    namespace: &str,
    op: &spec::Operation,
    path: &S<String>,
    binds: &Binds,
    namespaces: &[String],
    idents: &mut Names,
    d: &mut Ctxt,
) -> ir::Operation {
    // A query string in the path (`/search?format=json`, `?action=GetClients` under a base URI
    // ending in `api.php`) is a set of fixed query parameters.
    let (path, path_query) = split_query(path, d);
    let path = &path;
    // A relative path (`users/me`) is read as relative to the base URI: `/users/me`.
    let absolute;
    let path = if path.v.starts_with('/') || (path.v.is_empty() && !path_query.is_empty()) {
        path
    } else {
        absolute = S::new(format!("/{}", path.v), path.span);
        &absolute
    };
    let mut fields = Names::default();
    let placeholders: Vec<String> = path_placeholders(path, d)
        .into_iter()
        .filter_map(|p| p.err().map(|(name, _)| name))
        .collect();
    let mut params = declared_params(op, &placeholders, path, binds, namespaces, &mut fields, d);
    let segments = path_segments(op, path, &mut params, &mut fields, d);
    let body = operation_body(
        namespace,
        op,
        &mut params,
        &mut fields,
        binds,
        namespaces,
        d,
    );
    for (name, value) in path_query {
        if params
            .iter()
            .any(|p| p.location == In::Query && p.name == name)
        {
            d.error(
                op.span,
                format!("query parameter `{name}` is both in the resource path's query string and declared"),
            );
            continue;
        }
        params.push(ir::Param {
            ident: fields.claim(&snake_case(&name)),
            name,
            location: In::Query,
            ty: Type::String,
            required: false,
            description: None,
            fixed: Some(Template(vec![ir::Part::Lit(value)])),
            default_input: None,
            any_json: false,
        });
    }
    // The consumed operation's own outputs (`value: $.result`): the typed client's output.
    let no_inputs = Scope {
        inputs: &[],
        prefixes: &[],
    };
    let output = resolve_output(&op.outputs, &no_inputs, false, d);
    let ident = idents.claim(&snake_case(&op.name.v));
    super::binary::check_consumed(op, d);
    ir::Operation {
        name: op.name.v.clone(),
        params_struct: format!("{}Params", pascal_case(&ident)),
        ident,
        method: op.method.v,
        path: path.v.clone(),
        segments,
        description: op.description.clone(),
        params,
        body,
        idempotent: matches!(op.method.v, Method::Get | Method::Head | Method::Options),
        output,
        raw_format: op.raw_format.clone(),
        media_type: op.media_type.as_ref().map(|m| m.v.clone()),
        max_binary: op.max_binary.as_ref().map(|m| m.v),
    }
}

/// The path without its query string, and the query's pairs, percent-decoded (they are
/// encoded again when sent). A placeholder in the query is not supported.
fn split_query(path: &S<String>, d: &mut Ctxt) -> (S<String>, Vec<(String, String)>) {
    let Some((p, query)) = path.v.split_once('?') else {
        return (path.clone(), Vec::new());
    };
    if query.contains('{') {
        d.unsupported(
            path.span,
            "a placeholder in a resource path's query string (declare an `in: query` parameter)",
        );
    }
    let pairs = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !query.contains('{'))
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(k), form_decode(v))
        })
        .collect();
    (S::new(p.to_string(), path.span), pairs)
}

/// `+` is a space and `%XX` a byte, as in `application/x-www-form-urlencoded`; anything else,
/// a malformed escape included, is kept as it is.
fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Step 1: the declared parameters, each with a location, once per (name, location). A
/// parameter without `in` named like a placeholder of the path is a path parameter (warning).
fn declared_params(
    op: &spec::Operation,
    placeholders: &[String],
    path: &S<String>,
    binds: &Binds,
    namespaces: &[String],
    fields: &mut Names,
    d: &mut Ctxt,
) -> Vec<ir::Param> {
    let mut params = Vec::new();
    let mut names: HashMap<(String, In), Span> = HashMap::new();
    for p in &op.params {
        let inferred;
        let location = match p.location.as_ref() {
            Some(l) => l,
            None if placeholders.contains(&p.name.v) => {
                d.warn(
                    p.name.span,
                    format!(
                        "parameter `{}` has no `in`: read as `in: path`, since `{{{}}}` is a placeholder of the path `{}`",
                        p.name.v, p.name.v, path.v
                    ),
                );
                inferred = S::new(In::Path, p.name.span);
                &inferred
            }
            None => {
                d.push(
                    Diagnostic::new(
                        p.span,
                        format!("missing required key `in` in parameter `{}` (path, query, header, cookie or body)", p.name.v),
                    )
                    .with_help(format!(
                        "only a parameter named like a placeholder of the path `{}` may leave `in` out (it is then a path parameter)",
                        path.v
                    )),
                );
                continue;
            }
        };
        if location.v == In::Cookie {
            d.unsupported(location.span, "`in: cookie` parameters");
            continue;
        }
        let what = || format!("parameter `{}`", p.name.v);
        let key = (p.name.v.clone(), location.v);
        if is_duplicate(&mut names, key, p.name.span, what, d) {
            continue;
        }
        if matches!(location.v, In::Header) && !is_token(&p.name.v) {
            d.error(
                p.name.span,
                format!("`{}` is not a valid header name", p.name.v),
            );
        }
        let (fixed, default_input) = p
            .value
            .as_ref()
            .map_or((None, None), |v| param_value(v, binds, namespaces, d));
        params.push(ir::Param {
            name: p.name.v.clone(),
            ident: fields.claim(&snake_case(&p.name.v)),
            location: location.v,
            ty: p.ty.as_ref().map_or(Type::String, |t| t.v),
            required: p.required || location.v == In::Path,
            description: p.description.clone(),
            fixed,
            default_input,
            any_json: false,
        });
    }
    params
}

/// Step 2: the path's literal text and placeholders. Each placeholder is a path parameter (an
/// undeclared one is an implicit required string); each path parameter has a placeholder.
fn path_segments(
    op: &spec::Operation,
    path: &S<String>,
    params: &mut Vec<ir::Param>,
    fields: &mut Names,
    d: &mut Ctxt,
) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut placeholders = Vec::new();
    let mut used_path_params = Vec::new();
    for piece in path_placeholders(path, d) {
        let (name, span) = match piece {
            Ok(lit) => {
                segments.push(Segment::Lit(lit));
                continue;
            }
            Err(placeholder) => placeholder,
        };
        if name.is_empty() {
            d.error(span, "empty `{}` placeholder in path");
            continue;
        }
        let is_path = |p: &ir::Param| p.location == In::Path;
        let idx = params
            .iter()
            .position(|p| is_path(p) && p.name == name)
            .or_else(|| {
                params
                    .iter()
                    .position(|p| is_path(p) && p.name.eq_ignore_ascii_case(&name))
            })
            .unwrap_or_else(|| {
                params.push(implicit_param(&name, In::Path, fields));
                params.len() - 1
            });
        used_path_params.push(idx);
        segments.push(Segment::Param(idx));
        placeholders.push(name);
    }
    for (i, p) in params.iter().enumerate() {
        if p.location == In::Path && !used_path_params.contains(&i) {
            let span = op
                .params
                .iter()
                .find(|q| q.name.v == p.name)
                .map_or(op.span, |q| q.span);
            let close = nearest(&p.name, placeholders.iter().map(String::as_str))
                .map(|c| format!("{{{c}}}"));
            let mut e = Diagnostic::new(
                span,
                format!(
                    "path parameter `{}` has no `{{{}}}` placeholder in path `{}`",
                    p.name, p.name, path.v
                ),
            );
            if close.is_some() {
                e = e.with_help(did_you_mean(close).trim_end().to_string());
            }
            d.push(e);
        }
    }
    segments
}

/// A parameter the spec uses without declaring it: a string, required in the path, optional in
/// a body template.
pub(super) fn implicit_param(name: &str, location: In, fields: &mut Names) -> ir::Param {
    ir::Param {
        name: name.to_string(),
        ident: fields.claim(&snake_case(name)),
        location,
        ty: Type::String,
        required: location == In::Path,
        description: None,
        fixed: None,
        default_input: None,
        any_json: false,
    }
}

/// A consumed parameter's own `value:`: a constant or bind template, or `{{tools.x}}` /
/// `{{rest.x}}` / `{{x}}` / `tools.x` naming the exposed input that feeds it unless a `with`
/// says otherwise.
pub(super) fn param_value(
    v: &Node,
    binds: &Binds,
    namespaces: &[String],
    d: &mut Ctxt,
) -> (Option<Template>, Option<String>) {
    let Some(s) = v.as_str().filter(|_| matches!(v.kind, Kind::Scalar { .. })) else {
        d.error(
            v.span,
            format!(
                "a parameter `value` must be a string, found {}",
                v.describe()
            ),
        );
        return (None, None);
    };
    let trimmed = s.trim();
    if let Some(inner) = trimmed
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .filter(|i| !i.contains("{{"))
        && bind_ref(binds, inner.trim()).is_none()
    {
        let inner = inner.trim();
        let name = match inner.split_once('.') {
            Some((prefix, name)) if is_input_prefix(prefix, namespaces) => name,
            Some(_) => {
                d.push(unresolved_template(
                    v.span,
                    inner,
                    binds,
                    "a parameter `value`",
                ));
                return (None, None);
            }
            None => inner,
        };
        return (None, Some(name.to_string()));
    }
    // `tools.x` without braces names the input too: never sent as its own text.
    if let Some((prefix, name)) = trimmed.split_once('.')
        && is_input_prefix(prefix, namespaces)
    {
        if name.trim().is_empty() {
            d.error(
                v.span,
                format!("`{trimmed}` names no input: write the input's name after the `.`"),
            );
            return (None, None);
        }
        return (None, Some(name.trim().to_string()));
    }
    let template = env_template(
        &S::new(s.to_string(), v.span),
        binds,
        "a parameter `value`",
        d,
    );
    if template
        .as_ref()
        .is_some_and(|t| t.env_vars().next().is_some())
    {
        d.unsupported(
            v.span,
            "an operation parameter `value` read from a bind (an API-wide `inputParameters` entry can)",
        );
        return (None, None);
    }
    (template, None)
}
