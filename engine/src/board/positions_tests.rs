//! Batches of position reports against the obvious reference: the same reports one by one
//! on another store give the same answers, the same volunteers and the same events (per
//! volunteer, in order).

use super::*;
use crate::board::tests::{admin, coordinator};
use crate::board::{
    AnyRoads, EntityKind, Event, EventQuery, MemoryStore, Mode, NewHq, NewVolunteer, Role,
    VolunteerQuery, Window,
};
use pollster::block_on;

const T0: Time = Time(1_790_000_000);

/// SplitMix64: a fixed sequence per seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn volunteer_of(id: i64) -> Principal {
    Principal {
        token_id: 40 + id,
        role: Role::Volunteer,
        hqs: vec![],
        volunteer: Some(id),
    }
}

/// Two headquarters, four volunteers in the first, two in the second.
fn board() -> Board<MemoryStore> {
    let b = Board::new(MemoryStore::new());
    block_on(async {
        for name in ["A", "B"] {
            let hq = NewHq {
                name: name.into(),
                region: "77".into(),
                location: [37.62, 55.75],
                timezone: None,
            };
            b.create_hq(&admin(), T0, hq, None).await.unwrap();
        }
        for i in 0..6 {
            let v = NewVolunteer {
                hq: if i < 4 { 1 } else { 2 },
                name: format!("V{i}"),
                phone: "+7 900 000-00-01".into(),
                mode: Mode::Foot,
                skills: vec![],
                capacity_kg: None,
                capacity_bags: None,
                shifts: vec![Window {
                    start: T0,
                    end: T0.plus(8 * 3600),
                }],
                max_tasks: None,
                home: None,
                position: Some([37.63, 55.76]),
                status: None,
            };
            b.create_volunteer(&admin(), T0, v, &AnyRoads, None)
                .await
                .unwrap();
        }
    });
    b
}

fn random_report(r: &mut Rng) -> ReportedPosition {
    let who = match r.below(5) {
        0 => admin(),
        1 => coordinator(1),
        2 => coordinator(2),
        3 => volunteer_of(1 + i64::try_from(r.below(3)).unwrap()),
        _ => Principal {
            token_id: 30,
            role: Role::Operator,
            hqs: vec![],
            volunteer: None,
        },
    };
    let lon = 37.6 + f64::from(u32::try_from(r.below(1000)).unwrap()) * 1e-4;
    let position = if r.below(10) == 0 {
        [500.0, 55.7]
    } else {
        [lon, 55.76]
    };
    let at = match r.below(4) {
        0 => None,
        1 => Some(T0.plus(5_000)),
        _ => Some(T0.plus(i64::try_from(r.below(2_000)).unwrap())),
    };
    let status = match r.below(4) {
        0 => Some(VolunteerStatus::Busy),
        1 => Some(VolunteerStatus::Available),
        _ => None,
    };
    ReportedPosition {
        who,
        volunteer: 1 + i64::try_from(r.below(8)).unwrap(),
        report: PositionReport {
            position,
            at,
            status,
        },
    }
}

/// An answer, comparable: the volunteer, or the error's text.
fn shown(a: &Result<Volunteer, BoardError>) -> Result<Volunteer, String> {
    a.as_ref().map_err(ToString::to_string).cloned()
}

/// Each volunteer's events, in order, without sequence numbers.
fn events_by_volunteer(b: &Board<MemoryStore>) -> Vec<(i64, Vec<Event>)> {
    let all = block_on(b.store().events(&EventQuery {
        limit: 100_000,
        ..EventQuery::default()
    }))
    .unwrap();
    let mut by: std::collections::BTreeMap<i64, Vec<Event>> = std::collections::BTreeMap::new();
    for mut e in all {
        if e.entity == EntityKind::Volunteer {
            e.seq = 0;
            by.entry(e.entity_id).or_default().push(e);
        }
    }
    by.into_iter().collect()
}

/// Both boards hold the same volunteers and, per volunteer, the same events.
fn assert_same_volunteers_and_events(a: &Board<MemoryStore>, b: &Board<MemoryStore>, seed: u64) {
    let q = VolunteerQuery {
        limit: 100,
        ..VolunteerQuery::default()
    };
    assert_eq!(
        block_on(a.store().volunteers(&q)).unwrap(),
        block_on(b.store().volunteers(&q)).unwrap(),
        "seed {seed}"
    );
    assert_eq!(
        events_by_volunteer(a),
        events_by_volunteer(b),
        "seed {seed}"
    );
}

