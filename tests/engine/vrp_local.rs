//! The local search's building block, the concatenation of route parts checked on cached route
//! data, against a full re-simulation of the same route (the oracle), on solutions of real
//! instances and of small random problems with every model feature.
#![allow(clippy::unwrap_used)]

use engine::vrp::{
    Break, InsertionEvaluator, Problem, SolverConfig, TimeWindow, check, io::Instance, solve,
};
use rand::{RngExt, SeedableRng as _};

use crate::support;
use crate::vrp_solver::{iterations, tiny};

/// Random concatenations `x[..i] + middle + y[j..]` of the routes of `s`; returns how many
/// were feasible. Panics when the cached check and the simulation disagree.
fn concatenations_agree(p: &Problem, config: &SolverConfig, samples: usize, seed: u64) -> usize {
    let s = solve(p, config).unwrap();
    check::check(p, &s).unwrap();
    let eval = InsertionEvaluator::new(p, &s).unwrap();
    let nr = eval.routes();
    if nr == 0 {
        return 0;
    }
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let mut feasible = 0;
    for _ in 0..samples {
        let x = rng.random_range(0..nr);
        // Same route (intra-route moves) half of the time.
        let y = if rng.random_bool(0.5) {
            x
        } else {
            rng.random_range(0..nr)
        };
        let i = rng.random_range(0..=eval.route_len(x));
        let j = if x == y && rng.random_bool(0.7) {
            // Remove a short stretch, as Or-opt and swaps do.
            (i + rng.random_range(0..4)).min(eval.route_len(y))
        } else {
            rng.random_range(0..=eval.route_len(y))
        };
        let middle: Vec<(usize, usize)> = (0..rng.random_range(0..4))
            .filter_map(|_| {
                let r = rng.random_range(0..nr);
                let len = eval.route_len(r);
                (len > 0).then(|| (r, rng.random_range(0..len)))
            })
            .collect();
        let fast = eval.concat_fast(x, i, &middle, y, j);
        let naive = eval.concat_naive(x, i, &middle, y, j);
        assert_eq!(fast, naive, "x {x} i {i} middle {middle:?} y {y} j {j}");
        feasible += usize::from(fast.is_some());
    }
    feasible
}

#[test]
fn concatenation_matches_resimulation_on_real_instances() {
    for (rel, samples) in [
        ("solomon/instances/R101.txt", 4000),
        ("solomon/instances/C201.txt", 4000),
        ("solomon/instances/RC208.txt", 4000),
        ("lilim/100/instances/lc101.txt", 4000),
        ("lilim/100/instances/lrc205.txt", 4000),
        ("x/instances/X-n101-k25.vrp", 4000),
        ("homberger/200/instances/r2_2_1.txt", 4000),
    ] {
        let Some(path) = support::vrp(rel) else {
            continue;
        };
        let inst = Instance::from_path(&path, None).unwrap();
        let feasible = concatenations_agree(&inst.problem, &iterations(200), samples, 7);
        assert!(feasible > samples / 50, "{rel}: only {feasible} feasible");
    }
}

/// Small random problems with time windows (several per stop), skills, pickups, deliveries,
/// shipments, breaks and limits.
#[test]
fn concatenation_matches_resimulation_on_random_problems() {
    let mut feasible = 0;
    for seed in 0..80 {
        let mut p = tiny(seed, 8, seed % 2 == 0);
        match seed % 4 {
            // One travel matrix and one end for both vehicles: suffixes move between routes
            // on the cached path.
            1 => {
                let end = p.vehicles[0].end;
                for v in &mut p.vehicles {
                    v.speed_factor = 1.0;
                    v.end = end;
                }
            }
            2 => {
                p.vehicles[0].breaks = vec![Break {
                    id: 1,
                    time_windows: vec![TimeWindow { start: 40, end: 90 }],
                    duration: 10,
                }];
            }
            3 => p.vehicles[0].max_travel_time = Some(120),
            _ => {}
        }
        feasible += concatenations_agree(&p, &iterations(50), 200, seed);
    }
    assert!(feasible > 1000, "only {feasible} feasible");
}
