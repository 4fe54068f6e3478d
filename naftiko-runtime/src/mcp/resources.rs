//! MCP resources and prompts of a generated adapter: files embedded at compile time, consumed
//! operations' shaped answers (URI templates of RFC 6570 level 1 feed their variables to the
//! call), and prompt templates whose `{{arg}}` placeholders are filled from the arguments.
//! Errors as the MCP specification says: an unknown resource is `-32002` (rmcp turns it into
//! `-32602` for peers of 2026-07-28 and later), an unknown prompt or a missing required
//! argument `-32602`.

use super::{ArgError, Args, Dispatch, Failure, Outcome};
use base64::Engine as _;
use rmcp::ErrorData;
use rmcp::model::{
    GetPromptResult, JsonObject, Prompt, PromptArgument, PromptMessage, ReadResourceResult,
    Resource, ResourceContents, ResourceTemplate, Role,
};
use serde_json::{Map, Value, json};

/// One resource as the spec declares it.
#[derive(Debug)]
pub struct ResourceDef {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    /// The URI, or an RFC 6570 level 1 template when `templated`.
    pub uri: &'static str,
    pub templated: bool,
    pub mime_type: Option<&'static str>,
    pub source: ResourceSource,
    /// `binary: true` (Ikanos beta5): read as a blob, up to this many bytes (`maxBinarySize`).
    pub binary: Option<u64>,
}

/// Where a resource's contents come from.
#[derive(Debug)]
pub enum ResourceSource {
    /// A file embedded at compile time.
    Embedded(&'static [u8]),
    /// The generated dispatch, called with the URI template's variables as arguments.
    Call,
}

/// One prompt as the spec declares it.
#[derive(Debug)]
pub struct PromptDef {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    pub arguments: &'static [PromptArgDef],
    pub messages: &'static [MessageDef],
}

#[derive(Debug)]
pub struct PromptArgDef {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: Option<&'static str>,
    pub required: bool,
}

#[derive(Debug)]
pub struct MessageDef {
    pub assistant: bool,
    pub parts: &'static [PromptPart],
}

#[derive(Debug)]
pub enum PromptPart {
    Lit(&'static str),
    /// The argument with this index (empty text when an optional one is absent).
    Arg(usize),
}

impl ResourceDef {
    pub(super) fn to_resource(&self) -> Resource {
        let mut r = Resource::new(self.uri, self.name);
        r.title = self.title.map(str::to_string);
        r.description = self.description.map(str::to_string);
        r.mime_type = self.mime_type.map(str::to_string);
        if let ResourceSource::Embedded(bytes) = self.source {
            r.size = Some(bytes.len() as u64);
        }
        r
    }

    pub(super) fn to_template(&self) -> ResourceTemplate {
        let mut t = ResourceTemplate::new(self.uri, self.name);
        t.title = self.title.map(str::to_string);
        t.description = self.description.map(str::to_string);
        t.mime_type = self.mime_type.map(str::to_string);
        t
    }

