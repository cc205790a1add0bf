//! `exclude` on vmeste's own planning endpoints, over HTTP against the real server on real
//! extracts: `POST /v1/reachability` and `POST /v1/trips/remote` answer as Dijkstra on the
//! graph without the excluded roads, a place only a ferry reaches is `ferry_only` with the
//! ferry's way, `GET /isochrone/v1/...?exclude=` draws what a one-to-all Dijkstra without
//! them reaches, `vmeste reach --exclude` and `vmeste isochrone --exclude` do the same, and
//! hostile values get a clear 4xx that lists the profile's classes.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers fail loudly"
)]

use engine::dispatch::Engine;
use engine::graph::{FLAG_FERRY, RoadGraph};
use engine::osm::{ExcludeClass, ExcludeSet};
use engine::routing::{ClosedEdges, Cost, Dijkstra, EdgePoint, SearchSpace, Source};
use engine::spatial::Snap;
use engine::types::EdgeId;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use serde_json::{Value, json};

use crate::v1_reachability::{board, vmeste};
use crate::v1_support::{TestBoard, assert_error};

/// The places of the extract with a name.
fn places(b: &TestBoard, token: &str) -> Vec<(String, [f64; 2])> {
    let a = b.get("/v1/places?limit=10000", token);
    assert_eq!(a.status, 200, "{}", a.json());
    a.json()["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap_or("").to_owned(),
                [p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap()],
            )
        })
        .collect()
}

/// Each class of the car profile that has edges in `g`, then all of those at once.
fn class_sets(g: &RoadGraph) -> Vec<ExcludeSet> {
    let present =
        |set: ExcludeSet| (0..g.num_edges() as u32).any(|e| g.edge_excluded(EdgeId(e), set));
    let mut sets: Vec<ExcludeSet> = ExcludeClass::ALL
        .into_iter()
        .map(|c| ExcludeSet::EMPTY.with(c))
        .filter(|&s| present(s))
        .collect();
    if sets.len() > 1 {
        sets.push(sets.iter().flat_map(|s| s.iter()).collect());
    }
    sets
}

fn names(set: ExcludeSet) -> Vec<&'static str> {
    set.iter().map(ExcludeClass::name).collect()
}

/// The snap the reachability report and the trips make: the nearest road, or the nearest
/// road of no excluded class when that one is excluded and another is within the radius.
fn snap(engine: &Engine, at: [f64; 2], set: ExcludeSet) -> Option<Snap> {
    let (index, g) = (engine.index("car")?, engine.graph("car")?);
    let s = index.snap(at[0], at[1], None).ok()?;
    if !g.edge_excluded(s.edge, set) {
        return Some(s);
    }
    Some(
        index
            .snap_avoiding(at[0], at[1], None, None, |e| g.edge_excluded(e, set))
            .unwrap_or(s),
    )
}

fn point(s: &Snap) -> EdgePoint {
    EdgePoint::new(s.edge, s.fraction)
}

/// Dijkstra on the graph without the edges of `set` (the reference).
fn reference(g: &RoadGraph, from: EdgePoint, to: EdgePoint, set: ExcludeSet) -> Option<Cost> {
    let mut space = SearchSpace::new(g.num_nodes());
    Dijkstra::new(g)
        .query_avoiding(&mut space, from, to, |e| g.edge_excluded(e, set))
        .unwrap()
}

fn excluded_set(g: &RoadGraph, set: ExcludeSet) -> ClosedEdges {
    let edges = (0..g.num_edges() as u32)
        .map(EdgeId)
        .filter(|&e| g.edge_excluded(e, set));
    ClosedEdges::new(g, edges).unwrap()
}

