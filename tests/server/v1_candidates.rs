//! "Who can go now?" and coverage over HTTP on the seeded Monaco board: road times equal
//! `/route`'s, every volunteer is counted once, the R-tree follows position reports, and the
//! role rules hold.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use engine::board::Role;
use serde_json::{Value, json};

use crate::http_support::monaco_engine;
use crate::v1_support::{TestBoard, assert_error, seeded};

fn open_requests(b: &TestBoard, token: &str) -> Vec<Value> {
    let a = b.get("/v1/requests?limit=100", token);
    assert_eq!(a.status, 200);
    a.json()["items"].as_array().unwrap().clone()
}

#[test]
fn candidates_are_ranked_by_the_same_road_times_as_route() {
    let Some((b, coord, _)) = seeded() else {
        return;
    };
    let volunteers = b.get("/v1/volunteers?limit=100", &coord).json()["items"]
        .as_array()
        .unwrap()
        .clone();
    let mut checked = 0;
    for r in open_requests(&b, &coord) {
        let id = r["id"].as_i64().unwrap();
        let a = b.get(&format!("/v1/requests/{id}/candidates?k=8"), &coord);
        if r["location"].is_null() {
            assert_error(&a, 422, "no_trip");
            continue;
        }
        assert_eq!(a.status, 200, "{}", a.json());
        let v = a.json();
        let cands = v["candidates"].as_array().unwrap();
        let excluded: u64 = v["excluded"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(
            cands.len() as u64 + excluded,
            volunteers.len() as u64,
            "{v}"
        );
        let mut last = 0.0;
        for c in cands {
            let eta = c["eta_s"].as_f64().unwrap();
            assert!(eta >= last, "not sorted: {v}");
            last = eta;
            let vol = volunteers
                .iter()
                .find(|x| x["id"] == c["volunteer"])
                .unwrap();
            let (p, q) = (&vol["position"], &r["location"]);
            let path = format!(
                "/route/v1/{}/{},{};{},{}?overview=false",
                c["mode"].as_str().unwrap(),
                p[0],
                p[1],
                q[0],
                q[1]
            );
            let route = b.get(&path, &coord).json();
            let d = route["routes"][0]["duration"].as_f64().unwrap();
            let m = route["routes"][0]["distance"].as_f64().unwrap();
            assert!(
                (d - eta).abs() <= 0.5,
                "{path}: route {d} s, candidate {eta} s"
            );
            assert!(
                (m - c["distance_m"].as_f64().unwrap()).abs() <= 1.0,
                "{path}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} candidates checked");
}

#[test]
fn a_position_report_moves_the_volunteer_in_the_ranking_and_assignments_count() {
    let Some((b, coord, _)) = seeded() else {
        return;
    };
    let reqs = open_requests(&b, &coord);
    let r = reqs
        .iter()
        .find(|r| r["kind"] == "essentials")
        .unwrap()
        .clone();
    let id = r["id"].as_i64().unwrap();
    let first = b
        .get(&format!("/v1/requests/{id}/candidates?k=3"), &coord)
        .json();
    let last_vol = first["candidates"].as_array().unwrap().last().unwrap()["volunteer"]
        .as_i64()
        .unwrap();
    // The slowest of the three walks to the door: now the first, with almost no travel.
    let a = b.json(
        "POST",
        &format!("/v1/volunteers/{last_vol}/position"),
        &coord,
        &json!({"position": r["location"]}),
    );
    assert_eq!(a.status, 200, "{}", a.json());
    let after = b
        .get(&format!("/v1/requests/{id}/candidates?k=3"), &coord)
        .json();
    assert_eq!(after["candidates"][0]["volunteer"], last_vol, "{after}");
    assert!(after["candidates"][0]["eta_s"].as_f64().unwrap() < 60.0);
    // Holding max_tasks (5) requests excludes them with `at_max_tasks`.
    let others: Vec<i64> = reqs
        .iter()
        .filter(|x| x["id"] != r["id"] && !x["location"].is_null() && x["skills"] == json!([]))
        .map(|x| x["id"].as_i64().unwrap())
        .take(5)
        .collect();
    for o in others {
        let a = b.json(
            "POST",
            &format!("/v1/requests/{o}/assign"),
            &coord,
            &json!({"volunteer": last_vol}),
        );
        assert_eq!(a.status, 200, "{}", a.json());
    }
    let full = b
        .get(&format!("/v1/requests/{id}/candidates?k=3"), &coord)
        .json();
    assert!(
        full["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["volunteer"] != last_vol)
    );
    assert!(
        full["excluded"]["at_max_tasks"].as_u64() >= Some(1),
        "{full}"
    );
}

/// A write that does not go through this server's API (another process on the same
/// database: `vmeste import-csv`, a second server) reaches the ranking within the live view's
/// lag, not at once and not never.
#[test]
fn a_write_by_another_process_reaches_the_ranking_within_the_lag() {
    let Some((b, coord, _)) = seeded() else {
        return;
    };
    let engine = monaco_engine().unwrap();
    let reqs = open_requests(&b, &coord);
    let r = reqs.iter().find(|r| r["kind"] == "essentials").unwrap();
    let id = r["id"].as_i64().unwrap();
    let path = format!("/v1/requests/{id}/candidates?k=3");
    let first = b.get(&path, &coord).json();
    let last_vol = first["candidates"].as_array().unwrap().last().unwrap()["volunteer"]
        .as_i64()
        .unwrap();
    let at: [f64; 2] = serde_json::from_value(r["location"].clone()).unwrap();
    let report = engine::board::PositionReport {
        position: at,
        at: None,
        status: None,
    };
    let admin = engine::board::Principal::local_admin();
    b.block_on(b.state.board.report_position(
        &admin,
        server::http::v1::BoardState::now(),
        last_vol,
        report,
        &*engine,
    ))
    .unwrap();
    let start = std::time::Instant::now();
    loop {
        let a = b.get(&path, &coord).json();
        if a["candidates"][0]["volunteer"] == last_vol {
            break;
        }
        assert!(
            start.elapsed() < server::http::v1::live::FOREIGN_WRITES_LAG * 4,
            "the position written beside the API never reached the ranking: {a}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn candidates_and_coverage_keep_to_the_token_and_refuse_bad_input() {
    let Some((b, coord, hq)) = seeded() else {
        return;
    };
    let id = open_requests(&b, &coord)[0]["id"].as_i64().unwrap();
    let admin = b.token(Role::Admin, &[], None);
    let other = b.hq(&admin, "Other HQ");
    let stranger = b.token(Role::Coordinator, &[other], None);
    let operator = b.token(Role::Operator, &[], None);
    let path = format!("/v1/requests/{id}/candidates");
    assert_eq!(b.get(&path, "nope").status, 401);
    assert_eq!(b.get(&path, &stranger).status, 404);
    assert!([403, 404].contains(&b.get(&path, &operator).status));
    assert_error(&b.get(&format!("{path}?k=0"), &coord), 422, "invalid_query");
    assert_error(
        &b.get(&format!("{path}?k=1000"), &coord),
        422,
        "invalid_query",
    );
    assert_eq!(b.get(&format!("{path}?k=abc"), &coord).status, 400);
    assert_eq!(b.get("/v1/requests/999999/candidates", &coord).status, 404);
    assert_eq!(
        b.get(&format!("/v1/coverage?hq={hq}"), &stranger).status,
        403
    );
    assert_error(&b.get("/v1/coverage?res=16", &coord), 422, "invalid_query");
    assert_eq!(b.get("/v1/coverage?res=300", &coord).status, 400);

    let c = b.get("/v1/coverage?res=9", &coord);
    assert_eq!(c.status, 200);
    assert_eq!(c.header("content-type"), Some("application/geo+json"));
    let fc = c.json();
    assert_eq!(fc["type"], "FeatureCollection");
    let total = |key: &str| -> u64 {
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                assert_eq!(f["geometry"]["type"], "Polygon");
                let ring = f["geometry"]["coordinates"][0].as_array().unwrap();
                assert_eq!(ring.first(), ring.last());
                f["properties"][key].as_u64().unwrap()
            })
            .sum()
    };
    // Nine demo requests have a location; all eight volunteers are available and placed.
    assert_eq!((total("requests_total"), total("volunteers_total")), (9, 8));
}
