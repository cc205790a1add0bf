//! Times of arrival on fixed routes, with the constraints they break: VROOM's plan mode
//! (`-c`, "choose ETA"; VROOM-Project/vroom `docs/API.md`, "Plan mode").
//!
//! A [`FixedRoute`] is a vehicle's stops in a given order; nothing is reordered or dropped.
//! [`schedule`] chooses the service start time of every step (start, stops, breaks, end) so
//! that, in this order of importance:
//! 1. the timing violations are as small as possible: `lead_time` (service before its window,
//!    or the vehicle leaving before its shift) plus `delay` (service after its window, or the
//!    vehicle back after its shift), weighted by the route's travel and service time, plus the
//!    route's makespan (end minus start) — VROOM's first objective;
//! 2. with those two fixed, the stops are served as early as possible, and travel on a leg
//!    interrupted by breaks is done before the breaks as far as it can be.
//!
//! The vehicle therefore leaves as late as it can without making the route longer: no needless
//! waiting at the first window. A step's own `service_at`, `service_after` and
//! `service_before` are hard bounds on its service start; bounds no schedule can meet make the
//! route [`EtaError::Infeasible`]. The end is reported at the vehicle's arrival there, as VROOM
//! reports it: its bounds only limit that arrival (`service_at` and `service_before` as the
//! latest), waiting at the end is free, and its delay counts from the arrival.
//!
//! A break is taken somewhere on the leg between the stops around it: the travel time of the
//! leg is split before and after it (`arrival` at the break is the previous departure plus the
//! travel done before it).
//!
//! The other constraints are reported, never enforced: `load` (over capacity when leaving a
//! step), `skills`, `max_tasks`, `max_travel_time` and `max_distance` (cumulative figures past
//! the vehicle's limit at a step), `precedence` (a delivery before its pickup, or one without
//! the other on the route) and, for the route, `missing_break`.
//!
//! The timing program is a small mixed-integer program (one binary per time window of a stop
//! with several windows; a linear program otherwise), solved twice (objective 1, then 2 with
//! 1's values pinned) by `microlp`. Its size is linear in the route's steps and windows.

use microlp::{ComparisonOp, LinearExpr, OptimizationDirection, Variable};

use super::{Load, Problem, StopKind, TimeWindow};

/// Hard bounds on a step's service start (VROOM's `service_at`, `service_after`,
/// `service_before`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServiceBounds {
    /// Service exactly then.
    pub at: Option<u32>,
    /// Service no earlier.
    pub after: Option<u32>,
    /// Service no later.
    pub before: Option<u32>,
}

impl ServiceBounds {
    /// The earliest and latest service start these bounds allow (`None` when they allow
    /// none).
    fn range(self) -> Option<(i64, i64)> {
        let mut lo = 0_i64;
        let mut hi = i64::MAX;
        if let Some(a) = self.at {
            lo = i64::from(a);
            hi = i64::from(a);
        }
        if let Some(a) = self.after {
            lo = lo.max(i64::from(a));
        }
        if let Some(b) = self.before {
            hi = hi.min(i64::from(b));
        }
        (lo <= hi).then_some((lo, hi))
    }
}

/// A vehicle's route in a fixed order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedRoute {
    /// Index in [`Problem::vehicles`].
    pub vehicle: usize,
    /// The stops (tasks and breaks) in order, each with its bounds.
    pub stops: Vec<(StopKind, ServiceBounds)>,
    /// Bounds on leaving the start.
    pub start: ServiceBounds,
    /// Bounds on reaching the end.
    pub end: ServiceBounds,
}

