//! `GET /isochrone/v1/...` and `vmeste isochrone` on Monaco and Andorra: answers parsed back
//! with the `geojson` crate and checked against RFC 7946 (closed rings, exterior rings
//! counter-clockwise and holes clockwise, at most six decimals), nested contours, and every
//! kind of bad input answered with OSRM's error shape.
#![allow(
    clippy::unwrap_used,
    clippy::float_cmp,
    reason = "test helpers fail loudly"
)]

use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use geo::{Area, BooleanOps, MultiPolygon};
use geojson::{GeoJson, GeometryValue, PolygonType};
use server::http::Limits;

use crate::http_support::{assert_osrm_error, engine_from_osm, get, monaco, start};
use crate::support;

const MONACO: &str = "7.415637,43.735767";
const ANDORRA: &str = "1.5211,42.5078";

fn andorra() -> Option<SocketAddr> {
    static ADDR: OnceLock<Option<SocketAddr>> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let path = support::osm("andorra-2020-05-01.osm.pbf")?;
        Some(start(
            Arc::new(engine_from_osm(&path, &["car"])),
            Limits::default(),
        ))
    })
}

/// Twice the signed area of a ring (positive when counter-clockwise).
fn signed_area2(ring: &[geojson::Position]) -> f64 {
    ring.windows(2)
        .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
        .sum()
}

/// RFC 7946 checks of one polygon; returns it as a geo polygon.
fn check_polygon(rings: &PolygonType) -> geo::Polygon<f64> {
    assert!(!rings.is_empty());
    for (k, ring) in rings.iter().enumerate() {
        assert!(ring.len() >= 4, "a ring has {} positions", ring.len());
        assert_eq!(ring.first(), ring.last(), "ring not closed");
        for p in ring {
            assert_eq!(p.len(), 2);
            for v in p.as_slice() {
                assert!(
                    ((v * 1e6).round() / 1e6 - v).abs() < 1e-12,
                    "{v} has more than 6 decimals"
                );
            }
            assert!((-180.0..=180.0).contains(&p[0]) && (-90.0..=90.0).contains(&p[1]));
        }
        let a = signed_area2(ring);
        if k == 0 {
            assert!(a > 0.0, "exterior ring is clockwise");
        } else {
            assert!(a < 0.0, "hole is counter-clockwise");
        }
    }
    let ls = |r: &Vec<geojson::Position>| {
        geo::LineString::from(r.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>())
    };
    geo::Polygon::new(ls(&rings[0]), rings[1..].iter().map(ls).collect())
}

/// Parses and checks an isochrone answer; returns `(contour, area)` in answer order.
fn check_answer(body: &[u8], minutes: &[f64]) -> Vec<(f64, MultiPolygon<f64>)> {
    let text = std::str::from_utf8(body).unwrap();
    let GeoJson::FeatureCollection(fc) = GeoJson::from_str(text).unwrap() else {
        panic!("not a FeatureCollection: {text}");
    };
    assert_eq!(fc.features.len(), minutes.len());
    let mut out = Vec::new();
    for f in &fc.features {
        let props = f.properties.as_ref().unwrap();
        let contour = props["contour"].as_f64().unwrap();
        assert_eq!(props["metric"], "time");
        let area: MultiPolygon<f64> = match &f.geometry.as_ref().unwrap().value {
            GeometryValue::Polygon { coordinates } => {
                MultiPolygon::new(vec![check_polygon(coordinates)])
            }
            GeometryValue::MultiPolygon { coordinates } => {
                coordinates.iter().map(check_polygon).collect()
            }
            other => panic!("not a polygon: {other:?}"),
        };
        out.push((contour, area));
    }
    // Largest first, as Valhalla; each contains the next one.
    let mut expected: Vec<f64> = minutes.to_vec();
    expected.sort_by(|a, b| b.total_cmp(a));
    assert_eq!(out.iter().map(|c| c.0).collect::<Vec<_>>(), expected);
    for w in out.windows(2) {
        let (outer, inner) = (&w[0].1, &w[1].1);
        assert!(outer.unsigned_area() >= inner.unsigned_area());
        assert!(inner.difference(outer).unsigned_area() <= 1e-4 * inner.unsigned_area());
    }
    out
}

#[test]
fn isochrones_are_valid_geojson_on_monaco_and_andorra() {
    let cases: Vec<(Option<SocketAddr>, String, Vec<f64>)> = vec![
        (
            monaco(),
            format!("/isochrone/v1/car/{MONACO}?contours_minutes=2,5"),
            vec![2.0, 5.0],
        ),
        (
            monaco(),
            format!("/isochrone/v1/foot/{MONACO}?contours_minutes=10,5,15&denoise=0.1"),
            vec![5.0, 10.0, 15.0],
        ),
        (
            andorra(),
            format!("/isochrone/v1/car/{ANDORRA}?contours_minutes=15,30,60"),
            vec![15.0, 30.0, 60.0],
        ),
        (
            andorra(),
            format!("/isochrone/v1/driving/{ANDORRA}?contours_minutes=7.5,20&generalize=30"),
            vec![7.5, 20.0],
        ),
    ];
    for (addr, path, minutes) in cases {
        let Some(addr) = addr else { continue };
        let a = get(addr, &path);
        assert_eq!(
            a.status,
            200,
            "{path}: {}",
            String::from_utf8_lossy(&a.body)
        );
        assert_eq!(a.header("content-type"), Some("application/geo+json"));
        let areas = check_answer(&a.body, &minutes);
        assert!(areas.iter().all(|(_, a)| a.unsigned_area() > 0.0), "{path}");
    }
}

