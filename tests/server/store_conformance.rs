//! One conformance suite for every `engine::board::Store`: run on `MemoryStore` (the
//! reference), an SQLite file and a PostgreSQL database. Most checks are differential: the
//! same writes go to the store under test and to a fresh `MemoryStore`, and every answer
//! must be the same (event sequence numbers only need to grow: PostgreSQL's may skip).
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::sync::Arc;

use engine::board::{
    AnyRoads, Applied, Board, Change, Created, EntityKind, Event, EventQuery, Hq, IdempotencyKey,
    MemoryStore, Mode, NewHq, NewRequest, NewVolunteer, PositionReport, Principal, Recipient,
    Record, RequestKind, RequestQuery, RequestStatus, Role, Store, StoreError, Time, TokenRecord,
    Urgency, VolunteerQuery, VolunteerStatus, Write,
};
use rand::RngExt;
use rand_pcg::Pcg64;
use serde_json::json;

use super::store_support as support;

/// Generates, for each check, a test on each store.
macro_rules! conformance {
    ($($check:ident),* $(,)?) => {
        mod memory {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    super::$check(engine::board::MemoryStore::new()).await;
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    let (_dir, store) = super::support::sqlite().await;
                    super::$check(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $check() {
                    if let Some(store) = super::support::postgres().await {
                        super::$check(store).await;
                    }
                }
            )*
        }
    };
}

conformance!(
    insert_update_conflict_and_missing,
    failed_write_changes_nothing,
    random_records_round_trip_and_queries_match_memory,
    events_order_filters_and_paging,
    idempotency_replays_and_refuses_another_body,
    concurrent_writers_with_one_key_store_once,
    concurrent_updates_from_one_version_one_wins,
    tokens_insert_find_list_revoke,
    board_operations_match_memory,
    apply_all_matches_memory_one_by_one,
);

const AT: Time = Time(1_780_000_000);

fn insert(record: Record) -> Change {
    Change {
        record,
        expected_version: None,
        action: "created".into(),
        changes: json!({}),
        previous: json!({}),
    }
}

fn update(record: Record, from: i64) -> Change {
    Change {
        record,
        expected_version: Some(from),
        action: "updated".into(),
        changes: json!({"name": "new"}),
        previous: json!({"name": "old"}),
    }
}

fn write(changes: Vec<Change>) -> Write {
    Write {
        at: AT,
        actor: "admin:1".into(),
        changes,
        idempotency: None,
    }
}

fn stored(a: Applied) -> (Vec<Record>, Vec<Event>) {
    match a {
        Applied::Stored { records, events } => (records, events),
        Applied::Replayed(b) => panic!("unexpected replay {b}"),
    }
}

/// Events without their sequence numbers, after checking those grow.
fn unsequenced(events: &[Event]) -> Vec<Event> {
    for w in events.windows(2) {
        assert!(w[0].seq < w[1].seq, "sequence numbers grow");
    }
    events
        .iter()
        .map(|e| Event {
            seq: 0,
            ..e.clone()
        })
        .collect()
}

/// Applies the same write to both; the answers must agree (up to event sequence numbers).
async fn both<S: Store>(s: &S, m: &MemoryStore, w: Write) -> Result<Applied, StoreError> {
    let got = s.apply(w.clone()).await;
    let want = m.apply(w).await;
    match (&got, &want) {
        (
            Ok(Applied::Stored { records, events }),
            Ok(Applied::Stored {
                records: r2,
                events: e2,
            }),
        ) => {
            assert_eq!(records, r2);
            assert_eq!(unsequenced(events), unsequenced(e2));
        }
        _ => assert_eq!(got, want),
    }
    got
}

fn sample_hq() -> Hq {
    let mut r = support::rng(1);
    support::hq(&mut r)
}