/// A broken constraint (VROOM's `violations[].cause`, with `duration` where it has one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Violation {
    /// Service this long before its window (or leaving this long before the shift).
    LeadTime(u64),
    /// Service this long after its window (or back this long after the shift).
    Delay(u64),
    /// Over capacity.
    Load,
    /// More tasks than the vehicle's `max_tasks`.
    MaxTasks,
    /// The vehicle lacks a skill the task needs.
    Skills,
    /// A delivery before its pickup, or a shipment half on the route.
    Precedence,
    /// A break of the vehicle is not on the route.
    MissingBreak,
    /// Travel time past the vehicle's `max_travel_time`.
    MaxTravelTime,
    /// Load over a break's `max_load`.
    MaxLoad,
    /// Distance past the vehicle's `max_distance`.
    MaxDistance,
}

impl Violation {
    /// VROOM's name of the cause.
    #[must_use]
    pub fn cause(self) -> &'static str {
        match self {
            Self::LeadTime(_) => "lead_time",
            Self::Delay(_) => "delay",
            Self::Load => "load",
            Self::MaxTasks => "max_tasks",
            Self::Skills => "skills",
            Self::Precedence => "precedence",
            Self::MissingBreak => "missing_break",
            Self::MaxTravelTime => "max_travel_time",
            Self::MaxLoad => "max_load",
            Self::MaxDistance => "max_distance",
        }
    }

    /// The duration of a timing violation.
    #[must_use]
    pub fn duration(self) -> Option<u64> {
        match self {
            Self::LeadTime(d) | Self::Delay(d) => Some(d),
            _ => None,
        }
    }
}

/// What a scheduled step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EtaKind {
    /// The vehicle leaves.
    Start,
    /// A task or a break.
    Stop(StopKind),
    /// The vehicle arrives at its end.
    End,
}

/// One step of a scheduled route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EtaStep {
    /// What it is.
    pub kind: EtaKind,
    /// When the vehicle gets there (for the start: when it leaves).
    pub arrival: u64,
    /// Waiting before service.
    pub waiting_time: u64,
    /// Travel time so far.
    pub duration: u64,
    /// Distance so far (a break counts the legs finished before it).
    pub distance: u64,
    /// Load when leaving the step.
    pub load: Load,
    /// Constraints broken here.
    pub violations: Vec<Violation>,
}

/// A scheduled route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EtaRoute {
    /// Index in [`Problem::vehicles`].
    pub vehicle: usize,
    /// Start, stops and end (a vehicle without a start leaves from its first task, one
    /// without an end stops at its last).
    pub steps: Vec<EtaStep>,
    /// The route's violations: total lead time and delay when non-zero, then every other
    /// cause once, `missing_break` included.
    pub violations: Vec<Violation>,
    /// Total travel time.
    pub duration: u64,
    /// Total distance.
    pub distance: u64,
    /// Total waiting time.
    pub waiting_time: u64,
    /// The route's cost ([`Vehicle::route_cost_on`](super::Vehicle::route_cost_on)).
    pub cost: i64,
}

/// Why a route cannot be scheduled.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EtaError {
    /// The vehicle index is out of range.
    #[error("vehicle #{vehicle} does not exist")]
    UnknownVehicle {
        /// The index given.
        vehicle: usize,
    },
    /// A stop names a task or break that does not exist.
    #[error("vehicle #{vehicle}: stop {stop:?} does not exist")]
    UnknownStop {
        /// The vehicle index.
        vehicle: usize,
        /// The stop.
        stop: StopKind,
    },
    /// No schedule meets the service bounds, or a leg has no route.
    #[error("Infeasible route for vehicle #{vehicle}.")]
    Infeasible {
        /// The vehicle index.
        vehicle: usize,
    },
    /// The timing program could not be solved.
    #[error("vehicle #{vehicle}: the timing program failed: {message}")]
    Solver {
        /// The vehicle index.
        vehicle: usize,
        /// The solver's words.
        message: String,
    },
}

/// One step of the timing program.
struct Node {
    kind: EtaKind,
    /// `None` for breaks (taken on the way) and missing start/end.
    location: Option<super::Location>,
    action: i64,
    /// Windows of service start; empty = none. For the start only `start` counts (lead time),
    /// for the end only `end` (delay).
    windows: Vec<(i64, i64)>,
    bounds: (i64, i64),
}

