//! The spec as written: every value keeps the position it was read from.

use crate::diag::Span;
use crate::yaml::Node;

/// A value with the position it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct S<T> {
    pub v: T,
    pub span: Span,
}

impl<T> S<T> {
    pub fn new(v: T, span: Span) -> Self {
        S { v, span }
    }
}

impl S<String> {
    /// The span of `self.v[bytes]`, where it can be known (see [`Span::sub`]).
    pub fn span_of(&self, bytes: std::ops::Range<usize>) -> Span {
        let offset = self.v[..bytes.start].chars().count();
        let len = self.v[bytes].chars().count();
        self.span.sub(&self.v, offset, len)
    }
}

#[derive(Debug, Clone)]
pub struct Spec {
    pub title: Option<String>,
    pub description: Option<String>,
    pub binds: Vec<Bind>,
    pub consumes: Vec<Consumes>,
    pub exposes: Vec<Exposes>,
}

#[derive(Debug, Clone)]
pub struct Bind {
    pub namespace: S<String>,
    /// With `location`: the absolute path of the file its values are read from at start-up
    /// (at the location's span), rather than the environment.
    pub file: Option<S<String>>,
    /// Variable name → source key (the environment variable, or the key in `file`, to read).
    pub keys: Vec<(S<String>, S<String>)>,
}

#[derive(Debug, Clone)]
pub struct Consumes {
    pub span: Span,
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
    pub span: Span,
    pub name: Option<S<String>>,
    pub path: S<String>,
    pub description: Option<String>,
    pub params: Vec<Param>,
    pub operations: Vec<Operation>,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub span: Span,
    pub name: S<String>,
    pub method: S<Method>,
    pub description: Option<String>,
    /// An operation-level `path:` replacing the resource's path.
    pub path: Option<S<String>>,
    pub params: Vec<Param>,
    /// A `body:` template: `{type: json, data: ...}`.
    pub body: Option<Body>,
    pub outputs: Vec<Output>,
    /// `outputRawFormat` (JSON when absent), with its `outputSchema` where the format uses one.
    pub raw_format: RawFormat,
    /// `outputMediaType` (Ikanos beta5): the media type advertised for the answers' bytes,
    /// instead of the upstream's `Content-Type`.
    pub media_type: Option<S<String>>,
    /// `maxBinarySize` (Ikanos beta5), in bytes: the largest binary answer read.
    pub max_binary: Option<S<u64>>,
}

/// The format of a consumed operation's answers (`outputRawFormat`), converted to JSON by the
/// runtime before any mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawFormat {
    Json,
    Xml,
    Yaml,
    Csv,
    Tsv,
    Psv,
    /// Tables, scoped by a CSS selector (`outputSchema`).
    Html(Option<String>),
    /// Tables and sections, the sections filtered by a heading prefix (`outputSchema`).
    Markdown(Option<String>),
    Text,
    Binary,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub span: Span,
    /// `type:` (a raw string body has the kind [`BodyKind::Raw`], spanning the string).
    pub kind: S<BodyKind>,
    /// `data:`, the body template (the string itself for a raw body); `None` when the spec only
    /// says the body is JSON.
    pub data: Option<Node>,
}

/// The kinds of request body: the schema's `RequestBody*` variants and the media types seen in
/// published specs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// `json`, `application/json`.
    Json,
    /// `text`, `text/plain`.
    Text,
    /// `xml`, `application/xml`, `text/xml`.
    Xml,
    /// `sparql`, `application/sparql-query`.
    Sparql,
    /// `formUrlEncoded`, `form`, `application/x-www-form-urlencoded`.
    Form,
    /// `multipartForm`, `multipart`, `multipart/form-data`.
    Multipart,
    /// `yaml`, `application/yaml`.
    Yaml,
    /// `application/cbor`.
    Cbor,
    /// `binary`, `octet-stream`, `application/octet-stream`.
    Binary,
    /// A string `body:` sent as it is.
    Raw,
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
    pub span: Span,
    pub name: S<String>,
    pub location: Option<S<In>>,
    pub ty: Option<S<Type>>,
    pub description: Option<String>,
    pub required: bool,
    /// A constant or template value (`value:`), for parameters the capability fills itself.
    pub value: Option<Node>,
    /// On an exposed input: where its value goes in the consumed request (`$.body.name`).
    pub mapping: Option<S<String>>,
    /// On an exposed input: a regular expression its value must match (`pattern`).
    pub pattern: Option<S<String>>,
}

