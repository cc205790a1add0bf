//! The VRP checker, readers and benchmark conventions, on hand-built problems and the real
//! benchmark files in `shared/data/vrp`.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use engine::vrp::check::{self, Violation};
use engine::vrp::io::{Convention, Format, Instance, IoError};
use engine::vrp::{
    Break, Costs, Job, Load, Location, Matrix, Objective, Place, Problem, Shipment, SkillSet,
    Solution, StopKind, Task, TimeWindow, UNREACHABLE, Unassigned, Vehicle,
};
use proptest::prelude::*;

use crate::support;

// ---------------------------------------------------------------------------------------------
// The checker on a small hand-built problem: one base solution that passes, then one broken
// rule at a time.

/// Locations on a line at 0, 10, 20, 30; travel time = distance = gap.
fn line_matrix() -> Matrix {
    let pos = [0i64, 10, 20, 30];
    let cells: Vec<u32> = pos
        .iter()
        .flat_map(|a| {
            pos.iter()
                .map(move |b| u32::try_from((a - b).abs()).unwrap())
        })
        .collect();
    Matrix {
        size: 4,
        durations: cells.clone(),
        distances: cells,
        costs: None,
    }
}

fn place(location: u32, window: (u32, u32), service: u32) -> Place {
    Place {
        location: Location(location),
        service,
        time_windows: vec![TimeWindow {
            start: window.0,
            end: window.1,
        }],
    }
}

fn vehicle(id: u64, breaks: Vec<Break>) -> Vehicle {
    Vehicle {
        shift: TimeWindow {
            start: 0,
            end: 1000,
        },
        skills: SkillSet(0b01),
        costs: Costs {
            fixed: 100,
            per_hour: 3600,
            per_km: 500,
        },
        breaks,
        ..Vehicle::round_trip(id, Location(0), Load([10, 3, 0, 0]))
    }
}

/// Jobs 0 (location 1) and 1 (location 2, needs skill 0), shipment 0 (3 → 1); vehicles 0 and
/// 2 plain, vehicle 1 with a break.
fn problem() -> Problem {
    let job = |id, loc, skills| Job {
        id,
        place: place(loc, (0, 500), 5),
        delivery: Load([4, 1, 0, 0]),
        pickup: Load::ZERO,
        skills: SkillSet(skills),
        priority: 7,
    };
    let brk = Break {
        id: 9,
        time_windows: vec![TimeWindow { start: 0, end: 400 }],
        duration: 15,
    };
    Problem {
        jobs: vec![job(11, 1, 0), job(12, 2, 0b01)],
        shipments: vec![Shipment {
            pickup_id: 21,
            delivery_id: 22,
            pickup: place(3, (0, 500), 2),
            delivery: place(1, (0, 500), 2),
            amount: Load([5, 0, 0, 0]),
            skills: SkillSet(0),
            priority: 3,
        }],
        vehicles: vec![
            vehicle(1, vec![]),
            vehicle(2, vec![brk]),
            vehicle(3, vec![]),
        ],
        matrices: vec![line_matrix()],
        skill_names: vec!["medical".into()],
        objective: Objective::PriorityThenCost,
    }
}

const BASE: [StopKind; 4] = [
    StopKind::Job(0),
    StopKind::Pickup(0),
    StopKind::Delivery(0),
    StopKind::Job(1),
];

fn base() -> (Problem, Solution) {
    let p = problem();
    let s = check::build_solution(&p, &[(0, BASE.to_vec())]);
    (p, s)
}

/// Checks and returns the violations, failing if the solution passes.
fn violations(p: &Problem, s: &Solution) -> Vec<Violation> {
    check::check(p, s).expect_err("the broken solution must be rejected")
}

fn has(v: &[Violation], f: impl Fn(&Violation) -> bool) -> bool {
    v.iter().any(f)
}

#[test]
fn checker_accepts_base_and_recomputes_totals() {
    let (p, s) = base();
    let r = check::check(&p, &s).unwrap();
    // 0→1→3→1→2→0 on the line: 10 + 20 + 20 + 10 + 20.
    assert_eq!((r.distance, r.travel_time, r.vehicles), (80, 80, 1));
    // fixed 100 + round(3600 × 80 / 3600 + 500 × 80 / 1000) = 100 + 80 + 40.
    assert_eq!(r.cost, 220);
    assert_eq!(r.unassigned_penalty, 0);
    let stops = &s.routes[0].stops;
    // Arrivals: 10; 10+5+20 = 35; 35+2+20 = 57; 57+2+10 = 69.
    let arrivals: Vec<u32> = stops.iter().map(|s| s.arrival).collect();
    assert_eq!(arrivals, [10, 35, 57, 69]);
    assert_eq!(r.key(), (0, 220, 0));
}

#[test]
fn checker_counts_unassigned_priority_and_objective_key() {
    let (p, _) = base();
    let mut p = p;
    p.objective = Objective::VehiclesThenDistance;
    let s = check::build_solution(&p, &[(0, vec![StopKind::Job(0)])]);
    let r = check::check(&p, &s).unwrap();
    // Job 1 (priority 7) and shipment 0 (priority 3) are unassigned: (1 + 7) + (1 + 3).
    assert_eq!(r.unassigned_penalty, 12);
    assert_eq!(r.key(), (12, 1, 20));
}

