//! The graph file: round trips, damaged files, version mismatch.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

use engine::graph::file::{self, FORMAT_VERSION, FileError, Meta};
use engine::graph::{RoadGraph, from_network};
use engine::osm::{CAR, FOOT, read_network};
use engine::types::{EdgeId, NodeId};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::support;

/// SHA-256 of `monaco-2023-12-26.osm.pbf` (from `shared/data/osm/SHA256SUMS`).
const MONACO_SHA256: &str = "1fdee8b72c48f932cab3aa9f1f74f87dfd954509a3b47cb932556d827189b97c";

fn monaco(profile: &'static engine::osm::Profile) -> Option<(RoadGraph, Meta)> {
    let path = support::osm("monaco-2023-12-26.osm.pbf")?;
    let net = read_network(&path, profile).unwrap();
    Some((
        from_network(&net).unwrap(),
        Meta {
            source_sha256: net.source_sha256,
        },
    ))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Touches every accessor of every node and edge: a graph from a file must never panic.
fn exercise(g: &RoadGraph) {
    for v in (0..g.num_nodes() as u32).map(NodeId) {
        let _ = (g.node_lonlat(v), g.node_osm_id(v), g.component(v));
        for e in g.out_edges(v).chain(g.in_edges(v)) {
            let _ = (
                g.edge_tail(e),
                g.edge_head(e),
                g.edge_duration(e),
                g.edge_distance(e),
            );
            let _ = (
                g.edge_way(e),
                g.edge_name(e),
                g.edge_flags(e),
                g.edge_twin(e),
                g.edge_geometry(e),
            );
        }
    }
    for c in 0..g.num_components() as u32 {
        let _ = g.component_size(c);
    }
    let _ = g.bbox();
}

#[test]
fn round_trip_gives_identical_arrays_and_extra_sections() {
    for profile in [&CAR, &FOOT] {
        let Some((g, meta)) = monaco(profile) else {
            return;
        };
        assert_eq!(hex(&meta.source_sha256), MONACO_SHA256);
        let dir = std::env::temp_dir();
        let path = dir.join(format!(
            "vmeste-graph-rt-{}-{}.graph",
            std::process::id(),
            profile.name
        ));
        let ch: Vec<u8> = (0..=255).collect();
        let n = file::write(&path, &g, &meta, &[("ch.order", &ch), ("empty", &[])]).unwrap();
        assert_eq!(n, std::fs::metadata(&path).unwrap().len());
        let back = file::read(&path).unwrap();
        std::fs::remove_file(&path).ok();
        assert_eq!(back.graph, g);
        assert_eq!(back.graph.first_out(), g.first_out());
        assert_eq!(back.section("ch.order"), Some(&ch[..]));
        assert_eq!(back.section("empty"), Some(&[][..]));
        assert_eq!(back.section("graph.head"), None);
        let h = &back.header;
        assert_eq!(
            (h.version, h.profile.as_str()),
            (FORMAT_VERSION, profile.name)
        );
        assert_eq!(hex(&h.source_sha256), MONACO_SHA256);
        assert_eq!(
            (h.num_nodes, h.num_edges),
            (g.num_nodes() as u64, g.num_edges() as u64)
        );
        // Monaco lies within 7.40..7.45 E, 43.72..43.76 N.
        assert!(
            h.bbox[0] > 74_000_000 && h.bbox[2] < 74_500_000,
            "{:?}",
            h.bbox
        );
        assert!(
            h.bbox[1] > 437_000_000 && h.bbox[3] < 437_600_000,
            "{:?}",
            h.bbox
        );
    }
}

#[test]
fn reserved_or_repeated_section_names_are_refused() {
    let Some((g, meta)) = monaco(&CAR) else {
        return;
    };
    for extra in [
        vec![("graph.head", &[][..])],
        vec![("", &[][..])],
        vec![("a", &[1u8][..]), ("a", &[2u8][..])],
    ] {
        assert!(matches!(
            file::encode(&g, &meta, &extra),
            Err(FileError::SectionName { .. })
        ));
    }
}

#[test]
fn every_flipped_byte_and_every_truncation_is_detected() {
    let Some((g, meta)) = monaco(&CAR) else {
        return;
    };
    let bytes = file::encode(&g, &meta, &[("ch", &[7; 100])]).unwrap();
    let step = (bytes.len() / 2000).max(1);
    for i in (0..bytes.len()).step_by(step).chain([bytes.len() - 1]) {
        let mut b = bytes.clone();
        b[i] ^= 0x10;
        assert!(file::decode(&b).is_err(), "flip at {i}");
        assert!(file::decode(&bytes[..i]).is_err(), "truncated to {i}");
    }
    assert!(matches!(
        file::decode(b"VMESTEGR"),
        Err(FileError::Truncated { .. })
    ));
    assert!(matches!(
        file::decode(b"PK\x03\x04 not a graph"),
        Err(FileError::BadMagic)
    ));
    assert!(matches!(file::decode(&[]), Err(FileError::BadMagic)));
}

/// Rewrites the checksum so that only the structural checks can catch a change.
fn reseal(b: &mut [u8]) {
    let n = b.len();
    let crc = crc32fast::hash(&b[..n - 4]);
    b[n - 4..].copy_from_slice(&crc.to_le_bytes());
}

#[test]
fn another_format_version_is_refused() {
    let Some((g, meta)) = monaco(&FOOT) else {
        return;
    };
    let mut b = file::encode(&g, &meta, &[]).unwrap();
    b[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    reseal(&mut b);
    match file::decode(&b) {
        Err(FileError::UnsupportedVersion { found, expected }) => {
            assert_eq!((found, expected), (FORMAT_VERSION + 1, FORMAT_VERSION));
        }
        other => panic!("{other:?}"),
    }
}

/// With a valid checksum, damaged content is still refused or gives a graph whose every
/// accessor works.
#[test]
fn resealed_corrupt_files_never_give_a_panicking_graph() {
    let Some((g, meta)) = monaco(&CAR) else {
        return;
    };
    let bytes = file::encode(&g, &meta, &[]).unwrap();
    let config = Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let n = bytes.len();
    runner
        .run(
            &(prop::collection::vec((12..n - 4, any::<u8>()), 1..4)),
            |changes| {
                let mut b = bytes.clone();
                for (i, v) in changes {
                    b[i] = v;
                }
                reseal(&mut b);
                if let Ok(f) = file::decode(&b) {
                    exercise(&f.graph);
                    for e in (0..f.graph.num_edges() as u32).map(EdgeId) {
                        prop_assert!(f.graph.edge_tail(e).index() < f.graph.num_nodes());
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}
