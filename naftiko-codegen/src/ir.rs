//! The resolved model: what the emitters consume. Every reference is resolved, every name is a
//! Rust identifier, every input knows the consumed parameter it feeds.

pub use crate::spec::{In, Method, RawFormat, Transport, Type};

#[derive(Debug, Clone, PartialEq)]
pub struct Capability {
    pub title: String,
    pub description: Option<String>,
    pub apis: Vec<Api>,
    pub rest: Vec<RestAdapter>,
    pub mcp: Vec<McpAdapter>,
    /// `skill` adapters: catalogs of Agent Skills.
    pub skills: Vec<SkillAdapter>,
    /// The `control` adapter (management plane), if any.
    pub control: Option<ControlAdapter>,
    /// Variables read from bind files (`binds[].location`): a [`Part::Env`] naming one of
    /// them is read from its file, not the environment.
    pub file_vars: Vec<FileVar>,
    /// The script steps of every call, numbered (`StepKind::Script::index`).
    pub scripts: Vec<Script>,
}

/// A variable of a bind with `location`: read from `key` of the file at `path` (absolute) when
/// the client is built. Only the path is in the generated code, never a value.
#[derive(Debug, Clone, PartialEq)]
pub struct FileVar {
    pub var: String,
    pub path: String,
    pub key: String,
}

/// A value known at compile time except for environment variables read at start-up.
#[derive(Debug, Clone, PartialEq)]
pub struct Template(pub Vec<Part>);

#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Lit(String),
    /// The value of this environment variable, read once when the client is built.
    Env(String),
}

impl Template {
    /// The text of a template without environment variables (the literal parts only).
    pub fn literal(&self) -> String {
        self.0
            .iter()
            .filter_map(|p| match p {
                Part::Lit(s) => Some(s.as_str()),
                Part::Env(_) => None,
            })
            .collect()
    }

    pub fn env_vars(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|p| match p {
            Part::Env(v) => Some(v.as_str()),
            Part::Lit(_) => None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    None,
    Bearer(Template),
    Basic {
        username: Template,
        password: Template,
    },
    ApiKey {
        name: String,
        value: Template,
        placement: KeyPlacement,
    },
    /// OAuth 2 client credentials: tokens from `token_url`.
    OAuth2 {
        token_url: Template,
        client_id: Template,
        client_secret: Template,
        scopes: Vec<String>,
        resource: Option<Template>,
    },
    /// RFC 7616 digest.
    Digest {
        username: Template,
        password: Template,
    },
    /// Veracode's HMAC signature.
    Hmac {
        api_id: Template,
        api_key: Template,
    },
    /// RFC 5849 OAuth 1.0a, HMAC-SHA1.
    OAuth1 {
        consumer_key: Template,
        consumer_secret: Template,
        token: Option<Template>,
        token_secret: Option<Template>,
    },
    /// AWS Signature Version 4.
    AwsSigV4 {
        access_key_id: Template,
        secret_key: Template,
        region: Template,
        service: Template,
        session_token: Option<Template>,
    },
    /// Mutual TLS from PEM files, or with `cert_password` from a PKCS#12 file or PEM with an
    /// encrypted PKCS#8 key.
    Certificate {
        cert_path: Template,
        key_path: Option<Template>,
        cert_password: Option<Template>,
    },
}

impl Auth {
    /// Every template the authentication reads, in order.
    pub fn templates(&self) -> Vec<&Template> {
        match self {
            Auth::None => Vec::new(),
            Auth::Bearer(t) => vec![t],
            Auth::Basic { username, password } | Auth::Digest { username, password } => {
                vec![username, password]
            }
            Auth::ApiKey { value, .. } => vec![value],
            Auth::OAuth2 {
                token_url,
                client_id,
                client_secret,
                resource,
                ..
            } => [token_url, client_id, client_secret]
                .into_iter()
                .chain(resource.as_ref())
                .collect(),
            Auth::Hmac { api_id, api_key } => vec![api_id, api_key],
            Auth::OAuth1 {
                consumer_key,
                consumer_secret,
                token,
                token_secret,
            } => [consumer_key, consumer_secret]
                .into_iter()
                .chain(token.as_ref())
                .chain(token_secret.as_ref())
                .collect(),
            Auth::AwsSigV4 {
                access_key_id,
                secret_key,
                region,
                service,
                session_token,
            } => [access_key_id, secret_key, region, service]
                .into_iter()
                .chain(session_token.as_ref())
                .collect(),
            Auth::Certificate {
                cert_path,
                key_path,
                cert_password,
            } => std::iter::once(cert_path)
                .chain(key_path.as_ref())
                .chain(cert_password.as_ref())
                .collect(),
        }
    }
}

/// Where an API key goes (`placement`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlacement {
    Header,
    Query,
    /// A cookie of the `Cookie` header.
    Cookie,
    /// The base URI's `{name}` placeholder.
    Path,
    /// A field of the JSON or form body (a form body when the operation has none).
    Body,
}

/// A consumed HTTP API.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub namespace: String,
    /// Module name of the generated client (`m3ter_billjob`).
    pub module: String,
    /// The base URI; it may read environment variables (`{{env.HOST}}/api`).
    pub base_uri: Template,
    pub description: Option<String>,
    pub auth: Auth,
    /// Fixed headers / query parameters sent with every operation.
    pub fixed: Vec<Fixed>,
    /// Bound variables that exposures' `with` values read, besides those of body templates:
    /// read once when the client is built.
    pub request_env: Vec<String>,
    pub operations: Vec<Operation>,
}

