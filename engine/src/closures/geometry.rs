//! Planar geometry for matching closures to roads: segment crossings, distances to a
//! polyline, points in a ring. Coordinates are `[x, y]` in one plane (metres of the
//! graph's [`crate::spatial::Projection`], or degrees where only topology matters).

/// Twice the signed area of the triangle `a b c` (positive: counter-clockwise).
fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

/// `true` when `c` lies within the bounding box of `a b` (for collinear points).
fn within_box(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> bool {
    c[0] >= a[0].min(b[0])
        && c[0] <= a[0].max(b[0])
        && c[1] >= a[1].min(b[1])
        && c[1] <= a[1].max(b[1])
}

/// `true` when segments `a b` and `c d` share at least one point (touching counts).
#[must_use]
pub(crate) fn segments_meet(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> bool {
    let (o1, o2) = (orient(a, b, c), orient(a, b, d));
    let (o3, o4) = (orient(c, d, a), orient(c, d, b));
    if ((o1 > 0.0 && o2 < 0.0) || (o1 < 0.0 && o2 > 0.0))
        && ((o3 > 0.0 && o4 < 0.0) || (o3 < 0.0 && o4 > 0.0))
    {
        return true;
    }
    (o1 == 0.0 && within_box(a, b, c))
        || (o2 == 0.0 && within_box(a, b, d))
        || (o3 == 0.0 && within_box(c, d, a))
        || (o4 == 0.0 && within_box(c, d, b))
}

/// The point where segments `a b` and `c d` cross, when they cross at one point (parallel
/// and collinear segments give `None`).
#[must_use]
pub(crate) fn crossing(a: [f64; 2], b: [f64; 2], c: [f64; 2], d: [f64; 2]) -> Option<[f64; 2]> {
    let r = [b[0] - a[0], b[1] - a[1]];
    let s = [d[0] - c[0], d[1] - c[1]];
    let den = r[0] * s[1] - r[1] * s[0];
    if den == 0.0 {
        return None;
    }
    let q = [c[0] - a[0], c[1] - a[1]];
    let t = (q[0] * s[1] - q[1] * s[0]) / den;
    let u = (q[0] * r[1] - q[1] * r[0]) / den;
    ((0.0..=1.0).contains(&t) && (0.0..=1.0).contains(&u))
        .then(|| [a[0] + t * r[0], a[1] + t * r[1]])
}

/// Squared distance between two points.
#[must_use]
pub(crate) fn dist_sq(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// Squared distance from `p` to segment `a b`.
#[must_use]
pub(crate) fn point_segment_dist_sq(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let ab = [b[0] - a[0], b[1] - a[1]];
    let len_sq = ab[0] * ab[0] + ab[1] * ab[1];
    let t = if len_sq > 0.0 {
        (((p[0] - a[0]) * ab[0] + (p[1] - a[1]) * ab[1]) / len_sq).clamp(0.0, 1.0)
    } else {
        0.0
    };
    dist_sq(p, [a[0] + t * ab[0], a[1] + t * ab[1]])
}

/// Squared distance from `p` to a polyline of at least one point.
#[must_use]
pub(crate) fn point_line_dist_sq(p: [f64; 2], line: &[[f64; 2]]) -> f64 {
    match line {
        [] => f64::INFINITY,
        [a] => dist_sq(p, *a),
        _ => line
            .windows(2)
            .map(|w| point_segment_dist_sq(p, w[0], w[1]))
            .fold(f64::INFINITY, f64::min),
    }
}

/// The point halfway along a polyline of at least one point.
#[must_use]
pub(crate) fn midpoint(line: &[[f64; 2]]) -> [f64; 2] {
    let total: f64 = line.windows(2).map(|w| dist_sq(w[0], w[1]).sqrt()).sum();
    let mut left = total / 2.0;
    for w in line.windows(2) {
        let l = dist_sq(w[0], w[1]).sqrt();
        if left <= l && l > 0.0 {
            let t = left / l;
            return [
                w[0][0] + t * (w[1][0] - w[0][0]),
                w[0][1] + t * (w[1][1] - w[0][1]),
            ];
        }
        left -= l;
    }
    line.last().copied().unwrap_or([0.0, 0.0])
}

/// `true` when `p` lies inside the closed ring (even-odd rule; points on the boundary may
/// go either way, which the boundary-crossing test makes irrelevant for matching).
#[must_use]
pub(crate) fn in_ring(p: [f64; 2], ring: &[[f64; 2]]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
            if p[0] < x {
                inside = !inside;
            }
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_distances_and_rings() {
        assert_eq!(
            crossing([0.0, 0.0], [2.0, 2.0], [0.0, 2.0], [2.0, 0.0]),
            Some([1.0, 1.0])
        );
        assert_eq!(
            crossing([0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]),
            None
        );
        assert!(segments_meet(
            [0.0, 0.0],
            [1.0, 0.0],
            [1.0, 0.0],
            [2.0, 5.0]
        ));
        assert!(!segments_meet(
            [0.0, 0.0],
            [1.0, 0.0],
            [2.0, 0.0],
            [3.0, 0.0]
        ));
        assert!((point_segment_dist_sq([1.0, 1.0], [0.0, 0.0], [2.0, 0.0]) - 1.0).abs() < 1e-12);
        assert_eq!(midpoint(&[[0.0, 0.0], [1.0, 0.0], [1.0, 3.0]]), [1.0, 1.0]);
        let square = [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]];
        assert!(in_ring([1.0, 2.0], &square));
        assert!(!in_ring([5.0, 2.0], &square));
    }
}
