//! Hub labels derived from a contraction hierarchy (Abraham, Delling, Goldberg, Werneck
//! 2011).
//!
//! The forward label of a node is its upward search space in the hierarchy: every node it
//! climbs to, with the weight of the best upward path; the backward label is the same over
//! downward edges. For any two nodes the shortest path has an up-down form whose peak lies
//! in both labels at its exact distance, so the cost of a query is the smallest
//! `forward(s)[h] + backward(t)[h]` over the hubs `h` the two labels share: the source's
//! hubs are scattered into a per-thread array indexed by hub and the target's looked up in
//! it, with no search and no heap.
//!
//! Labels are built top-down (a node's label is the union of its upward neighbours' labels,
//! shifted by the edge weights), in parallel over the nodes whose higher neighbours are all
//! done, and pruned: an entry whose weight is beaten by a path through another hub of the
//! same label is not the shortest distance, so no shortest path needs it. Only entries
//! strictly beaten are removed, which keeps the exact peak of every up-down shortest path.
//!
//! Labels take memory that grows with the depth of the hierarchy: they pay off on regional
//! graphs, where a query is a microsecond, and [`HubLabels::build`] refuses a graph whose
//! labels would outgrow a given number of entries.

use std::cell::{RefCell, RefMut};

use rayon::prelude::*;

use super::{ContractionHierarchy, Dir};
use crate::graph::RoadGraph;
use crate::routing::dijkstra::check_nodes;
use crate::routing::edge_point::{self, Seeds, unpack};
use crate::routing::search_space::INF;
use crate::routing::{Cost, EdgePoint, RouteError, TravelMatrix};
use crate::types::NodeId;

/// The labels of one direction, flat: `start[v]..start[v] + len[v]` index the hubs of node
/// `v` (by rank, ascending) and their packed weights. Labels are appended in build order,
/// so a node without its label yet has an empty one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Side {
    start: Vec<usize>,
    len: Vec<u32>,
    hubs: Vec<u32>,
    weights: Vec<u64>,
}

impl Side {
    fn empty(n: usize) -> Self {
        Self {
            start: vec![0; n],
            len: vec![0; n],
            hubs: Vec::new(),
            weights: Vec::new(),
        }
    }

    #[inline]
    fn label(&self, v: u32) -> (&[u32], &[u64]) {
        let a = self.start[v as usize];
        let b = a + self.len[v as usize] as usize;
        (&self.hubs[a..b], &self.weights[a..b])
    }

    /// Sets the label of `v` (which has none yet).
    fn push(&mut self, v: u32, (hubs, weights): (Vec<u32>, Vec<u64>)) {
        self.start[v as usize] = self.hubs.len();
        #[expect(
            clippy::cast_possible_truncation,
            reason = "a label holds at most n hubs"
        )]
        let len = hubs.len() as u32;
        self.len[v as usize] = len;
        self.hubs.extend(hubs);
        self.weights.extend(weights);
    }

    fn entries(&self) -> usize {
        self.hubs.len()
    }

    fn shrunk(mut self) -> Self {
        self.hubs.shrink_to_fit();
        self.weights.shrink_to_fit();
        self
    }

    fn heap_bytes(&self) -> usize {
        self.start.len() * 12 + self.hubs.len() * 12
    }
}

/// Hub labels of a [`ContractionHierarchy`]: exact cost-only queries and matrices by label
/// lookups.
///
/// # Examples
/// ```
/// use engine::graph::{GraphBuilder, Segment};
/// use engine::routing::{ContractionHierarchy, EdgePoint, HubLabels};
/// use engine::types::{Deciseconds, EdgeId, LonLat, Meters, OsmNodeId, OsmWayId, NodeId};
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
/// let labels = HubLabels::build(&ch, usize::MAX)?;
/// let cost = labels
///     .query(&g, EdgePoint::new(EdgeId(0), 0.5), EdgePoint::new(EdgeId(1), 0.5))?
///     .expect("reachable");
/// assert_eq!((cost.duration, cost.distance), (Deciseconds(100), Meters(110)));
/// let back = (EdgePoint::new(EdgeId(1), 0.5), EdgePoint::new(EdgeId(0), 0.5));
/// assert_eq!(labels.query(&g, back.0, back.1)?, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HubLabels {
    num_edges: u32,
    fingerprint: u32,
    /// Rank of each graph node in the hierarchy (labels are indexed by rank).
    rank: Vec<u32>,
    fwd: Side,
    bwd: Side,
}

