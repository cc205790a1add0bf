//! Reached road network → grid of times.
//!
//! Each grid vertex owns a bin, the square of side one cell around it. Every reached piece of
//! road is walked once through the bins it crosses (a grid traversal, as in ray casting); a
//! bin keeps the one road point that is best for its vertex (least `t + d / OFF_ROAD_SPEED`,
//! `t` the time the point is reached and `d` its distance to the vertex; of each piece, the
//! point where it enters the bin or the one nearest the vertex). The time of a road point is
//! interpolated along its edge from the time of its tail, by length. A two-way road whose two
//! tails are both reached is walked once, each bin it crosses offered the best point of
//! either direction. Then each vertex takes the smallest `t + d / OFF_ROAD_SPEED` over the
//! bins' points within [`REACH_CELLS`] cells of it, nearest bins first, stopping once the
//! walk from the next bin plus the earliest time of any bin around ([`LeastTime`]) cannot
//! lower it. Vertices near no reached road keep the cap (more than the largest contour), so
//! places far from every road become holes. The grid lies in the local equirectangular
//! projection around the first source, in metres.
//!
//! Keeping one point per bin costs some precision away from the bin's own vertex: another
//! road point of the bin may suit a neighbouring vertex better, which overstates that
//! vertex's time by at most a bin's diagonal walked off-road.

use rayon::prelude::*;

use crate::graph::{NO_EDGE, RoadGraph};
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

/// A travelled part of an edge's road, in length along the edge walked (grid units from its
/// tail): `[s_lo, s_hi]`, reached at `c + m·s` seconds there (`m` negative when travelled
/// from the head: the twin's direction).
#[derive(Clone, Copy, Debug)]
struct Run {
    s_lo: f64,
    s_hi: f64,
    c: f64,
    m: f64,
}

/// Whether a two-way road whose two tails are reached is walked once for both directions.
/// Off: on random graphs the paired walk gave some vertices later times than walking each
/// direction alone (`each_road_walked_once_matches_each_direction_walked_alone`), a
/// difference not yet explained.
const WALK_TWINS_TOGETHER: bool = false;

/// How an edge is travelled from a point on it: from fraction `from` of `edge` at `t0`
/// deciseconds, at the edge's pace, until the bound.
#[derive(Clone, Copy, Debug)]
struct Piece {
    edge: u32,
    from: f64,
    t0: f64,
}

/// Calls `f` on the roads reached within `bound_ds` from `nodes` (`times` by node,
/// deciseconds): each edge out of a reached node, with the edge's twin when the twin's tail
/// is reached too, so that a two-way road is walked once for both directions (by the
/// smaller id of the two edges).
fn for_each_road(
    graph: &RoadGraph,
    (times, nodes): (&[u32], &[u32]),
    bound_ds: f64,
    mut f: impl FnMut(Piece, Option<Piece>),
) {
    let reached = |v: u32| {
        times
            .get(v as usize)
            .filter(|&&t| t != u32::MAX && f64::from(t) <= bound_ds)
            .map(|&t| f64::from(t))
    };
    for &u in nodes {
        let Some(t0) = reached(u) else { continue };
        let u = u as usize;
        for e in graph.first_out[u]..graph.first_out[u + 1] {
            let twin = graph.twin[e as usize];
            let back = (WALK_TWINS_TOGETHER && twin != NO_EDGE)
                .then(|| reached(graph.tail[twin as usize]))
                .flatten();
            match back {
                Some(_) if twin < e => {}
                Some(t1) => f(
                    Piece {
                        edge: e,
                        from: 0.0,
                        t0,
                    },
                    Some(Piece {
                        edge: twin,
                        from: 0.0,
                        t0: t1,
                    }),
                ),
                None => f(
                    Piece {
                        edge: e,
                        from: 0.0,
                        t0,
                    },
                    None,
                ),
            }
        }
    }
}

