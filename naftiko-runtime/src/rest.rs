//! Serving a generated REST adapter: input extraction with precise rejections, RFC 9457
//! problem responses, upstream pass-through, health, request logs.

use crate::client::{self, Error};
use crate::shape::{Output, ShapeError};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use serde_json::{Map, Value, json};

pub(crate) mod log;

/// Largest request body accepted (1 MiB); larger ones are answered 413.
pub const BODY_LIMIT: usize = 1 << 20;

/// An error of our own, sent as `application/problem+json` (RFC 9457).
#[derive(Debug, Clone)]
pub struct Problem {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
}

impl Problem {
    pub fn new(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        Problem {
            status,
            title,
            detail: detail.into(),
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, "Invalid request", detail)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = json!({
            "type": "about:blank",
            "title": self.title,
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        let mut r = (self.status, body.to_string()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        r
    }
}

/// Everything a generated handler reads from a request: path variables, query, headers, body.
#[derive(Debug)]
pub struct Inputs {
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
}

impl<S: Send + Sync> FromRequest<S> for Inputs {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let (mut parts, body) = req.into_parts();
        let path = RawPathParams::from_request_parts(&mut parts, state)
            .await
            .map_err(|e| Problem::bad_request(format!("invalid path: {}", e.body_text())))?;
        let path = path
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let query = parts
            .uri
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        // A request without content (most GETs) has nothing to collect.
        let body = if hyper::body::Body::is_end_stream(&body) {
            Ok(Bytes::new())
        } else {
            axum::body::to_bytes(body, BODY_LIMIT).await
        };
        let body = body.map_err(|e| {
            if is_length_limit(&e) {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Request body too large",
                    format!("the request body exceeds the limit of {BODY_LIMIT} bytes"),
                )
            } else {
                Problem::bad_request(format!("cannot read the request body: {e}"))
            }
        })?;
        Ok(Inputs {
            path,
            query,
            headers: parts.headers,
            body,
        })
    }
}

/// Whether reading a body failed because it exceeds the limit: `to_bytes` wraps
/// `http_body_util::LengthLimitError` in an `axum::Error`, found in the source chain.
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Conversion of query, header and path text into a typed input.
pub trait FromText: Sized {
    const EXPECTED: &'static str;
    /// Whether an empty query value means "not given" (true but for strings).
    const EMPTY_IS_ABSENT: bool = true;
    fn from_text(values: &[&str]) -> Option<Self>;
}

impl FromText for String {
    const EXPECTED: &'static str = "a string";
    const EMPTY_IS_ABSENT: bool = false;
    fn from_text(values: &[&str]) -> Option<Self> {
        values.first().map(|s| (*s).to_string())
    }
}
impl FromText for i64 {
    const EXPECTED: &'static str = "an integer";
    fn from_text(values: &[&str]) -> Option<Self> {
        values.first()?.trim().parse().ok()
    }
}
impl FromText for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_text(values: &[&str]) -> Option<Self> {
        values
            .first()?
            .trim()
            .parse()
            .ok()
            .filter(|f: &f64| f.is_finite())
    }
}
impl FromText for bool {
    const EXPECTED: &'static str = "`true` or `false`";
    fn from_text(values: &[&str]) -> Option<Self> {
        match values.first()?.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}
impl FromText for Vec<Value> {
    const EXPECTED: &'static str = "a list";
    fn from_text(values: &[&str]) -> Option<Self> {
        Some(
            values
                .iter()
                .map(|s| Value::String((*s).to_string()))
                .collect(),
        )
    }
}
impl FromText for Value {
    const EXPECTED: &'static str = "a JSON value";
    fn from_text(values: &[&str]) -> Option<Self> {
        let s = values.first()?;
        serde_json::from_str(s)
            .ok()
            .or_else(|| Some(Value::String((*s).to_string())))
    }
}

/// Conversion of a JSON body field into a typed input.
pub trait FromJson: Sized {
    const EXPECTED: &'static str;
    fn from_json(v: Value) -> Option<Self>;
}
impl FromJson for String {
    const EXPECTED: &'static str = "a string";
    fn from_json(v: Value) -> Option<Self> {
        match v {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}
impl FromJson for i64 {
    const EXPECTED: &'static str = "an integer";
    /// `2.0` is an integer for JSON Schema too.
    fn from_json(v: Value) -> Option<Self> {
        v.as_i64().or_else(|| {
            v.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        })
    }
}
impl FromJson for f64 {
    const EXPECTED: &'static str = "a number";
    fn from_json(v: Value) -> Option<Self> {
        v.as_f64()
    }
}
impl FromJson for bool {
    const EXPECTED: &'static str = "a boolean";
    fn from_json(v: Value) -> Option<Self> {
        v.as_bool()
    }
}
impl FromJson for Vec<Value> {
    const EXPECTED: &'static str = "an array";
    fn from_json(v: Value) -> Option<Self> {
        match v {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
}
impl FromJson for Value {
    const EXPECTED: &'static str = "a JSON object";
    /// Inputs typed `object` must be JSON objects.
    fn from_json(v: Value) -> Option<Self> {
        v.is_object().then_some(v)
    }
}

impl Inputs {
    /// A path variable (always present once the route matched).
    pub fn path<T: FromText>(&self, name: &str) -> Result<T, Problem> {
        let v = self
            .path
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str());
        match v {
            Some("") | None => Err(Problem::bad_request(format!(
                "path variable `{name}` must not be empty"
            ))),
            Some(v) => {
                T::from_text(&[v]).ok_or_else(|| invalid("path variable", name, T::EXPECTED, v))
            }
        }
    }

    /// A query parameter; `None` when absent.
    ///
    /// An empty value (`pageSize=`) counts as absent for every type but strings: OpenAPI's
    /// `allowEmptyValue`, which m3ter sets on its query parameters.
    pub fn query<T: FromText>(&self, name: &str) -> Result<Option<T>, Problem> {
        let values: Vec<&str> = self
            .query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        let empty = T::EMPTY_IS_ABSENT && values.iter().all(|v| v.is_empty());
        if values.is_empty() || empty {
            return Ok(None);
        }
        T::from_text(&values)
            .map(Some)
            .ok_or_else(|| invalid("query parameter", name, T::EXPECTED, values[0]))
    }

    pub fn required_query<T: FromText>(&self, name: &str) -> Result<T, Problem> {
        self.query(name)?.ok_or_else(|| {
            Problem::bad_request(format!("missing required query parameter `{name}`"))
        })
    }

    /// A header; `None` when absent.
    pub fn header<T: FromText>(&self, name: &str) -> Result<Option<T>, Problem> {
        let values: Vec<&str> = self
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if values.is_empty() {
            return Ok(None);
        }
        T::from_text(&values)
            .map(Some)
            .ok_or_else(|| invalid("header", name, T::EXPECTED, values[0]))
    }

    pub fn required_header<T: FromText>(&self, name: &str) -> Result<T, Problem> {
        self.header(name)?
            .ok_or_else(|| Problem::bad_request(format!("missing required header `{name}`")))
    }

    /// A cookie of the `Cookie` header(s) (RFC 6265 `name=value` pairs separated by `;`, a
    /// value's surrounding double quotes removed); `None` when absent.
    pub fn cookie<T: FromText>(&self, name: &str) -> Result<Option<T>, Problem> {
        let values: Vec<&str> = self
            .headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                (k.trim() == name).then(|| {
                    let v = v.trim();
                    v.strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(v)
                })
            })
            .collect();
        if values.is_empty() {
            return Ok(None);
        }
        T::from_text(&values)
            .map(Some)
            .ok_or_else(|| invalid("cookie", name, T::EXPECTED, values[0]))
    }

    pub fn required_cookie<T: FromText>(&self, name: &str) -> Result<T, Problem> {
        self.cookie(name)?
            .ok_or_else(|| Problem::bad_request(format!("missing required cookie `{name}`")))
    }

    fn check_media_type(&self) -> Result<(), Problem> {
        let ct = self
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence == "application/json"
            || (essence.starts_with("application/") && essence.ends_with("+json"))
        {
            Ok(())
        } else {
            Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Unsupported media type",
                format!(
                    "the request body must be `application/json`, not `{}`",
                    if ct.is_empty() { "(none)" } else { ct }
                ),
            ))
        }
    }

