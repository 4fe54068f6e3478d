//! Semantic checks: resolves every reference of a [`Spec`] into the [`ir`] model, or reports why
//! it cannot. Each `check_*`/`resolve_*` function owns one rule of the dialect
//! (`shared/notes/dialect.md`); all of them run, so one build reports every mistake.

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::ir::{self, Arg, Input, Mapping, Part, Segment, Source, Template};
use crate::names::{Names, pascal_case, snake_case};
use crate::spec::{self, In, Method, S, Spec, Type};
use crate::yaml::{Kind, Node};
use std::collections::{BTreeMap, HashMap};

/// Bind namespace → variable → environment variable.
type Binds = BTreeMap<String, BTreeMap<String, String>>;

pub fn resolve(spec: &Spec, d: &mut Diagnostics) -> ir::Capability {
    let binds = resolve_binds(spec, d);
    let mut modules = Names::default();
    let mut apis: Vec<ir::Api> = Vec::new();
    let mut api_pos: HashMap<String, Pos> = HashMap::new();
    for c in &spec.consumes {
        let what = || format!("consumed namespace `{}`", c.namespace.v);
        if is_duplicate(
            &mut api_pos,
            c.namespace.v.clone(),
            c.namespace.pos,
            what,
            d,
        ) {
            continue;
        }
        apis.push(resolve_api(c, &binds, &mut modules, d));
    }
    let mut rest = Vec::new();
    let mut mcp = Vec::new();
    let mut ports: HashMap<(String, u16), (Pos, String)> = HashMap::new();
    let mut namespaces: HashMap<String, Pos> = api_pos.clone();
    let mut check_adapter = |ns: &S<String>,
                             address: &str,
                             port: Option<&S<u16>>,
                             d: &mut Diagnostics| {
        is_duplicate(
            &mut namespaces,
            ns.v.clone(),
            ns.pos,
            || format!("namespace `{}`", ns.v),
            d,
        );
        if let Some(port) = port {
            let key = (address.to_string(), port.v);
            if let Some((first, other)) = ports.get(&key) {
                d.error(
                    port.pos,
                    format!("two adapters on one port: `{}` and `{other}` (line {}) both listen on {address}:{}", ns.v, first.line, port.v),
                );
            } else {
                ports.insert(key, (port.pos, ns.v.clone()));
            }
        }
    };
    let quiet = Quiet {
        has_imports: spec.has_imports,
        unreadable: spec.unreadable_namespaces.clone(),
    };
    // Retries are allowed where an exposure says the call is idempotent.
    let mut idempotent_hint: HashMap<(usize, usize), bool> = HashMap::new();
    for e in &spec.exposes {
        match e {
            spec::Exposes::Rest(r) => {
                let address = r.address.as_ref().map_or("127.0.0.1", |a| a.v.as_str());
                check_adapter(&r.namespace, address, Some(&r.port), d);
                rest.push(resolve_rest(r, &apis, &binds, &quiet, &mut modules, d));
            }
            spec::Exposes::Mcp(m) => {
                let address = m.address.as_ref().map_or("127.0.0.1", |a| a.v.as_str());
                let port = if m.transport == spec::Transport::Http {
                    m.port.as_ref()
                } else {
                    None
                };
                check_adapter(&m.namespace, address, port, d);
                let adapter = resolve_mcp(m, &apis, &binds, &quiet, &mut modules, d);
                for t in &adapter.tools {
                    if let Some(i) = t.idempotent {
                        let e = idempotent_hint
                            .entry((t.call.api, t.call.operation))
                            .or_insert(i);
                        *e &= i;
                    }
                }
                mcp.push(adapter);
            }
        }
    }
    for ((a, o), idempotent) in idempotent_hint {
        let op = &mut apis[a].operations[o];
        op.idempotent = op.idempotent || idempotent;
    }
    ir::Capability {
        title: spec
            .title
            .clone()
            .unwrap_or_else(|| "Naftiko capability".to_string()),
        description: spec.description.clone(),
        apis,
        rest,
        mcp,
    }
}

/// Records where `key` is first defined. A repeat is reported at `pos` as `duplicate <what>`,
/// naming the line of the first; the result says whether `key` was already there.
fn is_duplicate<K: Eq + std::hash::Hash>(
    seen: &mut HashMap<K, Pos>,
    key: K,
    pos: Pos,
    what: impl FnOnce() -> String,
    d: &mut Diagnostics,
) -> bool {
    match seen.entry(key) {
        std::collections::hash_map::Entry::Occupied(first) => {
            let line = first.get().line;
            d.error(
                pos,
                format!("duplicate {} (first defined at line {line})", what()),
            );
            true
        }
        std::collections::hash_map::Entry::Vacant(slot) => {
            slot.insert(pos);
            false
        }
    }
}

fn resolve_binds(spec: &Spec, d: &mut Diagnostics) -> Binds {
    let mut binds = Binds::new();
    for b in &spec.binds {
        if binds.contains_key(&b.namespace.v) {
            d.error(
                b.namespace.pos,
                format!("duplicate bind namespace `{}`", b.namespace.v),
            );
            continue;
        }
        let mut keys = BTreeMap::new();
        for (var, source) in &b.keys {
            if !b.located && !is_env_name(&source.v) {
                d.error(
                    source.pos,
                    format!("`{}` is not a valid environment variable name", source.v),
                );
            }
            keys.insert(var.v.clone(), source.v.clone());
        }
        binds.insert(b.namespace.v.clone(), keys);
    }
    binds
}

