//! A planned trip: per vehicle and day the visits in order with their times, the driving,
//! the night location; and the settlements left out, each with its reason.

use crate::reachability::Unreachable;

/// Where a night is spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NightAt {
    /// At the vehicle's depot.
    Home,
    /// At a settlement (its index).
    Settlement(usize),
    /// At a lodging point (its index).
    Lodging(usize),
}

impl NightAt {
    /// `home`, `settlement` or `lodging`.
    #[must_use]
    pub fn kind(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Settlement(_) => "settlement",
            Self::Lodging(_) => "lodging",
        }
    }
}

/// One visit of a settlement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    /// The settlement (index in the problem).
    pub settlement: usize,
    /// Arrival, seconds after midnight of the day.
    pub arrival_s: u32,
    /// Start of the service (after waiting for a window).
    pub start_s: u32,
    /// Departure (start plus service).
    pub departure_s: u32,
}

impl Visit {
    /// Seconds waited between arrival and start.
    #[must_use]
    pub fn waiting_s(&self) -> u32 {
        self.start_s - self.arrival_s
    }
}

/// One day of one vehicle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TripDay {
    /// The day, counted from 0.
    pub day: u32,
    /// Where the day starts (the previous night; the depot on day 0).
    pub from: NightAt,
    /// The visits in order.
    pub visits: Vec<Visit>,
    /// Where the night is spent.
    pub night: NightAt,
    /// Leaving the start of the day, seconds after midnight (the working-hours start).
    pub leave_s: u32,
    /// Arrival at the night location, seconds after midnight (equal to `leave_s` on a day
    /// spent in place).
    pub arrive_s: u32,
    /// Driving that day, seconds.
    pub driving_s: u32,
    /// Distance driven that day, metres.
    pub distance_m: u32,
}

/// One vehicle day without times: the settlements in order and the night (the input of
/// [`replay`](super::check::replay)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayPlan {
    /// Settlements, in visiting order.
    pub visits: Vec<usize>,
    /// Where the night is spent.
    pub night: NightAt,
}

/// The days of one vehicle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VehicleTrip {
    /// The vehicle (index in the problem's depots).
    pub vehicle: usize,
    /// Every day of the trip, in order.
    pub days: Vec<TripDay>,
}

impl VehicleTrip {
    /// The days without times.
    #[must_use]
    pub fn plans(&self) -> Vec<DayPlan> {
        self.days
            .iter()
            .map(|d| DayPlan {
                visits: d.visits.iter().map(|v| v.settlement).collect(),
                night: d.night,
            })
            .collect()
    }
}

/// Why a settlement is left out, in terms a coordinator can act on.
#[derive(Clone, Debug, PartialEq)]
pub enum Unplanned {
    /// No road leads there from the depot, or back (the reachability report's reason when
    /// planned on the roads).
    NotReachable(Option<Unreachable>),
    /// Its service is longer than the working day.
    ServiceLongerThanDay,
    /// Even alone, the trip there and back (with the nights the policy allows) does not fit
    /// in the working hours.
    DoesNotFitInDay,
    /// Even alone, it cannot be reached within its allowed days and windows.
    OutsideWindows,
    /// Alone it fits the hours, but not the daily driving limit.
    DrivingLimit,
    /// It fits alone, but not beside the settlements planned (the days are full; more days,
    /// a second vehicle or a higher priority would take it).
    OutOfDays,
}

impl Unplanned {
    /// A short name: `not_reachable`, `service_longer_than_day`, `does_not_fit_in_day`,
    /// `outside_windows`, `driving_limit`, `out_of_days`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotReachable(_) => "not_reachable",
            Self::ServiceLongerThanDay => "service_longer_than_day",
            Self::DoesNotFitInDay => "does_not_fit_in_day",
            Self::OutsideWindows => "outside_windows",
            Self::DrivingLimit => "driving_limit",
            Self::OutOfDays => "out_of_days",
        }
    }

    /// One sentence for a coordinator.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Self::NotReachable(Some(r)) => {
                format!("no road leads there from the depot and back ({})", r.kind())
            }
            Self::NotReachable(None) => "no road leads there from the depot and back".to_owned(),
            Self::ServiceLongerThanDay => "its service is longer than the working day".to_owned(),
            Self::DoesNotFitInDay => {
                "even alone, the way there and back with its service does not fit in the working hours"
                    .to_owned()
            }
            Self::OutsideWindows => {
                "even alone, it cannot be reached within its allowed days and time windows"
                    .to_owned()
            }
            Self::DrivingLimit => {
                "even alone, the way there and back exceeds the daily driving limit".to_owned()
            }
            Self::OutOfDays => {
                "it fits alone, but the days are full with the other settlements (add days or a vehicle, or raise its priority)"
                    .to_owned()
            }
        }
    }
}

/// A planned trip.
#[derive(Clone, Debug, PartialEq)]
pub struct Itinerary {
    /// One entry per vehicle, in the problem's order.
    pub vehicles: Vec<VehicleTrip>,
    /// Settlements left out, by increasing index, with the reason.
    pub unplanned: Vec<(usize, Unplanned)>,
}

impl Itinerary {
    /// Settlements visited.
    #[must_use]
    pub fn visited(&self) -> usize {
        self.days().map(|d| d.visits.len()).sum()
    }

    /// Driving of all vehicles and days, seconds.
    #[must_use]
    pub fn driving_s(&self) -> u64 {
        self.days().map(|d| u64::from(d.driving_s)).sum()
    }

    /// Distance of all vehicles and days, metres.
    #[must_use]
    pub fn distance_m(&self) -> u64 {
        self.days().map(|d| u64::from(d.distance_m)).sum()
    }

    /// Every day of every vehicle.
    pub fn days(&self) -> impl Iterator<Item = &TripDay> {
        self.vehicles.iter().flat_map(|v| v.days.iter())
    }
}
