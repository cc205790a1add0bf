//! Bench inputs shared by `routing` and `matrix`: the real extracts and the fixed workloads
//! of `shared/anchors/routing/workloads/` (the ones OSRM and fast_paths were measured on),
//! snapped onto the car graph.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "bench helpers: failures should panic"
)]

use std::path::PathBuf;

use engine::graph::{RoadGraph, from_network};
use engine::osm::{CAR, read_network};
use engine::routing::EdgePoint;
use engine::spatial::SpatialIndex;

/// The shared folder (`data/`, `anchors/`): `$VMESTE_SHARED_DATA/..` or `../shared`.
fn shared() -> PathBuf {
    std::env::var("VMESTE_SHARED_DATA").map_or_else(
        |_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
        |d| PathBuf::from(d).join(".."),
    )
}

/// Extracts to bench: `$VMESTE_BENCH_EXTRACTS` (comma-separated) or Andorra and Porto.
pub(crate) fn extracts() -> Vec<String> {
    std::env::var("VMESTE_BENCH_EXTRACTS")
        .unwrap_or_else(|_| "andorra-2020-05-01,porto-2015-06-06-highways".to_owned())
        .split(',')
        .map(str::to_owned)
        .collect()
}

/// An extract's car graph and its workload, snapped.
pub(crate) struct Workload {
    /// Extract name, without `.osm.pbf`.
    pub(crate) name: String,
    /// The car graph.
    pub(crate) graph: RoadGraph,
    /// Origin-destination pairs of `pairs.csv` that snap.
    pub(crate) pairs: Vec<(EdgePoint, EdgePoint)>,
    /// Points of `points.csv` that snap, in file order.
    pub(crate) points: Vec<EdgePoint>,
}

fn read_csv(path: &PathBuf) -> Vec<Vec<f64>> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .skip(1)
        .map(|l| l.split(',').skip(1).map(|x| x.parse().unwrap()).collect())
        .collect()
}

/// Loads an extract and its workload, or `None` when the shared data is absent.
pub(crate) fn load(name: &str) -> Option<Workload> {
    let pbf = shared().join("data/osm").join(format!("{name}.osm.pbf"));
    let dir = shared().join("anchors/routing/workloads").join(name);
    if !pbf.is_file() || !dir.is_dir() {
        eprintln!("SKIPPED: {} or {} is missing", pbf.display(), dir.display());
        return None;
    }
    let graph = from_network(&read_network(&pbf, &CAR).unwrap()).unwrap();
    let index = SpatialIndex::new(&graph);
    let snap = |lon: f64, lat: f64| {
        index
            .snap(lon, lat, None)
            .ok()
            .map(|s| EdgePoint::new(s.edge, s.fraction))
    };
    let pairs = read_csv(&dir.join("pairs.csv"))
        .iter()
        .filter_map(|r| Some((snap(r[0], r[1])?, snap(r[2], r[3])?)))
        .collect();
    let points = read_csv(&dir.join("points.csv"))
        .iter()
        .filter_map(|r| snap(r[0], r[1]))
        .collect();
    Some(Workload {
        name: name.to_owned(),
        graph,
        pairs,
        points,
    })
}
