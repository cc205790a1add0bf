//! The independent checker of itineraries: slow and obvious. [`replay`] walks one vehicle's
//! days visit by visit from the depot, computing every time from the matrix and the rules
//! (hours, allowed days and windows, daily driving limit, where a night may be spent, home
//! on the last night); [`check`] replays a whole itinerary, compares every reported time and
//! total with the replay, and checks that each settlement is visited at most once and is
//! either visited or listed as unplanned.
//!
//! It shares no code with the search ([`super::solve`]), so a fault in the one is not
//! repeated in the other.

use thiserror::Error;

use super::{DayPlan, Itinerary, NightAt, Overnight, TripDay, TripProblem, VehicleTrip, Visit};

/// A rule an itinerary breaks.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Violation {
    /// Not one entry per vehicle.
    #[error("{got} vehicles in the itinerary, the problem has {want}")]
    VehicleCount {
        /// Entries.
        got: usize,
        /// Vehicles.
        want: usize,
    },
    /// Not one entry per day, in order.
    #[error("vehicle {vehicle} has days numbered {got:?}, the trip has {want} days")]
    Days {
        /// The vehicle.
        vehicle: usize,
        /// The day numbers found.
        got: Vec<u32>,
        /// Days of the trip.
        want: u32,
    },
    /// A visit of a settlement that does not exist.
    #[error("day {day}: settlement {settlement} does not exist")]
    UnknownSettlement {
        /// The day.
        day: u32,
        /// The index.
        settlement: usize,
    },
    /// A settlement visited twice.
    #[error("settlement {0} is visited more than once")]
    VisitedTwice(usize),
    /// A visit on a day the settlement does not allow.
    #[error("settlement {settlement} is visited on day {day}, which it does not allow")]
    DayNotAllowed {
        /// The settlement.
        settlement: usize,
        /// The day.
        day: u32,
    },
    /// A leg without a route.
    #[error("vehicle {vehicle} day {day}: a leg has no route")]
    NoRoad {
        /// The vehicle.
        vehicle: usize,
        /// The day.
        day: u32,
    },
    /// Arrival after every window of the settlement.
    #[error("settlement {settlement} is reached at {arrival_s} s on day {day}, after its windows")]
    MissedWindow {
        /// The settlement.
        settlement: usize,
        /// The day.
        day: u32,
        /// Arrival, seconds after midnight.
        arrival_s: u64,
    },
    /// The night location is reached after the working hours.
    #[error("vehicle {vehicle} day {day}: night location reached at {arrive_s} s, after {end_s} s")]
    Late {
        /// The vehicle.
        vehicle: usize,
        /// The day.
        day: u32,
        /// Arrival.
        arrive_s: u64,
        /// End of the working hours.
        end_s: u32,
    },
    /// More driving than the daily limit.
    #[error(
        "vehicle {vehicle} day {day}: {driving_s} s of driving, above the limit of {limit_s} s"
    )]
    DrivingLimit {
        /// The vehicle.
        vehicle: usize,
        /// The day.
        day: u32,
        /// Driving.
        driving_s: u64,
        /// The limit.
        limit_s: u32,
    },
    /// A night where the policy does not allow one.
    #[error("vehicle {vehicle} day {day}: the night at {night:?} is not allowed")]
    Night {
        /// The vehicle.
        vehicle: usize,
        /// The day.
        day: u32,
        /// The night.
        night: NightAt,
    },
    /// A reported value differs from the replay.
    #[error("vehicle {vehicle} day {day}: reported {what} differs from the replay")]
    Reported {
        /// The vehicle.
        vehicle: usize,
        /// The day.
        day: u32,
        /// Which value.
        what: &'static str,
    },
    /// A settlement neither visited nor unplanned, or both, or unplanned twice.
    #[error("settlement {0} is not exactly once either visited or unplanned")]
    Unaccounted(usize),
}

/// What [`check`] computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Totals {
    /// Settlements visited.
    pub visited: usize,
    /// Sum of `1 + priority` over the settlements left out.
    pub unplanned_weight: u64,
    /// Driving of all days, seconds.
    pub driving_s: u64,
    /// Distance of all days, metres.
    pub distance_m: u64,
}

fn location(p: &TripProblem, vehicle: usize, at: NightAt) -> usize {
    match at {
        NightAt::Home => p.depots[vehicle],
        NightAt::Settlement(i) => p.settlements[i].location,
        NightAt::Lodging(j) => p.lodgings[j],
    }
}

fn night_allowed(p: &TripProblem, plan: &DayPlan, previous: NightAt) -> bool {
    match plan.night {
        NightAt::Home => true,
        NightAt::Settlement(x) => {
            p.overnight == Overnight::Settlement
                && match plan.visits.last() {
                    Some(&last) => last == x,
                    None => previous == NightAt::Settlement(x),
                }
        }
        NightAt::Lodging(j) => p.overnight == Overnight::Lodging && j < p.lodgings.len(),
    }
}

