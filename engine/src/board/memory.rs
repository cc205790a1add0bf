//! [`MemoryStore`]: the [`Store`] in memory, for the domain's tests and as the reference the
//! database stores are compared with. Nothing survives the process.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;

use super::event::Event;
use super::model::{Hq, Request, Volunteer};
use super::store::{
    Applied, EventQuery, IdempotentReply, Record, RequestQuery, Store, StoreError, TokenRecord,
    VolunteerQuery, Write,
};
use super::time::Time;
use crate::closures::Closure;

#[derive(Debug, Default)]
struct State {
    hqs: BTreeMap<i64, Hq>,
    volunteers: BTreeMap<i64, Volunteer>,
    requests: BTreeMap<i64, Request>,
    closures: BTreeMap<i64, Closure>,
    events: Vec<Event>,
    idempotency: BTreeMap<(String, String), IdempotentReply>,
    tokens: BTreeMap<i64, TokenRecord>,
    next_id: BTreeMap<&'static str, i64>,
}

impl State {
    fn next(&mut self, kind: &'static str) -> i64 {
        let n = self.next_id.entry(kind).or_insert(0);
        *n += 1;
        *n
    }

    fn stored_version(&self, r: &Record) -> Option<i64> {
        match r {
            Record::Hq(x) => self.hqs.get(&x.id).map(|s| s.version),
            Record::Volunteer(x) => self.volunteers.get(&x.id).map(|s| s.version),
            Record::Request(x) => self.requests.get(&x.id).map(|s| s.version),
            Record::Closure(x) => self.closures.get(&x.id).map(|s| s.version),
        }
    }

    fn put(&mut self, r: Record) {
        match r {
            Record::Hq(x) => {
                self.hqs.insert(x.id, x);
            }
            Record::Volunteer(x) => {
                self.volunteers.insert(x.id, x);
            }
            Record::Request(x) => {
                self.requests.insert(x.id, x);
            }
            Record::Closure(x) => {
                self.closures.insert(x.id, x);
            }
        }
    }
}

/// The board's store in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<MutexGuard<'_, State>, StoreError> {
        self.state
            .lock()
            .map_err(|_| StoreError::Internal("memory store poisoned".into()))
    }
}

fn in_hqs(hqs: Option<&Vec<i64>>, hq: i64) -> bool {
    hqs.is_none_or(|h| h.contains(&hq))
}

fn page<T: Clone>(it: impl Iterator<Item = T>, limit: usize) -> Vec<T> {
    it.take(limit).collect()
}

impl Store for MemoryStore {
    async fn apply(&self, mut w: Write) -> Result<Applied, StoreError> {
        let mut s = self.lock()?;
        if let Some(k) = &w.idempotency
            && let Some(r) = s.idempotency.get(&(k.scope.clone(), k.key.clone()))
        {
            return if r.fingerprint == k.fingerprint {
                Ok(Applied::Replayed(r.body.clone()))
            } else {
                Err(StoreError::IdempotencyMismatch)
            };
        }
        // Check every update first, so a failing write changes nothing.
        for c in &w.changes {
            if let Some(expected) = c.expected_version {
                match s.stored_version(&c.record) {
                    None => {
                        return Err(StoreError::Missing {
                            entity: c.record.kind(),
                            id: c.record.id(),
                        });
                    }
                    Some(found) if found != expected => {
                        return Err(StoreError::VersionConflict {
                            entity: c.record.kind(),
                            id: c.record.id(),
                            expected,
                            found,
                        });
                    }
                    Some(_) => {}
                }
            }
        }
        let mut records = Vec::with_capacity(w.changes.len());
        let mut events = Vec::with_capacity(w.changes.len());
        for c in std::mem::take(&mut w.changes) {
            let mut record = c.record;
            let (changes, previous) = match c.expected_version {
                None => {
                    let id = s.next(record.kind().as_str());
                    record.stamp(id, 1);
                    (record.to_json(), Value::Object(serde_json::Map::new()))
                }
                Some(v) => {
                    record.stamp(record.id(), v + 1);
                    (c.changes, c.previous)
                }
            };
            let seq = i64::try_from(s.events.len()).unwrap_or(i64::MAX - 1) + 1;
            events.push(w.event(seq, &record, c.action, (changes, previous)));
            s.events.push(events[events.len() - 1].clone());
            s.put(record.clone());
            records.push(record);
        }
        if let (Some(k), Some(first)) = (w.idempotency, records.first()) {
            s.idempotency.insert(
                (k.scope, k.key),
                IdempotentReply {
                    fingerprint: k.fingerprint,
                    body: first.to_json(),
                },
            );
        }
        Ok(Applied::Stored { records, events })
    }

