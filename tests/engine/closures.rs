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

/// A closure of the bridge's `ways` for cars, from `now` on.
fn bridge_closure(ways: Vec<i64>, now: Time) -> engine::closures::Closure {
    NewClosure {
        target: ClosureTarget::Ways(ways),
        profiles: vec!["car".into()],
        starts_at: None,
        ends_at: None,
        reason: "bridge inspection".into(),
    }
    .validate(now, "coordinator:1")
    .expect("valid")
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
    let closure = bridge_closure(bridge.clone(), now);
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

/// Waits (at most 60 s) until `profile`'s closures are answered by a customized metric.
fn wait_customized(e: &Engine, profile: &str) -> std::time::Duration {
    let t = std::time::Instant::now();
    while !e.is_customized(profile) {
        assert!(
            t.elapsed().as_secs() < 60,
            "the metric of the closures is not ready after 60 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    t.elapsed()
}

#[test]
fn closures_switch_to_the_customized_metric_in_the_background_with_the_same_answers() {
    let Some((full, bridge)) = monaco_car(&[]) else {
        return;
    };
    let (without, _) = monaco_car(&bridge).expect("extract");
    let reference = answers(&without);
    let before = answers(&full);
    // The order is built on its own thread at start-up; queries go on meanwhile.
    full.build_cch_in_background();
    assert_eq!(answers(&full), before);
    let now = Time(1_800_000_000);
    let closure = bridge_closure(bridge, now);
    let mut matchers = Matchers::new();
    apply(&full, &mut matchers, std::slice::from_ref(&closure), now).unwrap();
    // Right away (fallback or metric, whichever is ready), then on the metric.
    assert_eq!(answers(&full), reference);
    let waited = wait_customized(&full, "car");
    assert!(full.is_customized("car"));
    assert_eq!(answers(&full), reference, "after {waited:?}");
    // Lifting switches back to the hierarchy at once.
    apply(&full, &mut matchers, &[], now).unwrap();
    assert!(full.is_customized("car"));
    assert_eq!(answers(&full), before);
}

/// Queries running on two threads while the closed edges change twelve times (each change
/// re-customizes in the background, some customizations superseded before they finish):
/// none fails, and each answer equals Dijkstra without the edges of one of the sets in
/// force while it ran.
#[test]
fn queries_during_recustomization_never_fail_and_never_cross_a_closed_road() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use engine::routing::{ClosedEdges, SearchSpace};
    use rand::{RngExt, SeedableRng};

    let Some(path) = support::osm("andorra-2020-05-01.osm.pbf") else {
        return;
    };
    let profile = engine::osm::Profile::by_name("car").expect("car profile");
    let net = engine::osm::read_network(&path, profile).expect("andorra reads");
    let graph = engine::graph::from_network(&net).expect("graph builds");
    let mut engine = Engine::new();
    engine.add_profile(graph, None).expect("hierarchy builds");
    engine.build_hub_labels(usize::MAX);
    engine.build_cch_in_background();
    let g = engine.graph("car").unwrap();
    let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
    // Points placed once; the routes are asked at the snapped positions (placed the same).
    let (lo, hi) = g.bbox().unwrap();
    let mut placed = Vec::new();
    let mut locs = Vec::new();
    while placed.len() < 24 {
        let loc = Location::new(
            rng.random_range(lo.lon..hi.lon),
            rng.random_range(lo.lat..hi.lat),
        );
        if let Ok(p) = engine.place("car", loc) {
            let at = Location::new(p.hint.location.lon, p.hint.location.lat);
            placed.push(engine.place("car", at).unwrap());
            locs.push(at);
        }
    }
    let pairs: Vec<(usize, usize)> = (0..placed.len() / 2).map(|i| (2 * i, 2 * i + 1)).collect();
    // Closed sets: random roads (both directions), around the main roads the pairs use.
    let sets: Vec<Option<ClosedEdges>> = [0usize, 10, 100, 1, 30, 0, 100, 10, 1, 30, 100, 0]
        .iter()
        .map(|&roads| {
            (roads > 0).then(|| {
                let mut edges = Vec::new();
                for _ in 0..roads {
                    let e = EdgeId(rng.random_range(0..g.num_edges() as u32));
                    edges.push(e);
                    edges.extend(g.edge_twin(e));
                }
                ClosedEdges::new(g, edges).unwrap()
            })
        })
        .collect();
    let mut space = SearchSpace::new(g.num_nodes());
    let refs: Vec<Vec<Option<u32>>> = sets
        .iter()
        .map(|set| {
            let empty = ClosedEdges::new(g, []).unwrap();
            let d = Dijkstra::new(g).avoiding(set.as_ref().unwrap_or(&empty));
            pairs
                .iter()
                .map(|&(a, b)| {
                    d.query(&mut space, placed[a].point, placed[b].point)
                        .unwrap()
                        .map(|c| c.duration.0)
                })
                .collect()
        })
        .collect();
    // `current` is raised before each change: a query that starts when it reads k sees
    // set k - 1 or a later one.
    let current = AtomicUsize::new(0);
    let done = AtomicBool::new(false);
    let checked = AtomicUsize::new(0);
    engine.set_closed_edges("car", sets[0].clone()).unwrap();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let mut rounds = 0;
                while !done.load(Ordering::SeqCst) || rounds < 2 {
                    rounds += 1;
                    for (k, &(a, b)) in pairs.iter().enumerate() {
                        let first = current.load(Ordering::SeqCst).saturating_sub(1);
                        let cost = engine
                            .placed_costs("car", &[placed[a]], &[placed[b]])
                            .expect("a cost query never fails")[0]
                            .map(|c| c.duration.0);
                        let route = match engine.route("car", &[locs[a], locs[b]]) {
                            Ok(r) => Some((r.legs[0].duration_s * 10.0).round() as u32),
                            Err(engine::dispatch::DispatchError::NoRoute { .. }) => None,
                            Err(e) => panic!("a route query failed: {e}"),
                        };
                        let last = current.load(Ordering::SeqCst);
                        let ok = |got: Option<u32>| (first..=last).any(|i| refs[i][k] == got);
                        assert!(ok(cost), "pair {k}: cost {cost:?}, sets {first}..={last}");
                        assert!(
                            ok(route),
                            "pair {k}: route {route:?}, sets {first}..={last}"
                        );
                        checked.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
        for (i, set) in sets.iter().enumerate().skip(1) {
            std::thread::sleep(std::time::Duration::from_millis(40));
            current.store(i, Ordering::SeqCst);
            engine.set_closed_edges("car", set.clone()).unwrap();
        }
        done.store(true, Ordering::SeqCst);
    });
    assert!(checked.load(Ordering::SeqCst) >= 2 * pairs.len());
    // Settled: the last set's metric answers, with the reference's costs.
    wait_customized(&engine, "car");
    let last = sets.len() - 1;
    for (k, &(a, b)) in pairs.iter().enumerate() {
        let cost = engine
            .placed_costs("car", &[placed[a]], &[placed[b]])
            .unwrap()[0]
            .map(|c| c.duration.0);
        assert_eq!(cost, refs[last][k]);
    }
}

/// Isochrones and coverage areas start from one-to-all searches: with the bridge closed,
/// the times reached are those of the graph without it, and lifting restores them.
#[test]
fn one_to_all_searches_drive_around_a_closed_bridge() {
    use engine::routing::Source;
    use engine::types::Deciseconds;

    let Some((full, bridge)) = monaco_car(&[]) else {
        return;
    };
    let (without, _) = monaco_car(&bridge).expect("extract");
    let times = |e: &Engine| -> Vec<Option<Deciseconds>> {
        let g = e.graph("car").unwrap();
        let source = Source::new(e.place("car", locations()[0]).unwrap().point);
        let reached = e.one_to_all("car", &[source], Deciseconds(6_000)).unwrap();
        locations()
            .iter()
            .map(|&l| reached.time_at(g, e.place("car", l).unwrap().point))
            .collect()
    };
    let before = times(&full);
    let reference = times(&without);
    assert_ne!(before, reference, "the bridge shortens some trips");
    let now = Time(1_800_000_000);
    let closure = bridge_closure(bridge, now);
    let mut matchers = Matchers::new();
    apply(&full, &mut matchers, std::slice::from_ref(&closure), now).unwrap();
    assert_eq!(times(&full), reference);
    apply(&full, &mut matchers, &[], now).unwrap();
    assert_eq!(times(&full), before);
}
