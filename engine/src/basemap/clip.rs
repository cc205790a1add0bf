//! Cutting a polyline to a rectangle (Liang–Barsky on each segment).

/// The parts of `line` inside `[min_x, min_y, max_x, max_y]` (edges included): each part a
/// run of consecutive clipped segments, with the points where the line crosses the border.
/// A part has at least two points; a line touching the box in one point gives none.
#[must_use]
pub fn clip_polyline(line: &[[f64; 2]], bbox: [f64; 4]) -> Vec<Vec<[f64; 2]>> {
    let mut parts: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut current: Vec<[f64; 2]> = Vec::new();
    for w in line.windows(2) {
        match clip_segment(w[0], w[1], bbox) {
            Some((a, b)) => {
                if current.last() != Some(&a) {
                    flush(&mut parts, &mut current);
                    current.push(a);
                }
                current.push(b);
                // The segment left the box: the next one starts a new part.
                if b != w[1] {
                    flush(&mut parts, &mut current);
                }
            }
            None => flush(&mut parts, &mut current),
        }
    }
    flush(&mut parts, &mut current);
    parts
}

fn flush(parts: &mut Vec<Vec<[f64; 2]>>, current: &mut Vec<[f64; 2]>) {
    if current.len() >= 2 && current.windows(2).any(|w| w[0] != w[1]) {
        parts.push(std::mem::take(current));
    } else {
        current.clear();
    }
}

/// The part of segment `a`–`b` inside the box, `None` when it misses the box.
fn clip_segment(a: [f64; 2], b: [f64; 2], bbox: [f64; 4]) -> Option<([f64; 2], [f64; 2])> {
    let d = [b[0] - a[0], b[1] - a[1]];
    let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
    for (p, q) in [
        (-d[0], a[0] - bbox[0]),
        (d[0], bbox[2] - a[0]),
        (-d[1], a[1] - bbox[1]),
        (d[1], bbox[3] - a[1]),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
            if t0 > t1 {
                return None;
            }
        }
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            [a[0] + t * d[0], a[1] + t * d[1]]
        }
    };
    Some((at(t0), at(t1)))
}
