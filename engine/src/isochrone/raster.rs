//! Reached road network → grid of times.
//!
//! Each grid vertex owns a bin, the square of side one cell around it. Every reached piece of
//! road is walked once through the bins it crosses (a grid traversal, as in ray casting); a
//! bin keeps the one road point that is best for its vertex (least `t + d / OFF_ROAD_SPEED`,
//! `t` the time the point is reached and `d` its distance to the vertex; of each piece, the
//! point where it enters the bin or the one nearest the vertex). The time of a road point is
//! interpolated along its edge from the time of its tail, by length. Then each vertex takes
//! the smallest `t + d / OFF_ROAD_SPEED` over the bins' points within [`REACH_CELLS`] cells
//! of it. Vertices near no reached road keep the cap (more than the largest contour), so
//! places far from every road become holes. The grid lies in the local equirectangular
//! projection around the first source, in metres.
//!
//! Keeping one point per bin costs some precision away from the bin's own vertex: another
//! road point of the bin may suit a neighbouring vertex better, which overstates that
//! vertex's time by at most a bin's diagonal walked off-road.

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

/// Calls `f` on the pieces of road reached within `bound_ds`: every edge out of each of
/// `nodes` reached within the bound (`times` by node, deciseconds); and on the edges of
/// `sources` from their points on.
fn for_each_piece(
    graph: &RoadGraph,
    (times, nodes): (&[u32], &[u32]),
    sources: &[Source],
    bound_ds: f64,
    mut f: impl FnMut(Piece),
) {
    for &u in nodes {
        let u = u as usize;
        let Some(&t) = times.get(u) else { continue };
        let t0 = f64::from(t);
        if t == u32::MAX || t0 > bound_ds {
            continue;
        }
        for e in graph.first_out[u]..graph.first_out[u + 1] {
            f(Piece {
                edge: e,
                from: 0.0,
                t0,
            });
        }
    }
    for s in sources {
        let t0 = f64::from(s.start.0);
        if t0 > bound_ds {
            continue;
        }
        for p in s.point.directions(graph).into_iter().flatten() {
            f(Piece {
                edge: p.edge.0,
                from: p.fraction,
                t0,
            });
        }
    }
}

/// The projected position of a node.
fn node_xy(graph: &RoadGraph, proj: &Projection, v: u32) -> [f64; 2] {
    let v = v as usize;
    proj.project(LonLat::new(
        from_fixed(graph.node_lon[v]),
        from_fixed(graph.node_lat[v]),
    ))
}

/// The projected points of an edge's geometry, tail to head.
fn edge_xy(graph: &RoadGraph, proj: &Projection, e: u32, out: &mut Vec<[f64; 2]>) {
    out.clear();
    out.push(node_xy(graph, proj, graph.tail[e as usize]));
    let inner = graph.geom_first[e as usize] as usize..graph.geom_first[e as usize + 1] as usize;
    for i in inner {
        out.push(proj.project(LonLat::new(
            from_fixed(graph.geom_lon[i]),
            from_fixed(graph.geom_lat[i]),
        )));
    }
    out.push(node_xy(graph, proj, graph.head[e as usize]));
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
    let bound_ds = bound_s * 10.0;
    // Extent of the reached pieces' end nodes (and of the sources' edges), to size the grid.
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    let mut grow = |p: [f64; 2]| {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    };
    let times = reached.as_slice();
    let mut nodes: Vec<u32> = (0u32..)
        .zip(times)
        .filter(|&(_, &t)| t != u32::MAX && f64::from(t) <= bound_ds)
        .map(|(u, _)| u)
        .collect();
    for_each_piece(graph, (times, &nodes), sources, bound_ds, |p| {
        grow(node_xy(graph, proj, graph.tail[p.edge as usize]));
        grow(node_xy(graph, proj, graph.head[p.edge as usize]));
    });
    let mut xy = Vec::new();
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
    // Nodes in blocks of 16 × 16 cells, so that walking their pieces stays in a few cache
    // lines of the bins; one run of blocks per thread, each into its own bins, merged.
    let blocks_x = nx / 16 + 1;
    let mut keyed: Vec<(usize, u32)> = nodes
        .iter()
        .map(|&u| {
            let p = node_xy(graph, proj, u);
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "in the grid (saturating otherwise)"
            )]
            let (bx, by) = (
                ((p[0] - x0) / cell) as usize / 16,
                ((p[1] - y0) / cell) as usize / 16,
            );
            (by * blocks_x + bx, u)
        })
        .collect();
    keyed.sort_unstable();
    nodes.clear();
    nodes.extend(keyed.iter().map(|&(_, u)| u));
    let chunk = nodes.len().div_ceil(rayon::current_num_threads()).max(1);
    let grid_xy = |q: [f64; 2]| [(q[0] - x0) / cell, (q[1] - y0) / cell];
    let mut bins = nodes
        .par_chunks(chunk)
        .map(|part| {
            let mut bins = Bins::new(nx, ny, cell / OFF_ROAD_SPEED);
            let mut xy = Vec::new();
            for_each_piece(graph, (times, part), &[], bound_ds, |p| {
                walk_piece(graph, proj, p, bound_ds, grid_xy, &mut xy, &mut bins);
            });
            bins
        })
        .reduce_with(|a, b| a.merge(&b))
        .unwrap_or_else(|| Bins::new(nx, ny, cell / OFF_ROAD_SPEED));
    for_each_piece(graph, (times, &[]), sources, bound_ds, |p| {
        walk_piece(graph, proj, p, bound_ds, grid_xy, &mut xy, &mut bins);
    });
    let cap = bound_s + radius / OFF_ROAD_SPEED;
    let mut grid = Grid {
        x0,
        y0,
        cell,
        nx,
        ny,
        values: vec![cap; nx * ny],
    };
    grid.fill(&bins, REACH_CELLS);
    grid
}

