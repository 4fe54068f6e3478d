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
//! The behaviour follows what m3ter documents (see `shared/notes/m3ter-billjob.md`);
//! where m3ter documents nothing, the choices below are the sandbox's own.
//!
//! # Design decisions
//!
//! * **Auth.** Every request, including unknown paths, needs
//!   `Authorization: Bearer <token>` (scheme case-insensitive) equal to
//!   [`SandboxConfig::token`], compared in constant time. Anything else gets
//!   `403 {"message": ...}`, as m3ter answers 403 rather than 401. An empty configured
//!   token matches nothing, so a misconfigured sandbox is closed rather than open.
//! * **State.** Jobs live in memory for the life of the process, per `orgId`; any
//!   `orgId` is accepted (m3ter would answer 403 for an unknown one).
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
//! * **Ids** look like version-4 UUIDs (8-4-4-4-12 lowercase hex) drawn from a
//!   randomly keyed hash of a counter and the clock. `createdBy` and `lastModifiedBy`
//!   are the fixed [`SANDBOX_USER_ID`].
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
//!   field), 403 auth, 404 unknown job or path, 405 wrong method, 413, 429.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use serde_json::{Map, Number, Value};

/// Largest accepted request body, in bytes (1 MiB); larger bodies get 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// `pageSize` used by list when the request gives none.
pub const DEFAULT_PAGE_SIZE: usize = 10;

/// Largest `pageSize` m3ter accepts for BillJobs.
pub const MAX_PAGE_SIZE: usize = 100;

/// The user every sandbox job is created and modified by (`createdBy`, `lastModifiedBy`).
pub const SANDBOX_USER_ID: &str = "5a4db0c5-0000-4000-8000-00000000b111";

/// Bounds m3ter puts on `accountIds` and `billIds`.
const ID_LIST_MIN: usize = 1;
const ID_LIST_MAX: usize = 100;

/// Most `currencyConversions` one request may carry.
const MAX_CURRENCY_CONVERSIONS: usize = 250;

const BILLING_FREQUENCIES: [&str; 5] = ["DAILY", "WEEKLY", "MONTHLY", "ANNUALLY", "AD_HOC"];

// ---------------------------------------------------------------------------------------
// Configuration and entry points
// ---------------------------------------------------------------------------------------

/// How a sandbox behaves.
#[derive(Clone)]
pub struct SandboxConfig {
    /// The bearer token clients must present. Never logged nor echoed.
    pub token: String,
    /// Time a job spends in each of `PENDING`, `INITIALIZING` and `RUNNING`.
    pub step: Duration,
    /// Most jobs one org may have in an active state; one more gets 429 (m3ter: 10).
    pub max_running: usize,
}

impl SandboxConfig {
    /// A configuration with m3ter's limit of 10 active jobs and a 2 s step.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            token: token.into(),
            step: Duration::from_secs(2),
            max_running: 10,
        }
    }
}

// Hand-written so that `{:?}` never prints the token.
impl fmt::Debug for SandboxConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("token", &"<redacted>")
            .field("step", &self.step)
            .field("max_running", &self.max_running)
            .finish()
    }
}

/// Builds the sandbox's router, with its routes at the root
/// (`/organizations/{orgId}/billjobs...`) and fresh, empty state.
pub fn router(config: SandboxConfig) -> Router {
    let sandbox = Arc::new(Sandbox::new(config));
    Router::new()
        .route(
            "/organizations/{orgId}/billjobs",
            get(list_bill_jobs).post(create_bill_job),
        )
        .route(
            "/organizations/{orgId}/billjobs/recalculate",
            post(recalculate_bill_job),
        )
        .route("/organizations/{orgId}/billjobs/{id}", get(get_bill_job))
        .route(
            "/organizations/{orgId}/billjobs/{id}/cancel",
            post(cancel_bill_job),
        )
        // Must come after the routes: it only applies to routes already added.
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(no_such_route)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Outermost, so it guards and logs everything, the fallbacks included.
        .layer(middleware::from_fn_with_state(sandbox.clone(), gatekeeper))
        .with_state(sandbox)
}

/// Binds `addr` (port 0 picks a free port), serves the sandbox in a background task and
/// returns the bound address with the task's handle. Aborting the handle stops serving.
pub async fn spawn(
    config: SandboxConfig,
    addr: SocketAddr,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = router(config);
    let handle = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "billjob sandbox stopped serving");
        }
    });
    tracing::info!(addr = %bound, "billjob sandbox listening");
    Ok((bound, handle))
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// An error answer: `status` with the body `{"message": message}`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    fn not_found(id: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, format!("BillJob {id} not found"))
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    message: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            message: &self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("request body is larger than {MAX_BODY_BYTES} bytes"),
            )
        } else {
            Self::bad_request("could not read the request body")
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        Self::bad_request("invalid path parameter: it must be valid percent-encoded UTF-8")
    }
}

impl From<QueryRejection> for ApiError {
    fn from(_: QueryRejection) -> Self {
        Self::bad_request("invalid query string")
    }
}

// ---------------------------------------------------------------------------------------
// Middleware and fallbacks
// ---------------------------------------------------------------------------------------

/// Checks the bearer token before anything else runs, and logs one line per request
/// (method, path, status, duration: never headers, so never the token).
async fn gatekeeper(State(sandbox): State<Arc<Sandbox>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = if sandbox.is_authorized(request.headers()) {
        next.run(request).await
    } else {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden: a valid 'Authorization: Bearer <token>' header is required",
        )
        .into_response()
    };
    tracing::info!(
        %method,
        %path,
        status = response.status().as_u16(),
        elapsed_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "billjob sandbox request"
    );
    response
}

async fn no_such_route(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no such endpoint: {method} {}", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("method {method} is not allowed on {}", uri.path()),
    )
}

// ---------------------------------------------------------------------------------------
// Handlers
// ---------------------------------------------------------------------------------------

async fn create_bill_job(
    State(sandbox): State<Arc<Sandbox>>,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<BillJobView>, ApiError> {
    let Path(org) = path?;
    let fields = parse_body(&body?)?;
    let spec = validate_create(&fields)?;
    let total = spec.account_ids.as_ref().map_or(1, Vec::len);
    sandbox.insert(&org, JobType::Create, spec, total).map(Json)
}

async fn recalculate_bill_job(
    State(sandbox): State<Arc<Sandbox>>,
    path: Result<Path<String>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<BillJobView>, ApiError> {
    let Path(org) = path?;
    let fields = parse_body(&body?)?;
    let spec = validate_recalculate(&fields)?;
    let total = spec.bill_ids.as_ref().map_or(0, Vec::len);
    sandbox
        .insert(&org, JobType::Recalculate, spec, total)
        .map(Json)
}

async fn get_bill_job(
    State(sandbox): State<Arc<Sandbox>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<BillJobView>, ApiError> {
    let Path((org, id)) = path?;
    sandbox.retrieve(&org, &id).map(Json)
}

/// Cancel takes no body; whatever the client sends (the Python SDK sends
/// `Content-Type: application/json` with nothing) is not read.
async fn cancel_bill_job(
    State(sandbox): State<Arc<Sandbox>>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<BillJobView>, ApiError> {
    let Path((org, id)) = path?;
    sandbox.cancel(&org, &id).map(Json)
}

async fn list_bill_jobs(
    State(sandbox): State<Arc<Sandbox>>,
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Json<PageView>, ApiError> {
    let Path(org) = path?;
    let Query(pairs) = query?;
    let params = ListParams::parse(&org, &pairs)?;
    Ok(Json(sandbox.list(&org, &params)))
}

// ---------------------------------------------------------------------------------------
// The lifecycle model
// ---------------------------------------------------------------------------------------

/// `BillJobStatus` in m3ter's OpenAPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Status {
    Pending,
    Initializing,
    Running,
    Complete,
    Cancelled,
}

impl Status {
    const ALL: [Status; 5] = [
        Status::Pending,
        Status::Initializing,
        Status::Running,
        Status::Complete,
        Status::Cancelled,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "PENDING",
            Status::Initializing => "INITIALIZING",
            Status::Running => "RUNNING",
            Status::Complete => "COMPLETE",
            Status::Cancelled => "CANCELLED",
        }
    }

    /// Case-insensitive, like the `active` filter.
    fn parse(text: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(text))
    }

    /// Active states count towards the concurrency limit and may be cancelled.
    fn is_active(self) -> bool {
        matches!(
            self,
            Status::Pending | Status::Initializing | Status::Running
        )
    }
}

/// `BillJobType` in m3ter's OpenAPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum JobType {
    Create,
    Recalculate,
}

/// Phases a job walks through when nobody cancels it, in order.
const PHASES: [Status; 4] = [
    Status::Pending,
    Status::Initializing,
    Status::Running,
    Status::Complete,
];

/// The index into [`PHASES`] of a job of this age.
fn phase_at(step: Duration, age: Duration) -> usize {
    if step.is_zero() {
        return PHASES.len() - 1;
    }
    let steps = age.as_nanos() / step.as_nanos();
    usize::try_from(steps).map_or(PHASES.len() - 1, |n| n.min(PHASES.len() - 1))
}

/// `pending` in a given phase: everything until work starts, half while running.
fn pending_in(phase: usize, total: usize) -> usize {
    match PHASES.get(phase) {
        Some(Status::Running) => total - total / 2,
        Some(Status::Complete) => 0,
        _ => total,
    }
}

/// What a job looks like at one moment of its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Snapshot {
    status: Status,
    version: u64,
    /// Age of the job at its last modification (its `dtLastModified`).
    modified_at_age: Duration,
    pending: usize,
}

