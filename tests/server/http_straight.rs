//! `continue_straight` and direction-restricting `bearings` against the real server on the
//! Monaco extract, with hostile values.
#![allow(clippy::unwrap_used, reason = "test helpers: failures should panic")]

use serde_json::Value;

use crate::http_osrm::{A, B, C, D, f, ok};
use crate::http_support::{assert_osrm_error, get, monaco};

/// `[lon, lat]` of a GeoJSON position.
fn xy(p: &Value) -> (f64, f64) {
    (f(&p[0]), f(&p[1]))
}

/// `true` when a leg leaving a via waypoint goes back along the piece of road the previous
/// leg arrived by (the two pieces at the waypoint point the same way from it).
fn turns_back(arrive: &[Value], leave: &[Value]) -> bool {
    let (Some(before), Some(via), Some(after)) = (
        arrive.len().checked_sub(2).map(|i| xy(&arrive[i])),
        leave.first().map(xy),
        leave.get(1).map(xy),
    ) else {
        return false;
    };
    let k = via.1.to_radians().cos();
    let a = ((before.0 - via.0) * k, before.1 - via.1);
    let b = ((after.0 - via.0) * k, after.1 - via.1);
    let (la, lb) = (a.0.hypot(a.1), b.0.hypot(b.1));
    // Pieces shorter than about half a metre say nothing.
    la > 5e-6 && lb > 5e-6 && (a.0 * b.0 + a.1 * b.1) / (la * lb) > 0.999
}

/// The legs' GeoJSON coordinates, from `steps=true` answers (each step's geometry).
fn leg_lines(route: &Value) -> Vec<Vec<Value>> {
    route["legs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|leg| {
            leg["steps"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["geometry"]["coordinates"].as_array().unwrap().clone())
                .fold(Vec::new(), |mut line: Vec<Value>, p| {
                    // Steps share their end points and `arrive` is one point twice.
                    if line.last() != Some(&p) {
                        line.push(p);
                    }
                    line
                })
        })
        .collect()
}

