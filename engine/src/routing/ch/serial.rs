//! The byte form of a hierarchy, stored as a section of the graph file.
//!
//! Little-endian: magic `VMCH`, version, node count, graph edge count, graph fingerprint,
//! ranks (each graph node's name inside the hierarchy; edges name nodes by rank), then for
//! the upward and the downward direction: edge count, CSR offsets, heads,
//! packed weights and the two child columns; last, a CRC-32 of all that precedes it.
//! [`ContractionHierarchy::from_bytes`] checks the checksum *and* every structural
//! invariant the queries rely on (ranks form a permutation, offsets are monotone, every edge
//! goes up, original edges match the graph, shortcut children meet at a lower node and add
//! up exactly), so no byte string can make a later query panic or loop.

use rayon::prelude::*;

use super::{ContractionHierarchy, Csr, ORIGINAL, graph_fingerprint};
use crate::graph::RoadGraph;
use crate::routing::RouteError;
use crate::routing::edge_point::edge_weight;

const MAGIC: &[u8; 4] = b"VMCH";
const VERSION: u32 = 2;

fn corrupt(what: &'static str, at: usize) -> RouteError {
    RouteError::Corrupt { what, at }
}

fn put_u32s(out: &mut Vec<u8>, v: &[u32]) {
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take(&mut self, len: usize, what: &'static str) -> Result<&[u8], RouteError> {
        let end = self.pos.checked_add(len).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or(corrupt(what, self.pos))?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self, what: &'static str) -> Result<u32, RouteError> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u32s(&mut self, len: usize, what: &'static str) -> Result<Vec<u32>, RouteError> {
        let b = self.take(len.checked_mul(4).ok_or(corrupt(what, self.pos))?, what)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    fn u64s(&mut self, len: usize, what: &'static str) -> Result<Vec<u64>, RouteError> {
        let b = self.take(len.checked_mul(8).ok_or(corrupt(what, self.pos))?, what)?;
        Ok(b.chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }

    fn csr(&mut self, n: usize) -> Result<Csr, RouteError> {
        let m = self.u32("edge count")? as usize;
        let first = self.u32s(n + 1, "offsets")?;
        let node = self.u32s(m, "heads")?;
        let weight = self.u64s(m, "weights")?;
        let a = self.u32s(m, "children")?;
        let b = self.u32s(m, "children")?;
        if first.first() != Some(&0) || first.last().map(|&l| l as usize) != Some(m) {
            return Err(corrupt("offsets do not span the edges", n));
        }
        if let Some(v) = first.windows(2).position(|w| w[0] > w[1]) {
            return Err(corrupt("offsets decrease", v));
        }
        // Monotone from 0 to m: the owners below add up to exactly m.
        let mut owner = Vec::with_capacity(m);
        for (v, w) in (0u32..).zip(first.windows(2)) {
            owner.extend(std::iter::repeat_n(v, (w[1] - w[0]) as usize));
        }
        Ok(Csr {
            first,
            owner,
            node,
            weight,
            a,
            b,
        })
    }
}

impl ContractionHierarchy {
    /// The hierarchy as bytes, for the graph file.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.heap_bytes() + 64);
        out.extend_from_slice(MAGIC);
        let n = u32::try_from(self.rank.len()).expect("node ids are u32");
        put_u32s(&mut out, &[VERSION, n, self.num_edges, self.fingerprint]);
        put_u32s(&mut out, &self.rank);
        for csr in [&self.up, &self.down] {
            put_u32s(
                &mut out,
                &[u32::try_from(csr.node.len()).expect("edge ids are u32")],
            );
            put_u32s(&mut out, &csr.first);
            put_u32s(&mut out, &csr.node);
            for w in &csr.weight {
                out.extend_from_slice(&w.to_le_bytes());
            }
            put_u32s(&mut out, &csr.a);
            put_u32s(&mut out, &csr.b);
        }
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        out
    }

    /// Reads a hierarchy written by [`ContractionHierarchy::to_bytes`] for `graph`.
    ///
    /// # Errors
    /// [`RouteError::Corrupt`] for truncated, altered or inconsistent bytes,
    /// [`RouteError::GraphMismatch`] when the hierarchy was built for another graph.
    pub fn from_bytes(bytes: &[u8], graph: &RoadGraph) -> Result<Self, RouteError> {
        let body_len = bytes.len().checked_sub(4).ok_or(corrupt("too short", 0))?;
        let (body, tail) = bytes.split_at(body_len);
        if crc32fast::hash(body).to_le_bytes() != tail {
            return Err(corrupt("checksum mismatch", body_len));
        }
        let mut r = Reader {
            bytes: body,
            pos: 0,
        };
        if r.take(4, "magic")? != MAGIC {
            return Err(corrupt("not a contraction hierarchy (magic)", 0));
        }
        if r.u32("version")? != VERSION {
            return Err(corrupt("unsupported version", 4));
        }
        let n = r.u32("node count")? as usize;
        let m = r.u32("edge count")?;
        let fingerprint = r.u32("fingerprint")?;
        for (what, found, expected) in [
            ("number of nodes", n as u64, graph.num_nodes() as u64),
            ("number of edges", u64::from(m), graph.num_edges() as u64),
            (
                "graph fingerprint",
                u64::from(fingerprint),
                u64::from(graph_fingerprint(graph)),
            ),
        ] {
            if found != expected {
                return Err(RouteError::GraphMismatch {
                    what,
                    found,
                    expected,
                });
            }
        }
        let rank = r.u32s(n, "ranks")?;
        let up = r.csr(n)?;
        let down = r.csr(n)?;
        if r.pos != body.len() {
            return Err(corrupt("trailing bytes", r.pos));
        }
        let ch = Self::assemble(m, fingerprint, rank, up, down);
        ch.validate(graph)?;
        Ok(ch)
    }

    /// Checks every invariant the queries and the unpacking rely on.
    fn validate(&self, g: &RoadGraph) -> Result<(), RouteError> {
        let n = self.rank.len();
        let mut seen = vec![false; n];
        for (v, &r) in self.rank.iter().enumerate() {
            match seen.get_mut(r as usize) {
                Some(s) if !*s => *s = true,
                _ => return Err(corrupt("ranks are not a permutation", v)),
            }
        }
        for (csr, upward) in [(&self.up, true), (&self.down, false)] {
            // Every edge on both cores; the first bad one (by index) is the error, as in a
            // sequential check.
            let bad = (0..csr.node.len())
                .into_par_iter()
                .find_first(|&i| self.check_edge(g, csr, upward, i).is_err());
            if let Some(i) = bad {
                return self.check_edge(g, csr, upward, i);
            }
        }
        Ok(())
    }

    /// Checks edge `i` of `csr` (the upward CSR when `upward`): it goes up the hierarchy, an
    /// original edge matches the graph, a shortcut's children meet, and the weight adds up.
    fn check_edge(
        &self,
        g: &RoadGraph,
        csr: &Csr,
        upward: bool,
        i: usize,
    ) -> Result<(), RouteError> {
        let n = self.rank.len();
        let (lo, hi) = (csr.owner[i], csr.node[i]);
        if hi as usize >= n || hi <= lo {
            return Err(corrupt("edge does not go up the hierarchy", i));
        }
        // The edge drives tail → head.
        let (tail, head) = if upward { (lo, hi) } else { (hi, lo) };
        let (a, b) = (csr.a[i], csr.b[i]);
        let w = if b == ORIGINAL {
            let ok = (a as usize) < g.num_edges()
                && self.rank[g.tails()[a as usize] as usize] == tail
                && self.rank[g.heads()[a as usize] as usize] == head;
            if !ok {
                return Err(corrupt("original edge does not match the graph", i));
            }
            Some(edge_weight(g, a))
        } else {
            let (a, b) = (a as usize, b as usize);
            let ok = a < self.down.node.len()
                && b < self.up.node.len()
                && self.down.owner[a] == self.up.owner[b]
                && self.down.node[a] == tail
                && self.up.node[b] == head;
            if !ok {
                return Err(corrupt("shortcut children do not meet", i));
            }
            self.down.weight[a].checked_add(self.up.weight[b])
        };
        if w != Some(csr.weight[i]) {
            return Err(corrupt("edge weight does not match its parts", i));
        }
        Ok(())
    }
}