async fn insert_update_conflict_and_missing<S: Store>(s: S) {
    let m = MemoryStore::new();
    let (recs, events) = stored(
        both(&s, &m, write(vec![insert(Record::Hq(sample_hq()))]))
            .await
            .unwrap(),
    );
    let Record::Hq(h) = &recs[0] else { panic!() };
    assert_eq!((h.id, h.version), (1, 1));
    assert_eq!(events[0].entity, EntityKind::Hq);
    assert_eq!(events[0].changes, recs[0].to_json());
    let mut changed = h.clone();
    changed.name = "Штаб №1".into();
    let (recs, _) = stored(
        both(&s, &m, write(vec![update(Record::Hq(changed.clone()), 1)]))
            .await
            .unwrap(),
    );
    assert_eq!(recs[0].version(), 2);
    assert_eq!(s.hq(1).await.unwrap().unwrap().name, "Штаб №1");
    // A change made from version 1 again: the store says what it found.
    let e = both(&s, &m, write(vec![update(Record::Hq(changed.clone()), 1)]))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        StoreError::VersionConflict {
            entity: EntityKind::Hq,
            id: 1,
            expected: 1,
            found: 2
        }
    );
    let mut gone = changed;
    gone.id = 99;
    let e = both(&s, &m, write(vec![update(Record::Hq(gone), 1)]))
        .await
        .unwrap_err();
    assert_eq!(
        e,
        StoreError::Missing {
            entity: EntityKind::Hq,
            id: 99
        }
    );
    assert_eq!(s.hq(99).await.unwrap(), None);
    assert_eq!(s.hqs().await.unwrap(), m.hqs().await.unwrap());
}

async fn failed_write_changes_nothing<S: Store>(s: S) {
    stored(
        s.apply(write(vec![insert(Record::Hq(sample_hq()))]))
            .await
            .unwrap(),
    );
    let before_events = s.last_seq().await.unwrap();
    let mut h = s.hq(1).await.unwrap().unwrap();
    h.name = "changed".into();
    // An insert, a good update, then a stale one: nothing of it may stay.
    let e = s
        .apply(write(vec![
            insert(Record::Hq(sample_hq())),
            update(Record::Hq(h.clone()), 1),
            update(Record::Hq(h), 7),
        ]))
        .await
        .unwrap_err();
    // Checked against the records as they were before the write, as `MemoryStore` does.
    assert_eq!(
        e,
        StoreError::VersionConflict {
            entity: EntityKind::Hq,
            id: 1,
            expected: 7,
            found: 1
        }
    );
    assert_eq!(s.hqs().await.unwrap().len(), 1);
    assert_eq!(s.hq(1).await.unwrap().unwrap().version, 1);
    assert_eq!(s.last_seq().await.unwrap(), before_events);
}

