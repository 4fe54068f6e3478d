//! Reading one `with` value: a reference to an exposed input, a bind, or a constant.

use super::Exposure;
use crate::diag::{Ctxt, Span};
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
    /// Read from a bind (environment variable).
    Env,
    Const(serde_json::Value),
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
        // A structured constant: a reference inside it would be sent as its own text.
        let mut refs = Vec::new();
        nested_references(v, ex, &mut refs);
        if refs.is_empty() {
            return Some(WithValue::Const(v.to_json()));
        }
        for (span, text) in refs {
            d.unsupported(
                span,
                format!("a reference inside a structured `with` value (`{text}`)"),
            );
        }
        return None;
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
        if bind_ref(binds, inner).is_some() {
            return Some(WithValue::Env);
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
        env_template(&text, binds, "`with`", d)?;
        return Some(WithValue::Env);
    }
    if let Some((prefix, name)) = s.split_once('.') {
        if ex.is_input_prefix(prefix) {
            return reference(name, s, v, d);
        }
        if binds.contains_key(prefix) {
            return match bind_ref(binds, s) {
                Some(_) => Some(WithValue::Env),
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

/// The strings inside a structured `with` value that are input references.
fn nested_references(v: &Node, ex: &Exposure<'_>, out: &mut Vec<(Span, String)>) {
    match &v.kind {
        Kind::Scalar { value, .. } => {
            let s = value.trim();
            let inner = s
                .strip_prefix("{{")
                .and_then(|r| r.strip_suffix("}}"))
                .unwrap_or(s)
                .trim();
            let is_ref = inner
                .split_once('.')
                .is_some_and(|(prefix, _)| ex.is_input_prefix(prefix))
                || (s.contains("{{") && s.contains("}}"));
            if is_ref {
                out.push((v.span, s.to_string()));
            }
        }
        Kind::Seq(items) => items.iter().for_each(|i| nested_references(i, ex, out)),
        Kind::Map(entries) => entries
            .iter()
            .for_each(|(_, i)| nested_references(i, ex, out)),
    }
}
