//! Point-to-point queries on a metric: elimination-tree walks, path unpacking.

use super::super::avoiding::direct_avoiding;
use super::super::dijkstra::{Meet, SEED};
use super::super::edge_point::{self, Seeds, unpack};
use super::super::path::build_path;
use super::super::search_space::INF;
use super::super::{Cost, EdgePoint, Path, RouteError};
use super::customize::EDGE_BIT;
use super::{Cch, CchMetric, NONE};
use crate::graph::RoadGraph;
use crate::types::EdgeId;

/// Reusable query state of a [`Cch`] (one per thread): a distance and a parent per node and
/// direction, reset along the walked tree paths only, so a query allocates nothing.
#[derive(Clone, Debug)]
pub struct CchSpace {
    pub(super) fwd: Walk,
    pub(super) bwd: Walk,
}

impl CchSpace {
    /// Query state for `cch`.
    #[must_use]
    pub fn new(cch: &Cch) -> Self {
        Self {
            fwd: Walk::new(cch.num_nodes()),
            bwd: Walk::new(cch.num_nodes()),
        }
    }

    /// Resizes for another structure when needed.
    pub(super) fn fit(&mut self, cch: &Cch) {
        if self.fwd.dist.len() != cch.num_nodes() {
            *self = Self::new(cch);
        }
    }
}

/// One direction's labels; `touched` lists the nodes whose label is set.
#[derive(Clone, Debug)]
pub(super) struct Walk {
    pub(super) dist: Vec<u64>,
    parent: Vec<u32>,
    touched: Vec<u32>,
}

impl Walk {
    fn new(n: usize) -> Self {
        Self {
            dist: vec![INF; n],
            parent: vec![NONE; n],
            touched: Vec::new(),
        }
    }

    pub(super) fn clear(&mut self) {
        for &v in &self.touched {
            self.dist[v as usize] = INF;
            self.parent[v as usize] = NONE;
        }
        self.touched.clear();
    }

    /// Labels the seeds: node reached with weight, parent `SEED + i`.
    pub(super) fn seed(&mut self, seeds: &Seeds) {
        for (i, s) in seeds.iter() {
            let v = s.node as usize;
            if self.dist[v] == INF {
                self.touched.push(s.node);
            }
            if s.weight < self.dist[v] {
                self.dist[v] = s.weight;
                self.parent[v] = SEED + i;
            }
        }
    }

    /// Relaxes the arcs of `v` (settled) with the weights `weights` (up or down).
    #[inline]
    pub(super) fn relax(&mut self, cch: &Cch, weights: &[u64], v: u32) {
        let d = self.dist[v as usize];
        for a in cch.arcs_of(v) {
            let nd = d.saturating_add(weights[a]);
            let w = cch.head[a] as usize;
            if nd < self.dist[w] {
                if self.dist[w] == INF {
                    self.touched.push(cch.head[a]);
                }
                self.dist[w] = nd;
                self.parent[w] = u32::try_from(a).expect("arc ids are u32");
            }
        }
    }
}

/// The union of the elimination-tree paths from the seed nodes (a point's edge and twin, and
/// for a target the copies of those edges made for turn restrictions), in increasing rank.
pub(super) struct TreePath<'a> {
    parent: &'a [u32],
    at: Vec<u32>,
}

impl<'a> TreePath<'a> {
    pub(super) fn new(cch: &'a Cch, seeds: &Seeds) -> Self {
        Self {
            parent: &cch.parent,
            at: seeds.iter().map(|(_, s)| s.node).collect(),
        }
    }
}

impl Iterator for TreePath<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let v = self.at.iter().copied().min().unwrap_or(NONE);
        if v == NONE {
            return None;
        }
        for a in &mut self.at {
            if *a == v {
                *a = self.parent[v as usize];
            }
        }
        Some(v)
    }
}

impl CchMetric {
    /// Checks the pairing of metric, structure and graph, and the two points.
    pub(super) fn check(
        &self,
        cch: &Cch,
        graph: &RoadGraph,
        points: &[EdgePoint],
    ) -> Result<(), RouteError> {
        cch.check_graph(graph)?;
        if self.up.len() != cch.head.len() || self.fingerprint != cch.fingerprint {
            return Err(RouteError::GraphMismatch {
                what: "metric arcs",
                found: self.up.len() as u64,
                expected: cch.head.len() as u64,
            });
        }
        points.iter().try_for_each(|p| p.validate(graph))
    }

    /// Seeds of a validated source point, without the directions whose edge is blocked,
    /// renamed into the hierarchy.
    pub(super) fn source_seeds(&self, cch: &Cch, graph: &RoadGraph, p: EdgePoint) -> Seeds {
        edge_point::source_seeds(graph, p)
            .without(|e| self.is_blocked(EdgeId(e)))
            .relabel(&cch.rank)
    }

    /// As [`CchMetric::source_seeds`] for a target point.
    pub(super) fn target_seeds(&self, cch: &Cch, graph: &RoadGraph, p: EdgePoint) -> Seeds {
        edge_point::target_seeds(graph, p)
            .without(|e| self.is_blocked(EdgeId(e)))
            .relabel(&cch.rank)
    }