/// Inserts random records into both stores; returns the identifiers per kind.
async fn fill<S: Store>(s: &S, m: &MemoryStore, r: &mut Pcg64) -> (Vec<i64>, Vec<i64>, Vec<i64>) {
    let (mut hqs, mut vols, mut reqs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..4 {
        let (recs, _) = stored(
            both(s, m, write(vec![insert(Record::Hq(support::hq(r)))]))
                .await
                .unwrap(),
        );
        hqs.push(recs[0].id());
    }
    for _ in 0..25 {
        let v = support::volunteer(r, &hqs);
        let (recs, _) = stored(
            both(s, m, write(vec![insert(Record::Volunteer(v))]))
                .await
                .unwrap(),
        );
        vols.push(recs[0].id());
    }
    // Several requests per write: ids follow the order of the changes.
    for _ in 0..20 {
        let changes = (0..r.random_range(1..4))
            .map(|_| insert(Record::Request(support::request(r, &hqs, &vols))))
            .collect();
        let (recs, _) = stored(both(s, m, write(changes)).await.unwrap());
        reqs.extend(recs.iter().map(Record::id));
    }
    (hqs, vols, reqs)
}

fn some_hqs(r: &mut Pcg64, hqs: &[i64]) -> Option<Vec<i64>> {
    match r.random_range(0..4) {
        0 => None,
        1 => Some(Vec::new()),
        _ => Some(hqs.iter().copied().filter(|_| r.random_bool(0.5)).collect()),
    }
}

async fn random_records_round_trip_and_queries_match_memory<S: Store>(s: S) {
    let m = MemoryStore::new();
    let mut r = support::rng(7);
    let (hqs, vols, reqs) = fill(&s, &m, &mut r).await;
    // Every field of every record reads back exactly.
    assert_eq!(s.hqs().await.unwrap(), m.hqs().await.unwrap());
    for id in &vols {
        assert_eq!(
            s.volunteer(*id).await.unwrap(),
            m.volunteer(*id).await.unwrap()
        );
    }
    for id in &reqs {
        assert_eq!(s.request(*id).await.unwrap(), m.request(*id).await.unwrap());
    }
    // Updates of random fields, from the right version.
    for _ in 0..30 {
        let id = reqs[r.random_range(0..reqs.len())];
        let old = m.request(id).await.unwrap().unwrap();
        let mut new = support::request(&mut r, &hqs, &vols);
        new.id = id;
        both(
            &s,
            &m,
            write(vec![update(Record::Request(new), old.version)]),
        )
        .await
        .unwrap();
        let id = vols[r.random_range(0..vols.len())];
        let old = m.volunteer(id).await.unwrap().unwrap();
        let mut new = support::volunteer(&mut r, &hqs);
        new.id = id;
        both(
            &s,
            &m,
            write(vec![update(Record::Volunteer(new), old.version)]),
        )
        .await
        .unwrap();
    }
    for _ in 0..200 {
        let q = VolunteerQuery {
            hqs: some_hqs(&mut r, &hqs),
            status: r.random_bool(0.3).then(|| {
                [
                    VolunteerStatus::Available,
                    VolunteerStatus::Busy,
                    VolunteerStatus::Off,
                ][r.random_range(0..3)]
            }),
            mode: r.random_bool(0.3).then(|| Mode::ALL[r.random_range(0..3)]),
            updated_since: r
                .random_bool(0.3)
                .then(|| Time(r.random_range(0..4_000_000_000))),
            after_id: r.random_bool(0.3).then(|| r.random_range(-1..30)),
            limit: r.random_range(0..40),
        };
        assert_eq!(
            s.volunteers(&q).await.unwrap(),
            m.volunteers(&q).await.unwrap(),
            "{q:?}"
        );
        let lon0 = r.random_range(-180.0..180.0);
        let lat0 = r.random_range(-90.0..90.0);
        let q = RequestQuery {
            hqs: some_hqs(&mut r, &hqs),
            statuses: RequestStatus::ALL
                .into_iter()
                .filter(|_| r.random_bool(0.25))
                .collect(),
            urgency: r
                .random_bool(0.3)
                .then(|| Urgency::ALL[r.random_range(0..3)]),
            kind: r.random_bool(0.3).then(|| {
                [
                    RequestKind::Groceries,
                    RequestKind::Medicines,
                    RequestKind::Other,
                    RequestKind::PsychologicalSupport,
                ][r.random_range(0..4)]
            }),
            bbox: r.random_bool(0.3).then(|| {
                [
                    lon0,
                    lat0,
                    lon0 + r.random_range(0.0..200.0),
                    lat0 + r.random_range(0.0..100.0),
                ]
            }),
            updated_since: r
                .random_bool(0.3)
                .then(|| Time(r.random_range(0..4_000_000_000))),
            created_by: r
                .random_bool(0.3)
                .then(|| format!("operator:{}", r.random_range(1..4))),
            volunteer: r
                .random_bool(0.2)
                .then(|| vols[r.random_range(0..vols.len())]),
            after_id: r.random_bool(0.3).then(|| r.random_range(-1..60)),
            limit: r.random_range(0..80),
        };
        assert_eq!(
            s.requests(&q).await.unwrap(),
            m.requests(&q).await.unwrap(),
            "{q:?}"
        );
    }
    // Cursor paging visits every record once, in order.
    let mut q = RequestQuery {
        limit: 7,
        ..RequestQuery::default()
    };
    let mut seen = Vec::new();
    loop {
        let page = s.requests(&q).await.unwrap();
        let Some(last) = page.last() else { break };
        q.after_id = Some(last.id);
        seen.extend(page.iter().map(|x| x.id));
    }
    assert_eq!(seen, reqs);
}

async fn events_order_filters_and_paging<S: Store>(s: S) {
    let m = MemoryStore::new();
    let mut r = support::rng(11);
    let (hqs, vols, reqs) = fill(&s, &m, &mut r).await;
    for _ in 0..20 {
        let id = reqs[r.random_range(0..reqs.len())];
        let mut x = m.request(id).await.unwrap().unwrap();
        let from = x.version;
        x.status = RequestStatus::ALL[r.random_range(0..6)];
        both(&s, &m, write(vec![update(Record::Request(x), from)]))
            .await
            .unwrap();
    }
    let every = EventQuery {
        limit: usize::MAX,
        ..EventQuery::default()
    };
    let all = s.events(&every).await.unwrap();
    let want = m.events(&every).await.unwrap();
    assert_eq!(unsequenced(&all), unsequenced(&want));
    assert_eq!(s.last_seq().await.unwrap(), all.last().unwrap().seq);
    for _ in 0..100 {
        let hq_filter = some_hqs(&mut r, &hqs);
        let entity = match r.random_range(0..4) {
            0 => Some((EntityKind::Request, reqs[r.random_range(0..reqs.len())])),
            1 => Some((EntityKind::Volunteer, vols[r.random_range(0..vols.len())])),
            2 => Some((EntityKind::Hq, hqs[r.random_range(0..hqs.len())])),
            _ => None,
        };
        // Page through both with their own cursors; the pages must agree.
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (store_events, out) in [(true, &mut a), (false, &mut b)] {
            let mut q = EventQuery {
                after_seq: 0,
                hqs: hq_filter.clone(),
                entity,
                limit: r.random_range(1..10),
            };
            loop {
                let page = if store_events {
                    s.events(&q).await.unwrap()
                } else {
                    m.events(&q).await.unwrap()
                };
                let Some(last) = page.last() else { break };
                q.after_seq = last.seq;
                out.extend(page);
            }
        }
        assert_eq!(unsequenced(&a), unsequenced(&b));
    }
}

fn key(scope: &str, key: &str, body: &str) -> IdempotencyKey {
    IdempotencyKey {
        scope: scope.into(),
        key: key.into(),
        fingerprint: body.into(),
    }
}

async fn idempotency_replays_and_refuses_another_body<S: Store>(s: S) {
    let m = MemoryStore::new();
    let mut w = write(vec![insert(Record::Hq(sample_hq()))]);
    w.idempotency = Some(key("admin:1 POST /v1/hqs", "k1", "body-a"));
    let (recs, _) = stored(both(&s, &m, w.clone()).await.unwrap());
    let first = recs[0].to_json();
    assert_eq!(
        both(&s, &m, w.clone()).await.unwrap(),
        Applied::Replayed(first.clone())
    );
    let reply = s
        .idempotent("admin:1 POST /v1/hqs", "k1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (reply.fingerprint.as_str(), &reply.body),
        ("body-a", &first)
    );
    let mut other = w.clone();
    other.idempotency = Some(key("admin:1 POST /v1/hqs", "k1", "body-b"));
    assert_eq!(
        both(&s, &m, other).await.unwrap_err(),
        StoreError::IdempotencyMismatch
    );
    // The same key in another scope is another key.
    let mut scoped = w;
    scoped.idempotency = Some(key("admin:2 POST /v1/hqs", "k1", "body-b"));
    stored(both(&s, &m, scoped).await.unwrap());
    assert_eq!(s.hqs().await.unwrap().len(), 2);
    assert_eq!(s.idempotent("nobody", "k1").await.unwrap(), None);
}

async fn concurrent_writers_with_one_key_store_once<S: Store>(s: S) {
    let s = Arc::new(s);
    let mut w = write(vec![insert(Record::Hq(sample_hq()))]);
    w.idempotency = Some(key("operator:3 POST /v1/hqs", "same", "body"));
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (s, w) = (Arc::clone(&s), w.clone());
            tokio::spawn(async move { s.apply(w).await })
        })
        .collect();
    let mut bodies = Vec::new();
    let mut stores = 0;
    for t in tasks {
        match t.await.unwrap().unwrap() {
            Applied::Stored { records, .. } => {
                stores += 1;
                bodies.push(records[0].to_json());
            }
            Applied::Replayed(b) => bodies.push(b),
        }
    }
    assert_eq!(stores, 1);
    assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(s.hqs().await.unwrap().len(), 1);
    assert_eq!(s.last_seq().await.unwrap(), 1, "one event");
}

