//! Routes that pass their via waypoints without turning back (OSRM's `continue_straight`).
//!
//! A waypoint on a two-way road can be passed in either direction of the road: along the
//! snapped edge or along its twin. Allowing U-turns, each leg is searched on its own and
//! may arrive in one direction and leave in the other. Forbidding them, the leg arriving
//! at a via waypoint and the leg leaving it use the same direction, so the legs are no
//! longer independent: this is a shortest path over a layered graph with one layer per
//! waypoint and one state per direction a via waypoint may be passed in (at most two), the
//! layers joined by point-to-point searches between the states (at most four per leg, each
//! a contraction-hierarchy query). Dynamic programming over the layers finds the best
//! states; the chosen legs are then searched once more with their paths unpacked. OSRM
//! does the same with its phantom nodes' forward and reverse segments
//! (`routing_algorithms::shortestPathSearch`).
//!
//! Costs are compared as (duration, distance), like every search of the engine, and summed
//! in `u64`. Ties keep the lower state (along the snapped edge first), so answers are
//! deterministic.

use super::{DispatchError, Profile, Snapped, route_error};
use crate::routing::{Cost, EdgePoint, Path, SearchSpace};

/// The default of `continue_straight` for a profile, as OSRM's profiles set
/// `continue_straight_at_waypoint`: `false` on foot and by bicycle (turning back at a
/// waypoint is natural there), `true` by car and for any other profile (OSRM's default).
#[must_use]
pub fn continue_straight_default(profile: &str) -> bool {
    !matches!(profile, "foot" | "bicycle")
}

/// Options of [`Engine::route_with`](super::Engine::route_with).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RouteOptions {
    /// Forbid U-turns at via waypoints: the route passes each of them in one direction
    /// (OSRM's `continue_straight`). `None`: the profile's default
    /// ([`continue_straight_default`]).
    pub continue_straight: Option<bool>,
    /// Leave out what only turn-by-turn steps read: each edge's
    /// [`intersection`](super::LegEdge::intersection) and traffic-circle
    /// [`ring`](super::LegEdge::ring) stay `None`, which saves their cost when no steps are
    /// asked for.
    pub without_guidance: bool,
    /// Compute each leg's distance and duration only ([`Leg::totals`](super::Leg::totals)):
    /// no path is unpacked and no geometry is cut, for answers that show neither geometry
    /// nor annotations nor steps. Routes that forbid U-turns at a two-way via waypoint
    /// still build full legs (their paths come out of the direction search anyway).
    pub totals_only: bool,
}

/// A cost summed over legs: (duration, distance), compared lexicographically.
type Total = (u64, u64);

fn add(t: Total, c: Cost) -> Total {
    (t.0 + u64::from(c.duration.0), t.1 + u64::from(c.distance.0))
}

/// The states a waypoint of a route is passed in: the first and last keep their point (any
/// direction their bearing allows), a via waypoint has one state per allowed direction.
fn states(p: &Profile, s: &Snapped, via: bool) -> [Option<EdgePoint>; 2] {
    if via {
        s.point().directions(&p.graph)
    } else {
        [Some(s.point()), None]
    }
}

/// `true` when some via waypoint of the route can be passed in two directions (else
/// forbidding U-turns changes nothing).
pub(super) fn has_two_way_via(p: &Profile, snapped: &[Snapped], order: &[usize]) -> bool {
    let n = order.len();
    (1..n.saturating_sub(1)).any(|k| states(p, &snapped[order[k]], true)[1].is_some())
}

/// The paths of the best route through `snapped[order[0]]`, `snapped[order[1]]`, … that
/// passes every via waypoint without turning back.
///
/// # Errors
/// [`DispatchError::NoRoute`] for the first leg that no state of its start can finish;
/// [`DispatchError::LimitExceeded`] past the search bound.
pub(super) fn paths(
    p: &Profile,
    space: &mut SearchSpace,
    snapped: &[Snapped],
    order: &[usize],
) -> Result<Vec<Path>, DispatchError> {
    let n = order.len();
    let state = |k: usize| states(p, &snapped[order[k]], k > 0 && k + 1 < n);
    // best[k][s]: the best total arriving at waypoint k in state s, with the state of
    // waypoint k − 1 it came from.
    let mut best: Vec<[Option<(Total, u8)>; 2]> = Vec::with_capacity(n);
    best.push([Some(((0, 0), 0)), None]);
    for k in 1..n {
        let (from, to) = (state(k - 1), state(k));
        let mut row = [None; 2];
        for (b, target) in to.iter().enumerate() {
            let Some(target) = *target else { continue };
            for (a, source) in (0u8..).zip(from) {
                let (Some(source), Some((total, _))) = (source, best[k - 1][usize::from(a)]) else {
                    continue;
                };
                let leg = p.cost(space, source, target).map_err(route_error)?;
                if let Some(c) = leg {
                    let t = add(total, c);
                    if row[b].is_none_or(|(old, _)| t < old) {
                        row[b] = Some((t, a));
                    }
                }
            }
        }
        if row.iter().all(Option::is_none) {
            return Err(DispatchError::NoRoute {
                from: order[k - 1],
                to: order[k],
            });
        }
        best.push(row);
    }
    // Walk back from the last waypoint (one state) to the state of each waypoint.
    let mut chosen = vec![0u8; n];
    for k in (1..n).rev() {
        let (_, prev) = best[k][usize::from(chosen[k])].expect("the chosen state was reached");
        chosen[k - 1] = prev;
    }
    let point = |k: usize| state(k)[usize::from(chosen[k])].expect("the chosen state exists");
    (1..n)
        .map(|k| {
            p.path(space, point(k - 1), point(k))
                .map_err(route_error)?
                .ok_or_else(|| DispatchError::Internal("a chosen leg has no route".into()))
        })
        .collect()
}
