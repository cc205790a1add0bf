//! The trip search: a dedicated ruin-and-recreate over per-vehicle, per-day visit lists,
//! with the nights chosen exactly by dynamic programming.
//!
//! The trips module docs say why not `vrp`, how a vehicle is evaluated and how the search runs.

use rand::seq::SliceRandom as _;
use rand::{RngExt as _, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::check;
use super::{
    Itinerary, NightAt, Overnight, TripDay, TripError, TripProblem, Unplanned, VehicleTrip, Visit,
};

/// Bounds of the search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TripConfig {
    /// Ruin-and-recreate iterations after the first insertion.
    pub iterations: u32,
    /// Seed of the random choices.
    pub seed: u64,
    /// Bound on the work of the iterations: each evaluation of a vehicle counts days ×
    /// night states² (states: 1 at home, 2 for settlements, 1 + lodging points); the
    /// iterations stop when the total passes this. Keeps large trips (many lodging points,
    /// days and vehicles) bounded, deterministically.
    pub max_work: u64,
}

impl Default for TripConfig {
    fn default() -> Self {
        Self {
            iterations: 2_000,
            seed: 1,
            max_work: 100_000_000,
        }
    }
}

/// Weight of one unit of left-out priority against driving seconds: above any driving
/// total a trip can have (14 days × 10 vehicles × 86,400 s).
const LEFT_OUT: u64 = 1 << 40;

/// Probability of skipping a place when putting removed settlements back.
const BLINK: f64 = 0.1;

/// Visits per vehicle and day.
type Plan = Vec<Vec<Vec<usize>>>;

/// Where a day ends: the state, its total driving so far and the state of the day before.
#[derive(Clone, Copy, Debug)]
struct Reached {
    night: NightAt,
    driving: u64,
    back: usize,
}

fn loc(p: &TripProblem, vehicle: usize, at: NightAt) -> usize {
    match at {
        NightAt::Home => p.depots[vehicle],
        NightAt::Settlement(i) => p.settlements[i].location,
        NightAt::Lodging(j) => p.lodgings[j],
    }
}

/// Runs the visits of day `day` from location `from`: the time after the last service,
/// the driving so far, the distance so far and the last location; `None` when a window is
/// missed or a leg has no route. Records the visits in `out` when given.
fn run_day(
    p: &TripProblem,
    day: u32,
    from: usize,
    stops: &[usize],
    mut out: Option<&mut Vec<Visit>>,
) -> Option<(u64, u64, u64, usize)> {
    let (mut t, mut driving, mut dist, mut at) = (u64::from(p.hours.start_s), 0, 0, from);
    for &i in stops {
        let s = &p.settlements[i];
        if !p.allowed_on(i, day) {
            return None;
        }
        let leg = u64::from(p.duration(at, s.location)?);
        dist += u64::from(p.distance(at, s.location)?);
        driving += leg;
        let arrival = t + leg;
        let mut start = arrival;
        if !s.windows.is_empty() {
            // Windows may be unsorted: the earliest start any of them allows.
            start = s
                .windows
                .iter()
                .filter(|w| u64::from(w.end_s) >= arrival)
                .map(|w| u64::from(w.start_s).max(arrival))
                .min()?;
        }
        t = start + u64::from(s.service_s);
        if t > u64::from(p.hours.end_s) || driving > u64::from(p.max_driving_s) {
            return None;
        }
        at = s.location;
        if let Some(v) = out.as_deref_mut() {
            let secs = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
            v.push(Visit {
                settlement: i,
                arrival_s: secs(arrival),
                start_s: secs(start),
                departure_s: secs(t),
            });
        }
    }
    Some((t, driving, dist, at))
}

/// The night states the policy allows after day `day` with `stops`, given the states of
/// the day before.
fn night_states(p: &TripProblem, day: u32, stops: &[usize], before: &[Reached]) -> Vec<NightAt> {
    let mut s = vec![NightAt::Home];
    if day + 1 == p.days {
        return s;
    }
    match p.overnight {
        Overnight::Home => {}
        Overnight::Settlement => match stops.last() {
            Some(&last) => s.push(NightAt::Settlement(last)),
            None => s.extend(
                before
                    .iter()
                    .map(|r| r.night)
                    .filter(|n| matches!(n, NightAt::Settlement(_))),
            ),
        },
        Overnight::Lodging => s.extend((0..p.lodgings.len()).map(NightAt::Lodging)),
    }
    s
}

