//! The dynamic dispatch day of the EURO Meets NeurIPS 2022 competition (ORTEC instances):
//! requests revealed hour by hour, dispatched as complete depot-to-depot routes.
//!
//! Rules ([`Day`]): epochs of [`EPOCH_SECONDS`]; routes decided in epoch `e` leave the depot at
//! `3600·e + 3600` ([`Day::dispatch_time`]) or later. The first epoch is
//! `max(0, ⌊(earliest window opening − 3600)/3600⌋)` over the instance's customers, the last
//! `⌊(latest window opening − 3600)/3600⌋` (stretched to cover the stream). A waiting request
//! **must** be sent in epoch `e` ([`Day::must_go`]) when a vehicle leaving one epoch later and
//! driving straight to it could no longer start service by its window's end, or could no
//! longer be back at the depot before it closes; in the last epoch every waiting request must
//! go. Routes sent are final, each on a new vehicle (no limit); capacity per route, windows
//! bound the start of service (waiting allowed), the route ends at the depot by its closing
//! time. Cost = total driving duration. The competition shifts windows so that the dispatch
//! time is 0; the model keeps absolute times and starts every vehicle at the dispatch time,
//! which is the same thing.
//!
//! Strategies ([`Strategy`]): `Greedy` sends every waiting request each epoch, `Lazy` only
//! what must go, `MustRoutes` (vmeste's) plans every waiting request and sends only the routes
//! that carry a request that must go (the rest wait, to be combined with later requests), and
//! `Hindsight` plans the whole day at once with every request known and released at its
//! epoch's dispatch time (a bound, not a strategy).
//!
//! [`check_plan`] replays routes against these rules directly from the matrix and the
//! request stream, independently of the solver and of its checker.

use std::collections::{HashMap, HashSet};

use thiserror::Error;

use super::io::Instance;
use super::{
    Job, Load, Location, Matrix, Objective, Place, Problem, SkillSet, SolveError, SolverConfig,
    StopKind, TimeWindow, Vehicle,
};

/// Length of an epoch, in seconds.
pub const EPOCH_SECONDS: u32 = 3_600;

/// Why a day cannot be read or simulated.
#[derive(Debug, Error)]
pub enum DynamicError {
    /// A line of the request stream does not have the expected shape.
    #[error("request stream line {line}: expected {expected}, found {found:?}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What was expected.
        expected: &'static str,
        /// What was there (truncated).
        found: String,
    },
    /// A request names a customer that is not a matrix row of the instance.
    #[error("request stream line {line}: customer {customer} is not in the instance")]
    UnknownCustomer {
        /// 1-based line number.
        line: usize,
        /// The customer (matrix row).
        customer: u64,
    },
    /// The instance is not a single-depot matrix instance with time windows.
    #[error("the instance does not fit the dynamic rules: {0}")]
    Instance(&'static str),
    /// The stream holds no request.
    #[error("the request stream is empty")]
    Empty,
    /// The solver refused an epoch's problem.
    #[error("solving epoch {epoch}: {source}")]
    Solve {
        /// The epoch.
        epoch: u32,
        /// The solver's error.
        source: SolveError,
    },
}

/// One request of the stream (`request, epoch, customer, tw_start, tw_end, service, demand`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// The request's id.
    pub id: u64,
    /// The epoch in which it arrives.
    pub epoch: u32,
    /// Where: matrix row `1..n` of the instance.
    pub customer: u32,
    /// Earliest service start (seconds from the start of the day).
    pub tw_start: u32,
    /// Latest service start.
    pub tw_end: u32,
    /// Service duration.
    pub service: u32,
    /// Demand.
    pub demand: i32,
}