#[test]
fn reachability_with_exclude_equals_dijkstra_without_the_excluded_roads() {
    let dir = tempfile::tempdir().unwrap();
    for (extract, hq) in [
        ("isle-of-man-2020-03-13", "Douglas"),
        ("andorra-2020-05-01", "Andorra la Vella"),
    ] {
        let Some((b, engine, _, coord)) = board(dir.path(), extract) else {
            return;
        };
        let g = engine.graph("car").unwrap();
        let all = places(&b, &coord);
        let from = all.iter().find(|(n, _)| n == hq).unwrap().1;
        let mut pts: Vec<[f64; 2]> = all.iter().map(|p| p.1).collect();
        let (lo, hi) = g.bbox().unwrap();
        let mut rng = Pcg64::seed_from_u64(15);
        pts.extend((0..40).map(|_| {
            [
                rng.random_range(lo.lon..=hi.lon),
                rng.random_range(lo.lat..=hi.lat),
            ]
        }));
        let sets = class_sets(g);
        eprintln!(
            "{extract}: car classes {:?}, {} points",
            sets.iter().map(ToString::to_string).collect::<Vec<_>>(),
            pts.len()
        );
        assert!(!sets.is_empty(), "{extract} has roads of some class");
        for set in sets {
            let a = b.json(
                "POST",
                "/v1/reachability",
                &coord,
                &json!({"profile": "car", "from": from, "points": pts, "exclude": names(set)}),
            );
            assert_eq!(a.status, 200, "{extract} {set}: {}", a.json());
            let results = a.json()["results"].as_array().unwrap().clone();
            let origin = snap(&engine, from, set).unwrap();
            assert!(!g.edge_excluded(origin.edge, set), "{extract} {set}");
            let (mut reachable, mut changed) = (0, 0);
            for (i, (got, &p)) in results.iter().zip(&pts).enumerate() {
                let Some(s) = snap(&engine, p, set) else {
                    assert_eq!(got["reachable"], false, "{extract} {set} {i}: no road");
                    continue;
                };
                let want = reference(g, point(&origin), point(&s), set);
                assert_eq!(
                    got["reachable"],
                    want.is_some(),
                    "{extract} {set} {i}: {got}"
                );
                if let Some(w) = want {
                    reachable += 1;
                    let d = got["duration_s"].as_f64().unwrap();
                    let m = got["distance_m"].as_f64().unwrap();
                    assert!(
                        (d - w.duration.as_secs_f64()).abs() < 0.051,
                        "{extract} {set} {i}: {d} vs {w:?}"
                    );
                    assert!(
                        (m - f64::from(w.distance.0)).abs() < 0.051,
                        "{extract} {set} {i}"
                    );
                    let open = reference(g, point(&origin), point(&s), ExcludeSet::EMPTY);
                    if open != want {
                        changed += 1;
                    }
                } else {
                    let kind = got["reason"]["kind"].as_str().unwrap();
                    assert_ne!(kind, "no_road_nearby", "{extract} {set} {i}: {got}");
                }
            }
            eprintln!(
                "{extract} without {set}: {reachable} of {} reachable, {changed} routes changed",
                pts.len()
            );
            assert!(reachable * 2 > pts.len(), "{extract} {set}: {reachable}");
        }
    }
}

#[test]
fn a_place_only_a_ferry_reaches_is_ferry_only_with_its_way() {
    let dir = tempfile::tempdir().unwrap();
    let Some((b, engine, _, coord)) = board(dir.path(), "isle-of-man-2020-03-13") else {
        return;
    };
    let g = engine.graph("car").unwrap();
    let from = places(&b, &coord)
        .into_iter()
        .find(|(n, _)| n == "Douglas")
        .unwrap()
        .1;
    // Out at sea on every ferry line of the extract: a point only the ferry reaches.
    let ferries: Vec<EdgeId> = (0..g.num_edges() as u32)
        .map(EdgeId)
        .filter(|&e| g.edge_flags(e) & FLAG_FERRY != 0)
        .collect();
    assert!(!ferries.is_empty(), "the Isle of Man has ferries");
    let at_sea: Vec<(EdgeId, [f64; 2])> = ferries
        .iter()
        .map(|&e| {
            let geo = g.edge_geometry(e);
            let mid = geo[geo.len() / 2];
            (e, [mid.lon, mid.lat])
        })
        .collect();
    let pts: Vec<[f64; 2]> = at_sea.iter().map(|p| p.1).collect();
    let ask = |body: Value| {
        let a = b.json("POST", "/v1/reachability", &coord, &body);
        assert_eq!(a.status, 200, "{}", a.json());
        a.json()["results"].as_array().unwrap().clone()
    };
    let with = ask(json!({"profile": "car", "from": from, "points": pts, "radius_m": 100.0}));
    let without = ask(
        json!({"profile": "car", "from": from, "points": pts, "radius_m": 100.0, "exclude": ["ferry"]}),
    );
    let old_flag = ask(
        json!({"profile": "car", "from": from, "points": pts, "radius_m": 100.0, "ferries": false}),
    );
    assert_eq!(without, old_flag, "ferries: false is exclude: [ferry]");
    let mut ferry_only = 0;
    for (i, ((w, wo), (e, _))) in with.iter().zip(&without).zip(&at_sea).enumerate() {
        if w["reachable"] != true {
            continue;
        }
        assert_eq!(wo["reachable"], false, "{i}: {wo}");
        let r = &wo["reason"];
        assert_eq!(r["kind"], "ferry_only", "{i}: {wo}");
        let way = r["ferry_way"].as_i64().unwrap();
        assert!(
            ferries.iter().any(|&f| g.edge_way(f).0 == way),
            "{i}: way {way} is a ferry"
        );
        assert!(r["ferry_name"].is_string());
        // The point's own ferry when no other is on the way.
        if way == g.edge_way(*e).0 {
            ferry_only += 1;
        }
    }
    eprintln!(
        "isle of man: {} ferry points, {ferry_only} ferry_only on their own line",
        pts.len()
    );
    assert!(ferry_only > 0);
}

