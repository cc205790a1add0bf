//! Turn-by-turn steps of a leg, computed from its geometry and the roads it takes.
//!
//! One step per road (a run of segments with one name), then an `arrive` step. A step's
//! maneuver is at its first point; `bearing_before` / `bearing_after` are the bearings of the
//! nearest non-degenerate segments before and after that point, and the modifier follows from
//! the turn angle between them. vmeste's graph carries no turn restrictions, lanes or
//! roundabout tags, so the types used are `depart`, `turn`, `new name` and `arrive`.

use engine::dispatch::Leg;
use engine::types::LonLat;
use serde_json::{Value, json};

use super::options::Geometries;
use crate::http::geometry::{bearing, encode, lonlat_json};

/// OSRM's modifier for a turn of `delta` degrees (positive = to the right).
#[must_use]
pub fn modifier(delta: i32) -> &'static str {
    let a = delta.abs();
    let side_right = delta > 0;
    match a {
        0..20 => "straight",
        20..60 => {
            if side_right {
                "slight right"
            } else {
                "slight left"
            }
        }
        60..140 => {
            if side_right {
                "right"
            } else {
                "left"
            }
        }
        140..170 => {
            if side_right {
                "sharp right"
            } else {
                "sharp left"
            }
        }
        _ => "uturn",
    }
}

/// Turn angle from bearing `before` to bearing `after`, in `-179..=180` degrees.
#[must_use]
pub fn turn_angle(before: u16, after: u16) -> i32 {
    let d = (i32::from(after) - i32::from(before)).rem_euclid(360);
    if d > 180 { d - 360 } else { d }
}

/// Bearing of the first segment of `pts[i..]` that has a length.
fn bearing_from(pts: &[LonLat], i: usize) -> Option<u16> {
    pts[i..]
        .windows(2)
        .find(|w| w[0] != w[1])
        .map(|w| bearing(w[0], w[1]))
}

/// Bearing of the last segment of `pts[..=i]` that has a length.
fn bearing_to(pts: &[LonLat], i: usize) -> Option<u16> {
    pts[..=i]
        .windows(2)
        .rev()
        .find(|w| w[0] != w[1])
        .map(|w| bearing(w[0], w[1]))
}

/// Rounds to one decimal, as OSRM prints distances and durations.
#[must_use]
pub fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The OSRM `mode` of a profile.
#[must_use]
pub fn mode(profile: &str) -> &'static str {
    match profile {
        "foot" | "walking" => "walking",
        "bicycle" | "bike" | "cycling" => "cycling",
        _ => "driving",
    }
}

fn step(
    name: &str,
    mode: &str,
    distance: f64,
    duration: f64,
    geometry: Value,
    maneuver: Value,
    intersection: Value,
) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("distance".into(), json!(round1(distance)));
    m.insert("duration".into(), json!(round1(duration)));
    m.insert("weight".into(), json!(round1(duration)));
    m.insert("name".into(), json!(name));
    m.insert("mode".into(), json!(mode));
    m.insert("driving_side".into(), json!("right"));
    m.insert("geometry".into(), geometry);
    m.insert("maneuver".into(), maneuver);
    m.insert("intersections".into(), Value::Array(vec![intersection]));
    Value::Object(m)
}

/// The steps of a leg (at least `depart` and `arrive`).
#[must_use]
pub fn steps(leg: &Leg, profile: &str, format: Geometries) -> Vec<Value> {
    let pts = &leg.coordinates;
    let mode = mode(profile);
    let mut out = Vec::with_capacity(leg.spans.len() + 1);
    for (k, span) in leg.spans.iter().enumerate() {
        let first = span.first_segment;
        let end = first + span.num_segments;
        let segs = &leg.segments[first..end];
        let distance: f64 = segs.iter().map(|s| s.distance_m).sum();
        let duration: f64 = segs.iter().map(|s| s.duration_s).sum();
        let location = pts[first];
        let after = bearing_from(pts, first).unwrap_or(0);
        let maneuver = if k == 0 {
            json!({"type": "depart", "location": lonlat_json(location), "bearing_before": 0, "bearing_after": after})
        } else {
            let before = bearing_to(pts, first).unwrap_or(after);
            let m = modifier(turn_angle(before, after));
            let kind = if m == "straight" { "new name" } else { "turn" };
            json!({"type": kind, "modifier": m, "location": lonlat_json(location), "bearing_before": before, "bearing_after": after})
        };
        let geometry = encode(&pts[first..=end], format);
        let intersection = json!({"location": lonlat_json(location), "bearings": [after], "entry": [true], "out": 0});
        out.push(step(
            &span.name,
            mode,
            distance,
            duration,
            geometry,
            maneuver,
            intersection,
        ));
    }
    let last = pts.len() - 1;
    let at = pts[last];
    let before = bearing_to(pts, last).unwrap_or(0);
    let maneuver = json!({"type": "arrive", "location": lonlat_json(at), "bearing_before": before, "bearing_after": 0});
    let name = leg.spans.last().map_or("", |s| s.name.as_str());
    // OSRM's arrive step has a zero-length geometry at the destination.
    let back = (before + 180) % 360;
    let intersection =
        json!({"location": lonlat_json(at), "bearings": [back], "entry": [true], "in": 0});
    out.push(step(
        name,
        mode,
        0.0,
        0.0,
        encode(&[at, at], format),
        maneuver,
        intersection,
    ));
    out
}

