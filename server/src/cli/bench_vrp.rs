//! `vmeste bench vrp`: run the solver on a benchmark set and compare with the best-known
//! solutions.
//!
//! Reads `<data>/<set>/instances/` and `<data>/<set>/bks.csv` (default data folder:
//! `../shared/data/vrp` beside the workspace, or `$VMESTE_SHARED_DATA/vrp`), solves each
//! instance single-run with the given budget, re-checks each solution with the independent
//! checker in the instance's own convention, and prints one row per instance and a summary:
//! for the hierarchical sets (Solomon, Homberger, Li & Lim) the instances at the BKS vehicle
//! count and the mean distance gap on those, plus the mean extra vehicles; for CVRPLIB X the
//! mean gap. Gaps are `100 × (distance − BKS) / BKS`, on feasible solutions serving every task.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use engine::vrp::io::Instance;
use serde_json::json;

use super::solve::{objective_name, solve_and_check, solver_config};

/// Arguments of `vmeste bench vrp`.
#[derive(Debug, Args)]
pub struct BenchVrpArgs {
    /// The benchmark set.
    #[arg(long, value_enum)]
    pub set: VrpSet,
    /// Time limit per instance, in seconds.
    #[arg(long, default_value_t = 10.0)]
    pub time_limit: f64,
    /// Iteration limit per instance (in addition to the time limit).
    #[arg(long)]
    pub iterations: Option<u64>,
    /// Only instances whose name matches this pattern (`*` and `?` wildcards, e.g. `R1*`).
    #[arg(long)]
    pub instances: Option<String>,
    /// At most this many instances (after the pattern, in name order).
    #[arg(long)]
    pub limit: Option<usize>,
    /// The folder holding the sets (default `../shared/data/vrp` beside the workspace).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads per solve.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Print one JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
    /// `ortec` only: a Python with PyVRP; runs the anchor `run_ortec_pyvrp.py` on each
    /// instance right after vmeste, same budget and seed, and checks its routes with vmeste's
    /// checker.
    #[arg(long)]
    pub pyvrp: Option<PathBuf>,
}

/// The benchmark sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VrpSet {
    /// Solomon VRPTW, 56 instances of 100 customers.
    Solomon,
    /// Gehring & Homberger, 200 customers.
    #[value(name = "homberger-200")]
    Homberger200,
    /// Gehring & Homberger, 600 customers.
    #[value(name = "homberger-600")]
    Homberger600,
    /// Gehring & Homberger, 800 customers.
    #[value(name = "homberger-800")]
    Homberger800,
    /// Gehring & Homberger, 1000 customers.
    #[value(name = "homberger-1000")]
    Homberger1000,
    /// CVRPLIB X.
    X,
    /// Li & Lim PDPTW, 100 tasks.
    Lilim,
    /// ORTEC grocery delivery (EURO Meets NeurIPS 2022), asymmetric road durations;
    /// `--instances N` takes the N smallest.
    Ortec,
}

impl VrpSet {
    /// Folder of the set under the data folder.
    fn folder(self) -> &'static str {
        match self {
            VrpSet::Solomon => "solomon",
            VrpSet::Homberger200 => "homberger/200",
            VrpSet::Homberger600 => "homberger/600",
            VrpSet::Homberger800 => "homberger/800",
            VrpSet::Homberger1000 => "homberger/1000",
            VrpSet::X => "x",
            VrpSet::Lilim => "lilim/100",
            VrpSet::Ortec => "ortec",
        }
    }

    /// Vehicles first, then distance (otherwise distance only).
    fn hierarchical(self) -> bool {
        self != VrpSet::X && self != VrpSet::Ortec
    }
}

/// One line of a `bks.csv`.
#[derive(Clone, Debug)]
struct Bks {
    instance: String,
    vehicles: usize,
    distance: f64,
}

/// The result on one instance.
#[derive(Clone, Debug)]
struct Row {
    instance: String,
    vehicles: usize,
    distance: f64,
    unassigned: usize,
    bks: Bks,
    seconds: f64,
    feasible: bool,
}

impl Row {
    /// Feasible and serving every task: comparable with the BKS.
    fn complete(&self) -> bool {
        self.feasible && self.unassigned == 0
    }

    fn gap(&self) -> f64 {
        100.0 * (self.distance - self.bks.distance) / self.bks.distance
    }
}

