//! Consumed APIs: resources, operations, request bodies, authentication.

use super::params::{read_consumed_params, read_method, read_outputs};
use crate::diag::Ctxt;
use crate::spec::obj::{Obj, node_has_key};
use crate::spec::types::*;
use crate::yaml::{Kind, Node};

pub(super) fn read_consumes(node: &Node, d: &mut Ctxt) -> Option<Consumes> {
    let mut o = Obj::new(node, "a consumed API", d)?;
    if o.has("import") || o.has("location") {
        d.unsupported(
            node.span,
            "an imported consumes entry (`import`/`location`)",
        );
        return None;
    }
    let ty = o.req_str("type", d);
    if let Some(ty) = &ty
        && ty.v != "http"
    {
        d.unsupported(
            ty.span,
            format!("consumed API type `{}` (only `http`)", ty.v),
        );
    }
    let namespace = o.req_str("namespace", d);
    let base_uri = o.req_str("baseUri", d);
    let description = o.opt_str("description", d).map(|s| s.v);
    o.ignore(&["label"]);
    let auth = match (o.take("authentication"), o.take("auth")) {
        (Some(_), Some(second)) => {
            d.error(
                second.span,
                "both `authentication` and `auth`: give the consumed API's authentication once",
            );
            None
        }
        (Some(a), None) | (None, Some(a)) => read_auth(a, d),
        (None, None) => None,
    };
    let params = o
        .take("inputParameters")
        .map(|p| read_consumed_params(p, d))
        .unwrap_or_default();
    // Without `resources` an API can still be the target of a `forward`.
    let resources = o.list("resources", d, read_resource).unwrap_or_default();
    o.finish(d);
    Some(Consumes {
        span: node.span,
        namespace: namespace?,
        base_uri: base_uri?,
        description,
        auth,
        params,
        resources,
    })
}

fn read_resource(node: &Node, d: &mut Ctxt) -> Option<Resource> {
    let mut o = Obj::new(node, "a consumed resource", d)?;
    let name = o.opt_str("name", d);
    let path = o.req_str("path", d);
    let description = o.opt_str("description", d).map(|s| s.v);
    o.ignore(&["label"]);
    let params = o
        .take("inputParameters")
        .map(|p| read_consumed_params(p, d))
        .unwrap_or_default();
    let operations = o.list("operations", d, read_operation).unwrap_or_else(|| {
        d.error(
            node.span,
            "missing required key `operations` in a consumed resource",
        );
        Vec::new()
    });
    o.finish(d);
    Some(Resource {
        span: node.span,
        name,
        path: path?,
        description,
        params,
        operations,
    })
}

fn read_operation(node: &Node, d: &mut Ctxt) -> Option<Operation> {
    let mut o = Obj::new(node, "a consumed operation", d)?;
    let name = o.req_str("name", d);
    let method = o.take("method").and_then(|m| read_method(m, d));
    let description = o.opt_str("description", d).map(|s| s.v);
    let path = o.opt_str("path", d);
    o.ignore(&["label"]);
    let raw_format = read_raw_format(&mut o, d);
    let params = o
        .take("inputParameters")
        .map(|p| read_consumed_params(p, d))
        .unwrap_or_default();
    let outputs = o
        .take("outputParameters")
        .map(|p| read_outputs(p, true, d))
        .unwrap_or_default();
    let body = o.take("body").and_then(|b| read_body(b, d));
    o.finish(d);
    let Some(method) = method else {
        if node_has_key(node, "method") {
            return None;
        }
        d.error(
            node.span,
            "missing required key `method` in a consumed operation",
        );
        return None;
    };
    Some(Operation {
        span: node.span,
        name: name?,
        method,
        description,
        path,
        params,
        body,
        outputs,
        raw_format,
    })
}

/// `outputRawFormat` and the `outputSchema` that goes with it: a CSS selector for `html`, a
/// heading prefix for `markdown`, unused by the other formats (as the schema says).
fn read_raw_format(o: &mut Obj<'_>, d: &mut Ctxt) -> RawFormat {
    let format = o.opt_str("outputRawFormat", d);
    let schema = o.opt_str("outputSchema", d);
    let Some(format) = format else {
        return RawFormat::Json;
    };
    let simple = match format.v.as_str() {
        "json" => Some(RawFormat::Json),
        "xml" => Some(RawFormat::Xml),
        "yaml" => Some(RawFormat::Yaml),
        "csv" => Some(RawFormat::Csv),
        "tsv" => Some(RawFormat::Tsv),
        "psv" => Some(RawFormat::Psv),
        "text" => Some(RawFormat::Text),
        "binary" => Some(RawFormat::Binary),
        _ => None,
    };
    if let Some(f) = simple {
        return f;
    }
    match format.v.as_str() {
        "html" => RawFormat::Html(schema.map(|s| s.v)),
        "markdown" => RawFormat::Markdown(schema.map(|s| s.v)),
        "avro" | "protobuf" => {
            d.unsupported(
                format.span,
                format!(
                    "`outputRawFormat: {}` (decoding it needs its schema compiled from `outputSchema`, which the generator does not do)",
                    format.v
                ),
            );
            RawFormat::Json
        }
        other => {
            d.push(
                crate::diag::Diagnostic::new(
                    format.span,
                    format!("unknown `outputRawFormat` `{other}`"),
                )
                .with_help(
                    "expected one of: json, xml, yaml, csv, tsv, psv, html, markdown, text, binary",
                ),
            );
            RawFormat::Json
        }
    }
}

