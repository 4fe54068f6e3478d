//! Readers: one function per construct of a spec, each collecting every shape error it finds.

mod consumes;
mod exposes;
mod params;

use crate::diag::Ctxt;
use crate::spec::obj::{Obj, node_has_key, read_seq, seq};
use crate::spec::types::*;
use crate::yaml::{Kind, Node};
use consumes::read_consumes;
use exposes::read_exposes;

/// Reads a spec from its YAML tree. Returns `None` only if the root is not a mapping; otherwise
/// a best-effort model, with every problem in `d`.
pub fn read(root: &Node, d: &mut Ctxt) -> Option<Spec> {
    let mut top = Obj::new(root, "the spec root", d)?;
    match top.take("naftiko") {
        None => d.error(
            root.span,
            "missing required key `naftiko` (the spec version, e.g. `naftiko: 1.0.0-alpha2`)",
        ),
        Some(v) => match v.as_str() {
            Some("1.0.0-alpha2" | "1.0.0-alpha3") => {}
            Some(other) => d.push(
                crate::diag::Diagnostic::new(
                    v.span,
                    format!("unsupported naftiko version `{other}`"),
                )
                .with_help("supported versions: 1.0.0-alpha2, 1.0.0-alpha3"),
            ),
            None => d.error(
                v.span,
                format!("`naftiko` must be a version string, found {}", v.describe()),
            ),
        },
    }
    let mut title = None;
    let mut description = None;
    if let Some(info) = top.take("info")
        && let Some(mut info) = Obj::new(info, "`info`", d)
    {
        title = info
            .opt_str("label", d)
            .or_else(|| info.opt_str("title", d))
            .map(|s| s.v);
        description = info.opt_str("description", d).map(|s| s.v);
        info.ignore(&["tags", "created", "modified", "stakeholders", "personas"]);
        info.finish(d);
    }
    let mut binds = Vec::new();
    // `binds` is written at the root in published specs and under `capability` by the schema.
    let mut read_binds = |node: &Node, d: &mut Ctxt| {
        binds.extend(read_seq(node, "`binds`", d, read_bind));
    };
    if let Some(b) = top.take("binds") {
        read_binds(b, d);
    }
    let mut consumes = Vec::new();
    let mut exposes = Vec::new();
    let cap_node = top.take("capability");
    if let Some(c) = top.take("consumes") {
        d.unsupported(c.span, "`consumes` at the spec root (imported consumes)");
    }
    top.finish(d);
    match cap_node {
        None => d.error(root.span, "missing required key `capability`"),
        Some(cap) => {
            if let Some(mut cap) = Obj::new(cap, "`capability`", d) {
                if let Some(b) = cap.take("binds") {
                    read_binds(b, d);
                }
                if let Some(c) = cap.take("consumes") {
                    for c in seq(c, "`capability.consumes`", d) {
                        // An imported API's namespace is not known here; a broken one's was
                        // reported: calls into either are not reported again.
                        if node_has_key(c, "import") || node_has_key(c, "location") {
                            d.excuse_namespace(None);
                        }
                        match read_consumes(c, d) {
                            Some(c) => consumes.push(c),
                            None => {
                                if let Kind::Map(e) = &c.kind
                                    && let Some((_, ns)) =
                                        e.iter().find(|(k, _)| k.as_str() == Some("namespace"))
                                    && let Some(ns) = ns.as_str()
                                {
                                    d.excuse_namespace(Some(ns));
                                }
                            }
                        }
                    }
                }
                if let Some(e) = cap.take("exposes") {
                    exposes = read_seq(e, "`capability.exposes`", d, read_exposes);
                }
                cap.unsupported("aggregates", "`aggregates`", d);
                cap.unsupported("imports", "`imports`", d);
                cap.unsupported("workflow", "`workflow`", d);
                cap.finish(d);
            }
        }
    }
    Some(Spec {
        title,
        description,
        binds,
        consumes,
        exposes,
    })
}

fn read_bind(node: &Node, d: &mut Ctxt) -> Option<Bind> {
    let mut o = Obj::new(node, "a bind", d)?;
    let namespace = o.req_str("namespace", d);
    o.opt_str("description", d);
    let located = o.has("location");
    o.unsupported(
        "location",
        "a bind with `location` (secrets read from a file)",
        d,
    );
    let mut keys = Vec::new();
    match o.take("keys") {
        None => d.error(node.span, "missing required key `keys` in a bind"),
        Some(k) => {
            if let Kind::Map(entries) = &k.kind {
                for (name, source) in entries {
                    match (name.as_str(), source.as_str()) {
                        (Some(n), Some(s)) if !source.is_null() => {
                            keys.push((S::new(n.to_string(), name.span), S::new(s.to_string(), source.span)));
                        }
                        _ => d.error(source.span, "a bind key maps a variable name to the name of its source (an environment variable)"),
                    }
                }
            } else {
                d.error(
                    k.span,
                    format!(
                        "`keys` must be a mapping of variable names to sources, found {}",
                        k.describe()
                    ),
                );
            }
        }
    }
    o.finish(d);
    Some(Bind {
        namespace: namespace?,
        located,
        keys,
    })
}