#[test]
fn checker_rejects_objective_mismatch() {
    let (p, mut s) = base();
    s.objective = Objective::DistanceOnly;
    assert!(has(&violations(&p, &s), |v| matches!(
        v,
        Violation::ObjectiveMismatch { .. }
    )));
}

#[test]
fn checker_rejects_unknown_vehicle() {
    let (p, mut s) = base();
    s.routes[0].vehicle = 99;
    let v = violations(&p, &s);
    assert!(has(&v, |v| matches!(
        v,
        Violation::UnknownVehicle {
            route: 0,
            vehicle: 99
        }
    )));
}

#[test]
fn checker_rejects_vehicle_used_twice() {
    let p = problem();
    let s = check::build_solution(&p, &[(0, BASE[..3].to_vec()), (0, vec![StopKind::Job(1)])]);
    let v = violations(&p, &s);
    assert!(has(&v, |v| matches!(
        v,
        Violation::VehicleReused {
            vehicle: 0,
            first: 0,
            second: 1
        }
    )));
}

#[test]
fn checker_rejects_empty_route() {
    let p = problem();
    let s = check::build_solution(&p, &[(0, BASE.to_vec()), (2, vec![])]);
    assert!(has(&violations(&p, &s), |v| matches!(
        v,
        Violation::EmptyRoute { route: 1 }
    )));
}

#[test]
fn checker_rejects_unknown_stop() {
    let p = problem();
    let mut stops = BASE.to_vec();
    stops.push(StopKind::Job(99));
    let s = check::build_solution(&p, &[(0, stops)]);
    let v = violations(&p, &s);
    assert!(has(&v, |v| matches!(
        v,
        Violation::UnknownStop {
            route: 0,
            stop: 4,
            ..
        }
    )));
}

#[test]
fn checker_rejects_unknown_unassigned() {
    let (p, mut s) = base();
    s.unassigned.push(Unassigned {
        task: Task::Shipment(5),
        reason: engine::vrp::Reason::Skills,
    });
    let v = violations(&p, &s);
    assert!(has(&v, |v| matches!(
        v,
        Violation::UnknownUnassigned { index: 0, .. }
    )));
}

#[test]
fn checker_rejects_missing_and_double_tasks() {
    let p = problem();
    // Job 1 neither served nor unassigned.
    let mut s = check::build_solution(&p, &[(0, BASE[..3].to_vec())]);
    s.unassigned.clear();
    let v = violations(&p, &s);
    let missing = Violation::NotExactlyOnce {
        task: Task::Job(1),
        served: 0,
        unassigned: 0,
    };
    assert!(v.contains(&missing));
    // Job 0 served and unassigned.
    let (p, mut s) = base();
    s.unassigned.push(Unassigned {
        task: Task::Job(0),
        reason: engine::vrp::Reason::Capacity,
    });
    let both = Violation::NotExactlyOnce {
        task: Task::Job(0),
        served: 1,
        unassigned: 1,
    };
    assert!(violations(&p, &s).contains(&both));
    // Job 0 served twice.
    let mut twice = BASE.to_vec();
    twice.push(StopKind::Job(0));
    let s = check::build_solution(&p, &[(0, twice)]);
    let two = Violation::NotExactlyOnce {
        task: Task::Job(0),
        served: 2,
        unassigned: 0,
    };
    assert!(violations(&p, &s).contains(&two));
}

#[test]
fn checker_rejects_incomplete_shipment() {
    let p = problem();
    let s = check::build_solution(
        &p,
        &[(
            0,
            vec![StopKind::Job(0), StopKind::Pickup(0), StopKind::Job(1)],
        )],
    );
    let v = violations(&p, &s);
    assert!(v.contains(&Violation::ShipmentIncomplete {
        shipment: 0,
        pickups: 1,
        deliveries: 0
    }));
}

#[test]
fn checker_rejects_split_shipment() {
    let p = problem();
    let s = check::build_solution(
        &p,
        &[
            (0, vec![StopKind::Job(0), StopKind::Pickup(0)]),
            (2, vec![StopKind::Delivery(0), StopKind::Job(1)]),
        ],
    );
    let v = violations(&p, &s);
    assert!(v.contains(&Violation::ShipmentSplit {
        shipment: 0,
        pickup_route: 0,
        delivery_route: 1
    }));
}

#[test]
fn checker_rejects_delivery_before_pickup() {
    let p = problem();
    let order = vec![
        StopKind::Job(0),
        StopKind::Delivery(0),
        StopKind::Pickup(0),
        StopKind::Job(1),
    ];
    let s = check::build_solution(&p, &[(0, order)]);
    let v = violations(&p, &s);
    let expected = Violation::DeliveryBeforePickup {
        route: 0,
        shipment: 0,
        pickup_stop: 2,
        delivery_stop: 1,
    };
    assert!(v.contains(&expected));
}

