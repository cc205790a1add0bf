//! The vehicle-routing model: vehicles (volunteers), jobs (requests), shipments and
//! travel matrices. Everything here is plain data in whole units, validated by
//! [`Problem::validate`].
//!
//! Units: times and durations in the problem's time unit (seconds for real use; the
//! benchmark readers scale Euclidean distances, see `vrp::io`), distances in the problem's
//! distance unit (metres for real use). Matrix cells equal to [`UNREACHABLE`] mark pairs with
//! no route.

use serde::{Deserialize, Serialize};

/// How many capacity dimensions a [`Load`] holds at most (e.g. kg, bags, seats, boxes).
pub const MAX_DIMENSIONS: usize = 4;

/// Marker for an unreachable matrix cell.
pub const UNREACHABLE: u32 = u32::MAX;

/// Amounts in up to [`MAX_DIMENSIONS`] capacity dimensions; unused dimensions are zero.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Load(pub [i32; MAX_DIMENSIONS]);

impl Load {
    /// All zero.
    pub const ZERO: Load = Load([0; MAX_DIMENSIONS]);

    /// A one-dimensional amount.
    #[must_use]
    pub const fn single(v: i32) -> Self {
        Load([v, 0, 0, 0])
    }

    /// Component-wise maximum.
    #[must_use]
    #[inline]
    pub fn max(self, o: Load) -> Load {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0) {
            *a = (*a).max(b);
        }
        Load(r)
    }

    /// `true` when every component is `<=` the other's.
    #[must_use]
    #[inline]
    pub fn fits(self, capacity: Load) -> bool {
        self.0.iter().zip(capacity.0).all(|(&a, c)| a <= c)
    }

    /// `true` when no component is negative.
    #[must_use]
    pub fn is_non_negative(self) -> bool {
        self.0.iter().all(|&a| a >= 0)
    }
}

impl std::ops::Add for Load {
    type Output = Load;

    /// Component-wise sum (saturating).
    #[inline]
    fn add(self, o: Load) -> Load {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0) {
            *a = a.saturating_add(b);
        }
        Load(r)
    }
}

impl std::ops::Sub for Load {
    type Output = Load;

    /// Component-wise difference (saturating).
    #[inline]
    fn sub(self, o: Load) -> Load {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0) {
            *a = a.saturating_sub(b);
        }
        Load(r)
    }
}

/// A set of skills, as bits over the problem's skill names ([`Problem::skill_names`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SkillSet(pub u64);

impl SkillSet {
    /// The most distinct skills a problem may name.
    pub const MAX_SKILLS: usize = 64;

    /// `true` when every skill of `self` is in `other`.
    #[must_use]
    #[inline]
    pub fn is_subset_of(self, other: SkillSet) -> bool {
        self.0 & !other.0 == 0
    }
}

/// A closed time window `[start, end]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeWindow {
    /// Earliest time.
    pub start: u32,
    /// Latest time.
    pub end: u32,
}

impl TimeWindow {
    /// The whole time line.
    pub const ALWAYS: TimeWindow = TimeWindow {
        start: 0,
        end: u32::MAX,
    };
}

/// Index of a location in the travel matrices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[repr(transparent)]
pub struct Location(pub u32);

/// Where and when a task is served.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// Matrix index of the place.
    pub location: Location,
    /// Time spent serving it.
    pub service: u32,
    /// Allowed service start windows, sorted and disjoint; empty means any time.
    pub time_windows: Vec<TimeWindow>,
}

/// A single-stop request: deliver goods to, or pick them up from, one place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// The caller's id (Solomon CUST NO., VRPLIB node id, a hotline request id).
    pub id: u64,
    /// Where and when.
    pub place: Place,
    /// Amount brought from the start (loaded at the depot).
    pub delivery: Load,
    /// Amount picked up and carried to the end.
    pub pickup: Load,
    /// Skills the volunteer must have.
    pub skills: SkillSet,
    /// 0 (lowest) to 100 (highest).
    pub priority: u8,
}

