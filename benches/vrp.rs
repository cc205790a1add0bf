//! VRP solver benches: the insertion-evaluation rate of the O(1) checks and the local-search
//! move-evaluation rate of the cached concatenations, each against a naive full
//! re-simulation of each candidate route (measured in the same run), and the solve time at a
//! fixed iteration count, on a generated Solomon R1-like instance (100 customers, random
//! coordinates in 100 × 100, tight windows, capacity 200, distances × 1000).
#![allow(missing_docs, clippy::cast_possible_truncation, clippy::cast_sign_loss)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use engine::vrp::{
    InsertionEvaluator, Job, Load, Location, Matrix, Objective, Place, Problem, SkillSet,
    SolverConfig, TimeWindow, Vehicle, solve,
};
use rand::{RngExt as _, SeedableRng as _};

/// An R1-like instance with `n` customers.
fn r1_like(n: usize, seed: u64) -> Problem {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let pts: Vec<(f64, f64)> = std::iter::once((35.0, 35.0))
        .chain((0..n).map(|_| (rng.random_range(0.0..100.0), rng.random_range(0.0..100.0))))
        .collect();
    let size = pts.len();
    let mut d = vec![0_u32; size * size];
    for a in 0..size {
        for b in 0..size {
            d[a * size + b] =
                ((pts[a].0 - pts[b].0).hypot(pts[a].1 - pts[b].1) * 1000.0).round() as u32;
        }
    }
    let horizon = 230_000_u32;
    let jobs = (1..size)
        .map(|i| {
            let out = d[i];
            let latest = horizon - out - 10_000;
            let start = rng.random_range(out..latest.max(out + 1));
            Job {
                id: i as u64,
                place: Place {
                    location: Location(i as u32),
                    service: 10_000,
                    time_windows: vec![TimeWindow {
                        start,
                        end: (start + 10_000).min(latest),
                    }],
                },
                delivery: Load::single(rng.random_range(1..40)),
                pickup: Load::ZERO,
                skills: SkillSet(0),
                priority: 0,
            }
        })
        .collect();
    let vehicles = (0..25)
        .map(|id| Vehicle {
            shift: TimeWindow {
                start: 0,
                end: horizon,
            },
            ..Vehicle::round_trip(id, Location(0), Load::single(200))
        })
        .collect();
    Problem {
        jobs,
        shipments: vec![],
        vehicles,
        matrices: vec![Matrix {
            size,
            durations: d.clone(),
            distances: d,
            costs: None,
        }],
        skill_names: vec![],
        objective: Objective::VehiclesThenDistance,
    }
}

fn iterations(n: u64) -> SolverConfig {
    SolverConfig {
        time_limit: None,
        max_iterations: Some(n),
        seed: 0,
        threads: 1,
    }
}

fn insertion(c: &mut Criterion) {
    let p = r1_like(100, 1);
    let s = solve(&p, &iterations(2000)).expect("valid instance");
    let eval = InsertionEvaluator::new(&p, &s).expect("valid instance");
    let mut g = c.benchmark_group("vrp_insertion_r1_100");
    // One element = one candidate position checked and costed.
    g.throughput(Throughput::Elements(
        (eval.positions() * p.jobs.len()) as u64,
    ));
    let mut out = Vec::new();
    g.bench_function("cached_o1", |b| {
        b.iter(|| {
            for j in 0..p.jobs.len() {
                eval.fast(black_box(j), &mut out);
                black_box(&out);
            }
        });
    });
    g.bench_function("naive_resimulation", |b| {
        b.iter(|| {
            for j in 0..p.jobs.len() {
                eval.naive(black_box(j), &mut out);
                black_box(&out);
            }
        });
    });
    g.finish();
}

/// Local-search move evaluation: 2-opt* between every pair of routes at every pair of
/// positions (two concatenations per move), cached against full re-simulation.
fn local_search_moves(c: &mut Criterion) {
    let p = r1_like(100, 1);
    let s = solve(&p, &iterations(2000)).expect("valid instance");
    let eval = InsertionEvaluator::new(&p, &s).expect("valid instance");
    let moves: Vec<(usize, usize, usize, usize)> = (0..eval.routes())
        .flat_map(|x| {
            (0..eval.routes())
                .filter(move |&y| y != x)
                .map(move |y| (x, y))
        })
        .flat_map(|(x, y)| {
            let (nx, ny) = (eval.route_len(x), eval.route_len(y));
            (1..=nx).flat_map(move |i| (1..=ny).map(move |j| (x, i, y, j)))
        })
        .collect();
    let mut g = c.benchmark_group("vrp_2opt_star_r1_100");
    // One element = one move (both new routes) checked and costed.
    g.throughput(Throughput::Elements(moves.len() as u64));
    let run = |b: &mut criterion::Bencher<'_>, naive: bool| {
        b.iter(|| {
            for &(x, i, y, j) in &moves {
                let (a, c) = if naive {
                    (
                        eval.concat_naive(x, i, &[], y, j - 1),
                        eval.concat_naive(y, j - 1, &[], x, i),
                    )
                } else {
                    (
                        eval.concat_fast(x, i, &[], y, j - 1),
                        eval.concat_fast(y, j - 1, &[], x, i),
                    )
                };
                black_box((a, c));
            }
        });
    };
    g.bench_function("cached_concatenation", |b| run(b, false));
    g.bench_function("naive_resimulation", |b| run(b, true));
    g.finish();
}

fn solve_fixed_iterations(c: &mut Criterion) {
    let mut g = c.benchmark_group("vrp_solve_1000_iterations");
    g.sample_size(10);
    for n in [100, 200] {
        let p = r1_like(n, 2);
        g.bench_with_input(BenchmarkId::from_parameter(n), &p, |b, p| {
            b.iter(|| solve(black_box(p), &iterations(1000)).expect("valid instance"));
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    insertion,
    local_search_moves,
    solve_fixed_iterations
);
criterion_main!(benches);