#[test]
fn bad_isochrone_requests_get_osrm_errors() {
    let Some(addr) = monaco() else { return };
    let p = |q: &str| format!("/isochrone/v1/car/{MONACO}?{q}");
    for q in [
        "contours_minutes=0",
        "contours_minutes=-5",
        "contours_minutes=NaN",
        "contours_minutes=inf",
        "contours_minutes=241",
        "contours_minutes=1,2,3,4,5",
        "contours_minutes=10,10",
        "contours_minutes=",
        "contours_minutes=abc",
        "",
        "contours_minutes=5&contours_minutes=10",
        "contours_minutes=5&denoise=2",
        "contours_minutes=5&generalize=-1",
        "contours_minutes=5&polygons=false",
        "contours_minutes=5&radius=-3",
        "contours_minutes=5&colors=red",
    ] {
        assert_osrm_error(&get(addr, &p(q)), "InvalidOptions");
    }
    // At sea, 15 km south of the coast.
    assert_osrm_error(
        &get(addr, "/isochrone/v1/car/7.42,43.60?contours_minutes=5"),
        "NoSegment",
    );
    assert_osrm_error(
        &get(
            addr,
            &format!("/isochrone/v1/boat/{MONACO}?contours_minutes=5"),
        ),
        "InvalidUrl",
    );
    assert_osrm_error(
        &get(addr, "/isochrone/v1/car/abc?contours_minutes=5"),
        "InvalidQuery",
    );
    assert_osrm_error(
        &get(addr, "/isochrone/v1/car/7.4,95?contours_minutes=5"),
        "InvalidValue",
    );
}

#[test]
fn isochrone_is_described_in_openapi() {
    let Some(addr) = monaco() else { return };
    let doc = get(addr, "/openapi.json").json();
    let op = &doc["paths"]["/isochrone/v1/{profile}/{origin}"]["get"];
    assert!(op["summary"].as_str().unwrap().contains("GeoJSON"));
}

#[test]
fn cli_isochrone_prints_the_same_geojson() {
    let Some(g) = crate::cli_route::monaco_graph() else {
        return;
    };
    let run = |from: &str, minutes: &str| {
        crate::cli_route::vmeste(&[
            "isochrone",
            "--graph",
            g.to_str().unwrap(),
            "--from",
            from,
            "--minutes",
            minutes,
        ])
    };
    let o = run(MONACO, "2,5");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_answer(&o.stdout, &[2.0, 5.0]);
    let Some(addr) = monaco() else { return };
    let a = get(
        addr,
        &format!("/isochrone/v1/car/{MONACO}?contours_minutes=5,2"),
    );
    let http: serde_json::Value = a.json();
    let cli: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(http, cli);
    for bad in ["0", "1,1", "x", "1,2,3,4,5"] {
        let o = run(MONACO, bad);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    }
    let o = run("7.42,43.60", "15");
    assert!(!o.status.success());
}

/// `/v1/coverage/isochrone` on the seeded Monaco board: one area per mode, holding the
/// headquarters and the available volunteers; the token's rules and bad times.
#[test]
fn coverage_isochrone_on_the_seeded_board() {
    use crate::v1_support::{TestBoard, assert_error};
    use engine::board::Role;
    let Some(b) = TestBoard::start(server::http::v1::BoardSettings::default()) else {
        return;
    };
    let Some(engine) = crate::http_support::monaco_engine() else {
        return;
    };
    let s = b
        .block_on(server::demo::seed(
            &b.state.board,
            &*engine,
            server::http::v1::BoardState::now(),
        ))
        .unwrap()
        .unwrap();
    let coord = b.token(Role::Coordinator, &[s.hq], None);
    let a = b.get(
        &format!("/v1/coverage/isochrone?hq={}&minutes=5", s.hq),
        &coord,
    );
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.header("content-type"), Some("application/geo+json"));
    let GeoJson::FeatureCollection(fc) =
        GeoJson::from_str(std::str::from_utf8(&a.body).unwrap()).unwrap()
    else {
        panic!("not a FeatureCollection");
    };
    let areas: Vec<_> = fc
        .features
        .iter()
        .filter(|f| f.properties.as_ref().unwrap()["kind"] == "area")
        .collect();
    let profiles: Vec<&str> = areas
        .iter()
        .map(|f| f.properties.as_ref().unwrap()["profile"].as_str().unwrap())
        .collect();
    assert_eq!(profiles, ["car", "foot"]);
    for f in &areas {
        assert_eq!(f.properties.as_ref().unwrap()["contour"], 5);
        match &f.geometry.as_ref().unwrap().value {
            GeometryValue::Polygon { coordinates } => {
                check_polygon(coordinates);
            }
            GeometryValue::MultiPolygon { coordinates } => {
                coordinates.iter().for_each(|p| {
                    check_polygon(p);
                });
            }
            other => panic!("{other:?}"),
        }
    }
    let admin = b.token(Role::Admin, &[], None);
    let other = b.hq(&admin, "Other HQ");
    let stranger = b.token(Role::Coordinator, &[other], None);
    assert_eq!(
        b.get(&format!("/v1/coverage/isochrone?hq={}", s.hq), &stranger)
            .status,
        403
    );
    assert_eq!(b.get("/v1/coverage/isochrone?hq=1", "nope").status, 401);
    for bad in ["0", "-1", "241", "NaN"] {
        let a = b.get(
            &format!("/v1/coverage/isochrone?hq={}&minutes={bad}", s.hq),
            &coord,
        );
        assert!([400, 422].contains(&a.status), "{bad}: {}", a.status);
    }
    assert_error(
        &b.get(
            &format!("/v1/coverage/isochrone?hq={}&minutes=0", s.hq),
            &coord,
        ),
        422,
        "invalid_query",
    );
    assert_eq!(
        b.get("/v1/coverage/isochrone?hq=999999", &admin).status,
        404
    );
}
