//! `schedule` against a slow obvious reference: every integer schedule of small random routes
//! (up to three jobs with zero to two windows, a shift, service bounds) within a short horizon,
//! and hand-made routes with breaks, loads, skills, precedence and limits.

#![allow(
    clippy::cast_possible_truncation,
    reason = "small test routes and horizons"
)]

use rand::{RngExt as _, SeedableRng as _};
use rand_pcg::Pcg64Mcg;

use super::*;
use crate::vrp::{
    Break, Job, Load, Location, Matrix, Objective, Place, Shipment, SkillSet, Vehicle,
};

const H: i64 = 24;

/// What the enumeration of schedules reads: the problem, the route, each step's travel out
/// and service, each step's bounds, and the shift.
type Enumeration<'a> = (
    &'a Problem,
    &'a FixedRoute,
    &'a [i64],
    &'a [i64],
    &'a [(i64, i64)],
    Option<(i64, i64)>,
);

fn matrix(rng: &mut Pcg64Mcg, n: usize) -> Matrix {
    let durations = (0..n * n)
        .map(|k| {
            if k / n == k % n {
                0
            } else {
                rng.random_range(0..6)
            }
        })
        .collect::<Vec<u32>>();
    Matrix {
        size: n,
        distances: durations.iter().map(|d| d * 10).collect(),
        durations,
        costs: None,
    }
}

fn windows(rng: &mut Pcg64Mcg) -> Vec<TimeWindow> {
    let k = rng.random_range(0..3);
    let mut out: Vec<TimeWindow> = Vec::new();
    let mut from = 0;
    for _ in 0..k {
        let start = from + rng.random_range(0..8);
        let end = start + rng.random_range(0..5);
        if end >= H as u32 {
            break;
        }
        out.push(TimeWindow { start, end });
        from = end + 1;
    }
    out
}

fn random_case(rng: &mut Pcg64Mcg) -> (Problem, FixedRoute) {
    let jobs = rng.random_range(1..4);
    let m = matrix(rng, jobs + 1);
    let mut v = Vehicle::round_trip(1, Location(0), Load::single(10));
    if rng.random_bool(0.5) {
        let a = rng.random_range(0..6);
        v.shift = TimeWindow {
            start: a,
            end: a + rng.random_range(5..20),
        };
    }
    let jobs: Vec<Job> = (0..jobs)
        .map(|j| Job {
            id: j as u64,
            place: Place {
                location: Location(j as u32 + 1),
                service: rng.random_range(0..3),
                time_windows: windows(rng),
            },
            delivery: Load::ZERO,
            pickup: Load::ZERO,
            skills: SkillSet(0),
            priority: 0,
        })
        .collect();
    let bounds = |rng: &mut Pcg64Mcg| {
        let mut b = ServiceBounds::default();
        match rng.random_range(0..6) {
            0 => b.after = Some(rng.random_range(0..H as u32)),
            1 => b.before = Some(rng.random_range(5..H as u32)),
            2 => b.at = Some(rng.random_range(0..H as u32)),
            _ => {}
        }
        b
    };
    let stops = (0..jobs.len())
        .map(|j| (StopKind::Job(j), bounds(rng)))
        .collect();
    let route = FixedRoute {
        vehicle: 0,
        stops,
        start: bounds(rng),
        // The horizon of the reference: no schedule ends later.
        end: ServiceBounds {
            before: Some(H as u32),
            ..ServiceBounds::default()
        },
    };
    let p = Problem {
        jobs,
        shipments: Vec::new(),
        vehicles: vec![v],
        matrices: vec![m],
        skill_names: Vec::new(),
        objective: Objective::PriorityThenCost,
    };
    (p, route)
}

/// Timing violation of service at `t` against windows (empty: none).
fn violation(ws: &[(i64, i64)], t: i64) -> i64 {
    if ws.is_empty() {
        return 0;
    }
    ws.iter()
        .map(|&(a, b)| (a - t).max(0) + (t - b).max(0))
        .min()
        .expect("non-empty")
}

