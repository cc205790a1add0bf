//! The solver's preprocessed view of a [`Problem`]: flat per-stop arrays, one travel matrix
//! per vehicle type (profile and speed factor, rounding applied), vehicles with their costs
//! in the search's integer units, task/vehicle compatibility and neighbour lists.
//!
//! Stops ("nodes") are numbered jobs first (`0..J`), then for shipment `s` its pickup
//! `J + 2s` and its delivery `J + 2s + 1`. Tasks are jobs `0..J`, then shipments `J..J+S`.
//! A vehicle without a start or an end uses a virtual location (index `n_locations`) at zero
//! time and distance from everywhere. Unreachable cells become [`INF`], larger than any
//! time the problem can express, so every time check rejects them. On a matrix with custom
//! costs a type's "distance" is the cost, priced at one cost unit per unit; the type then
//! keeps its road distances apart ([`Model::len`]) for the vehicles' `max_distance`
//! ([`VehicleData::max_length`]), which only full simulations check.

use super::{Load, Objective, Problem, Stop, StopKind, TimeWindow, UNREACHABLE};

/// Travel time or distance of an unreachable pair; any schedule through it misses
/// `shift.end <= u32::MAX`.
pub(crate) const INF: i64 = 1 << 40;
/// No stop.
pub(crate) const NONE: u32 = u32::MAX;
/// Scale of [`Objective::PriorityThenCost`] costs: a route cost of 1 is `COST_SCALE` units, so
/// `per_hour × time / 3600 + per_km × distance / 1000` is an integer in these units.
pub(crate) const COST_SCALE: i64 = 3_600_000;

/// One break of a vehicle.
#[derive(Clone, Debug)]
pub(crate) struct BreakData {
    /// Index in the vehicle's `breaks`.
    pub(crate) index: usize,
    /// Windows; empty means any time.
    pub(crate) windows: Vec<(i64, i64)>,
    pub(crate) duration: i64,
}

/// A vehicle as the search sees it.
#[derive(Clone, Debug)]
pub(crate) struct VehicleData {
    pub(crate) start: u32,
    pub(crate) end: u32,
    pub(crate) shift_start: i64,
    pub(crate) shift_end: i64,
    pub(crate) capacity: Load,
    /// Index of its travel matrices in [`Model::dur`] / [`Model::dist`].
    pub(crate) ty: usize,
    pub(crate) max_travel_time: i64,
    /// Limit on the route's "distance" (the cost on custom costs: then [`INF`]).
    pub(crate) max_distance: i64,
    /// Limit on the route's road distance ([`Model::l`]) on a matrix with custom costs, where
    /// it is not the search's distance ([`INF`] elsewhere). Routes of such a vehicle are
    /// confirmed by a full simulation ([`Model::simulate`]), the only check that reads it.
    pub(crate) max_length: i64,
    pub(crate) max_tasks: usize,
    /// Cost per unit of travel time and of distance, and fixed cost, in search units.
    pub(crate) w_time: i64,
    pub(crate) w_dist: i64,
    pub(crate) fixed: i64,
    /// Extra cost the search charges for opening this vehicle (beyond `fixed`).
    pub(crate) open_penalty: i64,
    /// Breaks sorted by their first window's start.
    pub(crate) breaks: Vec<BreakData>,
    /// Vehicles of one class are interchangeable: only the first empty one is tried.
    pub(crate) class: usize,
}

/// Totals of a simulated route.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct RouteStats {
    pub(crate) distance: i64,
    pub(crate) travel_time: i64,
}

