//! The independent checker: re-verifies a [`Solution`] against its [`Problem`] from scratch.
//!
//! Written apart from the search, from the semantics in `solution.rs` only: it recomputes
//! each route's schedule from the order of its stops and the route's departure, the load
//! after every stop, the totals (distance, travel time, cost) and the objective, and
//! compares them with what the solution reports. Leg times and route costs come from the
//! problem's own [`Vehicle::leg`](super::Vehicle::leg) and
//! [`Vehicle::route_cost_on`](super::Vehicle::route_cost_on) (custom costs or the per-hour
//! and per-km formula), which state those formulas of
//! `solution.rs` (the server renders VROOM answers with them too). Every broken rule becomes
//! one typed [`Violation`] naming the route, stop and task; nothing stops at the first one.
//!
//! Checked: every task served exactly once or listed unassigned exactly once (never both);
//! each vehicle drives at most one route; a shipment's pickup precedes its delivery on the
//! same route; skills; capacity in every dimension when leaving the start and after every
//! stop; time windows (earliest service start, waiting allowed) and the reported arrival and
//! start; breaks inside their windows, each taken exactly once on a used route; the shift
//! (departure and end); task, distance and travel-time limits; unreachable legs; the totals;
//! the reason of every unassigned task, by serving it alone with each vehicle (`reasons`).
//!
//! Arithmetic is in `u64`/`i128`, so no total can overflow. Complexity O(stops + tasks +
//! unassigned × vehicles × break placements).

use thiserror::Error;

mod reasons;

use super::{
    Break, Load, Location, MAX_DIMENSIONS, Objective, Place, Problem, Reason, Route, SkillSet,
    Solution, Stop, StopKind, Task, TimeWindow, Unassigned,
};

