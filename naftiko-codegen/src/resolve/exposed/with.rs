//! Reading one `with` value: a reference to an exposed input, a bind, or a constant.

use super::Exposure;
use crate::diag::Ctxt;
use crate::resolve::binds::{Binds, bind_ref};
use crate::resolve::templates::{env_template, unresolved_template};
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

/// Reads a `with` value: a reference to an input, a bind, or a literal constant.
pub(super) fn with_value(
    v: &Node,
    ex: &Exposure<'_>,
    binds: &Binds,
    d: &mut Ctxt,
) -> Option<WithValue> {
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
            return Some(WithValue::input(name, s));
        }
        if bind_ref(binds, inner).is_some() {
            return Some(WithValue::Env);
        }
        if inner.contains('.') {
            d.push(unresolved_template(v.span, inner, binds, "`with`"));
            return None;
        }
        return Some(WithValue::input(inner, s));
    }
    if s.contains("{{") {
        env_template(&S::new(s.to_string(), v.span), binds, "`with`", d)?;
        return Some(WithValue::Env);
    }
    if let Some((prefix, name)) = s.split_once('.')
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        if ex.prefixes.contains(&prefix) {
            return Some(WithValue::input(name, s));
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
