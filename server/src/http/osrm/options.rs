//! OSRM request options, from a query string (GET) or the fields of a JSON body (POST), and
//! their validation per service.
//!
//! A JSON body's fields are first written in the query-string form (`[1, null, 2]` becomes
//! `1;;2`, `["duration", "distance"]` for `annotations` becomes `duration,distance`), so both
//! forms go through one parser. An option OSRM knows but vmeste cannot honour (`snapping=any`,
//! `approaches=curb`, …) is refused with `InvalidOptions`, never ignored; an option OSRM
//! does not know is `InvalidQuery`.

use serde_json::Value;

use engine::dispatch::Hint;
use engine::osm::{ExcludeClass, ExcludeSet};

use super::hint::{self, HintError};
use super::response::Waypoints;
use super::url::{Service, truncate};
use crate::http::error::{ApiError, ErrorCode};

/// Options as `(name, value)` text pairs, before validation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawOptions {
    pairs: Vec<(String, String)>,
}

fn query_error(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidQuery, msg)
}

fn options_error(msg: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidOptions, msg)
}

impl RawOptions {
    /// Options from a URL query string (`a=1&b=2`, percent-decoded).
    ///
    /// # Errors
    /// `InvalidQuery` for an option given twice.
    pub fn from_query(query: &str) -> Result<Self, ApiError> {
        let mut out = Self::default();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if k.is_empty() && v.is_empty() {
                continue;
            }
            out.push(k.into_owned(), v.into_owned())?;
        }
        Ok(out)
    }

    /// Options from the fields of a JSON object (all fields except `coordinates`).
    ///
    /// # Errors
    /// `InvalidQuery` for a value that has no query-string form (objects, nested arrays
    /// where a flat list is expected).
    pub fn from_json(fields: &serde_json::Map<String, Value>) -> Result<Self, ApiError> {
        let mut out = Self::default();
        for (k, v) in fields {
            if k == "coordinates" {
                continue;
            }
            let sep = if matches!(k.as_str(), "annotations" | "exclude") {
                ","
            } else {
                ";"
            };
            let text = match v {
                Value::Array(items) => {
                    let parts: Result<Vec<String>, ApiError> =
                        items.iter().map(|i| scalar_text(k, i, true)).collect();
                    parts?.join(sep)
                }
                other => scalar_text(k, other, false)?,
            };
            out.push(k.clone(), text)?;
        }
        Ok(out)
    }

    fn push(&mut self, k: String, v: String) -> Result<(), ApiError> {
        if self.pairs.iter().any(|(name, _)| *name == k) {
            return Err(query_error(format!(
                "Query string malformed: option {} given twice",
                truncate(&k)
            )));
        }
        self.pairs.push((k, v));
        Ok(())
    }

    /// The value of option `k`, if given.
    #[must_use]
    pub fn value(&self, k: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    }

    fn take(&mut self, k: &str) -> Option<String> {
        let i = self.pairs.iter().position(|(name, _)| name == k)?;
        Some(self.pairs.swap_remove(i).1)
    }

    /// Fails on the first option left (not consumed by the service's parser).
    fn finish(self, service: Service) -> Result<(), ApiError> {
        match self.pairs.first() {
            None => Ok(()),
            Some((k, _)) => Err(query_error(format!(
                "Query string malformed: unknown option {} for service {}",
                truncate(k),
                service.as_str()
            ))),
        }
    }
}

/// One JSON value as query-string text; `null` inside a list is an empty element.
fn scalar_text(key: &str, v: &Value, in_list: bool) -> Result<String, ApiError> {
    match v {
        Value::Null if in_list => Ok(String::new()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::String(s) => Ok(s.clone()),
        // A bearing is a `[value, range]` pair.
        Value::Array(pair) if in_list => {
            let parts: Result<Vec<String>, ApiError> =
                pair.iter().map(|i| scalar_text(key, i, false)).collect();
            Ok(parts?.join(","))
        }
        _ => Err(query_error(format!(
            "Query string malformed: option {} has a value of the wrong type",
            truncate(key)
        ))),
    }
}

fn parse_bool(key: &str, v: &str) -> Result<bool, ApiError> {
    match v {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(query_error(format!(
            "Query string malformed: {key} must be true or false, got {:?}",
            truncate(v)
        ))),
    }
}

fn parse_index(key: &str, v: &str) -> Result<usize, ApiError> {
    v.parse::<usize>().map_err(|_| {
        query_error(format!(
            "Query string malformed: {key} must hold non-negative integers, got {:?}",
            truncate(v)
        ))
    })
}

/// Geometry encoding of routes and steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Geometries {
    /// Google polyline, precision 5 (default).
    #[default]
    Polyline,
    /// Google polyline, precision 6.
    Polyline6,
    /// GeoJSON `LineString`.
    GeoJson,
}

