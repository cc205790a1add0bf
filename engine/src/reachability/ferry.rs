//! Which points only a ferry reaches: a breadth-first search over the profile's graph
//! without its ferry edges ([`FLAG_FERRY`]), and the ferry on a way there with them.
//!
//! The contraction hierarchy is built with ferries, so it cannot answer "without ferries";
//! reachability alone needs no costs, and a breadth-first search over the CSR is `O(n + m)`,
//! a few milliseconds on a city. With ferries allowed the same search keeps a parent edge per
//! node, and the first ferry on the way back from a point names the crossing.

use std::collections::VecDeque;

use crate::graph::{FLAG_FERRY, RoadGraph};
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
    g.edge_flags(e) & FLAG_FERRY != 0
}

impl Reached {
    /// Searches from the ends of the origin's road it can leave by (its head, and its tail
    /// when the road is two-way), over every edge or only the ones that are no ferry.
    pub(crate) fn search(g: &RoadGraph, origin: &Snap, ferries: bool) -> Self {
        let mut parent = vec![UNSEEN; g.num_nodes()];
        let mut queue = VecDeque::new();
        let mut seeds = vec![g.edge_head(origin.edge)];
        if origin.twin.is_some() {
            seeds.push(g.edge_tail(origin.edge));
        }
        if ferries || !is_ferry(g, origin.edge) {
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
                if parent[w.index()] == UNSEEN && (ferries || !is_ferry(g, e)) {
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
    /// search reaches a node its road is entered from (and the road is no ferry, when
    /// ferries are left out: see [`Reached::search`]).
    pub(crate) fn reaches(&self, g: &RoadGraph, point: &Snap, ferries: bool) -> bool {
        if point.edge == self.origin_edge || Some(point.edge) == self.origin_twin {
            return true;
        }
        if !ferries && is_ferry(g, point.edge) {
            return false;
        }
        self.seen(g.edge_tail(point.edge))
            || point.twin.is_some() && self.seen(g.edge_head(point.edge))
    }

    /// The first ferry edge on the search's way from the origin to the point's road (the
    /// point's own road when it is a ferry and no other is on the way); `None` when the
    /// way has none or the search does not reach the point.
    pub(crate) fn first_ferry(&self, g: &RoadGraph, point: &Snap) -> Option<EdgeId> {
        let mut ferry = is_ferry(g, point.edge).then_some(point.edge);
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
            if is_ferry(g, e) {
                ferry = Some(e);
            }
            v = g.edge_tail(e);
        }
        ferry
    }
}
