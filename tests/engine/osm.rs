//! `engine::osm` and the graph built from it, on the real extracts.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

use std::path::{Path, PathBuf};

use engine::graph::{FLAG_FERRY, RoadGraph, from_network};
use engine::osm::{BICYCLE, CAR, FOOT, ImportError, PROFILES, Profile, read_network};
use engine::types::{EdgeId, OsmWayId};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::support;

fn graph(name: &str, profile: &'static Profile) -> Option<RoadGraph> {
    let path = support::osm(name)?;
    let net =
        read_network(&path, profile).unwrap_or_else(|e| panic!("{name} {}: {e}", profile.name));
    Some(from_network(&net).unwrap())
}

fn edges_of_way(g: &RoadGraph, way: i64) -> Vec<EdgeId> {
    (0..g.num_edges() as u32)
        .map(EdgeId)
        .filter(|&e| g.edge_way(e) == OsmWayId(way))
        .collect()
}

/// A file in the temp folder, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(tag: &str, bytes: &[u8]) -> Self {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!(
            "vmeste-osm-{}-{tag}-{n}.osm.pbf",
            std::process::id()
        ));
        std::fs::write(&p, bytes).unwrap();
        Self(p)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        std::fs::remove_file(&self.0).ok();
    }
}

fn import_bytes(bytes: &[u8]) -> Result<RoadGraph, ImportError> {
    let f = TempFile::new("bytes", bytes);
    let net = read_network(&f.0, &CAR)?;
    Ok(from_network(&net).unwrap())
}

/// The structural invariants every imported graph must satisfy.
fn check_invariants(g: &RoadGraph) {
    assert!(g.num_nodes() > 0 && g.num_edges() > 0);
    for e in (0..g.num_edges() as u32).map(EdgeId) {
        let geom = g.edge_geometry(e);
        assert!(geom.len() >= 2);
        assert!(geom.iter().all(|p| p.is_valid()));
        assert_ne!(g.edge_tail(e), g.edge_head(e), "no loop edges");
        if let Some(t) = g.edge_twin(e) {
            assert_eq!(g.edge_distance(t), g.edge_distance(e));
            let mut back = g.edge_geometry(t);
            back.reverse();
            assert_eq!(back, geom);
        }
        // The length is the haversine sum along the geometry, in whole metres.
        let len: f64 = geom
            .windows(2)
            .map(|w| engine::types::haversine_m(w[0], w[1]))
            .sum();
        assert!(
            (f64::from(g.edge_distance(e).0) - len).abs() <= 0.5 + 1e-6,
            "edge {e:?}"
        );
    }
    let total: u64 = (0..g.num_components() as u32)
        .map(|c| u64::from(g.component_size(c)))
        .sum();
    assert_eq!(total, g.num_nodes() as u64);
}

#[test]
fn every_extract_imports_for_every_profile() {
    for name in support::EXTRACTS {
        for p in PROFILES {
            let Some(g) = graph(name, p) else { continue };
            check_invariants(&g);
            assert_eq!(g.profile(), p.name);
        }
    }
}

#[test]
fn clipped_extracts_are_cut_at_missing_nodes() {
    // Both files reference nodes they do not contain (912 and 471 way-node refs).
    for name in [
        "helsinki-centre-2019-04.osm.pbf",
        "kotka-karhula-2019-04.osm.pbf",
    ] {
        for p in PROFILES {
            let Some(path) = support::osm(name) else {
                return;
            };
            let net = read_network(&path, p).unwrap();
            for w in &net.ways {
                assert!(w.nodes.len() >= 2);
            }
            check_invariants(&from_network(&net).unwrap());
        }
    }
}

/// Monaco 4224972 (Avenue des Papalins) and Porto 8366896 (Rua de José Falcão) are
/// `highway=residential` + `oneway=yes`.
#[test]
fn oneway_ways_are_one_directional_by_car_and_two_directional_on_foot() {
    for (name, way) in [
        ("monaco-2023-12-26.osm.pbf", 4224972),
        ("porto-2015-06-06-highways.osm.pbf", 8366896),
    ] {
        let (Some(car), Some(foot)) = (graph(name, &CAR), graph(name, &FOOT)) else {
            return;
        };
        let car_edges = edges_of_way(&car, way);
        assert!(!car_edges.is_empty(), "{way}");
        for &e in &car_edges {
            assert_eq!(
                car.edge_twin(e),
                None,
                "{way}: a oneway edge has no reverse"
            );
        }
        let foot_edges = edges_of_way(&foot, way);
        // Footpaths crossing the street split it further in the foot graph.
        assert!(foot_edges.len() >= 2 * car_edges.len(), "{way}");
        for &e in &foot_edges {
            assert!(foot.edge_twin(e).is_some(), "{way}: walkable both ways");
        }
    }
}