#[test]
fn checker_rejects_missing_skill() {
    let (mut p, s) = base();
    p.vehicles[0].skills = SkillSet(0);
    let v = violations(&p, &s);
    assert_eq!(
        v,
        vec![Violation::Skills {
            route: 0,
            stop: 3,
            kind: StopKind::Job(1)
        }]
    );
}

#[test]
fn checker_rejects_capacity_in_any_dimension() {
    // Second dimension: two jobs load 1 each, capacity 1.
    let (mut p, s) = base();
    p.vehicles[0].capacity = Load([10, 1, 0, 0]);
    let v = violations(&p, &s);
    assert!(has(&v, |v| matches!(
        v,
        Violation::Capacity {
            route: 0,
            stop: None,
            ..
        }
    )));
    // First dimension after the pickup: 8 − 4 + 5 = 9 > 8.
    let (mut p, s) = base();
    p.vehicles[0].capacity = Load([8, 3, 0, 0]);
    let v = violations(&p, &s);
    assert_eq!(
        v,
        vec![Violation::Capacity {
            route: 0,
            stop: Some(1),
            load: [9, 1, 0, 0],
            capacity: Load([8, 3, 0, 0])
        }]
    );
}

#[test]
fn checker_rejects_unreachable_leg() {
    let (mut p, s) = base();
    p.matrices[0].durations[4 + 3] = UNREACHABLE; // 1 → 3
    let v = violations(&p, &s);
    assert!(v.contains(&Violation::Unreachable {
        route: 0,
        from: Location(1),
        to: Location(3)
    }));
}

#[test]
fn checker_rejects_bad_speed_factor() {
    let (mut p, s) = base();
    p.vehicles[0].speed_factor = 0.0;
    assert!(has(&violations(&p, &s), |v| matches!(
        v,
        Violation::SpeedFactor {
            route: 0,
            vehicle: 0,
            ..
        }
    )));
}

#[test]
fn checker_applies_speed_factor() {
    let mut p = problem();
    p.vehicles[0].speed_factor = 3.0;
    let s = check::build_solution(&p, &[(0, BASE.to_vec())]);
    let r = check::check(&p, &s).unwrap();
    // Legs 10, 20, 20, 10, 20 divided by 3 and rounded: 3 + 7 + 7 + 3 + 7.
    assert_eq!((r.travel_time, r.distance), (27, 80));
    assert_eq!(s.routes[0].stops[0].arrival, 3);
}

#[test]
fn checker_rejects_departure_before_shift() {
    let (mut p, s) = base();
    p.vehicles[0].shift.start = 5;
    let v = violations(&p, &s);
    assert_eq!(
        v,
        vec![Violation::DepartureBeforeShift {
            route: 0,
            departure: 0,
            shift_start: 5
        }]
    );
}

#[test]
fn checker_rejects_missed_time_window() {
    let (mut p, s) = base();
    p.jobs[1].place.time_windows = vec![TimeWindow { start: 0, end: 60 }];
    let v = violations(&p, &s);
    assert_eq!(
        v,
        vec![Violation::TimeWindow {
            route: 0,
            stop: 3,
            kind: StopKind::Job(1),
            arrival: 69
        }]
    );
}

#[test]
fn checker_waits_for_the_next_window() {
    let mut p = problem();
    p.jobs[0].place.time_windows = vec![
        TimeWindow { start: 0, end: 5 },
        TimeWindow { start: 40, end: 50 },
    ];
    let s = check::build_solution(&p, &[(0, BASE.to_vec())]);
    check::check(&p, &s).unwrap();
    assert_eq!(
        (s.routes[0].stops[0].arrival, s.routes[0].stops[0].start),
        (10, 40)
    );
}

#[test]
fn checker_rejects_schedule_mismatch() {
    let (p, mut s) = base();
    s.routes[0].stops[2].arrival += 1;
    let v = violations(&p, &s);
    assert!(has(&v, |v| matches!(
        v,
        Violation::ScheduleMismatch {
            route: 0,
            stop: 2,
            arrival: 57,
            ..
        }
    )));
}

#[test]
fn checker_rejects_break_outside_window() {
    let mut p = problem();
    p.vehicles[1].breaks[0].time_windows = vec![TimeWindow { start: 0, end: 20 }];
    let mut stops = BASE.to_vec();
    stops.insert(2, StopKind::Break(0));
    let s = check::build_solution(&p, &[(1, stops)]);
    let v = violations(&p, &s);
    assert_eq!(
        v,
        vec![Violation::BreakWindow {
            route: 0,
            stop: 2,
            brk: 0,
            ready: 37
        }]
    );
}

#[test]
fn checker_rejects_missing_or_repeated_break() {
    let p = problem();
    let s = check::build_solution(&p, &[(1, BASE.to_vec())]);
    assert_eq!(
        violations(&p, &s),
        vec![Violation::BreakCount {
            route: 0,
            brk: 0,
            taken: 0
        }]
    );
    let mut stops = BASE.to_vec();
    stops.insert(1, StopKind::Break(0));
    stops.insert(3, StopKind::Break(0));
    let s = check::build_solution(&p, &[(1, stops)]);
    assert_eq!(
        violations(&p, &s),
        vec![Violation::BreakCount {
            route: 0,
            brk: 0,
            taken: 2
        }]
    );
    // Taken once, it delays the rest of the route by its duration.
    let mut stops = BASE.to_vec();
    stops.insert(1, StopKind::Break(0));
    let s = check::build_solution(&p, &[(1, stops)]);
    check::check(&p, &s).unwrap();
    assert_eq!(s.routes[0].stops[2].arrival, 35 + 15);
}

