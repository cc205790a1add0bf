//! Which points only roads of excluded classes reach (a ferry, a motorway, a toll or an
//! unpaved road: OSRM's `exclude=` classes): a breadth-first search over the profile's
//! graph without the edges of those classes ([`RoadGraph::edge_excluded`]), and the excluded
//! road on a way there with every edge.
//!
//! The costs of a report come from the metric without those classes, which says only that
//! a point has no route; reachability alone needs no costs, and a breadth-first search over
//! the CSR is `O(n + m)`, a few milliseconds on a city. With every edge allowed the same
//! search keeps a parent edge per node, and the first excluded edge on the way back from a
//! point names the road that would be needed (a ferry first: the crossing).

use std::collections::VecDeque;

use crate::graph::RoadGraph;
use crate::osm::{ExcludeClass, ExcludeSet};
use crate::spatial::Snap;
use crate::types::{EdgeId, NodeId};

const UNSEEN: u32 = u32::MAX;
const SEED: u32 = u32::MAX - 1;

/// The nodes a breadth-first search reaches from a snapped origin, with the edge each was
/// first reached by.
#[derive(Debug)]
pub(crate) struct Reached {
    parent: Vec<u32>,
    origin_edge: EdgeId,
    origin_twin: Option<EdgeId>,
}

fn is_ferry(g: &RoadGraph, e: EdgeId) -> bool {
    g.edge_excluded(e, ExcludeSet::EMPTY.with(ExcludeClass::Ferry))
}

impl Reached {
    /// Searches from the ends of the origin's road it can leave by (its head, and its tail
    /// when the road is two-way), over the edges of no class in `exclude` (the empty set:
    /// every edge).
    pub(crate) fn search(g: &RoadGraph, origin: &Snap, exclude: ExcludeSet) -> Self {
        let open = |e: EdgeId| !g.edge_excluded(e, exclude);
        let mut parent = vec![UNSEEN; g.num_nodes()];
        let mut queue = VecDeque::new();
        let mut seeds = vec![g.edge_head(origin.edge)];
        if origin.twin.is_some() {
            seeds.push(g.edge_tail(origin.edge));
        }
        if open(origin.edge) {
            for s in seeds {
                if parent[s.index()] == UNSEEN {
                    parent[s.index()] = SEED;
                    queue.push_back(s);
                }
            }
        }
        while let Some(v) = queue.pop_front() {
            for e in g.out_edges(v) {
                let w = g.edge_head(e);
                if parent[w.index()] == UNSEEN && open(e) {
                    parent[w.index()] = e.0;
                    queue.push_back(w);
                }
            }
        }
        Self {
            parent,
            origin_edge: origin.edge,
            origin_twin: origin.twin,
        }
    }

    fn seen(&self, n: NodeId) -> bool {
        self.parent[n.index()] != UNSEEN
    }

    /// `true` when the search reaches the snapped point: it lies on the origin's road, or the
    /// search reaches a node its road is entered from (and the road is of no class of
    /// `exclude`, the set the search was made with: see [`Reached::search`]).
    pub(crate) fn reaches(&self, g: &RoadGraph, point: &Snap, exclude: ExcludeSet) -> bool {
        if point.edge == self.origin_edge || Some(point.edge) == self.origin_twin {
            return true;
        }
        if g.edge_excluded(point.edge, exclude) {
            return false;
        }
        self.seen(g.edge_tail(point.edge))
            || point.twin.is_some() && self.seen(g.edge_head(point.edge))
    }

    /// The first edge of a class of `exclude` on the search's way from the origin to the
    /// point's road (the point's own road when it is one and no other is on the way), a
    /// ferry before any other class; `None` when the way has none or the search does not
    /// reach the point.
    pub(crate) fn first_excluded(
        &self,
        g: &RoadGraph,
        point: &Snap,
        exclude: ExcludeSet,
    ) -> Option<EdgeId> {
        let ferries = exclude.contains(ExcludeClass::Ferry);
        let excluded = |e: EdgeId| g.edge_excluded(e, exclude);
        let mut first = excluded(point.edge).then_some(point.edge);
        let mut ferry = (ferries && is_ferry(g, point.edge)).then_some(point.edge);
        let start = [
            Some(g.edge_tail(point.edge)),
            point.twin.map(|_| g.edge_head(point.edge)),
        ]
        .into_iter()
        .flatten()
        .find(|&n| self.seen(n))?;
        let mut v = start;
        // A breadth-first tree: each node is walked once, so the walk ends.
        for _ in 0..g.num_nodes() {
            let pe = self.parent[v.index()];
            if pe == SEED {
                break;
            }
            let e = EdgeId(pe);
            if excluded(e) {
                first = Some(e);
                if ferries && is_ferry(g, e) {
                    ferry = Some(e);
                }
            }
            v = g.edge_tail(e);
        }
        ferry.or(first)
    }
}
