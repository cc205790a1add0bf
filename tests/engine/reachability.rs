//! Reachability reports on the real extracts with places, against routes one by one: every
//! reachable point has the route's time and length, every unreachable one has no route, and
//! the island gap equals a linear scan over the roads of the main network (`spatial::Scan`).
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use engine::dispatch::{DispatchError, Engine, Location};
use engine::geocode::Gazetteer;
use engine::osm::{BICYCLE, CAR, FOOT, read_network, read_network_and_gazetteer};
use engine::reachability::{ReachError, ReachOptions, Unreachable, reach};
use engine::types::LonLat;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::spatial::Scan;
use crate::support;

/// The extracts with places.
pub(crate) const EXTRACTS: [&str; 6] = [
    "helsinki-centre-2019-04",
    "kotka-karhula-2019-04",
    "isle-of-man-2020-03-13",
    "liechtenstein-2015-07-27",
    "andorra-2020-05-01",
    "north-bayreuth-2014",
];

/// Car, foot and bicycle graphs of an extract, and its gazetteer.
pub(crate) fn load(extract: &str) -> Option<(Engine, Gazetteer)> {
    let path = support::osm(&format!("{extract}.osm.pbf"))?;
    let (net, osm) = read_network_and_gazetteer(&path, &CAR, &|_| {}).unwrap();
    let mut engine = Engine::new();
    engine
        .add_profile(engine::graph::from_network(&net).unwrap(), None)
        .unwrap();
    for p in [&FOOT, &BICYCLE] {
        let net = read_network(&path, p).unwrap();
        engine
            .add_profile(engine::graph::from_network(&net).unwrap(), None)
            .unwrap();
    }
    Some((engine, Gazetteer::from_osm(&osm)))
}

/// The biggest place whose road is on the main car network: the origin of the reports.
fn origin(engine: &Engine, g: &Gazetteer) -> LonLat {
    let index = engine.index("car").unwrap();
    g.places(None, None, 1_000)
        .unwrap()
        .into_iter()
        .map(|p| p.location)
        .find(|p| {
            index
                .snap(p.lon, p.lat, None)
                .is_ok_and(|s| s.component == 0)
        })
        .unwrap()
}

/// All places, then `n` random points in the graph's bounding box (seeded).
fn points(engine: &Engine, g: &Gazetteer, n: usize) -> Vec<LonLat> {
    let mut pts: Vec<LonLat> = g.all_places().iter().map(|p| p.location).collect();
    let (lo, hi) = engine.graph("car").unwrap().bbox().unwrap();
    let mut rng = Pcg64::seed_from_u64(7);
    pts.extend((0..n).map(|_| {
        LonLat::new(
            rng.random_range(lo.lon..=hi.lon),
            rng.random_range(lo.lat..=hi.lat),
        )
    }));
    pts
}

/// Checks a report on one extract against routes one by one; returns
/// (points, reachable, reasons by kind).
fn check_extract(extract: &str, random: usize) -> Option<(usize, usize, Vec<&'static str>)> {
    let (engine, g) = load(extract)?;
    let from = origin(&engine, &g);
    let pts = points(&engine, &g, random);
    let alone = ReachOptions {
        other_modes: false,
        ..ReachOptions::default()
    };
    let out = reach(&engine, "car", from, &pts, &alone).unwrap();
    assert_eq!(out.len(), pts.len());
    let index = engine.index("car").unwrap();
    let scan = Scan::new(engine.graph("car").unwrap(), index);
    let mut kinds = Vec::new();
    for (i, (p, r)) in pts.iter().zip(&out).enumerate() {
        let route = engine.route(
            "car",
            &[
                Location::new(from.lon, from.lat),
                Location::new(p.lon, p.lat),
            ],
        );
        match (&route, r.reachable) {
            (Ok(route), true) => {
                assert!(
                    (route.duration_s() - r.duration_s.unwrap()).abs() < 1e-6,
                    "{extract} {i}"
                );
                assert!(
                    (route.distance_m() - r.distance_m.unwrap()).abs() < 1e-6,
                    "{extract} {i}"
                );
            }
            (Err(DispatchError::NoRoute { .. }), false) => {
                let s = index.snap(p.lon, p.lat, None).unwrap();
                match r.reason.as_ref().unwrap() {
                    Unreachable::Island {
                        component_size,
                        gap_m,
                        road_m,
                    } => {
                        assert_ne!(s.component, 0, "{extract} {i}");
                        assert_eq!(*component_size, s.component_size);
                        assert!((road_m - s.distance_m).abs() < 1e-9);
                        let scan = scan.main_dist(index.projection().project(s.location));
                        assert!(
                            (gap_m.unwrap() - scan).abs() < 0.01,
                            "{extract} {i}: {gap_m:?} vs {scan}"
                        );
                    }
                    Unreachable::NoRoute => {}
                    other => panic!("{extract} {i}: {other:?} for a point on a road"),
                }
            }
            (Err(DispatchError::NoSegment { .. }), false) => {
                assert!(
                    matches!(r.reason, Some(Unreachable::NoRoadNearby { nearest_road_m: Some(d), radius_m }) if d > radius_m),
                    "{extract} {i}: {r:?}"
                );
            }
            other => panic!("{extract} {i}: route {other:?} but report {r:?}"),
        }
        if let Some(reason) = &r.reason {
            kinds.push(reason.kind());
        }
    }
    let reachable = out.iter().filter(|r| r.reachable).count();
    Some((pts.len(), reachable, kinds))
}

