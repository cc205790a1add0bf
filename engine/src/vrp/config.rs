//! Solver bounds and reproducibility knobs.

use std::time::Duration;

/// How long and how the solver searches.
///
/// The search is deterministic for a given `seed`, `threads` and `max_iterations` when no time
/// limit cuts it short: the time limit is a wall-clock bound and stops at a machine-dependent
/// iteration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolverConfig {
    /// Wall-clock budget; `None` for no time bound (then `max_iterations` should be set).
    pub time_limit: Option<Duration>,
    /// Ruin-and-recreate iterations per thread; `None` for no iteration bound.
    pub max_iterations: Option<u64>,
    /// Seed of the random generators (thread `i` derives its own from it).
    pub seed: u64,
    /// Independent searches run in parallel (rayon); the best is returned, ties by thread index.
    pub threads: usize,
}

impl Default for SolverConfig {
    /// 10 s, no iteration bound, seed 0, one thread.
    fn default() -> Self {
        SolverConfig {
            time_limit: Some(Duration::from_secs(10)),
            max_iterations: None,
            seed: 0,
            threads: 1,
        }
    }
}
