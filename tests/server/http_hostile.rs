//! Hostile and malformed input: each is a 4xx in OSRM's shape, never a 5xx, a hang or a crash.

use serde_json::json;

use crate::http_support::{assert_osrm_error, get, monaco, post, post_json, raw};

const A: &str = "7.415637,43.735767";
const B: &str = "7.422844,43.736876";

#[test]
fn bad_coordinates() {
    let Some(addr) = monaco() else { return };
    let cases = [
        (format!("/route/v1/car/7.41,91;{B}"), "InvalidValue"),
        (format!("/route/v1/car/181,43.7;{B}"), "InvalidValue"),
        (format!("/route/v1/car/NaN,43.7;{B}"), "InvalidValue"),
        (format!("/route/v1/car/7.4,inf;{B}"), "InvalidValue"),
        (format!("/route/v1/car/abc;{B}"), "InvalidQuery"),
        (format!("/route/v1/car/7.41;{B}"), "InvalidQuery"),
        (format!("/route/v1/car/{A};"), "InvalidQuery"),
        (format!("/route/v1/car/{A};;{B}"), "InvalidQuery"),
        (format!("/route/v1/car/,43.7;{B}"), "InvalidQuery"),
        (format!("/route/v1/car/{A}"), "InvalidOptions"),
        (
            format!("/table/v1/car/{A};{B}?sources=0;2"),
            "InvalidOptions",
        ),
        (
            format!("/table/v1/car/{A};{B}?destinations=9"),
            "InvalidOptions",
        ),
        (
            format!("/route/v1/car/{A};{B}?radiuses=-1;5"),
            "InvalidOptions",
        ),
        (
            format!("/route/v1/car/{A};{B}?radiuses=abc;5"),
            "InvalidQuery",
        ),
        (
            format!("/route/v1/car/{A};{B}?radiuses=5"),
            "InvalidOptions",
        ),
        (
            "/route/v1/car/polyline(%7F%7F%7F)".to_owned(),
            "InvalidQuery",
        ),
        ("/route/v1/car/polyline(_p~iF~ps".to_owned(), "InvalidQuery"),
        ("/route/v1/car/polyline6()".to_owned(), "InvalidQuery"),
        // Middle of the sea, far from any road.
        (format!("/route/v1/car/7.5,43.6;{B}"), "NoSegment"),
        ("/nearest/v1/car/7.5,43.6".to_owned(), "NoSegment"),
    ];
    for (path, code) in &cases {
        assert_osrm_error(&get(addr, path), code);
    }
}

