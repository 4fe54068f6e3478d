//! Steps 2 to 4: what feeds each parameter — `with` entries, the parameter's own `value:`,
//! and, for parameters left, a same-named input.

use super::inputs::Feeding;
use super::with::{Structured, WithValue, with_value};
use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir::{Arg, JsonArg, Source};
use crate::resolve::binds::Binds;
use crate::resolve::suggest::{did_you_mean, listing, nearest};
use crate::spec::{In, S, Type};
use crate::yaml::Node;

impl Feeding<'_> {
    /// Step 2: each `with` entry names a parameter and gives its value.
    pub(super) fn feed_from_with(
        &mut self,
        with: &[(S<String>, Node)],
        binds: &Binds,
        d: &mut Ctxt,
    ) {
        let op = self.op;
        let params = || op.params.iter().map(|p| p.name.as_str());
        for (key, value) in with {
            let pi = params()
                .position(|p| p == key.v)
                .or_else(|| params().position(|p| p.eq_ignore_ascii_case(&key.v)));
            let Some(pi) = pi else {
                if d.with_keys_excused(&self.api.namespace, &self.op.name) {
                    continue;
                }
                let close = nearest(&key.v, params()).map(str::to_string);
                d.push(
                    Diagnostic::new(
                        key.span,
                        format!(
                            "`with` names `{}`, which is not a parameter of `{}`",
                            key.v,
                            self.target()
                        ),
                    )
                    .with_help(format!(
                        "{}parameters: {}",
                        did_you_mean(close),
                        listing(params())
                    )),
                );
                continue;
            };
            if self.fed[pi] {
                d.error(
                    key.span,
                    format!("parameter `{}` is fed twice", self.op.params[pi].name),
                );
                continue;
            }
            self.fed[pi] = true;
            self.arg_spans[pi] = Some(value.span);
            if self.op.params[pi].fixed.is_some() {
                // The client sends the fixed value: the `with` one would be dropped.
                d.error(
                    key.span,
                    format!(
                        "`with` feeds `{}`, which has its own fixed `value:` in `{}`",
                        self.op.params[pi].name,
                        self.target()
                    ),
                );
                continue;
            }
            match with_value(value, self.ex, binds, d) {
                Some(WithValue::Input { name, written }) => {
                    if let Some(i) = self.input_for(&name, pi, value.span, Some(&written), d) {
                        self.args[pi] = Arg::Input(i);
                    }
                }
                Some(WithValue::Env(t)) => {
                    let p = &self.op.params[pi];
                    if p.ty == Type::String {
                        self.args[pi] = Arg::Env(t);
                    } else {
                        d.unsupported(
                            value.span,
                            format!(
                                "a bind (text) feeding `{}`, which is {}",
                                p.name,
                                super::checks::article(p.ty)
                            ),
                        );
                    }
                }
                Some(WithValue::Const(v)) => self.args[pi] = Arg::Const(v),
                Some(WithValue::Structured(tree)) => {
                    let p = &self.op.params[pi];
                    if !matches!(p.ty, Type::Array | Type::Object) {
                        d.error(
                            value.span,
                            format!(
                                "a list or mapping is given to `{}`, which is a {}",
                                p.name,
                                p.ty.as_str()
                            ),
                        );
                        continue;
                    }
                    if let Some(j) = self.json_arg(tree, d) {
                        self.args[pi] = Arg::Json(j);
                    }
                }
                None => {}
            }
        }
    }

    /// Step 3: parameters with their own `value:` in the consumed operation: a fixed value the
    /// client sends itself, or `{{tools.x}}` naming the input that feeds it by default.
    pub(super) fn feed_from_own_values(&mut self, at: Span, d: &mut Ctxt) {
        let op = self.op;
        for (pi, p) in op.params.iter().enumerate() {
            if self.fed[pi] {
                continue;
            }
            if p.fixed.is_some() {
                self.fed[pi] = true;
            } else if let Some(name) = &p.default_input {
                self.fed[pi] = true;
                if let Some(i) = self.input_for(name, pi, at, None, d) {
                    self.args[pi] = Arg::Input(i);
                }
            }
        }
    }

    /// Step 4: parameters nothing feeds pass through from a same-named declared input,
    /// required or optional. A required one without such an input passes through from an
    /// input inferred for it, or is reported at the `call` that leaves it unfed.
    pub(super) fn pass_through(&mut self, call: Span, d: &mut Ctxt) {
        let op = self.op;
        for (pi, p) in op.params.iter().enumerate() {
            if self.fed[pi] {
                continue;
            }
            if !p.required {
                if self.declared.is_some()
                    && let Some(i) = self.same_named_input(&p.name)
                {
                    self.args[pi] = Arg::Input(i);
                }
                continue;
            }
            let ex = self.ex;
            let can_exist = self.declared.is_none()
                && (ex.is_tool
                    || p.location != In::Path
                    || ex.path_vars.iter().any(|v| v.eq_ignore_ascii_case(&p.name)));
            match self.same_named_input(&p.name) {
                Some(i) => self.args[pi] = Arg::Input(i),
                None if can_exist => {
                    if let Some(i) = self.input_for(&p.name, pi, call, None, d) {
                        self.args[pi] = Arg::Input(i);
                    }
                }
                None => {
                    let why = if self.declared.is_some() {
                        "no `with` entry feeds it and no declared input has its name".to_string()
                    } else {
                        format!(
                            "no `with` entry feeds it and the exposed path has no `{{{}}}` variable",
                            p.name
                        )
                    };
                    d.push(
                        Diagnostic::new(
                            call,
                            format!(
                                "required parameter `{}` ({}) of `{}` is fed by nothing: {why}",
                                p.name,
                                p.location.as_str(),
                                self.target()
                            ),
                        )
                        .with_help(format!(
                            "add `with: {{{}: {}.{}}}`",
                            p.name, ex.prefixes[0], p.name
                        )),
                    );
                }
            }
        }
    }

    /// A structured `with` value with each reference resolved to its input; `None` when one
    /// does not resolve (reported).
    fn json_arg(&mut self, tree: Structured, d: &mut Ctxt) -> Option<JsonArg> {
        Some(match tree {
            Structured::Value(v) => JsonArg::Value(v),
            Structured::Ref {
                name,
                written,
                span,
            } => JsonArg::Input(self.input_inside(&name, span, &written, d)?),
            Structured::Array(items) => {
                let items: Vec<Option<JsonArg>> =
                    items.into_iter().map(|i| self.json_arg(i, d)).collect();
                JsonArg::Array(items.into_iter().collect::<Option<_>>()?)
            }
            Structured::Object(entries) => {
                let entries: Vec<Option<(String, JsonArg)>> = entries
                    .into_iter()
                    .map(|(k, v)| self.json_arg(v, d).map(|v| (k, v)))
                    .collect();
                JsonArg::Object(entries.into_iter().collect::<Option<_>>()?)
            }
        })
    }

    /// The input named `name` (a path input also ASCII case-insensitively).
    fn same_named_input(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name == name).or_else(|| {
            self.inputs
                .iter()
                .position(|i| i.source == Source::Path && i.name.eq_ignore_ascii_case(name))
        })
    }
}
