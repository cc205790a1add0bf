//! SQLite's WAL checkpoints off the write path. By default SQLite copies the WAL back into
//! the database file inside the commit that takes the WAL past 1,000 pages: that commit
//! then also writes those pages and syncs the database file, and every writer queued behind
//! it waits. Here a background task checkpoints every [`EVERY`] on a connection of its own
//! (`PRAGMA wal_checkpoint(PASSIVE)`: it waits for no reader and no writer, and writers do
//! not wait for it), and a commit checkpoints itself only past
//! [`WAL_AUTOCHECKPOINT_PAGES`], the bound should the background task fall behind.
//!
//! The WAL stays bounded as before: once every frame is copied back, the next writer starts
//! the WAL over from its beginning (SQLite does this when no reader still needs the old
//! frames); the file keeps the size it reached, about what is written in [`EVERY`] at the
//! highest write rate. Durability does not depend on checkpoints: a commit is durable once
//! its frames are synced to the WAL (`synchronous=FULL`).

use std::time::Duration;

use sqlx::AnyPool;

/// Pages the WAL may reach before a commit checkpoints it itself (SQLite's default: 1,000).
pub(super) const WAL_AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// How often the background task checkpoints.
pub(super) const EVERY: Duration = Duration::from_millis(250);

/// The background checkpoints of one store's pool; they stop when this is dropped, or when
/// the pool is closed.
#[derive(Debug)]
pub(super) struct Checkpointer(tokio::task::AbortHandle);

impl Checkpointer {
    /// Starts checkpointing `pool` (an SQLite pool) in the current tokio runtime; `None`
    /// outside one (commits then checkpoint themselves, past the larger bound).
    pub(super) fn start(pool: &AnyPool) -> Option<Checkpointer> {
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let pool = pool.clone();
        let task = runtime.spawn(async move {
            let mut tick = tokio::time::interval(EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if pool.is_closed() {
                    return;
                }
                // A failure (the disk is full, the file locked by another process's
                // checkpoint) is retried at the next tick; the commits' own bound stands.
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    if pool.is_closed() {
                        return;
                    }
                    tracing::debug!(error = %super::store_error(&e), "WAL checkpoint failed");
                }
            }
        });
        Some(Checkpointer(task.abort_handle()))
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.0.abort();
    }
}