/// One output parameter: a shape for the result, recursive through `properties` and `items`.
#[derive(Debug, Clone)]
pub struct Output {
    pub span: Span,
    /// The name: a field of the result when there are several outputs (or in mock mode).
    pub name: Option<S<String>>,
    pub ty: Option<S<Type>>,
    pub description: Option<String>,
    /// A JSONPath selecting the value (`mapping:`; consumed outputs write it as `value:`).
    pub mapping: Option<S<String>>,
    /// `value:` on an exposed output: static text with `{{input}}` templates.
    pub value: Option<S<String>>,
    /// `const:`: the one value the output may take (a schema constraint, not an injection).
    pub konst: Option<S<serde_json::Value>>,
    /// `properties:` of an object, in the order written.
    pub properties: Vec<(S<String>, Output)>,
    /// `items:` of an array.
    pub items: Option<Box<Output>>,
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
    /// OAuth 2 client credentials (`tokenEndpoint`, `clientId`, `clientSecret`, `scopes`).
    OAuth2 {
        token_url: S<String>,
        client_id: S<String>,
        client_secret: S<String>,
        scopes: Vec<String>,
        resource: Option<S<String>>,
    },
    /// RFC 7616 digest (`username`, `password`).
    Digest {
        username: S<String>,
        password: S<String>,
    },
    /// Veracode's HMAC request signing (`apiId`, `apiKey`).
    Hmac {
        api_id: S<String>,
        api_key: S<String>,
    },
    /// RFC 5849 OAuth 1.0a, HMAC-SHA1 (`consumerKey`, `consumerSecret`/`signingKey`, optional
    /// `token`, `tokenSecret`).
    OAuth1 {
        consumer_key: S<String>,
        consumer_secret: S<String>,
        token: Option<S<String>>,
        token_secret: Option<S<String>>,
    },
    /// AWS Signature Version 4 (`accessKeyId`, `secretKey`, `region`, `service`, optional
    /// `sessionToken`).
    AwsSigV4 {
        access_key_id: S<String>,
        secret_key: S<String>,
        region: S<String>,
        service: S<String>,
        session_token: Option<S<String>>,
    },
    /// Mutual TLS from PEM files (`certPath`, optional `keyPath`), or with `certPassword` from
    /// a PKCS#12 file or PEM with an encrypted PKCS#8 key.
    Certificate {
        cert_path: S<String>,
        key_path: Option<S<String>>,
        cert_password: Option<S<String>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyIn {
    Header,
    Query,
    /// A cookie of the `Cookie` header.
    Cookie,
    /// A `{name}` placeholder of the base URI (`/bot{token}`).
    Path,
    /// A field of the JSON or form request body.
    Body,
}

#[derive(Debug, Clone)]
pub struct Auth {
    pub span: Span,
    pub kind: AuthKind,
}

#[derive(Debug, Clone)]
pub enum Exposes {
    Rest(RestExposes),
    Mcp(McpExposes),
    Skill(SkillExposes),
    Control(ControlExposes),
}

/// A `control` adapter: the management plane (read by `spec/read/control.rs`).
#[derive(Debug, Clone)]
pub struct ControlExposes {
    pub span: Span,
    pub address: Option<S<String>>,
    pub port: S<u16>,
    /// `management.health` (default true): serve `/health/live` and `/health/ready`.
    pub health: bool,
    /// `management.scripting`: defaults and limits of the script steps.
    pub scripting: Option<ScriptingLimits>,
    /// `observability`: traces and metrics.
    pub observability: Option<ObservabilitySpec>,
    /// `management.logs`: serve `/logs` (log level control).
    pub logs: bool,
}

/// `observability` of a control adapter (`ObservabilitySpec`).
#[derive(Debug, Clone)]
pub struct ObservabilitySpec {
    pub span: Span,
    /// `enabled` (default true): traces recorded and exported, `/metrics` served.
    pub enabled: bool,
    /// `traces.sampling` (default 1): the share of new traces recorded.
    pub sampling: f64,
    /// `exporters.otlp.endpoint`: the OTLP/HTTP collector (a template of binds).
    pub endpoint: Option<S<String>>,
    /// `metrics.local.enabled` (default true): serve `/metrics`.
    pub metrics_local: bool,
}

/// `management.scripting` (`ScriptingManagementSpec`): what script steps default to and the
/// limits they run under (enforced by `naftiko_runtime::scripts`).
#[derive(Debug, Clone, Default)]
pub struct ScriptingLimits {
    /// `enabled`; `None`: the environment (`NAFTIKO_SCRIPTING`) decides at start-up.
    pub enabled: Option<bool>,
    pub default_location: Option<S<String>>,
    pub default_language: Option<S<String>>,
    /// `timeout` in ms.
    pub timeout_ms: Option<u64>,
    pub statement_limit: Option<u64>,
    /// `allowedLanguages`; `None`: every language the build runs.
    pub allowed_languages: Option<Vec<S<String>>>,
}

/// A `skill` adapter: a catalog of Agent Skills describing tools of sibling adapters or
/// instruction files (read by `spec/read/skill.rs`).
#[derive(Debug, Clone)]
pub struct SkillExposes {
    pub span: Span,
    pub namespace: S<String>,
    pub address: Option<S<String>>,
    pub port: S<u16>,
    pub description: Option<String>,
    pub auth: Option<ExposedAuth>,
    pub skills: Vec<ExposedSkill>,
}

/// One skill of a `skill` adapter, with its Agent Skills frontmatter.
#[derive(Debug, Clone)]
pub struct ExposedSkill {
    pub span: Span,
    pub name: S<String>,
    pub description: String,
    pub license: Option<String>,
    pub compatibility: Option<String>,
    pub metadata: Vec<(String, String)>,
    pub allowed_tools: Option<String>,
    pub argument_hint: Option<String>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
    /// `location`: the directory's absolute path (served at run time).
    pub location: Option<S<String>>,
    pub tools: Vec<SkillTool>,
}

#[derive(Debug, Clone)]
pub struct SkillTool {
    pub span: Span,
    pub name: S<String>,
    pub description: Option<String>,
    pub source: SkillToolSource,
}

#[derive(Debug, Clone)]
pub enum SkillToolSource {
    /// `from`: a tool (mcp) or operation (rest) of a sibling adapter.
    From {
        namespace: S<String>,
        action: S<String>,
    },
    /// `instruction`: a file under the skill's `location`, read when the spec is compiled
    /// (`path` as written, `file` its absolute path).
    Instruction { path: S<String>, file: String },
}

#[derive(Debug, Clone)]
pub struct RestExposes {
    pub span: Span,
    pub namespace: S<String>,
    pub address: Option<S<String>>,
    pub port: S<u16>,
    pub description: Option<String>,
    /// `authentication`: what a caller must present.
    pub auth: Option<ExposedAuth>,
    pub resources: Vec<ExposedResource>,
    /// `maxBinarySize` (Ikanos beta5), in bytes: the largest binary answer served.
    pub max_binary: Option<S<u64>>,
}

#[derive(Debug, Clone)]
pub struct ExposedResource {
    pub span: Span,
    pub path: S<String>,
    pub description: Option<String>,
    pub operations: Vec<ExposedOperation>,
    /// `forward`: the resource proxied to a consumed API.
    pub forward: Option<Forward>,
}

/// `forward` of an exposed resource (schema `ForwardConfig`).
#[derive(Debug, Clone)]
pub struct Forward {
    pub span: Span,
    pub target_namespace: S<String>,
    /// `trustedHeaders`: the caller headers that pass; none when absent.
    pub trusted_headers: Vec<S<String>>,
}

/// A REST operation or an MCP tool: both call one consumed operation `with` some inputs.
#[derive(Debug, Clone)]
pub struct ExposedOperation {
    pub span: Span,
    pub name: Option<S<String>>,
    pub method: Option<S<Method>>,
    pub label: Option<String>,
    pub description: Option<String>,
    pub call: Option<S<String>>,
    pub with: Vec<(S<String>, Node)>,
    pub inputs: Option<Vec<Param>>,
    pub outputs: Vec<Output>,
    pub hints: Hints,
    /// `steps`, `ref` or `mappings` are present (an orchestrated operation).
    pub orchestrated: bool,
    /// `steps`: the calls and lookups of an orchestrated operation, in order.
    pub steps: Vec<Step>,
    /// `mappings`: where each orchestrated output takes its value from the steps' context.
    pub mappings: Vec<StepMapping>,
    /// `ref`: the aggregate function (`<aggregate-namespace>.<function>`) this operation runs;
    /// merged into the other fields when the spec is read (`spec::read::aggregates`).
    pub reference: Option<S<String>>,
    /// `semantics` of an aggregate function (and of an operation that refs one).
    pub semantics: Semantics,
    /// `responses` / `responseBinary` of a REST operation (Ikanos beta5).
    pub responses: Option<Responses>,
}

/// A REST operation's response contract (Ikanos beta5 `responses`, or `responseBinary`, its
/// shorthand for one binary answer).
#[derive(Debug, Clone)]
pub struct Responses {
    pub span: Span,
    /// The one entry whose content is `binary: true`: the operation answers raw bytes.
    pub binary: Option<BinaryResponse>,
    /// Every entry, as the OpenAPI Response Object it exports (`description`, `content`).
    pub documented: Vec<(S<String>, serde_json::Value)>,
}

#[derive(Debug, Clone)]
pub struct BinaryResponse {
    pub span: Span,
    pub status: u16,
    pub media_type: S<String>,
}

/// `Semantics`: transport-neutral behaviour of an aggregate function.
#[derive(Debug, Clone, Copy, Default)]
pub struct Semantics {
    pub safe: Option<bool>,
    pub idempotent: Option<bool>,
    pub cacheable: Option<bool>,
}

/// A function of `capability.aggregates`: a reusable operation (its `name` required, no
/// `method`), which exposed operations and tools run through `ref: <namespace>.<name>`.
#[derive(Debug, Clone)]
pub struct AggregateFunction {
    /// The aggregate's `namespace`.
    pub namespace: String,
    pub op: ExposedOperation,
}

/// One step of an orchestrated operation (`OperationStep`).
#[derive(Debug, Clone)]
pub struct Step {
    pub span: Span,
    pub name: S<String>,
    pub kind: StepKind,
}

#[derive(Debug, Clone)]
pub enum StepKind {
    /// `type: call`: a consumed operation, its parameters fed `with` these values.
    Call {
        call: S<String>,
        with: Vec<(S<String>, Node)>,
    },
    /// `type: lookup`: the elements of an earlier step's answer (`index`) whose `match` field
    /// equals a value `lookupValue` selects, projected on `outputParameters` (`keep`).
    Lookup {
        index: S<String>,
        field: S<String>,
        value: S<String>,
        keep: Vec<S<String>>,
    },
    /// `type: script` (`OperationStepScript`).
    Script(ScriptStep),
}

/// A script step as written, and (once `spec::read::scripts` has read the control adapter and
/// the files) what it runs.
#[derive(Debug, Clone)]
pub struct ScriptStep {
    pub language: Option<S<String>>,
    pub location: Option<S<String>>,
    pub file: S<String>,
    pub dependencies: Vec<S<String>>,
    pub with: Vec<(S<String>, Node)>,
    /// Its dependencies then its main file, in evaluation order (empty until resolved, or when
    /// they could not be).
    pub files: Vec<ScriptFile>,
    /// `timeout` (ms), `statementLimit` and `enabled` of the control adapter's `scripting`.
    pub timeout_ms: u64,
    pub statement_limit: u64,
    pub enabled: Option<bool>,
}

/// A file of a script step.
#[derive(Debug, Clone, PartialEq)]
pub enum ScriptFile {
    /// Under a relative `location`: read and checked at compile time, embedded (its absolute
    /// path, and its name as diagnostics show it).
    Embedded { path: String, name: String },
    /// Under an absolute `location`: read at start-up from this path.
    Deployed { path: String },
}

/// `StepOutputMapping`: the output `target` (dot notation nests) takes the value `value`
/// (a JSONPath into the steps' context, `$.<step>.<path>`) selects.
#[derive(Debug, Clone)]
pub struct StepMapping {
    pub span: Span,
    pub target: S<String>,
    pub value: S<String>,
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
    pub span: Span,
    pub namespace: S<String>,
    pub address: Option<S<String>>,
    pub port: Option<S<u16>>,
    pub transport: Transport,
    pub description: Option<String>,
    /// `authentication`: what a caller must present (HTTP transport only).
    pub auth: Option<ExposedAuth>,
    pub tools: Vec<ExposedOperation>,
    pub resources: Vec<McpResource>,
    pub prompts: Vec<McpPrompt>,
    /// Ikanos beta5's `ttlMs` and `cacheScope`: the freshness hints (SEP-2549) put on the
    /// adapter's cacheable results (lists and resource reads).
    pub cache: CacheHints,
    /// `maxBinarySize` (Ikanos beta5), in bytes: the largest binary resource served.
    pub max_binary: Option<S<u64>>,
}

/// `ttlMs` / `cacheScope` of an Ikanos beta5 MCP adapter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheHints {
    pub ttl_ms: Option<u64>,
    /// `true` for `public` (shared intermediaries may cache), `false` for `private`.
    pub public: Option<bool>,
}

/// `authentication` on an exposed adapter (inbound): what a caller must present.
#[derive(Debug, Clone)]
pub struct ExposedAuth {
    pub span: Span,
    pub kind: ExposedAuthKind,
}

#[derive(Debug, Clone)]
pub enum ExposedAuthKind {
    Bearer {
        token: S<String>,
    },
    ApiKey {
        name: S<String>,
        value: S<String>,
        in_query: bool,
    },
    Basic {
        username: S<String>,
        password: S<String>,
    },
    Digest {
        username: S<String>,
        password: S<String>,
    },
    OAuth2(Box<ExposedOAuth2>),
}

/// `type: oauth2` on an exposed adapter: an OAuth 2.1 resource server.
#[derive(Debug, Clone)]
pub struct ExposedOAuth2 {
    pub authorization_server: S<String>,
    pub resource: S<String>,
    pub audience: Option<S<String>>,
    pub scopes: Vec<S<String>>,
    /// `tokenEndpoint`: the token URL the OpenAPI document names.
    pub token_endpoint: Option<S<String>>,
    /// `tokenValidation: introspection`: the resource server's `clientId` and `clientSecret` at
    /// the authorization server (RFC 7662 §2.1).
    pub introspection: Option<(S<String>, S<String>)>,
}

/// An MCP resource (`resources[]` of an `mcp` adapter).
#[derive(Debug, Clone)]
pub struct McpResource {
    pub span: Span,
    pub name: S<String>,
    pub label: Option<String>,
    /// The URI, or an RFC 6570 level 1 template (`data://users/{id}`).
    pub uri: S<String>,
    pub description: Option<String>,
    pub mime_type: Option<S<String>>,
    pub source: ResourceSource,
    /// `binary: true` (Ikanos beta5): the read answers a blob (base64), not text.
    pub binary: Option<S<bool>>,
}

/// Where a resource's contents come from.
#[derive(Debug, Clone)]
pub enum ResourceSource {
    /// `location`: a file embedded at compile time (its absolute path).
    File { path: std::path::PathBuf },
    /// `call` (with `with` and `outputParameters`): a consumed operation's shaped answer.
    Call(Box<ExposedOperation>),
}

/// An MCP prompt (`prompts[]` of an `mcp` adapter).
#[derive(Debug, Clone)]
pub struct McpPrompt {
    pub span: Span,
    pub name: S<String>,
    pub label: Option<String>,
    pub description: Option<String>,
    pub arguments: Vec<PromptArgument>,
    /// The inline `template`, or the one `user` message of a `location` file.
    pub messages: Vec<PromptMessage>,
    /// `location`: the file the one message was read from (absolute), and its span.
    pub file: Option<S<std::path::PathBuf>>,
}

#[derive(Debug, Clone)]
pub struct PromptArgument {
    pub name: S<String>,
    pub label: Option<String>,
    pub description: Option<String>,
    pub required: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

#[derive(Debug, Clone)]
pub struct PromptMessage {
    pub role: Role,
    /// The text with `{{arg}}` placeholders; for a file, at the `location`'s span.
    pub content: S<String>,
}
