//! Shared newtypes: dense graph ids, OSM ids and units.
//!
//! `NodeId` and `EdgeId` are dense `u32` indices into one [`RoadGraph`](crate::graph::RoadGraph);
//! they change when the graph is rebuilt and never go on the wire. `OsmNodeId` and `OsmWayId`
//! are the `i64` ids of the source file.

use serde::{Deserialize, Serialize};

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[repr(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The id as a `usize` index.
            #[must_use]
            #[inline]
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl From<u32> for $name {
            #[inline]
            fn from(v: u32) -> Self {
                Self(v)
            }
        }
    };
}

dense_id!(
    /// Dense index of a node of a road graph (an intersection or a way end).
    NodeId
);
dense_id!(
    /// Dense index of a directed edge of a road graph.
    EdgeId
);

/// Id of an OSM node, as in the source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[repr(transparent)]
pub struct OsmNodeId(pub i64);

/// Id of an OSM way, as in the source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[repr(transparent)]
pub struct OsmWayId(pub i64);

/// A whole number of metres.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Meters(pub u32);

/// A whole number of tenths of a second (OSRM's internal time unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Deciseconds(pub u32);

impl Deciseconds {
    /// The duration in seconds.
    #[must_use]
    pub fn as_secs_f64(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

/// A WGS84 position: `lon` (x) and `lat` (y) in degrees, geo's convention.
#[derive(Clone, Copy, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct LonLat {
    /// Longitude in degrees, −180..=180.
    pub lon: f64,
    /// Latitude in degrees, −90..=90.
    pub lat: f64,
}

impl LonLat {
    /// A position, without validation.
    #[must_use]
    pub const fn new(lon: f64, lat: f64) -> Self {
        Self { lon, lat }
    }

    /// `true` when both values are finite and within the WGS84 ranges.
    #[must_use]
    pub fn is_valid(self) -> bool {
        self.lon.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lon)
            && (-90.0..=90.0).contains(&self.lat)
    }
}

/// Degrees to the fixed-point unit of OSM (1e-7 degree).
#[must_use]
pub fn to_fixed(deg: f64) -> i32 {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "valid WGS84 degrees × 1e7 fit i32"
    )]
    let v = (deg * 1e7).round() as i32;
    v
}

/// The OSM fixed-point unit (1e-7 degree) to degrees.
#[must_use]
pub fn from_fixed(v: i32) -> f64 {
    f64::from(v) * 1e-7
}

/// Mean Earth radius in metres (the value OSRM uses for haversine).
pub const EARTH_RADIUS_M: f64 = 6_372_797.560_856;

/// Great-circle distance in metres between two positions (haversine).
#[must_use]
pub fn haversine_m(a: LonLat, b: LonLat) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_one_degree_of_latitude() {
        let d = haversine_m(LonLat::new(0.0, 0.0), LonLat::new(0.0, 1.0));
        assert!((d - 111_226.0).abs() < 50.0, "{d}");
    }

    #[test]
    fn validity() {
        assert!(LonLat::new(7.4, 43.7).is_valid());
        assert!(!LonLat::new(181.0, 0.0).is_valid());
        assert!(!LonLat::new(0.0, 91.0).is_valid());
        assert!(!LonLat::new(f64::NAN, 0.0).is_valid());
    }

    #[test]
    fn fixed_round_trip() {
        assert_eq!(to_fixed(from_fixed(74_123_456)), 74_123_456);
    }
}
