//! Answers served over HTTP against an independent oracle: the reference bidirectional
//! Dijkstra (`engine::routing::Dijkstra`) between points snapped independently with
//! `engine::spatial::SpatialIndex`, on the routing anchors' Monaco workload.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use engine::routing::{Dijkstra, EdgePoint, SearchSpace};
use engine::spatial::SpatialIndex;
use serde_json::{Value, json};

use crate::http_support::{get, monaco, monaco_engine, post_json};
use crate::support;

fn read_csv(rel: &str) -> Option<Vec<Vec<f64>>> {
    let path = support::anchors(rel)?;
    let text = std::fs::read_to_string(path).unwrap();
    Some(
        text.lines()
            .skip(1)
            .map(|l| l.split(',').map(|c| c.parse::<f64>().unwrap()).collect())
            .collect(),
    )
}

/// The positions of a request's coordinates by the OSRM rule, snapped independently: each
/// goes to the nearest road of component 0 unless all lie by the same small component (then
/// on it), or no road of component 0 is within the radius (then by the component rule).
pub(crate) fn osrm_points(index: &SpatialIndex, pts: &[[f64; 2]]) -> Vec<Option<EdgePoint>> {
    let honest: Vec<_> = pts
        .iter()
        .map(|p| index.snap(p[0], p[1], None).ok())
        .collect();
    let first = honest.first().copied().flatten().map(|s| s.component);
    let same_island =
        first.is_some_and(|c| c != 0 && honest.iter().all(|s| s.is_some_and(|s| s.component == c)));
    honest
        .iter()
        .zip(pts)
        .map(|(s, p)| {
            let s = (*s)?;
            let s = if s.component == 0 || same_island {
                s
            } else {
                index
                    .snap_main(p[0], p[1], None, None)
                    .unwrap()
                    .unwrap_or(s)
            };
            Some(EdgePoint::new(s.edge, s.fraction))
        })
        .collect()
}

/// The Dijkstra cost `(seconds, metres)` between two positions, `None` when unreachable or
/// unsnappable.
fn oracle(
    dijkstra: &Dijkstra<'_>,
    space: &mut SearchSpace,
    a: Option<EdgePoint>,
    b: Option<EdgePoint>,
) -> Option<(f64, f64)> {
    let cost = dijkstra.query(space, a?, b?).unwrap()?;
    Some((cost.duration.as_secs_f64(), f64::from(cost.distance.0)))
}

#[test]
fn routes_equal_dijkstra_on_workload_pairs() {
    let (Some(addr), Some(engine)) = (monaco(), monaco_engine()) else {
        return;
    };
    let Some(pairs) = read_csv("routing/workloads/monaco-2023-12-26/pairs.csv") else {
        return;
    };
    let g = engine.graph("car").unwrap();
    let (index, dijkstra) = (SpatialIndex::new(g), Dijkstra::new(g));
    let mut space = SearchSpace::new(g.num_nodes());
    let (mut routed, mut unreachable) = (0, 0);
    for p in pairs.iter().take(300) {
        let (a, b) = ([p[1], p[2]], [p[3], p[4]]);
        let ends = osrm_points(&index, &[a, b]);
        let want = oracle(&dijkstra, &mut space, ends[0], ends[1]);
        let ans = get(
            addr,
            &format!(
                "/route/v1/car/{},{};{},{}?overview=full&geometries=geojson",
                a[0], a[1], b[0], b[1]
            ),
        );
        let v = ans.json();
        match want {
            Some((secs, metres)) => {
                assert_eq!(v["code"], "Ok", "pair {}: {v}", p[0]);
                let r = &v["routes"][0];
                assert!(
                    (r["duration"].as_f64().unwrap() - secs).abs() < 0.051,
                    "pair {}: {} vs {secs}",
                    p[0],
                    r["duration"]
                );
                assert!(
                    (r["distance"].as_f64().unwrap() - metres).abs() < 0.051,
                    "pair {}: {} vs {metres}",
                    p[0],
                    r["distance"]
                );
                routed += 1;
            }
            None => {
                assert_eq!(v["code"], "NoRoute", "pair {}: {v}", p[0]);
                unreachable += 1;
            }
        }
    }
    assert!(routed > 200, "{routed} routed, {unreachable} unreachable");
}

#[test]
fn post_table_cells_equal_dijkstra() {
    let (Some(addr), Some(engine)) = (monaco(), monaco_engine()) else {
        return;
    };
    let Some(points) = read_csv("routing/workloads/monaco-2023-12-26/points.csv") else {
        return;
    };
    let pts: Vec<[f64; 2]> = points.iter().take(40).map(|p| [p[1], p[2]]).collect();
    let v: Value = post_json(
        addr,
        "/table/v1/car",
        &json!({"coordinates": pts, "annotations": ["duration", "distance"]}),
    )
    .json();
    assert_eq!(v["code"], "Ok", "{v}");
    let g = engine.graph("car").unwrap();
    let (index, dijkstra) = (SpatialIndex::new(g), Dijkstra::new(g));
    let mut space = SearchSpace::new(g.num_nodes());
    let mut nulls = 0;
    let placed = osrm_points(&index, &pts);
    for (i, &a) in placed.iter().enumerate() {
        for (j, &b) in placed.iter().enumerate() {
            let cell = (&v["durations"][i][j], &v["distances"][i][j]);
            match oracle(&dijkstra, &mut space, a, b) {
                Some((secs, metres)) => {
                    assert!(
                        (cell.0.as_f64().unwrap() - secs).abs() < 0.051,
                        "{i}->{j}: {} vs {secs}",
                        cell.0
                    );
                    assert!(
                        (cell.1.as_f64().unwrap() - metres).abs() < 0.051,
                        "{i}->{j}: {} vs {metres}",
                        cell.1
                    );
                }
                None => {
                    assert!(cell.0.is_null() && cell.1.is_null(), "{i}->{j}: {cell:?}");
                    nulls += 1;
                }
            }
        }
    }
    assert!(
        nulls < pts.len() * pts.len() / 4,
        "{nulls} unreachable cells"
    );
}
