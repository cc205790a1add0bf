//! Turn-by-turn steps of a leg in OSRM's shape.
//!
//! A step runs from one maneuver to the next; the maneuvers come from the intersections the
//! leg passes, classified by [`guidance`] (turn, new name, continue, merge, ramps, fork, end
//! of road, roundabouts and rotaries with their exit number). Every intersection passed is
//! listed in the `intersections` of the step it belongs to, with the bearings of all roads
//! there, which of them may be entered, and the `in` / `out` roads. Step geometries chain
//! (each ends where the next starts) and step distances and durations add up to the leg's.
//!
//! Collapsing, as OSRM does: a turn-like step shorter than [`COLLAPSE_M`] merges with the
//! turn that follows it (a left turn through a dual carriageway's median is one `uturn`), and
//! a `new name` step that changes neither name nor ref merges into the step before it.

#[path = "guidance.rs"]
pub mod guidance;

use engine::dispatch::{Intersection, Leg, LegEdge};
use engine::osm::Junction;
use engine::types::LonLat;
use serde_json::{Map, Value, json};

use self::guidance::{
    RingKind, bearing_after, bearing_before, classify, modifier, ring_exits, ring_kind, turn_angle,
};
use super::options::Geometries;
use crate::http::geometry::{bearing, encode, lonlat_json};

/// Turn-like steps shorter than this many metres merge with the next turn.
pub const COLLAPSE_M: f64 = 12.0;

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

/// A step before it is written out: segments `first..end` of the leg.
#[derive(Clone, Debug)]
struct Draft {
    first: usize,
    end: usize,
    kind: &'static str,
    modifier: Option<&'static str>,
    point: usize,
    bearing_before: u16,
    bearing_after: u16,
    exit: Option<usize>,
    name: String,
    reference: String,
    destinations: String,
    ferry: bool,
    rotary_name: Option<String>,
    intersections: Vec<Value>,
}

impl Draft {
    fn on(e: &LegEdge, kind: &'static str, point: usize, before: u16, after: u16) -> Self {
        Self {
            first: e.first_segment,
            end: e.first_segment + e.num_segments,
            kind,
            modifier: None,
            point,
            bearing_before: before,
            bearing_after: after,
            exit: None,
            name: e.name.clone(),
            reference: e.reference.clone(),
            destinations: e.destination.clone(),
            ferry: e.ferry,
            rotary_name: None,
            intersections: Vec::new(),
        }
    }

    /// A turn-like step, which collapsing may merge.
    fn turn_like(&self) -> bool {
        matches!(self.kind, "turn" | "new name" | "continue" | "end of road")
    }
}

/// OSRM's `Intersection` object.
fn intersection_json(leg: &Leg, at: &Intersection) -> Value {
    json!({
        "location": lonlat_json(leg.coordinates[at.point]),
        "bearings": at.roads.iter().map(|r| r.bearing).collect::<Vec<_>>(),
        "entry": at.roads.iter().map(|r| r.entry).collect::<Vec<_>>(),
        "in": at.in_road,
        "out": at.out_road,
    })
}

