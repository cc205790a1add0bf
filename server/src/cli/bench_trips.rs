//! `vmeste bench trips <graph>`: multi-day trip planning on a graph file from random
//! settlements: the whole plan (reachability, matrix, search, geometry) and the search
//! alone for each size, days and overnight policy; then the gap of the search to brute
//! force on small trips of the same graph.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use engine::dispatch::Engine;
use engine::trips::{
    DayWindow, Overnight, RoadPoint, RoadTrip, TripConfig, TripStop, brute_force, check::check,
    plan_on_roads, solve,
};
use engine::types::{LonLat, NodeId};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::bench_routing::percentiles;

/// Arguments of `vmeste bench trips`.
#[derive(Debug, clap::Args)]
pub struct BenchTripsArgs {
    /// The graph file written by `vmeste import`.
    pub graph: PathBuf,
    /// Settlement counts, comma-separated.
    #[arg(long, default_value = "12,25,50")]
    pub sizes: String,
    /// Trip lengths in days, comma-separated.
    #[arg(long, default_value = "3,5")]
    pub days: String,
    /// Random trips per size and length.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Search iterations.
    #[arg(long, default_value_t = 1_000)]
    pub iterations: u32,
    /// Small trips (6 settlements, 3 days) compared with brute force, per policy.
    #[arg(long, default_value_t = 10)]
    pub brute: usize,
    /// Seed of the points.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

fn list(s: &str) -> anyhow::Result<Vec<u32>> {
    s.split(',')
        .map(|x| {
            x.trim()
                .parse()
                .with_context(|| format!("{x:?} is not a count"))
        })
        .collect()
}

/// A random trip on the largest component: `n` settlements of 1 h, 3 lodging points.
fn random_trip(
    engine: &Engine,
    profile: &str,
    rng: &mut Pcg64,
    n: usize,
    days: u32,
    overnight: Overnight,
) -> anyhow::Result<RoadTrip> {
    let g = engine.graph(profile).context("the profile just loaded")?;
    let nodes = u32::try_from(g.num_nodes()).context("node count")?;
    let mut pick = || loop {
        let v = NodeId(rng.random_range(0..nodes));
        if g.component(v) == 0 {
            break g.node_lonlat(v);
        }
    };
    let origin: LonLat = pick();
    let point = |i: usize, at: LonLat| RoadPoint {
        name: format!("{i}"),
        at,
    };
    Ok(RoadTrip {
        profile: profile.to_owned(),
        origin,
        vehicles: 1,
        stops: (0..n)
            .map(|i| TripStop {
                point: point(i, pick()),
                service_s: 3_600,
                days: vec![],
                windows: vec![],
                priority: 0,
            })
            .collect(),
        lodgings: (0..3).map(|i| point(i, pick())).collect(),
        days,
        hours: DayWindow {
            start_s: 9 * 3_600,
            end_s: 19 * 3_600,
        },
        max_driving_s: 3 * 3_600,
        overnight,
        exclude: engine::osm::ExcludeSet::EMPTY,
    })
}

const POLICIES: [Overnight; 3] = [Overnight::Home, Overnight::Settlement, Overnight::Lodging];

/// Runs `vmeste bench trips`.
///
/// # Errors
/// Unreadable graph, bad lists, a failed plan or a plan failing the checker.
pub fn run(args: &BenchTripsArgs) -> anyhow::Result<()> {
    let mut engine = Engine::new();
    let profile = engine
        .add_graph_file(&args.graph)
        .with_context(|| format!("reading {}", args.graph.display()))?;
    let mut rng = Pcg64::seed_from_u64(args.seed);
    let config = TripConfig {
        iterations: args.iterations,
        seed: 1,
        ..TripConfig::default()
    };
    outln!(
        "graph {} ({profile}), {} iterations",
        args.graph.display(),
        args.iterations
    );
    outln!("settlements days overnight  plan_ms(p50,p99)  search_ms(p50,p99)  visited  driving_h");
    for n in list(&args.sizes)? {
        for days in list(&args.days)? {
            for overnight in POLICIES {
                let (mut plan_ms, mut search_ms) = (Vec::new(), Vec::new());
                let (mut visited, mut driving) = (0, 0);
                for _ in 0..args.runs {
                    let trip =
                        random_trip(&engine, &profile, &mut rng, n as usize, days, overnight)?;
                    let t = Instant::now();
                    let planned = plan_on_roads(&engine, &trip, &config)?;
                    plan_ms.push(t.elapsed().as_secs_f64() * 1e3);
                    let t = Instant::now();
                    let it = solve(&planned.problem, &config)?;
                    search_ms.push(t.elapsed().as_secs_f64() * 1e3);
                    let totals = check(&planned.problem, &it)
                        .map_err(|v| anyhow::anyhow!("the plan fails the checker: {v}"))?;
                    visited += totals.visited;
                    driving += totals.driving_s;
                }
                let (p, s) = (percentiles(&mut plan_ms), percentiles(&mut search_ms));
                #[expect(clippy::cast_precision_loss, reason = "small counts")]
                let runs = args.runs.max(1) as f64;
                #[expect(clippy::cast_precision_loss, reason = "seconds of a few trips")]
                let hours = driving as f64 / 3_600.0 / runs;
                outln!(
                    "{n:>11} {days:>4} {:<10} {:>8.1} {:>8.1}  {:>8.1} {:>8.1}  {:>7.1}  {hours:>9.2}",
                    overnight.as_str(),
                    p.0,
                    p.1,
                    s.0,
                    s.1,
                    visited as f64 / runs,
                );
            }
        }
    }
    if args.brute > 0 {
        outln!("brute force: 6 settlements, 3 days, 09:00-13:00, 3 h driving, 1 h service");
        outln!(
            "overnight  cases  optimal  same_left_out  mean_gap_%  max_gap_%  search_ms_p50  brute_ms_p50"
        );
    }
    for overnight in POLICIES.iter().copied().filter(|_| args.brute > 0) {
        let (mut optimal, mut same, mut gaps) = (0, 0, Vec::new());
        let (mut search_ms, mut brute_ms) = (Vec::new(), Vec::new());
        for _ in 0..args.brute {
            let mut trip = random_trip(&engine, &profile, &mut rng, 6, 3, overnight)?;
            trip.hours.end_s = 13 * 3_600;
            let p = plan_on_roads(&engine, &trip, &config)?.problem;
            let t = Instant::now();
            let fast = solve(&p, &config)?;
            search_ms.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            let slow = brute_force(&p)?;
            brute_ms.push(t.elapsed().as_secs_f64() * 1e3);
            let bad = |v| anyhow::anyhow!("fails the checker: {v}");
            let (f, s) = (
                check(&p, &fast).map_err(bad)?,
                check(&p, &slow).map_err(bad)?,
            );
            if f.unplanned_weight == s.unplanned_weight {
                same += 1;
                #[expect(clippy::cast_precision_loss, reason = "seconds of a trip")]
                gaps.push(
                    (f.driving_s as f64 - s.driving_s as f64) / (s.driving_s.max(1) as f64) * 100.0,
                );
                if f.driving_s == s.driving_s {
                    optimal += 1;
                }
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "small counts")]
        let mean = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
        let max = gaps.iter().copied().fold(0.0, f64::max);
        outln!(
            "{:<10} {:>5} {optimal:>8} {same:>14} {mean:>11.2} {max:>10.2} {:>14.1} {:>13.1}",
            overnight.as_str(),
            args.brute,
            percentiles(&mut search_ms).0,
            percentiles(&mut brute_ms).0,
        );
    }
    Ok(())
}
