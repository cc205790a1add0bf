//! `vmeste bench closures`: how long road closures take to reach routing (applied, then
//! answered by a metric of the customizable hierarchy customized in the background), and
//! what queries cost with 1, 10 and 100 closures in force against none, back to back, once
//! the metric is in use.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use engine::board::Time;
use engine::closures::{ClosureTarget, Matchers, NewClosure, apply};
use engine::dispatch::{Engine, Location};
use engine::types::EdgeId;

/// Arguments of `vmeste bench closures`.
#[derive(Debug, clap::Args)]
pub struct BenchClosuresArgs {
    /// A graph file written by `vmeste import` (the bars are set on Porto's car graph).
    #[arg(long)]
    pub graph: PathBuf,
    /// Close every way of this name (default: a bridge over the Douro in Porto).
    #[arg(long, default_value = "Ponte da Arrábida")]
    pub name: String,
    /// Random point pairs (largest component, fixed seed) for routes and costs.
    #[arg(long, default_value_t = 1000)]
    pub pairs: usize,
    /// Sources (and destinations) of the square table.
    #[arg(long, default_value_t = 100)]
    pub table: usize,
    /// Most hub-label entries (0 builds none), as `vmeste serve`.
    #[arg(long, default_value_t = 25_000_000)]
    pub hub_label_entries: usize,
    /// Runs of each measurement (the best is kept).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Numbers of closures to measure: the named bridge, then random roads of the largest
    /// component (one way each).
    #[arg(long, value_delimiter = ',', default_value = "1,10,100")]
    pub closures: Vec<usize>,
    /// Measure over HTTP against the server at this address (`127.0.0.1:5000`, serving the
    /// same graph with a store): `POST /v1/closures` to the first `/route` answer that avoids
    /// the closed roads, and to `/health` listing the metric in use.
    #[arg(long)]
    pub http: Option<String>,
    /// A file holding an admin or coordinator token for `--http`.
    #[arg(long, requires = "http")]
    pub token_file: Option<PathBuf>,
}

