//! `vmeste bench routing <graph>`: load, snap, contraction-hierarchy queries and routes,
//! the bidirectional Dijkstra reference on a subset (same run), and matrices.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use engine::graph::{RoadGraph, file};
use engine::routing::{ContractionHierarchy, Dijkstra, EdgePoint, HubLabels, SearchSpace};
use engine::spatial::SpatialIndex;
use engine::types::NodeId;

use super::import::{build_hierarchy, peak_memory_bytes, peak_memory_text};

/// Arguments of `vmeste bench routing`.
#[derive(Debug, clap::Args)]
pub struct BenchRoutingArgs {
    /// The graph file written by `vmeste import`.
    pub graph: PathBuf,
    /// Workload directory with `pairs.csv` and `points.csv` (default: the one whose
    /// `meta.json` names the graph's source extract; else pairs drawn from the graph).
    #[arg(long)]
    pub workload: Option<PathBuf>,
    /// Number of origin-destination pairs for the hierarchy.
    #[arg(long, default_value_t = 10_000)]
    pub pairs: usize,
    /// Number of those pairs also run with bidirectional Dijkstra.
    #[arg(long, default_value_t = 500)]
    pub dijkstra_pairs: usize,
    /// Runs over the pairs, for the hierarchy and for Dijkstra alike (the per-pair minimum
    /// over runs is kept, which filters out the noise of a busy machine).
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
    /// Largest number of hub-label entries to build (both directions; 12 bytes each); a
    /// graph that needs more is benchmarked without hub labels, and 0 skips them. Twice
    /// `vmeste serve`'s default, so that the scale series' x4 graph is measured too.
    #[arg(long, default_value_t = 50_000_000)]
    pub hub_label_entries: usize,
    /// Print one JSON object instead of the text block.
    #[arg(long)]
    pub json: bool,
}

/// Where the pairs and points come from.
enum Source {
    Workload(PathBuf),
    Drawn { seed: u64 },
}

