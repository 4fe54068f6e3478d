//! Request bodies: `in: body` parameters, and `body:` templates of every kind (`json`, `text`,
//! `xml`, `sparql`, `formUrlEncoded`, `multipartForm`, `yaml`, `application/cbor`, `binary`, a
//! raw string).

use super::binds::{Binds, bind_ref};
use super::is_input_prefix;
use super::operation::implicit_param;
use super::templates::{split_template, unresolved_template};
use crate::diag::{Ctxt, Diagnostic};
use crate::ir;
use crate::names::Names;
use crate::spec::{self, BodyKind, In, Method, S, Type};
use crate::yaml::{Kind, Node};

/// What resolving a template's `{{x}}` variables needs: the operation's parameters (implicit
/// ones are added), their Rust names, the binds and the exposes namespaces.
struct Vars<'a, 'd> {
    params: &'a mut Vec<ir::Param>,
    /// How many of `params` the spec declares (the rest are implicit, from `{{x}}`s).
    declared: usize,
    names: &'a mut Names,
    binds: &'a Binds,
    namespaces: &'a [String],
    d: &'d mut Ctxt,
}

/// Step 3 of a consumed operation: its body. One `in: body` parameter is the whole JSON body,
/// several are the fields of one object; a `body:` template builds it from its variables
/// instead, in the encoding its `type` names.
pub(super) fn operation_body(
    namespace: &str,
    op: &spec::Operation,
    params: &mut Vec<ir::Param>,
    fields: &mut Names,
    binds: &Binds,
    namespaces: &[String],
    d: &mut Ctxt,
) -> ir::Body {
    let body_params: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, p)| p.location == In::Body)
        .map(|(i, _)| i)
        .collect();
    let by_params = match body_params.as_slice() {
        [] => ir::Body::None,
        [one] => ir::Body::Whole(*one),
        many => ir::Body::Fields(many.to_vec()),
    };
    let Some(b) = &op.body else {
        return by_params;
    };
    let empty = b
        .data
        .as_ref()
        .is_none_or(|data| matches!(&data.kind, Kind::Map(e) if e.is_empty()) || data.is_null());
    if b.kind.v == BodyKind::Json && empty {
        if body_params.is_empty()
            && matches!(op.method.v, Method::Post | Method::Put | Method::Patch)
        {
            // An explicit empty JSON object body.
            return ir::Body::Fields(Vec::new());
        }
        return by_params;
    }
    let Some(data) = &b.data else {
        return by_params;
    };
    // A `Content-Type` header parameter says what a raw body is.
    let typed_by_header = params
        .iter()
        .any(|p| p.location == In::Header && p.name.eq_ignore_ascii_case("content-type"));
    let mut vars = Vars {
        declared: params.len(),
        params,
        names: fields,
        binds,
        namespaces,
        d,
    };
    let body = match b.kind.v {
        BodyKind::Json => Some(ir::Body::Template(vars.json(data))),
        BodyKind::Yaml => Some(ir::Body::Encoded(ir::Encoding::Yaml, vars.json(data))),
        BodyKind::Cbor => Some(ir::Body::Encoded(ir::Encoding::Cbor, vars.json(data))),
        BodyKind::Form => match &data.kind {
            Kind::Map(entries) => {
                for (_, v) in entries {
                    if !matches!(v.kind, Kind::Scalar { .. }) {
                        vars.d.error(
                            v.span,
                            format!(
                                "a form field's value must be a string, found {}",
                                v.describe()
                            ),
                        );
                    }
                }
                Some(ir::Body::Encoded(ir::Encoding::Form, vars.json(data)))
            }
            // A pre-encoded form: values inserted into it are form-encoded.
            _ => vars.text(
                data,
                "formUrlEncoded",
                Some("application/x-www-form-urlencoded"),
                ir::Escape::Form,
            ),
        },
        BodyKind::Text => vars.text(data, "text", Some("text/plain"), ir::Escape::None),
        BodyKind::Xml => vars.text(data, "xml", Some("application/xml"), ir::Escape::Xml),
        BodyKind::Sparql => vars.text(
            data,
            "sparql",
            Some("application/sparql-query"),
            ir::Escape::Sparql,
        ),
        BodyKind::Binary => vars.text(
            data,
            "binary",
            Some("application/octet-stream"),
            ir::Escape::None,
        ),
        // The schema: "treats the string as JSON by default; pair with a `Content-Type`
        // input parameter to override".
        BodyKind::Raw if typed_by_header => vars.text(data, "raw", None, ir::Escape::None),
        BodyKind::Raw => vars
            .text(data, "raw", Some("application/json"), ir::Escape::Json)
            .map(|b| vars.json_slots(b)),
        BodyKind::Multipart => vars.multipart(data).map(ir::Body::Multipart),
    };
    let Some(mut body) = body else {
        // Already reported; `with` may name the variables of its data.
        vars.d.excuse_with_keys(namespace, &op.name.v);
        return by_params;
    };
    for &i in &body_params {
        if body.uses(i) {
            continue;
        }
        let name = vars.params[i].name.clone();
        let at = op
            .params
            .iter()
            .find(|q| q.name.v == name)
            .map_or(b.span, |q| q.span);
        // A structured template takes the declared body parameters it does not name as extra
        // fields (left out when absent), so that nothing declared is dropped.
        match &mut body {
            ir::Body::Template(ir::JsonTemplate::Object(entries))
            | ir::Body::Encoded(_, ir::JsonTemplate::Object(entries))
                if !entries.iter().any(|(k, _)| *k == name) =>
            {
                vars.d.warn(
                    at,
                    format!("body parameter `{name}` is not in the `body` template: it is sent as its field `{name}`"),
                );
                entries.push((name, ir::JsonTemplate::Var(i)));
            }
            _ => vars.d.error(
                at,
                format!("body parameter `{name}` is not used by the operation's `body` template"),
            ),
        }
    }
    body
}

