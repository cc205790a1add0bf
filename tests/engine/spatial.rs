//! Snapping against a brute-force linear scan over every road segment.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test helpers: small synthetic graphs, failures should panic"
)]

use engine::graph::{GraphBuilder, RoadGraph, Segment};
use engine::spatial::{CLEAR_FACTOR, CLEAR_MIN_M, Snap, SnapError, SpatialIndex};
use engine::types::{
    Deciseconds, EdgeId, LonLat, Meters, NodeId, OsmNodeId, OsmWayId, haversine_m,
};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

/// The obvious oracle: every piece of every edge, projected like the index does.
pub(crate) struct Scan {
    /// `(edge, component, a, b)` for every straight piece of every road, by edge (a two-way
    /// road under its smaller edge id).
    pieces: Vec<(EdgeId, u32, [f64; 2], [f64; 2])>,
    /// Pieces of edge `e`: `pieces[first[e]..first[e + 1]]`.
    first: Vec<usize>,
}

fn piece_dist(a: [f64; 2], b: [f64; 2], p: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len_sq = dx * dx + dy * dy;
    let t = if len_sq > 0.0 {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len_sq).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (qx, qy) = (a[0] + dx * t - p[0], a[1] + dy * t - p[1]);
    (qx * qx + qy * qy).sqrt()
}

impl Scan {
    pub(crate) fn new(graph: &RoadGraph, index: &SpatialIndex) -> Self {
        let proj = index.projection();
        let mut pieces = Vec::new();
        let mut first = vec![0];
        // Snapping knows original edges only (copies made for turn restrictions are not roads).
        for i in 0..graph.num_original_edges() {
            let e = EdgeId(i as u32);
            let comp = graph
                .component(graph.edge_tail(e))
                .max(graph.component(graph.edge_head(e)));
            // A road's second direction has the same pieces, reversed: check, don't rescan.
            if let Some(t) = graph.edge_twin(e).filter(|&t| t < e) {
                let mut back = graph.edge_geometry(t);
                back.reverse();
                assert_eq!(graph.edge_geometry(e), back);
                first.push(pieces.len());
                continue;
            }
            let pts: Vec<[f64; 2]> = graph
                .edge_geometry(e)
                .into_iter()
                .map(|p| proj.project(p))
                .collect();
            for w in pts.windows(2) {
                pieces.push((e, comp, w[0], w[1]));
            }
            first.push(pieces.len());
        }
        Self { pieces, first }
    }

    /// Distance from planar `p` to the nearest piece of road of component 0
    /// ([`SpatialIndex::snap_main`] with an unbounded radius).
    pub(crate) fn main_dist(&self, p: [f64; 2]) -> f64 {
        self.pieces
            .iter()
            .filter(|&&(_, comp, _, _)| comp == 0)
            .map(|&(_, _, a, b)| piece_dist(a, b, p))
            .fold(f64::INFINITY, f64::min)
    }

    /// Distance from `p` to `edge` (the smaller id of a two-way road).
    fn edge_dist(&self, edge: EdgeId, p: [f64; 2]) -> f64 {
        self.pieces[self.first[edge.index()]..self.first[edge.index() + 1]]
            .iter()
            .map(|&(_, _, a, b)| piece_dist(a, b, p))
            .fold(f64::INFINITY, f64::min)
    }

    /// The expected `(distance, component is 0)` of a snap, or the nearest distance when past
    /// the radius.
    fn expect(&self, p: [f64; 2], radius: f64) -> Result<(f64, bool), f64> {
        let (mut d0, mut c0, mut dbig) = (f64::INFINITY, u32::MAX, f64::INFINITY);
        for &(_, comp, a, b) in &self.pieces {
            let d = piece_dist(a, b, p);
            if d < d0 || (d == d0 && comp < c0) {
                (d0, c0) = (d, comp);
            }
            if comp == 0 {
                dbig = dbig.min(d);
            }
        }
        if d0 > radius {
            return Err(d0);
        }
        if c0 == 0 {
            return Ok((d0, true));
        }
        let bound = radius.min(CLEAR_MIN_M.max(CLEAR_FACTOR * d0));
        Ok(if dbig <= bound {
            (dbig, true)
        } else {
            (d0, false)
        })
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()))
}

