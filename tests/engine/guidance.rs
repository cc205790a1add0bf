//! Guidance attributes on a real extract: traffic circles, road classes, refs, and the OSM id
//! of every geometry point, checked against the PBF read independently.
#![allow(clippy::unwrap_used, reason = "test code")]

use engine::graph::{file, from_network};
use engine::osm::{CAR, Junction, RoadClass, read_network};
use engine::types::{EdgeId, to_fixed};

use crate::support;

/// The ways of Rond-Point Canton, a roundabout of the Monaco extract.
const CANTON: [i64; 6] = support::MONACO_ROND_POINT_CANTON_WAYS;

#[test]
fn monaco_roundabout_ways_carry_junction_class_and_name() {
    let Some(path) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let g = from_network(&read_network(&path, &CAR).unwrap()).unwrap();
    let edges: Vec<EdgeId> = (0..u32::try_from(g.num_edges()).unwrap())
        .map(EdgeId)
        .filter(|&e| CANTON.contains(&g.edge_way(e).0))
        .collect();
    assert!(edges.len() >= CANTON.len(), "{}", edges.len());
    for &e in &edges {
        assert_eq!(g.edge_junction(e), Junction::Roundabout);
        assert_eq!(g.edge_class(e), RoadClass::Primary);
        assert_eq!(g.edge_name(e), "Rond-Point Canton");
        // A roundabout is one-way.
        assert!(g.edge_twin(e).is_none());
    }
    // Most roads are not on a traffic circle, and ramps and refs exist in Monaco.
    let all: Vec<EdgeId> = (0..u32::try_from(g.num_edges()).unwrap())
        .map(EdgeId)
        .collect();
    let on_ring = all
        .iter()
        .filter(|&&e| g.edge_junction(e) != Junction::None)
        .count();
    assert!(on_ring > 0 && on_ring * 10 < all.len());
    assert!(all.iter().any(|&e| !g.edge_ref(e).is_empty()));
    assert!(
        all.iter()
            .any(|&e| g.edge_class(e) == RoadClass::Residential)
    );
    // The guidance sections survive the graph file.
    let tmp = std::env::temp_dir().join(format!("guidance-{}.vmg", std::process::id()));
    file::write(
        &tmp,
        &g,
        &file::Meta {
            source_sha256: [0; 32],
        },
        &[],
    )
    .unwrap();
    let back = file::read(&tmp).unwrap();
    std::fs::remove_file(&tmp).ok();
    assert_eq!(back.graph, g);
}

#[test]
fn monaco_geometry_points_are_the_pbf_nodes_of_their_way() {
    let Some(path) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let g = from_network(&read_network(&path, &CAR).unwrap()).unwrap();
    // Independent read: node positions and way node lists straight from the file.
    let (pos, ways) = support::pbf_nodes_and_ways(&path);
    let mut points = 0;
    for e in (0..u32::try_from(g.num_edges()).unwrap()).map(EdgeId) {
        let ids = g.edge_geometry_osm_ids(e);
        let pts = g.edge_geometry(e);
        assert_eq!(ids.len(), pts.len());
        let refs = &ways[&g.edge_way(e).0];
        for (id, p) in ids.iter().zip(&pts) {
            assert!(
                refs.contains(&id.0),
                "edge {e:?}: node {} not in its way",
                id.0
            );
            assert_eq!(
                pos[&id.0],
                (to_fixed(p.lon), to_fixed(p.lat)),
                "node {}",
                id.0
            );
            points += 1;
        }
        // Consecutive points are consecutive nodes of the way (in one direction or the other).
        for w in ids.windows(2) {
            let i = refs.iter().position(|&r| r == w[0].0).unwrap();
            let next = refs.get(i + 1) == Some(&w[1].0);
            let before = i > 0 && refs[i - 1] == w[1].0;
            let later = refs.iter().skip(i + 1).any(|&r| r == w[0].0);
            assert!(
                next || before || later,
                "edge {e:?}: {w:?} not adjacent in the way"
            );
        }
    }
    assert!(points > 10_000, "{points}");
}

#[test]
fn a_version_1_graph_file_is_rejected_with_a_re_import_hint() {
    let mut b = engine::graph::GraphBuilder::new("car");
    b.add_node(
        engine::types::OsmNodeId(1),
        engine::types::LonLat::new(7.42, 43.73),
    );
    let g = b.build().unwrap();
    let mut bytes = file::encode(
        &g,
        &file::Meta {
            source_sha256: [0; 32],
        },
        &[],
    )
    .unwrap();
    assert_eq!(file::FORMAT_VERSION, 3);
    bytes[8..12].copy_from_slice(&1u32.to_le_bytes());
    let err = file::decode(&bytes).unwrap_err();
    assert!(
        matches!(
            err,
            file::FileError::UnsupportedVersion {
                found: 1,
                expected: 3
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("re-run `vmeste import`"), "{err}");
}
