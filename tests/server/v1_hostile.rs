//! Hostile input to `/v1`: every refusal is a clear 4xx in the one error shape and changes
//! nothing; personal data never reaches the log or `/metrics`; the OpenAPI document lists
//! every endpoint.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::io::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use engine::board::Role;
use serde_json::{Value, json};
use server::http::v1::BoardSettings;

use crate::v1_support::{AT_SEA, ON_ROAD, TestBoard, assert_error, new_request};

#[test]
fn hostile_bodies_queries_and_ids_answer_4xx_in_one_shape_and_change_nothing() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "HQ");
    let vol = b.volunteer(&admin, hq, "Anna", ON_ROAD[0]);
    let req = b.request(&admin, hq, "Maria", ON_ROAD[1]);
    let snapshot = |b: &TestBoard| {
        (
            b.get("/v1/volunteers?limit=1000", &admin).json(),
            b.get("/v1/requests?limit=1000", &admin).json(),
            b.get("/v1/hqs", &admin).json(),
        )
    };
    let before = snapshot(&b);
    let long = "x".repeat(100_000);
    let json_cases: Vec<(&str, String, String, u16, &str)> = vec![
        ("POST", "/v1/requests".into(), "{\"hq\": 1,".into(), 400, "malformed_json"),
        ("POST", "/v1/requests".into(), String::new(), 400, "malformed_json"),
        ("POST", "/v1/requests".into(), "[1,2]".into(), 422, "invalid_body"),
        ("POST", "/v1/requests".into(), json!({"hq": "one"}).to_string(), 422, "invalid_body"),
        ("POST", "/v1/hqs".into(), json!({"name": "X", "region": "MC", "location": [7.4, 43.7], "admin": true}).to_string(), 422, "invalid_body"),
        ("POST", "/v1/hqs".into(), json!({"name": "X", "region": "MC", "location": [200.0, 43.7]}).to_string(), 422, "invalid_field"),
        ("POST", "/v1/hqs".into(), "{\"name\":\"X\",\"region\":\"MC\",\"location\":[NaN,1]}".into(), 400, "malformed_json"),
        ("POST", "/v1/hqs".into(), "{\"name\":\"X\",\"region\":\"MC\",\"location\":[1e400,1]}".into(), 400, "malformed_json"),
        ("POST", "/v1/hqs".into(), json!({"name": "X", "region": "MC", "location": [7.4]}).to_string(), 422, "invalid_body"),
        ("POST", "/v1/hqs".into(), json!({"name": "'; DROP TABLE hqs; --", "region": "MC", "location": [7.4, 43.7], "timezone": "Mars/Olympus"}).to_string(), 422, "invalid_field"),
        ("POST", "/v1/hqs".into(), json!({"name": "bell\u{7}", "region": "MC", "location": [7.4, 43.7]}).to_string(), 422, "invalid_field"),
        ("POST", "/v1/hqs".into(), json!({"name": long, "region": "MC", "location": [7.4, 43.7]}).to_string(), 422, "invalid_field"),
        ("POST", "/v1/volunteers".into(), json!({"hq": hq, "name": "V", "phone": "+377 600 000 001", "mode": "foot", "position": AT_SEA}).to_string(), 422, "invalid_field"),
        ("POST", "/v1/volunteers".into(), json!({"hq": hq, "name": "V", "phone": "+377 600 000 001", "mode": "rocket"}).to_string(), 422, "invalid_body"),
        ("POST", "/v1/volunteers".into(), json!({"hq": 999, "name": "V", "phone": "+377 600 000 001", "mode": "foot"}).to_string(), 422, "invalid_field"),
        ("POST", "/v1/volunteers".into(), json!({"hq": -1, "name": "V", "phone": "+377 600 000 001", "mode": "foot"}).to_string(), 422, "invalid_field"),
        ("POST", "/v1/volunteers".into(), json!({"hq": hq, "name": "V", "phone": "call me", "mode": "foot"}).to_string(), 422, "invalid_field"),
        ("POST", "/v1/requests".into(), {
            let mut r = new_request(hq, "M", AT_SEA);
            r["location"] = json!(AT_SEA);
            r.to_string()
        }, 422, "invalid_field"),
        ("POST", "/v1/requests".into(), {
            let mut r = new_request(hq, "M", ON_ROAD[0]);
            r.as_object_mut().unwrap().remove("location");
            r.to_string()
        }, 422, "address_not_found"),
        ("POST", "/v1/requests".into(), {
            let mut r = new_request(hq, "M", ON_ROAD[0]);
            r["deadline"] = json!("2001-01-01T00:00:00Z");
            r.to_string()
        }, 422, "invalid_field"),
        ("POST", "/v1/requests".into(), {
            let mut r = new_request(hq, "M", ON_ROAD[0]);
            r["deadline"] = json!("tomorrow");
            r.to_string()
        }, 422, "invalid_body"),
        ("POST", format!("/v1/requests/{req}/status"), json!({"status": "done"}).to_string(), 409, "illegal_transition"),
        ("POST", format!("/v1/requests/{req}/status"), json!({"status": "teleported"}).to_string(), 422, "invalid_body"),
        ("POST", format!("/v1/requests/{req}/status"), json!({"status": "cancelled"}).to_string(), 422, "invalid_field"),
        ("POST", format!("/v1/requests/{req}/assign"), json!({"volunteer": 999}).to_string(), 422, "invalid_field"),
        ("POST", "/v1/requests/999/assign".into(), json!({"volunteer": vol}).to_string(), 404, "not_found"),
        ("POST", "/v1/requests/-1/assign".into(), json!({"volunteer": vol}).to_string(), 404, "not_found"),
        ("POST", "/v1/requests/abc/cancel".into(), json!({"reason": "x"}).to_string(), 404, "not_found"),
        ("PATCH", format!("/v1/volunteers/{vol}"), json!({"capacity_kg": -5.0}).to_string(), 422, "invalid_field"),
        ("PATCH", format!("/v1/volunteers/{vol}"), json!({"max_tasks": 4_294_967_296_u64}).to_string(), 422, "invalid_body"),
        ("POST", format!("/v1/volunteers/{vol}/position"), json!({"position": AT_SEA}).to_string(), 422, "invalid_field"),
        ("POST", format!("/v1/volunteers/{vol}/position"), json!({"position": [7.4, 91.0]}).to_string(), 422, "invalid_field"),
    ];
    for (method, path, body, status, code) in &json_cases {
        let a = b.send(
            method,
            path,
            Some(&admin),
            &[],
            Some(("application/json", body.as_bytes())),
        );
        assert_eq!(
            (a.status, a.json()["error"]["code"].as_str().unwrap()),
            (*status, *code),
            "{method} {path} {}",
            body.chars().take(200).collect::<String>()
        );
        assert!(a.json()["error"]["message"].as_str().unwrap().len() < 2_000);
    }
    let plain = b.send(
        "POST",
        "/v1/hqs",
        Some(&admin),
        &[],
        Some(("text/plain", b"{}")),
    );
    assert_error(&plain, 415, "unsupported_media_type");
    let huge = vec![b' '; 2 << 20];
    let a = b.send(
        "POST",
        "/v1/requests",
        Some(&admin),
        &[],
        Some(("application/json", &huge)),
    );
    assert_error(&a, 413, "payload_too_large");
    for (path, status, code) in [
        ("/v1/requests?status=lost", 400, "invalid_query"),
        ("/v1/requests?bbox=1,2,3", 400, "invalid_query"),
        ("/v1/requests?bbox=7.5,43.7,7.4,43.8", 400, "invalid_query"),
        ("/v1/requests?hq=abc", 400, "invalid_query"),
        ("/v1/requests?password=1", 400, "invalid_query"),
        ("/v1/requests?updated_since=yesterday", 400, "invalid_query"),
        ("/v1/volunteers/99999999999999999999", 404, "not_found"),
        ("/v1/nothing-here", 404, "route_not_found"),
        ("/v1", 404, "route_not_found"),
    ] {
        assert_error(&b.get(path, &admin), status, code);
    }
    assert_error(
        &b.send(
            "DELETE",
            &format!("/v1/requests/{req}"),
            Some(&admin),
            &[],
            None,
        ),
        405,
        "method_not_allowed",
    );
    assert_error(
        &b.send("PUT", "/v1/hqs", Some(&admin), &[], None),
        405,
        "method_not_allowed",
    );
    for bad in [
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer \u{e9}t\u{e9}",
        "Bearer x' OR '1'='1",
    ] {
        let a = b.send("GET", "/v1/hqs", None, &[("Authorization", bad)], None);
        assert_error(&a, 401, "invalid_token");
    }
    let a = b.send(
        "PATCH",
        &format!("/v1/volunteers/{vol}"),
        Some(&admin),
        &[("If-Match", "\"banana\"")],
        Some(("application/json", b"{}")),
    );
    assert_error(&a, 400, "invalid_header");
    let a = b.send(
        "POST",
        "/v1/hqs",
        Some(&admin),
        &[("Idempotency-Key", &"k".repeat(300))],
        Some((
            "application/json",
            b"{\"name\":\"X\",\"region\":\"MC\",\"location\":[7.4,43.7]}",
        )),
    );
    assert_error(&a, 400, "invalid_header");
    assert_eq!(snapshot(&b), before);
}

