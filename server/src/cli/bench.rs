//! `vmeste bench <kind>`: end-to-end workloads with wall times and memory.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use engine::graph::file;
use engine::routing::ContractionHierarchy;

use super::import::{build_hierarchy, import_graph, peak_memory_text, profile_by_name};

/// Arguments of `vmeste bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// The workload.
    #[command(subcommand)]
    pub kind: BenchKind,
}

/// The workloads.
#[derive(Debug, clap::Subcommand)]
pub enum BenchKind {
    /// Import an extract: import time, peak memory, graph file size, load time.
    Import(BenchImportArgs),
    /// Solve a VRP benchmark set and compare with the best-known solutions.
    Vrp(super::bench_vrp::BenchVrpArgs),
    /// Route on a graph file: snap, hierarchy queries and routes, Dijkstra speedup, matrices.
    Routing(super::bench_routing::BenchRoutingArgs),
    /// "Who can go now?": candidate queries against brute force, position-update throughput.
    Candidates(super::bench_candidates::BenchCandidatesArgs),
    /// VROOM problems on a graph file: matrices, first feasible plan, whole solve.
    Optimize(super::bench_optimize::BenchOptimizeArgs),
    /// The board's store: write throughput (request creations, position reports), read latency.
    Store(super::bench_store::BenchStoreArgs),
    /// Isochrones from random origins: one-to-all search, whole isochrone, GeoJSON (p50/p99).
    Isochrone(super::bench_isochrone::BenchIsochroneArgs),
    /// Base-map vector tiles: cut and encode time per zoom, tiles per second.
    Tiles(super::bench_tiles::BenchTilesArgs),
    /// Multi-day trips to random settlements: planning time per size, gap to brute force.
    Trips(super::bench_trips::BenchTripsArgs),
    /// Customizable contraction hierarchy: order, customization, queries and tables on a
    /// metric against the hierarchy's, first use of `exclude=`.
    Cch(super::bench_cch::BenchCchArgs),
    /// Road closures: time to apply one to routing, query times with and without it.
    Closures(super::bench_closures::BenchClosuresArgs),
    /// The dynamic ORTEC day: dispatch strategies epoch by epoch against hindsight.
    Dispatch(super::bench_dispatch::BenchDispatchArgs),
}

/// Arguments of `vmeste bench import`.
#[derive(Debug, clap::Args)]
pub struct BenchImportArgs {
    /// The `.osm.pbf` extract.
    pub input: PathBuf,
    /// Routing profile: car, bicycle or foot.
    #[arg(long, default_value = "car")]
    pub profile: String,
    /// Number of runs (the median is reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
}

/// Runs `vmeste bench`.
///
/// # Errors
/// Whatever the workload reports.
pub fn run(args: &BenchArgs) -> anyhow::Result<()> {
    match &args.kind {
        BenchKind::Import(a) => bench_import(a),
        BenchKind::Vrp(a) => super::bench_vrp::run(a),
        BenchKind::Routing(a) => super::bench_routing::run(a),
        BenchKind::Candidates(a) => super::bench_candidates::run(a),
        BenchKind::Optimize(a) => super::bench_optimize::run(a),
        BenchKind::Store(a) => super::bench_store::run(a),
        BenchKind::Isochrone(a) => super::bench_isochrone::run(a),
        BenchKind::Tiles(a) => super::bench_tiles::run(a),
        BenchKind::Trips(a) => super::bench_trips::run(a),
        BenchKind::Cch(a) => super::bench_cch::run(a),
        BenchKind::Closures(a) => super::bench_closures::run(a),
        BenchKind::Dispatch(a) => super::bench_dispatch::run(a),
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn bench_import(args: &BenchImportArgs) -> anyhow::Result<()> {
    let profile = profile_by_name(&args.profile)?;
    let runs = args.runs.max(1);
    let out =
        std::env::temp_dir().join(format!("vmeste-bench-import-{}.graph", std::process::id()));
    let (mut import_s, mut ch_s, mut write_s, mut load_s) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut size = 0;
    let mut summary = String::new();
    for run in 1..=runs {
        let imported = import_graph(&args.input, profile, false)?;
        let (ch, ch_elapsed) = build_hierarchy(&imported.graph)?;
        ch_s.push(ch_elapsed.as_secs_f64());
        let t = Instant::now();
        let meta = file::Meta {
            source_sha256: imported.source_sha256,
        };
        let ch_bytes = ch.to_bytes();
        size = file::write(
            &out,
            &imported.graph,
            &meta,
            &[(ContractionHierarchy::SECTION, &ch_bytes)],
        )?;
        write_s.push(t.elapsed().as_secs_f64());
        let t = Instant::now();
        let loaded = file::read(&out)?;
        let section = loaded
            .section(ContractionHierarchy::SECTION)
            .context("the written file has no contraction hierarchy")?;
        let loaded_ch = ContractionHierarchy::from_bytes(section, &loaded.graph)?;
        load_s.push(t.elapsed().as_secs_f64());
        anyhow::ensure!(
            loaded_ch.num_shortcuts() == ch.num_shortcuts(),
            "the loaded hierarchy differs from the built one"
        );
        anyhow::ensure!(
            loaded.graph == imported.graph,
            "the loaded graph differs from the imported one"
        );
        import_s.push(imported.elapsed.as_secs_f64());
        let g = &imported.graph;
        summary = format!(
            "{} nodes, {} edges, {} components",
            g.num_nodes(),
            g.num_edges(),
            g.num_components()
        );
        outln!(
            "run {run}/{runs}: import {:.3} s, contraction hierarchy {:.3} s, write {:.3} s, load {:.3} s",
            imported.elapsed.as_secs_f64(),
            ch_elapsed.as_secs_f64(),
            write_s[write_s.len() - 1],
            load_s[load_s.len() - 1],
        );
    }
    std::fs::remove_file(&out).ok();
    let (imp, chb, wr, ld) = (
        median(&mut import_s),
        median(&mut ch_s),
        median(&mut write_s),
        median(&mut load_s),
    );
    outln!(
        "bench import {} --profile {}: {summary}; median of {runs}: import {imp:.3} s, contraction hierarchy {chb:.3} s, write {wr:.3} s, load {ld:.3} s (load/(import + hierarchy) {:.1}%), file {size} bytes, peak memory {}",
        args.input.display(),
        profile.name,
        ld / (imp + chb) * 100.0,
        peak_memory_text(),
    );
    Ok(())
}
