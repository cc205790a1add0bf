//! Oracles for the routing layer: CH == hub labels == bidirectional Dijkstra == petgraph's
//! Dijkstra on random graphs; matrices == point-to-point; paths re-add to their cost;
//! corrupt bytes fail.

#![allow(
    clippy::cast_possible_truncation,
    reason = "small test graphs and sizes"
)]

use petgraph::graph::DiGraph;
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::edge_point::{pack, share};
use super::*;
use crate::graph::{GraphBuilder, RoadGraph, Segment};
use crate::types::{Deciseconds, EdgeId, LonLat, Meters, NodeId, OsmNodeId, OsmWayId, haversine_m};

/// A random road-like graph: nodes in a small box, segments between nearby nodes (plus a
/// few long ones, parallel edges and loops), one-way in either direction or two-way, with
/// an intermediate geometry point on some.
pub(crate) fn random_graph(seed: u64, n: usize, segments: usize) -> RoadGraph {
    random_graph_flagged(seed, n, segments, &[])
}

/// As [`random_graph`], each segment carrying one of `flags` (or none) with equal odds
/// (drawn from their own stream, so the roads are those of [`random_graph`]).
pub(crate) fn random_graph_flagged(
    seed: u64,
    n: usize,
    segments: usize,
    flags: &[u8],
) -> RoadGraph {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut flag_rng = Pcg64::seed_from_u64(seed ^ 0xF1A6);
    let mut b = GraphBuilder::new("car");
    let side = (n as f64).sqrt().ceil();
    let mut pos = Vec::new();
    for i in 0..n {
        let p = LonLat::new(
            0.001 * ((i as f64) % side) + rng.random_range(0.0..0.0005),
            0.001 * ((i as f64) / side).floor() + rng.random_range(0.0..0.0005),
        );
        pos.push(p);
        b.add_node(OsmNodeId(i as i64), p);
    }
    let side = side as usize;
    for s in 0..segments {
        let t = rng.random_range(0..n);
        let h = if rng.random_bool(0.9) {
            let dx = rng.random_range(0..3usize);
            let dy = rng.random_range(0..3usize);
            (t + dx + dy * side).min(n - 1)
        } else {
            rng.random_range(0..n)
        };
        let mid = LonLat::new(
            (pos[t].lon + pos[h].lon) / 2.0 + 0.0001,
            (pos[t].lat + pos[h].lat) / 2.0,
        );
        let with_mid = rng.random_bool(0.3);
        let geometry: Vec<LonLat> = if with_mid { vec![mid] } else { vec![] };
        let len = if with_mid {
            haversine_m(pos[t], mid) + haversine_m(mid, pos[h])
        } else {
            haversine_m(pos[t], pos[h])
        };
        let distance = len.round() as u32;
        let speed = rng.random_range(1.0..20.0);
        let dur = |r: &mut Pcg64| {
            Deciseconds(((len / speed) * 10.0 * r.random_range(0.9..1.1)).round() as u32)
        };
        let (forward, backward) = match rng.random_range(0..5) {
            0 => (Some(dur(&mut rng)), None),
            1 => (None, Some(dur(&mut rng))),
            _ => (Some(dur(&mut rng)), Some(dur(&mut rng))),
        };
        b.add_segment(&Segment {
            tail: NodeId(t as u32),
            head: NodeId(h as u32),
            forward,
            backward,
            distance: Meters(distance),
            way: OsmWayId(s as i64),
            name: "",
            flags: match flag_rng.random_range(0..=flags.len()) {
                0 => 0,
                i => flags[i - 1],
            },
            geometry: &geometry,
        })
        .unwrap();
    }
    b.build().unwrap()
}

pub(crate) fn random_point(rng: &mut Pcg64, g: &RoadGraph) -> EdgePoint {
    let e = rng.random_range(0..g.num_edges() as u32);
    let f = match rng.random_range(0..6) {
        0 => 0.0,
        1 => 1.0,
        _ => rng.random_range(0.0..=1.0),
    };
    EdgePoint::new(EdgeId(e), f)
}

