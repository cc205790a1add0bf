//! `GET /isochrone/v1/{profile}/{lon},{lat}?contours_minutes=15,30,60`: the areas reachable
//! from a point within each time, as a GeoJSON `FeatureCollection`
//! ([`crate::isochrone_geojson`]).
//!
//! Query parameters (Valhalla's names where it has them):
//! - `contours_minutes` (required): 1 to 4 distinct times in minutes, each in `0 < t <= 240`;
//! - `denoise` (0..=1, default 0): drop the polygons smaller than this share of the largest
//!   of their contour;
//! - `generalize` (metres, 0..=10000, default 0): Douglas–Peucker tolerance;
//! - `polygons` (default and only value `true`);
//! - `radius` (metres): how far from the point a road may be snapped (default: the
//!   profile's, as OSRM's endpoints);
//! - `exclude`: classes of roads not to use, `,`-separated, as OSRM's `exclude=` (the
//!   profile's classes are in `/health`); the origin is snapped off them.
//!
//! Errors use OSRM's shape and HTTP 400: `InvalidOptions` for bad or unknown parameters,
//! `InvalidQuery` for an unreadable coordinate or an empty `exclude` element,
//! `InvalidValue` for a coordinate outside WGS84 or a class the profile cannot exclude,
//! `NoSegment` for a point far from every road (at sea), `InvalidUrl` for an unknown
//! profile. The endpoint is open like OSRM's, and needs a token when the server runs with
//! `--require-token-for-routing`.

use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use engine::dispatch::Location;
use engine::isochrone::{self, Contours, IsochroneError, IsochroneParams};
use serde_json::{Value, json};

use super::error::{ApiError, ErrorCode};
use super::osrm::{loaded_profile, run_heavy};
use super::state::AppState;

/// A parsed isochrone request.
#[derive(Clone, Debug, PartialEq)]
pub struct IsochroneQuery {
    /// The contour times.
    pub contours: Contours,
    /// Post-processing of the outlines.
    pub params: IsochroneParams,
    /// Snapping radius in metres (`None`: the profile's default).
    pub radius_m: Option<f64>,
    /// Names of the classes of roads to exclude, as given (checked against the profile).
    pub exclude: Vec<String>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidOptions, message)
}

/// Parses a comma-separated list of minutes (`15,30,60`).
///
/// # Errors
/// `InvalidOptions` naming the bad item or the rule broken.
pub fn parse_contours(text: &str) -> Result<Contours, ApiError> {
    let minutes = text
        .split(',')
        .map(|s| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| invalid(format!("contours_minutes: {s:?} is not a number")))
        })
        .collect::<Result<Vec<f64>, ApiError>>()?;
    Contours::try_new(&minutes).map_err(|e| invalid(format!("contours_minutes: {e}")))
}

fn number(name: &str, value: &str) -> Result<f64, ApiError> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| invalid(format!("{name}: {value:?} is not a number")))
}

/// Parses the query string of an isochrone request.
///
/// # Errors
/// `InvalidOptions` for a missing `contours_minutes`, a bad value, or an unknown or repeated
/// parameter.
pub fn parse_query(query: &str) -> Result<IsochroneQuery, ApiError> {
    let mut contours = None;
    let mut params = IsochroneParams::default();
    let mut radius_m = None;
    let mut exclude = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if seen.iter().any(|k| *k == key) {
            return Err(invalid(format!("{key} is given twice")));
        }
        seen.push(key.to_string());
        match key.as_ref() {
            "contours_minutes" => contours = Some(parse_contours(&value)?),
            "denoise" => params.denoise = number("denoise", &value)?,
            "generalize" => params.generalize_m = number("generalize", &value)?,
            "radius" => {
                let r = number("radius", &value)?;
                if r < 0.0 {
                    return Err(invalid("radius must not be negative"));
                }
                radius_m = Some(r);
            }
            "exclude" => {
                if !value.is_empty() {
                    if value.split(',').any(str::is_empty) {
                        return Err(ApiError::new(
                            ErrorCode::InvalidQuery,
                            "exclude has an empty class",
                        ));
                    }
                    exclude = value.split(',').map(str::to_owned).collect();
                }
            }
            "polygons" => {
                if value != "true" {
                    return Err(invalid("polygons: only polygons (true) are answered"));
                }
            }
            other => {
                return Err(invalid(format!(
                    "unknown parameter {other:?} (known: contours_minutes, denoise, exclude, generalize, polygons, radius)"
                )));
            }
        }
    }
    params.validate().map_err(|e| invalid(e.to_string()))?;
    let contours =
        contours.ok_or_else(|| invalid("contours_minutes is required, e.g. 15,30,60"))?;
    Ok(IsochroneQuery {
        contours,
        params,
        radius_m,
        exclude,
    })
}

