//! [`engine::board::Store::apply_all`] for [`SqlStore`]: many writes that each update one
//! record of one table (position reports) are committed in one transaction with four
//! statements whatever their number, instead of five each: one read of the stored rows, one
//! `UPDATE … FROM` a `VALUES` list, one multi-row `INSERT` of the events, the commit. The
//! `UPDATE` sets only the columns whose stored value some write of the batch changes, so the
//! indexes of the others are not touched.
//!
//! Each write still stands or fails alone: a missing record or a stale version answers that
//! write's error and leaves it out of the statements; the others are written. The versions
//! are read inside the write transaction, with every other writer shut out
//! ([`SqlStore::begin_write`] and the in-process writer turn), so what was checked is what
//! is updated; the `UPDATE` checks them again and the batch fails whole if any row was not
//! written. Nothing is answered before the commit is durable.
//!
//! Writes of any other shape (inserts, several changes, idempotency keys, two writes to one
//! record) go through [`engine::board::Store::apply`] each, queued together for the group
//! commit.

use std::collections::HashMap;

use engine::board::{Applied, EntityKind, Event, Record, Store, StoreError, Write};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::rows::{self, Bind};
use super::sql::{Sql, db};
use super::{Backend, SqlStore};

/// Most rows one statement carries (a volunteer row binds 20 values: 5,120 a statement,
/// below SQLite's 32,766 and PostgreSQL's 65,535).
const ROWS_PER_STATEMENT: usize = 256;

/// `(kind, id, expected version)` of a write that is one update of one record, nothing else.
fn lone_update(w: &Write) -> Option<(EntityKind, i64, i64)> {
    match (&w.idempotency, w.changes.as_slice()) {
        (None, [c]) => c
            .expected_version
            .map(|v| (c.record.kind(), c.record.id(), v)),
        _ => None,
    }
}

/// `true` when every write is a lone update, all of one table, no record twice.
fn updates_of_one_table(writes: &[Write]) -> bool {
    let Some(keys) = writes.iter().map(lone_update).collect::<Option<Vec<_>>>() else {
        return false;
    };
    let mut ids: Vec<i64> = keys.iter().map(|k| k.1).collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len() == keys.len() && keys.windows(2).all(|w| w[0].0 == w[1].0)
}

/// One update ready to write: the answer's slot, the version it was made from, the record
/// as it will be stored, which of its columns ([`rows::columns`]) differ from the stored
/// row, its event (sequence number set once inserted).
struct Ready {
    slot: usize,
    expected: i64,
    record: Record,
    changed: Vec<bool>,
    event: Event,
}

impl SqlStore {
    /// See the [module](self) docs.
    pub(super) async fn apply_updates(
        &self,
        writes: Vec<Write>,
    ) -> Vec<Result<Applied, StoreError>> {
        if writes.is_empty() {
            return Vec::new();
        }
        if !updates_of_one_table(&writes) {
            return futures_util::future::join_all(writes.into_iter().map(|w| self.apply(w))).await;
        }
        let n = writes.len();
        let turn = self.write_lock.lock().await;
        let mut answers: Vec<Option<Result<Applied, StoreError>>> = vec![None; n];
        let result = self.write_updates(writes, &mut answers).await;
        drop(turn);
        answers
            .into_iter()
            .map(|a| match (a, &result) {
                (Some(Ok(applied)), Ok(())) => Ok(applied),
                (Some(Ok(_)), Err(e)) | (None, Err(e)) => Err(e.clone()),
                (Some(Err(e)), _) => Err(e),
                (None, Ok(())) => Err(StoreError::Internal("a write got no answer".into())),
            })
            .collect()
    }

