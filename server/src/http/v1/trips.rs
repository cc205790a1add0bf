//! `POST /v1/trips/remote`: a coordinator's multi-day trip to remote settlements
//! ([`engine::trips`]): from a headquarters (or a point), over up to 14 days, with working
//! hours, a daily driving limit and nights at home, at a settlement or at lodging points.
//! Answers the day-by-day itinerary as JSON ([`crate::trips::TripAnswer`]), or as GeoJSON
//! with `?format=geojson` or `Accept: application/geo+json`. Admins and coordinators only;
//! solves share the server's bound on concurrent optimisations (503 `solver_busy`).

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use engine::board::Role;
use engine::dispatch::DispatchError;
use engine::osm::ExcludeSet;
use engine::reachability::ReachError;
use engine::trips::{
    DayWindow, MAX_DAYS, MAX_LODGINGS, MAX_SETTLEMENTS, MAX_VEHICLES, Overnight, RoadPoint,
    RoadTrip, TripConfig, TripError, TripStop, find_place, plan_on_roads,
};
use engine::types::LonLat;
use serde::Deserialize;
use serde_json::{Value, json};

use super::RoadCheck;
use super::auth::Auth;
use super::body::{V1Json, V1Query};
use super::error::{ErrorAnswers, V1Error};
use super::exclude::exclude_set;
use super::plans::solve_permit;
use super::reachability::reach_error;
use crate::http::AppState;
use crate::trips::{TripAnswer, answer, geojson, parse_duration, parse_hours};

/// Search iterations of one trip.
pub const ITERATIONS: u32 = 1_000;

/// A settlement to visit: a place of the extract (`place`: its id from `GET /v1/places`,
/// such as `node/123`, or its name) or a point (`at` with a `name`).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementIn {
    /// A place id (`node/123`, `way/45`) or name.
    pub place: Option<String>,
    /// A point `[lon, lat]` (instead of `place`).
    #[schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2)]
    pub at: Option<Value>,
    /// Its name (default: the place's).
    pub name: Option<String>,
    /// Minutes spent there (default: the body's `service_min`).
    #[schema(maximum = 1440)]
    pub service_min: Option<u32>,
    /// Days it may be visited, from 1 (default: any).
    pub days: Option<Vec<u32>>,
    /// When the visit may start, `HH:MM-HH:MM` each (default: any time).
    pub windows: Option<Vec<String>>,
    /// Higher is served first when not all fit (default 0).
    pub priority: Option<u32>,
}

/// A lodging point.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LodgingIn {
    /// `[lon, lat]`.
    #[schema(value_type = Vec<f64>, min_items = 2, max_items = 2)]
    pub at: Value,
    /// Its name.
    pub name: Option<String>,
}

/// `POST /v1/trips/remote`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TripBody {
    /// A loaded profile (default `car`).
    pub profile: Option<String>,
    /// The start and end `[lon, lat]`, or give `hq`.
    #[schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2)]
    pub origin: Option<Value>,
    /// A headquarters whose location is the start and end.
    pub hq: Option<i64>,
    /// The settlements, at most 200.
    #[schema(max_items = 200)]
    pub settlements: Vec<SettlementIn>,
    /// Days of the trip, 1..=14.
    #[schema(minimum = 1, maximum = 14)]
    pub days: u32,
    /// Working hours of each day, `HH:MM-HH:MM` (default `09:00-19:00`).
    pub hours: Option<String>,
    /// Most driving per vehicle and day: `6h`, `5h30m`, `300m` (default `8h`).
    pub max_driving: Option<String>,
    /// `home` (default), `settlement` or `lodging`.
    pub overnight: Option<String>,
    /// Lodging points for `overnight: lodging`, at most 50.
    pub lodgings: Option<Vec<LodgingIn>>,
    /// Vehicles, 1..=10 (default 1).
    #[schema(minimum = 1, maximum = 10)]
    pub vehicles: Option<usize>,
    /// Default minutes spent at each settlement (default 30).
    #[schema(maximum = 1440)]
    pub service_min: Option<u32>,
    /// Classes of roads the trip may not use, OSRM's `exclude` names (`car`: motorway,
    /// toll, ferry, unpaved; see `/health`); settlements only they reach are left out as
    /// `not_reachable` with reason `ferry_only` or `excluded_only`. An unknown class is 422.
    #[schema(max_items = 16)]
    pub exclude: Option<Vec<String>>,
}

/// Options in the query string.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TripQuery {
    /// `json` (default) or `geojson`.
    pub format: Option<String>,
}

