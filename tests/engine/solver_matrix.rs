//! `Engine::solver_matrix` against `Engine::table` (itself checked against Dijkstra) on random
//! points of the real extracts, with points off the roads and repeated points mixed in.
#![allow(clippy::unwrap_used, reason = "test helpers: failures should panic")]

use engine::dispatch::{Engine, Location};
use engine::vrp::UNREACHABLE;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::straight::{engine, random_location};

fn check(e: &Engine, seed: u64, n: usize) {
    let g = e.graph("car").unwrap();
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut locs: Vec<Location> = (0..n).map(|_| random_location(&mut rng, g)).collect();
    // Off the roads (open sea, far from any extract) and a repeated point.
    locs.insert(rng.random_range(0..locs.len()), Location::new(5.0, 40.0));
    locs.push(locs[0]);
    let sm = e.solver_matrix("car", &locs).unwrap();
    let off: Vec<usize> = sm.unplaced.iter().map(|u| u.index).collect();
    assert_eq!(off.len(), 1, "{:?}", sm.unplaced);
    assert!(
        sm.unplaced[0].reason.contains("m away"),
        "{:?}",
        sm.unplaced
    );
    let on: Vec<usize> = (0..locs.len()).filter(|i| !off.contains(i)).collect();
    let placed: Vec<Location> = on.iter().map(|&i| locs[i]).collect();
    let all: Vec<usize> = (0..placed.len()).collect();
    let table = e.table("car", &placed, &all, &all).unwrap();
    let m = &sm.matrix;
    assert_eq!(m.size, locs.len());
    for (a, &ia) in on.iter().enumerate() {
        for (b, &ib) in on.iter().enumerate() {
            let (d, l) = (m.durations[ia * m.size + ib], m.distances[ia * m.size + ib]);
            match table.cell(a, b) {
                Some((s, metres)) => {
                    assert_eq!(f64::from(d), s.round(), "duration {ia} -> {ib}");
                    assert_eq!(f64::from(l), metres, "distance {ia} -> {ib}");
                }
                None => assert_eq!((d, l), (UNREACHABLE, UNREACHABLE), "{ia} -> {ib}"),
            }
        }
    }
    for &o in &off {
        for x in 0..m.size {
            let want = if x == o { 0 } else { UNREACHABLE };
            assert_eq!(m.durations[o * m.size + x], want);
            assert_eq!(m.distances[x * m.size + o], want);
        }
    }
    let last = locs.len() - 1;
    assert_eq!(
        m.durations[last * m.size],
        0,
        "a repeated point is 0 s away"
    );
}

#[test]
fn solver_matrix_matches_the_table_and_reports_points_off_the_roads() {
    for (extract, seed, n) in [
        ("monaco-2023-12-26.osm.pbf", 1, 40),
        ("andorra-2020-05-01.osm.pbf", 2, 60),
    ] {
        let Some(e) = engine(extract) else { continue };
        check(&e, seed, n);
    }
}

#[test]
fn solver_matrix_refuses_invalid_coordinates_and_unknown_profiles() {
    let Some(e) = engine("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    assert!(
        e.solver_matrix("boat", &[Location::new(7.42, 43.73)])
            .is_err()
    );
    assert!(
        e.solver_matrix("car", &[Location::new(f64::NAN, 43.73)])
            .is_err()
    );
    assert!(
        e.solver_matrix("car", &[Location::new(7.42, 95.0)])
            .is_err()
    );
    let empty = e.solver_matrix("car", &[]).unwrap();
    assert_eq!(empty.matrix.size, 0);
}
