//! `{{...}}` templates in strings: splitting, and resolving against the binds.

use super::binds::{Binds, bind_ref};
use super::suggest::{did_you_mean, listing, nearest};
use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir::{Part, Template};
use crate::spec::S;

/// Splits a string into literal text and `{{...}}` references, each with its span.
pub(super) fn split_template(s: &S<String>) -> Result<Vec<(bool, String, Span)>, Diagnostic> {
    let mut out = Vec::new();
    let mut rest = s.v.as_str();
    let mut offset = 0;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            out.push((false, rest[..start].to_string(), s.span));
        }
        let Some(end) = rest[start..].find("}}") else {
            return Err(Diagnostic::new(
                s.span,
                format!("unclosed `{{{{` in `{}`", s.v),
            ));
        };
        let inner = rest[start + 2..start + end].trim().to_string();
        let at = offset + start;
        out.push((true, inner, s.span_of(at..at + end + 2)));
        offset += start + end + 2;
        rest = &rest[start + end + 2..];
    }
    if !rest.is_empty() {
        out.push((false, rest.to_string(), s.span));
    }
    Ok(out)
}

/// A template whose references must all be binds (auth values, fixed parameters, base URIs).
pub(super) fn env_template(
    s: &S<String>,
    binds: &Binds,
    what: &str,
    d: &mut Ctxt,
) -> Option<Template> {
    foreign_placeholders(s, binds, what, d);
    let parts = match split_template(s) {
        Ok(p) => p,
        Err(e) => {
            d.push(e);
            return None;
        }
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (is_ref, text, _) in parts {
        if !is_ref {
            out.push(Part::Lit(text));
            continue;
        }
        match bind_ref(binds, &text) {
            Some(var) => out.push(Part::Env(var)),
            None => {
                ok = false;
                d.push(unresolved_template(s.span, &text, binds, what));
            }
        }
    }
    ok.then_some(Template(out))
}

/// `${X}` (shell, JavaScript) and `{X}` where `X` is a bind are not template forms: the value
/// would be sent as its own text. Each is an error that suggests `{{X}}`.
pub(super) fn foreign_placeholders(s: &S<String>, binds: &Binds, what: &str, d: &mut Ctxt) {
    let text = s.v.as_str();
    let mut at = 0;
    while let Some(found) = text[at..].find('{') {
        let start = at + found;
        if text[start..].starts_with("{{") {
            at = text[start..]
                .find("}}")
                .map_or(text.len(), |e| start + e + 2);
            continue;
        }
        let Some(len) = text[start..].find('}') else {
            return;
        };
        let end = start + len + 1;
        at = end;
        let name = text[start + 1..end - 1].trim();
        let dollar = text[..start].ends_with('$');
        let bind = binds
            .iter()
            .find_map(|(ns, keys)| keys.contains_key(name).then_some(ns));
        let plausible = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
        if !plausible || !(dollar || bind.is_some()) {
            continue;
        }
        let from = if dollar { start - 1 } else { start };
        let written = &text[from..end];
        let form = if dollar { "${X}" } else { "{X}" };
        let help = match bind {
            Some(ns) => format!(
                "the bind `{ns}.{name}` exists: write `{{{{{name}}}}}` (or `{{{{{ns}.{name}}}}}`)"
            ),
            None => format!(
                "read it from the environment with a bind: declare `{name}` under `binds` and write `{{{{{name}}}}}`"
            ),
        };
        d.push(
            Diagnostic::new(
                s.span_of(from..end),
                format!(
                    "{what} has `{written}`, but `{form}` is not a template form (it would be sent as it is): templates are written `{{{{X}}}}`"
                ),
            )
            .with_help(help),
        );
    }
}

pub(super) fn unresolved_template(span: Span, text: &str, binds: &Binds, what: &str) -> Diagnostic {
    let known: Vec<String> = binds
        .iter()
        .flat_map(|(ns, keys)| keys.keys().map(move |k| format!("{ns}.{k}")))
        .collect();
    let message = format!("template `{{{{{text}}}}}` in {what} names no bind or parameter");
    if known.is_empty() {
        return Diagnostic::new(span, message).with_help(
            "declare the variable under `binds` (e.g. `binds: [{namespace: env, keys: {TOKEN: TOKEN}}]`)",
        );
    }
    // `{{KEY}}` may name a bind without its namespace.
    let bare = |k: &String| {
        k.split_once('.')
            .map_or(k.clone(), |(_, key)| key.to_string())
    };
    let close = nearest(text, known.iter().map(String::as_str))
        .map(str::to_string)
        .or_else(|| {
            let bare: Vec<String> = known.iter().map(bare).collect();
            nearest(text, bare.iter().map(String::as_str)).map(str::to_string)
        })
        .map(|k| format!("{{{{{k}}}}}"));
    let known: Vec<String> = known.iter().map(|k| format!("{{{{{k}}}}}")).collect();
    Diagnostic::new(span, message).with_help(format!(
        "{}binds in scope: {}",
        did_you_mean(close),
        listing(known.iter().map(String::as_str))
    ))
}
