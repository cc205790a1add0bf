//! The board's rules, on the in-memory store: lifecycle, roles, idempotency, versions.

use super::*;
use pollster::block_on;

const T0: Time = Time(1_790_000_000);

pub(super) fn admin() -> Principal {
    Principal {
        token_id: 1,
        role: Role::Admin,
        hqs: vec![],
        volunteer: None,
    }
}

pub(super) fn coordinator(hq: i64) -> Principal {
    Principal {
        token_id: 10 + hq,
        role: Role::Coordinator,
        hqs: vec![hq],
        volunteer: None,
    }
}

fn operator() -> Principal {
    Principal {
        token_id: 30,
        role: Role::Operator,
        hqs: vec![],
        volunteer: None,
    }
}

fn volunteer_token(id: i64) -> Principal {
    Principal {
        token_id: 40 + id,
        role: Role::Volunteer,
        hqs: vec![],
        volunteer: Some(id),
    }
}

fn new_hq(name: &str) -> NewHq {
    NewHq {
        name: name.into(),
        region: "77".into(),
        location: [37.62, 55.75],
        timezone: Some("Europe/Moscow".into()),
    }
}

fn new_volunteer(hq: i64, skills: &[&str]) -> NewVolunteer {
    NewVolunteer {
        hq,
        name: "Анна".into(),
        phone: "+7 900 000-00-01".into(),
        mode: Mode::Foot,
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
        capacity_kg: None,
        capacity_bags: None,
        shifts: vec![Window {
            start: T0,
            end: T0.plus(8 * 3600),
        }],
        max_tasks: Some(2),
        home: None,
        position: Some([37.63, 55.76]),
        status: None,
    }
}

fn new_request(hq: i64, kind: RequestKind) -> NewRequest {
    NewRequest {
        hq,
        kind,
        urgency: Urgency::Urgent,
        deadline: Some(T0.plus(3 * 3600)),
        time_windows: vec![],
        service_min: None,
        load_kg: Some(3.0),
        load_bags: Some(1),
        skills: vec![],
        notes: None,
        recipient: Recipient {
            name: "Мария Ивановна".into(),
            phone: "+7 495 123-45-67".into(),
            address: "ул. Мясницкая, 20".into(),
        },
        location: Some([37.635, 55.762]),
        address: None,
    }
}

pub(super) fn created<T>(c: Created<T>) -> T {
    match c {
        Created::New(x) => x,
        Created::Replayed(_) => panic!("replayed"),
    }
}

/// A board with two headquarters, a volunteer in the first, and a request in it.
fn setup() -> (Board<MemoryStore>, Hq, Hq, Volunteer, Request) {
    let b = Board::new(MemoryStore::new());
    block_on(async {
        let a = created(b.create_hq(&admin(), T0, new_hq("A"), None).await.unwrap());
        let z = created(b.create_hq(&admin(), T0, new_hq("B"), None).await.unwrap());
        let v = created(
            b.create_volunteer(
                &coordinator(a.id),
                T0,
                new_volunteer(a.id, &[]),
                &AnyRoads,
                None,
            )
            .await
            .unwrap(),
        );
        let r = created(
            b.create_request(
                &operator(),
                T0,
                new_request(a.id, RequestKind::Groceries),
                None,
                &AnyRoads,
                None,
            )
            .await
            .unwrap(),
        );
        (b, a, z, v, r)
    })
}