    fn contents(&self, uri: &str, body: Vec<u8>) -> ResourceContents {
        let mime = self.mime_type.map(str::to_string);
        if self.binary.is_some() {
            return ResourceContents::BlobResourceContents {
                uri: uri.to_string(),
                mime_type: mime,
                blob: base64::engine::general_purpose::STANDARD.encode(body),
                meta: None,
            };
        }
        match String::from_utf8(body) {
            Ok(text) => ResourceContents::TextResourceContents {
                uri: uri.to_string(),
                mime_type: mime,
                text,
                meta: None,
            },
            Err(e) => ResourceContents::BlobResourceContents {
                uri: uri.to_string(),
                mime_type: mime,
                blob: base64::engine::general_purpose::STANDARD.encode(e.into_bytes()),
                meta: None,
            },
        }
    }
}

/// The values of `template`'s variables in `uri`, if it matches: literal text must be equal;
/// a variable takes the text up to the next literal (one or more characters, no `/`, `?` or
/// `#`), percent-decoded.
pub fn match_template(template: &str, uri: &str) -> Option<Vec<(String, String)>> {
    let mut vars = Vec::new();
    let (mut t, mut u) = (template, uri);
    loop {
        let Some(open) = t.find('{') else {
            return (t == u).then_some(vars);
        };
        u = u.strip_prefix(&t[..open])?;
        let close = t[open..].find('}')? + open;
        let name = &t[open + 1..close];
        t = &t[close + 1..];
        let next = t.find('{').map_or(t, |i| &t[..i]);
        let end = if next.is_empty() {
            u.len()
        } else {
            u.find(next)?
        };
        let raw = &u[..end];
        if raw.is_empty() || raw.contains(['/', '?', '#']) {
            return None;
        }
        vars.push((name.to_string(), percent_decode(raw)?));
        u = &u[end..];
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// `resources/read`: the resource at `uri` (an exact URI first, then the templates in order).
pub(super) async fn read(
    defs: &'static [ResourceDef],
    dispatch: &Dispatch,
    uri: &str,
) -> Result<ReadResourceResult, ErrorData> {
    let exact = defs.iter().position(|r| !r.templated && r.uri == uri);
    let found = exact.map(|i| (i, Vec::new())).or_else(|| {
        defs.iter().enumerate().find_map(|(i, r)| {
            if !r.templated {
                return None;
            }
            match_template(r.uri, uri).map(|vars| (i, vars))
        })
    });
    let Some((index, vars)) = found else {
        return Err(ErrorData::resource_not_found(
            format!("resource not found: `{uri}`"),
            Some(json!({ "uri": uri })),
        ));
    };
    let def = &defs[index];
    let body = match def.source {
        ResourceSource::Embedded(bytes) => bytes.to_vec(),
        ResourceSource::Call => {
            let map: JsonObject = vars
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect();
            let outcome = dispatch(
                index,
                Args {
                    tool: def.name,
                    map,
                },
            )
            .await
            .map_err(ArgError::into_error)?;
            if let Some(max) = def.binary {
                tracing::info!(target: "naftiko::mcp", resource = def.name, "resources/read");
                return Ok(ReadResourceResult::new(vec![outcome_blob(
                    def, uri, outcome, max,
                )?]));
            }
            outcome_text(def, uri, outcome)?.into_bytes()
        }
    };
    tracing::info!(target: "naftiko::mcp", resource = def.name, "resources/read");
    Ok(ReadResourceResult::new(vec![def.contents(uri, body)]))
}

/// A binary resource's blob: the call's answer (`{"mimeType", "data"}`, as a binary upstream
/// answer reads) with the resource's `mimeType`, else the answer's own.
fn outcome_blob(
    def: &ResourceDef,
    uri: &str,
    outcome: Outcome,
    max_bytes: u64,
) -> Result<ResourceContents, ErrorData> {
    let value = match outcome.result {
        Ok(v) => v,
        Err(e) => return Err(failure(uri, e)),
    };
    let (Some(data), mime) = (
        value.get("data").and_then(Value::as_str),
        value.get("mimeType").and_then(Value::as_str),
    ) else {
        return Err(ErrorData::internal_error(
            format!("resource `{uri}`: the upstream's answer was not read as binary"),
            Some(json!({ "uri": uri })),
        ));
    };
    let padding = data.bytes().rev().take_while(|b| *b == b'=').count() as u64;
    let size = (data.len() as u64 / 4 * 3).saturating_sub(padding);
    if size > max_bytes {
        return Err(ErrorData::internal_error(
            format!(
                "resource `{uri}`: the upstream's binary answer ({size} bytes) is larger than `maxBinarySize` ({max_bytes} bytes)"
            ),
            Some(json!({ "uri": uri, "size": size, "maxBinarySize": max_bytes })),
        ));
    }
    Ok(ResourceContents::BlobResourceContents {
        uri: uri.to_string(),
        mime_type: def.mime_type.or(mime).map(str::to_string),
        blob: data.to_string(),
        meta: None,
    })
}

/// A call's failure as the error of a read.
fn failure(uri: &str, e: Failure) -> ErrorData {
    match e {
        Failure::Shape(e) => ErrorData::internal_error(
            format!("resource `{uri}`: {e}"),
            Some(json!({ "uri": uri, "at": e.at })),
        ),
        Failure::Upstream(e) => {
            let mut data = json!({ "uri": uri });
            if let crate::client::Error::Status { status, body, .. } = &e {
                data["status"] = json!(status);
                data["upstream"] = body.clone();
            }
            ErrorData::internal_error(format!("resource `{uri}`: {e}"), Some(data))
        }
    }
}

/// The text of a call's result: JSON, or the string itself when the result is one and the
/// resource is not JSON. A failure is an internal error naming the upstream's status.
fn outcome_text(def: &ResourceDef, uri: &str, outcome: Outcome) -> Result<String, ErrorData> {
    let json_mime = def.mime_type.is_none_or(|m| m.contains("json"));
    match outcome.result {
        Ok(Value::String(s)) if !json_mime => Ok(s),
        Ok(v) => Ok(v.to_string()),
        Err(e) => Err(failure(uri, e)),
    }
}

impl PromptDef {
    pub(super) fn to_prompt(&self) -> Prompt {
        let args = self
            .arguments
            .iter()
            .map(|a| {
                let mut p = PromptArgument::new(a.name).with_required(a.required);
                p.title = a.title.map(str::to_string);
                p.description = a.description.map(str::to_string);
                p
            })
            .collect::<Vec<_>>();
        let mut p = Prompt::new(
            self.name,
            self.description,
            (!args.is_empty()).then_some(args),
        );
        p.title = self.title.map(str::to_string);
        p
    }

    /// `prompts/get`: the messages with each placeholder filled; every argument is text, the
    /// required ones present, no unknown one.
    pub fn render(&self, arguments: Option<&JsonObject>) -> Result<GetPromptResult, ErrorData> {
        let empty = Map::new();
        let given = arguments.unwrap_or(&empty);
        let invalid = |argument: &str, message: String| {
            ErrorData::invalid_params(
                message,
                Some(json!({ "prompt": self.name, "argument": argument })),
            )
        };
        for key in given.keys() {
            if !self.arguments.iter().any(|a| a.name == key) {
                let known: Vec<&str> = self.arguments.iter().map(|a| a.name).collect();
                return Err(invalid(
                    key,
                    format!(
                        "unknown argument `{key}`; prompt `{}` takes: {}",
                        self.name,
                        known.join(", ")
                    ),
                ));
            }
        }
        let mut values = Vec::with_capacity(self.arguments.len());
        for a in self.arguments {
            match given.get(a.name) {
                Some(Value::String(s)) => values.push(s.as_str()),
                Some(v) => {
                    return Err(invalid(
                        a.name,
                        format!(
                            "argument `{}` must be a string, found {}",
                            a.name,
                            super::json_kind(v)
                        ),
                    ));
                }
                None if a.required => {
                    return Err(invalid(
                        a.name,
                        format!(
                            "missing required argument `{}` of prompt `{}`",
                            a.name, self.name
                        ),
                    ));
                }
                None => values.push(""),
            }
        }
        let messages = self
            .messages
            .iter()
            .map(|m| {
                let text: String = m
                    .parts
                    .iter()
                    .map(|p| match p {
                        PromptPart::Lit(s) => *s,
                        PromptPart::Arg(i) => values.get(*i).copied().unwrap_or_default(),
                    })
                    .collect();
                let role = if m.assistant {
                    Role::Assistant
                } else {
                    Role::User
                };
                PromptMessage::new_text(role, text)
            })
            .collect();
        let result = GetPromptResult::new(messages);
        Ok(match self.description {
            Some(d) => result.with_description(d),
            None => result,
        })
    }
}

/// `prompts/get` by name.
pub(super) fn get(
    defs: &'static [PromptDef],
    name: &str,
    arguments: Option<&JsonObject>,
) -> Result<GetPromptResult, ErrorData> {
    let Some(def) = defs.iter().find(|p| p.name == name) else {
        let known: Vec<&str> = defs.iter().map(|p| p.name).collect();
        return Err(ErrorData::invalid_params(
            format!("unknown prompt `{name}`"),
            Some(json!({ "prompt": name, "available": known })),
        ));
    };
    let result = def.render(arguments)?;
    tracing::info!(target: "naftiko::mcp", prompt = name, "prompts/get");
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_level_one_variables() {
        let m = |t, u| match_template(t, u);
        assert_eq!(
            m(
                "data://users/{userId}/profile",
                "data://users/u%201/profile"
            ),
            Some(vec![("userId".into(), "u 1".into())])
        );
        assert_eq!(
            m("data://a/{x}-{y}", "data://a/1-2"),
            Some(vec![("x".into(), "1".into()), ("y".into(), "2".into())])
        );
        assert_eq!(m("data://users/{id}", "data://users/"), None);
        assert_eq!(m("data://users/{id}", "data://users/a/b"), None);
        assert_eq!(m("data://users/{id}/x", "data://users/a/y"), None);
        assert_eq!(m("data://users/{id}", "data://users/%zz"), None);
        assert_eq!(m("data://users/{id}", "data://users/%+1"), None);
        assert_eq!(
            m("data://users/{id}", "data://users/%C3%A9"),
            Some(vec![("id".into(), "é".into())])
        );
        assert_eq!(m("data://static", "data://static"), Some(vec![]));
    }

    static ARGS: [PromptArgDef; 2] = [
        PromptArgDef {
            name: "who",
            title: None,
            description: None,
            required: true,
        },
        PromptArgDef {
            name: "tone",
            title: None,
            description: None,
            required: false,
        },
    ];
    static MSG: [MessageDef; 1] = [MessageDef {
        assistant: false,
        parts: &[
            PromptPart::Lit("Hi "),
            PromptPart::Arg(0),
            PromptPart::Lit(" ("),
            PromptPart::Arg(1),
            PromptPart::Lit(")"),
        ],
    }];
    static PROMPT: PromptDef = PromptDef {
        name: "p",
        title: None,
        description: None,
        arguments: &ARGS,
        messages: &MSG,
    };

    #[test]
    fn prompts_fill_placeholders_and_refuse_bad_arguments() {
        let args = json!({"who": "Ada"});
        let r = PROMPT.render(args.as_object()).expect("rendered");
        let text = serde_json::to_value(&r.messages[0]).expect("json");
        assert_eq!(text["content"]["text"], "Hi Ada ()");
        let e = PROMPT.render(None).expect_err("missing");
        assert_eq!(e.code, rmcp::model::ErrorCode::INVALID_PARAMS);
        assert!(e.message.contains("`who`"), "{}", e.message);
        let e = PROMPT
            .render(json!({"who": 1}).as_object())
            .expect_err("not text");
        assert!(e.message.contains("must be a string"), "{}", e.message);
        let e = PROMPT
            .render(json!({"who": "a", "x": "b"}).as_object())
            .expect_err("unknown");
        assert!(e.message.contains("unknown argument `x`"), "{}", e.message);
    }
}