/// Midpoints of the straight pieces (at least 20 m long) of the routes between the anchors'
/// points: places strictly inside a road piece, away from nodes (at a dead-end node even a
/// route without U-turns at waypoints turns back).
fn via_points() -> Vec<String> {
    let mut out = Vec::new();
    for (from, to) in [(A, D), (C, B), (D, C)] {
        let v = ok(&format!(
            "/route/v1/car/{from};{to}?overview=full&geometries=geojson"
        ));
        let line = v["routes"][0]["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .clone();
        for w in line.windows(2).step_by(3) {
            let (a, b) = (xy(&w[0]), xy(&w[1]));
            let k = a.1.to_radians().cos();
            if ((b.0 - a.0) * k).hypot(b.1 - a.1) * 111_195.0 >= 20.0 {
                out.push(format!("{:.6},{:.6}", (a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0));
            }
        }
    }
    out
}

#[test]
fn continue_straight_forbids_u_turns_at_via_points() {
    let Some(_) = monaco() else { return };
    let (mut differ, mut turned_back, mut checked) = (0, 0, 0);
    for via in via_points() {
        let base = format!(
            "/route/v1/car/{A};{via};{B}?steps=true&geometries=geojson&overview=false&radiuses=;1;"
        );
        let default = ok(&base);
        let on = ok(&format!("{base}&continue_straight=true"));
        let off = ok(&format!("{base}&continue_straight=false"));
        let word = ok(&format!("{base}&continue_straight=default"));
        // By car the default forbids U-turns (OSRM's car profile).
        assert_eq!(default, on);
        assert_eq!(word, on);
        let (d_on, d_off) = (
            f(&on["routes"][0]["duration"]),
            f(&off["routes"][0]["duration"]),
        );
        assert!(d_on + 1e-9 >= d_off, "{base}: {d_on} < {d_off}");
        let lines = leg_lines(&on["routes"][0]);
        assert!(!turns_back(&lines[0], &lines[1]), "{base}");
        if d_on > d_off {
            differ += 1;
            let lines = leg_lines(&off["routes"][0]);
            turned_back += usize::from(turns_back(&lines[0], &lines[1]));
        }
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
    // Where a U-turn pays, allowing it shows one.
    assert!(
        differ > 0 && turned_back == differ,
        "{differ} {turned_back}"
    );
}

#[test]
fn foot_allows_u_turns_by_default() {
    let Some(_) = monaco() else { return };
    // On foot (OSRM's foot profile) the default is continue_straight=false.
    let mut checked = 0;
    for i in 0..5 {
        let via = format!("{:.6},43.737000", 7.412 + 0.005 * f64::from(i));
        let base = format!("/route/v1/foot/{A};{via};{B}?overview=false");
        let addr = monaco().unwrap();
        if get(addr, &base).status != 200 {
            continue;
        }
        assert_eq!(ok(&base), ok(&format!("{base}&continue_straight=false")));
        checked += 1;
    }
    assert!(checked > 0);
}

/// The departure bearing of a route's first step and the arrival bearing of its last.
fn depart_arrive(v: &Value) -> (f64, f64) {
    let steps = v["routes"][0]["legs"][0]["steps"].as_array().unwrap();
    let depart = f(&steps[0]["maneuver"]["bearing_after"]);
    let arrive = f(&steps[steps.len() - 1]["maneuver"]["bearing_before"]);
    (depart, arrive)
}

fn off(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

#[test]
fn bearings_fix_the_direction_of_travel_on_a_two_way_road() {
    let Some(_) = monaco() else { return };
    let plain = ok(&format!("/route/v1/car/{A};{B}?steps=true"));
    let (depart, arrive) = depart_arrive(&plain);
    // Asking for the other direction of the same road at the start: the route leaves the
    // same point the other way.
    let back = ((depart + 180.0) % 360.0).round();
    let turned = ok(&format!(
        "/route/v1/car/{A};{B}?steps=true&radiuses=20;&bearings={back},20;"
    ));
    assert_eq!(
        turned["waypoints"][0]["location"], plain["waypoints"][0]["location"],
        "A lies on a two-way road"
    );
    assert!(off(depart_arrive(&turned).0, back) <= 20.0);
    assert!(f(&turned["routes"][0]["duration"]) > f(&plain["routes"][0]["duration"]));
    // Asking for the direction it already takes changes nothing.
    let same = ok(&format!(
        "/route/v1/car/{A};{B}?steps=true&bearings={},20;",
        depart.round()
    ));
    assert_eq!(same["routes"], plain["routes"]);
    // At the end a bearing is the direction of arrival.
    let rev = ((arrive + 180.0) % 360.0).round();
    let v = ok(&format!(
        "/route/v1/car/{A};{B}?steps=true&radiuses=;20&bearings=;{rev},20"
    ));
    assert_eq!(
        v["waypoints"][1]["location"], plain["waypoints"][1]["location"],
        "B lies on a two-way road"
    );
    assert!(off(depart_arrive(&v).1, rev) <= 20.0, "{v}");
    assert!(f(&v["routes"][0]["duration"]) > f(&plain["routes"][0]["duration"]));
}

#[test]
fn table_and_trip_cells_honour_the_direction_of_bearings() {
    let Some(_) = monaco() else { return };
    let plain = ok(&format!("/route/v1/car/{A};{B}?steps=true"));
    let back = ((depart_arrive(&plain).0 + 180.0) % 360.0).round();
    let q = format!("radiuses=20;&bearings={back},20;");
    let turned = ok(&format!("/route/v1/car/{A};{B}?overview=false&{q}"));
    let table = ok(&format!("/table/v1/car/{A};{B}?{q}"));
    assert_eq!(
        table["durations"][0][1], turned["routes"][0]["duration"],
        "the table cell leaves A the way the bearing says"
    );
    let free = ok(&format!("/table/v1/car/{A};{B}"));
    assert!(f(&table["durations"][0][1]) > f(&free["durations"][0][1]));
    // A trip from A to B (fixed ends) departs the same way.
    let trip = ok(&format!(
        "/trip/v1/car/{A};{B}?overview=false&roundtrip=false&source=first&destination=last&{q}"
    ));
    assert_eq!(
        trip["trips"][0]["duration"],
        turned["routes"][0]["duration"]
    );
}

#[test]
fn nearest_takes_bearings() {
    let Some(addr) = monaco() else { return };
    let plain = ok(&format!("/nearest/v1/car/{A}?number=3"));
    assert_eq!(
        ok(&format!("/nearest/v1/car/{A}?number=3&bearings=0,180")),
        plain
    );
    // Roads running one way only: every answer is still a road near A, and a narrow
    // bearing no road near enough follows is NoSegment.
    let some = ok(&format!("/nearest/v1/car/{A}?number=3&bearings=90,30"));
    assert!(!some["waypoints"].as_array().unwrap().is_empty());
    assert_osrm_error(
        &get(
            addr,
            &format!("/nearest/v1/car/{A}?radiuses=1&bearings=45,0"),
        ),
        "NoSegment",
    );
}

#[test]
fn hostile_continue_straight_and_bearings() {
    let Some(addr) = monaco() else { return };
    for (query, code) in [
        ("continue_straight=maybe", "InvalidQuery"),
        ("continue_straight=", "InvalidQuery"),
        ("continue_straight=1", "InvalidQuery"),
        ("bearings=400,10;", "InvalidOptions"),
        ("bearings=10,181;", "InvalidOptions"),
        ("bearings=-1,10;", "InvalidQuery"),
        ("bearings=10;", "InvalidQuery"),
        ("bearings=nan,10;", "InvalidQuery"),
        ("bearings=10,10", "InvalidOptions"),
        ("bearings=10,10;;", "InvalidOptions"),
    ] {
        let a = get(addr, &format!("/route/v1/car/{A};{B}?{query}"));
        assert_osrm_error(&a, code);
    }
    assert_osrm_error(
        &get(addr, &format!("/nearest/v1/car/{A}?bearings=10,10;20,20")),
        "InvalidOptions",
    );
    assert_osrm_error(
        &get(addr, &format!("/table/v1/car/{A};{B}?bearings=370,10;")),
        "InvalidOptions",
    );
}
