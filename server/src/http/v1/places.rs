//! `GET /v1/places`: the settlements of the loaded extract (cities, villages, hamlets, ...)
//! from the graph files' gazetteer, in a bounding box and/or matching a name (fuzzy).

use axum::Json;
use axum::http::StatusCode;
use engine::geocode::GeocodeError;
use engine::osm::PlaceKind;
use serde::{Deserialize, Serialize};

use super::RoadCheck;
use super::auth::Auth;
use super::body::V1Query;
use super::error::{ErrorAnswers, V1Error};

/// Most places one answer lists.
pub const MAX_LIMIT: usize = 10_000;

/// Options of `GET /v1/places`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlacesQuery {
    /// `min_lon,min_lat,max_lon,max_lat` (degrees).
    pub bbox: Option<String>,
    /// A name to search for (fuzzy: typos, transliteration, word order).
    pub q: Option<String>,
    /// Only this kind: `city`, `town`, `village`, `hamlet`, `isolated_dwelling`, `suburb`,
    /// `quarter`, `neighbourhood`, `locality`.
    pub kind: Option<String>,
    /// How many, 1..=10000 (default 100).
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<usize>,
}

/// A place.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlaceOut {
    /// Its name.
    pub name: String,
    /// `city`, `town`, `village`, `hamlet`, `isolated_dwelling`, `suburb`, `quarter`,
    /// `neighbourhood` or `locality`.
    pub kind: String,
    /// `population`, when tagged.
    pub population: Option<u64>,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// `node` or `way`, and its OSM id: `node/123`.
    pub osm: String,
}

/// The answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlacesAnswer {
    /// With `q`, best match first; else biggest kind first, then by population.
    pub places: Vec<PlaceOut>,
}

fn parse_bbox(s: &str) -> Result<[f64; 4], V1Error> {
    let bad = || V1Error::invalid("bbox", "bbox must be min_lon,min_lat,max_lon,max_lat");
    let v: Vec<f64> = s
        .split(',')
        .map(|x| x.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    <[f64; 4]>::try_from(v.as_slice()).map_err(|_| bad())
}

/// `limit` (default `default`), or 422 when it is outside `1..=max`.
pub(crate) fn checked_limit(
    limit: Option<usize>,
    default: usize,
    max: usize,
) -> Result<usize, V1Error> {
    let limit = limit.unwrap_or(default);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(V1Error::invalid(
            "limit",
            format!("limit must be in 1..={max}"),
        ))
    }
}

/// The gazetteer of the loaded graph files, or 404 `code` saying they carry no `what`.
pub(crate) fn gazetteer_of<'a>(
    roads: &'a RoadCheck,
    code: &'static str,
    what: &str,
) -> Result<&'a engine::geocode::Gazetteer, V1Error> {
    roads.0.gazetteer().ok_or_else(|| {
        V1Error::new(
            StatusCode::NOT_FOUND,
            code,
            format!("the loaded graph files carry no {what} (import them with vmeste import)"),
        )
    })
}

/// The places of the loaded extract, in `bbox`, matching `q`, of `kind`. Every role may ask.
#[utoipa::path(get, path = "/v1/places", tag = "reachability", params(PlacesQuery),
    responses((status = 200, description = "Places", body = PlacesAnswer), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn places(
    _auth: Auth,
    roads: RoadCheck,
    q: V1Query<PlacesQuery>,
) -> Result<Json<PlacesAnswer>, V1Error> {
    let q = q.0;
    let limit = checked_limit(q.limit, 100, MAX_LIMIT)?;
    let bbox = q.bbox.as_deref().map(parse_bbox).transpose()?;
    let kind = match q.kind.as_deref() {
        Some(k) => Some(
            PlaceKind::from_tag(k)
                .ok_or_else(|| V1Error::invalid("kind", format!("unknown place kind {k:?}")))?,
        ),
        None => None,
    };
    let gazetteer = gazetteer_of(&roads, "no_places", "places")?;
    // The kind filter runs after the search, so the search is not cut at `limit` first.
    let wide = if kind.is_some() {
        engine::geocode::MAX_PLACES_LIMIT
    } else {
        limit
    };
    let found = gazetteer
        .places(bbox, q.q.as_deref(), wide)
        .map_err(|e| match e {
            GeocodeError::InvalidBbox { .. } => V1Error::invalid("bbox", e.to_string()),
            other => V1Error::invalid("q", other.to_string()),
        })?;
    let places = found
        .into_iter()
        .filter(|p| kind.is_none_or(|k| p.kind == k))
        .take(limit)
        .map(|p| PlaceOut {
            name: p.name,
            kind: p.kind.as_str().to_owned(),
            population: p.population,
            lon: p.location.lon,
            lat: p.location.lat,
            osm: format!(
                "{}/{}",
                match p.source.kind {
                    engine::osm::ElementKind::Node => "node",
                    engine::osm::ElementKind::Way => "way",
                },
                p.source.id
            ),
        })
        .collect();
    Ok(Json(PlacesAnswer { places }))
}
