//! MCP resources and prompts of an `mcp` adapter.
//!
//! A dynamic resource is a call like a tool's: its inputs are the variables of its URI template
//! (RFC 6570 level 1, `{var}`: required strings), fed to the consumed operation by `with` or by
//! name, its answer shaped by `outputParameters`. A static resource is a file embedded at
//! compile time. A prompt's messages are text with `{{arg}}` placeholders, each naming one of
//! its arguments.

use super::binds::Binds;
use super::exposed::{Exposure, resolve_exposed_call};
use super::is_duplicate;
use super::suggest::{did_you_mean, listing, nearest};
use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir;
use crate::names::{Names, snake_case};
use crate::spec::{self, S, Type};
use std::collections::HashMap;

pub(super) fn resolve_resources(
    m: &spec::McpExposes,
    apis: &[ir::Api],
    binds: &Binds,
    namespaces: &[String],
    d: &mut Ctxt,
) -> Vec<ir::McpResource> {
    let mut out = Vec::new();
    let mut names: HashMap<String, Span> = HashMap::new();
    let mut uris: HashMap<String, Span> = HashMap::new();
    let mut idents = Names::default();
    for r in &m.resources {
        let dup_name = is_duplicate(
            &mut names,
            r.name.v.clone(),
            r.name.span,
            || format!("resource `{}` in `{}`", r.name.v, m.namespace.v),
            d,
        );
        let dup_uri = is_duplicate(
            &mut uris,
            r.uri.v.clone(),
            r.uri.span,
            || format!("resource URI `{}` in `{}`", r.uri.v, m.namespace.v),
            d,
        );
        check_scheme(&r.uri, d);
        let Some(vars) = uri_variables(&r.uri, d) else {
            continue;
        };
        let templated = !vars.is_empty();
        let mut binary = None;
        let (kind, mime_type) = match &r.source {
            spec::ResourceSource::File { path } => {
                if templated {
                    d.error(
                        r.uri.span,
                        "a static resource (`location`) has one URI: a template (`{var}`) needs a `call` to fill its variables",
                    );
                    continue;
                }
                let mime = r
                    .mime_type
                    .as_ref()
                    .map(|m| m.v.clone())
                    .unwrap_or_else(|| guess_mime(path));
                // A file is embedded as it is: `binary: true` serves it as a blob whatever it holds.
                if r.binary.as_ref().is_some_and(|b| b.v) {
                    binary = Some(u64::MAX);
                }
                (
                    ir::ResourceKind::File(path.display().to_string()),
                    Some(mime),
                )
            }
            spec::ResourceSource::Call(op) => {
                let mut op = (**op).clone();
                op.inputs = Some(
                    vars.iter()
                        .map(|(name, span)| spec::Param {
                            span: *span,
                            name: S::new(name.clone(), *span),
                            location: None,
                            ty: Some(S::new(Type::String, *span)),
                            description: Some(format!("`{{{name}}}` of `{}`", r.uri.v)),
                            required: true,
                            value: None,
                            mapping: None,
                            pattern: None,
                        })
                        .collect(),
                );
                let ex = Exposure {
                    prefixes: ["resources", &m.namespace.v],
                    path_vars: Vec::new(),
                    is_tool: true,
                    namespaces,
                };
                let ident = idents.claim(&format!("resource_{}", snake_case(&r.name.v)));
                let Some(call) = resolve_exposed_call(&op, &r.name.v, ident, &ex, apis, binds, d)
                else {
                    continue;
                };
                if let Some(i) = call.inputs.iter().find(|i| i.ty != Type::String) {
                    // A URI variable is text; the check above reports a mismatch, this is a guard.
                    d.error(
                        r.uri.span,
                        format!("URI variable `{}` must feed a string parameter", i.name),
                    );
                    continue;
                }
                let blob = super::binary::resource_blob(
                    r.binary.as_ref(),
                    &call,
                    apis,
                    m.max_binary.as_ref(),
                    d,
                );
                let mime = r.mime_type.as_ref().map(|m| m.v.clone());
                // A blob's media type is the upstream's (or its `outputMediaType`) unless given.
                let mime = match blob {
                    Some(_) => mime.or_else(|| {
                        let t = call.target.as_ref()?;
                        apis[t.api].operations[t.operation].media_type.clone()
                    }),
                    None => Some(mime.unwrap_or_else(|| "application/json".to_string())),
                };
                binary = blob;
                (ir::ResourceKind::Call(Box::new(call)), mime)
            }
        };
        if dup_name || dup_uri {
            continue;
        }
        out.push(ir::McpResource {
            name: r.name.v.clone(),
            title: r.label.clone(),
            description: r.description.clone(),
            uri: r.uri.v.clone(),
            templated,
            mime_type,
            kind,
            binary,
        });
    }
    out
}

