//! The search: regret-insertion construction, then ruin and recreate in the style of slack
//! induction by string removals (SISR, Christiaens & Vanden Berghe 2020) under simulated
//! annealing, with SISR's fleet-minimisation phase first when vehicles count first, and local
//! search on every new best solution.
//!
//! - Construction ([`mod@construct`]): with vehicles first, regret-2 insertion with cached
//!   insertion costs, where a vehicle opens only when no task fits an open route, so routes are
//!   built one after the other (cheapest insertion, farthest seed); when it leaves tasks
//!   unassigned, greedy insertion is run too and the better plan kept, and past 4 M (task,
//!   vehicle) pairs greedy insertion is used alone. Other objectives use greedy insertion:
//!   every task at its cheapest feasible position, farthest from the depot first (measured on
//!   X at 1 s, regret's better start did not pay for its construction time).
//! - Fleet minimisation (vehicles then distance, at most the first half of the budget): the
//!   smallest route is removed and ruin/recreate runs without opening vehicles, accepting fewer
//!   unassigned tasks or a smaller sum of their absence counters; a task that fits nowhere may
//!   replace a stop left out less often. Stops when the capacity lower bound is reached, and
//!   gives the rest of its share back when the fewest unassigned tasks of the current attempt
//!   has not fallen for [`FLEET_STALL`] of the budget.
//! - Ruin: adjacent string removal around a random stop ([`ruin`]); recreate: greedy insertion
//!   with blinks in one of SISR's orders ([`recreate`]); from 300 stops on, the routes near a
//!   task are tried first.
//! - Acceptance: lexicographic on (unassigned penalty, vehicles) and simulated annealing on cost,
//!   the temperature falling geometrically from 15 to 0.1 average arc costs of the start (2 to
//!   0.01 on plain instances, where time neither costs nor binds: [`RouteState::plain`]).
//! - Local search ([`local`]): a candidate better than the best so far is descended to a local
//!   optimum (relocate, Or-opt, swap, cross-exchange, 2-opt*, intra-route 2-opt on granular
//!   neighbourhoods) from the stops of the routes the iteration changed, before it becomes the
//!   new best. Measured on Solomon at 1 s, this beat local search on every candidate (too few
//!   iterations left) and on the whole new best, and local search on the construction hurt
//!   fleet minimisation (tight routes leave no room to empty one).
//! - Restarts ([`restart`]): when time windows or durations matter, cost counts alone and the
//!   budget projects at least 1,500 iterations per task, three independent annealings share
//!   70 % of the budget and the best of them is annealed again, from a lower temperature, on
//!   the rest (on ORTEC's grocery days, one long annealing was decided by the basin it cooled
//!   into).
//!
//! State: one [`RouteState`] per vehicle (most empty), the unassigned tasks, and the position
//! of every routed stop. An iteration records the routes it touches (an undo log), so a
//! rejected candidate is rolled back in time proportional to what it changed.

mod construct;
mod local;
mod recreate;
mod restart;
mod ruin;

use std::time::Instant;

use rand::{RngExt as _, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::Objective;
use super::SolverConfig;
use super::model::{Model, NONE};
use super::route::RouteState;

pub use construct::Construction;

/// Iterations when neither a time nor an iteration bound is given.
const DEFAULT_ITERATIONS: u64 = 10_000;
/// Share of the budget given to fleet minimisation (vehicles-then-distance only).
const FLEET_SHARE: f64 = 0.5;
/// Fleet minimisation gives the rest of its share back when a route removal has not lowered
/// the fewest unassigned tasks for this share of the budget. Measured on Solomon R2/RC2 at
/// 10 s, where the capacity bound (2) is below the reachable fleet (3) and the attempt only
/// burns time: 0.1 left a smaller distance gap than 0.25 at the same vehicle counts.
const FLEET_STALL: f64 = 0.1;

/// Lexicographic objective: unassigned penalty, vehicles (when they count first), cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Score {
    pub(crate) penalty: i64,
    pub(crate) vehicles: i64,
    pub(crate) cost: i64,
}

/// A finished search's routes (vehicle, stops) and unassigned tasks.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) score: Score,
    pub(crate) routes: Vec<(usize, Vec<u32>)>,
    pub(crate) unassigned: Vec<u32>,
}

