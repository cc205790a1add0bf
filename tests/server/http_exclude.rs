//! OSRM's `exclude=` over HTTP: classes per profile in `/health`, routes, tables and trips
//! that avoid motorways and ferries (a synthetic town with an island reached only by ferry,
//! and Monaco), and malformed or hostile values.
#![allow(clippy::unwrap_used, reason = "test code")]

use std::sync::{Arc, OnceLock};

use engine::dispatch::Engine;
use engine::graph::{FLAG_FERRY, GraphBuilder, Segment, SegmentAttrs};
use engine::osm::{Junction, RoadClass};
use engine::types::{Deciseconds, LonLat, Meters, NodeId, OsmNodeId, OsmWayId};
use server::http::Limits;

use crate::http_support::{assert_osrm_error, get, monaco, start};

/// A town on a line of streets `0 – 1 – 2 – 3` (0.01° apart), a motorway `0 – 3` that is
/// faster, and an island `4 – 5` reached from 3 by a ferry only.
fn island_engine() -> Engine {
    let mut b = GraphBuilder::new("car");
    let pts = [
        (0.00, 0.0),
        (0.01, 0.0),
        (0.02, 0.0),
        (0.03, 0.0),
        (0.03, 0.02),
        (0.04, 0.02),
    ];
    for (i, &(x, y)) in pts.iter().enumerate() {
        b.add_node(OsmNodeId(i as i64 + 1), LonLat::new(x, y));
    }
    let roads = [
        (0, 1, 1_113, 1_000, RoadClass::Residential, 0),
        (1, 2, 1_113, 1_000, RoadClass::Residential, 0),
        (2, 3, 1_113, 1_000, RoadClass::Residential, 0),
        (0, 3, 3_400, 1_200, RoadClass::Motorway, 0),
        (3, 4, 2_226, 6_000, RoadClass::Ferry, FLAG_FERRY),
        (4, 5, 1_113, 1_000, RoadClass::Residential, 0),
    ];
    for (k, &(t, h, m, ds, class, flags)) in roads.iter().enumerate() {
        let s = Segment {
            tail: NodeId(t),
            head: NodeId(h),
            forward: Some(Deciseconds(ds)),
            backward: Some(Deciseconds(ds)),
            distance: Meters(m),
            way: OsmWayId(k as i64 + 1),
            name: "",
            flags,
            geometry: &[],
        };
        let attrs = SegmentAttrs {
            class,
            junction: Junction::None,
            reference: "",
            destination: "",
            geometry_osm: &[],
        };
        b.add_segment_with(&s, &attrs).unwrap();
    }
    let mut engine = Engine::new();
    engine.add_profile(b.build().unwrap(), None).unwrap();
    engine
}

fn island() -> std::net::SocketAddr {
    static ADDR: OnceLock<std::net::SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| start(Arc::new(island_engine()), Limits::default()))
}

/// Near node 0, near the middle of street 2 – 3, and on the island street.
const WEST: &str = "0.0005,0.0001";
const EAST: &str = "0.0250,0.0001";
const ISLAND: &str = "0.0350,0.0201";

fn duration(addr: std::net::SocketAddr, path: &str) -> f64 {
    let v = get(addr, path).json();
    assert_eq!(v["code"], "Ok", "{path}: {v}");
    v["routes"][0]["duration"].as_f64().unwrap()
}

#[test]
fn excluding_motorways_takes_the_streets_and_ferries_leave_the_island_unreached() {
    let addr = island();
    let fast = duration(addr, &format!("/route/v1/car/{WEST};{EAST}"));
    let streets = duration(
        addr,
        &format!("/route/v1/car/{WEST};{EAST}?exclude=motorway"),
    );
    assert!(streets > fast + 50.0, "{fast} {streets}");
    // The ferry is the only way to the island.
    let by_boat = duration(addr, &format!("/route/v1/car/{WEST};{ISLAND}"));
    assert!(by_boat > 600.0, "{by_boat}");
    assert_osrm_error(
        &get(
            addr,
            &format!("/route/v1/car/{WEST};{ISLAND}?exclude=ferry"),
        ),
        "NoRoute",
    );
    // The rest of the network still routes with the same exclusion.
    let mainland = duration(addr, &format!("/route/v1/car/{WEST};{EAST}?exclude=ferry"));
    assert!((mainland - fast).abs() < 0.01, "{fast} {mainland}");
    // POST JSON carries the classes as an array.
    let body = serde_json::json!({
        "coordinates": [[0.0005, 0.0001], [0.025, 0.0001]],
        "exclude": ["motorway", "ferry"],
    });
    let v = crate::http_support::post_json(addr, "/route/v1/car", &body).json();
    assert_eq!(v["code"], "Ok", "{v}");
    assert!((v["routes"][0]["duration"].as_f64().unwrap() - streets).abs() < 0.01);
}

