//! Maneuver classification at the intersections a leg passes, in OSRM's vocabulary.
//!
//! Inputs are the engine's [`LegEdge`]s (road attributes) and [`Intersection`]s (every road
//! at a node with its bearing and whether it may be entered). The rules, in order:
//!
//! - entering a roundabout or traffic circle gives one `roundabout`, `rotary` or
//!   `roundabout turn` step (see [`ring_kind`]), leaving it an `exit roundabout` /
//!   `exit rotary` step;
//! - a motorway or trunk road onto a ramp (`motorway_link`, `trunk_link`) is an `off ramp`,
//!   any other road onto a ramp an `on ramp`, a ramp onto a motorway or trunk a `merge`;
//! - two or more near-straight roads ahead with no obvious continuation is a `fork`;
//! - no road ahead but roads to both sides is an `end of road`;
//! - staying on the same road (same name, or the same unnamed way) through a real turn at
//!   an intersection with a choice is `continue`; going straight on it is no maneuver;
//! - another road straight ahead (or with no choice) is `new name`, anything else `turn`.
//!
//! Angles are in degrees, positive to the right; modifiers follow [`modifier`].

use engine::dispatch::{Intersection, LegEdge, Ring};
use engine::osm::{Junction, RoadClass};

/// Largest |turn angle| that counts as going straight on, in degrees.
pub const STRAIGHT_DEG: i32 = 30;
/// Largest |turn angle| of a branch that counts as a fork branch, in degrees.
pub const FORK_DEG: i32 = 40;
/// Rings with a mean radius above this many metres are large (a named one is a rotary).
pub const ROTARY_MIN_RADIUS_M: f64 = 15.0;
/// Closed, unnamed rings up to this radius with at most [`ROUNDABOUT_TURN_MAX_EXITS`] exits
/// are small enough to read as an intersection (`roundabout turn`).
pub const ROUNDABOUT_TURN_MAX_RADIUS_M: f64 = 5.0;
/// See [`ROUNDABOUT_TURN_MAX_RADIUS_M`].
pub const ROUNDABOUT_TURN_MAX_EXITS: usize = 4;

/// OSRM's modifier for a turn of `delta` degrees (positive = to the right).
#[must_use]
pub fn modifier(delta: i32) -> &'static str {
    let right = delta > 0;
    match delta.abs() {
        0..20 => "straight",
        20..60 if right => "slight right",
        20..60 => "slight left",
        60..140 if right => "right",
        60..140 => "left",
        140..170 if right => "sharp right",
        140..170 => "sharp left",
        _ => "uturn",
    }
}

/// Turn angle from bearing `before` to bearing `after`, in `-179..=180` degrees.
#[must_use]
pub fn turn_angle(before: u16, after: u16) -> i32 {
    let d = (i32::from(after) - i32::from(before)).rem_euclid(360);
    if d > 180 { d - 360 } else { d }
}

/// A maneuver type at an ordinary intersection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `turn`.
    Turn,
    /// `new name`.
    NewName,
    /// `continue`.
    Continue,
    /// `merge`.
    Merge,
    /// `on ramp`.
    OnRamp,
    /// `off ramp`.
    OffRamp,
    /// `fork`.
    Fork,
    /// `end of road`.
    EndOfRoad,
}

impl Kind {
    /// OSRM's name of the type.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Turn => "turn",
            Self::NewName => "new name",
            Self::Continue => "continue",
            Self::Merge => "merge",
            Self::OnRamp => "on ramp",
            Self::OffRamp => "off ramp",
            Self::Fork => "fork",
            Self::EndOfRoad => "end of road",
        }
    }
}

/// A maneuver: its type and modifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Maneuver {
    /// The type.
    pub kind: Kind,
    /// The modifier (`straight`, `slight left`, …).
    pub modifier: &'static str,
}

/// How a ring is announced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RingKind {
    /// `roundabout` / `exit roundabout`.
    Roundabout,
    /// `rotary` / `exit rotary`: a traffic circle (`junction=circular`) or a large named ring.
    Rotary,
    /// `roundabout turn`: a small ring read as an intersection.
    RoundaboutTurn,
}

impl RingKind {
    /// The type of the step that enters the ring.
    #[must_use]
    pub fn enter(self) -> &'static str {
        match self {
            Self::Roundabout => "roundabout",
            Self::Rotary => "rotary",
            Self::RoundaboutTurn => "roundabout turn",
        }
    }

    /// The type of the step that leaves the ring.
    #[must_use]
    pub fn exit(self) -> &'static str {
        match self {
            Self::Rotary => "exit rotary",
            Self::Roundabout | Self::RoundaboutTurn => "exit roundabout",
        }
    }
}

