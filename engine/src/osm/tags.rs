//! OSM tag parsers and the rules that turn a way's (or node's) tags into routing attributes
//! for a [`Profile`].
//!
//! Every parser is total: an unknown or malformed value gives `None` (the tag is ignored),
//! never an error, because real extracts are full of free-form values.

use super::profile::{Profile, lookup};

/// A parsed `maxspeed` value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MaxSpeed {
    /// A limit in km/h.
    Limit(f64),
    /// `none`: no legal limit.
    Unlimited,
}

/// The limit that `maxspeed=none` stands for where the limit sets the speed (km/h), as in
/// OSRM's `maxspeed_table` (`none = 140`).
const UNLIMITED_AS_KMH: f64 = 140.0;

/// Walking pace used for `maxspeed=walk` (km/h).
pub const WALK_KMH: f64 = 6.0;

const KMH_PER_MPH: f64 = 1.609_344;
const KMH_PER_KNOT: f64 = 1.852;

/// Country zone values (`XX:zone`) in km/h. `GB`/`UK` limits are in mph in law and are
/// converted here.
const ZONES: &[(&str, f64)] = &[
    ("RU:urban", 60.0),
    ("RU:rural", 90.0),
    ("RU:living_street", 20.0),
    ("RU:motorway", 110.0),
    ("BY:urban", 60.0),
    ("BY:rural", 90.0),
    ("BY:motorway", 110.0),
    ("BY:living_street", 20.0),
    ("UA:urban", 50.0),
    ("UA:rural", 90.0),
    ("UA:motorway", 130.0),
    ("UA:living_street", 20.0),
    ("KZ:urban", 60.0),
    ("KZ:rural", 90.0),
    ("KZ:motorway", 110.0),
    ("DE:urban", 50.0),
    ("DE:rural", 100.0),
    ("DE:living_street", 7.0),
    ("DE:bicycle_road", 30.0),
    ("AT:urban", 50.0),
    ("AT:rural", 100.0),
    ("AT:motorway", 130.0),
    ("AT:trunk", 100.0),
    ("CH:urban", 50.0),
    ("CH:rural", 80.0),
    ("CH:trunk", 100.0),
    ("CH:motorway", 120.0),
    ("FR:urban", 50.0),
    ("FR:rural", 80.0),
    ("FR:motorway", 130.0),
    ("IT:urban", 50.0),
    ("IT:rural", 90.0),
    ("IT:motorway", 130.0),
    ("ES:urban", 50.0),
    ("ES:rural", 90.0),
    ("ES:motorway", 120.0),
    ("PT:urban", 50.0),
    ("PT:rural", 90.0),
    ("PT:motorway", 120.0),
    ("FI:urban", 50.0),
    ("FI:rural", 80.0),
    ("NL:urban", 50.0),
    ("NL:rural", 80.0),
    ("NL:motorway", 130.0),
    ("BE:urban", 50.0),
    ("BE:motorway", 120.0),
    ("PL:urban", 50.0),
    ("PL:rural", 90.0),
    ("PL:motorway", 140.0),
    ("CZ:urban", 50.0),
    ("CZ:rural", 90.0),
    ("CZ:motorway", 130.0),
    ("LI:urban", 50.0),
    ("LI:rural", 80.0),
    ("GB:nsl_single", 60.0 * KMH_PER_MPH),
    ("GB:nsl_dual", 70.0 * KMH_PER_MPH),
    ("GB:motorway", 70.0 * KMH_PER_MPH),
    ("UK:nsl_single", 60.0 * KMH_PER_MPH),
    ("UK:nsl_dual", 70.0 * KMH_PER_MPH),
    ("UK:motorway", 70.0 * KMH_PER_MPH),
    ("IM:national", 150.0),
];

/// Parses a `maxspeed` value: `50`, `50 km/h`, `30 mph`, `10 knots`, `none`, `walk`, country
/// zones (`RU:urban`, `DE:zone30`, …). A `;` list uses its first parsable item.
///
/// # Examples
/// ```
/// use engine::osm::tags::{MaxSpeed, parse_maxspeed};
/// assert_eq!(parse_maxspeed("RU:urban"), Some(MaxSpeed::Limit(60.0)));
/// assert_eq!(parse_maxspeed("none"), Some(MaxSpeed::Unlimited));
/// assert_eq!(parse_maxspeed("signals"), None);
/// ```
#[must_use]
pub fn parse_maxspeed(value: &str) -> Option<MaxSpeed> {
    value.split(';').find_map(|v| parse_one_maxspeed(v.trim()))
}

