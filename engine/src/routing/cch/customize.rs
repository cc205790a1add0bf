//! Customization: edge weights in, arc weights of the chordal supergraph out.

use rayon::prelude::*;

use super::super::ch::graph_fingerprint;
use super::super::edge_point::edge_weight;
use super::super::search_space::INF;
use super::super::{ClosedEdges, RouteError};
use super::{Cch, DOWN_BIT, NONE};
use crate::graph::RoadGraph;
use crate::types::EdgeId;

/// Bit of a `via` entry that holds an original edge id (else it holds a middle node).
pub(super) const EDGE_BIT: u32 = 1 << 31;

/// The weights of a [`Cch`] for one set of blocked edges: immutable, `Send` and `Sync`,
/// shareable across threads (an `Arc<CchMetric>` per set of closures or excluded classes).
///
/// For each arc `{v, w}` (`v` below `w`) it holds the packed weight of the best way `v → w`
/// (*up*) and `w → v` (*down*) through nodes below both, and how that way unpacks: an
/// original edge, or the middle node of a lower triangle. Infinite where there is none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CchMetric {
    pub(super) fingerprint: u32,
    pub(super) up: Vec<u64>,
    pub(super) down: Vec<u64>,
    pub(super) up_via: Vec<u32>,
    pub(super) down_via: Vec<u32>,
    /// One bit per original edge: set when the edge is blocked.
    blocked: Vec<u64>,
    num_blocked: usize,
    /// Elimination-tree labels, when made ([`CchMetric::with_labels`]).
    pub(super) labels: Option<Box<super::labels::Labels>>,
}

impl CchMetric {
    /// Whether an original edge is blocked in this metric.
    #[must_use]
    pub fn is_blocked(&self, e: EdgeId) -> bool {
        self.blocked
            .get(e.index() / 64)
            .is_some_and(|w| w >> (e.index() % 64) & 1 == 1)
    }

    /// Number of blocked original edges.
    #[must_use]
    pub fn num_blocked(&self) -> usize {
        self.num_blocked
    }

    /// Heap memory of the metric in bytes.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.up.len() * 8 * 2
            + self.up_via.len() * 4 * 2
            + self.blocked.len() * 8
            + self.labels.as_ref().map_or(0, |l| l.heap_bytes())
    }
}

/// The working weights of one arc: up, down, and how each unpacks.
#[derive(Clone, Copy, Debug)]
struct ArcWeight {
    up: u64,
    down: u64,
    up_via: u32,
    down_via: u32,
}

impl Cch {
    /// The metric of the graph's own weights (packed duration and distance) with the edges
    /// for which `blocked` is true taken out (infinite). Runs the basic customization in
    /// parallel on the rayon pool; cost `O(lower triangles)`, far below a rebuild.
    ///
    /// # Errors
    /// [`RouteError::GraphMismatch`] when `graph` is not the graph this structure was built
    /// for (other size or other weights).
    pub fn customize(
        &self,
        graph: &RoadGraph,
        blocked: impl Fn(EdgeId) -> bool,
    ) -> Result<CchMetric, RouteError> {
        self.customize_inner(graph, blocked, |_| false)
    }

    /// As [`Cch::customize`], with the `closed` edges also taken out of the routes but
    /// not of their ends: a point on a closed road is still left and reached along it, as
    /// [`Dijkstra::avoiding`](super::super::Dijkstra::avoiding) does ([`ClosedEdges`]).
    /// [`CchMetric::is_blocked`] stays false for a closed edge that `blocked` leaves open.
    ///
    /// # Errors
    /// As [`Cch::customize`]; [`RouteError::GraphMismatch`] also when `closed` was made for
    /// another graph.
    pub fn customize_closed(
        &self,
        graph: &RoadGraph,
        blocked: impl Fn(EdgeId) -> bool,
        closed: &ClosedEdges,
    ) -> Result<CchMetric, RouteError> {
        if !closed.fits(graph) {
            return Err(RouteError::GraphMismatch {
                what: "closed edges",
                found: closed.len() as u64,
                expected: graph.num_edges() as u64,
            });
        }
        self.customize_inner(graph, blocked, |e| closed.contains(e))
    }

