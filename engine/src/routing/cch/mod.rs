//! Customizable contraction hierarchies (Dibbelt, Strasser, Wagner 2016, "Customizable
//! Contraction Hierarchies", ACM JEA 21).
//!
//! A [`Cch`] is built once per graph and knows nothing of weights: a nested-dissection node
//! order (inertial flow, see `order.rs`), and the *chordal supergraph* obtained by
//! eliminating the nodes in that order: every node's higher neighbours form a clique, so the
//! edges inserted (shortcuts) depend only on the order. Each undirected arc `{v, w}` with
//! `v` below `w` has two weights in a metric: *up* (driving `v → w`) and *down* (`w → v`).
//! The *elimination tree* links each node to its lowest higher neighbour; every higher
//! neighbour of a node is one of its ancestors.
//!
//! [`Cch::customize`] turns edge weights (the graph's packed duration and distance, a blocked
//! edge weighing infinity) into a [`CchMetric`]: original edges give the arcs' first
//! weights, then the *basic customization* takes every lower triangle `{u, v, w}` (`u`
//! below both) into account, `up(v, w) ≤ down(u, v) + up(u, w)`, level by level of the
//! elimination tree so that nodes of one level run in parallel (rayon). The metric records
//! for each arc and direction the middle node of its best triangle (or the original edge),
//! so a route unpacks to original [`EdgeId`](crate::types::EdgeId)s.
//!
//! A query ([`CchMetric::route`], [`CchMetric::query`]) walks the elimination tree upwards
//! from the source (relaxing up weights) and from the target (down weights), in increasing
//! rank, with no priority queue; the best sum at a common ancestor is the exact shortest
//! route, the same cost to the decisecond and the metre as [`Dijkstra`](super::Dijkstra) on
//! the graph without the blocked edges. [`CchMetric::matrix`] is the bucket algorithm over
//! the same walks. Sources and targets are [`EdgePoint`](super::EdgePoint)s; a direction of a
//! point whose edge is blocked is not used.
//!
//! Costs (Porto car graph, see BENCHMARKS.md): order and supergraph once per graph; a
//! customization is `O(triangles)` and runs in well under a second, so a new set of closed
//! edges gives a new metric without touching the order.

mod customize;
mod labels;
mod order;
mod query;
mod table;

pub use customize::CchMetric;
pub use labels::{DEFAULT_LABEL_ENTRIES, LABEL_CELLS_PER_POINT};
pub use query::CchSpace;

use super::RouteError;
use super::ch::graph_fingerprint;
use super::dijkstra::check_size;
use crate::graph::RoadGraph;

/// No node / no arc.
const NONE: u32 = u32::MAX;
/// Bit of [`Cch::edge_arc`] for an original edge that runs from the higher node down.
const DOWN_BIT: u32 = 1 << 31;

/// The metric-independent part of a customizable contraction hierarchy of one
/// [`RoadGraph`]: node order, chordal supergraph, elimination tree. Immutable, `Send` and
/// `Sync`; build it once and customize it as often as edge weights change.
///
/// # Examples
/// ```
/// use engine::graph::{GraphBuilder, Segment};
/// use engine::routing::{Cch, CchSpace, EdgePoint};
/// use engine::types::{Deciseconds, EdgeId, LonLat, Meters, NodeId, OsmNodeId, OsmWayId};
///
/// let mut b = GraphBuilder::new("car");
/// for i in 0..3 {
///     b.add_node(OsmNodeId(i), LonLat::new(0.001 * i as f64, 0.0));
/// }
/// for (t, h) in [(0, 1), (1, 2)] {
///     b.add_segment(&Segment {
///         tail: NodeId(t), head: NodeId(h), forward: Some(Deciseconds(100)), backward: None,
///         distance: Meters(110), way: OsmWayId(1), name: "", flags: 0, geometry: &[],
///     })?;
/// }
/// let g = b.build()?;
/// let cch = Cch::build(&g)?;
/// let open = cch.customize(&g, |_| false)?;
/// let mut space = CchSpace::new(&cch);
/// let (from, to) = (EdgePoint::new(EdgeId(0), 0.5), EdgePoint::new(EdgeId(1), 0.5));
/// let path = open.route(&cch, &g, &mut space, from, to)?.expect("reachable");
/// assert_eq!(path.duration, Deciseconds(100));
/// assert_eq!(path.edges, vec![EdgeId(0), EdgeId(1)]);
/// // Closing the second edge leaves no route.
/// let closed = cch.customize(&g, |e| e == EdgeId(1))?;
/// assert_eq!(closed.route(&cch, &g, &mut space, from, to)?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cch {
    num_edges: u32,
    fingerprint: u32,
    /// Place of each graph node in the elimination order: its name inside the hierarchy.
    rank: Vec<u32>,
    /// `first[v]..first[v + 1]` are the arcs of `v` to its higher neighbours (by rank).
    first: Vec<u32>,
    /// The higher end of each arc, increasing within a node.
    head: Vec<u32>,
    /// The lower end of each arc.
    tail: Vec<u32>,
    /// Elimination-tree parent (lowest higher neighbour) of each node, [`NONE`] at a root.
    parent: Vec<u32>,
    /// `first_below[v]..first_below[v + 1]` index `below`: the arcs whose higher end is `v`.
    first_below: Vec<u32>,
    below: Vec<u32>,
    /// Arc of each original edge, with [`DOWN_BIT`] when it runs downwards; [`NONE`] for a
    /// loop.
    edge_arc: Vec<u32>,
    /// Nodes grouped by elimination-tree level (a node lies above all its lower
    /// neighbours): `levels[first_level[l]..first_level[l + 1]]`.
    first_level: Vec<u32>,
    levels: Vec<u32>,
}

