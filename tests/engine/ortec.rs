//! The ORTEC grocery-delivery instances (`shared/data/vrp/ortec`): the reader on every real
//! file, ORTEC's own `.sol` files through vmeste's checker at exactly their stated cost, and
//! a small dynamic day with every strategy replayed against the rules.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use engine::vrp::dynamic::{self, Day, DispatchedRoute, Strategy};
use engine::vrp::io::{Instance, stated_cost};
use engine::vrp::{SolverConfig, check};

use crate::support;

fn instances(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("instances"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_instance_reads_and_every_sol_checks_at_its_stated_cost() {
    let Some(dir) = support::vrp("ortec") else {
        return;
    };
    let bks = std::fs::read_to_string(dir.join("bks.csv")).unwrap();
    let files = instances(&dir);
    assert_eq!(files.len(), 24);
    for path in files {
        let instance = Instance::from_path(&path, None).unwrap();
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let n = instance.problem.jobs.len();
        assert!(stem.contains(&format!("-n{n}-")), "{stem}");
        assert_eq!(instance.problem.matrices[0].size, n + 1);
        // Unlimited fleet: one vehicle per customer, whatever VEHICLES says.
        assert_eq!(instance.problem.vehicles.len(), n);
        let sol_path = path.with_extension("sol");
        let text = std::fs::read_to_string(&sol_path).unwrap();
        let stated = stated_cost(&text).unwrap().unwrap();
        let solution = instance.parse_solution(&text).unwrap();
        let report =
            check::check(&instance.problem, &solution).unwrap_or_else(|v| panic!("{stem}: {v:?}"));
        assert!(solution.unassigned.is_empty(), "{stem}");
        assert_eq!(report.distance, stated, "{stem}");
        assert_eq!(solution.distance, stated, "{stem}");
        let verdict = instance.verify(&solution);
        assert!(verdict.feasible, "{stem}");
        #[expect(clippy::cast_precision_loss, reason = "costs are far below 2^53")]
        let exact = stated as f64;
        assert!((verdict.distance - exact).abs() < 1e-9);
        let row = bks.lines().find(|l| l.starts_with(stem)).unwrap();
        assert_eq!(row.split(',').nth(1).unwrap(), stated.to_string(), "{stem}");
    }
}

#[test]
fn a_shortened_sol_route_is_rejected_by_the_checker() {
    let Some(dir) = support::vrp("ortec") else {
        return;
    };
    let path = instances(&dir).remove(0);
    let instance = Instance::from_path(&path, None).unwrap();
    let text = std::fs::read_to_string(path.with_extension("sol")).unwrap();
    // Every customer on one route: over capacity and too late.
    let ids: Vec<String> = (1..=instance.problem.jobs.len())
        .map(|i| i.to_string())
        .collect();
    let one = format!("Route 1 : {}\nCost 1\n", ids.join(" "));
    let solution = instance.parse_solution(&one).unwrap();
    assert!(check::check(&instance.problem, &solution).is_err());
    assert!(!instance.verify(&solution).feasible);
    // Dropping a route leaves its customers unserved.
    let fewer: String = text.lines().skip(1).collect::<Vec<_>>().join("\n");
    let solution = instance.parse_solution(&fewer).unwrap();
    assert!(!solution.unassigned.is_empty());
}

/// The smallest dynamic case.
fn small_day() -> Option<Day> {
    let dir = support::vrp("ortec")?;
    let name = "ORTEC-VRPTW-ASYM-cc05bba4-d1-n200-k15";
    let instance = Instance::from_path(&dir.join(format!("instances/{name}.txt")), None).unwrap();
    let text = std::fs::read_to_string(dir.join(format!("dynamic/{name}.seed818.csv"))).unwrap();
    Some(Day::new(&instance, dynamic::read_requests(&text).unwrap()).unwrap())
}

#[test]
fn dynamic_day_reads_with_the_published_epochs() {
    let Some(day) = small_day() else {
        return;
    };
    assert_eq!(day.epochs(), (0, 6));
    assert_eq!(day.requests().len(), 517);
    // Every request was reachable from its own epoch's dispatch time.
    let (_, last) = day.epochs();
    for r in day.requests() {
        assert!(r.epoch <= last);
    }
}

#[test]
fn every_strategy_keeps_every_rule_on_a_small_day() {
    let Some(day) = small_day() else {
        return;
    };
    let config = SolverConfig {
        time_limit: Some(Duration::from_millis(150)),
        max_iterations: Some(200),
        seed: 1,
        threads: 1,
    };
    let mut costs = Vec::new();
    for s in [
        Strategy::Greedy,
        Strategy::Lazy,
        Strategy::MustRoutes,
        Strategy::Hindsight,
    ] {
        let plan = dynamic::simulate(&day, s, &config).unwrap();
        let cost = dynamic::check_plan(&day, &plan.routes, s == Strategy::Hindsight)
            .unwrap_or_else(|v| panic!("{}: {v:?}", s.name()));
        assert_eq!(cost, plan.cost, "{}", s.name());
        costs.push(cost);
    }
    // Lazy waits for the last moment and pays for it; hindsight is the cheapest.
    assert!(costs[1] > costs[0], "{costs:?}");
    assert!(costs[3] < costs[0], "{costs:?}");
}

#[test]
fn hand_made_infeasible_routes_are_rejected() {
    let Some(day) = small_day() else {
        return;
    };
    let r = day.requests();
    let first = r[0];
    let all: Vec<u64> = r.iter().map(|r| r.id).collect();
    let (_, last) = day.epochs();
    // Everything on one route in the last epoch: capacity, windows, must-dispatch.
    let routes = vec![DispatchedRoute {
        epoch: last,
        requests: all.clone(),
    }];
    let v = dynamic::check_plan(&day, &routes, false).unwrap_err();
    let text = format!("{v:?}");
    assert!(text.contains("OverCapacity"), "{text}");
    assert!(
        text.contains("Late") || text.contains("DepotClosed"),
        "{text}"
    );
    assert!(text.contains("KeptTooLong"), "{text}");
    // One request per route, each sent before it arrived.
    let late_id = r.iter().find(|x| x.epoch > 0).unwrap();
    let mut routes: Vec<DispatchedRoute> = all
        .iter()
        .map(|&id| DispatchedRoute {
            epoch: r.iter().find(|x| x.id == id).unwrap().epoch,
            requests: vec![id],
        })
        .collect();
    assert!(dynamic::check_plan(&day, &routes, false).is_ok());
    routes
        .iter_mut()
        .find(|x| x.requests == [late_id.id])
        .unwrap()
        .epoch = 0;
    let v = dynamic::check_plan(&day, &routes, false).unwrap_err();
    assert!(
        matches!(v[0], dynamic::DispatchViolation::NotReleased { .. }),
        "{v:?}"
    );
    // A request sent twice and one never sent.
    let mut routes: Vec<DispatchedRoute> = vec![DispatchedRoute {
        epoch: first.epoch,
        requests: vec![first.id, first.id],
    }];
    routes.push(DispatchedRoute {
        epoch: 99,
        requests: vec![],
    });
    let v = format!(
        "{:?}",
        dynamic::check_plan(&day, &routes, true).unwrap_err()
    );
    for what in ["Duplicate", "NotSent", "EmptyRoute", "EpochOutside"] {
        assert!(v.contains(what), "{what}: {v}");
    }
}

/// Release suite: on the smallest case, vmeste's must-route dispatch beats sending everything
/// at once, at 2 s per epoch, and every plan keeps the rules.
#[test]
#[ignore = "slow: about a minute in release"]
fn must_route_dispatch_beats_greedy_on_a_small_day() {
    let Some(day) = small_day() else {
        return;
    };
    let config = SolverConfig {
        time_limit: Some(Duration::from_secs(2)),
        max_iterations: None,
        seed: 1,
        threads: 1,
    };
    let greedy = dynamic::simulate(&day, Strategy::Greedy, &config).unwrap();
    let ours = dynamic::simulate(&day, Strategy::MustRoutes, &config).unwrap();
    for plan in [&greedy, &ours] {
        assert_eq!(
            dynamic::check_plan(&day, &plan.routes, false),
            Ok(plan.cost)
        );
    }
    assert!(ours.cost < greedy.cost, "{} vs {}", ours.cost, greedy.cost);
}