impl HubLabels {
    /// Builds the labels of `ch`, in parallel with rayon.
    ///
    /// # Errors
    /// [`RouteError::TooLarge`] when the labels of both directions would hold more than
    /// `max_entries` entries in all: the build stops at the first group of nodes whose
    /// labels would pass the budget, before storing them.
    pub fn build(ch: &ContractionHierarchy, max_entries: usize) -> Result<Self, RouteError> {
        let n = ch.num_nodes();
        let levels = levels(ch);
        let (mut fwd, mut bwd) = (Side::empty(n), Side::empty(n));
        for level in &levels {
            let built: Vec<_> = level
                .par_iter()
                .map(|&v| {
                    (
                        label_of(ch, v, Dir::Up, &fwd, &bwd),
                        label_of(ch, v, Dir::Down, &bwd, &fwd),
                    )
                })
                .collect();
            let total = fwd.entries()
                + bwd.entries()
                + built
                    .iter()
                    .map(|(f, b)| f.0.len() + b.0.len())
                    .sum::<usize>();
            if total > max_entries {
                return Err(RouteError::TooLarge {
                    what: "hub-label entries",
                    count: total,
                    limit: max_entries,
                });
            }
            for (&v, (f, b)) in level.iter().zip(built) {
                fwd.push(v, f);
                bwd.push(v, b);
            }
        }
        Ok(Self {
            num_edges: ch.num_edges,
            fingerprint: ch.fingerprint,
            rank: ch.rank.clone(),
            fwd: fwd.shrunk(),
            bwd: bwd.shrunk(),
        })
    }

    /// Number of nodes.
    #[must_use]
    pub fn num_nodes(&self) -> usize {
        self.rank.len()
    }

    /// Number of label entries, both directions (12 bytes each).
    #[must_use]
    pub fn num_entries(&self) -> usize {
        self.fwd.entries() + self.bwd.entries()
    }

