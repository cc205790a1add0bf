//! One-to-all searches with a time bound: the travel time from one or more sources to every
//! node of the graph.
//!
//! - [`ContractionHierarchy::one_to_all`] is PHAST (Delling, Goldberg, Nowatzyk, Werneck
//!   2011): an upward search from the sources over the hierarchy, then one sweep over all
//!   nodes from the top of the hierarchy down, each node taking the best of its downward
//!   edges. The sweep reads the nodes in rank order, which is their order in memory, so it
//!   is a linear scan with no heap.
//! - [`Dijkstra::one_to_all`] is the reference: Dijkstra's algorithm on the road graph,
//!   stopped past the bound.
//!
//! Both start at [`EdgePoint`]s exactly as point-to-point queries do (the partial edge from
//! the point to its edge's head, and to its twin's), each source with its own start time,
//! and compare (duration, distance) lexicographically, so both give every node the same
//! duration as a point-to-point query would.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::ch::{ContractionHierarchy, Dir};
use super::dijkstra::check_size;
use super::edge_point::{self, edge_weight, pack};
use super::search_space::INF;
use super::{Dijkstra, EdgePoint, RouteError};
use crate::graph::RoadGraph;
use crate::types::{Deciseconds, NodeId};

/// Time of a node that was not reached within the bound.
const UNREACHED: u32 = u32::MAX;

/// A source of a one-to-all search: a point on the road and the time the search leaves it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Source {
    /// Where the source is.
    pub point: EdgePoint,
    /// When it starts: added to every time reached from it.
    pub start: Deciseconds,
}

impl Source {
    /// A source leaving `point` at time 0.
    #[must_use]
    pub const fn new(point: EdgePoint) -> Self {
        Self {
            point,
            start: Deciseconds(0),
        }
    }
}

/// The travel time from the nearest source to every node reached within a bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReachedTimes {
    /// By graph node: deciseconds, or [`UNREACHED`].
    times: Vec<u32>,
    bound: Deciseconds,
}

impl ReachedTimes {
    /// The time at which `node` is reached, `None` when it is not reached within the bound
    /// (or is not a node of the graph).
    #[must_use]
    #[inline]
    pub fn get(&self, node: NodeId) -> Option<Deciseconds> {
        self.times
            .get(node.index())
            .copied()
            .filter(|&t| t != UNREACHED)
            .map(Deciseconds)
    }

    /// The bound of the search: no time above it is kept.
    #[must_use]
    pub fn bound(&self) -> Deciseconds {
        self.bound
    }

    /// Number of nodes reached within the bound.
    #[must_use]
    pub fn num_reached(&self) -> usize {
        self.times.iter().filter(|&&t| t != UNREACHED).count()
    }

    /// The time at which a point on the road is reached: through the tail of its edge (or of
    /// its twin) and along the edge, `None` when neither is reached within the bound or the
    /// point is not on the graph. (A point ahead of a source on the source's own edge is
    /// reached sooner along the edge; that is not looked at.)
    #[must_use]
    pub fn time_at(&self, graph: &RoadGraph, p: EdgePoint) -> Option<Deciseconds> {
        p.validate(graph).ok()?;
        edge_point::target_seeds(graph, p)
            .iter()
            .filter_map(|(_, s)| {
                let t = self.get(NodeId(s.node))?;
                let along = u32::try_from(s.weight >> 32).ok()?;
                Some(t.0.saturating_add(along))
            })
            .filter(|&t| t <= self.bound.0)
            .min()
            .map(Deciseconds)
    }

    /// Times by graph node index, `u32::MAX` for the unreached ones.
    #[must_use]
    pub fn as_slice(&self) -> &[u32] {
        &self.times
    }

    /// Keeps the durations of packed weights `w[v]` (by graph node) within `bound`.
    fn from_packed(packed: impl Iterator<Item = u64>, bound: Deciseconds) -> Self {
        let times = packed
            .map(|w| {
                let d = w >> 32;
                if w == INF || d > u64::from(bound.0) {
                    UNREACHED
                } else {
                    // d <= bound, a u32.
                    u32::try_from(d).unwrap_or(UNREACHED)
                }
            })
            .collect();
        Self { times, bound }
    }
}

