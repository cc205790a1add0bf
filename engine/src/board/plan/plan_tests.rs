//! Plans from board snapshots: who is planned, windows, priorities, calls, scope errors; and
//! commits on the in-memory store: assignments with events, idempotence, stale plans.

use pollster::block_on;

use super::*;
use crate::board::tests::{admin, coordinator, created};
use crate::board::{
    AnyRoads, Board, BoardError, EntityKind, EventQuery, MemoryStore, NewHq, NewRequest,
    NewVolunteer, Recipient, Request, RequestKind, RequestStatus, Store, Urgency, Volunteer,
    VolunteerPatch, VolunteerStatus, Window,
};

const T0: Time = Time(1_790_000_000);

fn volunteer(hq: i64, skills: &[&str], shift: (i64, i64), max_tasks: u32) -> NewVolunteer {
    NewVolunteer {
        hq,
        name: "Анна".into(),
        phone: "+7 900 000-00-01".into(),
        mode: Mode::Foot,
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
        capacity_kg: None,
        capacity_bags: None,
        shifts: vec![Window {
            start: T0.plus(shift.0),
            end: T0.plus(shift.1),
        }],
        max_tasks: Some(max_tasks),
        home: Some([37.60, 55.70]),
        position: Some([37.63, 55.76]),
        status: None,
    }
}

fn request(hq: i64, kind: RequestKind, urgency: Urgency, deadline_s: i64) -> NewRequest {
    NewRequest {
        hq,
        kind,
        urgency,
        deadline: Some(T0.plus(deadline_s)),
        time_windows: vec![],
        service_min: Some(10),
        load_kg: Some(2.55),
        load_bags: Some(1),
        skills: vec![],
        notes: None,
        recipient: Recipient {
            name: "Мария Ивановна".into(),
            phone: "+7 495 123-45-67".into(),
            address: String::new(),
        },
        location: kind.needs_trip().then_some([37.635, 55.762]),
        address: None,
    }
}

struct Fixture {
    board: Board<MemoryStore>,
    hq: crate::board::Hq,
}

impl Fixture {
    fn new() -> Self {
        let board = Board::new(MemoryStore::new());
        let new = NewHq {
            name: "A".into(),
            region: "77".into(),
            location: [37.62, 55.75],
            timezone: None,
        };
        let hq = created(block_on(board.create_hq(&admin(), T0, new, None)).unwrap());
        Self { board, hq }
    }

    fn volunteer(&self, new: NewVolunteer) -> Volunteer {
        let who = coordinator(self.hq.id);
        created(block_on(self.board.create_volunteer(&who, T0, new, &AnyRoads, None)).unwrap())
    }

    fn request(&self, new: NewRequest) -> Request {
        let who = coordinator(self.hq.id);
        created(
            block_on(
                self.board
                    .create_request(&who, T0, new, None, &AnyRoads, None),
            )
            .unwrap(),
        )
    }

    fn snapshot(&self) -> (Vec<Request>, Vec<Volunteer>) {
        let s = self.board.store();
        let q = crate::board::RequestQuery {
            limit: 1000,
            ..Default::default()
        };
        let v = crate::board::VolunteerQuery {
            limit: 1000,
            ..Default::default()
        };
        block_on(async {
            (
                s.requests(&q).await.unwrap(),
                s.volunteers(&v).await.unwrap(),
            )
        })
    }

    fn prepare(&self, scope: &PlanScope, now: Time) -> Result<PlanProblem, BoardError> {
        let (r, v) = self.snapshot();
        prepare(&self.hq, &r, &v, scope, &Mode::ALL, now)
    }
}

