//! VROOM input → [`engine::vrp::Problem`]: ids, amounts, skills, windows, vehicles, and one
//! matrix per profile, either given (`matrices`, with `location_index`es) or computed on the
//! road graphs from the coordinates ([`Engine::solver_matrix`]).
//!
//! Everything VROOM accepts is either mapped exactly or refused with an input error (code 2)
//! naming the field: break `max_load`, and `setup` times where a task shares its location
//! with another task or a vehicle start (elsewhere the setup is always paid, so it is served
//! as part of the service). What VROOM refuses is refused in its words: a non-default
//! `per_hour` with custom cost matrices (`matrices.*.costs`: "Custom costs are incompatible
//! with using a per_hour value."), custom `distances` without `durations`, and custom `costs`
//! without `durations` when a location has no coordinates to route from ("Missing
//! coordinates for routing engine."). Custom `costs` without `durations` on located tasks
//! take their durations and distances from the road graph, as VROOM takes them from its
//! routing engine; a vehicle's `max_distance` limits the road distance on custom costs too,
//! and its `per_km` does not apply there.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use engine::dispatch::{DispatchError, Engine, Location as Point};
use engine::vrp::{
    Break, Costs, Job, Load, Location, MAX_DIMENSIONS, Matrix, Objective, Place, Problem, Shipment,
    SkillSet, TimeWindow, Vehicle,
};

use super::VroomError;
use super::input::{Coordinates, Input, MatrixIn, StepIn, VehicleIn};

/// The profile of a vehicle that names none (VROOM's default).
pub const DEFAULT_PROFILE: &str = "car";

/// A VROOM problem turned into the solver's, with what the answer needs to speak VROOM again.
#[derive(Debug)]
pub(crate) struct Built {
    /// The input as read.
    pub(crate) input: Input,
    /// The solver's problem (jobs, shipments and vehicles in input order).
    pub(crate) problem: Problem,
    /// Coordinates of each matrix location, when known.
    pub(crate) coords: Vec<Option<Coordinates>>,
    /// Locations come from `location_index` (custom matrices) rather than coordinates.
    pub(crate) index_mode: bool,
    /// Profile names, by [`Vehicle::profile`].
    pub(crate) profiles: Vec<String>,
    /// Per profile: locations that could not be placed on its roads, with why.
    pub(crate) unplaced: Vec<HashMap<u32, String>>,
    /// Number of amount dimensions used on the wire.
    pub(crate) dims: usize,
    /// Milliseconds spent computing matrices on the road graphs.
    pub(crate) matrix_ms: u64,
}

/// Where a task or vehicle end is, as given.
#[derive(Clone, Copy)]
struct Given {
    coords: Option<Coordinates>,
    index: Option<u32>,
}

/// Reads `[lon, lat]` checking it is a WGS84 position.
fn check_coords(c: Coordinates, field: &str) -> Result<Coordinates, VroomError> {
    let [lon, lat] = c;
    if lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat)
    {
        Ok(c)
    } else {
        Err(VroomError::input(format!(
            "{field}: [{lon}, {lat}] is not a WGS84 [lon, lat] position"
        )))
    }
}

/// Assigns matrix locations: by index in index mode, else by distinct coordinates.
struct Locations {
    index_mode: bool,
    coords: Vec<Option<Coordinates>>,
    by_coords: HashMap<(u64, u64), u32>,
}

impl Locations {
    fn place(&mut self, g: Given, field: &str) -> Result<Location, VroomError> {
        if self.index_mode {
            let i = g.index.ok_or_else(|| {
                VroomError::input(format!(
                    "{field}: a location_index is needed with custom matrices"
                ))
            })?;
            let slot = i as usize;
            if self.coords.len() <= slot {
                if slot > 1_000_000 {
                    return Err(VroomError::input(format!(
                        "{field}: location_index {i} is too large"
                    )));
                }
                self.coords.resize(slot + 1, None);
            }
            if let Some(c) = g.coords {
                self.coords[slot] = Some(check_coords(c, field)?);
            }
            return Ok(Location(i));
        }
        let c = g.coords.ok_or_else(|| {
            VroomError::input(format!(
                "{field}: a location is needed (or location_index with custom matrices)"
            ))
        })?;
        let c = check_coords(c, field)?;
        let key = (c[0].to_bits(), c[1].to_bits());
        if let Some(&l) = self.by_coords.get(&key) {
            return Ok(Location(l));
        }
        let l = u32::try_from(self.coords.len())
            .map_err(|_| VroomError::input("too many locations"))?;
        self.coords.push(Some(c));
        self.by_coords.insert(key, l);
        Ok(Location(l))
    }
}

