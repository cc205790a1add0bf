//! `/v1/closures` over a real server: the bridge Pont Sainte-Dévote in Monaco closed by way
//! id, by a line drawn across it and by a polygon around it; OSRM routes and tables go
//! around it (equal to Dijkstra avoiding the closed edges) from the answer to the create on,
//! on the exact fallback and then, within seconds, on the customized metric, and come back
//! when it is lifted; closures survive a restart of the server (SQLite file
//! and PostgreSQL).
//!
//! Each test runs on its own engine: closures change the engine they are applied to.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::sync::Arc;

use engine::board::Role;
use engine::dispatch::Engine;
use engine::routing::{Dijkstra, SearchSpace};
use engine::types::EdgeId;
use serde_json::{Value, json};

use crate::http_support::{engine_from_osm, get};
use crate::support;
use crate::v1_support::TestBoard;

/// The bridge closed by the tests.
const BRIDGE: &str = "Pont Sainte-Dévote";
/// A trip over the bridge when it is open: from the Jardin Exotique side to the port.
const FROM: [f64; 2] = [7.415637, 43.735767];
const TO: [f64; 2] = [7.422844, 43.736876];

fn private_engine() -> Option<Arc<Engine>> {
    let path = support::osm("monaco-2023-12-26.osm.pbf")?;
    Some(Arc::new(engine_from_osm(&path, &["car", "foot"])))
}

/// The OSM ways of the bridge in the car graph.
fn bridge_ways(e: &Engine) -> Vec<i64> {
    let g = e.graph("car").unwrap();
    let mut ways: Vec<i64> = (0..g.num_edges())
        .map(|i| EdgeId(u32::try_from(i).unwrap()))
        .filter(|&e| g.edge_name(e) == BRIDGE)
        .map(|e| g.edge_way(e).0)
        .collect();
    ways.sort_unstable();
    ways.dedup();
    ways
}

