//! The VRP solver against brute force on tiny instances, an independent schedule
//! recomputation, determinism, reasons for unassigned tasks, and Solomon instances.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]

use std::time::Duration;

use engine::vrp::{
    Costs, InsertionEvaluator, Job, Load, Location, Matrix, Objective, Place, Problem, Reason,
    Shipment, SkillSet, Solution, SolveError, SolverConfig, StopKind, Task, TimeWindow,
    UNREACHABLE, Vehicle, check, io::Instance, solve,
};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng as _};

use crate::support;

/// Recomputes a solution's schedule, loads and totals from the solution module's semantics,
/// independently of the solver, and panics on any violation. Returns (distance, travel time,
/// cost).
pub(crate) fn verify(p: &Problem, s: &Solution) -> (u64, u64, i64) {
    let mut seen = vec![0_u32; p.jobs.len() + 2 * p.shipments.len()];
    let (mut distance, mut travel_time, mut cost) = (0_u64, 0_u64, 0_i64);
    let mut used = vec![false; p.vehicles.len()];
    for r in &s.routes {
        assert!(!used[r.vehicle], "vehicle used twice");
        used[r.vehicle] = true;
        assert!(!r.stops.is_empty());
        let v = &p.vehicles[r.vehicle];
        let m = &p.matrices[v.profile];
        // (travel time, distance, custom cost) of a leg; the cost is 0 without custom costs.
        let travel = |a: Option<Location>, b: Option<Location>| -> (u64, u64, u64) {
            match (a, b) {
                (Some(a), Some(b)) => {
                    let (t, d) = (m.duration(a, b), m.distance(a, b));
                    assert!(t != UNREACHABLE && d != UNREACHABLE, "unreachable leg");
                    (
                        (f64::from(t) / v.speed_factor).round() as u64,
                        u64::from(d),
                        u64::from(m.cost(a, b).unwrap_or(0)),
                    )
                }
                _ => (0, 0, 0),
            }
        };
        let in_windows = |ws: &[TimeWindow], t: u32| {
            ws.is_empty() || ws.iter().any(|w| w.start <= t && t <= w.end)
        };
        let earliest = |ws: &[TimeWindow], t: u32| -> u32 {
            if ws.is_empty() {
                return t;
            }
            ws.iter()
                .find(|w| t <= w.end)
                .map(|w| t.max(w.start))
                .expect("a window left")
        };
        assert!(r.departure >= v.shift.start);
        let mut time = u64::from(r.departure);
        let mut loc = v.start;
        let (mut dist, mut tt, mut legs_cost) = (0_u64, 0_u64, 0_u64);
        let mut load: Load = Load::ZERO;
        for st in &r.stops {
            if let StopKind::Job(j) = st.kind {
                load = load + p.jobs[j].delivery;
            }
        }
        assert!(load.fits(v.capacity), "start load");
        let mut picked = vec![false; p.shipments.len()];
        let mut breaks = vec![false; v.breaks.len()];
        let mut tasks = 0;
        for st in &r.stops {
            let place = match st.kind {
                StopKind::Break(b) => {
                    assert!(!breaks[b]);
                    breaks[b] = true;
                    assert_eq!(u64::from(st.arrival), time, "break arrival");
                    assert_eq!(
                        st.start,
                        earliest(&v.breaks[b].time_windows, st.arrival),
                        "break start"
                    );
                    time = u64::from(st.start) + u64::from(v.breaks[b].duration);
                    continue;
                }
                StopKind::Job(j) => {
                    seen[j] += 1;
                    load = load - p.jobs[j].delivery + p.jobs[j].pickup;
                    &p.jobs[j].place
                }
                StopKind::Pickup(i) => {
                    seen[p.jobs.len() + 2 * i] += 1;
                    picked[i] = true;
                    load = load + p.shipments[i].amount;
                    &p.shipments[i].pickup
                }
                StopKind::Delivery(i) => {
                    seen[p.jobs.len() + 2 * i + 1] += 1;
                    assert!(picked[i], "delivery before pickup");
                    load = load - p.shipments[i].amount;
                    &p.shipments[i].delivery
                }
            };
            tasks += 1;
            assert!(load.fits(v.capacity), "load");
            let (t, d, c) = travel(loc, Some(place.location));
            dist += d;
            tt += t;
            legs_cost += c;
            assert_eq!(u64::from(st.arrival), time + t, "arrival");
            assert!(in_windows(&place.time_windows, st.start), "window");
            assert_eq!(
                st.start,
                earliest(&place.time_windows, st.arrival),
                "earliest start"
            );
            time = u64::from(st.start) + u64::from(place.service);
            loc = Some(place.location);
        }
        assert!(breaks.iter().all(|&b| b), "every break taken");
        assert!(
            picked
                .iter()
                .enumerate()
                .all(|(i, &pk)| !pk || r.stops.iter().any(|s| s.kind == StopKind::Delivery(i)))
        );
        let (t, d, c) = if v.end.is_some() {
            travel(loc, v.end)
        } else {
            (0, 0, 0)
        };
        dist += d;
        tt += t;
        legs_cost += c;
        assert!(time + t <= u64::from(v.shift.end), "shift end");
        assert!(v.max_distance.is_none_or(|x| dist <= u64::from(x)));
        assert!(v.max_travel_time.is_none_or(|x| tt <= u64::from(x)));
        assert!(v.max_tasks.is_none_or(|x| tasks <= x));
        let c = v.costs;
        // With custom costs a route pays its fixed cost and its legs' costs, nothing per
        // hour or kilometre.
        cost += c.fixed
            + if m.costs.is_some() {
                i64::try_from(legs_cost).unwrap()
            } else {
                let num = i128::from(c.per_hour) * i128::from(tt) * 1000
                    + i128::from(c.per_km) * i128::from(dist) * 3600;
                i64::try_from((num + 1_800_000) / 3_600_000).unwrap()
            };
        distance += dist;
        travel_time += tt;
    }
    for u in &s.unassigned {
        match u.task {
            Task::Job(j) => seen[j] += 1,
            Task::Shipment(i) => {
                seen[p.jobs.len() + 2 * i] += 1;
                seen[p.jobs.len() + 2 * i + 1] += 1;
            }
        }
    }
    assert!(
        seen.iter().all(|&c| c == 1),
        "each task exactly once: {seen:?}"
    );
    assert_eq!(
        (s.distance, s.travel_time, s.cost),
        (distance, travel_time, cost),
        "totals"
    );
    (distance, travel_time, cost)
}