#[test]
fn the_fleet_is_who_is_on_shift_and_not_off() {
    let f = Fixture::new();
    let on = f.volunteer(volunteer(f.hq.id, &[], (-3600, 3600), 5));
    let later = f.volunteer(volunteer(f.hq.id, &[], (3600, 7200), 5));
    f.volunteer(volunteer(f.hq.id, &[], (13 * 3600, 14 * 3600), 5));
    let mut off = volunteer(f.hq.id, &[], (-3600, 3600), 5);
    off.status = Some(VolunteerStatus::Off);
    f.volunteer(off);
    let p = f.prepare(&PlanScope::default(), T0).unwrap();
    let ids: Vec<i64> = p.fleet.iter().map(|v| v.volunteer).collect();
    assert_eq!(ids, vec![on.id, later.id]);
    assert_eq!(p.fleet[0].shift, [0, 3600]);
    assert_eq!(p.fleet[1].shift, [3600, 7200]);
    assert_eq!(p.fleet[0].start, [37.63, 55.76]);
    assert_eq!(p.fleet[0].end, [37.60, 55.70]);
    assert_eq!(p.fleet[0].capacity, [100, 2]);
}

#[test]
fn deadlines_end_windows_and_urgency_sets_priority() {
    let f = Fixture::new();
    f.volunteer(volunteer(f.hq.id, &[], (-3600, 3600), 5));
    let u = f.request(request(
        f.hq.id,
        RequestKind::Groceries,
        Urgency::Urgent,
        3600,
    ));
    let n = f.request(request(
        f.hq.id,
        RequestKind::Groceries,
        Urgency::Normal,
        7200,
    ));
    let mut windowed = request(f.hq.id, RequestKind::Groceries, Urgency::Planned, 9000);
    windowed.time_windows = vec![
        Window {
            start: T0.plus(600),
            end: T0.plus(1200),
        },
        Window {
            start: T0.plus(8000),
            end: T0.plus(20_000),
        },
    ];
    let w = f.request(windowed);
    // Five minutes to go, ten minutes of service: impossible.
    let late = f.request(request(
        f.hq.id,
        RequestKind::Groceries,
        Urgency::Urgent,
        300,
    ));
    let p = f.prepare(&PlanScope::default(), T0.plus(1)).unwrap();
    let task = |id: i64| p.tasks.iter().find(|t| t.request == id).unwrap();
    assert_eq!(task(u.id).windows, vec![[0, 3600 - 600 - 1]]);
    assert_eq!(task(u.id).priority, PRIORITY_URGENT);
    assert_eq!(task(n.id).priority, PRIORITY_NORMAL);
    assert_eq!(task(w.id).priority, PRIORITY_PLANNED);
    assert_eq!(
        task(w.id).windows,
        vec![[599, 1199], [7999, 9000 - 600 - 1]]
    );
    assert_eq!(task(u.id).load, [26, 1]);
    assert_eq!(task(u.id).service_s, 600);
    assert!(p.tasks.iter().all(|t| t.request != late.id));
    assert_eq!(p.unassigned.len(), 1);
    assert_eq!(p.unassigned[0].request, late.id);
    assert_eq!(p.unassigned[0].reason.code, "time_window");
    // Every planned request is in the basis with its version.
    assert_eq!(p.basis.requests.len(), 3);
}

#[test]
fn phone_requests_go_to_the_least_loaded_free_psychologist() {
    let f = Fixture::new();
    let a = f.volunteer(volunteer(f.hq.id, &["psychologist"], (-3600, 3600), 5));
    let b = f.volunteer(volunteer(f.hq.id, &["psychologist"], (-3600, 3600), 1));
    f.volunteer(volunteer(f.hq.id, &[], (-3600, 3600), 5));
    let kind = RequestKind::PsychologicalSupport;
    let calls: Vec<Request> = (0..4)
        .map(|_| f.request(request(f.hq.id, kind, Urgency::Normal, 7200)))
        .collect();
    let p = f.prepare(&PlanScope::default(), T0).unwrap();
    // Both take one; then only `a` has room (b's max_tasks is 1).
    let given: Vec<(i64, i64)> = p.calls.iter().map(|c| (c.request, c.volunteer)).collect();
    assert_eq!(
        given,
        vec![
            (calls[0].id, a.id),
            (calls[1].id, b.id),
            (calls[2].id, a.id),
            (calls[3].id, a.id)
        ]
    );
    let fa = p.fleet.iter().find(|v| v.volunteer == a.id).unwrap();
    assert_eq!(fa.max_tasks, 2);
    assert!(p.tasks.is_empty());
}

