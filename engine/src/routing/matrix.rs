//! Many-to-many travel times and distances with the bucket algorithm (Knopp, Sanders,
//! Schultes, Schulz, Wagner 2007) on a [`ContractionHierarchy`].
//!
//! One backward upward search per target leaves `(target, weight)` in a bucket at every node
//! it settles (and does not stall); then one forward upward search per source scans the
//! buckets of the nodes it settles: the best `forward + bucket` over all nodes is the exact
//! shortest route, as in a point-to-point query. Both phases run in parallel with rayon, one
//! [`SearchSpace`] per thread, and every search is bounded by `settle_limit`. Any size that
//! fits in memory works; a pair without a route is `None`, never a huge number.

use rayon::prelude::*;

use super::ch::{Dir, relax, stalled};
use super::edge_point::{self, unpack};
use super::per_worker::PerWorker;
use super::search_space::INF;
use super::{ContractionHierarchy, EdgePoint, RouteError, SearchSpace};
use crate::graph::RoadGraph;
use crate::types::{Deciseconds, Meters};

/// Travel times and distances from every source to every target (flat, row-major).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TravelMatrix {
    sources: usize,
    targets: usize,
    /// Packed (duration, distance) per cell; `u64::MAX` for no route.
    cells: Vec<u64>,
}

impl TravelMatrix {
    /// Number of sources (rows).
    #[must_use]
    pub fn num_sources(&self) -> usize {
        self.sources
    }

    /// Number of targets (columns).
    #[must_use]
    pub fn num_targets(&self) -> usize {
        self.targets
    }

    /// Duration and distance from source `i` to target `j`; `None` when there is no route
    /// or when `i` or `j` is out of range.
    #[must_use]
    pub fn get(&self, i: usize, j: usize) -> Option<(Deciseconds, Meters)> {
        if i >= self.sources || j >= self.targets {
            return None;
        }
        let w = self.cells[i * self.targets + j];
        (w != INF).then(|| {
            let c = unpack(w);
            (c.duration, c.distance)
        })
    }
}

impl TravelMatrix {
    /// A matrix of `rows × cols` cells, all without a route.
    ///
    /// # Errors
    /// [`RouteError::TooLarge`] when the cells do not fit in memory.
    pub(crate) fn unreachable(rows: usize, cols: usize) -> Result<Self, RouteError> {
        let too_large = || RouteError::TooLarge {
            what: "matrix cells",
            count: rows.saturating_mul(cols),
            limit: isize::MAX as usize / 8,
        };
        let size = rows.checked_mul(cols).ok_or_else(too_large)?;
        let mut cells: Vec<u64> = Vec::new();
        cells.try_reserve_exact(size).map_err(|_| too_large())?;
        cells.resize(size, INF);
        Ok(Self {
            sources: rows,
            targets: cols,
            cells,
        })
    }

    /// The packed cell of source `i` and target `j` (`INF` for no route); in range.
    pub(crate) fn packed(&self, i: usize, j: usize) -> u64 {
        self.cells[i * self.targets + j]
    }

    /// The packed cells of each row, to fill in parallel.
    pub(crate) fn rows_mut(&mut self) -> rayon::slice::ChunksMut<'_, u64> {
        self.cells.par_chunks_mut(self.targets.max(1))
    }

    /// A larger matrix whose row `i` is row `rows[i]` of this one and column `j` column
    /// `cols[j]`; a `None` row or column has no route. Every index is in range.
    ///
    /// # Errors
    /// [`RouteError::TooLarge`] when the cells do not fit in memory.
    pub(crate) fn spread(
        &self,
        rows: &[Option<usize>],
        cols: &[Option<usize>],
    ) -> Result<Self, RouteError> {
        let mut out = Self::unreachable(rows.len(), cols.len())?;
        let width = cols.len();
        for (&r, row) in rows.iter().zip(out.cells.chunks_mut(width.max(1))) {
            let Some(i) = r else { continue };
            for (&c, cell) in cols.iter().zip(row.iter_mut()) {
                if let Some(j) = c {
                    *cell = self.packed(i, j);
                }
            }
        }
        Ok(out)
    }
}