/// The seeds of all sources: `(graph node, packed weight at it)`.
fn seeds(graph: &RoadGraph, sources: &[Source]) -> Result<Vec<(u32, u64)>, RouteError> {
    check_size(graph)?;
    let mut out = Vec::with_capacity(2 * sources.len());
    for s in sources {
        s.point.validate(graph)?;
        for (_, seed) in edge_point::source_seeds(graph, s.point).iter() {
            out.push((seed.node, seed.weight.saturating_add(pack(s.start.0, 0))));
        }
    }
    Ok(out)
}

impl ContractionHierarchy {
    /// Travel time from the nearest of `sources` (each leaving at its own start time) to
    /// every node, keeping the nodes reached within `bound`: PHAST, an upward search from the
    /// sources, then one sweep over all nodes from the top rank down. Allocates one array of
    /// 8 bytes per node.
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] / [`RouteError::InvalidFraction`] for a bad source,
    /// [`RouteError::GraphMismatch`] when `graph` is not the graph of the hierarchy.
    pub fn one_to_all(
        &self,
        graph: &RoadGraph,
        sources: &[Source],
        bound: Deciseconds,
    ) -> Result<ReachedTimes, RouteError> {
        self.check_graph(graph)?;
        let limit = pack(bound.0, u32::MAX);
        let n = self.num_nodes();
        let mut dist = vec![INF; n];
        let mut heap = BinaryHeap::new();
        for (v, w) in seeds(graph, sources)? {
            let r = self.rank[v as usize];
            if w <= limit && w < dist[r as usize] {
                dist[r as usize] = w;
                heap.push(Reverse((w, r)));
            }
        }
        // Upward search: every node above the sources, pruned at the bound.
        while let Some(Reverse((d, u))) = heap.pop() {
            if d != dist[u as usize] {
                continue;
            }
            for a in self.adjacency.arcs(u, Dir::Up) {
                let nd = d.saturating_add(a.weight);
                if nd <= limit && nd < dist[a.node as usize] {
                    dist[a.node as usize] = nd;
                    heap.push(Reverse((nd, a.node)));
                }
            }
        }
        // Downward sweep, from the top rank: every higher neighbour is final already.
        for v in (0..n).rev() {
            #[expect(clippy::cast_possible_truncation, reason = "n fits u32 (check_size)")]
            let arcs = self.adjacency.arcs(v as u32, Dir::Down);
            let mut best = dist[v];
            for a in arcs {
                let d = dist[a.node as usize].saturating_add(a.weight);
                if d < best {
                    best = d;
                }
            }
            dist[v] = best;
        }
        Ok(ReachedTimes::from_packed(
            self.rank.iter().map(|&r| dist[r as usize]),
            bound,
        ))
    }
}

