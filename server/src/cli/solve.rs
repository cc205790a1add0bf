//! `vmeste solve`: solve one instance file and print one JSON solution on stdout.
//!
//! With `--graph` (one graph file per profile) or `--vroom`, the file is a VROOM problem and
//! the answer is VROOM's output shape, as `POST /optimize` gives it ([`crate::vroom`]);
//! `--emit-matrices` prints the problem with its matrices computed on the graphs instead.
//! The rest of these docs describe the benchmark formats.
//!
//! Output fields: `instance`, `objective` (`vehicles-distance`, `distance` or `cost`),
//! `vehicles`, `distance` (in the instance's own convention: Euclidean doubles for
//! Solomon/Homberger/Li & Lim, TSPLIB `nint` for VRPLIB, model units for JSON), `cost` (model
//! units), `routes` (`{"vehicle": id, "stops": [{"id": N, "arrival": T}]}`, N the instance's
//! own task id, T in its own time unit, depots and breaks left out), `unassigned`
//! (`{"id": N, "reason": …}`, a shipment by its pickup id), `feasible` (the independent
//! checker's verdict, in the instance's convention) and, when infeasible, `violations`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, ValueEnum};
use engine::vrp::io::{Format, Instance, Verdict};
use engine::vrp::{Objective, Solution, SolverConfig, Task};
use serde_json::{Value, json};

/// Arguments of `vmeste solve`.
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// The instance file (Solomon/Homberger, VRPLIB, Li & Lim or JSON; detected from content).
    pub instance: PathBuf,
    /// What to minimise; defaults to the instance's convention.
    #[arg(long, value_enum)]
    pub objective: Option<ObjectiveArg>,
    /// Time limit in seconds (default 10 when no iteration limit is given).
    #[arg(long)]
    pub time_limit: Option<f64>,
    /// Iteration limit (with `--vroom`, within the longest search allowed, 60 s, or the time
    /// limit when one is given).
    #[arg(long)]
    pub iterations: Option<u64>,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// The file format, overriding detection.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Graph files (one per profile): the instance is a VROOM problem whose coordinates
    /// are routed on these graphs; the answer is VROOM's output shape.
    #[arg(long = "graph")]
    pub graphs: Vec<PathBuf>,
    /// The instance is a VROOM problem (implied by `--graph`); without graphs it must give
    /// its matrices (`matrices` and `location_index`es).
    #[arg(long)]
    pub vroom: bool,
    /// Print the VROOM problem with its matrices computed on the graphs (`matrices`, and a
    /// `location_index` beside each location) instead of solving it.
    #[arg(long, requires = "graphs")]
    pub emit_matrices: bool,
}

/// `--objective` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    /// Fewest vehicles, then least distance.
    VehiclesDistance,
    /// Least distance.
    Distance,
    /// Served priority first, then least cost.
    Cost,
}

impl From<ObjectiveArg> for Objective {
    fn from(o: ObjectiveArg) -> Objective {
        match o {
            ObjectiveArg::VehiclesDistance => Objective::VehiclesThenDistance,
            ObjectiveArg::Distance => Objective::DistanceOnly,
            ObjectiveArg::Cost => Objective::PriorityThenCost,
        }
    }
}

/// `--format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Solomon / Homberger text.
    Solomon,
    /// VRPLIB / CVRPLIB.
    Vrplib,
    /// Li & Lim PDPTW text.
    Lilim,
    /// The JSON form of the model.
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Solomon => Format::Solomon,
            FormatArg::Vrplib => Format::Vrplib,
            FormatArg::Lilim => Format::LiLim,
            FormatArg::Json => Format::Json,
        }
    }
}

/// The name of an objective on the command line and in the output.
pub(crate) fn objective_name(o: Objective) -> &'static str {
    match o {
        Objective::VehiclesThenDistance => "vehicles-distance",
        Objective::DistanceOnly => "distance",
        Objective::PriorityThenCost => "cost",
    }
}

/// Builds the solver configuration from the limits given on the command line.
///
/// # Errors
/// A negative or non-finite time limit, or zero threads.
pub(crate) fn solver_config(
    time_limit: Option<f64>,
    iterations: Option<u64>,
    seed: u64,
    threads: usize,
) -> anyhow::Result<SolverConfig> {
    let time_limit = match (time_limit, iterations) {
        (Some(s), _) => Some(
            Duration::try_from_secs_f64(s)
                .map_err(|_| anyhow::anyhow!("invalid --time-limit {s}"))?,
        ),
        (None, Some(_)) => None,
        (None, None) => Some(Duration::from_secs(10)),
    };
    anyhow::ensure!(threads > 0, "--threads must be at least 1");
    Ok(SolverConfig {
        time_limit,
        max_iterations: iterations,
        seed,
        threads,
    })
}

