//! What the steps' answers are known to hold, for the compile-time type checks of their uses:
//! a consumed operation's `outputParameters` declare the types of fields of its raw answer
//! (`mapping: $.vessel_name`, `type: string`), a lookup answers an array. Only declared types
//! are compared; a use of anything undeclared is accepted (the run-time check remains).

use crate::ir::{self, Shape, ShapeKind, Type};
use std::collections::HashMap;

/// What one step answers.
pub(super) enum Answer<'a> {
    Call { api: &'a str, op: &'a ir::Operation },
    Lookup,
}

/// The answers of the steps resolved so far, by name.
#[derive(Default)]
pub(super) struct Answers<'a>(HashMap<String, Answer<'a>>);

impl<'a> Answers<'a> {
    pub(super) fn insert(&mut self, step: &str, answer: Answer<'a>) {
        self.0.insert(step.to_string(), answer);
    }

    /// The declared type at `segments` (`[step, field, ...]`), and where it is declared.
    pub(super) fn type_at(&self, segments: &[String]) -> Option<(Type, String)> {
        let (step, rest) = segments.split_first()?;
        match self.0.get(step)? {
            Answer::Lookup => rest.is_empty().then(|| {
                (
                    Type::Array,
                    format!("lookup step `{step}` answers the entries it matched, an array"),
                )
            }),
            Answer::Call { api, op } => {
                let mut known = Vec::new();
                collect(&op.output, &[], &mut known);
                let (_, ty) = known.into_iter().find(|(p, _)| p == rest)?;
                let at = if rest.is_empty() {
                    "its answer".to_string()
                } else {
                    format!("`$.{}`", rest.join("."))
                };
                Some((
                    ty,
                    format!(
                        "`{api}.{}` (step `{step}`) declares {at} as {}",
                        op.name,
                        article(ty)
                    ),
                ))
            }
        }
    }
}

/// Whether a value declared `found` can be used where `wanted` is: the same type, or an
/// integer where a number is wanted.
pub(super) fn fits(found: Type, wanted: Type) -> bool {
    found == wanted || (found == Type::Integer && wanted == Type::Number)
}

pub(super) fn article(ty: Type) -> &'static str {
    match ty {
        Type::String => "a string",
        Type::Integer => "an integer",
        Type::Number => "a number",
        Type::Boolean => "a boolean",
        Type::Array => "an array",
        Type::Object => "an object",
    }
}

/// The raw-answer paths a shape reads with a declared type.
fn collect(shape: &Shape, base: &[String], out: &mut Vec<(Vec<String>, Type)>) {
    match &shape.kind {
        ShapeKind::Whole => {
            if let Some(t) = shape.ty {
                out.push((base.to_vec(), t));
            }
        }
        ShapeKind::Select(p) => {
            if let (Some(t), Some(segments), true) = (shape.ty, dotted(&p.text), p.singular) {
                out.push(([base, &segments].concat(), t));
            }
        }
        ShapeKind::Object { from, properties } => {
            let base = match from {
                None => base.to_vec(),
                Some(p) => match dotted(&p.text) {
                    Some(s) => {
                        let at = [base, &s].concat();
                        out.push((at.clone(), Type::Object));
                        at
                    }
                    None => return,
                },
            };
            for (_, s) in properties {
                collect(s, &base, out);
            }
        }
        ShapeKind::Array { from, .. } => {
            if let Some(s) = from.as_ref().and_then(|p| dotted(&p.text)) {
                out.push(([base, &s].concat(), Type::Array));
            }
        }
        ShapeKind::Value(_) => {}
    }
}

/// `$`, `$.`, `$.a.b`: the names; any other JSONPath: `None` (not compared).
fn dotted(text: &str) -> Option<Vec<String>> {
    let rest = text.trim().strip_prefix('$')?;
    if rest.is_empty() || rest == "." {
        return Some(Vec::new());
    }
    rest.strip_prefix('.')?
        .split('.')
        .map(|s| {
            (!s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
            .then(|| s.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::dotted;

    #[test]
    fn only_plain_dotted_paths_are_compared() {
        assert_eq!(dotted("$."), Some(vec![]));
        assert_eq!(dotted("$.a.b_c"), Some(vec!["a".into(), "b_c".into()]));
        assert_eq!(dotted("$.a[0]"), None);
        assert_eq!(dotted("$['a']"), None);
        assert_eq!(dotted("$..a"), None);
    }
}
