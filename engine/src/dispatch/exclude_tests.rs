//! The roads of a request without classes of roads, in each view that answers it, against
//! the obvious reference: Dijkstra's algorithm on the graph without the excluded edges,
//! which neither leaves nor reaches a point along one of them.

#![allow(
    clippy::cast_possible_truncation,
    reason = "small test graphs and sizes"
)]

use std::sync::Arc;

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::*;
use crate::graph::{FLAG_FERRY, FLAG_UNPAVED, RoadGraph};
use crate::osm::ExcludeClass;
use crate::routing::tests::{random_graph_flagged, random_point};
use crate::routing::{Cch, ClosedEdges, Dijkstra};
use crate::types::EdgeId;

fn engine(seed: u64) -> Engine {
    let g = random_graph_flagged(seed, 150, 450, &[FLAG_FERRY, FLAG_UNPAVED]);
    let mut e = Engine::new();
    e.add_profile(g, None).unwrap();
    e
}

fn class_sets() -> [ExcludeSet; 3] {
    let ferry = ExcludeSet::EMPTY.with(ExcludeClass::Ferry);
    let unpaved = ExcludeSet::EMPTY.with(ExcludeClass::Unpaved);
    [ferry, unpaved, ferry.with(ExcludeClass::Unpaved)]
}

fn edges_where(g: &RoadGraph, keep: impl Fn(EdgeId) -> bool) -> Vec<EdgeId> {
    (0..g.num_edges() as u32)
        .map(EdgeId)
        .filter(|&e| keep(e))
        .collect()
}

/// Random points, every other one on an excluded edge.
fn points(rng: &mut Pcg64, g: &RoadGraph, excluded: &[EdgeId], n: usize) -> Vec<EdgePoint> {
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                EdgePoint::new(
                    excluded[rng.random_range(0..excluded.len())],
                    rng.random_range(0.0..=1.0),
                )
            } else {
                random_point(rng, g)
            }
        })
        .collect()
}

/// The fallback (the full network without the excluded edges, as until the customizable
/// hierarchy is ready) and a customized metric.
fn views<'p>(p: &'p Profile, exclude: ExcludeSet, closed: &[EdgeId]) -> [Roads<'p>; 2] {
    let g = &p.graph;
    let excluded = |e: EdgeId| g.edge_excluded(e, exclude);
    let avoided = ClosedEdges::new(
        g,
        edges_where(g, excluded)
            .into_iter()
            .chain(closed.iter().copied()),
    )
    .unwrap();
    let cch = Cch::build(g).unwrap();
    let metric = if closed.is_empty() {
        cch.customize(g, excluded)
    } else {
        cch.customize_closed(
            g,
            excluded,
            &ClosedEdges::new(g, closed.iter().copied()).unwrap(),
        )
    }
    .unwrap();
    [
        View::Fallback(Arc::new(avoided)),
        View::Metric(Arc::new(cch), Arc::new(metric)),
    ]
    .map(|view| Roads { p, exclude, view })
}

/// Regression: with the customizable hierarchy not yet built, a point left on an excluded
/// road (no other road within the radius: a point at sea on a ferry line) was left and
/// reached along that road, and became unreachable once the metric was ready.
#[test]
fn the_fallback_and_the_metric_reach_no_point_along_an_excluded_road() {
    let mut bug_cases = 0;
    for seed in 0..4 {
        let e = engine(seed);
        let p = e.profile("car").unwrap();
        let g = &p.graph;
        let mut space = SearchSpace::new(g.num_nodes());
        for exclude in class_sets() {
            let excluded = |e: EdgeId| g.edge_excluded(e, exclude);
            let on_excluded = edges_where(g, excluded);
            assert!(!on_excluded.is_empty(), "seed {seed}: {exclude}");
            let mut rng = Pcg64::seed_from_u64(seed * 10 + u64::from(exclude.bits()));
            let pts = points(&mut rng, g, &on_excluded, 30);
            // What treating the excluded edges as closed ones answers: ends along them.
            let as_closed = ClosedEdges::new(g, on_excluded.iter().copied()).unwrap();
            let mut want = Vec::new();
            for &from in &pts {
                for &to in &pts {
                    let w = Dijkstra::new(g)
                        .query_avoiding(&mut space, from, to, excluded)
                        .unwrap();
                    let closed = Dijkstra::new(g)
                        .avoiding(&as_closed)
                        .query(&mut space, from, to)
                        .unwrap();
                    if w.is_none() && closed.is_some() {
                        bug_cases += 1;
                    }
                    want.push(w);
                }
            }
            for (v, roads) in views(p, exclude, &[]).iter().enumerate() {
                let mut k = 0;
                for &from in &pts {
                    for &to in &pts {
                        let got = roads.cost(&mut space, from, to).unwrap();
                        assert_eq!(
                            got, want[k],
                            "seed {seed} {exclude} view {v}: {from:?} -> {to:?}"
                        );
                        let path = roads.route(&mut space, from, to).unwrap();
                        assert_eq!(path.as_ref().map(Path::cost), want[k], "route, view {v}");
                        if let Some(path) = path {
                            assert!(
                                path.edges.iter().all(|&e| !excluded(e)),
                                "view {v}: a route along an excluded road"
                            );
                        }
                        k += 1;
                    }
                }
                let m = roads.matrix(&pts, &pts, usize::MAX).unwrap();
                for (k, w) in want.iter().enumerate() {
                    let (i, j) = (k / pts.len(), k % pts.len());
                    let cell = m
                        .get(i, j)
                        .map(|(duration, distance)| Cost { duration, distance });
                    assert_eq!(cell, *w, "seed {seed} {exclude} view {v}: cell {i}, {j}");
                }
            }
        }
    }
    assert!(
        bug_cases > 0,
        "no point was reached only along an excluded road"
    );
}

/// With roads closed too, the two views answer alike: closed roads still carry end points,
/// excluded ones do not.
#[test]
fn the_fallback_and_the_metric_agree_under_closures_and_exclusions() {
    for seed in 10..13 {
        let e = engine(seed);
        let p = e.profile("car").unwrap();
        let g = &p.graph;
        let mut space = SearchSpace::new(g.num_nodes());
        let mut rng = Pcg64::seed_from_u64(seed);
        let closed: Vec<EdgeId> = (0..15)
            .map(|_| EdgeId(rng.random_range(0..g.num_edges() as u32)))
            .collect();
        for exclude in class_sets() {
            let on_excluded = edges_where(g, |e| g.edge_excluded(e, exclude));
            let mut pts = points(&mut rng, g, &on_excluded, 24);
            pts.extend(closed.iter().take(6).map(|&e| EdgePoint::new(e, 0.5)));
            let [fallback, metric] = views(p, exclude, &closed);
            for &from in &pts {
                for &to in &pts {
                    assert_eq!(
                        fallback.cost(&mut space, from, to).unwrap(),
                        metric.cost(&mut space, from, to).unwrap(),
                        "seed {seed} {exclude}: {from:?} -> {to:?}"
                    );
                }
            }
            assert_eq!(
                fallback.matrix(&pts, &pts, usize::MAX).unwrap(),
                metric.matrix(&pts, &pts, usize::MAX).unwrap(),
                "seed {seed} {exclude}"
            );
        }
    }
}
