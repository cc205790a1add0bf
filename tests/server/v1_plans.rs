//! Dispatch plans over HTTP on Monaco: `POST /v1/plans` on the seeded demo and on a board
//! built for the case (deadlines, shifts, skills nobody has, impossible deadlines, urgency
//! when volunteers are short), commit with events, stale commits, re-planning stability,
//! calls for phone-only requests, roles, hostile bodies and the solver bound.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::collections::BTreeMap;

use engine::board::{Role, Time};
use serde_json::{Value, json};
use server::http::Limits;
use server::http::v1::BoardSettings;

use crate::http_support::monaco_engine;
use crate::v1_support::{TestBoard, assert_error, seeded};

/// Points on Monaco's roads, `[lon, lat]`.
const POINTS: [[f64; 2]; 8] = [
    [7.4223, 43.7366],
    [7.4355, 43.7478],
    [7.4130, 43.7345],
    [7.4177, 43.7358],
    [7.4245, 43.7400],
    [7.4125, 43.7330],
    [7.415637, 43.735767],
    [7.414254, 43.734398],
];

fn now() -> Time {
    server::http::v1::BoardState::now()
}

fn t(x: Time) -> Value {
    serde_json::to_value(x).unwrap()
}

fn time(v: &Value) -> Time {
    serde_json::from_value(v.clone()).unwrap()
}

fn id(v: &Value) -> i64 {
    v.as_i64().unwrap()
}

/// An empty Monaco board with one HQ; admin and coordinator tokens.
fn empty(limits: Limits) -> Option<(TestBoard, String, String, i64)> {
    let b = TestBoard::start_with_limits(BoardSettings::default(), limits)?;
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "Plans");
    let coord = b.token(Role::Coordinator, &[hq], None);
    Some((b, admin, coord, hq))
}

fn add_volunteer(b: &TestBoard, token: &str, body: &Value) -> i64 {
    let a = b.json("POST", "/v1/volunteers", token, body);
    assert_eq!(a.status, 201, "{}", a.json());
    id(&a.json()["id"])
}

fn volunteer_body(hq: i64, mode: &str, at: [f64; 2], shift_h: i64, max_tasks: u32) -> Value {
    let n = now();
    json!({"hq": hq, "name": format!("{mode} volunteer"), "phone": "+377 600 000 001",
           "mode": mode, "position": at, "home": at, "max_tasks": max_tasks,
           "shifts": [{"start": t(n.plus(-600)), "end": t(n.plus(shift_h * 3600))}]})
}