/// The pieces of road travelled from `sources` (each from its point, along its edge and its
/// twin's) that leave within `bound_ds`.
fn source_pieces(graph: &RoadGraph, sources: &[Source], bound_ds: f64) -> Vec<Piece> {
    sources
        .iter()
        .filter(|s| f64::from(s.start.0) <= bound_ds)
        .flat_map(|s| {
            s.point
                .directions(graph)
                .into_iter()
                .flatten()
                .map(move |p| Piece {
                    edge: p.edge.0,
                    from: p.fraction,
                    t0: f64::from(s.start.0),
                })
        })
        .collect()
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

/// Side of the square blocks of cells that the reached nodes are grouped by before their
/// roads are walked, so that consecutive walks touch the same few cache lines of the bins.
const BLOCK: usize = 16;

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
    let times = reached.as_slice();
    let nodes: Vec<u32> = (0u32..)
        .zip(times)
        .filter(|&(_, &t)| t != u32::MAX && f64::from(t) <= bound_ds)
        .map(|(u, _)| u)
        .collect();
    let starts = source_pieces(graph, sources, bound_ds);
    // Extent of the reached nodes and the heads of their edges (and of the sources' edges),
    // to size the grid.
    let mut extent = nodes
        .par_chunks(4096)
        .map(|part| {
            let mut b = Extent::EMPTY;
            for &u in part {
                b.grow(node_xy(graph, proj, u));
                let u = u as usize;
                for e in graph.first_out[u]..graph.first_out[u + 1] {
                    b.grow(node_xy(graph, proj, graph.head[e as usize]));
                }
            }
            b
        })
        .reduce(|| Extent::EMPTY, Extent::union);
    let mut xy = Vec::new();
    for p in &starts {
        edge_xy(graph, proj, p.edge, &mut xy);
        xy.iter().for_each(|&q| extent.grow(q));
    }
    let (lo, hi) = if extent.lo[0].is_finite() {
        (extent.lo, extent.hi)
    } else {
        ([0.0; 2], [0.0; 2])
    };
    let span = (hi[0] - lo[0]).max(hi[1] - lo[1]);
    let cell = (span / MAX_CELLS).max(MIN_CELL_M);
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
    let grid_xy = |q: [f64; 2]| [(q[0] - x0) / cell, (q[1] - y0) / cell];
    let nodes = by_block(graph, proj, &nodes, (nx, ny), grid_xy);
    // One run of blocks per thread, each into its own bins, merged.
    let chunk = nodes.len().div_ceil(rayon::current_num_threads()).max(1);
    let walk = cell / OFF_ROAD_SPEED;
    let mut bins = nodes
        .par_chunks(chunk)
        .map(|part| {
            let mut bins = Bins::new(nx, ny, walk);
            let mut xy = Vec::new();
            for_each_road(graph, (times, part), bound_ds, |p, back| {
                walk_road(
                    graph,
                    proj,
                    (p, back),
                    bound_ds,
                    grid_xy,
                    &mut xy,
                    &mut bins,
                );
            });
            bins
        })
        .reduce_with(|a, b| a.merge(&b))
        .unwrap_or_else(|| Bins::new(nx, ny, walk));
    for &p in &starts {
        walk_road(
            graph,
            proj,
            (p, None),
            bound_ds,
            grid_xy,
            &mut xy,
            &mut bins,
        );
    }
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

/// A bounding box of projected points.
#[derive(Clone, Copy, Debug)]
struct Extent {
    lo: [f64; 2],
    hi: [f64; 2],
}

impl Extent {
    const EMPTY: Self = Self {
        lo: [f64::INFINITY; 2],
        hi: [f64::NEG_INFINITY; 2],
    };

    fn grow(&mut self, p: [f64; 2]) {
        self.lo = [self.lo[0].min(p[0]), self.lo[1].min(p[1])];
        self.hi = [self.hi[0].max(p[0]), self.hi[1].max(p[1])];
    }

    fn union(mut self, other: Self) -> Self {
        self.grow(other.lo);
        self.grow(other.hi);
        self
    }
}

/// `nodes` ordered by the block of [`BLOCK`] × [`BLOCK`] cells they lie in, row by row (a
/// counting sort), on a grid of `nx` × `ny` vertices.
fn by_block(
    graph: &RoadGraph,
    proj: &Projection,
    nodes: &[u32],
    (nx, ny): (usize, usize),
    grid_xy: impl Fn([f64; 2]) -> [f64; 2],
) -> Vec<u32> {
    let (bx_n, by_n) = (nx / BLOCK + 1, ny / BLOCK + 1);
    let keys: Vec<usize> = nodes
        .iter()
        .map(|&u| {
            let p = grid_xy(node_xy(graph, proj, u));
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "in the grid (saturating otherwise, then clamped)"
            )]
            let (bx, by) = (
                (p[0] as usize / BLOCK).min(bx_n - 1),
                (p[1] as usize / BLOCK).min(by_n - 1),
            );
            by * bx_n + bx
        })
        .collect();
    let mut first = vec![0usize; bx_n * by_n + 1];
    for &k in &keys {
        first[k + 1] += 1;
    }
    for k in 1..first.len() {
        first[k] += first[k - 1];
    }
    let mut out = vec![0u32; nodes.len()];
    for (&u, &k) in nodes.iter().zip(&keys) {
        out[first[k]] = u;
        first[k] += 1;
    }
    out
}

