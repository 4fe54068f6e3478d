//! The inputs of one exposed call: declared ones first, in the order written, then those
//! inferred from the references that feed parameters.

use super::Exposure;
use super::with::respelled;
use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir::{self, Arg, Input, Source};
use crate::names::{Names, snake_case};
use crate::resolve::is_duplicate;
use crate::resolve::suggest::{did_you_mean, listing, nearest};
use crate::spec::{self, In, Type};
use std::collections::HashMap;

/// One exposed call being resolved: its inputs so far and how each parameter of the consumed
/// operation is fed. The steps that fill it are in the sibling modules.
pub(super) struct Feeding<'a> {
    pub(super) ex: &'a Exposure<'a>,
    pub(super) api: &'a ir::Api,
    pub(super) op: &'a ir::Operation,
    /// Declared `inputParameters`: when present, references must name one of them.
    pub(super) declared: Option<&'a [spec::Param]>,
    pub(super) inputs: Vec<Input>,
    idents: Names,
    /// For inputs inferred from a `with` reference: where it is, and how it was written.
    pub(super) inferred_from: Vec<Option<(Span, String)>>,
    /// How each parameter of `op` is fed.
    pub(super) args: Vec<Arg>,
    /// Whether something claimed to feed each parameter (even if that failed, already reported).
    pub(super) fed: Vec<bool>,
    /// The `with` value feeding each parameter, where there is one: errors about it point there.
    pub(super) arg_spans: Vec<Option<Span>>,
}

impl<'a> Feeding<'a> {
    pub(super) fn new(
        ex: &'a Exposure<'a>,
        api: &'a ir::Api,
        operation: usize,
        declared: Option<&'a [spec::Param]>,
    ) -> Self {
        let op = &api.operations[operation];
        let n = op.params.len();
        Feeding {
            ex,
            api,
            op,
            declared,
            inputs: Vec::new(),
            idents: Names::default(),
            inferred_from: Vec::new(),
            args: vec![Arg::Absent; n],
            fed: vec![false; n],
            arg_spans: vec![None; n],
        }
    }

    /// `namespace.operation` of the consumed operation, for messages.
    pub(super) fn target(&self) -> String {
        format!("{}.{}", self.api.namespace, self.op.name)
    }

    fn push_input(&mut self, name: String, source: Source, ty: Type, required: bool) -> usize {
        self.inputs.push(Input {
            ident: self.idents.claim(&snake_case(&name)),
            name,
            source,
            ty,
            required: required || source == Source::Path,
            description: None,
            pattern: None,
        });
        self.inferred_from.push(None);
        self.inputs.len() - 1
    }

    /// Step 1: the declared inputs, each where the exposed request carries it.
    pub(super) fn declare_inputs(&mut self, d: &mut Ctxt) {
        let Some(declared) = self.declared else {
            return;
        };
        let mut seen: HashMap<String, Span> = HashMap::new();
        for p in declared {
            let what = || format!("input `{}`", p.name.v);
            if is_duplicate(&mut seen, p.name.v.clone(), p.name.span, what, d) {
                continue;
            }
            let in_path = self.ex.path_vars.iter().any(|v| v == &p.name.v);
            let source = if self.ex.is_tool {
                Source::Field
            } else {
                match p.location.as_ref().map(|l| l.v) {
                    Some(In::Path) => Source::Path,
                    Some(In::Header) => Source::Header,
                    Some(In::Body) => Source::Field,
                    Some(In::Cookie) => Source::Cookie,
                    Some(In::Query) => Source::Query,
                    None if in_path => Source::Path,
                    None => Source::Query,
                }
            };
            if source == Source::Path && !in_path {
                let close = nearest(&p.name.v, self.ex.path_vars.iter().map(String::as_str));
                d.push(
                    Diagnostic::new(
                        p.name.span,
                        format!(
                            "path input `{}` has no `{{{}}}` variable in the exposed path",
                            p.name.v, p.name.v
                        ),
                    )
                    .with_help(format!(
                        "{}path variables: {}",
                        did_you_mean(close.map(str::to_string)),
                        listing(self.ex.path_vars.iter().map(String::as_str))
                    )),
                );
            }
            if let Some(v) = &p.value {
                // Would be dropped: an input's value comes from the request.
                d.unsupported(v.span, "a `value` on an exposed input parameter");
            }
            let ty = p.ty.as_ref().map_or(Type::String, |t| t.v);
            let i = self.push_input(p.name.v.clone(), source, ty, p.required);
            self.inputs[i].description.clone_from(&p.description);
            self.inputs[i].pattern = p.pattern.as_ref().and_then(|pat| check_pattern(pat, ty, d));
        }
    }

