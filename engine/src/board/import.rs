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
        self.import(
            who,
            now,
            rows,
            |new| {
                who.may_manage_volunteers(new.hq)?;
                volunteer_record(now, &new, roads).map(Record::Volunteer)
            },
            |r| match r {
                Record::Volunteer(x) => Some(x),
                _ => None,
            },
        )
        .await
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
        self.import(
            who,
            now,
            rows,
            |new| {
                who.may_create_request(new.hq)?;
                request_record(who, now, &new, None, roads).map(Record::Request)
            },
            |r| match r {
                Record::Request(x) => Some(x),
                _ => None,
            },
        )
        .await
    }

    /// Checks every row with `check`, then stores them all (picking the stored records of
    /// the kind with `pick`), or reports every bad row.
    async fn import<T: HasHq, R>(
        &self,
        who: &Principal,
        now: Time,
        rows: Vec<(usize, T)>,
        check: impl Fn(T) -> Result<Record, BoardError>,
        pick: impl Fn(Record) -> Option<R>,
    ) -> Result<Imported<R>, BoardError> {
        Ok(match self.checked_rows(rows, check).await? {
            Err(errors) => Imported::Refused(errors),
            Ok(records) => Imported::Stored(
                self.store_all(who, now, records)
                    .await?
                    .into_iter()
                    .filter_map(pick)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::{AnyRoads, MemoryStore, Mode, NewHq, Role, VolunteerQuery};

    fn admin() -> Principal {
        Principal {
            token_id: 1,
            role: Role::Admin,
            hqs: Vec::new(),
            volunteer: None,
        }
    }

    fn volunteer(hq: i64, phone: &str) -> NewVolunteer {
        NewVolunteer {
            hq,
            name: "V".into(),
            phone: phone.into(),
            mode: Mode::Foot,
            skills: Vec::new(),
            capacity_kg: None,
            capacity_bags: None,
            shifts: Vec::new(),
            max_tasks: None,
            home: None,
            position: Some([7.42, 43.73]),
            status: None,
        }
    }

    fn board_with_hq() -> Board<MemoryStore> {
        let b = Board::new(MemoryStore::new());
        let new = NewHq {
            name: "HQ".into(),
            region: "MC".into(),
            location: [7.42, 43.73],
            timezone: None,
        };
        pollster::block_on(b.create_hq(&admin(), Time(1), new, None)).unwrap();
        b
    }

    #[test]
    fn one_bad_row_stores_nothing_and_every_bad_row_is_reported() {
        let b = board_with_hq();
        let rows = vec![
            (2, volunteer(1, "+377 600 000 001")),
            (3, volunteer(1, "no")),
            (4, volunteer(9, "+377 600 000 002")),
        ];
        let out = pollster::block_on(b.import_volunteers(&admin(), Time(2), rows, &AnyRoads));
        let Imported::Refused(errors) = out.unwrap() else {
            panic!("stored")
        };
        let fields: Vec<(usize, &str)> = errors.iter().map(|e| (e.row, e.field.as_str())).collect();
        assert_eq!(fields, [(3, "phone"), (4, "hq")]);
        let q = VolunteerQuery {
            limit: 10,
            ..VolunteerQuery::default()
        };
        assert!(
            pollster::block_on(b.store().volunteers(&q))
                .unwrap()
                .is_empty()
        );
        let good = vec![(2, volunteer(1, "+377 600 000 001"))];
        let out = pollster::block_on(b.import_volunteers(&admin(), Time(2), good, &AnyRoads));
        assert!(matches!(out.unwrap(), Imported::Stored(v) if v.len() == 1));
    }

    #[test]
    fn an_operator_without_headquarters_cannot_list_volunteers() {
        let b = board_with_hq();
        let good = vec![(2, volunteer(1, "+377 600 000 001"))];
        pollster::block_on(b.import_volunteers(&admin(), Time(2), good, &AnyRoads)).unwrap();
        let operator = Principal {
            token_id: 2,
            role: Role::Operator,
            hqs: Vec::new(),
            volunteer: None,
        };
        let q = VolunteerQuery {
            limit: 10,
            ..VolunteerQuery::default()
        };
        assert!(matches!(
            pollster::block_on(b.volunteers(&operator, q)),
            Err(BoardError::Denied(_))
        ));
    }
}
