//! `skill` adapters: every `from` names a sibling `rest` or `mcp` adapter and one of its
//! operations or tools; skill names are unique in their adapter, tool names in their skill.

use super::is_duplicate;
use super::suggest::{did_you_mean, listing, nearest};
use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir;
use crate::names::{Names, snake_case};
use crate::spec::{self, Spec};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// A sibling adapter a skill tool may derive from: its mode and the names of its actions.
struct Sibling<'a> {
    mode: &'static str,
    actions: Vec<&'a str>,
}

fn siblings(spec: &Spec) -> Vec<(&str, Sibling<'_>)> {
    spec.exposes
        .iter()
        .filter_map(|e| match e {
            spec::Exposes::Rest(r) => Some((
                r.namespace.v.as_str(),
                Sibling {
                    mode: "rest",
                    actions: r
                        .resources
                        .iter()
                        .flat_map(|r| &r.operations)
                        .filter_map(|o| o.name.as_ref().map(|n| n.v.as_str()))
                        .collect(),
                },
            )),
            spec::Exposes::Mcp(m) => Some((
                m.namespace.v.as_str(),
                Sibling {
                    mode: "mcp",
                    actions: m
                        .tools
                        .iter()
                        .filter_map(|o| o.name.as_ref().map(|n| n.v.as_str()))
                        .collect(),
                },
            )),
            spec::Exposes::Skill(_) => None,
        })
        .collect()
}

/// The JSON Schema of a call's arguments, as the MCP adapter advertises a tool's.
fn input_schema(call: &ir::Call) -> Value {
    let mut props = Map::new();
    for i in &call.inputs {
        let mut p = json!({"type": i.ty.as_str()});
        if let Some(d) = &i.description {
            p["description"] = Value::String(d.clone());
        }
        props.insert(i.name.clone(), p);
    }
    let required: Vec<&str> = call
        .inputs
        .iter()
        .filter(|i| i.required)
        .map(|i| i.name.as_str())
        .collect();
    let mut schema = json!({"type": "object", "properties": props});
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

pub(super) fn resolve_skill(
    s: &spec::SkillExposes,
    spec: &Spec,
    rest: &[ir::RestAdapter],
    mcp: &[ir::McpAdapter],
    auth: Option<ir::InboundAuth>,
    modules: &mut Names,
    d: &mut Ctxt,
) -> ir::SkillAdapter {
    let siblings = siblings(spec);
    let mut seen_skills: HashMap<String, Span> = HashMap::new();
    let mut skills = Vec::new();
    for sk in &s.skills {
        let what = || format!("skill `{}` in `{}`", sk.name.v, s.namespace.v);
        if is_duplicate(&mut seen_skills, sk.name.v.clone(), sk.name.span, what, d) {
            continue;
        }
        let mut seen_tools: HashMap<String, Span> = HashMap::new();
        let mut tools = Vec::new();
        for t in &sk.tools {
            let what = || format!("tool `{}` in skill `{}`", t.name.v, sk.name.v);
            if is_duplicate(&mut seen_tools, t.name.v.clone(), t.name.span, what, d) {
                continue;
            }
            let kind = match &t.source {
                spec::SkillToolSource::Instruction { path, file } => {
                    ir::SkillToolKind::Instruction {
                        path: path.v.clone(),
                        file: file.clone(),
                    }
                }
                spec::SkillToolSource::From { namespace, action } => {
                    let Some((_, sib)) = siblings.iter().find(|(n, _)| *n == namespace.v) else {
                        let names = siblings.iter().map(|(n, _)| *n);
                        let hint =
                            did_you_mean(nearest(&namespace.v, names.clone()).map(str::to_string));
                        d.push(
                            Diagnostic::new(
                                namespace.span,
                                format!("`sourceNamespace: {}` names no `rest` or `mcp` adapter of this capability", namespace.v),
                            )
                            .with_help(format!("{hint}a skill tool derives from a sibling adapter: {}", listing(names))),
                        );
                        continue;
                    };
                    if !sib.actions.contains(&action.v.as_str()) {
                        let kind = if sib.mode == "mcp" {
                            "tool"
                        } else {
                            "named operation"
                        };
                        let hint = did_you_mean(
                            nearest(&action.v, sib.actions.iter().copied()).map(str::to_string),
                        );
                        d.push(
                            Diagnostic::new(
                                action.span,
                                format!("`{}` has no {kind} `{}`", namespace.v, action.v),
                            )
                            .with_help(format!(
                                "{hint}its {kind}s: {}",
                                listing(sib.actions.iter().copied())
                            )),
                        );
                        continue;
                    }
                    let call = match sib.mode {
                        "mcp" => mcp
                            .iter()
                            .filter(|m| m.namespace == namespace.v)
                            .flat_map(|m| m.tools.iter().map(|t| &t.call))
                            .find(|c| c.name == action.v),
                        _ => rest
                            .iter()
                            .filter(|r| r.namespace == namespace.v)
                            .flat_map(|r| r.routes.iter().map(|r| &r.call))
                            .find(|c| c.name == action.v),
                    };
                    // Absent only when the source has errors of its own (already reported).
                    let Some(call) = call else { continue };
                    ir::SkillToolKind::Derived {
                        namespace: namespace.v.clone(),
                        action: action.v.clone(),
                        mode: sib.mode,
                        input_schema: input_schema(call),
                        output_schema: crate::emit::output_schema(&call.output),
                    }
                }
            };
            let description = t.description.clone().unwrap_or_else(|| match &t.source {
                spec::SkillToolSource::From { namespace, action } => {
                    let found = mcp
                        .iter()
                        .filter(|m| m.namespace == namespace.v)
                        .flat_map(|m| m.tools.iter().map(|t| &t.call))
                        .chain(
                            rest.iter()
                                .filter(|r| r.namespace == namespace.v)
                                .flat_map(|r| r.routes.iter().map(|r| &r.call)),
                        )
                        .find(|c| c.name == action.v);
                    found
                        .and_then(|c| c.description.clone())
                        .unwrap_or_else(|| action.v.clone())
                }
                spec::SkillToolSource::Instruction { path, .. } => path.v.clone(),
            });
            tools.push(ir::SkillTool {
                name: t.name.v.clone(),
                description,
                kind,
            });
        }
        skills.push(ir::Skill {
            name: sk.name.v.clone(),
            description: sk.description.clone(),
            license: sk.license.clone(),
            compatibility: sk.compatibility.clone(),
            metadata: sk.metadata.clone(),
            allowed_tools: sk.allowed_tools.clone(),
            argument_hint: sk.argument_hint.clone(),
            user_invocable: sk.user_invocable,
            disable_model_invocation: sk.disable_model_invocation,
            location: sk.location.as_ref().map(|l| l.v.clone()),
            tools,
        });
    }
    ir::SkillAdapter {
        namespace: s.namespace.v.clone(),
        module: modules.claim(&snake_case(&s.namespace.v)),
        address: s
            .address
            .as_ref()
            .map_or_else(|| "127.0.0.1".to_string(), |a| a.v.clone()),
        port: s.port.v,
        description: s.description.clone(),
        auth,
        skills,
    }
}