impl Api {
    /// An API whose one operation takes nothing and is never called: what a mock-mode exposure
    /// (no `call`) is resolved against, so that its declared inputs are read like any other's.
    pub fn none() -> Self {
        Api {
            namespace: String::new(),
            module: String::new(),
            base_uri: Template(Vec::new()),
            description: None,
            auth: Auth::None,
            fixed: Vec::new(),
            request_env: Vec::new(),
            operations: vec![Operation {
                name: String::new(),
                ident: String::new(),
                params_struct: String::new(),
                method: Method::Get,
                path: String::new(),
                segments: Vec::new(),
                description: None,
                params: Vec::new(),
                body: Body::None,
                idempotent: true,
                output: Shape::whole(),
                raw_format: RawFormat::Json,
                media_type: None,
                max_binary: None,
            }],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    pub name: String,
    pub location: In,
    pub value: Template,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub name: String,
    /// Method name on the client (`listbilljobs`).
    pub ident: String,
    /// Name of the optional-parameters struct (`ListbilljobsParams`).
    pub params_struct: String,
    pub method: Method,
    /// The path template as written (for docs and OpenAPI).
    pub path: String,
    pub segments: Vec<Segment>,
    pub description: Option<String>,
    pub params: Vec<Param>,
    pub body: Body,
    /// Safe to send twice: retried on transient failures.
    pub idempotent: bool,
    /// The operation's own `outputParameters`: the shape of the typed client's output. The
    /// exposures shape the raw upstream answer themselves (as the reference engine does).
    pub output: Shape,
    /// The format of the answers (`outputRawFormat`): the client converts it to JSON.
    pub raw_format: RawFormat,
    /// `outputMediaType` (binary answers): the media type given to their bytes.
    pub media_type: Option<String>,
    /// `maxBinarySize` (binary answers): the largest read, in bytes.
    pub max_binary: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Literal text, already a valid piece of a URL path.
    Lit(String),
    /// Index into `params` of the path parameter filling this placeholder.
    Param(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Name on the wire.
    pub name: String,
    /// Rust identifier of the argument or field.
    pub ident: String,
    pub location: In,
    pub ty: Type,
    pub required: bool,
    pub description: Option<String>,
    /// A value the spec fixes (`value:`); such a parameter is not an argument.
    pub fixed: Option<Template>,
    /// `value: '{{tools.x}}'`: fed by default from the exposed input `x`.
    pub default_input: Option<String>,
    /// Takes any JSON value, whatever its declared type (a raw JSON body's placeholder outside
    /// a string literal: `"ids": {{ids}}`).
    pub any_json: bool,
}

impl Param {
    /// Required parameters are positional arguments; optional ones live in the params struct.
    pub fn positional(&self) -> bool {
        self.fixed.is_none() && (self.required || self.location == In::Path)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    None,
    /// One `in: body` parameter is the whole JSON body.
    Whole(usize),
    /// Several `in: body` parameters are the fields of one JSON object.
    Fields(Vec<usize>),
    /// A `body: {type: json, data: ...}` template; its `{{x}}` variables are body parameters.
    Template(JsonTemplate),
    /// A structured template sent in another encoding (`yaml`, `cbor`, `formUrlEncoded`).
    Encoded(Encoding, JsonTemplate),
    /// A text template (`text`, `xml`, `sparql`, a pre-encoded form, `binary`, a raw string).
    Text(TextBody),
    /// `multipartForm`: one part per entry.
    Multipart(Vec<MultipartPart>),
}

impl Body {
    /// Whether parameter `param` is one of the body template's variables.
    pub fn uses(&self, param: usize) -> bool {
        let text = |parts: &[TextPart]| {
            parts.contains(&TextPart::Var(param)) || parts.contains(&TextPart::JsonVar(param))
        };
        match self {
            Body::None | Body::Whole(_) | Body::Fields(_) => false,
            Body::Template(t) | Body::Encoded(_, t) => t.uses(param),
            Body::Text(t) => text(&t.parts),
            Body::Multipart(parts) => parts.iter().any(|p| text(&p.value)),
        }
    }
}

/// How a structured body template is put on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `application/yaml`, written as JSON text (JSON is YAML 1.2).
    Yaml,
    /// `application/cbor` (RFC 8949).
    Cbor,
    /// `application/x-www-form-urlencoded`, from an object of scalar fields.
    Form,
}

/// A text body: its media type and how values are escaped where they are inserted.
#[derive(Debug, Clone, PartialEq)]
pub struct TextBody {
    /// The `Content-Type`; `None` when an `in: header` `Content-Type` parameter sets it.
    pub media_type: Option<String>,
    pub escape: Escape,
    pub parts: Vec<TextPart>,
}

/// How an inserted value is escaped, so that it cannot change the body's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// As it is (`text`, `binary`, a raw body whose type a header sets).
    None,
    /// As the content of a JSON string (a raw body sent as JSON).
    Json,
    /// As XML character data (`&`, `<`, `>`, quotes).
    Xml,
    /// As the content of a SPARQL string literal.
    Sparql,
    /// Form-encoded (a pre-encoded `formUrlEncoded` string).
    Form,
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq)]
pub struct MultipartPart {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub value: Vec<TextPart>,
}

/// A JSON body template: constants, and variables that are parameters of the operation.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonTemplate {
    Value(serde_json::Value),
    /// `'{{x}}'` alone: the parameter's value with its JSON type; left out when absent.
    Var(usize),
    /// Text with `{{x}}` inside: the values as text; left out when one is absent.
    Text(Vec<TextPart>),
    Array(Vec<JsonTemplate>),
    Object(Vec<(String, JsonTemplate)>),
}

