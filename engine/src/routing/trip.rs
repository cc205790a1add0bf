//! Trips: the best order of stops from a travel-time matrix (OSRM's `trip` service).
//!
//! Input is an asymmetric cost matrix over `n` stops (`Option<u32>` cells, `None` =
//! unreachable), as a closure or a row-major slice; nothing here knows the road graph. A trip
//! is a round trip (a cycle back to its first stop) or an open path, with the first and/or the
//! last stop optionally fixed.
//!
//! ## Model
//! Every variant becomes one problem: order the *free* stops on a path between two fixed
//! *anchors*. A round trip is anchored at its start (the fixed start, else the fixed end, else
//! stop 0) at both ends; with both start and end fixed, the path runs from the start to the
//! end and the closing leg end → start is a constant. An open trip gets a virtual depot whose
//! legs cost 0: the path runs from the fixed start (or the depot) to the fixed end (or the
//! depot). Fixed stops never move, so every tour respects the constraints by construction.
//!
//! ## Algorithms
//! - Up to [`TripOptions::exact_up_to`] free stops (default 12): Held–Karp dynamic programming,
//!   exact, `O(2^f·f²)` (Held & Karp, "A dynamic programming approach to sequencing
//!   problems", 1962).
//! - Beyond: cheapest insertion (Rosenkrantz, Stearns & Lewis 1977), then local search with
//!   neighbour lists (the 10 cheapest successors and predecessors of each stop) and
//!   don't-look bits (Bentley, "Fast algorithms for geometric traveling salesman problems",
//!   1992): 2-opt, whose reversed segment is priced with the real directed costs (prefix sums
//!   of forward and backward legs make that `O(1)`), and Or-opt (Or 1976) moving segments of
//!   1–3 stops, kept or reversed. Then iterated local search (Lourenço, Martin & Stützle
//!   2003): a segment-swap "double bridge" kick, which keeps every leg's direction, followed
//!   by local search around the kick, for [`TripOptions::iterations`] rounds, keeping the best
//!   tour. Seeded, so the same input gives the same tour.
//! - The result is never worse than the input order (free stops in input order), which is
//!   returned when no better tour is found.
//!
//! [`farthest_insertion`] is OSRM's heuristic for more than 10 stops (the two farthest stops,
//! then repeatedly insert the stop whose cheapest insertion is most expensive), kept as the
//! baseline that tests and benches compare against.
//!
//! ## Unreachable pairs
//! An unreachable leg costs a penalty larger than any tour of reachable legs, so the solvers
//! use one only when they must. If the best tour found still needs one, the answer is
//! [`TripError::Unreachable`] naming its two stops. [`components`] splits the stops into
//! groups of mutually reachable stops (the strongly connected components of the matrix), so a
//! caller can ask for one trip per group, as OSRM's `trip` service does.
//!
//! Costs are summed in `u64`; the matrix is copied once into a dense row-major table
//! (`O(n²)` memory), so at most [`MAX_STOPS`] stops are accepted.

use std::collections::VecDeque;

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use thiserror::Error;

/// The largest number of stops a trip accepts.
pub const MAX_STOPS: usize = 2_000;

/// Above this many free stops the exact dynamic programme is never used (memory `2^f·f`).
pub const EXACT_LIMIT: usize = 16;

/// Number of cheapest successors and predecessors kept per stop for the local search.
const NEIGHBOURS: usize = 10;

/// Why no trip could be computed.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum TripError {
    /// No stops were given.
    #[error("a trip needs at least one stop")]
    NoStops,
    /// More stops than [`MAX_STOPS`].
    #[error("too many stops: {n} (the limit is {limit})")]
    TooManyStops {
        /// Number of stops given.
        n: usize,
        /// The limit.
        limit: usize,
    },
    /// The matrix slice is not `n × n`.
    #[error("the cost matrix has {len} cells, expected {n}×{n}")]
    MatrixSize {
        /// Cells given.
        len: usize,
        /// Number of stops.
        n: usize,
    },
    /// A fixed start or end names no stop.
    #[error("stop {stop} does not exist: there are {n} stops")]
    StopOutOfRange {
        /// The stop index given.
        stop: usize,
        /// Number of stops.
        n: usize,
    },
    /// An open trip with several stops cannot start and end at the same stop.
    #[error("an open trip of several stops cannot start and end at stop {stop}")]
    SameStartEnd {
        /// The stop given as both start and end.
        stop: usize,
    },
    /// Every tour found needs a leg between two stops that cannot reach each other.
    #[error("stop {to} cannot be reached from stop {from}")]
    Unreachable {
        /// Stop the leg leaves.
        from: usize,
        /// Stop the leg should reach.
        to: usize,
    },
}

