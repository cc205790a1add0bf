//! Bulk imports: many new volunteers or requests checked one by one, then stored in one
//! [`Write`] (one transaction), or none of them when any row is wrong.

use super::access::Principal;
use super::commands::{Board, insert, request_record, volunteer_record};
use super::error::BoardError;
use super::model::{NewRequest, NewVolunteer, Request, Volunteer};
use super::roads::Roads;
use super::store::{Applied, Record, Store, Write};
use super::time::Time;

/// Most rows one import takes.
pub const MAX_IMPORT_ROWS: usize = 10_000;

/// Why one row of an import was refused.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    /// Row number as the client counts it (the caller decides: a CSV's header is row 1).
    pub row: usize,
    /// The field (column).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// What an import did: every row stored, or the errors of every refused row (nothing
/// stored).
#[derive(Clone, Debug, PartialEq)]
pub enum Imported<T> {
    /// Every row, as stored, in order.
    Stored(Vec<T>),
    /// Nothing was stored; why each bad row was refused.
    Refused(Vec<RowError>),
}

/// Turns a row's error into a [`RowError`], or passes on errors that are not about the row.
fn row_error(row: usize, e: BoardError) -> Result<RowError, BoardError> {
    match e {
        BoardError::Invalid { field, message } => Ok(RowError {
            row,
            field,
            message,
        }),
        BoardError::Denied(d) => Ok(RowError {
            row,
            field: "hq".into(),
            message: d.0,
        }),
        other => Err(other),
    }
}

impl<S: Store> Board<S> {
    /// Imports volunteers: `rows` are `(row number, volunteer)`. Every row is checked as by
    /// [`Board::create_volunteer`]; when all pass they are stored in one transaction.
    ///
    /// # Errors
    /// [`BoardError::Invalid`] for more than [`MAX_IMPORT_ROWS`] rows, store errors.
    pub async fn import_volunteers(
        &self,
        who: &Principal,
        now: Time,
        rows: Vec<(usize, NewVolunteer)>,
        roads: &dyn Roads,
    ) -> Result<Imported<Volunteer>, BoardError> {
        let records = self
            .checked_rows(rows, |new| {
                who.may_manage_volunteers(new.hq)?;
                volunteer_record(now, new, roads).map(Record::Volunteer)
            })
            .await?;
        Ok(match records {
            Err(errors) => Imported::Refused(errors),
            Ok(records) => Imported::Stored(
                self.store_all(who, now, records)
                    .await?
                    .into_iter()
                    .filter_map(|r| match r {
                        Record::Volunteer(x) => Some(x),
                        _ => None,
                    })
                    .collect(),
            ),
        })
    }

    /// Imports requests, as [`Board::import_volunteers`]; each row is checked as by
    /// [`Board::create_request`] with its own location (no geocoding).
    ///
    /// # Errors
    /// As [`Board::import_volunteers`].
    pub async fn import_requests(
        &self,
        who: &Principal,
        now: Time,
        rows: Vec<(usize, NewRequest)>,
        roads: &dyn Roads,
    ) -> Result<Imported<Request>, BoardError> {
        let records = self
            .checked_rows(rows, |new| {
                who.may_create_request(new.hq)?;
                request_record(who, now, new, None, roads).map(Record::Request)
            })
            .await?;
        Ok(match records {
            Err(errors) => Imported::Refused(errors),
            Ok(records) => Imported::Stored(
                self.store_all(who, now, records)
                    .await?
                    .into_iter()
                    .filter_map(|r| match r {
                        Record::Request(x) => Some(x),
                        _ => None,
                    })
                    .collect(),
            ),
        })
    }

    /// Checks every row (each headquarters must exist); the records, or every row's error.
    async fn checked_rows<T: HasHq>(
        &self,
        rows: Vec<(usize, T)>,
        check: impl Fn(T) -> Result<Record, BoardError>,
    ) -> Result<Result<Vec<Record>, Vec<RowError>>, BoardError> {
        if rows.len() > MAX_IMPORT_ROWS {
            return Err(BoardError::Invalid {
                field: "rows".into(),
                message: format!("more than {MAX_IMPORT_ROWS} rows"),
            });
        }
        let hqs: Vec<i64> = self.store().hqs().await?.iter().map(|h| h.id).collect();
        let mut records = Vec::with_capacity(rows.len());
        let mut errors = Vec::new();
        for (row, new) in rows {
            let hq = new.hq();
            let checked = if hqs.contains(&hq) {
                check(new)
            } else {
                Err(BoardError::Invalid {
                    field: "hq".into(),
                    message: format!("headquarters {hq} does not exist"),
                })
            };
            match checked {
                Ok(r) => records.push(r),
                Err(e) => errors.push(row_error(row, e)?),
            }
        }
        Ok(if errors.is_empty() {
            Ok(records)
        } else {
            Err(errors)
        })
    }

    /// Stores new records in one write.
    async fn store_all(
        &self,
        who: &Principal,
        now: Time,
        records: Vec<Record>,
    ) -> Result<Vec<Record>, BoardError> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let w = Write {
            at: now,
            actor: who.actor(),
            changes: records.into_iter().map(insert).collect(),
            idempotency: None,
        };
        match self.store().apply(w).await? {
            Applied::Stored { records, .. } => Ok(records),
            Applied::Replayed(_) => Ok(Vec::new()),
        }
    }
}

/// A new record's headquarters.
trait HasHq {
    fn hq(&self) -> i64;
}

impl HasHq for NewVolunteer {
    fn hq(&self) -> i64 {
        self.hq
    }
}

impl HasHq for NewRequest {
    fn hq(&self) -> i64 {
        self.hq
    }
}