/// Runs `vmeste bench routing`.
///
/// # Errors
/// Unreadable graph or workload, a failed search, or hierarchy and Dijkstra disagreeing.
pub fn run(args: &BenchRoutingArgs) -> anyhow::Result<()> {
    let t = Instant::now();
    let loaded =
        file::read(&args.graph).with_context(|| format!("reading {}", args.graph.display()))?;
    let (ch, ch_built) = match loaded.section(ContractionHierarchy::SECTION) {
        Some(bytes) => (
            ContractionHierarchy::from_bytes(bytes, &loaded.graph)
                .context("reading the stored contraction hierarchy")?,
            None,
        ),
        None => {
            let (ch, took) = build_hierarchy(&loaded.graph)?;
            (ch, Some(took))
        }
    };
    let load = t.elapsed() - ch_built.unwrap_or_default();
    let g = &loaded.graph;
    anyhow::ensure!(g.num_nodes() > 1, "the graph has fewer than two nodes");
    let t = Instant::now();
    let index = SpatialIndex::new(g);
    let index_build = t.elapsed();

    let source = match &args.workload {
        Some(dir) => Source::Workload(dir.clone()),
        None => find_workload(&loaded.header.source_sha256)?
            .map_or(Source::Drawn { seed: 42 }, Source::Workload),
    };
    let (pairs_ll, points_ll) = match &source {
        Source::Workload(dir) => (
            read_pairs(&dir.join("pairs.csv"), args.pairs)?,
            read_points(&dir.join("points.csv"), 1000)?,
        ),
        Source::Drawn { seed } => draw(g, *seed, args.pairs, 1000),
    };

    // Snap every endpoint and point, timing each call.
    let mut snap_us = Vec::new();
    let mut snap_failed = 0usize;
    let mut snap_one = |lon: f64, lat: f64| -> Option<EdgePoint> {
        let t = Instant::now();
        let r = index.snap(lon, lat, None);
        snap_us.push(us(t.elapsed()));
        match r {
            Ok(s) => Some(EdgePoint::new(s.edge, s.fraction)),
            Err(_) => {
                snap_failed += 1;
                None
            }
        }
    };
    let mut pairs = Vec::new();
    for &[a, b, c, d] in &pairs_ll {
        let (s, t) = (snap_one(a, b), snap_one(c, d));
        if let (Some(s), Some(t)) = (s, t) {
            pairs.push((s, t));
        }
    }
    let points: Vec<EdgePoint> = points_ll
        .iter()
        .filter_map(|&[lon, lat]| snap_one(lon, lat))
        .collect();
    let snapped = snap_us.len();
    anyhow::ensure!(!pairs.is_empty(), "no pair could be snapped");

    // Hierarchy queries (cost only), per-pair minimum over runs.
    let mut space = SearchSpace::new(g.num_nodes());
    let mut ch_us = vec![f64::INFINITY; pairs.len()];
    let mut ch_cost = Vec::with_capacity(pairs.len());
    let mut unreachable = 0usize;
    let mut settled = 0usize;
    for run in 0..args.runs.max(1) {
        for (i, &(s, d)) in pairs.iter().enumerate() {
            let t = Instant::now();
            let c = ch.query(g, &mut space, s, d).context("hierarchy query")?;
            ch_us[i] = ch_us[i].min(us(t.elapsed()));
            if run == 0 {
                let (f, b) = space.settled();
                settled += f + b;
                unreachable += usize::from(c.is_none());
                ch_cost.push(c);
            }
        }
    }
    // Hub labels built from the hierarchy: cost-only queries by label merges, checked
    // against the hierarchy's costs on every pair.
    let hub = hub_labels(&ch, args.hub_label_entries);
    let mut hl_us = vec![f64::INFINITY; pairs.len()];
    if let Ok((labels, _)) = &hub {
        for run in 0..args.runs.max(1) {
            for (i, &(s, d)) in pairs.iter().enumerate() {
                let t = Instant::now();
                let c = labels.query(g, s, d).context("hub-label query")?;
                hl_us[i] = hl_us[i].min(us(t.elapsed()));
                if run == 0 {
                    anyhow::ensure!(
                        c == ch_cost[i],
                        "pair {i}: hub-label cost {c:?} differs from the hierarchy's {:?}",
                        ch_cost[i]
                    );
                }
            }
        }
    }
    // Full routes with geometry.
    let mut route_us = Vec::with_capacity(pairs.len());
    for &(s, d) in &pairs {
        let t = Instant::now();
        let p = ch.route(g, &mut space, s, d).context("hierarchy route")?;
        route_us.push(us(t.elapsed()));
        std::hint::black_box(p);
    }
    // Bidirectional Dijkstra on the first pairs, checked against the hierarchy.
    let dij = Dijkstra::new(g);
    let nd = args.dijkstra_pairs.min(pairs.len());
    let mut dij_us = vec![f64::INFINITY; nd];
    for _ in 0..args.runs.max(1) {
        for (i, &(s, d)) in pairs.iter().take(nd).enumerate() {
            let t = Instant::now();
            let c = dij.query(&mut space, s, d).context("Dijkstra query")?;
            dij_us[i] = dij_us[i].min(us(t.elapsed()));
            anyhow::ensure!(
                c == ch_cost[i],
                "pair {i}: hierarchy cost {:?} differs from Dijkstra's {c:?}",
                ch_cost[i]
            );
        }
    }
    let ch_sub = median(&mut ch_us[..nd].to_vec());
    let dij_med = median(&mut dij_us.clone());
    let speedup = if nd > 0 { dij_med / ch_sub } else { f64::NAN };
    let hl_sub = median(&mut hl_us[..nd].to_vec());
    let hl_speedup = if nd > 0 && hub.is_ok() {
        dij_med / hl_sub
    } else {
        f64::NAN
    };

    // Matrices on the first points, parallel as the library runs them: the bucket
    // algorithm, and the hub labels when built (checked equal cell by cell).
    let mut matrices = Vec::new();
    for (rows, cols) in [(100usize, 100usize), (1000, 1000), (1, 1000), (1000, 1)] {
        if points.len() < rows.max(cols) {
            continue;
        }
        let (src, dst) = (&points[..rows], &points[..cols]);
        let t = Instant::now();
        let m = ch
            .matrix(g, src, dst, g.num_nodes())
            .with_context(|| format!("matrix {rows}x{cols}"))?;
        let took = t.elapsed().as_secs_f64();
        let hub_took = match &hub {
            Ok((labels, _)) => {
                let t = Instant::now();
                let hm = labels
                    .matrix(g, src, dst)
                    .with_context(|| format!("hub-label matrix {rows}x{cols}"))?;
                let took = t.elapsed().as_secs_f64();
                anyhow::ensure!(
                    hm == m,
                    "matrix {rows}x{cols}: hub labels differ from buckets"
                );
                Some(took)
            }
            Err(_) => None,
        };
        let none = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| (i, j)))
            .filter(|&(i, j)| m.get(i, j).is_none())
            .count();
        matrices.push((rows, cols, took, hub_took, none));
    }

    let source_text = match &source {
        Source::Workload(dir) => format!("workload {}", dir.display()),
        Source::Drawn { seed } => format!(
            "no workload matches this graph's source: pairs and points drawn from the largest component (seed {seed})"
        ),
    };
    #[expect(clippy::cast_precision_loss, reason = "a mean of counts")]
    let settled_mean = settled as f64 / pairs.len() as f64;
    let (snap50, snap99) = percentiles(&mut snap_us);
    let (ch50, ch99) = percentiles(&mut ch_us);
    let (route50, _) = percentiles(&mut route_us);
    let (dij50, dij99) = percentiles(&mut dij_us);
    let (hl50, hl99) = percentiles(&mut hl_us);
    let hub_json = match &hub {
        Ok((l, took)) => serde_json::json!({
            "build_seconds": took.as_secs_f64(), "bytes": l.heap_bytes(),
            "mean_label_size": l.mean_label_size(), "p50_us": hl50, "p99_us": hl99,
            "p50_us_same_pairs": hl_sub, "speedup": hl_speedup, "equal_durations": true,
        }),
        Err(why) => serde_json::json!({"skipped": why}),
    };
    let file_bytes = std::fs::metadata(&args.graph).map(|m| m.len()).ok();
    if args.json {
        let mats: Vec<serde_json::Value> = matrices
            .iter()
            .map(|&(r, c, s, h, none)| serde_json::json!({"rows": r, "cols": c, "seconds": s, "hub_label_seconds": h, "unreachable_cells": none}))
            .collect();
        let v = serde_json::json!({
            "graph": args.graph.display().to_string(),
            "nodes": g.num_nodes(),
            "edges": g.num_edges(),
            "shortcuts": ch.num_shortcuts(),
            "file_bytes": file_bytes,
            "source": source_text,
            "workload": matches!(source, Source::Workload(_)),
            "load_seconds": load.as_secs_f64(),
            "ch_build_seconds": ch_built.map(|d| d.as_secs_f64()),
            "index_build_seconds": index_build.as_secs_f64(),
            "snap": {"count": snapped, "failed": snap_failed, "p50_us": snap50, "p99_us": snap99},
            "ch_query": {"pairs": pairs.len(), "runs": args.runs.max(1), "unreachable": unreachable, "p50_us": ch50, "p99_us": ch99, "settled_mean": settled_mean},
            "ch_route": {"pairs": pairs.len(), "p50_us": route50},
            "dijkstra": {"pairs": nd, "p50_us": dij50, "p99_us": dij99, "ch_p50_us_same_pairs": ch_sub, "speedup": speedup, "equal_durations": true},
            "hub_labels": hub_json,
            "matrices": mats,
            "peak_memory_bytes": peak_memory_bytes(),
        });
        outln!("{v}");
    } else {
        outln!(
            "bench routing {}: {} nodes, {} edges, {} shortcuts, file {} bytes",
            args.graph.display(),
            g.num_nodes(),
            g.num_edges(),
            ch.num_shortcuts(),
            file_bytes.map_or_else(|| "?".to_owned(), |b| b.to_string()),
        );
        outln!("  source: {source_text}");
        match ch_built {
            Some(d) => outln!(
                "  load {:.3} s; no stored hierarchy: built in {:.3} s; spatial index {:.3} s",
                load.as_secs_f64(),
                d.as_secs_f64(),
                index_build.as_secs_f64()
            ),
            None => outln!(
                "  load {:.3} s (stored hierarchy); spatial index {:.3} s",
                load.as_secs_f64(),
                index_build.as_secs_f64()
            ),
        }
        outln!(
            "  snap: {snapped} points, {snap_failed} failed, p50 {snap50:.2} µs, p99 {snap99:.2} µs"
        );
        outln!(
            "  CH query: {} pairs ({unreachable} unreachable), p50 {ch50:.1} µs, p99 {ch99:.1} µs, {settled_mean:.0} nodes settled on average; CH route with geometry p50 {route50:.1} µs",
            pairs.len()
        );
        outln!(
            "  bidirectional Dijkstra: {nd} pairs, p50 {dij50:.1} µs, p99 {dij99:.1} µs; CH p50 on the same pairs {ch_sub:.1} µs; speedup {speedup:.0}x; durations and distances equal on all {nd}"
        );
        match &hub {
            Ok((l, took)) => outln!(
                "  hub labels: built in {:.3} s, {:.1} MB, {:.0} hubs per label; query p50 {hl50:.2} µs, p99 {hl99:.2} µs; p50 on the Dijkstra pairs {hl_sub:.2} µs; speedup {hl_speedup:.0}x; durations and distances equal the hierarchy's on all {}",
                took.as_secs_f64(),
                l.heap_bytes() as f64 / 1e6,
                l.mean_label_size(),
                pairs.len()
            ),
            Err(why) => outln!("  hub labels: skipped ({why})"),
        }
        for &(r, c, s, h, none) in &matrices {
            let hub = h.map_or_else(String::new, |h| {
                format!("; hub labels {h:.4} s ({:.2}x)", h / s)
            });
            outln!("  matrix {r}x{c}: buckets {s:.4} s{hub} ({none} unreachable cells)");
        }
        outln!("  peak memory {}", peak_memory_text());
    }
    Ok(())
}

