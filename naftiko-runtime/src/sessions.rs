//! Bounds on MCP sessions over streamable HTTP.
//!
//! rmcp's session manager keeps every session until it has been idle for its keep-alive; an
//! unauthenticated client can open thousands (about 42 KB each). In front of rmcp's service,
//! `layer` keeps at most [`SessionLimits::max_sessions`]: when a new session is asked for and
//! the table is full, the session idle the longest is closed to make room, provided it has been
//! idle for at least [`SessionLimits::min_idle_to_evict`]; otherwise the request is refused with
//! `503 Service Unavailable` and `Retry-After`. It also answers `DELETE` of an unknown session
//! with `404` (rmcp answers `202`), refuses requests other than `ping` on a session whose client
//! has not sent `notifications/initialized` yet, and turns rmcp's `415` for a body it cannot
//! read into JSON-RPC's own errors: `-32700` for text that is not JSON, `-32602` for a known
//! method with bad params, `-32600` otherwise, with HTTP 400.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::SessionManager;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SESSION_HEADER: &str = "mcp-session-id";
/// rmcp's own limit on a request body.
const MAX_BODY: usize = 4 * 1024 * 1024;

/// Operator's bounds on MCP sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionLimits {
    /// Sessions open at most.
    pub max_sessions: usize,
    /// A session without requests for this long is closed.
    pub idle_timeout: Duration,
    /// A session idle for less than this is never evicted to make room: the new one gets 503.
    pub min_idle_to_evict: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        SessionLimits {
            max_sessions: 1000,
            idle_timeout: Duration::from_secs(120),
            min_idle_to_evict: Duration::from_secs(1),
        }
    }
}

/// Shared state of the session guard.
#[derive(Debug)]
pub(crate) struct Guard {
    manager: Arc<LocalSessionManager>,
    limits: SessionLimits,
    /// Sessions we saw created: when last used, and whether the client completed initialization.
    last_seen: Mutex<HashMap<Arc<str>, Seen>>,
    stateful: bool,
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    at: Instant,
    ready: bool,
}

impl Guard {
    pub(crate) fn new(
        manager: Arc<LocalSessionManager>,
        limits: SessionLimits,
        stateful: bool,
    ) -> Arc<Self> {
        Arc::new(Guard {
            manager,
            limits,
            last_seen: Mutex::new(HashMap::new()),
            stateful,
        })
    }

    /// Records a use of the session; tells whether its client completed initialization
    /// (unknown sessions count as ready: rmcp answers for them).
    fn touch(&self, id: &str) -> bool {
        match self.last_seen.lock() {
            Ok(mut m) => match m.get_mut(id) {
                Some(seen) => {
                    seen.at = Instant::now();
                    seen.ready
                }
                None => true,
            },
            Err(_) => true,
        }
    }

    fn mark_ready(&self, id: &str) {
        if let Ok(mut m) = self.last_seen.lock()
            && let Some(seen) = m.get_mut(id)
        {
            seen.ready = true;
        }
    }

    /// Makes room for one more session: `Ok` when there is room (after evicting one if needed).
    async fn make_room(&self) -> Result<(), Duration> {
        let open: HashSet<Arc<str>> = self.manager.sessions.read().await.keys().cloned().collect();
        let victim = {
            let Ok(mut seen) = self.last_seen.lock() else {
                return Err(Duration::from_secs(1));
            };
            // Forget sessions rmcp has closed meanwhile (expired or deleted), so that this table
            // never outgrows rmcp's.
            if seen.len() > open.len() {
                seen.retain(|id, _| open.contains(id));
            }
            if open.len() < self.limits.max_sessions {
                return Ok(());
            }
            let now = Instant::now();
            // Sessions we have not seen yet (being created) count as busy.
            seen.iter()
                .filter(|(_, s)| now.duration_since(s.at) >= self.limits.min_idle_to_evict)
                .min_by_key(|(_, s)| s.at)
                .map(|(id, _)| id.clone())
        };
        let Some(victim) = victim else {
            return Err(self.limits.min_idle_to_evict.max(Duration::from_secs(1)));
        };
        if let Ok(mut seen) = self.last_seen.lock() {
            seen.remove(&victim);
        }
        let _ = self.manager.close_session(&victim).await;
        tracing::info!(
            target: "naftiko::mcp",
            max_sessions = self.limits.max_sessions,
            "session limit reached; closed the session idle the longest"
        );
        Ok(())
    }
}