fn parse_one_maxspeed(v: &str) -> Option<MaxSpeed> {
    match v {
        "none" | "unlimited" => return Some(MaxSpeed::Unlimited),
        "walk" => return Some(MaxSpeed::Limit(WALK_KMH)),
        _ => {}
    }
    if let Some(kmh) = lookup(ZONES, v) {
        return Some(MaxSpeed::Limit(kmh));
    }
    if let Some((_, zone)) = v.split_once(':') {
        // `DE:zone30`, `DE:zone:30`, `RU:zone20`.
        let digits = zone.strip_prefix("zone")?.trim_start_matches([':', ' ']);
        return parse_number_with_unit(digits).map(MaxSpeed::Limit);
    }
    parse_number_with_unit(v).map(MaxSpeed::Limit)
}

/// `50`, `50km/h`, `30 mph`, `12 knots` → km/h; `None` for anything else or a value outside
/// (0, 400).
fn parse_number_with_unit(v: &str) -> Option<f64> {
    let end = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(end);
    let n: f64 = num.parse().ok()?;
    let kmh = match unit.trim() {
        "" | "km/h" | "kmh" | "kph" => n,
        "mph" => n * KMH_PER_MPH,
        "knots" => n * KMH_PER_KNOT,
        _ => return None,
    };
    (kmh > 0.0 && kmh < 400.0).then_some(kmh)
}

/// A parsed `oneway` value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Oneway {
    /// Open in both directions (`no`, `false`, `0`).
    No,
    /// Open in the way's direction only (`yes`, `true`, `1`).
    Forward,
    /// Open against the way's direction only (`-1`, `reverse`).
    Backward,
    /// The direction changes over time (`reversible`, `alternating`): closed to vehicles.
    Reversible,
}

/// Parses a `oneway` value in any of its spellings; `None` for unknown values.
///
/// # Examples
/// ```
/// use engine::osm::tags::{Oneway, parse_oneway};
/// assert_eq!(parse_oneway("-1"), Some(Oneway::Backward));
/// assert_eq!(parse_oneway("true"), Some(Oneway::Forward));
/// ```
#[must_use]
pub fn parse_oneway(value: &str) -> Option<Oneway> {
    match value.trim() {
        "yes" | "true" | "1" => Some(Oneway::Forward),
        "-1" | "reverse" => Some(Oneway::Backward),
        "no" | "false" | "0" => Some(Oneway::No),
        "reversible" | "alternating" => Some(Oneway::Reversible),
        _ => None,
    }
}

/// Parses a `duration` value to seconds: `HH:MM:SS`, `H:MM`, minutes (`45`), or ISO 8601
/// (`PT1H30M`). `None` for malformed or zero durations.
///
/// # Examples
/// ```
/// use engine::osm::tags::parse_duration_s;
/// assert_eq!(parse_duration_s("1:30"), Some(5400.0));
/// assert_eq!(parse_duration_s("PT45M"), Some(2700.0));
/// ```
#[must_use]
pub fn parse_duration_s(value: &str) -> Option<f64> {
    let v = value.trim();
    let secs = if let Some(iso) = v.strip_prefix("PT") {
        parse_iso_time(iso)?
    } else {
        let parts: Vec<&str> = v.split(':').collect();
        let nums: Option<Vec<f64>> = parts.iter().map(|p| parse_plain_number(p)).collect();
        match nums?.as_slice() {
            [m] => m * 60.0,
            [h, m] if *m < 60.0 => h * 3600.0 + m * 60.0,
            [h, m, s] if *m < 60.0 && *s < 60.0 => h * 3600.0 + m * 60.0 + s,
            _ => return None,
        }
    };
    (secs > 0.0 && secs.is_finite()).then_some(secs)
}

fn parse_plain_number(p: &str) -> Option<f64> {
    let p = p.trim();
    if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    p.parse().ok()
}

fn parse_iso_time(mut s: &str) -> Option<f64> {
    let mut total = 0.0;
    while !s.is_empty() {
        let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let n = parse_plain_number(&s[..end])?;
        let unit = s[end..].chars().next()?;
        total += n * match unit {
            'H' => 3600.0,
            'M' => 60.0,
            'S' => 1.0,
            _ => return None,
        };
        s = &s[end + unit.len_utf8()..];
    }
    Some(total)
}

/// The value of `key` among `tags`.
#[must_use]
pub fn tag<'a>(tags: &[(&'a str, &'a str)], key: &str) -> Option<&'a str> {
    tags.iter().find(|(k, _)| *k == key).map(|&(_, v)| v)
}