fn add_request(b: &TestBoard, token: &str, hq: i64, extra: &Value) -> i64 {
    let mut body = json!({"hq": hq, "kind": "groceries", "urgency": "normal",
        "recipient": {"name": "R", "phone": "+377 600 000 002"}, "location": POINTS[0]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let a = b.json("POST", "/v1/requests", token, &body);
    assert_eq!(a.status, 201, "{}", a.json());
    id(&a.json()["id"])
}

fn plan(b: &TestBoard, token: &str, body: &Value) -> Value {
    let a = b.json("POST", "/v1/plans", token, body);
    assert_eq!(a.status, 201, "{}", a.json());
    a.json()
}

fn record(b: &TestBoard, token: &str, path: &str) -> Value {
    let a = b.get(path, token);
    assert_eq!(a.status, 200, "{path}: {}", a.json());
    a.json()
}

/// request → volunteer of every route stop.
fn stops(p: &Value) -> BTreeMap<i64, i64> {
    let mut out = BTreeMap::new();
    for r in p["routes"].as_array().unwrap() {
        for s in r["steps"].as_array().unwrap() {
            out.insert(id(&s["request"]), id(&r["volunteer"]));
        }
    }
    out
}

fn reasons(p: &Value) -> BTreeMap<i64, String> {
    p["unassigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            assert!(u["reason"]["message"].is_string(), "{u}");
            (
                id(&u["request"]),
                u["reason"]["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Every stop is reached in the volunteer's shift and served by the request's deadline.
fn check_times(b: &TestBoard, token: &str, p: &Value) {
    let made = time(&p["made_at"]);
    for r in p["routes"].as_array().unwrap() {
        let v = record(b, token, &format!("/v1/volunteers/{}", r["volunteer"]));
        let shift = &v["shifts"][0];
        assert!(r["geometry"].as_str().is_some_and(|g| !g.is_empty()), "{r}");
        let mut last = made;
        for s in r["steps"].as_array().unwrap() {
            let q = record(b, token, &format!("/v1/requests/{}", s["request"]));
            let arrival = time(&s["arrival"]);
            assert!(arrival >= last, "arrivals go forward: {r}");
            last = arrival;
            assert!(arrival >= time(&shift["start"]).max(made), "{r}");
            assert!(arrival <= time(&shift["end"]), "{r}");
            let service = q["service_min"].as_i64().unwrap() * 60;
            assert!(
                arrival.plus(service) <= time(&q["deadline"]),
                "request {} done after its deadline: {r}",
                q["id"]
            );
        }
    }
}

#[test]
fn the_demo_plan_serves_each_open_request_once_within_deadlines_and_shifts() {
    let Some((b, coord, hq)) = seeded() else {
        return;
    };
    let p = plan(&b, &coord, &json!({"hq": hq, "time_limit_s": 1}));
    let open: Vec<Value> = b.get("/v1/requests?limit=100", &coord).json()["items"]
        .as_array()
        .unwrap()
        .clone();
    let routed = stops(&p);
    let calls: Vec<&Value> = p["calls"].as_array().unwrap().iter().collect();
    let left = reasons(&p);
    for r in &open {
        let rid = id(&r["id"]);
        let n = usize::from(routed.contains_key(&rid))
            + calls.iter().filter(|c| id(&c["request"]) == rid).count()
            + usize::from(left.contains_key(&rid));
        assert_eq!(n, 1, "request {rid} appears {n} times: {p}");
    }
    assert!(routed.len() >= 7, "{p}");
    check_times(&b, &coord, &p);
    // The phone-only request goes to the psychologist, not on a route.
    let phone = open.iter().find(|r| r["location"].is_null()).unwrap();
    let call = calls
        .iter()
        .find(|c| c["request"] == phone["id"])
        .expect("the call is matched");
    let v = record(&b, &coord, &format!("/v1/volunteers/{}", call["volunteer"]));
    assert!(
        v["skills"]
            .as_array()
            .unwrap()
            .contains(&json!("psychologist"))
    );
}

#[test]
fn skills_nobody_has_and_impossible_deadlines_are_unassigned_with_reasons() {
    let Some((b, _, coord, hq)) = empty(Limits::default()) else {
        return;
    };
    let foot = add_volunteer(&b, &coord, &volunteer_body(hq, "foot", POINTS[6], 4, 5));
    let bike = add_volunteer(&b, &coord, &volunteer_body(hq, "bicycle", POINTS[2], 4, 5));
    let car = add_volunteer(&b, &coord, &volunteer_body(hq, "car", POINTS[4], 4, 5));
    let mut normal = Vec::new();
    for (i, p) in POINTS.iter().enumerate().take(5) {
        let urgency = ["urgent", "normal", "planned"][i % 3];
        normal.push(add_request(
            &b,
            &coord,
            hq,
            &json!({"location": p, "urgency": urgency}),
        ));
    }
    let medical = add_request(&b, &coord, hq, &json!({"skills": ["medical"]}));
    // Ten minutes of service, five minutes left.
    let late = add_request(
        &b,
        &coord,
        hq,
        &json!({"urgency": "urgent", "deadline": t(now().plus(300)), "service_min": 10}),
    );
    let p = plan(&b, &coord, &json!({"hq": hq, "time_limit_s": 1}));
    let left = reasons(&p);
    assert_eq!(
        left.get(&medical).map(String::as_str),
        Some("no_vehicle_with_skills"),
        "{p}"
    );
    assert_eq!(
        left.get(&late).map(String::as_str),
        Some("time_window"),
        "{p}"
    );
    let routed = stops(&p);
    for r in &normal {
        assert!(routed.contains_key(r), "request {r} not routed: {p}");
    }
    // The test server has no bicycle graph: the cyclist is left out.
    assert!(routed.values().all(|v| [foot, car].contains(v)), "{p}");
    assert!(!routed.values().any(|v| *v == bike));
    check_times(&b, &coord, &p);
    // A plan of a subset sees only it.
    let p = plan(
        &b,
        &coord,
        &json!({"hq": hq, "time_limit_s": 0.5, "volunteers": [foot], "requests": [normal[0]]}),
    );
    assert_eq!(stops(&p), BTreeMap::from([(normal[0], foot)]), "{p}");
}

#[test]
fn urgent_requests_come_first_when_volunteers_are_short() {
    let Some((b, _, coord, hq)) = empty(Limits::default()) else {
        return;
    };
    let v = add_volunteer(&b, &coord, &volunteer_body(hq, "foot", POINTS[6], 4, 2));
    let planned: Vec<i64> = (0..2)
        .map(|i| {
            add_request(
                &b,
                &coord,
                hq,
                &json!({"urgency": "planned", "location": POINTS[6 + i]}),
            )
        })
        .collect();
    let urgent: Vec<i64> = (0..2)
        .map(|i| {
            add_request(
                &b,
                &coord,
                hq,
                &json!({"urgency": "urgent", "location": POINTS[2 + i]}),
            )
        })
        .collect();
    let p = plan(&b, &coord, &json!({"hq": hq, "time_limit_s": 1}));
    let routed = stops(&p);
    assert_eq!(
        routed,
        BTreeMap::from([(urgent[0], v), (urgent[1], v)]),
        "{p}"
    );
    let left = reasons(&p);
    for r in planned {
        let why = left.get(&r).map(String::as_str);
        assert!(matches!(why, Some("max_tasks" | "no_room_in_plan")), "{p}");
    }
}

#[test]
fn a_fair_plan_spreads_stops_over_volunteers() {
    let Some((b, _, coord, hq)) = empty(Limits::default()) else {
        return;
    };
    // Two walkers at the same place, six requests nearby: three each at most (⌈6/2⌉ + 1 = 4
    // caps, and travel time alone would give all six to one of them).
    let vols: Vec<i64> = (0..2)
        .map(|_| add_volunteer(&b, &coord, &volunteer_body(hq, "foot", POINTS[3], 6, 10)))
        .collect();
    for p in POINTS.iter().take(6) {
        add_request(&b, &coord, hq, &json!({"location": p}));
    }
    let p = plan(&b, &coord, &json!({"hq": hq, "time_limit_s": 1}));
    let routed = stops(&p);
    assert_eq!(routed.len(), 6, "{p}");
    for v in vols {
        let n = routed.values().filter(|x| **x == v).count();
        assert!(n <= 4, "volunteer {v} has {n} stops: {p}");
    }
}

#[test]
fn the_fair_cap_is_lifted_when_it_would_leave_requests_out() {
    let Some((b, _, coord, hq)) = empty(Limits::default()) else {
        return;
    };
    // Only the first walker can lift: the fair cap (⌈6/2⌉ + 1 = 4) would leave two out.
    let mut strong = volunteer_body(hq, "foot", POINTS[3], 6, 10);
    strong["skills"] = json!(["heavy_lifting"]);
    let lifter = add_volunteer(&b, &coord, &strong);
    add_volunteer(&b, &coord, &volunteer_body(hq, "foot", POINTS[3], 6, 10));
    for p in POINTS.iter().take(6) {
        add_request(
            &b,
            &coord,
            hq,
            &json!({"location": p, "skills": ["heavy_lifting"]}),
        );
    }
    let p = plan(&b, &coord, &json!({"hq": hq, "time_limit_s": 1}));
    let routed = stops(&p);
    assert_eq!(routed.len(), 6, "{p}");
    assert!(routed.values().all(|v| *v == lifter), "{p}");
}

#[test]
fn a_commit_assigns_with_events_once_and_replanning_keeps_what_was_committed() {
    let Some((b, _, coord, hq)) = empty(Limits::default()) else {
        return;
    };
    let a = add_volunteer(&b, &coord, &volunteer_body(hq, "foot", POINTS[6], 4, 5));
    let c = add_volunteer(&b, &coord, &volunteer_body(hq, "car", POINTS[4], 4, 5));
    for p in POINTS.iter().take(4) {
        add_request(&b, &coord, hq, &json!({"location": p}));
    }
    let p1 = plan(&b, &coord, &json!({"hq": hq, "time_limit_s": 1}));
    let first = stops(&p1);
    assert_eq!(first.len(), 4, "{p1}");
    let path = format!("/v1/plans/{}/commit", p1["id"]);
    let done = b.json("POST", &path, &coord, &json!({}));
    assert_eq!(done.status, 200, "{}", done.json());
    assert_eq!(done.json()["assigned"].as_array().unwrap().len(), 4);
    for (r, v) in &first {
        let q = record(&b, &coord, &format!("/v1/requests/{r}"));
        assert_eq!(q["status"], "assigned");
        assert_eq!(q["volunteer"], json!(v));
        let h = record(&b, &coord, &format!("/v1/requests/{r}/history"));
        let last = h["items"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["action"], "assigned", "{h}");
    }
    // Idempotent: the same answer again, nothing written.
    let again = b.json("POST", &path, &coord, &json!({}));
    assert_eq!(again.status, 200);
    assert_eq!(again.json(), done.json());

    // One new request: every committed one stays with its volunteer.
    let extra = add_request(&b, &coord, hq, &json!({"location": POINTS[5]}));
    let p2 = plan(&b, &coord, &json!({"hq": hq, "time_limit_s": 1}));
    let second = stops(&p2);
    for (r, v) in &first {
        assert_eq!(second.get(r), Some(v), "request {r} moved: {p2}");
    }
    assert!(second.contains_key(&extra), "{p2}");
    assert!(second.values().all(|v| [a, c].contains(v)));
    check_times(&b, &coord, &p2);

    // The volunteer sets off to their last stop: re-planned, it is their first.
    let route = p2["routes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["steps"].as_array().unwrap().len() >= 2)
        .find(|r| {
            r["steps"]
                .as_array()
                .unwrap()
                .iter()
                .all(|s| first.contains_key(&id(&s["request"])))
        })
        .cloned()
        .expect("a route of two committed stops");
    let last = route["steps"].as_array().unwrap().last().unwrap()["request"].clone();
    let go = json!({"status": "en_route"});
    let a = b.json("POST", &format!("/v1/requests/{last}/status"), &coord, &go);
    assert_eq!(a.status, 200, "{}", a.json());
    let p3 = plan(&b, &coord, &json!({"hq": hq, "time_limit_s": 1}));
    let r3 = p3["routes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["volunteer"] == route["volunteer"])
        .unwrap();
    assert_eq!(r3["steps"][0]["request"], last, "{p3}");
    for (r, v) in &first {
        assert_eq!(stops(&p3).get(r), Some(v), "request {r} moved: {p3}");
    }

    // A change to a planned request makes the plan stale: 409, nothing written.
    let patch = json!({"notes": "ring twice"});
    let a2 = b.json("PATCH", &format!("/v1/requests/{extra}"), &coord, &patch);
    assert_eq!(a2.status, 200, "{}", a2.json());
    let stale = b.json(
        "POST",
        &format!("/v1/plans/{}/commit", p2["id"]),
        &coord,
        &json!({}),
    );
    assert_error(&stale, 409, "plan_stale");
    let q = record(&b, &coord, &format!("/v1/requests/{extra}"));
    assert_eq!(q["status"], "new");
}

#[test]
fn plans_follow_the_roles_and_refuse_bad_input_clearly() {
    let Some((b, admin, coord, hq)) = empty(Limits::default()) else {
        return;
    };
    let v = add_volunteer(&b, &coord, &volunteer_body(hq, "foot", POINTS[6], 4, 5));
    add_request(&b, &coord, hq, &json!({}));
    let other = b.hq(&admin, "Other");
    let other_coord = b.token(Role::Coordinator, &[other], None);
    let operator = b.token(Role::Operator, &[hq], None);
    let vol = b.token(Role::Volunteer, &[], Some(v));
    let body = json!({"hq": hq, "time_limit_s": 0.2});
    assert_eq!(b.json("POST", "/v1/plans", &admin, &body).status, 201);
    for token in [&operator, &vol] {
        let a = b.json("POST", "/v1/plans", token, &body);
        assert!([403, 404].contains(&a.status), "{}", a.json());
    }
    let a = b.json("POST", "/v1/plans", &other_coord, &body);
    assert!([403, 404].contains(&a.status), "{}", a.json());
    let p = plan(&b, &coord, &body);
    let commit = format!("/v1/plans/{}/commit", p["id"]);
    let a = b.json("POST", &commit, &other_coord, &json!({}));
    assert_error(&a, 403, "forbidden");
    assert_error(
        &b.json("POST", "/v1/plans/123456/commit", &coord, &json!({})),
        404,
        "not_found",
    );
    assert_error(
        &b.send("POST", "/v1/plans", None, &[], None),
        401,
        b.send("POST", "/v1/plans", None, &[], None).json()["error"]["code"]
            .as_str()
            .unwrap(),
    );

    let bad = [
        (json!({"hq": 999_999, "time_limit_s": 1}), 404, "not_found"),
        (
            json!({"hq": hq, "time_limit_s": 1000}),
            422,
            "invalid_field",
        ),
        (json!({"hq": hq, "time_limit_s": -1}), 422, "invalid_field"),
        (json!({"hq": hq, "time_limit_s": 0}), 422, "invalid_field"),
        (json!({"hq": hq, "time_limit_s": "1"}), 422, "invalid_body"),
        (json!({"hq": "one"}), 422, "invalid_body"),
        (json!({"time_limit_s": 1}), 422, "invalid_body"),
        (json!({"hq": hq, "fleet": []}), 422, "invalid_body"),
        (json!({"hq": hq, "volunteers": []}), 422, "invalid_field"),
        (
            json!({"hq": hq, "volunteers": [v + 1000]}),
            422,
            "invalid_field",
        ),
        (json!({"hq": hq, "requests": [-5]}), 422, "invalid_field"),
        (json!([1, 2]), 422, "invalid_body"),
    ];
    for (body, status, code) in bad {
        let a = b.json("POST", "/v1/plans", &coord, &body);
        assert_error(&a, status, code);
    }
    let a = b.send(
        "POST",
        "/v1/plans",
        Some(&coord),
        &[],
        Some(("application/json", b"{\"hq\": ")),
    );
    assert_error(&a, 400, "malformed_json");
    // No one on shift: a plan that says so for every request.
    let off = json!({"status": "off"});
    assert_eq!(
        b.json("PATCH", &format!("/v1/volunteers/{v}"), &coord, &off)
            .status,
        200
    );
    let p = plan(&b, &coord, &json!({"hq": hq}));
    assert!(p["routes"].as_array().unwrap().is_empty());
    assert!(
        reasons(&p).values().all(|c| c == "no_volunteer_on_shift"),
        "{p}"
    );
}

#[test]
fn concurrent_plans_past_the_bound_get_503() {
    let limits = Limits {
        max_concurrent_solves: 1,
        ..Limits::default()
    };
    let Some((b, _, coord, hq)) = empty(limits) else {
        return;
    };
    add_volunteer(&b, &coord, &volunteer_body(hq, "foot", POINTS[6], 4, 5));
    for p in POINTS.iter().take(3) {
        add_request(&b, &coord, hq, &json!({"location": p}));
    }
    let body = json!({"hq": hq, "time_limit_s": 2});
    let answers: Vec<u16> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..3)
            .map(|_| s.spawn(|| b.json("POST", "/v1/plans", &coord, &body)))
            .collect();
        hs.into_iter()
            .map(|h| {
                let a = h.join().unwrap();
                if a.status == 503 {
                    assert_error(&a, 503, "solver_busy");
                }
                a.status
            })
            .collect()
    });
    assert!(answers.contains(&201), "{answers:?}");
    assert!(answers.contains(&503), "{answers:?}");
}

/// Plans the board of `board` (one HQ) with `limit` of search; prints and returns the plan
/// and the seconds it took.
fn timed_plan<S: engine::board::Store>(
    board: &engine::board::Board<S>,
    roads: &engine::dispatch::Engine,
    now: Time,
    limit: std::time::Duration,
) -> (engine::board::plan::Plan, f64) {
    use engine::board::plan::{PlanScope, prepare};
    use engine::board::{Mode, RequestQuery, VolunteerQuery};
    let s = board.store();
    let (requests, volunteers, hq) = pollster::block_on(async {
        let q = RequestQuery {
            limit: 10_000,
            ..RequestQuery::default()
        };
        let v = VolunteerQuery {
            limit: 10_000,
            ..VolunteerQuery::default()
        };
        (
            s.requests(&q).await.unwrap(),
            s.volunteers(&v).await.unwrap(),
            s.hqs().await.unwrap().remove(0),
        )
    });
    let modes: Vec<Mode> = Mode::ALL
        .into_iter()
        .filter(|m| roads.has_profile(m.profile()))
        .collect();
    let started = std::time::Instant::now();
    let problem = prepare(
        &hq,
        &requests,
        &volunteers,
        &PlanScope::default(),
        &modes,
        now,
    )
    .unwrap();
    let plan = server::vroom::solve_plan(roads, &problem, 1, limit, 1).unwrap();
    let secs = started.elapsed().as_secs_f64();
    let stops: Vec<usize> = plan.routes.iter().map(|r| r.steps.len()).collect();
    eprintln!(
        "plan: {} requests, {} volunteers on shift, budget {:?}: {secs:.2} s; {} routed on {} \
         routes (stops per route {:?}), {} calls, {} unassigned",
        requests.len(),
        problem.fleet.len(),
        limit,
        stops.iter().sum::<usize>(),
        stops.len(),
        stops,
        plan.calls.len(),
        plan.unassigned.len()
    );
    (plan, secs)
}

/// Plan time on the Monaco demo and on a Porto-sized headquarters (200 requests, 30
/// volunteers on foot, bicycle and car); run in release by `scripts/test.sh`.
#[test]
#[ignore = "slow: builds Porto's graphs; run in release"]
fn plan_time_on_the_demo_and_a_porto_sized_headquarters() {
    use engine::board::{
        Board, Created, MemoryStore, Mode, NewHq, NewRequest, NewVolunteer, Recipient, RequestKind,
        Urgency, Window,
    };
    let budget = std::time::Duration::from_secs(5);
    let now = now();
    let Some(monaco) = monaco_engine() else {
        return;
    };
    let demo = Board::new(MemoryStore::new());
    pollster::block_on(server::demo::seed(&demo, &*monaco, now))
        .unwrap()
        .unwrap();
    let (_, secs) = timed_plan(&demo, &monaco, now, budget);
    assert!(secs < 5.0 + 5.0, "{secs} s");

    let Some(pbf) = crate::support::osm("porto-2015-06-06-highways.osm.pbf") else {
        return;
    };
    let porto = crate::http_support::engine_from_osm(&pbf, &["car", "foot", "bicycle"]);
    let who = engine::board::Principal::local_admin();
    let board = Board::new(MemoryStore::new());
    let mut seed = 11_u64;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    // Points on Porto's car roads, spread over the centre.
    let mut point = || loop {
        let lon = -8.66 + 0.10 * f64::from(u32::try_from(next(1000)).unwrap()) / 1000.0;
        let lat = 41.14 + 0.05 * f64::from(u32::try_from(next(1000)).unwrap()) / 1000.0;
        let loc = engine::dispatch::Location::new(lon, lat);
        if let Ok(w) = porto.snap("car", loc)
            && w.distance_m < 100.0
        {
            return [w.location.lon, w.location.lat];
        }
    };
    pollster::block_on(async {
        let new = NewHq {
            name: "Porto".into(),
            region: "PT".into(),
            location: point(),
            timezone: None,
        };
        let Created::New(hq) = board.create_hq(&who, now, new, None).await.unwrap() else {
            panic!("replayed");
        };
        for i in 0..30 {
            let at = point();
            let nv = NewVolunteer {
                hq: hq.id,
                name: format!("V{i}"),
                phone: "+351 900 000 000".into(),
                mode: Mode::ALL[i % 3],
                skills: if i % 10 == 0 {
                    vec!["psychologist".into()]
                } else {
                    vec![]
                },
                capacity_kg: None,
                capacity_bags: None,
                shifts: vec![Window {
                    start: now.plus(-600),
                    end: now.plus(8 * 3600),
                }],
                max_tasks: Some(12),
                home: Some(at),
                position: Some(at),
                status: None,
            };
            board
                .create_volunteer(&who, now, nv, &porto, None)
                .await
                .unwrap();
        }
        for i in 0..200_usize {
            let kind = if i % 25 == 0 {
                RequestKind::PsychologicalSupport
            } else {
                RequestKind::Groceries
            };
            let nr = NewRequest {
                hq: hq.id,
                kind,
                urgency: Urgency::ALL[i % 3],
                deadline: Some(now.plus(3 * 3600 + 3600 * i64::try_from(i % 6).unwrap())),
                time_windows: vec![],
                service_min: Some(5),
                load_kg: Some(1.0),
                load_bags: Some(0),
                skills: vec![],
                notes: None,
                recipient: Recipient {
                    name: format!("R{i}"),
                    phone: "+351 200 000 000".into(),
                    address: String::new(),
                },
                location: kind.needs_trip().then(&mut point),
                address: None,
            };
            board
                .create_request(&who, now, nr, None, &porto, None)
                .await
                .unwrap();
        }
    });
    let (plan, secs) = timed_plan(&board, &porto, now, budget);
    assert!(secs < 5.0 + 30.0, "{secs} s");
    assert!(plan.routes.len() >= 10, "{plan:?}");
}
