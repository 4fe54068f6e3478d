//! Upstream authentication that is more than a header fixed when the client is built: OAuth 2
//! client credentials (a token fetched, cached and refreshed).
//!
//! [`Scheme::authorize`] adds credentials to each attempt; [`Scheme::challenged`] says, after a
//! `401`, whether the attempt is worth sending once more with fresh credentials.

mod oauth2;

pub(super) use oauth2::TokenSource;
pub use oauth2::{ClientCredentials, without_userinfo};

use super::error::Error;
use axum::http::{self, HeaderMap};
use bytes::Bytes;

/// How the credentials of one attempt are made.
#[derive(Debug)]
pub(super) enum Scheme {
    /// OAuth 2 client credentials: a bearer token from the token endpoint.
    OAuth2(TokenSource),
}

/// What [`Scheme::authorize`] used, so that a `401` invalidates exactly that.
#[derive(Debug, Clone, Copy)]
pub(super) enum Used {
    /// The cached token of this generation.
    Token(u64),
}

impl Scheme {
    /// Adds this attempt's credentials to `request`.
    pub(super) async fn authorize(
        &self,
        request: &mut http::Request<Bytes>,
        operation: &'static str,
    ) -> Result<Used, Error> {
        match self {
            Scheme::OAuth2(source) => {
                let (value, generation) = source.bearer(operation).await?;
                request
                    .headers_mut()
                    .insert(http::header::AUTHORIZATION, value);
                Ok(Used::Token(generation))
            }
        }
    }

    /// After a `401` to credentials `used`: whether to send the request once more.
    pub(super) fn challenged(&self, used: Used, _headers: &HeaderMap) -> bool {
        match (self, used) {
            (Scheme::OAuth2(source), Used::Token(generation)) => {
                source.invalidate(generation);
                true
            }
        }
    }
}