/// Reads a request stream (CSV with the header `request,epoch,customer,tw_start,tw_end,service,demand`).
///
/// # Errors
/// [`DynamicError::Syntax`] for a missing header, a short row, a field that is not a whole
/// non-negative number or a window that ends before it starts; [`DynamicError::Empty`].
pub fn read_requests(input: &str) -> Result<Vec<Request>, DynamicError> {
    let mut lines = input
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    let header = "request,epoch,customer,tw_start,tw_end,service,demand";
    match lines.next() {
        Some((_, l)) if l.replace(' ', "") == header => {}
        Some((line, l)) => return Err(syntax(line, "the header `request,epoch,customer,…`", l)),
        None => return Err(DynamicError::Empty),
    }
    let mut out = Vec::new();
    for (line, l) in lines {
        let expected =
            "seven whole numbers `request,epoch,customer,tw_start,tw_end,service,demand`";
        let fields: Vec<u64> = l
            .split(',')
            .map(|f| f.trim().parse::<u64>())
            .collect::<Result<_, _>>()
            .map_err(|_| syntax(line, expected, l))?;
        let [id, epoch, customer, a, b, service, demand] = fields[..] else {
            return Err(syntax(line, expected, l));
        };
        let small = |v: u64| u32::try_from(v).ok().filter(|&v| v < u32::MAX);
        let (Some(epoch), Some(customer), Some(a), Some(b), Some(service)) = (
            small(epoch),
            small(customer),
            small(a),
            small(b),
            small(service),
        ) else {
            return Err(syntax(line, "values below 2^32 − 1", l));
        };
        let Ok(demand) = i32::try_from(demand) else {
            return Err(syntax(line, "a demand below 2^31", l));
        };
        if b < a {
            return Err(syntax(line, "a window ending no earlier than it starts", l));
        }
        out.push(Request {
            id,
            epoch,
            customer,
            tw_start: a,
            tw_end: b,
            service,
            demand,
        });
    }
    if out.is_empty() {
        return Err(DynamicError::Empty);
    }
    Ok(out)
}

fn syntax(line: usize, expected: &'static str, found: &str) -> DynamicError {
    DynamicError::Syntax {
        line,
        expected,
        found: found.chars().take(60).collect(),
    }
}

/// One simulated day: the instance's matrix, depot and capacity, and the request stream.
#[derive(Clone, Debug)]
pub struct Day {
    matrix: Matrix,
    depot_close: u32,
    capacity: i32,
    requests: Vec<Request>,
    first_epoch: u32,
    last_epoch: u32,
}

impl Day {
    /// The day of `instance` (an ORTEC instance: one matrix, depot at location 0, a window on
    /// every customer) with the request stream `requests`.
    ///
    /// # Errors
    /// [`DynamicError::Instance`] when the instance has no matrix, no vehicle or a job without
    /// a window; [`DynamicError::UnknownCustomer`] for a request outside the matrix (its line
    /// is its index + 2); [`DynamicError::Empty`].
    pub fn new(instance: &Instance, requests: Vec<Request>) -> Result<Day, DynamicError> {
        let p = &instance.problem;
        let matrix = p
            .matrices
            .first()
            .cloned()
            .ok_or(DynamicError::Instance("no matrix"))?;
        let vehicle = p
            .vehicles
            .first()
            .ok_or(DynamicError::Instance("no vehicle"))?;
        if vehicle.start != Some(Location(0)) || vehicle.end != Some(Location(0)) {
            return Err(DynamicError::Instance("the depot is not location 0"));
        }
        let mut opens = Vec::with_capacity(p.jobs.len());
        for j in &p.jobs {
            let w = j
                .place
                .time_windows
                .first()
                .ok_or(DynamicError::Instance("a customer without a time window"))?;
            opens.push(w.start);
        }
        let (Some(&lo), Some(&hi)) = (opens.iter().min(), opens.iter().max()) else {
            return Err(DynamicError::Instance("no customer"));
        };
        for (i, r) in requests.iter().enumerate() {
            if r.customer == 0 || r.customer as usize >= matrix.size {
                return Err(DynamicError::UnknownCustomer {
                    line: i + 2,
                    customer: r.customer.into(),
                });
            }
        }
        let stream_first = requests
            .iter()
            .map(|r| r.epoch)
            .min()
            .ok_or(DynamicError::Empty)?;
        let stream_last = requests
            .iter()
            .map(|r| r.epoch)
            .max()
            .unwrap_or(stream_first);
        Ok(Day {
            depot_close: vehicle.shift.end,
            capacity: vehicle.capacity.0[0],
            first_epoch: (lo.saturating_sub(EPOCH_SECONDS) / EPOCH_SECONDS).min(stream_first),
            last_epoch: (hi.saturating_sub(EPOCH_SECONDS) / EPOCH_SECONDS).max(stream_last),
            matrix,
            requests,
        })
    }