/// Checks one query against the oracle; returns whether it snapped.
pub(crate) fn check_point(
    graph: &RoadGraph,
    index: &SpatialIndex,
    scan: &Scan,
    q: LonLat,
    radius: f64,
) -> bool {
    let p = index.projection().project(q);
    let got = index.snap(q.lon, q.lat, Some(radius));
    match (scan.expect(p, radius), got) {
        (Ok((d, in_big)), Ok(s)) => {
            assert!(
                close(s.distance_m, d),
                "{q:?}: snapped at {} m, scan says {d} m",
                s.distance_m
            );
            assert_eq!(
                s.component == 0,
                in_big,
                "{q:?}: component {} vs scan",
                s.component
            );
            check_snap(graph, index, scan, &s, p);
            true
        }
        (
            Err(d),
            Err(SnapError::TooFar {
                distance_m,
                radius_m,
            }),
        ) => {
            assert!(
                close(distance_m, d),
                "{q:?}: too far at {distance_m} m, scan says {d} m"
            );
            assert_eq!(radius_m, radius);
            false
        }
        (want, got) => panic!("{q:?}: scan {want:?}, index {got:?}"),
    }
}

/// The fields of a snap are consistent with the graph.
fn check_snap(graph: &RoadGraph, index: &SpatialIndex, scan: &Scan, s: &Snap, p: [f64; 2]) {
    assert!(
        close(scan.edge_dist(s.edge, p), s.distance_m),
        "edge {:?} is not at the snap distance",
        s.edge
    );
    assert_eq!(s.twin, graph.edge_twin(s.edge));
    let comp = graph
        .component(graph.edge_tail(s.edge))
        .max(graph.component(graph.edge_head(s.edge)));
    assert_eq!(s.component, comp);
    assert_eq!(s.component_size, graph.component_size(comp));
    assert!((0.0..=1.0).contains(&s.fraction), "{}", s.fraction);
    // The location is on the edge, at the reported offset along its geometry.
    let proj = index.projection();
    let loc = proj.project(s.location);
    assert!(scan.edge_dist(s.edge, loc) < 1e-6, "location off the edge");
    let pts: Vec<[f64; 2]> = graph
        .edge_geometry(s.edge)
        .into_iter()
        .map(|x| proj.project(x))
        .collect();
    let mut before = 0.0;
    for w in pts.windows(2).take(s.segment as usize) {
        before += ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt();
    }
    let a = pts[s.segment as usize];
    let along = before + ((loc[0] - a[0]).powi(2) + (loc[1] - a[1]).powi(2)).sqrt();
    assert!(
        (along - s.offset_m).abs() < 1e-6,
        "offset {} vs {along}",
        s.offset_m
    );
    let total: f64 = pts
        .windows(2)
        .map(|w| ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt())
        .sum();
    if total > 0.0 {
        assert!((s.fraction - along / total).abs() < 1e-9);
    }
    let planar_to_true = haversine_m(s.location, proj.unproject(p));
    assert!((planar_to_true - s.distance_m).abs() <= 0.01 * s.distance_m + 0.01);
}

