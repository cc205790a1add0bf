use std::time::Duration;

use rand::{RngExt as _, SeedableRng as _};
use rand_pcg::Pcg64Mcg;

use super::super::super::SolverConfig;
use super::super::super::problem::{
    Job, Load, Location, Matrix, Objective, Place, Problem, SkillSet, TimeWindow, Vehicle,
};
use super::super::{Budget, Construction, Search};
use super::{MIN_ITERATIONS_PER_TASK, RESTARTS, count, run};
use crate::vrp::check;
use crate::vrp::model::Model;
use crate::vrp::solver::to_solution;

/// `n` jobs at random points of a 1,000 × 1,000 square around a depot, asymmetric travel times
/// (5 % longer one way), windows of 300–1,000 s over a 4,000 s day when `windows`, demands 1–3,
/// four vehicles of capacity 25.
fn random_problem(seed: u64, n: usize, windows: bool, objective: Objective) -> Problem {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let pts: Vec<(f64, f64)> = std::iter::once((500.0, 500.0))
        .chain((0..n).map(|_| (rng.random_range(0.0..1000.0), rng.random_range(0.0..1000.0))))
        .collect();
    let size = pts.len();
    let mut durations = vec![0_u32; size * size];
    for (a, pa) in pts.iter().enumerate() {
        for (b, pb) in pts.iter().enumerate() {
            let d = (pa.0 - pb.0).hypot(pa.1 - pb.1);
            let d = if windows && a < b { d * 1.05 } else { d };
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "test"
            )]
            let d = d.round() as u32;
            durations[a * size + b] = d;
        }
    }
    let jobs = (1..size)
        .map(|i| {
            let time_windows = if windows {
                let start = rng.random_range(0..3_000);
                vec![TimeWindow {
                    start,
                    end: start + rng.random_range(300..1_000),
                }]
            } else {
                vec![]
            };
            Job {
                id: i as u64,
                place: Place {
                    location: Location(u32::try_from(i).unwrap()),
                    service: if windows { 30 } else { 0 },
                    time_windows,
                },
                delivery: Load::single(rng.random_range(1..=3)),
                pickup: Load::ZERO,
                skills: SkillSet(0),
                priority: 0,
            }
        })
        .collect();
    Problem {
        jobs,
        shipments: vec![],
        vehicles: (1..=4)
            .map(|id| Vehicle::round_trip(id, Location(0), Load::single(25)))
            .collect(),
        matrices: vec![Matrix {
            size,
            durations: durations.clone(),
            distances: durations,
            costs: None,
        }],
        skill_names: vec![],
        objective,
    }
}

fn iterations(n: u64) -> SolverConfig {
    SolverConfig {
        time_limit: None,
        max_iterations: Some(n),
        seed: 1,
        threads: 1,
    }
}

fn restarts_for(problem: &Problem, config: &SolverConfig) -> u64 {
    let m = Model::new(problem);
    let mut s = Search::new(&m, 1);
    s.build(Construction::for_model(&m));
    count(&mut s, &Budget::new(config))
}

#[test]
fn restarts_need_time_windows_distance_first_and_a_long_budget() {
    let n = 30;
    let windows = random_problem(1, n, true, Objective::DistanceOnly);
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "test"
    )]
    let enough = (MIN_ITERATIONS_PER_TASK * n as f64).ceil() as u64;
    assert_eq!(restarts_for(&windows, &iterations(enough)), RESTARTS);
    assert_eq!(restarts_for(&windows, &iterations(enough - 1)), 1);
    // Plain (no windows, symmetric, no service) and vehicles-first problems keep one annealing
    // whatever the budget.
    let plain = random_problem(1, n, false, Objective::DistanceOnly);
    assert_eq!(restarts_for(&plain, &iterations(enough * 100)), 1);
    let fleet = random_problem(1, n, true, Objective::VehiclesThenDistance);
    assert_eq!(restarts_for(&fleet, &iterations(enough * 100)), 1);
}

/// The calibration under a time limit measures ruin-and-recreate steps and rolls every one of
/// them back: the search's plan is unchanged.
#[test]
fn calibration_leaves_the_plan_as_it_was() {
    for seed in 1..=5 {
        let problem = random_problem(seed, 40, true, Objective::DistanceOnly);
        let m = Model::new(&problem);
        let mut s = Search::new(&m, seed);
        s.build(Construction::for_model(&m));
        let before = s.plan();
        let config = SolverConfig {
            time_limit: Some(Duration::from_secs(1)),
            ..iterations(u64::MAX)
        };
        let k = count(&mut s, &Budget::new(&config));
        assert!(k == 1 || k == RESTARTS);
        let after = s.plan();
        assert_eq!(after.routes, before.routes);
        assert_eq!(after.unassigned, before.unassigned);
        assert_eq!(after.score, before.score);
    }
}

/// Restarted searches with an iteration budget are reproducible, serve every job, and their
/// plans pass the independent checker at the cost the search reports.
#[test]
fn restarted_plans_are_feasible_and_reproducible() {
    for seed in 1..=4 {
        let problem = random_problem(seed, 30, true, Objective::DistanceOnly);
        let m = Model::new(&problem);
        let config = iterations(30 * 1_500);
        let plan = |seed| {
            let mut s = Search::new(&m, seed);
            s.build(Construction::for_model(&m));
            assert_eq!(count(&mut s, &Budget::new(&config)), RESTARTS);
            run(s, &Budget::new(&config), RESTARTS, seed)
        };
        let a = plan(seed);
        let b = plan(seed);
        assert_eq!(a.routes, b.routes);
        assert_eq!(a.score, b.score);
        let solution = to_solution(&problem, &m, &a);
        let report = check::check(&problem, &solution).expect("feasible");
        assert_eq!(report.cost, a.score.cost);
        // The returned plan is the best one seen, so never worse than the construction the
        // first restart began from.
        let construction = {
            let mut s = Search::new(&m, seed);
            s.build(Construction::for_model(&m));
            s.plan()
        };
        assert!(
            a.score <= construction.score,
            "{:?} > {:?}",
            a.score,
            construction.score
        );
    }
}

/// The slices of a budget share its iterations and end where their fraction of the whole ends.
#[test]
fn slices_share_the_budget() {
    let whole = Budget::new(&iterations(1_000));
    let parts: u64 = [(0.0, 0.25), (0.25, 0.7), (0.7, 1.0)]
        .iter()
        .map(|&(a, b)| whole.slice(a, b).max_iterations.unwrap())
        .sum();
    assert_eq!(parts, 1_000);
    let timed = Budget::new(&SolverConfig {
        time_limit: Some(Duration::from_secs(10)),
        ..iterations(u64::MAX)
    });
    let slice = timed.slice(0.5, 0.75);
    let limit = slice.time_limit.unwrap();
    assert!(limit <= 7.5 && limit > 7.0, "{limit}");
    // A slice whose end has passed is spent at once.
    let spent = Budget::new(&SolverConfig {
        time_limit: Some(Duration::ZERO),
        ..iterations(u64::MAX)
    })
    .slice(0.0, 0.5);
    assert!(spent.progress(0) >= 1.0);
}
