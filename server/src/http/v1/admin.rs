//! Administration: `POST /v1/admin/reload` re-reads the graph files and switches to them
//! without downtime ([`crate::http::reload`]); admins only.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use engine::board::Role;

use super::auth::Auth;
use super::error::{ErrorAnswers, V1Error};
use crate::http::AppState;
use crate::http::reload::{ReloadError, Reloaded};

/// Re-reads the graph files at the paths the server was started with, verifies them fully
/// and switches to them atomically (as `SIGHUP` does): requests in flight finish on the old
/// graphs, none fails. A file that fails its checks (`reload_refused`, 422) leaves the old
/// graphs serving; a reload already running answers 409 `reload_in_progress`.
#[utoipa::path(post, path = "/v1/admin/reload", tag = "admin",
    responses((status = 200, description = "The new graphs are served", body = Reloaded),
        ErrorAnswers),
    security(("bearer" = [])))]
pub async fn reload(auth: Auth, State(state): State<AppState>) -> Result<Json<Reloaded>, V1Error> {
    if auth.who.role != Role::Admin {
        return Err(V1Error::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only admins reload the graphs",
        ));
    }
    let slot = std::sync::Arc::clone(&state.engines);
    let outcome = tokio::task::spawn_blocking(move || slot.reload())
        .await
        .map_err(|e| V1Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    match outcome {
        Ok(r) => Ok(Json(r)),
        Err(e @ ReloadError::Busy) => Err(V1Error::new(
            StatusCode::CONFLICT,
            "reload_in_progress",
            e.to_string(),
        )),
        Err(e @ ReloadError::NoSource) => Err(V1Error::new(
            StatusCode::CONFLICT,
            "nothing_to_reload",
            e.to_string(),
        )),
        Err(e) => Err(V1Error::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "reload_refused",
            e.to_string(),
        )),
    }
}