/// Re-adds the cost of a path from its edges (the partial-edge rule of `edge_point`) and
/// checks that consecutive edges connect and the geometry ends at the points.
pub(crate) fn check_path(g: &RoadGraph, p: &Path, from: EdgePoint, to: EdgePoint) {
    let e = |i: usize| p.edges[i].0 as usize;
    let (dur, dist) = (g.durations(), g.distances());
    let first_f = if p.edges[0] == from.edge {
        from.fraction
    } else {
        1.0 - from.fraction
    };
    let last = p.edges.len() - 1;
    let last_f = if p.edges[last] == to.edge {
        to.fraction
    } else {
        1.0 - to.fraction
    };
    let w = if p.edges.len() == 1 {
        pack(
            share(dur[e(0)], last_f - first_f),
            share(dist[e(0)], last_f - first_f),
        )
    } else {
        let mut w = pack(
            share(dur[e(0)], 1.0 - first_f),
            share(dist[e(0)], 1.0 - first_f),
        );
        for i in 1..last {
            w += pack(dur[e(i)], dist[e(i)]);
        }
        w + pack(share(dur[e(last)], last_f), share(dist[e(last)], last_f))
    };
    assert_eq!(pack(p.duration.0, p.distance.0), w, "path {:?}", p.edges);
    for pair in p.edges.windows(2) {
        assert_eq!(g.edge_head(pair[0]), g.edge_tail(pair[1]));
    }
    let on = |pt: LonLat, q: EdgePoint| {
        let geo = g.edge_geometry(q.edge);
        let total: f64 = geo.windows(2).map(|w| haversine_m(w[0], w[1])).sum();
        let mut acc = 0.0;
        for w in geo.windows(2) {
            let l = haversine_m(w[0], w[1]);
            if acc + l >= q.fraction * total - 1e-9 {
                let r = if l > 0.0 {
                    ((q.fraction * total - acc) / l).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let x = LonLat::new(
                    w[0].lon + (w[1].lon - w[0].lon) * r,
                    w[0].lat + (w[1].lat - w[0].lat) * r,
                );
                return haversine_m(x, pt) < 0.01;
            }
            acc += l;
        }
        haversine_m(*geo.last().unwrap(), pt) < 0.01
    };
    assert!(on(p.geometry[0], from), "geometry starts at the source");
    assert!(
        on(*p.geometry.last().unwrap(), to),
        "geometry ends at the target"
    );
    let len = p.geometry_length_m();
    let slack = 1.0 + p.edges.len() as f64;
    assert!(
        (len - f64::from(p.distance.0)).abs() <= slack,
        "geometry {len} m vs distance {}",
        p.distance.0
    );
}

#[test]
fn ch_equals_dijkstra_on_random_edge_points() {
    for seed in 0..12 {
        let g = random_graph(seed, 300, 450);
        let ch = ContractionHierarchy::build(&g).unwrap();
        let labels = HubLabels::build(&ch, usize::MAX).unwrap();
        assert!(labels.matches(&ch));
        let dij = Dijkstra::new(&g);
        let mut rng = Pcg64::seed_from_u64(seed + 100);
        let (mut s1, mut s2) = (
            SearchSpace::new(g.num_nodes()),
            SearchSpace::new(g.num_nodes()),
        );
        let mut found = 0;
        for _ in 0..300 {
            let (a, b) = (random_point(&mut rng, &g), random_point(&mut rng, &g));
            let want = dij.query(&mut s1, a, b).unwrap();
            assert_eq!(
                ch.query(&g, &mut s2, a, b).unwrap(),
                want,
                "seed {seed} {a:?} -> {b:?}"
            );
            assert_eq!(labels.query(&g, a, b).unwrap(), want, "seed {seed}, labels");
            let p = ch.route(&g, &mut s2, a, b).unwrap();
            assert_eq!(p.as_ref().map(Path::cost), want);
            if let Some(p) = p {
                found += 1;
                check_path(&g, &p, a, b);
                let q = dij.route(&mut s1, a, b).unwrap().unwrap();
                assert_eq!(q.cost(), p.cost());
                check_path(&g, &q, a, b);
            }
        }
        assert!(found > 30, "seed {seed}: only {found} routes");
    }
}

#[test]
fn matrix_equals_point_to_point() {
    let g = random_graph(7, 400, 600);
    let ch = ContractionHierarchy::build(&g).unwrap();
    let mut rng = Pcg64::seed_from_u64(8);
    let sources: Vec<EdgePoint> = (0..40).map(|_| random_point(&mut rng, &g)).collect();
    let targets: Vec<EdgePoint> = (0..30).map(|_| random_point(&mut rng, &g)).collect();
    let m = ch.matrix(&g, &sources, &targets, g.num_nodes()).unwrap();
    assert_eq!((m.num_sources(), m.num_targets()), (40, 30));
    let labels = HubLabels::build(&ch, usize::MAX).unwrap();
    assert_eq!(labels.matrix(&g, &sources, &targets).unwrap(), m);
    let mut space = SearchSpace::new(g.num_nodes());
    let dij = Dijkstra::new(&g);
    let (mut some, mut none) = (0, 0);
    for (i, &a) in sources.iter().enumerate() {
        for (j, &b) in targets.iter().enumerate() {
            let want = dij
                .query(&mut space, a, b)
                .unwrap()
                .map(|c| (c.duration, c.distance));
            assert_eq!(m.get(i, j), want, "cell {i},{j}");
            if want.is_some() { some += 1 } else { none += 1 }
        }
    }
    assert!(some > 100 && none > 0, "{some} reachable, {none} not");
    assert_eq!(m.get(40, 0), None);
    let empty = ch.matrix(&g, &[], &targets, 10).unwrap();
    assert_eq!((empty.num_sources(), empty.num_targets()), (0, 30));
    assert_eq!(labels.matrix(&g, &[], &targets).unwrap(), empty);
    let no_targets = labels.matrix(&g, &sources, &[]).unwrap();
    assert_eq!(
        (no_targets.num_sources(), no_targets.num_targets()),
        (40, 0)
    );
    assert_eq!(no_targets.get(0, 0), None);
}

/// Two two-way streets that do not meet.
fn two_islands() -> RoadGraph {
    let mut b = GraphBuilder::new("car");
    for i in 0..4 {
        b.add_node(OsmNodeId(i), LonLat::new(0.001 * i as f64, 0.0));
    }
    for (t, h) in [(0, 1), (2, 3)] {
        b.add_segment(&Segment {
            tail: NodeId(t),
            head: NodeId(h),
            forward: Some(Deciseconds(50)),
            backward: Some(Deciseconds(60)),
            distance: Meters(111),
            way: OsmWayId(1),
            name: "",
            flags: 0,
            geometry: &[],
        })
        .unwrap();
    }
    b.build().unwrap()
}

#[test]
fn unreachable_is_none_everywhere() {
    let g = two_islands();
    let ch = ContractionHierarchy::build(&g).unwrap();
    let mut s = SearchSpace::new(4);
    let (a, b) = (
        EdgePoint::new(EdgeId(0), 0.5),
        EdgePoint::new(EdgeId(2), 0.5),
    );
    assert_eq!(ch.query(&g, &mut s, a, b).unwrap(), None);
    assert_eq!(ch.route(&g, &mut s, a, b).unwrap(), None);
    assert_eq!(Dijkstra::new(&g).query(&mut s, a, b).unwrap(), None);
    assert_eq!(
        ch.node_to_node(&g, &mut s, NodeId(0), NodeId(3)).unwrap(),
        None
    );
    let m = ch.matrix(&g, &[a, b], &[a, b], 100).unwrap();
    assert_eq!(m.get(0, 1), None);
    assert_eq!(m.get(1, 0), None);
    assert_eq!(m.get(0, 0), Some((Deciseconds(0), Meters(0))));
    let labels = HubLabels::build(&ch, usize::MAX).unwrap();
    assert_eq!(labels.query(&g, a, b).unwrap(), None);
    assert_eq!(labels.query(&g, b, a).unwrap(), None);
    assert_eq!(labels.node_to_node(&g, NodeId(0), NodeId(3)).unwrap(), None);
    assert_eq!(labels.matrix(&g, &[a, b], &[a, b]).unwrap(), m);
    assert_eq!(
        labels.query(&g, a, a).unwrap().map(|c| c.duration),
        Some(Deciseconds(0))
    );
}

/// Hub labels refuse bad points, unknown nodes, another graph, and a build past its
/// entry budget, with errors rather than panics or wrong numbers.
#[test]
fn hub_labels_reject_bad_input_and_oversized_builds() {
    let g = random_graph(5, 200, 300);
    let ch = ContractionHierarchy::build(&g).unwrap();
    let labels = HubLabels::build(&ch, usize::MAX).unwrap();
    let ok = EdgePoint::new(EdgeId(0), 0.5);
    for bad in [
        EdgePoint::new(EdgeId(0), f64::NAN),
        EdgePoint::new(EdgeId(0), f64::INFINITY),
        EdgePoint::new(EdgeId(0), -0.1),
    ] {
        assert!(matches!(
            labels.query(&g, ok, bad),
            Err(RouteError::InvalidFraction { .. })
        ));
        assert!(matches!(
            labels.query(&g, bad, ok),
            Err(RouteError::InvalidFraction { .. })
        ));
    }
    let far = EdgePoint::new(EdgeId(u32::MAX), 0.5);
    assert!(matches!(
        labels.query(&g, ok, far),
        Err(RouteError::UnknownEdge { .. })
    ));
    assert!(matches!(
        labels.matrix(&g, &[ok], &[ok, EdgePoint::new(EdgeId(0), f64::NAN)]),
        Err(RouteError::InvalidFraction { .. })
    ));
    assert!(matches!(
        labels.matrix(&g, &[far], &[ok]),
        Err(RouteError::UnknownEdge { .. })
    ));
    assert!(matches!(
        labels.node_to_node(&g, NodeId(0), NodeId(200)),
        Err(RouteError::UnknownNode { .. })
    ));
    let other = random_graph(6, 150, 200);
    assert!(matches!(
        labels.query(&other, ok, ok),
        Err(RouteError::GraphMismatch { .. })
    ));
    // Same number of nodes, another number of edges.
    let fewer = random_graph(5, 200, 250);
    assert_eq!(fewer.num_nodes(), g.num_nodes());
    assert!(matches!(
        labels.query(&fewer, ok, ok),
        Err(RouteError::GraphMismatch {
            what: "number of edges",
            ..
        })
    ));
    let other_ch = ContractionHierarchy::build(&other).unwrap();
    assert!(!labels.matches(&other_ch));
    let entries = labels.num_entries();
    assert!(entries > 400, "{entries}");
    assert!(matches!(
        HubLabels::build(&ch, entries / 2),
        Err(RouteError::TooLarge { .. })
    ));
    assert!(HubLabels::build(&ch, entries).is_ok());
}

#[test]
fn same_edge_backwards_goes_round_or_through_the_twin() {
    let g = two_islands();
    let ch = ContractionHierarchy::build(&g).unwrap();
    let mut s = SearchSpace::new(4);
    // Edge 0 is 0 -> 1 (50 ds), its twin 1 -> 0 (60 ds); from 0.75 back to 0.25.
    let e = EdgeId(0);
    let twin = g.edge_twin(e).unwrap();
    let p = ch
        .route(&g, &mut s, EdgePoint::new(e, 0.75), EdgePoint::new(e, 0.25))
        .unwrap()
        .unwrap();
    assert_eq!(p.duration, Deciseconds(30));
    assert_eq!(p.distance, Meters(56));
    assert_eq!(p.edges, vec![twin]);
    check_path(&g, &p, EdgePoint::new(e, 0.75), EdgePoint::new(e, 0.25));
}

#[test]
fn bad_points_and_bounds_are_errors() {
    let g = random_graph(3, 200, 300);
    let ch = ContractionHierarchy::build(&g).unwrap();
    let mut s = SearchSpace::new(g.num_nodes());
    let ok = EdgePoint::new(EdgeId(0), 0.5);
    for bad in [
        EdgePoint::new(EdgeId(0), f64::NAN),
        EdgePoint::new(EdgeId(0), 1.5),
        EdgePoint::new(EdgeId(0), -0.1),
    ] {
        assert!(matches!(
            ch.query(&g, &mut s, ok, bad),
            Err(RouteError::InvalidFraction { .. })
        ));
        assert!(matches!(
            Dijkstra::new(&g).route(&mut s, bad, ok),
            Err(RouteError::InvalidFraction { .. })
        ));
        assert!(matches!(
            ch.matrix(&g, &[bad], &[ok], 10),
            Err(RouteError::InvalidFraction { .. })
        ));
    }
    let far = EdgePoint::new(EdgeId(u32::MAX), 0.5);
    assert!(matches!(
        ch.route(&g, &mut s, far, ok),
        Err(RouteError::UnknownEdge { .. })
    ));
    assert!(matches!(
        ch.node_to_node(&g, &mut s, NodeId(0), NodeId(10_000)),
        Err(RouteError::UnknownNode { .. })
    ));
    let other = two_islands();
    assert!(matches!(
        ch.query(&other, &mut s, ok, ok),
        Err(RouteError::GraphMismatch { .. })
    ));
    // A tiny bound stops long searches with an error, never a wrong answer.
    let mut tiny = SearchSpace::new(g.num_nodes()).with_settle_limit(2);
    let mut rng = Pcg64::seed_from_u64(5);
    let mut limited = 0;
    for _ in 0..50 {
        let (a, b) = (random_point(&mut rng, &g), random_point(&mut rng, &g));
        match Dijkstra::new(&g).query(&mut tiny, a, b) {
            Err(RouteError::LimitExceeded { limit: 2 }) => limited += 1,
            Ok(r) => assert_eq!(r, Dijkstra::new(&g).query(&mut s, a, b).unwrap()),
            Err(e) => panic!("{e}"),
        }
        assert!(matches!(
            ch.matrix(&g, &[a], &[b], 2),
            Ok(_) | Err(RouteError::LimitExceeded { limit: 2 })
        ));
    }
    assert!(limited > 0);
}

#[test]
fn bytes_round_trip_and_corruption_is_an_error() {
    let g = random_graph(11, 150, 250);
    let ch = ContractionHierarchy::build(&g).unwrap();
    assert!(ch.num_shortcuts() > 0);
    let bytes = ch.to_bytes();
    assert_eq!(ContractionHierarchy::from_bytes(&bytes, &g).unwrap(), ch);
    let mut rng = Pcg64::seed_from_u64(1);
    for _ in 0..300 {
        let mut b = bytes.clone();
        let i = rng.random_range(0..b.len());
        b[i] ^= 1 << rng.random_range(0..8);
        assert!(ContractionHierarchy::from_bytes(&b, &g).is_err());
        let cut = rng.random_range(0..bytes.len());
        assert!(ContractionHierarchy::from_bytes(&bytes[..cut], &g).is_err());
    }
    // Altered bodies with a recomputed checksum must fail validation, not panic later.
    let body = bytes.len() - 4;
    let mut rejected = 0;
    for _ in 0..2000 {
        let mut b = bytes.clone();
        let i = rng.random_range(0..body);
        b[i] = b[i].wrapping_add(rng.random_range(1..=255));
        let crc = crc32fast::hash(&b[..body]).to_le_bytes();
        b[body..].copy_from_slice(&crc);
        match ContractionHierarchy::from_bytes(&b, &g) {
            Err(_) => rejected += 1,
            Ok(other) => {
                // Only bytes that do not change meaning may pass (none, in this format).
                assert_eq!(other, ch);
            }
        }
    }
    assert_eq!(rejected, 2000);
    let other = random_graph(12, 150, 250);
    assert!(matches!(
        ContractionHierarchy::from_bytes(&bytes, &other),
        Err(RouteError::GraphMismatch { .. })
    ));
}

#[test]
fn build_is_deterministic() {
    let g = random_graph(21, 500, 800);
    let a = ContractionHierarchy::build(&g).unwrap();
    let b = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| ContractionHierarchy::build(&g).unwrap());
    assert_eq!(a, b);
}