/// Splits one CSV line (double-quoted fields may hold commas).
pub(crate) fn csv_fields(line: &str) -> Vec<String> {
    let (mut fields, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

/// The data rows of a CSV file (header skipped, blank lines left out), each with its 1-based
/// line number, checked to hold at least `min_fields` fields.
pub(crate) fn csv_rows(
    path: &Path,
    min_fields: usize,
) -> anyhow::Result<Vec<(usize, Vec<String>)>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let f = csv_fields(line);
        anyhow::ensure!(
            f.len() >= min_fields,
            "{}:{}: malformed line ({} fields, {min_fields} expected)",
            path.display(),
            n + 1,
            f.len()
        );
        out.push((n + 1, f));
    }
    Ok(out)
}

/// Reads `bks.csv` (`instance, customers, vehicles, distance, …`).
fn read_bks(path: &Path) -> anyhow::Result<Vec<Bks>> {
    let mut out = Vec::new();
    for (n, f) in csv_rows(path, 4)? {
        let bad = || format!("{}:{n}: malformed BKS line", path.display());
        out.push(Bks {
            instance: f[0].trim().to_string(),
            vehicles: f[2].trim().parse().with_context(bad)?,
            distance: f[3].trim().parse().with_context(bad)?,
        });
    }
    Ok(out)
}

/// `name` matches `pattern` with `*` (any run) and `?` (any one character).
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// The default data folder: `$VMESTE_SHARED_DATA/vrp`, else `../shared/data/vrp` beside the
/// workspace this binary was built from, else relative to the current folder.
pub(crate) fn default_data() -> PathBuf {
    if let Ok(dir) = std::env::var("VMESTE_SHARED_DATA") {
        return PathBuf::from(dir).join("vrp");
    }
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/vrp");
    if beside.is_dir() {
        beside
    } else {
        PathBuf::from("../shared/data/vrp")
    }
}

/// The instance file of `name` in `dir` (`.txt` or `.vrp`).
pub(crate) fn instance_file(dir: &Path, name: &str) -> Option<PathBuf> {
    ["txt", "vrp"]
        .iter()
        .map(|e| dir.join(format!("{name}.{e}")))
        .find(|p| p.is_file())
}

/// Runs `vmeste bench vrp`.
///
/// # Errors
/// A missing set folder or `bks.csv`, a malformed instance, bad limits or a solver error.
pub fn run(args: &BenchVrpArgs) -> anyhow::Result<()> {
    if args.set == VrpSet::Ortec {
        return super::bench_ortec::run(args);
    }
    let root = args
        .data
        .clone()
        .unwrap_or_else(default_data)
        .join(args.set.folder());
    let mut table = read_bks(&root.join("bks.csv"))?;
    table.sort_by(|a, b| a.instance.cmp(&b.instance));
    table.retain(|b| {
        args.instances
            .as_deref()
            .is_none_or(|p| glob_match(p, &b.instance))
    });
    table.truncate(args.limit.unwrap_or(usize::MAX));
    anyhow::ensure!(
        !table.is_empty(),
        "no instance of {} matches",
        root.display()
    );
    let config = solver_config(
        Some(args.time_limit),
        args.iterations,
        args.seed,
        args.threads,
    )?;
    let mut out = std::io::stdout().lock();
    if !args.json {
        writeln!(
            out,
            "{:<14} {:>4} {:>12} {:>4} {:>12} {:>8} {:>7} {:>8}",
            "instance", "veh", "distance", "bksv", "bks", "gap%", "sec", "feasible"
        )?;
    }
    let mut rows = Vec::with_capacity(table.len());
    let mut objective = None;
    for bks in table {
        let dir = root.join("instances");
        let path = instance_file(&dir, &bks.instance).with_context(|| {
            format!("no instance file for {} in {}", bks.instance, dir.display())
        })?;
        let instance = Instance::from_path(&path, None)
            .with_context(|| format!("cannot load instance {}", path.display()))?;
        objective = Some(instance.problem.objective);
        let o = solve_and_check(&instance, &config)?;
        let row = Row {
            instance: bks.instance.clone(),
            vehicles: o.solution.routes.len(),
            distance: o.verdict.distance,
            unassigned: o.solution.unassigned.len(),
            bks,
            seconds: o.seconds,
            feasible: o.verdict.feasible,
        };
        if !args.json {
            let gap = if row.complete() {
                format!("{:.2}", row.gap())
            } else {
                "-".into()
            };
            let feasible = match (row.feasible, row.unassigned) {
                (false, _) => "NO".to_string(),
                (true, 0) => "yes".to_string(),
                (true, u) => format!("{u} unas."),
            };
            writeln!(
                out,
                "{:<14} {:>4} {:>12.2} {:>4} {:>12.2} {:>8} {:>7.2} {:>8}",
                row.instance,
                row.vehicles,
                row.distance,
                row.bks.vehicles,
                row.bks.distance,
                gap,
                row.seconds,
                feasible
            )?;
            out.flush()?;
        }
        rows.push(row);
    }
    let summary = summarize(args.set, &rows);
    if args.json {
        let instances: Vec<_> = rows
            .iter()
            .map(|r| {
                json!({
                    "instance": r.instance, "vehicles": r.vehicles, "distance": r.distance,
                    "unassigned": r.unassigned, "bks_vehicles": r.bks.vehicles,
                    "bks_distance": r.bks.distance,
                    "gap_percent": r.complete().then(|| r.gap()),
                    "seconds": r.seconds, "feasible": r.feasible,
                })
            })
            .collect();
        let doc = json!({
            "set": args.set.folder(),
            "objective": objective.map(objective_name),
            "time_limit": args.time_limit,
            "seed": args.seed,
            "threads": args.threads,
            "instances": instances,
            "summary": summary,
        });
        writeln!(out, "{doc}")?;
    } else {
        writeln!(out, "{}", summary_line(&summary))?;
    }
    Ok(())
}