/// A resource URI is absolute: `scheme:` first (RFC 3986 §3.1).
fn check_scheme(uri: &S<String>, d: &mut Ctxt) {
    let scheme = uri.v.split_once(':').map(|(s, _)| s);
    let ok = scheme.is_some_and(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if !ok {
        d.push(
            Diagnostic::new(
                uri.span,
                format!("resource `uri` must be an absolute URI, found `{}`", uri.v),
            )
            .with_help("give it a scheme: `data://...`, `docs://...`, `file:///...`"),
        );
    }
}

/// The variables of an RFC 6570 level 1 template (`{var}`), in order, at their spans; `None`
/// when the template is malformed (reported).
fn uri_variables(uri: &S<String>, d: &mut Ctxt) -> Option<Vec<(String, Span)>> {
    let mut vars: Vec<(String, Span)> = Vec::new();
    let text = &uri.v;
    let mut rest = 0;
    while let Some(open) = text[rest..].find('{').map(|i| i + rest) {
        let Some(close) = text[open..].find('}').map(|i| i + open) else {
            d.error(
                uri.span_of(open..text.len()),
                "unclosed `{` in a resource URI template",
            );
            return None;
        };
        let name = &text[open + 1..close];
        let span = uri.span_of(open..close + 1);
        if name.starts_with(['+', '#', '.', '/', ';', '?', '&']) {
            d.unsupported(
                span,
                format!("URI template operators (`{{{name}}}`): only level 1 `{{var}}`"),
            );
            return None;
        }
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            d.error(
                span,
                format!("`{{{name}}}` is not a URI template variable (letters, digits, `_`, `.`)"),
            );
            return None;
        }
        if vars.iter().any(|(v, _)| v == name) {
            d.error(
                span,
                format!("URI template variable `{{{name}}}` appears twice"),
            );
            return None;
        }
        vars.push((name.to_string(), span));
        rest = close + 1;
    }
    if text[rest..].contains('}') {
        d.error(uri.span, "`}` without `{` in a resource URI template");
        return None;
    }
    // `{a}{b}` cannot be split back into its variables.
    if text.contains("}{") {
        d.error(
            uri.span,
            "two URI template variables side by side cannot be told apart: put text between them",
        );
        return None;
    }
    Some(vars)
}