/// A random road network around `centre`: a main grid-like web plus small islands (some
/// one-way), with bends in the geometry.
pub(crate) fn random_graph(
    seed: u64,
    nodes: usize,
    centre: LonLat,
    span_deg: f64,
    profile: &str,
) -> RoadGraph {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut b = GraphBuilder::new(profile);
    let graph_pos: Vec<LonLat> = (0..nodes)
        .map(|_| {
            LonLat::new(
                centre.lon + rng.random_range(-span_deg..span_deg),
                centre.lat + rng.random_range(-span_deg..span_deg) * 0.7,
            )
        })
        .collect();
    let ids: Vec<NodeId> = graph_pos
        .iter()
        .enumerate()
        .map(|(i, &p)| b.add_node(OsmNodeId(i as i64 + 1), p))
        .collect();
    for (k, &u) in ids.iter().enumerate() {
        // Link to a few of the nearest nodes by index order, mostly two-way.
        for _ in 0..2 {
            let v = ids[rng.random_range(0..nodes)];
            if v == u {
                continue;
            }
            let (pu, pv) = (graph_pos[u.index()], graph_pos[v.index()]);
            let bends: Vec<LonLat> = (0..rng.random_range(0..3usize))
                .map(|j| {
                    let t = (j + 1) as f64 / 4.0;
                    LonLat::new(
                        pu.lon + (pv.lon - pu.lon) * t + rng.random_range(-1e-4..1e-4),
                        pu.lat + (pv.lat - pu.lat) * t + rng.random_range(-1e-4..1e-4),
                    )
                })
                .collect();
            let oneway = rng.random_bool(0.2);
            let dur = Some(Deciseconds(100));
            b.add_segment(&Segment {
                tail: u,
                head: v,
                forward: dur,
                backward: if oneway { None } else { dur },
                distance: Meters(haversine_m(pu, pv) as u32),
                way: OsmWayId(k as i64),
                name: "",
                flags: 0,
                geometry: &bends,
            })
            .unwrap();
        }
    }
    // Islands: small two-way triangles away from the main web (their own components).
    for i in 0..4 {
        let c = LonLat::new(
            centre.lon + 2.0 * span_deg + 0.01 * f64::from(i),
            centre.lat - span_deg * f64::from(i) * 0.4,
        );
        let pts = [
            c,
            LonLat::new(c.lon + 0.002, c.lat),
            LonLat::new(c.lon, c.lat + 0.0015),
        ];
        let ids: Vec<NodeId> = pts
            .iter()
            .enumerate()
            .map(|(j, &p)| b.add_node(OsmNodeId(1_000_000 + i64::from(i) * 10 + j as i64), p))
            .collect();
        for j in 0..3 {
            let dur = Some(Deciseconds(100));
            b.add_segment(&Segment {
                tail: ids[j],
                head: ids[(j + 1) % 3],
                forward: dur,
                backward: dur,
                distance: Meters(haversine_m(pts[j], pts[(j + 1) % 3]) as u32),
                way: OsmWayId(-1 - i64::from(i)),
                name: "",
                flags: 0,
                geometry: &[],
            })
            .unwrap();
        }
    }
    b.build().unwrap()
}

#[test]
fn snap_equals_linear_scan_on_random_graphs() {
    for (seed, profile) in [(1u64, "car"), (2, "foot"), (3, "bicycle")] {
        let centre = LonLat::new(24.94, 60.17);
        let graph = random_graph(seed, 300, centre, 0.02, profile);
        assert!(
            graph.num_components() > 1,
            "the test needs small components"
        );
        let index = SpatialIndex::new(&graph);
        let scan = Scan::new(&graph, &index);
        let mut rng = Pcg64::seed_from_u64(seed + 100);
        let (mut snapped, mut far, mut small) = (0, 0, 0);
        for i in 0..4_000 {
            let q = match i % 4 {
                // Exactly on a node.
                0 => graph.node_lonlat(NodeId(rng.random_range(0..graph.num_nodes() as u32))),
                // Far from any road too.
                1 => LonLat::new(
                    centre.lon + rng.random_range(-0.2..0.2),
                    centre.lat + rng.random_range(-0.2..0.2),
                ),
                _ => LonLat::new(
                    centre.lon + rng.random_range(-0.025..0.025),
                    centre.lat + rng.random_range(-0.02..0.02),
                ),
            };
            let radius = [index.default_radius_m(), 100.0, 2_000.0][i % 3];
            if check_point(&graph, &index, &scan, q, radius) {
                snapped += 1;
                small +=
                    usize::from(index.snap(q.lon, q.lat, Some(radius)).unwrap().component != 0);
            } else {
                far += 1;
            }
        }
        assert!(
            snapped > 1_000 && far > 100,
            "{snapped} snapped, {far} too far"
        );
        assert!(small > 0, "no point landed in a small component");
    }
}

#[test]
fn snap_main_equals_linear_scan_on_random_graphs() {
    let centre = LonLat::new(24.94, 60.17);
    let graph = random_graph(4, 300, centre, 0.02, "car");
    let index = SpatialIndex::new(&graph);
    let scan = Scan::new(&graph, &index);
    let mut rng = Pcg64::seed_from_u64(104);
    let mut moved = 0;
    for i in 0..2_000 {
        let q = LonLat::new(
            centre.lon + rng.random_range(-0.06..0.06),
            centre.lat + rng.random_range(-0.04..0.04),
        );
        let p = index.projection().project(q);
        let want = scan.main_dist(p);
        let radius = [f64::INFINITY, 500.0, 2_000.0][i % 3];
        match index.snap_main(q.lon, q.lat, Some(radius), None).unwrap() {
            Some(s) => {
                assert!(
                    close(s.distance_m, want),
                    "{q:?}: {} vs {want}",
                    s.distance_m
                );
                assert_eq!(s.component, 0);
                let honest = index.snap(q.lon, q.lat, Some(radius.min(1e7))).unwrap();
                moved += usize::from(honest.component != 0);
            }
            None => assert!(want > radius, "{q:?}: {want} within {radius}"),
        }
    }
    assert!(moved > 0, "no point lay by an island");
}