/// Log lines written by the server, for the privacy check.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured_log() -> Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
            .with_writer(move || writer.clone())
            .try_init();
        log
    })
    .clone()
}

#[test]
fn personal_data_never_reaches_the_log_or_metrics() {
    let log = captured_log();
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "HQ");
    let secrets = [
        "Zinaida Secretova",
        "+377 699 123 456",
        "Rue Confidentielle",
        "Anatoly Hiddenov",
    ];
    let vol = b.json(
        "POST",
        "/v1/volunteers",
        &admin,
        &json!({"hq": hq, "name": secrets[3], "phone": secrets[1], "mode": "foot", "position": ON_ROAD[0]}),
    );
    assert_eq!(vol.status, 201);
    let body = json!({"hq": hq, "kind": "medicines", "urgency": "urgent",
        "recipient": {"name": secrets[0], "phone": secrets[1], "address": secrets[2]},
        "location": ON_ROAD[1]});
    let r = b.json("POST", "/v1/requests", &admin, &body);
    assert_eq!(r.status, 201);
    let id = r.json()["id"].as_i64().unwrap();
    // Refused ones too: personal data in a bad body and in a query string.
    let mut bad = body;
    bad["location"] = json!(AT_SEA);
    assert_eq!(b.json("POST", "/v1/requests", &admin, &bad).status, 422);
    bad["recipient"]["phone"] = json!(format!("{} \u{7}", secrets[0]));
    assert_eq!(b.json("POST", "/v1/requests", &admin, &bad).status, 422);
    let q = format!("/v1/requests?kind={}", secrets[0].replace(' ', "+"));
    assert_eq!(b.get(&q, &admin).status, 400);
    let _ = b.get(&format!("/v1/requests/{id}/history"), &admin);
    let _ = b.get("/v1/requests.csv", &admin);
    let _ = b.get("/v1/volunteers.csv", &admin);
    let metrics = crate::http_support::get(b.addr, "/metrics");
    let metrics = String::from_utf8_lossy(&metrics.body).into_owned();
    let _ = std::io::stderr().flush();
    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(
        text.contains("/v1/requests"),
        "the log shows the traffic: {text}"
    );
    for s in secrets {
        assert!(!text.contains(s), "{s:?} in the log");
        assert!(!metrics.contains(s), "{s:?} in /metrics");
        let first = s.split(' ').next().unwrap();
        assert!(!text.contains(first), "{first:?} in the log");
    }
}

