//! The pieces of road nearest first, in one order whatever finds them: by squared distance,
//! then edge id, then piece index. Every query of [`super::SpatialIndex`] walks this order, so
//! an answer depends on the road network alone, not on how the R-tree happens to be shaped,
//! and a query that scans all pieces (a [`super::SpatialIndex::deferred`] index before its
//! tree is built) answers exactly as the tree does.
//!
//! From the tree: rstar's best-first search yields pieces by squared distance, up to rounding
//! (a node's box distance and a piece's own distance are computed differently), and ties in
//! the order the tree holds them. [`Nearest`] keeps the pieces it has seen in a small heap
//! and gives out the least only once the search has moved more than [`tolerance_sq`] past
//! it, so nothing still in the tree can come before it.
//!
//! From a scan: each pass over all edges collects the pieces in a distance band, nearest
//! band first (200 m, then 4 times farther each pass, and at least as far as the nearest
//! piece beyond); a band is sorted and given out before the next pass. A pass reads each
//! edge's tail and skips the edge when the tail is farther from the band than the edge
//! reaches ([`scan::edge_reach_m`]), so only edges near the point have their geometry
//! projected. A query that stops early (the usual case: the nearest road is close) costs one
//! pass.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::sync::Arc;

use rstar::RTree;

use super::projection::Projection;
use super::{Entry, scan};
use crate::graph::RoadGraph;

/// Radius of the first band a scan collects, in metres.
const FIRST_BAND_M: f64 = 200.0;

/// How far past a piece the tree's search must have moved before the piece is given out,
/// in square metres: far above the rounding of squared distances of this size.
fn tolerance_sq(d_sq: f64) -> f64 {
    1e-6 * d_sq + 1e-3
}

/// A piece of road with its squared distance, ordered nearest first, then by edge and piece.
#[derive(Clone, Copy, Debug)]
struct Ranked(Entry, f64);

impl Ranked {
    fn key(&self) -> (u32, u32) {
        (self.0.data.edge, self.0.data.seg)
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.1
            .total_cmp(&other.1)
            .then_with(|| self.key().cmp(&other.key()))
    }
}

/// The pieces of road nearest first to one point, with their squared distances in square
/// metres; see the [module docs](self) for the order.
pub(crate) struct Nearest<'a> {
    source: Source<'a>,
}

enum Source<'a> {
    Tree {
        /// rstar's best-first search (its iterator type is not public).
        search: Box<dyn Iterator<Item = (&'a Entry, f64)> + 'a>,
        /// Pieces found but not given out yet, least on top.
        seen: BinaryHeap<Reverse<Ranked>>,
        /// Largest squared distance the search has reached.
        reached_sq: f64,
        exhausted: bool,
    },
    Scan {
        graph: &'a Arc<RoadGraph>,
        /// See [`scan::edge_reach_m`].
        reach_m: &'a [f32],
        proj: Projection,
        p: [f64; 2],
        /// Pieces up to this squared distance are collected (or given out) already.
        done_sq: f64,
        /// The band collected by the last pass, farthest first.
        band: Vec<Ranked>,
        exhausted: bool,
    },
}

impl<'a> Nearest<'a> {
    pub(super) fn tree(tree: &'a RTree<Entry>, p: [f64; 2]) -> Self {
        Self {
            source: Source::Tree {
                search: Box::new(tree.nearest_neighbor_iter_with_distance_2(&p)),
                seen: BinaryHeap::new(),
                reached_sq: f64::NEG_INFINITY,
                exhausted: false,
            },
        }
    }

    pub(super) fn scan(
        graph: &'a Arc<RoadGraph>,
        reach_m: &'a [f32],
        proj: Projection,
        p: [f64; 2],
    ) -> Self {
        Self {
            source: Source::Scan {
                graph,
                reach_m,
                proj,
                p,
                done_sq: f64::NEG_INFINITY,
                band: Vec::new(),
                exhausted: false,
            },
        }
    }
}

impl Iterator for Nearest<'_> {
    type Item = (Entry, f64);

    fn next(&mut self) -> Option<(Entry, f64)> {
        match &mut self.source {
            Source::Tree {
                search,
                seen,
                reached_sq,
                exhausted,
            } => loop {
                if let Some(Reverse(least)) = seen.peek()
                    && (*exhausted || *reached_sq > least.1 + tolerance_sq(least.1))
                {
                    return seen.pop().map(|Reverse(r)| (r.0, r.1));
                }
                match search.next() {
                    Some((entry, d_sq)) => {
                        *reached_sq = reached_sq.max(d_sq);
                        seen.push(Reverse(Ranked(*entry, d_sq)));
                    }
                    None if seen.is_empty() => return None,
                    None => *exhausted = true,
                }
            },
            Source::Scan {
                graph,
                reach_m,
                proj,
                p,
                done_sq,
                band,
                exhausted,
            } => loop {
                if let Some(r) = band.pop() {
                    return Some((r.0, r.1));
                }
                if *exhausted {
                    return None;
                }
                let limit_sq = if done_sq.is_finite() {
                    (*done_sq * 16.0).max(FIRST_BAND_M * FIRST_BAND_M)
                } else {
                    FIRST_BAND_M * FIRST_BAND_M
                };
                let (from_sq, p) = (*done_sq, *p);
                let mut beyond_sq = f64::INFINITY;
                let mut skipped_sq = f64::INFINITY;
                scan::for_each_entry_near(
                    graph,
                    proj,
                    reach_m,
                    (p, limit_sq),
                    &mut skipped_sq,
                    |entry| {
                        let d_sq = rstar::PointDistance::distance_2(&entry, &p);
                        if d_sq > limit_sq {
                            beyond_sq = beyond_sq.min(d_sq);
                        } else if d_sq > from_sq {
                            band.push(Ranked(entry, d_sq));
                        }
                    },
                );
                // A lower bound of the nearest piece left is enough to choose the next band.
                let beyond_sq = beyond_sq.min(skipped_sq);
                if beyond_sq.is_finite() {
                    // The next pass reaches at least the nearest piece left.
                    *done_sq = limit_sq.max(beyond_sq / 16.0);
                    if band.is_empty() {
                        continue;
                    }
                    *done_sq = limit_sq;
                } else {
                    *exhausted = true;
                }
                band.sort_unstable_by(|a, b| b.cmp(a));
            },
        }
    }
}
