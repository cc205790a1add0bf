//! The board's API end to end: a request's life, history, idempotency, optimistic
//! concurrency, cursors, CSV.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use engine::board::Role;
use serde_json::json;
use server::http::v1::BoardSettings;

use crate::v1_support::{AT_SEA, ON_ROAD, TestBoard, assert_error, new_request};

#[test]
fn a_request_lives_from_new_to_done_and_its_history_keeps_previous_values() {
    if let Some(b) = TestBoard::start(BoardSettings::default()) {
        lifecycle(&b);
    }
}

#[test]
fn a_request_lives_from_new_to_done_on_postgresql() {
    if let Some(b) = TestBoard::start_postgres(BoardSettings::default()) {
        lifecycle(&b);
    }
}

fn lifecycle(b: &TestBoard) {
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "Monaco HQ");
    let coord = b.token(Role::Coordinator, &[hq], None);
    let vol = b.volunteer(&coord, hq, "Anna", ON_ROAD[0]);
    let operator = b.token(Role::Operator, &[hq], None);
    let req = b.request(&operator, hq, "Maria", ON_ROAD[1]);

    let a = b.json(
        "POST",
        &format!("/v1/requests/{req}/assign"),
        &coord,
        &json!({"volunteer": vol}),
    );
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!(a.json()["status"], "assigned");
    assert_eq!(a.header("etag"), Some("\"2\""));

    let vtoken = b.token(Role::Volunteer, &[hq], Some(vol));
    let me = b.get("/v1/me", &vtoken).json();
    assert_eq!(me["volunteer"]["id"], vol);
    assert_eq!(me["requests"][0]["id"], req);

    let a = b.json(
        "POST",
        &format!("/v1/requests/{req}/status"),
        &vtoken,
        &json!({"status": "en_route"}),
    );
    assert_eq!(a.status, 200, "{}", a.json());
    let a = b.send(
        "POST",
        &format!("/v1/requests/{req}/status"),
        Some(&vtoken),
        &[("If-Match", "\"3\"")],
        Some(("application/json", br#"{"status":"done"}"#)),
    );
    assert_eq!(a.status, 200, "{}", a.json());
    assert_eq!(a.json()["status"], "done");

    // done is final: 409 with the allowed statuses (none).
    let a = b.json(
        "POST",
        &format!("/v1/requests/{req}/status"),
        &coord,
        &json!({"status": "new"}),
    );
    assert_error(&a, 409, "illegal_transition");
    assert_eq!(a.json()["error"]["details"]["allowed"], json!([]));

    let h = b.get(&format!("/v1/requests/{req}/history"), &coord).json();
    let actions: Vec<&str> = h["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "assigned", "status", "status"]);
    assert_eq!(h["items"][1]["previous"]["status"], "new");
    assert_eq!(h["items"][3]["previous"]["status"], "en_route");
    assert_eq!(h["items"][3]["changes"]["status"], "done");
}

#[test]
fn illegal_transitions_answer_409_with_the_allowed_statuses_and_change_nothing() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "HQ");
    let req = b.request(&admin, hq, "Maria", ON_ROAD[1]);
    let a = b.json(
        "POST",
        &format!("/v1/requests/{req}/status"),
        &admin,
        &json!({"status": "done"}),
    );
    assert_error(&a, 409, "illegal_transition");
    assert_eq!(
        a.json()["error"]["details"]["allowed"],
        json!(["cancelled", "assigned"])
    );
    let a = b.send(
        "POST",
        &format!("/v1/requests/{req}/unassign"),
        Some(&admin),
        &[],
        None,
    );
    assert_error(&a, 409, "illegal_transition");
    let a = b.json(
        "POST",
        &format!("/v1/requests/{req}/cancel"),
        &admin,
        &json!({"reason": "called back: not needed"}),
    );
    assert_eq!(a.status, 200);
    assert_eq!(a.json()["status"], "cancelled");
    let r = b.get(&format!("/v1/requests/{req}"), &admin);
    assert_eq!(r.json()["version"], 2);
}

#[test]
fn a_retried_create_answers_the_first_answer_and_stores_one_record() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "HQ");
    let body = new_request(hq, "Maria", ON_ROAD[1]).to_string();
    let send = |key: &str, body: &str| {
        b.send(
            "POST",
            "/v1/requests",
            Some(&admin),
            &[("Idempotency-Key", key)],
            Some(("application/json", body.as_bytes())),
        )
    };
    let first = send("k-1", &body);
    assert_eq!(first.status, 201);
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = send("k-1", &body);
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json(), first.json());
    let other = new_request(hq, "Someone else", ON_ROAD[1]).to_string();
    assert_error(&send("k-1", &other), 422, "idempotency_key_reused");

    // Concurrent retries with one key: one record.
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let (addr, admin, body) = (b.addr, admin.clone(), body.clone());
            std::thread::spawn(move || {
                let req = format!(
                    "POST /v1/requests HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer {admin}\r\nIdempotency-Key: k-2\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
                crate::http_support::raw(addr, req.as_bytes())
            })
        })
        .collect();
    let answers: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let ids: std::collections::BTreeSet<i64> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 201);
            a.json()["id"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let all = b.get("/v1/requests?limit=1000", &admin).json();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
}

