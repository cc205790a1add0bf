//! Two-pass reading of an `.osm.pbf` file into an [`OsmNetwork`].
//!
//! 1. The frames are scanned ([`pbf::scan`]); then every data block is decoded in parallel
//!    (rayon, one task per block) and its ways are turned into [`WayRule`]s for the profile.
//!    The SHA-256 of the file is computed at the same time. Blocks holding nodes are noted.
//! 2. The ids of the nodes the routable ways use are sorted and deduplicated (a sorted `Vec`
//!    and binary search: no hash map over all nodes of the file); only the node blocks are
//!    decoded again, in parallel, keeping the coordinates of needed nodes and whether they
//!    carry a barrier that blocks the profile.
//!
//! Ways are then cut where they refer to nodes absent from the file (clipped extracts), and
//! the nodes are renumbered densely. Peak memory is the ways' node lists plus the needed
//! nodes, never all nodes of the file.

use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use osmpbf::{BlobDecode, BlobReader, Element, PrimitiveBlock, RelMemberType};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::gazetteer::{self, GazetteerChunk, OsmGazetteer};
use super::pbf::{self, Block, BlockKind};
use super::profile::Profile;
use super::restriction::{self, OsmRestriction};
use super::tags::{Junction, RoadClass, WayRule, node_blocks, node_delay, tag, way_rule};
use super::{ImportError, OsmNetwork, OsmWay};
use crate::types::{LonLat, OsmNodeId, OsmWayId, from_fixed, haversine_m};

/// Progress of a read, reported after each block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// 1 (ways) or 2 (nodes).
    pub pass: u8,
    /// Bytes of blocks done in this pass.
    pub bytes_done: u64,
    /// Bytes of blocks this pass reads.
    pub bytes_total: u64,
}

/// A routable way as found in pass 1, its node ids in `refs[first..first + len]`.
struct RawWay {
    id: i64,
    first: usize,
    len: usize,
    rule: WayRule,
    name: String,
    reference: String,
    destination: String,
    class: RoadClass,
    junction: Junction,
}

/// Pass-1 result of one block.
#[derive(Default)]
struct WayChunk {
    ways: Vec<RawWay>,
    refs: Vec<i64>,
    has_nodes: bool,
    /// Addresses, streets and places of the block, when gathered.
    gazetteer: Option<GazetteerChunk>,
    /// Turn restrictions of the block for the profile.
    restrictions: Vec<OsmRestriction>,
    /// Turn restrictions of the block for the profile that could not be read.
    broken_restrictions: u32,
}

/// A needed node found in pass 2: index among the needed ids, position, blocking barrier,
/// delay in deciseconds.
type FoundNode = (u32, i32, i32, bool, u16);

/// A node the gazetteer needs, found in pass 2: index among its needed ids, position.
type FoundPoint = (u32, i32, i32);

/// Reads the routable network of `path` for `profile`.
///
/// # Errors
/// See [`ImportError`]: missing or unreadable file, not a PBF, truncated, corrupt block,
/// out-of-range coordinates, no routable road.
pub fn read_network(path: &Path, profile: &'static Profile) -> Result<OsmNetwork, ImportError> {
    read_network_with_progress(path, profile, &|_| {})
}

/// [`read_network`], calling `progress` after each block (from any thread).
///
/// # Errors
/// As [`read_network`].
pub fn read_network_with_progress(
    path: &Path,
    profile: &'static Profile,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<OsmNetwork, ImportError> {
    read(path, profile, progress, false).map(|(net, _)| net)
}

/// [`read_network_with_progress`], also gathering the extract's addresses, named streets
/// and places ([`OsmGazetteer`], the same for every profile) in the same two passes.
///
/// # Errors
/// As [`read_network`].
pub fn read_network_and_gazetteer(
    path: &Path,
    profile: &'static Profile,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(OsmNetwork, OsmGazetteer), ImportError> {
    read(path, profile, progress, true).map(|(net, g)| (net, g.unwrap_or_default()))
}