    /// Checks and writes lone updates of one table in one transaction; each write's answer
    /// goes to its slot of `answers` (stored answers count only if this returns `Ok`).
    async fn write_updates(
        &self,
        writes: Vec<Write>,
        answers: &mut [Option<Result<Applied, StoreError>>],
    ) -> Result<(), StoreError> {
        let mut c = self.conn().await?;
        let xid = {
            let mut tx = self.begin_write(&mut c).await?;
            let xid = self.transaction_id(&mut tx).await?;
            let ready = check_versions(self.backend, &mut tx, writes, answers).await?;
            for chunk in ready.chunks(ROWS_PER_STATEMENT) {
                update_rows(self.backend, &mut tx, chunk).await?;
            }
            let mut ready = ready;
            for chunk in ready.chunks_mut(ROWS_PER_STATEMENT) {
                insert_events(self.backend, &mut tx, chunk).await?;
            }
            tx.commit().await.map_err(db)?;
            for r in ready {
                answers[r.slot] = Some(Ok(Applied::Stored {
                    records: vec![r.record],
                    events: vec![r.event],
                }));
            }
            xid
        };
        match xid {
            Some(xid) => self.committed(&mut c, xid).await,
            None => Ok(()),
        }
    }
}

/// Reads the stored rows; a write whose record is missing or at another version gets its
/// error in `answers`; the others come back ready to write, in the order given, each with
/// the columns whose stored value differs from the new one.
async fn check_versions(
    backend: Backend,
    tx: &mut AnyConnection,
    writes: Vec<Write>,
    answers: &mut [Option<Result<Applied, StoreError>>],
) -> Result<Vec<Ready>, StoreError> {
    let Some(template) = writes.first().and_then(|w| w.changes.first()) else {
        return Ok(Vec::new());
    };
    let kind = template.record.kind();
    let columns = rows::columns(&template.record);
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    let ids: Vec<i64> = writes
        .iter()
        .filter_map(|w| w.changes.first().map(|c| c.record.id()))
        .collect();
    let mut stored = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new(
            backend,
            &format!(
                "SELECT id, version, {} FROM {} WHERE 1 = 1",
                names.join(", "),
                rows::table(kind)
            ),
        );
        sql.in_list("id", chunk);
        for row in sql.fetch_all(tx).await? {
            let id: i64 = row.try_get(0).map_err(db)?;
            let version: i64 = row.try_get(1).map_err(db)?;
            let values: Vec<Option<Bind>> = columns
                .iter()
                .enumerate()
                .map(|(i, (_, like))| decoded(&row, i + 2, like))
                .collect();
            stored.insert(id, (version, values));
        }
    }
    let mut ready = Vec::with_capacity(writes.len());
    for (slot, mut w) in writes.into_iter().enumerate() {
        let Some(change) = w.changes.pop() else {
            continue;
        };
        let id = change.record.id();
        let expected = change.expected_version.unwrap_or(0);
        match stored.get(&id) {
            None => answers[slot] = Some(Err(StoreError::Missing { entity: kind, id })),
            Some(&(found, _)) if found != expected => {
                answers[slot] = Some(Err(StoreError::VersionConflict {
                    entity: kind,
                    id,
                    expected,
                    found,
                }));
            }
            Some((_, values)) => {
                let mut record = change.record;
                record.stamp(id, expected.saturating_add(1));
                let changed = rows::columns(&record)
                    .into_iter()
                    .enumerate()
                    .map(|(i, (_, new))| {
                        !values
                            .get(i)
                            .and_then(Option::as_ref)
                            .is_some_and(|stored| stored.same(&new))
                    })
                    .collect();
                let event = w.event(0, &record, change.action, (change.changes, change.previous));
                ready.push(Ready {
                    slot,
                    expected,
                    record,
                    changed,
                    event,
                });
            }
        }
    }
    Ok(ready)
}

/// Column `i` of `row` read as a value of the type of `like`; `None` when it does not read
/// so (the column is then written, as if it differed).
fn decoded(row: &AnyRow, i: usize, like: &Bind) -> Option<Bind> {
    match like {
        Bind::Int(_) => row.try_get::<Option<i64>, _>(i).ok().map(Bind::Int),
        Bind::Real(_) => row.try_get::<Option<f64>, _>(i).ok().map(Bind::Real),
        Bind::Text(_) => row.try_get::<Option<String>, _>(i).ok().map(Bind::Text),
    }
}

/// The SQL type a bound value is cast to in the first row of a `VALUES` list, so that both
/// databases type each column alike whatever the later rows hold (`NULL` included).
fn sql_type(b: &Bind) -> &'static str {
    match b {
        Bind::Int(_) => "BIGINT",
        Bind::Real(_) => "DOUBLE PRECISION",
        Bind::Text(_) => "TEXT",
    }
}

