use rand::{RngExt as _, SeedableRng as _};
use rand_pcg::Pcg64Mcg;

use super::super::super::problem::{
    Job, Load, Location, Matrix, Objective, Place, Problem, Shipment, SkillSet, TimeWindow, Vehicle,
};
use super::super::recreate::Order;
use super::super::{Plan, Search};
use super::{MAX_REGRET, Top, best_insertion};
use crate::vrp::check;
use crate::vrp::model::Model;
use crate::vrp::solver::to_solution;

fn vehicle(id: u64, start: u32, capacity: i32) -> Vehicle {
    Vehicle::round_trip(id, Location(start), Load::single(capacity))
}

fn job(id: u64, location: u32, windows: Vec<TimeWindow>) -> Job {
    Job {
        id,
        place: Place {
            location: Location(location),
            service: 0,
            time_windows: windows,
        },
        delivery: Load::single(1),
        pickup: Load::ZERO,
        skills: SkillSet(0),
        priority: 0,
    }
}

/// Locations on a line at the given coordinates; travel time = distance = |a − b|.
fn on_line(xs: &[i64]) -> Matrix {
    let n = xs.len();
    let d: Vec<u32> = (0..n * n)
        .map(|i| u32::try_from((xs[i / n] - xs[i % n]).abs()).unwrap())
        .collect();
    Matrix {
        size: n,
        durations: d.clone(),
        distances: d,
        costs: None,
    }
}

fn regret_plan(m: &Model, k: usize) -> Plan {
    let mut s = Search::new(m, 1);
    let all: Vec<u32> = (0..m.n_tasks).map(|t| u32::try_from(t).unwrap()).collect();
    s.construct_regret(&all, k);
    s.commit();
    s.plan()
}

fn greedy_plan(m: &Model) -> Plan {
    let mut s = Search::new(m, 1);
    let mut all: Vec<u32> = (0..m.n_tasks).map(|t| u32::try_from(t).unwrap()).collect();
    s.recreate(&mut all, Order::Far, true, None);
    s.commit();
    s.plan()
}

#[test]
fn top_keeps_the_k_cheapest() {
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    for _ in 0..500 {
        let k = rng.random_range(2..=MAX_REGRET);
        let mut top = Top::EMPTY;
        let mut all: Vec<(i64, u32)> = Vec::new();
        for _ in 0..rng.random_range(0..12) {
            let r = rng.random_range(0..8_u32);
            if rng.random_range(0..3) == 0 {
                top.remove(r);
                // Removing breaks the "everything outside costs more" invariant: rebuild.
                all.retain(|x| x.1 != r);
                top = Top::EMPTY;
                for &(d, r) in &all {
                    top.push(k, d, r);
                }
            } else if !all.iter().any(|x| x.1 == r) {
                let d = rng.random_range(0..20);
                all.push((d, r));
                top.push(k, d, r);
            }
            all.sort_unstable();
            let want: Vec<(i64, u32)> = all.iter().copied().take(k).collect();
            assert_eq!(&top.item[..top.len], &want[..]);
        }
    }
}

/// Two single-task vehicles at x = 0 and x = 100, tasks A at 40 and B at 10. Greedy inserts
/// the farther A first, at its cheapest (the vehicle at 0, cost 80), leaving B the vehicle at
/// 100 (180): 260. Regret sees B losing 160 if it misses the vehicle at 0 against A's 40, so B
/// goes first: B at 0 (20), A at 100 (120): 140.
#[test]
fn regret_serves_the_task_with_most_to_lose_first() {
    let problem = Problem {
        jobs: vec![job(1, 2, vec![]), job(2, 3, vec![])],
        shipments: vec![],
        vehicles: vec![vehicle(1, 0, 1), vehicle(2, 1, 1)],
        matrices: vec![on_line(&[0, 100, 40, 10])],
        skill_names: vec![],
        objective: Objective::DistanceOnly,
    };
    let m = Model::new(&problem);
    let greedy = greedy_plan(&m);
    let regret = regret_plan(&m, 2);
    assert_eq!(greedy.score.cost, 260);
    assert_eq!(greedy.routes, vec![(0, vec![0]), (1, vec![1])]);
    assert_eq!(regret.score.cost, 140);
    assert_eq!(regret.routes, vec![(0, vec![1]), (1, vec![0])]);
    let solution = to_solution(&problem, &m, &regret);
    assert_eq!(check::check(&problem, &solution).unwrap().cost, 140);
}

