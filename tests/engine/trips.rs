//! Multi-day trips on the real extracts with places: a 12-village, 3-day trip from the
//! biggest town under each overnight policy passes the independent checker and has road
//! geometry for every day with driving; on 5 villages over 2 days the search equals brute
//! force on the road matrix (or is within 2 %); an origin at sea is a clear error.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use engine::dispatch::Engine;
use engine::geocode::Gazetteer;
use engine::reachability::ReachError;
use engine::trips::{
    DayWindow, Overnight, RoadPoint, RoadTrip, TripConfig, TripError, TripStop, brute_force,
    check::check, plan_on_roads, solve,
};
use engine::types::LonLat;

use crate::reachability::{EXTRACTS, load};

const H: u32 = 3_600;

/// The biggest place on the main network, then up to `n` other places with distinct
/// names (villages and hamlets first).
fn town_and_villages(engine: &Engine, g: &Gazetteer, n: usize) -> (LonLat, Vec<RoadPoint>) {
    let index = engine.index("car").unwrap();
    let mut all = g.places(None, None, 10_000).unwrap();
    let main = |p: &LonLat| {
        index
            .snap(p.lon, p.lat, None)
            .is_ok_and(|s| s.component == 0)
    };
    let at = all.iter().position(|p| main(&p.location)).unwrap();
    let town = all.remove(at);
    all.sort_by_key(|p| !matches!(p.kind.as_str(), "village" | "hamlet"));
    let mut names = vec![town.name.clone()];
    let mut out = Vec::new();
    for p in all {
        if out.len() < n && !names.contains(&p.name) {
            names.push(p.name.clone());
            out.push(RoadPoint {
                name: p.name,
                at: p.location,
            });
        }
    }
    (town.location, out)
}

fn trip(origin: LonLat, points: &[RoadPoint], days: u32, overnight: Overnight) -> RoadTrip {
    RoadTrip {
        profile: "car".to_owned(),
        origin,
        vehicles: 1,
        stops: points
            .iter()
            .map(|p| TripStop {
                point: p.clone(),
                service_s: 3 * H / 4,
                days: vec![],
                windows: vec![],
                priority: 0,
            })
            .collect(),
        lodgings: points.iter().rev().take(2).cloned().collect(),
        days,
        hours: DayWindow {
            start_s: 9 * H,
            end_s: 17 * H,
        },
        max_driving_s: 2 * H,
        overnight,
        exclude: engine::osm::ExcludeSet::EMPTY,
    }
}

#[test]
fn twelve_villages_in_three_days_pass_the_checker_on_every_extract() {
    for extract in EXTRACTS {
        let Some((engine, g)) = load(extract) else {
            return;
        };
        let (origin, villages) = town_and_villages(&engine, &g, 12);
        assert!(villages.len() >= 5, "{extract}: {} places", villages.len());
        for overnight in [Overnight::Home, Overnight::Settlement, Overnight::Lodging] {
            let t = trip(origin, &villages, 3, overnight);
            let planned = plan_on_roads(&engine, &t, &TripConfig::default()).unwrap();
            let totals = check(&planned.problem, &planned.itinerary).unwrap();
            let it = &planned.itinerary;
            assert_eq!(totals.visited + it.unplanned.len(), villages.len());
            assert!(totals.visited > 0, "{extract} {overnight:?}");
            for (v, days) in it.vehicles.iter().zip(&planned.geometry) {
                for (d, line) in v.days.iter().zip(days) {
                    assert_eq!(line.is_empty(), d.driving_s == 0 && d.distance_m == 0);
                    if !d.visits.is_empty() {
                        assert!(line.len() >= 2, "{extract} {overnight:?} day {}", d.day);
                    }
                }
            }
            for (_, why) in &it.unplanned {
                assert!(!why.message().is_empty());
            }
        }
    }
}

#[test]
fn the_search_matches_brute_force_on_road_matrices() {
    for extract in [
        "isle-of-man-2020-03-13",
        "north-bayreuth-2014",
        "andorra-2020-05-01",
    ] {
        let Some((engine, g)) = load(extract) else {
            return;
        };
        let (origin, villages) = town_and_villages(&engine, &g, 5);
        for overnight in [Overnight::Home, Overnight::Settlement, Overnight::Lodging] {
            let mut t = trip(origin, &villages, 2, overnight);
            // Tight days, so that not everything fits and the order matters.
            t.hours.end_s = 12 * H;
            t.max_driving_s = H;
            let planned = plan_on_roads(&engine, &t, &TripConfig::default()).unwrap();
            let p = &planned.problem;
            let fast = check(p, &solve(p, &TripConfig::default()).unwrap()).unwrap();
            let slow = check(p, &brute_force(p).unwrap()).unwrap();
            assert_eq!(
                fast.unplanned_weight, slow.unplanned_weight,
                "{extract} {overnight:?}"
            );
            assert!(
                fast.driving_s * 100 <= slow.driving_s * 102,
                "{extract} {overnight:?}: {} s against the optimum {} s",
                fast.driving_s,
                slow.driving_s
            );
        }
    }
}

#[test]
fn an_origin_at_sea_is_a_clear_error() {
    let Some((engine, g)) = load("isle-of-man-2020-03-13") else {
        return;
    };
    let (_, villages) = town_and_villages(&engine, &g, 3);
    let t = trip(LonLat::new(-5.3, 54.25), &villages, 2, Overnight::Home);
    let e = plan_on_roads(&engine, &t, &TripConfig::default()).unwrap_err();
    assert!(
        matches!(e, TripError::Reach(ReachError::OriginOffRoad { .. })),
        "{e}"
    );
    assert!(e.to_string().contains("from the nearest road"), "{e}");
    let mut zero = trip(LonLat::new(-5.3, 54.25), &villages, 0, Overnight::Home);
    assert!(matches!(
        plan_on_roads(&engine, &zero, &TripConfig::default()),
        Err(TripError::NoDays)
    ));
    zero.days = 2;
    zero.overnight = Overnight::Lodging;
    zero.lodgings.clear();
    assert!(matches!(
        plan_on_roads(&engine, &zero, &TripConfig::default()),
        Err(TripError::NoLodging)
    ));
}