    /// The requests of the day.
    #[must_use]
    pub fn requests(&self) -> &[Request] {
        &self.requests
    }

    /// First and last epoch.
    #[must_use]
    pub fn epochs(&self) -> (u32, u32) {
        (self.first_epoch, self.last_epoch)
    }

    /// When routes decided in `epoch` leave the depot at the earliest.
    #[must_use]
    pub fn dispatch_time(epoch: u32) -> u32 {
        epoch
            .saturating_mul(EPOCH_SECONDS)
            .saturating_add(EPOCH_SECONDS)
    }

    fn leg(&self, a: u32, b: u32) -> u64 {
        let n = self.matrix.size;
        self.matrix
            .durations
            .get(a as usize * n + b as usize)
            .map_or(u64::MAX / 4, |&d| u64::from(d))
    }

    /// Whether a vehicle leaving at `departure` straight to `r` starts service in its window
    /// and is back before the depot closes.
    fn reachable(&self, r: &Request, departure: u32) -> bool {
        let start = (u64::from(departure) + self.leg(0, r.customer)).max(u64::from(r.tw_start));
        start <= u64::from(r.tw_end)
            && start + u64::from(r.service) + self.leg(r.customer, 0) <= u64::from(self.depot_close)
    }

    /// Whether `r`, waiting in `epoch`, must be sent now.
    #[must_use]
    pub fn must_go(&self, r: &Request, epoch: u32) -> bool {
        epoch >= self.last_epoch || !self.reachable(r, Day::dispatch_time(epoch + 1))
    }

    /// Total driving duration of a route through the customers of `requests` (ids), from and
    /// back to the depot; `None` for an unknown id.
    fn route_cost(&self, by_id: &HashMap<u64, &Request>, ids: &[u64]) -> Option<u64> {
        let mut at = 0;
        let mut cost = 0u64;
        for id in ids {
            let r = by_id.get(id)?;
            cost += self.leg(at, r.customer);
            at = r.customer;
        }
        Some(cost + self.leg(at, 0))
    }

    /// A problem over `requests` for vehicles leaving at the given `(dispatch epoch, count)`
    /// groups; with `release`, a request only fits vehicles of epochs at or after its own
    /// (skill bit per epoch). Jobs carry the request ids; location `i + 1` is request `i`.
    fn problem(&self, requests: &[&Request], groups: &[(u32, usize)], release: bool) -> Problem {
        let n = requests.len() + 1;
        let rows: Vec<u32> = std::iter::once(0)
            .chain(requests.iter().map(|r| r.customer))
            .collect();
        let mut durations = Vec::with_capacity(n * n);
        for &a in &rows {
            for &b in &rows {
                durations.push(u32::try_from(self.leg(a, b)).unwrap_or(u32::MAX - 1));
            }
        }
        let bit = |e: u32| 1u64 << (e.saturating_sub(self.first_epoch)).min(63);
        let jobs = requests
            .iter()
            .zip(1u32..)
            .map(|(r, loc)| Job {
                id: r.id,
                place: Place {
                    location: Location(loc),
                    service: r.service,
                    time_windows: vec![TimeWindow {
                        start: r.tw_start,
                        end: r.tw_end,
                    }],
                },
                delivery: Load::single(r.demand),
                pickup: Load::ZERO,
                skills: SkillSet(if release { bit(r.epoch) } else { 0 }),
                priority: 0,
            })
            .collect();
        let mut vehicles = Vec::new();
        for &(epoch, count) in groups {
            let skills = if release {
                (self.first_epoch..=epoch).fold(0, |s, e| s | bit(e))
            } else {
                0
            };
            for _ in 0..count {
                vehicles.push(Vehicle {
                    shift: TimeWindow {
                        start: Day::dispatch_time(epoch),
                        end: self.depot_close,
                    },
                    skills: SkillSet(skills),
                    costs: super::Costs {
                        fixed: 0,
                        per_hour: 0,
                        per_km: 1000,
                    },
                    ..Vehicle::round_trip(
                        vehicles.len() as u64,
                        Location(0),
                        Load::single(self.capacity),
                    )
                });
            }
        }
        Problem {
            jobs,
            shipments: Vec::new(),
            vehicles,
            matrices: vec![Matrix {
                size: n,
                distances: durations.clone(),
                durations,
                costs: None,
            }],
            skill_names: Vec::new(),
            objective: Objective::DistanceOnly,
        }
    }