/// Whole-route geometry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Overview {
    /// Douglas–Peucker simplified (default).
    #[default]
    Simplified,
    /// Every point.
    Full,
    /// None.
    False,
}

/// Which per-segment annotations to add to legs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "one flag per OSRM annotation"
)]
pub struct Annotations {
    /// Seconds per segment.
    pub duration: bool,
    /// Metres per segment.
    pub distance: bool,
    /// OSM node ids passed.
    pub nodes: bool,
    /// Metres per second per segment.
    pub speed: bool,
    /// Weight per segment (= duration: vmeste's weight is time).
    pub weight: bool,
    /// Data source per segment (always 0: the profile).
    pub datasources: bool,
}

impl Annotations {
    /// Every annotation (`annotations=true`).
    pub const ALL: Self = Self {
        duration: true,
        distance: true,
        nodes: true,
        speed: true,
        weight: true,
        datasources: true,
    };

    /// `true` when any annotation is asked for.
    #[must_use]
    pub fn any(self) -> bool {
        self.duration
            || self.distance
            || self.nodes
            || self.speed
            || self.weight
            || self.datasources
    }

    fn parse(v: &str) -> Result<Self, ApiError> {
        match v {
            "true" => return Ok(Self::ALL),
            "false" => return Ok(Self::default()),
            _ => {}
        }
        let mut a = Self::default();
        for item in v.split(',') {
            match item {
                "duration" => a.duration = true,
                "distance" => a.distance = true,
                "nodes" => a.nodes = true,
                "speed" => a.speed = true,
                "weight" => a.weight = true,
                "datasources" => a.datasources = true,
                _ => {
                    return Err(query_error(format!(
                        "Query string malformed: unknown annotation {:?}",
                        truncate(item)
                    )));
                }
            }
        }
        Ok(a)
    }
}

/// Options every service takes.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct CommonOptions {
    /// Snapping radius per coordinate in metres; `None` = the profile's default.
    pub radiuses: Vec<Option<f64>>,
    /// Leave `waypoints` out of the response.
    pub skip_waypoints: bool,
    /// Add a `hint` to each waypoint.
    pub generate_hints: bool,
    /// Per coordinate, a hint from an earlier answer (`hints=`; `None` for an empty element).
    pub hints: Vec<Option<Hint>>,
    /// Per coordinate, `(bearing, range)` in degrees: only roads running that way qualify.
    pub bearings: Vec<Option<(f64, f64)>>,
    /// Classes of roads to avoid (`exclude=`; `nearest` ignores it).
    pub exclude: ExcludeSet,
}

impl CommonOptions {
    /// How the answer shows waypoints.
    #[must_use]
    pub fn waypoints(&self) -> Waypoints {
        Waypoints {
            skip: self.skip_waypoints,
            hints: self.generate_hints,
        }
    }
}

/// A per-coordinate list (`a;b;;c`): `None` for an empty element. Its length must equal the
/// number of coordinates.
fn per_coordinate(key: &str, v: &str, n: usize) -> Result<Vec<Option<String>>, ApiError> {
    let items: Vec<Option<String>> = v
        .split(';')
        .map(|s| (!s.is_empty()).then(|| s.to_owned()))
        .collect();
    if items.len() != n {
        return Err(options_error(format!(
            "Number of elements in {key} ({}) does not match the number of coordinates ({n})",
            items.len()
        )));
    }
    Ok(items)
}

