//! OSRM response bodies built from the engine's answers: `Route`, `RouteLeg`, `Waypoint`,
//! `Annotation`, and the top-level objects of `route`, `table`, `nearest` and `trip`.
//!
//! Distances and durations are rounded to 0.1 as OSRM prints them; positions to 1e-6
//! degree. vmeste's weight is travel time, so `weight` = `duration` and `weight_name` is
//! `"duration"`.

use engine::dispatch::{Leg, Route, Table, Trip, Waypoint};
use serde_json::{Map, Value, json};

use super::options::{Annotations, Overview, RouteShape};
use super::steps::{round1, steps, summary};
use crate::http::geometry::{encode, lonlat_json, simplify};

/// A waypoint object; `nodes` adds the OSM ids of the road segment's ends (`nearest`).
#[must_use]
pub fn waypoint(w: &Waypoint, nodes: bool, style: Waypoints) -> Map<String, Value> {
    let mut m = Map::new();
    if style.hints {
        m.insert("hint".into(), json!(super::hint::encode(&w.hint)));
    }
    m.insert("name".into(), json!(w.name));
    m.insert("location".into(), lonlat_json(w.location));
    m.insert("distance".into(), json!((w.distance_m * 1e6).round() / 1e6));
    if nodes {
        m.insert("nodes".into(), json!([w.nodes[0].0, w.nodes[1].0]));
    }
    m
}

/// How waypoints appear in an answer: left out (`skip_waypoints=true`), and with or without
/// their `hint` (`generate_hints`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waypoints {
    /// Leave waypoints out.
    pub skip: bool,
    /// Add each waypoint's `hint`.
    pub hints: bool,
}

impl Default for Waypoints {
    /// Waypoints with hints, as OSRM by default.
    fn default() -> Self {
        Self {
            skip: false,
            hints: true,
        }
    }
}

fn annotation(leg: &Leg, a: Annotations) -> Value {
    let mut m = Map::new();
    if a.distance {
        m.insert(
            "distance".into(),
            leg.segments.iter().map(|s| round1(s.distance_m)).collect(),
        );
    }
    if a.duration {
        m.insert(
            "duration".into(),
            leg.segments.iter().map(|s| round1(s.duration_s)).collect(),
        );
    }
    if a.weight {
        m.insert(
            "weight".into(),
            leg.segments.iter().map(|s| round1(s.duration_s)).collect(),
        );
    }
    if a.speed {
        let speed = |d: f64, t: f64| if t > 0.0 { round1(d / t) } else { 0.0 };
        m.insert(
            "speed".into(),
            leg.segments
                .iter()
                .map(|s| speed(s.distance_m, s.duration_s))
                .collect(),
        );
    }
    if a.nodes {
        m.insert("nodes".into(), leg.nodes.iter().map(|n| n.0).collect());
    }
    if a.datasources {
        m.insert(
            "datasources".into(),
            leg.segments.iter().map(|_| 0).collect(),
        );
        m.insert("metadata".into(), json!({"datasource_names": ["profile"]}));
    }
    Value::Object(m)
}

fn leg_json(leg: &Leg, shape: &RouteShape, profile: &str) -> Value {
    let mut m = Map::new();
    m.insert("distance".into(), json!(round1(leg.distance_m)));
    m.insert("duration".into(), json!(round1(leg.duration_s)));
    m.insert("weight".into(), json!(round1(leg.duration_s)));
    let (summary, steps) = if shape.steps {
        (summary(leg), steps(leg, profile, shape.geometries))
    } else {
        (String::new(), Vec::new())
    };
    m.insert("summary".into(), json!(summary));
    m.insert("steps".into(), Value::Array(steps));
    if shape.annotations.any() {
        m.insert("annotation".into(), annotation(leg, shape.annotations));
    }
    Value::Object(m)
}

