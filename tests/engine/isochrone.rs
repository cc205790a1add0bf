//! Isochrones on the real extracts with places (Helsinki, Isle of Man, Liechtenstein,
//! Andorra, Bayreuth): PHAST against bounded Dijkstra node by node, and the polygons against
//! point-to-point routes on sampled points inside and outside each contour.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "test helpers: failures should panic"
)]

use engine::dispatch::{Engine, Location};
use engine::graph::from_network;
use engine::isochrone::{self, Contours, IsochroneParams};
use engine::osm::{Profile, read_network};
use engine::routing::{ContractionHierarchy, Dijkstra, EdgePoint, Source};
use engine::types::{Deciseconds, EdgeId, LonLat, NodeId};
use geo::{BoundingRect, Contains, Point};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use crate::support;

/// The extracts with places, each with a profile.
const EXTRACTS: [(&str, &str); 5] = [
    ("helsinki-centre-2019-04.osm.pbf", "foot"),
    ("isle-of-man-2020-03-13.osm.pbf", "car"),
    ("liechtenstein-2015-07-27.osm.pbf", "car"),
    ("andorra-2020-05-01.osm.pbf", "car"),
    ("north-bayreuth-2014.osm.pbf", "bicycle"),
];

fn engine(extract: &str, profile: &str) -> Option<Engine> {
    let path = support::osm(extract)?;
    let p = Profile::by_name(profile).unwrap();
    let g = from_network(&read_network(&path, p).unwrap()).unwrap();
    let mut e = Engine::new();
    e.add_profile(g, None).unwrap();
    Some(e)
}

/// A random node of the largest component, as a position.
fn random_origin(rng: &mut Pcg64, e: &Engine, profile: &str) -> LonLat {
    let g = e.graph(profile).unwrap();
    loop {
        let v = NodeId(rng.random_range(0..g.num_nodes() as u32));
        if g.component(v) == 0 {
            return g.node_lonlat(v);
        }
    }
}

/// PHAST (through the engine) gives every node the time bounded Dijkstra gives it, from
/// random points with one and with several sources.
#[test]
fn phast_equals_bounded_dijkstra_on_real_extracts() {
    for (extract, profile) in EXTRACTS {
        let Some(path) = support::osm(extract) else {
            continue;
        };
        let g = from_network(&read_network(&path, Profile::by_name(profile).unwrap()).unwrap())
            .unwrap();
        let ch = ContractionHierarchy::build(&g).unwrap();
        let mut rng = Pcg64::seed_from_u64(7);
        let m = g.num_edges() as u32;
        for k in [1, 1, 1, 4] {
            let sources: Vec<Source> = (0..k)
                .map(|_| Source {
                    point: EdgePoint::new(
                        EdgeId(rng.random_range(0..m)),
                        rng.random_range(0.0..=1.0),
                    ),
                    start: Deciseconds(rng.random_range(0..600)),
                })
                .collect();
            let bound = Deciseconds(rng.random_range(3_000..18_000));
            let fast = ch.one_to_all(&g, &sources, bound).unwrap();
            let slow = Dijkstra::new(&g).one_to_all(&sources, bound).unwrap();
            assert_eq!(fast.num_reached(), slow.num_reached(), "{extract}");
            assert!(fast == slow, "{extract}: {sources:?} {bound:?}");
        }
    }
}

/// Counts of a comparison of contours with routes.
#[derive(Debug, Default)]
struct Tally {
    judged: usize,
    inside: usize,
    disagree: usize,
}

/// Sampled points near the roads (within one grid cell of a road, snapped) are inside a
/// contour when the route to them takes at most its time, outside when it takes more, up to
/// a tolerance band of 10 % of the contour plus one minute around the boundary (the grid's
/// resolution and the walk from the road). Points in the band are not judged; fewer than
/// 3 % of the judged points may disagree.
#[test]
fn polygons_agree_with_point_to_point_routes() {
    let contours = Contours::try_new(&[5.0, 10.0, 20.0]).unwrap();
    for (extract, profile) in EXTRACTS {
        let Some(e) = engine(extract, profile) else {
            continue;
        };
        let mut rng = Pcg64::seed_from_u64(11);
        let mut tally = Tally::default();
        for _ in 0..3 {
            let origin = random_origin(&mut rng, &e, profile);
            let loc = Location::new(origin.lon, origin.lat);
            let iso =
                isochrone::isochrone(&e, profile, loc, &contours, &IsochroneParams::default())
                    .unwrap();
            let largest = &iso.contours.last().unwrap().area;
            let Some(rect) = largest.bounding_rect() else {
                continue;
            };
            let (w, h) = (rect.width(), rect.height());
            for _ in 0..400 {
                let p = LonLat::new(
                    rect.min().x - 0.2 * w + rng.random_range(0.0..1.4) * w,
                    rect.min().y - 0.2 * h + rng.random_range(0.0..1.4) * h,
                );
                let Ok(placed) = e.place(profile, Location::new(p.lon, p.lat)) else {
                    continue;
                };
                if placed.distance_m > iso.cell_m {
                    continue;
                }
                let secs = e
                    .route(profile, &[loc, Location::new(p.lon, p.lat)])
                    .ok()
                    .map_or(f64::INFINITY, |r| r.duration_s());
                for c in &iso.contours {
                    let limit = c.minutes * 60.0;
                    let band = 0.1 * limit + 60.0;
                    let inside = c.area.contains(&Point::new(p.lon, p.lat));
                    if (secs - limit).abs() <= band {
                        continue;
                    }
                    tally.judged += 1;
                    tally.inside += usize::from(inside);
                    if inside != (secs < limit) {
                        tally.disagree += 1;
                    }
                }
            }
        }
        eprintln!("{extract} {profile}: {tally:?}");
        assert!(tally.judged > 150, "{extract}: {tally:?}");
        assert!(tally.inside > 20, "{extract}: {tally:?}");
        assert!(
            tally.disagree * 100 <= 3 * tally.judged,
            "{extract}: {tally:?}"
        );
    }
}

