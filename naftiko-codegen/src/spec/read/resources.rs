//! MCP `resources` and `prompts` of an `mcp` adapter. Files they name (`location`) are found
//! here, relative to the spec; what they contain is checked in `resolve::resources`.

use super::Loader;
use super::binary::is_media_type;
use super::imports::compile_time_file;
use super::params::{read_outputs, read_with};
use crate::diag::{Ctxt, Diagnostic};
use crate::spec::obj::{Obj, bool_value, one_of};
use crate::spec::types::*;
use crate::yaml::Node;

pub(super) fn read_resource(node: &Node, loader: &Loader, d: &mut Ctxt) -> Option<McpResource> {
    let mut o = Obj::new(node, "an MCP resource", d)?;
    let name = o.req_str("name", d);
    let label = o.opt_str("label", d).map(|s| s.v);
    let uri = o.req_str("uri", d);
    let description = o.opt_str("description", d).map(|s| s.v);
    let mime_type = o.opt_str("mimeType", d);
    let call = o.opt_str("call", d);
    let with = read_with(o.take("with"), d);
    let outputs = o
        .take("outputParameters")
        .map(|p| read_outputs(p, false, d))
        .unwrap_or_default();
    let location = o.opt_str("location", d);
    let binary = o
        .beta_key("binary", "binary resources", d)
        .and_then(|n| bool_value(n, "binary", d).map(|b| S::new(b, n.span)));
    let steps = o.take("steps").map(|n| super::steps::read_steps(n, d));
    let mappings = o
        .take("mappings")
        .map(|n| super::steps::read_mappings(n, d))
        .unwrap_or_default();
    o.finish(d);
    if let Some(m) = &mime_type
        && !is_media_type(&m.v)
    {
        d.error(
            m.span,
            format!(
                "`mimeType` must be a media type such as `application/json`, found `{}`",
                m.v
            ),
        );
    }
    let orchestrated = steps.is_some() || !mappings.is_empty();
    let source = match (call, location) {
        (Some(c), _) if orchestrated => {
            d.push(
                Diagnostic::new(
                    c.span,
                    "a resource either calls one operation (`call`) or orchestrates (`steps`), not both",
                )
                .with_help("move the call into a `call` step"),
            );
            return None;
        }
        (Some(c), Some(l)) => {
            d.error(
                l.span,
                format!(
                    "a resource is either dynamic (`call: {}`) or static (`location`), not both",
                    c.v
                ),
            );
            return None;
        }
        (None, Some(l)) if orchestrated => {
            d.error(
                l.span,
                "a static resource (`location`) is a file: it has no `steps` or `mappings`",
            );
            return None;
        }
        (None, Some(l)) => {
            if let Some((k, _)) = with.first() {
                d.error(
                    k.span,
                    "`with` feeds the parameters of a `call`; a static resource (`location`) has none",
                );
            }
            if !outputs.is_empty() {
                d.error(
                    l.span,
                    "`outputParameters` shape a `call`'s answer; a static resource (`location`) has none",
                );
            }
            ResourceSource::File {
                path: static_file(&l, loader, d)?,
            }
        }
        (None, None) if !orchestrated => {
            d.push(
                Diagnostic::new(
                    node.span,
                    "an MCP resource needs `call` or `steps` (dynamic) or `location` (static)",
                )
                .with_help("`call: namespace.operation`, `steps` with `mappings`, or `location: file:///./file.md` relative to the spec"),
            );
            return None;
        }
        (call, None) => ResourceSource::Call(Box::new(ExposedOperation {
            span: node.span,
            name: name.clone(),
            method: None,
            label: label.clone(),
            description: description.clone(),
            call,
            with,
            inputs: None,
            outputs,
            hints: Hints::default(),
            orchestrated,
            reference: None,
            semantics: Semantics::default(),
            steps: steps.unwrap_or_default(),
            mappings,
            responses: None,
        })),
    };
    Some(McpResource {
        span: node.span,
        name: name?,
        label,
        uri: uri?,
        description,
        mime_type,
        source,
        binary,
    })
}

