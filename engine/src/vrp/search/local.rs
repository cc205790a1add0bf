//! Local search: first-improvement descent over granular neighbourhoods (Toth & Vigo 2003) with
//! the classic operators, each move being one or two route concatenations evaluated by
//! [`RouteState::compose`] from the cached forward/backward route data (Vidal et al. 2013):
//!
//! - between two routes: relocate a segment of 1–3 stops (Or-opt), straight or reversed, after
//!   or before a neighbour; exchange segments of 1–3 stops (swap and cross-exchange, Taillard et
//!   al. 1997); 2-opt* (exchange of route tails, Potvin & Rousseau 1995), both ways;
//! - inside a route: relocate a segment of 1–3 stops, swap two stops, 2-opt (reverse a stretch).
//!
//! A move is tried for a stop `u` and each of its [`GRANULAR`] nearest stops `v`, shaped so that
//! `u` and `v` become adjacent (or trade places); the first improving one is applied and the
//! stops of the changed routes are queued again. O(1) per move between routes besides the moved
//! segments, O(length of the changed stretch) inside a route, so a pass is near-linear in the
//! number of stops.
//!
//! With shipments, a move that pays is applied only when every new route keeps each pickup
//! before its delivery on the same route ([`Search::pairs_kept`]); a stop only moves to a
//! vehicle it is compatible with. Emptying a route earns the vehicle's opening penalty, so
//! with vehicles first a route removal always wins.

use std::collections::VecDeque;

use rand::seq::SliceRandom as _;

use super::super::model::NONE;
use super::super::route::RouteState;
use super::Search;

/// Nearest stops tried per stop.
const GRANULAR: usize = 30;
/// Longest segment that Or-opt and cross-exchange move.
const MAX_SEGMENT: usize = 3;
/// Longest stretch an intra-route move walks.
const MAX_STRETCH: usize = 80;

/// A new route: the first `i` stops of route `x`, a middle part, then route `y`'s stops from
/// position `j` on (see [`RouteState::compose`]); it replaces route `x`.
#[derive(Clone, Copy, Debug)]
struct Part {
    x: usize,
    i: usize,
    y: usize,
    j: usize,
}

impl Part {
    /// Route `r` rebuilt from its own stops.
    fn within(r: usize, i: usize, j: usize) -> Part {
        Part { x: r, i, y: r, j }
    }
}

/// Reusable buffers of the local search.
#[derive(Debug, Default)]
pub(crate) struct LocalScratch {
    mid_a: Vec<u32>,
    mid_b: Vec<u32>,
    seq: Vec<u32>,
    queue: VecDeque<u32>,
    queued: Vec<bool>,
    /// Per pickup: the stamp of the last route walk that met it ([`Search::pairs_kept`]).
    pickup_seen: Vec<u64>,
    stamp: u64,
}

