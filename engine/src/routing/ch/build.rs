//! Contraction: node ordering and shortcuts (Geisberger, Sanders, Schultes, Delling 2008).
//!
//! Nodes are contracted in rounds. Each round takes the nodes whose priority is a strict
//! local minimum among their remaining neighbours (an independent set, Vetter 2009), marks
//! them contracted, and computes their shortcuts in parallel with rayon: for every in-edge
//! `u → v` and out-edge `v → w` of a node `v`, the shortcut `u → w` is needed unless a
//! witness search from `u` that avoids every marked node finds a path to `w` no heavier
//! than the two edges. Avoiding the whole round's set is what makes contracting it at once
//! exact: a shortest path through round nodes can be rebuilt from shortcuts and witnesses
//! that avoid them, one round node at a time. Witness searches are bounded (settled nodes,
//! hops); when a bound stops one, the shortcut is added, which is always safe.
//!
//! The priority of a node combines the usual terms: the edge difference (as the ratio of
//! shortcuts added to edges removed), the original edges they stand for (the hop ratio),
//! the number of contracted neighbours, and the depth of the hierarchy below the node.
//! Priorities are updated lazily: only the neighbours of a round's nodes are re-simulated.
//!
//! When a node is contracted, its remaining out-edges become its upward edges and its
//! remaining in-edges its downward edges (stored at it, for the backward search). A
//! shortcut keeps its two children: the downward edge `u → v` and the upward edge `v → w`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rayon::prelude::*;

use super::{ContractionHierarchy, Csr, ORIGINAL, graph_fingerprint};
use crate::graph::RoadGraph;
use crate::routing::RouteError;
use crate::routing::dijkstra::check_size;
use crate::routing::edge_point::edge_weight;
use crate::routing::per_worker::PerWorker;
use crate::routing::search_space::INF;

/// Tuning of the contraction: witness-search bounds and priority weights.
///
/// Larger witness bounds give fewer shortcuts and faster queries for a slower build. The
/// priority of a node is `edge_quotient × shortcuts / edges removed + hop_quotient ×
/// original edges added / original edges removed + depth × depth in the hierarchy +
/// contracted_neighbours × contracted neighbours`; smaller is contracted first.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ContractionParams {
    /// Nodes a witness search may settle when contracting.
    pub settle_limit: usize,
    /// Nodes a witness search may settle when estimating a priority.
    pub priority_settle_limit: usize,
    /// Edges a witness path may have.
    pub hop_limit: u8,
    /// Weight of the edge quotient (shortcuts added / edges removed).
    pub edge_quotient: f32,
    /// Weight of the original-edge quotient (hops added / hops removed).
    pub hop_quotient: f32,
    /// Weight of the depth of the node in the hierarchy built so far.
    pub depth: f32,
    /// Weight of the number of contracted neighbours.
    pub contracted_neighbours: f32,
}

impl Default for ContractionParams {
    /// Measured on Porto (see BENCHMARKS.md): the edge quotient and a light depth term give
    /// the fastest queries; the hop quotient and contracted-neighbour terms did not help
    /// there, so they start at zero. Priority estimates need only tiny witness searches
    /// (10 settled nodes): larger ones tripled the build time for no faster queries.
    fn default() -> Self {
        Self {
            settle_limit: 300,
            priority_settle_limit: 10,
            hop_limit: 5,
            edge_quotient: 1.0,
            hop_quotient: 0.0,
            depth: 0.2,
            contracted_neighbours: 0.0,
        }
    }
}

type Params = ContractionParams;

/// An edge of the graph being contracted.
#[derive(Clone, Copy, Debug)]
struct WEdge {
    /// The other end (head of an out-edge, tail of an in-edge).
    node: u32,
    weight: u64,
    /// Original edges it stands for.
    hops: u32,
    /// Original edge id, or the downward child of a shortcut.
    a: u32,
    /// [`ORIGINAL`], or the upward child of a shortcut.
    b: u32,
}

/// A shortcut `from → to` through the node being contracted, which reaches it by its
/// in-edge number `in_pos` and leaves it by its out-edge number `out_pos`.
#[derive(Clone, Copy, Debug)]
struct Shortcut {
    from: u32,
    to: u32,
    weight: u64,
    hops: u32,
    in_pos: u32,
    out_pos: u32,
}

/// Inserts `e`, or lowers the weight of the parallel edge already there.
fn upsert(list: &mut Vec<WEdge>, e: WEdge) {
    if let Some(x) = list.iter_mut().find(|x| x.node == e.node) {
        if e.weight < x.weight {
            *x = e;
        }
    } else {
        list.push(e);
    }
}