/// `exclude=class{,class}`: an empty value excludes nothing; an empty element is malformed
/// (`InvalidQuery`); a class that no profile knows is `InvalidValue` (OSRM's answer to an
/// unsupported class), a class the profile does not declare is refused by the engine.
/// Repeated classes count once.
fn parse_exclude(v: &str) -> Result<ExcludeSet, ApiError> {
    if v.is_empty() {
        return Ok(ExcludeSet::EMPTY);
    }
    v.split(',')
        .map(|name| {
            if name.is_empty() {
                return Err(query_error(format!(
                    "Query string malformed: exclude={} has an empty class",
                    truncate(v)
                )));
            }
            ExcludeClass::from_name(name).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidValue,
                    format!(
                        "Exclude flag combination is not supported: unknown class {}",
                        truncate(name)
                    ),
                )
            })
        })
        .collect()
}

/// One `bearings` element, `{value},{range}` in whole degrees: value in `0..=360`, range in
/// `0..=180` (OSRM's grammar and limits).
fn parse_bearing(s: &str) -> Result<(f64, f64), ApiError> {
    let malformed = || {
        query_error(format!(
            "Query string malformed: bearing {:?} is not {{value}},{{range}}",
            truncate(s)
        ))
    };
    let (value, range) = s.split_once(',').ok_or_else(malformed)?;
    let value: u16 = value.parse().map_err(|_| malformed())?;
    let range: u16 = range.parse().map_err(|_| malformed())?;
    if value > 360 || range > 180 {
        return Err(options_error(format!(
            "Bearing {value},{range} is invalid: the value must be in 0..=360 and the range in 0..=180"
        )));
    }
    Ok((f64::from(value), f64::from(range)))
}

