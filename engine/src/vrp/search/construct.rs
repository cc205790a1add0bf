//! Regret-k insertion construction (Potvin & Rousseau 1993; Ropke & Pisinger 2006, §5.2.2).
//!
//! Each round inserts, at its cheapest feasible position, the pending task whose regret is
//! largest: the sum over `h = 2..=k` of (its `h`-th cheapest route − its cheapest route), so
//! that tasks about to lose their good options go first. A task with fewer than `k` feasible
//! routes has an infinite regret (fewest options first, then the largest finite regret, then
//! the cheapest insertion).
//!
//! What makes it fast: the best insertion of every pending task into every open route is
//! cached, with each task's `k` cheapest routes, and an insertion changes one route only, so a
//! round recomputes one column of the cache (O(tasks × route length)) and rescans the routes of
//! a task only when the changed route was among its `k` best and got worse than its `k`-th.
//!
//! Empty vehicles: of each class of interchangeable vehicles only the first empty one is
//! evaluated. When opening a vehicle costs an open penalty (vehicles first), empty vehicles are
//! not counted as options: while some task fits an open route, no vehicle is opened; then the
//! task farthest from the vehicle's start among those that fit an empty vehicle seeds a new
//! route (the seed rule of Solomon 1987's I1); as insertions only tighten a route, the routes
//! open before are then full for every pending task, and the construction is sequential
//! cheapest insertion (regrets all 0). Otherwise an empty vehicle is an option like any
//! route, at its fixed cost. Feasibility is [`RouteState`]'s (time windows, capacities,
//! shipments, skills, shifts, task/distance/time limits, breaks), as in greedy insertion.
//!
//! [`RouteState`]: super::super::route::RouteState

use super::super::route::{Insertion, RouteState};
use super::recreate::Order;
use super::{NONE, Plan, Search, to_u32};
use crate::vrp::Objective;
use crate::vrp::model::Model;

/// Largest `k`.
pub(crate) const MAX_REGRET: usize = 3;
/// Above this many (task, vehicle) cache entries the construction is left to greedy insertion.
pub(crate) const MAX_CACHE: usize = 4_000_000;

/// How the first solution is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Construction {
    /// Every task at its cheapest feasible position, farthest from the depot first.
    Greedy,
    /// Regret-`k` insertion (`k` clamped to 2..=3). Falls back to greedy insertion when the
    /// cache would exceed 4 M (task, vehicle) entries, and keeps the greedy plan instead when
    /// regret leaves tasks unassigned and greedy does better.
    Regret(usize),
}

impl Construction {
    /// The construction the solver uses on `m`: regret-2 with vehicles first (fewer vehicles
    /// and a shorter start on Solomon and Homberger, all tasks served), greedy otherwise (on
    /// CVRPLIB X at 1 s regret's better start did not pay for its construction time).
    pub(crate) fn for_model(m: &Model) -> Construction {
        if m.objective == Objective::VehiclesThenDistance {
            Construction::Regret(2)
        } else {
            Construction::Greedy
        }
    }
}

/// A cached insertion (`delta == i64::MAX`: infeasible or not evaluated).
#[derive(Clone, Copy, Debug)]
struct Cached {
    delta: i64,
    i: u32,
    j: u32,
}

const NO: Cached = Cached {
    delta: i64::MAX,
    i: 0,
    j: 0,
};

/// A task's `k` cheapest counted routes, cheapest first: (delta, route).
#[derive(Clone, Copy, Debug)]
struct Top {
    len: usize,
    item: [(i64, u32); MAX_REGRET],
}

impl Top {
    const EMPTY: Top = Top {
        len: 0,
        item: [(i64::MAX, NONE); MAX_REGRET],
    };

    fn push(&mut self, k: usize, delta: i64, r: u32) {
        let mut at = self.len;
        while at > 0 && (delta, r) < self.item[at - 1] {
            at -= 1;
        }
        if at >= k {
            return;
        }
        let end = self.len.min(k - 1);
        let mut h = end;
        while h > at {
            self.item[h] = self.item[h - 1];
            h -= 1;
        }
        self.item[at] = (delta, r);
        self.len = (self.len + 1).min(k);
    }