/// A broken rule, with where it happened.
///
/// `route` is an index into `Solution::routes`, `stop` an index into that route's `stops`.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum Violation {
    /// The solution says it optimised another objective than the problem's.
    #[error("solution optimised {solution:?} but the problem asks for {problem:?}")]
    ObjectiveMismatch {
        /// The problem's objective.
        problem: Objective,
        /// The solution's.
        solution: Objective,
    },
    /// A route names a vehicle that does not exist.
    #[error("route {route}: vehicle index {vehicle} does not exist")]
    UnknownVehicle {
        /// Route index.
        route: usize,
        /// The vehicle index it names.
        vehicle: usize,
    },
    /// A vehicle drives more than one route.
    #[error("vehicle {vehicle} drives routes {first} and {second}")]
    VehicleReused {
        /// Vehicle index.
        vehicle: usize,
        /// The first route it drives.
        first: usize,
        /// Another route it drives.
        second: usize,
    },
    /// A route serves no task.
    #[error("route {route} serves no task")]
    EmptyRoute {
        /// Route index.
        route: usize,
    },
    /// A stop names a job, shipment or break that does not exist.
    #[error("route {route} stop {stop}: {kind:?} does not exist")]
    UnknownStop {
        /// Route index.
        route: usize,
        /// Stop index.
        stop: usize,
        /// What the stop names.
        kind: StopKind,
    },
    /// An unassigned entry names a task that does not exist.
    #[error("unassigned entry {index}: {task:?} does not exist")]
    UnknownUnassigned {
        /// Index into `Solution::unassigned`.
        index: usize,
        /// The task it names.
        task: Task,
    },
    /// An unassigned task's reason does not hold (see the module docs for what each means).
    #[error("unassigned entry {index}: {task:?} with reason {reason:?}, but {why}")]
    ReasonMismatch {
        /// Index into `Solution::unassigned`.
        index: usize,
        /// The task.
        task: Task,
        /// The reason given.
        reason: Reason,
        /// What contradicts it.
        why: &'static str,
    },
    /// A task is not accounted for exactly once (served once xor unassigned once).
    #[error("{task:?} is served {served} time(s) and listed unassigned {unassigned} time(s)")]
    NotExactlyOnce {
        /// The task.
        task: Task,
        /// How many times it is served (pickups or deliveries for a shipment, the larger).
        served: usize,
        /// How many times it is listed unassigned.
        unassigned: usize,
    },
    /// A shipment's pickups and deliveries do not pair up.
    #[error("shipment {shipment}: {pickups} pickup(s) but {deliveries} delivery(ies)")]
    ShipmentIncomplete {
        /// Shipment index.
        shipment: usize,
        /// Pickup stops found.
        pickups: usize,
        /// Delivery stops found.
        deliveries: usize,
    },
    /// A shipment is picked up on one route and delivered on another.
    #[error(
        "shipment {shipment}: picked up on route {pickup_route}, delivered on route {delivery_route}"
    )]
    ShipmentSplit {
        /// Shipment index.
        shipment: usize,
        /// Route of the pickup.
        pickup_route: usize,
        /// Route of the delivery.
        delivery_route: usize,
    },
    /// A shipment is delivered before it is picked up.
    #[error(
        "route {route}: shipment {shipment} delivered at stop {delivery_stop} before its pickup at stop {pickup_stop}"
    )]
    DeliveryBeforePickup {
        /// Route index.
        route: usize,
        /// Shipment index.
        shipment: usize,
        /// Stop of the pickup.
        pickup_stop: usize,
        /// Stop of the delivery.
        delivery_stop: usize,
    },
    /// The vehicle lacks a skill the task requires.
    #[error("route {route} stop {stop}: vehicle lacks skills for {kind:?}")]
    Skills {
        /// Route index.
        route: usize,
        /// Stop index.
        stop: usize,
        /// The task stop.
        kind: StopKind,
    },
    /// The load exceeds the capacity (`stop = None`: when leaving the start).
    #[error("route {route} stop {stop:?}: load {load:?} exceeds capacity {capacity:?}")]
    Capacity {
        /// Route index.
        route: usize,
        /// Stop index, `None` for the load at departure.
        stop: Option<usize>,
        /// The load on board, per dimension.
        load: [i64; MAX_DIMENSIONS],
        /// The vehicle's capacity.
        capacity: Load,
    },
    /// A leg has no route in the matrix (or names a location outside it).
    #[error("route {route}: no route from location {from:?} to {to:?}")]
    Unreachable {
        /// Route index.
        route: usize,
        /// Leg start.
        from: Location,
        /// Leg end.
        to: Location,
    },
    /// The vehicle's speed factor is not a positive finite number.
    #[error("route {route}: vehicle {vehicle} has speed factor {speed_factor}")]
    SpeedFactor {
        /// Route index.
        route: usize,
        /// Vehicle index.
        vehicle: usize,
        /// The offending factor.
        speed_factor: f64,
    },
    /// The route leaves before the shift starts.
    #[error("route {route}: departs at {departure}, before the shift starts at {shift_start}")]
    DepartureBeforeShift {
        /// Route index.
        route: usize,
        /// Reported departure.
        departure: u32,
        /// Shift start.
        shift_start: u32,
    },
    /// No time window of the task can be met: service would start after the last one closes.
    #[error("route {route} stop {stop}: {kind:?} reached at {arrival}, after its time windows")]
    TimeWindow {
        /// Route index.
        route: usize,
        /// Stop index.
        stop: usize,
        /// The task stop.
        kind: StopKind,
        /// Recomputed arrival.
        arrival: u64,
    },
    /// A break cannot start inside any of its windows.
    #[error("route {route} stop {stop}: break {brk} ready at {ready}, after its time windows")]
    BreakWindow {
        /// Route index.
        route: usize,
        /// Stop index.
        stop: usize,
        /// Break index in the vehicle's breaks.
        brk: usize,
        /// Earliest time the break could start.
        ready: u64,
    },
    /// A break of the vehicle is taken `taken` times instead of once.
    #[error("route {route}: break {brk} taken {taken} time(s)")]
    BreakCount {
        /// Route index.
        route: usize,
        /// Break index in the vehicle's breaks.
        brk: usize,
        /// How many times it is taken.
        taken: usize,
    },
    /// The reported arrival or start differs from the recomputed schedule.
    #[error(
        "route {route} stop {stop}: reported arrival/start {reported_arrival}/{reported_start}, recomputed {arrival}/{start}"
    )]
    ScheduleMismatch {
        /// Route index.
        route: usize,
        /// Stop index.
        stop: usize,
        /// Reported arrival.
        reported_arrival: u32,
        /// Reported start.
        reported_start: u32,
        /// Recomputed arrival.
        arrival: u64,
        /// Recomputed start.
        start: u64,
    },
    /// The route ends after the shift.
    #[error("route {route}: ends at {end}, after the shift ends at {shift_end}")]
    ShiftEnd {
        /// Route index.
        route: usize,
        /// Recomputed end time.
        end: u64,
        /// Shift end.
        shift_end: u32,
    },
    /// More tasks than the vehicle may do.
    #[error("route {route}: {tasks} tasks, limit {limit}")]
    MaxTasks {
        /// Route index.
        route: usize,
        /// Task stops on the route.
        tasks: u64,
        /// The vehicle's limit.
        limit: u32,
    },
    /// Longer than the vehicle's distance limit.
    #[error("route {route}: distance {distance}, limit {limit}")]
    MaxDistance {
        /// Route index.
        route: usize,
        /// Recomputed distance.
        distance: u64,
        /// The vehicle's limit.
        limit: u32,
    },
    /// Longer than the vehicle's travel-time limit.
    #[error("route {route}: travel time {travel_time}, limit {limit}")]
    MaxTravelTime {
        /// Route index.
        route: usize,
        /// Recomputed travel time.
        travel_time: u64,
        /// The vehicle's limit.
        limit: u32,
    },
    /// The reported total cost differs from the recomputed one.
    #[error("reported cost {reported}, recomputed {recomputed}")]
    CostMismatch {
        /// `Solution::cost`.
        reported: i64,
        /// Recomputed.
        recomputed: i64,
    },
    /// The reported total distance differs from the recomputed one.
    #[error("reported distance {reported}, recomputed {recomputed}")]
    DistanceMismatch {
        /// `Solution::distance`.
        reported: u64,
        /// Recomputed.
        recomputed: u64,
    },
    /// The reported total travel time differs from the recomputed one.
    #[error("reported travel time {reported}, recomputed {recomputed}")]
    TravelTimeMismatch {
        /// `Solution::travel_time`.
        reported: u64,
        /// Recomputed.
        recomputed: u64,
    },
}

