//! The board's live view ([`LiveBoard`]) in the server: built from a snapshot of the store on
//! first use, then caught up from the store's events before every question, so it is exact
//! even when other server processes write to the same database.

use std::sync::Arc;

use engine::board::{
    EventQuery, LiveBoard, RequestQuery, RequestStatus, Roster, Store, VolunteerQuery,
};
use engine::dispatch::Engine;
use tokio::sync::{OwnedRwLockReadGuard, RwLock};

use super::error::V1Error;
use super::state::BoardStore;

/// Events read per catch-up step.
const CATCH_UP_PAGE: usize = 10_000;

/// The live view, shared by the handlers.
#[derive(Debug, Default)]
pub struct Live(Arc<RwLock<Option<LiveBoard>>>);

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
    /// The live view, current with the store's last event.
    ///
    /// # Errors
    /// Store errors (503/500 in the error shape).
    pub async fn current(
        &self,
        store: &BoardStore,
        engine: &Arc<Engine>,
    ) -> Result<OwnedRwLockReadGuard<Option<LiveBoard>>, V1Error> {
        if self.0.read().await.is_none() {
            let mut w = self.0.write().await;
            if w.is_none() {
                *w = Some(snapshot(store, engine).await?);
            }
        }
        loop {
            let seq = self.0.read().await.as_ref().map_or(0, LiveBoard::seq);
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
            let mut w = self.0.write().await;
            if let Some(live) = w.as_mut() {
                live.apply(engine, &events);
            }
            if events.len() < CATCH_UP_PAGE {
                break;
            }
        }
        Ok(Arc::clone(&self.0).read_owned().await)
    }
}