/// A `Route` object.
#[must_use]
pub fn route_json(route: &Route, shape: &RouteShape, profile: &str) -> Value {
    let mut m = Map::new();
    m.insert("distance".into(), json!(round1(route.distance_m())));
    m.insert("duration".into(), json!(round1(route.duration_s())));
    m.insert("weight".into(), json!(round1(route.duration_s())));
    m.insert("weight_name".into(), json!("duration"));
    match shape.overview {
        Overview::False => {}
        Overview::Full => {
            m.insert(
                "geometry".into(),
                encode(&route.coordinates(), shape.geometries),
            );
        }
        Overview::Simplified => {
            m.insert(
                "geometry".into(),
                encode(&simplify(&route.coordinates()), shape.geometries),
            );
        }
    }
    m.insert(
        "legs".into(),
        route
            .legs
            .iter()
            .map(|l| leg_json(l, shape, profile))
            .collect(),
    );
    Value::Object(m)
}

/// The body of a `/route` answer.
#[must_use]
pub fn route_response(route: &Route, shape: &RouteShape, profile: &str, style: Waypoints) -> Value {
    let mut m = Map::new();
    m.insert("code".into(), json!("Ok"));
    m.insert("routes".into(), json!([route_json(route, shape, profile)]));
    if !style.skip {
        m.insert(
            "waypoints".into(),
            route
                .waypoints
                .iter()
                .map(|w| Value::Object(waypoint(w, false, style)))
                .collect(),
        );
    }
    Value::Object(m)
}

/// Writes a row-major matrix as JSON arrays of rows, each cell rounded to 0.1 and printed
/// with one decimal (`null` for `None`). Written directly: a `Value` tree of a million-cell
/// table costs more than computing the table.
fn write_matrix(out: &mut Vec<u8>, cells: &[Option<f64>], cols: usize, scale: f64) {
    use std::io::Write as _;
    out.push(b'[');
    for (r, row) in cells.chunks(cols.max(1)).enumerate() {
        if r > 0 {
            out.push(b',');
        }
        out.push(b'[');
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                out.push(b',');
            }
            match cell.map(|v| (v * scale * 10.0).round()) {
                Some(tenths) if (0.0..1e15).contains(&tenths) => {
                    #[expect(
                        clippy::cast_possible_truncation,
                        clippy::cast_sign_loss,
                        reason = "0 <= tenths < 1e15"
                    )]
                    let t = tenths as u64;
                    let _ = write!(out, "{}.{}", t / 10, t % 10);
                }
                Some(v) => {
                    let _ = write!(out, "{}", serde_json::json!(round1(v / 10.0)));
                }
                None => out.extend_from_slice(b"null"),
            }
        }
        out.push(b']');
    }
    out.push(b']');
}

