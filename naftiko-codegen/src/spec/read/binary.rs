//! Binary content (Ikanos beta5): `maxBinarySize` sizes, `outputMediaType`, and a REST
//! operation's `responses` / `responseBinary`. Each key is beta only ([`Obj::beta_key`]).

use crate::diag::{Ctxt, Diagnostic};
use crate::spec::obj::Obj;
use crate::spec::types::*;
use crate::yaml::{Kind, Node};
use serde_json::{Map, Value, json};

/// `type/subtype` with RFC 6838 token characters (parameters after `;` allowed).
pub(super) fn is_media_type(s: &str) -> bool {
    let essence = s.split(';').next().unwrap_or_default().trim();
    let token = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    matches!(essence.split_once('/'), Some((t, sub)) if token(t) && token(sub))
}

/// A `BinarySize` (`512KiB`, `10MiB`, `1.5GiB`: a number and a mandatory unit), in bytes.
pub(super) fn binary_size(n: &Node, d: &mut Ctxt) -> Option<S<u64>> {
    let text = n.as_str().unwrap_or_default();
    let unit = ["KiB", "MiB", "GiB", "B"]
        .into_iter()
        .find(|u| text.ends_with(u));
    let parsed = unit.and_then(|u| {
        let number = &text[..text.len() - u.len()];
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let well_formed = match number.split_once('.') {
            Some((whole, frac)) => digits(whole) && digits(frac),
            None => digits(number),
        };
        let scale: f64 = match u {
            "KiB" => 1024.0,
            "MiB" => 1024.0 * 1024.0,
            "GiB" => 1024.0 * 1024.0 * 1024.0,
            _ => 1.0,
        };
        let bytes = number.parse::<f64>().ok()? * scale;
        (well_formed && (1.0..1e18).contains(&bytes)).then_some(bytes as u64)
    });
    if parsed.is_none() {
        d.push(
            Diagnostic::new(
                n.span,
                format!("`maxBinarySize` must be a size with its unit, found `{text}`"),
            )
            .with_help("a number of at least one byte and one of B, KiB, MiB, GiB: `512KiB`, `10MiB`, `1GiB`"),
        );
    }
    parsed.map(|b| S::new(b, n.span))
}

/// `maxBinarySize` on an adapter or a consumed operation.
pub(super) fn read_max_binary(o: &mut Obj<'_>, d: &mut Ctxt) -> Option<S<u64>> {
    let n = o.beta_key("maxBinarySize", "binary content", d)?;
    binary_size(n, d)
}

/// `outputMediaType` on a consumed operation.
pub(super) fn read_media_type(o: &mut Obj<'_>, d: &mut Ctxt) -> Option<S<String>> {
    let n = o.beta_key("outputMediaType", "binary content", d)?;
    media_type(n, "`outputMediaType`", d)
}

fn media_type(n: &Node, what: &str, d: &mut Ctxt) -> Option<S<String>> {
    match n.as_str() {
        Some(m) if is_media_type(m) && m.chars().all(|c| c == ' ' || c.is_ascii_graphic()) => {
            Some(S::new(m.to_string(), n.span))
        }
        _ => {
            d.error(
                n.span,
                format!(
                    "{what} must be a media type such as `image/png`, found `{}`",
                    n.as_str().unwrap_or("?")
                ),
            );
            None
        }
    }
}

/// `responses` or `responseBinary` of a REST operation.
pub(super) fn read_responses(o: &mut Obj<'_>, d: &mut Ctxt) -> Option<Responses> {
    let full = o.beta_key("responses", "response contracts", d);
    let short = o.beta_key("responseBinary", "response contracts", d);
    match (full, short) {
        (Some(_), Some(s)) => {
            d.error(
                s.span,
                "`responseBinary` is the shorthand of `responses`: an operation has one or the other",
            );
            None
        }
        (Some(r), None) => responses(r, d),
        (None, Some(s)) => response_binary(s, d),
        (None, None) => None,
    }
}