/// The media type of a file by its extension; text when it is UTF-8, else bytes.
fn guess_mime(path: &std::path::Path) -> String {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let known = match ext.as_str() {
        "md" | "markdown" => "text/markdown",
        "txt" | "text" => "text/plain",
        "json" => "application/json",
        "yaml" | "yml" => "application/yaml",
        "xml" => "application/xml",
        "html" | "htm" => "text/html",
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "css" => "text/css",
        "js" | "mjs" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let text = std::fs::read(path).is_ok_and(|b| std::str::from_utf8(&b).is_ok());
    if text {
        "text/plain".to_string()
    } else {
        "application/octet-stream".to_string()
    }
}

pub(super) fn resolve_prompts(m: &spec::McpExposes, d: &mut Ctxt) -> Vec<ir::McpPrompt> {
    let mut out = Vec::new();
    let mut names: HashMap<String, Span> = HashMap::new();
    for p in &m.prompts {
        let dup = is_duplicate(
            &mut names,
            p.name.v.clone(),
            p.name.span,
            || format!("prompt `{}` in `{}`", p.name.v, m.namespace.v),
            d,
        );
        let mut args: HashMap<String, Span> = HashMap::new();
        let mut ok = true;
        for a in &p.arguments {
            ok &= !is_duplicate(
                &mut args,
                a.name.v.clone(),
                a.name.span,
                || format!("argument `{}` of prompt `{}`", a.name.v, p.name.v),
                d,
            );
        }
        let mut used = vec![false; p.arguments.len()];
        let mut messages = Vec::new();
        for msg in &p.messages {
            match placeholders(p, &msg.content, &mut used, d) {
                Some(parts) => messages.push(ir::PromptMessage {
                    assistant: msg.role == spec::Role::Assistant,
                    parts,
                }),
                None => ok = false,
            }
        }
        if ok {
            for (a, used) in p.arguments.iter().zip(&used) {
                if !used {
                    d.warn(
                        a.name.span,
                        format!(
                            "argument `{}` of prompt `{}` is in no message: its value is ignored",
                            a.name.v, p.name.v
                        ),
                    );
                }
            }
        }
        if dup || !ok {
            continue;
        }
        out.push(ir::McpPrompt {
            name: p.name.v.clone(),
            title: p.label.clone(),
            description: p.description.clone(),
            arguments: p
                .arguments
                .iter()
                .map(|a| ir::PromptArgument {
                    name: a.name.v.clone(),
                    title: a.label.clone(),
                    description: a.description.clone(),
                    required: a.required,
                })
                .collect(),
            messages,
            file: p.file.as_ref().map(|f| f.v.display().to_string()),
        });
    }
    out
}

/// A message's text split at its `{{arg}}` placeholders, each naming an argument of `p`
/// (marked in `used`); `None` when one does not (reported at it, or at the `location` with
/// the line in the file).
fn placeholders(
    p: &spec::McpPrompt,
    content: &S<String>,
    used: &mut [bool],
    d: &mut Ctxt,
) -> Option<Vec<ir::PromptPart>> {
    let text = &content.v;
    let at = |range: std::ops::Range<usize>| {
        if p.file.is_some() {
            content.span
        } else {
            content.span_of(range)
        }
    };
    let where_ = |offset: usize| match &p.file {
        Some(f) => format!(
            " (line {} of `{}`)",
            text[..offset].matches('\n').count() + 1,
            f.v.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        ),
        None => String::new(),
    };
    let mut parts = Vec::new();
    let mut rest = 0;
    let mut ok = true;
    while let Some(open) = text[rest..].find("{{").map(|i| i + rest) {
        if open > rest {
            parts.push(ir::PromptPart::Lit(text[rest..open].to_string()));
        }
        let Some(close) = text[open + 2..].find("}}").map(|i| i + open + 2) else {
            d.error(
                at(open..text.len()),
                format!("unclosed `{{{{` in prompt `{}`{}", p.name.v, where_(open)),
            );
            return None;
        };
        let name = text[open + 2..close].trim();
        match p.arguments.iter().position(|a| a.name.v == name) {
            Some(i) => {
                used[i] = true;
                parts.push(ir::PromptPart::Arg(i));
            }
            None => {
                let known = || p.arguments.iter().map(|a| a.name.v.as_str());
                let close_name = nearest(name, known()).map(|n| format!("{{{{{n}}}}}"));
                d.push(
                    Diagnostic::new(
                        at(open..close + 2),
                        format!(
                            "placeholder `{{{{{name}}}}}` names no argument of prompt `{}`{}",
                            p.name.v,
                            where_(open)
                        ),
                    )
                    .with_help(format!(
                        "{}arguments: {}",
                        did_you_mean(close_name),
                        listing(known())
                    )),
                );
                ok = false;
            }
        }
        rest = close + 2;
    }
    if rest < text.len() {
        parts.push(ir::PromptPart::Lit(text[rest..].to_string()));
    }
    ok.then_some(parts)
}