#[test]
fn a_call_nobody_can_take_is_unassigned_with_why() {
    let f = Fixture::new();
    f.volunteer(volunteer(f.hq.id, &[], (-3600, 3600), 5));
    let kind = RequestKind::PsychologicalSupport;
    let r = f.request(request(f.hq.id, kind, Urgency::Urgent, 7200));
    let p = f.prepare(&PlanScope::default(), T0).unwrap();
    assert_eq!(p.unassigned[0].request, r.id);
    assert_eq!(p.unassigned[0].reason.code, "no_vehicle_with_skills");
}

#[test]
fn a_scope_names_only_records_of_the_headquarters() {
    let f = Fixture::new();
    let v = f.volunteer(volunteer(f.hq.id, &[], (-3600, 3600), 5));
    let r = f.request(request(
        f.hq.id,
        RequestKind::Groceries,
        Urgency::Urgent,
        3600,
    ));
    let bad = |scope: PlanScope, field: &str| match f.prepare(&scope, T0) {
        Err(BoardError::Invalid { field: got, .. }) => assert_eq!(got, field),
        other => panic!("{other:?}"),
    };
    bad(
        PlanScope {
            volunteers: Some(vec![]),
            requests: None,
        },
        "volunteers",
    );
    bad(
        PlanScope {
            volunteers: Some(vec![v.id + 100]),
            requests: None,
        },
        "volunteers",
    );
    bad(
        PlanScope {
            volunteers: None,
            requests: Some(vec![r.id + 100]),
        },
        "requests",
    );
    let p = f
        .prepare(
            &PlanScope {
                volunteers: Some(vec![v.id]),
                requests: Some(vec![r.id]),
            },
            T0,
        )
        .unwrap();
    assert_eq!(p.tasks.len(), 1);
}

/// A seeded stream of numbers: `next(n)` is in `0..n`.
fn numbers(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    }
}

fn solved(p: &PlanProblem, id: i64) -> Plan {
    // A trivial "solver": every task to the first volunteer who may take it.
    let mut routes: Vec<SolvedRoute> = p
        .fleet
        .iter()
        .map(|v| (v.volunteer, Vec::new(), None))
        .collect();
    for t in &p.tasks {
        let k = t
            .held_by
            .and_then(|h| routes.iter().position(|r| r.0 == h))
            .unwrap_or(0);
        routes[k].1.push((t.request, 60));
    }
    p.plan(id, routes, Vec::new())
}