/// A pickup and a delivery served by the same vehicle, pickup first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// The caller's id of the pickup task (Li & Lim task id).
    pub pickup_id: u64,
    /// The caller's id of the delivery task.
    pub delivery_id: u64,
    /// Where and when it is picked up.
    pub pickup: Place,
    /// Where and when it is delivered.
    pub delivery: Place,
    /// Amount carried from pickup to delivery.
    pub amount: Load,
    /// Skills the volunteer must have.
    pub skills: SkillSet,
    /// 0 (lowest) to 100 (highest).
    pub priority: u8,
}

/// A break a volunteer must take during the shift.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Break {
    /// The caller's id.
    pub id: u64,
    /// When the break may start.
    pub time_windows: Vec<TimeWindow>,
    /// How long it lasts.
    pub duration: u32,
}

/// What using a vehicle costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Costs {
    /// Cost of using the vehicle at all.
    pub fixed: i64,
    /// Cost per hour of route duration (3600 time units).
    pub per_hour: i64,
    /// Cost per km of route distance (1000 distance units).
    pub per_km: i64,
}

impl Default for Costs {
    /// VROOM's defaults: cost = travel time in time units.
    fn default() -> Self {
        Costs {
            fixed: 0,
            per_hour: 3600,
            per_km: 0,
        }
    }
}

/// A volunteer with a means of transport, on shift.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vehicle {
    /// The caller's id.
    pub id: u64,
    /// Where the route starts; `None` starts at the first task.
    pub start: Option<Location>,
    /// Where the route ends; `None` ends at the last task (open route).
    pub end: Option<Location>,
    /// Working hours: leave the start no earlier than `start`, reach the end by `end`.
    pub shift: TimeWindow,
    /// Capacity per dimension.
    pub capacity: Load,
    /// Skills of the volunteer.
    pub skills: SkillSet,
    /// Which matrix of [`Problem::matrices`] it travels on.
    pub profile: usize,
    /// Travel times are divided by this (2.0 = twice as fast as the matrix).
    pub speed_factor: f64,
    /// Longest total travel time (driving only).
    pub max_travel_time: Option<u32>,
    /// Longest total distance (the matrix's `distances`, on custom costs too).
    pub max_distance: Option<u32>,
    /// Most tasks (job stops, pickups and deliveries) on the route.
    pub max_tasks: Option<u32>,
    /// Costs.
    pub costs: Costs,
    /// Breaks to take.
    pub breaks: Vec<Break>,
}

impl Vehicle {
    /// A vehicle that leaves `depot` and comes back to it, carrying up to `capacity`: on
    /// shift at all times, on profile 0 at the matrix's speed, with no skills, breaks or
    /// limits and the default costs. Change the other fields with struct update syntax.
    ///
    /// # Examples
    /// ```
    /// use engine::vrp::{Load, Location, TimeWindow, Vehicle};
    /// let v = Vehicle {
    ///     shift: TimeWindow { start: 0, end: 3600 },
    ///     ..Vehicle::round_trip(7, Location(0), Load::single(10))
    /// };
    /// assert_eq!((v.start, v.end), (Some(Location(0)), Some(Location(0))));
    /// ```
    #[must_use]
    pub fn round_trip(id: u64, depot: Location, capacity: Load) -> Self {
        Self {
            id,
            start: Some(depot),
            end: Some(depot),
            shift: TimeWindow::ALWAYS,
            capacity,
            skills: SkillSet(0),
            profile: 0,
            speed_factor: 1.0,
            max_travel_time: None,
            max_distance: None,
            max_tasks: None,
            costs: Costs::default(),
            breaks: Vec::new(),
        }
    }
}

/// Travel durations and distances between locations, row-major (`m[from * n + to]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    /// Number of locations.
    pub size: usize,
    /// `size × size` durations; [`UNREACHABLE`] for no route.
    pub durations: Vec<u32>,
    /// `size × size` distances; [`UNREACHABLE`] for no route.
    pub distances: Vec<u32>,
    /// `size × size` travel costs (VROOM's custom cost matrices), or `None`. A vehicle on a
    /// matrix with costs pays its `fixed` cost plus the costs of its legs: its `per_hour` and
    /// `per_km` do not apply, and its `speed_factor` changes times, not costs. Durations
    /// still drive the schedule and mark unreachable pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<Vec<u32>>,
}

impl Matrix {
    /// Duration from `a` to `b`.
    #[must_use]
    #[inline]
    pub fn duration(&self, a: Location, b: Location) -> u32 {
        self.durations[a.0 as usize * self.size + b.0 as usize]
    }

