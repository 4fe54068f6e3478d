//! The HTTP plumbing behind every generated client: one connection pool, credentials read once,
//! URLs built without re-parsing templates, retries only where repeating is safe.
//!
//! - `spec`: what the spec says about a consumed API ([`ApiSpec`], [`Api`]).
//! - `auth`: OAuth 2 client credentials (tokens fetched, cached and refreshed).
//! - `builder`: [`Builder`], which reads credentials and builds a client.
//! - `request`: [`HttpClient`] and [`Request`], building and sending one call.
//! - `retry`: which failures are retried, backoff and `Retry-After`.
//! - `reply`: [`Reply`], a successful answer.
//! - `error`: [`ConfigError`] and [`Error`].
//! - `forward`: [`HttpClient::forward`], a resource proxied to the API, bodies streamed.
//! - `template`: JSON body templates.
//! - `body`: text, form, YAML, CBOR and multipart bodies.
//! - `params`: query and header parameter values.

mod auth;
mod bind_file;
mod body;
mod builder;
mod error;
mod forward;
mod params;
mod reply;
mod request;
mod retry;
mod spec;
mod template;

pub use auth::{ClientCredentials, without_userinfo};
pub use bind_file::BindFile;
pub use body::{Encoding, Escape, MultipartPart, TextBody};
pub use builder::Builder;
pub use error::{ConfigError, Error};
pub use params::ParamValue;
pub use reply::Reply;
pub use request::{HttpClient, Request};
pub use spec::{Api, ApiSpec, AuthSpec, FixedSpec, KeyPlacement, Part};
pub use template::{JsonTemplate, TextPart};

/// `User-Agent` of every upstream request.
pub const USER_AGENT: &str = concat!("naftiko/", env!("CARGO_PKG_VERSION"));
