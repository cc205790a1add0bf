//! Routing with some roads closed, without rebuilding anything: the seam between the
//! searches that serve queries and the edges closed at run time.
//!
//! [`ClosedEdges`] is a set of directed edges of one graph (a bitset, `O(1)` membership).
//! A route *avoids* it when none of its edges is closed, except the first and the last: a
//! point that lies on a closed road is still left and reached along it (people at home on a
//! closed street can still leave it; a closure stops traffic *through* the road).
//!
//! [`RoutingView`] is what the dispatch layer asks of a profile: a cost, a route, a matrix.
//! [`AvoidingClosed`] answers it over any view of the full network (a contraction
//! hierarchy, hub labels) with the closed edges taken out, exactly:
//! - a point-to-point query takes the full network's route; if that route avoids the closed
//!   edges it is also the fastest without them (removing edges never makes a route faster),
//!   else it is answered again by bidirectional Dijkstra on the graph that skips the closed
//!   edges ([`Dijkstra::avoiding`]);
//! - a matrix takes the full network's cells, then proves each cell unaffected when every
//!   route through a closed edge `e` is strictly slower: `d(s, tail e) + w(e) + d(head e, t)
//!   > d(s, t)` for every closed `e` (the two extra matrices, sources → closed tails and
//!   closed edges → targets, come from the fast view too). The cells left unproven are
//!   answered by one-to-many Dijkstra per source ([`Dijkstra::one_to_many`]).
//!
//! A customizable contraction hierarchy would implement [`RoutingView`] directly (with the
//! closed edges' weights set to infinity and re-customised) and replace this fallback.
//!
//! Costs: a point-to-point query costs one hierarchy route (with unpacking) when the route
//! avoids the closures, plus one Dijkstra search when it does not. A matrix of `S × T`
//! cells with `K` closed edges costs the two extra matrices (`S × K`, `K × T`), an `S·T·K`
//! check, and one Dijkstra search per source with an unproven cell.

use rayon::prelude::*;

use super::edge_point::{EdgePoint, pack};
use super::per_worker::PerWorker;
use super::search_space::INF;
use super::{Cost, Dijkstra, Path, RouteError, SearchSpace, TravelMatrix};
use crate::graph::RoadGraph;
use crate::types::EdgeId;

/// Closed edges beyond which a matrix skips the proof and searches every row again (the
/// proof's extra matrices and its `S·T·K` check would cost more than the searches).
pub const PROOF_MAX_CLOSED_EDGES: usize = 4_096;

/// Closed edges up to which a cost query of a view with fast costs (hub labels) proves its
/// answer by cost lookups (`2K + 1` of them) instead of unpacking a route.
pub const COST_PROOF_MAX_CLOSED_EDGES: usize = 8;

/// A set of closed directed edges of one graph.
///
/// # Examples
/// ```
/// use engine::graph::{GraphBuilder, Segment};
/// use engine::routing::ClosedEdges;
/// use engine::types::{Deciseconds, EdgeId, LonLat, Meters, NodeId, OsmNodeId, OsmWayId};
///
/// let mut b = GraphBuilder::new("car");
/// for i in 0..2 {
///     b.add_node(OsmNodeId(i), LonLat::new(0.001 * i as f64, 0.0));
/// }
/// b.add_segment(&Segment {
///     tail: NodeId(0), head: NodeId(1), forward: Some(Deciseconds(100)), backward: None,
///     distance: Meters(110), way: OsmWayId(1), name: "", flags: 0, geometry: &[],
/// })?;
/// let g = b.build()?;
/// let closed = ClosedEdges::new(&g, [EdgeId(0)])?;
/// assert!(closed.contains(EdgeId(0)));
/// assert_eq!(closed.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClosedEdges {
    /// One bit per edge of the graph.
    bits: Vec<u64>,
    /// The closed edges, sorted, without duplicates.
    edges: Vec<EdgeId>,
    /// Number of edges of the graph the set was made for.
    num_edges: usize,
}

