//! [`solve`]: validation, preprocessing, the search on one or more threads, and the
//! [`Solution`] with its schedule, cost and the reason of every unassigned task.

use rayon::prelude::*;

use super::model::{INF, Model, NONE};
use super::search::{self, Construction, Plan};
use super::{
    InitialRoute, Location, Problem, Reason, Route, Solution, SolveError, SolverConfig, Task,
    Unassigned,
};

/// Solves a routing problem.
///
/// Validates it ([`Problem::validate`]), builds a first solution (see [`construct`]: regret
/// insertion when vehicles count first, greedy insertion otherwise), then
/// improves it by ruin and recreate (see `vrp::search`) until the time or iteration limit of
/// `config`. With `threads > 1`, independent searches with seeds derived from `config.seed` run
/// on rayon threads and the best is returned (ties go to the lowest thread index), so the
/// result depends only on the seed, the thread count and the iteration limit when no time
/// limit cuts the search short. The time limit counts from the call (validation and
/// preprocessing included); the first solution is always built whole, even past it. Tasks
/// that cannot be served come back in
/// [`Solution::unassigned`] with a [`Reason`].
///
/// # Errors
/// [`SolveError`] when the problem is malformed (see [`Problem::validate`]) or
/// `config.threads == 0`.
///
/// # Examples
/// ```
/// use engine::vrp::*;
/// let place = |l| Place { location: Location(l), service: 0, time_windows: vec![] };
/// let job = |id, l| Job { id, place: place(l), delivery: Load::single(1), pickup: Load::ZERO,
///     skills: SkillSet(0), priority: 0 };
/// let n = 3;
/// let d: Vec<u32> = (0..n * n).map(|i| ((i / n) as i32 - (i % n) as i32).unsigned_abs() * 10).collect();
/// let problem = Problem {
///     jobs: vec![job(1, 1), job(2, 2)],
///     shipments: vec![],
///     vehicles: vec![Vehicle { id: 0, start: Some(Location(0)), end: Some(Location(0)),
///         shift: TimeWindow::ALWAYS, capacity: Load::single(2), skills: SkillSet(0), profile: 0,
///         speed_factor: 1.0, max_travel_time: None, max_distance: None, max_tasks: None,
///         costs: Costs::default(), breaks: vec![] }],
///     matrices: vec![Matrix { size: 3, durations: d.clone(), distances: d, costs: None }],
///     skill_names: vec![],
///     objective: Objective::DistanceOnly,
/// };
/// let config = SolverConfig { time_limit: None, max_iterations: Some(100), ..Default::default() };
/// let solution = solve(&problem, &config)?;
/// assert_eq!(solution.distance, 40);
/// assert!(solution.unassigned.is_empty());
/// # Ok::<(), SolveError>(())
/// ```
pub fn solve(problem: &Problem, config: &SolverConfig) -> Result<Solution, SolveError> {
    solve_with(problem, config, None)
}

/// [`solve`] starting from given routes instead of a construction: the routes are checked,
/// the tasks they leave out are inserted greedily, and the search improves the whole (it may
/// reorder or move every task). This is how VROOM's `vehicles[].steps` work in its solving
/// mode: a known plan, for example the routes already under way, as the starting point.
///
/// # Errors
/// [`SolveError`] as [`solve`]; [`SolveError::Initial`] when a route is not a feasible route
/// of its vehicle (see [`InitialRoute`]).
///
/// # Examples
/// ```
/// use engine::vrp::*;
/// let place = |l| Place { location: Location(l), service: 0, time_windows: vec![] };
/// let job = |id, l| Job { id, place: place(l), delivery: Load::single(1), pickup: Load::ZERO,
///     skills: SkillSet(0), priority: 0 };
/// let n = 4;
/// let d: Vec<u32> = (0..n * n).map(|i| ((i / n) as i32 - (i % n) as i32).unsigned_abs() * 10).collect();
/// let problem = Problem {
///     jobs: vec![job(1, 1), job(2, 2), job(3, 3)],
///     shipments: vec![],
///     vehicles: vec![Vehicle::round_trip(0, Location(0), Load::single(3))],
///     matrices: vec![Matrix { size: 4, durations: d.clone(), distances: d, costs: None }],
///     skill_names: vec![],
///     objective: Objective::DistanceOnly,
/// };
/// // A poor order of two of the three jobs: the search inserts the third and reorders.
/// let start = [InitialRoute { vehicle: 0, stops: vec![StopKind::Job(1), StopKind::Job(0)] }];
/// let config = SolverConfig { time_limit: None, max_iterations: Some(100), ..Default::default() };
/// let solution = solve_from(&problem, &start, &config)?;
/// assert_eq!(solution.distance, 60);
/// assert!(solution.unassigned.is_empty());
/// # Ok::<(), SolveError>(())
/// ```
pub fn solve_from(
    problem: &Problem,
    initial: &[InitialRoute],
    config: &SolverConfig,
) -> Result<Solution, SolveError> {
    solve_with(problem, config, Some(initial))
}

