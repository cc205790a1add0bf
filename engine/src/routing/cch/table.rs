//! Many-to-many matrices on a metric: the bucket algorithm (Knopp et al. 2007) over
//! elimination-tree walks.
//!
//! Each target's backward walk leaves `(target, weight)` in the bucket of every node of its
//! tree path it reaches; each source's forward walk scans the buckets of the nodes on its own
//! path. Both phases run in parallel with rayon, one [`CchSpace`] per worker.

use rayon::prelude::*;

use super::super::matrix::{TravelMatrix, bucket_csr};
use super::super::per_worker::PerWorker;
use super::super::search_space::INF;
use super::super::{EdgePoint, RouteError};
use super::query::TreePath;
use super::{Cch, CchMetric, CchSpace};
use crate::graph::RoadGraph;

impl CchMetric {
    /// The travel matrix from every source to every target, avoiding the blocked edges; a
    /// pair without a route is a `None` cell. A small table (at most
    /// [`LABEL_CELLS_PER_POINT`](super::LABEL_CELLS_PER_POINT) cells per point) of a metric
    /// with labels is looked up in them.
    ///
    /// # Errors
    /// [`RouteError::UnknownEdge`] / [`RouteError::InvalidFraction`] for a bad point,
    /// [`RouteError::GraphMismatch`] when `cch`, `graph` and the metric do not belong
    /// together, [`RouteError::TooLarge`] when the matrix does not fit in memory.
    pub fn matrix(
        &self,
        cch: &Cch,
        graph: &RoadGraph,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
    ) -> Result<TravelMatrix, RouteError> {
        self.check(cch, graph, &[])?;
        for &p in sources.iter().chain(targets) {
            p.validate(graph)?;
        }
        if let Some(m) = self.matrix_labelled(cch, graph, sources, targets)? {
            return Ok(m);
        }
        let mut matrix = TravelMatrix::unreachable(sources.len(), targets.len())?;
        if sources.is_empty() || targets.is_empty() {
            return Ok(matrix);
        }
        let pool = PerWorker::new(|| CchSpace::new(cch));
        let walks: Vec<Vec<(u32, u64)>> = targets
            .par_iter()
            .map(|&t| pool.with(|space| self.backward_walk(cch, graph, space, t)))
            .collect();
        let (first, entries) = bucket_csr(&walks, cch.num_nodes());
        drop(walks);
        matrix.rows_mut().zip(sources).for_each(|(row, &from)| {
            for (cell, &to) in row.iter_mut().zip(targets) {
                if let Some((w, ..)) = self.direct(graph, from, to) {
                    *cell = w;
                }
            }
            pool.with(|space| {
                let src = self.source_seeds(cch, graph, from);
                space.fwd.clear();
                space.fwd.seed(&src);
                for v in TreePath::new(cch, &src) {
                    let d = space.fwd.dist[v as usize];
                    if d == INF {
                        continue;
                    }
                    for &(j, db) in &entries[first[v as usize]..first[v as usize + 1]] {
                        let c = &mut row[j as usize];
                        *c = (*c).min(d.saturating_add(db));
                    }
                    space.fwd.relax(cch, &self.up, v);
                }
            });
        });
        Ok(matrix)
    }

    /// The reached nodes of a target's backward walk with their weights.
    fn backward_walk(
        &self,
        cch: &Cch,
        graph: &RoadGraph,
        space: &mut CchSpace,
        to: EdgePoint,
    ) -> Vec<(u32, u64)> {
        let dst = self.target_seeds(cch, graph, to);
        space.bwd.clear();
        space.bwd.seed(&dst);
        let mut out = Vec::new();
        for v in TreePath::new(cch, &dst) {
            let d = space.bwd.dist[v as usize];
            if d != INF {
                out.push((v, d));
                space.bwd.relax(cch, &self.down, v);
            }
        }
        out
    }
}