fn read(
    path: &Path,
    profile: &'static Profile,
    progress: &(dyn Fn(Progress) + Sync),
    gather: bool,
) -> Result<(OsmNetwork, Option<OsmGazetteer>), ImportError> {
    let file = File::open(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ImportError::NotFound {
            path: path.to_owned(),
        },
        _ => ImportError::Io {
            path: path.to_owned(),
            source,
        },
    })?;
    let len = file
        .metadata()
        .map_err(|source| ImportError::Io {
            path: path.to_owned(),
            source,
        })?
        .len();
    let blocks = pbf::scan(&file, path, len)?;
    let data: Vec<Block> = blocks
        .into_iter()
        .filter(|b| b.kind != BlockKind::Other)
        .collect();

    let (sha, chunks) = rayon::join(
        || sha256_file(path, len),
        || pass_ways(&file, path, &data, profile, progress, gather),
    );
    let source_sha256 = sha?;
    let mut chunks = chunks?;
    let node_blocks_: Vec<Block> = data
        .iter()
        .zip(&chunks)
        .filter(|(_, c)| c.has_nodes)
        .map(|(b, _)| *b)
        .collect();

    // Ways in id order, so that the graph is the same whatever the block order.
    let mut ways: Vec<(usize, usize)> = chunks
        .iter()
        .enumerate()
        .flat_map(|(c, chunk)| (0..chunk.ways.len()).map(move |w| (c, w)))
        .collect();
    ways.par_sort_unstable_by_key(|&(c, w)| chunks[c].ways[w].id);
    if ways.is_empty() {
        return Err(ImportError::NoRoutableRoads {
            path: path.to_owned(),
            profile: profile.name,
        });
    }
    let mut needed: Vec<i64> = chunks.iter().flat_map(|c| c.refs.iter().copied()).collect();
    needed.par_sort_unstable();
    needed.dedup();
    if needed.len() >= u32::MAX as usize {
        return Err(ImportError::TooLarge {
            path: path.to_owned(),
            what: "nodes",
            count: needed.len(),
        });
    }

    let gazetteer_chunks: Vec<GazetteerChunk> = chunks
        .iter_mut()
        .filter_map(|c| c.gazetteer.take())
        .collect();
    let mut points: Vec<i64> = gazetteer_chunks
        .iter()
        .flat_map(|c| c.refs().iter().copied())
        .collect();
    points.par_sort_unstable();
    points.dedup();
    if points.len() >= u32::MAX as usize {
        return Err(ImportError::TooLarge {
            path: path.to_owned(),
            what: "address and place nodes",
            count: points.len(),
        });
    }
    let (found, found_points) = pass_nodes(
        &file,
        path,
        &node_blocks_,
        [&needed, &points],
        profile,
        progress,
    )?;
    let gazetteer = gather.then(|| {
        let mut coords = vec![None; points.len()];
        for &(i, lon, lat) in &found_points {
            coords[i as usize] = gazetteer::node_pos(lon, lat);
        }
        gazetteer::finish(gazetteer_chunks, &points, &coords)
    });
    // Scatter by needed index (a node repeated in the file: the first copy wins), then
    // number the present ones densely in id order. O(needed), no sort.
    const ABSENT: u32 = u32::MAX;
    let mut slot = vec![ABSENT; needed.len()];
    for (k, f) in found.iter().enumerate() {
        let s = &mut slot[f.0 as usize];
        if *s == ABSENT {
            *s = u32::try_from(k).expect("fewer than u32::MAX found nodes");
        }
    }
    let present = slot.iter().filter(|&&s| s != ABSENT).count();
    let mut net = OsmNetwork {
        profile,
        source_sha256,
        node_ids: Vec::with_capacity(present),
        node_lon: Vec::with_capacity(present),
        node_lat: Vec::with_capacity(present),
        node_blocks: Vec::with_capacity(present),
        node_delay: Vec::with_capacity(present),
        ways: Vec::new(),
        way_nodes: Vec::new(),
        restrictions: Vec::new(),
        broken_restrictions: 0,
    };
    for c in &mut chunks {
        net.restrictions.append(&mut c.restrictions);
        net.broken_restrictions += c.broken_restrictions;
    }
    net.restrictions.sort_unstable_by_key(|r| r.id);
    let mut index = slot;
    for (i, s) in index.iter_mut().enumerate() {
        if *s != ABSENT {
            let (_, lon, lat, blocks, delay) = found[*s as usize];
            *s = u32::try_from(net.node_ids.len()).expect("fewer than u32::MAX needed nodes");
            net.node_ids.push(OsmNodeId(needed[i]));
            net.node_lon.push(lon);
            net.node_lat.push(lat);
            net.node_blocks.push(blocks);
            net.node_delay.push(delay);
        }
    }
    drop(found);
    // Node ids of every way → dense node index (ABSENT where the file lacks the node).
    let mapped: Vec<Vec<u32>> = chunks
        .par_iter()
        .map(|c| {
            c.refs
                .iter()
                .map(|r| {
                    index[needed
                        .binary_search(r)
                        .expect("every ref is among the needed ids")]
                })
                .collect()
        })
        .collect();
    for &(c, w) in &ways {
        let raw = &chunks[c].ways[w];
        add_way_pieces(
            &mut net,
            raw,
            mapped[c][raw.first..raw.first + raw.len].iter().copied(),
        );
    }
    if net.ways.is_empty() {
        return Err(ImportError::NoRoutableRoads {
            path: path.to_owned(),
            profile: profile.name,
        });
    }
    if net.way_nodes.len() >= u32::MAX as usize {
        let count = net.way_nodes.len();
        return Err(ImportError::TooLarge {
            path: path.to_owned(),
            what: "way nodes",
            count,
        });
    }
    Ok((net, gazetteer))
}