impl Vars<'_, '_> {
    /// What a template's `{{text}}` names: a bind (`{{VAR}}`, `{{env.VAR}}`), or a parameter.
    /// Each `{{x}}` (`{{tools.x}}`, `{{rest.x}}`,
    /// ...) is a body parameter `x` of the operation: a declared `in: body` parameter of that
    /// name, or an implicit string one (required in a text body, where a hole has no meaning;
    /// optional in a structured one, where its field is left out), fed by default from the
    /// exposed input `x`.
    fn var(&mut self, text: &str, span: crate::diag::Span, required: bool) -> Option<ir::TextPart> {
        // `{{VAR}}` / `{{env.VAR}}`: a bind, read from the environment when the client is built.
        if let Some(var) = bind_ref(self.binds, text) {
            return Some(ir::TextPart::Env(var));
        }
        // `{{tools.x}}` names the input `x`; any other `{{ns.x}}` must be a bind.
        let name = match text.split_once('.') {
            Some((prefix, name)) if is_input_prefix(prefix, self.namespaces) => name,
            Some(_) => {
                self.d.push(unresolved_template(
                    span,
                    text,
                    self.binds,
                    "a `body` template",
                ));
                return None;
            }
            None => text,
        };
        if name.is_empty() {
            self.d
                .error(span, format!("`{{{{{text}}}}}` names no parameter"));
            return None;
        }
        let i = self
            .params
            .iter()
            .position(|p| p.location == In::Body && p.name == name)
            .unwrap_or_else(|| {
                let mut p = implicit_param(name, In::Body, self.names);
                p.required = required;
                self.params.push(p);
                self.params.len() - 1
            });
        self.params[i]
            .default_input
            .get_or_insert_with(|| name.to_string());
        Some(ir::TextPart::Var(i))
    }

