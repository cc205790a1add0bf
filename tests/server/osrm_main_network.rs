//! The OSRM endpoints route from the connected network: a coordinate by a small island of the
//! road network goes to the nearest road of the main component (OSRM's rule), the waypoint's
//! `distance` says how far it was moved, and `/table` has no `null` cell where osrm-routed,
//! run on the same extract by the routing anchors, answers one.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::net::SocketAddr;
use std::sync::Arc;

use engine::dispatch::Engine;
use engine::types::EdgeId;
use serde_json::{Value, json};

use crate::http_support::{engine_from_osm, get, monaco, monaco_engine, post_json, start};
use crate::support;

/// Up to `n` points that the component rule places on a small island of the car graph: the
/// middle of the first piece of island roads, spread over the islands.
fn island_points(engine: &Engine, n: usize) -> Vec<[f64; 2]> {
    let g = engine.graph("car").unwrap();
    let index = engine.index("car").unwrap();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for e in 0..u32::try_from(g.num_edges()).unwrap() {
        let e = EdgeId(e);
        let comp = g.component(g.edge_tail(e));
        if comp == 0 || g.component(g.edge_head(e)) != comp || !seen.insert(comp) {
            continue;
        }
        let geom = g.edge_geometry(e);
        let p = [
            (geom[0].lon + geom[1].lon) / 2.0,
            (geom[0].lat + geom[1].lat) / 2.0,
        ];
        let honest = index.snap(p[0], p[1], None).unwrap();
        let main = index.snap_main(p[0], p[1], None, None).unwrap();
        if honest.component != 0 && main.is_some() {
            out.push(p);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

/// `POST /table/v1/car` with durations and distances; asserts the answer is `Ok`.
fn table(addr: SocketAddr, pts: &[[f64; 2]]) -> Value {
    let v = post_json(
        addr,
        "/table/v1/car",
        &json!({"coordinates": pts, "annotations": ["duration", "distance"]}),
    )
    .json();
    assert_eq!(v["code"], "Ok", "{v}");
    v
}

/// Routes from a road of the main network to each island point, and a table among them all:
/// every route exists, every cell is filled, and each island waypoint lies on the main
/// network, moved by the distance to its nearest road.
fn island_points_are_routed(addr: SocketAddr, engine: &Engine, origin: [f64; 2]) {
    let islands = island_points(engine, 20);
    assert!(!islands.is_empty(), "the extract has islands by its roads");
    let index = engine.index("car").unwrap();
    for p in &islands {
        let v = get(
            addr,
            &format!(
                "/route/v1/car/{},{};{},{}?overview=false",
                origin[0], origin[1], p[0], p[1]
            ),
        )
        .json();
        assert_eq!(v["code"], "Ok", "{p:?}: {v}");
        let main = index.snap_main(p[0], p[1], None, None).unwrap().unwrap();
        let moved = v["waypoints"][1]["distance"].as_f64().unwrap();
        assert!(
            (moved - main.distance_m).abs() < 0.01,
            "{moved} vs {main:?}"
        );
        let honest = index.snap(p[0], p[1], None).unwrap();
        assert!(moved > honest.distance_m, "moved off the island");
    }
    let mut pts = vec![origin];
    pts.extend(&islands);
    let v = table(addr, &pts);
    for (i, row) in v["durations"].as_array().unwrap().iter().enumerate() {
        for (j, cell) in row.as_array().unwrap().iter().enumerate() {
            assert!(cell.is_number(), "{i}->{j} is null");
        }
    }
    // All coordinates by the same island: they stay on it (OSRM's exception).
    let p = islands[0];
    let v = get(
        addr,
        &format!("/route/v1/car/{},{};{},{}", p[0], p[1], p[0], p[1]),
    )
    .json();
    assert_eq!(v["code"], "Ok", "{v}");
    let honest = index.snap(p[0], p[1], None).unwrap();
    let d = v["waypoints"][0]["distance"].as_f64().unwrap();
    assert!((d - honest.distance_m).abs() < 0.01, "{d} vs {honest:?}");
}

/// The first 100 workload points' table against osrm-routed's recorded answer: no `null`
/// cell where OSRM has a number. Returns (our nulls, OSRM's nulls).
fn table_matches_osrm_nulls(addr: SocketAddr, workload: &str) -> Option<(usize, usize)> {
    let points = support::anchors(&format!("routing/workloads/{workload}/points.csv"))?;
    let reference = support::anchors(&format!(
        "routing/workloads/{workload}/reference_osrm_CH_table100.json"
    ))?;
    let text = std::fs::read_to_string(points).unwrap();
    let pts: Vec<[f64; 2]> = text
        .lines()
        .skip(1)
        .take(100)
        .map(|l| {
            let c: Vec<f64> = l.split(',').map(|c| c.parse().unwrap()).collect();
            [c[1], c[2]]
        })
        .collect();
    let osrm: Value = serde_json::from_str(&std::fs::read_to_string(reference).unwrap()).unwrap();
    let v = table(addr, &pts);
    let (mut ours, mut theirs) = (0, 0);
    for i in 0..pts.len() {
        for j in 0..pts.len() {
            let (a, b) = (&v["durations"][i][j], &osrm["durations"][i][j]);
            ours += usize::from(a.is_null());
            theirs += usize::from(b.is_null());
            assert!(
                !(a.is_null() && b.is_number()),
                "{workload} {i}->{j}: null where osrm-routed answers {b}"
            );
        }
    }
    Some((ours, theirs))
}

#[test]
fn monaco_island_points_are_routed_from_the_main_network() {
    let (Some(addr), Some(engine)) = (monaco(), monaco_engine()) else {
        return;
    };
    island_points_are_routed(addr, &engine, [7.4246, 43.7384]);
    table_matches_osrm_nulls(addr, "monaco-2023-12-26");
}

fn extract_server(extract: &str) -> Option<(SocketAddr, Arc<Engine>)> {
    let path = support::osm(&format!("{extract}.osm.pbf"))?;
    let engine = Arc::new(engine_from_osm(&path, &["car"]));
    Some((
        start(Arc::clone(&engine), server::http::Limits::default()),
        engine,
    ))
}

#[test]
#[ignore = "builds three extracts' hierarchies: run in release"]
fn tables_have_no_null_cell_where_osrm_answers() {
    for (extract, origin) in [
        ("andorra-2020-05-01", [1.5218, 42.5063]),
        ("isle-of-man-2020-03-13", [-4.4824, 54.1509]),
        ("porto-2015-06-06-highways", [-8.6110, 41.1496]),
    ] {
        let Some((addr, engine)) = extract_server(extract) else {
            return;
        };
        let counts = table_matches_osrm_nulls(addr, extract);
        eprintln!("{extract}: (our, osrm-routed) null cells of 100 x 100: {counts:?}");
        island_points_are_routed(addr, &engine, origin);
    }
}