fn windows_of(tw: &[TimeWindow]) -> Vec<(i64, i64)> {
    tw.iter()
        .map(|w| (i64::from(w.start), i64::from(w.end)))
        .collect()
}

fn nodes(p: &Problem, r: &FixedRoute) -> Result<Vec<Node>, EtaError> {
    let vehicle = r.vehicle;
    let veh = p
        .vehicles
        .get(vehicle)
        .ok_or(EtaError::UnknownVehicle { vehicle })?;
    let infeasible = EtaError::Infeasible { vehicle };
    let shift = if veh.shift == TimeWindow::ALWAYS {
        Vec::new()
    } else {
        vec![(i64::from(veh.shift.start), i64::from(veh.shift.end))]
    };
    let mut out = Vec::with_capacity(r.stops.len() + 2);
    out.push(Node {
        kind: EtaKind::Start,
        location: veh.start,
        action: 0,
        windows: shift.clone(),
        bounds: r.start.range().ok_or(infeasible.clone())?,
    });
    for &(stop, b) in &r.stops {
        let unknown = EtaError::UnknownStop { vehicle, stop };
        let (location, action, windows) = match stop {
            StopKind::Job(j) => {
                let job = p.jobs.get(j).ok_or(unknown)?;
                (
                    Some(job.place.location),
                    job.place.service,
                    &job.place.time_windows,
                )
            }
            StopKind::Pickup(s) | StopKind::Delivery(s) => {
                let sh = p.shipments.get(s).ok_or(unknown)?;
                let place = if matches!(stop, StopKind::Pickup(_)) {
                    &sh.pickup
                } else {
                    &sh.delivery
                };
                (Some(place.location), place.service, &place.time_windows)
            }
            StopKind::Break(k) => {
                let br = veh.breaks.get(k).ok_or(unknown)?;
                (None, br.duration, &br.time_windows)
            }
        };
        out.push(Node {
            kind: EtaKind::Stop(stop),
            location,
            action: i64::from(action),
            windows: windows_of(windows),
            bounds: b.range().ok_or(infeasible.clone())?,
        });
    }
    out.push(Node {
        kind: EtaKind::End,
        location: veh.end,
        action: 0,
        windows: shift,
        bounds: r.end.range().ok_or(infeasible)?,
    });
    Ok(out)
}

/// Travel time and distance of each leg between non-break steps: `legs[i]` leaves step `i`
/// (a non-break step) for the next non-break step; `None` for breaks and the end.
fn legs(p: &Problem, vehicle: usize, ns: &[Node]) -> Result<Vec<Option<(i64, i64)>>, EtaError> {
    let veh = &p.vehicles[vehicle];
    let matrix = p
        .matrices
        .get(veh.profile)
        .ok_or(EtaError::Infeasible { vehicle })?;
    let is_break = |n: &Node| matches!(n.kind, EtaKind::Stop(StopKind::Break(_)));
    let mut out = vec![None; ns.len()];
    for i in 0..ns.len() - 1 {
        if is_break(&ns[i]) {
            continue;
        }
        let j = (i + 1..ns.len())
            .find(|&j| !is_break(&ns[j]))
            .expect("the end is not a break");
        // Without a start the route begins at its first task; without an end it stops at
        // its last: those legs are free.
        let leg = match (ns[i].location, ns[j].location) {
            (Some(a), Some(b)) => {
                let (t, d) = veh
                    .leg(matrix, a, b)
                    .ok_or(EtaError::Infeasible { vehicle })?;
                (
                    i64::try_from(t).unwrap_or(i64::MAX),
                    i64::try_from(d).unwrap_or(i64::MAX),
                )
            }
            _ => (0, 0),
        };
        out[i] = Some(leg);
    }
    Ok(out)
}