#[test]
fn two_patches_from_one_version_one_wins_one_gets_412() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "HQ");
    let vol = b.volunteer(&admin, hq, "Anna", ON_ROAD[0]);
    let etag = b
        .get(&format!("/v1/volunteers/{vol}"), &admin)
        .header("etag")
        .unwrap()
        .to_owned();
    let patch = |name: &str| {
        b.send(
            "PATCH",
            &format!("/v1/volunteers/{vol}"),
            Some(&admin),
            &[("If-Match", &etag)],
            Some((
                "application/json",
                json!({"name": name}).to_string().as_bytes(),
            )),
        )
    };
    let one = patch("Anna K.");
    assert_eq!(one.status, 200, "{}", one.json());
    assert_eq!(one.header("etag"), Some("\"2\""));
    let two = patch("Anna L.");
    assert_error(&two, 412, "version_mismatch");
    assert_eq!(two.json()["error"]["details"]["current_version"], 2);
    let v = b.get(&format!("/v1/volunteers/{vol}"), &admin).json();
    assert_eq!(v["name"], "Anna K.");
    // The body's version works as If-Match does.
    let stale = b.json(
        "PATCH",
        &format!("/v1/volunteers/{vol}"),
        &admin,
        &json!({"name": "X", "version": 1}),
    );
    assert_error(&stale, 412, "version_mismatch");
}

#[test]
fn cursors_page_through_250_requests_without_gaps_or_duplicates() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "HQ");
    let mut csv = String::from("kind,urgency,recipient_name,recipient_phone,lon,lat\n");
    for i in 0..250 {
        let p = ON_ROAD[i % 3];
        csv.push_str(&format!(
            "groceries,normal,Person {i},+377 600 {i:03},{},{}\n",
            p[0], p[1]
        ));
    }
    let a = b.send(
        "POST",
        &format!("/v1/requests/import?hq={hq}"),
        Some(&admin),
        &[],
        Some(("text/csv", csv.as_bytes())),
    );
    assert_eq!(a.status, 201, "{}", a.json());
    assert_eq!(a.json()["imported"], 250);
    let mut seen = Vec::new();
    let mut path = "/v1/requests?limit=100".to_owned();
    let mut pages = 0;
    loop {
        let page = b.get(&path, &admin).json();
        pages += 1;
        for r in page["items"].as_array().unwrap() {
            seen.push(r["id"].as_i64().unwrap());
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/requests?limit=100&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, seen);
    assert_eq!(seen.len(), 250);
    // An exact multiple of the page size ends with next_cursor null, not an empty page.
    let p = b.get("/v1/requests?limit=250", &admin).json();
    assert!(p["next_cursor"].is_null(), "{p}");
    assert_error(
        &b.get("/v1/requests?cursor=zz", &admin),
        400,
        "invalid_cursor",
    );
    assert_error(
        &b.get("/v1/requests?limit=1001", &admin),
        400,
        "invalid_query",
    );
}

#[test]
fn csv_round_trips_and_a_bad_row_imports_nothing() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "HQ");
    let hq2 = b.hq(&admin, "HQ 2");
    b.volunteer(&admin, hq, "Anna, \"the fast\"", ON_ROAD[0]);
    b.volunteer(&admin, hq, "Boris", ON_ROAD[2]);
    let export = b.get(&format!("/v1/volunteers.csv?hq={hq}"), &admin);
    assert_eq!(export.status, 200);
    assert!(
        export
            .header("content-type")
            .unwrap()
            .starts_with("text/csv")
    );
    let a = b.send(
        "POST",
        &format!("/v1/volunteers/import?hq={hq2}"),
        Some(&admin),
        &[],
        Some(("text/csv", &export.body)),
    );
    assert_eq!(a.status, 201, "{}", a.json());
    assert_eq!(a.json()["imported"], 2);
    let strip = |v: &serde_json::Value| {
        let mut v = v.clone();
        for k in [
            "id",
            "hq",
            "version",
            "created_at",
            "updated_at",
            "position_at",
        ] {
            v.as_object_mut().unwrap().remove(k);
        }
        v
    };
    let one = b.get(&format!("/v1/volunteers?hq={hq}"), &admin).json();
    let two = b.get(&format!("/v1/volunteers?hq={hq2}"), &admin).json();
    let one: Vec<_> = one["items"].as_array().unwrap().iter().map(strip).collect();
    let two: Vec<_> = two["items"].as_array().unwrap().iter().map(strip).collect();
    assert_eq!(one, two);

    // Requests round trip too.
    b.request(&admin, hq, "Maria", ON_ROAD[1]);
    let export = b.get(&format!("/v1/requests.csv?hq={hq}&status=new"), &admin);
    assert_eq!(export.status, 200);
    let a = b.send(
        "POST",
        &format!("/v1/requests/import?hq={hq2}"),
        Some(&admin),
        &[],
        Some(("text/csv", &export.body)),
    );
    assert_eq!(a.status, 201, "{}", a.json());

    // Three rows, two bad: nothing stored, both reported.
    let bad = format!(
        "name,phone,mode,lon,lat\nGood,+377 600 000 003,foot,{},{}\nBad phone,abc,foot,,\nAt sea,+377 600 000 004,car,{},{}\n",
        ON_ROAD[0][0], ON_ROAD[0][1], AT_SEA[0], AT_SEA[1]
    );
    let before = b.get("/v1/volunteers?limit=1000", &admin).json()["items"]
        .as_array()
        .unwrap()
        .len();
    let a = b.send(
        "POST",
        &format!("/v1/volunteers/import?hq={hq}"),
        Some(&admin),
        &[],
        Some(("text/csv", bad.as_bytes())),
    );
    assert_error(&a, 422, "invalid_rows");
    let v = a.json();
    assert_eq!(v["imported"], 0);
    let rows: Vec<(i64, &str)> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(rows, [(3, "phone"), (4, "position")], "{v}");
    let after = b.get("/v1/volunteers?limit=1000", &admin).json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
    let unknown = b.send(
        "POST",
        &format!("/v1/volunteers/import?hq={hq}"),
        Some(&admin),
        &[],
        Some(("text/csv", b"name,phone,mode,password\n")),
    );
    assert_error(&unknown, 422, "invalid_rows");
}