/// Whole seconds as the trip's matrix rounds them (halves up).
fn whole_seconds(c: Cost) -> u32 {
    let ds = c.duration.0;
    ds / 10 + u32::from(ds % 10 >= 5)
}

#[test]
fn trips_with_exclude_drive_dijkstra_times_without_the_excluded_roads() {
    let dir = tempfile::tempdir().unwrap();
    let Some((b, engine, _, coord)) = board(dir.path(), "isle-of-man-2020-03-13") else {
        return;
    };
    let g = engine.graph("car").unwrap();
    let all = places(&b, &coord);
    let from = all.iter().find(|(n, _)| n == "Douglas").unwrap().1;
    let set: ExcludeSet = class_sets(g).last().copied().unwrap();
    let origin = point(&snap(&engine, from, set).unwrap());
    // Three places reachable both ways, one per day: each day is a round trip to one.
    let chosen: Vec<[f64; 2]> = all
        .iter()
        .map(|p| p.1)
        .filter(|&p| {
            let s = point(&snap(&engine, p, set).unwrap());
            let there = reference(g, origin, s, set);
            let back = reference(g, s, origin, set);
            there.zip(back).is_some_and(|(a, b)| {
                a.duration.as_secs_f64() + b.duration.as_secs_f64() < 3.0 * 3600.0
                    && a.duration.as_secs_f64() > 600.0
            })
        })
        .take(3)
        .collect();
    assert_eq!(chosen.len(), 3);
    let body = json!({
        "origin": from, "days": 3, "hours": "08:00-20:00", "max_driving": "6h",
        "overnight": "home", "service_min": 30, "exclude": names(set),
        "settlements": chosen.iter().enumerate()
            .map(|(i, p)| json!({"name": format!("p{i}"), "at": p, "days": [i + 1]}))
            .collect::<Vec<_>>(),
    });
    let a = b.json("POST", "/v1/trips/remote", &coord, &body);
    assert_eq!(a.status, 200, "{}", a.json());
    let v = a.json();
    assert_eq!(v["summary"]["visited"], 3, "{v}");
    let days = v["vehicles"][0]["days"].as_array().unwrap();
    for d in days {
        let stops = d["stops"].as_array().unwrap();
        if stops.is_empty() {
            continue;
        }
        assert_eq!(stops.len(), 1, "{d}");
        let p = chosen[stops[0]["settlement"].as_u64().unwrap() as usize];
        let s = point(&snap(&engine, p, set).unwrap());
        let there = reference(g, origin, s, set).unwrap();
        let back = reference(g, s, origin, set).unwrap();
        assert_eq!(
            d["driving_s"].as_u64().unwrap(),
            u64::from(whole_seconds(there) + whole_seconds(back)),
            "without {set}: {d}"
        );
        assert_eq!(
            d["distance_m"].as_u64().unwrap(),
            u64::from(there.distance.0 + back.distance.0),
            "{d}"
        );
    }
    // A settlement out at sea on a ferry line is left out with the ferry as its reason.
    let ferry = (0..g.num_edges() as u32)
        .map(EdgeId)
        .find(|&e| g.edge_flags(e) & FLAG_FERRY != 0)
        .unwrap();
    let geo = g.edge_geometry(ferry);
    let sea = geo[geo.len() / 2];
    let body = json!({
        "origin": from, "days": 1, "exclude": ["ferry"],
        "settlements": [{"name": "at sea", "at": [sea.lon, sea.lat]}],
    });
    let a = b.json("POST", "/v1/trips/remote", &coord, &body);
    assert_eq!(a.status, 200, "{}", a.json());
    let left = &a.json()["unplanned"][0];
    assert_eq!(left["reason"], "not_reachable", "{left}");
    assert!(
        matches!(
            left["reachability"]["kind"].as_str(),
            Some("ferry_only" | "no_road_nearby")
        ),
        "{left}"
    );
}