#[test]
fn a_request_goes_from_new_to_done_and_its_history_has_every_step() {
    let (b, a, _, v, r) = setup();
    block_on(async {
        let c = coordinator(a.id);
        let r1 = b
            .assign(&c, T0.plus(60), r.id, v.id, Some(r.version))
            .await
            .unwrap();
        assert_eq!(
            (r1.status, r1.volunteer),
            (RequestStatus::Assigned, Some(v.id))
        );
        let me = volunteer_token(v.id);
        let r2 = b
            .transition(&me, T0.plus(120), r.id, RequestStatus::EnRoute, None, None)
            .await
            .unwrap();
        let r3 = b
            .transition(
                &me,
                T0.plus(900),
                r.id,
                RequestStatus::Done,
                None,
                Some(r2.version),
            )
            .await
            .unwrap();
        assert_eq!(r3.status, RequestStatus::Done);
        assert_eq!(r3.version, 4);
        let h = b.history(&c, r.id).await.unwrap();
        let actions: Vec<&str> = h.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["created", "assigned", "status", "status"]);
        assert_eq!(h[3].previous["status"], "en_route");
        assert_eq!(h[3].changes["status"], "done");
        assert!(h.windows(2).all(|w| w[0].seq < w[1].seq));
        // Done is final.
        let e = b
            .transition(&c, T0.plus(1000), r.id, RequestStatus::New, None, None)
            .await
            .unwrap_err();
        assert!(matches!(e, BoardError::IllegalTransition { .. }), "{e}");
    });
}

#[test]
fn illegal_steps_are_refused_with_the_allowed_ones() {
    let (b, a, _, _, r) = setup();
    block_on(async {
        let e = b
            .transition(
                &coordinator(a.id),
                T0,
                r.id,
                RequestStatus::Done,
                None,
                None,
            )
            .await
            .unwrap_err();
        match e {
            BoardError::IllegalTransition { from, allowed, .. } => {
                assert_eq!(from, RequestStatus::New);
                assert!(allowed.contains(&RequestStatus::Assigned));
                assert!(allowed.contains(&RequestStatus::Cancelled));
            }
            other => panic!("{other}"),
        }
        // Cancelling needs a reason; with one it works, and reopening is allowed.
        let e = b
            .transition(
                &coordinator(a.id),
                T0,
                r.id,
                RequestStatus::Cancelled,
                None,
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(e, BoardError::Invalid { .. }));
        let x = b
            .transition(
                &coordinator(a.id),
                T0,
                r.id,
                RequestStatus::Cancelled,
                Some("по ошибке".into()),
                None,
            )
            .await
            .unwrap();
        assert_eq!(x.reason.as_deref(), Some("по ошибке"));
        let x = b
            .transition(&coordinator(a.id), T0, r.id, RequestStatus::New, None, None)
            .await
            .unwrap();
        assert_eq!((x.status, x.reason), (RequestStatus::New, None));
    });
}

#[test]
fn a_stale_version_is_refused_and_nothing_changes() {
    let (b, a, _, v, r) = setup();
    block_on(async {
        let c = coordinator(a.id);
        let patch = RequestPatch {
            notes: Some("звонить дважды".into()),
            ..RequestPatch::default()
        };
        b.update_request(&c, T0, r.id, patch.clone(), &AnyRoads, Some(r.version))
            .await
            .unwrap();
        let e = b
            .update_request(&c, T0, r.id, patch, &AnyRoads, Some(r.version))
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                BoardError::VersionMismatch {
                    current: 2,
                    given: 1
                }
            ),
            "{e}"
        );
        let e = b
            .assign(&c, T0, r.id, v.id, Some(r.version))
            .await
            .unwrap_err();
        assert!(matches!(e, BoardError::VersionMismatch { .. }));
        assert_eq!(
            b.request(&c, r.id).await.unwrap().status,
            RequestStatus::New
        );
    });
}

#[test]
fn an_idempotency_key_gives_the_first_answer_and_refuses_another_body() {
    let b = Board::new(MemoryStore::new());
    block_on(async {
        let key = |fp: &str| IdempotencyKey {
            scope: "admin:1 POST /v1/hqs".into(),
            key: "k1".into(),
            fingerprint: fp.into(),
        };
        let first = created(
            b.create_hq(&admin(), T0, new_hq("A"), Some(key("x")))
                .await
                .unwrap(),
        );
        match b
            .create_hq(&admin(), T0, new_hq("A"), Some(key("x")))
            .await
            .unwrap()
        {
            Created::Replayed(body) => assert_eq!(body["id"], first.id),
            Created::New(_) => panic!("stored twice"),
        }
        assert_eq!(b.hqs(&admin()).await.unwrap().len(), 1);
        let e = b
            .create_hq(&admin(), T0, new_hq("B"), Some(key("y")))
            .await
            .unwrap_err();
        assert!(matches!(
            e,
            BoardError::Store(StoreError::IdempotencyMismatch)
        ));
    });
}