/// Replays `days` of vehicle `vehicle` from its depot and returns the days with their
/// times, or the first rule broken. `problem` must be valid ([`TripProblem::validate`]);
/// `days` must hold one plan per day of the trip.
///
/// # Errors
/// The [`Violation`] found first.
pub fn replay(
    problem: &TripProblem,
    vehicle: usize,
    days: &[DayPlan],
) -> Result<VehicleTrip, Violation> {
    let p = problem;
    let h = p.hours;
    let mut previous = NightAt::Home;
    let mut out = Vec::with_capacity(days.len());
    for (day, plan) in (0_u32..).zip(days) {
        let mut at = location(p, vehicle, previous);
        let mut t = u64::from(h.start_s);
        let mut driving = 0_u64;
        let mut distance = 0_u64;
        let mut visits = Vec::with_capacity(plan.visits.len());
        let no_road = Violation::NoRoad { vehicle, day };
        for &i in &plan.visits {
            let Some(s) = p.settlements.get(i) else {
                return Err(Violation::UnknownSettlement { day, settlement: i });
            };
            if !p.allowed_on(i, day) {
                return Err(Violation::DayNotAllowed { settlement: i, day });
            }
            let leg = p.duration(at, s.location).ok_or(no_road.clone())?;
            t += u64::from(leg);
            driving += u64::from(leg);
            distance += u64::from(p.distance(at, s.location).ok_or(no_road.clone())?);
            let arrival = t;
            let start = if s.windows.is_empty() {
                Some(arrival)
            } else {
                s.windows
                    .iter()
                    .filter(|w| u64::from(w.end_s) >= arrival)
                    .map(|w| arrival.max(u64::from(w.start_s)))
                    .min()
            };
            let Some(start) = start else {
                return Err(Violation::MissedWindow {
                    settlement: i,
                    day,
                    arrival_s: arrival,
                });
            };
            t = start + u64::from(s.service_s);
            at = s.location;
            let secs = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
            visits.push(Visit {
                settlement: i,
                arrival_s: secs(arrival),
                start_s: secs(start),
                departure_s: secs(t),
            });
        }
        // The last night is at home.
        let last_away = day + 1 == p.days && plan.night != NightAt::Home;
        if last_away || !night_allowed(p, plan, previous) {
            return Err(Violation::Night {
                vehicle,
                day,
                night: plan.night,
            });
        }
        let night_at = location(p, vehicle, plan.night);
        let leg = p.duration(at, night_at).ok_or(no_road.clone())?;
        t += u64::from(leg);
        driving += u64::from(leg);
        distance += u64::from(p.distance(at, night_at).ok_or(no_road)?);
        if t > u64::from(h.end_s) {
            return Err(Violation::Late {
                vehicle,
                day,
                arrive_s: t,
                end_s: h.end_s,
            });
        }
        if driving > u64::from(p.max_driving_s) {
            return Err(Violation::DrivingLimit {
                vehicle,
                day,
                driving_s: driving,
                limit_s: p.max_driving_s,
            });
        }
        let secs = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
        out.push(TripDay {
            day,
            from: previous,
            visits,
            night: plan.night,
            leave_s: h.start_s,
            arrive_s: secs(t),
            driving_s: secs(driving),
            distance_m: secs(distance),
        });
        previous = plan.night;
    }
    Ok(VehicleTrip { vehicle, days: out })
}

/// Checks `itinerary` against `problem` (which must be valid) and returns its totals.
///
/// # Errors
/// The [`Violation`] found first.
pub fn check(problem: &TripProblem, itinerary: &Itinerary) -> Result<Totals, Violation> {
    let p = problem;
    if itinerary.vehicles.len() != p.depots.len() {
        return Err(Violation::VehicleCount {
            got: itinerary.vehicles.len(),
            want: p.depots.len(),
        });
    }
    let mut seen = vec![0_u32; p.settlements.len()];
    let mut totals = Totals {
        visited: 0,
        unplanned_weight: 0,
        driving_s: 0,
        distance_m: 0,
    };
    for (vehicle, trip) in itinerary.vehicles.iter().enumerate() {
        let numbers: Vec<u32> = trip.days.iter().map(|d| d.day).collect();
        if trip.vehicle != vehicle || numbers != (0..p.days).collect::<Vec<_>>() {
            return Err(Violation::Days {
                vehicle,
                got: numbers,
                want: p.days,
            });
        }
        let plans = trip.plans();
        for plan in &plans {
            for &i in &plan.visits {
                match seen.get_mut(i) {
                    Some(n) if *n == 0 => *n = 1,
                    Some(_) => return Err(Violation::VisitedTwice(i)),
                    None => {
                        return Err(Violation::UnknownSettlement {
                            day: 0,
                            settlement: i,
                        });
                    }
                }
            }
        }
        let replayed = replay(p, vehicle, &plans)?;
        for (got, want) in trip.days.iter().zip(&replayed.days) {
            let what = if got.from != want.from {
                Some("start of day")
            } else if got.visits != want.visits {
                Some("visit times")
            } else if (got.leave_s, got.arrive_s) != (want.leave_s, want.arrive_s) {
                Some("leave or arrival time")
            } else if got.driving_s != want.driving_s {
                Some("driving")
            } else if got.distance_m != want.distance_m {
                Some("distance")
            } else {
                None
            };
            if let Some(what) = what {
                return Err(Violation::Reported {
                    vehicle,
                    day: got.day,
                    what,
                });
            }
            totals.visited += want.visits.len();
            totals.driving_s += u64::from(want.driving_s);
            totals.distance_m += u64::from(want.distance_m);
        }
    }
    for &(i, _) in &itinerary.unplanned {
        match seen.get_mut(i) {
            Some(n) if *n == 0 => *n = 2,
            _ => return Err(Violation::Unaccounted(i)),
        }
        totals.unplanned_weight += 1 + u64::from(p.settlements[i].priority);
    }
    if let Some(i) = seen.iter().position(|&n| n == 0) {
        return Err(Violation::Unaccounted(i));
    }
    Ok(totals)
}
