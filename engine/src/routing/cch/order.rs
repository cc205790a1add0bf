//! The metric-independent node order: nested dissection by inertial flow.
//!
//! A connected piece of the road network is cut by a small set of nodes (a *separator*);
//! the separator is ordered last (it becomes the top of the hierarchy) and each remaining
//! connected piece is ordered recursively below it, so every shortest path between two
//! pieces climbs through the separator. The separator is found by inertial flow (Schild and
//! Sommer 2015, "On Balanced Separators in Road Networks"): the nodes are sorted along a few
//! directions of the map; for each direction the first quarter is joined to a source and the
//! last quarter to a sink, and a maximum flow with unit node capacities (Dinic 1970, on the
//! node-split network) gives a minimum node cut between them (Menger). The smallest cut of
//! the directions wins. Pieces of at most [`LEAF_SIZE`] nodes are ordered as they come.
//!
//! Cost: one max-flow per direction and piece, `O(cut × (n + m))` at worst per level; the
//! flow of a direction stops as soon as it exceeds the best cut found so far.

#![expect(
    clippy::cast_possible_truncation,
    reason = "pieces and their flow networks index u32 node ids (checked by check_size), 2k + 2 < 2^32 nodes"
)]

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use rayon::prelude::*;

use crate::graph::RoadGraph;

/// Pieces of at most this many nodes are not cut further.
pub(crate) const LEAF_SIZE: usize = 24;

/// Share of a piece joined to the source (and to the sink) along a direction.
const SIDE_SHARE: f64 = 0.25;

const NONE: u32 = u32::MAX;
const INF_CAP: i32 = i32::MAX / 2;

/// The undirected simple graph under the road graph: neighbours of each node, sorted,
/// without loops or repeats.
pub(crate) struct Undirected {
    pub(crate) first: Vec<u32>,
    pub(crate) adj: Vec<u32>,
}

impl Undirected {
    pub(crate) fn of(g: &RoadGraph) -> Self {
        let n = g.num_nodes();
        let mut pairs: Vec<(u32, u32)> = g
            .tails()
            .iter()
            .zip(g.heads())
            .filter(|(t, h)| t != h)
            .flat_map(|(&t, &h)| [(t, h), (h, t)])
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut first = vec![0u32; n + 1];
        for &(t, _) in &pairs {
            first[t as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        Self {
            first,
            adj: pairs.into_iter().map(|(_, h)| h).collect(),
        }
    }

    pub(crate) fn neighbours(&self, v: u32) -> &[u32] {
        &self.adj[self.first[v as usize] as usize..self.first[v as usize + 1] as usize]
    }
}

/// The nested-dissection order of `g`: `order[i]` is the node eliminated `i`-th.
///
/// The pieces left by a separator are ordered in parallel (rayon); each piece marks its
/// nodes with its own tag, so concurrent pieces never read each other's marks.
pub(crate) fn nested_dissection(g: &RoadGraph) -> Vec<u32> {
    let n = g.num_nodes();
    let graph = Undirected::of(g);
    let lat_scale = {
        let mean_lat = if n == 0 {
            0.0
        } else {
            g.node_lat.iter().map(|&y| f64::from(y)).sum::<f64>() / n as f64 * 1e-7
        };
        mean_lat.to_radians().cos().max(0.01)
    };
    let xy: Vec<(f64, f64)> = g
        .node_lon
        .iter()
        .zip(&g.node_lat)
        .map(|(&x, &y)| (f64::from(x) * lat_scale, f64::from(y)))
        .collect();
    let ctx = Dissection {
        graph: &graph,
        xy: &xy,
        marks: (0..n).map(|_| AtomicU64::new(u64::MAX)).collect(),
        next_tag: AtomicU32::new(0),
    };
    let all: Vec<u32> = (0..u32::try_from(n).expect("node ids are u32")).collect();
    let order = ctx.order_components(&all);
    debug_assert_eq!(order.len(), n);
    order
}

struct Dissection<'a> {
    graph: &'a Undirected,
    xy: &'a [(f64, f64)],
    /// Per node: the tag of the piece that marked it (high 32 bits) and the node's index in
    /// that piece (low 32 bits).
    marks: Vec<AtomicU64>,
    next_tag: AtomicU32,
}

/// A piece's view of the marks: which nodes are its own, and their index in it.
struct Marked<'d> {
    marks: &'d [AtomicU64],
    tag: u32,
}

impl Marked<'_> {
    /// Index of `v` in the piece, [`NONE`] when `v` lies outside it.
    #[inline]
    fn local(&self, v: u32) -> u32 {
        let m = self.marks[v as usize].load(Ordering::Relaxed);
        if (m >> 32) as u32 == self.tag {
            m as u32
        } else {
            NONE
        }
    }
}