    /// The whole JSON body; `None` when the request has no body.
    pub fn body<T: FromJson>(&self) -> Result<Option<T>, Problem> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        self.check_media_type()?;
        let v: Value = serde_json::from_slice(&self.body).map_err(|e| {
            Problem::bad_request(format!("the request body is not valid JSON: {e}"))
        })?;
        T::from_json(v).map(Some).ok_or_else(|| {
            Problem::bad_request(format!("the request body must be {}", T::EXPECTED))
        })
    }

    pub fn required_body<T: FromJson>(&self) -> Result<T, Problem> {
        self.body()?
            .ok_or_else(|| Problem::bad_request("a JSON request body is required"))
    }

    /// Fields of a JSON object body (for operations whose body is built from several inputs).
    pub fn body_fields(&self) -> Result<Fields, Problem> {
        let fields = match self.body::<Value>()? {
            None => Map::new(),
            Some(Value::Object(m)) => m,
            Some(_) => {
                return Err(Problem::bad_request(
                    "the request body must be a JSON object",
                ));
            }
        };
        Ok(Fields(fields))
    }
}

/// The fields of a JSON object request body.
#[derive(Debug)]
pub struct Fields(Map<String, Value>);

impl Fields {
    pub fn get<T: FromJson>(&mut self, name: &str) -> Result<Option<T>, Problem> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => T::from_json(v).map(Some).ok_or_else(|| {
                Problem::bad_request(format!("body field `{name}` must be {}", T::EXPECTED))
            }),
        }
    }

    pub fn required<T: FromJson>(&mut self, name: &str) -> Result<T, Problem> {
        self.get(name)?
            .ok_or_else(|| Problem::bad_request(format!("missing required body field `{name}`")))
    }
}