/// The whole lifecycle as a pure function of the job's age, so that every read,
/// whatever its timing, agrees with every other. `cancelled_at_age` is the age at which
/// the job was cancelled, if it was.
fn lifecycle(
    step: Duration,
    total: usize,
    age: Duration,
    cancelled_at_age: Option<Duration>,
) -> Snapshot {
    match cancelled_at_age {
        Some(at) => {
            let phase = phase_at(step, at);
            Snapshot {
                status: Status::Cancelled,
                version: phase as u64 + 2,
                modified_at_age: at,
                pending: pending_in(phase, total),
            }
        }
        None => {
            let phase = phase_at(step, age);
            Snapshot {
                status: PHASES[phase],
                version: phase as u64 + 1,
                // `phase` is at most 3, so the cast cannot truncate.
                modified_at_age: step.saturating_mul(phase as u32),
                pending: pending_in(phase, total),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------

/// The request fields a job echoes back; `None` fields are left out of responses.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct JobSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    account_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bill_ids: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bill_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bill_frequency_interval: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    billing_frequency: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    currency_conversions: Option<Vec<CurrencyConversion>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    day_epoch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_invoice_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_date_in_billing_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    month_epoch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    week_epoch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year_epoch: Option<String>,
}

/// `CurrencyConversion` in m3ter's OpenAPI.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct CurrencyConversion {
    from: String,
    to: String,
    /// Kept as the client's JSON number so that it is echoed exactly.
    #[serde(skip_serializing_if = "Option::is_none")]
    multiplier: Option<Number>,
}

/// One stored job. Its status is never stored: see [`lifecycle`].
struct Job {
    /// Creation order across the whole sandbox; the list cursor is built from it.
    seq: u64,
    id: String,
    kind: JobType,
    spec: JobSpec,
    total: usize,
    created_at: Instant,
    /// Wall-clock creation time since the Unix epoch, truncated to milliseconds.
    created_wall: Duration,
    cancelled_at_age: Option<Duration>,
}

impl Job {
    fn snapshot(&self, step: Duration, now: Instant) -> Snapshot {
        let age = now.saturating_duration_since(self.created_at);
        lifecycle(step, self.total, age, self.cancelled_at_age)
    }

    fn view(&self, step: Duration, now: Instant) -> BillJobView {
        let snapshot = self.snapshot(step, now);
        BillJobView {
            id: self.id.clone(),
            version: snapshot.version,
            spec: self.spec.clone(),
            status: snapshot.status,
            kind: self.kind,
            total: self.total,
            pending: snapshot.pending,
            dt_created: format_rfc3339(self.created_wall),
            dt_last_modified: format_rfc3339(
                self.created_wall.saturating_add(snapshot.modified_at_age),
            ),
            created_by: SANDBOX_USER_ID,
            last_modified_by: SANDBOX_USER_ID,
        }
    }
}

/// A `BillJobResponse` as sent on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct BillJobView {
    id: String,
    version: u64,
    #[serde(flatten)]
    spec: JobSpec,
    status: Status,
    #[serde(rename = "type")]
    kind: JobType,
    total: usize,
    pending: usize,
    dt_created: String,
    dt_last_modified: String,
    created_by: &'static str,
    last_modified_by: &'static str,
}

/// A `PaginatedBillJobResponseData` as sent on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PageView {
    data: Vec<BillJobView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// One org's jobs, oldest first (so `seq` and `created_at` ascend along the vector).
#[derive(Default)]
struct OrgJobs {
    jobs: Vec<Job>,
    by_id: HashMap<String, usize>,
}

#[derive(Default)]
struct Store {
    next_seq: u64,
    orgs: HashMap<String, OrgJobs>,
}

/// Shared state behind the router.
struct Sandbox {
    token: Vec<u8>,
    step: Duration,
    max_running: usize,
    ids: IdGenerator,
    store: Mutex<Store>,
}

impl Sandbox {
    fn new(config: SandboxConfig) -> Self {
        Self {
            token: config.token.into_bytes(),
            step: config.step,
            max_running: config.max_running,
            ids: IdGenerator::new(),
            store: Mutex::new(Store::default()),
        }
    }

    /// The lock is never held across an await, and nothing inside it panics on input;
    /// should it be poisoned anyway, the data is still consistent enough for a sandbox.
    fn store(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn is_authorized(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return false;
        };
        let Ok(value) = value.to_str() else {
            return false;
        };
        let Some((scheme, credentials)) = value.trim().split_once(' ') else {
            return false;
        };
        scheme.eq_ignore_ascii_case("bearer")
            && !self.token.is_empty()
            && constant_time_eq(credentials.trim().as_bytes(), &self.token)
    }

    fn insert(
        &self,
        org: &str,
        kind: JobType,
        spec: JobSpec,
        total: usize,
    ) -> Result<BillJobView, ApiError> {
        let mut store = self.store();
        let now = Instant::now();
        let active = store
            .orgs
            .get(org)
            .map_or(0, |jobs| self.count_active(jobs, now));
        if active >= self.max_running {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many BillJobs running: at most {} may be active at once; \
                     retry when one of them has completed",
                    self.max_running
                ),
            ));
        }
        let seq = store.next_seq;
        store.next_seq += 1;
        let jobs = store.orgs.entry(org.to_owned()).or_default();
        let mut id = self.ids.next_uuid();
        // A clash is astronomically unlikely, but cheap to rule out.
        while jobs.by_id.contains_key(&id) {
            id = self.ids.next_uuid();
        }
        let job = Job {
            seq,
            id: id.clone(),
            kind,
            spec,
            total,
            created_at: now,
            created_wall: wall_clock_millis(),
            cancelled_at_age: None,
        };
        let view = job.view(self.step, now);
        jobs.by_id.insert(id, jobs.jobs.len());
        jobs.jobs.push(job);
        tracing::debug!(org, id = %view.id, kind = ?kind, "billjob created");
        Ok(view)
    }

    /// Active jobs of one org. Jobs are stored oldest first and none is active once
    /// three steps old, so the scan walks back from the newest and stops there.
    fn count_active(&self, jobs: &OrgJobs, now: Instant) -> usize {
        let horizon = self.step.saturating_mul(3);
        jobs.jobs
            .iter()
            .rev()
            .take_while(|job| now.saturating_duration_since(job.created_at) < horizon)
            .filter(|job| job.snapshot(self.step, now).status.is_active())
            .count()
    }

    fn retrieve(&self, org: &str, id: &str) -> Result<BillJobView, ApiError> {
        let store = self.store();
        let now = Instant::now();
        store
            .orgs
            .get(org)
            .and_then(|jobs| jobs.by_id.get(id).and_then(|&index| jobs.jobs.get(index)))
            .map(|job| job.view(self.step, now))
            .ok_or_else(|| ApiError::not_found(id))
    }

    fn cancel(&self, org: &str, id: &str) -> Result<BillJobView, ApiError> {
        let mut store = self.store();
        let now = Instant::now();
        let job = store
            .orgs
            .get_mut(org)
            .and_then(|jobs| {
                let index = *jobs.by_id.get(id)?;
                jobs.jobs.get_mut(index)
            })
            .ok_or_else(|| ApiError::not_found(id))?;
        let status = job.snapshot(self.step, now).status;
        if !status.is_active() {
            return Err(ApiError::bad_request(format!(
                "BillJob {id} cannot be cancelled: it is {}",
                status.as_str()
            )));
        }
        job.cancelled_at_age = Some(now.saturating_duration_since(job.created_at));
        tracing::debug!(org, id, from = status.as_str(), "billjob cancelled");
        Ok(job.view(self.step, now))
    }

    fn list(&self, org: &str, params: &ListParams) -> PageView {
        let store = self.store();
        let now = Instant::now();
        let Some(jobs) = store.orgs.get(org) else {
            return PageView {
                data: Vec::new(),
                next_token: None,
            };
        };
        // Only jobs strictly older than the cursor; `seq` ascends along the vector.
        let end = params.before_seq.map_or(jobs.jobs.len(), |seq| {
            jobs.jobs.partition_point(|job| job.seq < seq)
        });
        let mut matching = jobs.jobs[..end]
            .iter()
            .rev()
            .filter(|job| params.accepts(job.snapshot(self.step, now).status));
        let page: Vec<&Job> = matching.by_ref().take(params.page_size).collect();
        let next_token = match (matching.next(), page.last()) {
            (Some(_), Some(last)) => Some(encode_cursor(org, last.seq)),
            _ => None,
        };
        PageView {
            data: page.iter().map(|job| job.view(self.step, now)).collect(),
            next_token,
        }
    }
}

// ---------------------------------------------------------------------------------------
// List parameters and the cursor
// ---------------------------------------------------------------------------------------

struct ListParams {
    page_size: usize,
    before_seq: Option<u64>,
    active_only: bool,
    status: Option<Status>,
}

impl ListParams {
    fn parse(org: &str, pairs: &[(String, String)]) -> Result<Self, ApiError> {
        // Last value wins; an empty value counts as absent.
        let param = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
                .filter(|value| !value.is_empty())
        };
        let page_size = match param("pageSize") {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => text
                .parse::<usize>()
                .ok()
                .filter(|size| (1..=MAX_PAGE_SIZE).contains(size))
                .ok_or_else(|| {
                    ApiError::bad_request(format!(
                        "pageSize must be an integer between 1 and {MAX_PAGE_SIZE}"
                    ))
                })?,
        };
        let before_seq = param("nextToken")
            .map(|token| {
                decode_cursor(org, token)
                    .ok_or_else(|| ApiError::bad_request("nextToken is invalid or expired"))
            })
            .transpose()?;
        let active_only = match param("active") {
            None => false,
            Some(text) if text.eq_ignore_ascii_case("true") => true,
            Some(text) if text.eq_ignore_ascii_case("false") => false,
            Some(_) => return Err(ApiError::bad_request("active must be TRUE or FALSE")),
        };
        let status = param("status")
            .map(|text| {
                Status::parse(text).ok_or_else(|| {
                    ApiError::bad_request(
                        "status must be one of PENDING, INITIALIZING, RUNNING, COMPLETE, CANCELLED",
                    )
                })
            })
            .transpose()?;
        Ok(Self {
            page_size,
            before_seq,
            active_only,
            status,
        })
    }

    fn accepts(&self, status: Status) -> bool {
        (!self.active_only || status.is_active()) && self.status.is_none_or(|want| want == status)
    }
}

/// Cursor bytes: the sequence number, then a checksum binding it to the org, both
/// big-endian u64, in unpadded base64url (URL-safe, so it survives any query encoding).
fn encode_cursor(org: &str, seq: u64) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&seq.to_be_bytes());
    bytes[8..].copy_from_slice(&cursor_checksum(org, seq).to_be_bytes());
    base64url_encode(&bytes)
}

fn decode_cursor(org: &str, token: &str) -> Option<u64> {
    let bytes: [u8; 16] = base64url_decode(token)?.try_into().ok()?;
    let (seq, check) = bytes.split_at(8);
    let seq = u64::from_be_bytes(seq.try_into().ok()?);
    let check = u64::from_be_bytes(check.try_into().ok()?);
    (check == cursor_checksum(org, seq)).then_some(seq)
}

/// FNV-1a over a domain tag, the org and the sequence number. It only has to catch
/// mangled or foreign tokens, not resist forgery: a forged cursor just pages from
/// another point of the same org's jobs.
fn cursor_checksum(org: &str, seq: u64) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    b"m3ter-sandbox-billjob-cursor\0"
        .iter()
        .chain(org.as_bytes())
        .chain(&[0])
        .chain(&seq.to_be_bytes())
        .fold(OFFSET, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(PRIME)
        })
}

// ---------------------------------------------------------------------------------------
// Request validation
// ---------------------------------------------------------------------------------------

/// Parses a request body as a JSON object; an empty body means `{}`, because SDKs may
/// send `Content-Length: 0`.
fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(ApiError::bad_request("request body must be a JSON object")),
        Err(error) => Err(ApiError::bad_request(format!(
            "request body is not valid JSON: {error}"
        ))),
    }
}