#[test]
fn checker_rejects_late_return() {
    let (mut p, s) = base();
    p.vehicles[0].shift.end = 80;
    let v = violations(&p, &s);
    // Leaves job 1 at 74, back at the depot at 94.
    assert_eq!(
        v,
        vec![Violation::ShiftEnd {
            route: 0,
            end: 94,
            shift_end: 80
        }]
    );
}

#[test]
fn checker_rejects_route_limits() {
    let (mut p, s) = base();
    p.vehicles[0].max_tasks = Some(3);
    assert_eq!(
        violations(&p, &s),
        vec![Violation::MaxTasks {
            route: 0,
            tasks: 4,
            limit: 3
        }]
    );
    let (mut p, s) = base();
    p.vehicles[0].max_distance = Some(79);
    assert_eq!(
        violations(&p, &s),
        vec![Violation::MaxDistance {
            route: 0,
            distance: 80,
            limit: 79
        }]
    );
    let (mut p, s) = base();
    p.vehicles[0].max_travel_time = Some(70);
    let v = violations(&p, &s);
    assert_eq!(
        v,
        vec![Violation::MaxTravelTime {
            route: 0,
            travel_time: 80,
            limit: 70
        }]
    );
}

#[test]
fn checker_rejects_wrong_totals() {
    let (p, mut s) = base();
    s.cost += 1;
    assert_eq!(
        violations(&p, &s),
        vec![Violation::CostMismatch {
            reported: 221,
            recomputed: 220
        }]
    );
    let (p, mut s) = base();
    s.distance = 79;
    assert_eq!(
        violations(&p, &s),
        vec![Violation::DistanceMismatch {
            reported: 79,
            recomputed: 80
        }]
    );
    let (p, mut s) = base();
    s.travel_time = 0;
    assert_eq!(
        violations(&p, &s),
        vec![Violation::TravelTimeMismatch {
            reported: 0,
            recomputed: 80
        }]
    );
}

#[test]
fn checker_handles_open_routes_without_start() {
    let mut p = problem();
    p.vehicles[0].start = None;
    p.vehicles[0].end = None;
    let s = check::build_solution(&p, &[(0, BASE.to_vec())]);
    let r = check::check(&p, &s).unwrap();
    // 1→3→1→2 only.
    assert_eq!(r.distance, 20 + 20 + 10);
    assert_eq!(s.routes[0].stops[0].arrival, 0);
}

// ---------------------------------------------------------------------------------------------
// Readers and the benchmark conventions on the real files.

/// `instance → (vehicles, distance, solution file, recomputed distance)` from a `bks.csv`.
fn bks(csv: &Path) -> HashMap<String, (usize, f64, String, String)> {
    let text = std::fs::read_to_string(csv).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            // The quoted convention field contains commas; split the rest around it.
            let (head, tail) = l
                .split_once(",\"")
                .map_or((l, ""), |(h, t)| (h, t.split_once("\",").unwrap().1));
            let h: Vec<&str> = head.split(',').collect();
            let t: Vec<&str> = if tail.is_empty() {
                h[4..].to_vec()
            } else {
                tail.split(',').collect()
            };
            let (file, recomputed) = if tail.is_empty() {
                (t[3], t[5])
            } else {
                (t[2], t[4])
            };
            (
                h[0].to_string(),
                (
                    h[2].parse().unwrap(),
                    h[3].parse().unwrap(),
                    file.to_string(),
                    recomputed.to_string(),
                ),
            )
        })
        .collect()
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

#[test]
fn readers_parse_every_instance_of_every_set() {
    let sets = [
        ("solomon/instances", "txt", Format::Solomon, 100),
        ("homberger/200/instances", "txt", Format::Solomon, 200),
        ("homberger/600/instances", "txt", Format::Solomon, 600),
        ("homberger/800/instances", "txt", Format::Solomon, 800),
        ("homberger/1000/instances", "txt", Format::Solomon, 1000),
        ("lilim/100/instances", "txt", Format::LiLim, 0),
        ("x/instances", "vrp", Format::Vrplib, 0),
    ];
    for (dir, ext, format, customers) in sets {
        let Some(dir) = support::vrp(dir) else { return };
        let all = files(&dir, ext);
        assert!(all.len() >= 56, "{}", dir.display());
        for path in all {
            let inst = Instance::from_path(&path, None)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert_eq!(inst.format, format, "{}", path.display());
            let p = &inst.problem;
            assert_eq!(p.matrices[0].size, inst.sites.len());
            match format {
                Format::Solomon => assert_eq!(p.jobs.len(), customers, "{}", path.display()),
                Format::LiLim => assert_eq!(2 * p.shipments.len() + 1, inst.sites.len()),
                _ => {
                    let n: usize = inst
                        .name
                        .split("-n")
                        .nth(1)
                        .unwrap()
                        .split('-')
                        .next()
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert_eq!(p.jobs.len() + 1, n, "{}", path.display());
                }
            }
        }
    }
}

