//! The plain fast paths against the general route checks on the same routes (the oracle):
//! random capacitated problems without time limits, split into random routes.

use rand::{RngExt as _, SeedableRng as _};
use rand_pcg::Pcg64Mcg;

use super::super::{
    Job, Load, Location, Matrix, Objective, Place, Problem, SkillSet, TimeWindow, Vehicle,
};
use super::{Model, RouteState};

/// `jobs` jobs at random grid points (Manhattan distances) with deliveries and pickups, three depot-based vehicles with
/// two capacity dimensions, sometimes a distance or task limit; no time limit.
fn plain_problem(seed: u64, jobs: usize) -> Problem {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let n = jobs + 1;
    let pts: Vec<(u32, u32)> = (0..n)
        .map(|_| (rng.random_range(0..100), rng.random_range(0..100)))
        .collect();
    let mut d = vec![0_u32; n * n];
    for a in 0..n {
        for b in 0..n {
            d[a * n + b] = pts[a].0.abs_diff(pts[b].0) + pts[a].1.abs_diff(pts[b].1);
        }
    }
    let jobs = (0..jobs)
        .map(|i| Job {
            id: i as u64,
            place: Place {
                location: Location(u32::try_from(i + 1).unwrap()),
                service: 0,
                time_windows: Vec::new(),
            },
            delivery: Load([rng.random_range(0..5), rng.random_range(0..3), 0, 0]),
            pickup: Load([rng.random_range(0..2), 0, 0, 0]),
            skills: SkillSet(0),
            priority: 0,
        })
        .collect();
    let vehicles = (0..3)
        .map(|v| {
            let capacity = Load([rng.random_range(10..30), rng.random_range(5..15), 0, 0]);
            Vehicle {
                max_distance: (rng.random_range(0..3) == 0).then(|| rng.random_range(200..800)),
                max_tasks: (rng.random_range(0..3) == 0).then(|| rng.random_range(3..12)),
                ..Vehicle::round_trip(v, Location(0), capacity)
            }
        })
        .collect();
    Problem {
        jobs,
        shipments: vec![],
        vehicles,
        matrices: vec![Matrix {
            size: n,
            durations: d.clone(),
            distances: d,
            costs: None,
        }],
        skill_names: vec![],
        objective: Objective::DistanceOnly,
    }
}

#[test]
fn plain_insertions_and_concatenations_match_the_general_checks() {
    for seed in 0..60_u64 {
        let p = plain_problem(seed, 5 + usize::try_from(seed % 30).unwrap());
        let m = Model::new(&p);
        assert!(RouteState::plain(&m), "seed {seed}");
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        // Every stop but a few goes on a random vehicle; the rest are to insert.
        let mut general: Vec<RouteState> = (0..3).map(|v| RouteState::new(&m, v)).collect();
        let mut plain: Vec<RouteState> = (0..3).map(|v| RouteState::new_in(&m, v, true)).collect();
        let mut free = Vec::new();
        for u in 0..m.n_nodes() {
            let u = u32::try_from(u).unwrap();
            let r = rng.random_range(0..4);
            if r == 3 {
                free.push(u);
            } else {
                general[r].nodes.push(u);
                plain[r].nodes.push(u);
            }
        }
        for (g, q) in general.iter_mut().zip(&mut plain) {
            g.update(&m);
            q.update(&m);
            assert_eq!((g.distance, g.cost), (q.distance, q.cost), "seed {seed}");
        }
        for &u in &free {
            for (g, q) in general.iter().zip(&plain) {
                let oracle = (0..=g.len()).filter_map(|k| g.insert_delta(&m, u, k)).min();
                let fast = q.best_insert(&m, u, || false).map(|i| i.delta);
                assert_eq!(fast, oracle, "seed {seed}, stop {u}");
                if let Some(i) = q.best_insert(&m, u, || false) {
                    assert_eq!(g.insert_delta(&m, u, i.i), Some(i.delta), "seed {seed}");
                }
            }
        }
        let mut scratch = Vec::new();
        for _ in 0..200 {
            let (x, y) = (rng.random_range(0..3), rng.random_range(0..3));
            let i = rng.random_range(0..=general[x].len());
            let j = rng.random_range(1..=general[y].len() + 1);
            let k = rng.random_range(0..=free.len().min(3));
            let middle = &free[..k];
            let mut cost = |r: &[RouteState]| {
                RouteState::compose(&m, &r[x], i, middle, &r[y], j, &mut scratch)
                    .map(|s| (s.distance, RouteState::cost_of(&m, x, s, false)))
            };
            assert_eq!(cost(&plain), cost(&general), "seed {seed}");
        }
    }
}

#[test]
fn a_time_window_or_a_paid_hour_is_not_plain() {
    let mut p = plain_problem(1, 10);
    p.jobs[3].place.time_windows = vec![TimeWindow { start: 0, end: 50 }];
    assert!(!RouteState::plain(&Model::new(&p)));
    let mut p = plain_problem(1, 10);
    p.objective = Objective::PriorityThenCost;
    p.vehicles[0].costs.per_hour = 3600;
    assert!(!RouteState::plain(&Model::new(&p)));
}