impl Cch {
    /// Orders the graph by nested dissection and builds the chordal supergraph.
    ///
    /// # Errors
    /// [`RouteError::TooLarge`] when the graph or its supergraph has too many nodes or arcs
    /// for the `u32` ids (2³¹ arcs).
    pub fn build(graph: &RoadGraph) -> Result<Self, RouteError> {
        check_size(graph)?;
        let order = order::nested_dissection(graph);
        Self::with_order(graph, &order)
    }

    /// The supergraph for a given elimination order (`order[i]` is eliminated `i`-th).
    fn with_order(graph: &RoadGraph, order: &[u32]) -> Result<Self, RouteError> {
        let n = graph.num_nodes();
        let mut rank = vec![0u32; n];
        for (r, &v) in (0u32..).zip(order) {
            rank[v as usize] = r;
        }
        // Higher neighbours of each node, then elimination: the higher neighbours of `v`
        // except its parent join the parent's (Rose, Tarjan, Lueker 1976).
        let mut upper: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (&t, &h) in graph.tails().iter().zip(graph.heads()) {
            let (a, b) = (rank[t as usize], rank[h as usize]);
            if a != b {
                upper[a.min(b) as usize].push(a.max(b));
            }
        }
        let mut parent = vec![NONE; n];
        for v in 0..n {
            let mut up = std::mem::take(&mut upper[v]);
            up.sort_unstable();
            up.dedup();
            if let Some((&p, rest)) = up.split_first() {
                parent[v] = p;
                let merged = merge_sorted(&upper[p as usize], rest);
                upper[p as usize] = merged;
            }
            upper[v] = up;
        }
        let arcs: usize = upper.iter().map(Vec::len).sum();
        if arcs >= DOWN_BIT as usize {
            return Err(RouteError::TooLarge {
                what: "hierarchy arcs",
                count: arcs,
                limit: DOWN_BIT as usize - 1,
            });
        }
        let mut first = Vec::with_capacity(n + 1);
        let (mut head, mut tail) = (Vec::with_capacity(arcs), Vec::with_capacity(arcs));
        first.push(0u32);
        for (v, up) in (0u32..).zip(&upper) {
            head.extend_from_slice(up);
            tail.extend(std::iter::repeat_n(v, up.len()));
            first.push(u32::try_from(head.len()).expect("arcs checked above"));
        }
        drop(upper);
        let mut cch = Self {
            num_edges: u32::try_from(graph.num_edges()).expect("checked by check_size"),
            fingerprint: graph_fingerprint(graph),
            rank,
            first,
            head,
            tail,
            parent,
            first_below: Vec::new(),
            below: Vec::new(),
            edge_arc: Vec::new(),
            first_level: Vec::new(),
            levels: Vec::new(),
        };
        cch.index_below();
        cch.index_levels();
        cch.edge_arc = graph
            .tails()
            .iter()
            .zip(graph.heads())
            .map(|(&t, &h)| {
                let (a, b) = (cch.rank[t as usize], cch.rank[h as usize]);
                match a.cmp(&b) {
                    std::cmp::Ordering::Less => cch.arc(a, b).expect("every edge is an arc"),
                    std::cmp::Ordering::Greater => {
                        cch.arc(b, a).expect("every edge is an arc") | DOWN_BIT
                    }
                    std::cmp::Ordering::Equal => NONE,
                }
            })
            .collect();
        Ok(cch)
    }

