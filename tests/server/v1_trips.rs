//! `POST /v1/trips/remote` and `vmeste plan-trip` on real extracts with places: 12 villages
//! over 3 days by place id under each overnight policy, the itinerary's shape and limits,
//! GeoJSON parsed by the `geojson` crate with geometry checks, from a headquarters, and
//! hostile input with clear errors.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use engine::board::Role;
use serde_json::{Value, json};

use crate::v1_reachability::{board, import, vmeste};
use crate::v1_support::{TestBoard, assert_error};

const PATH: &str = "/v1/trips/remote";

/// The place ids of up to `n` villages or hamlets with distinct names, and the biggest
/// place (the origin).
fn villages(b: &TestBoard, token: &str, n: usize) -> ([f64; 2], Vec<String>) {
    let a = b.get("/v1/places?limit=10000", token);
    let all = a.json()["places"].as_array().unwrap().clone();
    let town = &all[0];
    let mut names = vec![town["name"].clone()];
    let mut ids = Vec::new();
    for p in all
        .iter()
        .filter(|p| p["kind"] == "village" || p["kind"] == "hamlet")
    {
        if ids.len() < n && !names.contains(&p["name"]) {
            names.push(p["name"].clone());
            ids.push(p["osm"].as_str().unwrap().to_owned());
        }
    }
    (
        [town["lon"].as_f64().unwrap(), town["lat"].as_f64().unwrap()],
        ids,
    )
}

/// A GeoJSON text as a FeatureCollection, with every position in WGS84 range, every
/// LineString of at least two positions and every feature with a `role`.
fn valid_geojson(text: &[u8]) -> geojson::FeatureCollection {
    let gj: geojson::GeoJson = std::str::from_utf8(text).unwrap().parse().unwrap();
    let geojson::GeoJson::FeatureCollection(fc) = gj else {
        panic!("not a FeatureCollection");
    };
    let ok = |p: &geojson::Position| {
        p.len() == 2 && (-180.0..=180.0).contains(&p[0]) && (-90.0..=90.0).contains(&p[1])
    };
    for f in &fc.features {
        match &f.geometry.as_ref().unwrap().value {
            geojson::GeometryValue::Point { coordinates } => assert!(ok(coordinates)),
            geojson::GeometryValue::LineString { coordinates } => {
                assert!(coordinates.len() >= 2);
                assert!(coordinates.iter().all(ok));
            }
            other => panic!("unexpected geometry {other:?}"),
        }
        assert!(f.properties.as_ref().unwrap()["role"].is_string());
    }
    fc
}

#[test]
fn twelve_villages_over_three_days_as_json_and_geojson() {
    let dir = tempfile::tempdir().unwrap();
    for extract in [
        "isle-of-man-2020-03-13",
        "north-bayreuth-2014",
        "andorra-2020-05-01",
    ] {
        let Some((b, _, _, coord)) = board(dir.path(), extract) else {
            return;
        };
        let (origin, ids) = villages(&b, &coord, 12);
        assert!(ids.len() >= 8, "{extract}: {ids:?}");
        let settlements: Vec<Value> = ids.iter().map(|id| json!({"place": id})).collect();
        for overnight in ["home", "settlement", "lodging"] {
            let body = json!({
                "origin": origin, "settlements": settlements, "days": 3,
                "hours": "09:00-17:00", "max_driving": "2h", "service_min": 45,
                "overnight": overnight,
                "lodgings": [{"name": "Inn", "at": origin}],
            });
            let a = b.json("POST", PATH, &coord, &body);
            assert_eq!(a.status, 200, "{extract} {overnight}: {}", a.json());
            let v = a.json();
            let s = &v["summary"];
            assert_eq!(
                s["visited"].as_u64().unwrap() + v["unplanned"].as_array().unwrap().len() as u64,
                ids.len() as u64
            );
            assert!(s["visited"].as_u64().unwrap() > 0, "{extract} {overnight}");
            let days = v["vehicles"][0]["days"].as_array().unwrap();
            assert_eq!(days.len(), 3);
            assert_eq!(days[2]["night"]["kind"], "home");
            for d in days {
                assert!(d["driving_s"].as_u64().unwrap() <= 7_200);
                assert!(d["arrive"].as_str().unwrap() <= "17:00");
            }
            for u in v["unplanned"].as_array().unwrap() {
                assert!(u["reason"].is_string() && u["message"].is_string());
            }
            let g = b.send(
                "POST",
                &format!("{PATH}?format=geojson"),
                Some(&coord),
                &[],
                Some(("application/json", body.to_string().as_bytes())),
            );
            assert_eq!(g.status, 200);
            let fc = valid_geojson(&g.body);
            let routes = fc
                .features
                .iter()
                .filter(|f| f.properties.as_ref().unwrap()["role"] == "route")
                .count();
            let driving_days = days.iter().filter(|d| d["driving_s"] != 0).count();
            assert_eq!(routes, driving_days, "{extract} {overnight}");
            let stops = fc
                .features
                .iter()
                .filter(|f| f.properties.as_ref().unwrap()["role"] == "stop")
                .count() as u64;
            assert_eq!(stops, s["visited"].as_u64().unwrap());
        }
    }
}