#[test]
fn unknown_profile_service_version_and_options() {
    let Some(addr) = monaco() else { return };
    assert_osrm_error(
        &get(addr, &format!("/route/v1/truck/{A};{B}")),
        "InvalidUrl",
    );
    assert_osrm_error(
        &get(addr, &format!("/teleport/v1/car/{A};{B}")),
        "InvalidService",
    );
    assert_osrm_error(
        &get(addr, &format!("/match/v1/car/{A};{B}")),
        "InvalidService",
    );
    assert_osrm_error(
        &get(addr, &format!("/route/v5/car/{A};{B}")),
        "InvalidVersion",
    );
    // The root is the dispatch page; OSRM's services stay under their own names.
    let root = get(addr, "/");
    assert_eq!(root.status, 200);
    assert!(
        root.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_osrm_error(&get(addr, "/route"), "InvalidUrl");
    assert_osrm_error(
        &get(addr, &format!("/route/v1/car/{A};{B}?steps=yes")),
        "InvalidQuery",
    );
    assert_osrm_error(
        &get(addr, &format!("/route/v1/car/{A};{B}?frobnicate=1")),
        "InvalidQuery",
    );
    assert_osrm_error(
        &get(addr, &format!("/route/v1/car/{A};{B}?bearings=10,190;")),
        "InvalidOptions",
    );
    assert_osrm_error(
        &get(addr, &format!("/route/v1/car/{A};{B}?exclude=tram")),
        "InvalidValue",
    );
    assert_osrm_error(
        &get(addr, &format!("/nearest/v1/car/{A}?number=0")),
        "InvalidOptions",
    );
    assert_osrm_error(
        &get(addr, &format!("/nearest/v1/car/{A}?number=100000")),
        "InvalidOptions",
    );
    let a = raw(
        addr,
        format!("DELETE /route/v1/car/{A};{B} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    );
    assert_osrm_error(&a, "InvalidUrl");
}

#[test]
fn huge_requests_are_too_big() {
    let Some(addr) = monaco() else { return };
    // 100,000 coordinates in a body, and more table coordinates than the limit.
    let coords: Vec<[f64; 2]> = vec![[7.415637, 43.735767]; 100_000];
    assert_osrm_error(
        &post_json(addr, "/table/v1/car", &json!({"coordinates": coords})),
        "TooBig",
    );
    assert_osrm_error(
        &post_json(
            addr,
            "/table/v1/car",
            &json!({"coordinates": &coords[..10_001]}),
        ),
        "TooBig",
    );
    // More route coordinates than the limit, in a URL of 56 KB.
    let route: Vec<&str> = std::iter::repeat_n(A, 3_000).collect();
    assert_osrm_error(
        &get(addr, &format!("/route/v1/car/{}", route.join(";"))),
        "TooBig",
    );
    // A 60 KB option value.
    let junk = "x".repeat(60_000);
    assert_osrm_error(
        &get(addr, &format!("/route/v1/car/{A};{B}?steps={junk}")),
        "InvalidQuery",
    );
    // hyper refuses request lines past 64 KiB itself, before the service; the connection
    // guard answers in OSRM's shape (more in http_guard.rs).
    for url in [
        format!("/route/v1/car/{}", "x".repeat(1 << 20)),
        format!("/table/v1/car/{}", [A; 100_000].join(";")),
    ] {
        assert_osrm_error(&get(addr, &url), "TooBig");
    }
    assert_eq!(get(addr, "/health").status, 200);
}

#[test]
fn malformed_bodies() {
    let Some(addr) = monaco() else { return };
    let full = json!({"coordinates": [[7.415637, 43.735767], [7.422844, 43.736876]]}).to_string();
    let truncated = &full.as_bytes()[..full.len() / 2];
    assert_osrm_error(
        &post(addr, "/route/v1/car", "application/json", truncated),
        "InvalidQuery",
    );
    assert_osrm_error(
        &post(addr, "/route/v1/car", "text/plain", full.as_bytes()),
        "InvalidQuery",
    );
    assert_osrm_error(
        &post(addr, "/route/v1/car", "application/json", b"[1,2]"),
        "InvalidQuery",
    );
    assert_osrm_error(
        &post(addr, "/route/v1/car", "application/json", b"{}"),
        "InvalidQuery",
    );
    assert_osrm_error(
        &post_json(
            addr,
            "/route/v1/car",
            &json!({"coordinates": [[7.4], [7.42, 43.73]]}),
        ),
        "InvalidQuery",
    );
    assert_osrm_error(
        &post_json(
            addr,
            "/route/v1/car",
            &json!({"coordinates": [["a", "b"], [7.42, 43.73]]}),
        ),
        "InvalidQuery",
    );
    assert_osrm_error(
        &post_json(
            addr,
            "/route/v1/car",
            &json!({"coordinates": [[7.41, 91.0], [7.42, 43.73]]}),
        ),
        "InvalidValue",
    );
    assert_osrm_error(
        &post_json(
            addr,
            "/route/v1/car",
            &json!({"coordinates": [[7.41, 43.73], [7.42, 43.73]], "radiuses": [-1, 5]}),
        ),
        "InvalidOptions",
    );
    assert_osrm_error(
        &post_json(
            addr,
            "/table/v1/car",
            &json!({"coordinates": [[7.41, 43.73], [7.42, 43.73]], "sources": [5]}),
        ),
        "InvalidOptions",
    );
    assert_osrm_error(
        &post_json(
            addr,
            "/route/v1/car/7.41,43.73",
            &json!({"coordinates": []}),
        ),
        "InvalidUrl",
    );
    // A body larger than the limit (32 MiB) is refused without reading it all.
    let big = format!(
        "POST /table/v1/car HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{{",
        64 << 20
    );
    assert_osrm_error(&raw(addr, big.as_bytes()), "TooBig");
}

#[test]
fn server_survives_the_hostile_cases() {
    let Some(addr) = monaco() else { return };
    let a = get(addr, "/health");
    assert_eq!(a.status, 200);
}