/// The summary figures of a run.
fn summarize(set: VrpSet, rows: &[Row]) -> serde_json::Value {
    let mean = |v: &[f64]| {
        #[expect(clippy::cast_precision_loss, reason = "instance counts are tiny")]
        let n = v.len() as f64;
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / n)
    };
    let complete: Vec<&Row> = rows.iter().filter(|r| r.complete()).collect();
    let gaps: Vec<f64> = complete.iter().map(|r| r.gap()).collect();
    let at_bks: Vec<&&Row> = complete
        .iter()
        .filter(|r| r.vehicles <= r.bks.vehicles)
        .collect();
    let at_bks_gaps: Vec<f64> = at_bks.iter().map(|r| r.gap()).collect();
    #[expect(clippy::cast_precision_loss, reason = "vehicle counts are tiny")]
    let extra: Vec<f64> = complete
        .iter()
        .map(|r| r.vehicles as f64 - r.bks.vehicles as f64)
        .collect();
    let at_bks_exact = at_bks
        .iter()
        .filter(|r| r.vehicles == r.bks.vehicles && r.gap() <= 1e-2)
        .count();
    json!({
        "instances": rows.len(),
        "complete": complete.len(),
        "hierarchical": set.hierarchical(),
        "at_bks_vehicles": at_bks.len(),
        "mean_gap_at_bks_vehicles_percent": mean(&at_bks_gaps),
        "at_bks_vehicles_and_distance": at_bks_exact,
        "mean_extra_vehicles": mean(&extra),
        "mean_gap_percent": mean(&gaps),
        "mean_seconds": mean(&rows.iter().map(|r| r.seconds).collect::<Vec<_>>()),
    })
}

/// The one-paragraph text summary.
fn summary_line(s: &serde_json::Value) -> String {
    let pct = |k: &str| {
        s[k].as_f64()
            .map_or_else(|| "-".to_string(), |v| format!("{v:.2} %"))
    };
    let num = |k: &str| {
        s[k].as_f64()
            .map_or_else(|| "-".to_string(), |v| format!("{v:.2}"))
    };
    let head = format!(
        "summary: {} instances, {} feasible with every task served",
        s["instances"], s["complete"]
    );
    if s["hierarchical"].as_bool() == Some(true) {
        format!(
            "{head}; at the BKS vehicle count: {} (mean distance gap on those {}); at BKS vehicles and distance (gap <= 0.01 %): {}; mean extra vehicles {}; mean gap over all {}; mean {} s",
            s["at_bks_vehicles"],
            pct("mean_gap_at_bks_vehicles_percent"),
            s["at_bks_vehicles_and_distance"],
            num("mean_extra_vehicles"),
            pct("mean_gap_percent"),
            num("mean_seconds"),
        )
    } else {
        format!(
            "{head}; mean gap {}; mean {} s",
            pct("mean_gap_percent"),
            num("mean_seconds")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_wildcards() {
        assert!(glob_match("R1*", "R101"));
        assert!(glob_match("*", "C101"));
        assert!(glob_match("X-n1??-*", "X-n101-k25"));
        assert!(!glob_match("X-n1??-*", "X-n1001-k43"));
        assert!(glob_match("*01", "RC201"));
        assert!(!glob_match("C1*", "RC101"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
        assert!(!glob_match("a*b*c", "aXXbYY"));
    }

    #[test]
    fn csv_keeps_quoted_commas() {
        let f = csv_fields("C101,100,10,828.94,\"hierarchical(vehicles,distance); euclid\",,src");
        assert_eq!(f.len(), 7);
        assert_eq!(f[4], "hierarchical(vehicles,distance); euclid");
        assert_eq!(f[3], "828.94");
    }
}
