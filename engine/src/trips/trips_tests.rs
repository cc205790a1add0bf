use rand::{RngExt as _, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::check::{Violation, check};
use super::*;
use crate::vrp::{Matrix, UNREACHABLE};

const H: u32 = 3_600;

/// A change to a value and what the error then says.
type Case<T> = (Box<dyn Fn(&mut T)>, &'static str);

/// Points on a plane (metres), driven at 60 km/h.
fn plane(points: &[(f64, f64)]) -> Matrix {
    let n = points.len();
    let mut durations = vec![0; n * n];
    let mut distances = vec![0; n * n];
    for (a, pa) in points.iter().enumerate() {
        for (b, pb) in points.iter().enumerate() {
            let d = ((pa.0 - pb.0).powi(2) + (pa.1 - pb.1).powi(2)).sqrt();
            #[expect(clippy::cast_possible_truncation, reason = "small test distances")]
            let (m, s) = (d.round() as u32, (d / 16.667).round() as u32);
            distances[a * n + b] = m;
            durations[a * n + b] = s;
        }
    }
    Matrix {
        size: n,
        durations,
        distances,
        costs: None,
    }
}

fn settlement(location: usize, service_s: u32) -> Settlement {
    Settlement {
        location,
        service_s,
        days: vec![],
        windows: vec![],
        priority: 0,
    }
}

/// A random trip: a depot at 0, `n` settlements, two lodging points.
fn random_trip(
    rng: &mut Pcg64Mcg,
    n: usize,
    vehicles: usize,
    days: u32,
    overnight: Overnight,
) -> TripProblem {
    let mut pts = vec![(0.0, 0.0)];
    for _ in 0..n + 2 {
        pts.push((
            rng.random_range(-150_000.0..150_000.0),
            rng.random_range(-150_000.0..150_000.0),
        ));
    }
    let settlements = (1..=n)
        .map(|location| {
            let mut s = settlement(location, rng.random_range(1..=6) * 900);
            if rng.random_range(0..4) == 0 {
                let start = rng.random_range(9..16) * H;
                s.windows.push(DayWindow {
                    start_s: start,
                    end_s: start + rng.random_range(1..4) * H,
                });
            }
            if rng.random_range(0..5) == 0 {
                s.days.push(rng.random_range(0..days));
            }
            s.priority = rng.random_range(0..3);
            s
        })
        .collect();
    TripProblem {
        matrix: plane(&pts),
        depots: vec![0; vehicles],
        settlements,
        lodgings: vec![n + 1, n + 2],
        days,
        hours: DayWindow {
            start_s: 9 * H,
            end_s: 19 * H,
        },
        max_driving_s: rng.random_range(3..=7) * H,
        overnight,
    }
}

fn key(p: &TripProblem, it: &Itinerary) -> (u64, u64) {
    let t = check(p, it).expect("feasible");
    (t.unplanned_weight, t.driving_s)
}

#[test]
fn search_matches_brute_force_on_small_trips() {
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let (mut cases, mut optimal, mut gap_sum) = (0, 0, 0.0);
    for overnight in [Overnight::Home, Overnight::Settlement, Overnight::Lodging] {
        for case in 0..20 {
            let (vehicles, days) = if case % 4 == 3 {
                (2, 2)
            } else {
                (1, 2 + case % 2)
            };
            let n = rng.random_range(3..=5);
            let p = random_trip(&mut rng, n, vehicles, days as u32, overnight);
            let fast = solve(
                &p,
                &TripConfig {
                    iterations: 300,
                    seed: case as u64,
                    ..TripConfig::default()
                },
            )
            .unwrap();
            let slow = brute_force(&p).unwrap();
            let (f, s) = (key(&p, &fast), key(&p, &slow));
            assert!(
                f >= s,
                "{overnight:?} {case}: the search beat brute force: {f:?} < {s:?}"
            );
            assert_eq!(
                f.0, s.0,
                "{overnight:?} {case}: left out more than the optimum\n{p:?}\n{fast:#?}\n{slow:#?}"
            );
            cases += 1;
            if f == s {
                optimal += 1;
            }
            #[expect(clippy::cast_precision_loss, reason = "test statistics")]
            let gap = (f.1 - s.1) as f64 / s.1.max(1) as f64;
            gap_sum += gap;
            assert!(gap <= 0.05, "{overnight:?} {case}: gap {gap}");
        }
    }
    assert!(
        optimal * 10 >= cases * 8,
        "{optimal} of {cases} optimal, mean gap {}",
        gap_sum / f64::from(cases)
    );
}

/// Depot at 0, a far cluster 3.5 h away (1, 2, 3), a lodging point by it (4).
fn far_cluster() -> TripProblem {
    let km = 1_000.0;
    let pts = [
        (0.0, 0.0),
        (210.0 * km, 0.0),
        (212.0 * km, 2.0 * km),
        (214.0 * km, 0.0),
        (213.0 * km, 1.0 * km),
    ];
    TripProblem {
        matrix: plane(&pts),
        depots: vec![0],
        settlements: (1..=3).map(|l| settlement(l, 2 * H)).collect(),
        lodgings: vec![4],
        days: 2,
        hours: DayWindow {
            start_s: 9 * H,
            end_s: 19 * H,
        },
        max_driving_s: 6 * H,
        overnight: Overnight::Home,
    }
}

#[test]
fn nights_away_reach_what_round_trips_cannot() {
    let mut p = far_cluster();
    let home = solve(&p, &TripConfig::default()).unwrap();
    assert_eq!(home.visited(), 0);
    assert!(
        home.unplanned
            .iter()
            .all(|(_, r)| *r == Unplanned::DrivingLimit),
        "{:?}",
        home.unplanned
    );
    for overnight in [Overnight::Settlement, Overnight::Lodging] {
        p.overnight = overnight;
        let it = solve(&p, &TripConfig::default()).unwrap();
        check(&p, &it).unwrap();
        assert_eq!(it.visited(), 3, "{overnight:?}");
        let night = it.vehicles[0].days[0].night;
        assert_eq!(night.kind(), overnight.as_str());
        assert_eq!(it.vehicles[0].days[1].from, night);
        assert_eq!(it.vehicles[0].days[1].night, NightAt::Home);
        assert_eq!(key(&p, &it), key(&p, &brute_force(&p).unwrap()));
    }
}

#[test]
fn left_out_settlements_say_why() {
    let mut p = far_cluster();
    p.overnight = Overnight::Settlement;
    p.max_driving_s = 10 * H;
    p.settlements[0].service_s = 11 * H;
    p.settlements[1].windows = vec![DayWindow {
        start_s: 9 * H,
        end_s: 10 * H,
    }];
    p.settlements[2].days = vec![1];
    // A fourth settlement with no road to it.
    let n = p.matrix.size;
    let mut m = Matrix {
        size: n + 1,
        durations: vec![UNREACHABLE; (n + 1) * (n + 1)],
        distances: vec![UNREACHABLE; (n + 1) * (n + 1)],
        costs: None,
    };
    for a in 0..n {
        for b in 0..n {
            m.durations[a * (n + 1) + b] = p.matrix.durations[a * n + b];
            m.distances[a * (n + 1) + b] = p.matrix.distances[a * n + b];
        }
    }
    m.durations[n * (n + 1) + n] = 0;
    m.distances[n * (n + 1) + n] = 0;
    p.matrix = m;
    p.settlements.push(settlement(n, H));
    let it = solve(&p, &TripConfig::default()).unwrap();
    check(&p, &it).unwrap();
    let reasons: Vec<(usize, &str)> = it.unplanned.iter().map(|(i, r)| (*i, r.kind())).collect();
    assert_eq!(
        reasons,
        [
            (0, "service_longer_than_day"),
            (1, "outside_windows"),
            (3, "not_reachable")
        ]
    );
    // Day 2 only, and the last day must end at home 3.5 h away: it fits alone.
    assert_eq!(it.vehicles[0].days[1].visits.len(), 1);
    // One day, two settlements of 5 h: the second is out of days.
    let mut q = far_cluster();
    q.days = 1;
    q.overnight = Overnight::Home;
    q.max_driving_s = 10 * H;
    q.hours.end_s = 23 * H;
    q.settlements.truncate(2);
    for s in &mut q.settlements {
        s.service_s = 5 * H;
    }
    q.settlements[1].priority = 1;
    let it = solve(&q, &TripConfig::default()).unwrap();
    assert_eq!(it.unplanned, [(0, Unplanned::OutOfDays)]);
}

#[test]
fn invalid_trips_are_refused_with_the_reason() {
    let good = far_cluster();
    let cases: Vec<Case<TripProblem>> = vec![
        (Box::new(|p| p.days = 0), "zero days"),
        (Box::new(|p| p.days = MAX_DAYS + 1), "at most 14"),
        (Box::new(|p| p.depots.clear()), "1 to 10"),
        (Box::new(|p| p.hours.end_s = p.hours.start_s), "not a span"),
        (Box::new(|p| p.hours.end_s = DAY_S + 1), "not a span"),
        (Box::new(|p| p.max_driving_s = 0), "driving limit is zero"),
        (
            Box::new(|p| {
                p.overnight = Overnight::Lodging;
                p.lodgings.clear();
            }),
            "no lodging point",
        ),
        (Box::new(|p| p.settlements[0].location = 99), "location 99"),
        (
            Box::new(|p| {
                p.settlements[1].windows = vec![DayWindow {
                    start_s: 15 * H,
                    end_s: 14 * H,
                }];
            }),
            "ends before it starts",
        ),
        (
            Box::new(|p| {
                p.settlements[1].windows = vec![DayWindow {
                    start_s: 20 * H,
                    end_s: 21 * H,
                }];
            }),
            "outside the working hours",
        ),
        (
            Box::new(|p| p.settlements[2].days = vec![2]),
            "allowed on day 3",
        ),
    ];
    for (change, says) in cases {
        let mut p = good.clone();
        change(&mut p);
        let e = solve(&p, &TripConfig::default()).unwrap_err().to_string();
        assert!(e.contains(says), "{e:?} should say {says:?}");
    }
}

#[test]
fn the_checker_catches_each_broken_rule() {
    let mut p = far_cluster();
    p.overnight = Overnight::Settlement;
    let good = solve(&p, &TripConfig::default()).unwrap();
    check(&p, &good).unwrap();
    let broken: Vec<Case<Itinerary>> = vec![
        (
            Box::new(|it| {
                let v = it.vehicles[0].days[0].visits[0].clone();
                it.vehicles[0].days[0].visits.push(v);
            }),
            "more than once",
        ),
        (
            Box::new(|it| it.vehicles[0].days[0].visits[0].arrival_s += 1),
            "visit times",
        ),
        (
            Box::new(|it| it.vehicles[0].days[0].driving_s -= 1),
            "driving",
        ),
        (
            Box::new(|it| it.vehicles[0].days[1].night = NightAt::Lodging(0)),
            "not allowed",
        ),
        (
            Box::new(|it| it.vehicles[0].days.pop().map_or((), drop)),
            "days numbered",
        ),
        (
            Box::new(|it| it.unplanned.push((0, Unplanned::OutOfDays))),
            "exactly once",
        ),
        (Box::new(|it| it.vehicles.clear()), "0 vehicles"),
    ];
    for (change, says) in broken {
        let mut it = good.clone();
        change(&mut it);
        let e = check(&p, &it).unwrap_err().to_string();
        assert!(e.contains(says), "{e:?} should say {says:?}");
    }
    // Replays: a late return and a busted driving limit.
    let plans = |visits: Vec<usize>| {
        vec![
            DayPlan {
                visits,
                night: NightAt::Home,
            },
            DayPlan {
                visits: vec![],
                night: NightAt::Home,
            },
        ]
    };
    assert!(matches!(
        check::replay(&p, 0, &plans(vec![0, 1, 2])),
        Err(Violation::Late { .. } | Violation::DrivingLimit { .. })
    ));
    p.hours.end_s = DAY_S;
    assert!(matches!(
        check::replay(&p, 0, &plans(vec![0])),
        Err(Violation::DrivingLimit { .. })
    ));
}

#[test]
fn same_input_and_seed_give_the_same_itinerary() {
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    let p = random_trip(&mut rng, 12, 2, 3, Overnight::Lodging);
    let c = TripConfig {
        iterations: 200,
        seed: 5,
        ..TripConfig::default()
    };
    assert_eq!(solve(&p, &c).unwrap(), solve(&p, &c).unwrap());
}

#[test]
fn huge_priorities_and_a_zero_work_bound_still_give_a_checked_plan() {
    let mut p = far_cluster();
    p.overnight = Overnight::Lodging;
    for s in &mut p.settlements {
        s.priority = u32::MAX;
    }
    let c = TripConfig {
        max_work: 0,
        ..TripConfig::default()
    };
    let it = solve(&p, &c).unwrap();
    let t = check(&p, &it).unwrap();
    assert_eq!(t.visited, 3);
}
