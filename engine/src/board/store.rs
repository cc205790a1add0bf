//! What the board needs from storage, as a trait: the domain rules ([`super::Board`]) are
//! tested against [`super::MemoryStore`], and the server implements it over SQLite and
//! PostgreSQL.
//!
//! A store keeps records, events, idempotency keys and token hashes. Its one write,
//! [`Store::apply`], is a transaction: every record change, its events and the idempotency
//! key are stored together or not at all, and an update whose record changed since it was
//! read fails with [`StoreError::VersionConflict`]. A store acknowledges a write only once it
//! is durable (it survives a kill of the process).

use std::future::Future;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::access::Role;
use super::event::{EntityKind, Event};
use super::model::{
    Hq, Mode, Request, RequestKind, RequestStatus, Urgency, Volunteer, VolunteerStatus,
};
use super::time::Time;
use crate::closures::Closure;

/// A record of any kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Record {
    /// A headquarters.
    Hq(Hq),
    /// A volunteer.
    Volunteer(Volunteer),
    /// A request.
    Request(Request),
    /// A road closure.
    Closure(Closure),
}

impl Record {
    /// Its kind.
    #[must_use]
    pub fn kind(&self) -> EntityKind {
        match self {
            Record::Hq(_) => EntityKind::Hq,
            Record::Volunteer(_) => EntityKind::Volunteer,
            Record::Request(_) => EntityKind::Request,
            Record::Closure(_) => EntityKind::Closure,
        }
    }

    /// Its identifier.
    #[must_use]
    pub fn id(&self) -> i64 {
        match self {
            Record::Hq(x) => x.id,
            Record::Volunteer(x) => x.id,
            Record::Request(x) => x.id,
            Record::Closure(x) => x.id,
        }
    }

    /// Its headquarters (a headquarters is its own).
    #[must_use]
    pub fn hq(&self) -> i64 {
        match self {
            Record::Hq(x) => x.id,
            Record::Volunteer(x) => x.hq,
            Record::Request(x) => x.hq,
            Record::Closure(_) => 0,
        }
    }

    /// Its version.
    #[must_use]
    pub fn version(&self) -> i64 {
        match self {
            Record::Hq(x) => x.version,
            Record::Volunteer(x) => x.version,
            Record::Request(x) => x.version,
            Record::Closure(x) => x.version,
        }
    }

    /// Sets identifier and version (a store does this on insert and update).
    pub fn stamp(&mut self, id: i64, version: i64) {
        match self {
            Record::Hq(x) => (x.id, x.version) = (id, version),
            Record::Volunteer(x) => (x.id, x.version) = (id, version),
            Record::Request(x) => (x.id, x.version) = (id, version),
            Record::Closure(x) => (x.id, x.version) = (id, version),
        }
    }

    /// The record as JSON (for events and idempotent replies).
    #[must_use]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// One record change inside a [`Write`].
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// The record as it is to be stored. On insert its `id` and `version` are ignored: the
    /// store gives the next identifier and version 1. On update the store writes version
    /// `expected_version + 1`.
    pub record: Record,
    /// `None`: insert. `Some(v)`: update of the stored record whose version must be `v`.
    pub expected_version: Option<i64>,
    /// The event's action (`created`, `updated`, `assigned`, ...).
    pub action: String,
    /// New values of the fields that changed (for inserts: filled by the store with the whole
    /// record).
    pub changes: Value,
    /// Previous values.
    pub previous: Value,
}

/// An idempotency key sent with a create: a retry with the same key and body gets the first
/// answer; the same key with another body is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey {
    /// Whose key (the actor) and what for (the route): keys of different tokens never
    /// collide.
    pub scope: String,
    /// The client's key.
    pub key: String,
    /// A digest of the request body.
    pub fingerprint: String,
}

/// A stored idempotent answer.
#[derive(Clone, Debug, PartialEq)]
pub struct IdempotentReply {
    /// The body's digest the key was first used with.
    pub fingerprint: String,
    /// The first answer (the created record as JSON).
    pub body: Value,
}