#[test]
fn solomon_reader_scales_and_rounds_conservatively() {
    let Some(path) = support::vrp("solomon/instances/R101.txt") else {
        return;
    };
    let inst = Instance::from_path(&path, None).unwrap();
    let Convention::EuclidDouble { scale } = inst.convention else {
        panic!("convention")
    };
    let p = &inst.problem;
    assert_eq!(
        (p.vehicles.len(), p.vehicles[0].capacity),
        (25, Load::single(200))
    );
    assert_eq!(p.objective, Objective::VehiclesThenDistance);
    // R101 customer 1: 41 49 10 161 171 10; depot 35 35, due 230.
    let j = &p.jobs[0];
    assert_eq!(j.id, 1);
    assert_eq!(
        j.place.time_windows,
        vec![TimeWindow {
            start: 161 * scale,
            end: 171 * scale
        }]
    );
    assert_eq!(j.place.service, 10 * scale);
    assert_eq!(
        p.vehicles[0].shift,
        TimeWindow {
            start: 0,
            end: 230 * scale
        }
    );
    let d = (6f64 * 6.0 + 14.0 * 14.0).sqrt() * f64::from(scale);
    let m = &p.matrices[0];
    assert_eq!(f64::from(m.duration(Location(0), Location(1))), d.ceil());
    assert_eq!(f64::from(m.distance(Location(0), Location(1))), d.round());
}

#[test]
fn json_form_round_trips_a_benchmark_problem() {
    let Some(path) = support::vrp("lilim/100/instances/lc101.txt") else {
        return;
    };
    let inst = Instance::from_path(&path, None).unwrap();
    let json = serde_json::to_string(&inst.problem).unwrap();
    let back = Instance::parse("lc101", &json, None).unwrap();
    assert_eq!(back.format, Format::Json);
    assert_eq!(back.problem, inst.problem);
}

/// Reads each BKS solution of a set, verifies it in the instance's convention and compares its
/// distance with `bks.csv`. Returns how many needed the exact-double verdict because rounding
/// travel times up made them miss a window in the integer model.
fn check_bks_set(set: &str, sample: usize, tolerance: f64) -> usize {
    let Some(dir) = support::vrp(set) else {
        return 0;
    };
    let table = bks(&dir.join("bks.csv"));
    let mut names: Vec<&String> = table.keys().collect();
    names.sort();
    let mut rounding_only = 0;
    for name in names.into_iter().take(sample) {
        let (vehicles, distance, file, recomputed) = &table[name];
        let inst_path = ["txt", "vrp"]
            .iter()
            .map(|e| dir.join("instances").join(format!("{name}.{e}")))
            .find(|p| p.is_file())
            .unwrap();
        let inst = Instance::from_path(&inst_path, None).unwrap();
        let sol = inst.read_solution(&dir.join(file)).unwrap();
        let verdict = inst.verify(&sol);
        assert!(
            verdict.feasible,
            "{name}: {:?} {:?}",
            verdict.check, verdict.late
        );
        assert!(sol.unassigned.is_empty(), "{name}");
        assert_eq!(sol.routes.len(), *vehicles, "{name}");
        // X lists a few values better than its solution files: compare with the file's.
        let expected: f64 = recomputed.parse().unwrap_or(*distance);
        assert!(
            (verdict.distance - expected).abs() <= tolerance,
            "{name}: {} vs {expected}",
            verdict.distance
        );
        assert!((inst.exact_distance(&sol) - verdict.distance).abs() < 1e-9);
        if verdict.check.is_err() {
            rounding_only += 1;
        }
    }
    rounding_only
}

#[test]
fn homberger_200_bks_solutions_pass_and_reproduce_their_distance() {
    let n = check_bks_set("homberger/200", 60, 1e-2);
    eprintln!("homberger 200: {n} BKS feasible only in exact doubles");
}

#[test]
fn lilim_bks_solutions_pass_and_reproduce_their_distance() {
    let n = check_bks_set("lilim/100", 56, 1e-2);
    eprintln!("li & lim 100: {n} BKS feasible only in exact doubles");
}

#[test]
fn x_bks_solutions_pass_and_reproduce_their_distance_exactly() {
    assert_eq!(
        check_bks_set("x", 90, 0.0),
        0,
        "X is integer: no rounding slack"
    );
}

// ---------------------------------------------------------------------------------------------
// Malformed files: clear errors, never a panic.

const SOLOMON_MINI: &str = "MINI\n\nVEHICLE\nNUMBER     CAPACITY\n  2         50\n\nCUSTOMER\n\
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n\
    0      0          0          0          0       100          0\n\
    1      3          4         10          0        50          5\n\
    2      6          8         20         10        60          5\n";

const VRPLIB_MINI: &str = "NAME : mini-n3-k1\nTYPE : CVRP\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EUC_2D\n\
CAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 6 8\nDEMAND_SECTION\n1 0\n2 4\n3 5\n\
DEPOT_SECTION\n1\n-1\nEOF\n";

