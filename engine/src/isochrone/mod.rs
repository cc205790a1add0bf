//! Isochrones: the area reachable from a point within given times, and the area within a
//! time of any of several sources (coverage).
//!
//! 1. The origin is snapped onto the profile's roads ([`Engine::place`]) and a one-to-all
//!    search with the largest contour as bound gives every node its travel time
//!    ([`Engine::one_to_all`]: PHAST over the contraction hierarchy).
//! 2. The reached road network is rasterised onto a grid in the local projection around the
//!    origin (at most 400 cells a side, cells of at least 20 m; [`TimeGrid`]): each road
//!    piece is walked once through the cells it crosses, each cell keeping its earliest
//!    road point (the time of a road point interpolated along its edge, so edges partly
//!    reached count up to the bound); then each vertex takes the smallest time of those
//!    points within 2.5 cells plus a walk at 1.4 m/s from it.
//! 3. Marching squares cut that one grid at each contour ([`contour`](https://docs.rs/contour)
//!    crate), so contours nest and cannot cross, and places far from every reached road are
//!    holes. The outlines are in longitude/latitude with RFC 7946 orientation.
//!
//! [`Engine::place`]: crate::dispatch::Engine::place
//! [`Engine::one_to_all`]: crate::dispatch::Engine::one_to_all

mod coverage;
mod polygons;
mod raster;

pub use coverage::{CoverageReport, MAX_SOURCES, ModeSources, PlaceReach, coverage_report};

use geo::MultiPolygon;
use thiserror::Error;

use crate::dispatch::{DispatchError, Engine, Location};
use crate::graph::RoadGraph;
use crate::osm::ExcludeSet;
use crate::routing::{ReachedTimes, Source};
use crate::spatial::Projection;
use crate::types::{Deciseconds, LonLat};

/// Most contours one isochrone may have.
pub const MAX_CONTOURS: usize = 4;
/// Largest contour, in minutes.
pub const MAX_MINUTES: f64 = 240.0;

/// Why an isochrone could not be drawn.
#[derive(Debug, Error)]
pub enum IsochroneError {
    /// The contours asked for are not 1 to [`MAX_CONTOURS`] distinct times in
    /// `0 < minutes <= MAX_MINUTES`.
    #[error("invalid contours: {0}")]
    InvalidContours(String),
    /// A parameter (`denoise`, `generalize`) is out of its range.
    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// No source could be placed on the roads.
    #[error("no source could be placed on the roads")]
    NoSource,
    /// Snapping or searching failed (unknown profile, a point far from every road, ...).
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
    /// The geometry could not be built.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The contour times of an isochrone: 1 to [`MAX_CONTOURS`] distinct times in minutes,
/// each in `0 < minutes <= MAX_MINUTES`, kept in increasing order.
#[derive(Clone, Debug, PartialEq)]
pub struct Contours(Vec<f64>);

impl Contours {
    /// Checks and sorts contour times given in minutes.
    ///
    /// # Errors
    /// [`IsochroneError::InvalidContours`] for none, too many, a duplicate, or a time that
    /// is NaN, not positive or above [`MAX_MINUTES`].
    pub fn try_new(minutes: &[f64]) -> Result<Self, IsochroneError> {
        let bad = |s: String| Err(IsochroneError::InvalidContours(s));
        if minutes.is_empty() {
            return bad("at least one contour is needed".into());
        }
        if minutes.len() > MAX_CONTOURS {
            return bad(format!(
                "{} contours given, at most {MAX_CONTOURS} are allowed",
                minutes.len()
            ));
        }
        if let Some(m) = minutes
            .iter()
            .find(|m| !(m.is_finite() && **m > 0.0 && **m <= MAX_MINUTES))
        {
            return bad(format!(
                "{m} is not a time in minutes in 0 < minutes <= {MAX_MINUTES}"
            ));
        }
        let mut sorted = minutes.to_vec();
        sorted.sort_by(f64::total_cmp);
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return bad(format!("{} is given twice", w[0]));
        }
        Ok(Self(sorted))
    }

    /// The times in minutes, increasing.
    #[must_use]
    pub fn minutes(&self) -> &[f64] {
        &self.0
    }

    /// The largest time, as the bound of the search (rounded up to a decisecond).
    #[must_use]
    pub fn bound(&self) -> Deciseconds {
        let max = self.0.last().copied().unwrap_or(0.0);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "at most 240 min = 144,000 ds"
        )]
        #[expect(clippy::cast_sign_loss, reason = "positive")]
        let ds = (max * 600.0).ceil() as u32;
        Deciseconds(ds)
    }
}

