//! A solution recomputed in the instance's own convention: Euclidean doubles (time-window
//! sets) or `nint` integers (CVRPLIB X), for gaps to published values and for a verdict that
//! does not depend on the integer scaling.
//!
//! For [`Convention::EuclidDouble`] the schedule is recomputed in `f64` from the original
//! coordinates and windows (travel time = distance, waiting allowed, service must start by the
//! due date, return to the depot by its due date), with a tolerance of [`TIME_EPSILON`] for
//! floating-point noise. Since the model rounds travel times up, a schedule that is feasible
//! in the model is feasible here; the converse can fail by less than one model unit per leg,
//! which is why [`Instance::verify`] accepts a solution whose only integer violations are
//! time-window or shift-end ones when the exact schedule holds.

use super::{Convention, Instance, Site, euclid};
use crate::vrp::check::{self, CheckReport, Violation};
use crate::vrp::{Location, Route, Solution, StopKind};

/// Lateness below this (instance time units) is floating-point noise, not a violation.
pub const TIME_EPSILON: f64 = 1e-6;

/// A stop served after its due date (or a return after the depot's due date).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LateStop {
    /// Route index.
    pub route: usize,
    /// Stop index; `None` for the return to the depot.
    pub stop: Option<usize>,
    /// How late, in instance time units.
    pub late_by: f64,
}

/// One route recomputed in the instance's convention.
#[derive(Clone, Debug, PartialEq)]
pub struct ExactRoute {
    /// Arrival at each stop, in instance time units.
    pub arrivals: Vec<f64>,
    /// Distance in the instance's convention.
    pub distance: f64,
    /// Late stops (only for [`Convention::EuclidDouble`]; the integer model is exact otherwise).
    pub late: Vec<LateStop>,
}

/// The verdict on a solution in the instance's convention.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The integer model's checker verdict.
    pub check: Result<CheckReport, Vec<Violation>>,
    /// Late stops under the exact convention.
    pub late: Vec<LateStop>,
    /// Feasible in the instance's convention (see the module docs).
    pub feasible: bool,
    /// Total distance in the instance's convention.
    pub distance: f64,
}

impl Instance {
    /// Total distance of `solution` in the instance's convention: doubles for the Euclidean
    /// time-window sets, `nint` integers for CVRPLIB, the matrix for JSON.
    #[must_use]
    pub fn exact_distance(&self, solution: &Solution) -> f64 {
        solution
            .routes
            .iter()
            .enumerate()
            .map(|(r, route)| self.exact_route(r, route).distance)
            .sum()
    }

    /// Recomputes one route (index `r` in its solution) in the instance's convention.
    #[must_use]
    pub fn exact_route(&self, r: usize, route: &Route) -> ExactRoute {
        let p = &self.problem;
        let vehicle = p.vehicles.get(route.vehicle);
        let start = vehicle.and_then(|v| v.start);
        let end = vehicle.and_then(|v| v.end);
        let locations: Vec<Option<Location>> = route
            .stops
            .iter()
            .map(|s| match s.kind {
                StopKind::Job(i) => p.jobs.get(i).map(|j| j.place.location),
                StopKind::Pickup(i) => p.shipments.get(i).map(|s| s.pickup.location),
                StopKind::Delivery(i) => p.shipments.get(i).map(|s| s.delivery.location),
                StopKind::Break(_) => None,
            })
            .collect();
        let leg = |a: Location, b: Location| -> f64 {
            match self.convention {
                Convention::EuclidDouble { .. } => match (self.site(a), self.site(b)) {
                    (Some(x), Some(y)) => euclid(x, y),
                    _ => f64::INFINITY,
                },
                Convention::EuclidNint => match (self.site(a), self.site(b)) {
                    (Some(x), Some(y)) => (euclid(x, y) + 0.5).floor(),
                    _ => f64::INFINITY,
                },
                Convention::Model => {
                    let m = vehicle.and_then(|v| p.matrices.get(v.profile));
                    let (i, j) = (a.0 as usize, b.0 as usize);
                    m.filter(|m| i < m.size && j < m.size)
                        .and_then(|m| m.distances.get(i * m.size + j))
                        .filter(|&&d| d != crate::vrp::UNREACHABLE)
                        .map_or(f64::INFINITY, |&d| f64::from(d))
                }
            }
        };
        let timed = matches!(self.convention, Convention::EuclidDouble { .. });
        let depot = start.and_then(|l| self.site(l));
        // The route's own departure (scaled back), never before the depot opens.
        let departure = self.to_instance_units(u64::from(route.departure));
        let mut time = depot.map_or(departure, |d| d.ready.max(departure));
        let mut at = start;
        let (mut distance, mut arrivals, mut late) = (0.0, Vec::new(), Vec::new());
        for (s, (stop, loc)) in route.stops.iter().zip(&locations).enumerate() {
            let Some(loc) = *loc else {
                arrivals.push(self.to_instance_units(u64::from(stop.arrival)));
                continue;
            };
            let d = at.map_or(0.0, |a| leg(a, loc));
            distance += d;
            at = Some(loc);
            if !timed {
                arrivals.push(self.to_instance_units(u64::from(stop.arrival)));
                continue;
            }
            time += d;
            arrivals.push(time);
            if let Some(site) = self.site(loc) {
                time = time.max(site.ready);
                if time > site.due + TIME_EPSILON {
                    late.push(LateStop {
                        route: r,
                        stop: Some(s),
                        late_by: time - site.due,
                    });
                }
                time += site.service;
            }
        }
        if let (Some(a), Some(e)) = (at, end) {
            let d = leg(a, e);
            distance += d;
            time += d;
            if timed
                && let Some(depot) = self.site(e)
                && time > depot.due + TIME_EPSILON
            {
                late.push(LateStop {
                    route: r,
                    stop: None,
                    late_by: time - depot.due,
                });
            }
        }
        ExactRoute {
            arrivals,
            distance,
            late,
        }
    }

    /// Checks `solution` in the integer model ([`check::check`]) and in the instance's own
    /// convention. `feasible` holds when the model check passes and nothing is late in exact
    /// arithmetic, or, for the Euclidean-double sets, when the model's only violations are
    /// time windows or shift ends (artefacts of rounding travel times up) and the exact
    /// schedule has no late stop.
    #[must_use]
    pub fn verify(&self, solution: &Solution) -> Verdict {
        let check = check::check(&self.problem, solution);
        let mut late = Vec::new();
        let mut distance = 0.0;
        for (r, route) in solution.routes.iter().enumerate() {
            let e = self.exact_route(r, route);
            distance += e.distance;
            late.extend(e.late);
        }
        let rounding_only = |v: &Vec<Violation>| {
            matches!(self.convention, Convention::EuclidDouble { .. })
                && v.iter()
                    .all(|x| matches!(x, Violation::TimeWindow { .. } | Violation::ShiftEnd { .. }))
        };
        let feasible = late.is_empty() && check.as_ref().map_or_else(rounding_only, |_| true);
        Verdict {
            check,
            late,
            feasible,
            distance,
        }
    }

    /// The site of a matrix location, if the instance has coordinates.
    fn site(&self, l: Location) -> Option<&Site> {
        self.sites.get(l.0 as usize)
    }
}
