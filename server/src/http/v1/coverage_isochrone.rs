//! `GET /v1/coverage/isochrone?hq=ID&minutes=30`: the area within a time of the nearest
//! available volunteer (from their last position, on their own mode's roads) or of the
//! headquarters itself, one polygon per mode, and the places of the gazetteer left outside.
//!
//! The headquarters is a source on every mode's roads. Places are those of the gazetteer
//! within the box any route could cover from the sources in that time (straight lines at
//! 120 km/h), at most [`MAX_PLACES`]; a place is inside when some mode reaches its position
//! on that mode's roads within the time.

use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use engine::board::{Store, VolunteerStatus};
use engine::isochrone::{self, IsochroneParams, ModeSources};
use engine::types::LonLat;
use serde::Deserialize;
use serde_json::{Value, json};

use super::RoadCheck;
use super::auth::Auth;
use super::body::V1Query;
use super::error::{ErrorAnswers, V1Error};

/// Most places looked at.
pub const MAX_PLACES: usize = 2_000;
/// Straight-line speed that bounds the box of places, in metres per second (120 km/h).
const BOX_SPEED_M_S: f64 = 120.0 / 3.6;

/// Options of `GET /v1/coverage/isochrone`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CoverageIsochroneQuery {
    /// The headquarters.
    pub hq: i64,
    /// The time, in minutes, `0 < minutes <= 240` (default 30).
    pub minutes: Option<f64>,
}

fn unprocessable(message: String) -> V1Error {
    V1Error::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_query", message)
}

/// The area within `minutes` of the headquarters' available volunteers (by their mode) and
/// of the headquarters: a GeoJSON `FeatureCollection` with one area per mode
/// (`properties.kind = "area"`, `profile`, `contour`, `sources`) and one `Point` per place
/// outside it (`properties.kind = "place_outside"`, `name`, `place`); the counts in the
/// collection's `properties`.
#[utoipa::path(get, path = "/v1/coverage/isochrone", tag = "requests",
    params(CoverageIsochroneQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection: areas per mode and places outside",
        content_type = "application/geo+json", body = Object), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn coverage_isochrone(
    auth: Auth,
    roads: RoadCheck,
    q: V1Query<CoverageIsochroneQuery>,
) -> Result<axum::response::Response, V1Error> {
    let minutes = q.0.minutes.unwrap_or(30.0);
    isochrone::Contours::try_new(&[minutes]).map_err(|e| unprocessable(e.to_string()))?;
    let hq_id = q.0.hq;
    auth.who
        .may_watch(hq_id)
        .map_err(engine::board::BoardError::from)?;
    let store = auth.board.board.store();
    let hq = store.hq(hq_id).await?.ok_or_else(|| {
        V1Error::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no headquarters {hq_id}"),
        )
    })?;
    let hq_pos = LonLat::new(hq.location[0], hq.location[1]);
    let mut by_mode: Vec<ModeSources> = roads
        .0
        .profiles()
        .into_iter()
        .map(|p| ModeSources {
            profile: p.to_owned(),
            positions: vec![hq_pos],
        })
        .collect();
    {
        let live = auth
            .board
            .live
            .current(store, &roads.0, auth.board.generation())
            .await?;
        if let Some(live) = live.as_ref() {
            for v in live.roster().volunteers() {
                if v.hq != hq_id || v.status != VolunteerStatus::Available {
                    continue;
                }
                let (Some([x, y]), Some(m)) = (
                    v.position,
                    by_mode.iter_mut().find(|m| m.profile == v.mode.profile()),
                ) else {
                    continue;
                };
                m.positions.push(LonLat::new(x, y));
            }
        }
    }
    let engine = std::sync::Arc::clone(&roads.0);
    let out = tokio::task::spawn_blocking(move || answer(&engine, &by_mode, minutes))
        .await
        .map_err(|e| {
            V1Error::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                format!("task failed: {e}"),
            )
        })??;
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        out.to_string(),
    )
        .into_response())
}

/// The box around `points` that straight lines at [`BOX_SPEED_M_S`] cover in `minutes`.
fn reach_box(points: &[LonLat], minutes: f64) -> Option<[f64; 4]> {
    let first = points.first()?;
    let reach_m = minutes * 60.0 * BOX_SPEED_M_S;
    let dlat = reach_m / 111_195.0;
    let dlon = dlat / first.lat.to_radians().cos().max(0.01);
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in points {
        b = [
            b[0].min(p.lon),
            b[1].min(p.lat),
            b[2].max(p.lon),
            b[3].max(p.lat),
        ];
    }
    Some([
        (b[0] - dlon).max(-180.0),
        (b[1] - dlat).max(-90.0),
        (b[2] + dlon).min(180.0),
        (b[3] + dlat).min(90.0),
    ])
}

fn answer(
    engine: &engine::dispatch::Engine,
    modes: &[ModeSources],
    minutes: f64,
) -> Result<Value, V1Error> {
    let all: Vec<LonLat> = modes.iter().flat_map(|m| m.positions.clone()).collect();
    let places = match (engine.gazetteer(), reach_box(&all, minutes)) {
        (Some(g), Some(bbox)) => g
            .places(Some(bbox), None, MAX_PLACES)
            .map_err(|e| unprocessable(e.to_string()))?,
        _ => Vec::new(),
    };
    let report =
        isochrone::coverage_report(engine, modes, minutes, &places, &IsochroneParams::default())
            .map_err(|e| match e {
                isochrone::IsochroneError::InvalidContours(_)
                | isochrone::IsochroneError::InvalidParameter { .. } => {
                    unprocessable(e.to_string())
                }
                other => V1Error::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    other.to_string(),
                ),
            })?;
    let mut features: Vec<Value> = Vec::new();
    for (profile, iso) in &report.areas {
        for c in &iso.contours {
            let mut f = crate::isochrone_geojson::feature(c);
            f["properties"]["kind"] = json!("area");
            f["properties"]["profile"] = json!(profile);
            f["properties"]["sources"] = json!(iso.sources.len());
            features.push(f);
        }
    }
    for p in &report.outside {
        features.push(json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p.place.location.lon, p.place.location.lat]},
            "properties": {"kind": "place_outside", "name": p.place.name, "place": p.place.kind},
        }));
    }
    Ok(json!({
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "minutes": minutes,
            "places_inside": report.inside.len(),
            "places_outside": report.outside.len(),
            "unplaced_sources": report.unplaced.iter().map(|(p, n)| json!({"profile": p, "count": n})).collect::<Vec<_>>(),
        },
    }))
}