/// Several sources cover at least what each covers alone.
#[test]
fn coverage_of_several_sources_contains_each_isochrone() {
    let Some(e) = engine("andorra-2020-05-01.osm.pbf", "car") else {
        return;
    };
    let contours = Contours::try_new(&[10.0]).unwrap();
    let params = IsochroneParams::default();
    let mut rng = Pcg64::seed_from_u64(3);
    let origins: Vec<LonLat> = (0..3).map(|_| random_origin(&mut rng, &e, "car")).collect();
    let sources: Vec<Source> = origins
        .iter()
        .map(|o| Source::new(e.place("car", Location::new(o.lon, o.lat)).unwrap().point))
        .collect();
    let all = isochrone::coverage(&e, "car", &sources, &contours, &params).unwrap();
    let union = &all.contours[0].area;
    let times = e.one_to_all("car", &sources, contours.bound()).unwrap();
    for s in &sources {
        let one = e.one_to_all("car", &[*s], contours.bound()).unwrap();
        // Every node one source reaches, the coverage reaches no later.
        for (a, b) in one.as_slice().iter().zip(times.as_slice()) {
            assert!(b <= a);
        }
    }
    for o in &origins {
        assert!(union.contains(&Point::new(o.lon, o.lat)), "{o:?}");
    }
}

/// The places of Andorra against a coverage from two sources: a place is inside exactly when
/// a point-to-point route from the nearer source reaches it within the time (up to a band of
/// a few seconds for the rounding of partial edges).
#[test]
fn coverage_report_splits_real_places_by_route_time() {
    let Some(e) = engine("andorra-2020-05-01.osm.pbf", "car") else {
        return;
    };
    let Some(gaz) = crate::geocode::gazetteer("andorra-2020-05-01.osm.pbf") else {
        return;
    };
    let places = gaz.places(None, None, 2_000).unwrap();
    assert!(places.len() > 20, "{}", places.len());
    let mut rng = Pcg64::seed_from_u64(5);
    let origins: Vec<LonLat> = (0..2).map(|_| random_origin(&mut rng, &e, "car")).collect();
    let modes = [isochrone::ModeSources {
        profile: "car".into(),
        positions: origins.clone(),
    }];
    let report =
        isochrone::coverage_report(&e, &modes, 15.0, &places, &IsochroneParams::default()).unwrap();
    assert_eq!(report.inside.len() + report.outside.len(), places.len());
    assert_eq!(report.areas.len(), 1);
    assert!(
        !report.inside.is_empty() && !report.outside.is_empty(),
        "{}",
        report.inside.len()
    );
    let route_min = |p: LonLat| {
        origins
            .iter()
            .filter_map(|o| {
                e.route(
                    "car",
                    &[Location::new(o.lon, o.lat), Location::new(p.lon, p.lat)],
                )
                .ok()
                .map(|r| r.duration_s() / 60.0)
            })
            .fold(f64::INFINITY, f64::min)
    };
    for r in &report.inside {
        let m = r.minutes.unwrap();
        assert!(m <= 15.0);
        assert!(
            (route_min(r.place.location) - m).abs() < 0.05 || route_min(r.place.location) < m,
            "{}",
            r.place.name
        );
    }
    for r in &report.outside {
        assert!(r.minutes.is_none());
        let m = route_min(r.place.location);
        assert!(
            m > 15.0 - 0.05 || !m.is_finite(),
            "{} at {m} min",
            r.place.name
        );
    }
    assert!(
        isochrone::coverage_report(&e, &modes, 0.0, &places, &IsochroneParams::default()).is_err()
    );
}
