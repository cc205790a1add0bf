//! Contraction hierarchies (Geisberger, Sanders, Schultes, Delling 2008).
//!
//! [`ContractionHierarchy::build`] orders and contracts the nodes (see `build.rs`); the
//! result is two flat CSR arrays indexed by node: the *upward* edges `v → w` and the
//! *downward* edges `w → v` stored at `v` (for the backward search), where `w` is always
//! contracted after `v`. A query runs a forward search over upward edges from the source and
//! a backward search over downward edges from the target, each pruned by stall-on-demand
//! and stopped once its smallest key reaches the best meeting; the best meeting is the exact
//! shortest route. Shortcuts keep their two child edges, so a route unpacks to original
//! [`EdgeId`](crate::types::EdgeId)s with an explicit stack.
//!
//! Inside the hierarchy a node is named by its rank (its place in the contraction order), so
//! the upward searches, which climb to the few most important nodes, touch memory that lies
//! together: the labels and edges of the top of the hierarchy share cache lines across
//! queries. Graph nodes are renamed on the way in (the seeds) and never need to be renamed
//! back, because paths unpack to original edges.
//!
//! Weights are the packed (duration, distance) of [`edge_point`](super::edge_point), so the
//! hierarchy finds the same cost as [`Dijkstra`](super::Dijkstra), to the decisecond and
//! the metre. Sources and targets are [`EdgePoint`]s, started exactly as Dijkstra does.

mod build;
mod labels;
mod serial;

pub use build::ContractionParams;
pub use labels::HubLabels;

use super::dijkstra::{Meet, SEED, check_nodes, check_size, start};
use super::edge_point::{self, Seeds, unpack};
use super::path::build_path;
use super::search_space::{INF, Side};
use super::{Cost, EdgePoint, Path, RouteError, SearchSpace};
use crate::graph::RoadGraph;
use crate::types::NodeId;

/// `b` of an edge that is an original edge (then `a` is its `EdgeId`).
pub(crate) const ORIGINAL: u32 = u32::MAX;

/// One direction of the hierarchy: edges grouped by the lower node (`owner`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Csr {
    /// `first[v]..first[v + 1]` are the edges of `v` (`n + 1` entries).
    pub(crate) first: Vec<u32>,
    /// The lower node of each edge.
    pub(crate) owner: Vec<u32>,
    /// The higher node of each edge.
    pub(crate) node: Vec<u32>,
    /// Packed (duration, distance) weight.
    pub(crate) weight: Vec<u64>,
    /// Original edge id, or the downward child of a shortcut.
    pub(crate) a: Vec<u32>,
    /// [`ORIGINAL`], or the upward child of a shortcut.
    pub(crate) b: Vec<u32>,
}

impl Csr {
    fn heap_bytes(&self) -> usize {
        self.first.len() * 4 + self.owner.len() * (4 + 4 + 8 + 4 + 4)
    }
}

/// One edge as the searches read it: head, index in its direction's [`Csr`] (the parent label
/// for unpacking), and packed weight, in 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Arc {
    pub(crate) node: u32,
    pub(crate) edge: u32,
    pub(crate) weight: u64,
}

/// A direction of the hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    Up = 0,
    Down = 1,
}

/// The query-time copy of both directions: the upward then the downward edges of each node
/// side by side, so that settling a node (stall check on one direction, relaxation of the
/// other) reads one short run of memory instead of four columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Adjacency {
    /// `first[2v + d]..first[2v + d + 1]` are the edges of `v` in direction `d`.
    first: Vec<u32>,
    arcs: Vec<Arc>,
}

impl Adjacency {
    fn new(up: &Csr, down: &Csr) -> Self {
        let n = up.first.len().saturating_sub(1);
        let mut first = Vec::with_capacity(2 * n + 1);
        let mut arcs = Vec::with_capacity(up.node.len() + down.node.len());
        first.push(0);
        for v in 0..n {
            for csr in [up, down] {
                for i in csr.first[v]..csr.first[v + 1] {
                    let k = i as usize;
                    arcs.push(Arc {
                        node: csr.node[k],
                        edge: i,
                        weight: csr.weight[k],
                    });
                }
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "at most the u32 edge counts of the two directions"
                )]
                first.push(arcs.len() as u32);
            }
        }
        Self { first, arcs }
    }

    /// The edges of `v` in direction `dir`.
    #[inline]
    pub(crate) fn arcs(&self, v: u32, dir: Dir) -> &[Arc] {
        let k = 2 * v as usize + dir as usize;
        &self.arcs[self.first[k] as usize..self.first[k + 1] as usize]
    }

    fn heap_bytes(&self) -> usize {
        self.first.len() * 4 + self.arcs.len() * std::mem::size_of::<Arc>()
    }
}

