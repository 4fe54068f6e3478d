//! In-process emulator ("sandbox") of m3ter's BillJob HTTP API.
//!
//! It serves the five BillJob operations at the root of an [`axum::Router`]:
//!
//! | Operation   | Method and path                                     |
//! |-------------|-----------------------------------------------------|
//! | list        | `GET  /organizations/{orgId}/billjobs`              |
//! | create      | `POST /organizations/{orgId}/billjobs`              |
//! | recalculate | `POST /organizations/{orgId}/billjobs/recalculate`  |
//! | retrieve    | `GET  /organizations/{orgId}/billjobs/{id}`         |
//! | cancel      | `POST /organizations/{orgId}/billjobs/{id}/cancel`  |
//!
//! The behaviour follows m3ter's API reference for BillJobs (<https://www.m3ter.com/docs/api>)
//! and its published OpenAPI document;
//! where m3ter documents nothing, the choices below are the sandbox's own.
//!
//! # Design decisions
//!
//! * **Auth.** Every request, including unknown paths, needs
//!   `Authorization: Bearer <token>` (scheme case-insensitive) equal to
//!   [`SandboxConfig::token`], compared in constant time. Anything else gets
//!   `403 {"message": ...}`, as m3ter answers 403 rather than 401. An empty configured
//!   token matches nothing, so a misconfigured sandbox is closed rather than open.
//! * **OAuth.** `POST /oauth/token` is m3ter's client-credentials endpoint: HTTP Basic with
//!   the [`SandboxConfig::client`] id and secret, `grant_type=client_credentials` as a form or
//!   as JSON, answered with `{"access_token", "token_type": "Bearer", "expires_in"}`. Its
//!   tokens are accepted like the configured one until [`SandboxConfig::token_lifetime`] has
//!   passed, then get 403 (as m3ter answers an expired token).
//! * **State.** Jobs live in memory, per `orgId`; any `orgId` is accepted (m3ter would
//!   answer 403 for an unknown one). Everything is lost when the process exits.
//! * **Bounds.** A finished job (`COMPLETE` or `CANCELLED`) is forgotten
//!   [`SandboxConfig::job_ttl`] after it finished (default [`DEFAULT_JOB_TTL`], one
//!   hour): it then gets 404 and is no longer listed. One org holds at most
//!   [`SandboxConfig::max_jobs_per_org`] jobs (default [`DEFAULT_MAX_JOBS_PER_ORG`]);
//!   when it is full, a create or recalculate evicts the org's oldest finished job, or
//!   answers 429 if none has finished. The request log shows at most
//!   [`SandboxConfig::max_logged_target_chars`] characters of a request's path and
//!   query (default [`DEFAULT_MAX_LOGGED_TARGET_CHARS`]), then an ellipsis and the full
//!   length, so an oversized id cannot make an oversized log line.
//! * **Lifecycle.** Status is computed lazily from the job's age on every read:
//!   `PENDING` → `INITIALIZING` → `RUNNING` → `COMPLETE`, each active state lasting
//!   [`SandboxConfig::step`]. `version` is 1, 2, 3, 4 along that path and
//!   `dtLastModified` is the instant of the last transition (`dtCreated + k·step`), so
//!   every reader sees the same history whatever it polls and when. Cancelling an
//!   active job freezes it as `CANCELLED` with `version` + 1 and `dtLastModified` = the
//!   moment of cancellation. A `step` of zero makes jobs complete at once.
//! * **Counts.** `total` is the number of `accountIds` (create; 1 when absent) or of
//!   `billIds` (recalculate). `pending` equals `total` while `PENDING`/`INITIALIZING`,
//!   drops to half (rounded up) while `RUNNING` and to 0 on `COMPLETE`; a cancelled job
//!   keeps the value it had when cancelled.
//! * **Concurrency limit.** Create and recalculate answer 429 when the org already has
//!   [`SandboxConfig::max_running`] jobs in an active state.
//! * **Timestamps** are RFC 3339 UTC with millisecond precision and a `Z` suffix.
//! * **Ids** are random version-4 UUIDs (8-4-4-4-12 lowercase hex). `createdBy` and
//!   `lastModifiedBy` are the fixed [`SANDBOX_USER_ID`].
//! * **Absent fields.** Request fields that are absent or `null` are left out of the
//!   response (never `null`); `timezone` defaults to `"UTC"` on create. Unknown request
//!   fields are ignored.
//! * **List.** Newest first. `pageSize` defaults to [`DEFAULT_PAGE_SIZE`] (m3ter states
//!   no default) and must be an integer in 1–100. `active` is `TRUE`/`FALSE` and
//!   `status` one of the five statuses, both case-insensitive; given together, both
//!   apply. Empty query values count as absent (the parameters are `allowEmptyValue`);
//!   when a parameter is repeated, the last value wins. `nextToken` is an opaque cursor
//!   holding the creation sequence number of the last item returned plus a checksum
//!   bound to the org; the next page holds only strictly older jobs, so jobs created
//!   while a client pages never shift, repeat or hide the older ones. A token that does
//!   not decode, fails its checksum or belongs to another org gets 400. `nextToken` is
//!   omitted on the last page.
//! * **Bodies.** Create and recalculate accept an empty body as `{}`; any
//!   `Content-Type` is accepted. Malformed JSON or a non-object gives 400; bodies over
//!   [`MAX_BODY_BYTES`] give 413. Cancel ignores its body.
//! * **Errors** are always `{"message": "..."}`: 400 validation (the message names the
//!   field), 403 auth, 404 unknown job or path, 405 wrong method, 413, 429 (too many
//!   active jobs, or an org full of active jobs).
//!
//! # Modules
//!
//! `config` (the options), `routes` (router and serving), `log` (auth gate and request
//! log), `auth` (token check and generation), `validation` (request bodies), `store`
//! (jobs in memory, limits, expiry), `lifecycle` (status as a function of age),
//! `pagination` (list parameters, cursor), `wire` (response shapes), `time` (dates and
//! timestamps), `error` (m3ter's error shape).

mod auth;
mod config;
mod error;
mod lifecycle;
mod log;
mod oauth;
mod pagination;
mod routes;
mod store;
mod time;
mod validation;
mod wire;

pub use auth::random_token;
pub use config::{
    DEFAULT_JOB_TTL, DEFAULT_MAX_JOBS_PER_ORG, DEFAULT_MAX_LOGGED_TARGET_CHARS,
    DEFAULT_MAX_RUNNING, DEFAULT_PAGE_SIZE, DEFAULT_STEP, DEFAULT_TOKEN_LIFETIME, MAX_BODY_BYTES,
    MAX_PAGE_SIZE, OAuthClient, SANDBOX_USER_ID, SandboxConfig,
};
pub use routes::{router, spawn};
