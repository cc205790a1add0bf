//! The closure record, what a client sends to make one, and the rules a new closure must
//! meet on its own (without a graph: see [`super::check_against`] for that).

use serde::{Deserialize, Serialize};

use super::error::ClosureError;
use crate::board::{Point, Time};
use crate::types::{LonLat, OsmWayId, haversine_m};

/// Most characters of a closure's reason.
pub const MAX_REASON_CHARS: usize = 500;
/// Most OSM ways one closure names.
pub const MAX_WAYS: usize = 1_000;
/// Most points of a closure's line or polygon ring.
pub const MAX_POINTS: usize = 1_000;
/// Most profiles one closure names.
pub const MAX_PROFILES: usize = 8;
/// Largest extent of a line or polygon, north-south or east-west, in metres: a closure is a
/// road, a bridge, a flooded district, not a province.
pub const MAX_EXTENT_M: f64 = 100_000.0;

/// What a closure closes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ClosureTarget {
    /// Every edge of these OSM ways, both directions.
    Ways(Vec<i64>),
    /// The roads a line drawn on the map crosses, or runs along within
    /// [`super::LINE_TOLERANCE_M`] metres: `[[lon, lat], …]`, at least two points.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<f64>>))]
    Line(Vec<Point>),
    /// Every road with geometry inside the polygon or crossing its boundary: one closed
    /// ring `[[lon, lat], …]` whose last point repeats the first.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<f64>>))]
    Polygon(Vec<Point>),
}

/// A road closure: roads no route of the named profiles may pass through, for a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Closure {
    /// Identifier.
    pub id: i64,
    /// What is closed.
    pub target: ClosureTarget,
    /// Profiles it applies to (`car`, `bicycle`, `foot`); empty: all.
    pub profiles: Vec<String>,
    /// From when (`null`: from its creation).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub starts_at: Option<Time>,
    /// Until when, exclusive (`null`: until lifted).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub ends_at: Option<Time>,
    /// Why (flood, snow, repairs, …).
    pub reason: String,
    /// Who made it (`role:token_id`).
    pub created_by: String,
    /// When it was lifted (`DELETE`), if it was.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub lifted_at: Option<Time>,
    /// Who lifted it.
    pub lifted_by: Option<String>,
    /// Bumped by every change.
    pub version: i64,
    /// When it was created.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Time,
    /// When it last changed.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Time,
}

impl Closure {
    /// `true` when the closure is in force at `t`: started, not ended, not lifted.
    #[must_use]
    pub fn active_at(&self, t: Time) -> bool {
        self.lifted_at.is_none()
            && self.starts_at.is_none_or(|s| s <= t)
            && self.ends_at.is_none_or(|e| t < e)
    }

    /// `true` when the closure applies to `profile`.
    #[must_use]
    pub fn applies_to(&self, profile: &str) -> bool {
        self.profiles.is_empty() || self.profiles.iter().any(|p| p == profile)
    }
}

/// What a client sends to close roads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewClosure {
    /// What is closed.
    pub target: ClosureTarget,
    /// Profiles it applies to; empty or absent: all.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// From when (absent: now).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub starts_at: Option<Time>,
    /// Until when, exclusive (absent: until lifted).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub ends_at: Option<Time>,
    /// Why, for people (1 to [`MAX_REASON_CHARS`] characters).
    pub reason: String,
}

