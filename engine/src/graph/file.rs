//! The graph file: one [`RoadGraph`] plus opaque named sections (for example a contraction
//! hierarchy), versioned and checksummed.
//!
//! Layout, all integers little-endian:
//!
//! ```text
//! magic "VMESTEGR" (8 bytes) | format version u32 | header length u32
//! header: profile (u8 length + UTF-8) | source SHA-256 (32 bytes) |
//!         bbox min_lon, min_lat, max_lon, max_lat (i32, 1e-7 degree) |
//!         nodes u64 | edges u64 | components u64 | section count u32 |
//!         per section: name (u8 length + UTF-8), offset u64, length u64
//! section bytes ...
//! CRC-32 (u32) of every byte before it
//! ```
//!
//! Version 2 added the guidance sections `graph.geom_osm` (OSM id of every geometry point),
//! `graph.class` (road class byte per edge), `graph.ref` and `graph.destination` (indices
//! into the name table per edge); version-1 files are rejected with
//! [`FileError::UnsupportedVersion`], which asks for a re-import.
//!
//! Version 3 added turn restrictions: `graph.copy_node_of` and `graph.copy_edge_of` (the
//! original of each node and edge copy made by node splitting, see [`super::turns`]) and
//! `graph.turn_counts` (restrictions read, applied, skipped). Older files are rejected the
//! same way: their graph would ignore turn restrictions.
//!
//! The graph's arrays are sections named `graph.*`; callers add their own sections (names
//! must not start with `graph.`). Reading checks the magic, the version, the checksum, every
//! section's bounds and length, and every index of the graph (CSR offsets, node and edge
//! ids, twins, names, geometry, components), so a damaged file gives a [`FileError`] and
//! never a graph that panics later. Reading is O(file size).

mod stream;

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::{NO_EDGE, RoadGraph};
use crate::types::NodeId;

/// First bytes of every graph file.
pub const MAGIC: [u8; 8] = *b"VMESTEGR";
/// Version of the layout written by this build.
pub const FORMAT_VERSION: u32 = 3;
/// Prefix of the section names reserved for the graph itself.
pub const GRAPH_PREFIX: &str = "graph.";

/// Why a graph file could not be written or read.
#[derive(Debug, Error)]
pub enum FileError {
    /// Reading or writing the file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file does not start with the graph-file magic.
    #[error("not a vmeste graph file (bad magic)")]
    BadMagic,
    /// The file was written in another format version.
    #[error(
        "graph file format version {found} is not supported (this build reads version {expected}); re-run `vmeste import`"
    )]
    UnsupportedVersion {
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The file is shorter than its layout requires.
    #[error("graph file truncated: {len} bytes, at least {needed} needed")]
    Truncated {
        /// Length of the file.
        len: usize,
        /// Length required.
        needed: usize,
    },
    /// The stored checksum does not match the content.
    #[error("graph file corrupt: checksum {stored:#010x} stored, {computed:#010x} computed")]
    ChecksumMismatch {
        /// CRC-32 stored in the file.
        stored: u32,
        /// CRC-32 of the content.
        computed: u32,
    },
    /// The content is inconsistent (a damaged or hand-made file).
    #[error("graph file malformed: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// A caller's section name is empty, too long, reserved or repeated.
    #[error("invalid section name {name:?}")]
    SectionName {
        /// The name.
        name: String,
    },
}

/// What the caller records about the graph's origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    /// SHA-256 of the source `.osm.pbf` file.
    pub source_sha256: [u8; 32],
}

/// The header of a graph file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// Format version.
    pub version: u32,
    /// Profile of the graph.
    pub profile: String,
    /// SHA-256 of the source `.osm.pbf` file.
    pub source_sha256: [u8; 32],
    /// Bounding box `[min_lon, min_lat, max_lon, max_lat]` in 1e-7 degree (zeros when empty).
    pub bbox: [i32; 4],
    /// Number of nodes.
    pub num_nodes: u64,
    /// Number of directed edges.
    pub num_edges: u64,
    /// Number of strongly connected components.
    pub num_components: u64,
    /// Names and lengths (bytes) of all sections, graph's included, in file order.
    pub sections: Vec<(String, u64)>,
}

