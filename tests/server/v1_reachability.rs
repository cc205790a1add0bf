//! `POST /v1/reachability`, `GET /v1/places` and `vmeste reach` on real extracts with
//! places: the HTTP report equals the engine's, places are found by box, name and kind, the
//! GeoJSON output is valid GeoJSON, and bad input gets a clear error.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use engine::board::Role;
use engine::dispatch::Engine;
use engine::reachability::{ReachOptions, reach};
use engine::types::LonLat;
use serde_json::{Value, json};
use server::http::v1::BoardSettings;

use crate::support;
use crate::v1_support::{TestBoard, assert_error};

/// Imports `profiles` of an extract into graph files (with the gazetteer) in `dir`.
pub(crate) fn import(dir: &Path, extract: &str, profiles: &[&str]) -> Option<Vec<PathBuf>> {
    let pbf = support::osm(&format!("{extract}.osm.pbf"))?;
    Some(
        profiles
            .iter()
            .map(|p| {
                let out = dir.join(format!("{extract}-{p}.graph"));
                let st = Command::new(env!("CARGO_BIN_EXE_vmeste"))
                    .args(["import", "--profile", p, "-o"])
                    .arg(&out)
                    .arg(&pbf)
                    .output()
                    .unwrap();
                assert!(
                    st.status.success(),
                    "{}",
                    String::from_utf8_lossy(&st.stderr)
                );
                out
            })
            .collect(),
    )
}

pub(crate) fn engine_of(graphs: &[PathBuf]) -> Arc<Engine> {
    let mut e = Engine::new();
    for g in graphs {
        e.add_graph_file(g).unwrap();
    }
    Arc::new(e)
}

/// A board over an extract's car and foot graphs; its admin and coordinator tokens.
pub(crate) fn board(dir: &Path, extract: &str) -> Option<(TestBoard, Arc<Engine>, String, String)> {
    let engine = engine_of(&import(dir, extract, &["car", "foot"])?);
    let b = TestBoard::start_with(Arc::clone(&engine), BoardSettings::default());
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "HQ");
    let coord = b.token(Role::Coordinator, &[hq], None);
    Some((b, engine, admin, coord))
}

fn places(b: &TestBoard, token: &str, query: &str) -> Vec<Value> {
    let a = b.get(&format!("/v1/places{query}"), token);
    assert_eq!(a.status, 200, "{}", a.json());
    a.json()["places"].as_array().unwrap().clone()
}

fn lonlat(p: &Value) -> [f64; 2] {
    [p["lon"].as_f64().unwrap(), p["lat"].as_f64().unwrap()]
}

#[test]
fn reachability_over_http_equals_the_engine_report() {
    let dir = tempfile::tempdir().unwrap();
    for (extract, name) in [
        ("isle-of-man-2020-03-13", "Douglas"),
        ("liechtenstein-2015-07-27", "Vaduz"),
        ("andorra-2020-05-01", "Andorra la Vella"),
        ("north-bayreuth-2014", "Neudrossenfeld"),
        ("helsinki-centre-2019-04", "Helsinki"),
        ("kotka-karhula-2019-04", "Malminki"),
    ] {
        let Some((b, engine, _, coord)) = board(dir.path(), extract) else {
            return;
        };
        let all = places(&b, &coord, "?limit=10000");
        assert!(!all.is_empty(), "{extract}");
        let q: String = name.bytes().map(|c| format!("%{c:02X}")).collect();
        let hq = places(&b, &coord, &format!("?q={q}&limit=1"));
        assert_eq!(hq[0]["name"], name, "{extract}: {hq:?}");
        let from = lonlat(&hq[0]);
        let pts: Vec<[f64; 2]> = all.iter().map(lonlat).collect();
        let a = b.json(
            "POST",
            "/v1/reachability",
            &coord,
            &json!({"profile": "car", "from": from, "points": pts}),
        );
        assert_eq!(a.status, 200, "{extract}: {}", a.json());
        let results = a.json()["results"].as_array().unwrap().clone();
        assert_eq!(results.len(), pts.len());
        let want = reach(
            &engine,
            "car",
            LonLat::new(from[0], from[1]),
            &pts.iter()
                .map(|p| LonLat::new(p[0], p[1]))
                .collect::<Vec<_>>(),
            &ReachOptions::default(),
        )
        .unwrap();
        let mut reachable = 0;
        for (i, (got, want)) in results.iter().zip(&want).enumerate() {
            assert_eq!(got["reachable"], want.reachable, "{extract} {i}");
            if want.reachable {
                reachable += 1;
                assert!(got["reason"].is_null());
                let d = got["duration_s"].as_f64().unwrap();
                assert!(
                    (d - want.duration_s.unwrap()).abs() <= 0.05,
                    "{extract} {i}"
                );
            } else {
                assert!(got["duration_s"].is_null() && got["distance_m"].is_null());
                assert_eq!(
                    got["reason"]["kind"],
                    want.reason.as_ref().unwrap().kind(),
                    "{extract} {i}"
                );
            }
        }
        assert!(reachable * 2 > pts.len(), "{extract}: {reachable}");
    }
}

