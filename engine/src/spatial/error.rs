//! Errors of snapping and of the H3 point index.

use thiserror::Error;

/// Why a point could not be snapped onto the road graph.
#[derive(Debug, Error, Clone, Copy, PartialEq)]
pub enum SnapError {
    /// Longitude or latitude is NaN, infinite or outside the WGS84 ranges.
    #[error(
        "invalid coordinate lon={lon}, lat={lat}: expected finite lon in -180..=180, lat in -90..=90"
    )]
    InvalidCoordinate {
        /// The longitude given.
        lon: f64,
        /// The latitude given.
        lat: f64,
    },
    /// The search radius is NaN, negative or infinite.
    #[error("invalid snapping radius {radius_m} m: expected a finite, non-negative number")]
    InvalidRadius {
        /// The radius given, in metres.
        radius_m: f64,
    },
    /// The nearest road is farther than the radius.
    #[error("no road within {radius_m} m: the nearest road is {distance_m:.1} m away")]
    TooFar {
        /// Distance from the point to the nearest road, in metres.
        distance_m: f64,
        /// The radius that was searched, in metres.
        radius_m: f64,
    },
    /// The graph has no road segment at all.
    #[error("the road graph is empty: nothing to snap to")]
    EmptyGraph,
    /// No road within the radius can be travelled in the requested direction.
    #[error("no road within {radius_m} m runs at bearing {bearing_deg}° ± {range_deg}°")]
    NoRoadWithBearing {
        /// The requested bearing, degrees clockwise from north.
        bearing_deg: f64,
        /// The tolerance either side, in degrees.
        range_deg: f64,
        /// The radius that was searched, in metres.
        radius_m: f64,
    },
}

/// Why an H3 point-index operation failed.
#[derive(Debug, Error, Clone, Copy, PartialEq)]
pub enum CellError {
    /// Longitude or latitude is NaN, infinite or outside the WGS84 ranges.
    #[error(
        "invalid coordinate lon={lon}, lat={lat}: expected finite lon in -180..=180, lat in -90..=90"
    )]
    InvalidCoordinate {
        /// The longitude given.
        lon: f64,
        /// The latitude given.
        lat: f64,
    },
    /// The H3 resolution is not in 0..=15.
    #[error("invalid H3 resolution {resolution}: expected 0..=15")]
    InvalidResolution {
        /// The resolution given.
        resolution: u8,
    },
    /// The query radius is NaN, negative, infinite, or needs more grid rings than allowed.
    #[error("invalid radius {radius_m} m for this index (at most {max_rings} grid rings)")]
    InvalidRadius {
        /// The radius given, in metres.
        radius_m: f64,
        /// The ring limit of the index.
        max_rings: u32,
    },
    /// More points than `u32` ids.
    #[error("too many points: {count} (ids are u32)")]
    TooManyPoints {
        /// Number of points given.
        count: usize,
    },
}
