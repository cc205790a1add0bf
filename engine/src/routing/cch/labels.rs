//! Elimination-tree labels of a metric: costs and small tables by label lookups instead of
//! tree walks.
//!
//! Every node's upward walk in a query ([`CchMetric::query`]) visits exactly its ancestors in
//! the elimination tree and ends with the best upward distance to each. The labels store
//! those distances once per metric: for node `v` at depth `d` (the root at depth 1), `up`
//! holds the best `v → a` and `down` the best `a → v` through higher nodes, for each of its
//! `d` ancestors `a` from `v` itself to the root. They follow from the parents' labels, top
//! down: the label of `v` is the minimum, over its arcs `{v, w}`, of the arc's weight plus
//! the label of `w` (an ancestor of `v`, so its label is a suffix of `v`'s). All nodes of
//! one depth are computed in parallel.
//!
//! A cost between two nodes `s` and `t` is then the minimum of `up(s, a) + down(t, a)` over
//! their common ancestors, the suffix of both labels from their lowest common ancestor: the
//! same minimum the two walks meet at, without the walks. The labels hold `Σ depth` entries
//! per direction (about 9 × 10⁶ on Porto's car graph), so they are made only below a bound.

use rayon::prelude::*;

use super::super::edge_point::unpack;
use super::super::matrix::TravelMatrix;
use super::super::search_space::INF;
use super::super::{Cost, EdgePoint, RouteError};
use super::{Cch, CchMetric, NONE};
use crate::graph::RoadGraph;

/// Most label entries (per direction, 8 bytes each) a metric gets labels for by default.
pub const DEFAULT_LABEL_ENTRIES: usize = 40_000_000;

/// Largest number of cells per source or target for which [`CchMetric::matrix`] looks the
/// cells up in the labels rather than running the bucket algorithm: a cell costs about a
/// microsecond of lookups, a point's walk about fifteen (Porto), so one-to-many tables and
/// thin ones are looked up, square ones walked (100 × 100 on Porto: 10 ms by the labels,
/// 3.5 ms by buckets).
pub const LABEL_CELLS_PER_POINT: usize = 12;

/// The labels of one metric (see the [module](self) docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Labels {
    /// Start of the label of each node (by rank) in `up` and `down`.
    first: Vec<usize>,
    /// Depth of each node: the length of its label.
    depth: Vec<u32>,
    up: Vec<u64>,
    down: Vec<u64>,
}

impl Labels {
    /// The labels of the weights `up_w` / `down_w` of `cch`, `None` past `max_entries`.
    pub(super) fn build(
        cch: &Cch,
        up_w: &[u64],
        down_w: &[u64],
        max_entries: usize,
    ) -> Option<Self> {
        let n = cch.num_nodes();
        let mut depth = vec![0u32; n];
        for v in (0..n).rev() {
            let p = cch.parent[v];
            depth[v] = if p == NONE { 1 } else { depth[p as usize] + 1 };
        }
        let total: usize = depth.iter().map(|&d| d as usize).sum();
        if total > max_entries {
            return None;
        }
        // Nodes by depth, so that one depth's labels are one block of equal-length labels.
        let max_depth = depth.iter().copied().max().unwrap_or(0) as usize;
        let mut count = vec![0usize; max_depth + 2];
        for &d in &depth {
            count[d as usize + 1] += 1;
        }
        for d in 0..=max_depth {
            count[d + 1] += count[d];
        }
        let node_start = count.clone();
        let mut order = vec![0u32; n];
        for (v, &d) in (0u32..).zip(&depth) {
            order[count[d as usize]] = v;
            count[d as usize] += 1;
        }
        let mut first = vec![0usize; n];
        let mut block_start = vec![0usize; max_depth + 2];
        let mut at = 0;
        for d in 1..=max_depth {
            block_start[d] = at;
            for &v in &order[node_start[d]..node_start[d + 1]] {
                first[v as usize] = at;
                at += d;
            }
        }
        block_start[max_depth + 1] = at;
        let mut up = vec![INF; total];
        let mut down = vec![INF; total];
        for d in 1..=max_depth {
            let nodes = &order[node_start[d]..node_start[d + 1]];
            let (done_up, rest_up) = up.split_at_mut(block_start[d]);
            let (done_down, rest_down) = down.split_at_mut(block_start[d]);
            let len = block_start[d + 1] - block_start[d];
            let (done_up, done_down) = (&*done_up, &*done_down);
            rest_up[..len]
                .par_chunks_mut(d)
                .zip(rest_down[..len].par_chunks_mut(d))
                .zip(nodes.par_iter())
                .with_min_len(64)
                .for_each(|((lu, ld), &v)| {
                    lu[0] = 0;
                    ld[0] = 0;
                    for a in cch.arcs_of(v) {
                        let w = cch.head[a] as usize;
                        let (fw, dw) = (first[w], depth[w] as usize);
                        let off = d - dw;
                        let (wu, wd) = (up_w[a], down_w[a]);
                        if wu != INF {
                            for (x, &y) in lu[off..].iter_mut().zip(&done_up[fw..fw + dw]) {
                                *x = (*x).min(wu.saturating_add(y));
                            }
                        }
                        if wd != INF {
                            for (x, &y) in ld[off..].iter_mut().zip(&done_down[fw..fw + dw]) {
                                *x = (*x).min(wd.saturating_add(y));
                            }
                        }
                    }
                });
        }
        Some(Self {
            first,
            depth,
            up,
            down,
        })
    }

