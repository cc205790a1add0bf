//! Line geometry on the wire: polyline (precision 5 or 6, `lat,lon` order as Google's format),
//! GeoJSON `LineString` (`[lon, lat]`), Douglas–Peucker simplification and bearings.

use engine::types::LonLat;
use geo::{LineString, Simplify};
use serde_json::{Value, json};

use super::osrm::options::Geometries;

/// Rounds degrees to 6 decimals (about 0.1 m), as OSRM prints positions.
#[must_use]
pub fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// `[lon, lat]` rounded to 6 decimals.
#[must_use]
pub fn lonlat_json(p: LonLat) -> Value {
    json!([round6(p.lon), round6(p.lat)])
}

/// Encodes a line in the requested format.
#[must_use]
pub fn encode(points: &[LonLat], format: Geometries) -> Value {
    let precision = match format {
        Geometries::GeoJson => {
            let coords: Vec<Value> = points.iter().map(|&p| lonlat_json(p)).collect();
            return json!({"type": "LineString", "coordinates": coords});
        }
        Geometries::Polyline => 5,
        Geometries::Polyline6 => 6,
    };
    let coords = points.iter().map(|p| geo::coord! { x: p.lon, y: p.lat });
    // Encoding fails only for positions outside WGS84, which never come out of the graph.
    Value::String(polyline::encode_coordinates(coords, precision).unwrap_or_default())
}

/// Douglas–Peucker simplification (Douglas & Peucker 1973, via `geo`) with a tolerance of
/// 1/1000 of the line's bounding-box diagonal: what a view that shows the whole line at about
/// a thousand pixels across can tell apart. Ends are kept; at least two points come out.
#[must_use]
pub fn simplify(points: &[LonLat]) -> Vec<LonLat> {
    if points.len() <= 2 {
        return points.to_vec();
    }
    let (mut min, mut max) = (points[0], points[0]);
    for p in points {
        min = LonLat::new(min.lon.min(p.lon), min.lat.min(p.lat));
        max = LonLat::new(max.lon.max(p.lon), max.lat.max(p.lat));
    }
    let diag = (max.lon - min.lon).hypot(max.lat - min.lat);
    let line: LineString<f64> = points
        .iter()
        .map(|p| geo::coord! { x: p.lon, y: p.lat })
        .collect();
    let out: Vec<LonLat> = line
        .simplify(diag / 1000.0)
        .0
        .iter()
        .map(|c| LonLat::new(c.x, c.y))
        .collect();
    if out.len() >= 2 {
        out
    } else {
        vec![points[0], points[points.len() - 1]]
    }
}

/// Initial great-circle bearing from `a` to `b`, in whole degrees clockwise from north,
/// `0..=359`.
#[must_use]
pub fn bearing(a: LonLat, b: LonLat) -> u16 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlon = (b.lon - a.lon).to_radians();
    let y = dlon.sin() * la2.cos();
    let x = la1.cos() * la2.sin() - la1.sin() * la2.cos() * dlon.cos();
    let deg = y.atan2(x).to_degrees().rem_euclid(360.0).round();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "0 <= deg <= 360"
    )]
    let d = deg as u16;
    d % 360
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polyline_matches_googles_reference_example() {
        // Google's documented example: (38.5, -120.2), (40.7, -120.95), (43.252, -126.453).
        let pts = [
            LonLat::new(-120.2, 38.5),
            LonLat::new(-120.95, 40.7),
            LonLat::new(-126.453, 43.252),
        ];
        assert_eq!(
            encode(&pts, Geometries::Polyline),
            json!("_p~iF~ps|U_ulLnnqC_mqNvxq`@")
        );
        let six = encode(&pts, Geometries::Polyline6);
        let back = polyline::decode_polyline(six.as_str().unwrap(), 6).unwrap();
        assert!((back.0[2].x + 126.453).abs() < 1e-9);
    }

    #[test]
    fn geojson_is_lon_lat() {
        let v = encode(
            &[LonLat::new(7.4212345678, 43.7312345678)],
            Geometries::GeoJson,
        );
        assert_eq!(
            v,
            json!({"type": "LineString", "coordinates": [[7.421235, 43.731235]]})
        );
    }

    #[test]
    fn simplify_drops_collinear_points_and_keeps_ends() {
        let pts: Vec<LonLat> = (0..=10)
            .map(|i| LonLat::new(7.0 + f64::from(i) * 0.001, 43.0))
            .collect();
        assert_eq!(simplify(&pts), vec![pts[0], pts[10]]);
        let corner = [
            LonLat::new(7.0, 43.0),
            LonLat::new(7.01, 43.0),
            LonLat::new(7.01, 43.01),
        ];
        assert_eq!(simplify(&corner), corner.to_vec());
    }

    #[test]
    fn bearings_point_the_right_way() {
        let o = LonLat::new(7.0, 43.0);
        assert_eq!(bearing(o, LonLat::new(7.0, 43.1)), 0);
        assert_eq!(bearing(o, LonLat::new(7.1, 43.0)), 90);
        assert_eq!(bearing(o, LonLat::new(7.0, 42.9)), 180);
        assert_eq!(bearing(o, LonLat::new(6.9, 43.0)), 270);
    }
}