/// What kind of trip to compute and how hard to search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TripOptions {
    /// Return to the first stop at the end (OSRM's `roundtrip=true`).
    pub round_trip: bool,
    /// The stop the trip must start at.
    pub start: Option<usize>,
    /// The stop the trip must end at (for a round trip: the last stop before returning).
    pub end: Option<usize>,
    /// Rounds of kick-and-repair of the iterated local search (0: local search only).
    pub iterations: u32,
    /// Seed of the kicks.
    pub seed: u64,
    /// Largest number of free stops solved exactly (capped at [`EXACT_LIMIT`]).
    pub exact_up_to: usize,
}

impl Default for TripOptions {
    /// A round trip, no fixed stop, 1000 iterations, seed 0, exact up to 12 free stops.
    fn default() -> Self {
        Self {
            round_trip: true,
            start: None,
            end: None,
            iterations: 1_000,
            seed: 0,
            exact_up_to: 12,
        }
    }
}

/// A computed trip.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trip {
    /// Every stop once, in visiting order (a round trip returns to `order[0]` afterwards).
    pub order: Vec<usize>,
    /// Sum of the legs' costs, the closing leg included for a round trip.
    pub cost: u64,
    /// `true` when `order` is proven optimal (dynamic programming).
    pub exact: bool,
}

/// The cost of visiting stops in `order` (with the closing leg if `round_trip`), or `None`
/// when a leg is unreachable.
#[must_use]
pub fn order_cost(
    order: &[usize],
    round_trip: bool,
    cost: impl Fn(usize, usize) -> Option<u32>,
) -> Option<u64> {
    let mut total = 0u64;
    for w in order.windows(2) {
        total += u64::from(cost(w[0], w[1])?);
    }
    if round_trip && order.len() > 1 {
        total += u64::from(cost(order[order.len() - 1], order[0])?);
    }
    Some(total)
}

/// The stops grouped into strongly connected components of the matrix: within a group every
/// stop reaches every other (`cost(a, b)` is `Some` along some chain of legs), across groups
/// not both ways. Each group is sorted; groups are ordered by their smallest stop, so the
/// answer depends only on the matrix. Kosaraju's algorithm (Sharir, "A strong-connectivity
/// algorithm and its applications in data flow analysis", 1981) with explicit stacks:
/// `O(n²)` time for the `n²` cells, `O(n)` memory.
///
/// # Examples
/// ```
/// use engine::routing::trip::components;
///
/// // 0 ⇄ 1, 2 alone (it reaches 0, but nothing reaches it).
/// let cost = |a: usize, b: usize| (a == b || b != 2).then_some(1);
/// assert_eq!(components(3, cost), vec![vec![0, 1], vec![2]]);
/// ```
#[must_use]
pub fn components(n: usize, cost: impl Fn(usize, usize) -> Option<u32>) -> Vec<Vec<usize>> {
    // First pass: stops in order of DFS completion over the forward legs.
    let mut seen = vec![false; n];
    let mut finished = Vec::with_capacity(n);
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (v, next) = *top;
            match (next..n).find(|&w| !seen[w] && w != v && cost(v, w).is_some()) {
                Some(w) => {
                    top.1 = w + 1;
                    seen[w] = true;
                    stack.push((w, 0));
                }
                None => {
                    finished.push(v);
                    stack.pop();
                }
            }
        }
    }
    // Second pass: reverse legs, latest-finished first; each tree is one component.
    let mut group = vec![usize::MAX; n];
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut todo = Vec::new();
    for &root in finished.iter().rev() {
        if group[root] != usize::MAX {
            continue;
        }
        let id = groups.len();
        let mut members = vec![root];
        group[root] = id;
        todo.push(root);
        while let Some(v) = todo.pop() {
            for (w, g) in group.iter_mut().enumerate() {
                if *g == usize::MAX && cost(w, v).is_some() {
                    *g = id;
                    members.push(w);
                    todo.push(w);
                }
            }
        }
        members.sort_unstable();
        groups.push(members);
    }
    groups.sort_unstable_by_key(|g| g[0]);
    groups
}

