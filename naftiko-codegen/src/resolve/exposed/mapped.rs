//! `mapping` on a declared exposed input: where the input goes in the consumed request.
//! `$.body.name` is a field of its JSON body (`$.body.a.b` nests; a consumed operation that
//! declares no body gets an optional JSON object body for the mapped fields, see
//! [`open_bodies`]); `$.path.x`, `$.query.x` and `$.header.x` name a consumed parameter.

use super::inputs::Feeding;
use crate::diag::{Ctxt, Diagnostic};
use crate::ir::{self, Arg, Body, In, JsonArg, Type};
use crate::spec::{self, S};

/// Where a mapping puts its input: a location of the consumed request and a name there (a
/// field path for the body), or why it is not one (reported).
pub(in crate::resolve) fn mapping_target(m: &S<String>, d: &mut Ctxt) -> Option<(In, Vec<String>)> {
    let text = m.v.trim();
    let places = [
        ("$.body.", In::Body),
        ("$.path.", In::Path),
        ("$.query.", In::Query),
        ("$.header.", In::Header),
    ];
    let found = places.iter().find_map(|(prefix, at)| {
        let rest = text.strip_prefix(prefix)?;
        let path: Vec<String> = if *at == In::Body {
            rest.split('.').map(str::to_string).collect()
        } else {
            vec![rest.to_string()]
        };
        path.iter()
            .all(|f| !f.is_empty() && !f.contains(['[', ']', '*', '?']))
            .then_some((*at, path))
    });
    if found.is_none() {
        d.push(
            Diagnostic::new(
                m.span,
                format!("an input `mapping` says where the input goes in the consumed request, found `{text}`"),
            )
            .with_help("write `$.body.<field>` (`$.body.a.b` nests), `$.path.<name>`, `$.query.<name>` or `$.header.<name>`"),
        );
    }
    found
}

/// Before the exposures are resolved: a consumed operation with no body that an exposure maps
/// inputs into (`$.body.x`) gets an optional JSON object parameter `body` for them.
pub(in crate::resolve) fn open_bodies(spec: &spec::Spec, apis: &mut [ir::Api]) {
    let mut calls: Vec<&str> = Vec::new();
    for e in &spec.exposes {
        let ops: Vec<&spec::ExposedOperation> = match e {
            spec::Exposes::Rest(r) => r.resources.iter().flat_map(|r| &r.operations).collect(),
            spec::Exposes::Mcp(m) => m.tools.iter().collect(),
            spec::Exposes::Skill(_) => Vec::new(),
        };
        for op in ops {
            let maps = op.inputs.iter().flatten().any(|p| {
                p.mapping
                    .as_ref()
                    .is_some_and(|m| m.v.trim().starts_with("$.body."))
            });
            if let (true, Some(call)) = (maps, &op.call) {
                calls.push(&call.v);
            }
        }
    }
    for call in calls {
        let Some((ns, name)) = call.split_once('.') else {
            continue;
        };
        let Some(op) = apis
            .iter_mut()
            .filter(|a| a.namespace == ns)
            .flat_map(|a| a.operations.iter_mut())
            .find(|o| o.name == name)
        else {
            continue;
        };
        if op.body != Body::None {
            continue;
        }
        let mut ident = "body".to_string();
        let mut n = 2;
        while op.params.iter().any(|p| p.ident == ident) {
            ident = format!("body_{n}");
            n += 1;
        }
        op.params.push(ir::Param {
            name: "body".to_string(),
            ident,
            location: In::Body,
            ty: Type::Object,
            required: false,
            description: Some(
                "JSON request body: the fields the exposed inputs map to (`$.body.<field>`)."
                    .to_string(),
            ),
            fixed: None,
            default_input: None,
            any_json: false,
        });
        op.body = Body::Whole(op.params.len() - 1);
    }
}

