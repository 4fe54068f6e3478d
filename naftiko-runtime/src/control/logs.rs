//! `/logs`: the log level, read and changed while the process runs (`management.logs`).
//!
//! The server installs a [`LogControl`] with a function that applies a filter (for
//! `tracing-subscriber`, a reloadable `EnvFilter`); the control plane then answers
//! `GET /logs` (`{"level": ..., "loggers": {target: level}}`), `PUT /logs` with
//! `{"level": "debug"}` (the default level), and `GET`/`PUT /logs/{logger}` for one target
//! (`naftiko::mcp`, `billjob`). Levels are `trace`, `debug`, `info`, `warn`, `error`, `off`;
//! anything else is `400`. At most [`MAX_LOGGERS`] targets have a level of their own.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Targets with a level of their own, at most.
pub const MAX_LOGGERS: usize = 64;

const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "off"];

type Apply = dyn Fn(&str) -> Result<(), String> + Send + Sync;

/// The process's log level control. Cheap to clone; clones share the levels.
#[derive(Clone)]
pub struct LogControl {
    apply: Arc<Apply>,
    levels: Arc<Mutex<Levels>>,
}

struct Levels {
    default: String,
    loggers: BTreeMap<String, String>,
}

impl Levels {
    fn filter(&self) -> String {
        std::iter::once(self.default.clone())
            .chain(self.loggers.iter().map(|(t, l)| format!("{t}={l}")))
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl std::fmt::Debug for LogControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogControl").finish_non_exhaustive()
    }
}

static INSTALLED: OnceLock<LogControl> = OnceLock::new();

impl LogControl {
    /// Levels starting at `default` (one of the levels), applied with `apply`, which gets a
    /// filter such as `info,naftiko::mcp=debug`.
    pub fn new(
        default: &str,
        apply: impl Fn(&str) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        LogControl {
            apply: Arc::new(apply),
            levels: Arc::new(Mutex::new(Levels {
                default: default.to_string(),
                loggers: BTreeMap::new(),
            })),
        }
    }

    /// Makes this the control that `/logs` serves (once per process).
    pub fn install(self) -> bool {
        INSTALLED.set(self).is_ok()
    }

    /// The installed control, if any.
    pub fn installed() -> Option<&'static LogControl> {
        INSTALLED.get()
    }

    fn state(&self) -> Value {
        let l = self.levels.lock().unwrap_or_else(PoisonError::into_inner);
        json!({"level": l.default, "loggers": l.loggers})
    }

    /// Sets the default level (`logger` `None`) or one target's; applied at once.
    pub fn set(&self, logger: Option<&str>, level: &str) -> Result<(), String> {
        let level = level.trim().to_ascii_lowercase();
        if !LEVELS.contains(&level.as_str()) {
            return Err(format!(
                "`{level}` is not a log level: expected one of {}",
                LEVELS.join(", ")
            ));
        }
        let mut l = self.levels.lock().unwrap_or_else(PoisonError::into_inner);
        let mut next = Levels {
            default: l.default.clone(),
            loggers: l.loggers.clone(),
        };
        match logger {
            None => next.default = level,
            Some(target) => {
                if target.is_empty()
                    || target.len() > 128
                    || !target
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                {
                    return Err(format!(
                        "`{target}` is not a logger: a module path such as `naftiko::mcp`"
                    ));
                }
                if !next.loggers.contains_key(target) && next.loggers.len() >= MAX_LOGGERS {
                    return Err(format!(
                        "at most {MAX_LOGGERS} loggers have a level of their own"
                    ));
                }
                next.loggers.insert(target.to_string(), level);
            }
        }
        (self.apply)(&next.filter())?;
        *l = next;
        Ok(())
    }

    /// The installed control's routes; without one, `/logs` answers `503` saying so (a spec
    /// asked for them, the server did not install a control).
    pub fn installed_routes() -> Router {
        match Self::installed() {
            Some(c) => c.routes(),
            None => {
                let unavailable = || async {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        Json(
                            json!({"error": "no log level control: the server installs a naftiko_runtime::control::LogControl"}),
                        ),
                    )
                };
                Router::new()
                    .route("/logs", get(unavailable).put(unavailable))
                    .route("/logs/{logger}", get(unavailable).put(unavailable))
            }
        }
    }

    /// `GET`/`PUT /logs` and `/logs/{logger}`.
    pub fn routes(&self) -> Router {
        let all = self.clone();
        let one = self.clone();
        Router::new()
            .route(
                "/logs",
                get({
                    let c = all.clone();
                    move || async move { Json(c.state()) }
                })
                .put(move |Json(body): Json<Value>| async move { put(&all, None, &body) }),
            )
            .route(
                "/logs/{logger}",
                get({
                    let c = one.clone();
                    move |Path(logger): Path<String>| async move {
                        let state = c.state();
                        let level = state["loggers"]
                            .get(&logger)
                            .unwrap_or(&state["level"])
                            .clone();
                        Json(json!({"logger": logger, "level": level}))
                    }
                })
                .put(
                    move |Path(logger): Path<String>, Json(body): Json<Value>| async move {
                        put(&one, Some(&logger), &body)
                    },
                ),
            )
    }
}

fn put(control: &LogControl, logger: Option<&str>, body: &Value) -> Response {
    let Some(level) = body.get("level").and_then(Value::as_str) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "the body is `{\"level\": \"debug\"}`"})),
        )
            .into_response();
    };
    match control.set(logger, level) {
        Ok(()) => Json(control.state()).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, Json(json!({"error": e}))).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_make_one_filter_and_bad_ones_change_nothing() {
        let applied = Arc::new(Mutex::new(Vec::new()));
        let seen = applied.clone();
        let c = LogControl::new("info", move |f| {
            seen.lock().unwrap().push(f.to_string());
            Ok(())
        });
        c.set(Some("naftiko::mcp"), "DEBUG").expect("set");
        c.set(None, "warn").expect("set");
        assert_eq!(
            *applied.lock().unwrap(),
            ["info,naftiko::mcp=debug", "warn,naftiko::mcp=debug"]
        );
        assert!(c.set(None, "loud").is_err());
        assert!(c.set(Some("a=b"), "info").is_err());
        assert_eq!(c.state()["level"], "warn");
    }
}