/// Walks the part of piece `p` travelled within `bound_ds` through `bins`, `grid_xy` taking
/// projected points to grid coordinates; `xy` is scratch space.
fn walk_piece(
    graph: &RoadGraph,
    proj: &Projection,
    p: Piece,
    bound_ds: f64,
    grid_xy: impl Fn([f64; 2]) -> [f64; 2],
    xy: &mut Vec<[f64; 2]>,
    bins: &mut Bins,
) {
    let dur = f64::from(graph.duration[p.edge as usize]);
    // Fraction of the edge reached by the bound.
    let until = if dur > 0.0 {
        (p.from + (bound_ds - p.t0) / dur).min(1.0)
    } else {
        1.0
    };
    edge_xy(graph, proj, p.edge, xy);
    for q in xy.iter_mut() {
        *q = grid_xy(*q);
    }
    let total: f64 = xy.windows(2).map(|w| dist(w[0], w[1])).sum();
    let (s_from, s_until) = (p.from * total, until * total);
    // Seconds at length `s` along the edge.
    let time_at = |s: f64| {
        let frac = if total > 0.0 { s / total } else { 0.0 };
        (p.t0 + (frac - p.from).max(0.0) * dur) / 10.0
    };
    let mut s0: f64 = 0.0;
    for w in xy.windows(2) {
        let len = dist(w[0], w[1]);
        let (a, b) = (s0.max(s_from), (s0 + len).min(s_until));
        if a <= b {
            let at = |s: f64| {
                let f = if len > 0.0 { (s - s0) / len } else { 0.0 };
                [
                    w[0][0] + (w[1][0] - w[0][0]) * f,
                    w[0][1] + (w[1][1] - w[0][1]) * f,
                ]
            };
            bins.walk(at(a), time_at(a), at(b), time_at(b));
        }
        s0 += len;
        if s0 > s_until {
            break;
        }
    }
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    (dx * dx + dy * dy).sqrt()
}

/// The road point of each vertex's bin (the square of side one cell centred on it) best for
/// that vertex: the least `t + d · walk`, `d` its distance to the vertex; row-major like
/// [`Grid::values`].
#[derive(Clone, Debug)]
pub(crate) struct Bins {
    nx: usize,
    ny: usize,
    /// Seconds per grid unit walked off-road.
    walk: f64,
    /// `[seconds, x, y, score]`, the point in grid coordinates (vertex `(i, j)` is at
    /// `(i, j)`); `INFINITY` seconds and score when no road crosses the bin.
    cells: Vec<[f64; 4]>,
}

impl Bins {
    /// Bins of an `nx` × `ny` grid, all empty, for a walk of `walk` seconds per cell.
    pub(crate) fn new(nx: usize, ny: usize, walk: f64) -> Self {
        Self {
            nx,
            ny,
            walk,
            cells: vec![[f64::INFINITY, 0.0, 0.0, f64::INFINITY]; nx * ny],
        }
    }