    /// A string with `{{x}}` variables as text parts.
    fn parts(&mut self, value: &str, span: crate::diag::Span, required: bool) -> Vec<ir::TextPart> {
        let parts = match split_template(&S::new(value.to_string(), span)) {
            Ok(p) => p,
            Err(e) => {
                self.d.push(e);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (is_ref, text, span) in parts {
            if !is_ref {
                out.push(ir::TextPart::Lit(text));
            } else if let Some(part) = self.var(&text, span, required) {
                out.push(part);
            }
        }
        out
    }

    /// A structured template: constants, and `{{x}}` variables.
    fn json(&mut self, node: &Node) -> ir::JsonTemplate {
        match &node.kind {
            Kind::Map(entries) => ir::JsonTemplate::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), self.json(v)))
                    .collect(),
            ),
            Kind::Seq(items) => {
                ir::JsonTemplate::Array(items.iter().map(|v| self.json(v)).collect())
            }
            Kind::Scalar { value, .. } if value.contains("{{") => {
                let out = self.parts(value, node.span, false);
                match out.as_slice() {
                    [ir::TextPart::Var(i)] => ir::JsonTemplate::Var(*i),
                    _ => ir::JsonTemplate::Text(out),
                }
            }
            _ => ir::JsonTemplate::Value(node.to_json()),
        }
    }

    /// A text body: `data` must be one string.
    fn text(
        &mut self,
        data: &Node,
        kind: &str,
        media_type: Option<&str>,
        escape: ir::Escape,
    ) -> Option<ir::Body> {
        let Kind::Scalar { value, .. } = &data.kind else {
            let mut e = Diagnostic::new(
                data.span,
                format!(
                    "the `data` of a `{kind}` body must be a string, found {}",
                    data.describe()
                ),
            );
            // Published specs wrap the one value in a mapping (`data: {content: '{{x}}'}`).
            if let Kind::Map(entries) = &data.kind
                && let [(k, v)] = entries.as_slice()
                && let Some(inner) = v.as_str()
            {
                e = e.with_help(format!(
                    "the body is the text itself; to send the value of `{}`, write `data: '{inner}'`",
                    k.as_str().unwrap_or_default()
                ));
            }
            self.d.push(e);
            return None;
        };
        let parts = self.parts(value, data.span, true);
        Some(ir::Body::Text(ir::TextBody {
            media_type: media_type.map(str::to_string),
            escape,
            parts,
        }))
    }

    /// Whether parameter `i` is declared, and declared required.
    fn declared_required(&self, i: usize) -> bool {
        i < self.declared && self.params[i].required
    }

    /// In a raw JSON body, a placeholder outside a string literal (`"ids": {{ids}}`) is a
    /// JSON value of any type (`null` when absent), not text: its parameter takes any JSON.
    fn json_slots(&mut self, body: ir::Body) -> ir::Body {
        let ir::Body::Text(mut t) = body else {
            return body;
        };
        let (mut in_string, mut escaped) = (false, false);
        for part in &mut t.parts {
            match part {
                ir::TextPart::Lit(text) => {
                    for c in text.chars() {
                        if escaped {
                            escaped = false;
                        } else if in_string && c == '\\' {
                            escaped = true;
                        } else if c == '"' {
                            in_string = !in_string;
                        }
                    }
                }
                ir::TextPart::Var(i) if !in_string => {
                    let p = &mut self.params[*i];
                    p.any_json = true;
                    // Text cannot stand there unquoted: any JSON value can.
                    if p.ty == Type::String {
                        p.ty = Type::Object;
                    }
                    *part = ir::TextPart::JsonVar(*i);
                }
                _ => {}
            }
        }
        // A placeholder only ever used as a JSON value may be absent (`null`): not required,
        // unless declared so.
        for part in &t.parts {
            if let ir::TextPart::JsonVar(i) = part
                && !t.parts.contains(&ir::TextPart::Var(*i))
                && !self.declared_required(*i)
            {
                self.params[*i].required = false;
            }
        }
        ir::Body::Text(t)
    }

    /// `multipartForm` parts: a list of `{name, value, filename, contentType}` (the schema), or
    /// a mapping of field names to values (published specs' `multipart`).
    fn multipart(&mut self, data: &Node) -> Option<Vec<ir::MultipartPart>> {
        let mut out = Vec::new();
        match &data.kind {
            Kind::Map(entries) => {
                for (k, v) in entries {
                    let name = k.as_str().unwrap_or_default().to_string();
                    let value = self.part_value(v)?;
                    out.push(ir::MultipartPart {
                        name,
                        filename: None,
                        content_type: None,
                        value,
                    });
                }
            }
            Kind::Seq(items) => {
                for item in items {
                    out.push(self.multipart_part(item)?);
                }
            }
            _ => {
                self.d.error(
                    data.span,
                    format!(
                        "the `data` of a `multipartForm` body must be a list of parts, found {}",
                        data.describe()
                    ),
                );
                return None;
            }
        }
        Some(out)
    }

    fn part_value(&mut self, v: &Node) -> Option<Vec<ir::TextPart>> {
        match &v.kind {
            Kind::Scalar { value, .. } => Some(self.parts(value, v.span, false)),
            _ => {
                self.d.error(
                    v.span,
                    format!(
                        "a multipart part's value must be a string, found {}",
                        v.describe()
                    ),
                );
                None
            }
        }
    }

    fn multipart_part(&mut self, node: &Node) -> Option<ir::MultipartPart> {
        let Kind::Map(entries) = &node.kind else {
            self.d.error(
                node.span,
                format!(
                    "a multipart part must be a mapping (`name`, `value`, `filename`, `contentType`), found {}",
                    node.describe()
                ),
            );
            return None;
        };
        let (mut name, mut value, mut filename, mut content_type) = (None, None, None, None);
        for (k, v) in entries {
            let key = k.as_str().unwrap_or_default();
            let text = || v.as_str().map(str::to_string);
            match key {
                "name" => name = text(),
                "value" => value = Some(self.part_value(v)?),
                "filename" => filename = text(),
                "contentType" => content_type = text(),
                other => {
                    self.d.error(
                        k.span,
                        format!(
                            "unknown key `{other}` in a multipart part (expected name, value, filename, contentType)"
                        ),
                    );
                    return None;
                }
            }
        }
        let (Some(name), Some(value)) = (name, value) else {
            self.d
                .error(node.span, "a multipart part needs a `name` and a `value`");
            return None;
        };
        if content_type
            .as_deref()
            .is_some_and(|c| c.bytes().any(|b| b.is_ascii_control()))
        {
            self.d.error(
                node.span,
                "a part's `contentType` cannot contain control characters",
            );
            return None;
        }
        Some(ir::MultipartPart {
            name,
            filename,
            content_type,
            value,
        })
    }
}
