//! The live view kept current from the events that position batches return equals the view
//! rebuilt from the store afterwards: same roster, same placed positions, same R-trees, same
//! ranking facts (Monaco, random reports from several senders, some off the roads, some
//! stale, some changing the status).
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use engine::board::{
    Board, EventQuery, LiveBoard, MemoryStore, Mode, NewHq, NewVolunteer, PositionReport,
    Principal, ReportedPosition, Role, Roster, Store, Time, VolunteerQuery, VolunteerStatus,
    Window,
};
use engine::dispatch::Engine;
use engine::types::NodeId;
use pollster::block_on;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::candidates::monaco;

const T0: Time = Time(1_790_000_000);
const MODES: [Mode; 3] = [Mode::Foot, Mode::Bicycle, Mode::Car];

fn admin() -> Principal {
    Principal {
        token_id: 1,
        role: Role::Admin,
        hqs: vec![],
        volunteer: None,
    }
}

/// A point near a random node of `mode`'s graph; one in twenty far out at sea.
fn point(rng: &mut Pcg64, e: &Engine, mode: Mode) -> [f64; 2] {
    let g = e.graph(mode.profile()).unwrap();
    if rng.random_bool(0.05) {
        return [7.42, 43.5];
    }
    let n = g.node_lonlat(NodeId(
        rng.random_range(0..u32::try_from(g.num_nodes()).unwrap()),
    ));
    [
        n.lon + rng.random_range(-1e-4..1e-4),
        n.lat + rng.random_range(-1e-4..1e-4),
    ]
}

/// The view as a fresh server builds it: a snapshot of the store.
fn rebuilt(board: &Board<MemoryStore>, e: &Engine) -> LiveBoard {
    let seq = block_on(board.store().last_seq()).unwrap();
    let volunteers = block_on(board.store().volunteers(&VolunteerQuery {
        limit: 10_000,
        ..VolunteerQuery::default()
    }))
    .unwrap();
    LiveBoard::new(e, Roster::from_snapshot(seq, volunteers, &[]))
}

fn assert_same(live: &LiveBoard, want: &LiveBoard, what: &str) {
    assert_eq!(live.seq(), want.seq(), "{what}: sequence");
    // Events leave out the bookkeeping fields (`version`, `updated_at`), so a roster kept
    // from events, read back or not, holds those as of its snapshot.
    let vols = |l: &LiveBoard| {
        l.roster()
            .volunteers()
            .map(|v| {
                let mut v = v.clone();
                (v.version, v.updated_at) = (0, Time(0));
                v
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(vols(live), vols(want), "{what}: roster");
    let placed = |l: &LiveBoard| {
        let mut p: Vec<_> = l
            .positions()
            .iter()
            .map(|(id, p)| (id, p.clone()))
            .collect();
        p.sort_by_key(|x| x.0);
        p
    };
    assert_eq!(placed(live), placed(want), "{what}: positions");
    for m in MODES {
        let tree = |l: &LiveBoard| {
            let mut t = l.positions().tree_entries(m.profile());
            t.sort_by_key(|x| x.0);
            t
        };
        assert_eq!(tree(live), tree(want), "{what}: {} tree", m.profile());
    }
    for hq in [1, 2] {
        let facts = |l: &LiveBoard| {
            let mut f = l.facts_of(hq).to_vec();
            f.sort_by_key(|x| x.id);
            f
        };
        assert_eq!(
            facts(live),
            facts(want),
            "{what}: facts of headquarters {hq}"
        );
    }
}

#[test]
fn monaco_a_view_following_position_batches_equals_one_rebuilt_from_the_store() {
    let Some(e) = monaco() else { return };
    let mut rng = Pcg64::seed_from_u64(11);
    let board = Board::new(MemoryStore::new());
    let admin = admin();
    for name in ["Port", "Palais"] {
        let hq = NewHq {
            name: name.into(),
            region: "MC".into(),
            location: [7.42, 43.73],
            timezone: None,
        };
        block_on(board.create_hq(&admin, T0, hq, None)).unwrap();
    }
    let mut created = 0;
    while created < 60 {
        let mode = MODES[created % 3];
        let v = NewVolunteer {
            hq: 1 + i64::from(created % 2 == 1),
            name: format!("V{created}"),
            phone: "+377 0000".into(),
            mode,
            skills: vec![],
            capacity_kg: None,
            capacity_bags: None,
            shifts: vec![Window {
                start: T0,
                end: T0.plus(8 * 3600),
            }],
            max_tasks: None,
            home: None,
            position: (!rng.random_bool(0.2)).then(|| point(&mut rng, e, mode)),
            status: None,
        };
        if block_on(board.create_volunteer(&admin, T0, v, e, None)).is_ok() {
            created += 1;
        }
    }
    let mut live = rebuilt(&board, e);
    let mut applied = 0;
    for round in 0..30 {
        let now = T0.plus(60 * (round + 1));
        let n = rng.random_range(1..80);
        let reports: Vec<ReportedPosition> = (0..n)
            .map(|_| {
                let id = rng.random_range(1..=64);
                let mode = MODES[usize::try_from(id - 1).unwrap() % 3];
                ReportedPosition {
                    who: admin.clone(),
                    volunteer: id,
                    report: PositionReport {
                        position: point(&mut rng, e, mode),
                        at: rng
                            .random_bool(0.3)
                            .then(|| now.plus(-rng.random_range(0..120))),
                        status: match rng.random_range(0..6) {
                            0 => Some(VolunteerStatus::Busy),
                            1 => Some(VolunteerStatus::Available),
                            2 => Some(VolunteerStatus::Off),
                            _ => None,
                        },
                    },
                }
            })
            .collect();
        let batch = block_on(board.report_positions(now, reports, e));
        assert!(batch.events.first().is_none_or(|f| f.seq == live.seq() + 1));
        applied += batch.events.len();
        live.apply(e, &batch.events);
        assert_same(&live, &rebuilt(&board, e), &format!("round {round}"));
    }
    let all = block_on(board.store().events(&EventQuery {
        limit: 100_000,
        ..EventQuery::default()
    }))
    .unwrap();
    assert!(applied > 500, "only {applied} reports were written");
    assert!(all.iter().any(|e| e.changes.get("status").is_some()));
}
