//! The reference for routes that avoid some edges: Dijkstra's algorithm from the source
//! point over the edges left open.
//!
//! It answers what a [`CchMetric`](super::CchMetric) must answer, by the obvious method:
//! the same start and end rules as every search here (see [`edge_point`](super::edge_point)),
//! with a blocked edge neither entered nor used to leave or reach a point. One-directional,
//! `O((n + m) log n)` per query, bounded by the settled-node cap of the [`SearchSpace`].

use super::dijkstra::check_size;
use super::edge_point::{self, EdgePoint, edge_weight, unpack};
use super::search_space::{INF, NO_PARENT};
use super::{Cost, Dijkstra, RouteError, SearchSpace};
use crate::graph::RoadGraph;
use crate::types::EdgeId;

/// The best way along one open edge from `from` to `to` (target ahead of the source):
/// `(packed weight, edge, source fraction, target fraction)`.
pub(crate) fn direct_avoiding(
    graph: &RoadGraph,
    from: EdgePoint,
    to: EdgePoint,
    blocked: impl Fn(EdgeId) -> bool,
) -> Option<(u64, u32, f64, f64)> {
    let mut best: Option<(u64, u32, f64, f64)> = None;
    for a in from.directions(graph).into_iter().flatten() {
        if blocked(a.edge) {
            continue;
        }
        for b in to.directions(graph).into_iter().flatten() {
            if let Some(d) = edge_point::direct(graph, a, b)
                && best.is_none_or(|x| d.0 < x.0)
            {
                best = Some(d);
            }
        }
    }
    best
}

impl Dijkstra<'_> {
    /// Cost of the fastest route from `from` to `to` that uses no edge for which `blocked`
    /// is true, `None` when there is none: the reference for
    /// [`CchMetric::query`](super::CchMetric::query).
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] / [`RouteError::InvalidFraction`] for a bad point,
    /// [`RouteError::LimitExceeded`] past the settled-node bound of `space`.
    pub fn query_avoiding(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
        blocked: impl Fn(EdgeId) -> bool,
    ) -> Result<Option<Cost>, RouteError> {
        let g = self.graph();
        check_size(g)?;
        edge_point::validate_pair(g, from, to)?;
        let open = |e: u32| !blocked(EdgeId(e));
        let mut best = direct_avoiding(g, from, to, &blocked).map_or(INF, |d| d.0);
        space.reset(g.num_nodes());
        for (_, s) in edge_point::source_seeds(g, from).iter() {
            if open(s.edge) {
                space.fwd.relax(s.node, s.weight, NO_PARENT);
            }
        }
        let dst = edge_point::target_seeds(g, to);
        let limit = space.settle_limit();
        let (first_out, heads) = (g.first_out(), g.heads());
        while let Some((d, u)) = space.fwd.pop(limit)? {
            if d >= best {
                break;
            }
            for (_, t) in dst.iter() {
                if t.node == u && open(t.edge) {
                    best = best.min(d.saturating_add(t.weight));
                }
            }
            for e in first_out[u as usize]..first_out[u as usize + 1] {
                if open(e) {
                    let nd = d.saturating_add(edge_weight(g, e));
                    space.fwd.relax(heads[e as usize], nd, e);
                }
            }
        }
        Ok((best != INF).then(|| unpack(best)))
    }
}
