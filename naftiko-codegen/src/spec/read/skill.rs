//! `skill` adapters: a catalog of Agent Skills (<https://agentskills.io/specification>), each
//! with its frontmatter and tools derived `from` a sibling adapter or read from `instruction`
//! files under the skill's `location` (read when the spec is compiled).

use super::Loader;
use super::imports::compile_time_file;
use crate::diag::{Ctxt, Diagnostic};
use crate::spec::obj::{Obj, node_has_key};
use crate::spec::types::*;
use crate::yaml::{Kind, Node};
use std::path::{Component, Path};

/// The largest `instruction` file embedded in the generated code.
pub(crate) const MAX_INSTRUCTION_BYTES: u64 = 1 << 20;

pub(super) fn read_skill_exposes(
    node: &Node,
    mut o: Obj<'_>,
    loader: &Loader,
    d: &mut Ctxt,
) -> Option<Exposes> {
    let namespace = o.req_str("namespace", d);
    let address = o.opt_str("address", d);
    let port = super::exposes::read_port(&mut o, d);
    let description = o.opt_str("description", d).map(|s| s.v);
    let auth = o
        .take("authentication")
        .and_then(|a| super::exposes::read_inbound_auth(a, d));
    let skills = o
        .list("skills", d, |s, d| read_skill(s, loader, d))
        .unwrap_or_else(|| {
            d.push(
                Diagnostic::new(
                    node.span,
                    "missing required key `skills` in a `skill` adapter",
                )
                .with_help("list the skills: `skills: [{name: my-skill, description: ...}]`"),
            );
            Vec::new()
        });
    if skills.is_empty() && node_has_key(node, "skills") {
        d.error(node.span, "a `skill` adapter needs at least one skill");
    }
    o.finish(d);
    if port.is_none() && !node_has_key(node, "port") {
        d.error(
            node.span,
            "missing required key `port` in a `skill` adapter",
        );
    }
    Some(Exposes::Skill(SkillExposes {
        span: node.span,
        namespace: namespace?,
        address,
        port: port?,
        description,
        auth,
        skills,
    }))
}

/// An Agent Skills name: 1 to 64 lowercase letters, digits and hyphens, no hyphen at either end
/// nor two in a row.
fn check_skill_name(name: &S<String>, d: &mut Ctxt) {
    let n = &name.v;
    let ok = !n.is_empty()
        && n.len() <= 64
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !n.starts_with('-')
        && !n.ends_with('-')
        && !n.contains("--");
    if !ok {
        d.push(
            Diagnostic::new(
                name.span,
                format!("skill name `{n}` is not an Agent Skills name"),
            )
            .with_help(format!(
                "1 to 64 lowercase letters, digits and single hyphens, e.g. `{}`",
                suggest_kebab(n)
            )),
        );
    }
}

fn suggest_kebab(n: &str) -> String {
    let mut out = String::new();
    for c in n.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out
        .trim_end_matches('-')
        .chars()
        .take(64)
        .collect::<String>();
    if out.is_empty() {
        "my-skill".into()
    } else {
        out
    }
}

/// A tool name (`IdentifierKebab`): letters, digits and hyphens.
fn check_tool_name(name: &S<String>, d: &mut Ctxt) {
    let n = &name.v;
    if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        d.push(
            Diagnostic::new(
                name.span,
                format!("skill tool name `{n}` is not kebab-case"),
            )
            .with_help(format!(
                "letters, digits and hyphens only, e.g. `{}`",
                suggest_kebab(n)
            )),
        );
    }
}

/// An optional string of at most `max` characters.
fn bounded(o: &mut Obj<'_>, key: &'static str, max: usize, d: &mut Ctxt) -> Option<String> {
    let s = o.opt_str(key, d)?;
    let len = s.v.chars().count();
    if len > max {
        d.push(
            Diagnostic::new(
                s.span,
                format!(
                    "`{key}` is {len} characters long; the Agent Skills frontmatter allows {max}"
                ),
            )
            .with_help("shorten it; longer guidance belongs in the skill's files (`location`)"),
        );
    }
    Some(s.v)
}

