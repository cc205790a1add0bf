//! Reached road network → grid of times.
//!
//! Each grid vertex takes the smallest `t + d / OFF_ROAD_SPEED` over the points of the
//! reached road network within [`REACH_CELLS`] cells of it, where `t` is the time the road
//! point is reached (interpolated along the edge from the time of its tail, by length) and
//! `d` its distance to the vertex. Vertices near no reached road keep the cap (more than the
//! largest contour), so places far from every road become holes. The grid lies in the local
//! equirectangular projection around the first source, in metres.

use rayon::prelude::*;

use crate::graph::RoadGraph;
use crate::routing::{ReachedTimes, Source};
use crate::spatial::Projection;
use crate::types::{LonLat, from_fixed};

/// Speed between the road and a grid vertex, in metres per second (a walk).
pub(crate) const OFF_ROAD_SPEED: f64 = 1.4;
/// How far from a road point a vertex takes its time, in cells.
pub(crate) const REACH_CELLS: f64 = 2.5;
/// Smallest cell side, in metres.
const MIN_CELL_M: f64 = 20.0;
/// Largest number of cells along the longer side of the grid.
const MAX_CELLS: f64 = 400.0;

/// Times on a regular grid: vertex `(i, j)` sits at `(x0 + i·cell, y0 + j·cell)`.
#[derive(Clone, Debug)]
pub(crate) struct Grid {
    pub(crate) x0: f64,
    pub(crate) y0: f64,
    pub(crate) cell: f64,
    pub(crate) nx: usize,
    pub(crate) ny: usize,
    /// Seconds, row-major (`j * nx + i`).
    pub(crate) values: Vec<f64>,
}

/// A piece of an edge that is travelled: from `from` (fraction of the edge) at `t0`
/// deciseconds, at the edge's pace, until the bound.
#[derive(Clone, Copy, Debug)]
struct Piece {
    edge: u32,
    from: f64,
    t0: f64,
}

/// The pieces of road reached: every edge out of a reached node, and the edges of the
/// sources from their points on.
fn pieces(graph: &RoadGraph, reached: &ReachedTimes, sources: &[Source]) -> Vec<Piece> {
    let times = reached.as_slice();
    // Earliest first, so that the grid's vertices get low times early and later samples
    // mostly fail the cheap test in `Grid::spread`.
    let mut order: Vec<(u32, usize)> = times
        .iter()
        .enumerate()
        .filter(|&(_, &t)| t != u32::MAX)
        .map(|(u, &t)| (t, u))
        .collect();
    order.sort_unstable();
    let mut out = Vec::new();
    for (t, u) in order {
        for e in graph.first_out[u]..graph.first_out[u + 1] {
            out.push(Piece {
                edge: e,
                from: 0.0,
                t0: f64::from(t),
            });
        }
    }
    for s in sources {
        for p in s.point.directions(graph).into_iter().flatten() {
            out.push(Piece {
                edge: p.edge.0,
                from: p.fraction,
                t0: f64::from(s.start.0),
            });
        }
    }
    out
}

/// The projected points of an edge's geometry, tail to head.
fn edge_xy(graph: &RoadGraph, proj: &Projection, e: u32, out: &mut Vec<[f64; 2]>) {
    out.clear();
    let at = |lon: i32, lat: i32| proj.project(LonLat::new(from_fixed(lon), from_fixed(lat)));
    let (t, h) = (
        graph.tail[e as usize] as usize,
        graph.head[e as usize] as usize,
    );
    out.push(at(graph.node_lon[t], graph.node_lat[t]));
    let inner = graph.geom_first[e as usize] as usize..graph.geom_first[e as usize + 1] as usize;
    for i in inner {
        out.push(at(graph.geom_lon[i], graph.geom_lat[i]));
    }
    out.push(at(graph.node_lon[h], graph.node_lat[h]));
}