/// Cuts a way at nodes absent from the file (and drops repeated consecutive nodes), adding
/// each piece of two or more nodes. A ferry's `duration` is spread over its present length.
fn add_way_pieces(net: &mut OsmNetwork, raw: &RawWay, nodes: impl Iterator<Item = u32>) {
    const ABSENT: u32 = u32::MAX;
    let first_piece = net.ways.len();
    let mut start = net.way_nodes.len();
    let close = |net: &mut OsmNetwork, start: usize| {
        let end = net.way_nodes.len();
        if end - start >= 2 {
            net.ways.push(OsmWay {
                id: OsmWayId(raw.id),
                nodes: start..end,
                forward_kmh: raw.rule.forward_kmh,
                backward_kmh: raw.rule.backward_kmh,
                ferry: raw.rule.ferry,
                toll: raw.rule.toll,
                unpaved: raw.rule.unpaved,
                name: raw.name.clone(),
                reference: raw.reference.clone(),
                destination: raw.destination.clone(),
                class: raw.class,
                junction: raw.junction,
            });
        } else {
            net.way_nodes.truncate(start);
        }
    };
    for n in nodes {
        if n == ABSENT {
            close(net, start);
            start = net.way_nodes.len();
        } else if net.way_nodes.len() == start || net.way_nodes.last() != Some(&n) {
            net.way_nodes.push(n);
        }
    }
    close(net, start);
    if let Some(duration) = raw.rule.ferry_duration_s {
        let length_m: f64 = net.ways[first_piece..]
            .iter()
            .map(|w| net.length_m(w))
            .sum();
        if length_m > 0.0 {
            let kmh = (length_m / duration * 3.6).max(0.1);
            for w in &mut net.ways[first_piece..] {
                w.forward_kmh = w.forward_kmh.map(|_| kmh);
                w.backward_kmh = w.backward_kmh.map(|_| kmh);
            }
        }
    }
}