    async fn idempotent(
        &self,
        scope: &str,
        key: &str,
    ) -> Result<Option<IdempotentReply>, StoreError> {
        Ok(self
            .lock()?
            .idempotency
            .get(&(scope.to_owned(), key.to_owned()))
            .cloned())
    }

    async fn hq(&self, id: i64) -> Result<Option<Hq>, StoreError> {
        Ok(self.lock()?.hqs.get(&id).cloned())
    }

    async fn hqs(&self) -> Result<Vec<Hq>, StoreError> {
        Ok(self.lock()?.hqs.values().cloned().collect())
    }

    async fn volunteer(&self, id: i64) -> Result<Option<Volunteer>, StoreError> {
        Ok(self.lock()?.volunteers.get(&id).cloned())
    }

    async fn volunteers(&self, q: &VolunteerQuery) -> Result<Vec<Volunteer>, StoreError> {
        let s = self.lock()?;
        let from = q.after_id.map_or(i64::MIN, |a| a.saturating_add(1));
        Ok(page(
            s.volunteers
                .range(from..)
                .map(|(_, v)| v)
                .filter(|v| in_hqs(q.hqs.as_ref(), v.hq))
                .filter(|v| q.status.is_none_or(|x| x == v.status))
                .filter(|v| q.mode.is_none_or(|x| x == v.mode))
                .filter(|v| q.updated_since.is_none_or(|t| v.updated_at >= t))
                .cloned(),
            q.limit,
        ))
    }

    async fn request(&self, id: i64) -> Result<Option<Request>, StoreError> {
        Ok(self.lock()?.requests.get(&id).cloned())
    }

    async fn requests(&self, q: &RequestQuery) -> Result<Vec<Request>, StoreError> {
        let s = self.lock()?;
        let from = q.after_id.map_or(i64::MIN, |a| a.saturating_add(1));
        Ok(page(
            s.requests
                .range(from..)
                .map(|(_, r)| r)
                .filter(|r| in_hqs(q.hqs.as_ref(), r.hq))
                .filter(|r| q.statuses.is_empty() || q.statuses.contains(&r.status))
                .filter(|r| q.urgency.is_none_or(|x| x == r.urgency))
                .filter(|r| q.kind.is_none_or(|x| x == r.kind))
                .filter(|r| {
                    q.bbox.is_none_or(|[x0, y0, x1, y1]| {
                        r.location
                            .is_some_and(|[x, y]| x >= x0 && x <= x1 && y >= y0 && y <= y1)
                    })
                })
                .filter(|r| q.updated_since.is_none_or(|t| r.updated_at >= t))
                .filter(|r| q.created_by.as_ref().is_none_or(|c| *c == r.created_by))
                .filter(|r| q.volunteer.is_none_or(|v| r.volunteer == Some(v)))
                .cloned(),
            q.limit,
        ))
    }

    async fn closure(&self, id: i64) -> Result<Option<Closure>, StoreError> {
        Ok(self.lock()?.closures.get(&id).cloned())
    }

    async fn closures(&self) -> Result<Vec<Closure>, StoreError> {
        Ok(self.lock()?.closures.values().cloned().collect())
    }

    async fn events(&self, q: &EventQuery) -> Result<Vec<Event>, StoreError> {
        let s = self.lock()?;
        Ok(page(
            s.events
                .iter()
                .filter(|e| e.seq > q.after_seq)
                .filter(|e| in_hqs(q.hqs.as_ref(), e.hq))
                .filter(|e| {
                    q.entity
                        .is_none_or(|(k, id)| e.entity == k && e.entity_id == id)
                })
                .cloned(),
            q.limit,
        ))
    }

    async fn last_seq(&self) -> Result<i64, StoreError> {
        Ok(self.lock()?.events.last().map_or(0, |e| e.seq))
    }

    async fn insert_token(&self, mut t: TokenRecord) -> Result<i64, StoreError> {
        let mut s = self.lock()?;
        t.id = s.next("token");
        let id = t.id;
        s.tokens.insert(id, t);
        Ok(id)
    }

    async fn token_by_hash(&self, hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        Ok(self
            .lock()?
            .tokens
            .values()
            .find(|t| t.hash == hash)
            .cloned())
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        Ok(self.lock()?.tokens.values().cloned().collect())
    }

    async fn revoke_token(&self, id: i64, at: Time) -> Result<bool, StoreError> {
        let mut s = self.lock()?;
        Ok(match s.tokens.get_mut(&id) {
            Some(t) => {
                t.revoked_at.get_or_insert(at);
                true
            }
            None => false,
        })
    }
}