/// The best trip through `n` stops, `cost(from, to)` being the cost of the leg (`None`:
/// unreachable). See the [module docs](self) for the model and the algorithms.
///
/// # Errors
/// [`TripError::NoStops`], [`TripError::TooManyStops`], [`TripError::StopOutOfRange`],
/// [`TripError::SameStartEnd`] for bad input; [`TripError::Unreachable`] when the tour needs
/// an unreachable leg.
///
/// # Examples
/// ```
/// use engine::routing::trip::{TripOptions, solve};
///
/// // Four stops on a line, 0 - 2 - 1 - 3, 10 apart.
/// let x = [0i64, 20, 10, 30];
/// let cost = |a: usize, b: usize| u32::try_from((x[a] - x[b]).abs()).ok();
/// let trip = solve(4, cost, &TripOptions::default())?;
/// assert_eq!(trip.order[0], 0); // a round trip without a fixed start is told from stop 0
/// assert_eq!(trip.cost, 60); // there and back along the line
/// # Ok::<(), engine::routing::trip::TripError>(())
/// ```
pub fn solve(
    n: usize,
    cost: impl Fn(usize, usize) -> Option<u32>,
    opts: &TripOptions,
) -> Result<Trip, TripError> {
    let model = Model::new(n, &cost, opts)?;
    let input = model.input_path();
    let exact = model.free.len() <= opts.exact_up_to.min(EXACT_LIMIT);
    let path = if exact {
        model.held_karp()
    } else {
        let mut search = LocalSearch::new(&model, model.cheapest_insertion());
        search.run(opts.iterations, opts.seed);
        search.best
    };
    let path = if model.path_cost(&path) <= model.path_cost(&input) {
        path
    } else {
        input
    };
    model.finish(&path, exact)
}

/// [`solve`] from a row-major `n × n` matrix (`matrix[from * n + to]`).
///
/// # Errors
/// As [`solve`], and [`TripError::MatrixSize`] when `matrix.len() != n * n`.
pub fn solve_matrix(
    matrix: &[Option<u32>],
    n: usize,
    opts: &TripOptions,
) -> Result<Trip, TripError> {
    check_matrix(matrix, n)?;
    solve(n, |a, b| matrix[a * n + b], opts)
}

/// OSRM's farthest insertion, the baseline: start from the two stops farthest apart (for a
/// round trip without fixed stops; else from the anchors of the [model](self)), then insert,
/// one at a time, the stop whose cheapest insertion is the most expensive, at that cheapest
/// place. No local search. `iterations`, `seed` and `exact_up_to` are ignored.
///
/// # Errors
/// As [`solve`].
pub fn farthest_insertion(
    n: usize,
    cost: impl Fn(usize, usize) -> Option<u32>,
    opts: &TripOptions,
) -> Result<Trip, TripError> {
    let mut model = Model::new(n, &cost, opts)?;
    if opts.round_trip && opts.start.is_none() && opts.end.is_none() && n > 1 {
        // OSRM's first route: the pair with the largest cost between them.
        let (mut best, mut far) = (0, (0, 1));
        for a in 0..n {
            for b in (0..n).filter(|&b| b != a) {
                let c = model.c(a, b);
                if c > best && c < model.penalty {
                    (best, far) = (c, (a, b));
                }
            }
        }
        model = model.anchored_at(far.0);
        let seq = model.insertion(Some(far.1), Insertion::Farthest);
        return model.finish(&seq, false);
    }
    let seq = model.insertion(None, Insertion::Farthest);
    model.finish(&seq, false)
}

fn check_matrix(matrix: &[Option<u32>], n: usize) -> Result<(), TripError> {
    if n.checked_mul(n) != Some(matrix.len()) {
        return Err(TripError::MatrixSize {
            len: matrix.len(),
            n,
        });
    }
    Ok(())
}

/// Which stop insertion picks next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Insertion {
    /// The stop that is cheapest to insert.
    Cheapest,
    /// The stop whose cheapest insertion is the most expensive (OSRM).
    Farthest,
}

/// The trip as a path of free stops between two anchors (see the module docs).
///
/// Nodes are stops `0..n`, plus the virtual depot `n` for an open trip. A path is
/// `[left, free stops…, right]`.
struct Model {
    n: usize,
    /// Nodes (stops and the depot).
    nodes: usize,
    /// Dense costs, `c[a * nodes + b]`; unreachable legs cost `penalty`.
    c: Vec<i64>,
    penalty: i64,
    left: usize,
    right: usize,
    /// Free stops in input order.
    free: Vec<usize>,
    /// Cost of the fixed legs outside the path (the closing leg end → start).
    fixed_cost: i64,
    /// A round trip with only its end fixed: the anchor is reported last.
    rotate_to_end: bool,
    /// A round trip without fixed stops: reported from stop 0.
    from_zero: bool,
}