impl Dissection<'_> {
    /// Marks `nodes` with a fresh tag (index = position in `nodes`).
    fn mark(&self, nodes: &[u32]) -> Marked<'_> {
        let tag = self.next_tag.fetch_add(1, Ordering::Relaxed);
        for (i, &v) in (0u32..).zip(nodes) {
            self.marks[v as usize].store(u64::from(tag) << 32 | u64::from(i), Ordering::Relaxed);
        }
        Marked {
            marks: &self.marks,
            tag,
        }
    }

    /// The order of the nodes of `nodes`, whatever their connectivity: its connected
    /// components one after the other, each ordered in parallel.
    fn order_components(&self, nodes: &[u32]) -> Vec<u32> {
        let comps = self.components(nodes);
        if comps.len() == 1 {
            return self.order_piece(comps.into_iter().next().unwrap_or_default());
        }
        comps
            .into_par_iter()
            .map(|c| self.order_piece(c))
            .collect::<Vec<Vec<u32>>>()
            .concat()
    }

    /// The order of a connected piece: its pieces without the separator, then the separator.
    fn order_piece(&self, piece: Vec<u32>) -> Vec<u32> {
        if piece.len() <= LEAF_SIZE {
            return piece;
        }
        let separator = self.separator(&piece);
        let cut = self.mark(&separator);
        let rest: Vec<u32> = piece
            .iter()
            .copied()
            .filter(|&v| cut.local(v) == NONE)
            .collect();
        let mut order = self.order_components(&rest);
        order.extend_from_slice(&separator);
        order
    }

    /// The connected components of the subgraph induced by `nodes`.
    fn components(&self, nodes: &[u32]) -> Vec<Vec<u32>> {
        let marked = self.mark(nodes);
        let mut seen = vec![false; nodes.len()];
        let mut out = Vec::new();
        for (i, &s) in nodes.iter().enumerate() {
            if seen[i] {
                continue;
            }
            seen[i] = true;
            let mut comp = vec![s];
            let mut k = 0;
            while k < comp.len() {
                let u = comp[k];
                k += 1;
                for &w in self.graph.neighbours(u) {
                    let l = marked.local(w);
                    if l != NONE && !seen[l as usize] {
                        seen[l as usize] = true;
                        comp.push(w);
                    }
                }
            }
            out.push(comp);
        }
        out
    }

    /// A small node cut of a connected piece: the smallest of the inertial-flow cuts along
    /// four directions (ties: the most balanced).
    fn separator(&self, piece: &[u32]) -> Vec<u32> {
        let marked = self.mark(piece);
        let mut net = Network::new(self.graph, &marked, piece);
        let k = piece.len();
        let side = ((k as f64 * SIDE_SHARE).ceil() as usize).clamp(1, k / 2);
        let mut best: Option<(Vec<u32>, usize)> = None;
        for (dx, dy) in [(1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, -1.0)] {
            let mut by_key: Vec<u32> = (0..u32::try_from(k).expect("piece fits u32")).collect();
            let key = |i: u32| {
                let (x, y) = self.xy[piece[i as usize] as usize];
                x * dx + y * dy
            };
            by_key.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
            let bound = best.as_ref().map_or(usize::MAX, |b| b.0.len());
            net.reset(&by_key[..side], &by_key[k - side..]);
            if let Some(cut) = net.min_cut(bound) {
                let balance = cut_balance(&cut, &by_key, k);
                let better = best.as_ref().is_none_or(|(c, b)| {
                    cut.len() < c.len() || (cut.len() == c.len() && balance > *b)
                });
                if better {
                    best = Some((cut, balance));
                }
            }
        }
        let cut = best.map(|b| b.0).unwrap_or_default();
        if cut.is_empty() {
            // Unreachable for a connected piece (some node carries a unit of flow), kept as a
            // guard: the last node alone still makes progress.
            return vec![piece[k - 1]];
        }
        cut.into_iter().map(|i| piece[i as usize]).collect()
    }
}

/// How even a cut leaves the piece: the smaller share of cut positions below and above the
/// median of the sorted order (a rough proxy, for tie-breaking only).
fn cut_balance(cut: &[u32], by_key: &[u32], k: usize) -> usize {
    let mut pos = vec![0usize; k];
    for (p, &i) in by_key.iter().enumerate() {
        pos[i as usize] = p;
    }
    let mean = cut.iter().map(|&i| pos[i as usize]).sum::<usize>() / cut.len().max(1);
    mean.min(k - mean)
}

/// The node-split flow network of a piece: node `i` becomes `in = 2i` and `out = 2i + 1`
/// joined by a unit arc; the source is `2k`, the sink `2k + 1`. Arcs are stored in pairs
/// (`a`, `a ^ 1`) with residual capacities.
struct Network {
    k: usize,
    first: Vec<u32>,
    to: Vec<u32>,
    /// Reverse of each arc (its position in the CSR).
    rev: Vec<u32>,
    cap: Vec<i32>,
    base_cap: Vec<i32>,
    /// Position of the arc source → in(i) and out(i) → sink.
    source_arc: Vec<u32>,
    sink_arc: Vec<u32>,
    level: Vec<u32>,
    next: Vec<u32>,
}

