//! `vmeste bench cch <graph>`: the customizable contraction hierarchy on a graph file: order
//! and supergraph time and memory, customization (all roads open, and with random closures),
//! queries and tables on a metric against the contraction hierarchy's, and the first-use cost
//! of an OSRM `exclude=` class set through the engine.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use engine::dispatch::{Engine, Location};
use engine::graph::file;
use engine::osm::{ExcludeClass, ExcludeSet};
use engine::routing::{
    Cch, CchSpace, ContractionHierarchy, DEFAULT_LABEL_ENTRIES, EdgePoint, SearchSpace,
};
use engine::types::EdgeId;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::bench_routing::percentiles;
use super::import::{build_hierarchy, peak_memory_text};

/// Arguments of `vmeste bench cch`.
#[derive(Debug, clap::Args)]
pub struct BenchCchArgs {
    /// The graph file written by `vmeste import`.
    pub graph: PathBuf,
    /// Number of point-to-point queries (random points on the largest component).
    #[arg(long, default_value_t = 10_000)]
    pub queries: usize,
    /// Number of closed roads (both directions) for the customization with closures.
    #[arg(long, default_value_t = 100)]
    pub blocked: usize,
    /// Side of the square table.
    #[arg(long, default_value_t = 100)]
    pub table: usize,
    /// Number of runs of each customization and table (the median is reported).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Seed of the points and closures.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

fn median_ms<T>(mut f: impl FnMut() -> anyhow::Result<T>, runs: usize) -> anyhow::Result<f64> {
    let mut v = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        std::hint::black_box(f()?);
        v.push(t.elapsed().as_secs_f64() * 1e3);
    }
    v.sort_by(f64::total_cmp);
    Ok(v[v.len() / 2])
}

