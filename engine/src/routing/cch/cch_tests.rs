//! Oracles for the customizable hierarchy: on random graphs with random blocked edges, its
//! costs equal Dijkstra's over the open edges, its paths re-add to their cost and avoid the
//! blocked edges, and its matrices equal its point-to-point queries.

#![allow(clippy::cast_possible_truncation, reason = "small test graphs")]

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::*;
use crate::routing::tests::{check_path, random_graph, random_point};
use crate::routing::{Dijkstra, EdgePoint, Path, SearchSpace};
use crate::types::EdgeId;

/// A random set of blocked edges: each edge with probability `share`.
fn random_blocked(rng: &mut Pcg64, g: &RoadGraph, share: f64) -> Vec<bool> {
    (0..g.num_edges()).map(|_| rng.random_bool(share)).collect()
}

#[test]
fn order_is_a_permutation_and_every_edge_is_an_arc() {
    for seed in 0..4 {
        let g = random_graph(seed, 400, 700);
        let cch = Cch::build(&g).unwrap();
        let mut seen = vec![false; g.num_nodes()];
        for &r in &cch.rank {
            assert!(!std::mem::replace(&mut seen[r as usize], true));
        }
        for (e, &a) in cch.edge_arc.iter().enumerate() {
            let (t, h) = (g.tails()[e], g.heads()[e]);
            assert_eq!(a == NONE, t == h);
        }
        // Higher neighbours of a node are its ancestors in the elimination tree.
        for v in 0..g.num_nodes() as u32 {
            for a in cch.arcs_of(v) {
                let mut x = v;
                while x != cch.head[a] {
                    x = cch.parent[x as usize];
                    assert_ne!(x, NONE);
                }
            }
        }
        assert!(cch.tree_height() < g.num_nodes());
    }
}

#[test]
fn costs_and_paths_match_dijkstra_over_the_open_edges() {
    let mut routed = 0;
    let mut unreachable = 0;
    for seed in 0..6 {
        let g = random_graph(seed, 300, 520);
        let cch = Cch::build(&g).unwrap();
        let dijkstra = Dijkstra::new(&g);
        let mut space = SearchSpace::new(g.num_nodes());
        let mut cspace = CchSpace::new(&cch);
        let mut rng = Pcg64::seed_from_u64(100 + seed);
        for share in [0.0, 0.05, 0.3] {
            let blocked = random_blocked(&mut rng, &g, share);
            let metric = cch.customize(&g, |e| blocked[e.index()]).unwrap();
            for _ in 0..150 {
                let (from, to) = (random_point(&mut rng, &g), random_point(&mut rng, &g));
                let want = dijkstra
                    .query_avoiding(&mut space, from, to, |e| blocked[e.index()])
                    .unwrap();
                if share == 0.0 {
                    assert_eq!(want, dijkstra.query(&mut space, from, to).unwrap());
                }
                let got = metric.query(&cch, &g, &mut cspace, from, to).unwrap();
                assert_eq!(got, want, "{from:?} -> {to:?}, share {share}");
                let path = metric.route(&cch, &g, &mut cspace, from, to).unwrap();
                assert_eq!(path.as_ref().map(Path::cost), want);
                match path {
                    Some(p) => {
                        check_path(&g, &p, from, to);
                        assert!(p.edges.iter().all(|e| !blocked[e.index()]));
                        routed += 1;
                    }
                    None => unreachable += 1,
                }
            }
        }
    }
    assert!(
        routed > 1000 && unreachable > 50,
        "{routed} / {unreachable}"
    );
}

#[test]
fn matrices_equal_point_to_point_queries() {
    for seed in 0..3 {
        let g = random_graph(seed, 250, 430);
        let cch = Cch::build(&g).unwrap();
        let mut rng = Pcg64::seed_from_u64(7 + seed);
        let blocked = random_blocked(&mut rng, &g, 0.1);
        let metric = cch.customize(&g, |e| blocked[e.index()]).unwrap();
        let mut space = CchSpace::new(&cch);
        let sources: Vec<EdgePoint> = (0..13).map(|_| random_point(&mut rng, &g)).collect();
        let targets: Vec<EdgePoint> = (0..17).map(|_| random_point(&mut rng, &g)).collect();
        let m = metric.matrix(&cch, &g, &sources, &targets).unwrap();
        for (i, &s) in sources.iter().enumerate() {
            for (j, &t) in targets.iter().enumerate() {
                let want = metric.query(&cch, &g, &mut space, s, t).unwrap();
                assert_eq!(m.get(i, j), want.map(|c| (c.duration, c.distance)));
            }
        }
        let empty = metric.matrix(&cch, &g, &[], &targets).unwrap();
        assert_eq!(empty.num_sources(), 0);
    }
}

#[test]
fn a_metric_of_another_graph_or_bad_points_are_errors() {
    let g = random_graph(1, 100, 160);
    let other = random_graph(2, 120, 200);
    let cch = Cch::build(&g).unwrap();
    assert!(matches!(
        cch.customize(&other, |_| false),
        Err(RouteError::GraphMismatch { .. })
    ));
    let metric = cch.customize(&g, |_| false).unwrap();
    let mut space = CchSpace::new(&cch);
    let ok = EdgePoint::new(EdgeId(0), 0.5);
    let bad_edge = EdgePoint::new(EdgeId(u32::MAX - 5), 0.5);
    let bad_fraction = EdgePoint::new(EdgeId(0), f64::NAN);
    for (a, b) in [(ok, bad_edge), (bad_fraction, ok)] {
        assert!(metric.query(&cch, &g, &mut space, a, b).is_err());
        assert!(metric.matrix(&cch, &g, &[a], &[b]).is_err());
    }
    assert!(metric.query(&cch, &other, &mut space, ok, ok).is_err());
}

#[test]
fn blocking_every_edge_leaves_no_route_and_is_counted() {
    let g = random_graph(3, 80, 140);
    let cch = Cch::build(&g).unwrap();
    let metric = cch.customize(&g, |_| true).unwrap();
    assert_eq!(metric.num_blocked(), g.num_edges());
    let mut space = CchSpace::new(&cch);
    let p = EdgePoint::new(EdgeId(0), 0.2);
    let q = EdgePoint::new(EdgeId(0), 0.8);
    assert_eq!(metric.query(&cch, &g, &mut space, p, q).unwrap(), None);
}