#[test]
fn places_by_box_name_and_kind() {
    let dir = tempfile::tempdir().unwrap();
    let Some((b, _, admin, coord)) = board(dir.path(), "isle-of-man-2020-03-13") else {
        return;
    };
    let all = places(&b, &coord, "?limit=10000");
    let douglas = places(&b, &coord, "?q=Duglas&limit=3");
    assert_eq!(douglas[0]["name"], "Douglas", "{douglas:?}");
    assert_eq!(douglas[0]["kind"], "town");
    assert!(douglas[0]["osm"].as_str().unwrap().starts_with("node/"));
    let towns = places(&b, &coord, "?kind=town&limit=10000");
    assert!(!towns.is_empty() && towns.iter().all(|p| p["kind"] == "town"));
    assert!(towns.len() < all.len());
    let bbox = "-4.52,54.13,-4.45,54.18";
    let inside = places(&b, &coord, &format!("?bbox={bbox}&limit=10000"));
    assert!(!inside.is_empty() && inside.len() < all.len());
    for p in &inside {
        let [x, y] = lonlat(p);
        assert!((-4.52..=-4.45).contains(&x) && (54.13..=54.18).contains(&y));
    }
    assert_eq!(places(&b, &admin, "?limit=2").len(), 2);
    for (q, field) in [
        ("?bbox=1,2,3", "bbox"),
        ("?bbox=10,50,5,40", "bbox"),
        ("?bbox=a,b,c,d", "bbox"),
        ("?kind=metropolis", "kind"),
        ("?limit=0", "limit"),
        ("?limit=100000", "limit"),
    ] {
        let a = b.get(&format!("/v1/places{q}"), &coord);
        assert_error(&a, 422, "invalid_field");
        assert_eq!(a.json()["error"]["details"]["field"], field, "{q}");
    }
    assert_error(&b.get("/v1/places?nope=1", &coord), 400, "invalid_query");
    assert_error(&b.get("/v1/places", "not-a-token"), 401, "invalid_token");
}

#[test]
fn hostile_reachability_requests_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let Some((b, _, admin, coord)) = board(dir.path(), "kotka-karhula-2019-04") else {
        return;
    };
    let from = lonlat(&places(&b, &coord, "?q=Helila&limit=1")[0]);
    let post = |token: &str, body: &Value| b.json("POST", "/v1/reachability", token, body);
    let ok = post(
        &admin,
        &json!({"profile": "car", "from": from, "points": []}),
    );
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json(), json!({"results": []}));
    assert_error(
        &post(
            &coord,
            &json!({"profile": "boat", "from": from, "points": [from]}),
        ),
        422,
        "unknown_profile",
    );
    assert_error(
        &post(
            &coord,
            &json!({"profile": "car", "from": [26.95, 60.30], "points": [from]}),
        ),
        422,
        "origin_off_road",
    );
    let too_many = vec![from; 10_001];
    assert_error(
        &post(
            &coord,
            &json!({"profile": "car", "from": from, "points": too_many}),
        ),
        422,
        "too_many_points",
    );
    for bad in [
        json!("NaN"),
        json!(null),
        json!([1.0]),
        json!([200.0, 0.0]),
        json!(["x", 1]),
    ] {
        let a = post(
            &coord,
            &json!({"profile": "car", "from": from, "points": [from, from, from, bad]}),
        );
        assert_error(&a, 422, "invalid_field");
        assert_eq!(a.json()["error"]["details"]["index"], 3, "{bad}");
    }
    assert_error(
        &post(
            &coord,
            &json!({"profile": "car", "from": [0.0, 91.0], "points": []}),
        ),
        422,
        "invalid_field",
    );
    assert_error(
        &post(
            &coord,
            &json!({"profile": "car", "from": from, "points": [], "radius_m": -1}),
        ),
        422,
        "invalid_field",
    );
    assert_error(
        &post(
            &coord,
            &json!({"profile": "car", "from": from, "points": [], "extra": 1}),
        ),
        422,
        "invalid_body",
    );
    let operator = b.token(Role::Operator, &[], None);
    assert_error(
        &post(
            &operator,
            &json!({"profile": "car", "from": from, "points": []}),
        ),
        403,
        "forbidden",
    );
    let raw = b.send(
        "POST",
        "/v1/reachability",
        Some(&coord),
        &[],
        Some(("application/json", b"{not json")),
    );
    assert_error(&raw, 400, "malformed_json");
}