#[test]
fn insertion_built_index_snaps_like_bulk_loaded() {
    let graph = random_graph(7, 200, LonLat::new(7.42, 43.73), 0.01, "car");
    let (bulk, seq) = (
        SpatialIndex::new(&graph),
        SpatialIndex::new_by_insertion(&graph),
    );
    assert_eq!(bulk.num_segments(), seq.num_segments());
    let mut rng = Pcg64::seed_from_u64(8);
    for _ in 0..1_000 {
        let (lon, lat) = (
            7.42 + rng.random_range(-0.012..0.012),
            43.73 + rng.random_range(-0.01..0.01),
        );
        let (a, b) = (
            bulk.snap(lon, lat, None).unwrap(),
            seq.snap(lon, lat, None).unwrap(),
        );
        assert!(close(a.distance_m, b.distance_m));
    }
}

/// `nearest` returns the `k` nearest distinct roads within the radius, as the scan does.
fn check_nearest(
    graph: &RoadGraph,
    index: &SpatialIndex,
    scan: &Scan,
    q: LonLat,
    k: usize,
    radius: f64,
) {
    let p = index.projection().project(q);
    let Ok(got) = index.nearest(q.lon, q.lat, k, Some(radius)) else {
        let nearest = scan
            .pieces
            .iter()
            .map(|&(_, _, a, b)| piece_dist(a, b, p))
            .fold(f64::INFINITY, f64::min);
        assert!(
            nearest > radius,
            "{q:?}: nearest failed with a road at {nearest} m"
        );
        return;
    };
    // Oracle: per road (the scan lists each road once), its distance; the k smallest.
    let mut want: Vec<f64> = (0..graph.num_original_edges())
        .map(|e| scan.edge_dist(EdgeId(e as u32), p))
        .filter(|&d| d <= radius)
        .collect();
    want.sort_by(f64::total_cmp);
    want.truncate(k);
    assert_eq!(got.len(), want.len());
    for (s, d) in got.iter().zip(&want) {
        assert!(close(s.distance_m, *d), "{} vs {d}", s.distance_m);
        check_snap(graph, index, scan, s, p);
    }
    let roads: std::collections::HashSet<EdgeId> = got.iter().map(|s| s.edge).collect();
    assert_eq!(roads.len(), got.len());
}

#[test]
fn nearest_returns_distinct_roads_in_order() {
    let graph = random_graph(11, 300, LonLat::new(-8.61, 41.15), 0.02, "foot");
    let index = SpatialIndex::new(&graph);
    let scan = Scan::new(&graph, &index);
    let mut rng = Pcg64::seed_from_u64(12);
    for _ in 0..300 {
        let q = LonLat::new(
            -8.61 + rng.random_range(-0.03..0.03),
            41.15 + rng.random_range(-0.02..0.02),
        );
        check_nearest(&graph, &index, &scan, q, 5, 2_000.0);
    }
}

#[test]
fn bad_input_is_rejected_before_the_index() {
    let graph = random_graph(5, 50, LonLat::new(7.42, 43.73), 0.01, "car");
    let index = SpatialIndex::new(&graph);
    for (lon, lat) in [
        (f64::NAN, 43.7),
        (7.4, f64::INFINITY),
        (181.0, 0.0),
        (0.0, -90.5),
        (f64::NEG_INFINITY, 0.0),
    ] {
        assert!(matches!(
            index.snap(lon, lat, None),
            Err(SnapError::InvalidCoordinate { .. })
        ));
        assert!(matches!(
            index.nearest(lon, lat, 3, None),
            Err(SnapError::InvalidCoordinate { .. })
        ));
    }
    for r in [f64::NAN, -1.0, f64::INFINITY] {
        assert!(matches!(
            index.snap(7.42, 43.73, Some(r)),
            Err(SnapError::InvalidRadius { .. })
        ));
    }
    // The sea south of Monaco, 20 km out: past the default car radius, with the distance.
    match index.snap(7.42, 43.55, None) {
        Err(SnapError::TooFar {
            distance_m,
            radius_m,
        }) => {
            assert_eq!(radius_m, 5_000.0);
            assert!(
                distance_m > 15_000.0 && distance_m < 25_000.0,
                "{distance_m}"
            );
        }
        other => panic!("{other:?}"),
    }
    let empty = SpatialIndex::new(&GraphBuilder::new("car").build().unwrap());
    assert_eq!(empty.snap(7.42, 43.73, None), Err(SnapError::EmptyGraph));
}