#[test]
fn reach_equals_routes_on_small_extracts() {
    for extract in [
        "helsinki-centre-2019-04",
        "kotka-karhula-2019-04",
        "north-bayreuth-2014",
    ] {
        let Some((n, reachable, kinds)) = check_extract(extract, 100) else {
            return;
        };
        assert!(reachable * 2 > n, "{extract}: {reachable} of {n}");
        assert!(
            !kinds.is_empty(),
            "{extract}: random points include unreachable ones"
        );
    }
}

#[test]
fn reach_equals_routes_on_larger_extracts() {
    for extract in [
        "isle-of-man-2020-03-13",
        "liechtenstein-2015-07-27",
        "andorra-2020-05-01",
    ] {
        let Some((n, reachable, kinds)) = check_extract(extract, 500) else {
            return;
        };
        let mut by_kind = std::collections::BTreeMap::new();
        for k in &kinds {
            *by_kind.entry(*k).or_insert(0) += 1;
        }
        eprintln!("{extract}: {reachable} of {n} reachable; reasons {by_kind:?}");
        assert!(kinds.contains(&"island"), "{extract}");
    }
}

#[test]
fn other_modes_and_ferries_explain_on_every_extract() {
    for extract in EXTRACTS {
        let Some((engine, g)) = load(extract) else {
            return;
        };
        let from = origin(&engine, &g);
        let pts: Vec<LonLat> = g.all_places().iter().map(|p| p.location).collect();
        assert!(!pts.is_empty(), "{extract} has places");
        let all = reach(&engine, "car", from, &pts, &ReachOptions::default()).unwrap();
        let alone = ReachOptions {
            other_modes: false,
            ..ReachOptions::default()
        };
        let car = reach(&engine, "car", from, &pts, &alone).unwrap();
        let no_ferry = ReachOptions {
            ferries: false,
            ..alone.clone()
        };
        let land = reach(&engine, "car", from, &pts, &no_ferry).unwrap();
        for (i, ((a, c), l)) in all.iter().zip(&car).zip(&land).enumerate() {
            assert_eq!(a.reachable, c.reachable, "{extract} {i}");
            if let Some(Unreachable::OtherModeOnly { modes }) = &a.reason {
                // Some other profile really routes there.
                let p = pts[i];
                assert!(
                    modes.iter().all(|m| engine
                        .route(
                            m,
                            &[
                                Location::new(from.lon, from.lat),
                                Location::new(p.lon, p.lat)
                            ]
                        )
                        .is_ok()),
                    "{extract} {i}: {modes:?}"
                );
            }
            // Without ferries a point is reached as with them, or only by a ferry; routes
            // without ferries are never faster (a point snapped onto a ferry line moves to
            // the nearest road, so compare where both stay on a road).
            match &l.reason {
                Some(Unreachable::FerryOnly { .. }) => assert!(c.reachable, "{extract} {i}"),
                _ => assert_eq!(l.reachable, c.reachable, "{extract} {i}"),
            }
        }
    }
}

#[test]
fn hostile_reports_are_errors() {
    let Some((engine, g)) = load("kotka-karhula-2019-04") else {
        return;
    };
    let from = origin(&engine, &g);
    let o = ReachOptions::default();
    let sea = LonLat::new(26.95, 60.30);
    assert!(matches!(
        reach(&engine, "car", sea, &[from], &o),
        Err(ReachError::OriginOffRoad { .. })
    ));
    assert!(matches!(
        reach(&engine, "boat", from, &[from], &o),
        Err(ReachError::UnknownProfile { .. })
    ));
    assert!(matches!(
        reach(
            &engine,
            "car",
            from,
            &[from, LonLat::new(f64::NAN, 1.0)],
            &o
        ),
        Err(ReachError::InvalidPoint { index: 1, .. })
    ));
    let many = vec![from; engine::reachability::MAX_POINTS + 1];
    assert!(matches!(
        reach(&engine, "car", from, &many, &o),
        Err(ReachError::TooManyPoints { .. })
    ));
}