    /// Solves `requests` with vehicles of the given groups; routes as `(vehicle epoch, ids)`.
    /// Requests the solver leaves out come back in the second list.
    fn plan(
        &self,
        requests: &[&Request],
        groups: &[(u32, usize)],
        release: bool,
        config: &SolverConfig,
        epoch: u32,
    ) -> Result<(Vec<DispatchedRoute>, Vec<u64>), DynamicError> {
        if requests.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let problem = self.problem(requests, groups, release);
        let solution = super::solve(&problem, config)
            .map_err(|source| DynamicError::Solve { epoch, source })?;
        let mut epoch_of = Vec::new();
        for &(e, count) in groups {
            epoch_of.extend(std::iter::repeat_n(e, count));
        }
        let routes = solution
            .routes
            .iter()
            .map(|route| DispatchedRoute {
                epoch: epoch_of.get(route.vehicle).copied().unwrap_or(epoch),
                requests: route
                    .stops
                    .iter()
                    .filter_map(|s| match s.kind {
                        StopKind::Job(i) => problem.jobs.get(i).map(|j| j.id),
                        _ => None,
                    })
                    .collect(),
            })
            .collect();
        let left = solution
            .unassigned
            .iter()
            .filter_map(|u| match u.task {
                super::Task::Job(i) => problem.jobs.get(i).map(|j| j.id),
                super::Task::Shipment(_) => None,
            })
            .collect();
        Ok((routes, left))
    }
}

/// How requests are chosen for dispatch each epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Send every waiting request each epoch.
    Greedy,
    /// Send only the requests that must go.
    Lazy,
    /// Plan every waiting request; send the routes that carry a request that must go.
    MustRoutes,
    /// The whole day at once, every request known with its release time (a bound).
    Hindsight,
}

impl Strategy {
    /// The strategy's short name (`greedy`, `lazy`, `vmeste`, `hindsight`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Greedy => "greedy",
            Strategy::Lazy => "lazy",
            Strategy::MustRoutes => "vmeste",
            Strategy::Hindsight => "hindsight",
        }
    }
}

/// A route sent out: the epoch it was decided in (it leaves at [`Day::dispatch_time`]) and the
/// request ids in visiting order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DispatchedRoute {
    /// Decision epoch.
    pub epoch: u32,
    /// Request ids in order.
    pub requests: Vec<u64>,
}

/// The outcome of a simulated day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayPlan {
    /// The strategy used.
    pub strategy: Strategy,
    /// Every route sent.
    pub routes: Vec<DispatchedRoute>,
    /// Total driving duration.
    pub cost: u64,
}

