use geo::{Area, Contains, Point};

use super::*;
use crate::graph::{GraphBuilder, Segment};
use crate::routing::{ContractionHierarchy, EdgePoint};
use crate::types::{EdgeId, Meters, NodeId, OsmNodeId, OsmWayId};

/// A square street grid, `side` × `side` nodes 0.001° apart (about 111 m north-south), each
/// block 10 s in both directions.
fn street_grid(side: u32) -> RoadGraph {
    let mut b = GraphBuilder::new("car");
    for j in 0..side {
        for i in 0..side {
            b.add_node(
                OsmNodeId(i64::from(j * side + i)),
                LonLat::new(0.001 * f64::from(i), 0.001 * f64::from(j)),
            );
        }
    }
    let mut add = |t: u32, h: u32| {
        b.add_segment(&Segment {
            tail: NodeId(t),
            head: NodeId(h),
            forward: Some(Deciseconds(100)),
            backward: Some(Deciseconds(100)),
            distance: Meters(111),
            way: OsmWayId(1),
            name: "",
            flags: 0,
            geometry: &[],
        })
        .unwrap();
    };
    for j in 0..side {
        for i in 0..side {
            let v = j * side + i;
            if i + 1 < side {
                add(v, v + 1);
            }
            if j + 1 < side {
                add(v, v + side);
            }
        }
    }
    b.build().unwrap()
}

fn centre_source(g: &RoadGraph, side: u32) -> Source {
    let centre = NodeId((side / 2) * side + side / 2);
    let e = g.out_edges(centre).next().unwrap();
    Source::new(EdgePoint::new(e, 0.0))
}

fn draw_grid(
    side: u32,
    minutes: &[f64],
    params: &IsochroneParams,
) -> (RoadGraph, ReachedTimes, Isochrone) {
    let g = street_grid(side);
    let ch = ContractionHierarchy::build(&g).unwrap();
    let src = centre_source(&g, side);
    let contours = Contours::try_new(minutes).unwrap();
    let reached = ch.one_to_all(&g, &[src], contours.bound()).unwrap();
    let iso = draw(&g, &reached, &[src], &contours, params).unwrap();
    (g, reached, iso)
}

#[test]
fn contours_are_checked_and_sorted() {
    assert_eq!(
        Contours::try_new(&[30.0, 15.0]).unwrap().minutes(),
        &[15.0, 30.0]
    );
    for bad in [
        &[][..],
        &[0.0],
        &[-5.0],
        &[f64::NAN],
        &[f64::INFINITY],
        &[241.0],
        &[10.0, 10.0],
        &[1.0, 2.0, 3.0, 4.0, 5.0],
    ] {
        assert!(
            matches!(
                Contours::try_new(bad),
                Err(IsochroneError::InvalidContours(_))
            ),
            "{bad:?}"
        );
    }
    assert_eq!(
        Contours::try_new(&[60.0]).unwrap().bound(),
        Deciseconds(36_000)
    );
    let p = IsochroneParams {
        denoise: 2.0,
        generalize_m: 0.0,
    };
    assert!(p.validate().is_err());
}

/// Nodes reached well within a contour are inside it, nodes reached well after it are not;
/// contours nest; rings are closed and oriented as RFC 7946 asks.
#[test]
fn grid_isochrone_holds_the_reached_nodes() {
    let side = 41;
    let (g, reached, iso) = draw_grid(side, &[1.0, 2.0], &IsochroneParams::default());
    assert_eq!(iso.contours.len(), 2);
    for c in &iso.contours {
        assert!(!c.area.0.is_empty());
        for p in &c.area {
            let rings = std::iter::once(p.exterior()).chain(p.interiors());
            for r in rings {
                assert!(r.is_closed() && r.0.len() >= 4);
            }
            assert!(p.exterior().signed_area_ccw_positive() > 0.0);
            for h in p.interiors() {
                assert!(h.signed_area_ccw_positive() < 0.0);
            }
        }
    }
    // Nesting: the smaller area lies inside the larger.
    let (small, large) = (&iso.contours[0].area, &iso.contours[1].area);
    assert!(large.unsigned_area() > small.unsigned_area());
    assert!(geo::BooleanOps::difference(small, large).unsigned_area() < 1e-9);
    let ch = ContractionHierarchy::build(&g).unwrap();
    let truth = ch
        .one_to_all(&g, &[centre_source(&g, side)], Deciseconds(1_000_000))
        .unwrap();
    assert_eq!(
        reached.num_reached(),
        (0..g.num_nodes())
            .filter(|&v| truth.as_slice()[v] <= 1_200)
            .count()
    );
    // Reached nodes against the 2-minute contour, with a band of 15 s around it.
    let (mut inside, mut outside) = (0, 0);
    for v in 0..g.num_nodes() {
        let node = NodeId(u32::try_from(v).unwrap());
        let ll = g.node_lonlat(node);
        let pt = Point::new(ll.lon, ll.lat);
        match truth.get(node) {
            Some(t) if t.0 <= 1_200 - 150 => {
                assert!(large.contains(&pt), "{node:?} at {t:?} is outside");
                inside += 1;
            }
            Some(t) if t.0 <= 1_200 + 150 => {}
            _ => {
                assert!(!large.contains(&pt), "{node:?} is inside");
                outside += 1;
            }
        }
    }
    assert!(inside > 50 && outside > 50, "{inside} {outside}");
}

trait SignedArea {
    fn signed_area_ccw_positive(&self) -> f64;
}

impl SignedArea for geo::LineString<f64> {
    fn signed_area_ccw_positive(&self) -> f64 {
        self.0
            .windows(2)
            .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
            .sum::<f64>()
            / 2.0
    }
}

/// Generalised outlines still nest, and denoise keeps the largest polygon.
#[test]
fn generalize_and_denoise_keep_nesting() {
    let params = IsochroneParams {
        denoise: 1.0,
        generalize_m: 50.0,
    };
    let (_, _, iso) = draw_grid(31, &[0.5, 1.0, 1.5], &params);
    for c in &iso.contours {
        assert_eq!(c.area.0.len(), 1);
    }
    for w in iso.contours.windows(2) {
        let (a, b) = (&w[0].area, &w[1].area);
        assert!(b.unsigned_area() >= a.unsigned_area());
        // Up to the rounding of coordinates to 1e-6 degree.
        let diff = geo::BooleanOps::difference(a, b).unsigned_area();
        assert!(diff < 1e-4 * a.unsigned_area(), "{diff}");
    }
}

#[test]
fn empty_sources_are_refused() {
    let g = street_grid(5);
    let ch = ContractionHierarchy::build(&g).unwrap();
    let contours = Contours::try_new(&[5.0]).unwrap();
    let reached = ch.one_to_all(&g, &[], contours.bound()).unwrap();
    assert!(matches!(
        draw(&g, &reached, &[], &contours, &IsochroneParams::default()),
        Err(IsochroneError::NoSource)
    ));
    let bad = Source::new(EdgePoint::new(EdgeId(10_000), 0.5));
    assert!(draw(&g, &reached, &[bad], &contours, &IsochroneParams::default()).is_err());
}
