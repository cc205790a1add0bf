//! Road closures on Monaco: the bridge Pont Sainte-Dévote (every car way of that name)
//! closed at run time. Routes, legs, tables, trips, placed costs (the candidates' ranking)
//! and solver matrices (plans) must equal those of an engine built from the extract
//! without those ways; lifting the closure restores the first answers.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers fail loudly; rounded seconds and metres of Monaco routes"
)]

use engine::board::Time;
use engine::closures::{ClosureTarget, Matchers, NewClosure, apply};
use engine::dispatch::{Engine, Location, TripEnds};
use engine::routing::Dijkstra;
use engine::types::EdgeId;

use crate::support;

/// The bridge closed by the tests (two one-way carriageways in the car graph).
const BRIDGE: &str = "Pont Sainte-Dévote";

/// Points on Monaco's roads on both sides of the bridge, `[lon, lat]`.
const POINTS: [[f64; 2]; 6] = [
    [7.415637, 43.735767],
    [7.422844, 43.736876],
    [7.414254, 43.734398],
    [7.421300, 43.739900],
    [7.416900, 43.737500],
    [7.425500, 43.741300],
];

/// The car engine of Monaco, and the OSM ways named `name` in it.
fn monaco_car(skip: &[i64]) -> Option<(Engine, Vec<i64>)> {
    let path = support::osm("monaco-2023-12-26.osm.pbf")?;
    let profile = engine::osm::Profile::by_name("car").expect("car profile");
    let mut net = engine::osm::read_network(&path, profile).expect("monaco reads");
    let was_junction = junctions(&net);
    net.ways.retain(|w| !skip.contains(&w.id.0));
    // A closed road still meets the others at its junctions: nodes that stop being
    // junctions without the skipped ways keep the junction delay a closure leaves them.
    let is_junction = junctions(&net);
    let junction_ds = (profile.junction_delay_s * 10.0).round() as u16;
    for (v, delay) in net.node_delay.iter_mut().enumerate() {
        if was_junction[v] && !is_junction[v] {
            *delay += junction_ds;
        }
    }
    let graph = engine::graph::from_network(&net).expect("graph builds");
    let mut ways: Vec<i64> = (0..graph.num_edges())
        .map(|i| EdgeId(u32::try_from(i).unwrap()))
        .filter(|&e| graph.edge_name(e) == BRIDGE)
        .map(|e| graph.edge_way(e).0)
        .collect();
    ways.sort_unstable();
    ways.dedup();
    let mut engine = Engine::new();
    engine.add_profile(graph, None).expect("hierarchy builds");
    engine.build_hub_labels(usize::MAX);
    Some((engine, ways))
}

/// Whether each node of the network is a junction (three or more distinct neighbours).
fn junctions(net: &engine::osm::OsmNetwork) -> Vec<bool> {
    let mut neighbours = vec![std::collections::BTreeSet::new(); net.node_ids.len()];
    for way in &net.ways {
        for w in net.nodes_of(way).windows(2) {
            neighbours[w[0] as usize].insert(w[1]);
            neighbours[w[1] as usize].insert(w[0]);
        }
    }
    neighbours.iter().map(|n| n.len() >= 3).collect()
}

fn locations() -> Vec<Location> {
    POINTS.iter().map(|p| Location::new(p[0], p[1])).collect()
}