/// The budget of one search.
pub(crate) struct Budget {
    start: Instant,
    time_limit: Option<f64>,
    max_iterations: Option<u64>,
}

impl Budget {
    pub(crate) fn new(config: &SolverConfig) -> Budget {
        let max_iterations = match (config.time_limit, config.max_iterations) {
            (None, None) => Some(DEFAULT_ITERATIONS),
            (_, it) => it,
        };
        Budget {
            start: Instant::now(),
            time_limit: config.time_limit.map(|d| d.as_secs_f64()),
            max_iterations,
        }
    }

    /// The part of this budget between the fractions `from` and `to` of it, starting now: its
    /// time ends where the fraction `to` of the whole ends.
    fn slice(&self, from: f64, to: f64) -> Budget {
        let now = Instant::now();
        let elapsed = (now - self.start).as_secs_f64();
        Budget {
            start: now,
            time_limit: self.time_limit.map(|l| (l * to - elapsed).max(0.0)),
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss,
                reason = "a share of an iteration count"
            )]
            max_iterations: self
                .max_iterations
                .map(|i| (i as f64 * (to - from).max(0.0)).round() as u64),
        }
    }

    /// Fraction of the budget used after `iterations`, in `[0, 1]` (1 = stop).
    fn progress(&self, iterations: u64) -> f64 {
        let mut p: f64 = 0.0;
        if let Some(max) = self.max_iterations {
            #[expect(clippy::cast_precision_loss, reason = "a ratio")]
            let r = if max == 0 {
                1.0
            } else {
                iterations as f64 / max as f64
            };
            p = p.max(r);
        }
        if let Some(limit) = self.time_limit {
            let r = if limit <= 0.0 {
                1.0
            } else {
                self.start.elapsed().as_secs_f64() / limit
            };
            p = p.max(r);
        }
        p.min(1.0)
    }
}

/// Search state.
pub(crate) struct Search<'a> {
    pub(crate) m: &'a Model,
    pub(crate) routes: Vec<RouteState>,
    pub(crate) unassigned: Vec<u32>,
    /// Route and index of each stop, or (`NONE`, `NONE`).
    pub(crate) pos: Vec<(u32, u32)>,
    pub(crate) rng: Pcg64Mcg,
    undo: Vec<(usize, RouteState)>,
    touched: Vec<bool>,
    saved_unassigned: Vec<u32>,
    /// Per-class stamp so that only one empty vehicle per class is tried.
    class_stamp: Vec<u64>,
    stamp: u64,
    /// Scratch list of routes near a task (recreate).
    pub(crate) near_routes: Vec<usize>,
    /// Buffers of the local search.
    ls: local::LocalScratch,
}