    /// The better point of each bin of two bins of the same grid.
    fn merge(mut self, other: &Self) -> Self {
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            if b[3] < a[3] {
                *a = *b;
            }
        }
        self
    }

    /// Keeps `(p, t)` (grid coordinates, seconds) in the bin of vertex `(i, j)` if better
    /// for the vertex than what the bin has; outside the grid, nothing.
    #[inline]
    fn offer(&mut self, i: i64, j: i64, p: [f64; 2], t: f64) {
        let (Ok(iu), Ok(ju)) = (usize::try_from(i), usize::try_from(j)) else {
            return;
        };
        if iu >= self.nx || ju >= self.ny {
            return;
        }
        #[expect(clippy::cast_precision_loss, reason = "small bin indices")]
        let score = t + dist(p, [i as f64, j as f64]) * self.walk;
        let cell = &mut self.cells[ju * self.nx + iu];
        if score < cell[3] {
            *cell = [t, p[0], p[1], score];
        }
    }

    /// Offers the bin of vertex `(i, j)` the point of the part `[u, v]` of segment `seg`
    /// best for the vertex. Along the segment the score `t + d · walk` is convex: least
    /// where its slope is zero, `h·c` before the foot of the perpendicular from the vertex
    /// (`h` its length; see [`Segment::lead`]), or at the entry when the road is no faster
    /// than the walk.
    #[inline]
    fn offer_part(&mut self, (i, j): (i64, i64), seg: &Segment, u: f64, v: f64) {
        let [a, b] = seg.ends;
        let at = |w: f64| [a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w];
        let time = |w: f64| seg.times[0] + (seg.times[1] - seg.times[0]) * w;
        let w = match seg.lead {
            Some(c) if v > u => {
                let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
                #[expect(clippy::cast_precision_loss, reason = "small bin indices")]
                let (px, py) = (i as f64 - a[0], j as f64 - a[1]);
                let foot = (px * dx + py * dy) / seg.len_sq;
                // h / len, in the parameter's units.
                let h = (px * dy - py * dx).abs() / seg.len_sq;
                (foot - h * c).clamp(u, v)
            }
            _ => u,
        };
        self.offer(i, j, at(w), time(w));
    }

    /// Walks the segment from `a` at `ta` seconds to `b` at `tb` (grid coordinates, `ta <=
    /// tb`, time linear along the segment) through the bins it crosses, offering each bin
    /// the part of the segment in it; the part outside the grid is cut off first.
    pub(crate) fn walk(&mut self, a: [f64; 2], ta: f64, b: [f64; 2], tb: f64) {
        // Bin coordinates: bin (i, j) spans [i, i + 1) × [j, j + 1).
        let (ax, ay) = (a[0] + 0.5, a[1] + 0.5);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        #[expect(clippy::cast_precision_loss, reason = "grid sides")]
        let Some((u0, u1)) = clip(ax, dx, self.nx as f64).and_then(|(u0, u1)| {
            let (v0, v1) = clip(ay, dy, self.ny as f64)?;
            let (lo, hi) = (u0.max(v0), u1.min(v1));
            (lo <= hi).then_some((lo, hi))
        }) else {
            return;
        };
        // Clipped to the grid, the coordinates are not negative (but for rounding, which
        // truncation takes to bin 0): truncation is the floor, without a call to `floor`.
        #[expect(
            clippy::cast_possible_truncation,
            reason = "clipped to the grid: small integers"
        )]
        let bin = |v: f64| v as i64;
        let (mut i, mut j) = (bin(ax + dx * u0), bin(ay + dy * u0));
        let (ei, ej) = (bin(ax + dx * u1), bin(ay + dy * u1));
        // Segment parameter of the next vertical (x) and horizontal (y) bin border, and the
        // parameter step between two borders.
        let axis = |s: f64, d: f64, c: i64| -> (i64, f64, f64) {
            #[expect(clippy::cast_precision_loss, reason = "a small bin index")]
            let c = c as f64;
            if d > 0.0 {
                (1, (c + 1.0 - s) / d, 1.0 / d)
            } else if d < 0.0 {
                (-1, (c - s) / d, -1.0 / d)
            } else {
                (0, f64::INFINITY, f64::INFINITY)
            }
        };
        let (step_i, mut next_x, delta_x) = axis(ax, dx, i);
        let (step_j, mut next_y, delta_y) = axis(ay, dy, j);
        let steps = (ei - i).abs() + (ej - j).abs();
        let seg = Segment::new([a, b], [ta, tb], self.walk);
        let mut entry = u0;
        for _ in 0..steps {
            let (u, di, dj) = if next_x < next_y {
                let u = next_x;
                next_x += delta_x;
                (u, step_i, 0)
            } else {
                let u = next_y;
                next_y += delta_y;
                (u, 0, step_j)
            };
            let u = u.clamp(entry, u1);
            self.offer_part((i, j), &seg, entry, u);
            (i, j, entry) = (i + di, j + dj, u);
        }
        self.offer_part((i, j), &seg, entry, u1);
    }
}