#[test]
fn a_batch_answers_and_stores_what_reports_one_by_one_do() {
    for seed in 0..60 {
        let mut r = Rng(seed);
        let (batched, single) = (board(), board());
        for round in 0..4 {
            let now = T0.plus(1_000 + 1_000 * round);
            let n = 1 + usize::try_from(r.below(40)).unwrap();
            let reports: Vec<ReportedPosition> = (0..n).map(|_| random_report(&mut r)).collect();
            let got = block_on(batched.report_positions(now, reports.clone(), &AnyRoads)).answers;
            assert_eq!(got.len(), n);
            for (i, (rep, answer)) in reports.into_iter().zip(&got).enumerate() {
                let want = block_on(single.report_position(
                    &rep.who,
                    now,
                    rep.volunteer,
                    rep.report,
                    &AnyRoads,
                ));
                assert_eq!(
                    shown(answer),
                    shown(&want),
                    "seed {seed} round {round} report {i}"
                );
            }
        }
        assert_same_volunteers_and_events(&batched, &single, seed);
    }
}

#[test]
fn a_batch_keeps_each_reports_error_to_itself() {
    let b = board();
    let now = T0.plus(100);
    let report = |who: Principal, volunteer: i64, position: Point| ReportedPosition {
        who,
        volunteer,
        report: PositionReport {
            position,
            at: None,
            status: None,
        },
    };
    let got = block_on(b.report_positions(
        now,
        vec![
            report(admin(), 1, [37.64, 55.77]),
            report(admin(), 99, [37.64, 55.77]),
            report(coordinator(2), 1, [37.64, 55.77]),
            report(volunteer_of(2), 2, [37.64, 55.77]),
            report(admin(), 3, [f64::NAN, 55.77]),
            report(admin(), 1, [37.65, 55.78]),
        ],
        &AnyRoads,
    ))
    .answers;
    assert_eq!(got[0].as_ref().unwrap().version, 2);
    assert!(matches!(got[1], Err(BoardError::NotFound { id: 99, .. })));
    assert!(
        matches!(got[2], Err(BoardError::NotFound { id: 1, .. })),
        "another headquarters' volunteer is not known to its coordinator"
    );
    assert_eq!(got[3].as_ref().unwrap().position, Some([37.64, 55.77]));
    assert!(matches!(got[4], Err(BoardError::Invalid { .. })));
    let last = got[5].as_ref().unwrap();
    assert_eq!((last.version, last.position), (3, Some([37.65, 55.78])));
    // The position events: two for volunteer 1, one for volunteer 2, none for the others.
    let events = events_by_volunteer(&b);
    let positions = |id: i64| {
        events.iter().find(|(v, _)| *v == id).map_or(0, |(_, es)| {
            es.iter().filter(|e| e.action == "position").count()
        })
    };
    assert_eq!((positions(1), positions(2), positions(3)), (2, 1, 0));
}

#[test]
fn a_position_event_names_what_the_diff_of_the_whole_volunteers_does() {
    let b = board();
    let base = block_on(b.store().volunteer(1)).unwrap().unwrap();
    let mut r = Rng(7);
    for case in 0..500 {
        let pick = |r: &mut Rng, v: Option<Point>| match r.below(3) {
            0 => None,
            1 => v,
            _ => Some([
                37.6 + f64::from(u32::try_from(r.below(5)).unwrap()) * 1e-3,
                55.76,
            ]),
        };
        let time = |r: &mut Rng| match r.below(3) {
            0 => None,
            _ => Some(T0.plus(i64::try_from(r.below(3)).unwrap())),
        };
        let status = |r: &mut Rng| match r.below(3) {
            0 => VolunteerStatus::Busy,
            1 => VolunteerStatus::Available,
            _ => VolunteerStatus::Off,
        };
        let mut old = base.clone();
        old.position = pick(&mut r, base.position);
        old.position_at = time(&mut r);
        old.status = status(&mut r);
        let mut new = old.clone();
        new.position = pick(&mut r, old.position);
        new.position_at = time(&mut r);
        new.status = status(&mut r);
        new.updated_at = T0.plus(9);
        new.version += 1;
        let want = crate::board::event::diff(
            &Record::Volunteer(old.clone()).to_json(),
            &Record::Volunteer(new.clone()).to_json(),
        );
        assert_eq!(position_diff(&old, &new), want, "case {case}");
    }
}