/// Amounts on the wire → [`Load`], checking the dimension count and the range.
fn load(values: Option<&Vec<i64>>, dims: usize, field: &str) -> Result<Load, VroomError> {
    let Some(values) = values else {
        return Ok(Load::ZERO);
    };
    if values.len() != dims {
        return Err(VroomError::input(format!(
            "{field} has {} values, other amounts of the problem have {dims}",
            values.len()
        )));
    }
    let mut out = Load::ZERO;
    for (slot, &v) in out.0.iter_mut().zip(values) {
        *slot = i32::try_from(v)
            .ok()
            .filter(|&v| v >= 0)
            .ok_or_else(|| VroomError::input(format!("{field}: {v} is not in 0..=2147483647")))?;
    }
    Ok(out)
}

fn windows(tw: &[[u32; 2]], field: &str) -> Result<Vec<TimeWindow>, VroomError> {
    let mut out: Vec<TimeWindow> = tw
        .iter()
        .map(|&[start, end]| TimeWindow { start, end })
        .collect();
    if let Some(w) = out.iter().find(|w| w.start > w.end) {
        return Err(VroomError::input(format!(
            "{field}: window [{}, {}] starts after it ends",
            w.start, w.end
        )));
    }
    out.sort_by_key(|w| (w.start, w.end));
    if out.windows(2).any(|p| p[0].end >= p[1].start) {
        return Err(VroomError::input(format!("{field}: windows overlap")));
    }
    Ok(out)
}

fn priority(p: u32, field: &str) -> Result<u8, VroomError> {
    u8::try_from(p)
        .ok()
        .filter(|&p| p <= 100)
        .ok_or_else(|| VroomError::input(format!("{field}: priority {p} is not in 0..=100")))
}

/// Skill numbers → bits, in order of first use.
#[derive(Default)]
struct Skills(BTreeMap<u32, u32>);

impl Skills {
    fn set(&mut self, skills: &[u32], field: &str) -> Result<SkillSet, VroomError> {
        let mut bits = 0_u64;
        for &s in skills {
            let next = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
            let bit = *self.0.entry(s).or_insert(next);
            if bit as usize >= SkillSet::MAX_SKILLS {
                return Err(VroomError::input(format!(
                    "{field}: more than {} distinct skills in the problem",
                    SkillSet::MAX_SKILLS
                )));
            }
            bits |= 1 << bit;
        }
        Ok(SkillSet(bits))
    }
}

impl Skills {
    /// Skill numbers by bit.
    fn names(&self) -> Vec<String> {
        let mut names = vec![String::new(); self.0.len()];
        for (skill, &bit) in &self.0 {
            names[bit as usize] = skill.to_string();
        }
        names
    }
}

/// Refuses a duplicate id among `ids`, naming `what`.
fn unique(ids: impl Iterator<Item = u64>, what: &str) -> Result<(), VroomError> {
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(VroomError::input(format!("duplicate {what} id {id}")));
        }
    }
    Ok(())
}

/// Number of amount dimensions: the length of the first amount given (0 when none).
fn dimensions(input: &Input) -> Result<usize, VroomError> {
    let first = input
        .vehicles
        .iter()
        .filter_map(|v| v.capacity.as_ref())
        .chain(input.jobs.iter().flat_map(|j| {
            [j.delivery.as_ref(), j.pickup.as_ref(), j.amount.as_ref()]
                .into_iter()
                .flatten()
        }))
        .chain(input.shipments.iter().filter_map(|s| s.amount.as_ref()))
        .map(Vec::len)
        .next()
        .unwrap_or(0);
    if first > MAX_DIMENSIONS {
        return Err(VroomError::input(format!(
            "amounts have {first} dimensions, at most {MAX_DIMENSIONS} are supported"
        )));
    }
    Ok(first)
}