impl ClosedEdges {
    /// The set of `edges` (duplicates allowed) of `graph`, each with the other copies of its
    /// road made for turn restrictions ([`RoadGraph::edge_copies`]).
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] for an edge not in the graph.
    pub fn new(
        graph: &RoadGraph,
        edges: impl IntoIterator<Item = EdgeId>,
    ) -> Result<Self, RouteError> {
        let m = graph.num_edges();
        let mut bits = vec![0u64; m.div_ceil(64)];
        let mut list = Vec::new();
        for e in edges {
            if e.index() >= m {
                return Err(RouteError::UnknownEdge {
                    edge: e.0,
                    edges: m,
                });
            }
            // A road closed is closed in every state of its junctions: the original edge and
            // each copy made for turn restrictions.
            let original = graph.original_edge(e);
            for e in std::iter::once(original).chain(graph.edge_copies(original)) {
                let (word, bit) = (e.index() / 64, e.0 % 64);
                if bits[word] & (1 << bit) == 0 {
                    bits[word] |= 1 << bit;
                    list.push(e);
                }
            }
        }
        list.sort_unstable();
        Ok(Self {
            bits,
            edges: list,
            num_edges: m,
        })
    }

    /// `true` when `e` is closed.
    #[must_use]
    #[inline]
    pub fn contains(&self, e: EdgeId) -> bool {
        self.contains_raw(e.0)
    }

    #[inline]
    pub(crate) fn contains_raw(&self, e: u32) -> bool {
        self.bits
            .get(e as usize / 64)
            .is_some_and(|w| w & (1 << (e % 64)) != 0)
    }

    /// The closed edges, by increasing id.
    #[must_use]
    pub fn edges(&self) -> &[EdgeId] {
        &self.edges
    }

    /// Number of closed edges.
    #[must_use]
    pub fn len(&self) -> usize {
        self.edges.len()
    }

    /// `true` when no edge is closed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// `true` when the set was made for a graph of this size (a cheap guard against using
    /// it on another graph).
    #[must_use]
    pub fn fits(&self, graph: &RoadGraph) -> bool {
        self.num_edges == graph.num_edges()
    }

    /// `true` when `path` drives through a closed edge (its first and last edges, which
    /// carry the end points, do not count).
    #[must_use]
    pub fn blocks(&self, path: &Path) -> bool {
        let inner = path.edges.len().saturating_sub(1);
        path.edges
            .iter()
            .take(inner)
            .skip(1)
            .any(|&e| self.contains(e))
    }
}

/// The routing answers a profile gives: the interface a view of the network with or without
/// closures implements (the full hierarchy, [`AvoidingClosed`], later a customised
/// hierarchy).
pub trait RoutingView: Sync {
    /// The graph the view routes on.
    fn graph(&self) -> &RoadGraph;

    /// Cost of the fastest route, `None` when there is none.
    ///
    /// # Errors
    /// As [`Dijkstra::query`].
    fn cost(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError>;

    /// `true` when [`RoutingView::cost`] is a lookup (hub labels) rather than a search, so
    /// that a few extra costs are cheaper than unpacking a route.
    fn has_fast_costs(&self) -> bool {
        false
    }

    /// The fastest route with its edges and geometry, `None` when there is none.
    ///
    /// # Errors
    /// As [`Dijkstra::route`].
    fn route(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Path>, RouteError>;

    /// The travel matrix from every source to every target.
    ///
    /// # Errors
    /// As [`super::ContractionHierarchy::matrix`].
    fn matrix(
        &self,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
        settle_limit: usize,
    ) -> Result<TravelMatrix, RouteError>;
}

/// A view of the full network with some edges closed (see the module docs): the fast
/// answer where it is provably right, Dijkstra on the graph without the closed edges where
/// it is not.
#[derive(Clone, Copy, Debug)]
pub struct AvoidingClosed<'a, V> {
    full: &'a V,
    closed: &'a ClosedEdges,
}

impl<'a, V: RoutingView> AvoidingClosed<'a, V> {
    /// `full` without the `closed` edges.
    #[must_use]
    pub fn new(full: &'a V, closed: &'a ClosedEdges) -> Self {
        Self { full, closed }
    }

    fn dijkstra(&self) -> Dijkstra<'a> {
        Dijkstra::new(self.full.graph()).avoiding(self.closed)
    }
}