impl Model {
    fn new(
        n: usize,
        cost: &impl Fn(usize, usize) -> Option<u32>,
        opts: &TripOptions,
    ) -> Result<Self, TripError> {
        if n == 0 {
            return Err(TripError::NoStops);
        }
        if n > MAX_STOPS {
            return Err(TripError::TooManyStops {
                n,
                limit: MAX_STOPS,
            });
        }
        for stop in [opts.start, opts.end].into_iter().flatten() {
            if stop >= n {
                return Err(TripError::StopOutOfRange { stop, n });
            }
        }
        let (start, mut end) = (opts.start, opts.end);
        if let Some(s) = start.filter(|&s| end == Some(s)) {
            if !opts.round_trip && n > 1 {
                return Err(TripError::SameStartEnd { stop: s });
            }
            end = None;
        }
        // The virtual depot of an open trip is node `n`; its legs cost 0.
        let nodes = if opts.round_trip { n } else { n + 1 };
        let mut raw = vec![Some(0); nodes * nodes];
        let mut max = 0i64;
        for a in 0..n {
            for b in (0..n).filter(|&b| b != a) {
                let v = cost(a, b);
                raw[a * nodes + b] = v;
                max = max.max(v.map_or(0, i64::from));
            }
        }
        // Larger than any path of reachable legs; with u32 costs and at most MAX_STOPS + 1
        // legs, a path of penalties still fits an i64.
        let penalty = (max + 1) * (i64::try_from(nodes).expect("nodes ≤ MAX_STOPS + 1") + 1);
        let c = raw.iter().map(|v| v.map_or(penalty, i64::from)).collect();
        let (left, right, fixed_cost, rotate_to_end) = if opts.round_trip {
            match (start, end) {
                (Some(s), Some(t)) => (s, t, 0, false),
                (Some(s), None) => (s, s, 0, false),
                (None, Some(t)) => (t, t, 0, true),
                (None, None) => (0, 0, 0, false),
            }
        } else {
            (start.unwrap_or(n), end.unwrap_or(n), 0, false)
        };
        let mut model = Self {
            n,
            nodes,
            c,
            penalty,
            left,
            right,
            free: Vec::new(),
            fixed_cost,
            rotate_to_end,
            from_zero: opts.round_trip && start.is_none() && end.is_none(),
        };
        if opts.round_trip && left != right {
            model.fixed_cost = model.c(right, left);
        }
        model.free = (0..n)
            .filter(|&s| s != model.left && s != model.right)
            .collect();
        Ok(model)
    }

    /// The same model with a round trip's anchor moved to `stop` (no fixed stops only).
    fn anchored_at(mut self, stop: usize) -> Self {
        self.left = stop;
        self.right = stop;
        self.free = (0..self.n).filter(|&s| s != stop).collect();
        self
    }

    #[inline]
    fn c(&self, a: usize, b: usize) -> i64 {
        self.c[a * self.nodes + b]
    }

    fn input_path(&self) -> Vec<usize> {
        let mut p = Vec::with_capacity(self.free.len() + 2);
        p.push(self.left);
        p.extend_from_slice(&self.free);
        p.push(self.right);
        p
    }

    fn path_cost(&self, path: &[usize]) -> i64 {
        path.windows(2).map(|w| self.c(w[0], w[1])).sum()
    }

    /// The output: stops in visiting order, cost, and unreachable-leg check.
    fn finish(&self, path: &[usize], exact: bool) -> Result<Trip, TripError> {
        let mut order: Vec<usize> = path.iter().copied().filter(|&s| s < self.n).collect();
        if self.left == self.right && self.left < self.n {
            // Both ends are one stop: a round trip (or a single stop).
            order.pop();
            if self.rotate_to_end {
                order.rotate_left(1);
            } else if self.from_zero {
                let at = order.iter().position(|&s| s == 0).unwrap_or(0);
                order.rotate_left(at);
            }
        }
        for w in path.windows(2) {
            if self.c(w[0], w[1]) >= self.penalty {
                return Err(TripError::Unreachable {
                    from: w[0],
                    to: w[1],
                });
            }
        }
        if self.fixed_cost >= self.penalty {
            return Err(TripError::Unreachable {
                from: self.right,
                to: self.left,
            });
        }
        let cost =
            u64::try_from(self.path_cost(path) + self.fixed_cost).expect("costs are non-negative");
        Ok(Trip { order, cost, exact })
    }