const LILIM_MINI: &str = "2 50 1\n0 0 0 0 0 100 0 0 0\n1 3 4 10 0 50 5 0 2\n2 6 8 -10 0 60 5 1 0\n";

fn parse_err(text: &str, format: Option<Format>) -> IoError {
    Instance::parse("t", text, format).expect_err("malformed input must be rejected")
}

#[test]
fn mini_instances_parse_in_every_format() {
    let s = Instance::parse("t", SOLOMON_MINI, None).unwrap();
    assert_eq!(
        (s.format, s.name.as_str(), s.problem.jobs.len()),
        (Format::Solomon, "MINI", 2)
    );
    let v = Instance::parse("t", VRPLIB_MINI, None).unwrap();
    assert_eq!((v.format, v.problem.jobs.len()), (Format::Vrplib, 2));
    // k = 1 → 1 + max(3, 1) vehicles; nint distances 5 and 10.
    assert_eq!(v.problem.vehicles.len(), 4);
    assert_eq!(v.problem.matrices[0].distance(Location(0), Location(2)), 10);
    let l = Instance::parse("t", LILIM_MINI, None).unwrap();
    assert_eq!((l.format, l.problem.shipments.len()), (Format::LiLim, 1));
    assert_eq!(
        (
            l.problem.shipments[0].pickup_id,
            l.problem.shipments[0].delivery_id
        ),
        (1, 2)
    );
}

#[test]
fn truncated_files_are_rejected() {
    let cut = &SOLOMON_MINI[..SOLOMON_MINI.len() - 8];
    assert!(matches!(
        parse_err(cut, None),
        IoError::Syntax { line: 12, .. }
    ));
    let cut = &SOLOMON_MINI[..SOLOMON_MINI.find("CUSTOMER").unwrap()];
    assert!(matches!(
        parse_err(cut, Some(Format::Solomon)),
        IoError::Missing { .. }
    ));
    let cut = &VRPLIB_MINI[..VRPLIB_MINI.find("2 4").unwrap()];
    assert!(matches!(
        parse_err(cut, None),
        IoError::Missing {
            what: "a DEMAND_SECTION row for every node"
        }
    ));
    assert!(matches!(
        parse_err("", Some(Format::LiLim)),
        IoError::Missing { .. }
    ));
    assert!(matches!(parse_err("", None), IoError::UnknownFormat));
}

#[test]
fn non_numeric_fields_are_rejected() {
    let bad = SOLOMON_MINI.replace("1      3", "1      x");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::Syntax { line: 11, .. }
    ));
    let bad = VRPLIB_MINI.replace("2 3 4", "2 3 four");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::Syntax { line: 8, .. }
    ));
    let bad = LILIM_MINI.replace("2 50 1", "2 fifty 1");
    assert!(matches!(
        parse_err(&bad, Some(Format::LiLim)),
        IoError::Syntax { line: 1, .. }
    ));
    let bad = SOLOMON_MINI.replace("1      3", "1      nan");
    assert!(matches!(parse_err(&bad, None), IoError::Syntax { .. }));
}

#[test]
fn missing_sections_are_rejected() {
    let bad = VRPLIB_MINI.replace("DEMAND_SECTION\n1 0\n2 4\n3 5\n", "");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::Missing {
            what: "DEMAND_SECTION"
        }
    ));
    let bad = VRPLIB_MINI.replace("CAPACITY : 10\n", "");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::Missing { what: "CAPACITY" }
    ));
    let bad = SOLOMON_MINI.replace("VEHICLE", "VESSEL");
    assert!(matches!(
        parse_err(&bad, Some(Format::Solomon)),
        IoError::Missing { .. }
    ));
}

#[test]
fn negative_and_huge_sizes_are_rejected() {
    let bad = SOLOMON_MINI.replace("  2         50", "  -2         50");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::OutOfRange {
            what: "vehicle number",
            ..
        }
    ));
    let bad = SOLOMON_MINI.replace("  2         50", "  1000000000000         50");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::TooMany {
            what: "vehicles",
            ..
        }
    ));
    let bad = SOLOMON_MINI.replace("  2         50", "  2         -50");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::OutOfRange {
            what: "capacity",
            ..
        }
    ));
    let bad = VRPLIB_MINI.replace("DIMENSION : 3", "DIMENSION : 4000000000");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::TooMany {
            what: "DIMENSION",
            ..
        }
    ));
    let bad = VRPLIB_MINI.replace("DIMENSION : 3", "DIMENSION : -3");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::Syntax { line: 3, .. }
    ));
    let bad = VRPLIB_MINI.replace("DIMENSION : 3", "DIMENSION : 2");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::CountMismatch { .. }
    ));
    let bad = LILIM_MINI.replace("0 0 0 0 0 100", "0 0 0 0 0 1e300");
    assert!(matches!(parse_err(&bad, None), IoError::OutOfRange { .. }));
    let bad = SOLOMON_MINI.replace(
        "2      6          8         20",
        "2      6          8         -20",
    );
    assert!(matches!(
        parse_err(&bad, None),
        IoError::OutOfRange { what: "demand", .. }
    ));
}

