//! Matching against the scan of every edge on random lines and polygons; validation;
//! activity in time.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

use super::*;
use crate::board::Time;
use crate::routing::tests::random_graph;
use crate::spatial::SpatialIndex;

fn random_point(rng: &mut Pcg64, side: f64) -> [f64; 2] {
    [
        rng.random_range(-0.0005..side + 0.0005),
        rng.random_range(-0.0005..side + 0.0005),
    ]
}

/// A star-shaped ring (corners sorted by angle around a centre): always simple.
fn random_ring(rng: &mut Pcg64, side: f64) -> Vec<[f64; 2]> {
    let c = random_point(rng, side);
    let n = rng.random_range(3..9);
    let mut angles: Vec<f64> = (0..n)
        .map(|_| rng.random_range(0.0..std::f64::consts::TAU))
        .collect();
    angles.sort_by(f64::total_cmp);
    let mut ring: Vec<[f64; 2]> = angles
        .iter()
        .map(|a| {
            let r = rng.random_range(0.0002..side / 2.0);
            [c[0] + r * a.cos(), c[1] + r * a.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

#[test]
fn matching_by_rtree_equals_the_scan_of_every_edge() {
    let mut matched = [0usize; 2];
    for seed in 0..10 {
        let g = random_graph(seed, 150, 260);
        let index = SpatialIndex::new(&g);
        let ways = WayIndex::new(&g);
        let side = 0.001 * 13.0;
        let mut rng = Pcg64::seed_from_u64(seed);
        for k in 0..60 {
            let target = if k % 2 == 0 {
                let n = rng.random_range(2..6);
                ClosureTarget::Line((0..n).map(|_| random_point(&mut rng, side)).collect())
            } else {
                ClosureTarget::Polygon(random_ring(&mut rng, side))
            };
            let fast = matched_edges(&g, &index, &ways, &target);
            let slow = matched_edges_by_scan(&g, index.projection(), &target);
            assert_eq!(fast, slow, "seed {seed}, {target:?}");
            for &e in &fast {
                if let Some(t) = g.edge_twin(e) {
                    assert!(fast.contains(&t), "both directions close");
                }
            }
            matched[k % 2] += fast.len();
        }
        let w = g.edge_way(crate::types::EdgeId(7));
        let by_way = ClosureTarget::Ways(vec![w.0]);
        assert_eq!(
            matched_edges(&g, &index, &ways, &by_way),
            matched_edges_by_scan(&g, index.projection(), &by_way)
        );
    }
    assert!(matched[0] > 200 && matched[1] > 1_000, "{matched:?}");
}

#[test]
fn a_line_along_a_street_spares_side_streets_and_a_line_across_closes_it() {
    use crate::graph::{GraphBuilder, Segment};
    use crate::types::{Deciseconds, LonLat, Meters, NodeId, OsmNodeId, OsmWayId};
    // A street west → east through 0, 1, 2 with a side street north from 1.
    let mut b = GraphBuilder::new("car");
    let pts = [(0.0, 0.0), (0.002, 0.0), (0.004, 0.0), (0.002, 0.002)];
    for (i, &(x, y)) in pts.iter().enumerate() {
        b.add_node(OsmNodeId(i as i64), LonLat::new(x, y));
    }
    for (w, (t, h)) in [(0u32, 1u32), (1, 2), (1, 3)].into_iter().enumerate() {
        b.add_segment(&Segment {
            tail: NodeId(t),
            head: NodeId(h),
            forward: Some(Deciseconds(100)),
            backward: Some(Deciseconds(100)),
            distance: Meters(222),
            way: OsmWayId(w as i64 + 1),
            name: "",
            flags: 0,
            geometry: &[],
        })
        .unwrap();
    }
    let g = b.build().unwrap();
    let index = SpatialIndex::new(&g);
    let ways = WayIndex::new(&g);
    let way_of = |t: &ClosureTarget| -> Vec<i64> {
        let mut w: Vec<i64> = matched_edges(&g, &index, &ways, t)
            .into_iter()
            .map(|e| g.edge_way(e).0)
            .collect();
        w.dedup();
        w
    };
    // Along the street, 2 m north of it: both pieces of the street, not the side street.
    let along = ClosureTarget::Line(vec![[-0.0001, 0.000_02], [0.0041, 0.000_02]]);
    assert_eq!(way_of(&along), vec![1, 2]);
    // Across the side street, halfway up.
    let across = ClosureTarget::Line(vec![[0.0015, 0.001], [0.0025, 0.001]]);
    assert_eq!(way_of(&across), vec![3]);
    // A small square around the east end closes the piece that enters it.
    let square = ClosureTarget::Polygon(vec![
        [0.0035, -0.0005],
        [0.0045, -0.0005],
        [0.0045, 0.0005],
        [0.0035, 0.0005],
        [0.0035, -0.0005],
    ]);
    assert_eq!(way_of(&square), vec![2]);
}

fn new_closure(target: ClosureTarget) -> NewClosure {
    NewClosure {
        target,
        profiles: vec![],
        starts_at: None,
        ends_at: None,
        reason: "flood".into(),
    }
}

#[test]
fn bad_closures_are_refused_with_the_field() {
    let now = Time(1_000_000);
    let field = |n: NewClosure| match n.validate(now, "admin:1") {
        Err(ClosureError::Invalid { field, .. }) => field,
        Ok(c) => panic!("accepted {c:?}"),
    };
    assert_eq!(
        field(new_closure(ClosureTarget::Ways(vec![]))),
        "target.ways"
    );
    assert_eq!(
        field(new_closure(ClosureTarget::Ways(vec![-3]))),
        "target.ways"
    );
    assert_eq!(
        field(new_closure(ClosureTarget::Line(vec![[1.0, 1.0]]))),
        "target.line"
    );
    assert_eq!(
        field(new_closure(ClosureTarget::Line(vec![
            [1.0, 1.0],
            [f64::NAN, 1.0]
        ]))),
        "target.line"
    );
    assert_eq!(
        field(new_closure(ClosureTarget::Line(vec![
            [1.0, 1.0],
            [181.0, 1.0]
        ]))),
        "target.line"
    );
    assert_eq!(
        field(new_closure(ClosureTarget::Line(vec![
            [1.0, 1.0],
            [1.0, 1.0]
        ]))),
        "target.line"
    );
    assert_eq!(
        field(new_closure(ClosureTarget::Line(vec![
            [0.0, 0.0],
            [3.0, 0.0]
        ]))),
        "target.line",
        "over 100 km"
    );
    let open_ring = vec![[0.0, 0.0], [0.01, 0.0], [0.01, 0.01]];
    assert_eq!(
        field(new_closure(ClosureTarget::Polygon(open_ring))),
        "target.polygon"
    );
    let bow_tie = vec![
        [0.0, 0.0],
        [0.01, 0.01],
        [0.01, 0.0],
        [0.0, 0.01],
        [0.0, 0.0],
    ];
    assert_eq!(
        field(new_closure(ClosureTarget::Polygon(bow_tie))),
        "target.polygon"
    );
    let flat = vec![[0.0, 0.0], [0.01, 0.0], [0.02, 0.0], [0.0, 0.0]];
    assert_eq!(
        field(new_closure(ClosureTarget::Polygon(flat))),
        "target.polygon"
    );
    let mut reversed = new_closure(ClosureTarget::Ways(vec![1]));
    reversed.starts_at = Some(Time(2_000_000));
    reversed.ends_at = Some(Time(1_500_000));
    assert_eq!(field(reversed), "ends_at");
    let mut past = new_closure(ClosureTarget::Ways(vec![1]));
    past.ends_at = Some(Time(10));
    assert_eq!(field(past), "ends_at");
    let mut long = new_closure(ClosureTarget::Ways(vec![1]));
    long.reason = "x".repeat(model::MAX_REASON_CHARS + 1);
    assert_eq!(field(long), "reason");
    let mut blank = new_closure(ClosureTarget::Ways(vec![1]));
    blank.reason = "  ".into();
    assert_eq!(field(blank), "reason");
    let mut profile = new_closure(ClosureTarget::Ways(vec![1]));
    profile.profiles = vec!["Car; DROP".into()];
    assert_eq!(field(profile), "profiles");
}

#[test]
fn a_closure_is_active_from_start_to_end_until_lifted() {
    let mut n = new_closure(ClosureTarget::Ways(vec![5, 5, 4]));
    n.starts_at = Some(Time(100));
    n.ends_at = Some(Time(200));
    n.profiles = vec!["car".into(), "car".into()];
    let mut c = n.validate(Time(50), "coordinator:2").unwrap();
    assert_eq!(c.target, ClosureTarget::Ways(vec![4, 5]));
    assert_eq!(c.profiles, vec!["car".to_owned()]);
    assert!(!c.active_at(Time(99)) && c.active_at(Time(100)) && !c.active_at(Time(200)));
    assert!(c.applies_to("car") && !c.applies_to("foot"));
    assert_eq!(
        next_change(std::slice::from_ref(&c), Time(50)),
        Some(Time(100))
    );
    assert_eq!(
        next_change(std::slice::from_ref(&c), Time(100)),
        Some(Time(200))
    );
    assert_eq!(next_change(std::slice::from_ref(&c), Time(200)), None);
    c.lifted_at = Some(Time(150));
    assert!(!c.active_at(Time(120)));
}
