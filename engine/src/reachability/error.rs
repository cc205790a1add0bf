//! Errors of a reachability report.

use thiserror::Error;

use crate::dispatch::DispatchError;

/// Why a reachability report could not be made. A point that cannot be reached is no error:
/// it is a result with its [`Unreachable`](super::Unreachable) reason.
#[derive(Debug, Error)]
pub enum ReachError {
    /// No graph is loaded for the named profile.
    #[error("unknown profile {profile:?} (loaded: {loaded})")]
    UnknownProfile {
        /// The profile asked for.
        profile: String,
        /// The loaded profiles, comma-separated.
        loaded: String,
    },
    /// The origin is NaN, infinite or outside the WGS84 ranges.
    #[error("the origin ({lon}, {lat}) is not a valid WGS84 position")]
    InvalidOrigin {
        /// Its longitude.
        lon: f64,
        /// Its latitude.
        lat: f64,
    },
    /// A point is NaN, infinite or outside the WGS84 ranges.
    #[error("point {index} ({lon}, {lat}) is not a valid WGS84 position")]
    InvalidPoint {
        /// Index of the point in the request.
        index: usize,
        /// Its longitude.
        lon: f64,
        /// Its latitude.
        lat: f64,
    },
    /// The search radius is NaN, negative or infinite.
    #[error("radius {radius_m} is not a finite non-negative number of metres")]
    InvalidRadius {
        /// The radius given.
        radius_m: f64,
    },
    /// More points than the report takes.
    #[error("{given} points were given, at most {max} are taken")]
    TooManyPoints {
        /// How many were given.
        given: usize,
        /// The bound.
        max: usize,
    },
    /// No road of the profile lies within the radius of the origin (an origin at sea).
    #[error(
        "the origin is {} from the nearest road of profile {profile:?}, farther than the radius of {radius_m} m",
        nearest_road_m.map_or_else(|| "far".to_owned(), |d| format!("{d:.0} m"))
    )]
    OriginOffRoad {
        /// The profile.
        profile: String,
        /// Distance to the nearest road, in metres (`None`: the graph has no road).
        nearest_road_m: Option<f64>,
        /// The radius, in metres.
        radius_m: f64,
    },
    /// The routing layer failed (a search exceeded its bound, an internal error).
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
}
