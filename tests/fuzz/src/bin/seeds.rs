//! `vmeste-fuzz-seeds TARGET OUT_DIR SHARED_DATA`: seed inputs for a target taken from the
//! real data (the OSM extracts and VRP instances of `../shared/data`), besides the small
//! seeds committed under `tests/fuzz/seeds/`. Prints how many it wrote.

use std::path::{Path, PathBuf};

use engine::graph::GraphBuilder;
use engine::graph::Segment;
use engine::routing::ContractionHierarchy;
use engine::types::{Deciseconds, LonLat, Meters, OsmNodeId, OsmWayId};

#[path = "../../../engine/handmade_pbf.rs"]
mod handmade_pbf;

/// Inputs past this size slow AFL++ down more than they add.
const MAX_SEED: usize = 256 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [target, out, shared] = args.as_slice() else {
        eprintln!("usage: vmeste-fuzz-seeds TARGET OUT_DIR SHARED_DATA");
        std::process::exit(2);
    };
    let (out, shared) = (PathBuf::from(out), PathBuf::from(shared));
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("{}: {e}", out.display());
        std::process::exit(1);
    }
    let seeds = match target.as_str() {
        "osm_pbf" => [handmade_pbf_seeds(), pbf_seeds(&shared.join("osm"))].concat(),
        "graph_file" => graph_seeds(),
        "vrp_solomon" => files(&shared.join("vrp/solomon/instances"), ".txt", 3),
        "vrp_vrplib" => files(&shared.join("vrp/x/instances"), ".vrp", 3),
        "vrp_lilim" => files(&shared.join("vrp/lilim/100/instances"), ".txt", 3),
        "vrp_detect" => [
            files(&shared.join("vrp/solomon/instances"), ".txt", 1),
            files(&shared.join("vrp/x/instances"), ".vrp", 1),
            files(&shared.join("vrp/lilim/100/instances"), ".txt", 1),
        ]
        .concat(),
        _ => Vec::new(),
    };
    let mut n = 0;
    for (name, bytes) in seeds {
        if bytes.len() <= MAX_SEED && std::fs::write(out.join(name), bytes).is_ok() {
            n += 1;
        }
    }
    println!("{n}");
}

/// The `count` smallest files of `dir` whose names end with `ext`.
fn files(dir: &Path, ext: &str, count: usize) -> Vec<(String, Vec<u8>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<(u64, PathBuf)> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(ext))
        .map(|p| (std::fs::metadata(&p).map_or(u64::MAX, |m| m.len()), p))
        .collect();
    paths.sort();
    let paths = paths.into_iter().map(|(_, p)| p);
    paths
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let name = p.file_name()?.to_string_lossy().into_owned();
            (bytes.len() <= MAX_SEED).then_some((name, bytes))
        })
        .take(count)
        .collect()
}

/// Length of the frame (4-byte size, `BlobHeader`, blob) at the start of `pbf`.
fn frame_len(pbf: &[u8]) -> Option<usize> {
    let header_len = u32::from_be_bytes(pbf.get(..4)?.try_into().ok()?) as usize;
    let mut h = pbf.get(4..4 + header_len)?;
    let varint = |b: &mut &[u8]| -> Option<usize> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = b.split_first()?;
            *b = rest;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return usize::try_from(v).ok();
            }
        }
        None
    };
    while !h.is_empty() {
        let key = varint(&mut h)?;
        match key & 7 {
            0 if key >> 3 == 3 => return Some(4 + header_len + varint(&mut h)?),
            0 => {
                varint(&mut h)?;
            }
            2 => {
                let n = varint(&mut h)?;
                h = h.get(n..)?;
            }
            _ => return None,
        }
    }
    None
}

/// The header frame and the first data frame of each extract: a whole, valid `.osm.pbf`
/// of one block (the reader accepts a file cut at a frame boundary).
fn pbf_seeds(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for p in rd.filter_map(|e| e.ok().map(|e| e.path())) {
        if !p.to_string_lossy().ends_with(".osm.pbf") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let Some(first) = frame_len(&bytes) else {
            continue;
        };
        let Some(second) = bytes.get(first..).and_then(frame_len) else {
            continue;
        };
        let name = p
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        out.push((name.clone(), bytes[..first + second].to_vec()));
        out.push((format!("{name}.header"), bytes[..first].to_vec()));
    }
    out
}