impl Network {
    fn new(graph: &Undirected, marked: &Marked<'_>, piece: &[u32]) -> Self {
        let k = piece.len();
        let (s, t) = (2 * k as u32, 2 * k as u32 + 1);
        // (from, to, capacity) of the forward arcs; each gets a zero-capacity reverse.
        let mut arcs: Vec<(u32, u32, i32)> = Vec::new();
        for (i, &v) in (0u32..).zip(piece) {
            arcs.push((2 * i, 2 * i + 1, 1));
            for &w in graph.neighbours(v) {
                let j = marked.local(w);
                if j != NONE {
                    arcs.push((2 * i + 1, 2 * j, INF_CAP));
                }
            }
            arcs.push((s, 2 * i, 0));
            arcs.push((2 * i + 1, t, 0));
        }
        let nodes = 2 * k + 2;
        let mut first = vec![0u32; nodes + 1];
        for &(a, b, _) in &arcs {
            first[a as usize + 1] += 1;
            first[b as usize + 1] += 1;
        }
        for i in 0..nodes {
            first[i + 1] += first[i];
        }
        let total = first[nodes] as usize;
        let mut fill = first.clone();
        let (mut to, mut rev, mut cap) = (vec![0; total], vec![0; total], vec![0; total]);
        let mut source_arc = vec![0; k];
        let mut sink_arc = vec![0; k];
        for &(a, b, c) in &arcs {
            let pa = fill[a as usize];
            fill[a as usize] += 1;
            let pb = fill[b as usize];
            fill[b as usize] += 1;
            (to[pa as usize], rev[pa as usize], cap[pa as usize]) = (b, pb, c);
            (to[pb as usize], rev[pb as usize], cap[pb as usize]) = (a, pa, 0);
            if a == s {
                source_arc[(b / 2) as usize] = pa;
            } else if b == t {
                sink_arc[(a / 2) as usize] = pa;
            }
        }
        Self {
            k,
            first,
            to,
            rev,
            base_cap: cap.clone(),
            cap,
            source_arc,
            sink_arc,
            level: vec![NONE; nodes],
            next: vec![0; nodes],
        }
    }

    /// Restores the capacities and joins `sources` to the source, `sinks` to the sink.
    fn reset(&mut self, sources: &[u32], sinks: &[u32]) {
        self.cap.copy_from_slice(&self.base_cap);
        for &i in sources {
            self.cap[self.source_arc[i as usize] as usize] = INF_CAP;
        }
        for &i in sinks {
            self.cap[self.sink_arc[i as usize] as usize] = INF_CAP;
        }
    }

    /// Breadth-first levels from the source over arcs with residual capacity; whether the
    /// sink was reached.
    fn levels(&mut self) -> bool {
        let s = 2 * self.k;
        self.level.fill(NONE);
        self.level[s] = 0;
        let mut queue = vec![s as u32];
        let mut head = 0;
        let t = s + 1;
        while head < queue.len() {
            let u = queue[head] as usize;
            head += 1;
            // Nodes as far as the sink or farther lie on no shortest augmenting path.
            if self.level[t] != NONE && self.level[u] >= self.level[t] {
                break;
            }
            for a in self.first[u] as usize..self.first[u + 1] as usize {
                let w = self.to[a] as usize;
                if self.cap[a] > 0 && self.level[w] == NONE {
                    self.level[w] = self.level[u] + 1;
                    queue.push(w as u32);
                }
            }
        }
        self.level[t] != NONE
    }

    /// The minimum node cut (piece indices) between the joined sources and sinks, or `None`
    /// when it has more than `bound` nodes.
    fn min_cut(&mut self, bound: usize) -> Option<Vec<u32>> {
        let (s, t) = (2 * self.k, 2 * self.k + 1);
        let mut flow = 0usize;
        let mut path: Vec<u32> = Vec::new();
        while self.levels() {
            let nodes = self.next.len();
            self.next.copy_from_slice(&self.first[..nodes]);
            // Blocking flow: depth-first along level-increasing arcs, one unit per path
            // (every path crosses a unit arc).
            loop {
                path.clear();
                let mut u = s;
                while u != t {
                    let end = self.first[u + 1];
                    let mut found = None;
                    while self.next[u] < end {
                        let a = self.next[u] as usize;
                        let w = self.to[a] as usize;
                        if self.cap[a] > 0 && self.level[w] == self.level[u] + 1 {
                            found = Some(a);
                            break;
                        }
                        self.next[u] += 1;
                    }
                    match found {
                        Some(a) => {
                            path.push(a as u32);
                            u = self.to[a] as usize;
                        }
                        None => {
                            // Dead end: never enter `u` again in this phase.
                            self.level[u] = NONE;
                            match path.pop() {
                                Some(a) => {
                                    u = self.to[self.rev[a as usize] as usize] as usize;
                                    self.next[u] += 1;
                                }
                                None => break,
                            }
                        }
                    }
                }
                if u != t {
                    break;
                }
                for &a in &path {
                    self.cap[a as usize] -= 1;
                    self.cap[self.rev[a as usize] as usize] += 1;
                }
                flow += 1;
                if flow > bound {
                    return None;
                }
            }
        }
        // The cut: nodes whose `in` the source still reaches and whose `out` it does not.
        Some(
            (0..self.k as u32)
                .filter(|&i| {
                    self.level[2 * i as usize] != NONE && self.level[2 * i as usize + 1] == NONE
                })
                .collect(),
        )
    }
}
