//! Serving generated MCP tools with rmcp: tool definitions from the spec, argument validation
//! against the advertised schema before anything is sent, upstream failures as `isError`
//! results an agent can act on; resources and prompts ([`resources`]) when the spec declares
//! some. Streamable HTTP (session or stateless) and stdio.

use crate::client::{Error, Reply};
use crate::rest::FromJson;
use crate::shape::{Output, ShapeError};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    JsonObject, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
    ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub mod resources;
pub use resources::{MessageDef, PromptArgDef, PromptDef, PromptPart, ResourceDef, ResourceSource};

/// JSON types of tool arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Integer,
    Number,
    Boolean,
    Array,
    Object,
}

impl JsonType {
    pub fn as_str(self) -> &'static str {
        match self {
            JsonType::String => "string",
            JsonType::Integer => "integer",
            JsonType::Number => "number",
            JsonType::Boolean => "boolean",
            JsonType::Array => "array",
            JsonType::Object => "object",
        }
    }

    pub(crate) fn article(self) -> &'static str {
        match self {
            JsonType::String => "a string",
            JsonType::Integer => "an integer",
            JsonType::Number => "a number",
            JsonType::Boolean => "a boolean",
            JsonType::Array => "an array",
            JsonType::Object => "an object",
        }
    }

    pub(crate) fn matches(self, v: &Value) -> bool {
        match self {
            JsonType::String => v.is_string(),
            JsonType::Integer => {
                v.is_i64()
                    || v.as_f64()
                        .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            }
            JsonType::Number => v.is_number(),
            JsonType::Boolean => v.is_boolean(),
            JsonType::Array => v.is_array(),
            JsonType::Object => v.is_object(),
        }
    }
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One tool argument as the spec declares it.
#[derive(Debug)]
pub struct ArgDef {
    pub name: &'static str,
    pub ty: JsonType,
    pub required: bool,
    pub description: Option<&'static str>,
    /// `pattern`: a regular expression a string argument must match (checked by the generated
    /// dispatch; advertised in the `inputSchema`).
    pub pattern: Option<&'static str>,
}

/// One tool as the spec declares it.
#[derive(Debug)]
pub struct ToolDef {
    pub name: &'static str,
    pub title: Option<&'static str>,
    pub description: &'static str,
    pub read_only: Option<bool>,
    pub destructive: Option<bool>,
    pub idempotent: Option<bool>,
    pub open_world: bool,
    pub args: &'static [ArgDef],
    /// The `outputSchema` (JSON text) where the spec declares the result's shape:
    /// `structuredContent` validates against it.
    pub output_schema: Option<&'static str>,
}