/// A segment walked through the bins, in grid coordinates, with its times.
struct Segment {
    ends: [[f64; 2]; 2],
    times: [f64; 2],
    len_sq: f64,
    /// `k / √(1 − k²)`, `k` the segment's seconds per unit over the walk's, when `k < 1`:
    /// how far (in units of the vertex's distance from the line) before the foot of the
    /// perpendicular the best point lies; `None` when the entry is best.
    lead: Option<f64>,
}

impl Segment {
    fn new(ends: [[f64; 2]; 2], times: [f64; 2], walk: f64) -> Self {
        let [a, b] = ends;
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len_sq = dx * dx + dy * dy;
        let k = if len_sq > 0.0 {
            (times[1] - times[0]) / len_sq.sqrt() / walk
        } else {
            1.0
        };
        let lead = (k < 1.0).then(|| k / (1.0 - k * k).sqrt());
        Self {
            ends,
            times,
            len_sq,
            lead,
        }
    }
}

/// The parameter range `[u0, u1]` within `[0, 1]` where `s + d·u` lies in `[0, n]`, `None`
/// when empty.
fn clip(s: f64, d: f64, n: f64) -> Option<(f64, f64)> {
    if d == 0.0 {
        return (0.0..=n).contains(&s).then_some((0.0, 1.0));
    }
    let (p, q) = ((0.0 - s) / d, (n - s) / d);
    let (lo, hi) = (p.min(q).max(0.0), p.max(q).min(1.0));
    (lo <= hi).then_some((lo, hi))
}

impl Grid {
    /// Lowers every vertex to the smallest `t + d / OFF_ROAD_SPEED` over the bins' points
    /// within `reach` cells of it: rows in parallel, each vertex looking at the bins near
    /// enough to hold such a point, nearest first, and skipping a bin when even its nearest
    /// possible point would not lower the vertex.
    pub(crate) fn fill(&mut self, bins: &Bins, reach: f64) {
        let (nx, ny, cell) = (self.nx, self.ny, self.cell);
        if nx == 0 || ny == 0 {
            return;
        }
        let r_sq = reach * reach;
        let walk = cell / OFF_ROAD_SPEED;
        // A bin's point lies within half a cell of its vertex on each axis: the bins
        // (di, dj) away whose square comes within `reach` of the vertex, with the walk from
        // its nearest possible point (shortened a little against rounding).
        let gap = |d: i64| {
            #[expect(clippy::cast_precision_loss, reason = "a small offset")]
            let d = (d.abs() as f64 - 0.5).max(0.0);
            d * d
        };
        #[expect(clippy::cast_possible_truncation, reason = "a few cells")]
        let k = (reach + 0.5).ceil() as i64;
        let mut near: Vec<(i64, i64, f64)> = (-k..=k)
            .flat_map(|dj| (-k..=k).map(move |di| (di, dj)))
            .filter(|&(di, dj)| gap(di) + gap(dj) <= r_sq)
            .map(|(di, dj)| (di, dj, (gap(di) + gap(dj)).sqrt() * walk * (1.0 - 1e-9)))
            .collect();
        near.sort_by(|a, b| a.2.total_cmp(&b.2));
        #[expect(clippy::cast_possible_wrap, reason = "grid sides are small")]
        let (nx_i, ny_i) = (nx as i64, ny as i64);
        self.values
            .par_chunks_mut(nx)
            .enumerate()
            .for_each(|(j, row)| {
                #[expect(clippy::cast_possible_wrap, reason = "grid sides are small")]
                let j = j as i64;
                #[expect(clippy::cast_precision_loss, reason = "a grid index")]
                let y = j as f64;
                for (i, out) in (0..).zip(row.iter_mut()) {
                    #[expect(clippy::cast_precision_loss, reason = "a grid index")]
                    let x = i as f64;
                    let mut best = *out;
                    for &(di, dj, least) in &near {
                        let (ii, jj) = (i + di, j + dj);
                        if ii < 0 || jj < 0 || ii >= nx_i || jj >= ny_i {
                            continue;
                        }
                        #[expect(
                            clippy::cast_sign_loss,
                            clippy::cast_possible_truncation,
                            reason = "in the grid"
                        )]
                        let [t, bx, by, _] = bins.cells[jj as usize * nx + ii as usize];
                        if t + least >= best {
                            continue;
                        }
                        let (ddx, ddy) = (bx - x, by - y);
                        let d_sq = ddx * ddx + ddy * ddy;
                        if d_sq <= r_sq {
                            let v = t + d_sq.sqrt() * walk;
                            if v < best {
                                best = v;
                            }
                        }
                    }
                    *out = best;
                }
            });
    }
}