/// Least driving of vehicle `vehicle` over its `days` with the best nights, and those
/// nights; `None` when no choice of nights makes every day fit.
fn evaluate(p: &TripProblem, vehicle: usize, days: &[Vec<usize>]) -> Option<(u64, Vec<NightAt>)> {
    let mut layers: Vec<Vec<Reached>> = Vec::with_capacity(days.len());
    let mut before = vec![Reached {
        night: NightAt::Home,
        driving: 0,
        back: 0,
    }];
    for (day, stops) in (0_u32..).zip(days) {
        let states = night_states(p, day, stops, &before);
        let mut now: Vec<Reached> = states
            .iter()
            .map(|&night| Reached {
                night,
                driving: u64::MAX,
                back: 0,
            })
            .collect();
        for (bi, b) in before.iter().enumerate() {
            let Some((t, driving, _, at)) = run_day(p, day, loc(p, vehicle, b.night), stops, None)
            else {
                continue;
            };
            for r in &mut now {
                // On a day without visits a settlement night can only be the previous one.
                if stops.is_empty()
                    && matches!(r.night, NightAt::Settlement(_))
                    && r.night != b.night
                {
                    continue;
                }
                let Some(leg) = p.duration(at, loc(p, vehicle, r.night)) else {
                    continue;
                };
                let (end, total) = (t + u64::from(leg), driving + u64::from(leg));
                if end <= u64::from(p.hours.end_s)
                    && total <= u64::from(p.max_driving_s)
                    && b.driving + total < r.driving
                {
                    r.driving = b.driving + total;
                    r.back = bi;
                }
            }
        }
        now.retain(|r| r.driving != u64::MAX);
        if now.is_empty() {
            return None;
        }
        layers.push(now.clone());
        before = now;
    }
    // The last day has the single state `Home`.
    let mut at = 0;
    let mut nights = vec![NightAt::Home; days.len()];
    let total = layers.last()?.first()?.driving;
    for (d, layer) in layers.iter().enumerate().rev() {
        nights[d] = layer[at].night;
        at = layer[at].back;
    }
    Some((total, nights))
}

struct Search<'a> {
    p: &'a TripProblem,
    plan: Plan,
    cost: Vec<u64>,
    left: Vec<usize>,
    /// Vehicle evaluations made by `best_place` since this state was made.
    evaluations: u64,
}

impl Search<'_> {
    fn objective(&self) -> u128 {
        let left: u128 = self
            .left
            .iter()
            .map(|&i| 1 + u128::from(self.p.settlements[i].priority))
            .sum();
        left * u128::from(LEFT_OUT) + u128::from(self.cost.iter().sum::<u64>())
    }

    /// The cheapest place for settlement `i`: (extra driving, vehicle, day, position).
    /// With `rng`, each place is skipped with probability [`BLINK`] (SISR's blinks: the
    /// cheapest place is not always the one that leads to the best itinerary).
    fn best_place(
        &mut self,
        i: usize,
        mut rng: Option<&mut Pcg64Mcg>,
    ) -> Option<(u64, usize, usize, usize)> {
        let p = self.p;
        let mut best: Option<(u64, usize, usize, usize)> = None;
        for v in 0..self.plan.len() {
            for d in 0..self.plan[v].len() {
                if !p.allowed_on(i, u32::try_from(d).unwrap_or(u32::MAX)) {
                    continue;
                }
                for pos in 0..=self.plan[v][d].len() {
                    if rng.as_deref_mut().is_some_and(|r| r.random_bool(BLINK)) {
                        continue;
                    }
                    self.plan[v][d].insert(pos, i);
                    self.evaluations += 1;
                    if let Some((c, _)) = evaluate(p, v, &self.plan[v]) {
                        let delta = c.saturating_sub(self.cost[v]);
                        if best.is_none_or(|b| delta < b.0) {
                            best = Some((delta, v, d, pos));
                        }
                    }
                    self.plan[v][d].remove(pos);
                }
            }
        }
        best
    }

    /// Inserts the left-out settlements, highest priority first, each at its cheapest
    /// place.
    fn recreate(&mut self, rng: &mut Pcg64Mcg) {
        let mut order = std::mem::take(&mut self.left);
        order.shuffle(rng);
        order.sort_by_key(|&i| std::cmp::Reverse(self.p.settlements[i].priority));
        for i in order {
            match self.best_place(i, Some(rng)) {
                Some((delta, v, d, pos)) => {
                    self.plan[v][d].insert(pos, i);
                    self.cost[v] += delta;
                }
                None => self.left.push(i),
            }
        }
        self.left.sort_unstable();
    }

    /// Removes a few settlements; `false` when the rest no longer fits (the caller
    /// discards this state).
    fn ruin(&mut self, rng: &mut Pcg64Mcg) -> bool {
        let placed: Vec<(usize, usize, usize)> = self
            .plan
            .iter()
            .enumerate()
            .flat_map(|(v, days)| {
                days.iter()
                    .enumerate()
                    .flat_map(move |(d, s)| s.iter().map(move |&i| (v, d, i)))
            })
            .collect();
        if placed.is_empty() {
            return true;
        }
        let most = placed.len().min(8);
        let q = rng.random_range(1..=most);
        let seed = placed[rng.random_range(0..placed.len())];
        let mut out: Vec<usize> = match rng.random_range(0..3) {
            0 => {
                let mut all: Vec<usize> = placed.iter().map(|x| x.2).collect();
                all.shuffle(rng);
                all.truncate(q);
                all
            }
            1 => {
                let at = self.p.settlements[seed.2].location;
                let mut near: Vec<(u32, usize)> = placed
                    .iter()
                    .map(|x| {
                        let l = self.p.settlements[x.2].location;
                        (self.p.duration(at, l).unwrap_or(u32::MAX), x.2)
                    })
                    .collect();
                near.sort_unstable();
                near.into_iter().take(q).map(|x| x.1).collect()
            }
            _ => self.plan[seed.0][seed.1].clone(),
        };
        out.sort_unstable();
        for days in &mut self.plan {
            for day in days.iter_mut() {
                day.retain(|i| out.binary_search(i).is_err());
            }
        }
        self.left.extend(out);
        for v in 0..self.plan.len() {
            match evaluate(self.p, v, &self.plan[v]) {
                Some((c, _)) => self.cost[v] = c,
                None => return false,
            }
        }
        true
    }

    fn clone_state(&self) -> Self {
        Search {
            p: self.p,
            plan: self.plan.clone(),
            cost: self.cost.clone(),
            left: self.left.clone(),
            evaluations: 0,
        }
    }
}