    fn remove(&mut self, r: u32) -> bool {
        let Some(at) = self.item[..self.len].iter().position(|x| x.1 == r) else {
            return false;
        };
        for h in at..self.len - 1 {
            self.item[h] = self.item[h + 1];
        }
        self.len -= 1;
        self.item[self.len] = (i64::MAX, NONE);
        true
    }

    /// Selection key, larger first: fewer options, larger regret, cheaper best insertion.
    fn key(&self, k: usize) -> (usize, i64, i64) {
        let best = self.item[0].0;
        let regret = self.item[1..self.len]
            .iter()
            .fold(0_i64, |a, x| a.saturating_add(x.0.saturating_sub(best)));
        (k - self.len, regret, -best)
    }
}

/// The cheapest feasible insertion of `node` (a job, or a shipment's pickup when `pair`) into
/// `route`, without blinks.
fn best_insertion(m: &Model, route: &RouteState, node: u32, pair: bool) -> Option<Insertion> {
    if pair {
        route.best_pair(m, node, || false)
    } else {
        route.best_insert(m, node, || false)
    }
}

/// Regret state over the pending tasks.
struct Regret {
    k: usize,
    nv: usize,
    /// `cache[t * nv + r]`.
    cache: Vec<Cached>,
    top: Vec<Top>,
    /// Routes evaluated: open ones and one empty vehicle per class (flag, and list).
    active: Vec<bool>,
    active_list: Vec<usize>,
}