/// The leg summary with steps: the names of the (up to) two longest named roads, in travel
/// order.
#[must_use]
pub fn summary(leg: &Leg) -> String {
    let mut named: Vec<(usize, f64)> = leg
        .spans
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.name.is_empty())
        .map(|(i, s)| {
            (
                i,
                leg.segments[s.first_segment..s.first_segment + s.num_segments]
                    .iter()
                    .map(|x| x.distance_m)
                    .sum(),
            )
        })
        .collect();
    named.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut top: Vec<usize> = named.iter().map(|&(i, _)| i).collect();
    top.dedup_by_key(|i| leg.spans[*i].name.clone());
    let mut names: Vec<usize> = Vec::new();
    for i in top {
        if names.len() == 2 {
            break;
        }
        if !names
            .iter()
            .any(|&j| leg.spans[j].name == leg.spans[i].name)
        {
            names.push(i);
        }
    }
    names.sort_unstable();
    names
        .iter()
        .map(|&i| leg.spans[i].name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::dispatch::{LegSegment, RoadSpan};

    /// East along "Main" for two segments, then north along "Side".
    fn leg() -> Leg {
        let coordinates = vec![
            LonLat::new(7.40, 43.73),
            LonLat::new(7.41, 43.73),
            LonLat::new(7.42, 43.73),
            LonLat::new(7.42, 43.74),
        ];
        let seg = |d: f64| LegSegment {
            distance_m: d,
            duration_s: d / 10.0,
        };
        Leg {
            distance_m: 3000.0,
            duration_s: 300.0,
            coordinates,
            segments: vec![seg(800.0), seg(800.0), seg(1400.0)],
            spans: vec![
                RoadSpan {
                    name: "Main".into(),
                    first_segment: 0,
                    num_segments: 2,
                },
                RoadSpan {
                    name: "Side".into(),
                    first_segment: 2,
                    num_segments: 1,
                },
            ],
            nodes: vec![],
        }
    }

    #[test]
    fn modifiers_by_angle() {
        assert_eq!(modifier(0), "straight");
        assert_eq!(modifier(-30), "slight left");
        assert_eq!(modifier(90), "right");
        assert_eq!(modifier(-90), "left");
        assert_eq!(modifier(150), "sharp right");
        assert_eq!(modifier(180), "uturn");
        assert_eq!(turn_angle(350, 10), 20);
        assert_eq!(turn_angle(10, 350), -20);
        assert_eq!(turn_angle(90, 0), -90);
    }

    #[test]
    fn depart_turn_arrive() {
        let s = steps(&leg(), "car", Geometries::GeoJson);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0]["maneuver"]["type"], "depart");
        assert_eq!(s[0]["maneuver"]["bearing_after"], 90);
        assert_eq!(s[0]["distance"], 1600.0);
        assert_eq!(s[0]["name"], "Main");
        assert_eq!(s[0]["geometry"]["coordinates"].as_array().unwrap().len(), 3);
        assert_eq!(s[1]["maneuver"]["type"], "turn");
        assert_eq!(s[1]["maneuver"]["modifier"], "left");
        assert_eq!(s[1]["maneuver"]["bearing_before"], 90);
        assert_eq!(s[1]["maneuver"]["bearing_after"], 0);
        assert_eq!(s[1]["maneuver"]["location"], json!([7.42, 43.73]));
        assert_eq!(s[2]["maneuver"]["type"], "arrive");
        assert_eq!(s[2]["distance"], 0.0);
        assert_eq!(s[2]["mode"], "driving");
        let total: f64 = s.iter().map(|x| x["distance"].as_f64().unwrap()).sum();
        assert!((total - 3000.0).abs() < 0.5);
    }

    #[test]
    fn summary_names_the_two_longest_roads_in_order() {
        assert_eq!(summary(&leg()), "Main, Side");
        let mut l = leg();
        l.spans[1].name = String::new();
        assert_eq!(summary(&l), "Main");
    }
}