    /// Best packed weight from node `s` to node `t` (ranks) through their common
    /// ancestors; [`INF`] when they have none.
    #[inline]
    pub(super) fn between(&self, cch: &Cch, s: u32, t: u32) -> u64 {
        let (mut a, mut b) = (s, t);
        while a != b {
            if a < b {
                a = cch.parent[a as usize];
                if a == NONE {
                    return INF;
                }
            } else {
                b = cch.parent[b as usize];
                if b == NONE {
                    return INF;
                }
            }
        }
        let k = self.depth[a as usize] as usize;
        let end_s = self.first[s as usize] + self.depth[s as usize] as usize;
        let end_t = self.first[t as usize] + self.depth[t as usize] as usize;
        self.up[end_s - k..end_s]
            .iter()
            .zip(&self.down[end_t - k..end_t])
            .map(|(&x, &y)| x.saturating_add(y))
            .min()
            .unwrap_or(INF)
    }

    /// Heap memory in bytes.
    pub(super) fn heap_bytes(&self) -> usize {
        8 * (self.first.len() + self.up.len() + self.down.len()) + 4 * self.depth.len()
    }
}

/// The seeds of a point as `(node, weight)` pairs.
type Ends = Vec<(u32, u64)>;

impl CchMetric {
    /// Adds elimination-tree labels to the metric (for every node, the best weights to and
    /// from each of its ancestors) unless they would hold more than `max_entries` entries per
    /// direction; then [`CchMetric::query`] and thin [`CchMetric::matrix`] tables look costs
    /// up instead of walking the tree (Porto: about 9 × 10⁶ entries, 135 MiB, a quarter of a second).
    #[must_use]
    pub fn with_labels(mut self, cch: &Cch, max_entries: usize) -> Self {
        self.labels = Labels::build(cch, &self.up, &self.down, max_entries).map(Box::new);
        self
    }

    /// `true` when the metric has labels ([`CchMetric::with_labels`]).
    #[must_use]
    pub fn has_labels(&self) -> bool {
        self.labels.is_some()
    }

    fn source_ends(&self, cch: &Cch, graph: &RoadGraph, p: EdgePoint) -> Ends {
        let s = self.source_seeds(cch, graph, p);
        s.iter().map(|(_, s)| (s.node, s.weight)).collect()
    }

    fn target_ends(&self, cch: &Cch, graph: &RoadGraph, p: EdgePoint) -> Ends {
        let s = self.target_seeds(cch, graph, p);
        s.iter().map(|(_, s)| (s.node, s.weight)).collect()
    }

    /// Best packed weight between two validated points by the labels.
    fn labelled(
        &self,
        labels: &Labels,
        cch: &Cch,
        graph: &RoadGraph,
        (from, src): (EdgePoint, &Ends),
        (to, dst): (EdgePoint, &Ends),
    ) -> u64 {
        let mut best = self.direct(graph, from, to).map_or(INF, |d| d.0);
        for &(s, ws) in src {
            for &(t, wt) in dst {
                let w = labels.between(cch, s, t);
                best = best.min(ws.saturating_add(wt).saturating_add(w));
            }
        }
        best
    }

    /// Cost of the fastest route from `from` to `to` looked up in the labels (as
    /// [`CchMetric::query`], with no query state); `None` when the metric has no labels.
    ///
    /// # Errors
    /// As [`CchMetric::query`].
    pub fn lookup(
        &self,
        cch: &Cch,
        graph: &RoadGraph,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Option<Cost>>, RouteError> {
        let Some(labels) = &self.labels else {
            return Ok(None);
        };
        self.check(cch, graph, &[from, to])?;
        let src = self.source_ends(cch, graph, from);
        let dst = self.target_ends(cch, graph, to);
        let w = self.labelled(labels, cch, graph, (from, &src), (to, &dst));
        Ok(Some((w != INF).then(|| unpack(w))))
    }

    /// A small table by the labels, `None` when the metric has none or the table is large.
    pub(super) fn matrix_labelled(
        &self,
        cch: &Cch,
        graph: &RoadGraph,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
    ) -> Result<Option<TravelMatrix>, RouteError> {
        let Some(labels) = &self.labels else {
            return Ok(None);
        };
        let cells = sources.len().saturating_mul(targets.len());
        let points = sources.len() + targets.len();
        if cells > LABEL_CELLS_PER_POINT.saturating_mul(points) {
            return Ok(None);
        }
        let mut matrix = TravelMatrix::unreachable(sources.len(), targets.len())?;
        let src: Vec<Ends> = sources
            .iter()
            .map(|&p| self.source_ends(cch, graph, p))
            .collect();
        let dst: Vec<Ends> = targets
            .iter()
            .map(|&p| self.target_ends(cch, graph, p))
            .collect();
        matrix
            .rows_mut()
            .zip(sources)
            .zip(&src)
            .for_each(|((row, &from), s)| {
                for ((cell, &to), t) in row.iter_mut().zip(targets).zip(&dst) {
                    *cell = self.labelled(labels, cch, graph, (from, s), (to, t));
                }
            });
        Ok(Some(matrix))
    }
}
