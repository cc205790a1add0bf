//! The framing of an `.osm.pbf` file: a sequence of blocks, each a 4-byte big-endian header
//! length, a `BlobHeader` protobuf message (`type`, `datasize`) and `datasize` bytes of blob.
//!
//! [`scan`] walks the frames without decompressing anything, so a file that is not a PBF, or
//! is cut short, is reported precisely before any parsing starts; the blobs are then read
//! and decoded independently (in parallel) with `osmpbf`. Blocks are read with positioned
//! reads (`FileExt::read_exact_at`), so this module builds on Unix targets only.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::ImportError;

/// Largest `BlobHeader` the format allows (64 KiB).
const MAX_HEADER: u64 = 64 * 1024;
/// Largest blob the format allows (32 MiB).
const MAX_BLOB: u64 = 32 * 1024 * 1024;

/// Kind of a block, from its header's `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockKind {
    /// `OSMHeader`.
    Header,
    /// `OSMData`.
    Data,
    /// Anything else (skipped, as the format asks).
    Other,
}

/// One framed block of the file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Block {
    /// Byte offset of the frame (its 4-byte length).
    pub(crate) offset: u64,
    /// Bytes of the whole frame (length, header, blob).
    pub(crate) len: u64,
    /// Header type.
    pub(crate) kind: BlockKind,
}

/// Reads exactly `buf.len()` bytes at `offset`.
fn read_at(file: &File, path: &Path, buf: &mut [u8], offset: u64) -> Result<(), ImportError> {
    file.read_exact_at(buf, offset)
        .map_err(|source| ImportError::Io {
            path: path.to_owned(),
            source,
        })
}

/// Walks all frames of the file. The first must be an `OSMHeader` block.
///
/// # Errors
/// [`ImportError::NotPbf`] when the first frame is not a PBF header,
/// [`ImportError::Truncated`] when a frame runs past the end of the file,
/// [`ImportError::CorruptBlob`] for a malformed later frame.
pub(crate) fn scan(file: &File, path: &Path, len: u64) -> Result<Vec<Block>, ImportError> {
    let not_pbf = |reason| ImportError::NotPbf {
        path: path.to_owned(),
        reason,
    };
    if len == 0 {
        return Err(not_pbf("the file is empty"));
    }
    let mut blocks = Vec::new();
    let mut offset = 0u64;
    let mut header = Vec::new();
    while offset < len {
        let first = blocks.is_empty();
        let malformed = |detail: &str| {
            if first {
                not_pbf("no OSMHeader block at the start")
            } else {
                ImportError::CorruptBlob {
                    path: path.to_owned(),
                    offset,
                    detail: detail.to_owned(),
                }
            }
        };
        let truncated = |needed| {
            if first && needed > MAX_HEADER + MAX_BLOB {
                not_pbf("no OSMHeader block at the start")
            } else {
                ImportError::Truncated {
                    path: path.to_owned(),
                    offset,
                    needed,
                    len,
                }
            }
        };
        if len - offset < 4 {
            return Err(truncated(4));
        }
        let mut size = [0u8; 4];
        read_at(file, path, &mut size, offset)?;
        let header_len = u64::from(u32::from_be_bytes(size));
        if header_len == 0 || header_len > MAX_HEADER {
            return Err(malformed("blob header size out of range"));
        }
        if len - offset - 4 < header_len {
            return Err(truncated(4 + header_len));
        }
        header.resize(usize::try_from(header_len).unwrap_or(0), 0);
        read_at(file, path, &mut header, offset + 4)?;
        let Some((kind, datasize)) = parse_blob_header(&header) else {
            return Err(malformed("unreadable blob header"));
        };
        if first && kind != BlockKind::Header {
            return Err(not_pbf("no OSMHeader block at the start"));
        }
        if datasize > MAX_BLOB {
            return Err(malformed("blob size out of range"));
        }
        let frame = 4 + header_len + datasize;
        if len - offset < frame {
            return Err(truncated(frame));
        }
        blocks.push(Block {
            offset,
            len: frame,
            kind,
        });
        offset += frame;
    }
    Ok(blocks)
}

/// Reads the bytes of one frame.
pub(crate) fn read_block(file: &File, path: &Path, block: Block) -> Result<Vec<u8>, ImportError> {
    let mut buf = vec![0u8; usize::try_from(block.len).unwrap_or(0)];
    read_at(file, path, &mut buf, block.offset)?;
    Ok(buf)
}

/// Decodes the `type` (field 1) and `datasize` (field 3) of a `BlobHeader` message.
fn parse_blob_header(mut b: &[u8]) -> Option<(BlockKind, u64)> {
    let mut kind = None;
    let mut datasize = None;
    while !b.is_empty() {
        let key = varint(&mut b)?;
        match (key >> 3, key & 7) {
            (field, 2) => {
                let n = usize::try_from(varint(&mut b)?).ok()?;
                let value = b.get(..n)?;
                b = &b[n..];
                if field == 1 {
                    kind = Some(match value {
                        b"OSMHeader" => BlockKind::Header,
                        b"OSMData" => BlockKind::Data,
                        _ => BlockKind::Other,
                    });
                }
            }
            (field, 0) => {
                let v = varint(&mut b)?;
                if field == 3 {
                    datasize = Some(v);
                }
            }
            (_, 1) => b = b.get(8..)?,
            (_, 5) => b = b.get(4..)?,
            _ => return None,
        }
    }
    Some((kind?, datasize?))
}

/// Reads a protobuf base-128 varint.
fn varint(b: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, rest) = b.split_first()?;
        *b = rest;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_header_fields() {
        let mut h = vec![0x0a, 9];
        h.extend_from_slice(b"OSMHeader");
        h.extend_from_slice(&[0x18, 0xac, 0x02]);
        assert_eq!(parse_blob_header(&h), Some((BlockKind::Header, 300)));
        assert_eq!(parse_blob_header(&h[..5]), None);
        assert_eq!(parse_blob_header(&[0x18, 1]), None);
        assert_eq!(parse_blob_header(&[0x0f]), None);
    }

    #[test]
    fn varint_limits() {
        assert_eq!(varint(&mut &[0x96, 0x01][..]), Some(150));
        assert_eq!(varint(&mut &[0xff; 11][..]), None);
        assert_eq!(varint(&mut &[0x80][..]), None);
    }
}
