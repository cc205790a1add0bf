//! Independent restarts, for searches whose budget is long enough for one annealing to settle
//! in a basin well before it ends.
//!
//! On ORTEC's grocery days (200–212 customers, time windows, road durations) one annealing of
//! 30 s ended between 0.87 % and 1.64 % above the best-known cost on one instance with seeds
//! 1–4, and runs of 10 s spread as wide (0.76–2.02 %): the longer schedule bought little, the
//! basin it cooled into decided. With [`RESTARTS`] independent annealings sharing the first
//! `1 − FINAL_SHARE` of the budget, and the best of them annealed again from [`FINAL_T0`]
//! average arcs over the rest, the mean gap on the three instances where vmeste trailed PyVRP
//! (seeds 1–3, 30 s) fell from 1.69 % to 1.07 %; the other settings tried (3–5 restarts, a
//! final share of 20–50 %, final start temperatures of 0.2–2 arcs) gave 1.11–1.32 %.
//!
//! Short budgets keep one annealing: on CVRPLIB X at 10 s (fewer iterations per customer: about
//! 900 and fewer from 400 customers on), the same restarts lost on 15 instances spread over the
//! set (mean gap 0.86 % → 1.14 %, most of it from 400 customers on). Restarts therefore
//! need [`MIN_ITERATIONS_PER_TASK`] projected iterations per task over the budget, measured by a
//! short calibration, and are not used on plain instances (capacities and distance alone,
//! [`super::RouteState::plain`], which X is), nor when vehicles count first (fleet
//! minimisation owns the first half of the budget there).

use std::time::Instant;

use super::super::Objective;
use super::super::solver::thread_seed;
use super::{Budget, Construction, Plan, Search, anneal, improve, recreate};

/// Independent annealings before the final one.
const RESTARTS: u64 = 3;
/// Share of the budget of the final annealing, from the best restart.
const FINAL_SHARE: f64 = 0.3;
/// Start temperature of the final annealing, in average arc costs of the best restart (the
/// first annealings start from 15).
const FINAL_T0: f64 = 0.5;
/// Projected iterations per task over the whole budget from which restarts are used: ORTEC's
/// days at 30 s project about 3,400; X's instances from 400 customers on at 10 s, about 900
/// and fewer.
const MIN_ITERATIONS_PER_TASK: f64 = 1_500.0;
/// Iterations of the calibration, which also stops after [`CALIBRATION_SHARE`] of the time.
const CALIBRATION: u32 = 100;
const CALIBRATION_SHARE: f64 = 0.01;

/// How many annealings to run for the search `s` (built, not yet improved) under `budget`: 1 for
/// a single annealing, [`RESTARTS`] otherwise. Under a time limit, measures the iteration rate
/// with a few ruin-and-recreate steps that are all rolled back.
pub(super) fn count(s: &mut Search<'_>, budget: &Budget) -> u64 {
    let m = s.m;
    if m.objective == Objective::VehiclesThenDistance
        || m.n_tasks == 0
        || s.routes.first().is_none_or(|r| r.plain)
    {
        return 1;
    }
    let mut projected = f64::INFINITY;
    if let Some(max) = budget.max_iterations {
        #[expect(clippy::cast_precision_loss, reason = "an iteration count")]
        let max = max as f64;
        projected = projected.min(max);
    }
    if let Some(limit) = budget.time_limit {
        let left = limit - budget.start.elapsed().as_secs_f64();
        let started = Instant::now();
        let mut done = 0_u32;
        let mut removed = Vec::new();
        while done < CALIBRATION && started.elapsed().as_secs_f64() < limit * CALIBRATION_SHARE {
            s.begin();
            removed.clear();
            s.ruin(&mut removed);
            removed.append(&mut s.unassigned);
            s.recreate(&mut removed, recreate::Order::Random, true, None);
            s.rollback();
            done += 1;
        }
        let rate = f64::from(done) / started.elapsed().as_secs_f64().max(1e-9);
        projected = projected.min(rate * left.max(0.0));
    }
    #[expect(clippy::cast_precision_loss, reason = "a task count")]
    let per_task = projected / m.n_tasks as f64;
    if per_task >= MIN_ITERATIONS_PER_TASK {
        RESTARTS
    } else {
        1
    }
}

/// Runs `k` annealings, the first from `first` and the others from new constructions, each on
/// its share of the first `1 − FINAL_SHARE` of `budget`, then anneals the best of them again
/// from [`FINAL_T0`] on the rest.
pub(super) fn run(first: Search<'_>, budget: &Budget, k: u64, seed: u64) -> Plan {
    let m = first.m;
    #[expect(clippy::cast_precision_loss, reason = "a small count")]
    let share = (1.0 - FINAL_SHARE) / k as f64;
    let mut best = improve(first, &budget.slice(0.0, share));
    for i in 1..k {
        let mut s = Search::new(m, restart_seed(seed, i));
        s.build(Construction::for_model(m));
        #[expect(clippy::cast_precision_loss, reason = "a small count")]
        let from = share * i as f64;
        let plan = improve(s, &budget.slice(from, from + share));
        if plan.score < best.score {
            best = plan;
        }
    }
    let mut s = Search::new(m, restart_seed(seed, k));
    s.load_plan(&best);
    let mut iterations = 0;
    anneal(
        &mut s,
        &budget.slice(1.0 - FINAL_SHARE, 1.0),
        &mut iterations,
        best,
        Some(FINAL_T0),
    )
}

/// Seed of restart `i`: derived as thread seeds are, from the seed set apart by a constant, so
/// that the restarts of one thread do not repeat the searches of the others.
fn restart_seed(seed: u64, i: u64) -> u64 {
    thread_seed(
        seed ^ 0x5EED_4E57_A47E_0000,
        usize::try_from(i).unwrap_or(usize::MAX),
    )
}

#[cfg(test)]
#[path = "restart_tests.rs"]
mod tests;