#[test]
fn isochrones_with_exclude_draw_what_dijkstra_without_the_roads_reaches() {
    let dir = tempfile::tempdir().unwrap();
    let Some((b, engine, _, coord)) = board(dir.path(), "andorra-2020-05-01") else {
        return;
    };
    let g = engine.graph("car").unwrap();
    let from = [1.5209, 42.5063];
    let contours = engine::isochrone::Contours::try_new(&[10.0, 20.0]).unwrap();
    let params = engine::isochrone::IsochroneParams::default();
    for set in class_sets(g) {
        let path = format!(
            "/isochrone/v1/car/{},{}?contours_minutes=10,20&exclude={}",
            from[0],
            from[1],
            names(set).join(",")
        );
        let a = b.get(&path, &coord);
        assert_eq!(a.status, 200, "{path}: {}", a.json());
        // The reference: the origin snapped off the excluded roads, Dijkstra without them.
        let s = snap(&engine, from, set).unwrap();
        let closed = excluded_set(g, set);
        let sources = [Source::new(point(&s))];
        let reached = Dijkstra::new(g)
            .avoiding(&closed)
            .one_to_all(&sources, contours.bound())
            .unwrap();
        let iso = engine::isochrone::draw(g, &reached, &sources, &contours, &params).unwrap();
        let want = server::isochrone_geojson::feature_collection(&iso);
        assert_eq!(a.json(), want, "without {set}");
        let open = b.get(
            &format!(
                "/isochrone/v1/car/{},{}?contours_minutes=10,20",
                from[0], from[1]
            ),
            &coord,
        );
        eprintln!(
            "andorra isochrone without {set}: {} nodes reached; same as without exclude: {}",
            reached.num_reached(),
            open.json() == want
        );
    }
}