impl JsonTemplate {
    /// Whether parameter `param` is one of the template's variables.
    pub fn uses(&self, param: usize) -> bool {
        match self {
            JsonTemplate::Value(_) => false,
            JsonTemplate::Var(i) => *i == param,
            JsonTemplate::Text(parts) => parts.contains(&TextPart::Var(param)),
            JsonTemplate::Array(items) => items.iter().any(|t| t.uses(param)),
            JsonTemplate::Object(entries) => entries.iter().any(|(_, t)| t.uses(param)),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum TextPart {
    Lit(String),
    /// The value of parameter `i`.
    Var(usize),
    /// The value of parameter `i` as JSON text (`null` when absent): a raw JSON body's
    /// placeholder outside a string literal.
    JsonVar(usize),
    /// The value of this environment variable (a bind), read when the client is built.
    Env(String),
}

/// Where an exposed input comes from in the exposed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Path,
    Query,
    Header,
    /// A cookie of the request's `Cookie` header (a declared `in: cookie` REST input).
    Cookie,
    /// The whole JSON request body.
    Body,
    /// A field of the JSON request body (REST) or a tool argument (MCP).
    Field,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// Name as the caller writes it (path variable, query name, tool argument).
    pub name: String,
    pub ident: String,
    pub source: Source,
    pub ty: Type,
    pub required: bool,
    pub description: Option<String>,
    /// `pattern`: a regular expression the value must match (anywhere in it, as JSON Schema's
    /// `pattern`), checked before anything is sent.
    pub pattern: Option<String>,
}

/// How one consumed parameter is fed.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// From the exposed input with this index.
    Input(usize),
    /// A constant from the spec, already of the parameter's type.
    Const(serde_json::Value),
    /// Not fed: an optional parameter left out of the request.
    Absent,
    /// A structured value (an array or object parameter) with exposed inputs inside it
    /// (`filters: [{criteria: [{value: tools.tag}]}]`).
    Json(JsonArg),
    /// Text read from binds (`{{VERSION}}`, `env.VERSION`, `v{{VERSION}}`): the client reads
    /// the variables when it is built ([`Api::request_env`]).
    Env(Template),
    /// In a step of an orchestrated call: the value at this JSON pointer of the steps' context
    /// (`$.get-ship.owner` in `with`: `/get-ship/owner`), an earlier step's answer.
    Context(String),
}

impl Arg {
    /// Whether this argument reads the exposed input with index `input`.
    pub fn uses(&self, input: usize) -> bool {
        match self {
            Arg::Input(i) => *i == input,
            Arg::Json(j) => j.uses(input),
            Arg::Const(_) | Arg::Absent | Arg::Env(_) | Arg::Context(_) => false,
        }
    }
}

/// A structured `with` value: constants, and exposed inputs (by index) at some leaves.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonArg {
    Value(serde_json::Value),
    /// The value of the exposed input with this index (JSON `null` when it is absent).
    Input(usize),
    Array(Vec<JsonArg>),
    Object(Vec<(String, JsonArg)>),
}

