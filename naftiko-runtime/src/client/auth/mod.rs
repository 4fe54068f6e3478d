//! Upstream authentication that is more than a header fixed when the client is built: OAuth 2
//! client credentials (a token fetched, cached and refreshed), HTTP Digest (a challenge
//! answered), and request signatures (OAuth 1.0a, Veracode HMAC, AWS SigV4).
//!
//! [`Scheme::authorize`] adds credentials to each attempt; [`Scheme::challenged`] says, after a
//! `401`, whether the attempt is worth sending once more with fresh credentials.

mod digest;
mod oauth2;
mod protected;
mod sign;

pub(super) use digest::Digest;
pub(super) use oauth2::TokenSource;
pub use oauth2::{ClientCredentials, without_userinfo};
pub(super) use protected::decrypt as decrypt_certificate;
pub(super) use sign::{OAuth1, SigV4, VeracodeHmac, unhex};

use super::error::Error;
use axum::http::{self, HeaderMap};
use bytes::Bytes;

/// How the credentials of one attempt are made.
#[derive(Debug)]
pub(super) enum Scheme {
    /// OAuth 2 client credentials: a bearer token from the token endpoint.
    OAuth2(TokenSource),
    /// RFC 7616 digest.
    Digest(Digest),
    /// RFC 5849 OAuth 1.0a, HMAC-SHA1.
    OAuth1(OAuth1),
    /// Veracode's HMAC signature.
    Hmac(VeracodeHmac),
    /// AWS Signature Version 4.
    SigV4(SigV4),
}

/// What [`Scheme::authorize`] used, so that a `401` invalidates exactly that.
#[derive(Debug, Clone, Copy)]
pub(super) enum Used {
    /// The cached token of this generation.
    Token(u64),
    /// The digest challenge as it stood (or none yet).
    Digest,
    /// A signature: a 401 is the answer.
    Signature,
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
            Scheme::Digest(digest) => {
                digest.authorize(request);
                Ok(Used::Digest)
            }
            Scheme::OAuth1(oauth1) => {
                oauth1.authorize(request);
                Ok(Used::Signature)
            }
            Scheme::Hmac(hmac) => {
                hmac.authorize(request);
                Ok(Used::Signature)
            }
            Scheme::SigV4(sigv4) => {
                sigv4
                    .sign(request, std::time::SystemTime::now())
                    .map_err(|detail| Error::Credentials {
                        operation,
                        detail: format!("cannot sign the request (AWS SigV4): {detail}"),
                    })?;
                Ok(Used::Signature)
            }
        }
    }

    /// After a `401` or `403` (`status`) to credentials `used`: whether to send the request
    /// once more.
    pub(super) fn challenged(&self, used: Used, status: u16, headers: &HeaderMap) -> bool {
        match (self, used) {
            (Scheme::OAuth2(source), Used::Token(generation)) => {
                source.refused(generation, status == 403)
            }
            (Scheme::Digest(digest), Used::Digest) if status == 401 => digest.challenged(headers),
            _ => false,
        }
    }
}
