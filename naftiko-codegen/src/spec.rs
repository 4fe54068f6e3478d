//! The spec as written: a typed model of a `1.0.0-alpha2`/`alpha3` capability with the position
//! of every value, read from the YAML tree by hand so that every shape error is collected.
//!
//! This stage checks shapes only (required keys, unknown keys, scalar types, enumerations).
//! Cross-references (calls, `with`, templates, duplicates) are checked in [`crate::resolve`].

use crate::diag::{Diagnostics, Pos};
use crate::yaml::{Kind, Node};

/// A value with the position it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct S<T> {
    pub v: T,
    pub pos: Pos,
}

impl<T> S<T> {
    pub fn new(v: T, pos: Pos) -> Self {
        S { v, pos }
    }
}

#[derive(Debug, Clone)]
pub struct Spec {
    /// Some consumed APIs are imported from other files (not supported yet): their namespaces
    /// are unknown, so calls into them are not reported again.
    pub has_imports: bool,
    /// Namespaces of consumed APIs too broken to read (already reported): calls into them are
    /// not reported again.
    pub unreadable_namespaces: Vec<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub binds: Vec<Bind>,
    pub consumes: Vec<Consumes>,
    pub exposes: Vec<Exposes>,
}

#[derive(Debug, Clone)]
pub struct Bind {
    pub namespace: S<String>,
    /// Read from a file (`location`, not supported yet) rather than the environment.
    pub located: bool,
    /// Variable name → source key (the environment variable to read).
    pub keys: Vec<(S<String>, S<String>)>,
}

#[derive(Debug, Clone)]
pub struct Consumes {
    pub pos: Pos,
    pub namespace: S<String>,
    pub base_uri: S<String>,
    pub description: Option<String>,
    pub auth: Option<Auth>,
    /// Parameters sent with every operation (`consumes[].inputParameters`, e.g. fixed headers).
    pub params: Vec<Param>,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub pos: Pos,
    pub name: Option<S<String>>,
    pub path: S<String>,
    pub description: Option<String>,
    pub params: Vec<Param>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub pos: Pos,
    pub name: S<String>,
    pub method: S<Method>,
    pub description: Option<String>,
    /// An operation-level `path:` replacing the resource's path.
    pub path: Option<S<String>>,
    pub params: Vec<Param>,
    /// A `body:` template: `{type: json, data: ...}`.
    pub body: Option<Body>,
    pub outputs: Vec<Output>,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub pos: Pos,
    /// `type: json`; other types are not supported yet.
    pub json: bool,
    /// `data:`, the body template; `None` when the spec only says the body is JSON.
    pub data: Option<Node>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
    Options,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }

    /// RFC 9110 §9.2.2: repeating these has the same effect as sending once.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum In {
    Path,
    Query,
    Header,
    Cookie,
    Body,
}