mod h3_cells {
    use engine::spatial::CellError;
    use engine::spatial::h3::{PointCells, cell_of};
    use engine::types::{LonLat, haversine_m};
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64;

    fn scan(points: &[LonLat], c: LonLat, r: f64) -> Vec<u32> {
        (0..points.len() as u32)
            .filter(|&i| haversine_m(c, points[i as usize]) <= r)
            .collect()
    }

    fn check_around(centre: LonLat, spread_deg: f64, seed: u64) {
        let mut rng = Pcg64::seed_from_u64(seed);
        let jitter = |rng: &mut Pcg64| {
            LonLat::new(
                centre.lon + rng.random_range(-spread_deg..spread_deg),
                (centre.lat + rng.random_range(-spread_deg..spread_deg)).clamp(-89.9, 89.9),
            )
        };
        let points: Vec<LonLat> = (0..2_000).map(|_| jitter(&mut rng)).collect();
        for res in [7u8, 8, 9, 10] {
            let cells = PointCells::new(res, &points).unwrap().with_max_rings(400);
            let total: usize = cells
                .buckets()
                .map(|(c, ids)| {
                    assert!(
                        ids.iter()
                            .all(|&i| cell_of(points[i as usize], res).unwrap() == c)
                    );
                    ids.len()
                })
                .sum();
            assert_eq!(total, points.len());
            for _ in 0..150 {
                let q = jitter(&mut rng);
                let r = rng.random_range(0.0..2_500.0);
                let got = cells.within(q, r).unwrap();
                let ids: Vec<u32> = {
                    let mut v: Vec<u32> = got.iter().map(|&(id, _)| id).collect();
                    v.sort_unstable();
                    v
                };
                assert_eq!(ids, scan(&points, q, r), "res {res}, {q:?}, r {r}");
                assert!(got.windows(2).all(|w| w[0].1 <= w[1].1));
            }
        }
    }

    #[test]
    fn within_equals_linear_scan() {
        check_around(LonLat::new(24.94, 60.17), 0.05, 1);
        check_around(LonLat::new(-8.61, 41.15), 0.03, 2);
    }

    #[test]
    fn within_equals_linear_scan_around_a_pentagon() {
        let pentagon = h3o::Resolution::Eight.pentagons().next().unwrap();
        let c = h3o::LatLng::from(pentagon);
        check_around(LonLat::new(c.lng(), c.lat()), 0.03, 3);
    }

    #[test]
    fn bad_input_is_an_error() {
        let pts = [LonLat::new(24.94, 60.17)];
        assert!(matches!(
            PointCells::new(16, &pts),
            Err(CellError::InvalidResolution { resolution: 16 })
        ));
        assert!(matches!(
            PointCells::new(9, &[LonLat::new(f64::NAN, 0.0)]),
            Err(CellError::InvalidCoordinate { .. })
        ));
        let cells = PointCells::new(9, &pts).unwrap();
        assert!(matches!(
            cells.within(LonLat::new(200.0, 0.0), 10.0),
            Err(CellError::InvalidCoordinate { .. })
        ));
        for r in [f64::NAN, -1.0, f64::INFINITY, 1e7] {
            assert!(
                matches!(
                    cells.within(LonLat::new(24.94, 60.17), r),
                    Err(CellError::InvalidRadius { .. })
                ),
                "{r}"
            );
        }
    }
}

mod extracts {
    use super::{Scan, check_nearest, check_point};
    use crate::support;
    use engine::graph::{RoadGraph, from_network};
    use engine::osm::{CAR, FOOT, Profile, read_network};
    use engine::spatial::{SnapError, SpatialIndex};
    use engine::types::{LonLat, NodeId};
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64;
    use rayon::prelude::*;

    fn load(extract: &str, profile: &'static Profile) -> Option<RoadGraph> {
        let path = support::osm(&format!("{extract}.osm.pbf"))?;
        Some(from_network(&read_network(&path, profile).unwrap()).unwrap())
    }

