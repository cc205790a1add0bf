//! Readers for the standard benchmark formats and the JSON form of the model, and the
//! benchmark conventions needed to compare with published best-known solutions.
//!
//! Formats ([`Format`], detected from the content, overridable):
//! - **Solomon / Homberger** text (`VEHICLE NUMBER CAPACITY`, then rows `CUST NO. XCOORD.
//!   YCOORD. DEMAND READY TIME DUE DATE SERVICE TIME`; the first row is the depot).
//! - **VRPLIB / CVRPLIB** (the X set): `EDGE_WEIGHT_TYPE : EUC_2D`, `NODE_COORD_SECTION`,
//!   `DEMAND_SECTION`, `DEPOT_SECTION` (one depot; node 1 when the section is absent).
//! - **VRPLIB VRPTW with an explicit matrix** (the ORTEC grocery-delivery instances):
//!   `EDGE_WEIGHT_TYPE : EXPLICIT`, `EDGE_WEIGHT_SECTION` (full asymmetric matrix),
//!   `SERVICE_TIME_SECTION`, `TIME_WINDOW_SECTION`; read as [`Format::Vrplib`], cost = total
//!   driving duration, unlimited fleet (see `ortec.rs`).
//! - **Li & Lim** PDPTW: `K Q speed`, then rows `id x y demand ready due service pickup
//!   delivery` (a pickup row has `pickup = 0` and names its delivery, and vice versa).
//! - **JSON**: the serde form of [`Problem`] (see `docs/vrp-json.md`).
//!
//! ## Conventions ([`Convention`])
//! The model is integer; the time-window sets are Euclidean in doubles. Their coordinates are
//! kept in [`Instance::sites`] and the matrices are scaled by [`EUCLID_SCALE`]: travel times
//! are rounded **up** (so a schedule feasible in integers is feasible in exact doubles, where
//! travel time = distance), distances to nearest, window starts and service times up, window
//! ends down. Service must start by the due date and vehicles return by the depot's due date.
//! CVRPLIB X uses TSPLIB `nint` distances as they are (scale 1), travel time = distance.
//! [`Instance::exact_distance`] and [`Instance::verify`] recompute a solution in the
//! instance's own convention (doubles, or `nint`) for gaps to published values.
//!
//! Fleets: the instance's vehicle number for the time-window sets (an upper bound), objective
//! [`Objective::VehiclesThenDistance`]; for VRPLIB `k + max(3, ⌈k/10⌉)` vehicles (`k` from
//! the `-k` in the name, else one per customer), objective [`Objective::DistanceOnly`].
//! Benchmark vehicles cost their distance (`per_km = 1000`, so cost = distance units).
//!
//! Solution files: SINTEF (`Route k : ids…`) and CVRPLIB `.sol` (`Route #k: …`, customers
//! numbered `file id − 1`) via [`Instance::read_solution`].
//!
//! Every reader returns an [`IoError`] for malformed input; none panics. Sizes are capped
//! ([`MAX_LOCATIONS`], [`MAX_VEHICLES`]) before anything is allocated for them.

mod error;
mod exact;
mod json;
mod lilim;
mod ortec;
mod solomon;
mod solutions;
mod text;
mod vrplib;

use std::path::Path;

pub use error::IoError;
pub use exact::{ExactRoute, LateStop, TIME_EPSILON, Verdict};
pub use ortec::stated_cost;

use super::{Costs, Location, Matrix, Objective, Place, Problem, StopKind, TimeWindow, Vehicle};

/// Most matrix locations a benchmark reader accepts (two `u32` matrices of this size squared).
pub const MAX_LOCATIONS: usize = 5_001;

/// Most vehicles a reader accepts.
pub const MAX_VEHICLES: u64 = 10_000;

/// Model units per instance unit for the Euclidean-double sets.
pub const EUCLID_SCALE: u32 = 10_000;

/// The file format of an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Solomon / Gehring & Homberger VRPTW text.
    Solomon,
    /// VRPLIB / CVRPLIB (TSPLIB-style CVRP).
    Vrplib,
    /// Li & Lim PDPTW text.
    LiLim,
    /// The JSON form of the model.
    Json,
}

impl Format {
    /// Guesses the format from the content; `None` when nothing matches.
    #[must_use]
    pub fn detect(text: &str) -> Option<Format> {
        let first = text.trim_start();
        if first.starts_with('{') {
            return Some(Format::Json);
        }
        let upper_head: String = text.chars().take(4096).collect::<String>().to_uppercase();
        if upper_head.contains("NODE_COORD_SECTION") || upper_head.contains("EDGE_WEIGHT_TYPE") {
            return Some(Format::Vrplib);
        }
        if upper_head.contains("VEHICLE") && upper_head.contains("CUST") {
            return Some(Format::Solomon);
        }
        let mut rows = text::lines(text).map(|(_, l)| l.split_whitespace().count());
        let numeric = text::lines(text)
            .take(3)
            .all(|(_, l)| l.split_whitespace().all(|f| f.parse::<f64>().is_ok()));
        if numeric && rows.next() == Some(3) && rows.next() == Some(9) {
            return Some(Format::LiLim);
        }
        None
    }