/// Parses `lon,lat`.
///
/// # Errors
/// `InvalidQuery` when it is not two numbers.
pub fn parse_origin(text: &str) -> Result<Location, ApiError> {
    let bad = || {
        ApiError::new(
            ErrorCode::InvalidQuery,
            format!("{text:?} is not one coordinate lon,lat"),
        )
    };
    let (lon, lat) = text.split_once(',').ok_or_else(bad)?;
    let lon: f64 = lon.trim().parse().map_err(|_| bad())?;
    let lat: f64 = lat.trim().parse().map_err(|_| bad())?;
    Ok(Location::new(lon, lat))
}

/// The API error of an isochrone failure.
#[must_use]
pub fn api_error(e: &IsochroneError) -> ApiError {
    match e {
        IsochroneError::InvalidContours(_) | IsochroneError::InvalidParameter { .. } => {
            invalid(e.to_string())
        }
        IsochroneError::NoSource => ApiError::new(ErrorCode::NoSegment, e.to_string()),
        IsochroneError::Dispatch(d) => ApiError::from_dispatch(d, ErrorCode::NoRoute),
        IsochroneError::Internal(details) => ApiError::internal(details),
    }
}

/// `GET /isochrone/v1/{profile}/{lon},{lat}`.
pub async fn handle(
    State(state): State<AppState>,
    Path((profile, origin)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    match answer(&state, profile, &origin, query.as_deref().unwrap_or("")).await {
        Ok(body) => ([(header::CONTENT_TYPE, "application/geo+json")], body).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn answer(
    state: &AppState,
    profile: String,
    origin: &str,
    query: &str,
) -> Result<Vec<u8>, ApiError> {
    let mut origin = parse_origin(origin)?;
    let q = parse_query(query)?;
    origin.radius_m = q.radius_m;
    let engine = state.engine();
    let profile = loaded_profile(&engine, profile)?;
    let exclude = engine
        .exclude_set(&profile, q.exclude.iter().map(String::as_str))
        .map_err(|e| ApiError::from_dispatch(&e, ErrorCode::NoRoute))?;
    run_heavy(state, move || {
        let iso =
            isochrone::isochrone_with(&engine, &profile, origin, exclude, &q.contours, &q.params)
                .map_err(|e| api_error(&e))?;
        serde_json::to_vec(&crate::isochrone_geojson::feature_collection(&iso))
            .map_err(|e| ApiError::internal(&e.to_string()))
    })
    .await
}

/// Adds `GET /isochrone/v1/{profile}/{origin}` to the OpenAPI document.
pub fn describe_openapi(doc: &mut Value) {
    let q = |name: &str, required: bool, description: &str, schema: Value| json!({"name": name, "in": "query", "required": required, "description": description, "schema": schema});
    let op = json!({"get": {
        "summary": "Areas reachable from a point within each time: a GeoJSON FeatureCollection, one Polygon or MultiPolygon feature per contour (largest first) with properties.contour in minutes and properties.metric = \"time\"; holes where unreachable; RFC 7946 (exterior rings counter-clockwise, holes clockwise, at most 6 decimals).",
        "parameters": [
            {"name": "profile", "in": "path", "required": true, "schema": {"type": "string"}, "description": "Profile of a loaded graph (car, bicycle, foot)."},
            {"name": "origin", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[^,]+,[^,]+$"}, "description": "lon,lat"},
            q("contours_minutes", true, "1 to 4 distinct times in minutes, comma-separated, each in 0 < t <= 240.", json!({"type": "string"})),
            q("denoise", false, "0..=1 (default 0): drop polygons smaller than this share of the largest of their contour.", json!({"type": "number", "minimum": 0, "maximum": 1})),
            q("generalize", false, "Douglas-Peucker tolerance in metres, 0..=10000 (default 0).", json!({"type": "number", "minimum": 0, "maximum": 10000})),
            q("polygons", false, "Only true (the default).", json!({"type": "boolean"})),
            q("radius", false, "Snapping radius in metres (default: the profile's).", json!({"type": "number", "minimum": 0})),
            q("exclude", false, "Classes of roads not to use, comma-separated, as OSRM's exclude (car: motorway, toll, ferry, unpaved; bicycle: ferry, unpaved; foot: ferry; see /health). The origin is snapped off them. An empty element is InvalidQuery, a class the profile cannot exclude InvalidValue.", json!({"type": "string"}))
        ],
        "responses": {
            "200": {"description": "GeoJSON FeatureCollection", "content": {"application/geo+json": {"schema": {"type": "object", "required": ["type", "features"]}}}},
            "400": {"description": "OSRM error (InvalidOptions, InvalidQuery, InvalidValue, NoSegment, InvalidUrl)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
    }});
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        paths.insert("/isochrone/v1/{profile}/{origin}".to_owned(), op);
    }
}