    /// 10,000 workload points (or random ones in the bounding box when the extract has no
    /// workload), plus 2,000 exactly on
    /// nodes and 1,000 up to 20 km outside the box, checked against the linear scan.
    fn check_extract(extract: &str, profile: &'static Profile, has_workload: bool) {
        let Some(graph) = load(extract, profile) else {
            return;
        };
        let index = SpatialIndex::new(&graph);
        let scan = Scan::new(&graph, &index);
        let (lo, hi) = graph.bbox().unwrap();
        let mut rng = Pcg64::seed_from_u64(42);
        let mut points = if has_workload {
            let csv = support::anchors(&format!("routing/workloads/{extract}/points.csv"));
            csv.map(|p| crate::points::read_points(&p))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        while points.len() < 10_000 {
            points.push(LonLat::new(
                rng.random_range(lo.lon..hi.lon),
                rng.random_range(lo.lat..hi.lat),
            ));
        }
        for _ in 0..2_000 {
            points.push(graph.node_lonlat(NodeId(rng.random_range(0..graph.num_nodes() as u32))));
        }
        for _ in 0..1_000 {
            points.push(LonLat::new(
                rng.random_range(lo.lon - 0.25..hi.lon + 0.25),
                rng.random_range(lo.lat - 0.18..hi.lat + 0.18),
            ));
        }
        let radius = index.default_radius_m();
        let snapped: usize = points
            .par_iter()
            .map(|&q| usize::from(check_point(&graph, &index, &scan, q, radius)))
            .sum();
        let small = points
            .iter()
            .filter_map(|q| index.snap(q.lon, q.lat, None).ok())
            .filter(|s| s.component != 0)
            .count();
        eprintln!(
            "{extract} {}: {} segments, {snapped} of {} points snapped, {small} into small components",
            profile.name,
            index.num_segments(),
            points.len()
        );
        assert!(snapped >= 10_000, "{snapped}");
    }

    #[test]
    fn snap_equals_linear_scan_on_monaco() {
        check_extract("monaco-2023-12-26", &CAR, true);
    }

    #[test]
    #[ignore = "slow: run in release by scripts/test.sh"]
    fn snap_equals_linear_scan_on_monaco_foot() {
        check_extract("monaco-2023-12-26", &FOOT, true);
    }

    #[test]
    #[ignore = "slow: run in release by scripts/test.sh"]
    fn snap_equals_linear_scan_on_andorra() {
        check_extract("andorra-2020-05-01", &CAR, true);
    }

    #[test]
    #[ignore = "slow: run in release by scripts/test.sh"]
    fn snap_equals_linear_scan_on_porto() {
        check_extract("porto-2015-06-06-highways", &CAR, true);
    }

    #[test]
    #[ignore = "slow: run in release by scripts/test.sh"]
    fn snap_equals_linear_scan_on_kotka() {
        check_extract("kotka-karhula-2019-04", &FOOT, false);
    }

    #[test]
    #[ignore = "slow: run in release by scripts/test.sh"]
    fn snap_equals_linear_scan_on_helsinki() {
        check_extract("helsinki-centre-2019-04", &FOOT, false);
    }

    #[test]
    fn nearest_equals_linear_scan_on_monaco() {
        let Some(graph) = load("monaco-2023-12-26", &FOOT) else {
            return;
        };
        let index = SpatialIndex::new(&graph);
        let scan = Scan::new(&graph, &index);
        let (lo, hi) = graph.bbox().unwrap();
        let mut rng = Pcg64::seed_from_u64(5);
        for k in [1, 3, 10] {
            for _ in 0..100 {
                let q = LonLat::new(
                    rng.random_range(lo.lon..hi.lon),
                    rng.random_range(lo.lat..hi.lat),
                );
                check_nearest(&graph, &index, &scan, q, k, 300.0);
            }
        }
    }

    #[test]
    fn sea_point_past_the_radius_names_the_distance() {
        for (profile, radius) in [(&CAR, 5_000.0), (&FOOT, 1_000.0)] {
            let Some(graph) = load("monaco-2023-12-26", profile) else {
                return;
            };
            let index = SpatialIndex::new(&graph);
            // The Mediterranean, 12 km south of the port of Monaco.
            match index.snap(7.425, 43.62, None) {
                Err(SnapError::TooFar {
                    distance_m,
                    radius_m,
                }) => {
                    assert_eq!(radius_m, radius);
                    assert!((9_000.0..14_000.0).contains(&distance_m), "{distance_m}");
                }
                other => panic!("{other:?}"),
            }
            // With a larger radius it reaches the coast road.
            let s = index.snap(7.425, 43.62, Some(20_000.0)).unwrap();
            assert!(s.location.lat > 43.72, "{s:?}");
        }
    }
}
