//! Bearer tokens: `Authorization: Bearer TOKEN` is hashed ([`token_hash`]) and looked up in
//! the store (or, for a token the store called valid less than a second ago, in
//! [`super::token_cache`]); a missing, unknown or revoked token is 401 with
//! `WWW-Authenticate: Bearer`.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use engine::board::{Principal, Store};

use super::error::V1Error;
use super::state::BoardState;
use crate::http::AppState;

/// The hash under which a token is stored: lowercase hex SHA-256 of its text.
#[must_use]
pub fn token_hash(token: &str) -> String {
    crate::store::token_hash(token)
}

/// Who is asking, from a valid token, and the board they ask.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The principal.
    pub who: Principal,
    /// The board.
    pub board: Arc<BoardState>,
}

/// The board, or 503 when the server runs without one.
///
/// # Errors
/// 503 `board_disabled`.
pub fn board_of(state: &AppState) -> Result<Arc<BoardState>, V1Error> {
    state.board.clone().ok_or_else(|| {
        V1Error::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "board_disabled",
            "this server runs without a dispatch board",
        )
    })
}

/// The principal behind the request's bearer token.
///
/// # Errors
/// 401 for a missing, malformed, unknown or revoked token; store errors.
pub async fn authenticate(board: &BoardState, headers: &HeaderMap) -> Result<Principal, V1Error> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(V1Error::unauthorized(
            "missing_token",
            "send Authorization: Bearer TOKEN",
        ));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .filter(|t| !t.is_empty() && t.len() <= 512)
        .ok_or_else(|| {
            V1Error::unauthorized(
                "invalid_token",
                "the Authorization header is not Bearer TOKEN",
            )
        })?;
    let hash = token_hash(token);
    if let Some(who) = board.tokens.get(&hash) {
        return Ok(who);
    }
    let record = board.board.store().token_by_hash(&hash).await?;
    match record {
        Some(t) if t.revoked_at.is_none() => {
            let who = Principal {
                token_id: t.id,
                role: t.role,
                hqs: t.hqs,
                volunteer: t.volunteer,
            };
            board.tokens.put(hash, who.clone());
            Ok(who)
        }
        Some(_) => {
            board.tokens.forget(&hash);
            Err(V1Error::unauthorized(
                "invalid_token",
                "the token was revoked",
            ))
        }
        None => {
            board.tokens.forget(&hash);
            Err(V1Error::unauthorized("invalid_token", "unknown token"))
        }
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = V1Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let board = board_of(state)?;
        let who = authenticate(&board, &parts.headers).await?;
        Ok(Self { who, board })
    }
}

/// Middleware: when the board requires it, OSRM's endpoints need a valid token too
/// (`/health`, `/metrics` and `/openapi.json` stay open; `/v1` checks its own).
pub async fn routing_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(board) = &state.board
        && board.settings.require_token_for_routing
    {
        let path = req.uri().path();
        let open = ["/health", "/metrics", "/openapi.json"].contains(&path)
            || path == "/v1"
            || path.starts_with("/v1/")
            || super::super::page::is_page_path(path);
        if !open && let Err(e) = authenticate(board, req.headers()).await {
            return e.into_response();
        }
    }
    next.run(req).await
}
