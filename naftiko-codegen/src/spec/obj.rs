//! Walking a YAML mapping key by key: what was taken, what is left over, scalar types.

use crate::diag::{Ctxt, Diagnostic};
use crate::spec::S;
use crate::yaml::{Kind, Node};

pub(super) fn node_has_key(node: &Node, key: &str) -> bool {
    matches!(&node.kind, Kind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some(key)))
}

/// The alpha spelling of a key the Ikanos beta5 format renamed.
fn beta_spelling(key: &str) -> Option<&'static str> {
    Some(match key {
        "display" => "label",
        "flows" => "functions",
        "target" => "targetName",
        "from" => "location",
        _ => return None,
    })
}

/// `true` or `false` under `key`; anything else is an error.
pub(super) fn bool_value(n: &Node, key: &str, d: &mut Ctxt) -> Option<bool> {
    let b = n.as_bool();
    if b.is_none() {
        d.error(
            n.span,
            format!(
                "`{key}` must be `true` or `false`, found `{}`",
                n.as_str().unwrap_or("?")
            ),
        );
    }
    b
}

/// The items of a list; anything else is an error and yields nothing.
pub(super) fn seq<'a>(node: &'a Node, what: &str, d: &mut Ctxt) -> &'a [Node] {
    match &node.kind {
        Kind::Seq(items) => items,
        _ if node.is_null() => &[],
        Kind::Map(entries) if entries.iter().all(|(_, v)| matches!(v.kind, Kind::Map(_))) => {
            let example = entries.first().and_then(|(k, _)| k.as_str()).unwrap_or("x");
            d.push(
                Diagnostic::new(
                    node.span,
                    format!(
                        "{what} must be a list, found a map keyed by name (the Ikanos beta5 shape)"
                    ),
                )
                .with_help(format!(
                    "a naftiko alpha file writes `- name: {example}` followed by the entry's keys \
                     (or, if the file is meant to be Ikanos beta5, declare \
                     `ikanos: \"1.0.0-beta5\"` instead of `naftiko:`)"
                )),
            );
            &[]
        }
        _ => {
            d.error(
                node.span,
                format!("{what} must be a list, found {}", node.describe()),
            );
            &[]
        }
    }
}

/// The items of a list, each read by `read`; those it gives up on (having reported why) are
/// left out.
pub(super) fn read_seq<T>(
    node: &Node,
    what: &str,
    d: &mut Ctxt,
    mut read: impl FnMut(&Node, &mut Ctxt) -> Option<T>,
) -> Vec<T> {
    let items = seq(node, what, d);
    items.iter().filter_map(|n| read(n, d)).collect()
}

/// A scalar that must be one of `options`; anything else is reported as an unknown `what`,
/// with the options listed.
pub(super) fn one_of<T: Copy>(
    node: &Node,
    what: &str,
    options: &[(&str, T)],
    d: &mut Ctxt,
) -> Option<S<T>> {
    let found = options
        .iter()
        .find(|(name, _)| node.as_str() == Some(name))
        .map(|(_, v)| S::new(*v, node.span));
    if found.is_none() {
        let names: Vec<&str> = options.iter().map(|(name, _)| *name).collect();
        d.push(
            Diagnostic::new(
                node.span,
                format!("unknown {what} `{}`", node.as_str().unwrap_or("?")),
            )
            .with_help(format!("expected one of: {}", names.join(", "))),
        );
    }
    found
}

/// A mapping being read: remembers which keys were taken, so that `finish` can report the rest.
pub(super) struct Obj<'a> {
    node: &'a Node,
    entries: &'a [(Node, Node)],
    taken: Vec<bool>,
    known: Vec<&'static str>,
    what: &'static str,
}

impl<'a> Obj<'a> {
    pub(super) fn new(node: &'a Node, what: &'static str, d: &mut Ctxt) -> Option<Self> {
        match &node.kind {
            Kind::Map(entries) => Some(Obj {
                node,
                entries,
                taken: vec![false; entries.len()],
                known: Vec::new(),
                what,
            }),
            _ => {
                d.error(
                    node.span,
                    format!("{what} must be a mapping, found {}", node.describe()),
                );
                None
            }
        }
    }

    /// The list under `key`, read item by item (see [`read_seq`]); `None` when `key` is absent.
    pub(super) fn list<T>(
        &mut self,
        key: &'static str,
        d: &mut Ctxt,
        read: impl FnMut(&Node, &mut Ctxt) -> Option<T>,
    ) -> Option<Vec<T>> {
        let node = self.take(key)?;
        Some(read_seq(node, &format!("`{key}`"), d, read))
    }