/// Crafted cases where an insertion order can strand a task: regret serves every task greedy
/// serves.
#[test]
fn regret_leaves_no_more_tasks_unassigned_than_greedy() {
    let w = |s: u32, e: u32| vec![TimeWindow { start: s, end: e }];
    let cases = [
        // The far task first takes the only vehicle able to reach the near one in time.
        Problem {
            jobs: vec![job(1, 2, w(0, 1000)), job(2, 3, w(0, 12))],
            shipments: vec![],
            vehicles: vec![vehicle(1, 0, 1), vehicle(2, 1, 1)],
            matrices: vec![on_line(&[0, 100, 50, 10])],
            skill_names: vec![],
            objective: Objective::DistanceOnly,
        },
        // One vehicle, tight windows in a chain: the order of insertion matters.
        Problem {
            jobs: vec![
                job(1, 1, w(10, 12)),
                job(2, 2, w(20, 22)),
                job(3, 3, w(30, 32)),
                job(4, 4, w(0, 100)),
            ],
            shipments: vec![],
            vehicles: vec![vehicle(1, 0, 4)],
            matrices: vec![on_line(&[0, 10, 20, 30, 60])],
            skill_names: vec![],
            objective: Objective::VehiclesThenDistance,
        },
        // Capacities: a large and small demands, two vehicles of different size.
        Problem {
            jobs: (0..5_u32)
                .map(|i| Job {
                    delivery: Load::single(if i == 0 { 3 } else { 1 }),
                    ..job(u64::from(i) + 1, i + 1, vec![])
                })
                .collect(),
            shipments: vec![],
            vehicles: vec![vehicle(1, 0, 4), vehicle(2, 0, 3)],
            matrices: vec![on_line(&[0, 5, 9, 13, 17, 30])],
            skill_names: vec![],
            objective: Objective::VehiclesThenDistance,
        },
    ];
    for (i, problem) in cases.iter().enumerate() {
        let m = Model::new(problem);
        let greedy = greedy_plan(&m);
        for k in 2..=MAX_REGRET {
            let regret = regret_plan(&m, k);
            assert!(
                regret.unassigned.len() <= greedy.unassigned.len(),
                "case {i}, k {k}: {regret:?} vs {greedy:?}"
            );
            let solution = to_solution(problem, &m, &regret);
            check::check(problem, &solution).unwrap();
        }
    }
}

/// A random problem: jobs with windows, skills and sizes, a shipment, three vehicles of two
/// kinds (one with a task limit).
fn random_problem(seed: u64, objective: Objective) -> Problem {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let n_jobs = rng.random_range(0..14_u32);
    let n = n_jobs + 3;
    let xs: Vec<(i64, i64)> = (0..n)
        .map(|_| (rng.random_range(0..60), rng.random_range(0..60)))
        .collect();
    let size = usize::try_from(n).unwrap();
    let d: Vec<u32> = (0..size * size)
        .map(|i| {
            let (a, b) = (xs[i / size], xs[i % size]);
            u32::try_from((a.0 - b.0).abs() + (a.1 - b.1).abs()).unwrap()
        })
        .collect();
    let window = |rng: &mut Pcg64Mcg| -> Vec<TimeWindow> {
        if rng.random_range(0..3) == 0 {
            return vec![];
        }
        let s = rng.random_range(0..200);
        vec![TimeWindow {
            start: s,
            end: s + rng.random_range(10..100),
        }]
    };
    let jobs = (0..n_jobs)
        .map(|i| Job {
            delivery: Load::single(rng.random_range(1..4)),
            skills: SkillSet(u64::from(rng.random_range(0..4_u32) == 0)),
            ..job(u64::from(i) + 1, i + 3, window(&mut rng))
        })
        .collect();
    let place = |l: u32, time_windows: Vec<TimeWindow>| Place {
        location: Location(l),
        service: 5,
        time_windows,
    };
    let shipments = vec![Shipment {
        pickup_id: 100,
        delivery_id: 101,
        pickup: place(1, window(&mut rng)),
        delivery: place(2, vec![]),
        amount: Load::single(2),
        skills: SkillSet(0),
        priority: 0,
    }];
    let mut vehicles = vec![vehicle(1, 0, 8), vehicle(2, 0, 8), vehicle(3, 0, 5)];
    vehicles[2].skills = SkillSet(1);
    vehicles[2].max_tasks = Some(3);
    vehicles[2].shift = TimeWindow { start: 0, end: 250 };
    Problem {
        jobs,
        shipments,
        vehicles,
        matrices: vec![Matrix {
            size,
            durations: d.clone(),
            distances: d,
            costs: None,
        }],
        skill_names: vec![],
        objective,
    }
}