    /// Mean number of hubs per label (both directions).
    #[must_use]
    pub fn mean_label_size(&self) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "a statistic")]
        let mean = self.num_entries() as f64 / (2 * self.num_nodes().max(1)) as f64;
        mean
    }

    /// Heap memory of the labels in bytes.
    #[must_use]
    pub fn heap_bytes(&self) -> usize {
        self.rank.len() * 4 + self.fwd.heap_bytes() + self.bwd.heap_bytes()
    }

    fn check_graph(&self, g: &RoadGraph) -> Result<(), RouteError> {
        let (nodes, edges) = (self.rank.len(), self.num_edges as usize);
        for (what, found, expected) in [
            ("number of nodes", nodes, g.num_nodes()),
            ("number of edges", edges, g.num_edges()),
        ] {
            if found != expected {
                return Err(RouteError::GraphMismatch {
                    what,
                    found: found as u64,
                    expected: expected as u64,
                });
            }
        }
        Ok(())
    }

    /// Whether the labels were built from `ch` (the same graph fingerprint and node order).
    #[must_use]
    pub fn matches(&self, ch: &ContractionHierarchy) -> bool {
        self.fingerprint == ch.fingerprint && self.rank == ch.rank
    }

    /// Cost of the fastest route from `from` to `to`, `None` when there is none: the same
    /// answer as [`ContractionHierarchy::query`]. Needs no search state; the only memory it
    /// takes is one weight per node per thread, allocated by a thread's first query and
    /// reused by every later one.
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] / [`RouteError::InvalidFraction`] for a bad point,
    /// [`RouteError::GraphMismatch`] when `graph` has another number of nodes or edges than
    /// the graph of the labels.
    pub fn query(
        &self,
        graph: &RoadGraph,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        self.check_graph(graph)?;
        edge_point::validate_pair(graph, from, to)?;
        let mut best = edge_point::direct(graph, from, to).map_or(INF, |(w, ..)| w);
        let src = edge_point::source_seeds(graph, from);
        let dst = edge_point::target_seeds(graph, to);
        best = best.min(self.seeds_meet(&src, &dst));
        Ok((best != INF).then(|| unpack(best)))
    }

    /// Cost of the fastest route between two nodes, `None` when there is none.
    ///
    /// # Errors
    /// [`RouteError::UnknownNode`] for a node not in the graph, otherwise as
    /// [`HubLabels::query`].
    pub fn node_to_node(
        &self,
        graph: &RoadGraph,
        from: NodeId,
        to: NodeId,
    ) -> Result<Option<Cost>, RouteError> {
        self.check_graph(graph)?;
        check_nodes(graph, [from, to])?;
        let best = self.seeds_meet(&Seeds::node(from.0), &Seeds::node(to.0));
        Ok((best != INF).then(|| unpack(best)))
    }

    /// The travel matrix from every source to every target, in parallel over sources with
    /// rayon: each row scatters its source's labels once and looks every target's up. The
    /// same cells as [`ContractionHierarchy::matrix`]; it wins on small and one-sided tables
    /// (a label lookup per cell), the bucket algorithm on large square ones.
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] / [`RouteError::InvalidFraction`] for a bad point,
    /// [`RouteError::GraphMismatch`] when `graph` has another number of nodes or edges than
    /// the graph of the labels,
    /// [`RouteError::TooLarge`] when the matrix does not fit in memory.
    pub fn matrix(
        &self,
        graph: &RoadGraph,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
    ) -> Result<TravelMatrix, RouteError> {
        self.check_graph(graph)?;
        for &p in sources.iter().chain(targets) {
            p.validate(graph)?;
        }
        let mut matrix = TravelMatrix::unreachable(sources.len(), targets.len())?;
        let dst: Vec<Seeds> = targets
            .iter()
            .map(|&t| edge_point::target_seeds(graph, t))
            .collect();
        matrix.rows_mut().zip(sources).for_each(|(row, &from)| {
            let src = edge_point::source_seeds(graph, from);
            self.with_scattered(&src, |dense| {
                for ((cell, &to), t) in row.iter_mut().zip(targets).zip(&dst) {
                    let direct = edge_point::direct(graph, from, to).map_or(INF, |(w, ..)| w);
                    *cell = direct.min(self.lookup(dense, t));
                }
            });
        });
        Ok(matrix)
    }

    /// Best meeting over every pair of a source seed and a target seed (graph node ids).
    fn seeds_meet(&self, src: &Seeds, dst: &Seeds) -> u64 {
        self.with_scattered(src, |dense| self.lookup(dense, dst))
    }

    /// Runs `f` with the source labels scattered into a dense per-thread array indexed by
    /// hub (the best weight from any source seed, `INF` elsewhere), so that the target hubs
    /// are independent lookups where a merge would wait on each comparison before the next.
    /// The array is back to `INF` everywhere afterwards, even if `f` panics.
    fn with_scattered<T>(&self, src: &Seeds, f: impl FnOnce(&[u64]) -> T) -> T {
        DENSE.with(|cell| {
            let mut scattered = Scattered {
                dense: cell.borrow_mut(),
                labels: [None; 2],
            };
            if scattered.dense.len() < self.rank.len() {
                scattered.dense.resize(self.rank.len(), INF);
            }
            for ((_, s), slot) in src.iter().zip(&mut scattered.labels) {
                let (hubs, weights) = self.fwd.label(self.rank[s.node as usize]);
                *slot = Some(hubs);
                for (&h, &w) in hubs.iter().zip(weights) {
                    let d = &mut scattered.dense[h as usize];
                    *d = (*d).min(w.saturating_add(s.weight));
                }
            }
            f(&scattered.dense)
        })
    }

    /// Best weight to any target seed through the scattered source labels.
    #[inline]
    fn lookup(&self, dense: &[u64], dst: &Seeds) -> u64 {
        let mut best = INF;
        for (_, t) in dst.iter() {
            let (hubs, weights) = self.bwd.label(self.rank[t.node as usize]);
            let mut here = INF;
            for (&h, &w) in hubs.iter().zip(weights) {
                here = here.min(dense[h as usize].saturating_add(w));
            }
            best = best.min(here.saturating_add(t.weight));
        }
        best
    }
}