impl In {
    pub fn as_str(self) -> &'static str {
        match self {
            In::Path => "path",
            In::Query => "query",
            In::Header => "header",
            In::Cookie => "cookie",
            In::Body => "body",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
}

impl Type {
    pub fn as_str(self) -> &'static str {
        match self {
            Type::String => "string",
            Type::Integer => "integer",
            Type::Number => "number",
            Type::Boolean => "boolean",
            Type::Array => "array",
            Type::Object => "object",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub pos: Pos,
    pub name: S<String>,
    pub location: Option<S<In>>,
    pub ty: Option<S<Type>>,
    pub description: Option<String>,
    pub required: bool,
    /// A constant or template value (`value:`), for parameters the capability fills itself.
    pub value: Option<Node>,
}

#[derive(Debug, Clone)]
pub struct Output {
    pub pos: Pos,
    /// `mapping:` (exposed) or `value:` (consumed): a JSONPath.
    pub mapping: Option<S<String>>,
    pub ty: Option<S<Type>>,
}

#[derive(Debug, Clone)]
pub enum AuthKind {
    Bearer {
        token: S<String>,
    },
    Basic {
        username: S<String>,
        password: S<String>,
    },
    ApiKey {
        name: S<String>,
        value: S<String>,
        placement: S<ApiKeyIn>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyIn {
    Header,
    Query,
    /// A path segment of the base URI (`/bot{token}`): not supported yet.
    Path,
}

#[derive(Debug, Clone)]
pub struct Auth {
    pub pos: Pos,
    pub kind: AuthKind,
}

#[derive(Debug, Clone)]
pub enum Exposes {
    Rest(RestExposes),
    Mcp(McpExposes),
}

#[derive(Debug, Clone)]
pub struct RestExposes {
    pub pos: Pos,
    pub namespace: S<String>,
    pub address: Option<S<String>>,
    pub port: S<u16>,
    pub description: Option<String>,
    pub resources: Vec<ExposedResource>,
}

#[derive(Debug, Clone)]
pub struct ExposedResource {
    pub pos: Pos,
    pub path: S<String>,
    pub description: Option<String>,
    pub operations: Vec<ExposedOperation>,
}

/// A REST operation or an MCP tool: both call one consumed operation `with` some inputs.
#[derive(Debug, Clone)]
pub struct ExposedOperation {
    pub pos: Pos,
    pub name: Option<S<String>>,
    pub method: Option<S<Method>>,
    pub label: Option<String>,
    pub description: Option<String>,
    pub call: Option<S<String>>,
    pub with: Vec<(S<String>, Node)>,
    pub inputs: Option<Vec<Param>>,
    pub outputs: Vec<Output>,
    pub hints: Hints,
}

#[derive(Debug, Clone, Default)]
pub struct Hints {
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Http,
    Stdio,
}

#[derive(Debug, Clone)]
pub struct McpExposes {
    pub pos: Pos,
    pub namespace: S<String>,
    pub address: Option<S<String>>,
    pub port: Option<S<u16>>,
    pub transport: Transport,
    pub description: Option<String>,
    pub tools: Vec<ExposedOperation>,
}

/// Reads a spec from its YAML tree. Returns `None` only if the root is not a mapping; otherwise
/// a best-effort model, with every problem in `d`.
pub fn read(root: &Node, d: &mut Diagnostics) -> Option<Spec> {
    let mut top = Obj::new(root, "the spec root", d)?;
    match top.take("naftiko") {
        None => d.error(
            root.pos,
            "missing required key `naftiko` (the spec version, e.g. `naftiko: 1.0.0-alpha2`)",
        ),
        Some(v) => match v.as_str() {
            Some("1.0.0-alpha2" | "1.0.0-alpha3") => {}
            Some(other) => d.push(
                crate::diag::Diagnostic::new(
                    v.pos,
                    format!("unsupported naftiko version `{other}`"),
                )
                .with_help("supported versions: 1.0.0-alpha2, 1.0.0-alpha3"),
            ),
            None => d.error(
                v.pos,
                format!("`naftiko` must be a version string, found {}", v.describe()),
            ),
        },
    }
    let mut title = None;
    let mut description = None;
    if let Some(info) = top.take("info")
        && let Some(mut info) = Obj::new(info, "`info`", d)
    {
        title = info
            .opt_str("label", d)
            .or_else(|| info.opt_str("title", d))
            .map(|s| s.v);
        description = info.opt_str("description", d).map(|s| s.v);
        info.ignore(&["tags", "created", "modified", "stakeholders", "personas"]);
        info.finish(d);
    }
    let mut binds = Vec::new();
    // `binds` is written at the root in published specs and under `capability` by the schema.
    let mut read_binds = |node: &Node, d: &mut Diagnostics| {
        for b in seq(node, "`binds`", d) {
            if let Some(b) = read_bind(b, d) {
                binds.push(b);
            }
        }
    };
    if let Some(b) = top.take("binds") {
        read_binds(b, d);
    }
    let mut consumes = Vec::new();
    let mut exposes = Vec::new();
    let mut has_imports = false;
    let mut unreadable_namespaces = Vec::new();
    let cap_node = top.take("capability");
    if let Some(c) = top.take("consumes") {
        d.unsupported(c.pos, "`consumes` at the spec root (imported consumes)");
    }
    top.finish(d);
    match cap_node {
        None => d.error(root.pos, "missing required key `capability`"),
        Some(cap) => {
            if let Some(mut cap) = Obj::new(cap, "`capability`", d) {
                if let Some(b) = cap.take("binds") {
                    read_binds(b, d);
                }
                if let Some(c) = cap.take("consumes") {
                    for c in seq(c, "`capability.consumes`", d) {
                        has_imports |= node_has_key(c, "import") || node_has_key(c, "location");
                        match read_consumes(c, d) {
                            Some(c) => consumes.push(c),
                            None => {
                                if let Kind::Map(e) = &c.kind
                                    && let Some((_, ns)) =
                                        e.iter().find(|(k, _)| k.as_str() == Some("namespace"))
                                    && let Some(ns) = ns.as_str()
                                {
                                    unreadable_namespaces.push(ns.to_string());
                                }
                            }
                        }
                    }
                }
                if let Some(e) = cap.take("exposes") {
                    for e in seq(e, "`capability.exposes`", d) {
                        if let Some(e) = read_exposes(e, d) {
                            exposes.push(e);
                        }
                    }
                }
                cap.unsupported("aggregates", "`aggregates`", d);
                cap.unsupported("imports", "`imports`", d);
                cap.unsupported("workflow", "`workflow`", d);
                cap.finish(d);
            }
        }
    }
    Some(Spec {
        has_imports,
        unreadable_namespaces,
        title,
        description,
        binds,
        consumes,
        exposes,
    })
}

fn read_bind(node: &Node, d: &mut Diagnostics) -> Option<Bind> {
    let mut o = Obj::new(node, "a bind", d)?;
    let namespace = o.req_str("namespace", d);
    o.opt_str("description", d);
    let located = o.has("location");
    o.unsupported(
        "location",
        "a bind with `location` (secrets read from a file)",
        d,
    );
    let mut keys = Vec::new();
    match o.take("keys") {
        None => d.error(node.pos, "missing required key `keys` in a bind"),
        Some(k) => {
            if let Kind::Map(entries) = &k.kind {
                for (name, source) in entries {
                    match (name.as_str(), source.as_str()) {
                        (Some(n), Some(s)) if !source.is_null() => {
                            keys.push((S::new(n.to_string(), name.pos), S::new(s.to_string(), source.pos)))
                        }
                        _ => d.error(source.pos, "a bind key maps a variable name to the name of its source (an environment variable)"),
                    }
                }
            } else {
                d.error(
                    k.pos,
                    format!(
                        "`keys` must be a mapping of variable names to sources, found {}",
                        k.describe()
                    ),
                );
            }
        }
    }
    o.finish(d);
    Some(Bind {
        namespace: namespace?,
        located,
        keys,
    })
}

fn read_consumes(node: &Node, d: &mut Diagnostics) -> Option<Consumes> {
    let mut o = Obj::new(node, "a consumed API", d)?;
    if o.has("import") || o.has("location") {
        d.unsupported(node.pos, "an imported consumes entry (`import`/`location`)");
        return None;
    }
    let ty = o.req_str("type", d);
    if let Some(ty) = &ty
        && ty.v != "http"
    {
        d.unsupported(
            ty.pos,
            format!("consumed API type `{}` (only `http`)", ty.v),
        );
    }
    let namespace = o.req_str("namespace", d);
    let base_uri = o.req_str("baseUri", d);
    let description = o.opt_str("description", d).map(|s| s.v);
    o.ignore(&["label"]);
    let auth = match (o.take("authentication"), o.take("auth")) {
        (Some(a), _) | (None, Some(a)) => read_auth(a, d),
        (None, None) => None,
    };
    let params = o
        .take("inputParameters")
        .map(|p| read_params(p, d))
        .unwrap_or_default();
    // Without `resources` an API can still be the target of a `forward`.
    let mut resources = Vec::new();
    if let Some(r) = o.take("resources") {
        for r in seq(r, "`resources`", d) {
            if let Some(r) = read_resource(r, d) {
                resources.push(r);
            }
        }
    }
    o.finish(d);
    Some(Consumes {
        pos: node.pos,
        namespace: namespace?,
        base_uri: base_uri?,
        description,
        auth,
        params,
        resources,
    })
}

fn read_resource(node: &Node, d: &mut Diagnostics) -> Option<Resource> {
    let mut o = Obj::new(node, "a consumed resource", d)?;
    let name = o.opt_str("name", d);
    let path = o.req_str("path", d);
    let description = o.opt_str("description", d).map(|s| s.v);
    o.ignore(&["label"]);
    let params = o
        .take("inputParameters")
        .map(|p| read_params(p, d))
        .unwrap_or_default();
    let mut operations = Vec::new();
    match o.take("operations") {
        None => d.error(
            node.pos,
            "missing required key `operations` in a consumed resource",
        ),
        Some(ops) => {
            for op in seq(ops, "`operations`", d) {
                if let Some(op) = read_operation(op, d) {
                    operations.push(op);
                }
            }
        }
    }
    o.finish(d);
    Some(Resource {
        pos: node.pos,
        name,
        path: path?,
        description,
        params,
        operations,
    })
}

fn read_operation(node: &Node, d: &mut Diagnostics) -> Option<Operation> {
    let mut o = Obj::new(node, "a consumed operation", d)?;
    let name = o.req_str("name", d);
    let method = o.take("method").and_then(|m| read_method(m, d));
    let description = o.opt_str("description", d).map(|s| s.v);
    let path = o.opt_str("path", d);
    o.ignore(&["label", "outputSchema"]);
    if let Some(f) = o.opt_str("outputRawFormat", d)
        && f.v != "json"
    {
        d.unsupported(f.pos, format!("`outputRawFormat: {}` (only `json`)", f.v));
    }
    let params = o
        .take("inputParameters")
        .map(|p| read_params(p, d))
        .unwrap_or_default();
    let outputs = o
        .take("outputParameters")
        .map(|p| read_outputs(p, "value", d))
        .unwrap_or_default();
    let body = o.take("body").and_then(|b| read_body(b, d));
    o.finish(d);
    let Some(method) = method else {
        if node_has_key(node, "method") {
            return None;
        }
        d.error(
            node.pos,
            "missing required key `method` in a consumed operation",
        );
        return None;
    };
    Some(Operation {
        pos: node.pos,
        name: name?,
        method,
        description,
        path,
        params,
        body,
        outputs,
    })
}

fn node_has_key(node: &Node, key: &str) -> bool {
    matches!(&node.kind, Kind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some(key)))
}

fn read_body(node: &Node, d: &mut Diagnostics) -> Option<Body> {
    if matches!(node.kind, Kind::Scalar { .. }) && !node.is_null() {
        d.unsupported(node.pos, "a text `body` template");
        return None;
    }
    let mut o = Obj::new(node, "a request body", d)?;
    let ty = o.req_str("type", d);
    let data = o.take("data").cloned();
    o.finish(d);
    let ty = ty?;
    let json = ty.v == "json";
    if !json {
        d.unsupported(ty.pos, format!("a `{}` request body (only `json`)", ty.v));
    }
    Some(Body {
        pos: node.pos,
        json,
        data,
    })
}

fn read_method(node: &Node, d: &mut Diagnostics) -> Option<S<Method>> {
    let m = match node.as_str().map(|s| s.to_ascii_uppercase()).as_deref() {
        Some("GET") => Method::Get,
        Some("POST") => Method::Post,
        Some("PUT") => Method::Put,
        Some("PATCH") => Method::Patch,
        Some("DELETE") => Method::Delete,
        Some("HEAD") => Method::Head,
        Some("OPTIONS") => Method::Options,
        _ => {
            d.error(
                node.pos,
                format!("unknown HTTP method `{}`", node.as_str().unwrap_or("?")),
            );
            return None;
        }
    };
    Some(S::new(m, node.pos))
}

fn read_type(node: &Node, d: &mut Diagnostics) -> Option<S<Type>> {
    let t = match node.as_str() {
        Some("string") => Type::String,
        Some("integer") => Type::Integer,
        Some("number") => Type::Number,
        Some("boolean") => Type::Boolean,
        Some("array") => Type::Array,
        Some("object") => Type::Object,
        _ => {
            d.push(
                crate::diag::Diagnostic::new(
                    node.pos,
                    format!("unknown type `{}`", node.as_str().unwrap_or("?")),
                )
                .with_help("expected one of: string, integer, number, boolean, array, object"),
            );
            return None;
        }
    };
    Some(S::new(t, node.pos))
}

fn read_params(node: &Node, d: &mut Diagnostics) -> Vec<Param> {
    let mut out = Vec::new();
    for p in seq(node, "`inputParameters`", d) {
        let Some(mut o) = Obj::new(p, "an input parameter", d) else {
            continue;
        };
        let name = o.req_str("name", d);
        let location = o.take("in").and_then(|n| {
            let l = match n.as_str() {
                Some("path") => In::Path,
                Some("query") => In::Query,
                Some("header") => In::Header,
                Some("cookie") => In::Cookie,
                Some("body") => In::Body,
                _ => {
                    d.push(
                        crate::diag::Diagnostic::new(
                            n.pos,
                            format!("unknown parameter location `{}`", n.as_str().unwrap_or("?")),
                        )
                        .with_help("expected one of: path, query, header, cookie, body"),
                    );
                    return None;
                }
            };
            Some(S::new(l, n.pos))
        });
        let ty = o.take("type").and_then(|t| read_type(t, d));
        let description = o.opt_str("description", d).map(|s| s.v);
        let required = o.opt_bool("required", d).unwrap_or(false);
        let value = o.take("value").cloned();
        // `properties`/`items` describe an object or array's shape: documentation only.
        o.ignore(&["label", "properties", "items"]);
        o.unsupported(
            "pattern",
            "`pattern` on an input parameter (input validation)",
            d,
        );
        o.unsupported(
            "mapping",
            "`mapping` on an input parameter (mapping inputs into the request)",
            d,
        );
        o.finish(d);
        if let Some(name) = name {
            out.push(Param {
                pos: p.pos,
                name,
                location,
                ty,
                description,
                required,
                value,
            });
        }
    }
    out
}

fn read_outputs(node: &Node, path_key: &'static str, d: &mut Diagnostics) -> Vec<Output> {
    let mut out = Vec::new();
    for p in seq(node, "`outputParameters`", d) {
        let Some(mut o) = Obj::new(p, "an output parameter", d) else {
            continue;
        };
        let ty = o.take("type").and_then(|t| read_type(t, d));
        let mapping = o.opt_str(path_key, d);
        o.ignore(&["name", "description", "label"]);
        o.unsupported(
            "const",
            "`const` in an output parameter (constant outputs)",
            d,
        );
        for key in ["properties", "items"] {
            if let Some(n) = o.take(key) {
                d.unsupported(
                    n.pos,
                    format!("`{key}` in an output parameter (result shaping)"),
                );
            }
        }
        // Exposed outputs may also say `value:`; consumed outputs may say `mapping:`.
        let other = if path_key == "value" {
            "mapping"
        } else {
            "value"
        };
        let mapping = mapping.or_else(|| o.opt_str(other, d));
        o.finish(d);
        out.push(Output {
            pos: p.pos,
            mapping,
            ty,
        });
    }
    out
}

fn read_auth(node: &Node, d: &mut Diagnostics) -> Option<Auth> {
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
                None => S::new(ApiKeyIn::Header, node.pos),
                Some(p) => match p.v.as_str() {
                    "header" => S::new(ApiKeyIn::Header, p.pos),
                    "query" => S::new(ApiKeyIn::Query, p.pos),
                    "path" => S::new(ApiKeyIn::Path, p.pos),
                    other => {
                        d.unsupported(
                            p.pos,
                            format!("an API key placed in `{other}` (only `header` or `query`)"),
                        );
                        return None;
                    }
                },
            };
            let Some(name) = name else {
                d.error(node.pos, "missing required key `key` (the header or query parameter name) in apikey authentication");
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
            d.unsupported(ty.pos, format!("authentication type `{}`", ty.v));
            return None;
        }
        _ => {
            o.ignore_all();
            d.push(
                crate::diag::Diagnostic::new(
                    ty.pos,
                    format!("unknown authentication type `{}`", ty.v),
                )
                .with_help("expected one of: bearer, basic, apikey"),
            );
            return None;
        }
    };
    Some(Auth {
        pos: node.pos,
        kind,
    })
}

fn read_port(o: &mut Obj, d: &mut Diagnostics) -> Option<S<u16>> {
    let n = o.take("port")?;
    match n.as_i64() {
        Some(p) if (1..=65535).contains(&p) => Some(S::new(p as u16, n.pos)),
        _ => {
            d.error(
                n.pos,
                format!(
                    "`port` must be an integer from 1 to 65535, found `{}`",
                    n.as_str().unwrap_or("?")
                ),
            );
            None
        }
    }
}

fn read_exposes(node: &Node, d: &mut Diagnostics) -> Option<Exposes> {
    let mut o = Obj::new(node, "an exposed adapter", d)?;
    let ty = o.req_str("type", d)?;
    match ty.v.as_str() {
        "rest" => {
            let namespace = o.req_str("namespace", d);
            let address = o.opt_str("address", d);
            let port = read_port(&mut o, d);
            let description = o.opt_str("description", d).map(|s| s.v);
            o.unsupported(
                "authentication",
                "`authentication` on an exposed adapter",
                d,
            );
            let mut resources = Vec::new();
            match o.take("resources") {
                None => d.error(
                    node.pos,
                    "missing required key `resources` in a `rest` adapter",
                ),
                Some(r) => {
                    for r in seq(r, "`resources`", d) {
                        if let Some(r) = read_exposed_resource(r, d) {
                            resources.push(r);
                        }
                    }
                }
            }
            o.finish(d);
            if port.is_none() && !node_has_key(node, "port") {
                d.error(node.pos, "missing required key `port` in a `rest` adapter");
            }
            Some(Exposes::Rest(RestExposes {
                pos: node.pos,
                namespace: namespace?,
                address,
                port: port?,
                description,
                resources,
            }))
        }
        "mcp" => {
            let namespace = o.req_str("namespace", d);
            let address = o.opt_str("address", d);
            let port = read_port(&mut o, d);
            let description = o.opt_str("description", d).map(|s| s.v);
            let transport = match o.opt_str("transport", d) {
                None => Transport::Http,
                Some(t) if t.v == "http" => Transport::Http,
                Some(t) if t.v == "stdio" => Transport::Stdio,
                Some(t) => {
                    d.push(
                        crate::diag::Diagnostic::new(
                            t.pos,
                            format!("unknown MCP transport `{}`", t.v),
                        )
                        .with_help("expected `http` or `stdio`"),
                    );
                    Transport::Http
                }
            };
            o.unsupported(
                "authentication",
                "`authentication` on an exposed adapter",
                d,
            );
            o.unsupported("resources", "MCP `resources`", d);
            o.unsupported("prompts", "MCP `prompts`", d);
            let mut tools = Vec::new();
            match o.take("tools") {
                None => d.error(node.pos, "missing required key `tools` in an `mcp` adapter"),
                Some(t) => {
                    for t in seq(t, "`tools`", d) {
                        if let Some(t) = read_exposed_operation(t, true, d) {
                            tools.push(t);
                        }
                    }
                }
            }
            o.finish(d);
            Some(Exposes::Mcp(McpExposes {
                pos: node.pos,
                namespace: namespace?,
                address,
                port,
                transport,
                description,
                tools,
            }))
        }
        "skill" | "http" | "control" => {
            o.ignore_all();
            d.unsupported(ty.pos, format!("`{}` exposes", ty.v));
            None
        }
        other => {
            o.ignore_all();
            d.push(
                crate::diag::Diagnostic::new(
                    ty.pos,
                    format!("unknown exposed adapter type `{other}`"),
                )
                .with_help("expected `rest` or `mcp`"),
            );
            None
        }
    }
}

fn read_exposed_resource(node: &Node, d: &mut Diagnostics) -> Option<ExposedResource> {
    let mut o = Obj::new(node, "an exposed resource", d)?;
    let path = o.req_str("path", d);
    o.ignore(&["name", "label"]);
    let description = o.opt_str("description", d).map(|s| s.v);
    o.unsupported("forward", "`forward` (pass-through proxying)", d);
    o.unsupported("inputParameters", "resource-level `inputParameters`", d);
    let mut operations = Vec::new();
    match o.take("operations") {
        None => {
            if !node_has_key(node, "forward") {
                d.error(
                    node.pos,
                    "missing required key `operations` in an exposed resource",
                );
            }
        }
        Some(ops) => {
            for op in seq(ops, "`operations`", d) {
                if let Some(op) = read_exposed_operation(op, false, d) {
                    operations.push(op);
                }
            }
        }
    }
    o.finish(d);
    Some(ExposedResource {
        pos: node.pos,
        path: path?,
        description,
        operations,
    })
}

fn read_exposed_operation(
    node: &Node,
    tool: bool,
    d: &mut Diagnostics,
) -> Option<ExposedOperation> {
    let what = if tool {
        "an MCP tool"
    } else {
        "an exposed operation"
    };
    let mut o = Obj::new(node, what, d)?;
    let name = if tool {
        o.req_str("name", d)
    } else {
        o.opt_str("name", d)
    };
    let method = if tool {
        None
    } else {
        match o.take("method") {
            Some(m) => read_method(m, d),
            None => {
                d.error(
                    node.pos,
                    "missing required key `method` in an exposed operation",
                );
                None
            }
        }
    };
    let label = o.opt_str("label", d).map(|s| s.v);
    let description = o.opt_str("description", d).map(|s| s.v);
    let call = o.opt_str("call", d);
    let mut with = Vec::new();
    if let Some(w) = o.take("with") {
        match &w.kind {
            Kind::Map(entries) => {
                for (k, v) in entries {
                    with.push((
                        S::new(k.as_str().unwrap_or_default().to_string(), k.pos),
                        v.clone(),
                    ));
                }
            }
            _ if w.is_null() => {}
            _ => d.error(
                w.pos,
                format!(
                    "`with` must be a mapping of consumed parameter names to values, found {}",
                    w.describe()
                ),
            ),
        }
    }
    let inputs = o.take("inputParameters").map(|p| read_params(p, d));
    let outputs = o
        .take("outputParameters")
        .map(|p| read_outputs(p, "mapping", d))
        .unwrap_or_default();
    let mut hints = Hints::default();
    if let Some(h) = o.take("hints")
        && let Some(mut h) = Obj::new(h, "`hints`", d)
    {
        hints.read_only = h.opt_bool("readOnly", d);
        hints.destructive = h.opt_bool("destructive", d);
        hints.idempotent = h.opt_bool("idempotent", d);
        hints.open_world = h.opt_bool("openWorld", d);
        h.finish(d);
    }
    o.unsupported("steps", "`steps` (orchestrated operations)", d);
    o.unsupported("mappings", "`mappings` (step output mappings)", d);
    o.unsupported("ref", "`ref` (operation references)", d);
    o.finish(d);
    if call.is_none()
        && !node_has_key(node, "steps")
        && !node_has_key(node, "ref")
        && !node_has_key(node, "mappings")
    {
        d.error(node.pos, format!("missing required key `call` in {what}"));
    }
    if !tool && method.is_none() {
        return None;
    }
    Some(ExposedOperation {
        pos: node.pos,
        name,
        method,
        label,
        description,
        call,
        with,
        inputs,
        outputs,
        hints,
    })
}

/// The items of a list; anything else is an error and yields nothing.
fn seq<'a>(node: &'a Node, what: &str, d: &mut Diagnostics) -> &'a [Node] {
    match &node.kind {
        Kind::Seq(items) => items,
        _ if node.is_null() => &[],
        _ => {
            d.error(
                node.pos,
                format!("{what} must be a list, found {}", node.describe()),
            );
            &[]
        }
    }
}

