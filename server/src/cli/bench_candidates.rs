//! `vmeste bench candidates --graph <g> [--graph ...]`: "who can go now?" queries on
//! volunteers spread over the graphs' area, against brute force in the same run, and the
//! throughput of live position updates.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use engine::candidates::{LivePositions, Placement, TaskFacts, VolunteerFacts, rank};
use engine::dispatch::Engine;
use engine::types::{LonLat, NodeId};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::bench_routing::percentiles;

/// Arguments of `vmeste bench candidates`.
#[derive(Debug, clap::Args)]
pub struct BenchCandidatesArgs {
    /// A graph file written by `vmeste import` (one per mode; repeat the option).
    #[arg(long, required = true)]
    pub graph: Vec<PathBuf>,
    /// Number of volunteers, spread over the modes in turn.
    #[arg(long, default_value_t = 10_000)]
    pub volunteers: usize,
    /// Number of candidate queries (tasks at random places).
    #[arg(long, default_value_t = 2_000)]
    pub queries: usize,
    /// Number of those queries also answered by brute force (every volunteer routed).
    #[arg(long, default_value_t = 200)]
    pub brute_force_queries: usize,
    /// Candidates asked for per query.
    #[arg(long, default_value_t = 10)]
    pub k: usize,
    /// Position updates timed after the first report of every volunteer.
    #[arg(long, default_value_t = 50_000)]
    pub moves: usize,
    /// Seed of the random workload.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Landmarks per profile for the second ranking pass (lower bounds on road time).
    #[arg(long, default_value_t = engine::routing::landmarks::DEFAULT_COUNT)]
    pub landmarks: usize,
    /// Largest number of hub-label entries to build per profile (0: search the hierarchy).
    #[arg(long, default_value_t = 50_000_000)]
    pub hub_label_entries: usize,
}

/// Unix time of the workload.
const NOW: i64 = 1_780_000_000;