/// The preprocessed problem.
#[derive(Debug)]
pub(crate) struct Model {
    pub(crate) objective: Objective,
    /// Matrix row stride: real locations plus the virtual one.
    pub(crate) stride: usize,
    pub(crate) dur: Vec<Vec<i64>>,
    pub(crate) dist: Vec<Vec<i64>>,
    /// Per vehicle type on a matrix with custom costs: its road distances (`dist` holds the
    /// costs); `None` where `dist` is the road distance.
    pub(crate) len: Vec<Option<Vec<i64>>>,
    pub(crate) n_jobs: usize,
    pub(crate) n_tasks: usize,
    pub(crate) node_loc: Vec<u32>,
    pub(crate) node_service: Vec<i64>,
    /// First window start and last window end (the only window for single-window stops).
    pub(crate) node_win: Vec<(i64, i64)>,
    /// All windows of stops with several; empty for single-window stops.
    pub(crate) node_windows: Vec<Vec<(i64, i64)>>,
    /// Amount loaded at the start for this stop (job deliveries).
    pub(crate) node_pre: Vec<Load>,
    /// Load change at the stop.
    pub(crate) node_change: Vec<Load>,
    pub(crate) node_task: Vec<u32>,
    /// The other half of a shipment, or [`NONE`].
    pub(crate) node_sibling: Vec<u32>,
    /// Unassigned penalty `1 + priority` per task.
    pub(crate) task_penalty: Vec<i64>,
    /// Sum of the task's amounts over dimensions (for "largest demand first" orderings).
    pub(crate) task_size: Vec<i64>,
    pub(crate) vehicles: Vec<VehicleData>,
    /// `compat[task * V + v]`: skills, capacity and the task alone on `v` are feasible.
    pub(crate) compat: Vec<bool>,
    /// Every task is compatible with every vehicle.
    pub(crate) all_compatible: bool,
    /// Other stops by increasing distance (capped).
    pub(crate) neighbours: Vec<Vec<u32>>,
}

/// Most neighbours kept per stop.
const NEIGHBOURS: usize = 100;

fn windows_of(tw: &[TimeWindow]) -> Vec<(i64, i64)> {
    tw.iter()
        .map(|w| (i64::from(w.start), i64::from(w.end)))
        .collect()
}

/// Scaled travel time: the matrix value divided by the speed factor, rounded to nearest.
#[expect(
    clippy::cast_possible_truncation,
    reason = "a u32 divided by a positive finite factor, saturating into i64 then capped at INF"
)]
fn scaled(d: u32, factor: f64) -> i64 {
    if factor == 1.0 {
        i64::from(d)
    } else {
        ((f64::from(d) / factor).round() as i64).min(INF)
    }
}

