//! Bounds on MCP sessions over streamable HTTP.
//!
//! rmcp's session manager keeps every session until it has been idle for its keep-alive; an
//! unauthenticated client can open thousands (about 42 KB each). In front of rmcp's service,
//! [`layer`] keeps at most [`SessionLimits::max_sessions`]: when a new session is asked for and
//! the table is full, the session idle the longest is closed to make room, provided it has been
//! idle for at least [`SessionLimits::min_idle_to_evict`]; otherwise the request is refused with
//! `503 Service Unavailable` and `Retry-After`. It also answers `DELETE` of an unknown session
//! with `404` (rmcp answers `202`).

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::SessionManager;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SESSION_HEADER: &str = "mcp-session-id";

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
    last_seen: Mutex<HashMap<Arc<str>, Instant>>,
}

impl Guard {
    pub(crate) fn new(manager: Arc<LocalSessionManager>, limits: SessionLimits) -> Arc<Self> {
        Arc::new(Guard {
            manager,
            limits,
            last_seen: Mutex::new(HashMap::new()),
        })
    }

    fn touch(&self, id: &str) {
        if let Ok(mut m) = self.last_seen.lock()
            && let Some(t) = m.get_mut(id)
        {
            *t = Instant::now();
        }
    }

    /// Makes room for one more session: `Ok` when there is room (after evicting one if needed).
    async fn make_room(&self) -> Result<(), Duration> {
        let open: Vec<Arc<str>> = self.manager.sessions.read().await.keys().cloned().collect();
        if open.len() < self.limits.max_sessions {
            return Ok(());
        }
        let victim = {
            let Ok(mut seen) = self.last_seen.lock() else {
                return Err(Duration::from_secs(1));
            };
            // Forget sessions rmcp has already closed (expired or deleted).
            seen.retain(|id, _| open.iter().any(|o| o == id));
            let now = Instant::now();
            // Sessions we have not seen yet (being created) count as busy.
            seen.iter()
                .filter(|(_, t)| now.duration_since(**t) >= self.limits.min_idle_to_evict)
                .min_by_key(|(_, t)| **t)
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

/// The middleware: session table bounds and `DELETE` of unknown sessions.
pub(crate) async fn layer(guard: Arc<Guard>, request: Request, next: Next) -> Response {
    let session = request
        .headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(Arc::<str>::from);
    match (request.method(), session) {
        (&Method::DELETE, Some(id)) => {
            if !guard.manager.has_session(&id).await.unwrap_or(false) {
                return problem(StatusCode::NOT_FOUND, "no such MCP session", None);
            }
            if let Ok(mut seen) = guard.last_seen.lock() {
                seen.remove(&id);
            }
            next.run(request).await
        }
        (_, Some(id)) => {
            guard.touch(&id);
            next.run(request).await
        }
        (&Method::POST, None) => {
            if let Err(retry) = guard.make_room().await {
                tracing::warn!(
                    target: "naftiko::mcp",
                    max_sessions = guard.limits.max_sessions,
                    "session limit reached and every session is busy; new session refused"
                );
                return problem(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "too many MCP sessions; retry later",
                    Some(retry),
                );
            }
            let response = next.run(request).await;
            if let Some(id) = response
                .headers()
                .get(SESSION_HEADER)
                .and_then(|v| v.to_str().ok())
                && let Ok(mut seen) = guard.last_seen.lock()
            {
                seen.insert(Arc::from(id), Instant::now());
            }
            response
        }
        _ => next.run(request).await,
    }
}

fn problem(status: StatusCode, detail: &str, retry_after: Option<Duration>) -> Response {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32600, "message": detail},
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
