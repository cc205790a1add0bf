//! Reusable query state: tentative weights, parents and a heap per search direction.
//!
//! One [`SearchSpace`] per thread serves any number of queries without allocating: labels
//! are valid only when their generation stamp equals the current generation, so a reset is
//! one increment (and a full clear once every 2³² queries). The heap is ordered by
//! `(weight, node)`, so equal weights are settled in node order and results are
//! deterministic. Every search is bounded by a settled-node cap (see
//! [`SearchSpace::with_settle_limit`]).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::RouteError;

/// Weight of an unreached node.
pub(crate) const INF: u64 = u64::MAX;
/// Parent of an unreached node or of a node without a parent edge.
pub(crate) const NO_PARENT: u32 = u32::MAX;

/// The label of one node, kept together so that a visit touches one cache line.
#[derive(Clone, Copy, Debug, Default)]
struct Label {
    dist: u64,
    parent: u32,
    stamp: u32,
}

const UNREACHED: Label = Label {
    dist: INF,
    parent: NO_PARENT,
    stamp: 0,
};

/// One search direction: labels, parents, stamps and heap.
#[derive(Clone, Debug, Default)]
pub(crate) struct Side {
    labels: Vec<Label>,
    generation: u32,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    settled: usize,
}

impl Side {
    /// Forgets every label; resizes only when the graph size changes.
    fn reset(&mut self, n: usize) {
        if self.labels.len() != n {
            self.labels = vec![UNREACHED; n];
            self.generation = 0;
        }
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.labels.fill(UNREACHED);
            self.generation = 1;
        }
        self.heap.clear();
        self.settled = 0;
    }

    /// Tentative weight of `v` (`INF` when unreached).
    #[inline]
    pub(crate) fn dist(&self, v: u32) -> u64 {
        let l = &self.labels[v as usize];
        if l.stamp == self.generation {
            l.dist
        } else {
            INF
        }
    }

    /// Parent label of `v` (meaning depends on the search).
    #[inline]
    pub(crate) fn parent(&self, v: u32) -> u32 {
        let l = &self.labels[v as usize];
        if l.stamp == self.generation {
            l.parent
        } else {
            NO_PARENT
        }
    }

    /// Lowers the label of `v` to `d` if that improves it; returns whether it did.
    #[inline]
    pub(crate) fn relax(&mut self, v: u32, d: u64, parent: u32) -> bool {
        if d >= self.dist(v) {
            return false;
        }
        self.labels[v as usize] = Label {
            dist: d,
            parent,
            stamp: self.generation,
        };
        self.heap.push(Reverse((d, v)));
        true
    }

    /// Smallest key still to settle, skipping stale heap entries.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u64> {
        while let Some(&Reverse((d, v))) = self.heap.peek() {
            if d == self.dist(v) {
                return Some(d);
            }
            self.heap.pop();
        }
        None
    }

    /// Settles the next node: `(weight, node)`, or `None` when the heap is empty.
    ///
    /// # Errors
    /// [`RouteError::LimitExceeded`] once more than `limit` nodes were settled.
    #[inline]
    pub(crate) fn pop(&mut self, limit: usize) -> Result<Option<(u64, u32)>, RouteError> {
        while let Some(Reverse((d, v))) = self.heap.pop() {
            if d == self.dist(v) {
                self.settled += 1;
                if self.settled > limit {
                    return Err(RouteError::LimitExceeded { limit });
                }
                return Ok(Some((d, v)));
            }
        }
        Ok(None)
    }
}

/// Reusable state of a (bidirectional) search over a graph of a given size.
///
/// Create one per thread and pass it to every query; it grows to the graph size once.
///
/// # Examples
/// ```
/// use engine::routing::SearchSpace;
/// let space = SearchSpace::new(1_000).with_settle_limit(500);
/// # assert_eq!(space.settle_limit(), 500);
/// ```
#[derive(Clone, Debug)]
pub struct SearchSpace {
    pub(crate) fwd: Side,
    pub(crate) bwd: Side,
    limit: usize,
}

impl SearchSpace {
    /// State for graphs of `num_nodes` nodes (it adapts if used on another size).
    ///
    /// The default bound lets each direction settle every node of the graph once, which a
    /// correct search never exceeds; lower it with [`SearchSpace::with_settle_limit`].
    #[must_use]
    pub fn new(num_nodes: usize) -> Self {
        let mut s = Self {
            fwd: Side::default(),
            bwd: Side::default(),
            limit: num_nodes.max(1),
        };
        s.fwd.reset(num_nodes);
        s.bwd.reset(num_nodes);
        s
    }

    /// The same state with another bound on settled nodes per search direction.
    #[must_use]
    pub fn with_settle_limit(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// The bound on settled nodes per search direction.
    #[must_use]
    pub fn settle_limit(&self) -> usize {
        self.limit
    }

    /// Sets the bound on settled nodes per search direction.
    pub fn set_settle_limit(&mut self, limit: usize) {
        self.limit = limit;
    }

    /// Nodes settled by the last search, forward and backward (the size of its search
    /// space, the usual measure of a hierarchy's quality).
    #[must_use]
    pub fn settled(&self) -> (usize, usize) {
        (self.fwd.settled, self.bwd.settled)
    }

    /// Forgets the previous query (O(1) unless the graph size changed).
    pub(crate) fn reset(&mut self, n: usize) {
        self.fwd.reset(n);
        self.bwd.reset(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_vanish_on_reset_and_heap_orders_by_weight_then_node() {
        let mut s = SearchSpace::new(4);
        assert!(s.fwd.relax(2, 5, 7));
        assert!(s.fwd.relax(1, 5, 8));
        assert!(!s.fwd.relax(1, 6, 9));
        assert!(s.fwd.relax(3, 1, 0));
        assert_eq!(s.fwd.pop(10).unwrap(), Some((1, 3)));
        assert_eq!(s.fwd.pop(10).unwrap(), Some((5, 1)));
        assert_eq!(s.fwd.parent(1), 8);
        s.reset(4);
        assert_eq!(s.fwd.dist(2), INF);
        assert_eq!(s.fwd.parent(2), NO_PARENT);
        assert_eq!(s.fwd.pop(10).unwrap(), None);
    }

    #[test]
    fn settle_limit_is_an_error() {
        let mut s = SearchSpace::new(3);
        s.fwd.relax(0, 0, 0);
        s.fwd.relax(1, 1, 0);
        assert!(s.fwd.pop(1).unwrap().is_some());
        assert_eq!(s.fwd.pop(1), Err(RouteError::LimitExceeded { limit: 1 }));
    }

    #[test]
    fn stamps_survive_generation_wrap() {
        let mut s = SearchSpace::new(2);
        s.fwd.generation = u32::MAX;
        for l in &mut s.fwd.labels {
            l.stamp = u32::MAX;
        }
        s.fwd.relax(0, 3, 0);
        s.reset(2);
        assert_eq!(s.fwd.dist(0), INF);
        assert_eq!(s.fwd.generation, 1);
    }
}
