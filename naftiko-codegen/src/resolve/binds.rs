//! Binds: variables read from the environment at start-up, and references to them.

use crate::diag::Ctxt;
use crate::spec::Spec;
use std::collections::BTreeMap;

/// Bind namespace → variable → environment variable.
pub(super) type Binds = BTreeMap<String, BTreeMap<String, String>>;
pub(super) fn resolve_binds(spec: &Spec, d: &mut Ctxt) -> Binds {
    let mut binds = Binds::new();
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
            if !b.located && !is_env_name(&source.v) {
                d.error(
                    source.span,
                    format!("`{}` is not a valid environment variable name", source.v),
                );
            }
            keys.insert(var.v.clone(), source.v.clone());
        }
        binds.insert(b.namespace.v.clone(), keys);
    }
    binds
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