/// The part of road `p` (with its twin `back`, travelled the other way, when given) reached
/// within `bound_ds`, walked once along `p`'s geometry through `bins`, `grid_xy` taking
/// projected points to grid coordinates; `xy` is scratch space.
fn walk_road(
    graph: &RoadGraph,
    proj: &Projection,
    (p, back): (Piece, Option<Piece>),
    bound_ds: f64,
    grid_xy: impl Fn([f64; 2]) -> [f64; 2],
    xy: &mut Vec<[f64; 2]>,
    bins: &mut Bins,
) {
    edge_xy(graph, proj, p.edge, xy);
    for q in xy.iter_mut() {
        *q = grid_xy(*q);
    }
    let total: f64 = xy.windows(2).map(|w| dist(w[0], w[1])).sum();
    let runs = [
        Some(run(graph, p, bound_ds, total, false)),
        back.map(|b| run(graph, b, bound_ds, total, true)),
    ];
    let s_end = runs.iter().flatten().fold(0.0, |m: f64, r| m.max(r.s_hi));
    let mut s0: f64 = 0.0;
    for w in xy.windows(2) {
        let len = dist(w[0], w[1]);
        let s1 = s0 + len;
        let mut parts = [SegRun::EMPTY; 2];
        let mut k = 0;
        for r in runs.iter().flatten() {
            let (a, b) = (s0.max(r.s_lo), s1.min(r.s_hi));
            if a <= b {
                let u = if len > 0.0 {
                    [(a - s0) / len, (b - s0) / len]
                } else {
                    [0.0, 0.0]
                };
                parts[k] = SegRun {
                    u,
                    times: [r.c + r.m * s0, r.c + r.m * s1],
                };
                k += 1;
            }
        }
        if k > 0 {
            bins.walk(w[0], w[1], &parts[..k]);
        }
        s0 = s1;
        if s0 > s_end {
            break;
        }
    }
}

