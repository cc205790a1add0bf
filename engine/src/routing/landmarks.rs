//! Lower bounds on travel time from landmarks and the triangle inequality (the "ALT" bounds
//! of A. V. Goldberg and C. Harrelson, "Computing the shortest path: A* search meets graph
//! theory", SODA 2005).
//!
//! For a few landmark nodes `L` the exact travel times `d(L, v)` and `d(v, L)` to and from
//! every node are kept. For any two nodes, `d(x, y) ≥ d(L, y) − d(L, x)` and
//! `d(x, y) ≥ d(x, L) − d(y, L)`; the best of these over the landmarks bounds the travel time
//! from below, usually far more tightly than a straight line at the top speed (roads wind,
//! cities are slow). A bound costs `4 × landmarks` table reads per pair of nodes: a ranking
//! can rule most pairs out with it before paying for an exact query.
//!
//! Landmarks are chosen by the farthest rule: the first is the node farthest from a node of
//! the largest component, each next one the node whose nearest landmark is farthest. Times
//! are in deciseconds, as edge durations; an unreachable pair stores [`UNREACHED`].

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::edge_point::{self, EdgePoint};
use crate::graph::RoadGraph;

/// Landmarks per graph unless told otherwise: 16 keep bounds tight on city and regional
/// graphs for 128 bytes per node.
pub const DEFAULT_COUNT: usize = 16;

/// Stored for a node that a landmark does not reach (or that does not reach it).
pub const UNREACHED: u32 = u32::MAX;

/// Travel times to and from a few landmark nodes of one graph (see the [module](self) docs).
#[derive(Clone, Debug)]
pub struct Landmarks {
    count: usize,
    /// Per node, `count` times from each landmark, then `count` times to each landmark.
    table: Vec<u32>,
    nodes: usize,
    edges: usize,
}

impl Landmarks {
    /// Chooses `count` landmarks of `graph` (fewer when the largest component is smaller) and
    /// computes the travel times from and to each: `2 × count` one-to-all Dijkstra searches,
    /// `8 × count` bytes per node.
    #[must_use]
    pub fn build(graph: &RoadGraph, count: usize) -> Self {
        let n = graph.num_nodes();
        let mut chosen: Vec<u32> = Vec::new();
        let mut from_each: Vec<Vec<u32>> = Vec::new();
        // The first landmark is the node farthest from a node of component 0; each next one
        // the node farthest from its nearest landmark.
        let seed = (0..n).find(|&v| graph.component(crate::types::NodeId(as_u32(v))) == 0);
        let mut next =
            seed.and_then(|s| farthest(&one_to_all(graph, as_u32(s), Direction::Forward)));
        let mut nearest = vec![UNREACHED; n];
        while let Some(l) = next {
            if chosen.len() == count || chosen.contains(&l) {
                break;
            }
            let from = one_to_all(graph, l, Direction::Forward);
            // UNREACHED is the largest value: the minimum keeps any reached time.
            for (m, &d) in nearest.iter_mut().zip(&from) {
                *m = (*m).min(d);
            }
            chosen.push(l);
            from_each.push(from);
            next = farthest(&nearest);
        }
        let count = chosen.len();
        let mut table = vec![UNREACHED; n * 2 * count];
        for (i, (&l, from)) in chosen.iter().zip(&from_each).enumerate() {
            let to = one_to_all(graph, l, Direction::Backward);
            for v in 0..n {
                table[v * 2 * count + i] = from[v];
                table[v * 2 * count + count + i] = to[v];
            }
        }
        Self {
            count,
            table,
            nodes: n,
            edges: graph.num_edges(),
        }
    }

    /// Number of landmarks.
    #[must_use]
    pub fn count(&self) -> usize {
        self.count
    }

    /// Bytes of the tables.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.table.len() * 4
    }

    /// `true` when these tables were built on a graph of `graph`'s size.
    #[must_use]
    pub fn matches(&self, graph: &RoadGraph) -> bool {
        self.nodes == graph.num_nodes() && self.edges == graph.num_edges()
    }

    /// A lower bound on the travel time from node `x` to node `y`, in deciseconds (0 when the
    /// landmarks say nothing). Both must be nodes of the graph the tables were built on.
    #[must_use]
    #[inline]
    pub fn node_bound(&self, x: u32, y: u32) -> u64 {
        let c = self.count;
        let (Some(tx), Some(ty)) = (
            self.table.get(x as usize * 2 * c..(x as usize + 1) * 2 * c),
            self.table.get(y as usize * 2 * c..(y as usize + 1) * 2 * c),
        ) else {
            return 0;
        };
        let mut best = 0u32;
        for i in 0..c {
            // d(x, y) ≥ d(L, y) − d(L, x)
            let (lx, ly) = (tx[i], ty[i]);
            if lx != UNREACHED && ly != UNREACHED {
                best = best.max(ly.saturating_sub(lx));
            }
            // d(x, y) ≥ d(x, L) − d(y, L)
            let (xl, yl) = (tx[c + i], ty[c + i]);
            if xl != UNREACHED && yl != UNREACHED {
                best = best.max(xl.saturating_sub(yl));
            }
        }
        u64::from(best)
    }

    /// A lower bound on the travel time from `from` to `to` (validated points of the graph
    /// the tables were built on), in deciseconds: the best way out of `from`'s edge, the
    /// landmark bound between the nodes, and the best way into `to`'s edge, or the way
    /// along a common edge.
    #[must_use]
    pub fn bound(&self, graph: &RoadGraph, from: EdgePoint, to: EdgePoint) -> u64 {
        let mut best = edge_point::direct(graph, from, to).map_or(u64::MAX, |(w, ..)| w >> 32);
        let src = edge_point::source_seeds(graph, from);
        let dst = edge_point::target_seeds(graph, to);
        for (_, s) in src.iter() {
            for (_, t) in dst.iter() {
                let b = (s.weight >> 32)
                    .saturating_add(self.node_bound(s.node, t.node))
                    .saturating_add(t.weight >> 32);
                best = best.min(b);
            }
        }
        if best == u64::MAX { 0 } else { best }
    }
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "graphs have fewer than u32::MAX nodes"
)]
fn as_u32(v: usize) -> u32 {
    v as u32
}