fn read_skill(node: &Node, loader: &Loader, d: &mut Ctxt) -> Option<ExposedSkill> {
    let mut o = Obj::new(node, "a skill", d)?;
    let name = o.req_str("name", d);
    if let Some(n) = &name {
        check_skill_name(n, d);
    }
    let description_present = o.has("description");
    let description = bounded(&mut o, "description", 1024, d);
    if description.as_deref().is_some_and(|s| s.trim().is_empty()) {
        d.push(
            Diagnostic::new(node.span, "a skill's `description` must not be empty")
                .with_help("say what the skill does and when an agent should use it"),
        );
    } else if description.is_none() && !description_present {
        d.push(
            Diagnostic::new(node.span, "missing required key `description` in a skill")
                .with_help("say what the skill does and when an agent should use it: agents discover skills by it"),
        );
    }
    let license = o.opt_str("license", d).map(|s| s.v);
    let compatibility = bounded(&mut o, "compatibility", 500, d);
    let allowed_tools = bounded(&mut o, "allowed-tools", 1024, d);
    let argument_hint = o.opt_str("argument-hint", d).map(|s| s.v);
    let user_invocable = o.opt_bool("user-invocable", d);
    let disable_model_invocation = o.opt_bool("disable-model-invocation", d);
    let metadata = o
        .take("metadata")
        .map(|m| read_metadata(m, d))
        .unwrap_or_default();
    let location = o
        .opt_str("location", d)
        .and_then(|l| skill_dir(&l, loader, d));
    let tools = o
        .list("tools", d, |t, d| read_tool(t, location.as_ref(), d))
        .unwrap_or_default();
    o.finish(d);
    Some(ExposedSkill {
        span: node.span,
        name: name?,
        description: description.unwrap_or_default(),
        license,
        compatibility,
        metadata,
        allowed_tools,
        argument_hint,
        user_invocable,
        disable_model_invocation,
        location,
        tools,
    })
}