#[test]
fn roles_see_only_what_they_need() {
    let (b, a, z, v, r) = setup();
    block_on(async {
        let other = coordinator(z.id);
        // Another headquarters' coordinator sees neither the request nor the volunteer.
        assert!(matches!(
            b.request(&other, r.id).await,
            Err(BoardError::NotFound { .. })
        ));
        assert!(matches!(
            b.volunteer(&other, v.id).await,
            Err(BoardError::NotFound { .. })
        ));
        assert!(b.assign(&other, T0, r.id, v.id, None).await.is_err());
        let list = b
            .requests(
                &other,
                RequestQuery {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(list.is_empty());
        let e = b
            .requests(
                &other,
                RequestQuery {
                    hqs: Some(vec![a.id]),
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, BoardError::Denied(_)));
        // The operator reads what they recorded, not others' requests, and no volunteers.
        assert_eq!(b.request(&operator(), r.id).await.unwrap().id, r.id);
        let op2 = Principal {
            token_id: 31,
            ..operator()
        };
        assert!(b.request(&op2, r.id).await.is_err());
        assert!(matches!(
            b.volunteers(
                &operator(),
                VolunteerQuery {
                    limit: 5,
                    ..Default::default()
                }
            )
            .await,
            Err(BoardError::Denied(_))
        ));
        // A volunteer sees a request only while holding it, and only moves it forward.
        let me = volunteer_token(v.id);
        assert!(b.request(&me, r.id).await.is_err());
        b.assign(&coordinator(a.id), T0, r.id, v.id, None)
            .await
            .unwrap();
        assert_eq!(b.request(&me, r.id).await.unwrap().id, r.id);
        let e = b
            .transition(
                &me,
                T0,
                r.id,
                RequestStatus::Cancelled,
                Some("x".into()),
                None,
            )
            .await
            .unwrap_err();
        assert!(matches!(e, BoardError::Denied(_)));
        // Only admins make headquarters.
        assert!(matches!(
            b.create_hq(&coordinator(a.id), T0, new_hq("C"), None).await,
            Err(BoardError::Denied(_))
        ));
    });
}

#[test]
fn assignment_checks_the_volunteer() {
    let (b, a, z, v, r) = setup();
    block_on(async {
        let c = coordinator(a.id);
        // A request needing a psychologist cannot go to a volunteer without the skill.
        let p = created(
            b.create_request(
                &c,
                T0,
                new_request(a.id, RequestKind::PsychologicalSupport),
                None,
                &AnyRoads,
                None,
            )
            .await
            .unwrap(),
        );
        let e = b.assign(&c, T0, p.id, v.id, None).await.unwrap_err();
        assert!(matches!(e, BoardError::Conflict(_)), "{e}");
        // At max_tasks (2) a third request is refused.
        let r2 = created(
            b.create_request(
                &c,
                T0,
                new_request(a.id, RequestKind::Medicines),
                None,
                &AnyRoads,
                None,
            )
            .await
            .unwrap(),
        );
        let r3 = created(
            b.create_request(
                &c,
                T0,
                new_request(a.id, RequestKind::Essentials),
                None,
                &AnyRoads,
                None,
            )
            .await
            .unwrap(),
        );
        b.assign(&c, T0, r.id, v.id, None).await.unwrap();
        b.assign(&c, T0, r2.id, v.id, None).await.unwrap();
        assert!(matches!(
            b.assign(&c, T0, r3.id, v.id, None).await,
            Err(BoardError::Conflict(_))
        ));
        // Unassigning frees a place.
        let x = b
            .transition(&c, T0, r2.id, RequestStatus::New, None, None)
            .await
            .unwrap();
        assert_eq!(x.volunteer, None);
        b.assign(&c, T0, r3.id, v.id, None).await.unwrap();
        // A volunteer of another headquarters is refused.
        let w = created(
            b.create_volunteer(
                &coordinator(z.id),
                T0,
                new_volunteer(z.id, &[]),
                &AnyRoads,
                None,
            )
            .await
            .unwrap(),
        );
        assert!(matches!(
            b.assign(&c, T0, r2.id, w.id, None).await,
            Err(BoardError::Conflict(_))
        ));
    });
}

#[test]
fn bad_input_is_refused_and_names_the_field() {
    let (b, a, _, v, _) = setup();
    block_on(async {
        let c = coordinator(a.id);
        let cases: Vec<(NewRequest, &str)> = vec![
            (
                NewRequest {
                    location: Some([f64::NAN, 55.0]),
                    ..new_request(a.id, RequestKind::Groceries)
                },
                "location",
            ),
            (
                NewRequest {
                    location: Some([200.0, 55.0]),
                    ..new_request(a.id, RequestKind::Groceries)
                },
                "location",
            ),
            (
                NewRequest {
                    location: None,
                    ..new_request(a.id, RequestKind::Groceries)
                },
                "location",
            ),
            (
                NewRequest {
                    deadline: Some(T0.plus(-1)),
                    ..new_request(a.id, RequestKind::Groceries)
                },
                "deadline",
            ),
            (
                NewRequest {
                    load_kg: Some(-1.0),
                    ..new_request(a.id, RequestKind::Groceries)
                },
                "load_kg",
            ),
            (
                NewRequest {
                    skills: vec!["DROP TABLE".into()],
                    ..new_request(a.id, RequestKind::Groceries)
                },
                "skills",
            ),
            (
                NewRequest {
                    notes: Some("x".repeat(5000)),
                    ..new_request(a.id, RequestKind::Groceries)
                },
                "notes",
            ),
            (
                NewRequest {
                    hq: 999,
                    ..new_request(999, RequestKind::Groceries)
                },
                "hq",
            ),
        ];
        for (req, field) in cases {
            match b
                .create_request(&admin(), T0, req, None, &AnyRoads, None)
                .await
            {
                Err(BoardError::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
        let mut bad = new_request(a.id, RequestKind::Groceries);
        bad.recipient.phone = "call me".into();
        assert!(matches!(
            b.create_request(&c, T0, bad, None, &AnyRoads, None).await,
            Err(BoardError::Invalid { .. })
        ));
        // A phone-only request needs no location.
        let mut phone = new_request(a.id, RequestKind::PsychologicalSupport);
        phone.location = None;
        assert!(
            b.create_request(&c, T0, phone, None, &AnyRoads, None)
                .await
                .is_ok()
        );
        // Nothing but the valid ones was stored.
        let all = b
            .requests(
                &c,
                RequestQuery {
                    limit: 100,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        // Position reports: out of order ones are ignored, future ones refused.
        let rep = |p, at| PositionReport {
            position: p,
            at: Some(at),
            status: None,
        };
        let x = b
            .report_position(
                &c,
                T0.plus(100),
                v.id,
                rep([37.64, 55.77], T0.plus(90)),
                &AnyRoads,
            )
            .await
            .unwrap();
        let y = b
            .report_position(
                &c,
                T0.plus(100),
                v.id,
                rep([37.65, 55.78], T0.plus(50)),
                &AnyRoads,
            )
            .await
            .unwrap();
        assert_eq!(y.position, x.position);
        assert!(
            b.report_position(&c, T0, v.id, rep([37.65, 55.78], T0.plus(3600)), &AnyRoads)
                .await
                .is_err()
        );
    });
}
