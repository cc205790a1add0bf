//! The board's part of the server state: the board over its store, the signal of new
//! events, the geocoder seam and settings.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use engine::board::{Board, Geocoded, Point, Role, Store, StoreError, Time, TokenRecord};
use tokio::sync::watch;

use super::auth::token_hash;

/// The store the HTTP API runs on (the one place to switch stores).
pub type BoardStore = crate::store::SqlStore;

/// Turns an address into a position. The board answers `address_not_found` (422) when a
/// request comes without a location and no geocoder is set or it finds nothing.
pub trait Geocoder: Send + Sync {
    /// The position of `address` and how it was matched, or `None`.
    fn geocode(&self, address: &str) -> Option<(Point, Geocoded)>;
}

/// Settings of the board's API.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BoardSettings {
    /// OSRM's endpoints also need a valid token.
    pub require_token_for_routing: bool,
}

/// The board's state: shared by every `/v1` handler.
pub struct BoardState {
    /// The board.
    pub board: Board<BoardStore>,
    /// Settings.
    pub settings: BoardSettings,
    /// Address lookup, when one is configured.
    pub geocoder: Option<Arc<dyn Geocoder>>,
    /// The live view for "who can go now?" and coverage.
    pub live: super::live::Live,
    /// Dispatch plans made and not yet expired.
    pub plans: super::plans::PlanBook,
    /// The road closures applied to the served engine.
    pub closures: super::closure_sync::ClosureSync,
    /// Position reports waiting for their batch's commit.
    pub positions: super::position_queue::PositionQueue,
    /// Tokens checked recently.
    pub tokens: super::token_cache::TokenCache,
    /// Bumped after every successful write, so live event streams read the store again.
    changed: watch::Sender<u64>,
    /// Set when the server shuts down: live event streams end, so the shutdown does not
    /// wait for clients that never hang up.
    closing: watch::Sender<bool>,
}

impl std::fmt::Debug for BoardState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BoardState")
            .field("settings", &self.settings)
            .field("geocoder", &self.geocoder.is_some())
            .finish_non_exhaustive()
    }
}

impl BoardState {
    /// The board over `store`.
    #[must_use]
    pub fn new(store: BoardStore, settings: BoardSettings) -> Self {
        Self {
            board: Board::new(store),
            settings,
            geocoder: None,
            live: super::live::Live::default(),
            plans: super::plans::PlanBook::default(),
            closures: super::closure_sync::ClosureSync::default(),
            positions: super::position_queue::PositionQueue::default(),
            tokens: super::token_cache::TokenCache::default(),
            changed: watch::Sender::new(0),
            closing: watch::Sender::new(false),
        }
    }

    /// The same state with a geocoder.
    #[must_use]
    pub fn with_geocoder(mut self, geocoder: Arc<dyn Geocoder>) -> Self {
        self.geocoder = Some(geocoder);
        self
    }

    /// The current time (read once per request).
    #[must_use]
    pub fn now() -> Time {
        let s = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Time(i64::try_from(s).unwrap_or(i64::MAX))
    }

    /// Tells live event streams that the store has new events.
    pub fn notify(&self) {
        self.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// This server's write counter: bumped by [`BoardState::notify`].
    #[must_use]
    pub fn generation(&self) -> u64 {
        *self.changed.borrow()
    }

    /// Ends every live event stream (call when the server shuts down).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// A receiver of [`BoardState::close`].
    #[must_use]
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// A receiver of [`BoardState::notify`].
    #[must_use]
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Stores `token` (only its SHA-256) with a role; returns the token's identifier.
    ///
    /// # Errors
    /// Store errors.
    pub async fn register_token(
        &self,
        token: &str,
        role: Role,
        hqs: Vec<i64>,
        volunteer: Option<i64>,
        label: &str,
    ) -> Result<i64, StoreError> {
        self.board
            .store()
            .insert_token(TokenRecord {
                id: 0,
                hash: token_hash(token),
                role,
                hqs,
                volunteer,
                label: label.to_owned(),
                created_at: Self::now(),
                revoked_at: None,
            })
            .await
    }

    /// Creates a random token (`vm_` and 64 hex digits) with a role, stores its hash and
    /// returns it with its identifier: the token itself is never stored.
    ///
    /// # Errors
    /// Store errors.
    pub async fn issue_token(
        &self,
        role: Role,
        hqs: Vec<i64>,
        volunteer: Option<i64>,
        label: &str,
    ) -> Result<(String, i64), StoreError> {
        let token = new_token();
        let id = self
            .register_token(&token, role, hqs, volunteer, label)
            .await?;
        Ok((token, id))
    }
}

pub use crate::store::new_token;

/// The geocoder of the graph files the server serves (the current ones after a reload): the
/// gazetteer `vmeste import` stored (addresses, streets and places of the extract), best
/// match first.
#[derive(Debug)]
pub struct MapGeocoder(pub Arc<crate::http::reload::EngineSlot>);

impl Geocoder for MapGeocoder {
    fn geocode(&self, address: &str) -> Option<(Point, Geocoded)> {
        let engine = self.0.current();
        let g = engine.gazetteer()?;
        let m = g.search(address, 1).ok()?.into_iter().next()?;
        let kind = super::geocode::kind_name(m.kind);
        Some((
            [m.location.lon, m.location.lat],
            Geocoded {
                label: m.label,
                confidence: m.confidence,
                kind: kind.to_owned(),
            },
        ))
    }
}
