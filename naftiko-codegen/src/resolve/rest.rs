//! REST adapters: exposed paths, routes.

use super::binds::Binds;
use super::exposed::{Exposure, resolve_exposed_call};
use super::is_duplicate;
use super::operation::path_placeholders;
use crate::diag::{Ctxt, Span};
use crate::ir::{self, Source};
use crate::names::{Names, snake_case};
use crate::spec::{self, Method, S};
use std::collections::HashMap;

pub(super) fn exposed_path_vars(path: &S<String>, d: &mut Ctxt) -> (String, Vec<String>) {
    let mut axum_path = String::new();
    let mut vars = Vec::new();
    for piece in path_placeholders(path, d) {
        match piece {
            Ok(lit) => axum_path.push_str(&lit),
            Err((name, span)) => {
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                {
                    d.error(span, format!("path variable `{{{name}}}` must be a non-empty name of letters, digits, `_` or `-`"));
                    continue;
                }
                if vars.contains(&name) {
                    d.error(span, format!("path variable `{{{name}}}` appears twice"));
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
                path.span,
                format!("a path variable inside a segment (`{segment}`)"),
            );
        } else if segment.starts_with(':') || segment.starts_with('*') {
            d.error(path.span, format!("path segment `{segment}` starts with `{}`; path variables are written `{{name}}`", &segment[..1]));
        }
    }
    (axum_path, vars)
}

/// Paths every generated REST adapter serves itself.
pub(super) const RESERVED_PATHS: [&str; 2] = ["/openapi.json", "/healthz"];

pub(super) fn resolve_rest(
    r: &spec::RestExposes,
    apis: &[ir::Api],
    binds: &Binds,
    namespaces: &[String],
    modules: &mut Names,
    d: &mut Ctxt,
) -> ir::RestAdapter {
    let mut routes: Vec<ir::Route> = Vec::new();
    let mut seen_routes: HashMap<(String, Method), Span> = HashMap::new();
    let mut seen_names: HashMap<String, Span> = HashMap::new();
    let mut canonical: HashMap<String, (String, Vec<String>)> = HashMap::new();
    let mut idents = Names::default();
    let mut forwards: Vec<ir::ForwardRoute> = Vec::new();
    let mut forward_shapes: Vec<(String, Span)> = Vec::new();
    for res in &r.resources {
        if !res.path.v.starts_with('/') {
            d.error(
                res.path.span,
                format!(
                    "an exposed path must start with `/`, found `{}`",
                    res.path.v
                ),
            );
        }
        let (axum_path, path_vars) = exposed_path_vars(&res.path, d);
        if RESERVED_PATHS.contains(&axum_path.as_str()) {
            d.error(
                res.path.span,
                format!("path `{axum_path}` is reserved: every REST adapter serves it itself"),
            );
            continue;
        }
        if let Some(f) = &res.forward {
            let ident = idents.claim(&format!("forward_{}", snake_case(&res.path.v)));
            let route = super::forward::resolve_forward(res, f, &axum_path, apis, ident, d);
            for p in route.iter().flat_map(|f| &f.paths) {
                forward_shapes.push((route_shape(p), res.path.span));
            }
            forwards.extend(route);
            continue;
        }
        // Routes that differ only in variable names collide.
        let shape = route_shape(&axum_path);
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
                method.span,
                what,
                d,
            );
            let name = op.name.as_ref().map_or_else(
                || format!("{} {}", method.v.as_str(), res.path.v),
                |n| n.v.clone(),
            );
            if let Some(n) = &op.name {
                let what = || format!("operation `{}` in `{}`", n.v, r.namespace.v);
                duplicate |= is_duplicate(&mut seen_names, n.v.clone(), n.span, what, d);
            }
            let ex = Exposure {
                prefixes: ["rest", &r.namespace.v],
                path_vars: path_vars.clone(),
                is_tool: false,
                namespaces,
            };
            let ident = idents.claim(&snake_case(&name));
            let call = resolve_exposed_call(op, &name, ident, &ex, apis, binds, d);
            if let Some(mut call) = call.filter(|_| !duplicate) {
                for input in call.inputs.iter_mut().filter(|i| i.source == Source::Path) {
                    if let Some(at) = path_vars.iter().position(|v| *v == input.name) {
                        input.name.clone_from(&route_vars[at]);
                    }
                }
                let (binary, responses) =
                    super::binary::rest_responses(op, &call, apis, r.max_binary.as_ref(), d);
                routes.push(ir::Route {
                    path: route_path.clone(),
                    method: method.v,
                    call,
                    binary,
                    responses,
                });
            }
        }
    }
    // A forwarded path is served for every method: no other resource may share it.
    for (i, (shape, span)) in forward_shapes.iter().enumerate() {
        let twice = forward_shapes[..i].iter().any(|(s, _)| s == shape);
        if twice || canonical.contains_key(shape) {
            d.push(
                crate::diag::Diagnostic::new(
                    *span,
                    format!("the forwarded path `{shape}` is also served by another resource"),
                )
                .with_help("a forwarded resource answers every method; give it a path of its own"),
            );
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
        auth: r
            .auth
            .as_ref()
            .and_then(|a| super::inbound::resolve_inbound(a, binds, false, d)),
        routes,
        forwards,
    }
}

/// A route's path with its variables unnamed: routes that differ only in names collide.
fn route_shape(axum_path: &str) -> String {
    axum_path
        .split('/')
        .map(|s| match s {
            _ if s.starts_with("{*") => "{*}",
            _ if s.starts_with('{') => "{}",
            _ => s,
        })
        .collect::<Vec<_>>()
        .join("/")
}
