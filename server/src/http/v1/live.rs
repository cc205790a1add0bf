//! The board's live view ([`LiveBoard`]) in the server: built from a snapshot of the store on
//! first use, then caught up from the store's events before a question whenever this server
//! has written since the last catch-up, and at least every [`FOREIGN_WRITES_LAG`] otherwise:
//! every write acknowledged by this server is seen by the next question, and writes of other
//! processes on the same database (`vmeste import-csv`, a second server) within that lag.
//! A batch of position reports is applied from its own events ([`Live::follow_own`]).

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use engine::board::{
    Event, EventQuery, LiveBoard, RequestQuery, RequestStatus, Roster, Store, VolunteerQuery,
};
use engine::dispatch::Engine;
use tokio::sync::{OwnedRwLockReadGuard, RwLock};

use super::error::V1Error;
use super::state::BoardStore;

/// Events read per catch-up step.
const CATCH_UP_PAGE: usize = 10_000;

/// Longest time the live view goes without reading the store's events while this server
/// writes nothing.
pub const FOREIGN_WRITES_LAG: Duration = Duration::from_millis(500);

/// The live view, shared by the handlers.
#[derive(Debug, Default)]
pub struct Live {
    view: Arc<RwLock<Option<LiveBoard>>>,
    /// The engine the view was built on: after a graph reload the view is built again on
    /// the new one (positions are placed on a graph).
    built_on: Mutex<Weak<Engine>>,
    /// This server's write counter ([`super::state::BoardState::generation`]) and the time
    /// at the last catch-up that found nothing new.
    checked: Mutex<Option<(u64, Instant)>>,
}

async fn snapshot(store: &BoardStore, engine: &Engine) -> Result<LiveBoard, V1Error> {
    let seq = store.last_seq().await?;
    let mut volunteers = Vec::new();
    let mut q = VolunteerQuery {
        limit: engine::board::MAX_PAGE,
        ..VolunteerQuery::default()
    };
    loop {
        let page = store.volunteers(&q).await?;
        let Some(last) = page.last().map(|v| v.id) else {
            break;
        };
        volunteers.extend(page);
        q.after_id = Some(last);
    }
    let mut held = Vec::new();
    let mut q = RequestQuery {
        statuses: vec![RequestStatus::Assigned, RequestStatus::EnRoute],
        limit: engine::board::MAX_PAGE,
        ..RequestQuery::default()
    };
    loop {
        let page = store.requests(&q).await?;
        let Some(last) = page.last().map(|r| r.id) else {
            break;
        };
        held.extend(page);
        q.after_id = Some(last);
    }
    Ok(LiveBoard::new(
        engine,
        Roster::from_snapshot(seq, volunteers, &held),
    ))
}

impl Live {
    /// The live view, current with the store's last event (see the [module](self) docs):
    /// `generation` is this server's write counter now.
    ///
    /// # Errors
    /// Store errors (503/500 in the error shape).
    pub async fn current(
        &self,
        store: &BoardStore,
        engine: &Arc<Engine>,
        generation: u64,
    ) -> Result<OwnedRwLockReadGuard<Option<LiveBoard>>, V1Error> {
        if self.view.read().await.is_none() || !self.built_on(engine) {
            let mut w = self.view.write().await;
            if w.is_none() || !self.built_on(engine) {
                *w = Some(snapshot(store, engine).await?);
                if let Ok(mut b) = self.built_on.lock() {
                    *b = Arc::downgrade(engine);
                }
            }
        }
        let fresh = self
            .checked
            .lock()
            .ok()
            .and_then(|c| *c)
            .is_some_and(|(g, at)| g == generation && at.elapsed() < FOREIGN_WRITES_LAG);
        if !fresh {
            self.catch_up(store, engine).await?;
            if let Ok(mut c) = self.checked.lock() {
                *c = Some((generation, Instant::now()));
            }
        }
        Ok(Arc::clone(&self.view).read_owned().await)
    }

    /// Brings the view up to date after this server committed `events` (by increasing
    /// sequence number), when it is built on `engine`. When they follow the view's last
    /// event with no number between (nobody else's event can be among them), they are
    /// applied as they are, without reading them back: the same events the store would
    /// give, so the same view. Otherwise (another writer's events came first, or the
    /// sequence skipped numbers, as PostgreSQL's does after a rollback) the view catches up
    /// from the store.
    ///
    /// # Errors
    /// Store errors.
    pub async fn follow_own(
        &self,
        store: &BoardStore,
        engine: &Arc<Engine>,
        events: &[Event],
    ) -> Result<(), V1Error> {
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            return Ok(());
        };
        let unbroken = events
            .windows(2)
            .all(|w| w[0].seq.checked_add(1) == Some(w[1].seq));
        {
            let mut w = self.view.write().await;
            // Asked under the lock: a reload rebuilds the view (and its engine) under it.
            if !self.built_on(engine) {
                return Ok(());
            }
            let Some(live) = w.as_mut() else {
                return Ok(());
            };
            if live.seq() >= last.seq {
                return Ok(());
            }
            if unbroken && live.seq().checked_add(1) == Some(first.seq) {
                live.apply(engine, events);
                return Ok(());
            }
        }
        self.catch_up(store, engine).await
    }

    /// The view as it is now, not caught up (`None` before the first question builds it):
    /// for inspection; questions use [`Live::current`].
    pub async fn as_is(&self) -> OwnedRwLockReadGuard<Option<LiveBoard>> {
        Arc::clone(&self.view).read_owned().await
    }

    /// `true` when the view was built on `engine`.
    fn built_on(&self, engine: &Arc<Engine>) -> bool {
        self.built_on
            .lock()
            .is_ok_and(|b| std::ptr::eq(b.as_ptr(), Arc::as_ptr(engine)))
    }

    /// Applies the store's events after the view's last one.
    async fn catch_up(&self, store: &BoardStore, engine: &Arc<Engine>) -> Result<(), V1Error> {
        loop {
            let seq = self.view.read().await.as_ref().map_or(0, LiveBoard::seq);
            let q = EventQuery {
                after_seq: seq,
                hqs: None,
                entity: None,
                limit: CATCH_UP_PAGE,
            };
            let events = store.events(&q).await?;
            if events.is_empty() {
                break;
            }
            let mut w = self.view.write().await;
            // A view rebuilt on another engine meanwhile is caught up by its own builder.
            if !self.built_on(engine) {
                return Ok(());
            }
            if let Some(live) = w.as_mut() {
                live.apply(engine, &events);
            }
            if events.len() < CATCH_UP_PAGE {
                break;
            }
        }
        Ok(())
    }
}
