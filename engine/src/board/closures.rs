//! Road closures on the board: coordinators and admins close roads, list the closures and
//! lift them; each change is stored with its event like every record (headquarters 0: a
//! closure is everyone's). The routing side is [`crate::closures`].

use super::access::Principal;
use super::commands::{Board, Created, insert, update, wrong_kind};
use super::error::BoardError;
use super::store::{IdempotencyKey, Record, Store};
use super::time::Time;
use crate::closures::{Closure, NewClosure};

impl<S: Store> Board<S> {
    /// Closes roads (coordinators and admins). Check the closure against the road graphs
    /// first ([`crate::closures::check_against`]).
    ///
    /// # Errors
    /// [`BoardError::Denied`], [`BoardError::Invalid`] ([`NewClosure::validate`]),
    /// [`BoardError::Store`].
    pub async fn create_closure(
        &self,
        who: &Principal,
        now: Time,
        new: NewClosure,
        idem: Option<IdempotencyKey>,
    ) -> Result<Created<Closure>, BoardError> {
        who.may_manage_closures()?;
        if let Some(body) = self.replayed(idem.as_ref()).await? {
            return Ok(Created::Replayed(body));
        }
        let closure = new.validate(now, &who.actor())?;
        match self
            .write_one(who, now, insert(Record::Closure(closure)), idem)
            .await?
        {
            Ok(Record::Closure(c)) => Ok(Created::New(c)),
            Ok(_) => Err(wrong_kind()),
            Err(body) => Ok(Created::Replayed(body)),
        }
    }

    /// One closure.
    ///
    /// # Errors
    /// [`BoardError::Denied`], [`BoardError::NotFound`], [`BoardError::Store`].
    pub async fn closure(&self, who: &Principal, id: i64) -> Result<Closure, BoardError> {
        who.may_manage_closures()?;
        self.store().closure(id).await?.ok_or(BoardError::NotFound {
            what: "closure",
            id,
        })
    }

    /// The closures, by identifier: all of them, or those in force at `active_at`.
    ///
    /// # Errors
    /// [`BoardError::Denied`], [`BoardError::Store`].
    pub async fn closures(
        &self,
        who: &Principal,
        active_at: Option<Time>,
    ) -> Result<Vec<Closure>, BoardError> {
        who.may_manage_closures()?;
        let all = self.store().closures().await?;
        Ok(match active_at {
            Some(t) => all.into_iter().filter(|c| c.active_at(t)).collect(),
            None => all,
        })
    }

    /// Lifts a closure now: it stays listed, with who lifted it and when, and no longer
    /// closes anything. Lifting a lifted closure changes nothing.
    ///
    /// # Errors
    /// [`BoardError::Denied`], [`BoardError::NotFound`], [`BoardError::VersionMismatch`]
    /// when `if_match` names another version, [`BoardError::Store`].
    pub async fn lift_closure(
        &self,
        who: &Principal,
        now: Time,
        id: i64,
        if_match: Option<i64>,
    ) -> Result<Closure, BoardError> {
        let old = self.closure(who, id).await?;
        if let Some(given) = if_match
            && given != old.version
        {
            return Err(BoardError::VersionMismatch {
                current: old.version,
                given,
            });
        }
        if old.lifted_at.is_some() {
            return Ok(old);
        }
        let mut x = old.clone();
        x.lifted_at = Some(now);
        x.lifted_by = Some(who.actor());
        x.updated_at = now;
        let change = update(
            &Record::Closure(old.clone()),
            Record::Closure(x),
            old.version,
            "lifted",
        );
        match self.write_one(who, now, change, None).await? {
            Ok(Record::Closure(c)) => Ok(c),
            _ => Err(wrong_kind()),
        }
    }
}