/// Every integer schedule in `0..=H`: (violation total, makespan, Σ stop starts) of each
/// feasible one, computed the obvious way.
fn all_schedules(p: &Problem, r: &FixedRoute) -> Vec<(i64, i64, i64)> {
    let v = &p.vehicles[0];
    let m = &p.matrices[0];
    let locs: Vec<Location> = std::iter::once(Location(0))
        .chain(r.stops.iter().map(|(k, _)| match k {
            StopKind::Job(j) => p.jobs[*j].place.location,
            _ => unreachable!("jobs only"),
        }))
        .chain(std::iter::once(Location(0)))
        .collect();
    let n = locs.len();
    let travel: Vec<i64> = (0..n - 1)
        .map(|i| i64::from(m.duration(locs[i], locs[i + 1])))
        .collect();
    let action: Vec<i64> = std::iter::once(0)
        .chain(r.stops.iter().map(|(k, _)| match k {
            StopKind::Job(j) => i64::from(p.jobs[*j].place.service),
            _ => 0,
        }))
        .collect();
    let bounds: Vec<(i64, i64)> = std::iter::once(r.start)
        .chain(r.stops.iter().map(|s| s.1))
        .chain(std::iter::once(r.end))
        .map(|b| b.range().map_or((1, 0), |(lo, hi)| (lo, hi.min(H))))
        .collect();
    let shift = (v.shift != TimeWindow::ALWAYS)
        .then_some((i64::from(v.shift.start), i64::from(v.shift.end)));
    let mut out = Vec::new();
    let mut t = vec![0_i64; n];
    fn rec(s: usize, t: &mut Vec<i64>, ctx: &Enumeration<'_>, out: &mut Vec<(i64, i64, i64)>) {
        let (p, r, travel, action, bounds, shift) = *ctx;
        let n = t.len();
        let lo = if s == 0 {
            bounds[0].0
        } else {
            bounds[s].0.max(t[s - 1] + action[s - 1] + travel[s - 1])
        };
        // The end is best as early as it can be: its delay and the makespan only grow later.
        let hi = if s == n - 1 { lo } else { bounds[s].1 };
        for x in lo..=hi.min(bounds[s].1) {
            t[s] = x;
            if s + 1 < n {
                rec(s + 1, t, ctx, out);
                continue;
            }
            let mut y = 0;
            if let Some((a, b)) = shift {
                y += (a - t[0]).max(0) + (t[n - 1] - b).max(0);
            }
            for (k, (stop, _)) in r.stops.iter().enumerate() {
                let StopKind::Job(j) = stop else {
                    unreachable!()
                };
                let ws: Vec<(i64, i64)> = p.jobs[*j]
                    .place
                    .time_windows
                    .iter()
                    .map(|w| (i64::from(w.start), i64::from(w.end)))
                    .collect();
                y += violation(&ws, t[k + 1]);
            }
            out.push((y, t[n - 1] - t[0], t[1..n - 1].iter().sum()));
        }
    }
    rec(
        0,
        &mut t,
        &(p, r, &travel, &action, &bounds, shift),
        &mut out,
    );
    out
}

