//! Routes without U-turns at via waypoints (`continue_straight`) and bearings that restrict
//! the direction of travel, on the real extracts, against brute force with the reference
//! Dijkstra over every combination of directions at the via waypoints.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers: failures should panic"
)]

use engine::dispatch::{DispatchError, Engine, Location, Route, RouteOptions, TripEnds};
use engine::graph::{RoadGraph, from_network};
use engine::osm::{CAR, read_network};
use engine::routing::{Dijkstra, EdgePoint, SearchSpace};
use engine::spatial::SpatialIndex;
use engine::types::{EdgeId, LonLat, haversine_m};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::support;

pub(crate) fn engine(extract: &str) -> Option<Engine> {
    let path = support::osm(extract)?;
    let g = from_network(&read_network(&path, &CAR).unwrap()).unwrap();
    let mut e = Engine::new();
    e.add_profile(g, None).unwrap();
    Some(e)
}

/// A random location near a road of the largest component.
pub(crate) fn random_location(rng: &mut Pcg64, g: &RoadGraph) -> Location {
    loop {
        let e = EdgeId(rng.random_range(0..g.num_edges() as u32));
        if g.component(g.edge_tail(e)) == 0 && g.component(g.edge_head(e)) == 0 {
            let geo = g.edge_geometry(e);
            let (a, b) = (geo[0], geo[geo.len() - 1]);
            let t = rng.random_range(0.05..0.95);
            return Location::new(
                a.lon + (b.lon - a.lon) * t + rng.random_range(-2e-5..2e-5),
                a.lat + (b.lat - a.lat) * t + rng.random_range(-2e-5..2e-5),
            );
        }
    }
}

/// Total duration of a route, in deciseconds.
fn total_ds(r: &Route) -> u64 {
    r.legs
        .iter()
        .map(|l| (l.duration_s * 10.0).round() as u64)
        .sum()
}

/// The best total duration (deciseconds) over every combination of directions at the via
/// points, each leg by the reference Dijkstra between direction-restricted points.
fn brute_force(g: &RoadGraph, points: &[EdgePoint]) -> Option<u64> {
    let dijkstra = Dijkstra::new(g);
    let mut space = SearchSpace::new(g.num_nodes());
    let n = points.len();
    let options: Vec<Vec<EdgePoint>> = (0..n)
        .map(|k| {
            if k == 0 || k + 1 == n {
                vec![points[k]]
            } else {
                points[k].directions(g).into_iter().flatten().collect()
            }
        })
        .collect();
    let combos: usize = options.iter().map(Vec::len).product();
    let mut best: Option<u64> = None;
    'combo: for mut c in 0..combos {
        let mut total = 0u64;
        let mut pick = Vec::with_capacity(n);
        for o in &options {
            pick.push(o[c % o.len()]);
            c /= o.len();
        }
        for w in pick.windows(2) {
            match dijkstra.query(&mut space, w[0], w[1]).unwrap() {
                Some(cost) => total += u64::from(cost.duration.0),
                None => continue 'combo,
            }
        }
        best = Some(best.map_or(total, |b| b.min(total)));
    }
    best
}

/// Cosine of the angle at `via` between the point before it and the point after it: near 1
/// when the route turns back on itself there. `None` when either piece is too short to say.
fn turn_back_cos(before: LonLat, via: LonLat, after: LonLat) -> Option<f64> {
    let v = |p: LonLat| {
        let k = via.lat.to_radians().cos();
        ((p.lon - via.lon) * k, p.lat - via.lat)
    };
    if haversine_m(before, via) < 0.5 || haversine_m(after, via) < 0.5 {
        return None;
    }
    let (a, b) = (v(before), v(after));
    Some((a.0 * b.0 + a.1 * b.1) / (a.0.hypot(a.1) * b.0.hypot(b.1)))
}

/// The largest turn-back cosine at the via waypoints of a route.
fn worst_turn_back(r: &Route) -> f64 {
    r.legs
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (&w[0].coordinates, &w[1].coordinates);
            turn_back_cos(a[a.len() - 2], a[a.len() - 1], b[1])
        })
        .fold(-1.0, f64::max)
}