/// The step drafts of a leg with edges (depart .. last maneuver, without arrive).
fn drafts(leg: &Leg) -> Vec<Draft> {
    let edges = &leg.edges;
    let pts = &leg.coordinates;
    let after0 = bearing_from(pts, 0).unwrap_or(0);
    let mut depart = Draft::on(&edges[0], "depart", 0, 0, after0);
    depart.intersections.push(json!({
        "location": lonlat_json(pts[0]),
        "bearings": [after0],
        "entry": [true],
        "out": 0,
    }));
    let mut out = vec![depart];
    // Exits passed since entering the ring the leg is on, if it is on one.
    let mut exits = (edges[0].junction != Junction::None).then_some(0);
    for (k, cur) in edges.iter().enumerate().skip(1) {
        let prev = &edges[k - 1];
        let Some(at) = cur.intersection.as_ref() else {
            continue;
        };
        let last = out.last_mut().expect("depart is first");
        last.end = cur.first_segment;
        let (before, after) = (bearing_before(at), bearing_after(at));
        let on_ring = cur.junction != Junction::None;
        let was_on_ring = prev.junction != Junction::None;
        if on_ring && !was_on_ring {
            let kind = ring_kind(cur.junction, cur.ring.as_ref());
            let mut d = Draft::on(cur, kind.enter(), at.point, before, after);
            d.intersections.push(intersection_json(leg, at));
            d.modifier = Some(modifier(turn_angle(before, after)));
            let ring_name = cur.ring.as_ref().map_or("", |r| r.name.as_str());
            if kind == RingKind::Rotary && !ring_name.is_empty() {
                d.rotary_name = Some(ring_name.to_owned());
            }
            exits = Some(0);
            out.push(d);
        } else if on_ring {
            // Around the ring: no maneuver, but count the exits passed.
            *exits.get_or_insert(0) += ring_exits(at, Some(at.out_road));
            last.intersections.push(intersection_json(leg, at));
        } else if was_on_ring {
            // Several roads may leave the ring at this node: those more to the right come
            // first (traffic circulates counter-clockwise).
            let ours = turn_angle(before, after);
            let earlier = at
                .roads
                .iter()
                .enumerate()
                .filter(|&(i, r)| {
                    r.entry
                        && r.junction == Junction::None
                        && i != at.in_road
                        && i != at.out_road
                        && turn_angle(before, r.bearing) > ours
                })
                .count();
            let n = exits.take().unwrap_or(0) + earlier + 1;
            let ring_kind = ring_kind(prev.junction, ring_of(edges, k));
            let entry = out
                .iter_mut()
                .rev()
                .find(|d| matches!(d.kind, "roundabout" | "rotary" | "roundabout turn"));
            let mut total = None;
            if let Some(e) = entry {
                // The ring step is named after the road it leads to and turns the way the
                // whole roundabout does.
                e.exit = Some(n);
                e.name.clone_from(&cur.name);
                e.reference.clone_from(&cur.reference);
                e.destinations.clone_from(&cur.destination);
                total = Some(turn_angle(e.bearing_before, after));
                e.modifier = total.map(modifier);
            }
            let mut d = Draft::on(cur, ring_kind.exit(), at.point, before, after);
            d.modifier = Some(modifier(total.unwrap_or(turn_angle(before, after))));
            d.exit = Some(n);
            d.intersections.push(intersection_json(leg, at));
            out.push(d);
        } else if let Some(m) = classify(prev, cur, at) {
            let mut d = Draft::on(cur, m.kind.as_str(), at.point, before, after);
            d.modifier = Some(m.modifier);
            d.intersections.push(intersection_json(leg, at));
            out.push(d);
        } else {
            last.intersections.push(intersection_json(leg, at));
        }
    }
    let last = out.last_mut().expect("depart is first");
    last.end = leg.segments.len();
    collapse(out, leg)
}

/// The ring of the traffic circle the leg leaves at edge `k`: on the edge that entered it.
fn ring_of(edges: &[LegEdge], k: usize) -> Option<&engine::dispatch::Ring> {
    edges[..k].iter().rev().find_map(|e| e.ring.as_ref())
}

/// Merges what OSRM merges (see the module docs).
fn collapse(drafts: Vec<Draft>, leg: &Leg) -> Vec<Draft> {
    let length = |d: &Draft| -> f64 {
        leg.segments[d.first..d.end]
            .iter()
            .map(|s| s.distance_m)
            .sum()
    };
    let mut out: Vec<Draft> = Vec::with_capacity(drafts.len());
    for d in drafts {
        let Some(prev) = out.last_mut() else {
            out.push(d);
            continue;
        };
        if d.kind == "new name" && d.name == prev.name && d.reference == prev.reference {
            prev.end = d.end;
            prev.intersections.extend(d.intersections);
            continue;
        }
        if prev.turn_like() && d.turn_like() && length(prev) < COLLAPSE_M {
            let delta = turn_angle(prev.bearing_before, d.bearing_after);
            let m = modifier(delta);
            prev.kind = if m == "uturn" || d.name == prev.name && prev.kind == "continue" {
                "continue"
            } else if m == "straight" {
                "new name"
            } else {
                "turn"
            };
            prev.modifier = Some(m);
            prev.bearing_after = d.bearing_after;
            prev.end = d.end;
            prev.name = d.name;
            prev.reference = d.reference;
            prev.destinations = d.destinations;
            prev.intersections.extend(d.intersections);
            continue;
        }
        out.push(d);
    }
    out
}