/// A transaction.
#[derive(Clone, Debug, PartialEq)]
pub struct Write {
    /// When (events carry it).
    pub at: Time,
    /// Who (events carry it).
    pub actor: String,
    /// The changes, applied in order.
    pub changes: Vec<Change>,
    /// Stored with the first change's resulting record as the answer.
    pub idempotency: Option<IdempotencyKey>,
}

impl Write {
    /// The event of one of this write's changes to `record` (as stored: identifier and
    /// version set), numbered `seq`.
    #[must_use]
    pub fn event(
        &self,
        seq: i64,
        record: &Record,
        action: String,
        (changes, previous): (Value, Value),
    ) -> Event {
        Event {
            seq,
            at: self.at,
            actor: self.actor.clone(),
            hq: record.hq(),
            entity: record.kind(),
            entity_id: record.id(),
            action,
            changes,
            previous,
        }
    }
}

/// What a write did.
#[derive(Clone, Debug, PartialEq)]
pub enum Applied {
    /// Stored: the records as stored (identifiers and versions set) and their events.
    Stored {
        /// Records, in the order of the changes.
        records: Vec<Record>,
        /// Events, in the order of the changes.
        events: Vec<Event>,
    },
    /// The idempotency key was used before with the same body: nothing was written; this was
    /// the first answer.
    Replayed(Value),
}

/// Which volunteers to list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VolunteerQuery {
    /// Only these headquarters (`None`: all).
    pub hqs: Option<Vec<i64>>,
    /// Only this status.
    pub status: Option<VolunteerStatus>,
    /// Only this mode.
    pub mode: Option<Mode>,
    /// Only those changed at or after this time.
    pub updated_since: Option<Time>,
    /// Only identifiers greater than this (cursor).
    pub after_id: Option<i64>,
    /// At most this many, by increasing identifier.
    pub limit: usize,
}

/// Which requests to list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestQuery {
    /// Only these headquarters (`None`: all).
    pub hqs: Option<Vec<i64>>,
    /// Only these statuses (empty: all).
    pub statuses: Vec<RequestStatus>,
    /// Only this urgency.
    pub urgency: Option<Urgency>,
    /// Only this kind.
    pub kind: Option<RequestKind>,
    /// Only those located in `[min_lon, min_lat, max_lon, max_lat]`.
    pub bbox: Option<[f64; 4]>,
    /// Only those changed at or after this time.
    pub updated_since: Option<Time>,
    /// Only those recorded by this actor.
    pub created_by: Option<String>,
    /// Only those held (or last held) by this volunteer.
    pub volunteer: Option<i64>,
    /// Only identifiers greater than this (cursor).
    pub after_id: Option<i64>,
    /// At most this many, by increasing identifier.
    pub limit: usize,
}

/// Which events to read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventQuery {
    /// Only events after this sequence number.
    pub after_seq: i64,
    /// Only these headquarters (`None`: all).
    pub hqs: Option<Vec<i64>>,
    /// Only events of this record.
    pub entity: Option<(EntityKind, i64)>,
    /// At most this many, by increasing sequence.
    pub limit: usize,
}

/// A token as stored: never the token, only its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    /// Identifier (set by the store).
    pub id: i64,
    /// Lowercase hex SHA-256 of the token.
    pub hash: String,
    /// Role.
    pub role: Role,
    /// Headquarters it is limited to.
    pub hqs: Vec<i64>,
    /// The volunteer a volunteer token speaks for.
    pub volunteer: Option<i64>,
    /// A label for people (no secret).
    pub label: String,
    /// When it was made.
    pub created_at: Time,
    /// When it was revoked.
    pub revoked_at: Option<Time>,
}

/// Why a store could not answer.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StoreError {
    /// The record changed since the version the change was made from.
    #[error("{entity} {id} is at version {found}, the change was made from version {expected}", entity = .entity.as_str())]
    VersionConflict {
        /// Kind of record.
        entity: EntityKind,
        /// Identifier.
        id: i64,
        /// Version the change was made from.
        expected: i64,
        /// Version stored.
        found: i64,
    },
    /// An update names a record that does not exist.
    #[error("{entity} {id} does not exist", entity = .entity.as_str())]
    Missing {
        /// Kind of record.
        entity: EntityKind,
        /// Identifier.
        id: i64,
    },
    /// The idempotency key was used before with another body.
    #[error("the Idempotency-Key was used before with a different request body")]
    IdempotencyMismatch,
    /// The database cannot be reached or refused the work for now (retry later).
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The disk is full: nothing was written.
    #[error("the store's disk is full: nothing was written")]
    Full,
    /// Anything else (details for logs; clients get a generic message).
    #[error("store error: {0}")]
    Internal(String),
}

