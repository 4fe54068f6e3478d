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
    let media_type = super::binary::read_media_type(&mut o, d);
    let max_binary = super::binary::read_max_binary(&mut o, d);
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
        media_type,
        max_binary,
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
        "oauth2" => {
            // The schema's resource-server keys describe an adapter's inbound check.
            for key in ["authorizationServerUri", "audience", "tokenValidation"] {
                if let Some(n) = o.take(key) {
                    d.push(
                        crate::diag::Diagnostic::new(
                            n.span,
                            format!("`{key}` applies to an adapter's inbound `oauth2`, not to a consumed API"),
                        )
                        .with_help("a consumed API gets tokens with client credentials: give `tokenEndpoint`, `clientId` and `clientSecret`"),
                    );
                }
            }
            let token_url = o
                .opt_str("tokenEndpoint", d)
                .or_else(|| o.opt_str("tokenUrl", d));
            if token_url.is_none() {
                d.error(node.span, "missing required key `tokenEndpoint` (the token endpoint's URL) in oauth2 authentication");
            }
            let client_id = o.req_str("clientId", d);
            let client_secret = o.req_str("clientSecret", d);
            if let Some(grant) = o.opt_str("grantType", d)
                && grant.v != "client_credentials"
            {
                d.unsupported(
                    grant.span,
                    format!(
                        "OAuth 2 grant type `{}` on a consumed API (only `client_credentials`)",
                        grant.v
                    ),
                );
            }
            let scopes = match o.take("scopes").or_else(|| o.take("scope")) {
                None => Vec::new(),
                Some(n) => match (&n.kind, n.as_str()) {
                    (_, Some(one)) => one.split_whitespace().map(str::to_string).collect(),
                    (Kind::Seq(items), _) => items
                        .iter()
                        .filter_map(|i| match i.as_str() {
                            Some(s) => Some(s.to_string()),
                            None => {
                                d.error(i.span, "a scope must be a string");
                                None
                            }
                        })
                        .collect(),
                    _ => {
                        d.error(n.span, "`scopes` must be a list of strings");
                        Vec::new()
                    }
                },
            };
            let resource = o.opt_str("resource", d);
            o.finish(d);
            AuthKind::OAuth2 {
                token_url: token_url?,
                client_id: client_id?,
                client_secret: client_secret?,
                scopes,
                resource,
            }
        }
        "digest" => {
            let username = o.req_str("username", d);
            let password = o.req_str("password", d);
            o.finish(d);
            AuthKind::Digest {
                username: username?,
                password: password?,
            }
        }
        "hmac" => {
            let api_id = o.req_str("apiId", d);
            let api_key = o.req_str("apiKey", d);
            if let Some(alg) = o.opt_str("algorithm", d)
                && !alg.v.eq_ignore_ascii_case("VERACODE-HMAC-SHA-256")
            {
                d.push(
                    crate::diag::Diagnostic::new(
                        alg.span,
                        format!("unknown HMAC algorithm `{}`", alg.v),
                    )
                    .with_help("expected VERACODE-HMAC-SHA-256 (the scheme `apiId`/`apiKey` name)"),
                );
            }
            o.finish(d);
            AuthKind::Hmac {
                api_id: api_id?,
                api_key: api_key?,
            }
        }
        "oauth1" => {
            let consumer_key = o.req_str("consumerKey", d);
            let consumer_secret = o
                .opt_str("consumerSecret", d)
                .or_else(|| o.opt_str("signingKey", d));
            if consumer_secret.is_none() {
                d.error(node.span, "missing required key `consumerSecret` (or `signingKey`) in oauth1 authentication");
            }
            let token = o.opt_str("token", d);
            let token_secret = o.opt_str("tokenSecret", d);
            if let Some(method) = o.opt_str("signatureMethod", d)
                && method.v != "HMAC-SHA1"
            {
                d.push(
                    crate::diag::Diagnostic::new(
                        method.span,
                        format!("unknown OAuth 1.0a signature method `{}`", method.v),
                    )
                    .with_help("expected HMAC-SHA1 (RFC 5849 §3.4.2)"),
                );
            }
            o.finish(d);
            AuthKind::OAuth1 {
                consumer_key: consumer_key?,
                consumer_secret: consumer_secret?,
                token,
                token_secret,
            }
        }
        "aws-sig-v4" | "aws-sigv4" => {
            let access_key_id = o.req_str("accessKeyId", d);
            let secret_key = o
                .opt_str("secretKey", d)
                .or_else(|| o.opt_str("secretAccessKey", d));
            if secret_key.is_none() {
                d.error(
                    node.span,
                    "missing required key `secretKey` in aws-sig-v4 authentication",
                );
            }
            let region = o.req_str("region", d);
            let service = o.req_str("service", d);
            let session_token = o.opt_str("sessionToken", d);
            o.finish(d);
            AuthKind::AwsSigV4 {
                access_key_id: access_key_id?,
                secret_key: secret_key?,
                region: region?,
                service: service?,
                session_token,
            }
        }
        "certificate" => {
            let cert_path = o.req_str("certPath", d);
            let key_path = o.opt_str("keyPath", d);
            let cert_password = o.opt_str("certPassword", d);
            o.finish(d);
            AuthKind::Certificate {
                cert_path: cert_path?,
                key_path,
                cert_password,
            }
        }
        _ => {
            o.ignore_all();
            d.push(
                crate::diag::Diagnostic::new(
                    ty.span,
                    format!("unknown authentication type `{}`", ty.v),
                )
                .with_help("expected one of: bearer, basic, apikey, oauth2, digest, hmac, oauth1, aws-sig-v4, certificate"),
            );
            return None;
        }
    };
    Some(Auth {
        span: node.span,
        kind,
    })
}
