//! `/v1/events`: the live feed as Server-Sent Events, and `/v1/events.json` for polling.
//!
//! A stream first replays the store's events after `Last-Event-ID` (or `after=`), then
//! waits for the signal every write sends ([`BoardState::notify`]) and reads the store
//! again after the last event it sent. Reading always from the store, after the last sent
//! sequence number, leaves no gap and no duplicate at the seam between replay and live; the
//! signal is marked seen before each read, so no write between the read and the wait is
//! missed. Every few seconds the store is read anyway (writes of another process). Streams
//! end when the server shuts down ([`BoardState::close`]).
//! Coordinators see their headquarters' events, admins all (or `hq=`); other roles 403.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use engine::board::{Event, EventQuery, Principal, Role, Store};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::auth::Auth;
use super::body::V1Query;
use super::error::{ErrorAnswers, V1Error};
use super::pagination::{cursor_after, decode_cursor, limit};
use super::state::BoardState;

/// How often a waiting stream reads the store anyway.
const POLL: Duration = Duration::from_secs(5);
/// Events read from the store at once.
const BATCH: usize = 500;

/// A page of events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EventPage {
    /// Events, by sequence number.
    pub items: Vec<Event>,
    /// Pass as `cursor` for the next page; `null` when no more events are stored yet.
    pub next_cursor: Option<String>,
}

/// Where a stream starts.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// Only this headquarters.
    pub hq: Option<i64>,
    /// Replay events after this sequence number (`Last-Event-ID` wins); default: only new
    /// events.
    #[param(minimum = 0)]
    pub after: Option<i64>,
}

/// Which events to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventListQuery {
    /// Only this headquarters.
    pub hq: Option<i64>,
    /// Events after this sequence number (default 0).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// From a previous page's `next_cursor` (wins over `after`).
    pub cursor: Option<String>,
    /// Page size, 1..=1000 (default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

/// The headquarters whose events `who` may watch (`None`: all).
fn scope(who: &Principal, hq: Option<i64>) -> Result<Option<Vec<i64>>, V1Error> {
    match (who.role, hq) {
        (Role::Admin, hq) => Ok(hq.map(|h| vec![h])),
        (Role::Coordinator, Some(h)) => {
            who.may_watch(h)
                .map_err(|d| V1Error::new(StatusCode::FORBIDDEN, "forbidden", d.0))?;
            Ok(Some(vec![h]))
        }
        (Role::Coordinator, None) => Ok(Some(who.hqs.clone())),
        _ => Err(V1Error::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "only coordinators and admins watch events",
        )),
    }
}

fn non_negative(after: Option<i64>) -> Result<Option<i64>, V1Error> {
    match after {
        Some(a) if a < 0 => Err(V1Error::bad_request(
            "invalid_query",
            "after must not be negative",
        )),
        a => Ok(a),
    }
}

struct Feed {
    board: Arc<BoardState>,
    hqs: Option<Vec<i64>>,
    after: i64,
    pending: VecDeque<Event>,
    changed: watch::Receiver<u64>,
    closing: watch::Receiver<bool>,
}

impl Feed {
    /// The next event, waiting for one if needed; `None` when the store fails.
    async fn next(&mut self) -> Option<Event> {
        loop {
            if *self.closing.borrow() {
                return None;
            }
            if let Some(e) = self.pending.pop_front() {
                self.after = e.seq;
                return Some(e);
            }
            self.changed.borrow_and_update();
            let q = EventQuery {
                after_seq: self.after,
                hqs: self.hqs.clone(),
                entity: None,
                limit: BATCH,
            };
            let found = self.board.board.store().events(&q).await.ok()?;
            if found.is_empty() {
                tokio::select! {
                    r = self.changed.changed() => r.ok()?,
                    _ = self.closing.changed() => return None,
                    () = tokio::time::sleep(POLL) => {}
                }
            } else {
                self.pending.extend(found);
            }
        }
    }
}

/// The SSE form of an event: `id: <seq>`, `event: <entity>.<action>`, data the event.
fn sse_event(e: &Event) -> SseEvent {
    SseEvent::default()
        .id(e.seq.to_string())
        .event(format!("{}.{}", e.entity.as_str(), e.action))
        .data(serde_json::to_string(e).unwrap_or_default())
}

/// Live events as Server-Sent Events; resumes after `Last-Event-ID` (or `after=`).
#[utoipa::path(get, path = "/v1/events", tag = "events", params(StreamQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event")),
    responses((status = 200, description = "text/event-stream of events: `id: <seq>`, `event: <entity>.<action>`, data an Event", content_type = "text/event-stream", body = String), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn stream(
    auth: Auth,
    headers: HeaderMap,
    V1Query(q): V1Query<StreamQuery>,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, V1Error> {
    let hqs = scope(&auth.who, q.hq)?;
    let last_id = match headers.get("last-event-id") {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse::<i64>().ok())
                .filter(|n| *n >= 0)
                .ok_or_else(|| {
                    V1Error::bad_request("invalid_header", "Last-Event-ID must be an event id")
                })?,
        ),
    };
    let changed = auth.board.subscribe();
    let closing = auth.board.closing();
    let after = match last_id.or(non_negative(q.after)?) {
        Some(a) => a,
        None => auth.board.board.store().last_seq().await?,
    };
    let feed = Feed {
        board: auth.board,
        hqs,
        after,
        pending: VecDeque::new(),
        changed,
        closing,
    };
    let events = futures_util::stream::unfold(feed, |mut feed| async move {
        let e = feed.next().await?;
        Some((Ok(sse_event(&e)), feed))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Stored events, paged by sequence number, for clients that poll.
#[utoipa::path(get, path = "/v1/events.json", tag = "events", params(EventListQuery),
    responses((status = 200, description = "A page of events", body = EventPage), ErrorAnswers),
    security(("bearer" = [])))]
pub async fn list(
    auth: Auth,
    V1Query(q): V1Query<EventListQuery>,
) -> Result<Json<EventPage>, V1Error> {
    let hqs = scope(&auth.who, q.hq)?;
    let after = match decode_cursor(q.cursor.as_deref())? {
        Some(a) => a,
        None => non_negative(q.after)?.unwrap_or(0),
    };
    let lim = limit(q.limit)?;
    let items = auth
        .board
        .board
        .store()
        .events(&EventQuery {
            after_seq: after,
            hqs,
            entity: None,
            limit: lim,
        })
        .await?;
    let next_cursor = items
        .last()
        .filter(|_| items.len() == lim)
        .map(|e| cursor_after(e.seq));
    Ok(Json(EventPage { items, next_cursor }))
}