/// The value of the most specific access tag of the profile present on the element.
fn access_value<'a>(profile: &Profile, tags: &[(&'a str, &'a str)]) -> Option<&'a str> {
    profile.access_tags.iter().find_map(|k| tag(tags, k))
}

/// Whether the profile may use the element at all according to its access tags.
#[must_use]
pub fn access_allowed(profile: &Profile, tags: &[(&str, &str)]) -> bool {
    access_value(profile, tags).is_none_or(|v| !profile.is_blocked_access(v))
}

/// What a routable way means for a profile: speeds per direction (km/h), `None` = closed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WayRule {
    /// Speed along the way's node order, if open.
    pub forward_kmh: Option<f64>,
    /// Speed against the way's node order, if open.
    pub backward_kmh: Option<f64>,
    /// `route=ferry`.
    pub ferry: bool,
    /// The ferry's `duration` in seconds, when tagged and valid.
    pub ferry_duration_s: Option<f64>,
    /// `toll=yes` (or a `toll:*=yes` for a vehicle type): see [`is_toll`].
    pub toll: bool,
    /// An unpaved surface or a track of grade 2 or worse: see [`is_unpaved`].
    pub unpaved: bool,
}

/// Whether a way charges a toll: `toll=yes`, or `toll:motorcar`/`toll:hgv`… `=yes`.
///
/// # Examples
/// ```
/// use engine::osm::tags::is_toll;
/// assert!(is_toll(&[("highway", "motorway"), ("toll", "yes")]));
/// assert!(!is_toll(&[("highway", "motorway"), ("toll", "no")]));
/// ```
#[must_use]
pub fn is_toll(tags: &[(&str, &str)]) -> bool {
    tags.iter()
        .any(|&(k, v)| v == "yes" && (k == "toll" || k == "toll:motorcar"))
}

/// Surfaces that are not paved (OSM `surface=`), as OSRM and the OSM wiki class them.
const UNPAVED_SURFACES: &[&str] = &[
    "unpaved",
    "compacted",
    "fine_gravel",
    "gravel",
    "pebblestone",
    "rock",
    "dirt",
    "earth",
    "ground",
    "grass",
    "grass_paver",
    "mud",
    "sand",
    "woodchips",
    "snow",
    "ice",
    "salt",
];

/// Whether a way is unpaved: an unpaved `surface=` (gravel, dirt, ground, …), or, without a
/// surface, a `tracktype` of grade 2 or worse.
///
/// # Examples
/// ```
/// use engine::osm::tags::is_unpaved;
/// assert!(is_unpaved(&[("highway", "track"), ("surface", "gravel")]));
/// assert!(is_unpaved(&[("highway", "track"), ("tracktype", "grade3")]));
/// assert!(!is_unpaved(&[("highway", "track"), ("tracktype", "grade1")]));
/// assert!(!is_unpaved(&[("highway", "residential"), ("surface", "asphalt")]));
/// ```
#[must_use]
pub fn is_unpaved(tags: &[(&str, &str)]) -> bool {
    match tag(tags, "surface") {
        Some(s) => UNPAVED_SURFACES.contains(&s),
        None => matches!(
            tag(tags, "tracktype"),
            Some("grade2" | "grade3" | "grade4" | "grade5")
        ),
    }
}

