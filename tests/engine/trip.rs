//! Trips: tours are valid permutations, exact where promised, and beat OSRM's farthest
//! insertion on the same points.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers: small synthetic instances, failures should panic"
)]

use engine::routing::trip::{
    Trip, TripError, TripOptions, farthest_insertion, order_cost, solve, solve_matrix,
};
use engine::types::{LonLat, haversine_m};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::support;

/// A random asymmetric matrix: planar distances plus a random one-way surcharge.
fn random_matrix(seed: u64, n: usize) -> Vec<Option<u32>> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|_| {
            (
                rng.random_range(0.0..10_000.0),
                rng.random_range(0.0..10_000.0),
            )
        })
        .collect();
    let mut m = vec![Some(0); n * n];
    for a in 0..n {
        for b in (0..n).filter(|&b| b != a) {
            let d = ((pts[a].0 - pts[b].0).powi(2) + (pts[a].1 - pts[b].1).powi(2)).sqrt();
            m[a * n + b] = Some((d * rng.random_range(1.0..1.4)) as u32);
        }
    }
    m
}

/// The haversine matrix (metres) of the first `n` workload points of an extract.
fn workload_matrix(extract: &str, n: usize) -> Option<Vec<Option<u32>>> {
    let path = support::anchors(&format!("routing/workloads/{extract}/points.csv"))?;
    let pts: Vec<LonLat> = crate::points::read_points(&path)
        .into_iter()
        .take(n)
        .collect();
    let mut m = vec![Some(0); n * n];
    for a in 0..n {
        for b in 0..n {
            m[a * n + b] = Some(haversine_m(pts[a], pts[b]).round() as u32);
        }
    }
    Some(m)
}

/// Every option combination the service accepts.
fn variants(n: usize) -> Vec<TripOptions> {
    let mut v = Vec::new();
    for round_trip in [true, false] {
        for start in [None, Some(n / 2)] {
            for end in [None, Some(n - 1)] {
                if !round_trip && n > 1 && start.is_some() && start == end {
                    continue;
                }
                v.push(TripOptions {
                    round_trip,
                    start,
                    end,
                    ..TripOptions::default()
                });
            }
        }
    }
    v
}

/// The trip is a permutation respecting the fixed stops, and its cost is its real cost.
fn check_trip(m: &[Option<u32>], n: usize, opts: &TripOptions, trip: &Trip) {
    let mut seen = vec![false; n];
    for &s in &trip.order {
        assert!(!seen[s], "stop {s} twice in {:?}", trip.order);
        seen[s] = true;
    }
    assert_eq!(trip.order.len(), n, "{:?}", trip.order);
    if let Some(s) = opts.start {
        assert_eq!(trip.order[0], s, "{opts:?}");
    } else if opts.round_trip && opts.end.is_none() {
        assert_eq!(trip.order[0], 0, "a free round trip is told from stop 0");
    }
    if let Some(t) = opts
        .end
        .filter(|&t| Some(t) != opts.start || !opts.round_trip)
    {
        assert_eq!(trip.order[n - 1], t, "{opts:?}");
    }
    let cost = order_cost(&trip.order, opts.round_trip, |a, b| m[a * n + b]).unwrap();
    assert_eq!(trip.cost, cost);
}

/// The cost of the input order, with the fixed stops moved to their places.
fn input_order_cost(m: &[Option<u32>], n: usize, opts: &TripOptions) -> u64 {
    let mut order: Vec<usize> = (0..n)
        .filter(|&s| Some(s) != opts.start && Some(s) != opts.end)
        .collect();
    if let Some(s) = opts.start {
        order.insert(0, s);
    }
    if let Some(t) = opts.end.filter(|&t| Some(t) != opts.start) {
        order.push(t);
    }
    order_cost(&order, opts.round_trip, |a, b| m[a * n + b]).unwrap()
}

/// Brute force over all permutations that respect the fixed stops.
fn brute_force(m: &[Option<u32>], n: usize, opts: &TripOptions) -> u64 {
    fn rec(
        order: &mut Vec<usize>,
        used: &mut [bool],
        m: &[Option<u32>],
        n: usize,
        opts: &TripOptions,
        best: &mut u64,
    ) {
        if order.len() == n {
            let end_ok = opts
                .end
                .is_none_or(|t| order[n - 1] == t || (opts.round_trip && opts.start == Some(t)));
            if end_ok {
                *best =
                    (*best).min(order_cost(order, opts.round_trip, |a, b| m[a * n + b]).unwrap());
            }
            return;
        }
        for s in 0..n {
            if used[s] || (order.is_empty() && opts.start.is_some_and(|f| f != s)) {
                continue;
            }
            used[s] = true;
            order.push(s);
            rec(order, used, m, n, opts, best);
            order.pop();
            used[s] = false;
        }
    }
    let mut best = u64::MAX;
    rec(&mut Vec::new(), &mut vec![false; n], m, n, opts, &mut best);
    best
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, rng_seed: proptest::test_runner::RngSeed::Fixed(7), failure_persistence: None, ..ProptestConfig::default() })]
    #[test]
    fn exact_trips_equal_brute_force(seed in 0u64..1_000_000, n in 1usize..=8) {
        let m = random_matrix(seed, n);
        for opts in variants(n) {
            let trip = solve_matrix(&m, n, &opts).unwrap();
            check_trip(&m, n, &opts, &trip);
            prop_assert!(trip.exact);
            prop_assert_eq!(trip.cost, brute_force(&m, n, &opts), "{:?}", opts);
        }
    }
}

