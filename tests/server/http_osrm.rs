//! Every OSRM service and option against the real server on the Monaco extract.

use serde_json::{Value, json};

use crate::http_support::{assert_osrm_error, get, monaco, post_json};

/// Pairs from the routing anchors' Monaco workload.
pub(crate) const A: &str = "7.415637,43.735767";
pub(crate) const B: &str = "7.422844,43.736876";
pub(crate) const C: &str = "7.414254,43.734398";
pub(crate) const D: &str = "7.429717,43.743469";

pub(crate) fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

pub(crate) fn ok(path: &str) -> Value {
    let addr = monaco().expect("monaco");
    let a = get(addr, path);
    let v = a.json();
    assert_eq!(a.status, 200, "{path}: {v}");
    assert_eq!(v["code"], "Ok", "{path}: {v}");
    v
}

#[test]
fn route_basic_shape_and_consistency() {
    let Some(_) = monaco() else { return };
    let v = ok(&format!(
        "/route/v1/car/{A};{B};{C}?overview=full&geometries=geojson"
    ));
    let r = &v["routes"][0];
    let legs = r["legs"].as_array().unwrap();
    assert_eq!(legs.len(), 2);
    let sum: f64 = legs.iter().map(|l| f(&l["duration"])).sum();
    assert!(
        (sum - f(&r["duration"])).abs() < 0.15,
        "{sum} vs {}",
        r["duration"]
    );
    assert!(f(&r["distance"]) > 100.0);
    assert_eq!(r["weight_name"], "duration");
    let wps = v["waypoints"].as_array().unwrap();
    assert_eq!(wps.len(), 3);
    let coords = r["geometry"]["coordinates"].as_array().unwrap();
    assert_eq!(coords.first().unwrap(), &wps[0]["location"]);
    assert_eq!(coords.last().unwrap(), &wps[2]["location"]);
    for w in wps {
        assert!(f(&w["distance"]) < 100.0, "{w}");
        assert!(w["name"].is_string());
    }
}

#[test]
fn route_geometries_and_overview() {
    let Some(_) = monaco() else { return };
    let full = ok(&format!(
        "/route/v1/car/{A};{D}?overview=full&geometries=polyline6"
    ));
    let line = full["routes"][0]["geometry"].as_str().unwrap();
    let pts = polyline::decode_polyline(line, 6).unwrap();
    let simp = ok(&format!("/route/v1/car/{A};{D}"));
    let pts5 =
        polyline::decode_polyline(simp["routes"][0]["geometry"].as_str().unwrap(), 5).unwrap();
    assert!(pts5.0.len() <= pts.0.len() && pts5.0.len() >= 2);
    assert!((pts.0[0].x - pts5.0[0].x).abs() < 1e-4);
    let none = ok(&format!("/route/v1/car/{A};{D}?overview=false"));
    assert!(none["routes"][0].get("geometry").is_none());
    // Same route whatever the encoding.
    assert_eq!(none["routes"][0]["duration"], full["routes"][0]["duration"]);
}