/// A graph file read back: header, graph, and the caller's extra sections.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphFile {
    /// The header.
    pub header: Header,
    /// The graph.
    pub graph: RoadGraph,
    /// The extra sections, in file order.
    pub sections: Vec<(String, Vec<u8>)>,
}

impl GraphFile {
    /// The bytes of the extra section `name`.
    #[must_use]
    pub fn section(&self, name: &str) -> Option<&[u8]> {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    }
}

/// Writes `graph` and the `extra` sections to `path` (through a temporary file renamed into
/// place). Returns the number of bytes written.
///
/// # Errors
/// [`FileError::SectionName`] for a bad extra name, [`FileError::Io`] on write failure.
///
/// # Examples
/// ```
/// use engine::graph::{GraphBuilder, file};
/// use engine::types::{LonLat, OsmNodeId};
/// let mut b = GraphBuilder::new("foot");
/// b.add_node(OsmNodeId(1), LonLat::new(7.42, 43.73));
/// let g = b.build()?;
/// let path = std::env::temp_dir().join(format!("doc-{}.graph", std::process::id()));
/// file::write(&path, &g, &file::Meta { source_sha256: [0; 32] }, &[("ch.order", &[1, 2, 3])])?;
/// let back = file::read(&path)?;
/// # std::fs::remove_file(&path).ok();
/// assert_eq!(back.graph, g);
/// assert_eq!(back.section("ch.order"), Some(&[1u8, 2, 3][..]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write(
    path: &Path,
    graph: &RoadGraph,
    meta: &Meta,
    extra: &[(&str, &[u8])],
) -> Result<u64, FileError> {
    let bytes = encode(graph, meta, extra)?;
    let io = |source| FileError::Io {
        path: path.to_owned(),
        source,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, &bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(bytes.len() as u64)
}

/// Reads and fully verifies a graph file.
///
/// # Errors
/// Any [`FileError`]: unreadable, not a graph file, other version, truncated, checksum
/// mismatch, inconsistent content.
pub fn read(path: &Path) -> Result<GraphFile, FileError> {
    // The common case, a sound file as `write` lays it out, is read section by section
    // straight into the arrays the graph keeps (no copy of the whole file in memory, no second
    // copy of each array). Anything else (a damaged file, sections out of order) is read again
    // by `decode`, which names the problem: both accept the same files and build the same
    // graph (`tests/engine/graph_file.rs`).
    if let Some(file) = stream::read(path) {
        return Ok(file);
    }
    let bytes = std::fs::read(path).map_err(|source| FileError::Io {
        path: path.to_owned(),
        source,
    })?;
    decode(&bytes)
}

fn u32_le(v: &[u32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}
fn i32_le(v: &[i32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}
fn i64_le(v: &[i64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn put_name(out: &mut Vec<u8>, name: &str) -> Result<(), FileError> {
    let len = u8::try_from(name.len()).map_err(|_| FileError::SectionName {
        name: name.to_owned(),
    })?;
    out.push(len);
    out.extend_from_slice(name.as_bytes());
    Ok(())
}

/// The graph's own sections.
fn graph_sections(g: &RoadGraph) -> Vec<(&'static str, Vec<u8>)> {
    let mut name_offsets = Vec::with_capacity(g.names.len() + 1);
    let mut name_bytes = Vec::new();
    name_offsets.push(0u32);
    for n in &g.names {
        name_bytes.extend_from_slice(n.as_bytes());
        name_offsets.push(u32::try_from(name_bytes.len()).unwrap_or(u32::MAX));
    }
    vec![
        ("graph.node_lon", i32_le(&g.node_lon)),
        ("graph.node_lat", i32_le(&g.node_lat)),
        ("graph.node_osm", i64_le(&g.node_osm)),
        ("graph.first_out", u32_le(&g.first_out)),
        ("graph.tail", u32_le(&g.tail)),
        ("graph.head", u32_le(&g.head)),
        ("graph.duration", u32_le(&g.duration)),
        ("graph.distance", u32_le(&g.distance)),
        ("graph.way", i64_le(&g.way)),
        ("graph.name", u32_le(&g.name)),
        ("graph.name_offsets", u32_le(&name_offsets)),
        ("graph.name_bytes", name_bytes),
        ("graph.flags", g.flags.clone()),
        ("graph.twin", u32_le(&g.twin)),
        ("graph.geom_first", u32_le(&g.geom_first)),
        ("graph.geom_lon", i32_le(&g.geom_lon)),
        ("graph.geom_lat", i32_le(&g.geom_lat)),
        ("graph.geom_osm", i64_le(&g.geom_osm)),
        ("graph.class", g.class.clone()),
        ("graph.ref", u32_le(&g.reference)),
        ("graph.destination", u32_le(&g.destination)),
        ("graph.first_in", u32_le(&g.first_in)),
        ("graph.in_edge", u32_le(&g.in_edge)),
        ("graph.component", u32_le(&g.component)),
        ("graph.component_size", u32_le(&g.component_size)),
        ("graph.copy_node_of", u32_le(&g.copy_node_of)),
        ("graph.copy_edge_of", u32_le(&g.copy_edge_of)),
        (
            "graph.turn_counts",
            u32_le(&[
                g.turn_counts.read,
                g.turn_counts.applied,
                g.turn_counts.skipped,
            ]),
        ),
    ]
}

/// The bytes of a graph file.
///
/// # Errors
/// [`FileError::SectionName`] for an empty, over-long (> 255 bytes), reserved (`graph.`) or
/// repeated extra section name.
pub fn encode(
    graph: &RoadGraph,
    meta: &Meta,
    extra: &[(&str, &[u8])],
) -> Result<Vec<u8>, FileError> {
    for (i, (name, _)) in extra.iter().enumerate() {
        let repeated = extra[..i].iter().any(|(n, _)| n == name);
        if name.is_empty() || name.len() > 255 || name.starts_with(GRAPH_PREFIX) || repeated {
            return Err(FileError::SectionName {
                name: (*name).to_owned(),
            });
        }
    }
    let own = graph_sections(graph);
    let sections: Vec<(&str, &[u8])> = own
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .chain(extra.iter().copied())
        .collect();
    let mut header = Vec::new();
    if graph.profile.len() > 255 {
        return Err(FileError::Malformed {
            detail: format!("profile name {:?} too long", graph.profile),
        });
    }
    put_name(&mut header, &graph.profile)?;
    header.extend_from_slice(&meta.source_sha256);
    let bbox = match graph.bbox() {
        Some((lo, hi)) => [lo.lon, lo.lat, hi.lon, hi.lat].map(crate::types::to_fixed),
        None => [0; 4],
    };
    header.extend(bbox.iter().flat_map(|v| v.to_le_bytes()));
    for count in [graph.num_nodes(), graph.num_edges(), graph.num_components()] {
        header.extend_from_slice(&(count as u64).to_le_bytes());
    }
    header.extend_from_slice(
        &u32::try_from(sections.len())
            .unwrap_or(u32::MAX)
            .to_le_bytes(),
    );
    // Section table: offsets are known once the table's own length is.
    let table_len: usize = sections.iter().map(|(n, _)| 1 + n.len() + 16).sum();
    let header_len = header.len() + table_len;
    let mut offset = (16 + header_len) as u64;
    for (name, bytes) in &sections {
        put_name(&mut header, name)?;
        header.extend_from_slice(&offset.to_le_bytes());
        header.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        offset += bytes.len() as u64;
    }
    let total = usize::try_from(offset).unwrap_or(usize::MAX) + 4;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    let header_len_u32 = u32::try_from(header.len()).map_err(|_| FileError::Malformed {
        detail: "header too long".to_owned(),
    })?;
    out.extend_from_slice(&header_len_u32.to_le_bytes());
    out.extend_from_slice(&header);
    for (_, bytes) in &sections {
        out.extend_from_slice(bytes);
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// A bounds-checked reader over the header bytes.
struct Cursor<'a> {
    b: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FileError> {
        if self.b.len() < n {
            return Err(malformed("header ends early"));
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, FileError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, FileError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn i32(&mut self) -> Result<i32, FileError> {
        Ok(i32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }
    fn u64(&mut self) -> Result<u64, FileError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }
    fn name(&mut self) -> Result<String, FileError> {
        let n = usize::from(self.u8()?);
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| malformed("a name is not UTF-8"))
    }
}

fn malformed(detail: impl Into<String>) -> FileError {
    FileError::Malformed {
        detail: detail.into(),
    }
}

/// Parses and verifies the bytes of a graph file.
///
/// # Errors
/// As [`read`].
pub fn decode(bytes: &[u8]) -> Result<GraphFile, FileError> {
    let len = bytes.len();
    if len < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        return Err(FileError::BadMagic);
    }
    if len < 16 + 4 {
        return Err(FileError::Truncated { len, needed: 20 });
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(FileError::UnsupportedVersion {
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize;
    let needed = 16usize.saturating_add(header_len).saturating_add(4);
    if len < needed {
        return Err(FileError::Truncated { len, needed });
    }
    let body = &bytes[..len - 4];
    let stored = u32::from_le_bytes(bytes[len - 4..].try_into().expect("4 bytes"));
    let parsed = read_header(&bytes[16..16 + header_len], version, header_len, body.len()).map(
        |(header, places)| {
            let table: Vec<(String, &[u8])> = places
                .into_iter()
                .map(|(name, start, end)| (name, &body[start..end]))
                .collect();
            (header, table)
        },
    );
    let (header, table) = match parsed {
        Ok(parsed) => parsed,
        // A damaged file is named as such, whatever part of it the damage hit.
        Err(e) => {
            let computed = crc32fast::hash(body);
            if stored != computed {
                return Err(FileError::ChecksumMismatch { stored, computed });
            }
            return Err(e);
        }
    };
    // The checksum (and the copy of the extra sections) on one core while the graph is
    // decoded and checked on the other; nothing is returned unless both pass. Decoding is
    // safe on any bytes (every index is checked), so it may start before the checksum ends.
    let ((computed, sections), graph) = rayon::join(
        || {
            let computed = crc32fast::hash(body);
            let sections: Vec<(String, Vec<u8>)> = if computed == stored {
                table
                    .iter()
                    .filter(|(n, _)| !n.starts_with(GRAPH_PREFIX))
                    .map(|(n, b)| (n.clone(), b.to_vec()))
                    .collect()
            } else {
                Vec::new()
            };
            (computed, sections)
        },
        || {
            let graph_only = table
                .iter()
                .filter(|(n, _)| n.starts_with(GRAPH_PREFIX))
                .map(|(n, b)| (n.clone(), Column::Bytes(b)))
                .collect();
            decode_graph(&header, graph_only)
        },
    );
    if stored != computed {
        return Err(FileError::ChecksumMismatch { stored, computed });
    }
    let graph = graph?;
    Ok(GraphFile {
        header,
        graph,
        sections,
    })
}

/// The header (`bytes`: the `header_len` bytes after the first 16) and the section table:
/// each section's name and its place `[start, end)` in the file, bounds-checked against the
/// body (the file without its checksum).
#[expect(clippy::type_complexity, reason = "a private helper's pair of results")]
fn read_header(
    bytes: &[u8],
    version: u32,
    header_len: usize,
    body_len: usize,
) -> Result<(Header, Vec<(String, usize, usize)>), FileError> {
    let mut c = Cursor { b: bytes };
    let profile = c.name()?;
    let source_sha256: [u8; 32] = c.take(32)?.try_into().expect("32 bytes");
    let bbox = [c.i32()?, c.i32()?, c.i32()?, c.i32()?];
    let (num_nodes, num_edges, num_components) = (c.u64()?, c.u64()?, c.u64()?);
    let count = c.u32()? as usize;
    let mut table: Vec<(String, usize, usize)> = Vec::with_capacity(count.min(1024));
    for _ in 0..count {
        let name = c.name()?;
        let (off, n) = (c.u64()?, c.u64()?);
        let start = usize::try_from(off).map_err(|_| malformed("section offset"))?;
        let size = usize::try_from(n).map_err(|_| malformed("section length"))?;
        let end = start
            .checked_add(size)
            .filter(|&e| e <= body_len && start >= 16 + header_len);
        let Some(end) = end else {
            return Err(malformed(format!("section {name} lies outside the file")));
        };
        if table.iter().any(|(n, _, _)| *n == name) {
            return Err(malformed(format!("section {name} repeated")));
        }
        table.push((name, start, end));
    }
    let header = Header {
        version,
        profile,
        source_sha256,
        bbox,
        num_nodes,
        num_edges,
        num_components,
        sections: table
            .iter()
            .map(|(n, start, end)| (n.clone(), (end - start) as u64))
            .collect(),
    };
    Ok((header, table))
}

/// One section's content: bytes of the file in memory, or read straight into the array it
/// decodes to ([`stream`]).
enum Column<'a> {
    /// Little-endian bytes, decoded on access.
    Bytes(&'a [u8]),
    /// Bytes of a byte-wide section.
    U8(Vec<u8>),
    /// A `u32` array.
    U32(Vec<u32>),
    /// An `i32` array.
    I32(Vec<i32>),
    /// An `i64` array.
    I64(Vec<i64>),
}

/// Typed access to the graph sections, checking each length; an array read straight from
/// the file is handed over, bytes are decoded.
struct Sections<'a> {
    table: Vec<(String, Column<'a>)>,
}

/// Decodes little-endian `bytes` of `width`-byte items.
fn items<T, const W: usize>(bytes: &[u8], from: fn([u8; W]) -> T) -> Vec<T> {
    bytes
        .chunks_exact(W)
        .map(|x| from(x.try_into().expect("W bytes")))
        .collect()
}

impl<'a> Sections<'a> {
    /// Takes section `name` out of the table, checking that it holds `count` items of `width`
    /// bytes (any number when `count` is `None`).
    fn take(
        &mut self,
        name: &str,
        width: usize,
        count: Option<usize>,
    ) -> Result<Column<'a>, FileError> {
        let i = self
            .table
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| malformed(format!("section {name} missing")))?;
        let column = self.table.swap_remove(i).1;
        let bytes = match &column {
            Column::Bytes(b) => b.len(),
            Column::U8(v) => v.len(),
            Column::U32(v) => v.len() * 4,
            Column::I32(v) => v.len() * 4,
            Column::I64(v) => v.len() * 8,
        };
        if bytes % width != 0 || count.is_some_and(|c| Some(bytes) != c.checked_mul(width)) {
            return Err(malformed(format!(
                "section {name} has {bytes} bytes, expected {count:?} × {width}"
            )));
        }
        Ok(column)
    }
    fn bytes(
        &mut self,
        name: &str,
        count: Option<usize>,
    ) -> Result<std::borrow::Cow<'a, [u8]>, FileError> {
        match self.take(name, 1, count)? {
            Column::Bytes(b) => Ok(std::borrow::Cow::Borrowed(b)),
            Column::U8(v) => Ok(std::borrow::Cow::Owned(v)),
            _ => Err(malformed(format!("section {name} is not bytes"))),
        }
    }
    fn u32s(&mut self, name: &str, count: Option<usize>) -> Result<Vec<u32>, FileError> {
        match self.take(name, 4, count)? {
            Column::Bytes(b) => Ok(items(b, u32::from_le_bytes)),
            Column::U32(v) => Ok(v),
            _ => Err(malformed(format!("section {name} is not u32"))),
        }
    }
    fn i32s(&mut self, name: &str, count: Option<usize>) -> Result<Vec<i32>, FileError> {
        match self.take(name, 4, count)? {
            Column::Bytes(b) => Ok(items(b, i32::from_le_bytes)),
            Column::I32(v) => Ok(v),
            _ => Err(malformed(format!("section {name} is not i32"))),
        }
    }
    fn i64s(&mut self, name: &str, count: Option<usize>) -> Result<Vec<i64>, FileError> {
        match self.take(name, 8, count)? {
            Column::Bytes(b) => Ok(items(b, i64::from_le_bytes)),
            Column::I64(v) => Ok(v),
            _ => Err(malformed(format!("section {name} is not i64"))),
        }
    }
}

fn decode_graph(h: &Header, table: Vec<(String, Column<'_>)>) -> Result<RoadGraph, FileError> {
    let too_big = |_| malformed("counts exceed this machine's address space");
    let n = usize::try_from(h.num_nodes).map_err(too_big)?;
    let m = usize::try_from(h.num_edges).map_err(too_big)?;
    let k = usize::try_from(h.num_components).map_err(too_big)?;
    if n >= u32::MAX as usize || m >= u32::MAX as usize {
        return Err(malformed("more nodes or edges than u32 ids allow"));
    }
    let mut s = Sections { table };
    let first_out = s.u32s("graph.first_out", Some(n + 1))?;
    let first_in = s.u32s("graph.first_in", Some(n + 1))?;
    let geom_first = s.u32s("graph.geom_first", Some(m + 1))?;
    let name_offsets = s.u32s("graph.name_offsets", None)?;
    let name_bytes = s.bytes("graph.name_bytes", None)?;
    let mut names = Vec::with_capacity(name_offsets.len().saturating_sub(1));
    check_offsets("graph.name_offsets", &name_offsets, name_bytes.len())?;
    for w in name_offsets.windows(2) {
        let bytes = &name_bytes[w[0] as usize..w[1] as usize];
        let name =
            std::str::from_utf8(bytes).map_err(|_| malformed("a street name is not UTF-8"))?;
        names.push(name.to_owned());
    }
    check_offsets("graph.first_out", &first_out, m)?;
    check_offsets("graph.first_in", &first_in, m)?;
    check_offsets("graph.geom_first", &geom_first, usize::MAX)?;
    let points = geom_first.last().map_or(0, |&p| p as usize);
    let copy_node_of = s.u32s("graph.copy_node_of", None)?;
    let copy_edge_of = s.u32s("graph.copy_edge_of", None)?;
    let (n0, m0) = (
        n.checked_sub(copy_node_of.len())
            .ok_or_else(|| malformed("more node copies than nodes"))?,
        m.checked_sub(copy_edge_of.len())
            .ok_or_else(|| malformed("more edge copies than edges"))?,
    );
    if copy_node_of.iter().any(|&v| v as usize >= n0)
        || copy_edge_of.iter().any(|&e| e as usize >= m0)
    {
        return Err(malformed("a copy's original is out of range"));
    }
    let turn_counts = match s.u32s("graph.turn_counts", Some(3))?[..] {
        [read, applied, skipped] => super::RestrictionCounts {
            read,
            applied,
            skipped,
        },
        _ => return Err(malformed("graph.turn_counts")),
    };
    let mut g = RoadGraph {
        profile: h.profile.clone(),
        node_lon: s.i32s("graph.node_lon", Some(n))?,
        node_lat: s.i32s("graph.node_lat", Some(n))?,
        node_osm: s.i64s("graph.node_osm", Some(n))?,
        first_out,
        tail: s.u32s("graph.tail", Some(m))?,
        head: s.u32s("graph.head", Some(m))?,
        duration: s.u32s("graph.duration", Some(m))?,
        distance: s.u32s("graph.distance", Some(m))?,
        way: s.i64s("graph.way", Some(m))?,
        name: s.u32s("graph.name", Some(m))?,
        names,
        flags: s.bytes("graph.flags", Some(m))?.into_owned(),
        twin: s.u32s("graph.twin", Some(m))?,
        geom_first,
        geom_lon: s.i32s("graph.geom_lon", Some(points))?,
        geom_lat: s.i32s("graph.geom_lat", Some(points))?,
        geom_osm: s.i64s("graph.geom_osm", Some(points))?,
        class: s.bytes("graph.class", Some(m))?.into_owned(),
        reference: s.u32s("graph.ref", Some(m))?,
        destination: s.u32s("graph.destination", Some(m))?,
        first_in,
        in_edge: s.u32s("graph.in_edge", Some(m))?,
        component: s.u32s("graph.component", Some(n))?,
        component_size: s.u32s("graph.component_size", Some(k))?,
        copy_node_of,
        copy_edge_of,
        turn_counts,
        node_copy_first: Vec::new(),
        node_copy: Vec::new(),
        edge_copy_first: Vec::new(),
        edge_copy: Vec::new(),
    };
    check_graph(&g)?;
    g.index_copies();
    Ok(g)
}

/// CSR offsets: start at 0, never decrease, end at `total` (any end when `total` is `MAX`).
fn check_offsets(name: &str, first: &[u32], total: usize) -> Result<(), FileError> {
    let ok = first.first() == Some(&0)
        && first.windows(2).all(|w| w[0] <= w[1])
        && (total == usize::MAX || first.last().is_some_and(|&l| l as usize == total));
    if ok {
        Ok(())
    } else {
        Err(malformed(format!(
            "{name}: offsets are not a valid CSR index"
        )))
    }
}

/// Every index of the graph is in range and the two CSRs, twins and components agree.
fn check_graph(g: &RoadGraph) -> Result<(), FileError> {
    let (n, m) = (g.num_nodes(), g.num_edges());
    for u in 0..n {
        for e in g.first_out[u]..g.first_out[u + 1] {
            if g.tail[e as usize] as usize != u {
                return Err(malformed(format!("edge {e}: tail disagrees with the CSR")));
            }
        }
    }
    if let Some(e) = g.head.iter().position(|&h| h as usize >= n) {
        return Err(malformed(format!("edge {e}: head out of range")));
    }
    let mut seen = vec![false; m];
    for v in 0..n {
        for i in g.first_in[v]..g.first_in[v + 1] {
            let e = g.in_edge[i as usize] as usize;
            if e >= m || seen[e] || g.head[e] as usize != v {
                return Err(malformed(format!("reverse CSR entry {i} is wrong")));
            }
            seen[e] = true;
        }
    }
    for (e, &t) in g.twin.iter().enumerate() {
        if t != NO_EDGE
            && ((t as usize) >= m
                || g.twin[t as usize] as usize != e
                || g.original_node(NodeId(g.tail[t as usize]))
                    != g.original_node(NodeId(g.head[e]))
                || g.original_node(NodeId(g.head[t as usize]))
                    != g.original_node(NodeId(g.tail[e])))
        {
            return Err(malformed(format!("edge {e}: bad twin {t}")));
        }
    }
    for (what, ids) in [
        ("name", &g.name),
        ("ref", &g.reference),
        ("destination", &g.destination),
    ] {
        if let Some(e) = ids.iter().position(|&x| x as usize >= g.names.len()) {
            return Err(malformed(format!("edge {e}: {what} out of range")));
        }
    }
    if let Some(e) = g
        .class
        .iter()
        .position(|&c| crate::osm::RoadClass::from_u8(c).is_none())
    {
        return Err(malformed(format!(
            "edge {e}: road class {} unknown",
            g.class[e]
        )));
    }
    let valid = |lon: &[i32], lat: &[i32]| {
        lon.iter().all(|v| v.unsigned_abs() <= 1_800_000_000)
            && lat.iter().all(|v| v.unsigned_abs() <= 900_000_000)
    };
    if !valid(&g.node_lon, &g.node_lat) || !valid(&g.geom_lon, &g.geom_lat) {
        return Err(malformed("coordinates out of range"));
    }
    let mut sizes = vec![0u32; g.component_size.len()];
    for &c in &g.component {
        match sizes.get_mut(c as usize) {
            Some(s) => *s += 1,
            None => return Err(malformed(format!("component {c} out of range"))),
        }
    }
    if sizes != g.component_size {
        return Err(malformed("component sizes disagree with the labels"));
    }
    Ok(())
}