impl<'a> Search<'a> {
    pub(crate) fn new(m: &'a Model, seed: u64) -> Search<'a> {
        let nv = m.vehicles.len();
        let plain = RouteState::plain(m);
        Search {
            m,
            routes: (0..nv).map(|v| RouteState::new_in(m, v, plain)).collect(),
            unassigned: Vec::new(),
            pos: vec![(NONE, NONE); m.n_nodes()],
            rng: Pcg64Mcg::seed_from_u64(seed),
            undo: Vec::new(),
            touched: vec![false; nv],
            saved_unassigned: Vec::new(),
            class_stamp: vec![0; nv],
            stamp: 0,
            near_routes: Vec::new(),
            ls: local::LocalScratch::default(),
        }
    }

    pub(crate) fn score(&self) -> Score {
        let penalty = self
            .unassigned
            .iter()
            .map(|&t| self.m.task_penalty[t as usize])
            .sum();
        let used = self.routes.iter().filter(|r| !r.is_empty()).count();
        let vehicles = if self.m.objective == Objective::VehiclesThenDistance {
            i64::try_from(used).unwrap_or(i64::MAX)
        } else {
            0
        };
        let cost = self
            .routes
            .iter()
            .fold(0_i64, |a, r| a.saturating_add(r.cost));
        Score {
            penalty,
            vehicles,
            cost,
        }
    }

    /// The cost of the routes without the vehicles' fixed costs.
    fn travel_cost(&self) -> i64 {
        self.routes
            .iter()
            .filter(|r| !r.is_empty())
            .fold(0_i64, |a, r| {
                a.saturating_add(r.cost.saturating_sub(self.m.vehicles[r.vehicle].fixed))
            })
    }

    pub(crate) fn plan(&self) -> Plan {
        let mut unassigned = self.unassigned.clone();
        unassigned.sort_unstable();
        Plan {
            score: self.score(),
            routes: self
                .routes
                .iter()
                .filter(|r| !r.is_empty())
                .map(|r| (r.vehicle, r.nodes.clone()))
                .collect(),
            unassigned,
        }
    }

    /// Replaces the state by a plan.
    fn load_plan(&mut self, plan: &Plan) {
        for r in 0..self.routes.len() {
            if !self.routes[r].is_empty() {
                self.routes[r].nodes.clear();
                self.routes[r].update(self.m);
                self.refresh_pos(r);
            }
        }
        self.pos.fill((NONE, NONE));
        for (v, nodes) in &plan.routes {
            self.routes[*v].nodes.clone_from(nodes);
            self.routes[*v].update(self.m);
            self.refresh_pos(*v);
        }
        self.unassigned.clone_from(&plan.unassigned);
    }

    /// Records route `r` in the undo log before its first change in this iteration.
    pub(crate) fn touch(&mut self, r: usize) {
        if !self.touched[r] {
            self.touched[r] = true;
            self.undo.push((r, self.routes[r].clone()));
        }
    }

    fn begin(&mut self) {
        self.saved_unassigned.clone_from(&self.unassigned);
    }

    fn commit(&mut self) {
        for (r, _) in self.undo.drain(..) {
            self.touched[r] = false;
        }
    }

    fn rollback(&mut self) {
        let undo = std::mem::take(&mut self.undo);
        // Stops now on a touched route are unrouted unless their old route held them.
        for (r, _) in &undo {
            for &u in &self.routes[*r].nodes {
                self.pos[u as usize] = (NONE, NONE);
            }
        }
        for (r, st) in undo {
            self.routes[r] = st;
            self.touched[r] = false;
            self.refresh_pos(r);
        }
        std::mem::swap(&mut self.unassigned, &mut self.saved_unassigned);
    }

    /// Refreshes the positions of route `r`'s stops.
    pub(crate) fn refresh_pos(&mut self, r: usize) {
        for (i, &u) in self.routes[r].nodes.iter().enumerate() {
            self.pos[u as usize] = (to_u32(r), to_u32(i));
        }
    }

    /// Starts a new stamp for "one empty vehicle per class".
    pub(crate) fn new_stamp(&mut self) -> u64 {
        self.stamp += 1;
        self.stamp
    }

    /// Whether the empty vehicle `v` is the first of its class seen under `stamp`.
    pub(crate) fn first_empty_of_class(&mut self, v: usize, stamp: u64) -> bool {
        let c = self.m.vehicles[v].class;
        if self.class_stamp[c] == stamp {
            return false;
        }
        self.class_stamp[c] = stamp;
        true
    }

    /// The stops of the routes changed in this iteration.
    fn touched_nodes(&self, out: &mut Vec<u32>) {
        out.clear();
        for (r, _) in &self.undo {
            out.extend_from_slice(&self.routes[*r].nodes);
        }
    }

    pub(crate) fn uniform(&mut self) -> f64 {
        self.rng.random::<f64>()
    }
}

pub(crate) fn to_u32(x: usize) -> u32 {
    u32::try_from(x).expect("indices fit u32 (validated)")
}

/// Builds a first plan only.
pub(crate) fn construct(m: &Model, method: Construction, seed: u64) -> Plan {
    let mut s = Search::new(m, seed);
    s.build(method);
    s.plan()
}

/// Runs one search.
pub(crate) fn run(m: &Model, config: &SolverConfig, seed: u64) -> Plan {
    let budget = Budget::new(config);
    let mut s = Search::new(m, seed);
    s.build(Construction::for_model(m));
    match restart::count(&mut s, &budget) {
        0 | 1 => improve(s, &budget),
        k => restart::run(s, &budget, k, seed),
    }
}

/// Runs one search from given routes (vehicle, stops; feasible, each task at most once):
/// the other tasks are inserted greedily, then the search goes on as in [`run`].
pub(crate) fn run_from(
    m: &Model,
    config: &SolverConfig,
    seed: u64,
    routes: &[(usize, Vec<u32>)],
) -> Plan {
    let budget = Budget::new(config);
    let mut s = Search::new(m, seed);
    let mut routed = vec![false; m.n_nodes()];
    for &u in routes.iter().flat_map(|(_, nodes)| nodes) {
        routed[u as usize] = true;
    }
    s.load_plan(&Plan {
        score: Score {
            penalty: 0,
            vehicles: 0,
            cost: 0,
        },
        routes: routes.to_vec(),
        unassigned: Vec::new(),
    });
    let mut rest: Vec<u32> = (0..m.n_tasks)
        .map(to_u32)
        .filter(|&t| !routed[m.task_node(t as usize) as usize])
        .collect();
    s.recreate(&mut rest, recreate::Order::Far, true, None);
    s.commit();
    improve(s, &budget)
}

/// Fleet minimisation (when vehicles count first) and annealing from the current state.
fn improve(mut s: Search<'_>, budget: &Budget) -> Plan {
    let m = s.m;
    let mut best = s.plan();
    let mut iterations = 0_u64;
    if m.objective == Objective::VehiclesThenDistance {
        best = s.fleet_minimisation(budget, &mut iterations, best);
        s.load_plan(&best);
    }
    anneal(&mut s, budget, &mut iterations, best, None)
}

/// Simulated annealing over ruin and recreate (SISR), from the current state; `t0` replaces
/// the start temperature (in average arc costs of the start).
fn anneal(
    s: &mut Search<'_>,
    budget: &Budget,
    iterations: &mut u64,
    mut best: Plan,
    t0: Option<f64>,
) -> Plan {
    let mut current = s.score();
    let start_progress = budget.progress(*iterations);
    let n = i64::try_from(s.m.n_nodes() + 1).unwrap_or(i64::MAX);
    // The scale is the travel part of the cost: vehicles' fixed costs are no arc, and counted
    // in they made the annealing hotter the more vehicles the start used.
    #[expect(clippy::cast_precision_loss, reason = "a temperature scale")]
    let arc = (s.travel_cost() as f64 / n as f64).max(1e-9);
    let (t0, tf) = if s.routes.first().is_some_and(|r| r.plain) {
        (t0.unwrap_or(PLAIN_T0) * arc, PLAIN_TF * arc)
    } else {
        (t0.unwrap_or(T0) * arc, TF * arc)
    };
    let mut removed = Vec::new();
    let mut scope = Vec::new();
    loop {
        let p = budget.progress(*iterations);
        if p >= 1.0 {
            break;
        }
        *iterations += 1;
        let frac = if start_progress >= 1.0 {
            1.0
        } else {
            (p - start_progress) / (1.0 - start_progress)
        };
        let temp = t0 * (tf / t0).powf(frac.clamp(0.0, 1.0));
        s.begin();
        removed.clear();
        s.ruin(&mut removed);
        removed.append(&mut s.unassigned);
        let order = recreate::Order::pick(&mut s.rng);
        s.recreate(&mut removed, order, true, None);
        let mut cand = s.score();
        let accept = if (cand.penalty, cand.vehicles) != (current.penalty, current.vehicles) {
            (cand.penalty, cand.vehicles) < (current.penalty, current.vehicles)
        } else {
            #[expect(clippy::cast_precision_loss, reason = "annealing threshold")]
            let threshold = current.cost as f64 - temp * s.uniform().max(1e-300).ln();
            #[expect(clippy::cast_precision_loss, reason = "annealing threshold")]
            let c = cand.cost as f64;
            c < threshold
        };
        if accept {
            // A new best goes through local search on the routes this iteration changed
            // (measured against local search on every candidate and on the whole new best).
            if cand < best.score {
                s.touched_nodes(&mut scope);
                s.local_search(&scope);
                cand = s.score();
            }
            s.commit();
            current = cand;
            if cand < best.score {
                best = s.plan();
            }
        } else {
            s.rollback();
        }
    }
    best
}

/// Start and final temperatures, in average arc costs of the starting solution.
const T0: f64 = 15.0;
const TF: f64 = 0.1;
/// The same on plain instances (capacities and distance only, [`RouteState::plain`]), where
/// the hotter schedule wasted the short budgets: on one CVRPLIB X instance per size class at
/// 10 s the mean gap fell from 3.5 % to 2.0 %, and SISR's own X schedule (100 to 1) is
/// 0.4–1.5 to 0.004–0.015 arcs. The hotter one stays for time windows, where it measured
/// better on Solomon at 1 s.
const PLAIN_T0: f64 = 2.0;
const PLAIN_TF: f64 = 0.01;

impl Search<'_> {
    /// SISR fleet minimisation: remove a route, then ruin and recreate without opening
    /// vehicles, accepting fewer unassigned tasks or a smaller sum of their absence counters;
    /// each time every task fits again the plan is kept and another route goes.
    fn fleet_minimisation(
        &mut self,
        budget: &Budget,
        iterations: &mut u64,
        mut best: Plan,
    ) -> Plan {
        let lower = self.fleet_lower_bound();
        let mut absences = vec![0_i64; self.m.n_tasks];
        let mut removed = Vec::new();
        let abs_sum = |u: &[u32], a: &[i64]| -> i64 { u.iter().map(|&t| a[t as usize]).sum() };
        loop {
            if best.score.vehicles <= lower || best.score.vehicles <= 1 {
                return best;
            }
            // Remove the route with the fewest stops.
            self.load_plan(&best);
            let Some(r) = (0..self.routes.len())
                .filter(|&r| !self.routes[r].is_empty())
                .min_by_key(|&r| (self.routes[r].len(), r))
            else {
                return best;
            };
            let nodes = std::mem::take(&mut self.routes[r].nodes);
            self.routes[r].update(self.m);
            for &u in &nodes {
                self.pos[u as usize] = (NONE, NONE);
                let t = self.m.node_task[u as usize];
                if !self.unassigned.contains(&t) {
                    self.unassigned.push(t);
                }
            }
            self.commit();
            let mut fewest = self.unassigned.len();
            let mut last_gain = budget.progress(*iterations);
            loop {
                let p = budget.progress(*iterations);
                if p >= FLEET_SHARE || p - last_gain > FLEET_STALL {
                    return best;
                }
                *iterations += 1;
                let before = (self.unassigned.len(), abs_sum(&self.unassigned, &absences));
                self.begin();
                removed.clear();
                self.ruin(&mut removed);
                removed.append(&mut self.unassigned);
                self.recreate(
                    &mut removed,
                    recreate::Order::Absence,
                    false,
                    Some(&absences),
                );
                let after = (self.unassigned.len(), abs_sum(&self.unassigned, &absences));
                if after.0 < fewest {
                    fewest = after.0;
                    last_gain = p;
                }
                for &t in &self.unassigned {
                    absences[t as usize] += 1;
                }
                let score = self.score();
                if score.penalty <= best.score.penalty && score.vehicles < best.score.vehicles {
                    self.commit();
                    best = self.plan();
                    break;
                }
                if after.0 < before.0 || after.1 < before.1 {
                    self.commit();
                } else {
                    self.rollback();
                }
            }
        }
    }

    /// Vehicles needed by capacity alone: total amount over the largest capacity, per dimension.
    fn fleet_lower_bound(&self) -> i64 {
        let mut bound = 1;
        for dim in 0..super::MAX_DIMENSIONS {
            let cap = self
                .m
                .vehicles
                .iter()
                .map(|v| i64::from(v.capacity.0[dim]))
                .max()
                .unwrap_or(0);
            let (mut pre, mut change_pos) = (0_i64, 0_i64);
            for n in 0..self.m.n_nodes() {
                pre += i64::from(self.m.node_pre[n].0[dim]);
                change_pos += i64::from(self.m.node_change[n].0[dim].max(0));
            }
            let need = pre.max(change_pos);
            if cap > 0 && need > 0 {
                bound = bound.max((need + cap - 1) / cap);
            }
        }
        bound
    }
}
