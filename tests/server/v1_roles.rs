//! Every role against every endpoint of `/v1`: what each may do, and that a coordinator of
//! one headquarters can neither read nor change another's records.

use engine::board::Role;
use serde_json::{Value, json};
use server::http::v1::BoardSettings;

use crate::v1_support::{ON_ROAD, TestBoard, new_request};

const ROLES: [&str; 8] = [
    "admin",
    "coord_a",
    "coord_b",
    "operator",
    "volunteer",
    "none",
    "bad",
    "revoked",
];

#[test]
fn the_role_matrix_holds_for_every_endpoint() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq_a = b.hq(&admin, "A");
    let hq_b = b.hq(&admin, "B");
    let v_a = b.volunteer(&admin, hq_a, "Anna", ON_ROAD[0]);
    b.volunteer(&admin, hq_b, "Boris", ON_ROAD[1]);
    let r_a = b.request(&admin, hq_a, "Maria", ON_ROAD[1]);
    let r_assign = b.request(&admin, hq_a, "Olga", ON_ROAD[2]);
    b.request(&admin, hq_b, "Pavel", ON_ROAD[2]);
    let tokens: Vec<Option<String>> = vec![
        Some(admin.clone()),
        Some(b.token(Role::Coordinator, &[hq_a], None)),
        Some(b.token(Role::Coordinator, &[hq_b], None)),
        Some(b.token(Role::Operator, &[], None)),
        Some(b.token(Role::Volunteer, &[hq_a], Some(v_a))),
        None,
        Some("vm_not_a_token".to_owned()),
        Some(b.revoked_token()),
    ];
    let vol = json!({"hq": hq_a, "name": "New", "phone": "+377 600 000 009", "mode": "foot"});
    // Closures start in 2100: the Monaco engine is shared by the tests of this binary.
    let way = b.json(
        "POST",
        "/v1/closures",
        &admin,
        &json!({"target": {"line": [ON_ROAD[0], ON_ROAD[1]]}, "starts_at": "2100-01-01T00:00:00Z", "reason": "later"}),
    );
    assert_eq!(way.status, 201, "{}", String::from_utf8_lossy(&way.body));
    let closure = way.json()["id"].as_i64().unwrap();
    let later = json!({"target": {"line": [ON_ROAD[0], ON_ROAD[2]]}, "starts_at": "2100-01-01T00:00:00Z", "reason": "later"});
    let req = new_request(hq_a, "New", ON_ROAD[0]);
    // (method, path, body, expected for admin, coord A, coord B, operator, volunteer)
    let table: Vec<(&str, String, Option<Value>, [u16; 5])> = vec![
        ("GET", "/v1/hqs".into(), None, [200, 200, 200, 200, 403]),
        (
            "GET",
            format!("/v1/hqs/{hq_a}"),
            None,
            [200, 200, 404, 200, 403],
        ),
        (
            "POST",
            "/v1/hqs".into(),
            Some(json!({"name": "C", "region": "MC", "location": [7.42, 43.73]})),
            [201, 403, 403, 403, 403],
        ),
        (
            "GET",
            "/v1/volunteers".into(),
            None,
            [200, 200, 200, 403, 403],
        ),
        (
            "GET",
            format!("/v1/volunteers?hq={hq_a}"),
            None,
            [200, 200, 403, 403, 403],
        ),
        (
            "GET",
            format!("/v1/volunteers/{v_a}"),
            None,
            [200, 200, 404, 404, 200],
        ),
        (
            "PATCH",
            format!("/v1/volunteers/{v_a}"),
            Some(json!({})),
            [200, 200, 404, 404, 403],
        ),
        (
            "POST",
            format!("/v1/volunteers/{v_a}/position"),
            Some(json!({"position": ON_ROAD[0]})),
            [200, 200, 404, 404, 200],
        ),
        (
            "POST",
            "/v1/volunteers".into(),
            Some(vol),
            [201, 201, 403, 403, 403],
        ),
        ("GET", "/v1/me".into(), None, [200, 200, 200, 200, 200]),
        (
            "GET",
            "/v1/requests".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        (
            "GET",
            format!("/v1/requests?hq={hq_a}"),
            None,
            [200, 200, 403, 200, 200],
        ),
        (
            "GET",
            format!("/v1/requests/{r_a}"),
            None,
            [200, 200, 404, 404, 404],
        ),
        (
            "PATCH",
            format!("/v1/requests/{r_a}"),
            Some(json!({"notes": "ring twice"})),
            [200, 200, 404, 404, 404],
        ),
        (
            "POST",
            "/v1/requests".into(),
            Some(req),
            [201, 201, 403, 201, 403],
        ),
        (
            "POST",
            format!("/v1/requests/{r_assign}/assign"),
            Some(json!({"volunteer": v_a})),
            [200, 200, 404, 404, 403],
        ),
        (
            "GET",
            format!("/v1/requests/{r_a}/history"),
            None,
            [200, 200, 404, 404, 404],
        ),
        (
            "GET",
            "/v1/events.json".into(),
            None,
            [200, 200, 200, 403, 403],
        ),
        (
            "GET",
            format!("/v1/events.json?hq={hq_a}"),
            None,
            [200, 200, 403, 403, 403],
        ),
        (
            "GET",
            "/v1/volunteers.csv".into(),
            None,
            [200, 200, 200, 403, 403],
        ),
        (
            "GET",
            format!("/v1/volunteers.csv?hq={hq_a}"),
            None,
            [200, 200, 403, 403, 403],
        ),
        (
            "GET",
            "/v1/requests.csv".into(),
            None,
            [200, 200, 200, 200, 200],
        ),
        (
            "POST",
            format!("/v1/volunteers/import?hq={hq_a}"),
            None,
            [201, 201, 403, 403, 403],
        ),
        (
            "GET",
            "/v1/closures".into(),
            None,
            [200, 200, 200, 403, 403],
        ),
        (
            "POST",
            "/v1/closures".into(),
            Some(later),
            [201, 201, 201, 403, 403],
        ),
        (
            "GET",
            format!("/v1/closures/{closure}"),
            None,
            [200, 200, 200, 403, 403],
        ),
        (
            "DELETE",
            format!("/v1/closures/{closure}"),
            None,
            [200, 200, 200, 403, 403],
        ),
    ];
    let mut failures = Vec::new();
    for (method, path, body, expected) in &table {
        for (i, token) in tokens.iter().enumerate() {
            let want = expected.get(i).copied().unwrap_or(401);
            let text = body.as_ref().map(Value::to_string);
            let payload = match (&text, path.contains("/import")) {
                (_, true) => Some(("text/csv", "name,phone,mode\n".as_bytes())),
                (Some(t), false) => Some(("application/json", t.as_bytes())),
                (None, false) => None,
            };
            let a = b.send(method, path, token.as_deref(), &[], payload);
            if a.status != want {
                failures.push(format!(
                    "{method} {path} as {}: {} (want {want}) {}",
                    ROLES[i],
                    a.status,
                    String::from_utf8_lossy(&a.body)
                ));
            }
            if a.status >= 400 {
                let v = a.json();
                assert!(v["error"]["code"].is_string(), "{method} {path}: {v}");
            }
            if a.status == 401 {
                assert!(
                    a.header("www-authenticate")
                        .is_some_and(|h| h.starts_with("Bearer")),
                    "{method} {path}"
                );
            }
        }
    }
    // Cancelling a fresh request of headquarters A, role by role.
    for (i, token) in tokens.iter().enumerate() {
        let id = b.request(&admin, hq_a, "Fresh", ON_ROAD[0]);
        let want = [200, 200, 404, 404, 404].get(i).copied().unwrap_or(401);
        let a = b.send(
            "POST",
            &format!("/v1/requests/{id}/cancel"),
            token.as_deref(),
            &[],
            Some(("application/json", br#"{"reason":"duplicate"}"#)),
        );
        if a.status != want {
            failures.push(format!(
                "cancel as {}: {} (want {want})",
                ROLES[i], a.status
            ));
        }
        let now = b.get(&format!("/v1/requests/{id}"), &admin).json();
        let expected = if want == 200 { "cancelled" } else { "new" };
        assert_eq!(now["status"], expected, "as {}", ROLES[i]);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_coordinator_of_b_cannot_change_records_of_a() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq_a = b.hq(&admin, "A");
    let hq_b = b.hq(&admin, "B");
    let v_a = b.volunteer(&admin, hq_a, "Anna", ON_ROAD[0]);
    let v_b = b.volunteer(&admin, hq_b, "Boris", ON_ROAD[1]);
    let r_a = b.request(&admin, hq_a, "Maria", ON_ROAD[1]);
    let coord_b = b.token(Role::Coordinator, &[hq_b], None);
    for (method, path, body) in [
        (
            "PATCH",
            format!("/v1/volunteers/{v_a}"),
            json!({"name": "Hacked"}),
        ),
        (
            "PATCH",
            format!("/v1/requests/{r_a}"),
            json!({"notes": "Hacked"}),
        ),
        (
            "POST",
            format!("/v1/requests/{r_a}/assign"),
            json!({"volunteer": v_b}),
        ),
        (
            "POST",
            format!("/v1/requests/{r_a}/cancel"),
            json!({"reason": "Hacked"}),
        ),
        (
            "POST",
            format!("/v1/requests/{r_a}/status"),
            json!({"status": "cancelled", "reason": "x"}),
        ),
        (
            "POST",
            "/v1/volunteers".into(),
            json!({"hq": hq_a, "name": "Spy", "phone": "+377 600 000 000", "mode": "foot"}),
        ),
        (
            "POST",
            "/v1/requests".into(),
            new_request(hq_a, "Spy", ON_ROAD[0]),
        ),
    ] {
        let a = b.json(method, &path, &coord_b, &body);
        assert!(
            a.status == 403 || a.status == 404,
            "{method} {path}: {}",
            a.status
        );
    }
    let v = b.get(&format!("/v1/volunteers/{v_a}"), &admin).json();
    assert_eq!(v["name"], "Anna");
    assert_eq!(v["version"], 1);
    let r = b.get(&format!("/v1/requests/{r_a}"), &admin).json();
    assert_eq!(r["version"], 1);
    let listed = b.get("/v1/requests", &coord_b).json();
    assert!(listed["items"].as_array().unwrap().is_empty(), "{listed}");
}