/// Decodes one frame and hands its primitive block (if it is a data block) to `f`.
fn decode(
    file: &File,
    path: &Path,
    block: Block,
    f: impl FnOnce(&PrimitiveBlock),
) -> Result<(), ImportError> {
    let bytes = pbf::read_block(file, path, block)?;
    let corrupt = |e: osmpbf::Error| ImportError::CorruptBlob {
        path: path.to_owned(),
        offset: block.offset,
        detail: e.to_string(),
    };
    let blob = BlobReader::new(&bytes[..])
        .next()
        .ok_or_else(|| ImportError::CorruptBlob {
            path: path.to_owned(),
            offset: block.offset,
            detail: "empty block".to_owned(),
        })?
        .map_err(corrupt)?;
    match blob.decode().map_err(corrupt)? {
        BlobDecode::OsmData(b) => {
            // osmpbf sums the delta-coded fields of dense nodes (ids, coordinates, metadata)
            // and scales coordinates with plain arithmetic, which overflows on a corrupt
            // block, a panic where overflow checks are on (found by fuzzing): such a block
            // is refused as corrupt instead.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&b))).map_err(|_| {
                ImportError::CorruptBlob {
                    path: path.to_owned(),
                    offset: block.offset,
                    detail: "a number of the block overflows".to_owned(),
                }
            })?;
        }
        BlobDecode::OsmHeader(_) | BlobDecode::Unknown(_) => {}
    }
    Ok(())
}

/// Pass 1: routable ways of every block (in block order).
fn pass_ways(
    file: &File,
    path: &Path,
    blocks: &[Block],
    profile: &'static Profile,
    progress: &(dyn Fn(Progress) + Sync),
    gather: bool,
) -> Result<Vec<WayChunk>, ImportError> {
    let total = blocks.iter().map(|b| b.len).sum();
    let done = AtomicU64::new(0);
    blocks
        .par_iter()
        .map(|&block| {
            let mut chunk = WayChunk::default();
            decode(file, path, block, |b| {
                if gather {
                    chunk
                        .gazetteer
                        .get_or_insert_with(GazetteerChunk::default)
                        .add_block(b);
                }
                let mut tags: Vec<(&str, &str)> = Vec::new();
                for group in b.groups() {
                    if !chunk.has_nodes
                        && (group.dense_nodes().next().is_some() || group.nodes().next().is_some())
                    {
                        chunk.has_nodes = true;
                    }
                    for way in group.ways() {
                        tags.clear();
                        tags.extend(way.tags());
                        let Some(rule) = way_rule(profile, &tags) else {
                            continue;
                        };
                        let name = tag(&tags, "name")
                            .or_else(|| tag(&tags, "ref"))
                            .unwrap_or("");
                        let first = chunk.refs.len();
                        // Deltas are summed with wrapping arithmetic: a corrupt block must not
                        // overflow-panic.
                        let mut id = 0i64;
                        chunk.refs.extend(way.raw_refs().iter().map(|d| {
                            id = id.wrapping_add(*d);
                            id
                        }));
                        let len = chunk.refs.len() - first;
                        chunk.ways.push(RawWay {
                            id: way.id(),
                            first,
                            len,
                            rule,
                            name: name.to_owned(),
                            reference: tag(&tags, "ref").unwrap_or("").to_owned(),
                            destination: tag(&tags, "destination").unwrap_or("").to_owned(),
                            class: RoadClass::from_tags(&tags),
                            junction: Junction::from_tags(&tags),
                        });
                    }
                    for relation in group.relations() {
                        tags.clear();
                        tags.extend(relation.tags());
                        if tag(&tags, "type") != Some("restriction") {
                            continue;
                        }
                        let members: Vec<restriction::Member<'_>> = relation
                            .members()
                            .map(|m| {
                                let kind = match m.member_type {
                                    RelMemberType::Node => 'n',
                                    RelMemberType::Way => 'w',
                                    RelMemberType::Relation => 'r',
                                };
                                (kind, m.member_id, m.role().unwrap_or(""))
                            })
                            .collect();
                        match restriction::read_relation(
                            profile.name,
                            relation.id(),
                            &tags,
                            &members,
                        ) {
                            restriction::Read::NotForProfile => {}
                            restriction::Read::Broken => chunk.broken_restrictions += 1,
                            restriction::Read::Restriction(r) => chunk.restrictions.push(r),
                        }
                    }
                }
            })?;
            let d = done.fetch_add(block.len, Ordering::Relaxed) + block.len;
            progress(Progress {
                pass: 1,
                bytes_done: d,
                bytes_total: total,
            });
            Ok(chunk)
        })
        .collect()
}

