//! SISR ruin: remove strings (runs of consecutive stops) from routes near a random seed stop
//! (Christiaens & Vanden Berghe 2020, §4.1). A shipment loses both halves together.

use rand::RngExt as _;

use super::{NONE, Search};

/// Average number of removed stops (SISR's c̄).
const AVG_REMOVED: f64 = 10.0;
/// Longest string (SISR's L^max).
const MAX_STRING: f64 = 10.0;
/// Probability of the split-string variant, which keeps a run inside the removed string.
const SPLIT_RATE: f64 = 0.5;
/// Probability of stopping to grow the kept run of a split string.
const SPLIT_DEPTH: f64 = 0.5;

impl Search<'_> {
    /// Removes strings from routes around a random routed stop; appends the removed tasks
    /// to `removed`.
    pub(crate) fn ruin(&mut self, removed: &mut Vec<u32>) {
        let used: Vec<usize> = (0..self.routes.len())
            .filter(|&r| !self.routes[r].is_empty())
            .collect();
        if used.is_empty() {
            return;
        }
        let stops: usize = used.iter().map(|&r| self.routes[r].len()).sum();
        #[expect(clippy::cast_precision_loss, reason = "averages")]
        let avg_len = stops as f64 / used.len() as f64;
        let ls_max = MAX_STRING.min(avg_len);
        let ks_max = 4.0 * AVG_REMOVED / (1.0 + ls_max) - 1.0;
        #[expect(clippy::cast_possible_truncation, reason = "a small positive count")]
        let ks = (self.rng.random_range(1.0..ks_max.max(1.0) + 1.0)).floor() as usize;
        // Seed: a random routed stop.
        let r0 = used[self.rng.random_range(0..used.len())];
        let seed = self.routes[r0].nodes[self.rng.random_range(0..self.routes[r0].len())];
        let mut ruined: Vec<usize> = Vec::with_capacity(ks);
        let m = self.m;
        for &c in std::iter::once(&seed).chain(m.neighbours[seed as usize].iter()) {
            if ruined.len() >= ks {
                break;
            }
            let (r, _) = self.pos[c as usize];
            if r == NONE || ruined.contains(&(r as usize)) {
                continue;
            }
            let r = r as usize;
            ruined.push(r);
            let t = self.routes[r].len();
            #[expect(clippy::cast_precision_loss, reason = "route length")]
            let lmax = (t as f64).min(ls_max);
            #[expect(clippy::cast_possible_truncation, reason = "at most the route length")]
            let l = (self.rng.random_range(1.0..lmax + 1.0).floor() as usize).clamp(1, t);
            self.remove_string(r, c, l, removed);
        }
    }

    /// Removes a string of `l` stops containing `c` from route `r` (or, with probability
    /// [`SPLIT_RATE`], `l` stops of a longer string keeping a run in its middle).
    fn remove_string(&mut self, r: usize, c: u32, l: usize, removed: &mut Vec<u32>) {
        let t = self.routes[r].len();
        let p = self.pos[c as usize].1 as usize;
        let mut kept = 0;
        if l < t && self.rng.random::<f64>() < SPLIT_RATE {
            kept = 1;
            while kept < t - l && self.rng.random::<f64>() > SPLIT_DEPTH {
                kept += 1;
            }
        }
        let len = l + kept;
        let lo = p.saturating_sub(len - 1);
        let hi = p.min(t - len);
        let first = self.rng.random_range(lo..=hi);
        let keep_from = if kept > 0 {
            first + self.rng.random_range(0..=l)
        } else {
            usize::MAX
        };
        let m = self.m;
        let mut tasks: Vec<u32> = Vec::with_capacity(len);
        for i in first..first + len {
            if i >= keep_from && i < keep_from + kept {
                continue;
            }
            let task = m.node_task[self.routes[r].nodes[i] as usize];
            if !tasks.contains(&task) {
                tasks.push(task);
            }
        }
        self.touch(r);
        self.routes[r].remove_where(m, |u| tasks.contains(&m.node_task[u as usize]));
        let pos = &mut self.pos;
        for &task in &tasks {
            let node = m.task_node(task as usize) as usize;
            pos[node] = (NONE, NONE);
            if m.node_sibling[node] != NONE {
                pos[node + 1] = (NONE, NONE);
            }
        }
        self.refresh_pos(r);
        removed.extend_from_slice(&tasks);
    }
}