impl Model {
    /// Builds the view. `problem` must be valid ([`Problem::validate`]).
    pub(crate) fn new(problem: &Problem) -> Model {
        let n_loc = problem.matrices.iter().map(|m| m.size).max().unwrap_or(0);
        let stride = n_loc + 1;
        let virt = u32::try_from(n_loc).expect("validated: sizes fit u32");
        // Vehicle types: distinct (profile, speed factor).
        let mut types: Vec<(usize, u64)> = Vec::new();
        let mut dur = Vec::new();
        let mut dist = Vec::new();
        let mut len = Vec::new();
        let mut vehicles = Vec::with_capacity(problem.vehicles.len());
        let mut classes: Vec<usize> = Vec::new();
        for (vi, v) in problem.vehicles.iter().enumerate() {
            let key = (v.profile, v.speed_factor.to_bits());
            let ty = types.iter().position(|&k| k == key).unwrap_or_else(|| {
                let m = &problem.matrices[v.profile];
                let mut d = vec![0_i64; stride * stride];
                let mut l = vec![0_i64; stride * stride];
                for a in 0..m.size {
                    for b in 0..m.size {
                        // With custom costs the search's distance is the cost.
                        let ml = match &m.costs {
                            Some(c) => c[a * m.size + b],
                            None => m.distances[a * m.size + b],
                        };
                        let md = m.durations[a * m.size + b];
                        let (x, y) = if md == UNREACHABLE || ml == UNREACHABLE {
                            (INF, INF)
                        } else {
                            (scaled(md, v.speed_factor), i64::from(ml))
                        };
                        d[a * stride + b] = x;
                        l[a * stride + b] = y;
                    }
                }
                // With custom costs, the road distances apart (unreachable as above).
                let mut road = m.costs.as_ref().map(|_| {
                    let mut r = vec![INF; stride * stride];
                    for a in 0..m.size {
                        for b in 0..m.size {
                            if d[a * stride + b] < INF {
                                r[a * stride + b] = i64::from(m.distances[a * m.size + b]);
                            }
                        }
                    }
                    r
                });
                // Locations past this matrix (other profiles are larger) are unreachable.
                for a in 0..n_loc {
                    for b in 0..n_loc {
                        if a >= m.size || b >= m.size {
                            d[a * stride + b] = INF;
                            l[a * stride + b] = INF;
                        }
                    }
                }
                // The virtual location is at zero distance from everywhere.
                if let Some(r) = &mut road {
                    for a in 0..stride {
                        r[a * stride + n_loc] = 0;
                        r[n_loc * stride + a] = 0;
                    }
                }
                dur.push(d);
                dist.push(l);
                len.push(road);
                types.push(key);
                types.len() - 1
            });
            let class = classes
                .iter()
                .copied()
                .find(|&c| {
                    let w = &problem.vehicles[c];
                    w.start == v.start
                        && w.end == v.end
                        && w.shift == v.shift
                        && w.capacity == v.capacity
                        && w.skills == v.skills
                        && w.profile == v.profile
                        && w.speed_factor.to_bits() == v.speed_factor.to_bits()
                        && w.max_travel_time == v.max_travel_time
                        && w.max_distance == v.max_distance
                        && w.max_tasks == v.max_tasks
                        && w.costs == v.costs
                        && w.breaks == v.breaks
                })
                .unwrap_or_else(|| {
                    classes.push(vi);
                    vi
                });
            let custom = problem.matrices[v.profile].costs.is_some();
            let (w_time, w_dist, fixed, open_penalty) = match problem.objective {
                Objective::PriorityThenCost if custom => {
                    (0, COST_SCALE, v.costs.fixed.saturating_mul(COST_SCALE), 0)
                }
                Objective::PriorityThenCost => (
                    v.costs.per_hour.saturating_mul(1000),
                    v.costs.per_km.saturating_mul(3600),
                    v.costs.fixed.saturating_mul(COST_SCALE),
                    0,
                ),
                Objective::VehiclesThenDistance => (0, 1, 0, INF),
                Objective::DistanceOnly => (0, 1, 0, 0),
            };
            let mut breaks: Vec<BreakData> = v
                .breaks
                .iter()
                .enumerate()
                .map(|(index, b)| BreakData {
                    index,
                    windows: windows_of(&b.time_windows),
                    duration: i64::from(b.duration),
                })
                .collect();
            breaks.sort_by_key(|b| (b.windows.first().map_or(0, |w| w.0), b.index));
            vehicles.push(VehicleData {
                start: v.start.map_or(virt, |l| l.0),
                end: v.end.map_or(virt, |l| l.0),
                shift_start: i64::from(v.shift.start),
                shift_end: i64::from(v.shift.end),
                capacity: v.capacity,
                ty,
                max_travel_time: v.max_travel_time.map_or(INF, i64::from),
                max_distance: match v.max_distance {
                    Some(limit) if !custom => i64::from(limit),
                    _ => INF,
                },
                max_length: match v.max_distance {
                    Some(limit) if custom => i64::from(limit),
                    _ => INF,
                },
                max_tasks: v.max_tasks.map_or(usize::MAX, |m| m as usize),
                w_time,
                w_dist,
                fixed,
                open_penalty,
                breaks,
                class,
            });
        }

        let n_jobs = problem.jobs.len();
        let n_nodes = n_jobs + 2 * problem.shipments.len();
        let mut m = Model {
            objective: problem.objective,
            stride,
            dur,
            dist,
            len,
            n_jobs,
            n_tasks: n_jobs + problem.shipments.len(),
            node_loc: Vec::with_capacity(n_nodes),
            node_service: Vec::with_capacity(n_nodes),
            node_win: Vec::with_capacity(n_nodes),
            node_windows: Vec::with_capacity(n_nodes),
            node_pre: Vec::with_capacity(n_nodes),
            node_change: Vec::with_capacity(n_nodes),
            node_task: Vec::with_capacity(n_nodes),
            node_sibling: Vec::with_capacity(n_nodes),
            task_penalty: Vec::new(),
            task_size: Vec::new(),
            vehicles,
            compat: Vec::new(),
            all_compatible: true,
            neighbours: Vec::new(),
        };
        let push_place = |m: &mut Model, p: &super::Place| {
            m.node_loc.push(p.location.0);
            m.node_service.push(i64::from(p.service));
            let w = windows_of(&p.time_windows);
            match w.as_slice() {
                [] => m.node_win.push((0, i64::from(u32::MAX))),
                [one] => m.node_win.push(*one),
                [first, .., last] => m.node_win.push((first.0, last.1)),
            }
            m.node_windows
                .push(if w.len() > 1 { w } else { Vec::new() });
        };
        let size = |l: Load| l.0.iter().map(|&x| i64::from(x)).sum::<i64>();
        for (j, job) in problem.jobs.iter().enumerate() {
            push_place(&mut m, &job.place);
            m.node_pre.push(job.delivery);
            let mut change = Load::ZERO - job.delivery;
            change = change + job.pickup;
            m.node_change.push(change);
            m.node_task
                .push(u32::try_from(j).expect("validated: fits u32"));
            m.node_sibling.push(NONE);
            m.task_penalty.push(1 + i64::from(job.priority));
            m.task_size.push(size(job.delivery) + size(job.pickup));
        }
        for (s, sh) in problem.shipments.iter().enumerate() {
            let p = u32::try_from(n_jobs + 2 * s).expect("validated: fits u32");
            let task = u32::try_from(n_jobs + s).expect("validated: fits u32");
            push_place(&mut m, &sh.pickup);
            push_place(&mut m, &sh.delivery);
            m.node_pre.extend([Load::ZERO, Load::ZERO]);
            m.node_change.extend([sh.amount, Load::ZERO - sh.amount]);
            m.node_task.extend([task, task]);
            m.node_sibling.extend([p + 1, p]);
            m.task_penalty.push(1 + i64::from(sh.priority));
            m.task_size.push(size(sh.amount));
        }

        // Compatibility: skills, capacity, and the task alone on the vehicle.
        let nv = problem.vehicles.len();
        m.compat = vec![false; m.n_tasks * nv];
        for t in 0..m.n_tasks {
            let (skills, nodes): (_, Vec<u32>) = if t < n_jobs {
                (problem.jobs[t].skills, vec![m.task_node(t)])
            } else {
                let p = m.task_node(t);
                (problem.shipments[t - n_jobs].skills, vec![p, p + 1])
            };
            for (v, veh) in problem.vehicles.iter().enumerate() {
                m.compat[t * nv + v] =
                    skills.is_subset_of(veh.skills) && m.simulate(v, &nodes, None).is_some();
            }
        }

        m.all_compatible = m.compat.iter().all(|&c| c);

        // Neighbour lists on the first vehicle type's distances (symmetrised).
        if !m.dist.is_empty() {
            let d = &m.dist[0];
            let locs = &m.node_loc;
            m.neighbours = (0..n_nodes)
                .map(|a| {
                    let la = locs[a] as usize;
                    let mut others: Vec<(i64, u32)> = (0..n_nodes)
                        .filter(|&b| b != a)
                        .map(|b| {
                            let lb = locs[b] as usize;
                            let c = d[la * stride + lb].min(d[lb * stride + la]);
                            (c, u32::try_from(b).expect("validated: fits u32"))
                        })
                        .collect();
                    let k = NEIGHBOURS.min(others.len());
                    if k > 0 && k < others.len() {
                        others.select_nth_unstable(k - 1);
                        others.truncate(k);
                    }
                    others.sort_unstable();
                    others.into_iter().map(|(_, b)| b).collect()
                })
                .collect();
        } else {
            m.neighbours = vec![Vec::new(); n_nodes];
        }
        m
    }

