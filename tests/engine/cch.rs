//! Customizable contraction hierarchies on the real extracts: costs against Dijkstra over the
//! open edges for random blocked sets (closures) and for road classes (ferries, motorways),
//! paths that avoid the blocked edges, unreachable pairs that agree.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers: failures should panic"
)]

use std::time::Instant;

use engine::graph::{FLAG_FERRY, RoadGraph, from_network};
use engine::osm::{CAR, FOOT, Profile, RoadClass, read_network};
use engine::routing::{
    Cch, CchMetric, CchSpace, ContractionHierarchy, Dijkstra, EdgePoint, SearchSpace,
};
use engine::types::EdgeId;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::support;

fn load(extract: &str, profile: &'static Profile) -> Option<RoadGraph> {
    let path = support::osm(extract)?;
    Some(from_network(&read_network(&path, profile).unwrap()).unwrap())
}

fn random_point(rng: &mut Pcg64, g: &RoadGraph) -> EdgePoint {
    let e = EdgeId(rng.random_range(0..g.num_edges() as u32));
    EdgePoint::new(e, rng.random_range(0.0..=1.0))
}

/// Checks `pairs` random queries of `metric` against Dijkstra avoiding `blocked`; returns
/// (routed, unreachable).
fn check_metric(
    g: &RoadGraph,
    cch: &Cch,
    metric: &CchMetric,
    blocked: &dyn Fn(EdgeId) -> bool,
    pairs: usize,
    seed: u64,
) -> (usize, usize) {
    let dijkstra = Dijkstra::new(g);
    let mut space = SearchSpace::new(g.num_nodes());
    let mut cspace = CchSpace::new(cch);
    let mut rng = Pcg64::seed_from_u64(seed);
    let (mut routed, mut none) = (0, 0);
    for _ in 0..pairs {
        let (from, to) = (random_point(&mut rng, g), random_point(&mut rng, g));
        let want = dijkstra
            .query_avoiding(&mut space, from, to, blocked)
            .unwrap();
        let path = metric.route(cch, g, &mut cspace, from, to).unwrap();
        assert_eq!(path.as_ref().map(|p| p.cost()), want, "{from:?} -> {to:?}");
        match path {
            Some(p) => {
                assert!(
                    p.edges.iter().all(|&e| !blocked(e)),
                    "a blocked edge is used"
                );
                // Junctions split for turn restrictions are one place: compare originals.
                for w in p.edges.windows(2) {
                    assert_eq!(
                        g.original_node(g.edge_head(w[0])),
                        g.original_node(g.edge_tail(w[1]))
                    );
                }
                routed += 1;
            }
            None => none += 1,
        }
    }
    (routed, none)
}

fn random_blocked(g: &RoadGraph, count: usize, seed: u64) -> Vec<bool> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut blocked = vec![false; g.num_edges()];
    for _ in 0..count {
        let e = rng.random_range(0..g.num_edges());
        blocked[e] = true;
        if let Some(t) = g.edge_twin(EdgeId(e as u32)) {
            blocked[t.index()] = true;
        }
    }
    blocked
}

fn check_extract(extract: &str, profile: &'static Profile, pairs: usize) {
    let Some(g) = load(extract, profile) else {
        return;
    };
    let cch = Cch::build(&g).unwrap();
    let open = cch.customize(&g, |_| false).unwrap();
    let (routed, _) = check_metric(&g, &cch, &open, &|_| false, pairs, 1);
    assert!(routed > pairs / 2, "{extract}: {routed} routed");
    for (i, count) in [10usize, 100, 1000].into_iter().enumerate() {
        let blocked = random_blocked(&g, count, i as u64);
        let metric = cch.customize(&g, |e| blocked[e.index()]).unwrap();
        check_metric(
            &g,
            &cch,
            &metric,
            &|e| blocked[e.index()],
            pairs,
            10 + i as u64,
        );
    }
    let classes = |e: EdgeId| {
        g.edge_flags(e) & FLAG_FERRY != 0
            || matches!(
                g.edge_class(e),
                RoadClass::Motorway | RoadClass::MotorwayLink
            )
    };
    let metric = cch.customize(&g, classes).unwrap();
    check_metric(&g, &cch, &metric, &classes, pairs, 99);
}

#[test]
fn cch_matches_dijkstra_with_closures_on_monaco() {
    check_extract("monaco-2023-12-26.osm.pbf", &CAR, 300);
}

#[test]
fn cch_matches_dijkstra_with_closures_on_liechtenstein() {
    check_extract("liechtenstein-2015-07-27.osm.pbf", &CAR, 200);
}

#[test]
fn cch_matches_dijkstra_with_closures_on_andorra_foot() {
    check_extract("andorra-2020-05-01.osm.pbf", &FOOT, 150);
}

/// Porto in release: the reference on more pairs, and the costs the closures API relies on
/// (order once, customization with closures well under a second, queries near the CH's).
#[test]
#[ignore = "slow: run in release by scripts/test.sh"]
fn cch_on_porto_matches_dijkstra_and_customizes_in_under_a_second() {
    let Some(g) = load("porto-2015-06-06-highways.osm.pbf", &CAR) else {
        return;
    };
    let t = Instant::now();
    let cch = Cch::build(&g).unwrap();
    let order_s = t.elapsed().as_secs_f64();
    let blocked = random_blocked(&g, 100, 5);
    let t = Instant::now();
    let metric = cch.customize(&g, |e| blocked[e.index()]).unwrap();
    let customize_s = t.elapsed().as_secs_f64();
    eprintln!(
        "porto: order {order_s:.2} s, {} arcs, tree height {}, customization {customize_s:.3} s",
        cch.num_arcs(),
        cch.tree_height()
    );
    assert!(customize_s < 1.0, "customization took {customize_s} s");
    check_metric(&g, &cch, &metric, &|e| blocked[e.index()], 2000, 3);
    // Without closures, the same costs as the contraction hierarchy.
    let ch = ContractionHierarchy::build(&g).unwrap();
    let open = cch.customize(&g, |_| false).unwrap();
    let mut space = SearchSpace::new(g.num_nodes());
    let mut cspace = CchSpace::new(&cch);
    let mut rng = Pcg64::seed_from_u64(8);
    for _ in 0..2000 {
        let (a, b) = (random_point(&mut rng, &g), random_point(&mut rng, &g));
        assert_eq!(
            open.query(&cch, &g, &mut cspace, a, b).unwrap(),
            ch.query(&g, &mut space, a, b).unwrap()
        );
    }
}