impl Search<'_> {
    /// Builds the first plan from empty routes with `method`, and commits it.
    pub(crate) fn build(&mut self, method: Construction) {
        let mut all: Vec<u32> = (0..self.m.n_tasks).map(to_u32).collect();
        match method {
            Construction::Regret(k) if self.regret_fits() => {
                self.construct_regret(&all, k);
                self.commit();
                if !self.unassigned.is_empty() {
                    // Never serve fewer tasks than greedy insertion would.
                    let regret = self.plan();
                    self.load_plan(&Plan {
                        score: regret.score,
                        routes: Vec::new(),
                        unassigned: Vec::new(),
                    });
                    self.recreate(&mut all, Order::Far, true, None);
                    self.commit();
                    if regret.score < self.score() {
                        self.load_plan(&regret);
                    }
                }
            }
            _ => {
                self.recreate(&mut all, Order::Far, true, None);
                self.commit();
            }
        }
    }

    /// Whether [`Search::construct_regret`] runs on this model (its cache fits the bound).
    pub(crate) fn regret_fits(&self) -> bool {
        self.m.n_tasks.saturating_mul(self.routes.len()) <= MAX_CACHE
    }

    /// Builds routes from empty ones by regret-`k` insertion of `tasks` (`k` clamped to
    /// `2..=MAX_REGRET`); tasks that fit nowhere go to `unassigned`.
    pub(crate) fn construct_regret(&mut self, tasks: &[u32], k: usize) {
        let m = self.m;
        let nv = self.routes.len();
        let k = k.clamp(2, MAX_REGRET);
        let mut st = Regret {
            k,
            nv,
            cache: vec![NO; m.n_tasks * nv],
            top: vec![Top::EMPTY; m.n_tasks],
            active: vec![false; nv],
            active_list: Vec::new(),
        };
        let mut pending: Vec<u32> = tasks.to_vec();
        pending.sort_unstable();
        pending.dedup();
        let stamp = self.new_stamp();
        for r in 0..nv {
            if !self.routes[r].is_empty() || self.first_empty_of_class(r, stamp) {
                st.active[r] = true;
                st.active_list.push(r);
                self.evaluate_column(&mut st, &pending, r, true);
            }
        }
        while !pending.is_empty() {
            let Some((t, r)) = self.pick(&st, &pending) else {
                break;
            };
            let c = st.cache[t as usize * nv + r];
            let node = m.task_node(t as usize);
            let was_empty = self.routes[r].is_empty();
            self.touch(r);
            let ins = Insertion {
                delta: c.delta,
                i: c.i as usize,
                j: c.j as usize,
            };
            if m.node_sibling[node as usize] == NONE {
                self.routes[r].insert(m, node, ins.i);
            } else {
                self.routes[r].insert_pair(m, node, ins);
            }
            self.refresh_pos(r);
            pending.retain(|&x| x != t);
            self.evaluate_column(&mut st, &pending, r, false);
            if was_empty {
                // The next empty vehicle of the class becomes its representative.
                let class = m.vehicles[r].class;
                if let Some(next) = (0..nv).find(|&v| {
                    !st.active[v] && self.routes[v].is_empty() && m.vehicles[v].class == class
                }) {
                    st.active[next] = true;
                    st.active_list.push(next);
                    self.evaluate_column(&mut st, &pending, next, true);
                }
            }
        }
        self.unassigned.extend_from_slice(&pending);
    }

    /// Whether route `r` counts as an option in regrets (open, or free to open).
    fn counts(&self, r: usize) -> bool {
        !self.routes[r].is_empty() || self.m.vehicles[r].open_penalty == 0
    }

    /// Recomputes column `r` of the cache for the pending tasks and their `k` best routes;
    /// `fresh` when the column was never counted before.
    fn evaluate_column(&self, st: &mut Regret, pending: &[u32], r: usize, fresh: bool) {
        let m = self.m;
        let counts = self.counts(r);
        let route = &self.routes[r];
        let ru = to_u32(r);
        for &t in pending {
            let ti = t as usize;
            let node = m.task_node(ti);
            let pair = m.node_sibling[node as usize] != NONE;
            let c = if m.compatible(ti, r) {
                best_insertion(m, route, node, pair).map_or(NO, |b| Cached {
                    delta: b.delta,
                    i: to_u32(b.i),
                    j: to_u32(b.j),
                })
            } else {
                NO
            };
            st.cache[ti * st.nv + r] = c;
            let top = &mut st.top[ti];
            // Routes outside a full list cost at least its k-th entry: if `r` was in it, its new
            // cost keeps the list exact only when it is no larger than that entry.
            let kth = (top.len == st.k).then(|| top.item[st.k - 1]);
            let was_in = !fresh && top.remove(ru);
            if was_in && kth.is_some_and(|x| c.delta == i64::MAX || (c.delta, ru) > x) {
                self.rescan(st, ti);
                continue;
            }
            if counts && c.delta != i64::MAX {
                st.top[ti].push(st.k, c.delta, ru);
            }
        }
    }

    /// Rebuilds task `t`'s `k` best routes from the cache.
    fn rescan(&self, st: &mut Regret, t: usize) {
        let mut top = Top::EMPTY;
        for &r in &st.active_list {
            let c = st.cache[t * st.nv + r];
            if c.delta != i64::MAX && self.counts(r) {
                top.push(st.k, c.delta, to_u32(r));
            }
        }
        st.top[t] = top;
    }

    /// The next (task, route): the largest regret among tasks that fit a counted route, else a
    /// seed for an empty vehicle; `None` when no pending task fits anywhere.
    fn pick(&self, st: &Regret, pending: &[u32]) -> Option<(u32, usize)> {
        let mut best: Option<((usize, i64, i64), u32)> = None;
        for &t in pending {
            let top = &st.top[t as usize];
            if top.len == 0 {
                continue;
            }
            let key = top.key(st.k);
            if best.is_none_or(|(b, _)| key > b) {
                best = Some((key, t));
            }
        }
        if let Some((_, t)) = best {
            return Some((t, st.top[t as usize].item[0].1 as usize));
        }
        // Open a vehicle: the farthest task that fits an empty one, at its cheapest.
        let m = self.m;
        let mut seed: Option<((i64, i64, i64), u32, usize)> = None;
        for &t in pending {
            let node = m.task_node(t as usize);
            for &r in &st.active_list {
                let c = st.cache[t as usize * st.nv + r];
                if !self.routes[r].is_empty() || c.delta == i64::MAX {
                    continue;
                }
                let v = &m.vehicles[r];
                let far = m.d(v.ty, v.start, m.node_loc[node as usize]);
                let key = (far, -c.delta, -i64::from(to_u32(r)));
                if seed.is_none_or(|(b, _, _)| key > b) {
                    seed = Some((key, t, r));
                }
            }
        }
        seed.map(|(_, t, r)| (t, r))
    }
}

#[cfg(test)]
#[path = "construct_tests.rs"]
mod tests;