    /// The format named `solomon`, `homberger`, `vrplib`, `cvrplib`, `lilim` or `json`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "solomon" | "homberger" => Some(Format::Solomon),
            "vrplib" | "cvrplib" | "tsplib" => Some(Format::Vrplib),
            "lilim" | "li-lim" => Some(Format::LiLim),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// How distances and times of an instance are meant (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Convention {
    /// Euclidean in double precision, travel time = distance; the model holds values × `scale`
    /// (durations rounded up, distances to nearest).
    EuclidDouble {
        /// Model units per instance unit.
        scale: u32,
    },
    /// Euclidean rounded to the nearest integer (TSPLIB `nint`), travel time = distance.
    EuclidNint,
    /// The model's own integers (JSON).
    Model,
}

/// A node of a coordinate-based instance, in the instance's own units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Site {
    /// The file's id (Solomon CUST NO., VRPLIB node id, Li & Lim task id).
    pub id: u64,
    /// X coordinate.
    pub x: f64,
    /// Y coordinate.
    pub y: f64,
    /// Earliest service start (0 when the format has none).
    pub ready: f64,
    /// Latest service start, or return time for a depot (infinite when none).
    pub due: f64,
    /// Service duration.
    pub service: f64,
}

/// A benchmark or JSON instance: the model plus what the conventions need.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// Name (from the file or its header).
    pub name: String,
    /// The format it was read from.
    pub format: Format,
    /// The model.
    pub problem: Problem,
    /// How its distances and times are meant.
    pub convention: Convention,
    /// One per matrix location, in the instance's own units (empty for JSON).
    pub sites: Vec<Site>,
}

impl Instance {
    /// Reads an instance file; `format` overrides detection.
    ///
    /// # Errors
    /// [`IoError::Read`] when the file cannot be read, otherwise as [`Instance::parse`].
    pub fn from_path(path: &Path, format: Option<Format>) -> Result<Instance, IoError> {
        let text = std::fs::read_to_string(path).map_err(|source| IoError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let stem = path
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        Instance::parse(&stem, &text, format)
    }

    /// Parses an instance from its text; `name` is used when the file names none.
    ///
    /// # Errors
    /// [`IoError::UnknownFormat`] when detection fails, otherwise the reader's error.
    pub fn parse(name: &str, text: &str, format: Option<Format>) -> Result<Instance, IoError> {
        match format
            .or_else(|| Format::detect(text))
            .ok_or(IoError::UnknownFormat)?
        {
            Format::Solomon => solomon::parse(name, text),
            Format::Vrplib if ortec::is_explicit(text) => ortec::parse(name, text),
            Format::Vrplib => vrplib::parse(name, text),
            Format::LiLim => lilim::parse(name, text),
            Format::Json => json::parse(name, text),
        }
    }

    /// The instance's own id of a task stop (`None` for a break or an unknown index).
    #[must_use]
    pub fn stop_id(&self, kind: StopKind) -> Option<u64> {
        let p = &self.problem;
        match kind {
            StopKind::Job(i) => p.jobs.get(i).map(|j| j.id),
            StopKind::Pickup(i) => p.shipments.get(i).map(|s| s.pickup_id),
            StopKind::Delivery(i) => p.shipments.get(i).map(|s| s.delivery_id),
            StopKind::Break(_) => None,
        }
    }

    /// A model time or distance in the instance's own unit.
    #[must_use]
    pub fn to_instance_units(&self, v: u64) -> f64 {
        #[expect(
            clippy::cast_precision_loss,
            reason = "model values are far below 2^53"
        )]
        let v = v as f64;
        match self.convention {
            Convention::EuclidDouble { scale } => v / f64::from(scale),
            Convention::EuclidNint | Convention::Model => v,
        }
    }
}

/// One parsed row of a time-window instance (Solomon or Li & Lim), instance units.
#[derive(Clone, Copy, Debug)]
struct TwRow {
    line: usize,
    site: Site,
    demand: i32,
}

/// How a scaled value becomes a whole model value.
#[derive(Clone, Copy, Debug)]
enum Rounding {
    Up,
    Down,
    Nearest,
}

/// `v × scale` rounded, as a model value below [`super::UNREACHABLE`].
fn scaled(
    line: usize,
    what: &'static str,
    v: f64,
    scale: u32,
    rounding: Rounding,
) -> Result<u32, IoError> {
    let s = v * f64::from(scale);
    let s = match rounding {
        Rounding::Up => s.ceil(),
        Rounding::Down => s.floor(),
        Rounding::Nearest => s.round(),
    };
    let ok = s.is_finite() && s >= 0.0 && s < f64::from(super::UNREACHABLE);
    if !ok {
        return Err(IoError::OutOfRange {
            line,
            what,
            value: v,
        });
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked above: whole and in u32 range"
    )]
    Ok(s as u32)
}