/// The run of piece `p` within `bound_ds` along a geometry of length `total` (grid units),
/// measured from the piece's own tail, or from its head when `reversed` (the geometry walked
/// is its twin's).
fn run(graph: &RoadGraph, p: Piece, bound_ds: f64, total: f64, reversed: bool) -> Run {
    let dur = f64::from(graph.duration[p.edge as usize]);
    // Fraction of the edge reached by the bound.
    let until = if dur > 0.0 {
        (p.from + (bound_ds - p.t0) / dur).min(1.0)
    } else {
        1.0
    };
    if total <= 0.0 {
        return Run {
            s_lo: 0.0,
            s_hi: 0.0,
            c: p.t0 / 10.0,
            m: 0.0,
        };
    }
    // Seconds at fraction f of the piece's edge: (t0 + (f − from)·dur) / 10.
    let m = dur / 10.0 / total;
    if reversed {
        Run {
            s_lo: (1.0 - until) * total,
            s_hi: (1.0 - p.from) * total,
            c: (p.t0 + (1.0 - p.from) * dur) / 10.0,
            m: -m,
        }
    } else {
        Run {
            s_lo: p.from * total,
            s_hi: until * total,
            c: (p.t0 - p.from * dur) / 10.0,
            m,
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
    /// (`h` its length, `c` signed by the way time runs; see [`Segment::lead`]), or at the
    /// earlier end when the road is no faster than the walk.
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
            _ if seg.times[1] < seg.times[0] => v,
            _ => u,
        };
        self.offer(i, j, at(w), time(w));
    }

    /// Walks the segment from `a` to `b` (grid coordinates) through the bins it crosses,
    /// offering each bin, for each of `runs` (a part of the segment with its times, linear
    /// along it), the run's part in the bin; the part outside the grid is cut off first.
    pub(crate) fn walk(&mut self, a: [f64; 2], b: [f64; 2], runs: &[SegRun]) {
        let (lo, hi) = runs
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
                (lo.min(r.u[0]), hi.max(r.u[1]))
            });
        // Bin coordinates: bin (i, j) spans [i, i + 1) × [j, j + 1).
        let (ax, ay) = (a[0] + 0.5, a[1] + 0.5);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        #[expect(clippy::cast_precision_loss, reason = "grid sides")]
        let Some((u0, u1)) = clip(ax, dx, self.nx as f64).and_then(|(u0, u1)| {
            let (v0, v1) = clip(ay, dy, self.ny as f64)?;
            let (lo, hi) = (u0.max(v0).max(lo), u1.min(v1).min(hi));
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
        let len_sq = dx * dx + dy * dy;
        let mut segs = [None, None];
        for (s, r) in segs.iter_mut().zip(runs) {
            *s = Some(Segment::new([a, b], len_sq, r, self.walk));
        }
        let offer = |bins: &mut Self, ij: (i64, i64), entry: f64, exit: f64| {
            for seg in segs.iter().flatten() {
                let (p, q) = (entry.max(seg.u[0]), exit.min(seg.u[1]));
                if p <= q {
                    bins.offer_part(ij, seg, p, q);
                }
            }
        };
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
            offer(self, (i, j), entry, u);
            (i, j, entry) = (i + di, j + dj, u);
        }
        offer(self, (i, j), entry, u1);
    }
}

/// A run of road along a segment walked through the bins: the part `[u[0], u[1]]` of the
/// segment (parameters in `[0, 1]`) and the seconds at the segment's two ends (linear along
/// it, either way).
#[derive(Clone, Copy, Debug)]
pub(crate) struct SegRun {
    pub(crate) u: [f64; 2],
    pub(crate) times: [f64; 2],
}

impl SegRun {
    const EMPTY: Self = Self {
        u: [0.0, 0.0],
        times: [0.0, 0.0],
    };
}

/// A run of road along a segment walked through the bins, in grid coordinates, with its
/// times.
struct Segment {
    ends: [[f64; 2]; 2],
    times: [f64; 2],
    u: [f64; 2],
    len_sq: f64,
    /// `k / √(1 − k²)`, `k` the segment's seconds per unit over the walk's (negative when
    /// time runs from `b` to `a`), when `|k| < 1`: how far (in units of the vertex's
    /// distance from the line) before the foot of the perpendicular the best point lies;
    /// `None` when the earlier end is best.
    lead: Option<f64>,
}

