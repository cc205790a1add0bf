//! Engine use cases on a small synthetic grid, against the reference Dijkstra.

use super::*;
use crate::graph::{GraphBuilder, Segment};
use crate::routing::Dijkstra;
use crate::types::{Deciseconds, LonLat, Meters, NodeId, OsmNodeId, OsmWayId};

/// A 6 × 6 grid of two-way streets (about 110 m apart) with varied speeds, plus one
/// one-way street and an isolated two-node road far to the east.
fn grid(profile: &str) -> RoadGraph {
    let mut b = GraphBuilder::new(profile);
    let n = 6u32;
    let id = |x: u32, y: u32| NodeId(y * n + x);
    for y in 0..n {
        for x in 0..n {
            b.add_node(
                OsmNodeId(i64::from(y * n + x) + 1),
                LonLat::new(7.40 + f64::from(x) * 0.0014, 43.73 + f64::from(y) * 0.001),
            );
        }
    }
    let island = (
        b.add_node(OsmNodeId(1000), LonLat::new(7.50, 43.73)),
        b.add_node(OsmNodeId(1001), LonLat::new(7.501, 43.73)),
    );
    let mut seg = |a: NodeId, c: NodeId, secs: u32, two_way: bool, name: &str| {
        b.add_segment(&Segment {
            tail: a,
            head: c,
            forward: Some(Deciseconds(secs)),
            backward: two_way.then_some(Deciseconds(secs)),
            distance: Meters(111),
            way: OsmWayId(7),
            name,
            flags: 0,
            geometry: &[],
        })
        .unwrap();
    };
    for y in 0..n {
        for x in 0..n {
            if x + 1 < n {
                seg(
                    id(x, y),
                    id(x + 1, y),
                    80 + 13 * ((x * 7 + y * 3) % 5),
                    y != 2,
                    "East",
                );
            }
            if y + 1 < n {
                seg(
                    id(x, y),
                    id(x, y + 1),
                    90 + 11 * ((x * 5 + y) % 4),
                    true,
                    "North",
                );
            }
        }
    }
    seg(island.0, island.1, 100, true, "Island");
    b.build().unwrap()
}

fn engine() -> Engine {
    let mut e = Engine::new();
    e.add_profile(grid("car"), None).unwrap();
    e
}

fn loc(lon: f64, lat: f64) -> Location {
    Location::new(lon, lat)
}

const PTS: [(f64, f64); 5] = [
    (7.4003, 43.7302),
    (7.4061, 43.7341),
    (7.4012, 43.7349),
    (7.4068, 43.7305),
    (7.4030, 43.7320),
];

#[test]
fn route_and_table_equal_dijkstra() {
    let e = engine();
    let g = e.graph("car").unwrap();
    let p = e.profile("car").unwrap();
    let mut space = SearchSpace::new(g.num_nodes());
    let locs: Vec<Location> = PTS.iter().map(|&(x, y)| loc(x, y)).collect();
    let all: Vec<usize> = (0..locs.len()).collect();
    let table = e.table("car", &locs, &all, &all).unwrap();
    for i in 0..locs.len() {
        for j in 0..locs.len() {
            let a = Engine::snap_one(p, i, locs[i]).unwrap().point();
            let b = Engine::snap_one(p, j, locs[j]).unwrap().point();
            let want = Dijkstra::new(g).query(&mut space, a, b).unwrap().unwrap();
            let (secs, metres) = table.cell(i, j).unwrap();
            assert!(
                (secs - want.duration.as_secs_f64()).abs() < 1e-9,
                "{i}->{j}"
            );
            assert!(
                (metres - f64::from(want.distance.0)).abs() < 1e-9,
                "{i}->{j}"
            );
            let r = e.route("car", &[locs[i], locs[j]]).unwrap();
            assert!((r.duration_s() - secs).abs() < 1e-9, "{i}->{j}");
            let leg = &r.legs[0];
            let seg_sum: f64 = leg.segments.iter().map(|s| s.distance_m).sum();
            assert!(
                (seg_sum - metres).abs() < 1e-6,
                "{i}->{j}: {seg_sum} vs {metres}"
            );
            assert_eq!(leg.segments.len() + 1, leg.coordinates.len());
            assert_eq!(leg.coordinates[0], r.waypoints[0].location);
            assert_eq!(*leg.coordinates.last().unwrap(), r.waypoints[1].location);
        }
    }
}