/// Simulates the day with `strategy`, `config` bounding each epoch's solve (the hindsight
/// solve gets the budget of all epochs together).
///
/// # Errors
/// [`DynamicError::Solve`] when the solver refuses an epoch's problem.
pub fn simulate(
    day: &Day,
    strategy: Strategy,
    config: &SolverConfig,
) -> Result<DayPlan, DynamicError> {
    let mut routes = Vec::new();
    if strategy == Strategy::Hindsight {
        let all: Vec<&Request> = day.requests.iter().collect();
        let epochs = day.last_epoch - day.first_epoch + 1;
        let groups: Vec<(u32, usize)> = (day.first_epoch..=day.last_epoch)
            .map(|e| {
                let released = all.iter().filter(|r| r.epoch <= e).count();
                (e, released.clamp(1, 200))
            })
            .collect();
        let mut cfg = config.clone();
        cfg.time_limit = config.time_limit.map(|t| t * epochs);
        let (planned, left) = day.plan(&all, &groups, true, &cfg, day.last_epoch)?;
        routes = planned;
        singletons(day, &left, |r| r.epoch, &mut routes);
    } else {
        let mut waiting: Vec<&Request> = Vec::new();
        for epoch in day.first_epoch..=day.last_epoch {
            waiting.extend(day.requests.iter().filter(|r| r.epoch == epoch));
            let must: HashSet<u64> = waiting
                .iter()
                .filter(|r| day.must_go(r, epoch))
                .map(|r| r.id)
                .collect();
            let pool: Vec<&Request> = match strategy {
                Strategy::Lazy => waiting
                    .iter()
                    .copied()
                    .filter(|r| must.contains(&r.id))
                    .collect(),
                _ => waiting.clone(),
            };
            let (planned, left) = day.plan(&pool, &[(epoch, pool.len())], false, config, epoch)?;
            let mut sent: Vec<DispatchedRoute> = planned
                .into_iter()
                .filter(|route| {
                    strategy != Strategy::MustRoutes
                        || route.requests.iter().any(|id| must.contains(id))
                })
                .map(|route| DispatchedRoute { epoch, ..route })
                .collect();
            let left_must: Vec<u64> = left.into_iter().filter(|id| must.contains(id)).collect();
            singletons(day, &left_must, |_| epoch, &mut sent);
            let gone: HashSet<u64> = sent
                .iter()
                .flat_map(|r| r.requests.iter().copied())
                .collect();
            waiting.retain(|r| !gone.contains(&r.id));
            routes.extend(sent);
        }
    }
    let by_id: HashMap<u64, &Request> = day.requests.iter().map(|r| (r.id, r)).collect();
    let cost = routes
        .iter()
        .filter_map(|r| day.route_cost(&by_id, &r.requests))
        .sum();
    Ok(DayPlan {
        strategy,
        routes,
        cost,
    })
}

/// Sends each of `ids` alone (requests the solver left out).
fn singletons(
    day: &Day,
    ids: &[u64],
    epoch: impl Fn(&Request) -> u32,
    out: &mut Vec<DispatchedRoute>,
) {
    for id in ids {
        if let Some(r) = day.requests.iter().find(|r| r.id == *id) {
            out.push(DispatchedRoute {
                epoch: epoch(r),
                requests: vec![*id],
            });
        }
    }
}

/// A broken rule of the dynamic variant, found by [`check_plan`].
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum DispatchViolation {
    /// A route names a request that is not in the stream.
    #[error("route {route}: unknown request {request}")]
    UnknownRequest {
        /// Route index.
        route: usize,
        /// The id.
        request: u64,
    },
    /// A request is sent more than once.
    #[error("request {request} is sent more than once")]
    Duplicate {
        /// The id.
        request: u64,
    },
    /// A request is never sent.
    #[error("request {request} is never sent")]
    NotSent {
        /// The id.
        request: u64,
    },
    /// A route serves no request.
    #[error("route {route} is empty")]
    EmptyRoute {
        /// Route index.
        route: usize,
    },
    /// A route is decided outside the day's epochs.
    #[error("route {route}: epoch {epoch} is outside the day")]
    EpochOutside {
        /// Route index.
        route: usize,
        /// Its epoch.
        epoch: u32,
    },
    /// A route carries a request before it arrived.
    #[error(
        "route {route} (epoch {epoch}) carries request {request}, released in epoch {released}"
    )]
    NotReleased {
        /// Route index.
        route: usize,
        /// The route's epoch.
        epoch: u32,
        /// The id.
        request: u64,
        /// Its arrival epoch.
        released: u32,
    },
    /// A request that had to go in some epoch was kept waiting.
    #[error("request {request} had to go in epoch {must} but went in epoch {sent}")]
    KeptTooLong {
        /// The id.
        request: u64,
        /// The epoch it had to go.
        must: u32,
        /// The epoch it was sent.
        sent: u32,
    },
    /// Service starts after a request's window closes.
    #[error("route {route}: service of request {request} starts at {start}, after {end}")]
    Late {
        /// Route index.
        route: usize,
        /// The id.
        request: u64,
        /// Service start.
        start: u64,
        /// Window end.
        end: u32,
    },
    /// The route is back after the depot closes.
    #[error("route {route} returns at {back}, after the depot closes at {close}")]
    DepotClosed {
        /// Route index.
        route: usize,
        /// Return time.
        back: u64,
        /// Closing time.
        close: u32,
    },
    /// The route's load is over the capacity.
    #[error("route {route} carries {load}, over the capacity {capacity}")]
    OverCapacity {
        /// Route index.
        route: usize,
        /// Total demand.
        load: i64,
        /// Capacity.
        capacity: i32,
    },
}