impl JsonArg {
    pub fn uses(&self, input: usize) -> bool {
        match self {
            JsonArg::Input(i) => *i == input,
            JsonArg::Value(_) => false,
            JsonArg::Array(items) => items.iter().any(|j| j.uses(input)),
            JsonArg::Object(entries) => entries.iter().any(|(_, j)| j.uses(input)),
        }
    }
}

/// What a result is made of: how it is built from the upstream's JSON (the context), or from
/// the inputs alone. Recursive through objects' properties and arrays' items.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The declared type; `None` where the spec leaves it open (the universal `$.` form).
    pub ty: Option<Type>,
    pub description: Option<String>,
    /// `const:`: the one value it may take (published in the schemas).
    pub konst: Option<serde_json::Value>,
    pub kind: ShapeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ShapeKind {
    /// The context unchanged (`$.`, or no mapping at all).
    Whole,
    /// An RFC 9535 JSONPath query from the context, checked at compile time.
    Select(Path),
    /// `value:`: static text with `{{input}}` templates (the inputs are the call's).
    Value(Vec<ValuePart>),
    /// An object built property by property, from the node `from` selects (else the context).
    Object {
        from: Option<Path>,
        properties: Vec<(String, Shape)>,
    },
    /// An array: the node `from` selects (else the context), each element shaped by `items`.
    Array {
        from: Option<Path>,
        items: Option<Box<Shape>>,
    },
}

/// A JSONPath as written, and whether it selects at most one node (a singular query: no
/// wildcard, slice, filter, union or descendant). A query that is not singular always yields
/// an array, even of one node.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub text: String,
    pub singular: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValuePart {
    Lit(String),
    /// The value of the call's input with this index.
    Input(usize),
}

