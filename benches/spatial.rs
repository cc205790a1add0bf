//! Spatial index: bulk load against one-by-one insertion (the baseline), and snapping the
//! workload points of the routing anchors.
//!
//! Data: `../shared/data/osm/<extract>.osm.pbf` and
//! `../shared/anchors/routing/workloads/<extract>/points.csv` beside the workspace, or the
//! folder named by `VMESTE_SHARED_DATA`. Extracts that are absent are skipped.
//!
//! Besides criterion's figures, prints per-query snap percentiles (p50, p99) over the 10,000
//! workload points, each query timed alone.
#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_possible_truncation,
    missing_docs,
    reason = "a benchmark binary"
)]

use std::hint::black_box;
use std::time::Instant;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use engine::graph::{RoadGraph, from_network};
use engine::osm::{CAR, FOOT, Profile, read_network};
use engine::spatial::SpatialIndex;
use engine::types::LonLat;

#[path = "points.rs"]
mod points;

const EXTRACTS: &[&str] = &["andorra-2020-05-01", "porto-2015-06-06-highways"];

fn graph(extract: &str, profile: &'static Profile) -> Option<RoadGraph> {
    let path = points::shared_data()
        .join("osm")
        .join(format!("{extract}.osm.pbf"));
    if !path.is_file() {
        println!("skipped {extract}: {} is missing", path.display());
        return None;
    }
    Some(from_network(&read_network(&path, profile).unwrap()).unwrap())
}

fn percentiles(index: &SpatialIndex, pts: &[LonLat]) -> (f64, f64) {
    let mut ns: Vec<u128> = pts
        .iter()
        .map(|p| {
            let t = Instant::now();
            let s = index.snap(p.lon, p.lat, None);
            let e = t.elapsed().as_nanos();
            black_box(s.ok());
            e
        })
        .collect();
    ns.sort_unstable();
    let at = |q: f64| ns[((ns.len() - 1) as f64 * q) as usize] as f64 / 1_000.0;
    (at(0.5), at(0.99))
}

fn bench(c: &mut Criterion) {
    for &extract in EXTRACTS {
        for profile in [&CAR, &FOOT] {
            let Some(g) = graph(extract, profile) else {
                continue;
            };
            let pts = points::workload_points(extract);
            let name = format!("{extract}/{}", profile.name);
            let index = SpatialIndex::new(&g);
            let mut group = c.benchmark_group("spatial/build");
            group.sample_size(10);
            group.bench_with_input(BenchmarkId::new("bulk_load", &name), &g, |b, g| {
                b.iter(|| SpatialIndex::new(black_box(g)));
            });
            group.bench_with_input(BenchmarkId::new("insertion", &name), &g, |b, g| {
                b.iter(|| SpatialIndex::new_by_insertion(black_box(g)));
            });
            group.finish();
            if pts.is_empty() {
                continue;
            }
            let mut group = c.benchmark_group("spatial/snap");
            for n in [1_000usize, 10_000] {
                let set = &pts[..n.min(pts.len())];
                group.throughput(criterion::Throughput::Elements(set.len() as u64));
                group.bench_with_input(BenchmarkId::new(&name, set.len()), set, |b, set| {
                    b.iter(|| {
                        for p in set {
                            black_box(index.snap(p.lon, p.lat, None).ok());
                        }
                    });
                });
            }
            group.finish();
            let seq = SpatialIndex::new_by_insertion(&g);
            let (p50, p99) = percentiles(&index, &pts);
            let (s50, s99) = percentiles(&seq, &pts);
            println!(
                "snap {name}: {} segments, {} points: bulk-loaded tree p50 {p50:.2} µs p99 {p99:.2} µs; \
                 insertion-built tree p50 {s50:.2} µs p99 {s99:.2} µs",
                index.num_segments(),
                pts.len()
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
