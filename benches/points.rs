//! Reading the fixed workload points (`id,lon,lat` CSV) of the routing anchors, shared by the
//! spatial and trip benches and tests.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    reason = "bench and test helper"
)]

use std::path::{Path, PathBuf};

use engine::types::LonLat;

/// The shared data folder: `VMESTE_SHARED_DATA`, else `../shared/data` beside the workspace.
pub fn shared_data() -> PathBuf {
    std::env::var("VMESTE_SHARED_DATA").map_or_else(
        |_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"),
        PathBuf::from,
    )
}

/// The points of an `id,lon,lat` CSV file; empty when the file is absent.
pub fn read_points(path: &Path) -> Vec<LonLat> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<f64> = l.split(',').skip(1).map(|x| x.parse().unwrap()).collect();
            LonLat::new(f[0], f[1])
        })
        .collect()
}

/// The workload points of an extract (`routing/workloads/<extract>/points.csv`).
pub fn workload_points(extract: &str) -> Vec<LonLat> {
    read_points(
        &shared_data()
            .join("../anchors/routing/workloads")
            .join(extract)
            .join("points.csv"),
    )
}
