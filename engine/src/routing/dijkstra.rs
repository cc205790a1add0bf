//! The reference: Dijkstra's algorithm on the road graph itself.
//!
//! [`Dijkstra::query`] and [`Dijkstra::route`] run a bidirectional search (forward over
//! out-edges, backward over in-edges, so one-way streets are respected) between two
//! [`EdgePoint`]s, started and ended exactly as every other algorithm here does (see
//! [`edge_point`](super::edge_point)). The search alternates directions by smallest key and
//! stops once the two smallest keys add up to the best meeting found (Dijkstra 1959; Pohl
//! 1971). [`Dijkstra::node_to_node`] is the plain one-directional search between nodes.
//! O((n + m) log n) per query; no allocation beyond the [`SearchSpace`].

use super::edge_point::{self, Seeds, edge_weight, unpack};
use super::path::build_path;
use super::search_space::{INF, NO_PARENT};
use super::{ClosedEdges, Cost, EdgePoint, Path, RouteError, SearchSpace};
use crate::graph::RoadGraph;
use crate::types::NodeId;

/// Parent label of a node reached straight from seed `i`: `SEED + i`. A point has at most
/// two directions with [`crate::graph::turns::MAX_STATES_PER_NODE`] copies of the edge each.
pub(crate) const SEED: u32 = u32::MAX - 1024;

/// Where the best route was found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Meet {
    /// Along one edge, without entering the graph: `(edge, source fraction, target fraction)`.
    Direct(u32, f64, f64),
    /// At a node labelled by both searches.
    Node(u32),
}

/// Checks that edge ids leave room for the seed labels.
pub(crate) fn check_size(graph: &RoadGraph) -> Result<(), RouteError> {
    let limit = SEED as usize;
    for (what, count) in [("edges", graph.num_edges()), ("nodes", graph.num_nodes())] {
        if count > limit {
            return Err(RouteError::TooLarge { what, count, limit });
        }
    }
    Ok(())
}

/// Checks that both ends of a node-to-node query are nodes of the graph.
pub(crate) fn check_nodes(graph: &RoadGraph, ends: [NodeId; 2]) -> Result<(), RouteError> {
    match ends.into_iter().find(|v| v.index() >= graph.num_nodes()) {
        Some(v) => Err(RouteError::UnknownNode {
            node: v.0,
            nodes: graph.num_nodes(),
        }),
        None => Ok(()),
    }
}

/// Labels the seeds of both ends and returns the best meeting among them.
pub(crate) fn start(
    space: &mut SearchSpace,
    src: &Seeds,
    dst: &Seeds,
    best: &mut (u64, Option<Meet>),
) {
    for (i, s) in src.iter() {
        space.fwd.relax(s.node, s.weight, SEED + i);
    }
    for (i, t) in dst.iter() {
        space.bwd.relax(t.node, t.weight, SEED + i);
    }
    for (_, t) in dst.iter() {
        let d = space
            .fwd
            .dist(t.node)
            .saturating_add(space.bwd.dist(t.node));
        if d < best.0 {
            *best = (d, Some(Meet::Node(t.node)));
        }
    }
}

/// The bidirectional Dijkstra reference over a [`RoadGraph`].
#[derive(Clone, Copy, Debug)]
pub struct Dijkstra<'g> {
    graph: &'g RoadGraph,
    /// Edges the search never relaxes (a closed road); the edges carrying the end points
    /// are still left and reached along (see [`ClosedEdges`]).
    closed: Option<&'g ClosedEdges>,
}

impl<'g> Dijkstra<'g> {
    /// The reference search over `graph`.
    #[must_use]
    pub fn new(graph: &'g RoadGraph) -> Self {
        Self {
            graph,
            closed: None,
        }
    }

    /// The same search on the graph without the `closed` edges: they are never relaxed,
    /// but a point lying on one is still left and reached along it ([`ClosedEdges`]).
    #[must_use]
    pub fn avoiding(mut self, closed: &'g ClosedEdges) -> Self {
        self.closed = Some(closed);
        self
    }

