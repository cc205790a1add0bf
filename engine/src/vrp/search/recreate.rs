//! SISR recreate: greedy insertion with blinks (Christiaens & Vanden Berghe 2020, §4.2).
//! Tasks are sorted (random, largest demand, farthest or closest to the depot first, or by
//! absence count during fleet minimisation) and each goes to its cheapest feasible position,
//! each candidate position being skipped with a small probability.

use rand::RngExt as _;
use rand::seq::SliceRandom as _;
use rand_pcg::Pcg64Mcg;

use super::super::route::Insertion;
use super::Search;

/// Probability of skipping a candidate position.
const BLINK_RATE: f64 = 0.01;
/// From this many stops on, a task is first tried only on the routes of its
/// [`NEAR_ROUTES_NEIGHBOURS`] nearest stops (a granular neighbourhood, Toth & Vigo 2003), and on
/// every route only when none of those fits it.
const NEAR_ROUTES_FROM: usize = 300;
const NEAR_ROUTES_NEIGHBOURS: usize = 40;

/// Order in which removed tasks are reinserted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    Random,
    Demand,
    Far,
    Close,
    /// Most often left out first (fleet minimisation).
    Absence,
}

impl Order {
    /// SISR's weights: random 4, demand 4, far 2, close 1.
    pub(crate) fn pick(rng: &mut Pcg64Mcg) -> Order {
        match rng.random_range(0..11) {
            0..4 => Order::Random,
            4..8 => Order::Demand,
            8..10 => Order::Far,
            _ => Order::Close,
        }
    }
}

impl Search<'_> {
    /// Distance from the first vehicle's start to the task's first stop.
    fn depot_distance(&self, task: u32) -> i64 {
        let m = self.m;
        let Some(v) = m.vehicles.first() else {
            return 0;
        };
        let node = m.task_node(task as usize) as usize;
        m.d(v.ty, v.start, m.node_loc[node])
    }

    /// Inserts `tasks` (drained) one by one at their cheapest feasible position; those with
    /// none go to `unassigned`. Empty vehicles are opened only when `allow_new`.
    pub(crate) fn recreate(
        &mut self,
        tasks: &mut Vec<u32>,
        order: Order,
        allow_new: bool,
        absences: Option<&[i64]>,
    ) {
        tasks.shuffle(&mut self.rng);
        match order {
            Order::Random => {}
            Order::Demand => {
                tasks.sort_by_key(|&t| std::cmp::Reverse(self.m.task_size[t as usize]))
            }
            Order::Far => tasks.sort_by_key(|&t| std::cmp::Reverse(self.depot_distance(t))),
            Order::Close => tasks.sort_by_key(|&t| self.depot_distance(t)),
            Order::Absence => {
                if let Some(a) = absences {
                    tasks.sort_by_key(|&t| std::cmp::Reverse(a[t as usize]));
                }
            }
        }
        // With absence counters (fleet minimisation), a task that fits nowhere may take the
        // place of a stop left out less often, which then queues for reinsertion (a one-stop
        // ejection in the spirit of Nagata & Bräysy 2009); absences strictly decrease along a
        // chain, and the number of ejections is capped.
        let mut ejections = tasks.len();
        let mut i = 0;
        while i < tasks.len() {
            let task = tasks[i];
            i += 1;
            if self.insert_task(task, allow_new) {
                continue;
            }
            if let Some(a) = absences
                && ejections > 0
                && let Some(out) = self.eject_for(task, a)
            {
                ejections -= 1;
                tasks.push(out);
                continue;
            }
            self.unassigned.push(task);
        }
        tasks.clear();
    }

    /// Puts job `task` in place of the routed job with the smallest absence count below its
    /// own (ties by cost), returning the ejected task.
    fn eject_for(&mut self, task: u32, absences: &[i64]) -> Option<u32> {
        let m = self.m;
        let node = m.task_node(task as usize);
        if m.node_sibling[node as usize] != super::NONE {
            return None;
        }
        let own = absences[task as usize];
        let mut best: Option<((i64, i64), usize, usize)> = None;
        for r in 0..self.routes.len() {
            if self.routes[r].is_empty() || !m.compatible(task as usize, r) {
                continue;
            }
            let route = &self.routes[r];
            for k in 1..=route.len() {
                let e = route.nodes[k - 1];
                if m.node_sibling[e as usize] != super::NONE {
                    continue;
                }
                let a = absences[m.node_task[e as usize] as usize];
                if a >= own || best.is_some_and(|(key, _, _)| a > key.0) {
                    continue;
                }
                if let Some(delta) = route.replace_delta(m, node, k)
                    && best.is_none_or(|(key, _, _)| (a, delta) < key)
                {
                    best = Some(((a, delta), r, k));
                }
            }
        }
        let (_, r, k) = best?;
        self.touch(r);
        let e = std::mem::replace(&mut self.routes[r].nodes[k - 1], node);
        self.routes[r].update(m);
        self.pos[e as usize] = (super::NONE, super::NONE);
        self.refresh_pos(r);
        Some(m.node_task[e as usize])
    }

    /// Inserts one task at its cheapest position over all routes; `false` if none is feasible.
    fn insert_task(&mut self, task: u32, allow_new: bool) -> bool {
        let m = self.m;
        let node = m.task_node(task as usize);
        if m.n_nodes() >= NEAR_ROUTES_FROM {
            let mut near = std::mem::take(&mut self.near_routes);
            near.clear();
            for &c in m.neighbours[node as usize]
                .iter()
                .take(NEAR_ROUTES_NEIGHBOURS)
            {
                let r = self.pos[c as usize].0;
                if r != super::NONE && !near.contains(&(r as usize)) {
                    near.push(r as usize);
                }
            }
            near.sort_unstable();
            let found = self.insert_task_in(task, allow_new, Some(&near));
            self.near_routes = near;
            if found {
                return true;
            }
        }
        self.insert_task_in(task, allow_new, None)
    }

    /// [`Search::insert_task`] over the routes `only` (all when `None`; empty vehicles are
    /// tried only then).
    fn insert_task_in(&mut self, task: u32, allow_new: bool, only: Option<&[usize]>) -> bool {
        let m = self.m;
        let node = m.task_node(task as usize);
        let pair = m.node_sibling[node as usize] != super::NONE;
        let stamp = self.new_stamp();
        let mut best: Option<(Insertion, usize)> = None;
        let count = only.map_or(self.routes.len(), <[usize]>::len);
        for idx in 0..count {
            let r = only.map_or(idx, |c| c[idx]);
            if !m.compatible(task as usize, r) {
                continue;
            }
            if self.routes[r].is_empty() && (!allow_new || !self.first_empty_of_class(r, stamp)) {
                continue;
            }
            let route = &self.routes[r];
            let rng = &mut self.rng;
            // Only what beats the best route so far is looked at.
            let bound = best.map_or(i64::MAX, |(b, _)| b.delta);
            let blink = || rng.random::<f64>() < BLINK_RATE;
            let found = if pair {
                route.best_pair_below(m, node, bound, blink)
            } else {
                route.best_insert_below(m, node, bound, blink)
            };
            if let Some(ins) = found {
                best = Some((ins, r));
            }
        }
        let Some((ins, r)) = best else { return false };
        self.touch(r);
        if pair {
            self.routes[r].insert_pair(m, node, ins);
        } else {
            self.routes[r].insert(m, node, ins.i);
        }
        self.refresh_pos(r);
        true
    }
}