#[test]
fn trip_visits_every_stop_once_and_respects_fixed_ends() {
    let e = engine();
    let locs: Vec<Location> = PTS.iter().map(|&(x, y)| loc(x, y)).collect();
    for ends in [
        TripEnds {
            roundtrip: true,
            first_is_start: false,
            last_is_end: false,
        },
        TripEnds {
            roundtrip: false,
            first_is_start: true,
            last_is_end: true,
        },
    ] {
        let trips = e.trip("car", &locs, ends).unwrap();
        assert_eq!(trips.len(), 1, "the grid is strongly connected");
        let t = &trips[0];
        let mut order = t.order.clone();
        order.sort_unstable();
        assert_eq!(order, vec![0, 1, 2, 3, 4]);
        let legs = if ends.roundtrip { 5 } else { 4 };
        assert_eq!(t.route.legs.len(), legs);
        if ends.first_is_start {
            assert_eq!(t.order[0], 0);
        }
        if ends.last_is_end {
            assert_eq!(*t.order.last().unwrap(), 4);
        }
        // Never worse than visiting in input order.
        let input: f64 = e.route("car", &locs).unwrap().duration_s();
        if !ends.roundtrip {
            assert!(t.route.duration_s() <= input + 1e-9);
        }
    }
}

#[test]
fn errors_name_the_problem() {
    let e = engine();
    let ok = loc(7.4003, 43.7302);
    assert!(matches!(
        e.route("bike", &[ok, ok]),
        Err(DispatchError::UnknownProfile { .. })
    ));
    assert!(matches!(
        e.route("car", &[ok]),
        Err(DispatchError::TooFewCoordinates {
            needed: 2,
            given: 1
        })
    ));
    assert!(matches!(
        e.route("car", &[ok, loc(7.40, 91.0)]),
        Err(DispatchError::InvalidCoordinate { index: 1, .. })
    ));
    assert!(matches!(
        e.route("car", &[ok, loc(f64::NAN, 43.7)]),
        Err(DispatchError::InvalidCoordinate { index: 1, .. })
    ));
    let sea = loc(7.0, 43.0);
    assert!(matches!(
        e.route("car", &[sea, ok]),
        Err(DispatchError::NoSegment { index: 0, .. })
    ));
    let tight = Location {
        position: LonLat::new(7.4003, 43.7312),
        radius_m: Some(1.0),
        hint: None,
        bearing: None,
    };
    assert!(matches!(
        e.snap("car", tight),
        Err(DispatchError::NoSegment { .. })
    ));
    let negative = Location {
        radius_m: Some(-1.0),
        ..ok
    };
    assert!(matches!(
        e.snap("car", negative),
        Err(DispatchError::InvalidRadius { .. })
    ));
    let island = loc(7.5005, 43.7301);
    assert!(matches!(
        e.route("car", &[ok, island]),
        Err(DispatchError::NoRoute { from: 0, to: 1 })
    ));
    let t = e.table("car", &[ok, island], &[0, 1], &[0, 1]).unwrap();
    assert_eq!(t.cell(0, 1), None);
    assert!(matches!(
        e.table("car", &[ok], &[3], &[0]),
        Err(DispatchError::IndexOutOfRange { index: 3, .. })
    ));
    // One trip per side; with a fixed end, no trip (as OSRM).
    for roundtrip in [false, true] {
        let ends = TripEnds {
            roundtrip,
            ..TripEnds::default()
        };
        let trips = e.trip("car", &[ok, island], ends).unwrap();
        let orders: Vec<&[usize]> = trips.iter().map(|t| t.order.as_slice()).collect();
        assert_eq!(orders, [[0], [1]]);
        // A trip of one stop: one leg of length 0 back to itself, round or not.
        assert_eq!(trips[1].route.legs.len(), 1);
        assert_eq!(trips[1].route.duration_s(), 0.0);
    }
    let fixed = TripEnds {
        roundtrip: false,
        first_is_start: true,
        last_is_end: true,
    };
    assert!(matches!(
        e.trip("car", &[ok, island], fixed),
        Err(DispatchError::NoTrip { .. })
    ));
    let mut twice = engine();
    assert!(matches!(
        twice.add_profile(grid("car"), None),
        Err(DispatchError::DuplicateProfile { .. })
    ));
}

#[test]
fn nearest_is_sorted_and_snap_names_the_road() {
    let e = engine();
    let w = e.nearest("car", loc(7.4007, 43.7305), 3).unwrap();
    assert_eq!(w.len(), 3);
    assert!(w.windows(2).all(|p| p[0].distance_m <= p[1].distance_m));
    let s = e.snap("car", loc(7.4007, 43.73001)).unwrap();
    assert_eq!(s.name, "East");
    assert!(s.distance_m < 2.0);
}

