//! "Who can go now?" on Porto by car: a ranking query against brute force (road time from
//! every volunteer, the baseline, same run), swept by the number of volunteers; and a live
//! position update (snap + R-tree move) against the snap alone.
//!
//! Data: `../shared/data/osm/porto-2015-06-06-highways.osm.pbf` beside the workspace, or the
//! folder named by `VMESTE_SHARED_DATA`; skipped when absent. `vmeste bench candidates` runs
//! the same workload end to end on graph files, with every mode.
#![allow(
    clippy::unwrap_used,
    clippy::print_stdout,
    clippy::cast_possible_truncation,
    missing_docs,
    reason = "a benchmark binary"
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use engine::candidates::{LivePositions, Placement, TaskFacts, VolunteerFacts, rank};
use engine::dispatch::{Engine, Location};
use engine::graph::from_network;
use engine::osm::{CAR, read_network};
use engine::types::{LonLat, NodeId};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

#[path = "points.rs"]
mod points;

const NOW: i64 = 1_780_000_000;

fn porto() -> Option<Engine> {
    let path = points::shared_data().join("osm/porto-2015-06-06-highways.osm.pbf");
    if !path.is_file() {
        println!("skipped: {} is missing", path.display());
        return None;
    }
    let mut e = Engine::new();
    e.add_profile(
        from_network(&read_network(&path, &CAR).unwrap()).unwrap(),
        None,
    )
    .unwrap();
    e.build_hub_labels(usize::MAX);
    Some(e)
}

/// Near a random node of the car graph.
fn somewhere(rng: &mut Pcg64, e: &Engine) -> LonLat {
    let g = e.graph("car").unwrap();
    let p = g.node_lonlat(NodeId(rng.random_range(0..g.num_nodes() as u32)));
    LonLat::new(
        p.lon + rng.random_range(-2e-4..2e-4),
        p.lat + rng.random_range(-2e-4..2e-4),
    )
}

fn bench(c: &mut Criterion) {
    let Some(e) = porto() else { return };
    let mut rng = Pcg64::seed_from_u64(9);
    let tasks: Vec<TaskFacts> = (0..64)
        .map(|_| TaskFacts {
            location: somewhere(&mut rng, &e),
            service_s: 600,
            load_kg: 2.0,
            load_bags: 1,
            skills: vec![],
            deadline_unix_s: None,
            deadline_is_hard: false,
        })
        .collect();
    let mut group = c.benchmark_group("candidates");
    group.sample_size(20);
    for n in [1_000usize, 10_000] {
        let mut live = LivePositions::new(&e);
        let volunteers: Vec<VolunteerFacts> = (0..n as i64)
            .map(|id| {
                live.update(&e, id, "car", somewhere(&mut rng, &e), NOW)
                    .unwrap();
                VolunteerFacts {
                    id,
                    profile: "car".into(),
                    available: true,
                    skills: vec![],
                    capacity_kg: 20.0,
                    capacity_bags: 3,
                    shifts: vec![(NOW - 3_600, NOW + 8 * 3_600)],
                    active_tasks: 0,
                    max_tasks: 2,
                    home: None,
                }
            })
            .collect();
        let placed: Vec<_> = live
            .iter()
            .filter_map(|(_, p)| match p.placement {
                Placement::Placed(x) => Some(x),
                _ => None,
            })
            .collect();
        let mut i = 0;
        group.bench_with_input(BenchmarkId::new("rank_k10", n), &n, |b, _| {
            b.iter(|| {
                i = (i + 1) % tasks.len();
                black_box(rank(&e, &live, &volunteers, &tasks[i], NOW, 10).unwrap())
            });
        });
        group.bench_with_input(BenchmarkId::new("brute_force", n), &n, |b, _| {
            b.iter(|| {
                i = (i + 1) % tasks.len();
                let to = e
                    .place(
                        "car",
                        Location::new(tasks[i].location.lon, tasks[i].location.lat),
                    )
                    .unwrap();
                black_box(e.placed_costs("car", &placed, &[to]).unwrap())
            });
        });
        let moves: Vec<LonLat> = (0..4_096).map(|_| somewhere(&mut rng, &e)).collect();
        let mut at = NOW;
        group.bench_with_input(BenchmarkId::new("update", n), &n, |b, _| {
            b.iter(|| {
                at += 1;
                let id = at % n as i64;
                let p = moves[at as usize % moves.len()];
                black_box(live.update(&e, id, "car", p, at).unwrap())
            });
        });
        group.bench_with_input(BenchmarkId::new("snap_only", n), &n, |b, _| {
            b.iter(|| {
                at += 1;
                let p = moves[at as usize % moves.len()];
                black_box(e.place("car", Location::new(p.lon, p.lat)).ok())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
