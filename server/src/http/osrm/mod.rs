//! OSRM's v1 HTTP API: `route`, `table`, `nearest` and `trip`, by GET (coordinates in the
//! URL) or POST (coordinates and options in a JSON body).
//!
//! A request is parsed and validated on the async runtime (cheap); the engine work and the
//! JSON encoding run on a blocking thread, behind the heavy-request semaphore and within the
//! request time limit.

pub mod hint;
pub mod options;
pub mod response;
pub mod steps;
pub mod url;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequest, Request, State};
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use engine::dispatch::{DispatchError, Engine, Location, RouteOptions, TripEnds};
use engine::types::LonLat;
use serde_json::Value;

use self::options::{CommonOptions, Options, Overview, RawOptions, parse_options};
use self::url::{Service, check_coordinates, parse_coordinates, parse_path, truncate};
use super::error::{ApiError, ErrorCode};
use super::extract::OsrmJson;
use super::state::AppState;

/// The handler of every OSRM path (the router's fallback).
///
/// The whole request, body included, must complete within the time limit, so a client that
/// sends a body slowly (or never) gets an answer instead of holding the server.
pub async fn handle(State(state): State<AppState>, req: Request) -> Response {
    let limit = state.limits.request_timeout;
    match tokio::time::timeout(limit, answer(state, req)).await {
        Ok(Ok(res)) => res,
        Ok(Err(e)) => e.into_response(),
        Err(_) => time_limit_error(limit).into_response(),
    }
}

fn time_limit_error(limit: std::time::Duration) -> ApiError {
    ApiError::new(
        ErrorCode::TooBig,
        format!(
            "the request took longer than the time limit ({} s)",
            limit.as_secs_f64()
        ),
    )
}