#[test]
fn schedules_match_every_integer_schedule_on_random_routes() {
    let mut rng = Pcg64Mcg::seed_from_u64(12);
    let mut checked = 0;
    for case in 0..300 {
        let (p, r) = random_case(&mut rng);
        let all = all_schedules(&p, &r);
        let got = schedule(&p, &r);
        if all.is_empty() {
            assert_eq!(got, Err(EtaError::Infeasible { vehicle: 0 }), "case {case}");
            continue;
        }
        let got = got.unwrap_or_else(|e| panic!("case {case}: {e}"));
        let v = &p.vehicles[0];
        let m = &p.matrices[0];
        let travel: i64 = all.iter().map(|_| 0).sum::<i64>()
            + r.stops
                .iter()
                .map(|(k, _)| match k {
                    StopKind::Job(j) => i64::from(p.jobs[*j].place.service),
                    _ => 0,
                })
                .sum::<i64>();
        let legs: i64 = {
            let locs: Vec<Location> = std::iter::once(Location(0))
                .chain(r.stops.iter().map(|(k, _)| match k {
                    StopKind::Job(j) => p.jobs[*j].place.location,
                    _ => unreachable!(),
                }))
                .chain(std::iter::once(Location(0)))
                .collect();
            locs.windows(2)
                .map(|w| i64::from(m.duration(w[0], w[1])))
                .sum()
        };
        let w = (travel + legs).max(1);
        let best = all.iter().map(|&(y, span, _)| w * y + span).min().unwrap();
        // Ours, from the answer: violations, makespan and stop starts.
        let y: i64 = got
            .violations
            .iter()
            .filter_map(|x| x.duration())
            .map(|d| i64::try_from(d).unwrap())
            .sum();
        let first = &got.steps[0];
        let last = got.steps.last().unwrap();
        let span = i64::try_from(last.arrival - first.arrival).unwrap();
        assert_eq!(w * y + span, best, "case {case}: {got:?} {p:?} {r:?}");
        let starts: i64 = got.steps[1..got.steps.len() - 1]
            .iter()
            .map(|s| i64::try_from(s.arrival + s.waiting_time).unwrap())
            .sum();
        let least = all
            .iter()
            .filter(|&&(yy, ss, _)| yy == y && ss == span)
            .map(|x| x.2)
            .min()
            .unwrap_or_else(|| panic!("case {case}: ours is no schedule: {got:?}"));
        assert_eq!(starts, least, "case {case}: {got:?}");
        assert!(v.shift == TimeWindow::ALWAYS || first.violations.len() <= 1);
        checked += 1;
    }
    assert!(checked > 150, "only {checked} feasible cases");
}

/// Four locations on a line, 100 s and 1 km apart.
fn line_problem() -> Problem {
    let n: usize = 4;
    let durations: Vec<u32> = (0..n * n)
        .map(|k| 100 * (k / n).abs_diff(k % n) as u32)
        .collect();
    let job = |id: u64, l: u32, tw: Vec<TimeWindow>| Job {
        id,
        place: Place {
            location: Location(l),
            service: 10,
            time_windows: tw,
        },
        delivery: Load::single(1),
        pickup: Load::ZERO,
        skills: SkillSet(0),
        priority: 0,
    };
    Problem {
        jobs: vec![
            job(1, 1, vec![TimeWindow { start: 0, end: 50 }]),
            job(2, 2, Vec::new()),
            job(3, 3, Vec::new()),
        ],
        shipments: vec![Shipment {
            pickup_id: 4,
            delivery_id: 5,
            pickup: Place {
                location: Location(1),
                service: 0,
                time_windows: Vec::new(),
            },
            delivery: Place {
                location: Location(3),
                service: 0,
                time_windows: Vec::new(),
            },
            amount: Load::single(1),
            skills: SkillSet(1),
            priority: 0,
        }],
        vehicles: vec![Vehicle {
            shift: TimeWindow {
                start: 0,
                end: 10_000,
            },
            breaks: vec![Break {
                id: 1,
                time_windows: vec![TimeWindow {
                    start: 150,
                    end: 400,
                }],
                duration: 50,
            }],
            ..Vehicle::round_trip(7, Location(0), Load::single(2))
        }],
        matrices: vec![Matrix {
            size: n,
            distances: durations.iter().map(|d| d * 10).collect(),
            durations,
            costs: None,
        }],
        skill_names: vec!["1".into()],
        objective: Objective::PriorityThenCost,
    }
}

fn plain(stops: &[StopKind]) -> FixedRoute {
    FixedRoute {
        vehicle: 0,
        stops: stops
            .iter()
            .map(|&k| (k, ServiceBounds::default()))
            .collect(),
        start: ServiceBounds::default(),
        end: ServiceBounds::default(),
    }
}

#[test]
fn a_break_splits_its_leg_and_delays_are_measured() {
    // pyvroom 1.15.2 answers this route (its plan mode) with these arrivals: job 1 late by
    // 50, the break after 40 s of the next leg, the rest of the leg after it.
    let p = line_problem();
    let r = schedule(
        &p,
        &plain(&[StopKind::Job(0), StopKind::Break(0), StopKind::Job(1)]),
    )
    .unwrap();
    let arrivals: Vec<u64> = r.steps.iter().map(|s| s.arrival).collect();
    assert_eq!(arrivals, [0, 100, 150, 260, 470]);
    let durations: Vec<u64> = r.steps.iter().map(|s| s.duration).collect();
    assert_eq!(durations, [0, 100, 140, 200, 400]);
    assert_eq!(r.steps[1].violations, [Violation::Delay(50)]);
    assert_eq!(r.violations, [Violation::Delay(50)]);
    assert_eq!(r.distance, 4000);
}