fn validate_create(fields: &Map<String, Value>) -> Result<JobSpec, ApiError> {
    // `version` is "not valid for create" per m3ter, but the SDKs send it: check its
    // type, then ignore it.
    optional_integer(fields, "version", i64::MIN, i64::MAX)?;
    Ok(JobSpec {
        account_ids: optional_id_list(fields, "accountIds")?,
        bill_ids: None,
        bill_date: optional_date(fields, "billDate")?,
        bill_frequency_interval: optional_integer(
            fields,
            "billFrequencyInterval",
            i32::MIN.into(),
            i32::MAX.into(),
        )?,
        billing_frequency: optional_billing_frequency(fields)?,
        currency_conversions: optional_currency_conversions(fields)?,
        day_epoch: optional_date(fields, "dayEpoch")?,
        due_date: optional_date(fields, "dueDate")?,
        external_invoice_date: optional_date(fields, "externalInvoiceDate")?,
        last_date_in_billing_period: optional_date(fields, "lastDateInBillingPeriod")?,
        month_epoch: optional_date(fields, "monthEpoch")?,
        target_currency: optional_target_currency(fields)?,
        timezone: Some(optional_timezone(fields)?.unwrap_or_else(|| "UTC".to_owned())),
        week_epoch: optional_date(fields, "weekEpoch")?,
        year_epoch: optional_date(fields, "yearEpoch")?,
    })
}

fn validate_recalculate(fields: &Map<String, Value>) -> Result<JobSpec, ApiError> {
    let bill_ids = optional_id_list(fields, "billIds")?
        .ok_or_else(|| ApiError::bad_request("billIds is required"))?;
    optional_integer(fields, "version", i64::MIN, i64::MAX)?;
    Ok(JobSpec {
        bill_ids: Some(bill_ids),
        ..JobSpec::default()
    })
}

/// A field's value; `null` counts as absent, as it does for m3ter's SDKs.
fn field<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields.get(name).filter(|value| !value.is_null())
}

fn optional_string(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    match field(fields, name) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(ApiError::bad_request(format!("{name} must be a string"))),
    }
}

/// `accountIds` / `billIds`: 1–100 strings.
fn optional_id_list(
    fields: &Map<String, Value>,
    name: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    let Some(value) = field(fields, name) else {
        return Ok(None);
    };
    let Value::Array(items) = value else {
        return Err(ApiError::bad_request(format!(
            "{name} must be an array of strings"
        )));
    };
    if !(ID_LIST_MIN..=ID_LIST_MAX).contains(&items.len()) {
        return Err(ApiError::bad_request(format!(
            "{name} must contain between {ID_LIST_MIN} and {ID_LIST_MAX} items"
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| match item {
            Value::String(text) => Ok(text.clone()),
            _ => Err(ApiError::bad_request(format!(
                "{name}[{index}] must be a string"
            ))),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn optional_integer(
    fields: &Map<String, Value>,
    name: &str,
    min: i64,
    max: i64,
) -> Result<Option<i64>, ApiError> {
    let Some(value) = field(fields, name) else {
        return Ok(None);
    };
    value
        .as_i64()
        .filter(|number| (min..=max).contains(number))
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(format!("{name} must be an integer between {min} and {max}"))
        })
}

fn optional_date(fields: &Map<String, Value>, name: &str) -> Result<Option<String>, ApiError> {
    let date = optional_string(fields, name)?;
    match date {
        Some(text) if !is_calendar_date(&text) => Err(ApiError::bad_request(format!(
            "{name} must be a calendar date in YYYY-MM-DD format"
        ))),
        other => Ok(other),
    }
}

fn optional_billing_frequency(
    fields: &Map<String, Value>,
) -> Result<Option<&'static str>, ApiError> {
    let Some(text) = optional_string(fields, "billingFrequency")? else {
        return Ok(None);
    };
    BILLING_FREQUENCIES
        .into_iter()
        .find(|known| *known == text)
        .map(Some)
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "billingFrequency must be one of {}",
                BILLING_FREQUENCIES.join(", ")
            ))
        })
}

fn optional_target_currency(fields: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    match optional_string(fields, "targetCurrency")? {
        // OpenAPI lengths count characters, not bytes.
        Some(code) if code.chars().count() != 3 => Err(ApiError::bad_request(
            "targetCurrency must be exactly 3 characters long",
        )),
        other => Ok(other),
    }
}

fn optional_timezone(fields: &Map<String, Value>) -> Result<Option<String>, ApiError> {
    match optional_string(fields, "timezone")? {
        Some(zone) if zone.is_empty() => Err(ApiError::bad_request("timezone must not be empty")),
        other => Ok(other),
    }
}

fn optional_currency_conversions(
    fields: &Map<String, Value>,
) -> Result<Option<Vec<CurrencyConversion>>, ApiError> {
    const NAME: &str = "currencyConversions";
    let Some(value) = field(fields, NAME) else {
        return Ok(None);
    };
    let Value::Array(items) = value else {
        return Err(ApiError::bad_request(format!(
            "{NAME} must be an array of objects"
        )));
    };
    if items.len() > MAX_CURRENCY_CONVERSIONS {
        return Err(ApiError::bad_request(format!(
            "{NAME} must contain at most {MAX_CURRENCY_CONVERSIONS} items"
        )));
    }
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let Value::Object(conversion) = item else {
                return Err(ApiError::bad_request(format!(
                    "{NAME}[{index}] must be an object"
                )));
            };
            let currency = |key: &str| match field(conversion, key) {
                Some(Value::String(code)) if !code.is_empty() => Ok(code.clone()),
                None => Err(ApiError::bad_request(format!(
                    "{NAME}[{index}].{key} is required"
                ))),
                Some(_) => Err(ApiError::bad_request(format!(
                    "{NAME}[{index}].{key} must be a non-empty string"
                ))),
            };
            let from = currency("from")?;
            let to = currency("to")?;
            let multiplier = match field(conversion, "multiplier") {
                None => None,
                Some(Value::Number(number))
                    if number.as_f64().is_some_and(|m| m.is_finite() && m > 0.0) =>
                {
                    Some(number.clone())
                }
                Some(_) => {
                    return Err(ApiError::bad_request(format!(
                        "{NAME}[{index}].multiplier must be a number greater than 0"
                    )));
                }
            };
            Ok(CurrencyConversion {
                from,
                to,
                multiplier,
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

// ---------------------------------------------------------------------------------------
// Small utilities: dates, ids, base64, constant-time comparison
// ---------------------------------------------------------------------------------------

fn is_leap_year(year: u32) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// `YYYY-MM-DD` naming a day that exists in the proleptic Gregorian calendar.
fn is_calendar_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        part.iter().all(u8::is_ascii_digit).then(|| {
            part.iter()
                .fold(0, |number, digit| number * 10 + u32::from(digit - b'0'))
        })
    };
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(year), Some(month), Some(day)) => day >= 1 && day <= days_in_month(year, month),
        _ => false,
    }
}

/// The civil (proleptic Gregorian) date of a day counted from 1970-01-01, after
/// Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    // Both values are small and positive, so the casts cannot truncate.
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// RFC 3339 UTC with milliseconds, e.g. `2024-02-01T09:30:00.000Z`.
fn format_rfc3339(since_epoch: Duration) -> String {
    let seconds = since_epoch.as_secs();
    // Fewer than 2^48 days fit in a u64 of seconds, so this never saturates.
    let days = i64::try_from(seconds / 86_400).unwrap_or(i64::MAX / 2);
    let (year, month, day) = civil_from_days(days);
    let of_day = seconds % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        of_day / 3_600,
        of_day % 3_600 / 60,
        of_day % 60,
        since_epoch.subsec_millis()
    )
}

/// Now, since the Unix epoch, truncated to whole milliseconds so that `dtCreated` plus
/// whole-millisecond steps gives exactly the `dtLastModified` values shown.
fn wall_clock_millis() -> Duration {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    Duration::from_millis(u64::try_from(now.as_millis()).unwrap_or(u64::MAX))
}

/// Version-4-shaped UUIDs from a randomly keyed SipHash of a counter and the clock:
/// unique within the process and unpredictable enough for a sandbox, with no crate.
struct IdGenerator {
    keys: RandomState,
    counter: AtomicU64,
}

impl IdGenerator {
    fn new() -> Self {
        Self {
            keys: RandomState::new(),
            counter: AtomicU64::new(0),
        }
    }

    fn next_uuid(&self) -> String {
        let count = self.counter.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.keys.hash_one((count, nanos, 0u8)).to_be_bytes());
        bytes[8..].copy_from_slice(&self.keys.hash_one((count, nanos, 1u8)).to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
        bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
        let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded base64url.
fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        // A chunk of k bytes yields k + 1 characters.
        for i in 0..=chunk.len() {
            out.push(char::from(BASE64URL[(n >> (18 - 6 * i) & 0x3f) as usize]));
        }
    }
    out
}

/// Strict unpadded base64url: no padding, no stray characters, no non-zero spare bits.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let sextet = |c: u8| BASE64URL.iter().position(|&known| known == c);
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= (sextet(c)? as u32) << (18 - 6 * i);
        }
        let produced = chunk.len() - 1;
        let spare_bits = n & (0x00ff_ffff >> (8 * produced));
        if spare_bits != 0 {
            return None;
        }
        out.extend(n.to_be_bytes()[1..=produced].iter());
    }
    Some(out)
}

/// Compares without stopping at the first difference, so the time taken does not
/// reveal how much of a guessed token was right.
fn constant_time_eq(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = u8::from(given.len() != expected.len());
    for index in 0..given.len().max(expected.len()) {
        let a = given.get(index).copied().unwrap_or(0);
        let b = expected.get(index).copied().unwrap_or(0);
        difference |= a ^ b;
    }
    std::hint::black_box(difference) == 0
}

#[cfg(test)]
mod tests {
    //! Every HTTP test spawns a real server on 127.0.0.1:0 and talks to it with the tiny
    //! HTTP/1.1 client below, so routing, middleware and serialisation are all covered.

    use super::*;
    use serde_json::json;
    use std::collections::HashSet;
    use std::io::ErrorKind;
    use tokio::net::TcpStream;

    const TOKEN: &str = "sandbox-test-token-3f9a";

    // -----------------------------------------------------------------------------------
    // A tiny HTTP/1.1 client
    // -----------------------------------------------------------------------------------

    struct Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Reply {
        fn json(&self) -> Value {
            serde_json::from_slice(&self.body).unwrap_or_else(|error| {
                panic!(
                    "status {}: body is not JSON ({error}): {:?}",
                    self.status,
                    String::from_utf8_lossy(&self.body)
                )
            })
        }

        fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_str())
        }
    }

    /// Sends one request on a fresh connection (`Connection: close`) and reads the reply.
    async fn exchange(addr: SocketAddr, request: &[u8]) -> Reply {
        let talk = async {
            let stream = TcpStream::connect(addr).await.expect("connect to sandbox");
            // The server may answer without reading everything; what it says still counts.
            let _ = write_all(&stream, request).await;
            let mut raw = Vec::new();
            let _ = read_to_end(&stream, &mut raw).await;
            raw
        };
        let raw = tokio::time::timeout(Duration::from_secs(20), talk)
            .await
            .expect("sandbox answered in time");
        parse_reply(&raw)
    }

    // tokio's `io-util` feature is not enabled, so the stream is driven by hand.
    async fn write_all(stream: &TcpStream, mut data: &[u8]) -> std::io::Result<()> {
        while !data.is_empty() {
            stream.writable().await?;
            match stream.try_write(data) {
                Ok(written) => data = &data[written..],
                Err(error) if error.kind() == ErrorKind::WouldBlock => {}
                Err(error) => return Err(error),
            }
        }
        Ok(())
    }

    async fn read_to_end(stream: &TcpStream, out: &mut Vec<u8>) -> std::io::Result<()> {
        let mut buffer = [0u8; 16 * 1024];
        loop {
            stream.readable().await?;
            match stream.try_read(&mut buffer) {
                Ok(0) => return Ok(()),
                Ok(read) => out.extend_from_slice(&buffer[..read]),
                Err(error) if error.kind() == ErrorKind::WouldBlock => {}
                Err(error) => return Err(error),
            }
        }
    }

    fn parse_reply(raw: &[u8]) -> Reply {
        let split = raw
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().expect("status line");
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        let chunked = headers.iter().any(|(key, value)| {
            key.eq_ignore_ascii_case("transfer-encoding") && value.contains("chunked")
        });
        if chunked {
            body = dechunk(&body);
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    fn dechunk(mut rest: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let line_end = rest
                .windows(2)
                .position(|window| window == b"\r\n")
                .expect("chunk size line");
            let size_text = String::from_utf8_lossy(&rest[..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .expect("chunk size");
            rest = &rest[line_end + 2..];
            if size == 0 {
                return out;
            }
            out.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
    }

    fn build_request(
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
    ) -> Vec<u8> {
        let mut request =
            format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            request.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body.unwrap_or_default());
        bytes
    }

    /// A client that presents the right token and speaks JSON.
    #[derive(Clone, Copy)]
    struct Client {
        addr: SocketAddr,
    }

    impl Client {
        async fn send(&self, method: &str, target: &str, body: Option<&[u8]>) -> Reply {
            let auth = format!("Bearer {TOKEN}");
            let mut headers = vec![("Authorization", auth.as_str())];
            if body.is_some() {
                headers.push(("Content-Type", "application/json"));
            }
            exchange(self.addr, &build_request(method, target, &headers, body)).await
        }

        async fn get(&self, target: &str) -> (u16, Value) {
            let reply = self.send("GET", target, None).await;
            (reply.status, reply.json())
        }

        async fn post(&self, target: &str, body: &Value) -> (u16, Value) {
            let bytes = serde_json::to_vec(body).expect("serialise");
            let reply = self.send("POST", target, Some(&bytes)).await;
            (reply.status, reply.json())
        }

        async fn post_raw(&self, target: &str, body: &[u8]) -> (u16, Value) {
            let reply = self.send("POST", target, Some(body)).await;
            (reply.status, reply.json())
        }

        /// Creates a job and returns it, failing the test on anything but 200.
        async fn create(&self, org: &str, body: Value) -> Value {
            let (status, job) = self
                .post(&format!("/organizations/{org}/billjobs"), &body)
                .await;
            assert_eq!(status, 200, "create failed: {job}");
            job
        }

        async fn cancel(&self, org: &str, id: &str) -> (u16, Value) {
            let reply = self
                .send(
                    "POST",
                    &format!("/organizations/{org}/billjobs/{id}/cancel"),
                    Some(b""),
                )
                .await;
            (reply.status, reply.json())
        }

        async fn list(&self, org: &str, query: &str) -> (u16, Value) {
            self.get(&format!("/organizations/{org}/billjobs?{query}"))
                .await
        }
    }

    async fn start(step: Duration, max_running: usize) -> Client {
        let config = SandboxConfig {
            step,
            max_running,
            ..SandboxConfig::new(TOKEN)
        };
        let (addr, _handle) = spawn(config, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("spawn sandbox");
        Client { addr }
    }

    fn message(body: &Value) -> &str {
        body["message"]
            .as_str()
            .unwrap_or_else(|| panic!("no message in {body}"))
    }

    fn id_of(job: &Value) -> String {
        job["id"].as_str().expect("id").to_owned()
    }

    fn ids_of(page: &Value) -> Vec<String> {
        page["data"]
            .as_array()
            .expect("data array")
            .iter()
            .map(id_of)
            .collect()
    }

    fn contains_null(value: &Value) -> bool {
        match value {
            Value::Null => true,
            Value::Array(items) => items.iter().any(contains_null),
            Value::Object(fields) => fields.values().any(contains_null),
            _ => false,
        }
    }

    fn is_uuid_shaped(text: &str) -> bool {
        let groups: Vec<&str> = text.split('-').collect();
        groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
            && groups.iter().all(|group| {
                group
                    .bytes()
                    .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
            })
    }

    fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
        let year = if month <= 2 { year - 1 } else { year };
        let era = year.div_euclid(400);
        let year_of_era = year.rem_euclid(400);
        let shifted = (month + 9) % 12;
        let day_of_year = (153 * shifted + 2) / 5 + day - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// Milliseconds since the epoch of `YYYY-MM-DDTHH:MM:SS.mmmZ`, the sandbox's format.
    fn parse_timestamp(text: &str) -> i64 {
        assert_eq!(text.len(), 24, "unexpected timestamp shape {text:?}");
        assert!(text.ends_with('Z'), "timestamp {text:?} is not UTC");
        let number = |range: std::ops::Range<usize>| -> i64 {
            text[range]
                .parse()
                .unwrap_or_else(|_| panic!("bad timestamp {text:?}"))
        };
        let days = days_from_civil(number(0..4), number(5..7), number(8..10));
        ((days * 24 + number(11..13)) * 60 + number(14..16)) * 60_000
            + number(17..19) * 1_000
            + number(20..23)
    }

    fn is_rfc3339(text: &str) -> bool {
        let bytes = text.as_bytes();
        if bytes.len() < 20 || !is_calendar_date(&text[..10]) || !matches!(bytes[10], b'T' | b't') {
            return false;
        }
        let time = &bytes[11..19];
        let clock_ok = time[2] == b':'
            && time[5] == b':'
            && [0, 1, 3, 4, 6, 7].iter().all(|&i| time[i].is_ascii_digit());
        let mut rest = &text[19..];
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return false;
            }
            rest = &fraction[digits..];
        }
        clock_ok && (rest == "Z" || rest == "z")
    }

    /// The body the official SDK's `test_method_create_with_all_params` sends.
    fn all_params_body() -> Value {
        json!({
            "accountIds": ["string"],
            "billDate": "2019-12-27",
            "billFrequencyInterval": 0,
            "billingFrequency": "DAILY",
            "currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": 1.12}],
            "dayEpoch": "2019-12-27",
            "dueDate": "2019-12-27",
            "externalInvoiceDate": "2019-12-27",
            "lastDateInBillingPeriod": "2019-12-27",
            "monthEpoch": "2019-12-27",
            "targetCurrency": "xxx",
            "timezone": "UTC",
            "version": 0,
            "weekEpoch": "2019-12-27",
            "yearEpoch": "2019-12-27"
        })
    }

    const LONG: Duration = Duration::from_secs(3_600);

    // -----------------------------------------------------------------------------------
    // Auth, routing and bodies
    // -----------------------------------------------------------------------------------

    #[tokio::test]
    async fn auth_is_required_and_the_token_is_never_echoed() {
        let client = start(LONG, 10).await;
        let target = "/organizations/org-1/billjobs";
        let wrong = "Bearer not-the-token";
        let cases: [&[(&str, &str)]; 6] = [
            &[],
            &[("Authorization", wrong)],
            &[("Authorization", "Basic c2FuZGJveDp0ZXN0")],
            &[("Authorization", "Bearer")],
            &[("Authorization", "Bearer sandbox-test-token-3f9")],
            &[("Authorization", "Bearer sandbox-test-token-3f9ab")],
        ];
        for headers in cases {
            for (method, path) in [("GET", target), ("POST", target), ("GET", "/nowhere")] {
                let reply =
                    exchange(client.addr, &build_request(method, path, headers, None)).await;
                assert_eq!(reply.status, 403, "{method} {path} with {headers:?}");
                let body = reply.json();
                assert!(!message(&body).is_empty());
                let text = String::from_utf8_lossy(&reply.body);
                assert!(!text.contains("not-the-token") && !text.contains(TOKEN));
            }
        }
        // The scheme is case-insensitive, as in RFC 9110.
        let lower = format!("bearer {TOKEN}");
        let reply = exchange(
            client.addr,
            &build_request("GET", target, &[("Authorization", &lower)], None),
        )
        .await;
        assert_eq!(reply.status, 200);
        // An empty configured token lets nobody in.
        let closed = spawn(
            SandboxConfig::new(""),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        )
        .await
        .expect("spawn")
        .0;
        let reply = exchange(
            closed,
            &build_request("GET", target, &[("Authorization", "Bearer ")], None),
        )
        .await;
        assert_eq!(reply.status, 403);
        // Debug output redacts the token.
        assert!(!format!("{:?}", SandboxConfig::new(TOKEN)).contains(TOKEN));
    }

    #[tokio::test]
    async fn unknown_paths_and_methods_answer_json() {
        let client = start(LONG, 10).await;
        for (method, target, status) in [
            ("GET", "/", 404),
            ("GET", "/organizations/o/billjob", 404),
            ("GET", "/organizations/o/billjobs/x/y", 404),
            ("GET", "/organizations/o/billjobs/x/cancel", 405),
            ("DELETE", "/organizations/o/billjobs", 405),
            ("PUT", "/organizations/o/billjobs/x", 405),
            ("POST", "/organizations/o/billjobs/x", 405),
            ("GET", "/organizations/o/billjobs/recalculate", 405),
        ] {
            let reply = client.send(method, target, None).await;
            assert_eq!(reply.status, status, "{method} {target}");
            assert_eq!(
                reply.header("content-type"),
                Some("application/json"),
                "{method} {target}"
            );
            assert!(!message(&reply.json()).is_empty());
        }
    }

    #[tokio::test]
    async fn malformed_empty_and_oversized_bodies() {
        let client = start(LONG, 100).await;
        let create = "/organizations/o/billjobs";
        let recalculate = "/organizations/o/billjobs/recalculate";
        for body in [
            &b"{"[..],
            b"{\"accountIds\": [\"a\",]}",
            b"not json",
            b"\xff\xfe",
        ] {
            let (status, reply) = client.post_raw(create, body).await;
            assert_eq!(status, 400, "{:?}", String::from_utf8_lossy(body));
            assert!(message(&reply).contains("not valid JSON"));
        }
        for body in [&b"[]"[..], b"\"text\"", b"42", b"null"] {
            let (status, reply) = client.post_raw(create, body).await;
            assert_eq!(status, 400);
            assert_eq!(message(&reply), "request body must be a JSON object");
        }
        // An empty body (Content-Length: 0) and a blank one mean `{}`.
        for body in [&b""[..], b"  \r\n"] {
            let (status, job) = client.post_raw(create, body).await;
            assert_eq!(status, 200, "{job}");
            assert_eq!(job["type"], "CREATE");
        }
        let (status, reply) = client.post_raw(recalculate, b"").await;
        assert_eq!(status, 400);
        assert_eq!(message(&reply), "billIds is required");
        // A body of exactly 1 MiB is read; one byte more is refused with 413.
        let mut padded = br#"{"accountIds":["a"],"padding":""#.to_vec();
        padded.resize(MAX_BODY_BYTES - 2, b'x');
        padded.extend_from_slice(b"\"}");
        assert_eq!(padded.len(), MAX_BODY_BYTES);
        let (status, _) = client.post_raw(create, &padded).await;
        assert_eq!(status, 200);
        padded.insert(padded.len() - 2, b'x');
        let (status, reply) = client.post_raw(create, &padded).await;
        assert_eq!(status, 413);
        assert!(message(&reply).contains("larger than"));
    }

    // -----------------------------------------------------------------------------------
    // Create, recalculate, retrieve
    // -----------------------------------------------------------------------------------

    #[tokio::test]
    async fn create_echoes_the_request_and_leaves_nulls_out() {
        let client = start(LONG, 10).await;
        let request = all_params_body();
        let job = client.create("org-1", request.clone()).await;
        assert!(is_uuid_shaped(&id_of(&job)), "{job}");
        assert_eq!(job["version"], 1);
        assert_eq!(job["type"], "CREATE");
        assert_eq!(job["status"], "PENDING");
        assert_eq!(job["total"], 1);
        assert_eq!(job["pending"], 1);
        assert_eq!(job["createdBy"], SANDBOX_USER_ID);
        assert_eq!(job["lastModifiedBy"], SANDBOX_USER_ID);
        assert!(is_uuid_shaped(SANDBOX_USER_ID));
        let created = job["dtCreated"].as_str().expect("dtCreated");
        assert!(is_rfc3339(created) && created.ends_with('Z'), "{created}");
        assert_eq!(job["dtLastModified"], job["dtCreated"]);
        for (key, value) in request.as_object().expect("object") {
            if key != "version" {
                assert_eq!(&job[key], value, "{key} is not echoed");
            }
        }
        assert!(job.get("billIds").is_none());

        // `{}`: only the defaults and server-side fields appear, and no field is null.
        let bare = client.create("org-1", json!({})).await;
        let mut keys: Vec<&str> = bare
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "createdBy",
                "dtCreated",
                "dtLastModified",
                "id",
                "lastModifiedBy",
                "pending",
                "status",
                "timezone",
                "total",
                "type",
                "version"
            ]
        );
        assert_eq!(bare["timezone"], "UTC");
        assert_eq!(bare["total"], 1);
        assert_ne!(bare["id"], job["id"]);

        // Explicit nulls count as absent; unknown fields are ignored.
        let nulls = client
            .create(
                "org-1",
                json!({"accountIds": null, "billDate": null, "targetCurrency": null,
                       "currencyConversions": [{"from": "GBP", "to": "USD", "multiplier": null}],
                       "somethingNew": {"nested": true}, "timezone": "Europe/London"}),
            )
            .await;
        assert!(!contains_null(&nulls), "{nulls}");
        assert!(nulls.get("accountIds").is_none() && nulls.get("somethingNew").is_none());
        assert_eq!(
            nulls["currencyConversions"],
            json!([{"from": "GBP", "to": "USD"}])
        );
        assert_eq!(nulls["timezone"], "Europe/London");

        // `total` counts the accounts; a retrieve returns the same object.
        let accounts: Vec<String> = (0..7).map(|n| format!("account-{n}")).collect();
        let job = client
            .create("org-1", json!({"accountIds": accounts}))
            .await;
        assert_eq!(
            (job["total"].as_u64(), job["pending"].as_u64()),
            (Some(7), Some(7))
        );
        let (status, fetched) = client
            .get(&format!("/organizations/org-1/billjobs/{}", id_of(&job)))
            .await;
        assert_eq!(status, 200);
        assert_eq!(fetched, job);
    }

    #[tokio::test]
    async fn create_validates_every_field() {
        let client = start(LONG, 1_000).await;
        let too_many: Vec<String> = (0..101).map(|n| n.to_string()).collect();
        let conversions: Vec<Value> = (0..251).map(|_| json!({"from": "A", "to": "B"})).collect();
        let rejected: Vec<(Value, &str)> = vec![
            (
                json!({"accountIds": []}),
                "accountIds must contain between 1 and 100 items",
            ),
            (
                json!({"accountIds": too_many}),
                "accountIds must contain between 1 and 100 items",
            ),
            (
                json!({"accountIds": "a"}),
                "accountIds must be an array of strings",
            ),
            (
                json!({"accountIds": {"a": 1}}),
                "accountIds must be an array of strings",
            ),
            (
                json!({"accountIds": ["a", 7]}),
                "accountIds[1] must be a string",
            ),
            (
                json!({"targetCurrency": "US"}),
                "targetCurrency must be exactly 3 characters long",
            ),
            (
                json!({"targetCurrency": "USDX"}),
                "targetCurrency must be exactly 3 characters long",
            ),
            (
                json!({"targetCurrency": ""}),
                "targetCurrency must be exactly 3 characters long",
            ),
            (
                json!({"targetCurrency": 840}),
                "targetCurrency must be a string",
            ),
            (
                json!({"currencyConversions": conversions}),
                "currencyConversions must contain at most 250 items",
            ),
            (
                json!({"currencyConversions": {"from": "A"}}),
                "currencyConversions must be an array of objects",
            ),
            (
                json!({"currencyConversions": ["EUR"]}),
                "currencyConversions[0] must be an object",
            ),
            (
                json!({"currencyConversions": [{"to": "USD"}]}),
                "currencyConversions[0].from is required",
            ),
            (
                json!({"currencyConversions": [{"from": "A", "to": "B"}, {"from": "EUR"}]}),
                "currencyConversions[1].to is required",
            ),
            (
                json!({"currencyConversions": [{"from": "", "to": "USD"}]}),
                "currencyConversions[0].from must be a non-empty string",
            ),
            (
                json!({"currencyConversions": [{"from": "EUR", "to": 1}]}),
                "currencyConversions[0].to must be a non-empty string",
            ),
            (
                json!({"currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": 0}]}),
                "currencyConversions[0].multiplier must be a number greater than 0",
            ),
            (
                json!({"currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": -1.5}]}),
                "currencyConversions[0].multiplier must be a number greater than 0",
            ),
            (
                json!({"currencyConversions": [{"from": "EUR", "to": "USD", "multiplier": "1.1"}]}),
                "currencyConversions[0].multiplier must be a number greater than 0",
            ),
            (
                json!({"billingFrequency": "HOURLY"}),
                "billingFrequency must be one of DAILY, WEEKLY, MONTHLY, ANNUALLY, AD_HOC",
            ),
            (
                json!({"billingFrequency": "monthly"}),
                "billingFrequency must be one of",
            ),
            (
                json!({"billingFrequency": 1}),
                "billingFrequency must be a string",
            ),
            (
                json!({"billFrequencyInterval": 1.5}),
                "billFrequencyInterval must be an integer",
            ),
            (
                json!({"billFrequencyInterval": "3"}),
                "billFrequencyInterval must be an integer",
            ),
            (
                json!({"billFrequencyInterval": 2_147_483_648_i64}),
                "billFrequencyInterval must be an integer between -2147483648 and 2147483647",
            ),
            (json!({"timezone": 0}), "timezone must be a string"),
            (json!({"timezone": ""}), "timezone must not be empty"),
            (json!({"version": "1"}), "version must be an integer"),
            (json!({"version": 1.0}), "version must be an integer"),
            (
                json!({"version": 9_223_372_036_854_775_808_u64}),
                "version must be an integer",
            ),
        ];
        let date_fields = [
            "billDate",
            "dayEpoch",
            "dueDate",
            "externalInvoiceDate",
            "lastDateInBillingPeriod",
            "monthEpoch",
            "weekEpoch",
            "yearEpoch",
        ];
        let bad_dates = [
            json!("2024-02-30"),
            json!("2023-02-29"),
            json!("2024-13-01"),
            json!("2024-00-10"),
            json!("2024-04-31"),
            json!("2024-2-01"),
            json!("20240201"),
            json!("2024-02-01T00:00:00Z"),
            json!("2024/02/01"),
            json!("２０２４-02-01"),
            json!(20240201),
        ];
        let mut cases = rejected;
        for field in date_fields {
            for date in &bad_dates {
                cases.push((json!({ field: date }), field));
            }
        }
        for (body, expected) in &cases {
            let (status, reply) = client.post("/organizations/o/billjobs", body).await;
            assert_eq!(status, 400, "{body} was accepted: {reply}");
            assert!(
                message(&reply).starts_with(expected),
                "{body}: message {:?} does not start with {expected:?}",
                message(&reply)
            );
        }

        let accepted = [
            json!({"billDate": "2024-02-29", "dueDate": "2000-02-29", "yearEpoch": "1900-01-01"}),
            json!({"accountIds": (0..100).map(|n| n.to_string()).collect::<Vec<_>>()}),
            json!({"currencyConversions": (0..250).map(|_| json!({"from": "A", "to": "B", "multiplier": 1e-9})).collect::<Vec<_>>()}),
            json!({"currencyConversions": []}),
            json!({"targetCurrency": "€€€", "billingFrequency": "AD_HOC"}),
            json!({"billFrequencyInterval": -2_147_483_648_i64, "version": -1}),
        ];
        for body in accepted {
            let (status, reply) = client.post("/organizations/o/billjobs", &body).await;
            assert_eq!(status, 200, "{body} was refused: {reply}");
        }
    }

    #[tokio::test]
    async fn recalculate_validates_and_echoes_bill_ids() {
        let client = start(LONG, 100).await;
        let target = "/organizations/o/billjobs/recalculate";
        let too_many: Vec<String> = (0..101).map(|n| n.to_string()).collect();
        for (body, expected) in [
            (json!({}), "billIds is required"),
            (json!({"billIds": null}), "billIds is required"),
            (
                json!({"billIds": []}),
                "billIds must contain between 1 and 100 items",
            ),
            (
                json!({"billIds": too_many}),
                "billIds must contain between 1 and 100 items",
            ),
            (
                json!({"billIds": "bill-1"}),
                "billIds must be an array of strings",
            ),
            (json!({"billIds": [1]}), "billIds[0] must be a string"),
            (
                json!({"billIds": ["b"], "version": "2"}),
                "version must be an integer",
            ),
        ] {
            let (status, reply) = client.post(target, &body).await;
            assert_eq!(status, 400, "{body}");
            assert!(message(&reply).starts_with(expected), "{body}: {reply}");
        }
        let (status, job) = client
            .post(
                target,
                &json!({"billIds": ["bill-1", "bill-2"], "version": 1, "accountIds": ["ignored"]}),
            )
            .await;
        assert_eq!(status, 200, "{job}");
        assert_eq!(job["type"], "RECALCULATE");
        assert_eq!(job["status"], "PENDING");
        assert_eq!(job["version"], 1);
        assert_eq!(job["billIds"], json!(["bill-1", "bill-2"]));
        assert_eq!(
            (job["total"].as_u64(), job["pending"].as_u64()),
            (Some(2), Some(2))
        );
        assert!(job.get("accountIds").is_none() && job.get("timezone").is_none());
        assert!(!contains_null(&job));
    }

    #[tokio::test]
    async fn unknown_ids_are_404_and_orgs_are_isolated() {
        let client = start(LONG, 10).await;
        let job = client.create("org-a", json!({})).await;
        let id = id_of(&job);
        let (status, _) = client
            .get(&format!("/organizations/org-a/billjobs/{id}"))
            .await;
        assert_eq!(status, 200);
        for target in [
            format!("/organizations/org-b/billjobs/{id}"),
            "/organizations/org-a/billjobs/missing".to_owned(),
        ] {
            let (status, reply) = client.get(&target).await;
            assert_eq!(status, 404, "{target}");
            let expected = format!(
                "BillJob {} not found",
                target.rsplit('/').next().unwrap_or("")
            );
            assert_eq!(message(&reply), expected);
        }
        let (status, reply) = client.cancel("org-b", &id).await;
        assert_eq!(status, 404);
        assert_eq!(message(&reply), format!("BillJob {id} not found"));
        let (status, page) = client.list("org-b", "").await;
        assert_eq!(status, 200);
        assert_eq!(page, json!({"data": []}));
        let (_, page) = client.list("org-a", "").await;
        assert_eq!(ids_of(&page), [id]);
    }

    // -----------------------------------------------------------------------------------
    // Lifecycle and cancel
    // -----------------------------------------------------------------------------------

    #[test]
    fn lifecycle_model_is_a_pure_function_of_age() {
        let step = Duration::from_millis(100);
        let ms = Duration::from_millis;
        let at = |age, cancelled| lifecycle(step, 5, age, cancelled);
        let expect = |status, version, modified: u64, pending| Snapshot {
            status,
            version,
            modified_at_age: ms(modified),
            pending,
        };
        assert_eq!(at(ms(0), None), expect(Status::Pending, 1, 0, 5));
        assert_eq!(at(ms(99), None), expect(Status::Pending, 1, 0, 5));
        assert_eq!(at(ms(100), None), expect(Status::Initializing, 2, 100, 5));
        assert_eq!(at(ms(250), None), expect(Status::Running, 3, 200, 3));
        assert_eq!(at(ms(300), None), expect(Status::Complete, 4, 300, 0));
        assert_eq!(at(Duration::MAX, None), expect(Status::Complete, 4, 300, 0));
        // Cancelled: frozen at the moment of cancellation, one version past its phase.
        assert_eq!(at(ms(0), Some(ms(0))), expect(Status::Cancelled, 2, 0, 5));
        assert_eq!(
            at(ms(9_999), Some(ms(150))),
            expect(Status::Cancelled, 3, 150, 5)
        );
        assert_eq!(
            at(ms(9_999), Some(ms(250))),
            expect(Status::Cancelled, 4, 250, 3)
        );
        // Degenerate steps do not panic: zero completes at once, huge never moves.
        let zero = lifecycle(Duration::ZERO, 1, ms(0), None);
        assert_eq!((zero.status, zero.version), (Status::Complete, 4));
        // Exactly one (huge) step old: the first transition, stamped without overflow.
        let huge = lifecycle(Duration::MAX, 1, Duration::MAX, None);
        assert_eq!(
            (huge.status, huge.modified_at_age),
            (Status::Initializing, Duration::MAX)
        );
        let huge = lifecycle(Duration::MAX, 1, ms(5), None);
        assert_eq!(huge.status, Status::Pending);
        assert!(format_rfc3339(Duration::MAX).ends_with(".999Z"));
    }

    #[tokio::test]
    async fn lifecycle_advances_and_versions_increment() {
        const STEP_MS: i64 = 100;
        let client = start(Duration::from_millis(STEP_MS as u64), 10).await;
        let job = client
            .create("o", json!({"accountIds": ["a", "b", "c"]}))
            .await;
        assert_eq!(
            (job["status"].as_str(), job["version"].as_u64()),
            (Some("PENDING"), Some(1))
        );
        let target = format!("/organizations/o/billjobs/{}", id_of(&job));
        let created = parse_timestamp(job["dtCreated"].as_str().expect("dtCreated"));
        let mut seen: Vec<Value> = vec![job];
        let deadline = Instant::now() + Duration::from_secs(10);
        while seen.last().expect("seen")["status"] != "COMPLETE" {
            assert!(Instant::now() < deadline, "job never completed: {seen:?}");
            tokio::time::sleep(Duration::from_millis(5)).await;
            let (status, now) = client.get(&target).await;
            assert_eq!(status, 200);
            if seen.last() != Some(&now) {
                seen.push(now);
            }
        }
        let expected = [
            ("PENDING", 3),
            ("INITIALIZING", 3),
            ("RUNNING", 2),
            ("COMPLETE", 0),
        ];
        assert_eq!(seen.len(), 4, "every state is visited once: {seen:?}");
        for (index, (job, (status, pending))) in seen.iter().zip(expected).enumerate() {
            assert_eq!(job["status"], status);
            assert_eq!(job["version"], index + 1);
            assert_eq!(job["pending"], pending);
            assert_eq!(job["total"], 3);
            // Each transition is stamped at the moment it happened: dtCreated + k·step.
            let modified = parse_timestamp(job["dtLastModified"].as_str().expect("modified"));
            assert_eq!(modified - created, index as i64 * STEP_MS, "{job}");
        }
        // Complete is final: later reads do not change anything.
        tokio::time::sleep(Duration::from_millis(2 * STEP_MS as u64)).await;
        let (_, later) = client.get(&target).await;
        assert_eq!(Some(&later), seen.last());
    }

    #[tokio::test]
    async fn cancel_rules() {
        let client = start(LONG, 10).await;
        let job = client.create("o", json!({"accountIds": ["a", "b"]})).await;
        let id = id_of(&job);
        let (status, cancelled) = client.cancel("o", &id).await;
        assert_eq!(status, 200, "{cancelled}");
        assert_eq!(cancelled["status"], "CANCELLED");
        assert_eq!(cancelled["version"], 2);
        assert_eq!(cancelled["pending"], 2);
        let created = parse_timestamp(cancelled["dtCreated"].as_str().expect("created"));
        let modified = parse_timestamp(cancelled["dtLastModified"].as_str().expect("modified"));
        assert!(modified >= created);
        let (_, fetched) = client.get(&format!("/organizations/o/billjobs/{id}")).await;
        assert_eq!(fetched, cancelled);
        let (status, reply) = client.cancel("o", &id).await;
        assert_eq!(status, 400);
        assert_eq!(
            message(&reply),
            format!("BillJob {id} cannot be cancelled: it is CANCELLED")
        );
        let (status, reply) = client.cancel("o", "nope").await;
        assert_eq!((status, message(&reply)), (404, "BillJob nope not found"));
        // Cancel ignores whatever body comes with it.
        for body in [&b"not json at all"[..], b"{\"reason\": 1}", b""] {
            let other = id_of(&client.create("o", json!({})).await);
            let (status, reply) = client
                .post_raw(&format!("/organizations/o/billjobs/{other}/cancel"), body)
                .await;
            assert_eq!((status, reply["status"].as_str()), (200, Some("CANCELLED")));
        }
        let reply = client
            .send(
                "POST",
                &format!("/organizations/o/billjobs/{id}x/cancel"),
                None,
            )
            .await;
        assert_eq!(reply.status, 404);

        // A completed job cannot be cancelled.
        let quick = start(Duration::from_millis(5), 10).await;
        let done = id_of(&quick.create("o", json!({})).await);
        tokio::time::sleep(Duration::from_millis(60)).await;
        let (status, reply) = quick.cancel("o", &done).await;
        assert_eq!(status, 400);
        assert_eq!(
            message(&reply),
            format!("BillJob {done} cannot be cancelled: it is COMPLETE")
        );

        // Cancelling in INITIALIZING (version 2) gives version 3.
        let slow = start(Duration::from_millis(500), 10).await;
        let job = slow.create("o", json!({})).await;
        tokio::time::sleep(Duration::from_millis(700)).await;
        let (status, cancelled) = slow.cancel("o", &id_of(&job)).await;
        assert_eq!(status, 200);
        assert_eq!(
            (cancelled["status"].as_str(), cancelled["version"].as_u64()),
            (Some("CANCELLED"), Some(3))
        );
    }

    #[tokio::test]
    async fn too_many_active_jobs_gives_429() {
        let client = start(LONG, 3).await;
        let first = client.create("o", json!({})).await;
        client.create("o", json!({"accountIds": ["a"]})).await;
        let (status, _) = client
            .post(
                "/organizations/o/billjobs/recalculate",
                &json!({"billIds": ["b"]}),
            )
            .await;
        assert_eq!(status, 200);
        for (target, body) in [
            ("/organizations/o/billjobs", json!({})),
            (
                "/organizations/o/billjobs/recalculate",
                json!({"billIds": ["b"]}),
            ),
        ] {
            let (status, reply) = client.post(target, &body).await;
            assert_eq!(status, 429, "{target}");
            assert!(message(&reply).contains("at most 3"), "{reply}");
        }
        // Invalid requests are still reported as such.
        let (status, _) = client
            .post("/organizations/o/billjobs", &json!({"accountIds": []}))
            .await;
        assert_eq!(status, 400);
        // The limit is per org.
        client.create("other", json!({})).await;
        // Cancelling frees a slot, which one create then takes.
        let (status, _) = client.cancel("o", &id_of(&first)).await;
        assert_eq!(status, 200);
        client.create("o", json!({})).await;
        let (status, _) = client.post("/organizations/o/billjobs", &json!({})).await;
        assert_eq!(status, 429);
        let (_, page) = client.list("o", "active=TRUE").await;
        assert_eq!(ids_of(&page).len(), 3);

        // Completion frees a slot too.
        let quick = start(Duration::from_millis(10), 1).await;
        quick.create("o", json!({})).await;
        let (status, _) = quick.post("/organizations/o/billjobs", &json!({})).await;
        assert_eq!(status, 429);
        tokio::time::sleep(Duration::from_millis(80)).await;
        quick.create("o", json!({})).await;
    }

    // -----------------------------------------------------------------------------------
    // List
    // -----------------------------------------------------------------------------------

    /// Pages through `org` with `query` and returns the ids in the order received. With
    /// `create_between`, it also creates a job before fetching each page after the first
    /// and returns those ids second.
    async fn page_through(
        client: Client,
        org: &str,
        query: &str,
        create_between: bool,
    ) -> (Vec<String>, Vec<String>) {
        let mut ids = Vec::new();
        let mut created = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut full = query.to_owned();
            if let Some(token) = &token {
                full.push_str(&format!("&nextToken={token}"));
            }
            let (status, page) = client.list(org, &full).await;
            assert_eq!(status, 200, "{page}");
            let data = ids_of(&page);
            assert!(
                !data.is_empty() || token.is_none(),
                "empty page after a token"
            );
            ids.extend(data);
            match page.get("nextToken") {
                None => return (ids, created),
                Some(next) => token = Some(next.as_str().expect("string token").to_owned()),
            }
            if create_between {
                created.push(id_of(&client.create(org, json!({})).await));
            }
            // Let the concurrent creator get a word in between pages.
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }

    #[tokio::test]
    async fn pagination_neither_loses_nor_repeats_while_jobs_are_created() {
        let client = start(LONG, 100_000).await;
        let org = "paging";
        // Creation order, oldest first.
        let mut existing: Vec<String> = Vec::new();
        for _ in 0..20 {
            existing.push(id_of(&client.create(org, json!({})).await));
        }
        for page_size in 1..=3 {
            let before: HashSet<String> = existing.iter().cloned().collect();
            // One writer runs concurrently; the pager itself also creates between pages.
            let creator = tokio::spawn(async move {
                let mut made = Vec::new();
                for _ in 0..15 {
                    made.push(id_of(&client.create(org, json!({})).await));
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
                made
            });
            let query = format!("pageSize={page_size}");
            let (seen, between) = page_through(client, org, &query, true).await;
            let made = creator.await.expect("creator task");

            let unique: HashSet<&String> = seen.iter().collect();
            assert_eq!(unique.len(), seen.len(), "pageSize {page_size}: repeats");
            let old: Vec<&String> = seen.iter().filter(|id| before.contains(*id)).collect();
            let newest_first: Vec<&String> = existing.iter().rev().collect();
            assert_eq!(old, newest_first, "pageSize {page_size}: lost or reordered");
            // Jobs created after the first page never show up; the concurrent writer's
            // may, but only ahead of every older job (newest first, no interleaving).
            assert!(!between.is_empty());
            assert!(
                seen.iter()
                    .all(|id| before.contains(id) || made.contains(id))
            );
            let first_old = seen.iter().position(|id| before.contains(id));
            assert!(
                seen[first_old.unwrap_or(0)..]
                    .iter()
                    .all(|id| before.contains(id))
            );
            existing.extend(made);
            existing.extend(between);
            // The two writers interleaved: take the creation order from a full listing
            // once it is known to hold exactly the expected jobs.
            let (all, _) = page_through(client, org, "pageSize=100", false).await;
            let expected: HashSet<&String> = existing.iter().collect();
            assert_eq!(all.iter().collect::<HashSet<_>>(), expected);
            assert_eq!(all.len(), existing.len());
            existing = all.into_iter().rev().collect();
        }
        // Paging without concurrent writes returns everything, newest first.
        let (everything, _) = page_through(client, org, "pageSize=7", false).await;
        assert_eq!(
            everything,
            existing.iter().rev().cloned().collect::<Vec<_>>()
        );
        // The default page size is 10.
        let (_, page) = client.list(org, "").await;
        assert_eq!(ids_of(&page).len(), DEFAULT_PAGE_SIZE);
        assert!(page.get("nextToken").is_some());
    }

    #[tokio::test]
    async fn list_filters_and_parameter_validation() {
        let client = start(LONG, 100).await;
        let ids: Vec<String> = {
            let mut ids = Vec::new();
            for _ in 0..4 {
                ids.push(id_of(&client.create("f", json!({})).await));
            }
            ids
        };
        let (status, _) = client.cancel("f", &ids[1]).await;
        assert_eq!(status, 200);
        let newest_first = |keep: &[usize]| -> Vec<String> {
            keep.iter().rev().map(|&index| ids[index].clone()).collect()
        };
        for (query, expected) in [
            ("", newest_first(&[0, 1, 2, 3])),
            ("active=TRUE", newest_first(&[0, 2, 3])),
            ("active=true", newest_first(&[0, 2, 3])),
            ("active=FALSE", newest_first(&[0, 1, 2, 3])),
            ("status=CANCELLED", newest_first(&[1])),
            ("status=pending", newest_first(&[0, 2, 3])),
            ("status=RUNNING", vec![]),
            ("active=TRUE&status=CANCELLED", vec![]),
            (
                "active=&status=&pageSize=&nextToken=",
                newest_first(&[0, 1, 2, 3]),
            ),
            ("status=RUNNING&status=PENDING", newest_first(&[0, 2, 3])),
            ("unknown=1", newest_first(&[0, 1, 2, 3])),
        ] {
            let (status, page) = client.list("f", query).await;
            assert_eq!(status, 200, "{query}: {page}");
            assert_eq!(ids_of(&page), expected, "{query}");
        }
        // Filters and paging combine.
        assert_eq!(
            page_through(client, "f", "status=PENDING&pageSize=2", false)
                .await
                .0,
            newest_first(&[0, 2, 3])
        );

        let (_, first) = client.list("f", "pageSize=1").await;
        let token = first["nextToken"].as_str().expect("token").to_owned();
        let (status, _) = client
            .list("f", &format!("pageSize=1&nextToken={token}"))
            .await;
        assert_eq!(status, 200);
        let mut tampered = token.clone().into_bytes();
        tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).expect("ascii");
        for (query, field) in [
            ("pageSize=0", "pageSize"),
            ("pageSize=101", "pageSize"),
            ("pageSize=-1", "pageSize"),
            ("pageSize=1.5", "pageSize"),
            ("pageSize=ten", "pageSize"),
            ("active=yes", "active"),
            ("active=1", "active"),
            ("status=FAILED", "status"),
            ("status=active", "status"),
            ("nextToken=garbage", "nextToken"),
            ("nextToken=abc%2Fdef%2Bghi%3D", "nextToken"),
            (&format!("nextToken={tampered}"), "nextToken"),
            (&format!("nextToken={token}A"), "nextToken"),
        ] {
            let (status, reply) = client.list("f", query).await;
            assert_eq!(status, 400, "{query}");
            assert!(message(&reply).starts_with(field), "{query}: {reply}");
        }
        // A token belongs to its org.
        client.create("g", json!({})).await;
        let (status, reply) = client.list("g", &format!("nextToken={token}")).await;
        assert_eq!(status, 400);
        assert!(message(&reply).starts_with("nextToken"));

        // COMPLETE, and active=TRUE excluding it.
        let quick = start(Duration::from_millis(1), 100).await;
        for _ in 0..2 {
            quick.create("f", json!({})).await;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
        let (_, page) = quick.list("f", "status=COMPLETE").await;
        assert_eq!(ids_of(&page).len(), 2);
        let (_, page) = quick.list("f", "active=TRUE").await;
        assert_eq!(page, json!({"data": []}));
    }

    // -----------------------------------------------------------------------------------
    // Responses against m3ter's OpenAPI schemas
    // -----------------------------------------------------------------------------------

    /// Schemas extracted verbatim from m3ter's OpenAPI by
    /// `tests-data/extract_billjob_schemas.py`.
    const SCHEMAS: &str = include_str!("../tests-data/m3ter-billjob-schemas.json");

    /// A small OpenAPI 3.0 schema checker: `$ref` (to `#/components/schemas/`), `allOf`,
    /// `type`, `nullable`, `enum`, `required`, `properties`, `items`, `min/maxItems`,
    /// `min/maxLength`, `minimum`/`maximum` with boolean `exclusive*`, and the `date`,
    /// `date-time`, `int32` and `int64` formats. On top of the schema it is strict:
    /// properties the schema does not declare are reported, to catch misspelt fields.
    struct SchemaChecker<'a> {
        schemas: &'a Map<String, Value>,
    }

    impl SchemaChecker<'_> {
        fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
            match schema.get("$ref").and_then(Value::as_str) {
                // In OpenAPI 3.0, keywords beside `$ref` are ignored.
                Some(reference) => {
                    let name = reference
                        .strip_prefix("#/components/schemas/")
                        .unwrap_or_else(|| panic!("unsupported $ref {reference}"));
                    self.resolve(
                        self.schemas
                            .get(name)
                            .unwrap_or_else(|| panic!("unknown schema {name}")),
                    )
                }
                None => schema,
            }
        }

        /// Property names declared by a schema and its `allOf` parts, if any.
        fn declared(&self, schema: &Value, names: &mut HashSet<String>) -> bool {
            let schema = self.resolve(schema);
            let mut any = false;
            if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                names.extend(properties.keys().cloned());
                any = true;
            }
            for part in schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                any |= self.declared(part, names);
            }
            any
        }

        fn check(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
            let schema = self.resolve(schema);
            if value.is_null() {
                if schema.get("nullable") != Some(&Value::Bool(true)) {
                    errors.push(format!("{at}: null where the schema is not nullable"));
                }
                return;
            }
            for part in schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.check(part, value, at, errors);
            }
            if let Some(kind) = schema.get("type").and_then(Value::as_str) {
                let ok = match kind {
                    "object" => value.is_object(),
                    "array" => value.is_array(),
                    "string" => value.is_string(),
                    "integer" => value.is_i64() || value.is_u64(),
                    "number" => value.is_number(),
                    "boolean" => value.is_boolean(),
                    other => panic!("unsupported type {other}"),
                };
                if !ok {
                    errors.push(format!("{at}: expected {kind}, got {value}"));
                    return;
                }
            }
            if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
                && !allowed.contains(value)
            {
                errors.push(format!("{at}: {value} is not one of {allowed:?}"));
            }
            let number = |key: &str| schema.get(key).and_then(Value::as_f64);
            let flag = |key: &str| schema.get(key) == Some(&Value::Bool(true));
            if let Some(text) = value.as_str() {
                let length = text.chars().count() as f64;
                if number("minLength").is_some_and(|min| length < min)
                    || number("maxLength").is_some_and(|max| length > max)
                {
                    errors.push(format!("{at}: length of {text:?} out of bounds"));
                }
                let format_ok = match schema.get("format").and_then(Value::as_str) {
                    Some("date") => is_calendar_date(text),
                    Some("date-time") => is_rfc3339(text),
                    _ => true,
                };
                if !format_ok {
                    errors.push(format!("{at}: {text:?} does not match its format"));
                }
            }
            if let Some(n) = value.as_f64() {
                let below = number("minimum")
                    .is_some_and(|min| n < min || (flag("exclusiveMinimum") && n <= min));
                let above = number("maximum")
                    .is_some_and(|max| n > max || (flag("exclusiveMaximum") && n >= max));
                let range = match schema.get("format").and_then(Value::as_str) {
                    Some("int32") => value.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
                    Some("int64") => value.is_i64(),
                    _ => true,
                };
                if below || above || !range {
                    errors.push(format!("{at}: {value} out of range"));
                }
            }
            if let Some(items) = value.as_array() {
                let count = items.len() as f64;
                if number("minItems").is_some_and(|min| count < min)
                    || number("maxItems").is_some_and(|max| count > max)
                {
                    errors.push(format!("{at}: {} items out of bounds", items.len()));
                }
                if let Some(item_schema) = schema.get("items") {
                    for (index, item) in items.iter().enumerate() {
                        self.check(item_schema, item, &format!("{at}[{index}]"), errors);
                    }
                }
            }
            if let Some(fields) = value.as_object() {
                for name in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let name = name.as_str().expect("required name");
                    if !fields.contains_key(name) {
                        errors.push(format!("{at}: required property {name} is missing"));
                    }
                }
                if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
                    for (name, property) in properties {
                        if let Some(field) = fields.get(name) {
                            self.check(property, field, &format!("{at}.{name}"), errors);
                        }
                    }
                }
            }
        }

        /// Checks `value` against `schema` and the strictness rule, at every depth.
        fn violations(&self, schema: &Value, value: &Value) -> Vec<String> {
            let mut errors = Vec::new();
            self.check(schema, value, "$", &mut errors);
            self.check_declared(schema, value, "$", &mut errors);
            errors
        }

        fn check_declared(
            &self,
            schema: &Value,
            value: &Value,
            at: &str,
            errors: &mut Vec<String>,
        ) {
            let schema = self.resolve(schema);
            match value {
                Value::Object(fields) => {
                    let mut names = HashSet::new();
                    if self.declared(schema, &mut names) {
                        for (name, field) in fields {
                            if !names.contains(name) {
                                errors.push(format!("{at}.{name}: not declared by the schema"));
                            } else if let Some(sub) = self.property_schema(schema, name) {
                                self.check_declared(sub, field, &format!("{at}.{name}"), errors);
                            }
                        }
                    }
                }
                Value::Array(items) => {
                    if let Some(item_schema) = schema.get("items") {
                        for (index, item) in items.iter().enumerate() {
                            self.check_declared(
                                item_schema,
                                item,
                                &format!("{at}[{index}]"),
                                errors,
                            );
                        }
                    }
                }
                _ => {}
            }
        }

        fn property_schema<'s>(&'s self, schema: &'s Value, name: &str) -> Option<&'s Value> {
            let schema = self.resolve(schema);
            schema
                .get("properties")
                .and_then(|properties| properties.get(name))
                .or_else(|| {
                    schema
                        .get("allOf")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .find_map(|part| self.property_schema(part, name))
                })
        }
    }

    fn load_schemas() -> Value {
        serde_json::from_str(SCHEMAS).expect("schema fixture is JSON")
    }

    #[test]
    fn the_schema_checker_catches_violations() {
        let fixture = load_schemas();
        let checker = SchemaChecker {
            schemas: fixture["schemas"].as_object().expect("schemas"),
        };
        let job = json!({"$ref": "#/components/schemas/BillJobResponse"});
        let page = json!({"$ref": "#/components/schemas/PaginatedBillJobResponseData"});
        assert!(checker.violations(&job, &json!({"id": "x"})).is_empty());
        for bad in [
            json!({}),
            json!({"id": 1}),
            json!({"id": "x", "status": "FAILED"}),
            json!({"id": "x", "version": null}),
            json!({"id": "x", "billDate": "2024-02-30"}),
            json!({"id": "x", "dtCreated": "2024-02-01 10:00:00"}),
            json!({"id": "x", "billFrequencyInterval": 3_000_000_000_u64}),
            json!({"id": "x", "currencyConversions": [{"from": "A", "to": "B", "multiplier": 0}]}),
            json!({"id": "x", "currencyConversions": [{"from": "A"}]}),
            json!({"id": "x", "currencyConversions": [{"from": "A", "to": "B", "rate": 1}]}),
            json!({"id": "x", "dtCreate": "2024-02-01T10:00:00Z"}),
        ] {
            assert!(!checker.violations(&job, &bad).is_empty(), "{bad} passed");
        }
        assert!(
            checker
                .violations(&page, &json!({"data": [{"id": "x"}], "nextToken": "t"}))
                .is_empty()
        );
        assert!(!checker.violations(&page, &json!({"data": [{}]})).is_empty());
        assert!(
            !checker
                .violations(&page, &json!({"data": [], "nextToken": null}))
                .is_empty()
        );
    }

    #[tokio::test]
    async fn responses_match_the_openapi_schemas() {
        let fixture = load_schemas();
        let checker = SchemaChecker {
            schemas: fixture["schemas"].as_object().expect("schemas"),
        };
        let response_schema =
            |operation: &str| json!({"$ref": fixture["operations"][operation]["response"]});
        let error_schema = &fixture["errorSchema"];
        let client = start(Duration::from_millis(20), 100).await;
        let mut checked: Vec<(&str, Value)> = Vec::new();

        checked.push(("CreateBillJob", client.create("s", all_params_body()).await));
        checked.push(("CreateBillJob", client.create("s", json!({})).await));
        let (status, recalculated) = client
            .post(
                "/organizations/s/billjobs/recalculate",
                &json!({"billIds": ["b-1"], "version": 0}),
            )
            .await;
        assert_eq!(status, 200);
        let recalculated_id = id_of(&recalculated);
        checked.push(("RecalculateBillJob", recalculated));
        let to_cancel = id_of(&client.create("s", json!({"accountIds": ["a"]})).await);
        let (status, cancelled) = client.cancel("s", &to_cancel).await;
        assert_eq!(status, 200);
        checked.push(("CancelBillJob", cancelled));
        let (status, fetched) = client
            .get(&format!("/organizations/s/billjobs/{recalculated_id}"))
            .await;
        assert_eq!(status, 200);
        checked.push(("GetBillJob", fetched));
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (status, first) = client.list("s", "pageSize=2").await;
        assert_eq!(status, 200);
        assert!(first.get("nextToken").is_some());
        checked.push(("ListBillJobs", first));
        let (status, all) = client.list("s", "pageSize=100").await;
        assert_eq!(status, 200);
        assert!(all.get("nextToken").is_none());
        checked.push(("ListBillJobs", all));
        let (_, empty) = client.list("nobody", "").await;
        checked.push(("ListBillJobs", empty));

        for (operation, body) in &checked {
            let violations = checker.violations(&response_schema(operation), body);
            assert!(
                violations.is_empty(),
                "{operation}: {violations:?} in {body}"
            );
            assert!(!contains_null(body), "{operation}: null in {body}");
        }
        let operations: HashSet<&str> = checked.iter().map(|(operation, _)| *operation).collect();
        let documented: HashSet<&str> = fixture["operations"]
            .as_object()
            .expect("operations")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(operations, documented, "every operation is exercised");

        // Error bodies match the Error response, and carry nothing else.
        let errors = [
            client.get("/organizations/s/billjobs/none").await,
            client
                .post("/organizations/s/billjobs", &json!({"accountIds": []}))
                .await,
            client.list("s", "pageSize=0").await,
            client.get("/elsewhere").await,
        ];
        for (status, body) in errors {
            assert!((400..500).contains(&status));
            assert!(checker.violations(error_schema, &body).is_empty(), "{body}");
            assert_eq!(body.as_object().map(Map::len), Some(1), "{body}");
        }
    }

    /// Keeps the fixture honest: when m3ter's OpenAPI document is at hand (the shared
    /// folder beside the workspace), the extracted schemas must still equal it.
    #[test]
    fn schema_fixture_matches_upstream_openapi() {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let candidates = [
            std::env::var_os("M3TER_OPENAPI").map(std::path::PathBuf::from),
            Some(manifest.join("../../shared/upstream/m3ter-openapi.json")),
            Some(std::path::PathBuf::from(
                "/work/shared/upstream/m3ter-openapi.json",
            )),
        ];
        let Some(text) = candidates
            .into_iter()
            .flatten()
            .find_map(|path| std::fs::read_to_string(path).ok())
        else {
            eprintln!("m3ter-openapi.json not found: fixture drift not checked");
            return;
        };
        let upstream: Value = serde_json::from_str(&text).expect("upstream is JSON");
        let fixture = load_schemas();
        for (name, schema) in fixture["schemas"].as_object().expect("schemas") {
            assert_eq!(
                &upstream["components"]["schemas"][name], schema,
                "{name} drifted"
            );
        }
        assert_eq!(
            upstream["components"]["responses"]["Error"]["content"]["application/json"]["schema"],
            fixture["errorSchema"]
        );
        for (operation, where_) in fixture["operations"].as_object().expect("operations") {
            let path = where_["path"].as_str().expect("path");
            let method = where_["method"]
                .as_str()
                .expect("method")
                .to_ascii_lowercase();
            let op = &upstream["paths"][path][&method];
            assert_eq!(op["operationId"], json!(operation));
            assert_eq!(
                op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
                where_["response"]
            );
        }
    }

    // -----------------------------------------------------------------------------------
    // Utilities
    // -----------------------------------------------------------------------------------

    #[test]
    fn calendar_dates() {
        for good in [
            "2024-02-29",
            "2000-02-29",
            "1999-12-31",
            "0001-01-01",
            "9999-12-31",
        ] {
            assert!(is_calendar_date(good), "{good}");
        }
        for bad in [
            "1900-02-29",
            "2023-02-29",
            "2024-06-31",
            "2024-00-01",
            "2024-01-00",
            "2024-1-01",
            "2024-01-1",
            "24-01-01",
            "2024-01-01 ",
            "2024_01_01",
            "",
            "+024-01-01",
            "2024-0a-01",
        ] {
            assert!(!is_calendar_date(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps_round_trip_through_the_civil_calendar() {
        assert_eq!(format_rfc3339(Duration::ZERO), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            format_rfc3339(Duration::from_millis(1_699_335_116_789)),
            "2023-11-07T05:31:56.789Z"
        );
        assert_eq!(
            format_rfc3339(Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00.000Z"
        );
        // Every day for ~1100 years either side of 2000 round-trips.
        for days in (-400_000..400_000).step_by(37) {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month.into(), day.into()), days);
        }
        let stamp = "2024-02-29T23:59:59.999Z";
        let millis = u64::try_from(parse_timestamp(stamp)).expect("positive");
        assert_eq!(format_rfc3339(Duration::from_millis(millis)), stamp);
    }

    #[test]
    fn ids_are_uuid_shaped_and_distinct() {
        let generator = IdGenerator::new();
        let ids: HashSet<String> = (0..10_000).map(|_| generator.next_uuid()).collect();
        assert_eq!(ids.len(), 10_000);
        for id in &ids {
            assert!(is_uuid_shaped(id), "{id}");
            assert_eq!(&id[14..15], "4");
            assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
        }
    }

    #[test]
    fn base64url_and_cursors() {
        for length in 0..40 {
            let bytes: Vec<u8> = (0..length).map(|n| (n * 37 + 11) as u8).collect();
            let text = base64url_encode(&bytes);
            assert!(!text.contains(['=', '+', '/']));
            assert_eq!(base64url_decode(&text), Some(bytes));
        }
        assert_eq!(base64url_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64url_encode(b"\xfb\xff"), "-_8");
        for bad in ["A", "Zm9=", "Zm9v YmFy", "Zm+v", "Zh"] {
            assert_eq!(base64url_decode(bad), None, "{bad}");
        }
        for seq in [0, 1, 41, u64::MAX] {
            let token = encode_cursor("org", seq);
            assert_eq!(token.len(), 22);
            assert_eq!(decode_cursor("org", &token), Some(seq));
            assert_eq!(decode_cursor("org2", &token), None);
        }
        assert_eq!(decode_cursor("org", ""), None);
        assert_eq!(decode_cursor("org", "AAAAAAAAAAAAAAAAAAAAAA"), None);
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(constant_time_eq(b"", b""));
        for other in [&b"secreT"[..], b"secre", b"secrets", b"", b"\0secret"] {
            assert!(!constant_time_eq(other, b"secret"));
        }
    }
}