/// `(duration_s, distance_m, road names)` of the car route from `FROM` to `TO`.
fn route(b: &TestBoard) -> (f64, f64, Vec<String>) {
    let r = get(
        b.addr,
        &format!(
            "/route/v1/car/{},{};{},{}?steps=true",
            FROM[0], FROM[1], TO[0], TO[1]
        ),
    )
    .json();
    let r0 = &r["routes"][0];
    let names = r0["legs"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    (
        r0["duration"].as_f64().unwrap(),
        r0["distance"].as_f64().unwrap(),
        names,
    )
}

/// Duration of the car route by Dijkstra on the graph without the engine's closed edges.
fn dijkstra_avoiding(e: &Engine) -> f64 {
    let g = e.graph("car").unwrap();
    let closed = e.closed_edges("car").expect("some edges are closed");
    let place = |p: [f64; 2]| {
        e.place("car", engine::dispatch::Location::new(p[0], p[1]))
            .unwrap()
            .point
    };
    let mut space = SearchSpace::new(g.num_nodes());
    let c = Dijkstra::new(g)
        .avoiding(&closed)
        .query(&mut space, place(FROM), place(TO))
        .unwrap()
        .expect("a way around");
    c.duration.as_secs_f64()
}

fn create(b: &TestBoard, token: &str, body: &Value) -> Value {
    let a = b.json("POST", "/v1/closures", token, body);
    assert_eq!(a.status, 201, "{}", String::from_utf8_lossy(&a.body));
    a.json()
}

#[test]
fn a_bridge_closed_by_way_line_or_polygon_is_driven_around_until_lifted() {
    let Some(engine) = private_engine() else {
        return;
    };
    let ways = bridge_ways(&engine);
    assert!(!ways.is_empty(), "{BRIDGE} is in the car graph");
    let b = TestBoard::start_with(Arc::clone(&engine), Default::default());
    let coord = b.token(Role::Coordinator, &[1], None);
    let open = route(&b);
    assert!(open.2.iter().any(|n| n == BRIDGE), "{:?}", open.2);
    let table_open = get(
        b.addr,
        &format!("/table/v1/car/{},{};{},{}", FROM[0], FROM[1], TO[0], TO[1]),
    )
    .json();

    let square = [
        [7.4187, 43.7380],
        [7.4199, 43.7380],
        [7.4199, 43.7391],
        [7.4187, 43.7391],
        [7.4187, 43.7380],
    ];
    let bodies = [
        json!({"target": {"ways": ways}, "profiles": ["car"], "reason": "bridge inspection"}),
        json!({"target": {"line": [[7.4190, 43.73845], [7.4195, 43.73840]]}, "reason": "flood"}),
        json!({"geometry": {"type": "Polygon", "coordinates": [square]}, "reason": "works"}),
    ];
    for body in &bodies {
        let c = create(&b, &coord, body);
        let id = c["id"].as_i64().unwrap();
        // Routing avoids it from the answer on.
        let (duration, distance, names) = route(&b);
        assert!(duration > open.0, "{body}: {duration} <= {}", open.0);
        assert!(
            (duration - dijkstra_avoiding(&engine)).abs() < 0.051,
            "{body}"
        );
        assert!(distance > 0.0);
        if body["target"]["ways"].is_array() {
            assert!(names.iter().all(|n| n != BRIDGE), "{names:?}");
        }
        // Within seconds a metric of the customizable hierarchy answers (customized in the
        // background; the exact fallback before): the same route.
        let t = std::time::Instant::now();
        while !engine.is_customized("car") {
            assert!(t.elapsed().as_secs() < 10, "{body}: no customized metric");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let customized = route(&b);
        assert_eq!((customized.0, customized.1), (duration, distance), "{body}");
        let t = get(
            b.addr,
            &format!("/table/v1/car/{},{};{},{}", FROM[0], FROM[1], TO[0], TO[1]),
        )
        .json();
        assert!((t["durations"][0][1].as_f64().unwrap() - duration).abs() < 0.051);
        let listed = b.get("/v1/closures?active_at=now", &coord).json();
        assert_eq!(listed["items"].as_array().unwrap().len(), 1);
        assert_eq!(b.get(&format!("/v1/closures/{id}"), &coord).json(), c);
        // Lifted: the first route again, the closure still listed (lifted).
        let lifted = b.send(
            "DELETE",
            &format!("/v1/closures/{id}"),
            Some(&coord),
            &[],
            None,
        );
        assert_eq!(lifted.status, 200);
        assert!(lifted.json()["lifted_at"].is_string());
        assert_eq!(route(&b), open);
        assert_eq!(
            get(
                b.addr,
                &format!("/table/v1/car/{},{};{},{}", FROM[0], FROM[1], TO[0], TO[1]),
            )
            .json(),
            table_open
        );
        assert!(
            b.get("/v1/closures?active_at=now", &coord).json()["items"]
                .as_array()
                .unwrap()
                .is_empty()
        );
    }
    assert_eq!(
        b.get("/v1/closures", &coord).json()["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // A closure for foot only, and one that starts later, leave cars alone.
    create(
        &b,
        &coord,
        &json!({"target": {"ways": ways}, "profiles": ["foot"], "reason": "footway works"}),
    );
    create(
        &b,
        &coord,
        &json!({"target": {"ways": ways}, "starts_at": "2099-01-01T00:00:00Z", "reason": "later"}),
    );
    assert_eq!(route(&b), open);
    // The events carry every change (closures belong to no headquarters: admins see them).
    let admin = b.token(Role::Admin, &[], None);
    let events = b.get("/v1/events.json", &admin).json();
    let kinds: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"] == "closure")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|&&k| k == "created").count(), 5);
    assert_eq!(kinds.iter().filter(|&&k| k == "lifted").count(), 3);
}

/// Closes the bridge on a server over `target`, stops it, starts another over the same
/// store on a fresh engine: the route still goes around.
fn survives_a_restart(target: &str) {
    let Some(first) = private_engine() else {
        return;
    };
    let ways = bridge_ways(&first);
    let b = TestBoard::start_with_store(Arc::clone(&first), target);
    let admin = b.token(Role::Admin, &[], None);
    let open = route(&b);
    create(
        &b,
        &admin,
        &json!({"target": {"ways": ways}, "reason": "bridge inspection"}),
    );
    let closed = route(&b);
    assert!(closed.0 > open.0);
    drop(b);
    let second = private_engine().unwrap();
    let b = TestBoard::start_with_store(second, target);
    assert_eq!(route(&b), closed, "the first request after a restart");
}

#[test]
fn a_closure_survives_a_restart_in_a_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db");
    survives_a_restart(path.to_str().unwrap());
}

#[test]
fn a_closure_survives_a_restart_on_postgresql() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let Some(url) = rt.block_on(crate::store_support::postgres_database()) else {
        return;
    };
    drop(rt);
    survives_a_restart(&url);
}