    /// Held–Karp over the free stops: the exact best path from `left` to `right`.
    fn held_karp(&self) -> Vec<usize> {
        let f = self.free.len();
        if f == 0 {
            return vec![self.left, self.right];
        }
        let full = (1usize << f) - 1;
        let mut dp = vec![i64::MAX; (full + 1) * f];
        let mut parent = vec![u8::MAX; (full + 1) * f];
        for j in 0..f {
            dp[(1 << j) * f + j] = self.c(self.left, self.free[j]);
        }
        for mask in 1..=full {
            for j in (0..f).filter(|&j| mask & (1 << j) != 0) {
                let base = dp[mask * f + j];
                if base == i64::MAX {
                    continue;
                }
                for k in (0..f).filter(|&k| mask & (1 << k) == 0) {
                    let next = mask | (1 << k);
                    let v = base + self.c(self.free[j], self.free[k]);
                    if v < dp[next * f + k] {
                        dp[next * f + k] = v;
                        parent[next * f + k] = u8::try_from(j).expect("f ≤ EXACT_LIMIT");
                    }
                }
            }
        }
        let last = (0..f)
            .min_by_key(|&j| (dp[full * f + j] + self.c(self.free[j], self.right), j))
            .expect("f > 0");
        let mut rev = Vec::with_capacity(f);
        let (mut mask, mut j) = (full, last);
        loop {
            rev.push(self.free[j]);
            let p = parent[mask * f + j];
            mask &= !(1 << j);
            if p == u8::MAX {
                break;
            }
            j = usize::from(p);
        }
        let mut path = Vec::with_capacity(f + 2);
        path.push(self.left);
        path.extend(rev.into_iter().rev());
        path.push(self.right);
        path
    }

    fn cheapest_insertion(&self) -> Vec<usize> {
        self.insertion(None, Insertion::Cheapest)
    }

    /// Insertion construction: a linked list from `left` to `right` (the latter as slot
    /// `nodes`, since both anchors may be one node), first holding `first` if given.
    fn insertion(&self, first: Option<usize>, rule: Insertion) -> Vec<usize> {
        let end = self.nodes;
        let node = |slot: usize| if slot == end { self.right } else { slot };
        let mut next = vec![usize::MAX; self.nodes + 1];
        next[self.left] = end;
        let mut todo: Vec<usize> = self.free.clone();
        if let Some(x) = first {
            next[self.left] = x;
            next[x] = end;
            todo.retain(|&s| s != x);
        }
        // Cheapest place of each waiting stop: (extra cost, slot it goes after).
        let place = |k: usize, next: &[usize]| {
            let mut best = (i64::MAX, self.left);
            let mut a = self.left;
            while a != end {
                let b = next[a];
                let extra = self.c(node(a), k) + self.c(k, node(b)) - self.c(node(a), node(b));
                if extra < best.0 {
                    best = (extra, a);
                }
                a = b;
            }
            best
        };
        let mut best: Vec<(i64, usize)> = todo.iter().map(|&k| place(k, &next)).collect();
        while !todo.is_empty() {
            let pick = match rule {
                Insertion::Cheapest => (0..todo.len()).min_by_key(|&i| (best[i].0, todo[i])),
                Insertion::Farthest => {
                    (0..todo.len()).max_by_key(|&i| (best[i].0, std::cmp::Reverse(todo[i])))
                }
            }
            .expect("todo is not empty");
            let (k, (_, a)) = (todo.swap_remove(pick), best.swap_remove(pick));
            let b = next[a];
            next[a] = k;
            next[k] = b;
            for (i, &w) in todo.iter().enumerate() {
                if best[i].1 == a {
                    best[i] = place(w, &next);
                } else {
                    for from in [a, k] {
                        let to = next[from];
                        let extra = self.c(node(from), w) + self.c(w, node(to))
                            - self.c(node(from), node(to));
                        if extra < best[i].0 {
                            best[i] = (extra, from);
                        }
                    }
                }
            }
        }
        let mut path = Vec::with_capacity(self.free.len() + 2);
        let mut a = self.left;
        path.push(a);
        while next[a] != end {
            a = next[a];
            path.push(a);
        }
        path.push(self.right);
        path
    }
}