/// Room left on the pinned values of the first objective in the second solve: above the
/// solver's feasibility tolerance, far below a unit of time.
const PIN_SLACK: f64 = 1e-6;

/// The timing program's variables.
struct Program {
    lp: microlp::Problem,
    t: Vec<Variable>,
    delta: Vec<Variable>,
    y: Vec<Variable>,
}

#[expect(
    clippy::cast_precision_loss,
    reason = "schedule times stay far below 2^52"
)]
fn f(x: i64) -> f64 {
    x as f64
}

#[expect(
    clippy::cast_possible_truncation,
    reason = "rounded solver values of schedule times, far inside i64"
)]
fn round(x: f64) -> i64 {
    x.round() as i64
}

/// Builds the timing program with objective weights `w_y` on violations, `w_span` on the
/// makespan, `w_t` on stop starts and `w_split` on travel after breaks; `pin` fixes total
/// violation and makespan.
fn program(
    ns: &[Node],
    legs: &[Option<(i64, i64)>],
    base: i64,
    (w_y, w_span, w_t, w_split): (f64, f64, f64, f64),
    pin: Option<(i64, i64)>,
) -> Program {
    let n = ns.len();
    let mut lp = microlp::Problem::new(OptimizationDirection::Minimize);
    let t: Vec<Variable> = ns
        .iter()
        .enumerate()
        .map(|(s, node)| {
            let w = if s == 0 {
                -w_span
            } else if s == n - 1 {
                w_span
            } else {
                w_t
            };
            let hi = if node.bounds.1 == i64::MAX {
                f64::INFINITY
            } else {
                f(node.bounds.1 - base)
            };
            lp.add_var(w, (f(node.bounds.0 - base), hi))
        })
        .collect();
    // Travel out of each step but the end; after a break its weight grows with the number
    // of breaks passed on the leg.
    let mut delta = Vec::with_capacity(n - 1);
    let mut passed = 0.0;
    for leg in &legs[..n - 1] {
        if leg.is_some() {
            passed = 0.0;
        } else {
            passed += 1.0;
        }
        delta.push(lp.add_var(w_split * passed, (0.0, f64::INFINITY)));
    }
    for s in 0..n - 1 {
        if let Some((travel, _)) = legs[s] {
            let mut e = LinearExpr::empty();
            e.add(delta[s], 1.0);
            for k in s + 1..n - 1 {
                if legs[k].is_some() {
                    break;
                }
                e.add(delta[k], 1.0);
            }
            lp.add_constraint(e, ComparisonOp::Eq, f(travel));
        }
        lp.add_constraint(
            [(t[s + 1], 1.0), (t[s], -1.0), (delta[s], -1.0)],
            ComparisonOp::Ge,
            f(ns[s].action),
        );
    }
    let mut y = Vec::new();
    for (s, node) in ns.iter().enumerate() {
        if node.windows.is_empty() {
            continue;
        }
        let v = lp.add_var(w_y, (0.0, f64::INFINITY));
        y.push(v);
        match node.windows.as_slice() {
            [(a, b)] => {
                if s != n - 1 {
                    lp.add_constraint([(v, 1.0), (t[s], 1.0)], ComparisonOp::Ge, f(a - base));
                }
                if s == n - 1 {
                    // The end is judged by the arrival there, as VROOM does: waiting at the
                    // end (for its `service_after` or `service_at`) is free.
                    lp.add_constraint(
                        [(t[s - 1], 1.0), (delta[s - 1], 1.0), (v, -1.0)],
                        ComparisonOp::Le,
                        f(b - base - ns[s - 1].action),
                    );
                } else if s != 0 {
                    lp.add_constraint([(t[s], 1.0), (v, -1.0)], ComparisonOp::Le, f(b - base));
                }
            }
            many => {
                let xs: Vec<Variable> = many.iter().map(|_| lp.add_binary_var(0.0)).collect();
                let mut lead = LinearExpr::empty();
                lead.add(v, 1.0);
                lead.add(t[s], 1.0);
                let mut late = LinearExpr::empty();
                late.add(t[s], 1.0);
                late.add(v, -1.0);
                let mut one = LinearExpr::empty();
                for (&x, &(a, b)) in xs.iter().zip(many) {
                    lead.add(x, -f(a - base));
                    late.add(x, -f(b - base));
                    one.add(x, 1.0);
                }
                lp.add_constraint(lead, ComparisonOp::Ge, 0.0);
                lp.add_constraint(late, ComparisonOp::Le, 0.0);
                lp.add_constraint(one, ComparisonOp::Eq, 1.0);
            }
        }
    }
    if let Some((total, span)) = pin {
        if !y.is_empty() {
            let e: Vec<(Variable, f64)> = y.iter().map(|&v| (v, 1.0)).collect();
            lp.add_constraint(e.as_slice(), ComparisonOp::Le, f(total) + PIN_SLACK);
        }
        lp.add_constraint(
            [(t[n - 1], 1.0), (t[0], -1.0)],
            ComparisonOp::Le,
            f(span) + PIN_SLACK,
        );
    }
    Program { lp, t, delta, y }
}