/// Hand-made extracts of a few dozen elements: what the real blocks exercise (tagged dense
/// nodes, named roads of several classes and directions, addresses on nodes and buildings,
/// places, a turn restriction), at a fraction of their size, so that most executions go to
/// small inputs (a real block takes milliseconds to decode, these microseconds).
fn handmade_pbf_seeds() -> Vec<(String, Vec<u8>)> {
    use handmade_pbf::Element::{Node, Relation, TaggedNode, Way};
    let street = |name| [("highway", "residential"), ("name", name)];
    let (main, side) = (street("Rue Principale"), street("Улица Садовая"));
    let oneway = [
        ("highway", "tertiary"),
        ("oneway", "yes"),
        ("maxspeed", "30"),
    ];
    let path = [("highway", "footway"), ("surface", "gravel")];
    let building = [
        ("building", "house"),
        ("addr:street", "Rue Principale"),
        ("addr:housenumber", "12a"),
    ];
    let restriction = [("type", "restriction"), ("restriction", "no_left_turn")];
    let village = [("place", "hamlet"), ("name", "Les Prés")];
    let address = [("addr:street", "Улица Садовая"), ("addr:housenumber", "7")];
    let signals = [("highway", "traffic_signals")];
    let grid = |i: i64| {
        Node(
            i,
            7.42 + 0.001 * (i % 4) as f64,
            43.73 + 0.001 * (i / 4) as f64,
        )
    };
    let mut elements: Vec<_> = (0..12).map(grid).collect();
    elements.extend([
        TaggedNode(20, 7.4215, 43.7305, &village[..]),
        TaggedNode(21, 7.4225, 43.7312, &address[..]),
        TaggedNode(22, 7.4210, 43.7310, &signals[..]),
        TaggedNode(23, 7.4205, 43.7301, &[]),
    ]);
    let ways = [
        (100, &[0, 1, 2, 3][..], &main[..]),
        (101, &[1, 5, 22, 9][..], &side[..]),
        (102, &[4, 5, 6, 7][..], &oneway[..]),
        (103, &[8, 9, 10, 11, 8][..], &path[..]),
        (104, &[2, 23, 6, 2][..], &building[..]),
    ];
    elements.extend(ways.iter().map(|&(id, refs, tags)| Way(id, refs, tags)));
    let members = [('w', 100, "from"), ('n', 1, "via"), ('w', 101, "to")];
    elements.push(Relation(200, &members, &restriction));
    vec![(
        "handmade-village.osm.pbf".to_owned(),
        handmade_pbf::pbf(&elements),
    )]
}

/// A small graph file with its contraction hierarchy: a ring and a spur of one-way and
/// two-way streets, with names and intermediate points.
fn graph_seeds() -> Vec<(String, Vec<u8>)> {
    let mut b = GraphBuilder::new("car");
    let pts = [
        (7.4200, 43.7300),
        (7.4210, 43.7305),
        (7.4222, 43.7301),
        (7.4215, 43.7290),
        (7.4230, 43.7312),
    ];
    let nodes: Vec<_> = pts
        .iter()
        .enumerate()
        .map(|(i, &(lon, lat))| b.add_node(OsmNodeId(100 + i as i64), LonLat::new(lon, lat)))
        .collect();
    let links = [
        (0, 1, true),
        (1, 2, false),
        (2, 3, true),
        (3, 0, true),
        (2, 4, true),
    ];
    for (k, &(a, c, both)) in links.iter().enumerate() {
        let mid = LonLat::new(
            f64::midpoint(pts[a].0, pts[c].0),
            f64::midpoint(pts[a].1, pts[c].1),
        );
        let seg = Segment {
            tail: nodes[a],
            head: nodes[c],
            forward: Some(Deciseconds(120)),
            backward: both.then_some(Deciseconds(120)),
            distance: Meters(100),
            way: OsmWayId(1_000 + k as i64),
            name: if k % 2 == 0 { "Rue Grimaldi" } else { "" },
            flags: 0,
            geometry: &[mid],
        };
        if b.add_segment(&seg).is_err() {
            return Vec::new();
        }
    }
    let Ok(graph) = b.build() else {
        return Vec::new();
    };
    let Ok(ch) = ContractionHierarchy::build(&graph) else {
        return Vec::new();
    };
    let ch_bytes = ch.to_bytes();
    let meta = engine::graph::file::Meta {
        source_sha256: [7; 32],
    };
    let mut out = Vec::new();
    if let Ok(bytes) = engine::graph::file::encode(
        &graph,
        &meta,
        &[(engine::dispatch::CH_SECTION, ch_bytes.as_slice())],
    ) {
        out.push(("ring-ch.vmg".to_owned(), bytes));
    }
    if let Ok(bytes) = engine::graph::file::encode(&graph, &meta, &[]) {
        out.push(("ring.vmg".to_owned(), bytes));
    }
    out
}
