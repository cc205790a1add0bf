//! `vmeste bench isochrone <graph>`: isochrones from random origins: the one-to-all search
//! (PHAST) alone, the whole isochrone (snap, search, grid, contours) and its GeoJSON
//! encoding, each as p50/p99 per query; and the whole isochrone's phases one by one
//! (rasterising the reached roads, tracing the outlines).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use engine::dispatch::{Engine, Location};
use engine::isochrone::{self, IsochroneParams, TimeGrid};
use engine::routing::Source;
use engine::types::NodeId;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::bench_routing::percentiles;
use super::isochrone::parse_minutes;

/// Arguments of `vmeste bench isochrone`.
#[derive(Debug, clap::Args)]
pub struct BenchIsochroneArgs {
    /// The graph file written by `vmeste import`.
    pub graph: PathBuf,
    /// Contour times in minutes, comma-separated.
    #[arg(long, default_value = "60")]
    pub minutes: String,
    /// Number of isochrones (random origins on the largest component).
    #[arg(long, default_value_t = 100)]
    pub queries: usize,
    /// Seed of the origins.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// Runs `vmeste bench isochrone`.
///
/// # Errors
/// Unreadable graph, bad minutes, a failed isochrone.
pub fn run(args: &BenchIsochroneArgs) -> anyhow::Result<()> {
    let contours = parse_minutes(&args.minutes)?;
    let t = Instant::now();
    let mut engine = Engine::new();
    let profile = engine
        .add_graph_file(&args.graph)
        .with_context(|| format!("reading {}", args.graph.display()))?;
    let load_s = t.elapsed().as_secs_f64();
    let g = engine.graph(&profile).context("the profile just loaded")?;
    let n = u32::try_from(g.num_nodes()).context("node count")?;
    anyhow::ensure!(n > 1, "the graph has fewer than two nodes");
    let mut rng = Pcg64::seed_from_u64(args.seed);
    let mut origins = Vec::with_capacity(args.queries);
    while origins.len() < args.queries {
        let v = NodeId(rng.random_range(0..n));
        if g.component(v) == 0 {
            let p = g.node_lonlat(v);
            origins.push(Location::new(p.lon, p.lat));
        }
    }
    let params = IsochroneParams::default();
    let (mut search_ms, mut whole_ms, mut json_ms) = (Vec::new(), Vec::new(), Vec::new());
    let (mut raster_ms, mut outline_ms) = (Vec::new(), Vec::new());
    let (mut reached, mut vertices, mut bytes, mut cell) = (0usize, 0usize, 0usize, 0.0);
    for &o in &origins {
        let placed = engine.place(&profile, o)?;
        let t = Instant::now();
        let times = engine.one_to_all(&profile, &[Source::new(placed.point)], contours.bound())?;
        search_ms.push(t.elapsed().as_secs_f64() * 1e3);
        reached += times.num_reached();
        let sources = [Source::new(placed.point)];
        let t = Instant::now();
        let grid = TimeGrid::rasterize(g, &times, &sources)?;
        raster_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        grid.outline(&contours, &params)?;
        outline_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let iso = isochrone::isochrone(&engine, &profile, o, &contours, &params)?;
        whole_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let text = serde_json::to_string(&crate::isochrone_geojson::feature_collection(&iso))?;
        json_ms.push(t.elapsed().as_secs_f64() * 1e3);
        bytes += text.len();
        cell += iso.cell_m;
        vertices += iso
            .contours
            .iter()
            .flat_map(|c| c.area.iter())
            .map(|p| p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>())
            .sum::<usize>();
    }
    #[expect(clippy::cast_precision_loss, reason = "a query count")]
    let q = args.queries.max(1) as f64;
    let (s50, s99) = percentiles(&mut search_ms);
    let (w50, w99) = percentiles(&mut whole_ms);
    let (j50, j99) = percentiles(&mut json_ms);
    let (r50, r99) = percentiles(&mut raster_ms);
    let (o50, o99) = percentiles(&mut outline_ms);
    outln!(
        "graph {} ({profile}, {n} nodes), loaded in {load_s:.2} s",
        args.graph.display()
    );
    outln!(
        "{} isochrones of {:?} min from random origins (seed {})",
        args.queries,
        contours.minutes(),
        args.seed
    );
    outln!("  one-to-all search (PHAST): p50 {s50:.2} ms, p99 {s99:.2} ms");
    outln!("  whole isochrone (snap, search, grid, contours): p50 {w50:.2} ms, p99 {w99:.2} ms");
    outln!("    of which rasterising the reached roads: p50 {r50:.2} ms, p99 {r99:.2} ms");
    outln!("    of which tracing the outlines: p50 {o50:.2} ms, p99 {o99:.2} ms");
    outln!("  GeoJSON encoding: p50 {j50:.2} ms, p99 {j99:.2} ms");
    #[expect(clippy::cast_precision_loss, reason = "averages of counts")]
    let (avg_reached, avg_vertices, avg_kb) = (
        reached as f64 / q,
        vertices as f64 / q,
        bytes as f64 / q / 1024.0,
    );
    outln!(
        "  per query: {avg_reached:.0} nodes reached, grid cells of {:.0} m, {avg_vertices:.0} ring positions, {avg_kb:.0} KiB of GeoJSON",
        cell / q
    );
    Ok(())
}
