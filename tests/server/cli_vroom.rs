//! `vmeste solve` on VROOM problems: `--graph` with coordinates, `--emit-matrices`, `--vroom`
//! with custom matrices, and errors in VROOM's shape.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use serde_json::{Value, json};

use crate::cli_route::{monaco_graph, vmeste};
use crate::support;

fn write(name: &str, v: &Value) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vmeste-cli-vroom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

fn problem() -> Value {
    let depot = [7.4189, 43.7288];
    json!({
        "vehicles": [
            {"id": 1, "start": depot, "end": depot, "capacity": [4]},
            {"id": 2, "start": depot, "capacity": [4], "breaks": [{"id": 5, "service": 300}]}
        ],
        "jobs": [
            {"id": 1, "location": [7.4206, 43.7315], "delivery": [2], "service": 120},
            {"id": 2, "location": [7.4262, 43.7394], "delivery": [2], "time_windows": [[0, 3000]]},
            {"id": 3, "location": [7.4168, 43.7334], "pickup": [1]},
            {"id": 4, "location": [7.4125, 43.7300], "delivery": [1], "setup": 30, "service": 60}
        ],
        "shipments": [{
            "pickup": {"id": 1, "location": [7.4229, 43.7371]},
            "delivery": {"id": 1, "location": [7.4240, 43.7350]},
            "amount": [1]
        }]
    })
}

#[test]
fn solve_graph_emit_matrices_and_solve_them_again() {
    let Some(g) = monaco_graph() else { return };
    let g = g.to_str().unwrap();
    let path = write("coords.json", &problem());
    let p = path.to_str().unwrap();
    let o = vmeste(&["solve", "--graph", g, p, "--time-limit", "0.2"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let by_graph: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(by_graph["code"], 0);
    assert_eq!(by_graph["summary"]["unassigned"], 0, "{by_graph}");
    assert_eq!(by_graph["summary"]["setup"], 30);

    let o = vmeste(&["solve", "--graph", g, p, "--emit-matrices"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let emitted: Value = serde_json::from_slice(&o.stdout).unwrap();
    let n = emitted["matrices"]["car"]["durations"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(n, 7, "distinct locations: depot, 4 jobs, 2 shipment ends");
    assert!(emitted["jobs"][0]["location_index"].is_u64());
    assert!(emitted["vehicles"][0]["start_index"].is_u64());

    let again = write("matrices.json", &emitted);
    // An iteration limit instead of a time limit: the same seed gives the same answer.
    let solve = || {
        let o = vmeste(&[
            "solve",
            "--vroom",
            again.to_str().unwrap(),
            "--iterations",
            "2000",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<Value>(&o.stdout).unwrap()
    };
    let (by_matrix, twice) = (solve(), solve());
    assert_eq!(by_matrix["code"], 0);
    assert_eq!(by_matrix["summary"]["unassigned"], 0);
    // The same matrices: the same cheapest plan on a problem this small.
    assert_eq!(by_matrix["summary"]["cost"], by_graph["summary"]["cost"]);
    assert_eq!(by_matrix["routes"], twice["routes"]);
}

#[test]
fn fixtures_of_data_vroom_parse_and_solve() {
    let path = support::workspace().join("data/vroom/custom-matrix.json");
    let o = vmeste(&[
        "solve",
        "--vroom",
        path.to_str().unwrap(),
        "--time-limit",
        "0.1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["cost"], 2060);
    // Coordinates without a graph: an input error in VROOM's shape on stdout.
    let path = support::workspace().join("data/vroom/monaco-mixed-fleet.json");
    let o = vmeste(&["solve", "--vroom", path.to_str().unwrap()]);
    assert!(!o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["code"], 2);
    assert!(v["error"].as_str().unwrap().contains("--graph"));
}

#[test]
fn unsupported_setups_are_refused_by_name() {
    let Some(g) = monaco_graph() else { return };
    let mut p = problem();
    p["jobs"][1]["location"] = p["jobs"][0]["location"].clone();
    p["jobs"][1]["setup"] = json!(10);
    let path = write("setup.json", &p);
    let o = vmeste(&[
        "solve",
        "--graph",
        g.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["code"], 2);
    assert!(
        v["error"].as_str().unwrap().contains("jobs[1].setup"),
        "{v}"
    );
}