#[test]
fn route_steps_and_annotations() {
    let Some(_) = monaco() else { return };
    let v = ok(&format!(
        "/route/v1/car/{A};{D}?steps=true&annotations=true&geometries=geojson&overview=full"
    ));
    let leg = &v["routes"][0]["legs"][0];
    let steps = leg["steps"].as_array().unwrap();
    assert!(steps.len() >= 2);
    assert_eq!(steps[0]["maneuver"]["type"], "depart");
    assert_eq!(steps.last().unwrap()["maneuver"]["type"], "arrive");
    for s in steps {
        let b = s["maneuver"]["bearing_after"].as_u64().unwrap();
        assert!(b < 360);
        assert_eq!(s["mode"], "driving");
        assert_eq!(s["maneuver"]["location"].as_array().unwrap().len(), 2);
    }
    for s in &steps[1..steps.len() - 1] {
        assert!(s["maneuver"]["modifier"].is_string(), "{s}");
    }
    let step_sum: f64 = steps.iter().map(|s| f(&s["distance"])).sum();
    assert!(
        (step_sum - f(&leg["distance"])).abs() < 1.0 + 0.05 * steps.len() as f64,
        "{step_sum}"
    );
    let a = &leg["annotation"];
    let n = a["distance"].as_array().unwrap().len();
    assert_eq!(
        v["routes"][0]["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .len(),
        n + 1
    );
    for key in ["duration", "speed", "weight", "datasources"] {
        assert_eq!(a[key].as_array().unwrap().len(), n, "{key}");
    }
    let dsum: f64 = a["distance"].as_array().unwrap().iter().map(f).sum();
    assert!(
        (dsum - f(&leg["distance"])).abs() < 0.05 * n as f64 + 0.5,
        "{dsum}"
    );
    assert!(!a["nodes"].as_array().unwrap().is_empty());
    let only = ok(&format!("/route/v1/car/{A};{D}?annotations=speed,nodes"));
    let a = &only["routes"][0]["legs"][0]["annotation"];
    assert!(a.get("speed").is_some() && a.get("nodes").is_some() && a.get("duration").is_none());
}

#[test]
fn route_radiuses_alternatives_and_skip_waypoints() {
    let Some(addr) = monaco() else { return };
    ok(&format!(
        "/route/v1/car/{A};{B}?radiuses=100;unlimited&alternatives=true&continue_straight=false"
    ));
    // A point 300 m off the road with a 10 m radius does not snap.
    let far = "7.4180,43.7300";
    assert_osrm_error(
        &get(addr, &format!("/route/v1/car/{far};{B}?radiuses=1;")),
        "NoSegment",
    );
    let v = ok(&format!("/route/v1/car/{A};{B}?skip_waypoints=true"));
    assert!(v.get("waypoints").is_none());
}

#[test]
fn table_matches_routes_and_handles_sources_destinations() {
    let Some(_) = monaco() else { return };
    let t = ok(&format!(
        "/table/v1/car/{A};{B};{C};{D}?annotations=duration,distance"
    ));
    let durations = t["durations"].as_array().unwrap();
    assert_eq!(durations.len(), 4);
    assert_eq!(t["sources"].as_array().unwrap().len(), 4);
    let pts = [A, B, C, D];
    for i in 0..4 {
        assert_eq!(f(&durations[i][i]), 0.0);
        for j in 0..4 {
            if i == j {
                continue;
            }
            let r = ok(&format!(
                "/route/v1/car/{};{}?overview=false",
                pts[i], pts[j]
            ));
            assert!(
                (f(&r["routes"][0]["duration"]) - f(&durations[i][j])).abs() < 0.11,
                "{i}->{j}"
            );
            assert!(
                (f(&r["routes"][0]["distance"]) - f(&t["distances"][i][j])).abs() < 0.11,
                "{i}->{j}"
            );
        }
    }
    let sub = ok(&format!(
        "/table/v1/car/{A};{B};{C};{D}?sources=3;0&destinations=1"
    ));
    assert_eq!(
        sub["durations"],
        json!([[durations[3][1]], [durations[0][1]]])
    );
    assert!(sub.get("distances").is_none());
    assert_eq!(sub["destinations"].as_array().unwrap().len(), 1);
    let scaled = ok(&format!("/table/v1/car/{A};{B}?scale_factor=2"));
    assert!((f(&scaled["durations"][0][1]) - 2.0 * f(&durations[0][1])).abs() < 0.2);
}

#[test]
fn post_equals_get() {
    let Some(addr) = monaco() else { return };
    let got = ok(&format!(
        "/table/v1/car/{A};{B};{C}?sources=0;1&annotations=distance"
    ));
    let body = json!({"coordinates": [[7.415637, 43.735767], [7.422844, 43.736876], [7.414254, 43.734398]], "sources": [0, 1], "annotations": ["distance"]});
    let a = post_json(addr, "/table/v1/car", &body);
    assert_eq!(a.status, 200);
    assert_eq!(a.json(), got);
    let r = post_json(
        addr,
        "/route/v1/foot",
        &json!({"coordinates": [[7.415637, 43.735767], [7.422844, 43.736876]], "steps": true, "overview": "full", "radiuses": [null, 200]}),
    );
    assert_eq!(r.status, 200, "{}", r.json());
    assert_eq!(
        r.json()["routes"][0]["legs"][0]["steps"][0]["mode"],
        "walking"
    );
}

#[test]
fn nearest_returns_sorted_roads_with_nodes() {
    let Some(_) = monaco() else { return };
    let v = ok(&format!("/nearest/v1/car/{A}.json?number=3"));
    let w = v["waypoints"].as_array().unwrap();
    assert_eq!(w.len(), 3);
    for pair in w.windows(2) {
        assert!(f(&pair[0]["distance"]) <= f(&pair[1]["distance"]));
    }
    assert_eq!(w[0]["nodes"].as_array().unwrap().len(), 2);
    let one = ok(&format!("/nearest/v1/foot/{A}"));
    // OSRM's usual profile names reach vmeste's profiles of the same mode.
    assert_eq!(ok(&format!("/nearest/v1/walking/{A}")), one);
    assert_eq!(ok(&format!("/nearest/v1/driving/{A}.json?number=3")), v);
    assert_eq!(one["waypoints"].as_array().unwrap().len(), 1);
}

#[test]
fn trip_orders_every_stop_once() {
    let Some(_) = monaco() else { return };
    for q in [
        "",
        "?roundtrip=true&source=first",
        "?roundtrip=false&source=first&destination=last",
    ] {
        let v = ok(&format!("/trip/v1/car/{A};{B};{C};{D}{q}"));
        let wps = v["waypoints"].as_array().unwrap();
        let mut idx: Vec<u64> = wps
            .iter()
            .map(|w| w["waypoint_index"].as_u64().unwrap())
            .collect();
        idx.sort_unstable();
        assert_eq!(idx, vec![0, 1, 2, 3], "{q}");
        assert!(wps.iter().all(|w| w["trips_index"] == 0));
        let legs = v["trips"][0]["legs"].as_array().unwrap().len();
        assert_eq!(
            legs,
            if q.contains("roundtrip=false") { 3 } else { 4 },
            "{q}"
        );
        if q.contains("source=first") {
            assert_eq!(wps[0]["waypoint_index"], 0);
        }
        if q.contains("destination=last") {
            assert_eq!(wps[3]["waypoint_index"], 3);
        }
    }
}

#[test]
fn polyline_coordinates_work_like_plain_ones() {
    let Some(_) = monaco() else { return };
    let line = polyline::encode_coordinates(
        [
            geo::coord! { x: 7.415637, y: 43.735767 },
            geo::coord! { x: 7.422844, y: 43.736876 },
        ],
        5,
    )
    .unwrap();
    let enc: String = line
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let p = ok(&format!("/route/v1/car/polyline({enc})?overview=false"));
    let plain = ok(&format!("/route/v1/car/{A};{B}?overview=false"));
    assert!((f(&p["routes"][0]["duration"]) - f(&plain["routes"][0]["duration"])).abs() < 1.0);
}

/// A point whose snapped road (car) can be left towards the city but never re-entered.
const ISLAND: &str = "7.428190,43.744469";

/// A radius that keeps [`ISLAND`] on its island: the main network is farther.
const ON_ISLAND: &str = "radiuses=unlimited;40;unlimited;unlimited";

#[test]
fn trip_moves_an_island_point_onto_the_main_network() {
    if monaco().is_none() {
        return;
    }
    let v = ok(&format!("/trip/v1/car/{A};{ISLAND};{B};{D}?overview=false"));
    assert_eq!(v["trips"].as_array().unwrap().len(), 1, "{v}");
    let moved = f(&v["waypoints"][1]["distance"]);
    let nearest = ok(&format!("/nearest/v1/car/{ISLAND}"));
    assert!(moved > f(&nearest["waypoints"][0]["distance"]), "{v}");
}

#[test]
fn trip_splits_into_groups_of_mutually_reachable_points() {
    let Some(addr) = monaco() else { return };
    for q in [
        format!("?{ON_ISLAND}"),
        format!("?roundtrip=false&{ON_ISLAND}"),
    ] {
        let q = q.as_str();
        let v = ok(&format!("/trip/v1/car/{A};{ISLAND};{B};{D}{q}"));
        let trips = v["trips"].as_array().unwrap();
        assert_eq!(trips.len(), 2, "{q}: {v}");
        let wps = v["waypoints"].as_array().unwrap();
        let trip_of: Vec<u64> = wps
            .iter()
            .map(|w| w["trips_index"].as_u64().unwrap())
            .collect();
        assert_eq!(trip_of, [0, 1, 0, 0], "{q}");
        assert_eq!(wps[1]["waypoint_index"], 0);
        let mut idx: Vec<u64> = [0, 2, 3]
            .iter()
            .map(|&i| wps[i]["waypoint_index"].as_u64().unwrap())
            .collect();
        idx.sort_unstable();
        assert_eq!(idx, [0, 1, 2], "{q}");
        let legs = |t: &Value| t["legs"].as_array().unwrap().len();
        let round = !q.contains("roundtrip");
        assert_eq!(legs(&trips[0]), if round { 3 } else { 2 }, "{q}");
        // The island alone: one zero-length leg, round or not, so its geometry is a line.
        assert_eq!(legs(&trips[1]), 1, "{q}");
        assert_eq!(f(&trips[1]["duration"]), 0.0);
        let line = ok(&format!(
            "/trip/v1/car/{A};{ISLAND};{B};{D}{q}&geometries=geojson"
        ));
        assert!(
            line["trips"][1]["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .len()
                >= 2,
            "{q}"
        );
        // Each trip equals the route through its stops in trip order.
        let mut order = vec![""; 3];
        for (i, c) in [A, B, D].iter().enumerate() {
            let k = usize::try_from(wps[[0, 2, 3][i]]["waypoint_index"].as_u64().unwrap()).unwrap();
            order[k] = c;
        }
        if round {
            order.push(order[0]);
        }
        // A trip allows U-turns at its stops (as OSRM's trip plugin).
        let r = ok(&format!(
            "/route/v1/car/{}?overview=false&continue_straight=false",
            order.join(";")
        ));
        assert!((f(&r["routes"][0]["duration"]) - f(&trips[0]["duration"])).abs() < 0.11);
    }
    // A fixed start and end cannot be in one trip with the island: NoTrips, as OSRM.
    assert_osrm_error(
        &get(
            addr,
            &format!(
                "/trip/v1/car/{ISLAND};{A};{B}?roundtrip=false&source=first&destination=last&radiuses=40;unlimited;unlimited"
            ),
        ),
        "NoTrips",
    );
}

#[test]
fn hints_come_back_and_are_used() {
    let Some(addr) = monaco() else { return };
    let v = ok(&format!("/route/v1/car/{A};{B};{C}?overview=false"));
    let hints: Vec<&str> = v["waypoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["hint"].as_str().unwrap())
        .collect();
    assert!(hints.iter().all(|h| h.len() == 43), "{hints:?}");
    // Every service stamps the same hint on the same snapped point.
    let t = ok(&format!("/table/v1/car/{A};{B};{C}"));
    assert_eq!(t["sources"][1]["hint"], hints[1]);
    let n = ok(&format!("/nearest/v1/car/{B}"));
    assert_eq!(n["waypoints"][0]["hint"], hints[1]);
    // Passed back (one empty), the answer is the same.
    let with = ok(&format!(
        "/route/v1/car/{A};{B};{C}?overview=false&hints={};;{}",
        hints[0], hints[2]
    ));
    assert_eq!(with, v);
    // A hint places its point even for another coordinate close by (within the radius).
    let moved = ok(&format!(
        "/route/v1/car/7.415700,43.735800;{B}?overview=false&hints={};",
        hints[0]
    ));
    assert_eq!(
        moved["waypoints"][0]["location"],
        v["waypoints"][0]["location"]
    );
    // POST takes them as an array with nulls.
    let body = json!({"coordinates": [[7.415637, 43.735767], [7.422844, 43.736876], [7.414254, 43.734398]],
                      "hints": [hints[0], null, hints[2]], "overview": "false"});
    let a = post_json(addr, "/route/v1/car", &body);
    assert_eq!(a.status, 200);
    assert_eq!(a.json(), v);
    // generate_hints=false leaves them out; skip_waypoints leaves the waypoints out.
    let v = ok(&format!(
        "/route/v1/car/{A};{B}?overview=false&generate_hints=false"
    ));
    assert!(v["waypoints"][0].get("hint").is_none());
    let v = ok(&format!("/trip/v1/car/{A};{B}?skip_waypoints=true"));
    assert!(v.get("waypoints").is_none());
    // Malformed: not base64, a count that does not match.
    for (q, code) in [
        ("hints=%24%24;", "InvalidQuery"),
        ("hints=;;", "InvalidOptions"),
    ] {
        assert_osrm_error(&get(addr, &format!("/route/v1/car/{A};{B}?{q}")), code);
    }
    // Base64 that is not a vmeste hint (e.g. an OSRM server's) is ignored, as is a hint from
    // another graph (foot): the car snap is used.
    let v = ok(&format!("/route/v1/car/{A};{B}?overview=false&hints=abcd;"));
    assert_eq!(v["waypoints"][0]["hint"], hints[0]);
    // A hint from another graph (foot) is ignored: the car snap is used.
    let foot = ok(&format!("/nearest/v1/foot/{A}"));
    let foreign = foot["waypoints"][0]["hint"].as_str().unwrap();
    let v = ok(&format!(
        "/route/v1/car/{A};{B}?overview=false&hints={foreign};"
    ));
    assert_eq!(v["waypoints"][0]["hint"], hints[0]);
}

#[test]
fn bearings_filter_roads() {
    let Some(addr) = monaco() else { return };
    let plain = ok(&format!("/route/v1/car/{A};{B}?overview=false"));
    // A range of 180° allows every road: the same answer.
    let all = ok(&format!(
        "/route/v1/car/{A};{B}?overview=false&bearings=0,180;"
    ));
    assert_eq!(all, plain);
    // Some direction other than the nearest road's moves the first point to another road.
    let moved = (0..360).step_by(30).find_map(|b| {
        let a = get(
            addr,
            &format!("/route/v1/car/{A};{B}?overview=false&bearings={b},10;"),
        );
        let v = a.json();
        (a.status == 200 && v["waypoints"][0]["location"] != plain["waypoints"][0]["location"])
            .then_some(v)
    });
    let moved = moved.expect("a bearing that picks another road");
    assert!(f(&moved["waypoints"][0]["distance"]) >= f(&plain["waypoints"][0]["distance"]));
    // No road that way within 1 m.
    assert_osrm_error(
        &get(
            addr,
            &format!("/route/v1/car/{A};{B}?radiuses=1;&bearings=45,0;"),
        ),
        "NoSegment",
    );
}
