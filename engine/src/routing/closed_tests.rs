//! Routing with closed edges against an oracle: petgraph's Dijkstra on the graph built
//! without the closed edges, joined to the end points by the seeds of `edge_point`.

#![allow(
    clippy::cast_possible_truncation,
    reason = "small test graphs and sizes"
)]

use petgraph::graph::DiGraph;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::*;
use crate::routing::edge_point::{self, pack, unpack};
use crate::routing::tests::{random_graph, random_point};
use crate::routing::{ContractionHierarchy, HubLabels};

/// The full network as the hierarchy (and labels, when given) answer it.
struct Full<'a> {
    graph: &'a RoadGraph,
    ch: &'a ContractionHierarchy,
    labels: Option<&'a HubLabels>,
}

impl RoutingView for Full<'_> {
    fn graph(&self) -> &RoadGraph {
        self.graph
    }
    fn has_fast_costs(&self) -> bool {
        self.labels.is_some()
    }
    fn cost(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        match self.labels {
            Some(l) => l.query(self.graph, from, to),
            None => self.ch.query(self.graph, space, from, to),
        }
    }
    fn route(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Path>, RouteError> {
        self.ch.route(self.graph, space, from, to)
    }
    fn matrix(
        &self,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
        settle_limit: usize,
    ) -> Result<TravelMatrix, RouteError> {
        match self.labels {
            Some(l) => l.matrix(self.graph, sources, targets),
            None => self.ch.matrix(self.graph, sources, targets, settle_limit),
        }
    }
}

/// Shortest packed weights between all nodes of `g` without the `closed` edges.
fn oracle_dist(g: &RoadGraph, closed: &ClosedEdges) -> Vec<Vec<Option<u64>>> {
    let mut pg = DiGraph::<(), u64>::new();
    for _ in 0..g.num_nodes() {
        pg.add_node(());
    }
    for e in 0..g.num_edges() {
        if !closed.contains(EdgeId(e as u32)) {
            pg.add_edge(
                g.tails()[e].into(),
                g.heads()[e].into(),
                pack(g.durations()[e], g.distances()[e]),
            );
        }
    }
    (0..g.num_nodes())
        .map(|s| {
            let d = petgraph::algo::dijkstra(&pg, petgraph::graph::NodeIndex::new(s), None, |e| {
                *e.weight()
            });
            (0..g.num_nodes())
                .map(|v| d.get(&petgraph::graph::NodeIndex::new(v)).copied())
                .collect()
        })
        .collect()
}

/// The oracle's cost between two points: along one edge, or seed + nodes + seed.
fn oracle(g: &RoadGraph, d: &[Vec<Option<u64>>], from: EdgePoint, to: EdgePoint) -> Option<Cost> {
    let mut best = edge_point::direct(g, from, to).map(|(w, ..)| w);
    for (_, s) in edge_point::source_seeds(g, from).iter() {
        for (_, t) in edge_point::target_seeds(g, to).iter() {
            if let Some(m) = d[s.node as usize][t.node as usize] {
                let w = s.weight + m + t.weight;
                best = Some(best.map_or(w, |b| b.min(w)));
            }
        }
    }
    best.map(unpack)
}

fn random_closed(rng: &mut Pcg64, g: &RoadGraph, count: usize) -> ClosedEdges {
    let m = g.num_edges() as u32;
    let mut edges = Vec::new();
    for _ in 0..count {
        let e = EdgeId(rng.random_range(0..m));
        edges.push(e);
        // Roads close in both directions, as closures do.
        edges.extend(g.edge_twin(e));
    }
    ClosedEdges::new(g, edges).unwrap()
}

#[test]
fn routes_and_matrices_avoiding_closed_edges_equal_the_oracle() {
    let mut checked = (0, 0);
    for seed in 0..12 {
        let g = random_graph(seed, 120, 220);
        let ch = ContractionHierarchy::build(&g).unwrap();
        let labels = HubLabels::build(&ch, usize::MAX).unwrap();
        let mut rng = Pcg64::seed_from_u64(seed);
        let closed = random_closed(&mut rng, &g, 1 + seed as usize * 3);
        let d = oracle_dist(&g, &closed);
        let mut space = SearchSpace::new(g.num_nodes());
        for with_labels in [false, true] {
            let full = Full {
                graph: &g,
                ch: &ch,
                labels: with_labels.then_some(&labels),
            };
            let view = AvoidingClosed::new(&full, &closed);
            let dijkstra = Dijkstra::new(&g).avoiding(&closed);
            for _ in 0..150 {
                let (from, to) = (random_point(&mut rng, &g), random_point(&mut rng, &g));
                let want = oracle(&g, &d, from, to);
                let got = view.route(&mut space, from, to).unwrap();
                assert_eq!(got.as_ref().map(Path::cost), want, "{from:?} -> {to:?}");
                assert_eq!(view.cost(&mut space, from, to).unwrap(), want);
                assert_eq!(dijkstra.query(&mut space, from, to).unwrap(), want);
                if let Some(p) = got {
                    assert!(!closed.blocks(&p), "{p:?}");
                    checked.0 += 1;
                }
            }
            let points: Vec<EdgePoint> = (0..25).map(|_| random_point(&mut rng, &g)).collect();
            let (sources, targets) = points.split_at(10);
            let m = view.matrix(sources, targets, usize::MAX).unwrap();
            for (i, &s) in sources.iter().enumerate() {
                let row = dijkstra.one_to_many(&mut space, s, targets).unwrap();
                for (j, &t) in targets.iter().enumerate() {
                    let want = oracle(&g, &d, s, t);
                    assert_eq!(m.get(i, j), want.map(|c| (c.duration, c.distance)));
                    assert_eq!(row[j], want);
                    checked.1 += 1;
                }
            }
        }
    }
    assert!(checked.0 > 1_000 && checked.1 > 3_000, "{checked:?}");
}

#[test]
fn a_closed_set_refuses_unknown_edges_and_ignores_duplicates() {
    let g = random_graph(3, 20, 30);
    let m = g.num_edges() as u32;
    assert_eq!(
        ClosedEdges::new(&g, [EdgeId(m)]),
        Err(RouteError::UnknownEdge {
            edge: m,
            edges: g.num_edges()
        })
    );
    let c = ClosedEdges::new(&g, [EdgeId(2), EdgeId(1), EdgeId(2)]).unwrap();
    assert_eq!(c.edges(), &[EdgeId(1), EdgeId(2)]);
    assert!(c.fits(&g) && !c.contains(EdgeId(0)) && !c.contains(EdgeId(m + 5)));
}
