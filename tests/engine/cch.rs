//! Customizable contraction hierarchies on the real extracts: costs against Dijkstra over the
//! open edges for random blocked sets (closures) and for each `exclude=` class of the profile
//! that the extract has (motorway, toll, ferry, unpaved) and all of them at once, alone and
//! with random closures; paths that avoid the blocked edges, unreachable pairs that agree.
//! Small extracts run in the debug suite; every extract of the turn-restriction reference,
//! car and bicycle, in the release `--ignored` suite.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers: failures should panic"
)]

use std::time::Instant;

use engine::graph::{RoadGraph, from_network};
use engine::osm::{BICYCLE, CAR, ExcludeSet, FOOT, Profile, read_network};
use engine::routing::{
    Cch, CchMetric, CchSpace, ClosedEdges, ContractionHierarchy, Dijkstra, EdgePoint, SearchSpace,
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

/// `count` random roads blocked: both directions, each in every state of its junctions
/// (the original edge and its copies made for turn restrictions). A route is reported in
/// original edges, so a copy left open would be driven where its road is blocked, and the
/// check that no blocked edge is used would see the blocked original: a road is blocked
/// as a whole, as closures ([`ClosedEdges::new`]) and excluded classes (copies carry the
/// flags and class of their road) block it.
fn random_blocked(g: &RoadGraph, count: usize, seed: u64) -> Vec<bool> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut blocked = vec![false; g.num_edges()];
    for _ in 0..count {
        let e = g.original_edge(EdgeId(rng.random_range(0..g.num_edges() as u32)));
        for road in std::iter::once(e).chain(g.edge_twin(e)) {
            let road = g.original_edge(road);
            for copy in std::iter::once(road).chain(g.edge_copies(road)) {
                blocked[copy.index()] = true;
            }
        }
    }
    blocked
}

/// The class sets of `profile` to check on `g`: each declared class that has edges in the
/// extract, then all of those at once (when more than one).
fn class_sets(g: &RoadGraph, profile: &Profile) -> Vec<ExcludeSet> {
    let present =
        |set: ExcludeSet| (0..g.num_edges() as u32).any(|e| g.edge_excluded(EdgeId(e), set));
    let mut sets: Vec<ExcludeSet> = profile
        .exclude
        .iter()
        .map(|&c| ExcludeSet::EMPTY.with(c))
        .filter(|&set| present(set))
        .collect();
    if sets.len() > 1 {
        sets.push(sets.iter().flat_map(|s| s.iter()).collect());
    }
    sets
}

/// Random blocked sets (10, 100, 1,000 roads) and each class set of the profile present in
/// the extract, against Dijkstra; returns the class sets checked.
fn check_graph(
    extract: &str,
    g: &RoadGraph,
    cch: &Cch,
    profile: &Profile,
    pairs: usize,
) -> Vec<ExcludeSet> {
    let open = cch.customize(g, |_| false).unwrap();
    let (routed, _) = check_metric(g, cch, &open, &|_| false, pairs, 1);
    // Every pair is compared, routed or not; this only guards against a vacuous check. A
    // clipped city centre has many one-way stubs at the clip line off the main component
    // (Moscow Myasnitskaya, car: 81 of 200 random pairs routed), so a quarter is asked.
    assert!(routed * 4 > pairs, "{extract}: {routed} of {pairs} routed");
    for (i, count) in [10usize, 100, 1000].into_iter().enumerate() {
        let blocked = random_blocked(g, count, i as u64);
        let metric = cch.customize(g, |e| blocked[e.index()]).unwrap();
        check_metric(
            g,
            cch,
            &metric,
            &|e| blocked[e.index()],
            pairs,
            10 + i as u64,
        );
    }
    let sets = class_sets(g, profile);
    for (i, &set) in sets.iter().enumerate() {
        let classes = |e: EdgeId| g.edge_excluded(e, set);
        let metric = cch.customize(g, classes).unwrap();
        check_metric(g, cch, &metric, &classes, pairs, 99 + i as u64);
    }
    sets
}

fn check_extract(extract: &str, profile: &'static Profile, pairs: usize) {
    let Some(g) = load(extract, profile) else {
        return;
    };
    let cch = Cch::build(&g).unwrap();
    check_graph(extract, &g, &cch, profile, pairs);
}

/// Random closed roads (both directions, with their turn-restriction copies).
fn random_closed(g: &RoadGraph, roads: usize, seed: u64) -> ClosedEdges {
    let blocked = random_blocked(g, roads, seed);
    let edges = (0..g.num_edges())
        .filter(|&e| blocked[e])
        .map(|e| EdgeId(e as u32));
    ClosedEdges::new(g, edges).unwrap()
}

/// Closures as the dispatch layer uses them ([`Cch::customize_closed`]: closed edges at
/// infinity, their points still left and reached along them), alone and with excluded
/// classes, against bidirectional Dijkstra on the graph without the closed edges: exact
/// costs, routes that drive through no closed edge, matrices cell by cell.
fn check_closures(extract: &str, profile: &'static Profile, pairs: usize) {
    let Some(g) = load(extract, profile) else {
        return;
    };
    let cch = Cch::build(&g).unwrap();
    check_closures_on(&g, &cch, profile, pairs);
}