#[test]
fn graph_files_load_with_or_without_a_stored_hierarchy() {
    use crate::graph::file;
    let g = grid("foot");
    let ch = ContractionHierarchy::build(&g).unwrap();
    let dir = std::env::temp_dir().join(format!("vmeste-dispatch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let meta = file::Meta {
        source_sha256: [0; 32],
    };
    let with = dir.join("with-ch.vmg");
    let without = dir.join("without-ch.vmg");
    file::write(&with, &g, &meta, &[(CH_SECTION, &ch.to_bytes())]).unwrap();
    file::write(&without, &g, &meta, &[]).unwrap();
    let locs = [loc(PTS[0].0, PTS[0].1), loc(PTS[1].0, PTS[1].1)];
    let mut durations = Vec::new();
    for path in [&with, &without] {
        let mut e = Engine::new();
        assert_eq!(e.add_graph_file(path).unwrap(), "foot");
        durations.push(e.route("foot", &locs).unwrap().duration_s());
    }
    assert!((durations[0] - durations[1]).abs() < 1e-9);
    assert!(
        Engine::new()
            .add_graph_file(&dir.join("missing.vmg"))
            .is_err()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn hints_place_points_without_snapping_on_the_same_graph_only() {
    let e = engine();
    let locs: Vec<Location> = PTS.iter().map(|&(x, y)| loc(x, y)).collect();
    let plain = e.route("car", &locs).unwrap();
    // The hints of the answer give the same answer.
    let hinted: Vec<Location> = locs
        .iter()
        .zip(&plain.waypoints)
        .map(|(l, w)| Location {
            hint: Some(w.hint),
            ..*l
        })
        .collect();
    assert_eq!(e.route("car", &hinted).unwrap(), plain);
    // A hint is used as given: from a coordinate elsewhere, it still places the point.
    let moved = Location {
        hint: Some(plain.waypoints[1].hint),
        ..locs[0]
    };
    let w = e.snap("car", moved).unwrap();
    assert_eq!(w.location, plain.waypoints[1].location);
    assert_eq!(w.input, locs[0].position);
    // From another graph, or past the radius, it is ignored: the point is snapped.
    let foreign = Location {
        hint: Some(Hint {
            graph: plain.waypoints[1].hint.graph ^ 1,
            ..plain.waypoints[1].hint
        }),
        ..locs[0]
    };
    assert_eq!(e.snap("car", foreign).unwrap(), plain.waypoints[0]);
    let tight = Location {
        radius_m: Some(0.5),
        ..moved
    };
    assert!(
        matches!(
            e.snap("car", tight),
            Ok(ref w) if w.location != plain.waypoints[1].location
        ) || matches!(e.snap("car", tight), Err(DispatchError::NoSegment { .. }))
    );
    // A hint naming a piece of road that is not there is ignored too.
    let bogus = Location {
        hint: Some(Hint {
            segment: 9_999,
            ..plain.waypoints[1].hint
        }),
        ..locs[0]
    };
    assert_eq!(e.snap("car", bogus).unwrap(), plain.waypoints[0]);
}

#[test]
fn bearings_choose_roads_running_that_way() {
    let e = engine();
    // 22 m south of an east-west street, 24 m east of a north-south one.
    let base = loc(7.4003, 43.7302);
    let at = |bearing| {
        e.snap(
            "car",
            Location {
                bearing: Some(bearing),
                ..base
            },
        )
    };
    let plain = e.snap("car", base).unwrap();
    assert!((plain.location.lat - 43.7300).abs() < 1e-6, "{plain:?}");
    for b in [(0.0, 20.0), (180.0, 20.0), (350.0, 15.0)] {
        let w = at(b).unwrap();
        assert!((w.location.lon - 7.4000).abs() < 1e-6, "{b:?}: {w:?}");
    }
    for b in [(90.0, 10.0), (270.0, 10.0)] {
        assert_eq!(at(b).unwrap().location, plain.location, "{b:?}");
    }
    // Diagonal, or NaN: no road runs that way.
    for b in [(45.0, 10.0), (f64::NAN, 10.0)] {
        assert!(
            matches!(at(b), Err(DispatchError::NoSegment { .. })),
            "{b:?}"
        );
    }
}