/// The remaining graph.
struct Work {
    out: Vec<Vec<WEdge>>,
    inn: Vec<Vec<WEdge>>,
    contracted: Vec<bool>,
}

/// Per-thread state of the witness searches.
struct Witness {
    dist: Vec<u64>,
    hops: Vec<u8>,
    stamp: Vec<u32>,
    target: Vec<u32>,
    generation: u32,
    heap: BinaryHeap<Reverse<(u64, u32)>>,
    shortcuts: Vec<Shortcut>,
}

impl Witness {
    fn new(n: usize) -> Self {
        Self {
            dist: vec![INF; n],
            hops: vec![0; n],
            stamp: vec![0; n],
            target: vec![0; n],
            generation: 0,
            heap: BinaryHeap::new(),
            shortcuts: Vec::new(),
        }
    }

    fn dist(&self, v: u32) -> u64 {
        if self.stamp[v as usize] == self.generation {
            self.dist[v as usize]
        } else {
            INF
        }
    }

    fn next_generation(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.stamp.fill(0);
            self.target.fill(0);
            self.generation = 1;
        }
        self.heap.clear();
    }

    /// Dijkstra from `source` avoiding `avoid` and contracted nodes, until every target is
    /// settled, the key passes `bound`, or a limit is reached.
    #[expect(clippy::too_many_arguments, reason = "one private hot function")]
    fn search(
        &mut self,
        work: &Work,
        source: u32,
        avoid: u32,
        bound: u64,
        mut targets: usize,
        settle_limit: usize,
        hop_limit: u8,
    ) {
        let g = self.generation;
        self.stamp[source as usize] = g;
        self.dist[source as usize] = 0;
        self.hops[source as usize] = 0;
        self.heap.push(Reverse((0, source)));
        let mut settled = 0;
        while let Some(Reverse((d, x))) = self.heap.pop() {
            if d != self.dist(x) {
                continue;
            }
            if d > bound || settled >= settle_limit {
                break;
            }
            settled += 1;
            if self.target[x as usize] == g {
                targets -= 1;
                if targets == 0 {
                    break;
                }
            }
            let h = self.hops[x as usize];
            if h >= hop_limit {
                continue;
            }
            for e in &work.out[x as usize] {
                let y = e.node;
                if y == avoid || work.contracted[y as usize] {
                    continue;
                }
                let nd = d.saturating_add(e.weight);
                if nd < self.dist(y) {
                    self.stamp[y as usize] = g;
                    self.dist[y as usize] = nd;
                    self.hops[y as usize] = h + 1;
                    self.heap.push(Reverse((nd, y)));
                }
            }
        }
    }

    /// Fills `self.shortcuts` with the shortcuts contracting `v` needs.
    fn shortcuts_of(&mut self, work: &Work, v: u32, settle_limit: usize, hop_limit: u8) {
        self.shortcuts.clear();
        let (inn, out) = (&work.inn[v as usize], &work.out[v as usize]);
        for (i, ein) in (0u32..).zip(inn) {
            let u = ein.node;
            if work.contracted[u as usize] {
                continue;
            }
            self.next_generation();
            let g = self.generation;
            let mut targets = 0;
            let mut max_out = 0;
            for eout in out {
                let w = eout.node;
                if w != u && !work.contracted[w as usize] && self.target[w as usize] != g {
                    self.target[w as usize] = g;
                    targets += 1;
                    max_out = max_out.max(eout.weight);
                }
            }
            if targets == 0 {
                continue;
            }
            let bound = ein.weight.saturating_add(max_out);
            self.search(work, u, v, bound, targets, settle_limit, hop_limit);
            for (j, eout) in (0u32..).zip(out) {
                let w = eout.node;
                if w == u || work.contracted[w as usize] {
                    continue;
                }
                let via = ein.weight.saturating_add(eout.weight);
                if self.dist(w) > via {
                    let hops = ein.hops.saturating_add(eout.hops);
                    self.shortcuts.push(Shortcut {
                        from: u,
                        to: w,
                        weight: via,
                        hops,
                        in_pos: i,
                        out_pos: j,
                    });
                }
            }
        }
    }

    /// Priority of `v` in the current graph (smaller is contracted earlier).
    fn priority(
        &mut self,
        work: &Work,
        v: u32,
        depth: u32,
        contracted_neighbours: u32,
        p: Params,
    ) -> f32 {
        self.shortcuts_of(work, v, p.priority_settle_limit, p.hop_limit);
        let (inn, out) = (&work.inn[v as usize], &work.out[v as usize]);
        let removed = inn.len() + out.len();
        let removed_hops: u64 = inn.iter().chain(out).map(|e| u64::from(e.hops)).sum();
        let added = self.shortcuts.len();
        let added_hops: u64 = self.shortcuts.iter().map(|s| u64::from(s.hops)).sum();
        #[expect(clippy::cast_precision_loss, reason = "a heuristic score")]
        let ratio = |a: u64, b: u64| a as f32 / b.max(1) as f32;
        #[expect(clippy::cast_precision_loss, reason = "a heuristic score")]
        let score = p.edge_quotient * ratio(added as u64, removed as u64)
            + p.hop_quotient * ratio(added_hops, removed_hops)
            + p.depth * depth as f32
            + p.contracted_neighbours * contracted_neighbours as f32;
        score
    }
}

