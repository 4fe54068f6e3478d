//! Orchestrated operations and tools: `steps` (calls and lookups), `mappings` and the
//! orchestrated `outputParameters` they fill.
//!
//! Each call step resolves like an exposure's `call` (its `with` fed from the declared inputs
//! and constants). The steps' answers make up the context object `{ "<step>": <answer>, ... }`;
//! the mappings (`value: $.<step>.<path>`, a plain dot path as the reference engine reads it)
//! and the declared outputs become an ordinary [`ir::Shape`] selecting from that context, so
//! shaping, typed results and schemas are those of a single call.

use super::Exposure;
use super::call::resolve_call;
use super::inputs::Feeding;
use super::step_types::{Answer, Answers, article, fits};
use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir::{self, Shape, ShapeKind, Type};
use crate::resolve::binds::Binds;
use crate::resolve::suggest::{did_you_mean, listing, nearest};
use crate::spec::{self, S};

pub(super) fn resolve_orchestrated(
    e: &spec::ExposedOperation,
    name: &str,
    ident: String,
    ex: &Exposure<'_>,
    apis: &[ir::Api],
    binds: &Binds,
    d: &mut Ctxt,
) -> Option<ir::Call> {
    if e.steps.is_empty() {
        let span = e.mappings.first().map_or(e.span, |m| m.span);
        d.push(
            Diagnostic::new(
                span,
                format!("`{name}` has `mappings` but no `steps` for them to read"),
            )
            .with_help("add `steps`, or map outputs with `mapping` under `outputParameters`"),
        );
        return None;
    }
    if let Some(call) = &e.call {
        d.push(
            Diagnostic::new(call.span, format!("`{name}` has both `call` and `steps`"))
                .with_help("an orchestrated operation calls through its `call` steps"),
        );
    }
    if let Some((k, _)) = e.with.first() {
        d.error(
            k.span,
            "`with` on an orchestrated operation feeds nothing: give each `call` step its own `with`",
        );
    }
    let names: Vec<&str> = e.steps.iter().map(|s| s.name.v.as_str()).collect();
    let declared: &[spec::Param] = e.inputs.as_deref().unwrap_or(&[]);
    let mut inputs: Option<Vec<ir::Input>> = None;
    let mut steps = Vec::new();
    let mut ok = true;
    let mut answers = Answers::default();
    for (n, step) in e.steps.iter().enumerate() {
        if names[..n].contains(&step.name.v.as_str()) {
            d.error(step.name.span, format!("duplicate step `{}`", step.name.v));
            ok = false;
            continue;
        }
        let kind = match &step.kind {
            spec::StepKind::Call { call, with } => {
                // `$.<step>...` values read an earlier step's answer from the context.
                let mut fed = Vec::new();
                let mut from_context = Vec::new();
                for (k, v) in with {
                    match v.as_str().filter(|t| t.trim_start().starts_with("$.")) {
                        Some(text) => {
                            let s = S::new(text.to_string(), v.span);
                            match step_ref(&s, &step.name.v, &names, n, d) {
                                Some(ptr) => from_context.push((k, ptr, s)),
                                None => ok = false,
                            }
                        }
                        None => fed.push((k.clone(), v.clone())),
                    }
                }
                let Some((a, o)) = resolve_call(call, apis, d) else {
                    ok = false;
                    continue;
                };
                let mut f = Feeding::new(ex, &apis[a], o, Some(declared));
                f.declare_inputs(d);
                f.feed_from_with(&fed, binds, d);
                let op = &apis[a].operations[o];
                for (k, ptr, written) in from_context {
                    match op
                        .params
                        .iter()
                        .position(|p| p.name == k.v && p.fixed.is_none())
                    {
                        Some(pi) => {
                            let p = &op.params[pi];
                            if let Some((found, declared_at)) =
                                answers.type_at(&segments(&written.v))
                                && !p.any_json
                                && !fits(found, p.ty)
                            {
                                d.push(
                                    Diagnostic::new(
                                        written.span,
                                        format!(
                                            "`{}` is {}, but parameter `{}` of `{}` takes {}",
                                            written.v.trim(),
                                            article(found),
                                            p.name,
                                            call.v,
                                            article(p.ty)
                                        ),
                                    )
                                    .with_help(declared_at),
                                );
                                ok = false;
                            }
                            f.args[pi] = ir::Arg::Context(ptr);
                            f.fed[pi] = true;
                            f.arg_spans[pi] = Some(k.span);
                        }
                        None => {
                            let close = nearest(&k.v, op.params.iter().map(|p| p.name.as_str()))
                                .map(str::to_string);
                            d.push(
                                Diagnostic::new(
                                    k.span,
                                    format!("`{}` has no parameter `{}`", call.v, k.v),
                                )
                                .with_help(format!(
                                    "{}parameters: {}",
                                    did_you_mean(close),
                                    listing(op.params.iter().map(|p| p.name.as_str()))
                                )),
                            );
                            ok = false;
                        }
                    }
                }
                f.feed_from_mappings(d);
                f.feed_from_own_values(step.span, d);
                f.pass_through(call.span, d);
                f.type_inputs(e.span, d);
                let (step_inputs, args) = f.finish();
                match &mut inputs {
                    None => inputs = Some(step_inputs),
                    // Every step reads the same declared inputs; one that feeds a required
                    // parameter of any step is required (the emitted calls read it unwrapped).
                    Some(kept) => {
                        for (k, s) in kept.iter_mut().zip(&step_inputs) {
                            k.required |= s.required;
                        }
                    }
                }
                answers.insert(
                    &step.name.v,
                    Answer::Call {
                        api: &apis[a].namespace,
                        op: &apis[a].operations[o],
                    },
                );
                ir::StepKind::Call(ir::Target {
                    api: a,
                    operation: o,
                    args,
                })
            }
            spec::StepKind::Script(sc) => {
                // Files that could not be read or parsed were reported with the spec.
                if sc.files.is_empty() {
                    ok = false;
                    continue;
                }
                let known = |x: &str| {
                    declared.iter().any(|p| p.name.v == x)
                        || inputs.iter().flatten().any(|i| i.name == x)
                        || names[..n].contains(&x)
                };
                let mut with = Vec::new();
                for (k, v) in &sc.with {
                    let value = match v.as_str() {
                        Some(text) if text.trim_start().starts_with("$.") => {
                            let r = S::new(text.to_string(), v.span);
                            match step_ref(&r, &step.name.v, &names, n, d) {
                                Some(ptr) => ir::ScriptWith::Context(ptr),
                                None => {
                                    ok = false;
                                    continue;
                                }
                            }
                        }
                        Some(text) if text.contains("{{") => {
                            for name in template_names(text) {
                                if !known(name) {
                                    d.push(
                                        Diagnostic::new(
                                            v.span,
                                            format!("`{{{{{name}}}}}` in the `with` of script step `{}` names no input and no earlier step", step.name.v),
                                        )
                                        .with_help(format!(
                                            "inputs: {}; earlier steps: {}",
                                            listing(declared.iter().map(|p| p.name.v.as_str())),
                                            listing(names[..n].iter().copied())
                                        )),
                                    );
                                    ok = false;
                                }
                            }
                            ir::ScriptWith::Template(text.to_string())
                        }
                        _ => ir::ScriptWith::Const(v.to_json()),
                    };
                    with.push((k.v.clone(), value));
                }
                ir::StepKind::Script {
                    index: 0,
                    def: ir::Script {
                        step: step.name.v.clone(),
                        files: sc.files.clone(),
                        timeout_ms: sc.timeout_ms,
                        statement_limit: sc.statement_limit,
                        enabled: sc.enabled,
                    },
                    earlier: names[..n].iter().map(ToString::to_string).collect(),
                    with,
                }
            }
            spec::StepKind::Lookup {
                index,
                field,
                value,
                keep,
            } => {
                let mut index_ok = check_step_name(index, &step.name.v, &names, n, d);
                if index_ok
                    && let Some((found, declared_at)) =
                        answers.type_at(std::slice::from_ref(&index.v))
                    && found != Type::Array
                {
                    d.push(
                        Diagnostic::new(
                            index.span,
                            format!(
                                "lookup step `{}` searches the entries of `{}`, which is {}, not an array",
                                step.name.v,
                                index.v,
                                article(found)
                            ),
                        )
                        .with_help(declared_at),
                    );
                    index_ok = false;
                }
                let value_ptr = step_ref(value, &step.name.v, &names, n, d);
                answers.insert(&step.name.v, Answer::Lookup);
                match (index_ok, value_ptr) {
                    (true, Some(ptr)) => ir::StepKind::Lookup {
                        index: index.v.clone(),
                        field: field.v.clone(),
                        value: ptr,
                        keep: keep.iter().map(|k| k.v.clone()).collect(),
                    },
                    _ => {
                        ok = false;
                        continue;
                    }
                }
            }
        };
        steps.push(ir::Step {
            name: step.name.v.clone(),
            kind,
        });
    }
    let inputs = match inputs {
        Some(i) => i,
        None => {
            // Only lookups: the declared inputs, read but feeding no call.
            let nothing = ir::Api::none();
            let mut f = Feeding::new(ex, &nothing, 0, Some(declared));
            f.declare_inputs(d);
            f.finish().0
        }
    };
    let output = orchestrated_output(e, name, &names, &answers, d)?;
    ok.then(|| ir::Call {
        name: name.to_string(),
        ident,
        description: e.description.clone(),
        target: None,
        inputs,
        output,
        steps,
    })
}

