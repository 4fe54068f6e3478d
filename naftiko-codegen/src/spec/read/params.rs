//! Input and output parameters, and the enumerated scalars they hold (method, type).

use crate::diag::Ctxt;
use crate::spec::obj::{Obj, one_of, seq};
use crate::spec::types::*;
use crate::yaml::Node;

pub(super) fn read_method(node: &Node, d: &mut Ctxt) -> Option<S<Method>> {
    let m = match node.as_str().map(str::to_ascii_uppercase).as_deref() {
        Some("GET") => Method::Get,
        Some("POST") => Method::Post,
        Some("PUT") => Method::Put,
        Some("PATCH") => Method::Patch,
        Some("DELETE") => Method::Delete,
        Some("HEAD") => Method::Head,
        Some("OPTIONS") => Method::Options,
        _ => {
            d.error(
                node.span,
                format!("unknown HTTP method `{}`", node.as_str().unwrap_or("?")),
            );
            return None;
        }
    };
    Some(S::new(m, node.span))
}

pub(super) fn read_type(node: &Node, d: &mut Ctxt) -> Option<S<Type>> {
    use Type::*;
    let types = [
        ("string", String),
        ("integer", Integer),
        ("number", Number),
        ("boolean", Boolean),
        ("array", Array),
        ("object", Object),
    ];
    one_of(node, "type", &types, d)
}

pub(super) fn read_params(node: &Node, d: &mut Ctxt) -> Vec<Param> {
    let mut out = Vec::new();
    for p in seq(node, "`inputParameters`", d) {
        let Some(mut o) = Obj::new(p, "an input parameter", d) else {
            continue;
        };
        let name = o.req_str("name", d);
        let locations = [
            ("path", In::Path),
            ("query", In::Query),
            ("header", In::Header),
            ("cookie", In::Cookie),
            ("body", In::Body),
        ];
        let location = o
            .take("in")
            .and_then(|n| one_of(n, "parameter location", &locations, d));
        let ty = o.take("type").and_then(|t| read_type(t, d));
        let description = o.opt_str("description", d).map(|s| s.v);
        let required = o.opt_bool("required", d).unwrap_or(false);
        let value = o.take("value").cloned();
        // `properties`/`items` describe an object or array's shape: documentation only.
        o.ignore(&["label", "properties", "items"]);
        o.unsupported(
            "pattern",
            "`pattern` on an input parameter (input validation)",
            d,
        );
        o.unsupported(
            "mapping",
            "`mapping` on an input parameter (mapping inputs into the request)",
            d,
        );
        o.finish(d);
        if let Some(name) = name {
            out.push(Param {
                span: p.span,
                name,
                location,
                ty,
                description,
                required,
                value,
            });
        }
    }
    out
}

pub(super) fn read_outputs(node: &Node, path_key: &'static str, d: &mut Ctxt) -> Vec<Output> {
    let mut out = Vec::new();
    for p in seq(node, "`outputParameters`", d) {
        let Some(mut o) = Obj::new(p, "an output parameter", d) else {
            continue;
        };
        let ty = o.take("type").and_then(|t| read_type(t, d));
        let mapping = o.opt_str(path_key, d);
        o.ignore(&["name", "description", "label"]);
        o.unsupported(
            "const",
            "`const` in an output parameter (constant outputs)",
            d,
        );
        for key in ["properties", "items"] {
            if let Some(n) = o.take(key) {
                d.unsupported(
                    n.span,
                    format!("`{key}` in an output parameter (result shaping)"),
                );
            }
        }
        // Exposed outputs may also say `value:`; consumed outputs may say `mapping:`.
        let other = if path_key == "value" {
            "mapping"
        } else {
            "value"
        };
        let mapping = mapping.or_else(|| o.opt_str(other, d));
        o.finish(d);
        out.push(Output {
            span: p.span,
            mapping,
            ty,
        });
    }
    out
}