#[test]
fn inconsistent_content_is_rejected() {
    let bad = VRPLIB_MINI.replace("EUC_2D", "GEO");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::Unsupported {
            what: "EDGE_WEIGHT_TYPE",
            ..
        }
    ));
    let bad = VRPLIB_MINI.replace("3 5\n", "4 5\n");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::UnknownId { id: 4, .. }
    ));
    let bad = LILIM_MINI.replace("2 6 8 -10 0 60 5 1 0", "2 6 8 -10 0 60 5 0 0");
    assert!(matches!(parse_err(&bad, None), IoError::Unpaired { .. }));
    let bad = LILIM_MINI.replace("-10", "-11");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::Unpaired { id: 1, .. }
    ));
    let bad = SOLOMON_MINI.replace("2      6", "1      6");
    assert!(matches!(
        parse_err(&bad, None),
        IoError::DuplicateId { id: 1, .. }
    ));
    let bad = SOLOMON_MINI.replace("10        60", "10        5");
    assert!(matches!(parse_err(&bad, None), IoError::OutOfRange { .. }));
}

#[test]
fn malformed_json_models_are_rejected() {
    assert!(matches!(parse_err("{\"jobs\": [", None), IoError::Json(_)));
    let mut p = problem();
    p.jobs[0].place.location = Location(4);
    let bad = serde_json::to_string(&p).unwrap();
    assert!(matches!(
        parse_err(&bad, None),
        IoError::InvalidModel { index: 0, .. }
    ));
    let mut p = problem();
    p.matrices[0].distances.pop();
    let bad = serde_json::to_string(&p).unwrap();
    assert!(matches!(
        parse_err(&bad, None),
        IoError::InvalidModel { .. }
    ));
    let mut p = problem();
    p.vehicles[2].profile = 1;
    let bad = serde_json::to_string(&p).unwrap();
    assert!(matches!(
        parse_err(&bad, None),
        IoError::InvalidModel { index: 2, .. }
    ));
}

#[test]
fn solution_files_with_unknown_ids_or_too_many_routes_are_rejected() {
    let inst = Instance::parse("t", SOLOMON_MINI, None).unwrap();
    let sol = inst.parse_solution("Route 1 : 1 2\n").unwrap();
    assert_eq!(sol.routes.len(), 1);
    assert!(inst.verify(&sol).feasible);
    // Exact schedule: (0,0) → (3,4) is 5, service 5, → (6,8) another 5; back 10 by 100.
    let exact = inst.exact_route(0, &sol.routes[0]);
    assert_eq!(
        (exact.arrivals.clone(), exact.distance),
        (vec![5.0, 15.0], 20.0)
    );
    // A later departure shifts the exact schedule too.
    let mut later = sol.routes[0].clone();
    later.departure += 10 * engine::vrp::io::EUCLID_SCALE;
    assert_eq!(inst.exact_route(0, &later).arrivals, [15.0, 25.0]);
    assert!(matches!(
        inst.parse_solution("Route 1 : 1 7\n"),
        Err(IoError::UnknownId { id: 7, .. })
    ));
    assert!(matches!(
        inst.parse_solution("Route 1 : 1 x\n"),
        Err(IoError::Syntax { .. })
    ));
    let three = "Route 1 : 1\nRoute 2 : 2\nRoute 3 : 1\n";
    assert!(matches!(
        inst.parse_solution(three),
        Err(IoError::TooMany { .. })
    ));
    assert!(matches!(
        inst.parse_solution("Cost 5\n"),
        Err(IoError::Missing { .. })
    ));
    let x = Instance::parse("t", VRPLIB_MINI, None).unwrap();
    let sol = x.parse_solution("Route #1: 1 2\nCost 20\n").unwrap();
    assert_eq!(x.verify(&sol).distance, 20.0);
}

/// Real files mutated at random: truncated, a field replaced by garbage, a line deleted or
/// duplicated. Parsing must return (error or instance) without panicking, and a parsed
/// instance must go through the solution builder and the checker.
fn mutate(text: &str, kind: u8, at: usize, junk: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let k = at % lines.len().max(1);
    match kind % 4 {
        0 => {
            let mut cut = at % (text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text[..cut].to_string()
        }
        1 => {
            let fields: Vec<(usize, &str)> = text
                .split_whitespace()
                .map(|f| (f.as_ptr() as usize - text.as_ptr() as usize, f))
                .collect();
            let (pos, f) = fields[at % fields.len()];
            format!("{}{}{}", &text[..pos], junk, &text[pos + f.len()..])
        }
        2 => lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != k)
            .map(|(_, l)| *l)
            .collect::<Vec<_>>()
            .join("\n"),
        _ => {
            let mut v = lines.clone();
            v.insert(k, lines[k]);
            v.join("\n")
        }
    }
}