impl ToolDef {
    /// The tool's `inputSchema`: every argument typed and described, nothing else allowed.
    pub fn input_schema(&self) -> JsonObject {
        let mut props = Map::new();
        for a in self.args {
            let mut p = json!({"type": a.ty.as_str()});
            if let Some(d) = a.description {
                p["description"] = Value::String(d.to_string());
            }
            if let Some(pattern) = a.pattern {
                p["pattern"] = Value::String(pattern.to_string());
            }
            props.insert(a.name.to_string(), p);
        }
        let required: Vec<Value> = self
            .args
            .iter()
            .filter(|a| a.required)
            .map(|a| Value::String(a.name.to_string()))
            .collect();
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(props));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        schema.insert("additionalProperties".into(), Value::Bool(false));
        schema
    }

    /// The rmcp tool: name, title, description, schema, annotations from the spec's hints.
    pub fn to_tool(&self) -> Tool {
        let mut annotations = ToolAnnotations::new().open_world(self.open_world);
        annotations.title = self.title.map(str::to_string);
        annotations.read_only_hint = self.read_only;
        annotations.destructive_hint = self.destructive;
        annotations.idempotent_hint = self.idempotent;
        let mut tool = Tool::new(self.name, self.description, self.input_schema())
            .with_annotations(annotations);
        if let Some(t) = self.title {
            tool = tool.with_title(t);
        }
        if let Some(Ok(Value::Object(schema))) =
            self.output_schema.map(serde_json::from_str::<Value>)
        {
            tool = tool.with_raw_output_schema(Arc::new(schema));
        }
        tool
    }

    /// Checks arguments against the schema; the error names the argument.
    pub fn validate(&self, args: &JsonObject) -> Result<(), ArgError> {
        for key in args.keys() {
            if !self.args.iter().any(|a| a.name == key) {
                let known: Vec<&str> = self.args.iter().map(|a| a.name).collect();
                return Err(ArgError::new(
                    key,
                    format!(
                        "unknown argument `{key}`; `{}` takes: {}",
                        self.name,
                        known.join(", ")
                    ),
                ));
            }
        }
        for a in self.args {
            match args.get(a.name) {
                None if a.required => {
                    return Err(ArgError::new(
                        a.name,
                        format!("missing required argument `{}`", a.name),
                    ));
                }
                None => {}
                Some(v) if !a.ty.matches(v) => {
                    return Err(ArgError::new(
                        a.name,
                        format!(
                            "argument `{}` must be {}, found {}",
                            a.name,
                            a.ty.article(),
                            json_kind(v)
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// The server as the spec declares it.
#[derive(Debug)]
pub struct ServerDef {
    pub name: &'static str,
    pub title: &'static str,
    pub version: &'static str,
    pub instructions: Option<&'static str>,
    pub tools: &'static [ToolDef],
    /// `ttlMs`: how long clients may treat the lists and resource reads as fresh (SEP-2549).
    pub ttl_ms: Option<u64>,
    /// `cacheScope`: `Some(true)` for `public` (shared intermediaries may cache), `Some(false)`
    /// for `private`.
    pub cache_public: Option<bool>,
}

impl ServerDef {
    /// The adapter's caching hints, set on a cacheable result (lists, resource reads). Those
    /// the spec leaves out stay absent: rmcp fills the conservative defaults (`0`, `private`)
    /// for the protocol revisions that require them.
    fn hint(&self, ttl_ms: &mut Option<u64>, scope: &mut Option<rmcp::model::CacheScope>) {
        if self.ttl_ms.is_some() {
            *ttl_ms = self.ttl_ms;
        }
        if let Some(public) = self.cache_public {
            *scope = Some(if public {
                rmcp::model::CacheScope::Public
            } else {
                rmcp::model::CacheScope::Private
            });
        }
    }
}

/// Invalid tool arguments: answered as JSON-RPC invalid params, naming the argument.
#[derive(Debug, Clone)]
pub struct ArgError {
    pub argument: String,
    pub message: String,
}

impl ArgError {
    pub fn new(argument: &str, message: impl Into<String>) -> Self {
        ArgError {
            argument: argument.to_string(),
            message: message.into(),
        }
    }

    fn into_error(self) -> ErrorData {
        ErrorData::invalid_params(self.message, Some(json!({"argument": self.argument})))
    }
}

/// The validated arguments of one call, read by generated code.
#[derive(Debug)]
pub struct Args {
    tool: &'static str,
    map: JsonObject,
}

impl Args {
    pub fn get<T: FromJson>(&mut self, name: &str) -> Result<Option<T>, ArgError> {
        match self.map.remove(name) {
            None => Ok(None),
            Some(v) => T::from_json(v).map(Some).ok_or_else(|| {
                ArgError::new(name, format!("argument `{name}` must be {}", T::EXPECTED))
            }),
        }
    }

    pub fn required<T: FromJson>(&mut self, name: &str) -> Result<T, ArgError> {
        self.get(name)?
            .ok_or_else(|| ArgError::new(name, format!("missing required argument `{name}`")))
    }

    pub fn unknown_tool(&self) -> ArgError {
        ArgError::new(self.tool, format!("unknown tool `{}`", self.tool))
    }
}

/// What a tool call produced: the shaped result, or why there is none.
#[derive(Debug)]
pub struct Outcome {
    result: Result<Value, Failure>,
    /// The result is an object by its shape: `structuredContent` is the result itself.
    object: bool,
    /// The step of an orchestrated tool whose upstream call failed.
    step: Option<&'static str>,
}

#[derive(Debug)]
enum Failure {
    Upstream(Error),
    Shape(ShapeError),
}

impl Outcome {
    /// The upstream's answer shaped by `output`; `inputs` are the texts its `value`s may use.
    pub fn new(result: Result<Reply, Error>, output: &Output, inputs: &[Option<String>]) -> Self {
        Outcome {
            result: match result.and_then(Reply::try_into_json) {
                Ok(v) if output.is_whole() => Ok(v),
                Ok(v) => output.apply(&v, inputs).map_err(Failure::Shape),
                Err(e) => Err(Failure::Upstream(e)),
            },
            object: output.is_object(),
            step: None,
        }
    }

    /// An orchestrated tool: the steps' context shaped by `output`, or the step that failed.
    pub fn steps(
        result: Result<crate::steps::Context, crate::steps::StepFailure>,
        output: &Output,
        inputs: &[Option<String>],
    ) -> Self {
        let result_step = result.as_ref().err().map(|f| f.step);
        Outcome {
            result: match result {
                Ok(c) => output
                    .apply(&c.into_value(), inputs)
                    .map_err(Failure::Shape),
                Err(f) => Err(Failure::Upstream(f.error)),
            },
            object: output.is_object(),
            step: result_step,
        }
    }

    /// Mock mode: the result built from the outputs' `value`s alone.
    pub fn mock(output: &Output, inputs: &[Option<String>]) -> Self {
        Outcome {
            result: output.apply(&Value::Null, inputs).map_err(Failure::Shape),
            object: output.is_object(),
            step: None,
        }
    }

    fn into_result(self) -> CallToolResult {
        match self.result {
            Ok(value) if self.object && !value.is_object() => {
                // An object shape whose `mapping` selects nothing: no result to give.
                let text = "the upstream's answer has nothing where the output's `mapping` points";
                let mut r = CallToolResult::error(vec![ContentBlock::text(text)]);
                r.structured_content = Some(json!({ "error": {"message": text} }));
                r
            }
            Ok(value) => {
                // The text block is the result's JSON; `structuredContent` must be an object,
                // so other results are under `result` there.
                let text = value.to_string();
                let structured = if value.is_object() {
                    value
                } else {
                    json!({ "result": value })
                };
                let mut r = CallToolResult::structured(structured);
                r.content = vec![ContentBlock::text(text)];
                r
            }
            Err(Failure::Shape(e)) => {
                let text = e.to_string();
                let mut r = CallToolResult::error(vec![ContentBlock::text(text.clone())]);
                r.structured_content = Some(json!({ "error": {"message": text, "at": e.at} }));
                r
            }
            Err(Failure::Upstream(e)) => upstream_failure(self.step, e),
        }
    }
}

/// An `isError` result for an upstream failure (of step `step` of an orchestrated tool).
fn upstream_failure(step: Option<&str>, e: Error) -> CallToolResult {
    let mut text = e.to_string();
    if let Some(step) = step
        && !matches!(e, Error::Script { .. })
    {
        text = format!("step `{step}` failed: {text}");
    }
    if let Error::Status {
        retry_after: Some(after),
        ..
    } = &e
    {
        text.push_str(&format!(" (retry after {} s)", after.as_secs()));
    }
    let mut detail = json!({"message": text});
    if let Error::Status { status, body, .. } = &e {
        detail["status"] = json!(status);
        detail["upstream"] = body.clone();
    }
    let mut r = CallToolResult::error(vec![ContentBlock::text(text)]);
    r.structured_content = Some(json!({ "error": detail }));
    r
}

type Dispatch = dyn Fn(usize, Args) -> Pin<Box<dyn Future<Output = Result<Outcome, ArgError>> + Send>>
    + Send
    + Sync;

/// An MCP server for one generated adapter. Cheap to clone (one per session).
#[derive(Clone)]
pub struct Server {
    def: &'static ServerDef,
    tools: Arc<Vec<Tool>>,
    dispatch: Arc<Dispatch>,
    in_flight: tokio_util::task::TaskTracker,
    /// Inbound authentication of the HTTP transport (checked before JSON-RPC).
    auth: Vec<crate::auth::Inbound>,
    /// Resources (with the dispatch of those read by a call) and prompts: advertised only
    /// when there are some.
    resources: &'static [ResourceDef],
    read: Option<Arc<Dispatch>>,
    prompts: &'static [PromptDef],
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("name", &self.def.name)
            .field("tools", &self.tools.len())
            .field("auth", &self.auth)
            .finish()
    }
}

impl Server {
    pub fn new<F, Fut>(def: &'static ServerDef, dispatch: F) -> Self
    where
        F: Fn(usize, Args) -> Pin<Box<Fut>> + Send + Sync + 'static,
        Fut: Future<Output = Result<Outcome, ArgError>> + Send + 'static,
    {
        let tools = Arc::new(def.tools.iter().map(ToolDef::to_tool).collect());
        Server {
            def,
            tools,
            dispatch: Arc::new(move |i, a| {
                dispatch(i, a) as Pin<Box<dyn Future<Output = _> + Send>>
            }),
            in_flight: tokio_util::task::TaskTracker::new(),
            auth: Vec::new(),
            resources: &[],
            read: None,
            prompts: &[],
        }
    }

    /// Serves `defs` (`resources/list`, `resources/templates/list`, `resources/read`); those
    /// read by a call go through `read`, given the resource's index and its URI template's
    /// variables as arguments.
    #[must_use]
    pub fn with_resources<F, Fut>(mut self, defs: &'static [ResourceDef], read: F) -> Self
    where
        F: Fn(usize, Args) -> Pin<Box<Fut>> + Send + Sync + 'static,
        Fut: Future<Output = Result<Outcome, ArgError>> + Send + 'static,
    {
        self.resources = defs;
        self.read = Some(Arc::new(move |i, a| {
            read(i, a) as Pin<Box<dyn Future<Output = _> + Send>>
        }));
        self
    }

    /// Serves `defs` (`prompts/list`, `prompts/get`).
    #[must_use]
    pub fn with_prompts(mut self, defs: &'static [PromptDef]) -> Self {
        self.prompts = defs;
        self
    }

    /// Reads a resource by URI, as `resources/read` does.
    pub async fn read_resource(
        &self,
        uri: &str,
    ) -> Result<rmcp::model::ReadResourceResult, ErrorData> {
        let none: &Dispatch = &|_, a: Args| {
            let e = ArgError::new(a.tool, format!("resource `{}` has no reader", a.tool));
            Box::pin(async move { Err(e) })
        };
        let read = self.read.as_deref().unwrap_or(none);
        let mut r = self
            .in_flight
            .track_future(resources::read(self.resources, read, uri))
            .await?;
        self.def.hint(&mut r.ttl_ms, &mut r.cache_scope);
        Ok(r)
    }

    /// Renders a prompt by name, as `prompts/get` does.
    pub fn get_prompt(
        &self,
        name: &str,
        arguments: Option<&JsonObject>,
    ) -> Result<rmcp::model::GetPromptResult, ErrorData> {
        resources::get(self.prompts, name, arguments)
    }

    /// Requires `auth` on the streamable HTTP transport ([`router`]): a request it refuses is
    /// answered `401` before any JSON-RPC is read. Added to any authentication already
    /// required (each must pass). The stdio transport has no HTTP to authenticate.
    #[must_use]
    pub fn with_auth(mut self, auth: crate::auth::Inbound) -> Self {
        self.auth.push(auth);
        self
    }

    /// The inbound authentication [`router`] applies.
    pub fn auth(&self) -> &[crate::auth::Inbound] {
        &self.auth
    }

    pub fn def(&self) -> &'static ServerDef {
        self.def
    }

    /// Completes when no tool call is in flight, for a drain at shutdown. Calls that start
    /// meanwhile are waited for too.
    pub async fn drained(&self) {
        self.in_flight.close();
        self.in_flight.wait().await;
    }

    /// Calls a tool by name with JSON arguments, as `tools/call` does.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<JsonObject>,
    ) -> Result<CallToolResult, ErrorData> {
        let Some(index) = self.def.tools.iter().position(|t| t.name == name) else {
            let known: Vec<&str> = self.def.tools.iter().map(|t| t.name).collect();
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{name}`"),
                Some(json!({"tool": name, "available": known})),
            ));
        };
        let def = &self.def.tools[index];
        let started = std::time::Instant::now();
        let metrics = crate::control::Metrics::installed();
        let record = |outcome: &'static str| {
            if let Some(m) = metrics {
                m.tool(self.def.name, def.name, outcome, started.elapsed());
            }
        };
        let map = arguments.unwrap_or_default();
        if let Err(e) = def.validate(&map) {
            record("invalid");
            return Err(e.into_error());
        }
        let call = (self.dispatch)(
            index,
            Args {
                tool: def.name,
                map,
            },
        );
        let outcome = match self.in_flight.track_future(call).await {
            Ok(outcome) => outcome,
            Err(e) => {
                record("invalid");
                return Err(e.into_error());
            }
        };
        let result = outcome.into_result();
        record(if result.is_error == Some(true) {
            "error"
        } else {
            "ok"
        });
        tracing::info!(target: "naftiko::mcp", tool = name, is_error = result.is_error.unwrap_or(false), "tools/call");
        Ok(result)
    }
}

impl Server {
    /// `resources/*` on a server that declares none is an unknown method, as before.
    fn resources_declared<M: rmcp::model::ConstString>(&self) -> Result<(), ErrorData> {
        if self.resources.is_empty() {
            Err(ErrorData::method_not_found::<M>())
        } else {
            Ok(())
        }
    }
}

impl ServerHandler for Server {
    /// Advertises what the server serves: tools, and logging (`logging/setLevel` is answered;
    /// no log notifications are sent, so every level is honoured); resources and prompts only
    /// when the spec declares some. Never completions or subscriptions.
    #[allow(deprecated)] // `enable_logging`: `logging/setLevel` is still in 2025-11-25.
    fn get_info(&self) -> ServerConfig {
        let mut caps = ServerCapabilities::builder()
            .enable_logging()
            .enable_tools()
            .build();
        if !self.resources.is_empty() {
            caps.resources = Some(rmcp::model::ResourcesCapability::default());
        }
        if !self.prompts.is_empty() {
            caps.prompts = Some(rmcp::model::PromptsCapability::default());
        }
        let config = ServerConfig::new(caps).with_server_info(
            Implementation::new(self.def.name, self.def.version).with_title(self.def.title),
        );
        match self.def.instructions {
            Some(i) => config.with_instructions(i),
            None => config,
        }
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let mut r = ListToolsResult::with_all_items(self.tools.to_vec());
        self.def.hint(&mut r.ttl_ms, &mut r.cache_scope);
        Ok(r)
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let parts = context.extensions.get::<axum::http::request::Parts>();
        let adapter = self.def.name;
        let tool = request.name.clone();
        crate::trace::mcp(
            parts,
            "tools/call",
            || {
                vec![
                    opentelemetry::KeyValue::new("naftiko.adapter", adapter),
                    opentelemetry::KeyValue::new("gen_ai.tool.name", tool),
                ]
            },
            self.call(&request.name, request.arguments),
        )
        .await
        .map(Into::into)
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListResourcesResult, ErrorData> {
        self.resources_declared::<rmcp::model::ListResourcesRequestMethod>()?;
        let all = self.resources.iter().filter(|r| !r.templated);
        let mut r = rmcp::model::ListResourcesResult::with_all_items(
            all.map(ResourceDef::to_resource).collect(),
        );
        self.def.hint(&mut r.ttl_ms, &mut r.cache_scope);
        Ok(r)
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListResourceTemplatesResult, ErrorData> {
        self.resources_declared::<rmcp::model::ListResourceTemplatesRequestMethod>()?;
        let all = self.resources.iter().filter(|r| r.templated);
        let mut r = rmcp::model::ListResourceTemplatesResult::with_all_items(
            all.map(ResourceDef::to_template).collect(),
        );
        self.def.hint(&mut r.ttl_ms, &mut r.cache_scope);
        Ok(r)
    }

    async fn read_resource(
        &self,
        request: rmcp::model::ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ReadResourceResponse, ErrorData> {
        self.resources_declared::<rmcp::model::ReadResourceRequestMethod>()?;
        let parts = context.extensions.get::<axum::http::request::Parts>();
        let adapter = self.def.name;
        crate::trace::mcp(
            parts,
            "resources/read",
            || vec![opentelemetry::KeyValue::new("naftiko.adapter", adapter)],
            Server::read_resource(self, &request.uri),
        )
        .await
        .map(Into::into)
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::ListPromptsResult, ErrorData> {
        if self.prompts.is_empty() {
            return Err(ErrorData::method_not_found::<
                rmcp::model::ListPromptsRequestMethod,
            >());
        }
        let mut r = rmcp::model::ListPromptsResult::with_all_items(
            self.prompts.iter().map(PromptDef::to_prompt).collect(),
        );
        self.def.hint(&mut r.ttl_ms, &mut r.cache_scope);
        Ok(r)
    }

    async fn get_prompt(
        &self,
        request: rmcp::model::GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::GetPromptResponse, ErrorData> {
        if self.prompts.is_empty() {
            return Err(ErrorData::method_not_found::<
                rmcp::model::GetPromptRequestMethod,
            >());
        }
        Server::get_prompt(self, &request.name, request.arguments.as_ref()).map(Into::into)
    }

    #[allow(deprecated)]
    async fn set_level(
        &self,
        _request: rmcp::model::SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        // We send no log notifications, so any level is already honoured.
        Ok(())
    }
}

/// Options of the streamable HTTP transport.
#[derive(Debug, Clone, Default)]
pub struct HttpOptions {
    /// No sessions: every request stands alone, so replicas can sit behind a load balancer.
    pub stateless: bool,
    /// Extra `Host` names accepted besides localhost (DNS-rebinding protection), for
    /// deployments behind a proxy. Origins `http(s)://<host>` are accepted for them too.
    pub allowed_hosts: Vec<String>,
    /// Bounds on sessions (stateful mode only).
    pub sessions: crate::sessions::SessionLimits,
}

/// An axum router serving `server` at `/mcp` over streamable HTTP.
pub fn router(
    server: Server,
    options: &HttpOptions,
    shutdown: tokio_util::sync::CancellationToken,
) -> axum::Router {
    use rmcp::transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager,
    };
    let auth = server.auth.clone();
    // Host and Origin are checked by the same guard as REST's (below), not by rmcp's own list.
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(!options.stateless)
        .with_json_response(options.stateless)
        .disable_allowed_hosts()
        .disable_allowed_origins()
        .with_cancellation_token(shutdown);
    let mut manager = LocalSessionManager::default();
    manager.session_config.keep_alive = Some(options.sessions.idle_timeout);
    let manager = Arc::new(manager);
    let service = StreamableHttpService::new(move || Ok(server.clone()), manager.clone(), config);
    let router = axum::Router::new().route_service("/mcp", service);
    let guard = crate::sessions::Guard::new(manager, options.sessions.clone(), !options.stateless);
    let mut router = router.layer(axum::middleware::from_fn(move |req, next| {
        crate::sessions::layer(guard.clone(), req, next)
    }));
    // Authentication runs before sessions and JSON-RPC; the Host/Origin guard before anything.
    for auth in auth.iter().rev() {
        router = auth.protect(router);
    }
    router.layer(crate::guard::HostGuard::new(&options.allowed_hosts))
}

/// Serves `server` on stdin/stdout until the client disconnects.
pub async fn serve_stdio(server: Server) -> std::io::Result<()> {
    use rmcp::ServiceExt;
    let running = server
        .serve(rmcp::transport::stdio())
        .await
        .map_err(std::io::Error::other)?;
    running.waiting().await.map_err(std::io::Error::other)?;
    Ok(())
}