fn invalid(what: &str, name: &str, expected: &str, found: &str) -> Problem {
    let shown: String = found.chars().take(64).collect();
    Problem::bad_request(format!(
        "{what} `{name}` must be {expected}, found `{shown}`"
    ))
}

/// The upstream status, recorded on responses for the request log.
#[derive(Debug, Clone, Copy)]
pub struct UpstreamStatus(pub u16);

/// Turns a client result into the REST response: 2xx → the same status and the result shaped
/// by `output` (the upstream's JSON byte for byte when the output is the whole answer);
/// upstream 4xx/5xx → the same status and the upstream's JSON; failures of our own → problems.
/// `inputs` are the texts the outputs' `value`s may use.
pub fn respond(
    result: Result<client::Reply, Error>,
    output: &Output,
    inputs: &[Option<String>],
) -> Response {
    match result {
        Ok(reply) => {
            let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
            // 204 and 205 carry no content at all (RFC 9110 §15.3.5).
            let upstream = UpstreamStatus(reply.status);
            let mut r = if matches!(status, StatusCode::NO_CONTENT | StatusCode::RESET_CONTENT) {
                status.into_response()
            } else if output.is_whole() {
                // `$.`: the upstream's JSON byte for byte.
                json_bytes(status, reply.raw().clone())
            } else {
                match reply.try_into_json() {
                    Ok(v) => match output.apply(&v, inputs) {
                        Ok(shaped) => json_response(status, &shaped),
                        Err(e) => return shape_problem(&e),
                    },
                    Err(e) => return error_response(&e),
                }
            };
            r.extensions_mut().insert(upstream);
            r
        }
        Err(e) => error_response(&e),
    }
}