/// The recomputed figures of a solution that passed every check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckReport {
    /// The objective of the problem.
    pub objective: Objective,
    /// Routes (vehicles used).
    pub vehicles: usize,
    /// Total cost.
    pub cost: i64,
    /// Total distance.
    pub distance: u64,
    /// Total travel time.
    pub travel_time: u64,
    /// `Σ (1 + priority)` over unassigned tasks.
    pub unassigned_penalty: u64,
}

impl CheckReport {
    /// The objective as a tuple compared lexicographically (smaller is better): the unassigned
    /// penalty, then cost (`PriorityThenCost`), vehicles then distance
    /// (`VehiclesThenDistance`) or distance (`DistanceOnly`); unused places are zero.
    #[must_use]
    pub fn key(&self) -> (u64, i128, i128) {
        let vehicles = i128::try_from(self.vehicles).unwrap_or(i128::MAX);
        match self.objective {
            Objective::PriorityThenCost => (self.unassigned_penalty, i128::from(self.cost), 0),
            Objective::VehiclesThenDistance => {
                (self.unassigned_penalty, vehicles, i128::from(self.distance))
            }
            Objective::DistanceOnly => (self.unassigned_penalty, i128::from(self.distance), 0),
        }
    }
}

/// Re-verifies `solution` against `problem`.
///
/// # Errors
/// Every [`Violation`] found, in route order, then task accounting, then totals.
///
/// # Examples
/// ```
/// use engine::vrp::{check, Costs, Job, Load, Location, Matrix, Objective, Place, Problem,
///     SkillSet, TimeWindow, Vehicle};
/// let place = Place { location: Location(1), service: 0, time_windows: vec![] };
/// let job = Job { id: 7, place, delivery: Load::single(1), pickup: Load::ZERO,
///     skills: SkillSet(0), priority: 0 };
/// let vehicle = Vehicle { id: 1, start: Some(Location(0)), end: Some(Location(0)),
///     shift: TimeWindow::ALWAYS, capacity: Load::single(5), skills: SkillSet(0), profile: 0,
///     speed_factor: 1.0, max_travel_time: None, max_distance: None, max_tasks: None,
///     costs: Costs::default(), breaks: vec![] };
/// let matrix = Matrix { size: 2, durations: vec![0, 10, 10, 0], distances: vec![0, 50, 50, 0],
///     costs: None };
/// let problem = Problem { jobs: vec![job], shipments: vec![], vehicles: vec![vehicle],
///     matrices: vec![matrix], skill_names: vec![], objective: Objective::PriorityThenCost };
/// let solution = check::build_solution(&problem, &[(0, vec![engine::vrp::StopKind::Job(0)])]);
/// let report = check::check(&problem, &solution).expect("feasible");
/// assert_eq!((report.distance, report.travel_time, report.cost), (100, 20, 20));
/// ```
pub fn check(problem: &Problem, solution: &Solution) -> Result<CheckReport, Vec<Violation>> {
    let mut out = Vec::new();
    if solution.objective != problem.objective {
        out.push(Violation::ObjectiveMismatch {
            problem: problem.objective,
            solution: solution.objective,
        });
    }
    let mut driver: Vec<Option<usize>> = vec![None; problem.vehicles.len()];
    let mut tally = Tally::new(problem);
    let (mut cost, mut distance, mut travel_time) = (0i128, 0u64, 0u64);
    for (r, route) in solution.routes.iter().enumerate() {
        if let Some(slot) = driver.get_mut(route.vehicle) {
            match *slot {
                Some(first) => out.push(Violation::VehicleReused {
                    vehicle: route.vehicle,
                    first,
                    second: r,
                }),
                None => *slot = Some(r),
            }
        }
        let departure = route.departure;
        let stops = route.stops.iter().map(|s| (s.kind, Some(*s)));
        if let Some(eval) = evaluate(problem, r, route.vehicle, departure, stops, &mut out) {
            cost += i128::from(eval.cost);
            distance = distance.saturating_add(eval.distance);
            travel_time = travel_time.saturating_add(eval.travel_time);
        }
        tally.add_route(r, &route.stops);
    }
    let unassigned_penalty = tally.finish(problem, &solution.unassigned, &mut out);
    reasons::verify(problem, &solution.unassigned, &mut out);
    let cost = i64::try_from(cost).unwrap_or(i64::MAX);
    if cost != solution.cost {
        out.push(Violation::CostMismatch {
            reported: solution.cost,
            recomputed: cost,
        });
    }
    if distance != solution.distance {
        out.push(Violation::DistanceMismatch {
            reported: solution.distance,
            recomputed: distance,
        });
    }
    if travel_time != solution.travel_time {
        out.push(Violation::TravelTimeMismatch {
            reported: solution.travel_time,
            recomputed: travel_time,
        });
    }
    if !out.is_empty() {
        return Err(out);
    }
    Ok(CheckReport {
        objective: problem.objective,
        vehicles: solution.routes.len(),
        cost,
        distance,
        travel_time,
        unassigned_penalty,
    })
}

