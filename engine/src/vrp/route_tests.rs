//! The fast paths against the general route checks on the same routes (the oracle): random
//! capacitated problems without time limits, split into random routes, for the plain paths;
//! random problems with time windows, shipments and breaks, against full simulation, for the
//! relaxed checks that routes with breaks confirm cheapest first.

use rand::{RngExt as _, SeedableRng as _};
use rand_pcg::Pcg64Mcg;

use super::super::{
    Break, Job, Load, Location, Matrix, Objective, Place, Problem, Shipment, SkillSet, TimeWindow,
    Vehicle,
};
use super::{Model, RouteState};

/// `jobs` jobs at random grid points (Manhattan distances) with deliveries and pickups, three depot-based vehicles with
/// two capacity dimensions, sometimes a distance or task limit; no time limit.
fn plain_problem(seed: u64, jobs: usize) -> Problem {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let n = jobs + 1;
    let d = grid_distances(&mut rng, n);
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
    problem(jobs, vec![], vehicles, n, d)
}

/// Manhattan distances between `n` random points of a 100 × 100 grid, row-major.
fn grid_distances(rng: &mut Pcg64Mcg, n: usize) -> Vec<u32> {
    let pts: Vec<(u32, u32)> = (0..n)
        .map(|_| (rng.random_range(0..100), rng.random_range(0..100)))
        .collect();
    let mut d = vec![0_u32; n * n];
    for a in 0..n {
        for b in 0..n {
            d[a * n + b] = pts[a].0.abs_diff(pts[b].0) + pts[a].1.abs_diff(pts[b].1);
        }
    }
    d
}

