//! VROOM's JSON on vmeste's solver: one home for reading VROOM problems and writing VROOM
//! solutions, below both `vmeste solve --graph` ([`crate::cli::solve`]) and `POST
//! /optimize` ([`crate::http::vroom`]).
//!
//! [`optimize`] reads VROOM's input unchanged (VROOM-Project/vroom `docs/API.md`), turns it
//! into an [`engine::vrp::Problem`] (`build`: matrices on the road graph of each vehicle's
//! `profile` from the coordinates, or the custom `matrices` with `location_index`es), solves
//! it within a time budget, re-verifies the plan with the independent checker
//! ([`engine::vrp::check`]) and answers in VROOM's output shape (`render`), with vmeste's
//! additions: a `reason` on each unassigned task (`reasons`). Failures are [`VroomError`]s in
//! VROOM's shape (`{"code": 1|2|3, "error"}`).
//!
//! A task whose point is off the roads of its vehicles' profiles is unassigned
//! (`no_road_nearby`); a vehicle whose start or end is off its profile's roads is an input
//! error, since it could serve nothing.
//!
//! `vehicles[].steps` give each vehicle's starting route (`steps`; VROOM's solving mode), or
//! with `options.c` the fixed routes of plan mode (`plan_mode`: scheduled, checked, never
//! optimised). Custom cost matrices (`matrices.*.costs`) are the objective, as in VROOM
//! (with `max_distance` on the road distances; without `durations`, those come from the road
//! graph); what VROOM refuses with them is refused in its words (`build`).
//! Refused with an input error naming the field (not supported yet): the steps'
//! `service_at`/`service_after`/`service_before` outside plan mode, break `max_load`, more
//! than four amount dimensions or 64 distinct skills, and `setup` times on tasks that share a
//! location with another task or a vehicle start.

mod build;
mod error;
mod input;
mod plan;
mod plan_mode;
mod reasons;
mod render;
mod steps;

use std::time::{Duration, Instant};

use engine::dispatch::{Engine, Location as Point};
use engine::vrp::{SolverConfig, check};
use serde::Deserialize;
use serde_json::{Value, json};

pub use build::DEFAULT_PROFILE;
pub use error::{VroomCode, VroomError};
pub use plan::solve_plan;

/// How long to search when the request does not say.
pub const DEFAULT_BUDGET: Duration = Duration::from_secs(1);

/// The search budget and seed of one optimisation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    /// Search time when the problem's `options.timeout` does not say.
    pub default: Duration,
    /// Longest search time allowed, whatever the problem asks.
    pub max: Duration,
    /// Seed of the search.
    pub seed: u64,
    /// Search iterations at most (the search also stops at the time limit).
    pub iterations: Option<u64>,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            default: DEFAULT_BUDGET,
            max: Duration::from_secs(60),
            seed: 1,
            iterations: None,
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Parses a VROOM problem from JSON text.
fn parse(body: &[u8]) -> Result<(Value, input::Input), VroomError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| VroomError::input(format!("invalid JSON: {e}")))?;
    if !value.is_object() {
        return Err(VroomError::input("the problem must be a JSON object"));
    }
    let input = input::Input::deserialize(&value)
        .map_err(|e| VroomError::input(format!("invalid problem: {e}")))?;
    Ok((value, input))
}

/// Solves a VROOM problem (JSON text) and answers in VROOM's output shape.
///
/// `engine` computes matrices for problems given by coordinates and the geometries asked by
/// `options.g`. The search runs for `options.timeout` seconds (vmeste's addition), or
/// `budget.default`, never more than `budget.max`.
///
/// # Errors
/// [`VroomError`]: input errors (code 2) for malformed or unsupported problems, routing
/// errors (code 3) when the road graph cannot answer, internal errors (code 1) otherwise.
pub fn optimize(engine: Option<&Engine>, body: &[u8], budget: Budget) -> Result<Value, VroomError> {
    let started = Instant::now();
    let (_, input) = parse(body)?;
    let geometry = input.options.g;
    let time_limit = match input.options.timeout {
        Some(s) => Duration::try_from_secs_f64(s).map_err(|_| {
            VroomError::input(format!("options.timeout {s} is not a number of seconds"))
        })?,
        None => budget.default,
    }
    .min(budget.max);
    let built = build::build(input, engine)?;
    let loading = started.elapsed();
    // The budget covers everything but the matrices: what parsing and checking took comes
    // off the search.
    let spent = loading.saturating_sub(Duration::from_millis(built.matrix_ms));
    let config = SolverConfig {
        time_limit: Some(time_limit.saturating_sub(spent)),
        max_iterations: budget.iterations,
        seed: budget.seed,
        threads: 1,
    };
    let solving_started = Instant::now();
    let answer = if built.input.options.c {
        Answer::Plan(plan_mode::plan(&built)?)
    } else {
        Answer::Solved(solve_checked(&built, &config)?)
    };
    let solving = solving_started.elapsed();
    let routing_started = Instant::now();
    let geometries = if geometry {
        let lines: Vec<(usize, Vec<engine::vrp::Location>)> = match &answer {
            Answer::Plan((routes, _)) => routes
                .iter()
                .map(|r| (r.vehicle, plan_mode::route_locations(&built, r)))
                .collect(),
            Answer::Solved(solution) => solution
                .routes
                .iter()
                .map(|r| (r.vehicle, render::route_locations(&built, r)))
                .collect(),
        };
        Some(geometries(engine, &built, &lines)?)
    } else {
        None
    };
    let times = render::Times {
        loading: millis(loading),
        solving: millis(solving),
        routing: millis(routing_started.elapsed()),
    };
    Ok(match answer {
        Answer::Plan((routes, unassigned)) => {
            plan_mode::render(&built, &routes, &unassigned, geometries.as_deref(), times)
        }
        Answer::Solved(solution) => render::render(&built, &solution, geometries.as_deref(), times),
    })
}