/// Builds a [`Solution`] from routes given as `(vehicle index, stops in order)`: each route
/// leaves at its shift start and follows the earliest schedule of the module semantics; tasks
/// on no route are listed unassigned with [`Reason::NoRoomInPlan`]; the totals are
/// recomputed. Broken rules are not reported here: pass the result to [`check`].
///
/// Benchmark solution files (routes as customer lists) become solutions this way.
#[must_use]
pub fn build_solution(problem: &Problem, routes: &[(usize, Vec<StopKind>)]) -> Solution {
    let mut ignored = Vec::new();
    let mut tally = Tally::new(problem);
    let mut solution = Solution {
        objective: problem.objective,
        routes: Vec::with_capacity(routes.len()),
        unassigned: Vec::new(),
        cost: 0,
        distance: 0,
        travel_time: 0,
    };
    let mut cost = 0i128;
    for (r, (vehicle, kinds)) in routes.iter().enumerate() {
        let departure = problem.vehicles.get(*vehicle).map_or(0, |v| v.shift.start);
        let stops = kinds.iter().map(|&k| (k, None));
        let eval = evaluate(problem, r, *vehicle, departure, stops, &mut ignored);
        let stops = match eval {
            Some(e) => {
                cost += i128::from(e.cost);
                solution.distance = solution.distance.saturating_add(e.distance);
                solution.travel_time = solution.travel_time.saturating_add(e.travel_time);
                e.stops
            }
            None => kinds
                .iter()
                .map(|&kind| Stop {
                    kind,
                    arrival: 0,
                    start: 0,
                })
                .collect(),
        };
        tally.add_route(r, &stops);
        solution.routes.push(Route {
            vehicle: *vehicle,
            departure,
            stops,
        });
    }
    solution.cost = i64::try_from(cost).unwrap_or(i64::MAX);
    let tasks = problem
        .jobs
        .iter()
        .enumerate()
        .map(|(i, _)| (Task::Job(i), tally.jobs[i]));
    let shipments = tally.pickups.iter().zip(&tally.deliveries).enumerate();
    let shipments = shipments.map(|(i, (p, d))| (Task::Shipment(i), (*p).max(*d)));
    for (task, served) in tasks.chain(shipments) {
        if served == 0 {
            solution.unassigned.push(Unassigned {
                task,
                reason: Reason::NoRoomInPlan,
            });
        }
    }
    solution
}