/// Hub labels of `ch` and their build time, or why they were not built.
fn hub_labels(
    ch: &ContractionHierarchy,
    max_entries: usize,
) -> Result<(HubLabels, Duration), String> {
    if max_entries == 0 {
        return Err("--hub-label-entries 0".to_owned());
    }
    let t = Instant::now();
    HubLabels::build(ch, max_entries)
        .map(|l| (l, t.elapsed()))
        .map_err(|e| e.to_string())
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn median(v: &mut [f64]) -> f64 {
    percentiles(v).0
}

/// p50 and p99 (nearest rank) of `v`, NaN when empty.
pub(super) fn percentiles(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "q in 0..1 times a length, rounded up"
        )]
        let rank = (q * v.len() as f64).ceil() as usize;
        v.get(rank.saturating_sub(1)).copied().unwrap_or(f64::NAN)
    };
    (at(0.5), at(0.99))
}

/// The workload directory whose `meta.json` names the extract with this sha256.
fn find_workload(sha: &[u8; 32]) -> anyhow::Result<Option<PathBuf>> {
    let hex: String = sha.iter().map(|b| format!("{b:02x}")).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/anchors/routing/workloads");
    let Ok(root) = root.canonicalize() else {
        return Ok(None);
    };
    let Ok(entries) = std::fs::read_dir(&root) else {
        return Ok(None);
    };
    for e in entries {
        let dir = e?.path();
        let Ok(text) = std::fs::read_to_string(dir.join("meta.json")) else {
            continue;
        };
        let meta: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("parsing {}/meta.json", dir.display()))?;
        if meta.get("input_sha256").and_then(|v| v.as_str()) == Some(hex.as_str()) {
            return Ok(Some(dir));
        }
    }
    Ok(None)
}

