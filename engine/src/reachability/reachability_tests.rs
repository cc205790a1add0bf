//! Reachability on a small synthetic network with a ferry, an island and a footpath.

use super::*;
use crate::dispatch::Location;
use crate::graph::{FLAG_FERRY, GraphBuilder, RoadGraph, Segment};
use crate::types::{Deciseconds, Meters, OsmNodeId};

/// A graph of `profile` with nodes at `pts` and two-way roads (tail, head, flags, name), 30 s
/// and 400 m each, ways numbered from `first_way`.
fn road_graph(
    profile: &str,
    pts: &[(f64, f64)],
    roads: &[(usize, usize, u8, &str)],
    first_way: i64,
) -> RoadGraph {
    let mut b = GraphBuilder::new(profile);
    let n: Vec<_> = pts
        .iter()
        .zip(1..)
        .map(|(&(x, y), id)| b.add_node(OsmNodeId(id), LonLat::new(x, y)))
        .collect();
    for (i, &(t, h, flags, name)) in roads.iter().enumerate() {
        b.add_segment(&Segment {
            tail: n[t],
            head: n[h],
            forward: Some(Deciseconds(300)),
            backward: Some(Deciseconds(300)),
            distance: Meters(400),
            way: OsmWayId(first_way + i64::try_from(i).unwrap()),
            name,
            flags,
            geometry: &[],
        })
        .unwrap();
    }
    b.build().unwrap()
}

/// A road A–B–C, a ferry C–F, a road F–G, an island road D–E 1.6 km east of C; on foot
/// also a path C–D.
fn graph(profile: &str) -> RoadGraph {
    let pts = [
        (7.400, 43.730),
        (7.405, 43.730),
        (7.410, 43.730),
        (7.410, 43.740),
        (7.415, 43.740),
        (7.430, 43.730),
        (7.432, 43.730),
    ];
    let mut roads = vec![
        (0, 1, 0, ""),
        (1, 2, 0, ""),
        (2, 3, FLAG_FERRY, "Ferry"),
        (3, 4, 0, ""),
        (5, 6, 0, ""),
    ];
    if profile == "foot" {
        roads.push((2, 5, 0, ""));
    }
    road_graph(profile, &pts, &roads, 100)
}

fn engine(foot: bool) -> Engine {
    let mut e = Engine::new();
    e.add_profile(graph("car"), None).unwrap();
    if foot {
        e.add_profile(graph("foot"), None).unwrap();
    }
    e
}

const A: LonLat = LonLat::new(7.4001, 43.7301);
const B: LonLat = LonLat::new(7.4052, 43.7301);
const G: LonLat = LonLat::new(7.4140, 43.7401);
const D: LonLat = LonLat::new(7.4310, 43.7301);
const SEA: LonLat = LonLat::new(7.400, 43.800);

#[test]
fn reachable_points_equal_routes() {
    let e = engine(false);
    let out = reach(&e, "car", A, &[B, G, A], &ReachOptions::default()).unwrap();
    for (p, r) in [B, G, A].iter().zip(&out) {
        let route = e
            .route(
                "car",
                &[Location::new(A.lon, A.lat), Location::new(p.lon, p.lat)],
            )
            .unwrap();
        assert!(r.reachable);
        assert!(r.reason.is_none());
        assert!((r.duration_s.unwrap() - route.duration_s()).abs() < 1e-6);
        assert!((r.distance_m.unwrap() - route.distance_m()).abs() < 1e-6);
    }
}

#[test]
fn every_reason_is_given() {
    let e = engine(false);
    let out = reach(&e, "car", A, &[D, SEA], &ReachOptions::default()).unwrap();
    match &out[0].reason {
        Some(Unreachable::Island {
            component_size,
            gap_m,
            road_m,
        }) => {
            assert_eq!(*component_size, 2);
            assert!((gap_m.unwrap() - 1689.0).abs() < 5.0, "{gap_m:?}");
            assert!(*road_m < 20.0);
        }
        other => panic!("{other:?}"),
    }
    assert!(!out[0].reachable && out[0].duration_s.is_none());
    assert!(
        matches!(
            out[1].reason,
            Some(Unreachable::NoRoadNearby { nearest_road_m: Some(d), radius_m }) if d > 6_000.0 && radius_m == 5_000.0
        ),
        "{:?}",
        out[1]
    );
    let no_ferry = ReachOptions {
        ferries: false,
        ..ReachOptions::default()
    };
    let out = reach(&e, "car", A, &[B, G], &no_ferry).unwrap();
    assert!(out[0].reachable);
    assert_eq!(
        out[1].reason,
        Some(Unreachable::FerryOnly {
            way: OsmWayId(102),
            name: "Ferry".into()
        })
    );
    let out = reach(&e, "car", D, &[A, D], &ReachOptions::default()).unwrap();
    assert!(matches!(
        out[0].reason,
        Some(Unreachable::OriginIsland {
            component_size: 2,
            ..
        })
    ));
    assert!(out[1].reachable);
}