    /// The input named `name` that feeds parameter `pi`: an existing one, or, without declared
    /// inputs, one inferred from the parameter. `written` is the `with` reference at `span`
    /// that names it, if one does.
    pub(super) fn input_for(
        &mut self,
        name: &str,
        pi: usize,
        span: Span,
        written: Option<&str>,
        d: &mut Ctxt,
    ) -> Option<usize> {
        self.input_named(name, Some(pi), span, written, d)
    }

    /// The input named `name` that a reference inside a structured `with` value (at `span`,
    /// written `written`) reads: an existing one, or, without declared inputs, a required
    /// string inferred for it (a tool argument, a path variable or a query input).
    pub(super) fn input_inside(
        &mut self,
        name: &str,
        span: Span,
        written: &str,
        d: &mut Ctxt,
    ) -> Option<usize> {
        self.input_named(name, None, span, Some(written), d)
    }

    /// [`Self::input_for`] (`pi`: the parameter it feeds) or [`Self::input_inside`] (`None`).
    fn input_named(
        &mut self,
        name: &str,
        pi: Option<usize>,
        span: Span,
        written: Option<&str>,
        d: &mut Ctxt,
    ) -> Option<usize> {
        // Exact names; path variables also match ASCII case-insensitively (`{orgid}` ← `orgId`).
        let found = self.inputs.iter().position(|i| i.name == name).or_else(|| {
            self.inputs
                .iter()
                .position(|i| i.source == Source::Path && i.name.eq_ignore_ascii_case(name))
        });
        if let Some(i) = found {
            return Some(i);
        }
        if self.declared.is_some() {
            let known = || self.inputs.iter().map(|i| i.name.as_str());
            let close = nearest(name, known())
                .map(|c| written.map_or_else(|| c.to_string(), |w| respelled(w, name, c)));
            d.push(
                Diagnostic::new(
                    span,
                    format!("`with` refers to an input `{name}` that does not exist"),
                )
                .with_help(format!(
                    "{}declared inputs: {}",
                    did_you_mean(close),
                    listing(known())
                )),
            );
            return None;
        }
        let path_var = self
            .ex
            .path_vars
            .iter()
            .find(|v| v.eq_ignore_ascii_case(name));
        let (input_name, source) = if self.ex.is_tool {
            (name.to_string(), Source::Field)
        } else if let Some(v) = path_var {
            (v.clone(), Source::Path)
        } else {
            let source = match pi.map(|pi| self.op.params[pi].location) {
                None | Some(In::Query | In::Path | In::Cookie) => Source::Query,
                Some(In::Header) => Source::Header,
                Some(In::Body) if matches!(self.op.body, ir::Body::Whole(_)) => Source::Body,
                Some(In::Body) => Source::Field,
            };
            (name.to_string(), source)
        };
        let (ty, required, description) = match pi.map(|pi| &self.op.params[pi]) {
            Some(p) => (p.ty, p.required, p.description.clone()),
            None => (Type::String, true, None),
        };
        let i = self.push_input(input_name, source, ty, required);
        self.inputs[i].description = description;
        self.inferred_from[i] = written.map(|w| (span, w.to_string()));
        Some(i)
    }

    pub(super) fn finish(self) -> (Vec<Input>, Vec<Arg>) {
        (self.inputs, self.args)
    }
}

/// An input's `pattern`: a regular expression (Rust's `regex` syntax: no look-around or
/// back-references) on a string input; else a located error.
fn check_pattern(pattern: &spec::S<String>, ty: Type, d: &mut Ctxt) -> Option<String> {
    if ty != Type::String {
        d.error(
            pattern.span,
            format!(
                "`pattern` checks text: it applies to a `string` input, not a `{}` one",
                ty.as_str()
            ),
        );
        return None;
    }
    match regex::RegexBuilder::new(&pattern.v)
        .size_limit(1 << 20)
        .build()
    {
        Ok(_) => Some(pattern.v.clone()),
        Err(e) => {
            let why = e.to_string();
            let why = why.lines().last().unwrap_or(&why).trim().to_string();
            d.push(
                Diagnostic::new(pattern.span, format!("`pattern` is not a valid regular expression: {why}"))
                    .with_help("Rust `regex` syntax (as JSON Schema's ECMA-262, without look-around or back-references)"),
            );
            None
        }
    }
}
