//! Solving from given starting routes (`solve_from`, VROOM's `vehicles[].steps` in solving
//! mode): the start is used, the result still matches brute force, and starting routes that
//! are not feasible are refused with the reason.
#![allow(clippy::unwrap_used)]

use engine::vrp::{
    Construction, InitialError, InitialRoute, Load, Problem, SkillSet, SolveError, StopKind,
    TimeWindow, construct, solve_from,
};

use crate::vrp_solver::{brute_force, iterations, solution_objective, tiny, verify};

/// The routes of a constructed solution, breaks left out, as starting routes.
fn constructed_start(p: &Problem, seed: u64) -> Vec<InitialRoute> {
    let s = construct(p, Construction::Greedy, seed).unwrap();
    s.routes
        .iter()
        .map(|r| InitialRoute {
            vehicle: r.vehicle,
            stops: r
                .stops
                .iter()
                .map(|s| s.kind)
                .filter(|k| !matches!(k, StopKind::Break(_)))
                .collect(),
        })
        .collect()
}

#[test]
fn from_a_feasible_start_the_search_still_finds_the_optimum() {
    for seed in 0..30 {
        let p = tiny(seed, 3 + (seed % 3) as usize, seed % 2 == 0);
        let start = constructed_start(&p, seed);
        let s = solve_from(&p, &start, &iterations(2000)).unwrap();
        assert_eq!(solution_objective(&p, &s), brute_force(&p), "seed {seed}");
    }
}

#[test]
fn without_search_the_start_is_kept_and_the_other_tasks_are_inserted() {
    for seed in 0..40 {
        let p = tiny(seed, 3 + (seed % 4) as usize, seed % 2 == 1);
        let mut start = constructed_start(&p, seed + 1);
        // Leave the last stop of every route out (a shipment whole): those get inserted.
        for r in &mut start {
            if let Some(StopKind::Delivery(s)) = r.stops.pop() {
                r.stops.retain(|k| *k != StopKind::Pickup(s));
            }
        }
        let s = solve_from(&p, &start, &iterations(0)).unwrap();
        verify(&p, &s);
        for r in start.iter().filter(|r| !r.stops.is_empty()) {
            let got = s.routes.iter().find(|x| x.vehicle == r.vehicle).unwrap();
            let kept: Vec<StopKind> = got
                .stops
                .iter()
                .map(|x| x.kind)
                .filter(|k| r.stops.contains(k))
                .collect();
            assert_eq!(kept, r.stops, "seed {seed}: the start's order is kept");
        }
        let given: usize = start.iter().map(|r| r.stops.len()).sum();
        let routed: usize = s
            .routes
            .iter()
            .flat_map(|r| &r.stops)
            .filter(|x| !matches!(x.kind, StopKind::Break(_)))
            .count();
        assert!(routed >= given, "seed {seed}");
    }
}

/// A problem where vehicle 0 can serve jobs 0 and 1 in either order, with room to spare.
fn roomy() -> Problem {
    let mut p = tiny(3, 3, true);
    for j in &mut p.jobs {
        j.place.time_windows.clear();
        j.skills = SkillSet(0);
        j.delivery = Load::single(1);
        j.pickup = Load::ZERO;
    }
    p.shipments[0].skills = SkillSet(0);
    p.shipments[0].amount = Load::single(1);
    p.shipments[0].pickup.time_windows.clear();
    p.shipments[0].delivery.time_windows.clear();
    for v in &mut p.vehicles {
        v.shift = TimeWindow {
            start: 0,
            end: 100_000,
        };
        v.max_distance = None;
        v.max_tasks = None;
        v.skills = SkillSet(0);
        v.capacity = Load::single(5);
    }
    p
}

fn refused(p: &Problem, start: &[InitialRoute]) -> InitialError {
    match solve_from(p, start, &iterations(10)) {
        Err(SolveError::Initial(e)) => e,
        other => panic!("expected a refused start, got {other:?}"),
    }
}

fn route(vehicle: usize, stops: &[StopKind]) -> InitialRoute {
    InitialRoute {
        vehicle,
        stops: stops.to_vec(),
    }
}

#[test]
fn starting_routes_that_cannot_be_driven_are_refused_with_the_reason() {
    use StopKind::{Break, Delivery, Job, Pickup};
    let p = roomy();
    assert!(solve_from(&p, &[route(0, &[Job(1), Job(0)])], &iterations(10)).is_ok());
    assert!(
        solve_from(
            &p,
            &[route(1, &[Pickup(0), Job(2), Delivery(0)])],
            &iterations(10)
        )
        .is_ok()
    );
    assert_eq!(
        refused(&p, &[route(9, &[Job(0)])]),
        InitialError::UnknownVehicle {
            route: 0,
            vehicle: 9
        }
    );
    assert_eq!(
        refused(&p, &[route(0, &[Job(0)]), route(0, &[Job(1)])]),
        InitialError::TwoRoutes { vehicle: 0 }
    );
    for stop in [Job(7), Pickup(3), Break(0)] {
        assert_eq!(
            refused(&p, &[route(0, &[stop])]),
            InitialError::UnknownStop { vehicle: 0, stop }
        );
    }
    assert_eq!(
        refused(&p, &[route(0, &[Job(0)]), route(1, &[Job(0)])]),
        InitialError::Repeated {
            vehicle: 1,
            stop: Job(0)
        }
    );
    for stops in [
        &[Pickup(0)][..],
        &[Delivery(0), Pickup(0)],
        &[Job(0), Delivery(0)],
    ] {
        assert_eq!(
            refused(&p, &[route(0, stops)]),
            InitialError::Shipment {
                vehicle: 0,
                shipment: 0
            }
        );
    }
    assert_eq!(
        refused(&p, &[route(0, &[Pickup(0)]), route(1, &[Delivery(0)])]),
        InitialError::Shipment {
            vehicle: 0,
            shipment: 0
        }
    );

    let mut skilled = roomy();
    skilled.jobs[1].skills = SkillSet(1);
    assert_eq!(
        refused(&skilled, &[route(0, &[Job(0), Job(1)])]),
        InitialError::Skills {
            vehicle: 0,
            stop: Job(1)
        }
    );

    let mut small = roomy();
    small.vehicles[0].capacity = Load::single(1);
    assert_eq!(
        refused(&small, &[route(0, &[Job(0), Job(1)])]),
        InitialError::OverCapacity { vehicle: 0 }
    );

    let mut late = roomy();
    late.jobs[0].place.time_windows = vec![TimeWindow { start: 0, end: 0 }];
    late.jobs[1].place.time_windows = vec![TimeWindow { start: 0, end: 0 }];
    assert_eq!(
        refused(&late, &[route(0, &[Job(0), Job(1)])]),
        InitialError::Infeasible { vehicle: 0 }
    );
    let mut few = roomy();
    few.vehicles[0].max_tasks = Some(1);
    assert_eq!(
        refused(&few, &[route(0, &[Job(0), Job(1)])]),
        InitialError::Infeasible { vehicle: 0 }
    );
    // The message names the vehicle.
    let e = refused(&few, &[route(0, &[Job(0), Job(1)])]);
    assert_eq!(e.to_string(), "infeasible route for vehicle 0");
}
