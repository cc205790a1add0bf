//! Routing on the real extracts: contraction hierarchies against bidirectional Dijkstra,
//! matrices against point-to-point queries, geometry against distance, unreachable pairs.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers: failures should panic"
)]

use engine::graph::{RoadGraph, from_network};
use engine::osm::{BICYCLE, CAR, FOOT, Profile, read_network};
use engine::routing::{ContractionHierarchy, Dijkstra, EdgePoint, HubLabels, Path, SearchSpace};
use engine::spatial::SpatialIndex;
use engine::types::{EdgeId, haversine_m};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::support;

fn load(extract: &str, profile: &'static Profile) -> Option<RoadGraph> {
    let path = support::osm(extract)?;
    Some(from_network(&read_network(&path, profile).unwrap()).unwrap())
}

/// A random point on a random edge of the largest component.
fn random_point(rng: &mut Pcg64, g: &RoadGraph) -> EdgePoint {
    loop {
        let e = EdgeId(rng.random_range(0..g.num_edges() as u32));
        if g.component(g.edge_tail(e)) == 0 && g.component(g.edge_head(e)) == 0 {
            return EdgePoint::new(e, rng.random_range(0.0..=1.0));
        }
    }
}

/// The geometry starts and ends at the points and its length matches the distance.
fn check_geometry(g: &RoadGraph, p: &Path, from: EdgePoint, to: EdgePoint) {
    let at = |q: EdgePoint| {
        let geo = g.edge_geometry(q.edge);
        let total: f64 = geo.windows(2).map(|w| haversine_m(w[0], w[1])).sum();
        (q.fraction * total, geo)
    };
    let near = |pt, q: EdgePoint| {
        let (off, geo) = at(q);
        let mut acc = 0.0;
        for w in geo.windows(2) {
            let l = haversine_m(w[0], w[1]);
            if acc + l >= off - 1e-9 {
                let r = if l > 0.0 {
                    ((off - acc) / l).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let x = engine::types::LonLat::new(
                    w[0].lon + (w[1].lon - w[0].lon) * r,
                    w[0].lat + (w[1].lat - w[0].lat) * r,
                );
                return haversine_m(x, pt) < 0.05;
            }
            acc += l;
        }
        haversine_m(*geo.last().unwrap(), pt) < 0.05
    };
    assert!(near(p.geometry[0], from), "starts at the source point");
    assert!(
        near(*p.geometry.last().unwrap(), to),
        "ends at the target point"
    );
    // Edge lengths are whole metres: allow half a metre of rounding per edge. The partial
    // first and last edges are cut by interpolating longitude and latitude linearly between
    // two vertices, which is not proportional to the great-circle length: off by up to
    // 0.2 % of that segment on a segment as long as the Isle of Man's 150-km ferry line.
    let longest_segment = |e: EdgeId| {
        g.edge_geometry(e)
            .windows(2)
            .map(|w| haversine_m(w[0], w[1]))
            .fold(0.0, f64::max)
    };
    let len = p.geometry_length_m();
    let slack = 1.0
        + 0.5 * p.edges.len() as f64
        + 0.002 * (longest_segment(p.edges[0]) + longest_segment(*p.edges.last().unwrap()));
    assert!(
        (len - f64::from(p.distance.0)).abs() <= slack,
        "geometry {len:.1} m vs reported {} m over {} edges",
        p.distance.0,
        p.edges.len()
    );
}

/// CH == hub labels == Dijkstra (duration and distance) on `pairs` random pairs, with full
/// route checks on every tenth.
fn ch_equals_dijkstra(extract: &str, profile: &'static Profile, pairs: usize) {
    let Some(g) = load(extract, profile) else {
        return;
    };
    let ch = ContractionHierarchy::build(&g).unwrap();
    let ch = ContractionHierarchy::from_bytes(&ch.to_bytes(), &g).unwrap();
    let labels = HubLabels::build(&ch, usize::MAX).unwrap();
    let dij = Dijkstra::new(&g);
    let (mut s1, mut s2) = (
        SearchSpace::new(g.num_nodes()),
        SearchSpace::new(g.num_nodes()),
    );
    let mut rng = Pcg64::seed_from_u64(2026);
    let mut found = 0;
    for i in 0..pairs {
        let (a, b) = (random_point(&mut rng, &g), random_point(&mut rng, &g));
        let want = dij.query(&mut s1, a, b).unwrap();
        assert_eq!(
            ch.query(&g, &mut s2, a, b).unwrap(),
            want,
            "{extract} pair {i}: {a:?} -> {b:?}"
        );
        assert_eq!(
            labels.query(&g, a, b).unwrap(),
            want,
            "{extract} pair {i}, hub labels: {a:?} -> {b:?}"
        );
        found += usize::from(want.is_some());
        if i % 10 == 0 {
            let p = ch.route(&g, &mut s2, a, b).unwrap();
            assert_eq!(p.as_ref().map(Path::cost), want);
            if let Some(p) = p {
                check_geometry(&g, &p, a, b);
            }
        }
    }
    // Both points lie in the largest strongly connected component: always reachable.
    assert_eq!(found, pairs);
}

#[test]
fn monaco_car_ch_equals_dijkstra() {
    ch_equals_dijkstra("monaco-2023-12-26.osm.pbf", &CAR, 500);
}

#[test]
fn monaco_foot_ch_equals_dijkstra() {
    ch_equals_dijkstra("monaco-2023-12-26.osm.pbf", &FOOT, 500);
}

/// 10,000 pairs for every profile of one extract.
fn ch_equals_dijkstra_10k_pairs(extract: &str) {
    for profile in [&CAR, &BICYCLE, &FOOT] {
        ch_equals_dijkstra(extract, profile, 10_000);
    }
}

/// One test per extract, so the harness runs them side by side.
macro_rules! ch_equals_dijkstra_on {
    ($($name:ident => $file:literal,)*) => {$(
        #[test]
        #[ignore = "slow: run in release by scripts/test.sh"]
        fn $name() {
            ch_equals_dijkstra_10k_pairs($file);
        }
    )*};
}

ch_equals_dijkstra_on! {
    andorra_ch_equals_dijkstra_10k_pairs => "andorra-2020-05-01.osm.pbf",
    helsinki_ch_equals_dijkstra_10k_pairs => "helsinki-centre-2019-04.osm.pbf",
    isle_of_man_ch_equals_dijkstra_10k_pairs => "isle-of-man-2020-03-13.osm.pbf",
    kotka_ch_equals_dijkstra_10k_pairs => "kotka-karhula-2019-04.osm.pbf",
    liechtenstein_ch_equals_dijkstra_10k_pairs => "liechtenstein-2015-07-27.osm.pbf",
    monaco_ch_equals_dijkstra_10k_pairs => "monaco-2023-12-26.osm.pbf",
    moscow_myasnitskaya_ch_equals_dijkstra_10k_pairs => "moscow-myasnitskaya-2020-07-20.osm.pbf",
    moscow_ostankino_ch_equals_dijkstra_10k_pairs => "moscow-ostankino-2013.osm.pbf",
    north_bayreuth_ch_equals_dijkstra_10k_pairs => "north-bayreuth-2014.osm.pbf",
    porto_ch_equals_dijkstra_10k_pairs => "porto-2015-06-06-highways.osm.pbf",
}

/// Matrix cells equal point-to-point answers, on the workload points snapped to the roads.
#[test]
fn monaco_matrix_equals_point_to_point_on_workload_points() {
    let Some(g) = load("monaco-2023-12-26.osm.pbf", &CAR) else {
        return;
    };
    let Some(csv) = support::anchors("routing/workloads/monaco-2023-12-26/points.csv") else {
        return;
    };
    let index = SpatialIndex::new(&g);
    let points: Vec<EdgePoint> = std::fs::read_to_string(csv)
        .unwrap()
        .lines()
        .skip(1)
        .take(60)
        .map(|l| {
            let f: Vec<f64> = l.split(',').skip(1).map(|x| x.parse().unwrap()).collect();
            let s = index.snap(f[0], f[1], None).unwrap();
            EdgePoint::new(s.edge, s.fraction)
        })
        .collect();
    let ch = ContractionHierarchy::build(&g).unwrap();
    let m = ch
        .matrix(&g, &points, &points[..40], g.num_nodes())
        .unwrap();
    let labels = HubLabels::build(&ch, usize::MAX).unwrap();
    assert_eq!(labels.matrix(&g, &points, &points[..40]).unwrap(), m);
    let mut space = SearchSpace::new(g.num_nodes());
    for (i, &a) in points.iter().enumerate() {
        for (j, &b) in points[..40].iter().enumerate() {
            let want = ch
                .query(&g, &mut space, a, b)
                .unwrap()
                .map(|c| (c.duration, c.distance));
            assert_eq!(m.get(i, j), want, "cell {i},{j}");
        }
    }
}

/// Pairs in different strongly connected components: at least one direction has no route,
/// and every algorithm agrees on which.
#[test]
fn pairs_across_components_are_unreachable_one_way_at_least() {
    for extract in ["monaco-2023-12-26.osm.pbf", "andorra-2020-05-01.osm.pbf"] {
        let Some(g) = load(extract, &CAR) else { return };
        assert!(g.num_components() > 1, "{extract} has islands");
        let ch = ContractionHierarchy::build(&g).unwrap();
        let dij = Dijkstra::new(&g);
        let mut s = SearchSpace::new(g.num_nodes());
        let mut rng = Pcg64::seed_from_u64(9);
        let islands: Vec<EdgeId> = (0..g.num_edges() as u32)
            .map(EdgeId)
            .filter(|&e| g.component(g.edge_tail(e)) != 0 && g.component(g.edge_head(e)) != 0)
            .collect();
        assert!(!islands.is_empty());
        let mut unreachable = 0;
        for k in 0..200 {
            let a = random_point(&mut rng, &g);
            let b = EdgePoint::new(islands[k % islands.len()], 0.5);
            let (there, back) = (
                ch.query(&g, &mut s, a, b).unwrap(),
                ch.query(&g, &mut s, b, a).unwrap(),
            );
            assert_eq!(there, dij.query(&mut s, a, b).unwrap());
            assert_eq!(back, dij.query(&mut s, b, a).unwrap());
            assert!(
                there.is_none() || back.is_none(),
                "{extract}: {a:?} <-> {b:?}"
            );
            unreachable += usize::from(there.is_none()) + usize::from(back.is_none());
            let m = ch.matrix(&g, &[a, b], &[a, b], g.num_nodes()).unwrap();
            assert_eq!(m.get(0, 1), there.map(|c| (c.duration, c.distance)));
            assert_eq!(m.get(1, 0), back.map(|c| (c.duration, c.distance)));
        }
        assert!(unreachable >= 200);
    }
}

/// The hierarchy travels as a section of the graph file and answers the same afterwards.
#[test]
fn hierarchy_round_trips_through_the_graph_file() {
    let Some(g) = load("monaco-2023-12-26.osm.pbf", &CAR) else {
        return;
    };
    let ch = ContractionHierarchy::build(&g).unwrap();
    let bytes = ch.to_bytes();
    let path = std::env::temp_dir().join(format!("routing-ch-{}.graph", std::process::id()));
    let meta = engine::graph::file::Meta {
        source_sha256: [0; 32],
    };
    engine::graph::file::write(&path, &g, &meta, &[(ContractionHierarchy::SECTION, &bytes)])
        .unwrap();
    let back = engine::graph::file::read(&path).unwrap();
    std::fs::remove_file(&path).ok();
    let section = back.section(ContractionHierarchy::SECTION).unwrap();
    let loaded = ContractionHierarchy::from_bytes(section, &back.graph).unwrap();
    assert_eq!(loaded, ch);
    let mut rng = Pcg64::seed_from_u64(4);
    let mut s = SearchSpace::new(g.num_nodes());
    for _ in 0..200 {
        let (a, b) = (random_point(&mut rng, &g), random_point(&mut rng, &g));
        assert_eq!(
            loaded.query(&back.graph, &mut s, a, b).unwrap(),
            ch.query(&g, &mut s, a, b).unwrap()
        );
    }
    // A hierarchy never loads against another graph.
    let Some(other) = load("monaco-2023-12-26.osm.pbf", &FOOT) else {
        return;
    };
    assert!(ContractionHierarchy::from_bytes(section, &other).is_err());
}