/// The routing attributes of a way for a profile, or `None` when the profile cannot use it
/// (not a routable highway class or ferry, access forbids it, impassable, reversible).
///
/// # Examples
/// ```
/// use engine::osm::{CAR, FOOT, tags::way_rule};
/// let tags = [("highway", "residential"), ("oneway", "yes"), ("maxspeed", "30")];
/// let car = way_rule(&CAR, &tags).unwrap();
/// assert_eq!((car.forward_kmh, car.backward_kmh), (Some(24.0), None));
/// let foot = way_rule(&FOOT, &tags).unwrap();
/// assert_eq!((foot.forward_kmh, foot.backward_kmh), (Some(5.0), Some(5.0)));
/// ```
#[must_use]
pub fn way_rule(profile: &Profile, tags: &[(&str, &str)]) -> Option<WayRule> {
    let highway = tag(tags, "highway");
    let ferry = tag(tags, "route") == Some("ferry");
    let class_speed = if ferry {
        profile.ferry_speed_kmh
    } else {
        profile.highway_speed(highway?)?
    };
    if !access_allowed(profile, tags) {
        return None;
    }
    if profile.avoids_motorroad && tag(tags, "motorroad") == Some("yes") {
        return None;
    }
    if tag(tags, "impassable") == Some("yes") || tag(tags, "status") == Some("impassable") {
        return None;
    }
    let (fwd_open, bwd_open) = match oneway(profile, highway, tags) {
        Oneway::No => (true, true),
        Oneway::Forward => (true, false),
        Oneway::Backward => (false, true),
        Oneway::Reversible => return None,
    };
    if ferry {
        let ferry_duration_s = tag(tags, "duration").and_then(parse_duration_s);
        return Some(WayRule {
            forward_kmh: fwd_open.then_some(class_speed),
            backward_kmh: bwd_open.then_some(class_speed),
            ferry: true,
            ferry_duration_s,
            toll: is_toll(tags),
            unpaved: false,
        });
    }
    let factor = speed_factor(profile, tags);
    if factor <= 0.0 {
        return None;
    }
    let speed = |dir: &str| -> f64 {
        let limit = if profile.uses_maxspeed {
            maxspeed(tags, dir)
        } else {
            None
        };
        let base = match limit {
            None => class_speed,
            // OSRM's car reads `none` as a 140 km/h limit: driven at its share of it.
            Some(MaxSpeed::Unlimited) if profile.maxspeed_sets_speed => {
                UNLIMITED_AS_KMH * profile.maxspeed_factor
            }
            Some(MaxSpeed::Unlimited) => class_speed,
            Some(MaxSpeed::Limit(kmh)) if profile.maxspeed_sets_speed => {
                kmh * profile.maxspeed_factor
            }
            Some(MaxSpeed::Limit(kmh)) => class_speed.min(kmh * profile.maxspeed_factor),
        };
        (base.min(profile.max_speed_kmh) * factor).max(1.0)
    };
    Some(WayRule {
        forward_kmh: fwd_open.then(|| speed("forward")),
        backward_kmh: bwd_open.then(|| speed("backward")),
        ferry: false,
        ferry_duration_s: None,
        toll: is_toll(tags),
        unpaved: is_unpaved(tags),
    })
}

/// The legal limit of one direction: `maxspeed:<dir>`, then `maxspeed`, then the zone tags
/// (`maxspeed:type`, `source:maxspeed`, `zone:maxspeed`).
fn maxspeed(tags: &[(&str, &str)], dir: &str) -> Option<MaxSpeed> {
    let directional = if dir == "forward" {
        "maxspeed:forward"
    } else {
        "maxspeed:backward"
    };
    [
        directional,
        "maxspeed",
        "maxspeed:type",
        "source:maxspeed",
        "zone:maxspeed",
    ]
    .iter()
    .find_map(|k| tag(tags, k).and_then(parse_maxspeed))
}

/// The smallest of the surface, tracktype and smoothness factors (1.0 when untagged).
fn speed_factor(profile: &Profile, tags: &[(&str, &str)]) -> f64 {
    [
        ("surface", profile.surface_factors),
        ("tracktype", profile.tracktype_factors),
        ("smoothness", profile.smoothness_factors),
    ]
    .iter()
    .filter_map(|(key, table)| tag(tags, key).and_then(|v| lookup(table, v)))
    .fold(1.0, f64::min)
}

/// The direction rule of a way for a profile.
fn oneway(profile: &Profile, highway: Option<&str>, tags: &[(&str, &str)]) -> Oneway {
    if let Some(o) = tag(tags, profile.oneway_tag).and_then(parse_oneway) {
        return o;
    }
    if !profile.obeys_oneway {
        return Oneway::No;
    }
    let implied = matches!(highway, Some("motorway" | "motorway_link"))
        || matches!(tag(tags, "junction"), Some("roundabout" | "circular"));
    let o = match tag(tags, "oneway").and_then(parse_oneway) {
        Some(o) => o,
        None if implied => Oneway::Forward,
        None => Oneway::No,
    };
    if profile.opposite_cycleway && matches!(o, Oneway::Forward | Oneway::Backward) {
        let opposite = [
            "cycleway",
            "cycleway:left",
            "cycleway:right",
            "cycleway:both",
        ]
        .iter()
        .any(|k| tag(tags, k).is_some_and(|v| v.starts_with("opposite")));
        if opposite {
            return Oneway::No;
        }
    }
    o
}

/// Whether a node with these tags blocks the profile: a barrier it cannot pass, or an access
/// tag that forbids it. An access tag that allows the profile overrides the barrier
/// (a bollard with `motorcar=yes` lets cars through).
#[must_use]
pub fn node_blocks(profile: &Profile, tags: &[(&str, &str)]) -> bool {
    if let Some(v) = access_value(profile, tags) {
        return profile.is_blocked_access(v);
    }
    tag(tags, "barrier").is_some_and(|b| profile.barrier_blocks(b))
}