/// Coordinates from a JSON body's `coordinates` field (at most `max` of them).
///
/// # Errors
/// `InvalidQuery` when it is not an array of `[lon, lat]` number pairs, `TooBig` past `max`.
pub fn body_coordinates(v: Option<&Value>, max: usize) -> Result<Vec<LonLat>, ApiError> {
    let malformed =
        |m: &str| ApiError::new(ErrorCode::InvalidQuery, format!("malformed JSON body: {m}"));
    let items = v
        .and_then(Value::as_array)
        .ok_or_else(|| malformed("coordinates must be an array of [lon, lat] pairs"))?;
    if items.len() > max {
        return Err(ApiError::new(
            ErrorCode::TooBig,
            format!(
                "Number of coordinates ({}) is higher than the maximum ({max})",
                items.len()
            ),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| match item.as_array().map(Vec::as_slice) {
            Some([lon, lat]) => match (lon.as_f64(), lat.as_f64()) {
                (Some(lon), Some(lat)) => Ok(LonLat::new(lon, lat)),
                _ => Err(malformed(&format!("coordinate {i} is not two numbers"))),
            },
            _ => Err(malformed(&format!(
                "coordinate {i} is not a [lon, lat] pair"
            ))),
        })
        .collect()
}

async fn answer(state: AppState, req: Request) -> Result<Response, ApiError> {
    let limits = Arc::clone(&state.limits);
    let uri = req.uri().clone();
    let url_len = uri.path().len() + uri.query().map_or(0, str::len);
    if url_len > limits.max_url_bytes {
        return Err(ApiError::new(
            ErrorCode::TooBig,
            format!(
                "URL of {url_len} bytes is longer than the maximum ({})",
                limits.max_url_bytes
            ),
        ));
    }
    let max = limits.max_coordinates();
    let (path, coords, raw) = match *req.method() {
        Method::GET | Method::HEAD => {
            let path = parse_path(uri.path(), true)?;
            let coords = parse_coordinates(path.coordinates.as_deref().unwrap_or(""), max)?;
            (
                path,
                coords,
                RawOptions::from_query(uri.query().unwrap_or(""))?,
            )
        }
        Method::POST => {
            let path = parse_path(uri.path(), false)?;
            let declared = req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
                return Err(ApiError::new(
                    ErrorCode::TooBig,
                    format!(
                        "request body larger than the maximum ({} bytes)",
                        limits.max_body_bytes
                    ),
                ));
            }
            let OsrmJson(body) = OsrmJson::<Value>::from_request(req, &state).await?;
            let obj = body.as_object().ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidQuery,
                    "malformed JSON body: expected an object",
                )
            })?;
            let coords = body_coordinates(obj.get("coordinates"), max)?;
            (path, coords, RawOptions::from_json(obj)?)
        }
        ref m => {
            return Err(ApiError::new(
                ErrorCode::InvalidUrl,
                format!("method {m} is not allowed: use GET, or POST with a JSON body"),
            ));
        }
    };
    check_coordinates(&coords)?;
    let service_max = match path.service {
        Service::Route => limits.max_route_coordinates,
        Service::Table => limits.max_table_coordinates,
        Service::Trip => limits.max_trip_coordinates,
        Service::Nearest => 1,
    };
    if coords.len() > service_max && path.service != Service::Nearest {
        return Err(ApiError::new(
            ErrorCode::TooBig,
            format!(
                "Number of entries {} is higher than current maximum ({service_max})",
                coords.len()
            ),
        ));
    }
    let engine = state.engine();
    let profile = resolve_profile(&engine, path.profile);
    if !engine.has_profile(&profile) {
        let loaded = engine.profiles().join(", ");
        return Err(ApiError::new(
            ErrorCode::InvalidUrl,
            format!(
                "profile {} is not loaded (loaded: {loaded})",
                truncate(&profile)
            ),
        ));
    }
    // A class the profile cannot exclude is refused in the engine's words, which list the
    // profile's classes (as vmeste's own endpoints do); `nearest` ignores `exclude`.
    if path.service != Service::Nearest
        && let Some(v) = raw.value("exclude")
    {
        engine
            .exclude_set(&profile, v.split(','))
            .map_err(|e| ApiError::from_dispatch(&e, ErrorCode::NoRoute))?;
    }
    let opts = parse_options(path.service, raw, coords.len(), limits.max_nearest)?;
    if let Options::Table(t) = &opts {
        let rows = t.sources.as_ref().map_or(coords.len(), Vec::len);
        let cols = t.destinations.as_ref().map_or(coords.len(), Vec::len);
        if rows.saturating_mul(cols) > limits.max_table_cells {
            return Err(ApiError::new(
                ErrorCode::TooBig,
                format!(
                    "a table of {rows} x {cols} cells is larger than the maximum ({} cells)",
                    limits.max_table_cells
                ),
            ));
        }
    }
    let body = run_heavy(&state, move || compute(&engine, &profile, &coords, opts)).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/json; charset=UTF-8")],
        Body::from(body),
    )
        .into_response())
}

/// [`resolve_profile`], or `InvalidUrl` naming the loaded profiles when none matches (the
/// isochrone and tile endpoints).
pub(crate) fn loaded_profile(engine: &Engine, name: String) -> Result<String, ApiError> {
    let profile = resolve_profile(engine, name);
    if engine.has_profile(&profile) {
        Ok(profile)
    } else {
        Err(ApiError::new(
            ErrorCode::InvalidUrl,
            format!(
                "unknown profile {profile:?} (loaded: {})",
                engine.profiles().join(", ")
            ),
        ))
    }
}

/// The loaded profile a URL names: the name itself, or for OSRM's usual names (`driving`,
/// `walking`, `cycling`, `bike`), vmeste's profile of that mode when loaded.
pub(crate) fn resolve_profile(engine: &Engine, name: String) -> String {
    if engine.has_profile(&name) {
        return name;
    }
    let alias = match name.as_str() {
        "driving" => "car",
        "walking" => "foot",
        "cycling" | "bike" => "bicycle",
        _ => return name,
    };
    if engine.has_profile(alias) {
        alias.to_owned()
    } else {
        name
    }
}

