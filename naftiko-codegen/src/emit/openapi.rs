//! The OpenAPI 3.1 document of a REST adapter, built at compile time from the resolved spec.

use super::shape_schema;
use crate::ir::{self, Source, Type};
use serde_json::{Map, Value, json};

fn schema(ty: Type) -> Value {
    match ty {
        Type::Array => json!({"type": "array", "items": {}}),
        other => json!({"type": other.as_str()}),
    }
}

/// An input's schema: its type, and its `pattern` where it has one.
fn input_schema(i: &ir::Input) -> Value {
    let mut s = schema(i.ty);
    if let Some(p) = &i.pattern {
        s["pattern"] = Value::String(p.clone());
    }
    s
}

fn with_description(mut v: Value, description: Option<&str>) -> Value {
    if let (Some(d), Some(o)) = (description, v.as_object_mut()) {
        o.insert("description".into(), Value::String(d.to_string()));
    }
    v
}

pub fn document(cap: &ir::Capability, r: &ir::RestAdapter) -> Value {
    let mut paths = Map::new();
    for route in &r.routes {
        let call = &route.call;
        let mut params = Vec::new();
        let mut body_schema: Option<(Value, bool)> = None;
        let mut fields = Map::new();
        let mut required_fields = Vec::new();
        for i in &call.inputs {
            let location = match i.source {
                Source::Path => "path",
                Source::Query => "query",
                Source::Header => "header",
                Source::Cookie => "cookie",
                Source::Body => {
                    body_schema = Some((
                        with_description(input_schema(i), i.description.as_deref()),
                        i.required,
                    ));
                    continue;
                }
                Source::Field => {
                    fields.insert(
                        i.name.clone(),
                        with_description(input_schema(i), i.description.as_deref()),
                    );
                    if i.required {
                        required_fields.push(Value::String(i.name.clone()));
                    }
                    continue;
                }
            };
            let mut p = json!({"name": i.name, "in": location, "required": i.required, "schema": input_schema(i)});
            if let Some(d) = &i.description {
                p["description"] = Value::String(d.clone());
            }
            params.push(p);
        }
        if !fields.is_empty() {
            let required = !required_fields.is_empty();
            let mut s = json!({"type": "object", "properties": fields});
            if required {
                s["required"] = Value::Array(required_fields);
            }
            body_schema = Some((s, required));
        }
        let calls = call.target.as_ref().map(|t| {
            let api = &cap.apis[t.api];
            let op = &api.operations[t.operation];
            format!(
                "Calls `{} {}` of `{}`.",
                op.method.as_str(),
                op.path,
                api.namespace
            )
        });
        // Every status may also come from the upstream (passed through as JSON).
        let problem = json!({"description": "", "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
            "application/json": {"schema": {"$ref": "#/components/schemas/UpstreamError"}},
        }});
        let described = |d: &str| {
            let mut p = problem.clone();
            p["description"] = Value::String(d.to_string());
            p
        };
        let mut responses = json!({
            "2XX": {"description": if call.target.is_some() { "The upstream's answer" } else if !call.steps.is_empty() { "Built from the answers of its steps" } else { "Built from the spec's values (mock mode)" },
                    "content": {"application/json": {"schema": if call.output.is_whole() { json!({}) } else { shape_schema(&call.output) }}}},
            "400": described("Invalid input (names the input)"),
            "4XX": {"description": "The upstream's error, passed through with its status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UpstreamError"}}, "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
            "502": described("Upstream unreachable, or its answer is not JSON or does not fit the declared output"),
            "504": described("Upstream timeout"),
            "5XX": {"description": "The upstream's error, passed through with its status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UpstreamError"}}, "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
        });
        if route.binary.is_some() {
            // The bytes themselves: the documented binary entry says their media type.
            if let Some(map) = responses.as_object_mut() {
                map.remove("2XX");
            }
        }
        for (code, doc) in &route.responses {
            responses[code.as_str()] = doc.clone();
        }
        let mut operation = json!({
            "operationId": call.name,
            "summary": call.description.clone().unwrap_or_else(|| call.name.clone()),
            "description": calls.unwrap_or_else(|| "Answers from the spec alone (mock mode): no upstream call.".to_string()),
            "parameters": params,
        });
        if let Some((s, required)) = body_schema {
            operation["requestBody"] =
                json!({"required": required, "content": {"application/json": {"schema": s}}});
            responses["413"] = described("Request body larger than 1 MiB");
            responses["415"] = described("Request body is not application/json");
        }
        operation["responses"] = responses;
        let entry = paths.entry(route.path.clone()).or_insert_with(|| json!({}));
        entry[route.method.as_str().to_ascii_lowercase()] = operation;
    }
    for f in &r.forwards {
        forwarded(cap, f, &mut paths);
    }
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": cap.title,
            "version": "1.0.0",
            "description": r.description.clone().or_else(|| cap.description.clone()).unwrap_or_default(),
        },
        "paths": paths,
        "components": {"schemas": {
            "Problem": {
                "type": "object",
                "description": "An error of the gateway itself (RFC 9457)",
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"}
                },
                "required": ["type", "title", "status", "detail"]
            },
            "UpstreamError": {
                "description": "The upstream's error body, unchanged (m3ter sends `{\"message\": ...}`)",
            }
        }}
    });
    super::auth::openapi(&mut doc, r.auth.as_ref());
    doc
}

/// A forwarded resource (`forward`): every method of each of its paths, passed through to the
/// consumed API. A trailing `{*path}` catch-all is written `{path}` (OpenAPI has no catch-all:
/// its description says it may hold `/`).
fn forwarded(cap: &ir::Capability, f: &ir::ForwardRoute, paths: &mut Map<String, Value>) {
    let api = &cap.apis[f.api];
    for path in &f.paths {
        let mut params = Vec::new();
        let mut written = String::new();
        for segment in path.split('/').filter(|s| !s.is_empty()) {
            written.push('/');
            match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(var) => {
                    let (name, rest) = match var.strip_prefix('*') {
                        Some(name) => (name, true),
                        None => (var, false),
                    };
                    written.push_str(&format!("{{{name}}}"));
                    let description = if rest {
                        "The rest of the path, passed on as it is (it may contain `/`)"
                    } else {
                        "A segment of the forwarded path"
                    };
                    params.push(json!({"name": name, "in": "path", "required": true,
                        "schema": {"type": "string"}, "description": description}));
                }
                None => written.push_str(segment),
            }
        }
        if written.is_empty() {
            written.push('/');
        }
        for header in &f.trusted {
            params.push(json!({"name": header, "in": "header", "required": false,
                "schema": {"type": "string"}, "description": "Passed on to the upstream (a trusted header)"}));
        }
        let entry = paths.entry(written).or_insert_with(|| json!({}));
        for method in ["get", "put", "post", "delete", "options", "head", "patch"] {
            let id = format!("{}-{method}", f.ident);
            entry[method] = json!({
                "operationId": id,
                "summary": format!("Forwarded to `{}`", api.namespace),
                "description": format!(
                    "Passed through to `{}` ({}): the query kept, only the trusted headers sent, the API's authentication applied; the upstream's status, headers and body come back as they are.",
                    api.namespace, f.name
                ),
                "parameters": params,
                "requestBody": {"required": false, "content": {"*/*": {"schema": {}}}},
                "responses": {
                    "default": {"description": "The upstream's answer, passed through", "content": {"*/*": {"schema": {}}}},
                    "502": {"description": "Upstream unreachable", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                    "504": {"description": "Upstream timeout", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}},
                },
            });
        }
    }
}