/// What one route amounts to.
struct RouteEval {
    stops: Vec<Stop>,
    distance: u64,
    travel_time: u64,
    cost: i64,
}

/// Where a task stop is served, the skills it needs and how it changes the load (`+`
/// loaded, `-` unloaded); `None` for a break or an unknown index.
fn task_info(problem: &Problem, kind: StopKind) -> Option<(&Place, SkillSet, WideLoad)> {
    match kind {
        StopKind::Job(i) => problem.jobs.get(i).map(|j| {
            let mut change = WideLoad::from(j.pickup);
            change.remove(j.delivery);
            (&j.place, j.skills, change)
        }),
        StopKind::Pickup(i) => problem
            .shipments
            .get(i)
            .map(|s| (&s.pickup, s.skills, WideLoad::from(s.amount))),
        StopKind::Delivery(i) => problem.shipments.get(i).map(|s| {
            let mut change = WideLoad::default();
            change.remove(s.amount);
            (&s.delivery, s.skills, change)
        }),
        StopKind::Break(_) => None,
    }
}

/// A load in `i64` per dimension: sums of `i32` amounts never saturate.
#[derive(Clone, Copy, Debug, Default)]
struct WideLoad([i64; MAX_DIMENSIONS]);

impl From<Load> for WideLoad {
    fn from(l: Load) -> Self {
        WideLoad(l.0.map(i64::from))
    }
}

impl WideLoad {
    fn apply(&mut self, change: WideLoad) {
        for (a, b) in self.0.iter_mut().zip(change.0) {
            *a += b;
        }
    }

    fn remove(&mut self, amount: Load) {
        for (a, b) in self.0.iter_mut().zip(amount.0) {
            *a -= i64::from(b);
        }
    }

    fn fits(&self, capacity: Load) -> bool {
        self.0
            .iter()
            .zip(capacity.0)
            .all(|(&a, c)| a <= i64::from(c))
    }
}

/// The earliest time `>= ready` inside one of `windows` (empty = any time).
fn earliest_start(windows: &[TimeWindow], ready: u64) -> Option<u64> {
    if windows.is_empty() {
        return Some(ready);
    }
    windows
        .iter()
        .filter(|w| ready <= u64::from(w.end))
        .map(|w| ready.max(u64::from(w.start)))
        .min()
}