    /// The customization: `blocked` edges weigh infinity and carry no end point; `closed`
    /// ones weigh infinity only.
    fn customize_inner(
        &self,
        graph: &RoadGraph,
        blocked: impl Fn(EdgeId) -> bool,
        closed: impl Fn(EdgeId) -> bool,
    ) -> Result<CchMetric, RouteError> {
        self.check_graph(graph)?;
        let fingerprint = graph_fingerprint(graph);
        if fingerprint != self.fingerprint {
            return Err(RouteError::GraphMismatch {
                what: "graph fingerprint",
                found: u64::from(self.fingerprint),
                expected: u64::from(fingerprint),
            });
        }
        let m = self.head.len();
        let mut w = vec![
            ArcWeight {
                up: INF,
                down: INF,
                up_via: NONE,
                down_via: NONE,
            };
            m
        ];
        let mut bits = vec![0u64; graph.num_edges().div_ceil(64)];
        let mut num_blocked = 0;
        for (e, &arc) in (0u32..).zip(&self.edge_arc) {
            if blocked(EdgeId(e)) {
                bits[e as usize / 64] |= 1 << (e % 64);
                num_blocked += 1;
                continue;
            }
            if arc == NONE || closed(EdgeId(e)) {
                continue;
            }
            let weight = edge_weight(graph, e);
            let a = &mut w[(arc & !DOWN_BIT) as usize];
            if arc & DOWN_BIT == 0 {
                if weight < a.up {
                    (a.up, a.up_via) = (weight, e | EDGE_BIT);
                }
            } else if weight < a.down {
                (a.down, a.down_via) = (weight, e | EDGE_BIT);
            }
        }
        self.basic_customization(&mut w);
        Ok(CchMetric {
            fingerprint,
            up: w.iter().map(|a| a.up).collect(),
            down: w.iter().map(|a| a.down).collect(),
            up_via: w.iter().map(|a| a.up_via).collect(),
            down_via: w.iter().map(|a| a.down_via).collect(),
            blocked: bits,
            num_blocked,
            labels: None,
        })
    }

    /// Lower triangles, level by level: the arcs of a node depend only on arcs of nodes of
    /// lower levels, so the nodes of one level are customized in parallel.
    fn basic_customization(&self, w: &mut [ArcWeight]) {
        for l in 0..self.first_level.len().saturating_sub(1) {
            let nodes =
                &self.levels[self.first_level[l] as usize..self.first_level[l + 1] as usize];
            if nodes
                .iter()
                .all(|&x| self.first_below[x as usize] == self.first_below[x as usize + 1])
            {
                continue;
            }
            let read: &[ArcWeight] = w;
            let updated: Vec<Vec<ArcWeight>> = nodes
                .par_iter()
                .with_min_len(64)
                .map(|&x| self.customize_node(read, x))
                .collect();
            for (&x, arcs) in nodes.iter().zip(updated) {
                w[self.arcs_of(x)].copy_from_slice(&arcs);
            }
        }
    }

    /// The new weights of the arcs of `x`: each lower neighbour `v` of `x` closes a triangle
    /// `{v, x, y}` with every higher neighbour `y > x` of `v` (an arc of `x`, by chordality).
    fn customize_node(&self, w: &[ArcWeight], x: u32) -> Vec<ArcWeight> {
        let mine = self.arcs_of(x);
        let mut out = w[mine.clone()].to_vec();
        let heads = &self.head[mine];
        for &vx in &self.below
            [self.first_below[x as usize] as usize..self.first_below[x as usize + 1] as usize]
        {
            let v = self.tail[vx as usize];
            let (x_to_v, v_to_x) = (w[vx as usize].down, w[vx as usize].up);
            if x_to_v == INF && v_to_x == INF {
                continue;
            }
            let mut k = 0;
            let above = vx as usize + 1..self.arcs_of(v).end;
            for (&y, wy) in self.head[above.clone()].iter().zip(&w[above]) {
                while heads[k] != y {
                    k += 1;
                }
                let o = &mut out[k];
                let up = x_to_v.saturating_add(wy.up);
                if up < o.up {
                    (o.up, o.up_via) = (up, v);
                }
                let down = wy.down.saturating_add(v_to_x);
                if down < o.down {
                    (o.down, o.down_via) = (down, v);
                }
            }
        }
        out
    }
}