    /// Number of stops.
    pub(crate) fn n_nodes(&self) -> usize {
        self.node_loc.len()
    }

    /// First stop of a task (the pickup of a shipment).
    pub(crate) fn task_node(&self, task: usize) -> u32 {
        let n = if task < self.n_jobs {
            task
        } else {
            self.n_jobs + 2 * (task - self.n_jobs)
        };
        u32::try_from(n).expect("validated: fits u32")
    }

    /// Whether `task` may go on vehicle `v`.
    #[inline]
    pub(crate) fn compatible(&self, task: usize, v: usize) -> bool {
        self.compat[task * self.vehicles.len() + v]
    }

    /// Travel time between locations for a vehicle type.
    #[inline]
    pub(crate) fn t(&self, ty: usize, a: u32, b: u32) -> i64 {
        self.dur[ty][a as usize * self.stride + b as usize]
    }

    /// Distance between locations for a vehicle type.
    #[inline]
    pub(crate) fn d(&self, ty: usize, a: u32, b: u32) -> i64 {
        self.dist[ty][a as usize * self.stride + b as usize]
    }

    /// Road distance between locations for a vehicle type: [`Model::d`] except on custom
    /// costs, where that is the cost.
    pub(crate) fn l(&self, ty: usize, a: u32, b: u32) -> i64 {
        match &self.len[ty] {
            Some(road) => road[a as usize * self.stride + b as usize],
            None => self.d(ty, a, b),
        }
    }