impl Feeding<'_> {
    /// Step 2b: declared inputs with `mapping: $.body.<field>` fill that field of the body.
    pub(super) fn feed_from_mappings(&mut self, d: &mut Ctxt) {
        let Some(declared) = self.declared else {
            return;
        };
        for p in declared {
            let Some(m) = &p.mapping else {
                continue;
            };
            let Some((at, path)) = mapping_target(m, d) else {
                continue;
            };
            let Some(input) = self.inputs.iter().position(|i| i.name == p.name.v) else {
                continue;
            };
            let target = self.target();
            if at != In::Body {
                let found = self
                    .op
                    .params
                    .iter()
                    .position(|q| q.location == at && q.name == path[0]);
                match found {
                    Some(pi) if !self.fed[pi] => {
                        self.args[pi] = Arg::Input(input);
                        self.fed[pi] = true;
                    }
                    Some(pi) => d.error(
                        m.span,
                        format!(
                            "`{}` of `{target}` is fed twice (by `with` or another mapping)",
                            self.op.params[pi].name
                        ),
                    ),
                    None => d.error(
                        m.span,
                        format!(
                            "`{}` maps to {} parameter `{}`, which `{target}` does not have",
                            p.name.v,
                            at.as_str(),
                            path[0]
                        ),
                    ),
                }
                continue;
            }
            let (pi, rest) = match &self.op.body {
                Body::Whole(pi) => (*pi, path.as_slice()),
                Body::Fields(fields) => {
                    let found = fields
                        .iter()
                        .copied()
                        .find(|f| self.op.params[*f].name == path[0]);
                    match found {
                        Some(f) => (f, &path[1..]),
                        None => {
                            let names: Vec<&str> = fields
                                .iter()
                                .map(|f| self.op.params[*f].name.as_str())
                                .collect();
                            d.push(
                                Diagnostic::new(
                                    m.span,
                                    format!("`{}` maps to body field `{}`, which `{target}` does not have", p.name.v, path[0]),
                                )
                                .with_help(format!("its body fields: {}", names.join(", "))),
                            );
                            continue;
                        }
                    }
                }
                _ => {
                    d.push(
                        Diagnostic::new(
                            m.span,
                            format!("`{}` maps into the JSON body of `{target}`, whose body is a template", p.name.v),
                        )
                        .with_help("name the input in the body template instead (`{{x}}`)"),
                    );
                    continue;
                }
            };
            if rest.is_empty() {
                if self.fed[pi] {
                    d.error(
                        m.span,
                        format!(
                            "`{}` of `{target}` is fed twice (by `with` or another mapping)",
                            self.op.params[pi].name
                        ),
                    );
                    continue;
                }
                self.args[pi] = Arg::Input(input);
            } else {
                let mut tree = match std::mem::replace(&mut self.args[pi], Arg::Absent) {
                    Arg::Json(j) => j,
                    Arg::Absent if !self.fed[pi] => JsonArg::Object(Vec::new()),
                    other => {
                        self.args[pi] = other;
                        d.error(
                            m.span,
                            format!(
                                "`{}` of `{target}` is fed by `with` and by mappings",
                                self.op.params[pi].name
                            ),
                        );
                        continue;
                    }
                };
                if !insert(&mut tree, rest, input) {
                    d.error(
                        m.span,
                        format!("two inputs map to the same body field `{}`", path.join(".")),
                    );
                }
                self.args[pi] = Arg::Json(tree);
            }
            self.fed[pi] = true;
        }
    }
}

/// Puts `input` at `path` in an object tree; false when the field is taken.
fn insert(tree: &mut JsonArg, path: &[String], input: usize) -> bool {
    let JsonArg::Object(entries) = tree else {
        return false;
    };
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let at = entries.iter().position(|(k, _)| k == first);
    match (at, rest.is_empty()) {
        (Some(_), true) => false,
        (None, true) => {
            entries.push((first.clone(), JsonArg::Input(input)));
            true
        }
        (Some(i), false) => insert(&mut entries[i].1, rest, input),
        (None, false) => {
            let mut sub = JsonArg::Object(Vec::new());
            let ok = insert(&mut sub, rest, input);
            entries.push((first.clone(), sub));
            ok
        }
    }
}