fn response_binary(node: &Node, d: &mut Ctxt) -> Option<Responses> {
    let mut o = Obj::new(node, "`responseBinary`", d)?;
    let status = match o.take("status") {
        None => 200,
        Some(n) => match n.as_i64() {
            Some(s @ 200..=299) => s as u16,
            _ => {
                d.error(
                    n.span,
                    format!(
                        "`status` of a binary response must be a success status (200–299), found `{}`",
                        n.as_str().unwrap_or("?")
                    ),
                );
                return None;
            }
        },
    };
    let media = o.take("mediaType");
    let description = o.opt_str("description", d).map(|s| s.v);
    o.finish(d);
    let Some(media) = media else {
        d.error(
            node.span,
            "missing required key `mediaType` in `responseBinary`",
        );
        return None;
    };
    let media_type = media_type(media, "`mediaType`", d)?;
    let doc = json!({
        "description": description.unwrap_or_else(|| "The upstream's bytes".to_string()),
        "content": {media_type.v.clone(): {"schema": {"type": "string", "format": "binary"}}},
    });
    Some(Responses {
        span: node.span,
        binary: Some(BinaryResponse {
            span: node.span,
            status,
            media_type,
        }),
        documented: vec![(S::new(status.to_string(), node.span), doc)],
    })
}

fn responses(node: &Node, d: &mut Ctxt) -> Option<Responses> {
    let Kind::Map(entries) = &node.kind else {
        d.error(
            node.span,
            format!(
                "`responses` must be a mapping of status codes to responses, found {}",
                node.describe()
            ),
        );
        return None;
    };
    let mut out = Responses {
        span: node.span,
        binary: None,
        documented: Vec::new(),
    };
    for (k, v) in entries {
        let code = k.as_str().unwrap_or_default();
        let b = code.as_bytes();
        if !(b.len() == 3
            && (b'1'..=b'5').contains(&b[0])
            && b[1..].iter().all(|c| c.is_ascii_digit() || *c == b'X'))
        {
            d.push(
                Diagnostic::new(k.span, format!("`{code}` is not a status code"))
                    .with_help("three characters: `200`, `404`, or a range such as `2XX`"),
            );
            continue;
        }
        let Some(mut o) = Obj::new(v, "a response", d) else {
            continue;
        };
        let description = o.opt_str("description", d).map(|s| s.v);
        let content = o.take("content");
        o.finish(d);
        let mut doc = Map::new();
        doc.insert(
            "description".into(),
            Value::String(description.unwrap_or_default()),
        );
        let mut media_docs = Map::new();
        if let Some(content) = content {
            let Kind::Map(media) = &content.kind else {
                d.error(
                    content.span,
                    format!(
                        "`content` must be a mapping of media types to payloads, found {}",
                        content.describe()
                    ),
                );
                continue;
            };
            for (m, payload) in media {
                let Some(media_type) = media_type(m, "a `content` key", d) else {
                    continue;
                };
                let Some(mut p) = Obj::new(payload, "a response payload", d) else {
                    continue;
                };
                let binary = p.opt_bool("binary", d).unwrap_or(false);
                let schema = p.take("schema");
                p.finish(d);
                let schema = if binary {
                    json!({"type": "string", "format": "binary"})
                } else {
                    match schema.map(Node::to_json) {
                        Some(s @ Value::Object(_)) => s,
                        Some(_) => {
                            d.error(payload.span, "`schema` must be a JSON Schema object");
                            continue;
                        }
                        None => json!({}),
                    }
                };
                media_docs.insert(media_type.v.clone(), json!({ "schema": schema }));
                if !binary {
                    continue;
                }
                let status = code.parse::<u16>().ok().filter(|s| (200..300).contains(s));
                match (status, &out.binary) {
                    (None, _) => d.error(
                        m.span,
                        format!(
                            "a binary payload answers a success status such as `200`, not `{code}` (error answers are the upstream's, passed through)"
                        ),
                    ),
                    (Some(_), Some(first)) => d.push(
                        Diagnostic::new(m.span, "a second binary payload: an operation answers the bytes of its one consumed operation, with one media type")
                            .with_help(format!("the first is `{}`", first.media_type.v)),
                    ),
                    (Some(status), None) => {
                        out.binary = Some(BinaryResponse {
                            span: m.span,
                            status,
                            media_type,
                        });
                    }
                }
            }
            doc.insert("content".into(), Value::Object(media_docs));
        }
        out.documented
            .push((S::new(code.to_string(), k.span), Value::Object(doc)));
    }
    Some(out)
}