/// Seconds a profile loses passing a node with these tags (the largest of its
/// [`Profile::node_delays`] that match; 0 for none).
///
/// # Examples
/// ```
/// use engine::osm::{CAR, FOOT, tags::node_delay};
/// assert_eq!(node_delay(&CAR, &[("highway", "traffic_signals")]), 2.0);
/// assert_eq!(node_delay(&FOOT, &[("highway", "traffic_signals")]), 0.0);
/// ```
#[must_use]
pub fn node_delay(profile: &Profile, tags: &[(&str, &str)]) -> f64 {
    profile
        .node_delays
        .iter()
        .filter(|&&(k, v, _)| tag(tags, k) == Some(v))
        .map(|&(_, _, s)| s)
        .fold(0.0, f64::max)
}

/// The class of a road, from its `highway` tag (`route=ferry` gives [`RoadClass::Ferry`]):
/// what turn-by-turn guidance needs to tell ramps, motorways and small streets apart.
///
/// Stored as one byte per edge; [`RoadClass::from_u8`] reads it back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[repr(u8)]
pub enum RoadClass {
    /// Any other routable way (paths, tracks, pedestrian areas, unknown values).
    #[default]
    Other = 0,
    /// `motorway`.
    Motorway = 1,
    /// `motorway_link`: a motorway ramp.
    MotorwayLink = 2,
    /// `trunk`.
    Trunk = 3,
    /// `trunk_link`: a trunk-road ramp.
    TrunkLink = 4,
    /// `primary`.
    Primary = 5,
    /// `primary_link`.
    PrimaryLink = 6,
    /// `secondary`.
    Secondary = 7,
    /// `secondary_link`.
    SecondaryLink = 8,
    /// `tertiary`.
    Tertiary = 9,
    /// `tertiary_link`.
    TertiaryLink = 10,
    /// `unclassified`.
    Unclassified = 11,
    /// `residential`.
    Residential = 12,
    /// `living_street`.
    LivingStreet = 13,
    /// `service`.
    Service = 14,
    /// `track`.
    Track = 15,
    /// `route=ferry`.
    Ferry = 16,
}

impl RoadClass {
    const ALL: [Self; 17] = [
        Self::Other,
        Self::Motorway,
        Self::MotorwayLink,
        Self::Trunk,
        Self::TrunkLink,
        Self::Primary,
        Self::PrimaryLink,
        Self::Secondary,
        Self::SecondaryLink,
        Self::Tertiary,
        Self::TertiaryLink,
        Self::Unclassified,
        Self::Residential,
        Self::LivingStreet,
        Self::Service,
        Self::Track,
        Self::Ferry,
    ];

    /// The class of a way with these tags.
    ///
    /// # Examples
    /// ```
    /// use engine::osm::tags::RoadClass;
    /// assert_eq!(RoadClass::from_tags(&[("highway", "motorway_link")]), RoadClass::MotorwayLink);
    /// assert_eq!(RoadClass::from_tags(&[("route", "ferry")]), RoadClass::Ferry);
    /// assert_eq!(RoadClass::from_tags(&[("highway", "footway")]), RoadClass::Other);
    /// ```
    #[must_use]
    pub fn from_tags(tags: &[(&str, &str)]) -> Self {
        if tag(tags, "route") == Some("ferry") {
            return Self::Ferry;
        }
        match tag(tags, "highway").unwrap_or("") {
            "motorway" => Self::Motorway,
            "motorway_link" => Self::MotorwayLink,
            "trunk" => Self::Trunk,
            "trunk_link" => Self::TrunkLink,
            "primary" => Self::Primary,
            "primary_link" => Self::PrimaryLink,
            "secondary" => Self::Secondary,
            "secondary_link" => Self::SecondaryLink,
            "tertiary" => Self::Tertiary,
            "tertiary_link" => Self::TertiaryLink,
            "unclassified" => Self::Unclassified,
            "residential" => Self::Residential,
            "living_street" => Self::LivingStreet,
            "service" => Self::Service,
            "track" => Self::Track,
            _ => Self::Other,
        }
    }

    /// The class stored as `v`, `None` for a byte no class has.
    #[must_use]
    pub fn from_u8(v: u8) -> Option<Self> {
        Self::ALL.get(usize::from(v)).copied()
    }

