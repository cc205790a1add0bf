//! `vmeste bench routing` as a user runs it.
#![allow(clippy::unwrap_used, reason = "test code")]

use std::path::PathBuf;
use std::process::{Command, Output};

use crate::support;

fn vmeste(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args(args)
        .output()
        .unwrap()
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "vmeste-bench-routing-{}-{name}",
        std::process::id()
    ))
}

#[test]
fn bench_routing_on_monaco_reports_sane_json() {
    let Some(pbf) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let graph = tmp("monaco-car.graph");
    let g = graph.to_str().unwrap();
    let out = vmeste(&["import", pbf.to_str().unwrap(), "--profile", "car", "-o", g]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vmeste(&[
        "bench",
        "routing",
        g,
        "--pairs",
        "200",
        "--dijkstra-pairs",
        "50",
        "--json",
    ]);
    std::fs::remove_file(&graph).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    // The Monaco workload is found from the graph's source sha256 when the anchors exist.
    if support::anchors("routing/workloads/monaco-2023-12-26/meta.json").is_some() {
        assert_eq!(v["workload"], true, "{v}");
    }
    assert!(v["source"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
    assert!(v["nodes"].as_u64().unwrap() > 100, "{v}");
    assert!(v["load_seconds"].as_f64().unwrap() > 0.0, "{v}");
    assert!(
        v["ch_build_seconds"].is_null(),
        "the stored hierarchy is used: {v}"
    );
    let snap = &v["snap"];
    assert_eq!(snap["count"].as_u64().unwrap(), 2 * 200 + 1000, "{v}");
    assert!(snap["failed"].as_u64().unwrap() < 50, "{v}");
    assert!(snap["p50_us"].as_f64().unwrap() > 0.0, "{v}");
    assert!(
        snap["p99_us"].as_f64().unwrap() >= snap["p50_us"].as_f64().unwrap(),
        "{v}"
    );
    let q = &v["ch_query"];
    let pairs = q["pairs"].as_u64().unwrap();
    assert!(pairs > 150 && pairs <= 200, "{v}");
    assert!(q["p50_us"].as_f64().unwrap() > 0.0, "{v}");
    assert!(
        q["p99_us"].as_f64().unwrap() >= q["p50_us"].as_f64().unwrap(),
        "{v}"
    );
    assert!(v["ch_route"]["p50_us"].as_f64().unwrap() > 0.0, "{v}");
    let d = &v["dijkstra"];
    assert_eq!(d["pairs"].as_u64().unwrap(), 50, "{v}");
    assert_eq!(d["equal_durations"], true, "{v}");
    assert!(d["speedup"].as_f64().unwrap() > 0.0, "{v}");
    let h = &v["hub_labels"];
    assert_eq!(h["equal_durations"], true, "{v}");
    assert!(h["mean_label_size"].as_f64().unwrap() > 1.0, "{v}");
    assert!(h["bytes"].as_u64().unwrap() > 0, "{v}");
    assert!(h["p50_us"].as_f64().unwrap() > 0.0, "{v}");
    assert!(h["speedup"].as_f64().unwrap() > 0.0, "{v}");
    let mats = v["matrices"].as_array().unwrap();
    let sizes: Vec<(u64, u64)> = mats
        .iter()
        .map(|m| (m["rows"].as_u64().unwrap(), m["cols"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        sizes,
        [(100, 100), (1000, 1000), (1, 1000), (1000, 1)],
        "{v}"
    );
    assert!(
        mats.iter().all(|m| m["seconds"].as_f64().unwrap() > 0.0
            && m["hub_label_seconds"].as_f64().unwrap() > 0.0),
        "{v}"
    );
}

/// A graph file with no stored hierarchy and an unknown source: the hierarchy is built and
/// timed, and the pairs are drawn from the graph.
#[test]
fn bench_routing_builds_missing_hierarchy_and_draws_pairs() {
    let Some(pbf) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let full = tmp("monaco-full.graph");
    let out = vmeste(&[
        "import",
        pbf.to_str().unwrap(),
        "-o",
        full.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let loaded = engine::graph::file::read(&full).unwrap();
    std::fs::remove_file(&full).ok();
    let bare = tmp("monaco-bare.graph");
    let meta = engine::graph::file::Meta {
        source_sha256: [7; 32],
    };
    engine::graph::file::write(&bare, &loaded.graph, &meta, &[]).unwrap();
    let b = bare.to_str().unwrap();
    let out = vmeste(&[
        "bench",
        "routing",
        b,
        "--pairs",
        "100",
        "--dijkstra-pairs",
        "100",
        "--hub-label-entries",
        "0",
        "--json",
    ]);
    std::fs::remove_file(&bare).ok();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    assert_eq!(v["workload"], false, "{v}");
    assert!(v["source"].as_str().unwrap().contains("drawn"), "{v}");
    assert!(v["ch_build_seconds"].as_f64().unwrap() > 0.0, "{v}");
    // Drawn at nodes of the largest component: everything snaps and every pair is reachable.
    assert_eq!(v["snap"]["failed"], 0, "{v}");
    assert_eq!(v["ch_query"]["pairs"], 100, "{v}");
    assert_eq!(v["ch_query"]["unreachable"], 0, "{v}");
    assert_eq!(v["dijkstra"]["pairs"], 100, "{v}");
    assert_eq!(v["dijkstra"]["equal_durations"], true, "{v}");
    // Hub labels were turned off: said so, and the matrices are timed without them.
    assert!(v["hub_labels"]["skipped"].as_str().is_some(), "{v}");
    assert!(
        v["matrices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["hub_label_seconds"].is_null()),
        "{v}"
    );
}

#[test]
fn bench_routing_missing_file_fails_with_one_line() {
    let missing = tmp("no-such.graph");
    let out = vmeste(&["bench", "routing", missing.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("no-such.graph"), "{err}");
}