/// Refuses what vmeste cannot honour, by field name.
fn refuse_unsupported(input: &Input) -> Result<(), VroomError> {
    if input.vehicles.is_empty() {
        return Err(VroomError::input(
            "vehicles: at least one vehicle is needed",
        ));
    }
    for (i, v) in input.vehicles.iter().enumerate() {
        if let Some(b) = v.breaks.iter().position(|b| b.max_load.is_some()) {
            return Err(VroomError::input(format!(
                "vehicles[{i}].breaks[{b}].max_load is not supported"
            )));
        }
        if let Some(f) = v.speed_factor
            && !(f.is_finite() && f > 0.0 && f <= 5.0)
        {
            return Err(VroomError::input(format!(
                "vehicles[{i}].speed_factor {f} is not in (0, 5]"
            )));
        }
    }
    for (i, v) in input.vehicles.iter().enumerate() {
        let profile = v.profile.as_deref().unwrap_or(DEFAULT_PROFILE);
        if input
            .matrices
            .get(profile)
            .is_some_and(|m| m.costs.is_some())
            && v.costs.as_ref().is_some_and(|c| c.per_hour != 3600)
        {
            return Err(VroomError::input(format!(
                "vehicles[{i}].costs.per_hour: Custom costs are incompatible with using a \
                 per_hour value."
            )));
        }
    }
    Ok(())
}

/// Setup times are served as part of the service; that is exact only when the vehicle
/// always comes from another location, so tasks with a setup must not share a location.
fn check_setups(input: &Input, problem: &Problem) -> Result<(), VroomError> {
    let mut setups = input
        .jobs
        .iter()
        .enumerate()
        .map(|(i, j)| (j.step.setup, format!("jobs[{i}].setup")))
        .chain(input.shipments.iter().enumerate().flat_map(|(i, s)| {
            [
                (s.pickup.setup, format!("shipments[{i}].pickup.setup")),
                (s.delivery.setup, format!("shipments[{i}].delivery.setup")),
            ]
        }))
        .filter(|(s, _)| *s > 0);
    let Some((_, field)) = setups.next() else {
        return Ok(());
    };
    let mut seen = std::collections::HashSet::new();
    let starts = problem.vehicles.iter().filter_map(|v| v.start);
    let tasks = problem.jobs.iter().map(|j| j.place.location).chain(
        problem
            .shipments
            .iter()
            .flat_map(|s| [s.pickup.location, s.delivery.location]),
    );
    let shared = starts.collect::<std::collections::HashSet<_>>();
    for l in tasks {
        if !seen.insert(l) || shared.contains(&l) {
            return Err(VroomError::input(format!(
                "{field}: setup times are supported only when no two tasks share a location \
                 and no task is at a vehicle's start"
            )));
        }
    }
    Ok(())
}

/// The place of a job or a shipment step (`field` names it): setup times are served as
/// part of the service (see [`check_setups`]).
fn place_of(locs: &mut Locations, step: &StepIn, field: &str) -> Result<Place, VroomError> {
    let given = Given {
        coords: step.location,
        index: step.location_index,
    };
    Ok(Place {
        location: locs.place(given, &format!("{field}.location"))?,
        service: step.setup.saturating_add(step.service),
        time_windows: windows(&step.time_windows, &format!("{field}.time_windows"))?,
    })
}

fn vehicle_ends(v: &VehicleIn) -> [Option<Given>; 2] {
    [
        (v.start.is_some() || v.start_index.is_some()).then_some(Given {
            coords: v.start,
            index: v.start_index,
        }),
        (v.end.is_some() || v.end_index.is_some()).then_some(Given {
            coords: v.end,
            index: v.end_index,
        }),
    ]
}

/// Reads a custom matrix (`rows × rows`, numbers).
fn square(rows: &[Vec<u32>], field: &str) -> Result<(usize, Vec<u32>), VroomError> {
    let n = rows.len();
    let mut flat = Vec::with_capacity(n.saturating_mul(n));
    for (i, r) in rows.iter().enumerate() {
        if r.len() != n {
            return Err(VroomError::input(format!(
                "{field}[{i}] has {} values, the matrix has {n} rows",
                r.len()
            )));
        }
        flat.extend_from_slice(r);
    }
    Ok((n, flat))
}

fn custom_matrix(m: &MatrixIn, profile: &str) -> Result<Matrix, VroomError> {
    let durations = m.durations.as_ref().ok_or_else(|| {
        VroomError::input(if m.distances.is_some() {
            format!(
                "Custom matrix provided for distances but not for durations for {profile} \
                 profile."
            )
        } else {
            format!("matrices.{profile}.durations is needed")
        })
    })?;
    let (size, durations) = square(durations, &format!("matrices.{profile}.durations"))?;
    let distances = match &m.distances {
        Some(d) => {
            let (n, d) = square(d, &format!("matrices.{profile}.distances"))?;
            if n != size {
                return Err(VroomError::input(format!(
                    "matrices.{profile}: distances are {n} × {n}, durations {size} × {size}"
                )));
            }
            d
        }
        None => vec![0; durations.len()],
    };
    let costs = m
        .costs
        .as_ref()
        .map(|c| custom_costs(c, profile, size))
        .transpose()?;
    Ok(Matrix {
        size,
        durations,
        distances,
        costs,
    })
}