impl Search<'_> {
    /// Descends to a local optimum from the stops `seeds` (routed ones; others are ignored).
    /// Changed routes are recorded in the undo log.
    pub(crate) fn local_search(&mut self, seeds: &[u32]) {
        let mut ls = std::mem::take(&mut self.ls);
        let m = self.m;
        ls.queued.resize(m.n_nodes(), false);
        ls.pickup_seen.resize(m.n_nodes(), 0);
        let mut start: Vec<u32> = seeds
            .iter()
            .copied()
            .filter(|&u| self.pos[u as usize].0 != NONE)
            .collect();
        start.shuffle(&mut self.rng);
        for u in start {
            if !ls.queued[u as usize] {
                ls.queued[u as usize] = true;
                ls.queue.push_back(u);
            }
        }
        // Every applied move lowers the integer cost, so the descent ends; the cap only bounds
        // its length on huge instances.
        let mut moves_left = 50 * m.n_nodes() + 100;
        while let Some(u) = ls.queue.pop_front() {
            ls.queued[u as usize] = false;
            let Some(changed) = self.improve(u, &mut ls) else {
                continue;
            };
            for r in changed.into_iter().flatten() {
                for &w in &self.routes[r].nodes {
                    if !ls.queued[w as usize] {
                        ls.queued[w as usize] = true;
                        ls.queue.push_back(w);
                    }
                }
            }
            moves_left -= 1;
            if moves_left == 0 {
                break;
            }
        }
        for u in ls.queue.drain(..) {
            ls.queued[u as usize] = false;
        }
        self.ls = ls;
    }

    /// Tries the moves of stop `u` with its neighbours; applies the first improving one and
    /// returns the routes it changed.
    fn improve(&mut self, u: u32, ls: &mut LocalScratch) -> Option<[Option<usize>; 2]> {
        let m = self.m;
        let (r1, _) = self.pos[u as usize];
        if r1 == NONE {
            return None;
        }
        for &v in m.neighbours[u as usize].iter().take(GRANULAR) {
            let (r2, _) = self.pos[v as usize];
            if r2 == NONE {
                continue;
            }
            let found = if r1 == r2 {
                self.intra(u, v, ls)
            } else {
                self.inter(u, v, ls)
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    /// 1-based position of a routed stop and its route.
    fn at(&self, u: u32) -> (usize, usize) {
        let (r, k) = self.pos[u as usize];
        (r as usize, k as usize + 1)
    }

    /// Whether every stop of `nodes` may go on route `to`'s vehicle (coming from route
    /// `from`).
    fn allowed(&self, nodes: &[u32], from: usize, to: usize) -> bool {
        let m = self.m;
        let (vf, vt) = (self.routes[from].vehicle, self.routes[to].vehicle);
        m.all_compatible
            || m.vehicles[vf].class == m.vehicles[vt].class
            || nodes
                .iter()
                .all(|&u| m.compatible(m.node_task[u as usize] as usize, vt))
    }

    /// Moves between the routes of `u` and `v`.
    fn inter(&mut self, u: u32, v: u32, ls: &mut LocalScratch) -> Option<[Option<usize>; 2]> {
        let (r1, pu) = self.at(u);
        let (r2, pv) = self.at(v);
        let (n1, n2) = (self.routes[r1].len(), self.routes[r2].len());
        // 2-opt*: u then v (tails from v and after u swap), and v then u.
        if self.allowed(&self.routes[r2].nodes[pv - 1..], r2, r1)
            && self.allowed(&self.routes[r1].nodes[pu..], r1, r2)
            && let Some(c) = self.try_move(
                ls,
                Part {
                    x: r1,
                    i: pu,
                    y: r2,
                    j: pv,
                },
                false,
                Some(Part {
                    x: r2,
                    i: pv - 1,
                    y: r1,
                    j: pu + 1,
                }),
                false,
            )
        {
            return Some(c);
        }
        if self.allowed(&self.routes[r2].nodes[pv..], r2, r1)
            && self.allowed(&self.routes[r1].nodes[pu - 1..], r1, r2)
            && let Some(c) = self.try_move(
                ls,
                Part {
                    x: r1,
                    i: pu - 1,
                    y: r2,
                    j: pv + 1,
                },
                false,
                Some(Part {
                    x: r2,
                    i: pv,
                    y: r1,
                    j: pu,
                }),
                false,
            )
        {
            return Some(c);
        }
        // Or-opt / relocate: the segment starting at u goes next to v.
        for len in 1..=MAX_SEGMENT.min(n1 + 1 - pu) {
            let seg = &self.routes[r1].nodes[pu - 1..pu - 1 + len];
            if !self.allowed(seg, r1, r2) {
                break;
            }
            for reversed in [false, true] {
                if reversed && len == 1 {
                    continue;
                }
                for gap in [pv, pv - 1] {
                    ls.mid_b.clear();
                    ls.mid_b
                        .extend_from_slice(&self.routes[r1].nodes[pu - 1..pu - 1 + len]);
                    if reversed {
                        ls.mid_b.reverse();
                    }
                    if let Some(c) = self.try_move(
                        ls,
                        Part::within(r1, pu - 1, pu + len),
                        false,
                        Some(Part::within(r2, gap, gap + 1)),
                        true,
                    ) {
                        return Some(c);
                    }
                }
            }
        }
        // Swap and cross-exchange: the segments starting at u and at v trade places.
        for la in 1..=MAX_SEGMENT.min(n1 + 1 - pu) {
            if !self.allowed(&self.routes[r1].nodes[pu - 1..pu - 1 + la], r1, r2) {
                break;
            }
            for lb in 1..=MAX_SEGMENT.min(n2 + 1 - pv) {
                if !self.allowed(&self.routes[r2].nodes[pv - 1..pv - 1 + lb], r2, r1) {
                    break;
                }
                ls.mid_a.clear();
                ls.mid_a
                    .extend_from_slice(&self.routes[r2].nodes[pv - 1..pv - 1 + lb]);
                ls.mid_b.clear();
                ls.mid_b
                    .extend_from_slice(&self.routes[r1].nodes[pu - 1..pu - 1 + la]);
                if let Some(c) = self.try_move(
                    ls,
                    Part::within(r1, pu - 1, pu + la),
                    true,
                    Some(Part::within(r2, pv - 1, pv + lb)),
                    true,
                ) {
                    return Some(c);
                }
            }
        }
        None
    }

    /// Moves inside the route of `u` and `v`.
    fn intra(&mut self, u: u32, v: u32, ls: &mut LocalScratch) -> Option<[Option<usize>; 2]> {
        let (r, pu) = self.at(u);
        let (_, pv) = self.at(v);
        if pu.abs_diff(pv) > MAX_STRETCH {
            return None;
        }
        let n = self.routes[r].len();
        // 2-opt: reverse the stretch after the earlier of the two up to the later one, so that
        // they become adjacent.
        let (a, b) = (pu.min(pv), pu.max(pv));
        if b > a + 1 {
            ls.mid_a.clear();
            ls.mid_a.extend_from_slice(&self.routes[r].nodes[a..b]);
            ls.mid_a.reverse();
            if let Some(c) = self.try_intra(ls, r, a, b + 1) {
                return Some(c);
            }
        }
        // Swap.
        {
            let nodes = &self.routes[r].nodes;
            ls.mid_a.clear();
            ls.mid_a.push(nodes[b - 1]);
            ls.mid_a.extend_from_slice(&nodes[a..b - 1]);
            ls.mid_a.push(nodes[a - 1]);
            if let Some(c) = self.try_intra(ls, r, a - 1, b + 1) {
                return Some(c);
            }
        }
        // Or-opt: the segment starting at u goes after or before v.
        for len in 1..=MAX_SEGMENT.min(n + 1 - pu) {
            for gap in [pv, pv - 1] {
                let nodes = &self.routes[r].nodes;
                ls.mid_a.clear();
                let (i, j) = if gap > pu + len - 1 {
                    ls.mid_a.extend_from_slice(&nodes[pu + len - 1..gap]);
                    ls.mid_a.extend_from_slice(&nodes[pu - 1..pu - 1 + len]);
                    (pu - 1, gap + 1)
                } else if gap + 1 < pu {
                    ls.mid_a.extend_from_slice(&nodes[pu - 1..pu - 1 + len]);
                    ls.mid_a.extend_from_slice(&nodes[gap..pu - 1]);
                    (gap, pu + len)
                } else {
                    continue;
                };
                if let Some(c) = self.try_intra(ls, r, i, j) {
                    return Some(c);
                }
            }
        }
        None
    }

    /// [`Search::try_move`] on route `r` alone: its first `i` stops, `ls.mid_a`, then its stops
    /// from position `j` on.
    fn try_intra(
        &mut self,
        ls: &mut LocalScratch,
        r: usize,
        i: usize,
        j: usize,
    ) -> Option<[Option<usize>; 2]> {
        self.try_move(ls, Part::within(r, i, j), true, None, false)
    }

    /// New cost of a part (minus the opening penalty when it empties the route), or `None`
    /// when infeasible, and whether feasibility is decided: with breaks only the relaxation
    /// without them is checked (see [`RouteState::compose_relaxed`]), and
    /// [`Search::part_feasible`] decides once the move is known to pay.
    fn part_cost(&self, p: Part, mid: &[u32], seq: &mut Vec<u32>) -> Option<(i64, bool)> {
        let m = self.m;
        let (x, y) = (&self.routes[p.x], &self.routes[p.y]);
        let composed = RouteState::compose_relaxed(m, x, p.i, mid, y, p.j, seq)?;
        let cost = if p.i + mid.len() + y.len() + 1 == p.j {
            -m.vehicles[x.vehicle].open_penalty
        } else {
            RouteState::cost_of(m, x.vehicle, composed.stats, false)
        };
        Some((cost, composed.exact))
    }

    /// Whether a part is feasible by a full simulation (breaks included).
    fn part_feasible(&self, p: Part, mid: &[u32], seq: &mut Vec<u32>) -> bool {
        let (x, y) = (&self.routes[p.x], &self.routes[p.y]);
        RouteState::simulate_composed(self.m, x, p.i, mid, y, p.j, seq).is_some()
    }

    /// Evaluates the move replacing route `a.x` (middle `ls.mid_a` if `a_mid`, else none) and
    /// optionally route `b.x` (middle `ls.mid_b` if `b_mid`); applies it when it lowers the
    /// cost and returns the changed routes.
    fn try_move(
        &mut self,
        ls: &mut LocalScratch,
        a: Part,
        a_mid: bool,
        b: Option<Part>,
        b_mid: bool,
    ) -> Option<[Option<usize>; 2]> {
        let mid_a: &[u32] = if a_mid { &ls.mid_a } else { &[] };
        let mid_b: &[u32] = if b_mid { &ls.mid_b } else { &[] };
        let old_a = self.routes[a.x].cost;
        let (new_a, exact_a) = self.part_cost(a, mid_a, &mut ls.seq)?;
        let (old_b, new_b, exact_b) = match b {
            Some(b) => {
                debug_assert_ne!(a.x, b.x);
                let (new_b, exact_b) = self.part_cost(b, mid_b, &mut ls.seq)?;
                (self.routes[b.x].cost, new_b, exact_b)
            }
            None => (0, 0, true),
        };
        if new_a.saturating_add(new_b) >= old_a.saturating_add(old_b) {
            return None;
        }
        // With shipments, a move that pays must keep every pair on one route, pickup first.
        if self.m.n_tasks > self.m.n_jobs
            && (!self.pairs_kept(a, mid_a, &mut ls.pickup_seen, &mut ls.stamp)
                || b.is_some_and(|b| {
                    !self.pairs_kept(b, mid_b, &mut ls.pickup_seen, &mut ls.stamp)
                }))
        {
            return None;
        }
        // A move that pays is confirmed where breaks were left out.
        if !exact_a && !self.part_feasible(a, mid_a, &mut ls.seq) {
            return None;
        }
        if let Some(b) = b
            && !exact_b
            && !self.part_feasible(b, mid_b, &mut ls.seq)
        {
            return None;
        }
        // Build both new routes from the old ones before changing either.
        let build = |s: &Search<'_>, p: Part, mid: &[u32]| -> Vec<u32> {
            let (x, y) = (&s.routes[p.x].nodes, &s.routes[p.y].nodes);
            let mut out = Vec::with_capacity(p.i + mid.len() + y.len() + 1 - p.j);
            out.extend_from_slice(&x[..p.i]);
            out.extend_from_slice(mid);
            out.extend_from_slice(&y[p.j - 1..]);
            out
        };
        let na = build(self, a, mid_a);
        let nb = b.map(|b| build(self, b, mid_b));
        self.replace_route(a.x, na);
        // The predicted costs are those of the re-simulated routes (the operator oracle).
        debug_assert_eq!(self.routes[a.x].cost, new_a.max(0), "{a:?}");
        if let (Some(b), Some(nb)) = (b, nb) {
            self.replace_route(b.x, nb);
            debug_assert_eq!(self.routes[b.x].cost, new_b.max(0), "{b:?}");
        }
        Some([Some(a.x), b.map(|b| b.x)])
    }

    /// Whether the route a part builds (route `p.x`'s first `p.i` stops, `mid`, then route
    /// `p.y`'s stops from position `p.j` on) holds each shipment's delivery after its pickup,
    /// and each pickup's delivery. `seen` holds, per pickup, the stamp of the walk that met it.
    fn pairs_kept(&self, p: Part, mid: &[u32], seen: &mut [u64], stamp: &mut u64) -> bool {
        let m = self.m;
        *stamp += 1;
        let (x, y) = (&self.routes[p.x].nodes, &self.routes[p.y].nodes);
        let mut open = 0_usize;
        for &u in x[..p.i].iter().chain(mid).chain(&y[p.j - 1..]) {
            let sibling = m.node_sibling[u as usize];
            if sibling == NONE {
                continue;
            }
            if sibling > u {
                seen[u as usize] = *stamp;
                open += 1;
            } else if seen[sibling as usize] == *stamp {
                open -= 1;
            } else {
                return false;
            }
        }
        open == 0
    }

    /// Sets route `r`'s stops (recorded in the undo log) and refreshes caches and positions.
    fn replace_route(&mut self, r: usize, nodes: Vec<u32>) {
        self.touch(r);
        self.routes[r].nodes = nodes;
        self.routes[r].update(self.m);
        self.refresh_pos(r);
    }
}