/// The time window of a row in model units (a depot's is the shift).
fn tw_window(row: &TwRow, scale: u32) -> Result<TimeWindow, IoError> {
    let s = &row.site;
    if s.due < s.ready {
        return Err(IoError::OutOfRange {
            line: row.line,
            what: "due date (before ready time)",
            value: s.due,
        });
    }
    let start = scaled(row.line, "ready time", s.ready, scale, Rounding::Up)?;
    let end = scaled(row.line, "due date", s.due, scale, Rounding::Down)?;
    if end < start {
        return Err(IoError::OutOfRange {
            line: row.line,
            what: "due date",
            value: s.due,
        });
    }
    Ok(TimeWindow { start, end })
}

/// Where and when a time-window row is served, in model units.
fn tw_place(row: &TwRow, location: usize, scale: u32) -> Result<Place, IoError> {
    let s = &row.site;
    Ok(Place {
        location: Location(u32::try_from(location).map_err(|_| IoError::TooMany {
            what: "locations",
            count: location as u64,
            limit: MAX_LOCATIONS as u64,
        })?),
        service: scaled(row.line, "service time", s.service, scale, Rounding::Up)?,
        time_windows: vec![tw_window(row, scale)?],
    })
}

/// Identical vehicles at location 0 for a benchmark instance.
fn fleet(count: u64, capacity: i32, shift: TimeWindow) -> Vec<Vehicle> {
    (1..=count)
        .map(|id| Vehicle {
            shift,
            costs: Costs {
                fixed: 0,
                per_hour: 0,
                per_km: 1000,
            },
            ..Vehicle::round_trip(id, Location(0), super::Load::single(capacity))
        })
        .collect()
}

/// Matrix index `i` as a [`Location`].
fn location_of(i: usize) -> Result<Location, IoError> {
    u32::try_from(i)
        .map(Location)
        .map_err(|_| IoError::TooMany {
            what: "locations",
            count: i as u64,
            limit: MAX_LOCATIONS as u64,
        })
}

/// A single-profile problem of jobs only, as the benchmark readers build it.
fn benchmark_problem(
    jobs: Vec<super::Job>,
    vehicles: Vec<Vehicle>,
    matrix: Matrix,
    objective: Objective,
) -> Problem {
    Problem {
        jobs,
        shipments: Vec::new(),
        vehicles,
        matrices: vec![matrix],
        skill_names: Vec::new(),
        objective,
    }
}

/// Euclidean distance between two sites.
fn euclid(a: &Site, b: &Site) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// The travel matrix of `sites` under `convention` (`Model` is not coordinate-based and gives
/// an empty matrix).
fn euclid_matrix(sites: &[Site], convention: Convention) -> Result<Matrix, IoError> {
    let n = sites.len();
    let mut durations = Vec::with_capacity(n * n);
    let mut distances = Vec::with_capacity(n * n);
    for a in sites {
        for b in sites {
            let d = euclid(a, b);
            let (dur, dist) = match convention {
                Convention::EuclidDouble { scale } => (
                    scaled(0, "distance", d, scale, Rounding::Up)?,
                    scaled(0, "distance", d, scale, Rounding::Nearest)?,
                ),
                Convention::EuclidNint => {
                    let r = scaled(0, "distance", (d + 0.5).floor(), 1, Rounding::Down)?;
                    (r, r)
                }
                Convention::Model => {
                    return Ok(Matrix {
                        size: 0,
                        durations: vec![],
                        distances: vec![],
                        costs: None,
                    });
                }
            };
            durations.push(dur);
            distances.push(dist);
        }
    }
    Ok(Matrix {
        size: n,
        durations,
        distances,
        costs: None,
    })
}

/// Rejects a location count above [`MAX_LOCATIONS`].
fn check_locations(count: usize) -> Result<(), IoError> {
    if count > MAX_LOCATIONS {
        return Err(IoError::TooMany {
            what: "locations",
            count: count as u64,
            limit: MAX_LOCATIONS as u64,
        });
    }
    Ok(())
}

/// The vehicle number and capacity of a time-window instance header, validated.
fn fleet_header(line: usize, count: f64, capacity: f64) -> Result<(u64, i32), IoError> {
    let count = text::whole(line, "vehicle number", count, u64::MAX >> 11)?;
    check_fleet(line, count)?;
    let capacity = text::amount(line, "capacity", capacity)?;
    if capacity < 0 {
        return Err(IoError::OutOfRange {
            line,
            what: "capacity",
            value: capacity.into(),
        });
    }
    Ok((count, capacity))
}

/// Rejects a fleet size of zero or above [`MAX_VEHICLES`].
fn check_fleet(line: usize, count: u64) -> Result<(), IoError> {
    if count == 0 {
        return Err(IoError::OutOfRange {
            line,
            what: "vehicle number",
            value: 0.0,
        });
    }
    if count > MAX_VEHICLES {
        return Err(IoError::TooMany {
            what: "vehicles",
            count,
            limit: MAX_VEHICLES,
        });
    }
    Ok(())
}

/// The objective the benchmark conventions use for a format.
fn default_objective(format: Format) -> Objective {
    match format {
        Format::Vrplib => Objective::DistanceOnly,
        Format::Solomon | Format::LiLim => Objective::VehiclesThenDistance,
        Format::Json => Objective::PriorityThenCost,
    }
}