fn read_body(node: &Node, d: &mut Ctxt) -> Option<Body> {
    if node.is_null() {
        return None;
    }
    if let Kind::Scalar { value, .. } = &node.kind {
        // A raw string body, sent as it is.
        return Some(Body {
            span: node.span,
            kind: S::new(BodyKind::Raw, node.span),
            data: (!value.is_empty()).then(|| node.clone()),
        });
    }
    let mut o = Obj::new(node, "a request body", d)?;
    let ty = o.req_str("type", d);
    let data = o.take("data").cloned();
    o.finish(d);
    let ty = ty?;
    let kind = match ty.v.as_str() {
        "json" | "application/json" => BodyKind::Json,
        "text" | "text/plain" => BodyKind::Text,
        "xml" | "application/xml" | "text/xml" => BodyKind::Xml,
        "sparql" | "application/sparql-query" => BodyKind::Sparql,
        "formUrlEncoded" | "form" | "application/x-www-form-urlencoded" => BodyKind::Form,
        "multipartForm" | "multipart" | "multipart/form-data" => BodyKind::Multipart,
        "yaml" | "application/yaml" => BodyKind::Yaml,
        "application/cbor" => BodyKind::Cbor,
        "binary" | "octet-stream" | "application/octet-stream" => BodyKind::Binary,
        other => {
            d.push(
                crate::diag::Diagnostic::new(
                    ty.span,
                    format!("unknown request body type `{other}`"),
                )
                .with_help(
                    "expected one of: json, text, xml, sparql, formUrlEncoded, multipartForm, yaml, application/cbor, binary (or a string body)",
                ),
            );
            return None;
        }
    };
    if data.is_none() && kind != BodyKind::Json {
        d.error(
            node.span,
            format!("missing required key `data` in a `{}` request body", ty.v),
        );
        return None;
    }
    Some(Body {
        span: node.span,
        kind: S::new(kind, ty.span),
        data,
    })
}

fn read_auth(node: &Node, d: &mut Ctxt) -> Option<Auth> {
    let mut o = Obj::new(node, "`authentication`", d)?;
    let ty = o.req_str("type", d)?;
    let kind = match ty.v.to_ascii_lowercase().as_str() {
        "bearer" => {
            let token = o.req_str("token", d);
            o.finish(d);
            AuthKind::Bearer { token: token? }
        }
        "basic" => {
            let username = o.req_str("username", d);
            let password = o.req_str("password", d);
            o.finish(d);
            AuthKind::Basic {
                username: username?,
                password: password?,
            }
        }
        "apikey" => {
            // Two spellings: `key`/`value`/`placement` (schema) and `name`/`value`/`in`.
            let name = o.opt_str("key", d).or_else(|| o.opt_str("name", d));
            let value = o.req_str("value", d);
            let placement = o.opt_str("placement", d).or_else(|| o.opt_str("in", d));
            o.finish(d);
            let placement = match placement {
                None => S::new(ApiKeyIn::Header, node.span),
                Some(p) => match p.v.as_str() {
                    "header" => S::new(ApiKeyIn::Header, p.span),
                    "query" => S::new(ApiKeyIn::Query, p.span),
                    "path" => S::new(ApiKeyIn::Path, p.span),
                    "cookie" => S::new(ApiKeyIn::Cookie, p.span),
                    "body" => S::new(ApiKeyIn::Body, p.span),
                    other => {
                        d.push(
                            crate::diag::Diagnostic::new(
                                p.span,
                                format!("unknown API key placement `{other}`"),
                            )
                            .with_help("expected one of: header, query, cookie, path, body"),
                        );
                        return None;
                    }
                },
            };
            let Some(name) = name else {
                d.error(node.span, "missing required key `key` (the header, query parameter, cookie, placeholder or body field name) in apikey authentication");
                return None;
            };
            AuthKind::ApiKey {
                name,
                value: value?,
                placement,
            }
        }
        "digest" | "oauth1" | "oauth2" | "aws-sig-v4" | "hmac" | "certificate" => {
            o.ignore_all();
            d.unsupported(ty.span, format!("authentication type `{}`", ty.v));
            return None;
        }
        _ => {
            o.ignore_all();
            d.push(
                crate::diag::Diagnostic::new(
                    ty.span,
                    format!("unknown authentication type `{}`", ty.v),
                )
                .with_help("expected one of: bearer, basic, apikey"),
            );
            return None;
        }
    };
    Some(Auth {
        span: node.span,
        kind,
    })
}
