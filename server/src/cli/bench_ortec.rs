//! `vmeste bench vrp --set ortec`: the static ORTEC grocery-delivery instances against their
//! best-known costs (`bks.csv`: `instance, cost, source, found_by, time_limit_s, routes,
//! verified`), optionally with PyVRP back to back (`--pyvrp PYTHON` runs the anchor script
//! `anchors/vrp/run_ortec_pyvrp.py` beside the `data/` folder (`<data>/../../anchors`), same
//! budget and seed, and re-checks its routes with vmeste's checker). Cost = total driving
//! duration; gap = `100 × (cost − BKS) / BKS`. `--instances N` (a number) takes the N smallest
//! instances; a pattern filters names.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use engine::vrp::io::Instance;
use engine::vrp::{StopKind, check};
use serde_json::json;

use super::bench_vrp::{BenchVrpArgs, csv_rows, default_data, glob_match, instance_file};
use super::solve::{solve_and_check, solver_config};

/// One line of the ORTEC `bks.csv`.
#[derive(Clone, Debug)]
pub(crate) struct OrtecBks {
    /// Instance name.
    pub(crate) instance: String,
    /// Best-known total driving duration.
    pub(crate) cost: u64,
    /// Its route count.
    pub(crate) routes: usize,
}

/// Customers of an ORTEC instance, from the `-nNNN-` of its name.
pub(crate) fn customers_in_name(name: &str) -> usize {
    name.rsplit_once("-n")
        .map(|(_, t)| {
            t.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .and_then(|d| d.parse().ok())
        .unwrap_or(0)
}

/// Reads the ORTEC `bks.csv`.
pub(crate) fn read_ortec_bks(path: &Path) -> anyhow::Result<Vec<OrtecBks>> {
    let mut out = Vec::new();
    for (n, f) in csv_rows(path, 6)? {
        let bad = || format!("{}:{n}: malformed ORTEC BKS line", path.display());
        out.push(OrtecBks {
            instance: f[0].trim().to_string(),
            cost: f[1].trim().parse().with_context(bad)?,
            routes: f[5].trim().parse().with_context(bad)?,
        });
    }
    Ok(out)
}

/// The instances selected by `--instances` (a count: the smallest; else a name pattern).
pub(crate) fn select<T>(
    mut items: Vec<T>,
    name: impl Fn(&T) -> &str,
    pick: Option<&str>,
) -> Vec<T> {
    items.sort_by(|a, b| {
        (customers_in_name(name(a)), name(a)).cmp(&(customers_in_name(name(b)), name(b)))
    });
    match pick {
        Some(p) => match p.parse::<usize>() {
            Ok(n) => {
                items.truncate(n);
                items
            }
            Err(_) => items
                .into_iter()
                .filter(|i| glob_match(p, name(i)))
                .collect(),
        },
        None => items,
    }
}

/// PyVRP's result on one instance, re-checked.
struct PyvrpRow {
    cost: u64,
    routes: usize,
    feasible: bool,
    seconds: f64,
}

/// Runs the anchor script on one instance and checks its routes with vmeste's checker.
fn run_pyvrp(
    python: &Path,
    script: &Path,
    instance: &Instance,
    path: &Path,
    budget: f64,
    seed: u64,
) -> anyhow::Result<PyvrpRow> {
    let out = Command::new(python)
        .arg(script)
        .arg("--budget")
        .arg(budget.to_string())
        .arg("--seed")
        .arg(seed.to_string())
        .arg(path)
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    anyhow::ensure!(
        out.status.success(),
        "PyVRP failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    let doc: serde_json::Value = serde_json::from_str(line.trim()).context("PyVRP output")?;
    let mut routes = Vec::new();
    for (r, route) in doc["routes"].as_array().into_iter().flatten().enumerate() {
        let stops = route
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_u64)
            .filter_map(|c| usize::try_from(c).ok()?.checked_sub(1).map(StopKind::Job))
            .collect();
        routes.push((r, stops));
    }
    let solution = check::build_solution(&instance.problem, &routes);
    let verdict = instance.verify(&solution);
    Ok(PyvrpRow {
        cost: solution.distance,
        routes: routes.len(),
        feasible: verdict.feasible && solution.unassigned.is_empty(),
        seconds: doc["wall_s"].as_f64().unwrap_or(f64::NAN),
    })
}

fn gap(cost: u64, bks: u64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "costs are far below 2^53")]
    let (c, b) = (cost as f64, bks as f64);
    100.0 * (c - b) / b
}

