//! `vmeste solve` and `vmeste bench vrp` through the built binary, on the real benchmark
//! files and on bad input.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support;

fn vmeste(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `vmeste solve` and parses its single JSON document.
fn solve(path: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["solve", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = vmeste(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.trim().lines().count(),
        1,
        "one JSON document on one line"
    );
    serde_json::from_str(&stdout).unwrap()
}

/// The ids of every stop, checking arrivals never decrease along a route.
fn stop_ids(doc: &Value) -> Vec<u64> {
    let mut ids = Vec::new();
    for route in doc["routes"].as_array().unwrap() {
        assert!(route["vehicle"].as_u64().is_some());
        let mut last = f64::NEG_INFINITY;
        for stop in route["stops"].as_array().unwrap() {
            ids.push(stop["id"].as_u64().unwrap());
            let arrival = stop["arrival"].as_f64().unwrap();
            assert!(arrival >= last, "arrivals go back in time: {doc}");
            last = arrival;
        }
    }
    ids
}

/// A unique temporary file with `content`.
fn temp_file(name: &str, content: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("vmeste-cli-solve-{}-{name}", std::process::id()));
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn solve_solomon_prints_a_feasible_checked_solution() {
    let Some(path) = support::vrp("solomon/instances/RC105.txt") else {
        return;
    };
    let doc = solve(&path, &["--time-limit", "1", "--seed", "3"]);
    assert_eq!(doc["objective"], "vehicles-distance");
    assert_eq!(doc["feasible"], true, "{doc}");
    assert_eq!(doc["unassigned"].as_array().unwrap().len(), 0);
    let ids = stop_ids(&doc);
    // Every customer (CUST NO. 1..=100) exactly once; the depot (0) never.
    let set: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(ids.len(), 100);
    assert_eq!(set, (1..=100).collect());
    assert_eq!(
        doc["vehicles"].as_u64().unwrap(),
        doc["routes"].as_array().unwrap().len() as u64
    );
    // RC105 BKS: 13 vehicles, 1629.44; nothing can beat the optimum by much.
    assert!(doc["distance"].as_f64().unwrap() > 1500.0);
    assert!(doc["vehicles"].as_u64().unwrap() <= 25);
}

#[test]
fn solve_vrplib_uses_node_ids_and_distance_objective() {
    let Some(path) = support::vrp("x/instances/X-n101-k25.vrp") else {
        return;
    };
    let doc = solve(&path, &["--time-limit", "1"]);
    assert_eq!(doc["objective"], "distance");
    assert_eq!(doc["feasible"], true, "{doc}");
    let set: BTreeSet<u64> = stop_ids(&doc).into_iter().collect();
    // Node 1 is the depot; customers are nodes 2..=101.
    assert_eq!(set, (2..=101).collect());
    let d = doc["distance"].as_f64().unwrap();
    assert_eq!(d.fract(), 0.0, "X distances are integers");
    assert!(d >= 27591.0, "below the proven optimum: {d}");
}

#[test]
fn solve_lilim_lists_pickups_and_deliveries_by_task_id() {
    let Some(path) = support::vrp("lilim/100/instances/lr101.txt") else {
        return;
    };
    let doc = solve(&path, &["--time-limit", "1"]);
    assert_eq!(doc["feasible"], true, "{doc}");
    let ids = stop_ids(&doc);
    let unassigned = doc["unassigned"].as_array().unwrap().len();
    assert_eq!(ids.len() + 2 * unassigned, 106);
}

#[test]
fn solve_objective_and_limits_are_honoured() {
    let Some(path) = support::vrp("solomon/instances/C101.txt") else {
        return;
    };
    let doc = solve(
        &path,
        &[
            "--objective",
            "distance",
            "--iterations",
            "200",
            "--threads",
            "1",
        ],
    );
    assert_eq!(doc["objective"], "distance");
    assert_eq!(doc["feasible"], true);
    let a = solve(&path, &["--iterations", "200", "--seed", "7"]);
    let b = solve(&path, &["--iterations", "200", "--seed", "7"]);
    assert_eq!(a, b, "same seed and thread count, same solution");
}

#[test]
fn solve_json_model_reports_its_ids() {
    let example = support::vrp_json_example();
    let json = example.as_str();
    let path = temp_file("model.json", json);
    let out = solve(&path, &["--time-limit", "1"]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(out["objective"], "cost");
    assert_eq!(out["feasible"], true, "{out}");
    assert_eq!(out["unassigned"].as_array().unwrap().len(), 0, "{out}");
    let mut ids = stop_ids(&out);
    ids.sort_unstable();
    assert_eq!(ids, [101, 102, 201, 202]);
}

#[test]
fn solve_into_a_closed_pipe_ends_quietly() {
    // The reader goes away before the answer is written (`vmeste solve … | head -c 0`): the
    // process ends with status 141, as one killed by SIGPIPE, and panics about nothing.
    use std::os::unix::process::ExitStatusExt as _;
    let path = temp_file("pipe.json", support::vrp_json_example().as_str());
    let mut child = Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args(["solve", path.to_str().unwrap(), "--iterations", "200"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    std::fs::remove_file(&path).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(141),
        "{:?} {stderr}",
        out.status.signal()
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Fails with a non-zero status and one `error:` line on stderr containing `needle`.
fn assert_fails(args: &[&str], needle: &str) {
    let out = vmeste(args);
    assert!(!out.status.success(), "{args:?} succeeded");
    assert!(out.stdout.is_empty(), "nothing on stdout on error");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with("error:") && stderr.contains(needle),
        "{stderr}"
    );
}

#[test]
fn solve_rejects_missing_and_malformed_files() {
    assert_fails(&["solve", "/nonexistent/R101.txt"], "cannot load instance");
    let garbage = temp_file("garbage.txt", "hello\nworld\n");
    assert_fails(
        &["solve", garbage.to_str().unwrap()],
        "unknown instance format",
    );
    let truncated = temp_file(
        "trunc.txt",
        "R101\n\nVEHICLE\nNUMBER     CAPACITY\n  25         200\n\nCUSTOMER\nCUST NO.\n 0 35 35 0 0 230\n",
    );
    assert_fails(&["solve", truncated.to_str().unwrap()], "line 9");
    let bad_json = temp_file("bad.json", "{\"jobs\": 3}");
    assert_fails(&["solve", bad_json.to_str().unwrap()], "invalid JSON model");
    assert_fails(
        &["solve", garbage.to_str().unwrap(), "--format", "vrplib"],
        "KEY : value",
    );
    let c101 = support::vrp("solomon/instances/C101.txt");
    if let Some(c101) = c101 {
        assert_fails(
            &["solve", c101.to_str().unwrap(), "--time-limit=-1"],
            "invalid --time-limit",
        );
    }
    for p in [garbage, truncated, bad_json] {
        std::fs::remove_file(p).unwrap();
    }
}

#[test]
fn bench_vrp_runs_a_filtered_set_and_prints_json() {
    let Some(data) = support::vrp("") else { return };
    let out = vmeste(&[
        "bench",
        "vrp",
        "--set",
        "solomon",
        "--instances",
        "C10?",
        "--limit",
        "2",
        "--time-limit",
        "0.5",
        "--data",
        data.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = doc["instances"].as_array().unwrap();
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["instance"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["C101", "C102"]);
    for r in rows {
        assert_eq!(r["feasible"], true);
        assert_eq!(r["bks_vehicles"], 10);
    }
    assert_eq!(doc["summary"]["instances"], 2);
    assert_eq!(doc["objective"], "vehicles-distance");
    assert_fails(
        &["bench", "vrp", "--set", "x", "--data", "/nonexistent"],
        "bks.csv",
    );
}