impl<V: RoutingView> RoutingView for AvoidingClosed<'_, V> {
    fn graph(&self) -> &RoadGraph {
        self.full.graph()
    }

    fn cost(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        if !self.full.has_fast_costs() || self.closed.len() > COST_PROOF_MAX_CLOSED_EDGES {
            return Ok(self.route(space, from, to)?.as_ref().map(Path::cost));
        }
        // The proof of `matrix`, for one cell: every route through a closed edge is slower.
        let Some(best) = self.full.cost(space, from, to)? else {
            return Ok(None);
        };
        let packed = |c: Cost| pack(c.duration.0, c.distance.0);
        for &e in self.closed.edges() {
            let at = EdgePoint::along(e, 0.0);
            if let (Some(a), Some(b)) = (
                self.full.cost(space, from, at)?,
                self.full.cost(space, at, to)?,
            ) && packed(a).saturating_add(packed(b)) <= packed(best)
            {
                return self.dijkstra().query(space, from, to);
            }
        }
        Ok(Some(best))
    }

    fn route(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Path>, RouteError> {
        match self.full.route(space, from, to)? {
            Some(p) if self.closed.blocks(&p) => self.dijkstra().route(space, from, to),
            // No route at all stays no route with fewer edges; an avoiding route stays best.
            other => Ok(other),
        }
    }

    fn matrix(
        &self,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
        settle_limit: usize,
    ) -> Result<TravelMatrix, RouteError> {
        let mut m = self.full.matrix(sources, targets, settle_limit)?;
        if self.closed.is_empty() || m.num_sources() == 0 || m.num_targets() == 0 {
            return Ok(m);
        }
        let unproven = if self.closed.len() > PROOF_MAX_CLOSED_EDGES {
            vec![true; sources.len() * targets.len()]
        } else {
            self.unproven(&m, sources, targets, settle_limit)?
        };
        let dijkstra = self.dijkstra();
        let n = self.full.graph().num_nodes();
        let pool = PerWorker::new(|| SearchSpace::new(n).with_settle_limit(settle_limit));
        let cols = targets.len();
        m.rows_mut()
            .zip(sources)
            .zip(unproven.par_chunks(cols))
            .try_for_each(|((row, &from), open)| {
                if !open.contains(&true) {
                    return Ok(());
                }
                let picked: Vec<usize> = (0..cols).filter(|&j| open[j]).collect();
                let to: Vec<EdgePoint> = picked.iter().map(|&j| targets[j]).collect();
                let costs = pool.with(|space| dijkstra.one_to_many(space, from, &to))?;
                for (&j, c) in picked.iter().zip(costs) {
                    row[j] = c.map_or(INF, |c| pack(c.duration.0, c.distance.0));
                }
                Ok(())
            })?;
        Ok(m)
    }
}

impl<V: RoutingView> AvoidingClosed<'_, V> {
    /// For each cell (row-major), `true` unless every route through a closed edge is
    /// strictly slower than the cell's full-network route (or the cell has no route).
    fn unproven(
        &self,
        m: &TravelMatrix,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
        settle_limit: usize,
    ) -> Result<Vec<bool>, RouteError> {
        // A point at the tail of a closed edge, travelled along it: reaching it costs
        // d(s, tail e); leaving it costs w(e) + d(head e, t).
        let at_tails: Vec<EdgePoint> = self
            .closed
            .edges()
            .iter()
            .map(|&e| EdgePoint::along(e, 0.0))
            .collect();
        let to_tails = self.full.matrix(sources, &at_tails, settle_limit)?;
        let through = self.full.matrix(&at_tails, targets, settle_limit)?;
        let k = at_tails.len();
        let mut out = Vec::with_capacity(sources.len() * targets.len());
        for i in 0..sources.len() {
            let a: Vec<u64> = (0..k).map(|e| to_tails.packed(i, e)).collect();
            for j in 0..targets.len() {
                let cell = m.packed(i, j);
                if cell == INF {
                    out.push(false);
                    continue;
                }
                let detour = (0..k)
                    .map(|e| a[e].saturating_add(through.packed(e, j)))
                    .min()
                    .unwrap_or(INF);
                out.push(detour <= cell);
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
#[path = "closed_tests.rs"]
mod tests;