impl Dijkstra<'_> {
    /// Travel time from the nearest of `sources` (each leaving at its own start time) to
    /// every node reached within `bound`: Dijkstra's algorithm stopped past the bound. The
    /// reference for [`ContractionHierarchy::one_to_all`]; on the graph without the closed
    /// edges when made [`Dijkstra::avoiding`] them (a source on a closed road still leaves
    /// along it).
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] / [`RouteError::InvalidFraction`] for a bad source.
    pub fn one_to_all(
        &self,
        sources: &[Source],
        bound: Deciseconds,
    ) -> Result<ReachedTimes, RouteError> {
        let g = self.graph();
        let limit = pack(bound.0, u32::MAX);
        let mut dist = vec![INF; g.num_nodes()];
        let mut heap = BinaryHeap::new();
        for (v, w) in seeds(g, sources)? {
            if w <= limit && w < dist[v as usize] {
                dist[v as usize] = w;
                heap.push(Reverse((w, v)));
            }
        }
        let (first_out, heads) = (g.first_out(), g.heads());
        while let Some(Reverse((d, u))) = heap.pop() {
            if d != dist[u as usize] {
                continue;
            }
            for e in first_out[u as usize]..first_out[u as usize + 1] {
                if self.is_closed(e) {
                    continue;
                }
                let v = heads[e as usize];
                let nd = d.saturating_add(edge_weight(g, e));
                if nd <= limit && nd < dist[v as usize] {
                    dist[v as usize] = nd;
                    heap.push(Reverse((nd, v)));
                }
            }
        }
        Ok(ReachedTimes::from_packed(dist.into_iter(), bound))
    }
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64;

    use super::*;
    use crate::routing::SearchSpace;
    use crate::routing::tests::random_graph;
    use crate::types::EdgeId;

    fn random_sources(rng: &mut Pcg64, g: &RoadGraph, k: usize) -> Vec<Source> {
        let m = u32::try_from(g.num_edges()).unwrap();
        (0..k)
            .map(|_| Source {
                point: EdgePoint::new(EdgeId(rng.random_range(0..m)), rng.random_range(0.0..=1.0)),
                start: Deciseconds(rng.random_range(0..300)),
            })
            .collect()
    }

    /// PHAST gives every node the reference's time, with one or several sources.
    #[test]
    fn phast_equals_bounded_dijkstra() {
        for seed in 0..6 {
            let g = random_graph(seed, 300, 600);
            let ch = ContractionHierarchy::build(&g).unwrap();
            let mut rng = Pcg64::seed_from_u64(seed);
            for k in [1, 1, 3] {
                let sources = random_sources(&mut rng, &g, k);
                let bound = Deciseconds(rng.random_range(0..20_000));
                let fast = ch.one_to_all(&g, &sources, bound).unwrap();
                let slow = Dijkstra::new(&g).one_to_all(&sources, bound).unwrap();
                assert_eq!(fast, slow, "seed {seed}, {sources:?}, {bound:?}");
            }
        }
    }

    /// A node's one-to-all time is the point-to-point duration to it.
    #[test]
    fn times_are_point_to_point_durations() {
        let g = random_graph(3, 200, 400);
        let ch = ContractionHierarchy::build(&g).unwrap();
        let mut space = SearchSpace::new(g.num_nodes());
        let from = EdgePoint::new(EdgeId(5), 0.3);
        let reached = ch
            .one_to_all(&g, &[Source::new(from)], Deciseconds(u32::MAX - 1))
            .unwrap();
        let mut checked = 0;
        for v in 0..g.num_nodes() {
            let node = NodeId(u32::try_from(v).unwrap());
            // A point at the very start of an out-edge of `node` is `node` itself.
            let Some(e) = g.out_edges(node).next() else {
                continue;
            };
            let to = EdgePoint::along(e, 0.0);
            let want = ch.query(&g, &mut space, from, to).unwrap();
            let got = reached.get(node);
            if let (Some(w), Some(t)) = (want, got) {
                // Reaching the point on `from`'s own edge directly may be faster.
                assert!(t >= w.duration, "{node:?}");
                checked += 1;
            } else {
                assert_eq!(want.map(|c| c.duration), got, "{node:?}");
            }
        }
        assert!(checked > 50);
    }

    #[test]
    fn bad_sources_are_errors() {
        let g = random_graph(1, 50, 80);
        let ch = ContractionHierarchy::build(&g).unwrap();
        let bad = Source::new(EdgePoint::new(EdgeId(9_999), 0.5));
        assert!(ch.one_to_all(&g, &[bad], Deciseconds(100)).is_err());
        let nan = Source::new(EdgePoint::new(EdgeId(0), f64::NAN));
        assert!(
            Dijkstra::new(&g)
                .one_to_all(&[nan], Deciseconds(100))
                .is_err()
        );
        let none = ch.one_to_all(&g, &[], Deciseconds(100)).unwrap();
        assert_eq!(none.num_reached(), 0);
    }
}
