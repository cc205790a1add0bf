//! Turn-by-turn guidance through the real server on the Monaco extract: a roundabout with
//! its exit number, steps that chain, intersections that agree with their bearings, and
//! `annotation.nodes` that are the PBF's own nodes at the route's points.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

use engine::graph::RoadGraph;
use engine::osm::Junction;
use engine::types::{EdgeId, LonLat, NodeId, from_fixed};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;
use server::http::osrm::options::Geometries;
use server::http::osrm::steps::steps;

use crate::http_support::{get, monaco, monaco_engine};
use crate::support;

/// The ways of Rond-Point Canton, a roundabout of the Monaco extract.
const CANTON: [i64; 6] = support::MONACO_ROND_POINT_CANTON_WAYS;

fn ok(path: &str) -> Value {
    let a = get(monaco().expect("monaco"), path);
    let v = a.json();
    assert_eq!(a.status, 200, "{path}: {v}");
    v
}

fn point_at(g: &RoadGraph, e: EdgeId, share: f64) -> LonLat {
    let pts = g.edge_geometry(e);
    let (a, b) = (pts[0], pts[pts.len() - 1]);
    if pts.len() > 2 {
        return pts[pts.len() / 2];
    }
    LonLat::new(
        a.lon + (b.lon - a.lon) * share,
        a.lat + (b.lat - a.lat) * share,
    )
}

/// An approach into the ring, an exit off it, and the exit number counted by walking the
/// ring in the graph (each exit node here has exactly one road leaving the ring).
fn canton_route(g: &RoadGraph) -> Option<(EdgeId, EdgeId, usize)> {
    let all = (0..u32::try_from(g.num_edges()).ok()?).map(EdgeId);
    let ring: Vec<EdgeId> = all.filter(|&e| CANTON.contains(&g.edge_way(e).0)).collect();
    let on_ring = |n: NodeId| ring.iter().any(|&e| g.edge_tail(e) == n);
    let next = |n: NodeId| ring.iter().copied().find(|&e| g.edge_tail(e) == n);
    let exits = |n: NodeId| -> Vec<EdgeId> {
        g.out_edges(n)
            .filter(|&e| g.edge_junction(e) == Junction::None)
            .collect()
    };
    for &r in &ring {
        let entry = g.edge_tail(r);
        let Some(approach) = g
            .in_edges(entry)
            .find(|&e| g.edge_junction(e) == Junction::None && !on_ring(g.edge_tail(e)))
        else {
            continue;
        };
        let mut n = entry;
        let mut count = 0;
        for _ in 0..ring.len() {
            n = g.edge_head(next(n)?);
            if n == entry {
                break;
            }
            let x = exits(n);
            count += x.len();
            if count == 2 && x.len() == 1 && g.edge_head(x[0]) != g.edge_tail(approach) {
                return Some((approach, x[0], count));
            }
        }
    }
    None
}