async fn concurrent_updates_from_one_version_one_wins<S: Store>(s: S) {
    let s = Arc::new(s);
    stored(
        s.apply(write(vec![insert(Record::Hq(sample_hq()))]))
            .await
            .unwrap(),
    );
    let h = s.hq(1).await.unwrap().unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let s = Arc::clone(&s);
            let mut h = h.clone();
            h.name = format!("writer {i}");
            tokio::spawn(async move { s.apply(write(vec![update(Record::Hq(h), 1)])).await })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => wins += 1,
            Err(e) => assert_eq!(
                e,
                StoreError::VersionConflict {
                    entity: EntityKind::Hq,
                    id: 1,
                    expected: 1,
                    found: 2
                }
            ),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(s.hq(1).await.unwrap().unwrap().version, 2);
}

async fn tokens_insert_find_list_revoke<S: Store>(s: S) {
    let m = MemoryStore::new();
    let tokens = [
        (Role::Admin, vec![], None, "root"),
        (Role::Coordinator, vec![1, 3], None, "штаб"),
        (Role::Volunteer, vec![], Some(17), ""),
    ];
    for (i, (role, hqs, volunteer, label)) in tokens.into_iter().enumerate() {
        let t = TokenRecord {
            id: 0,
            hash: server::store::token_hash(&format!("secret-{i}")),
            role,
            hqs,
            volunteer,
            label: label.into(),
            created_at: AT,
            revoked_at: None,
        };
        assert_eq!(
            s.insert_token(t.clone()).await.unwrap(),
            m.insert_token(t).await.unwrap()
        );
    }
    let h = server::store::token_hash("secret-1");
    let found = s.token_by_hash(&h).await.unwrap().unwrap();
    assert_eq!(found, m.token_by_hash(&h).await.unwrap().unwrap());
    assert_eq!(found.hqs, vec![1, 3]);
    assert_eq!(s.token_by_hash("nope").await.unwrap(), None);
    for (id, at) in [(2, AT.plus(5)), (2, AT.plus(9)), (42, AT)] {
        assert_eq!(
            s.revoke_token(id, at).await.unwrap(),
            m.revoke_token(id, at).await.unwrap()
        );
    }
    assert_eq!(s.tokens().await.unwrap(), m.tokens().await.unwrap());
    assert_eq!(s.tokens().await.unwrap()[1].revoked_at, Some(AT.plus(5)));
}

