//! The trip model on a travel matrix: vehicles with a home depot, settlements to visit,
//! lodging points, days with working hours and a driving limit, and the overnight policy.
//!
//! Times of day are whole seconds after midnight of the trip day; durations are whole
//! seconds and distances whole metres, as in [`Matrix`]. Day `d` (counted from 0) starts at
//! its working-hours start and must end, with the vehicle at its night location, by the
//! working-hours end.

use crate::vrp::{Matrix, UNREACHABLE};

use super::TripError;

/// Most days a trip may have.
pub const MAX_DAYS: u32 = 14;
/// Most settlements a trip may have.
pub const MAX_SETTLEMENTS: usize = 200;
/// Most vehicles a trip may have.
pub const MAX_VEHICLES: usize = 10;
/// Most lodging points a trip may have.
pub const MAX_LODGINGS: usize = 50;
/// Seconds in a day.
pub const DAY_S: u32 = 86_400;

/// Where the vehicles may spend the nights between the days of the trip. The last night
/// is always at home.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Overnight {
    /// Back at the depot every night: each day is a round trip.
    Home,
    /// At the depot, or at the last settlement visited that day (a day without visits
    /// stays where the previous night was, or goes home).
    Settlement,
    /// At the depot or at one of the given lodging points.
    Lodging,
}

impl Overnight {
    /// `home`, `settlement` or `lodging`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Settlement => "settlement",
            Self::Lodging => "lodging",
        }
    }

    /// The policy named `home`, `settlement` or `lodging`.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "home" => Some(Self::Home),
            "settlement" => Some(Self::Settlement),
            "lodging" => Some(Self::Lodging),
            _ => None,
        }
    }
}

/// A span of the day, seconds after midnight: a visit may start at `start_s` at the
/// earliest and `end_s` at the latest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayWindow {
    /// Earliest start.
    pub start_s: u32,
    /// Latest start.
    pub end_s: u32,
}

/// A settlement to visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settlement {
    /// Its location (matrix index).
    pub location: usize,
    /// Time spent there, seconds.
    pub service_s: u32,
    /// Days on which it may be visited (counted from 0); empty: any day.
    pub days: Vec<u32>,
    /// When the visit may start on those days; empty: any time of the working hours.
    pub windows: Vec<DayWindow>,
    /// Higher is served first when not every settlement fits.
    pub priority: u32,
}

/// A trip to plan.
#[derive(Clone, Debug, PartialEq)]
pub struct TripProblem {
    /// Durations (s) and distances (m) between the locations.
    pub matrix: Matrix,
    /// The depot (matrix index) of each vehicle: where its trip starts and ends.
    pub depots: Vec<usize>,
    /// The settlements.
    pub settlements: Vec<Settlement>,
    /// Lodging points (matrix indices), for [`Overnight::Lodging`].
    pub lodgings: Vec<usize>,
    /// Days of the trip.
    pub days: u32,
    /// Working hours of every day, seconds after midnight.
    pub hours: DayWindow,
    /// Most driving per vehicle and day, seconds.
    pub max_driving_s: u32,
    /// Where the nights are spent.
    pub overnight: Overnight,
}

impl TripProblem {
    /// Travel time from `a` to `b` in seconds, `None` without a route.
    #[must_use]
    pub fn duration(&self, a: usize, b: usize) -> Option<u32> {
        let v = self.matrix.durations[a * self.matrix.size + b];
        (v != UNREACHABLE).then_some(v)
    }

    /// Distance from `a` to `b` in metres, `None` without a route.
    #[must_use]
    pub fn distance(&self, a: usize, b: usize) -> Option<u32> {
        let v = self.matrix.distances[a * self.matrix.size + b];
        (v != UNREACHABLE).then_some(v)
    }

    /// Checks the bounds and the consistency of the trip.
    ///
    /// # Errors
    /// The [`TripError`] naming the first problem found: days, vehicles, settlements or
    /// lodging points out of bounds, hours not within a day, zero driving, `lodging`
    /// without lodging points, indices outside the matrix, windows that end before they
    /// start or lie outside the working hours, allowed days past the trip.
    pub fn validate(&self) -> Result<(), TripError> {
        if self.days == 0 {
            return Err(TripError::NoDays);
        }
        if self.days > MAX_DAYS {
            return Err(TripError::TooManyDays {
                given: self.days,
                max: MAX_DAYS,
            });
        }
        if self.depots.is_empty() || self.depots.len() > MAX_VEHICLES {
            return Err(TripError::VehicleCount {
                given: self.depots.len(),
                max: MAX_VEHICLES,
            });
        }
        if self.settlements.len() > MAX_SETTLEMENTS {
            return Err(TripError::TooManySettlements {
                given: self.settlements.len(),
                max: MAX_SETTLEMENTS,
            });
        }
        if self.lodgings.len() > MAX_LODGINGS {
            return Err(TripError::TooManyLodgings {
                given: self.lodgings.len(),
                max: MAX_LODGINGS,
            });
        }
        let h = self.hours;
        if h.start_s >= h.end_s || h.end_s > DAY_S {
            return Err(TripError::InvalidHours {
                start_s: h.start_s,
                end_s: h.end_s,
            });
        }
        if self.max_driving_s == 0 {
            return Err(TripError::NoDriving);
        }
        if self.overnight == Overnight::Lodging && self.lodgings.is_empty() {
            return Err(TripError::NoLodging);
        }
        let size = self.matrix.size;
        let cells = self.matrix.durations.len().min(self.matrix.distances.len());
        if size.checked_mul(size) != Some(cells) || self.matrix.durations.len() != cells {
            return Err(TripError::MatrixShape { size, cells });
        }
        let out = |what: String, location: usize| {
            (location >= size).then_some(TripError::LocationOutOfRange {
                what,
                location,
                size,
            })
        };
        for (v, &d) in self.depots.iter().enumerate() {
            if let Some(e) = out(format!("depot of vehicle {v}"), d) {
                return Err(e);
            }
        }
        for (j, &l) in self.lodgings.iter().enumerate() {
            if let Some(e) = out(format!("lodging {j}"), l) {
                return Err(e);
            }
        }
        for (i, s) in self.settlements.iter().enumerate() {
            if let Some(e) = out(format!("settlement {i}"), s.location) {
                return Err(e);
            }
            for w in &s.windows {
                if w.start_s > w.end_s {
                    return Err(TripError::ContradictoryWindow {
                        settlement: i,
                        start_s: w.start_s,
                        end_s: w.end_s,
                    });
                }
                if w.end_s < h.start_s || w.start_s >= h.end_s {
                    return Err(TripError::WindowOutsideHours {
                        settlement: i,
                        start_s: w.start_s,
                        end_s: w.end_s,
                        hours_start_s: h.start_s,
                        hours_end_s: h.end_s,
                    });
                }
            }
            if let Some(&day) = s.days.iter().find(|&&d| d >= self.days) {
                return Err(TripError::DayOutOfRange {
                    settlement: i,
                    day: day.saturating_add(1),
                    days: self.days,
                });
            }
        }
        Ok(())
    }

    /// `true` when settlement `i` may be visited on day `day`.
    #[must_use]
    pub fn allowed_on(&self, i: usize, day: u32) -> bool {
        let days = &self.settlements[i].days;
        days.is_empty() || days.contains(&day)
    }
}