impl Segment {
    fn new(ends: [[f64; 2]; 2], len_sq: f64, run: &SegRun, walk: f64) -> Self {
        let times = run.times;
        let k = if len_sq > 0.0 {
            (times[1] - times[0]) / len_sq.sqrt() / walk
        } else {
            1.0
        };
        let lead = (k.abs() < 1.0).then(|| k / (1.0 - k * k).sqrt());
        Self {
            ends,
            times,
            u: run.u,
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
        let least_time = LeastTime::new(bins);
        #[expect(
            clippy::cast_sign_loss,
            clippy::cast_possible_truncation,
            reason = "k is a few cells"
        )]
        let k_u = k as usize;
        self.values
            .par_chunks_mut(nx)
            .enumerate()
            .for_each(|(j, row)| {
                let rows = j.saturating_sub(k_u)..=(j + k_u).min(ny - 1);
                #[expect(clippy::cast_possible_wrap, reason = "grid sides are small")]
                let j = j as i64;
                #[expect(clippy::cast_precision_loss, reason = "a grid index")]
                let y = j as f64;
                for (i, out) in (0..).zip(row.iter_mut()) {
                    #[expect(clippy::cast_precision_loss, reason = "a grid index")]
                    let x = i as f64;
                    let mut best = *out;
                    #[expect(
                        clippy::cast_sign_loss,
                        clippy::cast_possible_truncation,
                        reason = "a grid index"
                    )]
                    let iu = i as usize;
                    // No bin near enough holds an earlier time: once the walk alone from
                    // the next bin in `near` (nearest first) reaches the best, none can
                    // lower it.
                    let lower =
                        least_time.around(iu.saturating_sub(k_u)..=(iu + k_u).min(nx - 1), &rows);
                    for &(di, dj, least) in &near {
                        if lower + least >= best {
                            break;
                        }
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

/// The earliest time of the bins' points in each block of [`LeastTime::SIDE`] ×
/// [`LeastTime::SIDE`] bins: a lower bound of the times near a vertex.
struct LeastTime {
    blocks_x: usize,
    least: Vec<f64>,
}

impl LeastTime {
    const SIDE: usize = 8;

    fn new(bins: &Bins) -> Self {
        let blocks_x = bins.nx.div_ceil(Self::SIDE);
        let mut least = vec![f64::INFINITY; blocks_x * bins.ny.div_ceil(Self::SIDE)];
        for (j, row) in bins.cells.chunks(bins.nx.max(1)).enumerate() {
            let blocks = &mut least[j / Self::SIDE * blocks_x..];
            for (i, c) in row.iter().enumerate() {
                let b = &mut blocks[i / Self::SIDE];
                *b = b.min(c[0]);
            }
        }
        Self { blocks_x, least }
    }

    /// A time no later than that of any bin in columns `cols` and rows `rows`.
    #[inline]
    fn around(
        &self,
        cols: std::ops::RangeInclusive<usize>,
        rows: &std::ops::RangeInclusive<usize>,
    ) -> f64 {
        let mut t = f64::INFINITY;
        for bj in rows.start() / Self::SIDE..=rows.end() / Self::SIDE {
            for bi in cols.start() / Self::SIDE..=cols.end() / Self::SIDE {
                t = t.min(self.least[bj * self.blocks_x + bi]);
            }
        }
        t
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

    /// A random road network around Porto: nodes in a box of about 3 km, roads between
    /// near nodes, some one-way, some with intermediate points, each direction with its own
    /// time.
    fn random_roads(rng: &mut Pcg64) -> RoadGraph {
        use crate::graph::{GraphBuilder, Segment};
        use crate::types::{Deciseconds, Meters, NodeId, OsmNodeId, OsmWayId};
        let mut b = GraphBuilder::new("car");
        let n = rng.random_range(20..120);
        let pos: Vec<LonLat> = (0..n)
            .map(|k| {
                let p = LonLat::new(
                    -8.62 + rng.random_range(0.0..0.035),
                    41.14 + rng.random_range(0.0..0.027),
                );
                b.add_node(OsmNodeId(k), p);
                p
            })
            .collect();
        for t in 0..n {
            for _ in 0..rng.random_range(1..4) {
                let h = rng.random_range(0..n);
                if h == t {
                    continue;
                }
                let (pt, ph) = (pos[t as usize], pos[h as usize]);
                let geometry: Vec<LonLat> = (0..rng.random_range(0..4))
                    .map(|_| {
                        let f = rng.random_range(0.0..1.0);
                        LonLat::new(
                            pt.lon + (ph.lon - pt.lon) * f + rng.random_range(-0.002..0.002),
                            pt.lat + (ph.lat - pt.lat) * f + rng.random_range(-0.002..0.002),
                        )
                    })
                    .collect();
                let open = rng.random_range(0..4);
                let mut time = || Some(Deciseconds(rng.random_range(0..3_000)));
                let (forward, backward) = match open {
                    0 => (time(), None),
                    1 => (None, time()),
                    _ => (time(), time()),
                };
                b.add_segment(&Segment {
                    tail: NodeId(u32::try_from(t).unwrap()),
                    head: NodeId(u32::try_from(h).unwrap()),
                    forward,
                    backward,
                    distance: Meters(100),
                    way: OsmWayId(t),
                    name: "",
                    flags: 0,
                    geometry: &geometry,
                })
                .unwrap();
            }
        }
        b.build().unwrap()
    }

    /// Walking each two-way road once for both directions gives the grid that walking every
    /// directed piece on its own (the edge out of each reached node, from its tail) gives.
    #[test]
    fn each_road_walked_once_matches_each_direction_walked_alone() {
        use crate::routing::{Dijkstra, EdgePoint};
        use crate::types::{Deciseconds, EdgeId};
        let mut rng = Pcg64::seed_from_u64(13);
        for _ in 0..40 {
            let g = random_roads(&mut rng);
            let m = u32::try_from(g.num_edges()).unwrap();
            let sources: Vec<Source> = (0..rng.random_range(1..3))
                .map(|_| Source {
                    point: EdgePoint::new(
                        EdgeId(rng.random_range(0..m)),
                        rng.random_range(0.0..=1.0),
                    ),
                    start: Deciseconds(rng.random_range(0..300)),
                })
                .collect();
            let bound = Deciseconds(rng.random_range(600..12_000));
            let reached = Dijkstra::new(&g).one_to_all(&sources, bound).unwrap();
            let proj = Projection::new(LonLat::new(-8.6, 41.15));
            let bound_s = f64::from(bound.0) / 10.0;
            let fast = rasterize(&g, &proj, &reached, &sources, bound_s);
            // The reference: every directed piece walked alone, into the same grid.
            let (x0, y0, cell) = (fast.x0, fast.y0, fast.cell);
            let grid_xy = |q: [f64; 2]| [(q[0] - x0) / cell, (q[1] - y0) / cell];
            let mut bins = Bins::new(fast.nx, fast.ny, cell / OFF_ROAD_SPEED);
            let mut xy = Vec::new();
            let times = reached.as_slice();
            let bound_ds = bound_s * 10.0;
            let mut pieces = source_pieces(&g, &sources, bound_ds);
            for (u, &t) in times.iter().enumerate() {
                if t != u32::MAX && f64::from(t) <= bound_ds {
                    for e in g.first_out[u]..g.first_out[u + 1] {
                        pieces.push(Piece {
                            edge: e,
                            from: 0.0,
                            t0: f64::from(t),
                        });
                    }
                }
            }
            for p in pieces {
                walk_road(&g, &proj, (p, None), bound_ds, grid_xy, &mut xy, &mut bins);
            }
            let mut slow = Grid {
                values: vec![fast.values[0]; fast.nx * fast.ny],
                ..fast.clone()
            };
            slow.fill(&bins, REACH_CELLS);
            for (k, (a, b)) in fast.values.iter().zip(&slow.values).enumerate() {
                assert!(
                    (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                    "vertex {k}: {a} {b}"
                );
            }
            assert!(fast.values.iter().any(|&v| v < bound_s));
        }
    }

    /// A grid of 1 to 29 bins a side and a segment whose ends lie up to 8 bins outside it.
    fn random_segment(rng: &mut Pcg64) -> (usize, usize, [f64; 2], [f64; 2]) {
        let (nx, ny) = (rng.random_range(1..30), rng.random_range(1..30));
        let mut pt = || {
            [
                rng.random_range(-8.0..nx as f64 + 8.0),
                rng.random_range(-8.0..ny as f64 + 8.0),
            ]
        };
        let (a, b) = (pt(), pt());
        (nx, ny, a, b)
    }

    /// Walking a segment gives each bin it crosses a point of the segment, at that point's
    /// time, at least as good for the bin's vertex as dense sampling finds.
    #[test]
    fn walk_keeps_the_best_point_of_every_bin_crossed() {
        let mut rng = Pcg64::seed_from_u64(9);
        for _ in 0..300 {
            let (nx, ny, a, b) = random_segment(&mut rng);
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
            fast.walk(
                a,
                b,
                &[SegRun {
                    u: [0.0, 1.0],
                    times: [ta, tb],
                }],
            );
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

    /// Walking a segment with two runs (parts of it, time running either way, as a two-way
    /// road's two directions) gives each bin a point at least as good as dense sampling of
    /// both runs finds, and never a point outside the runs or outside the bin.
    #[test]
    fn walk_with_two_runs_keeps_the_best_point_of_both() {
        let mut rng = Pcg64::seed_from_u64(21);
        for _ in 0..300 {
            let (nx, ny, a, b) = random_segment(&mut rng);
            let len = dist(a, b);
            let mut runs = Vec::new();
            for forward in [true, false] {
                let (u0, u1) = (rng.random_range(0.0..1.0), rng.random_range(0.0..1.0));
                let u = [f64::min(u0, u1), f64::max(u0, u1)];
                let t0 = rng.random_range(0.0..100.0);
                let slope = len * rng.random_range(0.1..1.5) * 14.0;
                let times = if forward {
                    [t0, t0 + slope]
                } else {
                    [t0 + slope, t0]
                };
                runs.push(SegRun { u, times });
            }
            let mut fast = Bins::new(nx, ny, 14.0);
            fast.walk(a, b, &runs);
            let mut slow = Bins::new(nx, ny, 14.0);
            let n = 20_000;
            for r in &runs {
                for k in 0..=n {
                    let w = r.u[0] + (r.u[1] - r.u[0]) * f64::from(k) / f64::from(n);
                    let p = [a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w];
                    let (i, j) = ((p[0] + 0.5).floor() as i64, (p[1] + 0.5).floor() as i64);
                    slow.offer(i, j, p, r.times[0] + (r.times[1] - r.times[0]) * w);
                }
            }
            for k in 0..nx * ny {
                let (f, s) = (fast.cells[k], slow.cells[k]);
                if s[3].is_finite() {
                    assert!(f[3] <= s[3] + 1e-9, "{a:?} {b:?} bin {k}: {f:?} {s:?}");
                }
                if f[3].is_finite() {
                    let p = [f[1], f[2]];
                    let (i, j) = ((k % nx) as f64, (k / nx) as f64);
                    let inset = (0.5 - (p[0] - i).abs()).min(0.5 - (p[1] - j).abs());
                    assert!(inset >= -1e-9, "{p:?} outside bin {k}");
                    // On one of the runs, at that run's time there.
                    assert!(runs.iter().any(|r| {
                        let w = if len > 0.0 {
                            ((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1]))
                                / (len * len)
                        } else {
                            r.u[0]
                        };
                        let q = [a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w];
                        let t = r.times[0] + (r.times[1] - r.times[0]) * w;
                        dist(p, q) < 1e-6
                            && w >= r.u[0] - 1e-9
                            && w <= r.u[1] + 1e-9
                            && (t - f[0]).abs() < 1e-6
                    }));
                }
            }
        }
    }
}