impl Shape {
    /// The upstream answer as it is.
    pub fn whole() -> Self {
        Shape {
            ty: None,
            description: None,
            konst: None,
            kind: ShapeKind::Whole,
        }
    }

    /// Whether the result is the context unchanged (passed on byte for byte).
    pub fn is_whole(&self) -> bool {
        self.kind == ShapeKind::Whole && self.konst.is_none()
    }

    /// Whether the shape reads nothing from an upstream (only `value`s): mock mode.
    pub fn is_static(&self) -> bool {
        match &self.kind {
            ShapeKind::Value(_) => true,
            ShapeKind::Whole | ShapeKind::Select(_) => false,
            ShapeKind::Object { from, properties } => {
                from.is_none() && properties.iter().all(|(_, s)| s.is_static())
            }
            ShapeKind::Array { from, items } => {
                from.is_none() && items.as_ref().is_none_or(|s| s.is_static())
            }
        }
    }

    /// Whether the result may be `null`: what is read from an upstream may be missing; an object
    /// built property by property is always there (unless its own `mapping` misses); a typed
    /// `value` is `null` when its inputs render as nothing; text `value`s are always there.
    pub fn may_be_null(&self) -> bool {
        match &self.kind {
            ShapeKind::Value(parts) => {
                !matches!(self.ty, None | Some(Type::String))
                    && parts.iter().any(|p| matches!(p, ValuePart::Input(_)))
            }
            ShapeKind::Object { from, .. } => from.is_some(),
            // A query that is not singular yields an array, maybe empty; as a scalar, its one
            // node or null.
            ShapeKind::Select(p) => {
                p.singular || matches!(self.ty, Some(t) if !matches!(t, Type::Array | Type::Object))
            }
            // An array from a query that is not singular is always there, maybe empty.
            ShapeKind::Array { from, .. } => from.as_ref().is_none_or(|p| p.singular),
            ShapeKind::Whole => true,
        }
    }

    /// The indices of the inputs that `value` templates read.
    pub fn inputs_used(&self, out: &mut Vec<usize>) {
        match &self.kind {
            ShapeKind::Value(parts) => {
                for p in parts {
                    if let ValuePart::Input(i) = p
                        && !out.contains(i)
                    {
                        out.push(*i);
                    }
                }
            }
            ShapeKind::Whole | ShapeKind::Select(_) => {}
            ShapeKind::Object { properties, .. } => {
                properties.iter().for_each(|(_, s)| s.inputs_used(out));
            }
            ShapeKind::Array { items, .. } => {
                if let Some(s) = items {
                    s.inputs_used(out);
                }
            }
        }
    }
}

/// The consumed operation a call sends, and what feeds each of its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub api: usize,
    pub operation: usize,
    /// One entry per parameter of the consumed operation.
    pub args: Vec<Arg>,
}

/// A REST operation or an MCP tool: inputs, the consumed operation it calls (none in mock
/// mode), and the shape of its result.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub ident: String,
    pub description: Option<String>,
    /// The consumed operation called; `None` in mock mode (the result is built from `value`s).
    pub target: Option<Target>,
    pub inputs: Vec<Input>,
    /// The result, built from the upstream's raw answer (or from the inputs in mock mode).
    pub output: Shape,
    /// An orchestrated call (`steps`, `target` is `None`): its steps in order; `output` reads
    /// the context object `{ "<step>": <its answer>, ... }`.
    pub steps: Vec<Step>,
}

/// One step of an orchestrated call.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub name: String,
    pub kind: StepKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// A consumed operation, fed from the call's inputs and constants.
    Call(Target),
    /// The elements of step `index`'s answer (an array) whose field `field` equals one of the
    /// values at `value` (a JSON pointer into the context), projected on `keep`.
    Lookup {
        index: String,
        field: String,
        value: String,
        keep: Vec<String>,
    },
    /// A script: `def` (what it runs) is number `index` of [`Capability::scripts`]; it reads
    /// the inputs, the answers of the steps `earlier`, and its `with` entries.
    Script {
        index: usize,
        def: Script,
        earlier: Vec<String>,
        with: Vec<(String, ScriptWith)>,
    },
}