/// A contraction hierarchy of one [`RoadGraph`]: immutable, shareable across threads.
///
/// # Examples
/// ```
/// use engine::graph::{GraphBuilder, Segment};
/// use engine::routing::{ContractionHierarchy, EdgePoint, SearchSpace};
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
/// let ch = ContractionHierarchy::build(&g)?;
/// let mut space = SearchSpace::new(g.num_nodes());
/// let from = EdgePoint::new(EdgeId(0), 0.5);
/// let to = EdgePoint::new(EdgeId(1), 0.5);
/// let path = ch.route(&g, &mut space, from, to)?.expect("reachable");
/// assert_eq!(path.duration, Deciseconds(100));
/// assert_eq!(path.distance, Meters(110));
/// assert_eq!(path.edges, vec![EdgeId(0), EdgeId(1)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractionHierarchy {
    pub(crate) num_edges: u32,
    pub(crate) fingerprint: u32,
    /// Contraction order of each graph node: its name inside the hierarchy.
    pub(crate) rank: Vec<u32>,
    pub(crate) up: Csr,
    pub(crate) down: Csr,
    /// Both directions again, laid out for the searches.
    pub(crate) adjacency: Adjacency,
}

/// CRC-32 of the graph's topology and weights, to tie a stored hierarchy to its graph.
pub(crate) fn graph_fingerprint(g: &RoadGraph) -> u32 {
    let mut h = crc32fast::Hasher::new();
    for arr in [g.first_out(), g.heads(), g.durations(), g.distances()] {
        for &x in arr {
            h.update(&x.to_le_bytes());
        }
    }
    h.finalize()
}

impl ContractionHierarchy {
    /// A hierarchy from its parts, with the search layout derived from them.
    pub(crate) fn assemble(
        num_edges: u32,
        fingerprint: u32,
        rank: Vec<u32>,
        up: Csr,
        down: Csr,
    ) -> Self {
        let adjacency = Adjacency::new(&up, &down);
        Self {
            num_edges,
            fingerprint,
            rank,
            up,
            down,
            adjacency,
        }
    }

    /// Name of the graph-file section holding [`ContractionHierarchy::to_bytes`].
    pub const SECTION: &'static str = "routing.ch";

    /// Number of nodes.
    #[must_use]
    pub fn num_nodes(&self) -> usize {
        self.rank.len()
    }

    /// Number of edges of the hierarchy (upward plus downward, shortcuts included).
    #[must_use]
    pub fn num_edges(&self) -> usize {
        self.up.node.len() + self.down.node.len()
    }

    /// Number of shortcuts among [`ContractionHierarchy::num_edges`].
    #[must_use]
    pub fn num_shortcuts(&self) -> usize {
        self.up
            .b
            .iter()
            .chain(&self.down.b)
            .filter(|&&b| b != ORIGINAL)
            .count()
    }