/// Pass 2: the needed nodes among the node blocks: the network's (`needed[0]`, with their
/// barriers; an invalid coordinate is an error) and the gazetteer's (`needed[1]`, position
/// only).
fn pass_nodes(
    file: &File,
    path: &Path,
    blocks: &[Block],
    [needed, points]: [&[i64]; 2],
    profile: &'static Profile,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(Vec<FoundNode>, Vec<FoundPoint>), ImportError> {
    let total = blocks.iter().map(|b| b.len).sum();
    let done = AtomicU64::new(0);
    let per_block: Vec<(Vec<FoundNode>, Vec<FoundPoint>)> = blocks
        .par_iter()
        .map(|&block| {
            let mut found = Vec::new();
            let mut found_points = Vec::new();
            let mut bad = None;
            decode(file, path, block, |b| {
                let mut tags: Vec<(&str, &str)> = Vec::new();
                for element in b.elements() {
                    let (id, lon, lat) = match &element {
                        Element::DenseNode(n) => (n.id(), n.decimicro_lon(), n.decimicro_lat()),
                        Element::Node(n) => (n.id(), n.decimicro_lon(), n.decimicro_lat()),
                        Element::Way(_) | Element::Relation(_) => continue,
                    };
                    if let Ok(i) = points.binary_search(&id) {
                        let i = u32::try_from(i).expect("fewer than u32::MAX gazetteer nodes");
                        found_points.push((i, lon, lat));
                    }
                    let Ok(i) = needed.binary_search(&id) else {
                        continue;
                    };
                    if !LonLat::new(from_fixed(lon), from_fixed(lat)).is_valid() {
                        bad.get_or_insert((id, lon, lat));
                    }
                    tags.clear();
                    match &element {
                        Element::DenseNode(n) => tags.extend(n.tags()),
                        Element::Node(n) => tags.extend(n.tags()),
                        Element::Way(_) | Element::Relation(_) => {}
                    }
                    let blocks = !tags.is_empty() && node_blocks(profile, &tags);
                    let delay = if tags.is_empty() {
                        0
                    } else {
                        deciseconds_u16(node_delay(profile, &tags))
                    };
                    let i = u32::try_from(i).expect("needed.len() < u32::MAX checked");
                    found.push((i, lon, lat, blocks, delay));
                }
            })?;
            if let Some((id, lon, lat)) = bad {
                return Err(ImportError::BadCoordinates {
                    path: path.to_owned(),
                    id,
                    lon,
                    lat,
                });
            }
            let d = done.fetch_add(block.len, Ordering::Relaxed) + block.len;
            progress(Progress {
                pass: 2,
                bytes_done: d,
                bytes_total: total,
            });
            Ok((found, found_points))
        })
        .collect::<Result<_, _>>()?;
    let mut all_points = Vec::new();
    let found = per_block
        .into_iter()
        .flat_map(|(f, p)| {
            all_points.extend(p);
            f
        })
        .collect();
    Ok((found, all_points))
}

/// Seconds as whole deciseconds in a `u16` (a profile's node delays are small constants).
fn deciseconds_u16(seconds: f64) -> u16 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to the u16 range first"
    )]
    let d = (seconds * 10.0).round().clamp(0.0, f64::from(u16::MAX)) as u16;
    d
}

/// SHA-256 of the whole file at `path`, `len` bytes long.
fn sha256_file(path: &Path, len: u64) -> Result<[u8; 32], ImportError> {
    use std::io::Read;
    let io = |source| ImportError::Io {
        path: path.to_owned(),
        source,
    };
    let mut f = File::open(path).map_err(io)?;
    let mut h = Sha256::new();
    // Reads of up to 1 MiB, but no larger buffer than the file needs.
    let mut buf = vec![
        0u8;
        usize::try_from(len)
            .unwrap_or(usize::MAX)
            .clamp(4096, 1 << 20)
    ];
    loop {
        let n = f.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().into())
}

/// Haversine length of a polyline of network nodes, in metres.
pub(crate) fn polyline_m(net: &OsmNetwork, nodes: &[u32]) -> f64 {
    nodes
        .windows(2)
        .map(|w| haversine_m(net.node_pos(w[0]), net.node_pos(w[1])))
        .sum()
}