fn parse_common(o: &mut RawOptions, n: usize) -> Result<CommonOptions, ApiError> {
    let mut c = CommonOptions {
        radiuses: vec![None; n],
        skip_waypoints: false,
        generate_hints: true,
        hints: vec![None; n],
        bearings: vec![None; n],
        exclude: ExcludeSet::EMPTY,
    };
    if let Some(v) = o.take("radiuses") {
        c.radiuses = per_coordinate("radiuses", &v, n)?
            .into_iter()
            .map(|item| match item.as_deref() {
                None | Some("unlimited") => Ok(None),
                Some(s) => {
                    let r: f64 = s.parse().map_err(|_| {
                        query_error(format!(
                            "Query string malformed: radius {:?} is not a number",
                            truncate(s)
                        ))
                    })?;
                    if r.is_finite() && r >= 0.0 {
                        Ok(Some(r))
                    } else {
                        Err(options_error(format!(
                            "Radius {s} is invalid: radiuses must be non-negative numbers of metres"
                        )))
                    }
                }
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(v) = o.take("skip_waypoints") {
        c.skip_waypoints = parse_bool("skip_waypoints", &v)?;
    }
    if let Some(v) = o.take("generate_hints") {
        c.generate_hints = parse_bool("generate_hints", &v)?;
    }
    if let Some(v) = o.take("hints") {
        c.hints = per_coordinate("hints", &v, n)?
            .iter()
            .enumerate()
            .map(|(i, item)| {
                // Well-formed base64 that is not a vmeste hint (an OSRM server's hint,
                // replayed by a client that switched to vmeste) is ignored like a hint from
                // another graph: the coordinate is snapped.
                match item.as_deref().map(hint::decode) {
                    None | Some(Err(HintError::NotAHint)) => Ok(None),
                    Some(Ok(h)) => Ok(Some(h)),
                    Some(Err(HintError::Character)) => Err(query_error(format!(
                        "Query string malformed: hint {i} is not base64"
                    ))),
                }
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(v) = o.take("bearings") {
        c.bearings = per_coordinate("bearings", &v, n)?
            .iter()
            .map(|item| item.as_deref().map(parse_bearing).transpose())
            .collect::<Result<_, _>>()?;
    }
    if let Some(v) = o.take("approaches")
        && per_coordinate("approaches", &v, n)?
            .iter()
            .flatten()
            .any(|a| a != "unrestricted")
    {
        return Err(options_error(
            "approaches other than unrestricted are not supported by vmeste",
        ));
    }
    if let Some(v) = o.take("exclude") {
        c.exclude = parse_exclude(&v)?;
    }
    if let Some(v) = o.take("snapping")
        && v != "default"
    {
        return Err(options_error(format!(
            "snapping={} is not supported by vmeste (only default)",
            truncate(&v)
        )));
    }
    Ok(c)
}

/// Geometry and leg options shared by `route` and `trip`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RouteShape {
    /// Add turn-by-turn steps to legs.
    pub steps: bool,
    /// Per-segment annotations.
    pub annotations: Annotations,
    /// Geometry encoding.
    pub geometries: Geometries,
    /// Whole-route geometry.
    pub overview: Overview,
}

fn parse_shape(o: &mut RawOptions) -> Result<RouteShape, ApiError> {
    let mut s = RouteShape::default();
    if let Some(v) = o.take("steps") {
        s.steps = parse_bool("steps", &v)?;
    }
    if let Some(v) = o.take("annotations") {
        s.annotations = Annotations::parse(&v)?;
    }
    if let Some(v) = o.take("geometries") {
        s.geometries = match v.as_str() {
            "polyline" => Geometries::Polyline,
            "polyline6" => Geometries::Polyline6,
            "geojson" => Geometries::GeoJson,
            _ => {
                return Err(query_error(format!(
                    "Query string malformed: geometries must be polyline, polyline6 or geojson, got {:?}",
                    truncate(&v)
                )));
            }
        };
    }
    if let Some(v) = o.take("overview") {
        s.overview = match v.as_str() {
            "simplified" => Overview::Simplified,
            "full" => Overview::Full,
            "false" => Overview::False,
            _ => {
                return Err(query_error(format!(
                    "Query string malformed: overview must be simplified, full or false, got {:?}",
                    truncate(&v)
                )));
            }
        };
    }
    Ok(s)
}

/// `/route` options.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RouteOptions {
    /// Shared options.
    pub common: CommonOptions,
    /// Geometry, steps, annotations.
    pub shape: RouteShape,
    /// Alternatives asked for (0 = none). vmeste returns the best route only, which OSRM's
    /// docs allow ("a result cannot be guaranteed").
    pub alternatives: u32,
    /// `continue_straight`: `true` forbids U-turns at via waypoints, `false` allows them;
    /// `None` (absent or `default`) = the profile's default
    /// ([`engine::dispatch::continue_straight_default`]: `true` by car, `false` on foot and by
    /// bicycle, as OSRM's profiles).
    pub continue_straight: Option<bool>,
}

/// `/table` options.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TableOptions {
    /// Shared options.
    pub common: CommonOptions,
    /// Row coordinates (`None` = all).
    pub sources: Option<Vec<usize>>,
    /// Column coordinates (`None` = all).
    pub destinations: Option<Vec<usize>>,
    /// Return durations.
    pub durations: bool,
    /// Return distances.
    pub distances: bool,
    /// Multiplier applied to durations.
    pub scale_factor: f64,
}

/// `/nearest` options.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NearestOptions {
    /// Shared options.
    pub common: CommonOptions,
    /// Number of road positions to return.
    pub number: usize,
}

/// `/trip` options.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct TripOptions {
    /// Shared options.
    pub common: CommonOptions,
    /// Geometry, steps, annotations.
    pub shape: RouteShape,
    /// Come back to the start.
    pub roundtrip: bool,
    /// Start at the first coordinate (`source=first`).
    pub source_first: bool,
    /// End at the last coordinate (`destination=last`).
    pub destination_last: bool,
}

/// A service's validated options.
#[derive(Clone, Debug, PartialEq)]
pub enum Options {
    /// `/route`.
    Route(RouteOptions),
    /// `/table`.
    Table(TableOptions),
    /// `/nearest`.
    Nearest(NearestOptions),
    /// `/trip`.
    Trip(TripOptions),
}

fn parse_indices(key: &str, v: &str, n: usize) -> Result<Option<Vec<usize>>, ApiError> {
    if v == "all" {
        return Ok(None);
    }
    let idx: Vec<usize> = v
        .split(';')
        .map(|s| parse_index(key, s))
        .collect::<Result<_, _>>()?;
    if let Some(&bad) = idx.iter().find(|&&i| i >= n) {
        return Err(options_error(format!(
            "{key} index {bad} is out of range for {n} coordinates"
        )));
    }
    Ok(Some(idx))
}

/// Parses and validates the options of `service` for `n` coordinates.
///
/// # Errors
/// `InvalidQuery` (malformed or unknown option), `InvalidOptions` (valid syntax, invalid or
/// unsupported value; counts that do not match the coordinates; too few coordinates).
pub fn parse_options(
    service: Service,
    mut o: RawOptions,
    n: usize,
    max_nearest: usize,
) -> Result<Options, ApiError> {
    let common = parse_common(&mut o, n)?;
    let opts = match service {
        Service::Route => {
            let shape = parse_shape(&mut o)?;
            let alternatives = match o.take("alternatives").as_deref() {
                None | Some("false") => 0,
                Some("true") => 1,
                Some(v) => v.parse::<u32>().map_err(|_| query_error(format!("Query string malformed: alternatives must be true, false or a number, got {:?}", truncate(v))))?,
            };
            let continue_straight = match o.take("continue_straight").as_deref() {
                None | Some("default") => None,
                Some(v) => Some(parse_bool("continue_straight", v)?),
            };
            if let Some(v) = o.take("waypoints") {
                let idx = parse_indices("waypoints", &v, n)?.unwrap_or_else(|| (0..n).collect());
                if idx != (0..n).collect::<Vec<_>>() {
                    return Err(options_error(
                        "waypoints other than every coordinate (via points) are not supported by vmeste",
                    ));
                }
            }
            if n < 2 {
                return Err(options_error(
                    "Number of coordinates needs to be at least two.",
                ));
            }
            Options::Route(RouteOptions {
                common,
                shape,
                alternatives,
                continue_straight,
            })
        }
        Service::Table => {
            let sources = o
                .take("sources")
                .map(|v| parse_indices("sources", &v, n))
                .transpose()?
                .flatten();
            let destinations = o
                .take("destinations")
                .map(|v| parse_indices("destinations", &v, n))
                .transpose()?
                .flatten();
            let (mut durations, mut distances) = (true, false);
            if let Some(v) = o.take("annotations") {
                (durations, distances) = (false, false);
                for item in v.split(',') {
                    match item {
                        "duration" => durations = true,
                        "distance" => distances = true,
                        _ => {
                            return Err(query_error(format!(
                                "Query string malformed: table annotations are duration and distance, got {:?}",
                                truncate(item)
                            )));
                        }
                    }
                }
            }
            let scale_factor = match o.take("scale_factor") {
                None => 1.0,
                Some(v) => {
                    let f: f64 = v.parse().map_err(|_| {
                        query_error(format!(
                            "Query string malformed: scale_factor {:?} is not a number",
                            truncate(&v)
                        ))
                    })?;
                    if !(f.is_finite() && f > 0.0) {
                        return Err(options_error("scale_factor must be a positive number"));
                    }
                    f
                }
            };
            for key in ["fallback_speed", "fallback_coordinate"] {
                if o.take(key).is_some() {
                    return Err(options_error(format!(
                        "{key} is not supported by vmeste: unreachable cells are null"
                    )));
                }
            }
            if n < 1 {
                return Err(options_error(
                    "Number of coordinates needs to be at least one.",
                ));
            }
            Options::Table(TableOptions {
                common,
                sources,
                destinations,
                durations,
                distances,
                scale_factor,
            })
        }
        Service::Nearest => {
            let number = match o.take("number") {
                None => 1,
                Some(v) => v.parse::<usize>().map_err(|_| {
                    query_error(format!(
                        "Query string malformed: number must be an integer >= 1, got {:?}",
                        truncate(&v)
                    ))
                })?,
            };
            if number == 0 || number > max_nearest {
                return Err(options_error(format!(
                    "number must be between 1 and {max_nearest}"
                )));
            }
            if n != 1 {
                return Err(options_error(
                    "Number of coordinates needs to be 1 for nearest",
                ));
            }
            Options::Nearest(NearestOptions { common, number })
        }
        Service::Trip => {
            let shape = parse_shape(&mut o)?;
            let roundtrip = o
                .take("roundtrip")
                .map(|v| parse_bool("roundtrip", &v))
                .transpose()?
                .unwrap_or(true);
            let source_first = match o.take("source").as_deref() {
                None | Some("any") => false,
                Some("first") => true,
                Some(v) => {
                    return Err(query_error(format!(
                        "Query string malformed: source must be any or first, got {:?}",
                        truncate(v)
                    )));
                }
            };
            let destination_last = match o.take("destination").as_deref() {
                None | Some("any") => false,
                Some("last") => true,
                Some(v) => {
                    return Err(query_error(format!(
                        "Query string malformed: destination must be any or last, got {:?}",
                        truncate(v)
                    )));
                }
            };
            if n < 2 {
                return Err(options_error(
                    "Number of coordinates needs to be at least two.",
                ));
            }
            Options::Trip(TripOptions {
                common,
                shape,
                roundtrip,
                source_first,
                destination_last,
            })
        }
    };
    o.finish(service)?;
    Ok(opts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(service: Service, query: &str, n: usize) -> Result<Options, ApiError> {
        parse_options(service, RawOptions::from_query(query)?, n, 100)
    }

    #[test]
    fn route_defaults_and_values() {
        let Options::Route(r) = q(Service::Route, "", 2).unwrap() else {
            panic!()
        };
        assert_eq!(r.shape, RouteShape::default());
        assert_eq!(r.common.radiuses, vec![None, None]);
        let Options::Route(r) = q(Service::Route, "steps=true&overview=full&geometries=geojson&annotations=duration,nodes&radiuses=10;unlimited&continue_straight=false&alternatives=false", 2).unwrap() else { panic!() };
        assert!(r.shape.steps);
        assert_eq!(r.shape.overview, Overview::Full);
        assert_eq!(r.shape.geometries, Geometries::GeoJson);
        assert!(
            r.shape.annotations.duration && r.shape.annotations.nodes && !r.shape.annotations.speed
        );
        assert_eq!(r.common.radiuses, vec![Some(10.0), None]);
        assert_eq!(r.continue_straight, Some(false));
    }

    #[test]
    fn bad_values_are_rejected_with_osrm_codes() {
        let code = |s: Service, query: &str, n: usize| q(s, query, n).unwrap_err().code;
        assert_eq!(
            code(Service::Route, "steps=maybe", 2),
            ErrorCode::InvalidQuery
        );
        assert_eq!(
            code(Service::Route, "frobnicate=1", 2),
            ErrorCode::InvalidQuery
        );
        assert_eq!(
            code(Service::Route, "steps=true&steps=false", 2),
            ErrorCode::InvalidQuery
        );
        assert_eq!(
            code(Service::Route, "radiuses=abc;1", 2),
            ErrorCode::InvalidQuery
        );
        assert_eq!(
            code(Service::Route, "radiuses=-5;1", 2),
            ErrorCode::InvalidOptions
        );
        assert_eq!(
            code(Service::Route, "radiuses=NaN;1", 2),
            ErrorCode::InvalidOptions
        );
        assert_eq!(
            code(Service::Route, "radiuses=1", 2),
            ErrorCode::InvalidOptions
        );
        assert_eq!(code(Service::Route, "", 1), ErrorCode::InvalidOptions);
        assert_eq!(
            code(Service::Table, "sources=0;5", 3),
            ErrorCode::InvalidOptions
        );
        assert_eq!(
            code(Service::Table, "sources=-1", 3),
            ErrorCode::InvalidQuery
        );
        assert_eq!(
            code(Service::Table, "annotations=speed", 3),
            ErrorCode::InvalidQuery
        );
        assert_eq!(
            code(Service::Nearest, "number=0", 1),
            ErrorCode::InvalidOptions
        );
        assert_eq!(code(Service::Nearest, "", 2), ErrorCode::InvalidOptions);
        assert_eq!(
            code(Service::Trip, "source=middle", 3),
            ErrorCode::InvalidQuery
        );
        // Options only another service takes.
        assert_eq!(
            code(Service::Nearest, "steps=true", 1),
            ErrorCode::InvalidQuery
        );
        assert_eq!(code(Service::Table, "number=3", 2), ErrorCode::InvalidQuery);
    }

    #[test]
    fn options_are_validated_and_unsupported_ones_refused_unless_empty() {
        let code = |query: &str| q(Service::Route, query, 2).unwrap_err().code;
        // Bearings: {value},{range}, value <= 360, range <= 180.
        assert_eq!(code("bearings=10,200;"), ErrorCode::InvalidOptions);
        assert_eq!(code("bearings=400,20;"), ErrorCode::InvalidOptions);
        assert_eq!(code("bearings=10;"), ErrorCode::InvalidQuery);
        assert_eq!(code("bearings=-10,20;"), ErrorCode::InvalidQuery);
        assert!(q(Service::Route, "bearings=10,20;", 2).is_ok());
        // Hints: not a vmeste hint (ignored), not base64, one per coordinate.
        let Options::Route(r) = q(Service::Route, "hints=abc;", 2).unwrap() else {
            panic!()
        };
        assert_eq!(r.common.hints, vec![None, None]);
        assert_eq!(code("hints=ab$c;"), ErrorCode::InvalidQuery);
        assert_eq!(code("hints=;;"), ErrorCode::InvalidOptions);
        assert_eq!(code("approaches=curb;"), ErrorCode::InvalidOptions);
        let Options::Route(r) = q(Service::Route, "exclude=motorway,ferry,motorway", 2).unwrap()
        else {
            panic!()
        };
        assert_eq!(r.common.exclude.to_string(), "motorway,ferry");
        assert!(q(Service::Route, "exclude=", 2).is_ok());
        assert_eq!(code("exclude=,,"), ErrorCode::InvalidQuery);
        assert_eq!(code("exclude=ferry,"), ErrorCode::InvalidQuery);
        assert_eq!(code("exclude=highway"), ErrorCode::InvalidValue);
        assert_eq!(code("exclude=Ferry"), ErrorCode::InvalidValue);
        assert_eq!(code("snapping=any"), ErrorCode::InvalidOptions);
        assert_eq!(code("waypoints=0"), ErrorCode::InvalidOptions);
        // continue_straight: true, false or default; anything else is malformed (OSRM).
        for (v, want) in [
            ("true", Some(true)),
            ("false", Some(false)),
            ("default", None),
        ] {
            let Options::Route(r) =
                q(Service::Route, &format!("continue_straight={v}"), 2).unwrap()
            else {
                panic!()
            };
            assert_eq!(r.continue_straight, want);
        }
        assert_eq!(code("continue_straight=maybe"), ErrorCode::InvalidQuery);
        assert_eq!(code("continue_straight="), ErrorCode::InvalidQuery);
        assert_eq!(code("continue_straight=TRUE"), ErrorCode::InvalidQuery);
        assert_eq!(
            q(Service::Table, "fallback_speed=10", 2).unwrap_err().code,
            ErrorCode::InvalidOptions
        );
        assert!(
            q(
                Service::Route,
                "bearings=;&hints=;&approaches=unrestricted;&snapping=default&waypoints=0;1",
                2
            )
            .is_ok()
        );
    }

    #[test]
    fn table_and_trip_options() {
        let Options::Table(t) = q(
            Service::Table,
            "sources=0;2&destinations=all&annotations=distance,duration&scale_factor=2",
            3,
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(t.sources, Some(vec![0, 2]));
        assert_eq!(t.destinations, None);
        assert!(t.durations && t.distances);
        assert!((t.scale_factor - 2.0).abs() < f64::EPSILON);
        let Options::Trip(t) = q(
            Service::Trip,
            "roundtrip=false&source=first&destination=last",
            3,
        )
        .unwrap() else {
            panic!()
        };
        assert!(!t.roundtrip && t.source_first && t.destination_last);
        let Options::Nearest(nr) = q(Service::Nearest, "number=3", 1).unwrap() else {
            panic!()
        };
        assert_eq!(nr.number, 3);
    }

    #[test]
    fn json_fields_read_like_the_query_string() {
        let body = json!({
            "coordinates": [[7.4, 43.7], [7.41, 43.71], [7.42, 43.72]],
            "sources": [0, 1], "annotations": ["duration", "distance"], "radiuses": [null, 5, 10.5],
            "bearings": [null, null, null]
        });
        let raw = RawOptions::from_json(body.as_object().unwrap()).unwrap();
        let Options::Table(t) = parse_options(Service::Table, raw, 3, 100).unwrap() else {
            panic!()
        };
        assert_eq!(t.sources, Some(vec![0, 1]));
        assert!(t.distances);
        assert_eq!(t.common.radiuses, vec![None, Some(5.0), Some(10.5)]);
        let bad = json!({"steps": {"a": 1}});
        assert_eq!(
            RawOptions::from_json(bad.as_object().unwrap())
                .unwrap_err()
                .code,
            ErrorCode::InvalidQuery
        );
    }
}
