//! A deferred spatial index (no R-tree yet: every query scans all roads) answers exactly as
//! the bulk-loaded tree, as a tree built by insertion, and as the brute-force oracle of
//! `spatial.rs`; and once its tree is built, still the same.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers: failures should panic"
)]

use std::sync::Arc;

use engine::graph::RoadGraph;
use engine::spatial::SpatialIndex;
use engine::types::{EdgeId, LonLat, NodeId};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::spatial::{Scan, check_point, random_graph};

/// Every query of `a` and `b` at `q` gives the same answer, bit for bit.
fn same_answers(a: &SpatialIndex, b: &SpatialIndex, q: LonLat, rng: &mut Pcg64) {
    let (lon, lat) = (q.lon, q.lat);
    let bearing = (rng.random_range(0.0..360.0), rng.random_range(10.0..90.0));
    let radius = [None, Some(50.0), Some(500.0), Some(20_000.0)][rng.random_range(0..4usize)];
    assert_eq!(a.snap(lon, lat, radius), b.snap(lon, lat, radius), "{q:?}");
    assert_eq!(
        a.snap_with_bearing(lon, lat, radius, bearing),
        b.snap_with_bearing(lon, lat, radius, bearing),
        "{q:?}"
    );
    for r in [radius, Some(f64::INFINITY)] {
        assert_eq!(
            a.snap_main(lon, lat, r, None),
            b.snap_main(lon, lat, r, None),
            "{q:?}"
        );
    }
    assert_eq!(
        a.snap_main(lon, lat, radius, Some(bearing)),
        b.snap_main(lon, lat, radius, Some(bearing)),
        "{q:?}"
    );
    let k = rng.random_range(1..12usize);
    assert_eq!(
        a.nearest(lon, lat, k, radius),
        b.nearest(lon, lat, k, radius),
        "{q:?}"
    );
    assert_eq!(
        a.nearest_with_bearing(lon, lat, k, radius, bearing),
        b.nearest_with_bearing(lon, lat, k, radius, bearing),
        "{q:?}"
    );
    let odd = |e: EdgeId| e.0 % 2 == 1;
    assert_eq!(
        a.snap_avoiding(lon, lat, radius, None, odd),
        b.snap_avoiding(lon, lat, radius, None, odd),
        "{q:?}"
    );
    if let Ok(s) = a.snap(lon, lat, radius) {
        assert_eq!(
            a.snap_at(s.edge, s.segment, s.location, (lon, lat), radius),
            b.snap_at(s.edge, s.segment, s.location, (lon, lat), radius),
            "{q:?}"
        );
    }
    let p = a.projection().project(q);
    let half = rng.random_range(1.0..400.0);
    assert_eq!(
        a.edges_in_box([p[0] - half, p[1] - half], [p[0] + half, p[1] + half]),
        b.edges_in_box([p[0] - half, p[1] - half], [p[0] + half, p[1] + half]),
        "{q:?}"
    );
}

/// Query points: random in (and around) the bounding box, and exactly on nodes and on
/// geometry points, where pieces of road tie.
fn points(graph: &RoadGraph, n: usize, rng: &mut Pcg64) -> Vec<LonLat> {
    let (lo, hi) = graph.bbox().unwrap();
    let (dx, dy) = ((hi.lon - lo.lon) * 0.2, (hi.lat - lo.lat) * 0.2);
    (0..n)
        .map(|i| match i % 3 {
            0 => graph.node_lonlat(NodeId(rng.random_range(0..graph.num_nodes() as u32))),
            1 => {
                let e = EdgeId(rng.random_range(0..graph.num_edges() as u32));
                let g = graph.edge_geometry(e);
                g[rng.random_range(0..g.len())]
            }
            _ => LonLat::new(
                rng.random_range(lo.lon - dx..hi.lon + dx),
                rng.random_range(lo.lat - dy..hi.lat + dy),
            ),
        })
        .collect()
}

fn check(graph: RoadGraph, n: usize, seed: u64) {
    let graph = Arc::new(graph);
    let bulk = SpatialIndex::new(&graph);
    let inserted = SpatialIndex::new_by_insertion(&graph);
    let deferred = SpatialIndex::deferred(Arc::clone(&graph));
    assert!(bulk.has_tree() && !deferred.has_tree());
    assert_eq!(deferred.num_segments(), bulk.num_segments());
    let scan = Scan::new(&graph, &bulk);
    let mut rng = Pcg64::seed_from_u64(seed);
    let qs = points(&graph, n, &mut rng);
    for &q in &qs {
        same_answers(&deferred, &bulk, q, &mut rng);
        same_answers(&inserted, &bulk, q, &mut rng);
        check_point(&graph, &deferred, &scan, q, deferred.default_radius_m());
    }
    deferred.build_tree();
    assert!(deferred.has_tree());
    for &q in qs.iter().take(n / 4) {
        same_answers(&deferred, &bulk, q, &mut rng);
    }
}

#[test]
fn deferred_index_answers_as_the_tree_on_random_graphs() {
    for seed in 0..4 {
        let graph = random_graph(seed, 300, LonLat::new(7.42, 43.73), 0.01, "car");
        check(graph, 300, seed + 100);
    }
}

#[test]
fn deferred_index_of_an_empty_graph_is_empty() {
    let graph = Arc::new(engine::graph::GraphBuilder::new("car").build().unwrap());
    let deferred = SpatialIndex::deferred(Arc::clone(&graph));
    assert_eq!(deferred.num_segments(), 0);
    assert!(matches!(
        deferred.snap(7.4, 43.7, None),
        Err(engine::spatial::SnapError::EmptyGraph)
    ));
    assert_eq!(
        deferred.nearest(7.4, 43.7, 3, None).map(|v| v.len()).ok(),
        None
    );
    assert!(deferred.edges_in_box([-1e9, -1e9], [1e9, 1e9]).is_empty());
    assert!(matches!(
        deferred.snap(f64::NAN, 43.7, None),
        Err(engine::spatial::SnapError::InvalidCoordinate { .. })
    ));
    deferred.build_tree();
    assert_eq!(deferred.num_segments(), 0);
}

mod extracts {
    use super::check;
    use crate::support;
    use engine::graph::from_network;
    use engine::osm::{CAR, read_network};

    fn run(extract: &str, n: usize) {
        let Some(path) = support::osm(&format!("{extract}.osm.pbf")) else {
            return;
        };
        let graph = from_network(&read_network(&path, &CAR).unwrap()).unwrap();
        check(graph, n, 7);
    }

    #[test]
    fn deferred_index_answers_as_the_tree_on_monaco() {
        run("monaco-2023-12-26", 600);
    }

    #[test]
    #[ignore = "slow: run in release by scripts/test.sh"]
    fn deferred_index_answers_as_the_tree_on_andorra() {
        run("andorra-2020-05-01", 1_500);
    }

    #[test]
    #[ignore = "slow: run in release by scripts/test.sh"]
    fn deferred_index_answers_as_the_tree_on_porto() {
        run("porto-2015-06-06-highways", 300);
    }
}