/// The names `{{name}}` placeholders of a Mustache template read.
fn template_names(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    out
}

/// Whether `r` names a step before step `n` (reported when it does not).
fn check_step_name(r: &S<String>, step: &str, names: &[&str], n: usize, d: &mut Ctxt) -> bool {
    check_named(&r.v, r.span, step, names, n, d)
}

fn check_named(
    target: &str,
    span: Span,
    step: &str,
    names: &[&str],
    n: usize,
    d: &mut Ctxt,
) -> bool {
    if names[..n].contains(&target) {
        return true;
    }
    if target == step {
        d.push(
            Diagnostic::new(span, format!("step `{step}` reads its own answer"))
                .with_help("a step reads the answers of the steps written before it"),
        );
    } else if names[n..].contains(&target) {
        d.push(
            Diagnostic::new(
                span,
                format!("step `{step}` reads step `{target}`, which runs after it"),
            )
            .with_help("steps run in the order written: move the step it reads before it"),
        );
    } else {
        let close = nearest(target, names[..n].iter().copied()).map(str::to_string);
        d.push(
            Diagnostic::new(span, format!("step `{step}` reads unknown step `{target}`"))
                .with_help(format!(
                    "{}earlier steps: {}",
                    did_you_mean(close),
                    listing(names[..n].iter().copied())
                )),
        );
    }
    false
}

