//! Position reports over HTTP, committed in batches: many clients at once each get their own
//! answer (200, or their own 404/422), every 200 is stored with its event, and the live view
//! follows; a revoked token stops working within the token cache's second.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use engine::board::{Role, Store};
use serde_json::{Value, json};
use server::http::v1::BoardSettings;
use server::http::v1::token_cache::TOKEN_CACHE_TTL;

use crate::v1_support::{AT_SEA, ON_ROAD, TestBoard, assert_error};

/// The value of a `/metrics` series.
fn metric(b: &TestBoard, name: &str) -> u64 {
    let text = String::from_utf8(b.send("GET", "/metrics", None, &[], None).body).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("{name} not in /metrics"))
}

/// Every event of the board, oldest first.
fn all_events(b: &TestBoard, token: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = b.get(&format!("/v1/events.json?after={after}&limit=1000"), token);
        assert_eq!(page.status, 200);
        let items = page.json()["items"].as_array().unwrap().clone();
        let Some(last) = items.last().map(|e| e["seq"].as_i64().unwrap()) else {
            return out;
        };
        after = last;
        out.extend(items);
    }
}

fn concurrent_reports_each_get_their_answer(b: &TestBoard) {
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "North");
    let other = b.hq(&admin, "South");
    let vols: Vec<i64> = (0..16)
        .map(|i| b.volunteer(&admin, hq, &format!("V{i}"), ON_ROAD[0]))
        .collect();
    let outsider = b.token(Role::Coordinator, &[other], None);
    let request = b.request(&admin, hq, "R", ON_ROAD[2]);
    // The first question builds the live view, which each batch then keeps current.
    assert_eq!(
        b.get(&format!("/v1/requests/{request}/candidates?k=3"), &admin)
            .status,
        200
    );
    let b0 = metric(b, "vmeste_position_batches_total");
    let r0 = metric(b, "vmeste_position_reports_total");
    let threads = 8;
    let per_thread = 40;
    let results: Vec<Vec<(i64, u16, [f64; 2])>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (vols, admin, outsider) = (&vols, &admin, &outsider);
                s.spawn(move || {
                    let mut out = Vec::new();
                    for i in 0..per_thread {
                        // Thread t reports for volunteers t and t + 8 only, so each one's last
                        // report is known; every fifth report is one of the bad kinds.
                        let id = vols[t + threads * (i % 2)];
                        let p = ON_ROAD[(i + t) % 3];
                        let (id, token, p) = match i % 5 {
                            1 if i % 3 == 0 => (999_999, admin, p),
                            1 if i % 3 == 1 => (id, admin, AT_SEA),
                            1 => (id, outsider, p),
                            _ => (id, admin, p),
                        };
                        let a = b.json(
                            "POST",
                            &format!("/v1/volunteers/{id}/position"),
                            token,
                            &json!({"position": p}),
                        );
                        out.push((id, a.status, p));
                    }
                    out
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut ok = BTreeMap::<i64, usize>::new();
    let mut last = BTreeMap::<i64, [f64; 2]>::new();
    for (t, list) in results.iter().enumerate() {
        for (i, &(id, status, p)) in list.iter().enumerate() {
            let want = match i % 5 {
                1 if i % 3 == 1 => 422,
                1 => 404,
                _ => 200,
            };
            assert_eq!(status, want, "thread {t} report {i}");
            if status == 200 {
                *ok.entry(id).or_default() += 1;
                last.insert(id, p);
            }
        }
    }
    let total = u64::try_from(threads * per_thread).unwrap();
    assert_eq!(metric(b, "vmeste_position_reports_total") - r0, total);
    let batches = metric(b, "vmeste_position_batches_total") - b0;
    assert!(batches >= 1 && batches <= total, "{batches} batches");
    // Every 200 left its event; each volunteer is where its last 200 put it.
    let events = all_events(b, &admin);
    for (&id, &n) in &ok {
        let mine = events
            .iter()
            .filter(|e| e["entity_id"] == id && e["action"] == "position")
            .count();
        assert_eq!(mine, n, "position events of volunteer {id}");
        let v = b.get(&format!("/v1/volunteers/{id}"), &admin).json();
        assert_eq!(v["position"], json!(last[&id]), "volunteer {id}");
        assert_eq!(v["version"], json!(1 + n), "volunteer {id}");
    }
    // The live view, followed by every batch, still answers.
    assert_eq!(
        b.get(&format!("/v1/requests/{request}/candidates?k=16"), &admin)
            .status,
        200
    );
}

#[test]
fn concurrent_position_reports_on_sqlite() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    concurrent_reports_each_get_their_answer(&b);
}

#[test]
fn concurrent_position_reports_on_postgresql() {
    let Some(b) = TestBoard::start_postgres(BoardSettings::default()) else {
        return;
    };
    concurrent_reports_each_get_their_answer(&b);
}