/// Porto 4257028 and 4257056 are motorways (A1 / IC23); Monaco 4230116 and Porto 10859950
/// are footways.
#[test]
fn motorways_are_not_walkable_and_footways_not_drivable() {
    let porto = "porto-2015-06-06-highways.osm.pbf";
    let (Some(car), Some(foot)) = (graph(porto, &CAR), graph(porto, &FOOT)) else {
        return;
    };
    for way in [4257028, 4257056] {
        assert!(!edges_of_way(&car, way).is_empty(), "{way} drivable");
        assert!(edges_of_way(&foot, way).is_empty(), "{way} not walkable");
    }
    assert!(edges_of_way(&car, 10859950).is_empty());
    assert!(!edges_of_way(&foot, 10859950).is_empty());
    let monaco = "monaco-2023-12-26.osm.pbf";
    let (Some(car), Some(foot)) = (graph(monaco, &CAR), graph(monaco, &FOOT)) else {
        return;
    };
    assert!(edges_of_way(&car, 4230116).is_empty());
    assert!(!edges_of_way(&foot, 4230116).is_empty());
}

/// Monaco 4097656 is `highway=secondary` (55 km/h by default) with `maxspeed=30`; Moscow
/// 22143842 is `highway=unclassified` (25 km/h) with `maxspeed=RU:urban` (60 km/h). Cars
/// drive at 80% of the limit: 24 and 48 km/h.
#[test]
fn maxspeed_sets_the_car_duration() {
    for (name, way, kmh) in [
        ("monaco-2023-12-26.osm.pbf", 4097656, 24.0),
        ("moscow-myasnitskaya-2020-07-20.osm.pbf", 22143842, 48.0),
    ] {
        let Some(car) = graph(name, &CAR) else { return };
        let edges = edges_of_way(&car, way);
        assert!(!edges.is_empty());
        for e in edges {
            let d = f64::from(car.edge_distance(e).0);
            let expected_ds = d * 36.0 / kmh;
            // The distance is rounded to a metre, the duration to a decisecond; an edge
            // into a junction carries the car's junction delay (0.3 s) too.
            let tolerance = 0.5 * 36.0 / kmh + 0.5;
            let got = f64::from(car.edge_duration(e).0);
            let junction_ds = CAR.junction_delay_s * 10.0;
            assert!(
                (got - expected_ds).abs() <= tolerance
                    || (got - junction_ds - expected_ds).abs() <= tolerance,
                "{way}: {got} ds for {d} m"
            );
        }
    }
}

/// The Isle of Man has 6 ferry ways; 26695667 (Douglas – Heysham) has `duration=4:00`.
/// Monaco's boat bus 166399542 is `motor_vehicle=no`: foot only.
#[test]
fn ferries_are_edges_timed_by_their_duration() {
    let Some(car) = graph("isle-of-man-2020-03-13.osm.pbf", &CAR) else {
        return;
    };
    let ferry_ways: std::collections::BTreeSet<i64> = (0..car.num_edges() as u32)
        .map(EdgeId)
        .filter(|&e| car.edge_flags(e) & FLAG_FERRY != 0)
        .map(|e| car.edge_way(e).0)
        .collect();
    assert!(ferry_ways.contains(&26695667), "{ferry_ways:?}");
    let edges = edges_of_way(&car, 26695667);
    // One direction: the edges whose twin is not yet counted.
    let total_ds: u64 = edges
        .iter()
        .filter(|&&e| car.edge_twin(e).is_none_or(|t| t.0 > e.0))
        .map(|&e| u64::from(car.edge_duration(e).0))
        .sum();
    let pieces = edges.len() as u64;
    // A decisecond of rounding per piece, and the junction delay (0.3 s) where a piece
    // reaches a junction.
    assert!(
        total_ds.abs_diff(4 * 3600 * 10) <= 4 * pieces,
        "{total_ds} ds"
    );

    let monaco = "monaco-2023-12-26.osm.pbf";
    let (Some(car), Some(foot)) = (graph(monaco, &CAR), graph(monaco, &FOOT)) else {
        return;
    };
    assert!(edges_of_way(&car, 166399542).is_empty());
    let boat = edges_of_way(&foot, 166399542);
    assert!(!boat.is_empty() && boat.iter().all(|&e| foot.edge_flags(e) & FLAG_FERRY != 0));
}