/// The reached node with the largest time (ties: the smallest id).
fn farthest(times: &[u32]) -> Option<u32> {
    let mut best: Option<(u32, usize)> = None;
    for (v, &d) in times.iter().enumerate() {
        if d != UNREACHED && best.is_none_or(|(b, _)| d > b) {
            best = Some((d, v));
        }
    }
    best.map(|(_, v)| as_u32(v))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Times from the source to every node.
    Forward,
    /// Times from every node to the source.
    Backward,
}

/// Travel time between `source` and every node (deciseconds), [`UNREACHED`] where there is no
/// route: Dijkstra with a binary heap over the graph's edges (reversed for
/// [`Direction::Backward`]).
fn one_to_all(graph: &RoadGraph, source: u32, direction: Direction) -> Vec<u32> {
    let n = graph.num_nodes();
    let mut dist = vec![UNREACHED; n];
    let mut heap = BinaryHeap::new();
    dist[source as usize] = 0;
    heap.push(Reverse((0u32, source)));
    let (first_out, heads, durations) = (graph.first_out(), graph.heads(), graph.durations());
    let (first_in, in_ids, tails) = (graph.first_in(), graph.in_edge_ids(), graph.tails());
    while let Some(Reverse((d, v))) = heap.pop() {
        if d > dist[v as usize] {
            continue;
        }
        let relax = |e: usize, w: u32, dist: &mut Vec<u32>, heap: &mut BinaryHeap<_>| {
            let nd = d.saturating_add(durations[e]);
            if nd < dist[w as usize] {
                dist[w as usize] = nd;
                heap.push(Reverse((nd, w)));
            }
        };
        match direction {
            Direction::Forward => {
                for e in first_out[v as usize]..first_out[v as usize + 1] {
                    relax(e as usize, heads[e as usize], &mut dist, &mut heap);
                }
            }
            Direction::Backward => {
                for i in first_in[v as usize]..first_in[v as usize + 1] {
                    let e = in_ids[i as usize] as usize;
                    relax(e, tails[e], &mut dist, &mut heap);
                }
            }
        }
    }
    dist
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64;

    use super::*;
    use crate::routing::tests::{random_graph, random_point};
    use crate::routing::{Dijkstra, SearchSpace};

    /// Every bound is at most the exact travel time (Dijkstra) on random points of random
    /// graphs with one-way streets and islands, and the landmarks' own rows are exact.
    #[test]
    fn bounds_never_exceed_exact_times() {
        let mut tight = 0;
        let mut positive = 0;
        for seed in 0..20u64 {
            let graph = random_graph(seed, 60, 140);
            let lm = Landmarks::build(&graph, 4);
            assert!(lm.matches(&graph));
            let reference = Dijkstra::new(&graph);
            let mut space = SearchSpace::new(graph.num_nodes());
            let mut rng = Pcg64::seed_from_u64(seed);
            for _ in 0..200 {
                let (from, to) = (
                    random_point(&mut rng, &graph),
                    random_point(&mut rng, &graph),
                );
                let b = lm.bound(&graph, from, to);
                positive += usize::from(b > 0);
                if let Some(c) = reference.query(&mut space, from, to).expect("valid points") {
                    let exact = u64::from(c.duration.0);
                    assert!(b <= exact, "seed {seed}: {from:?} -> {to:?}: {b} > {exact}");
                    tight += usize::from(b == exact);
                }
            }
            let n = graph.num_nodes();
            for _ in 0..200 {
                let (x, y) = (rng.random_range(0..n), rng.random_range(0..n));
                let exact = reference
                    .node_to_node(
                        &mut space,
                        crate::types::NodeId(as_u32(x)),
                        crate::types::NodeId(as_u32(y)),
                    )
                    .expect("valid nodes");
                if let Some(c) = exact {
                    assert!(lm.node_bound(as_u32(x), as_u32(y)) <= u64::from(c.duration.0));
                }
            }
        }
        assert!(positive > 1000, "bounds say something: {positive}");
        assert!(tight > 0, "some bounds are exact");
    }
}