    /// A ramp: `motorway_link` or `trunk_link` (OSRM's `on ramp` / `off ramp` roads).
    #[must_use]
    pub fn is_ramp(self) -> bool {
        matches!(self, Self::MotorwayLink | Self::TrunkLink)
    }

    /// A motorway or trunk road: the roads ramps lead on to and off.
    #[must_use]
    pub fn is_highway(self) -> bool {
        matches!(self, Self::Motorway | Self::Trunk)
    }

    /// Any `*_link` road.
    #[must_use]
    pub fn is_link(self) -> bool {
        matches!(
            self,
            Self::MotorwayLink
                | Self::TrunkLink
                | Self::PrimaryLink
                | Self::SecondaryLink
                | Self::TertiaryLink
        )
    }
}

/// What a way's `junction` tag says about a traffic circle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Junction {
    /// Not part of a traffic circle.
    #[default]
    None,
    /// `junction=roundabout`: a roundabout (traffic inside has right of way).
    Roundabout,
    /// `junction=circular`: a traffic circle without roundabout rules (OSRM's rotary).
    Circular,
}

impl Junction {
    /// The junction kind of a way with these tags.
    ///
    /// # Examples
    /// ```
    /// use engine::osm::tags::Junction;
    /// assert_eq!(Junction::from_tags(&[("junction", "roundabout")]), Junction::Roundabout);
    /// assert_eq!(Junction::from_tags(&[("junction", "circular")]), Junction::Circular);
    /// assert_eq!(Junction::from_tags(&[("junction", "yes")]), Junction::None);
    /// ```
    #[must_use]
    pub fn from_tags(tags: &[(&str, &str)]) -> Self {
        match tag(tags, "junction") {
            Some("roundabout") => Self::Roundabout,
            Some("circular") => Self::Circular,
            _ => Self::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::osm::profile::{BICYCLE, CAR, FOOT};

    #[test]
    fn road_classes_round_trip_through_their_byte() {
        for c in RoadClass::ALL {
            assert_eq!(RoadClass::from_u8(c as u8), Some(c));
        }
        assert_eq!(RoadClass::from_u8(17), None);
        assert!(RoadClass::from_tags(&[("highway", "trunk_link")]).is_ramp());
        assert!(!RoadClass::from_tags(&[("highway", "primary_link")]).is_ramp());
        assert!(RoadClass::from_tags(&[("highway", "primary_link")]).is_link());
        assert!(RoadClass::from_tags(&[("highway", "trunk")]).is_highway());
    }

    #[test]
    fn maxspeed_values() {
        let lim = |v| match parse_maxspeed(v) {
            Some(MaxSpeed::Limit(k)) => Some((k * 1000.0).round() / 1000.0),
            _ => None,
        };
        assert_eq!(lim("50"), Some(50.0));
        assert_eq!(lim("50 km/h"), Some(50.0));
        assert_eq!(lim("50km/h"), Some(50.0));
        assert_eq!(lim("50 kmh"), Some(50.0));
        assert_eq!(lim("30 mph"), Some(48.28));
        assert_eq!(lim("30mph"), Some(48.28));
        assert_eq!(lim("10 knots"), Some(18.52));
        assert_eq!(lim("RU:urban"), Some(60.0));
        assert_eq!(lim("RU:rural"), Some(90.0));
        assert_eq!(lim("RU:living_street"), Some(20.0));
        assert_eq!(lim("RU:motorway"), Some(110.0));
        assert_eq!(lim("DE:zone30"), Some(30.0));
        assert_eq!(lim("DE:zone:30"), Some(30.0));
        assert_eq!(lim("GB:nsl_single"), Some(96.561));
        assert_eq!(lim("walk"), Some(WALK_KMH));
        assert_eq!(lim("60;40"), Some(60.0));
        assert_eq!(parse_maxspeed("none"), Some(MaxSpeed::Unlimited));
        for bad in [
            "",
            "signals",
            "variable",
            "fast",
            "-5",
            "0",
            "XX:nowhere",
            "1e400",
            "50 furlongs",
        ] {
            assert_eq!(parse_maxspeed(bad), None, "{bad}");
        }
    }

    #[test]
    fn oneway_spellings() {
        for (v, o) in [
            ("yes", Oneway::Forward),
            ("true", Oneway::Forward),
            ("1", Oneway::Forward),
            ("-1", Oneway::Backward),
            ("reverse", Oneway::Backward),
            ("no", Oneway::No),
            ("false", Oneway::No),
            ("0", Oneway::No),
            ("reversible", Oneway::Reversible),
            ("alternating", Oneway::Reversible),
        ] {
            assert_eq!(parse_oneway(v), Some(o), "{v}");
        }
        assert_eq!(parse_oneway("maybe"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_s("00:45"), Some(2700.0));
        assert_eq!(parse_duration_s("1:30:15"), Some(5415.0));
        assert_eq!(parse_duration_s("20"), Some(1200.0));
        assert_eq!(parse_duration_s("PT1H30M"), Some(5400.0));
        assert_eq!(parse_duration_s("PT90S"), Some(90.0));
        for bad in ["", "0", "00:00", "1:75", "abc", "PT", "PT5X", "1:2:3:4"] {
            assert_eq!(parse_duration_s(bad), None, "{bad}");
        }
    }

    fn dirs(p: &Profile, tags: &[(&str, &str)]) -> Option<(bool, bool)> {
        way_rule(p, tags).map(|r| (r.forward_kmh.is_some(), r.backward_kmh.is_some()))
    }

    #[test]
    fn oneway_per_profile() {
        let ow = [("highway", "residential"), ("oneway", "yes")];
        assert_eq!(dirs(&CAR, &ow), Some((true, false)));
        assert_eq!(dirs(&BICYCLE, &ow), Some((true, false)));
        assert_eq!(dirs(&FOOT, &ow), Some((true, true)));
        let rev = [("highway", "residential"), ("oneway", "-1")];
        assert_eq!(dirs(&CAR, &rev), Some((false, true)));
        let motorway = [("highway", "motorway")];
        assert_eq!(dirs(&CAR, &motorway), Some((true, false)));
        let roundabout = [("highway", "primary"), ("junction", "roundabout")];
        assert_eq!(dirs(&CAR, &roundabout), Some((true, false)));
        let circular = [
            ("highway", "primary"),
            ("junction", "circular"),
            ("oneway", "no"),
        ];
        assert_eq!(dirs(&CAR, &circular), Some((true, true)));
        let reversible = [("highway", "primary"), ("oneway", "reversible")];
        assert_eq!(dirs(&CAR, &reversible), None);
        assert_eq!(dirs(&FOOT, &reversible), Some((true, true)));
        let contraflow = [
            ("highway", "residential"),
            ("oneway", "yes"),
            ("oneway:bicycle", "no"),
        ];
        assert_eq!(dirs(&BICYCLE, &contraflow), Some((true, true)));
        assert_eq!(dirs(&CAR, &contraflow), Some((true, false)));
        let opposite = [
            ("highway", "residential"),
            ("oneway", "yes"),
            ("cycleway", "opposite_lane"),
        ];
        assert_eq!(dirs(&BICYCLE, &opposite), Some((true, true)));
        assert_eq!(dirs(&CAR, &opposite), Some((true, false)));
        let foot_oneway = [("highway", "footway"), ("oneway:foot", "yes")];
        assert_eq!(dirs(&FOOT, &foot_oneway), Some((true, false)));
    }

    #[test]
    fn access_per_profile() {
        let with = |extra: (&'static str, &'static str)| [("highway", "residential"), extra];
        assert_eq!(dirs(&CAR, &with(("access", "no"))), None);
        assert_eq!(dirs(&CAR, &with(("access", "private"))), None);
        assert!(dirs(&CAR, &with(("access", "destination"))).is_some());
        assert!(dirs(&CAR, &with(("access", "permissive"))).is_some());
        assert!(dirs(&CAR, &with(("access", "delivery"))).is_some());
        assert_eq!(dirs(&CAR, &with(("motor_vehicle", "no"))), None);
        assert_eq!(dirs(&CAR, &with(("motorcar", "no"))), None);
        assert_eq!(dirs(&CAR, &with(("vehicle", "no"))), None);
        assert!(dirs(&FOOT, &with(("vehicle", "no"))).is_some());
        assert_eq!(dirs(&BICYCLE, &with(("vehicle", "no"))), None);
        assert_eq!(dirs(&BICYCLE, &with(("bicycle", "use_sidepath"))), None);
        assert!(dirs(&BICYCLE, &with(("motor_vehicle", "no"))).is_some());
        assert_eq!(dirs(&FOOT, &with(("foot", "no"))), None);
        let overridden = [("highway", "track"), ("access", "no"), ("foot", "yes")];
        assert!(dirs(&FOOT, &overridden).is_some());
        assert_eq!(dirs(&CAR, &overridden), None);
        let agri = [
            ("highway", "track"),
            ("motor_vehicle", "agricultural;forestry"),
        ];
        assert_eq!(dirs(&CAR, &agri), None);
        assert!(dirs(&CAR, &[("highway", "track")]).is_some());
        assert_eq!(dirs(&CAR, &[("highway", "footway")]), None);
        assert_eq!(dirs(&FOOT, &[("highway", "motorway")]), None);
        assert_eq!(
            dirs(&FOOT, &[("highway", "primary"), ("motorroad", "yes")]),
            None
        );
        assert_eq!(dirs(&CAR, &[("highway", "construction")]), None);
        assert_eq!(dirs(&CAR, &[("building", "yes")]), None);
    }

    #[test]
    fn speeds_from_maxspeed_and_surface() {
        let speed =
            |p: &Profile, tags: &[(&str, &str)]| way_rule(p, tags).unwrap().forward_kmh.unwrap();
        assert_eq!(speed(&CAR, &[("highway", "residential")]), 25.0);
        assert_eq!(
            speed(&CAR, &[("highway", "residential"), ("maxspeed", "50")]),
            40.0
        );
        assert_eq!(
            speed(&CAR, &[("highway", "primary"), ("maxspeed", "RU:urban")]),
            48.0
        );
        assert_eq!(
            speed(
                &CAR,
                &[("highway", "primary"), ("maxspeed:type", "RU:rural")]
            ),
            72.0
        );
        assert_eq!(
            speed(&CAR, &[("highway", "motorway"), ("maxspeed", "none")]),
            112.0
        );
        assert_eq!(
            speed(&CAR, &[("highway", "track"), ("tracktype", "grade3")]),
            6.0
        );
        assert_eq!(
            speed(&CAR, &[("highway", "residential"), ("surface", "gravel")]),
            15.0
        );
        assert_eq!(
            dirs(&CAR, &[("highway", "track"), ("smoothness", "impassable")]),
            None
        );
        assert_eq!(
            speed(&BICYCLE, &[("highway", "residential"), ("maxspeed", "10")]),
            10.0
        );
        assert_eq!(
            speed(&BICYCLE, &[("highway", "residential"), ("maxspeed", "50")]),
            15.0
        );
        assert_eq!(
            speed(&FOOT, &[("highway", "residential"), ("maxspeed", "50")]),
            5.0
        );
        let r = way_rule(
            &CAR,
            &[
                ("highway", "primary"),
                ("maxspeed:forward", "70"),
                ("maxspeed:backward", "50"),
            ],
        )
        .unwrap();
        assert_eq!((r.forward_kmh, r.backward_kmh), (Some(56.0), Some(40.0)));
    }

    #[test]
    fn ferries() {
        let f = [("route", "ferry"), ("duration", "0:30")];
        let r = way_rule(&CAR, &f).unwrap();
        assert!(r.ferry);
        assert_eq!(r.ferry_duration_s, Some(1800.0));
        assert_eq!(r.forward_kmh, Some(CAR.ferry_speed_kmh));
        assert_eq!(
            way_rule(&CAR, &[("route", "ferry"), ("motorcar", "no")]),
            None
        );
        assert!(way_rule(&FOOT, &[("route", "ferry"), ("motorcar", "no")]).is_some());
        assert_eq!(way_rule(&CAR, &[("route", "bus")]), None);
    }

    #[test]
    fn barrier_nodes() {
        assert!(node_blocks(&CAR, &[("barrier", "bollard")]));
        assert!(!node_blocks(&FOOT, &[("barrier", "bollard")]));
        assert!(!node_blocks(&BICYCLE, &[("barrier", "bollard")]));
        assert!(!node_blocks(&CAR, &[("barrier", "gate")]));
        assert!(node_blocks(&CAR, &[("barrier", "gate"), ("access", "no")]));
        assert!(node_blocks(&FOOT, &[("barrier", "gate"), ("access", "no")]));
        assert!(!node_blocks(
            &CAR,
            &[("barrier", "bollard"), ("motorcar", "yes")]
        ));
        assert!(!node_blocks(&CAR, &[("highway", "traffic_signals")]));
        assert!((node_delay(&CAR, &[("highway", "stop")]) - 2.0).abs() < 1e-9);
        assert!(
            (node_delay(&CAR, &[("barrier", "gate"), ("highway", "stop")]) - 60.0).abs() < 1e-9
        );
        assert!(node_delay(&CAR, &[("barrier", "bollard")]).abs() < 1e-9);
        assert!(node_delay(&BICYCLE, &[("barrier", "gate")]).abs() < 1e-9);
        assert!(node_blocks(&FOOT, &[("barrier", "wall")]));
    }
}