/// `[lon, lat]` of a JSON value, or what is wrong with it.
fn lon_lat(field: &str, v: &Value) -> Result<LonLat, V1Error> {
    let p = v
        .as_array()
        .and_then(|a| match a.as_slice() {
            [x, y] => Some(LonLat::new(x.as_f64()?, y.as_f64()?)),
            _ => None,
        })
        .ok_or_else(|| V1Error::invalid(field, format!("{field} must be [lon, lat]")))?;
    if p.is_valid() {
        Ok(p)
    } else {
        Err(V1Error::invalid(
            field,
            format!("{field} is not a WGS84 position (lon in -180..=180, lat in -90..=90)"),
        ))
    }
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> V1Error {
    V1Error::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

fn trip_error(e: TripError) -> V1Error {
    let msg = e.to_string();
    match e {
        TripError::NoDays | TripError::TooManyDays { .. } => V1Error::invalid("days", msg),
        TripError::VehicleCount { .. } => V1Error::invalid("vehicles", msg),
        TripError::TooManySettlements { .. } => unprocessable("too_many_settlements", msg),
        TripError::TooManyLodgings { .. } | TripError::NoLodging => {
            V1Error::invalid("lodgings", msg)
        }
        TripError::InvalidHours { .. } => V1Error::invalid("hours", msg),
        TripError::NoDriving => V1Error::invalid("max_driving", msg),
        TripError::ContradictoryWindow { settlement, .. }
        | TripError::WindowOutsideHours { settlement, .. }
        | TripError::DayOutOfRange { settlement, .. } => {
            unprocessable("contradictory_windows", msg)
                .with_details(json!({"field": "settlements", "index": settlement}))
        }
        TripError::NoPlaces => unprocessable("no_places", msg),
        TripError::UnknownPlace(_) => unprocessable("unknown_place", msg),
        TripError::Reach(e) => reach_error(e),
        TripError::Dispatch(DispatchError::LimitExceeded(m)) => {
            reach_error(ReachError::Dispatch(DispatchError::LimitExceeded(m)))
        }
        other => V1Error::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            other.to_string(),
        ),
    }
}

/// Checks the bounds that do not need the roads.
fn bounds(b: &TripBody) -> Result<(), V1Error> {
    if b.days == 0 || b.days > MAX_DAYS {
        return Err(V1Error::invalid(
            "days",
            format!("days must be 1..={MAX_DAYS}, got {}", b.days),
        ));
    }
    if b.settlements.len() > MAX_SETTLEMENTS {
        return Err(unprocessable(
            "too_many_settlements",
            format!(
                "{} settlements were given, at most {MAX_SETTLEMENTS} are planned",
                b.settlements.len()
            ),
        ));
    }
    if b.lodgings.as_ref().is_some_and(|l| l.len() > MAX_LODGINGS) {
        return Err(V1Error::invalid(
            "lodgings",
            format!("at most {MAX_LODGINGS} lodging points are taken"),
        ));
    }
    if b.vehicles.is_some_and(|v| v == 0 || v > MAX_VEHICLES) {
        return Err(V1Error::invalid(
            "vehicles",
            format!("vehicles must be 1..={MAX_VEHICLES}"),
        ));
    }
    Ok(())
}

/// One settlement of the body as the engine takes it.
fn stop(
    engine: &engine::dispatch::Engine,
    i: usize,
    s: &SettlementIn,
    default_service_min: u32,
) -> Result<TripStop, V1Error> {
    let at_index = |e: V1Error| e.with_details(json!({"field": "settlements", "index": i}));
    let point = match (&s.place, &s.at) {
        (Some(key), None) => find_place(engine, key).map_err(|e| at_index(trip_error(e)))?,
        (None, Some(at)) => RoadPoint {
            name: String::new(),
            at: lon_lat("settlements", at).map_err(at_index)?,
        },
        _ => {
            return Err(at_index(V1Error::invalid(
                "settlements",
                format!("settlements[{i}] needs either place or at"),
            )));
        }
    };
    let service_min = s.service_min.unwrap_or(default_service_min);
    if service_min > 1_440 {
        return Err(at_index(V1Error::invalid(
            "settlements",
            format!("settlements[{i}].service_min must be at most 1440"),
        )));
    }
    let days = s
        .days
        .iter()
        .flatten()
        .map(|&d| {
            d.checked_sub(1).ok_or_else(|| {
                at_index(V1Error::invalid(
                    "settlements",
                    format!("settlements[{i}].days counts from 1"),
                ))
            })
        })
        .collect::<Result<Vec<u32>, V1Error>>()?;
    let windows = s
        .windows
        .iter()
        .flatten()
        .map(|w| {
            parse_hours(w).map_err(|why| {
                at_index(unprocessable(
                    "contradictory_windows",
                    format!("settlements[{i}].windows: {why}"),
                ))
            })
        })
        .collect::<Result<Vec<DayWindow>, V1Error>>()?;
    Ok(TripStop {
        point: RoadPoint {
            name: s.name.clone().unwrap_or(point.name),
            at: point.at,
        },
        service_s: service_min * 60,
        days,
        windows,
        priority: s.priority.unwrap_or(0),
    })
}

/// Plans a multi-day trip from a headquarters (`hq`) or a point (`origin`) to settlements
/// (places of the extract by id or name, or points), over `days` days within `hours`, at
/// most `max_driving` of driving per vehicle and day, the nights spent at `home`, at the
/// last `settlement` of the day or at `lodging` points. Answers each vehicle's days (visits
/// with arrival and departure, driving, the night) and the settlements left out with the
/// reason (`not_reachable` with the reachability report's reason, `service_longer_than_day`,
/// `does_not_fit_in_day`, `outside_windows`, `driving_limit`, `out_of_days`). With
/// `?format=geojson` or `Accept: application/geo+json`: a GeoJSON FeatureCollection (a
/// LineString on the roads per vehicle day, Points for visits, nights and left-out places).
#[utoipa::path(post, path = "/v1/trips/remote", tag = "reachability",
    params(TripQuery),
    request_body = TripBody,
    responses((status = 200, description = "The itinerary (JSON, or GeoJSON on request)",
        body = TripAnswer), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn plan(
    State(app): State<AppState>,
    auth: Auth,
    roads: RoadCheck,
    headers: HeaderMap,
    query: V1Query<TripQuery>,
    body: V1Json<TripBody>,
) -> Result<Response, V1Error> {
    if !matches!(auth.who.role, Role::Admin | Role::Coordinator) {
        return Err(V1Error::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only coordinators and admins plan trips",
        ));
    }
    let as_geojson = match query.0.format.as_deref() {
        None | Some("json") => headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/geo+json")),
        Some("geojson") => true,
        Some(f) => {
            return Err(V1Error::invalid(
                "format",
                format!("format must be json or geojson, not {f:?}"),
            ));
        }
    };
    let b = body.value;
    bounds(&b)?;
    let origin = match (&b.origin, b.hq) {
        (Some(o), None) => lon_lat("origin", o)?,
        (None, Some(id)) => {
            let hq = auth.board.board.hq(&auth.who, id).await?;
            LonLat::new(hq.location[0], hq.location[1])
        }
        _ => {
            return Err(V1Error::invalid(
                "origin",
                "give either origin [lon, lat] or hq",
            ));
        }
    };
    let hours = parse_hours(b.hours.as_deref().unwrap_or("09:00-19:00"))
        .map_err(|why| V1Error::invalid("hours", why))?;
    let max_driving_s = parse_duration(b.max_driving.as_deref().unwrap_or("8h"))
        .map_err(|why| V1Error::invalid("max_driving", why))?;
    let overnight = b.overnight.as_deref().unwrap_or("home");
    let overnight = Overnight::from_name(overnight).ok_or_else(|| {
        V1Error::invalid(
            "overnight",
            format!("overnight must be home, settlement or lodging, not {overnight:?}"),
        )
    })?;
    let lodgings = b
        .lodgings
        .iter()
        .flatten()
        .map(|l| {
            Ok(RoadPoint {
                name: l.name.clone().unwrap_or_default(),
                at: lon_lat("lodgings", &l.at)?,
            })
        })
        .collect::<Result<Vec<_>, V1Error>>()?;
    let service_min = b.service_min.unwrap_or(30);
    let engine = Arc::clone(&roads.0);
    let stops = b
        .settlements
        .iter()
        .enumerate()
        .map(|(i, s)| stop(&engine, i, s, service_min))
        .collect::<Result<Vec<_>, V1Error>>()?;
    let profile = b.profile.unwrap_or_else(|| "car".to_owned());
    let exclude = if engine.has_profile(&profile) {
        exclude_set(&engine, &profile, b.exclude.as_deref())?
    } else {
        // Planning names the loaded profiles.
        ExcludeSet::EMPTY
    };
    let trip = RoadTrip {
        profile,
        origin,
        vehicles: b.vehicles.unwrap_or(1),
        stops,
        lodgings,
        days: b.days,
        hours,
        max_driving_s,
        overnight,
        exclude,
    };
    let permit = solve_permit(&app)?;
    let config = TripConfig {
        iterations: ITERATIONS,
        seed: 1,
        ..TripConfig::default()
    };
    let out = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        plan_on_roads(&engine, &trip, &config).map(|planned| {
            if as_geojson {
                geojson(&trip, &planned)
            } else {
                serde_json::to_value(answer(&trip, &planned)).unwrap_or(Value::Null)
            }
        })
    })
    .await
    .map_err(|e| V1Error::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?
    .map_err(trip_error)?;
    if as_geojson {
        Ok(([(header::CONTENT_TYPE, "application/geo+json")], Json(out)).into_response())
    } else {
        Ok(Json(out).into_response())
    }
}
