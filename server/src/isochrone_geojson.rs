//! Isochrones as GeoJSON (RFC 7946), following Valhalla's isochrone answer: a
//! `FeatureCollection` with one feature per contour, the largest first (so that a map draws
//! the smaller ones on top), each a `Polygon` (one part) or `MultiPolygon` (several, or
//! none when nothing is reached) with `properties.contour` in minutes and
//! `properties.metric = "time"`. Rings are closed, exterior rings counter-clockwise and
//! holes clockwise, coordinates `[lon, lat]` with at most six decimals.

use engine::isochrone::{Contour, Isochrone};
use geo::{LineString, Polygon};
use serde_json::{Value, json};

/// The contour time as a JSON number: an integer when it is whole (`15`, not `15.0`).
fn minutes_value(m: f64) -> Value {
    if m.fract() == 0.0 && m.abs() < 1e15 {
        #[expect(clippy::cast_possible_truncation, reason = "a whole number below 1e15")]
        let whole = m as i64;
        json!(whole)
    } else {
        json!(m)
    }
}

fn ring(r: &LineString<f64>) -> Value {
    Value::Array(r.0.iter().map(|c| json!([c.x, c.y])).collect())
}

fn polygon(p: &Polygon<f64>) -> Value {
    Value::Array(
        std::iter::once(p.exterior())
            .chain(p.interiors())
            .map(ring)
            .collect(),
    )
}

/// One contour as a GeoJSON `Feature`.
#[must_use]
pub fn feature(c: &Contour) -> Value {
    let geometry = match c.area.0.as_slice() {
        [one] => json!({"type": "Polygon", "coordinates": polygon(one)}),
        many => json!({
            "type": "MultiPolygon",
            "coordinates": many.iter().map(polygon).collect::<Vec<_>>(),
        }),
    };
    json!({
        "type": "Feature",
        "geometry": geometry,
        "properties": {"contour": minutes_value(c.minutes), "metric": "time"},
    })
}

/// The isochrone as a GeoJSON `FeatureCollection`, largest contour first.
#[must_use]
pub fn feature_collection(iso: &Isochrone) -> Value {
    json!({
        "type": "FeatureCollection",
        "features": iso.contours.iter().rev().map(feature).collect::<Vec<_>>(),
    })
}
