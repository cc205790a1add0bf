//! `vmeste bench tiles <graph>`: base-map vector tiles cut from a graph file: the base map's
//! build time, then tiles at several zooms around random road nodes (where a map is looked
//! at), each cut and encoded as Mapbox Vector Tiles: p50/p99 per tile, tiles per second on
//! one thread and on all cores, and mean size. `--paths-out` writes the tile URLs, one per
//! line, for an HTTP load generator (`wrk` with the anchors' `wrk_paths.lua`).

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use engine::basemap::TileId;
use engine::dispatch::Engine;
use engine::types::NodeId;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use rayon::prelude::*;

use super::bench_routing::percentiles;

/// Arguments of `vmeste bench tiles`.
#[derive(Debug, clap::Args)]
pub struct BenchTilesArgs {
    /// The graph file written by `vmeste import`.
    pub graph: PathBuf,
    /// Zoom levels, comma-separated.
    #[arg(long, default_value = "12,13,14,15,16")]
    pub zooms: String,
    /// Distinct tiles per zoom (fewer when the graph covers fewer).
    #[arg(long, default_value_t = 400)]
    pub per_zoom: usize,
    /// Seed of the random nodes the tiles are taken around.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Writes `/tiles/{profile}/{z}/{x}/{y}.mvt`, one per line, to this file.
    #[arg(long)]
    pub paths_out: Option<PathBuf>,
}

fn parse_zooms(text: &str) -> anyhow::Result<Vec<u32>> {
    text.split(',')
        .map(|s| {
            let z: u32 = s
                .trim()
                .parse()
                .with_context(|| format!("zoom {s:?} is not a whole number"))?;
            TileId::new(z, 0, 0)?;
            Ok(z)
        })
        .collect()
}

/// Runs `vmeste bench tiles`.
///
/// # Errors
/// Unreadable graph, bad zooms, an empty graph, a tile that fails to encode.
pub fn run(args: &BenchTilesArgs) -> anyhow::Result<()> {
    let zooms = parse_zooms(&args.zooms)?;
    let mut engine = Engine::new();
    let profile = engine
        .add_graph_file(&args.graph)
        .with_context(|| format!("reading {}", args.graph.display()))?;
    let g = engine.graph(&profile).context("the profile just loaded")?;
    let n = u32::try_from(g.num_nodes()).context("node count")?;
    anyhow::ensure!(n > 0, "the graph has no node");
    let t = Instant::now();
    let map = engine.basemap(&profile)?;
    let build_s = t.elapsed().as_secs_f64();
    let mut rng = Pcg64::seed_from_u64(args.seed);
    let mut tiles: Vec<TileId> = Vec::new();
    for &z in &zooms {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..args.per_zoom * 20 {
            if seen.len() == args.per_zoom {
                break;
            }
            let p = g.node_lonlat(NodeId(rng.random_range(0..n)));
            seen.insert(TileId::containing(z, p)?);
        }
        let mut these: Vec<TileId> = seen.into_iter().collect();
        these.sort_by_key(|t| (t.x(), t.y()));
        tiles.extend(these);
    }
    if let Some(out) = &args.paths_out {
        let mut f = std::io::BufWriter::new(std::fs::File::create(out)?);
        for t in &tiles {
            writeln!(f, "/tiles/{profile}/{}/{}/{}.mvt", t.z(), t.x(), t.y())?;
        }
    }
    let cut = |id: TileId| -> anyhow::Result<usize> {
        let bytes = crate::http::tiles::encode(&map.tile(g, id))?;
        Ok(bytes.len())
    };
    outln!(
        "{}: {} road pieces, base map built in {:.3} s; {} tiles at zooms {:?}",
        args.graph.display(),
        map.num_roads(),
        build_s,
        tiles.len(),
        zooms
    );
    for &z in &zooms {
        let mut ms = Vec::new();
        let mut bytes = 0usize;
        for &id in tiles.iter().filter(|t| t.z() == z) {
            let t = Instant::now();
            bytes += cut(id)?;
            ms.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let count = ms.len();
        let (p50, p99) = percentiles(&mut ms);
        outln!(
            "  z{z}: {count} tiles, p50 {p50:.3} ms, p99 {p99:.3} ms, mean {:.1} kB",
            bytes as f64 / count.max(1) as f64 / 1e3
        );
    }
    let t = Instant::now();
    for &id in &tiles {
        cut(id)?;
    }
    let one = tiles.len() as f64 / t.elapsed().as_secs_f64();
    let t = Instant::now();
    tiles
        .par_iter()
        .map(|&id| cut(id))
        .collect::<anyhow::Result<Vec<usize>>>()?;
    let all = tiles.len() as f64 / t.elapsed().as_secs_f64();
    outln!(
        "  all zooms: {one:.0} tiles/s on one thread, {all:.0} tiles/s on {} threads",
        rayon::current_num_threads()
    );
    Ok(())
}