/// Runs `vmeste bench candidates`.
///
/// # Errors
/// Unreadable graphs, a failed query, or the ranking disagreeing with brute force.
pub fn run(args: &BenchCandidatesArgs) -> anyhow::Result<()> {
    let mut engine = Engine::new();
    for path in &args.graph {
        engine
            .add_graph_file(path)
            .with_context(|| format!("loading {}", path.display()))?;
    }
    let t = Instant::now();
    for (profile, built) in engine.build_hub_labels(args.hub_label_entries) {
        if let Err(e) = built {
            outln!("{profile}: no hub labels ({e}); the hierarchy answers");
        }
    }
    let modes: Vec<String> = engine.profiles().iter().map(|&m| m.to_owned()).collect();
    outln!(
        "graphs: {}; hub labels built in {:.2} s",
        modes
            .iter()
            .map(|m| {
                let g = engine.graph(m).expect("a loaded profile");
                format!("{m} {} nodes", g.num_nodes())
            })
            .collect::<Vec<_>>()
            .join(", "),
        t.elapsed().as_secs_f64()
    );

    let mut rng = Pcg64::seed_from_u64(args.seed);
    let volunteers: Vec<VolunteerFacts> = (0..args.volunteers)
        .map(|i| volunteer(&mut rng, i, &modes[i % modes.len()]))
        .collect();
    let t = Instant::now();
    let mut live = LivePositions::new(&engine);
    let bounds = t.elapsed();
    let reports: Vec<(i64, &str, LonLat)> = volunteers
        .iter()
        .map(|v| {
            (
                v.id,
                v.profile.as_str(),
                near_a_node(&mut rng, &engine, &v.profile),
            )
        })
        .collect();
    let first = timed_updates(&mut live, &engine, &reports, NOW - 600)?;
    let moves: Vec<(i64, &str, LonLat)> = (0..args.moves)
        .map(|_| {
            let v = &volunteers[rng.random_range(0..volunteers.len())];
            (
                v.id,
                v.profile.as_str(),
                near_a_node(&mut rng, &engine, &v.profile),
            )
        })
        .collect();
    let moved = timed_updates(&mut live, &engine, &moves, NOW - 300)?;
    live.compact();
    let placed = live
        .iter()
        .filter(|(_, p)| matches!(p.placement, Placement::Placed(_)))
        .count();
    outln!(
        "volunteers: {} over {} modes, {placed} placed on a road; speed bounds {:.0} ms",
        volunteers.len(),
        modes.len(),
        bounds.as_secs_f64() * 1e3
    );
    outln!(
        "position updates (snap + R-tree): first reports {:.0}/s, moves {:.0}/s ({} moves, {:.2} us each)",
        per_s(reports.len(), first.as_secs_f64()),
        per_s(moves.len(), moved.as_secs_f64()),
        moves.len(),
        moved.as_secs_f64() * 1e6 / moves.len().max(1) as f64
    );

    let tasks: Vec<TaskFacts> = (0..args.queries)
        .map(|i| task(&mut rng, &engine, &modes[i % modes.len()]))
        .collect();
    let timed = |engine: &Engine, label: &str| -> anyhow::Result<(f64, Vec<_>)> {
        let mut ms = Vec::with_capacity(tasks.len());
        let mut routed = 0usize;
        let mut answers = Vec::with_capacity(tasks.len());
        for t in &tasks {
            let start = Instant::now();
            let r = rank(engine, &live, &volunteers, t, NOW, args.k)?;
            ms.push(start.elapsed().as_secs_f64() * 1e3);
            routed += r.routed;
            answers.push(r);
        }
        let mean = ms.iter().sum::<f64>() / ms.len().max(1) as f64;
        let (p50, p99) = percentiles(&mut ms);
        outln!(
            "candidates (k = {}, {label}): {} queries, p50 {p50:.3} ms, p99 {p99:.3} ms, mean {mean:.3} ms; {:.1} volunteers routed per query",
            args.k,
            tasks.len(),
            routed as f64 / tasks.len().max(1) as f64
        );
        Ok((p50, answers))
    };
    let (_, plain) = timed(&engine, "straight-line bound")?;
    let t = Instant::now();
    let sizes = engine.build_landmarks(args.landmarks);
    outln!(
        "landmarks: {} per profile, built in {:.2} s, {:.1} MB",
        args.landmarks,
        t.elapsed().as_secs_f64(),
        sizes.iter().map(|(_, b)| *b).sum::<usize>() as f64 / 1e6
    );
    let (p50, answers) = timed(&engine, "with landmark bounds")?;
    for (i, (a, b)) in plain.iter().zip(&answers).enumerate() {
        anyhow::ensure!(
            a.candidates == b.candidates && a.excluded == b.excluded,
            "query {i}: the landmark bounds changed the answer"
        );
    }
    outln!("answers with and without landmark bounds: identical");

    let mut brute_ms = Vec::new();
    let mut brute_routed = 0usize;
    for (t, answer) in tasks.iter().zip(&answers).take(args.brute_force_queries) {
        let start = Instant::now();
        let (best, n) = brute_force_best(&engine, &live, t)?;
        brute_ms.push(start.elapsed().as_secs_f64() * 1e3);
        brute_routed += n;
        // With no rule but the road, the fastest volunteer by brute force bounds the answer.
        if let (Some(best), Some(first)) = (best, answer.candidates.first()) {
            anyhow::ensure!(
                best <= first.travel_s,
                "brute force found a volunteer {best} s away, the ranking's first is {} s",
                first.travel_s
            );
        }
    }
    if !brute_ms.is_empty() {
        let (b50, b99) = percentiles(&mut brute_ms);
        outln!(
            "brute force (road time from every placed volunteer): {} queries, p50 {b50:.3} ms, p99 {b99:.3} ms, {:.0} routes per query; ranking p50 {:.1}x faster",
            brute_ms.len(),
            brute_routed as f64 / brute_ms.len() as f64,
            b50 / p50
        );
    }
    Ok(())
}

