//! One value per rayon worker, made once per parallel job rather than once per work split.
//!
//! `map_init` calls its initialiser for every split of the work, which for `O(n)` search
//! state means allocating and clearing megabytes many times over; this keeps exactly one
//! value per worker (plus one for a caller outside the pool) for the whole job.

use std::sync::{Mutex, PoisonError};

/// One `T` per rayon worker of the current pool.
pub(crate) struct PerWorker<T> {
    states: Vec<Mutex<T>>,
}

impl<T> PerWorker<T> {
    /// One value per worker, each made by `make`.
    pub(crate) fn new(make: impl Fn() -> T) -> Self {
        Self {
            states: (0..=rayon::current_num_threads())
                .map(|_| Mutex::new(make()))
                .collect(),
        }
    }

    /// Runs `f` with the calling worker's value. Each worker has its own, so the lock is
    /// never contended; a worker of another pool shares the last one.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let i = rayon::current_thread_index()
            .map_or(0, |i| i + 1)
            .min(self.states.len() - 1);
        f(&mut self.states[i]
            .lock()
            .unwrap_or_else(PoisonError::into_inner))
    }
}