/// Runs `work` on a blocking thread once a heavy-request permit is free, within the time
/// limit.
pub(crate) async fn run_heavy<F>(state: &AppState, work: F) -> Result<Vec<u8>, ApiError>
where
    F: FnOnce() -> Result<Vec<u8>, ApiError> + Send + 'static,
{
    let limit = state.limits.request_timeout;
    let sem = Arc::clone(&state.heavy);
    let run = async move {
        let permit = sem
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal("heavy-request semaphore closed"))?;
        let res = tokio::task::spawn_blocking(move || {
            let out = work();
            drop(permit);
            out
        })
        .await;
        res.map_err(|e| ApiError::internal(&format!("request task failed: {e}")))?
    };
    tokio::time::timeout(limit, run)
        .await
        .map_err(|_| time_limit_error(limit))?
}

/// The request's locations, moved onto the main network as OSRM clients expect
/// ([`Engine::onto_main_network`]: a coordinate by a small island of the network goes to the
/// nearest road of the connected network within its radius, unless all coordinates lie by
/// the same island; the waypoint's `distance` shows how far it was moved).
fn routable(
    engine: &Engine,
    profile: &str,
    coords: &[LonLat],
    common: &CommonOptions,
) -> Result<Vec<Location>, DispatchError> {
    engine.onto_main_network(profile, &locations(coords, common))
}

fn locations(coords: &[LonLat], common: &CommonOptions) -> Vec<Location> {
    coords
        .iter()
        .zip(&common.radiuses)
        .zip(&common.hints)
        .zip(&common.bearings)
        .map(|(((&position, &radius_m), &hint), &bearing)| Location {
            position,
            radius_m,
            hint,
            bearing,
        })
        .collect()
}

/// Answers a validated request: the engine's work and the JSON encoding.
fn compute(
    engine: &Engine,
    profile: &str,
    coords: &[LonLat],
    opts: Options,
) -> Result<Vec<u8>, ApiError> {
    let err = |code: ErrorCode| move |e: DispatchError| ApiError::from_dispatch(&e, code);
    let value = match opts {
        Options::Route(o) => {
            let opts = RouteOptions {
                continue_straight: o.continue_straight,
                without_guidance: !o.shape.steps,
                totals_only: !o.shape.steps
                    && o.shape.overview == Overview::False
                    && !o.shape.annotations.any(),
                exclude: o.common.exclude,
            };
            let route = routable(engine, profile, coords, &o.common)
                .and_then(|locs| engine.route_with(profile, &locs, opts))
                .map_err(err(ErrorCode::NoRoute))?;
            response::route_response(&route, &o.shape, profile, o.common.waypoints())
        }
        Options::Table(o) => {
            let all: Vec<usize> = (0..coords.len()).collect();
            let sources = o.sources.unwrap_or_else(|| all.clone());
            let destinations = o.destinations.unwrap_or(all);
            let table = routable(engine, profile, coords, &o.common)
                .and_then(|locs| {
                    engine.table_with(profile, &locs, &sources, &destinations, o.common.exclude)
                })
                .map_err(err(ErrorCode::NoTable))?;
            // Written as bytes directly: see `response::table_response`.
            return Ok(response::table_response(
                &table,
                o.durations,
                o.distances,
                o.scale_factor,
                o.common.waypoints(),
            ));
        }
        Options::Nearest(o) => {
            let loc = locations(coords, &o.common);
            let ws = engine
                .nearest(profile, loc[0], o.number)
                .map_err(err(ErrorCode::NoSegment))?;
            response::nearest_response(&ws, o.common.waypoints())
        }
        Options::Trip(o) => {
            let ends = TripEnds {
                roundtrip: o.roundtrip,
                first_is_start: o.source_first,
                last_is_end: o.destination_last,
            };
            let trips = routable(engine, profile, coords, &o.common)
                .and_then(|locs| engine.trip_with(profile, &locs, ends, o.common.exclude))
                .map_err(err(ErrorCode::NoTrips))?;
            response::trip_response(&trips, &o.shape, profile, o.common.waypoints())
        }
    };
    serde_json::to_vec(&value)
        .map_err(|e| ApiError::internal(&format!("encoding the response failed: {e}")))
}
