//! Customizable contraction hierarchies on the real extracts: order, customization (all
//! roads open and with 100 closed roads), queries on a metric against the contraction
//! hierarchy's in the same run, and 100 × 100 tables.
//!
//! `cargo bench -p engine --bench cch` (extracts: `VMESTE_BENCH_EXTRACTS`).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "bench: failures should panic"
)]

#[path = "support/routing.rs"]
mod data;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use engine::routing::{Cch, CchSpace, ContractionHierarchy, SearchSpace};
use engine::types::EdgeId;

fn cch(c: &mut Criterion) {
    for name in data::extracts() {
        let Some(w) = data::load(&name) else { continue };
        let g = &w.graph;
        let ch = ContractionHierarchy::build(g).unwrap();
        let cch = Cch::build(g).unwrap();
        let mut blocked = vec![false; g.num_edges()];
        for k in 0..100usize {
            let e = EdgeId((k * 7919 % g.num_edges()) as u32);
            blocked[e.index()] = true;
        }
        let open = cch.customize(g, |_| false).unwrap();
        let mut group = c.benchmark_group(format!("cch/{name}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(10));
        group.bench_function("order", |b| b.iter(|| Cch::build(black_box(g)).unwrap()));
        group.bench_function("customize_open", |b| {
            b.iter(|| cch.customize(black_box(g), |_| false).unwrap())
        });
        group.bench_function("customize_100_closed", |b| {
            b.iter(|| cch.customize(black_box(g), |e| blocked[e.index()]).unwrap())
        });
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(5));
        let batch = &w.pairs[..w.pairs.len().min(1000)];
        let mut space = SearchSpace::new(g.num_nodes());
        let mut cspace = CchSpace::new(&cch);
        group.bench_with_input(
            BenchmarkId::new("ch_query_x", batch.len()),
            batch,
            |b, batch| {
                b.iter(|| {
                    for &(s, t) in batch {
                        black_box(ch.query(g, &mut space, s, t).unwrap());
                    }
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("cch_query_x", batch.len()),
            batch,
            |b, batch| {
                b.iter(|| {
                    for &(s, t) in batch {
                        black_box(open.query(&cch, g, &mut cspace, s, t).unwrap());
                    }
                })
            },
        );
        let pts: Vec<_> = w.pairs.iter().take(100).map(|p| p.0).collect();
        group.bench_with_input(BenchmarkId::new("ch_table", pts.len()), &pts, |b, pts| {
            b.iter(|| ch.matrix(g, pts, pts, usize::MAX).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("cch_table", pts.len()), &pts, |b, pts| {
            b.iter(|| open.matrix(&cch, g, pts, pts).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, cch);
criterion_main!(benches);