/// `labels`: the engine answers cost-only queries from hub labels.
fn straight_routes_equal_brute_force(extract: &str, seed: u64, cases: usize, labels: bool) {
    let Some(e) = engine(extract) else { return };
    if labels {
        assert!(e.build_hub_labels(usize::MAX)[0].1.is_ok());
        assert!(e.has_hub_labels("car"));
    }
    let g = e.graph("car").unwrap();
    let index = SpatialIndex::new(g);
    let mut rng = Pcg64::seed_from_u64(seed);
    let (mut differ, mut turned_back) = (0, 0);
    for _ in 0..cases {
        let n = rng.random_range(3..=5);
        let locs: Vec<Location> = (0..n).map(|_| random_location(&mut rng, g)).collect();
        let points: Vec<EdgePoint> = locs
            .iter()
            .map(|l| {
                let s = index.snap(l.position.lon, l.position.lat, None).unwrap();
                EdgePoint::new(s.edge, s.fraction)
            })
            .collect();
        let with = |straight| RouteOptions {
            continue_straight: Some(straight),
            ..RouteOptions::default()
        };
        let straight = e.route_with("car", &locs, with(true)).unwrap();
        let free = e.route_with("car", &locs, with(false)).unwrap();
        let want = brute_force(g, &points).unwrap();
        // Leg durations are whole deciseconds.
        assert_eq!(total_ds(&straight), want, "{locs:?}");
        assert!(total_ds(&straight) >= total_ds(&free));
        assert!(worst_turn_back(&straight) < 0.999, "{locs:?}");
        differ += usize::from(total_ds(&straight) > total_ds(&free));
        turned_back += usize::from(worst_turn_back(&free) >= 0.999);
        // The car default forbids U-turns.
        assert_eq!(total_ds(&e.route("car", &locs).unwrap()), want);
    }
    // The test has teeth: some unrestricted routes turn back, and cost less for it.
    assert!(differ > 0 && turned_back > 0, "{differ} {turned_back}");
}

#[test]
fn monaco_continue_straight_equals_brute_force() {
    straight_routes_equal_brute_force("monaco-2023-12-26.osm.pbf", 1, 60, false);
}

#[test]
#[ignore = "slow: run in release by scripts/test.sh"]
fn andorra_and_porto_continue_straight_equal_brute_force() {
    straight_routes_equal_brute_force("andorra-2020-05-01.osm.pbf", 2, 100, true);
    straight_routes_equal_brute_force("porto-2015-06-06-highways.osm.pbf", 3, 100, true);
}

/// Bearing of the line from `a` to `b`, degrees clockwise from north.
fn bearing(a: LonLat, b: LonLat) -> f64 {
    let k = a.lat.to_radians().cos();
    ((b.lon - a.lon) * k)
        .atan2(b.lat - a.lat)
        .to_degrees()
        .rem_euclid(360.0)
}