    /// Heap memory of the hierarchy in bytes.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.rank.len() * 4
            + self.up.heap_bytes()
            + self.down.heap_bytes()
            + self.adjacency.heap_bytes()
    }

    pub(crate) fn check_graph(&self, g: &RoadGraph) -> Result<(), RouteError> {
        if g.num_nodes() != self.rank.len() || g.num_edges() != self.num_edges as usize {
            return Err(RouteError::GraphMismatch {
                what: "number of nodes",
                found: self.rank.len() as u64,
                expected: g.num_nodes() as u64,
            });
        }
        check_size(g)
    }

    /// Cost of the fastest route from `from` to `to`, `None` when there is none. Allocates
    /// nothing.
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] / [`RouteError::InvalidFraction`] for a bad point,
    /// [`RouteError::GraphMismatch`] when `graph` is not the graph of the hierarchy,
    /// [`RouteError::LimitExceeded`] past the settled-node bound of `space`.
    pub fn query(
        &self,
        graph: &RoadGraph,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        Ok(self.search(graph, space, from, to)?.map(|(w, _)| unpack(w)))
    }

    /// The fastest route from `from` to `to`: cost, original edges and geometry (from the
    /// source point to the target point); `None` when there is none.
    ///
    /// # Errors
    /// As [`ContractionHierarchy::query`].
    pub fn route(
        &self,
        graph: &RoadGraph,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Path>, RouteError> {
        let Some((w, meet)) = self.search(graph, space, from, to)? else {
            return Ok(None);
        };
        let node = match meet {
            Meet::Direct(e, fs, ft) => return Ok(Some(build_path(graph, w, &[e], fs, ft))),
            Meet::Node(x) => x,
        };
        let src = edge_point::source_seeds(graph, from);
        let dst = edge_point::target_seeds(graph, to);
        let mut chain = Vec::new();
        let mut x = node;
        let mut p = space.fwd.parent(x);
        while p < SEED {
            chain.push(p);
            x = self.up.owner[p as usize];
            p = space.fwd.parent(x);
        }
        let s = src
            .get(p.wrapping_sub(SEED))
            .expect("a forward label chain ends at a source seed");
        let mut edges = vec![s.edge];
        let mut stack = Vec::new();
        for &c in chain.iter().rev() {
            self.unpack_into(Step::Up(c), &mut stack, &mut edges);
        }
        let mut x = node;
        let mut p = space.bwd.parent(x);
        while p < SEED {
            self.unpack_into(Step::Down(p), &mut stack, &mut edges);
            x = self.down.owner[p as usize];
            p = space.bwd.parent(x);
        }
        let t = dst
            .get(p.wrapping_sub(SEED))
            .expect("a backward label chain ends at a target seed");
        edges.push(t.edge);
        Ok(Some(build_path(graph, w, &edges, s.fraction, t.fraction)))
    }

    /// Appends the original edges of a hierarchy edge, in driving order.
    fn unpack_into(&self, e: Step, stack: &mut Vec<Step>, out: &mut Vec<u32>) {
        stack.push(e);
        while let Some(step) = stack.pop() {
            let (csr, i) = match step {
                Step::Up(i) => (&self.up, i as usize),
                Step::Down(i) => (&self.down, i as usize),
            };
            if csr.b[i] == ORIGINAL {
                out.push(csr.a[i]);
            } else {
                stack.push(Step::Up(csr.b[i]));
                stack.push(Step::Down(csr.a[i]));
            }
        }
    }

    /// Bidirectional upward search: packed weight and meeting of the best route.
    fn search(
        &self,
        g: &RoadGraph,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<(u64, Meet)>, RouteError> {
        self.check_graph(g)?;
        edge_point::validate_pair(g, from, to)?;
        let src = edge_point::source_seeds(g, from).relabel(&self.rank);
        let dst = edge_point::target_seeds(g, to).relabel(&self.rank);
        let best: (u64, Option<Meet>) = match edge_point::direct(g, from, to) {
            Some((w, e, fs, ft)) => (w, Some(Meet::Direct(e, fs, ft))),
            None => (INF, None),
        };
        self.run(g, space, &src, &dst, best)
    }

    /// Cost of the fastest route between two nodes, `None` when there is none.
    ///
    /// # Errors
    /// [`RouteError::UnknownNode`] for a node not in the graph, otherwise as
    /// [`ContractionHierarchy::query`].
    pub fn node_to_node(
        &self,
        graph: &RoadGraph,
        space: &mut SearchSpace,
        from: NodeId,
        to: NodeId,
    ) -> Result<Option<Cost>, RouteError> {
        self.check_graph(graph)?;
        check_nodes(graph, [from, to])?;
        let (src, dst) = (
            Seeds::node(self.rank[from.index()]),
            Seeds::node(self.rank[to.index()]),
        );
        Ok(self
            .run(graph, space, &src, &dst, (INF, None))?
            .map(|(w, _)| unpack(w)))
    }

    /// The bidirectional upward search from labelled seeds.
    fn run(
        &self,
        g: &RoadGraph,
        space: &mut SearchSpace,
        src: &Seeds,
        dst: &Seeds,
        mut best: (u64, Option<Meet>),
    ) -> Result<Option<(u64, Meet)>, RouteError> {
        space.reset(g.num_nodes());
        start(space, src, dst, &mut best);
        let limit = space.settle_limit();
        loop {
            let kf = space.fwd.peek().unwrap_or(INF);
            let kb = space.bwd.peek().unwrap_or(INF);
            let (fwd_on, bwd_on) = (kf < best.0, kb < best.0);
            if !fwd_on && !bwd_on {
                break;
            }
            let forward = fwd_on && (!bwd_on || kf <= kb);
            let (this, other, grow, stall) = if forward {
                (&mut space.fwd, &space.bwd, Dir::Up, Dir::Down)
            } else {
                (&mut space.bwd, &space.fwd, Dir::Down, Dir::Up)
            };
            let Some((d, u)) = this.pop(limit)? else {
                continue;
            };
            let total = d.saturating_add(other.dist(u));
            if total < best.0 {
                best = (total, Some(Meet::Node(u)));
            }
            if stalled(this, self.adjacency.arcs(u, stall), d) {
                continue;
            }
            relax(this, self.adjacency.arcs(u, grow), d);
        }
        Ok(best.1.map(|m| (best.0, m)))
    }
}

/// One hierarchy edge to unpack.
#[derive(Clone, Copy, Debug)]
enum Step {
    Up(u32),
    Down(u32),
}

/// Stall-on-demand: a node whose label `d` is beaten by going through a higher node (over
/// `other_dir`, its edges of the other direction) is not settled at its shortest distance,
/// so it need not be expanded.
#[inline]
pub(crate) fn stalled(side: &Side, other_dir: &[Arc], d: u64) -> bool {
    other_dir
        .iter()
        .any(|a| side.dist(a.node).saturating_add(a.weight) < d)
}

/// Relaxes the edges `dir` of a node settled at `d`.
#[inline]
pub(crate) fn relax(side: &mut Side, dir: &[Arc], d: u64) {
    for a in dir {
        side.relax(a.node, d.saturating_add(a.weight), a.edge);
    }
}
