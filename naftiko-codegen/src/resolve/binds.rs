//! Binds: variables read from the environment or a bind file at start-up, and references to them.

use crate::diag::{Ctxt, Span};
use crate::ir;
use crate::spec::Spec;
use std::collections::{BTreeMap, HashMap};

/// Bind namespace → variable → the name its value is looked up under when the client is built:
/// the environment variable it names, or for a bind with `location`, the variable itself
/// (listed with its file and key in [`file_vars`]).
pub(super) type Binds = BTreeMap<String, BTreeMap<String, String>>;
pub(super) fn resolve_binds(spec: &Spec, d: &mut Ctxt) -> Binds {
    let mut binds = Binds::new();
    // Name looked up → (whether read from a file, the source, where it is declared).
    let mut names: HashMap<String, (bool, String, Span)> = HashMap::new();
    for b in &spec.binds {
        if binds.contains_key(&b.namespace.v) {
            d.error(
                b.namespace.span,
                format!("duplicate bind namespace `{}`", b.namespace.v),
            );
            continue;
        }
        let mut keys = BTreeMap::new();
        for (var, source) in &b.keys {
            if b.file.is_none() && !is_env_name(&source.v) {
                d.error(
                    source.span,
                    format!("`{}` is not a valid environment variable name", source.v),
                );
            }
            let (name, origin) = match &b.file {
                Some(f) => (var.v.clone(), format!("key `{}` of `{}`", source.v, f.v)),
                None => (source.v.clone(), "the environment".to_string()),
            };
            // One name, one value: a file variable cannot share its name with another source.
            match names.get(&name) {
                Some((_, first, at)) if *first != origin => d.error(
                    var.span,
                    format!(
                        "`{name}` is read from {origin} here but from {first} at line {}: rename one of the variables",
                        at.start.line
                    ),
                ),
                Some(_) => {}
                None => {
                    names.insert(name.clone(), (b.file.is_some(), origin, var.span));
                }
            }
            keys.insert(var.v.clone(), name);
        }
        binds.insert(b.namespace.v.clone(), keys);
    }
    binds
}

/// The variables read from bind files (`binds[].location`), in spec order.
pub(super) fn file_vars(spec: &Spec) -> Vec<ir::FileVar> {
    let mut out: Vec<ir::FileVar> = Vec::new();
    for b in &spec.binds {
        let Some(file) = &b.file else { continue };
        for (var, source) in &b.keys {
            if !out.iter().any(|f| f.var == var.v) {
                out.push(ir::FileVar {
                    var: var.v.clone(),
                    path: file.v.clone(),
                    key: source.v.clone(),
                });
            }
        }
    }
    out
}

pub(super) fn is_env_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Resolves `ns.KEY` / `KEY` against the binds: the environment variable it names.
pub(super) fn bind_ref(binds: &Binds, text: &str) -> Option<String> {
    if let Some((ns, key)) = text.split_once('.') {
        return binds.get(ns).and_then(|keys| keys.get(key)).cloned();
    }
    binds.values().find_map(|keys| keys.get(text)).cloned()
}