/// Rasterises the road network reached within `bound_s` seconds (at most the bound of
/// `reached`) around the projection's origin.
pub(crate) fn rasterize(
    graph: &RoadGraph,
    proj: &Projection,
    reached: &ReachedTimes,
    sources: &[Source],
    bound_s: f64,
) -> Grid {
    let pieces = pieces(graph, reached, sources);
    let bound_ds = bound_s * 10.0;
    // Extent of the reached nodes (and sources), to size the grid.
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    let mut grow = |p: [f64; 2]| {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    };
    let mut xy = Vec::new();
    for p in &pieces {
        for v in [graph.tail[p.edge as usize], graph.head[p.edge as usize]] {
            let v = v as usize;
            grow(proj.project(LonLat::new(
                from_fixed(graph.node_lon[v]),
                from_fixed(graph.node_lat[v]),
            )));
        }
    }
    for s in sources {
        edge_xy(graph, proj, s.point.edge.0, &mut xy);
        xy.iter().copied().for_each(&mut grow);
    }
    if !lo[0].is_finite() {
        (lo, hi) = ([0.0; 2], [0.0; 2]);
    }
    let extent = (hi[0] - lo[0]).max(hi[1] - lo[1]);
    let cell = (extent / MAX_CELLS).max(MIN_CELL_M);
    let radius = REACH_CELLS * cell;
    // Room for the reach around the extent, for edge geometry past the last node reached,
    // and for a border of unreached vertices that closes every ring.
    let margin = radius + 4.0 * cell;
    let (x0, y0) = (lo[0] - margin, lo[1] - margin);
    let cells = |span: f64| {
        let n = ((span + 2.0 * margin) / cell).ceil() + 1.0;
        #[expect(clippy::cast_possible_truncation, reason = "bounded by MAX_CELLS + 12")]
        let n = n.clamp(2.0, MAX_CELLS + 16.0) as usize;
        n
    };
    let (nx, ny) = (cells(hi[0] - lo[0]), cells(hi[1] - lo[1]));
    let cap = bound_s + radius / OFF_ROAD_SPEED;
    let mut grid = Grid {
        x0,
        y0,
        cell,
        nx,
        ny,
        values: vec![cap; nx * ny],
    };
    let step = cell * 0.6;
    // Road samples `[x, y, seconds]`, spread onto the grid at the end.
    let mut samples: Vec<[f64; 3]> = Vec::new();
    for p in &pieces {
        let dur = f64::from(graph.duration[p.edge as usize]);
        if p.t0 > bound_ds {
            continue;
        }
        // Fraction of the edge reached by the bound.
        let until = if dur > 0.0 {
            (p.from + (bound_ds - p.t0) / dur).min(1.0)
        } else {
            1.0
        };
        edge_xy(graph, proj, p.edge, &mut xy);
        let total: f64 = xy.windows(2).map(|w| dist(w[0], w[1])).sum();
        let (s_from, s_until) = (p.from * total, until * total);
        // Seconds at length `s` along the edge.
        let time_at = |s: f64| {
            let frac = if total > 0.0 { s / total } else { 0.0 };
            (p.t0 + (frac - p.from).max(0.0) * dur) / 10.0
        };
        // Samples every `step` along the edge from `s_from`, and the last point reached.
        let mut next = s_from;
        let mut s0: f64 = 0.0;
        let mut last = None;
        for w in xy.windows(2) {
            let len = dist(w[0], w[1]);
            let end = (s0 + len).min(s_until);
            while next <= end {
                let f = if len > 0.0 { (next - s0) / len } else { 0.0 };
                let pt = [
                    w[0][0] + (w[1][0] - w[0][0]) * f,
                    w[0][1] + (w[1][1] - w[0][1]) * f,
                ];
                samples.push([pt[0], pt[1], time_at(next)]);
                next += step;
            }
            if s0 + len >= s_until {
                let f = if len > 0.0 {
                    ((s_until - s0) / len).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                last = Some([
                    w[0][0] + (w[1][0] - w[0][0]) * f,
                    w[0][1] + (w[1][1] - w[0][1]) * f,
                ]);
                break;
            }
            s0 += len;
        }
        if let Some(pt) = last {
            samples.push([pt[0], pt[1], time_at(s_until)]);
        }
    }
    grid.spread(&samples, radius);
    grid
}

/// Rows of the grid one task of [`Grid::spread`] fills.
const BAND_ROWS: usize = 8;

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    (dx * dx + dy * dy).sqrt()
}