/// Seconds per query of each kind: `[cost, route, table]`, best of `runs`.
fn measure(
    engine: &Engine,
    profile: &str,
    pairs: &[(Location, Location)],
    table: &[Location],
    runs: usize,
) -> anyhow::Result<([f64; 3], Vec<Option<u32>>)> {
    let placed: Vec<_> = pairs
        .iter()
        .map(|&(a, b)| Ok((engine.place(profile, a)?, engine.place(profile, b)?)))
        .collect::<Result<_, engine::dispatch::DispatchError>>()?;
    let mut best = [f64::INFINITY; 3];
    let mut costs = Vec::new();
    for _ in 0..runs.max(1) {
        costs.clear();
        let t = Instant::now();
        for (a, b) in &placed {
            let c = engine.placed_costs(profile, &[*a], &[*b])?;
            costs.push(c[0].map(|c| c.duration.0));
        }
        best[0] = best[0].min(t.elapsed().as_secs_f64() / placed.len().max(1) as f64);
        let t = Instant::now();
        for &(a, b) in pairs {
            match engine.route(profile, &[a, b]) {
                Ok(r) => {
                    std::hint::black_box(r);
                }
                Err(engine::dispatch::DispatchError::NoRoute { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        best[1] = best[1].min(t.elapsed().as_secs_f64() / pairs.len().max(1) as f64);
        let all: Vec<usize> = (0..table.len()).collect();
        let t = Instant::now();
        std::hint::black_box(engine.table(profile, table, &all, &all)?);
        best[2] = best[2].min(t.elapsed().as_secs_f64());
    }
    Ok((best, costs))
}

/// The closures of one measurement: the bridge's ways, then `count - 1` random ways (one
/// closure each).
fn closures_of(
    g: &engine::graph::RoadGraph,
    bridge: &[i64],
    count: usize,
    seed: u64,
    now: Time,
) -> anyhow::Result<Vec<engine::closures::Closure>> {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let main = (0..g.num_nodes())
        .filter_map(|n| u32::try_from(n).ok().map(engine::types::NodeId))
        .map(|n| g.component(n))
        .max_by_key(|&c| g.component_size(c));
    let mut targets = vec![bridge.to_vec()];
    let mut guard = 0;
    while targets.len() < count && guard < 1_000_000 {
        guard += 1;
        let e = EdgeId(rng.random_range(0..u32::try_from(g.num_edges())?));
        if Some(g.component(g.edge_tail(e))) == main {
            targets.push(vec![g.edge_way(e).0]);
        }
    }
    targets
        .into_iter()
        .map(|ways| {
            NewClosure {
                target: ClosureTarget::Ways(ways),
                profiles: Vec::new(),
                starts_at: None,
                ends_at: None,
                reason: "benchmark".into(),
            }
            .validate(now, "admin:0")
            .map_err(|e| anyhow::anyhow!("{e}"))
        })
        .collect()
}

/// Waits until the closures in force are answered by a customized metric.
fn wait_customized(engine: &Engine, profile: &str) -> anyhow::Result<f64> {
    let t = Instant::now();
    while !engine.is_customized(profile) {
        anyhow::ensure!(
            t.elapsed().as_secs() < 120,
            "no customized metric after 120 s"
        );
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    Ok(t.elapsed().as_secs_f64())
}

/// Prints one line per query kind: open against closed.
fn print_ratios(label: &str, open: &[f64; 3], closed: &[f64; 3]) {
    for (k, what, unit, scale) in [
        (0, "cost (one pair, as candidates)", "us", 1e6),
        (1, "route (snap + legs, as OSRM)", "us", 1e6),
        (2, "table (square)", "ms", 1e3),
    ] {
        outln!(
            "{label:<14} {what:<32} open {:>9.1} {unit}  closed {:>9.1} {unit}  ratio {:.2}x  [bar <= 2x]",
            open[k] * scale,
            closed[k] * scale,
            closed[k] / open[k]
        );
    }
}

/// The ways named `name` in the graph, sorted.
fn named_ways(g: &engine::graph::RoadGraph, name: &str) -> anyhow::Result<Vec<i64>> {
    let mut ways: Vec<i64> = (0..g.num_edges())
        .filter_map(|i| u32::try_from(i).ok().map(EdgeId))
        .filter(|&e| g.edge_name(e) == name)
        .map(|e| g.edge_way(e).0)
        .collect();
    ways.sort_unstable();
    ways.dedup();
    anyhow::ensure!(!ways.is_empty(), "no way of the graph is named {name:?}");
    Ok(ways)
}

/// `vmeste bench closures --http`: the same closures, posted to a running server.
fn run_http(
    engine: &Engine,
    profile: &str,
    addr: &str,
    args: &BenchClosuresArgs,
) -> anyhow::Result<()> {
    let path = args
        .token_file
        .as_ref()
        .context("--http needs --token-file")?;
    let token =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let g = engine.graph(profile).context("the loaded profile")?;
    let ways = named_ways(g, &args.name)?;
    let (drawn, _) = super::bench_routing::draw(g, 42, args.pairs, 0);
    let pairs: Vec<(Location, Location)> = drawn
        .iter()
        .map(|p| (Location::new(p[0], p[1]), Location::new(p[2], p[3])))
        .collect();
    let now = Time(1_800_000_000);
    let sets = args
        .closures
        .iter()
        .map(|&count| closures_of(g, &ways, count.max(1), count as u64, now))
        .collect::<anyhow::Result<Vec<_>>>()?;
    super::bench_closures_http::run(
        engine,
        profile,
        addr,
        token.trim(),
        &pairs,
        &sets,
        args.runs,
    )
}

/// Runs `vmeste bench closures`.
///
/// # Errors
/// An unreadable graph, no way of that name, a failing query.
pub fn run(args: &BenchClosuresArgs) -> anyhow::Result<()> {
    let mut engine = Engine::new();
    let profile = engine
        .add_graph_file(&args.graph)
        .with_context(|| format!("loading {}", args.graph.display()))?;
    if let Some(addr) = &args.http {
        return run_http(&engine, &profile, addr, args);
    }
    let t = Instant::now();
    engine.build_hub_labels(args.hub_label_entries);
    let labels_s = t.elapsed().as_secs_f64();
    let g = engine.graph(&profile).context("the loaded profile")?;
    let ways = named_ways(g, &args.name)?;
    let (drawn, points) = super::bench_routing::draw(g, 42, args.pairs, args.table);
    let pairs: Vec<(Location, Location)> = drawn
        .iter()
        .map(|p| (Location::new(p[0], p[1]), Location::new(p[2], p[3])))
        .collect();
    let table: Vec<Location> = points.iter().map(|p| Location::new(p[0], p[1])).collect();

    let now = Time(1_800_000_000);
    outln!(
        "closures on {} ({profile}): {} nodes, {} edges; hub labels {labels_s:.1} s; {} pairs, table {4} x {4}",
        args.graph.display(),
        g.num_nodes(),
        g.num_edges(),
        pairs.len(),
        table.len()
    );
    let mut matchers = Matchers::new();
    let t = Instant::now();
    engine.build_cch_in_background();
    engine.customize_now(&profile)?;
    outln!(
        "customizable hierarchy order (background thread, waited for): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    for &count in &args.closures {
        let closures = closures_of(g, &ways, count.max(1), count as u64, now)?;
        let (open, open_costs) = measure(&engine, &profile, &pairs, &table, args.runs)?;
        // Applying: the first time builds the way index of the graph; later ones reuse it.
        let t = Instant::now();
        let applied = apply(&engine, &mut matchers, &closures, now)?;
        let apply_s = t.elapsed().as_secs_f64();
        let metric_s = apply_s + wait_customized(&engine, &profile)?;
        let edges: usize = applied.iter().map(|p| p.edges).sum();
        let (closed, closed_costs) = measure(&engine, &profile, &pairs, &table, args.runs)?;
        let affected = open_costs
            .iter()
            .zip(&closed_costs)
            .filter(|(a, b)| a != b)
            .count();
        let t = Instant::now();
        apply(&engine, &mut matchers, &[], now)?;
        let lift = t.elapsed().as_secs_f64();
        outln!(
            "{} closures ({edges} directed edges, {affected} of {} pairs change cost): apply {:.2} ms, metric in use {:.1} ms after  [bar <= 1 s]; lift {:.2} ms",
            closures.len(),
            pairs.len(),
            apply_s * 1e3,
            metric_s * 1e3,
            lift * 1e3
        );
        print_ratios(&format!("{} closures", closures.len()), &open, &closed);
    }
    Ok(())
}