/// Recomputes one route's schedule from `departure` and the order of `stops`; pushes its
/// violations to `out`. `reported` schedules, when given, are compared with the recomputed
/// ones. `None` when the vehicle does not exist.
fn evaluate(
    problem: &Problem,
    r: usize,
    vehicle_index: usize,
    departure: u32,
    stops: impl Iterator<Item = (StopKind, Option<Stop>)>,
    out: &mut Vec<Violation>,
) -> Option<RouteEval> {
    let Some(vehicle) = problem.vehicles.get(vehicle_index) else {
        out.push(Violation::UnknownVehicle {
            route: r,
            vehicle: vehicle_index,
        });
        return None;
    };
    let stops: Vec<(StopKind, Option<Stop>)> = stops.collect();
    let sf = vehicle.speed_factor;
    if !(sf.is_finite() && sf > 0.0) {
        out.push(Violation::SpeedFactor {
            route: r,
            vehicle: vehicle_index,
            speed_factor: sf,
        });
        return None;
    }
    let matrix = problem.matrices.get(vehicle.profile);
    if departure < vehicle.shift.start {
        out.push(Violation::DepartureBeforeShift {
            route: r,
            departure,
            shift_start: vehicle.shift.start,
        });
    }
    // The vehicle leaves with every delivery of its jobs on board.
    let mut load = WideLoad::default();
    for (kind, _) in &stops {
        if let StopKind::Job(i) = kind
            && let Some(job) = problem.jobs.get(*i)
        {
            load.apply(WideLoad::from(job.delivery));
        }
    }
    if !load.fits(vehicle.capacity) {
        out.push(Violation::Capacity {
            route: r,
            stop: None,
            load: load.0,
            capacity: vehicle.capacity,
        });
    }
    let travel = |from: Option<Location>, to: Location, out: &mut Vec<Violation>| {
        let Some(from) = from else { return (0, 0) };
        match matrix.and_then(|m| vehicle.leg(m, from, to)) {
            Some(x) => x,
            None => {
                out.push(Violation::Unreachable { route: r, from, to });
                (0, 0)
            }
        }
    };
    let (mut time, mut distance, mut travel_time, mut tasks) =
        (u64::from(departure), 0u64, 0u64, 0u64);
    let mut at = vehicle.start;
    // Where the vehicle goes, in order, for custom costs.
    let mut visited: Vec<Location> = vehicle.start.into_iter().collect();
    let mut breaks_taken = vec![0usize; vehicle.breaks.len()];
    let mut schedule = Vec::with_capacity(stops.len());
    // An unknown stop is kept (scheduled on the spot) so that built routes keep it too.
    let unknown = |out: &mut Vec<Violation>, schedule: &mut Vec<Stop>, s, kind, time: u64| {
        out.push(Violation::UnknownStop {
            route: r,
            stop: s,
            kind,
        });
        let t = u32::try_from(time).unwrap_or(u32::MAX);
        schedule.push(Stop {
            kind,
            arrival: t,
            start: t,
        });
    };
    for (s, (kind, reported)) in stops.iter().enumerate() {
        let (arrival, start, leave) = if let StopKind::Break(b) = *kind {
            let Some(Break {
                time_windows,
                duration,
                ..
            }) = vehicle.breaks.get(b)
            else {
                unknown(out, &mut schedule, s, *kind, time);
                continue;
            };
            breaks_taken[b] += 1;
            let start = earliest_start(time_windows, time).unwrap_or_else(|| {
                out.push(Violation::BreakWindow {
                    route: r,
                    stop: s,
                    brk: b,
                    ready: time,
                });
                time
            });
            (time, start, start + u64::from(*duration))
        } else {
            let Some((place, skills, change)) = task_info(problem, *kind) else {
                unknown(out, &mut schedule, s, *kind, time);
                continue;
            };
            let (tt, d) = travel(at, place.location, out);
            at = Some(place.location);
            visited.push(place.location);
            distance += d;
            travel_time += tt;
            tasks += 1;
            let arrival = time + tt;
            let start = earliest_start(&place.time_windows, arrival).unwrap_or_else(|| {
                out.push(Violation::TimeWindow {
                    route: r,
                    stop: s,
                    kind: *kind,
                    arrival,
                });
                arrival
            });
            if !skills.is_subset_of(vehicle.skills) {
                out.push(Violation::Skills {
                    route: r,
                    stop: s,
                    kind: *kind,
                });
            }
            load.apply(change);
            if !load.fits(vehicle.capacity) {
                out.push(Violation::Capacity {
                    route: r,
                    stop: Some(s),
                    load: load.0,
                    capacity: vehicle.capacity,
                });
            }
            (arrival, start, start + u64::from(place.service))
        };
        if let Some(rep) = reported
            && (u64::from(rep.arrival) != arrival || u64::from(rep.start) != start)
        {
            out.push(Violation::ScheduleMismatch {
                route: r,
                stop: s,
                reported_arrival: rep.arrival,
                reported_start: rep.start,
                arrival,
                start,
            });
        }
        schedule.push(Stop {
            kind: *kind,
            arrival: u32::try_from(arrival).unwrap_or(u32::MAX),
            start: u32::try_from(start).unwrap_or(u32::MAX),
        });
        time = leave;
    }
    if let Some(end) = vehicle.end {
        visited.push(end);
        let (tt, d) = travel(at, end, out);
        distance += d;
        travel_time += tt;
        time += tt;
    }
    if time > u64::from(vehicle.shift.end) {
        out.push(Violation::ShiftEnd {
            route: r,
            end: time,
            shift_end: vehicle.shift.end,
        });
    }
    if tasks == 0 {
        out.push(Violation::EmptyRoute { route: r });
    }
    for (brk, &taken) in breaks_taken.iter().enumerate() {
        if taken != 1 {
            out.push(Violation::BreakCount {
                route: r,
                brk,
                taken,
            });
        }
    }
    if let Some(limit) = vehicle.max_tasks
        && tasks > u64::from(limit)
    {
        out.push(Violation::MaxTasks {
            route: r,
            tasks,
            limit,
        });
    }
    if let Some(limit) = vehicle.max_distance
        && distance > u64::from(limit)
    {
        out.push(Violation::MaxDistance {
            route: r,
            distance,
            limit,
        });
    }
    if let Some(limit) = vehicle.max_travel_time
        && travel_time > u64::from(limit)
    {
        out.push(Violation::MaxTravelTime {
            route: r,
            travel_time,
            limit,
        });
    }
    Some(RouteEval {
        stops: schedule,
        distance,
        travel_time,
        cost: matrix.map_or_else(
            || vehicle.route_cost(travel_time, distance),
            |m| vehicle.route_cost_on(m, &visited, travel_time, distance),
        ),
    })
}