/// Shortest packed weights from `from` with petgraph's Dijkstra.
fn petgraph_dist(g: &RoadGraph, from: u32) -> Vec<Option<u64>> {
    let mut pg = DiGraph::<(), u64>::new();
    for _ in 0..g.num_nodes() {
        pg.add_node(());
    }
    for e in 0..g.num_edges() {
        pg.add_edge(
            g.tails()[e].into(),
            g.heads()[e].into(),
            pack(g.durations()[e], g.distances()[e]),
        );
    }
    let d = petgraph::algo::dijkstra(&pg, from.into(), None, |e| *e.weight());
    (0..g.num_nodes() as u32)
        .map(|v| d.get(&petgraph::graph::NodeIndex::new(v as usize)).copied())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, rng_seed: proptest::test_runner::RngSeed::Fixed(42), ..ProptestConfig::default() })]

    #[test]
    fn ch_equals_dijkstra_equals_petgraph(seed in 0u64..1_000_000, n in 2usize..40, extra in 0usize..60) {
        let g = random_graph(seed, n, n + extra);
        let ch = ContractionHierarchy::build(&g).unwrap();
        let labels = HubLabels::build(&ch, usize::MAX).unwrap();
        let dij = Dijkstra::new(&g);
        let mut s = SearchSpace::new(n);
        for from in 0..n as u32 {
            let oracle = petgraph_dist(&g, from);
            for to in 0..n as u32 {
                let want = oracle[to as usize].map(super::edge_point::unpack);
                prop_assert_eq!(dij.node_to_node(&mut s, NodeId(from), NodeId(to)).unwrap(), want);
                prop_assert_eq!(ch.node_to_node(&g, &mut s, NodeId(from), NodeId(to)).unwrap(), want);
                prop_assert_eq!(labels.node_to_node(&g, NodeId(from), NodeId(to)).unwrap(), want);
            }
        }
    }
}