fn is_env_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Resolves `ns.KEY` / `KEY` against the binds: the environment variable it names.
fn bind_ref(binds: &Binds, text: &str) -> Option<String> {
    if let Some((ns, key)) = text.split_once('.') {
        return binds.get(ns).and_then(|keys| keys.get(key)).cloned();
    }
    binds.values().find_map(|keys| keys.get(text)).cloned()
}

/// Splits a string into literal text and `{{...}}` references, each with its position.
fn split_template(s: &S<String>) -> Result<Vec<(bool, String, Pos)>, Diagnostic> {
    let mut out = Vec::new();
    let mut rest = s.v.as_str();
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            out.push((false, rest[..start].to_string(), s.pos));
        }
        let Some(end) = rest[start..].find("}}") else {
            return Err(Diagnostic::new(
                s.pos,
                format!("unclosed `{{{{` in `{}`", s.v),
            ));
        };
        let inner = rest[start + 2..start + end].trim().to_string();
        let col = s.pos.col + offset + start;
        out.push((true, inner, Pos::new(s.pos.line, col)));
        offset += start + end + 2;
        rest = &rest[start + end + 2..];
    }
    if !rest.is_empty() {
        out.push((false, rest.to_string(), s.pos));
    }
    Ok(out)
}

/// A template whose references must all be binds (auth values, fixed parameters, base URIs).
fn env_template(s: &S<String>, binds: &Binds, what: &str, d: &mut Diagnostics) -> Option<Template> {
    let parts = match split_template(s) {
        Ok(p) => p,
        Err(e) => {
            d.push(e);
            return None;
        }
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (is_ref, text, _) in parts {
        if !is_ref {
            out.push(Part::Lit(text));
            continue;
        }
        match bind_ref(binds, &text) {
            Some(var) => out.push(Part::Env(var)),
            None => {
                ok = false;
                d.push(unresolved_template(s.pos, &text, binds, what));
            }
        }
    }
    ok.then_some(Template(out))
}

fn unresolved_template(pos: Pos, text: &str, binds: &Binds, what: &str) -> Diagnostic {
    let known: Vec<String> = binds
        .iter()
        .flat_map(|(ns, keys)| keys.keys().map(move |k| format!("{{{{{ns}.{k}}}}}")))
        .collect();
    Diagnostic::new(pos, format!("template `{{{{{text}}}}}` in {what} names no bind or parameter")).with_help(if known.is_empty() {
        "declare the variable under `binds` (e.g. `binds: [{namespace: env, keys: {TOKEN: TOKEN}}]`)".to_string()
    } else {
        format!("binds in scope: {}", known.join(", "))
    })
}

fn resolve_auth(a: &spec::Auth, binds: &Binds, d: &mut Diagnostics) -> ir::Auth {
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
                placement.pos,
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
                    name.pos,
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
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn resolve_api(
    c: &spec::Consumes,
    binds: &Binds,
    modules: &mut Names,
    d: &mut Diagnostics,
) -> ir::Api {
    let base_uri = env_template(&c.base_uri, binds, "`baseUri`", d)
        .unwrap_or_else(|| Template(vec![Part::Lit(c.base_uri.v.clone())]));
    // A path-placed API key fills its own `{name}` placeholder (reported as not supported).
    let key_in_path = match c.auth.as_ref().map(|a| &a.kind) {
        Some(spec::AuthKind::ApiKey {
            name, placement, ..
        }) if placement.v == spec::ApiKeyIn::Path => Some(name.v.as_str()),
        _ => None,
    };
    check_base_uri(&base_uri, &c.base_uri, key_in_path, d);
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
                if let Some(s) = v.as_str()
                    && let Some(t) =
                        env_template(&S::new(s.to_string(), v.pos), binds, "a fixed parameter", d)
                {
                    fixed.push(ir::Fixed {
                        name: p.name.v.clone(),
                        location: l.v,
                        value: t,
                    });
                }
            }
            (Some(l), Some(_)) => d.unsupported(
                l.pos,
                format!("an API-wide parameter `in: {}`", l.v.as_str()),
            ),
            _ => d.error(
                p.pos,
                "an API-wide input parameter needs `in` (header or query) and a `value`",
            ),
        }
    }
    let mut operations: Vec<ir::Operation> = Vec::new();
    let mut seen: HashMap<String, Pos> = HashMap::new();
    let mut idents = Names::default();
    for r in &c.resources {
        if !r.params.is_empty() {
            d.unsupported(
                r.pos,
                "resource-level `inputParameters` on a consumed resource",
            );
        }
        for op in &r.operations {
            let what = || format!("operation `{}` in `{}`", op.name.v, c.namespace.v);
            let duplicate = is_duplicate(&mut seen, op.name.v.clone(), op.name.pos, what, d);
            let path = op.path.as_ref().unwrap_or(&r.path);
            // A duplicate is still checked, so that one build shows every mistake in it.
            let resolved = resolve_operation(op, path, binds, &mut idents, d);
            if !duplicate {
                operations.push(resolved);
            }
        }
    }
    ir::Api {
        namespace: c.namespace.v.clone(),
        module: modules.claim(&snake_case(&c.namespace.v)),
        base_uri,
        description: c.description.clone(),
        auth,
        fixed,
        operations,
    }
}