#[test]
fn a_commit_assigns_once_with_events_and_a_stale_plan_is_refused() {
    let f = Fixture::new();
    let who = coordinator(f.hq.id);
    let v = f.volunteer(volunteer(f.hq.id, &[], (-3600, 3600), 5));
    let r1 = f.request(request(
        f.hq.id,
        RequestKind::Groceries,
        Urgency::Urgent,
        3600,
    ));
    let r2 = f.request(request(
        f.hq.id,
        RequestKind::Medicines,
        Urgency::Normal,
        7200,
    ));
    let plan = solved(&f.prepare(&PlanScope::default(), T0).unwrap(), 1);
    assert_eq!(plan.assignments(), vec![(r1.id, v.id), (r2.id, v.id)]);
    assert_eq!(plan.routes[0].steps[0].arrival, T0.plus(60));

    // A position report does not make the plan stale.
    let report = crate::board::PositionReport {
        position: [37.64, 55.77],
        at: None,
        status: None,
    };
    block_on(
        f.board
            .report_position(&admin(), T0.plus(5), v.id, report, &AnyRoads),
    )
    .unwrap();
    let done = block_on(f.board.commit_plan(&who, T0.plus(10), &plan)).unwrap();
    assert_eq!(done.len(), 2);
    assert!(
        done.iter()
            .all(|r| r.status == RequestStatus::Assigned && r.volunteer == Some(v.id))
    );
    let q = EventQuery {
        after_seq: 0,
        hqs: None,
        entity: Some((EntityKind::Request, r1.id)),
        limit: 100,
    };
    let events = block_on(f.board.store().events(&q)).unwrap();
    assert_eq!(events.last().unwrap().action, "assigned");
    // Again: nothing changes.
    assert!(
        block_on(f.board.commit_plan(&who, T0.plus(20), &plan))
            .unwrap()
            .is_empty()
    );

    // Re-planning keeps both with their volunteer; a new request joins.
    let w = f.volunteer(volunteer(f.hq.id, &[], (-3600, 3600), 5));
    let r3 = f.request(request(
        f.hq.id,
        RequestKind::Groceries,
        Urgency::Normal,
        7200,
    ));
    let p2 = f.prepare(&PlanScope::default(), T0.plus(30)).unwrap();
    let held: Vec<(i64, Option<i64>)> = p2.tasks.iter().map(|t| (t.request, t.held_by)).collect();
    assert_eq!(
        held,
        vec![(r1.id, Some(v.id)), (r2.id, Some(v.id)), (r3.id, None)]
    );
    let plan2 = solved(&p2, 2);
    // The plan is stale once a volunteer's planning facts change.
    let patch = VolunteerPatch {
        max_tasks: Some(4),
        ..Default::default()
    };
    block_on(
        f.board
            .update_volunteer(&who, T0.plus(40), w.id, patch, None),
    )
    .unwrap();
    match block_on(f.board.commit_plan(&who, T0.plus(50), &plan2)) {
        Err(BoardError::Conflict(m)) => assert!(m.contains("volunteer"), "{m}"),
        other => panic!("{other:?}"),
    }
    // ... or a request's.
    let plan3 = solved(&f.prepare(&PlanScope::default(), T0.plus(60)).unwrap(), 3);
    block_on(f.board.transition(
        &who,
        T0.plus(70),
        r3.id,
        RequestStatus::Cancelled,
        Some("no longer needed".into()),
        None,
    ))
    .unwrap();
    match block_on(f.board.commit_plan(&who, T0.plus(80), &plan3)) {
        Err(BoardError::Conflict(m)) => assert!(m.contains(&r3.id.to_string()), "{m}"),
        other => panic!("{other:?}"),
    }
    // Another headquarters' coordinator may not commit.
    assert!(matches!(
        block_on(f.board.commit_plan(&coordinator(f.hq.id + 1), T0, &plan)),
        Err(BoardError::Denied(_))
    ));
}

/// Every open request of the headquarters lands in exactly one of tasks, calls and
/// unassigned when all volunteers are planned (random snapshots, checked by counting).
#[test]
fn every_open_request_is_accounted_for_once() {
    let mut next = numbers(7);
    for _ in 0..20 {
        let f = Fixture::new();
        let nv = next(4);
        for _ in 0..nv {
            let skills: &[&str] = if next(2) == 0 { &["psychologist"] } else { &[] };
            f.volunteer(volunteer(
                f.hq.id,
                skills,
                (-3600, 3600),
                1 + u32::try_from(next(3)).unwrap(),
            ));
        }
        let kinds = [
            RequestKind::Groceries,
            RequestKind::PsychologicalSupport,
            RequestKind::CareVisit,
        ];
        let urg = Urgency::ALL;
        for _ in 0..next(10) {
            let k = kinds[usize::try_from(next(3)).unwrap()];
            let u = urg[usize::try_from(next(3)).unwrap()];
            f.request(request(
                f.hq.id,
                k,
                u,
                300 + 600 * i64::try_from(next(10)).unwrap(),
            ));
        }
        let (reqs, _) = f.snapshot();
        let p = f.prepare(&PlanScope::default(), T0).unwrap();
        let mut seen: Vec<i64> = p
            .tasks
            .iter()
            .map(|t| t.request)
            .chain(p.calls.iter().map(|c| c.request))
            .chain(p.unassigned.iter().map(|u| u.request))
            .collect();
        seen.sort_unstable();
        let all: Vec<i64> = reqs.iter().map(|r| r.id).collect();
        assert_eq!(seen, all);
        for v in &p.fleet {
            assert!(v.fair_max_tasks <= v.max_tasks);
        }
    }
}

