//! The optimum of small trips by brute force, the reference for [`super::solve`]: every
//! assignment of settlements to vehicle days in every order (settlements may be left
//! out), and for each vehicle every choice of nights the policy allows, each replayed by
//! the independent checker ([`replay`]). The best itinerary leaves out the least
//! `1 + priority` in total, then drives least.
//!
//! Cost: `Σₖ n!/(n−k)! · C(k + G − 1, G − 1)` assignments for `n` settlements over
//! `G = vehicles × days` vehicle days, times the night choices: about 55,000 assignments
//! for 6 settlements over 3 days, 400,000 for 7.

use super::check::replay;
use super::search::reason;
use super::{DayPlan, Itinerary, NightAt, Overnight, TripError, TripProblem, VehicleTrip};

/// Most settlements [`brute_force`] takes.
pub const BRUTE_FORCE_MAX_SETTLEMENTS: usize = 8;
/// Most vehicle days (vehicles × days) [`brute_force`] takes.
pub const BRUTE_FORCE_MAX_VEHICLE_DAYS: usize = 4;

struct Best {
    key: (u64, u64),
    trips: Vec<VehicleTrip>,
}

/// The least driving of one vehicle with these visits per day, trying every choice of
/// nights; `None` when none fits.
fn best_nights(p: &TripProblem, vehicle: usize, days: &[Vec<usize>]) -> Option<VehicleTrip> {
    fn rec(
        p: &TripProblem,
        vehicle: usize,
        days: &[Vec<usize>],
        plans: &mut Vec<DayPlan>,
        best: &mut Option<VehicleTrip>,
    ) {
        let d = plans.len();
        if d == days.len() {
            if let Ok(trip) = replay(p, vehicle, plans) {
                let driving = |t: &VehicleTrip| t.days.iter().map(|x| x.driving_s).sum::<u32>();
                if best.as_ref().is_none_or(|b| driving(&trip) < driving(b)) {
                    *best = Some(trip);
                }
            }
            return;
        }
        let mut nights = vec![NightAt::Home];
        if d + 1 < days.len() {
            match p.overnight {
                Overnight::Home => {}
                Overnight::Settlement => match days[d].last() {
                    Some(&l) => nights.push(NightAt::Settlement(l)),
                    None => {
                        if let Some(prev @ NightAt::Settlement(_)) = plans.last().map(|x| x.night) {
                            nights.push(prev);
                        }
                    }
                },
                Overnight::Lodging => nights.extend((0..p.lodgings.len()).map(NightAt::Lodging)),
            }
        }
        for night in nights {
            plans.push(DayPlan {
                visits: days[d].clone(),
                night,
            });
            rec(p, vehicle, days, plans, best);
            plans.pop();
        }
    }
    let mut best = None;
    rec(p, vehicle, days, &mut Vec::new(), &mut best);
    best
}

fn consider(p: &TripProblem, groups: &[Vec<usize>], used: &[bool], best: &mut Option<Best>) {
    let days = p.days as usize;
    let left: u64 = used
        .iter()
        .zip(&p.settlements)
        .filter(|(u, _)| !**u)
        .map(|(_, s)| 1 + u64::from(s.priority))
        .sum();
    if best.as_ref().is_some_and(|b| b.key.0 < left) {
        return;
    }
    let mut trips = Vec::with_capacity(p.depots.len());
    let mut driving = 0_u64;
    for v in 0..p.depots.len() {
        let Some(t) = best_nights(p, v, &groups[v * days..(v + 1) * days]) else {
            return;
        };
        driving += t.days.iter().map(|d| u64::from(d.driving_s)).sum::<u64>();
        trips.push(t);
    }
    if best.as_ref().is_none_or(|b| (left, driving) < b.key) {
        *best = Some(Best {
            key: (left, driving),
            trips,
        });
    }
}

fn assign(
    p: &TripProblem,
    g: usize,
    groups: &mut Vec<Vec<usize>>,
    used: &mut Vec<bool>,
    best: &mut Option<Best>,
) {
    if g == groups.len() {
        consider(p, groups, used, best);
        return;
    }
    assign(p, g + 1, groups, used, best);
    for i in 0..used.len() {
        if !used[i] {
            used[i] = true;
            groups[g].push(i);
            assign(p, g, groups, used, best);
            groups[g].pop();
            used[i] = false;
        }
    }
}

/// The optimum itinerary of a small trip (at most [`BRUTE_FORCE_MAX_SETTLEMENTS`]
/// settlements and [`BRUTE_FORCE_MAX_VEHICLE_DAYS`] vehicle days).
///
/// # Errors
/// [`TripProblem::validate`]'s errors; [`TripError::TooManySettlements`] or
/// [`TripError::TooManyDays`] past the bounds.
pub fn brute_force(problem: &TripProblem) -> Result<Itinerary, TripError> {
    problem.validate()?;
    let p = problem;
    if p.settlements.len() > BRUTE_FORCE_MAX_SETTLEMENTS {
        return Err(TripError::TooManySettlements {
            given: p.settlements.len(),
            max: BRUTE_FORCE_MAX_SETTLEMENTS,
        });
    }
    let groups = p.depots.len() * p.days as usize;
    if groups > BRUTE_FORCE_MAX_VEHICLE_DAYS {
        return Err(TripError::TooManyDays {
            given: p.days,
            max: u32::try_from(BRUTE_FORCE_MAX_VEHICLE_DAYS / p.depots.len()).unwrap_or(0),
        });
    }
    let mut best = None;
    assign(
        p,
        0,
        &mut vec![Vec::new(); groups],
        &mut vec![false; p.settlements.len()],
        &mut best,
    );
    let best = best.expect("leaving every settlement out fits: each vehicle stays at home");
    let mut visited = vec![false; p.settlements.len()];
    for t in &best.trips {
        for d in &t.days {
            for v in &d.visits {
                visited[v.settlement] = true;
            }
        }
    }
    Ok(Itinerary {
        vehicles: best.trips,
        unplanned: (0..p.settlements.len())
            .filter(|&i| !visited[i])
            .map(|i| (i, reason(p, i)))
            .collect(),
    })
}
