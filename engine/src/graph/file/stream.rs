//! Reading a graph file section by section, straight into the arrays the graph keeps: the
//! way for a sound file laid out as [`super::write`] lays it out. Neither the whole file nor
//! a second copy of an array is ever held in memory. It gives up (`None`) at the first thing
//! it does not expect; [`super::read`] then reads the file again with [`super::decode`],
//! which names what is wrong.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::{Column, FORMAT_VERSION, GRAPH_PREFIX, GraphFile, MAGIC, decode_graph, read_header};

/// The file at `path`, read and fully verified (the CRC-32 of every byte, every index of the
/// graph), or `None` when anything is unusual.
pub(super) fn read(path: &Path) -> Option<GraphFile> {
    let mut file = File::open(path).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    let body_len = len.checked_sub(4)?;
    let mut crc = crc32fast::Hasher::new();
    let mut prefix = [0u8; 16];
    file.read_exact(&mut prefix).ok()?;
    crc.update(&prefix);
    let word =
        |i: usize| u32::from_le_bytes([prefix[i], prefix[i + 1], prefix[i + 2], prefix[i + 3]]);
    if prefix[..8] != MAGIC || word(8) != FORMAT_VERSION {
        return None;
    }
    let header_len = word(12) as usize;
    if 16usize.checked_add(header_len)? > body_len {
        return None;
    }
    let mut header_bytes = vec![0u8; header_len];
    file.read_exact(&mut header_bytes).ok()?;
    crc.update(&header_bytes);
    let (header, places) = read_header(&header_bytes, FORMAT_VERSION, header_len, body_len).ok()?;
    // The sections follow one another from the end of the header to the checksum.
    let mut at = 16 + header_len;
    let (mut graph, mut extra) = (Vec::new(), Vec::new());
    for (name, start, end) in places {
        if start != at {
            return None;
        }
        at = end;
        let column = read_column(&mut file, &mut crc, &name, end - start)?;
        match column {
            _ if name.starts_with(GRAPH_PREFIX) => graph.push((name, column)),
            Column::U8(bytes) => extra.push((name, bytes)),
            _ => return None,
        }
    }
    if at != body_len {
        return None;
    }
    let mut stored = [0u8; 4];
    file.read_exact(&mut stored).ok()?;
    // Nothing may follow: the file must not have grown since its length was read.
    if file.read(&mut [0u8; 1]).ok()? != 0 || crc.finalize() != u32::from_le_bytes(stored) {
        return None;
    }
    let graph = decode_graph(&header, graph).ok()?;
    Some(GraphFile {
        header,
        graph,
        sections: extra,
    })
}

/// The next `n` bytes of `file`, as the array section `name` decodes to.
fn read_column(
    file: &mut File,
    crc: &mut crc32fast::Hasher,
    name: &str,
    n: usize,
) -> Option<Column<'static>> {
    let width = match name {
        _ if !name.starts_with(GRAPH_PREFIX) => 1,
        "graph.name_bytes" | "graph.flags" | "graph.class" => 1,
        "graph.node_osm" | "graph.way" | "graph.geom_osm" => 8,
        _ => 4,
    };
    if !n.is_multiple_of(width) {
        return None;
    }
    let k = n / width;
    // `vec![0; k]` of an integer type is a zeroed allocation: its pages are first touched by
    // the read itself.
    Some(match name {
        _ if width == 1 => Column::U8(fill(file, crc, vec![0u8; k], |x| x)?),
        "graph.node_lon" | "graph.node_lat" | "graph.geom_lon" | "graph.geom_lat" => {
            Column::I32(fill(file, crc, vec![0i32; k], i32::from_le)?)
        }
        _ if width == 8 => Column::I64(fill(file, crc, vec![0i64; k], i64::from_le)?),
        _ => Column::U32(fill(file, crc, vec![0u32; k], u32::from_le)?),
    })
}

/// `v` filled with the next bytes of `file` (little-endian items, put in this machine's order
/// by `from_le`: nothing to do on a little-endian one), added to `crc`.
fn fill<T: bytemuck::Pod>(
    file: &mut File,
    crc: &mut crc32fast::Hasher,
    mut v: Vec<T>,
    from_le: impl Fn(T) -> T,
) -> Option<Vec<T>> {
    let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut v);
    file.read_exact(bytes).ok()?;
    crc.update(bytes);
    for x in &mut v {
        *x = from_le(*x);
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64;

    use super::super::{Meta, decode, encode};
    use super::read;
    use crate::routing::tests::random_graph;

    fn written(bytes: &[u8], tag: &str) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("vmeste-stream-{}-{tag}.vmg", std::process::id()));
        std::fs::write(&path, bytes).expect("temp file");
        path
    }

    /// A sound file reads section by section into exactly what decoding its bytes gives;
    /// a damaged one (a byte changed, with the checksum kept or recomputed; cut; grown) is
    /// never accepted when decoding refuses it, and gives the same graph when decoding
    /// accepts it.
    #[test]
    fn reading_by_sections_accepts_what_decoding_accepts_and_gives_the_same() {
        let mut rng = Pcg64::seed_from_u64(7);
        for seed in 0..6u8 {
            let g = random_graph(u64::from(seed), 40 + 10 * usize::from(seed), 90);
            let meta = Meta {
                source_sha256: [seed; 32],
            };
            let ch: Vec<u8> = (0..=255).collect();
            let bytes = encode(&g, &meta, &[("ch", &ch), ("empty", &[])]).expect("encode");
            let path = written(&bytes, "sound");
            let streamed = read(&path).expect("a sound file reads by sections");
            assert_eq!(streamed, decode(&bytes).expect("decode"));
            for case in 0..60 {
                let mut b = bytes.clone();
                match case % 4 {
                    0 => b.truncate(rng.random_range(0..b.len())),
                    1 => b.push(0),
                    _ => {
                        // Mostly the header and its section table, where layout lives.
                        let end = if case % 2 == 0 {
                            400.min(b.len() - 4)
                        } else {
                            b.len() - 4
                        };
                        let i = rng.random_range(8..end);
                        b[i] = rng.random();
                        if case % 8 < 4 {
                            let n = b.len() - 4;
                            let crc = crc32fast::hash(&b[..n]);
                            b[n..].copy_from_slice(&crc.to_le_bytes());
                        }
                    }
                }
                let path = written(&b, "damaged");
                match (read(&path), decode(&b)) {
                    (None, _) => {}
                    (Some(s), Ok(d)) => assert_eq!(s, d, "seed {seed} case {case}"),
                    (Some(_), Err(e)) => {
                        panic!("seed {seed} case {case}: accepted, decoding says {e}")
                    }
                }
                std::fs::remove_file(&path).ok();
            }
            std::fs::remove_file(&path).ok();
        }
    }
}