/// What a problem's answer is made from.
enum Answer {
    /// Plan mode: the scheduled routes and the `unassigned` entries.
    Plan((Vec<engine::vrp::EtaRoute>, Vec<Value>)),
    /// Solving mode: the solver's solution.
    Solved(engine::vrp::Solution),
}

/// Solves (from the given starting routes, if any) and re-verifies the plan with the
/// independent checker.
fn solve_checked(
    built: &build::Built,
    config: &SolverConfig,
) -> Result<engine::vrp::Solution, VroomError> {
    let initial = steps::initial_routes(built)?;
    let solution = match &initial {
        Some(routes) => engine::vrp::solve_from(&built.problem, routes, config),
        None => engine::vrp::solve(&built.problem, config),
    }
    .map_err(|e| match &e {
        engine::vrp::SolveError::Initial(i) => steps::initial_error(built, i),
        _ => VroomError::input(e.to_string()),
    })?;
    if let Err(v) = check::check(&built.problem, &solution) {
        let first = v.first().map(ToString::to_string).unwrap_or_default();
        tracing::error!(violations = v.len(), first, "the checker rejects a plan");
        return Err(VroomError::internal(
            "the plan failed the independent check",
        ));
    }
    Ok(solution)
}

/// The solver's problem of a VROOM problem (JSON text), with its matrices computed on
/// `engine`'s road graphs when it is given by coordinates.
///
/// # Errors
/// As [`optimize`].
pub fn problem(engine: Option<&Engine>, body: &[u8]) -> Result<engine::vrp::Problem, VroomError> {
    let (_, input) = parse(body)?;
    Ok(build::build(input, engine)?.problem)
}

/// The encoded polyline (precision 5) of each route (its vehicle and its locations in order)
/// along the real roads.
fn geometries(
    engine: Option<&Engine>,
    b: &build::Built,
    routes: &[(usize, Vec<engine::vrp::Location>)],
) -> Result<Vec<String>, VroomError> {
    let engine = engine
        .ok_or_else(|| VroomError::input("options.g: geometries need a road graph (--graph)"))?;
    routes
        .iter()
        .map(|(vehicle, locations)| {
            let profile = &b.profiles[b.problem.vehicles[*vehicle].profile];
            let mut points: Vec<Point> = Vec::new();
            for l in locations {
                let [lon, lat] =
                    b.coords
                        .get(l.0 as usize)
                        .copied()
                        .flatten()
                        .ok_or_else(|| {
                            VroomError::input(format!(
                                "options.g: location_index {} has no coordinates for a geometry",
                                l.0
                            ))
                        })?;
                let p = Point::new(lon, lat);
                if points.last() != Some(&p) {
                    points.push(p);
                }
            }
            if points.len() == 1 {
                points.push(points[0]);
            }
            let r = engine
                .route(profile, &points)
                .map_err(|e| VroomError::routing(e.to_string()))?;
            let coords = r
                .coordinates()
                .into_iter()
                .map(|c| geo::coord! { x: c.lon, y: c.lat });
            polyline::encode_coordinates(coords, 5)
                .map_err(|e| VroomError::internal(format!("polyline: {e}")))
        })
        .collect()
}

/// The same problem with its matrices computed on the road graphs: `matrices` per profile
/// (`durations` in s, `distances` in m; unreachable pairs as 4294967295) and a
/// `location_index` beside every `location`, so VROOM (or vmeste without a graph) can solve
/// exactly the problem vmeste solves.
///
/// # Errors
/// As [`optimize`].
pub fn with_matrices(engine: Option<&Engine>, body: &[u8]) -> Result<Value, VroomError> {
    let (mut value, input) = parse(body)?;
    if !input.matrices.is_empty() || input.matrix.is_some() {
        return Err(VroomError::input("the problem has its matrices already"));
    }
    let built = build::build(input, engine)?;
    let index_of = |c: &Value| -> Option<usize> {
        let c: [f64; 2] = serde_json::from_value(c.clone()).ok()?;
        built.coords.iter().position(|x| *x == Some(c))
    };
    let tag = |obj: &mut Value, key: &str, index_key: &str| {
        if let Some(i) = obj.get(key).and_then(&index_of) {
            obj[index_key] = json!(i);
        }
    };
    if let Some(jobs) = value.get_mut("jobs").and_then(Value::as_array_mut) {
        for j in jobs {
            tag(j, "location", "location_index");
        }
    }
    if let Some(ships) = value.get_mut("shipments").and_then(Value::as_array_mut) {
        for s in ships {
            for end in ["pickup", "delivery"] {
                if let Some(step) = s.get_mut(end) {
                    tag(step, "location", "location_index");
                }
            }
        }
    }
    if let Some(vs) = value.get_mut("vehicles").and_then(Value::as_array_mut) {
        for v in vs {
            tag(v, "start", "start_index");
            tag(v, "end", "end_index");
        }
    }
    let mut matrices = serde_json::Map::new();
    for (k, name) in built.profiles.iter().enumerate() {
        let m = &built.problem.matrices[k];
        let width = m.size.max(1);
        let durations: Vec<&[u32]> = m.durations.chunks(width).collect();
        let distances: Vec<&[u32]> = m.distances.chunks(width).collect();
        matrices.insert(
            name.clone(),
            json!({"durations": durations, "distances": distances}),
        );
    }
    value["matrices"] = Value::Object(matrices);
    Ok(value)
}