/// `$.<step>.<a>.<b>`: the step must run before step `n`; the JSON pointer into the context.
fn step_ref(r: &S<String>, step: &str, names: &[&str], n: usize, d: &mut Ctxt) -> Option<String> {
    let segments = dot_path(r, d)?;
    check_named(&segments[0], r.span, step, names, n, d).then(|| pointer(&segments))
}

/// The segments of `$.<step>.<path>` (a plain dot split, as the reference engine reads it).
fn dot_path(r: &S<String>, d: &mut Ctxt) -> Option<Vec<String>> {
    let text = r.v.trim();
    let rest = text.strip_prefix("$.").filter(|r| !r.is_empty());
    let segments: Option<Vec<String>> = rest.and_then(|rest| {
        rest.split('.')
            .map(|s| (!s.is_empty()).then(|| s.to_string()))
            .collect()
    });
    if segments.is_none() {
        d.push(
            Diagnostic::new(
                r.span,
                format!(
                    "`{text}` must name a step and a path in its answer: `$.<step>.<field>...`"
                ),
            )
            .with_help("e.g. `$.get-ship.imo_number`"),
        );
    }
    segments
}

fn pointer(segments: &[String]) -> String {
    segments
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// The same path as an RFC 9535 JSONPath (every name quoted, since step names have dashes).
fn jsonpath(segments: &[String]) -> ir::Path {
    let text: String = std::iter::once("$".to_string())
        .chain(
            segments
                .iter()
                .map(|s| format!("['{}']", s.replace('\\', "\\\\").replace('\'', "\\'"))),
        )
        .collect();
    ir::Path {
        text,
        singular: true,
    }
}

/// The result: an object whose properties select from the steps' context as `mappings` say,
/// typed by the declared outputs (untyped, from the mappings alone, when none are declared).
fn orchestrated_output(
    e: &spec::ExposedOperation,
    name: &str,
    names: &[&str],
    answers: &Answers<'_>,
    d: &mut Ctxt,
) -> Option<Shape> {
    let mut maps: Vec<(String, Span, ir::Path, bool)> = Vec::new();
    let mut ok = true;
    for m in &e.mappings {
        let Some(segments) = dot_path(&m.value, d) else {
            ok = false;
            continue;
        };
        if !names.contains(&segments[0].as_str()) {
            let close = nearest(&segments[0], names.iter().copied()).map(str::to_string);
            d.push(
                Diagnostic::new(
                    m.value.span,
                    format!(
                        "mapping `{}` reads unknown step `{}`",
                        m.target.v, segments[0]
                    ),
                )
                .with_help(format!(
                    "{}steps: {}",
                    did_you_mean(close),
                    listing(names.iter().copied())
                )),
            );
            ok = false;
            continue;
        }
        if let (Some((found, declared_at)), Some(wanted)) = (
            answers.type_at(&segments),
            target_type(&e.outputs, &m.target.v),
        ) && !fits(found, wanted)
        {
            d.push(
                Diagnostic::new(
                    m.value.span,
                    format!(
                        "mapping `{}` reads {}, but output `{}` is declared {}",
                        m.target.v,
                        article(found),
                        m.target.v,
                        article(wanted)
                    ),
                )
                .with_help(declared_at),
            );
            ok = false;
            continue;
        }
        if maps.iter().any(|(t, ..)| *t == m.target.v) {
            d.error(
                m.target.span,
                format!("output `{}` is mapped twice", m.target.v),
            );
            ok = false;
            continue;
        }
        maps.push((
            m.target.v.clone(),
            m.target.span,
            jsonpath(&segments),
            false,
        ));
    }
    let properties = if e.outputs.is_empty() {
        from_mappings(&mut maps)
    } else {
        let mut props = Vec::new();
        for o in &e.outputs {
            let Some(n) = &o.name else {
                d.error(
                    o.span,
                    "an orchestrated output needs a `name` (the field of the result)",
                );
                ok = false;
                continue;
            };
            match declared(o, &n.v, &mut maps, d) {
                Some(s) => props.push((n.v.clone(), s)),
                None => ok = false,
            }
        }
        props
    };
    let keys: Vec<String> = output_keys(&e.outputs, "");
    for (target, span, _, used) in &maps {
        if !used {
            let close = nearest(target, keys.iter().map(String::as_str)).map(str::to_string);
            d.push(
                Diagnostic::new(
                    *span,
                    format!("mapping targets `{target}`, which is not an output of `{name}`"),
                )
                .with_help(format!(
                    "{}outputs: {}",
                    did_you_mean(close),
                    listing(keys.iter().map(String::as_str))
                )),
            );
            ok = false;
        }
    }
    ok.then_some(Shape {
        ty: Some(Type::Object),
        description: None,
        konst: None,
        kind: ShapeKind::Object {
            from: None,
            properties,
        },
    })
}

/// Every name a mapping may target: `a`, `a.b` for an object `a` with property `b`, ...
fn output_keys(outputs: &[spec::Output], prefix: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for o in outputs {
        let Some(n) = &o.name else { continue };
        let key = format!("{prefix}{}", n.v);
        keys.push(key.clone());
        keys.extend(props_keys(&o.properties, &format!("{key}.")));
    }
    keys
}

fn props_keys(props: &[(S<String>, spec::Output)], prefix: &str) -> Vec<String> {
    let mut keys = Vec::new();
    for (n, o) in props {
        let key = format!("{prefix}{}", n.v);
        keys.push(key.clone());
        keys.extend(props_keys(&o.properties, &format!("{key}.")));
    }
    keys
}

/// The shape of declared output `o` under mapping target `key`: from its mapping, else (an
/// object) property by property from `key.<property>` mappings.
fn declared(
    o: &spec::Output,
    key: &str,
    maps: &mut [(String, Span, ir::Path, bool)],
    d: &mut Ctxt,
) -> Option<Shape> {
    let ty = o.ty.as_ref().map(|t| t.v);
    let base = |kind| Shape {
        ty,
        description: o.description.clone(),
        konst: o.konst.as_ref().map(|k| k.v.clone()),
        kind,
    };
    if let Some(m) = maps.iter_mut().find(|(t, ..)| t == key) {
        m.3 = true;
        let path = m.2.clone();
        return Some(match (ty, &o.items) {
            (Some(Type::Array), Some(items)) => base(ShapeKind::Array {
                from: Some(path),
                items: Some(Box::new(relative(items))),
            }),
            (_, _) if !o.properties.is_empty() => base(ShapeKind::Object {
                from: Some(path),
                properties: o
                    .properties
                    .iter()
                    .map(|(n, p)| (n.v.clone(), relative_named(&n.v, p)))
                    .collect(),
            }),
            _ => base(ShapeKind::Select(path)),
        });
    }
    if !o.properties.is_empty() {
        let mut properties = Vec::new();
        let mut ok = true;
        for (n, p) in &o.properties {
            match declared(p, &format!("{key}.{}", n.v), maps, d) {
                Some(s) => properties.push((n.v.clone(), s)),
                None => ok = false,
            }
        }
        return ok.then(|| {
            base(ShapeKind::Object {
                from: None,
                properties,
            })
        });
    }
    d.push(
        Diagnostic::new(
            o.name.as_ref().map_or(o.span, |n| n.span),
            format!("nothing maps output `{key}`"),
        )
        .with_help(format!(
            "add a mapping: `- targetName: {key}` with `value: $.<step>.<field>`"
        )),
    );
    None
}

/// An array's items or an object's property inside a mapped value: each field read under its
/// own name from the element.
fn relative(o: &spec::Output) -> Shape {
    Shape {
        ty: o.ty.as_ref().map(|t| t.v),
        description: o.description.clone(),
        konst: o.konst.as_ref().map(|k| k.v.clone()),
        kind: if o.properties.is_empty() {
            ShapeKind::Whole
        } else {
            ShapeKind::Object {
                from: None,
                properties: o
                    .properties
                    .iter()
                    .map(|(n, p)| (n.v.clone(), relative_named(&n.v, p)))
                    .collect(),
            }
        },
    }
}

fn relative_named(name: &str, o: &spec::Output) -> Shape {
    let path = jsonpath(&[name.to_string()]);
    let mut s = relative(o);
    s.kind = match s.kind {
        ShapeKind::Object { properties, .. } => ShapeKind::Object {
            from: Some(path),
            properties,
        },
        _ if s.ty == Some(Type::Array) => ShapeKind::Array {
            from: Some(path),
            items: o.items.as_ref().map(|i| Box::new(relative(i))),
        },
        _ => ShapeKind::Select(path),
    };
    s
}

/// Without declared outputs: the mappings alone, dot notation nesting objects.
fn from_mappings(maps: &mut [(String, Span, ir::Path, bool)]) -> Vec<(String, Shape)> {
    let mut props: Vec<(String, Shape)> = Vec::new();
    for (target, _, path, used) in maps.iter_mut() {
        *used = true;
        let parts: Vec<&str> = target.split('.').collect();
        insert(&mut props, &parts, path.clone());
    }
    props
}

fn insert(props: &mut Vec<(String, Shape)>, parts: &[&str], path: ir::Path) {
    let Some((first, rest)) = parts.split_first() else {
        return;
    };
    if rest.is_empty() {
        props.push((
            first.to_string(),
            Shape {
                ty: None,
                description: None,
                konst: None,
                kind: ShapeKind::Select(path),
            },
        ));
        return;
    }
    let i = match props.iter().position(|(n, _)| n == first) {
        Some(i) => i,
        None => {
            props.push((
                first.to_string(),
                Shape {
                    ty: Some(Type::Object),
                    description: None,
                    konst: None,
                    kind: ShapeKind::Object {
                        from: None,
                        properties: Vec::new(),
                    },
                },
            ));
            props.len() - 1
        }
    };
    if let ShapeKind::Object { properties, .. } = &mut props[i].1.kind {
        insert(properties, rest, path);
    }
}

/// The segments of a `$.<step>.<path>` already checked by [`dot_path`].
fn segments(text: &str) -> Vec<String> {
    text.trim()
        .strip_prefix("$.")
        .unwrap_or_default()
        .split('.')
        .map(str::to_string)
        .collect()
}

/// The declared type of the output a mapping targets (`a`, or `a.b` inside an object `a`).
fn target_type(outputs: &[spec::Output], target: &str) -> Option<Type> {
    let (first, rest) = match target.split_once('.') {
        Some((f, r)) => (f, Some(r)),
        None => (target, None),
    };
    let o = outputs
        .iter()
        .find(|o| o.name.as_ref().is_some_and(|n| n.v == first))?;
    match rest {
        None => o.ty.as_ref().map(|t| t.v),
        Some(rest) => property_type(&o.properties, rest),
    }
}

fn property_type(props: &[(S<String>, spec::Output)], target: &str) -> Option<Type> {
    let (first, rest) = match target.split_once('.') {
        Some((f, r)) => (f, Some(r)),
        None => (target, None),
    };
    let (_, o) = props.iter().find(|(n, _)| n.v == first)?;
    match rest {
        None => o.ty.as_ref().map(|t| t.v),
        Some(rest) => property_type(&o.properties, rest),
    }
}
