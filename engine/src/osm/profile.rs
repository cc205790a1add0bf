//! Routing profiles as data: which roads a traveller may use, how fast, in which direction.
//!
//! A [`Profile`] is a set of static tables, not code: the rules that read them live in
//! [`tags`](super::tags). Speeds are km/h. The three built-in profiles are [`CAR`],
//! [`BICYCLE`] and [`FOOT`]; [`Profile::by_name`] finds one by name.
//!
//! Choices worth knowing (they differ from OSRM's stock profiles on purpose):
//! - `car` routes `track` at 10 km/h and `unclassified` at 25 km/h unless access forbids it:
//!   remote settlements are often reached only by them.
//! - `destination`, `delivery` and `customers` do not block: volunteers deliver to residents.
//! - `reversible` ways are closed to vehicles (their direction changes over the day).

use super::ExcludeClass;

/// A routing profile: tables of highway speeds, access tags, barriers and speed factors.
#[derive(Debug, PartialEq)]
pub struct Profile {
    /// Name used on the command line and in the graph file (`car`, `bicycle`, `foot`).
    pub name: &'static str,
    /// Routable `highway=*` classes with their default speed in km/h.
    pub highway_speeds: &'static [(&'static str, f64)],
    /// Access tags from the most specific to the most general (`motorcar` … `access`).
    pub access_tags: &'static [&'static str],
    /// Access values that forbid the way (or barrier node) to this profile.
    pub blocked_access: &'static [&'static str],
    /// `barrier=*` values that this profile passes; `None` means "every barrier passes
    /// except those in `blocking_barriers`".
    pub passable_barriers: Option<&'static [&'static str]>,
    /// `barrier=*` values that always block this profile (when `passable_barriers` is `None`).
    pub blocking_barriers: &'static [&'static str],
    /// Whether `oneway=*` (and implied oneways) restrict this profile.
    pub obeys_oneway: bool,
    /// Profile-specific oneway tag that overrides `oneway` (`oneway:bicycle`, `oneway:foot`).
    pub oneway_tag: &'static str,
    /// Whether `cycleway=opposite*` opens the reverse direction of a oneway road.
    pub opposite_cycleway: bool,
    /// Whether `maxspeed` is read at all (pedestrians ignore it).
    pub uses_maxspeed: bool,
    /// Share of the legal limit actually driven (free-flow traffic is below the limit).
    pub maxspeed_factor: f64,
    /// `true`: the (scaled) limit replaces the class speed (cars drive at the limit);
    /// `false`: the limit only caps the class speed (cyclists set their own pace).
    pub maxspeed_sets_speed: bool,
    /// Upper bound of any speed for this profile (km/h).
    pub max_speed_kmh: f64,
    /// `surface=*` speed factors (values absent from the table: 1.0).
    pub surface_factors: &'static [(&'static str, f64)],
    /// `tracktype=*` speed factors.
    pub tracktype_factors: &'static [(&'static str, f64)],
    /// `smoothness=*` speed factors; a factor of 0 closes the way.
    pub smoothness_factors: &'static [(&'static str, f64)],
    /// Speed on a `route=ferry` way without a usable `duration` (km/h).
    pub ferry_speed_kmh: f64,
    /// Whether `motorroad=yes` closes the way (bicycles and pedestrians).
    pub avoids_motorroad: bool,
    /// Classes of roads a route of this profile can exclude (OSRM's `exclude=`).
    pub exclude: &'static [ExcludeClass],
    /// Seconds lost passing a node with these tags, `(key, value, seconds)`: traffic
    /// signals, stop and give-way signs, gates to open (see [`node_delay`](super::tags::node_delay)).
    pub node_delays: &'static [(&'static str, &'static str, f64)],
    /// Seconds added to every edge that enters a junction (a node where three or more
    /// roads meet): the mean time that turning and yielding cost at a junction, a
    /// node-based stand-in for per-turn costs (see README, "Junction and signal delays").
    pub junction_delay_s: f64,
}

/// Access values that close a way to every profile.
const BLOCKED: &[&str] = &[
    "no",
    "private",
    "agricultural",
    "forestry",
    "emergency",
    "psv",
    "bus",
    "military",
    "restricted",
    "use_sidepath",
];

/// Speed factors by `smoothness` for wheeled vehicles (car and bicycle alike).
const WHEELED_SMOOTHNESS: &[(&str, f64)] = &[
    ("intermediate", 0.9),
    ("bad", 0.7),
    ("very_bad", 0.5),
    ("horrible", 0.3),
    ("very_horrible", 0.2),
    ("impassable", 0.0),
];