/// [`check_closures`] on a graph and its hierarchy, with each class set of the profile
/// present in the extract ([`class_sets`]) excluded on top of the closures.
fn check_closures_on(g: &RoadGraph, cch: &Cch, profile: &Profile, pairs: usize) {
    let mut space = SearchSpace::new(g.num_nodes());
    let mut cspace = CchSpace::new(cch);
    let sets = class_sets(g, profile);
    for (i, roads) in [1usize, 10, 100].into_iter().enumerate() {
        let closed = random_closed(g, roads, 40 + i as u64);
        let metric = cch.customize_closed(g, |_| false, &closed).unwrap();
        assert_eq!(metric.num_blocked(), 0, "closed edges are not blocked ends");
        // The same metric with elimination-tree labels: costs and small tables looked up.
        let labelled = metric.clone().with_labels(cch, usize::MAX);
        assert!(labelled.has_labels() && !metric.has_labels());
        assert!(!metric.clone().with_labels(cch, 10).has_labels());
        let dijkstra = Dijkstra::new(g).avoiding(&closed);
        let mut rng = Pcg64::seed_from_u64(50 + i as u64);
        let mut points = Vec::new();
        for _ in 0..pairs {
            let (from, to) = (random_point(&mut rng, g), random_point(&mut rng, g));
            // Half of the sources on a closed road: they leave along it.
            let from = if rng.random_range(0..2) == 0 {
                EdgePoint::new(closed.edges()[rng.random_range(0..closed.len())], 0.5)
            } else {
                from
            };
            let want = dijkstra.query(&mut space, from, to).unwrap();
            let got = metric.query(cch, g, &mut cspace, from, to).unwrap();
            assert_eq!(got, want, "{roads} roads closed: {from:?} -> {to:?}");
            let looked_up = labelled.query(cch, g, &mut cspace, from, to).unwrap();
            assert_eq!(looked_up, want, "labels, {roads} roads closed");
            let path = metric.route(cch, g, &mut cspace, from, to).unwrap();
            assert_eq!(path.as_ref().map(|p| p.cost()), want);
            if let Some(p) = path {
                assert!(!closed.blocks(&p), "a route through a closed edge");
            }
            points.push((from, to));
        }
        let sources: Vec<EdgePoint> = points.iter().take(20).map(|p| p.0).collect();
        let targets: Vec<EdgePoint> = points.iter().take(20).map(|p| p.1).collect();
        let m = metric.matrix(cch, g, &sources, &targets).unwrap();
        assert_eq!(
            labelled.matrix(cch, g, &sources, &targets).unwrap(),
            m,
            "the labels' table"
        );
        for (r, &s) in sources.iter().enumerate() {
            for (c, &t) in targets.iter().enumerate() {
                let want = dijkstra.query(&mut space, s, t).unwrap();
                assert_eq!(
                    m.get(r, c),
                    want.map(|w| (w.duration, w.distance)),
                    "cell {r},{c}"
                );
            }
        }
        // With each class set excluded too: ends off the excluded roads (the dispatch layer
        // snaps them away), the reference avoids both.
        for &set in &sets {
            let excluded = |e: EdgeId| g.edge_excluded(e, set);
            let metric = cch.customize_closed(g, excluded, &closed).unwrap();
            let both = ClosedEdges::new(
                g,
                (0..g.num_edges() as u32)
                    .map(EdgeId)
                    .filter(|&e| excluded(e) || closed.contains(e)),
            )
            .unwrap();
            let dijkstra = Dijkstra::new(g).avoiding(&both);
            for &(from, to) in &points {
                if excluded(from.edge) || excluded(to.edge) {
                    continue;
                }
                let want = dijkstra.query(&mut space, from, to).unwrap();
                let got = metric.query(cch, g, &mut cspace, from, to).unwrap();
                assert_eq!(got, want, "{roads} roads closed, without {set}");
            }
        }
    }
}

#[test]
fn cch_with_closed_roads_matches_dijkstra_without_them_on_monaco() {
    check_closures("monaco-2023-12-26.osm.pbf", &CAR, 300);
}

#[test]
fn cch_with_closed_roads_matches_dijkstra_without_them_on_andorra() {
    check_closures("andorra-2020-05-01.osm.pbf", &CAR, 150);
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

#[test]
fn cch_matches_dijkstra_with_closures_and_classes_on_monaco_bicycle() {
    let Some(g) = load("monaco-2023-12-26.osm.pbf", &BICYCLE) else {
        return;
    };
    let cch = Cch::build(&g).unwrap();
    check_graph("monaco bicycle", &g, &cch, &BICYCLE, 100);
    check_closures_on(&g, &cch, &BICYCLE, 100);
}

/// Every extract of the turn-restriction reference, car and bicycle: random closures and
/// blocked sets, each `exclude=` class present, alone and under closures.
#[test]
#[ignore = "slow: run in release by scripts/test.sh"]
fn cch_matches_dijkstra_with_closures_and_classes_on_every_extract() {
    let mut ran = 0;
    for extract in support::EVERY_EXTRACT {
        for profile in [&CAR, &BICYCLE] {
            let Some(g) = load(extract, profile) else {
                continue;
            };
            let t = Instant::now();
            let cch = Cch::build(&g).unwrap();
            let sets = check_graph(extract, &g, &cch, profile, 200);
            check_closures_on(&g, &cch, profile, 100);
            let names: Vec<String> = sets.iter().map(ToString::to_string).collect();
            eprintln!(
                "{extract} {}: {} nodes, classes [{}], {:.1} s",
                profile.name,
                g.num_nodes(),
                names.join(" | "),
                t.elapsed().as_secs_f64()
            );
            ran += 1;
        }
    }
    assert!(
        ran == 0 || ran == 2 * support::EVERY_EXTRACT.len(),
        "{ran} extract profiles checked"
    );
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