/// Appends `(v1, v2, …)`; in the first row each placeholder is cast to its type.
fn values_row(sql: &mut Sql, values: Vec<Bind>, first: bool) {
    sql.push("(");
    for (i, b) in values.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        if first {
            let ty = sql_type(&b);
            sql.push("CAST(").param(b).push(" AS ").push(ty).push(")");
        } else {
            sql.param(b);
        }
    }
    sql.push(")");
}

/// The columns an update of `chunk` writes: those whose stored value differs from the new
/// one in some row of the chunk (`version` always does), so that the database leaves the
/// other columns and their index entries alone (a position report changes the position,
/// its time, `updated_at`, and the status only when it says so). Writing a column with the
/// value it holds changes nothing, so leaving it out is exact.
fn written_columns(chunk: &[Ready]) -> Vec<&'static str> {
    let Some(first) = chunk.first() else {
        return Vec::new();
    };
    rows::columns(&first.record)
        .into_iter()
        .enumerate()
        .filter(|(i, _)| {
            chunk
                .iter()
                .any(|r| r.changed.get(*i).copied().unwrap_or(true))
        })
        .map(|(_, (n, _))| n)
        .collect()
}

/// One `UPDATE` for the whole chunk: `WITH v (id, expected, col…) AS (VALUES …) UPDATE t SET
/// col = v.col … FROM v WHERE t.id = v.id AND t.version = v.expected`.
async fn update_rows(
    backend: Backend,
    tx: &mut AnyConnection,
    chunk: &[Ready],
) -> Result<(), StoreError> {
    let Some(first) = chunk.first() else {
        return Ok(());
    };
    let table = rows::table(first.record.kind());
    let names = written_columns(chunk);
    let mut sql = Sql::new(
        backend,
        &format!("WITH v (id, expected, {}) AS (VALUES ", names.join(", ")),
    );
    for (i, r) in chunk.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        let mut values = vec![Bind::from(r.record.id()), Bind::from(r.expected)];
        values.extend(
            rows::columns(&r.record)
                .into_iter()
                .filter(|(n, _)| names.contains(n))
                .map(|(_, b)| b),
        );
        values_row(&mut sql, values, i == 0);
    }
    sql.push(") UPDATE ").push(table).push(" SET ");
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(n).push(" = v.").push(n);
    }
    sql.push(" FROM v WHERE ")
        .push(table)
        .push(".id = v.id AND ")
        .push(table)
        .push(".version = v.expected");
    let written = sql.execute(tx).await?;
    if usize::try_from(written).ok() == Some(chunk.len()) {
        Ok(())
    } else {
        Err(StoreError::Internal(format!(
            "a batch update wrote {written} of {} rows",
            chunk.len()
        )))
    }
}

/// One multi-row `INSERT` of the chunk's events; sets each event's sequence number.
async fn insert_events(
    backend: Backend,
    tx: &mut AnyConnection,
    chunk: &mut [Ready],
) -> Result<(), StoreError> {
    if chunk.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        backend,
        "INSERT INTO events (at, actor, hq, entity, entity_id, action, changes, previous) VALUES ",
    );
    for (i, r) in chunk.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        let e = &r.event;
        let values = vec![
            Bind::from(e.at),
            Bind::from(e.actor.as_str()),
            Bind::from(e.hq),
            Bind::from(e.entity.as_str()),
            Bind::from(e.entity_id),
            Bind::from(e.action.as_str()),
            Bind::from(rows::json(&e.changes)),
            Bind::from(rows::json(&e.previous)),
        ];
        values_row(&mut sql, values, i == 0);
    }
    sql.push(" RETURNING seq, entity_id");
    let mut seq_of = HashMap::with_capacity(chunk.len());
    for row in sql.fetch_all(tx).await? {
        let seq: i64 = row.try_get(0).map_err(db)?;
        let id: i64 = row.try_get(1).map_err(db)?;
        seq_of.insert(id, seq);
    }
    for r in chunk {
        r.event.seq = *seq_of.get(&r.event.entity_id).ok_or_else(|| {
            StoreError::Internal("an inserted event returned no sequence number".into())
        })?;
    }
    Ok(())
}
