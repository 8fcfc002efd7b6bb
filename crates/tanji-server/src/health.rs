//! `/healthz` (the process answers) and `/readyz` (the database answers and its schema is current).

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::state::AppState;

/// `GET /healthz`: always 200 while the process serves requests.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 when the database is reachable and migrated, else 503 saying why.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    match state.store().check_ready().await {
        Ok(()) => {
            Ok(Json(json!({ "status": "ready", "database": format!("{:?}", state.store().backend()).to_lowercase() })))
        }
        Err(error) => {
            tracing::warn!(error = %format!("{error:#}"), "not ready");
            Err(ApiError::unavailable("the database is unreachable or its schema is not current; see the server log"))
        }
    }
}