    /// Distance from `a` to `b`.
    #[must_use]
    #[inline]
    pub fn distance(&self, a: Location, b: Location) -> u32 {
        self.distances[a.0 as usize * self.size + b.0 as usize]
    }

    /// Custom travel cost from `a` to `b`, when the matrix has costs and both are inside it.
    #[must_use]
    #[inline]
    pub fn cost(&self, a: Location, b: Location) -> Option<u32> {
        let (a, b) = (a.0 as usize, b.0 as usize);
        if a >= self.size || b >= self.size {
            return None;
        }
        self.costs.as_ref()?.get(a * self.size + b).copied()
    }
}

/// What the solver minimises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Objective {
    /// Serve as much priority as possible, then minimise total cost (fixed + time + distance).
    #[default]
    PriorityThenCost,
    /// Fewest vehicles, then least distance (Solomon, Homberger, Li & Lim convention).
    VehiclesThenDistance,
    /// Least distance only (CVRPLIB convention).
    DistanceOnly,
}

/// A whole routing problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Single-stop requests.
    pub jobs: Vec<Job>,
    /// Pickup-and-delivery pairs.
    pub shipments: Vec<Shipment>,
    /// Volunteers on shift.
    pub vehicles: Vec<Vehicle>,
    /// One matrix per profile; [`Vehicle::profile`] indexes this.
    pub matrices: Vec<Matrix>,
    /// Names of the skill bits used in [`SkillSet`]s.
    pub skill_names: Vec<String>,
    /// What to minimise.
    pub objective: Objective,
}

impl Vehicle {
    /// Travel time and distance of the leg `from → to` for this vehicle on `matrix`: the
    /// matrix duration divided by [`Vehicle::speed_factor`], rounded to the nearest unit, and
    /// the matrix distance (the semantics of `Solution`'s module docs). `None` when the leg
    /// has no route or a location is outside the matrix.
    #[must_use]
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a u32 divided by a positive finite factor, rounded: non-negative, and `as` saturates"
    )]
    pub fn leg(&self, matrix: &Matrix, from: Location, to: Location) -> Option<(u64, u64)> {
        let n = matrix.size;
        let (a, b) = (from.0 as usize, to.0 as usize);
        if a >= n || b >= n {
            return None;
        }
        let duration = *matrix.durations.get(a * n + b)?;
        let distance = *matrix.distances.get(a * n + b)?;
        if duration == UNREACHABLE || distance == UNREACHABLE {
            return None;
        }
        let travel = (f64::from(duration) / self.speed_factor).round() as u64;
        Some((travel, u64::from(distance)))
    }

    /// Cost of a route of this vehicle with these totals: `fixed + round(per_hour ×
    /// travel_time / 3600 + per_km × distance / 1000)`, halves up, computed exactly in
    /// integers (saturating at the `i64` range).
    #[must_use]
    pub fn route_cost(&self, travel_time: u64, distance: u64) -> i64 {
        let c = &self.costs;
        let num = i128::from(c.per_hour) * i128::from(travel_time) * 1000
            + i128::from(c.per_km) * i128::from(distance) * 3600;
        let total = i128::from(c.fixed) + (num + 1_800_000) / 3_600_000;
        i64::try_from(total).unwrap_or(if total > 0 { i64::MAX } else { i64::MIN })
    }

    /// Cost of a route of this vehicle on `matrix` through `locations` in order (start and
    /// end included) with these totals: with custom costs ([`Matrix::costs`]), `fixed` plus
    /// the costs of the legs between consecutive locations; otherwise
    /// [`Vehicle::route_cost`].
    #[must_use]
    pub fn route_cost_on(
        &self,
        matrix: &Matrix,
        locations: &[Location],
        travel_time: u64,
        distance: u64,
    ) -> i64 {
        if matrix.costs.is_none() {
            return self.route_cost(travel_time, distance);
        }
        let legs: i64 = locations
            .windows(2)
            .map(|w| i64::from(matrix.cost(w[0], w[1]).unwrap_or(0)))
            .fold(0, i64::saturating_add);
        self.costs.fixed.saturating_add(legs)
    }
}