/// The violation of service at `t` against `windows`: the distance to the nearest window.
fn window_violation(windows: &[(i64, i64)], t: i64) -> Option<Violation> {
    if windows.is_empty() || windows.iter().any(|&(a, b)| a <= t && t <= b) {
        return None;
    }
    let lead = windows.iter().filter(|w| t < w.0).map(|w| w.0 - t).min();
    let late = windows.iter().filter(|w| t > w.1).map(|w| t - w.1).min();
    let as_u = |d: i64| u64::try_from(d).unwrap_or(0);
    match (lead, late) {
        (Some(l), Some(d)) if d <= l => Some(Violation::Delay(as_u(d))),
        (Some(l), _) => Some(Violation::LeadTime(as_u(l))),
        (None, Some(d)) => Some(Violation::Delay(as_u(d))),
        (None, None) => None,
    }
}

/// Schedules a fixed route as VROOM's plan mode does (see the module docs).
///
/// # Errors
/// [`EtaError::UnknownVehicle`] or [`EtaError::UnknownStop`] for indices out of range,
/// [`EtaError::Infeasible`] when no schedule meets the steps' service bounds or a leg has no
/// route, [`EtaError::Solver`] when the timing program fails numerically.
pub fn schedule(p: &Problem, r: &FixedRoute) -> Result<EtaRoute, EtaError> {
    let vehicle = r.vehicle;
    let ns = nodes(p, r)?;
    let legs = legs(p, vehicle, &ns)?;
    let n = ns.len();
    // Times are shifted so the program's numbers stay small.
    let base = ns
        .iter()
        .flat_map(|node| {
            node.windows
                .iter()
                .map(|w| w.0)
                .chain(std::iter::once(node.bounds.0).filter(|&b| b > 0))
        })
        .min()
        .unwrap_or(0);
    let travel: i64 = legs.iter().flatten().map(|l| l.0).sum();
    let action: i64 = ns.iter().map(|node| node.action).sum();
    let w_y = f((travel + action).max(1));
    let split: i64 = (0..n)
        .filter_map(|s| legs[s].map(|(t, _)| (s, t)))
        .map(|(s, t)| {
            let breaks = (s + 1..n - 1).take_while(|&k| legs[k].is_none()).count();
            t * i64::try_from(breaks).unwrap_or(i64::MAX)
        })
        .sum();
    let w_t = f(split.max(1));
    let solve = |prog: &Program| -> Result<microlp::Solution, EtaError> {
        match prog.lp.solve() {
            Ok(outcome) => outcome.into_solution().map_err(|_| EtaError::Solver {
                vehicle,
                message: "interrupted".into(),
            }),
            Err(microlp::Error::Infeasible) => Err(EtaError::Infeasible { vehicle }),
            Err(e) => Err(EtaError::Solver {
                vehicle,
                message: e.to_string(),
            }),
        }
    };
    let first = program(&ns, &legs, base, (w_y, 1.0, 0.0, 0.0), None);
    let sol = solve(&first)?;
    let total: i64 = first.y.iter().map(|&v| round(sol.var_value(v))).sum();
    let span = round(sol.var_value(first.t[n - 1]) - sol.var_value(first.t[0]));
    let second = program(&ns, &legs, base, (0.0, 0.0, w_t, 1.0), Some((total, span)));
    let sol = solve(&second)?;
    let times: Vec<i64> = second
        .t
        .iter()
        .map(|&v| round(sol.var_value(v)) + base)
        .collect();
    // Travel split around breaks is rounded on running sums, so each leg keeps its total.
    let mut deltas = Vec::with_capacity(n - 1);
    let (mut raw, mut whole) = (0.0, 0_i64);
    for (s, &v) in second.delta.iter().enumerate() {
        if legs[s].is_some() {
            (raw, whole) = (0.0, 0);
        }
        raw += sol.var_value(v).max(0.0);
        let d = (round(raw) - whole).max(0);
        whole += d;
        deltas.push(d);
    }
    Ok(report(p, r, &ns, &legs, &times, &deltas))
}