impl Grid {
    /// Lowers every vertex within `radius` of a sample `[x, y, t]` to `t` plus the walk from
    /// the sample: the same as [`Grid::splat`] of each sample, in bands of rows filled in
    /// parallel, each from the samples that reach it.
    fn spread(&mut self, samples: &[[f64; 3]], radius: f64) {
        let r = radius / self.cell;
        let (nx, ny) = (self.nx, self.ny);
        if nx == 0 || ny == 0 {
            return;
        }
        let mut by_band: Vec<Vec<u32>> = vec![Vec::new(); ny.div_ceil(BAND_ROWS)];
        for (k, s) in samples.iter().enumerate() {
            let Some(rows) = axis_range((s[1] - self.y0) / self.cell, r, ny) else {
                continue;
            };
            let k = u32::try_from(k).unwrap_or(u32::MAX);
            for band in &mut by_band[rows.start() / BAND_ROWS..=rows.end() / BAND_ROWS] {
                band.push(k);
            }
        }
        let (x0, y0, cell) = (self.x0, self.y0, self.cell);
        self.values
            .par_chunks_mut(BAND_ROWS * nx)
            .zip(by_band.par_iter())
            .enumerate()
            .for_each(|(b, (rows, members))| {
                let first = b * BAND_ROWS;
                let last = first + rows.len() / nx - 1;
                for &k in members {
                    let s = samples[k as usize];
                    let (gx, gy) = ((s[0] - x0) / cell, (s[1] - y0) / cell);
                    let (Some(js), Some(is)) = (axis_range(gy, r, ny), axis_range(gx, r, nx))
                    else {
                        continue;
                    };
                    for j in (*js.start()).max(first)..=(*js.end()).min(last) {
                        #[expect(clippy::cast_precision_loss, reason = "a grid index")]
                        let dy = j as f64 - gy;
                        let row = &mut rows[(j - first) * nx..(j - first + 1) * nx];
                        for i in is.clone() {
                            // The walk only adds: a vertex already as early as the sample
                            // keeps its time.
                            if s[2] >= row[i] {
                                continue;
                            }
                            #[expect(clippy::cast_precision_loss, reason = "a grid index")]
                            let dx = i as f64 - gx;
                            let d_sq = dx * dx + dy * dy;
                            if d_sq <= r * r {
                                let v = s[2] + d_sq.sqrt() * cell / OFF_ROAD_SPEED;
                                if v < row[i] {
                                    row[i] = v;
                                }
                            }
                        }
                    }
                }
            });
    }

    /// Lowers the vertices within `radius` of `pt` to `t` plus the walk from `pt` (the
    /// one-sample reference of [`Grid::spread`]).
    #[cfg(test)]
    pub(crate) fn splat(&mut self, pt: [f64; 2], t: f64, radius: f64) {
        let (gx, gy) = ((pt[0] - self.x0) / self.cell, (pt[1] - self.y0) / self.cell);
        let r = radius / self.cell;
        let (Some(js), Some(is)) = (axis_range(gy, r, self.ny), axis_range(gx, r, self.nx)) else {
            return;
        };
        for j in js {
            for i in is.clone() {
                #[expect(clippy::cast_precision_loss, reason = "a grid index")]
                let (dx, dy) = (i as f64 - gx, j as f64 - gy);
                let d_sq = dx * dx + dy * dy;
                if d_sq <= r * r {
                    let v = t + d_sq.sqrt() * self.cell / OFF_ROAD_SPEED;
                    let cell = &mut self.values[j * self.nx + i];
                    if v < *cell {
                        *cell = v;
                    }
                }
            }
        }
    }
}

/// The grid indices within `r` of grid coordinate `g` on an axis of `n` vertices, `None`
/// when none is.
fn axis_range(g: f64, r: f64, n: usize) -> Option<std::ops::RangeInclusive<usize>> {
    #[expect(clippy::cast_precision_loss, reason = "a grid side")]
    let top = n as f64 - 1.0;
    let (a, b) = ((g - r).ceil().max(0.0), (g + r).floor().min(top));
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "within the grid"
    )]
    (a <= b).then_some(a as usize..=b as usize)
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64;

    use super::*;

    /// Spreading in parallel bands gives exactly the grid of splatting sample by sample,
    /// samples outside the grid and on its borders included.
    #[test]
    fn spread_matches_splatting_one_by_one() {
        let mut rng = Pcg64::seed_from_u64(5);
        for _ in 0..20 {
            let (nx, ny) = (rng.random_range(1..60), rng.random_range(1..60));
            let blank = Grid {
                x0: -100.0,
                y0: 50.0,
                cell: 20.0,
                nx,
                ny,
                values: vec![1e6; nx * ny],
            };
            let samples: Vec<[f64; 3]> = (0..rng.random_range(0..400))
                .map(|_| {
                    [
                        rng.random_range(-200.0..1200.0),
                        rng.random_range(-50.0..1300.0),
                        rng.random_range(0.0..3600.0),
                    ]
                })
                .collect();
            let mut fast = blank.clone();
            fast.spread(&samples, 50.0);
            let mut slow = blank;
            for s in &samples {
                slow.splat([s[0], s[1]], s[2], 50.0);
            }
            assert_eq!(fast.values, slow.values);
        }
    }
}