fn csv_rows<const N: usize>(path: &Path, limit: usize) -> anyhow::Result<Vec<[f64; N]>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1).take(limit) {
        let fields: Vec<&str> = line.split(',').collect();
        anyhow::ensure!(
            fields.len() == N + 1,
            "{} line {}: expected {} fields",
            path.display(),
            i + 1,
            N + 1
        );
        let mut row = [0.0; N];
        for (k, f) in fields[1..].iter().enumerate() {
            row[k] = f
                .trim()
                .parse()
                .with_context(|| format!("{} line {}: bad number {f:?}", path.display(), i + 1))?;
        }
        out.push(row);
    }
    Ok(out)
}

fn read_pairs(path: &Path, limit: usize) -> anyhow::Result<Vec<[f64; 4]>> {
    csv_rows::<4>(path, limit)
}

fn read_points(path: &Path, limit: usize) -> anyhow::Result<Vec<[f64; 2]>> {
    csv_rows::<2>(path, limit)
}

/// splitmix64: a small seeded generator, enough to pick nodes reproducibly.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Pairs and points at nodes of the largest component, drawn with `seed`.
pub(super) fn draw(
    g: &RoadGraph,
    seed: u64,
    pairs: usize,
    points: usize,
) -> (Vec<[f64; 4]>, Vec<[f64; 2]>) {
    let nodes: Vec<NodeId> = (0..g.num_nodes())
        .filter_map(|i| u32::try_from(i).ok().map(NodeId))
        .filter(|&n| g.component(n) == 0)
        .collect();
    let mut state = seed;
    let mut pick = || {
        let len = u64::try_from(nodes.len()).unwrap_or(u64::MAX).max(1);
        let i = usize::try_from(splitmix(&mut state) % len).unwrap_or(0);
        let p = g.node_lonlat(nodes[i]);
        [p.lon, p.lat]
    };
    let pp = (0..pairs)
        .map(|_| {
            let [a, b] = pick();
            let [c, d] = pick();
            [a, b, c, d]
        })
        .collect();
    let pts = (0..points).map(|_| pick()).collect();
    (pp, pts)
}