    /// The best way along one unblocked edge from `from` to `to`, when the target lies ahead.
    pub(super) fn direct(
        &self,
        graph: &RoadGraph,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Option<(u64, u32, f64, f64)> {
        direct_avoiding(graph, from, to, |e| self.is_blocked(e))
    }

    /// Cost of the fastest route from `from` to `to` avoiding the blocked edges, `None` when
    /// there is none. Allocates nothing; visits the elimination-tree paths of both ends, or
    /// looks them up in the labels when the metric has them ([`CchMetric::with_labels`]).
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] / [`RouteError::InvalidFraction`] for a bad point,
    /// [`RouteError::GraphMismatch`] when `cch`, `graph` and the metric do not belong
    /// together.
    pub fn query(
        &self,
        cch: &Cch,
        graph: &RoadGraph,
        space: &mut CchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        if let Some(cost) = self.lookup(cch, graph, from, to)? {
            return Ok(cost);
        }
        Ok(self
            .search(cch, graph, space, from, to)?
            .map(|(w, _)| unpack(w)))
    }

    /// The fastest route from `from` to `to` avoiding the blocked edges: cost, original
    /// edges and geometry; `None` when there is none.
    ///
    /// # Errors
    /// As [`CchMetric::query`].
    pub fn route(
        &self,
        cch: &Cch,
        graph: &RoadGraph,
        space: &mut CchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Path>, RouteError> {
        let Some((w, meet)) = self.search(cch, graph, space, from, to)? else {
            return Ok(None);
        };
        let x = match meet {
            Meet::Direct(e, fs, ft) => return Ok(Some(build_path(graph, w, &[e], fs, ft))),
            Meet::Node(x) => x,
        };
        let src = self.source_seeds(cch, graph, from);
        let dst = self.target_seeds(cch, graph, to);
        // Arcs from the meeting node down to the source, then down to the target.
        let mut up_chain = Vec::new();
        let mut v = x;
        let mut p = space.fwd.parent[v as usize];
        while p < SEED {
            up_chain.push(p);
            v = cch.tail[p as usize];
            p = space.fwd.parent[v as usize];
        }
        let s = src
            .get(p.wrapping_sub(SEED))
            .expect("a forward chain ends at a source seed");
        let mut edges = vec![s.edge];
        let mut stack = Vec::new();
        for &a in up_chain.iter().rev() {
            self.unpack_into(cch, Step::Up(a), &mut stack, &mut edges);
        }
        let mut v = x;
        let mut p = space.bwd.parent[v as usize];
        while p < SEED {
            self.unpack_into(cch, Step::Down(p), &mut stack, &mut edges);
            v = cch.tail[p as usize];
            p = space.bwd.parent[v as usize];
        }
        let t = dst
            .get(p.wrapping_sub(SEED))
            .expect("a backward chain ends at a target seed");
        edges.push(t.edge);
        Ok(Some(build_path(graph, w, &edges, s.fraction, t.fraction)))
    }

    /// Appends the original edges of an arc in one direction, in driving order.
    fn unpack_into(&self, cch: &Cch, step: Step, stack: &mut Vec<Step>, out: &mut Vec<u32>) {
        stack.push(step);
        while let Some(step) = stack.pop() {
            let (a, via) = match step {
                Step::Up(a) => (a, self.up_via[a as usize]),
                Step::Down(a) => (a, self.down_via[a as usize]),
            };
            if via & EDGE_BIT != 0 {
                out.push(via & !EDGE_BIT);
                continue;
            }
            // Arc {x, y} (x below y) through the middle node `via` below both.
            let (x, y) = (cch.tail[a as usize], cch.head[a as usize]);
            let vx = cch.arc(via, x).expect("a triangle's arcs exist");
            let vy = cch.arc(via, y).expect("a triangle's arcs exist");
            match step {
                // x → via → y: push the second half first.
                Step::Up(_) => {
                    stack.push(Step::Up(vy));
                    stack.push(Step::Down(vx));
                }
                // y → via → x.
                Step::Down(_) => {
                    stack.push(Step::Up(vx));
                    stack.push(Step::Down(vy));
                }
            }
        }
    }

    /// Both walks, interleaved by rank: the packed weight and meeting of the best route.
    fn search(
        &self,
        cch: &Cch,
        graph: &RoadGraph,
        space: &mut CchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<(u64, Meet)>, RouteError> {
        self.check(cch, graph, &[from, to])?;
        space.fit(cch);
        space.fwd.clear();
        space.bwd.clear();
        let src = self.source_seeds(cch, graph, from);
        let dst = self.target_seeds(cch, graph, to);
        let mut best: (u64, Option<Meet>) = match self.direct(graph, from, to) {
            Some((w, e, fs, ft)) => (w, Some(Meet::Direct(e, fs, ft))),
            None => (INF, None),
        };
        space.fwd.seed(&src);
        space.bwd.seed(&dst);
        let (mut up, mut down) = (TreePath::new(cch, &src), TreePath::new(cch, &dst));
        let (mut u, mut d) = (up.next(), down.next());
        loop {
            let v = match (u, d) {
                (None, None) => break,
                (Some(a), Some(b)) => a.min(b),
                (Some(a), None) => a,
                (None, Some(b)) => b,
            };
            let (on_up, on_down) = (u == Some(v), d == Some(v));
            if on_up && on_down {
                let total = space.fwd.dist[v as usize].saturating_add(space.bwd.dist[v as usize]);
                if total < best.0 {
                    best = (total, Some(Meet::Node(v)));
                }
            }
            // A label no better than the best route cannot improve it (weights are >= 0).
            if on_up {
                if space.fwd.dist[v as usize] < best.0 {
                    space.fwd.relax(cch, &self.up, v);
                }
                u = up.next();
            }
            if on_down {
                if space.bwd.dist[v as usize] < best.0 {
                    space.bwd.relax(cch, &self.down, v);
                }
                d = down.next();
            }
        }
        Ok(best.1.map(|m| (best.0, m)))
    }
}

/// One arc to unpack, in the direction driven.
#[derive(Clone, Copy, Debug)]
enum Step {
    Up(u32),
    Down(u32),
}