#[test]
fn a_route_through_rond_point_canton_takes_the_counted_exit() {
    let (Some(_), Some(engine)) = (monaco(), monaco_engine()) else {
        return;
    };
    let g = engine.graph("car").unwrap();
    let (approach, exit, number) = canton_route(g).expect("Rond-Point Canton is in the graph");
    let (a, b) = (point_at(g, approach, 0.5), point_at(g, exit, 0.5));
    let v = ok(&format!(
        "/route/v1/car/{},{};{},{}?steps=true&geometries=geojson&overview=full",
        a.lon, a.lat, b.lon, b.lat
    ));
    let steps = v["routes"][0]["legs"][0]["steps"].as_array().unwrap();
    let ring_step = steps
        .iter()
        .find(|s| {
            matches!(
                s["maneuver"]["type"].as_str(),
                Some("roundabout" | "rotary" | "roundabout turn")
            )
        })
        .unwrap_or_else(|| panic!("no roundabout step: {steps:?}"));
    assert_eq!(ring_step["maneuver"]["exit"], number, "{ring_step}");
    let exit_step = steps
        .iter()
        .find(|s| {
            s["maneuver"]["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("exit "))
        })
        .unwrap();
    assert_eq!(exit_step["maneuver"]["exit"], number);
    assert_eq!(exit_step["name"], g.edge_name(exit));
    check_steps(&v);
}

/// Steps chain, add up to the leg, and each intersection is self-consistent.
fn check_steps(v: &Value) {
    for leg in v["routes"][0]["legs"].as_array().unwrap() {
        let steps = leg["steps"].as_array().unwrap();
        for w in steps.windows(2) {
            let a = w[0]["geometry"]["coordinates"].as_array().unwrap();
            let b = w[1]["geometry"]["coordinates"].as_array().unwrap();
            assert_eq!(
                a.last(),
                b.first(),
                "steps do not chain: {} / {}",
                w[0],
                w[1]
            );
        }
        let sum: f64 = steps.iter().map(|s| s["distance"].as_f64().unwrap()).sum();
        let total = leg["distance"].as_f64().unwrap();
        assert!(
            (sum - total).abs() <= 0.05 * steps.len() as f64 + 0.1,
            "{sum} vs {total}"
        );
        let dur: f64 = steps.iter().map(|s| s["duration"].as_f64().unwrap()).sum();
        let total = leg["duration"].as_f64().unwrap();
        assert!(
            (dur - total).abs() <= 0.05 * steps.len() as f64 + 0.1,
            "{dur} vs {total}"
        );
        for s in steps {
            let xs = s["intersections"].as_array().unwrap();
            assert!(!xs.is_empty());
            assert_eq!(xs[0]["location"], s["maneuver"]["location"]);
            for x in xs {
                let n = x["bearings"].as_array().unwrap().len();
                assert_eq!(x["entry"].as_array().unwrap().len(), n);
                if let Some(o) = x["out"].as_u64() {
                    assert!((o as usize) < n && x["entry"][o as usize] == true, "{x}");
                }
                if let Some(i) = x["in"].as_u64() {
                    assert!((i as usize) < n, "{x}");
                }
            }
        }
    }
}

#[test]
fn steps_chain_and_intersections_hold_on_monaco_routes() {
    let Some(_) = monaco() else { return };
    for q in [
        "7.415637,43.735767;7.429717,43.743469",
        "7.414254,43.734398;7.422844,43.736876;7.415637,43.735767",
        "7.4305,43.7450;7.4105,43.7290",
    ] {
        let v = ok(&format!(
            "/route/v1/car/{q}?steps=true&geometries=geojson&overview=full"
        ));
        check_steps(&v);
        let kinds: Vec<&str> = v["routes"][0]["legs"][0]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["maneuver"]["type"].as_str().unwrap())
            .collect();
        assert!(kinds.len() >= 2 && kinds[0] == "depart", "{kinds:?}");
    }
}