fn angle_off(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

#[test]
fn monaco_bearings_fix_the_direction_of_departure_and_arrival() {
    let Some(e) = engine("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let g = e.graph("car").unwrap();
    let mut rng = Pcg64::seed_from_u64(7);
    let mut checked = 0;
    while checked < 40 {
        // The middle of a long straight piece of a two-way road.
        let edge = EdgeId(rng.random_range(0..g.num_edges() as u32));
        if g.edge_twin(edge).is_none() || g.component(g.edge_tail(edge)) != 0 {
            continue;
        }
        let geo = g.edge_geometry(edge);
        let i = rng.random_range(0..geo.len() - 1);
        let (a, b) = (geo[i], geo[i + 1]);
        if haversine_m(a, b) < 30.0 {
            continue;
        }
        let mid = LonLat::new((a.lon + b.lon) / 2.0, (a.lat + b.lat) / 2.0);
        let other = random_location(&mut rng, g);
        for heading in [bearing(a, b), bearing(b, a)] {
            let mut here = Location::new(mid.lon, mid.lat);
            here.radius_m = Some(1.0);
            here.bearing = Some((heading.round(), 20.0));
            let out = e.route("car", &[here, other]).unwrap();
            let c = &out.legs[0].coordinates;
            assert!(angle_off(bearing(c[0], c[1]), heading) < 5.0, "{c:?}");
            let back = e.route("car", &[other, here]).unwrap();
            let c = &back.legs[0].coordinates;
            let n = c.len();
            assert!(angle_off(bearing(c[n - 2], c[n - 1]), heading) < 5.0);
            // No road runs across the piece within a metre, so a crosswise bearing fails.
            let mut across = here;
            across.bearing = Some(((heading + 90.0).rem_euclid(360.0).round(), 10.0));
            assert!(e.route("car", &[across, other]).is_err());
        }
        checked += 1;
    }
}

#[test]
fn monaco_bearing_snaps_allow_a_direction_and_a_full_range_changes_nothing() {
    let Some(path) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let g = from_network(&read_network(&path, &CAR).unwrap()).unwrap();
    let index = SpatialIndex::new(&g);
    let mut rng = Pcg64::seed_from_u64(11);
    let mut narrowed = 0;
    for _ in 0..300 {
        let l = random_location(&mut rng, &g);
        let (lon, lat) = (l.position.lon, l.position.lat);
        let b = (f64::from(rng.random_range(0..360u16)), 30.0);
        // Every road found for a bearing runs that way in at least one direction, and a
        // one-way road never in the other.
        if let Ok(s) = index.snap_with_bearing(lon, lat, Some(300.0), b) {
            let [along, back] = s.directions(b);
            assert!(along || back, "{s:?}");
            assert!(s.twin.is_some() || !back);
            narrowed += usize::from(along != back);
        }
        for s in index
            .nearest_with_bearing(lon, lat, 4, Some(300.0), b)
            .unwrap_or_default()
        {
            assert!(s.directions(b).contains(&true), "{s:?}");
        }
        // A range of 180° allows every direction of every road.
        let all = (b.0, 180.0);
        let plain = index.snap(lon, lat, None).unwrap();
        assert_eq!(index.snap_with_bearing(lon, lat, None, all).unwrap(), plain);
        assert_eq!(plain.directions(all), [true, plain.twin.is_some()]);
        assert_eq!(
            index.nearest_with_bearing(lon, lat, 4, None, all).unwrap(),
            index.nearest(lon, lat, 4, None).unwrap()
        );
    }
    // Most two-way roads are narrowed to one direction by a 30° bearing.
    assert!(narrowed > 100, "{narrowed}");
}

#[test]
fn monaco_routes_without_guidance_differ_only_by_intersections_and_rings() {
    let Some(e) = engine("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let g = e.graph("car").unwrap();
    let mut rng = Pcg64::seed_from_u64(7);
    let (mut intersections, mut rings) = (0, 0);
    for _ in 0..60 {
        let n = rng.random_range(2..=4);
        let locs: Vec<Location> = (0..n).map(|_| random_location(&mut rng, g)).collect();
        let full = e.route_with("car", &locs, RouteOptions::default()).unwrap();
        let bare = RouteOptions {
            without_guidance: true,
            ..RouteOptions::default()
        };
        let mut lean = e.route_with("car", &locs, bare).unwrap();
        for (a, b) in full.legs.iter().zip(&mut lean.legs) {
            for (ea, eb) in a.edges.iter().zip(&mut b.edges) {
                assert!(eb.intersection.is_none() && eb.ring.is_none());
                intersections += usize::from(ea.intersection.is_some());
                rings += usize::from(ea.ring.is_some());
                eb.intersection.clone_from(&ea.intersection);
                eb.ring.clone_from(&ea.ring);
            }
        }
        assert_eq!(lean, full, "{locs:?}");
    }
    // The guided routes did describe intersections and traffic circles.
    assert!(intersections > 100 && rings > 0, "{intersections} {rings}");
}

#[test]
fn monaco_totals_only_legs_keep_the_full_legs_totals_and_ends() {
    let Some(e) = engine("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let g = e.graph("car").unwrap();
    let mut rng = Pcg64::seed_from_u64(11);
    for _ in 0..60 {
        let n = rng.random_range(2..=4);
        let locs: Vec<Location> = (0..n).map(|_| random_location(&mut rng, g)).collect();
        let free = RouteOptions {
            continue_straight: Some(false),
            ..RouteOptions::default()
        };
        let full = e.route_with("car", &locs, free).unwrap();
        let totals = RouteOptions {
            totals_only: true,
            ..free
        };
        let lean = e.route_with("car", &locs, totals).unwrap();
        assert_eq!(lean.waypoints, full.waypoints);
        assert_eq!(lean.legs.len(), full.legs.len());
        for (a, b) in full.legs.iter().zip(&lean.legs) {
            assert!((a.distance_m - b.distance_m).abs() < 1e-6, "{locs:?}");
            assert!((a.duration_s - b.duration_s).abs() < 1e-6, "{locs:?}");
            assert_eq!(b.coordinates.len(), 2);
            assert_eq!(b.coordinates[0], a.coordinates[0]);
            assert_eq!(b.coordinates[1], *a.coordinates.last().unwrap());
            assert!(b.nodes.is_empty() && b.edges.is_empty());
        }
    }
}

/// Hub labels change no answer: the same routes (with and without U-turns at via points,
/// full and totals-only), tables and trips before and after the engine builds them; a
/// budget too small for the labels leaves the engine searching its hierarchy.
#[test]
fn monaco_hub_labels_change_no_answer() {
    let Some(e) = engine("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let tight = e.build_hub_labels(10);
    assert_eq!(tight.len(), 1);
    assert!(tight[0].1.is_err(), "{tight:?}");
    assert!(!e.has_hub_labels("car"));
    let g = e.graph("car").unwrap();
    let mut rng = Pcg64::seed_from_u64(12);
    let cases: Vec<(Vec<Location>, RouteOptions)> = (0..80)
        .map(|i| {
            let n = rng.random_range(2..=5);
            let locs = (0..n).map(|_| random_location(&mut rng, g)).collect();
            let opts = RouteOptions {
                continue_straight: Some(i % 2 == 0),
                totals_only: i % 4 < 2,
                ..RouteOptions::default()
            };
            (locs, opts)
        })
        .collect();
    let answer = |e: &Engine| -> Vec<Route> {
        cases
            .iter()
            .map(|(locs, opts)| e.route_with("car", locs, *opts).unwrap())
            .collect()
    };
    // Tables one-to-many, many-to-one, small and square (labels) and large (buckets), and
    // trips, over 300 locations.
    let locs: Vec<Location> = (0..300).map(|_| random_location(&mut rng, g)).collect();
    let all: Vec<usize> = (0..locs.len()).collect();
    let tables = |e: &Engine| {
        [
            (&all[..1], &all[..]),
            (&all[..], &all[5..6]),
            (&all[..40], &all[20..80]),
            (&all[..], &all[..]),
        ]
        .map(|(s, d)| e.table("car", &locs, s, d).unwrap())
    };
    let ends = TripEnds {
        roundtrip: true,
        first_is_start: true,
        last_is_end: false,
    };
    let trips = |e: &Engine| e.trip("car", &locs[..60], ends).unwrap();
    let before = (answer(&e), tables(&e), trips(&e));
    let built = e.build_hub_labels(usize::MAX);
    assert!(matches!(built[0].1, Ok(bytes) if bytes > 0), "{built:?}");
    assert!(e.has_hub_labels("car") && !e.has_hub_labels("foot"));
    assert_eq!(answer(&e), before.0);
    assert_eq!(tables(&e), before.1);
    assert_eq!(trips(&e), before.2);
}

/// The labels are what answers: with a settle limit of one node every search fails, so
/// cost-only routes and small tables fail before the labels are built and equal an unbounded
/// engine's answers after, while a table past the label threshold still searches (and
/// fails).
#[test]
fn monaco_hub_labels_answer_where_searches_cannot() {
    let (Some(free), Some(e)) = (
        engine("monaco-2023-12-26.osm.pbf"),
        engine("monaco-2023-12-26.osm.pbf").map(|e| e.with_settle_limit(1)),
    ) else {
        return;
    };
    let g = free.graph("car").unwrap();
    let mut rng = Pcg64::seed_from_u64(13);
    let locs: Vec<Location> = (0..300).map(|_| random_location(&mut rng, g)).collect();
    let all: Vec<usize> = (0..locs.len()).collect();
    // U-turns allowed: a route that forbids them at a two-way via point builds full legs.
    let totals = RouteOptions {
        continue_straight: Some(false),
        totals_only: true,
        ..RouteOptions::default()
    };
    let route = |e: &Engine| e.route_with("car", &locs[..4], totals);
    let small = |e: &Engine| e.table("car", &locs, &all[..40], &all[20..80]);
    let large = |e: &Engine| e.table("car", &locs, &all, &all);
    let limited = |r: Result<_, DispatchError>| matches!(r, Err(DispatchError::LimitExceeded(_)));
    assert!(limited(route(&e).map(|_| ())));
    assert!(limited(small(&e).map(|_| ())));
    assert!(e.build_hub_labels(usize::MAX)[0].1.is_ok());
    assert_eq!(route(&e).unwrap(), route(&free).unwrap());
    assert_eq!(small(&e).unwrap(), small(&free).unwrap());
    assert!(limited(large(&e).map(|_| ())));
}
