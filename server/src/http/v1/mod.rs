//! The dispatch board's HTTP API under `/v1`: headquarters, volunteers, requests, their
//! events (live as Server-Sent Events), CSV export and import, dispatch plans, road
//! closures.
//!
//! Conventions ([`conventions`]): `Authorization: Bearer TOKEN` on every call ([`auth`]);
//! `Idempotency-Key` on creates; `ETag`/`If-Match` for optimistic concurrency; cursor
//! pagination ([`pagination`]); times in RFC 3339; one error shape for every 4xx and 5xx
//! ([`error`]), also for body rejections ([`body`]), unknown routes (404) and wrong methods
//! (405). The board's rules live in `engine::board`; this module speaks HTTP.
//!
//! Handlers never log bodies or personal data; the request log and `/metrics` see only the
//! path (identifiers, no query string).

pub mod admin;
pub mod auth;
pub mod body;
pub mod candidates;
pub mod closure_sync;
pub mod closures;
pub mod conventions;
pub mod coverage_isochrone;
pub mod csv;
pub mod error;
pub mod events;
pub mod exclude;
pub mod geocode;
pub mod hqs;
pub mod live;
pub mod openapi;
pub mod pagination;
pub mod places;
pub mod plans;
pub mod position_queue;
pub mod reachability;
pub mod requests;
pub mod state;
pub mod token_cache;
pub mod trips;
pub mod volunteers;

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};
use engine::dispatch::Engine;

pub use self::error::V1Error;
pub use self::state::{BoardSettings, BoardState, BoardStore, Geocoder};
use super::AppState;

/// The road network, to refuse points far from roads.
#[derive(Debug, Clone)]
pub struct RoadCheck(pub Arc<Engine>);

impl FromRequestParts<AppState> for RoadCheck {
    type Rejection = Infallible;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        Ok(Self(state.engine()))
    }
}

async fn not_found() -> V1Error {
    V1Error::new(
        StatusCode::NOT_FOUND,
        "route_not_found",
        "no such endpoint under /v1",
    )
}

async fn method_not_allowed() -> V1Error {
    V1Error::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take this method",
    )
}

/// Middleware: after a write that succeeded, wakes the live event streams.
async fn notify_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let write = req.method() != axum::http::Method::GET;
    let res = next.run(req).await;
    if write
        && res.status().is_success()
        && let Some(board) = &state.board
    {
        board.notify();
    }
    res
}

/// The `/v1` routes (to nest under `/v1`).
pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/hqs", get(hqs::list).post(hqs::create))
        .route("/hqs/{id}", get(hqs::get_one))
        .route(
            "/volunteers",
            get(volunteers::list).post(volunteers::create),
        )
        .route("/volunteers.csv", get(csv::export_volunteers))
        .route("/volunteers/import", post(csv::import_volunteers))
        .route(
            "/volunteers/{id}",
            get(volunteers::get_one).patch(volunteers::patch),
        )
        .route("/volunteers/{id}/position", post(volunteers::position))
        .route("/me", get(volunteers::me))
        .route("/requests", get(requests::list).post(requests::create))
        .route("/requests.csv", get(csv::export_requests))
        .route("/requests/import", post(csv::import_requests))
        .route(
            "/requests/{id}",
            get(requests::get_one).patch(requests::patch),
        )
        .route("/requests/{id}/assign", post(requests::assign))
        .route("/requests/{id}/unassign", post(requests::unassign))
        .route("/requests/{id}/status", post(requests::status))
        .route("/requests/{id}/cancel", post(requests::cancel))
        .route("/requests/{id}/history", get(requests::history))
        .route("/requests/{id}/candidates", get(candidates::candidates))
        .route("/coverage", get(candidates::coverage))
        .route("/reachability", post(reachability::reachability))
        .route("/places", get(places::places))
        .route("/geocode", get(geocode::geocode))
        .route(
            "/coverage/isochrone",
            get(coverage_isochrone::coverage_isochrone),
        )
        .route("/events", get(events::stream))
        .route("/events.json", get(events::list))
        .route("/plans", post(plans::create))
        .route("/plans/{id}/commit", post(plans::commit))
        .route("/trips/remote", post(trips::plan))
        .route("/admin/reload", post(admin::reload))
        .route("/closures", get(closures::list).post(closures::create))
        .route(
            "/closures/{id}",
            get(closures::get_one).delete(closures::lift),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            notify_writes,
        ))
}