/// A distance-only problem on one matrix `d` of `n` locations, durations equal to distances.
fn problem(
    jobs: Vec<Job>,
    shipments: Vec<Shipment>,
    vehicles: Vec<Vehicle>,
    n: usize,
    d: Vec<u32>,
) -> Problem {
    Problem {
        jobs,
        shipments,
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
                for bound in bounds_around(oracle, &mut rng) {
                    for r in [g, q] {
                        let below = r.best_insert_below(&m, u, bound, || false);
                        let expected = oracle.filter(|&d| d < bound);
                        assert_eq!(below.map(|i| i.delta), expected, "seed {seed}, {bound}");
                    }
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

/// `jobs` jobs and `shipments` shipments at random grid points, with service times and, for
/// about half the stops, a time window; three depot-based vehicles with a shift and one or two
/// breaks (most with a window, one sometimes without), sometimes a task limit.
fn break_problem(seed: u64, jobs: usize, shipments: usize) -> Problem {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let n = 1 + jobs + 2 * shipments;
    let d = grid_distances(&mut rng, n);
    let mut place = |l: usize| {
        let time_windows = if rng.random_range(0..2) == 0 {
            let start = rng.random_range(0..1500);
            vec![TimeWindow {
                start,
                end: start + rng.random_range(150..600),
            }]
        } else {
            Vec::new()
        };
        Place {
            location: Location(u32::try_from(l).unwrap()),
            service: rng.random_range(0..30),
            time_windows,
        }
    };
    let job_places: Vec<Place> = (0..jobs).map(|i| place(1 + i)).collect();
    let pair_places: Vec<(Place, Place)> = (0..shipments)
        .map(|s| (place(1 + jobs + 2 * s), place(2 + jobs + 2 * s)))
        .collect();
    let jobs = job_places
        .into_iter()
        .enumerate()
        .map(|(i, place)| Job {
            id: i as u64,
            place,
            delivery: Load([rng.random_range(0..4), 0, 0, 0]),
            pickup: Load([rng.random_range(0..2), 0, 0, 0]),
            skills: SkillSet(0),
            priority: 0,
        })
        .collect();
    let shipments = pair_places
        .into_iter()
        .enumerate()
        .map(|(s, (pickup, delivery))| Shipment {
            pickup_id: 1000 + 2 * s as u64,
            delivery_id: 1001 + 2 * s as u64,
            pickup,
            delivery,
            amount: Load([rng.random_range(1..4), 0, 0, 0]),
            skills: SkillSet(0),
            priority: 0,
        })
        .collect();
    let vehicles = (0..3)
        .map(|v| {
            let breaks = (0..rng.random_range(1..3))
                .map(|b| {
                    let time_windows = if v == 2 && b == 0 && rng.random_range(0..2) == 0 {
                        Vec::new()
                    } else {
                        let start = rng.random_range(100..1200) + 600 * b;
                        vec![TimeWindow {
                            start,
                            end: start + rng.random_range(0..300),
                        }]
                    };
                    Break {
                        id: b as u64,
                        time_windows,
                        duration: rng.random_range(10..80),
                    }
                })
                .collect();
            Vehicle {
                shift: TimeWindow {
                    start: 0,
                    end: rng.random_range(1800..2600),
                },
                max_tasks: (rng.random_range(0..4) == 0).then(|| rng.random_range(4..12)),
                breaks,
                ..Vehicle::round_trip(v, Location(0), Load([rng.random_range(8..20), 0, 0, 0]))
            }
        })
        .collect();
    problem(jobs, shipments, vehicles, n, d)
}

#[test]
fn routes_with_breaks_choose_as_full_simulation_would() {
    let mut checked = [0_usize; 4];
    for seed in 0..80_u64 {
        let p = break_problem(seed, 6 + usize::try_from(seed % 20).unwrap(), 3);
        let m = Model::new(&p);
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ 0xB4EA);
        // Stops go at the end of a random route when it stays feasible (a shipment as a
        // pickup then its delivery); the rest are free, to insert.
        let mut routes: Vec<RouteState> = (0..3).map(|v| RouteState::new(&m, v)).collect();
        let (mut free_jobs, mut free_pairs) = (Vec::new(), Vec::new());
        let pairs = m.n_nodes() - p.jobs.len();
        let units = (0..p.jobs.len())
            .map(|j| vec![u32::try_from(j).unwrap()])
            .chain((0..pairs / 2).map(|s| {
                let pu = u32::try_from(p.jobs.len() + 2 * s).unwrap();
                vec![pu, pu + 1]
            }));
        for unit in units {
            let r = &mut routes[rng.random_range(0..3)];
            let mut nodes = r.nodes.clone();
            nodes.extend_from_slice(&unit);
            if rng.random_range(0..4) != 0 && m.simulate(r.vehicle, &nodes, None).is_some() {
                r.nodes = nodes;
                r.update(&m);
            } else if unit.len() == 1 {
                free_jobs.push(unit[0]);
            } else {
                free_pairs.push(unit[0]);
            }
        }
        for r in &routes {
            let n = r.len();
            for &u in &free_jobs {
                // Every gap against the simulation, and the cheapest (first among equals).
                let mut oracle: Option<(i64, usize)> = None;
                for k in 0..=n {
                    let simulated = r.delta_by_simulation(&m, &[(k, u)]);
                    assert_eq!(r.insert_delta(&m, u, k), simulated, "seed {seed}");
                    if let Some(delta) = simulated
                        && oracle.is_none_or(|(b, _)| delta < b)
                    {
                        oracle = Some((delta, k));
                    }
                }
                let best = r.best_insert(&m, u, || false).map(|i| (i.delta, i.i));
                assert_eq!(best, oracle, "seed {seed}, stop {u}");
                checked[0] += usize::from(oracle.is_some());
                // Bounded by what another route offers: the same answer when it is cheaper
                // than the bound, none otherwise.
                for bound in bounds_around(oracle.map(|(d, _)| d), &mut rng) {
                    let below = r.best_insert_below(&m, u, bound, || false);
                    let expected = oracle.filter(|&(d, _)| d < bound);
                    assert_eq!(
                        below.map(|i| (i.delta, i.i)),
                        expected,
                        "seed {seed}, {bound}"
                    );
                }
                for k in 1..=n {
                    if (r.nodes[k - 1] as usize) < p.jobs.len() {
                        let mut nodes = r.nodes.clone();
                        nodes[k - 1] = u;
                        let simulated = m
                            .simulate(r.vehicle, &nodes, None)
                            .map(|s| RouteState::cost_of(&m, r.vehicle, s, false) - r.cost);
                        assert_eq!(r.replace_delta(&m, u, k), simulated, "seed {seed}");
                        checked[1] += usize::from(simulated.is_some());
                    }
                }
            }
            for &pu in &free_pairs {
                let mut oracle: Option<(i64, usize, usize)> = None;
                for i in 0..=n {
                    for j in i..=n {
                        if let Some(delta) = r.delta_by_simulation(&m, &[(i, pu), (j, pu + 1)])
                            && oracle.is_none_or(|(b, _, _)| delta < b)
                        {
                            oracle = Some((delta, i, j));
                        }
                    }
                }
                let best = r.best_pair(&m, pu, || false).map(|i| (i.delta, i.i, i.j));
                assert_eq!(best, oracle, "seed {seed}, shipment {pu}");
                checked[2] += usize::from(oracle.is_some());
                for bound in bounds_around(oracle.map(|(d, _, _)| d), &mut rng) {
                    let below = r.best_pair_below(&m, pu, bound, || false);
                    let expected = oracle.filter(|&(d, _, _)| d < bound);
                    assert_eq!(
                        below.map(|i| (i.delta, i.i, i.j)),
                        expected,
                        "seed {seed}, {bound}"
                    );
                }
            }
        }
        let mut scratch = Vec::new();
        let middle: Vec<u32> = free_jobs.iter().copied().take(2).collect();
        for _ in 0..200 {
            let (x, y) = (rng.random_range(0..3), rng.random_range(0..3));
            let i = rng.random_range(0..=routes[x].len());
            let j = rng.random_range(1..=routes[y].len() + 1);
            let mid = &middle[..rng.random_range(0..=middle.len())];
            let mut nodes = routes[x].nodes[..i].to_vec();
            nodes.extend_from_slice(mid);
            nodes.extend_from_slice(&routes[y].nodes[j - 1..]);
            // The simulation does not ask for a shipment's pickup before its delivery (the
            // search keeps that order), so every cut is compared as it is.
            let simulated = m.simulate(routes[x].vehicle, &nodes, None);
            let composed = RouteState::compose(&m, &routes[x], i, mid, &routes[y], j, &mut scratch);
            assert_eq!(
                composed.map(|s| (s.distance, s.travel_time)),
                simulated.map(|s| (s.distance, s.travel_time)),
                "seed {seed}"
            );
            if let Some(relaxed) =
                RouteState::compose_relaxed(&m, &routes[x], i, mid, &routes[y], j, &mut scratch)
            {
                if relaxed.exact {
                    assert!(simulated.is_some(), "seed {seed}");
                }
            } else {
                assert!(
                    simulated.is_none(),
                    "the relaxation refuses a feasible route: seed {seed}"
                );
            }
            checked[3] += usize::from(simulated.is_some());
        }
    }
    // The cases are not vacuous: each kind of check met feasible answers.
    assert!(checked.iter().all(|&c| c > 100), "{checked:?}");
}

/// Bounds for the bounded insertion scans around the best delta: at it, just above, far
/// above and below it, none (`i64::MAX`), and a random one.
fn bounds_around(best: Option<i64>, rng: &mut Pcg64Mcg) -> Vec<i64> {
    let mut out = vec![i64::MAX, rng.random_range(-1_000..100_000)];
    if let Some(d) = best {
        out.extend([d, d + 1, d.saturating_add(1_000), d - 1]);
    }
    out
}