/// A binary answer (Ikanos beta5 `responses` / `responseBinary`): the upstream's bytes as they
/// came, under the declared status and media type. An answer larger than `max_bytes` (the
/// adapter's or the operation's `maxBinarySize`) is `502`, never cut short.
pub fn respond_binary(
    result: Result<client::Reply, Error>,
    status: u16,
    media_type: &'static str,
    max_bytes: u64,
) -> Response {
    let reply = match result {
        Ok(reply) => reply,
        Err(e) => return error_response(&e),
    };
    let Some((bytes, _)) = reply.bytes() else {
        return Problem::new(
            StatusCode::BAD_GATEWAY,
            "Bad Gateway",
            "the upstream's answer was not read as binary",
        )
        .into_response();
    };
    if bytes.len() as u64 > max_bytes {
        return Problem::new(
            StatusCode::BAD_GATEWAY,
            "Bad Gateway",
            format!(
                "the upstream's binary answer ({} bytes) is larger than `maxBinarySize` ({max_bytes} bytes)",
                bytes.len()
            ),
        )
        .into_response();
    }
    let mut r = Response::new(axum::body::Body::from(bytes.clone()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    // Checked when the spec was compiled (a media type of visible ASCII).
    let media = HeaderValue::from_str(media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    r.headers_mut().insert(header::CONTENT_TYPE, media);
    r.extensions_mut().insert(UpstreamStatus(reply.status));
    r
}

/// Mock mode: `200` with the result built from the outputs' `value`s alone.
pub fn respond_mock(output: &Output, inputs: &[Option<String>]) -> Response {
    match output.apply(&Value::Null, inputs) {
        Ok(v) => json_response(StatusCode::OK, &v),
        Err(e) => shape_problem(&e),
    }
}

/// A result that does not fit its declared shape: `502` when the upstream's answer does not,
/// `400` when an input rendered into a typed `value` does not.
fn shape_problem(e: &ShapeError) -> Response {
    if e.upstream {
        Problem::new(
            StatusCode::BAD_GATEWAY,
            "Upstream answer does not fit the declared output",
            e.to_string(),
        )
        .into_response()
    } else {
        Problem::bad_request(e.to_string()).into_response()
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    json_bytes(
        status,
        Bytes::from(serde_json::to_vec(body).unwrap_or_default()),
    )
}

/// A JSON response, its `Content-Type` written once (not `application/octet-stream` first).
fn json_bytes(status: StatusCode, body: Bytes) -> Response {
    let mut r = Response::new(axum::body::Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

pub fn error_response(e: &Error) -> Response {
    match e {
        Error::Status { status, body, .. } => {
            let code = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
            let mut r = if body.is_object() || body.is_array() {
                let mut r = json_response(code, body);
                if let Error::Status {
                    retry_after: Some(after),
                    ..
                } = e
                    && let Ok(v) = HeaderValue::from_str(&after.as_secs().to_string())
                {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            } else {
                Problem::new(code, "Upstream error", e.to_string()).into_response()
            };
            r.extensions_mut().insert(UpstreamStatus(*status));
            r
        }
        Error::Connect { .. } | Error::Transport { .. } => Problem::new(
            StatusCode::BAD_GATEWAY,
            "Upstream unreachable",
            e.to_string(),
        )
        .into_response(),
        Error::Timeout { .. } => Problem::new(
            StatusCode::GATEWAY_TIMEOUT,
            "Upstream timeout",
            e.to_string(),
        )
        .into_response(),
        Error::Decode { .. } => Problem::new(
            StatusCode::BAD_GATEWAY,
            "Undecodable upstream response",
            e.to_string(),
        )
        .into_response(),
        Error::InvalidArgument { .. } => Problem::bad_request(e.to_string()).into_response(),
        Error::TooLarge { .. } => Problem::new(
            StatusCode::BAD_GATEWAY,
            "Upstream response too large",
            e.to_string(),
        )
        .into_response(),
        Error::Credentials { .. } => Problem::new(
            StatusCode::BAD_GATEWAY,
            "Upstream credentials unavailable",
            e.to_string(),
        )
        .into_response(),
        Error::InvalidStatus { .. } | Error::Redirect { .. } => Problem::new(
            StatusCode::BAD_GATEWAY,
            "Invalid upstream response",
            e.to_string(),
        )
        .into_response(),
        Error::Script { .. } => Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Script step failed",
            e.to_string(),
        )
        .into_response(),
    }
}

/// Adds what every generated REST adapter serves besides its routes: `GET /openapi.json`,
/// `GET /healthz`, problem+json 404 and 405 (with `Allow`), and a log line per request.
pub fn finish<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    openapi: &'static str,
) -> Router<S> {
    let router = router.route(
        "/openapi.json",
        get(move || async move { json_text(openapi) }),
    );
    // The request log and the trace context in one layer: axum boxes each route once per
    // layer and clones those boxes for every request.
    health_and_fallbacks(router).layer(
        tower::ServiceBuilder::new()
            .layer(log::RequestLogLayer)
            .layer(crate::trace::TraceLayer { adapter: "REST" }),
    )
}

/// `GET /healthz` and the problem+json 404 and 405 (with `Allow`): what every HTTP adapter
/// answers besides its own routes.
pub(crate) fn health_and_fallbacks<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
) -> Router<S> {
    router
        .route(
            "/healthz",
            get(|| async { json_text(r#"{"status":"ok"}"#) }),
        )
        .fallback(|method: Method, uri: axum::http::Uri| async move {
            Problem::new(
                StatusCode::NOT_FOUND,
                "Not found",
                format!("no route for {method} {}", uri.path()),
            )
        })
        .method_not_allowed_fallback(|method: Method, uri: axum::http::Uri| async move {
            Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "Method not allowed",
                format!("{method} is not allowed on {}", uri.path()),
            )
        })
}

fn json_text(body: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}