/// Applies position reports one second apart from `start`; returns the time taken.
fn timed_updates(
    live: &mut LivePositions,
    engine: &Engine,
    reports: &[(i64, &str, LonLat)],
    start: i64,
) -> anyhow::Result<std::time::Duration> {
    let t = Instant::now();
    for (at, &(id, mode, p)) in (start..).zip(reports) {
        live.update(engine, id, mode, p, at)?;
    }
    Ok(t.elapsed())
}

fn per_s(n: usize, secs: f64) -> f64 {
    n as f64 / secs.max(1e-9)
}

/// A volunteer who mostly can go: available, on a long shift, some with skills.
fn volunteer(rng: &mut Pcg64, i: usize, mode: &str) -> VolunteerFacts {
    VolunteerFacts {
        id: i64::try_from(i).unwrap_or(i64::MAX),
        profile: mode.to_owned(),
        available: rng.random_bool(0.9),
        skills: if rng.random_bool(0.3) {
            vec!["medicines".to_owned()]
        } else {
            Vec::new()
        },
        capacity_kg: rng.random_range(5.0..40.0),
        capacity_bags: rng.random_range(1..5),
        shifts: vec![(NOW - 3_600, NOW + rng.random_range(1_800..8 * 3_600))],
        active_tasks: rng.random_range(0..2),
        max_tasks: 3,
        home: None,
    }
}

/// A task near a random node of a mode's graph.
fn task(rng: &mut Pcg64, engine: &Engine, mode: &str) -> TaskFacts {
    TaskFacts {
        location: near_a_node(rng, engine, mode),
        service_s: 600,
        load_kg: rng.random_range(0.0..10.0),
        load_bags: 1,
        skills: if rng.random_bool(0.2) {
            vec!["medicines".to_owned()]
        } else {
            Vec::new()
        },
        deadline_unix_s: Some(NOW + 3_600),
        deadline_is_hard: rng.random_bool(0.3),
    }
}

/// A position within about 30 m of a random node of a mode's graph.
fn near_a_node(rng: &mut Pcg64, engine: &Engine, mode: &str) -> LonLat {
    let Some(g) = engine.graph(mode).filter(|g| g.num_nodes() > 0) else {
        return LonLat::default();
    };
    let n = u32::try_from(g.num_nodes()).unwrap_or(u32::MAX);
    let p = g.node_lonlat(NodeId(rng.random_range(0..n)));
    LonLat::new(
        p.lon + rng.random_range(-3e-4..3e-4),
        p.lat + rng.random_range(-3e-4..3e-4),
    )
}

/// Road time from every placed volunteer to the task (on their mode's graph): the fastest,
/// in seconds, and the number of routes.
fn brute_force_best(
    engine: &Engine,
    live: &LivePositions,
    task: &TaskFacts,
) -> anyhow::Result<(Option<f64>, usize)> {
    let mut best: Option<f64> = None;
    let mut n = 0;
    let mut targets = std::collections::BTreeMap::new();
    for (_, pos) in live.iter() {
        let Placement::Placed(from) = pos.placement else {
            continue;
        };
        let to = match targets.get(&pos.profile) {
            Some(&t) => t,
            None => {
                let t = engine
                    .place(&pos.profile, live_location(live, task.location))
                    .ok();
                targets.insert(pos.profile.clone(), t);
                t
            }
        };
        let Some(to) = to else { continue };
        n += 1;
        if let Some(Some(c)) = engine.placed_costs(&pos.profile, &[from], &[to])?.first() {
            let s = c.duration.as_secs_f64();
            best = Some(best.map_or(s, |b: f64| b.min(s)));
        }
    }
    Ok((best, n))
}

fn live_location(live: &LivePositions, at: LonLat) -> engine::dispatch::Location {
    engine::dispatch::Location {
        radius_m: Some(live.radius_m()),
        ..engine::dispatch::Location::new(at.lon, at.lat)
    }
}