/// How outlines are post-processed (Valhalla's `denoise` and `generalize`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IsochroneParams {
    /// Drop the polygons of a contour whose area is below this share (0..=1) of the largest
    /// one's; 0 keeps all.
    pub denoise: f64,
    /// Douglas–Peucker tolerance in metres; 0 keeps the outlines as traced.
    pub generalize_m: f64,
}

impl Default for IsochroneParams {
    fn default() -> Self {
        Self {
            denoise: 0.0,
            generalize_m: 0.0,
        }
    }
}

impl IsochroneParams {
    /// Checks the ranges: `denoise` in 0..=1, `generalize_m` in 0..=10,000.
    ///
    /// # Errors
    /// [`IsochroneError::InvalidParameter`].
    pub fn validate(&self) -> Result<(), IsochroneError> {
        if !(0.0..=1.0).contains(&self.denoise) {
            return Err(IsochroneError::InvalidParameter {
                name: "denoise",
                reason: format!("{} is not in 0..=1", self.denoise),
            });
        }
        if !(0.0..=10_000.0).contains(&self.generalize_m) {
            return Err(IsochroneError::InvalidParameter {
                name: "generalize",
                reason: format!(
                    "{} is not a distance in metres in 0..=10000",
                    self.generalize_m
                ),
            });
        }
        Ok(())
    }
}

/// The area within one contour time.
#[derive(Clone, Debug, PartialEq)]
pub struct Contour {
    /// The time, in minutes.
    pub minutes: f64,
    /// The area, in longitude/latitude (x = lon, y = lat), exterior rings counter-clockwise
    /// and holes clockwise; empty when nothing is reached.
    pub area: MultiPolygon<f64>,
}

/// An isochrone: one area per contour, smallest first.
#[derive(Clone, Debug, PartialEq)]
pub struct Isochrone {
    /// Where the sources were placed on the roads.
    pub sources: Vec<LonLat>,
    /// The areas, by increasing time; each contains the previous ones.
    pub contours: Vec<Contour>,
    /// Side of the grid's cells, in metres: the resolution of the outlines.
    pub cell_m: f64,
    /// Number of graph nodes reached within the largest contour.
    pub nodes_reached: usize,
}

/// The isochrone of `origin` on `profile`'s roads.
///
/// # Errors
/// [`IsochroneError::Dispatch`] for an unknown profile or an origin that cannot be snapped
/// (invalid, or farther than its radius from every road), [`IsochroneError::InvalidParameter`].
pub fn isochrone(
    engine: &Engine,
    profile: &str,
    origin: Location,
    contours: &Contours,
    params: &IsochroneParams,
) -> Result<Isochrone, IsochroneError> {
    isochrone_with(engine, profile, origin, ExcludeSet::EMPTY, contours, params)
}

/// The isochrone of `origin` on `profile`'s roads without the classes of `exclude` (OSRM's
/// `exclude=`): the origin is placed on the nearest road of no excluded class
/// ([`Engine::place_with`]) and the times come from a one-to-all search without them
/// ([`Engine::one_to_all_with`]).
///
/// # Errors
/// As [`isochrone`]; [`IsochroneError::Dispatch`] with
/// [`DispatchError::ExcludeNotSupported`] for a class the profile does not declare.
pub fn isochrone_with(
    engine: &Engine,
    profile: &str,
    origin: Location,
    exclude: ExcludeSet,
    contours: &Contours,
    params: &IsochroneParams,
) -> Result<Isochrone, IsochroneError> {
    let placed = engine.place_with(profile, origin, exclude)?;
    coverage_with(
        engine,
        profile,
        &[Source::new(placed.point)],
        exclude,
        contours,
        params,
    )
}

/// The area within each contour time of the nearest of `sources` (each leaving at its own
/// start time) on `profile`'s roads: the coverage of several volunteers or headquarters.
///
/// # Errors
/// [`IsochroneError::NoSource`] for no source, otherwise as [`isochrone`].
pub fn coverage(
    engine: &Engine,
    profile: &str,
    sources: &[Source],
    contours: &Contours,
    params: &IsochroneParams,
) -> Result<Isochrone, IsochroneError> {
    coverage_with(
        engine,
        profile,
        sources,
        ExcludeSet::EMPTY,
        contours,
        params,
    )
}