#[test]
fn other_modes_explain_islands() {
    let e = engine(true);
    let out = reach(&e, "car", A, &[D], &ReachOptions::default()).unwrap();
    assert_eq!(
        out[0].reason,
        Some(Unreachable::OtherModeOnly {
            modes: vec!["foot".into()]
        })
    );
    let alone = ReachOptions {
        other_modes: false,
        ..ReachOptions::default()
    };
    let out = reach(&e, "car", A, &[D], &alone).unwrap();
    assert_eq!(
        out[0].reason.as_ref().map(Unreachable::kind),
        Some("island")
    );
}

#[test]
fn bad_input_is_an_error() {
    let e = engine(false);
    let o = ReachOptions::default();
    assert!(matches!(
        reach(&e, "boat", A, &[B], &o),
        Err(ReachError::UnknownProfile { .. })
    ));
    assert!(matches!(
        reach(&e, "car", SEA, &[B], &o),
        Err(ReachError::OriginOffRoad { .. })
    ));
    assert!(matches!(
        reach(&e, "car", LonLat::new(f64::NAN, 43.0), &[B], &o),
        Err(ReachError::InvalidOrigin { .. })
    ));
    assert!(matches!(
        reach(&e, "car", A, &[B, LonLat::new(7.4, f64::INFINITY)], &o),
        Err(ReachError::InvalidPoint { index: 1, .. })
    ));
    let few = ReachOptions {
        max_points: 1,
        ..ReachOptions::default()
    };
    assert!(matches!(
        reach(&e, "car", A, &[B, B], &few),
        Err(ReachError::TooManyPoints { given: 2, max: 1 })
    ));
    let bad_radius = ReachOptions {
        radius_m: Some(f64::NAN),
        ..ReachOptions::default()
    };
    assert!(matches!(
        reach(&e, "car", A, &[B], &bad_radius),
        Err(ReachError::InvalidRadius { .. })
    ));
    assert!(reach(&e, "car", A, &[], &o).unwrap().is_empty());
}

/// A–B–C with B–C unpaved, and a ferry C–F to an island road F–G.
fn unpaved_engine() -> Engine {
    use crate::graph::FLAG_UNPAVED;
    let pts = [
        (7.400, 43.730),
        (7.405, 43.730),
        (7.410, 43.730),
        (7.410, 43.740),
        (7.415, 43.740),
    ];
    let roads = [
        (0, 1, 0, "Main"),
        (1, 2, FLAG_UNPAVED, "Track"),
        (2, 3, FLAG_FERRY, "Ferry"),
        (3, 4, 0, "Isle"),
    ];
    let mut e = Engine::new();
    e.add_profile(road_graph("car", &pts, &roads, 200), None)
        .unwrap();
    e
}

#[test]
fn excluded_classes_name_the_road_a_point_needs() {
    let e = unpaved_engine();
    let a = LonLat::new(7.400, 43.7301);
    let c = LonLat::new(7.4099, 43.7301);
    let g = LonLat::new(7.4149, 43.7401);
    let opts = |classes: &[ExcludeClass]| ReachOptions {
        exclude: classes.iter().copied().collect(),
        other_modes: false,
        radius_m: Some(50.0),
        ..ReachOptions::default()
    };
    let open = reach(&e, "car", a, &[c, g], &opts(&[])).unwrap();
    assert!(open.iter().all(|r| r.reachable), "{open:?}");
    let no_track = reach(&e, "car", a, &[c, g], &opts(&[ExcludeClass::Unpaved])).unwrap();
    for r in &no_track {
        assert_eq!(
            r.reason,
            Some(Unreachable::ExcludedOnly {
                class: ExcludeClass::Unpaved,
                way: OsmWayId(201),
                name: "Track".into()
            })
        );
        assert_eq!(r.reason.as_ref().unwrap().kind(), "excluded_only");
    }
    // A ferry on the way is named before the other classes.
    let both = [ExcludeClass::Unpaved, ExcludeClass::Ferry];
    let out = reach(&e, "car", a, &[g], &opts(&both)).unwrap();
    assert_eq!(
        out[0].reason,
        Some(Unreachable::FerryOnly {
            way: OsmWayId(202),
            name: "Ferry".into()
        })
    );
    // Foot and bicycle are not loaded; motorway is declared by car but has no road here:
    // nothing changes.
    let out = reach(&e, "car", a, &[c, g], &opts(&[ExcludeClass::Motorway])).unwrap();
    assert_eq!(out, open);
}

#[test]
fn an_undeclared_class_is_refused_with_the_profile_classes() {
    let mut e = Engine::new();
    e.add_profile(graph("foot"), None).unwrap();
    let err = reach(
        &e,
        "foot",
        A,
        &[B],
        &ReachOptions {
            exclude: ExcludeSet::EMPTY.with(ExcludeClass::Toll),
            ..ReachOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("profile foot cannot exclude toll (its classes: ferry)"),
        "{err}"
    );
}
