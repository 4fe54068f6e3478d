//! Reading one `with` value: a reference to an exposed input, a bind, or a constant.

use super::Exposure;
use crate::diag::{Ctxt, Span};
use crate::ir::{Part, Template};
use crate::resolve::binds::{Binds, bind_ref};
use crate::resolve::templates::{env_template, split_template, unresolved_template};
use crate::spec::S;
use crate::yaml::{Kind, Node};

pub(super) enum WithValue {
    /// The exposed input `name`, referenced as `written` (`rest.orgId`, `{{tools.x}}`, ...).
    Input {
        name: String,
        written: String,
    },
    /// Read from binds (environment variables), maybe with text around them.
    Env(Template),
    Const(serde_json::Value),
    /// A structured value with references to inputs inside it.
    Structured(Structured),
}

/// A structured `with` value (a list or mapping) whose leaves are constants or references.
pub(super) enum Structured {
    Value(serde_json::Value),
    /// A reference to the input `name`, written `written` at `span`.
    Ref {
        name: String,
        written: String,
        span: Span,
    },
    Array(Vec<Structured>),
    Object(Vec<(String, Structured)>),
}

impl Structured {
    fn has_refs(&self) -> bool {
        match self {
            Structured::Ref { .. } => true,
            Structured::Value(_) => false,
            Structured::Array(items) => items.iter().any(Structured::has_refs),
            Structured::Object(entries) => entries.iter().any(|(_, s)| s.has_refs()),
        }
    }
}

impl WithValue {
    fn input(name: &str, written: &str) -> Self {
        WithValue::Input {
            name: name.to_string(),
            written: written.to_string(),
        }
    }
}

/// How the reference `written` to the input `name` would read naming `other` instead.
pub(super) fn respelled(written: &str, name: &str, other: &str) -> String {
    match written.rfind(name) {
        Some(at) => format!("{}{other}{}", &written[..at], &written[at + name.len()..]),
        None => other.to_string(),
    }
}

/// Reads a `with` value: a reference to an input, a bind, or a literal constant. A value that
/// starts with an input prefix (`rest.`, `tools.`, an adapter's namespace) is a reference
/// whatever characters follow (`rest.$filter`, `tools.X-Request-Id`), never a literal.
pub(super) fn with_value(
    v: &Node,
    ex: &Exposure<'_>,
    binds: &Binds,
    d: &mut Ctxt,
) -> Option<WithValue> {
    let Some(s) = v.as_str().filter(|_| matches!(v.kind, Kind::Scalar { .. })) else {
        // A list or mapping: a constant, unless references to inputs are inside it.
        let tree = structured(v, ex, binds, d)?;
        if tree.has_refs() {
            return Some(WithValue::Structured(tree));
        }
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
            && ex.is_input_prefix(prefix)
        {
            return reference(name, s, v, d);
        }
        if let Some(var) = bind_ref(binds, inner) {
            return Some(WithValue::Env(Template(vec![Part::Env(var)])));
        }
        if inner.contains('.') {
            d.push(unresolved_template(v.span, inner, binds, "`with`"));
            return None;
        }
        return reference(inner, s, v, d);
    }
    if s.contains("{{") {
        let text = S::new(s.to_string(), v.span);
        if let Ok(parts) = split_template(&text)
            && let Some((_, inner, span)) = parts.iter().find(|(is_ref, inner, _)| {
                *is_ref
                    && bind_ref(binds, inner).is_none()
                    && inner
                        .split_once('.')
                        .is_none_or(|(prefix, _)| ex.is_input_prefix(prefix))
            })
        {
            d.unsupported(
                *span,
                format!("text around an input reference in a `with` value (`{{{{{inner}}}}}`)"),
            );
            return None;
        }
        return env_template(&text, binds, "`with`", d).map(WithValue::Env);
    }
    if let Some((prefix, name)) = s.split_once('.') {
        if ex.is_input_prefix(prefix) {
            return reference(name, s, v, d);
        }
        if binds.contains_key(prefix) {
            return match bind_ref(binds, s) {
                Some(var) => Some(WithValue::Env(Template(vec![Part::Env(var)]))),
                None => {
                    d.push(unresolved_template(v.span, s, binds, "`with`"));
                    None
                }
            };
        }
    }
    Some(WithValue::Const(v.to_json()))
}

/// The reference `written` to the input `name`; an empty name is an error.
fn reference(name: &str, written: &str, v: &Node, d: &mut Ctxt) -> Option<WithValue> {
    if name.trim().is_empty() {
        d.error(
            v.span,
            format!("`{written}` names no input: write the input's name after the `.`"),
        );
        return None;
    }
    Some(WithValue::input(name.trim(), written))
}

/// Reads a structured `with` value: constants, and references to inputs at its leaves
/// (`tools.tag`, `{{tools.tag}}`, `{{tag}}`). Text around a reference and binds are not
/// supported inside it; `None` when something was reported.
fn structured(v: &Node, ex: &Exposure<'_>, binds: &Binds, d: &mut Ctxt) -> Option<Structured> {
    match &v.kind {
        Kind::Seq(items) => {
            let items: Vec<Option<Structured>> =
                items.iter().map(|i| structured(i, ex, binds, d)).collect();
            items
                .into_iter()
                .collect::<Option<_>>()
                .map(Structured::Array)
        }
        Kind::Map(entries) => {
            let mut out = Some(Vec::new());
            for (k, value) in entries {
                let Some(key) = k.as_str().filter(|_| matches!(k.kind, Kind::Scalar { .. })) else {
                    d.error(k.span, "the keys of a `with` mapping must be strings");
                    out = None;
                    continue;
                };
                let value = structured(value, ex, binds, d);
                if let (Some(list), Some(value)) = (out.as_mut(), value) {
                    list.push((key.to_string(), value));
                } else {
                    out = None;
                }
            }
            out.map(Structured::Object)
        }
        Kind::Scalar { value, .. } => {
            let s = value.trim();
            let found = |name: &str| Structured::Ref {
                name: name.trim().to_string(),
                written: s.to_string(),
                span: v.span,
            };
            if let Some(inner) = s
                .strip_prefix("{{")
                .and_then(|r| r.strip_suffix("}}"))
                .filter(|i| !i.contains("{{"))
            {
                let inner = inner.trim();
                return match inner.split_once('.') {
                    Some((prefix, name))
                        if ex.is_input_prefix(prefix) && !name.trim().is_empty() =>
                    {
                        Some(found(name))
                    }
                    _ if bind_ref(binds, inner).is_some() => {
                        d.unsupported(
                            v.span,
                            format!("a bind inside a structured `with` value (`{s}`)"),
                        );
                        None
                    }
                    Some(_) => {
                        d.push(unresolved_template(v.span, inner, binds, "`with`"));
                        None
                    }
                    None if !inner.is_empty() => Some(found(inner)),
                    None => {
                        d.error(v.span, "`{{}}` names no input");
                        None
                    }
                };
            }
            if s.contains("{{") {
                d.unsupported(
                    v.span,
                    format!("text around a reference inside a structured `with` value (`{s}`)"),
                );
                return None;
            }
            match s.split_once('.') {
                Some((prefix, name)) if ex.is_input_prefix(prefix) => {
                    if name.trim().is_empty() {
                        d.error(
                            v.span,
                            format!("`{s}` names no input: write the input's name after the `.`"),
                        );
                        return None;
                    }
                    Some(found(name))
                }
                _ => Some(Structured::Value(v.to_json())),
            }
        }
    }
}