/// A mapping being read: remembers which keys were taken, so that `finish` can report the rest.
struct Obj<'a> {
    node: &'a Node,
    entries: &'a [(Node, Node)],
    taken: Vec<bool>,
    known: Vec<&'static str>,
    what: &'static str,
}

impl<'a> Obj<'a> {
    fn new(node: &'a Node, what: &'static str, d: &mut Diagnostics) -> Option<Self> {
        match &node.kind {
            Kind::Map(entries) => Some(Obj {
                node,
                entries,
                taken: vec![false; entries.len()],
                known: Vec::new(),
                what,
            }),
            _ => {
                d.error(
                    node.pos,
                    format!("{what} must be a mapping, found {}", node.describe()),
                );
                None
            }
        }
    }

    fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.as_str() == Some(key))
    }

    fn take(&mut self, key: &'static str) -> Option<&'a Node> {
        self.known.push(key);
        let i = self
            .entries
            .iter()
            .position(|(k, _)| k.as_str() == Some(key))?;
        self.taken[i] = true;
        Some(&self.entries[i].1)
    }

    fn opt_str(&mut self, key: &'static str, d: &mut Diagnostics) -> Option<S<String>> {
        let n = self.take(key)?;
        if n.is_null() {
            return None;
        }
        match &n.kind {
            Kind::Scalar { value, .. } => Some(S::new(value.clone(), n.pos)),
            _ => {
                d.error(
                    n.pos,
                    format!("`{key}` must be a string, found {}", n.describe()),
                );
                None
            }
        }
    }

    fn req_str(&mut self, key: &'static str, d: &mut Diagnostics) -> Option<S<String>> {
        let present = self.has(key);
        let v = self.opt_str(key, d);
        if v.is_none() && !present {
            d.error(
                self.node.pos,
                format!("missing required key `{key}` in {}", self.what),
            );
        } else if v.is_none()
            && self
                .entries
                .iter()
                .any(|(k, v)| k.as_str() == Some(key) && v.is_null())
        {
            d.error(
                self.node.pos,
                format!("`{key}` must not be empty in {}", self.what),
            );
        }
        v
    }

    fn opt_bool(&mut self, key: &'static str, d: &mut Diagnostics) -> Option<bool> {
        let n = self.take(key)?;
        let b = n.as_bool();
        if b.is_none() {
            d.error(
                n.pos,
                format!(
                    "`{key}` must be `true` or `false`, found `{}`",
                    n.as_str().unwrap_or("?")
                ),
            );
        }
        b
    }

    /// Keys that carry documentation only.
    fn ignore(&mut self, keys: &[&'static str]) {
        for k in keys {
            self.take(k);
        }
    }

    fn ignore_all(&mut self) {
        self.taken.iter_mut().for_each(|t| *t = true);
    }

    fn unsupported(&mut self, key: &'static str, construct: &str, d: &mut Diagnostics) {
        if let Some(n) = self.take(key) {
            let pos = self
                .entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map_or(n.pos, |(k, _)| k.pos);
            d.unsupported(pos, construct);
        }
    }

    fn finish(self, d: &mut Diagnostics) {
        for ((k, _), taken) in self.entries.iter().zip(&self.taken) {
            if !taken {
                let mut known = self.known.clone();
                known.sort_unstable();
                known.dedup();
                d.push(
                    crate::diag::Diagnostic::new(
                        k.pos,
                        format!(
                            "unknown key `{}` in {}",
                            k.as_str().unwrap_or("?"),
                            self.what
                        ),
                    )
                    .with_help(format!("expected one of: {}", known.join(", "))),
                );
            }
        }
    }
}