fn fuzz_file(rel: &str) -> Option<String> {
    support::vrp(rel).map(|p| std::fs::read_to_string(p).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, rng_seed: proptest::test_runner::RngSeed::Fixed(5), ..ProptestConfig::default() })]

    #[test]
    fn mutated_real_files_never_panic(
        file in 0usize..4,
        kind in 0u8..4,
        at in 0usize..1_000_000,
        junk in prop::sample::select(vec!["", "x", "-1", "-0.5", "1.5", "1e300", "nan", "inf",
            "99999999999999999999", "4294967296", "0", "EOF", "DEPOT_SECTION", "Route #1:"]),
    ) {
        let files = ["solomon/instances/C101.txt", "lilim/100/instances/lc101.txt",
            "x/instances/X-n101-k25.vrp", "homberger/200/instances/r1_2_1.txt"];
        let Some(text) = fuzz_file(files[file]) else { return Ok(()) };
        let mutated = mutate(&text, kind, at, junk);
        if let Ok(inst) = Instance::parse("fuzz", &mutated, None) {
            let order: Vec<StopKind> = (0..inst.problem.jobs.len()).map(StopKind::Job).collect();
            let routes = if inst.problem.vehicles.is_empty() { vec![] } else { vec![(0, order)] };
            let sol = check::build_solution(&inst.problem, &routes);
            let _ = inst.verify(&sol);
        }
    }

    #[test]
    fn mutated_solution_files_never_panic(kind in 0u8..4, at in 0usize..100_000,
        junk in prop::sample::select(vec!["", "x", "-1", "0", "201", "99999999999999999999", "Route 9 :"])) {
        let Some(dir) = support::vrp("homberger/200") else { return Ok(()) };
        let inst = Instance::from_path(&dir.join("instances/c1_2_1.txt"), None).unwrap();
        let text = std::fs::read_to_string(dir.join("solutions_bks/c1_2_1.20_2704.5678.txt")).unwrap();
        if let Ok(sol) = inst.parse_solution(&mutate(&text, kind, at, junk)) {
            let _ = inst.verify(&sol);
        }
    }
}

#[test]
fn docs_json_example_parses_and_validates() {
    let example = support::vrp_json_example();
    let json = example.as_str();
    let inst = Instance::parse("example", json, None).unwrap();
    assert_eq!(inst.format, Format::Json);
    let p = &inst.problem;
    assert_eq!(
        (p.jobs.len(), p.shipments.len(), p.vehicles[0].breaks.len()),
        (2, 1, 1)
    );
    let order = vec![
        StopKind::Pickup(0),
        StopKind::Job(0),
        StopKind::Delivery(0),
        StopKind::Break(0),
        StopKind::Job(1),
    ];
    let sol = check::build_solution(p, &[(0, order)]);
    let verdict = inst.verify(&sol);
    assert!(verdict.feasible, "{:?}", verdict.check);
    // 0→3→1→1→2→0: 6000 + 4000 + 0 + 3000 + 8000 metres.
    assert_eq!(verdict.distance, 21000.0);
}

// ---------------------------------------------------------------------------------------------
// The solver's answers on real instances, re-verified by the checker.

fn solve_checked(inst: &Instance, config: &engine::vrp::SolverConfig) -> Solution {
    let sol = engine::vrp::solve(&inst.problem, config).unwrap();
    // The integer model is exact for the solver's own schedule: no rounding excuse here.
    let report = check::check(&inst.problem, &sol).unwrap_or_else(|v| {
        panic!(
            "{}: checker rejects the solver's solution: {v:?}",
            inst.name
        )
    });
    assert_eq!(report.cost, sol.cost);
    let verdict = inst.verify(&sol);
    assert!(
        verdict.feasible && verdict.late.is_empty(),
        "{}: {:?}",
        inst.name,
        verdict.late
    );
    sol
}

#[test]
fn solver_answers_pass_the_checker_on_one_instance_per_format() {
    let config = engine::vrp::SolverConfig {
        time_limit: Some(std::time::Duration::from_secs(5)),
        max_iterations: Some(300),
        seed: 1,
        threads: 1,
    };
    for rel in [
        "solomon/instances/R101.txt",
        "lilim/100/instances/lrc101.txt",
        "x/instances/X-n101-k25.vrp",
    ] {
        let Some(path) = support::vrp(rel) else {
            return;
        };
        let inst = Instance::from_path(&path, None).unwrap();
        let sol = solve_checked(&inst, &config);
        assert!(sol.unassigned.is_empty(), "{rel}: {:?}", sol.unassigned);
    }
}

#[test]
#[ignore = "slow: run in release by scripts/test.sh"]
fn solver_gives_feasible_checked_solutions_on_every_solomon_instance() {
    let Some(dir) = support::vrp("solomon/instances") else {
        return;
    };
    let config = engine::vrp::SolverConfig {
        time_limit: Some(std::time::Duration::from_millis(500)),
        max_iterations: None,
        seed: 1,
        threads: 1,
    };
    for path in files(&dir, "txt") {
        let inst = Instance::from_path(&path, None).unwrap();
        let sol = solve_checked(&inst, &config);
        assert!(
            sol.unassigned.is_empty(),
            "{}: {:?}",
            inst.name,
            sol.unassigned
        );
        assert!(sol.routes.len() <= 25);
    }
}
