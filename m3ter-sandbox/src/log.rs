//! The gatekeeper every request passes (auth, then one log line), and the shortening
//! of client-supplied text before it reaches a log.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{bearer, is_authorized};
use crate::error::ApiError;
use crate::oauth::Issued;
use crate::store::Sandbox;

/// Client-supplied text cut to at most `max` characters for a log line. Longer text is
/// shown as its first `max` characters, an ellipsis and its whole length in bytes, e.g.
/// `/organizations/o/billjobs/aaaa…(61440 bytes)`, so a 60 KB id never makes a 60 KB line.
#[derive(Clone, Copy)]
pub(crate) struct Shortened<'a> {
    text: &'a str,
    max: usize,
}

pub(crate) fn shorten(text: &str, max: usize) -> Shortened<'_> {
    Shortened { text, max }
}

impl fmt::Display for Shortened<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.text.char_indices().nth(self.max) {
            None => f.write_str(self.text),
            Some((cut, _)) => write!(f, "{}…({} bytes)", &self.text[..cut], self.text.len()),
        }
    }
}

/// Checks the bearer token before anything else runs, and logs one line per request:
/// method, target (path and query, shortened), status and duration; never headers, so
/// never the token.
pub(crate) async fn gatekeeper(
    State(sandbox): State<Arc<Sandbox>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let uri = request.uri().clone();
    let target = uri.path_and_query().map_or("", |target| target.as_str());
    // The token endpoint checks its own credentials (HTTP Basic).
    let token_request = uri.path() == "/oauth/token";
    let issued = bearer(request.headers()).map(|t| sandbox.tokens.check(t));
    let response = if token_request
        || is_authorized(request.headers(), &sandbox.token)
        || issued == Some(Issued::Valid)
    {
        next.run(request).await
    } else if issued == Some(Issued::Expired) {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden: the access token has expired",
        )
        .into_response()
    } else {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden: a valid 'Authorization: Bearer <token>' header is required",
        )
        .into_response()
    };
    tracing::info!(
        %method,
        target = %shorten(target, sandbox.max_logged_target_chars),
        status = response.status().as_u16(),
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "billjob sandbox request"
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_at_a_character_boundary_with_its_length() {
        assert_eq!(shorten("short", 128).to_string(), "short");
        assert_eq!(shorten("exactly", 7).to_string(), "exactly");
        assert_eq!(shorten("abcdefgh", 3).to_string(), "abc…(8 bytes)");
        // Multi-byte characters are never split.
        assert_eq!(shorten("ééé", 2).to_string(), "éé…(6 bytes)");
        assert_eq!(shorten("anything", 0).to_string(), "…(8 bytes)");
        let huge = "x".repeat(60 * 1024);
        let line = shorten(&huge, 128).to_string();
        assert!(line.len() < 160, "{line}");
        assert!(line.ends_with("…(61440 bytes)"), "{line}");
    }
}