/// 2-opt + Or-opt with neighbour lists and don't-look bits, inside iterated local search.
///
/// Works on a path whose first and last entries (the anchors) never move; positions
/// `1..=f` hold the free stops.
struct LocalSearch<'a> {
    m: &'a Model,
    path: Vec<usize>,
    /// Position of each free stop in `path` (`usize::MAX` for anchors).
    pos: Vec<usize>,
    /// `fwd[k]` = cost of legs `path[0] → … → path[k]`; `bwd[k]` the same legs reversed.
    fwd: Vec<i64>,
    bwd: Vec<i64>,
    out_nb: Vec<Vec<usize>>,
    in_nb: Vec<Vec<usize>>,
    queue: VecDeque<usize>,
    queued: Vec<bool>,
    /// Scratch list of Or-opt insertion gaps, kept to avoid allocating per move.
    gaps: Vec<usize>,
    best: Vec<usize>,
    best_cost: i64,
}

impl<'a> LocalSearch<'a> {
    fn new(m: &'a Model, path: Vec<usize>) -> Self {
        let k = NEIGHBOURS.min(m.free.len().saturating_sub(1));
        // The k free stops other than `a` with the smallest key, by (key, id).
        let nearest = |a: usize, key: &dyn Fn(usize) -> i64| {
            let mut v: Vec<(i64, usize)> = m
                .free
                .iter()
                .filter(|&&x| x != a)
                .map(|&x| (key(x), x))
                .collect();
            if k < v.len() {
                v.select_nth_unstable(k);
                v.truncate(k);
            }
            v.sort_unstable();
            v.into_iter().map(|(_, x)| x).collect::<Vec<usize>>()
        };
        let mut out_nb = vec![Vec::new(); m.nodes];
        let mut in_nb = vec![Vec::new(); m.nodes];
        for &a in &m.free {
            out_nb[a] = nearest(a, &|x| m.c(a, x));
            in_nb[a] = nearest(a, &|x| m.c(x, a));
        }
        let best_cost = m.path_cost(&path);
        let mut s = Self {
            m,
            pos: vec![usize::MAX; m.nodes],
            fwd: Vec::new(),
            bwd: Vec::new(),
            out_nb,
            in_nb,
            queue: VecDeque::new(),
            queued: vec![false; m.nodes],
            gaps: Vec::with_capacity(4 * NEIGHBOURS + 2),
            best: path.clone(),
            best_cost,
            path,
        };
        s.refresh(1, s.path.len() - 1);
        s
    }

    #[inline]
    fn c(&self, a: usize, b: usize) -> i64 {
        self.m.c(a, b)
    }

    /// Recomputes positions of `path[lo..hi]` and all prefix sums.
    fn refresh(&mut self, lo: usize, hi: usize) {
        for p in lo..hi {
            self.pos[self.path[p]] = p;
        }
        let len = self.path.len();
        self.fwd.resize(len, 0);
        self.bwd.resize(len, 0);
        for p in 1..len {
            let (a, b) = (self.path[p - 1], self.path[p]);
            self.fwd[p] = self.fwd[p - 1] + self.c(a, b);
            self.bwd[p] = self.bwd[p - 1] + self.c(b, a);
        }
    }

    fn cost(&self) -> i64 {
        self.fwd[self.path.len() - 1]
    }

    fn push(&mut self, p: usize) {
        // Only free stops (positions 1..=f) are queued.
        if p == 0 || p + 1 >= self.path.len() {
            return;
        }
        let x = self.path[p];
        if !self.queued[x] {
            self.queued[x] = true;
            self.queue.push_back(x);
        }
    }

    fn push_around(&mut self, positions: &[usize]) {
        for &p in positions {
            for q in [p.saturating_sub(1), p, p + 1] {
                self.push(q);
            }
        }
    }

    /// Local search to a local optimum from the queued stops.
    fn descend(&mut self) {
        while let Some(x) = self.queue.pop_front() {
            self.queued[x] = false;
            if self.improve(x) {
                let p = self.pos[x];
                self.push(p);
            }
        }
    }

    /// Tries the moves around stop `x`; applies the first improving one.
    fn improve(&mut self, x: usize) -> bool {
        self.two_opt_out(x) || self.two_opt_in(x) || self.or_opt(x)
    }

    /// Gain-checked reversal of `path[i..=j]` (1 ≤ i ≤ j ≤ f); applies it if it improves.
    fn try_reverse(&mut self, i: usize, j: usize) -> bool {
        if i < 1 || j + 1 >= self.path.len() || i >= j {
            return false;
        }
        let p = &self.path;
        let (a, b, cj, d) = (p[i - 1], p[i], p[j], p[j + 1]);
        let delta = self.c(a, cj) + self.c(b, d) + (self.bwd[j] - self.bwd[i])
            - self.c(a, b)
            - self.c(cj, d)
            - (self.fwd[j] - self.fwd[i]);
        if delta >= 0 {
            return false;
        }
        self.path[i..=j].reverse();
        self.refresh(i, j + 1);
        self.push_around(&[i, j]);
        true
    }

