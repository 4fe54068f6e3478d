//! Readers: one function per construct of a spec, each collecting every shape error it finds.

mod aggregates;
mod binary;
mod consumes;
mod control;
mod exposes;
mod imports;
mod params;
mod resources;
mod scripts;
mod skill;
mod steps;

use crate::diag::Ctxt;
use crate::spec::obj::{Obj, node_has_key, read_seq, seq};
use crate::spec::types::*;
use crate::yaml::{Kind, Node};
use consumes::read_consumes;
use exposes::read_exposes;
pub use imports::Loader;

/// Reads a spec from its YAML tree. Returns `None` only if the root is not a mapping; otherwise
/// a best-effort model, with every problem in `d`. Files it imports are resolved against the
/// current directory (see [`read_with`]).
pub fn read(root: &Node, d: &mut Ctxt) -> Option<Spec> {
    read_with(root, &mut Loader::new(None, "<spec>", ""), d)
}

/// [`read`], with the files the spec imports read through `loader` (which knows where the
/// spec is, and numbers each file for diagnostics).
pub fn read_with(root: &Node, loader: &mut Loader, d: &mut Ctxt) -> Option<Spec> {
    let mut top = Obj::new(root, "the spec root", d)?;
    if !read_version(&mut top, root, d) {
        return None;
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
    let mut read_binds = |node: &Node, loader: &Loader, d: &mut Ctxt| {
        binds.extend(read_seq(node, "`binds`", d, |n, d| read_bind(n, loader, d)));
    };
    if let Some(b) = top.take("binds") {
        read_binds(b, loader, d);
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
                    read_binds(b, loader, d);
                }
                if let Some(c) = cap.take("consumes") {
                    for c in seq(c, "`capability.consumes`", d) {
                        // An imported API, read from its own file.
                        if node_has_key(c, "import") || node_has_key(c, "location") {
                            consumes.extend(imports::read_imported(c, loader, d));
                            continue;
                        }
                        // A broken API's namespace was reported: calls into it are not.
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
                    exposes = read_seq(e, "`capability.exposes`", d, |n, d| {
                        read_exposes(n, loader, d)
                    });
                }
                let functions = cap
                    .take("aggregates")
                    .map(|a| aggregates::read_aggregates(a, d))
                    .unwrap_or_default();
                aggregates::resolve_refs(&mut exposes, &functions, d);
                scripts::resolve_scripts(&mut exposes, loader, d);
                if let Some(i) = cap.take("imports") {
                    consumes.extend(imports::read_imports_list(i, loader, d));
                }
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

/// The `naftiko` version of a spec or an imported file: required, and one we read. (An Ikanos
/// document reaches here rewritten by [`crate::spec::beta`], its version checked there.)
fn read_version(top: &mut Obj<'_>, root: &Node, d: &mut Ctxt) -> bool {
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
    true
}

fn read_bind(node: &Node, loader: &Loader, d: &mut Ctxt) -> Option<Bind> {
    let mut o = Obj::new(node, "a bind", d)?;
    let namespace = o.req_str("namespace", d);
    o.opt_str("description", d);
    let location = o.opt_str("location", d);
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
                        _ => d.error(source.span, "a bind key maps a variable name to the name of its source (an environment variable, or a key of its `location` file)"),
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
    let file = location.and_then(|l| imports::bind_file(&l, &keys, loader, d));
    Some(Bind {
        namespace: namespace?,
        file,
        keys,
    })
}