/// The middleware: session table bounds, `DELETE` of unknown sessions, initialization order,
/// and JSON-RPC errors for unreadable bodies.
pub(crate) async fn layer(guard: Arc<Guard>, request: Request, next: Next) -> Response {
    let session = request
        .headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(Arc::<str>::from)
        .filter(|_| guard.stateful);
    match (request.method().clone(), session) {
        (Method::DELETE, Some(id)) => {
            if !guard.manager.has_session(&id).await.unwrap_or(false) {
                return rpc_error(
                    StatusCode::NOT_FOUND,
                    None,
                    -32600,
                    "no such MCP session",
                    None,
                );
            }
            if let Ok(mut seen) = guard.last_seen.lock() {
                seen.remove(&id);
            }
            next.run(request).await
        }
        (Method::POST, Some(id)) => {
            let ready = guard.touch(&id);
            let (parts, body) = request.into_parts();
            let body = match read_body(body).await {
                Ok(b) => b,
                Err(r) => return r,
            };
            if !ready {
                match serde_json::from_slice::<Probe>(&body) {
                    Ok(Probe {
                        method: Some(method),
                        ..
                    }) if method == "notifications/initialized" => guard.mark_ready(&id),
                    Ok(Probe {
                        method: Some(method),
                        id: Some(msg_id),
                    }) if method != "ping" => {
                        return rpc_error(
                            StatusCode::BAD_REQUEST,
                            Some(msg_id),
                            -32600,
                            "the session is not initialized yet: send `notifications/initialized` first",
                            None,
                        );
                    }
                    _ => {}
                }
            }
            if let Some(refused) = unnamed_call(&body) {
                return refused;
            }
            forward(parts, body, next).await
        }
        (Method::POST, None) => {
            let (parts, body) = request.into_parts();
            let body = match read_body(body).await {
                Ok(b) => b,
                Err(r) => return r,
            };
            if let Some(refused) = unnamed_call(&body) {
                return refused;
            }
            let new_session = guard.stateful;
            if new_session && let Err(retry) = guard.make_room().await {
                tracing::warn!(
                    target: "naftiko::mcp",
                    max_sessions = guard.limits.max_sessions,
                    "session limit reached and every session is busy; new session refused"
                );
                return rpc_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    None,
                    -32000,
                    "too many MCP sessions; retry later",
                    Some(retry),
                );
            }
            let response = forward(parts, body, next).await;
            if new_session
                && let Some(id) = response
                    .headers()
                    .get(SESSION_HEADER)
                    .and_then(|v| v.to_str().ok())
                && let Ok(mut seen) = guard.last_seen.lock()
            {
                seen.insert(
                    Arc::from(id),
                    Seen {
                        at: Instant::now(),
                        ready: false,
                    },
                );
            }
            response
        }
        (_, Some(id)) => {
            guard.touch(&id);
            next.run(request).await
        }
        _ => next.run(request).await,
    }
}

/// What we need of a JSON-RPC message to judge it.
#[derive(serde::Deserialize)]
struct Probe {
    method: Option<String>,
    id: Option<serde_json::Value>,
}

/// A `tools/call` request's params, as far as naming the tool goes.
#[derive(serde::Deserialize)]
struct CallProbe {
    id: Option<serde_json::Value>,
    params: Option<CallParams>,
}

#[derive(serde::Deserialize)]
struct CallParams {
    name: Option<serde::de::IgnoredAny>,
}

/// rmcp reads a `tools/call` without a tool name as an unknown method (-32601); it is a
/// known method with invalid params (-32602).
fn unnamed_call(body: &[u8]) -> Option<Response> {
    if !body.windows(12).any(|w| w == b"\"tools/call\"") {
        return None;
    }
    let probe: Probe = serde_json::from_slice(body).ok()?;
    if probe.method.as_deref() != Some("tools/call") {
        return None;
    }
    let call: CallProbe = serde_json::from_slice(body).ok()?;
    if call.params.as_ref().is_some_and(|p| p.name.is_some()) {
        return None;
    }
    Some(rpc_error(
        StatusCode::BAD_REQUEST,
        call.id,
        -32602,
        "invalid params: `tools/call` needs `params.name`, the name of a tool",
        None,
    ))
}

async fn read_body(body: Body) -> Result<axum::body::Bytes, Response> {
    axum::body::to_bytes(body, MAX_BODY).await.map_err(|_| {
        rpc_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            -32600,
            &format!("the request body is larger than {MAX_BODY} bytes, or could not be read"),
            None,
        )
    })
}

/// Runs rmcp on the buffered body; its `415` for a body it cannot read as a JSON-RPC message
/// (with a JSON content type) becomes the JSON-RPC error that says why.
async fn forward(
    parts: axum::http::request::Parts,
    body: axum::body::Bytes,
    next: Next,
) -> Response {
    let json_content = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    let response = next
        .run(Request::from_parts(parts, Body::from(body.clone())))
        .await;
    if response.status() != StatusCode::UNSUPPORTED_MEDIA_TYPE || !json_content {
        return response;
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Err(e) => rpc_error(
            StatusCode::BAD_REQUEST,
            None,
            -32700,
            &format!("parse error: {e}"),
            None,
        ),
        Ok(v) => {
            let id = v.get("id").cloned();
            let known = v
                .get("method")
                .and_then(serde_json::Value::as_str)
                .is_some_and(|m| KNOWN_METHODS.contains(&m));
            let (code, what) = if known {
                (-32602, "invalid params")
            } else {
                (-32600, "invalid request")
            };
            rpc_error(
                StatusCode::BAD_REQUEST,
                id,
                code,
                &format!("{what}: not a valid MCP message for this server"),
                None,
            )
        }
    }
}

const KNOWN_METHODS: [&str; 6] = [
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "logging/setLevel",
    "notifications/initialized",
];

fn rpc_error(
    status: StatusCode,
    id: Option<serde_json::Value>,
    code: i64,
    message: &str,
    retry_after: Option<Duration>,
) -> Response {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id.unwrap_or(serde_json::Value::Null),
        "error": {"code": code, "message": message},
    });
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(body.to_string()),
    )
        .into_response();
    if let Some(after) = retry_after
        && let Ok(v) = HeaderValue::from_str(&after.as_secs().max(1).to_string())
    {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_table_forgets_sessions_rmcp_has_closed() {
        let guard = Guard::new(
            Arc::new(LocalSessionManager::default()),
            SessionLimits::default(),
            true,
        );
        {
            let mut seen = guard.last_seen.lock().unwrap();
            for i in 0..50 {
                seen.insert(
                    Arc::from(format!("expired-{i}")),
                    Seen {
                        at: Instant::now(),
                        ready: true,
                    },
                );
            }
        }
        assert!(guard.make_room().await.is_ok());
        assert!(guard.last_seen.lock().unwrap().is_empty());
    }
}