/// The same board operations on `board` and on a board over `MemoryStore`.
async fn board_operations_match_memory<S: Store>(s: S) {
    let store_board = Board::new(s);
    let memory_board = Board::new(MemoryStore::new());
    let admin = Principal {
        token_id: 1,
        role: Role::Admin,
        hqs: vec![],
        volunteer: None,
    };
    let coordinator = Principal {
        token_id: 2,
        role: Role::Coordinator,
        hqs: vec![1],
        volunteer: None,
    };
    let walker = Principal {
        token_id: 3,
        role: Role::Volunteer,
        hqs: vec![],
        volunteer: Some(1),
    };
    macro_rules! on_both {
        ($op:ident ( $($arg:expr),* )) => {{
            // Each argument expression is evaluated once per board.
            let a = store_board.$op($($arg),*).await;
            let b = memory_board.$op($($arg),*).await;
            assert_eq!(format!("{a:?}"), format!("{b:?}"), stringify!($op));
            a
        }};
    }
    let t = |m: i64| AT.plus(m * 60);
    let hq = NewHq {
        name: "Штаб Москва".into(),
        region: "77".into(),
        location: [37.6173, 55.7558],
        timezone: Some("Europe/Moscow".into()),
    };
    on_both!(create_hq(&admin, t(0), hq.clone(), None)).unwrap();
    let idem = Some(key("admin:1 POST /v1/hqs", "retry", "same"));
    on_both!(create_hq(&admin, t(1), hq.clone(), idem.clone())).unwrap();
    let replay = on_both!(create_hq(&admin, t(2), hq.clone(), idem.clone())).unwrap();
    assert!(matches!(replay, Created::Replayed(_)));
    let vol = NewVolunteer {
        hq: 1,
        name: "Пётр".into(),
        phone: "+79990001122".into(),
        mode: Mode::Foot,
        skills: vec!["driver".into()],
        capacity_kg: None,
        capacity_bags: None,
        shifts: vec![],
        max_tasks: None,
        home: Some([37.62, 55.75]),
        position: None,
        status: None,
    };
    on_both!(create_volunteer(
        &coordinator,
        t(3),
        vol.clone(),
        &AnyRoads,
        None
    ))
    .unwrap();
    let req = NewRequest {
        hq: 1,
        kind: RequestKind::Groceries,
        urgency: Urgency::Urgent,
        deadline: None,
        time_windows: vec![],
        service_min: None,
        load_kg: Some(4.5),
        load_bags: Some(2),
        skills: vec![],
        notes: Some("домофон 12".into()),
        recipient: Recipient {
            name: "Мария Ивановна".into(),
            phone: "+79995556677".into(),
            address: String::new(),
        },
        location: Some([37.63, 55.76]),
        address: None,
    };
    for i in 0..3 {
        on_both!(create_request(
            &coordinator,
            t(4 + i),
            req.clone(),
            None,
            &AnyRoads,
            None
        ))
        .unwrap();
    }
    on_both!(assign(&coordinator, t(10), 1, 1, Some(1))).unwrap();
    on_both!(assign(&coordinator, t(11), 2, 1, Some(1))).unwrap();
    // A stale If-Match, a step the lifecycle forbids, an unknown record.
    let _ = on_both!(assign(&coordinator, t(12), 3, 1, Some(9)));
    let _ = on_both!(transition(
        &coordinator,
        t(12),
        3,
        RequestStatus::Done,
        None,
        None
    ));
    let _ = on_both!(transition(
        &coordinator,
        t(12),
        77,
        RequestStatus::Done,
        None,
        None
    ));
    on_both!(transition(
        &walker,
        t(13),
        1,
        RequestStatus::EnRoute,
        None,
        None
    ))
    .unwrap();
    let report = PositionReport {
        position: [37.625, 55.755],
        at: None,
        status: Some(VolunteerStatus::Busy),
    };
    on_both!(report_position(&walker, t(14), 1, report, &AnyRoads)).unwrap();
    on_both!(transition(
        &walker,
        t(20),
        1,
        RequestStatus::Done,
        None,
        None
    ))
    .unwrap();
    on_both!(transition(
        &walker,
        t(21),
        2,
        RequestStatus::Failed,
        Some(String::from("нет дома")),
        None
    ))
    .unwrap();
    on_both!(transition(
        &coordinator,
        t(22),
        3,
        RequestStatus::Cancelled,
        Some(String::from("дубль")),
        None
    ))
    .unwrap();
    for id in 1..=3 {
        let a = store_board.history(&coordinator, id).await.unwrap();
        let b = memory_board.history(&coordinator, id).await.unwrap();
        assert_eq!(unsequenced(&a), unsequenced(&b));
    }
    let all = RequestQuery {
        limit: 100,
        ..RequestQuery::default()
    };
    assert_eq!(
        store_board.store().requests(&all).await.unwrap(),
        memory_board.store().requests(&all).await.unwrap()
    );
    let vq = VolunteerQuery {
        limit: 100,
        ..VolunteerQuery::default()
    };
    assert_eq!(
        store_board.store().volunteers(&vq).await.unwrap(),
        memory_board.store().volunteers(&vq).await.unwrap()
    );
    assert_eq!(
        store_board.store().hqs().await.unwrap(),
        memory_board.store().hqs().await.unwrap()
    );
}

