//! Oracles for the base map: clipping against dense sampling of the line; tiles against a
//! brute-force pass over every edge of random graphs.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "small test sizes"
)]

use std::collections::BTreeSet;

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::*;
use crate::routing::tests::random_graph;

fn inside(p: [f64; 2], b: [f64; 4], eps: f64) -> bool {
    p[0] >= b[0] - eps && p[0] <= b[2] + eps && p[1] >= b[1] - eps && p[1] <= b[3] + eps
}

fn distance_to_segment(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let d = [b[0] - a[0], b[1] - a[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * d[0] + (p[1] - a[1]) * d[1]) / len2).clamp(0.0, 1.0)
    };
    let q = [a[0] + t * d[0], a[1] + t * d[1]];
    ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2)).sqrt()
}

fn near_parts(p: [f64; 2], parts: &[Vec<[f64; 2]>], eps: f64) -> bool {
    parts.iter().any(|part| {
        part.windows(2)
            .any(|w| distance_to_segment(p, w[0], w[1]) <= eps)
    })
}

#[test]
fn clipping_keeps_exactly_what_lies_inside() {
    let mut rng = Pcg64::seed_from_u64(7);
    for _ in 0..2_000 {
        let n = rng.random_range(2..8);
        let line: Vec<[f64; 2]> = (0..n)
            .map(|_| {
                [
                    rng.random_range(-50.0..150.0),
                    rng.random_range(-50.0..150.0),
                ]
            })
            .collect();
        let x0 = rng.random_range(0.0..60.0);
        let y0 = rng.random_range(0.0..60.0);
        let bbox = [
            x0,
            y0,
            x0 + rng.random_range(1.0..60.0),
            y0 + rng.random_range(1.0..60.0),
        ];
        let parts = clip_polyline(&line, bbox);
        for part in &parts {
            assert!(part.len() >= 2);
            for &p in part {
                assert!(inside(p, bbox, 1e-9), "{p:?} outside {bbox:?}");
                assert!(
                    line.windows(2)
                        .any(|w| distance_to_segment(p, w[0], w[1]) < 1e-9),
                    "{p:?} is not on the line"
                );
            }
        }
        // Every sampled point of the line strictly inside the box is on a part.
        for w in line.windows(2) {
            for k in 0..=50 {
                let t = f64::from(k) / 50.0;
                let p = [
                    w[0][0] + t * (w[1][0] - w[0][0]),
                    w[0][1] + t * (w[1][1] - w[0][1]),
                ];
                let strict = [
                    bbox[0] + 1e-6,
                    bbox[1] + 1e-6,
                    bbox[2] - 1e-6,
                    bbox[3] - 1e-6,
                ];
                if inside(p, strict, 0.0) {
                    assert!(
                        near_parts(p, &parts, 1e-7),
                        "{p:?} lost from {line:?} in {bbox:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn tile_ids_are_checked_and_found() {
    assert!(TileId::new(0, 0, 0).is_ok());
    assert_eq!(
        TileId::new(3, 8, 0),
        Err(BasemapError::NoSuchTile { z: 3, x: 8, y: 0 })
    );
    assert!(TileId::new(18, (1 << 18) - 1, (1 << 18) - 1).is_ok());
    assert!(TileId::new(u32::MAX, 0, 0).is_err());
    assert_eq!(mercator(LonLat::new(0.0, 0.0)), [0.5, 0.5]);
    // Monaco's harbour in OpenStreetMap's tile grid.
    let t = TileId::containing(14, LonLat::new(7.4246, 43.7384)).unwrap();
    assert_eq!((t.x(), t.y()), (8529, 5974));
    // The poles clamp onto the grid.
    let t = TileId::containing(5, LonLat::new(180.0, 90.0)).unwrap();
    assert_eq!((t.x(), t.y()), (31, 0));
}

/// Every edge pair whose line crosses the buffered tile by more than a couple of units is in
/// the tile, and every road in the tile does cross it.
#[test]
fn tiles_match_a_pass_over_every_edge() {
    let mut shown = 0;
    for seed in 0..4 {
        let g = random_graph(seed, 120, 220);
        let map = Basemap::new(&g, Vec::new());
        let (sw, ne) = g.bbox().unwrap();
        for z in [12, 14, 16, 17] {
            let a = TileId::containing(z, LonLat::new(sw.lon, ne.lat)).unwrap();
            let b = TileId::containing(z, LonLat::new(ne.lon, sw.lat)).unwrap();
            for x in a.x()..=b.x() {
                for y in a.y()..=b.y() {
                    let id = TileId::new(z, x, y).unwrap();
                    shown += check_tile(&g, &map, id);
                }
            }
        }
    }
    assert!(shown > 500, "only {shown} roads drawn");
}

/// Checks one tile; returns how many roads it draws.
fn check_tile(g: &RoadGraph, map: &Basemap, id: TileId) -> usize {
    let tile = map.tile(g, id);
    let lo = -f64::from(BUFFER);
    let hi = f64::from(EXTENT + BUFFER);
    let got: BTreeSet<u32> = tile.roads.iter().map(|r| r.edge.0).collect();
    assert_eq!(got.len(), tile.roads.len(), "one feature per edge pair");
    for road in &tile.roads {
        for part in &road.parts {
            assert!(part.len() >= 2);
            for p in part {
                let p = [f64::from(p[0]), f64::from(p[1])];
                assert!(
                    inside(p, [lo, lo, hi, hi], 1.0),
                    "{p:?} outside tile {id:?}"
                );
            }
        }
    }
    for i in 0..g.num_edges() as u32 {
        let e = EdgeId(i);
        if g.edge_twin(e).is_some_and(|t| t < e) {
            continue;
        }
        let class = TileClass::of(g.edge_class(e));
        let line: Vec<[f64; 2]> = g
            .edge_geometry(e)
            .into_iter()
            .map(|p| id.units(mercator(p)))
            .collect();
        let clipped = clip_polyline(&line, [lo, lo, hi, hi]);
        let length: f64 = clipped
            .iter()
            .flat_map(|p| p.windows(2))
            .map(|w| ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt())
            .sum();
        let shown = id.z() >= class.min_zoom();
        if shown && length >= 3.0 {
            assert!(
                got.contains(&i),
                "edge {i} crosses {id:?} by {length} but is missing"
            );
        }
        if got.contains(&i) {
            assert!(
                shown && !clipped.is_empty(),
                "edge {i} in {id:?} without crossing it"
            );
        }
    }
    tile.roads.len()
}

#[test]
fn places_show_from_their_zoom() {
    let g = random_graph(3, 30, 40);
    let (sw, _) = g.bbox().unwrap();
    let at = LonLat::new(sw.lon + 0.001, sw.lat + 0.001);
    let place = |kind| Place {
        name: format!("{kind:?}"),
        name_ru: None,
        name_en: None,
        kind,
        population: None,
        location: at,
        source: crate::osm::OsmRef {
            kind: crate::osm::ElementKind::Node,
            id: 1,
        },
    };
    let map = Basemap::new(&g, vec![place(PlaceKind::Town), place(PlaceKind::Hamlet)]);
    let kinds = |z| {
        let id = TileId::containing(z, at).unwrap();
        let t = map.tile(&g, id);
        for p in &t.places {
            let u = id.units(mercator(at));
            assert!((f64::from(p.at[0]) - u[0]).abs() <= 0.5);
            assert!((0..=EXTENT as i32).contains(&p.at[0]));
        }
        t.places.iter().map(|p| p.place.kind).collect::<Vec<_>>()
    };
    assert_eq!(kinds(7), vec![]);
    assert_eq!(kinds(9), vec![PlaceKind::Town]);
    assert_eq!(kinds(13), vec![PlaceKind::Town, PlaceKind::Hamlet]);
    // A tile far away shows nothing.
    let far = TileId::containing(13, LonLat::new(100.0, 10.0)).unwrap();
    assert!(map.tile(&g, far).is_empty());
}