impl ContractionHierarchy {
    /// Builds the hierarchy of `graph` (all cores, via rayon).
    ///
    /// Deterministic: the same graph gives the same hierarchy whatever the thread count.
    ///
    /// # Errors
    /// [`RouteError::TooLarge`] when the graph exceeds the id space of the hierarchy
    /// (2³¹ nodes or edges).
    pub fn build(graph: &RoadGraph) -> Result<Self, RouteError> {
        Self::build_with(graph, &ContractionParams::default())
    }

    /// [`ContractionHierarchy::build`] with other witness bounds and priority weights.
    ///
    /// # Errors
    /// As [`ContractionHierarchy::build`].
    pub fn build_with(graph: &RoadGraph, params: &ContractionParams) -> Result<Self, RouteError> {
        let p = *params;
        check_size(graph)?;
        let n = graph.num_nodes();
        let limit = (ORIGINAL >> 1) as usize;
        if graph.num_edges() > limit {
            return Err(RouteError::TooLarge {
                what: "edges",
                count: graph.num_edges(),
                limit,
            });
        }
        let mut work = Work {
            out: vec![Vec::new(); n],
            inn: vec![Vec::new(); n],
            contracted: vec![false; n],
        };
        for (e, (&t, &h)) in (0u32..).zip(graph.tails().iter().zip(graph.heads())) {
            if t != h {
                let weight = edge_weight(graph, e);
                upsert(
                    &mut work.out[t as usize],
                    WEdge {
                        node: h,
                        weight,
                        hops: 1,
                        a: e,
                        b: ORIGINAL,
                    },
                );
                upsert(
                    &mut work.inn[h as usize],
                    WEdge {
                        node: t,
                        weight,
                        hops: 1,
                        a: e,
                        b: ORIGINAL,
                    },
                );
            }
        }
        let mut depth = vec![0u32; n];
        let mut cn = vec![0u32; n];
        let pool = PerWorker::new(|| Witness::new(n));
        let all: Vec<u32> = (0..u32::try_from(n).expect("n checked above")).collect();
        let mut prio: Vec<f32> = all
            .par_iter()
            .map(|&v| pool.with(|ws| ws.priority(&work, v, 0, 0, p)))
            .collect();
        let mut remaining = all;
        let mut rank = vec![0u32; n];
        let mut next_rank = 0u32;
        let mut up = Frozen::default();
        let mut down = Frozen::default();
        let mut touched = vec![false; n];
        while !remaining.is_empty() {
            let key = |v: u32| (prio[v as usize], v);
            let is_min = |v: &u32| {
                let k = key(*v);
                let (inn, out) = (&work.inn[*v as usize], &work.out[*v as usize]);
                inn.iter()
                    .chain(out)
                    .all(|e| k.0.total_cmp(&key(e.node).0).then(k.1.cmp(&e.node)).is_lt())
            };
            let batch: Vec<u32> = remaining.par_iter().copied().filter(is_min).collect();
            for &v in &batch {
                work.contracted[v as usize] = true;
            }
            let shortcuts: Vec<Vec<Shortcut>> = batch
                .par_iter()
                .map(|&v| {
                    pool.with(|ws| {
                        ws.shortcuts_of(&work, v, p.settle_limit, p.hop_limit);
                        ws.shortcuts.clone()
                    })
                })
                .collect();
            let mut neighbours = Vec::new();
            for (&v, scs) in batch.iter().zip(&shortcuts) {
                rank[v as usize] = next_rank;
                next_rank += 1;
                let inn = std::mem::take(&mut work.inn[v as usize]);
                let out = std::mem::take(&mut work.out[v as usize]);
                let base_down = down.len()?;
                let base_up = up.len()?;
                down.extend(v, &inn);
                up.extend(v, &out);
                // Both still index in u32 below ORIGINAL, so `base + pos` cannot overflow.
                down.len()?;
                up.len()?;
                for s in scs {
                    let (a, b) = (base_down + s.in_pos, base_up + s.out_pos);
                    let e = WEdge {
                        node: s.to,
                        weight: s.weight,
                        hops: s.hops,
                        a,
                        b,
                    };
                    upsert(&mut work.out[s.from as usize], e);
                    upsert(&mut work.inn[s.to as usize], WEdge { node: s.from, ..e });
                }
                for e in &inn {
                    work.out[e.node as usize].retain(|x| x.node != v);
                }
                for e in &out {
                    work.inn[e.node as usize].retain(|x| x.node != v);
                }
                for e in inn.iter().chain(&out) {
                    let u = e.node as usize;
                    depth[u] = depth[u].max(depth[v as usize] + 1);
                    cn[u] += 1;
                    if !touched[u] {
                        touched[u] = true;
                        neighbours.push(e.node);
                    }
                }
            }
            let updated: Vec<f32> = neighbours
                .par_iter()
                .map(|&u| {
                    pool.with(|ws| ws.priority(&work, u, depth[u as usize], cn[u as usize], p))
                })
                .collect();
            for (&u, pr) in neighbours.iter().zip(updated) {
                prio[u as usize] = pr;
                touched[u as usize] = false;
            }
            remaining.retain(|&v| !work.contracted[v as usize]);
        }
        let (up, up_perm) = up.relabel(&rank).into_csr(n);
        let (mut down, down_perm) = down.relabel(&rank).into_csr(n);
        let mut up = up;
        for csr in [&mut up, &mut down] {
            for (a, b) in csr.a.iter_mut().zip(&mut csr.b) {
                if *b != ORIGINAL {
                    *a = down_perm[*a as usize];
                    *b = up_perm[*b as usize];
                }
            }
        }
        Ok(Self::assemble(
            u32::try_from(graph.num_edges()).expect("checked above"),
            graph_fingerprint(graph),
            rank,
            up,
            down,
        ))
    }
}