    /// Service start at `node` when arriving at `arrival`: the earliest time `>= arrival`
    /// in one of its windows, or `None` when every window has closed.
    #[inline]
    pub(crate) fn earliest_start(&self, node: u32, arrival: i64) -> Option<i64> {
        let n = node as usize;
        let ws = &self.node_windows[n];
        if ws.is_empty() {
            let (e, l) = self.node_win[n];
            return (arrival <= l).then(|| arrival.max(e));
        }
        ws.iter().find(|w| arrival <= w.1).map(|w| arrival.max(w.0))
    }

    /// Latest arrival at `node` whose service starts by `bound`: the latest point of its
    /// windows `<= bound`. Later arrivals never start earlier (waiting only moves forward), so
    /// every arrival up to this one is feasible too.
    #[inline]
    pub(crate) fn latest_arrival(&self, node: u32, bound: i64) -> Option<i64> {
        let n = node as usize;
        let ws = &self.node_windows[n];
        if ws.is_empty() {
            let (e, l) = self.node_win[n];
            return (bound >= e).then(|| bound.min(l));
        }
        ws.iter()
            .rev()
            .find(|w| bound >= w.0)
            .map(|w| bound.min(w.1))
    }

    /// The kind of a stop in the output.
    pub(crate) fn stop_kind(&self, node: u32) -> StopKind {
        let n = node as usize;
        if n < self.n_jobs {
            StopKind::Job(n)
        } else if (n - self.n_jobs).is_multiple_of(2) {
            StopKind::Pickup((n - self.n_jobs) / 2)
        } else {
            StopKind::Delivery((n - self.n_jobs) / 2)
        }
    }