    /// Fills `first_below` / `below`: the arcs entering each node from below.
    fn index_below(&mut self) {
        let n = self.rank.len();
        let mut first = vec![0u32; n + 1];
        for &h in &self.head {
            first[h as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut below = vec![0u32; self.head.len()];
        for (a, &h) in (0u32..).zip(&self.head) {
            below[fill[h as usize] as usize] = a;
            fill[h as usize] += 1;
        }
        self.first_below = first;
        self.below = below;
    }

    /// Groups the nodes by level: 0 without lower neighbours, else one above the highest
    /// level among them.
    fn index_levels(&mut self) {
        let n = self.rank.len();
        let mut level = vec![0u32; n];
        for v in 0..n {
            for a in self.first[v] as usize..self.first[v + 1] as usize {
                let w = self.head[a] as usize;
                level[w] = level[w].max(level[v] + 1);
            }
        }
        let levels = level.iter().max().map_or(0, |&l| l as usize + 1);
        let mut first = vec![0u32; levels + 1];
        for &l in &level {
            first[l as usize + 1] += 1;
        }
        for i in 0..levels {
            first[i + 1] += first[i];
        }
        let mut fill = first.clone();
        let mut nodes = vec![0u32; n];
        for (v, &l) in (0u32..).zip(&level) {
            nodes[fill[l as usize] as usize] = v;
            fill[l as usize] += 1;
        }
        self.first_level = first;
        self.levels = nodes;
    }

    /// The arc from `low` up to `high`, if the supergraph has it.
    fn arc(&self, low: u32, high: u32) -> Option<u32> {
        let r = self.arcs_of(low);
        let i = self.head[r.clone()].binary_search(&high).ok()?;
        u32::try_from(r.start + i).ok()
    }

    /// Range of the arcs of `v` to its higher neighbours.
    #[inline]
    fn arcs_of(&self, v: u32) -> std::ops::Range<usize> {
        self.first[v as usize] as usize..self.first[v as usize + 1] as usize
    }

    /// Number of nodes.
    #[must_use]
    pub fn num_nodes(&self) -> usize {
        self.rank.len()
    }

    /// Number of undirected arcs of the chordal supergraph (original edges and shortcuts).
    #[must_use]
    pub fn num_arcs(&self) -> usize {
        self.head.len()
    }

    /// Height of the elimination tree: the most nodes a query walks from one end.
    #[must_use]
    pub fn tree_height(&self) -> usize {
        let n = self.rank.len();
        let mut depth = vec![0u32; n];
        let mut best = 0;
        for v in (0..n).rev() {
            let p = self.parent[v];
            depth[v] = if p == NONE { 1 } else { depth[p as usize] + 1 };
            best = best.max(depth[v]);
        }
        best as usize
    }

    /// Heap memory of the structure in bytes (a metric adds [`CchMetric::heap_bytes`]).
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        4 * (self.rank.len()
            + self.first.len()
            + self.head.len()
            + self.tail.len()
            + self.parent.len()
            + self.first_below.len()
            + self.below.len()
            + self.edge_arc.len()
            + self.first_level.len()
            + self.levels.len())
    }

    /// Checks that `graph` is the graph this structure was built for.
    pub(crate) fn check_graph(&self, graph: &RoadGraph) -> Result<(), RouteError> {
        if graph.num_nodes() != self.rank.len() || graph.num_edges() != self.num_edges as usize {
            return Err(RouteError::GraphMismatch {
                what: "number of nodes",
                found: self.rank.len() as u64,
                expected: graph.num_nodes() as u64,
            });
        }
        Ok(())
    }
}

/// The sorted union of two sorted, repeat-free lists.
fn merge_sorted(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

#[cfg(test)]
#[path = "cch_tests.rs"]
mod tests;