#[test]
fn openapi_lists_every_v1_endpoint_with_bearer_security_and_error_answers() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let doc = crate::http_support::get(b.addr, "/openapi.json").json();
    assert!(doc["paths"]["/route/v1/{profile}/{coordinates}"]["get"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let mut operations = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/") {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            assert_eq!(op["security"], json!([{"bearer": []}]), "{method} {path}");
            for code in ["401", "403", "404"] {
                let r = &op["responses"][code]["content"]["application/json"]["schema"];
                assert_eq!(
                    r["$ref"],
                    Value::from("#/components/schemas/ErrorBody"),
                    "{method} {path} {code}"
                );
            }
        }
    }
    assert_eq!(operations, 38);
}

#[test]
fn routing_may_require_a_token() {
    let Some(b) = TestBoard::start(BoardSettings {
        require_token_for_routing: true,
    }) else {
        return;
    };
    let path = "/route/v1/car/7.415637,43.735767;7.422844,43.736876";
    let a = b.send("GET", path, None, &[], None);
    assert_error(&a, 401, "missing_token");
    let token = b.token(Role::Volunteer, &[], None);
    assert_eq!(b.send("GET", path, Some(&token), &[], None).status, 200);
    assert_eq!(crate::http_support::get(b.addr, "/health").status, 200);
}

#[test]
fn only_admins_reload_the_graphs() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "HQ");
    let coordinator = b.token(Role::Coordinator, &[hq], None);
    let operator = b.token(Role::Operator, &[], None);
    for token in [&coordinator, &operator] {
        let a = b.json("POST", "/v1/admin/reload", token, &json!({}));
        assert_eq!(a.status, 403, "{}", a.json());
    }
    let a = b.json("POST", "/v1/admin/reload", "not-a-token", &json!({}));
    assert_eq!(a.status, 401);
    // This test server holds an engine built in memory: nothing to re-read, and it says so.
    let a = b.json("POST", "/v1/admin/reload", &admin, &json!({}));
    assert_eq!(a.status, 409, "{}", a.json());
    assert_eq!(a.json()["error"]["code"], "nothing_to_reload");
}