#[test]
fn a_trip_from_a_headquarters_by_accept_header() {
    let dir = tempfile::tempdir().unwrap();
    let Some((b, _, admin, _)) = board(dir.path(), "liechtenstein-2015-07-27") else {
        return;
    };
    let (origin, ids) = villages(&b, &admin, 6);
    let hq = b.json(
        "POST",
        "/v1/hqs",
        &admin,
        &json!({"name": "Vaduz", "region": "LI", "location": origin, "timezone": "Europe/Vaduz"}),
    );
    assert_eq!(hq.status, 201);
    let hq = hq.json()["id"].as_i64().unwrap();
    let coord = b.token(Role::Coordinator, &[hq], None);
    let body = json!({
        "hq": hq, "days": 2, "overnight": "settlement",
        "settlements": ids.iter().map(|id| json!({"place": id, "priority": 1})).chain([
            json!({"name": "Farm", "at": [origin[0] + 0.01, origin[1] + 0.01],
                   "windows": ["10:00-12:00"], "days": [2]}),
        ]).collect::<Vec<_>>(),
    });
    let g = b.send(
        "POST",
        PATH,
        Some(&coord),
        &[("Accept", "application/geo+json")],
        Some(("application/json", body.to_string().as_bytes())),
    );
    assert_eq!(g.status, 200);
    assert!(
        g.headers
            .iter()
            .any(|(k, v)| k == "content-type" && v.contains("geo+json"))
    );
    valid_geojson(&g.body);
    let a = b.json("POST", PATH, &coord, &body);
    assert_eq!(a.status, 200, "{}", a.json());
    let farm = a.json()["vehicles"][0]["days"][1]["stops"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Farm")
        .cloned()
        .unwrap();
    assert!(farm["start_s"].as_u64().unwrap() >= 36_000);
    assert!(farm["start_s"].as_u64().unwrap() <= 43_200);
    // A volunteer may not plan trips; nor may a coordinator of another headquarters.
    let vol = b.token(Role::Volunteer, &[], None);
    assert_error(&b.json("POST", PATH, &vol, &body), 403, "forbidden");
}

#[test]
fn hostile_trip_requests_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let Some((b, _, _, coord)) = board(dir.path(), "isle-of-man-2020-03-13") else {
        return;
    };
    let (origin, ids) = villages(&b, &coord, 3);
    let good = json!({"origin": origin, "days": 2,
        "settlements": ids.iter().map(|id| json!({"place": id})).collect::<Vec<_>>()});
    assert_eq!(b.json("POST", PATH, &coord, &good).status, 200);
    let with = |k: &str, v: Value| {
        let mut x = good.clone();
        x[k] = v;
        x
    };
    let window = |w: &str| with("settlements", json!([{"place": ids[0], "windows": [w]}]));
    let many: Vec<Value> = (0..201).map(|_| json!({"at": origin})).collect();
    for (body, status, code) in [
        (with("days", json!(0)), 422, "invalid_field"),
        (with("days", json!(15)), 422, "invalid_field"),
        (with("days", json!(-1)), 422, "invalid_body"),
        (
            with("settlements", json!(many)),
            422,
            "too_many_settlements",
        ),
        (with("origin", json!([-5.3, 54.25])), 422, "origin_off_road"),
        (with("origin", json!([200.0, 0.0])), 422, "invalid_field"),
        (with("origin", json!("Douglas")), 422, "invalid_field"),
        (window("15:00-14:00"), 422, "contradictory_windows"),
        (window("20:00-21:00"), 422, "contradictory_windows"),
        (window("soon"), 422, "contradictory_windows"),
        (
            with("settlements", json!([{"place": "node/1"}])),
            422,
            "unknown_place",
        ),
        (
            with("settlements", json!([{"place": ids[0], "days": [3]}])),
            422,
            "contradictory_windows",
        ),
        (
            with("settlements", json!([{"place": ids[0], "days": [0]}])),
            422,
            "invalid_field",
        ),
        (with("settlements", json!([{}])), 422, "invalid_field"),
        (with("hours", json!("19:00-09:00")), 422, "invalid_field"),
        (with("max_driving", json!("lots")), 422, "invalid_field"),
        (with("max_driving", json!("0h")), 422, "invalid_field"),
        (with("overnight", json!("tent")), 422, "invalid_field"),
        (with("overnight", json!("lodging")), 422, "invalid_field"),
        (with("vehicles", json!(0)), 422, "invalid_field"),
        (with("vehicles", json!(11)), 422, "invalid_field"),
        (with("profile", json!("boat")), 422, "unknown_profile"),
        (with("hq", json!(1)), 422, "invalid_field"),
        (with("nonsense", json!(1)), 422, "invalid_body"),
    ] {
        let a = b.json("POST", PATH, &coord, &body);
        assert_error(&a, status, code);
    }
    let raw = |text: &str| {
        b.send(
            "POST",
            PATH,
            Some(&coord),
            &[],
            Some(("application/json", text.as_bytes())),
        )
    };
    assert_eq!(raw("{\"days\": ").status, 400);
    assert_eq!(raw("[]").status, 422);
    assert_error(
        &b.send(
            "POST",
            &format!("{PATH}?format=kml"),
            Some(&coord),
            &[],
            Some(("application/json", good.to_string().as_bytes())),
        ),
        422,
        "invalid_field",
    );
    assert_error(
        &b.json("POST", PATH, "not-a-token", &good),
        401,
        "invalid_token",
    );
}