/// `metadata`: string keys to string values (numbers and booleans are kept as written).
fn read_metadata(node: &Node, d: &mut Ctxt) -> Vec<(String, String)> {
    let Kind::Map(entries) = &node.kind else {
        d.push(
            Diagnostic::new(
                node.span,
                format!("`metadata` must be a mapping, found {}", node.describe()),
            )
            .with_help("`metadata: {author: me, category: finance}`"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in entries {
        match (k.as_str(), &v.kind) {
            (Some(k), Kind::Scalar { value, .. }) if !v.is_null() => {
                out.push((k.to_string(), value.clone()));
            }
            (Some(k), _) => d.push(
                Diagnostic::new(
                    v.span,
                    format!("`metadata.{k}` must be a string, found {}", v.describe()),
                )
                .with_help("metadata values are strings; quote a list or write it space-delimited"),
            ),
            (None, _) => d.error(k.span, "`metadata` keys must be strings"),
        }
    }
    out
}

/// A skill's `location`: a `file://` directory, its absolute path (it need not exist when the
/// spec is compiled unless a tool reads an `instruction` from it).
fn skill_dir(l: &S<String>, loader: &Loader, d: &mut Ctxt) -> Option<S<String>> {
    let trimmed = S::new(l.v.trim_end_matches('/').to_string(), l.span);
    match compile_time_file(loader, &trimmed) {
        Ok((path, _)) => Some(S::new(path.to_string_lossy().into_owned(), l.span)),
        Err(why) if why.contains("not supported yet") => {
            d.unsupported(
                l.span,
                format!("a skill `location` other than `file://` (`{}`)", l.v),
            );
            None
        }
        Err(why) => {
            d.push(
                Diagnostic::new(l.span, format!("skill `location: {}` is not a directory: {why}", l.v))
                    .with_help("`file:///./skills/my-skill` (relative to the spec) or `file:///opt/skills/my-skill`"),
            );
            None
        }
    }
}

fn read_tool(node: &Node, location: Option<&S<String>>, d: &mut Ctxt) -> Option<SkillTool> {
    let mut o = Obj::new(node, "a skill tool", d)?;
    let name = o.req_str("name", d);
    if let Some(n) = &name {
        check_tool_name(n, d);
    }
    let description = o.opt_str("description", d).map(|s| s.v);
    let from = o.take("from");
    let instruction = o.opt_str("instruction", d);
    // An MCP tool written in a skill (`call`, `with`, `hints`, ...): a skill only describes.
    if let Some(call) = o.take("call") {
        o.ignore(&[
            "with",
            "hints",
            "inputParameters",
            "outputParameters",
            "steps",
            "mappings",
        ]);
        o.finish(d);
        d.push(
            Diagnostic::new(call.span, "a skill tool does not `call`: it describes a tool of a sibling adapter")
                .with_help("declare the tool (its `call`, `with`, `hints`) in an `mcp` adapter, and here `from: {sourceNamespace: <that adapter>, action: <the tool>}`"),
        );
        return None;
    }
    // A derived tool without one takes its source's description.
    if description.is_none() && instruction.is_some() {
        d.warn(
            node.span,
            "an instruction tool without `description`: agents discover tools by it",
        );
    }
    o.finish(d);
    let source = match (from, instruction) {
        (Some(_), Some(i)) => {
            d.push(
                Diagnostic::new(
                    i.span,
                    "a skill tool has either `from` or `instruction`, not both",
                )
                .with_help("split it into two tools"),
            );
            return None;
        }
        (None, None) => {
            d.push(
                Diagnostic::new(node.span, "a skill tool needs `from` or `instruction`")
                    .with_help("`from: {sourceNamespace: <an api or mcp adapter>, action: <its operation or tool>}`, or `instruction: guide.md` under the skill's `location`"),
            );
            return None;
        }
        (Some(f), None) => read_from(f, d)?,
        (None, Some(i)) => instruction_file(i, location, d)?,
    };
    Some(SkillTool {
        span: node.span,
        name: name?,
        description,
        source,
    })
}

fn read_from(node: &Node, d: &mut Ctxt) -> Option<SkillToolSource> {
    let mut o = Obj::new(node, "a skill tool's `from`", d)?;
    let namespace = o.req_str("sourceNamespace", d);
    let action = o.req_str("action", d);
    o.finish(d);
    Some(SkillToolSource::From {
        namespace: namespace?,
        action: action?,
    })
}

/// An `instruction`: a relative path under the skill's `location`, naming a file that exists
/// now (it is embedded) and is at most [`MAX_INSTRUCTION_BYTES`] long.
fn instruction_file(
    i: S<String>,
    location: Option<&S<String>>,
    d: &mut Ctxt,
) -> Option<SkillToolSource> {
    let Some(location) = location else {
        d.push(
            Diagnostic::new(i.span, format!("`instruction: {}` needs the skill's `location`", i.v))
                .with_help("add `location: file:///./skills/<skill>` to the skill: instruction files are read from that directory"),
        );
        return None;
    };
    let rel = Path::new(&i.v);
    if i.v.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        d.push(
            Diagnostic::new(
                i.span,
                format!(
                    "`instruction: {}` must be a relative path inside the skill's `location`",
                    i.v
                ),
            )
            .with_help(
                "a path like `guide.md` or `docs/guide.md`, without `..`, `.` or a leading `/`",
            ),
        );
        return None;
    }
    let file = Path::new(&location.v).join(rel);
    match std::fs::metadata(&file) {
        Ok(m) if m.is_file() && m.len() <= MAX_INSTRUCTION_BYTES => {
            Some(SkillToolSource::Instruction {
                path: i,
                file: file.to_string_lossy().into_owned(),
            })
        }
        Ok(m) if m.is_file() => {
            d.push(
                Diagnostic::new(i.span, format!("instruction file `{}` is {} bytes; at most {MAX_INSTRUCTION_BYTES} are embedded", i.v, m.len()))
                    .with_help("split it, or serve it as another file of the skill's `location` (listed under `/skills/<name>/contents`)"),
            );
            None
        }
        _ => {
            d.push(
                Diagnostic::new(i.span, format!("instruction file `{}` does not exist", i.v))
                    .with_help(format!(
                        "looked at {}; instruction files are embedded when the spec is compiled",
                        file.display()
                    )),
            );
            None
        }
    }
}
