//! The management plane: liveness and readiness on an address of their own.
//!
//! `GET /health/live` answers `200 {"status":"UP"}` while the process serves. `GET
//! /health/ready` answers `200 {"status":"UP"}` once every component named when the
//! [`Readiness`] was made has reported itself (upstream credentials resolved, each adapter
//! bound) and the drain has not begun; otherwise `503 {"status":"DOWN","pending":[...]}`
//! naming what is missing, so an orchestrator stops routing to a process that cannot answer.
//! Nothing secret is ever part of a component's name.

use std::sync::{Arc, Mutex, PoisonError};

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

/// What must be in place before the process is ready. Cheap to clone; clones share state.
#[derive(Debug, Clone, Default)]
pub struct Readiness {
    state: Arc<Mutex<State>>,
}

#[derive(Debug, Default)]
struct State {
    pending: Vec<String>,
    draining: bool,
}

impl Readiness {
    /// Ready once each of `components` has been [`mark`](Self::mark)ed.
    pub fn new<I, S>(components: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let pending = components.into_iter().map(Into::into).collect();
        Self {
            state: Arc::new(Mutex::new(State {
                pending,
                draining: false,
            })),
        }
    }

    /// Adds a component that must report before the process is ready.
    pub fn expect(&self, component: &str) {
        let mut state = self.lock();
        if !state.pending.iter().any(|p| p == component) {
            state.pending.push(component.to_string());
        }
    }

    /// Reports `component` in place (an adapter bound, credentials resolved).
    pub fn mark(&self, component: &str) {
        self.lock().pending.retain(|p| p != component);
    }

    /// The drain has begun: no longer ready, whatever else holds.
    pub fn drain(&self) {
        self.lock().draining = true;
    }

    /// `Ok` when ready; otherwise what is still missing (`"draining"` once the drain began).
    pub fn check(&self) -> Result<(), Vec<String>> {
        let state = self.lock();
        let mut missing = state.pending.clone();
        if state.draining {
            missing.push("draining".to_string());
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(missing)
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is a list and a flag: a panic elsewhere cannot leave it half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The management routes: `/health/live` and `/health/ready`.
pub fn router(readiness: Readiness) -> Router {
    Router::new()
        .route(
            "/health/live",
            get(|| async { Json(json!({"status": "UP"})) }),
        )
        .route(
            "/health/ready",
            get(move || {
                let readiness = readiness.clone();
                async move {
                    match readiness.check() {
                        Ok(()) => (StatusCode::OK, Json(json!({"status": "UP"}))).into_response(),
                        Err(pending) => (
                            StatusCode::SERVICE_UNAVAILABLE,
                            Json(json!({"status": "DOWN", "pending": pending})),
                        )
                            .into_response(),
                    }
                }
            }),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_only_when_every_component_reported_and_not_draining() {
        let r = Readiness::new(["upstream", "REST"]);
        assert_eq!(r.check(), Err(vec!["upstream".into(), "REST".into()]));
        r.mark("upstream");
        assert_eq!(r.check(), Err(vec!["REST".into()]));
        r.expect("MCP");
        r.mark("REST");
        assert_eq!(r.check(), Err(vec!["MCP".into()]));
        r.mark("MCP");
        assert_eq!(r.check(), Ok(()));
        r.drain();
        assert_eq!(r.check(), Err(vec!["draining".into()]));
    }
}
