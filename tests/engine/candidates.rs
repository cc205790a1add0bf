//! "Who can go now?" on the real extracts: the ranking against brute force (every eligible
//! volunteer routed by `Engine::table`, the rules applied naively), each exclusion reason
//! provoked by hand, hostile input, live updates against a rebuilt index, and the H3
//! coverage against a naive assignment of points to cells.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "test helpers: failures should panic"
)]

use std::collections::BTreeMap;
use std::sync::OnceLock;

use engine::candidates::{
    CandidatesError, ExclusionReason, LivePositions, Placement, Ranking, TaskFacts, VolunteerFacts,
    coverage, coverage_with_limit, rank,
};
use engine::dispatch::{Engine, Location};
use engine::graph::from_network;
use engine::osm::{PROFILES, read_network};
use engine::types::{LonLat, NodeId, haversine_m};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::support;

const NOW: i64 = 1_780_000_000;
const MODES: [&str; 3] = ["bicycle", "car", "foot"];

/// An engine with the car, bicycle and foot graphs of an extract.
fn engine(extract: &str) -> Option<Engine> {
    let path = support::osm(extract)?;
    let mut e = Engine::new();
    for p in PROFILES {
        let g = from_network(&read_network(&path, p).unwrap()).unwrap();
        e.add_profile(g, None).unwrap();
    }
    Some(e)
}

pub(crate) fn monaco() -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| engine("monaco-2023-12-26.osm.pbf"))
        .as_ref()
}

/// A random position near a random node of a profile's graph, sometimes far out at sea.
fn random_position(rng: &mut Pcg64, e: &Engine, profile: &str) -> LonLat {
    let g = e.graph(profile).unwrap();
    if rng.random_bool(0.05) {
        let (lo, _) = g.bbox().unwrap();
        return LonLat::new(lo.lon + rng.random_range(0.0..0.02), lo.lat - 0.1);
    }
    let n = g.node_lonlat(NodeId(rng.random_range(0..g.num_nodes() as u32)));
    LonLat::new(
        n.lon + rng.random_range(-3e-4..3e-4),
        n.lat + rng.random_range(-3e-4..3e-4),
    )
}

fn skills(rng: &mut Pcg64) -> Vec<String> {
    ["car_seat", "medicines", "russian"]
        .into_iter()
        .filter(|_| rng.random_bool(0.3))
        .map(str::to_owned)
        .collect()
}

/// Random volunteers with positions in `live`: every rule fails for some of them.
fn random_volunteers(
    rng: &mut Pcg64,
    e: &Engine,
    live: &mut LivePositions,
    n: usize,
) -> Vec<VolunteerFacts> {
    (0..n)
        .map(|i| {
            let id = i as i64 * 7 - 50;
            let profile = if rng.random_bool(0.03) {
                "boat".to_owned()
            } else {
                MODES[rng.random_range(0..3)].to_owned()
            };
            let on = if e.has_profile(&profile) {
                profile.as_str()
            } else {
                "car"
            };
            let start = NOW - rng.random_range(-600..7_200);
            let v = VolunteerFacts {
                id,
                profile: profile.clone(),
                available: rng.random_bool(0.9),
                skills: skills(rng),
                capacity_kg: rng.random_range(0.0..30.0),
                capacity_bags: rng.random_range(0..4),
                shifts: vec![(start, start + rng.random_range(600..14_400))],
                active_tasks: rng.random_range(0..3),
                max_tasks: rng.random_range(1..4),
                home: rng.random_bool(0.3).then(|| random_position(rng, e, on)),
            };
            match rng.random_range(0..20) {
                0 => {} // no position
                1 => {
                    let other = MODES.iter().find(|&&m| m != profile).unwrap();
                    let p = random_position(rng, e, other);
                    live.update(e, id, other, p, NOW - 5).unwrap();
                }
                _ => {
                    let p = random_position(rng, e, on);
                    live.update(e, id, &profile, p, NOW - rng.random_range(0..600))
                        .unwrap();
                }
            }
            v
        })
        .collect()
}