#[test]
fn bicycle_graph_lies_between_car_and_foot() {
    let name = "monaco-2023-12-26.osm.pbf";
    let (Some(car), Some(bike)) = (graph(name, &CAR), graph(name, &BICYCLE)) else {
        return;
    };
    // Footways are pushed, motorways absent: the bicycle graph is larger than the car one.
    assert!(bike.num_edges() > car.num_edges());
    assert!(!edges_of_way(&bike, 4230116).is_empty());
}

#[test]
fn missing_empty_and_random_files_are_errors() {
    let missing = Path::new("/nonexistent/vmeste/x.osm.pbf");
    assert!(matches!(
        read_network(missing, &CAR),
        Err(ImportError::NotFound { .. })
    ));
    assert!(matches!(import_bytes(&[]), Err(ImportError::NotPbf { .. })));
    assert!(matches!(
        import_bytes(b"<?xml version='1.0'?><osm></osm>"),
        Err(ImportError::NotPbf { .. })
    ));
    let mut rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    for len in [1usize, 3, 4, 100, 70_000] {
        let bytes: Vec<u8> = (0..len).map(|_| rng.random()).collect();
        assert!(import_bytes(&bytes).is_err(), "{len} random bytes");
    }
}

#[test]
fn truncated_pbf_is_an_error() {
    let Some(path) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let half = &bytes[..bytes.len() / 2];
    assert!(matches!(
        import_bytes(half),
        Err(ImportError::Truncated { .. })
    ));
    assert!(matches!(
        import_bytes(&bytes[..bytes.len() - 1]),
        Err(ImportError::Truncated { .. })
    ));
}

/// The first frame of a real file alone: a valid PBF (header block) without any road.
#[test]
fn extract_without_roads_is_an_error() {
    let Some(path) = support::osm("kotka-karhula-2019-04.osm.pbf") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let header_only = &bytes[..support::first_pbf_frame_len(&bytes)];
    assert!(matches!(
        import_bytes(header_only),
        Err(ImportError::NoRoutableRoads { .. })
    ));
}

/// Mutated and truncated copies of a real extract give an error or a valid graph, never a
/// panic.
#[test]
fn mutated_pbf_never_panics() {
    let Some(path) = support::osm("kotka-karhula-2019-04.osm.pbf") else {
        return;
    };
    let bytes = std::fs::read(path).unwrap();
    let config = Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let n = bytes.len();
    let strategy = (prop::collection::vec((0..n, 1u8..=255), 1..6), n / 2..=n);
    runner
        .run(&strategy, |(flips, len)| {
            let mut b = bytes.clone();
            for (i, x) in flips {
                b[i] ^= x;
            }
            b.truncate(len);
            if let Ok(g) = import_bytes(&b) {
                check_invariants(&g);
            }
            Ok(())
        })
        .unwrap();
}

/// Inputs the fuzzer (`scripts/fuzz.sh osm_pbf`) found to panic the import: dense nodes whose
/// delta-coded coordinates or metadata overflow inside `osmpbf`. They are refused as a
/// corrupt block, with the gazetteer pass too.
#[test]
fn fuzzer_found_overflowing_blocks_are_refused_as_corrupt() {
    let dir = support::workspace().join("tests/fuzz/regressions/osm_pbf");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/fuzz/regressions/osm_pbf") {
        let path = entry.expect("a directory entry").path();
        let progress = |_: engine::osm::Progress| {};
        let out = engine::osm::read_network_and_gazetteer(&path, &CAR, &progress);
        // Where overflow checks are off (release), osmpbf wraps instead: any answer but a
        // panic will do there.
        assert!(
            !cfg!(debug_assertions) || matches!(out, Err(ImportError::CorruptBlob { .. })),
            "{}: {:?}",
            path.display(),
            out.err()
        );
        seen += 1;
    }
    assert!(seen >= 2);
}