/// The body of a `/table` answer: `durations` (scaled by `scale_factor`) and/or `distances`,
/// `null` for unreachable cells.
#[must_use]
pub fn table_response(
    t: &Table,
    durations: bool,
    distances: bool,
    scale_factor: f64,
    style: Waypoints,
) -> Vec<u8> {
    let cols = t.destinations.len();
    let mut out = Vec::with_capacity(
        16 + t.durations_s.len() * 8 * (usize::from(durations) + usize::from(distances)),
    );
    out.extend_from_slice(br#"{"code":"Ok""#);
    if durations {
        out.extend_from_slice(br#","durations":"#);
        write_matrix(&mut out, &t.durations_s, cols, scale_factor);
    }
    if distances {
        out.extend_from_slice(br#","distances":"#);
        write_matrix(&mut out, &t.distances_m, cols, 1.0);
    }
    if !style.skip {
        let wps = |ws: &[Waypoint]| {
            Value::Array(
                ws.iter()
                    .map(|w| Value::Object(waypoint(w, false, style)))
                    .collect(),
            )
        };
        for (key, ws) in [("sources", &t.sources), ("destinations", &t.destinations)] {
            out.extend_from_slice(format!(",\"{key}\":").as_bytes());
            out.extend_from_slice(wps(ws).to_string().as_bytes());
        }
    }
    out.push(b'}');
    out
}

/// The body of a `/nearest` answer.
#[must_use]
pub fn nearest_response(ws: &[Waypoint], style: Waypoints) -> Value {
    let mut m = Map::new();
    m.insert("code".into(), json!("Ok"));
    if !style.skip {
        m.insert(
            "waypoints".into(),
            ws.iter()
                .map(|w| Value::Object(waypoint(w, true, style)))
                .collect(),
        );
    }
    Value::Object(m)
}

/// The body of a `/trip` answer: one trip per group of mutually reachable coordinates;
/// waypoints in input order, each with its trip (`trips_index`) and its position in that trip
/// (`waypoint_index`).
#[must_use]
pub fn trip_response(trips: &[Trip], shape: &RouteShape, profile: &str, style: Waypoints) -> Value {
    let mut m = Map::new();
    m.insert("code".into(), json!("Ok"));
    m.insert(
        "trips".into(),
        trips
            .iter()
            .map(|t| route_json(&t.route, shape, profile))
            .collect(),
    );
    if !style.skip {
        let n = trips.iter().map(|t| t.order.len()).sum();
        let mut wps = vec![Value::Null; n];
        for (t, trip) in trips.iter().enumerate() {
            for (k, &input) in trip.order.iter().enumerate() {
                let mut w = waypoint(&trip.route.waypoints[k], false, style);
                w.insert("waypoint_index".into(), json!(k));
                w.insert("trips_index".into(), json!(t));
                if let Some(slot) = wps.get_mut(input) {
                    *slot = Value::Object(w);
                }
            }
        }
        m.insert("waypoints".into(), Value::Array(wps));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::osrm::options::Geometries;
    use engine::dispatch::Hint;
    use engine::dispatch::{LegSegment, RoadSpan};
    use engine::types::{EdgeId, LonLat, OsmNodeId};

    const SKIP: Waypoints = Waypoints {
        skip: true,
        hints: true,
    };

    fn wp(lon: f64) -> Waypoint {
        Waypoint {
            input: LonLat::new(lon, 43.7301),
            location: LonLat::new(lon, 43.73),
            distance_m: 11.1,
            name: "Main".into(),
            nodes: [OsmNodeId(1), OsmNodeId(2)],
            hint: Hint {
                edge: EdgeId(3),
                segment: 0,
                location: LonLat::new(lon, 43.73),
                graph: 42,
            },
        }
    }

    fn route() -> Route {
        let leg = |a: f64, b: f64| Leg {
            distance_m: 804.0,
            duration_s: 60.0,
            coordinates: vec![
                LonLat::new(a, 43.73),
                LonLat::new((a + b) / 2.0, 43.73),
                LonLat::new(b, 43.73),
            ],
            segments: vec![
                LegSegment {
                    distance_m: 402.0,
                    duration_s: 30.0
                };
                2
            ],
            spans: vec![RoadSpan {
                name: "Main".into(),
                first_segment: 0,
                num_segments: 2,
            }],
            nodes: vec![OsmNodeId(2)],
            edges: Vec::new(),
        };
        Route {
            waypoints: vec![wp(7.42), wp(7.43), wp(7.44)],
            legs: vec![leg(7.42, 7.43), leg(7.43, 7.44)],
        }
    }

    #[test]
    fn route_has_osrm_fields_and_joined_geometry() {
        let shape = RouteShape {
            overview: Overview::Full,
            geometries: Geometries::GeoJson,
            ..RouteShape::default()
        };
        let v = route_response(&route(), &shape, "car", Waypoints::default());
        assert_eq!(v["code"], "Ok");
        let r = &v["routes"][0];
        assert_eq!(r["distance"], 1608.0);
        assert_eq!(r["duration"], 120.0);
        assert_eq!(r["weight_name"], "duration");
        assert_eq!(r["geometry"]["coordinates"].as_array().unwrap().len(), 5);
        assert_eq!(r["legs"].as_array().unwrap().len(), 2);
        assert_eq!(r["legs"][0]["steps"], json!([]));
        assert!(r["legs"][0].get("annotation").is_none());
        assert_eq!(v["waypoints"][1]["location"], json!([7.43, 43.73]));
        assert_eq!(v["waypoints"][1]["name"], "Main");
        let simplified = route_response(
            &route(),
            &RouteShape {
                geometries: Geometries::GeoJson,
                ..RouteShape::default()
            },
            "car",
            SKIP,
        );
        assert_eq!(
            simplified["routes"][0]["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert!(simplified.get("waypoints").is_none());
        let none = route_response(
            &route(),
            &RouteShape {
                overview: Overview::False,
                ..RouteShape::default()
            },
            "car",
            Waypoints::default(),
        );
        assert!(none["routes"][0].get("geometry").is_none());
    }

    #[test]
    fn annotations_have_one_value_per_segment() {
        let all = Annotations::ALL;
        let v = route_response(
            &route(),
            &RouteShape {
                annotations: all,
                ..RouteShape::default()
            },
            "car",
            Waypoints::default(),
        );
        let a = &v["routes"][0]["legs"][0]["annotation"];
        assert_eq!(a["distance"], json!([402.0, 402.0]));
        assert_eq!(a["duration"], json!([30.0, 30.0]));
        assert_eq!(a["speed"], json!([13.4, 13.4]));
        assert_eq!(a["nodes"], json!([2]));
        assert_eq!(a["datasources"], json!([0, 0]));
    }

    #[test]
    fn table_rows_with_null_and_scale() {
        let t = Table {
            sources: vec![wp(7.42), wp(7.43)],
            destinations: vec![wp(7.44)],
            durations_s: vec![Some(10.04), None],
            distances_m: vec![Some(100.0), None],
        };
        let parse = |b: Vec<u8>| serde_json::from_slice::<Value>(&b).unwrap();
        let v = parse(table_response(&t, true, true, 2.0, Waypoints::default()));
        assert_eq!(v["durations"], json!([[20.1], [null]]));
        assert_eq!(v["distances"], json!([[100.0], [null]]));
        assert_eq!(v["sources"].as_array().unwrap().len(), 2);
        let v = parse(table_response(&t, true, false, 1.0, SKIP));
        assert!(v.get("distances").is_none() && v.get("sources").is_none());
    }

    #[test]
    fn trip_waypoints_are_in_input_order() {
        let trip = Trip {
            order: vec![0, 2, 1],
            route: route(),
        };
        let v = trip_response(
            std::slice::from_ref(&trip),
            &RouteShape::default(),
            "car",
            Waypoints::default(),
        );
        assert_eq!(v["waypoints"][2]["waypoint_index"], 1);
        assert_eq!(v["waypoints"][1]["waypoint_index"], 2);
        assert_eq!(v["waypoints"][0]["trips_index"], 0);
        // Two trips: stops 3..6 of the request form the second one.
        let second = Trip {
            order: vec![4, 3, 5],
            route: route(),
        };
        let v = trip_response(
            &[trip, second],
            &RouteShape::default(),
            "car",
            Waypoints::default(),
        );
        assert_eq!(v["trips"].as_array().unwrap().len(), 2);
        assert_eq!(v["waypoints"].as_array().unwrap().len(), 6);
        assert_eq!(v["waypoints"][4]["trips_index"], 1);
        assert_eq!(v["waypoints"][4]["waypoint_index"], 0);
        assert_eq!(v["waypoints"][3]["waypoint_index"], 1);
        let n = nearest_response(&[wp(7.42)], Waypoints::default());
        assert_eq!(n["waypoints"][0]["nodes"], json!([1, 2]));
    }
}