/// A solved and checked instance.
pub(crate) struct Outcome {
    /// The solver's solution.
    pub(crate) solution: Solution,
    /// The checker's verdict in the instance's convention.
    pub(crate) verdict: Verdict,
    /// Wall-clock seconds spent in the solver.
    pub(crate) seconds: f64,
}

/// Solves `instance` and checks the result.
///
/// # Errors
/// The solver's error.
pub(crate) fn solve_and_check(
    instance: &Instance,
    config: &SolverConfig,
) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let solution = engine::vrp::solve(&instance.problem, config)
        .with_context(|| format!("solving {}", instance.name))?;
    let seconds = started.elapsed().as_secs_f64();
    let verdict = instance.verify(&solution);
    Ok(Outcome {
        solution,
        verdict,
        seconds,
    })
}

/// The JSON document `vmeste solve` prints.
pub(crate) fn solution_json(instance: &Instance, outcome: &Outcome) -> Value {
    let p = &instance.problem;
    let s = &outcome.solution;
    let routes: Vec<Value> = s
        .routes
        .iter()
        .enumerate()
        .map(|(r, route)| {
            let exact = instance.exact_route(r, route);
            let stops: Vec<Value> = route
                .stops
                .iter()
                .zip(&exact.arrivals)
                .filter_map(|(stop, &arrival)| {
                    instance
                        .stop_id(stop.kind)
                        .map(|id| json!({"id": id, "arrival": arrival}))
                })
                .collect();
            json!({"vehicle": p.vehicles.get(route.vehicle).map(|v| v.id), "stops": stops})
        })
        .collect();
    let unassigned: Vec<Value> = s
        .unassigned
        .iter()
        .map(|u| {
            let id = match u.task {
                Task::Job(i) => p.jobs.get(i).map(|j| j.id),
                Task::Shipment(i) => p.shipments.get(i).map(|s| s.pickup_id),
            };
            json!({"id": id, "reason": u.reason})
        })
        .collect();
    let mut doc = json!({
        "instance": instance.name,
        "objective": objective_name(s.objective),
        "vehicles": s.routes.len(),
        "distance": outcome.verdict.distance,
        "cost": s.cost,
        "routes": routes,
        "unassigned": unassigned,
        "feasible": outcome.verdict.feasible,
    });
    if !outcome.verdict.feasible {
        let mut violations: Vec<String> = match &outcome.verdict.check {
            Ok(_) => Vec::new(),
            Err(v) => v.iter().map(ToString::to_string).collect(),
        };
        violations.extend(
            outcome
                .verdict
                .late
                .iter()
                .map(|l| format!("route {} stop {:?}: late by {}", l.route, l.stop, l.late_by)),
        );
        doc["violations"] = json!(violations);
    }
    doc
}

/// Runs `vmeste solve`.
///
/// # Errors
/// An unreadable or malformed instance, bad limits, or a solver error.
pub fn run(args: &SolveArgs) -> anyhow::Result<()> {
    if args.vroom || !args.graphs.is_empty() {
        return run_vroom(args);
    }
    let mut instance = Instance::from_path(&args.instance, args.format.map(Format::from))
        .with_context(|| format!("cannot load instance {}", args.instance.display()))?;
    if let Some(o) = args.objective {
        instance.problem.objective = o.into();
    }
    let config = solver_config(args.time_limit, args.iterations, args.seed, args.threads)?;
    let outcome = solve_and_check(&instance, &config)?;
    outln!("{}", solution_json(&instance, &outcome));
    Ok(())
}

/// `vmeste solve` on a VROOM problem: VROOM's answer (or error object) on stdout.
fn run_vroom(args: &SolveArgs) -> anyhow::Result<()> {
    let body = std::fs::read(&args.instance)
        .with_context(|| format!("cannot read {}", args.instance.display()))?;
    let engine = if args.graphs.is_empty() {
        None
    } else {
        Some(super::serve::load_engine(&args.graphs)?)
    };
    anyhow::ensure!(
        args.threads == 1,
        "--threads: VROOM problems are solved on one thread"
    );
    let out = if args.emit_matrices {
        crate::vroom::with_matrices(engine.as_ref(), &body)
    } else {
        let mut budget = crate::vroom::Budget {
            seed: args.seed,
            iterations: args.iterations,
            ..crate::vroom::Budget::default()
        };
        if let Some(s) = args.time_limit {
            budget.default = Duration::try_from_secs_f64(s)
                .map_err(|_| anyhow::anyhow!("invalid --time-limit {s}"))?;
            budget.max = budget.max.max(budget.default);
        } else if args.iterations.is_some() {
            // The iterations decide, within the longest search allowed.
            budget.default = budget.max;
        }
        crate::vroom::optimize(engine.as_ref(), &body, budget)
    };
    match out {
        Ok(v) => {
            outln!("{v}");
            Ok(())
        }
        Err(e) => {
            outln!("{}", e.to_json());
            Err(anyhow::anyhow!("{e}"))
        }
    }
}