/// Motor vehicles: highway classes down to `track`.
pub static CAR: Profile = Profile {
    name: "car",
    highway_speeds: &[
        ("motorway", 90.0),
        ("motorway_link", 45.0),
        ("trunk", 85.0),
        ("trunk_link", 40.0),
        ("primary", 65.0),
        ("primary_link", 30.0),
        ("secondary", 55.0),
        ("secondary_link", 25.0),
        ("tertiary", 40.0),
        ("tertiary_link", 20.0),
        ("unclassified", 25.0),
        ("residential", 25.0),
        ("living_street", 10.0),
        ("service", 15.0),
        ("road", 20.0),
        ("track", 10.0),
    ],
    access_tags: &["motorcar", "motor_vehicle", "vehicle", "access"],
    blocked_access: BLOCKED,
    passable_barriers: Some(&[
        "border_control",
        "toll_booth",
        "cattle_grid",
        "sally_port",
        "gate",
        "lift_gate",
        "swing_gate",
        "no",
        "entrance",
        "height_restrictor",
        "arch",
        "kerb",
    ]),
    blocking_barriers: &[],
    obeys_oneway: true,
    oneway_tag: "oneway:motorcar",
    opposite_cycleway: false,
    uses_maxspeed: true,
    maxspeed_factor: 0.8,
    maxspeed_sets_speed: true,
    max_speed_kmh: 130.0,
    surface_factors: &[
        ("paving_stones", 0.8),
        ("sett", 0.6),
        ("cobblestone", 0.6),
        ("unhewn_cobblestone", 0.5),
        ("compacted", 0.8),
        ("fine_gravel", 0.7),
        ("gravel", 0.6),
        ("pebblestone", 0.6),
        ("unpaved", 0.6),
        ("dirt", 0.5),
        ("earth", 0.5),
        ("ground", 0.5),
        ("grass", 0.4),
        ("grass_paver", 0.4),
        ("mud", 0.3),
        ("sand", 0.3),
        ("wood", 0.5),
    ],
    tracktype_factors: &[
        ("grade1", 1.0),
        ("grade2", 0.8),
        ("grade3", 0.6),
        ("grade4", 0.5),
        ("grade5", 0.4),
    ],
    smoothness_factors: WHEELED_SMOOTHNESS,
    ferry_speed_kmh: 10.0,
    avoids_motorroad: false,
    exclude: &[
        ExcludeClass::Motorway,
        ExcludeClass::Toll,
        ExcludeClass::Ferry,
        ExcludeClass::Unpaved,
    ],
    // As OSRM's car.lua: obstacles (traffic signals 2 s, stop 2 s, give way 1 s) and
    // `barrier_penalties` (gates 60 s).
    node_delays: &[
        ("highway", "traffic_signals", 2.0),
        ("highway", "stop", 2.0),
        ("highway", "give_way", 1.0),
        ("barrier", "gate", 60.0),
        ("barrier", "lift_gate", 60.0),
    ],
    // OSRM's car turn costs (a sigmoid of the angle up to 7.5 s, 2 s more across
    // oncoming traffic, 20 s U-turns) average 0.27–0.30 s per junction passed on the
    // Porto workload's routes: fitted there, checked on Andorra and Monaco (BENCHMARKS.md).
    junction_delay_s: 0.3,
};

/// Bicycles: no motorways; footways at pushing speed.
pub static BICYCLE: Profile = Profile {
    name: "bicycle",
    highway_speeds: &[
        ("cycleway", 18.0),
        ("trunk", 15.0),
        ("trunk_link", 15.0),
        ("primary", 15.0),
        ("primary_link", 15.0),
        ("secondary", 15.0),
        ("secondary_link", 15.0),
        ("tertiary", 15.0),
        ("tertiary_link", 15.0),
        ("unclassified", 15.0),
        ("residential", 15.0),
        ("living_street", 12.0),
        ("service", 14.0),
        ("road", 14.0),
        ("track", 12.0),
        ("path", 12.0),
        ("bridleway", 8.0),
        ("footway", 5.0),
        ("pedestrian", 5.0),
        ("steps", 2.0),
    ],
    access_tags: &["bicycle", "vehicle", "access"],
    blocked_access: BLOCKED,
    passable_barriers: None,
    blocking_barriers: &[
        "yes",
        "wall",
        "fence",
        "hedge",
        "retaining_wall",
        "city_wall",
    ],
    obeys_oneway: true,
    oneway_tag: "oneway:bicycle",
    opposite_cycleway: true,
    uses_maxspeed: true,
    maxspeed_factor: 1.0,
    maxspeed_sets_speed: false,
    max_speed_kmh: 25.0,
    surface_factors: &[
        ("sett", 0.7),
        ("cobblestone", 0.7),
        ("unhewn_cobblestone", 0.5),
        ("compacted", 0.9),
        ("fine_gravel", 0.8),
        ("gravel", 0.6),
        ("pebblestone", 0.6),
        ("unpaved", 0.7),
        ("dirt", 0.6),
        ("earth", 0.6),
        ("ground", 0.6),
        ("grass", 0.5),
        ("mud", 0.4),
        ("sand", 0.4),
    ],
    tracktype_factors: &[
        ("grade1", 1.0),
        ("grade2", 0.9),
        ("grade3", 0.7),
        ("grade4", 0.6),
        ("grade5", 0.5),
    ],
    smoothness_factors: WHEELED_SMOOTHNESS,
    ferry_speed_kmh: 10.0,
    avoids_motorroad: true,
    exclude: &[ExcludeClass::Ferry, ExcludeClass::Unpaved],
    node_delays: &[],
    junction_delay_s: 0.0,
};