/// The plan kept for its commit ([`Plan::into_commit_form`]) commits exactly as the whole
/// plan does: random boards and random partial "solutions" (some requests left out, some
/// of them then changed), the whole plan committed on one board and the cut one on an equal
/// board; the answers and the stored requests are the same.
#[test]
fn the_commit_form_of_a_plan_commits_as_the_whole_plan() {
    let mut next = numbers(11);
    for case in 0..30 {
        let nv = 1 + next(3);
        let max_tasks: Vec<u32> = (0..nv)
            .map(|_| 1 + u32::try_from(next(3)).unwrap())
            .collect();
        let nr = 1 + next(8);
        let deadlines: Vec<i64> = (0..nr)
            .map(|_| 600 + 600 * i64::try_from(next(6)).unwrap())
            .collect();
        let make = || {
            let f = Fixture::new();
            for &m in &max_tasks {
                f.volunteer(volunteer(f.hq.id, &[], (-3600, 3600), m));
            }
            for &d in &deadlines {
                f.request(request(f.hq.id, RequestKind::Groceries, Urgency::Normal, d));
            }
            f
        };
        let (whole_board, cut_board) = (make(), make());
        let p = whole_board.prepare(&PlanScope::default(), T0).unwrap();
        assert_eq!(p, cut_board.prepare(&PlanScope::default(), T0).unwrap());
        let mut routes: Vec<SolvedRoute> = p
            .fleet
            .iter()
            .map(|v| (v.volunteer, Vec::new(), Some(format!("geometry{case}"))))
            .collect();
        let mut left_out = Vec::new();
        for t in &p.tasks {
            if next(3) == 0 {
                left_out.push(Unassigned {
                    request: t.request,
                    reason: Reason {
                        code: "max_tasks".into(),
                        message: "no room".into(),
                    },
                });
            } else {
                let k = usize::try_from(next(routes.len() as u64)).unwrap();
                routes[k].1.push((t.request, 60));
            }
        }
        let whole = p.plan(case, routes, left_out);
        let cut = whole.clone().into_commit_form();
        assert!(cut.unassigned.is_empty());
        assert!(cut.routes.iter().all(|r| r.geometry.is_none()));
        assert_eq!(cut.assignments(), whole.assignments());
        assert_eq!(cut.basis.volunteers, whole.basis.volunteers);
        assert!(cut.basis.requests.len() <= whole.basis.requests.len());
        // Sometimes a request changes after the plan was made (assigned or left out).
        if next(2) == 0
            && let Some(t) = p
                .tasks
                .get(usize::try_from(next(p.tasks.len() as u64)).unwrap())
        {
            for f in [&whole_board, &cut_board] {
                block_on(f.board.transition(
                    &coordinator(f.hq.id),
                    T0.plus(5),
                    t.request,
                    RequestStatus::Cancelled,
                    Some("no longer needed".into()),
                    None,
                ))
                .unwrap();
            }
        }
        let who = coordinator(whole_board.hq.id);
        let a = block_on(whole_board.board.commit_plan(&who, T0.plus(10), &whole));
        let b = block_on(cut_board.board.commit_plan(&who, T0.plus(10), &cut));
        match (&a, &b) {
            (Ok(x), Ok(y)) => assert_eq!(x, y, "case {case}"),
            (Err(x), Err(y)) => assert_eq!(x.to_string(), y.to_string(), "case {case}"),
            _ => panic!("case {case}: {a:?} against {b:?}"),
        }
        assert_eq!(whole_board.snapshot(), cut_board.snapshot(), "case {case}");
    }
}