/// The matrix of `profile` when `matrices.{profile}` gives `costs` alone: durations and
/// distances come from the road graph between the coordinates of the locations in `used`
/// (VROOM takes them from its routing engine), placed by `location_index` (other cells are
/// 0); every location in use needs coordinates ("Missing coordinates for routing engine.",
/// VROOM's words). Locations off the roads go to `unplaced`.
fn routed_costs_matrix(
    engine: Option<&Engine>,
    profile: &str,
    costs: &serde_json::Value,
    coords: &[Option<Coordinates>],
    used: &[u32],
    unplaced: &mut HashMap<u32, String>,
) -> Result<Matrix, VroomError> {
    let points = used
        .iter()
        .map(|&l| match coords.get(l as usize).copied().flatten() {
            Some([lon, lat]) => Ok(Point::new(lon, lat)),
            None => Err(VroomError::input("Missing coordinates for routing engine.")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let engine = engine.ok_or_else(|| {
        VroomError::input(format!(
            "matrices.{profile} gives costs without durations: the durations come from the \
             road graph of profile {profile:?}, which is needed (--graph)"
        ))
    })?;
    let routed = road_matrix(engine, profile, &points)?;
    let size = coords.len();
    let (mut durations, mut distances) = (vec![0; size * size], vec![0; size * size]);
    let n = routed.matrix.size;
    for (a, &la) in used.iter().enumerate() {
        for (b, &lb) in used.iter().enumerate() {
            durations[la as usize * size + lb as usize] = routed.matrix.durations[a * n + b];
            distances[la as usize * size + lb as usize] = routed.matrix.distances[a * n + b];
        }
    }
    for u in routed.unplaced {
        unplaced.insert(used[u.index], u.reason);
    }
    Ok(Matrix {
        size,
        durations,
        distances,
        costs: Some(custom_costs(costs, profile, size)?),
    })
}

/// The solver matrix of `profile` between `points` on the road graph.
fn road_matrix(
    engine: &Engine,
    profile: &str,
    points: &[Point],
) -> Result<engine::dispatch::SolverMatrix, VroomError> {
    if !engine.has_profile(profile) {
        return Err(VroomError::input(format!(
            "unknown profile {profile:?}: the server has {}",
            engine.profiles().join(", ")
        )));
    }
    engine.solver_matrix(profile, points).map_err(|e| match e {
        DispatchError::InvalidCoordinate { .. } | DispatchError::InvalidRadius { .. } => {
            VroomError::input(e.to_string())
        }
        other => VroomError::routing(other.to_string()),
    })
}

/// Reads `matrices.{profile}.costs` (rows of whole numbers; VROOM's messages for bad
/// entries), fitted to the durations' `size`: a larger matrix is cut, a smaller one padded
/// with zeros (its size is checked against the locations in use by [`check_costs_size`]).
fn custom_costs(
    value: &serde_json::Value,
    profile: &str,
    size: usize,
) -> Result<Vec<u32>, VroomError> {
    let field = format!("matrices.{profile}.costs");
    let rows = value
        .as_array()
        .ok_or_else(|| VroomError::input(format!("{field}: Invalid costs matrix.")))?;
    let n = rows.len();
    let mut out = vec![0_u32; size.saturating_mul(size)];
    for (i, row) in rows.iter().enumerate() {
        let row = row.as_array().filter(|r| r.len() == n).ok_or_else(|| {
            VroomError::input(format!("{field}[{i}]: Unexpected matrix line length."))
        })?;
        for (j, x) in row.iter().enumerate() {
            let x = x
                .as_u64()
                .and_then(|x| u32::try_from(x).ok())
                .ok_or_else(|| {
                    VroomError::input(format!("{field}[{i}][{j}]: Invalid matrix entry."))
                })?;
            if i < size && j < size {
                out[i * size + j] = x;
            }
        }
    }
    Ok(out)
}

/// Refuses a custom cost matrix smaller than the locations in use, in VROOM's words.
fn check_costs_size(input: &Input, used: usize) -> Result<(), VroomError> {
    for (p, m) in &input.matrices {
        if let Some(rows) = m.costs.as_ref().and_then(serde_json::Value::as_array)
            && rows.len() < used
        {
            return Err(VroomError::input(format!(
                "location_index exceeding costs matrix size for {p} profile."
            )));
        }
    }
    Ok(())
}

/// The matrix locations in use (vehicle ends and task places), sorted, once each.
fn used_locations(vehicles: &[Vehicle], jobs: &[Job], shipments: &[Shipment]) -> Vec<u32> {
    let mut used: Vec<u32> = vehicles
        .iter()
        .flat_map(|v| [v.start, v.end])
        .flatten()
        .chain(jobs.iter().map(|j| j.place.location))
        .chain(
            shipments
                .iter()
                .flat_map(|s| [s.pickup.location, s.delivery.location]),
        )
        .map(|l| l.0)
        .collect();
    used.sort_unstable();
    used.dedup();
    used
}

/// Builds the solver's problem from VROOM's input. `engine` computes the matrices of
/// problems given by coordinates.
///
/// # Errors
/// Input errors (code 2) naming the field; routing errors (code 3) from the engine.
pub(crate) fn build(input: Input, engine: Option<&Engine>) -> Result<Built, VroomError> {
    refuse_unsupported(&input)?;
    unique(input.jobs.iter().map(|j| j.step.id), "job")?;
    unique(
        input.shipments.iter().map(|s| s.pickup.id),
        "shipment pickup",
    )?;
    unique(
        input.shipments.iter().map(|s| s.delivery.id),
        "shipment delivery",
    )?;
    unique(input.vehicles.iter().map(|v| v.id), "vehicle")?;
    let dims = dimensions(&input)?;
    let index_mode = !input.matrices.is_empty() || input.matrix.is_some();
    let mut locs = Locations {
        index_mode,
        coords: Vec::new(),
        by_coords: HashMap::new(),
    };
    let mut skills = Skills::default();
    let mut profiles: Vec<String> = Vec::new();

    let mut vehicles = Vec::with_capacity(input.vehicles.len());
    for (i, v) in input.vehicles.iter().enumerate() {
        let f = format!("vehicles[{i}]");
        let name = v.profile.clone().unwrap_or_else(|| DEFAULT_PROFILE.into());
        let profile = profiles.iter().position(|p| *p == name).unwrap_or_else(|| {
            profiles.push(name);
            profiles.len() - 1
        });
        let [start, end] = vehicle_ends(v);
        let start = start
            .map(|g| locs.place(g, &format!("{f}.start")))
            .transpose()?;
        let end = end
            .map(|g| locs.place(g, &format!("{f}.end")))
            .transpose()?;
        let shift = match v.time_window {
            Some([start, end]) if start > end => {
                return Err(VroomError::input(format!(
                    "{f}.time_window [{start}, {end}] starts after it ends"
                )));
            }
            Some([start, end]) => TimeWindow { start, end },
            None => TimeWindow::ALWAYS,
        };
        // As in VROOM, a missing capacity leaves no room for amounts.
        let capacity = load(v.capacity.as_ref(), dims, &format!("{f}.capacity"))?;
        let breaks = v
            .breaks
            .iter()
            .enumerate()
            .map(|(b, br)| {
                Ok(Break {
                    id: br.id,
                    time_windows: windows(
                        &br.time_windows,
                        &format!("{f}.breaks[{b}].time_windows"),
                    )?,
                    duration: br.service,
                })
            })
            .collect::<Result<Vec<_>, VroomError>>()?;
        unique(v.breaks.iter().map(|b| b.id), &format!("{f} break"))?;
        let costs = v.costs.as_ref().map_or_else(Costs::default, |c| Costs {
            fixed: i64::from(c.fixed),
            per_hour: i64::from(c.per_hour),
            per_km: i64::from(c.per_km),
        });
        vehicles.push(Vehicle {
            id: v.id,
            start,
            end,
            shift,
            capacity,
            skills: skills.set(&v.skills, &format!("{f}.skills"))?,
            profile,
            speed_factor: v.speed_factor.unwrap_or(1.0),
            max_travel_time: v.max_travel_time,
            max_distance: v.max_distance,
            max_tasks: v.max_tasks,
            costs,
            breaks,
        });
    }

    let mut jobs = Vec::with_capacity(input.jobs.len());
    for (i, j) in input.jobs.iter().enumerate() {
        let f = format!("jobs[{i}]");
        let delivery = j.delivery.as_ref().or(j.amount.as_ref());
        jobs.push(Job {
            id: j.step.id,
            place: place_of(&mut locs, &j.step, &f)?,
            delivery: load(delivery, dims, &format!("{f}.delivery"))?,
            pickup: load(j.pickup.as_ref(), dims, &format!("{f}.pickup"))?,
            skills: skills.set(&j.skills, &format!("{f}.skills"))?,
            priority: priority(j.priority, &f)?,
        });
    }

    let mut shipments = Vec::with_capacity(input.shipments.len());
    for (i, s) in input.shipments.iter().enumerate() {
        let f = format!("shipments[{i}]");
        let pickup = place_of(&mut locs, &s.pickup, &format!("{f}.pickup"))?;
        let delivery = place_of(&mut locs, &s.delivery, &format!("{f}.delivery"))?;
        shipments.push(Shipment {
            pickup_id: s.pickup.id,
            delivery_id: s.delivery.id,
            pickup,
            delivery,
            amount: load(s.amount.as_ref(), dims, &format!("{f}.amount"))?,
            skills: skills.set(&s.skills, &format!("{f}.skills"))?,
            priority: priority(s.priority, &f)?,
        });
    }

    let started = Instant::now();
    let mut unplaced = vec![HashMap::new(); profiles.len()];
    if index_mode {
        check_costs_size(&input, locs.coords.len())?;
    }
    let matrices = if index_mode {
        let used = used_locations(&vehicles, &jobs, &shipments);
        let mut out = Vec::with_capacity(profiles.len());
        for (k, p) in profiles.iter().enumerate() {
            out.push(match (input.matrices.get(p), &input.matrix) {
                (Some(m), _) => match (&m.durations, &m.distances, &m.costs) {
                    (None, None, Some(costs)) => routed_costs_matrix(
                        engine,
                        p,
                        costs,
                        &locs.coords,
                        &used,
                        &mut unplaced[k],
                    )?,
                    _ => custom_matrix(m, p)?,
                },
                (None, Some(legacy)) => custom_matrix(
                    &MatrixIn {
                        durations: Some(legacy.clone()),
                        distances: None,
                        costs: None,
                    },
                    p,
                )?,
                (None, None) => {
                    return Err(VroomError::input(format!(
                        "matrices.{p}: vehicles use profile {p:?} but no matrix is given for it"
                    )));
                }
            });
        }
        out
    } else {
        let engine = engine.ok_or_else(|| {
            VroomError::input(
                "the problem is given by coordinates: a road graph is needed (--graph), or \
                 custom matrices with location_index",
            )
        })?;
        let points: Vec<Point> = locs
            .coords
            .iter()
            .map(|c| {
                let [lon, lat] = c.expect("coordinate mode: every location has coordinates");
                Point::new(lon, lat)
            })
            .collect();
        let mut out = Vec::with_capacity(profiles.len());
        for (k, p) in profiles.iter().enumerate() {
            let m = road_matrix(engine, p, &points)?;
            for u in m.unplaced {
                let l = u32::try_from(u.index).expect("locations are numbered in u32");
                unplaced[k].insert(l, u.reason);
            }
            out.push(m.matrix);
        }
        out
    };
    let matrix_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);

    // A vehicle whose start or end is off the roads can serve nothing: say so.
    for (v, veh) in vehicles.iter().enumerate() {
        for (which, l) in [("start", veh.start), ("end", veh.end)] {
            if let Some(l) = l
                && let Some(why) = unplaced[veh.profile].get(&l.0)
            {
                return Err(VroomError::input(format!(
                    "vehicles[{v}].{which} is not on a road of profile {:?}: {why}",
                    profiles[veh.profile]
                )));
            }
        }
    }

    let problem = Problem {
        jobs,
        shipments,
        vehicles,
        matrices,
        skill_names: skills.names(),
        objective: Objective::PriorityThenCost,
    };
    check_setups(&input, &problem)?;
    problem
        .validate()
        .map_err(|e| VroomError::input(e.to_string()))?;
    if index_mode {
        locs.coords.resize(
            problem.matrices.iter().map(|m| m.size).max().unwrap_or(0),
            None,
        );
    }
    Ok(Built {
        input,
        problem,
        coords: locs.coords,
        index_mode,
        profiles,
        unplaced,
        dims,
        matrix_ms,
    })
}