#[test]
fn a_batch_returns_the_events_it_stored() {
    for seed in 0..30 {
        let mut r = Rng(100 + seed);
        let b = board();
        let before = block_on(b.store().last_seq()).unwrap();
        let mut returned = Vec::new();
        for round in 0..3 {
            let now = T0.plus(1_000 + 1_000 * round);
            let n = 1 + usize::try_from(r.below(40)).unwrap();
            let reports: Vec<ReportedPosition> = (0..n).map(|_| random_report(&mut r)).collect();
            let batch = block_on(b.report_positions(now, reports, &AnyRoads));
            assert!(batch.events.windows(2).all(|w| w[0].seq < w[1].seq));
            returned.extend(batch.events);
        }
        let stored = block_on(b.store().events(&EventQuery {
            after_seq: before,
            limit: 100_000,
            ..EventQuery::default()
        }))
        .unwrap();
        assert_eq!(returned, stored, "seed {seed}");
    }
}

/// Batch `b` prepared while batch `a` is still to commit, then both committed in order,
/// against the same batches one after the other.
fn pipelined_and_serial(seed: u64, disjoint: bool) {
    let mut r = Rng(500 + seed);
    let (piped, serial) = (board(), board());
    let (now_a, now_b) = (T0.plus(1_000), T0.plus(1_001));
    let n = 1 + usize::try_from(r.below(30)).unwrap();
    let a: Vec<ReportedPosition> = (0..n).map(|_| random_report(&mut r)).collect();
    let b: Vec<ReportedPosition> = (0..n)
        .map(|_| random_report(&mut r))
        .filter(|x| !disjoint || a.iter().all(|y| y.volunteer != x.volunteer))
        .collect();
    let want_a = block_on(serial.report_positions(now_a, a.clone(), &AnyRoads));
    let want_b = block_on(serial.report_positions(now_b, b.clone(), &AnyRoads));
    let (got_a, got_b) = block_on(async {
        let pa = piped.prepare_positions(now_a, a, &AnyRoads).await;
        let pb = piped.prepare_positions(now_b, b.clone(), &AnyRoads).await;
        let got_a = piped.commit_positions(pa, &AnyRoads).await;
        (got_a, piped.commit_positions(pb, &AnyRoads).await)
    });
    let shown_all = |x: &ReportedBatch| x.answers.iter().map(shown).collect::<Vec<_>>();
    assert_eq!(shown_all(&got_a), shown_all(&want_a), "seed {seed}");
    for (i, (got, want)) in got_b.answers.iter().zip(&want_b.answers).enumerate() {
        match (got, want) {
            // An older report than the stored one, judged on the record as prepared: the
            // answer is that record, which batch a may have moved on since.
            (Ok(g), Ok(w)) if !disjoint && g.version < w.version => {
                assert_eq!(g.id, w.id, "seed {seed} report {i}");
                let at = b[i].report.at.unwrap_or(now_b);
                assert!(
                    g.position_at.is_some_and(|t| t > at),
                    "seed {seed} report {i}"
                );
            }
            _ => assert_eq!(shown(got), shown(want), "seed {seed} report {i}"),
        }
    }
    assert_same_volunteers_and_events(&piped, &serial, seed);
    let returned: Vec<Event> = got_a.events.into_iter().chain(got_b.events).collect();
    assert!(
        returned.windows(2).all(|w| w[0].seq < w[1].seq),
        "seed {seed}"
    );
}

#[test]
fn a_batch_prepared_while_another_commits_lands_as_after_it() {
    for seed in 0..60 {
        pipelined_and_serial(seed, true);
    }
}

#[test]
fn a_batch_prepared_on_rows_another_batch_changes_is_judged_again_at_its_commit() {
    for seed in 0..60 {
        pipelined_and_serial(seed, false);
    }
}