/// A script step's files and limits (served by `naftiko_runtime::scripts`).
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub step: String,
    /// Its dependencies, then its main file.
    pub files: Vec<crate::spec::ScriptFile>,
    pub timeout_ms: u64,
    pub statement_limit: u64,
    pub enabled: Option<bool>,
}

/// A `with` value of a script step.
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptWith {
    Const(serde_json::Value),
    /// A Mustache template over the inputs and earlier answers (`"{{org}}"`).
    Template(String),
    /// The value at this JSON pointer of the steps' context (`$.step.field`).
    Context(String),
}

impl Call {
    /// How each parameter of the consumed operation is fed (none in mock mode).
    pub fn args(&self) -> &[Arg] {
        self.target.as_ref().map_or(&[], |t| &t.args)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RestAdapter {
    pub namespace: String,
    pub module: String,
    pub address: String,
    pub port: u16,
    pub description: Option<String>,
    /// Inbound authentication: what a caller must present.
    pub auth: Option<InboundAuth>,
    pub routes: Vec<Route>,
    /// Resources with `forward`: proxied to a consumed API.
    pub forwards: Vec<ForwardRoute>,
}

/// A resource proxied to a consumed API (`forward`).
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardRoute {
    /// The resource path as the spec writes it.
    pub name: String,
    /// The axum paths served with any method: the resource path, and with a trailing
    /// `{{path}}` the resource path without it plus a catch-all.
    pub paths: Vec<String>,
    /// Leading path segments that are the resource's own; the rest goes after the base URI.
    pub skip: usize,
    /// Index into [`Capability::apis`].
    pub api: usize,
    /// `trustedHeaders`, lower-case.
    pub trusted: Vec<String>,
    /// The handler's name.
    pub ident: String,
}

/// Inbound authentication of an adapter; its secrets are templates read at start-up.
#[derive(Debug, Clone, PartialEq)]
pub enum InboundAuth {
    Bearer(Template),
    ApiKey {
        name: String,
        value: Template,
        in_query: bool,
    },
    Basic {
        username: Template,
        password: Template,
    },
    Digest {
        username: Template,
        password: Template,
    },
    OAuth2 {
        authorization_server: String,
        resource: String,
        audience: Option<String>,
        scopes: Vec<String>,
        /// The token URL the OpenAPI document names (`tokenEndpoint`, else the issuer).
        token_url: String,
        /// RFC 7662 introspection with these client credentials, instead of JWT validation.
        introspection: Option<(Template, Template)>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Path in axum's syntax (`/v1/organizations/{orgid}/billjobs`).
    pub path: String,
    pub method: Method,
    pub call: Call,
    /// Ikanos beta5 `responses` / `responseBinary` with a binary payload: the route answers the
    /// consumed operation's raw bytes.
    pub binary: Option<BinaryAnswer>,
    /// The OpenAPI responses the spec documents (`responses`), by status code.
    pub responses: Vec<(String, serde_json::Value)>,
}

/// A REST route that answers raw bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct BinaryAnswer {
    pub status: u16,
    pub media_type: String,
    /// `maxBinarySize` (the operation's, else the adapter's, else 10 MiB): larger is `502`.
    pub max_bytes: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct McpAdapter {
    pub namespace: String,
    pub module: String,
    pub address: String,
    pub port: Option<u16>,
    pub transport: Transport,
    pub description: Option<String>,
    /// Inbound authentication of the HTTP transport.
    pub auth: Option<InboundAuth>,
    pub tools: Vec<Tool>,
    /// `resources/list`, `resources/templates/list` and `resources/read` (advertised only when
    /// there are some).
    pub resources: Vec<McpResource>,
    /// `prompts/list` and `prompts/get` (advertised only when there are some).
    pub prompts: Vec<McpPrompt>,
    /// `ttlMs` (Ikanos beta5): how long clients may treat the adapter's lists and resource
    /// reads as fresh.
    pub ttl_ms: Option<u64>,
    /// `cacheScope` (Ikanos beta5): `Some(true)` for `public`, `Some(false)` for `private`.
    pub cache_public: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    pub title: Option<String>,
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: bool,
    pub call: Call,
}

/// An MCP resource: a file embedded at compile time, or a consumed operation's shaped answer.
#[derive(Debug, Clone, PartialEq)]
pub struct McpResource {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// The URI, or an RFC 6570 level 1 template (its variables are the call's inputs).
    pub uri: String,
    /// Whether `uri` is a template (`{var}`): listed by `resources/templates/list`.
    pub templated: bool,
    pub mime_type: Option<String>,
    pub kind: ResourceKind,
    /// `binary: true` (Ikanos beta5): read as a blob of at most this many bytes.
    pub binary: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResourceKind {
    /// The file at this absolute path, embedded (`include_bytes!`).
    File(String),
    /// A call whose inputs are the URI template's variables (required strings).
    Call(Box<Call>),
}

/// An MCP prompt: messages with `{{arg}}` placeholders filled from its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct McpPrompt {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub arguments: Vec<PromptArgument>,
    pub messages: Vec<PromptMessage>,
    /// The file the message was read from (absolute), tracked by the build.
    pub file: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PromptArgument {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PromptMessage {
    /// `true`: `assistant`; `false`: `user`.
    pub assistant: bool,
    pub parts: Vec<PromptPart>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PromptPart {
    Lit(String),
    /// The value of the argument with this index (empty when an optional one is absent).
    Arg(usize),
}

/// A `skill` adapter: serves its catalog (`/skills`), each skill's detail, its files and a zip
/// of them, behind its inbound authentication.
#[derive(Debug, Clone, PartialEq)]
pub struct SkillAdapter {
    pub namespace: String,
    pub module: String,
    pub address: String,
    pub port: u16,
    pub description: Option<String>,
    pub auth: Option<InboundAuth>,
    pub skills: Vec<Skill>,
}

/// One skill and its Agent Skills frontmatter.
#[derive(Debug, Clone, PartialEq)]
pub struct Skill {
    pub name: String,
    pub description: String,
    pub license: Option<String>,
    pub compatibility: Option<String>,
    pub metadata: Vec<(String, String)>,
    pub allowed_tools: Option<String>,
    pub argument_hint: Option<String>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
    /// The absolute path of the `location` directory, read at run time.
    pub location: Option<String>,
    pub tools: Vec<SkillTool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SkillTool {
    pub name: String,
    pub description: String,
    pub kind: SkillToolKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SkillToolKind {
    /// A tool (`mcp`) or operation (`rest`) of a sibling adapter.
    Derived {
        namespace: String,
        action: String,
        /// `"mcp"` or `"rest"`.
        mode: &'static str,
        /// The JSON Schema of its arguments.
        input_schema: serde_json::Value,
        /// The JSON Schema of its result, when its `outputParameters` declare one.
        output_schema: Option<serde_json::Value>,
    },
    /// A file of the skill's `location`: `path` relative to it, `file` absolute (embedded).
    Instruction { path: String, file: String },
}

/// The `control` adapter: health and Prometheus metrics on their own address.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlAdapter {
    pub address: String,
    pub port: u16,
    pub health: bool,
    /// `observability`, when declared.
    pub observability: Option<Observability>,
    /// `management.logs`: `/logs` served.
    pub logs: bool,
}

/// `observability` of the control adapter.
#[derive(Debug, Clone, PartialEq)]
pub struct Observability {
    /// Traces recorded and exported, `/metrics` served.
    pub enabled: bool,
    /// The share of new traces recorded.
    pub sampling: f64,
    /// The OTLP/HTTP collector (`exporters.otlp.endpoint`), read at start-up.
    pub endpoint: Option<Template>,
    /// `/metrics` served (`metrics.local.enabled`).
    pub metrics: bool,
}
