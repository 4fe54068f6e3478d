//! The router: the five BillJob operations, the fallbacks, and serving it on a socket.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware;
use axum::routing::{get, post};

use crate::config::{MAX_BODY_BYTES, SandboxConfig};
use crate::error::ApiError;
use crate::lifecycle::JobType;
use crate::log::gatekeeper;
use crate::pagination::ListParams;
use crate::store::Sandbox;
use crate::validation::{parse_body, validate_create, validate_recalculate};
use crate::wire::{BillJobView, PageView};

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
        .route("/oauth/token", post(crate::oauth::token))
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