thread_local! {
    /// Scratch of [`HubLabels::with_scattered`]: `INF` everywhere between queries.
    static DENSE: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
}

/// The per-thread array with source labels scattered in it; dropping it resets the hubs of
/// those labels to `INF`.
struct Scattered<'a> {
    dense: RefMut<'a, Vec<u64>>,
    labels: [Option<&'a [u32]>; 2],
}

impl Drop for Scattered<'_> {
    fn drop(&mut self) {
        for hubs in self.labels.iter().flatten() {
            for &h in *hubs {
                self.dense[h as usize] = INF;
            }
        }
    }
}

/// Nodes grouped for a top-down build: a node's group comes after the groups of every node
/// it has an edge to (upward or downward), and nodes of one group are independent.
fn levels(ch: &ContractionHierarchy) -> Vec<Vec<u32>> {
    let n = ch.num_nodes();
    let mut level = vec![0u32; n];
    let mut max = 0;
    for v in (0..n).rev() {
        #[expect(clippy::cast_possible_truncation, reason = "node ranks are u32")]
        let v32 = v as u32;
        let l = [Dir::Up, Dir::Down]
            .iter()
            .flat_map(|&d| ch.adjacency.arcs(v32, d))
            .map(|a| level[a.node as usize] + 1)
            .max()
            .unwrap_or(0);
        level[v] = l;
        max = max.max(l);
    }
    let mut out = vec![Vec::new(); max as usize + 1];
    for (v, &l) in level.iter().enumerate() {
        #[expect(clippy::cast_possible_truncation, reason = "node ranks are u32")]
        out[l as usize].push(v as u32);
    }
    out
}

/// The pruned label of `v` in direction `dir` (`mine`: the labels of that direction so far;
/// `theirs`: the other direction's, used to find shorter ways to a hub), as sorted hubs and
/// their weights.
fn label_of(
    ch: &ContractionHierarchy,
    v: u32,
    dir: Dir,
    mine: &Side,
    theirs: &Side,
) -> (Vec<u32>, Vec<u64>) {
    let mut cand = vec![(v, 0u64)];
    for a in ch.adjacency.arcs(v, dir) {
        let (hubs, weights) = mine.label(a.node);
        cand.extend(
            hubs.iter()
                .zip(weights)
                .map(|(&h, &d)| (h, d.saturating_add(a.weight))),
        );
    }
    cand.sort_unstable();
    cand.dedup_by_key(|e| e.0);
    let (hubs, weights): (Vec<u32>, Vec<u64>) = cand.into_iter().unzip();
    // The candidates scattered by hub: the shortest way to hub `h` through the label is
    // the best `candidate[h'] + theirs(h)[h']`, one lookup per entry of `theirs(h)`.
    DENSE.with(|cell| {
        let mut scattered = Scattered {
            dense: cell.borrow_mut(),
            labels: [Some(&hubs), None],
        };
        if scattered.dense.len() < ch.num_nodes() {
            scattered.dense.resize(ch.num_nodes(), INF);
        }
        for (&h, &d) in hubs.iter().zip(&weights) {
            scattered.dense[h as usize] = d;
        }
        let dense = &scattered.dense;
        hubs.iter()
            .zip(&weights)
            .filter(|&(&h, &d)| {
                let (th, tw) = theirs.label(h);
                h == v
                    || th
                        .iter()
                        .zip(tw)
                        .all(|(&x, &w)| dense[x as usize].saturating_add(w) >= d)
            })
            .map(|(&h, &d)| (h, d))
            .unzip()
    })
}
