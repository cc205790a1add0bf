//! `POST /v1/reachability`: from an origin (a headquarters), road time and distance to each
//! point by one profile, and for each point that cannot be reached the reason
//! ([`engine::reachability`]). Admins and coordinators only.

use axum::Json;
use axum::http::StatusCode;
use engine::board::Role;
use engine::dispatch::DispatchError;
use engine::osm::ExcludeSet;
use engine::reachability::{ReachError, ReachOptions, reach};
use engine::types::LonLat;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::RoadCheck;
use super::auth::Auth;
use super::body::V1Json;
use super::error::{ErrorAnswers, V1Error};
use super::exclude::exclude_set;
use crate::reachability::ReachOut;

/// Most points one report takes.
pub const MAX_POINTS: usize = 10_000;

/// The question: from where, by which profile, to which points.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReachabilityBody {
    /// A loaded profile (`car`, `bicycle`, `foot`).
    pub profile: String,
    /// The origin, `[lon, lat]`.
    #[schema(value_type = Vec<f64>, min_items = 2, max_items = 2)]
    pub from: Value,
    /// The points, `[[lon, lat], ...]`, at most 10,000.
    #[schema(value_type = Vec<Vec<f64>>, max_items = 10000)]
    pub points: Vec<Value>,
    /// `false`: routes may not take a ferry (points only a ferry reaches are
    /// `ferry_only`), as `exclude: ["ferry"]`. Default `true`.
    pub ferries: Option<bool>,
    /// Classes of roads routes may not use, OSRM's `exclude` names (`car`: motorway, toll,
    /// ferry, unpaved; `bicycle`: ferry, unpaved; `foot`: ferry; see `/health`). Times are
    /// those of routes without them; points only they reach are `ferry_only` or
    /// `excluded_only` (naming the class and the road). An unknown class is 422.
    #[schema(max_items = 16)]
    pub exclude: Option<Vec<String>>,
    /// How far from a point to look for a road, metres (default: the profile's, 5 km by
    /// car and bicycle, 1 km on foot).
    #[schema(minimum = 0.0, maximum = 100000.0)]
    pub radius_m: Option<f64>,
}

/// The answer: one result per point, in the order of `points`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReachabilityAnswer {
    /// The results.
    pub results: Vec<ReachOut>,
}

/// `[lon, lat]` of a JSON value, or what is wrong with it.
fn lon_lat(v: &Value) -> Result<LonLat, &'static str> {
    let Some([lon, lat]) = v.as_array().map(Vec::as_slice) else {
        return Err("must be [lon, lat]");
    };
    let (Some(lon), Some(lat)) = (lon.as_f64(), lat.as_f64()) else {
        return Err("must be two numbers");
    };
    let p = LonLat::new(lon, lat);
    if p.is_valid() {
        Ok(p)
    } else {
        Err("is not a WGS84 position (lon in -180..=180, lat in -90..=90)")
    }
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> V1Error {
    V1Error::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

pub(crate) fn reach_error(e: ReachError) -> V1Error {
    match e {
        ReachError::UnknownProfile { .. } => unprocessable("unknown_profile", e.to_string()),
        ReachError::InvalidOrigin { .. } => V1Error::invalid("from", e.to_string()),
        ReachError::InvalidPoint { index, .. } => V1Error::invalid("points", e.to_string())
            .with_details(json!({"field": "points", "index": index})),
        ReachError::InvalidRadius { .. } => V1Error::invalid("radius_m", e.to_string()),
        ReachError::TooManyPoints { .. } => unprocessable("too_many_points", e.to_string()),
        ReachError::Dispatch(DispatchError::ExcludeNotSupported { .. }) => {
            V1Error::invalid("exclude", e.to_string())
        }
        ReachError::OriginOffRoad { .. } => unprocessable("origin_off_road", e.to_string()),
        ReachError::Dispatch(DispatchError::LimitExceeded(m)) => V1Error::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "limit_exceeded",
            format!("a search went past its bound: {m}"),
        ),
        other => V1Error::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            other.to_string(),
        ),
    }
}

/// Road time and distance from `from` to each point by `profile`, and for each point that
/// cannot be reached the reason: `no_road_nearby` (no road within the radius),
/// `island` (its road is on a small island of the network; `gap_m` is how far the
/// connected network is), `origin_island`, `ferry_only` (with `ferries: false`),
/// `excluded_only` (with `exclude`: only a road of an excluded class reaches it),
/// `other_mode_only` (only the other loaded profiles reach it), `no_route`. Points are snapped
/// honestly: a point by an island stays on it (unlike the OSRM endpoints).
#[utoipa::path(post, path = "/v1/reachability", tag = "reachability",
    request_body = ReachabilityBody,
    responses((status = 200, description = "One result per point, in order",
        body = ReachabilityAnswer), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn reachability(
    auth: Auth,
    roads: RoadCheck,
    body: V1Json<ReachabilityBody>,
) -> Result<Json<ReachabilityAnswer>, V1Error> {
    if !matches!(auth.who.role, Role::Admin | Role::Coordinator) {
        return Err(V1Error::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only coordinators and admins ask for reachability",
        ));
    }
    let b = body.value;
    if b.points.len() > MAX_POINTS {
        return Err(unprocessable(
            "too_many_points",
            format!(
                "{} points were given, at most {MAX_POINTS} are taken",
                b.points.len()
            ),
        ));
    }
    let from = lon_lat(&b.from).map_err(|why| V1Error::invalid("from", format!("from {why}")))?;
    let points = b
        .points
        .iter()
        .enumerate()
        .map(|(i, v)| {
            lon_lat(v).map_err(|why| {
                V1Error::invalid("points", format!("points[{i}] {why}"))
                    .with_details(json!({"field": "points", "index": i}))
            })
        })
        .collect::<Result<Vec<LonLat>, V1Error>>()?;
    if let Some(r) = b.radius_m
        && !(0.0..=100_000.0).contains(&r)
    {
        return Err(V1Error::invalid(
            "radius_m",
            "radius_m must be in 0..=100000 metres",
        ));
    }
    let exclude = if roads.0.has_profile(&b.profile) {
        exclude_set(&roads.0, &b.profile, b.exclude.as_deref())?
    } else {
        // The report names the loaded profiles.
        ExcludeSet::EMPTY
    };
    let options = ReachOptions {
        radius_m: b.radius_m,
        ferries: b.ferries.unwrap_or(true),
        exclude,
        max_points: MAX_POINTS,
        ..ReachOptions::default()
    };
    let engine = std::sync::Arc::clone(&roads.0);
    let profile = b.profile;
    let results = tokio::task::spawn_blocking(move || {
        reach(&engine, &profile, from, &points, &options)
            .map(|r| r.iter().map(ReachOut::from).collect::<Vec<_>>())
    })
    .await
    .map_err(|e| V1Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
    .map_err(reach_error)?;
    Ok(Json(ReachabilityAnswer { results }))
}