fn random_task(rng: &mut Pcg64, e: &Engine) -> TaskFacts {
    let mut required = skills(rng);
    required.truncate(1);
    let mode = MODES[rng.random_range(0..3)];
    TaskFacts {
        location: random_position(rng, e, mode),
        service_s: rng.random_range(0..1_200),
        load_kg: rng.random_range(0.0..15.0),
        load_bags: rng.random_range(0..3),
        skills: required,
        deadline_unix_s: rng.random_bool(0.5).then(|| NOW + rng.random_range(0..900)),
        deadline_is_hard: rng.random_bool(0.5),
    }
}

/// The ranking by brute force: rules applied one by one, every eligible volunteer routed by
/// `Engine::table` from their position as reported (snapped afresh), sorted.
fn brute_force(
    e: &Engine,
    live: &LivePositions,
    volunteers: &[VolunteerFacts],
    task: &TaskFacts,
    k: usize,
) -> Ranking {
    use ExclusionReason as R;
    let loc = |p: LonLat| Location {
        radius_m: Some(live.radius_m()),
        ..Location::new(p.lon, p.lat)
    };
    let mut excluded: BTreeMap<ExclusionReason, usize> = BTreeMap::new();
    // (key, candidate or the road rule it fails)
    let mut routed: Vec<((u64, i64), Result<engine::candidates::Candidate, R>)> = Vec::new();
    for v in volunteers {
        let shift_end = v
            .shifts
            .iter()
            .filter(|s| s.0 <= NOW && NOW < s.1)
            .map(|s| s.1)
            .max();
        let pos = live.get(v.id);
        let cheap = if !v.available {
            Some(R::NotAvailable)
        } else if shift_end.is_none() {
            Some(R::OffShift)
        } else if !task.skills.iter().all(|s| v.skills.contains(s)) {
            Some(R::MissingSkill)
        } else if !(v.capacity_kg >= task.load_kg && v.capacity_bags >= task.load_bags) {
            Some(R::OverCapacity)
        } else if v.active_tasks >= v.max_tasks {
            Some(R::AtMaxTasks)
        } else if !e.has_profile(&v.profile) {
            Some(R::NoGraphForMode)
        } else if pos.is_none_or(|p| p.profile != v.profile) {
            Some(R::NoPosition)
        } else if e.snap(&v.profile, loc(pos.unwrap().position)).is_err() {
            Some(R::Unsnappable)
        } else {
            None
        };
        if let Some(r) = cheap {
            *excluded.entry(r).or_default() += 1;
            continue;
        }
        let here = pos.unwrap().position;
        let cost = |a: LonLat, b: LonLat| {
            if e.snap(&v.profile, loc(a)).is_err() || e.snap(&v.profile, loc(b)).is_err() {
                return None;
            }
            let t = e.table(&v.profile, &[loc(a), loc(b)], &[0], &[1]).unwrap();
            t.durations_s[0].map(|d| ((d * 10.0).round() as u64, t.distances_m[0].unwrap()))
        };
        let Some((go_ds, go_m)) = cost(here, task.location) else {
            routed.push(((u64::MAX, v.id), Err(R::Unreachable)));
            continue;
        };
        let key = (go_ds, v.id);
        let eta = NOW + go_ds.div_ceil(10) as i64;
        if task.deadline_is_hard && task.deadline_unix_s.is_some_and(|d| eta > d) {
            routed.push((key, Err(R::LateForDeadline)));
            continue;
        }
        let Some((back_ds, _)) = cost(task.location, v.home.unwrap_or(here)) else {
            routed.push((key, Err(R::Unreachable)));
            continue;
        };
        let end = shift_end.unwrap();
        let total = go_ds + u64::from(task.service_s) * 10 + back_ds;
        if NOW + total.div_ceil(10) as i64 > end {
            routed.push((key, Err(R::ShiftEndsTooSoon)));
            continue;
        }
        routed.push((
            key,
            Ok(engine::candidates::Candidate {
                volunteer: v.id,
                profile: v.profile.clone(),
                eta_unix_s: eta,
                travel_s: go_ds as f64 / 10.0,
                distance_m: go_m,
                return_s: back_ds as f64 / 10.0,
                shift_end_unix_s: end,
            }),
        ));
    }
    routed.sort_by_key(|r| r.0);
    let passing: Vec<_> = routed.iter().filter(|r| r.1.is_ok()).collect();
    let cutoff = match k {
        0 => Some((0, i64::MIN)),
        _ => passing.get(k - 1).map(|r| r.0),
    };
    let mut candidates = Vec::new();
    for (key, outcome) in &routed {
        if cutoff.is_some_and(|c| *key > c) || (k == 0) {
            *excluded.entry(R::RankedLower).or_default() += 1;
            continue;
        }
        match outcome {
            Ok(c) => candidates.push(c.clone()),
            Err(r) => *excluded.entry(*r).or_default() += 1,
        }
    }
    Ranking {
        candidates,
        excluded,
        routed: 0,
    }
}