impl NewClosure {
    /// The closure to store, made at `now` by `actor` (identifier and version are set by
    /// the store).
    ///
    /// # Errors
    /// [`ClosureError::Invalid`] naming the field: an empty or too long reason, too many
    /// ways, profiles or points, a coordinate that is not a WGS84 position, a line of fewer
    /// than two distinct points, a polygon that is not a closed simple ring with an area, an
    /// extent over [`MAX_EXTENT_M`], an end not after the start or already past.
    pub fn validate(self, now: Time, actor: &str) -> Result<Closure, ClosureError> {
        let reason = self.reason.trim().to_owned();
        if reason.is_empty() {
            return Err(invalid("reason", "say why the road is closed"));
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(invalid(
                "reason",
                format!("at most {MAX_REASON_CHARS} characters"),
            ));
        }
        let mut profiles = self.profiles;
        if profiles.len() > MAX_PROFILES {
            return Err(invalid(
                "profiles",
                format!("at most {MAX_PROFILES} profiles"),
            ));
        }
        if let Some(p) = profiles
            .iter()
            .find(|p| p.is_empty() || p.len() > 32 || !p.chars().all(|c| c.is_ascii_lowercase()))
        {
            return Err(invalid("profiles", format!("{p:?} is not a profile name")));
        }
        profiles.sort();
        profiles.dedup();
        let target = validate_target(self.target)?;
        if let (Some(s), Some(e)) = (self.starts_at, self.ends_at)
            && e <= s
        {
            return Err(invalid("ends_at", "the closure must end after it starts"));
        }
        if let Some(e) = self.ends_at
            && e <= now
        {
            return Err(invalid("ends_at", "the closure would already be over"));
        }
        Ok(Closure {
            id: 0,
            target,
            profiles,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            reason,
            created_by: actor.to_owned(),
            lifted_at: None,
            lifted_by: None,
            version: 0,
            created_at: now,
            updated_at: now,
        })
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> ClosureError {
    ClosureError::Invalid {
        field,
        message: message.into(),
    }
}

fn validate_target(target: ClosureTarget) -> Result<ClosureTarget, ClosureError> {
    match target {
        ClosureTarget::Ways(mut ways) => {
            if ways.is_empty() {
                return Err(invalid("target.ways", "name at least one OSM way"));
            }
            if ways.len() > MAX_WAYS {
                return Err(invalid("target.ways", format!("at most {MAX_WAYS} ways")));
            }
            if let Some(w) = ways.iter().find(|&&w| w <= 0) {
                return Err(invalid("target.ways", format!("{w} is not an OSM way id")));
            }
            ways.sort_unstable();
            ways.dedup();
            Ok(ClosureTarget::Ways(ways))
        }
        ClosureTarget::Line(pts) => {
            check_points("target.line", &pts)?;
            if pts.windows(2).all(|w| w[0] == w[1]) {
                return Err(invalid(
                    "target.line",
                    "a line needs at least two distinct points",
                ));
            }
            Ok(ClosureTarget::Line(pts))
        }
        ClosureTarget::Polygon(pts) => {
            check_points("target.polygon", &pts)?;
            check_ring(&pts)?;
            Ok(ClosureTarget::Polygon(pts))
        }
    }
}

fn check_points(field: &'static str, pts: &[Point]) -> Result<(), ClosureError> {
    let pts: Vec<LonLat> = pts.iter().map(|p| LonLat::new(p[0], p[1])).collect();
    if pts.len() < 2 {
        return Err(invalid(field, "at least two points"));
    }
    if pts.len() > MAX_POINTS {
        return Err(invalid(field, format!("at most {MAX_POINTS} points")));
    }
    if let Some((i, p)) = pts.iter().enumerate().find(|(_, p)| !p.is_valid()) {
        return Err(invalid(
            field,
            format!(
                "point {i} [{}, {}] is not a position (lon -180..=180, lat -90..=90)",
                p.lon, p.lat
            ),
        ));
    }
    let (mut lo, mut hi) = (pts[0], pts[0]);
    for &p in &pts {
        lo = LonLat::new(lo.lon.min(p.lon), lo.lat.min(p.lat));
        hi = LonLat::new(hi.lon.max(p.lon), hi.lat.max(p.lat));
    }
    let ew = haversine_m(LonLat::new(lo.lon, lo.lat), LonLat::new(hi.lon, lo.lat))
        .max(haversine_m(LonLat::new(lo.lon, hi.lat), hi))
        .max(if hi.lon - lo.lon > 180.0 {
            f64::INFINITY
        } else {
            0.0
        });
    let ns = haversine_m(lo, LonLat::new(lo.lon, hi.lat));
    if ew > MAX_EXTENT_M || ns > MAX_EXTENT_M {
        return Err(invalid(
            field,
            format!("spans more than {} km", MAX_EXTENT_M / 1000.0),
        ));
    }
    Ok(())
}

/// A polygon ring: closed, at least three distinct corners, no edge crossing another, an
/// area.
fn check_ring(pts: &[Point]) -> Result<(), ClosureError> {
    const F: &str = "target.polygon";
    if pts.first() != pts.last() {
        return Err(invalid(F, "the ring must end at its first point"));
    }
    if pts.len() < 4 {
        return Err(invalid(F, "a ring needs at least three corners"));
    }
    let xy = pts;
    let area2: f64 = xy
        .windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum();
    if area2.abs() < 1e-14 {
        return Err(invalid(F, "the ring encloses no area"));
    }
    let n = xy.len() - 1;
    for i in 0..n {
        for j in i + 1..n {
            // Neighbouring sides share a corner; the first and last side too.
            let neighbours = j == i + 1 || (i == 0 && j == n - 1);
            if !neighbours && super::geometry::segments_meet(xy[i], xy[i + 1], xy[j], xy[j + 1]) {
                return Err(invalid(
                    F,
                    format!("sides {i} and {j} of the ring cross: draw a simple polygon"),
                ));
            }
        }
    }
    Ok(())
}

/// The OSM ways a target names (empty for lines and polygons).
#[must_use]
pub fn named_ways(target: &ClosureTarget) -> Vec<OsmWayId> {
    match target {
        ClosureTarget::Ways(w) => w.iter().map(|&w| OsmWayId(w)).collect(),
        _ => Vec::new(),
    }
}