#[test]
fn places_without_a_gazetteer_is_404() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    assert_error(&b.get("/v1/places", &admin), 404, "no_places");
}

pub(crate) fn vmeste(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_reach_writes_valid_geojson_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let Some(graphs) = import(dir.path(), "liechtenstein-2015-07-27", &["car", "foot"]) else {
        return;
    };
    let (car, foot) = (graphs[0].to_str().unwrap(), graphs[1].to_str().unwrap());
    let engine = engine_of(&graphs);
    let n = engine.gazetteer().unwrap().all_places().len();
    let from = "--from=9.5209,47.1410";
    let out = vmeste(&[
        "reach", "--graph", car, "--graph", foot, from, "--points", "places", "--format", "geojson",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let gj: geojson::GeoJson = text.parse().unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!("not a FeatureCollection");
    };
    assert_eq!(fc.features.len(), n);
    for f in &fc.features {
        assert!(matches!(
            f.geometry.as_ref().unwrap().value,
            geojson::GeometryValue::Point { .. }
        ));
        let props = f.properties.as_ref().unwrap();
        let reachable = props["reachable"].as_bool().unwrap();
        assert_eq!(reachable, props.get("reason_kind").is_none(), "{props:?}");
        assert_eq!(reachable, props["duration_s"].is_number());
    }
    let out = vmeste(&["reach", "--graph", car, from, "--points", "places"]);
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert_eq!(csv.lines().count(), n + 1);
    assert!(csv.starts_with("index,name,lon,lat,reachable,duration_s,distance_m,reason"));
    // A points file with names, and one with a bad line.
    let file = dir.path().join("points.csv");
    let file_arg = file.to_str().unwrap();
    std::fs::write(&file, "name,lon,lat\nVaduz,9.5209,47.1410\nSea,9.0,46.0\n").unwrap();
    let out = vmeste(&["reach", "--graph", car, from, "--points", file_arg]);
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[1].starts_with("0,Vaduz,") && lines[1].contains(",true,"),
        "{csv}"
    );
    assert!(
        lines[2].contains(",false,") && lines[2].contains("no_road_nearby"),
        "{csv}"
    );
    std::fs::write(&file, "lon,lat\n9.5,NaN\n").unwrap();
    let out = vmeste(&["reach", "--graph", car, from, "--points", file_arg]);
    assert!(!out.status.success());
    // Bad input: origin at sea, unknown profile, an extract without places.
    for (args, says) in [
        (
            vec![
                "reach",
                "--graph",
                car,
                "--from=9.0,46.0",
                "--points",
                "places",
            ],
            "origin",
        ),
        (
            vec![
                "reach",
                "--graph",
                car,
                from,
                "--points",
                "places",
                "--profile",
                "boat",
            ],
            "boat",
        ),
        (
            vec![
                "reach",
                "--graph",
                car,
                "--from=NaN,47",
                "--points",
                "places",
            ],
            "--from",
        ),
    ] {
        let out = vmeste(&args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
    let Some(bare) = import(dir.path(), "moscow-myasnitskaya-2020-07-20", &["car"]) else {
        return;
    };
    let out = vmeste(&[
        "reach",
        "--graph",
        bare[0].to_str().unwrap(),
        "--from=37.635,55.765",
        "--points",
        "places",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no places"));
}
