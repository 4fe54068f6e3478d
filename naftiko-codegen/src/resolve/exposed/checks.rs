//! Steps 5 to 7: inputs take the type of what they feed, and nothing declared or in the
//! exposed path is left feeding nothing.

use super::inputs::Feeding;
use super::with::respelled;
use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir::{Arg, Source};
use crate::resolve::suggest::{did_you_mean, nearest};
use crate::spec::Type;

impl Feeding<'_> {
    /// Step 5: an input has the type of the parameter it feeds, and is required if that is;
    /// a constant is converted to the parameter's type. Errors point at the `with` value.
    pub(super) fn type_inputs(&mut self, at: Span, d: &mut Ctxt) {
        for (pi, arg) in self.args.iter_mut().enumerate() {
            let p = &self.op.params[pi];
            let at = self.arg_spans[pi].unwrap_or(at);
            match arg {
                Arg::Input(i) => {
                    let input = &mut self.inputs[*i];
                    if input.ty != p.ty && !p.any_json {
                        d.error(
                            at,
                            format!(
                                "input `{}` is {} but feeds `{}`, which is {}",
                                input.name,
                                article(input.ty),
                                p.name,
                                article(p.ty)
                            ),
                        );
                    }
                    input.required |= p.required;
                }
                Arg::Const(v) => match coerce(v, p.ty) {
                    Some(c) => *v = c,
                    None => d.error(
                        at,
                        format!(
                            "the constant `{v}` given to `{}` is not {}",
                            p.name,
                            article(p.ty)
                        ),
                    ),
                },
                // Its inputs are typed as declared or as strings (JSON leaves of any type).
                // Bound text feeds string parameters only (checked where it is read).
                Arg::Json(_) | Arg::Absent | Arg::Env(_) | Arg::Context(_) => {}
            }
        }
    }

    /// Step 6: a declared input that feeds nothing is a warning: it works, but it is dropped.
    /// (After an unresolved reference the input may well be what it meant: that error is
    /// enough.)
    pub(super) fn check_declared_inputs_feed(&self, name: &str, read: &[usize], d: &mut Ctxt) {
        let unresolved_refs = self
            .args
            .iter()
            .zip(&self.fed)
            .any(|(a, f)| *f && *a == Arg::Absent);
        let Some(declared) = self.declared.filter(|_| !unresolved_refs) else {
            return;
        };
        for (n, i) in self.inputs.iter().enumerate() {
            if i.source == Source::Path || self.args.iter().any(|a| a.uses(n)) || read.contains(&n)
            {
                continue;
            }
            if let Some(p) = declared.iter().find(|p| p.name.v == i.name) {
                d.warn(
                    p.name.span,
                    format!(
                        "input `{}` of `{name}` feeds no parameter of `{}` and no output: its value is ignored",
                        i.name,
                        self.target()
                    ),
                );
            }
        }
    }

    /// Step 7 (REST): every variable of the exposed path feeds a parameter. When a `with`
    /// reference is a near miss of the variable, the error points at that reference.
    pub(super) fn check_path_variables_feed(&self, name: &str, at: Span, d: &mut Ctxt) {
        for v in &self.ex.path_vars {
            let feeds = self.inputs.iter().enumerate().any(|(n, i)| {
                i.source == Source::Path && &i.name == v && self.args.iter().any(|a| a.uses(n))
            });
            if feeds {
                continue;
            }
            let message = format!(
                "path variable `{{{v}}}` of `{name}` feeds no parameter of `{}`",
                self.target()
            );
            // The variable as written, or as a parameter it matches case-insensitively.
            let spellings: Vec<&str> = std::iter::once(v.as_str())
                .chain(
                    self.op
                        .params
                        .iter()
                        .map(|p| p.name.as_str())
                        .filter(|p| p.eq_ignore_ascii_case(v)),
                )
                .collect();
            let near_miss = self
                .inputs
                .iter()
                .zip(&self.inferred_from)
                .find_map(|(i, from)| {
                    let (span, written) = from.as_ref()?;
                    let close = nearest(&i.name, spellings.iter().copied())?;
                    Some((*span, written, respelled(written, &i.name, close)))
                });
            d.push(match near_miss {
                Some((span, written, meant)) => Diagnostic::new(span, message).with_help(format!(
                    "{}`{written}` names no variable of the exposed path",
                    did_you_mean(Some(meant)),
                )),
                None => Diagnostic::new(at, message),
            });
        }
    }
}

pub(super) fn article(t: Type) -> String {
    match t {
        Type::Integer | Type::Object | Type::Array => format!("an {}", t.as_str()),
        _ => format!("a {}", t.as_str()),
    }
}

/// A `with` constant converted to the type of the parameter it feeds, if it can be.
fn coerce(v: &serde_json::Value, ty: Type) -> Option<serde_json::Value> {
    use serde_json::Value;
    match (ty, v) {
        (Type::String, Value::String(_)) => Some(v.clone()),
        (Type::String, Value::Number(_) | Value::Bool(_)) => Some(Value::String(v.to_string())),
        (Type::Integer, Value::Number(n)) if n.is_i64() => Some(v.clone()),
        (Type::Integer, Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        (Type::Number, Value::Number(_)) => Some(v.clone()),
        (Type::Number, Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Value::from),
        (Type::Boolean, Value::Bool(_)) => Some(v.clone()),
        (Type::Boolean, Value::String(s)) if s == "true" || s == "false" => {
            Some(Value::Bool(s == "true"))
        }
        (Type::Array, Value::Array(_)) | (Type::Object, Value::Object(_)) => Some(v.clone()),
        _ => None,
    }
}