#[cfg(test)]
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    reason = "test helpers on small grids"
)]
mod tests {
    use rand::{RngExt, SeedableRng};
    use rand_pcg::Pcg64;

    use super::*;

    /// Filling from the bins gives exactly the grid where each vertex looks at every bin.
    #[test]
    fn fill_matches_looking_at_every_bin() {
        let mut rng = Pcg64::seed_from_u64(5);
        for _ in 0..30 {
            let (nx, ny) = (rng.random_range(1..40), rng.random_range(1..40));
            let reach = rng.random_range(0.5..4.0);
            let mut bins = Bins::new(nx, ny, 20.0 / OFF_ROAD_SPEED);
            for _ in 0..rng.random_range(0..200) {
                let p = [
                    rng.random_range(-3.0..nx as f64 + 3.0),
                    rng.random_range(-3.0..ny as f64 + 3.0),
                ];
                let (i, j) = ((p[0] + 0.5).floor() as i64, (p[1] + 0.5).floor() as i64);
                bins.offer(i, j, p, rng.random_range(0.0..3600.0));
            }
            let blank = Grid {
                x0: -100.0,
                y0: 50.0,
                cell: 20.0,
                nx,
                ny,
                values: vec![1e6; nx * ny],
            };
            let mut fast = blank.clone();
            fast.fill(&bins, reach);
            let mut slow = blank;
            for j in 0..ny {
                for i in 0..nx {
                    let v = &mut slow.values[j * nx + i];
                    for &[t, x, y, _] in &bins.cells {
                        let d = dist([x, y], [i as f64, j as f64]);
                        if t.is_finite() && d <= reach {
                            *v = v.min(t + d * (20.0 / OFF_ROAD_SPEED));
                        }
                    }
                }
            }
            assert_eq!(fast.values, slow.values);
        }
    }

    /// Walking a segment gives each bin it crosses a point of the segment, at that point's
    /// time, at least as good for the bin's vertex as dense sampling finds.
    #[test]
    fn walk_keeps_the_best_point_of_every_bin_crossed() {
        let mut rng = Pcg64::seed_from_u64(9);
        for _ in 0..300 {
            let (nx, ny) = (rng.random_range(1..30), rng.random_range(1..30));
            let mut pt = || {
                [
                    rng.random_range(-8.0..nx as f64 + 8.0),
                    rng.random_range(-8.0..ny as f64 + 8.0),
                ]
            };
            let (a, b) = (pt(), pt());
            // Some segments along a bin border or of one point.
            let b = match rng.random_range(0..6) {
                0 => [b[0], a[1]],
                1 => [a[0], b[1]],
                2 => a,
                3 => [a[0].round() - 0.5, b[1]],
                _ => b,
            };
            let a = if b[0] == a[0] && rng.random_bool(0.5) {
                [a[0].round() - 0.5, a[1]]
            } else {
                a
            };
            let ta = rng.random_range(0.0..100.0);
            // Slow roads too: as slow as the walk.
            let tb = ta + dist(a, b) * rng.random_range(0.1..1.0) * 14.0;
            let mut fast = Bins::new(nx, ny, 14.0);
            fast.walk(a, ta, b, tb);
            let mut slow = Bins::new(nx, ny, 14.0);
            let n = 20_000;
            for k in 0..=n {
                let u = f64::from(k) / f64::from(n);
                let p = [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u];
                let (i, j) = ((p[0] + 0.5).floor() as i64, (p[1] + 0.5).floor() as i64);
                slow.offer(i, j, p, ta + (tb - ta) * u);
            }
            let len = dist(a, b);
            for k in 0..nx * ny {
                let (f, s) = (fast.cells[k], slow.cells[k]);
                if s[3].is_finite() {
                    assert!(f[3] <= s[3] + 1e-9, "{a:?} {b:?} bin {k}: {f:?} {s:?}");
                }
                if f[3].is_finite() {
                    let u = if tb > ta {
                        (f[0] - ta) / (tb - ta)
                    } else {
                        0.0
                    };
                    let p = [f[1], f[2]];
                    if tb > ta && len > 0.0 {
                        let q = [a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u];
                        assert!(dist(p, q) < 1e-6, "{p:?} {q:?}");
                    }
                    let (i, j) = ((k % nx) as f64, (k / nx) as f64);
                    let inset = (0.5 - (p[0] - i).abs()).min(0.5 - (p[1] - j).abs());
                    assert!(inset >= -1e-9, "{p:?} outside bin {k}");
                    assert!(s[3].is_finite() || inset <= len / f64::from(n) + 1e-9);
                }
            }
        }
    }
}
