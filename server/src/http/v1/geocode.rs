//! `GET /v1/geocode`: addresses, streets and places of the loaded extract matching free text
//! (the board's geocoder), best first: the suggestions a hotline form shows while an
//! operator types an address.

use axum::Json;
use serde::{Deserialize, Serialize};

use super::RoadCheck;
use super::auth::Auth;
use super::body::V1Query;
use super::error::{ErrorAnswers, V1Error};
use super::places::{checked_limit, gazetteer_of};

/// Most matches one answer lists.
pub const MAX_LIMIT: usize = 20;

/// Options of `GET /v1/geocode`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GeocodeQuery {
    /// Free text: `Boulevard des Moulins 30`, `ул. Мясницкая, д. 20`.
    pub q: String,
    /// How many, 1..=20 (default 5).
    #[param(minimum = 1, maximum = 20)]
    pub limit: Option<usize>,
}

/// One match.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GeocodeOut {
    /// The address as the map writes it.
    pub label: String,
    /// `house`, `street` or `place`.
    pub kind: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// How well the text matched, 0..=1.
    pub confidence: f64,
}

/// The answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GeocodeAnswer {
    /// Best match first; empty when nothing matches.
    pub matches: Vec<GeocodeOut>,
}

/// The wire name of a match's kind: `house`, `street` or `place`.
#[must_use]
pub fn kind_name(kind: engine::geocode::MatchKind) -> &'static str {
    match kind {
        engine::geocode::MatchKind::House => "house",
        engine::geocode::MatchKind::Street => "street",
        engine::geocode::MatchKind::Place => "place",
    }
}

/// Addresses, streets and places matching `q`. Every role may ask.
#[utoipa::path(get, path = "/v1/geocode", tag = "reachability", params(GeocodeQuery),
    responses((status = 200, description = "Matches", body = GeocodeAnswer), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn geocode(
    _auth: Auth,
    roads: RoadCheck,
    q: V1Query<GeocodeQuery>,
) -> Result<Json<GeocodeAnswer>, V1Error> {
    let q = q.0;
    let limit = checked_limit(q.limit, 5, MAX_LIMIT)?;
    let gazetteer = gazetteer_of(&roads, "no_addresses", "addresses")?;
    let found = gazetteer
        .search(&q.q, limit)
        .map_err(|e| V1Error::invalid("q", e.to_string()))?;
    let matches = found
        .into_iter()
        .map(|m| GeocodeOut {
            kind: kind_name(m.kind).to_owned(),
            label: m.label,
            lon: m.location.lon,
            lat: m.location.lat,
            confidence: m.confidence,
        })
        .collect();
    Ok(Json(GeocodeAnswer { matches }))
}