/// A base URI must be an absolute http(s) URL without query or fragment. Where it reads an
/// environment variable, only the literal parts can be checked now; the rest is checked when
/// the client is built.
fn check_base_uri(t: &Template, s: &S<String>, key_in_path: Option<&str>, d: &mut Diagnostics) {
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
        let start = if text[..start].ends_with('$') {
            start - 1
        } else {
            start
        };
        let shown = &text[start..end];
        d.push(
            Diagnostic::new(s.pos, format!("`baseUri` has a placeholder `{shown}` that nothing gives a value"))
                .with_help("read it from the environment with a bind: write `{{env.VAR}}` and declare `VAR` under `binds`"),
        );
        return;
    }
    if !scheme_ok || !host_ok || text.contains(['?', '#', ' ']) {
        d.error(
            s.pos,
            format!(
                "`baseUri` must be an absolute http(s) URL without query or fragment, found `{}`",
                s.v
            ),
        );
    }
}

/// Splits a resource path into literal text and `{x}` / `{{x}}` placeholders.
fn path_placeholders(path: &S<String>, d: &mut Diagnostics) -> Vec<Result<String, (String, Pos)>> {
    let mut out = Vec::new();
    let mut rest = path.v.as_str();
    let mut col = path.pos.col;
    while let Some(start) = rest.find('{') {
        let double = rest[start..].starts_with("{{");
        let open = if double { 2 } else { 1 };
        let close = if double { "}}" } else { "}" };
        let Some(len) = rest[start + open..].find(close) else {
            d.error(
                Pos::new(path.pos.line, col + start),
                format!("unclosed `{{` in path `{}`", path.v),
            );
            return out;
        };
        if start > 0 {
            out.push(Ok(rest[..start].to_string()));
        }
        let name = rest[start + open..start + open + len].trim().to_string();
        out.push(Err((name, Pos::new(path.pos.line, col + start))));
        let consumed = start + open + len + close.len();
        col += consumed;
        rest = &rest[consumed..];
    }
    if !rest.is_empty() {
        out.push(Ok(rest.to_string()));
    }
    out
}

fn resolve_operation(
    op: &spec::Operation,
    path: &S<String>,
    binds: &Binds,
    idents: &mut Names,
    d: &mut Diagnostics,
) -> ir::Operation {
    if path.v.contains('?') {
        d.unsupported(path.pos, "a query string in a resource path");
    }
    // A relative path (`users/me`) is read as relative to the base URI: `/users/me`.
    let absolute;
    let path = if path.v.starts_with('/') {
        path
    } else {
        absolute = S::new(format!("/{}", path.v), path.pos);
        &absolute
    };
    let mut params: Vec<ir::Param> = Vec::new();
    let mut names: HashMap<(String, In), Pos> = HashMap::new();
    let mut field_names = Names::default();
    for p in &op.params {
        let Some(location) = p.location.as_ref() else {
            d.error(p.pos, format!("missing required key `in` in parameter `{}` (path, query, header, cookie or body)", p.name.v));
            continue;
        };
        if location.v == In::Cookie {
            d.unsupported(location.pos, "`in: cookie` parameters");
            continue;
        }
        let what = || format!("parameter `{}`", p.name.v);
        if is_duplicate(
            &mut names,
            (p.name.v.clone(), location.v),
            p.name.pos,
            what,
            d,
        ) {
            continue;
        }
        if matches!(location.v, In::Header) && !is_token(&p.name.v) {
            d.error(
                p.name.pos,
                format!("`{}` is not a valid header name", p.name.v),
            );
        }
        let (fixed, default_input) = p
            .value
            .as_ref()
            .map_or((None, None), |v| param_value(v, binds, d));
        params.push(ir::Param {
            name: p.name.v.clone(),
            ident: field_names.claim(&snake_case(&p.name.v)),
            location: location.v,
            ty: p.ty.as_ref().map_or(Type::String, |t| t.v),
            required: p.required || location.v == In::Path,
            description: p.description.clone(),
            fixed,
            default_input,
        });
    }
    // Path placeholders: each must be a path parameter; an undeclared one is implicit.
    let mut segments = Vec::new();
    let mut used_path_params = Vec::new();
    for piece in path_placeholders(path, d) {
        match piece {
            Ok(lit) => segments.push(Segment::Lit(lit)),
            Err((name, pos)) => {
                if name.is_empty() {
                    d.error(pos, "empty `{}` placeholder in path");
                    continue;
                }
                let idx = params
                    .iter()
                    .position(|p| p.location == In::Path && p.name == name)
                    .or_else(|| {
                        params.iter().position(|p| {
                            p.location == In::Path && p.name.eq_ignore_ascii_case(&name)
                        })
                    });
                let idx = idx.unwrap_or_else(|| {
                    params.push(ir::Param {
                        name: name.clone(),
                        ident: field_names.claim(&snake_case(&name)),
                        location: In::Path,
                        ty: Type::String,
                        required: true,
                        description: None,
                        fixed: None,
                        default_input: None,
                    });
                    params.len() - 1
                });
                used_path_params.push(idx);
                segments.push(Segment::Param(idx));
            }
        }
    }
    for (i, p) in params.iter().enumerate() {
        if p.location == In::Path && !used_path_params.contains(&i) {
            let pos = op
                .params
                .iter()
                .find(|q| q.name.v == p.name)
                .map_or(op.pos, |q| q.pos);
            d.error(
                pos,
                format!(
                    "path parameter `{}` has no `{{{}}}` placeholder in path `{}`",
                    p.name, p.name, path.v
                ),
            );
        }
    }
    let body_params: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.location == In::Body)
        .map(|(i, _)| i)
        .collect();
    let mut body = match body_params.as_slice() {
        [] => ir::Body::None,
        [one] => ir::Body::Whole(*one),
        many => ir::Body::Fields(many.to_vec()),
    };
    let mut unsupported_body = false;
    if let Some(b) = &op.body {
        let empty = b.data.as_ref().is_none_or(|data| {
            matches!(&data.kind, Kind::Map(e) if e.is_empty()) || data.is_null()
        });
        if !b.json {
            // Already reported; `with` may name the variables of its data.
            unsupported_body = !empty;
        } else if let Some(data) = b.data.as_ref().filter(|_| !empty) {
            let template = json_template(data, &mut params, &mut field_names, binds, d);
            for &i in &body_params {
                if !template.uses(i) {
                    d.error(
                        op.params
                            .iter()
                            .find(|q| q.name.v == params[i].name)
                            .map_or(b.pos, |q| q.pos),
                        format!(
                            "body parameter `{}` is not used by the operation's `body` template",
                            params[i].name
                        ),
                    );
                }
            }
            body = ir::Body::Template(template);
        } else if body_params.is_empty()
            && matches!(op.method.v, Method::Post | Method::Put | Method::Patch)
        {
            // An explicit empty JSON object body.
            body = ir::Body::Fields(Vec::new());
        }
    }
    // The consumed operation's own output (`value: $.result`): what the exposures map from.
    let output = resolve_output(&op.outputs, d);
    let ident = idents.claim(&snake_case(&op.name.v));
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
        unsupported_body,
        output,
    }
}