/// Pedestrians: every road but motorways, both directions, 5 km/h.
pub static FOOT: Profile = Profile {
    name: "foot",
    highway_speeds: &[
        ("trunk", 5.0),
        ("trunk_link", 5.0),
        ("primary", 5.0),
        ("primary_link", 5.0),
        ("secondary", 5.0),
        ("secondary_link", 5.0),
        ("tertiary", 5.0),
        ("tertiary_link", 5.0),
        ("unclassified", 5.0),
        ("residential", 5.0),
        ("living_street", 5.0),
        ("service", 5.0),
        ("road", 5.0),
        ("track", 5.0),
        ("path", 5.0),
        ("footway", 5.0),
        ("pedestrian", 5.0),
        ("cycleway", 5.0),
        ("bridleway", 5.0),
        ("steps", 4.0),
        ("corridor", 5.0),
        ("platform", 5.0),
    ],
    access_tags: &["foot", "access"],
    blocked_access: BLOCKED,
    passable_barriers: None,
    blocking_barriers: &[
        "yes",
        "wall",
        "fence",
        "hedge",
        "retaining_wall",
        "city_wall",
    ],
    obeys_oneway: false,
    oneway_tag: "oneway:foot",
    opposite_cycleway: false,
    uses_maxspeed: false,
    maxspeed_factor: 1.0,
    maxspeed_sets_speed: false,
    max_speed_kmh: 5.0,
    surface_factors: &[("mud", 0.8), ("sand", 0.8)],
    tracktype_factors: &[],
    smoothness_factors: &[("impassable", 0.0)],
    ferry_speed_kmh: 10.0,
    avoids_motorroad: true,
    exclude: &[ExcludeClass::Ferry],
    node_delays: &[],
    junction_delay_s: 0.0,
};

/// All built-in profiles.
pub static PROFILES: [&Profile; 3] = [&CAR, &BICYCLE, &FOOT];

impl Profile {
    /// The built-in profile of that name (`car`, `bicycle`, `foot`).
    ///
    /// # Examples
    /// ```
    /// use engine::osm::Profile;
    /// assert_eq!(Profile::by_name("foot").map(|p| p.name), Some("foot"));
    /// assert!(Profile::by_name("boat").is_none());
    /// ```
    #[must_use]
    pub fn by_name(name: &str) -> Option<&'static Profile> {
        PROFILES.iter().copied().find(|p| p.name == name)
    }

    /// Default speed (km/h) of a highway class, `None` when the class is not routable.
    #[must_use]
    pub fn highway_speed(&self, highway: &str) -> Option<f64> {
        lookup(self.highway_speeds, highway)
    }

    /// Whether an access value closes a way or node to this profile. A `;` list is closed
    /// only when every item is.
    #[must_use]
    pub fn is_blocked_access(&self, value: &str) -> bool {
        value
            .split(';')
            .map(str::trim)
            .all(|v| self.blocked_access.contains(&v))
    }

    /// Whether a `barrier=*` value (without access tags on the node) blocks this profile.
    #[must_use]
    pub fn barrier_blocks(&self, barrier: &str) -> bool {
        match self.passable_barriers {
            Some(pass) => !pass.contains(&barrier),
            None => self.blocking_barriers.contains(&barrier),
        }
    }
}

/// The factor of `value` in a `(value, factor)` table.
pub(crate) fn lookup(table: &[(&str, f64)], value: &str) -> Option<f64> {
    table.iter().find(|(k, _)| *k == value).map(|&(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn car_routes_tracks_and_unclassified_but_not_footways() {
        assert_eq!(CAR.highway_speed("track"), Some(10.0));
        assert_eq!(CAR.highway_speed("unclassified"), Some(25.0));
        assert_eq!(CAR.highway_speed("footway"), None);
        assert_eq!(FOOT.highway_speed("motorway"), None);
        assert_eq!(BICYCLE.highway_speed("motorway"), None);
    }

    #[test]
    fn access_lists() {
        assert!(CAR.is_blocked_access("no"));
        assert!(CAR.is_blocked_access("agricultural;forestry"));
        assert!(!CAR.is_blocked_access("agricultural;yes"));
        assert!(!CAR.is_blocked_access("destination"));
        assert!(!FOOT.is_blocked_access("permissive"));
    }

    #[test]
    fn barriers_per_profile() {
        assert!(CAR.barrier_blocks("bollard"));
        assert!(!CAR.barrier_blocks("gate"));
        assert!(!FOOT.barrier_blocks("bollard"));
        assert!(FOOT.barrier_blocks("fence"));
        assert!(!BICYCLE.barrier_blocks("cycle_barrier"));
    }

    #[test]
    fn lookup_by_name() {
        for p in PROFILES {
            assert_eq!(Profile::by_name(p.name), Some(p));
        }
    }
}