/// The file of a static resource: it must exist when the spec is compiled (it is embedded).
fn static_file(l: &S<String>, loader: &Loader, d: &mut Ctxt) -> Option<std::path::PathBuf> {
    let (path, display) = located(l, "resource", loader, d)?;
    if path.is_dir() {
        d.unsupported(
            l.span,
            format!(
                "a resource `location` naming a directory (`{display}`): name one file per resource"
            ),
        );
        return None;
    }
    if !path.is_file() {
        d.push(
            Diagnostic::new(l.span, format!("resource file `{display}` does not exist")).with_help(
                format!(
                    "looked at {}; a static resource is embedded when the spec is compiled",
                    path.display()
                ),
            ),
        );
        return None;
    }
    Some(path)
}

/// A `location`'s path, or `None` (reported) when it is not a `file://` location.
fn located(
    l: &S<String>,
    what: &str,
    loader: &Loader,
    d: &mut Ctxt,
) -> Option<(std::path::PathBuf, String)> {
    match compile_time_file(loader, l) {
        Ok(p) => Some(p),
        Err(why) if why.contains("not supported yet") => {
            d.unsupported(
                l.span,
                format!("a {what} `location` other than `file://` (`{}`)", l.v),
            );
            None
        }
        Err(why) => {
            d.error(
                l.span,
                format!("{what} `location: {}` is not a file: {why}", l.v),
            );
            None
        }
    }
}

pub(super) fn read_prompt(node: &Node, loader: &Loader, d: &mut Ctxt) -> Option<McpPrompt> {
    let mut o = Obj::new(node, "an MCP prompt", d)?;
    let name = o.req_str("name", d);
    let label = o.opt_str("label", d).map(|s| s.v);
    let description = o.opt_str("description", d).map(|s| s.v);
    let arguments = o.list("arguments", d, read_argument).unwrap_or_default();
    let template = o.list("template", d, read_message);
    let location = o.opt_str("location", d);
    o.finish(d);
    let (messages, file) = match (template, location) {
        (Some(_), Some(l)) => {
            d.error(
                l.span,
                "a prompt is either an inline `template` or a `location` file, not both",
            );
            return None;
        }
        (Some(messages), None) => {
            if messages.is_empty() {
                d.error(node.span, "a prompt `template` needs at least one message");
            }
            (messages, None)
        }
        (None, Some(l)) => {
            let (path, display) = located(&l, "prompt", loader, d)?;
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    let why = if e.kind() == std::io::ErrorKind::NotFound {
                        "does not exist".to_string()
                    } else {
                        format!("cannot be read as text: {e}")
                    };
                    d.push(
                        Diagnostic::new(l.span, format!("prompt file `{display}` {why}"))
                            .with_help(format!(
                                "looked at {}; a prompt file is embedded when the spec is compiled",
                                path.display()
                            )),
                    );
                    return None;
                }
            };
            let message = PromptMessage {
                role: Role::User,
                content: S::new(text, l.span),
            };
            (vec![message], Some(S::new(path, l.span)))
        }
        (None, None) => {
            d.push(
                Diagnostic::new(
                    node.span,
                    "an MCP prompt needs an inline `template` or a `location` file",
                )
                .with_help("`template: [{role: user, content: \"... {{arg}} ...\"}]`"),
            );
            return None;
        }
    };
    Some(McpPrompt {
        span: node.span,
        name: name?,
        label,
        description,
        arguments,
        messages,
        file,
    })
}

fn read_argument(node: &Node, d: &mut Ctxt) -> Option<PromptArgument> {
    let mut o = Obj::new(node, "a prompt argument", d)?;
    let name = o.req_str("name", d);
    let label = o.opt_str("label", d).map(|s| s.v);
    let description = o.opt_str("description", d).map(|s| s.v);
    let required = o.opt_bool("required", d).unwrap_or(true);
    o.finish(d);
    Some(PromptArgument {
        name: name?,
        label,
        description,
        required,
    })
}

fn read_message(node: &Node, d: &mut Ctxt) -> Option<PromptMessage> {
    let mut o = Obj::new(node, "a prompt message", d)?;
    let role = match o.take("role") {
        Some(r) => one_of(
            r,
            "prompt role",
            &[("user", Role::User), ("assistant", Role::Assistant)],
            d,
        ),
        None => {
            d.error(node.span, "missing required key `role` in a prompt message");
            None
        }
    };
    let content = o.req_str("content", d);
    o.finish(d);
    Some(PromptMessage {
        role: role?.v,
        content: content?,
    })
}
