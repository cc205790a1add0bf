//! Many-origin coverage: the area within a time of the nearest of several sources, on each
//! mode's roads, and the places left outside it.

use super::{Contours, Isochrone, IsochroneError, IsochroneParams};
use crate::dispatch::{Engine, Location};
use crate::geocode::Place;
use crate::routing::Source;
use crate::types::LonLat;

/// Most sources per profile.
pub const MAX_SOURCES: usize = 10_000;

/// The sources of one mode: a profile and positions on its roads.
#[derive(Clone, Debug, PartialEq)]
pub struct ModeSources {
    /// The profile (`car`, `bicycle`, `foot`).
    pub profile: String,
    /// Where the sources are (volunteers' last positions, a headquarters).
    pub positions: Vec<LonLat>,
}

/// A place and how soon the sources reach it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceReach {
    /// The place.
    pub place: Place,
    /// Fastest time over the modes, in minutes; `None` when no mode reaches it within the
    /// bound (or its position is far from every road).
    pub minutes: Option<f64>,
}

/// The coverage of several modes' sources within one time.
#[derive(Clone, Debug, PartialEq)]
pub struct CoverageReport {
    /// The time, in minutes.
    pub minutes: f64,
    /// One area per mode with at least one source placed on its roads.
    pub areas: Vec<(String, Isochrone)>,
    /// Sources that could not be placed on their mode's roads, by mode.
    pub unplaced: Vec<(String, usize)>,
    /// The places reached within the time, with their times.
    pub inside: Vec<PlaceReach>,
    /// The places not reached within the time.
    pub outside: Vec<PlaceReach>,
}

/// The area within `minutes` of the nearest source of each mode, and which of `places` are
/// reached (by any mode, from its snapped position on that mode's roads) within that time.
///
/// # Errors
/// [`IsochroneError::InvalidContours`] for a bad time, [`IsochroneError::InvalidParameter`]
/// for more than [`MAX_SOURCES`] sources of one mode, [`IsochroneError::Dispatch`] for an
/// unknown profile.
pub fn coverage_report(
    engine: &Engine,
    modes: &[ModeSources],
    minutes: f64,
    places: &[Place],
    params: &IsochroneParams,
) -> Result<CoverageReport, IsochroneError> {
    let contours = Contours::try_new(&[minutes])?;
    let mut areas = Vec::new();
    let mut unplaced = Vec::new();
    let mut best: Vec<Option<u32>> = vec![None; places.len()];
    for m in modes {
        if m.positions.len() > MAX_SOURCES {
            return Err(IsochroneError::InvalidParameter {
                name: "sources",
                reason: format!(
                    "{} sources of {}, at most {MAX_SOURCES}",
                    m.positions.len(),
                    m.profile
                ),
            });
        }
        let graph = engine.graph(&m.profile).ok_or_else(|| {
            crate::dispatch::DispatchError::UnknownProfile {
                profile: m.profile.clone(),
            }
        })?;
        let sources: Vec<Source> = m
            .positions
            .iter()
            .filter_map(|p| engine.place(&m.profile, Location::new(p.lon, p.lat)).ok())
            .map(|p| Source::new(p.point))
            .collect();
        let missing = m.positions.len() - sources.len();
        if missing > 0 {
            unplaced.push((m.profile.clone(), missing));
        }
        if sources.is_empty() {
            continue;
        }
        let reached = engine.one_to_all(&m.profile, &sources, contours.bound())?;
        for (slot, place) in best.iter_mut().zip(places) {
            let loc = Location::new(place.location.lon, place.location.lat);
            let Ok(p) = engine.place(&m.profile, loc) else {
                continue;
            };
            if let Some(t) = reached.time_at(graph, p.point) {
                *slot = Some(slot.map_or(t.0, |b| b.min(t.0)));
            }
        }
        let iso = super::draw(graph, &reached, &sources, &contours, params)?;
        areas.push((m.profile.clone(), iso));
    }
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    for (place, t) in places.iter().zip(best) {
        let reach = PlaceReach {
            place: place.clone(),
            minutes: t.map(|ds| f64::from(ds) / 600.0),
        };
        if reach.minutes.is_some() {
            inside.push(reach);
        } else {
            outside.push(reach);
        }
    }
    Ok(CoverageReport {
        minutes,
        areas,
        unplaced,
        inside,
        outside,
    })
}