/// The slow obvious regret construction: every round re-evaluates every pending task on every
/// active route from scratch, with the same rules and tie-breaks.
fn reference(m: &Model, k: usize) -> Plan {
    let mut s = Search::new(m, 1);
    let mut pending: Vec<u32> = (0..m.n_tasks).map(|t| u32::try_from(t).unwrap()).collect();
    loop {
        let nv = s.routes.len();
        let active: Vec<bool> = (0..nv)
            .map(|r| {
                !s.routes[r].is_empty()
                    || (0..r).all(|v| {
                        !s.routes[v].is_empty() || m.vehicles[v].class != m.vehicles[r].class
                    })
            })
            .collect();
        let best = |s: &Search<'_>, t: u32, r: usize| {
            let node = m.task_node(t as usize);
            let pair = m.node_sibling[node as usize] != super::NONE;
            (active[r] && m.compatible(t as usize, r))
                .then(|| best_insertion(m, &s.routes[r], node, pair))
                .flatten()
        };
        let mut chosen: Option<((usize, i64, i64), u32, usize)> = None;
        for &t in &pending {
            let mut top = Top::EMPTY;
            for r in 0..nv {
                if let Some(b) = best(&s, t, r)
                    && s.counts(r)
                {
                    top.push(k, b.delta, u32::try_from(r).unwrap());
                }
            }
            if top.len > 0 && chosen.is_none_or(|(key, _, _)| top.key(k) > key) {
                chosen = Some((top.key(k), t, top.item[0].1 as usize));
            }
        }
        if chosen.is_none() {
            let mut seed: Option<((i64, i64, i64), u32, usize)> = None;
            for &t in &pending {
                for r in 0..nv {
                    if let Some(b) = best(&s, t, r)
                        && s.routes[r].is_empty()
                    {
                        let v = &m.vehicles[r];
                        let far = m.d(v.ty, v.start, m.node_loc[m.task_node(t as usize) as usize]);
                        let key = (far, -b.delta, -i64::try_from(r).unwrap());
                        if seed.is_none_or(|(best, _, _)| key > best) {
                            seed = Some((key, t, r));
                        }
                    }
                }
            }
            chosen = seed.map(|(_, t, r)| ((0, 0, 0), t, r));
        }
        let Some((_, t, r)) = chosen else { break };
        let ins = best(&s, t, r).unwrap();
        let node = m.task_node(t as usize);
        if m.node_sibling[node as usize] == super::NONE {
            s.routes[r].insert(m, node, ins.i);
        } else {
            s.routes[r].insert_pair(m, node, ins);
        }
        pending.retain(|&x| x != t);
    }
    s.unassigned = pending;
    s.plan()
}

/// The cached construction equals the slow reference, and its output passes the checker.
#[test]
fn cached_regret_matches_recomputation() {
    for seed in 0..150 {
        let objective = [
            Objective::DistanceOnly,
            Objective::VehiclesThenDistance,
            Objective::PriorityThenCost,
        ][usize::try_from(seed % 3).unwrap()];
        let problem = random_problem(seed, objective);
        let m = Model::new(&problem);
        for k in 2..=MAX_REGRET {
            let fast = regret_plan(&m, k);
            let slow = reference(&m, k);
            assert_eq!(fast.routes, slow.routes, "seed {seed}, k {k}");
            assert_eq!(fast.unassigned, slow.unassigned, "seed {seed}, k {k}");
            let solution = to_solution(&problem, &m, &fast);
            let report = check::check(&problem, &solution).unwrap();
            assert_eq!(report.cost, solution.cost, "seed {seed}");
        }
    }
}