#[test]
fn hostile_exclude_values_get_a_clear_4xx_listing_the_profile_classes() {
    let dir = tempfile::tempdir().unwrap();
    let Some((b, _engine, _, coord)) = board(dir.path(), "andorra-2020-05-01") else {
        return;
    };
    let from = [1.5209, 42.5063];
    let car_classes = "its classes: motorway, toll, ferry, unpaved";
    let reach = |exclude: Value, profile: &str| {
        b.json(
            "POST",
            "/v1/reachability",
            &coord,
            &json!({"profile": profile, "from": from, "points": [from], "exclude": exclude}),
        )
    };
    let trip = |exclude: Value| {
        b.json(
            "POST",
            "/v1/trips/remote",
            &coord,
            &json!({"origin": from, "days": 1, "settlements": [{"at": from}], "exclude": exclude}),
        )
    };
    for bad in [
        json!(["tram"]),
        json!(["ferry", "Ferry"]),
        json!(["x".repeat(5000)]),
    ] {
        for a in [reach(bad.clone(), "car"), trip(bad.clone())] {
            assert_error(&a, 422, "invalid_field");
            let m = a.json()["error"]["message"].as_str().unwrap().to_owned();
            assert!(m.contains(car_classes), "{m}");
            assert!(
                m.contains("Exclude flag combination is not supported"),
                "{m}"
            );
            assert!(m.len() < 300, "{m}");
        }
    }
    // Foot declares ferry only.
    let a = reach(json!(["motorway"]), "foot");
    assert_error(&a, 422, "invalid_field");
    let m = a.json()["error"]["message"].as_str().unwrap().to_owned();
    assert!(
        m.contains("profile foot cannot exclude motorway (its classes: ferry)"),
        "{m}"
    );
    assert_eq!(reach(json!(["ferry"]), "foot").status, 200);
    // Empty names, too many names, wrong types.
    assert_error(&reach(json!([""]), "car"), 422, "invalid_field");
    assert_error(
        &reach(json!(vec!["ferry"; 17]), "car"),
        422,
        "invalid_field",
    );
    assert_eq!(reach(json!(vec!["ferry"; 16]), "car").status, 200);
    assert_eq!(reach(json!([]), "car").status, 200);
    assert_eq!(reach(Value::Null, "car").status, 200);
    for wrong in [
        json!("ferry"),
        json!([1]),
        json!({"ferry": true}),
        json!([null]),
    ] {
        let a = reach(wrong.clone(), "car");
        assert_eq!(a.status, 422, "{wrong}: {}", a.json());
        assert_eq!(trip(wrong).status, 422);
    }
    // An unknown profile is still named as such.
    assert_error(&reach(json!(["ferry"]), "boat"), 422, "unknown_profile");
    // The isochrone endpoint speaks OSRM's error shape with the same wording.
    let iso = |q: &str| {
        b.get(
            &format!(
                "/isochrone/v1/car/{},{}?contours_minutes=10&{q}",
                from[0], from[1]
            ),
            &coord,
        )
    };
    for (q, code) in [
        ("exclude=tram", "InvalidValue"),
        ("exclude=ferry,", "InvalidQuery"),
        ("exclude=,", "InvalidQuery"),
        ("exclude=%00", "InvalidValue"),
        ("exclude=ferry&exclude=toll", "InvalidOptions"),
    ] {
        let a = iso(q);
        assert_eq!(a.status, 400, "{q}");
        assert_eq!(a.json()["code"], code, "{q}: {}", a.json());
    }
    let m = iso("exclude=tram").json()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(m.contains(car_classes), "{m}");
    assert_eq!(iso("exclude=").status, 200);
    assert_eq!(iso("exclude=toll,toll").status, 200);
    // The OSRM endpoints word it the same way.
    let a = b.get(
        &format!(
            "/route/v1/car/{0},{1};{0},{1}?exclude=tram",
            from[0], from[1]
        ),
        &coord,
    );
    assert_eq!(a.json()["code"], "InvalidValue");
    assert!(a.json()["message"].as_str().unwrap().contains(car_classes));
}

#[test]
fn cli_reach_and_isochrone_take_exclude() {
    let dir = tempfile::tempdir().unwrap();
    let Some(graphs) =
        crate::v1_reachability::import(dir.path(), "isle-of-man-2020-03-13", &["car"])
    else {
        return;
    };
    let graph = graphs[0].to_str().unwrap();
    let douglas = "-4.4815,54.1505";
    let csv = dir.path().join("points.csv");
    std::fs::write(
        &csv,
        "lon,lat,name\n-4.4815,54.1505,Douglas\n-4.6,54.3,Kirk Michael\n",
    )
    .unwrap();
    let reach = |exclude: &str| {
        vmeste(&[
            "reach",
            "--graph",
            graph,
            "--from",
            douglas,
            "--points",
            csv.to_str().unwrap(),
            "--exclude",
            exclude,
        ])
    };
    let out = reach("ferry,unpaved");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("index,name,lon,lat,reachable"), "{text}");
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with("excluded_class,excluded_way,excluded_name")
    );
    let bad = reach("tram");
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("its classes: motorway, toll, ferry, unpaved"),
        "{err}"
    );
    let iso = vmeste(&[
        "isochrone",
        "--graph",
        graph,
        "--from",
        douglas,
        "--minutes",
        "10",
        "--exclude",
        "unpaved",
    ]);
    assert!(
        iso.status.success(),
        "{}",
        String::from_utf8_lossy(&iso.stderr)
    );
    let v: Value = serde_json::from_slice(&iso.stdout).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let bad = vmeste(&[
        "isochrone",
        "--graph",
        graph,
        "--from",
        douglas,
        "--minutes",
        "10",
        "--exclude",
        "tram",
    ]);
    assert!(!bad.status.success());
    // plan-trip: the same classes, the same refusal.
    let trip = |exclude: &str| {
        vmeste(&[
            "plan-trip",
            "--graph",
            graph,
            "--from",
            douglas,
            "--places",
            csv.to_str().unwrap(),
            "--days",
            "1",
            "--json",
            "--exclude",
            exclude,
        ])
    };
    let ok = trip("unpaved,ferry");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let v: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(v["summary"]["settlements"], 2, "{v}");
    let bad = trip("motorway,tram");
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("cannot exclude tram"), "{err}");
}