/// The reason settlement `i` is left out (see [`Unplanned`]).
pub(crate) fn reason(p: &TripProblem, i: usize) -> Unplanned {
    let s = &p.settlements[i];
    let reachable = p
        .depots
        .iter()
        .any(|&d| p.duration(d, s.location).is_some() && p.duration(s.location, d).is_some());
    if !reachable {
        return Unplanned::NotReachable(None);
    }
    if s.service_s > p.hours.end_s - p.hours.start_s {
        return Unplanned::ServiceLongerThanDay;
    }
    let alone = |q: &TripProblem| {
        (0..q.depots.len()).any(|v| {
            (0..q.days).any(|day| {
                let mut days = vec![Vec::new(); q.days as usize];
                days[day as usize].push(i);
                evaluate(q, v, &days).is_some()
            })
        })
    };
    if alone(p) {
        return Unplanned::OutOfDays;
    }
    let mut q = p.clone();
    q.max_driving_s = u32::MAX;
    if alone(&q) {
        return Unplanned::DrivingLimit;
    }
    q.settlements[i].windows.clear();
    q.settlements[i].days.clear();
    if alone(&q) {
        return Unplanned::OutsideWindows;
    }
    Unplanned::DoesNotFitInDay
}

/// The itinerary of a plan whose every vehicle fits.
fn itinerary(p: &TripProblem, plan: &Plan, left: &[usize]) -> Option<Itinerary> {
    let mut vehicles = Vec::with_capacity(plan.len());
    for (vehicle, days) in plan.iter().enumerate() {
        let (_, nights) = evaluate(p, vehicle, days)?;
        let mut from = NightAt::Home;
        let mut out = Vec::with_capacity(days.len());
        for ((day, stops), &night) in (0_u32..).zip(days).zip(&nights) {
            let mut visits = Vec::with_capacity(stops.len());
            let (t, driving, dist, at) =
                run_day(p, day, loc(p, vehicle, from), stops, Some(&mut visits))?;
            let to = loc(p, vehicle, night);
            let secs = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
            out.push(TripDay {
                day,
                from,
                visits,
                night,
                leave_s: p.hours.start_s,
                arrive_s: secs(t + u64::from(p.duration(at, to)?)),
                driving_s: secs(driving + u64::from(p.duration(at, to)?)),
                distance_m: secs(dist + u64::from(p.distance(at, to)?)),
            });
            from = night;
        }
        vehicles.push(VehicleTrip { vehicle, days: out });
    }
    Some(Itinerary {
        vehicles,
        unplanned: left.iter().map(|&i| (i, reason(p, i))).collect(),
    })
}