fn solve_with(
    problem: &Problem,
    config: &SolverConfig,
    initial: Option<&[InitialRoute]>,
) -> Result<Solution, SolveError> {
    if config.threads == 0 {
        return Err(SolveError::NoThreads);
    }
    let started = std::time::Instant::now();
    problem.validate()?;
    let model = Model::new(problem);
    let start = match initial {
        Some(routes) => Some(super::initial::model_routes(problem, &model, routes)?),
        None => None,
    };
    // The time limit counts from the call: preprocessing comes off the search.
    let config = &SolverConfig {
        time_limit: config
            .time_limit
            .map(|t| t.saturating_sub(started.elapsed())),
        ..config.clone()
    };
    let run = |seed| match &start {
        Some(routes) => search::run_from(&model, config, seed, routes),
        None => search::run(&model, config, seed),
    };
    let plan = if config.threads == 1 {
        run(config.seed)
    } else {
        let plans: Vec<Plan> = (0..config.threads)
            .into_par_iter()
            .map(|i| run(thread_seed(config.seed, i)))
            .collect();
        plans
            .into_iter()
            .enumerate()
            .min_by_key(|(i, p)| (p.score, *i))
            .map(|(_, p)| p)
            .expect("threads >= 1")
    };
    let solution = to_solution(problem, &model, &plan);
    debug_assert!(
        super::check::check(problem, &solution).is_ok(),
        "the checker rejects a solution: {:?}",
        super::check::check(problem, &solution).err()
    );
    Ok(solution)
}

/// Builds a first solution only, without search, by `method` ([`solve`] starts from
/// `Construction::Regret(2)` with [`Objective::VehiclesThenDistance`](super::Objective), from
/// `Construction::Greedy` otherwise). `seed` drives greedy insertion's random tie order and
/// blinks (regret insertion is deterministic). Tasks that fit nowhere come back in
/// [`Solution::unassigned`] with their [`Reason`].
///
/// # Errors
/// [`SolveError`] when the problem is malformed (see [`Problem::validate`]).
///
/// # Examples
/// ```
/// use engine::vrp::*;
/// let place = |l| Place { location: Location(l), service: 0, time_windows: vec![] };
/// let job = |id, l| Job { id, place: place(l), delivery: Load::single(1), pickup: Load::ZERO,
///     skills: SkillSet(0), priority: 0 };
/// let n = 3;
/// let d: Vec<u32> = (0..n * n).map(|i| ((i / n) as i32 - (i % n) as i32).unsigned_abs() * 10).collect();
/// let problem = Problem {
///     jobs: vec![job(1, 1), job(2, 2)],
///     shipments: vec![],
///     vehicles: vec![Vehicle { id: 0, start: Some(Location(0)), end: Some(Location(0)),
///         shift: TimeWindow::ALWAYS, capacity: Load::single(2), skills: SkillSet(0), profile: 0,
///         speed_factor: 1.0, max_travel_time: None, max_distance: None, max_tasks: None,
///         costs: Costs::default(), breaks: vec![] }],
///     matrices: vec![Matrix { size: 3, durations: d.clone(), distances: d, costs: None }],
///     skill_names: vec![],
///     objective: Objective::DistanceOnly,
/// };
/// let solution = construct(&problem, Construction::Regret(2), 1)?;
/// assert_eq!(solution.distance, 40);
/// # Ok::<(), SolveError>(())
/// ```
pub fn construct(
    problem: &Problem,
    method: Construction,
    seed: u64,
) -> Result<Solution, SolveError> {
    problem.validate()?;
    let model = Model::new(problem);
    let plan = search::construct(&model, method, seed);
    Ok(to_solution(problem, &model, &plan))
}

