//! Operations endpoints: health, metrics, OpenAPI, CORS, and the limits.

use std::sync::Arc;
use std::time::Duration;

use server::http::Limits;

use crate::http_support::{
    assert_osrm_error, engine_from_osm, get, monaco, monaco_engine, raw, start,
};
use crate::support;

const A: &str = "7.415637,43.735767";
const B: &str = "7.422844,43.736876";

#[test]
fn health_lists_profiles() {
    let Some(addr) = monaco() else { return };
    let a = get(addr, "/health");
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["profiles"], serde_json::json!(["car", "foot"]));
}

/// A server whose engine builds hub labels while it serves: `/health` names the labelled
/// profile, and routes without geometry or with via points, tables and trips answer
/// exactly as before.
#[test]
fn hub_labels_built_while_serving_change_no_answer() {
    let Some(path) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let engine = Arc::new(engine_from_osm(&path, &["car"]));
    let addr = start(Arc::clone(&engine), Limits::default());
    assert_eq!(
        get(addr, "/health").json()["hub_labels"],
        serde_json::json!([])
    );
    let points = [A, B, "7.4201,43.7312", "7.4262,43.7405", "7.4089,43.7283"];
    let queries: Vec<String> = (0..points.len())
        .flat_map(|i| (0..points.len()).map(move |j| (i, j)))
        .filter(|(i, j)| i != j)
        .flat_map(|(i, j)| {
            let k = (i + j + 1) % points.len();
            [
                format!("/route/v1/car/{};{}?overview=false", points[i], points[j]),
                format!(
                    "/route/v1/car/{};{};{}?overview=false&continue_straight=true",
                    points[i], points[k], points[j]
                ),
            ]
        })
        .chain([
            format!("/table/v1/car/{}?sources=0", points.join(";")),
            format!(
                "/table/v1/car/{}?annotations=duration,distance",
                points.join(";")
            ),
            format!("/trip/v1/car/{}?overview=false", points.join(";")),
        ])
        .collect();
    let answers = |addr| -> Vec<serde_json::Value> {
        queries
            .iter()
            .map(|q| {
                let a = get(addr, q);
                assert_eq!(a.status, 200, "{q}");
                a.json()
            })
            .collect()
    };
    let before = answers(addr);
    assert!(engine.build_hub_labels(50_000_000)[0].1.is_ok());
    assert_eq!(
        get(addr, "/health").json()["hub_labels"],
        serde_json::json!(["car"])
    );
    assert_eq!(answers(addr), before);
}

#[test]
fn metrics_count_requests_and_errors_by_service() {
    let Some(engine) = monaco_engine() else {
        return;
    };
    // A server of its own, so other tests' requests do not change the counts.
    let addr = start(engine, Limits::default());
    get(addr, &format!("/route/v1/car/{A};{B}"));
    get(addr, "/route/v1/car/abc");
    get(addr, &format!("/table/v1/car/{A};{B}"));
    let a = get(addr, "/metrics");
    assert_eq!(a.status, 200);
    assert!(a.header("content-type").unwrap().starts_with("text/plain"));
    let text = String::from_utf8(a.body).unwrap();
    assert!(
        text.contains("vmeste_http_requests_total{service=\"route\"} 2"),
        "{text}"
    );
    assert!(text.contains("vmeste_http_requests_total{service=\"table\"} 1"));
    assert!(text.contains("vmeste_http_errors_total{service=\"route\",code=\"InvalidQuery\"} 1"));
    assert!(text.contains("vmeste_http_request_duration_seconds_count{service=\"route\"} 2"));
}

#[test]
fn openapi_describes_every_service() {
    let Some(addr) = monaco() else { return };
    let v = get(addr, "/openapi.json").json();
    assert_eq!(v["openapi"], "3.1.0");
    for s in ["route", "table", "nearest", "trip"] {
        assert!(v["paths"][format!("/{s}/v1/{{profile}}/{{coordinates}}")]["get"].is_object());
    }
}

#[test]
fn cors_allows_other_origins() {
    let Some(addr) = monaco() else { return };
    let pre = raw(
        addr,
        format!("OPTIONS /route/v1/car/{A};{B} HTTP/1.1\r\nHost: t\r\nOrigin: http://dispatch.example\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert!(pre.status < 300, "{}", pre.status);
    assert_eq!(pre.header("access-control-allow-origin"), Some("*"));
    let a = raw(addr, format!("GET /route/v1/car/{A};{B} HTTP/1.1\r\nHost: t\r\nOrigin: http://dispatch.example\r\nConnection: close\r\n\r\n").as_bytes());
    assert_eq!(a.status, 200);
    assert_eq!(a.header("access-control-allow-origin"), Some("*"));
}

#[test]
fn configured_limits_apply() {
    let Some(engine) = monaco_engine() else {
        return;
    };
    let limits = Limits {
        max_table_coordinates: 3,
        max_table_cells: 4,
        max_url_bytes: 2000,
        request_timeout: Duration::from_secs(30),
        ..Limits::default()
    };
    let addr = start(Arc::clone(&engine), limits);
    assert_osrm_error(
        &get(addr, &format!("/table/v1/car/{A};{B};{A};{B}")),
        "TooBig",
    );
    assert_osrm_error(&get(addr, &format!("/table/v1/car/{A};{B};{A}")), "TooBig");
    assert_eq!(
        get(addr, &format!("/table/v1/car/{A};{B};{A}?sources=0")).status,
        200
    );
    assert_osrm_error(
        &get(
            addr,
            &format!("/route/v1/car/{A};{B}?x={}", "y".repeat(3000)),
        ),
        "TooBig",
    );
}
