//! The resolved model: what the emitters consume. Every reference is resolved, every name is a
//! Rust identifier, every input knows the consumed parameter it feeds.

pub use crate::spec::{In, Method, Transport, Type};

#[derive(Debug, Clone, PartialEq)]
pub struct Capability {
    pub title: String,
    pub description: Option<String>,
    pub apis: Vec<Api>,
    pub rest: Vec<RestAdapter>,
    pub mcp: Vec<McpAdapter>,
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
        in_query: bool,
    },
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
    pub operations: Vec<Operation>,
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
    /// The operation's output: the upstream JSON (`$.`) or a part of it (`$.result`).
    pub output: Mapping,
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
    Var(usize),
}

/// Where an exposed input comes from in the exposed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Path,
    Query,
    Header,
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
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mapping {
    /// `$.`: the upstream JSON unchanged.
    Identity,
    /// An RFC 9535 JSONPath query, checked at compile time.
    Path(String),
}

/// A REST operation or an MCP tool: inputs, the consumed operation it calls, and its output.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub ident: String,
    pub description: Option<String>,
    pub api: usize,
    pub operation: usize,
    pub inputs: Vec<Input>,
    /// One entry per parameter of the consumed operation.
    pub args: Vec<Arg>,
    pub output: Mapping,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RestAdapter {
    pub namespace: String,
    pub module: String,
    pub address: String,
    pub port: u16,
    pub description: Option<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    /// Path in axum's syntax (`/v1/organizations/{orgid}/billjobs`).
    pub path: String,
    pub method: Method,
    pub call: Call,
}

#[derive(Debug, Clone, PartialEq)]
pub struct McpAdapter {
    pub namespace: String,
    pub module: String,
    pub address: String,
    pub port: Option<u16>,
    pub transport: Transport,
    pub description: Option<String>,
    pub tools: Vec<Tool>,
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