fn step_json(leg: &Leg, d: &Draft, mode: &str, format: Geometries) -> Value {
    let segs = &leg.segments[d.first..d.end];
    let distance: f64 = segs.iter().map(|s| s.distance_m).sum();
    let duration: f64 = segs.iter().map(|s| s.duration_s).sum();
    let mut maneuver = Map::new();
    maneuver.insert("type".into(), json!(d.kind));
    if let Some(m) = d.modifier {
        maneuver.insert("modifier".into(), json!(m));
    }
    if let Some(n) = d.exit {
        maneuver.insert("exit".into(), json!(n));
    }
    maneuver.insert("location".into(), lonlat_json(leg.coordinates[d.point]));
    maneuver.insert("bearing_before".into(), json!(d.bearing_before));
    maneuver.insert("bearing_after".into(), json!(d.bearing_after));
    let mut m = Map::new();
    m.insert("distance".into(), json!(round1(distance)));
    m.insert("duration".into(), json!(round1(duration)));
    m.insert("weight".into(), json!(round1(duration)));
    m.insert("name".into(), json!(d.name));
    if !d.reference.is_empty() {
        m.insert("ref".into(), json!(d.reference));
    }
    if !d.destinations.is_empty() {
        m.insert("destinations".into(), json!(d.destinations));
    }
    if let Some(r) = &d.rotary_name {
        m.insert("rotary_name".into(), json!(r));
    }
    m.insert("mode".into(), json!(if d.ferry { "ferry" } else { mode }));
    m.insert("driving_side".into(), json!("right"));
    m.insert(
        "geometry".into(),
        encode(&leg.coordinates[d.point..=d.end], format),
    );
    m.insert("maneuver".into(), Value::Object(maneuver));
    m.insert(
        "intersections".into(),
        Value::Array(d.intersections.clone()),
    );
    Value::Object(m)
}

/// The steps of a leg (at least `depart` and `arrive`).
#[must_use]
pub fn steps(leg: &Leg, profile: &str, format: Geometries) -> Vec<Value> {
    let pts = &leg.coordinates;
    let mode = mode(profile);
    let mut out: Vec<Value> = if leg.edges.is_empty() {
        // A leg without edges (stationary): one depart step over its whole geometry.
        let after = bearing_from(pts, 0).unwrap_or(0);
        let name = leg.spans.first().map_or("", |s| s.name.as_str());
        let mut d = Draft {
            first: 0,
            end: leg.segments.len(),
            kind: "depart",
            modifier: None,
            point: 0,
            bearing_before: 0,
            bearing_after: after,
            exit: None,
            name: name.to_owned(),
            reference: String::new(),
            destinations: String::new(),
            ferry: false,
            rotary_name: None,
            intersections: Vec::new(),
        };
        d.intersections.push(json!({"location": lonlat_json(pts[0]), "bearings": [after], "entry": [true], "out": 0}));
        vec![step_json(leg, &d, mode, format)]
    } else {
        drafts(leg)
            .iter()
            .map(|d| step_json(leg, d, mode, format))
            .collect()
    };
    let last = pts.len() - 1;
    let at = pts[last];
    let before = bearing_to(pts, last).unwrap_or(0);
    let last_edge = leg.edges.last();
    let mut arrive = Map::new();
    arrive.insert("distance".into(), json!(0.0));
    arrive.insert("duration".into(), json!(0.0));
    arrive.insert("weight".into(), json!(0.0));
    let name = last_edge.map_or_else(
        || leg.spans.last().map_or("", |s| s.name.as_str()),
        |e| e.name.as_str(),
    );
    arrive.insert("name".into(), json!(name));
    if let Some(r) = last_edge
        .map(|e| e.reference.as_str())
        .filter(|r| !r.is_empty())
    {
        arrive.insert("ref".into(), json!(r));
    }
    let ferry = last_edge.is_some_and(|e| e.ferry);
    arrive.insert("mode".into(), json!(if ferry { "ferry" } else { mode }));
    arrive.insert("driving_side".into(), json!("right"));
    // OSRM's arrive step has a zero-length geometry at the destination.
    arrive.insert("geometry".into(), encode(&[at, at], format));
    arrive.insert(
        "maneuver".into(),
        json!({"type": "arrive", "location": lonlat_json(at), "bearing_before": before, "bearing_after": 0}),
    );
    let back = (before + 180) % 360;
    arrive.insert(
        "intersections".into(),
        json!([{"location": lonlat_json(at), "bearings": [back], "entry": [true], "in": 0}]),
    );
    out.push(Value::Object(arrive));
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
#[path = "steps_tests.rs"]
mod tests;