    /// Where `key` itself is written, if it is.
    pub(super) fn key_span(&self, key: &str) -> Option<crate::diag::Span> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, _)| k.span)
    }

    pub(super) fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.as_str() == Some(key))
    }

    pub(super) fn take(&mut self, key: &'static str) -> Option<&'a Node> {
        self.known.push(key);
        let i = self
            .entries
            .iter()
            .position(|(k, _)| k.as_str() == Some(key))?;
        self.taken[i] = true;
        Some(&self.entries[i].1)
    }

    pub(super) fn opt_str(&mut self, key: &'static str, d: &mut Ctxt) -> Option<S<String>> {
        let n = self.take(key)?;
        if n.is_null() {
            return None;
        }
        match &n.kind {
            Kind::Scalar { value, .. } => Some(S::new(value.clone(), n.span)),
            _ => {
                d.error(
                    n.span,
                    format!("`{key}` must be a string, found {}", n.describe()),
                );
                None
            }
        }
    }

    pub(super) fn req_str(&mut self, key: &'static str, d: &mut Ctxt) -> Option<S<String>> {
        let present = self.has(key);
        let v = self.opt_str(key, d);
        if v.is_none() && !present {
            d.error(
                self.node.span,
                format!("missing required key `{key}` in {}", self.what),
            );
        } else if v.is_none()
            && self
                .entries
                .iter()
                .any(|(k, v)| k.as_str() == Some(key) && v.is_null())
        {
            d.error(
                self.node.span,
                format!("`{key}` must not be empty in {}", self.what),
            );
        }
        v
    }

    pub(super) fn opt_bool(&mut self, key: &'static str, d: &mut Ctxt) -> Option<bool> {
        let n = self.take(key)?;
        bool_value(n, key, d)
    }

    /// Keys that carry documentation only.
    pub(super) fn ignore(&mut self, keys: &[&'static str]) {
        for k in keys {
            self.take(k);
        }
    }

    pub(super) fn ignore_all(&mut self) {
        self.taken.iter_mut().for_each(|t| *t = true);
    }

    pub(super) fn unsupported(&mut self, key: &'static str, construct: &str, d: &mut Ctxt) {
        if let Some(n) = self.take(key) {
            let span = self
                .entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map_or(n.span, |(k, _)| k.span);
            d.unsupported(span, construct);
        }
    }

    /// A key only Ikanos beta5 has: its value in a beta document; in an alpha one an error
    /// saying so (`what` names the construct it would have), and `None`.
    pub(super) fn beta_key(
        &mut self,
        key: &'static str,
        what: &str,
        d: &mut Ctxt,
    ) -> Option<&'a Node> {
        let n = self.take(key)?;
        if d.beta() {
            return Some(n);
        }
        let span = self
            .entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map_or(n.span, |(k, _)| k.span);
        d.push(
            Diagnostic::new(
                span,
                format!("`{key}` is an Ikanos beta5 key: a naftiko alpha file has no {what}"),
            )
            .with_help(
                "remove it (or convert the file to Ikanos beta5: `naftiko-codegen convert SPEC --to beta5`)",
            ),
        );
        None
    }

    pub(super) fn finish(self, d: &mut Ctxt) {
        for ((k, _), taken) in self.entries.iter().zip(&self.taken) {
            if !taken {
                let mut known = self.known.clone();
                known.sort_unstable();
                known.dedup();
                let key = k.as_str().unwrap_or("?");
                // A key of the successor format in an alpha file: say what alpha writes.
                if let Some(alpha) = beta_spelling(key).filter(|a| known.contains(a)) {
                    d.push(
                        Diagnostic::new(
                            k.span,
                            format!(
                                "`{key}` is the Ikanos beta5 spelling: a naftiko alpha file writes `{alpha}`"
                            ),
                        )
                        .with_help(format!(
                            "rename `{key}:` to `{alpha}:` (or, if the file is meant to be Ikanos \
                             beta5, declare `ikanos: \"1.0.0-beta5\"` instead of `naftiko:`)"
                        )),
                    );
                    continue;
                }
                d.push(
                    Diagnostic::new(
                        k.span,
                        format!(
                            "unknown key `{}` in {}",
                            k.as_str().unwrap_or("?"),
                            self.what
                        ),
                    )
                    .with_help(format!("expected one of: {}", known.join(", "))),
                );
            }
        }
    }
}
