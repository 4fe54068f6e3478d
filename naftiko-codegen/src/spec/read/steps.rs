//! `steps` and `mappings` of an orchestrated operation or tool (`OperationStep*`,
//! `StepOutputMapping`).

use super::params::read_with;
use crate::diag::Ctxt;
use crate::spec::obj::{Obj, seq};
use crate::spec::types::*;
use crate::yaml::Node;

pub(super) fn read_steps(node: &Node, d: &mut Ctxt) -> Vec<Step> {
    seq(node, "`steps`", d)
        .iter()
        .filter_map(|n| read_step(n, d))
        .collect()
}

fn read_step(node: &Node, d: &mut Ctxt) -> Option<Step> {
    let mut o = Obj::new(node, "a step", d)?;
    let name = o.req_str("name", d);
    let ty = o.req_str("type", d);
    o.ignore(&["description", "label"]);
    let kind = match ty.as_ref().map(|t| t.v.as_str()) {
        Some("call") => {
            let call = o.req_str("call", d);
            let with = read_with(o.take("with"), d);
            call.map(|call| StepKind::Call { call, with })
        }
        Some("lookup") => {
            let index = o.req_str("index", d);
            let field = o.req_str("match", d);
            let value = o.req_str("lookupValue", d);
            let keep = o
                .take("outputParameters")
                .map(|n| {
                    seq(n, "`outputParameters` of a lookup step", d)
                        .iter()
                        .filter_map(|f| match f.as_str() {
                            Some(s) => Some(S::new(s.to_string(), f.span)),
                            None => {
                                d.error(
                                    f.span,
                                    format!(
                                        "a lookup step's `outputParameters` are field names, found {}",
                                        f.describe()
                                    ),
                                );
                                None
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            match (index, field, value) {
                (Some(index), Some(field), Some(value)) => Some(StepKind::Lookup {
                    index,
                    field,
                    value,
                    keep,
                }),
                _ => None,
            }
        }
        Some("script") => {
            let language = o.opt_str("language", d);
            let location = o.opt_str("location", d);
            let file = o.req_str("file", d);
            let dependencies = o
                .take("dependencies")
                .map(|n| {
                    seq(n, "`dependencies` of a script step", d)
                        .iter()
                        .filter_map(|f| match f.as_str() {
                            Some(s) => Some(S::new(s.to_string(), f.span)),
                            None => {
                                d.error(
                                    f.span,
                                    format!(
                                        "a script step's `dependencies` are file paths, found {}",
                                        f.describe()
                                    ),
                                );
                                None
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let with = read_with(o.take("with"), d);
            file.map(|file| {
                StepKind::Script(ScriptStep {
                    language,
                    location,
                    file,
                    dependencies,
                    with,
                    files: Vec::new(),
                    timeout_ms: 0,
                    statement_limit: 0,
                    enabled: None,
                })
            })
        }
        Some(other) => {
            if let Some(t) = &ty {
                d.error(
                    t.span,
                    format!("unknown step type `{other}`: expected `call`, `lookup` or `script`"),
                );
            }
            o.ignore_all();
            None
        }
        None => {
            o.ignore_all();
            None
        }
    };
    o.finish(d);
    Some(Step {
        span: node.span,
        name: name?,
        kind: kind?,
    })
}

pub(super) fn read_mappings(node: &Node, d: &mut Ctxt) -> Vec<StepMapping> {
    seq(node, "`mappings`", d)
        .iter()
        .filter_map(|n| {
            let mut o = Obj::new(n, "a mapping", d)?;
            let target = o.req_str("targetName", d);
            let value = o.req_str("value", d);
            o.finish(d);
            Some(StepMapping {
                span: n.span,
                target: target?,
                value: value?,
            })
        })
        .collect()
}