/// Reads a `body.data` template. Each `{{x}}` (`{{tools.x}}`, `{{rest.x}}`, ...) is a body
/// parameter `x` of the operation: a declared `in: body` parameter of that name, or an implicit
/// optional string one, fed by default from the exposed input `x`.
fn json_template(
    node: &Node,
    params: &mut Vec<ir::Param>,
    names: &mut Names,
    binds: &Binds,
    d: &mut Diagnostics,
) -> ir::JsonTemplate {
    match &node.kind {
        Kind::Map(entries) => ir::JsonTemplate::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().unwrap_or_default().to_string(),
                        json_template(v, params, names, binds, d),
                    )
                })
                .collect(),
        ),
        Kind::Seq(items) => ir::JsonTemplate::Array(
            items
                .iter()
                .map(|v| json_template(v, params, names, binds, d))
                .collect(),
        ),
        Kind::Scalar { value, .. } if value.contains("{{") => {
            let parts = match split_template(&S::new(value.clone(), node.pos)) {
                Ok(p) => p,
                Err(e) => {
                    d.push(e);
                    return ir::JsonTemplate::Value(serde_json::Value::Null);
                }
            };
            let mut out = Vec::new();
            for (is_ref, text, pos) in parts {
                if !is_ref {
                    out.push(ir::TextPart::Lit(text));
                    continue;
                }
                if bind_ref(binds, &text).is_some() {
                    d.unsupported(pos, "a bind inside a `body` template");
                    continue;
                }
                let name = match text.split_once('.') {
                    Some((prefix, name)) if !binds.contains_key(prefix) => name,
                    Some(_) => {
                        d.push(unresolved_template(pos, &text, binds, "a `body` template"));
                        continue;
                    }
                    None => text.as_str(),
                };
                let i = params
                    .iter()
                    .position(|p| p.location == In::Body && p.name == name)
                    .unwrap_or_else(|| {
                        params.push(ir::Param {
                            name: name.to_string(),
                            ident: names.claim(&snake_case(name)),
                            location: In::Body,
                            ty: Type::String,
                            required: false,
                            description: None,
                            fixed: None,
                            default_input: None,
                        });
                        params.len() - 1
                    });
                params[i]
                    .default_input
                    .get_or_insert_with(|| name.to_string());
                out.push(ir::TextPart::Var(i));
            }
            match out.as_slice() {
                [ir::TextPart::Var(i)] => ir::JsonTemplate::Var(*i),
                _ => ir::JsonTemplate::Text(out),
            }
        }
        _ => ir::JsonTemplate::Value(node.to_json()),
    }
}

