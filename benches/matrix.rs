//! Many-to-many matrices (bucket algorithm) on the workload points of the real extracts,
//! against repeated point-to-point CH queries in the same run.
//!
//! `cargo bench -p engine --bench matrix` (extracts: `VMESTE_BENCH_EXTRACTS`).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    reason = "bench: failures should panic"
)]

#[path = "support/routing.rs"]
mod data;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use engine::routing::{ContractionHierarchy, SearchSpace};

fn matrix(c: &mut Criterion) {
    for name in data::extracts() {
        let Some(w) = data::load(&name) else { continue };
        let g = &w.graph;
        let ch = ContractionHierarchy::build(g).unwrap();
        let mut group = c.benchmark_group(format!("matrix/{name}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(10));
        for size in [10, 100, 1000] {
            let pts = &w.points[..size.min(w.points.len())];
            group.bench_with_input(BenchmarkId::new("buckets", pts.len()), pts, |b, pts| {
                b.iter(|| ch.matrix(g, black_box(pts), pts, g.num_nodes()).unwrap());
            });
            if size <= 100 {
                let mut space = SearchSpace::new(g.num_nodes());
                group.bench_with_input(
                    BenchmarkId::new("point_to_point", pts.len()),
                    pts,
                    |b, pts| {
                        b.iter(|| {
                            for &s in pts {
                                for &t in pts {
                                    black_box(ch.query(g, &mut space, s, t).unwrap());
                                }
                            }
                        });
                    },
                );
            }
        }
        group.finish();
    }
}

criterion_group!(benches, matrix);
criterion_main!(benches);