#[test]
fn local_search_is_close_to_the_dynamic_programme() {
    let (mut equal, mut total, mut worst) = (0, 0, 1.0f64);
    for seed in 0..24 {
        let n = 9 + (seed as usize % 4);
        let m = random_matrix(seed, n);
        for opts in variants(n) {
            let exact = solve_matrix(&m, n, &opts).unwrap();
            assert!(exact.exact);
            let heuristic = solve_matrix(
                &m,
                n,
                &TripOptions {
                    exact_up_to: 0,
                    ..opts
                },
            )
            .unwrap();
            check_trip(&m, n, &opts, &heuristic);
            assert!(!heuristic.exact);
            assert!(heuristic.cost >= exact.cost);
            total += 1;
            equal += usize::from(heuristic.cost == exact.cost);
            worst = worst.max(heuristic.cost as f64 / exact.cost.max(1) as f64);
        }
    }
    eprintln!("local search optimal on {equal} of {total}, worst ratio {worst}");
    assert!(
        equal * 100 >= total * 95,
        "local search optimal on {equal} of {total}"
    );
    assert!(worst < 1.05, "worst ratio {worst}");
}

#[test]
fn tours_are_valid_and_no_worse_than_input_order() {
    for seed in 0..12 {
        let n = [13, 20, 37, 60, 101, 150][seed as usize % 6];
        let m = random_matrix(100 + seed, n);
        for opts in variants(n) {
            let opts = TripOptions {
                iterations: 200,
                seed,
                ..opts
            };
            let trip = solve_matrix(&m, n, &opts).unwrap();
            check_trip(&m, n, &opts, &trip);
            assert!(trip.cost <= input_order_cost(&m, n, &opts), "{opts:?}");
            assert_eq!(
                solve_matrix(&m, n, &opts).unwrap(),
                trip,
                "not deterministic"
            );
        }
    }
}

/// Tour cost of vmeste and of farthest insertion, on the same matrix.
fn versus_farthest(m: &[Option<u32>], n: usize, opts: &TripOptions) -> (u64, u64) {
    let ours = solve_matrix(m, n, opts).unwrap();
    let theirs = farthest_insertion(n, |a, b| m[a * n + b], opts).unwrap();
    check_trip(m, n, opts, &ours);
    check_trip(m, n, opts, &theirs);
    (ours.cost, theirs.cost)
}

#[test]
fn beats_farthest_insertion_on_random_instances() {
    let (mut sum_ours, mut sum_theirs) = (0, 0);
    for seed in 0..6 {
        let n = [20, 50, 120][seed as usize % 3];
        let m = random_matrix(200 + seed, n);
        for opts in variants(n) {
            let (ours, theirs) = versus_farthest(
                &m,
                n,
                &TripOptions {
                    iterations: 300,
                    ..opts
                },
            );
            assert!(
                ours <= theirs,
                "{opts:?}: {ours} > farthest insertion's {theirs}"
            );
            sum_ours += ours;
            sum_theirs += theirs;
        }
    }
    assert!(sum_ours < sum_theirs);
}

#[test]
fn beats_farthest_insertion_on_real_coordinates() {
    for extract in [
        "andorra-2020-05-01",
        "porto-2015-06-06-highways",
        "monaco-2023-12-26",
    ] {
        for n in [30, 100] {
            let Some(m) = workload_matrix(extract, n) else {
                return;
            };
            for opts in variants(n) {
                let (ours, theirs) = versus_farthest(
                    &m,
                    n,
                    &TripOptions {
                        iterations: 300,
                        ..opts
                    },
                );
                assert!(
                    ours <= theirs,
                    "{extract} n={n} {opts:?}: {ours} > {theirs}"
                );
            }
        }
    }
}

#[test]
fn unreachable_islands_are_named_not_routed() {
    // Stops 0..6 and 6..10 are two islands: no legs between them.
    let n = 10;
    let mut m = random_matrix(9, n);
    for a in 0..n {
        for b in 0..n {
            if (a < 6) != (b < 6) {
                m[a * n + b] = None;
            }
        }
    }
    for opts in [
        TripOptions::default(),
        TripOptions {
            exact_up_to: 0,
            ..TripOptions::default()
        },
    ] {
        match solve_matrix(&m, n, &opts) {
            Err(TripError::Unreachable { from, to }) => assert_ne!(from < 6, to < 6),
            other => panic!("{other:?}"),
        }
    }
    // One way out of the island: an open trip from it works, and never uses a missing leg.
    for a in 0..6 {
        for b in 6..n {
            m[b * n + a] = Some(5_000);
        }
    }
    let opts = TripOptions {
        round_trip: false,
        start: Some(7),
        ..TripOptions::default()
    };
    let trip = solve_matrix(&m, n, &opts).unwrap();
    check_trip(&m, n, &opts, &trip);
    let heuristic = solve_matrix(
        &m,
        n,
        &TripOptions {
            exact_up_to: 0,
            ..opts
        },
    )
    .unwrap();
    check_trip(&m, n, &opts, &heuristic);
}

#[test]
fn closure_and_slice_agree_and_limits_hold() {
    let n = 40;
    let m = random_matrix(3, n);
    let opts = TripOptions::default();
    assert_eq!(
        solve(n, |a, b| m[a * n + b], &opts),
        solve_matrix(&m, n, &opts)
    );
    assert_eq!(
        solve(engine::routing::trip::MAX_STOPS + 1, |_, _| Some(1), &opts),
        Err(TripError::TooManyStops {
            n: engine::routing::trip::MAX_STOPS + 1,
            limit: engine::routing::trip::MAX_STOPS
        })
    );
    let one = solve(1, |_, _| Some(1), &opts).unwrap();
    assert_eq!((one.order, one.cost), (vec![0], 0));
    let open = TripOptions {
        round_trip: false,
        start: Some(0),
        end: Some(0),
        ..opts
    };
    assert_eq!(solve(1, |_, _| Some(1), &open).unwrap().order, vec![0]);
}