#[test]
fn cli_plan_trip_prints_an_itinerary_and_writes_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let Some(graphs) = import(dir.path(), "liechtenstein-2015-07-27", &["car"]) else {
        return;
    };
    let car = graphs[0].to_str().unwrap();
    let out_path = dir.path().join("trip.geojson");
    let places =
        "Schaan,Triesen,Balzers,Eschen,Mauren,Ruggell,Gamprin,Schellenberg,Planken,Triesenberg";
    let args = [
        "plan-trip",
        "--graph",
        car,
        "--from=9.5209,47.1410",
        "--places",
        places,
        "--days",
        "3",
        "--hours",
        "09:00-13:00",
        "--max-driving",
        "1h",
        "--service",
        "1h",
        "--overnight",
        "settlement",
    ];
    let out = vmeste(&[&args[..], &["--geojson", out_path.to_str().unwrap()]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Day 1: leave home at 09:00"), "{text}");
    assert!(text.contains("Total: "), "{text}");
    valid_geojson(&std::fs::read(&out_path).unwrap());
    let out = vmeste(&[&args[..], &["--json"]].concat());
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["days"], 3);
    assert_eq!(v["summary"]["settlements"], 10);
    // A CSV of settlements and of lodging points.
    let csv = dir.path().join("points.csv");
    std::fs::write(&csv, "name,lon,lat\nA,9.52,47.16\nB,9.56,47.2\n").unwrap();
    let out = vmeste(&[
        "plan-trip",
        "--graph",
        car,
        "--from=9.5209,47.1410",
        "--places",
        csv.to_str().unwrap(),
        "--days",
        "1",
        "--overnight",
        "lodging",
        "--lodging",
        csv.to_str().unwrap(),
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Bad input: one line, non-zero exit.
    for (flag, value, says) in [
        ("--days", "0", "zero days"),
        ("--hours", "19:00-09:00", "ends before it starts"),
        ("--max-driving", "lots", "not a duration"),
        ("--places", "Xyzzy Qwfp 12345", "no place"),
        ("--from", "9.9,46.5", "nearest road"),
    ] {
        let mut a: Vec<String> = args.iter().map(|x| (*x).to_owned()).collect();
        if flag == "--from" {
            a[3] = format!("--from={value}");
        } else {
            let i = a.iter().position(|x| x == flag).unwrap();
            a[i + 1] = value.to_owned();
        }
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let out = vmeste(&a);
        assert!(!out.status.success(), "{flag} {value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{flag} {value}: {err}");
    }
}