fn mean(v: &[f64]) -> Option<f64> {
    #[expect(clippy::cast_precision_loss, reason = "instance counts are tiny")]
    let n = v.len() as f64;
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / n)
}

/// Runs `vmeste bench vrp --set ortec`.
///
/// # Errors
/// A missing data folder or `bks.csv`, a malformed instance, a solver or PyVRP failure.
pub fn run(args: &BenchVrpArgs) -> anyhow::Result<()> {
    let data = args.data.clone().unwrap_or_else(default_data);
    let root = data.join("ortec");
    let table = select(
        read_ortec_bks(&root.join("bks.csv"))?,
        |b| b.instance.as_str(),
        args.instances.as_deref(),
    );
    let mut table = table;
    table.truncate(args.limit.unwrap_or(usize::MAX));
    anyhow::ensure!(!table.is_empty(), "no ORTEC instance matches");
    let config = solver_config(
        Some(args.time_limit),
        args.iterations,
        args.seed,
        args.threads,
    )?;
    let script: PathBuf = data.join("../../anchors/vrp/run_ortec_pyvrp.py");
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<38} {:>4} {:>8} {:>8} {:>7} {:>4} {:>7} {:>8}{}",
        "instance",
        "n",
        "cost",
        "bks",
        "gap%",
        "rts",
        "sec",
        "feasible",
        if args.pyvrp.is_some() {
            "   pyvrp  gap%  rts    sec feasible"
        } else {
            ""
        }
    )?;
    let (mut gaps, mut py_gaps, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    let mut feasible_count = 0;
    for bks in &table {
        let dir = root.join("instances");
        let path = instance_file(&dir, &bks.instance)
            .with_context(|| format!("no instance file for {}", bks.instance))?;
        let instance = Instance::from_path(&path, None)
            .with_context(|| format!("cannot load instance {}", path.display()))?;
        let o = solve_and_check(&instance, &config)?;
        let ok = o.verdict.feasible && o.solution.unassigned.is_empty();
        let cost = o.solution.distance;
        if ok {
            feasible_count += 1;
            gaps.push(gap(cost, bks.cost));
        }
        let mut line = format!(
            "{:<38} {:>4} {:>8} {:>8} {:>7.2} {:>4} {:>7.1} {:>8}",
            bks.instance,
            instance.problem.jobs.len(),
            cost,
            bks.cost,
            gap(cost, bks.cost),
            o.solution.routes.len(),
            o.seconds,
            if ok { "yes" } else { "NO" }
        );
        let mut py = None;
        if let Some(python) = &args.pyvrp {
            let p = run_pyvrp(
                python,
                &script,
                &instance,
                &path,
                args.time_limit,
                args.seed,
            )?;
            if p.feasible {
                py_gaps.push(gap(p.cost, bks.cost));
            }
            line += &format!(
                " {:>8} {:>5.2} {:>4} {:>6.1} {:>8}",
                p.cost,
                gap(p.cost, bks.cost),
                p.routes,
                p.seconds,
                if p.feasible { "yes" } else { "NO" }
            );
            py = Some(json!({"cost": p.cost, "routes": p.routes, "feasible": p.feasible}));
        }
        writeln!(out, "{line}")?;
        out.flush()?;
        rows.push(json!({
            "instance": bks.instance, "cost": cost, "bks": bks.cost, "bks_routes": bks.routes,
            "routes": o.solution.routes.len(), "seconds": o.seconds, "feasible": ok, "pyvrp": py,
        }));
    }
    let pct = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.2} %"));
    let mut summary = format!(
        "summary: {} instances, {} feasible; vmeste mean gap {} at {} s, {} thread(s)",
        table.len(),
        feasible_count,
        pct(mean(&gaps)),
        args.time_limit,
        args.threads
    );
    if args.pyvrp.is_some() {
        summary += &format!(
            "; PyVRP mean gap {} ({} feasible, same budget, one thread)",
            pct(mean(&py_gaps)),
            py_gaps.len()
        );
    }
    if args.json {
        writeln!(out, "{}", json!({"instances": rows, "summary": summary}))?;
    }
    writeln!(out, "{summary}")?;
    Ok(())
}
