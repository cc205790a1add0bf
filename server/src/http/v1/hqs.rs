//! `/v1/hqs`: headquarters (admins create; everyone but volunteers reads those in scope).

use axum::http::HeaderMap;
use axum::response::Response;
use engine::board::{Hq, NewHq};
use serde::Serialize;

use super::auth::Auth;
use super::body::{RecordId, V1Json};
use super::conventions::{created, idempotency, record};
use super::error::{ErrorAnswers, V1Error};
use super::state::BoardState;

/// A list of headquarters (all in one page).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HqPage {
    /// The headquarters.
    pub items: Vec<Hq>,
    /// Always `null`: every headquarters fits one page.
    pub next_cursor: Option<String>,
}

/// Creates a headquarters (admins).
#[utoipa::path(post, path = "/v1/hqs", tag = "hqs", request_body = NewHq,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe create")),
    responses((status = 201, description = "Created", body = Hq), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn create(
    auth: Auth,
    headers: HeaderMap,
    body: V1Json<NewHq>,
) -> Result<Response, V1Error> {
    let idem = idempotency(&headers, &auth.who, "POST /v1/hqs", &body.digest)?;
    let c = auth
        .board
        .board
        .create_hq(&auth.who, BoardState::now(), body.value, idem)
        .await?;
    Ok(created(c, |h| h.version))
}

/// The headquarters the token may see.
#[utoipa::path(get, path = "/v1/hqs", tag = "hqs",
    responses((status = 200, description = "Headquarters", body = HqPage), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn list(auth: Auth) -> Result<axum::Json<HqPage>, V1Error> {
    let items = auth.board.board.hqs(&auth.who).await?;
    Ok(axum::Json(HqPage {
        items,
        next_cursor: None,
    }))
}

/// One headquarters.
#[utoipa::path(get, path = "/v1/hqs/{id}", tag = "hqs",
    params(("id" = i64, Path, description = "Headquarters id")),
    responses((status = 200, description = "The headquarters", body = Hq), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn get_one(auth: Auth, id: RecordId) -> Result<Response, V1Error> {
    let h = auth.board.board.hq(&auth.who, id.0).await?;
    Ok(record(h.version, &h))
}