/// Seed of thread `i` (SplitMix64 of the seed and the index; thread 0 keeps the seed).
pub(crate) fn thread_seed(seed: u64, i: usize) -> u64 {
    if i == 0 {
        return seed;
    }
    let mut z = seed.wrapping_add((i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub(crate) fn to_solution(problem: &Problem, model: &Model, plan: &Plan) -> Solution {
    let mut routes = Vec::with_capacity(plan.routes.len());
    let (mut cost, mut distance, mut travel_time) = (0_i64, 0_u64, 0_u64);
    for (v, nodes) in &plan.routes {
        let mut stops = Vec::with_capacity(nodes.len());
        let stats = model
            .simulate(*v, nodes, Some(&mut stops))
            .expect("the search keeps every route feasible");
        let vehicle = &problem.vehicles[*v];
        let matrix = &problem.matrices[vehicle.profile];
        let locations: Vec<Location> = vehicle
            .start
            .into_iter()
            .chain(nodes.iter().map(|&n| Location(model.node_loc[n as usize])))
            .chain(vehicle.end)
            .collect();
        // On custom costs the model's distance is the cost: the real one is summed here.
        let real = if matrix.costs.is_some() {
            locations
                .windows(2)
                .map(|w| u64::from(matrix.distance(w[0], w[1])))
                .sum()
        } else {
            u64::try_from(stats.distance).unwrap_or(0)
        };
        let travel = u64::try_from(stats.travel_time).unwrap_or(0);
        cost = cost.saturating_add(vehicle.route_cost_on(matrix, &locations, travel, real));
        distance += real;
        travel_time += u64::try_from(stats.travel_time).unwrap_or(0);
        routes.push(Route {
            vehicle: *v,
            departure: problem.vehicles[*v].shift.start,
            stops,
        });
    }
    let unassigned = plan
        .unassigned
        .iter()
        .map(|&t| {
            let t = t as usize;
            let task = if t < model.n_jobs {
                Task::Job(t)
            } else {
                Task::Shipment(t - model.n_jobs)
            };
            Unassigned {
                task,
                reason: reason(problem, model, t),
            }
        })
        .collect();
    Solution {
        objective: problem.objective,
        routes,
        unassigned,
        cost,
        distance,
        travel_time,
    }
}

/// Why task `t` is unassigned: each constraint is checked alone, narrowing the vehicles that
/// pass the previous ones: skills, capacity, reachability, time windows, shift length, then
/// task, distance and travel-time limits; when the task alone fits some vehicle, the rest of
/// the plan is in the way.
fn reason(problem: &Problem, model: &Model, t: usize) -> Reason {
    let node = model.task_node(t);
    let nodes: Vec<u32> = if model.node_sibling[node as usize] != NONE {
        vec![node, node + 1]
    } else {
        vec![node]
    };
    let (skills, amounts) = if t < model.n_jobs {
        let j = &problem.jobs[t];
        (j.skills, vec![j.delivery, j.pickup])
    } else {
        let s = &problem.shipments[t - model.n_jobs];
        (s.skills, vec![s.amount])
    };
    let mut vs: Vec<usize> = (0..problem.vehicles.len())
        .filter(|&v| skills.is_subset_of(problem.vehicles[v].skills))
        .collect();
    if vs.is_empty() {
        return Reason::Skills;
    }
    vs.retain(|&v| amounts.iter().all(|a| a.fits(problem.vehicles[v].capacity)));
    if vs.is_empty() {
        return Reason::Capacity;
    }
    // Reachability and the earliest schedule, ignoring shift end and limits.
    let walk = |v: usize| -> (bool, bool, i64, i64, i64) {
        let veh = &model.vehicles[v];
        let (mut loc, mut time, mut dist, mut tt) = (veh.start, veh.shift_start, 0_i64, 0_i64);
        let mut reach = true;
        let mut windows = true;
        for &u in &nodes {
            let l = model.node_loc[u as usize];
            let travel = model.t(veh.ty, loc, l);
            reach &= travel < INF;
            dist += model.l(veh.ty, loc, l);
            tt += travel;
            match model.earliest_start(u, time + travel) {
                Some(s) => time = s + model.node_service[u as usize],
                None => {
                    windows = false;
                    time += travel;
                }
            }
            loc = l;
        }
        let back = model.t(veh.ty, loc, veh.end);
        reach &= back < INF;
        (
            reach,
            windows,
            time + back,
            dist + model.l(veh.ty, loc, veh.end),
            tt + back,
        )
    };
    vs.retain(|&v| walk(v).0);
    if vs.is_empty() {
        return Reason::Unreachable;
    }
    vs.retain(|&v| walk(v).1);
    if vs.is_empty() {
        return Reason::TimeWindow;
    }
    vs.retain(|&v| walk(v).2 <= model.vehicles[v].shift_end);
    if vs.is_empty() {
        return Reason::ShiftLength;
    }
    vs.retain(|&v| nodes.len() <= model.vehicles[v].max_tasks);
    if vs.is_empty() {
        return Reason::MaxTasks;
    }
    vs.retain(|&v| {
        let veh = &model.vehicles[v];
        walk(v).3 <= veh.max_distance.min(veh.max_length)
    });
    if vs.is_empty() {
        return Reason::MaxDistance;
    }
    vs.retain(|&v| walk(v).4 <= model.vehicles[v].max_travel_time);
    if vs.is_empty() {
        return Reason::MaxTravelTime;
    }
    // Breaks can still make the task alone infeasible: that is the shift's length too.
    if vs
        .iter()
        .all(|&v| model.simulate(v, &nodes, None).is_none())
    {
        return Reason::ShiftLength;
    }
    Reason::NoRoomInPlan
}
