//! A route under search with cached forward and backward data per position, so that
//! inserting a stop is checked and costed in O(1) (Savelsbergh 1992; Vidal et al. 2013 for the
//! forward/backward decomposition):
//!
//! - forward: departure time from each position (earliest schedule), load after it, running
//!   maximum of the load, cumulative distance and travel time;
//! - backward: the latest arrival at each position from which the rest of the route is still
//!   feasible, and the suffix maximum of the load.
//!
//! Positions are `0` (start), `1..=n` (stops), `n + 1` (end). The latest arrival is exact with
//! several windows per stop: a later arrival never starts service earlier, so the feasible
//! arrivals form an interval `(-∞, latest]`. On vehicles with breaks the same checks are a
//! relaxation (the cached schedule leaves the breaks out): a candidate that passes them is
//! confirmed by a full simulation ([`Model::simulate`], O(n)), cheapest candidate first.
//!
//! On a plain model ([`RouteState::plain`]: capacities and distance only, no time that can
//! bind) the schedule is not tracked at all, and an insertion scan reads one row of the
//! distance matrix (the stop's) plus the cached arcs of the route.

use super::Load;
use super::model::{INF, Model, RouteStats};

/// Cached data at one position.
#[derive(Clone, Copy, Debug, Default)]
struct Pos {
    loc: u32,
    /// Departure from the position (start: shift start; end: arrival).
    dep: i64,
    /// Latest feasible arrival (start: unused).
    latest: i64,
    /// Load after the position (start: leaving load).
    load: Load,
    /// Maximum of `load` over positions `0..=k`.
    pmax: Load,
    /// Maximum of `load` over positions `k..=n` (end: zero).
    smax: Load,
    /// Sum of the start loads (`node_pre`) of the stops at positions `1..=k`.
    cpre: Load,
    /// Distance and travel time from the start to the position.
    cdist: i64,
    ctime: i64,
    /// Distance and travel time to the next position (end: zero).
    next_d: i64,
    next_t: i64,
}

/// One vehicle's route and its caches.
#[derive(Clone, Debug)]
pub(crate) struct RouteState {
    pub(crate) vehicle: usize,
    pub(crate) nodes: Vec<u32>,
    pos: Vec<Pos>,
    pub(crate) distance: i64,
    pub(crate) travel_time: i64,
    /// Cost in search units (0 when empty).
    pub(crate) cost: i64,
    /// The model is plain ([`RouteState::plain`]): time neither costs nor bounds anything, so
    /// the schedule is not tracked (departures hold the shift start, latest arrivals the shift
    /// end, travel time stays zero) and insertions read distances only.
    pub(crate) plain: bool,
}

/// A candidate insertion: cost increase and where (gap after position `i`; for a pair the
/// second stop goes in gap `j >= i`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Insertion {
    pub(crate) delta: i64,
    pub(crate) i: usize,
    pub(crate) j: usize,
}

/// The totals of a composed route (see [`RouteState::compose_relaxed`]) and whether its
/// feasibility is decided (`false`: only the relaxation without breaks holds so far).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Composed {
    pub(crate) stats: RouteStats,
    pub(crate) exact: bool,
}

impl RouteState {
    /// An empty route of vehicle `v`.
    pub(crate) fn new(m: &Model, v: usize) -> RouteState {
        Self::new_in(m, v, false)
    }

    /// An empty route of vehicle `v`, plain when `plain` ([`RouteState::plain`] must hold for
    /// `m`).
    pub(crate) fn new_in(m: &Model, v: usize, plain: bool) -> RouteState {
        let mut r = RouteState {
            vehicle: v,
            nodes: Vec::new(),
            pos: Vec::new(),
            distance: 0,
            travel_time: 0,
            cost: 0,
            plain,
        };
        r.update(m);
        r
    }