/// Batches of writes through `apply_all` (mostly lone updates of volunteers, the batch shape,
/// with missing records, stale versions, a record twice, and other shapes mixed in) answer
/// and store what `MemoryStore` does with the same writes one by one; `volunteers_by_id`
/// agrees too.
async fn apply_all_matches_memory_one_by_one<S: Store>(s: S) {
    let m = MemoryStore::new();
    let mut r = support::rng(11);
    let (hqs, vols, _) = fill(&s, &m, &mut r).await;
    for round in 0..12 {
        let lone_updates_only = round % 3 != 2;
        let n = r.random_range(1..40);
        let mut writes = Vec::with_capacity(n);
        let mut used = std::collections::HashSet::new();
        for _ in 0..n {
            let id = vols[r.random_range(0..vols.len())];
            let kind = if lone_updates_only {
                r.random_range(0..10)
            } else {
                r.random_range(0..14)
            };
            if kind < 10 && !used.insert(id) && lone_updates_only {
                continue; // the bulk path takes each record once; twice is the other path
            }
            let stored = m.volunteer(id).await.unwrap().unwrap();
            let mut v = support::volunteer(&mut r, &hqs);
            v.id = id;
            let from = match kind {
                0 => stored.version + 1, // stale
                1 if lone_updates_only => {
                    // missing
                    v.id = 10_000 + id;
                    stored.version
                }
                _ => stored.version,
            };
            writes.push(match kind {
                10 => write(vec![insert(Record::Volunteer(v))]),
                11 => write(vec![update(Record::Volunteer(v.clone()), from), {
                    let mut h = m.hq(hqs[0]).await.unwrap().unwrap();
                    h.name = format!("round {round}");
                    update(Record::Hq(h.clone()), h.version)
                }]),
                _ => write(vec![update(Record::Volunteer(v), from)]),
            });
        }
        let got = s.apply_all(writes.clone()).await;
        assert_eq!(got.len(), writes.len());
        for (i, (w, g)) in writes.into_iter().zip(got).enumerate() {
            let want = m.apply(w).await;
            match (&g, &want) {
                (
                    Ok(Applied::Stored { records, events }),
                    Ok(Applied::Stored {
                        records: r2,
                        events: e2,
                    }),
                ) => {
                    assert_eq!(records, r2, "round {round} write {i}");
                    assert_eq!(
                        unsequenced(events),
                        unsequenced(e2),
                        "round {round} write {i}"
                    );
                }
                _ => assert_eq!(g, want, "round {round} write {i}"),
            }
        }
    }
    let q = VolunteerQuery {
        limit: 1_000,
        ..VolunteerQuery::default()
    };
    assert_eq!(
        s.volunteers(&q).await.unwrap(),
        m.volunteers(&q).await.unwrap()
    );
    let eq = EventQuery {
        limit: 100_000,
        ..EventQuery::default()
    };
    assert_eq!(
        unsequenced(&s.events(&eq).await.unwrap()),
        unsequenced(&m.events(&eq).await.unwrap())
    );
    let ids = vec![vols[3], 999_999, vols[0]];
    let mut got = s.volunteers_by_id(&ids).await.unwrap();
    got.sort_by_key(|v| v.id);
    let mut want = m.volunteers_by_id(&ids).await.unwrap();
    want.sort_by_key(|v| v.id);
    assert_eq!(got, want);
    assert!(s.volunteers_by_id(&[]).await.unwrap().is_empty());
}
