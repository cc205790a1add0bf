//! Keeps every profile's closed edges in the served engine in step with the closures in
//! the store, within about a second and with no restart.
//!
//! - After this server writes a closure (create, lift), the handler re-applies the closures
//!   before it answers: the next routing request avoids the road.
//! - Before any request, a cheap check ([`closures_guard`]): when the engine is not the one
//!   the closures were applied to (start-up, a graph reload) or a closure starts or ends by
//!   now, the closures are applied again before the request goes on; when the store was last
//!   read more than [`STORE_RECHECK`] ago (a closure written by another process on the same
//!   database), they are read again in the background.
//!
//! When the store cannot be read, requests go on with the closures applied last (none
//! before the first read), and the next attempt comes [`STORE_RECHECK`] later.
//!
//! Applying matches each closure in force to each profile's graph and swaps the closed-edge
//! sets in ([`engine::closures::apply()`]), on a blocking thread.

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use engine::board::{Store, Time};
use engine::closures::{Closure, Matchers, apply, next_change};
use engine::dispatch::Engine;

use super::error::V1Error;
use super::state::{BoardState, BoardStore};
use crate::http::AppState;

/// Longest time between two reads of the closures in the store.
pub const STORE_RECHECK: Duration = Duration::from_secs(1);

/// What was applied last.
#[derive(Debug, Default)]
struct Applied {
    /// The engine the closures were applied to.
    engine: Weak<Engine>,
    /// The closures as read from the store.
    closures: Vec<Closure>,
    /// When a closure starts or ends next.
    next_change: Option<Time>,
    /// When the store was last read.
    read_at: Option<Instant>,
    /// A background re-read is running.
    reading: bool,
    /// When the last attempt failed (the store was unavailable): no new attempt for
    /// [`STORE_RECHECK`], so an unavailable store does not slow every request.
    failed_at: Option<Instant>,
}

/// The closures applied to the served engine (see the [module](self) docs).
#[derive(Debug, Default)]
pub struct ClosureSync {
    matchers: Arc<Mutex<Matchers>>,
    applied: Mutex<Applied>,
    /// One application at a time.
    applying: tokio::sync::Mutex<()>,
}

/// What is due before a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Due {
    Nothing,
    /// Apply now, before the request: the engine changed or a closure started or ended.
    Now,
    /// Read the store again in the background.
    Reread,
}

impl ClosureSync {
    /// The way indexes of the served engine's profiles (to check new closures).
    #[must_use]
    pub fn matchers(&self) -> Arc<Mutex<Matchers>> {
        Arc::clone(&self.matchers)
    }

    fn due(&self, engine: &Arc<Engine>, now: Time) -> Due {
        let Ok(mut a) = self.applied.lock() else {
            return Due::Now;
        };
        if a.failed_at.is_some_and(|t| t.elapsed() < STORE_RECHECK) {
            return Due::Nothing;
        }
        if !std::ptr::eq(a.engine.as_ptr(), Arc::as_ptr(engine))
            || a.next_change.is_some_and(|t| t <= now)
        {
            return Due::Now;
        }
        if !a.reading && a.read_at.is_none_or(|t| t.elapsed() >= STORE_RECHECK) {
            a.reading = true;
            return Due::Reread;
        }
        Due::Nothing
    }

    /// Reads the closures from the store and applies those in force at `now` to `engine`
    /// (skipped when nothing changed since the last application to the same engine, unless
    /// `force`).
    ///
    /// # Errors
    /// Store errors; an internal error when applying fails.
    pub async fn refresh(
        &self,
        store: &BoardStore,
        engine: &Arc<Engine>,
        now: Time,
        force: bool,
    ) -> Result<(), V1Error> {
        let _one = self.applying.lock().await;
        let closures = store.closures().await;
        let closures = match closures {
            Ok(c) => c,
            Err(e) => {
                if let Ok(mut a) = self.applied.lock() {
                    a.reading = false;
                    a.failed_at = Some(Instant::now());
                }
                return Err(e.into());
            }
        };
        let unchanged = self.applied.lock().is_ok_and(|a| {
            std::ptr::eq(a.engine.as_ptr(), Arc::as_ptr(engine))
                && a.closures == closures
                && a.next_change.is_none_or(|t| t > now)
        });
        if unchanged && !force {
            if let Ok(mut a) = self.applied.lock() {
                a.read_at = Some(Instant::now());
                a.reading = false;
            }
            return Ok(());
        }
        let (matchers, eng, list) = (self.matchers(), Arc::clone(engine), closures.clone());
        let started = Instant::now();
        let outcome = tokio::task::spawn_blocking(move || {
            let mut m = matchers
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            apply(&eng, &mut m, &list, now)
        })
        .await
        .map_err(|e| internal(&e))?
        .map_err(|e| internal(&e))?;
        for p in &outcome {
            tracing::info!(
                profile = p.profile,
                closures = p.closures,
                edges = p.edges,
                seconds = started.elapsed().as_secs_f64(),
                "road closures applied"
            );
        }
        if let Ok(mut a) = self.applied.lock() {
            *a = Applied {
                engine: Arc::downgrade(engine),
                next_change: next_change(&closures, now),
                closures,
                read_at: Some(Instant::now()),
                reading: false,
                failed_at: None,
            };
        }
        Ok(())
    }
}

/// A 500 for a failure to apply closures (details to the log).
fn internal(e: &dyn std::fmt::Display) -> V1Error {
    tracing::error!(error = %e, "applying road closures failed");
    V1Error::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "internal_error",
        "internal error",
    )
}

/// Middleware: brings the served engine's closures up to date as the [module](self) docs
/// say, before the request (or in the background for the periodic re-read).
pub async fn closures_guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if let Some(board) = &state.board {
        let engine = state.engine();
        let now = BoardState::now();
        match board.closures.due(&engine, now) {
            Due::Nothing => {}
            Due::Now => {
                if let Err(e) = board
                    .closures
                    .refresh(board.board.store(), &engine, now, false)
                    .await
                {
                    // Routing goes on with the closures applied last; the next attempt
                    // comes after STORE_RECHECK.
                    tracing::error!(error = %e.message, "road closures could not be applied");
                }
            }
            Due::Reread => {
                let board = Arc::clone(board);
                tokio::spawn(async move {
                    let store = board.board.store();
                    if let Err(e) = board.closures.refresh(store, &engine, now, false).await {
                        tracing::warn!(error = %e.message, "road closures could not be read");
                    }
                });
            }
        }
    }
    next.run(req).await
}