/// The board's storage.
pub trait Store: Send + Sync + 'static {
    /// Applies a write as one durable transaction (see [`Write`], [`Applied`]).
    fn apply(&self, w: Write) -> impl Future<Output = Result<Applied, StoreError>> + Send;
    /// Applies independent writes, each as [`Store::apply`] would: each stands or fails
    /// alone, and the answers come in the order of `writes`. A store may commit them
    /// together (one transaction, one sync to disk); it answers only once they are durable.
    /// The default applies them one after the other.
    fn apply_all(
        &self,
        writes: Vec<Write>,
    ) -> impl Future<Output = Vec<Result<Applied, StoreError>>> + Send {
        async move {
            let mut out = Vec::with_capacity(writes.len());
            for w in writes {
                out.push(self.apply(w).await);
            }
            out
        }
    }
    /// A stored idempotent answer for `(scope, key)`.
    fn idempotent(
        &self,
        scope: &str,
        key: &str,
    ) -> impl Future<Output = Result<Option<IdempotentReply>, StoreError>> + Send;
    /// A headquarters.
    fn hq(&self, id: i64) -> impl Future<Output = Result<Option<Hq>, StoreError>> + Send;
    /// Every headquarters, by identifier.
    fn hqs(&self) -> impl Future<Output = Result<Vec<Hq>, StoreError>> + Send;
    /// A volunteer.
    fn volunteer(
        &self,
        id: i64,
    ) -> impl Future<Output = Result<Option<Volunteer>, StoreError>> + Send;
    /// The volunteers with these identifiers that exist, in any order. The default reads
    /// them one by one.
    fn volunteers_by_id(
        &self,
        ids: &[i64],
    ) -> impl Future<Output = Result<Vec<Volunteer>, StoreError>> + Send {
        async move {
            let mut out = Vec::with_capacity(ids.len());
            for &id in ids {
                if let Some(v) = self.volunteer(id).await? {
                    out.push(v);
                }
            }
            Ok(out)
        }
    }
    /// Volunteers matching `q`, by increasing identifier.
    fn volunteers(
        &self,
        q: &VolunteerQuery,
    ) -> impl Future<Output = Result<Vec<Volunteer>, StoreError>> + Send;
    /// A request.
    fn request(&self, id: i64) -> impl Future<Output = Result<Option<Request>, StoreError>> + Send;
    /// Requests matching `q`, by increasing identifier.
    fn requests(
        &self,
        q: &RequestQuery,
    ) -> impl Future<Output = Result<Vec<Request>, StoreError>> + Send;
    /// A road closure.
    fn closure(&self, id: i64) -> impl Future<Output = Result<Option<Closure>, StoreError>> + Send;
    /// Every road closure, lifted ones included, by identifier.
    fn closures(&self) -> impl Future<Output = Result<Vec<Closure>, StoreError>> + Send;
    /// Events matching `q`, by increasing sequence.
    fn events(&self, q: &EventQuery)
    -> impl Future<Output = Result<Vec<Event>, StoreError>> + Send;
    /// The sequence number of the last event (0 when none).
    fn last_seq(&self) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// Stores a token (its `id` is ignored) and returns its identifier.
    fn insert_token(&self, t: TokenRecord) -> impl Future<Output = Result<i64, StoreError>> + Send;
    /// The token with this hash, revoked or not.
    fn token_by_hash(
        &self,
        hash: &str,
    ) -> impl Future<Output = Result<Option<TokenRecord>, StoreError>> + Send;
    /// Every token, by identifier.
    fn tokens(&self) -> impl Future<Output = Result<Vec<TokenRecord>, StoreError>> + Send;
    /// Marks a token revoked; `false` when there is no such token.
    fn revoke_token(
        &self,
        id: i64,
        at: Time,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;
}