/// Steps, loads and violations of a route scheduled at `times` with travel `deltas`.
fn report(
    p: &Problem,
    r: &FixedRoute,
    ns: &[Node],
    legs: &[Option<(i64, i64)>],
    times: &[i64],
    deltas: &[i64],
) -> EtaRoute {
    let veh = &p.vehicles[r.vehicle];
    let n = ns.len();
    let as_u = |x: i64| u64::try_from(x).unwrap_or(0);
    let mut load = r
        .stops
        .iter()
        .filter_map(|(k, _)| match k {
            StopKind::Job(j) => Some(p.jobs[*j].delivery),
            _ => None,
        })
        .fold(Load::ZERO, |a, b| a + b);
    let mut steps = Vec::with_capacity(n);
    let (mut duration, mut distance, mut waiting) = (0_u64, 0_u64, 0_u64);
    let mut tasks = 0_u32;
    let mut open: Vec<usize> = Vec::new();
    let mut early_deliveries: Vec<usize> = Vec::new();
    let mut pickup_step: Vec<(usize, usize)> = Vec::new();
    let mut pending_distance = 0_u64;
    for (s, node) in ns.iter().enumerate() {
        let arrival = if s == 0 {
            times[0]
        } else {
            times[s - 1] + ns[s - 1].action + deltas[s - 1]
        };
        // The end reports its arrival: no waiting there, and its delay counts from the
        // arrival, whatever its service bounds (VROOM's plan mode).
        let start = if node.kind == EtaKind::End {
            arrival
        } else {
            times[s].max(arrival)
        };
        if s > 0 {
            duration += as_u(deltas[s - 1]);
        }
        if let Some(Some((_, d))) = s.checked_sub(1).map(|k| legs[k]) {
            pending_distance = as_u(d);
        }
        let mut violations = Vec::new();
        match node.kind {
            EtaKind::Start => {
                if let Some(&(a, _)) = node.windows.first()
                    && times[0] < a
                {
                    violations.push(Violation::LeadTime(as_u(a - times[0])));
                }
            }
            EtaKind::End => {
                distance += pending_distance;
                if let Some(&(_, b)) = node.windows.first()
                    && arrival > b
                {
                    violations.push(Violation::Delay(as_u(arrival - b)));
                }
            }
            EtaKind::Stop(kind) => {
                if !matches!(kind, StopKind::Break(_)) {
                    distance += pending_distance;
                    pending_distance = 0;
                }
                violations.extend(window_violation(&node.windows, start));
                match kind {
                    StopKind::Job(j) => {
                        let job = &p.jobs[j];
                        load = load - job.delivery + job.pickup;
                        if !job.skills.is_subset_of(veh.skills) {
                            violations.push(Violation::Skills);
                        }
                    }
                    StopKind::Pickup(i) => {
                        load = load + p.shipments[i].amount;
                        if !p.shipments[i].skills.is_subset_of(veh.skills) {
                            violations.push(Violation::Skills);
                        }
                        if early_deliveries.contains(&i) {
                            violations.push(Violation::Precedence);
                        } else {
                            open.push(i);
                            pickup_step.push((i, s));
                        }
                    }
                    StopKind::Delivery(i) => {
                        load = load - p.shipments[i].amount;
                        if !p.shipments[i].skills.is_subset_of(veh.skills) {
                            violations.push(Violation::Skills);
                        }
                        if let Some(k) = open.iter().position(|&x| x == i) {
                            open.swap_remove(k);
                        } else {
                            violations.push(Violation::Precedence);
                            early_deliveries.push(i);
                        }
                    }
                    StopKind::Break(_) => {}
                }
                if !matches!(kind, StopKind::Break(_)) {
                    tasks += 1;
                    if veh.max_tasks.is_some_and(|m| tasks > m) {
                        violations.push(Violation::MaxTasks);
                    }
                }
            }
        }
        if !load.fits(veh.capacity) {
            violations.push(Violation::Load);
        }
        if veh.max_travel_time.is_some_and(|m| duration > u64::from(m)) {
            violations.push(Violation::MaxTravelTime);
        }
        if node.kind != EtaKind::Start && veh.max_distance.is_some_and(|m| distance > u64::from(m))
        {
            violations.push(Violation::MaxDistance);
        }
        let wait = as_u(start - arrival);
        waiting += wait;
        steps.push(EtaStep {
            kind: node.kind,
            arrival: as_u(arrival),
            waiting_time: wait,
            duration,
            distance,
            load,
            violations,
        });
    }
    // Pickups whose delivery never came.
    for i in open {
        if let Some(&(_, s)) = pickup_step.iter().find(|(x, _)| *x == i)
            && let Some(step) = steps.get_mut(s)
        {
            step.violations.push(Violation::Precedence);
        }
    }
    let mut lead = 0;
    let mut delay = 0;
    let mut causes: Vec<Violation> = Vec::new();
    for v in steps.iter().flat_map(|s| &s.violations) {
        match *v {
            Violation::LeadTime(d) => lead += d,
            Violation::Delay(d) => delay += d,
            other => {
                if !causes.contains(&other) {
                    causes.push(other);
                }
            }
        }
    }
    let taken: Vec<usize> = r
        .stops
        .iter()
        .filter_map(|(k, _)| match k {
            StopKind::Break(b) => Some(*b),
            _ => None,
        })
        .collect();
    if (0..veh.breaks.len()).any(|b| !taken.contains(&b)) {
        causes.push(Violation::MissingBreak);
    }
    let mut violations = Vec::new();
    if lead > 0
        || steps
            .iter()
            .flat_map(|s| &s.violations)
            .any(|v| matches!(v, Violation::LeadTime(_)))
    {
        violations.push(Violation::LeadTime(lead));
    }
    if delay > 0
        || steps
            .iter()
            .flat_map(|s| &s.violations)
            .any(|v| matches!(v, Violation::Delay(_)))
    {
        violations.push(Violation::Delay(delay));
    }
    violations.extend(causes);
    let visited: Vec<super::Location> = ns.iter().filter_map(|node| node.location).collect();
    let cost = veh.route_cost_on(&p.matrices[veh.profile], &visited, duration, distance);
    EtaRoute {
        vehicle: r.vehicle,
        steps,
        violations,
        duration,
        distance,
        waiting_time: waiting,
        cost,
    }
}

#[cfg(test)]
#[path = "eta_tests.rs"]
mod tests;