#[test]
fn tables_and_trips_exclude_too() {
    let addr = island();
    let coords = format!("{WEST};{EAST};{ISLAND}");
    let v = get(
        addr,
        &format!("/table/v1/car/{coords}?exclude=ferry,motorway"),
    )
    .json();
    assert_eq!(v["code"], "Ok", "{v}");
    let d = &v["durations"];
    assert!(
        d[0][2].is_null() && d[2][0].is_null() && d[1][2].is_null(),
        "{v}"
    );
    assert!(d[2][2].as_f64() == Some(0.0), "{v}");
    let streets = duration(
        addr,
        &format!("/route/v1/car/{WEST};{EAST}?exclude=motorway"),
    );
    assert!((d[0][1].as_f64().unwrap() - streets).abs() < 0.11, "{v}");
    let open = get(addr, &format!("/table/v1/car/{coords}")).json();
    assert!(open["durations"][0][2].as_f64().unwrap() > 0.0, "{open}");
    // A trip over the mainland avoids the motorway; with the island it splits (OSRM's rule).
    let t = get(
        addr,
        &format!("/trip/v1/car/{WEST};{EAST}?exclude=motorway"),
    )
    .json();
    assert_eq!(t["code"], "Ok", "{t}");
    assert!(
        (t["trips"][0]["duration"].as_f64().unwrap() - 2.0 * streets).abs() < 1.0,
        "{t}"
    );
    let t = get(addr, &format!("/trip/v1/car/{coords}?exclude=ferry")).json();
    assert_eq!(t["code"], "Ok", "{t}");
    assert_eq!(t["trips"].as_array().unwrap().len(), 2, "{t}");
    // nearest ignores exclude.
    let n = get(addr, &format!("/nearest/v1/car/{ISLAND}?exclude=ferry")).json();
    assert_eq!(n["code"], "Ok", "{n}");
}

#[test]
fn health_and_openapi_list_the_classes_per_profile() {
    let Some(addr) = monaco() else {
        return;
    };
    let h = get(addr, "/health").json();
    assert_eq!(
        h["exclude"]["car"],
        serde_json::json!(["motorway", "toll", "ferry", "unpaved"]),
        "{h}"
    );
    assert_eq!(h["exclude"]["foot"], serde_json::json!(["ferry"]), "{h}");
    let doc = get(addr, "/openapi.json").body;
    let doc = String::from_utf8(doc).unwrap();
    assert!(
        doc.contains("bicycle: ferry, unpaved"),
        "OpenAPI lists the classes"
    );
}

#[test]
fn exclusions_on_monaco_never_shorten_a_route_and_tables_agree() {
    let Some(addr) = monaco() else {
        return;
    };
    let points = [
        "7.415637,43.735767",
        "7.422844,43.736876",
        "7.428,43.739",
        "7.4195,43.7307",
    ];
    let all = points.join(";");
    for exclude in ["motorway", "toll,unpaved", "ferry,motorway,toll,unpaved"] {
        let t = get(addr, &format!("/table/v1/car/{all}?exclude={exclude}")).json();
        assert_eq!(t["code"], "Ok", "{t}");
        for (i, a) in points.iter().enumerate() {
            for (j, b) in points.iter().enumerate() {
                if i == j {
                    continue;
                }
                let open = duration(addr, &format!("/route/v1/car/{a};{b}"));
                let without = duration(addr, &format!("/route/v1/car/{a};{b}?exclude={exclude}"));
                assert!(without + 0.01 >= open, "{exclude}: {a} -> {b}");
                let cell = t["durations"][i][j].as_f64().unwrap();
                assert!(
                    (cell - without).abs() < 0.11,
                    "{exclude}: {cell} vs {without}"
                );
            }
        }
    }
    // Foot declares ferry only.
    assert_osrm_error(
        &get(addr, &format!("/route/v1/foot/{all}?exclude=motorway")),
        "InvalidValue",
    );
    assert_eq!(
        get(addr, &format!("/route/v1/foot/{all}?exclude=ferry")).json()["code"],
        "Ok"
    );
}

#[test]
fn hostile_exclude_values_are_refused_or_harmless() {
    let addr = island();
    let route = |q: &str| get(addr, &format!("/route/v1/car/{WEST};{EAST}?{q}"));
    assert_eq!(route("exclude=").json()["code"], "Ok");
    assert_osrm_error(&route("exclude=,,"), "InvalidQuery");
    assert_osrm_error(&route("exclude=ferry,"), "InvalidQuery");
    assert_osrm_error(&route("exclude=%00"), "InvalidValue");
    assert_osrm_error(&route("exclude=FERRY"), "InvalidValue");
    assert_osrm_error(&route("exclude=ferry&exclude=toll"), "InvalidQuery");
    // Duplicates count once; a very long list of them is fine, a long unknown name is not.
    assert_eq!(route("exclude=toll,toll,ferry,toll").json()["code"], "Ok");
    let long = vec!["ferry"; 1500].join(",");
    assert_eq!(route(&format!("exclude={long}")).json()["code"], "Ok");
    let junk = "x".repeat(6000);
    let a = route(&format!("exclude={junk}"));
    assert_osrm_error(&a, "InvalidValue");
    assert!(a.json()["message"].as_str().unwrap().len() < 400);
    let table = get(addr, &format!("/table/v1/car/{WEST};{EAST}?exclude=tram"));
    assert_osrm_error(&table, "InvalidValue");
}
