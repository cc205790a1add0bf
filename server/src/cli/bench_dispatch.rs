//! `vmeste bench dispatch`: the dynamic ORTEC day ([`engine::vrp::dynamic`]) for each case
//! of `ortec/dynamic/NAME.seedS.csv`, with the strategies `greedy`, `lazy`, `vmeste` (send
//! the planned routes that carry a request that must go) and the `hindsight` bound. Every
//! strategy's routes are replayed by [`dynamic::check_plan`]. One line per case with each
//! strategy's total driving duration, the competition's published `baseline_greedy` and
//! `baseline_lazy` (HGS, 120 s per epoch, from `anchors.csv`), and a summary line.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use engine::vrp::dynamic::{self, Day, Strategy};
use engine::vrp::io::Instance;

use super::bench_ortec::select;
use super::bench_vrp::{csv_fields, default_data};
use super::solve::solver_config;

/// Arguments of `vmeste bench dispatch`.
#[derive(Debug, Args)]
pub struct BenchDispatchArgs {
    /// Time limit per epoch, in seconds (the hindsight solve gets all epochs' budget).
    #[arg(long, default_value_t = 5.0)]
    pub time_limit: f64,
    /// The N smallest cases (a number) or a name pattern.
    #[arg(long)]
    pub instances: Option<String>,
    /// Strategies to run, comma-separated (`greedy,lazy,vmeste,hindsight`).
    #[arg(long, default_value = "greedy,lazy,vmeste,hindsight")]
    pub strategies: String,
    /// The folder holding the sets (default `../shared/data/vrp` beside the workspace).
    #[arg(long)]
    pub data: Option<std::path::PathBuf>,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads per solve.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
}

fn strategy(name: &str) -> anyhow::Result<Strategy> {
    [
        Strategy::Greedy,
        Strategy::Lazy,
        Strategy::MustRoutes,
        Strategy::Hindsight,
    ]
    .into_iter()
    .find(|s| s.name() == name.trim())
    .with_context(|| format!("unknown strategy {name:?} (greedy, lazy, vmeste, hindsight)"))
}

/// `baseline_greedy` and `baseline_lazy` of the dynamic rows of `anchors.csv`.
fn published(path: &Path) -> anyhow::Result<HashMap<String, (String, String)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut lines = text.lines();
    let header = csv_fields(lines.next().unwrap_or_default());
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(g), Some(l), Some(v)) =
        (col("baseline_greedy"), col("baseline_lazy"), col("variant"))
    else {
        anyhow::bail!(
            "{}: no baseline_greedy/baseline_lazy/variant columns",
            path.display()
        );
    };
    let mut out = HashMap::new();
    for line in lines {
        let f = csv_fields(line);
        if f.get(v).map(|s| s.trim()) == Some("dynamic") {
            let get = |i: usize| f.get(i).map_or_else(String::new, |s| s.trim().to_string());
            out.insert(get(0), (get(g), get(l)));
        }
    }
    Ok(out)
}

/// Runs `vmeste bench dispatch`.
///
/// # Errors
/// Missing data, a malformed instance or stream, a solver failure.
pub fn run(args: &BenchDispatchArgs) -> anyhow::Result<()> {
    let root = args.data.clone().unwrap_or_else(default_data).join("ortec");
    let strategies: Vec<Strategy> = args
        .strategies
        .split(',')
        .map(strategy)
        .collect::<anyhow::Result<_>>()?;
    let config = solver_config(Some(args.time_limit), None, args.seed, args.threads)?;
    let baselines = published(&root.join("anchors.csv"))?;
    let dir = root.join("dynamic");
    let mut cases: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .filter_map(|p| {
            let stem = p.file_name()?.to_str()?.split(".seed").next()?.to_string();
            Some((stem, p))
        })
        .collect();
    cases = select(cases, |c| c.0.as_str(), args.instances.as_deref());
    anyhow::ensure!(!cases.is_empty(), "no dynamic case matches");
    let mut out = std::io::stdout().lock();
    let mut head = format!("{:<38} {:>4} {:>3}", "case", "req", "ep");
    for s in &strategies {
        head += &format!(" {:>10}", s.name());
    }
    head += &format!(" {:>10} {:>10} {:>7}", "pub.greedy", "pub.lazy", "sec");
    writeln!(out, "{head}")?;
    let mut totals: HashMap<Strategy, Vec<f64>> = HashMap::new();
    let mut all_ok = true;
    for (name, stream) in &cases {
        let instance =
            Instance::from_path(&root.join("instances").join(format!("{name}.txt")), None)
                .with_context(|| format!("cannot load instance {name}"))?;
        let text = std::fs::read_to_string(stream)
            .with_context(|| format!("cannot read {}", stream.display()))?;
        let day = Day::new(&instance, dynamic::read_requests(&text)?)?;
        let (first, last) = day.epochs();
        let mut line = format!(
            "{:<38} {:>4} {:>3}",
            name,
            day.requests().len(),
            last - first + 1
        );
        let started = Instant::now();
        for &s in &strategies {
            let plan = dynamic::simulate(&day, s, &config)?;
            let checked = dynamic::check_plan(&day, &plan.routes, s == Strategy::Hindsight);
            let cell = match checked {
                Ok(cost) if cost == plan.cost => {
                    #[expect(clippy::cast_precision_loss, reason = "costs are far below 2^53")]
                    totals.entry(s).or_default().push(cost as f64);
                    cost.to_string()
                }
                _ => {
                    all_ok = false;
                    "INFEASIBLE".to_string()
                }
            };
            line += &format!(" {cell:>10}");
        }
        let (g, l) = baselines.get(name).cloned().unwrap_or_default();
        line += &format!(" {g:>10} {l:>10} {:>7.1}", started.elapsed().as_secs_f64());
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    let mut summary = format!(
        "summary: {} cases, {} s per epoch, {} thread(s), every plan feasible by the replay: {}; mean cost",
        cases.len(),
        args.time_limit,
        args.threads,
        if all_ok { "yes" } else { "NO" }
    );
    #[expect(clippy::cast_precision_loss, reason = "case counts are tiny")]
    let mean = |v: &Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
    for s in &strategies {
        if let Some(v) = totals.get(s).filter(|v| v.len() == cases.len()) {
            summary += &format!(" {} {:.0}", s.name(), mean(v));
        }
    }
    let m = |s: Strategy| totals.get(&s).filter(|v| v.len() == cases.len()).map(mean);
    if let (Some(v), Some(g)) = (m(Strategy::MustRoutes), m(Strategy::Greedy)) {
        summary += &format!("; vmeste vs greedy {:+.2} %", 100.0 * (v - g) / g);
    }
    if let (Some(v), Some(h)) = (m(Strategy::MustRoutes), m(Strategy::Hindsight)) {
        summary += &format!("; vmeste vs hindsight {:+.2} %", 100.0 * (v - h) / h);
    }
    writeln!(out, "{summary}")?;
    anyhow::ensure!(all_ok, "a plan broke the dynamic rules");
    Ok(())
}