/// Random volunteers and tasks: `rank` equals brute force, and accounts for everyone.
fn ranking_equals_brute_force(e: &Engine, seed: u64, volunteers: usize, tasks: usize) {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut live = LivePositions::new(e);
    let vols = random_volunteers(&mut rng, e, &mut live, volunteers);
    let mut pruned = 0;
    for t in 0..tasks {
        let task = random_task(&mut rng, e);
        let k = [0, 1, 3, 10, 40, usize::MAX][t % 6];
        let mut got = rank(e, &live, &vols, &task, NOW, k).unwrap();
        let want = brute_force(e, &live, &vols, &task, k);
        assert_eq!(
            got.excluded.values().sum::<usize>() + got.candidates.len(),
            vols.len(),
            "task {t}: every volunteer is counted once"
        );
        let eligible = vols.len()
            - want
                .excluded
                .iter()
                .filter(|(r, _)| **r < ExclusionReason::RankedLower)
                .map(|(_, n)| n)
                .sum::<usize>();
        pruned += eligible - got.routed;
        got.routed = 0;
        assert_eq!(got, want, "task {t} (k = {k}): {task:?}");
    }
    assert!(
        tasks < 12 || pruned > 0,
        "the lower bound never spared a route"
    );
}

#[test]
fn monaco_ranking_equals_brute_force() {
    let Some(e) = monaco() else { return };
    ranking_equals_brute_force(e, 1, 600, 24);
}

/// `ranking_equals_brute_force` on an extract with hub labels built, then with landmark
/// lower bounds too (they may only skip volunteers who rank lower).
fn with_labels_equals_brute_force(extract: &str, seed: u64, volunteers: usize, tasks: usize) {
    let Some(e) = engine(extract) else { return };
    for (_, built) in e.build_hub_labels(usize::MAX) {
        built.unwrap();
    }
    ranking_equals_brute_force(&e, seed, volunteers, tasks);
    for (profile, bytes) in e.build_landmarks(8) {
        assert!(bytes > 0, "{profile}: no landmark table");
        assert!(e.lower_bounds(&profile).is_some());
    }
    ranking_equals_brute_force(&e, seed + 100, volunteers, tasks);
}

#[test]
fn monaco_ranking_with_hub_labels_equals_brute_force() {
    with_labels_equals_brute_force("monaco-2023-12-26.osm.pbf", 2, 600, 24);
}

#[test]
#[ignore = "release suite: Andorra, three modes"]
fn andorra_ranking_equals_brute_force() {
    with_labels_equals_brute_force("andorra-2020-05-01.osm.pbf", 3, 1_500, 60);
}

#[test]
#[ignore = "release suite: Porto, three modes"]
fn porto_ranking_equals_brute_force() {
    with_labels_equals_brute_force("porto-2015-06-06-highways.osm.pbf", 4, 2_000, 36);
}

/// A volunteer who can take `task()` from `position`: every rule holds.
fn good(id: i64, profile: &str) -> VolunteerFacts {
    VolunteerFacts {
        id,
        profile: profile.into(),
        available: true,
        skills: vec!["medicines".into()],
        capacity_kg: 20.0,
        capacity_bags: 2,
        shifts: vec![(NOW - 3_600, NOW + 3 * 3_600)],
        active_tasks: 0,
        max_tasks: 2,
        home: None,
    }
}

/// Near the Casino of Monte-Carlo.
const TASK_AT: LonLat = LonLat::new(7.4278, 43.7396);
/// Near the station, about 1 km away.
const NEAR: LonLat = LonLat::new(7.4197, 43.7387);
/// In the sea, kilometres from any road.
const SEA: LonLat = LonLat::new(7.45, 43.65);

fn task() -> TaskFacts {
    TaskFacts {
        location: TASK_AT,
        service_s: 600,
        load_kg: 5.0,
        load_bags: 1,
        skills: vec!["medicines".into()],
        deadline_unix_s: Some(NOW + 3_600),
        deadline_is_hard: true,
    }
}

