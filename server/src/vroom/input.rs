//! VROOM's input JSON as plain serde types (VROOM's `docs/API.md`, "Input"), read unchanged.
//!
//! Unknown keys are ignored as VROOM ignores them; keys of features vmeste does not support
//! are read so that [`super::build`] can refuse them by name instead of ignoring them.

use serde::Deserialize;

/// `[lon, lat]`.
pub(crate) type Coordinates = [f64; 2];

/// A whole VROOM problem.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Input {
    #[serde(default)]
    pub(crate) jobs: Vec<JobIn>,
    #[serde(default)]
    pub(crate) shipments: Vec<ShipmentIn>,
    #[serde(default)]
    pub(crate) vehicles: Vec<VehicleIn>,
    /// Custom matrices by profile name.
    #[serde(default)]
    pub(crate) matrices: std::collections::BTreeMap<String, MatrixIn>,
    /// VROOM before 1.7: one duration matrix for every vehicle.
    #[serde(default)]
    pub(crate) matrix: Option<Vec<Vec<u32>>>,
    #[serde(default)]
    pub(crate) options: OptionsIn,
}

/// `options`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct OptionsIn {
    /// Return route geometries.
    #[serde(default)]
    pub(crate) g: bool,
    /// vmeste's addition: the search budget in seconds.
    #[serde(default)]
    pub(crate) timeout: Option<f64>,
    /// Plan mode (VROOM's `-c`, "choose ETA"): the vehicles' `steps` are fixed routes to
    /// schedule and check, not a starting point.
    #[serde(default)]
    pub(crate) c: bool,
}

/// A job: a place like a shipment's step, with amounts, skills and a priority.
#[derive(Debug, Deserialize)]
pub(crate) struct JobIn {
    #[serde(flatten)]
    pub(crate) step: StepIn,
    #[serde(default)]
    pub(crate) delivery: Option<Vec<i64>>,
    #[serde(default)]
    pub(crate) pickup: Option<Vec<i64>>,
    /// VROOM's legacy name of `delivery`.
    #[serde(default)]
    pub(crate) amount: Option<Vec<i64>>,
    #[serde(default)]
    pub(crate) skills: Vec<u32>,
    #[serde(default)]
    pub(crate) priority: u32,
}

/// One end of a shipment, or a job's place.
#[derive(Debug, Deserialize)]
pub(crate) struct StepIn {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) location: Option<Coordinates>,
    #[serde(default)]
    pub(crate) location_index: Option<u32>,
    #[serde(default)]
    pub(crate) setup: u32,
    #[serde(default)]
    pub(crate) service: u32,
    #[serde(default)]
    pub(crate) time_windows: Vec<[u32; 2]>,
}

/// A shipment.
#[derive(Debug, Deserialize)]
pub(crate) struct ShipmentIn {
    pub(crate) pickup: StepIn,
    pub(crate) delivery: StepIn,
    #[serde(default)]
    pub(crate) amount: Option<Vec<i64>>,
    #[serde(default)]
    pub(crate) skills: Vec<u32>,
    #[serde(default)]
    pub(crate) priority: u32,
}

/// Vehicle costs.
#[derive(Debug, Deserialize)]
pub(crate) struct CostsIn {
    #[serde(default)]
    pub(crate) fixed: u32,
    #[serde(default = "default_per_hour")]
    pub(crate) per_hour: u32,
    #[serde(default)]
    pub(crate) per_km: u32,
}

fn default_per_hour() -> u32 {
    3600
}

/// A break.
#[derive(Debug, Deserialize)]
pub(crate) struct BreakIn {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) time_windows: Vec<[u32; 2]>,
    #[serde(default)]
    pub(crate) service: u32,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) max_load: Option<Vec<i64>>,
}

/// A vehicle.
#[derive(Debug, Deserialize)]
pub(crate) struct VehicleIn {
    pub(crate) id: u64,
    #[serde(default)]
    pub(crate) profile: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
    #[serde(default)]
    pub(crate) start: Option<Coordinates>,
    #[serde(default)]
    pub(crate) start_index: Option<u32>,
    #[serde(default)]
    pub(crate) end: Option<Coordinates>,
    #[serde(default)]
    pub(crate) end_index: Option<u32>,
    #[serde(default)]
    pub(crate) capacity: Option<Vec<i64>>,
    #[serde(default)]
    pub(crate) costs: Option<CostsIn>,
    #[serde(default)]
    pub(crate) skills: Vec<u32>,
    #[serde(default)]
    pub(crate) time_window: Option<[u32; 2]>,
    #[serde(default)]
    pub(crate) breaks: Vec<BreakIn>,
    #[serde(default)]
    pub(crate) speed_factor: Option<f64>,
    #[serde(default)]
    pub(crate) max_tasks: Option<u32>,
    #[serde(default)]
    pub(crate) max_travel_time: Option<u32>,
    #[serde(default)]
    pub(crate) max_distance: Option<u32>,
    /// A starting route (solving mode), see `vroom::steps`.
    #[serde(default)]
    pub(crate) steps: Option<Vec<VehicleStepIn>>,
}

/// One step of a vehicle's given route (VROOM's `vehicle_step`).
#[derive(Debug, Deserialize)]
pub(crate) struct VehicleStepIn {
    /// `start`, `job`, `pickup`, `delivery`, `break` or `end`.
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// The task's or break's id (not for `start` and `end`).
    #[serde(default)]
    pub(crate) id: Option<u64>,
    /// Service exactly at this time (read as a raw value: anything but a whole number of
    /// seconds is VROOM's "Invalid service_at value.").
    #[serde(default)]
    pub(crate) service_at: Option<serde_json::Value>,
    /// Service no earlier than this time.
    #[serde(default)]
    pub(crate) service_after: Option<serde_json::Value>,
    /// Service no later than this time.
    #[serde(default)]
    pub(crate) service_before: Option<serde_json::Value>,
}

/// A custom matrix of one profile.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MatrixIn {
    #[serde(default)]
    pub(crate) durations: Option<Vec<Vec<u32>>>,
    #[serde(default)]
    pub(crate) distances: Option<Vec<Vec<u32>>>,
    /// Custom travel costs (rows of whole numbers), read as a raw value so that bad entries
    /// get VROOM's messages.
    #[serde(default)]
    pub(crate) costs: Option<serde_json::Value>,
}
