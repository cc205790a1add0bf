//! The HTTP service (axum): OSRM's routing API and operations endpoints.
//!
//! - [`osrm`]: `/{route,table,nearest,trip}/v1/{profile}/{coordinates}` (GET) and
//!   `/{service}/v1/{profile}` (POST, JSON body); errors in OSRM's shape ([`error`]).
//! - [`vroom`]: `POST /optimize`, VROOM's API (errors in VROOM's shape).
//! - [`isochrone`]: `GET /isochrone/v1/{profile}/{lon},{lat}` (GeoJSON; OSRM's error shape).
//! - [`tiles`]: `GET /tiles/{profile}/{z}/{x}/{y}.mvt` and `tiles.json`: the base map as
//!   vector tiles cut from the graph.
//! - `/health`, `/metrics` (Prometheus text), `/openapi.json`.
//! - [`v1`]: the dispatch board's API under `/v1` (when the state has a board).
//! - [`page`]: the dispatch page at `/`, its files under `/page/`.
//!
//! Every request is counted and logged once ([`metrics::track`]); CORS allows any origin so a
//! browser page elsewhere can call the API. [`serve`] runs the service until a shutdown
//! signal, then lets requests in progress finish.

pub mod error;
pub mod extract;
pub mod geometry;
mod guard;
pub mod isochrone;
mod listen;
pub mod metrics;
pub mod openapi;
pub mod osrm;
pub mod page;
pub mod reload;
pub mod state;
pub mod tiles;
pub mod v1;
pub mod vroom;

use std::future::Future;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{Method, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;
use tokio::net::TcpListener;
use tower_http::cors::{Any, CorsLayer};

pub use self::state::{AppState, Limits};

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let engine = state.engine();
    let labelled: Vec<&str> = engine
        .profiles()
        .into_iter()
        .filter(|p| engine.has_hub_labels(p))
        .collect();
    let exclude: serde_json::Map<String, serde_json::Value> = engine
        .profiles()
        .into_iter()
        .map(|p| {
            let classes = engine.exclude_classes(p).unwrap_or_default();
            let names: Vec<&str> = classes.iter().map(|c| c.name()).collect();
            (p.to_owned(), json!(names))
        })
        .collect();
    // Profiles whose closures in force (and `exclude=` class sets asked for) are answered by
    // customized metrics, not the slower exact fallback.
    let customized: Vec<&str> = engine
        .profiles()
        .into_iter()
        .filter(|p| engine.is_customized(p))
        .collect();
    Json(
        json!({"status": "ok", "profiles": engine.profiles(), "hub_labels": labelled, "exclude": exclude, "customized": customized, "graph_generation": state.engines.generation()}),
    )
}

async fn metrics_text(State(state): State<AppState>) -> impl IntoResponse {
    let mut text = state.metrics.render();
    if let Some(board) = &state.board {
        text.push_str(&board.positions.render_metrics());
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}

async fn openapi_json() -> impl IntoResponse {
    Json(openapi::document())
}

/// The whole service.
pub fn app(state: AppState) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers(Any)
        .expose_headers(Any);
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics_text))
        .route("/openapi.json", get(openapi_json))
        .route("/optimize", axum::routing::post(vroom::handle))
        .route("/isochrone/v1/{profile}/{origin}", get(isochrone::handle))
        .route("/tiles/{profile}/tiles.json", get(tiles::tilejson))
        .route("/tiles/{profile}/{z}/{x}/{y}", get(tiles::tile))
        .nest("/v1", v1::router(&state))
        .merge(page::router())
        .fallback(osrm::handle)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            v1::closure_sync::closures_guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            v1::auth::routing_guard,
        ))
        .layer(DefaultBodyLimit::max(state.limits.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(cors)
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting connections
/// and lets requests in progress finish.
///
/// Requests hyper refuses itself before the service sees them (a URL past 65,534 bytes, a
/// head past its buffer, malformed HTTP) are answered in OSRM's shape by a guard on each
/// connection (`guard` module): HTTP 400 with `TooBig` or `InvalidUrl`.
///
/// # Errors
/// Only if serving fails for good.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let header_timeout = Limits::default().header_timeout;
    listen::run(
        guard::GuardedListener(listener, None),
        app,
        header_timeout,
        shutdown,
    )
    .await
}

/// As [`serve`] with the service [`app`] of `state`, counting the requests the connection
/// guard refuses in `state`'s metrics (`/metrics`) like those the service answers.
///
/// # Errors
/// Only if serving fails for good.
pub async fn serve_state(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let metrics = Some(std::sync::Arc::clone(&state.metrics));
    let header_timeout = state.limits.header_timeout;
    listen::run(
        guard::GuardedListener(listener, metrics),
        app(state),
        header_timeout,
        shutdown,
    )
    .await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