/// Runs `vmeste bench cch`.
///
/// # Errors
/// Unreadable graph, a failed build or query.
pub fn run(args: &BenchCchArgs) -> anyhow::Result<()> {
    let loaded =
        file::read(&args.graph).with_context(|| format!("reading {}", args.graph.display()))?;
    let g = &loaded.graph;
    anyhow::ensure!(g.num_edges() > 1, "the graph has fewer than two edges");
    let ch = match loaded.section(ContractionHierarchy::SECTION) {
        Some(bytes) => ContractionHierarchy::from_bytes(bytes, g)?,
        None => build_hierarchy(g)?.0,
    };
    outln!(
        "graph: {} nodes, {} edges, profile {}",
        g.num_nodes(),
        g.num_edges(),
        g.profile()
    );
    let t = Instant::now();
    let cch = Cch::build(g)?;
    let order_s = t.elapsed().as_secs_f64();
    outln!(
        "order + supergraph: {order_s:.2} s, {} arcs, elimination tree height {}, {:.1} MiB (peak process memory {})",
        cch.num_arcs(),
        cch.tree_height(),
        cch.heap_bytes() as f64 / 1048576.0,
        peak_memory_text()
    );

    let m = u32::try_from(g.num_edges()).context("edge count")?;
    let mut rng = Pcg64::seed_from_u64(args.seed);
    let mut blocked = vec![false; g.num_edges()];
    for _ in 0..args.blocked {
        let e = EdgeId(rng.random_range(0..m));
        blocked[e.index()] = true;
        if let Some(t) = g.edge_twin(e) {
            blocked[t.index()] = true;
        }
    }
    let open_ms = median_ms(|| Ok(cch.customize(g, |_| false)?), args.runs)?;
    let closed_ms = median_ms(|| Ok(cch.customize(g, |e| blocked[e.index()])?), args.runs)?;
    let open = cch.customize(g, |_| false)?;
    let closed = cch.customize(g, |e| blocked[e.index()])?;
    outln!(
        "customization: all open {open_ms:.1} ms, {} roads closed {closed_ms:.1} ms (metric {:.1} MiB, rayon threads {})",
        args.blocked,
        open.heap_bytes() as f64 / 1048576.0,
        rayon::current_num_threads()
    );

    let t = Instant::now();
    let labelled = closed.clone().with_labels(&cch, DEFAULT_LABEL_ENTRIES);
    outln!(
        "elimination-tree labels of the metric with closures: {:.1} ms, {} ({:.1} MiB with the metric)",
        t.elapsed().as_secs_f64() * 1e3,
        if labelled.has_labels() {
            "made"
        } else {
            "over the bound: none"
        },
        labelled.heap_bytes() as f64 / 1048576.0
    );

    let point = |rng: &mut Pcg64| loop {
        let e = EdgeId(rng.random_range(0..m));
        if g.component(g.edge_tail(e)) == 0 && g.component(g.edge_head(e)) == 0 {
            return EdgePoint::new(e, rng.random_range(0.0..=1.0));
        }
    };
    let pairs: Vec<(EdgePoint, EdgePoint)> = (0..args.queries)
        .map(|_| (point(&mut rng), point(&mut rng)))
        .collect();
    let mut space = SearchSpace::new(g.num_nodes());
    let mut cspace = CchSpace::new(&cch);
    let (mut ch_us, mut open_us, mut closed_us, mut route_us, mut label_us) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for &(a, b) in &pairs {
        let t = Instant::now();
        let want = ch.query(g, &mut space, a, b)?;
        ch_us.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        let got = open.query(&cch, g, &mut cspace, a, b)?;
        open_us.push(t.elapsed().as_secs_f64() * 1e6);
        anyhow::ensure!(got == want, "CCH and CH disagree on {a:?} -> {b:?}");
        let t = Instant::now();
        let walked = closed.query(&cch, g, &mut cspace, a, b)?;
        closed_us.push(t.elapsed().as_secs_f64() * 1e6);
        let t = Instant::now();
        let looked_up = labelled.query(&cch, g, &mut cspace, a, b)?;
        label_us.push(t.elapsed().as_secs_f64() * 1e6);
        anyhow::ensure!(walked == looked_up, "labels disagree on {a:?} -> {b:?}");
        let t = Instant::now();
        open.route(&cch, g, &mut cspace, a, b)?;
        route_us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let (ch_mean, open_mean) = (mean(&ch_us), mean(&open_us));
    let line = |name: &str, v: &mut Vec<f64>| {
        let m = mean(v);
        let (p50, p99) = percentiles(v);
        outln!("{name}: mean {m:.1} µs, p50 {p50:.1} µs, p99 {p99:.1} µs");
    };
    outln!(
        "{} random point-to-point queries (same pairs):",
        pairs.len()
    );
    line("  CH cost query", &mut ch_us);
    line("  CCH cost query, all open", &mut open_us);
    line("  CCH cost query, with closures", &mut closed_us);
    line("  CCH cost query, with closures, labels", &mut label_us);
    line("  CCH route (path unpacked), all open", &mut route_us);
    outln!(
        "  CCH / CH query time: {:.2}x (bar: <= 2x)",
        open_mean / ch_mean
    );

    let k = args.table.max(1);
    let pts: Vec<EdgePoint> = (0..k).map(|_| point(&mut rng)).collect();
    let ch_table_ms = median_ms(|| Ok(ch.matrix(g, &pts, &pts, usize::MAX)?), args.runs)?;
    let cch_table_ms = median_ms(|| Ok(open.matrix(&cch, g, &pts, &pts)?), args.runs)?;
    let label_table_ms = median_ms(|| Ok(labelled.matrix(&cch, g, &pts, &pts)?), args.runs)?;
    outln!(
        "table {k}x{k}: CH buckets {ch_table_ms:.1} ms, CCH metric {cch_table_ms:.1} ms ({:.2}x), CCH metric with closures {label_table_ms:.1} ms",
        cch_table_ms / ch_table_ms
    );

    // At start-up the order is built in the background: an `exclude=` request meanwhile
    // gets the exact fallback instead of waiting for it.
    let mut engine = Engine::new();
    let profile = engine.add_graph_file(&args.graph)?;
    engine.build_cch_in_background();
    let at = |p: EdgePoint| {
        let ll = g.node_lonlat(g.edge_head(p.edge));
        Location::new(ll.lon, ll.lat)
    };
    let locs = [at(pts[0]), at(pts[1])];
    let t = Instant::now();
    let exclude = ExcludeSet::EMPTY.with(ExcludeClass::Motorway);
    if engine
        .exclude_classes(&profile)?
        .contains(&ExcludeClass::Motorway)
    {
        engine.table_with(&profile, &locs, &[0], &[1], exclude)?;
        outln!(
            "exclude=motorway right after start-up (order building in the background): {:.1} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    engine.customize_now(&profile)?;
    outln!(
        "order ready {:.2} s after start-up",
        t.elapsed().as_secs_f64()
    );

    // First use of exclude= through the engine: the order is built, then each class set is
    // customized once.
    let mut engine = Engine::new();
    let profile = engine.add_graph_file(&args.graph)?;
    let declared = engine.exclude_classes(&profile)?;
    let mut sets: Vec<ExcludeSet> = declared
        .iter()
        .map(|&c| ExcludeSet::EMPTY.with(c))
        .collect();
    sets.push(declared.iter().copied().collect());
    for set in sets.into_iter().filter(|s| !s.is_empty()) {
        let t = Instant::now();
        engine.prepare_exclude(&profile, set)?;
        outln!(
            "first use of exclude={set}: {:.0} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    if declared.contains(&ExcludeClass::Ferry) {
        let t = Instant::now();
        engine.prepare_exclude(&profile, ExcludeSet::EMPTY.with(ExcludeClass::Ferry))?;
        outln!(
            "again exclude=ferry (cached): {:.3} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    Ok(())
}
