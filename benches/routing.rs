//! Contraction hierarchies on the real extracts: build time and memory, point-to-point
//! queries, against bidirectional Dijkstra and the `fast_paths` crate in the same run; and
//! the hub labels built from the hierarchy (build time, memory, queries).
//!
//! `cargo bench -p engine --bench routing` (extracts: `VMESTE_BENCH_EXTRACTS`). Before the
//! criterion groups, one line per extract gives build times, memory and query percentiles.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "bench: failures should panic"
)]

#[path = "support/routing.rs"]
mod data;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use engine::graph::RoadGraph;
use engine::routing::{
    ContractionHierarchy, ContractionParams, Dijkstra, EdgePoint, HubLabels, SearchSpace,
};

/// The same graph for fast_paths, weighted by duration.
fn fast_paths_input(g: &RoadGraph) -> fast_paths::InputGraph {
    let mut input = fast_paths::InputGraph::new();
    for e in 0..g.num_edges() {
        let (t, h) = (g.tails()[e] as usize, g.heads()[e] as usize);
        if t != h {
            input.add_edge(t, h, g.durations()[e] as usize);
        }
    }
    input.freeze();
    input
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e6
}

/// Per-query times in µs: (p50, p99, mean).
fn time_queries(
    pairs: &[(EdgePoint, EdgePoint)],
    mut q: impl FnMut(EdgePoint, EdgePoint),
) -> (f64, f64, f64) {
    let mut t: Vec<Duration> = pairs
        .iter()
        .map(|&(a, b)| {
            let s = Instant::now();
            q(a, b);
            s.elapsed()
        })
        .collect();
    let mean = t.iter().sum::<Duration>().as_secs_f64() * 1e6 / t.len() as f64;
    t.sort_unstable();
    (percentile(&t, 0.5), percentile(&t, 0.99), mean)
}

/// Contraction parameters: the defaults, or `VMESTE_CH_PARAMS` =
/// `settle,priority_settle,hops,edge_quotient,hop_quotient,depth,contracted_neighbours`.
fn params() -> ContractionParams {
    let Ok(v) = std::env::var("VMESTE_CH_PARAMS") else {
        return ContractionParams::default();
    };
    let f: Vec<f32> = v.split(',').map(|x| x.parse().unwrap()).collect();
    ContractionParams {
        settle_limit: f[0] as usize,
        priority_settle_limit: f[1] as usize,
        hop_limit: f[2] as u8,
        edge_quotient: f[3],
        hop_quotient: f[4],
        depth: f[5],
        contracted_neighbours: f[6],
    }
}

/// Build and query figures outside criterion (percentiles, memory), one line each.
fn report(w: &data::Workload) {
    let g = &w.graph;
    let s = Instant::now();
    let ch = ContractionHierarchy::build_with(g, &params()).unwrap();
    let build = s.elapsed();
    let input = fast_paths_input(g);
    let s = Instant::now();
    let fp = fast_paths::prepare(&input);
    let fp_build = s.elapsed();
    let mut space = SearchSpace::new(g.num_nodes());
    let mut space2 = SearchSpace::new(g.num_nodes());
    let dij = Dijkstra::new(g);
    let (ch50, ch99, ch_mean) = time_queries(&w.pairs, |a, b| {
        black_box(ch.query(g, &mut space, a, b).unwrap());
    });
    let (r50, r99, _) = time_queries(&w.pairs, |a, b| {
        black_box(ch.route(g, &mut space, a, b).unwrap());
    });
    let few = &w.pairs[..w.pairs.len().min(1000)];
    let (d50, d99, d_mean) = time_queries(few, |a, b| {
        black_box(dij.query(&mut space2, a, b).unwrap());
    });
    let s = Instant::now();
    let labels = HubLabels::build(&ch, usize::MAX).unwrap();
    let hl_build = s.elapsed();
    let (h50, h99, h_mean) = time_queries(&w.pairs, |a, b| {
        black_box(labels.query(g, a, b).unwrap());
    });
    let mut calc = fast_paths::create_calculator(&fp);
    let (f50, f99, f_mean) = time_queries(&w.pairs, |a, b| {
        let (s, t) = (
            g.heads()[a.edge.index()] as usize,
            g.tails()[b.edge.index()] as usize,
        );
        black_box(calc.calc_path(&fp, s, t));
    });
    println!(
        "{}: {} nodes, {} edges; CH build {:.2} s ({} shortcuts, {:.1} MB) vs fast_paths {:.2} s ({:.2}x); \
         query p50/p99 {ch50:.1}/{ch99:.1} us (route with geometry {r50:.1}/{r99:.1}), \
         bidir Dijkstra {d50:.0}/{d99:.0} us, speedup {:.0}x (means); fast_paths {f50:.1}/{f99:.1} us ({:.2}x); \
         hub labels {:.2} s, {:.1} MB, {:.0} hubs/label, query {h50:.2}/{h99:.2} us, speedup {:.0}x (means)",
        w.name,
        g.num_nodes(),
        g.num_edges(),
        build.as_secs_f64(),
        ch.num_shortcuts(),
        ch.heap_bytes() as f64 / 1e6,
        fp_build.as_secs_f64(),
        build.as_secs_f64() / fp_build.as_secs_f64(),
        d_mean / ch_mean,
        ch_mean / f_mean,
        hl_build.as_secs_f64(),
        labels.heap_bytes() as f64 / 1e6,
        labels.mean_label_size(),
        d_mean / h_mean,
    );
}