#[test]
fn annotation_nodes_are_the_pbf_nodes_at_every_point() {
    let (Some(_), Some(path)) = (monaco(), support::osm("monaco-2023-12-26.osm.pbf")) else {
        return;
    };
    let (pos, _) = support::pbf_nodes_and_ways(&path);
    let v = ok(
        "/route/v1/car/7.415637,43.735767;7.429717,43.743469;7.414254,43.734398?annotations=nodes,distance&geometries=geojson&overview=full",
    );
    let route = &v["routes"][0];
    let mut total_points = 0;
    for leg in route["legs"].as_array().unwrap() {
        let nodes: Vec<i64> = leg["annotation"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_i64().unwrap())
            .collect();
        let segments = leg["annotation"]["distance"].as_array().unwrap().len();
        // One node per coordinate of the leg.
        assert_eq!(nodes.len(), segments + 1);
        total_points += segments;
        for id in &nodes {
            assert!(pos.contains_key(id), "node {id} is not in the PBF");
        }
    }
    // The route geometry joins the legs; every inner point is exactly its node's position.
    let coords = route["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(coords.len(), total_points + 1);
    let legs = route["legs"].as_array().unwrap();
    let mut k = 0;
    for (l, leg) in legs.iter().enumerate() {
        let nodes = leg["annotation"]["nodes"].as_array().unwrap();
        for (i, id) in nodes.iter().enumerate() {
            let (lon, lat) = pos[&id.as_i64().unwrap()];
            let (lon, lat) = (from_fixed(lon), from_fixed(lat));
            let c = &coords[k + i];
            let inner = i > 0 && i + 1 < nodes.len();
            if inner {
                let (x, y) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
                assert!(
                    (x - lon).abs() < 2e-6 && (y - lat).abs() < 2e-6,
                    "leg {l} point {i}"
                );
            }
        }
        k += nodes.len() - 1;
    }
}

/// The maneuver types OSRM defines that vmeste emits.
const TYPES: [&str; 16] = [
    "depart",
    "arrive",
    "turn",
    "new name",
    "continue",
    "merge",
    "on ramp",
    "off ramp",
    "fork",
    "end of road",
    "roundabout",
    "rotary",
    "roundabout turn",
    "exit roundabout",
    "exit rotary",
    "notification",
];

#[test]
fn steps_of_random_monaco_routes_keep_their_invariants() {
    let Some(engine) = monaco_engine() else {
        return;
    };
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 200,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let point = (7.409..7.440f64, 43.725..43.750f64);
    let routed = std::sync::atomic::AtomicUsize::new(0);
    runner
        .run(&(point.clone(), point), |((x0, y0), (x1, y1))| {
            let locs = [
                engine::dispatch::Location::new(x0, y0),
                engine::dispatch::Location::new(x1, y1),
            ];
            let Ok(route) = engine.route("car", &locs) else {
                return Ok(());
            };
            routed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let leg = &route.legs[0];
            // One OSM node per point; edges cover the segments in order.
            prop_assert_eq!(leg.nodes.len(), leg.coordinates.len());
            let mut next = 0;
            for e in &leg.edges {
                prop_assert_eq!(e.first_segment, next);
                if let Some(at) = &e.intersection {
                    prop_assert_eq!(at.point, e.first_segment);
                    prop_assert!(at.in_road < at.roads.len() && at.out_road < at.roads.len());
                    prop_assert!(at.roads[at.out_road].entry);
                    prop_assert!(at.in_road == at.out_road || !at.roads[at.in_road].entry);
                }
                next += e.num_segments;
            }
            prop_assert_eq!(next, leg.segments.len());
            let s = steps(leg, "car", Geometries::GeoJson);
            let v = serde_json::json!({"routes": [{"legs": [{
                "steps": s,
                "distance": leg.distance_m,
                "duration": leg.duration_s,
            }]}]});
            check_steps(&v);
            let s = v["routes"][0]["legs"][0]["steps"].as_array().unwrap();
            for (k, step) in s.iter().enumerate() {
                let t = step["maneuver"]["type"].as_str().unwrap();
                prop_assert!(TYPES.contains(&t), "{}", t);
                prop_assert_eq!(t == "depart", k == 0);
                prop_assert_eq!(t == "arrive", k + 1 == s.len());
                if t.starts_with("exit ") && k > 0 {
                    // The ring step before it (if the leg entered the ring) has the same exit.
                    let entry = s[..k].iter().rev().find(|p| {
                        matches!(
                            p["maneuver"]["type"].as_str(),
                            Some("roundabout" | "rotary" | "roundabout turn")
                        )
                    });
                    if let Some(p) = entry {
                        prop_assert_eq!(&p["maneuver"]["exit"], &step["maneuver"]["exit"]);
                    }
                    prop_assert!(step["maneuver"]["exit"].as_u64().unwrap() >= 1);
                }
            }
            Ok(())
        })
        .unwrap();
    let routed = routed.into_inner();
    assert!(routed >= 100, "only {routed} of 200 random pairs routed");
}