/// As [`coverage`], without the roads of the classes of `exclude`.
///
/// # Errors
/// As [`isochrone_with`].
pub fn coverage_with(
    engine: &Engine,
    profile: &str,
    sources: &[Source],
    exclude: ExcludeSet,
    contours: &Contours,
    params: &IsochroneParams,
) -> Result<Isochrone, IsochroneError> {
    params.validate()?;
    let graph = engine
        .graph(profile)
        .ok_or_else(|| DispatchError::UnknownProfile {
            profile: profile.to_owned(),
        })?;
    if sources.is_empty() {
        return Err(IsochroneError::NoSource);
    }
    let reached = engine.one_to_all_with(profile, sources, contours.bound(), exclude)?;
    draw(graph, &reached, sources, contours, params)
}

/// The areas of `contours` from the times of a one-to-all search from `sources`: a
/// [`TimeGrid`] and its outlines.
///
/// # Errors
/// [`IsochroneError::NoSource`], [`IsochroneError::InvalidParameter`],
/// [`IsochroneError::Internal`] when a source is not on the graph or contouring fails.
pub fn draw(
    graph: &RoadGraph,
    reached: &ReachedTimes,
    sources: &[Source],
    contours: &Contours,
    params: &IsochroneParams,
) -> Result<Isochrone, IsochroneError> {
    params.validate()?;
    let grid = TimeGrid::rasterize(graph, reached, sources)?;
    let areas = grid.outline(contours, params)?;
    Ok(Isochrone {
        sources: sources.iter().map(|s| point_lonlat(graph, s)).collect(),
        contours: contours
            .minutes()
            .iter()
            .zip(areas)
            .map(|(&minutes, area)| Contour { minutes, area })
            .collect(),
        cell_m: grid.cell_m(),
        nodes_reached: reached.num_reached(),
    })
}

/// The travel times of a one-to-all search spread over a grid around its sources: the first
/// step of [`draw`], before the outlines are traced.
#[derive(Clone, Debug)]
pub struct TimeGrid {
    grid: raster::Grid,
    proj: Projection,
}

impl TimeGrid {
    /// Rasterises the road network that `reached` reaches from `sources` within its bound.
    ///
    /// # Errors
    /// [`IsochroneError::NoSource`], [`IsochroneError::Internal`] when a source is not on
    /// the graph.
    pub fn rasterize(
        graph: &RoadGraph,
        reached: &ReachedTimes,
        sources: &[Source],
    ) -> Result<Self, IsochroneError> {
        let first = sources.first().ok_or(IsochroneError::NoSource)?;
        for s in sources {
            s.point
                .validate(graph)
                .map_err(|e| IsochroneError::Internal(e.to_string()))?;
        }
        let proj = Projection::new(point_lonlat(graph, first));
        let bound_s = f64::from(reached.bound().0) / 10.0;
        let grid = raster::rasterize(graph, &proj, reached, sources, bound_s);
        Ok(Self { grid, proj })
    }

    /// Side of the cells, in metres.
    #[must_use]
    pub fn cell_m(&self) -> f64 {
        self.grid.cell
    }

    /// Number of grid vertices along x (east) and y (north).
    #[must_use]
    pub fn size(&self) -> (usize, usize) {
        (self.grid.nx, self.grid.ny)
    }

    /// The area within each of `contours`, smallest first, in longitude/latitude.
    ///
    /// # Errors
    /// [`IsochroneError::InvalidParameter`], [`IsochroneError::Internal`] when contouring
    /// fails.
    pub fn outline(
        &self,
        contours: &Contours,
        params: &IsochroneParams,
    ) -> Result<Vec<MultiPolygon<f64>>, IsochroneError> {
        params.validate()?;
        let thresholds: Vec<f64> = contours.minutes().iter().map(|m| m * 60.0).collect();
        polygons::contours(&self.grid, &self.proj, &thresholds, params)
    }
}

/// Where a (validated) source lies, along its edge's geometry.
fn point_lonlat(graph: &RoadGraph, s: &Source) -> LonLat {
    let pts = graph.edge_geometry(s.point.edge);
    let lengths: Vec<f64> = pts
        .windows(2)
        .map(|w| crate::types::haversine_m(w[0], w[1]))
        .collect();
    let total: f64 = lengths.iter().sum();
    let mut left = s.point.fraction * total;
    for (w, len) in pts.windows(2).zip(&lengths) {
        if left <= *len {
            let f = if *len > 0.0 { left / len } else { 0.0 };
            return LonLat::new(
                w[0].lon + (w[1].lon - w[0].lon) * f,
                w[0].lat + (w[1].lat - w[0].lat) * f,
            );
        }
        left -= len;
    }
    pts.last().copied().unwrap_or(LonLat::new(0.0, 0.0))
}

#[cfg(test)]
#[path = "isochrone_tests.rs"]
mod tests;
