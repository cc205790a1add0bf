//! `vmeste route`, `vmeste table`, `vmeste trip` on a Monaco graph file made by `vmeste import`.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

use crate::support;

const A: &str = "7.415637,43.735767";
const B: &str = "7.422844,43.736876";
const C: &str = "7.414254,43.734398";

pub(crate) fn vmeste(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args(args)
        .output()
        .unwrap()
}

/// A car graph file of Monaco, imported once per test binary.
pub(crate) fn monaco_graph() -> Option<&'static Path> {
    static GRAPH: OnceLock<Option<PathBuf>> = OnceLock::new();
    GRAPH
        .get_or_init(|| {
            let pbf = support::osm("monaco-2023-12-26.osm.pbf")?;
            let dir = std::env::temp_dir().join(format!("vmeste-cli-route-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let out = dir.join("monaco-car.vmg");
            let o = vmeste(&[
                "import",
                pbf.to_str().unwrap(),
                "--profile",
                "car",
                "-o",
                out.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            Some(out)
        })
        .as_deref()
}

fn json_ok(o: &Output) -> Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn fails_with_one_line(o: &Output) {
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn route_prints_distance_duration_and_geojson() {
    let Some(g) = monaco_graph() else { return };
    let g = g.to_str().unwrap();
    let v = json_ok(&vmeste(&["route", g, A, B]));
    assert!(v["distance"].as_f64().unwrap() > 100.0);
    assert!(v["duration"].as_f64().unwrap() > 10.0);
    assert_eq!(v["geometry"]["type"], "LineString");
    assert!(v["geometry"]["coordinates"].as_array().unwrap().len() >= 2);
    let back = json_ok(&vmeste(&["route", g, A, B, C]));
    assert!(back["duration"].as_f64().unwrap() > v["duration"].as_f64().unwrap());
}

#[test]
fn table_reads_csv_and_matches_route() {
    let Some(g) = monaco_graph() else { return };
    let g = g.to_str().unwrap();
    let csv = g.replace(".vmg", "-points.csv");
    std::fs::write(&csv, format!("id,lon,lat\n1,{A}\n2,{B}\n3,{C}\n")).unwrap();
    let t = json_ok(&vmeste(&["table", g, "--points", &csv]));
    assert_eq!(t["durations"].as_array().unwrap().len(), 3);
    assert_eq!(t["distances"][0][0], 0.0);
    let r = json_ok(&vmeste(&["route", g, A, B]));
    assert!(
        (t["durations"][0][1].as_f64().unwrap() - r["duration"].as_f64().unwrap()).abs() < 1e-6
    );
    assert!(
        (t["distances"][0][1].as_f64().unwrap() - r["distance"].as_f64().unwrap()).abs() < 1e-6
    );
}

#[test]
fn trip_prints_a_permutation_and_totals() {
    let Some(g) = monaco_graph() else { return };
    let v = json_ok(&vmeste(&[
        "trip",
        g.to_str().unwrap(),
        A,
        B,
        C,
        "7.429717,43.743469",
    ]));
    let mut order: Vec<u64> = v["order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect();
    order.sort_unstable();
    assert_eq!(order, vec![0, 1, 2, 3]);
    assert!(v["duration"].as_f64().unwrap() > 0.0);
    assert_eq!(v["trips"].as_array().unwrap().len(), 1);
    // A point whose road cannot be re-entered from the city: a trip of its own.
    let v = json_ok(&vmeste(&[
        "trip",
        g.to_str().unwrap(),
        A,
        "7.428190,43.744469",
        B,
    ]));
    let trips = v["trips"].as_array().unwrap();
    assert_eq!(trips.len(), 2, "{v}");
    assert_eq!(trips[1]["order"], serde_json::json!([1]));
    assert_eq!(v["order"].as_array().unwrap().len(), 3);
    let total: f64 = trips.iter().map(|t| t["duration"].as_f64().unwrap()).sum();
    assert!((v["duration"].as_f64().unwrap() - total).abs() < 1e-9);
}

#[test]
fn bad_input_exits_non_zero_with_one_line() {
    let Some(g) = monaco_graph() else { return };
    let g = g.to_str().unwrap();
    fails_with_one_line(&vmeste(&["route", g, "7.41,91", B]));
    fails_with_one_line(&vmeste(&["route", g, "abc", B]));
    // In the sea, kilometres from any road.
    fails_with_one_line(&vmeste(&["route", g, "7.5,43.6", B]));
    fails_with_one_line(&vmeste(&["trip", g, "7.5,43.6", B]));
    fails_with_one_line(&vmeste(&["route", "/nonexistent.vmg", A, B]));
}
