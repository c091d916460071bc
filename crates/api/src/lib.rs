//! Leerweek's HTTP API: the axum router, handlers, bearer-token auth, problem+json errors and
//! the OpenAPI document. Handlers extract, call the store, and map; no SQL here.

use axum::Router;
use leerweek_store::Store;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ApiOptions {
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Longest a request may take before it is answered 503.
    pub request_timeout: std::time::Duration,
}

impl Default for ApiOptions {
    fn default() -> Self {
        Self { max_body_bytes: 1024 * 1024, request_timeout: std::time::Duration::from_secs(30) }
    }
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
}

/// The whole application: `/api/v1/…`, `/health`, and the frontend.
pub fn router(store: Store, options: ApiOptions) -> Router {
    let _ = options;
    Router::new().with_state(AppState { store })
}
