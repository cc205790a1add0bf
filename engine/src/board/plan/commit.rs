//! Committing a plan: its assignments written through the board in one transaction, as
//! manual assignments are (events, `assigned_by`), or nothing when the board moved on.

use std::collections::BTreeMap;

use super::Plan;
use super::problem::fingerprint;
use crate::board::access::Principal;
use crate::board::commands::{Board, assigned, update};
use crate::board::error::BoardError;
use crate::board::model::{Request, RequestStatus};
use crate::board::store::{Applied, Record, Store, StoreError, Write};
use crate::board::time::Time;

fn stale(message: String) -> BoardError {
    BoardError::Conflict(message)
}

impl Plan {
    /// The plan cut to what [`Board::commit_plan`] reads: its identifier, headquarters,
    /// routes' stops and calls, the basis of the volunteers and of the requests it assigns.
    /// The requests left out (with their reasons), the route geometries and the basis of
    /// the requests it does not assign are dropped, so a plan kept for its commit weighs
    /// in proportion to what it assigns, not to every open request of its headquarters.
    /// Committing the cut plan does exactly what committing the whole one does.
    #[must_use]
    pub fn into_commit_form(mut self) -> Plan {
        let assigned: std::collections::BTreeSet<i64> =
            self.assignments().into_iter().map(|(r, _)| r).collect();
        self.unassigned = Vec::new();
        for r in &mut self.routes {
            r.geometry = None;
            r.steps.shrink_to_fit();
        }
        self.routes.shrink_to_fit();
        self.calls.shrink_to_fit();
        self.basis.requests.retain(|(id, _)| assigned.contains(id));
        self.basis.requests.shrink_to_fit();
        self.basis.volunteers.shrink_to_fit();
        self
    }
}

impl<S: Store> Board<S> {
    /// Assigns every request of `plan` (route stops and calls) to its volunteer, in one
    /// transaction: one `assigned` event per request that changes. Requests already held by
    /// their planned volunteer are left as they are, so committing twice changes nothing the
    /// second time.
    ///
    /// Refused, with nothing written, when a request changed since the plan was made (its
    /// version), a volunteer's planning facts changed (skills, shifts, capacity, status,
    /// mode, home, `max_tasks`; position reports do not count), or a volunteer would hold
    /// more than `max_tasks`.
    ///
    /// # Errors
    /// [`BoardError::Denied`] unless the principal coordinates the plan's headquarters;
    /// [`BoardError::Conflict`] for a stale plan; store errors.
    pub async fn commit_plan(
        &self,
        who: &Principal,
        now: Time,
        plan: &Plan,
    ) -> Result<Vec<Request>, BoardError> {
        who.may_coordinate(plan.hq)?;
        let store = self.store();
        let mut max_tasks = BTreeMap::new();
        for (id, fp) in &plan.basis.volunteers {
            match store.volunteer(*id).await? {
                Some(v) if fingerprint(&v) == *fp => {
                    max_tasks.insert(*id, v.max_tasks);
                }
                Some(_) => {
                    return Err(stale(format!(
                        "volunteer {id} changed since plan {} was made: plan again",
                        plan.id
                    )));
                }
                None => {
                    return Err(stale(format!("volunteer {id} no longer exists")));
                }
            }
        }
        let versions: BTreeMap<i64, i64> = plan.basis.requests.iter().copied().collect();
        let mut changes = Vec::new();
        let mut added: BTreeMap<i64, u32> = BTreeMap::new();
        for (id, vol) in plan.assignments() {
            let Some(r) = store.request(id).await? else {
                return Err(stale(format!("request {id} no longer exists")));
            };
            if r.status.is_held() && r.volunteer == Some(vol) {
                continue;
            }
            let planned = versions.get(&id).copied().unwrap_or(-1);
            if r.version != planned || r.status != RequestStatus::New {
                return Err(stale(format!(
                    "request {id} changed since plan {} was made (version {}, status {}; the \
                     plan was made from version {planned}): plan again",
                    plan.id,
                    r.version,
                    r.status.as_str()
                )));
            }
            let x = assigned(&r, vol, who, now);
            let base = r.version;
            changes.push(update(
                &Record::Request(r),
                Record::Request(x),
                base,
                "assigned",
            ));
            *added.entry(vol).or_default() += 1;
        }
        for (&vol, &n) in &added {
            let held = u32::try_from(self.held_by(vol).await?).unwrap_or(u32::MAX);
            let max = max_tasks.get(&vol).copied().unwrap_or(0);
            if held.saturating_add(n) > max {
                return Err(stale(format!(
                    "volunteer {vol} holds {held} requests now; {n} more would pass max_tasks \
                     {max}: plan again"
                )));
            }
        }
        if changes.is_empty() {
            return Ok(Vec::new());
        }
        let w = Write {
            at: now,
            actor: who.actor(),
            changes,
            idempotency: None,
        };
        match store.apply(w).await {
            Ok(Applied::Stored { records, .. }) => Ok(records
                .into_iter()
                .filter_map(|r| match r {
                    Record::Request(x) => Some(x),
                    _ => None,
                })
                .collect()),
            Ok(Applied::Replayed(_)) => Ok(Vec::new()),
            Err(StoreError::VersionConflict { entity, id, .. }) => Err(stale(format!(
                "{} {id} changed while plan {} was being committed: plan again",
                entity.as_str(),
                plan.id
            ))),
            Err(e) => Err(e.into()),
        }
    }
}