    pub(crate) fn len(&self) -> usize {
        self.nodes.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Route cost in search units from its totals.
    pub(crate) fn cost_of(m: &Model, v: usize, s: RouteStats, empty: bool) -> i64 {
        if empty {
            return 0;
        }
        let veh = &m.vehicles[v];
        veh.fixed
            .saturating_add(veh.w_time.saturating_mul(s.travel_time))
            .saturating_add(veh.w_dist.saturating_mul(s.distance))
    }

    /// Recomputes every cache after `nodes` changed. O(n).
    pub(crate) fn update(&mut self, m: &Model) {
        let veh = &m.vehicles[self.vehicle];
        let ty = veh.ty;
        let n = self.nodes.len();
        self.pos.clear();
        self.pos.resize(n + 2, Pos::default());
        self.pos[0].loc = veh.start;
        for (k, &u) in self.nodes.iter().enumerate() {
            self.pos[k + 1].loc = m.node_loc[u as usize];
        }
        self.pos[n + 1].loc = veh.end;
        // Forward.
        let mut load = Load::ZERO;
        for &u in &self.nodes {
            load = load + m.node_pre[u as usize];
        }
        self.pos[0].dep = veh.shift_start;
        self.pos[0].load = load;
        self.pos[0].pmax = load;
        let (mut dist, mut tt) = (0, 0);
        let mut cpre = Load::ZERO;
        for k in 1..=n + 1 {
            let (a, b) = (self.pos[k - 1].loc, self.pos[k].loc);
            let arc = m.d(ty, a, b);
            self.pos[k - 1].next_d = arc;
            self.pos[k - 1].next_t = m.t(ty, a, b);
            dist += arc;
            if self.plain {
                self.pos[k].dep = veh.shift_start;
            } else {
                let travel = m.t(ty, a, b);
                tt += travel;
                let arrival = self.pos[k - 1].dep + travel;
                self.pos[k].dep = if k <= n {
                    let u = self.nodes[k - 1];
                    // An infeasible route (only while repairing) keeps arriving late.
                    let start = m.earliest_start(u, arrival).unwrap_or(arrival);
                    start + m.node_service[u as usize]
                } else {
                    arrival
                };
            }
            if k <= n {
                let u = self.nodes[k - 1] as usize;
                load = load + m.node_change[u];
                cpre = cpre + m.node_pre[u];
            }
            self.pos[k].load = load;
            self.pos[k].pmax = self.pos[k - 1].pmax.max(load);
            self.pos[k].cpre = cpre;
            self.pos[k].cdist = dist;
            self.pos[k].ctime = tt;
        }
        // Backward.
        self.pos[n + 1].latest = veh.shift_end;
        self.pos[n + 1].smax = Load::ZERO;
        for k in (1..=n).rev() {
            self.pos[k].latest = if self.plain {
                veh.shift_end
            } else {
                let u = self.nodes[k - 1];
                let bound = self.pos[k + 1].latest
                    - m.t(ty, self.pos[k].loc, self.pos[k + 1].loc)
                    - m.node_service[u as usize];
                m.latest_arrival(u, bound).unwrap_or(i64::MIN / 4)
            };
            self.pos[k].smax = self.pos[k + 1].smax.max(self.pos[k].load);
        }
        self.pos[0].smax = self.pos[1].smax.max(self.pos[0].load);
        let stats = if veh.breaks.is_empty() || n == 0 {
            RouteStats {
                distance: dist,
                travel_time: tt,
            }
        } else {
            m.simulate(self.vehicle, &self.nodes, None)
                .unwrap_or(RouteStats {
                    distance: dist,
                    travel_time: tt,
                })
        };
        self.distance = stats.distance;
        self.travel_time = stats.travel_time;
        self.cost = Self::cost_of(m, self.vehicle, stats, n == 0);
    }

    /// Departure time from position `k` (non-decreasing along the route): no stop whose
    /// windows close before it can go in a gap at or after `k`.
    pub(crate) fn departure(&self, k: usize) -> i64 {
        self.pos[k].dep
    }

    /// Whether the route uses the O(1) checks (no breaks, no road-distance limit on custom
    /// costs). With breaks the same checks are a relaxation: the cached schedule leaves the
    /// breaks out, and breaks only delay, so what fails without them fails with them, while
    /// distance and travel time (hence cost) do not depend on them. A road-distance limit on
    /// custom costs ([`VehicleData::max_length`](super::model::VehicleData)) is left out of the
    /// same checks, which are then a relaxation too. A candidate that passes is then confirmed by a simulation, and
    /// candidates are confirmed cheapest first, so that most are never simulated.
    fn fast(&self, m: &Model) -> bool {
        let veh = &m.vehicles[self.vehicle];
        veh.breaks.is_empty() && veh.max_length == INF
    }

    /// Cost increase of inserting stop `u` in the gap after position `k` (`0..=n`), or
    /// `None` when infeasible. O(1) without breaks, O(n) with them.
    pub(crate) fn insert_delta(&self, m: &Model, u: u32, k: usize) -> Option<i64> {
        let delta = self.relaxed_insert_delta(m, u, k)?;
        if self.fast(m) {
            return Some(delta);
        }
        self.confirmed(m, delta, &[(k, u)])
    }

    /// `delta` when the route with the stops `ins` inserted (gap, stop; in gap order) is
    /// feasible by a full simulation (breaks included), `None` otherwise. `delta` must be the
    /// relaxed cost increase of that insertion, which the simulation's is equal to.
    fn confirmed(&self, m: &Model, delta: i64, ins: &[(usize, u32)]) -> Option<i64> {
        let simulated = self.delta_by_simulation(m, ins)?;
        debug_assert_eq!(simulated, delta, "breaks change no cost");
        Some(simulated)
    }

    /// The cheapest of `candidates` that a full simulation confirms (see
    /// [`RouteState::fast`]), ties to the earliest gaps as a scan in gap order would pick. A
    /// candidate inserts `first` in its gap `i`, and `second` (a shipment's delivery) in its
    /// gap `j`.
    fn cheapest_confirmed(
        &self,
        m: &Model,
        mut candidates: Vec<Insertion>,
        first: u32,
        second: Option<u32>,
    ) -> Option<Insertion> {
        candidates.sort_unstable_by_key(|c| (c.delta, c.i, c.j));
        candidates.into_iter().find(|c| {
            let confirmed = match second {
                None => self.confirmed(m, c.delta, &[(c.i, first)]),
                Some(s) => self.confirmed(m, c.delta, &[(c.i, first), (c.j, s)]),
            };
            confirmed.is_some()
        })
    }

    /// [`RouteState::insert_delta`] on the route without its breaks: exact without breaks,
    /// a relaxation with them (see [`RouteState::fast`]). O(1).
    fn relaxed_insert_delta(&self, m: &Model, u: u32, k: usize) -> Option<i64> {
        if self.nodes.len() >= m.vehicles[self.vehicle].max_tasks {
            return None;
        }
        let (delta, dd, dt) = self.gap_cost(m, u, k);
        self.gap_fits(m, u, k, dd, dt).then_some(delta)
    }

    /// Cost increase of stop `u` in the gap after position `k`, feasible or not, with the
    /// distance and travel time it adds. Four matrix reads: the gap's own arc is cached.
    #[inline]
    fn gap_cost(&self, m: &Model, u: u32, k: usize) -> (i64, i64, i64) {
        let veh = &m.vehicles[self.vehicle];
        let ty = veh.ty;
        let (pa, pb) = (&self.pos[k], &self.pos[k + 1]);
        let lu = m.node_loc[u as usize];
        let dd = m.d(ty, pa.loc, lu) + m.d(ty, lu, pb.loc) - pa.next_d;
        let dt = m.t(ty, pa.loc, lu) + m.t(ty, lu, pb.loc) - pa.next_t;
        let mut delta = veh
            .w_dist
            .saturating_mul(dd)
            .saturating_add(veh.w_time.saturating_mul(dt));
        if self.nodes.is_empty() {
            delta = delta
                .saturating_add(veh.fixed)
                .saturating_add(veh.open_penalty);
        }
        (delta, dd, dt)
    }

    /// Whether stop `u` fits the gap after position `k` (time, loads, distance and travel
    /// time limits; breaks left out), `dd` and `dt` being what it adds ([`Self::gap_cost`]).
    #[inline]
    fn gap_fits(&self, m: &Model, u: u32, k: usize, dd: i64, dt: i64) -> bool {
        let veh = &m.vehicles[self.vehicle];
        let ui = u as usize;
        let ty = veh.ty;
        let (pa, pb) = (&self.pos[k], &self.pos[k + 1]);
        let lu = m.node_loc[ui];
        let arrival = pa.dep + m.t(ty, pa.loc, lu);
        let Some(start) = m.earliest_start(u, arrival) else {
            return false;
        };
        if start + m.node_service[ui] + m.t(ty, lu, pb.loc) > pb.latest {
            return false;
        }
        // Loads: positions up to k carry the stop's start load, the rest its change too.
        let pre = m.node_pre[ui];
        let post = pre + m.node_change[ui];
        (pa.pmax + pre).fits(veh.capacity)
            && (pa.load + post).fits(veh.capacity)
            && (pb.smax + post).fits(veh.capacity)
            && self.distance + dd <= veh.max_distance
            && self.travel_time + dt <= veh.max_travel_time
    }

    /// Cheapest feasible insertion of stop `u` (a job: shipments go through
    /// [`RouteState::best_pair`]) in one gap of the route, `skip` being asked once per gap
    /// considered (blinks). O(n). On a plain route ([`RouteState::plain`] holds for the
    /// model) two O(1) load tests first reject a route that cannot take the stop anywhere
    /// (every gap's check covers the start load and the final load: `pmax` includes the
    /// start, and the final load is `load` of the last position or in the `smax` after it),
    /// then only loads and distance are checked, reading `u`'s row of the distance matrix and
    /// the cached arcs: one matrix read per gap instead of six. Other routes go gap by gap
    /// through [`RouteState::insert_delta`].
    pub(crate) fn best_insert(
        &self,
        m: &Model,
        u: u32,
        skip: impl FnMut() -> bool,
    ) -> Option<Insertion> {
        self.best_insert_below(m, u, i64::MAX, skip)
    }

    /// [`RouteState::best_insert`] among the insertions cheaper than `bound` (the best
    /// another route offers): a gap's cost is read first, and only a gap that would win is
    /// checked for feasibility and asked about a blink.
    pub(crate) fn best_insert_below(
        &self,
        m: &Model,
        u: u32,
        bound: i64,
        mut skip: impl FnMut() -> bool,
    ) -> Option<Insertion> {
        let veh = &m.vehicles[self.vehicle];
        let n = self.nodes.len();
        let ui = u as usize;
        let mut best: Option<Insertion> = None;
        if !self.plain {
            if n >= veh.max_tasks {
                return None;
            }
            let closes = m.node_win[ui].1;
            let fast = self.fast(m);
            let mut candidates = Vec::new();
            let mut limit = bound;
            for k in 0..=n {
                if self.departure(k) > closes {
                    break;
                }
                let (delta, dd, dt) = self.gap_cost(m, u, k);
                if delta >= limit || skip() || !self.gap_fits(m, u, k, dd, dt) {
                    continue;
                }
                if fast {
                    limit = delta;
                    best = Some(Insertion { delta, i: k, j: k });
                } else {
                    candidates.push(Insertion { delta, i: k, j: k });
                }
            }
            if !fast {
                return self.cheapest_confirmed(m, candidates, u, None);
            }
            return best;
        }
        let pre = m.node_pre[ui];
        let post = pre + m.node_change[ui];
        if n >= veh.max_tasks
            || !(self.pos[0].load + pre).fits(veh.capacity)
            || !(self.pos[n].load + post).fits(veh.capacity)
        {
            return None;
        }
        let lu = m.node_loc[ui] as usize;
        let row = &m.dist[veh.ty][lu * m.stride..(lu + 1) * m.stride];
        let open = if n == 0 {
            veh.fixed.saturating_add(veh.open_penalty)
        } else {
            0
        };
        let mut to_a = row[self.pos[0].loc as usize];
        for k in 0..=n {
            let (pa, pb) = (&self.pos[k], &self.pos[k + 1]);
            let to_b = row[pb.loc as usize];
            if !skip()
                && (pa.pmax + pre).fits(veh.capacity)
                && (pa.load + post).fits(veh.capacity)
                && (pb.smax + post).fits(veh.capacity)
            {
                let dd = to_a + to_b - pa.next_d;
                if self.distance + dd <= veh.max_distance {
                    let delta = veh.w_dist.saturating_mul(dd).saturating_add(open);
                    if delta < bound && best.is_none_or(|b| delta < b.delta) {
                        best = Some(Insertion { delta, i: k, j: k });
                    }
                }
            }
            to_a = to_b;
        }
        best
    }

    /// Whether insertions on `m` may be checked on loads and distance alone (see
    /// [`RouteState::best_insert`]): travel time costs nothing, no vehicle has breaks, every
    /// distance matrix is symmetric, and no time limit can bind: every window, shift and
    /// travel-time limit spans at least the longest conceivable route (every service plus one
    /// longest arc per stop and one more). O(locations²), once per search.
    pub(crate) fn plain(m: &Model) -> bool {
        let s = m.stride;
        let symmetric = m
            .dist
            .iter()
            .all(|d| (0..s).all(|a| (a + 1..s).all(|b| d[a * s + b] == d[b * s + a])));
        let longest_arc = m.dur.iter().flatten().copied().max().unwrap_or(0);
        let services = m
            .node_service
            .iter()
            .fold(0_i64, |a, &x| a.saturating_add(x));
        let stops = i64::try_from(m.n_nodes()).unwrap_or(i64::MAX);
        let horizon = services.saturating_add(longest_arc.saturating_mul(stops.saturating_add(1)));
        let first = m.vehicles.iter().map(|v| v.shift_start).min().unwrap_or(0);
        let last = m.vehicles.iter().map(|v| v.shift_start).max().unwrap_or(0);
        symmetric
            && m.vehicles.iter().all(|v| {
                v.w_time == 0
                    && v.breaks.is_empty()
                    && v.max_length == INF
                    && v.max_travel_time >= horizon
                    && v.shift_end >= v.shift_start.saturating_add(horizon)
            })
            && (0..m.n_nodes()).all(|u| {
                m.node_windows[u].is_empty()
                    && m.node_win[u].0 <= first
                    && m.node_win[u].1 >= last.saturating_add(horizon)
            })
    }

    /// Cost increase of replacing the stop at position `k` (`1..=n`, a job) by stop `u`, or
    /// `None` when infeasible. O(1) without breaks: the prefix before `k` and the suffix after
    /// it keep their cached schedule bounds; loads shift by the difference of the two stops'
    /// amounts. With breaks, what passes those checks is confirmed by a simulation, O(n).
    pub(crate) fn replace_delta(&self, m: &Model, u: u32, k: usize) -> Option<i64> {
        let delta = self.relaxed_replace_delta(m, u, k)?;
        if self.fast(m) {
            return Some(delta);
        }
        let mut nodes = self.nodes.clone();
        nodes[k - 1] = u;
        m.simulate(self.vehicle, &nodes, None).map(|_| delta)
    }

    /// [`RouteState::replace_delta`] on the route without its breaks (see
    /// [`RouteState::fast`]). O(1).
    fn relaxed_replace_delta(&self, m: &Model, u: u32, k: usize) -> Option<i64> {
        let veh = &m.vehicles[self.vehicle];
        let e = self.nodes[k - 1] as usize;
        let ui = u as usize;
        let ty = veh.ty;
        let (pa, pe, pb) = (&self.pos[k - 1], &self.pos[k], &self.pos[k + 1]);
        let lu = m.node_loc[ui];
        let dpre = m.node_pre[ui] - m.node_pre[e];
        let dpost = (m.node_pre[ui] + m.node_change[ui]) - (m.node_pre[e] + m.node_change[e]);
        if !(pa.pmax + dpre).fits(veh.capacity)
            || !(pa.load + dpre + m.node_change[ui]).fits(veh.capacity)
            || !(pb.smax + dpost).fits(veh.capacity)
        {
            return None;
        }
        let start = m.earliest_start(u, pa.dep + m.t(ty, pa.loc, lu))?;
        if start + m.node_service[ui] + m.t(ty, lu, pb.loc) > pb.latest {
            return None;
        }
        let dd = m.d(ty, pa.loc, lu) + m.d(ty, lu, pb.loc)
            - m.d(ty, pa.loc, pe.loc)
            - m.d(ty, pe.loc, pb.loc);
        let dt = m.t(ty, pa.loc, lu) + m.t(ty, lu, pb.loc)
            - m.t(ty, pa.loc, pe.loc)
            - m.t(ty, pe.loc, pb.loc);
        if self.distance + dd > veh.max_distance || self.travel_time + dt > veh.max_travel_time {
            return None;
        }
        Some(
            veh.w_dist
                .saturating_mul(dd)
                .saturating_add(veh.w_time.saturating_mul(dt)),
        )
    }

    /// Totals of the route made of `x`'s positions `0..=i` (its first `i` stops), then the
    /// stops `middle`, then `y`'s positions `j..=n_y + 1` (its stops from the `j`-th on), on
    /// `x`'s vehicle; `None` when it breaks a constraint. Every local-search move is one or two
    /// such concatenations (Vidal et al. 2013, "concatenation of subsequences"). O(|middle|):
    /// the prefix keeps its cached departure and load profile, the suffix its latest feasible
    /// arrivals and suffix load maxima shifted by the load entering it. When `y`'s suffix
    /// bounds were computed for another travel matrix, end or shift end, the route is simulated
    /// in full instead (O(n), exact for every feature); when `x`'s vehicle has breaks, a route
    /// that passes the checks without them is simulated too (see
    /// [`RouteState::compose_relaxed`]). Skills are the caller's business. `scratch` is reused.
    pub(crate) fn compose(
        m: &Model,
        x: &RouteState,
        i: usize,
        middle: &[u32],
        y: &RouteState,
        j: usize,
        scratch: &mut Vec<u32>,
    ) -> Option<RouteStats> {
        let composed = Self::compose_relaxed(m, x, i, middle, y, j, scratch)?;
        if composed.exact {
            return Some(composed.stats);
        }
        Self::simulate_composed(m, x, i, middle, y, j, scratch)
    }

    /// The route of [`RouteState::compose`] simulated in full (breaks included). O(n).
    pub(crate) fn simulate_composed(
        m: &Model,
        x: &RouteState,
        i: usize,
        middle: &[u32],
        y: &RouteState,
        j: usize,
        scratch: &mut Vec<u32>,
    ) -> Option<RouteStats> {
        if i + middle.len() + (y.nodes.len() + 1 - j) > m.vehicles[x.vehicle].max_tasks {
            return None;
        }
        scratch.clear();
        scratch.extend_from_slice(&x.nodes[..i]);
        scratch.extend_from_slice(middle);
        scratch.extend_from_slice(&y.nodes[j - 1..]);
        m.simulate(x.vehicle, scratch, None)
    }

    /// [`RouteState::compose`] with `x`'s breaks left out when the cached bounds apply: the
    /// totals are exact, but feasibility is only a relaxation when `x`'s vehicle has breaks
    /// (see [`RouteState::fast`]); then `exact` is false and [`RouteState::simulate_composed`]
    /// decides. When the cached bounds do not apply, the route is simulated (exact).
    pub(crate) fn compose_relaxed(
        m: &Model,
        x: &RouteState,
        i: usize,
        middle: &[u32],
        y: &RouteState,
        j: usize,
        scratch: &mut Vec<u32>,
    ) -> Option<Composed> {
        let veh = &m.vehicles[x.vehicle];
        let ny = y.nodes.len();
        debug_assert!(i <= x.nodes.len() && (1..=ny + 1).contains(&j));
        let count = i + middle.len() + (ny + 1 - j);
        if count > veh.max_tasks {
            return None;
        }
        let wy = &m.vehicles[y.vehicle];
        if wy.ty != veh.ty || wy.end != veh.end || wy.shift_end != veh.shift_end {
            return Self::simulate_composed(m, x, i, middle, y, j, scratch)
                .map(|stats| Composed { stats, exact: true });
        }
        let ty = veh.ty;
        let px = &x.pos[i];
        let py = &y.pos[j];
        // Time.
        let mut time = px.dep;
        let mut loc = px.loc;
        let (mut dist, mut tt) = (px.cdist, px.ctime);
        let mut mid_pre = Load::ZERO;
        let plain = x.plain && y.plain;
        for &u in middle {
            let ui = u as usize;
            let lu = m.node_loc[ui];
            if !plain {
                let travel = m.t(ty, loc, lu);
                time = m.earliest_start(u, time + travel)? + m.node_service[ui];
                tt += travel;
            }
            dist += m.d(ty, loc, lu);
            mid_pre = mid_pre + m.node_pre[ui];
            loc = lu;
        }
        let travel = if plain { 0 } else { m.t(ty, loc, py.loc) };
        if time + travel > py.latest {
            return None;
        }
        dist += m.d(ty, loc, py.loc) + (y.pos[ny + 1].cdist - py.cdist);
        tt += travel + (y.pos[ny + 1].ctime - py.ctime);
        if dist > veh.max_distance || tt > veh.max_travel_time {
            return None;
        }
        // Loads: the start load is the sum of the three parts' start loads.
        let start_load = px.cpre + mid_pre + (y.pos[ny + 1].cpre - y.pos[j - 1].cpre);
        let shift = start_load - x.pos[0].load;
        if !(px.pmax + shift).fits(veh.capacity) {
            return None;
        }
        let mut load = px.load + shift;
        for &u in middle {
            load = load + m.node_change[u as usize];
            if !load.fits(veh.capacity) {
                return None;
            }
        }
        if j <= ny && !(py.smax + (load - y.pos[j - 1].load)).fits(veh.capacity) {
            return None;
        }
        Some(Composed {
            stats: RouteStats {
                distance: dist,
                travel_time: tt,
            },
            exact: x.fast(m),
        })
    }

    /// Best insertion of the shipment with pickup `p` (delivery `p + 1`): pickup in gap `i`,
    /// delivery in gap `j >= i`. `skip` is asked once per candidate (blinks). O(n²): for each
    /// `i` the schedule is pushed forward stop by stop; with breaks, the candidates are then
    /// confirmed by simulation, cheapest first (see [`RouteState::fast`]).
    pub(crate) fn best_pair(
        &self,
        m: &Model,
        p: u32,
        skip: impl FnMut() -> bool,
    ) -> Option<Insertion> {
        self.best_pair_below(m, p, i64::MAX, skip)
    }

    /// [`RouteState::best_pair`] among the insertions cheaper than `bound`: a candidate's
    /// cost is read first, and only one that would win is checked at the delivery and asked
    /// about a blink (the schedule is still pushed past every stop).
    pub(crate) fn best_pair_below(
        &self,
        m: &Model,
        p: u32,
        bound: i64,
        mut skip: impl FnMut() -> bool,
    ) -> Option<Insertion> {
        let veh = &m.vehicles[self.vehicle];
        let n = self.nodes.len();
        if n + 2 > veh.max_tasks {
            return None;
        }
        let d = p + 1;
        let mut best: Option<Insertion> = None;
        // With breaks, every candidate that passes the relaxed checks is kept, then confirmed
        // cheapest first (see `fast`).
        let fast = self.fast(m);
        let mut candidates = Vec::new();
        let mut limit = bound;
        let ty = veh.ty;
        let (lp, ld) = (m.node_loc[p as usize], m.node_loc[d as usize]);
        let amount = m.node_change[p as usize];
        let (sp, sd) = (m.node_service[p as usize], m.node_service[d as usize]);
        let open = if n == 0 {
            veh.fixed.saturating_add(veh.open_penalty)
        } else {
            0
        };
        let cost = |dd: i64, dt: i64| -> Option<i64> {
            if self.distance + dd > veh.max_distance || self.travel_time + dt > veh.max_travel_time
            {
                return None;
            }
            Some(
                veh.w_dist
                    .saturating_mul(dd)
                    .saturating_add(veh.w_time.saturating_mul(dt))
                    .saturating_add(open),
            )
        };
        for i in 0..=n {
            let pa = &self.pos[i];
            if !(pa.load + amount).fits(veh.capacity) {
                continue;
            }
            let Some(start_p) = m.earliest_start(p, pa.dep + m.t(ty, pa.loc, lp)) else {
                continue;
            };
            let mut time = start_p + sp;
            let mut loc = lp;
            let b = self.pos[i + 1].loc;
            let dd_p = m.d(ty, pa.loc, lp) + m.d(ty, lp, b) - pa.next_d;
            let dt_p = m.t(ty, pa.loc, lp) + m.t(ty, lp, b) - pa.next_t;
            for j in i..=n {
                // Delivery in gap j: from `loc` at `time` to the delivery, then position j + 1.
                let next = &self.pos[j + 1];
                let (dd, dt) = if j == i {
                    (
                        m.d(ty, pa.loc, lp) + m.d(ty, lp, ld) + m.d(ty, ld, b) - pa.next_d,
                        m.t(ty, pa.loc, lp) + m.t(ty, lp, ld) + m.t(ty, ld, b) - pa.next_t,
                    )
                } else {
                    let a = &self.pos[j];
                    (
                        dd_p + m.d(ty, a.loc, ld) + m.d(ty, ld, next.loc) - a.next_d,
                        dt_p + m.t(ty, a.loc, ld) + m.t(ty, ld, next.loc) - a.next_t,
                    )
                };
                if let Some(delta) = cost(dd, dt)
                    && delta < limit
                    && let Some(start_d) = m.earliest_start(d, time + m.t(ty, loc, ld))
                    && start_d + sd + m.t(ty, ld, next.loc) <= next.latest
                    && !skip()
                {
                    if fast {
                        limit = delta;
                        best = Some(Insertion { delta, i, j });
                    } else {
                        candidates.push(Insertion { delta, i, j });
                    }
                }
                if j == n {
                    break;
                }
                // Move past stop j + 1 carrying the shipment.
                if !(next.load + amount).fits(veh.capacity) {
                    break;
                }
                let arrival = time + m.t(ty, loc, next.loc);
                if arrival > next.latest {
                    break;
                }
                let u = self.nodes[j];
                let Some(s) = m.earliest_start(u, arrival) else {
                    break;
                };
                time = s + m.node_service[u as usize];
                loc = next.loc;
            }
        }
        if !fast {
            return self.cheapest_confirmed(m, candidates, p, Some(d));
        }
        best
    }

    /// Cost increase of inserting `(gap, stop)` pairs (gaps in the current route, in order)
    /// by simulating the whole new route. O(n).
    fn delta_by_simulation(&self, m: &Model, ins: &[(usize, u32)]) -> Option<i64> {
        let mut seq = Vec::with_capacity(self.nodes.len() + ins.len());
        let mut it = ins.iter().peekable();
        for k in 0..=self.nodes.len() {
            if k > 0 {
                seq.push(self.nodes[k - 1]);
            }
            while let Some(&&(g, u)) = it.peek() {
                if g != k {
                    break;
                }
                seq.push(u);
                it.next();
            }
        }
        let stats = m.simulate(self.vehicle, &seq, None)?;
        let new = Self::cost_of(m, self.vehicle, stats, false);
        let open = if self.nodes.is_empty() {
            m.vehicles[self.vehicle].open_penalty
        } else {
            0
        };
        Some((new - self.cost).saturating_add(open))
    }

    /// Inserts stop `u` in the gap after position `k` and refreshes the caches.
    pub(crate) fn insert(&mut self, m: &Model, u: u32, k: usize) {
        self.nodes.insert(k, u);
        self.update(m);
    }

    /// Inserts a shipment found by [`RouteState::best_pair`].
    pub(crate) fn insert_pair(&mut self, m: &Model, p: u32, ins: Insertion) {
        self.nodes.insert(ins.j, p + 1);
        self.nodes.insert(ins.i, p);
        self.update(m);
    }

    /// Removes the stops for which `removed` holds and refreshes the caches.
    pub(crate) fn remove_where(&mut self, m: &Model, removed: impl Fn(u32) -> bool) {
        self.nodes.retain(|&u| !removed(u));
        self.update(m);
    }
}

#[cfg(test)]
#[path = "route_tests.rs"]
mod tests;