fn bks(set: &str) -> Vec<(String, u32, f64)> {
    let Some(p) = support::vrp(&format!("{set}/bks.csv")) else {
        return vec![];
    };
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].to_string(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            )
        })
        .collect()
}

/// Quality table over a benchmark set (`solomon`, `x`, `lilim/100`, `homberger/200`):
/// `VMESTE_VRP_SECONDS` (default 1) per instance, `VMESTE_VRP_ITERS` to bound iterations,
/// `VMESTE_VRP_FILTER` to pick instances by name prefix. Every solution passes the checker.
/// Prints vehicles, distance, BKS and gap per instance, then instances at the BKS vehicle
/// count with the mean distance gap on those, and the mean gap over all.
fn quality(set: &str, ext: &str) {
    let iters: Option<u64> = std::env::var("VMESTE_VRP_ITERS")
        .ok()
        .and_then(|s| s.parse().ok());
    let secs: f64 = std::env::var("VMESTE_VRP_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let filter = std::env::var("VMESTE_VRP_FILTER").unwrap_or_default();
    let (mut at_bks, mut gap_at_bks, mut gap_all, mut total) = (0, 0.0, 0.0, 0);
    for (name, veh, dist) in bks(set) {
        if !name.starts_with(&filter) {
            continue;
        }
        let Some(path) = support::vrp(&format!("{set}/instances/{name}{ext}")) else {
            return;
        };
        let inst = Instance::from_path(&path, None).unwrap();
        let config = SolverConfig {
            time_limit: Some(Duration::from_secs_f64(secs)),
            max_iterations: iters,
            ..Default::default()
        };
        let clock = std::time::Instant::now();
        let s = solve(&inst.problem, &config).unwrap();
        let took = clock.elapsed().as_secs_f64();
        check::check(&inst.problem, &s).unwrap();
        assert!(s.unassigned.is_empty(), "{name}: unassigned");
        let d = inst.exact_distance(&s);
        let gap = 100.0 * (d - dist) / dist;
        total += 1;
        gap_all += gap;
        if s.routes.len() as u32 <= veh {
            at_bks += 1;
            gap_at_bks += gap;
        }
        println!(
            "{name}: vehicles {} (bks {veh}) distance {d:.2} (bks {dist}) gap {gap:.2}% {took:.2}s",
            s.routes.len()
        );
    }
    println!(
        "{set}: at BKS vehicles {at_bks}/{total}, mean gap on those {:.2}%; mean gap on all {:.2}%",
        gap_at_bks / f64::from(at_bks.max(1)),
        gap_all / f64::from(total.max(1))
    );
}

#[test]
#[ignore = "slow: run in release by scripts/test.sh"]
fn solomon_quality() {
    quality("solomon", ".txt");
}

#[test]
#[ignore = "slow: run in release by scripts/test.sh"]
fn x_quality() {
    quality("x", ".vrp");
}

#[test]
#[ignore = "slow: run in release by scripts/test.sh"]
fn lilim_quality() {
    quality("lilim/100", ".txt");
}

/// Every Solomon instance at a short limit: feasible, checker-verified, all served.
#[test]
#[ignore = "slow: run in release by scripts/test.sh"]
fn every_solomon_instance_is_solved_feasibly() {
    for (name, _, _) in bks("solomon") {
        let Some(path) = support::vrp(&format!("solomon/instances/{name}.txt")) else {
            return;
        };
        let inst = Instance::from_path(&path, None).unwrap();
        let s = solve(&inst.problem, &iterations(300)).unwrap();
        let report = check::check(&inst.problem, &s).unwrap();
        assert_eq!(
            (report.distance, report.cost),
            (s.distance, s.cost),
            "{name}"
        );
        assert!(s.unassigned.is_empty(), "{name}");
        assert!(
            inst.verify(&s).feasible,
            "{name}: infeasible in exact doubles"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Tiny random instances and the brute-force optimum.

/// A random tiny problem: `jobs` jobs, optionally one shipment, two different vehicles,
/// windows, skills, capacities, priorities; costs chosen so that route costs are integers.
pub(crate) fn tiny(seed: u64, jobs: usize, shipment: bool) -> Problem {
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed);
    let n_tasks_locs = jobs + if shipment { 2 } else { 0 };
    let n = n_tasks_locs + 2;
    let pts: Vec<(f64, f64)> = (0..n)
        .map(|_| (rng.random_range(0.0..50.0), rng.random_range(0.0..50.0)))
        .collect();
    let mut d = vec![0_u32; n * n];
    for a in 0..n {
        for b in 0..n {
            d[a * n + b] = ((pts[a].0 - pts[b].0).hypot(pts[a].1 - pts[b].1)).round() as u32;
        }
    }
    let window = |rng: &mut rand_pcg::Pcg64Mcg| -> Vec<TimeWindow> {
        match rng.random_range(0..4) {
            0 => vec![],
            1 => {
                let s = rng.random_range(0..150);
                vec![TimeWindow {
                    start: s,
                    end: s + rng.random_range(10..80),
                }]
            }
            2 => {
                let s = rng.random_range(0..60);
                let e = s + rng.random_range(5..30);
                let s2 = e + rng.random_range(20..60);
                vec![
                    TimeWindow { start: s, end: e },
                    TimeWindow {
                        start: s2,
                        end: s2 + 40,
                    },
                ]
            }
            _ => vec![TimeWindow {
                start: 0,
                end: rng.random_range(40..200),
            }],
        }
    };
    let mut loc = 2_u32;
    let jobs: Vec<Job> = (0..jobs)
        .map(|i| {
            let l = loc;
            loc += 1;
            Job {
                id: i as u64 + 1,
                place: Place {
                    location: Location(l),
                    service: rng.random_range(0..10),
                    time_windows: window(&mut rng),
                },
                delivery: Load([rng.random_range(0..4), rng.random_range(0..2), 0, 0]),
                pickup: Load([rng.random_range(0..3), 0, 0, 0]),
                skills: SkillSet(if rng.random_range(0..4) == 0 {
                    rng.random_range(1..4)
                } else {
                    0
                }),
                priority: rng.random_range(0..3),
            }
        })
        .collect();
    let shipments: Vec<Shipment> = if shipment {
        vec![Shipment {
            pickup_id: 100,
            delivery_id: 101,
            pickup: Place {
                location: Location(loc),
                service: 3,
                time_windows: window(&mut rng),
            },
            delivery: Place {
                location: Location(loc + 1),
                service: 3,
                time_windows: window(&mut rng),
            },
            amount: Load([rng.random_range(1..4), 0, 0, 0]),
            skills: SkillSet(0),
            priority: 1,
        }]
    } else {
        vec![]
    };
    let objective = match rng.random_range(0..3) {
        0 => Objective::PriorityThenCost,
        1 => Objective::VehiclesThenDistance,
        _ => Objective::DistanceOnly,
    };
    let vehicles = (0..2)
        .map(|v| Vehicle {
            id: v,
            start: Some(Location(v as u32)),
            end: if rng.random_range(0..3) == 0 {
                None
            } else {
                Some(Location(v as u32))
            },
            shift: TimeWindow {
                start: 0,
                end: rng.random_range(150..300),
            },
            capacity: Load([rng.random_range(4..9), rng.random_range(1..3), 0, 0]),
            skills: SkillSet(rng.random_range(0..4)),
            profile: 0,
            speed_factor: if v == 1 { 2.0 } else { 1.0 },
            max_travel_time: None,
            max_distance: if rng.random_range(0..3) == 0 {
                Some(rng.random_range(60..200))
            } else {
                None
            },
            max_tasks: if rng.random_range(0..3) == 0 {
                Some(rng.random_range(1..4))
            } else {
                None
            },
            costs: Costs {
                fixed: rng.random_range(0..2) * 50,
                per_hour: rng.random_range(0..3) * 3600,
                per_km: rng.random_range(0..2) * 1000,
            },
            breaks: vec![],
        })
        .collect();
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
        skill_names: vec!["a".into(), "b".into()],
        objective,
    }
}

/// Stops of a task in the brute force.
fn task_stops(p: &Problem, t: usize) -> Vec<StopKind> {
    if t < p.jobs.len() {
        vec![StopKind::Job(t)]
    } else {
        vec![
            StopKind::Pickup(t - p.jobs.len()),
            StopKind::Delivery(t - p.jobs.len()),
        ]
    }
}

/// (distance, travel time, custom cost of the legs) of vehicle `v` serving `stops` in order,
/// per the solution module's semantics (no breaks), or `None` when infeasible.
fn eval_route(p: &Problem, v: usize, stops: &[StopKind]) -> Option<(u64, u64, u64)> {
    let veh = &p.vehicles[v];
    let m = &p.matrices[veh.profile];
    let mut load = Load::ZERO;
    for s in stops {
        if let StopKind::Job(j) = s {
            load = load + p.jobs[*j].delivery;
        }
    }
    if !load.fits(veh.capacity) || veh.max_tasks.is_some_and(|x| stops.len() > x as usize) {
        return None;
    }
    let skills_ok = stops.iter().all(|s| {
        let need = match *s {
            StopKind::Job(j) => p.jobs[j].skills,
            StopKind::Pickup(i) | StopKind::Delivery(i) => p.shipments[i].skills,
            StopKind::Break(_) => SkillSet(0),
        };
        need.is_subset_of(veh.skills)
    });
    if !skills_ok {
        return None;
    }
    let mut time = u64::from(veh.shift.start);
    let (mut dist, mut tt, mut cost) = (0_u64, 0_u64, 0_u64);
    let mut loc = veh.start;
    let leg = |a: Option<Location>, b: Location| -> Option<(u64, u64, u64)> {
        let Some(a) = a else { return Some((0, 0, 0)) };
        let (t, d) = (m.duration(a, b), m.distance(a, b));
        if t == UNREACHABLE || d == UNREACHABLE {
            return None;
        }
        Some((
            (f64::from(t) / veh.speed_factor).round() as u64,
            u64::from(d),
            u64::from(m.cost(a, b).unwrap_or(0)),
        ))
    };
    for s in stops {
        let (place, change) = match *s {
            StopKind::Job(j) => (&p.jobs[j].place, (p.jobs[j].pickup, p.jobs[j].delivery)),
            StopKind::Pickup(i) => (&p.shipments[i].pickup, (p.shipments[i].amount, Load::ZERO)),
            StopKind::Delivery(i) => (
                &p.shipments[i].delivery,
                (Load::ZERO, p.shipments[i].amount),
            ),
            StopKind::Break(_) => unreachable!(),
        };
        load = load + change.0 - change.1;
        if !load.fits(veh.capacity) {
            return None;
        }
        let (t, d, c) = leg(loc, place.location)?;
        dist += d;
        tt += t;
        cost += c;
        let arrival = time + t;
        let start = if place.time_windows.is_empty() {
            arrival
        } else {
            let w = place
                .time_windows
                .iter()
                .find(|w| arrival <= u64::from(w.end))?;
            arrival.max(u64::from(w.start))
        };
        time = start + u64::from(place.service);
        loc = Some(place.location);
    }
    if let Some(end) = veh.end {
        let (t, d, c) = leg(loc, end)?;
        dist += d;
        tt += t;
        cost += c;
        time += t;
    }
    (time <= u64::from(veh.shift.end)
        && veh.max_distance.is_none_or(|x| dist <= u64::from(x))
        && veh.max_travel_time.is_none_or(|x| tt <= u64::from(x)))
    .then_some((dist, tt, cost))
}

/// The objective of the solution module as a tuple (penalty, vehicles, cost or distance);
/// routes are (vehicle, distance, travel time, custom cost).
fn objective_of(p: &Problem, penalty: i64, routes: &[(usize, u64, u64, u64)]) -> (i64, i64, i64) {
    let vehicles = routes.len() as i64;
    let dist: u64 = routes.iter().map(|r| r.1).sum();
    let cost: i64 = routes
        .iter()
        .map(|&(v, d, t, custom)| {
            let c = p.vehicles[v].costs;
            if p.matrices[p.vehicles[v].profile].costs.is_some() {
                c.fixed + custom as i64
            } else {
                c.fixed + c.per_hour * t as i64 / 3600 + c.per_km * d as i64 / 1000
            }
        })
        .sum();
    match p.objective {
        Objective::PriorityThenCost => (penalty, 0, cost),
        Objective::VehiclesThenDistance => (penalty, vehicles, dist as i64),
        Objective::DistanceOnly => (penalty, 0, dist as i64),
    }
}

/// Cheapest order of `tasks` on vehicle `v` under the problem's objective, or `None`.
fn best_order(p: &Problem, v: usize, tasks: &[usize]) -> Option<(u64, u64, u64)> {
    fn rec(
        p: &Problem,
        v: usize,
        left: &mut Vec<StopKind>,
        seq: &mut Vec<StopKind>,
        best: &mut Option<(i64, u64, u64, u64)>,
    ) {
        if left.is_empty() {
            if let Some((d, t, c)) = eval_route(p, v, seq) {
                let key = objective_of(p, 0, &[(v, d, t, c)]).2;
                if best.is_none_or(|b| key < b.0) {
                    *best = Some((key, d, t, c));
                }
            }
            return;
        }
        for i in 0..left.len() {
            let s = left[i];
            if let StopKind::Delivery(k) = s
                && left.contains(&StopKind::Pickup(k))
            {
                continue;
            }
            left.remove(i);
            seq.push(s);
            rec(p, v, left, seq, best);
            seq.pop();
            left.insert(i, s);
        }
    }
    let mut left: Vec<StopKind> = tasks.iter().flat_map(|&t| task_stops(p, t)).collect();
    let mut best = None;
    rec(p, v, &mut left, &mut Vec::new(), &mut best);
    best.map(|b| (b.1, b.2, b.3))
}

/// Brute-force optimum: every assignment of tasks to {unassigned, vehicle 0, vehicle 1},
/// each route in its best order.
pub(crate) fn brute_force(p: &Problem) -> (i64, i64, i64) {
    let nt = p.jobs.len() + p.shipments.len();
    let nv = p.vehicles.len();
    let mut cache = std::collections::BTreeMap::new();
    let mut best = None;
    let combos = (nv + 1).pow(nt as u32);
    for code in 0..combos {
        let mut c = code;
        let mut per = vec![Vec::new(); nv];
        let mut penalty = 0;
        for t in 0..nt {
            let a = c % (nv + 1);
            c /= nv + 1;
            if a == nv {
                penalty += 1 + i64::from(if t < p.jobs.len() {
                    p.jobs[t].priority
                } else {
                    p.shipments[t - p.jobs.len()].priority
                });
            } else {
                per[a].push(t);
            }
        }
        let mut routes = Vec::new();
        let mut ok = true;
        for (v, tasks) in per.iter().enumerate() {
            if tasks.is_empty() {
                continue;
            }
            let r = *cache
                .entry((v, tasks.clone()))
                .or_insert_with(|| best_order(p, v, tasks));
            match r {
                Some((d, t, c)) => routes.push((v, d, t, c)),
                None => ok = false,
            }
        }
        if ok {
            let o = objective_of(p, penalty, &routes);
            if best.is_none_or(|b| o < b) {
                best = Some(o);
            }
        }
    }
    best.unwrap()
}

pub(crate) fn solution_objective(p: &Problem, s: &Solution) -> (i64, i64, i64) {
    verify(p, s);
    let penalty: i64 = s
        .unassigned
        .iter()
        .map(|u| {
            1 + i64::from(match u.task {
                Task::Job(j) => p.jobs[j].priority,
                Task::Shipment(i) => p.shipments[i].priority,
            })
        })
        .sum();
    let routes: Vec<(usize, u64, u64, u64)> = s
        .routes
        .iter()
        .map(|r| {
            let kinds: Vec<StopKind> = r.stops.iter().map(|s| s.kind).collect();
            let (d, t, c) = eval_route(p, r.vehicle, &kinds).expect("feasible route");
            (r.vehicle, d, t, c)
        })
        .collect();
    objective_of(p, penalty, &routes)
}

pub(crate) fn iterations(n: u64) -> SolverConfig {
    SolverConfig {
        time_limit: None,
        max_iterations: Some(n),
        seed: 1,
        threads: 1,
    }
}

#[test]
fn tiny_instances_match_brute_force() {
    for seed in 0..40 {
        let p = tiny(seed, 3 + (seed % 3) as usize, seed % 2 == 0);
        let expected = brute_force(&p);
        let s = solve(&p, &iterations(2000)).unwrap();

        assert_eq!(
            solution_objective(&p, &s),
            expected,
            "seed {seed}: {:?}",
            p.objective
        );
    }
}

/// Gives every matrix of `p` random asymmetric custom costs (1 to 59 off the diagonal).
fn random_costs(p: &mut Problem, rng: &mut rand_pcg::Pcg64Mcg) {
    for m in &mut p.matrices {
        m.costs = Some(
            (0..m.size * m.size)
                .map(|k| {
                    if k / m.size == k % m.size {
                        0
                    } else {
                        rng.random_range(1..60)
                    }
                })
                .collect(),
        );
    }
}

/// Custom cost matrices (`Matrix::costs`, random and asymmetric): the solver finds the
/// brute-force optimum of fixed plus leg costs, while durations still drive the schedule.
#[test]
fn tiny_instances_with_custom_costs_match_brute_force() {
    for seed in 0..30 {
        let mut p = tiny(seed, 3 + (seed % 3) as usize, seed % 2 == 0);
        p.objective = Objective::PriorityThenCost;
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed + 1000);
        random_costs(&mut p, &mut rng);
        for v in &mut p.vehicles {
            v.max_distance = None;
            v.costs.fixed = rng.random_range(0..50);
        }
        let expected = brute_force(&p);
        let s = solve(&p, &iterations(2000)).unwrap();
        assert_eq!(solution_objective(&p, &s), expected, "seed {seed}");
        assert_eq!(s.cost, expected.2, "seed {seed}: the solution's own cost");
    }
}

/// Custom costs with a `max_distance` on every vehicle (VROOM's semantics: the limit is on
/// the matrix's road distances while the legs' costs are the objective): the solver finds the
/// brute-force optimum, its routes keep within the limits on road distance, and a limit that
/// binds leaves out what the brute force leaves out.
#[test]
fn tiny_instances_with_custom_costs_and_distance_limits_match_brute_force() {
    let mut binding = 0;
    for seed in 0..40 {
        let mut p = tiny(seed, 3 + (seed % 3) as usize, seed % 2 == 0);
        p.objective = Objective::PriorityThenCost;
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(seed + 2000);
        random_costs(&mut p, &mut rng);
        for v in &mut p.vehicles {
            v.max_distance = Some(rng.random_range(40..160));
            v.costs.fixed = rng.random_range(0..50);
        }
        let expected = brute_force(&p);
        let s = solve(&p, &iterations(2000)).unwrap();
        assert_eq!(solution_objective(&p, &s), expected, "seed {seed}");
        assert_eq!(s.cost, expected.2, "seed {seed}: the solution's own cost");
        // `verify` recomputes every route's road distance against its vehicle's limit.
        verify(&p, &s);
        let mut unlimited = p.clone();
        for v in &mut unlimited.vehicles {
            v.max_distance = None;
        }
        binding += usize::from(brute_force(&unlimited) != expected);
    }
    assert!(
        binding >= 10,
        "limits bind on {binding} of 40 problems only"
    );
}

/// Custom costs that run against the durations (the longest leg in time is the cheapest),
/// with fixed costs as large as a route: on random problems of up to 14 tasks the solver's
/// cost equals the independent recomputation (fixed plus leg costs), and the search steers by
/// those costs: its plan is no worse than the plan it finds when optimising the durations,
/// priced in the same custom costs.
#[test]
fn custom_costs_against_durations_are_the_objective() {
    for seed in 0..24 {
        let mut p = tiny(seed + 500, 6 + (seed % 9) as usize, seed % 3 == 0);
        p.objective = Objective::PriorityThenCost;
        let longest = p.matrices[0].durations.iter().copied().max().unwrap_or(0);
        for v in &mut p.vehicles {
            v.max_distance = None;
            v.costs.fixed = 50 + (seed as i64 % 4) * 100;
        }
        let mut by_time = p.clone();
        for m in &mut p.matrices {
            m.costs = Some(
                m.durations
                    .iter()
                    .enumerate()
                    .map(|(k, &d)| {
                        if k / m.size == k % m.size {
                            0
                        } else {
                            longest + 1 - d
                        }
                    })
                    .collect(),
            );
        }
        for v in &mut by_time.vehicles {
            v.costs.per_hour = 3600;
            v.costs.per_km = 0;
        }
        let s = solve(&p, &iterations(3000)).unwrap();
        let (_, _, recomputed) = verify(&p, &s);
        assert_eq!(
            s.cost, recomputed,
            "seed {seed}: reported against recomputed cost"
        );
        // The durations' plan is feasible here too: priced in the custom costs (penalty of
        // its unassigned tasks first), it is no better than the plan found on them.
        let t = solve(&by_time, &iterations(3000)).unwrap();
        let routes: Vec<_> = t
            .routes
            .iter()
            .map(|r| {
                let kinds: Vec<StopKind> = r.stops.iter().map(|s| s.kind).collect();
                let (d, tt, c) = eval_route(&p, r.vehicle, &kinds).expect("feasible route");
                (r.vehicle, d, tt, c)
            })
            .collect();
        let own = solution_objective(&p, &s);
        let priced = objective_of(&p, solution_objective(&by_time, &t).0, &routes);
        assert!(
            own <= priced,
            "seed {seed}: custom-cost plan {own:?} worse than the durations' plan {priced:?}"
        );
    }
}

#[test]
fn same_seed_and_threads_give_the_same_solution() {
    let p = tiny(7, 6, true);
    for threads in [1, 2] {
        let c = SolverConfig {
            threads,
            ..iterations(500)
        };
        assert_eq!(solve(&p, &c).unwrap(), solve(&p, &c).unwrap());
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        rng_seed: proptest::test_runner::RngSeed::Fixed(5),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]
    /// Random problems: every solution is consistent (each task once, schedule, loads and
    /// totals recomputed independently).
    #[test]
    fn solutions_are_consistent(seed in 0_u64..1_000_000, jobs in 0_usize..9, shipment: bool) {
        let p = tiny(seed, jobs, shipment);
        let s = solve(&p, &iterations(200)).unwrap();
        verify(&p, &s);
        prop_assert_eq!(s.objective, p.objective);
    }
}

fn base_problem() -> Problem {
    let mut p = tiny(3, 2, false);
    for j in &mut p.jobs {
        j.place.time_windows.clear();
        j.skills = SkillSet(0);
        j.delivery = Load::single(1);
        j.pickup = Load::ZERO;
    }
    for v in &mut p.vehicles {
        v.shift = TimeWindow {
            start: 0,
            end: 10_000,
        };
        v.max_distance = None;
        v.max_tasks = None;
        v.end = v.start;
    }
    p
}

type Edit = Box<dyn Fn(&mut Problem)>;

/// Edits of [`base_problem`] that leave job 0 (or both jobs) out for one reason.
fn reason_cases() -> Vec<(Reason, Edit)> {
    vec![
        (
            Reason::Skills,
            Box::new(|p| p.jobs[0].skills = SkillSet(1 << 7)),
        ),
        (
            Reason::Capacity,
            Box::new(|p| p.jobs[0].delivery = Load::single(1000)),
        ),
        (
            Reason::TimeWindow,
            Box::new(|p| {
                for v in &mut p.vehicles {
                    v.shift.start = 500;
                }
                p.jobs[0].place.time_windows = vec![TimeWindow { start: 0, end: 100 }];
            }),
        ),
        (
            Reason::Unreachable,
            Box::new(|p| {
                let n = p.matrices[0].size;
                let l = p.jobs[0].place.location.0 as usize;
                for a in 0..n {
                    if a != l {
                        p.matrices[0].durations[a * n + l] = UNREACHABLE;
                    }
                }
            }),
        ),
        (
            Reason::ShiftLength,
            Box::new(|p| p.jobs[0].place.service = 20_000),
        ),
        (
            Reason::MaxTasks,
            Box::new(|p| {
                for v in &mut p.vehicles {
                    v.max_tasks = Some(0);
                }
            }),
        ),
        (
            Reason::MaxDistance,
            Box::new(|p| {
                for v in &mut p.vehicles {
                    v.max_distance = Some(0);
                }
            }),
        ),
        (
            Reason::NoRoomInPlan,
            Box::new(|p| {
                for v in &mut p.vehicles {
                    v.capacity = Load::single(1);
                }
                p.vehicles.truncate(1);
            }),
        ),
    ]
}

#[test]
fn infeasible_tasks_come_back_with_their_reason() {
    for (reason, edit) in reason_cases() {
        let mut p = base_problem();
        edit(&mut p);
        let s = solve(&p, &iterations(50)).unwrap();
        verify(&p, &s);
        // Job 0 is the infeasible one (both jobs for the fleet-wide edits).
        assert!(!s.unassigned.is_empty(), "{reason:?}: {s:?}");
        if reason != Reason::NoRoomInPlan {
            assert!(
                s.unassigned.iter().any(|u| u.task == Task::Job(0)),
                "{reason:?}"
            );
        }
        assert!(
            s.unassigned.iter().all(|u| u.reason == reason),
            "{reason:?}: {s:?}"
        );
    }
}

/// The checker accepts the solver's reasons and rejects every other one for the same task.
#[test]
fn checker_rejects_wrong_unassigned_reasons() {
    const ALL: [Reason; 9] = [
        Reason::Skills,
        Reason::Capacity,
        Reason::TimeWindow,
        Reason::ShiftLength,
        Reason::MaxTasks,
        Reason::MaxDistance,
        Reason::MaxTravelTime,
        Reason::Unreachable,
        Reason::NoRoomInPlan,
    ];
    let mut rejected = 0;
    for (reason, edit) in reason_cases() {
        let mut p = base_problem();
        edit(&mut p);
        let s = solve(&p, &iterations(50)).unwrap();
        check::check(&p, &s).unwrap();
        for other in ALL.into_iter().filter(|&r| r != reason) {
            let mut wrong = s.clone();
            wrong.unassigned[0].reason = other;
            let violations = check::check(&p, &wrong).unwrap_err();
            assert!(
                violations.iter().any(|v| matches!(
                    v,
                    check::Violation::ReasonMismatch { index: 0, reason: r, .. } if *r == other
                )),
                "{reason:?} given as {other:?}: {violations:?}"
            );
            rejected += 1;
        }
    }
    assert_eq!(rejected, 8 * 8);
}

#[test]
fn malformed_problems_are_errors() {
    let c = iterations(10);
    let mut p = base_problem();
    p.matrices[0].durations.pop();
    assert!(matches!(solve(&p, &c), Err(SolveError::MatrixShape { .. })));
    let mut p = base_problem();
    p.jobs[0].place.location = Location(99);
    assert!(matches!(
        solve(&p, &c),
        Err(SolveError::LocationOutOfRange { location: 99, .. })
    ));
    let mut p = base_problem();
    p.vehicles[0].speed_factor = f64::NAN;
    assert!(matches!(
        solve(&p, &c),
        Err(SolveError::SpeedFactor { vehicle: 0, .. })
    ));
    let mut p = base_problem();
    p.jobs[1].place.time_windows = vec![TimeWindow { start: 5, end: 1 }];
    assert!(matches!(
        solve(&p, &c),
        Err(SolveError::InvertedWindow { .. })
    ));
    let mut p = base_problem();
    p.vehicles[1].profile = 3;
    assert!(matches!(
        solve(&p, &c),
        Err(SolveError::ProfileOutOfRange { vehicle: 1, .. })
    ));
    let p = base_problem();
    assert_eq!(
        solve(&p, &SolverConfig { threads: 0, ..c }),
        Err(SolveError::NoThreads)
    );
}

#[test]
fn breaks_are_scheduled_inside_their_windows() {
    for seed in 0..20 {
        let mut p = tiny(seed, 6, true);
        for v in &mut p.vehicles {
            v.shift.end += 100;
            v.breaks = vec![engine::vrp::Break {
                id: 9,
                time_windows: vec![TimeWindow { start: 30, end: 90 }],
                duration: 15,
            }];
        }
        let s = solve(&p, &iterations(300)).unwrap();
        verify(&p, &s);
        for r in &s.routes {
            assert!(r.stops.iter().any(|st| st.kind == StopKind::Break(0)));
        }
    }
}

/// The O(1) insertion checks agree with a full re-simulation of every candidate route.
#[test]
fn cached_insertion_checks_match_resimulation() {
    let mut checked = 0;
    for seed in 0..60 {
        let p = tiny(seed, 7, seed % 2 == 0);
        let s = solve(&p, &iterations(100)).unwrap();
        let eval = InsertionEvaluator::new(&p, &s).unwrap();
        let (mut fast, mut naive) = (Vec::new(), Vec::new());
        for j in 0..p.jobs.len() {
            eval.fast(j, &mut fast);
            eval.naive(j, &mut naive);
            assert_eq!(fast, naive, "seed {seed} job {j}");
            checked += fast.len();
        }
    }
    assert!(checked > 500);
}