fn routing(c: &mut Criterion) {
    for name in data::extracts() {
        let Some(w) = data::load(&name) else { continue };
        report(&w);
        let g = &w.graph;
        let ch = ContractionHierarchy::build(g).unwrap();
        let fp = fast_paths::prepare(&fast_paths_input(g));
        let mut group = c.benchmark_group(format!("routing/{name}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(20));
        group.bench_function("ch_build", |b| {
            b.iter(|| ContractionHierarchy::build(black_box(g)).unwrap())
        });
        let input = fast_paths_input(g);
        group.bench_function("fast_paths_prepare", |b| {
            b.iter(|| fast_paths::prepare(black_box(&input)))
        });
        group.bench_function("hub_labels_build", |b| {
            b.iter(|| HubLabels::build(black_box(&ch), usize::MAX).unwrap())
        });
        group
            .sample_size(20)
            .measurement_time(Duration::from_secs(5));
        let batch = &w.pairs[..w.pairs.len().min(1000)];
        let mut space = SearchSpace::new(g.num_nodes());
        group.bench_with_input(
            BenchmarkId::new("ch_query_x1000", batch.len()),
            batch,
            |b, batch| {
                b.iter(|| {
                    for &(s, t) in batch {
                        black_box(ch.query(g, &mut space, s, t).unwrap());
                    }
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("ch_route_x1000", batch.len()),
            batch,
            |b, batch| {
                b.iter(|| {
                    for &(s, t) in batch {
                        black_box(ch.route(g, &mut space, s, t).unwrap());
                    }
                });
            },
        );
        let labels = HubLabels::build(&ch, usize::MAX).unwrap();
        group.bench_with_input(
            BenchmarkId::new("hub_label_query_x1000", batch.len()),
            batch,
            |b, batch| {
                b.iter(|| {
                    for &(s, t) in batch {
                        black_box(labels.query(g, s, t).unwrap());
                    }
                });
            },
        );
        let mut calc = fast_paths::create_calculator(&fp);
        group.bench_with_input(
            BenchmarkId::new("fast_paths_x1000", batch.len()),
            batch,
            |b, batch| {
                b.iter(|| {
                    for &(s, t) in batch {
                        let (s, t) = (
                            g.heads()[s.edge.index()] as usize,
                            g.tails()[t.edge.index()] as usize,
                        );
                        black_box(calc.calc_path(&fp, s, t));
                    }
                });
            },
        );
        let few = &w.pairs[..w.pairs.len().min(20)];
        let dij = Dijkstra::new(g);
        group.bench_with_input(
            BenchmarkId::new("bidir_dijkstra_x20", few.len()),
            few,
            |b, few| {
                b.iter(|| {
                    for &(s, t) in few {
                        black_box(dij.query(&mut space, s, t).unwrap());
                    }
                });
            },
        );
        group.finish();
    }
}

criterion_group!(benches, routing);
criterion_main!(benches);