fn excluded_only(r: &Ranking, reason: ExclusionReason) {
    assert!(r.candidates.is_empty(), "{r:?}");
    assert_eq!(r.excluded, BTreeMap::from([(reason, 1)]), "{r:?}");
}

#[test]
fn monaco_each_exclusion_reason_by_hand() {
    use ExclusionReason as R;
    let Some(e) = monaco() else { return };
    let mut live = LivePositions::new(e);
    for id in 1..=3 {
        live.update(e, id, "foot", NEAR, NOW - 10).unwrap();
    }
    live.update(e, 4, "foot", SEA, NOW - 10).unwrap();
    live.update(e, 5, "car", NEAR, NOW - 10).unwrap();
    let one = |v: VolunteerFacts, t: &TaskFacts| rank(e, &live, &[v], t, NOW, 5).unwrap();

    let ok = one(good(1, "foot"), &task());
    assert_eq!(ok.candidates.len(), 1);
    let c = &ok.candidates[0];
    assert!(ok.excluded.is_empty());
    assert!(c.travel_s > 300.0 && c.travel_s < 1_800.0, "{c:?}");
    assert_eq!(c.eta_unix_s, NOW + (c.travel_s.ceil() as i64));
    assert!(c.distance_m > haversine_m(NEAR, TASK_AT) * 0.9);
    assert_eq!(c.shift_end_unix_s, NOW + 3 * 3_600);
    assert!(c.return_s > 0.0);

    let cases: Vec<(VolunteerFacts, ExclusionReason)> = vec![
        (
            VolunteerFacts {
                available: false,
                ..good(1, "foot")
            },
            R::NotAvailable,
        ),
        (
            VolunteerFacts {
                shifts: vec![(NOW + 60, NOW + 3_600)],
                ..good(1, "foot")
            },
            R::OffShift,
        ),
        (
            VolunteerFacts {
                shifts: vec![],
                ..good(1, "foot")
            },
            R::OffShift,
        ),
        (
            VolunteerFacts {
                skills: vec![],
                ..good(1, "foot")
            },
            R::MissingSkill,
        ),
        (
            VolunteerFacts {
                capacity_kg: 4.9,
                ..good(1, "foot")
            },
            R::OverCapacity,
        ),
        (
            VolunteerFacts {
                capacity_bags: 0,
                ..good(1, "foot")
            },
            R::OverCapacity,
        ),
        (
            VolunteerFacts {
                active_tasks: 2,
                ..good(1, "foot")
            },
            R::AtMaxTasks,
        ),
        (good(1, "boat"), R::NoGraphForMode),
        (good(9, "foot"), R::NoPosition),
        (good(5, "foot"), R::NoPosition), // reported by car
        (good(4, "foot"), R::Unsnappable),
        (
            VolunteerFacts {
                home: Some(SEA),
                ..good(1, "foot")
            },
            R::Unreachable,
        ),
        (
            VolunteerFacts {
                shifts: vec![(NOW - 60, NOW + c.travel_s as i64 + 600)],
                ..good(1, "foot")
            },
            R::ShiftEndsTooSoon,
        ),
    ];
    for (v, reason) in cases {
        excluded_only(&one(v.clone(), &task()), reason);
    }
    let late = TaskFacts {
        deadline_unix_s: Some(c.eta_unix_s - 1),
        ..task()
    };
    excluded_only(&one(good(1, "foot"), &late), R::LateForDeadline);
    let soft = TaskFacts {
        deadline_is_hard: false,
        ..late
    };
    assert_eq!(one(good(1, "foot"), &soft).candidates.len(), 1);
    let at_sea = TaskFacts {
        location: SEA,
        ..task()
    };
    excluded_only(&one(good(1, "foot"), &at_sea), R::Unreachable);

    // Equal positions tie on time: the smaller id wins; the others rank lower.
    let three: Vec<_> = [3, 1, 2].map(|id| good(id, "foot")).into();
    let r = rank(e, &live, &three, &task(), NOW, 1).unwrap();
    assert_eq!(
        r.candidates.iter().map(|c| c.volunteer).collect::<Vec<_>>(),
        [1]
    );
    assert_eq!(r.excluded, BTreeMap::from([(R::RankedLower, 2)]));
    // A volunteer proved slower than the k-th is ranked lower before its road rules.
    let mut shifts = three;
    shifts[0].home = Some(SEA);
    let r = rank(e, &live, &shifts, &task(), NOW, 2).unwrap();
    assert_eq!(
        r.candidates.iter().map(|c| c.volunteer).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(r.excluded, BTreeMap::from([(R::RankedLower, 1)]));
    // With room for it, its own rule shows.
    let r = rank(e, &live, &shifts, &task(), NOW, 3).unwrap();
    assert_eq!(r.excluded, BTreeMap::from([(R::Unreachable, 1)]));
}

#[test]
fn exclusion_reasons_serialize_as_snake_case() {
    for r in ExclusionReason::ALL {
        assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
    }
    let ranking = Ranking {
        candidates: vec![],
        excluded: BTreeMap::from([(ExclusionReason::NoGraphForMode, 2)]),
        routed: 5,
    };
    assert_eq!(
        serde_json::to_string(&ranking).unwrap(),
        r#"{"candidates":[],"excluded":{"no_graph_for_mode":2}}"#
    );
}

#[test]
fn monaco_hostile_input_gives_errors_or_empty_answers() {
    let Some(e) = monaco() else { return };
    let mut live = LivePositions::new(e);
    for bad in [
        LonLat::new(f64::NAN, 43.7),
        LonLat::new(7.4, f64::INFINITY),
        LonLat::new(181.0, 0.0),
        LonLat::new(0.0, -90.5),
    ] {
        assert!(matches!(
            live.update(e, 1, "foot", bad, NOW),
            Err(CandidatesError::InvalidPosition { volunteer: 1, .. })
        ));
    }
    assert!(live.is_empty(), "nothing is stored on error");
    assert!(live.update(e, 1, "boat", NEAR, NOW).unwrap());
    assert_eq!(live.get(1).unwrap().placement, Placement::NoGraph);
    assert!(live.update(e, 2, "car", SEA, NOW).unwrap());
    assert_eq!(live.get(2).unwrap().placement, Placement::Unsnappable);
    assert!(live.update(e, 3, "foot", NEAR, NOW).unwrap());
    let bad_radius = LivePositions::new(e).with_radius_m(f64::NAN);
    let mut bad_radius = bad_radius;
    assert!(bad_radius.update(e, 1, "foot", NEAR, NOW).is_err());

    let vols = [good(1, "boat"), good(2, "car"), good(3, "foot")];
    assert_eq!(
        rank(e, &live, &[], &task(), NOW, 10).unwrap(),
        Ranking::default()
    );
    let r = rank(e, &live, &vols, &task(), NOW, 0).unwrap();
    assert!(r.candidates.is_empty());
    assert_eq!(r.excluded.values().sum::<usize>(), 3);
    let r = rank(e, &live, &vols, &task(), NOW, usize::MAX).unwrap();
    assert_eq!(r.candidates.len(), 1);
    for t in [
        TaskFacts {
            location: LonLat::new(f64::NAN, 0.0),
            ..task()
        },
        TaskFacts {
            load_kg: f64::NAN,
            ..task()
        },
        TaskFacts {
            load_kg: -1.0,
            ..task()
        },
        TaskFacts {
            load_kg: f64::INFINITY,
            ..task()
        },
    ] {
        assert!(matches!(
            rank(e, &live, &vols, &t, NOW, 3),
            Err(CandidatesError::InvalidTask { .. })
        ));
    }
    let twice = [good(3, "foot"), good(3, "car")];
    assert!(matches!(
        rank(e, &live, &twice, &task(), NOW, 3),
        Err(CandidatesError::DuplicateVolunteer { volunteer: 3 })
    ));
    let home = [VolunteerFacts {
        home: Some(LonLat::new(f64::NAN, 1.0)),
        ..good(3, "foot")
    }];
    assert!(matches!(
        rank(e, &live, &home, &task(), NOW, 3),
        Err(CandidatesError::InvalidVolunteer { volunteer: 3, .. })
    ));
    let odd = [VolunteerFacts {
        capacity_kg: f64::NAN,
        shifts: vec![(i64::MAX, i64::MIN), (i64::MIN, i64::MAX)],
        max_tasks: 0,
        ..good(3, "foot")
    }];
    let r = rank(e, &live, &odd, &task(), i64::MAX - 1, 3).unwrap();
    assert_eq!(r.excluded.values().sum::<usize>(), 1);
    // Positions snapped on another graph are refused, not routed.
    let other = engine("monaco-2023-12-26.osm.pbf").unwrap();
    let mut foreign = LivePositions::new(&other);
    foreign.update(&other, 3, "foot", NEAR, NOW).unwrap();
    assert!(
        rank(e, &foreign, &vols, &task(), NOW, 3).is_ok(),
        "same graph, same checksum"
    );
}

#[test]
fn monaco_live_updates_equal_a_rebuilt_index() {
    let Some(e) = monaco() else { return };
    let mut rng = Pcg64::seed_from_u64(5);
    let mut live = LivePositions::new(e);
    let mut last: BTreeMap<i64, (String, LonLat, i64)> = BTreeMap::new();
    for step in 0..2_000 {
        let id = rng.random_range(0..150);
        if rng.random_bool(0.1) {
            assert_eq!(live.remove(id).is_some(), last.remove(&id).is_some());
            continue;
        }
        let profile = ["bicycle", "car", "foot", "boat"][rng.random_range(0..4)];
        let on = if profile == "boat" { "car" } else { profile };
        let p = random_position(&mut rng, e, on);
        let at = NOW + step / 2 - rng.random_range(0..30);
        let newer = last.get(&id).is_none_or(|l| l.2 <= at);
        assert_eq!(live.update(e, id, profile, p, at).unwrap(), newer);
        if newer {
            last.insert(id, (profile.to_owned(), p, at));
        }
    }
    let mut rebuilt = LivePositions::new(e);
    for (&id, (profile, p, at)) in &last {
        rebuilt.update(e, id, profile, *p, *at).unwrap();
    }
    assert_eq!(live.len(), last.len());
    for (id, pos) in rebuilt.iter() {
        assert_eq!(live.get(id), Some(pos));
    }
    for m in MODES {
        let entries = live.tree_entries(m);
        assert!(!entries.is_empty());
        assert_eq!(entries, rebuilt.tree_entries(m), "{m}");
        live.compact();
        assert_eq!(live.tree_entries(m), entries, "{m} after compaction");
    }
    assert!(live.tree_entries("boat").is_empty());
}

#[test]
fn monaco_placed_costs_equal_the_table_and_the_speed_bound_holds() {
    let Some(e) = monaco() else { return };
    let mut rng = Pcg64::seed_from_u64(6);
    e.build_landmarks(8);
    for m in MODES {
        let landmarks = e.lower_bounds(m).unwrap();
        let bound = e.speed_bound(m).unwrap();
        let g = e.graph(m).unwrap();
        assert!(
            bound.speed_mps.is_finite() && bound.speed_mps > 1.0,
            "{m}: {bound:?}"
        );
        let excess: f64 = (0..g.num_edges() as u32)
            .map(|i| {
                let edge = engine::types::EdgeId(i);
                let secs = g.edge_duration(edge).as_secs_f64();
                (f64::from(g.edge_distance(edge).0) - bound.speed_mps * secs).max(0.0)
            })
            .sum();
        assert!(excess <= bound.slack_m, "{m}: {excess} > {bound:?}");
        let locs: Vec<Location> = (0..12)
            .map(|_| {
                let p = random_position(&mut rng, e, m);
                Location::new(p.lon, p.lat)
            })
            .filter(|&l| e.snap(m, l).is_ok())
            .collect();
        let placed: Vec<_> = locs.iter().map(|&l| e.place(m, l).unwrap()).collect();
        let all: Vec<usize> = (0..locs.len()).collect();
        let table = e.table(m, &locs, &all, &all).unwrap();
        let costs = e.placed_costs(m, &placed, &placed).unwrap();
        for (i, c) in costs.iter().enumerate() {
            assert_eq!(c.map(|c| c.duration.as_secs_f64()), table.durations_s[i]);
            assert_eq!(c.map(|c| f64::from(c.distance.0)), table.distances_m[i]);
            if let Some(c) = c {
                let (a, b) = (placed[i / locs.len()], placed[i % locs.len()]);
                let crow = haversine_m(a.hint.location, b.hint.location);
                assert!(c.duration.as_secs_f64() >= bound.min_travel_s(crow), "{m}");
                assert!(
                    landmarks.between(&a, &b) <= c.duration,
                    "{m}: landmark bound"
                );
            }
        }
        let other = MODES.iter().find(|&&o| o != m).unwrap();
        assert!(e.placed_costs(other, &placed[..1], &placed[..1]).is_err());
    }
    assert_eq!(e.speed_bound("boat"), None);
}

/// A cell and its counts of labels, as sorted lists.
type CellCounts = (u64, Vec<(String, usize)>, Vec<(String, usize)>);

/// The cell of each point by h3o directly, grouped by a linear search.
fn naive_cells(res: u8, demand: &[(LonLat, &str)], supply: &[(LonLat, &str)]) -> Vec<CellCounts> {
    let r = h3o::Resolution::try_from(res).unwrap();
    let mut out: Vec<CellCounts> = Vec::new();
    for (side, pts) in [demand, supply].into_iter().enumerate() {
        for &(p, label) in pts {
            let cell = u64::from(h3o::LatLng::new(p.lat, p.lon).unwrap().to_cell(r));
            let i = match out.iter().position(|c| c.0 == cell) {
                Some(i) => i,
                None => {
                    out.push((cell, vec![], vec![]));
                    out.len() - 1
                }
            };
            let counts = if side == 0 {
                &mut out[i].1
            } else {
                &mut out[i].2
            };
            match counts.iter_mut().find(|c| c.0 == label) {
                Some(c) => c.1 += 1,
                None => counts.push((label.to_owned(), 1)),
            }
        }
    }
    for c in &mut out {
        c.1.sort();
        c.2.sort();
    }
    out.sort();
    out
}

#[test]
fn coverage_equals_a_naive_assignment_to_cells() {
    let mut rng = Pcg64::seed_from_u64(7);
    for round in 0..40 {
        let res = (round % 16) as u8;
        let around = |rng: &mut Pcg64| {
            LonLat::new(
                -8.61 + rng.random_range(-0.1..0.1),
                41.15 + rng.random_range(-0.1..0.1),
            )
        };
        let demand: Vec<(LonLat, &str)> = (0..rng.random_range(0..200))
            .map(|_| {
                (
                    around(&mut rng),
                    ["urgent", "normal", "low"][rng.random_range(0..3)],
                )
            })
            .collect();
        let supply: Vec<(LonLat, &str)> = (0..rng.random_range(0..200))
            .map(|_| (around(&mut rng), MODES[rng.random_range(0..3)]))
            .collect();
        let got = coverage(res, &demand, &supply).unwrap();
        let got: Vec<_> = got
            .iter()
            .map(|c| {
                assert_eq!(c.cell.resolution(), h3o::Resolution::try_from(res).unwrap());
                assert!(c.boundary.len() >= 6 && c.boundary.first() == c.boundary.last());
                let pts = [demand.as_slice(), supply.as_slice()].concat();
                let any = pts.iter().find(|(p, _)| {
                    h3o::LatLng::new(p.lat, p.lon)
                        .unwrap()
                        .to_cell(c.cell.resolution())
                        == c.cell
                });
                assert!(any.is_some());
                let list = |m: &BTreeMap<String, usize>| {
                    m.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>()
                };
                (u64::from(c.cell), list(&c.demand), list(&c.supply))
            })
            .collect();
        assert_eq!(got, naive_cells(res, &demand, &supply), "resolution {res}");
    }
}

#[test]
fn coverage_refuses_bad_resolutions_points_and_huge_answers() {
    let p = LonLat::new(7.42, 43.73);
    assert!(matches!(
        coverage(16, &[(p, "urgent")], &[]),
        Err(CandidatesError::InvalidResolution { resolution: 16 })
    ));
    assert!(matches!(
        coverage(9, &[(p, "urgent")], &[(LonLat::new(f64::NAN, 1.0), "car")]),
        Err(CandidatesError::InvalidPoint {
            what: "supply",
            index: 0,
            ..
        })
    ));
    assert!(coverage(9, &[], &[]).unwrap().is_empty());
    let spread: Vec<(LonLat, &str)> = (0..100)
        .map(|i| (LonLat::new(7.0 + f64::from(i) * 0.01, 43.7), "car"))
        .collect();
    assert!(matches!(
        coverage_with_limit(15, &[], &spread, 50),
        Err(CandidatesError::TooManyCells { limit: 50, .. })
    ));
    assert_eq!(coverage_with_limit(0, &[], &spread, 50).unwrap().len(), 1);
}