    /// Relaxes the open out-edges of `u`, settled at weight `d`, in the forward search.
    fn relax_forward(&self, space: &mut SearchSpace, u: u32, d: u64) {
        let g = self.graph;
        for e in g.first_out()[u as usize]..g.first_out()[u as usize + 1] {
            if !self.is_closed(e) {
                space.fwd.relax(
                    g.heads()[e as usize],
                    d.saturating_add(edge_weight(g, e)),
                    e,
                );
            }
        }
    }

    /// `true` when the search may not relax edge `e`.
    #[inline]
    pub(super) fn is_closed(&self, e: u32) -> bool {
        self.closed.is_some_and(|c| c.contains_raw(e))
    }

    /// The graph searched.
    pub(crate) fn graph(&self) -> &'g RoadGraph {
        self.graph
    }

    /// Cost of the fastest route from `from` to `to`, `None` when there is none.
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] / [`RouteError::InvalidFraction`] for a bad point,
    /// [`RouteError::LimitExceeded`] when a direction settles more nodes than the bound of
    /// `space`.
    pub fn query(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        Ok(self.search(space, from, to)?.map(|(w, _)| unpack(w)))
    }

    /// The fastest route from `from` to `to` with its edges and geometry, `None` when there
    /// is none.
    ///
    /// # Errors
    /// As [`Dijkstra::query`].
    pub fn route(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Path>, RouteError> {
        let Some((w, meet)) = self.search(space, from, to)? else {
            return Ok(None);
        };
        let g = self.graph;
        let node = match meet {
            Meet::Direct(e, fs, ft) => return Ok(Some(build_path(g, w, &[e], fs, ft))),
            Meet::Node(x) => x,
        };
        let src = edge_point::source_seeds(g, from);
        let dst = edge_point::target_seeds(g, to);
        let mut edges = Vec::new();
        let mut x = node;
        let mut p = space.fwd.parent(x);
        while p < SEED {
            edges.push(p);
            x = g.tails()[p as usize];
            p = space.fwd.parent(x);
        }
        let s = src
            .get(p.wrapping_sub(SEED))
            .expect("a forward label chain ends at a source seed");
        edges.push(s.edge);
        edges.reverse();
        let mut x = node;
        let mut p = space.bwd.parent(x);
        while p < SEED {
            edges.push(p);
            x = g.heads()[p as usize];
            p = space.bwd.parent(x);
        }
        let t = dst
            .get(p.wrapping_sub(SEED))
            .expect("a backward label chain ends at a target seed");
        edges.push(t.edge);
        Ok(Some(build_path(g, w, &edges, s.fraction, t.fraction)))
    }

    /// Packed weight and meeting of the best route.
    fn search(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<(u64, Meet)>, RouteError> {
        let g = self.graph;
        check_size(g)?;
        edge_point::validate_pair(g, from, to)?;
        let src = edge_point::source_seeds(g, from);
        let dst = edge_point::target_seeds(g, to);
        let mut best: (u64, Option<Meet>) = match edge_point::direct(g, from, to) {
            Some((w, e, fs, ft)) => (w, Some(Meet::Direct(e, fs, ft))),
            None => (INF, None),
        };
        space.reset(g.num_nodes());
        start(space, &src, &dst, &mut best);
        let limit = space.settle_limit();
        let (first_out, heads, tails) = (g.first_out(), g.heads(), g.tails());
        let (first_in, in_edges) = (g.first_in(), g.in_edge_ids());
        loop {
            let (kf, kb) = (
                space.fwd.peek().unwrap_or(INF),
                space.bwd.peek().unwrap_or(INF),
            );
            if kf == INF || kb == INF || kf.saturating_add(kb) >= best.0 {
                break;
            }
            if kf <= kb {
                let Some((d, u)) = space.fwd.pop(limit)? else {
                    break;
                };
                for e in first_out[u as usize]..first_out[u as usize + 1] {
                    if self.is_closed(e) {
                        continue;
                    }
                    let v = heads[e as usize];
                    let nd = d.saturating_add(edge_weight(g, e));
                    if space.fwd.relax(v, nd, e) {
                        let total = nd.saturating_add(space.bwd.dist(v));
                        if total < best.0 {
                            best = (total, Some(Meet::Node(v)));
                        }
                    }
                }
            } else {
                let Some((d, u)) = space.bwd.pop(limit)? else {
                    break;
                };
                for &e in
                    &in_edges[first_in[u as usize] as usize..first_in[u as usize + 1] as usize]
                {
                    if self.is_closed(e) {
                        continue;
                    }
                    let v = tails[e as usize];
                    let nd = d.saturating_add(edge_weight(g, e));
                    if space.bwd.relax(v, nd, e) {
                        let total = nd.saturating_add(space.fwd.dist(v));
                        if total < best.0 {
                            best = (total, Some(Meet::Node(v)));
                        }
                    }
                }
            }
        }
        Ok(best.1.map(|m| (best.0, m)))
    }

    /// Cost of the fastest route between two nodes (one-directional Dijkstra), `None` when
    /// `to` cannot be reached from `from`.
    ///
    /// # Errors
    /// [`RouteError::UnknownNode`] for a node not in the graph, [`RouteError::LimitExceeded`]
    /// past the settled-node bound of `space`.
    pub fn node_to_node(
        &self,
        space: &mut SearchSpace,
        from: NodeId,
        to: NodeId,
    ) -> Result<Option<Cost>, RouteError> {
        let g = self.graph;
        check_nodes(g, [from, to])?;
        space.reset(g.num_nodes());
        space.fwd.relax(from.0, 0, NO_PARENT);
        let limit = space.settle_limit();
        while let Some((d, u)) = space.fwd.pop(limit)? {
            if u == to.0 {
                return Ok(Some(unpack(d)));
            }
            self.relax_forward(space, u, d);
        }
        Ok(None)
    }

    /// Costs of the fastest routes from `from` to each of `targets` (`None`: no route), by
    /// one forward search that stops once every target is settled: the reference for a
    /// matrix row, and the fallback row of [`ClosedEdges`] routing.
    ///
    /// # Errors
    /// As [`Dijkstra::query`].
    pub fn one_to_many(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        targets: &[EdgePoint],
    ) -> Result<Vec<Option<Cost>>, RouteError> {
        let g = self.graph;
        check_size(g)?;
        from.validate(g)?;
        for t in targets {
            t.validate(g)?;
        }
        let mut best: Vec<u64> = targets
            .iter()
            .map(|&t| edge_point::direct(g, from, t).map_or(INF, |(w, ..)| w))
            .collect();
        let ends: Vec<Seeds> = targets
            .iter()
            .map(|&t| edge_point::target_seeds(g, t))
            .collect();
        space.reset(g.num_nodes());
        for (i, s) in edge_point::source_seeds(g, from).iter() {
            space.fwd.relax(s.node, s.weight, SEED + i);
        }
        // Every target is reached from at most two nodes: index them by node.
        let mut at: Vec<(u32, usize, u64)> = ends
            .iter()
            .enumerate()
            .flat_map(|(j, s)| s.iter().map(move |(_, t)| (t.node, j, t.weight)))
            .collect();
        at.sort_unstable_by_key(|&(v, ..)| v);
        let limit = space.settle_limit();
        while let Some(k) = space.fwd.peek() {
            // Settled keys only grow: once they pass every target's best, nothing improves.
            if best.iter().all(|&b| b <= k) {
                break;
            }
            let Some((d, u)) = space.fwd.pop(limit)? else {
                break;
            };
            let from_u = at.partition_point(|&(v, ..)| v < u);
            for &(_, j, w) in at[from_u..].iter().take_while(|&&(v, ..)| v == u) {
                best[j] = best[j].min(d.saturating_add(w));
            }
            self.relax_forward(space, u, d);
        }
        Ok(best
            .into_iter()
            .map(|w| (w != INF).then(|| unpack(w)))
            .collect())
    }
}
