//! `vmeste bench optimize`: VROOM problems on a graph file, as a dispatch UI sends them to
//! `/optimize`: the time to turn the coordinates into the solver's matrices, to build the
//! first feasible plan, and to solve within a budget.
//!
//! Jobs and depots are placed on random nodes of the graph's largest component (fixed seed),
//! one delivery each; vehicles share the load evenly with some room to spare.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use engine::dispatch::{Engine, Location};
use engine::types::NodeId;
use engine::vrp::Construction;
use serde_json::{Value, json};

use crate::vroom::{Budget, DEFAULT_PROFILE};

/// Arguments of `vmeste bench optimize`.
#[derive(Debug, clap::Args)]
pub struct BenchOptimizeArgs {
    /// A car graph file from `vmeste import`.
    #[arg(long)]
    pub graph: PathBuf,
    /// Problem sizes as `JOBSxVEHICLES`.
    #[arg(long, value_delimiter = ',', default_value = "200x20,2000x100")]
    pub sizes: Vec<String>,
    /// Runs per size (medians are reported).
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Search budget of the full solve, in seconds (0: skip the full solve).
    #[arg(long, default_value_t = 1.0)]
    pub budget: f64,
    /// Random seed of the points.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// SplitMix64: a small deterministic generator for the points.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        usize::try_from(z % n.max(1) as u64).unwrap_or(0)
    }
}

/// A VROOM problem of `jobs` deliveries and `vehicles` vehicles on random nodes of the
/// largest component.
fn problem(engine: &Engine, jobs: usize, vehicles: usize, rng: &mut Rng) -> anyhow::Result<Value> {
    let g = engine
        .graph(DEFAULT_PROFILE)
        .context("the graph file must be a car graph")?;
    let big = (0..g.num_components())
        .filter_map(|c| u32::try_from(c).ok())
        .max_by_key(|&c| g.component_size(c))
        .context("empty graph")?;
    let nodes: Vec<u32> = (0..g.num_nodes())
        .filter_map(|n| u32::try_from(n).ok())
        .filter(|&n| g.component(NodeId(n)) == big)
        .collect();
    let mut point = || {
        let p = g.node_lonlat(NodeId(nodes[rng.below(nodes.len())]));
        json!([p.lon, p.lat])
    };
    let capacity = jobs.div_ceil(vehicles.max(1)) + 2;
    let vs: Vec<Value> = (0..vehicles)
        .map(|v| {
            let depot = point();
            json!({"id": v, "start": depot, "end": depot, "capacity": [capacity]})
        })
        .collect();
    let js: Vec<Value> = (0..jobs)
        .map(|j| json!({"id": j, "location": point(), "service": 120, "delivery": [1]}))
        .collect();
    Ok(json!({"vehicles": vs, "jobs": js}))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Runs `vmeste bench optimize`.
///
/// # Errors
/// A graph file that cannot be loaded, a malformed size, a failed solve.
pub fn run(args: &BenchOptimizeArgs) -> anyhow::Result<()> {
    let engine = super::serve::load_engine(std::slice::from_ref(&args.graph))?;
    let mut rng = Rng(args.seed);
    for size in &args.sizes {
        let (j, v) = size
            .split_once('x')
            .and_then(|(j, v)| Some((j.parse::<usize>().ok()?, v.parse::<usize>().ok()?)))
            .with_context(|| format!("size {size:?} is not JOBSxVEHICLES"))?;
        let (mut matrix_ms, mut first_ms, mut solve_ms) = (Vec::new(), Vec::new(), Vec::new());
        let (mut first_cost, mut best_cost, mut unassigned) = (Vec::new(), Vec::new(), 0);
        let mut phases = Value::Null;
        for _ in 0..args.runs.max(1) {
            let body = problem(&engine, j, v, &mut rng)?.to_string();
            // The matrices alone: every distinct point on the car graph.
            let doc: Value = serde_json::from_str(&body)?;
            let mut points: Vec<Location> = Vec::new();
            for p in doc["vehicles"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|x| &x["start"])
                .chain(
                    doc["jobs"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|x| &x["location"]),
                )
            {
                let (lon, lat) = (p[0].as_f64().unwrap_or(0.0), p[1].as_f64().unwrap_or(0.0));
                points.push(Location::new(lon, lat));
            }
            let t = Instant::now();
            let m = engine.solver_matrix(DEFAULT_PROFILE, &points)?;
            matrix_ms.push(t.elapsed().as_secs_f64() * 1e3);
            anyhow::ensure!(m.unplaced.is_empty(), "graph nodes must snap");
            let problem = crate::vroom::problem(Some(&engine), body.as_bytes())?;
            let t = Instant::now();
            let first = engine::vrp::construct(&problem, Construction::Greedy, args.seed)?;
            first_ms.push(t.elapsed().as_secs_f64() * 1e3);
            first_cost.push(first.cost as f64);
            if args.budget > 0.0 {
                let budget = Budget {
                    default: Duration::try_from_secs_f64(args.budget)?,
                    max: Duration::try_from_secs_f64(args.budget)?,
                    seed: args.seed,
                    iterations: None,
                };
                let t = Instant::now();
                let out = crate::vroom::optimize(Some(&engine), body.as_bytes(), budget)?;
                solve_ms.push(t.elapsed().as_secs_f64() * 1e3);
                best_cost.push(out["summary"]["cost"].as_f64().unwrap_or(f64::NAN));
                unassigned += out["summary"]["unassigned"].as_u64().unwrap_or(0);
                phases = out["summary"]["computing_times"].clone();
            }
        }
        outln!(
            "bench optimize {j} jobs x {v} vehicles on {} (median of {}): matrices {:.1} ms, \
             first feasible plan {:.1} ms (cost {:.0}){}",
            args.graph.display(),
            args.runs.max(1),
            median(matrix_ms),
            median(first_ms),
            median(first_cost),
            if solve_ms.is_empty() {
                String::new()
            } else {
                format!(
                    ", whole /optimize at {} s budget {:.0} ms (cost {:.0}, {unassigned} unassigned in all runs; last run's computing_times {phases})",
                    args.budget,
                    median(solve_ms),
                    median(best_cost)
                )
            }
        );
    }
    Ok(())
}