#[test]
fn loads_skills_limits_precedence_and_missing_breaks_are_reported() {
    let mut p = line_problem();
    p.vehicles[0].max_tasks = Some(1);
    p.vehicles[0].max_travel_time = Some(150);
    p.vehicles[0].max_distance = Some(1500);
    p.jobs[1].delivery = Load::single(5);
    let r = schedule(
        &p,
        &plain(&[StopKind::Delivery(0), StopKind::Job(1), StopKind::Pickup(0)]),
    )
    .unwrap();
    let causes = |k: usize| {
        let mut c: Vec<&str> = r.steps[k].violations.iter().map(|v| v.cause()).collect();
        c.sort_unstable();
        c
    };
    assert_eq!(causes(0), ["load"]);
    assert_eq!(
        causes(1),
        [
            "load",
            "max_distance",
            "max_travel_time",
            "precedence",
            "skills"
        ]
    );
    assert_eq!(causes(2), ["max_distance", "max_tasks", "max_travel_time"]);
    // The pickup comes after its delivery: precedence on both.
    assert_eq!(
        causes(3),
        [
            "max_distance",
            "max_tasks",
            "max_travel_time",
            "precedence",
            "skills"
        ]
    );
    assert!(r.violations.contains(&Violation::MissingBreak));
    assert!(r.violations.contains(&Violation::Precedence));
}

#[test]
fn service_bounds_that_cannot_hold_make_the_route_infeasible() {
    let p = line_problem();
    let mut r = plain(&[StopKind::Job(0), StopKind::Job(1)]);
    r.stops[0].1.at = Some(50);
    assert_eq!(schedule(&p, &r), Err(EtaError::Infeasible { vehicle: 0 }));
    r.stops[0].1.at = Some(150);
    r.stops[1].1.before = Some(200);
    assert_eq!(schedule(&p, &r), Err(EtaError::Infeasible { vehicle: 0 }));
    r.stops[1].1.before = Some(300);
    let s = schedule(&p, &r).unwrap();
    // Service exactly at 150, 100 s after job 1's window.
    assert_eq!(s.steps[1].arrival + s.steps[1].waiting_time, 150);
    assert_eq!(s.steps[1].violations, [Violation::Delay(100)]);
    let mut r = plain(&[StopKind::Job(0)]);
    r.stops[0].1.after = Some(9);
    r.stops[0].1.before = Some(8);
    assert_eq!(schedule(&p, &r), Err(EtaError::Infeasible { vehicle: 0 }));
    let r = plain(&[StopKind::Job(9)]);
    assert!(matches!(
        schedule(&p, &r),
        Err(EtaError::UnknownStop { .. })
    ));
}

#[test]
fn the_end_is_judged_by_its_arrival_whatever_its_bounds() {
    // pyvroom 1.15.2 reports the end at the vehicle's arrival: a `service_after` there neither
    // makes the vehicle wait nor adds delay (`data/vroom/plan/lead-time.json` pins the same
    // against pyvroom's answer).
    let mut p = line_problem();
    p.vehicles[0].shift.end = 300;
    let mut r = plain(&[StopKind::Job(1)]);
    r.end.after = Some(5_000);
    let s = schedule(&p, &r).unwrap();
    let end = s.steps.last().unwrap();
    assert_eq!((end.arrival, end.waiting_time), (410, 0));
    assert_eq!(end.violations, [Violation::Delay(110)]);
    assert!(s.violations.contains(&Violation::Delay(110)));
    assert_eq!(s.waiting_time, 0);
    // An end bound the arrival cannot meet is still infeasible.
    r.end = ServiceBounds {
        before: Some(400),
        ..ServiceBounds::default()
    };
    assert_eq!(schedule(&p, &r), Err(EtaError::Infeasible { vehicle: 0 }));
}