#[test]
fn hostile_closures_answer_4xx_in_one_shape_and_close_nothing() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let ring = |n: usize| -> Vec<[f64; 2]> {
        let mut r: Vec<[f64; 2]> = (0..n)
            .map(|i| {
                let a = std::f64::consts::TAU * i as f64 / n as f64;
                [7.42 + 0.005 * a.cos(), 43.735 + 0.005 * a.sin()]
            })
            .collect();
        r.push(r[0]);
        r
    };
    let line = json!([[7.4186, 43.73852], [7.4200, 43.73838]]);
    let cases: Vec<(String, u16, &str)> = vec![
        ("{\"target\": {\"ways\": [1]},".into(), 400, "malformed_json"),
        (String::new(), 400, "malformed_json"),
        ("{\"target\":{\"line\":[[NaN,43.7],[7.4,43.7]]},\"reason\":\"x\"}".into(), 400, "malformed_json"),
        (json!({"target": {"ways": [1]}}).to_string(), 422, "invalid_body"),
        (json!({"target": {"roads": [1]}, "reason": "x"}).to_string(), 422, "invalid_body"),
        (json!({"target": {"ways": [1]}, "reason": "x", "admin": true}).to_string(), 422, "invalid_body"),
        (json!({"target": {"ways": [987_654_321_012_i64]}, "reason": "x"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"ways": []}, "reason": "x"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"ways": [-5]}, "reason": "x"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": [[7.42, 43.73]]}, "reason": "x"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": [[7.42, 43.73], [200.0, 43.73]]}, "reason": "x"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": [[7.42, 95.0], [7.42, 43.73]]}, "reason": "x"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": [[7.0, 43.0], [9.0, 44.0]]}, "reason": "x"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": [[7.5, 43.6], [7.501, 43.6]]}, "reason": "at sea"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"polygon": ring(5_000)}, "reason": "huge"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"polygon": [[7.41, 43.73], [7.42, 43.74], [7.42, 43.73], [7.41, 43.74], [7.41, 43.73]]}, "reason": "bow tie"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"polygon": [[7.41, 43.73], [7.42, 43.74], [7.42, 43.73]]}, "reason": "open"}).to_string(), 422, "invalid_field"),
        (json!({"geometry": {"type": "Polygon", "coordinates": [ring(6), ring(4)]}, "reason": "hole"}).to_string(), 422, "invalid_field"),
        (json!({"geometry": {"type": "Point", "coordinates": [7.42, 43.73]}, "reason": "x"}).to_string(), 422, "invalid_body"),
        (json!({"geometry": {"type": "LineString", "coordinates": [[7.42], [7.43, 43.7]]}, "reason": "x"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": line}, "geometry": {"type": "LineString", "coordinates": line}, "reason": "x"}).to_string(), 422, "invalid_field"),
        (json!({"reason": "x"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": line}, "reason": "x", "starts_at": "2030-01-02T00:00:00Z", "ends_at": "2030-01-01T00:00:00Z"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": line}, "reason": "x", "ends_at": "2001-01-01T00:00:00Z"}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": line}, "reason": "x", "ends_at": "tomorrow"}).to_string(), 422, "invalid_body"),
        (json!({"target": {"line": line}, "reason": "x".repeat(501)}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": line}, "reason": " "}).to_string(), 422, "invalid_field"),
        (json!({"target": {"line": line}, "reason": "x", "profiles": ["rocket"]}).to_string(), 422, "invalid_field"),
    ];
    for (body, status, code) in &cases {
        let a = b.send(
            "POST",
            "/v1/closures",
            Some(&admin),
            &[],
            Some(("application/json", body.as_bytes())),
        );
        assert_error(&a, *status, code);
    }
    for path in ["/v1/closures/999", "/v1/closures/-1", "/v1/closures/x"] {
        assert_error(&b.get(path, &admin), 404, "not_found");
        let a = b.send("DELETE", path, Some(&admin), &[], None);
        assert_error(&a, 404, "not_found");
    }
    assert_error(
        &b.get("/v1/closures?active_at=soon", &admin),
        400,
        "invalid_query",
    );
    assert_error(
        &b.get("/v1/closures?color=red", &admin),
        400,
        "invalid_query",
    );
    let none = b.get("/v1/closures", &admin).json();
    assert_eq!(none["items"], json!([]));
}