/// One backward search's bucket entries: `(node, weight)` per settled, unstalled node.
fn backward_space(
    ch: &ContractionHierarchy,
    g: &RoadGraph,
    space: &mut SearchSpace,
    to: EdgePoint,
) -> Result<Vec<(u32, u64)>, RouteError> {
    space.reset(g.num_nodes());
    for (i, s) in edge_point::target_seeds(g, to).relabel(&ch.rank).iter() {
        space.bwd.relax(s.node, s.weight, i);
    }
    let limit = space.settle_limit();
    let mut out = Vec::new();
    while let Some((d, u)) = space.bwd.pop(limit)? {
        if !stalled(&space.bwd, ch.adjacency.arcs(u, Dir::Up), d) {
            out.push((u, d));
            relax(&mut space.bwd, ch.adjacency.arcs(u, Dir::Down), d);
        }
    }
    Ok(out)
}

impl ContractionHierarchy {
    /// The travel matrix from every source to every target.
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] / [`RouteError::InvalidFraction`] for a bad point,
    /// [`RouteError::GraphMismatch`] when `graph` is not the hierarchy's graph,
    /// [`RouteError::LimitExceeded`] when one search settles more than `settle_limit` nodes,
    /// [`RouteError::TooLarge`] when the matrix does not fit in memory.
    pub fn matrix(
        &self,
        graph: &RoadGraph,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
        settle_limit: usize,
    ) -> Result<TravelMatrix, RouteError> {
        self.check_graph(graph)?;
        for &p in sources.iter().chain(targets) {
            p.validate(graph)?;
        }
        let mut matrix = TravelMatrix::unreachable(sources.len(), targets.len())?;
        if matrix.cells.is_empty() {
            return Ok(matrix);
        }
        let n = graph.num_nodes();
        let pool = PerWorker::new(|| SearchSpace::new(n).with_settle_limit(settle_limit));
        let spaces: Vec<Vec<(u32, u64)>> = targets
            .par_iter()
            .map(|&t| pool.with(|space| backward_space(self, graph, space, t)))
            .collect::<Result<_, _>>()?;
        let (first, bucket) = bucket_csr(&spaces, n);
        drop(spaces);
        let buckets = Buckets {
            first: &first,
            entries: &bucket,
        };
        matrix
            .rows_mut()
            .zip(sources)
            .try_for_each(|(row, &from)| {
                pool.with(|space| self.fill_row(graph, space, &buckets, targets, row, from))
            })?;
        Ok(matrix)
    }

    /// One row: the direct ways along a shared edge, then the forward upward search that
    /// scans the buckets of the nodes it settles.
    fn fill_row(
        &self,
        graph: &RoadGraph,
        space: &mut SearchSpace,
        buckets: &Buckets<'_>,
        targets: &[EdgePoint],
        row: &mut [u64],
        from: EdgePoint,
    ) -> Result<(), RouteError> {
        for (cell, &to) in row.iter_mut().zip(targets) {
            if let Some((w, ..)) = edge_point::direct(graph, from, to) {
                *cell = w;
            }
        }
        space.reset(graph.num_nodes());
        for (i, s) in edge_point::source_seeds(graph, from)
            .relabel(&self.rank)
            .iter()
        {
            space.fwd.relax(s.node, s.weight, i);
        }
        let limit = space.settle_limit();
        while let Some((d, u)) = space.fwd.pop(limit)? {
            if stalled(&space.fwd, self.adjacency.arcs(u, Dir::Down), d) {
                continue;
            }
            let u_ = u as usize;
            for &(j, db) in &buckets.entries[buckets.first[u_]..buckets.first[u_ + 1]] {
                let c = &mut row[j as usize];
                *c = (*c).min(d.saturating_add(db));
            }
            relax(&mut space.fwd, self.adjacency.arcs(u, Dir::Up), d);
        }
        Ok(())
    }
}

/// The buckets of the backward searches as a CSR keyed by node: `first` (`n + 1` offsets)
/// and `(target, weight)` entries, target `j` being `spaces[j]`.
pub(crate) fn bucket_csr(spaces: &[Vec<(u32, u64)>], n: usize) -> (Vec<usize>, Vec<(u32, u64)>) {
    let mut first = vec![0usize; n + 1];
    for space in spaces {
        for &(v, _) in space {
            first[v as usize + 1] += 1;
        }
    }
    for i in 0..n {
        first[i + 1] += first[i];
    }
    let mut next = first.clone();
    let mut bucket = vec![(0u32, 0u64); first[n]];
    for (j, space) in (0u32..).zip(spaces) {
        for &(v, d) in space {
            bucket[next[v as usize]] = (j, d);
            next[v as usize] += 1;
        }
    }
    (first, bucket)
}

/// The backward searches' results as a CSR keyed by node: `(target, weight)` entries.
struct Buckets<'a> {
    first: &'a [usize],
    entries: &'a [(u32, u64)],
}