/// Plans the trip: a day-by-day itinerary for every vehicle and the settlements left
/// out with their reasons (the search is outlined in [`crate::trips`]). The result
/// passes [`check::check`].
///
/// # Errors
/// [`TripProblem::validate`]'s errors; [`TripError::CheckFailed`] if the itinerary built
/// fails the checker (a bug).
///
/// # Examples
/// ```
/// use engine::trips::{DayWindow, Overnight, Settlement, TripConfig, TripProblem, solve};
/// use engine::vrp::Matrix;
/// // The depot (0) and two villages an hour apart from it and from each other.
/// let hour = 3_600;
/// let problem = TripProblem {
///     matrix: Matrix {
///         size: 3,
///         durations: vec![0, hour, hour, hour, 0, hour, hour, hour, 0],
///         distances: vec![0, 60_000, 60_000, 60_000, 0, 60_000, 60_000, 60_000, 0],
///         costs: None,
///     },
///     depots: vec![0],
///     settlements: (1..3)
///         .map(|location| Settlement {
///             location,
///             service_s: 2 * hour,
///             days: vec![],
///             windows: vec![],
///             priority: 0,
///         })
///         .collect(),
///     lodgings: vec![],
///     days: 2,
///     hours: DayWindow { start_s: 9 * hour, end_s: 19 * hour },
///     max_driving_s: 6 * hour,
///     overnight: Overnight::Home,
/// };
/// let trip = solve(&problem, &TripConfig::default())?;
/// assert_eq!(trip.visited(), 2);
/// assert_eq!(trip.driving_s(), 3 * 3_600); // both villages on one day
/// # Ok::<(), engine::trips::TripError>(())
/// ```
pub fn solve(problem: &TripProblem, config: &TripConfig) -> Result<Itinerary, TripError> {
    problem.validate()?;
    let p = problem;
    let mut rng = Pcg64Mcg::seed_from_u64(config.seed);
    let days = p.days as usize;
    let mut cur = Search {
        p,
        plan: vec![vec![Vec::new(); days]; p.depots.len()],
        cost: Vec::new(),
        left: (0..p.settlements.len()).collect(),
        evaluations: 0,
    };
    cur.cost = (0..p.depots.len())
        .map(|v| evaluate(p, v, &cur.plan[v]).map_or(0, |e| e.0))
        .collect();
    // Far settlements first within a priority: they are the hardest to place late.
    cur.left.sort_by_key(|&i| {
        let l = p.settlements[i].location;
        std::cmp::Reverse(p.depots.iter().filter_map(|&d| p.duration(d, l)).min())
    });
    let mut order = std::mem::take(&mut cur.left);
    order.sort_by_key(|&i| std::cmp::Reverse(p.settlements[i].priority));
    for i in order {
        match cur.best_place(i, None) {
            Some((delta, v, d, pos)) => {
                cur.plan[v][d].insert(pos, i);
                cur.cost[v] += delta;
            }
            None => cur.left.push(i),
        }
    }
    cur.left.sort_unstable();
    let mut best = cur.clone_state();
    let (mut best_obj, mut cur_obj) = (cur.objective(), cur.objective());
    let start_threshold = cur.cost.iter().sum::<u64>() / 50;
    let states = match p.overnight {
        Overnight::Home => 1,
        Overnight::Settlement => 2,
        Overnight::Lodging => 1 + p.lodgings.len() as u64,
    };
    let mut work = 0_u64;
    for it in 0..config.iterations {
        if work > config.max_work {
            break;
        }
        let mut next = cur.clone_state();
        if !next.ruin(&mut rng) {
            continue;
        }
        next.recreate(&mut rng);
        work += next.evaluations * u64::from(p.days) * states * states;
        let obj = next.objective();
        let threshold = u128::from(
            start_threshold * u64::from(config.iterations - it) / u64::from(config.iterations),
        );
        if obj < best_obj {
            best = next.clone_state();
            best_obj = obj;
        }
        if obj <= cur_obj.saturating_add(threshold) {
            cur = next;
            cur_obj = obj;
        }
    }
    let out = itinerary(p, &best.plan, &best.left)
        .expect("every vehicle of the best plan was evaluated as fitting");
    check::check(p, &out).map_err(|v| TripError::CheckFailed(Box::new(v)))?;
    Ok(out)
}