/// Replays `routes` on `day` under the rules of the module docs, from the matrix and the
/// stream alone: every request exactly once, released by the route's epoch, capacity, windows
/// with departure at the route's dispatch time, the depot's closing time and (unless
/// `hindsight`) the must-dispatch rule. Returns the total driving duration.
///
/// # Errors
/// Every broken rule found.
pub fn check_plan(
    day: &Day,
    routes: &[DispatchedRoute],
    hindsight: bool,
) -> Result<u64, Vec<DispatchViolation>> {
    use DispatchViolation as V;
    let by_id: HashMap<u64, &Request> = day.requests.iter().map(|r| (r.id, r)).collect();
    let mut sent_in: HashMap<u64, u32> = HashMap::new();
    let mut bad = Vec::new();
    let mut total = 0u64;
    for (ri, route) in routes.iter().enumerate() {
        if route.requests.is_empty() {
            bad.push(V::EmptyRoute { route: ri });
        }
        if route.epoch < day.first_epoch || route.epoch > day.last_epoch {
            bad.push(V::EpochOutside {
                route: ri,
                epoch: route.epoch,
            });
        }
        let mut time = u64::from(Day::dispatch_time(route.epoch));
        let (mut at, mut load) = (0u32, 0i64);
        for &id in &route.requests {
            let Some(r) = by_id.get(&id) else {
                bad.push(V::UnknownRequest {
                    route: ri,
                    request: id,
                });
                continue;
            };
            if sent_in.insert(id, route.epoch).is_some() {
                bad.push(V::Duplicate { request: id });
            }
            if r.epoch > route.epoch {
                bad.push(V::NotReleased {
                    route: ri,
                    epoch: route.epoch,
                    request: id,
                    released: r.epoch,
                });
            }
            let d = day.leg(at, r.customer);
            total += d;
            time = (time + d).max(u64::from(r.tw_start));
            if time > u64::from(r.tw_end) {
                bad.push(V::Late {
                    route: ri,
                    request: id,
                    start: time,
                    end: r.tw_end,
                });
            }
            time += u64::from(r.service);
            load += i64::from(r.demand);
            at = r.customer;
        }
        let d = day.leg(at, 0);
        total += d;
        if time + d > u64::from(day.depot_close) {
            bad.push(V::DepotClosed {
                route: ri,
                back: time + d,
                close: day.depot_close,
            });
        }
        if load > i64::from(day.capacity) {
            bad.push(V::OverCapacity {
                route: ri,
                load,
                capacity: day.capacity,
            });
        }
    }
    for r in &day.requests {
        let Some(&sent) = sent_in.get(&r.id) else {
            bad.push(V::NotSent { request: r.id });
            continue;
        };
        if !hindsight && let Some(must) = (r.epoch..sent).find(|&e| day.must_go(r, e)) {
            bad.push(V::KeptTooLong {
                request: r.id,
                must,
                sent,
            });
        }
    }
    if bad.is_empty() { Ok(total) } else { Err(bad) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_streams_read_and_reject_bad_rows() {
        let head = "request,epoch,customer,tw_start,tw_end,service,demand\n";
        let r = read_requests(&format!("{head}1,0,5,100,200,30,4\n")).unwrap();
        assert_eq!(r[0].customer, 5);
        assert_eq!(r[0].demand, 4);
        for bad in [
            "1,0,5,100,200,30\n",
            "1,0,5,300,200,30,4\n",
            "1,0,x,1,2,3,4\n",
            "1,0,5,-1,2,3,4\n",
        ] {
            assert!(
                matches!(
                    read_requests(&format!("{head}{bad}")),
                    Err(DynamicError::Syntax { line: 2, .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(read_requests(head), Err(DynamicError::Empty)));
        assert!(matches!(
            read_requests("a,b\n1,2\n"),
            Err(DynamicError::Syntax { line: 1, .. })
        ));
    }

    #[test]
    fn dispatch_times_are_an_hour_after_the_epoch() {
        assert_eq!(Day::dispatch_time(0), 3_600);
        assert_eq!(Day::dispatch_time(5), 21_600);
    }
}