/// Durations and distances of every answer that routing gives, rounded to the decisecond
/// and the metre.
fn answers(e: &Engine) -> Vec<(String, i64, i64)> {
    let locs = locations();
    let all: Vec<usize> = (0..locs.len()).collect();
    let round = |d: f64, m: f64| ((d * 10.0).round() as i64, m.round() as i64);
    let mut out = Vec::new();
    for i in 0..locs.len() {
        for j in 0..locs.len() {
            if i == j {
                continue;
            }
            let r = e.route("car", &[locs[i], locs[j]]).expect("route");
            let (d, m) = round(r.legs[0].duration_s, r.legs[0].distance_m);
            out.push((format!("route {i}->{j}"), d, m));
            let placed = |k: usize| e.place("car", locs[k]).expect("placed");
            let c = e
                .placed_costs("car", &[placed(i)], &[placed(j)])
                .expect("placed costs")[0]
                .expect("reachable");
            out.push((
                format!("placed {i}->{j}"),
                i64::from(c.duration.0),
                i64::from(c.distance.0),
            ));
        }
    }
    let t = e.table("car", &locs, &all, &all).expect("table");
    for (k, (d, m)) in t.durations_s.iter().zip(&t.distances_m).enumerate() {
        let (d, m) = round(d.expect("cell"), m.expect("cell"));
        out.push((format!("table cell {k}"), d, m));
    }
    let ends = TripEnds {
        roundtrip: true,
        first_is_start: true,
        last_is_end: false,
    };
    let trip = &e.trip("car", &locs, ends).expect("trip")[0];
    let total: f64 = trip.route.legs.iter().map(|l| l.duration_s).sum();
    out.push(("trip".into(), (total * 10.0).round() as i64, 0));
    let sm = e.solver_matrix("car", &locs).expect("solver matrix");
    for (k, (&d, &m)) in sm
        .matrix
        .durations
        .iter()
        .zip(&sm.matrix.distances)
        .enumerate()
    {
        out.push((
            format!("solver matrix cell {k}"),
            i64::from(d),
            i64::from(m),
        ));
    }
    out
}

#[test]
fn a_closed_bridge_is_driven_around_as_if_it_were_not_mapped_and_lifting_restores_it() {
    let Some((full, bridge)) = monaco_car(&[]) else {
        return;
    };
    assert!(!bridge.is_empty(), "{BRIDGE} is in the car graph");
    let (without, none) = monaco_car(&bridge).expect("extract");
    assert!(none.is_empty());
    let before = answers(&full);
    let reference = answers(&without);
    let changed = before
        .iter()
        .zip(&reference)
        .filter(|(a, b)| a != b)
        .count();
    assert!(
        changed >= 4,
        "the bridge is on some of the routes ({changed} differ)"
    );

    let now = Time(1_800_000_000);
    let closure = NewClosure {
        target: ClosureTarget::Ways(bridge.clone()),
        profiles: vec!["car".into()],
        starts_at: None,
        ends_at: None,
        reason: "bridge inspection".into(),
    }
    .validate(now, "coordinator:1")
    .expect("valid");
    let mut matchers = Matchers::new();
    let applied = apply(&full, &mut matchers, std::slice::from_ref(&closure), now).unwrap();
    assert_eq!(applied[0].closures, 1);
    assert!(applied[0].edges >= bridge.len());
    let closed = answers(&full);
    for (got, want) in closed.iter().zip(&reference) {
        assert_eq!(got, want);
    }
    // No route drives over the bridge, and each equals Dijkstra avoiding the closed edges.
    let g = full.graph("car").unwrap();
    let set = full.closed_edges("car").expect("closed edges");
    let locs = locations();
    let mut space = engine::routing::SearchSpace::new(g.num_nodes());
    for i in 0..locs.len() {
        for j in 0..locs.len() {
            let (a, b) = (
                full.place("car", locs[i]).unwrap(),
                full.place("car", locs[j]).unwrap(),
            );
            let r = full.route("car", &[locs[i], locs[j]]).unwrap();
            assert!(r.legs[0].spans.iter().all(|s| s.name != BRIDGE), "{i}->{j}");
            let d = Dijkstra::new(g)
                .avoiding(&set)
                .query(&mut space, a.point, b.point)
                .unwrap()
                .unwrap();
            assert_eq!(
                (r.legs[0].duration_s * 10.0).round() as u32,
                d.duration.0,
                "{i}->{j}"
            );
        }
    }
    // Lifted (or ended): the first answers again.
    let mut lifted = closure.clone();
    lifted.lifted_at = Some(now.plus(60));
    apply(&full, &mut matchers, &[lifted], now.plus(120)).unwrap();
    assert_eq!(answers(&full), before);
    // A closure for foot only leaves cars alone; one that has ended too.
    let mut foot = closure.clone();
    foot.profiles = vec!["foot".into()];
    let mut ended = closure;
    ended.ends_at = Some(now.plus(10));
    apply(&full, &mut matchers, &[foot, ended], now.plus(120)).unwrap();
    assert!(full.closed_edges("car").is_none());
    assert_eq!(answers(&full), before);
}
