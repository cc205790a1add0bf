//! Trips: vmeste's solver against OSRM's farthest insertion (the baseline), on the same
//! matrices, by number of stops. Reports time (criterion) and tour length ratios (printed).
//!
//! Matrices: great-circle metres between workload points of the routing anchors
//! (`../shared/anchors/routing/workloads/<extract>/points.csv`, or `VMESTE_SHARED_DATA`), five
//! disjoint sets of `n` points per size; and random asymmetric ones when the data is absent.
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
use engine::routing::trip::{TripOptions, farthest_insertion, solve_matrix};
use engine::types::{LonLat, haversine_m};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

#[path = "points.rs"]
mod points;

const EXTRACT: &str = "porto-2015-06-06-highways";
const SIZES: [usize; 3] = [10, 50, 200];
const SETS: usize = 5;

/// `SETS` matrices of `n` stops: real coordinates if available, else random asymmetric.
fn matrices(all: &[LonLat], n: usize) -> Vec<Vec<Option<u32>>> {
    (0..SETS)
        .map(|set| {
            let mut rng = Pcg64::seed_from_u64(set as u64);
            let pts: Vec<LonLat> = if all.len() >= SETS * n {
                all[set * n..(set + 1) * n].to_vec()
            } else {
                (0..n)
                    .map(|_| {
                        LonLat::new(rng.random_range(-8.7..-8.5), rng.random_range(41.1..41.2))
                    })
                    .collect()
            };
            let mut m = vec![Some(0); n * n];
            for a in 0..n {
                for b in 0..n {
                    m[a * n + b] = Some(haversine_m(pts[a], pts[b]).round() as u32);
                }
            }
            m
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let all = points::workload_points(EXTRACT);
    let opts = TripOptions::default();
    let open = TripOptions {
        round_trip: false,
        start: Some(0),
        ..opts
    };
    let mut group = c.benchmark_group("trip");
    group.sample_size(10);
    for n in SIZES {
        let ms = matrices(&all, n);
        group.bench_with_input(BenchmarkId::new("vmeste", n), &ms[0], |b, m| {
            b.iter(|| solve_matrix(black_box(m), n, &opts).unwrap());
        });
        group.bench_with_input(BenchmarkId::new("farthest_insertion", n), &ms[0], |b, m| {
            b.iter(|| farthest_insertion(n, |x, y| black_box(m)[x * n + y], &opts).unwrap());
        });
        for (label, o) in [("round trip", opts), ("open from stop 0", open)] {
            let (mut ratios, mut ours_ms, mut theirs_ms) = (Vec::new(), 0.0, 0.0);
            for m in &ms {
                let t = Instant::now();
                let ours = solve_matrix(m, n, &o).unwrap();
                ours_ms += t.elapsed().as_secs_f64() * 1e3;
                let t = Instant::now();
                let theirs = farthest_insertion(n, |x, y| m[x * n + y], &o).unwrap();
                theirs_ms += t.elapsed().as_secs_f64() * 1e3;
                ratios.push(ours.cost as f64 / theirs.cost as f64);
            }
            let mean = ratios.iter().sum::<f64>() / ratios.len() as f64;
            let worst = ratios.iter().copied().fold(0.0, f64::max);
            println!(
                "trip n={n} {label}: vmeste/farthest-insertion length mean {mean:.4} worst {worst:.4} \
                 over {SETS} sets; time {:.3} ms vs {:.3} ms",
                ours_ms / SETS as f64,
                theirs_ms / SETS as f64
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