/// Where each task was seen, for the exactly-once and pickup-before-delivery rules.
struct Tally {
    jobs: Vec<usize>,
    pickups: Vec<usize>,
    deliveries: Vec<usize>,
    /// First (route, stop) of each shipment's pickup and delivery.
    pickup_at: Vec<Option<(usize, usize)>>,
    delivery_at: Vec<Option<(usize, usize)>>,
}

impl Tally {
    fn new(problem: &Problem) -> Self {
        let n = problem.shipments.len();
        Tally {
            jobs: vec![0; problem.jobs.len()],
            pickups: vec![0; n],
            deliveries: vec![0; n],
            pickup_at: vec![None; n],
            delivery_at: vec![None; n],
        }
    }

    fn add_route(&mut self, r: usize, stops: &[Stop]) {
        for (s, stop) in stops.iter().enumerate() {
            match stop.kind {
                StopKind::Job(i) if i < self.jobs.len() => self.jobs[i] += 1,
                StopKind::Pickup(i) if i < self.pickups.len() => {
                    self.pickups[i] += 1;
                    self.pickup_at[i].get_or_insert((r, s));
                }
                StopKind::Delivery(i) if i < self.deliveries.len() => {
                    self.deliveries[i] += 1;
                    self.delivery_at[i].get_or_insert((r, s));
                }
                _ => {}
            }
        }
    }

    /// Checks the accounting of every task against `unassigned`; returns the unassigned penalty.
    fn finish(
        &self,
        problem: &Problem,
        unassigned: &[Unassigned],
        out: &mut Vec<Violation>,
    ) -> u64 {
        let mut job_un = vec![0usize; problem.jobs.len()];
        let mut ship_un = vec![0usize; problem.shipments.len()];
        let mut penalty = 0u64;
        for (index, u) in unassigned.iter().enumerate() {
            let (count, priority) = match u.task {
                Task::Job(i) => (job_un.get_mut(i), problem.jobs.get(i).map(|j| j.priority)),
                Task::Shipment(i) => (
                    ship_un.get_mut(i),
                    problem.shipments.get(i).map(|s| s.priority),
                ),
            };
            match (count, priority) {
                (Some(c), Some(p)) => {
                    *c += 1;
                    penalty += 1 + u64::from(p);
                }
                _ => out.push(Violation::UnknownUnassigned {
                    index,
                    task: u.task,
                }),
            }
        }
        for (i, (&served, &unassigned)) in self.jobs.iter().zip(&job_un).enumerate() {
            if served + unassigned != 1 {
                out.push(Violation::NotExactlyOnce {
                    task: Task::Job(i),
                    served,
                    unassigned,
                });
            }
        }
        for (i, &unassigned) in ship_un.iter().enumerate() {
            let (p, d) = (self.pickups[i], self.deliveries[i]);
            if p != d {
                out.push(Violation::ShipmentIncomplete {
                    shipment: i,
                    pickups: p,
                    deliveries: d,
                });
            }
            let served = p.max(d);
            if served + unassigned != 1 {
                out.push(Violation::NotExactlyOnce {
                    task: Task::Shipment(i),
                    served,
                    unassigned,
                });
            }
            if let (Some((pr, ps)), Some((dr, ds))) = (self.pickup_at[i], self.delivery_at[i]) {
                if pr != dr {
                    out.push(Violation::ShipmentSplit {
                        shipment: i,
                        pickup_route: pr,
                        delivery_route: dr,
                    });
                } else if ds < ps {
                    out.push(Violation::DeliveryBeforePickup {
                        route: pr,
                        shipment: i,
                        pickup_stop: ps,
                        delivery_stop: ds,
                    });
                }
            }
        }
        penalty
    }
}