    /// 2-opt with a new leg `x → c`, `c` among the cheapest successors of `x`.
    fn two_opt_out(&mut self, x: usize) -> bool {
        let i = self.pos[x];
        let succ = self.path[i + 1];
        for n in 0..self.out_nb[x].len() {
            let c = self.out_nb[x][n];
            if self.c(x, c) >= self.c(x, succ) {
                break;
            }
            let j = self.pos[c];
            if j > i + 1 && self.try_reverse(i + 1, j) {
                return true;
            }
        }
        false
    }

    /// 2-opt with a new leg `c → x`, `c` among the cheapest predecessors of `x`.
    fn two_opt_in(&mut self, x: usize) -> bool {
        let j = self.pos[x];
        let pred = self.path[j - 1];
        for n in 0..self.in_nb[x].len() {
            let c = self.in_nb[x][n];
            if self.c(c, x) >= self.c(pred, x) {
                break;
            }
            let i = self.pos[c];
            if i + 1 < j && self.try_reverse(i, j - 1) {
                return true;
            }
        }
        false
    }

    /// Or-opt: moves the segment of 1–3 stops starting at `x`, kept or reversed, next to one
    /// of the cheapest neighbours of its ends (or next to an anchor).
    fn or_opt(&mut self, x: usize) -> bool {
        let f = self.path.len() - 2;
        let i = self.pos[x];
        for len in 1..=3usize {
            let j = i + len - 1;
            if j > f {
                break;
            }
            let (first, last) = (self.path[i], self.path[j]);
            let (prev, next) = (self.path[i - 1], self.path[j + 1]);
            let seg_fwd = self.fwd[j] - self.fwd[i];
            let seg_bwd = self.bwd[j] - self.bwd[i];
            let removed = self.c(prev, first) + self.c(last, next) - self.c(prev, next);
            // Candidate gaps `k` (between path[k] and path[k + 1]) outside the segment.
            let mut gaps = std::mem::take(&mut self.gaps);
            gaps.clear();
            gaps.push(0);
            gaps.push(f);
            for &p in self.in_nb[first].iter().chain(&self.in_nb[last]) {
                gaps.push(self.pos[p]);
            }
            for &q in self.out_nb[last].iter().chain(&self.out_nb[first]) {
                gaps.push(self.pos[q] - 1);
            }
            let mut best: Option<(i64, usize, bool)> = None;
            for &k in &gaps {
                if k + 1 >= i && k <= j {
                    continue;
                }
                let (p, q) = (self.path[k], self.path[k + 1]);
                let kept = self.c(p, first) + self.c(last, q) - self.c(p, q);
                let flipped = self.c(p, last) + self.c(first, q) - self.c(p, q) + seg_bwd - seg_fwd;
                for (added, rev) in [(kept, false), (flipped, true)] {
                    let delta = added - removed;
                    if delta < 0 && best.is_none_or(|(d, ..)| delta < d) {
                        best = Some((delta, k, rev));
                    }
                }
            }
            self.gaps = gaps;
            if let Some((_, k, rev)) = best {
                self.move_segment(i, j, k, rev);
                return true;
            }
        }
        false
    }

    /// Moves `path[i..=j]` into the gap after position `k` (outside the segment).
    fn move_segment(&mut self, i: usize, j: usize, k: usize, rev: bool) {
        let len = j - i + 1;
        let (lo, hi, at) = if k < i {
            self.path[k + 1..=j].rotate_right(len);
            (k + 1, j + 1, k + 1)
        } else {
            self.path[i..=k].rotate_left(j + 1 - i);
            (i, k + 1, k + 1 - len)
        };
        if rev {
            self.path[at..at + len].reverse();
        }
        self.refresh(lo, hi);
        self.push_around(&[i, at, at + len - 1, lo, hi - 1]);
    }