/// How a ring of this junction kind and shape is announced: `junction=circular`, or a ring
/// larger than [`ROTARY_MIN_RADIUS_M`] with a name, is a rotary; a small closed unnamed ring
/// with few exits a roundabout turn; any other a roundabout.
#[must_use]
pub fn ring_kind(junction: Junction, ring: Option<&Ring>) -> RingKind {
    if junction == Junction::Circular {
        return RingKind::Rotary;
    }
    match ring {
        Some(r) if r.radius_m > ROTARY_MIN_RADIUS_M && !r.name.is_empty() => RingKind::Rotary,
        Some(r)
            if r.closed
                && r.name.is_empty()
                && r.radius_m <= ROUNDABOUT_TURN_MAX_RADIUS_M
                && r.exits <= ROUNDABOUT_TURN_MAX_EXITS =>
        {
            RingKind::RoundaboutTurn
        }
        _ => RingKind::Roundabout,
    }
}

/// Roads at a ring node that leave the ring and may be taken, other than `except`.
#[must_use]
pub fn ring_exits(at: &Intersection, except: Option<usize>) -> usize {
    at.roads
        .iter()
        .enumerate()
        .filter(|&(i, r)| {
            r.entry && r.junction == Junction::None && i != at.in_road && Some(i) != except
        })
        .count()
}

/// Bearing of travel into the intersection.
#[must_use]
pub fn bearing_before(at: &Intersection) -> u16 {
    (at.roads[at.in_road].bearing + 180) % 360
}

/// Bearing of travel out of the intersection.
#[must_use]
pub fn bearing_after(at: &Intersection) -> u16 {
    at.roads[at.out_road].bearing
}

/// Whether `a` and `b` are the same road for guidance: same name and ref, or, unnamed, the
/// same OSM way.
#[must_use]
pub fn same_road(a: &LegEdge, b: &LegEdge) -> bool {
    if a.name.is_empty() && b.name.is_empty() && a.reference.is_empty() {
        a.way == b.way && b.reference.is_empty()
    } else {
        a.name == b.name && a.reference == b.reference
    }
}

/// Classes whose branches do not make a fork of a bigger road.
fn minor(c: RoadClass) -> bool {
    matches!(c, RoadClass::Service | RoadClass::Track | RoadClass::Other)
}

/// The maneuver when going from `prev` to `cur` (neither on a ring) through `at`, or `None`
/// when there is nothing to announce.
#[must_use]
pub fn classify(prev: &LegEdge, cur: &LegEdge, at: &Intersection) -> Option<Maneuver> {
    let before = bearing_before(at);
    let delta = turn_angle(before, bearing_after(at));
    let m = |kind| {
        Some(Maneuver {
            kind,
            modifier: modifier(delta),
        })
    };
    if !prev.class.is_ramp() && cur.class.is_ramp() {
        return if prev.class.is_highway() {
            m(Kind::OffRamp)
        } else {
            m(Kind::OnRamp)
        };
    }
    if prev.class.is_ramp() && cur.class.is_highway() {
        let side = if delta < 0 {
            "slight left"
        } else {
            "slight right"
        };
        return Some(Maneuver {
            kind: Kind::Merge,
            modifier: if delta == 0 { "straight" } else { side },
        });
    }
    let same = same_road(prev, cur);
    // The other roads one could take here, with their turn angles.
    let options: Vec<(usize, i32)> = at
        .roads
        .iter()
        .enumerate()
        .filter(|&(i, r)| r.entry && i != at.in_road)
        .map(|(i, r)| (i, turn_angle(before, r.bearing)))
        .collect();
    let choice = options.len() > 1;
    let mode_change = prev.ferry != cur.ferry;
    if !choice && !mode_change {
        // The road just goes on (perhaps bending); only a new name is worth saying.
        return (!same).then_some(Maneuver {
            kind: Kind::NewName,
            modifier: modifier(delta),
        });
    }
    if same && !mode_change {
        return (delta.abs() >= STRAIGHT_DEG).then(|| Maneuver {
            kind: Kind::Continue,
            modifier: modifier(delta),
        });
    }
    let ahead: Vec<&(usize, i32)> = options
        .iter()
        .filter(|(i, a)| a.abs() <= FORK_DEG && !minor(at.roads[*i].class))
        .collect();
    let ours_ahead = ahead.iter().any(|(i, _)| *i == at.out_road);
    let continues = ahead.iter().any(|(i, a)| {
        a.abs() < STRAIGHT_DEG / 2 && at.roads[*i].name == prev.name && !prev.name.is_empty()
    });
    if ahead.len() >= 2 && ours_ahead && !continues && !minor(cur.class) {
        let leftmost = ahead.iter().all(|(_, a)| *a >= delta);
        let rightmost = ahead.iter().all(|(_, a)| *a <= delta);
        let modifier = if leftmost {
            "slight left"
        } else if rightmost {
            "slight right"
        } else {
            "straight"
        };
        return Some(Maneuver {
            kind: Kind::Fork,
            modifier,
        });
    }
    let straight_option = options.iter().any(|(_, a)| a.abs() < STRAIGHT_DEG);
    let left = options.iter().any(|(_, a)| *a < 0);
    let right = options.iter().any(|(_, a)| *a > 0);
    if !straight_option && left && right && delta.abs() >= 45 {
        return m(Kind::EndOfRoad);
    }
    if delta.abs() < STRAIGHT_DEG {
        return m(Kind::NewName);
    }
    m(Kind::Turn)
}

#[cfg(test)]
#[path = "guidance_tests.rs"]
mod tests;