/// Edges frozen when their owner was contracted, in contraction order.
#[derive(Default)]
struct Frozen {
    owner: Vec<u32>,
    node: Vec<u32>,
    weight: Vec<u64>,
    a: Vec<u32>,
    b: Vec<u32>,
}

impl Frozen {
    /// Number of edges, which must stay below [`ORIGINAL`] (edge indices are `u32`).
    fn len(&self) -> Result<u32, RouteError> {
        let count = self.owner.len();
        u32::try_from(count)
            .ok()
            .filter(|&c| c < ORIGINAL)
            .ok_or(RouteError::TooLarge {
                what: "hierarchy edges",
                count,
                limit: ORIGINAL as usize - 1,
            })
    }

    fn extend(&mut self, owner: u32, edges: &[WEdge]) {
        for e in edges {
            self.owner.push(owner);
            self.node.push(e.node);
            self.weight.push(e.weight);
            self.a.push(e.a);
            self.b.push(e.b);
        }
    }

    /// The same edges with their nodes numbered by `rank` (see [`ContractionHierarchy`]).
    fn relabel(mut self, rank: &[u32]) -> Self {
        for v in self.owner.iter_mut().chain(&mut self.node) {
            *v = rank[*v as usize];
        }
        self
    }

    /// Groups the edges by owner (counting sort); returns the CSR and `perm[old] = new`.
    fn into_csr(self, n: usize) -> (Csr, Vec<u32>) {
        let mut first = vec![0u32; n + 1];
        for &o in &self.owner {
            first[o as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        let mut next = first.clone();
        let m = self.owner.len();
        let mut perm = vec![0u32; m];
        let mut csr = Csr {
            first,
            owner: vec![0; m],
            node: vec![0; m],
            weight: vec![0; m],
            a: vec![0; m],
            b: vec![0; m],
        };
        for (old, &o) in self.owner.iter().enumerate() {
            let new = next[o as usize];
            next[o as usize] += 1;
            perm[old] = new;
            let i = new as usize;
            csr.owner[i] = o;
            csr.node[i] = self.node[old];
            csr.weight[i] = self.weight[old];
            csr.a[i] = self.a[old];
            csr.b[i] = self.b[old];
        }
        (csr, perm)
    }
}