    /// Local search from every stop, then `iterations` rounds of kick and repair.
    fn run(&mut self, iterations: u32, seed: u64) {
        for p in 1..self.path.len() - 1 {
            self.push(p);
        }
        self.descend();
        self.keep_if_best();
        let f = self.path.len() - 2;
        if f < 3 {
            return;
        }
        let mut rng = Pcg64::seed_from_u64(seed);
        for _ in 0..iterations {
            // Restart each kick from the best tour so far.
            if self.cost() > self.best_cost {
                self.path.clone_from(&self.best);
                self.refresh(1, self.path.len() - 1);
            }
            // Double bridge on the free part: A B C D → A C B D, cut at 1 ≤ p1 < p2 < p3 ≤ f.
            let mut cuts = [0usize; 3];
            for c in &mut cuts {
                *c = rng.random_range(1..=f + 1);
            }
            cuts.sort_unstable();
            let [p1, p2, p3] = cuts;
            if p1 == p2 || p2 == p3 {
                continue;
            }
            self.path[p1..p3].rotate_left(p2 - p1);
            self.refresh(p1, p3);
            let q2 = p1 + (p3 - p2);
            self.push_around(&[p1, q2, p3 - 1, p1 - 1, p3]);
            self.descend();
            self.keep_if_best();
        }
        if self.cost() > self.best_cost {
            self.path.clone_from(&self.best);
        }
    }

    fn keep_if_best(&mut self) {
        let c = self.cost();
        if c < self.best_cost {
            self.best_cost = c;
            self.best.clone_from(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x: &[i64]) -> impl Fn(usize, usize) -> Option<u32> + '_ {
        |a, b| u32::try_from((x[a] - x[b]).abs()).ok()
    }

    #[test]
    fn open_trip_with_fixed_ends_runs_between_them() {
        let x = [5i64, 0, 30, 10, 20];
        let opts = TripOptions {
            round_trip: false,
            start: Some(1),
            end: Some(2),
            ..Default::default()
        };
        let trip = solve(5, line(&x), &opts).unwrap();
        assert_eq!(trip.order, vec![1, 0, 3, 4, 2]);
        assert_eq!(trip.cost, 30);
    }

    #[test]
    fn bad_input_is_an_error() {
        let x = [0i64, 1, 2];
        let d = TripOptions::default();
        assert_eq!(solve(0, line(&x), &d), Err(TripError::NoStops));
        let o = TripOptions {
            start: Some(3),
            ..d
        };
        assert_eq!(
            solve(3, line(&x), &o),
            Err(TripError::StopOutOfRange { stop: 3, n: 3 })
        );
        let o = TripOptions {
            round_trip: false,
            start: Some(1),
            end: Some(1),
            ..d
        };
        assert_eq!(
            solve(3, line(&x), &o),
            Err(TripError::SameStartEnd { stop: 1 })
        );
        assert_eq!(
            solve_matrix(&[Some(0); 8], 3, &d),
            Err(TripError::MatrixSize { len: 8, n: 3 })
        );
    }

    /// Brute force: `a` and `b` share a group iff each reaches the other (transitive closure).
    fn components_by_closure(n: usize, m: &[Option<u32>]) -> Vec<Vec<usize>> {
        let mut reach: Vec<bool> = (0..n * n)
            .map(|i| i / n == i % n || m[i].is_some())
            .collect();
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    if reach[i * n + k] && reach[k * n + j] {
                        reach[i * n + j] = true;
                    }
                }
            }
        }
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for i in 0..n {
            if !groups.iter().any(|g| g.contains(&i)) {
                groups.push(
                    (0..n)
                        .filter(|&j| reach[i * n + j] && reach[j * n + i])
                        .collect(),
                );
            }
        }
        groups
    }

    proptest::proptest! {
        #[test]
        fn components_match_transitive_closure(
            n in 0usize..12,
            cells in proptest::collection::vec(proptest::option::weighted(0.25, 1u32..100), 144),
        ) {
            let m = &cells[..n * n];
            let got = components(n, |a, b| m[a * n + b]);
            proptest::prop_assert_eq!(got, components_by_closure(n, m));
        }
    }

    #[test]
    fn one_way_unreachable_stop_is_named() {
        // Stop 2 can be left but never reached.
        let m = |a: usize, b: usize| {
            if b == 2 {
                None
            } else {
                Some(u32::from(a != b))
            }
        };
        let err = solve(3, m, &TripOptions::default()).unwrap_err();
        assert!(
            matches!(err, TripError::Unreachable { to: 2, .. }),
            "{err:?}"
        );
        // As the fixed start of an open trip, it is fine.
        let opts = TripOptions {
            round_trip: false,
            start: Some(2),
            ..Default::default()
        };
        assert_eq!(solve(3, m, &opts).unwrap().order[0], 2);
    }
}