/// Many clients report at once for the same three volunteers, so that a volunteer's reports
/// are in consecutive batches, one committing while the next is read: every 200 got its own
/// version, the volunteer's events chain (each one's previous position is the position the
/// one before left, and the version it made is the one its answer carried), the stored
/// volunteer is where the last acknowledged report put it, and the live view, once it has
/// applied the last batch, equals the store.
fn reports_for_the_same_volunteers_land_in_order(b: &TestBoard) {
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "North");
    let vols: Vec<i64> = (0..3)
        .map(|i| b.volunteer(&admin, hq, &format!("V{i}"), ON_ROAD[0]))
        .collect();
    let request = b.request(&admin, hq, "R", ON_ROAD[2]);
    assert_eq!(
        b.get(&format!("/v1/requests/{request}/candidates?k=3"), &admin)
            .status,
        200
    );
    let (threads, per_thread) = (12, 25);
    let answers: Vec<(i64, i64, Value)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (vols, admin) = (&vols, &admin);
                s.spawn(move || {
                    (0..per_thread)
                        .map(|i| {
                            let id = vols[(t + i) % vols.len()];
                            let a = b.json(
                                "POST",
                                &format!("/v1/volunteers/{id}/position"),
                                admin,
                                &json!({"position": ON_ROAD[(t * 7 + i) % 3]}),
                            );
                            assert_eq!(a.status, 200, "{:?}", a.json());
                            let v = a.json();
                            (id, v["version"].as_i64().unwrap(), v["position"].clone())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let events = all_events(b, &admin);
    for &id in &vols {
        let mut mine: Vec<(i64, Value)> = answers
            .iter()
            .filter(|a| a.0 == id)
            .map(|a| (a.1, a.2.clone()))
            .collect();
        mine.sort_by_key(|a| a.0);
        let n = i64::try_from(mine.len()).unwrap();
        assert_eq!(
            mine.iter().map(|a| a.0).collect::<Vec<_>>(),
            (2..=n + 1).collect::<Vec<_>>(),
            "volunteer {id}: one version per acknowledged report"
        );
        let chain: Vec<&Value> = events
            .iter()
            .filter(|e| e["entity_id"] == id && e["action"] == "position")
            .collect();
        assert_eq!(chain.len(), mine.len(), "position events of volunteer {id}");
        let mut at = json!(ON_ROAD[0]);
        for (k, (e, (version, answered))) in chain.iter().zip(&mine).enumerate() {
            if let Some(p) = e["changes"].get("position") {
                assert_eq!(e["previous"]["position"], at, "volunteer {id} event {k}");
                at = p.clone();
            }
            assert_eq!(&at, answered, "volunteer {id} version {version}");
        }
        let v = b.get(&format!("/v1/volunteers/{id}"), &admin).json();
        assert_eq!((&v["position"], &v["version"]), (&at, &json!(n + 1)));
    }
    // The last batch's answers go out before its events reach the live view.
    let last = last_seq(b);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while seen(b, vols[0]).1 < last && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    for &id in &vols {
        let v = b.get(&format!("/v1/volunteers/{id}"), &admin).json();
        let stored: [f64; 2] = serde_json::from_value(v["position"].clone()).unwrap();
        assert_eq!(seen(b, id), (Some(stored), last), "volunteer {id}");
    }
}

#[test]
fn reports_for_the_same_volunteers_land_in_order_on_sqlite() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    reports_for_the_same_volunteers_land_in_order(&b);
}

#[test]
fn reports_for_the_same_volunteers_land_in_order_on_postgresql() {
    let Some(b) = TestBoard::start_postgres(BoardSettings::default()) else {
        return;
    };
    reports_for_the_same_volunteers_land_in_order(&b);
}

#[test]
fn position_reports_refuse_bad_input_one_by_one() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "North");
    let v = b.volunteer(&admin, hq, "V", ON_ROAD[0]);
    let me = b.token(Role::Volunteer, &[], Some(v));
    let path = format!("/v1/volunteers/{v}/position");
    let post = |token: &str, body: &str| {
        b.send(
            "POST",
            &path,
            Some(token),
            &[],
            Some(("application/json", body.as_bytes())),
        )
    };
    assert_eq!(
        post(&me, r#"{"position": [7.415637, 43.735767]}"#).status,
        200
    );
    for bad in [
        r#"{"position": [7.415637]}"#,
        r#"{"position": [1e999, 43.7]}"#,
        r#"{"position": [7.4, 43.7], "extra": 1}"#,
        r#"{"position": "here"}"#,
        r#"{"position": [7.4, 43.7], "at": "yesterday"}"#,
        "{",
    ] {
        let a = post(&me, bad);
        assert!(a.status == 400 || a.status == 422, "{bad}: {}", a.status);
    }
    assert_error(
        &post(&me, r#"{"position": [200.0, 43.7]}"#),
        422,
        "invalid_field",
    );
    assert_error(
        &post(&me, r#"{"position": [7.5, 43.6]}"#),
        422,
        "invalid_field",
    );
    let future = r#"{"position": [7.415637, 43.735767], "at": "2999-01-01T00:00:00Z"}"#;
    assert_error(&post(&me, future), 422, "invalid_field");
    let other = b.volunteer(&admin, hq, "W", ON_ROAD[1]);
    let a = b.json(
        "POST",
        &format!("/v1/volunteers/{other}/position"),
        &me,
        &json!({"position": ON_ROAD[2]}),
    );
    assert_eq!(a.status, 404, "a volunteer reports only for themselves");
    assert_eq!(
        post("vm_unknown", r#"{"position": [7.4, 43.7]}"#).status,
        401
    );
    // Nothing but the one good report moved the volunteer.
    let x = b.get(&format!("/v1/volunteers/{v}"), &admin).json();
    assert_eq!(x["version"], 2, "{x}");
}

#[test]
fn a_revoked_token_stops_working_within_the_token_cache_ttl() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    use engine::board::Store;
    let (token, id) = b
        .block_on(
            b.state
                .issue_token(Role::Admin, Vec::new(), None, "soon revoked"),
        )
        .unwrap();
    assert_eq!(
        b.get("/v1/hqs", &token).status,
        200,
        "valid, and now remembered"
    );
    assert!(
        b.block_on(
            b.state
                .board
                .store()
                .revoke_token(id, server::http::v1::BoardState::now())
        )
        .unwrap()
    );
    // Within the TTL the remembered answer may still let it in; after it, never.
    std::thread::sleep(TOKEN_CACHE_TTL + Duration::from_millis(100));
    assert_error(&b.get("/v1/hqs", &token), 401, "invalid_token");
    assert_error(&b.get("/v1/hqs", &token), 401, "invalid_token");
    let state = Arc::clone(&b.state);
    assert!(
        state
            .tokens
            .get(&server::http::v1::auth::token_hash(&token))
            .is_none(),
        "a revoked token is not remembered"
    );
}

/// Where server `b`'s live view, as it is (not caught up), has volunteer `id`, and the
/// sequence number it is current with.
fn seen(b: &TestBoard, id: i64) -> (Option<[f64; 2]>, i64) {
    let view = b.block_on(b.state.live.as_is());
    let live = view.as_ref().expect("the live view is built");
    (live.roster().volunteer(id).unwrap().position, live.seq())
}

fn last_seq(b: &TestBoard) -> i64 {
    b.block_on(b.state.board.store().last_seq()).unwrap()
}

#[test]
fn the_live_view_applies_its_own_batches_and_reads_another_writers_events() {
    let Some(engine) = crate::http_support::monaco_engine() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.db").to_string_lossy().into_owned();
    let a = TestBoard::start_with_store(Arc::clone(&engine), &path);
    let admin = a.token(Role::Admin, &[], None);
    let hq = a.hq(&admin, "North");
    let vols: Vec<i64> = (0..3)
        .map(|i| a.volunteer(&admin, hq, &format!("V{i}"), ON_ROAD[0]))
        .collect();
    let request = a.request(&admin, hq, "R", ON_ROAD[2]);
    let b = TestBoard::start_with_store(engine, &path);
    let report = |server: &TestBoard, id: i64, p: [f64; 2]| {
        let answer = server.json(
            "POST",
            &format!("/v1/volunteers/{id}/position"),
            &admin,
            &json!({"position": p}),
        );
        assert_eq!(answer.status, 200, "{:?}", answer.json());
    };
    // The first question builds server a's view; its own batch is applied from the batch.
    assert_eq!(
        a.get(&format!("/v1/requests/{request}/candidates?k=3"), &admin)
            .status,
        200
    );
    report(&a, vols[0], ON_ROAD[1]);
    assert_eq!(seen(&a, vols[0]), (Some(ON_ROAD[1]), last_seq(&a)));
    // Another server's report comes between: a's next batch does not follow its view's last
    // event, so a reads the store's events, the other's included, before applying it.
    report(&b, vols[1], ON_ROAD[1]);
    assert_eq!(seen(&a, vols[1]).0, Some(ON_ROAD[0]), "not seen yet");
    report(&a, vols[2], ON_ROAD[2]);
    assert_eq!(seen(&a, vols[1]), (Some(ON_ROAD[1]), last_seq(&a)));
    assert_eq!(seen(&a, vols[2]), (Some(ON_ROAD[2]), last_seq(&a)));
    // Several of a's own batches in a row stay current.
    for (i, p) in ON_ROAD.iter().cycle().take(12).enumerate() {
        report(&a, vols[i % 3], *p);
        assert_eq!(
            seen(&a, vols[i % 3]),
            (Some(*p), last_seq(&a)),
            "report {i}"
        );
    }
}