/// A consumed parameter's own `value:`: a constant or bind template, or `{{tools.x}}` /
/// `{{rest.x}}` / `{{x}}` naming the exposed input that feeds it unless a `with` says otherwise.
fn param_value(v: &Node, binds: &Binds, d: &mut Diagnostics) -> (Option<Template>, Option<String>) {
    let Some(s) = v.as_str().filter(|_| matches!(v.kind, Kind::Scalar { .. })) else {
        d.error(
            v.pos,
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
            Some(("tools" | "rest", name)) => name,
            Some(_) => {
                d.push(unresolved_template(
                    v.pos,
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
    let template = env_template(
        &S::new(s.to_string(), v.pos),
        binds,
        "a parameter `value`",
        d,
    );
    if template
        .as_ref()
        .is_some_and(|t| t.env_vars().next().is_some())
    {
        d.unsupported(
            v.pos,
            "an operation parameter `value` read from a bind (an API-wide `inputParameters` entry can)",
        );
        return (None, None);
    }
    (template, None)
}

fn check_jsonpath(m: &S<String>, d: &mut Diagnostics) -> Mapping {
    let text = m.v.trim();
    if text == "$." || text == "$" {
        return Mapping::Identity;
    }
    match serde_json_path::JsonPath::parse(text) {
        Ok(_) => Mapping::Path(text.to_string()),
        Err(e) => {
            d.push(
                Diagnostic::new(m.pos, format!("bad JSONPath `{text}`: {e}")).with_help(
                    "mappings are RFC 9535 JSONPath, e.g. `$.` (everything) or `$.data[*].id`",
                ),
            );
            Mapping::Identity
        }
    }
}

fn resolve_output(outputs: &[spec::Output], d: &mut Diagnostics) -> Mapping {
    if outputs.len() > 1 {
        d.unsupported(
            outputs[1].pos,
            "more than one output parameter (result shaping)",
        );
    }
    outputs
        .first()
        .and_then(|o| o.mapping.as_ref())
        .map_or(Mapping::Identity, |m| check_jsonpath(m, d))
}

/// Finds the consumed operation named by `call: namespace.operation`.
fn resolve_call(
    call: &S<String>,
    apis: &[ir::Api],
    quiet: &Quiet,
    d: &mut Diagnostics,
) -> Option<(usize, usize)> {
    let Some((ns, op)) = call.v.split_once('.') else {
        d.error(
            call.pos,
            format!("`call` must name `namespace.operation`, found `{}`", call.v),
        );
        return None;
    };
    let Some(a) = apis.iter().position(|a| a.namespace == ns) else {
        if quiet.has_imports || quiet.unreadable.iter().any(|n| n == ns) {
            return None;
        }
        let known: Vec<&str> = apis.iter().map(|a| a.namespace.as_str()).collect();
        d.push(
            Diagnostic::new(
                call.pos,
                format!("unknown namespace `{ns}` in `call: {}`", call.v),
            )
            .with_help(format!(
                "consumed namespaces: {}",
                if known.is_empty() {
                    "(none)".to_string()
                } else {
                    known.join(", ")
                }
            )),
        );
        return None;
    };
    let Some(o) = apis[a].operations.iter().position(|o| o.name == op) else {
        let mut help = format!(
            "operations of `{ns}`: {}",
            apis[a]
                .operations
                .iter()
                .map(|o| o.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        if let Some(close) = apis[a]
            .operations
            .iter()
            .min_by_key(|o| edit_distance(&o.name, op))
            .filter(|o| edit_distance(&o.name, op) <= 3)
        {
            help = format!("did you mean `{ns}.{}`? {help}", close.name);
        }
        d.push(
            Diagnostic::new(
                call.pos,
                format!("`call` to an operation that does not exist: `{op}` in `{ns}`"),
            )
            .with_help(help),
        );
        return None;
    };
    Some((a, o))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// How an exposed operation or tool sees the world.
struct Exposure<'a> {
    /// `rest` or `tools`, plus the adapter's namespace: the prefixes of input references.
    prefixes: [&'a str; 2],
    /// REST: the variables of the exposed path.
    path_vars: Vec<String>,
    is_tool: bool,
    quiet: &'a Quiet,
}

/// Namespaces whose problems were already reported: calls into them are not reported again.
struct Quiet {
    has_imports: bool,
    unreadable: Vec<String>,
}

/// Reads a `with` value: a reference to an input, a bind, or a literal constant.
fn with_value(v: &Node, ex: &Exposure, binds: &Binds, d: &mut Diagnostics) -> Option<WithValue> {
    let Some(s) = v.as_str().filter(|_| matches!(v.kind, Kind::Scalar { .. })) else {
        return Some(WithValue::Const(v.to_json()));
    };
    let s = s.trim();
    if let Some(inner) = s
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .filter(|i| !i.contains("{{"))
    {
        let inner = inner.trim();
        if let Some((prefix, name)) = inner.split_once('.')
            && ex.prefixes.contains(&prefix)
        {
            return Some(WithValue::Input(name.to_string()));
        }
        if bind_ref(binds, inner).is_some() {
            return Some(WithValue::Env);
        }
        if inner.contains('.') {
            d.push(unresolved_template(v.pos, inner, binds, "`with`"));
            return None;
        }
        return Some(WithValue::Input(inner.to_string()));
    }
    if s.contains("{{") {
        env_template(&S::new(s.to_string(), v.pos), binds, "`with`", d)?;
        return Some(WithValue::Env);
    }
    if let Some((prefix, name)) = s.split_once('.')
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        if ex.prefixes.contains(&prefix) {
            return Some(WithValue::Input(name.to_string()));
        }
        if binds.contains_key(prefix) {
            return match bind_ref(binds, s) {
                Some(_) => Some(WithValue::Env),
                None => {
                    d.push(unresolved_template(v.pos, s, binds, "`with`"));
                    None
                }
            };
        }
    }
    Some(WithValue::Const(v.to_json()))
}

enum WithValue {
    Input(String),
    /// Read from a bind (environment variable).
    Env,
    Const(serde_json::Value),
}

/// Resolves the inputs of one exposed operation or tool and how each consumed parameter is fed.
fn resolve_exposed_call(
    e: &spec::ExposedOperation,
    name: &str,
    ident: String,
    ex: &Exposure,
    apis: &[ir::Api],
    binds: &Binds,
    d: &mut Diagnostics,
) -> Option<ir::Call> {
    let call = e.call.as_ref()?;
    let (a, o) = resolve_call(call, apis, ex.quiet, d)?;
    let op = &apis[a].operations[o];
    let mut args = vec![Arg::Absent; op.params.len()];
    let mut inputs: Vec<Input> = Vec::new();
    let mut input_idents = Names::default();
    let declared = e.inputs.as_ref();
    let mut fed = vec![false; op.params.len()];

    // Declared inputs come first, in the order written.
    if let Some(declared) = declared {
        let mut seen: HashMap<String, Pos> = HashMap::new();
        for p in declared {
            let what = || format!("input `{}`", p.name.v);
            if is_duplicate(&mut seen, p.name.v.clone(), p.name.pos, what, d) {
                continue;
            }
            let source = if ex.is_tool {
                Source::Field
            } else {
                match p.location.as_ref().map(|l| l.v) {
                    Some(In::Path) => Source::Path,
                    Some(In::Header) => Source::Header,
                    Some(In::Body) => Source::Field,
                    Some(In::Cookie) => {
                        d.unsupported(p.pos, "`in: cookie` inputs");
                        continue;
                    }
                    Some(In::Query) => Source::Query,
                    None if ex.path_vars.iter().any(|v| v == &p.name.v) => Source::Path,
                    None => Source::Query,
                }
            };
            if source == Source::Path && !ex.path_vars.iter().any(|v| v == &p.name.v) {
                d.error(
                    p.name.pos,
                    format!(
                        "path input `{}` has no `{{{}}}` variable in the exposed path",
                        p.name.v, p.name.v
                    ),
                );
            }
            inputs.push(Input {
                name: p.name.v.clone(),
                ident: input_idents.claim(&snake_case(&p.name.v)),
                source,
                ty: p.ty.as_ref().map_or(Type::String, |t| t.v),
                required: p.required || source == Source::Path,
                description: p.description.clone(),
            });
        }
    }

    // Finds or infers the input named `name` that feeds consumed parameter `pi`.
    let mut input_for = |name: &str,
                         pi: usize,
                         pos: Pos,
                         inputs: &mut Vec<Input>,
                         d: &mut Diagnostics|
     -> Option<usize> {
        // Exact names; path variables also match ASCII case-insensitively (`{orgid}` ← `orgId`).
        let found = inputs.iter().position(|i| i.name == name).or_else(|| {
            inputs
                .iter()
                .position(|i| i.source == Source::Path && i.name.eq_ignore_ascii_case(name))
        });
        if let Some(i) = found {
            return Some(i);
        }
        if declared.is_some() {
            let known: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
            d.push(
                Diagnostic::new(
                    pos,
                    format!("`with` refers to an input `{name}` that does not exist"),
                )
                .with_help(format!(
                    "declared inputs: {}",
                    if known.is_empty() {
                        "(none)".to_string()
                    } else {
                        known.join(", ")
                    }
                )),
            );
            return None;
        }
        let p = &op.params[pi];
        let path_var = ex.path_vars.iter().find(|v| v.eq_ignore_ascii_case(name));
        let (input_name, source) = if ex.is_tool {
            (name.to_string(), Source::Field)
        } else if let Some(v) = path_var {
            (v.clone(), Source::Path)
        } else {
            let source = match p.location {
                In::Query | In::Path | In::Cookie => Source::Query,
                In::Header => Source::Header,
                In::Body if matches!(op.body, ir::Body::Whole(_)) => Source::Body,
                In::Body => Source::Field,
            };
            (name.to_string(), source)
        };
        inputs.push(Input {
            ident: input_idents.claim(&snake_case(&input_name)),
            name: input_name,
            source,
            ty: p.ty,
            required: p.required || source == Source::Path,
            description: p.description.clone(),
        });
        Some(inputs.len() - 1)
    };

    // `with` entries.
    for (key, value) in &e.with {
        let pi = op.params.iter().position(|p| p.name == key.v).or_else(|| {
            op.params
                .iter()
                .position(|p| p.name.eq_ignore_ascii_case(&key.v))
        });
        let Some(pi) = pi else {
            if op.unsupported_body {
                continue;
            }
            let known: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
            d.push(
                Diagnostic::new(
                    key.pos,
                    format!(
                        "`with` names `{}`, which is not a parameter of `{}.{}`",
                        key.v, apis[a].namespace, op.name
                    ),
                )
                .with_help(format!(
                    "parameters: {}",
                    if known.is_empty() {
                        "(none)".to_string()
                    } else {
                        known.join(", ")
                    }
                )),
            );
            continue;
        };
        if fed[pi] {
            d.error(
                key.pos,
                format!("parameter `{}` is fed twice", op.params[pi].name),
            );
            continue;
        }
        fed[pi] = true;
        match with_value(value, ex, binds, d) {
            Some(WithValue::Input(name)) => {
                if let Some(i) = input_for(&name, pi, value.pos, &mut inputs, d) {
                    args[pi] = Arg::Input(i);
                }
            }
            Some(WithValue::Env) => d.unsupported(value.pos, "a `with` value read from a bind"),
            Some(WithValue::Const(v)) => args[pi] = Arg::Const(v),
            None => {}
        }
    }

    // Parameters with their own `value:` in the consumed operation.
    for (pi, p) in op.params.iter().enumerate() {
        if fed[pi] {
            continue;
        }
        if p.fixed.is_some() {
            // The client sends it itself.
            fed[pi] = true;
        } else if let Some(name) = &p.default_input {
            fed[pi] = true;
            if let Some(i) = input_for(name, pi, e.pos, &mut inputs, d) {
                args[pi] = Arg::Input(i);
            }
        }
    }
    // Required parameters nothing feeds pass through from a same-named input.
    for (pi, p) in op.params.iter().enumerate() {
        if fed[pi] || !p.required {
            continue;
        }
        let can_exist = declared.is_none()
            && (ex.is_tool
                || p.location != In::Path
                || ex.path_vars.iter().any(|v| v.eq_ignore_ascii_case(&p.name)));
        let existing = inputs.iter().position(|i| {
            i.name == p.name || (i.source == Source::Path && i.name.eq_ignore_ascii_case(&p.name))
        });
        match existing {
            Some(i) => args[pi] = Arg::Input(i),
            None if can_exist => {
                if let Some(i) = input_for(&p.name.clone(), pi, e.pos, &mut inputs, d) {
                    args[pi] = Arg::Input(i);
                }
            }
            None => {
                let why = if declared.is_some() {
                    "no `with` entry feeds it and no declared input has its name".to_string()
                } else {
                    format!(
                        "no `with` entry feeds it and the exposed path has no `{{{}}}` variable",
                        p.name
                    )
                };
                d.push(
                    Diagnostic::new(
                        call.pos,
                        format!(
                            "required parameter `{}` ({}) of `{}.{}` is fed by nothing: {why}",
                            p.name,
                            p.location.as_str(),
                            apis[a].namespace,
                            op.name
                        ),
                    )
                    .with_help(format!(
                        "add `with: {{{}: {}.{}}}`",
                        p.name, ex.prefixes[0], p.name
                    )),
                );
            }
        }
    }
    // Inputs take the type of what they feed; one that feeds a required parameter is required.
    for (pi, arg) in args.iter_mut().enumerate() {
        let p = &op.params[pi];
        match arg {
            Arg::Input(i) => {
                let input = &mut inputs[*i];
                if input.ty != p.ty {
                    d.error(
                        e.pos,
                        format!(
                            "input `{}` is {} but feeds `{}`, which is {}",
                            input.name,
                            article(input.ty),
                            p.name,
                            article(p.ty)
                        ),
                    );
                }
                input.required |= p.required;
            }
            Arg::Const(v) => match coerce(v, p.ty) {
                Some(c) => *v = c,
                None => d.error(
                    e.pos,
                    format!(
                        "the constant `{v}` given to `{}` is not {}",
                        p.name,
                        article(p.ty)
                    ),
                ),
            },
            Arg::Absent => {}
        }
    }
    // A declared input that feeds nothing would be dropped silently. (After an unresolved
    // reference the input may well be what it meant: that error is enough.)
    let unresolved_refs = args.iter().zip(&fed).any(|(a, f)| *f && *a == Arg::Absent);
    if let Some(declared) = declared.filter(|_| !unresolved_refs) {
        for (n, i) in inputs.iter().enumerate() {
            if i.source != Source::Path && !args.contains(&Arg::Input(n)) {
                let pos = declared
                    .iter()
                    .find(|p| p.name.v == i.name)
                    .map_or(e.pos, |p| p.name.pos);
                d.error(
                    pos,
                    format!(
                        "input `{}` of `{name}` feeds no parameter of `{}.{}`",
                        i.name, apis[a].namespace, op.name
                    ),
                );
            }
        }
    }
    // REST: every variable of the exposed path must feed something.
    for v in &ex.path_vars {
        let feeds = inputs.iter().enumerate().any(|(n, i)| {
            i.source == Source::Path && &i.name == v && args.contains(&Arg::Input(n))
        });
        if !feeds {
            d.error(
                e.pos,
                format!(
                    "path variable `{{{v}}}` of `{name}` feeds no parameter of `{}.{}`",
                    apis[a].namespace, op.name
                ),
            );
        }
    }
    Some(ir::Call {
        name: name.to_string(),
        ident,
        description: e.description.clone().or_else(|| op.description.clone()),
        api: a,
        operation: o,
        inputs,
        args,
        output: resolve_output(&e.outputs, d),
    })
}

fn article(t: Type) -> String {
    match t {
        Type::Integer | Type::Object | Type::Array => format!("an {}", t.as_str()),
        _ => format!("a {}", t.as_str()),
    }
}

/// A `with` constant converted to the type of the parameter it feeds, if it can be.
fn coerce(v: &serde_json::Value, ty: Type) -> Option<serde_json::Value> {
    use serde_json::Value;
    match (ty, v) {
        (Type::String, Value::String(_)) => Some(v.clone()),
        (Type::String, Value::Number(_) | Value::Bool(_)) => Some(Value::String(v.to_string())),
        (Type::Integer, Value::Number(n)) if n.is_i64() => Some(v.clone()),
        (Type::Integer, Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        (Type::Number, Value::Number(_)) => Some(v.clone()),
        (Type::Number, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::from),
        (Type::Boolean, Value::Bool(_)) => Some(v.clone()),
        (Type::Boolean, Value::String(s)) if s == "true" || s == "false" => {
            Some(Value::Bool(s == "true"))
        }
        (Type::Array, Value::Array(_)) | (Type::Object, Value::Object(_)) => Some(v.clone()),
        _ => None,
    }
}

fn exposed_path_vars(path: &S<String>, d: &mut Diagnostics) -> (String, Vec<String>) {
    let mut axum_path = String::new();
    let mut vars = Vec::new();
    for piece in path_placeholders(path, d) {
        match piece {
            Ok(lit) => axum_path.push_str(&lit),
            Err((name, pos)) => {
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    d.error(pos, format!("path variable `{{{name}}}` must be a non-empty name of letters, digits, `_` or `-`"));
                    continue;
                }
                if vars.contains(&name) {
                    d.error(pos, format!("path variable `{{{name}}}` appears twice"));
                    continue;
                }
                axum_path.push_str(&format!("{{{name}}}"));
                vars.push(name);
            }
        }
    }
    // What axum's router accepts: a variable is a whole segment; `:x` and `*x` are not
    // variables (axum would refuse them when the server starts).
    for segment in axum_path.split('/') {
        if segment.contains('{')
            && !(segment.starts_with('{')
                && segment.ends_with('}')
                && segment.matches('{').count() == 1)
        {
            d.unsupported(
                path.pos,
                format!("a path variable inside a segment (`{segment}`)"),
            );
        } else if segment.starts_with(':') || segment.starts_with('*') {
            d.error(path.pos, format!("path segment `{segment}` starts with `{}`; path variables are written `{{name}}`", &segment[..1]));
        }
    }
    (axum_path, vars)
}

/// Paths every generated REST adapter serves itself.
const RESERVED_PATHS: [&str; 2] = ["/openapi.json", "/healthz"];

fn resolve_rest(
    r: &spec::RestExposes,
    apis: &[ir::Api],
    binds: &Binds,
    quiet: &Quiet,
    modules: &mut Names,
    d: &mut Diagnostics,
) -> ir::RestAdapter {
    let mut routes: Vec<ir::Route> = Vec::new();
    let mut seen_routes: HashMap<(String, Method), Pos> = HashMap::new();
    let mut seen_names: HashMap<String, Pos> = HashMap::new();
    let mut canonical: HashMap<String, (String, Vec<String>)> = HashMap::new();
    let mut idents = Names::default();
    for res in &r.resources {
        if !res.path.v.starts_with('/') {
            d.error(
                res.path.pos,
                format!(
                    "an exposed path must start with `/`, found `{}`",
                    res.path.v
                ),
            );
        }
        let (axum_path, path_vars) = exposed_path_vars(&res.path, d);
        if RESERVED_PATHS.contains(&axum_path.as_str()) {
            d.error(
                res.path.pos,
                format!("path `{axum_path}` is reserved: every REST adapter serves it itself"),
            );
            continue;
        }
        // Routes that differ only in variable names collide.
        let shape: String = axum_path
            .split('/')
            .map(|s| if s.starts_with('{') { "{}" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        // The router knows one spelling per shape: the first seen. Later resources with other
        // variable names are served under it, their path inputs renamed by position.
        let (route_path, route_vars) = canonical
            .entry(shape.clone())
            .or_insert_with(|| (axum_path.clone(), path_vars.clone()))
            .clone();
        for op in &res.operations {
            let Some(method) = &op.method else { continue };
            let what = || format!("route {} {}", method.v.as_str(), res.path.v);
            let mut duplicate = is_duplicate(
                &mut seen_routes,
                (shape.clone(), method.v),
                method.pos,
                what,
                d,
            );
            let name = op.name.as_ref().map_or_else(
                || format!("{} {}", method.v.as_str(), res.path.v),
                |n| n.v.clone(),
            );
            if let Some(n) = &op.name {
                let what = || format!("operation `{}` in `{}`", n.v, r.namespace.v);
                duplicate |= is_duplicate(&mut seen_names, n.v.clone(), n.pos, what, d);
            }
            let ex = Exposure {
                prefixes: ["rest", &r.namespace.v],
                path_vars: path_vars.clone(),
                is_tool: false,
                quiet,
            };
            let ident = idents.claim(&snake_case(&name));
            let call = resolve_exposed_call(op, &name, ident, &ex, apis, binds, d);
            if let Some(mut call) = call.filter(|_| !duplicate) {
                for input in call.inputs.iter_mut().filter(|i| i.source == Source::Path) {
                    if let Some(at) = path_vars.iter().position(|v| *v == input.name) {
                        input.name.clone_from(&route_vars[at]);
                    }
                }
                routes.push(ir::Route {
                    path: route_path.clone(),
                    method: method.v,
                    call,
                });
            }
        }
    }
    ir::RestAdapter {
        namespace: r.namespace.v.clone(),
        module: modules.claim(&snake_case(&r.namespace.v)),
        address: r
            .address
            .as_ref()
            .map_or_else(|| "127.0.0.1".to_string(), |a| a.v.clone()),
        port: r.port.v,
        description: r.description.clone(),
        routes,
    }
}

fn resolve_mcp(
    m: &spec::McpExposes,
    apis: &[ir::Api],
    binds: &Binds,
    quiet: &Quiet,
    modules: &mut Names,
    d: &mut Diagnostics,
) -> ir::McpAdapter {
    let mut tools = Vec::new();
    let mut seen: HashMap<String, Pos> = HashMap::new();
    let mut idents = Names::default();
    for t in &m.tools {
        let Some(name) = &t.name else { continue };
        let what = || format!("tool `{}` in `{}`", name.v, m.namespace.v);
        let duplicate = is_duplicate(&mut seen, name.v.clone(), name.pos, what, d);
        if name.v.is_empty()
            || name.v.len() > 128
            || !name
                .v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        {
            d.error(
                name.pos,
                format!(
                    "tool name `{}` must be 1–128 characters of letters, digits, `_`, `-` or `.`",
                    name.v
                ),
            );
        }
        let ex = Exposure {
            prefixes: ["tools", &m.namespace.v],
            path_vars: Vec::new(),
            is_tool: true,
            quiet,
        };
        let ident = idents.claim(&snake_case(&name.v));
        let call = resolve_exposed_call(t, &name.v, ident, &ex, apis, binds, d);
        if let Some(call) = call.filter(|_| !duplicate) {
            tools.push(ir::Tool {
                title: t.label.clone(),
                read_only: t.hints.read_only,
                destructive: t.hints.destructive,
                idempotent: t.hints.idempotent,
                open_world: t.hints.open_world.unwrap_or(true),
                call,
            });
        }
    }
    ir::McpAdapter {
        namespace: m.namespace.v.clone(),
        module: modules.claim(&snake_case(&m.namespace.v)),
        address: m
            .address
            .as_ref()
            .map_or_else(|| "127.0.0.1".to_string(), |a| a.v.clone()),
        port: m.port.as_ref().map(|p| p.v),
        transport: m.transport,
        description: m.description.clone(),
        tools,
    }
}