    /// Simulates vehicle `v` serving `nodes` in order, per the semantics of the solution
    /// module: earliest schedule from `shift.start`, breaks placed greedily (see
    /// [`Model::take_breaks`]), loads, shift end, travel-time, distance and task limits.
    /// Returns the totals when every constraint holds; pushes the stops into `out` if given.
    pub(crate) fn simulate(
        &self,
        v: usize,
        nodes: &[u32],
        mut out: Option<&mut Vec<Stop>>,
    ) -> Option<RouteStats> {
        let veh = &self.vehicles[v];
        if nodes.len() > veh.max_tasks || !self.loads_fit(v, nodes) {
            return None;
        }
        // Schedule.
        let ty = veh.ty;
        let mut time = veh.shift_start;
        let mut loc = veh.start;
        let mut stats = RouteStats::default();
        // Road distance, when it is not `stats.distance` and limited (custom costs).
        let limit_length = veh.max_length < INF;
        let mut length = 0_i64;
        let mut next_break = 0;
        for &n in nodes {
            let nl = self.node_loc[n as usize];
            let travel = self.t(ty, loc, nl);
            time = self.take_breaks(
                v,
                time,
                &mut next_break,
                Some((n, travel)),
                out.as_deref_mut(),
            )?;
            let arrival = time + travel;
            let start = self.earliest_start(n, arrival)?;
            if let Some(o) = out.as_deref_mut() {
                o.push(Stop {
                    kind: self.stop_kind(n),
                    arrival: to_u32(arrival),
                    start: to_u32(start),
                });
            }
            time = start + self.node_service[n as usize];
            stats.distance += self.d(ty, loc, nl);
            stats.travel_time += travel;
            if limit_length {
                length += self.l(ty, loc, nl);
            }
            loc = nl;
        }
        time = self.take_breaks(v, time, &mut next_break, None, out)?;
        let travel = self.t(ty, loc, veh.end);
        stats.distance += self.d(ty, loc, veh.end);
        stats.travel_time += travel;
        if limit_length {
            length += self.l(ty, loc, veh.end);
        }
        let end = time + travel;
        (end <= veh.shift_end
            && stats.distance <= veh.max_distance
            && length <= veh.max_length
            && stats.travel_time <= veh.max_travel_time)
            .then_some(stats)
    }

    /// Whether vehicle `v` carries the loads of `nodes` (served in order) within its capacity
    /// when leaving its start and after every stop.
    pub(crate) fn loads_fit(&self, v: usize, nodes: &[u32]) -> bool {
        let capacity = self.vehicles[v].capacity;
        let mut load = nodes
            .iter()
            .fold(Load::ZERO, |a, &n| a + self.node_pre[n as usize]);
        load.fits(capacity)
            && nodes.iter().all(|&n| {
                load = load + self.node_change[n as usize];
                load.fits(capacity)
            })
    }

    /// Takes the breaks due before travelling to the next stop (`next` = the stop and the
    /// travel time to it), or all remaining ones at the end of the route (`next = None`).
    /// A pending break is taken now when it costs the next stop nothing (its service start does
    /// not move) or when it could no longer be taken after the next stop. Returns the time the
    /// vehicle is free, or `None` when a break can no longer be taken in its windows.
    fn take_breaks(
        &self,
        v: usize,
        mut time: i64,
        next_break: &mut usize,
        next: Option<(u32, i64)>,
        mut out: Option<&mut Vec<Stop>>,
    ) -> Option<i64> {
        let breaks = &self.vehicles[v].breaks;
        while let Some(b) = breaks.get(*next_break) {
            let bs = break_start(&b.windows, time)?;
            let take = match next {
                None => true,
                Some((n, travel)) => {
                    let without = self.earliest_start(n, time + travel);
                    let with = self.earliest_start(n, bs + b.duration + travel);
                    match without {
                        // The next stop is unreachable anyway; the caller reports it.
                        None => true,
                        Some(s0) => {
                            with == Some(s0)
                                || break_start(&b.windows, s0 + self.node_service[n as usize])
                                    .is_none()
                        }
                    }
                }
            };
            if !take {
                break;
            }
            if let Some(o) = out.as_deref_mut() {
                o.push(Stop {
                    kind: StopKind::Break(b.index),
                    arrival: to_u32(time),
                    start: to_u32(bs),
                });
            }
            time = bs + b.duration;
            *next_break += 1;
        }
        Some(time)
    }
}

/// Earliest start `>= time` of a break in its windows (any time when it has none).
fn break_start(windows: &[(i64, i64)], time: i64) -> Option<i64> {
    if windows.is_empty() {
        return Some(time);
    }
    windows.iter().find(|w| time <= w.1).map(|w| time.max(w.0))
}

/// A schedule time as `u32`; feasible schedules end by `shift.end <= u32::MAX`.
pub(crate) fn to_u32(t: i64) -> u32 {
    u32::try_from(t.clamp(0, i64::from(u32::MAX))).expect("clamped into u32")
}
