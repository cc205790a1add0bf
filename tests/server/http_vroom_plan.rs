//! `POST /optimize` in plan mode (`options.c: true`) against the real server: the fixtures of
//! `data/vroom/plan/` answered as VROOM answers them (`NAME.expected.json`, written by
//! pyvroom through `scripts/vroom-plan-fixtures.py`), and hostile plans.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::http_support::{monaco, post, post_json};
use crate::support;

fn plan_dir() -> std::path::PathBuf {
    support::workspace().join("data/vroom/plan")
}

fn read(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// A violations list as a set of (cause, duration).
fn violations(v: &Value) -> BTreeSet<(String, i64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["cause"].as_str().unwrap().to_owned(),
                x["duration"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

/// What plan mode must reproduce of a step.
fn step_key(s: &Value) -> Value {
    json!({
        "type": s["type"], "id": s["id"], "arrival": s["arrival"],
        "waiting_time": s["waiting_time"], "duration": s["duration"], "load": s["load"],
        "location_index": s["location_index"],
        "violations": format!("{:?}", violations(&s["violations"])),
    })
}

fn unassigned(v: &Value) -> BTreeSet<(String, u64)> {
    v["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["type"].as_str().unwrap().to_owned(),
                u["id"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn plan_mode_fixtures_match_vroom_answers() {
    let Some(addr) = monaco() else { return };
    let mut names: Vec<String> = std::fs::read_dir(plan_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".json") && !n.ends_with(".expected.json"))
        .collect();
    names.sort();
    assert!(names.len() >= 4, "{names:?}");
    for name in names {
        let problem = read(&plan_dir().join(&name));
        let expected = read(&plan_dir().join(name.replace(".json", ".expected.json")));
        let a = post_json(addr, "/optimize", &problem);
        let got = a.json();
        assert_eq!(a.status, 200, "{name}: {got}");
        for k in [
            "cost",
            "duration",
            "waiting_time",
            "service",
            "routes",
            "unassigned",
        ] {
            assert_eq!(
                got["summary"][k], expected["summary"][k],
                "{name}: summary {k}"
            );
        }
        assert_eq!(
            violations(&got["summary"]["violations"]),
            violations(&expected["summary"]["violations"]),
            "{name}: summary violations"
        );
        assert_eq!(unassigned(&got), unassigned(&expected), "{name}");
        assert!(
            got["unassigned"]
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["reason"]["code"] == "not_in_plan"),
            "{name}"
        );
        let routes = expected["routes"].as_array().unwrap();
        for want in routes {
            let have = got["routes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["vehicle"] == want["vehicle"])
                .unwrap_or_else(|| panic!("{name}: no route of {}", want["vehicle"]));
            for k in ["cost", "duration", "waiting_time", "service"] {
                assert_eq!(have[k], want[k], "{name}: vehicle {} {k}", want["vehicle"]);
            }
            assert_eq!(
                violations(&have["violations"]),
                violations(&want["violations"]),
                "{name}: vehicle {}",
                want["vehicle"]
            );
            let have: Vec<Value> = have["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(step_key)
                .collect();
            let want: Vec<Value> = want["steps"]
                .as_array()
                .unwrap()
                .iter()
                .map(step_key)
                .collect();
            assert_eq!(have, want, "{name}");
        }
    }
}

/// The feasible fixture with `steps` of vehicle 7 replaced.
fn with_steps(steps: Value) -> Value {
    let mut p = read(&plan_dir().join("feasible.json"));
    p["vehicles"][0]["steps"] = steps;
    p
}

#[test]
fn hostile_plans_get_vroom_errors() {
    let Some(addr) = monaco() else { return };
    let mut no_steps = read(&plan_dir().join("feasible.json"));
    for v in no_steps["vehicles"].as_array_mut().unwrap() {
        v.as_object_mut().unwrap().remove("steps");
    }
    let mut twice = with_steps(json!([{"type": "job", "id": 3}]));
    twice["vehicles"][1]["steps"] = json!([{"type": "job", "id": 3}]);
    let mut solving = with_steps(json!([{"type": "job", "id": 1, "service_at": 500}]));
    solving["options"] = json!({"c": false});
    let cases = [
        (no_steps, "no vehicle has any"),
        (
            with_steps(json!([{"type": "job", "id": 9}])),
            "Invalid job id 9 for vehicle 7.",
        ),
        (
            with_steps(json!([{"type": "delivery", "id": 4}])),
            "Invalid delivery id 4 for vehicle 7.",
        ),
        (
            with_steps(json!([{"type": "break", "id": 2}])),
            "Invalid break id 2 for vehicle 7.",
        ),
        (
            with_steps(json!([{"type": "job", "id": 1, "service_at": -5}])),
            "Invalid service_at value.",
        ),
        (
            with_steps(json!([{"type": "job", "id": 1, "service_at": 1.5}])),
            "Invalid service_at value.",
        ),
        (
            with_steps(json!([{"type": "job", "id": 1, "service_after": "soon"}])),
            "Invalid service_after value.",
        ),
        (
            with_steps(json!([{"type": "job", "id": 1, "service_before": 5_000_000_000_u64}])),
            "Invalid service_before value.",
        ),
        (
            with_steps(json!([{"type": "job", "id": 1, "service_at": 100}])),
            "Infeasible route for vehicle 7.",
        ),
        (
            with_steps(
                json!([{"type": "job", "id": 1, "service_after": 900, "service_before": 800}]),
            ),
            "Infeasible route for vehicle 7.",
        ),
        (
            with_steps(json!([{"type": "job", "id": 1}, {"type": "job", "id": 1}])),
            "Duplicate job id 1 in input steps for vehicle 7.",
        ),
        (twice, "Duplicate job id 3 in input steps for vehicle 8."),
        (
            with_steps(json!([{"type": "end"}, {"type": "job", "id": 1}])),
            "Unexpected end in input steps for vehicle 7.",
        ),
        (solving, "plan mode only"),
    ];
    for (problem, message) in cases {
        let a = post_json(addr, "/optimize", &problem);
        let v = a.json();
        assert_eq!(a.status, 400, "{v}");
        assert_eq!(v["code"], 2, "{v}");
        let got = v["error"].as_str().unwrap();
        assert!(got.contains(message), "{got:?} should say {message:?}");
    }
    // NaN is no JSON number: the body is refused whole.
    let body = br#"{"vehicles": [{"id": 1, "start_index": 0, "steps": [{"type": "job", "id": 1, "service_at": NaN}]}], "jobs": [{"id": 1, "location_index": 0}], "matrices": {"car": {"durations": [[0]]}}, "options": {"c": true}}"#;
    let a = post(addr, "/optimize", "application/json", body);
    assert_eq!(a.status, 400);
    assert_eq!(a.json()["code"], 2);
}

#[test]
fn plan_mode_with_geometries_follows_the_roads() {
    let Some(addr) = monaco() else { return };
    let depot = json!([7.4189, 43.7288]);
    let problem = json!({
        "vehicles": [{"id": 1, "start": depot, "end": depot, "time_window": [0, 7200],
            "steps": [{"type": "job", "id": 2}, {"type": "job", "id": 1}]}],
        "jobs": [
            {"id": 1, "location": [7.4206, 43.7315], "service": 60},
            {"id": 2, "location": [7.4240, 43.7330], "service": 60, "time_windows": [[900, 1800]]},
            {"id": 3, "location": [7.4150, 43.7310]}
        ],
        "options": {"c": true, "g": true}
    });
    let a = post_json(addr, "/optimize", &problem);
    let v = a.json();
    assert_eq!(a.status, 200, "{v}");
    let route = &v["routes"][0];
    let ids: Vec<u64> = route["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_u64())
        .collect();
    assert_eq!(ids, [2, 1], "{v}");
    // Job 2 opens at 900: the vehicle leaves late enough to arrive then, without waiting.
    let job2 = &route["steps"][1];
    assert_eq!(job2["arrival"], 900, "{v}");
    assert_eq!(job2["waiting_time"], 0, "{v}");
    assert_eq!(v["summary"]["violations"], json!([]), "{v}");
    assert_eq!(v["unassigned"][0]["id"], 3);
    let line = polyline::decode_polyline(route["geometry"].as_str().unwrap(), 5).unwrap();
    assert!(line.0.len() >= 2);
}
